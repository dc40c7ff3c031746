/*
 * The API response cache: raw bodies keyed by endpoint and canonical
 * value, with the time they were fetched, so that enriching the same value
 * again within the cache lifetime makes no API call.
 */
#include "store/store_internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"

enum cg_err cg_store_cache_get(struct cg_store *store, const char *key,
                               int64_t max_age, char **body,
                               int64_t *fetched_at, struct cg_error *err)
{
    sqlite3_stmt **stmt = &store->stmts[CG_STMT_CACHE_GET];
    enum cg_err rc = cg_store__prepare(store, stmt,
                                       "SELECT body, fetched_at FROM api_cache "
                                       "WHERE key = ?1 AND fetched_at >= ?2",
                                       err);
    int step;

    *body = NULL;
    if (rc != CG_OK)
        return rc;
    sqlite3_bind_text(*stmt, 1, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(*stmt, 2, cg_time_now() - max_age);
    step = sqlite3_step(*stmt);
    if (step == SQLITE_ROW) {
        const void *blob = sqlite3_column_blob(*stmt, 0);
        int len = sqlite3_column_bytes(*stmt, 0);

        *body = malloc((size_t)len + 1);
        if (!*body) {
            rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        } else {
            if (len)
                memcpy(*body, blob, (size_t)len);
            (*body)[len] = '\0';
            if (fetched_at)
                *fetched_at = sqlite3_column_int64(*stmt, 1);
        }
    } else if (step == SQLITE_DONE) {
        rc = CG_ERR_NOT_FOUND;
    } else {
        rc = cg_store__fail(store, err, "reading the API cache");
    }
    sqlite3_reset(*stmt);
    return rc;
}

enum cg_err cg_store_cache_put(struct cg_store *store, const char *key,
                               const char *body, size_t len, int64_t fetched_at,
                               struct cg_error *err)
{
    sqlite3_stmt **stmt = &store->stmts[CG_STMT_CACHE_PUT];
    enum cg_err rc = cg_store__prepare(
        store, stmt,
        "INSERT OR REPLACE INTO api_cache(key, fetched_at, body) "
        "VALUES(?1, ?2, ?3)",
        err);

    if (rc != CG_OK)
        return rc;
    if (len > INT32_MAX)
        return cg_error_set(err, CG_ERR_TOO_LARGE,
                            "response of %zu bytes is too large to cache", len);
    /* The caller's key and body outlive the step, so SQLite need not copy
     * them; the bindings are cleared before returning. */
    sqlite3_bind_text(*stmt, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(*stmt, 2, fetched_at);
    sqlite3_bind_blob(*stmt, 3, body, (int)len, SQLITE_STATIC);
    if (sqlite3_step(*stmt) != SQLITE_DONE)
        rc = cg_store__fail(store, err, "writing the API cache");
    sqlite3_reset(*stmt);
    sqlite3_clear_bindings(*stmt);
    return rc;
}
