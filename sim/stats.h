/*
 * Request counters for GET /_sim/stats: requests per endpoint, rejections per
 * reason, credits spent and the peak number of API calls in flight. All
 * counters are atomics, so handlers update them without a lock.
 */
#ifndef CG_SIM_STATS_H
#define CG_SIM_STATS_H

#include "core/common.h"

#include <jansson.h>

/* API endpoints; the JSON names are listed in stats.c. */
enum cg_sim_endpoint {
    CG_SIM_EP_IP_REPORT,
    CG_SIM_EP_MALICIOUS_INFO,
    CG_SIM_EP_SUSPICIOUS_INFO,
    CG_SIM_EP_USER_ME,
    CG_SIM_EP_DOMAIN_REPORTS,
    CG_SIM_EP_DOMAIN_SCAN,
    CG_SIM_EP_DOMAIN_STATUS,
    CG_SIM_EP_DOMAIN_REPORT,
    CG_SIM_EP_DOMAIN_REPORT_V1,
    CG_SIM_EP_LITE_SCAN,
    CG_SIM_EP_LITE_PROGRESS,
    CG_SIM_EP_LITE_REPORT,
    CG_SIM_EP_QUICK_HASH_VIEW,
    CG_SIM_EP_UNKNOWN, /* paths that match no endpoint */
    CG_SIM_EP_COUNT
};

/* Reasons an API call did not get a success body. */
enum cg_sim_rejection {
    CG_SIM_REJECTED_INVALID_KEY,
    CG_SIM_REJECTED_LIMIT_EXCEEDED,
    CG_SIM_REJECTED_CONCURRENCY,
    CG_SIM_REJECTED_RATE_LIMIT,
    CG_SIM_REJECTED_SERVER_ERROR,
    CG_SIM_REJECTED_BAD_REQUEST,
    CG_SIM_REJECTED_NOT_FOUND,
    CG_SIM_REJECTED_STILL_SCANNING,
    CG_SIM_REJECTED_COUNT
};

/* Returns the JSON name of an endpoint, e.g. "ip_report". */
const char *cg_sim_endpoint_name(enum cg_sim_endpoint endpoint);

void cg_sim_stats_count_request(enum cg_sim_endpoint endpoint);
void cg_sim_stats_count_rejection(enum cg_sim_rejection reason);

/*
 * Marks an API call as in flight and returns how many are in flight now,
 * this one included. Every call must be paired with cg_sim_stats_leave().
 */
long cg_sim_stats_enter(void);
void cg_sim_stats_leave(void);

/*
 * Returns the 1-based number of this call among the calls that passed the
 * key and concurrency checks; the 5xx and 429 switches count with it.
 */
unsigned long long cg_sim_stats_next_call(void);

/*
 * Reserves one credit when fewer than limit are spent (limit -1: no
 * limit). Returns false when the credits are exhausted.
 */
bool cg_sim_credits_reserve(long long limit);

/* Returns a reserved credit, for a call that ended without a success. */
void cg_sim_credits_refund(void);

long long cg_sim_credits_used(void);

/* Returns a new JSON object with every counter. */
json_t *cg_sim_stats_to_json(void);

/* Zeroes every counter; max_in_flight restarts from the calls in flight. */
void cg_sim_stats_reset(void);

#endif /* CG_SIM_STATS_H */
