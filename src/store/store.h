/*
 * The embedded knowledge graph: STIX objects and relationships in SQLite,
 * plus the API response cache, the enriched values and a log of runs. One
 * database file can serve several processes on one host: it runs in WAL
 * mode, where readers do not block the writer.
 *
 * A struct cg_store belongs to one thread. Every write a caller groups
 * between cg_store_begin and cg_store_commit lands atomically, so a process
 * killed mid-run leaves a valid database holding every committed value.
 */
#ifndef CG_STORE_STORE_H
#define CG_STORE_STORE_H

#include <jansson.h>
#include <sqlite3.h>

#include "core/err.h"
#include "stix/bundle.h"

struct cg_store;

/* Default database path when neither --db nor $CIPGRAPH_DB is given. */
#define CG_STORE_DEFAULT_PATH "./cipgraph.db"

/*
 * Opens or creates the database at path and brings its schema up to date.
 * Returns a new store in *out (close with cg_store_close). Fails with
 * CG_ERR_DB naming the path and SQLite's message.
 */
enum cg_err cg_store_open(const char *path, struct cg_store **out,
                          struct cg_error *err) CG_WARN_UNUSED;

/* WAL size, in pages, at which a checkpoint runs. */
#define CG_STORE_CHECKPOINT_PAGES 10000

/*
 * Moves WAL checkpoints to a thread with its own connection, so that a
 * commit does not wait while pages are copied into the database file and
 * synced. Meant for long write-heavy runs: enrich and the connector. A commit
 * wakes the thread once the WAL reaches pages pages, and checkpoints by itself
 * at four times that, which bounds the WAL. Does nothing for an in-memory
 * database. On failure it logs a warning, describes it in err (which may
 * be NULL), and SQLite keeps checkpointing inside commits.
 * cg_store_close stops the thread.
 */
enum cg_err cg_store_checkpoint_in_background(struct cg_store *store, int pages,
                                              struct cg_error *err);

/* Closes the database; NULL is ignored. */
void cg_store_close(struct cg_store *store);

/* Returns the SQLite handle, for the query modules in src/graph. */
sqlite3 *cg_store_db(struct cg_store *store);

/* Starts, commits or rolls back a write transaction. */
enum cg_err cg_store_begin(struct cg_store *store,
                           struct cg_error *err) CG_WARN_UNUSED;
enum cg_err cg_store_commit(struct cg_store *store,
                            struct cg_error *err) CG_WARN_UNUSED;
void cg_store_rollback(struct cg_store *store);

/*
 * Upserts one STIX object, borrowing obj. A new id is inserted; an existing
 * one is merged with cg_stix_merge (labels and references united, the
 * newest score kept, created back and modified forward), where incoming
 * counts as newer unless both versions carry "modified" and the stored one
 * is later. Relationships are also indexed from both ends. Fails with
 * CG_ERR_STIX_INVALID when obj has no string id or type.
 */
enum cg_err cg_store_put_object(struct cg_store *store, const json_t *obj,
                                struct cg_error *err) CG_WARN_UNUSED;

/*
 * Upserts every object of bundle and, when run_id > 0, records them as
 * touched by that run. With keep_stored, an object already stored is kept
 * as it is rather than merged: for a bundle mapped again from a cached
 * response, whose only news would be a later `modified`. Call inside a
 * transaction.
 */
enum cg_err cg_store_put_bundle(struct cg_store *store,
                                const struct cg_bundle *bundle, int64_t run_id,
                                bool keep_stored,
                                struct cg_error *err) CG_WARN_UNUSED;

/*
 * Reads one object by id into *out (new reference). Returns
 * CG_ERR_NOT_FOUND when absent.
 */
enum cg_err cg_store_get_object(struct cg_store *store, const char *id,
                                json_t **out,
                                struct cg_error *err) CG_WARN_UNUSED;

