/*
 * STIX import: the streaming splitter on bundles, JSON Lines, arrays,
 * truncated and oversized input; object validation rule by rule; the id
 * set; and the import loop's reports.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stix/import.h"

/* ---- splitter ---- */

struct pieces {
    int objects;
    int too_large;
    int containers;
    char texts[8][256];
    uint64_t offsets[8];
};

static enum cg_err collect(const struct cg_split_piece *piece, void *data)
{
    struct pieces *p = data;

    if (piece->kind == CG_SPLIT_OBJECT) {
        if (p->objects < 8) {
            snprintf(p->texts[p->objects], sizeof(p->texts[0]), "%.*s",
                     (int)piece->len, piece->text);
            p->offsets[p->objects] = piece->offset;
        }
        p->objects++;
    } else if (piece->kind == CG_SPLIT_TOO_LARGE) {
        p->too_large++;
    } else {
        p->containers++;
    }
    return CG_OK;
}

/* Splits text fed in chunks of step bytes; returns the end's result. */
static enum cg_err split(const char *text, size_t step, size_t max,
                         struct pieces *p)
{
    struct cg_splitter *s = NULL;
    struct cg_error err;
    size_t len = strlen(text);
    enum cg_err rc;

    memset(p, 0, sizeof(*p));
    assert_int_equal(cg_splitter_new(max, &s), CG_OK);
    for (size_t i = 0; i < len; i += step) {
        rc = cg_splitter_feed(s, text + i, len - i < step ? len - i : step,
                              collect, p, &err);
        if (rc != CG_OK) {
            cg_splitter_free(s);
            return rc;
        }
    }
    rc = cg_splitter_end(s, &err);
    cg_splitter_free(s);
    return rc;
}

static const char bundle[] =
    "{\"type\": \"bundle\", \"id\": \"bundle--1\", \"objects\": [\n"
    "  {\"id\": \"a\", \"text\": \"brace } and ] and \\\" quote\"},\n"
    "  {\"id\": \"b\", \"objects\": [1, 2, {\"x\": \"]\"}]},\n"
    "  {\"id\": \"c\"}\n"
    "]}\n";

static void test_split_bundle(void **state)
{
    struct pieces p;

    (void)state;
    for (size_t step = 1; step <= sizeof(bundle); step += 7) {
        assert_int_equal(split(bundle, step, 0, &p), CG_OK);
        assert_int_equal(p.objects, 3);
        assert_int_equal(p.containers, 1);
        assert_string_equal(p.texts[0],
                            "{\"id\": \"a\", \"text\": \"brace } and ] and "
                            "\\\" quote\"}");
        assert_string_equal(p.texts[1],
                            "{\"id\": \"b\", \"objects\": [1, 2, {\"x\": "
                            "\"]\"}]}");
        assert_string_equal(p.texts[2], "{\"id\": \"c\"}");
        assert_int_equal(p.offsets[0], 53);
    }
}

static void test_split_json_lines(void **state)
{
    struct pieces p;

    (void)state;
    assert_int_equal(
        split("{\"id\":\"a\"}\n{\"id\":\"b\"}\r\n\n{\"id\":\"c\"}", 3, 0, &p),
        CG_OK);
    assert_int_equal(p.objects, 3);
    assert_int_equal(p.containers, 0);
    assert_string_equal(p.texts[1], "{\"id\":\"b\"}");
}

static void test_split_single_object(void **state)
{
    struct pieces p;

    (void)state;
    assert_int_equal(
        split("\xEF\xBB\xBF {\"type\": \"indicator\"} ", 64, 0, &p), CG_OK);
    assert_int_equal(p.objects, 1);
    assert_string_equal(p.texts[0], "{\"type\": \"indicator\"}");
}

static void test_split_top_array(void **state)
{
    struct pieces p;

    (void)state;
    assert_int_equal(split("[{\"id\":\"a\"}, {\"id\":\"b\"}]", 5, 0, &p),
                     CG_OK);
    assert_int_equal(p.objects, 2);
    assert_string_equal(p.texts[1], "{\"id\":\"b\"}");
}

static void test_split_truncated(void **state)
{
    struct pieces p;

    (void)state;
    assert_int_equal(
        split("{\"objects\": [{\"id\":\"a\"}, {\"id\":\"b\", \"x\"", 4, 0, &p),
        CG_ERR_PARSE);
    assert_int_equal(p.objects, 1);
    assert_int_equal(split("{\"objects\": [{\"id\":\"a\"},", 4, 0, &p),
                     CG_ERR_PARSE);
    assert_int_equal(p.objects, 1);
}

