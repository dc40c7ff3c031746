/*
 * Enriched values, runs and per-run items: what resume, de-duplication,
 * the triage table and the per-run bundle are built from.
 */
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"

static int bind_text_or_null(sqlite3_stmt *stmt, int index, const char *text)
{
    if (!text)
        return sqlite3_bind_null(stmt, index);
    return sqlite3_bind_text(stmt, index, text, -1, SQLITE_TRANSIENT);
}

/*
 * Fills the fields that summary leaves null or missing from the value's
 * stored summary. Criminal IP may return null for any field, and a sparse
 * report must not erase what an earlier one gave.
 */
static enum cg_err keep_known_fields(struct cg_store *store, const char *value,
                                     json_t *summary, struct cg_error *err)
{
    sqlite3_stmt **stmt = &store->stmts[CG_STMT_VALUE_SUMMARY];
    enum cg_err rc = cg_store__prepare(
        store, stmt, "SELECT summary FROM indicators WHERE value = ?1", err);
    const char *text;
    json_t *stored;
    const char *key;
    json_t *old;

    if (rc != CG_OK)
        return rc;
    sqlite3_bind_text(*stmt, 1, value, -1, SQLITE_STATIC);
    if (sqlite3_step(*stmt) != SQLITE_ROW ||
        !(text = (const char *)sqlite3_column_text(*stmt, 0))) {
        sqlite3_reset(*stmt);
        return CG_OK;
    }
    stored = json_loads(text, 0, NULL);
    sqlite3_reset(*stmt);
    json_object_foreach(stored, key, old) {
        const json_t *now = json_object_get(summary, key);

        if ((!now || json_is_null(now)) && !json_is_null(old) &&
            json_object_set(summary, key, old) != 0) {
            rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
            break;
        }
    }
    json_decref(stored);
    return rc;
}

enum cg_err cg_store_put_value(struct cg_store *store,
                               const struct cg_value_record *record,
                               struct cg_error *err)
{
    sqlite3_stmt **stmt = &store->stmts[CG_STMT_VALUE_PUT];
    json_t *merged = NULL;
    char *summary = NULL;
    const json_t *score;
    enum cg_err rc = CG_OK;

