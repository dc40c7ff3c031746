/*
 * GraphQL over libcurl. pycti's client sends the same request: a JSON body
 * {"query", "variables"}, "Authorization: Bearer <token>", and treats an
 * HTTP 200 whose body has "errors" as a failure (pycti
 * api/opencti_api_client.py).
 */
#include "opencti/graphql.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/json.h"
#include "core/log.h"
#include "criminalip/client.h"

#define CONNECT_TIMEOUT_MS 10000

enum cg_err cg_graphql_init(struct cg_graphql *client, const char *url,
                            const char *token, struct cg_error *err)
{
    struct cg_buf endpoint = CG_BUF_INIT;
    struct cg_buf auth = CG_BUF_INIT;

    memset(client, 0, sizeof(*client));
    client->timeout_ms = 300000;
    client->max_backoff_ms = 60000;
    if (cg_buf_printf(&endpoint, "%s/graphql", url) != CG_OK ||
        cg_buf_printf(&auth, "Authorization: Bearer %s", token) != CG_OK)
        goto nomem;
    client->easy = curl_easy_init();
    if (!client->easy)
        goto nomem;
    client->endpoint = cg_buf_detach(&endpoint);
    client->auth = cg_buf_detach(&auth);
    if (!client->endpoint || !client->auth)
        goto nomem;
    return CG_OK;
nomem:
    cg_buf_release(&endpoint);
    cg_buf_release(&auth);
    cg_graphql_release(client);
    return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
}

void cg_graphql_release(struct cg_graphql *client)
{
    if (client->easy)
        curl_easy_cleanup(client->easy);
    free(client->endpoint);
    free(client->auth);
    memset(client, 0, sizeof(*client));
}

static size_t on_body(char *data, size_t size, size_t count, void *user)
{
    struct cg_buf *body = user;

    if (cg_buf_append(body, data, size * count) != CG_OK)
        return 0;
    return size * count;
}

static struct curl_slist *build_headers(const struct cg_graphql *client,
                                        const struct cg_graphql_headers *extra)
{
    struct curl_slist *list = NULL;
    char line[256];

    list = curl_slist_append(list, "Content-Type: application/json");
    if (list)
        list = curl_slist_append(list, "Accept: application/json");
    if (list)
        list = curl_slist_append(list, client->auth);
    if (list && extra && extra->draft_id) {
        snprintf(line, sizeof(line), "opencti-draft-id: %.200s",
                 extra->draft_id);
        list = curl_slist_append(list, line);
    }
    return list;
}

/* Turns a GraphQL "errors" array into CG_ERR_GRAPHQL. */
static enum cg_err graphql_error(const json_t *errors, struct cg_error *err)
{
    const json_t *first = json_array_get(errors, 0);
    const char *message = cg_json_str(first, "message");
    const char *name = cg_json_str(first, "name");
    const char *code =
        cg_json_str(json_object_get(first, "extensions"), "code");
    char text[400];

    cg_log_redact(message ? message : "no message", text, sizeof(text));
    return cg_error_set(err, CG_ERR_GRAPHQL,
                        "OpenCTI answered an error: %s%s%s%s", text,
                        name || code ? " (" : "",
                        name   ? name
                        : code ? code
                               : "",
                        name || code ? ")" : "");
}

static enum cg_err read_answer(long status, const struct cg_buf *body,
                               json_t **data, struct cg_error *err)
{
    json_t *root = NULL;
    const json_t *errors;
    enum cg_err rc;

    if (status >= 500 || status == 429)
        return cg_error_set(err, CG_ERR_API_SERVER, "OpenCTI answered HTTP %ld",
                            status);
    if (status != 200)
        return cg_error_set(
            err, CG_ERR_API_PROTOCOL, "OpenCTI answered HTTP %ld%s", status,
            status == 401 || status == 403 ? "; check OPENCTI_TOKEN" : "");
    rc = cg_json_parse(cg_buf_str(body), body->len, CG_GRAPHQL_MAX_BODY, &root,
                       err);
    if (rc != CG_OK || !json_is_object(root)) {
        json_decref(root);
        return cg_error_set(err, CG_ERR_API_PROTOCOL,
                            "OpenCTI answered a body that is not GraphQL "
                            "JSON");
    }
    errors = json_object_get(root, "errors");
    if (json_is_array(errors) && json_array_size(errors) > 0) {
        rc = graphql_error(errors, err);
        json_decref(root);
        return rc;
    }
    *data = json_incref(json_object_get(root, "data"));
    json_decref(root);
    if (!*data || !json_is_object(*data)) {
        json_decref(*data);
        *data = NULL;
        return cg_error_set(err, CG_ERR_API_PROTOCOL,
                            "OpenCTI answered without a data object");
    }
    return CG_OK;
}

