/*
 * Tolerant JSON accessors and a bounded parser front end over jansson.
 */
#include "core/json.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int cg_json_depth(const char *text, size_t len, int max)
{
    int depth = 0;
    int deepest = 0;
    bool in_string = false;

    for (size_t i = 0; i < len; i++) {
        char c = text[i];

        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > deepest)
                deepest = depth;
            if (deepest > max)
                return deepest;
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return deepest;
}

enum cg_err cg_json_parse(const char *text, size_t len, size_t max_len,
                          json_t **out, struct cg_error *err)
{
    json_error_t jerr;

    *out = NULL;
    if (max_len && len > max_len)
        return cg_error_set(err, CG_ERR_TOO_LARGE,
                            "JSON document of %zu bytes exceeds the limit of "
                            "%zu bytes",
                            len, max_len);
    if (cg_json_depth(text, len, CG_JSON_MAX_DEPTH) > CG_JSON_MAX_DEPTH)
        return cg_error_set(err, CG_ERR_TOO_DEEP,
                            "JSON document nests deeper than %d levels",
                            CG_JSON_MAX_DEPTH);
    *out =
        json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    if (!*out)
        return cg_error_set(err, CG_ERR_PARSE,
                            "invalid JSON at line %d, column %d: %s", jerr.line,
                            jerr.column, jerr.text);
    return CG_OK;
}

const char *cg_json_str(const json_t *obj, const char *key)
{
    const json_t *v;
    const char *s;

    if (!json_is_object(obj))
        return NULL;
    v = json_object_get(obj, key);
    if (!json_is_string(v))
        return NULL;
    s = json_string_value(v);
    /* A string with a NUL byte would be read cut short: treat it as absent. */
    if (s && strlen(s) != json_string_length(v))
        return NULL;
    return s && *s ? s : NULL;
}

/* Parses a decimal string with optional surrounding blanks. */
static bool parse_int_text(const char *s, long long *out)
{
    char *end;
    long long v;

    while (isspace((unsigned char)*s))
        s++;
    if (!*s)
        return false;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s)
        return false;
    while (isspace((unsigned char)*end))
        end++;
    if (*end)
        return false;
    *out = v;
    return true;
}

static bool parse_real_text(const char *s, double *out)
{
    char *end;
    double v;

    while (isspace((unsigned char)*s))
        s++;
    if (!*s)
        return false;
    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || !isfinite(v))
        return false;
    while (isspace((unsigned char)*end))
        end++;
    if (*end)
        return false;
    *out = v;
    return true;
}

bool cg_json_to_int(const json_t *value, long long *out)
{
    if (json_is_integer(value)) {
        *out = json_integer_value(value);
        return true;
    }
    if (json_is_real(value)) {
        double d = json_real_value(value);

        if (!isfinite(d) || d != floor(d) || fabs(d) > 9.0e15)
            return false;
        *out = (long long)d;
        return true;
    }
    if (json_is_string(value))
        return parse_int_text(json_string_value(value), out);
    return false;
}

bool cg_json_to_real(const json_t *value, double *out)
{
    if (json_is_real(value)) {
        double d = json_real_value(value);

        if (!isfinite(d))
            return false;
        *out = d;
        return true;
    }
    if (json_is_integer(value)) {
        *out = (double)json_integer_value(value);
        return true;
    }
    if (json_is_string(value))
        return parse_real_text(json_string_value(value), out);
    return false;
}

bool cg_json_to_bool(const json_t *value, bool *out)
{
    if (json_is_boolean(value)) {
        *out = json_is_true(value);
        return true;
    }
    if (json_is_integer(value)) {
        json_int_t i = json_integer_value(value);

        if (i != 0 && i != 1)
            return false;
        *out = i == 1;
        return true;
    }
    if (json_is_string(value)) {
        const char *s = json_string_value(value);

        if (strcasecmp(s, "true") == 0) {
            *out = true;
            return true;
        }
        if (strcasecmp(s, "false") == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

bool cg_json_int(const json_t *obj, const char *key, long long *out)
{
    return json_is_object(obj) &&
           cg_json_to_int(json_object_get(obj, key), out);
}

bool cg_json_real(const json_t *obj, const char *key, double *out)
{
    return json_is_object(obj) &&
           cg_json_to_real(json_object_get(obj, key), out);
}

bool cg_json_bool(const json_t *obj, const char *key, bool *out)
{
    return json_is_object(obj) &&
           cg_json_to_bool(json_object_get(obj, key), out);
}

bool cg_json_is_true(const json_t *obj, const char *key)
{
    bool b = false;

    return cg_json_bool(obj, key, &b) && b;
}

json_t *cg_json_rows(const json_t *obj, const char *key)
{
    json_t *v;

    if (!json_is_object(obj))
        return NULL;
    v = json_object_get(obj, key);
    if (json_is_array(v))
        return v;
    if (json_is_object(v)) {
        json_t *data = json_object_get(v, "data");

        if (json_is_array(data))
            return data;
    }
    return NULL;
}

json_t *cg_json_obj(const json_t *obj, const char *key)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

    return json_is_object(v) ? v : NULL;
}

json_t *cg_json_arr(const json_t *obj, const char *key)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

    return json_is_array(v) ? v : NULL;
}
