/*
 * Private parts of the pivot module shared by pivot.c (attributes and
 * pivots), pivot_attrs.c (the graph_attrs index) and pivot_shared.c (what
 * two entities have in common).
 */
#ifndef CG_GRAPH_PIVOT_INTERNAL_H
#define CG_GRAPH_PIVOT_INTERNAL_H

#include "graph/pivot.h"

/* Attributes read per entity and via; more are left out. */
#define CG_PIVOT_MAX_ATTRS 100
/* Addresses of a domain whose AS, country and city count as its own. */
#define CG_PIVOT_MAX_HOPS 20

/*
 * Returns a new JSON node {"id", "type", "name"?, "score"?} for id, read
 * from the objects table (primary key lookup). "type" is "" when the
 * object is missing.
 */
json_t *cg_pivot_node(struct cg_store *store, const char *id);

/*
 * Appends to attrs (a JSON array) the attributes of the object id for the
 * vias in mask, as {"via", "value", "key", "id"?, "through"?}: "id" for a
 * linked object, "key" the value compared for property attributes (the
 * linked object's id otherwise).
 */
enum cg_err cg_pivot_attributes(struct cg_store *store, const char *id,
                                unsigned mask, json_t *attrs,
                                struct cg_error *err) CG_WARN_UNUSED;

/*
 * Returns the property values graph_attrs holds for object_id, appending
 * {"via", "value", "key"} entries to attrs.
 */
enum cg_err cg_pivot_attrs_of(struct cg_store *store, const char *object_id,
                              unsigned mask, json_t *attrs,
                              struct cg_error *err) CG_WARN_UNUSED;

/*
 * Calls fn for each object whose property name has the value key, at most
 * limit of them, in index order (id). fn returns non-zero to stop.
 */
typedef int (*cg_pivot_member_fn)(const char *id, void *data);
enum cg_err cg_pivot_attrs_members(struct cg_store *store, const char *name,
                                   const char *key, long limit,
                                   cg_pivot_member_fn fn, void *data,
                                   struct cg_error *err) CG_WARN_UNUSED;

#endif /* CG_GRAPH_PIVOT_INTERNAL_H */
