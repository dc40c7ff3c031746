/*
 * Validation of STIX 2.1 objects read from outside (STIX 2.1 OASIS
 * standard, sections 2 to 7), before they reach the graph. A rejected
 * object gets one reason, the first rule it breaks, so that a report names
 * exactly what to fix. Types cipgraph does not know get the common checks
 * only.
 */
#include "stix/import_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/indicator.h"
#include "stix/object.h"

/* Maximum length of a url observable's value, in bytes. */
#define CG_URL_VALUE_MAX 65536

static bool fail(char reason[CG_STIX_REASON_SIZE], const char *fmt, ...)
    CG_PRINTF(2, 3);

static bool fail(char reason[CG_STIX_REASON_SIZE], const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(reason, CG_STIX_REASON_SIZE, fmt, ap);
    va_end(ap);
    return false;
}

/* The string value of obj[key] when it is a string without NUL bytes. */
static const char *plain_string(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    const char *s = json_string_value(v);

    if (!s || strlen(s) != json_string_length(v))
        return NULL;
    return s;
}

/* The JSON type of v in words, for messages. */
static const char *json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "a list";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        break;
    }
    return "null";
}

/*
 * Sets *out to the string obj[key], or writes into reason why it is not
 * usable: it is missing, not a string, or contains a NUL byte (which C
 * code would silently cut off).
 */
static bool string_property(const json_t *obj, const char *key,
                            const char **out, char reason[CG_STIX_REASON_SIZE])
{
    const json_t *v = json_object_get(obj, key);

    *out = NULL;
    if (!v)
        return fail(reason, "missing %s", key);
    if (!json_is_string(v))
        return fail(reason, "%s is %s, not a string", key, json_kind(v));
    if (strlen(json_string_value(v)) != json_string_length(v))
        return fail(reason, "%s contains a NUL byte", key);
    *out = json_string_value(v);
    return true;
}

static bool is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!isxdigit((unsigned char)s[i]))
            return false;
    }
    return true;
}

/* The STIX type grammar: ^([a-z][a-z0-9]*)+(-[a-z0-9]+)*-?$, 3..250. */
static bool type_valid(const char *type)
{
    size_t len = strlen(type);

    if (len < 3 || len > 250 || !islower((unsigned char)type[0]))
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = type[i];

        if (c == '-' && (type[i + 1] == '-'))
            return false;
        if (c != '-' && !islower((unsigned char)c) &&
            !isdigit((unsigned char)c))
            return false;
    }
    return true;
}

bool cg_stix_id_valid(const char *id, const char *type)
{
    const char *sep = id ? strstr(id, "--") : NULL;
    const char *u;

    if (!sep || sep == id)
        return false;
    if (type && ((size_t)(sep - id) != strlen(type) ||
                 strncmp(id, type, strlen(type)) != 0))
        return false;
    for (const char *p = id; p < sep; p++) {
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
            *p != '-')
            return false;
    }
    u = sep + 2;
    if (strlen(u) != 36 || u[8] != '-' || u[13] != '-' || u[18] != '-' ||
        u[23] != '-')
        return false;
    if (!is_hex(u, 8) || !is_hex(u + 9, 4) || !is_hex(u + 14, 4) ||
        !is_hex(u + 19, 4) || !is_hex(u + 24, 12))
        return false;
    /* RFC 4122: version 1 to 5, variant 10xx. */
    return u[14] >= '1' && u[14] <= '5' && strchr("89abAB", u[19]) != NULL;
}

static bool digits(const char *s, int n)
{
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
    }
    return true;
}

