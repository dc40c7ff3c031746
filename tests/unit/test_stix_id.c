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

/* The id cg_stix_id_of gives the object in json_text, or "" when no rule
 * gives it one. */
static const char *deterministic_id(const char *json_text)
{
    static char id[CG_STIX_ID_SIZE];
    json_error_t error;
    json_t *obj = json_loads(json_text, 0, &error);
    bool found = true;

    assert_non_null(obj);
    assert_int_equal(cg_stix_id_of(obj, id, &found), CG_OK);
    json_decref(obj);
    return found ? id : "";
}

/* Expected ids computed with Python's uuid.uuid5 over the canonical JSON
 * that python-stix2 builds for each object. */
static void test_id_observables(void **state)
{
    (void)state;
    assert_string_equal(
        deterministic_id("{\"type\":\"ipv4-addr\",\"value\":\"8.8.8.8\","
                         "\"x_opencti_score\":50}"),
        "ipv4-addr--2f689bf9-0ff2-545f-aa61-e495eb8cecc7");
    assert_string_equal(
        deterministic_id(
            "{\"type\":\"domain-name\",\"value\":\"example.com\"}"),
        "domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7");
    assert_string_equal(
        deterministic_id("{\"type\":\"autonomous-system\",\"number\":15169,"
                         "\"name\":\"GOOGLE\"}"),
        "autonomous-system--7afc7bdf-d070-5add-90ff-f93503b1654d");
    assert_string_equal(
        deterministic_id(
            "{\"type\":\"email-addr\",\"value\":\"a@example.com\"}"),
        "email-addr--8f5f7fba-cc24-5e3f-aca4-f7194112e042");
    assert_string_equal(
        deterministic_id("{\"type\":\"software\",\"name\":\"nginx\","
                         "\"version\":\"1.2\",\"swid\":\"s\"}"),
        "software--d301e640-8bad-5c56-9aef-983aa61e9256");
    assert_string_equal(
        deterministic_id("{\"type\":\"network-traffic\",\"dst_ref\":"
                         "\"ipv4-addr--2f689bf9-0ff2-545f-aa61-e495eb8cecc7\","
                         "\"dst_port\":443,\"protocols\":[\"tcp\"]}"),
        "network-traffic--4111f943-1112-5d14-a040-12976ccf7c02");
}

/* A file keeps one hash: MD5, SHA-1, SHA-256 or SHA-512 in that order,
 * else the first in document order. A certificate without hashes or a
 * serial number falls back to its subject. */
static void test_id_observable_hashes(void **state)
{
    (void)state;
    assert_string_equal(
        deterministic_id(
            "{\"type\":\"file\",\"name\":\"a.exe\",\"hashes\":"
            "{\"SHA-256\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e"
            "4649b934ca495991b7852b855\",\"MD5\":"
            "\"d41d8cd98f00b204e9800998ecf8427e\"}}"),
        "file--7e567502-8994-53ff-9c69-79240cae362d");
    assert_string_equal(
        deterministic_id("{\"type\":\"file\",\"hashes\":{\"x-custom\":"
                         "\"ffff\",\"SHA-256\":\"e3b0c44298fc1c149afbf4c8996fb9"
                         "2427ae41e4649b934ca495991b7852b855\"}}"),
        "file--22f8ff52-8f62-5f03-a53a-6f50f54fd74c");
    assert_string_equal(
        deterministic_id("{\"type\":\"file\",\"hashes\":{\"x-custom\":"
                         "\"abcd\",\"y-custom\":\"ffff\"}}"),
        "file--b3a3fe18-dbe5-555d-9f05-9e94d8bb32d2");
    assert_string_equal(
        deterministic_id("{\"type\":\"x509-certificate\",\"subject\":"
                         "\"CN=example\"}"),
        "x509-certificate--6b477ff5-1f52-5fe1-99c0-a5b6d9f74714");
    assert_string_equal(
        deterministic_id("{\"type\":\"x509-certificate\",\"subject\":"
                         "\"CN=example\",\"serial_number\":\"01\",\"hashes\":"
                         "{\"SHA-1\":\"aa\"}}"),
        "x509-certificate--efff5e51-a345-54ef-a6b7-ab1a1c156bb1");
}

