/*
 * libmicrohttpd glue: daemon start-up on a loopback address, request
 * buffering, POST body decoding and JSON replies.
 */
#include "http.h"

#include "core/clock.h"
#include "core/json.h"
#include "core/log.h"
#include "router.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Per-connection memory for the request line and headers. It must exceed
 * CG_SIM_QUERY_STRING_MAX so that an oversized query string reaches the
 * router and gets a JSON 400. Longer lines get libmicrohttpd's own 414 or
 * 431 response. */
#define CONNECTION_MEMORY (256 * 1024)

/* Seconds an idle keep-alive connection is kept open. */
#define CONNECTION_TIMEOUT 120

struct cg_sim_server {
    struct MHD_Daemon *daemon;
    unsigned port;
    bool ipv6;
};

/*
 * Logs a libmicrohttpd message. Nearly all of them report one client's
 * protocol error (an oversized header, a connection closed mid-request),
 * so like request lines they appear only with --verbose.
 */
static void log_mhd_message(void *cls, const char *fmt, va_list ap)
{
    char text[512];

    (void)cls;
    if (cg_log_threshold > CG_LOG_INFO)
        return;
    /* The format comes from libmicrohttpd itself, not from a client. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    vsnprintf(text, sizeof(text), fmt, ap);
#pragma GCC diagnostic pop
    text[strcspn(text, "\r\n")] = '\0';
    cg_log_info("sim", "libmicrohttpd: %s", text);
}

/* Copies text for a log line, replacing control and non-ASCII bytes with
 * '?' and cutting it to size - 1 bytes. */
static void printable(const char *text, char *out, size_t size)
{
    size_t i = 0;

    for (; text[i] && i + 1 < size; i++) {
        unsigned char c = (unsigned char)text[i];

        out[i] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
    }
    out[i] = '\0';
}

static enum MHD_Result send_reply(struct cg_sim_request *req,
                                  struct cg_sim_reply *reply)
{
    struct MHD_Response *response;
    char *text = NULL;
    size_t len = 0;
    enum MHD_Result result;

    if (reply->body) {
        text = json_dumps(reply->body, JSON_COMPACT);
        json_decref(reply->body);
        reply->body = NULL;
        if (!text) {
            cg_log_error("sim", "cannot serialise the reply for %s", req->path);
            reply->http_status = MHD_HTTP_INTERNAL_SERVER_ERROR;
        } else {
            len = strlen(text);
        }
    }
    response = MHD_create_response_from_buffer(len, text ? text : (char *)"",
                                               text ? MHD_RESPMEM_MUST_FREE
                                                    : MHD_RESPMEM_PERSISTENT);
    if (!response) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
                            "application/json");
    if (reply->allow)
        MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, reply->allow);
    result = MHD_queue_response(req->connection, reply->http_status, response);
    MHD_destroy_response(response);
    if (cg_log_threshold <= CG_LOG_INFO) {
        char path[201];

        printable(req->path, path, sizeof(path));
        cg_log_info("sim", "%s %s -> %u in %lld ms", req->method, path,
                    reply->http_status,
                    (long long)(cg_clock_ms() - req->started_ms));
    }
    return result;
}

static enum MHD_Result reject_early(struct cg_sim_request *req,
                                    const char *message)
{
    struct cg_sim_reply reply = {MHD_HTTP_BAD_REQUEST, NULL, NULL};

    reply.body = json_pack("{s:i, s:s}", "status", 400, "message", message);
    return send_reply(req, &reply);
}

