/*
 * Reading STIX 2.1 from outside: a streaming splitter that finds each
 * object of a bundle (or of JSON Lines, or a lone object) without loading
 * the document, the validation every object must pass before it is
 * stored, and the loop that joins the two and hands valid objects to a
 * storage callback. Memory use is one object at a time plus a set of
 * 64-bit id hashes, whatever the size of the input.
 */
#ifndef CG_STIX_IMPORT_H
#define CG_STIX_IMPORT_H

#include <jansson.h>
#include <stdio.h>

#include "core/err.h"

/* Default largest size of one object's JSON text, in bytes. */
#define CG_IMPORT_MAX_OBJECT (16u * 1024 * 1024)

/* ---- Streaming splitter ---- */

enum cg_split_kind {
    CG_SPLIT_OBJECT,    /* one element's complete JSON text */
    CG_SPLIT_TOO_LARGE, /* an element over the size limit, skipped */
    CG_SPLIT_CONTAINER  /* a top-level object's own properties, with the
                           elements of its "objects" array left out */
};

/* One piece of the input, as the splitter hands it over. */
struct cg_split_piece {
    enum cg_split_kind kind;
    const char *text; /* OBJECT and CONTAINER; NULL for TOO_LARGE */
    size_t len;       /* bytes of text, or the element's size */
    long index;       /* 1-based number of the element in the input */
    uint64_t offset;  /* byte offset of the element's first byte */
    bool top_level;   /* a whole top-level value, not an element of an
                         array */
};

/* Receives each piece; a non-OK return stops the splitter with that code. */
typedef enum cg_err (*cg_split_fn)(const struct cg_split_piece *piece,
                                   void *data);

struct cg_splitter;

/*
 * Returns a new splitter in *out (free with cg_splitter_free). Elements
 * longer than max_object bytes are skipped and reported as TOO_LARGE.
 *
 * The input may be a bundle (each element of its top-level "objects"
 * array is one piece), a top-level array of objects, one object, or
 * several top-level values one after another (JSON Lines). A top-level
 * object without an "objects" array is itself one OBJECT piece.
 */
enum cg_err cg_splitter_new(size_t max_object,
                            struct cg_splitter **out) CG_WARN_UNUSED;

void cg_splitter_free(struct cg_splitter *splitter);

/*
 * Scans len more bytes of input, calling fn for each piece completed in
 * them. Fails with CG_ERR_PARSE, naming the byte offset, when a top-level
 * byte cannot start or continue a JSON value (nothing after that point is
 * read), with CG_ERR_NOMEM, or with fn's code.
 */
enum cg_err cg_splitter_feed(struct cg_splitter *splitter, const char *data,
                             size_t len, cg_split_fn fn, void *fn_data,
                             struct cg_error *err) CG_WARN_UNUSED;

/*
 * Ends the input. Fails with CG_ERR_PARSE when it stops inside a value (a
 * truncated file), naming the element and byte offset where it stopped.
 */
enum cg_err cg_splitter_end(struct cg_splitter *splitter,
                            struct cg_error *err) CG_WARN_UNUSED;

/* Bytes scanned so far. */
uint64_t cg_splitter_offset(const struct cg_splitter *splitter);

/* Top-level values begun so far: 0 for an input of only blanks. */
long cg_splitter_values(const struct cg_splitter *splitter);

/* ---- Validation ---- */

/* Size of the buffer that receives the reason an object is invalid. */
#define CG_STIX_REASON_SIZE 256

/*
 * Checks one object against the STIX 2.1 rules cipgraph enforces before
 * storing it, writing the first failure into reason:
 * - type matches the STIX type grammar and is not "bundle"; id is
 *   "<type>--<UUID>" with the same type;
 * - spec_version is "2.1" (required except on cyber observables);
 * - domain objects and relationships carry created and modified as
 *   millisecond timestamps, modified not before created;
 * - every top-level *_ref is an id, every *_refs a non-empty list of ids,
 *   created_by_ref names an identity and object_marking_refs markings;
 * - the required properties of each type cipgraph knows (observable
 *   value or number, indicator pattern, pattern_type and valid_from,
 *   relationship_type and both ends, location region/country/coordinates,
 *   and the others listed in import_validate.c).
 * Returns true when obj is valid.
 */
bool cg_stix_validate(const json_t *obj, char reason[CG_STIX_REASON_SIZE]);

/*
 * True when id is "<type>--<UUID>" (RFC 4122 variant, version 1 to 5) and,
 * when type is not NULL, its prefix is type.
 */
bool cg_stix_id_valid(const char *id, const char *type);

/*
 * True for an RFC 3339 UTC timestamp as STIX writes it,
 * "2024-05-01T10:00:00Z" with an optional fraction; with millis, at least
 * three fraction digits are required.
 */
