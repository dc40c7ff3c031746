/*
 * Private parts of the bulk import shared by bulk.c (batched writes,
 * pending relationships, dangling references) and bulk_alias.c
 * (deterministic ids of imported objects and the aliases of the ids they
 * replace).
 */
#ifndef CG_STORE_BULK_INTERNAL_H
#define CG_STORE_BULK_INTERNAL_H

#include "core/buf.h"
#include "stix/id.h"
#include "stix/import.h"
#include "store/store_internal.h"

enum bulk_stmt {
    BULK_INSERT,
    BULK_EDGE,
    BULK_EXISTS,
    BULK_PENDING_GET,
    BULK_PENDING_PUT,
    BULK_PENDING_DELETE,
    BULK_DANGLING_PUT,
    BULK_ALIAS_GET,
    BULK_ALIAS_PUT,
    BULK__COUNT
};

struct cg_store_bulk {
    struct cg_store *store;
    struct cg_idset *ids; /* borrowed */
    sqlite3_stmt *stmts[BULK__COUNT];
    long batch;
    long in_batch;
    int64_t now;
    long long cache_pages;      /* cache_size before the import */
    long long checkpoint_pages; /* wal_autocheckpoint before the import */
    bool has_aliases;           /* id_aliases has a row */
    struct cg_buf body;         /* the serialised object being inserted */
    struct cg_bulk_stats stats;
};

/* Steps a statement that returns no row, or one row it ignores. */
enum cg_err cg_bulk__step_done(struct cg_store *store, sqlite3_stmt *stmt,
                               const char *what, struct cg_error *err);

/*
 * Runs sql, which returns no row, with the texts a, b and c bound to ?1,
 * ?2 and ?3 as far as sql has them (any may be NULL).
 */
enum cg_err cg_bulk__run(struct cg_store *store, const char *sql, const char *a,
                         const char *b, const char *c, const char *what,
                         struct cg_error *err);

/* Looks id up in the graph and caches a positive result in bulk->ids. */
enum cg_err cg_bulk__is_stored(struct cg_store_bulk *bulk, const char *id,
                               bool *stored, struct cg_error *err);

/* ---- bulk_alias.c ---- */

/* SQL that creates the alias table, run before the statements are
 * prepared. */
extern const char cg_bulk__alias_schema[];

/* Sets bulk->has_aliases from the table. */
enum cg_err cg_bulk__alias_begin(struct cg_store_bulk *bulk,
                                 struct cg_error *err);

/*
 * Returns in *out the version of obj (borrowed) to store, a new reference:
 * references to replaced ids point to their deterministic ids, and an
 * object other than a relationship has its deterministic id when
 * cg_stix_id_of gives it one. Fails with CG_ERR_STIX_INVALID, and err
 * naming both values, when obj's id already names an object with other
 * id-contributing properties.
 */
enum cg_err cg_bulk__prepare(struct cg_store_bulk *bulk, const json_t *obj,
                             json_t **out, struct cg_error *err);

/*
 * Returns in *out the relationship obj (prepared, borrowed) under the
 * deterministic id of its type, ends and times, a new reference, and
 * records the given id as an alias. Called when the relationship is
 * stored, once its ends are final.
 */
enum cg_err cg_bulk__relationship_id(struct cg_store_bulk *bulk,
                                     const json_t *obj, json_t **out,
                                     struct cg_error *err);

/* Points the ends of waiting relationships at the ids their given ids
 * were replaced by, so that they resolve when those objects exist. */
enum cg_err cg_bulk__alias_pending(struct cg_store_bulk *bulk,
                                   struct cg_error *err);

/* Rewrites stored objects whose references were recorded as dangling and
 * have since been replaced by a deterministic id. */
enum cg_err cg_bulk__alias_dangling(struct cg_store_bulk *bulk,
                                    struct cg_error *err);

#endif /* CG_STORE_BULK_INTERNAL_H */
