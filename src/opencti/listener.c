/*
 * The HTTP callback server. libmicrohttpd runs one thread per connection.
 * A request collects its body, then borrows a worker from the pool (and
 * waits for one when all are busy), handles the message, settles it and
 * responds. The response comes after the work report, as pycti's callback
 * server responds after its handler returns.
 */
#include "opencti/listener.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/json.h"
#include "core/log.h"
#include "opencti/message.h"

/* Seconds an idle connection is kept. The platform waits 300 s for a
 * response, and handling may take the scan deadline. */
#define CONNECTION_TIMEOUT_S 900

struct cg_listener {
    struct MHD_Daemon *daemon;
    const struct cg_octi_config *cfg;
    struct cg_worker *workers;
    bool *busy;
    int count;
    pthread_mutex_t lock;
    pthread_cond_t freed;
    int port;
};

/* One request in progress. */
struct request {
    struct cg_buf body;
    bool too_large;
};

static enum MHD_Result answer(struct MHD_Connection *connection,
                              unsigned int status, const char *key,
                              const char *text)
{
    json_t *doc = json_pack("{ss}", key, text);
    char *body = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    struct MHD_Response *response;
    enum MHD_Result rc;

    json_decref(doc);
    if (!body)
        return MHD_NO;
    response = MHD_create_response_from_buffer(strlen(body), body,
                                               MHD_RESPMEM_MUST_FREE);
    if (!response) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(response, "Content-Type", "application/json");
    rc = MHD_queue_response(connection, status, response);
    MHD_destroy_response(response);
    return rc;
}

/* Compares the bearer token in constant time. */
static bool authorized(struct MHD_Connection *connection, const char *token)
{
    const char *header = MHD_lookup_connection_value(
        connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    size_t len = strlen(token);
    unsigned char diff = 0;

    if (!header || strncmp(header, "Bearer ", 7) != 0)
        return false;
    header += 7;
    if (strlen(header) != len)
        return false;
    for (size_t i = 0; i < len; i++)
        diff |= (unsigned char)(header[i] ^ token[i]);
    return diff == 0;
}

static struct cg_worker *take_worker(struct cg_listener *listener, int *slot)
{
    pthread_mutex_lock(&listener->lock);
    for (;;) {
        for (int i = 0; i < listener->count; i++) {
            if (!listener->busy[i]) {
                listener->busy[i] = true;
                pthread_mutex_unlock(&listener->lock);
                *slot = i;
                return &listener->workers[i];
            }
        }
        pthread_cond_wait(&listener->freed, &listener->lock);
    }
}

static void give_back(struct cg_listener *listener, int slot)
{
    pthread_mutex_lock(&listener->lock);
    listener->busy[slot] = false;
    pthread_cond_signal(&listener->freed);
    pthread_mutex_unlock(&listener->lock);
}

/* Handles a complete body and sends the response. */
static enum MHD_Result handle_body(struct cg_listener *listener,
                                   struct MHD_Connection *connection,
                                   const struct request *req)
{
    struct cg_handled done;
    struct cg_worker *worker;
    int slot;

    worker = take_worker(listener, &slot);
    cg_worker_handle(worker, cg_buf_str(&req->body), req->body.len, false, -1,
                     &done);
    /* A 400 makes the platform send the body again: keep its count. */
    cg_worker_report(worker, &done, !done.bad_json);
    give_back(listener, slot);
    if (done.disposition == CG_DISPOSE_REQUEUE)
        return answer(connection, MHD_HTTP_INTERNAL_SERVER_ERROR, "error",
                      done.message);
    /* A body that is not JSON gets 400 until it has been delivered too
     * often (then bad_json is false, and 202 ends the platform's retries). */
    if (done.bad_json)
        return answer(connection, MHD_HTTP_BAD_REQUEST, "error",
                      "Invalid JSON payload");
    return answer(connection, MHD_HTTP_ACCEPTED, "message",
                  "Message successfully received");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **state)
{
    struct cg_listener *listener = cls;
    struct request *req = *state;

    (void)version;
    if (!req) {
        if (strcmp(url, listener->cfg->api_path) != 0)
            return answer(connection, MHD_HTTP_NOT_FOUND, "error", "Not found");
        if (strcmp(method, "POST") != 0)
            return answer(connection, MHD_HTTP_METHOD_NOT_ALLOWED, "error",
                          "Method not allowed");
        if (!authorized(connection, listener->cfg->opencti_token))
            return answer(connection, MHD_HTTP_UNAUTHORIZED, "error",
                          "Invalid credentials");
        req = calloc(1, sizeof(*req));
        if (!req)
            return MHD_NO;
        cg_buf_init(&req->body, CG_OCTI_MESSAGE_MAX);
        *state = req;
        return MHD_YES;
    }
    if (*upload_size > 0) {
        if (cg_buf_append(&req->body, upload, *upload_size) != CG_OK)
            req->too_large = true;
        *upload_size = 0;
        return MHD_YES;
    }
    if (req->too_large)
        return answer(connection, MHD_HTTP_CONTENT_TOO_LARGE, "error",
                      "Message too large");
    return handle_body(listener, connection, req);
}

static void on_completed(void *cls, struct MHD_Connection *connection,
                         void **state, enum MHD_RequestTerminationCode code)
{
    struct request *req = *state;

    (void)cls;
    (void)connection;
    (void)code;
    if (!req)
        return;
    cg_buf_release(&req->body);
    free(req);
    *state = NULL;
}

static void log_mhd(void *cls, const char *fmt, va_list ap)
{
    char text[512];

    (void)cls;
    if (cg_log_threshold > CG_LOG_DEBUG)
        return;
        /* The format comes from libmicrohttpd itself, not from a client. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    vsnprintf(text, sizeof(text), fmt, ap);
#pragma GCC diagnostic pop
    text[strcspn(text, "\r\n")] = '\0';
    cg_log_debug("listener", "libmicrohttpd: %s", text);
}

/* Fills addr for the configured address and port. */
static bool bind_address(const struct cg_octi_config *cfg,
                         struct sockaddr_storage *addr, unsigned *flags)
{
    struct sockaddr_in *v4 = (struct sockaddr_in *)addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)addr;

    memset(addr, 0, sizeof(*addr));
    if (inet_pton(AF_INET, cfg->listen_address, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)cfg->api_port);
        return true;
    }
    if (inet_pton(AF_INET6, cfg->listen_address, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)cfg->api_port);
        *flags |= MHD_USE_IPv6;
        return true;
    }
    return false;
}

