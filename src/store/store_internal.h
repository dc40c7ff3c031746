/*
 * Private parts of the store shared by its source files: the handle with
 * its cached prepared statements, and helpers for errors.
 */
#ifndef CG_STORE_STORE_INTERNAL_H
#define CG_STORE_STORE_INTERNAL_H

#include "store/store.h"

/* One slot per prepared statement, kept for the life of the handle. */
enum cg_stmt {
    CG_STMT_OBJECT_GET,
    CG_STMT_OBJECT_EXISTS,
    CG_STMT_OBJECT_INSERT,
    CG_STMT_OBJECT_UPDATE,
    CG_STMT_EDGE_PUT,
    CG_STMT_RUN_OBJECT_PUT,
    CG_STMT_FIND,
    CG_STMT_FIND_TYPED,
    CG_STMT_CACHE_GET,
    CG_STMT_CACHE_PUT,
    CG_STMT_VALUE_PUT,
    CG_STMT_VALUE_SUMMARY,
    CG_STMT_ITEM_ADD,
    CG_STMT_ITEM_SET,
    CG_STMT_ITEM_STATE,
    CG_STMT__COUNT
};

struct cg_checkpointer;

struct cg_store {
    sqlite3 *db;
    sqlite3_stmt *stmts[CG_STMT__COUNT];
    struct cg_checkpointer *checkpointer; /* NULL unless started */
};

/* Records SQLite's message for a failed step in err; returns CG_ERR_DB. */
enum cg_err cg_store__fail(struct cg_store *store, struct cg_error *err,
                           const char *what);

/* Runs SQL without results. */
enum cg_err cg_store__exec(struct cg_store *store, const char *sql,
                           struct cg_error *err);

/*
 * Prepares sql into *stmt the first time, and resets it on later calls, so
 * that each statement is compiled once per handle.
 */
enum cg_err cg_store__prepare(struct cg_store *store, sqlite3_stmt **stmt,
                              const char *sql, struct cg_error *err);

/*
 * Stops the checkpoint thread, if one runs, and restores SQLite's
 * automatic checkpoint. Logs a warning when background checkpoints
 * failed.
 */
void cg_store__stop_checkpoints(struct cg_store *store);

#endif /* CG_STORE_STORE_INTERNAL_H */
