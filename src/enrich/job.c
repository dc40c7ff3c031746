/*
 * One value's way through the engine: the cache lookup and the sequence
 * of Criminal IP calls. An IP takes its report, then malicious-info and
 * suspicious-info with --deep. A domain or URL takes an existing-report
 * lookup, a scan, status polls and the report (or the lite scan, progress
 * polls and lite report). job_finish.c maps and stores the result. With
 * --deep each body is cached as soon as it arrives, so that an
 * interrupted value repeats none of its calls.
 */
#include "enrich/engine_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
    json_decref(job->suspicious);
    free(job->malicious_error);
    free(job->suspicious_error);
    free(job->arg);
    free(job->raw);
    free(job->item_key);
    free(job);
}

static bool is_extra_call(enum cg_cip_endpoint call)
{
    return call == CG_CIP_MALICIOUS_INFO || call == CG_CIP_SUSPICIOUS_INFO;
}

/* --deep: the IP's next missing body, or CG_CALL_NONE when it has all. */
static enum cg_cip_endpoint next_ip_call(const struct cg_engine *engine,
                                         const struct job *job)
{
    if (!job->ip_report)
        return CG_CIP_IP_REPORT;
    if (!engine->opts.deep)
        return CG_CALL_NONE;
    if (!job->malicious && !job->malicious_error)
        return CG_CIP_MALICIOUS_INFO;
    if (!job->suspicious && !job->suspicious_error)
        return CG_CIP_SUSPICIOUS_INFO;
    return CG_CALL_NONE;
}

long cg_job__credits_left(const struct cg_engine *engine, const struct job *job)
{
    switch (job->call) {
    case CG_CIP_DOMAIN_REPORTS:
        return 3; /* lookup, scan and report */
    case CG_CIP_DOMAIN_SCAN:
    case CG_CIP_LITE_SCAN:
        return 2; /* scan and report */
    case CG_CIP_IP_REPORT:
    case CG_CIP_MALICIOUS_INFO:
    case CG_CIP_SUSPICIOUS_INFO:
        return (!job->ip_report) +
               (engine->opts.deep && !job->malicious && !job->malicious_error) +
               (engine->opts.deep && !job->suspicious &&
                !job->suspicious_error);
    default:
        return job->call == CG_CALL_NONE ? 0
                                         : cg_cip_endpoint_credits(job->call);
    }
}

/* Reads a cached domain envelope {"scan_id":..,"report":{..}}. */
static const json_t *unwrap_envelope(struct job *job, const json_t *cached)
{
    long long scan_id;

    if (cg_json_int(cached, "scan_id", &scan_id))
        job->scan_id = scan_id;
    return cg_json_obj(cached, "report");
}

/* Serves a domain or URL from the cache when a fresh entry exists. */
static bool answer_from_cache(struct cg_engine *engine, struct job *job)
{
    json_t *json = NULL;
    const json_t *report;

    if (engine->opts.refresh || !cg_job__cache_read(engine, job, NULL, &json))
        return false;
    if (cg_job__is_no_data(json)) {
        cg_job__finish_with(engine, job, NULL, true, NULL);
        json_decref(json);
        return true;
    }
    report = unwrap_envelope(job, json);
    if (report)
        cg_job__finish_with(engine, job, report, false, NULL);
    json_decref(json);
    return report != NULL;
}

static const enum cg_cip_endpoint extra_calls[] = {CG_CIP_MALICIOUS_INFO,
                                                   CG_CIP_SUSPICIOUS_INFO};

/* The cache prefix and job slots of a --deep extra call. */
static const char *extra_prefix(enum cg_cip_endpoint call)
{
    return call == CG_CIP_MALICIOUS_INFO ? "malicious" : "suspicious";
}

static json_t **extra_body(struct job *job, enum cg_cip_endpoint call)
{
    return call == CG_CIP_MALICIOUS_INFO ? &job->malicious : &job->suspicious;
}

static char **extra_error(struct job *job, enum cg_cip_endpoint call)
{
    return call == CG_CIP_MALICIOUS_INFO ? &job->malicious_error
                                         : &job->suspicious_error;
}

/* Records why an extra gave no body. Returns false when out of memory. */
static bool set_extra_error(struct cg_engine *engine, struct job *job,
                            enum cg_cip_endpoint call, const char *why)
{
    char **slot = extra_error(job, call);
    struct cg_error err;

