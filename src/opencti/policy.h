/*
 * The checks made before anything is sent to Criminal IP: whether the
 * entity's type is in the connector's scope, and whether its TLP marking
 * is at most the configured maximum. TLP follows the TLP 2.0 ladder,
 * CLEAR (= WHITE) < GREEN < AMBER < AMBER+STRICT < RED; an entity with no
 * TLP marking counts as TLP:CLEAR, and a TLP marking that cipgraph does not
 * know is refused rather than guessed.
 */
#ifndef CG_OPENCTI_POLICY_H
#define CG_OPENCTI_POLICY_H

#include <jansson.h>

#include "opencti/config.h"

/*
 * Returns the scope bit of an entity: from OpenCTI's entity type when
 * given (e.g. "IPv4-Addr"), else from the STIX type of stix_entity
 * ("ipv4-addr"). Returns 0 for a type the connector cannot enrich, and
 * writes the type's name into name (size bytes) for messages.
 */
unsigned cg_policy_entity_scope(const char *entity_type,
                                const json_t *stix_entity, char *name,
                                size_t size);

/* Returns the STIX type of a scope bit: "ipv4-addr", "url", ... */
const char *cg_policy_stix_type(unsigned scope);

/*
 * Reads the TLP level of one marking from its id and, when known, its
 * definition type and definition (OpenCTI's objectMarking fields, or a
 * marking-definition object's). Returns CG_OK with *is_tlp false for a
 * marking that is not TLP (PAP, statements), CG_OK with *is_tlp true and
 * *level for a known TLP, CG_ERR_TLP for a TLP marking that is not one of
 * the five levels, and CG_ERR_NOT_FOUND when nothing identifies it.
 */
enum cg_err cg_policy_marking_tlp(const char *id, const char *definition_type,
                                  const char *definition, bool *is_tlp,
                                  enum cg_tlp *level,
                                  struct cg_error *err) CG_WARN_UNUSED;

/*
 * Computes the entity's TLP from its object_marking_refs, resolving ids
 * that are not OpenCTI's static TLP ids against the marking-definition
 * objects in objects (may be NULL). Sets *unresolved when some marking
 * could not be identified, so that the caller reads the markings from the
 * platform instead. Returns CG_ERR_TLP for an unknown TLP marking.
 */
enum cg_err cg_policy_stix_tlp(const json_t *stix_entity, const json_t *objects,
                               enum cg_tlp *tlp, bool *unresolved,
                               struct cg_error *err) CG_WARN_UNUSED;

/*
 * Computes the TLP from a GraphQL objectMarking list of
 * {standard_id, definition_type, definition}.
 */
enum cg_err cg_policy_graphql_tlp(const json_t *object_marking,
                                  enum cg_tlp *tlp,
                                  struct cg_error *err) CG_WARN_UNUSED;

/* True when data marked tlp may be sent under a maximum of max. */
bool cg_policy_tlp_allowed(enum cg_tlp tlp, enum cg_tlp max);

#endif /* CG_OPENCTI_POLICY_H */
