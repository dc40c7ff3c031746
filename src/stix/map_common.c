/*
 * The mapping state shared by the IP and domain mappings: adding objects
 * and relationships to the bundle, the per-value external reference, the
 * list caps, and the builders that validate report values before they
 * become objects. Also cg_map_no_data.
 */
#include "core/json.h"
#include "core/log.h"
#include "input/indicator.h"
#include "stix/map.h"
#include "stix/map_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void cg_map_begin(struct cg_mapper *m, struct cg_bundle *bundle,
                  const struct cg_map_opts *opts)
{
    memset(m, 0, sizeof(*m));
    m->bundle = bundle;
    m->opts = opts;
    m->ctx = opts->ctx;
    m->rc = CG_OK;
    cg_buf_init(&m->note, 0);
    m->truncated = json_object();
    if (!m->truncated)
        cg_map_fail(m);
    cg_map_add(m, cg_stix_author(m->ctx));
    cg_map_add(m, cg_tlp_marking_object(m->ctx->tlp));
}

void cg_map_release(struct cg_mapper *m)
{
    free(m->ref_url);
    free(m->ref_value);
    cg_buf_release(&m->note);
    json_decref(m->truncated);
    m->ref_url = NULL;
    m->ref_value = NULL;
    m->truncated = NULL;
}

enum cg_err cg_map_result(const struct cg_mapper *m, const char *what,
                          struct cg_error *err)
{
    if (m->rc == CG_OK)
        return CG_OK;
    return cg_error_set(err, m->rc,
                        "mapping the Criminal IP report for %s failed: %s",
                        what, cg_strerror(m->rc));
}

void cg_map_fail(struct cg_mapper *m)
{
    if (m->rc == CG_OK)
        m->rc = CG_ERR_NOMEM;
}

json_t *cg_map_add(struct cg_mapper *m, json_t *obj)
{
    json_t *in_bundle;

    if (m->rc != CG_OK) {
        json_decref(obj);
        return NULL;
    }
    if (!obj) {
        cg_map_fail(m);
        return NULL;
    }
    in_bundle = cg_bundle_add(m->bundle, obj);
    if (!in_bundle)
        cg_map_fail(m);
    return in_bundle;
}

void cg_map_set(struct cg_mapper *m, json_t *obj, const char *key,
                json_t *value)
{
    if (m->rc != CG_OK || !obj) {
        json_decref(value);
        return;
    }
    if (!value || json_object_set_new(obj, key, value))
        cg_map_fail(m);
}

size_t cg_map_utf8_cut(const char *text, size_t max)
{
    size_t len = strlen(text);

    if (len <= max)
        return len;
    len = max;
    while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
        len--;
    return len;
}

void cg_map_copy_text(char *out, size_t size, const char *text)
{
    size_t len = text && size ? cg_map_utf8_cut(text, size - 1) : 0;

    if (size == 0)
        return;
    if (len)
        memcpy(out, text, len);
    out[len] = '\0';
}

void cg_map_set_text(struct cg_mapper *m, json_t *obj, const char *key,
                     const char *text)
{
    if (!text || !*text)
        return;
    cg_map_set(m, obj, key,
               json_stringn(text, cg_map_utf8_cut(text, CG_MAP_TEXT_MAX)));
}

/* Only allocation failure stops a mapping. A malformed list that a merged
 * object brought along is left as it is. */
static void check(struct cg_mapper *m, enum cg_err rc)
{
    if (rc == CG_ERR_NOMEM)
        cg_map_fail(m);
}

void cg_map_label(struct cg_mapper *m, json_t *obj, const char *label)
{
    if (m->rc == CG_OK && obj)
        check(m, cg_stix_add_label(obj, label));
}

void cg_map_describe(struct cg_mapper *m, json_t *obj, const char *text)
{
    if (m->rc == CG_OK && obj && text)
        check(m, cg_stix_set_description(obj, text));
}

void cg_map_score(struct cg_mapper *m, json_t *obj, int score)
{
    if (m->rc == CG_OK && obj && score >= 0)
        check(m, cg_stix_set_score(obj, score));
}

