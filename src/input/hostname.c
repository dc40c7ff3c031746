/*
 * Domain names. Pure-ASCII labels are validated here and are not converted
 * by IDNA, because they need no conversion and real host names (Cloudflare
 * Workers and GoDaddy Sites subdomains, for example) carry underscores,
 * which IDNA 2008 disallows. Only their "xn--" labels are checked with
 * libidn2. Labels with other characters go through libidn2 with UTS #46
 * nontransitional processing, and the result is validated again with the
 * ASCII rules.
 */
#include "input/hostname.h"

#include "core/buf.h"
#include "input/ipaddr.h"

#include <idn2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* RFC 1035 section 2.3.4 limits a label to 63 bytes and a name to 255
 * bytes in wire format, which is 253 in text without the trailing dot. */
#define LABEL_MAX       63
#define DOMAIN_NAME_MAX 253

#define IDNA_FLAGS (IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL)

/* Maximum bytes of a label quoted inside a reason. */
#define LABEL_QUOTE_MAX 40

static bool is_ascii(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)s[i] >= 0x80)
            return false;
    }
    return true;
}

static bool is_host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static char to_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/*
 * Copies at most LABEL_QUOTE_MAX bytes of a valid UTF-8 label into out,
 * cut at a character boundary, with "..." when it was cut.
 */
static void quote_label(char out[LABEL_QUOTE_MAX + 4], const char *label,
                        size_t len)
{
    size_t n = len;

    if (n > LABEL_QUOTE_MAX) {
        n = LABEL_QUOTE_MAX;
        while (n > 0 && ((unsigned char)label[n] & 0xc0) == 0x80)
            n--;
    }
    memcpy(out, label, n);
    strcpy(out + n, n < len ? "..." : "");
}

static void describe_bad_char(char c, char reason[CG_HOSTNAME_REASON_SIZE])
{
    unsigned char byte = (unsigned char)c;

    if (byte >= 0x20 && byte < 0x7f) {
        snprintf(reason, CG_HOSTNAME_REASON_SIZE,
                 "character '%c' is not allowed in a host name (only "
                 "letters, digits, '-' and '_' are)",
                 c);
    } else {
        snprintf(reason, CG_HOSTNAME_REASON_SIZE,
                 "byte 0x%02x is not allowed in a host name", byte);
    }
}

static enum cg_err append_ascii_label(struct cg_buf *out, const char *label,
                                      size_t len,
                                      char reason[CG_HOSTNAME_REASON_SIZE])
{
    enum cg_err rc = CG_OK;

    for (size_t i = 0; i < len && rc == CG_OK; i++) {
        if (!is_host_char(label[i])) {
            describe_bad_char(label[i], reason);
            return CG_ERR_INVALID;
        }
        rc = cg_buf_putc(out, to_lower(label[i]));
    }
    return rc;
}

/*
 * Converts a label with non-ASCII characters to its A-label with libidn2.
 * NOTE: a Unicode label that only IDNA 2003 allowed, such as an emoji, is
 * rejected here, although its "xn--" form is accepted as an ASCII label.
 */
static enum cg_err append_unicode_label(struct cg_buf *out, const char *label,
                                        size_t len,
                                        char reason[CG_HOSTNAME_REASON_SIZE])
{
    char quoted[LABEL_QUOTE_MAX + 4];
    char *copy = malloc(len + 1);
    char *alabel = NULL;
    enum cg_err rc;
    int idn_rc;

    if (!copy)
        return CG_ERR_NOMEM;
    memcpy(copy, label, len);
    copy[len] = '\0';

    idn_rc = idn2_to_ascii_8z(copy, &alabel, IDNA_FLAGS);
    if (idn_rc == IDN2_MALLOC) {
        rc = CG_ERR_NOMEM;
        goto out;
    }
    if (idn_rc != IDN2_OK) {
        quote_label(quoted, label, len);
        snprintf(reason, CG_HOSTNAME_REASON_SIZE,
                 "label '%s' is not a valid internationalized label: %s",
                 quoted, idn2_strerror(idn_rc));
        rc = CG_ERR_INVALID;
        goto out;
    }
    rc = cg_buf_puts(out, alabel);

out:
    idn2_free(alabel);
    free(copy);
    return rc;
}

static bool is_alabel(const char *label, size_t len)
{
    return len >= 4 && strncmp(label, "xn--", 4) == 0;
}

