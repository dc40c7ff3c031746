/*
 * Normalisation of the domain or URL that clients send as `query` to the
 * domain endpoints. The API echoes the query as a URL with a scheme, and the
 * simulator keys reports on a canonical form so that "example.com",
 * "http://example.com" and "https://EXAMPLE.com/" share one report history.
 */
#ifndef CG_SIM_URL_H
#define CG_SIM_URL_H

#include "core/common.h"

/* Longest accepted query in bytes; longer queries are invalid. */
#define CG_SIM_QUERY_MAX 4096

/* Longest host name in bytes (RFC 1035), without the terminating NUL. */
#define CG_SIM_HOST_MAX 253

struct cg_sim_target {
    /* The query with a scheme and a lower-case host: "http://example.com". */
    char url[CG_SIM_QUERY_MAX + 16];
    /* The lower-case host without port or brackets: "example.com". */
    char host[CG_SIM_HOST_MAX + 1];
    /* Host, port and path without scheme or fragment; a lone "/" path is
     * dropped. Reports are keyed on this. */
    char canonical[CG_SIM_QUERY_MAX + 16];
    /* Offset in url where the path, query or end begins. */
    size_t path_offset;
    bool https;
    bool host_is_ipv4;
    bool host_is_ipv6;
};

/*
 * Parses a domain or an http(s) URL into *target. Returns false when text is
 * empty, longer than CG_SIM_QUERY_MAX, contains blanks or control bytes,
 * names another scheme, or has an invalid host or port.
 */
bool cg_sim_target_parse(const char *text, struct cg_sim_target *target);

/*
 * Writes the registrable part of host (its last two labels, or the whole
 * host for an IP address or a single label) to out.
 */
void cg_sim_main_domain(const char *host, char *out, size_t size);

#endif /* CG_SIM_URL_H */
