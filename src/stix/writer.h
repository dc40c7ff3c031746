/*
 * Streaming output of STIX objects, either as one bundle document or as
 * JSON Lines (one object per line), so that exporting a large graph needs
 * memory for one object at a time. The bundle id is a UUIDv5 of the object
 * ids in output order, so the same objects always give the same document;
 * it is written after the objects because it is only known at the end.
 */
#ifndef CG_STIX_WRITER_H
#define CG_STIX_WRITER_H

#include <jansson.h>
#include <stdio.h>

#include "core/buf.h"
#include "core/err.h"

/*
 * Appends v to out as compact JSON with object keys in byte order: the
 * same text as json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS), so that a
 * stored body has one form whichever of the two wrote it. Reals are
 * formatted by jansson itself. Unlike json_dumps it writes runs of plain
 * bytes at once and skips jansson's cycle check, which makes it several
 * times faster on STIX objects. Fails with CG_ERR_INVALID on a string or
 * key that is not valid UTF-8 (json_dumps fails there too), CG_ERR_TOO_DEEP
 * past CG_JSON_DUMP_MAX_DEPTH levels of nesting (which also stops a cyclic
 * value) and CG_ERR_NOMEM. On failure out may hold part of the text.
 */
enum cg_err cg_json_dump_sorted(const json_t *v,
                                struct cg_buf *out) CG_WARN_UNUSED;

/* Nesting limit of cg_json_dump_sorted: jansson's parser limit, so that
 * anything json_loads accepts can be written back. */
#define CG_JSON_DUMP_MAX_DEPTH 2048

struct cg_bundle_writer {
    FILE *out;
    void *hash; /* EVP_MD_CTX over the object ids */
    size_t count;
    bool jsonl;
    bool failed;
};

/* Starts a document on out (borrowed; must outlive the writer). */
enum cg_err cg_bundle_writer_begin(struct cg_bundle_writer *w, FILE *out,
                                   bool jsonl) CG_WARN_UNUSED;

/* Writes one object with sorted keys. Borrows obj. */
enum cg_err cg_bundle_writer_add(struct cg_bundle_writer *w,
                                 const json_t *obj) CG_WARN_UNUSED;

/*
 * Writes one object that is already serialised as compact JSON (as the
 * store keeps it), without parsing it again. id must be the object's id.
 */
enum cg_err cg_bundle_writer_add_text(struct cg_bundle_writer *w,
                                      const char *id,
                                      const char *json_text) CG_WARN_UNUSED;

/*
 * Closes the document and releases the writer. Returns CG_ERR_IO when any
 * write failed, including this one.
 */
enum cg_err cg_bundle_writer_end(struct cg_bundle_writer *w) CG_WARN_UNUSED;

/* Frees the writer without closing the document, after an error. */
void cg_bundle_writer_abort(struct cg_bundle_writer *w);

#endif /* CG_STIX_WRITER_H */
