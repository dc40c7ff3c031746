/*
 * libFuzzer target for the config.yml parser and the configuration checks
 * that read its tree. Besides memory safety, it checks that a parsed
 * document is a JSON object whose leaves are strings, nulls or arrays of
 * those, nested no deeper than CG_YAML_MAX_DEPTH, and that every refused
 * configuration comes with a message.
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

    if (cg_yaml_parse((const char *)data, size, &doc, &err) != CG_OK) {
        if (err.msg[0] == '\0')
            fail("a parse error without a message");
        return 0;
    }
    if (!json_is_object(doc))
        fail("the document is not a mapping");
    check_node(doc, 1);
    cg_octi_config_init(&cfg);
    if (cg_octi_config_from(&cfg, doc, "fuzz.yml", no_env, NULL, &err) !=
            CG_OK &&
        err.msg[0] == '\0')
        fail("a refused configuration without a message");
    cg_octi_config_release(&cfg);
    json_decref(doc);
    return 0;
}
