/*
 * Atomic counters behind GET /_sim/stats and POST /_sim/reset.
 */
#include "stats.h"

#include <stdatomic.h>

static const char *const endpoint_names[CG_SIM_EP_COUNT] = {
    "ip_report",        "malicious_info", "suspicious_info", "user_me",
    "domain_reports",   "domain_scan",    "domain_status",   "domain_report",
    "domain_report_v1", "lite_scan",      "lite_progress",   "lite_report",
    "quick_hash_view",  "unknown_path"};

static const char *const rejection_names[CG_SIM_REJECTED_COUNT] = {
    "invalid_key",  "limit_exceeded", "concurrency", "rate_limit",
    "server_error", "bad_request",    "not_found",   "still_scanning"};

static atomic_ullong request_counts[CG_SIM_EP_COUNT];
static atomic_ullong rejection_counts[CG_SIM_REJECTED_COUNT];
static atomic_ullong call_sequence;
static atomic_llong credits_used;
static atomic_long in_flight;
static atomic_long max_in_flight;

const char *cg_sim_endpoint_name(enum cg_sim_endpoint endpoint)
{
    return endpoint_names[endpoint];
}

void cg_sim_stats_count_request(enum cg_sim_endpoint endpoint)
{
    atomic_fetch_add(&request_counts[endpoint], 1);
}

void cg_sim_stats_count_rejection(enum cg_sim_rejection reason)
{
    atomic_fetch_add(&rejection_counts[reason], 1);
}

long cg_sim_stats_enter(void)
{
    long now = atomic_fetch_add(&in_flight, 1) + 1;
    long peak = atomic_load(&max_in_flight);

    while (now > peak &&
           !atomic_compare_exchange_weak(&max_in_flight, &peak, now)) {
    }
    return now;
}

void cg_sim_stats_leave(void)
{
    atomic_fetch_sub(&in_flight, 1);
}

unsigned long long cg_sim_stats_next_call(void)
{
    return atomic_fetch_add(&call_sequence, 1) + 1;
}

bool cg_sim_credits_reserve(long long limit)
{
    long long used = atomic_load(&credits_used);

    do {
        if (limit >= 0 && used >= limit)
            return false;
    } while (!atomic_compare_exchange_weak(&credits_used, &used, used + 1));
    return true;
}

void cg_sim_credits_refund(void)
{
    long long used = atomic_load(&credits_used);

    /* A reset between reserve and refund has already zeroed the count. */
    while (used > 0 &&
           !atomic_compare_exchange_weak(&credits_used, &used, used - 1)) {
    }
}

long long cg_sim_credits_used(void)
{
    return atomic_load(&credits_used);
}

json_t *cg_sim_stats_to_json(void)
{
    json_t *stats = json_object();
    json_t *rejected = json_object();
    unsigned long long total = 0;

    for (int i = 0; i < CG_SIM_EP_COUNT; i++) {
        unsigned long long n = atomic_load(&request_counts[i]);

        total += n;
        json_object_set_new(stats, endpoint_names[i],
                            json_integer((json_int_t)n));
    }
    for (int i = 0; i < CG_SIM_REJECTED_COUNT; i++)
        json_object_set_new(
            rejected, rejection_names[i],
            json_integer((json_int_t)atomic_load(&rejection_counts[i])));
    json_object_set_new(stats, "total", json_integer((json_int_t)total));
    json_object_set_new(stats, "credits_used",
                        json_integer(atomic_load(&credits_used)));
    json_object_set_new(stats, "in_flight",
                        json_integer(atomic_load(&in_flight)));
    json_object_set_new(stats, "max_in_flight",
                        json_integer(atomic_load(&max_in_flight)));
    /* "refused" is the key that benchmark scripts read. */
    json_object_set_new(stats, "refused", rejected);
    return stats;
}

void cg_sim_stats_reset(void)
{
    for (int i = 0; i < CG_SIM_EP_COUNT; i++)
        atomic_store(&request_counts[i], 0);
    for (int i = 0; i < CG_SIM_REJECTED_COUNT; i++)
        atomic_store(&rejection_counts[i], 0);
    atomic_store(&call_sequence, 0);
    atomic_store(&credits_used, 0);
    atomic_store(&max_in_flight, atomic_load(&in_flight));
}
