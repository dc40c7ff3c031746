/*
 * STIX objects and relationships in the graph: upsert with merge, reads,
 * neighbourhoods and the streaming export.
 */
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "stix/merge.h"
#include "stix/object.h"
#include "stix/writer.h"

const char *cg_store_object_name(const json_t *obj, char *buf, size_t size)
{
    const char *type = cg_stix_get_type(obj);
    const char *s;
    long long number;

    if (strcmp(type, "autonomous-system") == 0 &&
        json_is_integer(json_object_get(obj, "number"))) {
        number = json_integer_value(json_object_get(obj, "number"));
        snprintf(buf, size, "AS%lld", number);
        return buf;
    }
    if (strcmp(type, "indicator") == 0) {
        s = json_string_value(json_object_get(obj, "pattern"));
        if (s)
            return s;
    }
    if (strcmp(type, "x509-certificate") == 0) {
        s = json_string_value(json_object_get(obj, "serial_number"));
        if (s)
            return s;
        s = json_string_value(json_object_get(obj, "subject"));
        if (s)
            return s;
    }
    if (strcmp(type, "note") == 0) {
        s = json_string_value(json_object_get(obj, "abstract"));
        if (s)
            return s;
    }
    s = json_string_value(json_object_get(obj, "value"));
    if (s)
        return s;
    return json_string_value(json_object_get(obj, "name"));
}

static int object_score(const json_t *obj)
{
    const json_t *score = json_object_get(obj, "x_opencti_score");

    return json_is_integer(score) ? (int)json_integer_value(score) : -1;
}

static enum cg_err bind_object(struct cg_store *store, sqlite3_stmt *stmt,
                               const json_t *obj, const char *body,
                               struct cg_error *err)
{
    char name_buf[64];
    const char *type = cg_stix_get_type(obj);
    const char *name = cg_store_object_name(obj, name_buf, sizeof(name_buf));
    const char *modified = json_string_value(json_object_get(obj, "modified"));
    int score = object_score(obj);

    if (sqlite3_bind_text(stmt, 1, cg_stix_get_id(obj), -1, SQLITE_TRANSIENT) ||
        sqlite3_bind_text(stmt, 2, type, -1, SQLITE_TRANSIENT) ||
        (name ? sqlite3_bind_text(stmt, 3, name, -1, SQLITE_TRANSIENT)
              : sqlite3_bind_null(stmt, 3)) ||
        (score >= 0 ? sqlite3_bind_int(stmt, 4, score)
                    : sqlite3_bind_null(stmt, 4)) ||
        sqlite3_bind_int(stmt, 5, cg_bundle_type_rank(type)) ||
        (modified ? sqlite3_bind_text(stmt, 6, modified, -1, SQLITE_TRANSIENT)
                  : sqlite3_bind_null(stmt, 6)) ||
        sqlite3_bind_int64(stmt, 7, cg_time_now()) ||
        sqlite3_bind_text(stmt, 8, body, -1, SQLITE_TRANSIENT))
        return cg_store__fail(store, err, "binding an object");
    return CG_OK;
}

static enum cg_err write_object(struct cg_store *store, const json_t *obj,
                                bool exists, struct cg_error *err)
{
    static const char insert_sql[] =
        "INSERT INTO objects(id, type, name, score, rank, modified, "
        "updated_at, body) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    static const char update_sql[] =
        "UPDATE objects SET type = ?2, name = ?3, score = ?4, rank = ?5, "
        "modified = ?6, updated_at = ?7, body = ?8 WHERE id = ?1";
    enum cg_stmt slot = exists ? CG_STMT_OBJECT_UPDATE : CG_STMT_OBJECT_INSERT;
    sqlite3_stmt **stmt = &store->stmts[slot];
    char *body = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
    enum cg_err rc;

    if (!body)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    rc = cg_store__prepare(store, stmt, exists ? update_sql : insert_sql, err);
    if (rc == CG_OK)
        rc = bind_object(store, *stmt, obj, body, err);
    if (rc == CG_OK && sqlite3_step(*stmt) != SQLITE_DONE)
        rc = cg_store__fail(store, err, "writing an object");
    free(body);
    return rc;
}

