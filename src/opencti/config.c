/*
 * Loading and checking the connector's configuration. One table lists
 * every setting with its environment name, its config.yml path, its kind,
 * limits and default. Each kind has one reader that checks the text and
 * writes the field, so every setting is validated the same way, and every
 * message names the setting and where its value came from.
 */
#include "opencti/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "criminalip/client.h"
#include "opencti/yaml.h"
#include "store/store.h"

enum kind {
    K_TEXT,     /* any non-empty text */
    K_SECRET,   /* text never echoed in messages */
    K_HTTP_URL, /* http(s)://host[:port][/path] */
    K_UUID,
    K_NAME, /* text of at least 2 characters */
    K_PATH, /* URL path starting with '/' */
    K_ADDRESS,
    K_BOOL,
    K_INT,
    K_LLONG,
    K_CREDITS, /* a count, or "none" for no budget */
    K_NUMBER,
    K_MS,   /* duration into long milliseconds */
    K_S,    /* duration into long long seconds */
    K_LLMS, /* duration into long long milliseconds */
    K_TLP,
    K_LOG_LEVEL,
    K_LISTEN,
    K_QUEUE,
    K_RESOLUTION,
    K_SCOPE,
    K_TRISTATE,        /* bool into int, -1 when unset */
    K_UNSUPPORTED_TRUE /* a bool that may only be false */
};

struct setting {
    const char *env;
    const char *env_alt; /* another accepted name, or NULL */
    const char *yaml;    /* dotted path in config.yml */
    enum kind kind;
    size_t offset;
    long long min; /* numbers: range; durations: in ms */
    long long max;
    const char *def; /* default text, or NULL for none */
    bool required;
};

#define F(field) offsetof(struct cg_octi_config, field)
#define DAY_MS   (86400LL * 1000)

