/*
 * The engine's event loop: admission of values into a bounded window, and
 * scheduling of their calls through a curl multi handle under the
 * concurrency cap, the token-bucket rate and the credit budget, with
 * back-off and adaptive lowering of concurrency when the API pushes back.
 */
#include "enrich/engine_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"

/* Maximum single wait for network activity in ms, so that signals, timers
 * and progress are noticed promptly. */
#define LOOP_WAIT_MAX_MS 200

/* Successful calls in a row after which a pace that 429 responses lowered
 * goes up one step. */
#define RECOVERY_CALLS 5

/* 429 responses never lower the rate below --rate divided by this, so that
 * a server that keeps rejecting some calls whatever the pace cannot stall
 * the run. NOTE: 16 is a judgement, not a measured value, because Criminal
 * IP publishes no rate limits. */
#define RATE_FLOOR_DIVISOR 16

const char *cg_outcome_name(enum cg_outcome outcome)
{
    static const char *const names[] = {
        [CG_OUTCOME_ENRICHED] = "enriched",
        [CG_OUTCOME_CACHED] = "cached",
        [CG_OUTCOME_NO_DATA] = "no-data",
        [CG_OUTCOME_DUPLICATE] = "duplicate",
        [CG_OUTCOME_EARLIER] = "earlier",
        [CG_OUTCOME_SKIPPED] = "skipped",
        [CG_OUTCOME_INVALID] = "invalid",
        [CG_OUTCOME_FAILED] = "failed",
        [CG_OUTCOME_NOT_DONE] = "not-done",
    };

    if ((unsigned)outcome >= CG_ARRAY_LEN(names))
        return "unknown";
    return names[outcome];
}

void cg_engine_opts_init(struct cg_engine_opts *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->tlp = CG_TLP_AMBER;
    opts->phishing_threshold = CG_PHISHING_THRESHOLD_DEFAULT;
    opts->ip_ttl = 24 * 3600;
    opts->domain_ttl = 7 * 24 * 3600;
    opts->reuse_age = 7 * 24 * 3600;
    opts->concurrency = 1;
    opts->rate = 0;
    opts->poll_interval_ms = 3000;
    opts->scan_deadline_ms = 180000;
    opts->max_retries = 5;
    opts->backoff_base_ms = 1000;
    opts->backoff_max_ms = 60000;
    opts->max_credits = -1;
    opts->progress_ms = 250;
}

enum cg_err cg_engine_new(const struct cg_engine_opts *opts,
                          struct cg_engine **out, struct cg_error *err)
{
    struct cg_engine *engine = calloc(1, sizeof(*engine));
    enum cg_err rc;

