/*
 * Classification and normalisation of the values users paste: IPv4, IPv6,
 * CIDR, domain names and URLs, defanged or not. The canonical form decides
 * the API query, the cache key, the STIX value and de-duplication, so two
 * spellings of one indicator always meet.
 */
#ifndef CG_INPUT_INDICATOR_H
#define CG_INPUT_INDICATOR_H

#include "core/err.h"

/* Longest raw value accepted, in bytes. Longer values fail with
 * CG_ERR_TOO_LARGE. */
#define CG_INDICATOR_MAX 8192

/* Size of a buffer that holds any canonical IP address text. */
#define CG_IP_TEXT_SIZE 46

enum cg_kind {
    CG_KIND_NONE,
    CG_KIND_IPV4,
    CG_KIND_IPV6,
    CG_KIND_CIDR,
    CG_KIND_DOMAIN,
    CG_KIND_URL
};

struct cg_indicator {
    enum cg_kind kind;
    /*
     * Canonical form, the API query and the STIX value: dotted IPv4,
     * RFC 5952 IPv6, "a.b.c.d/n" for CIDR, the A-label domain, or the URL
     * with a lower-case scheme and host and the path and query unchanged.
     */
    char *value;
    /* The form to show people: the U-label domain or URL host, else value. */
    char *display;
    /* The host: value itself for IPs and domains, the URL's host for URLs,
     * the network address for CIDR blocks. */
    char *host;
    /* For a URL, whether its host is an IPv4, IPv6 or domain. For the other
     * kinds, the kind of host (CG_KIND_IPV4 or CG_KIND_IPV6 for CIDR). */
    enum cg_kind host_kind;
    int port;       /* from host:port or the URL authority; -1 when absent */
    int prefix;     /* CIDR prefix length; -1 otherwise */
    bool defanged;  /* the raw value carried a defang form */
    bool unwrapped; /* an IPv4-mapped IPv6 address was turned into IPv4 */
};

struct cg_parse_opts {
    bool allow_private; /* accept special-purpose addresses */
};

/*
 * Classifies and normalises len bytes of raw into out (whose previous
 * contents are not freed; call cg_indicator_release first when reusing).
 *
 * Returns CG_OK, or one of:
 * - CG_ERR_INVALID: not an indicator; err names the value and the reason;
 * - CG_ERR_TOO_LARGE: longer than CG_INDICATOR_MAX;
 * - CG_ERR_PRIVATE_ADDR: an IANA special-purpose address (private,
 *   loopback, link-local, CGNAT, multicast, documentation, ...) and
 *   opts->allow_private is false; err names the range and its RFC;
 * - CG_ERR_CIDR_RANGE: a CIDR block wider than one host (never expanded);
 * - CG_ERR_NOMEM.
 * With PRIVATE_ADDR and CIDR_RANGE, out is filled in so that callers can
 * show the normalised value; with other errors out is empty.
 */
enum cg_err cg_indicator_parse(const char *raw, size_t len,
                               const struct cg_parse_opts *opts,
                               struct cg_indicator *out,
                               struct cg_error *err) CG_WARN_UNUSED;

/* Frees the strings in ind and resets it to empty. */
void cg_indicator_release(struct cg_indicator *ind);

/* Returns "ipv4", "ipv6", "cidr", "domain", "url" or "none". */
const char *cg_kind_name(enum cg_kind kind);

/*
 * Writes the canonical text of an IPv4 or IPv6 address (IPv4-mapped IPv6
 * unwrapped to IPv4) into out and returns CG_KIND_IPV4 or CG_KIND_IPV6, or
 * CG_KIND_NONE when text is not a plain address.
 */
enum cg_kind cg_ip_canonical(const char *text, char out[CG_IP_TEXT_SIZE]);

/*
 * Returns a description of the IANA special-purpose block that contains
 * the canonical address ip, such as "10.0.0.0/8 (private-use, RFC 1918)",
 * or NULL for a globally routable address. ip may also be a CIDR block
 * "a/n", which matches only when the whole block lies inside one special
 * block. An IPv4-mapped address is unwrapped first. Text that is not an
 * address or block also gives NULL.
 */
const char *cg_ip_special_range(const char *ip);

#endif /* CG_INPUT_INDICATOR_H */
