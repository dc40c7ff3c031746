/*
 * Deterministic id vectors from pycti's test suite and OpenCTI's id rules,
 * plus canonical JSON edge cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "stix/id.h"

static void assert_id_of(const char *json_text, const char *type,
                         const char *expected)
{
    json_error_t error;
    json_t *props = json_loads(json_text, 0, &error);
    char id[CG_STIX_ID_SIZE];

    assert_non_null(props);
    assert_int_equal(cg_stix_id(type, props, id), CG_OK);
    assert_string_equal(id, expected);
    json_decref(props);
}

static void test_id_pycti_vectors(void **state)
{
    (void)state;
    assert_id_of("{\"name\":\"vulnerability\"}", "vulnerability",
                 "vulnerability--2c690168-aec3-57f1-8295-adf53f4dc3da");
    assert_id_of("{\"relationship_type\":\"based-on\",\"source_ref\":"
                 "\"from_id\",\"target_ref\":\"to_id\"}",
                 "relationship",
                 "relationship--0b11fa67-da01-5d34-9864-67d4d71c3740");
    assert_id_of("{\"relationship_type\":\"based-on\",\"source_ref\":"
                 "\"from_id\",\"target_ref\":\"to_id\",\"start_time\":"
                 "\"2022-11-25T19:00:05.000Z\"}",
                 "relationship",
                 "relationship--c5e1e2ce-14d6-535b-911d-267e92119e01");
    assert_id_of("{\"name\":\"lyon\",\"x_opencti_location_type\":\"City\"}",
                 "location", "location--da430873-42c8-57ca-b08b-a797558c6cbd");
    assert_id_of("{\"identity_class\":\"individual\",\"name\":\"julien\"}",
                 "identity", "identity--d969b177-497f-598d-8428-b128c8f5f819");
    assert_id_of("{\"name\":\"malware\"}", "malware",
                 "malware--92ddf766-b27c-5159-8f46-27002bba2f04");
    assert_id_of("{\"content\":\"My note content!\"}", "note",
                 "note--2b4ab5af-2307-58e1-8862-a6a269aae798");
    assert_id_of("{\"content\":\"My note content!\",\"created\":"
                 "\"2022-11-25T19:00:05.000Z\"}",
                 "note", "note--10861e5c-049e-54f6-9736-81c106e39a0b");
    assert_id_of("{\"x_mitre_id\":\"T1368\"}", "attack-pattern",
                 "attack-pattern--a01046cc-192f-5d52-8e75-6e447fae3890");
    assert_id_of("{\"name\":\"attack\"}", "attack-pattern",
                 "attack-pattern--25f21617-8de8-5d5e-8cd4-b7e88547ba76");
}

static void test_id_helpers(void **state)
{
    char id[CG_STIX_ID_SIZE];

    (void)state;
    assert_int_equal(cg_stix_id_value("ipv4-addr", "8.8.8.8", id), CG_OK);
    assert_string_equal(id, "ipv4-addr--2f689bf9-0ff2-545f-aa61-e495eb8cecc7");
    assert_int_equal(cg_stix_id_value("domain-name", "example.com", id), CG_OK);
    assert_string_equal(id,
                        "domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7");
    assert_int_equal(cg_stix_id_asn(15169, id), CG_OK);
    assert_string_equal(
        id, "autonomous-system--7afc7bdf-d070-5add-90ff-f93503b1654d");
    assert_int_equal(cg_stix_id_indicator("[ipv4-addr:value = '8.8.8.8']", id),
                     CG_OK);
    assert_string_equal(id, "indicator--7ad3d74b-c761-522d-9359-5e7565a3abb4");
    assert_int_equal(cg_stix_id_location("United States", "Country", id),
                     CG_OK);
    assert_string_equal(id, "location--be4ee2db-ecdd-5acf-a5e1-ce03ef2ec91d");
    assert_int_equal(cg_stix_id_named("vulnerability", "CVE-2021-44228", id),
                     CG_OK);
    assert_string_equal(id,
                        "vulnerability--693c68fd-9a33-5d6d-b44e-407b6a48b05b");
    assert_int_equal(cg_stix_id_identity("Shodan", "organization", id), CG_OK);
    assert_string_equal(id, "identity--c60aa681-367c-53c1-9410-866ce8ebc1b7");
}

static void test_id_indicator_keeps_case(void **state)
{
    char upper[CG_STIX_ID_SIZE];
    char lower[CG_STIX_ID_SIZE];
    char padded[CG_STIX_ID_SIZE];

    (void)state;
    assert_int_equal(cg_stix_id_indicator("[url:value = 'http://a/B']", upper),
                     CG_OK);
    assert_int_equal(cg_stix_id_indicator("[url:value = 'http://a/b']", lower),
                     CG_OK);
    assert_int_equal(
        cg_stix_id_indicator("  [url:value = 'http://a/B'] \n", padded), CG_OK);
    assert_string_not_equal(upper, lower);
    assert_string_equal(upper, padded);
}

static void test_canonical_escapes(void **state)
{
    struct cg_buf out = CG_BUF_INIT;
    json_t *v = json_pack("{s:s, s:s, s:i}", "b", "tab\there \"q\" \\ \x01",
                          "a", "caf\xc3\xa9", "n", 42);

    (void)state;
    assert_non_null(v);
    assert_int_equal(cg_json_canonical(v, &out), CG_OK);
    assert_string_equal(cg_buf_str(&out),
                        "{\"a\":\"caf\xc3\xa9\",\"b\":\"tab\\there \\\"q\\\" "
                        "\\\\ \\u0001\",\"n\":42}");
    json_decref(v);
    cg_buf_release(&out);
}

static void test_name_key_python_rules(void **state)
{
    static const char *const cases[][2] = {
        /* U+0130 lowers to "i" and U+0307, as in Python. */
        {"\xc4\xb0stanbul", "i\xcc\x87stanbul"},
        /* Final sigma: word-final U+03A3 becomes U+03C2. */
        {"\xce\x9f\xce\xa3 \xce\xa3\xce\x91",
         "\xce\xbf\xcf\x82 \xcf\x83\xce\xb1"},
        /* Latin Extended-B and a no-break space to strip. */
        {"\xc2\xa0\xc6\xa0", "\xc6\xa1"},
        /* Deseret, outside the Basic Multilingual Plane. */
        {"\xf0\x90\x90\x80", "\xf0\x90\x90\xa8"},
    };

    (void)state;
    for (size_t i = 0; i < CG_ARRAY_LEN(cases); i++) {
        char *key = cg_stix_name_key(cases[i][0]);

        assert_non_null(key);
        assert_string_equal(key, cases[i][1]);
        free(key);
    }
}

static void test_name_key_unicode(void **state)
{
    char *key =
        cg_stix_name_key("  S\xc3\x83O PAULO \xd0\x9c\xd0\x9e\xd0\xa1 ");

    (void)state;
    assert_non_null(key);
    assert_string_equal(key, "s\xc3\xa3o paulo \xd0\xbc\xd0\xbe\xd1\x81");
    free(key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_id_pycti_vectors),
        cmocka_unit_test(test_id_helpers),
        cmocka_unit_test(test_id_indicator_keeps_case),
        cmocka_unit_test(test_canonical_escapes),
        cmocka_unit_test(test_name_key_unicode),
        cmocka_unit_test(test_name_key_python_rules),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
