/*
 * Pivots and shared attributes on the hand-built graph of
 * test_graph_fixture.h, whose expected results are known, plus the query plans
 * that keep pivots on indexes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <strings.h>

#include "graph/pivot.h"
#include "test_graph_fixture.h"

/* Runs a pivot and returns its result names in output order, joined by
 * ','. The JSON document is returned in *doc when doc is not NULL. */
static char *pivot_names(struct graph_fixture *f, const char *from,
                         unsigned vias, int depth, size_t limit, json_t **doc)
{
    struct cg_pivot_opts opts = {vias, depth, limit};
    struct cg_error err;
    json_t *out = NULL;
    char names[1024] = "";
    size_t i;
    json_t *result;

    assert_int_equal(cg_pivot_prepare(f->store, &err), CG_OK);
    assert_int_equal(cg_pivot(f->store, fixture_id(f, from), &opts, &out, &err),
                     CG_OK);
    json_array_foreach(json_object_get(out, "results"), i, result) {
        if (i)
            strcat(names, ",");
        strcat(names, json_string_value(json_object_get(result, "name")));
    }
    if (doc)
        *doc = out;
    else
        json_decref(out);
    return strdup(names);
}

#define VIA(v) (1u << CG_VIA_##v)

static void check_pivot(struct graph_fixture *f, const char *from,
                        unsigned vias, const char *expected)
{
    char *names = pivot_names(f, from, vias, 1, 100, NULL);

    assert_string_equal(names, expected);
    free(names);
}

static void test_pivot_asn(void **state)
{
    check_pivot(*state, "198.51.100.1", VIA(ASN), "198.51.100.2");
}

static void test_pivot_cve(void **state)
{
    check_pivot(*state, "198.51.100.1", VIA(CVE), "198.51.100.2");
}

static void test_pivot_country(void **state)
{
    check_pivot(*state, "198.51.100.1", VIA(COUNTRY), "203.0.113.5");
}

static void test_pivot_domain_of_ip(void **state)
{
    /* evil.example and bad.example resolve to A; bad.example also to C. */
    check_pivot(*state, "198.51.100.1", VIA(DOMAIN), "203.0.113.5");
}

static void test_pivot_ip_of_domain(void **state)
{
    check_pivot(*state, "evil.example", VIA(IP), "bad.example");
}

static void test_pivot_registrar_any_case(void **state)
{
    check_pivot(*state, "evil.example", VIA(REGISTRAR), "bad.example");
}

static void test_pivot_favicon(void **state)
{
    check_pivot(*state, "bad.example", VIA(FAVICON), "evil.example");
}

static void test_pivot_software(void **state)
{
    check_pivot(*state, "198.51.100.1", VIA(SOFTWARE), "");
}

static void test_pivot_from_attribute(void **state)
{
    /* Higher score first: A is 95, B is 40. */
    check_pivot(*state, "AS64500", CG_VIA_ALL, "198.51.100.1,198.51.100.2");
}

static void test_pivot_domain_asn_through_ip(void **state)
{
    struct graph_fixture *f = *state;
    json_t *doc = NULL;
    char *names = pivot_names(f, "evil.example", VIA(ASN), 1, 100, &doc);
    json_t *attr = json_array_get(json_object_get(doc, "attributes"), 0);

    assert_string_equal(names, "198.51.100.1,198.51.100.2");
    assert_string_equal(json_string_value(json_object_get(attr, "value")),
                        "AS64500");
    assert_string_equal(json_string_value(json_object_get(attr, "through")),
                        "198.51.100.1");
    free(names);
    json_decref(doc);
}

static void test_pivot_depth_two(void **state)
{
    struct graph_fixture *f = *state;
    json_t *doc = NULL;
    char *names = pivot_names(f, "evil.example", VIA(IP), 2, 100, &doc);
    json_t *second = json_array_get(json_object_get(doc, "results"), 1);

    assert_string_equal(names, "bad.example,third.example");
    assert_int_equal(json_integer_value(json_object_get(second, "depth")), 2);
    assert_string_equal(json_string_value(json_object_get(second, "from")),
                        "bad.example");
    free(names);
    json_decref(doc);
}

