/*
 * The simulator's HTTP server on libmicrohttpd: one thread per connection,
 * so a request that sleeps for --latency does not hold up the others.
 * Requests are buffered here (bodies up to CG_SIM_BODY_MAX bytes) and handed
 * to the router once complete; the reply is sent as JSON.
 */
#ifndef CG_SIM_HTTP_H
#define CG_SIM_HTTP_H

#include "core/buf.h"
#include "core/err.h"

#include <jansson.h>
#include <microhttpd.h>

/* Largest request body in bytes; larger bodies get 400. */
#define CG_SIM_BODY_MAX 65536

/* Largest query string (sum of argument names and values) in bytes;
 * larger ones get 400. */
#define CG_SIM_QUERY_STRING_MAX 16384

/* Most connections served at once; more wait in the listen backlog. */
#define CG_SIM_CONNECTIONS_MAX 512

struct cg_sim_request {
    struct MHD_Connection *connection;
    const char *method; /* borrowed from libmicrohttpd */
    char *path;         /* the decoded path without the query string */
    struct cg_buf body;
    bool body_too_large;
    int64_t started_ms; /* monotonic clock at arrival */
};

struct cg_sim_reply {
    unsigned http_status;
    json_t *body;      /* owned; NULL sends an empty body */
    const char *allow; /* Allow header for 405, or NULL */
};

struct cg_sim_server;

/*
 * Starts serving on host (a loopback address: 127.0.0.0/8, ::1 or
 * "localhost") and port (0: any free port). Fails with CG_ERR_USAGE for any
 * other host and CG_ERR_NET when the socket cannot be bound.
 */
enum cg_err cg_sim_server_start(const char *host, unsigned port,
                                struct cg_sim_server **out,
                                struct cg_error *err);

/* Returns the bound port. */
unsigned cg_sim_server_port(const struct cg_sim_server *server);

/* Returns true when the server listens on an IPv6 address. */
bool cg_sim_server_is_ipv6(const struct cg_sim_server *server);

/* Stops the server, waits for its threads and frees it. NULL is a no-op. */
void cg_sim_server_stop(struct cg_sim_server *server);

/*
 * Returns the value of a query-string argument, or NULL when it is absent.
 * Sets *invalid when the decoded value contains a NUL byte, which no valid
 * argument does.
 */
const char *cg_sim_request_arg(const struct cg_sim_request *req,
                               const char *name, bool *invalid);

/* Returns a request header (case-insensitive name), or NULL. */
const char *cg_sim_request_header(const struct cg_sim_request *req,
                                  const char *name);

/* Returns the total bytes of all query-string names and values. */
size_t cg_sim_request_query_size(const struct cg_sim_request *req);

/*
 * Extracts the `query` field of a POST body sent as
 * application/x-www-form-urlencoded, multipart/form-data or a JSON object
 * {"query": "..."}; a body without a Content-Type is read as JSON when it
 * starts with '{' and as a form otherwise. Falls back to a `query`
 * query-string argument when the body is empty. Stores a new string in
 * *query (free with free()), or NULL when there is no query field. Fails
 * with CG_ERR_PARSE for a malformed body.
 */
enum cg_err cg_sim_request_form_query(const struct cg_sim_request *req,
                                      char **query, struct cg_error *err);

/* Returns true when the client connected from a loopback address. */
bool cg_sim_request_is_loopback(const struct cg_sim_request *req);

#endif /* CG_SIM_HTTP_H */
