/*
 * The triage model: configuration loading and its errors, the note
 * reader, the terms and freshness of the priority, and the ranked output
 * of a fixed graph compared exactly with the golden files under
 * tests/data/golden (set CG_UPDATE_GOLDEN=1 to rewrite them after an
 * intended change, then review the diff).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "graph/triage_internal.h"
#include "test_graph_fixture.h"

#define DAY 86400

/* Writes text to a new temporary file and returns its path (static). */
static const char *temp_config(const char *text)
{
    static char path[64];
    int fd;
    FILE *f;

    snprintf(path, sizeof(path), "/tmp/cg-test-triage-XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Loads text as a configuration and returns the error (or CG_OK). */
static enum cg_err load_text(const char *text, struct cg_error *err)
{
    struct cg_triage_weights *w = NULL;
    const char *path = temp_config(text);
    enum cg_err rc = cg_triage_weights_load(path, &w, err);

    cg_triage_weights_free(w);
    unlink(path);
    return rc;
}

static void test_config_defaults_without_file(void **state)
{
    struct cg_triage_weights *w = NULL;
    struct cg_triage_weights defaults;

    (void)state;
    unsetenv("CIPGRAPH_TRIAGE_CONFIG");
    assert_int_equal(cg_triage_weights_load(NULL, &w, NULL), CG_OK);
    cg_triage_weights_default(&defaults);
    assert_memory_equal(w, &defaults, sizeof(defaults));
    cg_triage_weights_free(w);
}

static void test_config_shipped_file_is_default(void **state)
{
    const char *source = getenv("CG_SOURCE_DIR");
    struct cg_triage_weights *w = NULL;
    struct cg_triage_weights defaults;
    char path[1024];
    json_t *loaded;
    json_t *builtin;

    (void)state;
    snprintf(path, sizeof(path), "%s/config/triage.json",
             source ? source : ".");
    assert_int_equal(cg_triage_weights_load(path, &w, NULL), CG_OK);
    cg_triage_weights_default(&defaults);
    loaded = cg_triage_weights_to_json(w);
    builtin = cg_triage_weights_to_json(&defaults);
    assert_true(json_equal(loaded, builtin));
    json_decref(loaded);
    json_decref(builtin);
    cg_triage_weights_free(w);
}

static void test_config_overrides_keys(void **state)
{
    struct cg_triage_weights *w = NULL;
    const char *path = temp_config(
        "{\"outbound\": {\"Critical\": 99}, \"labels\": {\"c2\": 0, "
        "\"mining\": 7}, \"freshness\": {\"half_life_days\": 0}}");

    (void)state;
    assert_int_equal(cg_triage_weights_load(path, &w, NULL), CG_OK);
    assert_true(w->outbound[4] == 99);
    assert_true(w->outbound[3] == 30); /* untouched default */
    assert_string_equal(w->labels[0].name, "c2");
    assert_true(w->labels[0].points == 0);
    assert_string_equal(w->labels[w->label_count - 1].name, "mining");
    assert_true(cg_triage_freshness(w, 0, 1000 * DAY) == 1.0);
    cg_triage_weights_free(w);
    unlink(path);
}

/* Each invalid configuration and the words its message must contain. */
static void test_config_errors_name_key(void **state)
{
    static const struct {
        const char *text;
        const char *key;
        const char *reason;
    } cases[] = {
        {"{\"outbond\": {}}", "key 'outbond'", "unknown key"},
        {"{\"outbound\": {\"Severe\": 1}}", "key 'outbound.Severe'",
         "expected one of Safe"},
        {"{\"outbound\": {\"Critical\": \"high\"}}", "key 'outbound.Critical'",
         "got a string"},
        {"{\"malicious\": -5}", "key 'malicious'", "got -5"},
        {"{\"freshness\": {\"floor\": 1.5}}", "key 'freshness.floor'",
         "from 0 to 1"},
        {"{\"exposure\": {\"cvss\": 9}}", "key 'exposure.cvss'",
         "cvss_threshold"},
        {"{\"labels\": []}", "key 'labels'", "expected an object"},
        {"[1, 2]", "invalid triage configuration", "must be a JSON object"},
        {"{\"malicious\": 10,}", "invalid triage configuration", "line 1"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct cg_error err;

        assert_int_equal(load_text(cases[i].text, &err), CG_ERR_CONFIG);
        if (!strstr(err.msg, cases[i].key) ||
            !strstr(err.msg, cases[i].reason) ||
            !strstr(err.msg, "/tmp/cg-test-triage-")) {
            print_error("case %zu: message '%s'\n", i, err.msg);
            fail();
        }
    }
}

static void test_config_missing_file(void **state)
{
    struct cg_triage_weights *w = NULL;
    struct cg_error err;

    (void)state;
    assert_int_equal(
        cg_triage_weights_load("/nonexistent/triage.json", &w, &err),
        CG_ERR_CONFIG);
    assert_null(w);
    assert_non_null(strstr(err.msg, "/nonexistent/triage.json"));
}

static void init_features(struct cg_triage_features *f)
{
    json_t *empty = json_object();

    cg_triage_features_from_json(empty, f);
    json_decref(empty);
}

static void test_note_reader(void **state)
{
    struct cg_triage_features f;

    (void)state;
    init_features(&f);
    cg_triage_read_note(fixture_note_text, &f);
    /* The closed 8443 row is not a listener. */
    assert_int_equal(f.c2_count, 1);
    assert_int_equal(f.c2[0].port, 50050);
    assert_string_equal(f.c2[0].product, "Cobalt Strike");
    assert_int_equal(f.ids_rows, 2);
    assert_int_equal(f.honeypot_rows, -1);
}

static void test_note_reader_tag_product(void **state)
{
    struct cg_triage_features f;

    (void)state;
    init_features(&f);
    cg_triage_read_note("## Open ports\n\n| Port | Socket | Protocol | "
                        "Product | Version | Tags | CVE |\n|---|---|---|---|"
                        "---|---|---|\n| 443 | tcp | HTTPS |  |  | cloud, "
                        "c2\\_havoc | |\n",
                        &f);
    assert_int_equal(f.c2_count, 1);
    assert_string_equal(f.c2[0].product, "havoc");
}

static void test_explain_terms(void **state)
{
    struct cg_triage_weights w;
    struct cg_triage_features f;
    struct cg_triage_part parts[CG_TRIAGE_MAX_PARTS];
    double base;
    size_t count;

    (void)state;
    cg_triage_weights_default(&w);
    init_features(&f);
    snprintf(f.outbound, sizeof(f.outbound), "Critical");
    snprintf(f.inbound, sizeof(f.inbound), "Low");
    snprintf(f.labels, sizeof(f.labels), "hosting,c2,tor");
    f.c2_count = 1;
    f.c2[0].port = 3790;
    snprintf(f.c2[0].product, sizeof(f.c2[0].product), "Metasploit");
    f.cve_count = 3;
    f.cvss[0] = 9.8;
    f.cvss[1] = 9.0;
    f.cvss[2] = 7.5;
    count = cg_triage_explain(&w, &f, parts, &base);
    assert_int_equal(count, 5);
    assert_string_equal(parts[0].text, "outbound Critical");
    assert_string_equal(parts[1].text, "C2 port 3790 (Metasploit)");
    assert_string_equal(parts[2].text, "2 CVEs CVSS>=9");
    assert_string_equal(parts[3].text, "Tor exit");
    assert_string_equal(parts[4].text, "inbound Low");
    assert_true(base == 40 + 25 + 10 + 8 + 2);
}

static void test_exposure_capped(void **state)
{
    struct cg_triage_weights w;
    struct cg_triage_features f;
    struct cg_triage_part parts[CG_TRIAGE_MAX_PARTS];
    double base;

    (void)state;
    cg_triage_weights_default(&w);
    init_features(&f);
    f.cve_count = 10;
    for (size_t i = 0; i < f.cve_count; i++) {
        f.cvss[i] = 9.9;
        f.exploit[i] = true;
    }
    assert_int_equal(cg_triage_explain(&w, &f, parts, &base), 1);
    assert_true(base == w.exposure_max);
    assert_string_equal(parts[0].text,
                        "10 CVEs CVSS>=9, 10 with a public exploit");
}

static void test_freshness_halves(void **state)
{
    struct cg_triage_weights w;

    (void)state;
    cg_triage_weights_default(&w);
    assert_true(cg_triage_freshness(&w, 1000, 1000) == 1.0);
    assert_true(cg_triage_freshness(&w, 0, 30 * DAY) == 0.5);
    assert_true(cg_triage_freshness(&w, 0, 3650 * DAY) == w.freshness_floor);
    /* A value enriched "in the future" (clock skew) is not boosted. */
    assert_true(cg_triage_freshness(&w, 2 * DAY, DAY) == 1.0);
}

/* Adds one indicators row. summary is JSON text or NULL. */
static void put_value(struct graph_fixture *f, const char *value,
                      const char *kind, const char *status, const char *summary,
                      int64_t age)
{
    char object_id[CG_STIX_ID_SIZE] = "";
    json_t *json = summary ? json_loads(summary, 0, NULL) : NULL;
    struct cg_value_record record = {value,  kind, value, NULL,
                                     status, json, NULL,  FIXTURE_NOW - age};

    if (cg_store_find(f->store, value, NULL, object_id, NULL) == CG_OK)
        record.object_id = object_id;
    assert_true(!summary || json);
    assert_int_equal(cg_store_put_value(f->store, &record, NULL), CG_OK);
    json_decref(json);
}

static void put_values(struct graph_fixture *f)
{
    put_value(f, "198.51.100.1", "ipv4", "ok",
              "{\"inbound\":\"Critical\",\"outbound\":\"Critical\","
              "\"score\":95,\"malicious\":true,\"flags\":\"hosting,c2,"
              "ids-alert\",\"cve_count\":1}",
              3600);
    put_value(f, "198.51.100.2", "ipv4", "ok",
              "{\"inbound\":\"Safe\",\"outbound\":\"Dangerous\",\"score\":75,"
              "\"malicious\":true,\"flags\":\"scanner,honeypot-hit\","
              "\"cve_count\":1}",
              30 * DAY);
    put_value(f, "203.0.113.5", "ipv4", "ok",
              "{\"inbound\":\"Dangerous\",\"outbound\":\"Low\",\"score\":40,"
              "\"malicious\":false,\"flags\":\"tor,vpn,proxy\"}",
              10 * DAY);
    put_value(f, "http://evil.example/login", "url", "ok",
              "{\"score\":80,\"malicious\":true,\"flags\":\"phishing,"
              "credential-harvesting,impersonation\",\"phishing_prob\":87.5}",
              2 * DAY);
    put_value(f, "evil.example", "domain", "ok",
              "{\"score\":20,\"malicious\":false,\"flags\":\"newborn-domain,"
              "dga\",\"phishing_prob\":10}",
              100 * DAY);
    put_value(f, "192.0.2.50", "ipv4", "ok",
              "{\"inbound\":\"Safe\",\"outbound\":\"Safe\",\"score\":0,"
              "\"malicious\":false,\"flags\":\"\"}",
              0);
    put_value(f, "192.0.2.99", "ipv4", "failed", NULL, 0);
}

static int triage_setup(void **state)
{
    if (fixture_setup(state) != 0)
        return -1;
    put_values(*state);
    return 0;
}

/* Runs cg_triage_write and returns its output (free with free()). */
static char *triage_text(struct graph_fixture *f,
                         const struct cg_triage_weights *w,
                         const struct cg_triage_query *query,
                         enum cg_triage_format format)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    struct cg_error err;

    assert_non_null(out);
    if (cg_triage_write(f->store, w, query, format, out, &err) != CG_OK) {
        print_error("triage failed: %s\n", err.msg);
        fail();
    }
    fclose(out);
    return text;
}

/* Compares text with tests/data/golden/name, or rewrites the file when
 * CG_UPDATE_GOLDEN is set. */
static void check_golden(const char *name, const char *text)
{
    const char *source = getenv("CG_SOURCE_DIR");
    char path[1024];
    char expected[65536];
    size_t len;
    FILE *f;

    snprintf(path, sizeof(path), "%s/tests/data/golden/%s",
             source ? source : ".", name);
    if (getenv("CG_UPDATE_GOLDEN")) {
        f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
        return;
    }
    f = fopen(path, "r");
    if (!f) {
        print_error("cannot read %s; set CG_SOURCE_DIR\n", path);
        fail();
    }
    len = fread(expected, 1, sizeof(expected) - 1, f);
    fclose(f);
    expected[len] = '\0';
    if (strcmp(expected, text) != 0) {
        print_error("%s differs; got:\n%s\n", path, text);
        fail();
    }
}

static void test_golden_outputs(void **state)
{
    static const struct {
        enum cg_triage_format format;
        const char *file;
    } outputs[] = {{CG_TRIAGE_TABLE, "triage_table.txt"},
                   {CG_TRIAGE_CSV, "triage.csv"},
                   {CG_TRIAGE_JSON, "triage.json"}};
    struct graph_fixture *f = *state;
    struct cg_triage_query query = {0, NULL, 0, false};
    struct cg_triage_weights w;

    cg_triage_weights_default(&w);
    for (size_t i = 0; i < sizeof(outputs) / sizeof(outputs[0]); i++) {
        char *text = triage_text(f, &w, &query, outputs[i].format);

        check_golden(outputs[i].file, text);
        free(text);
    }
}

/* Returns the values of the CSV output in rank order, ','-joined. */
static char *ranked_values(struct graph_fixture *f,
                           const struct cg_triage_weights *w,
                           const struct cg_triage_query *query)
{
    char *text = triage_text(f, w, query, CG_TRIAGE_CSV);
    char values[1024] = "";
    char *save = NULL;
    char *line = strtok_r(text, "\n", &save);

    for (line = strtok_r(NULL, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *value = strchr(strchr(line, ',') + 1, ',') + 1;

        if (*values)
            strcat(values, ",");
        strncat(values, value, strcspn(value, ","));
    }
    free(text);
    return strdup(values);
}

static void test_limit_keeps_top_rows(void **state)
{
    struct graph_fixture *f = *state;
    struct cg_triage_query all = {0, NULL, 0, false};
    struct cg_triage_query top = {2, NULL, 0, false};
    struct cg_triage_weights w;
    char *every;
    char *first;

    cg_triage_weights_default(&w);
    every = ranked_values(f, &w, &all);
    first = ranked_values(f, &w, &top);
    assert_string_equal(every, "198.51.100.1,http://evil.example/login,"
                               "198.51.100.2,203.0.113.5,evil.example,"
                               "192.0.2.50");
    assert_string_equal(first, "198.51.100.1,http://evil.example/login");
    free(every);
    free(first);
}

static void test_filters_kind_and_since(void **state)
{
    struct graph_fixture *f = *state;
    struct cg_triage_query ips = {0, "ip", 0, false};
    struct cg_triage_query recent = {0, NULL, FIXTURE_NOW - 5 * DAY, false};
    struct cg_triage_weights w;
    char *values;

    cg_triage_weights_default(&w);
    values = ranked_values(f, &w, &ips);
    assert_string_equal(values,
                        "198.51.100.1,198.51.100.2,203.0.113.5,192.0.2.50");
    free(values);
    values = ranked_values(f, &w, &recent);
    assert_string_equal(values,
                        "198.51.100.1,http://evil.example/login,192.0.2.50");
    free(values);
}

static void test_invalid_kind(void **state)
{
    struct graph_fixture *f = *state;
    struct cg_triage_query query = {0, "hash", 0, false};
    struct cg_triage_weights w;
    struct cg_error err;
    FILE *out = fopen("/dev/null", "w");

    cg_triage_weights_default(&w);
    assert_int_equal(
        cg_triage_write(f->store, &w, &query, CG_TRIAGE_TABLE, out, &err),
        CG_ERR_INVALID);
    assert_non_null(strstr(err.msg, "'hash'"));
    fclose(out);
}

static void test_new_weights_rescore(void **state)
{
    struct graph_fixture *f = *state;
    struct cg_triage_query query = {1, NULL, 0, false};
    struct cg_triage_weights w;
    char *values;

    cg_triage_weights_default(&w);
    values = ranked_values(f, &w, &query);
    assert_string_equal(values, "198.51.100.1");
    free(values);
    /* Stored base priorities must follow the new weights. */
    w.phishing_max = 500;
    values = ranked_values(f, &w, &query);
    assert_string_equal(values, "http://evil.example/login");
    free(values);
}

static void test_reenrichment_updates_features(void **state)
{
    struct graph_fixture *f = *state;
    struct cg_triage_query query = {1, NULL, 0, false};
    struct cg_triage_weights w;
    char *values;

    cg_triage_weights_default(&w);
    values = ranked_values(f, &w, &query);
    assert_string_equal(values, "198.51.100.1");
    free(values);
    put_value(f, "203.0.113.5", "ipv4", "ok",
              "{\"inbound\":\"Critical\",\"outbound\":\"Critical\","
              "\"score\":95,\"malicious\":true,\"flags\":\"c2,tor,scanner,"
              "darkweb\"}",
              0);
    values = ranked_values(f, &w, &query);
    assert_string_equal(values, "203.0.113.5");
    free(values);
    /* A failed enrichment takes the value out of the ranking. */
    put_value(f, "203.0.113.5", "ipv4", "failed", NULL, 0);
    values = ranked_values(f, &w, &query);
    assert_string_equal(values, "198.51.100.1");
    free(values);
}

static void test_refresh_reads_graph_again(void **state)
{
    struct graph_fixture *f = *state;
    struct cg_triage_query query = {0, "ip", 0, false};
    struct cg_triage_weights w;
    json_t *c = cg_stix_observable(&f->ctx, "ipv4-addr", "203.0.113.5");
    json_t *cve = cg_stix_vulnerability(&f->ctx, "CVE-2021-44228");
    char *values;

    cg_triage_weights_default(&w);
    free(ranked_values(f, &w, &query));
    /* A CVE linked without a new enrichment is seen only with refresh. */
    fixture_relate(f, "related-to", c, cve);
    json_decref(c);
    json_decref(cve);
    w.per_high_cve = 100;
    w.exposure_max = 100;
    values = ranked_values(f, &w, &query);
    assert_string_equal(values,
                        "198.51.100.1,198.51.100.2,203.0.113.5,192.0.2.50");
    free(values);
    query.refresh = true;
    values = ranked_values(f, &w, &query);
    assert_string_equal(values,
                        "198.51.100.1,203.0.113.5,198.51.100.2,192.0.2.50");
    free(values);
}

/* Returns the EXPLAIN QUERY PLAN rows of sql, joined by '\n'. */
static char *query_plan(struct graph_fixture *f, const char *sql)
{
    char full[1024];
    char plan[1024] = "";
    sqlite3_stmt *stmt = NULL;

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
 * The ranking reads the feature table in index order and stops early. The
 * sync finds new values through the enriched_at index. The statements are
 * copied from triage_output.c and triage_features.c.
 */
static void test_triage_plans_use_indexes(void **state)
{
    struct graph_fixture *f = *state;
    struct cg_triage_query query = {1, NULL, 0, false};
    struct cg_triage_weights w;
    char *plan;

    cg_triage_weights_default(&w);
    free(triage_text(f, &w, &query, CG_TRIAGE_CSV));
    plan = query_plan(f, "SELECT value, kind, enriched_at, base, features "
                         "FROM triage_features WHERE (?1 IS NULL OR kind = "
                         "?1 OR kind = ?2) AND enriched_at >= ?3 ORDER BY "
                         "base DESC, value");
    assert_non_null(strstr(plan, "USING INDEX triage_features_base"));
    assert_null(strstr(plan, "TEMP B-TREE"));
    free(plan);
    plan = query_plan(f, "SELECT value, kind, enriched_at, base, features "
                         "FROM triage_features WHERE kind = ?1 AND "
                         "enriched_at >= ?3 ORDER BY base DESC, value");
    assert_non_null(strstr(plan, "SEARCH triage_features USING INDEX "
                                 "triage_features_kind (kind=?)"));
    assert_null(strstr(plan, "TEMP B-TREE"));
    free(plan);
    plan = query_plan(f, "SELECT value, kind, display, object_id, status, "
                         "summary, enriched_at FROM indicators WHERE "
                         "enriched_at >= ?1");
    assert_non_null(strstr(plan, "SEARCH indicators USING INDEX "
                                 "indicators_enriched"));
    free(plan);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_defaults_without_file),
        cmocka_unit_test(test_config_shipped_file_is_default),
        cmocka_unit_test(test_config_overrides_keys),
        cmocka_unit_test(test_config_errors_name_key),
        cmocka_unit_test(test_config_missing_file),
        cmocka_unit_test(test_note_reader),
        cmocka_unit_test(test_note_reader_tag_product),
        cmocka_unit_test(test_explain_terms),
        cmocka_unit_test(test_exposure_capped),
        cmocka_unit_test(test_freshness_halves),
#define T(name) \
    cmocka_unit_test_setup_teardown(name, triage_setup, fixture_teardown)
        T(test_golden_outputs),
        T(test_limit_keeps_top_rows),
        T(test_filters_kind_and_since),
        T(test_invalid_kind),
        T(test_new_weights_rescore),
        T(test_reenrichment_updates_features),
        T(test_refresh_reads_graph_again),
        T(test_triage_plans_use_indexes),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
