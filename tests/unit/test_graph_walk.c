/*
 * Shortest paths and neighbourhood bundles on the hand-built graph of
 * test_graph_fixture.h, whose expected results are known.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "graph/graph_walk.h"
#include "stix/bundle.h"
#include "test_graph_fixture.h"

static json_t *find_path(struct graph_fixture *f, const char *a, const char *b,
                         int max_depth)
{
    struct cg_error err;
    json_t *doc = NULL;

    assert_int_equal(cg_graph_path(f->store, fixture_id(f, a), fixture_id(f, b),
                                   max_depth, &doc, &err),
                     CG_OK);
    return doc;
}

static const char *node_name(const json_t *doc, size_t i)
{
    return json_string_value(json_object_get(
        json_array_get(json_object_get(doc, "nodes"), i), "name"));
}

static const json_t *edge_at(const json_t *doc, size_t i)
{
    return json_array_get(json_object_get(doc, "edges"), i);
}

static void test_path_url_to_address(void **state)
{
    json_t *doc =
        find_path(*state, "http://evil.example/login", "198.51.100.2", 4);

    assert_true(json_is_true(json_object_get(doc, "found")));
    assert_int_equal(json_integer_value(json_object_get(doc, "length")), 4);
    assert_string_equal(node_name(doc, 0), "http://evil.example/login");
    assert_string_equal(node_name(doc, 1), "evil.example");
    assert_string_equal(node_name(doc, 2), "198.51.100.1");
    assert_string_equal(node_name(doc, 3), "AS64500");
    assert_string_equal(node_name(doc, 4), "198.51.100.2");
    assert_true(json_is_true(json_object_get(edge_at(doc, 0), "forward")));
    assert_true(json_is_true(json_object_get(edge_at(doc, 1), "forward")));
    assert_true(json_is_true(json_object_get(edge_at(doc, 2), "forward")));
    assert_false(json_is_true(json_object_get(edge_at(doc, 3), "forward")));
    assert_string_equal(json_string_value(json_object_get(edge_at(doc, 1),
                                                          "relationship_type")),
                        "resolves-to");
    json_decref(doc);
}

static void test_path_reversed_ends(void **state)
{
    json_t *doc =
        find_path(*state, "198.51.100.2", "http://evil.example/login", 4);

    assert_int_equal(json_integer_value(json_object_get(doc, "length")), 4);
    assert_string_equal(node_name(doc, 0), "198.51.100.2");
    assert_true(json_is_true(json_object_get(edge_at(doc, 0), "forward")));
    assert_false(json_is_true(json_object_get(edge_at(doc, 3), "forward")));
    json_decref(doc);
}

static void test_path_shortest_wins(void **state)
{
    /* evil.example -> A <- bad.example: two steps, not three or more. */
    json_t *doc = find_path(*state, "evil.example", "bad.example", 6);

    assert_int_equal(json_integer_value(json_object_get(doc, "length")), 2);
    assert_string_equal(node_name(doc, 1), "198.51.100.1");
    json_decref(doc);
}

static void test_path_same_node(void **state)
{
    json_t *doc = find_path(*state, "198.51.100.1", "198.51.100.1", 3);

    assert_true(json_is_true(json_object_get(doc, "found")));
    assert_int_equal(json_integer_value(json_object_get(doc, "length")), 0);
    assert_int_equal(json_array_size(json_object_get(doc, "nodes")), 1);
    json_decref(doc);
}

static void test_path_beyond_depth(void **state)
{
    json_t *doc =
        find_path(*state, "http://evil.example/login", "198.51.100.2", 3);

    assert_false(json_is_true(json_object_get(doc, "found")));
    assert_false(json_is_true(json_object_get(doc, "bounded")));
    json_decref(doc);
}

static void test_path_isolated_node(void **state)
{
    json_t *doc = find_path(*state, "198.51.100.1", "192.0.2.99", 8);

    assert_false(json_is_true(json_object_get(doc, "found")));
    json_decref(doc);
}

static void test_path_rejects_depth(void **state)
{
    struct graph_fixture *f = *state;
    struct cg_error err;
    json_t *doc = NULL;

    assert_int_equal(cg_graph_path(f->store, fixture_id(f, "198.51.100.1"),
                                   fixture_id(f, "198.51.100.2"), 0, &doc,
                                   &err),
                     CG_ERR_INVALID);
    assert_null(doc);
}

/* Checks that every reference of every object points inside the bundle. */
static void assert_closed(const struct cg_bundle *bundle)
{
    static const char *const keys[] = {"source_ref", "target_ref",
                                       "created_by_ref",
                                       "x_opencti_created_by_ref"};
    size_t i, j;
    json_t *obj;
    json_t *ref;

    json_array_foreach(bundle->objects, i, obj) {
        for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
            const char *id = json_string_value(json_object_get(obj, keys[k]));

            if (id && !cg_bundle_get(bundle, id)) {
                print_error("%s of %s points outside: %s\n", keys[k],
                            cg_stix_get_id(obj), id);
                fail();
            }
        }
        json_array_foreach(json_object_get(obj, "object_marking_refs"), j,
                           ref) {
            assert_non_null(cg_bundle_get(bundle, json_string_value(ref)));
        }
    }
}