    *out = NULL;
    if (!engine)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    engine->opts = *opts;
    if (engine->opts.concurrency < 1)
        engine->opts.concurrency = 1;
    engine->stats.concurrency = engine->opts.concurrency;
    engine->stats.rate = engine->opts.rate > 0 ? engine->opts.rate : 0;
    engine->window = (size_t)engine->opts.concurrency * 4;
    if (engine->window < 64)
        engine->window = 64;
    engine->session = 1;
    engine->tokens = 1;
    engine->start_ms = cg_clock_ms();
    engine->refill_ms = engine->start_ms;
    rc = cg_stix_ctx_init(&engine->ctx, opts->tlp, cg_time_now());
    engine->map_opts.ctx = &engine->ctx;
    engine->map_opts.phishing_threshold = opts->phishing_threshold;
    engine->multi = curl_multi_init();
    if (rc != CG_OK || !engine->multi) {
        cg_engine_free(engine);
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    if (opts->run_id > 0) {
        rc = cg_store_run_next_session(opts->store, opts->run_id,
                                       &engine->session, err);
        if (rc != CG_OK) {
            cg_engine_free(engine);
            return rc;
        }
    }
    *out = engine;
    return CG_OK;
}

void cg_engine_free(struct cg_engine *engine)
{
    struct job *job;

    if (!engine)
        return;
    while ((job = engine->jobs) != NULL) {
        engine->jobs = job->next;
        if (job->in_flight)
            curl_multi_remove_handle(engine->multi, job->transfer.easy);
        cg_job__free(job);
    }
    if (engine->multi)
        curl_multi_cleanup(engine->multi);
    free(engine);
}

const struct cg_engine_stats *cg_engine_stats(const struct cg_engine *engine)
{
    return &engine->stats;
}

void cg_engine__set_call(struct cg_engine *engine, struct job *job,
                         enum cg_cip_endpoint call, const char *arg,
                         long delay_ms)
{
    char *copy = arg ? strdup(arg) : NULL;

    free(job->arg);
    job->arg = copy;
    job->call = call;
    job->attempt = 0;
    job->due_ms = cg_clock_ms() + delay_ms;
    if (arg && !copy) {
        struct cg_error err;

        cg_error_set(&err, CG_ERR_NOMEM, "out of memory");
        cg_engine__fatal(engine, &err);
        job->call = CG_CALL_NONE;
    }
}

void cg_engine__stop(struct cg_engine *engine, enum cg_err reason,
                     const struct cg_error *detail)
{
    if (engine->stopping)
        return;
    engine->stopping = true;
    engine->stats.stop_reason = reason;
    if (engine->opts.quiet_stop)
        return;
    switch (reason) {
    case CG_ERR_API_LIMIT:
        cg_log_error("enrich",
                     "Criminal IP credits are exhausted; making no more calls "
                     "(%s). Cached values are still answered; run again with "
                     "--resume when credits are available",
                     cg_error_text(detail));
        break;
    case CG_ERR_BUDGET:
        cg_log_warn("enrich",
                    "the --max-credits budget of %lld is reached, or what is "
                    "left of it (%lld used) is less than the next value can "
                    "cost (an IP 1 credit, 3 with --deep; a domain or URL up "
                    "to 3); making no more calls. Run again with --resume "
                    "to continue",
                    engine->opts.max_credits,
                    (long long)engine->stats.credits_used);
        break;
    case CG_ERR_API_KEY:
        cg_log_error("enrich", "%s; stopping the run", cg_error_text(detail));
        break;
    case CG_ERR_INTERRUPTED:
        cg_log_warn("enrich",
                    "interrupted; making no more calls and waiting for the "
                    "%d in flight (interrupt again to quit at once). Run "
                    "again with --resume to continue",
                    engine->in_flight);
        break;
    default:
        break;
    }
}

void cg_engine__fatal(struct cg_engine *engine, const struct cg_error *err)
{
    if (engine->fatal.code == CG_OK)
        engine->fatal = *err;
    engine->stopping = true;
    if (engine->stats.stop_reason == CG_OK)
        engine->stats.stop_reason = err->code;
}

/*
 * Refills the token bucket. Its capacity is one call, which keeps calls
 * evenly spaced. While calls follow each other without a pause, a call
 * that started late keeps its lateness as credit of up to one more call,
 * so the run still averages the rate.
 */
static bool take_token(struct cg_engine *engine, int64_t now, int64_t *wait)
{
    double rate = engine->stats.rate;
    double capacity = 1;

    if (rate <= 0)
        return true;
    if (engine->token_ms > 0 &&
        (double)(now - engine->token_ms) * rate / 1000.0 <= 2)
        capacity = 2;
    engine->tokens += (double)(now - engine->refill_ms) * rate / 1000.0;
    engine->refill_ms = now;
    if (engine->tokens > capacity)
        engine->tokens = capacity;
    if (engine->tokens >= 1) {
        engine->tokens -= 1;
        engine->token_ms = now;
        return true;
    }
    *wait = (int64_t)((1 - engine->tokens) * 1000.0 / rate) + 1;
    return false;
}

/*
 * Checks the job's call against --max-credits. Before a value's first
 * credit-spending call this reserves what all its remaining calls can
 * cost, so that the budget runs out between values, not inside one.
 */
static bool within_budget(struct cg_engine *engine, struct job *job)
{
    long cost = cg_cip_endpoint_credits(job->call);
    long need;

    if (cost == 0 || job->reserved >= cost)
        return true;
    need = cg_job__credits_left(engine, job) - job->reserved;
    if (need < cost)
        need = cost;
    if (engine->opts.max_credits >= 0 &&
        engine->stats.credits_used + engine->credits_reserved + need >
            engine->opts.max_credits)
        return false;
    job->reserved += need;
    engine->credits_reserved += need;
    return true;
}

/* Releases up to credits of a job's reservation. */
static void release_credits(struct cg_engine *engine, struct job *job,
                            long credits)
{
    if (credits > job->reserved)
        credits = job->reserved;
    job->reserved -= credits;
    engine->credits_reserved -= credits;
}

static void start_call(struct cg_engine *engine, struct job *job)
{
    struct cg_error err;
    enum cg_err rc;

    cg_cip_request_release(&job->req);
    rc = cg_cip_request_init(&job->req, engine->opts.api, job->call, job->arg,
                             &err);
    if (rc == CG_OK)
        rc = cg_cip_transfer_init(&job->transfer, engine->opts.api, &job->req,
                                  &err);
    if (rc == CG_OK &&
        curl_multi_add_handle(engine->multi, job->transfer.easy) != CURLM_OK) {
        cg_cip_transfer_release(&job->transfer);
        rc = cg_error_set(&err, CG_ERR_NOMEM, "cannot start a transfer");
    }
    if (rc != CG_OK) {
        cg_job__finish_plain(engine, job, CG_OUTCOME_FAILED, rc,
                             cg_error_text(&err));
        return;
    }
    job->in_flight = true;
    job->calls++;
    engine->in_flight++;
    engine->stats.api_calls++;
    job->call_serial = engine->stats.api_calls;
    engine->stats.calls[job->call]++;
    cg_log_debug("enrich", "%s %s", cg_cip_endpoint_name(job->call),
                 job->ind.value);
}

/*
 * Starts every due call the limits allow, oldest value first. Returns the
 * time in ms until the next call could start, or LOOP_WAIT_MAX_MS.
 */
static int64_t start_due_calls(struct cg_engine *engine)
{
    int64_t now = cg_clock_ms();
    int64_t wait = LOOP_WAIT_MAX_MS;

    for (struct job *job = engine->jobs; job; job = job->next) {
        int64_t token_wait = 0;

        if (job->in_flight || job->call == CG_CALL_NONE)
            continue;
        if (engine->stopping) {
            cg_job__stop(engine, job, engine->stats.stop_reason, NULL);
            continue;
        }
        if (job->due_ms > now) {
            if (job->due_ms - now < wait)
                wait = job->due_ms - now;
            continue;
        }
        if (engine->in_flight >= engine->stats.concurrency)
            break;
        if (!within_budget(engine, job)) {
            /* Values in progress may still give back unused credits. */
            if (engine->in_flight == 0 && engine->credits_reserved == 0)
                cg_engine__stop(engine, CG_ERR_BUDGET, NULL);
            continue;
        }
        if (!take_token(engine, now, &token_wait)) {
            if (token_wait < wait)
                wait = token_wait;
            break;
        }
        start_call(engine, job);
    }
    return wait;
}

/* Calls per second since the run started, at least one. */
static double observed_rate(const struct cg_engine *engine)
{
    int64_t elapsed = cg_clock_ms() - engine->start_ms;
    double rate =
        elapsed > 0 ? (double)engine->stats.api_calls * 1000.0 / (double)elapsed
                    : 1;

    return rate > 1 ? rate : 1;
}

static void rate_text(double rate, char *buf, size_t size)
{
    if (rate > 0)
        snprintf(buf, size, "%.3g calls/s", rate);
    else
        snprintf(buf, size, "no limit");
}

/*
 * Lowers the pace when the API pushes back. A concurrency refusal sets
 * concurrency to 1 for the rest of the run. A 429 halves concurrency and
 * the rate, down to RATE_FLOOR_DIVISOR times slower than --rate, unless
 * the refused call started before the last lowering: that lowering already
 * handled the same burst, as TCP halves its window once per loss. The
 * first lowering is logged and later ones are counted in the summary.
 */
static void adapt_to_refusal(struct cg_engine *engine, const struct job *job,
                             enum cg_err rc)
{
    struct cg_engine_stats *stats = &engine->stats;
    int concurrency = stats->concurrency;
    double rate = stats->rate;
    char before[32];
    char after[32];

