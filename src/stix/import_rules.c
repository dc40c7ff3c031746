/*
 * Import rules that go beyond each type's required properties: the
 * property names and values that the STIX 2.1 JSON schemas allow on every
 * object (common/properties.json, common/core.json), extensions, the
 * x_opencti_score range, and the relationship types and ends that OpenCTI
 * accepts. An object that breaks one is rejected, so that whatever the
 * import stores comes out of the export as a valid bundle that OpenCTI
 * can load.
 */
#include "stix/import_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stix/object.h"

/* The extension definitions of OpenCTI's own properties, where a score
 * may also sit as "score" (pycti STIX_EXT_OCTI and STIX_EXT_OCTI_SCO). */
#define CG_EXT_OPENCTI \
    "extension-definition--ea279b3e-5c71-4632-ac08-831c66a786ba"
#define CG_EXT_OPENCTI_SCO \
    "extension-definition--f93e2c80-4231-4f9a-af8b-95c9bd566a82"

static bool reject(char reason[CG_STIX_REASON_SIZE], const char *fmt, ...)
    CG_PRINTF(2, 3);

static bool reject(char reason[CG_STIX_REASON_SIZE], const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(reason, CG_STIX_REASON_SIZE, fmt, ap);
    va_end(ap);
    return false;
}

/* Writes v as compact JSON into text, cut to size - 1 bytes. */
static void json_excerpt(const json_t *v, char *text, size_t size)
{
    char *dump = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

    snprintf(text, size, "%s", dump ? dump : "?");
    free(dump);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t len = strlen(s);
    size_t n = strlen(suffix);

    return len >= n && strcmp(s + len - n, suffix) == 0;
}

/* A lower-case letter, then lower-case letters, digits and underscores. */
static bool snake_name(const char *name)
{
    if (!islower((unsigned char)name[0]))
        return false;
    for (const char *p = name + 1; *p; p++) {
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
            *p != '_')
            return false;
    }
    return true;
}

/*
 * The property names common/properties.json accepts. Its pattern
 * "^([a-z][a-z0-9_]{2,249})|id$" matches a name that starts with a
 * lower-case letter and two more letters, digits or underscores, whatever
 * follows, or any name that ends in "id".
 */
static bool property_name_valid(const char *name)
{
    size_t prefix = 1;

    if (ends_with(name, "id"))
        return true;
    if (!islower((unsigned char)name[0]))
        return false;
    while (prefix < 3 && name[prefix] &&
           (islower((unsigned char)name[prefix]) ||
            isdigit((unsigned char)name[prefix]) || name[prefix] == '_'))
        prefix++;
    return prefix == 3;
}

/* RFC 4648 base64 with padding, at least one group: common/binary.json. */
static bool base64_valid(const char *s)
{
    size_t len = strlen(s);
    size_t pad = 0;

    if (len == 0 || len % 4 != 0)
        return false;
    while (pad < 2 && s[len - 1 - pad] == '=')
        pad++;
    for (size_t i = 0; i < len - pad; i++) {
        if (!isalnum((unsigned char)s[i]) && s[i] != '+' && s[i] != '/')
            return false;
    }
    return true;
}

/* An even, non-zero number of hex digits: common/hex.json. */
static bool hex_valid(const char *s)
{
    size_t len = strlen(s);

    if (len == 0 || len % 2 != 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!isxdigit((unsigned char)s[i]))
            return false;
    }
    return true;
}

/* The rules of common/properties.json for the properties of obj; where
 * names obj in messages ("" for the object itself). */
static bool property_values_valid(const json_t *obj, const char *where,
                                  char reason[CG_STIX_REASON_SIZE])
{
    const char *key;
    const json_t *value;

    json_object_foreach((json_t *)obj, key, value) {
        const char *text = json_string_value(value);

        if (!property_name_valid(key))
            return reject(reason,
                          "%sproperty name '%.60s' is not lower-case "
                          "letters, digits and '_' starting with a letter",
                          where, key);
        if (json_is_null(value))
            return reject(reason,
                          "%s%s is null; leave the property out instead", where,
                          key);
        if (json_is_array(value) && json_array_size(value) == 0)
            return reject(reason,
                          "%s%s is an empty list; leave the property out "
                          "instead",
                          where, key);
        if (snake_name(key) && ends_with(key, "_bin") &&
            (!text || !base64_valid(text)))
            return reject(reason, "%s%s is not a base64 string", where, key);
        if (snake_name(key) && ends_with(key, "_hex") &&
            (!text || !hex_valid(text)))
            return reject(reason, "%s%s is not an even number of hex digits",
                          where, key);
    }
    return true;
}

