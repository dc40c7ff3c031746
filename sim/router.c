/*
 * The API request pipeline. Checks run in this order: route and method,
 * query-string size, in-flight count, latency, API key, concurrency limit,
 * every-N-th 500, 429 burst, credits, handler. The in-flight count is taken
 * on arrival, before the latency wait, so two overlapping slow calls are
 * seen as concurrent.
 */
#include "router.h"

#include "api.h"
#include "core/clock.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

typedef void (*cg_sim_handler)(struct cg_sim_call *call);

struct route {
    const char *methods; /* space-separated, e.g. "GET POST" */
    const char *path;    /* exact path, or a prefix ending in '/' */
    bool prefix;         /* the rest of the path is an id */
    enum cg_sim_endpoint endpoint;
    bool spends_credit;
    cg_sim_handler handler;
};

static const struct route routes[] = {
    {"GET", "/v1/asset/ip/report", false, CG_SIM_EP_IP_REPORT, true,
     cg_sim_api_ip_report},
    {"GET", "/v1/feature/ip/malicious-info", false, CG_SIM_EP_MALICIOUS_INFO,
     true, cg_sim_api_malicious_info},
    {"GET", "/v2/feature/ip/suspicious-info", false, CG_SIM_EP_SUSPICIOUS_INFO,
     true, cg_sim_api_suspicious_info},
    {"POST", "/v1/user/me", false, CG_SIM_EP_USER_ME, false,
     cg_sim_api_user_me},
    {"GET", "/v1/domain/reports", false, CG_SIM_EP_DOMAIN_REPORTS, true,
     cg_sim_api_domain_reports},
    {"POST", "/v1/domain/scan", false, CG_SIM_EP_DOMAIN_SCAN, true,
     cg_sim_api_domain_scan},
    {"GET", "/v1/domain/status/", true, CG_SIM_EP_DOMAIN_STATUS, false,
     cg_sim_api_domain_status},
    {"GET", "/v2/domain/report/", true, CG_SIM_EP_DOMAIN_REPORT, true,
     cg_sim_api_domain_report_v2},
    {"GET", "/v1/domain/report/", true, CG_SIM_EP_DOMAIN_REPORT_V1, true,
     cg_sim_api_domain_report_v1},
    /* One client library sends the lite scan as POST, so accept both. */
    {"GET POST", "/v1/domain/lite/scan", false, CG_SIM_EP_LITE_SCAN, true,
     cg_sim_api_lite_scan},
    {"GET", "/v1/domain/lite/progress", false, CG_SIM_EP_LITE_PROGRESS, false,
     cg_sim_api_lite_progress},
    {"GET", "/v1/domain/lite/report/", true, CG_SIM_EP_LITE_REPORT, true,
     cg_sim_api_lite_report},
    {"GET", "/v1/domain/quick/hash/view", false, CG_SIM_EP_QUICK_HASH_VIEW,
     true, cg_sim_api_quick_hash_view},
};

void cg_sim_call_ok(struct cg_sim_call *call, json_t *body)
{
    json_decref(call->body);
    call->body = body;
    call->status = 200;
}

void cg_sim_call_error(struct cg_sim_call *call, unsigned status,
                       const char *message, enum cg_sim_rejection reason)
{
    json_decref(call->body);
    call->body =
        json_pack("{s:i, s:s}", "status", (int)status, "message", message);
    call->status = status;
    cg_sim_stats_count_rejection(reason);
}

static bool path_matches(const struct route *route, const char *path,
                         const char **id)
{
    size_t len = strlen(route->path);

    if (!route->prefix)
        return strcmp(path, route->path) == 0;
    if (strncmp(path, route->path, len) != 0)
        return false;
    /* A prefix route takes exactly one more, non-empty path segment. */
    *id = path + len;
    return **id != '\0' && !strchr(*id, '/');
}

static bool method_allowed(const struct route *route, const char *method)
{
    const char *p = route->methods;
    size_t len;

    if (strcmp(method, "HEAD") == 0)
        method = "GET";
    len = strlen(method);
    while (*p) {
        size_t word = strcspn(p, " ");

        if (word == len && strncmp(p, method, len) == 0)
            return true;
        p += word;
        p += *p == ' ';
    }
    return false;
}

static void sleep_ms(int ms)
{
    struct timespec wait = {ms / 1000, (long)(ms % 1000) * 1000000L};

    while (nanosleep(&wait, &wait) != 0 && errno == EINTR) {
    }
}

static bool key_accepted(const struct cg_sim_call *call)
{
    const char *key = cg_sim_request_header(call->request, "x-api-key");

    if (call->settings->invalid_key)
        return false;
    return cg_sim_key_accepts(key, key ? strlen(key) : 0);
}

/* Applies the switches that reject a call before its handler runs.
 * Returns true when the call was rejected. */
