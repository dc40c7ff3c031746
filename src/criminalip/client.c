/*
 * Criminal IP requests and transfers.
 */
#include "criminalip/client.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"

struct endpoint_info {
    const char *name;
    const char *path; /* printf format with one %s for the argument */
    bool post;
    int credits;
};

static const struct endpoint_info endpoints[CG_CIP__COUNT] = {
    [CG_CIP_IP_REPORT] = {"ip_report", "/v1/asset/ip/report?ip=%s&full=true",
                          false, 1},
    [CG_CIP_MALICIOUS_INFO] = {"malicious_info",
                               "/v1/feature/ip/malicious-info?ip=%s", false, 1},
    [CG_CIP_SUSPICIOUS_INFO] = {"suspicious_info",
                                "/v2/feature/ip/suspicious-info?ip=%s", false,
                                1},
    [CG_CIP_DOMAIN_REPORTS] = {"domain_reports",
                               "/v1/domain/reports?query=%s&offset=0", false,
                               1},
    [CG_CIP_DOMAIN_SCAN] = {"domain_scan", "/v1/domain/scan", true, 1},
    [CG_CIP_DOMAIN_STATUS] = {"domain_status", "/v1/domain/status/%s", false,
                              0},
    [CG_CIP_DOMAIN_REPORT] = {"domain_report", "/v2/domain/report/%s", false,
                              1},
    [CG_CIP_LITE_SCAN] = {"lite_scan", "/v1/domain/lite/scan?query=%s", false,
                          1},
    [CG_CIP_LITE_PROGRESS] = {"lite_progress",
                              "/v1/domain/lite/progress?scan_id=%s", false, 0},
    [CG_CIP_LITE_REPORT] = {"lite_report", "/v1/domain/lite/report/%s", false,
                            1},
    [CG_CIP_USER_ME] = {"user_me", "/v1/user/me", true, 0},
};

const char *cg_cip_endpoint_name(enum cg_cip_endpoint endpoint)
{
    return (unsigned)endpoint < CG_CIP__COUNT ? endpoints[endpoint].name
                                              : "unknown";
}

int cg_cip_endpoint_credits(enum cg_cip_endpoint endpoint)
{
    return (unsigned)endpoint < CG_CIP__COUNT ? endpoints[endpoint].credits : 0;
}

static char *dup_env(const char *name)
{
    const char *value = getenv(name);

    return value && *value ? strdup(value) : NULL;
}

enum cg_err cg_cip_config_from_env(struct cg_cip_config *cfg,
                                   struct cg_error *err)
{
    size_t len;

    memset(cfg, 0, sizeof(*cfg));
    cfg->connect_timeout_ms = 10000;
    cfg->timeout_ms = 60000;
    cfg->api_key = dup_env("CRIMINALIP_API_KEY");
    if (!cfg->api_key)
        cfg->api_key = dup_env("CRIMINALIP_TOKEN");
    cfg->base_url = dup_env("CRIMINALIP_API_URL");
    if (!cfg->base_url)
        cfg->base_url = strdup(CG_CIP_DEFAULT_URL);
    if (!cfg->base_url)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    len = strlen(cfg->base_url);
    while (len > 0 && cfg->base_url[len - 1] == '/')
        cfg->base_url[--len] = '\0';
    if (cfg->api_key)
        cg_log_add_secret(cfg->api_key);
    return CG_OK;
}

enum cg_err cg_cip_config_check(const struct cg_cip_config *cfg,
                                struct cg_error *err)
{
    const char *url = cfg->base_url ? cfg->base_url : "";
    const char *host;

    if (!cfg->api_key || !*cfg->api_key)
        return cg_error_set(err, CG_ERR_CONFIG,
                            "no Criminal IP API key: set CRIMINALIP_API_KEY "
                            "(or CRIMINALIP_TOKEN)");
    for (const char *p = cfg->api_key; *p; p++) {
        if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
            return cg_error_set(err, CG_ERR_CONFIG,
                                "the Criminal IP API key contains spaces or "
                                "control characters; check CRIMINALIP_API_KEY");
    }
    if (strncasecmp(url, "https://", 8) == 0)
        host = url + 8;
    else if (strncasecmp(url, "http://", 7) == 0)
        host = url + 7;
    else
        return cg_error_set(err, CG_ERR_CONFIG,
                            "CRIMINALIP_API_URL '%.200s' is not an http or "
                            "https URL",
                            url);
    if (!*host || *host == '/')
        return cg_error_set(err, CG_ERR_CONFIG,
                            "CRIMINALIP_API_URL '%.200s' has no host", url);
    return CG_OK;
}

