/*
 * Byte-level handling of a raw value before it is classified: trimming,
 * strict UTF-8 decoding, the control-character and whitespace checks, and
 * the escaping of control characters and invalid UTF-8 that error
 * messages and terminal output use.
 */
#include "input/text.h"

#include "input/parse.h"

#include <stdio.h>
#include <string.h>

/*
 * The whitespace that trimming removes and that a value may not contain,
 * in UTF-8: ASCII whitespace, the Unicode space separators (category Zs),
 * the line and paragraph separators and U+FEFF. Values copied from web
 * pages often end in U+00A0.
 */
static const char *const whitespace_chars[] = {
    " ",
    "\t",
    "\n",
    "\r",
    "\v",
    "\f",
    "\xc2\xa0",     /* U+00A0 no-break space */
    "\xe1\x9a\x80", /* U+1680 ogham space mark */
    "\xe2\x80\x80", /* U+2000 to U+200A: en quad to hair space */
    "\xe2\x80\x81",
    "\xe2\x80\x82",
    "\xe2\x80\x83",
    "\xe2\x80\x84",
    "\xe2\x80\x85",
    "\xe2\x80\x86",
    "\xe2\x80\x87",
    "\xe2\x80\x88",
    "\xe2\x80\x89",
    "\xe2\x80\x8a",
    "\xe2\x80\xa8", /* U+2028 line separator */
    "\xe2\x80\xa9", /* U+2029 paragraph separator */
    "\xe2\x80\xaf", /* U+202F narrow no-break space */
    "\xe2\x81\x9f", /* U+205F medium mathematical space */
    "\xe3\x80\x80", /* U+3000 ideographic space */
    "\xef\xbb\xbf", /* U+FEFF zero width no-break space */
};

/* Returns the byte length of the whitespace character at s, or 0. */
static size_t whitespace_at(const char *s, size_t len)
{
    for (size_t i = 0; i < CG_ARRAY_LEN(whitespace_chars); i++) {
        size_t n = strlen(whitespace_chars[i]);

        if (n <= len && memcmp(s, whitespace_chars[i], n) == 0)
            return n;
    }
    return 0;
}

/* Returns the byte length of the whitespace character that ends s, or 0. */
static size_t whitespace_before(const char *s, size_t len)
{
    for (size_t i = 0; i < CG_ARRAY_LEN(whitespace_chars); i++) {
        size_t n = strlen(whitespace_chars[i]);

        if (n <= len && memcmp(s + len - n, whitespace_chars[i], n) == 0)
            return n;
    }
    return 0;
}

/*
 * Decodes one UTF-8 sequence (RFC 3629: no overlong forms, surrogates or
 * code points above U+10FFFF) and returns its length, or 0 when s does
 * not start with a valid sequence.
 */
static size_t utf8_decode(const char *s, size_t len, uint32_t *code_point)
{
    unsigned char lead = (unsigned char)s[0];
    size_t extra;
    uint32_t min;
    uint32_t value;

    if (lead < 0x80) {
        *code_point = lead;
        return 1;
    }
    if (lead >= 0xc2 && lead <= 0xdf) {
        extra = 1;
        min = 0x80;
        value = lead & 0x1f;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        extra = 2;
        min = 0x800;
        value = lead & 0x0f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        extra = 3;
        min = 0x10000;
        value = lead & 0x07;
    } else {
        return 0;
    }
    if (len < extra + 1)
        return 0;
    for (size_t i = 1; i <= extra; i++) {
        unsigned char c = (unsigned char)s[i];

        if ((c & 0xc0) != 0x80)
            return 0;
        value = value << 6 | (c & 0x3f);
    }
    if (value < min || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff))
        return 0;
    *code_point = value;
    return extra + 1;
}

static bool is_control(uint32_t code_point)
{
    return code_point < 0x20 || (code_point >= 0x7f && code_point <= 0x9f);
}

size_t cg_text_escape_char(const char *s, size_t len,
                           char piece[CG_TEXT_PIECE_SIZE], size_t *piece_len)
{
    uint32_t code_point = 0;
    size_t n = utf8_decode(s, len, &code_point);

    if (n == 0 || is_control(code_point)) {
        snprintf(piece, CG_TEXT_PIECE_SIZE, "\\x%02x", (unsigned char)s[0]);
        *piece_len = 4;
        return 1;
    }
    memcpy(piece, s, n);
    piece[n] = '\0';
    *piece_len = n;
    return n;
}

enum cg_err cg_text_escape(struct cg_buf *out, const char *s, size_t len)
{
    enum cg_err rc = CG_OK;

    for (size_t i = 0; i < len && rc == CG_OK;) {
        char piece[CG_TEXT_PIECE_SIZE];
        size_t piece_len;

        i += cg_text_escape_char(s + i, len - i, piece, &piece_len);
        rc = cg_buf_append(out, piece, piece_len);
    }
    return rc;
}

void cg_parse_quote(char out[CG_QUOTE_SIZE], const char *s, size_t len)
{
    size_t used = 0;

    for (size_t i = 0; i < len;) {
        char piece[CG_TEXT_PIECE_SIZE];
        size_t piece_len;
        size_t n = cg_text_escape_char(s + i, len - i, piece, &piece_len);

        if (used + piece_len > CG_QUOTE_MAX) {
            memcpy(out + used, "...", 3);
            used += 3;
            break;
        }
        memcpy(out + used, piece, piece_len);
        used += piece_len;
        i += n;
    }
    out[used] = '\0';
}

/* Runs before refanging, so that offsets refer to the trimmed input. */
enum cg_err cg_parse_check_bytes(struct cg_parse *parse, const char *s,
                                 size_t len)
{
    for (size_t i = 0; i < len;) {
        uint32_t code_point = 0;
        size_t n = utf8_decode(s + i, len - i, &code_point);

        if (n == 0)
            return cg_error_set(parse->err, CG_ERR_INVALID,
                                "'%s' is not valid UTF-8 (bad byte 0x%02x at "
                                "offset %zu)",
                                parse->quoted, (unsigned char)s[i], i);
        if (is_control(code_point) && s[i] != ' ' && s[i] != '\t')
            return cg_error_set(parse->err, CG_ERR_INVALID,
                                "'%s' contains the control character U+%04X "
                                "at byte offset %zu",
                                parse->quoted, (unsigned)code_point, i);
        i += n;
    }
    return CG_OK;
}

enum cg_err cg_parse_check_whitespace(struct cg_parse *parse, const char *s,
                                      size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (whitespace_at(s + i, len - i))
            return cg_error_set(parse->err, CG_ERR_INVALID,
                                "'%s' contains whitespace, but an indicator "
                                "is a single token (put one value on each "
                                "line)",
                                parse->quoted);
    }
    return CG_OK;
}

void cg_parse_trim(const char *s, size_t *start, size_t *end)
{
    size_t n;

    while (*start < *end && (n = whitespace_at(s + *start, *end - *start)) > 0)
        *start += n;
    while (*end > *start &&
           (n = whitespace_before(s + *start, *end - *start)) > 0)
        *end -= n;
}