    engine->calls_since_change = 0;
    if (rc == CG_ERR_API_BUSY) {
        engine->pinned = true;
        stats->concurrency = 1;
    } else if (rc == CG_ERR_API_RATE && job->call_serial > engine->lowered_at) {
        if (engine->base_rate <= 0)
            engine->base_rate = engine->opts.rate > 0 ? engine->opts.rate
                                                      : observed_rate(engine);
        stats->concurrency = concurrency > 1 ? concurrency / 2 : 1;
        stats->rate = (rate > 0 ? rate : engine->base_rate) / 2;
        if (stats->rate < engine->base_rate / RATE_FLOOR_DIVISOR)
            stats->rate = engine->base_rate / RATE_FLOOR_DIVISOR;
    } else {
        return;
    }
    if (stats->concurrency == concurrency && stats->rate == rate)
        return;
    engine->lowered_at = stats->api_calls;
    stats->slowdowns++;
    if (engine->lowering_logged)
        return;
    engine->lowering_logged = true;
    rate_text(rate, before, sizeof(before));
    rate_text(stats->rate, after, sizeof(after));
    if (stats->concurrency == concurrency)
        cg_log_warn("enrich",
                    "Criminal IP %s; lowering the rate from %s to %s. "
                    "Further changes are counted in the summary, not logged",
                    rc == CG_ERR_API_BUSY ? "refused concurrent calls"
                                          : "answered 429 Too Many Requests",
                    before, after);
    else
        cg_log_warn("enrich",
                    "Criminal IP %s; lowering concurrency from %d to %d and "
                    "the rate from %s to %s. Further changes are counted in "
                    "the summary, not logged",
                    rc == CG_ERR_API_BUSY ? "refused concurrent calls"
                                          : "answered 429 Too Many Requests",
                    concurrency, stats->concurrency, before, after);
}

/*
 * Raises a pace that 429 responses lowered, one step per RECOVERY_CALLS
 * successful calls in a row: concurrency by one, unless a concurrency
 * refusal pinned it at 1, and the rate by a tenth of --rate, never above
 * the options. Without this, a long run would slow down for good after a
 * few bursts.
 */
static void recover_pace(struct cg_engine *engine)
{
    struct cg_engine_stats *stats = &engine->stats;
    double limit = engine->opts.rate;

    if (++engine->calls_since_change < RECOVERY_CALLS)
        return;
    engine->calls_since_change = 0;
    if (!engine->pinned && stats->concurrency < engine->opts.concurrency)
        stats->concurrency++;
    if (limit <= 0 && stats->rate > 0) {
        /* No --rate: back to no limit once the rate seen before is reached. */
        stats->rate += engine->base_rate / 10;
        if (stats->rate >= engine->base_rate)
            stats->rate = 0;
    } else if (limit > 0 && stats->rate < limit) {
        stats->rate =
            stats->rate + limit / 10 < limit ? stats->rate + limit / 10 : limit;
    }
}

/*
 * Starts the due calls before the response to job is parsed, mapped and
 * stored, so that this work overlaps the next call's network time. job
 * itself is held back, because its next call depends on the response.
 */
static void start_next_calls(struct cg_engine *engine, struct job *job)
{
    int64_t due = job->due_ms;
    int running = 0;

    if (engine->stopping || engine->in_flight >= engine->stats.concurrency)
        return;
    job->due_ms = INT64_MAX;
    start_due_calls(engine);
    job->due_ms = due;
    /* Send the new requests now, not after the response is stored. */
    curl_multi_perform(engine->multi, &running);
}

static void complete_transfer(struct cg_engine *engine, CURL *easy,
                              CURLcode result)
{
    struct cg_cip_transfer *transfer = NULL;
    struct job *job;
    struct cg_buf body;
    struct cg_error err;
    json_t *json = NULL;
    enum cg_err rc;

    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&transfer);
    for (job = engine->jobs; job && &job->transfer != transfer; job = job->next)
        continue;
    curl_multi_remove_handle(engine->multi, easy);
    if (!job) {
        curl_easy_cleanup(easy);
        return;
    }
    cg_error_clear(&err);
    rc = cg_cip_classify(job->call, &job->transfer, result, &json, &err);
    /* Kept for the cache until the response is handled. */
    body = job->transfer.body;
    job->transfer.body = (struct cg_buf)CG_BUF_INIT;
    cg_cip_transfer_release(&job->transfer);
    job->in_flight = false;
    engine->in_flight--;
    /* A refused or failed call is assumed not to spend a credit. */
    if (rc == CG_OK || rc == CG_ERR_API_NO_DATA || rc == CG_ERR_API_INPUT) {
        engine->stats.credits_used += cg_cip_endpoint_credits(job->call);
        release_credits(engine, job, cg_cip_endpoint_credits(job->call));
    }

