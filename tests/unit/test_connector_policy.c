/*
 * The checks made before any Criminal IP call: the TLP 2.0 ladder against
 * the maximum, markings read from marking-definition objects or from
 * GraphQL, unknown TLP markings, and the entity type against the scope.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <string.h>

#include "opencti/policy.h"

#define GREEN_ID  "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
#define RED_ID    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"
#define PAP_ID    "marking-definition--0a0b0c0d-0000-4000-8000-00000000aaaa"
#define CUSTOM_ID "marking-definition--0a0b0c0d-0000-4000-8000-00000000bbbb"

static json_t *load(const char *text)
{
    json_error_t error;
    json_t *value = json_loads(text, 0, &error);

    assert_non_null(value);
    return value;
}

static void test_tlp_ladder(void **state)
{
    (void)state;
    /* pycti's check_max_tlp: a level passes when it is at most the max. */
    assert_true(cg_policy_tlp_allowed(CG_TLP_CLEAR, CG_TLP_CLEAR));
    assert_false(cg_policy_tlp_allowed(CG_TLP_GREEN, CG_TLP_CLEAR));
    assert_true(cg_policy_tlp_allowed(CG_TLP_AMBER, CG_TLP_AMBER));
    assert_false(cg_policy_tlp_allowed(CG_TLP_AMBER_STRICT, CG_TLP_AMBER));
    assert_true(
        cg_policy_tlp_allowed(CG_TLP_AMBER_STRICT, CG_TLP_AMBER_STRICT));
    assert_false(cg_policy_tlp_allowed(CG_TLP_RED, CG_TLP_AMBER_STRICT));
    assert_true(cg_policy_tlp_allowed(CG_TLP_RED, CG_TLP_RED));
}

static void test_marking_kinds(void **state)
{
    bool is_tlp = false;
    enum cg_tlp level = CG_TLP_CLEAR;
    struct cg_error err;

    (void)state;
    assert_int_equal(
        cg_policy_marking_tlp(RED_ID, NULL, NULL, &is_tlp, &level, &err),
        CG_OK);
    assert_true(is_tlp);
    assert_int_equal(level, CG_TLP_RED);
    assert_int_equal(cg_policy_marking_tlp(CUSTOM_ID, "TLP", "TLP:WHITE",
                                           &is_tlp, &level, &err),
                     CG_OK);
    assert_int_equal(level, CG_TLP_CLEAR);
    assert_int_equal(
        cg_policy_marking_tlp(PAP_ID, "PAP", "PAP:RED", &is_tlp, &level, &err),
        CG_OK);
    assert_false(is_tlp);
    assert_int_equal(cg_policy_marking_tlp(CUSTOM_ID, "TLP", "TLP:EX:CHEMICAL",
                                           &is_tlp, &level, &err),
                     CG_ERR_TLP);
    assert_non_null(strstr(err.msg, "TLP:EX:CHEMICAL"));
    assert_int_equal(cg_policy_marking_tlp(CUSTOM_ID, "statement", "TLP:RED",
                                           &is_tlp, &level, &err),
                     CG_OK);
    assert_int_equal(level, CG_TLP_RED);
    assert_int_equal(
        cg_policy_marking_tlp(CUSTOM_ID, NULL, NULL, &is_tlp, &level, &err),
        CG_ERR_NOT_FOUND);
}

