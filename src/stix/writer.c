/*
 * Streaming bundle and JSON Lines writer, and the compact sorted-key JSON
 * serialiser that both the writer and the graph store use for objects.
 */
#include "stix/writer.h"

#include "stix/id.h"

#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Objects with at most this many keys are sorted on the stack. */
#define SMALL_OBJECT_KEYS 32

struct object_member {
    const char *key;
    size_t len;
    json_t *value;
};

/*
 * Appends n bytes to out. The many small appends of a serialisation take
 * the inline path when out has room, which skips cg_buf_append's growth
 * and limit checks; it relies on the fields struct cg_buf documents (cap
 * counts the terminating NUL).
 */
static inline enum cg_err put(struct cg_buf *out, const char *s, size_t n)
{
    if (out->data && out->max == 0 && n < out->cap - out->len) {
        memcpy(out->data + out->len, s, n);
        out->len += n;
        out->data[out->len] = '\0';
        return CG_OK;
    }
    return cg_buf_append(out, s, n);
}

/* True for the bytes json_dumps copies as they are: printable ASCII other
 * than the quote and the backslash. */
static inline bool is_plain(unsigned char c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/* Writes the escape of one ASCII byte as json_dumps does: short forms for
 * the usual controls, \u00XX with upper-case hex for the others. */
static enum cg_err dump_escape(unsigned char c, struct cg_buf *out)
{
    static const char hex[] = "0123456789ABCDEF";
    char seq[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};

    switch (c) {
    case '"':
        return put(out, "\\\"", 2);
    case '\\':
        return put(out, "\\\\", 2);
    case '\b':
        return put(out, "\\b", 2);
    case '\f':
        return put(out, "\\f", 2);
    case '\n':
        return put(out, "\\n", 2);
    case '\r':
        return put(out, "\\r", 2);
    case '\t':
        return put(out, "\\t", 2);
    default:
        return put(out, seq, sizeof(seq));
    }
}

/*
 * Returns the index of the first byte from i on that is not plain (or
 * len). Tests eight bytes per step: a word has such a byte when one of its
 * bytes is below 0x20, equal to '"' or '\\', or has the high bit set,
 * which the usual "has a zero byte" bit trick finds without a branch per
 * byte.
 */
static size_t skip_plain(const unsigned char *s, size_t i, size_t len)
{
    const uint64_t ones = 0x0101010101010101ULL;
    const uint64_t highs = 0x8080808080808080ULL;

    while (len - i >= 8) {
        uint64_t x;
        uint64_t quote;
        uint64_t backslash;

        memcpy(&x, s + i, 8);
        quote = x ^ (ones * '"');
        backslash = x ^ (ones * '\\');
        if ((((x - ones * 0x20) & ~x) | ((quote - ones) & ~quote) |
             ((backslash - ones) & ~backslash) | x) &
            highs)
            break;
        i += 8;
    }
    while (i < len && is_plain(s[i]))
        i++;
    return i;
}

static enum cg_err dump_string(const char *text, size_t len, struct cg_buf *out)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t start = 0;
    size_t i = 0;
    enum cg_err rc = put(out, "\"", 1);

    while (rc == CG_OK && i < len) {
        unsigned char c;
        size_t n;

        i = skip_plain(s, i, len);
        if (i == len)
            break;
        c = s[i];
        if (c >= 0x80) {
            n = cg_utf8_char_len(s + i, len - i);
            if (n == 0)
                return CG_ERR_INVALID;
            i += n;
            continue;
        }
        rc = put(out, text + start, i - start);
        if (rc == CG_OK)
            rc = dump_escape(c, out);
        start = ++i;
    }
    if (rc == CG_OK)
        rc = put(out, text + start, len - start);
    return rc == CG_OK ? put(out, "\"", 1) : rc;
}

static enum cg_err dump_integer(json_int_t value, struct cg_buf *out)
{
    char digits[24];
    size_t at = sizeof(digits);
    /* The magnitude as unsigned, so that the most negative value works. */
    unsigned long long left = value < 0 ? 0ULL - (unsigned long long)value
                                        : (unsigned long long)value;

    do {
        digits[--at] = (char)('0' + left % 10);
        left /= 10;
    } while (left);
    if (value < 0)
        digits[--at] = '-';
    return put(out, digits + at, sizeof(digits) - at);
}

