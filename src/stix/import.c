/*
 * The import loop: reads a stream in chunks, lets the splitter cut it into
 * objects, parses and validates each one, recognises repeated ids, and
 * hands the valid objects to the caller's storage callback. Also the id
 * hash set that the loop and the store share.
 */
#include "stix/import.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"

/* Bytes read from the input per fread. */
#define CG_IMPORT_CHUNK (1u << 20)

/* ---- id hash set ---- */

/* FNV-1a over the id, then a final mix (splitmix64's) so that the low
 * bits used as the slot index depend on every byte. Never returns 0,
 * which marks an empty slot. */
static uint64_t id_hash(const char *id)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL;
    }
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h ? h : 1;
}

void cg_idset_init(struct cg_idset *set)
{
    memset(set, 0, sizeof(*set));
}

void cg_idset_release(struct cg_idset *set)
{
    free(set->keys);
    free(set->flags);
    cg_idset_init(set);
}

static size_t find_slot(const struct cg_idset *set, uint64_t h)
{
    size_t mask = set->cap - 1;
    size_t i = (size_t)h & mask;

    while (set->keys[i] && set->keys[i] != h)
        i = (i + 1) & mask;
    return i;
}

uint8_t cg_idset_get(const struct cg_idset *set, const char *id)
{
    uint64_t h;
    size_t i;

    if (!set->cap)
        return 0;
    h = id_hash(id);
    i = find_slot(set, h);
    return set->keys[i] == h ? set->flags[i] : 0;
}

static enum cg_err grow(struct cg_idset *set)
{
    struct cg_idset bigger;
    size_t cap = set->cap ? set->cap * 2 : 1024;

    bigger.keys = calloc(cap, sizeof(*bigger.keys));
    bigger.flags = calloc(cap, sizeof(*bigger.flags));
    bigger.cap = cap;
    bigger.count = set->count;
    if (!bigger.keys || !bigger.flags) {
        free(bigger.keys);
        free(bigger.flags);
        return CG_ERR_NOMEM;
    }
    for (size_t i = 0; i < set->cap; i++) {
        if (set->keys[i]) {
            size_t j = find_slot(&bigger, set->keys[i]);

            bigger.keys[j] = set->keys[i];
            bigger.flags[j] = set->flags[i];
        }
    }
    free(set->keys);
    free(set->flags);
    *set = bigger;
    return CG_OK;
}

enum cg_err cg_idset_add(struct cg_idset *set, const char *id, uint8_t flags,
                         uint8_t *previous)
{
    uint64_t h = id_hash(id);
    size_t i;

    if ((set->count + 1) * 2 > set->cap && grow(set) != CG_OK)
        return CG_ERR_NOMEM;
    i = find_slot(set, h);
    if (previous)
        *previous = set->keys[i] ? set->flags[i] : 0;
    if (!set->keys[i]) {
        set->keys[i] = h;
        set->count++;
    }
    set->flags[i] |= flags;
    return CG_OK;
}

/* ---- one object ---- */

enum cg_err cg_import_parse_object(const char *text, size_t len,
                                   size_t max_object, json_t **out,
                                   char reason[CG_STIX_REASON_SIZE])
{
    struct cg_error jerr;
    json_t *obj = NULL;
    enum cg_err rc;

    *out = NULL;
    rc = cg_json_parse(text, len, max_object, &obj, &jerr);
    if (rc == CG_ERR_NOMEM)
        return rc;
    if (rc != CG_OK) {
        snprintf(reason, CG_STIX_REASON_SIZE, "%s", cg_error_text(&jerr));
        return CG_OK;
    }
    if (!cg_stix_validate(obj, reason)) {
        json_decref(obj);
        return CG_OK;
    }
    *out = obj;
    return CG_OK;
}

/* ---- the loop ---- */

struct import_run {
    const struct cg_import_opts *opts;
    struct cg_import_stats *stats;
    size_t max_object;
    struct cg_error *err;
};

