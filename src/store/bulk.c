/*
 * Bulk writes for `cipgraph import`. Objects arrive in batched
 * transactions, and new ids take a plain INSERT instead of the
 * read-merge-write of cg_store_put_object. Relationships wait in
 * pending_relationships until both ends exist. References to ids missing
 * from the graph are recorded in dangling_refs, so that the export can
 * leave them out. Before it is stored, each object passes through
 * cg_bulk__prepare (bulk_alias.c), which gives it its deterministic id.
 * Also the replace and delete that cluster groupings need.
 */
#include "store/bulk_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "stix/import.h"
#include "stix/merge.h"
#include "stix/object.h"
#include "stix/writer.h"

/* Objects per transaction when the caller does not choose. */
#define CG_BULK_BATCH 10000

/* Page cache of a bulk import, in KiB (SQLite's cache_size unit when
 * negative). */
#define CG_BULK_CACHE_KB "262144"

/* Waiting relationships read per query while resolving them. */
#define CG_BULK_RESOLVE_PAGE 1000

static const char *const bulk_sql[BULK__COUNT] = {
    [BULK_INSERT] = "INSERT INTO objects(id, type, name, score, rank, "
                    "modified, updated_at, body) "
                    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                    "ON CONFLICT(id) DO NOTHING",
    [BULK_EDGE] = "INSERT OR REPLACE INTO edges(id, type, source, target) "
                  "VALUES(?1, ?2, ?3, ?4)",
    [BULK_EXISTS] = "SELECT 1 FROM objects WHERE id = ?1",
    [BULK_PENDING_GET] = "SELECT body FROM pending_relationships "
                         "WHERE id = ?1",
    [BULK_PENDING_PUT] = "INSERT OR REPLACE INTO pending_relationships"
                         "(id, source, target, body) VALUES(?1, ?2, ?3, ?4)",
    [BULK_PENDING_DELETE] = "DELETE FROM pending_relationships WHERE id = ?1",
    [BULK_DANGLING_PUT] = "INSERT OR IGNORE INTO dangling_refs(object_id, ref) "
                          "VALUES(?1, ?2)",
    [BULK_ALIAS_GET] = "SELECT id FROM id_aliases WHERE alias = ?1",
    [BULK_ALIAS_PUT] = "INSERT OR IGNORE INTO id_aliases(alias, id) "
                       "VALUES(?1, ?2)",
};

enum cg_err cg_bulk__step_done(struct cg_store *store, sqlite3_stmt *stmt,
                               const char *what, struct cg_error *err)
{
    int step = sqlite3_step(stmt);

    sqlite3_reset(stmt);
    if (step != SQLITE_DONE && step != SQLITE_ROW)
        return cg_store__fail(store, err, what);
    return CG_OK;
}

enum cg_err cg_bulk__run(struct cg_store *store, const char *sql, const char *a,
                         const char *b, const char *c, const char *what,
                         struct cg_error *err)
{
    const char *texts[] = {a, b, c};
    sqlite3_stmt *stmt = NULL;
    enum cg_err rc;
    int count;

