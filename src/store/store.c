/*
 * Opening the database, its schema and transactions. The object, cache and
 * run tables live in their own files (objects.c, cache.c, runs.c).
 */
#include "store/store_internal.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
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
 * upgrade converts such a database when it is opened.
 */
#define SCHEMA_VERSION "2"

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS meta("
    "  key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS objects("
    "  id TEXT NOT NULL UNIQUE,"
    "  type TEXT NOT NULL,"
    "  name TEXT,"
    "  score INTEGER,"
    "  rank INTEGER NOT NULL,"
    "  modified TEXT,"
    "  updated_at INTEGER NOT NULL,"
    "  body TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS objects_name ON objects(name, type);"
    "CREATE INDEX IF NOT EXISTS objects_type ON objects(type, score);"
    "CREATE INDEX IF NOT EXISTS objects_order ON objects(rank, id);"
    "CREATE TABLE IF NOT EXISTS edges("
    "  id TEXT PRIMARY KEY,"
    "  type TEXT NOT NULL,"
    "  source TEXT NOT NULL,"
    "  target TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS edges_source ON edges(source, type);"
    "CREATE INDEX IF NOT EXISTS edges_target ON edges(target, type);"
    "CREATE TABLE IF NOT EXISTS api_cache("
    "  key TEXT NOT NULL UNIQUE,"
    "  fetched_at INTEGER NOT NULL,"
    "  body BLOB NOT NULL);"
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

        if (err)
            err->upstream = sqlite3_extended_errcode(store->db);
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

/* The tables that version 2 made rowid tables, with their key column. */
static const struct {
    const char *table;
    const char *key;
} rowid_tables[] = {{"objects", "id"}, {"api_cache", "key"}};

/*
 * Reads the schema version into *version: 1 or 2 when the stored text is
 * exactly that, 0 otherwise. Copies the text into text with bytes outside
 * printable ASCII as '?', and returns false when the database has no
 * version row yet (a new database).
 */
static bool read_version(struct cg_store *store, long *version, char text[32])
{
    sqlite3_stmt *stmt = NULL;
    bool found = false;

    *version = 0;
    text[0] = '\0';
    if (sqlite3_prepare_v2(store->db,
                           "SELECT value FROM meta "
                           "WHERE key = 'schema_version'",
                           -1, &stmt, NULL) != SQLITE_OK) {
        /* No meta table: a new or empty database. */
        sqlite3_finalize(stmt);
        return false;
    }
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *value = (const char *)sqlite3_column_text(stmt, 0);

        found = true;
        snprintf(text, 32, "%s", value ? value : "(null)");
    }
    sqlite3_finalize(stmt);
    for (char *p = text; *p; p++) {
        if (*p < 0x20 || *p > 0x7e)
            *p = '?';
    }
    if (strcmp(text, "1") == 0)
        *version = 1;
    else if (strcmp(text, "2") == 0)
        *version = 2;
    return found;
}

/*
 * Rejects a schema version that this build does not know, before the open
 * changes anything in the file. A database without a version is new.
 */
static enum cg_err check_version(struct cg_store *store, struct cg_error *err)
{
    long version;
    char text[32];

    if (!read_version(store, &version, text) || version != 0)
        return CG_OK;
    return cg_error_set(err, CG_ERR_DB,
                        "it has schema version '%s'; this cipgraph reads "
                        "versions 1 and " SCHEMA_VERSION
                        ", so open it with the cipgraph that wrote it",
                        text);
}

/* Sets *count to the number of version-1 tables left in the database. */
static enum cg_err count_v1_tables(struct cg_store *store, int *count,
                                   struct cg_error *err)
{
    sqlite3_stmt *stmt = NULL;

    *count = 0;
    if (sqlite3_prepare_v2(store->db,
                           "SELECT count(*) FROM sqlite_master "
                           "WHERE type = 'table' "
                           "AND name IN ('objects', 'api_cache') "
                           "AND sql LIKE '%WITHOUT ROWID%'",
                           -1, &stmt, NULL) != SQLITE_OK)
        return cg_store__fail(store, err, "reading the schema");
    if (sqlite3_step(stmt) == SQLITE_ROW)
        *count = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return CG_OK;
}