static void report(struct import_run *run, enum cg_import_problem_kind kind,
                   const struct cg_split_piece *piece, const char *id,
                   const char *reason)
{
    struct cg_import_problem problem = {
        .kind = kind,
        .index = piece ? piece->index : 0,
        .offset = piece ? piece->offset : 0,
        .id = id,
        .reason = reason,
    };

    if (run->opts->report)
        run->opts->report(run->opts->data, &problem);
}

/* The id of an invalid object, for its report, when it has a usable one. */
static const char *id_for_report(const char *text, size_t len, json_t **obj)
{
    json_error_t jerr;
    const json_t *id;

    *obj = json_loadb(text, len, JSON_ALLOW_NUL, &jerr);
    id = json_object_get(*obj, "id");
    if (!json_is_string(id) ||
        strlen(json_string_value(id)) != json_string_length(id))
        return NULL;
    return json_string_value(id);
}

/*
 * A top-level bundle without "objects", as the export writes an empty
 * graph. STIX 2.1 makes "objects" optional, so it contains no object
 * rather than being a bundle nested in a bundle.
 */
static bool is_empty_bundle(const struct cg_split_piece *piece)
{
    json_error_t jerr;
    json_t *obj;
    bool empty;

    if (!piece->top_level)
        return false;
    obj = json_loadb(piece->text, piece->len, 0, &jerr);
    empty = json_is_string(json_object_get(obj, "type")) &&
            strcmp(json_string_value(json_object_get(obj, "type")), "bundle") ==
                0 &&
            !json_object_get(obj, "objects");
    json_decref(obj);
    return empty;
}

/* Hands a valid object to put; a rejection by put counts as invalid. */
static enum cg_err put_object(struct import_run *run,
                              const struct cg_split_piece *piece,
                              const json_t *obj, bool duplicate)
{
    struct cg_error put_err;
    enum cg_err rc;

    cg_error_clear(&put_err);
    rc = run->opts->put(run->opts->data, obj, duplicate, &put_err);
    if (rc == CG_ERR_STIX_INVALID) {
        run->stats->invalid++;
        report(run, CG_IMPORT_INVALID, piece,
               json_string_value(json_object_get(obj, "id")),
               cg_error_text(&put_err));
        return CG_OK;
    }
    if (rc == CG_OK)
        run->stats->valid++;
    else if (run->err)
        *run->err = put_err;
    return rc;
}

static enum cg_err take_object(struct import_run *run,
                               const struct cg_split_piece *piece)
{
    char reason[CG_STIX_REASON_SIZE];
    json_t *obj = NULL;
    uint8_t previous = 0;
    const char *id;
    enum cg_err rc;

    rc = cg_import_parse_object(piece->text, piece->len, run->max_object, &obj,
                                reason);
    if (rc != CG_OK || (!obj && is_empty_bundle(piece)))
        return rc;
    run->stats->read++;
    if (!obj) {
        json_t *partial = NULL;

        run->stats->invalid++;
        report(run, CG_IMPORT_INVALID, piece,
               id_for_report(piece->text, piece->len, &partial), reason);
        json_decref(partial);
        return CG_OK;
    }
    id = json_string_value(json_object_get(obj, "id"));
    rc = cg_idset_add(run->opts->ids, id, CG_IDSET_SEEN, &previous);
    if (rc == CG_OK && (previous & CG_IDSET_SEEN)) {
        run->stats->duplicates++;
        if (!(previous & CG_IDSET_REPORTED)) {
            report(run, CG_IMPORT_DUPLICATE, piece, id,
                   "the id appears more than once; the copies are merged");
            rc = cg_idset_add(run->opts->ids, id, CG_IDSET_REPORTED, NULL);
        }
    }
    if (rc == CG_OK)
        rc = put_object(run, piece, obj, previous & CG_IDSET_SEEN);
    json_decref(obj);
    return rc;
}

