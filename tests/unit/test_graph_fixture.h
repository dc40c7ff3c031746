/*
 * A small hand-built graph for the graph module tests, in a temporary
 * SQLite store. Its shape, from which the tests derive their expected results:
 *
 *   url http://evil.example/login -related-to-> domain evil.example
 *   evil.example -resolves-to-> 198.51.100.1 (A)
 *   bad.example  -resolves-to-> A and 203.0.113.5 (C)
 *   third.example -resolves-to-> C
 *   A -belongs-to-> AS64500 <-belongs-to- 198.51.100.2 (B)
 *   C -belongs-to-> AS64501
 *   A, C -located-at-> Germany;  B -located-at-> France
 *   A, B -related-to-> CVE-2021-44228 (CVSS 10, public exploit)
 *   A -related-to-> software "Cobalt Strike"
 *   indicator -based-on-> A;  note (open ports, IDS) object_refs A
 *   evil.example and bad.example share a registrar (in different case)
 *   and a favicon hash; 192.0.2.99 (D) is isolated.
 *
 * Header-only so that each test program gets its own copy.
 */
#ifndef CG_TEST_GRAPH_FIXTURE_H
#define CG_TEST_GRAPH_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "stix/object.h"
#include "store/store.h"

/* 2026-01-15T10:00:00Z, the pinned "now" of every graph test. */
#define FIXTURE_NOW 1768471200

struct graph_fixture {
    char path[64];
    struct cg_store *store;
    struct cg_stix_ctx ctx;
};

static void fixture_put(struct graph_fixture *f, json_t *obj)
{
    if (!obj || cg_store_put_object(f->store, obj, NULL) != CG_OK) {
        fprintf(stderr, "fixture: cannot store an object\n");
        abort();
    }
    json_decref(obj);
}

static void fixture_relate(struct graph_fixture *f, const char *type,
                           const json_t *source, const json_t *target)
{
    fixture_put(f, cg_stix_relationship(&f->ctx, type, cg_stix_get_id(source),
                                        cg_stix_get_id(target)));
}

static json_t *fixture_domain(struct graph_fixture *f, const char *name,
                              const char *registrar, const char *favicon)
{
    json_t *domain = cg_stix_observable(&f->ctx, "domain-name", name);

    if (registrar)
        json_object_set_new(domain, "x_criminalip_registrar",
                            json_string(registrar));
    if (favicon)
        json_object_set_new(domain, "x_criminalip_favicon_hashes",
                            json_pack("[s]", favicon));
    return domain;
}

static const char fixture_note_text[] =
    "# Criminal IP report for 198.51.100.1\n\n"
    "## Open ports\n\n"
    "| Port | Socket | Protocol | Product | Version | Tags | CVE |\n"
    "|---|---|---|---|---|---|---|\n"
    "| 50050 | tcp | HTTPS | Cobalt Strike |  | c2\\_cobaltstrike | |\n"
    "| 22 | tcp | SSH | OpenSSH | 8.2 | | no |\n"
    "| 8443 (closed) | tcp | HTTPS |  |  | c2\\_sliver | |\n\n"
    "## IDS signals\n\n"
    "| Date | Classification | Message | Source |\n"
    "|---|---|---|---|\n"
    "| 2026-01-10 | trojan | beacon | snort |\n"
    "| 2026-01-11 | trojan | beacon | snort |\n";

static json_t *fixture_note(struct graph_fixture *f, const json_t *about)
{
    json_t *seed = json_pack("{ss}", "about", cg_stix_get_id(about));
    char id[CG_STIX_ID_SIZE];
    json_t *note;

    if (cg_stix_id_seeded("note", seed, id) != CG_OK)
        abort();
    json_decref(seed);
    note = cg_stix_new_sdo(&f->ctx, "note", id);
    json_object_set_new(note, "abstract",
                        json_string("Criminal IP report for 198.51.100.1"));
    json_object_set_new(note, "content", json_string(fixture_note_text));
    json_object_set_new(note, "object_refs",
                        json_pack("[s]", cg_stix_get_id(about)));
    return note;
}

/* Observables, keyed for the relationships below. */
struct fixture_nodes {
    json_t *a, *b, *c, *d, *as1, *as2, *germany, *france, *cve, *software;
    json_t *evil, *bad, *third, *url, *indicator;
};

