/*
 * The graph_attrs index: the registrar, favicon hashes and JARM
 * fingerprints that domains and addresses carry as properties in their
 * JSON body, one row per (attribute, value, object), so that "every domain
 * with this favicon" is a primary-key range instead of a scan of bodies.
 *
 * Created here, idempotently:
 *   graph_attrs(name, value, object_id, display), primary key (name,
 *   value, object_id), with an index on object_id;
 *   objects_updated, an index on objects(updated_at), which finds the
 *   objects written since the last sync;
 *   graph_state key "attrs.synced_through", the newest updated_at indexed.
 * Values compared are lower-cased with surrounding blanks removed, and the
 * text as written is kept in display.
 */
#include "graph/pivot_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "graph/graph_walk.h"

static const char attrs_schema_sql[] =
    "CREATE TABLE IF NOT EXISTS graph_attrs("
    "  name TEXT NOT NULL,"
    "  value TEXT NOT NULL,"
    "  object_id TEXT NOT NULL,"
    "  display TEXT,"
    "  PRIMARY KEY(name, value, object_id)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS graph_attrs_object ON graph_attrs(object_id);"
    "CREATE INDEX IF NOT EXISTS objects_updated ON objects(updated_at);";

/* The body properties indexed, by object type. */
static const struct {
    const char *type;
    const char *property;
    enum cg_via via;
} attr_sources[] = {
    {"domain-name", "x_criminalip_registrar", CG_VIA_REGISTRAR},
    {"domain-name", "x_criminalip_favicon_hashes", CG_VIA_FAVICON},
    {"domain-name", "x_criminalip_jarm", CG_VIA_JARM},
    {"ipv4-addr", "x_criminalip_jarm_hashes", CG_VIA_JARM},
    {"ipv6-addr", "x_criminalip_jarm_hashes", CG_VIA_JARM},
};

/* Largest value indexed, in bytes; longer ones are skipped. */
#define ATTR_VALUE_MAX 256

struct attr_stmts {
    sqlite3_stmt *clear;
    sqlite3_stmt *insert;
};

static enum cg_err put_value(sqlite3 *db, struct attr_stmts *s, const char *id,
                             enum cg_via via, const json_t *value,
                             struct cg_error *err)
{
    const char *text = json_string_value(value);
    char key[ATTR_VALUE_MAX];
    size_t start, len;

    if (!text)
        return CG_OK;
    start = strspn(text, " \t");
    len = strlen(text + start);
    while (len > 0 && isspace((unsigned char)text[start + len - 1]))
        len--;
    if (len == 0 || len >= sizeof(key))
        return CG_OK;
    for (size_t i = 0; i < len; i++)
        key[i] = (char)tolower((unsigned char)text[start + i]);
    key[len] = '\0';
    sqlite3_reset(s->insert);
    sqlite3_bind_text(s->insert, 1, cg_via_name(via), -1, SQLITE_STATIC);
    sqlite3_bind_text(s->insert, 2, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s->insert, 3, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s->insert, 4, text + start, (int)len, SQLITE_TRANSIENT);
    if (sqlite3_step(s->insert) != SQLITE_DONE)
        return cg_error_set(err, CG_ERR_DB, "indexing '%s' failed: %s", id,
                            sqlite3_errmsg(db));
    return CG_OK;
}

/* Replaces the indexed values of one object. */
static enum cg_err index_object(sqlite3 *db, struct attr_stmts *s,
                                const char *id, const char *type,
                                const char *body, struct cg_error *err)
{
    json_t *obj = body ? json_loads(body, 0, NULL) : NULL;
    enum cg_err rc = CG_OK;

    sqlite3_reset(s->clear);
    sqlite3_bind_text(s->clear, 1, id, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s->clear) != SQLITE_DONE)
        rc = cg_error_set(err, CG_ERR_DB, "indexing '%s' failed: %s", id,
                          sqlite3_errmsg(db));
    for (size_t i = 0; obj && rc == CG_OK && i < CG_ARRAY_LEN(attr_sources);
         i++) {
        json_t *value = json_object_get(obj, attr_sources[i].property);
        size_t j;
        json_t *item;

        if (strcmp(type, attr_sources[i].type) != 0)
            continue;
        if (!json_is_array(value)) {
            rc = put_value(db, s, id, attr_sources[i].via, value, err);
            continue;
        }
        json_array_foreach(value, j, item) {
            if (rc == CG_OK)
                rc = put_value(db, s, id, attr_sources[i].via, item, err);
        }
    }
    json_decref(obj);
    return rc;
}

/* Indexes every domain and address written at or after *watermark. */
static enum cg_err index_new_objects(sqlite3 *db, struct attr_stmts *s,
                                     int64_t *watermark, struct cg_error *err)
{
    /* SEARCH objects USING INDEX objects_updated (updated_at>?) */
    static const char sql[] =
        "SELECT id, type, body, updated_at FROM objects "
        "INDEXED BY objects_updated WHERE updated_at >= ?1 "
        "AND type IN ('domain-name', 'ipv4-addr', 'ipv6-addr')";
    sqlite3_stmt *row = NULL;
    enum cg_err rc = CG_OK;
    int step;

    if (sqlite3_prepare_v2(db, sql, -1, &row, NULL) != SQLITE_OK)
        return cg_error_set(err, CG_ERR_DB, "reading objects failed: %s",
                            sqlite3_errmsg(db));
    sqlite3_bind_int64(row, 1, *watermark);
    while (rc == CG_OK && (step = sqlite3_step(row)) == SQLITE_ROW) {
        int64_t at = sqlite3_column_int64(row, 3);

        rc = index_object(db, s, (const char *)sqlite3_column_text(row, 0),
                          (const char *)sqlite3_column_text(row, 1),
                          (const char *)sqlite3_column_text(row, 2), err);
        if (at > *watermark)
            *watermark = at;
    }
    if (rc == CG_OK && step != SQLITE_DONE)
        rc = cg_error_set(err, CG_ERR_DB, "reading objects failed: %s",
                          sqlite3_errmsg(db));
    sqlite3_finalize(row);
    return rc;
}

