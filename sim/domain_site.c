/*
 * Building the site model. Hosting platforms that phishing kits abuse are
 * mapped to the network that serves them. Other sites get a hosting network
 * chosen by the query's hash.
 */
#include "domain_site.h"

#include "feed.h"
#include "ip_profile.h"
#include "rng.h"
#include "text.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Free hosting platforms and the AS that serves their sites. */
static const struct {
    const char *suffix;
    unsigned asn;
} platforms[] = {
    {".workers.dev", 13335},     {".pages.dev", 13335}, {".github.io", 54113},
    {".firebaseapp.com", 15169}, {".web.app", 15169},   {".appspot.com", 15169},
};

static bool has_suffix(const char *host, const char *suffix)
{
    size_t len = strlen(host);
    size_t suffix_len = strlen(suffix);

    return len > suffix_len && strcmp(host + len - suffix_len, suffix) == 0;
}

static const struct cg_sim_as *platform_as(const char *host)
{
    for (size_t i = 0; i < CG_ARRAY_LEN(platforms); i++) {
        if (has_suffix(host, platforms[i].suffix))
            return cg_sim_as_find(platforms[i].asn);
    }
    /* Blogger serves every blogspot country domain, e.g. blogspot.cz. */
    if (strstr(host, ".blogspot."))
        return cg_sim_as_find(15169);
    return NULL;
}

static void add_address(struct cg_sim_site_ip *slot, const struct cg_sim_as *as,
                        const char *ip)
{
    /* Address text never exceeds CG_SIM_ADDR_SIZE - 1 bytes. */
    snprintf(slot->ip, sizeof(slot->ip), "%.*s", (int)sizeof(slot->ip) - 1, ip);
    slot->as = as;
    slot->score = cg_sim_ip_inbound_score(ip);
}

static void choose_addresses(struct cg_sim_site *site, struct cg_sim_rng *rng)
{
    const struct cg_sim_target *t = site->target;
    char ip[CG_SIM_ADDR_SIZE];
    size_t wanted;

    if (t->host_is_ipv4 || t->host_is_ipv6) {
        struct cg_sim_site_ip *slot =
            t->host_is_ipv4 ? &site->a[0] : &site->aaaa[0];

        add_address(slot, site->host_as, t->host);
        if (t->host_is_ipv4)
            site->a_count = 1;
        else
            site->aaaa_count = 1;
        return;
    }
    wanted = (site->host_as->kinds & CG_SIM_AS_CDN) ? 2 : 1;
    for (size_t i = 0; i < wanted; i++) {
        cg_sim_as_address4(site->host_as, cg_sim_rng_next(rng), ip);
        add_address(&site->a[site->a_count++], site->host_as, ip);
    }
    if (site->host_as->prefix6 && cg_sim_rng_chance(rng, 500)) {
        cg_sim_as_address6(site->host_as, cg_sim_rng_next(rng), ip);
        add_address(&site->aaaa[site->aaaa_count++], site->host_as, ip);
    }
}

/* Chooses the hosting AS: the owner of a literal address, a known
 * platform, or a hash pick among hosting and CDN networks. */
static const struct cg_sim_as *choose_host_as(const struct cg_sim_target *t,
                                              struct cg_sim_rng *rng)
{
    const struct cg_sim_as *as = NULL;
    uint64_t pick = cg_sim_rng_next(rng);

    if (t->host_is_ipv4) {
        struct in_addr in;

        if (inet_pton(AF_INET, t->host, &in) == 1)
            as = cg_sim_as_for_ipv4(ntohl(in.s_addr));
    } else if (t->host_is_ipv6) {
        uint8_t bytes[16];

        if (inet_pton(AF_INET6, t->host, bytes) == 1)
            as = cg_sim_as_for_ipv6(bytes);
    } else {
        as = platform_as(t->host);
    }
    if (!as)
        as = cg_sim_as_pick(pick, CG_SIM_AS_HOSTING | CG_SIM_AS_CDN);
    return as;
}

static void choose_title(struct cg_sim_site *site, struct cg_sim_rng *rng)
{
    static const char *const endings[] = {"Home", "Official Site", "Welcome",
                                          "Online Store", "Blog"};
    char name[64];
    size_t len;

    if (site->phishing) {
        snprintf(site->title, sizeof(site->title), "%s",
                 site->brand ? site->brand->title : "Sign In");
        return;
    }
    len = strcspn(site->main_domain, ".");
    if (len >= sizeof(name))
        len = sizeof(name) - 1;
    memcpy(name, site->main_domain, len);
    name[len] = '\0';
    name[0] = (char)toupper((unsigned char)name[0]);
    snprintf(site->title, sizeof(site->title), "%s - %s", name,
             endings[cg_sim_rng_below(rng, CG_ARRAY_LEN(endings))]);
}

static void choose_verdict(struct cg_sim_site *site, struct cg_sim_rng *rng)
{
    if (site->phishing) {
        site->score =
            cg_sim_rng_chance(rng, 700) ? CG_SIM_DANGEROUS : CG_SIM_CRITICAL;
        site->phishing_prob = cg_sim_rng_real(rng, 50.0, 99.99);
        site->age_days = cg_sim_rng_range(rng, 1, 60);
        return;
    }
    site->score = cg_sim_rng_chance(rng, 550)   ? CG_SIM_SAFE
                  : cg_sim_rng_chance(rng, 650) ? CG_SIM_LOW
                                                : CG_SIM_MODERATE;
    site->phishing_prob = cg_sim_rng_real(rng, 0.01, 5.0 + 5.0 * site->score);
    site->age_days = cg_sim_rng_range(rng, 365, 9000);
}

int cg_sim_site_score_percent(int level)
{
    static const int percent[] = {20, 40, 60, 80, 99};

    if (level < 0)
        level = 0;
    if (level > 4)
        level = 4;
    return percent[level];
}

void cg_sim_site_describe(const struct cg_sim_target *target,
                          struct cg_sim_site *site)
{
    struct cg_sim_rng rng;

    memset(site, 0, sizeof(*site));
    site->target = target;
    cg_sim_rng_seed(&rng, "site", target->canonical);
    cg_sim_main_domain(target->host, site->main_domain,
                       sizeof(site->main_domain));
    site->phishing = cg_sim_feed_is_phishing_host(target->host);
    site->brand = site->phishing ? cg_sim_brand_for_host(target->host) : NULL;
    site->registrar = cg_sim_registrar_pick(&rng);
    site->host_as = choose_host_as(target, &rng);
    choose_addresses(site, &rng);
    choose_title(site, &rng);
    choose_verdict(site, &rng);
    site->mail_server = cg_sim_rng_chance(&rng, site->phishing ? 300 : 700);
    site->https_redirect =
        !target->https && !target->host_is_ipv4 && cg_sim_rng_chance(&rng, 750);
    site->optional_summary = cg_sim_rng_chance(&rng, 500);
}