    if (!cg_cip_is_retryable(rc))
        recover_pace(engine);
    if (cg_cip_is_retryable(rc) && !engine->stopping) {
        adapt_to_refusal(engine, job, rc);
        if (job->attempt < engine->opts.max_retries) {
            long delay =
                cg_cip_backoff_ms(job->attempt, engine->opts.backoff_base_ms,
                                  engine->opts.backoff_max_ms);

            cg_log_debug("enrich", "%s for %s: %s; retry %d in %ld ms",
                         cg_cip_endpoint_name(job->call), job->ind.value,
                         cg_error_text(&err), job->attempt + 1, delay);
            job->attempt++;
            job->due_ms = cg_clock_ms() + delay;
            engine->stats.retries++;
            json_decref(json);
            cg_buf_release(&body);
            return;
        }
    }
    /* Only after a successful response, because a rejected key or
     * exhausted credits must stop the run before another call goes out. */
    if (rc == CG_OK || rc == CG_ERR_API_NO_DATA)
        start_next_calls(engine, job);
    /* A parsed body contains no NUL byte, so the check only guards the
     * cache. */
    if (rc == CG_OK && body.data && strlen(body.data) == body.len)
        job->received = body.data;
    cg_job__answer(engine, job, rc, json, &err);
    job->received = NULL;
    json_decref(json);
    cg_buf_release(&body);
}

