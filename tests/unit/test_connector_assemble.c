/*
 * What the connector sends back: the id rewrite from the engine's
 * canonical observable to OpenCTI's entity (with relationship ids
 * recomputed), the enriched entity, the assembled bundle, and the
 * push-queue message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "opencti/assemble.h"
#include "stix/id.h"
#include "stix/object.h"

#define GREEN_ID "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
#define PAP_ID   "marking-definition--0a0b0c0d-0000-4000-8000-00000000aaaa"
#define SCO_EXT  "extension-definition--f93e2c80-4231-4f9a-af8b-95c9bd566a82"

struct fixture {
    struct cg_stix_ctx ctx;
    json_t *objects; /* the engine's bundle objects */
    char engine_id[CG_STIX_ID_SIZE];
    char domain_id[CG_STIX_ID_SIZE];
    char entity_id[CG_STIX_ID_SIZE];
    json_t *entity;
};

static void append(json_t *objects, json_t *obj)
{
    assert_non_null(obj);
    assert_int_equal(json_array_append_new(objects, obj), 0);
}

/* The engine's graph for http://example.com/Login and OpenCTI's entity
 * for the same URL with an upper-case host. */
static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    json_t *url;
    json_t *domain;
    json_t *rel;
    json_t *note;

    assert_non_null(f);
    assert_int_equal(cg_stix_ctx_init(&f->ctx, CG_TLP_AMBER, 1700000000),
                     CG_OK);
    f->objects = json_array();
    url = cg_stix_observable(&f->ctx, "url", "http://example.com/Login");
    assert_int_equal(cg_stix_set_score(url, 80), CG_OK);
    assert_int_equal(cg_stix_add_label(url, "phishing"), CG_OK);
    assert_int_equal(cg_stix_set_description(url, "Criminal IP verdict"),
                     CG_OK);
    assert_int_equal(cg_stix_add_external_ref(url, "Criminal IP",
                                              "https://www.criminalip.io/x",
                                              NULL, NULL),
                     CG_OK);
    snprintf(f->engine_id, sizeof(f->engine_id), "%s", cg_stix_get_id(url));
    domain = cg_stix_observable(&f->ctx, "domain-name", "example.com");
    snprintf(f->domain_id, sizeof(f->domain_id), "%s", cg_stix_get_id(domain));
    rel =
        cg_stix_relationship(&f->ctx, "related-to", f->engine_id, f->domain_id);
    note = json_pack("{ss ss s[ss]}", "type", "note", "id",
                     "note--00000000-0000-5000-8000-000000000001",
                     "object_refs", f->engine_id, cg_stix_get_id(rel));
    append(f->objects, cg_stix_author(&f->ctx));
    append(f->objects, cg_tlp_marking_object(CG_TLP_AMBER));
    append(f->objects, url);
    append(f->objects, domain);
    append(f->objects, rel);
    append(f->objects, note);
    assert_int_equal(
        cg_stix_id_value("url", "http://EXAMPLE.com/Login", f->entity_id),
        CG_OK);
    f->entity =
        json_pack("{ss ss ss ss s[ss] s{s{ss si s[s]}}}", "type", "url",
                  "spec_version", "2.1", "id", f->entity_id, "value",
                  "http://EXAMPLE.com/Login", "object_marking_refs", GREEN_ID,
                  PAP_ID, "extensions", SCO_EXT, "extension_type",
                  "property-extension", "score", 50, "labels", "from-feed");
    assert_non_null(f->entity);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    json_decref(f->objects);
    json_decref(f->entity);
    free(f);
    return 0;
}

static const json_t *find(const json_t *objects, const char *type)
{
    size_t i;
    json_t *obj;

    json_array_foreach(objects, i, obj) {
        if (strcmp(cg_stix_get_type(obj), type) == 0)
            return obj;
    }
    return NULL;
}

static void test_rewrite_moves_refs(void **state)
{
    struct fixture *f = *state;
    json_t *objects = json_deep_copy(f->objects);
    const json_t *rel;
    const json_t *note;
    char expected[CG_STIX_ID_SIZE];
    struct cg_error err;

    assert_int_equal(
        cg_assemble_rewrite_id(objects, f->engine_id, f->entity_id, &err),
        CG_OK);
    rel = find(objects, "relationship");
    assert_string_equal(json_string_value(json_object_get(rel, "source_ref")),
                        f->entity_id);
    assert_string_equal(json_string_value(json_object_get(rel, "target_ref")),
                        f->domain_id);
    /* The relationship's deterministic id follows its new source. */
    assert_int_equal(cg_stix_id_relationship("related-to", f->entity_id,
                                             f->domain_id, expected),
                     CG_OK);
    assert_string_equal(cg_stix_get_id(rel), expected);
    /* References to the old relationship id move too. */
    note = find(objects, "note");
    assert_string_equal(json_string_value(json_array_get(
                            json_object_get(note, "object_refs"), 0)),
                        f->entity_id);
    assert_string_equal(json_string_value(json_array_get(
                            json_object_get(note, "object_refs"), 1)),
                        expected);
    /* The observable keeps its own id: only references change. */
    assert_string_equal(cg_stix_get_id(find(objects, "url")), f->engine_id);
    json_decref(objects);
}

