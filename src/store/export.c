/*
 * Filtered export. It selects objects by type, score, write time or id and
 * adds what they refer to, so that the output is closed under references.
 * It keeps the relationships whose two ends are in the output and streams
 * the result as a bundle or JSON Lines. References to ids missing from the
 * graph (listed in dangling_refs by the import) are left out of the
 * written copy.
 */
#include "store/store_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stix/id.h"
#include "stix/object.h"
#include "stix/writer.h"

/* Selected objects whose references are expanded per query. */
#define CG_EXPORT_PAGE 1000

/* The state of one export. */
struct export_run {
    struct cg_store *store;
    const struct cg_export_filter *filter;
    sqlite3_stmt *add;      /* adds an id to the selection if stored */
    sqlite3_stmt *selected; /* whether an id is in the selection */
    sqlite3_stmt *dangling; /* an object's dangling references */
    bool has_dangling;
};

static bool filtering(const struct cg_export_filter *f)
{
    return f && (f->n_types || f->min_score >= 0 || f->since > 0 || f->ids);
}

static bool type_selected(const struct cg_export_filter *f, const char *type)
{
    if (!f->n_types)
        return true;
    for (size_t i = 0; i < f->n_types; i++) {
        if (strcmp(f->types[i], type) == 0)
            return true;
    }
    return false;
}

static enum cg_err prepare(struct export_run *run, const char *sql,
                           sqlite3_stmt **stmt, struct cg_error *err)
{
    if (sqlite3_prepare_v2(run->store->db, sql, -1, stmt, NULL) != SQLITE_OK)
        return cg_store__fail(run->store, err, "preparing the export");
    return CG_OK;
}

static enum cg_err run_step(struct export_run *run, sqlite3_stmt *stmt,
                            struct cg_error *err)
{
    int step = sqlite3_step(stmt);

    sqlite3_reset(stmt);
    if (step != SQLITE_DONE && step != SQLITE_ROW)
        return cg_store__fail(run->store, err, "selecting objects to export");
    return CG_OK;
}

/* Adds id to the selection when the graph contains it. */
static enum cg_err select_id(struct export_run *run, const char *id,
                             struct cg_error *err)
{
    if (!id)
        return CG_OK;
    sqlite3_bind_text(run->add, 1, id, -1, SQLITE_TRANSIENT);
    return run_step(run, run->add, err);
}

static bool is_selected(struct export_run *run, const char *id)
{
    bool found;

    sqlite3_bind_text(run->selected, 1, id, -1, SQLITE_TRANSIENT);
    found = sqlite3_step(run->selected) == SQLITE_ROW;
    sqlite3_reset(run->selected);
    return found;
}

/* Seeds the selection with the objects the filters match. */
static enum cg_err select_matching(struct export_run *run, struct cg_error *err)
{
    const struct cg_export_filter *f = run->filter;
    sqlite3_stmt *stmt = NULL;
    enum cg_err rc;
    int step;

    if (f->ids) {
        for (size_t i = 0; i < f->n_ids; i++) {
            rc = select_id(run, f->ids[i], err);
            if (rc != CG_OK)
                return rc;
        }
        return CG_OK;
    }
    rc = prepare(run,
                 "SELECT id, type FROM objects WHERE type NOT IN "
                 "('relationship', 'sighting') AND (?1 < 0 OR score >= ?1) "
                 "AND updated_at >= ?2",
                 &stmt, err);
    if (rc != CG_OK)
        return rc;
    sqlite3_bind_int(stmt, 1, f->min_score);
    sqlite3_bind_int64(stmt, 2, f->since);
    while (rc == CG_OK && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (type_selected(f, (const char *)sqlite3_column_text(stmt, 1)))
            rc =
                select_id(run, (const char *)sqlite3_column_text(stmt, 0), err);
    }
    if (rc == CG_OK && step != SQLITE_DONE)
        rc = cg_store__fail(run->store, err, "selecting objects to export");
    sqlite3_finalize(stmt);
    return rc;
}

/* Adds every top-level reference of one stored object to the selection. */
static enum cg_err select_refs(struct export_run *run, const char *body,
                               struct cg_error *err)
{
    json_error_t jerr;
    json_t *obj = json_loads(body, 0, &jerr);
    enum cg_err rc = CG_OK;
    const char *key;
    json_t *value;

