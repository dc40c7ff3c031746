/*
 * Property-by-property merge of two versions of one STIX object.
 */
#include "stix/merge.h"

#include <string.h>

static bool is_union_list(const char *key)
{
    static const char *const keys[] = {
        "labels",           "x_opencti_labels",  "object_marking_refs",
        "object_refs",      "x_opencti_aliases", "indicator_types",
        "kill_chain_phases"};

    for (size_t i = 0; i < CG_ARRAY_LEN(keys); i++) {
        if (strcmp(key, keys[i]) == 0)
            return true;
    }
    return false;
}

static bool is_reference_list(const char *key)
{
    return strcmp(key, "external_references") == 0 ||
           strcmp(key, "x_opencti_external_references") == 0;
}

static bool list_contains(const json_t *list, const json_t *item)
{
    size_t i;
    json_t *other;

    json_array_foreach(list, i, other) {
        if (json_equal(other, item))
            return true;
    }
    return false;
}

static bool same_field(const json_t *a, const json_t *b, const char *key)
{
    const json_t *x = json_object_get(a, key);
    const json_t *y = json_object_get(b, key);

    if (!x || !y)
        return !x && !y;
    return json_equal(x, y);
}

static bool same_reference(const json_t *a, const json_t *b)
{
    return same_field(a, b, "source_name") && same_field(a, b, "url") &&
           same_field(a, b, "external_id");
}

/* Sets existing[key] to a copy of value and records the change. */
static enum cg_err set_copy(json_t *existing, const char *key,
                            const json_t *value, bool *changed)
{
    *changed = true;
    return json_object_set_new(existing, key, json_deep_copy(value))
               ? CG_ERR_NOMEM
               : CG_OK;
}

static enum cg_err unite(json_t *existing, const char *key,
                         const json_t *incoming, bool by_reference,
                         bool *changed)
{
    json_t *list = json_object_get(existing, key);
    size_t i;
    json_t *item;

    if (!json_is_array(incoming))
        return CG_OK;
    if (!json_is_array(list))
        return set_copy(existing, key, incoming, changed);
    json_array_foreach(incoming, i, item) {
        bool found = false;

        if (by_reference) {
            size_t j;
            json_t *other;

            json_array_foreach(list, j, other) {
                if (same_reference(other, item))
                    found = true;
            }
        } else {
            found = list_contains(list, item);
        }
        if (found)
            continue;
        *changed = true;
        if (json_array_append_new(list, json_deep_copy(item)))
            return CG_ERR_NOMEM;
    }
    return CG_OK;
}

/* Keeps the smaller (earliest) or larger timestamp; both are RFC 3339 UTC
 * strings of one format, so byte order is time order. */
static enum cg_err pick_time(json_t *existing, const char *key,
                             const json_t *incoming, bool earliest,
                             bool *changed)
{
    const char *old = json_string_value(json_object_get(existing, key));
    const char *new = json_string_value(incoming);
    int cmp;

    if (!new)
        return CG_OK;
    cmp = old ? strcmp(new, old) : (earliest ? -1 : 1);
    if ((earliest && cmp < 0) || (!earliest && cmp > 0))
        return set_copy(existing, key, incoming, changed);
    return CG_OK;
}

/* Takes the incoming value of an ordinary property when it is newer, or
 * when the property is missing, unless the two are already equal. */
static enum cg_err take_value(json_t *existing, const char *key,
                              const json_t *value, bool incoming_newer,
                              bool *changed)
{
    const json_t *current = json_object_get(existing, key);

    if (current && (!incoming_newer || json_equal(current, value)))
        return CG_OK;
    return set_copy(existing, key, value, changed);
}

enum cg_err cg_stix_merge_changed(json_t *existing, const json_t *incoming,
                                  bool incoming_newer, bool *changed)
{
    const char *key;
    json_t *value;
    enum cg_err rc = CG_OK;

    *changed = false;
    json_object_foreach((json_t *)incoming, key, value) {
        if (rc != CG_OK)
            break;
        if (strcmp(key, "id") == 0 || strcmp(key, "type") == 0)
            continue;
        if (is_union_list(key))
            rc = unite(existing, key, value, false, changed);
        else if (is_reference_list(key))
            rc = unite(existing, key, value, true, changed);
        else if (strcmp(key, "created") == 0 || strcmp(key, "valid_from") == 0)
            rc = pick_time(existing, key, value, true, changed);
        else if (strcmp(key, "modified") == 0)
            rc = pick_time(existing, key, value, false, changed);
        else
            rc = take_value(existing, key, value, incoming_newer, changed);
    }
    return rc;
}

enum cg_err cg_stix_merge(json_t *existing, const json_t *incoming,
                          bool incoming_newer)
{
    bool changed;

    return cg_stix_merge_changed(existing, incoming, incoming_newer, &changed);
}