/*
 * Checks that an "xn--" label is an A-label that libidn2 accepts under
 * UTS #46: valid Punycode (RFC 3492) that decodes to non-ASCII text that
 * passes the UTS #46 validity criteria, so "xn--", "xn--zz" and "xn--a"
 * (U+0080) are rejected. Transitional processing is used here only for its
 * wider set of valid characters: in libidn2 2.3 it also accepts the symbols
 * that IDNA 2003 allowed, so emoji domains registered under IDNA 2003, such
 * as "xn--i-7iq.ws", stay valid.
 */
static enum cg_err check_alabel(const char *label, size_t len,
                                char reason[CG_HOSTNAME_REASON_SIZE])
{
    char quoted[LABEL_QUOTE_MAX + 4];
    char *copy = malloc(len + 1);
    uint8_t *lookup = NULL;
    int idn_rc;

    if (!copy)
        return CG_ERR_NOMEM;
    memcpy(copy, label, len);
    copy[len] = '\0';
    idn_rc = idn2_lookup_u8((const uint8_t *)copy, &lookup, IDN2_TRANSITIONAL);
    idn2_free(lookup);
    free(copy);
    if (idn_rc == IDN2_MALLOC)
        return CG_ERR_NOMEM;
    if (idn_rc == IDN2_OK)
        return CG_OK;

    quote_label(quoted, label, len);
    snprintf(reason, CG_HOSTNAME_REASON_SIZE,
             "label '%s' starts with 'xn--' but is not a valid A-label: %s",
             quoted, idn2_strerror(idn_rc));
    return CG_ERR_INVALID;
}

/*
 * Checks one label of the final ASCII name: its length, no hyphen at
 * either end (RFC 1035 section 2.3.1, which RFC 1123 section 2.1 relaxes
 * only for a leading digit) and, for an "xn--" label, a valid A-label.
 * Underscores stay allowed, because real host names carry them.
 */
static enum cg_err check_label(const char *label, size_t len,
                               char reason[CG_HOSTNAME_REASON_SIZE])
{
    char quoted[LABEL_QUOTE_MAX + 4];

    if (len == 0) {
        snprintf(reason, CG_HOSTNAME_REASON_SIZE,
                 "it has an empty label (a leading dot or two dots in a "
                 "row)");
        return CG_ERR_INVALID;
    }
    quote_label(quoted, label, len);
    if (len > LABEL_MAX) {
        snprintf(reason, CG_HOSTNAME_REASON_SIZE,
                 "label '%s' is %zu bytes long, above the maximum of %d",
                 quoted, len, LABEL_MAX);
        return CG_ERR_INVALID;
    }
    if (label[0] == '-' || label[len - 1] == '-') {
        snprintf(reason, CG_HOSTNAME_REASON_SIZE,
                 "label '%s' starts or ends with a hyphen, which host "
                 "names do not allow",
                 quoted);
        return CG_ERR_INVALID;
    }
    if (is_alabel(label, len))
        return check_alabel(label, len, reason);
    return CG_OK;
}

/*
 * Checks the final ASCII name: allowed characters, each label as
 * check_label does, total length, at least two labels and a last label
 * that is not a number. IDNA output is checked too, because UTS #46
 * without the STD3 rules can map a character such as U+FF04 to ASCII '$',
 * and U+FF0E to a dot that makes "0x.0x" out of a Unicode label.
 */
static enum cg_err check_ascii_name(const char *name, size_t len,
                                    char reason[CG_HOSTNAME_REASON_SIZE])
{
    size_t labels = 0;
    size_t start = 0;
    enum cg_err rc;

    for (size_t i = 0; i <= len; i++) {
        if (i < len && name[i] != '.') {
            if (!is_host_char(name[i])) {
                describe_bad_char(name[i], reason);
                return CG_ERR_INVALID;
            }
            continue;
        }
        rc = check_label(name + start, i - start, reason);
        if (rc != CG_OK)
            return rc;
        labels++;
        start = i + 1;
    }

    if (labels < 2) {
        snprintf(reason, CG_HOSTNAME_REASON_SIZE,
                 "it has no dot, and single-label names such as 'localhost' "
                 "are not public domain names");
        return CG_ERR_INVALID;
    }
    if (len > DOMAIN_NAME_MAX) {
        snprintf(reason, CG_HOSTNAME_REASON_SIZE,
                 "it is %zu bytes long, above the DNS maximum of %d", len,
                 DOMAIN_NAME_MAX);
        return CG_ERR_INVALID;
    }
    /* The WHATWG URL Standard reads a host whose last label is a number
     * as an IPv4 address, and no top-level domain is one. */
    if (cg_ip_ends_in_number(name, len)) {
        snprintf(reason, CG_HOSTNAME_REASON_SIZE,
                 "its top-level label is a number, which no top-level domain "
                 "is");
        return CG_ERR_INVALID;
    }
    return CG_OK;
}

