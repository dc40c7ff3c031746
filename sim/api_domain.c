/*
 * Handlers of the domain endpoints: report listing, full scan, lite scan
 * and quick hash view. Unknown scan ids return {"status": 404, "message":
 * "Scan ID not found."}. A report requested before its scan finished
 * returns {"status": 200, "message": "api success", "data": {}} without
 * spending a credit, or with --early-report error {"status": 400,
 * "message": "The scan is still in progress. Please wait."}.
 */
#include "api.h"
#include "domain_report.h"
#include "ip_profile.h"
#include "rng.h"
#include "scan.h"
#include "text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reports per page of GET /v1/domain/reports. */
#define REPORTS_PAGE_SIZE 10

#define MSG_SCAN_NOT_FOUND "Scan ID not found."
#define MSG_SCAN_RUNNING   "The scan is still in progress. Please wait."
#define MSG_MISSING_QUERY  "Missing parameter: query."
#define MSG_INVALID_QUERY \
    "Invalid query: expected a domain name or an http(s) URL."

/*
 * Parses text into target, or replies 400 and returns false. target is
 * large, so callers allocate it.
 */
static bool parse_target(struct cg_sim_call *call, const char *text,
                         struct cg_sim_target *target)
{
    if (!text) {
        cg_sim_call_error(call, 400, MSG_MISSING_QUERY,
                          CG_SIM_REJECTED_BAD_REQUEST);
        return false;
    }
    if (!cg_sim_target_parse(text, target)) {
        cg_sim_call_error(call, 400, MSG_INVALID_QUERY,
                          CG_SIM_REJECTED_BAD_REQUEST);
        return false;
    }
    return true;
}

/* Reads a query-string argument; an argument with a NUL byte is invalid
 * and reads as the empty string, which no parser accepts. */
static const char *query_arg(struct cg_sim_call *call, const char *name)
{
    bool invalid = false;
    const char *value = cg_sim_request_arg(call->request, name, &invalid);

    return invalid ? "" : value;
}

static struct cg_sim_target *new_target(struct cg_sim_call *call)
{
    struct cg_sim_target *target = malloc(sizeof(*target));

    if (!target)
        cg_sim_call_error(call, 500, CG_SIM_MSG_SERVER,
                          CG_SIM_REJECTED_SERVER_ERROR);
    return target;
}

static bool parse_offset(const char *text, long *offset)
{
    char *end;

    if (!text || !*text) {
        *offset = 0;
        return true;
    }
    if (!isdigit((unsigned char)text[0]) || strlen(text) > 9)
        return false;
    *offset = strtol(text, &end, 10);
    return *end == '\0';
}

static json_t *report_entry(const struct cg_sim_scan_info *info,
                            const struct cg_sim_site *site)
{
    json_t *entry = json_object();

    cg_sim_set_int(entry, "scan_id", info->id);
    cg_sim_set_time(entry, "reg_dtime", info->created);
    cg_sim_set_text(entry, "title", site->title);
    cg_sim_set_text(entry, "url", info->url);
    json_object_set_new(entry, "countries",
                        cg_sim_domain_report_countries(site));
    return entry;
}

void cg_sim_api_domain_reports(struct cg_sim_call *call)
{
    const char *text = query_arg(call, "query");
    struct cg_sim_target *target = new_target(call);
    struct cg_sim_scan_info *infos = NULL;
    struct cg_sim_site site;
    json_t *reports;
    json_t *data;
    size_t count;
    long offset;

    if (!target)
        return;
    /* One write-up of the API names the parameter "domain". */
    if (!text)
        text = query_arg(call, "domain");
    if (!parse_target(call, text, target))
        goto out;
    if (!parse_offset(query_arg(call, "offset"), &offset)) {
        cg_sim_call_error(call, 400, "Invalid offset: expected 0 or more.",
                          CG_SIM_REJECTED_BAD_REQUEST);
        goto out;
    }
    count = cg_sim_scan_list(target, call->now, &infos);
    cg_sim_site_describe(target, &site);
    reports = json_array();
    for (size_t i = (size_t)offset;
         i < count && i < (size_t)offset + REPORTS_PAGE_SIZE; i++)
        json_array_append_new(reports, report_entry(&infos[i], &site));
    data = json_object();
    cg_sim_set_int(data, "count", (long long)count);
    json_object_set_new(data, "reports", reports);
    cg_sim_call_ok(call, cg_sim_envelope(data));
    cg_sim_scan_infos_free(infos, count);
out:
    free(target);
}