static void test_pivot_every_via_merges_shares(void **state)
{
    struct graph_fixture *f = *state;
    json_t *doc = NULL;
    char *names = pivot_names(f, "198.51.100.1", CG_VIA_ALL, 1, 100, &doc);
    json_t *b = json_array_get(json_object_get(doc, "results"), 0);

    /* B shares the AS and the CVE, C the country and bad.example, and the
     * two domains resolve to A itself. */
    assert_string_equal(names,
                        "198.51.100.2,203.0.113.5,bad.example,evil.example");
    assert_int_equal(json_array_size(json_object_get(b, "shared")), 2);
    assert_false(json_is_true(json_object_get(doc, "capped")));
    free(names);
    json_decref(doc);
}

static void test_pivot_cap_notes(void **state)
{
    struct graph_fixture *f = *state;
    json_t *doc = NULL;
    char *names = pivot_names(f, "AS64500", CG_VIA_ALL, 1, 1, &doc);

    assert_int_equal(json_array_size(json_object_get(doc, "results")), 1);
    assert_true(json_is_true(json_object_get(doc, "capped")));
    free(names);
    json_decref(doc);
}

static void test_pivot_rejects_bounds(void **state)
{
    struct graph_fixture *f = *state;
    struct cg_pivot_opts opts = {CG_VIA_ALL, CG_PIVOT_MAX_DEPTH + 1, 10};
    struct cg_error err;
    json_t *doc = NULL;

    assert_int_equal(
        cg_pivot(f->store, fixture_id(f, "198.51.100.1"), &opts, &doc, &err),
        CG_ERR_INVALID);
    assert_null(doc);
    assert_non_null(strstr(err.msg, "depth 5"));
}

static void test_via_names_round_trip(void **state)
{
    enum cg_via via;

    (void)state;
    for (int i = 0; i < CG_VIA__COUNT; i++) {
        assert_true(cg_via_parse(cg_via_name((enum cg_via)i), &via));
        assert_int_equal(via, i);
    }
    assert_false(cg_via_parse("asnumber", &via));
}

static json_t *shared_doc(struct graph_fixture *f, const char *a, const char *b)
{
    struct cg_error err;
    json_t *doc = NULL;

    assert_int_equal(cg_pivot_prepare(f->store, &err), CG_OK);
    assert_int_equal(
        cg_shared(f->store, fixture_id(f, a), fixture_id(f, b), &doc, &err),
        CG_OK);
    return doc;
}

static bool has_attribute(const json_t *doc, const char *via, const char *value)
{
    size_t i;
    json_t *attr;

    json_array_foreach(json_object_get(doc, "attributes"), i, attr) {
        if (strcmp(json_string_value(json_object_get(attr, "via")), via) == 0 &&
            strcasecmp(json_string_value(json_object_get(attr, "value")),
                       value) == 0)
            return true;
    }
    return false;
}

static void test_shared_two_addresses(void **state)
{
    json_t *doc = shared_doc(*state, "198.51.100.1", "198.51.100.2");
    json_t *neighbors = json_object_get(doc, "neighbors");
    json_t *first = json_array_get(neighbors, 0);

    assert_int_equal(json_array_size(json_object_get(doc, "direct")), 0);
    assert_int_equal(json_array_size(neighbors), 2);
    assert_string_equal(json_string_value(json_object_get(first, "name")),
                        "AS64500");
    assert_string_equal(
        json_string_value(json_object_get(first, "relationship_type_a")),
        "belongs-to");
    assert_true(json_is_true(json_object_get(first, "outgoing_b")));
    assert_true(has_attribute(doc, "asn", "AS64500"));
    assert_true(has_attribute(doc, "cve", "CVE-2021-44228"));
    assert_false(has_attribute(doc, "country", "Germany"));
    json_decref(doc);
}

static void test_shared_two_domains(void **state)
{
    json_t *doc = shared_doc(*state, "evil.example", "bad.example");

    assert_true(has_attribute(doc, "registrar", "NameCheap, Inc."));
    assert_true(has_attribute(doc, "favicon", "abc123"));
    assert_true(has_attribute(doc, "ip", "198.51.100.1"));
    assert_true(has_attribute(doc, "asn", "AS64500"));
    assert_true(has_attribute(doc, "country", "Germany"));
    json_decref(doc);
}

