/*
 * Listen-message parsing. The shapes follow OpenCTI 6.x: the platform's
 * enrichment publisher (src/domain/enrichment.js), the manual "enrich"
 * action (src/domain/stixCoreObject.js) and the playbook connector
 * component (src/modules/playbook/playbook-components.ts).
 */
#include "opencti/message.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/json.h"

void cg_octi_message_release(struct cg_octi_message *msg)
{
    json_decref(msg->root);
    json_decref(msg->stix_entity);
    json_decref(msg->stix_objects);
    memset(msg, 0, sizeof(*msg));
}

/*
 * Reads a field that OpenCTI sends as a JSON string holding JSON (or, from
 * tolerant senders, as the value itself). Returns a new reference in *out,
 * NULL for null or absent.
 */
static enum cg_err read_embedded(const json_t *event, const char *key,
                                 json_type want, json_t **out,
                                 struct cg_error *err)
{
    const json_t *field = json_object_get(event, key);
    struct cg_error parse_err;
    json_t *value = NULL;
    enum cg_err rc;

    *out = NULL;
    if (!field || json_is_null(field))
        return CG_OK;
    if (json_is_string(field)) {
        rc = cg_json_parse(json_string_value(field), json_string_length(field),
                           CG_OCTI_MESSAGE_MAX, &value, &parse_err);
        if (rc != CG_OK)
            return cg_error_set(err, CG_ERR_INVALID,
                                "event.%s is not valid JSON: %s", key,
                                cg_error_text(&parse_err));
    } else {
        value = json_incref((json_t *)field);
    }
    if (json_typeof(value) != want) {
        json_decref(value);
        return cg_error_set(err, CG_ERR_INVALID, "event.%s is not a JSON %s",
                            key, want == JSON_OBJECT ? "object" : "array");
    }
    *out = value;
    return CG_OK;
}

/* Finds the entity in a playbook step's bundle. */
static enum cg_err read_playbook(struct cg_octi_message *msg,
                                 const json_t *event, struct cg_error *err)
{
    const json_t *bundle = json_object_get(event, "bundle");
    const json_t *objects = json_object_get(bundle, "objects");
    size_t i;
    json_t *obj;

    if (!json_is_object(bundle) || !json_is_array(objects))
        return cg_error_set(err, CG_ERR_INVALID,
                            "the playbook step carries no event.bundle with "
                            "an objects array");
    msg->playbook_bundle = bundle;
    msg->stix_objects = json_incref((json_t *)objects);
    json_array_foreach(objects, i, obj) {
        const char *id = cg_json_str(obj, "id");

        if (id && strcmp(id, msg->entity_id) == 0) {
            msg->stix_entity = json_incref(obj);
            return CG_OK;
        }
    }
    return cg_error_set(err, CG_ERR_INVALID,
                        "the playbook bundle does not contain the entity %s",
                        msg->entity_id);
}

static enum cg_err read_event(struct cg_octi_message *msg, const json_t *event,
                              struct cg_error *err)
{
    enum cg_err rc;

    msg->entity_id = cg_json_str(event, "entity_id");
    msg->entity_type = cg_json_str(event, "entity_type");
    msg->event_type = cg_json_str(event, "event_type");
    if (!msg->entity_id)
        return cg_error_set(err, CG_ERR_INVALID,
                            "the message has no event.entity_id");
    if (msg->playbook)
        return read_playbook(msg, event, err);
    if (msg->event_type && strcmp(msg->event_type, "INTERNAL_ENRICHMENT") != 0)
        return cg_error_set(err, CG_ERR_UNSUPPORTED,
                            "event_type %.64s is not supported; this "
                            "connector handles INTERNAL_ENRICHMENT only",
                            msg->event_type);
    rc = read_embedded(event, "stix_entity", JSON_OBJECT, &msg->stix_entity,
                       err);
    if (rc == CG_OK)
        rc = read_embedded(event, "stix_objects", JSON_ARRAY,
                           &msg->stix_objects, err);
    return rc;
}

enum cg_err cg_octi_message_parse(const char *text, size_t len,
                                  struct cg_octi_message *msg,
                                  struct cg_error *err)
{
    const json_t *internal;
    const json_t *event;
    const json_t *playbook;
    enum cg_err rc;

    memset(msg, 0, sizeof(*msg));
    rc = cg_json_parse(text, len, CG_OCTI_MESSAGE_MAX, &msg->root, err);
    if (rc != CG_OK)
        return rc;
    if (!json_is_object(msg->root))
        return cg_error_set(err, CG_ERR_INVALID,
                            "the message is not a JSON object");
    internal = json_object_get(msg->root, "internal");
    event = json_object_get(msg->root, "event");
    msg->work_id = cg_json_str(internal, "work_id");
    msg->applicant_id = cg_json_str(internal, "applicant_id");
    msg->draft_id = cg_json_str(internal, "draft_id");
    playbook = json_object_get(internal, "playbook");
    if (json_is_object(playbook))
        msg->playbook = playbook;
    if (!json_is_object(event))
        return cg_error_set(err, CG_ERR_INVALID,
                            "the message has no event object");
    return read_event(msg, event, err);
}

void cg_octi_message_peek_work(const char *text, size_t len, char *out,
                               size_t size)
{
    static const char key[] = "\"work_id\"";
    const char *end = text + len;
    const char *p = text;
    size_t n = 0;

    out[0] = '\0';
    while (p && p < end) {
        p = memchr(p, '"', (size_t)(end - p));
        if (!p || (size_t)(end - p) < sizeof(key) - 1)
            return;
        if (memcmp(p, key, sizeof(key) - 1) == 0)
            break;
        p++;
    }
    if (!p)
        return;
    p += sizeof(key) - 1;
    while (p < end && (isspace((unsigned char)*p) || *p == ':'))
        p++;
    if (p >= end || *p++ != '"')
        return;
    while (p < end && n + 1 < size &&
           (isalnum((unsigned char)*p) || *p == '-' || *p == '_'))
        out[n++] = *p++;
    out[n] = '\0';
}
