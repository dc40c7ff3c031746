/*
 * IPv4 and IPv6 addresses: strict parsing that gives a reason for every
 * failure, RFC 5952 canonical text, and lookup in the IANA IPv4 and IPv6
 * Special-Purpose Address Registries.
 */
#include "input/ipaddr.h"

#include <stdio.h>
#include <string.h>

/* Maximum bytes of the input quoted inside a reason. */
#define PART_QUOTE_MAX 24

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * Copies part of the input into out for a reason message. Bytes other than
 * printable ASCII become '?', so that a reason never carries control bytes.
 */
static void quote_part(char out[PART_QUOTE_MAX + 4], const char *part,
                       size_t len)
{
    size_t n = len < PART_QUOTE_MAX ? len : PART_QUOTE_MAX;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)part[i];

        out[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    if (n < len) {
        memcpy(out + n, "...", 4);
        return;
    }
    out[n] = '\0';
}

static bool parse_octet(const char *part, size_t len, int index, uint8_t *octet,
                        char reason[CG_IP_REASON_SIZE])
{
    char quoted[PART_QUOTE_MAX + 4];
    unsigned value = 0;

    quote_part(quoted, part, len);
    if (len == 0) {
        snprintf(reason, CG_IP_REASON_SIZE, "octet %d is empty", index + 1);
        return false;
    }
    if (len >= 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X')) {
        snprintf(reason, CG_IP_REASON_SIZE,
                 "octet '%s' is hexadecimal, but only decimal octets are "
                 "accepted",
                 quoted);
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (!is_digit(part[i])) {
            snprintf(reason, CG_IP_REASON_SIZE,
                     "octet '%s' is not a decimal number", quoted);
            return false;
        }
    }
    if (len > 1 && part[0] == '0') {
        snprintf(reason, CG_IP_REASON_SIZE,
                 "octet '%s' has a leading zero, which some parsers read as "
                 "octal",
                 quoted);
        return false;
    }
    for (size_t i = 0; i < len && value <= 255; i++)
        value = value * 10 + (unsigned)(part[i] - '0');
    if (value > 255) {
        snprintf(reason, CG_IP_REASON_SIZE, "octet %s is above 255", quoted);
        return false;
    }
    *octet = (uint8_t)value;
    return true;
}

bool cg_ip_parse_v4(const char *text, size_t len, struct cg_ip *ip,
                    char reason[CG_IP_REASON_SIZE])
{
    size_t parts = 1;
    size_t start = 0;
    int index = 0;

    for (size_t i = 0; i < len; i++)
        parts += text[i] == '.';
    if (parts != 4) {
        snprintf(reason, CG_IP_REASON_SIZE,
                 "it has %zu part%s, but an IPv4 address has 4 (a.b.c.d)",
                 parts, parts == 1 ? "" : "s");
        return false;
    }

    memset(ip, 0, sizeof(*ip));
    ip->kind = CG_KIND_IPV4;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && text[i] != '.')
            continue;
        if (!parse_octet(text + start, i - start, index, &ip->bytes[index],
                         reason))
            return false;
        index++;
        start = i + 1;
    }
    return true;
}

/* Reads the trailing dotted IPv4 part of an IPv6 address into two groups. */
static bool parse_embedded_v4(const char *text, size_t len, uint16_t *groups,
                              char reason[CG_IP_REASON_SIZE])
{
    char sub[CG_IP_REASON_SIZE];
    struct cg_ip v4;

    if (!cg_ip_parse_v4(text, len, &v4, sub)) {
        snprintf(reason, CG_IP_REASON_SIZE,
                 "its embedded IPv4 part is invalid: %.100s", sub);
        return false;
    }
    groups[0] = (uint16_t)(v4.bytes[0] << 8 | v4.bytes[1]);
    groups[1] = (uint16_t)(v4.bytes[2] << 8 | v4.bytes[3]);
    return true;
}