    json_object_foreach(obj, key, value) {
        size_t len = strlen(key);
        size_t i;
        json_t *item;

        if (len > 4 && strcmp(key + len - 4, "_ref") == 0)
            rc = select_id(run, json_string_value(value), err);
        else if (len > 5 && strcmp(key + len - 5, "_refs") == 0)
            json_array_foreach(value, i, item) {
                rc = select_id(run, json_string_value(item), err);
                if (rc != CG_OK)
                    break;
            }
        if (rc != CG_OK)
            break;
    }
    json_decref(obj);
    return rc;
}

/*
 * Expands the selection until it is closed under references. Rows are
 * visited in insertion order (seq), so each is read once: O(S) reads and
 * O(R log S) inserts for S selected objects with R references.
 */
static enum cg_err close_selection(struct export_run *run, int64_t *seq,
                                   struct cg_error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum cg_err rc = prepare(run,
                             "SELECT s.seq, o.body FROM temp.cg_export s "
                             "JOIN objects o ON o.id = s.id "
                             "WHERE s.seq > ?1 ORDER BY s.seq LIMIT ?2",
                             &stmt, err);
    json_t *bodies = json_array();
    bool more = true;

    while (rc == CG_OK && more) {
        size_t i;
        json_t *body;

        sqlite3_bind_int64(stmt, 1, *seq);
        sqlite3_bind_int(stmt, 2, CG_EXPORT_PAGE);
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            *seq = sqlite3_column_int64(stmt, 0);
            json_array_append_new(
                bodies,
                json_string((const char *)sqlite3_column_text(stmt, 1)));
        }
        sqlite3_reset(stmt);
        more = json_array_size(bodies) == CG_EXPORT_PAGE;
        json_array_foreach(bodies, i, body) {
            if (rc == CG_OK)
                rc = select_refs(run, json_string_value(body), err);
        }
        json_array_clear(bodies);
    }
    json_decref(bodies);
    sqlite3_finalize(stmt);
    return rc;
}

/* Adds the relationships whose both ends are selected. */
static enum cg_err select_relationships(struct export_run *run,
                                        struct cg_error *err)
{
    static const char sql[] =
        "SELECT e.id FROM temp.cg_export s "
        "JOIN edges e ON e.source = s.id JOIN objects o ON o.id = e.id "
        "WHERE e.type <> 'object_refs' AND o.updated_at >= ?1 "
        "AND EXISTS (SELECT 1 FROM temp.cg_export t WHERE t.id = e.target)";
    sqlite3_stmt *stmt = NULL;
    json_t *ids = json_array();
    enum cg_err rc = prepare(run, sql, &stmt, err);
    size_t i;
    json_t *id;

    if (rc == CG_OK) {
        sqlite3_bind_int64(stmt, 1, run->filter->since);
        while (sqlite3_step(stmt) == SQLITE_ROW)
            json_array_append_new(
                ids, json_string((const char *)sqlite3_column_text(stmt, 0)));
    }
    json_array_foreach(ids, i, id) {
        if (rc == CG_OK)
            rc = select_id(run, json_string_value(id), err);
    }
    json_decref(ids);
    sqlite3_finalize(stmt);
    return rc;
}

/* True when every top-level reference of obj is selected. */
static bool refs_selected(struct export_run *run, const json_t *obj)
{
    const char *key;
    json_t *value;

    json_object_foreach((json_t *)obj, key, value) {
        size_t len = strlen(key);
        size_t i;
        json_t *item;

        if (len > 4 && strcmp(key + len - 4, "_ref") == 0 &&
            !is_selected(run, json_string_value(value)))
            return false;
        if (len > 5 && strcmp(key + len - 5, "_refs") == 0)
            json_array_foreach(value, i, item) {
                if (!is_selected(run, json_string_value(item)))
                    return false;
            }
    }
    return true;
}

/* Adds the sightings whose every reference is selected. */
static enum cg_err select_sightings(struct export_run *run,
                                    struct cg_error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum cg_err rc = prepare(run,
                             "SELECT body FROM objects WHERE type = "
                             "'sighting' AND updated_at >= ?1",
                             &stmt, err);
    json_t *keep = json_array();
    size_t i;
    json_t *obj;

    if (rc == CG_OK) {
        sqlite3_bind_int64(stmt, 1, run->filter->since);
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            json_error_t jerr;

            obj = json_loads((const char *)sqlite3_column_text(stmt, 0), 0,
                             &jerr);
            if (obj && refs_selected(run, obj))
                json_array_append(keep, obj);
            json_decref(obj);
        }
    }
    json_array_foreach(keep, i, obj) {
        if (rc == CG_OK)
            rc = select_id(run, json_string_value(json_object_get(obj, "id")),
                           err);
    }
    json_decref(keep);
    sqlite3_finalize(stmt);
    return rc;
}