static void test_split_too_large(void **state)
{
    char text[4096];
    struct pieces p;

    (void)state;
    snprintf(
        text, sizeof(text),
        "{\"objects\": [{\"id\":\"a\"}, {\"id\":\"%0*d\"}, {\"id\":\"c\"}]}",
        2000, 7);
    assert_int_equal(split(text, 100, 1024, &p), CG_OK);
    assert_int_equal(p.objects, 2);
    assert_int_equal(p.too_large, 1);
    assert_string_equal(p.texts[1], "{\"id\":\"c\"}");
}

static void test_split_syntax_error(void **state)
{
    struct pieces p;

    (void)state;
    assert_int_equal(split("{\"id\":\"a\"}\nnot json", 64, 0, &p),
                     CG_ERR_PARSE);
    assert_int_equal(p.objects, 1);
    assert_int_equal(split("{\"objects\": [{}}", 64, 0, &p), CG_ERR_PARSE);
}

/* ---- validation ---- */

static const char *validate_text(const char *text)
{
    static char reason[CG_STIX_REASON_SIZE];
    json_error_t jerr;
    json_t *obj = json_loads(text, 0, &jerr);
    bool ok;

    assert_non_null(obj);
    ok = cg_stix_validate(obj, reason);
    json_decref(obj);
    return ok ? NULL : reason;
}

#define SDO_HEAD                                                         \
    "\"spec_version\":\"2.1\",\"created\":\"2024-01-01T00:00:00.000Z\"," \
    "\"modified\":\"2024-01-02T00:00:00.000Z\""
#define UUID "00000000-0000-4000-8000-000000000001"

static void test_validate_valid(void **state)
{
    (void)state;
    assert_null(
        validate_text("{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID
                      "\",\"value\":\"203.0.113.7\"}"));
    assert_null(
        validate_text("{\"type\":\"ipv6-addr\",\"id\":\"ipv6-addr--" UUID
                      "\",\"value\":\"2001:db8::/32\"}"));
    assert_null(validate_text(
        "{\"type\":\"indicator\",\"id\":\"indicator--" UUID "\"," SDO_HEAD
        ",\"pattern\":\"[ipv4-addr:value = '1.2.3.4']\",\"pattern_type\":"
        "\"stix\",\"valid_from\":\"2024-01-01T00:00:00Z\"}"));
    assert_null(validate_text(
        "{\"type\":\"relationship\",\"id\":\"relationship--" UUID "\"," SDO_HEAD
        ",\"relationship_type\":\"resolves-to\",\"source_ref\":\"domain-name--" UUID
        "\",\"target_ref\":\"ipv4-addr--" UUID "\"}"));
    assert_null(validate_text("{\"type\":\"location\",\"id\":\"location--" UUID
                              "\"," SDO_HEAD ",\"country\":\"FR\"}"));
    assert_null(validate_text("{\"type\":\"x-custom-thing\",\"id\":\"x-custom-"
                              "thing--" UUID "\"," SDO_HEAD "}"));
}

