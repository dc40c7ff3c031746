/*
 * The enrichment engine: takes raw values, normalises and de-duplicates
 * them, serves what it can from the response cache, and runs the Criminal
 * IP calls for the rest through one curl multi handle, within a
 * concurrency cap, a token-bucket rate and a credit budget. Each finished
 * value is mapped to STIX, stored in one transaction and reported through
 * a callback.
 *
 * The engine is single-threaded: cg_engine_submit and cg_engine_finish run
 * its event loop on the caller's thread. Memory is bounded by the window
 * of values in progress, whatever the length of the input.
 */
#ifndef CG_ENRICH_ENGINE_H
#define CG_ENRICH_ENGINE_H

#include <signal.h>

#include "criminalip/client.h"
#include "input/indicator.h"
#include "stix/map.h"
#include "store/store.h"

/* The outcome of one input value. */
enum cg_outcome {
    CG_OUTCOME_ENRICHED,  /* new data from the API */
    CG_OUTCOME_CACHED,    /* served from the response cache, no call */
    CG_OUTCOME_NO_DATA,   /* Criminal IP has nothing on it (not an error) */
    CG_OUTCOME_DUPLICATE, /* same canonical value earlier in this run */
    CG_OUTCOME_EARLIER,   /* done by the run being resumed */
    CG_OUTCOME_SKIPPED,   /* special-purpose address or CIDR block */
    CG_OUTCOME_INVALID,   /* not an indicator */
    CG_OUTCOME_FAILED,    /* an error specific to this value */
    CG_OUTCOME_NOT_DONE   /* the run stopped before this value */
};

/* Returns "enriched", "cached", "no-data", "duplicate", "earlier",
 * "skipped", "invalid", "failed" or "not-done". */
const char *cg_outcome_name(enum cg_outcome outcome);

/* One finished value, as passed to the result callback. Every pointer is
 * valid only during the call. */
struct cg_result {
    const char *raw;                /* the input text */
    long line;                      /* its line number, or the argument
                                       position */
    const struct cg_indicator *ind; /* NULL when the value is invalid */
    enum cg_outcome outcome;
    enum cg_err error;                /* CG_OK unless failed/skipped/... */
    const char *reason;               /* why, for every outcome but success */
    const struct cg_summary *summary; /* enriched, cached, no-data */
    const char *object_id;            /* the observable's STIX id, or NULL */
    const struct cg_bundle *bundle;   /* the value's objects, or NULL */
    int api_calls;                    /* calls made for this value */
};

typedef void (*cg_result_fn)(const struct cg_result *result, void *data);

/* Counters of a run. */
struct cg_engine_stats {
    long read;     /* values submitted */
    long distinct; /* distinct canonical values */
    long duplicates;
    long earlier;
    long invalid;
    long skipped;
    long enriched;
    long cached;
    long no_data;
    long failed;
    long not_done;
    long api_calls;
    long calls[CG_CIP__COUNT]; /* per endpoint */
    long credits_used;
    long credits_saved; /* estimated: cache hits, duplicates, skips */
    long retries;
    long slowdowns;          /* times concurrency or the rate was lowered */
    int concurrency;         /* current cap, after any lowering */
    double rate;             /* current calls per second, 0 for unlimited */
    enum cg_err stop_reason; /* CG_OK, API_KEY, API_LIMIT, BUDGET or
                                INTERRUPTED */
    int64_t elapsed_ms;
};

struct cg_engine_opts {
    const struct cg_cip_config *api; /* borrowed */
    struct cg_store *store;          /* borrowed */
    enum cg_tlp tlp;
    double phishing_threshold;
    int64_t ip_ttl;     /* cache lifetime of IP reports, seconds */
    int64_t domain_ttl; /* cache lifetime of domain reports, seconds */
    int64_t reuse_age;  /* reuse an existing scan this recent, seconds */
    bool refresh;       /* ignore the cache (responses are still stored) */
    bool allow_private;
    bool lite;       /* domains and URLs: lite scan instead of full */
    bool deep;       /* IPs: add malicious-info and suspicious-info */
    int concurrency; /* largest number of calls in flight, >= 1 */
    double rate;     /* calls per second; 0 for no pacing */
    long poll_interval_ms;
    long scan_deadline_ms;
    int max_retries;
    long backoff_base_ms;
    long backoff_max_ms;
    long long max_credits; /* < 0: no budget */
    int64_t run_id;        /* > 0: record items and objects for this run */
    const volatile sig_atomic_t *stop; /* set by a signal handler */
    bool quiet_stop; /* do not log why calls stopped: the caller reports it
                        in its own words (stats.stop_reason) */
    cg_result_fn on_result;
    void *data;
    /* Called at most every progress_ms while the loop runs. */
    void (*on_progress)(const struct cg_engine_stats *stats, long in_progress,
                        void *data);
    long progress_ms;
};

/* Fills opts with the documented defaults; api, store and callbacks stay
 * NULL. */
void cg_engine_opts_init(struct cg_engine_opts *opts);

struct cg_engine;

enum cg_err cg_engine_new(const struct cg_engine_opts *opts,
                          struct cg_engine **out,
                          struct cg_error *err) CG_WARN_UNUSED;

/*
 * Submits one raw value (len bytes; line is its position for messages).
 * Invalid, special-purpose, duplicate and cached values finish at once;
 * others join the work window. When the window is full, this runs the
 * event loop until a slot frees up. Returns CG_OK, or a run-stopping error
 * (CG_ERR_API_KEY, CG_ERR_DB, CG_ERR_NOMEM, CG_ERR_INTERRUPTED) after which
 * the caller should stop submitting. Credits running out is not such an
 * error: later values are still served from the cache, and the rest are
 * reported
 * as not done.
 */
enum cg_err cg_engine_submit(struct cg_engine *engine, const char *raw,
                             size_t len, long line,
                             struct cg_error *err) CG_WARN_UNUSED;

/*
 * Runs the loop until every submitted value has finished. Returns CG_OK or
 * the run-stopping error.
 */
enum cg_err cg_engine_finish(struct cg_engine *engine,
                             struct cg_error *err) CG_WARN_UNUSED;

/* Returns the counters (valid until the engine is freed). */
const struct cg_engine_stats *cg_engine_stats(const struct cg_engine *engine);

/* Returns the counters as a JSON object (new reference). */
json_t *cg_engine_stats_json(const struct cg_engine_stats *stats);

void cg_engine_free(struct cg_engine *engine);

/*
 * Writes into out the response-cache key under which the engine keeps the
 * report of ind (normalised): "ip:", "domain:" or, for the lite path,
 * "lite:", then the value. Callers that ask whether a value would be
 * served from the cache use the same key.
 */
enum cg_err cg_engine_cache_key(const struct cg_indicator *ind, bool lite,
                                struct cg_buf *out) CG_WARN_UNUSED;

#endif /* CG_ENRICH_ENGINE_H */
