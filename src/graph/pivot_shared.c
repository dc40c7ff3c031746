/*
 * The common ground of two entities: the relationships between them, the
 * objects both are linked to (by relationship type and direction), and the
 * pivot attributes both have, including those a domain takes from the
 * addresses it resolves to. Each side reads at most CG_SHARED_MAX_EDGES
 * edges through the edges indexes. The result reports when that limit cut
 * the list.
 */
#include "graph/pivot_internal.h"

#include <stdlib.h>
#include <string.h>

/* Edges read per side. */
#define CG_SHARED_MAX_EDGES 10000

/*
 * Plan: SEARCH edges USING INDEX edges_source (source=?) and
 * SEARCH edges USING INDEX edges_target (target=?).
 */
static const char side_edges_sql[] =
    "SELECT id, type, target, 1 FROM edges WHERE source = ?1 "
    "UNION ALL "
    "SELECT id, type, source, 0 FROM edges WHERE target = ?1 "
    "LIMIT ?2";

/*
 * Reads the edges of id into a JSON object: other id -> array of
 * {"id", "relationship_type", "outgoing"}. Sets *capped when the limit cut
 * the list.
 */
static enum cg_err read_side(struct cg_store *store, const char *id,
                             json_t *edges, bool *capped, struct cg_error *err)
{
    sqlite3 *db = cg_store_db(store);
    sqlite3_stmt *stmt = NULL;
    long rows = 0;
    int step;

    if (sqlite3_prepare_v2(db, side_edges_sql, -1, &stmt, NULL) != SQLITE_OK)
        return cg_error_set(err, CG_ERR_DB, "reading edges failed: %s",
                            sqlite3_errmsg(db));
    sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(stmt, 2, CG_SHARED_MAX_EDGES + 1);
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *other = (const char *)sqlite3_column_text(stmt, 2);
        json_t *list;

        if (++rows > CG_SHARED_MAX_EDGES) {
            *capped = true;
            break;
        }
        list = json_object_get(edges, other);
        if (!list) {
            list = json_array();
            json_object_set_new(edges, other, list);
        }
        json_array_append_new(
            list, json_pack("{ss ss sb}", "id", sqlite3_column_text(stmt, 0),
                            "relationship_type", sqlite3_column_text(stmt, 1),
                            "outgoing", sqlite3_column_int(stmt, 3) != 0));
    }
    sqlite3_finalize(stmt);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return cg_error_set(err, CG_ERR_DB, "reading edges failed: %s",
                            sqlite3_errmsg(db));
    return CG_OK;
}

static const char *text_of(const json_t *obj, const char *key)
{
    const char *text = json_string_value(json_object_get(obj, key));

    return text ? text : "";
}

/* The relationships that link a and b directly, forward when a is the
 * source. */
static json_t *direct_links(const json_t *edges_a, const char *b)
{
    json_t *direct = json_array();
    size_t i;
    json_t *edge;

    json_array_foreach(json_object_get(edges_a, b), i, edge) {
        json_array_append_new(
            direct,
            json_pack("{ss ss sO}", "id", text_of(edge, "id"),
                      "relationship_type", text_of(edge, "relationship_type"),
                      "forward", json_object_get(edge, "outgoing")));
    }
    return direct;
}

/* Appends one entry per pair of edges that reach the same object. */
static void add_common(struct cg_store *store, json_t *common,
                       const char *other, const json_t *list_a,
                       const json_t *list_b)
{
    size_t i, j;
    json_t *ea;
    json_t *eb;

    json_array_foreach(list_a, i, ea) {
        json_array_foreach(list_b, j, eb) {
            json_t *entry = cg_pivot_node(store, other);

            json_object_del(entry, "location_type");
            json_object_set_new(entry, "relationship_type_a",
                                json_string(text_of(ea, "relationship_type")));
            json_object_set(entry, "outgoing_a",
                            json_object_get(ea, "outgoing"));
            json_object_set_new(entry, "relationship_type_b",
                                json_string(text_of(eb, "relationship_type")));
            json_object_set(entry, "outgoing_b",
                            json_object_get(eb, "outgoing"));
            json_array_append_new(common, entry);
        }
    }
}

