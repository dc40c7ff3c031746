/*
 * Breadth-first walks over the edges table: the shortest path between two
 * objects (searched from both ends at once) and the neighbourhood bundle.
 * Visited sets and parent links are jansson objects keyed by STIX id.
 */
#include "graph/graph_walk.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "stix/object.h"

enum cg_err cg_graph_state_prepare(struct cg_store *store, struct cg_error *err)
{
    char *message = NULL;
    enum cg_err rc = CG_OK;

    if (sqlite3_exec(cg_store_db(store),
                     "CREATE TABLE IF NOT EXISTS graph_state("
                     "  key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID",
                     NULL, NULL, &message) != SQLITE_OK)
        rc = cg_error_set(err, CG_ERR_DB,
                          "creating the graph_state table failed: %s",
                          message ? message : "unknown error");
    sqlite3_free(message);
    return rc;
}

enum cg_err cg_graph_state_get(struct cg_store *store, const char *key,
                               char **value, struct cg_error *err)
{
    sqlite3 *db = cg_store_db(store);
    sqlite3_stmt *stmt = NULL;
    enum cg_err rc = CG_OK;
    int step;

    *value = NULL;
    if (sqlite3_prepare_v2(db, "SELECT value FROM graph_state WHERE key = ?1",
                           -1, &stmt, NULL) != SQLITE_OK)
        return cg_error_set(err, CG_ERR_DB, "reading graph_state failed: %s",
                            sqlite3_errmsg(db));
    sqlite3_bind_text(stmt, 1, key, -1, SQLITE_TRANSIENT);
    step = sqlite3_step(stmt);
    if (step == SQLITE_ROW && sqlite3_column_text(stmt, 0)) {
        *value = strdup((const char *)sqlite3_column_text(stmt, 0));
        if (!*value)
            rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    } else if (step != SQLITE_ROW && step != SQLITE_DONE) {
        rc = cg_error_set(err, CG_ERR_DB, "reading graph_state failed: %s",
                          sqlite3_errmsg(db));
    }
    sqlite3_finalize(stmt);
    return rc;
}

