/*
 * Bundle assembly for the connector: the id rewrite, the enriched entity
 * and the push-queue message. Ids follow OpenCTI's deterministic rules, so
 * the platform's standard_id checks accept what is sent.
 */
#include "opencti/assemble.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "stix/id.h"
#include "stix/object.h"

/* OpenCTI's extension for observable properties (score, labels...). */
#define SCO_EXTENSION \
    "extension-definition--f93e2c80-4231-4f9a-af8b-95c9bd566a82"

/* Passes of the rewrite: relationships of relationships are rare, and a
 * chain longer than this does not occur in the mapping. */
#define REWRITE_PASSES 4

static bool ends_with(const char *key, const char *suffix)
{
    size_t len = strlen(key);
    size_t n = strlen(suffix);

    return len >= n && strcmp(key + len - n, suffix) == 0;
}

/* Renames from into to in one object's references; returns true if any. */
static bool rename_refs(json_t *obj, const char *from, const char *to)
{
    const char *key;
    json_t *value;
    bool changed = false;

    json_object_foreach(obj, key, value) {
        if (json_is_string(value) && ends_with(key, "_ref") &&
            strcmp(json_string_value(value), from) == 0) {
            json_string_set(value, to);
            changed = true;
        } else if (json_is_array(value) && ends_with(key, "_refs")) {
            size_t i;
            json_t *item;

            json_array_foreach(value, i, item) {
                if (json_is_string(item) &&
                    strcmp(json_string_value(item), from) == 0) {
                    json_string_set(item, to);
                    changed = true;
                }
            }
        }
    }
    return changed;
}

/* Computes a relationship's deterministic id from what it carries. */
static enum cg_err relationship_id(const json_t *rel, char id[CG_STIX_ID_SIZE])
{
    json_t *props = json_object();
    const char *keys[] = {"relationship_type", "source_ref", "target_ref",
                          "start_time"};
    enum cg_err rc;

    if (!props)
        return CG_ERR_NOMEM;
    for (size_t i = 0; i < CG_ARRAY_LEN(keys); i++) {
        json_t *value = json_object_get(rel, keys[i]);

        if (value)
            json_object_set(props, keys[i], value);
    }
    /* pycti adds stop_time only when start_time is also set. */
    if (json_object_get(rel, "start_time") && json_object_get(rel, "stop_time"))
        json_object_set(props, "stop_time", json_object_get(rel, "stop_time"));
    rc = cg_stix_id("relationship", props, id);
    json_decref(props);
    return rc;
}

/* One rename pass; collects relationships whose id must change. */
static enum cg_err rename_pass(json_t *objects, const char *from,
                               const char *to, json_t *next)
{
    size_t i;
    json_t *obj;

    json_array_foreach(objects, i, obj) {
        char id[CG_STIX_ID_SIZE];
        const char *old_id = cg_stix_get_id(obj);

        if (!rename_refs(obj, from, to) ||
            strcmp(cg_stix_get_type(obj), "relationship") != 0)
            continue;
        if (relationship_id(obj, id) != CG_OK)
            return CG_ERR_NOMEM;
        if (strcmp(id, old_id) == 0)
            continue;
        if (json_object_set_new(next, old_id, json_string(id)) != 0)
            return CG_ERR_NOMEM;
        json_object_set_new(obj, "id", json_string(id));
    }
    return CG_OK;
}

enum cg_err cg_assemble_rewrite_id(json_t *objects, const char *from_id,
                                   const char *to_id, struct cg_error *err)
{
    json_t *renames = json_pack("{ss}", from_id, to_id);
    enum cg_err rc = renames ? CG_OK : CG_ERR_NOMEM;

    for (int pass = 0;
         rc == CG_OK && pass < REWRITE_PASSES && json_object_size(renames) > 0;
         pass++) {
        json_t *next = json_object();
        const char *from;
        json_t *to;

        if (!next) {
            rc = CG_ERR_NOMEM;
            break;
        }
        json_object_foreach(renames, from, to) {
            rc = rename_pass(objects, from, json_string_value(to), next);
            if (rc != CG_OK)
                break;
        }
        json_decref(renames);
        renames = next;
    }
    json_decref(renames);
    if (rc != CG_OK)
        return cg_error_set(err, rc, "out of memory");
    return CG_OK;
}

