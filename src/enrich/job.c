/*
 * One value's way through the engine: the cache lookup, the sequence of
 * Criminal IP calls (IP report; or existing-report lookup, scan, status
 * polls and report for domains and URLs), and the final mapping, stored in
 * one transaction together with the cached answer and the run item.
 */
#include "enrich/engine_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/json.h"
#include "core/log.h"

/* The cached form of "Criminal IP has no data on this value". */
static const char no_data_body[] = "{\"status\":404,\"message\":\"no data\"}";

void cg_job__free(struct job *job)
{
    if (!job)
        return;
    cg_cip_transfer_release(&job->transfer);
    cg_cip_request_release(&job->req);
    cg_indicator_release(&job->ind);
    json_decref(job->ip_report);
    json_decref(job->malicious);
    free(job->arg);
    free(job->raw);
    free(job->item_key);
    free(job);
}

static bool is_ip(const struct job *job)
{
    return job->ind.kind == CG_KIND_IPV4 || job->ind.kind == CG_KIND_IPV6;
}

/* Credits a value is expected to cost; used for the "saved" estimate. */
static long expected_credits(const struct cg_engine *engine,
                             const struct job *job)
{
    if (is_ip(job))
        return engine->opts.deep ? 3 : 1;
    return engine->opts.lite ? 2 : 3;
}

static const char *cache_prefix(const struct cg_engine *engine,
                                const struct job *job)
{
    if (is_ip(job))
        return "ip";
    return engine->opts.lite ? "lite" : "domain";
}

static void cache_key(const struct cg_engine *engine, const struct job *job,
                      const char *prefix, struct cg_buf *out)
{
    if (cg_buf_printf(out, "%s:%s", prefix ? prefix : cache_prefix(engine, job),
                      job->ind.value) != CG_OK)
        cg_buf_reset(out);
}

/* The STIX id of the value's main observable. */
static void observable_id(const struct job *job, char id[CG_STIX_ID_SIZE])
{
    const char *type = "url";

    if (job->ind.kind == CG_KIND_IPV4)
        type = "ipv4-addr";
    else if (job->ind.kind == CG_KIND_IPV6)
        type = "ipv6-addr";
    else if (job->ind.kind == CG_KIND_DOMAIN)
        type = "domain-name";
    if (cg_stix_id_value(type, job->ind.value, id) != CG_OK)
        id[0] = '\0';
}

static void deliver(struct cg_engine *engine, struct job *job,
                    enum cg_outcome outcome, enum cg_err error,
                    const char *reason, const struct cg_summary *summary,
                    const struct cg_bundle *bundle)
{
    char id[CG_STIX_ID_SIZE] = "";
    struct cg_result result = {
        .raw = job->raw,
        .line = job->line,
        .ind = job->ind.kind == CG_KIND_NONE ? NULL : &job->ind,
        .outcome = outcome,
        .error = error,
        .reason = reason,
        .summary = summary,
        .bundle = bundle,
        .api_calls = job->calls,
    };

    if (summary) {
        observable_id(job, id);
        result.object_id = id;
    }
    if (engine->opts.on_result)
        engine->opts.on_result(&result, engine->opts.data);
    job->call = CG_CALL_NONE;
}

static const char *item_state(enum cg_outcome outcome)
{
    switch (outcome) {
    case CG_OUTCOME_SKIPPED:
        return "skipped";
    case CG_OUTCOME_INVALID:
        return "invalid";
    case CG_OUTCOME_FAILED:
        return "failed";
    case CG_OUTCOME_NOT_DONE:
        return "not-done";
    default:
        return "done";
    }
}

