/*
 * Streaming bundle and JSON Lines writer.
 */
#include "stix/writer.h"

#include "stix/id.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Same namespace as the object ids, so bundle ids look like theirs. */
static const unsigned char bundle_namespace[16] = {
    0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c,
    0x9c, 0x01, 0xfe, 0xd2, 0x33, 0x15, 0xa9, 0xb7};

enum cg_err cg_bundle_writer_begin(struct cg_bundle_writer *w, FILE *out,
                                   bool jsonl)
{
    EVP_MD_CTX *hash = EVP_MD_CTX_new();

    memset(w, 0, sizeof(*w));
    if (!hash)
        return CG_ERR_NOMEM;
    if (EVP_DigestInit_ex(hash, EVP_sha1(), NULL) != 1) {
        EVP_MD_CTX_free(hash);
        return CG_ERR_NOMEM;
    }
    w->out = out;
    w->hash = hash;
    w->jsonl = jsonl;
    if (!jsonl && fputs("{\"type\":\"bundle\",\"objects\":[", out) == EOF)
        w->failed = true;
    return w->failed ? CG_ERR_IO : CG_OK;
}

enum cg_err cg_bundle_writer_add_text(struct cg_bundle_writer *w,
                                      const char *id, const char *json_text)
{
    const char *sep = w->jsonl ? "" : (w->count ? ",\n" : "\n");

    EVP_DigestUpdate(w->hash, id, strlen(id) + 1);
    if (fputs(sep, w->out) == EOF || fputs(json_text, w->out) == EOF ||
        (w->jsonl && fputc('\n', w->out) == EOF))
        w->failed = true;
    w->count++;
    return w->failed ? CG_ERR_IO : CG_OK;
}

enum cg_err cg_bundle_writer_add(struct cg_bundle_writer *w, const json_t *obj)
{
    const char *id = json_string_value(json_object_get(obj, "id"));
    char *text;
    enum cg_err rc;

    text = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
    if (!text)
        return CG_ERR_NOMEM;
    rc = cg_bundle_writer_add_text(w, id ? id : "", text);
    free(text);
    return rc;
}

enum cg_err cg_bundle_writer_end(struct cg_bundle_writer *w)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    char uuid[37];

    if (!w->jsonl) {
        EVP_DigestFinal_ex(w->hash, digest, &len);
        for (unsigned int i = 0; i < len; i++)
            snprintf(hex + 2 * i, 3, "%02x", digest[i]);
        hex[2 * len] = '\0';
        cg_uuid5(bundle_namespace, hex, strlen(hex), uuid);
        if (fprintf(w->out, "\n],\"id\":\"bundle--%s\"}\n", uuid) < 0)
            w->failed = true;
    }
    if (fflush(w->out) == EOF)
        w->failed = true;
    EVP_MD_CTX_free(w->hash);
    w->hash = NULL;
    return w->failed ? CG_ERR_IO : CG_OK;
}

void cg_bundle_writer_abort(struct cg_bundle_writer *w)
{
    EVP_MD_CTX_free(w->hash);
    w->hash = NULL;
}
