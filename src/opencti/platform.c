/*
 * Registration, liveness and the data calls to the OpenCTI platform. The
 * query texts and variables follow pycti 6.8 (api/opencti_api_connector.py,
 * api/opencti_api_playbook.py, api/opencti_api_client.py) and OpenCTI's
 * schema (src/modules/connector/connector.graphql).
 */
#include "opencti/platform.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/json.h"
#include "core/log.h"

static void mq_release(struct cg_mq_settings *mq)
{
    free(mq->host);
    free(mq->vhost);
    free(mq->user);
    free(mq->pass);
    memset(mq, 0, sizeof(*mq));
}

void cg_registration_release(struct cg_registration *reg)
{
    free(reg->connector_user_id);
    free(reg->listen);
    free(reg->push_exchange);
    free(reg->push_routing);
    mq_release(&reg->mq);
    memset(reg, 0, sizeof(*reg));
}

/* Replaces *field with a copy of value when value is set. */
static bool replace(char **field, const char *value)
{
    char *copy;

    if (!value)
        return true;
    copy = strdup(value);
    if (!copy)
        return false;
    free(*field);
    *field = copy;
    return true;
}

enum cg_err cg_registration_override(struct cg_registration *reg,
                                     const struct cg_mq_override *mq,
                                     struct cg_error *err)
{
    if (!replace(&reg->mq.host, mq->host) ||
        !replace(&reg->mq.vhost, mq->vhost) ||
        !replace(&reg->mq.user, mq->user) || !replace(&reg->mq.pass, mq->pass))
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (mq->port > 0)
        reg->mq.port = mq->port;
    if (mq->use_ssl >= 0)
        reg->mq.use_ssl = mq->use_ssl != 0;
    return CG_OK;
}

enum cg_err cg_platform_health(struct cg_graphql *client, int attempts,
                               char **version, struct cg_error *err)
{
    static const char query[] = "query healthCheck { about { version } }";
    json_t *data = NULL;
    const char *text;
    enum cg_err rc;

    *version = NULL;
    rc =
        cg_graphql_query_retry(client, query, NULL, NULL, attempts, &data, err);
    if (rc != CG_OK)
        return rc;
    text = cg_json_str(json_object_get(data, "about"), "version");
    *version = strdup(text ? text : "unknown");
    json_decref(data);
    if (!*version)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    return CG_OK;
}

static json_t *register_input(const struct cg_octi_config *cfg)
{
    json_t *callback = json_null();

    if (cfg->listen_protocol == CG_LISTEN_API) {
        size_t len = strlen(cfg->api_uri) + strlen(cfg->api_path) + 1;
        char *uri = malloc(len);

        if (!uri)
            return NULL;
        snprintf(uri, len, "%s%s", cfg->api_uri, cfg->api_path);
        callback = json_string(uri);
        free(uri);
    }
    return json_pack("{s{ss ss ss sO sb sb ss sb sb so}}", "input", "id",
                     cfg->id, "name", cfg->name, "type", "INTERNAL_ENRICHMENT",
                     "scope", cfg->scope_names, "auto", cfg->auto_enrich,
                     "auto_update", cfg->auto_update, "enrichment_resolution",
                     cfg->stix_bundle_resolution ? "stix_bundle" : "none",
                     "only_contextual", false, "playbook_compatible", true,
                     "listen_callback_uri", callback);
}

/* Copies a required string of the result, or fails naming it. */
static enum cg_err take(const json_t *obj, const char *key, char **out,
                        struct cg_error *err)
{
    const char *text = cg_json_str(obj, key);

    if (!text)
        return cg_error_set(err, CG_ERR_API_PROTOCOL,
                            "registerConnector answered without %s", key);
    *out = strdup(text);
    if (!*out)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    return CG_OK;
}

static enum cg_err read_registration(const json_t *data,
                                     struct cg_registration *reg,
                                     struct cg_error *err)
{
    const json_t *answer = json_object_get(data, "registerConnector");
    const json_t *config = json_object_get(answer, "config");
    const json_t *connection = json_object_get(config, "connection");
    long long port = 5672;
    enum cg_err rc;

    rc = take(config, "listen", &reg->listen, err);
    if (rc == CG_OK)
        rc = take(config, "push_exchange", &reg->push_exchange, err);
    if (rc == CG_OK)
        rc = take(config, "push_routing", &reg->push_routing, err);
    if (rc == CG_OK)
        rc = take(connection, "host", &reg->mq.host, err);
    if (rc == CG_OK)
        rc = take(connection, "vhost", &reg->mq.vhost, err);
    if (rc == CG_OK)
        rc = take(connection, "user", &reg->mq.user, err);
    if (rc == CG_OK)
        rc = take(connection, "pass", &reg->mq.pass, err);
    if (rc != CG_OK)
        return rc;
    cg_log_add_secret(reg->mq.pass);
    if (cg_json_int(connection, "port", &port) && port > 0 && port < 65536)
        reg->mq.port = (int)port;
    else
        reg->mq.port = 5672;
    reg->mq.use_ssl = cg_json_is_true(connection, "use_ssl");
    if (cg_json_str(answer, "connector_user_id"))
        rc = take(answer, "connector_user_id", &reg->connector_user_id, err);
    return rc;
}

enum cg_err cg_platform_register(struct cg_graphql *client,
                                 const struct cg_octi_config *cfg, int attempts,
                                 struct cg_registration *reg,
                                 struct cg_error *err)
{
    static const char query[] =
        "mutation RegisterConnector($input: RegisterConnectorInput) {\n"
        "    registerConnector(input: $input) {\n"
        "        id\n"
        "        connector_state\n"
        "        config {\n"
        "            connection { host vhost use_ssl port user pass }\n"
        "            listen listen_routing listen_exchange\n"
        "            push push_routing push_exchange\n"
        "        }\n"
        "        connector_user_id\n"
        "    }\n"
        "}";
    json_t *variables = register_input(cfg);
    json_t *data = NULL;
    enum cg_err rc;

