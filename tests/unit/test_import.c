/*
 * STIX import: the streaming splitter on bundles, JSON Lines, arrays,
 * truncated and oversized input, object validation rule by rule, the id
 * set and the import loop's reports. The last tests import into a real
 * store, where objects that arrive under other ids take their
 * deterministic ids.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stix/id.h"
#include "stix/import.h"
#include "store/store.h"

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
    json_t *obj = json_loads(text, JSON_ALLOW_NUL, &jerr);
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

/* Values at the edges of the rules that must stay accepted. */
static void test_validate_valid_edges(void **state)
{
    static const char *const cases[] = {
        "{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID
        "\",\"value\":\"203.0.113.7\",\"x_opencti_score\":0}",
        "{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID
        "\",\"value\":\"203.0.113.7\",\"x_opencti_score\":100}",
        "{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID
        "\",\"value\":\"203.0.113.7\",\"extensions\":{\"extension-"
        "definition--f93e2c80-4231-4f9a-af8b-95c9bd566a82\":{\"extension_"
        "type\":\"property-extension\",\"score\":40}}}",
        "{\"type\":\"file\",\"id\":\"file--" UUID "\",\"name\":\"a.exe\","
        "\"extensions\":{\"windows-pebinary-ext\":{\"pe_type\":\"exe\"}}}",
        "{\"type\":\"artifact\",\"id\":\"artifact--" UUID
        "\",\"payload_bin\":\"aGVsbG8=\"}",
        "{\"type\":\"relationship\",\"id\":\"relationship--" UUID "\"," SDO_HEAD
        ",\"relationship_type\":\"related-to\",\"source_ref\":"
        "\"ipv4-addr--" UUID "\",\"target_ref\":\"identity--" UUID "\"}",
        "{\"type\":\"relationship\",\"id\":\"relationship--" UUID "\"," SDO_HEAD
        ",\"relationship_type\":\"located-at\",\"source_ref\":"
        "\"ipv4-addr--" UUID "\",\"target_ref\":\"location--" UUID "\"}",
        "{\"type\":\"relationship\",\"id\":\"relationship--" UUID "\"," SDO_HEAD
        ",\"relationship_type\":\"located-at\",\"source_ref\":"
        "\"identity--" UUID "\",\"target_ref\":\"location--" UUID "\"}",
        "{\"type\":\"relationship\",\"id\":\"relationship--" UUID "\"," SDO_HEAD
        ",\"relationship_type\":\"based-on\",\"source_ref\":"
        "\"indicator--" UUID "\",\"target_ref\":\"url--" UUID "\"}",
        "{\"type\":\"relationship\",\"id\":\"relationship--" UUID "\"," SDO_HEAD
        ",\"relationship_type\":\"uses\",\"source_ref\":"
        "\"intrusion-set--" UUID "\",\"target_ref\":\"malware--" UUID "\"}",
        "{\"type\":\"relationship\",\"id\":\"relationship--" UUID "\"," SDO_HEAD
        ",\"relationship_type\":\"communicates-with\","
        "\"source_ref\":\"url--" UUID "\",\"target_ref\":\"domain-name--" UUID
        "\"}",
        "{\"type\":\"relationship\",\"id\":\"relationship--" UUID "\"," SDO_HEAD
        ",\"relationship_type\":\"uses\",\"source_ref\":"
        "\"domain-name--" UUID "\",\"target_ref\":\"attack-pattern--" UUID
        "\"}",
        "{\"type\":\"relationship\",\"id\":\"relationship--" UUID "\"," SDO_HEAD
        ",\"relationship_type\":\"drops\",\"source_ref\":"
        "\"file--" UUID "\",\"target_ref\":\"artifact--" UUID "\"}",
        "{\"type\":\"relationship\",\"id\":\"relationship--" UUID "\"," SDO_HEAD
        ",\"relationship_type\":\"based-on\",\"source_ref\":"
        "\"infrastructure--" UUID "\",\"target_ref\":\"ipv4-addr--" UUID "\"}",
        "{\"type\":\"relationship\",\"id\":\"relationship--" UUID "\"," SDO_HEAD
        ",\"relationship_type\":\"belongs-to\",\"source_ref\":"
        "\"identity--" UUID "\",\"target_ref\":\"identity--" UUID "\"}",
        "{\"type\":\"relationship\",\"id\":\"relationship--" UUID "\"," SDO_HEAD
        ",\"relationship_type\":\"resolves-to\",\"source_ref\":"
        "\"ipv6-addr--" UUID "\",\"target_ref\":\"mac-addr--" UUID "\"}",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *reason = validate_text(cases[i]);

        if (reason)
            fail_msg("case %zu: expected valid, got '%s'", i, reason);
    }
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
        {"{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID
         "\",\"value\":12345}",
         "value is a number, not a string"},
        {"{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID
         "\",\"value\":\"1.2.3.4\\u0000x\"}",
         "value contains a NUL byte"},
        {"{\"type\":\"domain-name\",\"id\":\"domain-name--" UUID
         "\",\"value\":\"\"}",
         "value is empty"},
        {"{\"type\":\"malware\",\"id\":\"malware--" UUID "\"," SDO_HEAD
         ",\"name\":\"x\",\"is_family\":\"yes\"}",
         "is_family is a string, not a boolean"},
        {"{\"type\":\"vulnerability\",\"id\":\"vulnerability--" UUID
         "\"," SDO_HEAD ",\"name\":[\"CVE-1\"]}",
         "name is a list, not a string"},
        {"{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID
         "\",\"value\":\"1.2.3.4\",\"x_opencti_score\":\"high\"}",
         "x_opencti_score \"high\" is not an integer from 0 to 100"},
        {"{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID
         "\",\"value\":\"1.2.3.4\",\"x_opencti_score\":-50}",
         "x_opencti_score -50 is not an integer"},
        {"{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID
         "\",\"value\":\"1.2.3.4\",\"x_opencti_score\":1e308}",
         "x_opencti_score 1"},
        {"{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID
         "\",\"value\":\"1.2.3.4\",\"x_opencti_score\":101}",
         "x_opencti_score 101 is not"},
        {"{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID
         "\",\"value\":\"1.2.3.4\",\"extensions\":{\"extension-definition"
         "--f93e2c80-4231-4f9a-af8b-95c9bd566a82\":{\"extension_type\":"
         "\"property-extension\",\"score\":500}}}",
         "OpenCTI score 500"},
        {"{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID
         "\",\"value\":\"1.2.3.4\",\"extensions\":{\"x\":\"y\"}}",
         "extension name 'x'"},
        {"{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID
         "\",\"value\":\"1.2.3.4\",\"extensions\":{\"foo-ext\":\"y\"}}",
         "extension 'foo-ext' is not a non-empty object"},
        {"{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID
         "\",\"value\":\"1.2.3.4\",\"extensions\":\"x\"}",
         "extensions is not a non-empty object"},
        {"{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID
         "\",\"value\":\"1.2.3.4\",\"extensions\":{\"extension-definition"
         "--" UUID "\":{\"score\":5}}}",
         "extension_type"},
        {"{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID
         "\",\"value\":\"1.2.3.4\",\"extensions\":{\"foo-ext\":{\"a\":1}}}",
         "property name 'a'"},
        {"{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID
         "\",\"value\":\"1.2.3.4\",\"x_note\":null}",
         "x_note is null"},
        {"{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID
         "\",\"value\":\"1.2.3.4\",\"x_tags\":[]}",
         "x_tags is an empty list"},
        {"{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID
         "\",\"value\":\"1.2.3.4\",\"X\":1}",
         "property name 'X'"},
        {"{\"type\":\"artifact\",\"id\":\"artifact--" UUID
         "\",\"payload_bin\":\"not base64!\"}",
         "payload_bin is not a base64 string"},
        {"{\"type\":\"relationship\",\"id\":\"relationship--" UUID
         "\"," SDO_HEAD
         ",\"relationship_type\":\"bogus-type\",\"source_ref\":\"malware--" UUID
         "\",\"target_ref\":\"malware--" UUID "\"}",
         "'bogus-type' is not a type OpenCTI accepts"},
        {"{\"type\":\"relationship\",\"id\":\"relationship--" UUID
         "\"," SDO_HEAD
         ",\"relationship_type\":\"x-hosted-by\",\"source_ref\":\"malware--" UUID
         "\",\"target_ref\":\"malware--" UUID "\"}",
         "custom type"},
        {"{\"type\":\"relationship\",\"id\":\"relationship--" UUID
         "\"," SDO_HEAD
         ",\"relationship_type\":\"resolves-to\",\"source_ref\":\"ipv4-addr--" UUID
         "\",\"target_ref\":\"identity--" UUID "\"}",
         "does not accept resolves-to from ipv4-addr to identity"},
        {"{\"type\":\"relationship\",\"id\":\"relationship--" UUID
         "\"," SDO_HEAD
         ",\"relationship_type\":\"indicates\",\"source_ref\":\"ipv4-addr--" UUID
         "\",\"target_ref\":\"malware--" UUID "\"}",
         "does not accept indicates from ipv4-addr to malware"},
        {"{\"type\":\"relationship\",\"id\":\"relationship--" UUID
         "\"," SDO_HEAD
         ",\"relationship_type\":\"located-at\",\"source_ref\":\"identity--" UUID
         "\",\"target_ref\":\"malware--" UUID "\"}",
         "does not accept located-at from identity to malware"},
        {"{\"type\":\"relationship\",\"id\":\"relationship--" UUID
         "\"," SDO_HEAD
         ",\"relationship_type\":\"uses\",\"source_ref\":\"domain-name--" UUID
         "\",\"target_ref\":\"malware--" UUID "\"}",
         "does not accept uses from domain-name"},
        {"{\"type\":\"relationship\",\"id\":\"relationship--" UUID
         "\"," SDO_HEAD
         ",\"relationship_type\":\"drops\",\"source_ref\":\"ipv4-addr--" UUID
         "\",\"target_ref\":\"file--" UUID "\"}",
         "does not accept drops from ipv4-addr to file"},
        {"{\"type\":\"relationship\",\"id\":\"relationship--" UUID
         "\"," SDO_HEAD
         ",\"relationship_type\":\"based-on\",\"source_ref\":\"malware--" UUID
         "\",\"target_ref\":\"ipv4-addr--" UUID "\"}",
         "does not accept based-on from malware to ipv4-addr"},
        {"{\"type\":\"relationship\",\"id\":\"relationship--" UUID
         "\"," SDO_HEAD
         ",\"relationship_type\":\"belongs-to\",\"source_ref\":\"domain-name--" UUID
         "\",\"target_ref\":\"autonomous-system--" UUID "\"}",
         "does not accept belongs-to from domain-name"},
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
    int reports[CG_IMPORT_EMPTY + 1];
    char last_reason[256];
};