static void describe_bad_char(char c, char reason[CG_IP_REASON_SIZE])
{
    unsigned char byte = (unsigned char)c;

    if (c == ':') {
        snprintf(reason, CG_IP_REASON_SIZE,
                 "it has an empty group (':::' or a misplaced ':')");
    } else if (byte >= 0x20 && byte < 0x7f) {
        snprintf(reason, CG_IP_REASON_SIZE,
                 "character '%c' is not a hex digit or ':'", c);
    } else {
        snprintf(reason, CG_IP_REASON_SIZE,
                 "byte 0x%02x is not a hex digit or ':'", byte);
    }
}

/*
 * Reads the groups of an IPv6 address into groups[] and returns their
 * number, with *gap set to the group index where "::" is, or -1.
 * Returns -1 on a syntax error.
 */
static int read_v6_groups(const char *text, size_t len, uint16_t groups[8],
                          int *gap, char reason[CG_IP_REASON_SIZE])
{
    char quoted[PART_QUOTE_MAX + 4];
    int count = 0;
    size_t i = 0;

    *gap = -1;
    if (len >= 1 && text[0] == ':') {
        if (len < 2 || text[1] != ':') {
            snprintf(reason, CG_IP_REASON_SIZE, "it starts with a single ':'");
            return -1;
        }
        *gap = 0;
        i = 2;
    }

    while (i < len) {
        size_t start = i;
        unsigned value = 0;

        if (count == 8) {
            snprintf(reason, CG_IP_REASON_SIZE, "it has more than 8 groups");
            return -1;
        }
        while (i < len && hex_value(text[i]) >= 0)
            i++;
        if (i < len && text[i] == '.') {
            if (count > 6) {
                snprintf(reason, CG_IP_REASON_SIZE,
                         "it has too many groups before its embedded IPv4 "
                         "part");
                return -1;
            }
            if (!parse_embedded_v4(text + start, len - start, &groups[count],
                                   reason))
                return -1;
            return count + 2;
        }
        if (i == start) {
            describe_bad_char(text[i], reason);
            return -1;
        }
        if (i - start > 4) {
            quote_part(quoted, text + start, i - start);
            snprintf(reason, CG_IP_REASON_SIZE,
                     "group '%s' has more than 4 hex digits", quoted);
            return -1;
        }
        for (size_t j = start; j < i; j++)
            value = value << 4 | (unsigned)hex_value(text[j]);
        groups[count++] = (uint16_t)value;
        if (i == len)
            break;

        if (text[i] != ':') {
            describe_bad_char(text[i], reason);
            return -1;
        }
        i++;
        if (i == len) {
            snprintf(reason, CG_IP_REASON_SIZE, "it ends with a single ':'");
            return -1;
        }
        if (text[i] == ':') {
            if (*gap >= 0) {
                snprintf(reason, CG_IP_REASON_SIZE,
                         "it contains '::' more than once");
                return -1;
            }
            *gap = count;
            i++;
        }
    }
    return count;
}

bool cg_ip_parse_v6(const char *text, size_t len, struct cg_ip *ip,
                    char reason[CG_IP_REASON_SIZE])
{
    uint16_t groups[8];
    int gap;
    int count;
    int out = 0;

    if (len == 0) {
        snprintf(reason, CG_IP_REASON_SIZE, "it is empty");
        return false;
    }
    count = read_v6_groups(text, len, groups, &gap, reason);
    if (count < 0)
        return false;
    if (gap < 0 && count != 8) {
        snprintf(reason, CG_IP_REASON_SIZE,
                 "it has %d group%s, but an IPv6 address without '::' has 8",
                 count, count == 1 ? "" : "s");
        return false;
    }
    if (gap >= 0 && count == 8) {
        snprintf(reason, CG_IP_REASON_SIZE,
                 "it has 8 groups and a '::', which must stand for at least "
                 "one group");
        return false;
    }

    memset(ip, 0, sizeof(*ip));
    ip->kind = CG_KIND_IPV6;
    for (int i = 0; i < count; i++) {
        if (i == gap)
            out += 8 - count;
        ip->bytes[2 * out] = (uint8_t)(groups[i] >> 8);
        ip->bytes[2 * out + 1] = (uint8_t)(groups[i] & 0xff);
        out++;
    }
    return true;
}