void cg_job__finish_plain(struct cg_engine *engine, struct job *job,
                          enum cg_outcome outcome, enum cg_err error,
                          const char *reason)
{
    struct cg_error err;
    bool record = engine->opts.run_id > 0 && job->item_key &&
                  outcome != CG_OUTCOME_DUPLICATE &&
                  outcome != CG_OUTCOME_EARLIER;

    if (!reason && error != CG_OK)
        reason = cg_strerror(error);
    if (outcome == CG_OUTCOME_FAILED)
        engine->stats.failed++;
    else if (outcome == CG_OUTCOME_NOT_DONE)
        engine->stats.not_done++;
    if (outcome == CG_OUTCOME_DUPLICATE || outcome == CG_OUTCOME_SKIPPED)
        engine->stats.credits_saved += expected_credits(engine, job);
    if (record && cg_store_item_set(engine->opts.store, engine->opts.run_id,
                                    job->item_key, item_state(outcome), reason,
                                    &err) != CG_OK)
        cg_engine__fatal(engine, &err);
    if (outcome == CG_OUTCOME_FAILED)
        cg_log_warn("enrich", "'%s' failed: %s",
                    job->ind.value ? job->ind.value : job->raw,
                    reason ? reason : "unknown error");
    deliver(engine, job, outcome, error, reason, NULL, NULL);
}

/* Maps a response (or a no-data result) into bundle and summary. */
static enum cg_err map_answer(struct cg_engine *engine, struct job *job,
                              const json_t *body, bool no_data,
                              struct cg_bundle *bundle,
                              struct cg_summary *summary, struct cg_error *err)
{
    cg_time_format(cg_time_now(), engine->ctx.now);
    if (no_data)
        return cg_map_no_data(bundle, &job->ind, &engine->map_opts, err);
    if (is_ip(job))
        return cg_map_ip_report(bundle, job->ind.value, body, &engine->map_opts,
                                summary, err);
    return cg_map_domain_report(bundle, &job->ind, body, job->scan_id,
                                &engine->map_opts, summary, err);
}

/* Stores the value's objects, record, cached response and item in one
 * transaction. */
static enum cg_err store_value(struct cg_engine *engine, struct job *job,
                               const struct cg_bundle *bundle,
                               const struct cg_summary *summary,
                               enum cg_outcome outcome, const char *key,
                               const char *cache_body, struct cg_error *err)
{
    struct cg_store *store = engine->opts.store;
    char id[CG_STIX_ID_SIZE];
    bool no_data = outcome == CG_OUTCOME_NO_DATA;
    json_t *summary_json = no_data ? NULL : cg_summary_to_json(summary);
    struct cg_value_record record = {
        .value = job->ind.value,
        .kind = cg_kind_name(job->ind.kind),
        .display = job->ind.display,
        .object_id = id,
        .status = no_data ? "no-data" : "ok",
        .summary = summary_json,
        .enriched_at = cg_time_now(),
    };
    enum cg_err rc;

    observable_id(job, id);
    rc = cg_store_begin(store, err);
    if (rc == CG_OK)
        rc = cg_store_put_bundle(store, bundle, engine->opts.run_id, err);
    if (rc == CG_OK)
        rc = cg_store_put_value(store, &record, err);
    if (rc == CG_OK && key && cache_body)
        rc = cg_store_cache_put(store, key, cache_body, strlen(cache_body),
                                cg_time_now(), err);
    if (rc == CG_OK && engine->opts.run_id > 0)
        rc = cg_store_item_set(store, engine->opts.run_id, job->item_key,
                               "done", cg_outcome_name(outcome), err);
    if (rc == CG_OK)
        rc = cg_store_commit(store, err);
    if (rc != CG_OK)
        cg_store_rollback(store);
    json_decref(summary_json);
    return rc;
}

/*
 * Finishes a job with data: body is the IP report, or the domain report's
 * data object; NULL with no_data. cache_body is the text to cache under the
 * job's key, or NULL when the answer came from the cache.
 */