static void test_rewrite_keeps_start_time(void **state)
{
    json_t *objects =
        json_pack("[{ss ss ss ss ss ss}]", "type", "relationship", "id", "old",
                  "relationship_type", "related-to", "source_ref", "a",
                  "target_ref", "b", "start_time", "2022-11-25T19:00:05.000Z");
    json_t *props = json_pack("{ss ss ss ss}", "relationship_type",
                              "related-to", "source_ref", "c", "target_ref",
                              "b", "start_time", "2022-11-25T19:00:05.000Z");
    char expected[CG_STIX_ID_SIZE];
    struct cg_error err;

    (void)state;
    assert_int_equal(cg_stix_id("relationship", props, expected), CG_OK);
    assert_int_equal(cg_assemble_rewrite_id(objects, "a", "c", &err), CG_OK);
    assert_string_equal(cg_stix_get_id(json_array_get(objects, 0)), expected);
    json_decref(objects);
    json_decref(props);
}

static void test_enriched_entity(void **state)
{
    struct fixture *f = *state;
    const json_t *url = json_array_get(f->objects, 2);
    json_t *copy = cg_assemble_enriched_entity(f->entity, url);
    json_t *ext;
    json_t *labels;

    assert_non_null(copy);
    assert_string_equal(cg_stix_get_id(copy), f->entity_id);
    assert_string_equal(json_string_value(json_object_get(copy, "value")),
                        "http://EXAMPLE.com/Login");
    assert_int_equal(
        json_integer_value(json_object_get(copy, "x_opencti_score")), 80);
    labels = json_object_get(copy, "x_opencti_labels");
    assert_int_equal(json_array_size(labels), 2);
    assert_string_equal(json_string_value(json_array_get(labels, 0)),
                        "from-feed");
    assert_string_equal(json_string_value(json_array_get(labels, 1)),
                        "phishing");
    assert_non_null(json_object_get(copy, "x_opencti_external_references"));
    assert_null(json_object_get(copy, "x_opencti_created_by_ref"));
    ext = json_object_get(json_object_get(copy, "extensions"), SCO_EXT);
    assert_int_equal(json_integer_value(json_object_get(ext, "score")), 80);
    assert_int_equal(json_array_size(json_object_get(ext, "labels")), 2);
    assert_string_equal(json_string_value(json_object_get(ext, "description")),
                        "Criminal IP verdict");
    /* The entity itself is not changed. */
    assert_null(json_object_get(f->entity, "x_opencti_score"));
    json_decref(copy);
}

static void test_assemble_bundle(void **state)
{
    struct fixture *f = *state;
    struct cg_assembly in = {
        .engine_objects = f->objects,
        .engine_id = f->engine_id,
        .entity = f->entity,
    };
    struct cg_bundle bundle;
    const json_t *entity;
    const json_t *refs;
    struct cg_error err;

    cg_bundle_init(&bundle);
    assert_int_equal(cg_assemble_bundle(&in, &bundle, &err), CG_OK);
    assert_null(cg_bundle_get(&bundle, f->engine_id));
    entity = cg_bundle_get(&bundle, f->entity_id);
    assert_non_null(entity);
    assert_int_equal(
        json_integer_value(json_object_get(entity, "x_opencti_score")), 80);
    /* The PAP marking has no definition in sight and is left off; the
     * green one is sent in its STIX 2.1 form. */
    refs = json_object_get(entity, "object_marking_refs");
    assert_int_equal(json_array_size(refs), 1);
    assert_string_equal(json_string_value(json_array_get(refs, 0)), GREEN_ID);
    assert_non_null(cg_bundle_get(&bundle, GREEN_ID));
    assert_non_null(cg_bundle_get(&bundle, f->domain_id));
    /* The engine's objects, the entity in place of the engine's
     * observable, and the green marking. */
    assert_int_equal(cg_bundle_size(&bundle), json_array_size(f->objects) + 1);
    cg_bundle_release(&bundle);
}

