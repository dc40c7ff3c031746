/*
 * Private helpers shared by the Criminal IP mapping files (map_common.c,
 * map_note.c, map_values.c, map_ip*.c, map_domain*.c, country.c): one
 * mapping state that collects objects into the bundle, the list caps, and
 * builders that validate untrusted report values before they become STIX
 * objects.
 *
 * Error handling: only allocation failure stops a mapping. The first
 * failure is kept in cg_mapper.rc and every later helper call does
 * nothing, so mapping code reads as a straight list of steps and checks
 * the result once at the end.
 */
#ifndef CG_STIX_MAP_INTERNAL_H
#define CG_STIX_MAP_INTERNAL_H

#include "core/buf.h"
#include "stix/map.h"
#include "stix/object_more.h"

#include <jansson.h>

/*
 * Caps on what one report may add to a bundle. A connector bundle travels
 * as one RabbitMQ message (RabbitMQ 4.0 caps messages at 16 MB by default)
 * or one OpenCTI API body (50 MB by default), and a hostile or huge report
 * must not push it past either. With these caps and the text limits below,
 * one report maps to under about 8 MB. That is an estimate from the caps,
 * and the 10,000-port test report maps to 3.1 MB. A cut list is recorded
 * in the note, in x_criminalip_truncated on the observable and in the
 * summary flags.
 */
#define CG_MAP_MAX_PORTS      200
#define CG_MAP_MAX_CVES       500
#define CG_MAP_MAX_DOMAINS    200
#define CG_MAP_MAX_CERTS      100
#define CG_MAP_MAX_IPS        200
#define CG_MAP_MAX_SOFTWARE   200
#define CG_MAP_MAX_WHOIS      20
#define CG_MAP_MAX_CATEGORIES 50
#define CG_MAP_MAX_EXPLOITS   20 /* Exploit-DB references per CVE */
#define CG_MAP_MAX_CERT_NAMES 20 /* domain names taken from one cert */
#define CG_MAP_MAX_CHAINS     10 /* redirect chains */
#define CG_MAP_MAX_HOPS       20 /* hops per redirect chain */
#define CG_MAP_MAX_COUNTRIES  50
#define CG_MAP_MAX_NOTE_ROWS  100 /* rows per note section */
#define CG_MAP_MAX_HASHES     20  /* favicon and JARM hashes kept */

/* Maximum note content in bytes. Sections past it are dropped. */
#define CG_MAP_NOTE_MAX (256 * 1024)
/* Maximum length in bytes of a description or free-text property copied
 * from a report. */
#define CG_MAP_TEXT_MAX 4096
/* Maximum length in bytes of the text in one note table cell. */
#define CG_MAP_CELL_MAX 160
/* Maximum length in bytes of a name that decides an id (city, AS name). */
#define CG_MAP_NAME_MAX 200
/* Maximum length in bytes of a URL accepted as a url observable. */
#define CG_MAP_URL_MAX 2048

/* The state of one mapping. Objects it points to are held by the bundle. */
struct cg_mapper {
    struct cg_bundle *bundle; /* borrowed */
    const struct cg_stix_ctx *ctx;
    const struct cg_map_opts *opts;
    enum cg_err rc; /* first allocation failure, else CG_OK */
    /* The enriched observable and the indicator emitted for it. Objects
     * that touch either of them carry the per-value reference. */
    json_t *subject;
    json_t *indicator;
    char *ref_url;      /* the value's Criminal IP page */
    char *ref_value;    /* external_id of that reference */
    struct cg_buf note; /* Markdown content of the report note */
    bool note_full;     /* CG_MAP_NOTE_MAX was reached */
    json_t *truncated;  /* section name -> rows in the report */
};

/* Starts a mapping and adds the author identity and the TLP marking. */
void cg_map_begin(struct cg_mapper *m, struct cg_bundle *bundle,
                  const struct cg_map_opts *opts);

/* Frees the mapping state (the bundle keeps its objects). */
void cg_map_release(struct cg_mapper *m);

/* Returns m->rc, describing a failure in err. */
enum cg_err cg_map_result(const struct cg_mapper *m, const char *what,
                          struct cg_error *err);

/* Records an allocation failure. */
void cg_map_fail(struct cg_mapper *m);

/* Adds obj to the bundle, taking ownership of it. A NULL obj is recorded
 * as an allocation failure. */
json_t *cg_map_add(struct cg_mapper *m, json_t *obj);

/* Sets obj[key] to value, taking ownership of value. */
void cg_map_set(struct cg_mapper *m, json_t *obj, const char *key,
                json_t *value);

