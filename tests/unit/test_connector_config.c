/*
 * The connector's configuration: the config.yml subset parser and the
 * checks of every setting, with the environment winning over the file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "opencti/config.h"
#include "opencti/yaml.h"

/* A fake environment: NULL-terminated pairs of name and value. */
static const char *table_env(const char *name, void *data)
{
    const char *const *pairs = data;

    for (size_t i = 0; pairs && pairs[i]; i += 2) {
        if (strcmp(pairs[i], name) == 0)
            return pairs[i + 1];
    }
    return NULL;
}

static const char *const required[] = {"OPENCTI_URL",
                                       "http://opencti:8080/",
                                       "OPENCTI_TOKEN",
                                       "token-0001",
                                       "CONNECTOR_ID",
                                       "2f1c8c5e-4a8b-4f8e-9a52-0c6d1f2b7e11",
                                       "CRIMINALIP_TOKEN",
                                       "key-0001",
                                       NULL};

static json_t *yaml(const char *text)
{
    json_t *doc = NULL;
    struct cg_error err;

    assert_int_equal(cg_yaml_parse(text, strlen(text), &doc, &err), CG_OK);
    return doc;
}

static void assert_yaml_error(const char *text, enum cg_err code,
                              const char *part)
{
    json_t *doc = NULL;
    struct cg_error err;

    assert_int_equal(cg_yaml_parse(text, strlen(text), &doc, &err), code);
    assert_null(doc);
    assert_non_null(strstr(err.msg, part));
}

static void test_yaml_nested_mappings(void **state)
{
    json_t *doc = yaml("---\n# comment\nopencti:\n  url: 'http://x:8080'\n"
                       "  token: \"a \\\"b\\\" c\"  # trailing\n"
                       "connector:\n  id: abc\n  auto: true\n"
                       "  empty:\n  tilde: ~\n  hash: a#b\n...\nignored: 1\n");

    (void)state;
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(doc, "opencti"), "url")),
                        "http://x:8080");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(doc, "opencti"), "token")),
                        "a \"b\" c");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(doc, "connector"), "auto")),
                        "true");
    assert_true(json_is_null(
        json_object_get(json_object_get(doc, "connector"), "empty")));
    assert_true(json_is_null(
        json_object_get(json_object_get(doc, "connector"), "tilde")));
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(doc, "connector"), "hash")),
                        "a#b");
    assert_null(json_object_get(doc, "ignored"));
    json_decref(doc);
}

static void test_yaml_lists(void **state)
{
    json_t *doc = yaml("a:\n  - x\n  - 'y z'\nb:\n- one # c\n- http://u/\n"
                       "c: [IPv4-Addr, \"Url\" ,Domain-Name]\nd: []\n");
    json_t *a = json_object_get(doc, "a");
    json_t *b = json_object_get(doc, "b");
    json_t *c = json_object_get(doc, "c");

    (void)state;
    assert_int_equal(json_array_size(a), 2);
    assert_string_equal(json_string_value(json_array_get(a, 1)), "y z");
    assert_int_equal(json_array_size(b), 2);
    assert_string_equal(json_string_value(json_array_get(b, 0)), "one");
    assert_string_equal(json_string_value(json_array_get(b, 1)), "http://u/");
    assert_int_equal(json_array_size(c), 3);
    assert_string_equal(json_string_value(json_array_get(c, 1)), "Url");
    assert_int_equal(json_array_size(json_object_get(doc, "d")), 0);
    json_decref(doc);
}

static void test_yaml_rejects_unsupported(void **state)
{
    (void)state;
    assert_yaml_error("a:\n\tb: 1\n", CG_ERR_PARSE, "line 2: tab");
    assert_yaml_error("a: &x 1\n", CG_ERR_PARSE, "anchors");
    assert_yaml_error("a: |\n  text\n", CG_ERR_PARSE, "block scalars");
    assert_yaml_error("a:\n  - b: 1\n", CG_ERR_PARSE, "lists of mappings");
    assert_yaml_error("a:\n  - [x, y]\n", CG_ERR_PARSE, "nested lists");
    assert_yaml_error("a: 1\na: 2\n", CG_ERR_PARSE, "line 2: duplicate key");
    assert_yaml_error("a: 'open\n", CG_ERR_PARSE, "unterminated");
    assert_yaml_error("a: [x, y\n", CG_ERR_PARSE, "flow list");
    assert_yaml_error("  a: 1\n", CG_ERR_PARSE, "indented");
    assert_yaml_error("a: 1\n   b: 2\n", CG_ERR_PARSE, "line 2");
    assert_yaml_error("just text\n", CG_ERR_PARSE, "line 1: expected");
    assert_yaml_error("a: \"x\" y\n", CG_ERR_PARSE, "after a quoted");
    assert_yaml_error("- a\n", CG_ERR_PARSE, "list item where a key");
}