    free(*slot);
    *slot = strdup(why);
    if (*slot)
        return true;
    cg_error_set(&err, CG_ERR_NOMEM, "out of memory");
    cg_engine__fatal(engine, &err);
    return false;
}

/* Takes a cached extra: a body, or a no-data marker. */
static void take_cached_extra(struct cg_engine *engine, struct job *job,
                              enum cg_cip_endpoint call)
{
    json_t *json = NULL;

    if (!cg_job__cache_read(engine, job, extra_prefix(call), &json))
        return;
    job->cached_bodies++;
    if (cg_job__is_no_data(json)) {
        set_extra_error(engine, job, call,
                        "Criminal IP has no data for this lookup");
        json_decref(json);
        return;
    }
    *extra_body(job, call) = json;
}

/* Sets the IP's next call, or maps it once it has every body. */
static void advance_ip(struct cg_engine *engine, struct job *job)
{
    enum cg_cip_endpoint call = next_ip_call(engine, job);

    if (call != CG_CALL_NONE) {
        cg_engine__set_call(engine, job, call, job->ind.value, 0);
        return;
    }
    cg_job__finish_with(engine, job, job->ip_report, false, NULL);
}

/*
 * Starts an IP: from the cache when its report (and, with --deep, its
 * extras) are fresh there. With --deep a cached report is kept and only
 * the missing extras are called.
 */
static void begin_ip(struct cg_engine *engine, struct job *job)
{
    json_t *report = NULL;

    if (!engine->opts.refresh &&
        cg_job__cache_read(engine, job, "ip", &report)) {
        job->cached_bodies++;
        if (cg_job__is_no_data(report)) {
            json_decref(report);
            cg_job__finish_with(engine, job, NULL, true, NULL);
            return;
        }
        job->ip_report = report;
    }
    if (!engine->opts.deep) {
        if (job->ip_report)
            cg_job__finish_with(engine, job, job->ip_report, false, NULL);
        else
            cg_engine__set_call(engine, job, CG_CIP_IP_REPORT, job->ind.value,
                                0);
        return;
    }
    if (!engine->opts.refresh) {
        take_cached_extra(engine, job, CG_CIP_MALICIOUS_INFO);
        take_cached_extra(engine, job, CG_CIP_SUSPICIOUS_INFO);
    }
    advance_ip(engine, job);
}

void cg_job__begin(struct cg_engine *engine, struct job *job)
{
    if (cg_job__is_ip(job))
        begin_ip(engine, job);
    else if (answer_from_cache(engine, job))
        return;
    else if (engine->opts.lite)
        cg_engine__set_call(engine, job, CG_CIP_LITE_SCAN, job->ind.value, 0);
    else
        cg_engine__set_call(engine, job, CG_CIP_DOMAIN_REPORTS, job->ind.value,
                            0);
}

void cg_job__stop(struct cg_engine *engine, struct job *job, enum cg_err error,
                  const char *reason)
{
    char why[512];
    struct cg_job_finish fin = {.outcome = CG_OUTCOME_NOT_DONE, .reason = why};

    if (!reason)
        reason = cg_strerror(error);
    if (!engine->opts.deep || !cg_job__is_ip(job) || !job->ip_report ||
        engine->fatal.code != CG_OK) {
        cg_job__finish_plain(engine, job, CG_OUTCOME_NOT_DONE, error, reason);
        return;
    }
    snprintf(why, sizeof(why),
             "the run stopped before the --deep calls finished (%s); the IP "
             "report is mapped and --resume fetches the rest",
             reason);
    for (size_t i = 0; i < CG_ARRAY_LEN(extra_calls); i++) {
        enum cg_cip_endpoint call = extra_calls[i];

        if (!*extra_body(job, call) && !*extra_error(job, call) &&
            !set_extra_error(engine, job, call, why)) {
            cg_job__finish_plain(engine, job, CG_OUTCOME_NOT_DONE, error,
                                 reason);
            return;
        }
    }
    cg_job__finish_mapped(engine, job, job->ip_report, &fin);
}

/*
 * True unless the listed report's "url" names another host than host:
 * /v1/domain/reports is a search, so it can list a report about a
 * subdomain or another site. A report without a url cannot be checked.
 */
