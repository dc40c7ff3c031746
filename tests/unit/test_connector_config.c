/*
 * The connector's configuration: the config.yml subset parser and the
 * checks of every setting, with the environment winning over the file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static void test_yaml_skips_bom(void **state)
{
    static const char text[] = "\xEF\xBB\xBFopencti:\n  url: http://x\n";
    json_t *doc = NULL;
    json_t *lines = NULL;
    struct cg_error err;

    (void)state;
    assert_int_equal(
        cg_yaml_parse_lines(text, strlen(text), &doc, &lines, &err), CG_OK);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(doc, "opencti"), "url")),
                        "http://x");
    assert_int_equal(json_object_size(doc), 1);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(lines, "opencti"), "line")),
                     1);
    json_decref(doc);
    json_decref(lines);
}

static int key_line(const json_t *lines, const char *section, const char *key)
{
    const json_t *entry = json_object_get(lines, section);

    if (key)
        entry = json_object_get(json_object_get(entry, "keys"), key);
    return (int)json_integer_value(json_object_get(entry, "line"));
}

static void test_yaml_line_map(void **state)
{
    static const char text[] = "---\n# comment\nopencti:\n  url: x\n\n"
                               "connector:\n  scope:\n  - Url\n  id: y\n"
                               "empty:\n";
    json_t *doc = NULL;
    json_t *lines = NULL;
    struct cg_error err;

    (void)state;
    assert_int_equal(
        cg_yaml_parse_lines(text, strlen(text), &doc, &lines, &err), CG_OK);
    assert_int_equal(key_line(lines, "opencti", NULL), 3);
    assert_int_equal(key_line(lines, "opencti", "url"), 4);
    assert_int_equal(key_line(lines, "connector", NULL), 6);
    assert_int_equal(key_line(lines, "connector", "scope"), 7);
    assert_int_equal(key_line(lines, "connector", "id"), 9);
    assert_int_equal(key_line(lines, "empty", NULL), 10);
    assert_null(json_object_get(
        json_object_get(
            json_object_get(json_object_get(lines, "connector"), "keys"),
            "scope"),
        "keys"));
    json_decref(doc);
    json_decref(lines);
}

static enum cg_err load(struct cg_octi_config *cfg, const json_t *doc,
                        const char *const *env, struct cg_error *err)
{
    cg_octi_config_init(cfg);
    return cg_octi_config_from(cfg, doc, NULL, "config.yml", table_env,
                               (void *)env, err);
}

/*
 * Loads text as config.yml (NULL: no file) with its line map, and the
 * environment: the required settings, replaced or extended by extra (pairs
 * of name and value, NULL-terminated; NULL for none).
 */
static enum cg_err load_config(struct cg_octi_config *cfg, const char *text,
                               const char *const *extra, struct cg_error *err)
{
    const char *env[64];
    json_t *doc = NULL;
    json_t *lines = NULL;
    size_t n = 0;
    enum cg_err rc;

    for (size_t i = 0; required[i]; i += 2) {
        bool replaced = false;

        for (size_t j = 0; extra && extra[j]; j += 2)
            replaced = replaced || strcmp(extra[j], required[i]) == 0;
        if (!replaced) {
            env[n++] = required[i];
            env[n++] = required[i + 1];
        }
    }
    for (size_t j = 0; extra && extra[j]; j += 2) {
        assert_true(n + 3 < sizeof(env) / sizeof(env[0]));
        env[n++] = extra[j];
        env[n++] = extra[j + 1];
    }
    env[n] = NULL;
    if (text)
        assert_int_equal(
            cg_yaml_parse_lines(text, strlen(text), &doc, &lines, err), CG_OK);
    cg_octi_config_init(cfg);
    rc =
        cg_octi_config_from(cfg, doc, lines, "config.yml", table_env, env, err);
    json_decref(doc);
    json_decref(lines);
    return rc;
}

