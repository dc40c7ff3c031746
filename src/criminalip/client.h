/*
 * The Criminal IP REST client: building requests, running them through
 * libcurl, and classifying every answer into success or one distinct error
 * (invalid key, credits exhausted, concurrent-call refusal, rate limit,
 * server error, timeout, invalid input, no data). Both the HTTP status and
 * the body's own "status" are checked, because the API reports errors
 * either way.
 *
 * The transport is split from the protocol so that the enrichment engine
 * can drive many transfers through one curl multi handle, while simple
 * callers use cg_cip_call.
 */
#ifndef CG_CRIMINALIP_CLIENT_H
#define CG_CRIMINALIP_CLIENT_H

#include <curl/curl.h>
#include <jansson.h>

#include "core/buf.h"

#define CG_CIP_DEFAULT_URL "https://api.criminalip.io"

/* Largest response body accepted, in bytes (a full domain report is about
 * 50 KB; this leaves room for very large ones). */
#define CG_CIP_MAX_BODY (32u * 1024 * 1024)

struct cg_cip_config {
    char *api_key;  /* owned; never logged */
    char *base_url; /* owned; no trailing slash */
    long connect_timeout_ms;
    long timeout_ms;
};

/*
 * Fills cfg from the environment: the key from CRIMINALIP_API_KEY, else
 * CRIMINALIP_TOKEN (the OpenCTI connector's name), and the base URL from
 * CRIMINALIP_API_URL, else CG_CIP_DEFAULT_URL. A missing key is not an
 * error here (cached runs need none); cg_cip_config_check reports it.
 * Registers the key with the log redactor. Release with
 * cg_cip_config_release.
 */
enum cg_err cg_cip_config_from_env(struct cg_cip_config *cfg,
                                   struct cg_error *err) CG_WARN_UNUSED;

/* Checks that a key is set and that the URL is http(s) with a host. */
enum cg_err cg_cip_config_check(const struct cg_cip_config *cfg,
                                struct cg_error *err) CG_WARN_UNUSED;

void cg_cip_config_release(struct cg_cip_config *cfg);

enum cg_cip_endpoint {
    CG_CIP_IP_REPORT,       /* GET /v1/asset/ip/report?ip=&full=true */
    CG_CIP_MALICIOUS_INFO,  /* GET /v1/feature/ip/malicious-info?ip= */
    CG_CIP_SUSPICIOUS_INFO, /* GET /v2/feature/ip/suspicious-info?ip= */
    CG_CIP_DOMAIN_REPORTS,  /* GET /v1/domain/reports?query=&offset=0 */
    CG_CIP_DOMAIN_SCAN,     /* POST /v1/domain/scan, form query= */
    CG_CIP_DOMAIN_STATUS,   /* GET /v1/domain/status/{id} */
    CG_CIP_DOMAIN_REPORT,   /* GET /v2/domain/report/{id} */
    CG_CIP_LITE_SCAN,       /* GET /v1/domain/lite/scan?query= */
    CG_CIP_LITE_PROGRESS,   /* GET /v1/domain/lite/progress?scan_id= */
    CG_CIP_LITE_REPORT,     /* GET /v1/domain/lite/report/{id} */
    CG_CIP_USER_ME,         /* POST /v1/user/me */
    CG_CIP__COUNT
};

/* Returns a short stable name such as "ip_report" for logs and stats. */
const char *cg_cip_endpoint_name(enum cg_cip_endpoint endpoint);

/*
 * Returns the credits a call is assumed to cost. Criminal IP publishes no
 * per-endpoint costs; cipgraph counts one per lookup, scan and report, and
 * none for status polls and the account query.
 */
int cg_cip_endpoint_credits(enum cg_cip_endpoint endpoint);

/* One request, ready for libcurl. */
struct cg_cip_request {
    enum cg_cip_endpoint endpoint;
    char *url;  /* owned */
    char *form; /* owned POST body, or NULL for GET */
};

/*
 * Builds the request for endpoint with its argument (an IP, a domain or
 * URL query, or a scan id as text; NULL for CG_CIP_USER_ME). Values are
 * percent-encoded. Release with cg_cip_request_release.
 */
enum cg_err cg_cip_request_init(struct cg_cip_request *req,
                                const struct cg_cip_config *cfg,
                                enum cg_cip_endpoint endpoint, const char *arg,
                                struct cg_error *err) CG_WARN_UNUSED;

void cg_cip_request_release(struct cg_cip_request *req);

/* A transfer in flight: the easy handle and where its answer goes. */
struct cg_cip_transfer {
    CURL *easy;
    struct curl_slist *headers;
    struct cg_buf body;
    char curl_error[CURL_ERROR_SIZE];
    bool too_large;
};

/*
 * Prepares transfer for req on a new easy handle with the key header, the
 * timeouts, http(s) only and no redirects (the key must not follow a
 * redirect to another host). Borrows cfg and req until the transfer is
 * released. Release with cg_cip_transfer_release.
 */
enum cg_err cg_cip_transfer_init(struct cg_cip_transfer *transfer,
                                 const struct cg_cip_config *cfg,
                                 const struct cg_cip_request *req,
                                 struct cg_error *err) CG_WARN_UNUSED;

void cg_cip_transfer_release(struct cg_cip_transfer *transfer);

/*
 * Classifies a finished transfer. On success returns CG_OK with the parsed
 * body in *json (new reference). Otherwise returns the error that fits and
 * describes it in err, with the HTTP status or body status in
 * err->upstream: CG_ERR_API_KEY, API_LIMIT, API_BUSY, API_RATE, API_SERVER,
 * TIMEOUT, NET, API_INPUT, API_NO_DATA, SCAN_BUSY, TOO_LARGE or
 * API_PROTOCOL.
 */
enum cg_err cg_cip_classify(enum cg_cip_endpoint endpoint,
                            const struct cg_cip_transfer *transfer,
                            CURLcode result, json_t **json,
                            struct cg_error *err) CG_WARN_UNUSED;

/* Same, from the raw parts; for tests and fuzzing. */
enum cg_err cg_cip_classify_raw(enum cg_cip_endpoint endpoint, long http_status,
                                CURLcode result, const char *curl_error,
                                const char *body, size_t len, json_t **json,
                                struct cg_error *err) CG_WARN_UNUSED;

/* True for errors worth retrying after a back-off. */
bool cg_cip_is_retryable(enum cg_err code);

/*
 * Returns the back-off before retry number attempt (0-based): exponential
 * from base_ms, capped at max_ms, with random jitter in [50%, 100%].
 */
long cg_cip_backoff_ms(int attempt, long base_ms, long max_ms);

/*
 * Runs one call synchronously, retrying retryable errors up to
 * max_retries times with back-off. For the account query and tools;
 * enrichment goes through the engine instead.
 */
enum cg_err cg_cip_call(const struct cg_cip_config *cfg,
                        enum cg_cip_endpoint endpoint, const char *arg,
                        int max_retries, json_t **json,
                        struct cg_error *err) CG_WARN_UNUSED;

/*
 * Returns the body of a domain endpoint's answer: json["data"] when it is
 * an object, else NULL. Borrowed from json.
 */
json_t *cg_cip_data(const json_t *json);

#endif /* CG_CRIMINALIP_CLIENT_H */