/*
 * Finds the id of the object whose lookup name is name (an observable's
 * value, an AS number, a CVE or location name; compared exactly, so pass
 * canonical text) and, when type is not NULL, whose STIX type is type.
 * Writes it into id (CG_STIX_ID_SIZE bytes). Returns CG_ERR_NOT_FOUND when
 * none matches.
 */
enum cg_err cg_store_find(struct cg_store *store, const char *name,
                          const char *type, char *id,
                          struct cg_error *err) CG_WARN_UNUSED;

/* Returns the lookup name the store derives from an object, or NULL. The
 * result is written into buf (size bytes) when it must be built. */
const char *cg_store_object_name(const json_t *obj, char *buf, size_t size);

/* One neighbour of an object, as cg_store_neighbors reports it. */
struct cg_neighbor {
    const char *relationship_id;
    const char *relationship_type; /* or "object_refs" for container refs */
    bool outgoing;                 /* the object is the source */
    const char *other_id;
    const char *other_type;
    const char *other_name; /* may be NULL */
    int other_score;        /* -1 when unknown */
};

typedef int (*cg_neighbor_fn)(const struct cg_neighbor *neighbor, void *data);

/*
 * Calls fn once per relationship or container reference that touches id,
 * outgoing first, ordered by relationship type and the other end's name.
 * Stops early when fn returns non-zero. Every pointer in neighbor is valid
 * only during the call.
 */
enum cg_err cg_store_neighbors(struct cg_store *store, const char *id,
                               cg_neighbor_fn fn, void *data,
                               struct cg_error *err) CG_WARN_UNUSED;

/*
 * Writes every object (or, when run_id > 0, only those touched by that
 * run) to out as one bundle or as JSON Lines, in the stable order of
 * cg_bundle_sort. Memory use is one object at a time.
 */
enum cg_err cg_store_export(struct cg_store *store, FILE *out, bool jsonl,
                            int64_t run_id,
                            struct cg_error *err) CG_WARN_UNUSED;

/* Counts objects and relationships, for summaries. */
enum cg_err cg_store_count(struct cg_store *store, long long *objects,
                           long long *relationships,
                           struct cg_error *err) CG_WARN_UNUSED;

/*
 * API response cache. cg_store_cache_get returns the body stored under key
 * when it was fetched no earlier than now - max_age seconds, as a new
 * string in *body (caller frees with free()), with its fetch time in
 * *fetched_at when that is not NULL. Returns CG_ERR_NOT_FOUND when absent
 * or older.
 */
enum cg_err cg_store_cache_get(struct cg_store *store, const char *key,
                               int64_t max_age, char **body,
                               int64_t *fetched_at,
                               struct cg_error *err) CG_WARN_UNUSED;
enum cg_err cg_store_cache_put(struct cg_store *store, const char *key,
                               const char *body, size_t len, int64_t fetched_at,
                               struct cg_error *err) CG_WARN_UNUSED;

/* The record of one enriched value, as the indicators table keeps it. */
struct cg_value_record {
    const char *value;     /* canonical value, the key */
    const char *kind;      /* "ipv4", "ipv6", "domain", "url" */
    const char *display;   /* Unicode form */
    const char *object_id; /* the observable's STIX id */
    const char *status;    /* "ok", "no-data" or "failed" */
    const json_t *summary; /* cg_summary_to_json output, may be NULL */
    const char *error;     /* the failure reason, or NULL */
    int64_t enriched_at;
};

/* Upserts the record of an enriched value. */
enum cg_err cg_store_put_value(struct cg_store *store,
                               const struct cg_value_record *record,
                               struct cg_error *err) CG_WARN_UNUSED;

/*
 * Runs. cg_store_run_begin records a new run of command with its
 * arguments (a JSON array) and returns its id. cg_store_run_finish records
 * the final status ("complete", "interrupted", "credits-exhausted",
 * "budget", "invalid-key", "failed") and the statistics object.
 */