static int compare_common(const void *x, const void *y)
{
    const json_t *a = *(json_t *const *)x;
    const json_t *b = *(json_t *const *)y;
    int order = strcmp(text_of(a, "relationship_type_a"),
                       text_of(b, "relationship_type_a"));

    if (order == 0)
        order = strcmp(text_of(a, "name"), text_of(b, "name"));
    return order ? order : strcmp(text_of(a, "id"), text_of(b, "id"));
}

/* Sorts a JSON array of objects in place with compare. */
static void sort_array(json_t *array,
                       int (*compare)(const void *, const void *))
{
    size_t count = json_array_size(array);
    json_t **items = calloc(count ? count : 1, sizeof(*items));

    if (!items)
        return;
    for (size_t i = 0; i < count; i++)
        items[i] = json_incref(json_array_get(array, i));
    qsort(items, count, sizeof(*items), compare);
    json_array_clear(array);
    for (size_t i = 0; i < count; i++)
        json_array_append_new(array, items[i]);
    free(items);
}

static json_t *common_neighbors(struct cg_store *store, const json_t *edges_a,
                                const json_t *edges_b, const char *a,
                                const char *b)
{
    json_t *common = json_array();
    const char *other;
    json_t *list_a;

    json_object_foreach((json_t *)edges_a, other, list_a) {
        json_t *list_b = json_object_get(edges_b, other);

        if (list_b && strcmp(other, a) != 0 && strcmp(other, b) != 0)
            add_common(store, common, other, list_a, list_b);
    }
    sort_array(common, compare_common);
    return common;
}

/* The attributes of a whose via and key b also has. */
static json_t *common_attributes(const json_t *attrs_a, const json_t *attrs_b)
{
    json_t *common = json_array();
    json_t *seen = json_object();
    size_t i, j;
    json_t *x;
    json_t *y;

    json_array_foreach(attrs_a, i, x) {
        json_array_foreach(attrs_b, j, y) {
            char key[512];

            if (strcmp(text_of(x, "via"), text_of(y, "via")) != 0 ||
                strcmp(text_of(x, "key"), text_of(y, "key")) != 0)
                continue;
            snprintf(key, sizeof(key), "%s|%s", text_of(x, "via"),
                     text_of(x, "key"));
            if (json_object_get(seen, key))
                break;
            json_object_set_new(seen, key, json_true());
            json_array_append_new(common,
                                  json_pack("{ss ss}", "via", text_of(x, "via"),
                                            "value", text_of(x, "value")));
            if (json_object_get(x, "id"))
                json_object_set(
                    json_array_get(common, json_array_size(common) - 1), "id",
                    json_object_get(x, "id"));
            break;
        }
    }
    json_decref(seen);
    return common;
}

enum cg_err cg_shared(struct cg_store *store, const char *a, const char *b,
                      json_t **out, struct cg_error *err)
{
    json_t *edges_a = json_object();
    json_t *edges_b = json_object();
    json_t *attrs_a = json_array();
    json_t *attrs_b = json_array();
    json_t *node_a = cg_pivot_node(store, a);
    json_t *node_b = cg_pivot_node(store, b);
    bool capped = false;
    enum cg_err rc = CG_OK;

    *out = NULL;
    if (!edges_a || !edges_b || !attrs_a || !attrs_b || !node_a || !node_b)
        rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (rc == CG_OK)
        rc = read_side(store, a, edges_a, &capped, err);
    if (rc == CG_OK)
        rc = read_side(store, b, edges_b, &capped, err);
    if (rc == CG_OK)
        rc = cg_pivot_attributes(store, a, CG_VIA_ALL, attrs_a, err);
    if (rc == CG_OK)
        rc = cg_pivot_attributes(store, b, CG_VIA_ALL, attrs_b, err);
    if (rc == CG_OK) {
        json_object_del(node_a, "location_type");
        json_object_del(node_b, "location_type");
        *out = json_pack("{sO sO so so so sb}", "a", node_a, "b", node_b,
                         "direct", direct_links(edges_a, b), "neighbors",
                         common_neighbors(store, edges_a, edges_b, a, b),
                         "attributes", common_attributes(attrs_a, attrs_b),
                         "capped", capped);
        if (!*out)
            rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    json_decref(edges_a);
    json_decref(edges_b);
    json_decref(attrs_a);
    json_decref(attrs_b);
    json_decref(node_a);
    json_decref(node_b);
    return rc;
}
