/*
 * The STIX builders, the merge rule, the bundle's reference closure and
 * OpenCTI's relationship rules, and pattern escaping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <string.h>

#include "stix/bundle.h"
#include "stix/merge.h"
#include "stix/object.h"
#include "stix/pattern.h"

static struct cg_stix_ctx ctx;

static int setup(void **state)
{
    (void)state;
    return cg_stix_ctx_init(&ctx, CG_TLP_AMBER, 1700000000) == CG_OK ? 0 : -1;
}

static void test_pattern_round_trip(void **state)
{
    static const char *const values[] = {
        "plain",          "eat at joe's", "back\\slash",
        "both \\' mixed", "')",           "http://x/?a='1'&b=\\\\"};

    (void)state;
    for (size_t i = 0; i < CG_ARRAY_LEN(values); i++) {
        struct cg_buf escaped = CG_BUF_INIT;
        struct cg_buf back = CG_BUF_INIT;

        assert_int_equal(cg_pattern_escape(values[i], &escaped), CG_OK);
        assert_int_equal(cg_pattern_unescape(cg_buf_str(&escaped), &back),
                         CG_OK);
        assert_string_equal(cg_buf_str(&back), values[i]);
        cg_buf_release(&escaped);
        cg_buf_release(&back);
    }
}

static void test_pattern_for_url(void **state)
{
    struct cg_buf out = CG_BUF_INIT;
    struct cg_buf bad = CG_BUF_INIT;

    (void)state;
    assert_int_equal(cg_pattern_for_value("url", "http://a/b')", &out), CG_OK);
    assert_string_equal(cg_buf_str(&out), "[url:value = 'http://a/b\\')']");
    assert_int_equal(cg_pattern_unescape("dangling\\", &bad), CG_ERR_INVALID);
    cg_buf_release(&out);
    cg_buf_release(&bad);
}

static void test_tlp_parse(void **state)
{
    enum cg_tlp tlp;

    (void)state;
    assert_true(cg_tlp_parse("TLP:WHITE", &tlp));
    assert_int_equal(tlp, CG_TLP_CLEAR);
    assert_true(cg_tlp_parse("tlp:amber+strict", &tlp));
    assert_int_equal(tlp, CG_TLP_AMBER_STRICT);
    assert_false(cg_tlp_parse("WHITE", &tlp));
    assert_false(cg_tlp_parse("TLP:BLUE", &tlp));
    assert_true(cg_tlp_from_marking_id(
        "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", &tlp));
    assert_int_equal(tlp, CG_TLP_RED);
}

static void test_merge_rules(void **state)
{
    json_t *a = cg_stix_observable(&ctx, "ipv4-addr", "198.51.100.7");
    json_t *b = cg_stix_observable(&ctx, "ipv4-addr", "198.51.100.7");

    (void)state;
    assert_int_equal(cg_stix_add_label(a, "vpn"), CG_OK);
    assert_int_equal(cg_stix_set_score(a, 40), CG_OK);
    assert_int_equal(cg_stix_add_label(b, "tor"), CG_OK);
    assert_int_equal(cg_stix_add_label(b, "vpn"), CG_OK);
    assert_int_equal(cg_stix_set_score(b, 90), CG_OK);
    assert_int_equal(cg_stix_add_external_ref(b, "Criminal IP", "https://x",
                                              "198.51.100.7", NULL),
                     CG_OK);
    assert_int_equal(cg_stix_merge(a, b, true), CG_OK);
    assert_int_equal(json_array_size(json_object_get(a, "x_opencti_labels")),
                     2);
    assert_int_equal(json_integer_value(json_object_get(a, "x_opencti_score")),
                     90);
    assert_int_equal(
        json_array_size(json_object_get(a, "x_opencti_external_references")),
        1);
    assert_int_equal(cg_stix_merge(a, b, true), CG_OK);
    assert_int_equal(
        json_array_size(json_object_get(a, "x_opencti_external_references")),
        1);
    json_decref(a);
    json_decref(b);
}

static void test_merge_keeps_older_score(void **state)
{
    json_t *a = cg_stix_vulnerability(&ctx, "cve-2021-44228");
    json_t *b = json_deep_copy(a);

    (void)state;
    json_object_set_new(a, "modified", json_string("2025-01-01T00:00:00.000Z"));
    json_object_set_new(a, "created", json_string("2025-01-01T00:00:00.000Z"));
    json_object_set_new(a, "x_opencti_score", json_integer(10));
    json_object_set_new(b, "modified", json_string("2024-01-01T00:00:00.000Z"));
    json_object_set_new(b, "created", json_string("2023-01-01T00:00:00.000Z"));
    json_object_set_new(b, "x_opencti_score", json_integer(99));
    assert_int_equal(cg_stix_merge(a, b, false), CG_OK);
    assert_int_equal(json_integer_value(json_object_get(a, "x_opencti_score")),
                     10);
    assert_string_equal(json_string_value(json_object_get(a, "created")),
                        "2023-01-01T00:00:00.000Z");
    assert_string_equal(json_string_value(json_object_get(a, "modified")),
                        "2025-01-01T00:00:00.000Z");
    assert_string_equal(json_string_value(json_object_get(a, "name")),
                        "CVE-2021-44228");
    json_decref(a);
    json_decref(b);
}

static void test_bundle_prunes_dangling(void **state)
{
    struct cg_bundle bundle;
    json_t *ip = cg_stix_observable(&ctx, "ipv4-addr", "198.51.100.7");
    json_t *as = cg_stix_autonomous_system(&ctx, 64500, "EXAMPLE");
    char ip_id[CG_STIX_ID_SIZE];
    char as_id[CG_STIX_ID_SIZE];

    (void)state;
    strcpy(ip_id, cg_stix_get_id(ip));
    strcpy(as_id, cg_stix_get_id(as));
    cg_bundle_init(&bundle);
    assert_non_null(cg_bundle_add(&bundle, ip));
    assert_non_null(cg_bundle_add(&bundle, as));
    /* Allowed, dangling, and a type OpenCTI rejects. */
    assert_non_null(cg_bundle_add(
        &bundle, cg_stix_relationship(&ctx, "belongs-to", ip_id, as_id)));
    assert_non_null(cg_bundle_add(
        &bundle, cg_stix_relationship(&ctx, "related-to", ip_id,
                                      "ipv4-addr--00000000-0000-5000-8000-"
                                      "000000000000")));
    assert_non_null(cg_bundle_add(
        &bundle, cg_stix_relationship(&ctx, "belongs-to", as_id, ip_id)));
    assert_int_equal(cg_bundle_size(&bundle), 5);
    assert_int_equal(cg_bundle_prune(&bundle), 2);
    assert_int_equal(cg_bundle_size(&bundle), 3);
    cg_bundle_release(&bundle);
}

