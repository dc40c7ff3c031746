/*
 * Building the deterministic profile of an IP address. Every choice comes
 * from a generator seeded with the canonical address text, in a fixed
 * order, so the same address always yields the same profile. The rates
 * below are simulator choices that make hosting common and VPN, Tor and
 * proxy flags rare; they are not measured from Criminal IP data.
 */
#include "ip_profile.h"

#include "rng.h"
#include "text.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define DAY ((int64_t)86400)

const char *const cg_sim_issue_names[CG_SIM_ISSUE_COUNT] = {
    "is_vpn",    "is_cloud",   "is_tor",     "is_proxy", "is_hosting",
    "is_mobile", "is_darkweb", "is_scanner", "is_snort", "is_anonymous_vpn"};

/* Returns true for addresses no Internet scanner can reach: RFC 1918,
 * loopback, link-local, CGNAT, multicast, documentation and reserved. */
static bool ipv4_is_reserved(uint32_t a)
{
    static const struct {
        uint32_t network;
        unsigned length;
    } blocks[] = {
        {0x00000000, 8},  {0x0a000000, 8},  {0x64400000, 10}, {0x7f000000, 8},
        {0xa9fe0000, 16}, {0xac100000, 12}, {0xc0000000, 24}, {0xc0000200, 24},
        {0xc0a80000, 16}, {0xc6120000, 15}, {0xc6336400, 24}, {0xcb007100, 24},
        {0xe0000000, 4},  {0xf0000000, 4},
    };

    for (size_t i = 0; i < CG_ARRAY_LEN(blocks); i++) {
        uint32_t mask = 0xffffffffU << (32 - blocks[i].length);

        if ((a & mask) == blocks[i].network)
            return true;
    }
    return false;
}

static bool ipv6_is_reserved(const uint8_t b[16])
{
    /* Global unicast is 2000::/3, and everything else is local or special.
     * 2001:db8::/32 is reserved for documentation. */
    return (b[0] & 0xe0) != 0x20 ||
           (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8);
}

static int weighted_level(struct cg_sim_rng *rng, const unsigned weights[5])
{
    unsigned roll = cg_sim_rng_below(rng, 100);

    for (int level = 0; level < 5; level++) {
        if (roll < weights[level])
            return level;
        roll -= weights[level];
    }
    return CG_SIM_SAFE;
}

static void set_location_from_as(struct cg_sim_ip_profile *p)
{
    snprintf(p->country, sizeof(p->country), "%s", p->as->country);
    p->city = p->as->city;
    p->region = p->as->region;
    p->postal_code = p->as->postal_code;
    p->latitude = p->as->latitude;
    p->longitude = p->as->longitude;
}

/* Chooses the owner and location. A feed entry's country always wins. */
static void choose_owner(struct cg_sim_ip_profile *p, struct cg_sim_rng *rng,
                         const uint8_t bytes6[16])
{
    uint64_t pick = cg_sim_rng_next(rng);
    const struct cg_sim_country *country;

    if (p->ipv6)
        p->as = cg_sim_as_for_ipv6(bytes6);
    else
        p->as = cg_sim_as_for_ipv4(p->addr4);
    if (!p->as && p->feed)
        p->as = cg_sim_as_pick_country(p->feed->country, pick);
    if (!p->as)
        p->as = cg_sim_as_pick(pick, p->feed ? CG_SIM_AS_HOSTING : 0);
    set_location_from_as(p);
    if (!p->feed || strcasecmp(p->feed->country, p->as->country) == 0)
        return;

    snprintf(p->country, sizeof(p->country), "%s", p->feed->country);
    country = cg_sim_country_find(p->feed->country);
    p->city = country ? country->city : NULL;
    p->region = country ? country->region : NULL;
    p->postal_code = NULL;
    p->latitude = country ? country->latitude : 0.0;
    p->longitude = country ? country->longitude : 0.0;
}