/* Appends the strings of add to list (created under key) when missing. */
static void unite(json_t *obj, const char *key, const json_t *add)
{
    json_t *list = json_object_get(obj, key);
    size_t i;
    json_t *item;

    if (!json_is_array(add) || json_array_size(add) == 0)
        return;
    if (!json_is_array(list)) {
        list = json_array();
        if (!list || json_object_set_new(obj, key, list) != 0)
            return;
    }
    json_array_foreach(add, i, item) {
        bool present = false;
        size_t j;
        json_t *have;

        json_array_foreach(list, j, have) {
            if (json_equal(have, item)) {
                present = true;
                break;
            }
        }
        if (!present)
            json_array_append(list, item);
    }
}

/* Sets the enrichment on obj under the given names. */
static void apply_enrichment(json_t *obj, const json_t *observable,
                             const char *score_key, const char *labels_key,
                             const char *description_key, const char *refs_key)
{
    json_t *score = json_object_get(observable, "x_opencti_score");
    json_t *description = json_object_get(observable, "x_opencti_description");

    if (json_is_integer(score))
        json_object_set(obj, score_key, score);
    if (json_is_string(description))
        json_object_set(obj, description_key, description);
    unite(obj, labels_key, json_object_get(observable, "x_opencti_labels"));
    unite(obj, refs_key,
          json_object_get(observable, "x_opencti_external_references"));
}

json_t *cg_assemble_enriched_entity(const json_t *entity,
                                    const json_t *observable)
{
    json_t *copy = json_deep_copy(entity);
    json_t *ext;

    if (!copy)
        return NULL;
    ext = json_object_get(json_object_get(copy, "extensions"), SCO_EXTENSION);
    /* Start from the labels OpenCTI already has, so both forms agree. */
    if (json_is_object(ext))
        unite(copy, "x_opencti_labels", json_object_get(ext, "labels"));
    apply_enrichment(copy, observable, "x_opencti_score", "x_opencti_labels",
                     "x_opencti_description", "x_opencti_external_references");
    if (json_is_object(ext))
        apply_enrichment(ext, observable, "score", "labels", "description",
                         "external_references");
    return copy;
}

/* Finds an object by id in an array. */
static const json_t *find_by_id(const json_t *objects, const char *id)
{
    size_t i;
    json_t *obj;

    json_array_foreach(objects, i, obj) {
        if (strcmp(cg_stix_get_id(obj), id) == 0)
            return obj;
    }
    return NULL;
}

/*
 * Adds the definitions of the entity's markings to out, and drops from
 * the entity the references whose definition is nowhere to be found.
 */
static enum cg_err add_markings(json_t *entity, const json_t *context,
                                struct cg_bundle *out)
{
    json_t *refs = json_object_get(entity, "object_marking_refs");
    json_t *kept = json_array();
    size_t i;
    json_t *ref;

    if (!kept)
        return CG_ERR_NOMEM;
    json_array_foreach(refs, i, ref) {
        const char *id = json_string_value(ref);
        const json_t *definition = id ? find_by_id(context, id) : NULL;
        enum cg_tlp level;
        json_t *obj = NULL;

        if (id && cg_tlp_from_marking_id(id, &level))
            obj = cg_tlp_marking_object(level);
        else if (definition)
            obj = json_deep_copy(definition);
        if (!obj)
            continue;
        if (!cg_bundle_add(out, obj)) {
            json_decref(kept);
            return CG_ERR_NOMEM;
        }
        json_array_append(kept, ref);
    }
    if (refs)
        json_object_set(entity, "object_marking_refs", kept);
    json_decref(kept);
    return CG_OK;
}