static void finish_with(struct cg_engine *engine, struct job *job,
                        const json_t *body, bool no_data,
                        const char *cache_body)
{
    struct cg_bundle bundle;
    struct cg_summary summary;
    struct cg_buf key = CG_BUF_INIT;
    struct cg_error err;
    enum cg_outcome outcome = CG_OUTCOME_ENRICHED;
    enum cg_err rc;

    cg_error_clear(&err);
    cg_bundle_init(&bundle);
    cg_summary_init(&summary);
    cache_key(engine, job, NULL, &key);
    if (no_data)
        outcome = CG_OUTCOME_NO_DATA;
    else if (!cache_body)
        outcome = CG_OUTCOME_CACHED;
    rc = map_answer(engine, job, body, no_data, &bundle, &summary, &err);
    if (rc == CG_OK) {
        cg_bundle_prune(&bundle);
        cg_bundle_sort(&bundle);
        rc = store_value(engine, job, &bundle, &summary, outcome,
                         cg_buf_str(&key), cache_body, &err);
        if (rc != CG_OK)
            cg_engine__fatal(engine, &err);
    }
    if (rc != CG_OK) {
        cg_job__finish_plain(engine, job, CG_OUTCOME_FAILED, rc,
                             cg_error_text(&err));
    } else {
        if (outcome == CG_OUTCOME_NO_DATA)
            engine->stats.no_data++;
        else if (outcome == CG_OUTCOME_CACHED)
            engine->stats.cached++;
        else
            engine->stats.enriched++;
        if (!cache_body)
            engine->stats.credits_saved += expected_credits(engine, job);
        deliver(engine, job, outcome, CG_OK,
                no_data ? "Criminal IP has no data on this value" : NULL,
                &summary, &bundle);
    }
    cg_buf_release(&key);
    cg_bundle_release(&bundle);
}

/* Reads a cached domain envelope {"scan_id":..,"report":{..}}. */
static const json_t *unwrap_envelope(struct job *job, const json_t *cached)
{
    long long scan_id;

    if (cg_json_int(cached, "scan_id", &scan_id))
        job->scan_id = scan_id;
    return cg_json_obj(cached, "report");
}

static bool is_no_data_marker(const json_t *json)
{
    long long status;

    return cg_json_int(json, "status", &status) && status == 404;
}

/* Answers the job from the cache when a fresh entry exists. */
static bool answer_from_cache(struct cg_engine *engine, struct job *job)
{
    struct cg_buf key = CG_BUF_INIT;
    char *body = NULL;
    json_t *json = NULL;
    struct cg_error err;
    int64_t ttl = is_ip(job) ? engine->opts.ip_ttl : engine->opts.domain_ttl;
    enum cg_err rc;

    if (engine->opts.refresh)
        return false;
    cache_key(engine, job, NULL, &key);
    rc = cg_store_cache_get(engine->opts.store, cg_buf_str(&key), ttl, &body,
                            NULL, &err);
    cg_buf_release(&key);
    if (rc != CG_OK) {
        if (rc != CG_ERR_NOT_FOUND)
            cg_engine__fatal(engine, &err);
        return false;
    }
    rc = cg_json_parse(body, strlen(body), 0, &json, &err);
    free(body);
    if (rc != CG_OK) {
        cg_log_warn("enrich", "ignoring an unreadable cache entry for '%s': %s",
                    job->ind.value, cg_error_text(&err));
        return false;
    }
    if (is_no_data_marker(json)) {
        finish_with(engine, job, NULL, true, NULL);
    } else if (is_ip(job)) {
        finish_with(engine, job, json, false, NULL);
    } else {
        const json_t *report = unwrap_envelope(job, json);

        if (!report) {
            json_decref(json);
            return false;
        }
        finish_with(engine, job, report, false, NULL);
    }
    json_decref(json);
    return true;
}

void cg_job__begin(struct cg_engine *engine, struct job *job)
{
    if (answer_from_cache(engine, job))
        return;
    if (is_ip(job))
        cg_engine__set_call(engine, job, CG_CIP_IP_REPORT, job->ind.value, 0);
    else if (engine->opts.lite)
        cg_engine__set_call(engine, job, CG_CIP_LITE_SCAN, job->ind.value, 0);
    else
        cg_engine__set_call(engine, job, CG_CIP_DOMAIN_REPORTS, job->ind.value,
                            0);
}

