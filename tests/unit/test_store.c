/*
 * The graph store: upsert and merge, lookups, neighbours, the response
 * cache, run items across resume sessions, and the streaming export.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/clock.h"
#include "stix/object.h"
#include "store/store.h"

struct fixture {
    char path[64];
    struct cg_store *store;
    struct cg_stix_ctx ctx;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    int fd;

    snprintf(f->path, sizeof(f->path), "/tmp/cg-test-store-XXXXXX");
    fd = mkstemp(f->path);
    if (fd < 0)
        return -1;
    close(fd);
    cg_time_pin(1700000000);
    if (cg_store_open(f->path, &f->store, NULL) != CG_OK ||
        cg_stix_ctx_init(&f->ctx, CG_TLP_AMBER, 1700000000) != CG_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char extra[80];

    cg_store_close(f->store);
    unlink(f->path);
    snprintf(extra, sizeof(extra), "%s-wal", f->path);
    unlink(extra);
    snprintf(extra, sizeof(extra), "%s-shm", f->path);
    unlink(extra);
    free(f);
    cg_time_pin(-1);
    return 0;
}

static void test_upsert_merges(void **state)
{
    struct fixture *f = *state;
    json_t *first = cg_stix_observable(&f->ctx, "ipv4-addr", "198.51.100.7");
    json_t *second = cg_stix_observable(&f->ctx, "ipv4-addr", "198.51.100.7");
    json_t *stored = NULL;
    char id[CG_STIX_ID_SIZE];

    assert_int_equal(cg_stix_add_label(first, "vpn"), CG_OK);
    assert_int_equal(cg_stix_set_score(first, 30), CG_OK);
    assert_int_equal(cg_stix_add_label(second, "tor"), CG_OK);
    assert_int_equal(cg_stix_set_score(second, 80), CG_OK);
    assert_int_equal(cg_store_put_object(f->store, first, NULL), CG_OK);
    assert_int_equal(cg_store_put_object(f->store, second, NULL), CG_OK);
    assert_int_equal(
        cg_store_find(f->store, "198.51.100.7", "ipv4-addr", id, NULL), CG_OK);
    assert_string_equal(id, cg_stix_get_id(first));
    assert_int_equal(cg_store_get_object(f->store, id, &stored, NULL), CG_OK);
    assert_int_equal(
        json_array_size(json_object_get(stored, "x_opencti_labels")), 2);
    assert_int_equal(
        json_integer_value(json_object_get(stored, "x_opencti_score")), 80);
    json_decref(stored);
    json_decref(first);
    json_decref(second);
}

static void test_invalid_object_rejected(void **state)
{
    struct fixture *f = *state;
    json_t *obj = json_pack("{ss}", "type", "ipv4-addr");
    struct cg_error err;

    assert_int_equal(cg_store_put_object(f->store, obj, &err),
                     CG_ERR_STIX_INVALID);
    json_decref(obj);
}

static int count_neighbor(const struct cg_neighbor *n, void *data)
{
    int *count = data;

    assert_string_equal(n->relationship_type, "belongs-to");
    assert_true(n->outgoing);
    assert_string_equal(n->other_name, "AS64500");
    (*count)++;
    return 0;
}

static void test_neighbors(void **state)
{
    struct fixture *f = *state;
    json_t *ip = cg_stix_observable(&f->ctx, "ipv4-addr", "198.51.100.8");
    json_t *as = cg_stix_autonomous_system(&f->ctx, 64500, "EXAMPLE");
    json_t *rel = cg_stix_relationship(&f->ctx, "belongs-to",
                                       cg_stix_get_id(ip), cg_stix_get_id(as));
    int count = 0;

    assert_int_equal(cg_store_put_object(f->store, ip, NULL), CG_OK);
    assert_int_equal(cg_store_put_object(f->store, as, NULL), CG_OK);
    assert_int_equal(cg_store_put_object(f->store, rel, NULL), CG_OK);
    assert_int_equal(cg_store_neighbors(f->store, cg_stix_get_id(ip),
                                        count_neighbor, &count, NULL),
                     CG_OK);
    assert_int_equal(count, 1);
    json_decref(ip);
    json_decref(as);
    json_decref(rel);
}

static void test_cache_ttl(void **state)
{
    struct fixture *f = *state;
    char *body = NULL;
    int64_t when = 0;

    assert_int_equal(cg_store_cache_put(f->store, "ip:198.51.100.7", "{}", 2,
                                        1700000000 - 100, NULL),
                     CG_OK);
    assert_int_equal(cg_store_cache_get(f->store, "ip:198.51.100.7", 3600,
                                        &body, &when, NULL),
                     CG_OK);
    assert_string_equal(body, "{}");
    assert_int_equal(when, 1700000000 - 100);
    free(body);
    assert_int_equal(
        cg_store_cache_get(f->store, "ip:198.51.100.7", 50, &body, NULL, NULL),
        CG_ERR_NOT_FOUND);
    assert_null(body);
    assert_int_equal(
        cg_store_cache_get(f->store, "ip:203.0.113.1", 3600, &body, NULL, NULL),
        CG_ERR_NOT_FOUND);
}

/* The tables of schema version 1 that version 2 changed, as 1 made them. */
static const char v1_sql[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"
    "INSERT INTO meta VALUES('schema_version', '1');"
    "CREATE TABLE objects(id TEXT PRIMARY KEY, type TEXT NOT NULL, name TEXT,"
    "  score INTEGER, rank INTEGER NOT NULL, modified TEXT,"
    "  updated_at INTEGER NOT NULL, body TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX objects_name ON objects(name, type);"
    "CREATE INDEX objects_type ON objects(type, score);"
    "CREATE INDEX objects_order ON objects(rank, id);"
    "CREATE TABLE api_cache(key TEXT PRIMARY KEY, fetched_at INTEGER NOT NULL,"
    "  body BLOB NOT NULL) WITHOUT ROWID;"
    "INSERT INTO api_cache VALUES('ip:198.51.100.7', 1699999900, '{\"a\":1}');";

/* Runs sql on the database at path outside the store. */
static void exec_raw(const char *path, const char *sql)
{
    sqlite3 *db = NULL;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* Returns the integer in the first column of sql's first row, or -1. */
static int query_int(struct cg_store *store, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    int count = -1;

    assert_int_equal(
        sqlite3_prepare_v2(cg_store_db(store), sql, -1, &stmt, NULL),
        SQLITE_OK);
    if (sqlite3_step(stmt) == SQLITE_ROW)
        count = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return count;
}

static void test_upgrade_from_v1(void **state)
{
    struct fixture *f = *state;
    json_t *ip = cg_stix_observable(&f->ctx, "ipv4-addr", "198.51.100.7");
    json_t *other = cg_stix_observable(&f->ctx, "ipv4-addr", "198.51.100.8");
    char *text = json_dumps(ip, JSON_COMPACT);
    char *insert = NULL;
    json_t *stored = NULL;
    char *body = NULL;
    char id[CG_STIX_ID_SIZE];

    cg_store_close(f->store);
    f->store = NULL;
    unlink(f->path);
    exec_raw(f->path, v1_sql);
    insert = sqlite3_mprintf("INSERT INTO objects VALUES(%Q, 'ipv4-addr', "
                             "'198.51.100.7', NULL, 1, NULL, 1, %Q)",
                             cg_stix_get_id(ip), text);
    exec_raw(f->path, insert);
    sqlite3_free(insert);

    assert_int_equal(cg_store_open(f->path, &f->store, NULL), CG_OK);
    assert_int_equal(query_int(f->store,
                               "SELECT count(*) FROM meta "
                               "WHERE key = 'schema_version' AND value = '2'"),
                     1);
    assert_int_equal(query_int(f->store,
                               "SELECT count(*) FROM sqlite_master "
                               "WHERE sql LIKE '%WITHOUT ROWID%' "
                               "AND name IN ('objects', 'api_cache')"),
                     0);
    assert_int_equal(query_int(f->store, "SELECT count(*) FROM sqlite_master "
                                         "WHERE type = 'index' AND name IN "
                                         "('objects_name', 'objects_type', "
                                         "'objects_order')"),
                     3);
    /* The object and the cached response came across. */
    assert_int_equal(
        cg_store_find(f->store, "198.51.100.7", "ipv4-addr", id, NULL), CG_OK);
    assert_int_equal(cg_store_get_object(f->store, id, &stored, NULL), CG_OK);
    assert_true(json_equal(stored, ip));
    assert_int_equal(cg_store_cache_get(f->store, "ip:198.51.100.7", 3600,
                                        &body, NULL, NULL),
                     CG_OK);
    assert_string_equal(body, "{\"a\":1}");
    /* New objects go into the new table; ids stay unique. */
    assert_int_equal(cg_store_put_object(f->store, other, NULL), CG_OK);
    assert_int_equal(cg_store_put_object(f->store, ip, NULL), CG_OK);
    assert_int_equal(query_int(f->store, "SELECT count(*) FROM objects"), 2);
    free(body);
    free(text);
    json_decref(stored);
    json_decref(ip);
    json_decref(other);
}

/* Opens a new version-1 database at f->path with extra, then the store. */
static void open_v1(struct fixture *f, const char *extra)
{
    cg_store_close(f->store);
    f->store = NULL;
    unlink(f->path);
    exec_raw(f->path, v1_sql);
    exec_raw(f->path, extra);
    assert_int_equal(cg_store_open(f->path, &f->store, NULL), CG_OK);
}

static void test_upgrade_keeps_user_schema(void **state)
{
    struct fixture *f = *state;

    open_v1(f, "ALTER TABLE objects ADD COLUMN note TEXT;"
               "INSERT INTO objects VALUES('x--1', 'note', 'n', NULL, 1, NULL,"
               "  1, '{}', 'kept');"
               "CREATE VIEW names AS SELECT name FROM objects;"
               "CREATE INDEX objects_note ON objects(note);"
               "CREATE TABLE audit(id TEXT);"
               "CREATE TRIGGER objects_audit AFTER INSERT ON objects "
               "  BEGIN INSERT INTO audit VALUES(new.id); END;"
               "CREATE TABLE objects_v2(mine TEXT);"
               "INSERT INTO objects_v2 VALUES('mine');");
    assert_int_equal(query_int(f->store,
                               "SELECT count(*) FROM sqlite_master "
                               "WHERE sql LIKE '%WITHOUT ROWID%' "
                               "AND name IN ('objects', 'api_cache')"),
                     0);
    assert_int_equal(
        query_int(f->store, "SELECT count(*) FROM objects WHERE note = 'kept'"),
        1);
    assert_int_equal(query_int(f->store, "SELECT count(*) FROM names"), 1);
    assert_int_equal(query_int(f->store, "SELECT count(*) FROM sqlite_master "
                                         "WHERE name IN ('objects_note', "
                                         "'objects_audit')"),
                     2);
    assert_int_equal(query_int(f->store, "SELECT count(*) FROM objects_v2"), 1);
    /* The trigger still fires on the new table. */
    exec_raw(f->path, "INSERT INTO objects(id, type, rank, updated_at, body) "
                      "VALUES('x--2', 'note', 1, 1, '{}')");
    assert_int_equal(query_int(f->store, "SELECT count(*) FROM audit"), 1);
}

static void test_upgrade_without_version_row(void **state)
{
    struct fixture *f = *state;

    open_v1(f, "DELETE FROM meta");
    assert_int_equal(query_int(f->store,
                               "SELECT count(*) FROM sqlite_master "
                               "WHERE sql LIKE '%WITHOUT ROWID%' "
                               "AND name IN ('objects', 'api_cache')"),
                     0);
    assert_int_equal(query_int(f->store,
                               "SELECT count(*) FROM meta "
                               "WHERE key = 'schema_version' AND value = '2'"),
                     1);
}

static void test_rejected_file_unchanged(void **state)
{
    struct fixture *f = *state;
    struct cg_store *store = NULL;
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    cg_store_close(f->store);
    f->store = NULL;
    unlink(f->path);
    exec_raw(f->path, v1_sql);
    exec_raw(f->path, "UPDATE meta SET value = '3'");
    assert_int_equal(cg_store_open(f->path, &store, NULL), CG_ERR_DB);
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT (SELECT count(*) FROM "
                                        "sqlite_master WHERE name = 'edges'),"
                                        " (SELECT journal_mode FROM "
                                        "pragma_journal_mode)",
                                        -1, &stmt, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(stmt, 0), 0);
    assert_string_equal((const char *)sqlite3_column_text(stmt, 1), "delete");
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    /* The fixture's teardown closes a store: give it a new database. */
    unlink(f->path);
    assert_int_equal(cg_store_open(f->path, &f->store, NULL), CG_OK);
}

static void test_unknown_version_rejected(void **state)
{
    struct fixture *f = *state;
    struct cg_store *store = NULL;
    struct cg_error err;

    exec_raw(f->path,
             "UPDATE meta SET value = '3' WHERE key = 'schema_version'");
    assert_int_equal(cg_store_open(f->path, &store, &err), CG_ERR_DB);
    assert_null(store);
    assert_non_null(strstr(err.msg, "schema version '3'"));
    exec_raw(f->path,
             "UPDATE meta SET value = 'x' WHERE key = 'schema_version'");
    assert_int_equal(cg_store_open(f->path, &store, &err), CG_ERR_DB);
    assert_non_null(strstr(err.msg, "schema version 'x'"));
    /* Only a missing row means a new database: an empty or padded value
     * is rejected too. */
    exec_raw(f->path,
             "UPDATE meta SET value = '' WHERE key = 'schema_version'");
    assert_int_equal(cg_store_open(f->path, &store, &err), CG_ERR_DB);
    assert_non_null(strstr(err.msg, "schema version ''"));
    exec_raw(f->path,
             "UPDATE meta SET value = '02' WHERE key = 'schema_version'");
    assert_int_equal(cg_store_open(f->path, &store, &err), CG_ERR_DB);
    assert_non_null(strstr(err.msg, "schema version '02'"));
    exec_raw(f->path,
             "UPDATE meta SET value = NULL WHERE key = 'schema_version'");
    assert_int_equal(cg_store_open(f->path, &store, &err), CG_ERR_DB);
    assert_non_null(strstr(err.msg, "schema version '(null)'"));
    /* Put version 2 back for the teardown. */
    exec_raw(f->path,
             "UPDATE meta SET value = '2' WHERE key = 'schema_version'");
}

/* Size in bytes of the file at path with suffix, or 0 when it is absent. */
static long file_size(const char *path, const char *suffix)
{
    char name[96];
    struct stat st;

    snprintf(name, sizeof(name), "%s%s", path, suffix);
    return stat(name, &st) == 0 ? (long)st.st_size : 0;
}

static void test_background_checkpoints(void **state)
{
    struct fixture *f = *state;
    static char body[8192];
    char key[32];
    char *stored = NULL;

    memset(body, 'x', sizeof(body) - 1);
    assert_int_equal(cg_store_checkpoint_in_background(f->store, 20, NULL),
                     CG_OK);
    /* A second call keeps the running thread. */
    assert_int_equal(cg_store_checkpoint_in_background(f->store, 20, NULL),
                     CG_OK);
    /* 600 commits of about 3 pages each: 7 MB of WAL without checkpoints. */
    for (int i = 0; i < 600; i++) {
        snprintf(key, sizeof(key), "ip:key-%d", i);
        assert_int_equal(cg_store_cache_put(f->store, key, body,
                                            sizeof(body) - 1, 1700000000, NULL),
                         CG_OK);
    }
    /* The pages reached the database file, and the WAL started over. */
    assert_true(file_size(f->path, "") > 4L * 1024 * 1024);
    assert_true(file_size(f->path, "-wal") < 2L * 1024 * 1024);
    assert_int_equal(
        cg_store_cache_get(f->store, "ip:key-599", 3600, &stored, NULL, NULL),
        CG_OK);
    assert_int_equal(strlen(stored), sizeof(body) - 1);
    free(stored);
    assert_int_equal(query_int(f->store, "SELECT count(*) FROM api_cache"),
                     600);
}

static void test_items_across_sessions(void **state)
{
    struct fixture *f = *state;
    enum cg_item_claim claim;
    int64_t run = 0;
    int session = 0;
    json_t *args = json_array();

    assert_int_equal(cg_store_run_begin(f->store, "enrich", args, &run, NULL),
                     CG_OK);
    assert_int_equal(cg_store_run_next_session(f->store, run, &session, NULL),
                     CG_OK);
    assert_int_equal(session, 1);
    assert_int_equal(cg_store_item_claim(f->store, run, 1, "a.example",
                                         "domain", "a.example", 1, &claim,
                                         NULL),
                     CG_OK);
    assert_int_equal(claim, CG_ITEM_NEW);
    assert_int_equal(cg_store_item_claim(f->store, run, 1, "a.example",
                                         "domain", "A.example", 2, &claim,
                                         NULL),
                     CG_OK);
    assert_int_equal(claim, CG_ITEM_DUPLICATE);
    assert_int_equal(cg_store_item_claim(f->store, run, 1, "b.example",
                                         "domain", "b.example", 3, &claim,
                                         NULL),
                     CG_OK);
    assert_int_equal(
        cg_store_item_set(f->store, run, "a.example", "done", NULL, NULL),
        CG_OK);
    assert_int_equal(cg_store_run_next_session(f->store, run, &session, NULL),
                     CG_OK);
    assert_int_equal(session, 2);
    assert_int_equal(cg_store_item_claim(f->store, run, 2, "a.example",
                                         "domain", "a.example", 1, &claim,
                                         NULL),
                     CG_OK);
    assert_int_equal(claim, CG_ITEM_EARLIER);
    assert_int_equal(cg_store_item_claim(f->store, run, 2, "b.example",
                                         "domain", "b.example", 3, &claim,
                                         NULL),
                     CG_OK);
    assert_int_equal(claim, CG_ITEM_RETRY);
    assert_int_equal(cg_store_item_claim(f->store, run, 2, "b.example",
                                         "domain", "b.example", 4, &claim,
                                         NULL),
                     CG_OK);
    assert_int_equal(claim, CG_ITEM_DUPLICATE);
    json_decref(args);
}

static void test_export_is_json(void **state)
{
    struct fixture *f = *state;
    json_t *ip = cg_stix_observable(&f->ctx, "ipv4-addr", "198.51.100.9");
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    json_error_t jerr;
    json_t *doc;

    assert_int_equal(cg_store_put_object(f->store, ip, NULL), CG_OK);
    assert_int_equal(cg_store_export(f->store, out, false, 0, NULL), CG_OK);
    fclose(out);
    doc = json_loads(text, 0, &jerr);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "type")),
                        "bundle");
    assert_true(json_array_size(json_object_get(doc, "objects")) >= 1);
    assert_int_equal(
        strncmp(json_string_value(json_object_get(doc, "id")), "bundle--", 8),
        0);
    json_decref(doc);
    json_decref(ip);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_upsert_merges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_object_rejected, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_neighbors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cache_ttl, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upgrade_from_v1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_version_rejected, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_background_checkpoints, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_upgrade_keeps_user_schema, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_upgrade_without_version_row, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_rejected_file_unchanged, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_items_across_sessions, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_export_is_json, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