/* Expects load_config to fail with part in the message. */
static void assert_config_error(const char *text, const char *const *extra,
                                const char *part)
{
    struct cg_octi_config cfg;
    struct cg_error err;

    assert_int_equal(load_config(&cfg, text, extra, &err), CG_ERR_CONFIG);
    if (!strstr(err.msg, part))
        fail_msg("'%s' not in '%s'", part, err.msg);
    cg_octi_config_release(&cfg);
}

/* Expects load_config to fail naming part, without secret in the message. */
static void assert_hidden(const char *text, const char *const *extra,
                          const char *secret, const char *part)
{
    struct cg_octi_config cfg;
    struct cg_error err;

    assert_int_equal(load_config(&cfg, text, extra, &err), CG_ERR_CONFIG);
    if (strstr(err.msg, secret))
        fail_msg("the secret '%s' is in '%s'", secret, err.msg);
    if (!strstr(err.msg, part))
        fail_msg("'%s' not in '%s'", part, err.msg);
    cg_octi_config_release(&cfg);
}

static void assert_config_ok(const char *text, const char *const *extra)
{
    struct cg_octi_config cfg;
    struct cg_error err;

    if (load_config(&cfg, text, extra, &err) != CG_OK)
        fail_msg("refused: %s", err.msg);
    cg_octi_config_release(&cfg);
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

static void test_config_rejects_unknown_keys(void **state)
{
    (void)state;
    assert_config_error("opencti:\n  ulr: http://x\n", NULL,
                        "config.yml: line 2: unknown key 'ulr' in section "
                        "'opencti' (did you mean 'url'?)");
    assert_config_error("connector:\n  id: x\n  scpoe: IPv4-Addr\n", NULL,
                        "line 3: unknown key 'scpoe' in section 'connector' "
                        "(did you mean 'scope'?)");
    assert_config_error("criminalip:\n  max_tpl: TLP:RED\n", NULL,
                        "did you mean 'max_tlp'?");
    assert_config_error("mq:\n  Host: rabbit\n", NULL, "did you mean 'host'?");
    assert_config_error("cipgraph:\n  workers: 2\ncipgarph:\n  workers: 3\n",
                        NULL,
                        "config.yml: line 3: unknown section 'cipgarph' (did "
                        "you mean 'cipgraph'?)");
    assert_config_error("opencti:\n  colour: blue\n", NULL,
                        "unknown key 'colour' in section 'opencti'; "
                        "docs/CONNECTOR.md lists the accepted keys");
    assert_config_error("extras:\n  a: 1\n", NULL,
                        "unknown section 'extras'; the sections are "
                        "opencti, connector, criminalip, mq, cipgraph, "
                        "criminal_ip");
    assert_config_error("criminalip.max_tlp: TLP:RED\n", NULL,
                        "write it as a nested mapping, 'criminalip:' with "
                        "'max_tlp' indented");
    assert_config_error("opencti: http://x\n", NULL,
                        "line 1: section 'opencti' must be a mapping");
    assert_config_error("mq: [a, b]\n", NULL, "must be a mapping");
    assert_config_error("connector:\n  a\001b: 1\n", NULL, "unknown key 'a?b'");
}

/* The Python Criminal IP connector's config.yml, with common pycti keys. */
static void test_config_python_connector_file(void **state)
{
    static const char text[] =
        "opencti:\n  url: 'http://localhost:8080'\n  token: 'py-token-0001'\n"
        "  ssl_verify: false\n  json_logging: true\n"
        "  custom_headers: 'h1:v1'\n"
        "connector:\n  type: 'INTERNAL_ENRICHMENT'\n"
        "  id: '2f1c8c5e-4a8b-4f8e-9a52-0c6d1f2b7e11'\n"
        "  name: 'Criminal IP'\n  scope: 'IPv4-Addr,Domain-Name'\n"
        "  auto: false\n  log_level: 'error'\n  max_tlp: 'TLP:GREEN'\n"
        "  confidence_level: 50\n  update_existing_data: true\n"
        "  run_and_terminate: false\n  only_contextual: false\n"
        "  validate_before_import: false\n  queue_threshold: 500\n"
        "  duration_period: PT5M\n  send_to_queue: true\n"
        "  send_to_directory: false\n  send_to_directory_path:\n"
        "  send_to_directory_retention: 7\n  expose_metrics: false\n"
        "  metrics_namespace: x\n  metrics_subsystem: y\n"
        "  metrics_port: 9095\n  listen_protocol_api_ssl_key:\n"
        "  listen_protocol_api_ssl_cert:\n"
        "  listen_protocol_api_ssl_passphrase:\n"
        "criminal_ip:\n  token: 'py-key-0001'\n";
    static const char older[] =
        "opencti:\n  url: 'http://localhost:8080'\n  token: 'py-token-0001'\n"
        "connector:\n  id: '2f1c8c5e-4a8b-4f8e-9a52-0c6d1f2b7e11'\n"
        "criminal_ip:\n  token: 'py-key-0001'\n  max_tlp: 'TLP:RED'\n";
    json_t *doc = NULL;
    json_t *lines = NULL;
    struct cg_octi_config cfg;
    struct cg_error err;

    (void)state;
    assert_int_equal(
        cg_yaml_parse_lines(text, strlen(text), &doc, &lines, &err), CG_OK);
    cg_octi_config_init(&cfg);
    if (cg_octi_config_from(&cfg, doc, lines, "config.yml", table_env, NULL,
                            &err) != CG_OK)
        fail_msg("refused: %s", err.msg);
    assert_string_equal(cfg.cip_token, "py-key-0001");
    assert_string_equal(cfg.opencti_token, "py-token-0001");
    assert_int_equal(cfg.max_tlp, CG_TLP_GREEN);
    assert_int_equal(cfg.scope, CG_SCOPE_IPV4 | CG_SCOPE_DOMAIN);
    cg_octi_config_release(&cfg);
    json_decref(doc);
    json_decref(lines);

    assert_int_equal(
        cg_yaml_parse_lines(older, strlen(older), &doc, &lines, &err), CG_OK);
    cg_octi_config_init(&cfg);
    if (cg_octi_config_from(&cfg, doc, lines, "config.yml", table_env, NULL,
                            &err) != CG_OK)
        fail_msg("refused: %s", err.msg);
    assert_int_equal(cfg.max_tlp, CG_TLP_RED);
    cg_octi_config_release(&cfg);
    json_decref(doc);
    json_decref(lines);
}

static void test_config_aliases(void **state)
{
    const char *const green[] = {"CONNECTOR_MAX_TLP", "TLP:GREEN", NULL};
    const char *const python_key[] = {"CRIMINALIP_TOKEN", "",
                                      "CRIMINAL_IP_TOKEN", "py-key-0002", NULL};
    const char *const two_tlps[] = {"CRIMINALIP_MAX_TLP", "TLP:RED",
                                    "CONNECTOR_MAX_TLP", "TLP:GREEN", NULL};
    const char *const same_tlps[] = {"CRIMINALIP_MAX_TLP", "TLP:RED",
                                     "CRIMINAL_IP_MAX_TLP", "TLP:RED", NULL};
    const char *const unset_token[] = {"CRIMINALIP_TOKEN", "", NULL};
    struct cg_octi_config cfg;
    struct cg_error err;

    (void)state;
    assert_int_equal(load_config(&cfg, NULL, green, &err), CG_OK);
    assert_int_equal(cfg.max_tlp, CG_TLP_GREEN);
    cg_octi_config_release(&cfg);
    assert_int_equal(load_config(&cfg, NULL, python_key, &err), CG_OK);
    assert_string_equal(cfg.cip_token, "py-key-0002");
    cg_octi_config_release(&cfg);
    assert_config_error(NULL, two_tlps,
                        "CRIMINALIP_MAX_TLP and CONNECTOR_MAX_TLP are both "
                        "set, to different values");
    assert_config_ok(NULL, same_tlps);
    assert_config_error("criminalip:\n  max_tlp: TLP:RED\n"
                        "connector:\n  max_tlp: TLP:GREEN\n",
                        NULL,
                        "criminalip.max_tlp in config.yml (line 2) and "
                        "connector.max_tlp in config.yml (line 4) are set to "
                        "different values");
    assert_config_ok("criminalip:\n  max_tlp: TLP:RED\n"
                     "criminal_ip:\n  max_tlp: TLP:RED\n",
                     NULL);
    assert_config_error("criminalip:\n  token: k1\ncriminal_ip:\n  token: k2\n",
                        unset_token, "are set to different values");
}

static void test_config_hides_secrets(void **state)
{
    const char *const url_token[] = {
        "OPENCTI_URL", "http://user:tok-SECRET-0001@127.0.0.1:8080",
        "OPENCTI_TOKEN", "tok-SECRET-0001", NULL};
    const char *const url_password[] = {
        "OPENCTI_URL", "http://admin:hunter2-pass@127.0.0.1:8080/", NULL};
    const char *const mq_port[] = {"MQ_PASS", "MQPASS-SECRET", "MQ_PORT",
                                   "x-MQPASS-SECRET", NULL};
    const char *const short_pass[] = {"MQ_PASS", "pw1", "MQ_PORT", "pw1", NULL};
    const char *const cip_url[] = {"CRIMINALIP_API_URL",
                                   "https://k:cip-SECRET-9@api.example/", NULL};
    const char *const token_key[] = {"OPENCTI_TOKEN", "tokenkey-SECRET", NULL};
    const char *const in_db_path[] = {"CIPGRAPH_DB",
                                      "/nonexistent-MQPASS-SECRET/x.db",
                                      "MQ_PASS", "MQPASS-SECRET", NULL};

    (void)state;
    assert_hidden(NULL, url_token, "tok-SECRET-0001", "OPENCTI_URL");
    assert_hidden(NULL, url_token, "user:tok", "credentials (user:password@)");
    assert_hidden(NULL, url_password, "hunter2-pass",
                  "'http://[REDACTED]@127.0.0.1:8080/'");
    assert_hidden(NULL, mq_port, "MQPASS-SECRET", "invalid MQ_PORT");
    assert_hidden(NULL, short_pass, "pw1", "'[REDACTED]'");
    assert_hidden(NULL, cip_url, "cip-SECRET-9", "CRIMINALIP_API_URL");
    assert_hidden("mq:\n  port: x-FILEPASS-1\n  pass: FILEPASS-1\n", NULL,
                  "FILEPASS-1", "invalid mq.port in config.yml (line 2)");
    assert_hidden("opencti:\n  tokenkey-SECRET: 1\n", token_key,
                  "tokenkey-SECRET", "unknown key '[REDACTED]'");
    assert_hidden(NULL, in_db_path, "MQPASS-SECRET", "CIPGRAPH_DB");
}

static void test_config_checks_urls(void **state)
{
    static const char *const refused[][2] = {
        {"http://127.0.0.1:99999", "the port must be a number from 1 to 65535"},
        {"http://127.0.0.1:0/", "the port must be"},
        {"http://host:80a", "the port must be"},
        {"http://host:/", "the port must be"},
        {"https://host:0065536", "the port must be"},
        {"http://[::1", "IPv6 address in brackets"},
        {"http://[zz]:80", "IPv6 address in brackets"},
        {"http://:8080", "with a host"},
        {"http://ho st", "with a host"},
    };
    static const char *const accepted[] = {
        "http://[::1]:8080", "https://host:65535/opencti/",
        "http://h/user@example", "HTTPS://Host"};

    (void)state;
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        const char *const env[] = {"OPENCTI_URL", refused[i][0], NULL};

        assert_config_error(NULL, env, refused[i][1]);
    }
    for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
        const char *const env[] = {"OPENCTI_URL", accepted[i], NULL};

        assert_config_ok(NULL, env);
    }
}