enum cg_err cg_store_run_begin(struct cg_store *store, const char *command,
                               const json_t *args, int64_t *run_id,
                               struct cg_error *err) CG_WARN_UNUSED;
enum cg_err cg_store_run_finish(struct cg_store *store, int64_t run_id,
                                const char *status, const json_t *stats,
                                struct cg_error *err) CG_WARN_UNUSED;

/*
 * Finds the newest run of command whose status is not "complete" and
 * returns its id and arguments (new reference). CG_ERR_NOT_FOUND when none.
 */
enum cg_err cg_store_run_last_unfinished(struct cg_store *store,
                                         const char *command, int64_t *run_id,
                                         json_t **args,
                                         struct cg_error *err) CG_WARN_UNUSED;

/* The result of cg_store_item_claim for one value. */
enum cg_item_claim {
    CG_ITEM_NEW,       /* first time in this run: process it */
    CG_ITEM_RETRY,     /* seen by an earlier session but not finished */
    CG_ITEM_DUPLICATE, /* already submitted in this session */
    CG_ITEM_EARLIER    /* finished by an earlier session of the run */
};

/*
 * Per-run items: each distinct normalised value of a run, with its state
 * ("pending", "done", "skipped", "invalid", "failed", "not-done"), the
 * reason and its position in the input. A resumed run keeps its id and
 * starts a new session, so that a value can be recognised as a duplicate
 * within this session or as work an earlier session already finished.
 * cg_store_item_claim records the value for session and returns how it was
 * claimed.
 */
enum cg_err cg_store_item_claim(struct cg_store *store, int64_t run_id,
                                int session, const char *value,
                                const char *kind, const char *raw,
                                long position, enum cg_item_claim *claim,
                                struct cg_error *err) CG_WARN_UNUSED;
enum cg_err cg_store_item_set(struct cg_store *store, int64_t run_id,
                              const char *value, const char *state,
                              const char *reason,
                              struct cg_error *err) CG_WARN_UNUSED;

/* Moves an existing item to session. */
enum cg_err cg_store_item_set_session(struct cg_store *store, int64_t run_id,
                                      const char *value, int session,
                                      struct cg_error *err) CG_WARN_UNUSED;

/* Returns the next session number of a run (1 for a new run). */
enum cg_err cg_store_run_next_session(struct cg_store *store, int64_t run_id,
                                      int *session,
                                      struct cg_error *err) CG_WARN_UNUSED;

/* Marks a run as running again, for a resume. */
enum cg_err cg_store_run_reopen(struct cg_store *store, int64_t run_id,
                                struct cg_error *err) CG_WARN_UNUSED;

/* One value of a run, joined with its enrichment record. */
struct cg_run_row {
    const char *value;
    const char *kind;
    const char *raw;
    const char *state;  /* run item state */
    const char *reason; /* outcome or failure reason; may be NULL */
    const char *display;
    const json_t *summary; /* may be NULL */
    long position;
};

typedef int (*cg_run_row_fn)(const struct cg_run_row *row, void *data);

/*
 * Calls fn for each item of a run: finished values first, by descending
 * score, then the others in input order. Stops when fn returns non-zero.
 */
enum cg_err cg_store_run_rows(struct cg_store *store, int64_t run_id,
                              cg_run_row_fn fn, void *data,
                              struct cg_error *err) CG_WARN_UNUSED;

/* ---- Bulk import (bulk.c) ---- */

struct cg_idset;
struct cg_store_bulk;

/* Counts of a bulk import, for its summary. */
struct cg_bulk_stats {
    long inserted;      /* new ids written by the insert fast path */
    long merged;        /* ids already present, merged as cg_store_put_object
                           does */
    long deferred;      /* relationships that had to wait for an end */
    long resolved;      /* waiting relationships stored by this import */
    long aliased;       /* given ids replaced by deterministic ids, each counted
                           once per import */
    long long pending;  /* relationships still waiting, in the whole graph */
    long long dangling; /* references to ids the graph does not hold */
};

