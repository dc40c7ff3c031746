/*
 * One connector worker: its own database connection, enrichment engine,
 * GraphQL client and broker connection, and the handling of one listen
 * message from parsing to the pushed bundle and the work report. Workers
 * share only struct cg_connector, whose mutable part is guarded by its
 * lock.
 */
#ifndef CG_OPENCTI_WORKER_H
#define CG_OPENCTI_WORKER_H

#include <pthread.h>
#include <signal.h>

#include "criminalip/client.h"
#include "enrich/engine.h"
#include "opencti/broker.h"
#include "opencti/config.h"
#include "opencti/graphql.h"
#include "opencti/ledger.h"
#include "opencti/platform.h"

/* The state shared by every worker of a process. */
struct cg_connector {
    const struct cg_octi_config *cfg; /* borrowed */
    struct cg_registration reg;
    struct cg_cip_config api;
    const volatile sig_atomic_t *stop; /* set by SIGTERM or SIGINT */
    pthread_mutex_t lock;              /* guards the fields below */
    /* CG_OK, or why Criminal IP calls are suspended: CG_ERR_API_LIMIT or
     * CG_ERR_API_KEY; until blocked_until (Unix seconds). */
    enum cg_err blocked;
    int64_t blocked_until;
    char blocked_reason[256];
};

/* The settlement of a handled message. */
enum cg_disposition {
    CG_DISPOSE_ACK,    /* done: acknowledge (HTTP 202) */
    CG_DISPOSE_REJECT, /* unusable: reject without requeue (HTTP 400 or
                          202) */
    CG_DISPOSE_REQUEUE /* the result could not be delivered: leave it for
                          redelivery (HTTP 500) */
};

/* The outcome of one message, kept until the work report is sent. */
struct cg_handled {
    enum cg_disposition disposition;
    bool bad_json; /* the body was not JSON (HTTP 400) */
    char key[CG_LEDGER_KEY_SIZE];
    char work_id[128];   /* "" when the message has no work */
    char entity_id[128]; /* "" when the message names none */
    char message[1024];  /* the work message */
    bool in_error;
};

struct cg_worker {
    struct cg_connector *connector; /* borrowed */
    int index;
    struct cg_store *store;
    struct cg_engine *engine;
    struct cg_engine_opts engine_opts; /* to start a new engine after one
                                          stopped */
    struct cg_graphql graphql;
    struct cg_broker broker;
    bool use_broker; /* pushes to (or listens on) RabbitMQ */
    void *current;   /* the message being handled, for engine callbacks */
};

/*
 * Opens the worker's database, engine and clients. The broker is set up
 * but not connected. Release with cg_worker_release.
 */
enum cg_err cg_worker_init(struct cg_worker *worker,
                           struct cg_connector *connector, int index,
                           struct cg_error *err) CG_WARN_UNUSED;

void cg_worker_release(struct cg_worker *worker);

/*
 * Handles one listen message body. redelivered and delivery_count come
 * from the broker (false and -1 for HTTP callbacks). Fills out with the
 * disposition and the pending work report; the caller settles the message
 * (ack, reject or requeue) and then calls cg_worker_report.
 */
void cg_worker_handle(struct cg_worker *worker, const char *body, size_t len,
                      bool redelivered, long delivery_count,
                      struct cg_handled *out);

/*
 * Sends the work report of a handled message (workToProcessed), unless it
 * is left for redelivery, and deletes its delivery count when final is
 * true, meaning that the message will not come back (acknowledged, or rejected
 * without requeue).
 */
void cg_worker_report(struct cg_worker *worker, const struct cg_handled *done,
                      bool final);

/*
 * Connects the worker's broker for publishing when it is not connected,
 * logging the attempt. Returns the connection error.
 */
enum cg_err cg_worker_connect_broker(struct cg_worker *worker,
                                     struct cg_error *err) CG_WARN_UNUSED;

#endif /* CG_OPENCTI_WORKER_H */
