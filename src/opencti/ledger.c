/*
 * Delivery counts and credit budgets in SQLite. The tables live next to
 * the graph in the same file, under names of their own
 * (connector_deliveries, connector_budget). Each statement is one atomic
 * upsert, so concurrent workers need no lock of their own.
 */
#include "opencti/ledger.h"

#include <openssl/evp.h>
#include <stdio.h>

#include "core/clock.h"

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS connector_deliveries("
    " key TEXT PRIMARY KEY, count INTEGER NOT NULL,"
    " last_seen INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS connector_budget("
    " period INTEGER PRIMARY KEY, used INTEGER NOT NULL);";

static enum cg_err db_error(struct cg_store *store, const char *what,
                            struct cg_error *err)
{
    return cg_error_set(err, CG_ERR_DB, "%s failed: %s", what,
                        sqlite3_errmsg(cg_store_db(store)));
}

/*
 * Prepares sql, binds ?1 to key (may be NULL), ?2 to a and ?3 to b, and
 * steps once. A statement may leave any of them out: binding a number it
 * does not use is harmless. *out receives the first column of a result
 * row when out is not NULL.
 */
static enum cg_err run(struct cg_store *store, const char *sql, const char *key,
                       int64_t a, int64_t b, int64_t *out, const char *what,
                       struct cg_error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum cg_err rc = CG_OK;
    int step;

    if (sqlite3_prepare_v2(cg_store_db(store), sql, -1, &stmt, NULL) !=
        SQLITE_OK)
        return db_error(store, what, err);
    if (key)
        sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, a);
    sqlite3_bind_int64(stmt, 3, b);
    step = sqlite3_step(stmt);
    if (step == SQLITE_ROW && out)
        *out = sqlite3_column_int64(stmt, 0);
    else if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = db_error(store, what, err);
    sqlite3_finalize(stmt);
    return rc;
}

enum cg_err cg_ledger_open(struct cg_store *store, struct cg_error *err)
{
    if (sqlite3_exec(cg_store_db(store), schema, NULL, NULL, NULL) != SQLITE_OK)
        return db_error(store, "creating the connector tables", err);
    return run(store, "DELETE FROM connector_deliveries WHERE last_seen < ?2",
               NULL, cg_time_now() - CG_LEDGER_KEEP_S, 0, NULL,
               "pruning delivery counts", err);
}

void cg_ledger_key(const char *body, size_t len, char key[CG_LEDGER_KEY_SIZE])
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;

    key[0] = '\0';
    if (EVP_Digest(body, len, digest, &size, EVP_sha256(), NULL) != 1)
        return;
    for (unsigned int i = 0; i < size && i < 32; i++)
        snprintf(key + 2 * i, 3, "%02x", digest[i]);
}

enum cg_err cg_ledger_count_delivery(struct cg_store *store, const char *key,
                                     bool restart, int *count,
                                     struct cg_error *err)
{
    int64_t value = 1;
    enum cg_err rc =
        run(store,
            "INSERT INTO connector_deliveries(key, count, last_seen) "
            "VALUES(?1, 1, ?3) ON CONFLICT(key) DO UPDATE SET "
            "count = CASE WHEN ?2 THEN 1 ELSE count + 1 END, last_seen = ?3 "
            "RETURNING count",
            key, restart, cg_time_now(), &value, "counting a delivery", err);

    *count = value > INT32_MAX ? INT32_MAX : (int)value;
    return rc;
}

enum cg_err cg_ledger_forget_delivery(struct cg_store *store, const char *key,
                                      struct cg_error *err)
{
    return run(store, "DELETE FROM connector_deliveries WHERE key = ?1", key, 0,
               0, NULL, "forgetting a delivery", err);
}

enum cg_err cg_ledger_credits_used(struct cg_store *store, int64_t period,
                                   long long *used, struct cg_error *err)
{
    int64_t value = 0;
    enum cg_err rc =
        run(store, "SELECT used FROM connector_budget WHERE period = ?2", NULL,
            period, 0, &value, "reading the credit budget", err);

    *used = value;
    return rc;
}

enum cg_err cg_ledger_add_credits(struct cg_store *store, int64_t period,
                                  long long credits, struct cg_error *err)
{
    return run(store,
               "INSERT INTO connector_budget(period, used) VALUES(?2, ?3) "
               "ON CONFLICT(period) DO UPDATE SET used = used + ?3",
               NULL, period, credits, NULL, "recording spent credits", err);
}