static int number(const char *s, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

bool cg_stix_timestamp_valid(const char *t, bool millis)
{
    size_t fraction = 0;

    if (!t || strlen(t) < 20 || !digits(t, 4) || t[4] != '-' ||
        !digits(t + 5, 2) || t[7] != '-' || !digits(t + 8, 2) || t[10] != 'T' ||
        !digits(t + 11, 2) || t[13] != ':' || !digits(t + 14, 2) ||
        t[16] != ':' || !digits(t + 17, 2))
        return false;
    if (number(t + 5, 2) < 1 || number(t + 5, 2) > 12 || number(t + 8, 2) < 1 ||
        number(t + 8, 2) > 31 || number(t + 11, 2) > 23 ||
        number(t + 14, 2) > 59 || number(t + 17, 2) > 60)
        return false;
    t += 19;
    if (*t == '.') {
        while (isdigit((unsigned char)t[1 + fraction]))
            fraction++;
        if (fraction == 0)
            return false;
        t += 1 + fraction;
    }
    if (millis && fraction < 3)
        return false;
    return t[0] == 'Z' && t[1] == '\0';
}

/* Checks the reference properties at the top level and in granular
 * markings; returns false with the reason. */
static bool refs_valid(const json_t *obj, char reason[CG_STIX_REASON_SIZE])
{
    const char *key;
    const json_t *value;

    json_object_foreach((json_t *)obj, key, value) {
        size_t len = strlen(key);
        const char *want = NULL;

        if (strcmp(key, "created_by_ref") == 0 ||
            strcmp(key, "x_opencti_created_by_ref") == 0)
            want = "identity";
        else if (strcmp(key, "object_marking_refs") == 0)
            want = "marking-definition";
        if (len > 4 && strcmp(key + len - 4, "_ref") == 0) {
            const char *ref = plain_string(obj, key);

            if (!ref || !cg_stix_id_valid(ref, want))
                return fail(reason, "%s is not %s id", key,
                            want ? (want[0] == 'i' ? "an identity"
                                                   : "a marking-definition")
                                 : "a STIX");
        } else if (len > 5 && strcmp(key + len - 5, "_refs") == 0) {
            size_t i;
            const json_t *item;

            if (!json_is_array(value) || json_array_size(value) == 0)
                return fail(reason, "%s is not a non-empty list", key);
            json_array_foreach(value, i, item) {
                const char *ref = json_string_value(item);

                if (!ref || strlen(ref) != json_string_length(item) ||
                    !cg_stix_id_valid(ref, want))
                    return fail(reason, "%s[%zu] is not %s id", key, i,
                                want ? "a marking-definition" : "a STIX");
            }
        }
    }
    return true;
}

static bool common_lists_valid(const json_t *obj,
                               char reason[CG_STIX_REASON_SIZE])
{
    const json_t *labels = json_object_get(obj, "labels");
    const json_t *refs = json_object_get(obj, "external_references");
    const json_t *confidence = json_object_get(obj, "confidence");
    size_t i;
    const json_t *item;

    if (labels && (!json_is_array(labels) || json_array_size(labels) == 0))
        return fail(reason, "labels is not a non-empty list");
    json_array_foreach(labels, i, item) {
        if (!json_is_string(item))
            return fail(reason, "labels[%zu] is not a string", i);
    }
    if (refs && (!json_is_array(refs) || json_array_size(refs) == 0))
        return fail(reason, "external_references is not a non-empty list");
    json_array_foreach(refs, i, item) {
        if (!json_is_string(json_object_get(item, "source_name")))
            return fail(reason, "external_references[%zu] has no source_name",
                        i);
    }
    if (confidence &&
        (!json_is_integer(confidence) || json_integer_value(confidence) < 0 ||
         json_integer_value(confidence) > 100))
        return fail(reason, "confidence is not an integer from 0 to 100");
    return true;
}

/* created and modified of domain objects and relationships. */
static bool times_valid(const json_t *obj, bool need_modified,
                        char reason[CG_STIX_REASON_SIZE])
{
    const char *created;
    const char *modified = NULL;

    if (!string_property(obj, "created", &created, reason))
        return false;
    if ((json_object_get(obj, "modified") || need_modified) &&
        !string_property(obj, "modified", &modified, reason))
        return false;
    if (!cg_stix_timestamp_valid(created, true))
        return fail(reason,
                    "created '%.40s' is not a STIX timestamp with "
                    "milliseconds",
                    created);
    if (modified && !cg_stix_timestamp_valid(modified, true))
        return fail(reason,
                    "modified '%.40s' is not a STIX timestamp with "
                    "milliseconds",
                    modified);
    if (modified && strcmp(modified, created) < 0)
        return fail(reason, "modified is earlier than created");
    return true;
}

static bool require_string(const json_t *obj, const char *key,
                           char reason[CG_STIX_REASON_SIZE])
{
    const char *s;

    if (!string_property(obj, key, &s, reason))
        return false;
    if (!*s)
        return fail(reason, "%s is empty", key);
    return true;
}

static bool optional_time(const json_t *obj, const char *key,
                          char reason[CG_STIX_REASON_SIZE])
{
    const json_t *v = json_object_get(obj, key);

    if (v && !cg_stix_timestamp_valid(json_string_value(v), false))
        return fail(reason, "%s is not a STIX timestamp", key);
    return true;
}

/* An ipv4-addr or ipv6-addr value: an address, or a block with a CIDR
 * prefix. */
static bool address_valid(const char *value, bool v6)
{
    char canonical[CG_IP_TEXT_SIZE];
    char address[CG_IP_TEXT_SIZE];
    const char *slash = strchr(value, '/');
    size_t len = slash ? (size_t)(slash - value) : strlen(value);
    enum cg_kind kind;

    if (slash) {
        char *end;
        long prefix;

        errno = 0;
        prefix = strtol(slash + 1, &end, 10);
        if (errno || *end || !isdigit((unsigned char)slash[1]) || prefix < 0 ||
            prefix > (v6 ? 128 : 32))
            return false;
    }
    if (len == 0 || len >= sizeof(address))
        return false;
    memcpy(address, value, len);
    address[len] = '\0';
    /* cg_ip_canonical turns an IPv4-mapped IPv6 address into IPv4, so the
     * colon decides the family. */
    kind = cg_ip_canonical(address, canonical);
    if (v6)
        return kind != CG_KIND_NONE && strchr(address, ':') != NULL;
    return kind == CG_KIND_IPV4 && strchr(address, ':') == NULL;
}

/* A domain name: 1 to 253 bytes of labels of 1 to 63 bytes, without
 * blanks, control bytes or URL punctuation. */
static bool domain_valid(const char *value)
{
    size_t len = strlen(value);
    size_t label = 0;

    if (value[len ? len - 1 : 0] == '.')
        len--;
    if (len == 0 || len > 253)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)value[i];

        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
            continue;
        }
        if (c <= 0x20 || c == 0x7f || strchr("/\\?#@:[]<>\"'%", c))
            return false;
        if (++label > 63)
            return false;
    }
    return label > 0;
}