static void fixture_nodes_build(struct graph_fixture *f,
                                struct fixture_nodes *n)
{
    n->a = cg_stix_observable(&f->ctx, "ipv4-addr", "198.51.100.1");
    n->b = cg_stix_observable(&f->ctx, "ipv4-addr", "198.51.100.2");
    n->c = cg_stix_observable(&f->ctx, "ipv4-addr", "203.0.113.5");
    n->d = cg_stix_observable(&f->ctx, "ipv4-addr", "192.0.2.99");
    n->as1 = cg_stix_autonomous_system(&f->ctx, 64500, "EXAMPLE-NET");
    n->as2 = cg_stix_autonomous_system(&f->ctx, 64501, "OTHER-NET");
    n->germany =
        cg_stix_location(&f->ctx, "Country", "Germany", "DE", false, 0, 0);
    n->france =
        cg_stix_location(&f->ctx, "Country", "France", "FR", false, 0, 0);
    n->cve = cg_stix_vulnerability(&f->ctx, "CVE-2021-44228");
    json_object_set_new(n->cve, "x_opencti_cvss_base_score", json_real(10.0));
    json_object_set_new(n->cve, "x_criminalip_has_public_exploit", json_true());
    n->software = cg_stix_software(&f->ctx, "Cobalt Strike", NULL, NULL);
    n->evil = fixture_domain(f, "evil.example", "NameCheap, Inc.", "abc123");
    n->bad = fixture_domain(f, "bad.example", "namecheap, inc.", "abc123");
    n->third = fixture_domain(f, "third.example", "Gandi SAS", NULL);
    n->url = cg_stix_observable(&f->ctx, "url", "http://evil.example/login");
    n->indicator =
        cg_stix_indicator(&f->ctx, "[ipv4-addr:value = '198.51.100.1']",
                          "Criminal IP: malicious 198.51.100.1", "IPv4-Addr");
    if (cg_stix_set_score(n->a, 95) != CG_OK ||
        cg_stix_set_score(n->b, 40) != CG_OK)
        abort();
}

static void fixture_relate_all(struct graph_fixture *f,
                               const struct fixture_nodes *n)
{
    fixture_relate(f, "related-to", n->url, n->evil);
    fixture_relate(f, "resolves-to", n->evil, n->a);
    fixture_relate(f, "resolves-to", n->bad, n->a);
    fixture_relate(f, "resolves-to", n->bad, n->c);
    fixture_relate(f, "resolves-to", n->third, n->c);
    fixture_relate(f, "belongs-to", n->a, n->as1);
    fixture_relate(f, "belongs-to", n->b, n->as1);
    fixture_relate(f, "belongs-to", n->c, n->as2);
    fixture_relate(f, "located-at", n->a, n->germany);
    fixture_relate(f, "located-at", n->c, n->germany);
    fixture_relate(f, "located-at", n->b, n->france);
    fixture_relate(f, "related-to", n->a, n->cve);
    fixture_relate(f, "related-to", n->b, n->cve);
    fixture_relate(f, "related-to", n->a, n->software);
    fixture_relate(f, "based-on", n->indicator, n->a);
}

static void fixture_build(struct graph_fixture *f)
{
    struct fixture_nodes n;

    fixture_nodes_build(f, &n);
    fixture_put(f, cg_stix_author(&f->ctx));
    fixture_put(f, cg_tlp_marking_object(f->ctx.tlp));
    fixture_relate_all(f, &n);
    fixture_put(f, fixture_note(f, n.a));
    {
        json_t *all[] = {n.a,    n.b,       n.c,      n.d,   n.as1,
                         n.as2,  n.germany, n.france, n.cve, n.software,
                         n.evil, n.bad,     n.third,  n.url, n.indicator};

        for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
            fixture_put(f, all[i]);
    }
}

static int fixture_setup(void **state)
{
    struct graph_fixture *f = calloc(1, sizeof(*f));
    int fd;

    if (!f)
        return -1;
    snprintf(f->path, sizeof(f->path), "/tmp/cg-test-graph-XXXXXX");
    fd = mkstemp(f->path);
    if (fd < 0)
        return -1;
    close(fd);
    cg_time_pin(FIXTURE_NOW);
    if (cg_store_open(f->path, &f->store, NULL) != CG_OK ||
        cg_stix_ctx_init(&f->ctx, CG_TLP_AMBER, FIXTURE_NOW) != CG_OK)
        return -1;
    fixture_build(f);
    *state = f;
    return 0;
}

static int fixture_teardown(void **state)
{
    struct graph_fixture *f = *state;
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

/* Returns the id of the object named name (borrowed static buffer). */
static CG_UNUSED const char *fixture_id(struct graph_fixture *f,
                                        const char *name)
{
    static char id[4][CG_STIX_ID_SIZE];
    static int slot;
    char *out = id[slot++ % 4];

    if (cg_store_find(f->store, name, NULL, out, NULL) != CG_OK) {
        fprintf(stderr, "fixture: '%s' is not in the graph\n", name);
        abort();
    }
    return out;
}

#endif /* CG_TEST_GRAPH_FIXTURE_H */
