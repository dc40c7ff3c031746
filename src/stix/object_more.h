/*
 * Builders for the STIX 2.1 objects the Criminal IP mapping needs beyond
 * object.h (x509-certificate observables, and notes that are updated in
 * place), and the checks that turn untrusted text into valid observable
 * values. The builders follow the conventions of object.h (author,
 * marking, deterministic ids) and return new references (free with
 * json_decref, or hand them to cg_bundle_add), or NULL when out of memory.
 */
#ifndef CG_STIX_OBJECT_MORE_H
#define CG_STIX_OBJECT_MORE_H

#include "stix/object.h"

#include <jansson.h>

/*
 * The x509-certificate properties cipgraph fills. Every field may be NULL.
 * Timestamps are STIX timestamps ("2024-06-24T07:42:56.000Z").
 */
struct cg_x509_fields {
    const char *serial_number;
    const char *subject; /* distinguished name, e.g. "CN=example.com" */
    const char *issuer;
    const char *not_before;
    const char *not_after;
    const char *signature_algorithm;
};

/*
 * Returns an x509-certificate. The id follows OpenCTI's rule for
 * certificates without hashes: the serial number when present, else the
 * subject. Returns NULL when both are missing or empty (such a certificate
 * has no stable id), and on allocation failure.
 */
json_t *cg_stix_x509_certificate(const struct cg_stix_ctx *ctx,
                                 const struct cg_x509_fields *fields);

/*
 * Returns a note with a caller-chosen deterministic id (see
 * cg_stix_id_seeded), so that repeated runs update one note instead of
 * adding another. object_ref is the single object the note is about.
 * abstract may be NULL.
 */
json_t *cg_stix_note(const struct cg_stix_ctx *ctx, const char *id,
                     const char *abstract, const char *content,
                     const char *object_ref);

/* Size of a buffer for any host name that cg_host_name_normalize
 * accepts. */
#define CG_HOST_NAME_SIZE 256

/*
 * Normalises host-name text into out: surrounding blanks and one trailing
 * dot removed, lower-cased. A leading "*." is removed and *wildcard set
 * (wildcard may be NULL). The result must be at most 253 bytes of at least
 * two dot-separated labels, each of 1 to 63 letters, digits, '-' or '_'.
 * A last label of digits only is rejected because such a host is an IPv4
 * address. Non-ASCII (U-label) names are rejected. Returns false for a
 * rejected name.
 */
bool cg_host_name_normalize(const char *text, char out[CG_HOST_NAME_SIZE],
                            bool *wildcard);

/*
 * Returns a new copy of an http, https or ftp URL with its scheme and host
 * lower-cased, keeping the case of the path and query. Free it with free().
 * Returns NULL when text is not such a URL, is longer than max_len bytes or
 * contains spaces or control bytes, and when memory runs out.
 */
char *cg_url_normalize(const char *text, size_t max_len);

/* Returns true for "CVE-<4 digits>-<4 to 19 digits>" in any case. */
bool cg_cve_id_valid(const char *text);

/*
 * Reads an AS number written as an integer, "15169" or "AS15169". Returns
 * false unless it is in 1..4294967295: AS numbers are 32 bits (RFC 6793)
 * and 0 is reserved (RFC 7607).
 */
bool cg_asn_read(const json_t *value, long long *out);

/*
 * Parses a certificate date into a STIX timestamp: OpenSSL's text form
 * ("Jun 24 07:42:56 2024 GMT") or any form cg_time_parse reads.
 */
bool cg_x509_parse_time(const char *text, char out[CG_TIME_TEXT_SIZE]);

/*
 * Certificate fields read from OpenSSL's text dump of a certificate
 * (`openssl x509 -text`, which Criminal IP returns as ssl_info_raw). A
 * field that is missing, unparsable or too long for its buffer is "".
 */
struct cg_x509_text {
    char serial[130];
    char subject[1025];
    char issuer[1025];
    char algorithm[130];
    char not_before[CG_TIME_TEXT_SIZE];
    char not_after[CG_TIME_TEXT_SIZE];
};

/*
 * Reads the "Serial Number:", "Subject:", "Issuer:", "Signature
 * Algorithm:", "Not Before:" and "Not After :" lines from the first 64 KiB
 * of raw.
 */
void cg_x509_text_parse(const char *raw, struct cg_x509_text *out);

/* Points fields at text's non-empty fields (NULL for the empty ones). */
void cg_x509_text_fields(const struct cg_x509_text *text,
                         struct cg_x509_fields *fields);

#endif /* CG_STIX_OBJECT_MORE_H */