static bool report_is_about(const json_t *report, const char *host)
{
    const char *url = cg_json_str(report, "url");
    const char *start;
    size_t len;

    if (!url)
        return true;
    start = strstr(url, "://");
    start = start ? start + 3 : url;
    len = strcspn(start, "/:?#");
    if (len > 0 && start[len - 1] == '.')
        len--;
    return len == strlen(host) && strncasecmp(start, host, len) == 0;
}

/* Picks the newest existing report about the job's host no older than the
 * reuse age. */
static long long reusable_scan(const struct cg_engine *engine,
                               const struct job *job, const json_t *json)
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
            !cg_json_int(report, "scan_id", &id) || id < 0 ||
            !report_is_about(report, job->ind.host))
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
    long long scan_id = json ? reusable_scan(engine, job, json) : -1;

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
        cg_job__finish_with(engine, job, NULL, true, no_data_body);
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
        cg_job__finish_with(engine, job, data, false, text);
    }
    free(text);
    json_decref(envelope);
}

static void on_ip_report(struct cg_engine *engine, struct job *job,
                         const json_t *json)
{
    const char *text;
    char *owned;

    if (engine->opts.deep) {
        cg_job__cache_write(engine, job, "ip", json, true);
        json_decref(job->ip_report);
        job->ip_report = json_incref((json_t *)json);
        advance_ip(engine, job);
        return;
    }
    text = cg_job__cache_text(job, json, true, &owned);
    if (!text) {
        cg_job__finish_plain(engine, job, CG_OUTCOME_FAILED, CG_ERR_NOMEM,
                             NULL);
        return;
    }
    cg_job__finish_with(engine, job, json, false, text);
    free(owned);
}

/* --deep: keeps a malicious-info or suspicious-info body. */
static void on_extra(struct cg_engine *engine, struct job *job,
                     const json_t *json)
{
    json_t **slot = extra_body(job, job->call);

    cg_job__cache_write(engine, job, extra_prefix(job->call), json, true);
    json_decref(*slot);
    *slot = json_incref((json_t *)json);
    advance_ip(engine, job);
}

/*
 * --deep: an extra call failed for this value only, so the IP is mapped
 * without that body and the note records why. A "no data" response is
 * cached like a body.
 */
static void on_extra_error(struct cg_engine *engine, struct job *job,
                           enum cg_err rc, const struct cg_error *err)
{
    enum cg_cip_endpoint call = job->call;
    json_t *marker;

    if (rc == CG_ERR_API_NO_DATA) {
        marker = json_pack("{siss}", "status", 404, "message", "no data");
        if (marker)
            cg_job__cache_write(engine, job, extra_prefix(call), marker, false);
        json_decref(marker);
        if (!set_extra_error(engine, job, call,
                             "Criminal IP has no data for this lookup"))
            return;
    } else {
        cg_log_warn(
            "enrich", "%s for '%s' failed: %s; mapping the IP without it",
            cg_cip_endpoint_name(call), job->ind.value, cg_error_text(err));
        if (!set_extra_error(engine, job, call, cg_error_text(err)))
            return;
    }
    advance_ip(engine, job);
}

/* Handles an error answer that retries did not cure. */
static void on_error(struct cg_engine *engine, struct job *job, enum cg_err rc,
                     const struct cg_error *err)
{
    switch (rc) {
    case CG_ERR_API_KEY:
    case CG_ERR_API_LIMIT:
        cg_engine__stop(engine, rc, err);
        cg_job__stop(engine, job, rc, cg_error_text(err));
        return;
    case CG_ERR_API_NO_DATA:
        if (job->call == CG_CIP_DOMAIN_REPORTS) {
            on_reports(engine, job, NULL);
            return;
        }
        if (is_extra_call(job->call)) {
            on_extra_error(engine, job, rc, err);
            return;
        }
        cg_job__finish_with(engine, job, NULL, true, no_data_body);
        return;
    default:
        if (engine->stopping && cg_cip_is_retryable(rc)) {
            cg_job__stop(engine, job, engine->stats.stop_reason, NULL);
            return;
        }
        if (is_extra_call(job->call) && engine->fatal.code == CG_OK) {
            on_extra_error(engine, job, rc, err);
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
    case CG_CIP_MALICIOUS_INFO:
    case CG_CIP_SUSPICIOUS_INFO:
        on_extra(engine, job, json);
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