static bool url_valid(const char *value)
{
    size_t len = strlen(value);
    size_t scheme = strspn(value, "abcdefghijklmnopqrstuvwxyz"
                                  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");

    if (len == 0 || len > CG_URL_VALUE_MAX || scheme == 0 ||
        value[scheme] != ':' || !isalpha((unsigned char)value[0]))
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)value[i];

        if (c <= 0x20 || c == 0x7f)
            return false;
    }
    return true;
}

static bool value_sco_valid(const json_t *obj, const char *type,
                            char reason[CG_STIX_REASON_SIZE])
{
    const char *value;

    if (!string_property(obj, "value", &value, reason))
        return false;
    if (!*value)
        return fail(reason, "value is empty");
    if (strcmp(type, "ipv4-addr") == 0 && !address_valid(value, false))
        return fail(reason, "value '%.60s' is not an IPv4 address or block",
                    value);
    if (strcmp(type, "ipv6-addr") == 0 && !address_valid(value, true))
        return fail(reason, "value '%.60s' is not an IPv6 address or block",
                    value);
    if (strcmp(type, "domain-name") == 0 && !domain_valid(value))
        return fail(reason, "value '%.60s' is not a domain name", value);
    if (strcmp(type, "url") == 0 && !url_valid(value))
        return fail(reason, "value '%.60s' is not a URL", value);
    return true;
}

