/*
 * Canonical JSON and UUIDv5 for deterministic STIX ids. SHA-1 comes from
 * OpenSSL's libcrypto through the EVP interface.
 */
#include "stix/id.h"

#include "stix/lower_table.h"

#include <math.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 00abedb4-aa42-466c-9c01-fed23315a9b7, the OASIS and OpenCTI namespace. */
static const unsigned char stix_namespace[16] = {
    0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c,
    0x9c, 0x01, 0xfe, 0xd2, 0x33, 0x15, 0xa9, 0xb7};

size_t cg_utf8_char_len(const unsigned char *s, size_t left)
{
    unsigned char c = s[0];
    uint32_t cp;
    size_t n;

    if (c < 0x80)
        return 1;
    if (c < 0xC2 || c > 0xF4)
        return 0;
    if (c < 0xE0)
        n = 2;
    else if (c < 0xF0)
        n = 3;
    else
        n = 4;
    if (n > left)
        return 0;
    cp = c & (0x7Fu >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3Fu);
    }
    if (n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)))
        return 0;
    if (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))
        return 0;
    return n;
}

static bool utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;

    for (size_t i = 0; i < len;) {
        size_t n = p[i] < 0x80 ? 1 : cg_utf8_char_len(p + i, len - i);

        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

/* The escape of a byte that canonical JSON escapes, or NULL. */
static const char *escape_of(unsigned char c, char seq[7])
{
    switch (c) {
    case '"':
        return "\\\"";
    case '\\':
        return "\\\\";
    case '\b':
        return "\\b";
    case '\f':
        return "\\f";
    case '\n':
        return "\\n";
    case '\r':
        return "\\r";
    case '\t':
        return "\\t";
    default:
        if (c >= 0x20)
            return NULL;
        snprintf(seq, 7, "\\u%04x", c);
        return seq;
    }
}

static enum cg_err canonical_string(const char *s, size_t len,
                                    struct cg_buf *out)
{
    enum cg_err rc = cg_buf_putc(out, '"');
    size_t start = 0;

    /* Copy runs of bytes that need no escape in one append each. */
    for (size_t i = 0; i < len && rc == CG_OK; i++) {
        char seq[7];
        const char *escape = escape_of((unsigned char)s[i], seq);

        if (!escape)
            continue;
        rc = cg_buf_append(out, s + start, i - start);
        if (rc == CG_OK)
            rc = cg_buf_puts(out, escape);
        start = i + 1;
    }
    if (rc == CG_OK)
        rc = cg_buf_append(out, s + start, len - start);
    return rc == CG_OK ? cg_buf_putc(out, '"') : rc;
}

/* Shortest decimal that reads back as the same double. */
static enum cg_err canonical_real(double d, struct cg_buf *out)
{
    char text[40];

    if (!isfinite(d))
        return CG_ERR_INVALID;
    if (d == floor(d) && fabs(d) < 1e21)
        return cg_buf_printf(out, "%.0f", d);
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(text, sizeof(text), "%.*g", precision, d);
        if (strtod(text, NULL) == d)
            break;
    }
    return cg_buf_puts(out, text);
}

static int compare_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static enum cg_err canonical_object(const json_t *v, struct cg_buf *out)
{
    size_t n = json_object_size(v);
    const char **keys = NULL;
    const char *key;
    const json_t *value;
    size_t i = 0;
    enum cg_err rc;

    if (n) {
        keys = malloc(n * sizeof(*keys));
        if (!keys)
            return CG_ERR_NOMEM;
    }
    json_object_foreach((json_t *)v, key, value) {
        keys[i++] = key;
    }
    qsort(keys, n, sizeof(*keys), compare_keys);
    rc = cg_buf_putc(out, '{');
    for (i = 0; i < n && rc == CG_OK; i++) {
        if (i)
            rc = cg_buf_putc(out, ',');
        if (rc == CG_OK)
            rc = canonical_string(keys[i], strlen(keys[i]), out);
        if (rc == CG_OK)
            rc = cg_buf_putc(out, ':');
        if (rc == CG_OK)
            rc = cg_json_canonical(json_object_get(v, keys[i]), out);
    }
    free(keys);
    return rc == CG_OK ? cg_buf_putc(out, '}') : rc;
}

