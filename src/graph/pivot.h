/*
 * Pivots: the infrastructure that shares an attribute with an entity of the
 * graph, and what two entities have in common. An attribute is either an
 * object the entity is linked to or a property value of a domain or
 * address. Linked objects are its autonomous system, a CVE, a country or
 * city, a resolving address or domain, a certificate and software.
 * Property values are the registrar, favicon hashes and JARM fingerprints,
 * kept in the graph_attrs index.
 *
 * Every lookup goes through an index: edges_source or edges_target for
 * linked objects, graph_attrs' primary key for property values. A pivot
 * reads at most max_results + 1 members per attribute, so its cost is
 * O(attributes x max_results) lookups whatever the size of the graph.
 */
#ifndef CG_GRAPH_PIVOT_H
#define CG_GRAPH_PIVOT_H

#include <jansson.h>

#include "store/store.h"

/* The attributes a pivot can follow; cg_via_name gives the CLI word. */
enum cg_via {
    CG_VIA_ASN,
    CG_VIA_CVE,
    CG_VIA_COUNTRY,
    CG_VIA_CITY,
    CG_VIA_IP,
    CG_VIA_DOMAIN,
    CG_VIA_CERTIFICATE,
    CG_VIA_SOFTWARE,
    CG_VIA_REGISTRAR,
    CG_VIA_FAVICON,
    CG_VIA_JARM,
    CG_VIA__COUNT
};

/* A set of vias as a bit mask: 1u << via. */
#define CG_VIA_ALL ((1u << CG_VIA__COUNT) - 1)

/* Largest --depth a pivot accepts. */
#define CG_PIVOT_MAX_DEPTH 4
/* Default and largest result caps. */
#define CG_PIVOT_DEFAULT_LIMIT 200
#define CG_PIVOT_MAX_LIMIT     100000

/* Returns "asn", "cve", "country", ... */
const char *cg_via_name(enum cg_via via);

/* Parses a via word; returns false when unknown. */
bool cg_via_parse(const char *text, enum cg_via *out);

/*
 * Creates the graph_attrs index and the objects(updated_at) index when
 * missing, and indexes the registrar, favicon and JARM values of every
 * domain and address written since the last call. Run once per command
 * before cg_pivot or cg_shared; it is idempotent.
 */
enum cg_err cg_pivot_prepare(struct cg_store *store,
                             struct cg_error *err) CG_WARN_UNUSED;

struct cg_pivot_opts {
    unsigned vias;      /* mask of the vias to follow */
    int depth;          /* 1..CG_PIVOT_MAX_DEPTH */
    size_t max_results; /* 1..CG_PIVOT_MAX_LIMIT */
};

/*
 * Lists the entities that share an attribute with the object id. With
 * depth > 1 the pivot repeats from each result, breadth first, each entity
 * reported once at its first depth. Returns a new JSON object in *out
 * (free with json_decref):
 *   {"start": {"id", "type", "name", "score"},
 *    "attributes": [{"via", "value", "id"?, "through"?}...],
 *    "results": [{"id", "type", "name", "score", "depth", "from",
 *                 "shared": [{"via", "value"}...]}...],
 *    "capped": bool, "limit": n}
 * Results are ordered by depth, then score (highest first), then name.
 * "through" names the address a domain's AS, country or city comes from.
 */
enum cg_err cg_pivot(struct cg_store *store, const char *id,
                     const struct cg_pivot_opts *opts, json_t **out,
                     struct cg_error *err) CG_WARN_UNUSED;

/*
 * Reports what the objects a and b have in common. Returns a new JSON
 * object in *out (free with json_decref):
 *   {"a": node, "b": node,
 *    "direct": [{"id", "relationship_type", "forward"}...],
 *    "neighbors": [{"id", "type", "name", "relationship_type_a",
 *                   "outgoing_a", "relationship_type_b", "outgoing_b"}...],
 *    "attributes": [{"via", "value", "id"?}...],
 *    "capped": bool}
 * "direct" lists the relationships between a and b, forward when a is the
 * source. "neighbors" lists the objects linked to both, ordered by
 * relationship type and name. "attributes" lists the pivot attributes both
 * have.
 */
enum cg_err cg_shared(struct cg_store *store, const char *a, const char *b,
                      json_t **out, struct cg_error *err) CG_WARN_UNUSED;

#endif /* CG_GRAPH_PIVOT_H */
