/*
 * Opening the database, its schema and transactions. The object, cache and
 * run tables live in their own files (objects.c, cache.c, runs.c).
 */
#include "store/store_internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"

/*
 * Version 2. Objects keep their full JSON in body; name, score, rank and
 * the timestamps are copied out so that lookups, ordering and filters use
 * indexes instead of parsing JSON. edges indexes relationships (and
 * container object_refs) from both ends for neighbourhood queries.
 *
 * objects and api_cache are rowid tables, because their rows are large (a
 * JSON body). A WITHOUT ROWID table keyed by a random id inserts each row
 * into the middle of the table, which splits pages and writes several of
 * them to the WAL per row. Version 1 had them WITHOUT ROWID, and
 * migrate_v1 converts such a database when it is opened.
 */
#define SCHEMA_VERSION "2"
#define OBJECTS_COLUMNS              \
    "("                              \
    "  id TEXT NOT NULL UNIQUE,"     \
    "  type TEXT NOT NULL,"          \
    "  name TEXT,"                   \
    "  score INTEGER,"               \
    "  rank INTEGER NOT NULL,"       \
    "  modified TEXT,"               \
    "  updated_at INTEGER NOT NULL," \
    "  body TEXT NOT NULL)"
#define OBJECTS_INDEXES                                                \
    "CREATE INDEX IF NOT EXISTS objects_name ON objects(name, type);"  \
    "CREATE INDEX IF NOT EXISTS objects_type ON objects(type, score);" \
    "CREATE INDEX IF NOT EXISTS objects_order ON objects(rank, id);"