    if (record->summary) {
        merged = json_deep_copy(record->summary);
        if (!merged)
            return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        if (record->value)
            rc = keep_known_fields(store, record->value, merged, err);
        if (rc == CG_OK &&
            !(summary = json_dumps(merged, JSON_COMPACT | JSON_SORT_KEYS)))
            rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    score = json_object_get(merged, "score");
    if (rc == CG_OK)
        rc = cg_store__prepare(
            store, stmt,
            "INSERT OR REPLACE INTO indicators(value, kind, display, object_id, "
            "status, score, summary, error, enriched_at) "
            "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            err);
    if (rc != CG_OK) {
        json_decref(merged);
        free(summary);
        return rc;
    }
    bind_text_or_null(*stmt, 1, record->value);
    bind_text_or_null(*stmt, 2, record->kind);
    bind_text_or_null(*stmt, 3, record->display);
    bind_text_or_null(*stmt, 4, record->object_id);
    bind_text_or_null(*stmt, 5, record->status);
    if (json_is_integer(score) && json_integer_value(score) >= 0)
        sqlite3_bind_int64(*stmt, 6, json_integer_value(score));
    else
        sqlite3_bind_null(*stmt, 6);
    bind_text_or_null(*stmt, 7, summary);
    bind_text_or_null(*stmt, 8, record->error);
    sqlite3_bind_int64(*stmt, 9, record->enriched_at);
    if (sqlite3_step(*stmt) != SQLITE_DONE)
        rc = cg_store__fail(store, err, "recording an enriched value");
    json_decref(merged);
    free(summary);
    return rc;
}

enum cg_err cg_store_run_begin(struct cg_store *store, const char *command,
                               const json_t *args, int64_t *run_id,
                               struct cg_error *err)
{
    sqlite3_stmt *stmt = NULL;
    char *text = args ? json_dumps(args, JSON_COMPACT) : NULL;
    enum cg_err rc = CG_OK;

    if (sqlite3_prepare_v2(store->db,
                           "INSERT INTO runs(command, args, started_at, status)"
                           " VALUES(?1, ?2, ?3, 'running')",
                           -1, &stmt, NULL) != SQLITE_OK) {
        free(text);
        return cg_store__fail(store, err, "recording a run");
    }
    sqlite3_bind_text(stmt, 1, command, -1, SQLITE_TRANSIENT);
    bind_text_or_null(stmt, 2, text);
    sqlite3_bind_int64(stmt, 3, cg_time_now());
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = cg_store__fail(store, err, "recording a run");
    else
        *run_id = sqlite3_last_insert_rowid(store->db);
    sqlite3_finalize(stmt);
    free(text);
    return rc;
}

enum cg_err cg_store_run_finish(struct cg_store *store, int64_t run_id,
                                const char *status, const json_t *stats,
                                struct cg_error *err)
{
    sqlite3_stmt *stmt = NULL;
    char *text =
        stats ? json_dumps(stats, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    enum cg_err rc = CG_OK;

    if (sqlite3_prepare_v2(store->db,
                           "UPDATE runs SET finished_at = ?2, status = ?3, "
                           "stats = ?4 WHERE id = ?1",
                           -1, &stmt, NULL) != SQLITE_OK) {
        free(text);
        return cg_store__fail(store, err, "finishing a run");
    }
    sqlite3_bind_int64(stmt, 1, run_id);
    sqlite3_bind_int64(stmt, 2, cg_time_now());
    sqlite3_bind_text(stmt, 3, status, -1, SQLITE_TRANSIENT);
    bind_text_or_null(stmt, 4, text);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = cg_store__fail(store, err, "finishing a run");
    sqlite3_finalize(stmt);
    free(text);
    return rc;
}

enum cg_err cg_store_run_last_unfinished(struct cg_store *store,
                                         const char *command, int64_t *run_id,
                                         json_t **args, struct cg_error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum cg_err rc = CG_OK;
    int step;

    *args = NULL;
    if (sqlite3_prepare_v2(store->db,
                           "SELECT id, args FROM runs WHERE command = ?1 "
                           "AND status <> 'complete' ORDER BY id DESC LIMIT 1",
                           -1, &stmt, NULL) != SQLITE_OK)
        return cg_store__fail(store, err, "finding the last run");
    sqlite3_bind_text(stmt, 1, command, -1, SQLITE_TRANSIENT);
    step = sqlite3_step(stmt);
    if (step == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(stmt, 1);
        json_error_t jerr;

        *run_id = sqlite3_column_int64(stmt, 0);
        *args = text ? json_loads(text, 0, &jerr) : json_array();
        if (!*args)
            rc = cg_error_set(err, CG_ERR_DB,
                              "run %lld has unreadable arguments",
                              (long long)*run_id);
    } else if (step == SQLITE_DONE) {
        rc = cg_error_set(err, CG_ERR_NOT_FOUND,
                          "no unfinished '%s' run to resume", command);
    } else {
        rc = cg_store__fail(store, err, "finding the last run");
    }
    sqlite3_finalize(stmt);
    return rc;
}

/* Reads the state and session of an existing item. */
static enum cg_err item_lookup(struct cg_store *store, int64_t run_id,
                               const char *value, char state[16], int *session,
                               struct cg_error *err)
{
    sqlite3_stmt **stmt = &store->stmts[CG_STMT_ITEM_STATE];
    enum cg_err rc = cg_store__prepare(
        store, stmt,
        "SELECT state, session FROM run_items WHERE run_id = ?1 AND value = ?2",
        err);
    int step;

    if (rc != CG_OK)
        return rc;
    sqlite3_bind_int64(*stmt, 1, run_id);
    sqlite3_bind_text(*stmt, 2, value, -1, SQLITE_TRANSIENT);
    step = sqlite3_step(*stmt);
    if (step == SQLITE_ROW) {
        snprintf(state, 16, "%s", sqlite3_column_text(*stmt, 0));
        *session = sqlite3_column_int(*stmt, 1);
    } else if (step == SQLITE_DONE) {
        rc = CG_ERR_NOT_FOUND;
    } else {
        rc = cg_store__fail(store, err, "reading a run item");
    }
    sqlite3_reset(*stmt);
    return rc;
}

static bool is_final_state(const char *state)
{
    return strcmp(state, "done") == 0 || strcmp(state, "skipped") == 0 ||
           strcmp(state, "invalid") == 0;
}

enum cg_err cg_store_item_claim(struct cg_store *store, int64_t run_id,
                                int session, const char *value,
                                const char *kind, const char *raw,
                                long position, enum cg_item_claim *claim,
                                struct cg_error *err)
{
    sqlite3_stmt **stmt = &store->stmts[CG_STMT_ITEM_ADD];
    char state[16];
    int seen_session = 0;
    enum cg_err rc =
        item_lookup(store, run_id, value, state, &seen_session, err);

    if (rc == CG_OK) {
        if (seen_session == session)
            *claim = CG_ITEM_DUPLICATE;
        else if (is_final_state(state))
            *claim = CG_ITEM_EARLIER;
        else
            *claim = CG_ITEM_RETRY;
        if (*claim == CG_ITEM_DUPLICATE)
            return CG_OK;
        /* Claim the item for this session so later repeats count as
         * duplicates. */
        return cg_store_item_set_session(store, run_id, value, session, err);
    }
    if (rc != CG_ERR_NOT_FOUND)
        return rc;
    rc = cg_store__prepare(
        store, stmt,
        "INSERT INTO run_items(run_id, value, kind, raw, position, state, "
        "session) VALUES(?1, ?2, ?3, ?4, ?5, 'pending', ?6)",
        err);
    if (rc != CG_OK)
        return rc;
    sqlite3_bind_int64(*stmt, 1, run_id);
    sqlite3_bind_text(*stmt, 2, value, -1, SQLITE_TRANSIENT);
    bind_text_or_null(*stmt, 3, kind);
    bind_text_or_null(*stmt, 4, raw);
    sqlite3_bind_int64(*stmt, 5, position);
    sqlite3_bind_int(*stmt, 6, session);
    if (sqlite3_step(*stmt) != SQLITE_DONE)
        return cg_store__fail(store, err, "recording a run item");
    *claim = CG_ITEM_NEW;
    return CG_OK;
}

enum cg_err cg_store_item_set(struct cg_store *store, int64_t run_id,
                              const char *value, const char *state,
                              const char *reason, struct cg_error *err)
{
    sqlite3_stmt **stmt = &store->stmts[CG_STMT_ITEM_SET];
    enum cg_err rc =
        cg_store__prepare(store, stmt,
                          "UPDATE run_items SET state = ?3, reason = ?4 "
                          "WHERE run_id = ?1 AND value = ?2",
                          err);

    if (rc != CG_OK)
        return rc;
    sqlite3_bind_int64(*stmt, 1, run_id);
    sqlite3_bind_text(*stmt, 2, value, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(*stmt, 3, state, -1, SQLITE_TRANSIENT);
    bind_text_or_null(*stmt, 4, reason);
    if (sqlite3_step(*stmt) != SQLITE_DONE)
        return cg_store__fail(store, err, "updating a run item");
    return CG_OK;
}

enum cg_err cg_store_item_set_session(struct cg_store *store, int64_t run_id,
                                      const char *value, int session,
                                      struct cg_error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum cg_err rc = CG_OK;

    if (sqlite3_prepare_v2(store->db,
                           "UPDATE run_items SET session = ?3 "
                           "WHERE run_id = ?1 AND value = ?2",
                           -1, &stmt, NULL) != SQLITE_OK)
        return cg_store__fail(store, err, "claiming a run item");
    sqlite3_bind_int64(stmt, 1, run_id);
    sqlite3_bind_text(stmt, 2, value, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(stmt, 3, session);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = cg_store__fail(store, err, "claiming a run item");
    sqlite3_finalize(stmt);
    return rc;
}

static enum cg_err run_query_int(struct cg_store *store, const char *sql,
                                 int64_t run_id, int64_t *out,
                                 struct cg_error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum cg_err rc = CG_OK;
    int step;

    if (sqlite3_prepare_v2(store->db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return cg_store__fail(store, err, "querying a run");
    sqlite3_bind_int64(stmt, 1, run_id);
    step = sqlite3_step(stmt);
    if (step == SQLITE_ROW)
        *out = sqlite3_column_int64(stmt, 0);
    else if (step != SQLITE_DONE)
        rc = cg_store__fail(store, err, "querying a run");
    sqlite3_finalize(stmt);
    return rc;
}

enum cg_err cg_store_run_next_session(struct cg_store *store, int64_t run_id,
                                      int *session, struct cg_error *err)
{
    int64_t last = 0;
    enum cg_err rc = run_query_int(
        store,
        "SELECT coalesce(max(session), 0) FROM run_items WHERE run_id = ?1",
        run_id, &last, err);

    *session = (int)last + 1;
    return rc;
}

enum cg_err cg_store_run_reopen(struct cg_store *store, int64_t run_id,
                                struct cg_error *err)
{
    int64_t ignored = 0;

    return run_query_int(
        store,
        "UPDATE runs SET status = 'running', finished_at = NULL"
        " WHERE id = ?1 RETURNING id",
        run_id, &ignored, err);
}

enum cg_err cg_store_run_rows(struct cg_store *store, int64_t run_id,
                              cg_run_row_fn fn, void *data,
                              struct cg_error *err)
{
    static const char sql[] =
        "SELECT r.value, r.kind, r.raw, r.state, r.reason, i.display, "
        "i.summary, r.position FROM run_items r "
        "LEFT JOIN indicators i ON i.value = r.value "
        "WHERE r.run_id = ?1 "
        "ORDER BY r.state <> 'done', "
        "CASE WHEN r.state = 'done' THEN coalesce(i.score, -1) END DESC, "
        "r.position, r.value";
    sqlite3_stmt *stmt = NULL;
    enum cg_err rc = CG_OK;
    int step;

    if (sqlite3_prepare_v2(store->db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return cg_store__fail(store, err, "reading a run");
    sqlite3_bind_int64(stmt, 1, run_id);
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *summary_text = (const char *)sqlite3_column_text(stmt, 6);
        json_error_t jerr;
        json_t *summary =
            summary_text ? json_loads(summary_text, 0, &jerr) : NULL;
        struct cg_run_row row = {
            .value = (const char *)sqlite3_column_text(stmt, 0),
            .kind = (const char *)sqlite3_column_text(stmt, 1),
            .raw = (const char *)sqlite3_column_text(stmt, 2),
            .state = (const char *)sqlite3_column_text(stmt, 3),
            .reason = (const char *)sqlite3_column_text(stmt, 4),
            .display = (const char *)sqlite3_column_text(stmt, 5),
            .summary = summary,
            .position = (long)sqlite3_column_int64(stmt, 7),
        };
        int stop = fn(&row, data);

        json_decref(summary);
        if (stop)
            break;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = cg_store__fail(store, err, "reading a run");
    sqlite3_finalize(stmt);
    return rc;
}
