/*
 * The platform calls a connector makes outside work reporting: the health
 * check, registerConnector, pingConnector, reading an observable, the
 * playbook step result and stixBundlePush. The query texts are pycti's
 * (client-python 6.8), so the platform sees the same requests it gets from
 * a Python connector.
 */
#ifndef CG_OPENCTI_PLATFORM_H
#define CG_OPENCTI_PLATFORM_H

#include "opencti/config.h"
#include "opencti/graphql.h"

/* RabbitMQ settings as the platform returns them in config.connection. */
struct cg_mq_settings {
    char *host;
    int port;
    char *vhost;
    bool use_ssl;
    char *user;
    char *pass; /* never logged; registered with the log redactor */
};

/* The result of registerConnector. Every string is owned. */
struct cg_registration {
    char *connector_user_id;
    char *listen; /* the listen queue */
    char *push_exchange;
    char *push_routing;
    struct cg_mq_settings mq;
};

void cg_registration_release(struct cg_registration *reg);

/*
 * Applies the MQ_* overrides of cfg to the registration's broker
 * settings.
 */
enum cg_err cg_registration_override(struct cg_registration *reg,
                                     const struct cg_mq_override *mq,
                                     struct cg_error *err) CG_WARN_UNUSED;

/* Runs query healthCheck { about { version } }; *version is a new string. */
enum cg_err cg_platform_health(struct cg_graphql *client, int attempts,
                               char **version,
                               struct cg_error *err) CG_WARN_UNUSED;

/*
 * Registers the connector (type INTERNAL_ENRICHMENT, playbook compatible;
 * listen_callback_uri = URI + path in API listen mode) and fills reg.
 */
enum cg_err cg_platform_register(struct cg_graphql *client,
                                 const struct cg_octi_config *cfg, int attempts,
                                 struct cg_registration *reg,
                                 struct cg_error *err) CG_WARN_UNUSED;

/* Sends pingConnector with no state, as pycti does. */
enum cg_err cg_platform_ping(struct cg_graphql *client, const char *id,
                             struct cg_error *err) CG_WARN_UNUSED;

/*
 * Reads an observable by id: { standard_id entity_type observable_value
 * objectMarking { standard_id definition_type definition } }. Returns the
 * object in *out (new reference), or CG_ERR_NOT_FOUND.
 */
enum cg_err cg_platform_read_observable(struct cg_graphql *client,
                                        const char *id, json_t **out,
                                        struct cg_error *err) CG_WARN_UNUSED;

/*
 * Sends the result of a playbook step: playbookStepExecution with the step's
 * ids from playbook (internal.playbook, borrowed), the incoming bundle as
 * previous_bundle and bundle_text as the new bundle.
 */
enum cg_err cg_platform_playbook_step(struct cg_graphql *client,
                                      const json_t *playbook,
                                      const json_t *previous_bundle,
                                      const char *bundle_text,
                                      struct cg_error *err) CG_WARN_UNUSED;

/* Pushes a bundle with stixBundlePush (CONNECTOR_QUEUE_PROTOCOL=api). */
enum cg_err cg_platform_bundle_push(struct cg_graphql *client,
                                    const char *connector_id,
                                    const char *bundle_text,
                                    const char *work_id,
                                    const struct cg_graphql_headers *headers,
                                    struct cg_error *err) CG_WARN_UNUSED;

#endif /* CG_OPENCTI_PLATFORM_H */