bool cg_ip_ends_in_number(const char *host, size_t len)
{
    size_t start;
    size_t n;
    const char *last;

    if (len > 0 && host[len - 1] == '.')
        len--;
    start = len;
    while (start > 0 && host[start - 1] != '.')
        start--;
    last = host + start;
    n = len - start;
    if (n == 0)
        return false;

    if (n >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X')) {
        for (size_t i = 2; i < n; i++) {
            if (hex_value(last[i]) < 0)
                return false;
        }
        return true;
    }
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(last[i]))
            return false;
    }
    return true;
}

static const uint8_t mapped_prefix[12] = {0, 0, 0, 0, 0,    0,
                                          0, 0, 0, 0, 0xff, 0xff};

bool cg_ip_unwrap_mapped(struct cg_ip *ip)
{
    if (ip->kind != CG_KIND_IPV6 ||
        memcmp(ip->bytes, mapped_prefix, sizeof(mapped_prefix)) != 0)
        return false;
    memmove(ip->bytes, ip->bytes + 12, 4);
    memset(ip->bytes + 4, 0, 12);
    ip->kind = CG_KIND_IPV4;
    return true;
}

int cg_ip_bits(const struct cg_ip *ip)
{
    return ip->kind == CG_KIND_IPV4 ? 32 : 128;
}

void cg_ip_clear_host_bits(struct cg_ip *ip, int prefix)
{
    int bytes = cg_ip_bits(ip) / 8;

    for (int i = 0; i < bytes; i++) {
        int keep = prefix - 8 * i;

        if (keep <= 0)
            ip->bytes[i] = 0;
        else if (keep < 8)
            ip->bytes[i] &= (uint8_t)(0xff << (8 - keep));
    }
}

/* RFC 5952 section 4: lower case, no leading zeros, and the longest run of
 * two or more zero groups (the first one on a tie) written as "::". */
static void format_v6(const uint8_t bytes[16], char out[CG_IP_TEXT_SIZE])
{
    uint16_t groups[8];
    int best_start = -1;
    int best_len = 0;
    size_t used = 0;

    for (int i = 0; i < 8; i++)
        groups[i] = (uint16_t)(bytes[2 * i] << 8 | bytes[2 * i + 1]);
    for (int i = 0; i < 8;) {
        int run = 0;

        while (i + run < 8 && groups[i + run] == 0)
            run++;
        if (run > best_len) {
            best_start = i;
            best_len = run;
        }
        i += run ? run : 1;
    }
    if (best_len < 2)
        best_start = -1;

    for (int i = 0; i < 8; i++) {
        if (i == best_start) {
            used += (size_t)snprintf(out + used, CG_IP_TEXT_SIZE - used, "::");
            i += best_len - 1;
            continue;
        }
        if (i > 0 && !(best_start >= 0 && i == best_start + best_len))
            out[used++] = ':';
        used += (size_t)snprintf(out + used, CG_IP_TEXT_SIZE - used, "%x",
                                 groups[i]);
    }
    out[used] = '\0';
}

void cg_ip_format(const struct cg_ip *ip, char out[CG_IP_TEXT_SIZE])
{
    if (ip->kind == CG_KIND_IPV4) {
        snprintf(out, CG_IP_TEXT_SIZE, "%u.%u.%u.%u", ip->bytes[0],
                 ip->bytes[1], ip->bytes[2], ip->bytes[3]);
        return;
    }
    format_v6(ip->bytes, out);
}