static void test_assemble_playbook(void **state)
{
    struct fixture *f = *state;
    json_t *incoming =
        json_pack("[O {ss ss ss ss}]", f->entity, "type", "identity", "id",
                  "identity--00000000-0000-5000-8000-00000000000a", "name",
                  "Someone", "identity_class", "individual");
    struct cg_assembly in = {
        .engine_objects = f->objects,
        .engine_id = f->engine_id,
        .entity = f->entity,
        .context = incoming,
        .incoming = incoming,
    };
    struct cg_bundle bundle;
    const json_t *entity;
    struct cg_error err;

    cg_bundle_init(&bundle);
    assert_int_equal(cg_assemble_bundle(&in, &bundle, &err), CG_OK);
    assert_non_null(cg_bundle_get(
        &bundle, "identity--00000000-0000-5000-8000-00000000000a"));
    /* The incoming entity and the enriched one are merged into one. */
    entity = cg_bundle_get(&bundle, f->entity_id);
    assert_non_null(entity);
    assert_int_equal(
        json_integer_value(json_object_get(entity, "x_opencti_score")), 80);
    assert_int_equal(cg_bundle_size(&bundle), json_array_size(f->objects) + 2);
    cg_bundle_release(&bundle);
    json_decref(incoming);
}

static void test_assemble_same_id(void **state)
{
    struct fixture *f = *state;
    json_t *entity =
        json_pack("{ss ss ss ss}", "type", "url", "spec_version", "2.1", "id",
                  f->engine_id, "value", "http://example.com/Login");
    struct cg_assembly in = {.engine_objects = f->objects,
                             .engine_id = f->engine_id,
                             .entity = entity};
    struct cg_bundle bundle;
    const json_t *obj;
    struct cg_error err;

    cg_bundle_init(&bundle);
    assert_int_equal(cg_assemble_bundle(&in, &bundle, &err), CG_OK);
    obj = cg_bundle_get(&bundle, f->engine_id);
    assert_non_null(obj);
    /* The re-emitted entity keeps the platform's author and markings. */
    assert_null(json_object_get(obj, "x_opencti_created_by_ref"));
    assert_null(json_object_get(obj, "object_marking_refs"));
    assert_int_equal(cg_bundle_size(&bundle), json_array_size(f->objects));
    cg_bundle_release(&bundle);
    json_decref(entity);
}

static void test_assemble_missing_observable(void **state)
{
    struct fixture *f = *state;
    struct cg_assembly in = {.engine_objects = f->objects,
                             .engine_id = "url--missing",
                             .entity = f->entity};
    struct cg_bundle bundle;
    struct cg_error err;

    cg_bundle_init(&bundle);
    assert_int_equal(cg_assemble_bundle(&in, &bundle, &err),
                     CG_ERR_STIX_INVALID);
    cg_bundle_release(&bundle);
}

static void test_queue_message(void **state)
{
    static const char bundle[] = "{\"type\":\"bundle\",\"objects\":[]}";
    struct cg_buf out = CG_BUF_INIT;
    json_error_t error;
    json_t *message;
    const char *content;
    unsigned char decoded[128];
    int len;

    (void)state;
    assert_int_equal(cg_assemble_queue_message(bundle, strlen(bundle), "user",
                                               "work-1", NULL, &out),
                     CG_OK);
    message = json_loads(cg_buf_str(&out), 0, &error);
    assert_non_null(message);
    assert_string_equal(
        json_string_value(json_object_get(message, "applicant_id")), "user");
    assert_string_equal(json_string_value(json_object_get(message, "work_id")),
                        "work-1");
    assert_true(json_is_null(json_object_get(message, "draft_id")));
    assert_int_equal(
        json_integer_value(json_object_get(message, "action_sequence")), 1);
    assert_true(json_is_false(json_object_get(message, "update")));
    content = json_string_value(json_object_get(message, "content"));
    len = EVP_DecodeBlock(decoded, (const unsigned char *)content,
                          (int)strlen(content));
    assert_true(len >= (int)strlen(bundle));
    assert_memory_equal(decoded, bundle, strlen(bundle));
    json_decref(message);
    cg_buf_reset(&out);
    assert_int_equal(cg_assemble_queue_message(bundle, strlen(bundle), "user",
                                               NULL, NULL, &out),
                     CG_OK);
    assert_null(strstr(cg_buf_str(&out), "work_id"));
    cg_buf_release(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rewrite_moves_refs, setup,
                                        teardown),
        cmocka_unit_test(test_rewrite_keeps_start_time),
        cmocka_unit_test_setup_teardown(test_enriched_entity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assemble_bundle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assemble_playbook, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_assemble_same_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assemble_missing_observable, setup,
                                        teardown),
        cmocka_unit_test(test_queue_message),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