static json_t *scan_data(const char *query, json_t *scan_id)
{
    json_t *data = json_object();

    cg_sim_set_text(data, "query", query);
    json_object_set_new(data, "scan_id", scan_id);
    return data;
}

void cg_sim_api_domain_scan(struct cg_sim_call *call)
{
    struct cg_error err;
    char *text = NULL;
    struct cg_sim_target *target = new_target(call);
    long long id;

    if (!target)
        return;
    cg_error_clear(&err);
    if (cg_sim_request_form_query(call->request, &text, &err) != CG_OK) {
        char message[CG_ERROR_MSG_SIZE + 32];

        snprintf(message, sizeof(message), "Invalid request body: %s",
                 cg_error_text(&err));
        cg_sim_call_error(call, 400, message, CG_SIM_REJECTED_BAD_REQUEST);
        goto out;
    }
    if (!parse_target(call, text, target))
        goto out;
    switch (cg_sim_scan_start(target, call->now, &id)) {
    case CG_SIM_SCAN_STARTED:
        cg_sim_call_ok(
            call, cg_sim_envelope(scan_data(target->url, json_integer(id))));
        break;
    case CG_SIM_SCAN_BUSY:
        cg_sim_call_error(call, 400, CG_SIM_MSG_STILL_SCANNING,
                          CG_SIM_REJECTED_STILL_SCANNING);
        break;
    case CG_SIM_SCAN_NOMEM:
        cg_sim_call_error(call, 500, CG_SIM_MSG_SERVER,
                          CG_SIM_REJECTED_SERVER_ERROR);
        break;
    }
out:
    free(text);
    free(target);
}

/* Parses a full-scan id from the path: 1 to 18 decimal digits. */
static bool parse_scan_id(const char *text, long long *id)
{
    size_t len = strlen(text);

    if (len == 0 || len > 18 || strspn(text, "0123456789") != len)
        return false;
    *id = strtoll(text, NULL, 10);
    return true;
}

static bool is_lite_id(const char *text)
{
    return text && strlen(text) == CG_SIM_LITE_ID_SIZE - 1 &&
           strspn(text, "0123456789abcdef") == CG_SIM_LITE_ID_SIZE - 1;
}

static void reply_percentage(struct cg_sim_call *call, int percentage)
{
    json_t *data = json_object();

    cg_sim_set_int(data, "scan_percentage", percentage);
    cg_sim_call_ok(call, cg_sim_envelope(data));
}

void cg_sim_api_domain_status(struct cg_sim_call *call)
{
    long long id;
    int percentage;

    if (!parse_scan_id(call->path_id, &id) ||
        !cg_sim_scan_poll(id, call->settings->scan_polls, &percentage)) {
        cg_sim_call_error(call, 404, MSG_SCAN_NOT_FOUND,
                          CG_SIM_REJECTED_NOT_FOUND);
        return;
    }
    reply_percentage(call, percentage);
}

enum report_shape { REPORT_V2, REPORT_V1, REPORT_LITE };

/*
 * Replies for a scan that has not produced a report: still running, or
 * ended at -1 or -2.
 */
static void reply_no_report(struct cg_sim_call *call,
                            const struct cg_sim_scan_info *info)
{
    if (info->finished) {
        cg_sim_call_error(call, 404,
                          info->outcome == CG_SIM_SCAN_NO_DOMAIN
                              ? "No report: the domain does not exist."
                              : "No report: the scan failed.",
                          CG_SIM_REJECTED_NOT_FOUND);
        return;
    }
    if (call->settings->early_report_error) {
        cg_sim_call_error(call, 400, MSG_SCAN_RUNNING,
                          CG_SIM_REJECTED_STILL_SCANNING);
        return;
    }
    call->no_charge = true;
    cg_sim_call_ok(call, cg_sim_envelope(json_object()));
}

static void reply_report(struct cg_sim_call *call,
                         const struct cg_sim_scan_info *info,
                         enum report_shape shape)
{
    struct cg_sim_target *target = new_target(call);
    struct cg_sim_site site;
    json_t *data = NULL;