static void test_yaml_limits(void **state)
{
    char deep[512] = "";
    char *big = malloc(CG_YAML_MAX_SIZE + 2);
    json_t *doc = NULL;
    struct cg_error err;

    (void)state;
    for (int i = 0; i < CG_YAML_MAX_DEPTH + 1; i++) {
        char line[64];

        snprintf(line, sizeof(line), "%*sk%d:\n", i * 2, "", i);
        strcat(deep, line);
    }
    strcat(deep, "                    leaf: 1\n");
    assert_yaml_error(deep, CG_ERR_TOO_DEEP, "nesting");
    assert_non_null(big);
    memset(big, 'a', CG_YAML_MAX_SIZE + 1);
    big[CG_YAML_MAX_SIZE + 1] = '\0';
    assert_int_equal(cg_yaml_parse(big, CG_YAML_MAX_SIZE + 1, &doc, &err),
                     CG_ERR_TOO_LARGE);
    free(big);
}

static enum cg_err load(struct cg_octi_config *cfg, const json_t *doc,
                        const char *const *env, struct cg_error *err)
{
    cg_octi_config_init(cfg);
    return cg_octi_config_from(cfg, doc, "config.yml", table_env, (void *)env,
                               err);
}

static void test_config_defaults(void **state)
{
    struct cg_octi_config cfg;
    struct cg_error err;

    (void)state;
    assert_int_equal(load(&cfg, NULL, required, &err), CG_OK);
    assert_string_equal(cfg.opencti_url, "http://opencti:8080");
    assert_string_equal(cfg.name, "Criminal IP");
    assert_int_equal(cfg.scope, CG_SCOPE_ALL);
    assert_int_equal(json_array_size(cfg.scope_names), 4);
    assert_int_equal(cfg.max_tlp, CG_TLP_AMBER);
    assert_int_equal(cfg.tlp, CG_TLP_AMBER);
    assert_int_equal(cfg.listen_protocol, CG_LISTEN_AMQP);
    assert_int_equal(cfg.queue_protocol, CG_QUEUE_AMQP);
    assert_int_equal(cfg.api_port, 7070);
    assert_string_equal(cfg.api_path, "/api/callback");
    assert_false(cfg.auto_enrich);
    assert_int_equal(cfg.workers, 1);
    assert_int_equal(cfg.max_credits, -1);
    assert_int_equal(cfg.retry_after_s, 3600);
    assert_int_equal(cfg.ping_ms, 40000);
    assert_int_equal(cfg.mq.use_ssl, -1);
    assert_null(cfg.mq.host);
    assert_false(cfg.log_level_set);
    cg_octi_config_release(&cfg);
}

static void test_config_env_wins_over_file(void **state)
{
    json_t *doc = yaml("opencti:\n  url: http://file:8080\n"
                       "connector:\n  scope: [Url, ipv4-addr]\n"
                       "  log_level: debug\n"
                       "criminalip:\n  max_tlp: TLP:RED\n"
                       "mq:\n  host: rabbit\n  port: '5673'\n"
                       "cipgraph:\n  max_credits: 500\n"
                       "  retry_after: 15m\n");
    const char *const env[] = {"OPENCTI_TOKEN",
                               "t-0001",
                               "CONNECTOR_ID",
                               "2f1c8c5e-4a8b-4f8e-9a52-0c6d1f2b7e11",
                               "CRIMINALIP_API_KEY",
                               "k-0001",
                               "CRIMINALIP_MAX_TLP",
                               "tlp:clear",
                               "MQ_USE_SSL",
                               "yes",
                               NULL};
    struct cg_octi_config cfg;
    struct cg_error err;

    (void)state;
    assert_int_equal(load(&cfg, doc, env, &err), CG_OK);
    assert_string_equal(cfg.opencti_url, "http://file:8080");
    assert_string_equal(cfg.cip_token, "k-0001");
    assert_int_equal(cfg.scope, CG_SCOPE_URL | CG_SCOPE_IPV4);
    assert_string_equal(json_string_value(json_array_get(cfg.scope_names, 1)),
                        "IPv4-Addr");
    assert_int_equal(cfg.max_tlp, CG_TLP_CLEAR);
    assert_string_equal(cfg.mq.host, "rabbit");
    assert_int_equal(cfg.mq.port, 5673);
    assert_int_equal(cfg.mq.use_ssl, 1);
    assert_int_equal(cfg.max_credits, 500);
    assert_int_equal(cfg.retry_after_s, 900);
    assert_true(cfg.log_level_set);
    assert_int_equal(cfg.log_level, CG_LOG_DEBUG);
    cg_octi_config_release(&cfg);
    json_decref(doc);
}

/* Loads the required settings plus one more and expects a refusal. */
static void assert_refused(const char *name, const char *value,
                           const char *part)
{
    const char *env[12];
    struct cg_octi_config cfg;
    struct cg_error err;
    size_t n = 0;

    for (size_t i = 0; required[i]; i += 2) {
        if (strcmp(required[i], name) == 0)
            continue;
        env[n++] = required[i];
        env[n++] = required[i + 1];
    }
    env[n++] = name;
    env[n++] = value;
    env[n] = NULL;
    assert_int_equal(load(&cfg, NULL, env, &err), CG_ERR_CONFIG);
    if (!strstr(err.msg, part))
        fail_msg("'%s' not in '%s'", part, err.msg);
    cg_octi_config_release(&cfg);
}

