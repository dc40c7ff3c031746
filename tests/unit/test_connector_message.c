/*
 * Parsing of the listen messages OpenCTI 6.x sends: automatic and manual
 * events with stix_entity and stix_objects as JSON strings, playbook steps,
 * the entity_id-only form, and the malformed messages the connector must
 * reject once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <string.h>

#include "opencti/message.h"

#define ENTITY_ID "ipv4-addr--2f689bf9-0ff2-545f-aa61-e495eb8cecc7"
#define WORK_ID   "opencti-work--6b0f5c1e-3e0a-4c5e-8d7b-2a9f4e1c0d33"

static const char auto_message[] =
    "{\"internal\":{\"work_id\":\"" WORK_ID "\",\"applicant_id\":null,"
    "\"draft_id\":null,\"trigger\":\"create\",\"mode\":\"auto\"},"
    "\"event\":{\"event_type\":\"INTERNAL_ENRICHMENT\",\"entity_id\":\"" ENTITY_ID
    "\",\"entity_type\":\"IPv4-Addr\",\"stix_entity\":\"{\\\"id\\\": \\\"" ENTITY_ID
    "\\\", \\\"type\\\": \\\"ipv4-addr\\\", \\\"value\\\": \\\"8.8.8.8\\\"}\","
    "\"stix_objects\":null}}";

static const char manual_message[] =
    "{\"internal\":{\"work_id\":\"" WORK_ID "\",\"applicant_id\":\"u-1\","
    "\"draft_id\":\"draft-1\",\"mode\":\"manual\"},"
    "\"event\":{\"event_type\":\"INTERNAL_ENRICHMENT\",\"entity_id\":\"" ENTITY_ID
    "\",\"entity_type\":\"IPv4-Addr\",\"stix_entity\":\"{\\\"id\\\":\\\"" ENTITY_ID
    "\\\",\\\"type\\\":\\\"ipv4-addr\\\",\\\"value\\\":\\\"8.8.8.8\\\"}\","
    "\"stix_objects\":\"[{\\\"id\\\":\\\"" ENTITY_ID "\\\"},{\\\"id\\\":"
    "\\\"marking-definition--x\\\"}]\"}}";

static const char playbook_message[] =
    "{\"internal\":{\"work_id\":null,\"playbook\":{\"event_id\":\"e\","
    "\"execution_id\":\"x\",\"playbook_id\":\"p\",\"data_instance_id\":\"" ENTITY_ID
    "\",\"step_id\":\"s\",\"previous_step_id\":\"r\"},\"applicant_id\":\"a\"},"
    "\"event\":{\"entity_id\":\"" ENTITY_ID
    "\",\"bundle\":{\"type\":\"bundle\","
    "\"objects\":[{\"id\":\"identity--1\"},{\"id\":\"" ENTITY_ID
    "\",\"type\":\"ipv4-addr\",\"value\":\"8.8.8.8\"}]}}}";

static enum cg_err parse(const char *text, struct cg_octi_message *msg,
                         struct cg_error *err)
{
    return cg_octi_message_parse(text, strlen(text), msg, err);
}

static void test_message_auto(void **state)
{
    struct cg_octi_message msg;
    struct cg_error err;

    (void)state;
    assert_int_equal(parse(auto_message, &msg, &err), CG_OK);
    assert_string_equal(msg.work_id, WORK_ID);
    assert_null(msg.applicant_id);
    assert_null(msg.draft_id);
    assert_string_equal(msg.entity_id, ENTITY_ID);
    assert_string_equal(msg.entity_type, "IPv4-Addr");
    assert_null(msg.playbook);
    assert_non_null(msg.stix_entity);
    assert_string_equal(
        json_string_value(json_object_get(msg.stix_entity, "value")),
        "8.8.8.8");
    assert_null(msg.stix_objects);
    cg_octi_message_release(&msg);
}

static void test_message_manual(void **state)
{
    struct cg_octi_message msg;
    struct cg_error err;

    (void)state;
    assert_int_equal(parse(manual_message, &msg, &err), CG_OK);
    assert_string_equal(msg.applicant_id, "u-1");
    assert_string_equal(msg.draft_id, "draft-1");
    assert_int_equal(json_array_size(msg.stix_objects), 2);
    cg_octi_message_release(&msg);
}

static void test_message_playbook(void **state)
{
    struct cg_octi_message msg;
    struct cg_error err;

    (void)state;
    assert_int_equal(parse(playbook_message, &msg, &err), CG_OK);
    assert_null(msg.work_id);
    assert_null(msg.event_type);
    assert_non_null(msg.playbook);
    assert_non_null(msg.playbook_bundle);
    assert_int_equal(json_array_size(msg.stix_objects), 2);
    assert_string_equal(
        json_string_value(json_object_get(msg.stix_entity, "value")),
        "8.8.8.8");
    cg_octi_message_release(&msg);
}

static void test_message_entity_id_only(void **state)
{
    static const char text[] =
        "{\"internal\":{\"work_id\":\"w\",\"applicant_id\":\"u\"},"
        "\"event\":{\"entity_id\":\"0b6f3a52-8a57-4d7e-a1f1-6d6cf7b1e2a4\"}}";
    struct cg_octi_message msg;
    struct cg_error err;

    (void)state;
    assert_int_equal(parse(text, &msg, &err), CG_OK);
    assert_null(msg.stix_entity);
    assert_null(msg.stix_objects);
    assert_null(msg.playbook);
    assert_string_equal(msg.work_id, "w");
    cg_octi_message_release(&msg);
}

/* Expects code, an error message containing part, and the work id. */
static void assert_rejected(const char *text, enum cg_err code,
                            const char *part, const char *work_id)
{
    struct cg_octi_message msg;
    struct cg_error err;

    assert_int_equal(parse(text, &msg, &err), code);
    if (!strstr(err.msg, part))
        fail_msg("'%s' not in '%s'", part, err.msg);
    if (work_id)
        assert_string_equal(msg.work_id, work_id);
    else
        assert_null(msg.work_id);
    cg_octi_message_release(&msg);
}

