/*
 * Loading and checking the connector's configuration. One table lists
 * every setting with its environment name, its config.yml path, its kind,
 * limits and default. Each kind has one reader that checks the text and
 * writes the field, so every setting is validated the same way, and every
 * message names the setting and where its value came from. No message
 * shows a token, a password or the credentials of a URL.
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
#include "opencti/config_keys.h"
#include "opencti/config_secrets.h"
#include "opencti/config_values.h"
#include "opencti/yaml.h"
#include "store/store.h"

/* The kinds up to K_DB_PATH store a string; the others store no string. */
enum kind {
    K_TEXT,     /* any non-empty text without control characters */
    K_SECRET,   /* such text, never echoed in messages */
    K_TOKEN,    /* an API token: printable ASCII, never echoed */
    K_HTTP_URL, /* http(s)://host[:port][/path], without credentials */
    K_UUID,
    K_NAME, /* text of at least 2 characters */
    K_PATH, /* URL path starting with '/' */
    K_ADDRESS,
    K_FILE,    /* path of a readable regular file */
    K_DB_PATH, /* SQLite file in an existing, writable folder */
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
    K_TRISTATE,           /* bool into int, -1 when unset */
    K_UNSUPPORTED_TRUE,   /* a bool that may only be false */
    K_UNSUPPORTED_SECRET, /* a secret cipgraph cannot use: any value is an
                             error, never echoed */
    K_CONNECTOR_TYPE      /* INTERNAL_ENRICHMENT, the only type cipgraph is */
};

