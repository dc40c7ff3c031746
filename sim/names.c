/*
 * Registrar, brand, technology and word tables. Registrar names and abuse
 * addresses are the ones those registrars publish in WHOIS records.
 */
#include "names.h"

#include <stdio.h>
#include <string.h>

static const struct cg_sim_registrar registrars[] = {
    {"NameCheap, Inc.", "abuse@namecheap.com", "registrar-servers.com"},
    {"GoDaddy.com, LLC", "abuse@godaddy.com", "domaincontrol.com"},
    {"Tucows Domains Inc.", "domainabuse@tucows.com", "hover.com"},
    {"PDR Ltd. d/b/a PublicDomainRegistry.com",
     "abuse-contact@publicdomainregistry.com", "webhostbox.net"},
    {"NameSilo, LLC", "abuse@namesilo.com", "dnsowl.com"},
    {"Cloudflare, Inc.", "registrar-abuse@cloudflare.com", "ns.cloudflare.com"},
    {"MarkMonitor Inc.", "abusecomplaints@markmonitor.com", "markmonitor.com"},
    {"Gabia, Inc.", "abuse@gabia.com", "gabia.co.kr"},
};

/* Keywords are checked in order, so longer or more specific ones first.
 * Several are the misspellings that appear in the bundled phishing list. */
static const struct cg_sim_brand brands[] = {
    {"ledger", "Ledger Live - Download", "ledger.com"},
    {"coinbase", "Coinbase - Sign In", "coinbase.com"},
    {"conibase", "Coinbase - Sign In", "coinbase.com"},
    {"connbase", "Coinbase - Sign In", "coinbase.com"},
    {"kucoin", "KuCoin - Log In", "kucoin.com"},
    {"metamask", "MetaMask - Restore Wallet", "metamask.io"},
    {"mettamks", "MetaMask - Restore Wallet", "metamask.io"},
    {"blockfi", "BlockFi - Log In", "blockfi.com"},
    {"trezor", "Trezor Suite - Connect", "trezor.io"},
    {"netflix", "Netflix - Update Payment", "netflix.com"},
    {"paypal", "PayPal - Log In", "paypal.com"},
    {"amz", "Amazon Sign-In", "amazon.com"},
    {"amazon", "Amazon Sign-In", "amazon.com"},
    {"facebook", "Facebook - Log In or Sign Up", "facebook.com"},
    {"instagram", "Instagram - Login", "instagram.com"},
    {"adfs", "Sign in to your account", "microsoftonline.com"},
    {"outlook", "Sign in to your account", "microsoftonline.com"},
    {"office", "Sign in to your account", "microsoftonline.com"},
    {"microsoft", "Sign in to your account", "microsoftonline.com"},
    {"apple", "Sign in with Apple ID", "apple.com"},
    {"icloud", "Sign in with Apple ID", "apple.com"},
    {"banco", "Banca en Linea", "bancodevenezuela.com"},
    {"bank", "Online Banking - Log In", "bankofamerica.com"},
    {"dhl", "DHL Express - Track Shipment", "dhl.com"},
    {"usps", "USPS Tracking", "usps.com"},
    {"wallet", "Wallet Connect - Validate", "walletconnect.com"},
};

static const struct cg_sim_technology technologies[] = {
    {"jQuery", "3.5.1", "JavaScript libraries"},
    {"jQuery", "2.2.4", "JavaScript libraries"},
    {"Bootstrap", "4.6.0", "UI frameworks"},
    {"PHP", "7.4.33", "Programming languages"},
    {"WordPress", "6.2.2", "CMS"},
    {"Google Analytics", NULL, "Analytics"},
    {"Google Tag Manager", NULL, "Tag managers"},
    {"Font Awesome", "5.15.4", "Font scripts"},
    {"React", NULL, "JavaScript frameworks"},
    {"Webflow", NULL, "Page builders"},
    {"core-js", "3.30.2", "JavaScript libraries"},
    {"reCAPTCHA", NULL, "Security"},
};

static const char *const first_words[] = {
    "blue",  "cloud", "north", "bright", "smart", "green",  "data",
    "rapid", "prime", "nova",  "alpha",  "urban", "silver", "pixel",
    "star",  "metro", "river", "stone",  "maple", "cedar"};
static const char *const second_words[] = {
    "host",  "shop",   "labs",  "works", "media",  "hub",   "soft",
    "craft", "studio", "point", "zone",  "line",   "base",  "trade",
    "link",  "forge",  "nest",  "field", "bridge", "harbor"};
static const char *const tlds[] = {"com",  "net",  "org",    "io",
                                   "shop", "info", "online", "xyz",
                                   "site", "de",   "fr",     "co"};

const struct cg_sim_registrar *cg_sim_registrar_pick(struct cg_sim_rng *rng)
{
    return &registrars[cg_sim_rng_below(rng, CG_ARRAY_LEN(registrars))];
}

const struct cg_sim_brand *cg_sim_brand_for_host(const char *host)
{
    for (size_t i = 0; i < CG_ARRAY_LEN(brands); i++) {
        if (strstr(host, brands[i].keyword))
            return &brands[i];
    }
    return NULL;
}

const struct cg_sim_technology *cg_sim_technology_pick(struct cg_sim_rng *rng)
{
    return &technologies[cg_sim_rng_below(rng, CG_ARRAY_LEN(technologies))];
}

void cg_sim_site_name(struct cg_sim_rng *rng, char *out, size_t size)
{
    const char *first =
        first_words[cg_sim_rng_below(rng, CG_ARRAY_LEN(first_words))];
    const char *second =
        second_words[cg_sim_rng_below(rng, CG_ARRAY_LEN(second_words))];
    const char *tld = tlds[cg_sim_rng_below(rng, CG_ARRAY_LEN(tlds))];

    snprintf(out, size, "%s%s.%s", first, second, tld);
}