static void test_message_rejects(void **state)
{
    (void)state;
    assert_rejected("not json", CG_ERR_PARSE, "line 1", NULL);
    assert_rejected("[1, 2]", CG_ERR_INVALID, "not a JSON object", NULL);
    assert_rejected("{\"internal\":{\"work_id\":\"w1\"}}", CG_ERR_INVALID,
                    "no event object", "w1");
    assert_rejected("{\"internal\":{\"work_id\":\"w2\"},\"event\":{}}",
                    CG_ERR_INVALID, "no event.entity_id", "w2");
    assert_rejected("{\"internal\":{\"work_id\":\"w3\"},\"event\":{"
                    "\"entity_id\":\"x\",\"stix_entity\":\"{oops\"}}",
                    CG_ERR_INVALID, "event.stix_entity is not valid JSON",
                    "w3");
    assert_rejected("{\"event\":{\"entity_id\":\"x\",\"stix_entity\":\"[1]\"}}",
                    CG_ERR_INVALID, "not a JSON object", NULL);
    assert_rejected("{\"event\":{\"entity_id\":\"x\",\"stix_objects\":"
                    "\"{}\"}}",
                    CG_ERR_INVALID, "not a JSON array", NULL);
    assert_rejected("{\"internal\":{\"playbook\":{}},\"event\":{"
                    "\"entity_id\":\"x\",\"bundle\":{\"objects\":[]}}}",
                    CG_ERR_INVALID, "does not contain the entity x", NULL);
    assert_rejected("{\"internal\":{\"playbook\":{}},\"event\":{"
                    "\"entity_id\":\"x\"}}",
                    CG_ERR_INVALID, "no event.bundle", NULL);
    assert_rejected(
        "{\"internal\":{\"work_id\":\"w4\"},\"event\":{"
        "\"event_type\":\"INTERNAL_ANALYSIS\",\"entity_id\":\"x\"}}",
        CG_ERR_UNSUPPORTED, "INTERNAL_ANALYSIS", "w4");
}

static void test_message_depth_limit(void **state)
{
    char text[512];
    size_t n = 0;

    (void)state;
    for (int i = 0; i < 100; i++)
        text[n++] = '[';
    for (int i = 0; i < 100; i++)
        text[n++] = ']';
    text[n] = '\0';
    assert_rejected(text, CG_ERR_TOO_DEEP, "", NULL);
}

static void test_peek_work(void **state)
{
    static const char truncated[] =
        "{\"internal\": {\"work_id\" : \"opencti-work--abc-1\", \"x\": [";
    char out[64];

    (void)state;
    cg_octi_message_peek_work(truncated, strlen(truncated), out, sizeof(out));
    assert_string_equal(out, "opencti-work--abc-1");
    cg_octi_message_peek_work("garbage", 7, out, sizeof(out));
    assert_string_equal(out, "");
    cg_octi_message_peek_work("{\"work_id\":null}", 16, out, sizeof(out));
    assert_string_equal(out, "");
    cg_octi_message_peek_work("{\"work_id\":\"abcdefghij\"}", 23, out, 5);
    assert_string_equal(out, "abcd");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_message_auto),
        cmocka_unit_test(test_message_manual),
        cmocka_unit_test(test_message_playbook),
        cmocka_unit_test(test_message_entity_id_only),
        cmocka_unit_test(test_message_rejects),
        cmocka_unit_test(test_message_depth_limit),
        cmocka_unit_test(test_peek_work),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
