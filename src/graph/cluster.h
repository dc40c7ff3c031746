/*
 * Phishing-campaign clustering. It groups the graph's malicious and
 * phishing observables (domains, URLs and IPs that an indicator is based
 * on, or whose enrichment summary marks them malicious) into probable
 * campaigns when they share infrastructure. Each campaign becomes a STIX
 * grouping (context "suspicious-activity") that names its members and the
 * evidence that links them. docs/CLUSTERS.md states the rules, the
 * confidence formula and how grouping ids are chosen.
 */
#ifndef CG_GRAPH_CLUSTER_H
#define CG_GRAPH_CLUSTER_H

#include <jansson.h>

#include "stix/id.h"
#include "store/store.h"

/* Evidence kinds, strongest first (the order of cg_cluster_key_weight). */
enum cg_cluster_key {
    CG_KEY_REGISTERED_DOMAIN, /* same registrable domain (public suffix
                                 list, private section included) */
    CG_KEY_CERTIFICATE,       /* same x509 certificate (serial or subject) */
    CG_KEY_IP,                /* same resolving IP address */
    CG_KEY_AS_REGISTRAR_WEEK, /* same AS, registrar and creation week */
    CG_KEY_FAVICON,           /* same favicon hash */
    CG_KEY_PREFIX,            /* same IPv4 /24 or IPv6 /48 */
    CG_KEY_JARM,              /* same JARM TLS fingerprint */
    CG_KEY__COUNT
};

/* Returns the kind's name as printed and stored, e.g. "registered-domain". */
const char *cg_cluster_key_name(enum cg_cluster_key kind);

/* Returns the kind's weight in the confidence formula, in (0, 1). */
double cg_cluster_key_weight(enum cg_cluster_key kind);

/*
 * Returns the confidence (0..100) of a cluster whose evidence covers the
 * kinds marked in present: 100 * (1 - product of (1 - weight)) over those
 * kinds, rounded.
 */
int cg_cluster_confidence(const bool present[CG_KEY__COUNT]);

struct cg_cluster_opts {
    long min_size;   /* smallest cluster reported; at least 2 */
    long max_shared; /* values held by more members than this are taken
                        for shared infrastructure and ignored; 0: none */
};

/* The defaults: min_size 2, max_shared 1000. */
void cg_cluster_opts_init(struct cg_cluster_opts *opts);

/* One value shared by members of a cluster. */
struct cg_cluster_evidence {
    enum cg_cluster_key kind;
    const char *value;     /* e.g. "evil.example", "203.0.113.0/24" */
    const char *identity;  /* what members share: value, or for a
                              certificate its STIX id */
    const char *object_id; /* the STIX object carrying it, or NULL */
    long members;          /* members of the cluster that share it */
};

struct cg_cluster_member {
    const char *id;
    const char *type; /* "domain-name", "url", "ipv4-addr", "ipv6-addr" */
    const char *value;
};

struct cg_cluster {
    char id[CG_STIX_ID_SIZE]; /* the grouping's id */
    int confidence;
    const char *anchor_kind;  /* the seed of the id: the strongest */
    const char *anchor_value; /* evidence kind and its least value */
    size_t n_members;         /* sorted by id */
    struct cg_cluster_member *members;
    size_t n_evidence; /* strongest kind first, then by value */
    struct cg_cluster_evidence *evidence;
};

struct cg_cluster_set {
    size_t count; /* largest cluster first, then by id */
    struct cg_cluster *clusters;
    long candidates;     /* malicious observables considered */
    long shared_ignored; /* values ignored as shared infrastructure */
    void *memory;        /* owns every string above */
};

/*
 * Clusters the graph's malicious observables. Returns a new set in *out
 * (free with cg_cluster_set_free).
 *
 * Members are grouped by each evidence key and united within each group
 * with union-find, so no pair of members is ever compared. Time is
 * O((N + K) * alpha(N)) for N members and K key occurrences, plus one
 * indexed lookup per member fact. Memory is O(N + distinct keys).
 */
enum cg_err cg_cluster_find(struct cg_store *store,
                            const struct cg_cluster_opts *opts,
                            struct cg_cluster_set **out,
                            struct cg_error *err) CG_WARN_UNUSED;

void cg_cluster_set_free(struct cg_cluster_set *set);

/*
 * Returns the STIX grouping of cluster (new reference). Its object_refs
 * are the members, the indicators based on them and the evidence objects.
 * It carries the confidence and the evidence (x_cipgraph_evidence), has
 * created and modified set to now (a STIX timestamp), and is authored by
 * the "cipgraph" system identity and marked with marking_id.
 */
json_t *cg_cluster_grouping(struct cg_store *store,
                            const struct cg_cluster *cluster, const char *now,
                            const char *marking_id, struct cg_error *err);

/*
 * Stores the groupings of set in the graph in one transaction, with the
 * "cipgraph" identity, and deletes the groupings of earlier runs that this
 * set no longer produces. A grouping that did not change keeps its
 * created and modified times. Each grouping takes the most restrictive
 * TLP marking of its members (TLP:AMBER when none has one).
 */
enum cg_err cg_cluster_store(struct cg_store *store,
                             const struct cg_cluster_set *set,
                             struct cg_error *err) CG_WARN_UNUSED;

/* Returns the cluster as JSON for `clusters --format json` (new reference). */
json_t *cg_cluster_to_json(const struct cg_cluster *cluster);

/* Size of a buffer for a host name or registered domain. */
#define CG_CLUSTER_HOST_SIZE 256

/*
 * Writes host's registered domain into out: its label just below the
 * longest public suffix, both the ICANN and the private section of the
 * public suffix list counting (so "a.b.example.co.uk" gives
 * "example.co.uk" and "x.webflow.io" stays "x.webflow.io"). *platform is
 * set when that suffix is in the private section, i.e. the host sits on a
 * hosting platform that serves many owners. Returns false when host is
 * itself a public suffix or not a host name.
 */
bool cg_cluster_registered_domain(const char *host,
                                  char out[CG_CLUSTER_HOST_SIZE],
                                  bool *platform);

/* The name of the identity that authors cluster groupings. */
#define CG_CLUSTER_AUTHOR "cipgraph"

#endif /* CG_GRAPH_CLUSTER_H */