enum cg_err cg_listener_start(const struct cg_octi_config *cfg,
                              struct cg_worker *workers, int count,
                              struct cg_listener **out, struct cg_error *err)
{
    struct cg_listener *listener = calloc(1, sizeof(*listener));
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG |
                     MHD_USE_ITC;
    struct sockaddr_storage addr;
    const union MHD_DaemonInfo *info;

    *out = NULL;
    if (!listener || !(listener->busy = calloc((size_t)count, sizeof(bool)))) {
        free(listener);
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    listener->cfg = cfg;
    listener->workers = workers;
    listener->count = count;
    pthread_mutex_init(&listener->lock, NULL);
    pthread_cond_init(&listener->freed, NULL);
    if (!bind_address(cfg, &addr, &flags)) {
        cg_listener_stop(listener);
        return cg_error_set(err, CG_ERR_CONFIG, "invalid listen address %s",
                            cfg->listen_address);
    }
    listener->daemon = MHD_start_daemon(
        flags, (uint16_t)cfg->api_port, NULL, NULL, on_request, listener,
        MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)CONNECTION_TIMEOUT_S, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, NULL, MHD_OPTION_END);
    if (!listener->daemon) {
        cg_listener_stop(listener);
        return cg_error_set(err, CG_ERR_NET,
                            "cannot listen on %s port %d (address in use or "
                            "not available)",
                            cfg->listen_address, cfg->api_port);
    }
    info = MHD_get_daemon_info(listener->daemon, MHD_DAEMON_INFO_BIND_PORT);
    listener->port = info ? info->port : cfg->api_port;
    *out = listener;
    return CG_OK;
}

int cg_listener_port(const struct cg_listener *listener)
{
    return listener->port;
}

void cg_listener_stop(struct cg_listener *listener)
{
    if (!listener)
        return;
    if (listener->daemon) {
        MHD_quiesce_daemon(listener->daemon);
        MHD_stop_daemon(listener->daemon);
    }
    pthread_cond_destroy(&listener->freed);
    pthread_mutex_destroy(&listener->lock);
    free(listener->busy);
    free(listener);
}