/* Each case breaks one rule; the reason must name it. */
static void test_validate_rejects(void **state)
{
    static const char *const cases[][2] = {
        {"[1]", "not a JSON object"},
        {"{\"id\":\"ipv4-addr--" UUID "\",\"value\":\"1.2.3.4\"}", "type"},
        {"{\"type\":\"bundle\",\"id\":\"bundle--" UUID "\"}", "nested"},
        {"{\"type\":\"ipv4-addr\",\"id\":\"domain-name--" UUID
         "\",\"value\":\"1.2.3.4\"}",
         "id"},
        {"{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--not-a-uuid\","
         "\"value\":\"1.2.3.4\"}",
         "id"},
        {"{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID "\"}",
         "missing value"},
        {"{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID
         "\",\"value\":\"1.2.3.999\"}",
         "not an IPv4"},
        {"{\"type\":\"domain-name\",\"id\":\"domain-name--" UUID
         "\",\"value\":\"bad name.com\"}",
         "not a domain"},
        {"{\"type\":\"url\",\"id\":\"url--" UUID "\",\"value\":\"no-scheme\"}",
         "not a URL"},
        {"{\"type\":\"autonomous-system\",\"id\":\"autonomous-system--" UUID
         "\",\"number\":-1}",
         "number"},
        {"{\"type\":\"indicator\",\"id\":\"indicator--" UUID "\"," SDO_HEAD
         ",\"pattern_type\":\"stix\",\"valid_from\":\"2024-01-01T00:00:00Z\"}",
         "missing pattern"},
        {"{\"type\":\"indicator\",\"id\":\"indicator--" UUID "\"," SDO_HEAD
         ",\"pattern\":\"[x]\",\"pattern_type\":\"stix\"}",
         "valid_from"},
        {"{\"type\":\"indicator\",\"id\":\"indicator--" UUID
         "\",\"spec_version\":\"2.1\",\"pattern\":\"[x]\",\"pattern_type\":"
         "\"stix\",\"valid_from\":\"2024-01-01T00:00:00Z\"}",
         "missing created"},
        {"{\"type\":\"vulnerability\",\"id\":\"vulnerability--" UUID
         "\",\"spec_version\":\"2.1\",\"created\":\"2024-01-02T00:00:00.000Z\","
         "\"modified\":\"2024-01-01T00:00:00.000Z\",\"name\":\"CVE-1\"}",
         "earlier"},
        {"{\"type\":\"vulnerability\",\"id\":\"vulnerability--" UUID "\","
         "\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":"
         "\"2024-01-01T00:00:00.000Z\",\"name\":\"CVE-1\"}",
         "spec_version"},
        {"{\"type\":\"relationship\",\"id\":\"relationship--" UUID
         "\"," SDO_HEAD
         ",\"relationship_type\":\"uses\",\"source_ref\":\"malware--" UUID
         "\"}",
         "target_ref"},
        {"{\"type\":\"relationship\",\"id\":\"relationship--" UUID
         "\"," SDO_HEAD
         ",\"relationship_type\":\"uses\",\"source_ref\":\"relationship--" UUID
         "\",\"target_ref\":\"malware--" UUID "\"}",
         "domain objects"},
        {"{\"type\":\"location\",\"id\":\"location--" UUID "\"," SDO_HEAD
         ",\"name\":\"Nowhere\"}",
         "region, country"},
        {"{\"type\":\"location\",\"id\":\"location--" UUID "\"," SDO_HEAD
         ",\"latitude\":10}",
         "together"},
        {"{\"type\":\"location\",\"id\":\"location--" UUID "\"," SDO_HEAD
         ",\"latitude\":100,\"longitude\":0}",
         "out of range"},
        {"{\"type\":\"malware\",\"id\":\"malware--" UUID "\"," SDO_HEAD
         ",\"name\":\"x\"}",
         "is_family"},
        {"{\"type\":\"note\",\"id\":\"note--" UUID "\"," SDO_HEAD
         ",\"content\":\"x\"}",
         "object_refs"},
        {"{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID
         "\",\"value\":\"1.2.3.4\",\"created_by_ref\":\"malware--" UUID "\"}",
         "created_by_ref"},
        {"{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID
         "\",\"value\":\"1.2.3.4\",\"object_marking_refs\":[]}",
         "object_marking_refs"},
        {"{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID
         "\",\"value\":\"1.2.3.4\",\"confidence\":101}",
         "confidence"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *reason = validate_text(cases[i][0]);

        if (!reason || !strstr(reason, cases[i][1]))
            fail_msg("case %zu: expected a reason with '%s', got '%s'", i,
                     cases[i][1], reason ? reason : "(valid)");
    }
}

static void test_timestamps(void **state)
{
    (void)state;
    assert_true(cg_stix_timestamp_valid("2024-02-29T23:59:60Z", false));
    assert_true(cg_stix_timestamp_valid("2024-01-01T00:00:00.123456Z", true));
    assert_false(cg_stix_timestamp_valid("2024-01-01T00:00:00Z", true));
    assert_false(cg_stix_timestamp_valid("2024-13-01T00:00:00Z", false));
    assert_false(cg_stix_timestamp_valid("2024-01-01T00:00:00+01:00", false));
    assert_false(cg_stix_timestamp_valid("2024-01-01", false));
}

static void test_id_valid(void **state)
{
    (void)state;
    assert_true(cg_stix_id_valid("indicator--" UUID, "indicator"));
    assert_false(cg_stix_id_valid("indicator--" UUID, "malware"));
    assert_false(cg_stix_id_valid("indicator--00000000-0000-0000-8000-"
                                  "000000000001",
                                  NULL));
    assert_false(cg_stix_id_valid("Indicator--" UUID, NULL));
    assert_false(cg_stix_id_valid("--" UUID, NULL));
}

/* ---- id set ---- */

static void test_idset(void **state)
{
    struct cg_idset set;
    uint8_t previous = 0xff;
    char id[64];

    (void)state;
    cg_idset_init(&set);
    for (int i = 0; i < 5000; i++) {
        snprintf(id, sizeof(id), "ipv4-addr--%d", i);
        assert_int_equal(cg_idset_add(&set, id, CG_IDSET_SEEN, &previous),
                         CG_OK);
        assert_int_equal(previous, 0);
    }
    assert_int_equal(
        cg_idset_add(&set, "ipv4-addr--42", CG_IDSET_STORED, &previous), CG_OK);
    assert_int_equal(previous, CG_IDSET_SEEN);
    assert_int_equal(cg_idset_get(&set, "ipv4-addr--42"),
                     CG_IDSET_SEEN | CG_IDSET_STORED);
    assert_int_equal(cg_idset_get(&set, "ipv4-addr--5000"), 0);
    assert_int_equal(set.count, 5000);
    cg_idset_release(&set);
}

/* ---- the import loop ---- */

struct loop_result {
    int stored;
    int duplicates_stored;
    int reports[CG_IMPORT_SYNTAX + 1];
    char last_reason[256];
};

static enum cg_err put(void *data, const json_t *obj, bool duplicate,
                       struct cg_error *err)
{
    struct loop_result *r = data;

    (void)obj;
    (void)err;
    r->stored++;
    r->duplicates_stored += duplicate;
    return CG_OK;
}

static void report(void *data, const struct cg_import_problem *problem)
{
    struct loop_result *r = data;

    r->reports[problem->kind]++;
    snprintf(r->last_reason, sizeof(r->last_reason), "%s", problem->reason);
}

static void run_loop(const char *text, struct loop_result *r,
                     struct cg_import_stats *stats)
{
    struct cg_idset ids;
    struct cg_import_opts opts = {0, put, report, r, &ids};
    FILE *in = fmemopen((void *)text, strlen(text), "r");
    struct cg_error err;

    memset(r, 0, sizeof(*r));
    cg_idset_init(&ids);
    assert_non_null(in);
    assert_int_equal(cg_import_stream(in, &opts, stats, &err), CG_OK);
    fclose(in);
    cg_idset_release(&ids);
}

#define IP_OBJ(n)                                                          \
    "{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--00000000-0000-4000-8000-" \
    "00000000000" #n "\",\"value\":\"203.0.113." #n "\"}"

static void test_loop_reports_once(void **state)
{
    struct loop_result r;
    struct cg_import_stats stats;

    (void)state;
    run_loop(
        "{\"type\":\"bundle\",\"id\":\"bundle--" UUID
        "\",\"objects\":[" IP_OBJ(1) "," IP_OBJ(2) "," IP_OBJ(1) "," IP_OBJ(
            1) ","
               "{\"type\":\"ipv4-addr\"},"
               "{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID "\","
               "\"value\":\"1.2.3.4\",\"value\":\"dup key\"}]}",
        &r, &stats);
    assert_int_equal(stats.read, 6);
    assert_int_equal(stats.valid, 4);
    assert_int_equal(stats.invalid, 2);
    assert_int_equal(stats.duplicates, 2);
    assert_int_equal(r.stored, 4);
    assert_int_equal(r.duplicates_stored, 2);
    assert_int_equal(r.reports[CG_IMPORT_DUPLICATE], 1);
    assert_int_equal(r.reports[CG_IMPORT_INVALID], 2);
    assert_false(stats.truncated);
}

static void test_loop_truncated(void **state)
{
    struct loop_result r;
    struct cg_import_stats stats;

    (void)state;
    run_loop("{\"type\":\"bundle\",\"objects\":[" IP_OBJ(1) "," IP_OBJ(
                 2) ",{\"type\":\"ipv4-a",
             &r, &stats);
    assert_int_equal(r.stored, 2);
    assert_true(stats.truncated);
    assert_int_equal(r.reports[CG_IMPORT_TRUNCATED], 1);
    assert_non_null(strstr(r.last_reason, "truncated"));
}

static void test_loop_not_bundle(void **state)
{
    struct loop_result r;
    struct cg_import_stats stats;

    (void)state;
    run_loop("{\"type\":\"report\",\"objects\":[" IP_OBJ(1) "]}", &r, &stats);
    assert_int_equal(r.stored, 1);
    assert_int_equal(r.reports[CG_IMPORT_CONTAINER], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_bundle),
        cmocka_unit_test(test_split_json_lines),
        cmocka_unit_test(test_split_single_object),
        cmocka_unit_test(test_split_top_array),
        cmocka_unit_test(test_split_truncated),
        cmocka_unit_test(test_split_too_large),
        cmocka_unit_test(test_split_syntax_error),
        cmocka_unit_test(test_validate_valid),
        cmocka_unit_test(test_validate_rejects),
        cmocka_unit_test(test_timestamps),
        cmocka_unit_test(test_id_valid),
        cmocka_unit_test(test_idset),
        cmocka_unit_test(test_loop_reports_once),
        cmocka_unit_test(test_loop_truncated),
        cmocka_unit_test(test_loop_not_bundle),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