static bool content_length_too_large(struct MHD_Connection *connection)
{
    const char *text = MHD_lookup_connection_value(
        connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    char *end;
    unsigned long long length;

    if (!text)
        return false;
    length = strtoull(text, &end, 10);
    return end != text && length > CG_SIM_BODY_MAX;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **state)
{
    struct cg_sim_request *req = *state;
    struct cg_sim_reply reply = {MHD_HTTP_OK, NULL, NULL};

    (void)cls;
    (void)version;
    if (!req) {
        req = calloc(1, sizeof(*req));
        if (!req)
            return MHD_NO;
        req->path = strdup(url ? url : "");
        if (!req->path) {
            free(req);
            return MHD_NO;
        }
        req->connection = connection;
        req->method = method;
        req->started_ms = cg_clock_ms();
        cg_buf_init(&req->body, CG_SIM_BODY_MAX);
        *state = req;
        if (content_length_too_large(connection))
            return reject_early(req, "Request body exceeds 65536 bytes.");
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!req->body_too_large &&
            cg_buf_append(&req->body, upload_data, *upload_data_size) != CG_OK)
            req->body_too_large = true;
        *upload_data_size = 0;
        return MHD_YES;
    }
    cg_sim_router_handle(req, &reply);
    return send_reply(req, &reply);
}

static void on_completed(void *cls, struct MHD_Connection *connection,
                         void **state, enum MHD_RequestTerminationCode code)
{
    struct cg_sim_request *req = *state;

    (void)cls;
    (void)connection;
    (void)code;
    if (!req)
        return;
    cg_buf_release(&req->body);
    free(req->path);
    free(req);
    *state = NULL;
}

/* Parses a loopback host into a socket address. */
static bool loopback_address(const char *host, struct sockaddr_storage *addr,
                             socklen_t *len, bool *ipv6)
{
    struct sockaddr_in *in4 = (struct sockaddr_in *)addr;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)addr;

    memset(addr, 0, sizeof(*addr));
    if (strcasecmp(host, "localhost") == 0)
        host = "127.0.0.1";
    if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        *len = sizeof(*in4);
        *ipv6 = false;
        return (ntohl(in4->sin_addr.s_addr) >> 24) == 127;
    }
    if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        *len = sizeof(*in6);
        *ipv6 = true;
        return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
    }
    return false;
}

enum cg_err cg_sim_server_start(const char *host, unsigned port,
                                struct cg_sim_server **out,
                                struct cg_error *err)
{
    struct cg_sim_server *server;
    struct sockaddr_storage addr;
    socklen_t addr_len;
    bool ipv6;
    const union MHD_DaemonInfo *info;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_THREAD_PER_CONNECTION | MHD_USE_AUTO |
                     MHD_USE_ERROR_LOG;

    *out = NULL;
    if (!loopback_address(host, &addr, &addr_len, &ipv6))
        return cg_error_set(err, CG_ERR_USAGE,
                            "--host %s is not a loopback address; use "
                            "127.0.0.1, another 127.0.0.0/8 address or ::1",
                            host);
    if (port > 65535)
        return cg_error_set(err, CG_ERR_USAGE,
                            "--port %u is out of range 0-65535", port);
    if (ipv6) {
        ((struct sockaddr_in6 *)&addr)->sin6_port = htons((uint16_t)port);
        flags |= MHD_USE_IPv6;
    } else {
        ((struct sockaddr_in *)&addr)->sin_port = htons((uint16_t)port);
    }
    server = calloc(1, sizeof(*server));
    if (!server)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    server->ipv6 = ipv6;
    server->daemon = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, on_request, NULL,
        MHD_OPTION_EXTERNAL_LOGGER, log_mhd_message, NULL, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)CG_SIM_CONNECTIONS_MAX, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)CONNECTION_TIMEOUT, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)CONNECTION_MEMORY, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
        NULL, MHD_OPTION_END);
    if (!server->daemon) {
        free(server);
        return cg_error_set(err, CG_ERR_NET,
                            "cannot listen on %s port %u (address in use or "
                            "not available)",
                            host, port);
    }
    info = MHD_get_daemon_info(server->daemon, MHD_DAEMON_INFO_BIND_PORT);
    server->port = info ? info->port : port;
    *out = server;
    return CG_OK;
}