#define API_CACHE_COLUMNS            \
    "("                              \
    "  key TEXT NOT NULL UNIQUE,"    \
    "  fetched_at INTEGER NOT NULL," \
    "  body BLOB NOT NULL)"

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS meta("
    "  key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS objects" OBJECTS_COLUMNS ";" OBJECTS_INDEXES
    "CREATE TABLE IF NOT EXISTS edges("
    "  id TEXT PRIMARY KEY,"
    "  type TEXT NOT NULL,"
    "  source TEXT NOT NULL,"
    "  target TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS edges_source ON edges(source, type);"
    "CREATE INDEX IF NOT EXISTS edges_target ON edges(target, type);"
    "CREATE TABLE IF NOT EXISTS api_cache" API_CACHE_COLUMNS ";"
    "CREATE TABLE IF NOT EXISTS indicators("
    "  value TEXT PRIMARY KEY,"
    "  kind TEXT NOT NULL,"
    "  display TEXT,"
    "  object_id TEXT,"
    "  status TEXT NOT NULL,"
    "  score INTEGER,"
    "  summary TEXT,"
    "  error TEXT,"
    "  enriched_at INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS indicators_score ON indicators(score);"
    "CREATE TABLE IF NOT EXISTS runs("
    "  id INTEGER PRIMARY KEY,"
    "  command TEXT NOT NULL,"
    "  args TEXT,"
    "  started_at INTEGER NOT NULL,"
    "  finished_at INTEGER,"
    "  status TEXT NOT NULL,"
    "  stats TEXT);"
    "CREATE TABLE IF NOT EXISTS run_items("
    "  run_id INTEGER NOT NULL,"
    "  value TEXT NOT NULL,"
    "  kind TEXT,"
    "  raw TEXT,"
    "  position INTEGER,"
    "  state TEXT NOT NULL,"
    "  reason TEXT,"
    "  session INTEGER NOT NULL DEFAULT 1,"
    "  PRIMARY KEY(run_id, value)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS run_items_position ON run_items(run_id, position);"
    "CREATE TABLE IF NOT EXISTS run_objects("
    "  run_id INTEGER NOT NULL,"
    "  object_id TEXT NOT NULL,"
    "  PRIMARY KEY(run_id, object_id)) WITHOUT ROWID;"
    "INSERT OR IGNORE INTO meta(key, value) VALUES('schema_version', '" SCHEMA_VERSION
    "');"
    /* Imported relationships waiting for an end (bulk.c), and references
     * from stored objects to ids the graph does not hold yet, which the
     * export leaves out (export.c). */
    "CREATE TABLE IF NOT EXISTS pending_relationships("
    "  id TEXT PRIMARY KEY,"
    "  source TEXT NOT NULL,"
    "  target TEXT NOT NULL,"
    "  body TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS dangling_refs("
    "  object_id TEXT NOT NULL,"
    "  ref TEXT NOT NULL,"
    "  PRIMARY KEY(object_id, ref)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS dangling_refs_ref ON dangling_refs(ref);";

enum cg_err cg_store__fail(struct cg_store *store, struct cg_error *err,
                           const char *what)
{
    enum cg_err rc = cg_error_set(err, CG_ERR_DB, "%s failed: %s", what,
                                  sqlite3_errmsg(store->db));

    if (err)
        err->upstream = sqlite3_extended_errcode(store->db);
    return rc;
}

enum cg_err cg_store__exec(struct cg_store *store, const char *sql,
                           struct cg_error *err)
{
    char *message = NULL;

    if (sqlite3_exec(store->db, sql, NULL, NULL, &message) != SQLITE_OK) {
        enum cg_err rc = cg_error_set(err, CG_ERR_DB, "database error: %s",
                                      message ? message : "unknown");

        sqlite3_free(message);
        return rc;
    }
    return CG_OK;
}

enum cg_err cg_store__prepare(struct cg_store *store, sqlite3_stmt **stmt,
                              const char *sql, struct cg_error *err)
{
    if (*stmt) {
        sqlite3_reset(*stmt);
        sqlite3_clear_bindings(*stmt);
        return CG_OK;
    }
    if (sqlite3_prepare_v3(store->db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt,
                           NULL) != SQLITE_OK)
        return cg_store__fail(store, err, "preparing a statement");
    return CG_OK;
}

/* Version 1 to 2: objects and api_cache become rowid tables. */
static const char migrate_v1_sql[] =
    "CREATE TABLE objects_v2" OBJECTS_COLUMNS ";"
    "INSERT INTO objects_v2(id, type, name, score, rank, modified, "
    "  updated_at, body) "
    "SELECT id, type, name, score, rank, modified, updated_at, body "
    "FROM objects ORDER BY rank, id;"
    "DROP TABLE objects;"
    "ALTER TABLE objects_v2 RENAME TO objects;" OBJECTS_INDEXES
    "CREATE TABLE api_cache_v2" API_CACHE_COLUMNS ";"
    "INSERT INTO api_cache_v2(key, fetched_at, body) "
    "SELECT key, fetched_at, body FROM api_cache;"
    "DROP TABLE api_cache;"
    "ALTER TABLE api_cache_v2 RENAME TO api_cache;"
    "UPDATE meta SET value = '2' WHERE key = 'schema_version';";

/*
 * Reads the schema version into *version, 0 when it is not a number, and
 * its text into text with bytes outside printable ASCII as '?'.
 */
static enum cg_err read_version(struct cg_store *store, long *version,
                                char text[32], struct cg_error *err)
{
    sqlite3_stmt *stmt = NULL;
    const char *value = NULL;
    char *end;

    *version = 0;
    if (sqlite3_prepare_v2(
            store->db, "SELECT value FROM meta WHERE key = 'schema_version'",
            -1, &stmt, NULL) != SQLITE_OK)
        return cg_store__fail(store, err, "reading the schema version");
    if (sqlite3_step(stmt) == SQLITE_ROW)
        value = (const char *)sqlite3_column_text(stmt, 0);
    snprintf(text, 32, "%s", value ? value : "");
    for (char *p = text; *p; p++) {
        if (*p < 0x20 || *p > 0x7e)
            *p = '?';
    }
    if (*text >= '0' && *text <= '9') {
        *version = strtol(text, &end, 10);
        if (*end)
            *version = 0;
    }
    sqlite3_finalize(stmt);
    return CG_OK;
}

/*
 * Brings an older database to this schema version inside one transaction,
 * and refuses a newer one or one whose version is unknown. The version is
 * read again inside the transaction, because another process (a second
 * connector worker) may have upgraded the file in the meantime.
 */
static enum cg_err upgrade(struct cg_store *store, const char *path,
                           struct cg_error *err)
{
    long version;
    char text[32];
    enum cg_err rc = read_version(store, &version, text, err);

    if (rc != CG_OK || version == 2)
        return rc;
    if (version != 1)
        return cg_error_set(err, CG_ERR_DB,
                            "'%s' has schema version '%s'; this cipgraph "
                            "reads versions 1 and " SCHEMA_VERSION,
                            path, text);
    rc = cg_store_begin(store, err);
    if (rc == CG_OK)
        rc = read_version(store, &version, text, err);
    if (rc == CG_OK && version == 1) {
        cg_log_info("store",
                    "upgrading '%s' to schema version " SCHEMA_VERSION
                    "; this runs once and copies every object",
                    path);
        rc = cg_store__exec(store, migrate_v1_sql, err);
    }
    if (rc == CG_OK)
        rc = cg_store_commit(store, err);
    if (rc != CG_OK)
        cg_store_rollback(store);
    return rc;
}

enum cg_err cg_store_open(const char *path, struct cg_store **out,
                          struct cg_error *err)
{
    struct cg_store *store = calloc(1, sizeof(*store));
    enum cg_err rc;
    int flags =
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;

    *out = NULL;
    if (!store)
        return CG_ERR_NOMEM;
    if (sqlite3_open_v2(path, &store->db, flags, NULL) != SQLITE_OK) {
        rc = cg_error_set(err, CG_ERR_DB, "cannot open database '%s': %s", path,
                          store->db ? sqlite3_errmsg(store->db) : "no memory");
        goto fail;
    }
    sqlite3_busy_timeout(store->db, 30000);
    rc = cg_store__exec(store,
                        "PRAGMA journal_mode=WAL;"
                        "PRAGMA synchronous=NORMAL;"
                        "PRAGMA foreign_keys=OFF;"
                        "PRAGMA temp_store=MEMORY;"
                        /* Each enriched value changes a few hundred
                         * pages; checkpointing every 10,000 rather than
                         * 1,000 copies a page changed by several values
                         * once. */
                        "PRAGMA wal_autocheckpoint=10000;",
                        err);
    if (rc == CG_OK)
        rc = cg_store__exec(store, schema_sql, err);
    if (rc == CG_OK)
        rc = upgrade(store, path, err);
    if (rc != CG_OK) {
        /* err->msg is both the reason and the target: copy it first. */
        char reason[sizeof(err->msg)];

        snprintf(reason, sizeof(reason), "%s",
                 err && err->msg[0] ? err->msg : "schema error");
        cg_error_set(err, CG_ERR_DB, "cannot initialise database '%s': %s",
                     path, reason);
        goto fail;
    }
    *out = store;
    return CG_OK;
fail:
    cg_store_close(store);
    return rc;
}

void cg_store_close(struct cg_store *store)
{
    if (!store)
        return;
    for (size_t i = 0; i < CG_ARRAY_LEN(store->stmts); i++)
        sqlite3_finalize(store->stmts[i]);
    sqlite3_close(store->db);
    free(store);
}

sqlite3 *cg_store_db(struct cg_store *store)
{
    return store->db;
}

enum cg_err cg_store_begin(struct cg_store *store, struct cg_error *err)
{
    return cg_store__exec(store, "BEGIN IMMEDIATE", err);
}

enum cg_err cg_store_commit(struct cg_store *store, struct cg_error *err)
{
    return cg_store__exec(store, "COMMIT", err);
}

void cg_store_rollback(struct cg_store *store)
{
    if (!sqlite3_get_autocommit(store->db))
        sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
}