enum cg_err cg_assemble_add_copies(struct cg_bundle *out, const json_t *objects,
                                   const char *skip_id)
{
    size_t i;
    json_t *obj;

    json_array_foreach(objects, i, obj) {
        const char *id = cg_json_str(obj, "id");
        enum cg_tlp level;
        json_t *copy;

        if (!id || (skip_id && strcmp(id, skip_id) == 0))
            continue;
        /* OpenCTI's own TLP objects differ from the STIX 2.1 predefined
         * ones that share their ids; send the standard form. */
        if (strcmp(cg_stix_get_type(obj), "marking-definition") == 0 &&
            cg_tlp_from_marking_id(id, &level))
            copy = cg_tlp_marking_object(level);
        else
            copy = json_deep_copy(obj);
        if (!cg_bundle_add(out, copy))
            return CG_ERR_NOMEM;
    }
    return CG_OK;
}

enum cg_err cg_assemble_bundle(const struct cg_assembly *in,
                               struct cg_bundle *out, struct cg_error *err)
{
    const char *entity_id = cg_stix_get_id(in->entity);
    json_t *objects = json_deep_copy(in->engine_objects);
    const json_t *observable;
    json_t *entity = NULL;
    enum cg_err rc = objects ? CG_OK : CG_ERR_NOMEM;

    if (rc == CG_OK && strcmp(in->engine_id, entity_id) != 0)
        rc = cg_assemble_rewrite_id(objects, in->engine_id, entity_id, err);
    if (rc != CG_OK)
        goto out;
    observable = find_by_id(objects, in->engine_id);
    if (!observable) {
        rc = cg_error_set(err, CG_ERR_STIX_INVALID,
                          "the enrichment of %s has no observable %s",
                          entity_id, in->engine_id);
        goto out;
    }
    entity = cg_assemble_enriched_entity(in->entity, observable);
    rc = entity ? CG_OK : CG_ERR_NOMEM;
    if (rc == CG_OK && in->incoming)
        rc = cg_assemble_add_copies(out, in->incoming, NULL);
    if (rc == CG_OK)
        rc = add_markings(entity, in->context, out);
    if (rc == CG_OK && !cg_bundle_add(out, json_incref(entity)))
        rc = CG_ERR_NOMEM;
    if (rc == CG_OK)
        rc = cg_assemble_add_copies(out, objects, in->engine_id);
    if (rc == CG_OK)
        cg_bundle_sort(out);
    else
        rc = cg_error_set(err, rc, "out of memory");
out:
    json_decref(entity);
    json_decref(objects);
    return rc;
}

enum cg_err cg_assemble_queue_message(const char *bundle_text, size_t len,
                                      const char *applicant_id,
                                      const char *work_id, const char *draft_id,
                                      struct cg_buf *out)
{
    size_t encoded_size = 4 * ((len + 2) / 3) + 1;
    unsigned char *encoded = malloc(encoded_size);
    json_t *message = NULL;
    char *text = NULL;
    enum cg_err rc = CG_ERR_NOMEM;

    if (!encoded || len > INT32_MAX)
        goto out;
    EVP_EncodeBlock(encoded, (const unsigned char *)bundle_text, (int)len);
    message =
        json_pack("{ss ss? si s[] ss sb ss?}", "bundle_type", "QUEUE_BUNDLE",
                  "applicant_id", applicant_id, "action_sequence", 1,
                  "entities_types", "content", (const char *)encoded, "update",
                  false, "draft_id", draft_id);
    if (message && work_id &&
        json_object_set_new(message, "work_id", json_string(work_id)) != 0)
        goto out;
    text = message ? json_dumps(message, JSON_COMPACT) : NULL;
    if (text)
        rc = cg_buf_puts(out, text);
out:
    free(text);
    json_decref(message);
    free(encoded);
    return rc;
}