struct setting {
    const char *env;
    const char *yaml; /* dotted path in config.yml */
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
    {"OPENCTI_URL", "opencti.url", K_HTTP_URL, F(opencti_url), 0, 0, NULL,
     true},
    {"OPENCTI_TOKEN", "opencti.token", K_TOKEN, F(opencti_token), 0, 0, NULL,
     true},
    {"CONNECTOR_ID", "connector.id", K_UUID, F(id), 0, 0, NULL, true},
    {"CONNECTOR_TYPE", "connector.type", K_CONNECTOR_TYPE, 0, 0, 0, NULL,
     false},
    {"CONNECTOR_NAME", "connector.name", K_NAME, F(name), 0, 0, "Criminal IP",
     false},
    {"CONNECTOR_SCOPE", "connector.scope", K_SCOPE, F(scope), 0, 0,
     "IPv4-Addr,IPv6-Addr,Domain-Name,Url", false},
    {"CONNECTOR_AUTO", "connector.auto", K_BOOL, F(auto_enrich), 0, 0, "false",
     false},
    {"CONNECTOR_AUTO_UPDATE", "connector.auto_update", K_BOOL, F(auto_update),
     0, 0, "false", false},
    {"CONNECTOR_ONLY_CONTEXTUAL", "connector.only_contextual",
     K_UNSUPPORTED_TRUE, 0, 0, 0, "false", false},
    {"CONNECTOR_ENRICHMENT_RESOLUTION", "connector.enrichment_resolution",
     K_RESOLUTION, F(stix_bundle_resolution), 0, 0, "none", false},
    {"CONNECTOR_LOG_LEVEL", "connector.log_level", K_LOG_LEVEL, F(log_level), 0,
     0, NULL, false},
    {"CONNECTOR_LISTEN_PROTOCOL", "connector.listen_protocol", K_LISTEN,
     F(listen_protocol), 0, 0, "AMQP", false},
    {"CONNECTOR_LISTEN_PROTOCOL_API_PORT", "connector.listen_protocol_api_port",
     K_INT, F(api_port), 1, 65535, "7070", false},
    {"CONNECTOR_LISTEN_PROTOCOL_API_PATH", "connector.listen_protocol_api_path",
     K_PATH, F(api_path), 0, 0, "/api/callback", false},
    {"CONNECTOR_LISTEN_PROTOCOL_API_URI", "connector.listen_protocol_api_uri",
     K_HTTP_URL, F(api_uri), 0, 0, "http://127.0.0.1:7070", false},
    {"CONNECTOR_LISTEN_PROTOCOL_API_SSL", "connector.listen_protocol_api_ssl",
     K_UNSUPPORTED_TRUE, 0, 0, 0, "false", false},
    {"CONNECTOR_QUEUE_PROTOCOL", "connector.queue_protocol", K_QUEUE,
     F(queue_protocol), 0, 0, "amqp", false},
    {"CRIMINALIP_TOKEN", "criminalip.token", K_TOKEN, F(cip_token), 0, 0, NULL,
     true},
    {"CRIMINALIP_API_URL", "criminalip.api_url", K_HTTP_URL, F(cip_url), 0, 0,
     CG_CIP_DEFAULT_URL, false},
    {"CRIMINALIP_MAX_TLP", "criminalip.max_tlp", K_TLP, F(max_tlp), 0, 0,
     "TLP:AMBER", false},
    {"MQ_HOST", "mq.host", K_TEXT, F(mq.host), 0, 0, NULL, false},
    {"MQ_PORT", "mq.port", K_INT, F(mq.port), 1, 65535, NULL, false},
    {"MQ_VHOST", "mq.vhost", K_TEXT, F(mq.vhost), 0, 0, NULL, false},
    {"MQ_USE_SSL", "mq.use_ssl", K_TRISTATE, F(mq.use_ssl), 0, 0, NULL, false},
    {"MQ_USER", "mq.user", K_TEXT, F(mq.user), 0, 0, NULL, false},
    {"MQ_PASS", "mq.pass", K_SECRET, F(mq.pass), 0, 0, NULL, false},
    {"MQ_USE_SSL_CA", "mq.use_ssl_ca", K_FILE, F(mq.ssl_ca), 0, 0, NULL, false},
    {"MQ_USE_SSL_CERT", "mq.use_ssl_cert", K_FILE, F(mq.ssl_cert), 0, 0, NULL,
     false},
    {"MQ_USE_SSL_KEY", "mq.use_ssl_key", K_FILE, F(mq.ssl_key), 0, 0, NULL,
     false},
    {"MQ_USE_SSL_PASSPHRASE", "mq.use_ssl_passphrase", K_UNSUPPORTED_SECRET, 0,
     0, 0, NULL, false},
    {"MQ_USE_SSL_REJECT_UNAUTHORIZED", "mq.use_ssl_reject_unauthorized", K_BOOL,
     F(mq.ssl_verify), 0, 0, "false", false},
    {"CIPGRAPH_DB", "cipgraph.db", K_DB_PATH, F(db_path), 0, 0,
     CG_STORE_DEFAULT_PATH, false},
    {"CIPGRAPH_WORKERS", "cipgraph.workers", K_INT, F(workers), 1, 64, "1",
     false},
    {"CIPGRAPH_CONCURRENCY", "cipgraph.concurrency", K_INT, F(concurrency), 1,
     256, "1", false},
    {"CIPGRAPH_RATE", "cipgraph.rate", K_NUMBER, F(rate), 0, 10000, "0", false},
    {"CIPGRAPH_MAX_CREDITS", "cipgraph.max_credits", K_CREDITS, F(max_credits),
     0, 1000000000000LL, "none", false},
    {"CIPGRAPH_BUDGET_PERIOD", "cipgraph.budget_period", K_S,
     F(budget_period_s), 60000, 366 * DAY_MS, "1d", false},
    {"CIPGRAPH_TLP", "cipgraph.tlp", K_TLP, F(tlp), 0, 0, "TLP:AMBER", false},
    {"CIPGRAPH_RETRY_AFTER", "cipgraph.retry_after", K_S, F(retry_after_s),
     1000, 7 * DAY_MS, "1h", false},
    {"CIPGRAPH_MAX_DELIVERIES", "cipgraph.max_deliveries", K_INT,
     F(max_deliveries), 1, 1000, "5", false},
    {"CIPGRAPH_LISTEN_ADDRESS", "cipgraph.listen_address", K_ADDRESS,
     F(listen_address), 0, 0, "0.0.0.0", false},
    {"CIPGRAPH_IP_TTL", "cipgraph.ip_ttl", K_S, F(ip_ttl_s), 0, 366 * DAY_MS,
     "24h", false},
    {"CIPGRAPH_DOMAIN_TTL", "cipgraph.domain_ttl", K_S, F(domain_ttl_s), 0,
     366 * DAY_MS, "7d", false},
    {"CIPGRAPH_POLL_INTERVAL", "cipgraph.poll_interval", K_MS,
     F(poll_interval_ms), 100, 600000, "3s", false},
    {"CIPGRAPH_SCAN_DEADLINE", "cipgraph.scan_deadline", K_MS,
     F(scan_deadline_ms), 1000, 3600000, "180s", false},
    {"CIPGRAPH_WORK_PING_INTERVAL", "cipgraph.work_ping_interval", K_MS,
     F(work_ping_ms), 1000, 3600000, "60s", false},
    {"CIPGRAPH_PING_INTERVAL", "cipgraph.ping_interval", K_MS, F(ping_ms), 1000,
     240000, "40s", false},
    {"CIPGRAPH_MAX_BACKOFF", "cipgraph.max_backoff", K_LLMS, F(max_backoff_ms),
     1000, 3600000, "60s", false},
};

