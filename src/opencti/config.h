/*
 * The connector's configuration: the settings OpenCTI connectors already
 * use (OPENCTI_*, CONNECTOR_*, CRIMINALIP_*, MQ_*) and cipgraph's own
 * (CIPGRAPH_*), read from a config.yml laid out like OpenCTI's connectors
 * and from the environment, which overrides the file. Every value is
 * checked at start-up, so a bad one stops the connector with a message
 * naming the setting, where it came from and what is accepted.
 */
#ifndef CG_OPENCTI_CONFIG_H
#define CG_OPENCTI_CONFIG_H

#include <jansson.h>

#include "core/log.h"
#include "stix/object.h"

/* The entity types the connector can enrich, as a bit set. */
enum cg_scope_type {
    CG_SCOPE_IPV4 = 1 << 0,
    CG_SCOPE_IPV6 = 1 << 1,
    CG_SCOPE_DOMAIN = 1 << 2,
    CG_SCOPE_URL = 1 << 3
};

#define CG_SCOPE_ALL \
    (CG_SCOPE_IPV4 | CG_SCOPE_IPV6 | CG_SCOPE_DOMAIN | CG_SCOPE_URL)

enum cg_listen_protocol { CG_LISTEN_AMQP, CG_LISTEN_API };
enum cg_queue_protocol { CG_QUEUE_AMQP, CG_QUEUE_API };

/* RabbitMQ settings that override the ones registration returns. */
struct cg_mq_override {
    char *host; /* each NULL when not set */
    int port;   /* 0 when not set */
    char *vhost;
    int use_ssl; /* -1 when not set, else 0 or 1 */
    char *user;
    char *pass;
    char *ssl_ca;    /* MQ_USE_SSL_CA: CA bundle path */
    char *ssl_cert;  /* MQ_USE_SSL_CERT: client certificate path */
    char *ssl_key;   /* MQ_USE_SSL_KEY: client key path */
    bool ssl_verify; /* MQ_USE_SSL_REJECT_UNAUTHORIZED, default false as in
                        pycti */
};

struct cg_octi_config {
    /* OpenCTI */
    char *opencti_url; /* without a trailing slash */
    char *opencti_token;

    /* connector */
    char *id;
    char *name;
    unsigned scope;      /* enum cg_scope_type bits */
    json_t *scope_names; /* the scope as registered, e.g. ["IPv4-Addr"] */
    bool auto_enrich;
    bool auto_update;
    bool stix_bundle_resolution; /* CONNECTOR_ENRICHMENT_RESOLUTION */
    enum cg_log_level log_level;
    bool log_level_set; /* CONNECTOR_LOG_LEVEL was given */
    enum cg_listen_protocol listen_protocol;
    int api_port;
    char *api_path;
    char *api_uri;
    char *listen_address; /* CIPGRAPH_LISTEN_ADDRESS */
    enum cg_queue_protocol queue_protocol;

    /* Criminal IP */
    char *cip_token;
    char *cip_url;
    enum cg_tlp max_tlp;

    /* MQ_* */
    struct cg_mq_override mq;

    /* cipgraph */
    char *db_path;
    int workers;
    int concurrency;
    double rate;               /* calls per second for all workers, 0: none */
    long long max_credits;     /* per budget period, < 0: no budget */
    long long budget_period_s; /* length of a budget period */
    enum cg_tlp tlp;           /* marking of created objects */
    long long retry_after_s;   /* wait after credits run out or the key is
                                  rejected, before calling the API again */
    int max_deliveries;        /* deliveries of one message before it is
                                  rejected */
    long long ip_ttl_s;
    long long domain_ttl_s;
    long poll_interval_ms;
    long scan_deadline_ms;
    long work_ping_ms;        /* pingWork interval during a long enrichment */
    long ping_ms;             /* pingConnector interval */
    long long max_backoff_ms; /* maximum wait between reconnection attempts */
};

/* Fills cfg with the defaults; every string is NULL until loaded. */
void cg_octi_config_init(struct cg_octi_config *cfg);

/* Frees the contents of cfg. */
void cg_octi_config_release(struct cg_octi_config *cfg);

/*
 * Reads the config.yml at path (NULL: none) and then the environment
 * through getenv, which wins over the file, and checks every value and
 * every key of the file. Returns CG_ERR_CONFIG naming the setting (or the
 * unknown key) and its source, CG_ERR_IO when the file cannot be read, or
 * CG_ERR_PARSE (and the YAML limits' errors) with the file's line. No
 * message contains a token, the broker password or a URL's credentials
 * (one shorter than 4 bytes is masked only in the quoted value). Registers
 * the tokens and the broker password with the log redactor.
 */
enum cg_err cg_octi_config_load(struct cg_octi_config *cfg, const char *path,
                                struct cg_error *err) CG_WARN_UNUSED;

/*
 * The same from a parsed config.yml tree and its line map from
 * cg_yaml_parse_lines, for tests and fuzzing. Both are borrowed, and NULL
 * when there is no file (lines NULL gives messages without lines). env
 * returns NULL for an unset variable, and source names the file.
 */
typedef const char *(*cg_env_fn)(const char *name, void *data);

enum cg_err cg_octi_config_from(struct cg_octi_config *cfg, const json_t *yaml,
                                const json_t *lines, const char *source,
                                cg_env_fn env, void *env_data,
                                struct cg_error *err) CG_WARN_UNUSED;

/*
 * Checks that SQLite can create or open the database at path for writing:
 * its folder exists and is writable, and the path is not a folder. origin
 * names the setting in the message, e.g. "--db". Returns CG_ERR_CONFIG
 * with the reason, else CG_OK.
 */
enum cg_err cg_octi_check_db_path(const char *path, const char *origin,
                                  struct cg_error *err) CG_WARN_UNUSED;

/*
 * Parses one scope entry, an OpenCTI entity type in any case
 * ("IPv4-Addr", "ipv6-addr", "Domain-Name", "Url"). Returns 0 for anything
 * else.
 */
unsigned cg_scope_parse(const char *name);

/* Returns OpenCTI's spelling of one scope bit, e.g. "IPv4-Addr". */
const char *cg_scope_name(unsigned type);

#endif /* CG_OPENCTI_CONFIG_H */