/* Observables whose schema requires at least one specific property. */
static bool has_specific_property(const json_t *obj)
{
    static const char *const common[] = {"type",
                                         "id",
                                         "spec_version",
                                         "object_marking_refs",
                                         "granular_markings",
                                         "defanged",
                                         "extensions"};
    const char *key;
    const json_t *value;

    json_object_foreach((json_t *)obj, key, value) {
        bool is_common = strncmp(key, "x_", 2) == 0;

        (void)value;
        for (size_t i = 0; i < CG_ARRAY_LEN(common) && !is_common; i++)
            is_common = strcmp(key, common[i]) == 0;
        if (!is_common)
            return true;
    }
    return false;
}

static bool sco_valid(const json_t *obj, const char *type,
                      char reason[CG_STIX_REASON_SIZE])
{
    static const char *const value_types[] = {"ipv4-addr",   "ipv6-addr",
                                              "domain-name", "url",
                                              "email-addr",  "mac-addr"};
    const json_t *number;

    for (size_t i = 0; i < CG_ARRAY_LEN(value_types); i++) {
        if (strcmp(type, value_types[i]) == 0)
            return value_sco_valid(obj, type, reason);
    }
    if (strcmp(type, "autonomous-system") == 0) {
        number = json_object_get(obj, "number");
        if (!json_is_integer(number) || json_integer_value(number) < 0 ||
            json_integer_value(number) > 4294967295LL)
            return fail(reason, "number is not an AS number from 0 to "
                                "4294967295");
        return true;
    }
    if (strcmp(type, "software") == 0 || strcmp(type, "mutex") == 0)
        return require_string(obj, "name", reason);
    if (strcmp(type, "directory") == 0)
        return require_string(obj, "path", reason);
    if (strcmp(type, "network-traffic") == 0 &&
        json_array_size(json_object_get(obj, "protocols")) == 0)
        return fail(reason, "missing protocols");
    if (!has_specific_property(obj))
        return fail(reason, "a %s needs at least one of its own properties",
                    type);
    return true;
}

static bool coordinate_valid(const json_t *v, double limit)
{
    double d = json_number_value(v);

    return json_is_number(v) && d >= -limit && d <= limit;
}

/* STIX 2.1 section 4.9: region, country or both coordinates. */
static bool location_valid(const json_t *obj, char reason[CG_STIX_REASON_SIZE])
{
    static const char *const kinds[] = {"Country", "City", "Region", "Position",
                                        "Administrative-Area"};
    const json_t *lat = json_object_get(obj, "latitude");
    const json_t *lon = json_object_get(obj, "longitude");
    const char *kind = plain_string(obj, "x_opencti_location_type");
    bool known = false;

    if (!lat != !lon)
        return fail(reason, "latitude and longitude must come together");
    if (lat && (!coordinate_valid(lat, 90) || !coordinate_valid(lon, 180)))
        return fail(reason, "latitude or longitude is out of range");
    if (json_object_get(obj, "precision") && !lat)
        return fail(reason, "precision needs latitude and longitude");
    if (!lat && !plain_string(obj, "region") && !plain_string(obj, "country"))
        return fail(reason, "a location needs region, country, or latitude "
                            "and longitude");
    for (size_t i = 0; kind && i < CG_ARRAY_LEN(kinds); i++)
        known |= strcmp(kind, kinds[i]) == 0;
    if (kind && !known)
        return fail(reason,
                    "x_opencti_location_type '%.40s' is not Country, "
                    "City, Region, Position or Administrative-Area",
                    kind);
    return true;
}