static void drain_completions(struct cg_engine *engine)
{
    CURLMsg *msg;
    int left = 0;

    while ((msg = curl_multi_info_read(engine->multi, &left)) != NULL) {
        if (msg->msg == CURLMSG_DONE)
            complete_transfer(engine, msg->easy_handle, msg->data.result);
    }
}

/* Frees finished jobs from the in-progress list. */
static void sweep(struct cg_engine *engine)
{
    struct job **link = &engine->jobs;

    engine->jobs_tail = NULL;
    while (*link) {
        struct job *job = *link;

        if (job->call == CG_CALL_NONE && !job->in_flight) {
            *link = job->next;
            release_credits(engine, job, job->reserved);
            cg_job__free(job);
            engine->active--;
        } else {
            engine->jobs_tail = job;
            link = &job->next;
        }
    }
}

static void report_progress(struct cg_engine *engine, bool force)
{
    int64_t now = cg_clock_ms();

    engine->stats.elapsed_ms = now - engine->start_ms;
    if (!engine->opts.on_progress)
        return;
    if (!force && now - engine->progress_ms < engine->opts.progress_ms)
        return;
    engine->progress_ms = now;
    engine->opts.on_progress(&engine->stats, (long)engine->active,
                             engine->opts.data);
}

/*
 * Stops the run when the signal handler set the stop flag. Calls in flight
 * still finish and are stored, so that --resume repeats none of them.
 */
