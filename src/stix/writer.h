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

#include "core/err.h"

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