static void choose_issues(struct cg_sim_ip_profile *p, struct cg_sim_rng *rng)
{
    unsigned kinds = p->as->kinds;
    bool servers = kinds & (CG_SIM_AS_HOSTING | CG_SIM_AS_CLOUD);
    bool cdn = kinds & CG_SIM_AS_CDN;
    bool *is = p->issues;

    is[CG_SIM_ISSUE_HOSTING] =
        cg_sim_rng_chance(rng, servers || cdn ? 950 : 20);
    is[CG_SIM_ISSUE_CLOUD] =
        (kinds & CG_SIM_AS_CLOUD) && cg_sim_rng_chance(rng, 900);
    is[CG_SIM_ISSUE_MOBILE] =
        (kinds & CG_SIM_AS_MOBILE) && cg_sim_rng_chance(rng, 700);
    is[CG_SIM_ISSUE_VPN] = !cdn && cg_sim_rng_chance(rng, servers ? 60 : 10);
    is[CG_SIM_ISSUE_ANONYMOUS_VPN] =
        is[CG_SIM_ISSUE_VPN] && cg_sim_rng_chance(rng, 300);
    is[CG_SIM_ISSUE_TOR] = !cdn && cg_sim_rng_chance(rng, servers ? 15 : 3);
    is[CG_SIM_ISSUE_PROXY] = !cdn && cg_sim_rng_chance(rng, servers ? 25 : 15);
    is[CG_SIM_ISSUE_SCANNER] =
        !cdn && cg_sim_rng_chance(rng, p->as->asn == 4134 ? 250
                                       : servers          ? 70
                                                          : 30);
    is[CG_SIM_ISSUE_DARKWEB] = !cdn && cg_sim_rng_chance(rng, 5);
    is[CG_SIM_ISSUE_SNORT] = cg_sim_rng_chance(
        rng, is[CG_SIM_ISSUE_SCANNER] ? 700 : (p->feed ? 300 : 40));
}

static int at_least(int level, int minimum)
{
    return level > minimum ? level : minimum;
}

static void choose_scores(struct cg_sim_ip_profile *p, struct cg_sim_rng *rng)
{
    static const unsigned inbound_weights[5] = {45, 22, 16, 11, 6};
    static const unsigned outbound_weights[5] = {62, 17, 11, 6, 4};
    const bool *is = p->issues;

    p->inbound = weighted_level(rng, inbound_weights);
    p->outbound = weighted_level(rng, outbound_weights);
    if (p->feed) {
        p->inbound = p->feed->inbound;
        p->outbound = p->feed->outbound;
        return;
    }
    if (is[CG_SIM_ISSUE_SCANNER]) {
        p->inbound = at_least(p->inbound, CG_SIM_DANGEROUS);
        p->outbound = at_least(p->outbound, CG_SIM_DANGEROUS);
    }
    if (is[CG_SIM_ISSUE_TOR] || is[CG_SIM_ISSUE_DARKWEB])
        p->inbound = at_least(p->inbound, CG_SIM_DANGEROUS);
    if (is[CG_SIM_ISSUE_VPN] || is[CG_SIM_ISSUE_PROXY])
        p->inbound = at_least(p->inbound, CG_SIM_MODERATE);
}

static bool port_taken(const struct cg_sim_ip_profile *p, unsigned port)
{
    for (size_t i = 0; i < p->port_count; i++) {
        if (p->ports[i].port == port)
            return true;
    }
    return false;
}

static void add_port(struct cg_sim_ip_profile *p, unsigned port,
                     const struct cg_sim_product *product,
                     const struct cg_sim_c2 *c2, int64_t confirmed)
{
    struct cg_sim_port *row;

    if (p->port_count == CG_SIM_PORTS_MAX || port_taken(p, port))
        return;
    row = &p->ports[p->port_count++];
    row->port = port;
    row->product = product;
    row->c2 = c2;
    row->tls = cg_sim_port_is_tls(port);
    row->confirmed = confirmed;
}

static unsigned product_port(const struct cg_sim_product *product,
                             struct cg_sim_rng *rng)
{
    size_t usable = 0;

    while (usable < CG_ARRAY_LEN(product->ports) && product->ports[usable])
        usable++;
    return product->ports[cg_sim_rng_below(rng, (uint32_t)usable)];
}

static int64_t recent_time(struct cg_sim_rng *rng, int max_days)
{
    return CG_SIM_IP_EPOCH - (int64_t)cg_sim_rng_range(rng, 0, max_days) * DAY -
           cg_sim_rng_range(rng, 0, (int)DAY - 1);
}

static void choose_ports(struct cg_sim_ip_profile *p, struct cg_sim_rng *rng)
{
    unsigned kinds = p->as->kinds;
    int target_count;

    if (p->feed) {
        const struct cg_sim_c2 *c2 = cg_sim_c2_find(p->feed->framework);

        for (size_t i = 0; i < p->feed->port_count; i++)
            add_port(p, p->feed->ports[i].port, NULL, c2,
                     p->feed->ports[i].scan_time);
        target_count = (int)p->port_count + cg_sim_rng_range(rng, 0, 2);
    } else if (kinds & CG_SIM_AS_CDN) {
        target_count = cg_sim_rng_range(rng, 2, 4);
    } else if (kinds & (CG_SIM_AS_HOSTING | CG_SIM_AS_CLOUD)) {
        target_count = cg_sim_rng_range(rng, 1, 6);
    } else {
        target_count = cg_sim_rng_range(rng, 0, 3);
    }

    for (int attempt = 0; (int)p->port_count < target_count && attempt < 16;
         attempt++) {
        const struct cg_sim_product *product =
            cg_sim_product_pick(cg_sim_rng_next(rng), kinds);

        add_port(p, product_port(product, rng), product, NULL,
                 recent_time(rng, 180));
    }
    if (p->webcam_count) {
        add_port(p, 8000,
                 cg_sim_product_find("Hikvision IP camera httpd", "Unknown"),
                 NULL, recent_time(rng, 90));
    }

    /* A few servers expose dozens of ports, typically HTTP on 8000 and up.
     * Their section then reports more ports than any page shows. */
    p->port_total = (long long)p->port_count;
    if ((kinds & CG_SIM_AS_HOSTING) && !p->feed && cg_sim_rng_chance(rng, 50)) {
        const struct cg_sim_product *web =
            cg_sim_product_find("nginx", "Unknown");

        for (unsigned port = 8001; p->port_count < 40; port++)
            add_port(p, port, web, NULL, recent_time(rng, 60));
        p->port_total = cg_sim_rng_range(rng, 40, 120);
    }
}