    if (sqlite3_prepare_v2(store->db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return cg_store__fail(store, err, what);
    count = sqlite3_bind_parameter_count(stmt);
    for (int i = 0; i < count && i < 3; i++)
        sqlite3_bind_text(stmt, i + 1, texts[i], -1, SQLITE_STATIC);
    rc = cg_bulk__step_done(store, stmt, what, err);
    sqlite3_finalize(stmt);
    return rc;
}

static int object_score(const json_t *obj)
{
    const json_t *score = json_object_get(obj, "x_opencti_score");

    return json_is_integer(score) ? (int)json_integer_value(score) : -1;
}

/* Binds the objects row of obj, as objects.c lays it out, to stmt. */
static void bind_row(sqlite3_stmt *stmt, const json_t *obj, const char *body,
                     int64_t now)
{
    char name_buf[64];
    const char *type = cg_stix_get_type(obj);
    const char *name = cg_store_object_name(obj, name_buf, sizeof(name_buf));
    const char *modified = json_string_value(json_object_get(obj, "modified"));
    int score = object_score(obj);

    sqlite3_bind_text(stmt, 1, cg_stix_get_id(obj), -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, type, -1, SQLITE_STATIC);
    if (name)
        sqlite3_bind_text(stmt, 3, name, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(stmt, 3);
    if (score >= 0)
        sqlite3_bind_int(stmt, 4, score);
    else
        sqlite3_bind_null(stmt, 4);
    sqlite3_bind_int(stmt, 5, cg_bundle_type_rank(type));
    if (modified)
        sqlite3_bind_text(stmt, 6, modified, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(stmt, 6);
    sqlite3_bind_int64(stmt, 7, now);
    sqlite3_bind_text(stmt, 8, body, -1, SQLITE_STATIC);
}

static enum cg_err put_edge(struct cg_store *store, sqlite3_stmt *stmt,
                            const char *id, const char *type,
                            const char *source, const char *target,
                            struct cg_error *err)
{
    sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, type, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, source, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 4, target, -1, SQLITE_STATIC);
    return cg_bulk__step_done(store, stmt, "indexing a relationship", err);
}

/* Indexes a relationship, or a container's object_refs, as objects.c
 * does. */
static enum cg_err index_edges(struct cg_store *store, sqlite3_stmt *stmt,
                               const json_t *obj, struct cg_error *err)
{
    const char *id = cg_stix_get_id(obj);
    const json_t *refs = json_object_get(obj, "object_refs");
    enum cg_err rc = CG_OK;
    size_t i;
    json_t *ref;

    if (strcmp(cg_stix_get_type(obj), "relationship") == 0)
        return put_edge(
            store, stmt, id,
            json_string_value(json_object_get(obj, "relationship_type")),
            json_string_value(json_object_get(obj, "source_ref")),
            json_string_value(json_object_get(obj, "target_ref")), err);
    json_array_foreach(refs, i, ref) {
        char edge_id[256];
        const char *target = json_string_value(ref);

        if (!target)
            continue;
        snprintf(edge_id, sizeof(edge_id), "%s#%s", id, target);
        rc = put_edge(store, stmt, edge_id, "object_refs", id, target, err);
        if (rc != CG_OK)
            break;
    }
    return rc;
}

static enum cg_err prepare_all(struct cg_store_bulk *bulk, struct cg_error *err)
{
    for (int i = 0; i < BULK__COUNT; i++) {
        if (sqlite3_prepare_v3(bulk->store->db, bulk_sql[i], -1,
                               SQLITE_PREPARE_PERSISTENT, &bulk->stmts[i],
                               NULL) != SQLITE_OK)
            return cg_store__fail(bulk->store, err,
                                  "preparing the bulk import");
    }
    return CG_OK;
}

static long long pragma_int(struct cg_store *store, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    long long value = 0;

    if (sqlite3_prepare_v2(store->db, sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return value;
}

static void free_bulk(struct cg_store_bulk *bulk)
{
    char sql[64];

    snprintf(sql, sizeof(sql), "PRAGMA cache_size = %lld", bulk->cache_pages);
    sqlite3_exec(bulk->store->db, sql, NULL, NULL, NULL);
    snprintf(sql, sizeof(sql), "PRAGMA wal_autocheckpoint = %lld",
             bulk->checkpoint_pages);
    sqlite3_exec(bulk->store->db, sql, NULL, NULL, NULL);
    for (int i = 0; i < BULK__COUNT; i++)
        sqlite3_finalize(bulk->stmts[i]);
    cg_buf_release(&bulk->body);
    free(bulk);
}

enum cg_err cg_store_bulk_begin(struct cg_store *store, struct cg_idset *ids,
                                long batch, struct cg_store_bulk **out,
                                struct cg_error *err)
{
    struct cg_store_bulk *bulk = calloc(1, sizeof(*bulk));
    enum cg_err rc;

    *out = NULL;
    if (!bulk)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    bulk->store = store;
    bulk->ids = ids;
    bulk->batch = batch > 0 ? batch : CG_BULK_BATCH;
    bulk->now = cg_time_now();
    /* Inserts land on random pages of large indexes because ids are UUIDs.
     * A page cache larger than SQLite's 2 MB default saves rewriting the
     * same pages over and over. The previous size is restored at the end. */
    bulk->cache_pages = pragma_int(store, "PRAGMA cache_size");
    bulk->checkpoint_pages = pragma_int(store, "PRAGMA wal_autocheckpoint");
    rc = cg_store__exec(store, "PRAGMA cache_size = -" CG_BULK_CACHE_KB, err);
    /* Each commit past the checkpoint threshold copies the WAL into the
     * database and syncs both, so a batch of 10,000 objects would pay one
     * checkpoint each. The import checkpoints every 64k pages instead. */
    if (rc == CG_OK)
        rc = cg_store__exec(store, "PRAGMA wal_autocheckpoint = 65536", err);
    if (rc == CG_OK)
        rc = cg_store__exec(store, cg_bulk__alias_schema, err);
    if (rc == CG_OK)
        rc = prepare_all(bulk, err);
    if (rc == CG_OK)
        rc = cg_bulk__alias_begin(bulk, err);
    if (rc == CG_OK)
        rc = cg_store_begin(store, err);
    if (rc != CG_OK) {
        free_bulk(bulk);
        return rc;
    }
    *out = bulk;
    return CG_OK;
}

enum cg_err cg_bulk__is_stored(struct cg_store_bulk *bulk, const char *id,
                               bool *stored, struct cg_error *err)
{
    sqlite3_stmt *stmt = bulk->stmts[BULK_EXISTS];
    int step;

    *stored = cg_idset_get(bulk->ids, id) & CG_IDSET_STORED;
    if (*stored)
        return CG_OK;
    sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
    step = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return cg_store__fail(bulk->store, err, "looking up an object");
    *stored = step == SQLITE_ROW;
    if (*stored && cg_idset_add(bulk->ids, id, CG_IDSET_STORED, NULL) != CG_OK)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    return CG_OK;
}

/* Records one reference of object_id to an id the graph lacks. */
static enum cg_err check_ref(struct cg_store_bulk *bulk, const char *object_id,
                             const char *ref, struct cg_error *err)
{
    enum cg_tlp tlp;
    bool stored;
    enum cg_err rc;

    /* OpenCTI's TLP marking ids are valid anywhere without their object. */
    if (!ref || cg_tlp_from_marking_id(ref, &tlp))
        return CG_OK;
    rc = cg_bulk__is_stored(bulk, ref, &stored, err);
    if (rc != CG_OK || stored)
        return rc;
    sqlite3_bind_text(bulk->stmts[BULK_DANGLING_PUT], 1, object_id, -1,
                      SQLITE_STATIC);
    sqlite3_bind_text(bulk->stmts[BULK_DANGLING_PUT], 2, ref, -1,
                      SQLITE_STATIC);
    return cg_bulk__step_done(bulk->store, bulk->stmts[BULK_DANGLING_PUT],
                              "recording a dangling reference", err);
}

/* Checks every top-level *_ref and *_refs of obj. A relationship's ends
 * are skipped because they were checked before it was stored. */
static enum cg_err check_refs(struct cg_store_bulk *bulk, const json_t *obj,
                              struct cg_error *err)
{
    const char *id = cg_stix_get_id(obj);
    bool relationship = strcmp(cg_stix_get_type(obj), "relationship") == 0;
    const char *key;
    json_t *value;
    enum cg_err rc = CG_OK;

    json_object_foreach((json_t *)obj, key, value) {
        size_t len = strlen(key);
        size_t i;
        json_t *item;

        if (relationship &&
            (strcmp(key, "source_ref") == 0 || strcmp(key, "target_ref") == 0))
            continue;
        if (len > 4 && strcmp(key + len - 4, "_ref") == 0)
            rc = check_ref(bulk, id, json_string_value(value), err);
        else if (len > 5 && strcmp(key + len - 5, "_refs") == 0)
            json_array_foreach(value, i, item) {
                rc = check_ref(bulk, id, json_string_value(item), err);
                if (rc != CG_OK)
                    break;
            }
        if (rc != CG_OK)
            break;
    }
    return rc;
}

/* The insert fast path; *inserted is false when the id already exists. */
static enum cg_err insert_new(struct cg_store_bulk *bulk, const json_t *obj,
                              bool *inserted, struct cg_error *err)
{
    sqlite3_stmt *stmt = bulk->stmts[BULK_INSERT];
    enum cg_err rc;

    *inserted = false;
    cg_buf_reset(&bulk->body);
    rc = cg_json_dump_sorted(obj, &bulk->body);
    if (rc != CG_OK)
        return cg_error_set(err, rc, "cannot serialise object '%s'",
                            cg_stix_get_id(obj));
    bind_row(stmt, obj, cg_buf_str(&bulk->body), bulk->now);
    rc = cg_bulk__step_done(bulk->store, stmt, "writing an object", err);
    if (rc != CG_OK)
        return rc;
    *inserted = sqlite3_changes(bulk->store->db) > 0;
    if (*inserted)
        rc = index_edges(bulk->store, bulk->stmts[BULK_EDGE], obj, err);
    return rc;
}

/* Stores one object and records its references to ids missing from the
 * graph. */
static enum cg_err store_object(struct cg_store_bulk *bulk, const json_t *obj,
                                bool duplicate, struct cg_error *err)
{
    bool inserted = false;
    enum cg_err rc = CG_OK;

    if (!duplicate)
        rc = insert_new(bulk, obj, &inserted, err);
    if (rc == CG_OK && !inserted) {
        rc = cg_store_put_object(bulk->store, obj, err);
        bulk->stats.merged += rc == CG_OK;
    } else if (rc == CG_OK) {
        bulk->stats.inserted++;
    }
    if (rc == CG_OK &&
        cg_idset_add(bulk->ids, cg_stix_get_id(obj), CG_IDSET_STORED, NULL))
        rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (rc == CG_OK)
        rc = check_refs(bulk, obj, err);
    return rc;
}

static bool incoming_is_newer(const json_t *stored, const json_t *incoming)
{
    const char *old = json_string_value(json_object_get(stored, "modified"));
    const char *new = json_string_value(json_object_get(incoming, "modified"));

    return !old || !new || strcmp(new, old) >= 0;
}

/* Returns the pending version of id merged with obj, or a copy of obj. */
static enum cg_err merge_pending(struct cg_store_bulk *bulk, const json_t *obj,
                                 json_t **out, struct cg_error *err)
{
    sqlite3_stmt *stmt = bulk->stmts[BULK_PENDING_GET];
    json_t *stored = NULL;
    enum cg_err rc = CG_OK;
    int step;

    sqlite3_bind_text(stmt, 1, cg_stix_get_id(obj), -1, SQLITE_STATIC);
    step = sqlite3_step(stmt);
    if (step == SQLITE_ROW) {
        json_error_t jerr;

        stored =
            json_loads((const char *)sqlite3_column_text(stmt, 0), 0, &jerr);
    } else if (step != SQLITE_DONE) {
        rc = cg_store__fail(bulk->store, err, "reading a pending relationship");
    }
    sqlite3_reset(stmt);
    if (rc != CG_OK)
        return rc;
    if (!stored) {
        *out = json_deep_copy(obj);
    } else {
        rc = cg_stix_merge(stored, obj, incoming_is_newer(stored, obj));
        *out = stored;
    }
    if (!*out || rc != CG_OK)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    return CG_OK;
}

static enum cg_err defer_relationship(struct cg_store_bulk *bulk,
                                      const json_t *obj, struct cg_error *err)
{
    sqlite3_stmt *stmt = bulk->stmts[BULK_PENDING_PUT];
    json_t *merged = NULL;
    char *body = NULL;
    enum cg_err rc = merge_pending(bulk, obj, &merged, err);

    if (rc == CG_OK &&
        !(body = json_dumps(merged, JSON_COMPACT | JSON_SORT_KEYS)))
        rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (rc == CG_OK) {
        sqlite3_bind_text(stmt, 1, cg_stix_get_id(obj), -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 2,
                          json_string_value(json_object_get(obj, "source_ref")),
                          -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 3,
                          json_string_value(json_object_get(obj, "target_ref")),
                          -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 4, body, -1, SQLITE_STATIC);
        rc = cg_bulk__step_done(bulk->store, stmt,
                                "keeping a pending relationship", err);
    }
    bulk->stats.deferred += rc == CG_OK;
    free(body);
    json_decref(merged);
    return rc;
}

static enum cg_err next_batch(struct cg_store_bulk *bulk, struct cg_error *err)
{
    enum cg_err rc;

    if (++bulk->in_batch < bulk->batch)
        return CG_OK;
    bulk->in_batch = 0;
    rc = cg_store_commit(bulk->store, err);
    return rc == CG_OK ? cg_store_begin(bulk->store, err) : rc;
}

/* Stores a relationship whose ends are both in the graph, under the
 * deterministic id of those ends. */
static enum cg_err store_relationship(struct cg_store_bulk *bulk,
                                      const json_t *obj, bool duplicate,
                                      struct cg_error *err)
{
    json_t *final = NULL;
    enum cg_err rc = cg_bulk__relationship_id(bulk, obj, &final, err);

    if (rc == CG_OK)
        rc = store_object(bulk, final, duplicate, err);
    json_decref(final);
    return rc;
}

/* Stores a prepared object, or keeps a relationship waiting for an end. */
static enum cg_err put_prepared(struct cg_store_bulk *bulk, const json_t *obj,
                                bool duplicate, struct cg_error *err)
{
    enum cg_err rc;

    if (strcmp(cg_stix_get_type(obj), "relationship") == 0) {
        bool source = false;
        bool target = false;

        rc = cg_bulk__is_stored(
            bulk, json_string_value(json_object_get(obj, "source_ref")),
            &source, err);
        if (rc == CG_OK)
            rc = cg_bulk__is_stored(
                bulk, json_string_value(json_object_get(obj, "target_ref")),
                &target, err);
        if (rc == CG_OK && !(source && target))
            rc = defer_relationship(bulk, obj, err);
        else if (rc == CG_OK)
            rc = store_relationship(bulk, obj, duplicate, err);
    } else {
        rc = store_object(bulk, obj, duplicate, err);
    }
    return rc;
}

enum cg_err cg_store_bulk_put(struct cg_store_bulk *bulk, const json_t *obj,
                              bool duplicate, struct cg_error *err)
{
    json_t *prepared = NULL;
    enum cg_err rc = cg_bulk__prepare(bulk, obj, &prepared, err);

    if (rc == CG_OK)
        rc = put_prepared(bulk, prepared, duplicate, err);
    json_decref(prepared);
    return rc == CG_OK ? next_batch(bulk, err) : rc;
}

/* Reads the next page of waiting relationships whose ends both exist. */
static enum cg_err ready_page(struct cg_store_bulk *bulk, char *after,
                              size_t after_size, json_t *page,
                              struct cg_error *err)
{
    static const char sql[] =
        "SELECT id, body FROM pending_relationships p WHERE id > ?1 "
        "AND EXISTS (SELECT 1 FROM objects WHERE id = p.source) "
        "AND EXISTS (SELECT 1 FROM objects WHERE id = p.target) "
        "ORDER BY id LIMIT ?2";
    sqlite3_stmt *stmt = NULL;
    enum cg_err rc = CG_OK;
    int step;

    if (sqlite3_prepare_v2(bulk->store->db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return cg_store__fail(bulk->store, err,
                              "reading pending relationships");
    sqlite3_bind_text(stmt, 1, after, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(stmt, 2, CG_BULK_RESOLVE_PAGE);
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        json_error_t jerr;
        json_t *obj =
            json_loads((const char *)sqlite3_column_text(stmt, 1), 0, &jerr);

        snprintf(after, after_size, "%s", sqlite3_column_text(stmt, 0));
        if (!obj || json_array_append_new(page, obj)) {
            rc = cg_error_set(err, CG_ERR_DB,
                              "pending relationship '%s' is not valid JSON",
                              after);
            break;
        }
    }
    if (rc == CG_OK && step != SQLITE_DONE)
        rc = cg_store__fail(bulk->store, err, "reading pending relationships");
    sqlite3_finalize(stmt);
    return rc;
}

static enum cg_err delete_pending(struct cg_store_bulk *bulk, const char *id,
                                  struct cg_error *err)
{
    sqlite3_stmt *stmt = bulk->stmts[BULK_PENDING_DELETE];

    sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
    return cg_bulk__step_done(bulk->store, stmt,
                              "removing a pending relationship", err);
}

/* Stores every waiting relationship whose two ends are now in the graph. */
static enum cg_err resolve_pending(struct cg_store_bulk *bulk,
                                   struct cg_error *err)
{
    char after[CG_STIX_ID_SIZE] = "";
    enum cg_err rc = CG_OK;

    for (;;) {
        json_t *page = json_array();
        size_t i;
        json_t *obj;

        if (!page)
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        rc = ready_page(bulk, after, sizeof(after), page, err);
        json_array_foreach(page, i, obj) {
            json_t *prepared = NULL;

            if (rc != CG_OK)
                break;
            /* The ends may have been replaced by deterministic ids since
             * the relationship was kept. */
            rc = cg_bulk__prepare(bulk, obj, &prepared, err);
            if (rc == CG_OK)
                rc = store_relationship(bulk, prepared, false, err);
            json_decref(prepared);
            if (rc == CG_OK)
                rc = delete_pending(bulk, cg_stix_get_id(obj), err);
            bulk->stats.resolved += rc == CG_OK;
            if (rc == CG_OK)
                rc = next_batch(bulk, err);
        }
        i = json_array_size(page);
        json_decref(page);
        if (rc != CG_OK || i < CG_BULK_RESOLVE_PAGE)
            return rc;
    }
}

static enum cg_err count_rows(struct cg_store *store, const char *sql,
                              long long *count, struct cg_error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum cg_err rc = CG_OK;

    if (sqlite3_prepare_v2(store->db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return cg_store__fail(store, err, "counting rows");
    if (sqlite3_step(stmt) == SQLITE_ROW)
        *count = sqlite3_column_int64(stmt, 0);
    else
        rc = cg_store__fail(store, err, "counting rows");
    sqlite3_finalize(stmt);
    return rc;
}

enum cg_err cg_store_bulk_finish(struct cg_store_bulk *bulk,
                                 struct cg_bulk_stats *stats,
                                 struct cg_error *err)
{
    struct cg_store *store = bulk->store;
    enum cg_err rc = cg_bulk__alias_pending(bulk, err);

    if (rc == CG_OK)
        rc = resolve_pending(bulk, err);
    if (rc == CG_OK)
        rc = cg_bulk__alias_dangling(bulk, err);
    if (rc == CG_OK)
        rc = cg_store__exec(store,
                            "DELETE FROM dangling_refs WHERE EXISTS "
                            "(SELECT 1 FROM objects o "
                            " WHERE o.id = dangling_refs.ref)",
                            err);
    if (rc == CG_OK)
        rc = count_rows(store, "SELECT count(*) FROM pending_relationships",
                        &bulk->stats.pending, err);
    if (rc == CG_OK)
        rc = count_rows(store, "SELECT count(*) FROM dangling_refs",
                        &bulk->stats.dangling, err);
    if (rc == CG_OK)
        rc = cg_store_commit(store, err);
    if (rc != CG_OK)
        cg_store_rollback(store);
    if (stats)
        *stats = bulk->stats;
    free_bulk(bulk);
    return rc;
}

void cg_store_bulk_abort(struct cg_store_bulk *bulk)
{
    if (!bulk)
        return;
    cg_store_rollback(bulk->store);
    free_bulk(bulk);
}

enum cg_err cg_store_replace_object(struct cg_store *store, const json_t *obj,
                                    struct cg_error *err)
{
    static const char sql[] =
        "INSERT OR REPLACE INTO objects(id, type, name, score, rank, "
        "modified, updated_at, body) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    sqlite3_stmt *stmt = NULL;
    sqlite3_stmt *edge = NULL;
    char *body = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
    enum cg_err rc;

    if (!body)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    rc = cg_bulk__run(store,
                      "DELETE FROM edges WHERE source = ?1 AND "
                      "type = 'object_refs'",
                      cg_stix_get_id(obj), NULL, NULL, "replacing an object",
                      err);
    if (rc == CG_OK &&
        (sqlite3_prepare_v2(store->db, sql, -1, &stmt, NULL) != SQLITE_OK ||
         sqlite3_prepare_v2(store->db, bulk_sql[BULK_EDGE], -1, &edge, NULL) !=
             SQLITE_OK))
        rc = cg_store__fail(store, err, "replacing an object");
    if (rc == CG_OK) {
        bind_row(stmt, obj, body, cg_time_now());
        rc = cg_bulk__step_done(store, stmt, "replacing an object", err);
    }
    if (rc == CG_OK)
        rc = index_edges(store, edge, obj, err);
    sqlite3_finalize(stmt);
    sqlite3_finalize(edge);
    free(body);
    return rc;
}

enum cg_err cg_store_delete_object(struct cg_store *store, const char *id,
                                   struct cg_error *err)
{
    enum cg_err rc = cg_bulk__run(store,
                                  "DELETE FROM edges WHERE source = ?1 "
                                  "AND type = 'object_refs'",
                                  id, NULL, NULL, "deleting an object", err);

    if (rc == CG_OK)
        rc = cg_bulk__run(store, "DELETE FROM edges WHERE id = ?1", id, NULL,
                          NULL, "deleting an object", err);

    if (rc == CG_OK)
        rc = cg_bulk__run(store,
                          "DELETE FROM dangling_refs "
                          "WHERE object_id = ?1",
                          id, NULL, NULL, "deleting an object", err);
    if (rc == CG_OK)
        rc = cg_bulk__run(store, "DELETE FROM objects WHERE id = ?1", id, NULL,
                          NULL, "deleting an object", err);
    return rc;
}
