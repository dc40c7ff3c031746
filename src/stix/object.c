/*
 * STIX object builders and OpenCTI's relationship rules.
 */
#include "stix/object.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct tlp_info {
    const char *name;
    const char *id;
    const char *color; /* TLP 1.0 definition value; NULL for TLP 2.0 only */
};

/* Ids are OpenCTI's static marking ids (pycti opencti_marking_definition). */
static const struct tlp_info tlp_table[] = {
    [CG_TLP_CLEAR] =
        {"TLP:CLEAR",
         "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "white"},
    [CG_TLP_GREEN] =
        {"TLP:GREEN",
         "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "green"},
    [CG_TLP_AMBER] =
        {"TLP:AMBER",
         "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "amber"},
    [CG_TLP_AMBER_STRICT] =
        {"TLP:AMBER+STRICT",
         "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37", NULL},
    [CG_TLP_RED] = {"TLP:RED",
                    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
                    "red"},
};

bool cg_tlp_parse(const char *text, enum cg_tlp *out)
{
    if (!text)
        return false;
    if (strcasecmp(text, "TLP:WHITE") == 0) {
        *out = CG_TLP_CLEAR;
        return true;
    }
    for (size_t i = 0; i < CG_ARRAY_LEN(tlp_table); i++) {
        if (strcasecmp(text, tlp_table[i].name) == 0) {
            *out = (enum cg_tlp)i;
            return true;
        }
    }
    return false;
}

const char *cg_tlp_name(enum cg_tlp tlp)
{
    return tlp_table[tlp].name;
}

const char *cg_tlp_marking_id(enum cg_tlp tlp)
{
    return tlp_table[tlp].id;
}

bool cg_tlp_from_marking_id(const char *id, enum cg_tlp *out)
{
    for (size_t i = 0; id && i < CG_ARRAY_LEN(tlp_table); i++) {
        if (strcmp(id, tlp_table[i].id) == 0) {
            *out = (enum cg_tlp)i;
            return true;
        }
    }
    return false;
}

json_t *cg_tlp_marking_object(enum cg_tlp tlp)
{
    const struct tlp_info *info = &tlp_table[tlp];
    char upper[16];

    if (info->color) {
        /* The STIX 2.1 predefined TLP markings (section 7.2.1.4). */
        snprintf(upper, sizeof(upper), "TLP:%s", info->color);
        for (char *p = upper + 4; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        return json_pack("{ss ss ss ss ss ss s{ss}}", "type",
                         "marking-definition", "spec_version", "2.1", "id",
                         info->id, "created", "2017-01-20T00:00:00.000Z",
                         "name", upper, "definition_type", "tlp", "definition",
                         "tlp", info->color);
    }
    /* TLP:AMBER+STRICT has no STIX 2.1 predefined object; this is the form
     * OpenCTI exports. */
    return json_pack("{ss ss ss ss ss ss s{ss}}", "type", "marking-definition",
                     "spec_version", "2.1", "id", info->id, "created",
                     "2022-10-01T00:00:00.000Z", "name", info->name,
                     "definition_type", "TLP", "definition", "TLP", info->name);
}

enum cg_err cg_stix_ctx_init(struct cg_stix_ctx *ctx, enum cg_tlp tlp,
                             int64_t now)
{
    ctx->tlp = tlp;
    cg_time_format(now, ctx->now);
    return cg_stix_id_identity(CG_STIX_AUTHOR_NAME, "organization",
                               ctx->author_id);
}

json_t *cg_stix_author(const struct cg_stix_ctx *ctx)
{
    json_t *obj = json_pack(
        "{ss ss ss ss ss ss ss ss}", "type", "identity", "spec_version", "2.1",
        "id", ctx->author_id, "created", "2024-01-01T00:00:00.000Z", "modified",
        "2024-01-01T00:00:00.000Z", "name", CG_STIX_AUTHOR_NAME,
        "identity_class", "organization", "description",
        "Criminal IP (AI Spera), an internet-exposure and threat "
        "intelligence search engine.");

    if (obj && cg_stix_add_external_ref(obj, "Criminal IP",
                                        "https://www.criminalip.io", NULL,
                                        NULL) != CG_OK) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

bool cg_stix_is_sco(const char *type)
{
    /* Sorted in byte order for the binary search below. */
    static const char *const sco_types[] = {"artifact",
                                            "autonomous-system",
                                            "directory",
                                            "domain-name",
                                            "email-addr",
                                            "email-message",
                                            "file",
                                            "ipv4-addr",
                                            "ipv6-addr",
                                            "mac-addr",
                                            "mutex",
                                            "network-traffic",
                                            "process",
                                            "software",
                                            "url",
                                            "user-account",
                                            "windows-registry-key",
                                            "x509-certificate"};

    size_t low = 0;
    size_t high = CG_ARRAY_LEN(sco_types);

    /* Binary search: the table is in byte order. */
    while (type && low < high) {
        size_t mid = (low + high) / 2;
        int cmp = strcmp(type, sco_types[mid]);

        if (cmp == 0)
            return true;
        if (cmp < 0)
            high = mid;
        else
            low = mid + 1;
    }
    return false;
}

/* Sets obj[key] to the string value; key must be ASCII. Returns non-zero
 * on failure, as jansson does, also when value is NULL or not UTF-8. */
static int set_string(json_t *obj, const char *key, const char *value)
{
    return json_object_set_new_nocheck(obj, key, json_string(value));
}

/*
 * Returns a new object with type, spec_version and id, then the author
 * under author_key and the marking, in the key order json_pack gave them
 * before. Builds it with direct calls, since this runs for every object of
 * every enrichment and json_pack parses its format string on each call.
 */
static json_t *new_object(const struct cg_stix_ctx *ctx, const char *type,
                          const char *id, bool with_times,
                          const char *author_key)
{
    json_t *obj = json_object();
    json_t *markings = json_array();
    int failed = !obj || !markings;

    if (!failed) {
        failed |= set_string(obj, "type", type);
        failed |= set_string(obj, "spec_version", "2.1");
        failed |= set_string(obj, "id", id);
        if (with_times) {
            failed |= set_string(obj, "created", ctx->now);
            failed |= set_string(obj, "modified", ctx->now);
        }
        failed |= set_string(obj, author_key, ctx->author_id);
        failed |= json_array_append_new(
            markings, json_string(cg_tlp_marking_id(ctx->tlp)));
        failed |= json_object_set_nocheck(obj, "object_marking_refs", markings);
    }
    json_decref(markings);
    if (failed) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

json_t *cg_stix_new_sco(const struct cg_stix_ctx *ctx, const char *type,
                        const char *id)
{
    return new_object(ctx, type, id, false, "x_opencti_created_by_ref");
}

json_t *cg_stix_new_sdo(const struct cg_stix_ctx *ctx, const char *type,
                        const char *id)
{
    return new_object(ctx, type, id, true, "created_by_ref");
}

json_t *cg_stix_observable(const struct cg_stix_ctx *ctx, const char *type,
                           const char *value)
{
    char id[CG_STIX_ID_SIZE];
    json_t *obj;

    if (cg_stix_id_value(type, value, id) != CG_OK)
        return NULL;
    obj = cg_stix_new_sco(ctx, type, id);
    if (obj && json_object_set_new(obj, "value", json_string(value))) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

json_t *cg_stix_autonomous_system(const struct cg_stix_ctx *ctx,
                                  long long number, const char *name)
{
    char id[CG_STIX_ID_SIZE];
    json_t *obj;
    int failed = 0;

    if (cg_stix_id_asn(number, id) != CG_OK)
        return NULL;
    obj = cg_stix_new_sco(ctx, "autonomous-system", id);
    if (!obj)
        return NULL;
    failed |= json_object_set_new(obj, "number", json_integer(number));
    if (name)
        failed |= json_object_set_new(obj, "name", json_string(name));
    if (failed) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

json_t *cg_stix_location(const struct cg_stix_ctx *ctx,
                         const char *location_type, const char *name,
                         const char *country_code, bool has_coords,
                         double latitude, double longitude)
{
    char id[CG_STIX_ID_SIZE];
    json_t *obj;
    int failed = 0;

    if (cg_stix_id_location(name, location_type, id) != CG_OK)
        return NULL;
    obj = cg_stix_new_sdo(ctx, "location", id);
    if (!obj)
        return NULL;
    failed |= json_object_set_new(obj, "name", json_string(name));
    failed |= json_object_set_new(obj, "x_opencti_location_type",
                                  json_string(location_type));
    if (strcmp(location_type, "Region") == 0)
        failed |= json_object_set_new(obj, "region", json_string(name));
    if (country_code) {
        failed |=
            json_object_set_new(obj, "country", json_string(country_code));
        if (strcmp(location_type, "Country") == 0)
            failed |= json_object_set_new(obj, "x_opencti_aliases",
                                          json_pack("[s]", country_code));
    }
    if (has_coords && latitude >= -90 && latitude <= 90 && longitude >= -180 &&
        longitude <= 180) {
        failed |= json_object_set_new(obj, "latitude", json_real(latitude));
        failed |= json_object_set_new(obj, "longitude", json_real(longitude));
    }
    if (failed) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

json_t *cg_stix_vulnerability(const struct cg_stix_ctx *ctx, const char *cve)
{
    char name[64];
    char id[CG_STIX_ID_SIZE];
    json_t *obj;
    size_t i;

    for (i = 0; cve[i] && i + 1 < sizeof(name); i++)
        name[i] = (char)toupper((unsigned char)cve[i]);
    name[i] = '\0';
    if (cg_stix_id_named("vulnerability", name, id) != CG_OK)
        return NULL;
    obj = cg_stix_new_sdo(ctx, "vulnerability", id);
    if (!obj)
        return NULL;
    if (json_object_set_new(obj, "name", json_string(name)) ||
        cg_stix_add_external_ref(obj, "cve", NULL, name, NULL) != CG_OK) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

json_t *cg_stix_software(const struct cg_stix_ctx *ctx, const char *name,
                         const char *vendor, const char *version)
{
    char id[CG_STIX_ID_SIZE];
    json_t *obj;
    int failed = 0;

    if (cg_stix_id_software(name, vendor, version, NULL, id) != CG_OK)
        return NULL;
    obj = cg_stix_new_sco(ctx, "software", id);
    if (!obj)
        return NULL;
    failed |= json_object_set_new(obj, "name", json_string(name));
    if (vendor)
        failed |= json_object_set_new(obj, "vendor", json_string(vendor));
    if (version)
        failed |= json_object_set_new(obj, "version", json_string(version));
    if (failed) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

json_t *cg_stix_indicator(const struct cg_stix_ctx *ctx, const char *pattern,
                          const char *name, const char *main_type)
{
    char id[CG_STIX_ID_SIZE];
    json_t *obj;
    int failed = 0;

    if (cg_stix_id_indicator(pattern, id) != CG_OK)
        return NULL;
    obj = cg_stix_new_sdo(ctx, "indicator", id);
    if (!obj)
        return NULL;
    failed |= json_object_set_new(obj, "name", json_string(name));
    failed |= json_object_set_new(obj, "pattern", json_string(pattern));
    failed |= json_object_set_new(obj, "pattern_type", json_string("stix"));
    failed |= json_object_set_new(obj, "pattern_version", json_string("2.1"));
    failed |= json_object_set_new(obj, "valid_from", json_string(ctx->now));
    failed |= json_object_set_new(obj, "x_opencti_main_observable_type",
                                  json_string(main_type));
    failed |= json_object_set_new(obj, "x_opencti_detection", json_true());
    if (failed) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

json_t *cg_stix_attack_pattern(const struct cg_stix_ctx *ctx,
                               const char *mitre_id, const char *name)
{
    char id[CG_STIX_ID_SIZE];
    char url[128];
    json_t *obj;

    if (cg_stix_id_attack_pattern(mitre_id, id) != CG_OK)
        return NULL;
    obj = cg_stix_new_sdo(ctx, "attack-pattern", id);
    if (!obj)
        return NULL;
    snprintf(url, sizeof(url), "https://attack.mitre.org/techniques/%s/",
             mitre_id);
    if (json_object_set_new(obj, "name", json_string(name)) ||
        json_object_set_new(obj, "x_mitre_id", json_string(mitre_id)) ||
        cg_stix_add_external_ref(obj, "mitre-attack", url, mitre_id, NULL) !=
            CG_OK) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

json_t *cg_stix_relationship(const struct cg_stix_ctx *ctx,
                             const char *relationship_type,
                             const char *source_id, const char *target_id)
{
    char id[CG_STIX_ID_SIZE];
    json_t *obj;

    if (cg_stix_id_relationship(relationship_type, source_id, target_id, id) !=
        CG_OK)
        return NULL;
    obj = cg_stix_new_sdo(ctx, "relationship", id);
    if (!obj)
        return NULL;
    if (json_object_set_new(obj, "relationship_type",
                            json_string(relationship_type)) ||
        json_object_set_new(obj, "source_ref", json_string(source_id)) ||
        json_object_set_new(obj, "target_ref", json_string(target_id))) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

const char *cg_stix_get_id(const json_t *obj)
{
    const char *s = json_string_value(json_object_get(obj, "id"));

    return s ? s : "";
}

const char *cg_stix_get_type(const json_t *obj)
{
    const char *s = json_string_value(json_object_get(obj, "type"));

    return s ? s : "";
}

/* Appends value to obj[key] (an array of strings) unless present. */
static enum cg_err add_unique_string(json_t *obj, const char *key,
                                     const char *value)
{
    json_t *list = json_object_get(obj, key);
    size_t i;
    json_t *item;

    if (!list) {
        list = json_array();
        if (!list || json_object_set_new(obj, key, list))
            return CG_ERR_NOMEM;
    }
    if (!json_is_array(list))
        return CG_ERR_INVALID;
    json_array_foreach(list, i, item) {
        if (json_is_string(item) && strcmp(json_string_value(item), value) == 0)
            return CG_OK;
    }
    return json_array_append_new(list, json_string(value)) ? CG_ERR_NOMEM
                                                           : CG_OK;
}

enum cg_err cg_stix_add_label(json_t *obj, const char *label)
{
    const char *key =
        cg_stix_is_sco(cg_stix_get_type(obj)) ? "x_opencti_labels" : "labels";

    if (!label || !*label)
        return CG_OK;
    return add_unique_string(obj, key, label);
}

static bool same_text(const json_t *ref, const char *key, const char *value)
{
    const char *s = json_string_value(json_object_get(ref, key));

    if (!s || !value)
        return !s && !value;
    return strcmp(s, value) == 0;
}

enum cg_err cg_stix_add_external_ref(json_t *obj, const char *source_name,
                                     const char *url, const char *external_id,
                                     const char *description)
{
    const char *key = cg_stix_is_sco(cg_stix_get_type(obj))
                          ? "x_opencti_external_references"
                          : "external_references";
    json_t *list = json_object_get(obj, key);
    json_t *ref;
    size_t i;
    int failed = 0;

    if (!list) {
        list = json_array();
        if (!list || json_object_set_new(obj, key, list))
            return CG_ERR_NOMEM;
    }
    json_array_foreach(list, i, ref) {
        if (same_text(ref, "source_name", source_name) &&
            same_text(ref, "url", url) &&
            same_text(ref, "external_id", external_id))
            return CG_OK;
    }
    ref = json_pack("{ss}", "source_name", source_name);
    if (!ref)
        return CG_ERR_NOMEM;
    if (url)
        failed |= json_object_set_new(ref, "url", json_string(url));
    if (external_id)
        failed |=
            json_object_set_new(ref, "external_id", json_string(external_id));
    if (description)
        failed |=
            json_object_set_new(ref, "description", json_string(description));
    if (failed || json_array_append_new(list, ref))
        return CG_ERR_NOMEM;
    return CG_OK;
}

enum cg_err cg_stix_set_description(json_t *obj, const char *text)
{
    const char *key = cg_stix_is_sco(cg_stix_get_type(obj))
                          ? "x_opencti_description"
                          : "description";

    return json_object_set_new(obj, key, json_string(text)) ? CG_ERR_NOMEM
                                                            : CG_OK;
}

enum cg_err cg_stix_set_score(json_t *obj, int score)
{
    if (score < 0)
        score = 0;
    if (score > 100)
        score = 100;
    return json_object_set_new(obj, "x_opencti_score", json_integer(score))
               ? CG_ERR_NOMEM
               : CG_OK;
}

const char *cg_stix_opencti_type(const json_t *obj)
{
    static const struct {
        const char *stix;
        const char *opencti;
    } names[] = {
        {"ipv4-addr", "IPv4-Addr"},
        {"ipv6-addr", "IPv6-Addr"},
        {"domain-name", "Domain-Name"},
        {"url", "Url"},
        {"mac-addr", "Mac-Addr"},
        {"autonomous-system", "Autonomous-System"},
        {"x509-certificate", "X509-Certificate"},
        {"software", "Software"},
        {"email-addr", "Email-Addr"},
        {"file", "StixFile"},
        {"network-traffic", "Network-Traffic"},
        {"indicator", "Indicator"},
        {"vulnerability", "Vulnerability"},
        {"attack-pattern", "Attack-Pattern"},
        {"malware", "Malware"},
        {"tool", "Tool"},
        {"campaign", "Campaign"},
        {"infrastructure", "Infrastructure"},
        {"intrusion-set", "Intrusion-Set"},
        {"threat-actor", "Threat-Actor"},
        {"observed-data", "Observed-Data"},
        {"note", "Note"},
        {"grouping", "Grouping"},
        {"report", "Report"},
    };
    const char *type = cg_stix_get_type(obj);

    if (strcmp(type, "location") == 0) {
        const char *kind =
            json_string_value(json_object_get(obj, "x_opencti_location_type"));

        return kind ? kind : "";
    }
    if (strcmp(type, "identity") == 0) {
        const char *cls =
            json_string_value(json_object_get(obj, "identity_class"));

        if (cls && strcmp(cls, "individual") == 0)
            return "Individual";
        if (cls && strcmp(cls, "class") == 0)
            return "Sector";
        if (cls && strcmp(cls, "system") == 0)
            return "System";
        return "Organization";
    }
    for (size_t i = 0; i < CG_ARRAY_LEN(names); i++) {
        if (strcmp(type, names[i].stix) == 0)
            return names[i].opencti;
    }
    return "";
}

static bool is_one_of(const char *type, const char *const *list)
{
    for (; *list; list++) {
        if (strcmp(type, *list) == 0)
            return true;
    }
    return false;
}

/*
 * OpenCTI's stixCoreRelationshipsMapping entries for the types cipgraph
 * emits (opencti-graphql stix_relationships-backend.json). A NULL-ended
 * source list, a relationship type and a NULL-ended target list; "*SCO"
 * stands for any observable.
 */
struct rel_rule {
    const char *type;
    const char *const *sources;
    const char *const *targets;
};

static const char *const ip_types[] = {"IPv4-Addr", "IPv6-Addr", NULL};
static const char *const as_types[] = {"Autonomous-System", NULL};
static const char *const place_types[] = {"Region", "Country", "City",
                                          "Position", NULL};
static const char *const city_types[] = {"City", NULL};
static const char *const country_region[] = {"Country", "Region", NULL};
static const char *const country_types[] = {"Country", NULL};
static const char *const region_types[] = {"Region", NULL};
static const char *const position_types[] = {"Position", NULL};
static const char *const domain_types[] = {"Domain-Name", NULL};
static const char *const resolvable[] = {"IPv4-Addr", "IPv6-Addr",
                                         "Domain-Name", NULL};
static const char *const mac_types[] = {"Mac-Addr", NULL};
static const char *const indicator_types[] = {"Indicator", NULL};
static const char *const any_sco[] = {"*SCO", NULL};
static const char *const observed_types[] = {"Observed-Data", NULL};
static const char *const indicated[] = {
    "Attack-Pattern", "Malware",       "Campaign",
    "Infrastructure", "Intrusion-Set", "Threat-Actor",
    "Tool",           "Vulnerability", NULL};
static const char *const talkers[] = {"Malware", "Infrastructure", NULL};
static const char *const network_scos[] = {"IPv4-Addr", "IPv6-Addr",
                                           "Domain-Name", "Url", NULL};

static const struct rel_rule rel_rules[] = {
    {"belongs-to", ip_types, as_types},
    {"located-at", ip_types, place_types},
    {"located-at", city_types, country_region},
    {"located-at", country_types, region_types},
    {"located-at", region_types, region_types},
    {"located-at", position_types, city_types},
    {"resolves-to", ip_types, mac_types},
    {"resolves-to", domain_types, resolvable},
    {"based-on", indicator_types, any_sco},
    {"based-on", indicator_types, observed_types},
    {"indicates", indicator_types, indicated},
    {"derived-from", indicator_types, indicator_types},
    {"communicates-with", talkers, network_scos},
};

static bool type_matches(const json_t *obj, const char *opencti_type,
                         const char *const *list)
{
    if (list[0] && strcmp(list[0], "*SCO") == 0)
        return cg_stix_is_sco(cg_stix_get_type(obj));
    return is_one_of(opencti_type, list);
}

/* STIX core objects: SDOs and SCOs, not SROs, markings or bundles. */
static bool is_core_object(const json_t *obj)
{
    const char *type = cg_stix_get_type(obj);

    return *type && strcmp(type, "relationship") != 0 &&
           strcmp(type, "sighting") != 0 &&
           strcmp(type, "marking-definition") != 0 &&
           strcmp(type, "bundle") != 0 &&
           strcmp(type, "language-content") != 0 &&
           strcmp(type, "extension-definition") != 0;
}

bool cg_stix_relationship_allowed(const char *relationship_type,
                                  const json_t *source, const json_t *target)
{
    const char *source_type = cg_stix_opencti_type(source);
    const char *target_type = cg_stix_opencti_type(target);

    if (!is_core_object(source) || !is_core_object(target))
        return false;
    if (strcmp(relationship_type, "related-to") == 0)
        return true;
    for (size_t i = 0; i < CG_ARRAY_LEN(rel_rules); i++) {
        const struct rel_rule *rule = &rel_rules[i];

        if (strcmp(rule->type, relationship_type) == 0 &&
            type_matches(source, source_type, rule->sources) &&
            type_matches(target, target_type, rule->targets))
            return true;
    }
    return false;
}
