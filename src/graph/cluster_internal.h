/*
 * Private parts of the clustering module shared by its files: reading one
 * member's facts from the graph as evidence keys (cluster_keys.c), and the
 * grouping output (cluster_stix.c) over what cluster.c assembles.
 */
#ifndef CG_GRAPH_CLUSTER_INTERNAL_H
#define CG_GRAPH_CLUSTER_INTERNAL_H

#include "graph/cluster.h"

/* Most resolving IPs, certificates and favicon hashes read per member. */
#define CG_CLUSTER_MAX_FACTS 32

/*
 * Receives one evidence key of a member. identity is the text that must be
 * equal for two members to share the key (an IP, a certificate's id).
 * display is the text shown for it, and object_id the STIX object carrying
 * it or NULL. Every pointer is valid only during the call.
 */
typedef enum cg_err (*cg_cluster_key_fn)(void *data, enum cg_cluster_key kind,
                                         const char *identity,
                                         const char *display,
                                         const char *object_id);

struct cg_cluster_reader;

/* Prepares the lookups; returns a new reader (close with
 * cg_cluster__reader_close). */
enum cg_err cg_cluster__reader_open(struct cg_store *store,
                                    struct cg_cluster_reader **out,
                                    struct cg_error *err);

void cg_cluster__reader_close(struct cg_cluster_reader *reader);

/*
 * Calls fn for each evidence key of the member (id, type, value), reading
 * its host domain, resolving IPs, their AS, certificates and fingerprints
 * from the graph. Members on hosting platforms (see
 * cg_cluster_registered_domain) give only their registered domain and
 * favicon keys, because the platform, not the member's owner, runs the
 * addresses, certificates and TLS stack they share.
 */
enum cg_err cg_cluster__member_keys(struct cg_cluster_reader *reader,
                                    const char *id, const char *type,
                                    const char *value, cg_cluster_key_fn fn,
                                    void *data, struct cg_error *err);

/* Writes the ISO 8601 week of a STIX timestamp, "2026-W46"; false when
 * the text is not a date. */
bool cg_cluster__iso_week(const char *timestamp, char out[16]);

#endif /* CG_GRAPH_CLUSTER_INTERNAL_H */