void cg_cip_config_release(struct cg_cip_config *cfg)
{
    if (cfg->api_key) {
        /* Clear the key before freeing so it does not linger in memory. */
        memset(cfg->api_key, 0, strlen(cfg->api_key));
        free(cfg->api_key);
    }
    free(cfg->base_url);
    cfg->api_key = NULL;
    cfg->base_url = NULL;
}

/* Percent-encodes everything except RFC 3986 unreserved characters. */
static enum cg_err percent_encode(const char *text, struct cg_buf *out)
{
    static const char hex[] = "0123456789ABCDEF";
    enum cg_err rc = CG_OK;

    for (const unsigned char *p = (const unsigned char *)text;
         *p && rc == CG_OK; p++) {
        if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            rc = cg_buf_putc(out, (char)*p);
        } else {
            char escaped[3] = {'%', hex[*p >> 4], hex[*p & 15]};

            rc = cg_buf_append(out, escaped, 3);
        }
    }
    return rc;
}

/* Appends path with its one "%s" placeholder replaced by arg. */
static enum cg_err append_path(struct cg_buf *url, const char *path,
                               const char *arg)
{
    const char *hole = strstr(path, "%s");
    enum cg_err rc;

    if (!hole)
        return cg_buf_puts(url, path);
    rc = cg_buf_append(url, path, (size_t)(hole - path));
    if (rc == CG_OK)
        rc = cg_buf_puts(url, arg);
    if (rc == CG_OK)
        rc = cg_buf_puts(url, hole + 2);
    return rc;
}

enum cg_err cg_cip_request_init(struct cg_cip_request *req,
                                const struct cg_cip_config *cfg,
                                enum cg_cip_endpoint endpoint, const char *arg,
                                struct cg_error *err)
{
    const struct endpoint_info *info;
    struct cg_buf encoded = CG_BUF_INIT;
    struct cg_buf url = CG_BUF_INIT;
    struct cg_buf form = CG_BUF_INIT;
    enum cg_err rc = CG_OK;

    memset(req, 0, sizeof(*req));
    if ((unsigned)endpoint >= CG_CIP__COUNT)
        return cg_error_set(err, CG_ERR_INVALID, "unknown endpoint %d",
                            (int)endpoint);
    info = &endpoints[endpoint];
    req->endpoint = endpoint;
    if (arg)
        rc = percent_encode(arg, &encoded);
    if (rc == CG_OK)
        rc = cg_buf_puts(&url, cfg->base_url ? cfg->base_url : "");
    if (rc == CG_OK)
        rc = append_path(&url, info->path, cg_buf_str(&encoded));
    if (rc == CG_OK && info->post) {
        rc = cg_buf_puts(&form, arg ? "query=" : "");
        if (rc == CG_OK && arg)
            rc = cg_buf_puts(&form, cg_buf_str(&encoded));
    }
    cg_buf_release(&encoded);
    if (rc != CG_OK) {
        cg_buf_release(&url);
        cg_buf_release(&form);
        return cg_error_set(err, rc, "cannot build the %s request", info->name);
    }
    req->url = cg_buf_detach(&url);
    req->form = info->post ? cg_buf_detach(&form) : NULL;
    if (!req->url || (info->post && !req->form)) {
        cg_cip_request_release(req);
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    return CG_OK;
}

void cg_cip_request_release(struct cg_cip_request *req)
{
    free(req->url);
    free(req->form);
    req->url = NULL;
    req->form = NULL;
}

static size_t on_body(char *data, size_t size, size_t count, void *user)
{
    struct cg_cip_transfer *transfer = user;
    size_t len = size * count;

    if (cg_buf_append(&transfer->body, data, len) != CG_OK) {
        transfer->too_large = true;
        return 0; /* makes libcurl stop with CURLE_WRITE_ERROR */
    }
    return len;
}

enum cg_err cg_cip_transfer_init(struct cg_cip_transfer *transfer,
                                 const struct cg_cip_config *cfg,
                                 const struct cg_cip_request *req,
                                 struct cg_error *err)
{
    struct cg_buf header = CG_BUF_INIT;
    CURL *easy;
    bool failed;

