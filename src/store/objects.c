/*
 * STIX objects and relationships in the graph: upsert with merge, reads,
 * neighbourhoods and the streaming export.
 */
#include "store/store_internal.h"

#include <errno.h>
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

/*
 * Binds obj's columns and its serialised body (text, len bytes) and runs
 * stmt. Every bound pointer stays valid until the step returns, so SQLite
 * need not copy them.
 */
static enum cg_err bind_and_step(struct cg_store *store, sqlite3_stmt *stmt,
                                 const json_t *obj, const char *text,
                                 size_t len, struct cg_error *err)
{
    char name_buf[64];
    const char *type = cg_stix_get_type(obj);
    const char *name = cg_store_object_name(obj, name_buf, sizeof(name_buf));
    const char *modified = json_string_value(json_object_get(obj, "modified"));
    int score = object_score(obj);

    if (len > INT32_MAX)
        return cg_error_set(err, CG_ERR_TOO_LARGE,
                            "object '%s' of %zu bytes is too large to store",
                            cg_stix_get_id(obj), len);
    if (sqlite3_bind_text(stmt, 1, cg_stix_get_id(obj), -1, SQLITE_STATIC) ||
        sqlite3_bind_text(stmt, 2, type, -1, SQLITE_STATIC) ||
        (name ? sqlite3_bind_text(stmt, 3, name, -1, SQLITE_STATIC)
              : sqlite3_bind_null(stmt, 3)) ||
        (score >= 0 ? sqlite3_bind_int(stmt, 4, score)
                    : sqlite3_bind_null(stmt, 4)) ||
        sqlite3_bind_int(stmt, 5, cg_bundle_type_rank(type)) ||
        (modified ? sqlite3_bind_text(stmt, 6, modified, -1, SQLITE_STATIC)
                  : sqlite3_bind_null(stmt, 6)) ||
        sqlite3_bind_int64(stmt, 7, cg_time_now()) ||
        sqlite3_bind_text(stmt, 8, text, (int)len, SQLITE_STATIC))
        return cg_store__fail(store, err, "binding an object");
    if (sqlite3_step(stmt) != SQLITE_DONE)
        return cg_store__fail(store, err, "writing an object");
    return CG_OK;
}

/* Inserts (exists false) or updates obj, whose serialised form is text. */
static enum cg_err write_object(struct cg_store *store, const json_t *obj,
                                const struct cg_buf *text, bool exists,
                                struct cg_error *err)
{
    static const char insert_sql[] =
        "INSERT INTO objects(id, type, name, score, rank, modified, "
        "updated_at, body) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    static const char update_sql[] =
        "UPDATE objects SET type = ?2, name = ?3, score = ?4, rank = ?5, "
        "modified = ?6, updated_at = ?7, body = ?8 WHERE id = ?1";
    enum cg_stmt slot = exists ? CG_STMT_OBJECT_UPDATE : CG_STMT_OBJECT_INSERT;
    sqlite3_stmt **stmt = &store->stmts[slot];
    enum cg_err rc =
        cg_store__prepare(store, stmt, exists ? update_sql : insert_sql, err);

    if (rc == CG_OK)
        rc = bind_and_step(store, *stmt, obj, cg_buf_str(text), text->len, err);
    /* Drop the bound pointers before the caller frees them. */
    sqlite3_reset(*stmt);
    sqlite3_clear_bindings(*stmt);
    return rc;
}

/* Serialises obj into text (emptied first) in the stored form. */
static enum cg_err serialise(const json_t *obj, struct cg_buf *text,
                             struct cg_error *err)
{
    enum cg_err rc;