static const struct setting settings[] = {
    {"OPENCTI_URL", NULL, "opencti.url", K_HTTP_URL, F(opencti_url), 0, 0, NULL,
     true},
    {"OPENCTI_TOKEN", NULL, "opencti.token", K_SECRET, F(opencti_token), 0, 0,
     NULL, true},
    {"CONNECTOR_ID", NULL, "connector.id", K_UUID, F(id), 0, 0, NULL, true},
    {"CONNECTOR_NAME", NULL, "connector.name", K_NAME, F(name), 0, 0,
     "Criminal IP", false},
    {"CONNECTOR_SCOPE", NULL, "connector.scope", K_SCOPE, F(scope), 0, 0,
     "IPv4-Addr,IPv6-Addr,Domain-Name,Url", false},
    {"CONNECTOR_AUTO", NULL, "connector.auto", K_BOOL, F(auto_enrich), 0, 0,
     "false", false},
    {"CONNECTOR_AUTO_UPDATE", NULL, "connector.auto_update", K_BOOL,
     F(auto_update), 0, 0, "false", false},
    {"CONNECTOR_ENRICHMENT_RESOLUTION", NULL, "connector.enrichment_resolution",
     K_RESOLUTION, F(stix_bundle_resolution), 0, 0, "none", false},
    {"CONNECTOR_LOG_LEVEL", NULL, "connector.log_level", K_LOG_LEVEL,
     F(log_level), 0, 0, NULL, false},
    {"CONNECTOR_LISTEN_PROTOCOL", NULL, "connector.listen_protocol", K_LISTEN,
     F(listen_protocol), 0, 0, "AMQP", false},
    {"CONNECTOR_LISTEN_PROTOCOL_API_PORT", NULL,
     "connector.listen_protocol_api_port", K_INT, F(api_port), 1, 65535, "7070",
     false},
    {"CONNECTOR_LISTEN_PROTOCOL_API_PATH", NULL,
     "connector.listen_protocol_api_path", K_PATH, F(api_path), 0, 0,
     "/api/callback", false},
    {"CONNECTOR_LISTEN_PROTOCOL_API_URI", NULL,
     "connector.listen_protocol_api_uri", K_HTTP_URL, F(api_uri), 0, 0,
     "http://127.0.0.1:7070", false},
    {"CONNECTOR_LISTEN_PROTOCOL_API_SSL", NULL,
     "connector.listen_protocol_api_ssl", K_UNSUPPORTED_TRUE, 0, 0, 0, "false",
     false},
    {"CONNECTOR_QUEUE_PROTOCOL", NULL, "connector.queue_protocol", K_QUEUE,
     F(queue_protocol), 0, 0, "amqp", false},
    {"CRIMINALIP_TOKEN", "CRIMINALIP_API_KEY", "criminalip.token", K_SECRET,
     F(cip_token), 0, 0, NULL, true},
    {"CRIMINALIP_API_URL", NULL, "criminalip.api_url", K_HTTP_URL, F(cip_url),
     0, 0, CG_CIP_DEFAULT_URL, false},
    {"CRIMINALIP_MAX_TLP", NULL, "criminalip.max_tlp", K_TLP, F(max_tlp), 0, 0,
     "TLP:AMBER", false},
    {"MQ_HOST", NULL, "mq.host", K_TEXT, F(mq.host), 0, 0, NULL, false},
    {"MQ_PORT", NULL, "mq.port", K_INT, F(mq.port), 1, 65535, NULL, false},
    {"MQ_VHOST", NULL, "mq.vhost", K_TEXT, F(mq.vhost), 0, 0, NULL, false},
    {"MQ_USE_SSL", NULL, "mq.use_ssl", K_TRISTATE, F(mq.use_ssl), 0, 0, NULL,
     false},
    {"MQ_USER", NULL, "mq.user", K_TEXT, F(mq.user), 0, 0, NULL, false},
    {"MQ_PASS", NULL, "mq.pass", K_SECRET, F(mq.pass), 0, 0, NULL, false},
    {"MQ_USE_SSL_CA", NULL, "mq.use_ssl_ca", K_TEXT, F(mq.ssl_ca), 0, 0, NULL,
     false},
    {"MQ_USE_SSL_CERT", NULL, "mq.use_ssl_cert", K_TEXT, F(mq.ssl_cert), 0, 0,
     NULL, false},
    {"MQ_USE_SSL_KEY", NULL, "mq.use_ssl_key", K_TEXT, F(mq.ssl_key), 0, 0,
     NULL, false},
    {"MQ_USE_SSL_REJECT_UNAUTHORIZED", NULL, "mq.use_ssl_reject_unauthorized",
     K_BOOL, F(mq.ssl_verify), 0, 0, "false", false},
    {"CIPGRAPH_DB", NULL, "cipgraph.db", K_TEXT, F(db_path), 0, 0,
     CG_STORE_DEFAULT_PATH, false},
    {"CIPGRAPH_WORKERS", NULL, "cipgraph.workers", K_INT, F(workers), 1, 64,
     "1", false},
    {"CIPGRAPH_CONCURRENCY", NULL, "cipgraph.concurrency", K_INT,
     F(concurrency), 1, 256, "1", false},
    {"CIPGRAPH_RATE", NULL, "cipgraph.rate", K_NUMBER, F(rate), 0, 10000, "0",
     false},
    {"CIPGRAPH_MAX_CREDITS", NULL, "cipgraph.max_credits", K_CREDITS,
     F(max_credits), 0, 1000000000000LL, "none", false},
    {"CIPGRAPH_BUDGET_PERIOD", NULL, "cipgraph.budget_period", K_S,
     F(budget_period_s), 60000, 366 * DAY_MS, "1d", false},
    {"CIPGRAPH_TLP", NULL, "cipgraph.tlp", K_TLP, F(tlp), 0, 0, "TLP:AMBER",
     false},
    {"CIPGRAPH_RETRY_AFTER", NULL, "cipgraph.retry_after", K_S,
     F(retry_after_s), 1000, 7 * DAY_MS, "1h", false},
    {"CIPGRAPH_MAX_DELIVERIES", NULL, "cipgraph.max_deliveries", K_INT,
     F(max_deliveries), 1, 1000, "5", false},
    {"CIPGRAPH_LISTEN_ADDRESS", NULL, "cipgraph.listen_address", K_ADDRESS,
     F(listen_address), 0, 0, "0.0.0.0", false},
    {"CIPGRAPH_IP_TTL", NULL, "cipgraph.ip_ttl", K_S, F(ip_ttl_s), 0,
     366 * DAY_MS, "24h", false},
    {"CIPGRAPH_DOMAIN_TTL", NULL, "cipgraph.domain_ttl", K_S, F(domain_ttl_s),
     0, 366 * DAY_MS, "7d", false},
    {"CIPGRAPH_POLL_INTERVAL", NULL, "cipgraph.poll_interval", K_MS,
     F(poll_interval_ms), 100, 600000, "3s", false},
    {"CIPGRAPH_SCAN_DEADLINE", NULL, "cipgraph.scan_deadline", K_MS,
     F(scan_deadline_ms), 1000, 3600000, "180s", false},
    {"CIPGRAPH_WORK_PING_INTERVAL", NULL, "cipgraph.work_ping_interval", K_MS,
     F(work_ping_ms), 1000, 3600000, "60s", false},
    {"CIPGRAPH_PING_INTERVAL", NULL, "cipgraph.ping_interval", K_MS, F(ping_ms),
     1000, 240000, "40s", false},
    {"CIPGRAPH_MAX_BACKOFF", NULL, "cipgraph.max_backoff", K_LLMS,
     F(max_backoff_ms), 1000, 3600000, "60s", false},
};