static void test_stix_tlp(void **state)
{
    json_t *entity =
        load("{\"type\":\"ipv4-addr\",\"object_marking_refs\":["
             "\"" GREEN_ID "\",\"" PAP_ID "\",\"" CUSTOM_ID "\"]}");
    json_t *objects = load(
        "[{\"type\":\"marking-definition\",\"id\":\"" PAP_ID
        "\",\"definition_type\":\"PAP\",\"name\":\"PAP:CLEAR\"},"
        "{\"type\":\"marking-definition\",\"id\":\"" CUSTOM_ID
        "\",\"definition_type\":\"tlp\",\"definition\":{\"tlp\":\"amber\"}}]");
    json_t *bare = load("{\"type\":\"ipv4-addr\"}");
    enum cg_tlp tlp;
    bool unresolved = true;
    struct cg_error err;

    (void)state;
    assert_int_equal(
        cg_policy_stix_tlp(entity, objects, &tlp, &unresolved, &err), CG_OK);
    assert_int_equal(tlp, CG_TLP_AMBER);
    assert_false(unresolved);
    /* Without the definitions, two markings cannot be classified. */
    assert_int_equal(cg_policy_stix_tlp(entity, NULL, &tlp, &unresolved, &err),
                     CG_OK);
    assert_true(unresolved);
    assert_int_equal(tlp, CG_TLP_GREEN);
    /* No marking at all counts as TLP:CLEAR. */
    assert_int_equal(cg_policy_stix_tlp(bare, NULL, &tlp, &unresolved, &err),
                     CG_OK);
    assert_int_equal(tlp, CG_TLP_CLEAR);
    assert_false(unresolved);
    json_decref(entity);
    json_decref(objects);
    json_decref(bare);
}

static void test_graphql_tlp(void **state)
{
    json_t *markings = load(
        "[{\"standard_id\":\"" PAP_ID "\",\"definition_type\":\"PAP\","
        "\"definition\":\"PAP:RED\"},{\"standard_id\":\"x\","
        "\"definition_type\":\"TLP\",\"definition\":\"TLP:AMBER+STRICT\"}]");
    json_t *unknown = load("[{\"standard_id\":\"y\",\"definition_type\":"
                           "\"TLP\",\"definition\":\"TLP:ORANGE\"}]");
    enum cg_tlp tlp;
    struct cg_error err;

    (void)state;
    assert_int_equal(cg_policy_graphql_tlp(markings, &tlp, &err), CG_OK);
    assert_int_equal(tlp, CG_TLP_AMBER_STRICT);
    assert_int_equal(cg_policy_graphql_tlp(unknown, &tlp, &err), CG_ERR_TLP);
    assert_int_equal(cg_policy_graphql_tlp(NULL, &tlp, &err), CG_OK);
    assert_int_equal(tlp, CG_TLP_CLEAR);
    json_decref(markings);
    json_decref(unknown);
}

static void test_entity_scope(void **state)
{
    json_t *url = load("{\"type\":\"url\"}");
    json_t *ext = load("{\"type\":\"domain-name\",\"extensions\":{"
                       "\"extension-definition--ea279b3e-5c71-4632-ac08-"
                       "831c66a786ba\":{\"type\":\"Domain-Name\"}}}");
    json_t *email = load("{\"type\":\"email-addr\"}");
    char name[64];

    (void)state;
    assert_int_equal(
        cg_policy_entity_scope("IPv6-Addr", NULL, name, sizeof(name)),
        CG_SCOPE_IPV6);
    assert_int_equal(cg_policy_entity_scope(NULL, url, name, sizeof(name)),
                     CG_SCOPE_URL);
    assert_int_equal(cg_policy_entity_scope(NULL, ext, name, sizeof(name)),
                     CG_SCOPE_DOMAIN);
    assert_string_equal(name, "Domain-Name");
    assert_int_equal(cg_policy_entity_scope(NULL, email, name, sizeof(name)),
                     0);
    assert_string_equal(name, "email-addr");
    assert_int_equal(
        cg_policy_entity_scope("Hostname", url, name, sizeof(name)), 0);
    assert_string_equal(cg_policy_stix_type(CG_SCOPE_IPV4), "ipv4-addr");
    json_decref(url);
    json_decref(ext);
    json_decref(email);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tlp_ladder),
        cmocka_unit_test(test_marking_kinds),
        cmocka_unit_test(test_stix_tlp),
        cmocka_unit_test(test_graphql_tlp),
        cmocka_unit_test(test_entity_scope),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