static bool indicator_valid(const json_t *obj, char reason[CG_STIX_REASON_SIZE])
{
    const char *pattern;
    const char *type;
    const char *from;
    const char *until = plain_string(obj, "valid_until");
    size_t len;

    if (!require_string(obj, "pattern", reason) ||
        !require_string(obj, "pattern_type", reason) ||
        !string_property(obj, "valid_from", &from, reason))
        return false;
    pattern = plain_string(obj, "pattern");
    type = plain_string(obj, "pattern_type");
    len = strlen(pattern);
    if (!cg_stix_timestamp_valid(from, false))
        return fail(reason, "valid_from is not a STIX timestamp");
    if (json_object_get(obj, "valid_until") &&
        (!cg_stix_timestamp_valid(until, false) || strcmp(until, from) <= 0))
        return fail(reason, "valid_until is not a timestamp after valid_from");
    if (strcmp(type, "stix") == 0 &&
        (pattern[0] != '[' || pattern[len - 1] != ']'))
        return fail(reason, "a STIX pattern must be enclosed in [ ]");
    return true;
}

/* Relationship ends must be domain objects or observables (STIX 2.1
 * section 5.1.2), never relationships, sightings, markings or bundles. */
static bool end_valid(const char *ref)
{
    static const char *const not_ends[] = {
        "relationship--", "sighting--",         "marking-definition--",
        "bundle--",       "language-content--", "extension-definition--"};

    for (size_t i = 0; i < CG_ARRAY_LEN(not_ends); i++) {
        if (strncmp(ref, not_ends[i], strlen(not_ends[i])) == 0)
            return false;
    }
    return true;
}