    if (!target)
        return;
    if (!info->finished || info->outcome != CG_SIM_SCAN_DONE) {
        reply_no_report(call, info);
        goto out;
    }
    if (!cg_sim_target_parse(info->url, target)) {
        cg_sim_call_error(call, 500, CG_SIM_MSG_SERVER,
                          CG_SIM_REJECTED_SERVER_ERROR);
        goto out;
    }
    cg_sim_site_describe(target, &site);
    if (shape == REPORT_V2)
        data = cg_sim_domain_report_v2(&site, info->created);
    else if (shape == REPORT_V1)
        data = cg_sim_domain_report_v1(&site, info->created);
    else
        data = cg_sim_domain_report_lite(&site, info->created);
    if (data)
        cg_sim_call_ok(call, cg_sim_envelope(data));
out:
    free(target);
}

static void full_report(struct cg_sim_call *call, enum report_shape shape)
{
    struct cg_sim_scan_info info;
    long long id;

    if (!parse_scan_id(call->path_id, &id) || !cg_sim_scan_get(id, &info)) {
        cg_sim_call_error(call, 404, MSG_SCAN_NOT_FOUND,
                          CG_SIM_REJECTED_NOT_FOUND);
        return;
    }
    reply_report(call, &info, shape);
    cg_sim_scan_info_release(&info);
}

void cg_sim_api_domain_report_v2(struct cg_sim_call *call)
{
    full_report(call, REPORT_V2);
}

void cg_sim_api_domain_report_v1(struct cg_sim_call *call)
{
    full_report(call, REPORT_V1);
}

void cg_sim_api_lite_scan(struct cg_sim_call *call)
{
    struct cg_sim_target *target = new_target(call);
    char lite_id[CG_SIM_LITE_ID_SIZE];
    char *body_query = NULL;
    const char *text = query_arg(call, "query");
    struct cg_error err;

    if (!target)
        return;
    if (!text && strcmp(call->request->method, "POST") == 0 &&
        cg_sim_request_form_query(call->request, &body_query, &err) == CG_OK)
        text = body_query;
    if (!parse_target(call, text, target))
        goto out;
    if (cg_sim_lite_start(target, call->now, lite_id) != CG_SIM_SCAN_STARTED) {
        cg_sim_call_error(call, 500, CG_SIM_MSG_SERVER,
                          CG_SIM_REJECTED_SERVER_ERROR);
        goto out;
    }
    cg_sim_call_ok(
        call, cg_sim_envelope(scan_data(target->url, json_string(lite_id))));
out:
    free(body_query);
    free(target);
}

void cg_sim_api_lite_progress(struct cg_sim_call *call)
{
    const char *id = query_arg(call, "scan_id");
    int percentage;

    if (!is_lite_id(id) ||
        !cg_sim_lite_poll(id, call->settings->scan_polls, &percentage)) {
        cg_sim_call_error(call, 404, MSG_SCAN_NOT_FOUND,
                          CG_SIM_REJECTED_NOT_FOUND);
        return;
    }
    reply_percentage(call, percentage);
}

void cg_sim_api_lite_report(struct cg_sim_call *call)
{
    struct cg_sim_scan_info info;

    if (!is_lite_id(call->path_id) || !cg_sim_lite_get(call->path_id, &info)) {
        cg_sim_call_error(call, 404, MSG_SCAN_NOT_FOUND,
                          CG_SIM_REJECTED_NOT_FOUND);
        return;
    }
    reply_report(call, &info, REPORT_LITE);
    cg_sim_scan_info_release(&info);
}

void cg_sim_api_quick_hash_view(struct cg_sim_call *call)
{
    struct cg_sim_target *target = new_target(call);
    struct cg_sim_rng rng;
    json_t *data;
    bool phishing;
    bool trusted;

    if (!target)
        return;
    if (!parse_target(call, query_arg(call, "domain"), target))
        goto out;
    cg_sim_rng_seed(&rng, "quick", target->host);
    phishing = cg_sim_feed_is_phishing_host(target->host);
    trusted = !phishing && cg_sim_rng_chance(&rng, 350);
    data = json_object();
    cg_sim_set_int(data, "call_count", cg_sim_rng_range(&rng, 0, 5000));
    cg_sim_set_text(data, "domain", target->host);
    cg_sim_set_time(data, "reg_dtime",
                    CG_SIM_IP_EPOCH -
                        (int64_t)cg_sim_rng_range(&rng, 1, 700) * 86400);
    cg_sim_set_text(data, "result",
                    phishing  ? "malicious"
                    : trusted ? "safe"
                              : "unknown");
    cg_sim_set_text(data, "type",
                    phishing  ? "phishing"
                    : trusted ? "trusted-domain"
                              : "");
    cg_sim_call_ok(call, cg_sim_envelope(data));
out:
    free(target);
}
