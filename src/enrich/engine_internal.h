/*
 * Private parts of the enrichment engine shared by engine.c (the event
 * loop and scheduling) and job.c (each value's state machine).
 */
#ifndef CG_ENRICH_ENGINE_INTERNAL_H
#define CG_ENRICH_ENGINE_INTERNAL_H

#include "enrich/engine.h"

/* Marks a job that needs no further call. */
#define CG_CALL_NONE CG_CIP__COUNT

struct job {
    struct job *next;
    char *raw;
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
    json_t *ip_report; /* kept across the extra --deep calls */
    json_t *malicious;
    int calls;
    bool in_flight;
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
    long credits_in_flight;
    double tokens;
    int64_t refill_ms;
    bool stopping; /* no new calls; see stats.stop_reason */
    bool busy_logged;
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

/* Frees a job and everything it owns. */
void cg_job__free(struct job *job);

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

/* Removes a finished job from the in-progress list and frees it. */
void cg_engine__retire(struct cg_engine *engine, struct job *job);

#endif /* CG_ENRICH_ENGINE_INTERNAL_H */