/* The pycti vectors above, reached from whole objects. */
static void test_id_domain_objects(void **state)
{
    (void)state;
    assert_string_equal(deterministic_id("{\"type\":\"vulnerability\",\"name\":"
                                         "\" CVE-2021-44228 \"}"),
                        "vulnerability--693c68fd-9a33-5d6d-b44e-407b6a48b05b");
    assert_string_equal(
        deterministic_id("{\"type\":\"identity\",\"name\":\"Shodan\"}"),
        "identity--c60aa681-367c-53c1-9410-866ce8ebc1b7");
    assert_string_equal(
        deterministic_id("{\"type\":\"identity\",\"name\":\"Julien\","
                         "\"identity_class\":\"Individual\"}"),
        "identity--d969b177-497f-598d-8428-b128c8f5f819");
    assert_string_equal(
        deterministic_id("{\"type\":\"location\",\"name\":\"United States\","
                         "\"x_opencti_location_type\":\"Country\"}"),
        "location--be4ee2db-ecdd-5acf-a5e1-ce03ef2ec91d");
    assert_string_equal(
        deterministic_id("{\"type\":\"indicator\",\"pattern\":"
                         "\" [ipv4-addr:value = '8.8.8.8'] \"}"),
        "indicator--7ad3d74b-c761-522d-9359-5e7565a3abb4");
    assert_string_equal(
        deterministic_id("{\"type\":\"attack-pattern\",\"name\":\"x\","
                         "\"x_mitre_id\":\" T1368\"}"),
        "attack-pattern--a01046cc-192f-5d52-8e75-6e447fae3890");
    assert_string_equal(
        deterministic_id("{\"type\":\"malware\",\"name\":\"Malware\"}"),
        "malware--92ddf766-b27c-5159-8f46-27002bba2f04");
}

/* A stop_time counts only with a start_time. */
static void test_id_relationship_objects(void **state)
{
    (void)state;
    assert_string_equal(
        deterministic_id("{\"type\":\"relationship\",\"relationship_type\":"
                         "\"based-on\",\"source_ref\":\"from_id\","
                         "\"target_ref\":\"to_id\",\"stop_time\":"
                         "\"2023-01-01T00:00:00.000Z\"}"),
        "relationship--0b11fa67-da01-5d34-9864-67d4d71c3740");
    assert_string_equal(
        deterministic_id("{\"type\":\"relationship\",\"relationship_type\":"
                         "\"based-on\",\"source_ref\":\"from_id\","
                         "\"target_ref\":\"to_id\",\"start_time\":"
                         "\"2022-11-25T19:00:05.000Z\"}"),
        "relationship--c5e1e2ce-14d6-535b-911d-267e92119e01");
}

static void test_id_without_rule(void **state)
{
    (void)state;
    assert_string_equal(deterministic_id("{\"type\":\"process\",\"pid\":1}"),
                        "");
    assert_string_equal(deterministic_id("{\"type\":\"file\",\"size\":10}"),
                        "");
    assert_string_equal(deterministic_id("{\"type\":\"file\",\"hashes\":{}}"),
                        "");
    assert_string_equal(
        deterministic_id("{\"type\":\"malware\",\"is_family\":false}"), "");
    assert_string_equal(
        deterministic_id("{\"type\":\"location\",\"name\":\"Lyon\"}"), "");
    assert_string_equal(
        deterministic_id("{\"type\":\"report\",\"name\":\"r\"}"), "");
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
        cmocka_unit_test(test_id_observables),
        cmocka_unit_test(test_id_observable_hashes),
        cmocka_unit_test(test_id_domain_objects),
        cmocka_unit_test(test_id_relationship_objects),
        cmocka_unit_test(test_id_without_rule),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