/* The value put rejects, as the store rejects an object it cannot keep. */
#define REJECTED_VALUE "198.51.100.66"

static enum cg_err put(void *data, const json_t *obj, bool duplicate,
                       struct cg_error *err)
{
    struct loop_result *r = data;
    const char *value = json_string_value(json_object_get(obj, "value"));

    if (value && strcmp(value, REJECTED_VALUE) == 0)
        return cg_error_set(err, CG_ERR_STIX_INVALID, "rejected by the store");
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

static void test_loop_empty_input(void **state)
{
    static const char *const inputs[] = {"", " \n\t\r\n", "\xEF\xBB\xBF\n"};
    struct loop_result r;
    struct cg_import_stats stats;

    (void)state;
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        run_loop(inputs[i], &r, &stats);
        assert_true(stats.empty);
        assert_int_equal(r.reports[CG_IMPORT_EMPTY], 1);
        assert_non_null(strstr(r.last_reason, "empty"));
        assert_int_equal(stats.read, 0);
    }
}

/* A bundle without "objects" (how the export writes an empty graph) and
 * an empty array hold no object, but they are not empty input. */
static void test_loop_empty_bundle(void **state)
{
    struct loop_result r;
    struct cg_import_stats stats;

    (void)state;
    run_loop("{\"type\":\"bundle\",\"id\":\"bundle--" UUID "\"}\n", &r, &stats);
    assert_false(stats.empty);
    assert_int_equal(stats.read, 0);
    assert_int_equal(stats.invalid, 0);
    assert_int_equal(r.reports[CG_IMPORT_INVALID], 0);
    run_loop("[]", &r, &stats);
    assert_false(stats.empty);
    assert_int_equal(stats.read, 0);
    /* Inside a bundle, a bundle is still an invalid object. */
    run_loop("{\"type\":\"bundle\",\"objects\":[{\"type\":\"bundle\","
             "\"id\":\"bundle--" UUID "\"}]}",
             &r, &stats);
    assert_int_equal(stats.invalid, 1);
    assert_non_null(strstr(r.last_reason, "nested"));
}

