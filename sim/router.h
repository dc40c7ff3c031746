/*
 * Routing of API requests and the failure switches that act before a
 * handler runs: API key, concurrency limit, latency, every-N-th 500, 429
 * bursts and credits. Handlers fill a struct cg_sim_call; the router turns
 * it into the HTTP reply, applying --null-heavy and --errors-in-200.
 */
#ifndef CG_SIM_ROUTER_H
#define CG_SIM_ROUTER_H

#include "http.h"
#include "settings.h"
#include "stats.h"

/* Error messages of the real API (the first five) and of the simulator. */
#define CG_SIM_MSG_INVALID_KEY "invalid api key"
#define CG_SIM_MSG_LIMIT       "limit exceeded"
#define CG_SIM_MSG_CONCURRENT  "unable to call api at the same time"
#define CG_SIM_MSG_INVALID_IP  "Invalid IP Address."
#define CG_SIM_MSG_STILL_SCANNING \
    "We are still scanning for your previous request. Please wait."
#define CG_SIM_MSG_RATE      "too many requests"
#define CG_SIM_MSG_SERVER    "internal server error"
#define CG_SIM_MSG_NOT_FOUND "Not Found"

/* The state of one API call, shared by the router and its handler. */
struct cg_sim_call {
    const struct cg_sim_request *request;
    const struct cg_sim_settings *settings;
    const char *path_id; /* text after a prefix route, e.g. the scan id */
    int64_t now;         /* wall clock, Unix seconds */
    unsigned status;     /* HTTP status that matches the body */
    json_t *body;        /* owned */
    bool no_charge;      /* a success that spends no credit */
};

/* Sets a success body; takes ownership of body. */
void cg_sim_call_ok(struct cg_sim_call *call, json_t *body);

/*
 * Sets the error body {"status": status, "message": message} and counts
 * the rejection.
 */
void cg_sim_call_error(struct cg_sim_call *call, unsigned status,
                       const char *message, enum cg_sim_rejection reason);

/* Handles a complete request and fills reply. */
void cg_sim_router_handle(const struct cg_sim_request *req,
                          struct cg_sim_reply *reply);

#endif /* CG_SIM_ROUTER_H */
