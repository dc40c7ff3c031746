/*
 * Private parts of triage shared by its files: the weights, the features
 * kept per indicator in the triage_features table, and the scoring that
 * turns features into a priority with its reasons.
 *
 * triage.c loads and checks the weights, triage_model.c scores features,
 * triage_features.c extracts features from the graph and keeps the table
 * current, and triage_output.c ranks and writes the rows.
 */
#ifndef CG_GRAPH_TRIAGE_INTERNAL_H
#define CG_GRAPH_TRIAGE_INTERNAL_H

#include <jansson.h>

#include "graph/triage.h"
#include "stix/map.h"

/* Criminal IP's score words, in increasing order of risk. */
#define CG_TRIAGE_WORDS 5
extern const char *const cg_triage_words[CG_TRIAGE_WORDS];

/* Maximum label weights a configuration may set. */
#define CG_TRIAGE_MAX_LABELS 64
/* Maximum length of a label name in bytes, with its terminator. */
#define CG_TRIAGE_LABEL_SIZE 48
/* CVEs kept per indicator; the mapping itself keeps at most 500. */
#define CG_TRIAGE_MAX_CVES 500
/* C2 ports kept per indicator. */
#define CG_TRIAGE_MAX_C2 8

struct cg_triage_label_weight {
    char name[CG_TRIAGE_LABEL_SIZE];
    double points;
};

struct cg_triage_weights {
    double inbound[CG_TRIAGE_WORDS];  /* points per inbound score word */
    double outbound[CG_TRIAGE_WORDS]; /* points per outbound score word */
    double malicious;                 /* points when judged malicious */
    struct cg_triage_label_weight labels[CG_TRIAGE_MAX_LABELS];
    size_t label_count;
    double cvss_threshold;  /* a CVE at or above this CVSS counts as high */
    double per_high_cve;    /* points per high-CVSS CVE */
    double per_exploit;     /* points per CVE with a public exploit */
    double exposure_max;    /* cap on the two exposure terms together */
    double phishing_max;    /* points at a phishing probability of 100% */
    double half_life_days;  /* freshness half-life; 0 turns decay off */
    double freshness_floor; /* lowest freshness factor, 0..1 */
};

/* One C2 listener read from the report note's open-ports table. */
struct cg_triage_c2 {
    int port;
    char product[48];
};

/* The facts triage reads about one enriched value. */
struct cg_triage_features {
    char inbound[16];  /* score word or "" */
    char outbound[16]; /* score word or "" */
    int score;         /* x_opencti_score, -1 when unknown */
    bool malicious;
    char labels[CG_SUMMARY_FLAGS_SIZE]; /* comma-separated */
    int cve_total;                      /* the summary's count, -1 unknown */
    size_t cve_count;                   /* CVEs found in the graph */
    double cvss[CG_TRIAGE_MAX_CVES];    /* -1 when the CVE has no score */
    bool exploit[CG_TRIAGE_MAX_CVES];   /* a public exploit is known */
    struct cg_triage_c2 c2[CG_TRIAGE_MAX_C2];
    size_t c2_count;
    int ids_rows; /* rows of each note section, -1 when absent */
    int honeypot_rows;
    int scanning_rows;
    double phishing_prob; /* percent, -1 when unknown */
};

/* One term of the priority, with the words that explain it. */
struct cg_triage_part {
    double points;
    char text[160];
};

/* Maximum terms one indicator can have: the fixed terms plus labels. */
#define CG_TRIAGE_MAX_PARTS (CG_TRIAGE_MAX_LABELS + 8)

/* Fills weights with the built-in defaults. */
void cg_triage_weights_default(struct cg_triage_weights *weights);

/*
 * Returns the weights as a JSON object with every key (new reference), the
 * form config/triage.json has. A change in its text makes the next sync
 * rescore the feature table.
 */
json_t *cg_triage_weights_to_json(const struct cg_triage_weights *weights);

/*
 * Computes the terms of the priority before freshness, highest first, into
 * parts (CG_TRIAGE_MAX_PARTS entries) and returns how many there are. Terms
 * worth zero points are left out. *base receives their sum.
 */
size_t cg_triage_explain(const struct cg_triage_weights *weights,
                         const struct cg_triage_features *features,
                         struct cg_triage_part *parts, double *base);

/*
 * Returns the freshness factor of a value enriched at enriched_at, seen at
 * now: 0.5^(age / half-life), never below the floor and never above 1.
 */
double cg_triage_freshness(const struct cg_triage_weights *weights,
                           int64_t enriched_at, int64_t now);

/* Converts features to and from their stored JSON form. */
json_t *cg_triage_features_to_json(const struct cg_triage_features *features);
void cg_triage_features_from_json(const json_t *json,
                                  struct cg_triage_features *features);

/*
 * Reads the open-ports, IDS, honeypot and scanning sections of a report
 * note (Markdown written by the IP mapping) into features.
 */
void cg_triage_read_note(const char *content,
                         struct cg_triage_features *features);

/*
 * Creates the triage tables and indexes when missing, then brings the
 * feature table up to date with the indicators table and rescores every row
 * when the weights changed since the last run. With refresh, every value's
 * features are extracted again.
 */
enum cg_err cg_triage_sync(struct cg_store *store,
                           const struct cg_triage_weights *weights,
                           bool refresh, struct cg_error *err) CG_WARN_UNUSED;

#endif /* CG_GRAPH_TRIAGE_INTERNAL_H */