static void choose_counts(struct cg_sim_ip_profile *p, struct cg_sim_rng *rng)
{
    unsigned kinds = p->as->kinds;
    bool servers = kinds & (CG_SIM_AS_HOSTING | CG_SIM_AS_CLOUD);
    const bool *is = p->issues;

    if (kinds & CG_SIM_AS_CDN)
        p->domain_total = cg_sim_rng_range(rng, 50, 3000);
    else if (servers && cg_sim_rng_chance(rng, 600))
        p->domain_total = cg_sim_rng_range(rng, 1, 40);
    else if (cg_sim_rng_chance(rng, 100))
        p->domain_total = cg_sim_rng_range(rng, 1, 2);
    if ((kinds & CG_SIM_AS_CDN) && cg_sim_rng_chance(rng, 350))
        p->protected_count = cg_sim_rng_range(rng, 1, 3);
    p->has_hostname = p->as->hostname && cg_sim_rng_chance(rng, 850);
    if (is[CG_SIM_ISSUE_SNORT])
        p->ids_count = cg_sim_rng_range(rng, 1, 3);
    if (is[CG_SIM_ISSUE_SCANNER] && cg_sim_rng_chance(rng, 800))
        p->honeypot_count = cg_sim_rng_range(rng, 1, 5);
    else if (cg_sim_rng_chance(rng, 15))
        p->honeypot_count = 1;
    if ((kinds & CG_SIM_AS_ISP) && !servers && !p->feed &&
        cg_sim_rng_chance(rng, 25))
        p->webcam_count = 1;
    if (is[CG_SIM_ISSUE_MOBILE])
        p->mobile_count = cg_sim_rng_range(rng, 1, 2);
    p->misp = cg_sim_rng_chance(rng, servers ? 40 : 25);
    p->user_search_count =
        p->feed ? cg_sim_rng_range(rng, 5, 200) : cg_sim_rng_range(rng, 0, 60);
    p->whois_confirmed =
        CG_SIM_IP_EPOCH - (int64_t)cg_sim_rng_range(rng, 1, 400) * DAY;
}

static bool parse_address(const char *text, bool allow_ipv6,
                          struct cg_sim_ip_profile *p, uint8_t bytes6[16])
{
    struct in_addr in;

    if (inet_pton(AF_INET, text, &in) == 1) {
        p->addr4 = ntohl(in.s_addr);
        return inet_ntop(AF_INET, &in, p->ip, sizeof(p->ip)) != NULL;
    }
    if (!allow_ipv6 || inet_pton(AF_INET6, text, bytes6) != 1)
        return false;
    p->ipv6 = true;
    return inet_ntop(AF_INET6, bytes6, p->ip, sizeof(p->ip)) != NULL;
}

bool cg_sim_ip_profile_build(const char *text, bool allow_ipv6,
                             struct cg_sim_ip_profile *profile)
{
    struct cg_sim_rng rng;
    uint8_t bytes6[16] = {0};

    memset(profile, 0, sizeof(*profile));
    if (!text || strlen(text) >= CG_SIM_ADDR_SIZE ||
        !parse_address(text, allow_ipv6, profile, bytes6))
        return false;
    profile->reserved = profile->ipv6 ? ipv6_is_reserved(bytes6)
                                      : ipv4_is_reserved(profile->addr4);
    if (profile->reserved)
        return true;

    if (!profile->ipv6)
        profile->feed = cg_sim_feed_c2_find(profile->addr4);
    cg_sim_rng_seed(&rng, "ip", profile->ip);
    choose_owner(profile, &rng, bytes6);
    choose_issues(profile, &rng);
    choose_scores(profile, &rng);
    choose_counts(profile, &rng);
    choose_ports(profile, &rng);
    return true;
}

int cg_sim_ip_inbound_score(const char *ip)
{
    struct cg_sim_ip_profile profile;

    if (!cg_sim_ip_profile_build(ip, true, &profile))
        return CG_SIM_SAFE;
    return profile.inbound;
}