void cg_octi_config_init(struct cg_octi_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->mq.use_ssl = -1;
    cfg->max_credits = -1;
}

void cg_octi_config_release(struct cg_octi_config *cfg)
{
    for (size_t i = 0; i < CG_ARRAY_LEN(settings); i++) {
        enum kind kind = settings[i].kind;

        if (kind <= K_ADDRESS) {
            char **field = (char **)((char *)cfg + settings[i].offset);

            free(*field);
            *field = NULL;
        }
    }
    json_decref(cfg->scope_names);
    cfg->scope_names = NULL;
}

unsigned cg_scope_parse(const char *name)
{
    static const char *const names[] = {"IPv4-Addr", "IPv6-Addr", "Domain-Name",
                                        "Url"};

    for (size_t i = 0; name && i < CG_ARRAY_LEN(names); i++) {
        if (strcasecmp(name, names[i]) == 0)
            return 1u << i;
    }
    return 0;
}

const char *cg_scope_name(unsigned type)
{
    switch (type) {
    case CG_SCOPE_IPV4:
        return "IPv4-Addr";
    case CG_SCOPE_IPV6:
        return "IPv6-Addr";
    case CG_SCOPE_DOMAIN:
        return "Domain-Name";
    case CG_SCOPE_URL:
        return "Url";
    default:
        return "";
    }
}

/* The source of a value (environment, file or default), for messages. */
struct origin {
    char text[160];
};

static void describe(struct origin *o, const struct setting *s,
                     const char *env_name, const char *source)
{
    if (env_name)
        snprintf(o->text, sizeof(o->text), "%s (environment)", env_name);
    else if (source)
        snprintf(o->text, sizeof(o->text), "%s in %s", s->yaml, source);
    else
        snprintf(o->text, sizeof(o->text), "%s (default)", s->env);
}

static enum cg_err invalid(struct cg_error *err, const struct setting *s,
                           const struct origin *o, const char *text,
                           const char *expected)
{
    if (s->kind == K_SECRET)
        return cg_error_set(err, CG_ERR_CONFIG, "invalid %s: %s", o->text,
                            expected);
    return cg_error_set(err, CG_ERR_CONFIG, "invalid %s '%.200s': %s", o->text,
                        text, expected);
}

