/*
 * x509-certificate and note builders, and the checks that turn report
 * text into observable values, kept apart from object.c so that the
 * common builders stay small.
 */
#include "stix/object_more.h"

#include "core/json.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool present(const char *s)
{
    return s && *s;
}

/* Sets obj[key] to the string when it is present. Returns nonzero on
 * allocation failure. */
static int set_optional(json_t *obj, const char *key, const char *value)
{
    if (!present(value))
        return 0;
    return json_object_set_new(obj, key, json_string(value));
}

/*
 * STIX 2.1 lists hashes and serial_number as the id-contributing
 * properties, and OpenCTI falls back to the subject when both are absent.
 * Criminal IP never returns certificate hashes, so the id comes from the
 * serial number, else the subject.
 */
static enum cg_err x509_id(const struct cg_x509_fields *fields,
                           char out[CG_STIX_ID_SIZE])
{
    json_t *props;
    enum cg_err rc;

    if (present(fields->serial_number))
        props = json_pack("{ss}", "serial_number", fields->serial_number);
    else
        props = json_pack("{ss}", "subject", fields->subject);
    if (!props)
        return CG_ERR_NOMEM;
    rc = cg_stix_id("x509-certificate", props, out);
    json_decref(props);
    return rc;
}

json_t *cg_stix_x509_certificate(const struct cg_stix_ctx *ctx,
                                 const struct cg_x509_fields *fields)
{
    char id[CG_STIX_ID_SIZE];
    json_t *obj;
    int failed = 0;

    if (!present(fields->serial_number) && !present(fields->subject))
        return NULL;
    if (x509_id(fields, id) != CG_OK)
        return NULL;
    obj = cg_stix_new_sco(ctx, "x509-certificate", id);
    if (!obj)
        return NULL;
    failed |= set_optional(obj, "serial_number", fields->serial_number);
    failed |= set_optional(obj, "subject", fields->subject);
    failed |= set_optional(obj, "issuer", fields->issuer);
    failed |= set_optional(obj, "validity_not_before", fields->not_before);
    failed |= set_optional(obj, "validity_not_after", fields->not_after);
    failed |=
        set_optional(obj, "signature_algorithm", fields->signature_algorithm);
    if (failed) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

json_t *cg_stix_note(const struct cg_stix_ctx *ctx, const char *id,
                     const char *abstract, const char *content,
                     const char *object_ref)
{
    json_t *obj = cg_stix_new_sdo(ctx, "note", id);
    int failed = 0;

    if (!obj)
        return NULL;
    failed |= set_optional(obj, "abstract", abstract);
    failed |= json_object_set_new(obj, "content", json_string(content));
    failed |=
        json_object_set_new(obj, "object_refs", json_pack("[s]", object_ref));
    /* OpenCTI's note_types vocabulary: "external" marks text that comes
     * from an outside source rather than an analyst. */
    failed |=
        json_object_set_new(obj, "note_types", json_pack("[s]", "external"));
    if (failed) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

/* Checks a lower-case host name against cg_host_name_normalize's rules. */
static bool valid_host_name(const char *name)
{
    size_t label = 0;
    size_t labels = 1;
    bool numeric = true;

    for (const char *p = name; *p; p++) {
        if (*p == '.') {
            if (label == 0)
                return false;
            labels++;
            label = 0;
            numeric = true;
            continue;
        }
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
            return false;
        if (!isdigit((unsigned char)*p))
            numeric = false;
        if (++label > 63)
            return false;
    }
    return label > 0 && labels >= 2 && !numeric;
}

bool cg_host_name_normalize(const char *text, char out[CG_HOST_NAME_SIZE],
                            bool *wildcard)
{
    size_t len;

    if (wildcard)
        *wildcard = false;
    if (!text)
        return false;
    while (isspace((unsigned char)*text))
        text++;
    if (strncmp(text, "*.", 2) == 0) {
        text += 2;
        if (wildcard)
            *wildcard = true;
    }
    len = strlen(text);
    while (len && isspace((unsigned char)text[len - 1]))
        len--;
    if (len && text[len - 1] == '.')
        len--;
    if (len == 0 || len > 253)
        return false;
    for (size_t i = 0; i < len; i++)
        out[i] = (char)tolower((unsigned char)text[i]);
    out[len] = '\0';
    return valid_host_name(out);
}

/* Length of the scheme of an http, https or ftp URL including "://", or
 * 0. */
static size_t url_scheme_length(const char *text)
{
    static const char *const schemes[] = {"http://", "https://", "ftp://"};

    for (size_t i = 0; i < CG_ARRAY_LEN(schemes); i++) {
        size_t n = strlen(schemes[i]);

        if (strncasecmp(text, schemes[i], n) == 0)
            return n;
    }
    return 0;
}

char *cg_url_normalize(const char *text, size_t max_len)
{
    size_t len = text ? strlen(text) : 0;
    size_t scheme = text ? url_scheme_length(text) : 0;
    size_t host_end;
    char *url;

    if (!scheme || len > max_len)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];

        if (c <= 0x20 || c == 0x7f)
            return NULL;
    }
    host_end = scheme + strcspn(text + scheme, "/?#");
    if (host_end == scheme)
        return NULL;
    url = strdup(text);
    if (!url)
        return NULL;
    /* Scheme and host are case-insensitive (RFC 3986 section 6.2.2.1);
     * the input normaliser lower-cases them too, so one URL gets one id. */
    for (size_t i = 0; i < host_end; i++)
        url[i] = (char)tolower((unsigned char)url[i]);
    return url;
}