/* x_opencti_score and OpenCTI's "score": an integer from 0 to 100. */
static bool score_valid(const json_t *score, const char *name,
                        char reason[CG_STIX_REASON_SIZE])
{
    char text[48];

    if (!score)
        return true;
    if (json_is_integer(score) && json_integer_value(score) >= 0 &&
        json_integer_value(score) <= 100)
        return true;
    json_excerpt(score, text, sizeof(text));
    return reject(reason, "%s %s is not an integer from 0 to 100", name, text);
}

/* "<type>-ext" for the extensions STIX 2.1 predefines: the pattern
 * ^([a-z][a-z0-9]*)+(-[a-z0-9]+)*\-ext$ of common/core.json. */
static bool predefined_extension_name(const char *name)
{
    size_t len = strlen(name);

    if (len <= 4 || !ends_with(name, "-ext") || !islower((unsigned char)*name))
        return false;
    for (size_t i = 0; i < len - 4; i++) {
        char c = name[i];

        if (c == '-' && (i + 1 == len - 4 || name[i + 1] == '-'))
            return false;
        if (c != '-' && !islower((unsigned char)c) &&
            !isdigit((unsigned char)c))
            return false;
    }
    return true;
}

/* extension_type of an extension-definition extension: common/extension.json.
 */
static bool extension_type_valid(const char *type)
{
    static const char *const types[] = {"new-sdo", "new-sco", "new-sro",
                                        "property-extension",
                                        "toplevel-property-extension"};

    for (size_t i = 0; type && i < CG_ARRAY_LEN(types); i++) {
        if (strcmp(type, types[i]) == 0)
            return true;
    }
    return false;
}

/*
 * extensions: a non-empty dictionary whose keys are "<name>-ext" or an
 * extension-definition id, each value a non-empty object whose
 * properties follow the common rules (STIX 2.1 section 7.3). An
 * extension-definition entry also needs extension_type.
 */
static bool extensions_valid(const json_t *obj,
                             char reason[CG_STIX_REASON_SIZE])
{
    const json_t *extensions = json_object_get(obj, "extensions");
    const char *name;
    const json_t *ext;

    if (!extensions)
        return true;
    if (!json_is_object(extensions) || json_object_size(extensions) == 0)
        return reject(reason, "extensions is not a non-empty object");
    json_object_foreach((json_t *)extensions, name, ext) {
        bool definition = cg_stix_id_valid(name, "extension-definition");
        char where[96];

        if (!definition && !predefined_extension_name(name))
            return reject(reason,
                          "extension name '%.60s' is neither an "
                          "extension-definition id nor a name ending in "
                          "'-ext'",
                          name);
        if (!json_is_object(ext) || json_object_size(ext) == 0)
            return reject(reason, "extension '%.60s' is not a non-empty object",
                          name);
        if (definition && !extension_type_valid(json_string_value(
                              json_object_get(ext, "extension_type"))))
            return reject(reason,
                          "extension '%.60s' has no valid extension_type "
                          "(new-sdo, new-sco, new-sro, property-extension or "
                          "toplevel-property-extension)",
                          name);
        snprintf(where, sizeof(where), "extension '%.60s': ", name);
        if (!property_values_valid(ext, where, reason))
            return false;
        if ((strcmp(name, CG_EXT_OPENCTI) == 0 ||
             strcmp(name, CG_EXT_OPENCTI_SCO) == 0) &&
            !score_valid(json_object_get(ext, "score"), "OpenCTI score",
                         reason))
            return false;
    }
    return true;
}