static bool reject_by_switches(struct cg_sim_call *call, bool over_limit)
{
    const struct cg_sim_settings *s = call->settings;
    unsigned long long number;

    if (!key_accepted(call)) {
        cg_sim_call_error(call, 401, CG_SIM_MSG_INVALID_KEY,
                          CG_SIM_REJECTED_INVALID_KEY);
        return true;
    }
    if (over_limit) {
        cg_sim_call_error(call, 429, CG_SIM_MSG_CONCURRENT,
                          CG_SIM_REJECTED_CONCURRENCY);
        return true;
    }
    number = cg_sim_stats_next_call();
    if (s->fail_5xx > 0 && number % (unsigned long long)s->fail_5xx == 0) {
        cg_sim_call_error(call, 500, CG_SIM_MSG_SERVER,
                          CG_SIM_REJECTED_SERVER_ERROR);
        return true;
    }
    if (s->burst_window > 0 &&
        (number - 1) % (unsigned long long)s->burst_window <
            (unsigned long long)s->burst_count) {
        cg_sim_call_error(call, 429, CG_SIM_MSG_RATE,
                          CG_SIM_REJECTED_RATE_LIMIT);
        return true;
    }
    return false;
}

static void run_api_call(const struct route *route, struct cg_sim_call *call)
{
    const struct cg_sim_settings *s = call->settings;
    long in_flight = cg_sim_stats_enter();
    bool over_limit = s->concurrency > 0 && in_flight > s->concurrency;
    bool reserved = false;

    /* A rejected call leaves at once, so it does not block the others. */
    if (over_limit)
        cg_sim_stats_leave();
    if (s->latency_ms > 0)
        sleep_ms(s->latency_ms);
    if (reject_by_switches(call, over_limit))
        goto out;
    if (route->spends_credit) {
        reserved = cg_sim_credits_reserve(s->credits);
        if (!reserved) {
            cg_sim_call_error(call, 403, CG_SIM_MSG_LIMIT,
                              CG_SIM_REJECTED_LIMIT_EXCEEDED);
            goto out;
        }
    }
    route->handler(call);
    if (!call->body)
        cg_sim_call_error(call, 500, CG_SIM_MSG_SERVER,
                          CG_SIM_REJECTED_SERVER_ERROR);
    if (reserved && (call->status != 200 || call->no_charge))
        cg_sim_credits_refund();
    if (call->status == 200 && s->null_heavy)
        cg_sim_nullify(call->body);
out:
    if (!over_limit)
        cg_sim_stats_leave();
}

static const struct route *find_route(const char *path, const char **id)
{
    for (size_t i = 0; i < CG_ARRAY_LEN(routes); i++) {
        if (path_matches(&routes[i], path, id))
            return &routes[i];
    }
    return NULL;
}

/* Returns the Allow header value for a route's methods. */
static const char *allow_header(const struct route *route)
{
    return strchr(route->methods, ' ') ? "GET, POST" : route->methods;
}

void cg_sim_router_handle(const struct cg_sim_request *req,
                          struct cg_sim_reply *reply)
{
    struct cg_sim_settings settings;
    struct cg_sim_call call;
    const struct route *route;
    const char *id = "";

    if (strncmp(req->path, "/_sim/", 6) == 0) {
        cg_sim_control_handle(req, reply);
        return;
    }
    cg_sim_settings_get(&settings);
    memset(&call, 0, sizeof(call));
    call.request = req;
    call.settings = &settings;
    call.now = cg_time_now();

    route = find_route(req->path, &id);
    call.path_id = id;
    if (!route) {
        cg_sim_stats_count_request(CG_SIM_EP_UNKNOWN);
        cg_sim_call_error(&call, 404, CG_SIM_MSG_NOT_FOUND,
                          CG_SIM_REJECTED_NOT_FOUND);
    } else if (!method_allowed(route, req->method)) {
        cg_sim_stats_count_request(route->endpoint);
        cg_sim_call_error(&call, 405, "Method Not Allowed",
                          CG_SIM_REJECTED_BAD_REQUEST);
        reply->allow = allow_header(route);
    } else if (req->body_too_large ||
               cg_sim_request_query_size(req) > CG_SIM_QUERY_STRING_MAX) {
        cg_sim_stats_count_request(route->endpoint);
        cg_sim_call_error(&call, 400,
                          "Request too large: the query string is limited "
                          "to 16384 bytes and the body to 65536 bytes.",
                          CG_SIM_REJECTED_BAD_REQUEST);
    } else {
        cg_sim_stats_count_request(route->endpoint);
        run_api_call(route, &call);
    }

    reply->body = call.body;
    reply->http_status = call.status;
    if (settings.errors_in_200 && call.status != 200)
        reply->http_status = 200;
}
