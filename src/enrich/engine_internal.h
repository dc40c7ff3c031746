/*
 * Private parts of the enrichment engine shared by engine.c (the event
 * loop and scheduling), job.c (each value's sequence of calls) and
 * job_finish.c (mapping, storing and reporting a finished value).
 */
#ifndef CG_ENRICH_ENGINE_INTERNAL_H
#define CG_ENRICH_ENGINE_INTERNAL_H

#include "enrich/engine.h"

/* Marks a job that needs no further call. */
#define CG_CALL_NONE CG_CIP__COUNT

struct job {
    struct job *next;
    char *raw;
    size_t raw_len; /* bytes of raw, which may hold NUL bytes */
    long line;
    char *item_key; /* the run item's key: the canonical value, or
                       "invalid:" and the raw text */
    struct cg_indicator ind;
    enum cg_cip_endpoint call; /* the next call, or CG_CALL_NONE */
    char *arg;                 /* its argument */
    int attempt;               /* retries of this call so far */
    int64_t due_ms;            /* not before this monotonic time */
    int64_t deadline_ms;       /* scan deadline */
    long long scan_id;
    char lite_id[64];
    /* --deep: the bodies gathered so far, and why an extra call gave
     * none. Each body is cached as soon as it arrives. */
    json_t *ip_report;
    json_t *malicious;
    json_t *suspicious;
    char *malicious_error;
    char *suspicious_error;
    int cached_bodies;  /* --deep: bodies served from the cache */
    int64_t fetched_at; /* oldest fetch time of a cached body read, or 0 */
    long reserved;      /* credits held for the value's remaining calls */
    long call_serial;   /* stats.api_calls when the call in flight started */
    int calls;
    bool in_flight;
    /* The text of the response being handled, NUL-terminated, or NULL.
     * The cache stores it as received instead of serialising the parsed
     * body again. Set only during cg_job__answer. */
    const char *received;
    struct cg_cip_request req;
    struct cg_cip_transfer transfer;
};

struct cg_engine {
    struct cg_engine_opts opts;
    struct cg_stix_ctx ctx;
    struct cg_map_opts map_opts;
    CURLM *multi;
    struct job *jobs; /* values in progress, oldest first */
    struct job *jobs_tail;
    size_t active;
    size_t window;
    int session;
    int in_flight;
    long credits_reserved; /* the sum of the jobs' reservations */
    double tokens;
    int64_t refill_ms;
    int64_t token_ms;        /* when the last token was taken, or 0 */
    double base_rate;        /* --rate, or without one the call rate seen
                                at the first 429; recovery stops there */
    long lowered_at;         /* stats.api_calls at the last lowering */
    long calls_since_change; /* successful calls since the pace changed */
    bool pinned;             /* a concurrency refusal fixed concurrency 1 */
    bool stopping;           /* no new calls; see stats.stop_reason */
    bool lowering_logged;
    int64_t start_ms;
    int64_t progress_ms;
    struct cg_engine_stats stats;
    struct cg_error fatal; /* a run-stopping error, code CG_OK if none */
};

/* job.c */

/*
 * Starts a parsed, claimed value: serves it from the cache or sets its
 * first call. May finish it at once.
 */
void cg_job__begin(struct cg_engine *engine, struct job *job);

/* Handles the classified response to the job's call. */
void cg_job__answer(struct cg_engine *engine, struct job *job, enum cg_err rc,
                    json_t *json, const struct cg_error *err);

/*
 * Finishes a job with an outcome that carries no data (failed, not done,
 * skipped...). reason may be NULL.
 */
void cg_job__finish_plain(struct cg_engine *engine, struct job *job,
                          enum cg_outcome outcome, enum cg_err error,
                          const char *reason);

/*
 * Finishes a job that the stopping run will not complete, as not done. A
 * --deep IP that already has its report is mapped with what it has, and
 * its run item stays unfinished, so that --resume fetches the rest (the
 * bodies are cached). reason may be NULL.
 */
void cg_job__stop(struct cg_engine *engine, struct job *job, enum cg_err error,
                  const char *reason);

/*
 * Returns the most credits the job's remaining calls can cost, from its
 * next call on. The budget reserves this much before a value's first
 * credit-spending call, so that reaching --max-credits does not strand a
 * value whose first calls were already paid for.
 */
long cg_job__credits_left(const struct cg_engine *engine,
                          const struct job *job);

/* Frees a job and everything it owns. */
void cg_job__free(struct job *job);

/* job_finish.c */

/* True for an IPv4 or IPv6 value. */
bool cg_job__is_ip(const struct job *job);

/* The records of a finished value besides its objects. */
struct cg_job_finish {
    enum cg_outcome outcome; /* enriched, cached, no-data or not-done */
    const char *key;         /* the cache key; set by cg_job__finish_mapped */
    const char *cache_body;  /* text to cache under key, or NULL */
    const char *reason;      /* the run item's reason; NULL: the outcome */
};

/*
 * Maps, stores and delivers a value: body is the IP report, or the domain
 * report's data object; NULL with CG_OUTCOME_NO_DATA. fin->cache_body is
 * the text to cache under the job's key, or NULL when the response came
 * from the cache or was cached on arrival.
 */
void cg_job__finish_mapped(struct cg_engine *engine, struct job *job,
                           const json_t *body, struct cg_job_finish *fin);

/*
 * Finishes a job with data. The outcome is "cached" when the job made no
 * call, "no-data" with no_data, and "enriched" otherwise.
 */
void cg_job__finish_with(struct cg_engine *engine, struct job *job,
                         const json_t *body, bool no_data,
                         const char *cache_body);

/*
 * Reads the cache entry "<prefix>:<value>" (prefix NULL: the job's own
 * kind) when it is no older than the value's TTL, into *out (new
 * reference). Returns false when there is none or it is unreadable.
 */
bool cg_job__cache_read(struct cg_engine *engine, struct job *job,
                        const char *prefix, json_t **out);

/*
 * Returns the text to cache for body: the response as received when
 * is_response is set (body is the response being handled) and its text
 * was kept, or else body serialised into *owned, which the caller frees.
 * Returns NULL when out of memory.
 */
const char *cg_job__cache_text(const struct job *job, const json_t *body,
                               bool is_response, char **owned);

/*
 * --deep: caches body under prefix at once, in its own transaction. When
 * is_response is set, body is the response being handled, and its text
 * as received is stored where there is one.
 */
void cg_job__cache_write(struct cg_engine *engine, struct job *job,
                         const char *prefix, const json_t *body,
                         bool is_response);

/* True for the cached form of "Criminal IP has no data" (status 404). */
bool cg_job__is_no_data(const json_t *json);

/* engine.c */

/*
 * Sets the job's next call with a copy of arg, due after delay_ms, and
 * resets its retry count.
 */
void cg_engine__set_call(struct cg_engine *engine, struct job *job,
                         enum cg_cip_endpoint call, const char *arg,
                         long delay_ms);

/* Stops new calls for the rest of the run because of reason. */
void cg_engine__stop(struct cg_engine *engine, enum cg_err reason,
                     const struct cg_error *detail);

/* Records a run-stopping error (database, memory). */
void cg_engine__fatal(struct cg_engine *engine, const struct cg_error *err);

#endif /* CG_ENRICH_ENGINE_INTERNAL_H */