bool cg_cve_id_valid(const char *text)
{
    size_t digits = 0;

    if (!text || strncasecmp(text, "CVE-", 4) != 0)
        return false;
    for (int i = 4; i < 8; i++) {
        if (!isdigit((unsigned char)text[i]))
            return false;
    }
    if (text[8] != '-')
        return false;
    for (const char *p = text + 9; *p; p++) {
        if (!isdigit((unsigned char)*p))
            return false;
        digits++;
    }
    return digits >= 4 && digits <= 19;
}

bool cg_asn_read(const json_t *value, long long *out)
{
    const char *s = json_string_value(value);
    json_t *digits = NULL;
    bool ok;

    if (s && (s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's')) {
        digits = json_string(s + 2);
        if (!digits)
            return false;
        value = digits;
    }
    ok = cg_json_to_int(value, out);
    json_decref(digits);
    return ok && *out > 0 && *out <= 4294967295LL;
}

/* Reads "Mon DD HH:MM:SS YYYY" (day space-padded or not), the form of
 * OpenSSL's ASN1_TIME_print. The zone, always GMT there, is ignored. */
static bool parse_openssl_time(const char *text, int64_t *out)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    char month[4];
    char iso[32];
    int day, hour, minute, second, year;
    const char *found;

    if (sscanf(text, "%3s %d %d:%d:%d %d", month, &day, &hour, &minute, &second,
               &year) != 6)
        return false;
    found = strlen(month) == 3 ? strstr(months, month) : NULL;
    if (!found || (found - months) % 3 != 0 || year < 0 || year > 9999 ||
        day < 0 || day > 99 || hour < 0 || hour > 99 || minute < 0 ||
        minute > 99 || second < 0 || second > 99)
        return false;
    snprintf(iso, sizeof(iso), "%04d-%02d-%02d %02d:%02d:%02d", year,
             (int)((found - months) / 3 + 1), day, hour, minute, second);
    return cg_time_parse(iso, out);
}

bool cg_x509_parse_time(const char *text, char out[CG_TIME_TEXT_SIZE])
{
    int64_t t;

    if (!text)
        return false;
    while (isspace((unsigned char)*text))
        text++;
    if (!cg_time_parse(text, &t) && !parse_openssl_time(text, &t))
        return false;
    cg_time_format(t, out);
    return true;
}