static enum cg_err transfer_error(CURLcode result, const char *detail,
                                  const char *endpoint, struct cg_error *err)
{
    enum cg_err code =
        result == CURLE_OPERATION_TIMEDOUT ? CG_ERR_TIMEOUT : CG_ERR_NET;

    return cg_error_set(err, code, "cannot reach OpenCTI at %s: %s", endpoint,
                        detail[0] ? detail : curl_easy_strerror(result));
}

enum cg_err cg_graphql_query(struct cg_graphql *client, const char *query,
                             const json_t *variables,
                             const struct cg_graphql_headers *headers,
                             json_t **data, struct cg_error *err)
{
    json_t *request =
        json_pack("{ss sO?}", "query", query, "variables", (json_t *)variables);
    char *payload = request ? json_dumps(request, JSON_COMPACT) : NULL;
    struct curl_slist *list = build_headers(client, headers);
    struct cg_buf body;
    char detail[CURL_ERROR_SIZE] = "";
    long status = 0;
    CURLcode result;
    enum cg_err rc;

    *data = NULL;
    cg_buf_init(&body, CG_GRAPHQL_MAX_BODY);
    if (!payload || !list) {
        rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        goto out;
    }
    curl_easy_reset(client->easy);
    curl_easy_setopt(client->easy, CURLOPT_URL, client->endpoint);
    curl_easy_setopt(client->easy, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(client->easy, CURLOPT_POSTFIELDS, payload);
    curl_easy_setopt(client->easy, CURLOPT_USERAGENT, "cipgraph/" CG_VERSION);
    curl_easy_setopt(client->easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(client->easy, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(client->easy, CURLOPT_ERRORBUFFER, detail);
    curl_easy_setopt(client->easy, CURLOPT_CONNECTTIMEOUT_MS,
                     (long)CONNECT_TIMEOUT_MS);
    curl_easy_setopt(client->easy, CURLOPT_TIMEOUT_MS, client->timeout_ms);
    curl_easy_setopt(client->easy, CURLOPT_NOSIGNAL, 1L);
    /* The token must not follow a redirect to another host. */
    curl_easy_setopt(client->easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(client->easy, CURLOPT_PROTOCOLS_STR, "http,https");
    result = curl_easy_perform(client->easy);
    if (result != CURLE_OK) {
        rc = transfer_error(result, detail, client->endpoint, err);
        goto out;
    }
    curl_easy_getinfo(client->easy, CURLINFO_RESPONSE_CODE, &status);
    rc = read_answer(status, &body, data, err);
out:
    curl_slist_free_all(list);
    free(payload);
    json_decref(request);
    cg_buf_release(&body);
    return rc;
}

bool cg_graphql_is_transient(enum cg_err code)
{
    return code == CG_ERR_NET || code == CG_ERR_TIMEOUT ||
           code == CG_ERR_API_SERVER;
}

bool cg_sleep_unless_stopped(long long ms, const volatile sig_atomic_t *stop)
{
    while (ms > 0) {
        long long step = ms < 100 ? ms : 100;
        struct timespec delay = {(time_t)(step / 1000),
                                 (long)(step % 1000) * 1000000L};

        if (stop && *stop)
            return false;
        while (nanosleep(&delay, &delay) != 0 && errno == EINTR)
            continue;
        ms -= step;
    }
    return !(stop && *stop);
}

enum cg_err cg_graphql_query_retry(struct cg_graphql *client, const char *query,
                                   const json_t *variables,
                                   const struct cg_graphql_headers *headers,
                                   int attempts, json_t **data,
                                   struct cg_error *err)
{
    enum cg_err rc;

    for (int attempt = 0;; attempt++) {
        long delay;

        rc = cg_graphql_query(client, query, variables, headers, data, err);
        if (!cg_graphql_is_transient(rc)) {
            if (client->failures > 0)
                cg_log_info("opencti",
                            "OpenCTI is reachable again after %d failed "
                            "attempts",
                            client->failures);
            client->failures = 0;
            return rc;
        }
        client->failures++;
        if (attempts > 0 && attempt + 1 >= attempts)
            return rc;
        delay = cg_cip_backoff_ms(attempt, 1000, (long)client->max_backoff_ms);
        cg_log_warn("opencti", "%s; reconnecting in %.1f s (attempt %d)",
                    cg_error_text(err), (double)delay / 1000, attempt + 2);
        for (long waited = 0; waited < delay; waited += 100) {
            if (!cg_sleep_unless_stopped(
                    delay - waited < 100 ? delay - waited : 100, client->stop))
                return cg_error_set(err, CG_ERR_INTERRUPTED,
                                    "stopped while OpenCTI was unreachable");
            if (client->idle)
                client->idle(client->idle_data);
        }
    }
}