enum cg_err cg_json_canonical(const json_t *v, struct cg_buf *out)
{
    enum cg_err rc;

    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return canonical_object(v, out);
    case JSON_ARRAY:
        rc = cg_buf_putc(out, '[');
        for (size_t i = 0; i < json_array_size(v) && rc == CG_OK; i++) {
            if (i)
                rc = cg_buf_putc(out, ',');
            if (rc == CG_OK)
                rc = cg_json_canonical(json_array_get(v, i), out);
        }
        return rc == CG_OK ? cg_buf_putc(out, ']') : rc;
    case JSON_STRING:
        return canonical_string(json_string_value(v), json_string_length(v),
                                out);
    case JSON_INTEGER:
        return cg_buf_printf(out, "%lld", (long long)json_integer_value(v));
    case JSON_REAL:
        return canonical_real(json_real_value(v), out);
    case JSON_TRUE:
        return cg_buf_puts(out, "true");
    case JSON_FALSE:
        return cg_buf_puts(out, "false");
    case JSON_NULL:
        return cg_buf_puts(out, "null");
    }
    return CG_ERR_INVALID;
}

/*
 * SHA-1, fetched from the default provider once per process. Passing
 * EVP_sha1() to EVP_DigestInit_ex instead makes OpenSSL 3 look the
 * algorithm up again on every call, which costs more than hashing an id.
 */
static EVP_MD *sha1_fetched;
static pthread_once_t sha1_once = PTHREAD_ONCE_INIT;

static void fetch_sha1(void)
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    sha1_fetched = EVP_MD_fetch(NULL, "SHA1", NULL);
#endif
}

static const EVP_MD *sha1(void)
{
    pthread_once(&sha1_once, fetch_sha1);
    return sha1_fetched ? sha1_fetched : EVP_sha1();
}

void cg_uuid5(const unsigned char ns[16], const char *name, size_t len,
              char out[37])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    char *p = out;

    memset(digest, 0, sizeof(digest));
    if (ctx && EVP_DigestInit_ex(ctx, sha1(), NULL) == 1 &&
        EVP_DigestUpdate(ctx, ns, 16) == 1 &&
        EVP_DigestUpdate(ctx, name, len) == 1)
        EVP_DigestFinal_ex(ctx, digest, &digest_len);
    EVP_MD_CTX_free(ctx);

    digest[6] = (unsigned char)((digest[6] & 0x0F) | 0x50);
    digest[8] = (unsigned char)((digest[8] & 0x3F) | 0x80);
    /* 8-4-4-4-12 lower-case hex digits of the first 16 bytes. */
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[digest[i] >> 4];
        *p++ = hex[digest[i] & 0xF];
    }
    *p = '\0';
}

enum cg_err cg_stix_id(const char *type, const json_t *props,
                       char out[CG_STIX_ID_SIZE])
{
    struct cg_buf text = CG_BUF_INIT;
    char uuid[37];
    enum cg_err rc;

    if (strlen(type) + 2 + 36 >= CG_STIX_ID_SIZE)
        return CG_ERR_INVALID;
    rc = cg_json_canonical(props, &text);
    if (rc == CG_OK) {
        cg_uuid5(stix_namespace, cg_buf_str(&text), text.len, uuid);
        snprintf(out, CG_STIX_ID_SIZE, "%s--%s", type, uuid);
    }
    cg_buf_release(&text);
    return rc;
}