static void test_shared_direct_link(void **state)
{
    json_t *doc =
        shared_doc(*state, "http://evil.example/login", "evil.example");
    json_t *direct = json_array_get(json_object_get(doc, "direct"), 0);

    assert_non_null(direct);
    assert_string_equal(
        json_string_value(json_object_get(direct, "relationship_type")),
        "related-to");
    assert_true(json_is_true(json_object_get(direct, "forward")));
    json_decref(doc);
}

/* Returns the EXPLAIN QUERY PLAN rows of sql, joined by '\n'. */
static char *query_plan(struct graph_fixture *f, const char *sql)
{
    char full[2048];
    sqlite3_stmt *stmt = NULL;
    char plan[2048] = "";

    snprintf(full, sizeof(full), "EXPLAIN QUERY PLAN %s", sql);
    assert_int_equal(
        sqlite3_prepare_v2(cg_store_db(f->store), full, -1, &stmt, NULL),
        SQLITE_OK);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        strncat(plan, (const char *)sqlite3_column_text(stmt, 3),
                sizeof(plan) - strlen(plan) - 2);
        strcat(plan, "\n");
    }
    sqlite3_finalize(stmt);
    return strdup(plan);
}

/*
 * The statements the pivot and walk modules run, copied here so that a
 * change to the schema or the SQL that loses an index fails this test.
 */
static void test_pivot_plans_use_indexes(void **state)
{
    static const char *const statements[] = {
        "SELECT e.source FROM edges e JOIN objects o ON o.id = e.source "
        "WHERE e.target = ?1 AND e.type = ?2 AND o.type IN ('ipv4-addr', "
        "'ipv6-addr', 'domain-name', 'url') LIMIT ?3",
        "SELECT e.target FROM edges e JOIN objects o ON o.id = e.target "
        "WHERE e.source = ?1 AND e.type = ?2 AND o.type IN ('ipv4-addr', "
        "'ipv6-addr', 'domain-name', 'url') LIMIT ?3",
        "SELECT o.id, o.name FROM edges e JOIN objects o ON o.id = e.target "
        "WHERE e.source = ?1 AND e.type = ?2 AND o.type = ?3 AND (?4 IS NULL "
        "OR json_extract(o.body, '$.x_opencti_location_type') = ?4) "
        "LIMIT ?5",
        "SELECT a.object_id FROM graph_attrs a JOIN objects o "
        "ON o.id = a.object_id WHERE a.name = ?1 AND a.value = ?2 LIMIT ?3",
        "SELECT name, value, display FROM graph_attrs WHERE object_id = ?1 "
        "ORDER BY name, value",
        "SELECT id, type, target, 1 FROM edges WHERE source = ?1 UNION ALL "
        "SELECT id, type, source, 0 FROM edges WHERE target = ?1 LIMIT ?2",
        "SELECT id, type, body, updated_at FROM objects INDEXED BY "
        "objects_updated WHERE updated_at >= ?1 AND type IN ('domain-name', "
        "'ipv4-addr', 'ipv6-addr')",
    };
    struct graph_fixture *f = *state;

    assert_int_equal(cg_pivot_prepare(f->store, NULL), CG_OK);
    for (size_t i = 0; i < sizeof(statements) / sizeof(statements[0]); i++) {
        char *plan = query_plan(f, statements[i]);

        if (strstr(plan, "SCAN ")) {
            print_error("full scan in:\n%s\nplan:\n%s", statements[i], plan);
            fail();
        }
        assert_non_null(strstr(plan, "SEARCH"));
        free(plan);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) \
    cmocka_unit_test_setup_teardown(name, fixture_setup, fixture_teardown)
        T(test_pivot_asn),
        T(test_pivot_cve),
        T(test_pivot_country),
        T(test_pivot_domain_of_ip),
        T(test_pivot_ip_of_domain),
        T(test_pivot_registrar_any_case),
        T(test_pivot_favicon),
        T(test_pivot_software),
        T(test_pivot_from_attribute),
        T(test_pivot_domain_asn_through_ip),
        T(test_pivot_depth_two),
        T(test_pivot_every_via_merges_shares),
        T(test_pivot_cap_notes),
        T(test_pivot_rejects_bounds),
        T(test_shared_two_addresses),
        T(test_shared_two_domains),
        T(test_shared_direct_link),
        T(test_pivot_plans_use_indexes),
        cmocka_unit_test(test_via_names_round_trip),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
