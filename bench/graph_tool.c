/*
 * Helper for the graph benchmarks (bench/graph_*.sh), linked against
 * libcglib by the scripts:
 *
 *   graph_tool gen-graph OBJECTS RELATIONSHIPS  > bundle.json
 *       a bundle of IPs, domains, ASes, countries, CVEs and indicators
 *       with the relationships between them, as cipgraph writes them;
 *   graph_tool gen-phishing DOMAINS > bundle.json
 *       phishing domains in campaigns that share infrastructure, with
 *       their indicators, addresses, ASes and certificates;
 *   graph_tool raw DB OBJECTS RELATIONSHIPS
 *       generates the same rows as gen-graph and inserts them into the
 *       objects and edges tables of a new cipgraph database with one
 *       prepared INSERT per table in one transaction, timing the inserts
 *       only, and prints "raw_rows_per_s N". GRAPH_RAW_CACHE_KB sets
 *       SQLite's page cache, so that it can match the import's;
 *   graph_tool pivot DB VIA COUNT
 *       runs COUNT pivots (--via asn, cve or ip) from random values of the
 *       graph in-process and prints p50 and p99 in microseconds.
 *
 * Everything is deterministic: the same arguments give the same bytes.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "graph/pivot.h"
#include "stix/bundle.h"
#include "stix/id.h"
#include "stix/import.h"
#include "stix/object.h"
#include "stix/object_more.h"
#include "stix/writer.h"
#include "store/store.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static long pick(long n)
{
    return (long)(rng() % (uint64_t)n);
}

/* Receives each generated object; gen writes it, raw inserts it. */
typedef void (*emit_fn)(json_t *obj, void *data);

static struct cg_stix_ctx ctx;

static void ip_text(long i, char out[32])
{
    /* Spread over 1.0.0.0 - 223.255.255.255 without private blocks. */
    uint32_t v =
        (uint32_t)(0x01000000u + (uint32_t)i * 2654435761u % 0xDE000000u);

    if ((v >> 24) == 10 || (v >> 24) == 127 || (v >> 24) == 192 ||
        (v >> 24) == 172 || (v >> 24) == 100 || (v >> 24) == 169)
        v ^= 0x40000000u;
    snprintf(out, 32, "%u.%u.%u.%u", v >> 24, (v >> 16) & 255, (v >> 8) & 255,
             v & 255);
}

/* Address n of 11.0.0.0/8 onwards in order, so that n / 256 numbers its
 * /24. */
static void ip_sequential(long n, char out[32])
{
    uint32_t v = 0x0B000000u + (uint32_t)n;

    snprintf(out, 32, "%u.%u.%u.%u", v >> 24, (v >> 16) & 255, (v >> 8) & 255,
             v & 255);
}

static json_t *ip_object(long i)
{
    char text[32];
    json_t *obj;

    ip_text(i, text);
    obj = cg_stix_observable(&ctx, "ipv4-addr", text);
    if (i % 3 == 0)
        if (cg_stix_set_score(obj, (int)(i % 101)) != CG_OK)
            abort();
    return obj;
}

static json_t *domain_object(long i)
{
    char name[64];

    snprintf(name, sizeof(name), "host%ld.example%ld.com", i, i % 50000);
    return cg_stix_observable(&ctx, "domain-name", name);
}

static json_t *cve_object(long i)
{
    char cve[32];

    snprintf(cve, sizeof(cve), "CVE-%ld-%05ld", 2000 + i % 25, i);
    return cg_stix_vulnerability(&ctx, cve);
}

static json_t *country_object(long i)
{
    char code[3] = {(char)('A' + i / 26 % 26), (char)('A' + i % 26), 0};
    char name[32];

    snprintf(name, sizeof(name), "Country %s", code);
    return cg_stix_location(&ctx, "Country", name, code, false, 0, 0);
}

static json_t *indicator_object(long i)
{
    char text[32];
    char pattern[64];
    json_t *obj;

    ip_text(i, text);
    snprintf(pattern, sizeof(pattern), "[ipv4-addr:value = '%s']", text);
    obj = cg_stix_indicator(&ctx, pattern, text, "IPv4-Addr");
    if (cg_stix_set_score(obj, 60 + (int)(i % 40)) != CG_OK)
        abort();
    return obj;
}