/* Sets obj[key] to text cut to CG_MAP_TEXT_MAX bytes. NULL or "" sets
 * nothing. */
void cg_map_set_text(struct cg_mapper *m, json_t *obj, const char *key,
                     const char *text);

void cg_map_label(struct cg_mapper *m, json_t *obj, const char *label);
void cg_map_describe(struct cg_mapper *m, json_t *obj, const char *text);
void cg_map_score(struct cg_mapper *m, json_t *obj, int score);

/*
 * Sets the per-value reference (the value's Criminal IP page). url and
 * value are copied.
 */
void cg_map_set_value_ref(struct cg_mapper *m, const char *url,
                          const char *value);

/* Adds the per-value reference to obj. */
void cg_map_add_value_ref(struct cg_mapper *m, json_t *obj);

/*
 * Adds a relationship and returns it when both ends exist and OpenCTI
 * accepts the type between them, else returns NULL. So cg_bundle_prune has
 * nothing to remove afterwards. description may be NULL.
 */
json_t *cg_map_relate(struct cg_mapper *m, const char *type, json_t *source,
                      json_t *target, const char *description);

/*
 * Builders over untrusted report text. Each validates and normalises its
 * input, adds the object, and returns it (held by the bundle), or returns
 * NULL when the input is unusable or the mapping has failed.
 */

/* An ipv4-addr or ipv6-addr for a global address. Special-purpose
 * addresses (private, loopback, documentation, ...) are skipped. */
json_t *cg_map_ip(struct cg_mapper *m, const char *text);

/*
 * A domain-name from host text: trailing dot removed, lower-cased, letters,
 * digits, '-' and '_' only. A leading "*." is removed and *wildcard set
 * (wildcard may be NULL).
 */
json_t *cg_map_domain_name(struct cg_mapper *m, const char *text,
                           bool *wildcard);

/* A url for an http, https or ftp URL without spaces or control bytes. */
json_t *cg_map_url(struct cg_mapper *m, const char *text);

/* An autonomous-system from a number written as an integer, "15169" or
 * "AS15169". name may be NULL. */
json_t *cg_map_asn(struct cg_mapper *m, const json_t *number, const char *name);

/* A Country from a two-letter code or a country name. */
json_t *cg_map_country(struct cg_mapper *m, const char *code_or_name);

/*
 * A City or Region. country_code is the Country's code or NULL. A City
 * needs a country or coordinates, which STIX requires of a location.
 */
json_t *cg_map_place(struct cg_mapper *m, const char *location_type,
                     const char *name, const char *country_code,
                     bool has_coords, double latitude, double longitude);

/* A vulnerability for a well-formed CVE id ("CVE-2021-44228"). */
json_t *cg_map_vulnerability(struct cg_mapper *m, const char *cve);

/* A software for a product name. version may be NULL. A name over
 * CG_MAP_NAME_MAX bytes is skipped and a version over 64 bytes dropped. */
json_t *cg_map_software(struct cg_mapper *m, const char *name,
                        const char *version);

/* An x509-certificate, as cg_stix_x509_certificate builds it. */
json_t *cg_map_certificate(struct cg_mapper *m,
                           const struct cg_x509_fields *fields);

/*
 * Returns true while index is below cap. Past the cap it records that
 * section was cut, with total rows in the report, and returns false. With
 * total 0 the total is counted instead: the highest index seen plus one.
 */
bool cg_map_within(struct cg_mapper *m, const char *section, size_t index,
                   size_t total, size_t cap);

/* Appends trusted Markdown (structure and numbers) to the note. */
void cg_map_note(struct cg_mapper *m, const char *fmt, ...) CG_PRINTF(2, 3);

/* Appends untrusted text as inert Markdown: control bytes become spaces,
 * Markdown punctuation is escaped, and it is cut to CG_MAP_CELL_MAX. */
void cg_map_note_text(struct cg_mapper *m, const char *text);

/* Appends untrusted text (URLs, hosts, hashes) as a code span, which no
 * Markdown renderer turns into a link. NULL appends nothing. */
void cg_map_note_code(struct cg_mapper *m, const char *text);

/*
 * Writes the truncation section, then adds the one note about
 * m->subject: its id is seeded with kind and the subject's id, so every
 * run updates the same note.
 */
void cg_map_note_emit(struct cg_mapper *m, const char *kind,
                      const char *abstract);

/* Appends untrusted text to buf as cg_map_note_text does, without the
 * length cut. Used for descriptions. */
void cg_map_escape_text(struct cg_mapper *m, struct cg_buf *buf,
                        const char *text);

