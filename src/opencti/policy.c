/*
 * Scope and TLP checks. The TLP rule is pycti's check_max_tlp (the allowed
 * levels under each maximum), and the marking ids are OpenCTI's static TLP
 * marking-definition ids that cg_tlp_from_marking_id maps.
 */
#include "opencti/policy.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/json.h"
#include "stix/object.h"

/* OpenCTI's extension on every object it converts to STIX. */
#define OCTI_EXTENSION \
    "extension-definition--ea279b3e-5c71-4632-ac08-831c66a786ba"

static const struct {
    const char *stix;
    unsigned scope;
} stix_types[] = {
    {"ipv4-addr", CG_SCOPE_IPV4},
    {"ipv6-addr", CG_SCOPE_IPV6},
    {"domain-name", CG_SCOPE_DOMAIN},
    {"url", CG_SCOPE_URL},
};

const char *cg_policy_stix_type(unsigned scope)
{
    for (size_t i = 0; i < CG_ARRAY_LEN(stix_types); i++) {
        if (stix_types[i].scope == scope)
            return stix_types[i].stix;
    }
    return "";
}

unsigned cg_policy_entity_scope(const char *entity_type,
                                const json_t *stix_entity, char *name,
                                size_t size)
{
    const char *stix_type = cg_json_str(stix_entity, "type");
    const json_t *ext = json_object_get(
        json_object_get(stix_entity, "extensions"), OCTI_EXTENSION);

    if (!entity_type)
        entity_type = cg_json_str(ext, "type");
    if (entity_type) {
        snprintf(name, size, "%s", entity_type);
        return cg_scope_parse(entity_type);
    }
    snprintf(name, size, "%s", stix_type ? stix_type : "unknown");
    for (size_t i = 0; stix_type && i < CG_ARRAY_LEN(stix_types); i++) {
        if (strcmp(stix_type, stix_types[i].stix) == 0)
            return stix_types[i].scope;
    }
    return 0;
}

bool cg_policy_tlp_allowed(enum cg_tlp tlp, enum cg_tlp max)
{
    return tlp <= max;
}

enum cg_err cg_policy_marking_tlp(const char *id, const char *definition_type,
                                  const char *definition, bool *is_tlp,
                                  enum cg_tlp *level, struct cg_error *err)
{
    bool tlp_type = definition_type && strcasecmp(definition_type, "TLP") == 0;
    bool tlp_name = definition && strncasecmp(definition, "TLP:", 4) == 0;

    *is_tlp = false;
    if (id && cg_tlp_from_marking_id(id, level)) {
        *is_tlp = true;
        return CG_OK;
    }
    if (!tlp_type && !tlp_name) {
        if (definition_type || definition)
            return CG_OK;
        return CG_ERR_NOT_FOUND;
    }
    *is_tlp = true;
    if (definition && cg_tlp_parse(definition, level))
        return CG_OK;
    return cg_error_set(err, CG_ERR_TLP,
                        "the entity carries the TLP marking %.100s (%.100s), "
                        "which is none of TLP:CLEAR, TLP:GREEN, TLP:AMBER, "
                        "TLP:AMBER+STRICT and TLP:RED; nothing is sent to "
                        "Criminal IP",
                        definition ? definition : "without a definition",
                        id ? id : "no id");
}

/* Finds the marking-definition object with this id. */
static const json_t *find_object(const json_t *objects, const char *id)
{
    size_t i;
    json_t *obj;

    json_array_foreach(objects, i, obj) {
        const char *obj_id = cg_json_str(obj, "id");

        if (obj_id && strcmp(obj_id, id) == 0)
            return obj;
    }
    return NULL;
}

/*
 * Reads a marking-definition object's type and TLP name. STIX 2.1 puts
 * the level in "name" ("TLP:GREEN") and definition.tlp ("green"); OpenCTI
 * also sets x_opencti_definition_type and x_opencti_definition, or the
 * same keys in its extension.
 */
static void describe_marking(const json_t *obj, const char **type,
                             const char **definition, char *buf, size_t size)
{
    const json_t *ext =
        json_object_get(json_object_get(obj, "extensions"), OCTI_EXTENSION);
    const char *tlp = cg_json_str(json_object_get(obj, "definition"), "tlp");

    *type = cg_json_str(obj, "definition_type");
    if (!*type)
        *type = cg_json_str(obj, "x_opencti_definition_type");
    if (!*type)
        *type = cg_json_str(ext, "definition_type");
    *definition = cg_json_str(obj, "x_opencti_definition");
    if (!*definition)
        *definition = cg_json_str(ext, "definition");
    if (!*definition)
        *definition = cg_json_str(obj, "name");
    if (!*definition && tlp) {
        snprintf(buf, size, "TLP:%s", tlp);
        *definition = buf;
    }
}

static void raise_level(enum cg_tlp *tlp, enum cg_tlp level)
{
    if (level > *tlp)
        *tlp = level;
}

enum cg_err cg_policy_stix_tlp(const json_t *stix_entity, const json_t *objects,
                               enum cg_tlp *tlp, bool *unresolved,
                               struct cg_error *err)
{
    const json_t *refs = json_object_get(stix_entity, "object_marking_refs");
    size_t i;
    json_t *ref;

    *tlp = CG_TLP_CLEAR;
    *unresolved = false;
    json_array_foreach(refs, i, ref) {
        const char *id = json_string_value(ref);
        const json_t *obj = id ? find_object(objects, id) : NULL;
        const char *type = NULL;
        const char *definition = NULL;
        char buf[64];
        bool is_tlp;
        enum cg_tlp level;
        enum cg_err rc;

        if (obj)
            describe_marking(obj, &type, &definition, buf, sizeof(buf));
        rc = cg_policy_marking_tlp(id, type, definition, &is_tlp, &level, err);
        if (rc == CG_ERR_NOT_FOUND) {
            *unresolved = true;
            continue;
        }
        if (rc != CG_OK)
            return rc;
        if (is_tlp)
            raise_level(tlp, level);
    }
    return CG_OK;
}

enum cg_err cg_policy_graphql_tlp(const json_t *object_marking,
                                  enum cg_tlp *tlp, struct cg_error *err)
{
    size_t i;
    json_t *marking;

    *tlp = CG_TLP_CLEAR;
    json_array_foreach(object_marking, i, marking) {
        bool is_tlp;
        enum cg_tlp level;
        enum cg_err rc = cg_policy_marking_tlp(
            cg_json_str(marking, "standard_id"),
            cg_json_str(marking, "definition_type"),
            cg_json_str(marking, "definition"), &is_tlp, &level, err);

        if (rc == CG_ERR_NOT_FOUND)
            continue;
        if (rc != CG_OK)
            return rc;
        if (is_tlp)
            raise_level(tlp, level);
    }
    return CG_OK;
}
