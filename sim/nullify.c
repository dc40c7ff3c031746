/*
 * The --null-heavy rewrite. It keeps the envelope (status, message), the
 * objects themselves and the few values a client needs to make progress:
 * the queried ip, scan_percentage, and scan_id as a string. Every other
 * scalar becomes null, every array becomes [] or null, and a quarter of the
 * nested objects become null. Integers that the API has also sent as
 * strings become strings.
 */
#include "api.h"
#include "rng.h"

#include <stdio.h>
#include <string.h>

static bool is_kept(const char *key, int depth)
{
    if (depth == 0 && (!strcmp(key, "status") || !strcmp(key, "message") ||
                       !strcmp(key, "ip")))
        return true;
    return !strcmp(key, "scan_percentage");
}

/* Keys whose integer values recorded bodies also show as strings: asn
 * (13335 in 2022, "15169" in 2024), as_number and scan_id. */
static bool drifts_to_string(const char *key)
{
    static const char *const keys[] = {"asn", "as_number", "scan_id"};

    for (size_t i = 0; i < CG_ARRAY_LEN(keys); i++) {
        if (strcmp(key, keys[i]) == 0)
            return true;
    }
    return false;
}

static json_t *rewrite(const char *key, json_t *value, int depth);

static void rewrite_object(json_t *obj, int depth)
{
    const char *key;
    json_t *value;
    void *tmp;

    json_object_foreach_safe(obj, tmp, key, value)
    {
        if (is_kept(key, depth))
            continue;
        json_object_set_new(obj, key, rewrite(key, value, depth + 1));
    }
}

static json_t *rewrite(const char *key, json_t *value, int depth)
{
    uint64_t h = cg_sim_hash("null", key);
    char text[32];

    if (json_is_object(value)) {
        /* A quarter of nested objects become null as a whole. */
        if (depth > 1 && h % 4 == 0)
            return json_null();
        rewrite_object(value, depth);
        return json_incref(value);
    }
    if (json_is_array(value))
        return h % 2 ? json_array() : json_null();
    if (json_is_integer(value) && drifts_to_string(key)) {
        snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT,
                 json_integer_value(value));
        return json_string(text);
    }
    return json_null();
}

void cg_sim_nullify(json_t *body)
{
    /* Members of the body sit at depth 1, so "data" itself never becomes
     * null and enveloped clients still find it. */
    if (json_is_object(body))
        rewrite_object(body, 0);
}