/* Picks the newest existing report no older than the reuse age. */
static long long reusable_scan(const struct cg_engine *engine,
                               const json_t *json)
{
    const json_t *reports = cg_json_arr(cg_cip_data(json), "reports");
    int64_t oldest = cg_time_now() - engine->opts.reuse_age;
    long long best = -1;
    int64_t best_time = 0;
    size_t i;
    json_t *report;

    json_array_foreach(reports, i, report) {
        const char *when = cg_json_str(report, "reg_dtime");
        long long id;
        int64_t t;

        if (!when || !cg_time_parse(when, &t) || t < oldest ||
            !cg_json_int(report, "scan_id", &id) || id < 0)
            continue;
        if (best < 0 || t > best_time) {
            best = id;
            best_time = t;
        }
    }
    return best;
}

static void set_scan_call(struct cg_engine *engine, struct job *job,
                          enum cg_cip_endpoint call, long delay_ms)
{
    char arg[32];

    snprintf(arg, sizeof(arg), "%lld", job->scan_id);
    cg_engine__set_call(engine, job, call, arg, delay_ms);
}

static void on_reports(struct cg_engine *engine, struct job *job,
                       const json_t *json)
{
    long long scan_id = json ? reusable_scan(engine, json) : -1;

    if (scan_id >= 0) {
        job->scan_id = scan_id;
        set_scan_call(engine, job, CG_CIP_DOMAIN_REPORT, 0);
        return;
    }
    cg_engine__set_call(engine, job, CG_CIP_DOMAIN_SCAN, job->ind.value, 0);
}

static void on_scan_started(struct cg_engine *engine, struct job *job,
                            const json_t *json)
{
    long long scan_id;

    if (!cg_json_int(cg_cip_data(json), "scan_id", &scan_id) || scan_id < 0) {
        cg_job__finish_plain(engine, job, CG_OUTCOME_FAILED,
                             CG_ERR_API_PROTOCOL,
                             "the scan answer carries no scan_id");
        return;
    }
    job->scan_id = scan_id;
    job->deadline_ms = cg_clock_ms() + engine->opts.scan_deadline_ms;
    set_scan_call(engine, job, CG_CIP_DOMAIN_STATUS,
                  engine->opts.poll_interval_ms);
}

/* Handles a status or progress answer; next is the report call. */
static void on_progress(struct cg_engine *engine, struct job *job,
                        const json_t *json, enum cg_cip_endpoint next)
{
    long long percent = 0;
    char reason[256];

    cg_json_int(cg_cip_data(json), "scan_percentage", &percent);
    if (percent >= 100) {
        if (next == CG_CIP_LITE_REPORT)
            cg_engine__set_call(engine, job, next, job->lite_id, 0);
        else
            set_scan_call(engine, job, next, 0);
        return;
    }
    if (percent == -1) {
        cg_job__finish_plain(engine, job, CG_OUTCOME_FAILED, CG_ERR_SCAN_FAILED,
                             "Criminal IP reports that the scan failed "
                             "(scan_percentage -1)");
        return;
    }
    if (percent == -2) {
        finish_with(engine, job, NULL, true, no_data_body);
        return;
    }
    if (cg_clock_ms() >= job->deadline_ms) {
        snprintf(reason, sizeof(reason),
                 "scan %s did not finish within %ld s (last at %lld%%); run "
                 "again later to fetch the finished report",
                 next == CG_CIP_LITE_REPORT ? job->lite_id : job->arg,
                 engine->opts.scan_deadline_ms / 1000, percent);
        cg_job__finish_plain(engine, job, CG_OUTCOME_FAILED,
                             CG_ERR_SCAN_TIMEOUT, reason);
        return;
    }
    /* Same call again after the interval; set_call resets the retries. */
    cg_engine__set_call(engine, job, job->call, job->arg,
                        engine->opts.poll_interval_ms);
}

