/*
 * The merge rule shared by the bundle builder and the graph store when an
 * object with the same id arrives twice: lists are united, the newest
 * score wins, created moves back and modified moves forward.
 */
#ifndef CG_STIX_MERGE_H
#define CG_STIX_MERGE_H

#include <jansson.h>

#include "core/err.h"

/*
 * Merges incoming into existing, which must have the same id. Borrows
 * incoming. Label, marking and object_refs lists are united (existing order
 * first), external references are united by source_name, url and
 * external_id, created and valid_from keep the earliest value and modified
 * the latest. Every other property, x_opencti_score included, takes the
 * incoming value when incoming_newer is true, and is only filled in when
 * missing otherwise.
 */
enum cg_err cg_stix_merge(json_t *existing, const json_t *incoming,
                          bool incoming_newer) CG_WARN_UNUSED;

/*
 * Same as cg_stix_merge, and sets *changed to whether existing now differs
 * (by json_equal) from what it was before the call. A property whose
 * incoming value equals the existing one is left in place, not copied.
 */
enum cg_err cg_stix_merge_changed(json_t *existing, const json_t *incoming,
                                  bool incoming_newer,
                                  bool *changed) CG_WARN_UNUSED;

#endif /* CG_STIX_MERGE_H */