void cg_map_set_value_ref(struct cg_mapper *m, const char *url,
                          const char *value)
{
    free(m->ref_url);
    free(m->ref_value);
    m->ref_url = strdup(url);
    m->ref_value = strdup(value);
    if (!m->ref_url || !m->ref_value)
        cg_map_fail(m);
}

void cg_map_add_value_ref(struct cg_mapper *m, json_t *obj)
{
    if (m->rc != CG_OK || !obj || !m->ref_url)
        return;
    check(m, cg_stix_add_external_ref(obj, "Criminal IP", m->ref_url,
                                      m->ref_value, NULL));
}

/*
 * Only objects about this value get its Criminal IP page as a reference:
 * the observable, its indicator, its note and the relationships that
 * start or end at one of them. Shared entities (autonomous systems,
 * locations, vulnerabilities, software, attack patterns, other
 * observables) do not, because the store unites reference lists on merge,
 * so an AS shared by many IPs would collect one reference per IP forever.
 * Vulnerabilities still get their CVE reference from their builder.
 */
static bool touches_value(const struct cg_mapper *m, const json_t *source,
                          const json_t *target)
{
    return (m->subject && (source == m->subject || target == m->subject)) ||
           (m->indicator && (source == m->indicator || target == m->indicator));
}

json_t *cg_map_relate(struct cg_mapper *m, const char *type, json_t *source,
                      json_t *target, const char *description)
{
    json_t *rel;

    if (m->rc != CG_OK || !source || !target || source == target)
        return NULL;
    if (!cg_stix_relationship_allowed(type, source, target)) {
        cg_log_debug("map",
                     "skipped relationship '%s' from %s to %s: "
                     "OpenCTI does not accept it",
                     type, cg_stix_opencti_type(source),
                     cg_stix_opencti_type(target));
        return NULL;
    }
    rel =
        cg_map_add(m, cg_stix_relationship(m->ctx, type, cg_stix_get_id(source),
                                           cg_stix_get_id(target)));
    if (description)
        cg_map_describe(m, rel, description);
    if (touches_value(m, source, target))
        cg_map_add_value_ref(m, rel);
    return rel;
}

bool cg_map_within(struct cg_mapper *m, const char *section, size_t index,
                   size_t total, size_t cap)
{
    json_t *record;

    if (index < cap)
        return true;
    if (m->rc != CG_OK)
        return false;
    /* A total of 0 means "count the calls": every call past the cap
     * raises the recorded total. */
    if (total == 0)
        total = index + 1;
    record = json_pack("{sIsI}", "kept", (json_int_t)cap, "total",
                       (json_int_t)total);
    if (!record || json_object_set_new(m->truncated, section, record))
        cg_map_fail(m);
    return false;
}

/* Returns a value-keyed observable whose value was validated before. */
static json_t *add_observable(struct cg_mapper *m, const char *type,
                              const char *value)
{
    if (m->rc != CG_OK)
        return NULL;
    return cg_map_add(m, cg_stix_observable(m->ctx, type, value));
}

json_t *cg_map_ip(struct cg_mapper *m, const char *text)
{
    char canonical[CG_IP_TEXT_SIZE];
    enum cg_kind kind;

    if (!text || strlen(text) >= 64)
        return NULL;
    kind = cg_ip_canonical(text, canonical);
    if (kind != CG_KIND_IPV4 && kind != CG_KIND_IPV6)
        return NULL;
    /* Reports list private and other special-purpose addresses (internal
     * DNS answers, page resources); they are not public infrastructure. */
    if (cg_ip_special_range(canonical))
        return NULL;
    return add_observable(m, kind == CG_KIND_IPV4 ? "ipv4-addr" : "ipv6-addr",
                          canonical);
}

json_t *cg_map_domain_name(struct cg_mapper *m, const char *text,
                           bool *wildcard)
{
    char name[CG_HOST_NAME_SIZE];

    /* NOTE: U-label (non-ASCII) names are skipped rather than converted to
     * A-labels; Criminal IP reports host names in ASCII. */
    if (!cg_host_name_normalize(text, name, wildcard))
        return NULL;
    return add_observable(m, "domain-name", name);
}