static void on_lite_started(struct cg_engine *engine, struct job *job,
                            const json_t *json)
{
    const json_t *id = json_object_get(cg_cip_data(json), "scan_id");
    long long number;

    if (json_is_string(id) && json_string_length(id) > 0 &&
        json_string_length(id) < sizeof(job->lite_id))
        snprintf(job->lite_id, sizeof(job->lite_id), "%s",
                 json_string_value(id));
    else if (cg_json_to_int(id, &number))
        snprintf(job->lite_id, sizeof(job->lite_id), "%lld", number);
    else {
        cg_job__finish_plain(engine, job, CG_OUTCOME_FAILED,
                             CG_ERR_API_PROTOCOL,
                             "the lite scan answer carries no scan_id");
        return;
    }
    job->deadline_ms = cg_clock_ms() + engine->opts.scan_deadline_ms;
    cg_engine__set_call(engine, job, CG_CIP_LITE_PROGRESS, job->lite_id,
                        engine->opts.poll_interval_ms);
}

/* Finishes a domain or URL with its report data, caching the envelope. */
static void on_domain_report(struct cg_engine *engine, struct job *job,
                             const json_t *json)
{
    const json_t *data = cg_cip_data(json);
    json_t *envelope = json_pack("{sI sO}", "scan_id", (json_int_t)job->scan_id,
                                 "report", data);
    char *text = envelope ? json_dumps(envelope, JSON_COMPACT) : NULL;

    if (!text) {
        cg_job__finish_plain(engine, job, CG_OUTCOME_FAILED, CG_ERR_NOMEM,
                             NULL);
    } else {
        finish_with(engine, job, data, false, text);
    }
    free(text);
    json_decref(envelope);
}

static void on_ip_report(struct cg_engine *engine, struct job *job,
                         const json_t *json)
{
    char *text = json_dumps(json, JSON_COMPACT);

    if (!text) {
        cg_job__finish_plain(engine, job, CG_OUTCOME_FAILED, CG_ERR_NOMEM,
                             NULL);
        return;
    }
    finish_with(engine, job, json, false, text);
    free(text);
}

/* Handles an error answer that retries did not cure. */
static void on_error(struct cg_engine *engine, struct job *job, enum cg_err rc,
                     const struct cg_error *err)
{
    switch (rc) {
    case CG_ERR_API_KEY:
    case CG_ERR_API_LIMIT:
        cg_engine__stop(engine, rc, err);
        cg_job__finish_plain(engine, job, CG_OUTCOME_NOT_DONE, rc,
                             cg_error_text(err));
        return;
    case CG_ERR_API_NO_DATA:
        if (job->call == CG_CIP_DOMAIN_REPORTS) {
            on_reports(engine, job, NULL);
            return;
        }
        finish_with(engine, job, NULL, true, no_data_body);
        return;
    default:
        if (engine->stopping && cg_cip_is_retryable(rc)) {
            cg_job__finish_plain(engine, job, CG_OUTCOME_NOT_DONE,
                                 engine->stats.stop_reason, NULL);
            return;
        }
        cg_job__finish_plain(engine, job, CG_OUTCOME_FAILED, rc,
                             cg_error_text(err));
    }
}

void cg_job__answer(struct cg_engine *engine, struct job *job, enum cg_err rc,
                    json_t *json, const struct cg_error *err)
{
    if (rc != CG_OK) {
        on_error(engine, job, rc, err);
        return;
    }
    switch (job->call) {
    case CG_CIP_IP_REPORT:
        on_ip_report(engine, job, json);
        break;
    case CG_CIP_DOMAIN_REPORTS:
        on_reports(engine, job, json);
        break;
    case CG_CIP_DOMAIN_SCAN:
        on_scan_started(engine, job, json);
        break;
    case CG_CIP_DOMAIN_STATUS:
        on_progress(engine, job, json, CG_CIP_DOMAIN_REPORT);
        break;
    case CG_CIP_LITE_SCAN:
        on_lite_started(engine, job, json);
        break;
    case CG_CIP_LITE_PROGRESS:
        on_progress(engine, job, json, CG_CIP_LITE_REPORT);
        break;
    case CG_CIP_DOMAIN_REPORT:
    case CG_CIP_LITE_REPORT:
        on_domain_report(engine, job, json);
        break;
    default:
        cg_job__finish_plain(engine, job, CG_OUTCOME_FAILED, CG_ERR_INVALID,
                             "unexpected call in the enrichment sequence");
    }
}