static void test_loop_put_rejects(void **state)
{
    struct loop_result r;
    struct cg_import_stats stats;

    (void)state;
    run_loop(IP_OBJ(1) "\n"
                       "{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" UUID
                       "\",\"value\":\"" REJECTED_VALUE "\"}\n" IP_OBJ(2),
             &r, &stats);
    assert_int_equal(stats.read, 3);
    assert_int_equal(stats.valid, 2);
    assert_int_equal(stats.invalid, 1);
    assert_int_equal(r.stored, 2);
    assert_int_equal(r.reports[CG_IMPORT_INVALID], 1);
    assert_string_equal(r.last_reason, "rejected by the store");
}

/* ---- import into a store: deterministic ids ---- */

#define FOREIGN(n) "11111111-1111-4111-8111-11111111111" #n
#define TIMES                                                            \
    "\"spec_version\":\"2.1\",\"created\":\"2024-01-01T00:00:00.000Z\"," \
    "\"modified\":\"2024-01-01T00:00:00.000Z\""

struct store_fixture {
    char path[64];
    struct cg_store *store;
    struct loop_result r;
    struct cg_import_stats stats;
    struct cg_bulk_stats bulk_stats;
    struct cg_store_bulk *bulk;
};

static int store_setup(void **state)
{
    struct store_fixture *f = calloc(1, sizeof(*f));
    int fd;

    if (!f)
        return -1;
    snprintf(f->path, sizeof(f->path), "/tmp/cg-test-import-XXXXXX");
    fd = mkstemp(f->path);
    if (fd < 0)
        return -1;
    close(fd);
    if (cg_store_open(f->path, &f->store, NULL) != CG_OK)
        return -1;
    *state = f;
    return 0;
}