unsigned cg_sim_server_port(const struct cg_sim_server *server)
{
    return server->port;
}

bool cg_sim_server_is_ipv6(const struct cg_sim_server *server)
{
    return server->ipv6;
}

void cg_sim_server_stop(struct cg_sim_server *server)
{
    if (!server)
        return;
    MHD_stop_daemon(server->daemon);
    free(server);
}

struct arg_lookup {
    const char *name;
    const char *value;
    bool found;
    bool invalid;
};

static enum MHD_Result find_arg(void *cls, enum MHD_ValueKind kind,
                                const char *key, size_t key_size,
                                const char *value, size_t value_size)
{
    struct arg_lookup *lookup = cls;

    (void)kind;
    if (lookup->found || strlen(lookup->name) != key_size ||
        memcmp(lookup->name, key, key_size) != 0)
        return MHD_YES;
    lookup->found = true;
    lookup->value = value ? value : "";
    lookup->invalid = value && strlen(value) != value_size;
    return MHD_NO;
}

const char *cg_sim_request_arg(const struct cg_sim_request *req,
                               const char *name, bool *invalid)
{
    struct arg_lookup lookup = {name, NULL, false, false};

    MHD_get_connection_values_n(req->connection, MHD_GET_ARGUMENT_KIND,
                                find_arg, &lookup);
    if (invalid)
        *invalid = lookup.invalid;
    return lookup.found ? lookup.value : NULL;
}

const char *cg_sim_request_header(const struct cg_sim_request *req,
                                  const char *name)
{
    return MHD_lookup_connection_value(req->connection, MHD_HEADER_KIND, name);
}

static enum MHD_Result add_arg_size(void *cls, enum MHD_ValueKind kind,
                                    const char *key, size_t key_size,
                                    const char *value, size_t value_size)
{
    size_t *total = cls;

    (void)kind;
    (void)key;
    (void)value;
    *total += key_size + value_size;
    return MHD_YES;
}

size_t cg_sim_request_query_size(const struct cg_sim_request *req)
{
    size_t total = 0;

    MHD_get_connection_values_n(req->connection, MHD_GET_ARGUMENT_KIND,
                                add_arg_size, &total);
    return total;
}

bool cg_sim_request_is_loopback(const struct cg_sim_request *req)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(
        req->connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *addr = info ? info->client_addr : NULL;

    if (!addr)
        return false;
    if (addr->sa_family == AF_INET) {
        const struct sockaddr_in *in4 = (const struct sockaddr_in *)addr;

        return (ntohl(in4->sin_addr.s_addr) >> 24) == 127;
    }
    if (addr->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)addr;
        const uint8_t *b = in6->sin6_addr.s6_addr;
        static const uint8_t mapped_prefix[12] = {0, 0, 0, 0, 0,    0,
                                                  0, 0, 0, 0, 0xff, 0xff};

        return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ||
               (memcmp(b, mapped_prefix, 12) == 0 && b[12] == 127);
    }
    return false;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes one form-urlencoded component into a new string. Returns NULL
 * for invalid escapes, an encoded NUL or no memory. */
static char *form_decode(const char *text, size_t len)
{
    char *out = malloc(len + 1);
    size_t used = 0;

    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];

        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int high = i + 2 < len ? hex_value(text[i + 1]) : -1;
            int low = i + 2 < len ? hex_value(text[i + 2]) : -1;

            if (high < 0 || low < 0 || (high == 0 && low == 0)) {
                free(out);
                return NULL;
            }
            c = (char)(high * 16 + low);
            i += 2;
        }
        out[used++] = c;
    }
    out[used] = '\0';
    return out;
}

