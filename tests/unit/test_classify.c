/*
 * Classification of Criminal IP answers into distinct errors, from HTTP
 * statuses, body statuses and the attested error messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <string.h>

#include "core/log.h"
#include "criminalip/client.h"

struct classify_case {
    enum cg_cip_endpoint endpoint;
    long http_status;
    CURLcode result;
    const char *body;
    enum cg_err expected;
};

static const struct classify_case cases[] = {
    {CG_CIP_IP_REPORT, 200, CURLE_OK, "{\"ip\":\"1.1.1.1\",\"status\":200}",
     CG_OK},
    {CG_CIP_IP_REPORT, 200, CURLE_OK,
     "{\"status\":401,\"message\":\"invalid api key\"}", CG_ERR_API_KEY},
    {CG_CIP_IP_REPORT, 401, CURLE_OK,
     "{\"status\":401,\"message\":\"invalid api key\"}", CG_ERR_API_KEY},
    {CG_CIP_IP_REPORT, 401, CURLE_OK, "", CG_ERR_API_KEY},
    {CG_CIP_IP_REPORT, 200, CURLE_OK,
     "{\"status\":403,\"message\":\"limit exceeded\"}", CG_ERR_API_LIMIT},
    {CG_CIP_IP_REPORT, 403, CURLE_OK, "not json", CG_ERR_API_LIMIT},
    {CG_CIP_IP_REPORT, 200, CURLE_OK,
     "{\"status\":429,\"message\":\"unable to call api at the same time\"}",
     CG_ERR_API_BUSY},
    {CG_CIP_IP_REPORT, 200, CURLE_OK,
     "{\"status\":\"500\",\"message\":\"server\"}", CG_ERR_API_SERVER},
    {CG_CIP_IP_REPORT, 429, CURLE_OK, "", CG_ERR_API_RATE},
    {CG_CIP_IP_REPORT, 502, CURLE_OK, "<html>bad gateway</html>",
     CG_ERR_API_SERVER},
    {CG_CIP_IP_REPORT, 200, CURLE_OK,
     "{\"status\":400,\"message\":\"Invalid IP Address.\"}", CG_ERR_API_INPUT},
    {CG_CIP_IP_REPORT, 404, CURLE_OK, "{\"status\":404}", CG_ERR_API_NO_DATA},
    {CG_CIP_IP_REPORT, 0, CURLE_OPERATION_TIMEDOUT, "", CG_ERR_TIMEOUT},
    {CG_CIP_IP_REPORT, 0, CURLE_COULDNT_CONNECT, "", CG_ERR_NET},
    {CG_CIP_IP_REPORT, 200, CURLE_OK, "[1,2]", CG_ERR_API_PROTOCOL},
    {CG_CIP_IP_REPORT, 200, CURLE_OK, "", CG_ERR_API_PROTOCOL},
    {CG_CIP_DOMAIN_SCAN, 200, CURLE_OK,
     "{\"status\":400,\"message\":\"We are still scanning for your previous "
     "request. Please wait.\"}",
     CG_ERR_SCAN_BUSY},
    {CG_CIP_DOMAIN_SCAN, 200, CURLE_OK,
     "{\"status\":200,\"message\":\"api success\",\"data\":{\"scan_id\":1}}",
     CG_OK},
    {CG_CIP_DOMAIN_REPORT, 200, CURLE_OK,
     "{\"status\":200,\"message\":\"api success\",\"data\":{}}",
     CG_ERR_API_NO_DATA},
    {CG_CIP_DOMAIN_REPORT, 200, CURLE_OK,
     "{\"status\":200,\"message\":\"api success\",\"data\":null}",
     CG_ERR_API_NO_DATA},
    {CG_CIP_DOMAIN_STATUS, 200, CURLE_OK,
     "{\"status\":200,\"data\":{\"scan_percentage\":-2}}", CG_OK},
};

static void test_classify_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < CG_ARRAY_LEN(cases); i++) {
        const struct classify_case *c = &cases[i];
        struct cg_error err;
        json_t *json = NULL;
        enum cg_err rc;

        cg_error_clear(&err);
        rc = cg_cip_classify_raw(c->endpoint, c->http_status, c->result, "",
                                 c->body, strlen(c->body), &json, &err);
        if (rc != c->expected)
            fail_msg("case %zu (%s): got %s, expected %s: %s", i, c->body,
                     cg_err_name(rc), cg_err_name(c->expected),
                     cg_error_text(&err));
        assert_true((rc == CG_OK) == (json != NULL));
        json_decref(json);
    }
}

static void test_classify_message_redacts_key(void **state)
{
    struct cg_error err;
    json_t *json = NULL;
    const char *body =
        "{\"status\":401,\"message\":\"invalid api key sk-test-0123456789\"}";

    (void)state;
    cg_log_add_secret("sk-test-0123456789");
    assert_int_equal(cg_cip_classify_raw(CG_CIP_IP_REPORT, 401, CURLE_OK, "",
                                         body, strlen(body), &json, &err),
                     CG_ERR_API_KEY);
    assert_null(strstr(err.msg, "sk-test-0123456789"));
    assert_non_null(strstr(err.msg, "[REDACTED]"));
    cg_log_clear_secrets();
}

static void test_classify_names_parse_error(void **state)
{
    const char body[] = "{\"status\": 200, \"a\": 1, \"a\": 2}";
    struct cg_error err;
    json_t *json = NULL;

    (void)state;
    assert_int_equal(cg_cip_classify_raw(CG_CIP_IP_REPORT, 200, CURLE_OK, "",
                                         body, strlen(body), &json, &err),
                     CG_ERR_API_PROTOCOL);
    assert_null(json);
    assert_non_null(strstr(err.msg, "the body is not JSON"));
    assert_non_null(strstr(err.msg, "duplicate object key"));
}

static void test_request_encodes_value(void **state)
{
    struct cg_cip_config cfg = {.api_key = (char *)"k",
                                .base_url = (char *)"http://h"};
    struct cg_cip_request req;

    (void)state;
    assert_int_equal(cg_cip_request_init(&req, &cfg, CG_CIP_DOMAIN_REPORTS,
                                         "http://a.com/x?y=1&z=' ", NULL),
                     CG_OK);
    assert_string_equal(req.url,
                        "http://h/v1/domain/reports?query=http%3A%2F%2F"
                        "a.com%2Fx%3Fy%3D1%26z%3D%27%20&offset=0");
    assert_null(req.form);
    cg_cip_request_release(&req);

    assert_int_equal(
        cg_cip_request_init(&req, &cfg, CG_CIP_DOMAIN_SCAN, "evil.com", NULL),
        CG_OK);
    assert_string_equal(req.url, "http://h/v1/domain/scan");
    assert_string_equal(req.form, "query=evil.com");
    cg_cip_request_release(&req);

    assert_int_equal(
        cg_cip_request_init(&req, &cfg, CG_CIP_DOMAIN_STATUS, "42", NULL),
        CG_OK);
    assert_string_equal(req.url, "http://h/v1/domain/status/42");
    cg_cip_request_release(&req);
}

static void test_backoff_bounds(void **state)
{
    (void)state;
    for (int attempt = 0; attempt < 20; attempt++) {
        long delay = cg_cip_backoff_ms(attempt, 100, 5000);
        long cap = 100L << (attempt < 6 ? attempt : 6);

        if (cap > 5000)
            cap = 5000;
        assert_true(delay >= cap / 2);
        assert_true(delay <= cap);
    }
}

static void test_retryable_set(void **state)
{
    (void)state;
    assert_true(cg_cip_is_retryable(CG_ERR_API_BUSY));
    assert_true(cg_cip_is_retryable(CG_ERR_API_RATE));
    assert_true(cg_cip_is_retryable(CG_ERR_API_SERVER));
    assert_true(cg_cip_is_retryable(CG_ERR_TIMEOUT));
    assert_false(cg_cip_is_retryable(CG_ERR_API_KEY));
    assert_false(cg_cip_is_retryable(CG_ERR_API_LIMIT));
    assert_false(cg_cip_is_retryable(CG_ERR_API_INPUT));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify_table),
        cmocka_unit_test(test_classify_message_redacts_key),
        cmocka_unit_test(test_classify_names_parse_error),
        cmocka_unit_test(test_request_encodes_value),
        cmocka_unit_test(test_backoff_bounds),
        cmocka_unit_test(test_retryable_set),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