static int store_teardown(void **state)
{
    struct store_fixture *f = *state;
    char extra[80];

    cg_store_close(f->store);
    unlink(f->path);
    snprintf(extra, sizeof(extra), "%s-wal", f->path);
    unlink(extra);
    snprintf(extra, sizeof(extra), "%s-shm", f->path);
    unlink(extra);
    free(f);
    return 0;
}

static enum cg_err put_store(void *data, const json_t *obj, bool duplicate,
                             struct cg_error *err)
{
    struct store_fixture *f = data;

    return cg_store_bulk_put(f->bulk, obj, duplicate, err);
}

static void report_store(void *data, const struct cg_import_problem *problem)
{
    struct store_fixture *f = data;

    report(&f->r, problem);
}

/* Imports text into the fixture's store as `cipgraph import` does. */
static void import_text(struct store_fixture *f, const char *text)
{
    struct cg_idset ids;
    struct cg_import_opts opts = {0, put_store, report_store, f, &ids};
    FILE *in = fmemopen((void *)text, strlen(text), "r");
    struct cg_error err;

    memset(&f->r, 0, sizeof(f->r));
    cg_idset_init(&ids);
    assert_non_null(in);
    assert_int_equal(cg_store_bulk_begin(f->store, &ids, 0, &f->bulk, &err),
                     CG_OK);
    assert_int_equal(cg_import_stream(in, &opts, &f->stats, &err), CG_OK);
    assert_int_equal(cg_store_bulk_finish(f->bulk, &f->bulk_stats, &err),
                     CG_OK);
    fclose(in);
    cg_idset_release(&ids);
}

