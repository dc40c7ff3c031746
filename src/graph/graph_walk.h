/*
 * Walks over the graph's edges (relationships and container object_refs,
 * followed in both directions): the shortest path between two entities
 * and the neighbourhood of an entity as a STIX bundle. Also the small
 * key-value table where the graph modules record how far their derived
 * tables are synced.
 *
 * Every step reads one node's edges through the edges_source and
 * edges_target indexes, so a walk costs O(edges read), never a table scan.
 * Each node contributes at most CG_WALK_MAX_DEGREE edges, and a walk that
 * hits a bound reports it in its result.
 */
#ifndef CG_GRAPH_GRAPH_WALK_H
#define CG_GRAPH_GRAPH_WALK_H

#include <jansson.h>

#include "stix/bundle.h"
#include "store/store.h"

/* Largest depth a path search or neighbourhood accepts. */
#define CG_WALK_MAX_DEPTH 8
/* Edges read per node; a hub such as a country may have millions. */
#define CG_WALK_MAX_DEGREE 10000
/* Nodes a path search may visit before it gives up. */
#define CG_WALK_MAX_VISITED 200000
/* Edge rows one walk may read in all, so that hubs whose neighbours were
 * already visited cannot make a search read without end. */
#define CG_WALK_MAX_EDGE_READS 2000000

/*
 * Creates graph_state(key TEXT PRIMARY KEY, value TEXT) when missing. The
 * getter sets *value to a new string (free with free()) or NULL when the
 * key is absent.
 */
enum cg_err cg_graph_state_prepare(struct cg_store *store,
                                   struct cg_error *err) CG_WARN_UNUSED;
enum cg_err cg_graph_state_get(struct cg_store *store, const char *key,
                               char **value,
                               struct cg_error *err) CG_WARN_UNUSED;
enum cg_err cg_graph_state_set(struct cg_store *store, const char *key,
                               const char *value,
                               struct cg_error *err) CG_WARN_UNUSED;

/*
 * Finds a shortest chain of edges between the objects from_id and to_id,
 * at most max_depth edges long (1..CG_WALK_MAX_DEPTH), with a breadth-first
 * search from both ends. Returns a new JSON object in *out (free with
 * json_decref):
 *   {"found": bool, "length": n, "bounded": bool,
 *    "nodes": [{"id", "type", "name", "score"}...],
 *    "edges": [{"id", "relationship_type", "forward"}...]}
 * where edges[i] links nodes[i] and nodes[i + 1] and forward is true when
 * it points from nodes[i] to nodes[i + 1]. "bounded" is true when a degree
 * or visit limit cut the search, so a longer or missing path may exist.
 */
enum cg_err cg_graph_path(struct cg_store *store, const char *from_id,
                          const char *to_id, int max_depth, json_t **out,
                          struct cg_error *err) CG_WARN_UNUSED;

/*
 * Adds to bundle (borrowed, usually empty) every object within depth edges
 * of id (0..CG_WALK_MAX_DEPTH), at most max_nodes of them, with every
 * relationship whose two ends are inside, and the identities and marking
 * definitions those objects reference. Sets *capped when max_nodes or a
 * degree limit cut the walk. The bundle is pruned and sorted.
 */
enum cg_err cg_graph_neighborhood(struct cg_store *store, const char *id,
                                  int depth, size_t max_nodes,
                                  struct cg_bundle *bundle, bool *capped,
                                  struct cg_error *err) CG_WARN_UNUSED;

#endif /* CG_GRAPH_GRAPH_WALK_H */