    memset(transfer, 0, sizeof(*transfer));
    cg_buf_init(&transfer->body, CG_CIP_MAX_BODY);
    easy = curl_easy_init();
    if (!easy)
        return cg_error_set(err, CG_ERR_NOMEM, "cannot create a curl handle");
    transfer->easy = easy;
    if (cg_buf_printf(&header, "x-api-key: %s",
                      cfg->api_key ? cfg->api_key : "") != CG_OK) {
        cg_cip_transfer_release(transfer);
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    transfer->headers = curl_slist_append(NULL, cg_buf_str(&header));
    memset(header.data, 0, header.len);
    cg_buf_release(&header);
    transfer->headers =
        curl_slist_append(transfer->headers, "Accept: application/json");
    failed = !transfer->headers;
    failed |= curl_easy_setopt(easy, CURLOPT_URL, req->url) != CURLE_OK;
    failed |= curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headers) !=
              CURLE_OK;
    failed |=
        curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK;
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, cfg->connect_timeout_ms);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, cfg->timeout_ms);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, "cipgraph/" CG_VERSION);
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->curl_error);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer);
    if (req->form) {
        curl_easy_setopt(easy, CURLOPT_POST, 1L);
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, req->form);
    }
    if (failed) {
        cg_cip_transfer_release(transfer);
        return cg_error_set(err, CG_ERR_NOMEM,
                            "cannot configure the request to %s",
                            cg_cip_endpoint_name(req->endpoint));
    }
    return CG_OK;
}

void cg_cip_transfer_release(struct cg_cip_transfer *transfer)
{
    if (transfer->easy)
        curl_easy_cleanup(transfer->easy);
    curl_slist_free_all(transfer->headers);
    cg_buf_release(&transfer->body);
    transfer->easy = NULL;
    transfer->headers = NULL;
}

bool cg_cip_is_retryable(enum cg_err code)
{
    switch (code) {
    case CG_ERR_API_BUSY:
    case CG_ERR_API_RATE:
    case CG_ERR_API_SERVER:
    case CG_ERR_TIMEOUT:
    case CG_ERR_NET:
    case CG_ERR_SCAN_BUSY:
        return true;
    default:
        return false;
    }
}

long cg_cip_backoff_ms(int attempt, long base_ms, long max_ms)
{
    /* One seed per thread: the connector's workers call this at once. */
    static _Thread_local unsigned int seed;
    long delay = base_ms;

    if (!seed)
        seed = (unsigned int)time(NULL) ^ (unsigned int)getpid();
    for (int i = 0; i < attempt && delay < max_ms; i++)
        delay *= 2;
    if (delay > max_ms)
        delay = max_ms;
    /* Jitter spreads retries from parallel transfers apart. */
    return delay / 2 + (long)(rand_r(&seed) % (unsigned long)(delay / 2 + 1));
}

static void sleep_ms(long ms)
{
    struct timespec delay = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&delay, &delay) != 0 && errno == EINTR)
        continue;
}

enum cg_err cg_cip_call(const struct cg_cip_config *cfg,
                        enum cg_cip_endpoint endpoint, const char *arg,
                        int max_retries, json_t **json, struct cg_error *err)
{
    struct cg_cip_request req;
    enum cg_err rc = cg_cip_request_init(&req, cfg, endpoint, arg, err);

    *json = NULL;
    for (int attempt = 0; rc == CG_OK; attempt++) {
        struct cg_cip_transfer transfer;
        CURLcode result;

        rc = cg_cip_transfer_init(&transfer, cfg, &req, err);
        if (rc != CG_OK)
            break;
        result = curl_easy_perform(transfer.easy);
        rc = cg_cip_classify(endpoint, &transfer, result, json, err);
        cg_cip_transfer_release(&transfer);
        if (!cg_cip_is_retryable(rc) || attempt >= max_retries)
            break;
        cg_log_info("criminalip", "%s: %s; retrying",
                    cg_cip_endpoint_name(endpoint), cg_error_text(err));
        sleep_ms(cg_cip_backoff_ms(attempt, 500, 30000));
        rc = CG_OK;
    }
    cg_cip_request_release(&req);
    return rc;
}

json_t *cg_cip_data(const json_t *json)
{
    json_t *data = json_object_get(json, "data");

    return json_is_object(data) ? data : NULL;
}