static void test_config_rejects_control_characters(void **state)
{
    static const char *const tokens[][2] = {
        {"abc\ndef", "byte 4"}, {"abc\r", "byte 4"},  {"a\tb", "byte 2"},
        {"a b", "byte 2"},      {"ab\x7f", "byte 3"}, {"ab\xc3\xa9", "byte 3"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
        const char *const cip[] = {"CRIMINALIP_TOKEN", tokens[i][0], NULL};
        const char *const octi[] = {"OPENCTI_TOKEN", tokens[i][0], NULL};

        assert_hidden(NULL, cip, tokens[i][0], tokens[i][1]);
        assert_hidden(NULL, cip, tokens[i][0], "invalid CRIMINALIP_TOKEN");
        assert_hidden(NULL, octi, tokens[i][0], "printable ASCII");
    }
    {
        const char *const pass[] = {"MQ_PASS", "pass\nword", NULL};
        const char *const host[] = {"MQ_HOST", "rabbit\r", NULL};
        const char *const spaced[] = {"MQ_PASS", "pass word", NULL};

        assert_hidden(NULL, pass, "pass\nword",
                      "invalid MQ_PASS (environment): byte 5 is a control");
        assert_config_error(NULL, host, "byte 7 is a control character");
        assert_config_ok(NULL, spaced);
    }
}

static void test_config_rejects_empty_scope(void **state)
{
    const char *const empty[] = {"CONNECTOR_SCOPE", "", NULL};

    (void)state;
    assert_config_error(NULL, empty,
                        "CONNECTOR_SCOPE (environment) is empty: list at "
                        "least one of");
    assert_config_error("connector:\n  scope:\n", NULL,
                        "connector.scope in config.yml (line 2) is empty");
    assert_config_error("connector:\n  scope: ''\n", NULL,
                        "connector.scope in config.yml (line 2) is empty");
    assert_config_error("connector:\n  scope: []\n", NULL,
                        "the scope is empty");
}

/* Creates a file in folder with text; returns its path in out. */
static void write_file(const char *folder, const char *name, const char *text,
                       char *out, size_t size)
{
    FILE *f;

    snprintf(out, size, "%s/%s", folder, name);
    f = fopen(out, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_config_checks_tls_files(void **state)
{
    char folder[] = "/tmp/cg-config-XXXXXX";
    char ca[256];
    char cert[256];
    char key[256];

    (void)state;
    assert_non_null(mkdtemp(folder));
    write_file(folder, "ca.pem", "-----BEGIN CERTIFICATE-----\n", ca,
               sizeof(ca));
    write_file(folder, "cert.pem", "-----BEGIN CERTIFICATE-----\n", cert,
               sizeof(cert));
    write_file(folder, "key.pem", "-----BEGIN PRIVATE KEY-----\n", key,
               sizeof(key));
    {
        const char *const missing[] = {"MQ_USE_SSL_CA", "/nonexistent", NULL};
        const char *const is_folder[] = {"MQ_USE_SSL_CA", folder, NULL};
        const char *const good_ca[] = {"MQ_USE_SSL_CA", ca, NULL};
        const char *const cert_only[] = {"MQ_USE_SSL_CERT", cert, NULL};
        const char *const key_only[] = {"MQ_USE_SSL_KEY", key, NULL};
        const char *const pair[] = {"MQ_USE_SSL_CERT", cert, "MQ_USE_SSL_KEY",
                                    key, NULL};
        const char *const missing_key[] = {"MQ_USE_SSL_CERT", cert,
                                           "MQ_USE_SSL_KEY", "/nonexistent.key",
                                           NULL};
        const char *const pem_text[] = {
            "MQ_USE_SSL_KEY", "-----BEGIN PRIVATE KEY-----\nMIIEvQ-SECRET\n",
            NULL};
        const char *const passphrase[] = {"MQ_USE_SSL_PASSPHRASE",
                                          "phrase-SECRET", NULL};

        assert_config_error(NULL, missing,
                            "invalid MQ_USE_SSL_CA (environment) "
                            "'/nonexistent': cannot read the file: No such "
                            "file");
        assert_config_error(NULL, is_folder, "not a regular file");
        assert_config_ok(NULL, good_ca);
        assert_config_error(NULL, cert_only,
                            "MQ_USE_SSL_CERT is set but MQ_USE_SSL_KEY is "
                            "not");
        assert_config_error(NULL, key_only,
                            "MQ_USE_SSL_KEY is set but MQ_USE_SSL_CERT is "
                            "not");
        assert_config_ok(NULL, pair);
        assert_config_error(NULL, missing_key, "invalid MQ_USE_SSL_KEY");
        assert_hidden(NULL, pem_text, "MIIEvQ-SECRET", "PEM text");
        assert_hidden(NULL, passphrase, "phrase-SECRET",
                      "encrypted client keys are not supported");
        assert_config_error("mq:\n  use_ssl_ca: /nonexistent\n", NULL,
                            "invalid mq.use_ssl_ca in config.yml (line 2)");
    }
    unlink(ca);
    unlink(cert);
    unlink(key);
    rmdir(folder);
}

static void test_config_checks_db_path(void **state)
{
    char folder[] = "/tmp/cg-config-XXXXXX";
    char db[256];
    struct cg_error err;

    (void)state;
    assert_non_null(mkdtemp(folder));
    snprintf(db, sizeof(db), "%s/connector.db", folder);
    {
        const char *const missing[] = {"CIPGRAPH_DB", "/nonexistent/dir/x.db",
                                       NULL};
        const char *const is_folder[] = {"CIPGRAPH_DB", folder, NULL};
        const char *const good[] = {"CIPGRAPH_DB", db, NULL};
        const char *const relative[] = {"CIPGRAPH_DB", "connector.db", NULL};

        assert_config_error(NULL, missing,
                            "invalid CIPGRAPH_DB (environment) "
                            "'/nonexistent/dir/x.db': the folder "
                            "/nonexistent/dir does not exist");
        assert_config_error(NULL, is_folder, "this is a folder");
        assert_config_ok(NULL, good);
        assert_config_ok(NULL, relative);
    }
    assert_int_equal(cg_octi_check_db_path("/nonexistent/x.db", "--db", &err),
                     CG_ERR_CONFIG);
    assert_non_null(strstr(err.msg, "invalid --db '/nonexistent/x.db'"));
    assert_int_equal(cg_octi_check_db_path(db, "--db", &err), CG_OK);
    rmdir(folder);
}

static void test_config_connector_type(void **state)
{
    const char *const enrichment[] = {"CONNECTOR_TYPE", "internal_enrichment",
                                      NULL};
    const char *const other[] = {"CONNECTOR_TYPE", "EXTERNAL_IMPORT", NULL};
    const char *const contextual[] = {"CONNECTOR_ONLY_CONTEXTUAL", "true",
                                      NULL};

    (void)state;
    assert_config_ok(NULL, enrichment);
    assert_config_error(NULL, other,
                        "invalid CONNECTOR_TYPE (environment) "
                        "'EXTERNAL_IMPORT': cipgraph is an "
                        "INTERNAL_ENRICHMENT connector");
    assert_config_error(NULL, contextual,
                        "registers with only_contextual false");
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
        cmocka_unit_test(test_yaml_skips_bom),
        cmocka_unit_test(test_yaml_line_map),
        cmocka_unit_test(test_config_defaults),
        cmocka_unit_test(test_config_env_wins_over_file),
        cmocka_unit_test(test_config_rejects_bad_values),
        cmocka_unit_test(test_config_missing_and_secret),
        cmocka_unit_test(test_config_rejects_unknown_keys),
        cmocka_unit_test(test_config_python_connector_file),
        cmocka_unit_test(test_config_aliases),
        cmocka_unit_test(test_config_hides_secrets),
        cmocka_unit_test(test_config_checks_urls),
        cmocka_unit_test(test_config_rejects_control_characters),
        cmocka_unit_test(test_config_rejects_empty_scope),
        cmocka_unit_test(test_config_checks_tls_files),
        cmocka_unit_test(test_config_checks_db_path),
        cmocka_unit_test(test_config_connector_type),
        cmocka_unit_test(test_scope_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