bool cg_import__properties_valid(const json_t *obj,
                                 char reason[CG_STIX_REASON_SIZE])
{
    return property_values_valid(obj, "", reason) &&
           score_valid(json_object_get(obj, "x_opencti_score"),
                       "x_opencti_score", reason) &&
           extensions_valid(obj, reason);
}

/* ---- relationships ---- */

/*
 * OpenCTI's STIX core relationship types, STIX_CORE_RELATIONSHIPS in
 * opencti-graphql src/schema/stixCoreRelationship.ts (6.x), in byte order
 * for bsearch. OpenCTI rejects any other type, custom "x-" types
 * included, with "Only stix-core-relationship can be created through this
 * method".
 */
static const char *const opencti_types[] = {"amplifies",
                                            "analysis-of",
                                            "attributed-to",
                                            "authored-by",
                                            "based-on",
                                            "beacons-to",
                                            "belongs-to",
                                            "characterizes",
                                            "citizen-of",
                                            "communicates-with",
                                            "compromises",
                                            "consists-of",
                                            "controls",
                                            "cooperates-with",
                                            "delivers",
                                            "derived-from",
                                            "detects",
                                            "downloads",
                                            "drops",
                                            "duplicate-of",
                                            "dynamic-analysis-of",
                                            "employed-by",
                                            "exfiltrates-to",
                                            "exploits",
                                            "has",
                                            "hosts",
                                            "impersonates",
                                            "indicates",
                                            "investigates",
                                            "known-as",
                                            "located-at",
                                            "mitigates",
                                            "national-of",
                                            "originates-from",
                                            "owns",
                                            "part-of",
                                            "participates-in",
                                            "publishes",
                                            "related-to",
                                            "remediates",
                                            "resides-in",
                                            "resolves-to",
                                            "revoked-by",
                                            "static-analysis-of",
                                            "subnarrative-of",
                                            "subtechnique-of",
                                            "targets",
                                            "uses",
                                            "variant-of"};

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool opencti_type(const char *type)
{
    return bsearch(&type, opencti_types, CG_ARRAY_LEN(opencti_types),
                   sizeof(opencti_types[0]), compare_names) != NULL;
}

/* Any observable type, in an end list. */
#define ANY_SCO "*sco"

/*
 * Source and target types, by STIX type, of the pairs that OpenCTI's
 * stixCoreRelationshipsMapping (opencti-graphql src/database/stix.js)
 * accepts for the relationship types below, with the mapping's subtypes
 * (Organization, Country and so on) folded into their STIX types.
 * ip resolves-to mac-addr is an observable relationship there, accepted as
 * well.
 */
struct end_rule {
    const char *type;
    const char *const *sources; /* NULL-terminated */
    const char *const *targets;
};

static const char *const ips[] = {"ipv4-addr", "ipv6-addr", NULL};
static const char *const asns[] = {"autonomous-system", NULL};
static const char *const identities[] = {"identity", NULL};
static const char *const macs[] = {"mac-addr", NULL};
static const char *const locations[] = {"location", NULL};
static const char *const domains[] = {"domain-name", NULL};
static const char *const resolvable[] = {"ipv4-addr", "ipv6-addr",
                                         "domain-name", NULL};
static const char *const indicators[] = {"indicator", NULL};
static const char *const any_sco[] = {ANY_SCO, NULL};
static const char *const observed[] = {ANY_SCO, "observed-data", NULL};
static const char *const indicated[] = {
    "attack-pattern", "campaign",      "infrastructure",
    "intrusion-set",  "malware",       "threat-actor",
    "tool",           "vulnerability", NULL};
static const char *const talkers[] = {"malware", "infrastructure", NULL};
static const char *const network[] = {"ipv4-addr", "ipv6-addr", "domain-name",
                                      "url", NULL};
static const char *const infrastructures[] = {"infrastructure", NULL};
static const char *const carriers[] = {"artifact", "file", "url", NULL};
static const char *const carriers_and_domains[] = {"artifact", "file", "url",
                                                   "domain-name", NULL};
static const char *const attack_patterns[] = {"attack-pattern", NULL};
static const char *const payloads[] = {"artifact", "file", NULL};