/*
 * IANA IPv4 Special-Purpose Address Registry, plus multicast from the IPv4
 * Address Space Registry. The registry marks 192.31.196.0/24,
 * 192.52.193.0/24, 192.175.48.0/24 and 192.0.0.9-10 as globally reachable,
 * but they are anycast addresses of IETF protocols (AS112, AMT, PCP, TURN)
 * rather than hosts that threat intelligence can attribute, so they are
 * rejected with the rest.
 */
struct v4_block {
    uint8_t net[4];
    int prefix;
    const char *name;
};

static const struct v4_block v4_blocks[] = {
    {{0, 0, 0, 0}, 8, "0.0.0.0/8 (this network, RFC 791)"},
    {{10, 0, 0, 0}, 8, "10.0.0.0/8 (private-use, RFC 1918)"},
    {{100, 64, 0, 0},
     10,
     "100.64.0.0/10 (shared address space for carrier-grade NAT, RFC 6598)"},
    {{127, 0, 0, 0}, 8, "127.0.0.0/8 (loopback, RFC 1122)"},
    {{169, 254, 0, 0}, 16, "169.254.0.0/16 (link-local, RFC 3927)"},
    {{172, 16, 0, 0}, 12, "172.16.0.0/12 (private-use, RFC 1918)"},
    {{192, 0, 0, 0}, 24, "192.0.0.0/24 (IETF protocol assignments, RFC 6890)"},
    {{192, 0, 2, 0}, 24, "192.0.2.0/24 (documentation TEST-NET-1, RFC 5737)"},
    {{192, 31, 196, 0}, 24, "192.31.196.0/24 (AS112-v4 anycast, RFC 7535)"},
    {{192, 52, 193, 0}, 24, "192.52.193.0/24 (AMT relay anycast, RFC 7450)"},
    {{192, 88, 99, 0},
     24,
     "192.88.99.0/24 (deprecated 6to4 relay anycast, RFC 7526)"},
    {{192, 168, 0, 0}, 16, "192.168.0.0/16 (private-use, RFC 1918)"},
    {{192, 175, 48, 0},
     24,
     "192.175.48.0/24 (AS112 direct delegation, RFC 7534)"},
    {{198, 18, 0, 0}, 15, "198.18.0.0/15 (benchmarking, RFC 2544)"},
    {{198, 51, 100, 0},
     24,
     "198.51.100.0/24 (documentation TEST-NET-2, RFC 5737)"},
    {{203, 0, 113, 0},
     24,
     "203.0.113.0/24 (documentation TEST-NET-3, RFC 5737)"},
    {{224, 0, 0, 0}, 4, "224.0.0.0/4 (multicast, RFC 5771)"},
    {{255, 255, 255, 255},
     32,
     "255.255.255.255/32 (limited broadcast, RFC 919)"},
    {{240, 0, 0, 0}, 4, "240.0.0.0/4 (reserved for future use, RFC 1112)"},
};

/*
 * IANA IPv6 Special-Purpose Address Registry, plus fec0::/10 and ff00::/8
 * from the IPv6 Address Space Registry. The first block that contains the
 * address decides. An entry with a NULL name is a sub-block that the
 * registry marks globally reachable, so it is not special. Inside 2001::/23
 * these are 2001:1::1-3 (PCP, TURN and DNS-SD SRP anycast), 2001:3::/32
 * (AMT), 2001:4:112::/48 (AS112-v6), 2001:20::/28 (ORCHIDv2) and
 * 2001:30::/28 (drone remote ID tags). Teredo (2001::/32) is "N/A" in the
 * registry and is treated as special, because its addresses embed an
 * obfuscated IPv4 client rather than name a host.
 */
struct v6_block {
    uint16_t net[8];
    int prefix;
    const char *name;
};

