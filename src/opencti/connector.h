/*
 * `cipgraph connector`: an OpenCTI internal-enrichment connector. It
 * checks the platform (healthCheck), registers (registerConnector), pings
 * every CIPGRAPH_PING_INTERVAL, and runs CIPGRAPH_WORKERS workers that take
 * listen messages from RabbitMQ or from the HTTP callback, enrich the
 * entity through the shared engine and send the result back.
 */
#ifndef CG_OPENCTI_CONNECTOR_H
#define CG_OPENCTI_CONNECTOR_H

#include <signal.h>

#include "opencti/config.h"

/*
 * Runs the connector until *stop is set (by SIGTERM or SIGINT); each
 * worker finishes the message in hand first. After a start-up failure this
 * sets *stop itself, to end the workers already running. Returns CG_OK after a
 * clean stop, CG_ERR_CONFIG for a Criminal IP key with blanks, CG_ERR_DB when
 * the database cannot be opened, CG_ERR_GRAPHQL when the platform rejects the
 * registration (a wrong token, missing rights), or the listener's error.
 * Outages of OpenCTI and RabbitMQ are waited out, not returned.
 */
enum cg_err cg_connector_run(const struct cg_octi_config *cfg,
                             volatile sig_atomic_t *stop,
                             struct cg_error *err) CG_WARN_UNUSED;

#endif /* CG_OPENCTI_CONNECTOR_H */
