/*
 * Refanging in one pass: each input byte is appended to the output, and
 * while the output ends with a defang form, that form is replaced. Because
 * every replacement is checked again at the new end, a form that a
 * replacement creates ("[[.]]" becomes "[.]" and then ".") is replaced
 * too, and the output never contains one.
 */
#include "input/refang.h"

#include <string.h>

struct bracket_form {
    const char *text;
    const char *replacement;
};

static const struct bracket_form bracket_forms[] = {
    {"[.]", "."},   {"(.)", "."},   {"{.}", "."},   {"[dot]", "."},
    {"(dot)", "."}, {"{dot}", "."}, {"[:]", ":"},   {"[://]", "://"},
    {"[@]", "@"},   {"[/]", "/"},   {"[//]", "//"},
};

/*
 * A form with its bracket on one side only, as in "example[.com" or
 * "evil.com/]x". An opening form is left alone while the next input byte
 * is one of wait_for, because that byte may still complete a bracketed
 * form such as "[.]" or "[//]".
 */
struct half_form {
    const char *text;
    const char *replacement;
    const char *wait_for;
};

static const struct half_form half_forms[] = {
    {"[.", ".", "]"},  {".]", ".", ""}, {"[//", "//", "]"},
    {"[/", "/", "]/"}, {"/]", "/", ""},
};

static char to_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool ends_with_form(const char *out, size_t n, const char *form,
                           size_t form_len)
{
    if (n < form_len)
        return false;
    for (size_t i = 0; i < form_len; i++) {
        if (to_lower(out[n - form_len + i]) != form[i])
            return false;
    }
    return true;
}

static const struct bracket_form *match_bracket_form(const char *out, size_t n)
{
    for (size_t i = 0; i < CG_ARRAY_LEN(bracket_forms); i++) {
        const char *text = bracket_forms[i].text;

        if (ends_with_form(out, n, text, strlen(text)))
            return &bracket_forms[i];
    }
    return NULL;
}

static const struct half_form *match_half_form(const char *out, size_t n,
                                               int next)
{
    for (size_t i = 0; i < CG_ARRAY_LEN(half_forms); i++) {
        const struct half_form *form = &half_forms[i];

        if (!ends_with_form(out, n, form->text, strlen(form->text)))
            continue;
        if (next > 0 && strchr(form->wait_for, next))
            continue;
        return form;
    }
    return NULL;
}

/*
 * Replaces defang forms at the end of out[0..n) until none is left and
 * returns the new length. next is the input byte that comes after, or -1,
 * so that "[." is left for a moment when a ']' will complete "[.]".
 */
static size_t reduce_tail(char *out, size_t n, int next, bool *skip_blanks,
                          bool *defanged)
{
    for (;;) {
        const struct bracket_form *form = match_bracket_form(out, n);
        const struct half_form *half;

        if (form) {
            size_t replacement_len = strlen(form->replacement);

            n -= strlen(form->text);
            while (n > 0 && is_blank(out[n - 1]))
                n--;
            memcpy(out + n, form->replacement, replacement_len);
            n += replacement_len;
            *skip_blanks = true;
            *defanged = true;
            continue;
        }
        half = match_half_form(out, n, next);
        if (half) {
            size_t replacement_len = strlen(half->replacement);

            n -= strlen(half->text);
            memcpy(out + n, half->replacement, replacement_len);
            n += replacement_len;
            *defanged = true;
            continue;
        }
        return n;
    }
}

/* Turns a leading "hxxp:" or "hxxps:", in any case, into "http". */
static void refang_scheme(char *out, size_t n, bool *defanged)
{
    if (n < 5 || to_lower(out[0]) != 'h' || to_lower(out[1]) != 'x' ||
        to_lower(out[2]) != 'x' || to_lower(out[3]) != 'p')
        return;
    if (out[4] != ':' && !(n >= 6 && to_lower(out[4]) == 's' && out[5] == ':'))
        return;
    memcpy(out, "http", 4);
    *defanged = true;
}

size_t cg_refang(const char *in, size_t len, char *out, bool *defanged)
{
    bool skip_blanks = false;
    size_t n = 0;

    *defanged = false;
    for (size_t i = 0; i < len; i++) {
        int next = i + 1 < len ? (unsigned char)in[i + 1] : -1;

        if (skip_blanks && is_blank(in[i]))
            continue;
        skip_blanks = false;
        out[n++] = in[i];
        n = reduce_tail(out, n, next, &skip_blanks, defanged);
    }
    refang_scheme(out, n, defanged);
    out[n] = '\0';
    return n;
}
