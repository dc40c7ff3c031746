/*
 * IPv4 and IPv6 address parsing, RFC 5952 text, CIDR masking and the IANA
 * special-purpose blocks. Internal to src/input: the indicator parser uses
 * these helpers, and other layers use the cg_ip_* functions that
 * indicator.h exports.
 */
#ifndef CG_INPUT_IPADDR_H
#define CG_INPUT_IPADDR_H

#include "input/indicator.h"

/* Size of the buffer that receives the reason a parse failed. */
#define CG_IP_REASON_SIZE 160

/* A binary address. IPv4 uses bytes[0..3], in network byte order. */
struct cg_ip {
    enum cg_kind kind; /* CG_KIND_IPV4 or CG_KIND_IPV6 */
    uint8_t bytes[16];
};

/*
 * Parses a strict dotted-quad IPv4 address of len bytes: four decimal
 * octets of 0-255 without leading zeros. On failure, returns false and
 * writes the reason, such as "octet 999 is above 255", into reason.
 */
bool cg_ip_parse_v4(const char *text, size_t len, struct cg_ip *ip,
                    char reason[CG_IP_REASON_SIZE]);

/*
 * Parses an IPv6 address of len bytes in any RFC 4291 text form, including
 * a trailing dotted IPv4 part. A zone id is not accepted here. On failure,
 * returns false and writes the reason into reason.
 */
bool cg_ip_parse_v6(const char *text, size_t len, struct cg_ip *ip,
                    char reason[CG_IP_REASON_SIZE]);

/*
 * Returns true when the last dot-separated label of host (after one
 * trailing dot is removed) is a number: all decimal digits, or "0x"
 * followed by hex digits. The WHATWG URL Standard parses such a host as an
 * IPv4 address, so it is never a domain name.
 */
bool cg_ip_ends_in_number(const char *host, size_t len);

/*
 * Turns an IPv4-mapped IPv6 address (::ffff:0:0/96 only) into IPv4 and
 * returns true, or leaves ip unchanged and returns false.
 */
bool cg_ip_unwrap_mapped(struct cg_ip *ip);

/* Returns 32 for IPv4 and 128 for IPv6. */
int cg_ip_bits(const struct cg_ip *ip);

/* Clears the bits after the first prefix bits, giving the network. */
void cg_ip_clear_host_bits(struct cg_ip *ip, int prefix);

/* Writes dotted-quad IPv4 or RFC 5952 IPv6 text into out. */
void cg_ip_format(const struct cg_ip *ip, char out[CG_IP_TEXT_SIZE]);

/*
 * Returns the description of the special-purpose block that contains the
 * whole block ip/prefix (pass 32 or 128 for one address), or NULL when the
 * block is globally reachable or only partly special.
 */
const char *cg_ip_special_block(const struct cg_ip *ip, int prefix);

#endif /* CG_INPUT_IPADDR_H */