json_t *cg_map_url(struct cg_mapper *m, const char *text)
{
    struct cg_parse_opts parse = {.allow_private = true};
    struct cg_indicator ind;
    char *url;
    json_t *obj;

    if (m->rc != CG_OK || !text || strlen(text) > CG_MAP_URL_MAX)
        return NULL;
    /* A URL the report names gets the form an input URL gets
     * ("http://a.com" becomes "http://a.com/"), so that one URL has one
     * id whichever way it reached the graph. */
    memset(&ind, 0, sizeof(ind));
    if (cg_indicator_parse(text, strlen(text), &parse, &ind, NULL) == CG_OK &&
        ind.kind == CG_KIND_URL)
        url = strdup(ind.value);
    else
        url = cg_url_normalize(text, CG_MAP_URL_MAX);
    cg_indicator_release(&ind);
    if (!url)
        return NULL;
    obj = add_observable(m, "url", url);
    free(url);
    return obj;
}

json_t *cg_map_asn(struct cg_mapper *m, const json_t *number, const char *name)
{
    char cut[CG_MAP_NAME_MAX + 1];
    long long asn;

    if (m->rc != CG_OK || !cg_asn_read(number, &asn))
        return NULL;
    if (name)
        snprintf(cut, sizeof(cut), "%.*s",
                 (int)cg_map_utf8_cut(name, CG_MAP_NAME_MAX), name);
    return cg_map_add(
        m, cg_stix_autonomous_system(m->ctx, asn, name ? cut : NULL));
}

json_t *cg_map_place(struct cg_mapper *m, const char *location_type,
                     const char *name, const char *country_code,
                     bool has_coords, double latitude, double longitude)
{
    /* 0,0 is the placeholder some geolocation sources write for unknown. */
    bool coords = has_coords && !(latitude == 0 && longitude == 0) &&
                  latitude >= -90 && latitude <= 90 && longitude >= -180 &&
                  longitude <= 180;

    if (m->rc != CG_OK || !name || strlen(name) > CG_MAP_NAME_MAX)
        return NULL;
    if (strcmp(location_type, "City") == 0 && !country_code && !coords)
        return NULL;
    return cg_map_add(m, cg_stix_location(m->ctx, location_type, name,
                                          country_code, coords, latitude,
                                          longitude));
}

json_t *cg_map_vulnerability(struct cg_mapper *m, const char *cve)
{
    if (m->rc != CG_OK || !cg_cve_id_valid(cve))
        return NULL;
    return cg_map_add(m, cg_stix_vulnerability(m->ctx, cve));
}

json_t *cg_map_software(struct cg_mapper *m, const char *name,
                        const char *version)
{
    if (m->rc != CG_OK || !name || strlen(name) > CG_MAP_NAME_MAX)
        return NULL;
    if (version && strlen(version) > 64)
        version = NULL;
    return cg_map_add(m, cg_stix_software(m->ctx, name, NULL, version));
}

json_t *cg_map_certificate(struct cg_mapper *m,
                           const struct cg_x509_fields *fields)
{
    struct cg_x509_fields kept = *fields;

    /* A serial number has at most 20 octets (RFC 5280 section 4.1.2.2),
     * 60 characters in colon-separated hex; longer text is not one. */
    if (kept.serial_number && strlen(kept.serial_number) > 128)
        kept.serial_number = NULL;
    if (kept.subject && strlen(kept.subject) > 1024)
        kept.subject = NULL;
    if (kept.issuer && strlen(kept.issuer) > 1024)
        kept.issuer = NULL;
    if (kept.signature_algorithm && strlen(kept.signature_algorithm) > 128)
        kept.signature_algorithm = NULL;
    if (m->rc != CG_OK || (!kept.serial_number && !kept.subject))
        return NULL;
    return cg_map_add(m, cg_stix_x509_certificate(m->ctx, &kept));
}

/* Appends text percent-encoded (RFC 3986: only unreserved bytes kept). */
static enum cg_err percent_encode(struct cg_buf *out, const char *text)
{
    enum cg_err rc = CG_OK;

    for (const unsigned char *p = (const unsigned char *)text;
         *p && rc == CG_OK; p++) {
        if (isalnum(*p) || strchr("-._~", *p))
            rc = cg_buf_putc(out, (char)*p);
        else
            rc = cg_buf_printf(out, "%%%02X", *p);
    }
    return rc;
}