/* Returns the length of text cut to at most max bytes, backing up to the
 * start of a UTF-8 character so that the cut text stays valid UTF-8. */
size_t cg_map_utf8_cut(const char *text, size_t max);

/* Copies text (NULL: "") into out, cut on a UTF-8 character boundary to
 * fit size bytes with its terminator. */
void cg_map_copy_text(char *out, size_t size, const char *text);

/* Appends " Flags: a, b, c." for summary flags "a,b,c"; nothing for "". */
void cg_map_describe_flags(struct cg_mapper *m, struct cg_buf *buf,
                           const char *flags);

/* Appends to buf, recording an allocation failure. */
void cg_map_buf_printf(struct cg_mapper *m, struct cg_buf *buf, const char *fmt,
                       ...) CG_PRINTF(3, 4);

/* Returns obj[key] when it is a string with content, else NULL. Unlike
 * cg_json_str, a string of blanks or "N/A", "Unknown", "None" or "null"
 * also counts as absent. */
const char *cg_map_str(const json_t *obj, const char *key);

/* Returns the outbound-table value of a score word (see
 * cg_score_from_words), or -1 for NULL. */
int cg_map_outbound_points(const char *word);

/*
 * Writes a label from free text such as an ip_category type: lower case,
 * runs of other characters turned into one '-', at most size - 1 bytes.
 * Returns false when nothing is left.
 */
bool cg_map_label_from_text(const char *text, char *out, size_t size);

/*
 * Fills summary->flags with the subject's labels, comma-separated, and
 * "truncated" at the end when a list was cut.
 */
void cg_map_summary_flags(const struct cg_mapper *m,
                          struct cg_summary *summary);

/* The cell format of one report field in a note table. */
enum cg_map_cell_kind {
    CG_MAP_CELL_TEXT,   /* escaped free text */
    CG_MAP_CELL_CODE,   /* code span: URLs, hosts, hashes */
    CG_MAP_CELL_NUMBER, /* integer or real */
    CG_MAP_CELL_FLAG    /* boolean as "yes" or "no" */
};

struct cg_map_column {
    const char *key;
    const char *alt_key; /* read when key is missing, or NULL */
    enum cg_map_cell_kind kind;
};

/*
 * Writes a note section for rows: a "## title" heading and a table whose
 * header row is header ("| A | B |") and whose cells come from columns.
 * Rows past CG_MAP_MAX_NOTE_ROWS are cut and recorded under section.
 * Returns the number of rows in the report (0 writes nothing).
 */
size_t cg_map_note_table(struct cg_mapper *m, const json_t *rows,
                         const char *section, const char *title,
                         const char *header,
                         const struct cg_map_column *columns, size_t count);

/*
 * Writes the upper-case ISO code for a two-letter code in any case ("UK" is
 * read as "GB") or for a country name from the OpenCTI dataset. Unknown
 * two-letter codes are accepted as they are. Returns false otherwise.
 */
bool cg_map_country_code(const char *text, char out[3]);

/* Sets the per-value reference to the IP's report page. */
void cg_map_ip_ref(struct cg_mapper *m, const char *ip);

/*
 * Sets the per-value reference to the domain report page of scan_id, or
 * to the asset search page for value when scan_id is negative.
 */
void cg_map_domain_ref(struct cg_mapper *m, const char *value,
                       long long scan_id);

/* The observable for an address the caller already parsed (private
 * addresses included), typed from the text. */
json_t *cg_map_ip_subject(struct cg_mapper *m, const char *ip);

/* The observable of ind's host: a domain-name, ipv4-addr or ipv6-addr. */
json_t *cg_map_host(struct cg_mapper *m, const struct cg_indicator *ind);

/* The url observable of a URL indicator, else NULL. */
json_t *cg_map_url_subject(struct cg_mapper *m, const struct cg_indicator *ind);

/* True for an IP, domain or URL indicator with the fields mapping reads. */
bool cg_map_indicator_usable(const struct cg_indicator *ind);

/* Facts read from the --deep extras before anything is mapped. */
struct cg_ip_extra_facts {
    bool is_malicious;          /* malicious-info is_malicious */
    bool remote_access;         /* malicious-info can_remote_access */
    long long ids_rows;         /* IDS rows of either extra */
    long long scanning_records; /* malicious-info scanning_record count */
    long long abuse_records;    /* suspicious-info abuse_record_count */
    size_t vulnerable_ports;    /* open ports flagged as vulnerable */
    const char *representative; /* suspicious-info representative_domain */
    char category[64];          /* malicious-info category naming
                                   malicious use, or "" */
    bool incomplete;            /* an extra was requested but is missing */
};