/* Parses "500ms", "30s", "5m", "24h", "7d" or plain seconds into ms. */
static bool parse_duration_ms(const char *text, long long *ms)
{
    char *end;
    double value;
    double scale = 1000;

    errno = 0;
    value = strtod(text, &end);
    if (end == text || errno || !(value >= 0) || value > 1e9)
        return false;
    if (strcmp(end, "ms") == 0)
        scale = 1;
    else if (strcmp(end, "m") == 0)
        scale = 60000;
    else if (strcmp(end, "h") == 0)
        scale = 3600000;
    else if (strcmp(end, "d") == 0)
        scale = 86400000;
    else if (strcmp(end, "s") != 0 && *end != '\0')
        return false;
    *ms = (long long)(value * scale);
    return true;
}

static bool parse_bool(const char *text, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};

    for (size_t i = 0; i < CG_ARRAY_LEN(yes); i++) {
        if (strcasecmp(text, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcasecmp(text, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

static bool parse_integer(const char *text, long long min, long long max,
                          long long *out)
{
    char *end;
    long long value;

    if (!isdigit((unsigned char)text[0]))
        return false;
    errno = 0;
    value = strtoll(text, &end, 10);
    if (*end || errno || value < min || value > max)
        return false;
    *out = value;
    return true;
}

/* http:// or https://, a host, no blanks, query or fragment. */
static bool is_http_url(const char *text)
{
    const char *host;
    size_t host_len;

    if (strncasecmp(text, "http://", 7) == 0)
        host = text + 7;
    else if (strncasecmp(text, "https://", 8) == 0)
        host = text + 8;
    else
        return false;
    host_len = strcspn(host, "/");
    if (host_len == 0 || host[0] == ':' || strchr(host, '@'))
        return false;
    for (const char *p = text; *p; p++) {
        if (isspace((unsigned char)*p) || *p == '?' || *p == '#' ||
            (unsigned char)*p < 0x20)
            return false;
    }
    return true;
}

static bool is_uuid(const char *text)
{
    static const char pattern[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

    if (strlen(text) != sizeof(pattern) - 1)
        return false;
    for (size_t i = 0; pattern[i]; i++) {
        if (pattern[i] == '-' ? text[i] != '-'
                              : !isxdigit((unsigned char)text[i]))
            return false;
    }
    return true;
}

static bool is_address(const char *text)
{
    unsigned char buf[16];

    return inet_pton(AF_INET, text, buf) == 1 ||
           inet_pton(AF_INET6, text, buf) == 1;
}

/* Splits "a, b,c" into a JSON array of trimmed strings. */
static json_t *split_commas(const char *text)
{
    json_t *list = json_array();

    while (list && text) {
        const char *comma = strchr(text, ',');
        size_t len = comma ? (size_t)(comma - text) : strlen(text);

        while (len > 0 && isspace((unsigned char)*text)) {
            text++;
            len--;
        }
        while (len > 0 && isspace((unsigned char)text[len - 1]))
            len--;
        if (len > 0 && json_array_append_new(list, json_stringn(text, len))) {
            json_decref(list);
            return NULL;
        }
        text = comma ? comma + 1 : NULL;
    }
    return list;
}

/* Reads a comma list or a YAML list of OpenCTI types into the scope. */
static enum cg_err apply_scope(struct cg_octi_config *cfg,
                               const struct setting *s, const struct origin *o,
                               const char *text, const json_t *list,
                               struct cg_error *err)
{
    json_t *items = text ? split_commas(text) : json_incref((json_t *)list);
    json_t *names = json_array();
    unsigned scope = 0;
    enum cg_err rc = CG_OK;
    size_t i;
    json_t *item;

    if (!items || !names) {
        rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        goto out;
    }
    json_array_foreach(items, i, item) {
        const char *name = json_string_value(item);
        unsigned type = cg_scope_parse(name);

        if (!type) {
            rc = invalid(err, s, o, name ? name : "(not text)",
                         "each scope entry must be IPv4-Addr, IPv6-Addr, "
                         "Domain-Name or Url");
            goto out;
        }
        if (!(scope & type))
            json_array_append_new(names, json_string(cg_scope_name(type)));
        scope |= type;
    }
    if (scope == 0) {
        rc = invalid(err, s, o, text ? text : "",
                     "the scope is empty; list at least one of IPv4-Addr, "
                     "IPv6-Addr, Domain-Name and Url");
        goto out;
    }
    json_decref(cfg->scope_names);
    cfg->scope_names = json_incref(names);
    cfg->scope = scope;
out:
    json_decref(items);
    json_decref(names);
    return rc;
}

static enum cg_err apply_text(struct cg_octi_config *cfg,
                              const struct setting *s, const struct origin *o,
                              const char *text, struct cg_error *err)
{
    char **field = (char **)((char *)cfg + s->offset);
    size_t len = strlen(text);
    char *copy;

    if (s->kind == K_HTTP_URL && !is_http_url(text))
        return invalid(err, s, o, text,
                       "expected an http:// or https:// URL with a host and "
                       "no query");
    if (s->kind == K_UUID && !is_uuid(text))
        return invalid(err, s, o, text,
                       "expected a UUID such as "
                       "2f1c8c5e-4a8b-4f8e-9a52-0c6d1f2b7e11");
    if (s->kind == K_NAME && len < 2)
        return invalid(err, s, o, text, "expected at least 2 characters");
    if (s->kind == K_PATH && (text[0] != '/' || strpbrk(text, " ?#")))
        return invalid(err, s, o, text, "expected a URL path starting with /");
    if (s->kind == K_ADDRESS && !is_address(text))
        return invalid(err, s, o, text, "expected an IPv4 or IPv6 address");
    while (s->kind == K_HTTP_URL && len > 0 && text[len - 1] == '/')
        len--;
    copy = strndup(text, len);
    if (!copy)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    free(*field);
    *field = copy;
    if (s->kind == K_SECRET)
        cg_log_add_secret(copy);
    return CG_OK;
}

static enum cg_err apply_number(struct cg_octi_config *cfg,
                                const struct setting *s, const struct origin *o,
                                const char *text, struct cg_error *err)
{
    void *field = (char *)cfg + s->offset;
    char expected[128];
    long long value;
    double real;
    char *end;

    snprintf(expected, sizeof(expected),
             "expected a whole number from %lld "
             "to %lld",
             s->min, s->max);
    if (s->kind == K_CREDITS &&
        (strcasecmp(text, "none") == 0 || strcasecmp(text, "unlimited") == 0)) {
        *(long long *)field = -1;
        return CG_OK;
    }
    if (s->kind == K_NUMBER) {
        errno = 0;
        real = strtod(text, &end);
        if (*end || errno || end == text || !(real >= (double)s->min) ||
            real > (double)s->max)
            return invalid(err, s, o, text,
                           "expected a number from 0 to 10000");
        *(double *)field = real;
        return CG_OK;
    }
    if (!parse_integer(text, s->min, s->max, &value))
        return invalid(err, s, o, text,
                       s->kind == K_CREDITS
                           ? "expected a number of credits or 'none'"
                           : expected);
    if (s->kind == K_INT)
        *(int *)field = (int)value;
    else
        *(long long *)field = value;
    return CG_OK;
}

static enum cg_err apply_duration(struct cg_octi_config *cfg,
                                  const struct setting *s,
                                  const struct origin *o, const char *text,
                                  struct cg_error *err)
{
    void *field = (char *)cfg + s->offset;
    long long ms;
    char expected[160];

    snprintf(expected, sizeof(expected),
             "expected a duration from %lld ms to %lld s, such as 500ms, "
             "30s, 5m, 24h or 7d",
             s->min, s->max / 1000);
    if (!parse_duration_ms(text, &ms) || ms < s->min || ms > s->max)
        return invalid(err, s, o, text, expected);
    if (s->kind == K_MS)
        *(long *)field = (long)ms;
    else if (s->kind == K_S)
        *(long long *)field = ms / 1000;
    else
        *(long long *)field = ms;
    return CG_OK;
}

static enum cg_err apply_choice(struct cg_octi_config *cfg,
                                const struct setting *s, const struct origin *o,
                                const char *text, struct cg_error *err)
{
    void *field = (char *)cfg + s->offset;
    bool flag;

    switch (s->kind) {
    case K_BOOL:
    case K_TRISTATE:
    case K_UNSUPPORTED_TRUE:
        if (!parse_bool(text, &flag))
            return invalid(err, s, o, text, "expected true or false");
        if (s->kind == K_UNSUPPORTED_TRUE && flag)
            return invalid(err, s, o, text,
                           "TLS on the callback server is not supported; "
                           "put a TLS-terminating proxy in front of it");
        if (s->kind == K_BOOL)
            *(bool *)field = flag;
        else if (s->kind == K_TRISTATE)
            *(int *)field = flag;
        return CG_OK;
    case K_TLP:
        if (!cg_tlp_parse(text, (enum cg_tlp *)field))
            return invalid(err, s, o, text,
                           "use TLP:CLEAR (or TLP:WHITE), TLP:GREEN, "
                           "TLP:AMBER, TLP:AMBER+STRICT or TLP:RED; the TLP: "
                           "prefix is required");
        return CG_OK;
    case K_LOG_LEVEL:
        if (!cg_log_parse_level(text, (enum cg_log_level *)field))
            return invalid(err, s, o, text,
                           "use debug, info, warn, warning or error");
        cfg->log_level_set = true;
        return CG_OK;
    case K_LISTEN:
        if (strcasecmp(text, "AMQP") == 0 || strcasecmp(text, "API") == 0) {
            *(enum cg_listen_protocol *)field =
                strcasecmp(text, "API") == 0 ? CG_LISTEN_API : CG_LISTEN_AMQP;
            return CG_OK;
        }
        return invalid(err, s, o, text, "use AMQP or API");
    case K_QUEUE:
        if (strcasecmp(text, "amqp") == 0 || strcasecmp(text, "api") == 0) {
            *(enum cg_queue_protocol *)field =
                strcasecmp(text, "api") == 0 ? CG_QUEUE_API : CG_QUEUE_AMQP;
            return CG_OK;
        }
        return invalid(err, s, o, text, "use amqp or api");
    case K_RESOLUTION:
        if (strcasecmp(text, "none") == 0 ||
            strcasecmp(text, "stix_bundle") == 0) {
            *(bool *)field = strcasecmp(text, "stix_bundle") == 0;
            return CG_OK;
        }
        return invalid(err, s, o, text, "use none or stix_bundle");
    default:
        return cg_error_set(err, CG_ERR_CONFIG, "unknown setting kind");
    }
}

static enum cg_err apply(struct cg_octi_config *cfg, const struct setting *s,
                         const struct origin *o, const char *text,
                         const json_t *list, struct cg_error *err)
{
    switch (s->kind) {
    case K_SCOPE:
        return apply_scope(cfg, s, o, text, list, err);
    case K_TEXT:
    case K_SECRET:
    case K_HTTP_URL:
    case K_UUID:
    case K_NAME:
    case K_PATH:
    case K_ADDRESS:
        return apply_text(cfg, s, o, text, err);
    case K_INT:
    case K_LLONG:
    case K_CREDITS:
    case K_NUMBER:
        return apply_number(cfg, s, o, text, err);
    case K_MS:
    case K_S:
    case K_LLMS:
        return apply_duration(cfg, s, o, text, err);
    default:
        return apply_choice(cfg, s, o, text, err);
    }
}

/* Finds a dotted path in the YAML tree. */
static const json_t *yaml_lookup(const json_t *yaml, const char *path)
{
    char part[64];
    const json_t *node = yaml;

    while (node && *path) {
        size_t len = strcspn(path, ".");

        if (len >= sizeof(part))
            return NULL;
        memcpy(part, path, len);
        part[len] = '\0';
        node = json_is_object(node) ? json_object_get(node, part) : NULL;
        path += len + (path[len] == '.');
    }
    return node;
}

/* Reads one setting from the environment, the file or its default. */
static enum cg_err load_setting(struct cg_octi_config *cfg,
                                const struct setting *s, const json_t *yaml,
                                const char *source, cg_env_fn env,
                                void *env_data, struct cg_error *err)
{
    const char *env_name = s->env;
    const char *text = env(s->env, env_data);
    const json_t *node = NULL;
    struct origin o;

    if ((!text || !*text) && s->env_alt) {
        env_name = s->env_alt;
        text = env(s->env_alt, env_data);
    }
    if (!text || !*text) {
        env_name = NULL;
        text = NULL;
        node = yaml_lookup(yaml, s->yaml);
    }
    describe(&o, s, env_name, node ? source : NULL);
    if (node && json_is_array(node) && s->kind == K_SCOPE)
        return apply(cfg, s, &o, NULL, node, err);
    if (node && json_is_string(node) && json_string_length(node) > 0)
        text = json_string_value(node);
    else if (node && !json_is_null(node) && !json_is_string(node))
        return cg_error_set(err, CG_ERR_CONFIG,
                            "invalid %s: expected a single value", o.text);
    if (!text && s->required)
        return cg_error_set(err, CG_ERR_CONFIG,
                            "%s is missing: set it in the environment or as "
                            "%s in config.yml",
                            s->env, s->yaml);
    if (!text && !s->def)
        return CG_OK;
    if (!text)
        describe(&o, s, NULL, NULL);
    return apply(cfg, s, &o, text ? text : s->def, NULL, err);
}

enum cg_err cg_octi_config_from(struct cg_octi_config *cfg, const json_t *yaml,
                                const char *source, cg_env_fn env,
                                void *env_data, struct cg_error *err)
{
    enum cg_err rc = CG_OK;

    if (yaml && !json_is_object(yaml))
        return cg_error_set(err, CG_ERR_CONFIG,
                            "%s: the top level must be a mapping",
                            source ? source : "config.yml");
    for (size_t i = 0; rc == CG_OK && i < CG_ARRAY_LEN(settings); i++)
        rc = load_setting(cfg, &settings[i], yaml, source, env, env_data, err);
    if (rc == CG_OK && cfg->mq.pass)
        cg_log_add_secret(cfg->mq.pass);
    return rc;
}

static const char *process_env(const char *name, void *data)
{
    (void)data;
    return getenv(name);
}

static enum cg_err read_file(const char *path, struct cg_buf *out,
                             struct cg_error *err)
{
    FILE *f = fopen(path, "rb");
    char chunk[8192];
    size_t n;
    enum cg_err rc = CG_OK;

    if (!f)
        return cg_error_set(err, CG_ERR_IO,
                            "cannot read the config file %s: %s", path,
                            strerror(errno));
    cg_buf_init(out, CG_YAML_MAX_SIZE);
    while (rc == CG_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        rc = cg_buf_append(out, chunk, n);
    if (rc == CG_OK && ferror(f))
        rc = cg_error_set(err, CG_ERR_IO, "reading the config file %s failed",
                          path);
    else if (rc == CG_ERR_TOO_LARGE)
        rc = cg_error_set(err, rc, "the config file %s is larger than %d bytes",
                          path, CG_YAML_MAX_SIZE);
    else if (rc != CG_OK)
        rc = cg_error_set(err, rc, "out of memory");
    fclose(f);
    return rc;
}

enum cg_err cg_octi_config_load(struct cg_octi_config *cfg, const char *path,
                                struct cg_error *err)
{
    struct cg_buf text = CG_BUF_INIT;
    json_t *yaml = NULL;
    struct cg_error parse_err;
    enum cg_err rc = CG_OK;

    if (path) {
        rc = read_file(path, &text, err);
        if (rc == CG_OK) {
            rc = cg_yaml_parse(cg_buf_str(&text), text.len, &yaml, &parse_err);
            if (rc != CG_OK)
                cg_error_set(err, rc, "%s: %s", path,
                             cg_error_text(&parse_err));
        }
    }
    if (rc == CG_OK)
        rc = cg_octi_config_from(cfg, yaml, path, process_env, NULL, err);
    json_decref(yaml);
    cg_buf_release(&text);
    return rc;
}
