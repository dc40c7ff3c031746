/*
 * Assembly of what the connector sends back: the entity re-emitted under
 * its own id with the enrichment (score, labels, description, the Criminal
 * IP external reference), the graph the engine built for the value, and,
 * for playbooks, the incoming bundle. When OpenCTI's value normalises to a
 * different canonical value (a URL host in upper case, an uncompressed
 * IPv6), the engine's observable id differs from the entity's: every
 * reference is rewritten to the entity's id and the deterministic ids of
 * the relationships that change are recomputed.
 */
#ifndef CG_OPENCTI_ASSEMBLE_H
#define CG_OPENCTI_ASSEMBLE_H

#include <jansson.h>

#include "core/buf.h"
#include "stix/bundle.h"

/*
 * Rewrites every *_ref and *_refs value equal to from_id in objects (an
 * array, changed in place) into to_id. A relationship whose source_ref or
 * target_ref changes gets its id recomputed (uuid5 over relationship_type,
 * source_ref, target_ref and the start_time/stop_time it carries), and
 * references to the old relationship id are rewritten in turn.
 */
enum cg_err cg_assemble_rewrite_id(json_t *objects, const char *from_id,
                                   const char *to_id,
                                   struct cg_error *err) CG_WARN_UNUSED;

/*
 * Returns a copy of entity (the platform's STIX object) carrying the
 * enrichment of observable (the engine's object for the same value):
 * x_opencti_score, labels, description and external references, set both
 * as x_opencti_* properties and, when the entity has it, in OpenCTI's SCO
 * extension. The entity's id, value, author and markings are kept. NULL
 * when out of memory.
 */
json_t *cg_assemble_enriched_entity(const json_t *entity,
                                    const json_t *observable);

struct cg_assembly {
    const json_t *engine_objects; /* the engine's bundle objects */
    const char *engine_id;        /* the engine's observable id */
    const json_t *entity;         /* the platform's STIX entity */
    /* The message's stix_objects, to find the entity's marking
     * definitions; may be NULL. */
    const json_t *context;
    /* A playbook's incoming objects, sent back first; may be NULL. */
    const json_t *incoming;
};

/*
 * Builds the bundle to send into out (initialised by the caller): the
 * incoming objects, the enriched entity, the engine's objects with their
 * references moved to the entity, and the definitions of the entity's
 * markings. A marking reference whose definition is neither a static TLP
 * id nor in context is left off the re-emitted entity (an upsert never
 * removes markings, so nothing is lost).
 */
enum cg_err cg_assemble_bundle(const struct cg_assembly *in,
                               struct cg_bundle *out,
                               struct cg_error *err) CG_WARN_UNUSED;

/*
 * Adds a copy of each object of objects (an array) to out, except the one
 * whose id is skip_id (may be NULL). OpenCTI's objects for the static TLP
 * markings are replaced by the STIX 2.1 predefined ones with the same id.
 */
enum cg_err cg_assemble_add_copies(struct cg_bundle *out, const json_t *objects,
                                   const char *skip_id) CG_WARN_UNUSED;

/*
 * Builds the push-queue message that pycti's send_stix2_bundle publishes:
 * {"bundle_type": "QUEUE_BUNDLE", "applicant_id", "action_sequence": 1,
 * "entities_types": [], "content": base64(bundle_text), "update": false,
 * "draft_id", "work_id"} (work_id only when set). Appends to out.
 */
enum cg_err cg_assemble_queue_message(const char *bundle_text, size_t len,
                                      const char *applicant_id,
                                      const char *work_id, const char *draft_id,
                                      struct cg_buf *out) CG_WARN_UNUSED;

#endif /* CG_OPENCTI_ASSEMBLE_H */