static void test_bundle_merges_same_id(void **state)
{
    struct cg_bundle bundle;
    json_t *a = cg_stix_observable(&ctx, "domain-name", "example.com");
    json_t *b = cg_stix_observable(&ctx, "domain-name", "example.com");
    json_t *held;

    (void)state;
    assert_int_equal(cg_stix_add_label(b, "phishing"), CG_OK);
    cg_bundle_init(&bundle);
    assert_non_null(cg_bundle_add(&bundle, a));
    held = cg_bundle_add(&bundle, b);
    assert_non_null(held);
    assert_int_equal(cg_bundle_size(&bundle), 1);
    assert_int_equal(json_array_size(json_object_get(held, "x_opencti_labels")),
                     1);
    cg_bundle_release(&bundle);
}

static void test_relationship_rules(void **state)
{
    json_t *ip = cg_stix_observable(&ctx, "ipv4-addr", "198.51.100.7");
    json_t *domain = cg_stix_observable(&ctx, "domain-name", "example.com");
    json_t *url = cg_stix_observable(&ctx, "url", "http://example.com/");
    json_t *city = cg_stix_location(&ctx, "City", "Lyon", NULL, false, 0, 0);
    json_t *country =
        cg_stix_location(&ctx, "Country", "France", "FR", false, 0, 0);
    json_t *vuln = cg_stix_vulnerability(&ctx, "CVE-2021-44228");
    json_t *ind = cg_stix_indicator(&ctx, "[ipv4-addr:value = '198.51.100.7']",
                                    "x", "IPv4-Addr");

    (void)state;
    assert_true(cg_stix_relationship_allowed("located-at", ip, city));
    assert_true(cg_stix_relationship_allowed("located-at", city, country));
    assert_false(cg_stix_relationship_allowed("located-at", country, city));
    assert_true(cg_stix_relationship_allowed("resolves-to", domain, ip));
    assert_false(cg_stix_relationship_allowed("resolves-to", url, domain));
    assert_true(cg_stix_relationship_allowed("related-to", url, domain));
    assert_true(cg_stix_relationship_allowed("based-on", ind, ip));
    assert_true(cg_stix_relationship_allowed("indicates", ind, vuln));
    assert_false(cg_stix_relationship_allowed("indicates", ip, vuln));
    assert_false(cg_stix_relationship_allowed("communicates-with", ip, url));
    json_decref(ip);
    json_decref(domain);
    json_decref(url);
    json_decref(city);
    json_decref(country);
    json_decref(vuln);
    json_decref(ind);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pattern_round_trip),
        cmocka_unit_test(test_pattern_for_url),
        cmocka_unit_test(test_tlp_parse),
        cmocka_unit_test(test_merge_rules),
        cmocka_unit_test(test_merge_keeps_older_score),
        cmocka_unit_test(test_bundle_prunes_dangling),
        cmocka_unit_test(test_bundle_merges_same_id),
        cmocka_unit_test(test_relationship_rules),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