    cg_buf_reset(text);
    rc = cg_json_dump_sorted(obj, text);
    if (rc == CG_ERR_NOMEM)
        return cg_error_set(err, rc, "out of memory");
    if (rc != CG_OK)
        return cg_error_set(err, CG_ERR_STIX_INVALID,
                            "object '%s' cannot be serialised: %s",
                            cg_stix_get_id(obj), cg_strerror(rc));
    return CG_OK;
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
    sqlite3_bind_text(*stmt, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(*stmt, 2, type, -1, SQLITE_STATIC);
    sqlite3_bind_text(*stmt, 3, source, -1, SQLITE_STATIC);
    sqlite3_bind_text(*stmt, 4, target, -1, SQLITE_STATIC);
    if (sqlite3_step(*stmt) != SQLITE_DONE)
        rc = cg_store__fail(store, err, "indexing a relationship");
    sqlite3_reset(*stmt);
    sqlite3_clear_bindings(*stmt);
    return rc;
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

/*
 * Reads the stored version of id for a merge with an incoming object whose
 * serialised form is text. Sets *exists, and *stored to the parsed stored
 * version, or to NULL when it is absent or byte for byte the same as text:
 * merging an object into an equal one changes nothing, so the parse is
 * skipped.
 */
static enum cg_err load_for_merge(struct cg_store *store, const char *id,
                                  const struct cg_buf *text, bool *exists,
                                  json_t **stored, struct cg_error *err)
{
    sqlite3_stmt **stmt = &store->stmts[CG_STMT_OBJECT_GET];
    enum cg_err rc = cg_store__prepare(
        store, stmt, "SELECT body FROM objects WHERE id = ?1", err);
    int step;

    *exists = false;
    *stored = NULL;
    if (rc != CG_OK)
        return rc;
    sqlite3_bind_text(*stmt, 1, id, -1, SQLITE_STATIC);
    step = sqlite3_step(*stmt);
    if (step == SQLITE_ROW) {
        const char *body = (const char *)sqlite3_column_text(*stmt, 0);
        size_t len = (size_t)sqlite3_column_bytes(*stmt, 0);
        json_error_t jerr;

        *exists = true;
        if (body && len == text->len && memcmp(body, text->data, len) == 0)
            goto out;
        *stored = body ? json_loadb(body, len, 0, &jerr) : NULL;
        if (!*stored)
            rc = cg_error_set(err, CG_ERR_DB,
                              "stored object '%s' is not valid JSON", id);
    } else if (step != SQLITE_DONE) {
        rc = cg_store__fail(store, err, "reading an object");
    }
out:
    sqlite3_reset(*stmt);
    sqlite3_clear_bindings(*stmt);
    return rc;
}

static bool incoming_is_newer(const json_t *stored, const json_t *incoming)
{
    const char *old = json_string_value(json_object_get(stored, "modified"));
    const char *new = json_string_value(json_object_get(incoming, "modified"));

    return !old || !new || strcmp(new, old) >= 0;
}

/* The properties an object's rows in edges come from, as they were before
 * a merge. Holds a reference to each value. */
struct edge_sources {
    json_t *values[4];
    size_t ref_count; /* entries of object_refs */
};

static const char *const edge_keys[] = {"relationship_type", "source_ref",
                                        "target_ref", "object_refs"};

static void edge_sources_take(struct edge_sources *before, const json_t *obj)
{
    for (size_t i = 0; i < CG_ARRAY_LEN(edge_keys); i++)
        before->values[i] = json_incref(json_object_get(obj, edge_keys[i]));
    before->ref_count = json_array_size(json_object_get(obj, "object_refs"));
}

/*
 * True when a merge replaced one of those values or added to object_refs:
 * cg_stix_merge replaces a property with a new value or appends to a list
 * in place, and never edits a string.
 */
static bool edge_sources_changed(const struct edge_sources *before,
                                 const json_t *obj)
{
    for (size_t i = 0; i < CG_ARRAY_LEN(edge_keys); i++) {
        if (json_object_get(obj, edge_keys[i]) != before->values[i])
            return true;
    }
    return json_array_size(json_object_get(obj, "object_refs")) !=
           before->ref_count;
}

static void edge_sources_release(struct edge_sources *before)
{
    for (size_t i = 0; i < CG_ARRAY_LEN(edge_keys); i++)
        json_decref(before->values[i]);
}

/*
 * Merges incoming into stored (parsed from the database, owned by the
 * caller) and writes the result back only when it differs from what was
 * stored. Edges are indexed again only when their sources changed, since
 * the rows already stored are the same otherwise.
 */
static enum cg_err merge_into_stored(struct cg_store *store, json_t *stored,
                                     const json_t *incoming,
                                     struct cg_buf *text, struct cg_error *err)
{
    struct edge_sources before;
    bool changed = false;
    enum cg_err rc;

    edge_sources_take(&before, stored);
    rc = cg_stix_merge_changed(stored, incoming,
                               incoming_is_newer(stored, incoming), &changed);
    if (rc != CG_OK)
        rc = cg_error_set(err, rc, "merging '%s' failed: %s",
                          cg_stix_get_id(incoming), cg_strerror(rc));
    if (rc == CG_OK && changed) {
        rc = serialise(stored, text, err);
        if (rc == CG_OK)
            rc = write_object(store, stored, text, true, err);
        if (rc == CG_OK && edge_sources_changed(&before, stored))
            rc = index_edges(store, stored, err);
    }
    edge_sources_release(&before);
    return rc;
}

static enum cg_err object_exists(struct cg_store *store, const char *id,
                                 bool *exists, struct cg_error *err)
{
    sqlite3_stmt **stmt = &store->stmts[CG_STMT_OBJECT_EXISTS];
    enum cg_err rc = cg_store__prepare(
        store, stmt, "SELECT 1 FROM objects WHERE id = ?1", err);
    int step;

    *exists = false;
    if (rc != CG_OK)
        return rc;
    sqlite3_bind_text(*stmt, 1, id, -1, SQLITE_STATIC);
    step = sqlite3_step(*stmt);
    if (step == SQLITE_ROW)
        *exists = true;
    else if (step != SQLITE_DONE)
        rc = cg_store__fail(store, err, "looking up an object");
    sqlite3_reset(*stmt);
    sqlite3_clear_bindings(*stmt);
    return rc;
}

/* Stores obj; when keep_stored is set, an object already stored is left
 * as it is instead of being merged. */
static enum cg_err put_object(struct cg_store *store, const json_t *obj,
                              bool keep_stored, struct cg_error *err)
{
    const char *id = json_string_value(json_object_get(obj, "id"));
    const char *type = json_string_value(json_object_get(obj, "type"));
    struct cg_buf text = CG_BUF_INIT;
    json_t *stored = NULL;
    bool exists = false;
    enum cg_err rc;

    if (!id || !type)
        return cg_error_set(err, CG_ERR_STIX_INVALID,
                            "STIX object without a string id and type");
    if (keep_stored) {
        /* The stored version stays: skip serialising and parsing it. */
        rc = object_exists(store, id, &exists, err);
        if (rc != CG_OK || exists)
            return rc;
    }
    rc = serialise(obj, &text, err);
    if (rc == CG_OK)
        rc = load_for_merge(store, id, &text, &exists, &stored, err);
    if (rc != CG_OK)
        goto out;
    if (!exists) {
        rc = write_object(store, obj, &text, false, err);
        if (rc == CG_OK)
            rc = index_edges(store, obj, err);
    } else if (stored && !keep_stored) {
        rc = merge_into_stored(store, stored, obj, &text, err);
    }
out:
    json_decref(stored);
    cg_buf_release(&text);
    return rc;
}

enum cg_err cg_store_put_object(struct cg_store *store, const json_t *obj,
                                struct cg_error *err)
{
    return put_object(store, obj, false, err);
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
    sqlite3_bind_text(*stmt, 2, id, -1, SQLITE_STATIC);
    if (sqlite3_step(*stmt) != SQLITE_DONE)
        rc = cg_store__fail(store, err, "recording a run's object");
    sqlite3_reset(*stmt);
    sqlite3_clear_bindings(*stmt);
    return rc;
}

enum cg_err cg_store_put_bundle(struct cg_store *store,
                                const struct cg_bundle *bundle, int64_t run_id,
                                bool keep_stored, struct cg_error *err)
{
    size_t i;
    json_t *obj;
    enum cg_err rc = CG_OK;

    json_array_foreach(bundle->objects, i, obj) {
        rc = put_object(store, obj, keep_stored, err);
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
            cg_error_set(err, rc, "writing the export failed: %s",
                         strerror(errno));
        return rc;
    }
    rc = cg_bundle_writer_end(&writer);
    if (rc != CG_OK)
        return cg_error_set(err, rc, "writing the export failed: %s",
                            strerror(errno));
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
