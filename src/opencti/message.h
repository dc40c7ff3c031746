/*
 * Parsing of the messages OpenCTI sends to an internal-enrichment
 * connector, on its listen queue or to its HTTP callback: automatic and
 * manual enrichment events (stix_entity and stix_objects arrive as JSON
 * strings, stix_objects may be null), playbook steps (no event_type, the
 * bundle inline) and the older form that carries only entity_id.
 */
#ifndef CG_OPENCTI_MESSAGE_H
#define CG_OPENCTI_MESSAGE_H

#include <jansson.h>

#include "core/err.h"

/* Largest message accepted, in bytes: OpenCTI's default API body limit. */
#define CG_OCTI_MESSAGE_MAX (50u * 1024 * 1024)

struct cg_octi_message {
    json_t *root; /* the whole message */
    /* Borrowed from root; NULL when absent, null or empty. */
    const char *work_id;
    const char *applicant_id;
    const char *draft_id;
    const char *entity_id;
    const char *entity_type; /* event.entity_type (not in playbook steps) */
    const char *event_type;
    /* internal.playbook, borrowed; set for playbook steps. */
    const json_t *playbook;
    /* event.bundle of a playbook step, borrowed. */
    const json_t *playbook_bundle;
    /* Owned: the entity as STIX 2.1, or NULL when the message carries only
     * entity_id and the entity must be read from the platform. */
    json_t *stix_entity;
    /* Owned array: stix_objects, or the playbook bundle's objects; NULL
     * when the platform sent none. */
    json_t *stix_objects;
};

/*
 * Parses len bytes of a listen message into msg (which must be zeroed or
 * released). Returns:
 * - CG_ERR_PARSE or CG_ERR_TOO_LARGE/TOO_DEEP: not JSON, or too big;
 * - CG_ERR_INVALID: JSON of the wrong shape (no event, no entity_id, a
 *   stix_entity that is not an object, a playbook bundle without the
 *   entity);
 * - CG_ERR_UNSUPPORTED: an event_type other than INTERNAL_ENRICHMENT.
 * work_id and applicant_id are filled whenever the JSON parsed, so that a
 * caller can report the failure on the work.
 */
enum cg_err cg_octi_message_parse(const char *text, size_t len,
                                  struct cg_octi_message *msg,
                                  struct cg_error *err) CG_WARN_UNUSED;

/* Frees what msg owns and zeroes it. */
void cg_octi_message_release(struct cg_octi_message *msg);

/*
 * Reads only internal.work_id from a message body, for the log line of a
 * message that fails to parse. Writes "" when there is none.
 */
void cg_octi_message_peek_work(const char *text, size_t len, char *out,
                               size_t size);

#endif /* CG_OPENCTI_MESSAGE_H */