static const struct v6_block v6_blocks[] = {
    {{0, 0, 0, 0, 0, 0, 0, 0}, 128, "::/128 (unspecified, RFC 4291)"},
    {{0, 0, 0, 0, 0, 0, 0, 1}, 128, "::1/128 (loopback, RFC 4291)"},
    {{0, 0, 0, 0, 0, 0xffff, 0, 0},
     96,
     "::ffff:0:0/96 (IPv4-mapped, RFC 4291)"},
    {{0x64, 0xff9b, 1, 0, 0, 0, 0, 0},
     48,
     "64:ff9b:1::/48 (local-use IPv4/IPv6 translation, RFC 8215)"},
    {{0x100, 0, 0, 0, 0, 0, 0, 0}, 64, "100::/64 (discard-only, RFC 6666)"},
    {{0x2001, 1, 0, 0, 0, 0, 0, 1}, 128, NULL},
    {{0x2001, 1, 0, 0, 0, 0, 0, 2}, 128, NULL},
    {{0x2001, 1, 0, 0, 0, 0, 0, 3}, 128, NULL},
    {{0x2001, 3, 0, 0, 0, 0, 0, 0}, 32, NULL},
    {{0x2001, 4, 0x112, 0, 0, 0, 0, 0}, 48, NULL},
    {{0x2001, 0x20, 0, 0, 0, 0, 0, 0}, 28, NULL},
    {{0x2001, 0x30, 0, 0, 0, 0, 0, 0}, 28, NULL},
    {{0x2001, 0, 0, 0, 0, 0, 0, 0}, 32, "2001::/32 (Teredo, RFC 4380)"},
    {{0x2001, 2, 0, 0, 0, 0, 0, 0}, 48, "2001:2::/48 (benchmarking, RFC 5180)"},
    {{0x2001, 0x10, 0, 0, 0, 0, 0, 0},
     28,
     "2001:10::/28 (deprecated ORCHID, RFC 4843)"},
    {{0x2001, 0, 0, 0, 0, 0, 0, 0},
     23,
     "2001::/23 (IETF protocol assignments, RFC 2928)"},
    {{0x2001, 0xdb8, 0, 0, 0, 0, 0, 0},
     32,
     "2001:db8::/32 (documentation, RFC 3849)"},
    {{0x2002, 0, 0, 0, 0, 0, 0, 0}, 16, "2002::/16 (6to4, RFC 3056)"},
    {{0x3fff, 0, 0, 0, 0, 0, 0, 0}, 20, "3fff::/20 (documentation, RFC 9637)"},
    {{0x5f00, 0, 0, 0, 0, 0, 0, 0},
     16,
     "5f00::/16 (segment routing SIDs, RFC 9602)"},
    {{0xfc00, 0, 0, 0, 0, 0, 0, 0}, 7, "fc00::/7 (unique local, RFC 4193)"},
    {{0xfe80, 0, 0, 0, 0, 0, 0, 0}, 10, "fe80::/10 (link-local, RFC 4291)"},
    {{0xfec0, 0, 0, 0, 0, 0, 0, 0},
     10,
     "fec0::/10 (deprecated site-local, RFC 3879)"},
    {{0xff00, 0, 0, 0, 0, 0, 0, 0}, 8, "ff00::/8 (multicast, RFC 4291)"},
};

/* 64:ff9b::/96, the NAT64 well-known prefix, which the registry marks
 * globally reachable. */
static const uint16_t nat64_prefix[8] = {0x64, 0xff9b, 0, 0, 0, 0, 0, 0};

static const char nat64_special_name[] =
    "64:ff9b::/96 (NAT64 well-known prefix, RFC 6052) with a special-purpose "
    "IPv4 address inside, which RFC 6052 section 3.1 forbids";

static const char not_global_unicast_name[] =
    "the space outside 2000::/3, which IANA has not allocated for global "
    "unicast (RFC 4291)";