/* The object layout of gen-graph: shares of OBJECTS per kind. */
struct graph_shape {
    long ips, domains, asns, countries, cves, indicators;
};

static struct graph_shape shape_of(long objects)
{
    struct graph_shape s;

    s.asns = objects / 50;
    s.countries = 250;
    s.cves = objects / 20;
    s.indicators = objects / 12;
    s.domains = objects * 3 / 10;
    s.ips = objects - s.asns - s.countries - s.cves - s.indicators - s.domains;
    return s;
}

static void id_of(json_t *obj, char out[CG_STIX_ID_SIZE])
{
    snprintf(out, CG_STIX_ID_SIZE, "%s", cg_stix_get_id(obj));
    json_decref(obj);
}

/* The relationship number r of gen-graph, between kinds by turn. */
static json_t *graph_relationship(const struct graph_shape *s, long r)
{
    char a[CG_STIX_ID_SIZE];
    char b[CG_STIX_ID_SIZE];
    long turn = r % 6;
    long n = r / 6;
    const char *type = "related-to";

    if (turn == 0) {
        id_of(ip_object(n % s->ips), a);
        id_of(cg_stix_autonomous_system(&ctx, 1000 + n % s->asns, NULL), b);
        type = "belongs-to";
    } else if (turn == 1) {
        id_of(ip_object(n % s->ips), a);
        id_of(country_object(n % s->countries), b);
        type = "located-at";
    } else if (turn == 2 || turn == 3) {
        id_of(domain_object(n % s->domains), a);
        id_of(ip_object((n * 7 + turn) % s->ips), b);
        type = "resolves-to";
    } else if (turn == 4) {
        id_of(ip_object((n * 13) % s->ips), a);
        id_of(cve_object(n % s->cves), b);
    } else if (n < s->indicators) {
        id_of(indicator_object(n), a);
        id_of(ip_object(n), b);
        type = "based-on";
    } else {
        id_of(ip_object((n * 17 + 5) % s->ips), a);
        id_of(domain_object(n % s->domains), b);
    }
    return cg_stix_relationship(&ctx, type, a, b);
}

/* Emits each id once. Campaigns share addresses, ASes and certificates,
 * and generated relationships can repeat, but a bundle lists an id once. */
struct once {
    emit_fn emit;
    void *data;
    struct cg_idset seen;
    long emitted;
};

static void emit_once(json_t *obj, void *data)
{
    struct once *o = data;
    uint8_t previous = 0;

    if (!obj || cg_idset_add(&o->seen, cg_stix_get_id(obj), 1, &previous) ||
        previous) {
        json_decref(obj);
        return;
    }
    o->emitted++;
    o->emit(obj, o->data);
}

static void relate(const char *type, json_t *from, json_t *to, emit_fn emit,
                   void *data)
{
    emit(cg_stix_relationship(&ctx, type, cg_stix_get_id(from),
                              cg_stix_get_id(to)),
         data);
}

static void gen_graph(long objects, long relationships, emit_fn emit,
                      void *data)
{
    struct graph_shape s = shape_of(objects);
    struct once once = {emit, data, {0}, 0};
    long target = objects + 2 + relationships;

    cg_idset_init(&once.seen);
    emit_once(cg_tlp_marking_object(CG_TLP_AMBER), &once);
    emit_once(cg_stix_author(&ctx), &once);
    for (long i = 0; i < s.ips; i++)
        emit_once(ip_object(i), &once);
    for (long i = 0; i < s.domains; i++)
        emit_once(domain_object(i), &once);
    for (long i = 0; i < s.asns; i++)
        emit_once(cg_stix_autonomous_system(&ctx, 1000 + i, "Example AS"),
                  &once);
    for (long i = 0; i < s.countries; i++)
        emit_once(country_object(i), &once);
    for (long i = 0; i < s.cves; i++)
        emit_once(cve_object(i), &once);
    for (long i = 0; i < s.indicators; i++)
        emit_once(indicator_object(i), &once);
    /* Repeated relationships are skipped, so run on until there are
     * exactly RELATIONSHIPS of them. */
    for (long r = 0; once.emitted < target; r++)
        emit_once(graph_relationship(&s, r), &once);
    cg_idset_release(&once.seen);
}