static bool relationship_valid(const json_t *obj,
                               char reason[CG_STIX_REASON_SIZE])
{
    const char *type;
    const char *source;
    const char *target;
    const char *start = plain_string(obj, "start_time");
    const char *stop = plain_string(obj, "stop_time");

    if (!string_property(obj, "relationship_type", &type, reason))
        return false;
    if (!*type || strlen(type) > 250 ||
        strspn(type, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(type))
        return fail(reason,
                    "relationship_type '%.60s' is not lower-case "
                    "letters, digits and '-'",
                    type);
    if (!string_property(obj, "source_ref", &source, reason) ||
        !string_property(obj, "target_ref", &target, reason))
        return false;
    if (!end_valid(source) || !end_valid(target))
        return fail(reason, "a relationship must link domain objects or "
                            "observables");
    if (!optional_time(obj, "start_time", reason) ||
        !optional_time(obj, "stop_time", reason))
        return false;
    if (start && stop && strcmp(stop, start) <= 0)
        return fail(reason, "stop_time is not after start_time");
    return cg_import__relationship_accepted(type, source, target, reason);
}

static bool marking_valid(const json_t *obj, char reason[CG_STIX_REASON_SIZE])
{
    const char *created = plain_string(obj, "created");

    if (!created || !cg_stix_timestamp_valid(created, true))
        return fail(reason, "missing or invalid created");
    if (!json_object_get(obj, "extensions") &&
        (!plain_string(obj, "definition_type") ||
         !json_is_object(json_object_get(obj, "definition"))))
        return fail(reason, "a marking-definition needs definition_type and "
                            "definition");
    return true;
}

/* Domain objects whose only extra requirement is a non-empty name. */
static bool named_type(const char *type)
{
    static const char *const types[] = {
        "attack-pattern", "campaign",       "course-of-action", "identity",
        "incident",       "infrastructure", "intrusion-set",    "threat-actor",
        "tool",           "vulnerability"};

    for (size_t i = 0; i < CG_ARRAY_LEN(types); i++) {
        if (strcmp(type, types[i]) == 0)
            return true;
    }
    return false;
}

static bool containers_valid(const json_t *obj, const char *type,
                             char reason[CG_STIX_REASON_SIZE])
{
    bool refs = json_array_size(json_object_get(obj, "object_refs")) > 0;

    if (strcmp(type, "note") == 0)
        return require_string(obj, "content", reason) &&
               (refs || fail(reason, "missing object_refs"));
    if (strcmp(type, "grouping") == 0)
        return require_string(obj, "context", reason) &&
               (refs || fail(reason, "missing object_refs"));
    if (strcmp(type, "report") == 0)
        return require_string(obj, "name", reason) &&
               (cg_stix_timestamp_valid(plain_string(obj, "published"),
                                        false) ||
                fail(reason, "missing or invalid published")) &&
               (refs || fail(reason, "missing object_refs"));
    if (strcmp(type, "opinion") == 0)
        return require_string(obj, "opinion", reason) &&
               (refs || fail(reason, "missing object_refs"));
    return true;
}

static bool sdo_valid(const json_t *obj, const char *type,
                      char reason[CG_STIX_REASON_SIZE])
{
    const json_t *family;

    if (named_type(type))
        return require_string(obj, "name", reason);
    if (strcmp(type, "indicator") == 0)
        return indicator_valid(obj, reason);
    if (strcmp(type, "relationship") == 0)
        return relationship_valid(obj, reason);
    if (strcmp(type, "location") == 0)
        return location_valid(obj, reason);
    if (strcmp(type, "malware") == 0) {
        family = json_object_get(obj, "is_family");
        if (!family)
            return fail(reason, "missing is_family");
        if (!json_is_boolean(family))
            return fail(reason,
                        "is_family is %s, not a boolean (true or "
                        "false)",
                        json_kind(family));
        return !json_is_true(family) || require_string(obj, "name", reason);
    }
    if (strcmp(type, "malware-analysis") == 0)
        return require_string(obj, "product", reason);
    if (strcmp(type, "sighting") == 0)
        return plain_string(obj, "sighting_of_ref") ||
               fail(reason, "missing sighting_of_ref");
    if (strcmp(type, "observed-data") == 0)
        return (optional_time(obj, "first_observed", reason) &&
                optional_time(obj, "last_observed", reason) &&
                json_is_integer(json_object_get(obj, "number_observed"))) ||
               fail(reason, "observed-data needs first_observed, "
                            "last_observed and number_observed");
    return containers_valid(obj, type, reason);
}

bool cg_stix_validate(const json_t *obj, char reason[CG_STIX_REASON_SIZE])
{
    const char *type = plain_string(obj, "type");
    const char *id = plain_string(obj, "id");
    const char *spec = plain_string(obj, "spec_version");
    bool sco;

    reason[0] = '\0';
    if (!json_is_object(obj))
        return fail(reason, "not a JSON object");
    if (!type || !type_valid(type))
        return fail(reason, "type is missing or not a STIX type name");
    if (strcmp(type, "bundle") == 0)
        return fail(reason, "a bundle cannot be nested in a bundle");
    if (!id || !cg_stix_id_valid(id, type))
        return fail(reason, "id is missing or not '%s--' and a UUID", type);
    sco = cg_stix_is_sco(type);
    if (json_object_get(obj, "spec_version") && (!spec || strcmp(spec, "2.1")))
        return fail(reason, "spec_version is not \"2.1\"");
    if (!spec && !sco)
        return fail(reason, "missing spec_version (only STIX 2.1 is read)");
    if (!refs_valid(obj, reason) || !common_lists_valid(obj, reason) ||
        !cg_import__properties_valid(obj, reason))
        return false;
    if (sco)
        return sco_valid(obj, type, reason);
    if (strcmp(type, "marking-definition") == 0)
        return marking_valid(obj, reason);
    if (!times_valid(obj, true, reason))
        return false;
    return sdo_valid(obj, type, reason);
}