static enum cg_err build_selection(struct export_run *run, struct cg_error *err)
{
    int64_t seq = 0;
    enum cg_err rc = cg_store__exec(run->store,
                                    "DROP TABLE IF EXISTS temp.cg_export;"
                                    "CREATE TEMP TABLE cg_export("
                                    "  seq INTEGER PRIMARY KEY,"
                                    "  id TEXT NOT NULL UNIQUE)",
                                    err);

    if (rc == CG_OK)
        rc = prepare(run,
                     "INSERT OR IGNORE INTO temp.cg_export(id) "
                     "SELECT id FROM objects WHERE id = ?1",
                     &run->add, err);
    if (rc == CG_OK)
        rc = prepare(run, "SELECT 1 FROM temp.cg_export WHERE id = ?1",
                     &run->selected, err);
    if (rc == CG_OK)
        rc = select_matching(run, err);
    if (rc == CG_OK)
        rc = close_selection(run, &seq, err);
    if (rc == CG_OK &&
        (type_selected(run->filter, "relationship") || run->filter->ids))
        rc = select_relationships(run, err);
    if (rc == CG_OK &&
        (type_selected(run->filter, "sighting") || run->filter->ids))
        rc = select_sightings(run, err);
    if (rc == CG_OK)
        rc = close_selection(run, &seq, err);
    return rc;
}

/* Removes the references listed in dangling_refs from obj. Returns false
 * when obj cannot be written without them. */
static bool strip_dangling(json_t *obj, const json_t *missing)
{
    const char *key;
    json_t *value;
    void *tmp;

    json_object_foreach_safe(obj, tmp, key, value) {
        size_t len = strlen(key);

        if (len > 4 && strcmp(key + len - 4, "_ref") == 0) {
            if (!json_object_get(missing, json_string_value(value)))
                continue;
            if (strcmp(key, "created_by_ref") != 0 &&
                strcmp(key, "x_opencti_created_by_ref") != 0)
                return false;
            json_object_del(obj, key);
        } else if (len > 5 && strcmp(key + len - 5, "_refs") == 0) {
            size_t i = 0;

            while (i < json_array_size(value)) {
                const char *ref = json_string_value(json_array_get(value, i));

                if (ref && json_object_get(missing, ref))
                    json_array_remove(value, i);
                else
                    i++;
            }
            if (json_array_size(value) > 0)
                continue;
            if (strcmp(key, "object_refs") == 0 ||
                strcmp(key, "sighting_of_ref") == 0)
                return false;
            json_object_del(obj, key);
        }
    }
    return true;
}

/* Writes one object, without its dangling references. */
static enum cg_err write_one(struct export_run *run,
                             struct cg_bundle_writer *writer, const char *id,
                             const char *body, long *count)
{
    json_t *missing = NULL;
    json_t *obj = NULL;
    json_error_t jerr;
    enum cg_err rc = CG_OK;

    if (run->has_dangling) {
        sqlite3_bind_text(run->dangling, 1, id, -1, SQLITE_TRANSIENT);
        while (sqlite3_step(run->dangling) == SQLITE_ROW) {
            if (!missing)
                missing = json_object();
            json_object_set_new(
                missing, (const char *)sqlite3_column_text(run->dangling, 0),
                json_true());
        }
        sqlite3_reset(run->dangling);
    }
    if (!missing) {
        (*count)++;
        return cg_bundle_writer_add_text(writer, id, body);
    }
    obj = json_loads(body, 0, &jerr);
    if (obj && strip_dangling(obj, missing)) {
        (*count)++;
        rc = cg_bundle_writer_add(writer, obj);
    }
    json_decref(obj);
    json_decref(missing);
    return rc;
}

/*
 * Writes an empty result. STIX 2.1 makes a bundle's objects optional but
 * its schema requires the list to be non-empty when present, so an empty
 * bundle has no "objects" at all. Its id is the UUIDv5 of the empty list.
 */
static enum cg_err write_empty(bool jsonl, FILE *out, struct cg_error *err)
{
    static const unsigned char ns[16] = {0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42,
                                         0x46, 0x6c, 0x9c, 0x01, 0xfe, 0xd2,
                                         0x33, 0x15, 0xa9, 0xb7};
    char uuid[37];

    cg_uuid5(ns, "[]", 2, uuid);
    if (!jsonl &&
        fprintf(out, "{\"id\":\"bundle--%s\",\"type\":\"bundle\"}\n", uuid) < 0)
        return cg_error_set(err, CG_ERR_IO, "writing the export failed: %s",
                            strerror(errno));
    if (fflush(out) == EOF)
        return cg_error_set(err, CG_ERR_IO, "writing the export failed: %s",
                            strerror(errno));
    return CG_OK;
}