static size_t count_type(const struct cg_bundle *bundle, const char *type)
{
    size_t count = 0;
    size_t i;
    json_t *obj;

    json_array_foreach(bundle->objects, i, obj) {
        count += strcmp(cg_stix_get_type(obj), type) == 0;
    }
    return count;
}

static void test_neighborhood_depth_one(void **state)
{
    struct graph_fixture *f = *state;
    struct cg_bundle bundle;
    struct cg_error err;
    bool capped = true;

    cg_bundle_init(&bundle);
    assert_int_equal(cg_graph_neighborhood(f->store,
                                           fixture_id(f, "198.51.100.1"), 1,
                                           100, &bundle, &capped, &err),
                     CG_OK);
    assert_false(capped);
    /* A, evil.example, bad.example, AS64500, Germany, the CVE, the
     * software, the indicator, the note; the author and the marking. */
    assert_int_equal(count_type(&bundle, "ipv4-addr"), 1);
    assert_int_equal(count_type(&bundle, "domain-name"), 2);
    assert_int_equal(count_type(&bundle, "note"), 1);
    assert_int_equal(count_type(&bundle, "identity"), 1);
    assert_int_equal(count_type(&bundle, "marking-definition"), 1);
    /* Only A's seven relationships have both ends inside. */
    assert_int_equal(count_type(&bundle, "relationship"), 7);
    assert_int_equal(cg_bundle_size(&bundle), 18);
    assert_closed(&bundle);
    cg_bundle_release(&bundle);
}

static void test_neighborhood_depth_two_closes_edges(void **state)
{
    struct graph_fixture *f = *state;
    struct cg_bundle bundle;
    bool capped = true;

    cg_bundle_init(&bundle);
    assert_int_equal(cg_graph_neighborhood(f->store,
                                           fixture_id(f, "198.51.100.1"), 2,
                                           100, &bundle, &capped, NULL),
                     CG_OK);
    assert_false(capped);
    /* Depth 2 adds B, C and the URL, but not third.example, AS64501 or
     * France, which are three steps away, nor their relationships. */
    assert_int_equal(count_type(&bundle, "ipv4-addr"), 3);
    assert_int_equal(count_type(&bundle, "url"), 1);
    assert_int_equal(count_type(&bundle, "domain-name"), 2);
    assert_int_equal(count_type(&bundle, "relationship"), 12);
    assert_closed(&bundle);
    cg_bundle_release(&bundle);
}

static void test_neighborhood_depth_zero(void **state)
{
    struct graph_fixture *f = *state;
    struct cg_bundle bundle;
    bool capped = true;

    cg_bundle_init(&bundle);
    assert_int_equal(cg_graph_neighborhood(f->store,
                                           fixture_id(f, "198.51.100.1"), 0,
                                           100, &bundle, &capped, NULL),
                     CG_OK);
    assert_int_equal(cg_bundle_size(&bundle), 3);
    assert_int_equal(count_type(&bundle, "relationship"), 0);
    assert_closed(&bundle);
    cg_bundle_release(&bundle);
}

static void test_neighborhood_cap(void **state)
{
    struct graph_fixture *f = *state;
    struct cg_bundle bundle;
    bool capped = false;

    cg_bundle_init(&bundle);
    assert_int_equal(cg_graph_neighborhood(f->store,
                                           fixture_id(f, "198.51.100.1"), 2, 3,
                                           &bundle, &capped, NULL),
                     CG_OK);
    assert_true(capped);
    assert_int_equal(
        count_type(&bundle, "ipv4-addr") + count_type(&bundle, "domain-name") +
            count_type(&bundle, "autonomous-system") +
            count_type(&bundle, "location") +
            count_type(&bundle, "vulnerability") +
            count_type(&bundle, "software") + count_type(&bundle, "indicator") +
            count_type(&bundle, "note") + count_type(&bundle, "url"),
        3);
    assert_closed(&bundle);
    cg_bundle_release(&bundle);
}

static void test_state_round_trip(void **state)
{
    struct graph_fixture *f = *state;
    char *value = NULL;

    assert_int_equal(cg_graph_state_prepare(f->store, NULL), CG_OK);
    assert_int_equal(cg_graph_state_get(f->store, "test.key", &value, NULL),
                     CG_OK);
    assert_null(value);
    assert_int_equal(cg_graph_state_set(f->store, "test.key", "42", NULL),
                     CG_OK);
    assert_int_equal(cg_graph_state_get(f->store, "test.key", &value, NULL),
                     CG_OK);
    assert_string_equal(value, "42");
    free(value);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) \
    cmocka_unit_test_setup_teardown(name, fixture_setup, fixture_teardown)
        T(test_path_url_to_address),
        T(test_path_reversed_ends),
        T(test_path_shortest_wins),
        T(test_path_same_node),
        T(test_path_beyond_depth),
        T(test_path_isolated_node),
        T(test_path_rejects_depth),
        T(test_neighborhood_depth_one),
        T(test_neighborhood_depth_two_closes_edges),
        T(test_neighborhood_depth_zero),
        T(test_neighborhood_cap),
        T(test_state_round_trip),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