static enum cg_err take_container(struct import_run *run,
                                  const struct cg_split_piece *piece)
{
    json_error_t jerr;
    json_t *head;
    const char *type;

    if (!piece->text) {
        report(run, CG_IMPORT_CONTAINER, piece, NULL,
               "the properties beside \"objects\" are too large to read");
        return CG_OK;
    }
    head = json_loadb(piece->text, piece->len, 0, &jerr);
    type = json_string_value(json_object_get(head, "type"));
    if (!type || strcmp(type, "bundle") != 0)
        report(run, CG_IMPORT_CONTAINER, piece,
               json_string_value(json_object_get(head, "id")),
               "a top-level object with an \"objects\" array is not a "
               "bundle; its elements were read as objects");
    json_decref(head);
    return CG_OK;
}

static enum cg_err take_piece(const struct cg_split_piece *piece, void *data)
{
    struct import_run *run = data;
    char reason[CG_STIX_REASON_SIZE];

    switch (piece->kind) {
    case CG_SPLIT_OBJECT:
        return take_object(run, piece);
    case CG_SPLIT_CONTAINER:
        return take_container(run, piece);
    case CG_SPLIT_TOO_LARGE:
        run->stats->read++;
        run->stats->invalid++;
        snprintf(reason, sizeof(reason),
                 "the object is larger than the limit of %zu bytes",
                 run->max_object);
        report(run, CG_IMPORT_TOO_LARGE, piece, NULL, reason);
        return CG_OK;
    }
    return CG_OK;
}

/* Reports a splitter failure: a syntax error or a truncated end. */
static void report_stop(struct import_run *run,
                        enum cg_import_problem_kind kind,
                        const struct cg_error *split_err)
{
    struct cg_import_problem problem = {
        .kind = kind,
        .reason = cg_error_text(split_err),
    };

    if (kind == CG_IMPORT_TRUNCATED)
        run->stats->truncated = true;
    else
        run->stats->syntax_error = true;
    if (run->opts->report)
        run->opts->report(run->opts->data, &problem);
}

enum cg_err cg_import_stream(FILE *in, const struct cg_import_opts *opts,
                             struct cg_import_stats *stats,
                             struct cg_error *err)
{
    struct import_run run = {opts, stats, 0, err};
    struct cg_splitter *splitter = NULL;
    struct cg_error split_err;
    char *chunk = malloc(CG_IMPORT_CHUNK);
    enum cg_err rc;
    size_t got;

    memset(stats, 0, sizeof(*stats));
    run.max_object = opts->max_object ? opts->max_object : CG_IMPORT_MAX_OBJECT;
    rc = chunk ? cg_splitter_new(run.max_object, &splitter) : CG_ERR_NOMEM;
    if (rc != CG_OK)
        goto out;
    cg_error_clear(&split_err);
    while ((got = fread(chunk, 1, CG_IMPORT_CHUNK, in)) > 0) {
        rc = cg_splitter_feed(splitter, chunk, got, take_piece, &run,
                              &split_err);
        if (rc == CG_ERR_PARSE) {
            report_stop(&run, CG_IMPORT_SYNTAX, &split_err);
            rc = CG_OK;
            goto out;
        }
        if (rc != CG_OK)
            goto out;
    }
    if (ferror(in)) {
        rc = cg_error_set(err, CG_ERR_IO, "reading the input failed: %s",
                          strerror(errno));
        goto out;
    }
    if (cg_splitter_end(splitter, &split_err) != CG_OK)
        report_stop(&run, CG_IMPORT_TRUNCATED, &split_err);
    if (cg_splitter_values(splitter) == 0) {
        stats->empty = true;
        report(&run, CG_IMPORT_EMPTY, NULL, NULL,
               "the input is empty: no STIX bundle or object");
    }
out:
    if (splitter)
        stats->bytes = cg_splitter_offset(splitter);
    if (rc == CG_ERR_NOMEM)
        cg_error_set(err, rc, "out of memory while importing");
    cg_splitter_free(splitter);
    free(chunk);
    return rc;
}