static bool selection_empty(struct export_run *run)
{
    sqlite3_stmt *stmt = NULL;
    bool empty = false;

    if (sqlite3_prepare_v2(run->store->db,
                           filtering(run->filter)
                               ? "SELECT NOT EXISTS (SELECT 1 FROM "
                                 "temp.cg_export)"
                               : "SELECT NOT EXISTS (SELECT 1 FROM objects)",
                           -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        empty = sqlite3_column_int(stmt, 0) != 0;
    sqlite3_finalize(stmt);
    return empty;
}

static enum cg_err write_selection(struct export_run *run, bool jsonl,
                                   FILE *out, long *count, struct cg_error *err)
{
    const char *sql = filtering(run->filter)
                          ? "SELECT o.id, o.body FROM temp.cg_export s "
                            "JOIN objects o ON o.id = s.id "
                            "ORDER BY o.rank, o.id"
                          : "SELECT id, body FROM objects ORDER BY rank, id";
    struct cg_bundle_writer writer;
    sqlite3_stmt *stmt = NULL;
    enum cg_err rc = prepare(run, sql, &stmt, err);
    int step = SQLITE_DONE;

    if (rc != CG_OK)
        return rc;
    if (selection_empty(run)) {
        sqlite3_finalize(stmt);
        return write_empty(jsonl, out, err);
    }
    rc = cg_bundle_writer_begin(&writer, out, jsonl);
    while (rc == CG_OK && (step = sqlite3_step(stmt)) == SQLITE_ROW)
        rc = write_one(run, &writer, (const char *)sqlite3_column_text(stmt, 0),
                       (const char *)sqlite3_column_text(stmt, 1), count);
    if (rc == CG_OK && step != SQLITE_DONE)
        rc = cg_store__fail(run->store, err, "reading objects for the export");
    sqlite3_finalize(stmt);
    if (rc != CG_OK) {
        cg_bundle_writer_abort(&writer);
        return rc == CG_ERR_IO ? cg_error_set(err, rc,
                                              "writing the export "
                                              "failed")
                               : rc;
    }
    if (cg_bundle_writer_end(&writer) != CG_OK)
        return cg_error_set(err, CG_ERR_IO, "writing the export failed: %s",
                            strerror(errno));
    return CG_OK;
}

static enum cg_err check_dangling(struct export_run *run, struct cg_error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum cg_err rc =
        prepare(run, "SELECT EXISTS (SELECT 1 FROM dangling_refs)", &stmt, err);

    if (rc == CG_OK && sqlite3_step(stmt) == SQLITE_ROW)
        run->has_dangling = sqlite3_column_int(stmt, 0) != 0;
    sqlite3_finalize(stmt);
    if (rc == CG_OK && run->has_dangling)
        /* Enrichment may have added a missing object since the import
         * that recorded it, so each reference is checked again. */
        rc = prepare(run,
                     "SELECT d.ref FROM dangling_refs d WHERE "
                     "d.object_id = ?1 AND NOT EXISTS "
                     "(SELECT 1 FROM objects o WHERE o.id = d.ref)",
                     &run->dangling, err);
    return rc;
}

enum cg_err cg_store_export_select(struct cg_store *store,
                                   const struct cg_export_filter *filter,
                                   bool jsonl, FILE *out, long *count,
                                   struct cg_error *err)
{
    static const struct cg_export_filter everything = {.min_score = -1};
    struct export_run run = {
        store, filter ? filter : &everything, NULL, NULL, NULL, false};
    long written = 0;
    enum cg_err rc;

    /* One read transaction, so that the selection and the output see the
     * same graph while enrichment may be writing. */
    rc = cg_store__exec(store, "BEGIN", err);
    if (rc == CG_OK)
        rc = check_dangling(&run, err);
    if (rc == CG_OK && filtering(run.filter))
        rc = build_selection(&run, err);
    if (rc == CG_OK)
        rc = write_selection(&run, jsonl, out, &written, err);
    sqlite3_finalize(run.add);
    sqlite3_finalize(run.selected);
    sqlite3_finalize(run.dangling);
    if (filtering(run.filter))
        sqlite3_exec(store->db, "DROP TABLE IF EXISTS temp.cg_export", NULL,
                     NULL, NULL);
    sqlite3_exec(store->db, "COMMIT", NULL, NULL, NULL);
    if (count)
        *count = written;
    return rc;
}