enum cg_err cg_graph_state_set(struct cg_store *store, const char *key,
                               const char *value, struct cg_error *err)
{
    sqlite3 *db = cg_store_db(store);
    sqlite3_stmt *stmt = NULL;
    enum cg_err rc = CG_OK;

    if (sqlite3_prepare_v2(db,
                           "INSERT OR REPLACE INTO graph_state(key, value) "
                           "VALUES(?1, ?2)",
                           -1, &stmt, NULL) != SQLITE_OK)
        return cg_error_set(err, CG_ERR_DB, "writing graph_state failed: %s",
                            sqlite3_errmsg(db));
    sqlite3_bind_text(stmt, 1, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 2, value, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = cg_error_set(err, CG_ERR_DB, "writing graph_state failed: %s",
                          sqlite3_errmsg(db));
    sqlite3_finalize(stmt);
    return rc;
}

/*
 * The edges of one node in both directions, outgoing first, each group in
 * index order (type, then id), at most CG_WALK_MAX_DEGREE + 1 rows so that
 * the caller can tell when the limit cut the list. Plan:
 *   SEARCH edges USING INDEX edges_source (source=?)
 *   SEARCH edges USING INDEX edges_target (target=?)
 */
static const char edges_sql[] =
    "SELECT id, type, target, 1 FROM edges WHERE source = ?1 "
    "UNION ALL "
    "SELECT id, type, source, 0 FROM edges WHERE target = ?1 "
    "LIMIT ?2";

struct walk {
    sqlite3 *db;
    sqlite3_stmt *edges;
    long edge_reads; /* rows read so far, against CG_WALK_MAX_EDGE_READS */
    bool bounded;    /* a degree, visit or read limit was hit */
};

static enum cg_err walk_init(struct walk *w, struct cg_store *store,
                             struct cg_error *err)
{
    w->db = cg_store_db(store);
    w->edges = NULL;
    w->edge_reads = 0;
    w->bounded = false;
    if (sqlite3_prepare_v2(w->db, edges_sql, -1, &w->edges, NULL) != SQLITE_OK)
        return cg_error_set(err, CG_ERR_DB, "preparing a walk failed: %s",
                            sqlite3_errmsg(w->db));
    return CG_OK;
}

/* One edge as walk_edges reports it; pointers valid during the call. */
struct walk_edge {
    const char *id;
    const char *type;
    const char *other;
    bool outgoing; /* the node is the edge's source */
};

typedef int (*walk_edge_fn)(const struct walk_edge *edge, void *data);

/* Calls fn for each edge of node until fn returns non-zero. */
static enum cg_err walk_edges(struct walk *w, const char *node, walk_edge_fn fn,
                              void *data, struct cg_error *err)
{
    int step;
    long rows = 0;

    sqlite3_reset(w->edges);
    sqlite3_bind_text(w->edges, 1, node, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(w->edges, 2, CG_WALK_MAX_DEGREE + 1);
    while ((step = sqlite3_step(w->edges)) == SQLITE_ROW) {
        struct walk_edge edge = {
            (const char *)sqlite3_column_text(w->edges, 0),
            (const char *)sqlite3_column_text(w->edges, 1),
            (const char *)sqlite3_column_text(w->edges, 2),
            sqlite3_column_int(w->edges, 3) != 0,
        };

        if (++rows > CG_WALK_MAX_DEGREE ||
            ++w->edge_reads > CG_WALK_MAX_EDGE_READS) {
            w->bounded = true;
            break;
        }
        if (fn(&edge, data))
            break;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return cg_error_set(err, CG_ERR_DB, "reading edges failed: %s",
                            sqlite3_errmsg(w->db));
    return CG_OK;
}

/* One side of the bidirectional search. parents maps each visited id to
 * [previous id or null, edge id, relationship type, outgoing]. */
struct side {
    json_t *parents;
    json_t *frontier;
    json_t *next;
    int depth;
};

/* The state of one level's expansion. */
struct expand_ctx {
    struct side *own;
    const struct side *other;
    const char *node;
    const char *meet; /* best meeting node of this level, or NULL */
    int meet_cost;    /* its distance from the other side's start */
    size_t *visited;
};

/* Returns the distance of id from the start of side s. */
static int side_distance(const struct side *s, const char *id)
{
    int distance = 0;
    json_t *link = json_object_get(s->parents, id);

    while (link && !json_is_null(json_array_get(link, 0))) {
        distance++;
        link = json_object_get(s->parents,
                               json_string_value(json_array_get(link, 0)));
    }
    return distance;
}

static int expand_edge(const struct walk_edge *edge, void *data)
{
    struct expand_ctx *c = data;
    int cost;

    if (!edge->other || json_object_get(c->own->parents, edge->other))
        return 0;
    json_object_set_new(
        c->own->parents, edge->other,
        json_pack("[sssb]", c->node, edge->id, edge->type, edge->outgoing));
    json_array_append_new(c->own->next, json_string(edge->other));
    (*c->visited)++;
    if (json_object_get(c->other->parents, edge->other)) {
        cost = side_distance(c->other, edge->other);
        if (!c->meet || cost < c->meet_cost) {
            c->meet = json_string_value(json_array_get(
                c->own->next, json_array_size(c->own->next) - 1));
            c->meet_cost = cost;
        }
    }
    return *c->visited >= CG_WALK_MAX_VISITED;
}

/* Expands one level of side s. Sets *meet to the best meeting node. */
static enum cg_err expand_level(struct walk *w, struct side *s,
                                const struct side *other, size_t *visited,
                                char **meet, struct cg_error *err)
{
    struct expand_ctx c = {s, other, NULL, NULL, 0, visited};
    size_t i;
    json_t *item;
    enum cg_err rc = CG_OK;

    s->next = json_array();
    if (!s->next)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    json_array_foreach(s->frontier, i, item) {
        c.node = json_string_value(item);
        rc = walk_edges(w, c.node, expand_edge, &c, err);
        if (rc != CG_OK || *visited >= CG_WALK_MAX_VISITED)
            break;
    }
    if (*visited >= CG_WALK_MAX_VISITED)
        w->bounded = true;
    if (c.meet)
        *meet = strdup(c.meet);
    json_decref(s->frontier);
    s->frontier = s->next;
    s->next = NULL;
    s->depth++;
    return rc;
}

/* Appends the node's type, name and score from the objects table. */
static json_t *describe_node(struct walk *w, const char *id)
{
    sqlite3_stmt *stmt = NULL;
    json_t *node = json_pack("{ss}", "id", id);

    if (!node || sqlite3_prepare_v2(w->db,
                                    "SELECT type, name, score FROM objects "
                                    "WHERE id = ?1",
                                    -1, &stmt, NULL) != SQLITE_OK)
        return node;
    sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *type = (const char *)sqlite3_column_text(stmt, 0);
        const char *name = (const char *)sqlite3_column_text(stmt, 1);

        json_object_set_new(node, "type", json_string(type ? type : ""));
        if (name)
            json_object_set_new(node, "name", json_string(name));
        if (sqlite3_column_type(stmt, 2) != SQLITE_NULL)
            json_object_set_new(node, "score",
                                json_integer(sqlite3_column_int(stmt, 2)));
    }
    sqlite3_finalize(stmt);
    return node;
}

static json_t *path_edge(const json_t *link, bool forward)
{
    return json_pack(
        "{ss ss sb}", "id", json_string_value(json_array_get(link, 1)),
        "relationship_type", json_string_value(json_array_get(link, 2)),
        "forward", forward);
}

/*
 * Builds the chain from the start of a to the start of b through meet.
 * On side a, an "outgoing" link points from the previous node toward meet,
 * so it is forward. On side b, an "outgoing" link points from the node
 * nearer b back toward meet, so it is backward.
 */
static void build_chain(struct walk *w, const struct side *a,
                        const struct side *b, const char *meet, json_t *doc)
{
    json_t *nodes = json_array();
    json_t *edges = json_array();
    const char *id = meet;
    json_t *link;

    while ((link = json_object_get(a->parents, id)) &&
           !json_is_null(json_array_get(link, 0))) {
        json_array_insert_new(nodes, 0, describe_node(w, id));
        json_array_insert_new(
            edges, 0, path_edge(link, json_is_true(json_array_get(link, 3))));
        id = json_string_value(json_array_get(link, 0));
    }
    json_array_insert_new(nodes, 0, describe_node(w, id));
    id = meet;
    while ((link = json_object_get(b->parents, id)) &&
           !json_is_null(json_array_get(link, 0))) {
        id = json_string_value(json_array_get(link, 0));
        json_array_append_new(
            edges, path_edge(link, !json_is_true(json_array_get(link, 3))));
        json_array_append_new(nodes, describe_node(w, id));
    }
    json_object_set_new(doc, "length",
                        json_integer((json_int_t)json_array_size(edges)));
    json_object_set_new(doc, "nodes", nodes);
    json_object_set_new(doc, "edges", edges);
    json_object_set_new(doc, "found", json_true());
}

static void side_init(struct side *s, const char *start)
{
    s->parents = json_object();
    s->frontier = json_array();
    s->next = NULL;
    s->depth = 0;
    json_object_set_new(s->parents, start, json_pack("[n]"));
    json_array_append_new(s->frontier, json_string(start));
}

static void side_release(struct side *s)
{
    json_decref(s->parents);
    json_decref(s->frontier);
    json_decref(s->next);
}

/* Runs the search; sets *meet to the meeting node when a path exists. */
static enum cg_err search(struct walk *w, struct side *a, struct side *b,
                          int max_depth, char **meet, struct cg_error *err)
{
    size_t visited = 2;
    enum cg_err rc = CG_OK;

    while (rc == CG_OK && !*meet && a->depth + b->depth < max_depth &&
           json_array_size(a->frontier) && json_array_size(b->frontier) &&
           visited < CG_WALK_MAX_VISITED) {
        /* Expanding the smaller frontier keeps the search narrow. */
        if (json_array_size(a->frontier) <= json_array_size(b->frontier))
            rc = expand_level(w, a, b, &visited, meet, err);
        else
            rc = expand_level(w, b, a, &visited, meet, err);
    }
    return rc;
}

enum cg_err cg_graph_path(struct cg_store *store, const char *from_id,
                          const char *to_id, int max_depth, json_t **out,
                          struct cg_error *err)
{
    struct walk w;
    struct side a, b;
    char *meet = NULL;
    json_t *doc = json_object();
    enum cg_err rc;

    *out = NULL;
    if (max_depth < 1 || max_depth > CG_WALK_MAX_DEPTH) {
        json_decref(doc);
        return cg_error_set(err, CG_ERR_INVALID,
                            "invalid path depth %d: use 1 to %d", max_depth,
                            CG_WALK_MAX_DEPTH);
    }
    rc = walk_init(&w, store, err);
    side_init(&a, from_id);
    side_init(&b, to_id);
    if (rc == CG_OK && strcmp(from_id, to_id) == 0)
        meet = strdup(from_id);
    if (rc == CG_OK && !meet)
        rc = search(&w, &a, &b, max_depth, &meet, err);
    if (rc == CG_OK && meet)
        build_chain(&w, &a, &b, meet, doc);
    else if (rc == CG_OK)
        json_object_set_new(doc, "found", json_false());
    json_object_set_new(doc, "bounded", json_boolean(w.bounded));
    free(meet);
    side_release(&a);
    side_release(&b);
    sqlite3_finalize(w.edges);
    if (rc == CG_OK)
        *out = doc;
    else
        json_decref(doc);
    return rc;
}

/* The state of a neighbourhood walk. */
struct hood {
    json_t *nodes; /* id -> depth */
    json_t *next;
    size_t max_nodes;
    int depth; /* of the nodes being expanded */
    bool capped;
};

static int hood_edge(const struct walk_edge *edge, void *data)
{
    struct hood *h = data;

    if (!edge->other || json_object_get(h->nodes, edge->other))
        return 0;
    if (json_object_size(h->nodes) >= h->max_nodes) {
        h->capped = true;
        return 1;
    }
    json_object_set_new(h->nodes, edge->other, json_integer(h->depth + 1));
    json_array_append_new(h->next, json_string(edge->other));
    return 0;
}

/* Collects the ids of the nodes within depth edges of start. */
static enum cg_err hood_collect(struct walk *w, struct hood *h,
                                const char *start, int depth,
                                struct cg_error *err)
{
    json_t *frontier = json_pack("[s]", start);
    enum cg_err rc = CG_OK;

    json_object_set_new(h->nodes, start, json_integer(0));
    for (h->depth = 0; rc == CG_OK && h->depth < depth && !h->capped;
         h->depth++) {
        size_t i;
        json_t *item;

        h->next = json_array();
        json_array_foreach(frontier, i, item) {
            rc = walk_edges(w, json_string_value(item), hood_edge, h, err);
            if (rc != CG_OK || h->capped)
                break;
        }
        json_decref(frontier);
        frontier = h->next;
        h->next = NULL;
    }
    json_decref(frontier);
    return rc;
}

/* Loads id from the store into bundle; an id the store lacks is skipped. */
static enum cg_err add_stored(struct cg_store *store, struct cg_bundle *bundle,
                              const char *id, struct cg_error *err)
{
    json_t *obj = NULL;
    enum cg_tlp tlp;
    enum cg_err rc;

    if (cg_bundle_get(bundle, id))
        return CG_OK;
    rc = cg_store_get_object(store, id, &obj, err);
    if (rc == CG_ERR_NOT_FOUND && cg_tlp_from_marking_id(id, &tlp))
        obj = cg_tlp_marking_object(tlp);
    else if (rc == CG_ERR_NOT_FOUND)
        return CG_OK;
    else if (rc != CG_OK)
        return rc;
    if (obj && !json_is_string(json_object_get(obj, "id"))) {
        cg_log_warn("graph", "stored object '%s' has no string id; left out",
                    id);
        json_decref(obj);
        return CG_OK;
    }
    if (!obj || !cg_bundle_add(bundle, obj))
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    return CG_OK;
}

struct inner_edges {
    const json_t *nodes;
    json_t *ids; /* relationship ids with both ends inside */
};

static int inner_edge(const struct walk_edge *edge, void *data)
{
    struct inner_edges *c = data;

    /* Container object_refs are carried by the container itself. */
    if (edge->outgoing && strcmp(edge->type, "object_refs") != 0 &&
        json_object_get(c->nodes, edge->other))
        json_array_append_new(c->ids, json_string(edge->id));
    return 0;
}

/* Adds every relationship between two nodes of the neighbourhood. */
static enum cg_err add_inner_edges(struct walk *w, struct cg_store *store,
                                   const json_t *nodes,
                                   struct cg_bundle *bundle,
                                   struct cg_error *err)
{
    struct inner_edges c = {nodes, json_array()};
    const char *id;
    json_t *value;
    size_t i;
    json_t *item;
    enum cg_err rc = CG_OK;

    json_object_foreach((json_t *)nodes, id, value) {
        rc = walk_edges(w, id, inner_edge, &c, err);
        if (rc != CG_OK)
            break;
    }
    json_array_foreach(c.ids, i, item) {
        if (rc != CG_OK)
            break;
        rc = add_stored(store, bundle, json_string_value(item), err);
    }
    json_decref(c.ids);
    return rc;
}

/* Adds the identities and marking definitions the objects reference. */
static enum cg_err add_references(struct cg_store *store,
                                  struct cg_bundle *bundle,
                                  struct cg_error *err)
{
    static const char *const single[] = {"created_by_ref",
                                         "x_opencti_created_by_ref"};
    json_t *refs = json_array();
    size_t i, j;
    json_t *obj;
    json_t *ref;
    enum cg_err rc = CG_OK;

    json_array_foreach(bundle->objects, i, obj) {
        for (j = 0; j < CG_ARRAY_LEN(single); j++) {
            ref = json_object_get(obj, single[j]);
            if (json_is_string(ref))
                json_array_append(refs, ref);
        }
        json_array_foreach(json_object_get(obj, "object_marking_refs"), j,
                           ref) {
            if (json_is_string(ref))
                json_array_append(refs, ref);
        }
    }
    json_array_foreach(refs, i, ref) {
        rc = add_stored(store, bundle, json_string_value(ref), err);
        if (rc != CG_OK)
            break;
    }
    json_decref(refs);
    return rc;
}

enum cg_err cg_graph_neighborhood(struct cg_store *store, const char *id,
                                  int depth, size_t max_nodes,
                                  struct cg_bundle *bundle, bool *capped,
                                  struct cg_error *err)
{
    struct hood h = {json_object(), NULL, max_nodes ? max_nodes : 1, 0, false};
    struct walk w;
    const char *node;
    json_t *value;
    enum cg_err rc;

    *capped = false;
    if (depth < 0 || depth > CG_WALK_MAX_DEPTH) {
        json_decref(h.nodes);
        return cg_error_set(err, CG_ERR_INVALID,
                            "invalid neighbourhood depth %d: use 0 to %d",
                            depth, CG_WALK_MAX_DEPTH);
    }
    rc = walk_init(&w, store, err);
    if (rc == CG_OK)
        rc = hood_collect(&w, &h, id, depth, err);
    json_object_foreach(h.nodes, node, value) {
        if (rc != CG_OK)
            break;
        rc = add_stored(store, bundle, node, err);
    }
    if (rc == CG_OK)
        rc = add_inner_edges(&w, store, h.nodes, bundle, err);
    /* Twice, because an added identity may reference a marking. */
    for (int pass = 0; rc == CG_OK && pass < 2; pass++)
        rc = add_references(store, bundle, err);
    if (rc == CG_OK) {
        cg_bundle_prune(bundle);
        cg_bundle_sort(bundle);
    }
    *capped = h.capped || w.bounded;
    json_decref(h.nodes);
    sqlite3_finalize(w.edges);
    return rc;
}