/* Facts read from an IP report (and its extras) before anything is
 * mapped. */
struct cg_ip_facts {
    const char *ip;
    const char *inbound; /* score words, or NULL */
    const char *outbound;
    int score;
    size_t ids_rows;
    size_t honeypot_rows;
    size_t scanning_rows;
    bool scanner;
    bool snort;
    char category[64]; /* first ip_category that names malicious use */
    json_t *vulns[CG_MAP_MAX_CVES]; /* held by the bundle */
    size_t vuln_count;
    int cve_total;
    int open_ports;
    size_t software_seen;
    size_t certificates_seen;
    size_t cert_names_seen;
    const struct cg_ip_extra *extra; /* NULL without --deep */
    struct cg_ip_extra_facts deep;
};

/* map_ip_services.c: the port, certificate, CVE and exploit sections of
 * an IP report, each with its note table. */
void cg_map_ip_ports(struct cg_mapper *m, const json_t *report,
                     struct cg_ip_facts *f);
void cg_map_ip_certificates(struct cg_mapper *m, const json_t *report,
                            struct cg_ip_facts *f);
void cg_map_ip_vulnerabilities(struct cg_mapper *m, const json_t *report,
                               struct cg_ip_facts *f);
/* Runs after cg_map_ip_vulnerabilities, once every CVE object exists. */
void cg_map_ip_exploits(struct cg_mapper *m, const json_t *report);

/* map_ip.c */

/* Labels the subject from a Criminal IP issues object (is_vpn, ...). */
void cg_map_ip_issue_labels(struct cg_mapper *m, const json_t *issues);

/* Labels the subject with each ip_category row's type; rows past
 * CG_MAP_MAX_CATEGORIES are cut and recorded under section. */
void cg_map_ip_category_labels(struct cg_mapper *m, const json_t *rows,
                               const char *section);

/*
 * Writes into out the label of the first ip_category row (of at most
 * CG_MAP_MAX_CATEGORIES) whose type names malicious use; out is "" when
 * none does.
 */
void cg_map_ip_malicious_category(const json_t *rows, char out[64]);

/* map_ip_depth.c: the --deep extras. */

/* Reads the facts of extra (which may be NULL) into facts. */
void cg_map_ip_extra_read(const struct cg_ip_extra *extra,
                          struct cg_ip_extra_facts *facts);

/* Adds the extras' labels, the representative domain and the note
 * sections. */
void cg_map_ip_extra_map(struct cg_mapper *m, const struct cg_ip_facts *f);

/* Facts read from a domain report before anything is mapped. */
struct cg_domain_facts {
    const struct cg_indicator *ind;
    const json_t *data;
    const json_t *summary; /* data.summary */
    const json_t *info;    /* data.main_domain_info */
    const char *shape;     /* "full", "v1" or "lite" */
    const char *score_word;
    int score_percent; /* -1 when unknown */
    bool has_prob;
    double prob; /* url_phishing_prob, clamped to 0..100 */
    long long phishing_records;
    long long suspicious_files;
    bool impersonation;
    json_t *ip_index; /* canonical address -> {asn, as_name, country} */
    json_t *host;     /* domain-name or address of the indicator's host */
    json_t *domain;   /* host when it is a domain-name, else NULL */
    json_t *url;      /* the url observable, or NULL */
    size_t ips_seen;
    size_t domains_seen;
    size_t software_seen;
    int cve_count;
};

/*
 * map_domain_links.c: the sections of a domain report that link the value
 * to other objects, each with its note table. cg_map_domain_ip_index runs
 * first: it builds f->ip_index, which the others read.
 */
void cg_map_domain_ip_index(struct cg_mapper *m, struct cg_domain_facts *f);
void cg_map_domain_resolutions(struct cg_mapper *m, struct cg_domain_facts *f,
                               struct cg_summary *summary);
void cg_map_domain_countries(struct cg_mapper *m, struct cg_domain_facts *f);
void cg_map_domain_properties(struct cg_mapper *m, struct cg_domain_facts *f);
void cg_map_domain_certificates(struct cg_mapper *m, struct cg_domain_facts *f);
void cg_map_domain_redirects(struct cg_mapper *m, struct cg_domain_facts *f);
void cg_map_domain_linked_domains(struct cg_mapper *m,
                                  struct cg_domain_facts *f);
void cg_map_domain_dns(struct cg_mapper *m, struct cg_domain_facts *f);
void cg_map_domain_technologies(struct cg_mapper *m, struct cg_domain_facts *f);

#endif /* CG_STIX_MAP_INTERNAL_H */