static void test_config_rejects_bad_values(void **state)
{
    (void)state;
    assert_refused("CRIMINALIP_MAX_TLP", "WHITE",
                   "the TLP: prefix is required");
    assert_refused("CRIMINALIP_MAX_TLP", "TLP:PURPLE", "'TLP:PURPLE'");
    assert_refused("CIPGRAPH_TLP", "AMBER", "CIPGRAPH_TLP (environment)");
    assert_refused("OPENCTI_URL", "ftp://x", "http:// or https://");
    assert_refused("OPENCTI_URL", "http://", "http:// or https://");
    assert_refused("OPENCTI_URL", "http://x/?a=1", "no query");
    assert_refused("CRIMINALIP_API_URL", "api.criminalip.io", "https://");
    assert_refused("CONNECTOR_SCOPE", "IPv4-Addr,Hostname", "'Hostname'");
    assert_refused("CONNECTOR_SCOPE", " , ", "the scope is empty");
    assert_refused("CONNECTOR_ID", "not-a-uuid", "expected a UUID");
    assert_refused("CONNECTOR_NAME", "x", "at least 2 characters");
    assert_refused("CONNECTOR_LISTEN_PROTOCOL_API_PORT", "0", "1 to 65535");
    assert_refused("CONNECTOR_LISTEN_PROTOCOL_API_PORT", "8080x", "'8080x'");
    assert_refused("CONNECTOR_LISTEN_PROTOCOL_API_PATH", "callback",
                   "starting with /");
    assert_refused("CONNECTOR_LISTEN_PROTOCOL", "http", "use AMQP or API");
    assert_refused("CONNECTOR_QUEUE_PROTOCOL", "kafka", "use amqp or api");
    assert_refused("CONNECTOR_AUTO", "maybe", "expected true or false");
    assert_refused("CONNECTOR_LOG_LEVEL", "loud", "use debug");
    assert_refused("MQ_PORT", "-1", "MQ_PORT");
    assert_refused("CIPGRAPH_WORKERS", "65", "1 to 64");
    assert_refused("CIPGRAPH_RATE", "-2", "0 to 10000");
    assert_refused("CIPGRAPH_MAX_CREDITS", "lots", "or 'none'");
    assert_refused("CIPGRAPH_RETRY_AFTER", "0s", "duration");
    assert_refused("CIPGRAPH_LISTEN_ADDRESS", "localhost", "IPv4 or IPv6");
    assert_refused("CONNECTOR_LISTEN_PROTOCOL_API_SSL", "true",
                   "not supported");
}

static void test_config_missing_and_secret(void **state)
{
    const char *const env[] = {"OPENCTI_URL",
                               "http://x",
                               "OPENCTI_TOKEN",
                               "token-secret-1",
                               "CONNECTOR_ID",
                               "2f1c8c5e-4a8b-4f8e-9a52-0c6d1f2b7e11",
                               NULL};
    json_t *doc = yaml("opencti:\n  token: [a, b]\n");
    struct cg_octi_config cfg;
    struct cg_error err;

    (void)state;
    assert_int_equal(load(&cfg, NULL, env, &err), CG_ERR_CONFIG);
    assert_non_null(strstr(err.msg, "CRIMINALIP_TOKEN is missing"));
    assert_non_null(strstr(err.msg, "criminalip.token"));
    cg_octi_config_release(&cfg);
    assert_refused("OPENCTI_TOKEN", "", "OPENCTI_TOKEN is missing");
    assert_int_equal(load(&cfg, doc, NULL, &err), CG_ERR_CONFIG);
    assert_non_null(strstr(err.msg, "opencti.url"));
    cg_octi_config_release(&cfg);
    json_decref(doc);
}

static void test_scope_names(void **state)
{
    (void)state;
    assert_int_equal(cg_scope_parse("ipv6-addr"), CG_SCOPE_IPV6);
    assert_int_equal(cg_scope_parse("DOMAIN-NAME"), CG_SCOPE_DOMAIN);
    assert_int_equal(cg_scope_parse("Hostname"), 0);
    assert_int_equal(cg_scope_parse(NULL), 0);
    assert_string_equal(cg_scope_name(CG_SCOPE_URL), "Url");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_yaml_nested_mappings),
        cmocka_unit_test(test_yaml_lists),
        cmocka_unit_test(test_yaml_rejects_unsupported),
        cmocka_unit_test(test_yaml_limits),
        cmocka_unit_test(test_config_defaults),
        cmocka_unit_test(test_config_env_wins_over_file),
        cmocka_unit_test(test_config_rejects_bad_values),
        cmocka_unit_test(test_config_missing_and_secret),
        cmocka_unit_test(test_scope_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