/* Copies [start, end) trimmed into out, or leaves out empty when it does
 * not fit, because a cut serial number or name would be a different one. */
static void copy_field(const char *start, const char *end, char *out,
                       size_t size)
{
    while (start < end && isspace((unsigned char)*start))
        start++;
    while (end > start && isspace((unsigned char)end[-1]))
        end--;
    out[0] = '\0';
    if ((size_t)(end - start) < size) {
        memcpy(out, start, (size_t)(end - start));
        out[end - start] = '\0';
    }
}

static bool blank(const char *start, const char *end)
{
    while (start < end && isspace((unsigned char)*start))
        start++;
    return start == end;
}

/* Stores a serial number. OpenSSL writes a short one as "decimal (0xhex)"
 * and a long one as hex on the next line. */
static void read_serial(const char *value, const char *end,
                        const char *next_end, struct cg_x509_text *out)
{
    const char *paren;

    if (blank(value, end) && next_end) {
        value = end + 1;
        end = next_end;
    }
    paren = memchr(value, '(', (size_t)(end - value));
    copy_field(value, paren ? paren : end, out->serial, sizeof(out->serial));
}

static void read_time(const char *value, const char *end,
                      char out[CG_TIME_TEXT_SIZE])
{
    char when[64];

    copy_field(value, end, when, sizeof(when));
    if (!cg_x509_parse_time(when, out))
        out[0] = '\0';
}

/* Reads one "Key: value" line of OpenSSL's certificate text dump. next_end
 * is the end of the following line, or NULL. */
static void read_cert_line(const char *line, const char *end,
                           const char *next_end, struct cg_x509_text *out)
{
    static const char *const keys[] = {
        "Serial Number:", "Subject:",    "Issuer:",   "Signature Algorithm:",
        "Not Before:",    "Not After :", "Not After:"};
    size_t k;
    const char *value;

    while (line < end && isspace((unsigned char)*line))
        line++;
    for (k = 0; k < CG_ARRAY_LEN(keys); k++) {
        size_t n = strlen(keys[k]);

        if ((size_t)(end - line) >= n && strncasecmp(line, keys[k], n) == 0)
            break;
    }
    if (k == CG_ARRAY_LEN(keys))
        return;
    value = line + strlen(keys[k]);
    if (k == 0)
        read_serial(value, end, next_end, out);
    else if (k == 1)
        copy_field(value, end, out->subject, sizeof(out->subject));
    else if (k == 2)
        copy_field(value, end, out->issuer, sizeof(out->issuer));
    else if (k == 3 && !out->algorithm[0])
        copy_field(value, end, out->algorithm, sizeof(out->algorithm));
    else if (k == 4)
        read_time(value, end, out->not_before);
    else if (k >= 5)
        read_time(value, end, out->not_after);
}

void cg_x509_text_parse(const char *raw, struct cg_x509_text *out)
{
    const char *limit = raw + strnlen(raw, 65536);
    const char *line = raw;

    memset(out, 0, sizeof(*out));
    while (line < limit) {
        const char *end = memchr(line, '\n', (size_t)(limit - line));
        const char *next_end = NULL;

        if (!end)
            end = limit;
        if (end < limit) {
            next_end = memchr(end + 1, '\n', (size_t)(limit - end - 1));
            if (!next_end)
                next_end = limit;
        }
        read_cert_line(line, end, next_end, out);
        line = end + 1;
    }
}

void cg_x509_text_fields(const struct cg_x509_text *text,
                         struct cg_x509_fields *fields)
{
    fields->serial_number = text->serial[0] ? text->serial : NULL;
    fields->subject = text->subject[0] ? text->subject : NULL;
    fields->issuer = text->issuer[0] ? text->issuer : NULL;
    fields->signature_algorithm = text->algorithm[0] ? text->algorithm : NULL;
    fields->not_before = text->not_before[0] ? text->not_before : NULL;
    fields->not_after = text->not_after[0] ? text->not_after : NULL;
}