static void check_stop_flag(struct cg_engine *engine)
{
    if (engine->opts.stop && *engine->opts.stop && !engine->stopping)
        cg_engine__stop(engine, CG_ERR_INTERRUPTED, NULL);
}

/* Runs one round: start calls, wait for activity, handle completions. */
static void loop_once(struct cg_engine *engine)
{
    int64_t wait;
    int running = 0;

    check_stop_flag(engine);
    wait = start_due_calls(engine);
    curl_multi_perform(engine->multi, &running);
    drain_completions(engine);
    sweep(engine);
    if (engine->active > 0)
        curl_multi_poll(engine->multi, NULL, 0, (int)(wait > 0 ? wait : 0),
                        NULL);
    curl_multi_perform(engine->multi, &running);
    drain_completions(engine);
    sweep(engine);
    report_progress(engine, false);
}

static enum cg_err fatal_code(struct cg_engine *engine, struct cg_error *err)
{
    if (engine->fatal.code != CG_OK) {
        if (err)
            *err = engine->fatal;
        return engine->fatal.code;
    }
    if (engine->stats.stop_reason == CG_ERR_API_KEY ||
        engine->stats.stop_reason == CG_ERR_INTERRUPTED)
        return cg_error_set(err, engine->stats.stop_reason, "%s",
                            cg_strerror(engine->stats.stop_reason));
    return CG_OK;
}

/* Maximum length of raw text kept in an invalid value's run item key. */
#define INVALID_KEY_MAX 200

/*
 * Records the value as an item of the run. Invalid values are recorded
 * under "invalid:" and their raw text, so that the run's table lists them.
 */
static enum cg_err claim_value(struct cg_engine *engine, struct job *job,
                               enum cg_item_claim *claim, struct cg_error *err)
{
    *claim = CG_ITEM_NEW;
    if (job->ind.value) {
        job->item_key = strdup(job->ind.value);
    } else {
        size_t size = sizeof("invalid:") + INVALID_KEY_MAX;

        job->item_key = malloc(size);
        if (job->item_key)
            snprintf(job->item_key, size, "invalid:%.*s", INVALID_KEY_MAX,
                     job->raw);
    }
    if (!job->item_key)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (engine->opts.run_id <= 0)
        return CG_OK;
    return cg_store_item_claim(
        engine->opts.store, engine->opts.run_id, engine->session, job->item_key,
        job->ind.value ? cg_kind_name(job->ind.kind) : "invalid", job->raw,
        job->line, claim, err);
}

/* Parses a value and decides whether it needs work. Takes the job. */
static enum cg_err admit(struct cg_engine *engine, struct job *job,
                         struct cg_error *err)
{
    struct cg_parse_opts parse = {.allow_private = engine->opts.allow_private};
    struct cg_error why;
    enum cg_item_claim claim;
    enum cg_err rc;

    cg_error_clear(&why);
    rc = cg_indicator_parse(job->raw, job->raw_len, &parse, &job->ind, &why);
    /* From here raw is text for messages: show a NUL byte as '?'. */
    for (char *nul; (nul = memchr(job->raw, '\0', job->raw_len));)
        *nul = '?';
    engine->active++;
    if (!engine->jobs)
        engine->jobs = job;
    else
        engine->jobs_tail->next = job;
    engine->jobs_tail = job;
    if (rc == CG_ERR_NOMEM) {
        cg_job__finish_plain(engine, job, CG_OUTCOME_FAILED, rc, NULL);
        return cg_error_set(err, rc, "out of memory");
    }
    if (rc != CG_OK && rc != CG_ERR_PRIVATE_ADDR && rc != CG_ERR_CIDR_RANGE)
        cg_indicator_release(&job->ind);
    rc = claim_value(engine, job, &claim, err);
    if (rc != CG_OK) {
        cg_job__finish_plain(engine, job, CG_OUTCOME_FAILED, rc, NULL);
        return rc;
    }
    if (claim == CG_ITEM_DUPLICATE) {
        engine->stats.duplicates++;
        cg_job__finish_plain(engine, job, CG_OUTCOME_DUPLICATE, CG_OK, NULL);
        return CG_OK;
    }
    if (!job->ind.value) {
        engine->stats.invalid++;
        cg_job__finish_plain(engine, job, CG_OUTCOME_INVALID, why.code,
                             cg_error_text(&why));
        return CG_OK;
    }
    engine->stats.distinct++;
    if (claim == CG_ITEM_EARLIER) {
        engine->stats.earlier++;
        cg_job__finish_plain(engine, job, CG_OUTCOME_EARLIER, CG_OK, NULL);
        return CG_OK;
    }
    if (why.code == CG_ERR_PRIVATE_ADDR || why.code == CG_ERR_CIDR_RANGE) {
        engine->stats.skipped++;
        cg_job__finish_plain(engine, job, CG_OUTCOME_SKIPPED, why.code,
                             cg_error_text(&why));
        return CG_OK;
    }
    cg_job__begin(engine, job);
    return CG_OK;
}

