/*
 * libFuzzer target for STIX import: the input is fed to the streaming
 * splitter in two chunks cut at a point chosen by its first byte, and
 * every object piece is parsed and validated as cg_import_stream does. It
 * checks that each piece lies inside the input, stays within the size
 * limit, and that splitting does not depend on where the chunks are cut.
 * The deterministic id the store gives a valid object must be a valid id
 * of its type.
 */
#include "stix/id.h"
#include "stix/import.h"
#include "stix/object.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A small limit, so that the too-large path is reached often. */
#define FUZZ_MAX_OBJECT 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct tally {
    const char *input;
    size_t size;
    long pieces;
    uint64_t offsets_sum;
};

static void check_deterministic_id(const json_t *obj)
{
    const char *type = cg_stix_get_type(obj);
    char id[CG_STIX_ID_SIZE];
    bool found = false;
    enum cg_err rc = cg_stix_id_of(obj, id, &found);

    if (rc != CG_OK && rc != CG_ERR_NOMEM)
        abort(); /* the store would stop the whole import on this object */
    if (found && !cg_stix_id_valid(id, type))
        abort();
}

static enum cg_err check_piece(const struct cg_split_piece *piece, void *data)
{
    struct tally *t = data;
    char reason[CG_STIX_REASON_SIZE];
    json_t *obj = NULL;

    t->pieces++;
    t->offsets_sum += piece->offset;
    if (piece->offset > t->size)
        abort();
    if (piece->kind != CG_SPLIT_OBJECT)
        return CG_OK;
    if (piece->len > FUZZ_MAX_OBJECT || piece->text[piece->len] != '\0')
        abort();
    if (cg_import_parse_object(piece->text, piece->len, FUZZ_MAX_OBJECT, &obj,
                               reason) != CG_OK)
        return CG_OK;
    if (obj && !cg_stix_validate(obj, reason))
        abort(); /* parse_object returned an object that fails validation */
    if (!obj && reason[0] == '\0')
        abort(); /* rejected without a reason */
    if (obj)
        check_deterministic_id(obj);
    json_decref(obj);
    return CG_OK;
}

/* Splits the input in two chunks cut at cut; returns the end's result. */
static enum cg_err split(const uint8_t *data, size_t size, size_t cut,
                         struct tally *t)
{
    struct cg_splitter *s = NULL;
    struct cg_error err;
    enum cg_err rc;

    memset(t, 0, sizeof(*t));
    t->input = (const char *)data;
    t->size = size;
    if (cg_splitter_new(FUZZ_MAX_OBJECT, &s) != CG_OK)
        return CG_ERR_NOMEM;
    rc = cg_splitter_feed(s, (const char *)data, cut, check_piece, t, &err);
    if (rc == CG_OK)
        rc = cg_splitter_feed(s, (const char *)data + cut, size - cut,
                              check_piece, t, &err);
    if (rc == CG_OK)
        rc = cg_splitter_end(s, &err);
    cg_splitter_free(s);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tally whole;
    struct tally parts;
    enum cg_err rc_whole;
    enum cg_err rc_parts;

    if (size == 0)
        return 0;
    rc_whole = split(data, size, size, &whole);
    rc_parts = split(data, size, data[0] % size, &parts);
    if (rc_whole != rc_parts || whole.pieces != parts.pieces ||
        whole.offsets_sum != parts.offsets_sum)
        abort();
    return 0;
}
