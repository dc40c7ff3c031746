/*
 * Builders for the STIX 2.1 objects cipgraph emits, with the OpenCTI
 * conventions every object follows: the "Criminal IP" author identity, a
 * TLP marking, and OpenCTI's x_opencti_* properties on observables. Also
 * the table of relationship types OpenCTI accepts between two objects.
 *
 * Every builder returns a new jansson reference (caller frees with
 * json_decref, or hands it to cg_bundle_add) or NULL when out of memory.
 */
#ifndef CG_STIX_OBJECT_H
#define CG_STIX_OBJECT_H

#include <jansson.h>

#include "core/clock.h"
#include "stix/id.h"

/* TLP 2.0 levels, in increasing order of restriction. */
enum cg_tlp {
    CG_TLP_CLEAR,
    CG_TLP_GREEN,
    CG_TLP_AMBER,
    CG_TLP_AMBER_STRICT,
    CG_TLP_RED
};

/*
 * Parses "TLP:CLEAR", "TLP:WHITE" (an alias of CLEAR), "TLP:GREEN",
 * "TLP:AMBER", "TLP:AMBER+STRICT" or "TLP:RED", in any case. The "TLP:"
 * prefix is required, so a bare "WHITE" is rejected rather than guessed.
 */
bool cg_tlp_parse(const char *text, enum cg_tlp *out);

/* Returns "TLP:CLEAR", "TLP:GREEN" and so on. */
const char *cg_tlp_name(enum cg_tlp tlp);

/* Returns OpenCTI's static marking-definition id for the level. */
const char *cg_tlp_marking_id(enum cg_tlp tlp);

/* Maps a TLP marking-definition id back to its level. */
bool cg_tlp_from_marking_id(const char *id, enum cg_tlp *out);

/* Returns the marking-definition object for the level. */
json_t *cg_tlp_marking_object(enum cg_tlp tlp);

/* What every object built in one enrichment shares. */
struct cg_stix_ctx {
    char author_id[CG_STIX_ID_SIZE];
    enum cg_tlp tlp;
    char now[CG_TIME_TEXT_SIZE]; /* created/modified of new objects */
};

/* Fills ctx for the "Criminal IP" author, the given TLP and time. */
enum cg_err cg_stix_ctx_init(struct cg_stix_ctx *ctx, enum cg_tlp tlp,
                             int64_t now) CG_WARN_UNUSED;

/* The name of the author identity on every object. */
#define CG_STIX_AUTHOR_NAME "Criminal IP"

/* Returns the "Criminal IP" organization identity. */
json_t *cg_stix_author(const struct cg_stix_ctx *ctx);

/* True for STIX cyber-observable types (ipv4-addr, url, software, ...). */
bool cg_stix_is_sco(const char *type);

/*
 * Returns a new observable carrying type, spec_version, id, the marking and
 * x_opencti_created_by_ref.
 */
json_t *cg_stix_new_sco(const struct cg_stix_ctx *ctx, const char *type,
                        const char *id);

/*
 * Returns a new domain object carrying type, spec_version, id, created,
 * modified, created_by_ref and the marking.
 */
json_t *cg_stix_new_sdo(const struct cg_stix_ctx *ctx, const char *type,
                        const char *id);

/* Returns a value-keyed observable (ipv4-addr, domain-name, url, ...). */
json_t *cg_stix_observable(const struct cg_stix_ctx *ctx, const char *type,
                           const char *value);

/* Returns an autonomous-system; name may be NULL. */
json_t *cg_stix_autonomous_system(const struct cg_stix_ctx *ctx,
                                  long long number, const char *name);

/*
 * Returns a location of location_type "Country", "Region" or "City".
 * country_code (ISO 3166-1 alpha-2) may be NULL; for a Country it becomes
 * the "country" property and an alias. Coordinates are used when has_coords.
 */
json_t *cg_stix_location(const struct cg_stix_ctx *ctx,
                         const char *location_type, const char *name,
                         const char *country_code, bool has_coords,
                         double latitude, double longitude);

/* Returns a vulnerability named after the CVE id, upper-cased. */
json_t *cg_stix_vulnerability(const struct cg_stix_ctx *ctx, const char *cve);

/* Returns a software observable; vendor and version may be NULL. */
json_t *cg_stix_software(const struct cg_stix_ctx *ctx, const char *name,
                         const char *vendor, const char *version);

/*
 * Returns a STIX-pattern indicator. main_type is OpenCTI's type name of the
 * observable it matches, e.g. "IPv4-Addr".
 */
json_t *cg_stix_indicator(const struct cg_stix_ctx *ctx, const char *pattern,
                          const char *name, const char *main_type);

/* Returns an attack-pattern identified by its ATT&CK id. */
json_t *cg_stix_attack_pattern(const struct cg_stix_ctx *ctx,
                               const char *mitre_id, const char *name);

/*
 * Returns a relationship; start_time and stop_time are not used, so the id
 * depends only on the type and the two ends.
 */
json_t *cg_stix_relationship(const struct cg_stix_ctx *ctx,
                             const char *relationship_type,
                             const char *source_id, const char *target_id);

/* Returns obj's id, or "" when it has none. Borrowed from obj. */
const char *cg_stix_get_id(const json_t *obj);

/* Returns obj's type, or "" when it has none. Borrowed from obj. */
const char *cg_stix_get_type(const json_t *obj);

/*
 * Adds a label once: x_opencti_labels on observables, labels elsewhere.
 * Empty labels are ignored.
 */
enum cg_err cg_stix_add_label(json_t *obj, const char *label) CG_WARN_UNUSED;

/*
 * Adds an external reference once (x_opencti_external_references on
 * observables). url, external_id and description may be NULL.
 */
enum cg_err cg_stix_add_external_ref(json_t *obj, const char *source_name,
                                     const char *url, const char *external_id,
                                     const char *description) CG_WARN_UNUSED;

/* Sets description (x_opencti_description on observables). */
enum cg_err cg_stix_set_description(json_t *obj,
                                    const char *text) CG_WARN_UNUSED;

/* Sets x_opencti_score, clamped to 0..100. */
enum cg_err cg_stix_set_score(json_t *obj, int score) CG_WARN_UNUSED;

/*
 * Returns OpenCTI's entity type name for a STIX object: "IPv4-Addr",
 * "Domain-Name", "Url", "Country", "City", "Region", "Autonomous-System",
 * "Indicator", "Organization" and so on; "" when unknown.
 */
const char *cg_stix_opencti_type(const json_t *obj);

/*
 * True when OpenCTI accepts relationship_type from source to target.
 * related-to is accepted between any two STIX core objects; the specific
 * types follow OpenCTI's stixCoreRelationshipsMapping.
 */
bool cg_stix_relationship_allowed(const char *relationship_type,
                                  const json_t *source, const json_t *target);

#endif /* CG_STIX_OBJECT_H */