static enum cg_err put_edge(struct cg_store *store, const char *id,
                            const char *type, const char *source,
                            const char *target, struct cg_error *err)
{
    sqlite3_stmt **stmt = &store->stmts[CG_STMT_EDGE_PUT];
    enum cg_err rc = cg_store__prepare(
        store, stmt,
        "INSERT OR REPLACE INTO edges(id, type, source, target) "
        "VALUES(?1, ?2, ?3, ?4)",
        err);

    if (rc != CG_OK)
        return rc;
    sqlite3_bind_text(*stmt, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(*stmt, 2, type, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(*stmt, 3, source, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(*stmt, 4, target, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(*stmt) != SQLITE_DONE)
        return cg_store__fail(store, err, "indexing a relationship");
    return CG_OK;
}

/* Indexes a relationship, or a container's object_refs, as edges. */
static enum cg_err index_edges(struct cg_store *store, const json_t *obj,
                               struct cg_error *err)
{
    const char *id = cg_stix_get_id(obj);
    const json_t *refs = json_object_get(obj, "object_refs");
    size_t i;
    json_t *ref;
    enum cg_err rc = CG_OK;

    if (strcmp(cg_stix_get_type(obj), "relationship") == 0) {
        const char *type =
            json_string_value(json_object_get(obj, "relationship_type"));
        const char *source =
            json_string_value(json_object_get(obj, "source_ref"));
        const char *target =
            json_string_value(json_object_get(obj, "target_ref"));

        if (!type || !source || !target)
            return cg_error_set(err, CG_ERR_STIX_INVALID,
                                "relationship '%s' lacks relationship_type, "
                                "source_ref or target_ref",
                                id);
        return put_edge(store, id, type, source, target, err);
    }
    json_array_foreach(refs, i, ref) {
        char edge_id[256];
        const char *target = json_string_value(ref);

        if (!target)
            continue;
        snprintf(edge_id, sizeof(edge_id), "%s#%s", id, target);
        rc = put_edge(store, edge_id, "object_refs", id, target, err);
        if (rc != CG_OK)
            break;
    }
    return rc;
}

/* Loads the stored version of id, or sets *out to NULL when absent. */
static enum cg_err load_object(struct cg_store *store, const char *id,
                               json_t **out, struct cg_error *err)
{
    sqlite3_stmt **stmt = &store->stmts[CG_STMT_OBJECT_GET];
    enum cg_err rc = cg_store__prepare(
        store, stmt, "SELECT body FROM objects WHERE id = ?1", err);
    int step;

    *out = NULL;
    if (rc != CG_OK)
        return rc;
    sqlite3_bind_text(*stmt, 1, id, -1, SQLITE_TRANSIENT);
    step = sqlite3_step(*stmt);
    if (step == SQLITE_ROW) {
        json_error_t jerr;
        const char *body = (const char *)sqlite3_column_text(*stmt, 0);

        *out = body ? json_loads(body, 0, &jerr) : NULL;
        if (!*out)
            rc = cg_error_set(err, CG_ERR_DB,
                              "stored object '%s' is not valid JSON", id);
    } else if (step != SQLITE_DONE) {
        rc = cg_store__fail(store, err, "reading an object");
    }
    sqlite3_reset(*stmt);
    return rc;
}

static bool incoming_is_newer(const json_t *stored, const json_t *incoming)
{
    const char *old = json_string_value(json_object_get(stored, "modified"));
    const char *new = json_string_value(json_object_get(incoming, "modified"));

    return !old || !new || strcmp(new, old) >= 0;
}

enum cg_err cg_store_put_object(struct cg_store *store, const json_t *obj,
                                struct cg_error *err)
{
    const char *id = json_string_value(json_object_get(obj, "id"));
    const char *type = json_string_value(json_object_get(obj, "type"));
    json_t *stored = NULL;
    json_t *merged = NULL;
    enum cg_err rc;

    if (!id || !type)
        return cg_error_set(err, CG_ERR_STIX_INVALID,
                            "STIX object without a string id and type");
    rc = load_object(store, id, &stored, err);
    if (rc != CG_OK)
        return rc;
    if (!stored) {
        rc = write_object(store, obj, false, err);
    } else {
        merged = json_deep_copy(stored);
        if (!merged)
            rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        else
            rc = cg_stix_merge(merged, obj, incoming_is_newer(stored, obj));
        /* Repeat enrichments mostly bring nothing new; skip the write. */
        if (rc == CG_OK && !json_equal(merged, stored))
            rc = write_object(store, merged, true, err);
    }
    if (rc == CG_OK)
        rc = index_edges(store, merged ? merged : obj, err);
    json_decref(stored);
    json_decref(merged);
    return rc;
}

static enum cg_err note_run_object(struct cg_store *store, int64_t run_id,
                                   const char *id, struct cg_error *err)
{
    sqlite3_stmt **stmt = &store->stmts[CG_STMT_RUN_OBJECT_PUT];
    enum cg_err rc = cg_store__prepare(
        store, stmt,
        "INSERT OR IGNORE INTO run_objects(run_id, object_id) "
        "VALUES(?1, ?2)",
        err);

    if (rc != CG_OK)
        return rc;
    sqlite3_bind_int64(*stmt, 1, run_id);
    sqlite3_bind_text(*stmt, 2, id, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(*stmt) != SQLITE_DONE)
        return cg_store__fail(store, err, "recording a run's object");
    return CG_OK;
}

enum cg_err cg_store_put_bundle(struct cg_store *store,
                                const struct cg_bundle *bundle, int64_t run_id,
                                struct cg_error *err)
{
    size_t i;
    json_t *obj;
    enum cg_err rc = CG_OK;

    json_array_foreach(bundle->objects, i, obj) {
        rc = cg_store_put_object(store, obj, err);
        if (rc == CG_OK && run_id > 0)
            rc = note_run_object(store, run_id, cg_stix_get_id(obj), err);
        if (rc != CG_OK)
            break;
    }
    return rc;
}

enum cg_err cg_store_get_object(struct cg_store *store, const char *id,
                                json_t **out, struct cg_error *err)
{
    enum cg_err rc = load_object(store, id, out, err);

    if (rc == CG_OK && !*out)
        return cg_error_set(err, CG_ERR_NOT_FOUND, "no object with id '%s'",
                            id);
    return rc;
}

enum cg_err cg_store_find(struct cg_store *store, const char *name,
                          const char *type, char *id, struct cg_error *err)
{
    enum cg_stmt slot = type ? CG_STMT_FIND_TYPED : CG_STMT_FIND;
    sqlite3_stmt **stmt = &store->stmts[slot];
    enum cg_err rc = cg_store__prepare(
        store, stmt,
        type ? "SELECT id FROM objects WHERE name = ?1 AND type = ?2 "
               "ORDER BY rank, id LIMIT 1"
             : "SELECT id FROM objects WHERE name = ?1 "
               "ORDER BY rank, id LIMIT 1",
        err);
    int step;

    if (rc != CG_OK)
        return rc;
    sqlite3_bind_text(*stmt, 1, name, -1, SQLITE_TRANSIENT);
    if (type)
        sqlite3_bind_text(*stmt, 2, type, -1, SQLITE_TRANSIENT);
    step = sqlite3_step(*stmt);
    if (step == SQLITE_ROW) {
        snprintf(id, CG_STIX_ID_SIZE, "%s", sqlite3_column_text(*stmt, 0));
    } else if (step == SQLITE_DONE) {
        rc = cg_error_set(err, CG_ERR_NOT_FOUND, "'%s' is not in the graph",
                          name);
    } else {
        rc = cg_store__fail(store, err, "looking up an object");
    }
    sqlite3_reset(*stmt);
    return rc;
}

enum cg_err cg_store_neighbors(struct cg_store *store, const char *id,
                               cg_neighbor_fn fn, void *data,
                               struct cg_error *err)
{
    static const char sql[] =
        "SELECT e.id, e.type, 1, e.target, o.type, o.name, o.score "
        "FROM edges e LEFT JOIN objects o ON o.id = e.target "
        "WHERE e.source = ?1 "
        "UNION ALL "
        "SELECT e.id, e.type, 0, e.source, o.type, o.name, o.score "
        "FROM edges e LEFT JOIN objects o ON o.id = e.source "
        "WHERE e.target = ?1 "
        "ORDER BY 3 DESC, 2, 6, 4";
    sqlite3_stmt *stmt = NULL;
    enum cg_err rc = CG_OK;
    int step;

    if (sqlite3_prepare_v2(store->db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return cg_store__fail(store, err, "preparing a neighbour query");
    sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct cg_neighbor n = {
            .relationship_id = (const char *)sqlite3_column_text(stmt, 0),
            .relationship_type = (const char *)sqlite3_column_text(stmt, 1),
            .outgoing = sqlite3_column_int(stmt, 2) != 0,
            .other_id = (const char *)sqlite3_column_text(stmt, 3),
            .other_type = (const char *)sqlite3_column_text(stmt, 4),
            .other_name = (const char *)sqlite3_column_text(stmt, 5),
            .other_score = sqlite3_column_type(stmt, 6) == SQLITE_NULL
                               ? -1
                               : sqlite3_column_int(stmt, 6),
        };

        if (!n.other_type)
            n.other_type = "";
        if (fn(&n, data))
            break;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = cg_store__fail(store, err, "reading neighbours");
    sqlite3_finalize(stmt);
    return rc;
}

enum cg_err cg_store_export(struct cg_store *store, FILE *out, bool jsonl,
                            int64_t run_id, struct cg_error *err)
{
    static const char all_sql[] =
        "SELECT id, body FROM objects ORDER BY rank, id";
    static const char run_sql[] =
        "SELECT o.id, o.body FROM run_objects r JOIN objects o "
        "ON o.id = r.object_id WHERE r.run_id = ?1 ORDER BY o.rank, o.id";
    struct cg_bundle_writer writer;
    sqlite3_stmt *stmt = NULL;
    enum cg_err rc;
    int step;

    if (sqlite3_prepare_v2(store->db, run_id > 0 ? run_sql : all_sql, -1, &stmt,
                           NULL) != SQLITE_OK)
        return cg_store__fail(store, err, "preparing the export");
    if (run_id > 0)
        sqlite3_bind_int64(stmt, 1, run_id);
    rc = cg_bundle_writer_begin(&writer, out, jsonl);
    while (rc == CG_OK && (step = sqlite3_step(stmt)) == SQLITE_ROW)
        rc = cg_bundle_writer_add_text(
            &writer, (const char *)sqlite3_column_text(stmt, 0),
            (const char *)sqlite3_column_text(stmt, 1));
    if (rc == CG_OK && step != SQLITE_DONE)
        rc = cg_store__fail(store, err, "reading objects for the export");
    sqlite3_finalize(stmt);
    if (rc != CG_OK) {
        cg_bundle_writer_abort(&writer);
        if (rc == CG_ERR_IO)
            cg_error_set(err, rc, "writing the export failed");
        return rc;
    }
    rc = cg_bundle_writer_end(&writer);
    if (rc != CG_OK)
        return cg_error_set(err, rc, "writing the export failed");
    return CG_OK;
}

enum cg_err cg_store_count(struct cg_store *store, long long *objects,
                           long long *relationships, struct cg_error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum cg_err rc = CG_OK;

    if (sqlite3_prepare_v2(store->db,
                           "SELECT (SELECT count(*) FROM objects),"
                           " (SELECT count(*) FROM objects"
                           "  WHERE type = 'relationship')",
                           -1, &stmt, NULL) != SQLITE_OK)
        return cg_store__fail(store, err, "counting objects");
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        *objects = sqlite3_column_int64(stmt, 0);
        *relationships = sqlite3_column_int64(stmt, 1);
    } else {
        rc = cg_store__fail(store, err, "counting objects");
    }
    sqlite3_finalize(stmt);
    return rc;
}