bool cg_stix_timestamp_valid(const char *text, bool millis);

/* ---- Set of id hashes ---- */

/* Flags kept per id; the import loop and the store each use their own. */
#define CG_IDSET_SEEN     0x01 /* read from the input in this import */
#define CG_IDSET_REPORTED 0x02 /* a duplicate already reported */
#define CG_IDSET_STORED   0x04 /* known to be in the graph */
#define CG_IDSET_ALIASED  0x08 /* a given id replaced by a deterministic id */

/*
 * An open-addressing set of 64-bit hashes of STIX ids with a byte of flags
 * each: 9 bytes per slot, at most half full. NOTE: two different ids with
 * the same 64-bit hash share one entry; with n ids the chance of any such
 * pair is about n^2 / 2^65 (4e-7 for four million ids).
 */
struct cg_idset {
    uint64_t *keys; /* 0 marks an empty slot */
    uint8_t *flags;
    size_t cap; /* a power of two */
    size_t count;
};

void cg_idset_init(struct cg_idset *set);
void cg_idset_release(struct cg_idset *set);

/* Returns the flags of id, 0 when absent. */
uint8_t cg_idset_get(const struct cg_idset *set, const char *id);

/* Adds id when absent and sets flags on it; returns the previous flags. */
enum cg_err cg_idset_add(struct cg_idset *set, const char *id, uint8_t flags,
                         uint8_t *previous) CG_WARN_UNUSED;

/* ---- The import loop ---- */

enum cg_import_problem_kind {
    CG_IMPORT_INVALID,   /* not JSON, or fails cg_stix_validate; skipped */
    CG_IMPORT_TOO_LARGE, /* larger than max_object; skipped */
    CG_IMPORT_DUPLICATE, /* a second copy of an id; merged (a note) */
    CG_IMPORT_CONTAINER, /* a top-level container that is not a bundle */
    CG_IMPORT_TRUNCATED, /* the input ends inside a value */
    CG_IMPORT_SYNTAX,    /* a top-level byte that is not JSON; reading stops */
    CG_IMPORT_EMPTY      /* no JSON value at all, only blanks or nothing */
};

struct cg_import_problem {
    enum cg_import_problem_kind kind;
    long index;         /* the element's number in the input, or 0 */
    uint64_t offset;    /* its byte offset */
    const char *id;     /* the object's id when known, else NULL */
    const char *reason; /* what is wrong, in words */
};

struct cg_import_stats {
    long read;       /* elements found */
    long valid;      /* handed to put */
    long invalid;    /* including too-large elements */
    long duplicates; /* repeats of an id already read in this import */
    bool truncated;
    bool syntax_error;
    bool empty; /* the input contains no JSON value */
    uint64_t bytes;
};

struct cg_import_opts {
    size_t max_object; /* bytes; 0 for CG_IMPORT_MAX_OBJECT */
    /*
     * Stores one valid object (borrowed). duplicate is true when the id
     * was already read in this import. CG_ERR_STIX_INVALID rejects the
     * object: the loop reports it as invalid, with err's text as the
     * reason, and goes on. Any other non-OK return stops the import.
     */
    enum cg_err (*put)(void *data, const json_t *obj, bool duplicate,
                       struct cg_error *err);
    /* Receives each problem once; may be NULL. */
    void (*report)(void *data, const struct cg_import_problem *problem);
    void *data;
    struct cg_idset *ids; /* borrowed; the SEEN and REPORTED flags */
};

/*
 * Reads in to its end, validating each object and passing the valid ones
 * to opts->put. Invalid, oversized, duplicate and rejected objects, a
 * truncated end, top-level syntax errors and an empty input are reported
 * through opts->report and counted in stats, and are not errors: the call
 * returns CG_OK. A top-level bundle without "objects" contains no object
 * and is not reported. It fails only when reading fails (CG_ERR_IO), on
 * CG_ERR_NOMEM, or with put's error.
 */
enum cg_err cg_import_stream(FILE *in, const struct cg_import_opts *opts,
                             struct cg_import_stats *stats,
                             struct cg_error *err) CG_WARN_UNUSED;

/*
 * Validates one piece's text as cg_import_stream does: parses it (within
 * max_object bytes and CG_JSON_MAX_DEPTH levels) and checks it with
 * cg_stix_validate. Returns the object in *out (new reference) or NULL,
 * with the reason in reason. Exposed for the fuzz target.
 */
enum cg_err
cg_import_parse_object(const char *text, size_t len, size_t max_object,
                       json_t **out,
                       char reason[CG_STIX_REASON_SIZE]) CG_WARN_UNUSED;

#endif /* CG_STIX_IMPORT_H */