/*
 * Starts a bulk import that commits every batch objects (<= 0 for 10,000).
 * ids (borrowed, shared with the import loop) caches which ids are known
 * to be stored. Returns a new handle in *out; end it with
 * cg_store_bulk_finish or cg_store_bulk_abort.
 */
enum cg_err cg_store_bulk_begin(struct cg_store *store, struct cg_idset *ids,
                                long batch, struct cg_store_bulk **out,
                                struct cg_error *err) CG_WARN_UNUSED;

/*
 * Stores one validated object (borrowed). A new id takes the insert fast
 * path; an id already stored, or a duplicate of this import, is merged by
 * cg_store_put_object. A relationship whose source or target is not in the
 * graph is kept in pending_relationships until both are. An object that
 * arrives under another id than cg_stix_id_of gives it is stored under the
 * deterministic id, and references to the given id follow it. Fails with
 * CG_ERR_STIX_INVALID, leaving the graph as it was, when the given id
 * already names an object with other id-contributing properties.
 */
enum cg_err cg_store_bulk_put(struct cg_store_bulk *bulk, const json_t *obj,
                              bool duplicate,
                              struct cg_error *err) CG_WARN_UNUSED;

/*
 * Commits, stores the waiting relationships whose ends have arrived (from
 * this or any earlier import), drops the dangling references that now
 * resolve, fills stats and frees bulk, also on failure.
 */
enum cg_err cg_store_bulk_finish(struct cg_store_bulk *bulk,
                                 struct cg_bulk_stats *stats,
                                 struct cg_error *err) CG_WARN_UNUSED;

/* Rolls back the uncommitted batch and frees bulk; NULL is ignored. */
void cg_store_bulk_abort(struct cg_store_bulk *bulk);

/*
 * Writes obj (borrowed) in place of any stored version, without merging,
 * and re-indexes its object_refs. For objects cipgraph recomputes as a
 * whole, such as cluster groupings.
 */
enum cg_err cg_store_replace_object(struct cg_store *store, const json_t *obj,
                                    struct cg_error *err) CG_WARN_UNUSED;

/* Deletes an object and the edges it is the source of. */
enum cg_err cg_store_delete_object(struct cg_store *store, const char *id,
                                   struct cg_error *err) CG_WARN_UNUSED;

/* ---- Filtered export (export.c) ---- */

/* Filter of the objects cg_store_export_select writes. Zero fields
 * select all. */
struct cg_export_filter {
    const char *const *types; /* STIX types to keep, n_types of them */
    size_t n_types;
    int min_score; /* keep objects with x_opencti_score >= this; < 0: all */
    int64_t since; /* keep objects written at or after this; 0: all */
    const char *const *ids; /* when not NULL, keep exactly these n_ids
                               objects (none when n_ids is 0) instead of
                               applying the filters above */
    size_t n_ids;
};

/*
 * Writes the selected objects to out as one STIX bundle, or as JSON Lines
 * when jsonl, in the order of cg_bundle_sort, and the number written to
 * *count when count is not NULL. The output is closed under references:
 * every object a written object refers to (author identity, markings, a
 * container's members) is written too when the graph holds it, a
 * relationship is written only when both its ends are, and references to
 * ids the graph does not hold are left out of the written copy. Filters
 * select the objects other than relationships and sightings; those are
 * kept when no type filter is given or it names them, they pass since, and
 * their ends are in the output. An empty selection is written as a bundle
 * without "objects" (or nothing, for JSON Lines).
 */
enum cg_err cg_store_export_select(struct cg_store *store,
                                   const struct cg_export_filter *filter,
                                   bool jsonl, FILE *out, long *count,
                                   struct cg_error *err) CG_WARN_UNUSED;

#endif /* CG_STORE_STORE_H */