static const struct end_rule end_rules[] = {
    {"belongs-to", ips, asns},
    {"belongs-to", identities, identities},
    {"located-at", ips, locations},
    {"resolves-to", ips, macs},
    {"resolves-to", domains, resolvable},
    {"based-on", indicators, observed},
    {"based-on", infrastructures, any_sco},
    {"indicates", indicators, indicated},
    {"communicates-with", talkers, network},
    {"communicates-with", infrastructures, infrastructures},
    {"communicates-with", carriers, resolvable},
    {"uses", carriers_and_domains, attack_patterns},
    {"drops", carriers, payloads},
};

/* Types whose pairs end_rules lists in full, whatever the source. For
 * the others it lists only the pairs from an observable. */
static bool fully_listed(const char *type)
{
    static const char *const types[] = {"based-on", "belongs-to",
                                        "communicates-with", "indicates",
                                        "resolves-to"};

    for (size_t i = 0; i < CG_ARRAY_LEN(types); i++) {
        if (strcmp(type, types[i]) == 0)
            return true;
    }
    return false;
}

static bool type_listed(const char *type, const char *const *list)
{
    for (; *list; list++) {
        if (strcmp(*list, ANY_SCO) == 0 ? cg_stix_is_sco(type)
                                        : strcmp(*list, type) == 0)
            return true;
    }
    return false;
}

/* Copies the type prefix of a STIX id ("ipv4-addr" of "ipv4-addr--..."). */
static void id_type(const char *id, char *type, size_t size)
{
    const char *sep = strstr(id, "--");
    size_t len = sep ? (size_t)(sep - id) : strlen(id);

    snprintf(type, size, "%.*s", (int)(len < size ? len : size - 1), id);
}

static bool pair_listed(const char *type, const char *source,
                        const char *target)
{
    for (size_t i = 0; i < CG_ARRAY_LEN(end_rules); i++) {
        if (strcmp(end_rules[i].type, type) == 0 &&
            type_listed(source, end_rules[i].sources) &&
            type_listed(target, end_rules[i].targets))
            return true;
    }
    return false;
}

/*
 * The pair rules. related-to and revoked-by link any two objects, as
 * checkStixCoreRelationshipMapping lets them. The fully listed types need
 * a listed pair. From an observable, every other type needs a listed pair
 * too, because the mapping has no other pairs from observables. located-at
 * always points to a location.
 * NOTE: the location subtypes (City located-at Country, not the reverse)
 * and the other types between domain objects are not checked, because
 * that needs the objects rather than their ids. A pair that a later
 * OpenCTI version adds to the mapping is rejected until it is listed.
 */
static bool ends_accepted(const char *type, const char *source,
                          const char *target)
{
    if (strcmp(type, "related-to") == 0 || strcmp(type, "revoked-by") == 0)
        return true;
    if (strcmp(type, "located-at") == 0 && strcmp(target, "location") != 0)
        return false;
    if (fully_listed(type) || cg_stix_is_sco(source))
        return pair_listed(type, source, target);
    return true;
}

bool cg_import__relationship_accepted(const char *relationship_type,
                                      const char *source, const char *target,
                                      char reason[CG_STIX_REASON_SIZE])
{
    char source_type[64];
    char target_type[64];

    if (strncmp(relationship_type, "x-", 2) == 0)
        return reject(reason,
                      "relationship_type '%.60s' is a custom type, which "
                      "OpenCTI does not accept; use related-to",
                      relationship_type);
    if (!opencti_type(relationship_type))
        return reject(reason,
                      "relationship_type '%.60s' is not a type OpenCTI "
                      "accepts (such as related-to, uses, indicates, "
                      "based-on, resolves-to)",
                      relationship_type);
    id_type(source, source_type, sizeof(source_type));
    id_type(target, target_type, sizeof(target_type));
    if (!ends_accepted(relationship_type, source_type, target_type))
        return reject(reason,
                      "OpenCTI does not accept %s from %s to %s; use "
                      "related-to",
                      relationship_type, source_type, target_type);
    return true;
}