    memset(reg, 0, sizeof(*reg));
    if (!variables)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    rc = cg_graphql_query_retry(client, query, variables, NULL, attempts, &data,
                                err);
    json_decref(variables);
    if (rc == CG_OK)
        rc = read_registration(data, reg, err);
    json_decref(data);
    if (rc != CG_OK)
        cg_registration_release(reg);
    return rc;
}

enum cg_err cg_platform_ping(struct cg_graphql *client, const char *id,
                             struct cg_error *err)
{
    static const char query[] =
        "mutation PingConnector($id: ID!, $state: String, $connectorInfo: "
        "ConnectorInfoInput ) {\n"
        "    pingConnector(id: $id, state: $state, connectorInfo: "
        "$connectorInfo) {\n"
        "        id\n"
        "        connector_state\n"
        "        connector_info { run_and_terminate buffering queue_threshold "
        "queue_messages_size next_run_datetime last_run_datetime }\n"
        "    }\n"
        "}";
    json_t *variables =
        json_pack("{ss ss s{sb sb sf sf sn sn}}", "id", id, "state", "null",
                  "connectorInfo", "run_and_terminate", false, "buffering",
                  false, "queue_threshold", 500.0, "queue_messages_size", 0.0,
                  "next_run_datetime", "last_run_datetime");
    json_t *data = NULL;
    enum cg_err rc;

    if (!variables)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    rc = cg_graphql_query(client, query, variables, NULL, &data, err);
    json_decref(variables);
    json_decref(data);
    return rc;
}

enum cg_err cg_platform_read_observable(struct cg_graphql *client,
                                        const char *id, json_t **out,
                                        struct cg_error *err)
{
    static const char query[] =
        "query StixCyberObservable($id: String!) { stixCyberObservable(id: "
        "$id) { id standard_id entity_type observable_value objectMarking { "
        "id standard_id definition_type definition } } }";
    json_t *variables = json_pack("{ss}", "id", id);
    json_t *data = NULL;
    json_t *entity;
    enum cg_err rc;

    *out = NULL;
    if (!variables)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    rc = cg_graphql_query_retry(client, query, variables, NULL, 0, &data, err);
    json_decref(variables);
    if (rc != CG_OK)
        return rc;
    entity = json_object_get(data, "stixCyberObservable");
    if (!json_is_object(entity)) {
        json_decref(data);
        return cg_error_set(err, CG_ERR_NOT_FOUND,
                            "OpenCTI has no observable with id %s", id);
    }
    *out = json_incref(entity);
    json_decref(data);
    return CG_OK;
}

enum cg_err cg_platform_playbook_step(struct cg_graphql *client,
                                      const json_t *playbook,
                                      const json_t *previous_bundle,
                                      const char *bundle_text,
                                      struct cg_error *err)
{
    static const char query[] =
        "mutation PlaybookStepExecution($execution_id: ID!, $event_id: ID!, "
        "$execution_start: DateTime!, $data_instance_id: ID!, $playbook_id: "
        "ID!, $previous_step_id: ID!, $step_id: ID!, $previous_bundle: "
        "String!, $bundle: String!) { playbookStepExecution(execution_id: "
        "$execution_id, event_id: $event_id, execution_start: "
        "$execution_start, data_instance_id: $data_instance_id, playbook_id: "
        "$playbook_id, previous_step_id: $previous_step_id, step_id: "
        "$step_id, previous_bundle: $previous_bundle, bundle: $bundle) }";
    char now[CG_TIME_TEXT_SIZE];
    const char *start = cg_json_str(playbook, "execution_start");
    char *previous = json_dumps(previous_bundle, JSON_COMPACT);
    json_t *variables = NULL;
    json_t *data = NULL;
    enum cg_err rc;

    cg_time_format(cg_time_now(), now);
    if (previous)
        variables =
            json_pack("{ss? ss? ss ss? ss? ss? ss? ss ss}", "execution_id",
                      cg_json_str(playbook, "execution_id"), "event_id",
                      cg_json_str(playbook, "event_id"), "execution_start",
                      start ? start : now, "data_instance_id",
                      cg_json_str(playbook, "data_instance_id"), "playbook_id",
                      cg_json_str(playbook, "playbook_id"), "previous_step_id",
                      cg_json_str(playbook, "previous_step_id"), "step_id",
                      cg_json_str(playbook, "step_id"), "previous_bundle",
                      previous, "bundle", bundle_text);
    free(previous);
    if (!variables)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    rc = cg_graphql_query_retry(client, query, variables, NULL, 0, &data, err);
    json_decref(variables);
    json_decref(data);
    return rc;
}

enum cg_err cg_platform_bundle_push(struct cg_graphql *client,
                                    const char *connector_id,
                                    const char *bundle_text,
                                    const char *work_id,
                                    const struct cg_graphql_headers *headers,
                                    struct cg_error *err)
{
    static const char query[] =
        "mutation StixBundlePush($connectorId: String!, $bundle: String!, "
        "$work_id: String) { stixBundlePush(connectorId: $connectorId, "
        "bundle: $bundle, work_id: $work_id) }";
    json_t *variables = json_pack("{ss ss ss?}", "connectorId", connector_id,
                                  "bundle", bundle_text, "work_id", work_id);
    json_t *data = NULL;
    enum cg_err rc;

    if (!variables)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    rc = cg_graphql_query_retry(client, query, variables, headers, 0, &data,
                                err);
    json_decref(variables);
    json_decref(data);
    return rc;
}