/* ---- gen-phishing ---- */

static const char *const platforms[] = {"webflow.io", "pages.dev",
                                        "workers.dev", "vercel.app", "r2.dev"};
static const char *const registrars[] = {"NameCheap, Inc.", "GoDaddy.com, LLC",
                                         "Gabia, Inc.", "NameSilo, LLC"};

/* The certificate of a campaign (a wildcard over its domain) or of one
 * platform site. */
static json_t *certificate(long d, long c, const char *host, bool platform)
{
    struct cg_x509_fields fields = {0};
    char serial[40];
    char subject[160];

    snprintf(serial, sizeof(serial), "%032lx", platform ? 1000000000L + d : c);
    if (platform)
        snprintf(subject, sizeof(subject), "CN=%s", host);
    else
        snprintf(subject, sizeof(subject), "CN=*.campaign%ld.com", c);
    fields.serial_number = serial;
    fields.subject = subject;
    return cg_stix_x509_certificate(&ctx, &fields);
}

/* One phishing domain of campaign c with its indicator and links. Members
 * of a campaign share a registered domain, one of four addresses in one
 * /24, the AS, registrar and week, a certificate and a favicon; sites on
 * hosting platforms share only the platform's addresses. */
static void phishing_domain(long d, long c, bool platform, emit_fn emit,
                            void *data)
{
    char host[128];
    char ip[32];
    char pattern[192];
    char created[CG_TIME_TEXT_SIZE];
    char favicon[24];
    json_t *domain, *addr, *as, *ind, *cert;

    if (platform)
        snprintf(host, sizeof(host), "site%ld.%s", d,
                 platforms[d % CG_ARRAY_LEN(platforms)]);
    else
        snprintf(host, sizeof(host), "login%ld.campaign%ld.com", d, c);
    if (platform)
        ip_text(70000000 + d % 64, ip);
    else
        ip_sequential(c * 256 + d % 4, ip);
    cg_time_format(1700000000 + (c % 500) * 86400, created);
    snprintf(favicon, sizeof(favicon), "%lx", platform ? 0x10000000L + d : c);
    domain = cg_stix_observable(&ctx, "domain-name", host);
    json_object_set_new(domain, "x_criminalip_registrar",
                        json_string(registrars[c % 4]));
    json_object_set_new(domain, "x_criminalip_created", json_string(created));
    json_object_set_new(domain, "x_criminalip_favicon_hashes",
                        json_pack("[s]", favicon));
    addr = cg_stix_observable(&ctx, "ipv4-addr", ip);
    /* 3001 is prime, so two campaigns share AS, registrar and creation
     * week only 1.5 million campaigns apart. */
    as = cg_stix_autonomous_system(&ctx, 20000 + c % 3001, "Hosting AS");
    snprintf(pattern, sizeof(pattern), "[domain-name:value = '%s']", host);
    ind = cg_stix_indicator(&ctx, pattern, host, "Domain-Name");
    if (cg_stix_add_label(ind, "phishing") != CG_OK)
        abort();
    cert = certificate(d, c, host, platform);
    emit(json_incref(domain), data);
    emit(json_incref(addr), data);
    emit(json_incref(as), data);
    emit(json_incref(ind), data);
    emit(json_incref(cert), data);
    relate("based-on", ind, domain, emit, data);
    relate("resolves-to", domain, addr, emit, data);
    relate("belongs-to", addr, as, emit, data);
    relate("related-to", domain, cert, emit, data);
    json_decref(domain);
    json_decref(addr);
    json_decref(as);
    json_decref(ind);
    json_decref(cert);
}