static enum cg_err form_query(const char *body, size_t len, char **query,
                              struct cg_error *err)
{
    const char *p = body;
    const char *end = body + len;

    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *pair_end = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(pair_end - p));

        if (eq && eq - p == 5 && memcmp(p, "query", 5) == 0) {
            *query = form_decode(eq + 1, (size_t)(pair_end - eq - 1));
            if (!*query)
                return cg_error_set(err, CG_ERR_PARSE,
                                    "invalid percent-encoding in the query "
                                    "form field");
            return CG_OK;
        }
        p = pair_end + 1;
    }
    return CG_OK;
}

static enum cg_err json_query(const char *body, size_t len, char **query,
                              struct cg_error *err)
{
    json_t *doc;
    const char *value;
    enum cg_err rc = cg_json_parse(body, len, CG_SIM_BODY_MAX, &doc, err);

    if (rc != CG_OK)
        return rc;
    if (!json_is_object(doc)) {
        json_decref(doc);
        return cg_error_set(err, CG_ERR_PARSE,
                            "the JSON body must be an object");
    }
    value = json_string_value(json_object_get(doc, "query"));
    if (value &&
        strlen(value) == json_string_length(json_object_get(doc, "query")))
        *query = strdup(value);
    json_decref(doc);
    return CG_OK;
}

struct multipart_state {
    struct cg_buf value;
    bool seen;
    bool too_large;
};

static enum MHD_Result collect_query_part(void *cls, enum MHD_ValueKind kind,
                                          const char *key, const char *filename,
                                          const char *content_type,
                                          const char *transfer_encoding,
                                          const char *data, uint64_t off,
                                          size_t size)
{
    struct multipart_state *state = cls;

    (void)kind;
    (void)filename;
    (void)content_type;
    (void)transfer_encoding;
    (void)off;
    if (!key || strcmp(key, "query") != 0)
        return MHD_YES;
    state->seen = true;
    if (size && cg_buf_append(&state->value, data, size) != CG_OK)
        state->too_large = true;
    return MHD_YES;
}

static enum cg_err multipart_query(const struct cg_sim_request *req,
                                   char **query, struct cg_error *err)
{
    struct multipart_state state;
    struct MHD_PostProcessor *processor;
    enum MHD_Result ok;

    memset(&state, 0, sizeof(state));
    cg_buf_init(&state.value, CG_SIM_BODY_MAX);
    processor = MHD_create_post_processor(req->connection, 4096,
                                          collect_query_part, &state);
    if (!processor)
        return cg_error_set(err, CG_ERR_PARSE,
                            "invalid multipart/form-data body (missing "
                            "boundary?)");
    ok = MHD_post_process(processor, req->body.data ? req->body.data : "",
                          req->body.len);
    MHD_destroy_post_processor(processor);
    if (ok != MHD_YES || state.too_large) {
        cg_buf_release(&state.value);
        return cg_error_set(err, CG_ERR_PARSE,
                            "invalid multipart/form-data body");
    }
    if (state.seen && strlen(cg_buf_str(&state.value)) == state.value.len)
        *query = cg_buf_detach(&state.value);
    cg_buf_release(&state.value);
    return CG_OK;
}

enum cg_err cg_sim_request_form_query(const struct cg_sim_request *req,
                                      char **query, struct cg_error *err)
{
    const char *type = cg_sim_request_header(req, "Content-Type");
    const char *body = cg_buf_str(&req->body);
    size_t len = req->body.len;
    size_t skip = 0;

    *query = NULL;
    if (len == 0) {
        bool invalid = false;
        const char *arg = cg_sim_request_arg(req, "query", &invalid);

        if (arg && !invalid)
            *query = strdup(arg);
        return CG_OK;
    }
    while (skip < len && isspace((unsigned char)body[skip]))
        skip++;
    if (type && strncasecmp(type, "multipart/form-data", 19) == 0)
        return multipart_query(req, query, err);
    if ((type && strncasecmp(type, "application/json", 16) == 0) ||
        (!type && skip < len && body[skip] == '{'))
        return json_query(body, len, query, err);
    return form_query(body, len, query, err);
}