/* Reals go through jansson, whose format depends on how it was built. */
static enum cg_err dump_real(const json_t *v, struct cg_buf *out)
{
    char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    enum cg_err rc;

    if (!text)
        return CG_ERR_NOMEM;
    rc = put(out, text, strlen(text));
    free(text);
    return rc;
}

/* Byte order of keys, shorter first on a tie; jansson's order too. */
static int compare_members(const void *a, const void *b)
{
    const struct object_member *x = a;
    const struct object_member *y = b;
    int cmp = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);

    if (cmp)
        return cmp;
    return x->len < y->len ? -1 : x->len > y->len;
}

static void sort_members(struct object_member *members, size_t n)
{
    if (n > SMALL_OBJECT_KEYS) {
        qsort(members, n, sizeof(*members), compare_members);
        return;
    }
    /* Insertion sort: STIX objects have a handful of keys. */
    for (size_t i = 1; i < n; i++) {
        struct object_member member = members[i];
        size_t j = i;

        while (j > 0 && compare_members(&members[j - 1], &member) > 0) {
            members[j] = members[j - 1];
            j--;
        }
        members[j] = member;
    }
}

static enum cg_err dump_value(const json_t *v, struct cg_buf *out, int depth);

static enum cg_err dump_object(const json_t *v, struct cg_buf *out, int depth)
{
    struct object_member stack[SMALL_OBJECT_KEYS];
    struct object_member *members = stack;
    size_t n = json_object_size(v);
    size_t i = 0;
    enum cg_err rc;

    if (n > SMALL_OBJECT_KEYS) {
        members = malloc(n * sizeof(*members));
        if (!members)
            return CG_ERR_NOMEM;
    }
    for (void *it = json_object_iter((json_t *)v); it && i < n;
         it = json_object_iter_next((json_t *)v, it)) {
        members[i].key = json_object_iter_key(it);
        members[i].len = json_object_iter_key_len(it);
        members[i].value = json_object_iter_value(it);
        i++;
    }
    sort_members(members, i);
    rc = put(out, "{", 1);
    for (size_t k = 0; k < i && rc == CG_OK; k++) {
        if (k)
            rc = put(out, ",", 1);
        if (rc == CG_OK)
            rc = dump_string(members[k].key, members[k].len, out);
        if (rc == CG_OK)
            rc = put(out, ":", 1);
        if (rc == CG_OK)
            rc = dump_value(members[k].value, out, depth + 1);
    }
    if (members != stack)
        free(members);
    return rc == CG_OK ? put(out, "}", 1) : rc;
}

static enum cg_err dump_value(const json_t *v, struct cg_buf *out, int depth)
{
    enum cg_err rc;

    if (depth > CG_JSON_DUMP_MAX_DEPTH)
        return CG_ERR_TOO_DEEP;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return dump_object(v, out, depth);
    case JSON_ARRAY:
        rc = put(out, "[", 1);
        for (size_t i = 0; i < json_array_size(v) && rc == CG_OK; i++) {
            if (i)
                rc = put(out, ",", 1);
            if (rc == CG_OK)
                rc = dump_value(json_array_get(v, i), out, depth + 1);
        }
        return rc == CG_OK ? put(out, "]", 1) : rc;
    case JSON_STRING:
        return dump_string(json_string_value(v), json_string_length(v), out);
    case JSON_INTEGER:
        return dump_integer(json_integer_value(v), out);
    case JSON_REAL:
        return dump_real(v, out);
    case JSON_TRUE:
        return put(out, "true", 4);
    case JSON_FALSE:
        return put(out, "false", 5);
    case JSON_NULL:
        return put(out, "null", 4);
    }
    return CG_ERR_INVALID;
}

enum cg_err cg_json_dump_sorted(const json_t *v, struct cg_buf *out)
{
    if (!v)
        return CG_ERR_INVALID;
    return dump_value(v, out, 0);
}

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
    struct cg_buf text = CG_BUF_INIT;
    enum cg_err rc = cg_json_dump_sorted(obj, &text);

    if (rc == CG_OK)
        rc = cg_bundle_writer_add_text(w, id ? id : "", cg_buf_str(&text));
    cg_buf_release(&text);
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
