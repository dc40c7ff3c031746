/*
 * libFuzzer target for the config.yml parser and the configuration checks
 * that read its tree. Besides memory safety, it checks that a parsed
 * document is a JSON object whose leaves are strings, nulls or arrays of
 * those, nested no deeper than CG_YAML_MAX_DEPTH, that the line map has a
 * line for every key and "keys" exactly for the nested mappings, and that
 * every refused configuration comes with a message.
 */
#include "opencti/config.h"
#include "opencti/yaml.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_config_yaml: %s\n", what);
    abort();
}

static void check_node(const json_t *node, int depth)
{
    const char *key;
    json_t *value;
    size_t i;

    if (depth > CG_YAML_MAX_DEPTH + 1)
        fail("tree deeper than the limit");
    if (json_is_object(node)) {
        json_object_foreach((json_t *)node, key, value)
            check_node(value, depth + 1);
    } else if (json_is_array(node)) {
        json_array_foreach(node, i, value) {
            if (!json_is_string(value) && !json_is_null(value))
                fail("a list item that is not a scalar");
        }
    } else if (!json_is_string(node) && !json_is_null(node)) {
        fail("a leaf that is not a string or null");
    }
}

/* Checks the line map of one mapping against the mapping. */
static void check_lines(const json_t *map, const json_t *lines)
{
    const char *key;
    json_t *value;

    if (json_object_size(map) != json_object_size(lines))
        fail("the line map and the document have different keys");
    json_object_foreach((json_t *)map, key, value) {
        const json_t *entry = json_object_get(lines, key);
        const json_t *keys = json_object_get(entry, "keys");

        if (json_integer_value(json_object_get(entry, "line")) < 1)
            fail("a key without a line");
        if (json_is_object(value) != (keys != NULL))
            fail("\"keys\" does not match a nested mapping");
        if (keys)
            check_lines(value, keys);
    }
}

static const char *no_env(const char *name, void *data)
{
    (void)name;
    (void)data;
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cg_octi_config cfg;
    struct cg_error err;
    json_t *doc = NULL;
    json_t *lines = NULL;

    if (cg_yaml_parse_lines((const char *)data, size, &doc, &lines, &err) !=
        CG_OK) {
        if (err.msg[0] == '\0')
            fail("a parse error without a message");
        return 0;
    }
    if (!json_is_object(doc))
        fail("the document is not a mapping");
    check_node(doc, 1);
    check_lines(doc, lines);
    cg_octi_config_init(&cfg);
    if (cg_octi_config_from(&cfg, doc, lines, "fuzz.yml", no_env, NULL, &err) !=
            CG_OK &&
        err.msg[0] == '\0')
        fail("a refused configuration without a message");
    cg_octi_config_release(&cfg);
    json_decref(doc);
    json_decref(lines);
    return 0;
}