/*
 * Other names of a setting. Besides CRIMINALIP_API_KEY, these are the
 * names of the Python Criminal IP connector, so that its config.yml and
 * environment work unchanged. Its connectors-sdk settings moved max_tlp
 * from criminal_ip to connector, and both are accepted.
 */
struct alias {
    const char *env;        /* the setting's own environment name */
    const char *env_alias;  /* another environment name, or NULL */
    const char *yaml_alias; /* another config.yml path, or NULL */
};

static const struct alias aliases[] = {
    {"CRIMINALIP_TOKEN", "CRIMINALIP_API_KEY", NULL},
    {"CRIMINALIP_TOKEN", "CRIMINAL_IP_TOKEN", "criminal_ip.token"},
    {"CRIMINALIP_MAX_TLP", "CRIMINAL_IP_MAX_TLP", "criminal_ip.max_tlp"},
    {"CRIMINALIP_MAX_TLP", "CONNECTOR_MAX_TLP", "connector.max_tlp"},
};

/* Most names one setting has in the environment, or in config.yml. */
#define NAMES_MAX 3

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

        if (kind <= K_DB_PATH) {
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

static bool is_secret(enum kind kind)
{
    return kind == K_SECRET || kind == K_TOKEN || kind == K_UNSUPPORTED_SECRET;
}

/*
 * Secrets shorter than this are not masked in a whole message, as in the
 * log redactor, because masking them would mangle ordinary words. Echoed
 * values are masked whatever the length.
 */
#define MESSAGE_SECRET_MIN 4

/* The source of a value (environment, file or default), for messages. */
struct origin {
    char text[256];
    const struct cg_octi_secrets *secrets; /* masked in echoed values */
};

/*
 * Fails with a message that names the setting, its source and the value,
 * unless the setting is secret. Secrets in the value are masked and control
 * characters shown as '?'.
 */
static enum cg_err invalid(struct cg_error *err, const struct setting *s,
                           const struct origin *o, const char *text,
                           const char *expected)
{
    char shown[208];

    if (is_secret(s->kind))
        return cg_error_set(err, CG_ERR_CONFIG, "invalid %s: %s", o->text,
                            expected);
    cg_octi_secrets_redact(o->secrets, text, 1, shown, sizeof(shown));
    for (char *p = shown; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    }
    return cg_error_set(err, CG_ERR_CONFIG, "invalid %s '%s': %s", o->text,
                        shown, expected);
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

enum cg_err cg_octi_check_db_path(const char *path, const char *origin,
                                  struct cg_error *err)
{
    char problem[512];

    if (cg_octi_check_db_file(path, problem, sizeof(problem)))
        return CG_OK;
    return cg_error_set(err, CG_ERR_CONFIG, "invalid %s '%.200s': %s", origin,
                        path, problem);
}

/* Checks the kinds that are a file-system path. */
static enum cg_err check_path(const struct setting *s, const struct origin *o,
                              const char *text, struct cg_error *err)
{
    char problem[512];

    if (s->kind == K_FILE &&
        !cg_octi_check_file(text, problem, sizeof(problem)))
        return invalid(err, s, o, text, problem);
    if (s->kind == K_DB_PATH &&
        !cg_octi_check_db_file(text, problem, sizeof(problem)))
        return invalid(err, s, o, text, problem);
    return CG_OK;
}

/* Checks the text of every kind that stores a string. */
static enum cg_err check_text(const struct setting *s, const struct origin *o,
                              const char *text, struct cg_error *err)
{
    size_t len = strlen(text);
    size_t bad = cg_octi_find_bad_byte(text, s->kind == K_TOKEN);
    char problem[160];

    /* pycti also accepts the PEM text itself; it may be a private key. */
    if (s->kind == K_FILE && strncmp(text, "-----BEGIN", 10) == 0)
        return cg_error_set(err, CG_ERR_CONFIG,
                            "invalid %s: expected a file path; PEM text in the "
                            "setting is not supported, so write it to a file",
                            o->text);
    if (bad && s->kind == K_TOKEN)
        return cg_error_set(err, CG_ERR_CONFIG,
                            "invalid %s: byte %zu is a space, a control "
                            "character or not ASCII, and a token is printable "
                            "ASCII (look for a pasted line break or carriage "
                            "return)",
                            o->text, bad);
    if (bad)
        return cg_error_set(err, CG_ERR_CONFIG,
                            "invalid %s: byte %zu is a control character "
                            "(look for a pasted line break or carriage "
                            "return)",
                            o->text, bad);
    if (s->kind == K_HTTP_URL &&
        !cg_octi_check_url(text, problem, sizeof(problem)))
        return invalid(err, s, o, text, problem);
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
    return check_path(s, o, text, err);
}

static enum cg_err apply_text(struct cg_octi_config *cfg,
                              const struct setting *s, const struct origin *o,
                              const char *text, struct cg_error *err)
{
    char **field = (char **)((char *)cfg + s->offset);
    size_t len = strlen(text);
    enum cg_err rc = check_text(s, o, text, err);
    char *copy;

    if (rc != CG_OK)
        return rc;
    while (s->kind == K_HTTP_URL && len > 0 && text[len - 1] == '/')
        len--;
    copy = strndup(text, len);
    if (!copy)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    free(*field);
    *field = copy;
    if (is_secret(s->kind))
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

/* Returns the reason a K_UNSUPPORTED_TRUE setting may not be true. */
static const char *unsupported_reason(const struct setting *s)
{
    if (strcmp(s->env, "CONNECTOR_ONLY_CONTEXTUAL") == 0)
        return "cipgraph registers with only_contextual false and enriches "
               "every observable of its scope; narrow CONNECTOR_SCOPE instead";
    return "TLS on the callback server is not supported; put a "
           "TLS-terminating proxy in front of it";
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
            return invalid(err, s, o, text, unsupported_reason(s));
        if (s->kind == K_BOOL)
            *(bool *)field = flag;
        else if (s->kind == K_TRISTATE)
            *(int *)field = flag;
        return CG_OK;
    case K_UNSUPPORTED_SECRET:
        return invalid(err, s, o, text,
                       "encrypted client keys are not supported; decrypt the "
                       "key file (openssl pkey -in KEY -out PLAIN_KEY) and "
                       "remove this setting");
    case K_CONNECTOR_TYPE:
        if (strcasecmp(text, "INTERNAL_ENRICHMENT") == 0)
            return CG_OK;
        return invalid(err, s, o, text,
                       "cipgraph is an INTERNAL_ENRICHMENT connector; set "
                       "that or remove the setting");
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
    case K_TOKEN:
    case K_HTTP_URL:
    case K_UUID:
    case K_NAME:
    case K_PATH:
    case K_ADDRESS:
    case K_FILE:
    case K_DB_PATH:
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

/* The sources and the target of one cg_octi_config_from call. */
struct loader {
    struct cg_octi_config *cfg;
    const json_t *yaml;  /* NULL without a file */
    const json_t *lines; /* line map of yaml, or NULL */
    const char *source;  /* the file's name for messages */
    cg_env_fn env;
    void *env_data;
    struct cg_octi_secrets secrets;
};

/* Lists a setting's environment names, its own first; returns the count. */
static size_t env_names(const struct setting *s, const char *names[NAMES_MAX])
{
    size_t count = 0;

    names[count++] = s->env;
    for (size_t i = 0; i < CG_ARRAY_LEN(aliases) && count < NAMES_MAX; i++) {
        if (strcmp(aliases[i].env, s->env) == 0 && aliases[i].env_alias)
            names[count++] = aliases[i].env_alias;
    }
    return count;
}

/* Lists a setting's config.yml paths, its own first; returns the count. */
static size_t yaml_paths(const struct setting *s, const char *paths[NAMES_MAX])
{
    size_t count = 0;

    paths[count++] = s->yaml;
    for (size_t i = 0; i < CG_ARRAY_LEN(aliases) && count < NAMES_MAX; i++) {
        if (strcmp(aliases[i].env, s->env) == 0 && aliases[i].yaml_alias)
            paths[count++] = aliases[i].yaml_alias;
    }
    return count;
}

static void add_secret_text(struct cg_octi_secrets *list, enum kind kind,
                            const char *text)
{
    if (kind == K_HTTP_URL)
        cg_octi_secrets_add_url(list, text);
    else
        cg_octi_secrets_add(list, text, strlen(text));
}

/* Collects every secret value of every source, used or not. */
static void collect_secrets(struct loader *ld)
{
    for (size_t i = 0; i < CG_ARRAY_LEN(settings); i++) {
        const struct setting *s = &settings[i];
        const char *names[NAMES_MAX];
        size_t count;

        if (!is_secret(s->kind) && s->kind != K_HTTP_URL)
            continue;
        count = env_names(s, names);
        for (size_t j = 0; j < count; j++) {
            const char *text = ld->env(names[j], ld->env_data);

            if (text)
                add_secret_text(&ld->secrets, s->kind, text);
        }
        count = yaml_paths(s, names);
        for (size_t j = 0; j < count; j++) {
            const json_t *node = yaml_lookup(ld->yaml, names[j]);

            if (json_is_string(node))
                add_secret_text(&ld->secrets, s->kind, json_string_value(node));
        }
    }
}

/* Writes "PATH in FILE (line N)" into out. */
static void name_yaml(const struct loader *ld, const char *path, char *out,
                      size_t size)
{
    int line = cg_octi_key_line(ld->lines, path);

    if (line > 0)
        snprintf(out, size, "%s in %s (line %d)", path, ld->source, line);
    else
        snprintf(out, size, "%s in %s", path, ld->source);
}

/* Describes where a value comes from: env_name, else yaml_path, else the
 * setting's default. */
static void describe(struct origin *o, const struct loader *ld,
                     const struct setting *s, const char *env_name,
                     const char *yaml_path)
{
    o->secrets = &ld->secrets;
    if (env_name)
        snprintf(o->text, sizeof(o->text), "%s (environment)", env_name);
    else if (yaml_path)
        name_yaml(ld, yaml_path, o->text, sizeof(o->text));
    else
        snprintf(o->text, sizeof(o->text), "%s (default)", s->env);
}

/*
 * Sets *name and *text from the first of a setting's environment variables
 * that is set and not empty. An empty one counts as unset, as in pycti.
 * Two set to different values are an error, since either could be the one
 * meant. An empty CONNECTOR_SCOPE is an error too, because pycti would
 * register the scope "not-applicable", which enriches nothing, and so
 * neither that nor cipgraph's default is clearly what was meant.
 */
static enum cg_err read_env(const struct loader *ld, const struct setting *s,
                            const char **name, const char **text,
                            struct cg_error *err)
{
    const char *names[NAMES_MAX];
    size_t count = env_names(s, names);

    *name = NULL;
    *text = NULL;
    for (size_t i = 0; i < count; i++) {
        const char *value = ld->env(names[i], ld->env_data);

        if (value && !*value && s->kind == K_SCOPE)
            return cg_error_set(err, CG_ERR_CONFIG,
                                "%s (environment) is empty: list at least one "
                                "of IPv4-Addr, IPv6-Addr, Domain-Name and Url, "
                                "or unset it for the default",
                                names[i]);
        if (!value || !*value)
            continue;
        if (!*text) {
            *name = names[i];
            *text = value;
        } else if (strcmp(value, *text) != 0) {
            return cg_error_set(err, CG_ERR_CONFIG,
                                "%s and %s are both set, to different values; "
                                "keep one",
                                *name, names[i]);
        }
    }
    return CG_OK;
}

static bool is_empty_node(const json_t *node)
{
    return json_is_null(node) ||
           (json_is_string(node) && json_string_length(node) == 0);
}

/* The same for a setting's config.yml paths; null and '' count as unset. */
static enum cg_err read_yaml(const struct loader *ld, const struct setting *s,
                             const char **path, const json_t **node,
                             struct cg_error *err)
{
    const char *paths[NAMES_MAX];
    size_t count = yaml_paths(s, paths);
    char first[256];
    char second[256];

    *path = NULL;
    *node = NULL;
    for (size_t i = 0; ld->yaml && i < count; i++) {
        const json_t *value = yaml_lookup(ld->yaml, paths[i]);

        if (value && is_empty_node(value) && s->kind == K_SCOPE) {
            name_yaml(ld, paths[i], first, sizeof(first));
            return cg_error_set(err, CG_ERR_CONFIG,
                                "%s is empty: list at least one of IPv4-Addr, "
                                "IPv6-Addr, Domain-Name and Url, or remove the "
                                "key for the default",
                                first);
        }
        if (!value || is_empty_node(value))
            continue;
        if (!*node) {
            *path = paths[i];
            *node = value;
        } else if (!json_equal((json_t *)value, (json_t *)*node)) {
            name_yaml(ld, *path, first, sizeof(first));
            name_yaml(ld, paths[i], second, sizeof(second));
            return cg_error_set(err, CG_ERR_CONFIG,
                                "%s and %s are set to different values; keep "
                                "one",
                                first, second);
        }
    }
    return CG_OK;
}

/* Reads one setting from the environment, the file or its default. */
static enum cg_err load_setting(struct loader *ld, const struct setting *s,
                                struct cg_error *err)
{
    const char *env_name = NULL;
    const char *text = NULL;
    const char *path = NULL;
    const json_t *node = NULL;
    struct origin o;
    enum cg_err rc = read_env(ld, s, &env_name, &text, err);

    if (rc == CG_OK && !text)
        rc = read_yaml(ld, s, &path, &node, err);
    if (rc != CG_OK)
        return rc;
    describe(&o, ld, s, env_name, path);
    if (node && json_is_array(node) && s->kind == K_SCOPE)
        return apply(ld->cfg, s, &o, NULL, node, err);
    if (node && json_is_string(node))
        text = json_string_value(node);
    else if (node)
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
        describe(&o, ld, s, NULL, NULL);
    return apply(ld->cfg, s, &o, text ? text : s->def, NULL, err);
}

/* Checks the settings that depend on each other. */
static enum cg_err check_combinations(const struct cg_octi_config *cfg,
                                      struct cg_error *err)
{
    if (!cfg->mq.ssl_cert != !cfg->mq.ssl_key)
        return cg_error_set(
            err, CG_ERR_CONFIG,
            "%s is set but %s is not: a client certificate "
            "needs its key, so set both or neither",
            cfg->mq.ssl_cert ? "MQ_USE_SSL_CERT" : "MQ_USE_SSL_KEY",
            cfg->mq.ssl_cert ? "MQ_USE_SSL_KEY" : "MQ_USE_SSL_CERT");
    return CG_OK;
}

/* Checks config.yml's sections and keys against every accepted path. */
static enum cg_err check_keys(const struct loader *ld, struct cg_error *err)
{
    const char *paths[CG_ARRAY_LEN(settings) + CG_ARRAY_LEN(aliases)];
    size_t count = 0;

    for (size_t i = 0; i < CG_ARRAY_LEN(settings); i++)
        paths[count++] = settings[i].yaml;
    for (size_t i = 0; i < CG_ARRAY_LEN(aliases); i++) {
        if (aliases[i].yaml_alias)
            paths[count++] = aliases[i].yaml_alias;
    }
    return cg_octi_check_keys(ld->yaml, ld->lines, ld->source, paths, count,
                              err);
}

enum cg_err cg_octi_config_from(struct cg_octi_config *cfg, const json_t *yaml,
                                const json_t *lines, const char *source,
                                cg_env_fn env, void *env_data,
                                struct cg_error *err)
{
    struct loader ld = {.cfg = cfg,
                        .yaml = yaml,
                        .lines = lines,
                        .source = source ? source : "config.yml",
                        .env = env,
                        .env_data = env_data};
    enum cg_err rc = CG_OK;

    if (yaml && !json_is_object(yaml))
        return cg_error_set(err, CG_ERR_CONFIG,
                            "%s: the top level must be a mapping", ld.source);
    collect_secrets(&ld);
    if (yaml)
        rc = check_keys(&ld, err);
    for (size_t i = 0; rc == CG_OK && i < CG_ARRAY_LEN(settings); i++)
        rc = load_setting(&ld, &settings[i], err);
    if (rc == CG_OK)
        rc = check_combinations(cfg, err);
    if (rc != CG_OK && err) {
        char clean[sizeof(err->msg)];

        cg_octi_secrets_redact(&ld.secrets, err->msg, MESSAGE_SECRET_MIN, clean,
                               sizeof(clean));
        memcpy(err->msg, clean, sizeof(clean));
    }
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
    json_t *lines = NULL;
    struct cg_error parse_err;
    enum cg_err rc = CG_OK;

    if (path) {
        rc = read_file(path, &text, err);
        if (rc == CG_OK) {
            rc = cg_yaml_parse_lines(cg_buf_str(&text), text.len, &yaml, &lines,
                                     &parse_err);
            if (rc != CG_OK)
                cg_error_set(err, rc, "%s: %s", path,
                             cg_error_text(&parse_err));
        }
    }
    if (rc == CG_OK)
        rc =
            cg_octi_config_from(cfg, yaml, lines, path, process_env, NULL, err);
    json_decref(yaml);
    json_decref(lines);
    cg_buf_release(&text);
    return rc;
}
