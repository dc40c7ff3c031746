/*
 * WAL checkpoints in a thread of their own. A checkpoint copies pages from
 * the WAL into the database file and syncs it. Run by the committing
 * thread, a checkpoint of 10,000 pages stalled the enrichment engine's
 * single event loop (one measured sync took 0.45 s), and calls that fell
 * due meanwhile started late. Here a second connection checkpoints in PASSIVE
 * mode, which does not wait for the writer, and the writer only wakes it.
 */
#include "store/store_internal.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/log.h"

struct cg_checkpointer {
    sqlite3 *db; /* the thread's own connection */
    int pages;   /* WAL size that wakes the thread */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool due;         /* a commit asked for a checkpoint */
    bool stop;        /* cg_store__stop_checkpoints was called */
    long failures;    /* checkpoints that failed other than busy */
    char reason[256]; /* SQLite's message for the last failure */
};

static void *checkpoint_loop(void *arg)
{
    struct cg_checkpointer *c = arg;

    pthread_mutex_lock(&c->lock);
    for (;;) {
        int rc;

        while (!c->due && !c->stop)
            pthread_cond_wait(&c->wake, &c->lock);
        if (c->stop)
            break;
        c->due = false;
        pthread_mutex_unlock(&c->lock);
        rc = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
                                       NULL, NULL);
        pthread_mutex_lock(&c->lock);
        /* Busy means another connection is checkpointing, so nothing is lost.
         */
        if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
            c->failures++;
            snprintf(c->reason, sizeof(c->reason), "%s", sqlite3_errmsg(c->db));
        }
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

/* Called by SQLite after each commit with the number of pages in the WAL. */
static int on_commit(void *arg, sqlite3 *db, const char *name, int pages)
{
    struct cg_checkpointer *c = arg;

    /* The WAL starts over only once a checkpoint has copied every frame,
     * which the thread may never manage while the writer commits faster
     * than it copies. Checkpointing here, as SQLite's automatic checkpoint
     * would, bounds the WAL. */
    if (pages >= 4 * c->pages) {
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL,
                                  NULL);
    } else if (pages >= c->pages) {
        pthread_mutex_lock(&c->lock);
        c->due = true;
        pthread_cond_signal(&c->wake);
        pthread_mutex_unlock(&c->lock);
    }
    return SQLITE_OK;
}

/* Logs that checkpoints stay inside commits, and why; returns the error. */
static enum cg_err warn_inline(const struct cg_error *err)
{
    cg_log_warn("store", "%s; checkpointing during commits instead",
                cg_error_text(err));
    return err->code;
}

enum cg_err cg_store_checkpoint_in_background(struct cg_store *store, int pages,
                                              struct cg_error *err)
{
    struct cg_error local;
    const char *path = sqlite3_db_filename(store->db, "main");
    struct cg_checkpointer *c;

    if (store->checkpointer)
        return CG_OK;
    /* An in-memory or temporary database has no file to checkpoint. */
    if (!path || !*path)
        return CG_OK;
    if (!err)
        err = &local;
    c = calloc(1, sizeof(*c));
    if (!c) {
        cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        return warn_inline(err);
    }
    c->pages = pages > 0 ? pages : CG_STORE_CHECKPOINT_PAGES;
    if (sqlite3_open_v2(path, &c->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        cg_error_set(err, CG_ERR_DB,
                     "cannot open a checkpoint connection to '%s': %s", path,
                     c->db ? sqlite3_errmsg(c->db) : "out of memory");
        sqlite3_close(c->db);
        free(c);
        return warn_inline(err);
    }
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->wake, NULL);
    if (pthread_create(&c->thread, NULL, checkpoint_loop, c) != 0) {
        pthread_cond_destroy(&c->wake);
        pthread_mutex_destroy(&c->lock);
        sqlite3_close(c->db);
        free(c);
        cg_error_set(err, CG_ERR_NOMEM, "cannot start the checkpoint thread");
        return warn_inline(err);
    }
    store->checkpointer = c;
    /* Replaces SQLite's automatic checkpoint, which is a WAL hook too. */
    sqlite3_wal_hook(store->db, on_commit, c);
    return CG_OK;
}

void cg_store__stop_checkpoints(struct cg_store *store)
{
    struct cg_checkpointer *c = store->checkpointer;

    if (!c)
        return;
    sqlite3_wal_autocheckpoint(store->db, CG_STORE_CHECKPOINT_PAGES);
    pthread_mutex_lock(&c->lock);
    c->stop = true;
    pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->lock);
    pthread_join(c->thread, NULL);
    if (c->failures > 0)
        cg_log_warn("store",
                    "%ld background checkpoint(s) failed, the last with: %s; "
                    "the WAL is checkpointed when the database is closed",
                    c->failures, c->reason);
    pthread_cond_destroy(&c->wake);
    pthread_mutex_destroy(&c->lock);
    sqlite3_close(c->db);
    free(c);
    store->checkpointer = NULL;
}