static enum cg_err sync_locked(struct cg_store *store, struct cg_error *err)
{
    sqlite3 *db = cg_store_db(store);
    struct attr_stmts s = {NULL, NULL};
    int64_t watermark = INT64_MIN;
    char *mark_text = NULL;
    char number[32];
    enum cg_err rc = CG_OK;

    if (sqlite3_prepare_v2(db, "DELETE FROM graph_attrs WHERE object_id = ?1",
                           -1, &s.clear, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT OR IGNORE INTO graph_attrs(name, value, "
                           "object_id, display) VALUES(?1, ?2, ?3, ?4)",
                           -1, &s.insert, NULL) != SQLITE_OK)
        rc = cg_error_set(err, CG_ERR_DB,
                          "preparing the attribute index "
                          "failed: %s",
                          sqlite3_errmsg(db));
    if (rc == CG_OK)
        rc = cg_graph_state_get(store, "attrs.synced_through", &mark_text, err);
    if (rc == CG_OK && mark_text)
        watermark = strtoll(mark_text, NULL, 10);
    if (rc == CG_OK)
        rc = index_new_objects(db, &s, &watermark, err);
    snprintf(number, sizeof(number), "%lld", (long long)watermark);
    if (rc == CG_OK && watermark != INT64_MIN)
        rc = cg_graph_state_set(store, "attrs.synced_through", number, err);
    free(mark_text);
    sqlite3_finalize(s.clear);
    sqlite3_finalize(s.insert);
    return rc;
}

enum cg_err cg_pivot_prepare(struct cg_store *store, struct cg_error *err)
{
    char *message = NULL;
    enum cg_err rc = cg_graph_state_prepare(store, err);

    if (rc == CG_OK && sqlite3_exec(cg_store_db(store), attrs_schema_sql, NULL,
                                    NULL, &message) != SQLITE_OK)
        rc = cg_error_set(err, CG_ERR_DB,
                          "creating the attribute index failed: %s",
                          message ? message : "unknown error");
    sqlite3_free(message);
    if (rc == CG_OK)
        rc = cg_store_begin(store, err);
    if (rc != CG_OK)
        return rc;
    rc = sync_locked(store, err);
    if (rc == CG_OK)
        rc = cg_store_commit(store, err);
    if (rc != CG_OK)
        cg_store_rollback(store);
    return rc;
}

enum cg_err cg_pivot_attrs_of(struct cg_store *store, const char *object_id,
                              unsigned mask, json_t *attrs,
                              struct cg_error *err)
{
    /* SEARCH graph_attrs USING INDEX graph_attrs_object (object_id=?) */
    static const char sql[] = "SELECT name, value, display FROM graph_attrs "
                              "WHERE object_id = ?1 ORDER BY name, value";
    sqlite3 *db = cg_store_db(store);
    sqlite3_stmt *stmt = NULL;
    int step;

    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return cg_error_set(err, CG_ERR_DB, "reading attributes failed: %s",
                            sqlite3_errmsg(db));
    sqlite3_bind_text(stmt, 1, object_id, -1, SQLITE_TRANSIENT);
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(stmt, 0);
        const char *key = (const char *)sqlite3_column_text(stmt, 1);
        const char *display = (const char *)sqlite3_column_text(stmt, 2);
        enum cg_via via;

        if (!name || !key || !cg_via_parse(name, &via) || !(mask & (1u << via)))
            continue;
        json_array_append_new(attrs,
                              json_pack("{ss ss ss}", "via", name, "value",
                                        display ? display : key, "key", key));
    }
    sqlite3_finalize(stmt);
    if (step != SQLITE_DONE)
        return cg_error_set(err, CG_ERR_DB, "reading attributes failed: %s",
                            sqlite3_errmsg(db));
    return CG_OK;
}

enum cg_err cg_pivot_attrs_members(struct cg_store *store, const char *name,
                                   const char *key, long limit,
                                   cg_pivot_member_fn fn, void *data,
                                   struct cg_error *err)
{
    /* SEARCH a USING PRIMARY KEY (name=? AND value=?), then
     * SEARCH o USING PRIMARY KEY (id=?), which skips deleted objects. */
    static const char sql[] =
        "SELECT a.object_id FROM graph_attrs a JOIN objects o "
        "ON o.id = a.object_id WHERE a.name = ?1 AND a.value = ?2 LIMIT ?3";
    sqlite3 *db = cg_store_db(store);
    sqlite3_stmt *stmt = NULL;
    int step;

    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return cg_error_set(err, CG_ERR_DB, "reading attributes failed: %s",
                            sqlite3_errmsg(db));
    sqlite3_bind_text(stmt, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 2, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(stmt, 3, limit);
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (fn((const char *)sqlite3_column_text(stmt, 0), data))
            break;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE) {
        sqlite3_finalize(stmt);
        return cg_error_set(err, CG_ERR_DB, "reading attributes failed: %s",
                            sqlite3_errmsg(db));
    }
    sqlite3_finalize(stmt);
    return CG_OK;
}