/*
 * Replaces the first match of from in buf with to. Returns false when
 * from is absent.
 */
static bool replace_once(struct cg_buf *buf, const char *from, const char *to)
{
    char *at = buf->data ? strstr(buf->data, from) : NULL;
    struct cg_buf out = CG_BUF_INIT;
    bool ok;

    if (!at)
        return false;
    ok = cg_buf_append(&out, buf->data, (size_t)(at - buf->data)) == CG_OK &&
         cg_buf_append(&out, to, strlen(to)) == CG_OK &&
         cg_buf_append(&out, at + strlen(from), strlen(at + strlen(from))) ==
             CG_OK;
    if (ok) {
        cg_buf_release(buf);
        *buf = out;
    } else {
        cg_buf_release(&out);
    }
    return ok;
}

/*
 * Rebuilds a version-1 WITHOUT ROWID table as a rowid table with a UNIQUE
 * key. The new definition is the stored one with "KEY TEXT PRIMARY KEY"
 * made "KEY TEXT NOT NULL UNIQUE" and "WITHOUT ROWID" taken off, so that
 * columns added to the table stay, and the indexes and triggers on it are
 * created again from their stored SQL.
 */
static enum cg_err rebuild_table(struct cg_store *store, const char *table,
                                 const char *key, struct cg_error *err)
{
    char *sql = sqlite3_mprintf(
        "SELECT type, sql FROM sqlite_master WHERE tbl_name = %Q "
        "AND sql IS NOT NULL ORDER BY type = 'table' DESC",
        table);
    char *from = sqlite3_mprintf("%s TEXT PRIMARY KEY", key);
    char *to = sqlite3_mprintf("%s TEXT NOT NULL UNIQUE", key);
    char *head = sqlite3_mprintf("CREATE TABLE %s(", table);
    char *temp = sqlite3_mprintf("CREATE TABLE cipgraph_upgrade_%s(", table);
    char *steps =
        sqlite3_mprintf("INSERT INTO cipgraph_upgrade_%s SELECT * FROM %s;"
                        "DROP TABLE %s;"
                        "PRAGMA legacy_alter_table = ON;"
                        "ALTER TABLE cipgraph_upgrade_%s RENAME TO %s;"
                        "PRAGMA legacy_alter_table = OFF;",
                        table, table, table, table, table);
    struct cg_buf create = CG_BUF_INIT;
    struct cg_buf saved = CG_BUF_INIT; /* its indexes and triggers */
    sqlite3_stmt *stmt = NULL;
    enum cg_err rc = CG_OK;
    bool known;

    if (!sql || !from || !to || !head || !temp || !steps) {
        rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (sqlite3_prepare_v2(store->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        rc = cg_store__fail(store, err, "reading the schema");
        goto out;
    }
    while (rc == CG_OK && sqlite3_step(stmt) == SQLITE_ROW) {
        const char *type = (const char *)sqlite3_column_text(stmt, 0);
        const char *text = (const char *)sqlite3_column_text(stmt, 1);

        if (strcmp(type, "table") == 0 && !create.len)
            rc = cg_buf_append(&create, text, strlen(text));
        else if (strcmp(type, "index") == 0 || strcmp(type, "trigger") == 0)
            rc = cg_buf_printf(&saved, "%s;", text);
    }
    sqlite3_finalize(stmt);
    if (rc != CG_OK)
        cg_error_set(err, rc, "out of memory");
    if (rc != CG_OK || !strstr(cg_buf_str(&create), "WITHOUT ROWID"))
        goto out; /* already a rowid table */
    /* The definition must end in ") WITHOUT ROWID" as version 1 made it. */
    known = create.len > 15 &&
            strcmp(create.data + create.len - 15, ") WITHOUT ROWID") == 0;
    if (known) {
        create.len -= 14;
        create.data[create.len] = '\0';
    }
    known = known && replace_once(&create, head, temp) &&
            replace_once(&create, from, to);
    if (!known) {
        rc = cg_error_set(err, CG_ERR_DB,
                          "cannot upgrade it to schema version " SCHEMA_VERSION
                          ": its %s table has a definition that cipgraph "
                          "did not create",
                          table);
        goto out;
    }
    rc = cg_store__exec(store, cg_buf_str(&create), err);
    if (rc == CG_OK)
        rc = cg_store__exec(store, steps, err);
    if (rc == CG_OK && saved.len)
        rc = cg_store__exec(store, cg_buf_str(&saved), err);
out:
    sqlite3_free(sql);
    sqlite3_free(from);
    sqlite3_free(to);
    sqlite3_free(head);
    sqlite3_free(temp);
    sqlite3_free(steps);
    cg_buf_release(&create);
    cg_buf_release(&saved);
    return rc;
}

/*
 * Brings a version-1 database to version 2 inside one transaction. The
 * tables are checked again inside the transaction, because another
 * process (a second connector worker) may have upgraded the file in the
 * meantime. Temporary data goes to files meanwhile, because in memory,
 * dropping the old table took as much memory as the table's size.
 */
static enum cg_err upgrade(struct cg_store *store, const char *path,
                           struct cg_error *err)
{
    long version;
    char text[32];
    int left = 0;
    enum cg_err rc;

    read_version(store, &version, text);
    rc = count_v1_tables(store, &left, err);
    if (rc != CG_OK || (left == 0 && version == 2))
        return rc;
    rc = cg_store__exec(store, "PRAGMA temp_store = FILE", err);
    if (rc == CG_OK)
        rc = cg_store_begin(store, err);
    if (rc == CG_OK)
        rc = count_v1_tables(store, &left, err);
    if (rc == CG_OK && left > 0)
        cg_log_info("store",
                    "upgrading '%s' to schema version " SCHEMA_VERSION
                    "; this runs once and copies every object",
                    path);
    for (size_t i = 0;
         rc == CG_OK && left > 0 && i < CG_ARRAY_LEN(rowid_tables); i++)
        rc = rebuild_table(store, rowid_tables[i].table, rowid_tables[i].key,
                           err);
    if (rc == CG_OK)
        rc = cg_store__exec(store,
                            "UPDATE meta SET value = '" SCHEMA_VERSION
                            "' WHERE key = 'schema_version'",
                            err);
    if (rc == CG_OK)
        rc = cg_store_commit(store, err);
    if (rc != CG_OK)
        cg_store_rollback(store);
    sqlite3_exec(store->db, "PRAGMA legacy_alter_table = OFF", NULL, NULL,
                 NULL);
    sqlite3_exec(store->db, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
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
    rc = check_version(store, err);
    if (rc == CG_OK)
        rc = cg_store__exec(store,
                            "PRAGMA journal_mode=WAL;"
                            "PRAGMA synchronous=NORMAL;"
                            "PRAGMA foreign_keys=OFF;"
                            "PRAGMA temp_store=MEMORY;",
                            err);
    /* Each enriched value changes a few hundred pages. Checkpointing every
     * 10,000 rather than 1,000 copies a page that several values change
     * once. */
    sqlite3_wal_autocheckpoint(store->db, CG_STORE_CHECKPOINT_PAGES);
    if (rc == CG_OK)
        rc = cg_store__exec(store, schema_sql, err);
    if (rc == CG_OK)
        rc = upgrade(store, path, err);
    if (rc != CG_OK) {
        /* err->msg is both the reason and the target: copy it first. */
        char reason[sizeof(err->msg)];
        long code = err ? err->upstream & 0xff : 0;
        const char *hint = "";

        snprintf(reason, sizeof(reason), "%s",
                 err && err->msg[0] ? err->msg : "schema error");
        if (code == SQLITE_BUSY)
            hint = "; another process has held a write lock on it for 30 s "
                   "(a cipgraph upgrading its schema, importing or "
                   "enriching), so retry when it has finished";
        else if (code == SQLITE_FULL)
            hint = "; free disk space and retry (upgrading the schema "
                   "needs about three times the file's size)";
        cg_error_set(err, CG_ERR_DB, "cannot initialise database '%s': %s%s",
                     path, reason, hint);
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
    cg_store__stop_checkpoints(store);
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
