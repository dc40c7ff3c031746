/*
 * The OpenCTI GraphQL client: POST {OPENCTI_URL}/graphql with a bearer
 * token, as pycti does, over one libcurl easy handle per thread so that
 * the connection is kept alive. Calls that cannot reach the platform are
 * retried with bounded exponential back-off, and the first failure and the
 * recovery are logged.
 */
#ifndef CG_OPENCTI_GRAPHQL_H
#define CG_OPENCTI_GRAPHQL_H

#include <curl/curl.h>
#include <jansson.h>
#include <signal.h>

#include "core/err.h"

/* Largest response body accepted, in bytes. */
#define CG_GRAPHQL_MAX_BODY (64u * 1024 * 1024)

struct cg_graphql {
    char *endpoint; /* owned: URL + "/graphql" */
    char *auth;     /* owned: the Authorization header line; never logged */
    CURL *easy;
    long timeout_ms; /* per request; pycti uses 300 s */
    long long max_backoff_ms;
    const volatile sig_atomic_t *stop; /* ends retries early; may be NULL */
    /* Called about every 100 ms while waiting to retry (may be NULL), so
     * that a worker keeps its broker connection alive. */
    void (*idle)(void *data);
    void *idle_data;
    int failures; /* consecutive failed attempts */
};

/* Extra request headers for one call; any field may be NULL. */
struct cg_graphql_headers {
    const char *draft_id; /* opencti-draft-id */
};

/*
 * Sets up a client for the platform at url (no trailing slash) with token.
 * Release with cg_graphql_release.
 */
enum cg_err cg_graphql_init(struct cg_graphql *client, const char *url,
                            const char *token,
                            struct cg_error *err) CG_WARN_UNUSED;

void cg_graphql_release(struct cg_graphql *client);

/*
 * Sends one query with variables (borrowed; may be NULL). On success
 * returns the "data" member in *data (new reference). Errors:
 * CG_ERR_GRAPHQL when the response carries "errors" (err names the first
 * message), CG_ERR_NET or CG_ERR_TIMEOUT when the platform cannot be
 * reached, CG_ERR_API_SERVER for HTTP 5xx and 429, CG_ERR_API_PROTOCOL for
 * other statuses or a body that is not GraphQL JSON.
 */
enum cg_err cg_graphql_query(struct cg_graphql *client, const char *query,
                             const json_t *variables,
                             const struct cg_graphql_headers *headers,
                             json_t **data,
                             struct cg_error *err) CG_WARN_UNUSED;

/*
 * The same, retrying the errors that mean "not reachable now" (NET,
 * TIMEOUT, API_SERVER) with exponential back-off from 1 s up to
 * max_backoff_ms. attempts bounds the tries (0: until success or the stop
 * flag). Returns CG_ERR_INTERRUPTED when the stop flag ended the retries.
 */
enum cg_err cg_graphql_query_retry(struct cg_graphql *client, const char *query,
                                   const json_t *variables,
                                   const struct cg_graphql_headers *headers,
                                   int attempts, json_t **data,
                                   struct cg_error *err) CG_WARN_UNUSED;

/* True for the errors cg_graphql_query_retry retries. */
bool cg_graphql_is_transient(enum cg_err code);

/*
 * Sleeps ms milliseconds in short steps, returning false early when *stop
 * becomes set (stop may be NULL).
 */
bool cg_sleep_unless_stopped(long long ms, const volatile sig_atomic_t *stop);

#endif /* CG_OPENCTI_GRAPHQL_H */
