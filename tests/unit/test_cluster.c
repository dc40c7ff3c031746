/*
 * Campaign clustering: registered domains and hosting platforms from the
 * public suffix list, the confidence formula, ISO weeks, and clusters on a
 * small graph, with ids that survive a re-run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "graph/cluster.h"
#include "graph/cluster_internal.h"
#include "stix/object.h"

static void test_registered_domain(void **state)
{
    static const struct {
        const char *host;
        const char *registered; /* NULL: none */
        bool platform;
    } cases[] = {
        {"a.b.evil.example.co.uk", "example.co.uk", false},
        {"login.evil-one.com", "evil-one.com", false},
        {"evil-one.com", "evil-one.com", false},
        {"x.webflow.io", "x.webflow.io", true},
        {"a.x.webflow.io", "x.webflow.io", true},
        {"netflix.blogspot.cz", "netflix.blogspot.cz", true},
        {"foo.workers.dev", "foo.workers.dev", true},
        {"my-app.pages.dev", "my-app.pages.dev", true},
        {"pub-1.r2.dev", "pub-1.r2.dev", true},
        {"x.vercel.app", "x.vercel.app", true},
        {"site.framer.app", "site.framer.app", true},
        {"shop.godaddysites.com", "shop.godaddysites.com", true},
        {"com", NULL, false},
        {"webflow.io", NULL, false},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[CG_CLUSTER_HOST_SIZE];
        bool platform = !cases[i].platform;
        bool found =
            cg_cluster_registered_domain(cases[i].host, out, &platform);

        if (!cases[i].registered) {
            if (found)
                fail_msg("%s: expected none, got %s", cases[i].host, out);
            continue;
        }
        if (!found || strcmp(out, cases[i].registered) != 0)
            fail_msg("%s: expected %s, got %s", cases[i].host,
                     cases[i].registered, found ? out : "(none)");
        if (platform != cases[i].platform)
            fail_msg("%s: platform should be %d", cases[i].host,
                     cases[i].platform);
    }
}

static void test_confidence(void **state)
{
    bool present[CG_KEY__COUNT] = {false};

    (void)state;
    assert_int_equal(cg_cluster_confidence(present), 0);
    present[CG_KEY_REGISTERED_DOMAIN] = true;
    assert_int_equal(cg_cluster_confidence(present), 90);
    present[CG_KEY_REGISTERED_DOMAIN] = false;
    present[CG_KEY_IP] = true;
    present[CG_KEY_PREFIX] = true;
    /* 1 - (1 - 0.70) * (1 - 0.35) = 0.805 */
    assert_int_equal(cg_cluster_confidence(present), 81);
    present[CG_KEY_IP] = present[CG_KEY_PREFIX] = false;
    present[CG_KEY_JARM] = true;
    assert_int_equal(cg_cluster_confidence(present), 25);
    for (int k = 0; k < CG_KEY__COUNT; k++)
        present[k] = true;
    assert_int_equal(cg_cluster_confidence(present), 100);
}

static void test_iso_week(void **state)
{
    char week[16];

    (void)state;
    assert_true(cg_cluster__iso_week("2026-11-16T08:00:00.000Z", week));
    assert_string_equal(week, "2026-W47");
    assert_true(cg_cluster__iso_week("2026-11-22T23:59:59Z", week));
    assert_string_equal(week, "2026-W47");
    assert_true(cg_cluster__iso_week("2021-01-03T00:00:00Z", week));
    assert_string_equal(week, "2020-W53");
    assert_true(cg_cluster__iso_week("2024-12-30T00:00:00Z", week));
    assert_string_equal(week, "2025-W01");
    assert_false(cg_cluster__iso_week("not a date", week));
}

/* ---- clusters on a small graph ---- */

struct fixture {
    char path[64];
    struct cg_store *store;
    struct cg_stix_ctx ctx;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    int fd;