void cg_map_ip_ref(struct cg_mapper *m, const char *ip)
{
    struct cg_buf url = CG_BUF_INIT;

    check(m,
          cg_buf_printf(&url, "https://www.criminalip.io/asset/report/%s", ip));
    if (m->rc == CG_OK)
        cg_map_set_value_ref(m, cg_buf_str(&url), ip);
    cg_buf_release(&url);
}

void cg_map_domain_ref(struct cg_mapper *m, const char *value,
                       long long scan_id)
{
    struct cg_buf url = CG_BUF_INIT;

    if (scan_id >= 0) {
        check(m, cg_buf_printf(&url,
                               "https://www.criminalip.io/domain/report"
                               "?scan_id=%lld",
                               scan_id));
    } else {
        check(m, cg_buf_puts(&url, "https://www.criminalip.io/asset/search"
                                   "?query="));
        if (m->rc == CG_OK)
            check(m, percent_encode(&url, value));
    }
    if (m->rc == CG_OK)
        cg_map_set_value_ref(m, cg_buf_str(&url), value);
    cg_buf_release(&url);
}

/* The ipv4-addr or ipv6-addr type of canonical address text. */
static const char *ip_type(const char *ip)
{
    return strchr(ip, ':') ? "ipv6-addr" : "ipv4-addr";
}

json_t *cg_map_ip_subject(struct cg_mapper *m, const char *ip)
{
    /* The caller parsed the address, possibly with private addresses
     * allowed, so it is used as it is rather than through cg_map_ip. */
    return add_observable(m, ip_type(ip), ip);
}

json_t *cg_map_host(struct cg_mapper *m, const struct cg_indicator *ind)
{
    const char *host = ind->host ? ind->host : ind->value;
    enum cg_kind kind = ind->kind == CG_KIND_URL ? ind->host_kind : ind->kind;

    if (!host || !*host)
        return NULL;
    if (kind == CG_KIND_IPV4 || kind == CG_KIND_IPV6)
        return cg_map_ip_subject(m, host);
    if (kind == CG_KIND_DOMAIN)
        return add_observable(m, "domain-name", host);
    return NULL;
}

json_t *cg_map_url_subject(struct cg_mapper *m, const struct cg_indicator *ind)
{
    if (ind->kind != CG_KIND_URL || !ind->value || !*ind->value)
        return NULL;
    return add_observable(m, "url", ind->value);
}

bool cg_map_indicator_usable(const struct cg_indicator *ind)
{
    switch (ind ? ind->kind : CG_KIND_NONE) {
    case CG_KIND_IPV4:
    case CG_KIND_IPV6:
    case CG_KIND_DOMAIN:
        return ind->value && *ind->value;
    case CG_KIND_URL:
        return ind->value && *ind->value && ind->host && *ind->host &&
               ind->host_kind != CG_KIND_NONE;
    default:
        return false;
    }
}

enum cg_err cg_map_no_data(struct cg_bundle *bundle,
                           const struct cg_indicator *ind,
                           const struct cg_map_opts *opts, struct cg_error *err)
{
    struct cg_mapper m;
    json_t *host;
    enum cg_err rc;

    if (!bundle || !opts || !opts->ctx || !cg_map_indicator_usable(ind))
        return cg_error_set(err, CG_ERR_INVALID,
                            "cannot map a value without Criminal IP data: "
                            "the bundle or options are missing, or the value "
                            "is not an IP address, domain or URL");
    cg_map_begin(&m, bundle, opts);
    host = cg_map_host(&m, ind);
    if (ind->kind == CG_KIND_URL) {
        m.subject = cg_map_url_subject(&m, ind);
        cg_map_domain_ref(&m, ind->value, -1);
    } else if (ind->kind == CG_KIND_DOMAIN) {
        m.subject = host;
        cg_map_domain_ref(&m, ind->value, -1);
    } else {
        m.subject = host;
        cg_map_ip_ref(&m, ind->value);
    }
    cg_map_add_value_ref(&m, m.subject);
    cg_map_label(&m, m.subject, "criminalip-no-data");
    cg_map_relate(&m, "related-to", m.subject, host, NULL);
    rc = cg_map_result(&m, ind->value, err);
    cg_map_release(&m);
    return rc;
}