/*
 * Returns the U-label of an "xn--" label as a new string, or NULL when the
 * label is not a valid A-label. Valid means that the Punycode decodes to
 * non-ASCII text that UTS #46 encodes back to the same label, the round
 * trip that IDNA 2008 (RFC 5890) requires of an A-label. Names such as emoji
 * domains registered under IDNA 2003 fail that test and keep their A-label for
 * display.
 */
static char *decode_alabel(const char *label, size_t len)
{
    char *copy = malloc(len + 1);
    char *ulabel = NULL;
    char *back = NULL;
    char *result = NULL;

    if (!copy)
        return NULL;
    memcpy(copy, label, len);
    copy[len] = '\0';

    if (idn2_to_unicode_8z8z(copy, &ulabel, 0) != IDN2_OK || !ulabel)
        goto out;
    if (is_ascii(ulabel, strlen(ulabel)) || strchr(ulabel, '.'))
        goto out;
    if (idn2_to_ascii_8z(ulabel, &back, IDNA_FLAGS) != IDN2_OK)
        goto out;
    if (strcmp(back, copy) == 0)
        result = strdup(ulabel);

out:
    idn2_free(back);
    idn2_free(ulabel);
    free(copy);
    return result;
}

static enum cg_err build_display(const char *ascii, size_t len,
                                 struct cg_buf *out)
{
    size_t start = 0;
    enum cg_err rc = CG_OK;

    for (size_t i = 0; i <= len && rc == CG_OK; i++) {
        char *ulabel = NULL;

        if (i < len && ascii[i] != '.')
            continue;
        if (start > 0)
            rc = cg_buf_putc(out, '.');
        if (rc == CG_OK && is_alabel(ascii + start, i - start))
            ulabel = decode_alabel(ascii + start, i - start);
        if (rc == CG_OK && ulabel)
            rc = cg_buf_puts(out, ulabel);
        else if (rc == CG_OK)
            rc = cg_buf_append(out, ascii + start, i - start);
        free(ulabel);
        start = i + 1;
    }
    return rc;
}

/* Converts each label of name to ASCII and appends it to out. */
static enum cg_err convert_labels(const char *name, size_t len,
                                  struct cg_buf *out,
                                  char reason[CG_HOSTNAME_REASON_SIZE])
{
    size_t start = 0;
    enum cg_err rc = CG_OK;

    for (size_t i = 0; i <= len && rc == CG_OK; i++) {
        const char *label = name + start;
        size_t label_len = i - start;

        if (i < len && name[i] != '.')
            continue;
        if (start > 0)
            rc = cg_buf_putc(out, '.');
        if (rc == CG_OK && is_ascii(label, label_len))
            rc = append_ascii_label(out, label, label_len, reason);
        else if (rc == CG_OK)
            rc = append_unicode_label(out, label, label_len, reason);
        start = i + 1;
    }
    return rc;
}

enum cg_err cg_hostname_normalize(const char *name, size_t len, char **ascii,
                                  char **display,
                                  char reason[CG_HOSTNAME_REASON_SIZE])
{
    struct cg_buf out = CG_BUF_INIT;
    struct cg_buf shown = CG_BUF_INIT;
    enum cg_err rc;

    *ascii = NULL;
    *display = NULL;
    if (len > 0 && name[len - 1] == '.')
        len--;
    if (len == 0) {
        snprintf(reason, CG_HOSTNAME_REASON_SIZE, "the host name is empty");
        return CG_ERR_INVALID;
    }
    if (memchr(name, '@', len)) {
        snprintf(reason, CG_HOSTNAME_REASON_SIZE,
                 "it contains '@', so it is an e-mail address or user-info, "
                 "not a domain name");
        return CG_ERR_INVALID;
    }

    rc = convert_labels(name, len, &out, reason);
    if (rc == CG_OK)
        rc = check_ascii_name(cg_buf_str(&out), out.len, reason);
    if (rc != CG_OK)
        goto out;
    rc = build_display(cg_buf_str(&out), out.len, &shown);
    if (rc != CG_OK)
        goto out;

    *ascii = cg_buf_detach(&out);
    *display = cg_buf_detach(&shown);
    if (!*ascii || !*display) {
        free(*ascii);
        free(*display);
        *ascii = NULL;
        *display = NULL;
        rc = CG_ERR_NOMEM;
    }

out:
    cg_buf_release(&out);
    cg_buf_release(&shown);
    return rc;
}
