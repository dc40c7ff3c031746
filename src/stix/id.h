/*
 * Deterministic STIX 2.1 ids, computed exactly as OpenCTI (pycti) and
 * python-stix2 do: "<type>--" + UUIDv5(namespace, canonical JSON of the
 * id-contributing properties), namespace 00abedb4-aa42-466c-9c01-
 * fed23315a9b7. Equal inputs give equal ids across runs and tools, which
 * is what makes re-enrichment an upsert instead of a duplicate.
 */
#ifndef CG_STIX_ID_H
#define CG_STIX_ID_H

#include <jansson.h>

#include "core/buf.h"

/* Buffer size for any id built here: the longest type name plus "--" and a
 * 36-character UUID, with room to spare. */
#define CG_STIX_ID_SIZE 96

/*
 * Appends the canonical JSON of v to out: keys sorted, no whitespace, only
 * '"', '\\' and U+0000..U+001F escaped (lower-case \u00xx), non-ASCII
 * written raw, integers in plain decimal. This is RFC 8785 (JCS) for the
 * values ids use; reals print in the shortest round-trip form.
 */
enum cg_err cg_json_canonical(const json_t *v,
                              struct cg_buf *out) CG_WARN_UNUSED;

/*
 * Returns the length of the UTF-8 sequence at s (left > 0 bytes
 * available), or 0 when it is not valid: a stray continuation byte, an
 * overlong form, a UTF-16 surrogate or a code point above U+10FFFF. These
 * are the sequences jansson refuses in a string.
 */
size_t cg_utf8_char_len(const unsigned char *s, size_t left);

/* Writes the UUIDv5 of name in namespace ns as lower-case 8-4-4-4-12. */
void cg_uuid5(const unsigned char ns[16], const char *name, size_t len,
              char out[37]);

/*
 * Writes "<type>--<uuid5 of canonical(props)>" into out. Fails only on
 * allocation failure or when type is too long for CG_STIX_ID_SIZE.
 */
enum cg_err cg_stix_id(const char *type, const json_t *props,
                       char out[CG_STIX_ID_SIZE]) CG_WARN_UNUSED;

/*
 * Lower-cases and trims text the way Python's str.lower().strip() does for
 * the scripts place names use (Latin, Greek, Cyrillic). Returns a new
 * string (caller frees with free()), or NULL on allocation failure.
 */
char *cg_stix_name_key(const char *text);

/* Ids for the object kinds cipgraph builds. Each returns CG_OK or NOMEM. */
enum cg_err cg_stix_id_value(const char *type, const char *value,
                             char out[CG_STIX_ID_SIZE]) CG_WARN_UNUSED;
enum cg_err cg_stix_id_named(const char *type, const char *name,
                             char out[CG_STIX_ID_SIZE]) CG_WARN_UNUSED;
enum cg_err cg_stix_id_asn(long long number,
                           char out[CG_STIX_ID_SIZE]) CG_WARN_UNUSED;
enum cg_err cg_stix_id_location(const char *name, const char *location_type,
                                char out[CG_STIX_ID_SIZE]) CG_WARN_UNUSED;
enum cg_err cg_stix_id_identity(const char *name, const char *identity_class,
                                char out[CG_STIX_ID_SIZE]) CG_WARN_UNUSED;
enum cg_err cg_stix_id_indicator(const char *pattern,
                                 char out[CG_STIX_ID_SIZE]) CG_WARN_UNUSED;
enum cg_err cg_stix_id_attack_pattern(const char *mitre_id,
                                      char out[CG_STIX_ID_SIZE]) CG_WARN_UNUSED;
enum cg_err cg_stix_id_relationship(const char *type, const char *source,
                                    const char *target,
                                    char out[CG_STIX_ID_SIZE]) CG_WARN_UNUSED;

/*
 * Software id from its present parts; name is required, vendor, version
 * and cpe may be NULL.
 */
enum cg_err cg_stix_id_software(const char *name, const char *vendor,
                                const char *version, const char *cpe,
                                char out[CG_STIX_ID_SIZE]) CG_WARN_UNUSED;

/*
 * Id for an object whose identity is a cipgraph-chosen seed rather than a
 * STIX id rule (notes updated in place, groupings): uuid5 over the
 * canonical JSON of seed.
 */
enum cg_err cg_stix_id_seeded(const char *type, const json_t *seed,
                              char out[CG_STIX_ID_SIZE]) CG_WARN_UNUSED;

/*
 * Returns in *props a new object (free with json_decref) holding the
 * properties the deterministic id of obj is computed from, normalised as
 * the id rules normalise them, or NULL when no rule gives obj a
 * deterministic id. The rules:
 * - observables, by the id-contributing properties python-stix2 lists for
 *   each STIX 2.1 observable type. Addresses, domains, URLs, email and
 *   MAC addresses contribute "value" and an autonomous system "number". A
 *   file contributes one hash of "hashes" (MD5, else SHA-1, else SHA-256,
 *   else SHA-512, else the first), its name and its parent. An
 *   x509-certificate without hashes or serial_number contributes its
 *   subject, as OpenCTI does;
 * - the domain objects pycti names: vulnerability, malware, tool,
 *   campaign, intrusion-set and infrastructure by lower-cased name,
 *   indicator by trimmed pattern, identity by name and identity_class
 *   (organization when absent), location by name and
 *   x_opencti_location_type when both are present, attack-pattern by
 *   x_mitre_id, else name;
 * - relationships by type, ends, start_time when set and stop_time when
 *   both times are set.
 * Other types (process, report, note, sighting, custom types) and
 * objects without the properties a rule needs get NULL. Fails only with
 * CG_ERR_NOMEM.
 */
enum cg_err cg_stix_id_props(const json_t *obj, json_t **props) CG_WARN_UNUSED;

/*
 * Writes the deterministic id of obj into out and sets *found, or leaves
 * *found false when cg_stix_id_props has no rule for it.
 */
enum cg_err cg_stix_id_of(const json_t *obj, char out[CG_STIX_ID_SIZE],
                          bool *found) CG_WARN_UNUSED;

#endif /* CG_STIX_ID_H */