    snprintf(f->path, sizeof(f->path), "/tmp/cg-test-cluster-XXXXXX");
    fd = mkstemp(f->path);
    if (fd < 0)
        return -1;
    close(fd);
    cg_time_pin(1764547200);
    if (cg_store_open(f->path, &f->store, NULL) != CG_OK ||
        cg_stix_ctx_init(&f->ctx, CG_TLP_AMBER, 1764547200) != CG_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char extra[80];

    cg_store_close(f->store);
    unlink(f->path);
    snprintf(extra, sizeof(extra), "%s-wal", f->path);
    unlink(extra);
    snprintf(extra, sizeof(extra), "%s-shm", f->path);
    unlink(extra);
    free(f);
    cg_time_pin(-1);
    return 0;
}

static void put(struct fixture *f, json_t *obj)
{
    assert_non_null(obj);
    assert_int_equal(cg_store_put_object(f->store, obj, NULL), CG_OK);
    json_decref(obj);
}

/* A phishing domain with its indicator, resolving to ip when not NULL. */
static void phishing_domain(struct fixture *f, const char *host, const char *ip)
{
    char pattern[256];
    json_t *domain = cg_stix_observable(&f->ctx, "domain-name", host);
    json_t *ind;

    snprintf(pattern, sizeof(pattern), "[domain-name:value = '%s']", host);
    ind = cg_stix_indicator(&f->ctx, pattern, host, "Domain-Name");
    assert_int_equal(cg_stix_add_label(ind, "phishing"), CG_OK);
    put(f, cg_stix_relationship(&f->ctx, "based-on", cg_stix_get_id(ind),
                                cg_stix_get_id(domain)));
    if (ip) {
        json_t *addr = cg_stix_observable(&f->ctx, "ipv4-addr", ip);

        put(f,
            cg_stix_relationship(&f->ctx, "resolves-to", cg_stix_get_id(domain),
                                 cg_stix_get_id(addr)));
        put(f, addr);
    }
    put(f, domain);
    put(f, ind);
}

static struct cg_cluster_set *find(struct fixture *f)
{
    struct cg_cluster_opts opts;
    struct cg_cluster_set *set = NULL;
    struct cg_error err;

    cg_cluster_opts_init(&opts);
    if (cg_cluster_find(f->store, &opts, &set, &err) != CG_OK)
        fail_msg("clustering failed: %s", cg_error_text(&err));
    return set;
}

static void test_clusters_small_graph(void **state)
{
    struct fixture *f = *state;
    struct cg_cluster_set *set;
    char first_id[CG_STIX_ID_SIZE];

    phishing_domain(f, "a1.evil-one.com", NULL);
    phishing_domain(f, "a2.evil-one.com", NULL);
    phishing_domain(f, "x.webflow.io", "198.51.100.200");
    phishing_domain(f, "y.webflow.io", "198.51.100.200");
    phishing_domain(f, "shop.brand-a.net", "203.0.113.7");
    phishing_domain(f, "pay.brand-b.org", "203.0.113.7");
    set = find(f);
    assert_int_equal(set->candidates, 6);
    assert_int_equal(set->count, 2);
    for (size_t i = 0; i < set->count; i++) {
        const struct cg_cluster *cl = &set->clusters[i];

        assert_int_equal(cl->n_members, 2);
        assert_true(strncmp(cl->id, "grouping--", 10) == 0);
        assert_true(strstr(cl->members[0].value, "webflow") == NULL);
    }
    assert_string_equal(set->clusters[0].anchor_kind, "registered-domain");
    assert_string_equal(set->clusters[0].anchor_value, "evil-one.com");
    assert_int_equal(set->clusters[0].confidence, 90);
    assert_string_equal(set->clusters[1].anchor_kind, "ip");
    snprintf(first_id, sizeof(first_id), "%s", set->clusters[0].id);
    assert_int_equal(cg_cluster_store(f->store, set, NULL), CG_OK);
    cg_cluster_set_free(set);

    /* A third member keeps the id, which is seeded by the anchor. */
    phishing_domain(f, "a3.evil-one.com", NULL);
    set = find(f);
    assert_int_equal(set->clusters[0].n_members, 3);
    assert_string_equal(set->clusters[0].id, first_id);
    cg_cluster_set_free(set);
}

static void test_grouping_object(void **state)
{
    struct fixture *f = *state;
    struct cg_cluster_set *set;
    json_t *stored = NULL;
    json_t *refs;

    phishing_domain(f, "a1.evil-one.com", NULL);
    phishing_domain(f, "a2.evil-one.com", NULL);
    set = find(f);
    assert_int_equal(set->count, 1);
    assert_int_equal(cg_cluster_store(f->store, set, NULL), CG_OK);
    assert_int_equal(
        cg_store_get_object(f->store, set->clusters[0].id, &stored, NULL),
        CG_OK);
    assert_string_equal(json_string_value(json_object_get(stored, "context")),
                        "suspicious-activity");
    assert_int_equal(json_integer_value(json_object_get(stored, "confidence")),
                     90);
    refs = json_object_get(stored, "object_refs");
    /* Two members and their two indicators. */
    assert_int_equal(json_array_size(refs), 4);
    assert_non_null(strstr(json_string_value(json_object_get(stored, "name")),
                           "evil-one.com"));
    json_decref(stored);
    cg_cluster_set_free(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registered_domain),
        cmocka_unit_test(test_confidence),
        cmocka_unit_test(test_iso_week),
        cmocka_unit_test_setup_teardown(test_clusters_small_graph, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_grouping_object, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
