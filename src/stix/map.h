/*
 * The mapping from Criminal IP reports to STIX 2.1 objects. One mapping
 * serves both `cipgraph enrich` and the OpenCTI connector. Every field of a
 * report may be null, missing, or a number written as a string; a missing
 * section leaves its objects out and never fails the whole mapping.
 */
#ifndef CG_STIX_MAP_H
#define CG_STIX_MAP_H

#include <jansson.h>

#include "input/indicator.h"
#include "stix/bundle.h"
#include "stix/object.h"

/* Size of the flags text kept in a summary. */
#define CG_SUMMARY_FLAGS_SIZE 256

/*
 * The triage facts of one enriched value: what the table, the JSON output
 * and the triage ranking show. Unknown numbers are -1, unknown text "".
 */
struct cg_summary {
    char inbound[16]; /* score word as "Safe", "Low", "Moderate", ... */
    char outbound[16];
    int score;      /* x_opencti_score given to the observable */
    bool malicious; /* an indicator was emitted */
    char flags[CG_SUMMARY_FLAGS_SIZE]; /* labels, comma-separated */
    long long asn;
    char as_name[128];
    char country[8]; /* ISO 3166-1 alpha-2, upper case */
    int cve_count;
    int open_ports;
    double phishing_prob; /* url_phishing_prob 0..100, -1 for IPs */
};

/* Resets every field to "unknown". */
void cg_summary_init(struct cg_summary *summary);

/* Returns the summary as a JSON object (new reference). */
json_t *cg_summary_to_json(const struct cg_summary *summary);

/* Reads a summary written by cg_summary_to_json; unknown keys are ignored. */
void cg_summary_from_json(const json_t *json, struct cg_summary *summary);

struct cg_map_opts {
    const struct cg_stix_ctx *ctx;
    /* A domain or URL gets a phishing indicator at or above this
     * url_phishing_prob (percent). */
    double phishing_threshold;
};

/* Default for cg_map_opts.phishing_threshold, in percent. */
#define CG_PHISHING_THRESHOLD_DEFAULT 20.0

/*
 * Maps an IP report (the flat body of /v1/asset/ip/report, or the older
 * /v1/ip/data shape) for the canonical address ip into bundle, and fills
 * summary. Borrows report. Fails only on allocation failure
 * (CG_ERR_NOMEM) or when report is not an object (CG_ERR_API_PROTOCOL).
 */
enum cg_err cg_map_ip_report(struct cg_bundle *bundle, const char *ip,
                             const json_t *report,
                             const struct cg_map_opts *opts,
                             struct cg_summary *summary,
                             struct cg_error *err) CG_WARN_UNUSED;

/*
 * The responses of the two extra calls that `enrich --deep` makes for an IP:
 * GET /v1/feature/ip/malicious-info and GET /v2/feature/ip/suspicious-info
 * (flat bodies, like the IP report). A body is NULL when its call was not
 * requested or did not succeed; the matching error then says why, or is
 * NULL when the call was not requested.
 */
struct cg_ip_extra {
    const json_t *malicious;      /* borrowed, or NULL */
    const json_t *suspicious;     /* borrowed, or NULL */
    const char *malicious_error;  /* why malicious is NULL, or NULL */
    const char *suspicious_error; /* why suspicious is NULL, or NULL */
};

/*
 * Maps an IP report as cg_map_ip_report does, together with the --deep
 * extras, which add what the report lacks. From malicious-info: the
 * is_malicious verdict, can_remote_access (label "remote-access"), remote
 * ports, open ports with their vulnerability flag, the scanning record
 * count and categories. From suspicious-info: the abuse record count and
 * the representative domain (a domain-name that resolves-to the address).
 * They feed the labels, the note, the summary flags and the malicious
 * rule, not the score. A missing extra is listed in the note with its
 * error and adds the summary flag "deep-incomplete", and the report is
 * mapped in full either way. extra may be NULL. Borrows report and extra.
 * Fails as cg_map_ip_report does.
 */
enum cg_err
cg_map_ip_deep(struct cg_bundle *bundle, const char *ip, const json_t *report,
               const struct cg_ip_extra *extra, const struct cg_map_opts *opts,
               struct cg_summary *summary, struct cg_error *err) CG_WARN_UNUSED;

/*
 * Maps a full domain report (the "data" object of /v2/domain/report/{id},
 * or the older v1 shape) for a domain or URL indicator into bundle. scan_id
 * names the report in the external reference; pass -1 when unknown.
 * Borrows data and ind.
 */
enum cg_err cg_map_domain_report(struct cg_bundle *bundle,
                                 const struct cg_indicator *ind,
                                 const json_t *data, long long scan_id,
                                 const struct cg_map_opts *opts,
                                 struct cg_summary *summary,
                                 struct cg_error *err) CG_WARN_UNUSED;

/*
 * Maps a value Criminal IP has no data for: the observable with the author,
 * marking and external reference, so the graph records that it was looked
 * up.
 */
enum cg_err cg_map_no_data(struct cg_bundle *bundle,
                           const struct cg_indicator *ind,
                           const struct cg_map_opts *opts,
                           struct cg_error *err) CG_WARN_UNUSED;

/*
 * Converts a Criminal IP score word in any case ("critical", "Critical")
 * or a legacy 1..5 number into the capitalised word; returns NULL when the
 * value is none of these.
 */
const char *cg_score_word(const json_t *value);

/*
 * The documented score mapping: x_opencti_score for an IP from its
 * inbound and outbound words (either may be NULL).
 */
int cg_score_from_words(const char *inbound, const char *outbound);

/*
 * Looks up an ISO 3166-1 alpha-2 code (any case) and returns the country's
 * name as OpenCTI's geography dataset spells it, or NULL when unknown.
 */
const char *cg_country_name(const char *code);

#endif /* CG_STIX_MAP_H */