enum cg_err cg_engine_submit(struct cg_engine *engine, const char *raw,
                             size_t len, long line, struct cg_error *err)
{
    struct job *job;
    enum cg_err rc;

    check_stop_flag(engine);
    rc = fatal_code(engine, err);
    if (rc != CG_OK)
        return rc;
    while (engine->active >= engine->window) {
        loop_once(engine);
        rc = fatal_code(engine, err);
        if (rc != CG_OK)
            return rc;
    }
    job = calloc(1, sizeof(*job));
    if (job)
        job->raw = malloc(len + 1);
    if (!job || !job->raw) {
        free(job);
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    /* The raw bytes, NUL bytes included, so that the parser rejects them
     * instead of the value being cut short at the first one. */
    memcpy(job->raw, raw, len);
    job->raw[len] = '\0';
    job->raw_len = len;
    job->line = line;
    job->call = CG_CALL_NONE;
    job->scan_id = -1;
    engine->stats.read++;
    rc = admit(engine, job, err);
    sweep(engine);
    report_progress(engine, false);
    if (rc != CG_OK)
        return rc;
    return fatal_code(engine, err);
}

enum cg_err cg_engine_finish(struct cg_engine *engine, struct cg_error *err)
{
    while (engine->active > 0)
        loop_once(engine);
    report_progress(engine, true);
    return fatal_code(engine, err);
}

json_t *cg_engine_stats_json(const struct cg_engine_stats *stats)
{
    json_t *calls = json_object();
    json_t *out;

    for (int i = 0; calls && i < CG_CIP__COUNT; i++) {
        if (stats->calls[i])
            json_object_set_new(calls,
                                cg_cip_endpoint_name((enum cg_cip_endpoint)i),
                                json_integer(stats->calls[i]));
    }
    out = json_pack(
        "{sI sI sI sI sI sI sI sI sI sI sI sI sI sI sI sI sI so si sf ss sI}",
        "read", (json_int_t)stats->read, "distinct",
        (json_int_t)stats->distinct, "duplicates",
        (json_int_t)stats->duplicates, "earlier", (json_int_t)stats->earlier,
        "invalid", (json_int_t)stats->invalid, "skipped",
        (json_int_t)stats->skipped, "enriched", (json_int_t)stats->enriched,
        "cached", (json_int_t)stats->cached, "no_data",
        (json_int_t)stats->no_data, "failed", (json_int_t)stats->failed,
        "not_done", (json_int_t)stats->not_done, "api_calls",
        (json_int_t)stats->api_calls, "credits_used",
        (json_int_t)stats->credits_used, "credits_saved",
        (json_int_t)stats->credits_saved, "retries", (json_int_t)stats->retries,
        "slowdowns", (json_int_t)stats->slowdowns, "elapsed_ms",
        (json_int_t)stats->elapsed_ms, "calls_by_endpoint",
        calls ? calls : json_object(), "concurrency", stats->concurrency,
        "rate", stats->rate, "stop_reason",
        stats->stop_reason == CG_OK ? "none" : cg_err_name(stats->stop_reason),
        "remaining", (json_int_t)stats->not_done);
    return out;
}