/* The stored object id as a new reference, or NULL when absent. */
static json_t *stored(struct store_fixture *f, const char *id)
{
    json_t *obj = NULL;

    if (cg_store_get_object(f->store, id, &obj, NULL) != CG_OK)
        return NULL;
    return obj;
}

static const char *str_of(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static char *value_id(const char *type, const char *value)
{
    static char ids[4][CG_STIX_ID_SIZE];
    static int next;
    char *id = ids[next++ % 4];

    assert_int_equal(cg_stix_id_value(type, value, id), CG_OK);
    return id;
}

/*
 * Foreign ids in every order: a relationship before both its ends, a
 * report before the address it lists, and an indicator's relationship
 * after the address it points to.
 */
static const char foreign_bundle[] =
    "{\"type\":\"bundle\",\"id\":\"bundle--" UUID "\",\"objects\":["
    "{\"type\":\"relationship\",\"id\":\"relationship--" FOREIGN(
        4) "\"," TIMES ",\"relationship_type\":\"resolves-to\","
           "\"source_ref\":\"domain-name--" FOREIGN(
               1) "\","
                  "\"target_ref\":\"ipv4-addr--" FOREIGN(
                      2) "\"},"
                         "{\"type\":\"report\",\"id\":\"report--" FOREIGN(
                             5) "\"," TIMES
                                ",\"name\":\"r\",\"published\":\"2024-01-01T00:00:00Z\","
                                "\"object_refs\":[\"ipv4-addr--" FOREIGN(
                                    3) "\"]},"
                                       "{\"type\":\"domain-name\",\"id\":\"domain-name--" FOREIGN(
                                           1) "\","
                                              "\"value\":\"foreign.example\"},"
                                              "{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" FOREIGN(
                                                  2) "\","
                                                     "\"value\":\"203.0.113.30\"},"
                                                     "{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" FOREIGN(
                                                         3) "\","
                                                            "\"value\":\"203.0.113.31\"},"
                                                            "{\"type\":\"relationship\",\"id\":\"relationship--" FOREIGN(
                                                                6) "\"," TIMES
                                                                   ",\"relationship_type\":\"related-to\","
                                                                   "\"source_ref\":\"ipv4-addr--" FOREIGN(
                                                                       3) "\","
                                                                          "\"target_ref\":\"ipv4-addr--" FOREIGN(
                                                                              2) "\"}]}";

static void test_bulk_foreign_ids_replaced(void **state)
{
    struct store_fixture *f = *state;
    char *domain = value_id("domain-name", "foreign.example");
    char *ip = value_id("ipv4-addr", "203.0.113.30");
    char *ip2 = value_id("ipv4-addr", "203.0.113.31");
    char rel_id[CG_STIX_ID_SIZE];
    json_t *obj;

    import_text(f, foreign_bundle);
    assert_int_equal(f->stats.invalid, 0);
    assert_int_equal(f->bulk_stats.pending, 0);
    assert_int_equal(f->bulk_stats.dangling, 0);
    /* Three observables and two relationships got new ids. */
    assert_int_equal(f->bulk_stats.aliased, 5);
    assert_null(stored(f, "ipv4-addr--" FOREIGN(2)));

    obj = stored(f, ip);
    assert_non_null(obj);
    assert_string_equal(str_of(obj, "value"), "203.0.113.30");
    json_decref(obj);

    /* The relationship that came before its ends links the new ids and
     * has the deterministic id of that link. */
    assert_int_equal(cg_stix_id_relationship("resolves-to", domain, ip, rel_id),
                     CG_OK);
    obj = stored(f, rel_id);
    assert_non_null(obj);
    assert_string_equal(str_of(obj, "source_ref"), domain);
    assert_string_equal(str_of(obj, "target_ref"), ip);
    json_decref(obj);
    assert_null(stored(f, "relationship--" FOREIGN(4)));

    /* The report stored before its member now lists the new id. */
    obj = stored(f, "report--" FOREIGN(5));
    assert_non_null(obj);
    assert_string_equal(json_string_value(json_array_get(
                            json_object_get(obj, "object_refs"), 0)),
                        ip2);
    json_decref(obj);

    assert_int_equal(cg_stix_id_relationship("related-to", ip2, ip, rel_id),
                     CG_OK);
    obj = stored(f, rel_id);
    assert_non_null(obj);
    json_decref(obj);
}

/* A later import follows the aliases of an earlier one, and an id that
 * already names one value cannot name another. */
static void test_bulk_alias_later_import(void **state)
{
    struct store_fixture *f = *state;
    char *ip = value_id("ipv4-addr", "203.0.113.30");
    char *later = value_id("domain-name", "later.example");
    char rel_id[CG_STIX_ID_SIZE];
    json_t *obj;

    import_text(f, foreign_bundle);
    import_text(f,
                "{\"type\":\"domain-name\",\"id\":\"domain-name--"
                "6b6a4a1f-3a8f-4a0e-9a53-3f2c8f0d2a11\",\"value\":"
                "\"later.example\"}\n"
                "{\"type\":\"relationship\",\"id\":\"relationship--" UUID
                "\"," TIMES ",\"relationship_type\":\"resolves-to\","
                "\"source_ref\":\"domain-name--6b6a4a1f-3a8f-4a0e-9a53-"
                "3f2c8f0d2a11\",\"target_ref\":\"ipv4-addr--" FOREIGN(
                    2) "\"}\n"
                       "{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--" FOREIGN(
                           2) "\",\"value\":\"203.0.113.99\"}\n");
    assert_int_equal(f->stats.valid, 2);
    assert_int_equal(f->stats.invalid, 1);
    assert_int_equal(f->bulk_stats.pending, 0);
    assert_non_null(strstr(f->r.last_reason, "ipv4-addr--" FOREIGN(2)));
    assert_non_null(strstr(f->r.last_reason, "203.0.113.30"));
    assert_non_null(strstr(f->r.last_reason, "203.0.113.99"));
    assert_non_null(strstr(f->r.last_reason, "cannot name two"));
    assert_null(stored(f, value_id("ipv4-addr", "203.0.113.99")));

    assert_int_equal(cg_stix_id_relationship("resolves-to", later, ip, rel_id),
                     CG_OK);
    obj = stored(f, rel_id);
    assert_non_null(obj);
    json_decref(obj);
}

/* The deterministic id of one value given to another value is rejected,
 * and the stored value stays. */
static void test_bulk_rejects_other_value(void **state)
{
    struct store_fixture *f = *state;
    char text[512];
    char *ip = value_id("ipv4-addr", "45.79.238.51");
    json_t *obj;

    snprintf(text, sizeof(text),
             "{\"type\":\"ipv4-addr\",\"id\":\"%s\",\"value\":"
             "\"45.79.238.51\"}\n",
             ip);
    import_text(f, text);
    assert_int_equal(f->bulk_stats.aliased, 0);
    snprintf(text, sizeof(text),
             "{\"type\":\"ipv4-addr\",\"id\":\"%s\",\"value\":"
             "\"9.9.9.9\"}\n",
             ip);
    import_text(f, text);
    assert_int_equal(f->stats.invalid, 1);
    assert_non_null(strstr(f->r.last_reason, ip));
    assert_non_null(strstr(f->r.last_reason, "45.79.238.51"));
    assert_non_null(strstr(f->r.last_reason, "9.9.9.9"));
    obj = stored(f, ip);
    assert_non_null(obj);
    assert_string_equal(str_of(obj, "value"), "45.79.238.51");
    json_decref(obj);
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
        cmocka_unit_test(test_loop_empty_input),
        cmocka_unit_test(test_loop_empty_bundle),
        cmocka_unit_test(test_loop_put_rejects),
        cmocka_unit_test(test_validate_valid_edges),
        cmocka_unit_test_setup_teardown(test_bulk_foreign_ids_replaced,
                                        store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_bulk_alias_later_import,
                                        store_setup, store_teardown),
        cmocka_unit_test_setup_teardown(test_bulk_rejects_other_value,
                                        store_setup, store_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