static bool prefix_matches(const uint8_t *addr, const uint8_t *net, int prefix)
{
    int whole = prefix / 8;
    int rest = prefix % 8;
    uint8_t mask;

    if (memcmp(addr, net, (size_t)whole) != 0)
        return false;
    if (rest == 0)
        return true;
    mask = (uint8_t)(0xff << (8 - rest));
    return (addr[whole] & mask) == (net[whole] & mask);
}

static void groups_to_bytes(const uint16_t groups[8], uint8_t bytes[16])
{
    for (int i = 0; i < 8; i++) {
        bytes[2 * i] = (uint8_t)(groups[i] >> 8);
        bytes[2 * i + 1] = (uint8_t)(groups[i] & 0xff);
    }
}

static const char *v4_special_block(const uint8_t addr[4], int prefix)
{
    for (size_t i = 0; i < CG_ARRAY_LEN(v4_blocks); i++) {
        const struct v4_block *block = &v4_blocks[i];

        if (prefix >= block->prefix &&
            prefix_matches(addr, block->net, block->prefix))
            return block->name;
    }
    return NULL;
}

static const char *v6_special_block(const uint8_t addr[16], int prefix)
{
    uint8_t net[16];

    groups_to_bytes(nat64_prefix, net);
    if (prefix >= 96 && prefix_matches(addr, net, 96)) {
        if (v4_special_block(addr + 12, prefix - 96))
            return nat64_special_name;
        return NULL;
    }

    for (size_t i = 0; i < CG_ARRAY_LEN(v6_blocks); i++) {
        const struct v6_block *block = &v6_blocks[i];

        groups_to_bytes(block->net, net);
        if (prefix >= block->prefix && prefix_matches(addr, net, block->prefix))
            return block->name;
    }

    if (prefix >= 3 && (addr[0] & 0xe0) != 0x20)
        return not_global_unicast_name;
    return NULL;
}

const char *cg_ip_special_block(const struct cg_ip *ip, int prefix)
{
    if (ip->kind == CG_KIND_IPV4)
        return v4_special_block(ip->bytes, prefix);
    return v6_special_block(ip->bytes, prefix);
}

/* Parses a plain IPv4 or IPv6 address, without brackets, zone or port. */
static bool parse_plain(const char *text, size_t len, struct cg_ip *ip)
{
    char reason[CG_IP_REASON_SIZE];

    if (memchr(text, ':', len))
        return cg_ip_parse_v6(text, len, ip, reason);
    return cg_ip_parse_v4(text, len, ip, reason);
}

enum cg_kind cg_ip_canonical(const char *text, char out[CG_IP_TEXT_SIZE])
{
    struct cg_ip ip;

    out[0] = '\0';
    if (!text || !parse_plain(text, strlen(text), &ip))
        return CG_KIND_NONE;
    cg_ip_unwrap_mapped(&ip);
    cg_ip_format(&ip, out);
    return ip.kind;
}

/* Parses the decimal prefix length after '/', without leading zeros. */
static bool parse_prefix_text(const char *text, int bits, int *prefix)
{
    size_t len = strlen(text);
    int value = 0;

    if (len == 0 || len > 3 || (len > 1 && text[0] == '0'))
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!is_digit(text[i]))
            return false;
        value = value * 10 + (text[i] - '0');
    }
    if (value > bits)
        return false;
    *prefix = value;
    return true;
}

const char *cg_ip_special_range(const char *ip_text)
{
    const char *slash;
    struct cg_ip ip;
    size_t len;
    int prefix;

    if (!ip_text)
        return NULL;
    slash = strchr(ip_text, '/');
    len = slash ? (size_t)(slash - ip_text) : strlen(ip_text);
    if (!parse_plain(ip_text, len, &ip))
        return NULL;
    prefix = cg_ip_bits(&ip);
    if (slash && !parse_prefix_text(slash + 1, prefix, &prefix))
        return NULL;
    if (prefix >= 96 && cg_ip_unwrap_mapped(&ip))
        prefix -= 96;
    return cg_ip_special_block(&ip, prefix);
}