/* Decodes one UTF-8 sequence; returns its length, or 0 when invalid. */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80) {
        *cp = (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
        return 2;
    }
    if ((s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 &&
        (s[2] & 0xC0) == 0x80) {
        *cp = (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 |
              (s[2] & 0x3F);
        return 3;
    }
    if ((s[0] & 0xF8) == 0xF0 && (s[1] & 0xC0) == 0x80 &&
        (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80) {
        *cp = (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
              (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
        return 4;
    }
    return 0;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Python's str.lower() for one code point that maps to one code point. */
static uint32_t lower_codepoint(uint32_t cp)
{
    size_t low = 0;
    size_t high = CG_ARRAY_LEN(cg_lower_pairs);

    if (cp < 0x80)
        return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
    while (low < high) {
        size_t mid = (low + high) / 2;

        if (cg_lower_pairs[mid][0] == cp)
            return cg_lower_pairs[mid][1];
        if (cg_lower_pairs[mid][0] < cp)
            low = mid + 1;
        else
            high = mid;
    }
    return cp;
}

/* Python's str.isspace(). */
static bool is_space(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20);
    for (size_t i = 0; i < CG_ARRAY_LEN(cg_space_points); i++) {
        if (cg_space_points[i] == cp)
            return true;
    }
    return false;
}

/* A letter for the final-sigma rule: anything that changes case or is a
 * letter of a caseless script is approximated as "not space, not ASCII
 * punctuation or digit". */
static bool is_word_char(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    return !is_space(cp);
}

/*
 * Lower-cases like Python 3's str.lower(), including U+0130 (to "i" and
 * U+0307) and the final-sigma rule (U+03A3 at the end of a word becomes
 * U+03C2), then strips like str.strip(). Invalid UTF-8 bytes are copied
 * unchanged.
 */
char *cg_stix_name_key(const char *text)
{
    size_t len = strlen(text);
    char *out = malloc(2 * len + 1);
    const unsigned char *p = (const unsigned char *)text;
    size_t used = 0;
    size_t start;
    uint32_t previous = ' ';

    if (!out)
        return NULL;
    while (*p) {
        uint32_t cp;
        uint32_t next = 0;
        size_t n = utf8_decode(p, &cp);

        if (n == 0) {
            out[used++] = (char)*p++;
            previous = 0xFFFD;
            continue;
        }
        if (p[n])
            utf8_decode(p + n, &next);
        if (cp == 0x130) {
            out[used++] = 'i';
            used += utf8_encode(0x307, out + used);
        } else if (cp == 0x3A3 && is_word_char(previous) &&
                   !(next && is_word_char(next))) {
            used += utf8_encode(0x3C2, out + used);
        } else {
            used += utf8_encode(lower_codepoint(cp), out + used);
        }
        previous = cp;
        p += n;
    }
    out[used] = '\0';

    /* str.strip(): leading and trailing whitespace, Unicode included. */
    start = 0;
    while (out[start]) {
        uint32_t cp;
        size_t n = utf8_decode((const unsigned char *)out + start, &cp);

        if (n == 0 || !is_space(cp))
            break;
        start += n;
    }
    while (used > start) {
        size_t back = used - 1;
        uint32_t cp;

        while (back > start && ((unsigned char)out[back] & 0xC0) == 0x80)
            back--;
        if (utf8_decode((const unsigned char *)out + back, &cp) == 0 ||
            !is_space(cp))
            break;
        used = back;
    }
    memmove(out, out + start, used - start);
    out[used - start] = '\0';
    return out;
}

/*
 * Computes the id of {k1: v1, ...} from string pairs, skipping NULL
 * values, by writing the canonical JSON directly: the same text as
 * cg_json_canonical on the equivalent jansson object, without building
 * one. Keys are ASCII literals. A value that is not valid UTF-8 fails
 * with CG_ERR_NOMEM, as json_string refusing it did when ids were built
 * through jansson.
 */
static enum cg_err id_from_strings(const char *type, char out[CG_STIX_ID_SIZE],
                                   size_t pairs, const char *const *kv)
{
    size_t order[8];
    size_t count = 0;
    struct cg_buf text = CG_BUF_INIT;
    char uuid[37];
    enum cg_err rc;

    if (pairs > CG_ARRAY_LEN(order) || strlen(type) + 2 + 36 >= CG_STIX_ID_SIZE)
        return CG_ERR_INVALID;
    /* Insertion sort of the present pairs by key. */
    for (size_t i = 0; i < pairs; i++) {
        size_t j = count;

        if (!kv[2 * i + 1])
            continue;
        if (!utf8_valid(kv[2 * i + 1], strlen(kv[2 * i + 1])))
            return CG_ERR_NOMEM;
        while (j > 0 && strcmp(kv[2 * order[j - 1]], kv[2 * i]) > 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
        count++;
    }
    rc = cg_buf_putc(&text, '{');
    for (size_t i = 0; i < count && rc == CG_OK; i++) {
        const char *key = kv[2 * order[i]];
        const char *value = kv[2 * order[i] + 1];

        if (i)
            rc = cg_buf_putc(&text, ',');
        if (rc == CG_OK)
            rc = canonical_string(key, strlen(key), &text);
        if (rc == CG_OK)
            rc = cg_buf_putc(&text, ':');
        if (rc == CG_OK)
            rc = canonical_string(value, strlen(value), &text);
    }
    if (rc == CG_OK)
        rc = cg_buf_putc(&text, '}');
    if (rc == CG_OK) {
        cg_uuid5(stix_namespace, cg_buf_str(&text), text.len, uuid);
        snprintf(out, CG_STIX_ID_SIZE, "%s--%s", type, uuid);
    }
    cg_buf_release(&text);
    return rc;
}

enum cg_err cg_stix_id_value(const char *type, const char *value,
                             char out[CG_STIX_ID_SIZE])
{
    const char *kv[] = {"value", value};

    return id_from_strings(type, out, 1, kv);
}

enum cg_err cg_stix_id_named(const char *type, const char *name,
                             char out[CG_STIX_ID_SIZE])
{
    char *key = cg_stix_name_key(name);
    const char *kv[] = {"name", key};
    enum cg_err rc;

    if (!key)
        return CG_ERR_NOMEM;
    rc = id_from_strings(type, out, 1, kv);
    free(key);
    return rc;
}

enum cg_err cg_stix_id_asn(long long number, char out[CG_STIX_ID_SIZE])
{
    json_t *props = json_pack("{sI}", "number", (json_int_t)number);
    enum cg_err rc;

    if (!props)
        return CG_ERR_NOMEM;
    rc = cg_stix_id("autonomous-system", props, out);
    json_decref(props);
    return rc;
}

enum cg_err cg_stix_id_location(const char *name, const char *location_type,
                                char out[CG_STIX_ID_SIZE])
{
    char *key = cg_stix_name_key(name);
    const char *kv[] = {"name", key, "x_opencti_location_type", location_type};
    enum cg_err rc;

    if (!key)
        return CG_ERR_NOMEM;
    rc = id_from_strings("location", out, 2, kv);
    free(key);
    return rc;
}

enum cg_err cg_stix_id_identity(const char *name, const char *identity_class,
                                char out[CG_STIX_ID_SIZE])
{
    char *key = cg_stix_name_key(name);
    char *class_key = cg_stix_name_key(identity_class);
    const char *kv[] = {"name", key, "identity_class", class_key};
    enum cg_err rc = CG_ERR_NOMEM;

    if (key && class_key)
        rc = id_from_strings("identity", out, 2, kv);
    free(key);
    free(class_key);
    return rc;
}

enum cg_err cg_stix_id_indicator(const char *pattern, char out[CG_STIX_ID_SIZE])
{
    char *key = cg_stix_name_key(pattern);
    enum cg_err rc;
    const char *kv[2] = {"pattern", NULL};
    size_t start;
    size_t len;

    /* pattern.strip() only: the case is kept, so copy and trim. */
    if (!key)
        return CG_ERR_NOMEM;
    start = strspn(pattern, " \t\n\r\f\v");
    len = strlen(pattern + start);
    while (len && strchr(" \t\n\r\f\v", pattern[start + len - 1]))
        len--;
    memcpy(key, pattern + start, len);
    key[len] = '\0';
    kv[1] = key;
    rc = id_from_strings("indicator", out, 1, kv);
    free(key);
    return rc;
}

enum cg_err cg_stix_id_attack_pattern(const char *mitre_id,
                                      char out[CG_STIX_ID_SIZE])
{
    const char *kv[] = {"x_mitre_id", mitre_id};

    return id_from_strings("attack-pattern", out, 1, kv);
}

enum cg_err cg_stix_id_relationship(const char *type, const char *source,
                                    const char *target,
                                    char out[CG_STIX_ID_SIZE])
{
    const char *kv[] = {"relationship_type", type,  "source_ref", source,
                        "target_ref",        target};

    return id_from_strings("relationship", out, 3, kv);
}

enum cg_err cg_stix_id_software(const char *name, const char *vendor,
                                const char *version, const char *cpe,
                                char out[CG_STIX_ID_SIZE])
{
    const char *kv[] = {"name",    name,    "vendor", vendor,
                        "version", version, "cpe",    cpe};

    return id_from_strings("software", out, 4, kv);
}

enum cg_err cg_stix_id_seeded(const char *type, const json_t *seed,
                              char out[CG_STIX_ID_SIZE])
{
    return cg_stix_id(type, seed, out);
}

/*
 * The id-contributing properties of each observable type, from
 * python-stix2's _id_contributing_properties (stix2/v21/observables.py).
 * Types without an entry, such as process, get a random UUIDv4 id there.
 */
struct contributing {
    const char *type;
    const char *keys[9]; /* NULL-terminated */
};

static const struct contributing contributing_props[] = {
    {"artifact", {"hashes", "payload_bin"}},
    {"autonomous-system", {"number"}},
    {"directory", {"path"}},
    {"domain-name", {"value"}},
    {"email-addr", {"value"}},
    {"email-message", {"from_ref", "subject", "body"}},
    {"file", {"hashes", "name", "extensions", "parent_directory_ref"}},
    {"ipv4-addr", {"value"}},
    {"ipv6-addr", {"value"}},
    {"mac-addr", {"value"}},
    {"mutex", {"name"}},
    {"network-traffic",
     {"start", "end", "src_ref", "dst_ref", "src_port", "dst_port", "protocols",
      "extensions"}},
    {"software", {"name", "cpe", "swid", "vendor", "version"}},
    {"url", {"value"}},
    {"user-account", {"account_type", "user_id", "account_login"}},
    {"windows-registry-key", {"key", "values"}},
    {"x509-certificate", {"hashes", "serial_number"}},
};

/*
 * The one hash python-stix2's _choose_one_hash keeps: MD5, else SHA-1,
 * else SHA-256, else SHA-512, else the first key in document order.
 * Returns a new {"<algorithm>": "<hash>"} object, or NULL when hashes is
 * not a non-empty object.
 */
static json_t *choose_one_hash(const json_t *hashes)
{
    static const char *const preferred[] = {"MD5", "SHA-1", "SHA-256",
                                            "SHA-512"};
    const char *key = NULL;
    const json_t *value = NULL;

    if (!json_is_object(hashes) || json_object_size(hashes) == 0)
        return NULL;
    for (size_t i = 0; i < CG_ARRAY_LEN(preferred) && !value; i++) {
        value = json_object_get(hashes, preferred[i]);
        key = preferred[i];
    }
    if (!value) {
        void *first = json_object_iter((json_t *)hashes);

        key = json_object_iter_key(first);
        value = json_object_iter_value(first);
    }
    return json_pack("{sO}", key, (json_t *)value);
}

/* Returns a new object with the id-contributing properties of the
 * observable obj, per contributing_props, or NULL in *props. */
static enum cg_err observable_props(const json_t *obj, const char *type,
                                    json_t **props)
{
    const struct contributing *entry = NULL;
    json_t *out;

    for (size_t i = 0; i < CG_ARRAY_LEN(contributing_props); i++) {
        if (strcmp(type, contributing_props[i].type) == 0)
            entry = &contributing_props[i];
    }
    if (!entry)
        return CG_OK;
    out = json_object();
    if (!out)
        return CG_ERR_NOMEM;
    for (const char *const *key = entry->keys; *key; key++) {
        const json_t *value = json_object_get(obj, *key);
        json_t *copy;

        if (!value)
            continue;
        if (strcmp(*key, "hashes") == 0) {
            /* Empty or malformed hashes contribute nothing. */
            copy = choose_one_hash(value);
            if (!copy)
                continue;
        } else {
            copy = json_deep_copy(value);
        }
        if (!copy || json_object_set_new(out, *key, copy) != 0) {
            json_decref(out);
            return CG_ERR_NOMEM;
        }
    }
    /* OpenCTI names a certificate without hashes or serial number by its
     * subject, and cg_stix_x509_certificate does the same. */
    if (json_object_size(out) == 0 && strcmp(type, "x509-certificate") == 0 &&
        json_is_string(json_object_get(obj, "subject")) &&
        json_object_set(out, "subject", json_object_get(obj, "subject"))) {
        json_decref(out);
        return CG_ERR_NOMEM;
    }
    *props = out;
    return CG_OK;
}

/* Sets out[key] to a new string, or to the lower-cased, trimmed name key
 * of text when name_key. Returns non-zero on allocation failure. */
static int set_text(json_t *out, const char *key, const char *text,
                    bool name_key)
{
    char *lowered = name_key ? cg_stix_name_key(text) : NULL;
    int failed;

    if (name_key && !lowered)
        return -1;
    failed =
        json_object_set_new(out, key, json_string(lowered ? lowered : text));
    free(lowered);
    return failed;
}

/* A copy of text without leading and trailing blanks, as Python's
 * str.strip() removes them for ASCII. Returns NULL on allocation
 * failure. */
static char *strip_copy(const char *text)
{
    size_t start = strspn(text, " \t\n\r\f\v");
    size_t len = strlen(text + start);
    char *copy;

    while (len && strchr(" \t\n\r\f\v", text[start + len - 1]))
        len--;
    copy = malloc(len + 1);
    if (copy) {
        memcpy(copy, text + start, len);
        copy[len] = '\0';
    }
    return copy;
}

static int set_stripped(json_t *out, const char *key, const char *text)
{
    char *stripped = strip_copy(text);
    int failed =
        stripped ? json_object_set_new(out, key, json_string(stripped)) : -1;

    free(stripped);
    return failed;
}

/* Domain objects whose pycti id is {"name": lower and trimmed name}. */
static bool named_by_name(const char *type)
{
    static const char *const types[] = {"campaign",      "infrastructure",
                                        "intrusion-set", "malware",
                                        "tool",          "vulnerability"};

    for (size_t i = 0; i < CG_ARRAY_LEN(types); i++) {
        if (strcmp(type, types[i]) == 0)
            return true;
    }
    return false;
}

/* The pycti generate_id properties of a domain object or relationship
 * into out; leaves out empty when no rule applies. Returns non-zero on
 * allocation failure. */
static int pycti_props(const json_t *obj, const char *type, json_t *out)
{
    const char *name = json_string_value(json_object_get(obj, "name"));
    const char *text;

    if (named_by_name(type))
        return name ? set_text(out, "name", name, true) : 0;
    if (strcmp(type, "indicator") == 0) {
        text = json_string_value(json_object_get(obj, "pattern"));
        return text ? set_stripped(out, "pattern", text) : 0;
    }
    if (strcmp(type, "identity") == 0) {
        text = json_string_value(json_object_get(obj, "identity_class"));
        if (!name)
            return 0;
        return set_text(out, "name", name, true) ||
               set_text(out, "identity_class", text ? text : "organization",
                        true);
    }
    if (strcmp(type, "location") == 0) {
        /* Locations without a type take other rules (coordinates for a
         * Position), which are not followed here. */
        text =
            json_string_value(json_object_get(obj, "x_opencti_location_type"));
        if (!name || !text)
            return 0;
        return set_text(out, "name", name, true) ||
               set_text(out, "x_opencti_location_type", text, false);
    }
    if (strcmp(type, "attack-pattern") == 0) {
        text = json_string_value(json_object_get(obj, "x_mitre_id"));
        if (text)
            return set_stripped(out, "x_mitre_id", text);
        return name ? set_text(out, "name", name, true) : 0;
    }
    if (strcmp(type, "relationship") == 0) {
        static const char *const keys[] = {"relationship_type", "source_ref",
                                           "target_ref", "start_time"};
        int failed = 0;

        for (size_t i = 0; i < CG_ARRAY_LEN(keys); i++) {
            json_t *value = json_object_get(obj, keys[i]);

            if (json_is_string(value))
                failed |= json_object_set(out, keys[i], value);
        }
        /* stop_time counts only together with start_time. */
        if (json_object_get(out, "start_time") &&
            json_is_string(json_object_get(obj, "stop_time")))
            failed |= json_object_set(out, "stop_time",
                                      json_object_get(obj, "stop_time"));
        return failed;
    }
    return 0;
}

enum cg_err cg_stix_id_props(const json_t *obj, json_t **props)
{
    const char *type = json_string_value(json_object_get(obj, "type"));
    json_t *out = NULL;
    enum cg_err rc = CG_OK;

    *props = NULL;
    if (!type)
        return CG_OK;
    rc = observable_props(obj, type, &out);
    if (rc == CG_OK && !out) {
        out = json_object();
        if (!out || pycti_props(obj, type, out) != 0)
            rc = CG_ERR_NOMEM;
    }
    if (rc != CG_OK || json_object_size(out) == 0) {
        json_decref(out);
        return rc;
    }
    *props = out;
    return CG_OK;
}

enum cg_err cg_stix_id_of(const json_t *obj, char out[CG_STIX_ID_SIZE],
                          bool *found)
{
    json_t *props = NULL;
    enum cg_err rc = cg_stix_id_props(obj, &props);

    *found = false;
    if (rc == CG_OK && props) {
        rc = cg_stix_id(json_string_value(json_object_get(obj, "type")), props,
                        out);
        *found = rc == CG_OK;
    }
    json_decref(props);
    return rc;
}
