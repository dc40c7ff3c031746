/*
 * An in-memory STIX bundle that de-duplicates by id (merging repeats with
 * cg_stix_merge), drops relationships whose ends are missing or whose type
 * OpenCTI rejects, and writes the result in a stable order.
 */
#ifndef CG_STIX_BUNDLE_H
#define CG_STIX_BUNDLE_H

#include <jansson.h>
#include <stdio.h>

#include "core/buf.h"

struct cg_bundle {
    json_t *objects; /* array, insertion order */
    json_t *index;   /* id -> object, the same references */
};

void cg_bundle_init(struct cg_bundle *bundle);
void cg_bundle_release(struct cg_bundle *bundle);

/*
 * Adds obj, taking ownership of it. When an object with the same id is
 * already present, obj is merged into it (incoming counts as newer) and
 * released. Returns the object now held by the bundle (borrowed, valid
 * until the bundle is released or pruned), or NULL when obj is NULL, has no
 * string id, or memory runs out.
 */
json_t *cg_bundle_add(struct cg_bundle *bundle, json_t *obj);

/* Returns the object with this id (borrowed) or NULL. */
json_t *cg_bundle_get(const struct cg_bundle *bundle, const char *id);

/* Returns the number of objects. */
size_t cg_bundle_size(const struct cg_bundle *bundle);

/*
 * Removes every relationship whose source or target is not in the bundle
 * or whose type OpenCTI does not accept between the two, and drops
 * object_refs entries that point outside the bundle. Returns the number of
 * relationships removed.
 */
size_t cg_bundle_prune(struct cg_bundle *bundle);

/*
 * Sorts the objects into the stable output order: markings, identities,
 * observables, other domain objects, then relationships; by id within
 * each group.
 */
void cg_bundle_sort(struct cg_bundle *bundle);

/* Returns the sort group of an object type (lower is earlier). */
int cg_bundle_type_rank(const char *type);

/*
 * Writes {"type":"bundle","id":...,"objects":[...]} to f, one object per
 * line with sorted keys. The bundle id is a UUIDv5 of the object ids, so
 * the same objects always give the same document.
 */
enum cg_err cg_bundle_write(const struct cg_bundle *bundle,
                            FILE *f) CG_WARN_UNUSED;

/* Same as cg_bundle_write, into a buffer. */
enum cg_err cg_bundle_dump(const struct cg_bundle *bundle,
                           struct cg_buf *out) CG_WARN_UNUSED;

#endif /* CG_STIX_BUNDLE_H */