static void gen_phishing(long domains, emit_fn emit, void *data)
{
    struct once once = {emit, data, {0}, 0};
    long d = 0;

    cg_idset_init(&once.seen);
    emit_once(cg_tlp_marking_object(CG_TLP_AMBER), &once);
    emit_once(cg_stix_author(&ctx), &once);
    for (long c = 0; d < domains; c++) {
        long size = 1 + pick(12);

        for (long k = 0; k < size && d < domains; k++, d++)
            phishing_domain(d, c, pick(10) < 3, emit_once, &once);
    }
    cg_idset_release(&once.seen);
}

/* ---- output: a bundle on stdout ---- */

static void write_object(json_t *obj, void *data)
{
    if (cg_bundle_writer_add(data, obj) != CG_OK) {
        fprintf(stderr, "graph_tool: writing failed\n");
        exit(1);
    }
    json_decref(obj);
}

/* ---- raw insert ---- */

#define RAW_BATCH 50000

struct raw_row {
    char *id, *type, *name, *modified, *body;
    char *source, *target, *rel; /* relationships only */
    int score, rank;
};

struct raw {
    sqlite3 *db;
    sqlite3_stmt *object, *edge;
    struct raw_row rows[RAW_BATCH];
    size_t n;
    long long rows_done;
    double seconds;
    double cpu_seconds;
};

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this process (user and system), which other load on the
 * machine does not inflate. */
static double cpu_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bind_text(sqlite3_stmt *stmt, int col, const char *s)
{
    if (s)
        sqlite3_bind_text(stmt, col, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(stmt, col);
}

/* Inserts the buffered rows; only this is timed. */
static void raw_flush(struct raw *r)
{
    double start = now_s();
    double cpu_start = cpu_s();

    for (size_t i = 0; i < r->n; i++) {
        struct raw_row *row = &r->rows[i];

        bind_text(r->object, 1, row->id);
        bind_text(r->object, 2, row->type);
        bind_text(r->object, 3, row->name);
        if (row->score >= 0)
            sqlite3_bind_int(r->object, 4, row->score);
        else
            sqlite3_bind_null(r->object, 4);
        sqlite3_bind_int(r->object, 5, row->rank);
        bind_text(r->object, 6, row->modified);
        sqlite3_bind_int64(r->object, 7, 1700000000);
        bind_text(r->object, 8, row->body);
        if (sqlite3_step(r->object) != SQLITE_DONE) {
            fprintf(stderr, "graph_tool: insert failed: %s\n",
                    sqlite3_errmsg(r->db));
            exit(1);
        }
        sqlite3_reset(r->object);
        if (row->source) {
            bind_text(r->edge, 1, row->id);
            bind_text(r->edge, 2, row->rel);
            bind_text(r->edge, 3, row->source);
            bind_text(r->edge, 4, row->target);
            if (sqlite3_step(r->edge) != SQLITE_DONE)
                exit(1);
            sqlite3_reset(r->edge);
        }
    }
    r->seconds += now_s() - start;
    r->cpu_seconds += cpu_s() - cpu_start;
    r->rows_done += (long long)r->n;
    for (size_t i = 0; i < r->n; i++) {
        struct raw_row *row = &r->rows[i];

        free(row->id), free(row->type), free(row->name), free(row->modified);
        free(row->body), free(row->source), free(row->target), free(row->rel);
    }
    r->n = 0;
}

/* Prepares one row exactly as the store lays it out. */
static void raw_add(json_t *obj, void *data)
{
    struct raw *r = data;
    struct raw_row *row = &r->rows[r->n++];
    char name_buf[64];
    const json_t *score = json_object_get(obj, "x_opencti_score");

    row->id = strdup(cg_stix_get_id(obj));
    row->type = strdup(cg_stix_get_type(obj));
    row->name =
        dup_or_null(cg_store_object_name(obj, name_buf, sizeof(name_buf)));
    row->modified =
        dup_or_null(json_string_value(json_object_get(obj, "modified")));
    row->body = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
    row->score = json_is_integer(score) ? (int)json_integer_value(score) : -1;
    row->rank = cg_bundle_type_rank(row->type);
    row->source =
        dup_or_null(json_string_value(json_object_get(obj, "source_ref")));
    row->target =
        dup_or_null(json_string_value(json_object_get(obj, "target_ref")));
    row->rel = dup_or_null(
        json_string_value(json_object_get(obj, "relationship_type")));
    json_decref(obj);
    if (r->n == RAW_BATCH)
        raw_flush(r);
}

static int run_raw(const char *path, long objects, long relationships)
{
    struct cg_store *store = NULL;
    struct cg_error err;
    struct raw *r = calloc(1, sizeof(*r));

    if (!r || cg_store_open(path, &store, &err) != CG_OK) {
        fprintf(stderr, "graph_tool: %s\n", cg_error_text(&err));
        return 1;
    }
    r->db = cg_store_db(store);
    if (getenv("GRAPH_RAW_CACHE_KB")) {
        char *pragma = sqlite3_mprintf("PRAGMA cache_size = -%lld",
                                       atoll(getenv("GRAPH_RAW_CACHE_KB")));

        sqlite3_exec(r->db, pragma, NULL, NULL, NULL);
        sqlite3_free(pragma);
    }
    sqlite3_prepare_v2(r->db,
                       "INSERT INTO objects(id, type, name, score, rank, "
                       "modified, updated_at, body) VALUES(?1, ?2, ?3, ?4, "
                       "?5, ?6, ?7, ?8)",
                       -1, &r->object, NULL);
    sqlite3_prepare_v2(r->db,
                       "INSERT INTO edges(id, type, source, target) "
                       "VALUES(?1, ?2, ?3, ?4)",
                       -1, &r->edge, NULL);
    sqlite3_exec(r->db, "BEGIN", NULL, NULL, NULL);
    gen_graph(objects, relationships, raw_add, r);
    raw_flush(r);
    {
        double start = now_s();
        double cpu_start = cpu_s();

        sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL);
        r->seconds += now_s() - start;
        r->cpu_seconds += cpu_s() - cpu_start;
    }
    printf("raw_rows %lld\nraw_seconds %.3f\nraw_rows_per_s %.0f\n"
           "raw_cpu_seconds %.3f\nraw_rows_per_cpu_s %.0f\n",
           r->rows_done, r->seconds, (double)r->rows_done / r->seconds,
           r->cpu_seconds, (double)r->rows_done / r->cpu_seconds);
    sqlite3_finalize(r->object);
    sqlite3_finalize(r->edge);
    cg_store_close(store);
    free(r);
    return 0;
}

