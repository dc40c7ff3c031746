/*
 * Classification of Criminal IP answers. Errors arrive either as an HTTP
 * status or as HTTP 200 with an error "status" and "message" in the body,
 * so both are read; the attested messages ("invalid api key", "limit
 * exceeded", "unable to call api at the same time", "We are still scanning
 * for your previous request") decide first, then the status numbers.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/json.h"
#include "core/log.h"
#include "criminalip/client.h"

/* Longest part of an API message quoted in an error, in bytes. */
#define MESSAGE_QUOTE_MAX 160

/* Copies an untrusted message for quoting: printable ASCII, truncated,
 * with any registered secret redacted. */
static void quote_message(const char *message, char *out, size_t size)
{
    char clean[MESSAGE_QUOTE_MAX + 4];
    size_t used = 0;

    for (const char *p = message ? message : ""; *p && used < MESSAGE_QUOTE_MAX;
         p++)
        clean[used++] = isprint((unsigned char)*p) ? *p : ' ';
    if (message && strlen(message) > MESSAGE_QUOTE_MAX) {
        memcpy(clean + used, "...", 3);
        used += 3;
    }
    clean[used] = '\0';
    cg_log_redact(clean, out, size);
}

static bool contains(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);

    for (const char *p = haystack; p && *p; p++) {
        if (strncasecmp(p, needle, n) == 0)
            return true;
    }
    return false;
}

/* Classifies by the attested message texts; CG_OK when none matches. */
static enum cg_err classify_message(const char *message)
{
    if (!message)
        return CG_OK;
    if (contains(message, "invalid api key") ||
        contains(message, "invalid key"))
        return CG_ERR_API_KEY;
    if (contains(message, "limit exceeded"))
        return CG_ERR_API_LIMIT;
    if (contains(message, "at the same time"))
        return CG_ERR_API_BUSY;
    if (contains(message, "still scanning"))
        return CG_ERR_SCAN_BUSY;
    return CG_OK;
}

/* Classifies by a status number (HTTP or body). */
static enum cg_err classify_status(long status)
{
    if (status == 401)
        return CG_ERR_API_KEY;
    if (status == 403)
        return CG_ERR_API_LIMIT;
    if (status == 429)
        return CG_ERR_API_RATE;
    if (status == 404)
        return CG_ERR_API_NO_DATA;
    if (status >= 500 && status <= 599)
        return CG_ERR_API_SERVER;
    if (status >= 400 && status <= 499)
        return CG_ERR_API_INPUT;
    if (status != 200 && status != 0)
        return CG_ERR_API_PROTOCOL;
    return CG_OK;
}

static enum cg_err describe(enum cg_err code, enum cg_cip_endpoint endpoint,
                            long http_status, long body_status,
                            const char *message, struct cg_error *err)
{
    char quoted[MESSAGE_QUOTE_MAX * 2];
    const char *name = cg_cip_endpoint_name(endpoint);

    quote_message(message, quoted, sizeof(quoted));
    cg_error_set(err, code,
                 "Criminal IP %s: %s (HTTP %ld, body status %ld%s%s%s)", name,
                 cg_strerror(code), http_status, body_status,
                 *quoted ? ", \"" : "", quoted, *quoted ? "\"" : "");
    if (err)
        err->upstream = body_status ? body_status : http_status;
    return code;
}

static enum cg_err classify_transport(enum cg_cip_endpoint endpoint,
                                      CURLcode result, const char *curl_error,
                                      struct cg_error *err)
{
    enum cg_err code = CG_ERR_NET;

    if (result == CURLE_OPERATION_TIMEDOUT)
        code = CG_ERR_TIMEOUT;
    cg_error_set(err, code, "Criminal IP %s: %s: %s",
                 cg_cip_endpoint_name(endpoint), curl_easy_strerror(result),
                 curl_error && *curl_error ? curl_error : "no detail");
    if (err)
        err->upstream = (long)result;
    return code;
}

/* True when a successful answer carries no report for the value. */
static bool lacks_payload(enum cg_cip_endpoint endpoint, const json_t *root)
{
    switch (endpoint) {
    case CG_CIP_DOMAIN_REPORT:
    case CG_CIP_LITE_REPORT:
        return !cg_cip_data(root) || json_object_size(cg_cip_data(root)) == 0;
    case CG_CIP_DOMAIN_REPORTS:
    case CG_CIP_DOMAIN_SCAN:
    case CG_CIP_DOMAIN_STATUS:
    case CG_CIP_LITE_SCAN:
    case CG_CIP_LITE_PROGRESS:
    case CG_CIP_USER_ME:
        return !cg_cip_data(root);
    default:
        return false;
    }
}

enum cg_err cg_cip_classify_raw(enum cg_cip_endpoint endpoint, long http_status,
                                CURLcode result, const char *curl_error,
                                const char *body, size_t len, json_t **json,
                                struct cg_error *err)
{
    json_t *root = NULL;
    struct cg_error parse_err;
    long body_status = 0;
    long long number;
    const char *message;
    enum cg_err code;

    *json = NULL;
    cg_error_clear(&parse_err);
    if (result != CURLE_OK)
        return classify_transport(endpoint, result, curl_error, err);
    if (len == 0 ||
        cg_json_parse(body, len, CG_CIP_MAX_BODY, &root, &parse_err) != CG_OK) {
        char detail[sizeof(parse_err.msg) + 32];

        code = classify_status(http_status);
        if (code == CG_OK)
            code = CG_ERR_API_PROTOCOL;
        /* The parser's reason names the line and column, or the limit. */
        snprintf(detail, sizeof(detail), "the body is not JSON: %s",
                 cg_error_text(&parse_err));
        return describe(code, endpoint, http_status, 0,
                        len ? detail : "empty body", err);
    }
    if (!json_is_object(root)) {
        json_decref(root);
        return describe(CG_ERR_API_PROTOCOL, endpoint, http_status, 0,
                        "the body is not a JSON object", err);
    }
    if (cg_json_int(root, "status", &number))
        body_status = (long)number;
    message = cg_json_str(root, "message");

    code = classify_message(message);
    if (code == CG_OK)
        code = classify_status(body_status);
    if (code == CG_OK)
        code = classify_status(http_status);
    if (code == CG_ERR_API_RATE && contains(message, "same time"))
        code = CG_ERR_API_BUSY;
    if (code == CG_OK && lacks_payload(endpoint, root))
        code = CG_ERR_API_NO_DATA;
    if (code != CG_OK) {
        describe(code, endpoint, http_status, body_status, message, err);
        json_decref(root);
        return code;
    }
    *json = root;
    return CG_OK;
}

enum cg_err cg_cip_classify(enum cg_cip_endpoint endpoint,
                            const struct cg_cip_transfer *transfer,
                            CURLcode result, json_t **json,
                            struct cg_error *err)
{
    long http_status = 0;

    if (transfer->too_large) {
        *json = NULL;
        return cg_error_set(err, CG_ERR_TOO_LARGE,
                            "Criminal IP %s: the response exceeds %u bytes",
                            cg_cip_endpoint_name(endpoint), CG_CIP_MAX_BODY);
    }
    curl_easy_getinfo(transfer->easy, CURLINFO_RESPONSE_CODE, &http_status);
    return cg_cip_classify_raw(endpoint, http_status, result,
                               transfer->curl_error, transfer->body.data,
                               transfer->body.len, json, err);
}
