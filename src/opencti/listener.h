/*
 * The HTTP callback server of the "API" listen protocol (libmicrohttpd):
 * the OpenCTI worker POSTs each listen message to
 * CONNECTOR_LISTEN_PROTOCOL_API_PATH with the connector's own token as a
 * bearer token. Answers follow pycti: 401 {"error":"Invalid credentials"}
 * for a wrong token, 400 for a body that is not JSON, 500 when the result
 * could not be delivered (the platform retries), and 202
 * {"message":"Message successfully received"} once the message is handled.
 */
#ifndef CG_OPENCTI_LISTENER_H
#define CG_OPENCTI_LISTENER_H

#include "opencti/worker.h"

struct cg_listener;

/*
 * Starts the server on address:port with a pool of count workers (owned
 * by the caller, already initialised); each request takes a free worker.
 * Returns the new server in *out (stop with cg_listener_stop).
 */
enum cg_err cg_listener_start(const struct cg_octi_config *cfg,
                              struct cg_worker *workers, int count,
                              struct cg_listener **out,
                              struct cg_error *err) CG_WARN_UNUSED;

/* Returns the port the server listens on (useful with port 0). */
int cg_listener_port(const struct cg_listener *listener);

/*
 * Stops accepting connections, waits for the requests in progress to
 * finish, and frees the server. NULL is ignored.
 */
void cg_listener_stop(struct cg_listener *listener);

#endif /* CG_OPENCTI_LISTENER_H */