/* ---- pivot latency ---- */

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* Collects the distinct statements a pivot runs, for their plans. */
static int trace_statement(unsigned type, void *data, void *p, void *x)
{
    json_t *seen = data;
    char *sql = sqlite3_expanded_sql(p);

    (void)type;
    (void)x;
    if (sql && !json_object_get(seen, sqlite3_sql(p)))
        json_object_set_new(seen, sqlite3_sql(p), json_string(sql));
    sqlite3_free(sql);
    return 0;
}

static void print_plans(sqlite3 *db, json_t *seen)
{
    const char *key;
    json_t *value;

    json_object_foreach(seen, key, value) {
        char *explain =
            sqlite3_mprintf("EXPLAIN QUERY PLAN %s", json_string_value(value));
        sqlite3_stmt *stmt = NULL;

        printf("plan: %.*s\n", 200, key);
        if (sqlite3_prepare_v2(db, explain, -1, &stmt, NULL) == SQLITE_OK) {
            while (sqlite3_step(stmt) == SQLITE_ROW)
                printf("plan:   %s\n", sqlite3_column_text(stmt, 3));
        }
        sqlite3_finalize(stmt);
        sqlite3_free(explain);
    }
}

/* Reads up to n random ids of type into ids. */
static size_t sample_ids(sqlite3 *db, const char *type, size_t n, char **ids)
{
    sqlite3_stmt *stmt = NULL;
    size_t got = 0;

    sqlite3_prepare_v2(db,
                       "SELECT id FROM objects WHERE type = ?1 "
                       "ORDER BY random() LIMIT ?2",
                       -1, &stmt, NULL);
    sqlite3_bind_text(stmt, 1, type, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)n);
    while (got < n && sqlite3_step(stmt) == SQLITE_ROW)
        ids[got++] = strdup((const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    return got;
}

static int run_pivot(const char *path, const char *via_name, long count)
{
    struct cg_store *store = NULL;
    struct cg_pivot_opts opts = {0, 1, CG_PIVOT_DEFAULT_LIMIT};
    struct cg_error err;
    enum cg_via via;
    char **ids = calloc((size_t)count, sizeof(*ids));
    double *us = calloc((size_t)count, sizeof(*us));
    json_t *seen = json_object();
    size_t n;
    long results = 0;

    if (!cg_via_parse(via_name, &via) || cg_store_open(path, &store, &err) ||
        cg_pivot_prepare(store, &err)) {
        fprintf(stderr, "graph_tool: cannot pivot %s on %s\n", via_name, path);
        return 1;
    }
    opts.vias = 1u << via;
    n = sample_ids(cg_store_db(store),
                   via == CG_VIA_IP ? "domain-name" : "ipv4-addr",
                   (size_t)count, ids);
    for (size_t i = 0; i < n; i++) {
        json_t *out = NULL;
        double start;

        if (i == 0)
            sqlite3_trace_v2(cg_store_db(store), SQLITE_TRACE_STMT,
                             trace_statement, seen);
        start = now_s();
        if (cg_pivot(store, ids[i], &opts, &out, &err) != CG_OK) {
            fprintf(stderr, "graph_tool: pivot failed: %s\n",
                    cg_error_text(&err));
            return 1;
        }
        us[i] = (now_s() - start) * 1e6;
        if (i == 0)
            sqlite3_trace_v2(cg_store_db(store), 0, NULL, NULL);
        results += (long)json_array_size(json_object_get(out, "results"));
        json_decref(out);
        free(ids[i]);
    }
    qsort(us, n, sizeof(*us), compare_double);
    printf("pivot_via %s\npivots %zu\nresults_mean %.1f\n", via_name, n,
           n ? (double)results / (double)n : 0.0);
    printf("p50_us %.0f\np99_us %.0f\nmax_us %.0f\n", n ? us[n / 2] : 0.0,
           n ? us[(n * 99) / 100] : 0.0, n ? us[n - 1] : 0.0);
    print_plans(cg_store_db(store), seen);
    json_decref(seen);
    free(ids);
    free(us);
    cg_store_close(store);
    return 0;
}

int main(int argc, char **argv)
{
    struct cg_bundle_writer writer;

    cg_time_pin(1767225600); /* 2026-01-01, so the output is stable */
    if (cg_stix_ctx_init(&ctx, CG_TLP_AMBER, cg_time_now()) != CG_OK)
        return 1;
    if (argc == 4 && strcmp(argv[1], "gen-graph") == 0) {
        if (cg_bundle_writer_begin(&writer, stdout, false) != CG_OK)
            return 1;
        gen_graph(atol(argv[2]), atol(argv[3]), write_object, &writer);
        return cg_bundle_writer_end(&writer) == CG_OK ? 0 : 1;
    }
    if (argc == 3 && strcmp(argv[1], "gen-phishing") == 0) {
        if (cg_bundle_writer_begin(&writer, stdout, false) != CG_OK)
            return 1;
        gen_phishing(atol(argv[2]), write_object, &writer);
        return cg_bundle_writer_end(&writer) == CG_OK ? 0 : 1;
    }
    if (argc == 5 && strcmp(argv[1], "raw") == 0)
        return run_raw(argv[2], atol(argv[3]), atol(argv[4]));
    if (argc == 5 && strcmp(argv[1], "pivot") == 0)
        return run_pivot(argv[2], argv[3], atol(argv[4]));
    fprintf(stderr, "usage: graph_tool gen-graph OBJECTS RELATIONSHIPS | "
                    "gen-phishing DOMAINS | raw DB OBJECTS RELATIONSHIPS | "
                    "pivot DB asn|cve|ip COUNT\n");
    return 2;
}
