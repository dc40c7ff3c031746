/*
 * The v2 full report. Sections follow Criminal IP's 2024 report: score
 * words are lower case except in connected_ip_info, AS numbers are strings
 * in network_logs and connected_ip_info, and mapped_ip countries are lower
 * case. TLS details use the wording of testssl.sh, whose checks the
 * ssl_detail keys mirror.
 */
#include "domain_report.h"

#include "domain_page.h"
#include "rng.h"
#include "service_table.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY ((int64_t)86400)

static const char *const javascript_variables[][2] = {
    {"jQuery", "function"},           {"$", "function"},
    {"dataLayer", "object"},          {"gtag", "function"},
    {"google_tag_manager", "object"}, {"webpackChunk_N_E", "object"},
    {"__NEXT_DATA__", "object"},      {"grecaptcha", "object"},
    {"bootstrap", "object"},          {"onloadCallback", "function"},
    {"validateForm", "function"},     {"submitLogin", "function"},
};

static bool site_has_tls(const struct cg_sim_site *site)
{
    return site->target->https || site->https_redirect;
}

static const char *certificate_issuer(const struct cg_sim_as *as,
                                      struct cg_sim_rng *rng)
{
    static const char *const lets_encrypt[] = {"R3", "R10", "R11", "E5"};

    if (as->asn == 13335)
        return "WE1";
    if (as->asn == 15169 || as->asn == 396982)
        return "WR2";
    if (as->asn == 54113)
        return "GlobalSign Atlas R3 DV TLS CA 2024 Q1";
    return lets_encrypt[cg_sim_rng_below(rng, CG_ARRAY_LEN(lets_encrypt))];
}

static json_t *certificate_row(const char *subject, const char *issuer,
                               int64_t from, int days)
{
    json_t *row = json_object();

    cg_sim_set_text(row, "certificate_life",
                    days >= 365 ? "A Year" : "3 Months");
    cg_sim_set_text(row, "issuer", issuer);
    cg_sim_set_text(row, "protocol", "TLS 1.3");
    cg_sim_set_text(row, "subject", subject);
    cg_sim_set_time(row, "valid_from", from);
    cg_sim_set_time(row, "valid_to", from + (int64_t)days * DAY - 1);
    return row;
}

/* Adds certificates and main_certificate. HTTP-only sites have none. */
static void add_certificates(json_t *data, const struct cg_sim_site *site,
                             const struct cg_sim_page *page,
                             int64_t report_time, struct cg_sim_rng *rng)
{
    json_t *rows = json_array();
    json_t *main_certificate = json_object();
    const char *issuer = certificate_issuer(site->host_as, rng);
    int64_t from = report_time - (int64_t)cg_sim_rng_range(rng, 1, 60) * DAY;

    if (site_has_tls(site)) {
        json_array_append_new(
            rows, certificate_row(site->target->host, issuer, from, 90));
        for (size_t i = 1; i < page->count; i++) {
            const struct cg_sim_resource *r = &page->resources[i];
            bool seen = strcmp(r->host, site->target->host) == 0;

            for (size_t j = 1; j < i && !seen; j++)
                seen = strcmp(page->resources[j].host, r->host) == 0;
            if (!seen && r->https)
                json_array_append_new(
                    rows,
                    certificate_row(r->host, certificate_issuer(r->as, rng),
                                    from - 20 * DAY, 90));
        }
        cg_sim_set_time(main_certificate, "enddate", from + 90 * DAY - 1);
        cg_sim_set_text(main_certificate, "issuer", issuer);
        cg_sim_set_text(main_certificate, "signed_algorithm",
                        issuer[0] == 'E' ? "ecdsa-with-SHA384"
                                         : "sha256WithRSAEncryption");
        cg_sim_set_time(main_certificate, "startdate", from);
        cg_sim_set_text(main_certificate, "subject", site->target->host);
    } else {
        cg_sim_set_text(main_certificate, "enddate", "");
        cg_sim_set_text(main_certificate, "issuer", "");
        cg_sim_set_text(main_certificate, "signed_algorithm", "");
        cg_sim_set_text(main_certificate, "startdate", "");
        cg_sim_set_text(main_certificate, "subject", "");
    }
    json_object_set_new(data, "certificates", rows);
    json_object_set_new(data, "main_certificate", main_certificate);
}

static json_t *classification(const struct cg_sim_site *site,
                              struct cg_sim_rng *rng, double dga_score)
{
    static const char *const general_types[] = {"company", "blog", "shopping",
                                                "top_rank", "news"};
    json_t *obj = json_object();
    json_t *types = json_array();
    json_t *type = json_object();

    if (site->phishing) {
        cg_sim_set_text(type, "name", "phishing");
        cg_sim_set_text(type, "type", "malicious");
    } else {
        cg_sim_set_text(
            type, "name",
            general_types[cg_sim_rng_below(rng, CG_ARRAY_LEN(general_types))]);
        cg_sim_set_text(type, "type", "general");
    }
    json_array_append_new(types, type);
    cg_sim_set_real(obj, "dga_score", dga_score);
    json_object_set_new(obj, "domain_type", types);
    json_object_set_new(obj, "google_safe_browsing", json_array());
    return obj;
}

static json_t *cookies(const struct cg_sim_site *site, int64_t report_time,
                       struct cg_sim_rng *rng)
{
    static const struct {
        const char *name;
        bool http_only;
        bool session;
        int days;
    } jar[] = {
        {"PHPSESSID", true, true, 0},
        {"_ga", false, false, 730},
        {"__cf_bm", true, false, 1},
    };
    json_t *rows = json_array();
    size_t target_count = cg_sim_rng_below(rng, CG_ARRAY_LEN(jar) + 1);

    for (size_t i = 0; i < target_count; i++) {
        json_t *row = json_object();
        char domain[CG_SIM_HOST_MAX + 2];
        char value[33];

        snprintf(domain, sizeof(domain), ".%s", site->main_domain);
        cg_sim_rng_hex(rng, value, 32, false);
        cg_sim_set_text(row, "domain", domain);
        if (jar[i].session)
            cg_sim_set_text(row, "expires", "");
        else
            cg_sim_set_time(row, "expires",
                            report_time + (int64_t)jar[i].days * DAY);
        cg_sim_set_bool(row, "http_only", jar[i].http_only);
        cg_sim_set_text(row, "name", jar[i].name);
        cg_sim_set_text(row, "path", "/");
        cg_sim_set_bool(row, "secure", site_has_tls(site));
        cg_sim_set_bool(row, "session", jar[i].session);
        cg_sim_set_text(row, "value", value);
        json_array_append_new(rows, row);
    }
    return rows;
}

static json_t *address_rows(const struct cg_sim_site_ip *addresses,
                            size_t count)
{
    json_t *rows = json_array();

    for (size_t i = 0; i < count; i++) {
        json_t *row = json_object();

        cg_sim_set_text(row, "ip", addresses[i].ip);
        cg_sim_set_text(row, "score",
                        cg_sim_score_word(addresses[i].score, false));
        json_array_append_new(rows, row);
    }
    return rows;
}

static json_t *dns_record(const struct cg_sim_site *site, int64_t report_time)
{
    json_t *dns = json_object();
    json_t *a = json_object();
    json_t *mx = json_array();
    json_t *ns = json_array();
    json_t *soa = json_array();
    char text[CG_SIM_HOST_MAX + 160];
    const char *ns_domain = site->host_as->asn == 13335
                                ? "ns.cloudflare.com"
                                : site->registrar->ns_domain;

    json_object_set_new(a, "ipv4", address_rows(site->a, site->a_count));
    json_object_set_new(a, "ipv6", address_rows(site->aaaa, site->aaaa_count));
    json_object_set_new(dns, "dns_record_type_a", a);
    json_object_set_new(dns, "dns_record_type_cname", json_array());
    if (site->mail_server) {
        json_t *hosts = json_array();

        snprintf(text, sizeof(text), "mx1.%s", site->main_domain);
        json_array_append_new(hosts, json_string(text));
        snprintf(text, sizeof(text), "mx2.%s", site->main_domain);
        json_array_append_new(hosts, json_string(text));
        json_array_append_new(mx, hosts);
    }
    json_object_set_new(dns, "dns_record_type_mx", mx);
    if (!site->target->host_is_ipv4 && !site->target->host_is_ipv6) {
        snprintf(text, sizeof(text), "dns1.%s.", ns_domain);
        json_array_append_new(ns, json_string(text));
        snprintf(text, sizeof(text), "dns2.%s.", ns_domain);
        json_array_append_new(ns, json_string(text));
        snprintf(text, sizeof(text),
                 "dns1.%s. hostmaster.%s. %lld 43200 3600 604800 3601",
                 ns_domain, ns_domain, (long long)(report_time - 40 * DAY));
        json_array_append_new(soa, json_string(text));
    }
    json_object_set_new(dns, "dns_record_type_ns", ns);
    json_object_set_new(dns, "dns_record_type_ptr", json_array());
    json_object_set_new(dns, "dns_record_type_soa", soa);
    return dns;
}

static json_t *file_exposure(const struct cg_sim_site *site,
                             struct cg_sim_rng *rng)
{
    static const char *const names[] = {
        "apache_status", "docker_registry",  "ds_store",
        "firebase",      "git_config",       "json_config",
        "phpinfo",       "vscode_sftp_json", "wordpress"};
    json_t *obj = json_object();

    for (size_t i = 0; i < CG_ARRAY_LEN(names); i++)
        cg_sim_set_bool(obj, names[i],
                        cg_sim_rng_chance(rng, site->phishing ? 60 : 8));
    return obj;
}

static json_t *main_domain_info(const struct cg_sim_site *site,
                                const struct cg_sim_page *page,
                                int64_t report_time, struct cg_sim_rng *rng)
{
    json_t *info = json_object();
    json_t *score = json_object();
    json_t *favicons = json_array();
    char jarm[63] = "";

    cg_sim_set_text(info, "changed_url",
                    site->https_redirect ? page->resources[0].url : "");
    cg_sim_set_text(info, "dns_ip_asn", "");
    cg_sim_set_date(info, "domain_created",
                    report_time - (int64_t)site->age_days * DAY);
    cg_sim_set_text(info, "domain_registrar", site->registrar->name);
    cg_sim_set_text(score, "score", cg_sim_score_word(site->score, false));
    cg_sim_set_real(score, "score_num", (double)site->score);
    cg_sim_set_int(score, "score_percentage",
                   cg_sim_site_score_percent(site->score));
    json_object_set_new(info, "domain_score", score);
    if (cg_sim_rng_chance(rng, site->phishing ? 900 : 500)) {
        json_t *favicon = json_object();
        char link[160];
        int32_t hash = (int32_t)(uint32_t)cg_sim_rng_next(rng);

        /* The hash is a signed 32-bit value printed in hex, "-217ec3be". */
        snprintf(link, sizeof(link), "%s%x", hash < 0 ? "-" : "",
                 hash < 0 ? (unsigned)-(int64_t)hash : (unsigned)hash);
        cg_sim_set_text(favicon, "hash", link);
        snprintf(link, sizeof(link),
                 "https://cip-favicon-img.s3.us-west-1.amazonaws.com/"
                 "favicon_%d.png",
                 hash);
        cg_sim_set_text(favicon, "link", link);
        json_array_append_new(favicons, favicon);
    }
    json_object_set_new(info, "favicon", favicons);
    cg_sim_set_text(info, "inserted_url", site->target->url);
    if (site_has_tls(site)) {
        if (site->host_as->asn == 13335)
            snprintf(jarm, sizeof(jarm), "%s", CG_SIM_JARM_CLOUDFLARE);
        else if (site->host_as->asn == 15169)
            snprintf(jarm, sizeof(jarm), "%s", CG_SIM_JARM_GOOGLE);
        else
            cg_sim_rng_hex(rng, jarm, 62, false);
    }
    cg_sim_set_text(info, "jarm", jarm);
    cg_sim_set_text(info, "main_domain", site->target->host);
    cg_sim_set_text(info, "title", site->title);
    return info;
}

static json_t *mapped_ips(const struct cg_sim_site *site)
{
    json_t *rows = json_array();

    for (size_t i = 0; i < site->a_count + site->aaaa_count; i++) {
        const struct cg_sim_site_ip *address =
            i < site->a_count ? &site->a[i] : &site->aaaa[i - site->a_count];
        char country[3] = {(char)(address->as->country[0] | 0x20),
                           (char)(address->as->country[1] | 0x20), '\0'};
        json_t *row = json_object();

        cg_sim_set_text(row, "as_name", address->as->as_name);
        cg_sim_set_text(row, "country", country);
        cg_sim_set_text(row, "ip", address->ip);
        cg_sim_set_text(row, "score", cg_sim_score_word(address->score, false));
        json_array_append_new(rows, row);
    }
    return rows;
}

static json_t *redirection_step(const struct cg_sim_site *site, int status,
                                const char *url)
{
    json_t *step = json_object();

    cg_sim_set_text(step, "as_name", site->host_as->as_name);
    cg_sim_set_text(step, "country_code", site->host_as->country);
    cg_sim_set_int(step, "status", status);
    cg_sim_set_text(step, "url", url);
    return step;
}

static json_t *page_redirections(const struct cg_sim_site *site,
                                 const struct cg_sim_page *page)
{
    json_t *chains = json_array();
    json_t *chain = json_array();

    if (site->https_redirect)
        json_array_append_new(chain,
                              redirection_step(site, 301, site->target->url));
    json_array_append_new(chain,
                          redirection_step(site, 200, page->resources[0].url));
    json_array_append_new(chains, chain);
    return chains;
}

static json_t *links(const struct cg_sim_site *site,
                     const struct cg_sim_page *page, struct cg_sim_rng *rng)
{
    static const char *const pages[][2] = {{"Home", "/"},
                                           {"About", "/about"},
                                           {"Contact", "/contact"},
                                           {"Sign in", "/login"},
                                           {"Privacy Policy", "/privacy"},
                                           {"Forgot password?", "/reset"}};
    json_t *rows = json_array();
    size_t target_count = (size_t)cg_sim_rng_range(rng, 1, CG_ARRAY_LEN(pages));
    const char *scheme = page->resources[0].https ? "https" : "http";

    for (size_t i = 0; i < target_count; i++) {
        json_t *row = json_object();
        char url[CG_SIM_HOST_MAX + 64];

        snprintf(url, sizeof(url), "%s://%s%s", scheme, site->target->host,
                 pages[i][1]);
        cg_sim_set_text(row, "title", pages[i][0]);
        cg_sim_set_text(row, "url", url);
        json_array_append_new(rows, row);
    }
    /* Kits link to the real brand's pages to look genuine. */
    if (site->brand) {
        json_t *row = json_object();
        char url[128];

        snprintf(url, sizeof(url), "https://www.%s/legal/privacy",
                 site->brand->domain);
        cg_sim_set_text(row, "title", "Privacy");
        cg_sim_set_text(row, "url", url);
        json_array_append_new(rows, row);
    }
    return rows;
}

static json_t *javascript(struct cg_sim_rng *rng)
{
    json_t *rows = json_array();
    size_t target_count =
        (size_t)cg_sim_rng_range(rng, 2, CG_ARRAY_LEN(javascript_variables));

    for (size_t i = 0; i < target_count; i++) {
        json_t *row = json_object();

        cg_sim_set_text(row, "variable_name", javascript_variables[i][0]);
        cg_sim_set_text(row, "variable_type", javascript_variables[i][1]);
        json_array_append_new(rows, row);
    }
    return rows;
}

static json_t *screenshots(const struct cg_sim_site *site, int64_t report_time)
{
    json_t *list = json_array();
    char stamp[CG_TIME_TEXT_SIZE];
    char url[CG_SIM_HOST_MAX + 160];
    int year, month, day, hour, minute;

    cg_sim_format_time(report_time, stamp);
    if (sscanf(stamp, "%d-%d-%d %d:%d", &year, &month, &day, &hour, &minute) !=
        5)
        return list;
    snprintf(url, sizeof(url),
             "https://cip-web-screenshot-new.s3.us-west-1.amazonaws.com/"
             "domain/%d/%d/%d_%d_%d_%s.png",
             year, month, day, hour, minute, site->target->host);
    json_array_append_new(list, json_string(url));
    return list;
}

static json_t *subdomains(const struct cg_sim_site *site,
                          struct cg_sim_rng *rng)
{
    static const char *const labels[] = {"www",  "mail", "api", "cdn",
                                         "blog", "shop", "dev", "m"};
    json_t *rows = json_array();
    size_t target_count =
        site->target->host_is_ipv4 || site->target->host_is_ipv6
            ? 0
            : cg_sim_rng_below(rng, CG_ARRAY_LEN(labels) + 1);

    for (size_t i = 0; i < target_count; i++) {
        json_t *row = json_object();
        char name[CG_SIM_HOST_MAX + 8];

        snprintf(name, sizeof(name), "%s.%s", labels[i], site->main_domain);
        cg_sim_set_text(row, "subdomain_name", name);
        json_array_append_new(rows, row);
    }
    return rows;
}

static json_t *technology(const char *name, const char *version,
                          const char *category)
{
    json_t *row = json_object();
    json_t *categories = json_array();

    json_array_append_new(categories, json_string(category));
    json_object_set_new(row, "categories", categories);
    cg_sim_set_text(row, "name", name);
    cg_sim_set_text(row, "version", version);
    json_object_set_new(row, "vulner", json_array());
    return row;
}

static json_t *technologies(const struct cg_sim_site *site,
                            struct cg_sim_rng *rng)
{
    json_t *rows = json_array();
    int target_count = cg_sim_rng_range(rng, 0, 4);

    if (site->host_as->asn == 13335)
        json_array_append_new(rows, technology("Cloudflare", NULL, "CDN"));
    else if (site->host_as->kinds & CG_SIM_AS_CDN)
        json_array_append_new(rows,
                              technology(site->host_as->as_name, NULL, "CDN"));
    else
        json_array_append_new(rows,
                              technology("Nginx", "1.18.0", "Web servers"));
    for (int i = 0; i < target_count; i++) {
        const struct cg_sim_technology *t = cg_sim_technology_pick(rng);
        bool seen = false;
        size_t index;
        json_t *row;

        json_array_foreach(rows, index, row)
        {
            const char *name = json_string_value(json_object_get(row, "name"));

            seen = seen || (name && strcmp(name, t->name) == 0);
        }
        if (!seen)
            json_array_append_new(rows,
                                  technology(t->name, t->version, t->category));
    }
    return rows;
}

static json_t *text_object(const char *const pairs[][2], size_t count, bool tls)
{
    json_t *obj = json_object();

    for (size_t i = 0; i < count; i++)
        cg_sim_set_text(obj, pairs[i][0], tls ? pairs[i][1] : "");
    return obj;
}

static json_t *ssl_detail(const struct cg_sim_site *site)
{
    static const char *const forward_secrecy[][2] = {
        {"elliptic_curves_offered", "prime256v1 secp384r1 X25519"},
        {"finite_field_group", ""},
        {"forward_secrecy", "offered (OK)"},
        {"forward_secrecy_ciphers",
         "TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256 "
         "ECDHE-RSA-AES256-GCM-SHA384"}};
    static const char *const security_headers[][2] = {
        {"cache_control", "max-age=0, private, must-revalidate"},
        {"pragma", ""},
        {"referrer_policy", "strict-origin-when-cross-origin"},
        {"x_frame_options", "SAMEORIGIN"},
        {"x_xss_protection", "0"}};
    static const char *const deprecated[][2] = {{"sslv2", "not offered (OK)"},
                                                {"sslv3", "not offered (OK)"}};
    static const char *const vulnerable[][2] = {
        {"breach_attacks", "no gzip/deflate/compress/br HTTP compression (OK)"},
        {"ccs_injection", "not vulnerable (OK)"},
        {"client_initiated_ssl_renegotiation", "not vulnerable (OK)"},
        {"crime_tls", "not vulnerable (OK)"},
        {"drown", "not vulnerable on this host and port (OK)"},
        {"freak", "not vulnerable (OK)"},
        {"heartbleed", "not vulnerable (OK), no heartbeat extension"},
        {"logjam", "not vulnerable (OK): no DH EXPORT ciphers"},
        {"lucky13", "not vulnerable (OK)"},
        {"poodle", "not vulnerable (OK), no SSLv3 support"},
        {"robot", "not vulnerable (OK)"},
        {"ssl_rc4", "no RC4 ciphers detected (OK)"},
        {"ssl_renegotiation", "supported (OK)"},
        {"sweet32", "not vulnerable (OK)"},
        {"ticketbleed", "not vulnerable (OK)"},
        {"tls_fallback_scsv", "Downgrade attack prevention supported (OK)"},
        {"winshock", "not vulnerable (OK)"}};
    static const char *const beast[][2] = {
        {"tls1", ""}, {"value", "not vulnerable (OK), no SSL3 or TLS1"}};
    static const char *const resumption[][2] = {{"id", "yes"},
                                                {"tickets", "yes"}};
    bool tls = site_has_tls(site);
    json_t *detail = json_object();
    json_t *headers = json_object();
    json_t *protocols = json_object();
    json_t *defaults = json_object();
    json_t *vulnerabilities =
        text_object(vulnerable, CG_ARRAY_LEN(vulnerable), tls);

    json_object_set_new(
        detail, "forward_secrecy",
        text_object(forward_secrecy, CG_ARRAY_LEN(forward_secrecy), tls));
    cg_sim_set_text(headers, "cookies", "");
    cg_sim_set_text(headers, "hsts", tls ? "max-age=31536000" : "");
    json_object_set_new(
        headers, "security_headers",
        text_object(security_headers, CG_ARRAY_LEN(security_headers), tls));
    json_object_set_new(detail, "headers", headers);
    json_object_set_new(protocols, "deprecated_ssl_protocol_versions",
                        text_object(deprecated, CG_ARRAY_LEN(deprecated), tls));
    cg_sim_set_text(protocols, "tls_warning", "");
    json_object_set_new(detail, "protocols", protocols);
    json_object_set_new(defaults, "chain_of_trust", json_array());
    json_object_set_new(defaults, "dns_caa_record", json_array());
    json_object_set_new(defaults, "server_key_size", json_array());
    json_object_set_new(defaults, "tls_session_resumption",
                        text_object(resumption, CG_ARRAY_LEN(resumption), tls));
    json_object_set_new(detail, "server_defaults", defaults);
    json_object_set_new(vulnerabilities, "beast",
                        text_object(beast, CG_ARRAY_LEN(beast), tls));
    json_object_set_new(detail, "vulnerable", vulnerabilities);
    return detail;
}

/* Phishing signal values, drawn once so that classification and summary
 * show the same dga_score. */
struct signals {
    double dga_score;
    int critical;
    int dangerous;
    int phishing_record;
};

static void draw_signals(const struct cg_sim_site *site, struct cg_sim_rng *rng,
                         struct signals *s)
{
    s->dga_score = site->phishing ? cg_sim_rng_real(rng, 0.05, 0.9)
                                  : cg_sim_rng_real(rng, 0.0, 0.05);
    if (s->dga_score == 0.0)
        s->dga_score = 0.001;
    s->critical = site->phishing ? cg_sim_rng_range(rng, 1, 5) : 0;
    s->dangerous = site->phishing ? cg_sim_rng_range(rng, 0, 3) : 0;
    s->phishing_record = site->phishing ? cg_sim_rng_range(rng, 1, 5) : 0;
}

static bool contains_https_trick(const struct cg_sim_target *t)
{
    /* "https" inside the host or path of a URL is a lure for the reader. */
    return strstr(t->host, "https") != NULL ||
           strstr(t->url + t->path_offset, "https") != NULL;
}

/* Adds the keys that older clients read and the 2024 sample lacks. */
static void add_optional_summary(json_t *summary,
                                 const struct cg_sim_site *site,
                                 const struct cg_sim_page *page,
                                 struct cg_sim_rng *rng)
{
    const struct cg_sim_target *t = site->target;
    json_t *abuse = json_object_get(summary, "abuse_record");
    size_t external = 0;

    for (size_t i = 0; i < page->count; i++)
        external += strcmp(page->resources[i].host, t->host) != 0;
    cg_sim_set_text(summary, "associated_ip", "");
    cg_sim_set_int(summary, "real_ip", 0);
    cg_sim_set_bool(summary, "domain_in_subdomain", false);
    cg_sim_set_bool(summary, "subdomain",
                    strcmp(t->host, site->main_domain) != 0);
    cg_sim_set_bool(summary, "double_slash_url",
                    strstr(t->url + t->path_offset, "//") != NULL);
    cg_sim_set_bool(summary, "email_domain_check", false);
    cg_sim_set_int(summary, "html_request_url",
                   page->count ? (long long)(100 * external / page->count) : 0);
    cg_sim_set_bool(summary, "page_warning", site->phishing);
    cg_sim_set_bool(summary, "suspicious_footer",
                    site->phishing && cg_sim_rng_chance(rng, 300));
    cg_sim_set_int(summary, "url_anchor", cg_sim_rng_range(rng, 0, 100));
    /* NOTE: no recorded body shows the element type of "locations", so the
     * simulator lists country codes. */
    json_object_set_new(summary, "locations", cg_sim_page_countries(page));
    cg_sim_set_int(abuse, "moderate", site->phishing ? 1 : 0);
}

/* Adds the summary signals that follow from the URL and the site model
 * alone. */
static void add_url_signals(json_t *obj, const struct cg_sim_site *site,
                            int64_t report_time)
{
    const struct cg_sim_target *t = site->target;

    cg_sim_set_int(obj, "connect_to_ip_directly",
                   t->host_is_ipv4 || t->host_is_ipv6);
    cg_sim_set_bool(obj, "fake_domain",
                    site->brand && !strstr(t->host, site->brand->domain));
    cg_sim_set_bool(obj, "fake_https_url", contains_https_trick(t));
    cg_sim_set_bool(obj, "mail_server", site->mail_server);
    cg_sim_set_bool(obj, "mitm_attack", false);
    if (site->phishing)
        cg_sim_set_date(obj, "newborn_domain",
                        report_time - (int64_t)site->age_days * DAY);
    else
        cg_sim_set_text(obj, "newborn_domain", "");
    cg_sim_set_bool(obj, "overlong_domain", strlen(t->url) >= 75);
    cg_sim_set_bool(obj, "punycode", strstr(t->host, "xn--") != NULL);
}

/* Adds the signals a scanner reads from the rendered page; phishing pages
 * get the suspicious values. */
static void add_page_signals(json_t *obj, const struct cg_sim_site *site,
                             struct cg_sim_rng *rng)
{
    bool phishing = site->phishing;
    bool invalid_ssl = phishing && cg_sim_rng_chance(rng, 350);
    json_t *fake_ssl = json_object();
    char rank[16];

    cg_sim_set_text(obj, "cred_input",
                    phishing                      ? "Suspicious"
                    : cg_sim_rng_chance(rng, 400) ? "Safe"
                                                  : "None");
    cg_sim_set_text(obj, "diff_domain_favicon",
                    !phishing                     ? "Safe"
                    : cg_sim_rng_chance(rng, 150) ? "Dangerous"
                                                  : "Suspicious");
    cg_sim_set_text(fake_ssl, "category", invalid_ssl ? "Self-Signed" : "");
    cg_sim_set_bool(fake_ssl, "invalid", invalid_ssl);
    json_object_set_new(obj, "fake_ssl", fake_ssl);
    cg_sim_set_int(obj, "hidden_element",
                   cg_sim_rng_range(rng, 0, phishing ? 4 : 1));
    cg_sim_set_int(obj, "hidden_iframe",
                   phishing ? cg_sim_rng_range(rng, 0, 2) : 0);
    cg_sim_set_int(obj, "iframe", cg_sim_rng_range(rng, 0, 3));
    cg_sim_set_int(obj, "js_obfuscated",
                   cg_sim_rng_range(rng, 0, phishing ? 12 : 8));
    cg_sim_set_int(obj, "redirection_diff_asn",
                   phishing ? cg_sim_rng_range(rng, 0, 2) : 0);
    cg_sim_set_int(obj, "redirection_diff_country",
                   phishing ? cg_sim_rng_range(rng, 0, 2) : 0);
    cg_sim_set_int(obj, "redirection_diff_domain",
                   phishing ? cg_sim_rng_range(rng, 0, 2) : 0);
    cg_sim_set_text(obj, "redirection_onclick",
                    phishing && cg_sim_rng_chance(rng, 200) ? "Suspicious"
                                                            : "Normal");
    cg_sim_set_text(obj, "sfh", phishing ? "Suspicious" : "Safe");
    cg_sim_set_text(obj, "spf1",
                    phishing && cg_sim_rng_chance(rng, 500) ? "Suspicious"
                                                            : "Safe");
    cg_sim_set_bool(obj, "suspicious_cookie",
                    phishing && cg_sim_rng_chance(rng, 150));
    cg_sim_set_int(obj, "suspicious_element",
                   phishing ? cg_sim_rng_range(rng, 1, 6) : 0);
    cg_sim_set_int(obj, "suspicious_file",
                   phishing ? cg_sim_rng_range(rng, 0, 2) : 0);
    cg_sim_set_bool(obj, "symbol_url",
                    strchr(site->target->url, '@') != NULL ||
                        (phishing && cg_sim_rng_chance(rng, 250)));
    if (phishing || cg_sim_rng_chance(rng, 400))
        snprintf(rank, sizeof(rank), "No Rank");
    else
        snprintf(rank, sizeof(rank), "%d", cg_sim_rng_range(rng, 1, 900000));
    cg_sim_set_text(obj, "web_traffic", rank);
}

static json_t *summary(const struct cg_sim_site *site,
                       const struct cg_sim_page *page,
                       const struct signals *sig, int64_t report_time,
                       struct cg_sim_rng *rng)
{
    json_t *obj = json_object();
    json_t *abuse = json_object();

    cg_sim_set_int(abuse, "critical", sig->critical);
    cg_sim_set_int(abuse, "dangerous", sig->dangerous);
    json_object_set_new(obj, "abuse_record", abuse);
    cg_sim_set_real(obj, "dga_score", sig->dga_score);
    json_object_set_new(obj, "list_of_countries", cg_sim_page_countries(page));
    cg_sim_set_int(obj, "phishing_record", sig->phishing_record);
    cg_sim_set_real(obj, "url_phishing_prob", site->phishing_prob);
    add_url_signals(obj, site, report_time);
    add_page_signals(obj, site, rng);
    if (site->optional_summary)
        add_optional_summary(obj, site, page, rng);
    return obj;
}

json_t *cg_sim_domain_report_v2(const struct cg_sim_site *site,
                                int64_t report_time)
{
    struct cg_sim_page *page = cg_sim_page_load(site);
    struct cg_sim_rng rng;
    struct signals sig;
    json_t *data;
    json_t *jar;

    if (!page)
        return NULL;
    cg_sim_rng_seed(&rng, "report", site->target->canonical);
    draw_signals(site, &rng, &sig);
    jar = cookies(site, report_time, &rng);
    data = json_object();
    add_certificates(data, site, page, report_time, &rng);
    json_object_set_new(data, "classification",
                        classification(site, &rng, sig.dga_score));
    json_object_set_new(data, "connected_domain_subdomain",
                        cg_sim_page_connected_domains(page));
    json_object_set_new(data, "connected_ip", cg_sim_page_connected_ip(page));
    json_object_set_new(data, "connected_ip_info",
                        cg_sim_page_connected_ip_info(page, site));
    json_object_set_new(data, "cookies", jar);
    json_object_set_new(data, "detected_program",
                        json_pack("{s:[], s:[]}", "program_data_in_html_source",
                                  "program_data_with_access"));
    json_object_set_new(data, "dns_record", dns_record(site, report_time));
    json_object_set_new(data, "file_exposure", file_exposure(site, &rng));
    json_object_set_new(data, "frames", cg_sim_page_frames(page));
    json_object_set_new(data, "html_page_link_domains",
                        cg_sim_page_link_domains(page, report_time));
    json_object_set_new(data, "javascript_variables", javascript(&rng));
    json_object_set_new(data, "links", links(site, page, &rng));
    json_object_set_new(data, "main_domain_info",
                        main_domain_info(site, page, report_time, &rng));
    json_object_set_new(data, "mapped_ip", mapped_ips(site));
    json_object_set_new(data, "network_logs", cg_sim_page_network_logs(page));
    json_object_set_new(
        data, "page_networking_info",
        cg_sim_page_networking_info(page, site, json_array_size(jar)));
    json_object_set_new(data, "page_redirections",
                        page_redirections(site, page));
    cg_sim_set_time(data, "report_time", report_time);
    json_object_set_new(data, "screenshots", screenshots(site, report_time));
    json_object_set_new(data, "security_headers", json_array());
    cg_sim_set_bool(data, "ssl", site_has_tls(site));
    json_object_set_new(data, "ssl_detail", ssl_detail(site));
    json_object_set_new(data, "subdomains", subdomains(site, &rng));
    json_object_set_new(data, "technologies", technologies(site, &rng));
    json_object_set_new(data, "summary",
                        summary(site, page, &sig, report_time, &rng));
    free(page);
    return data;
}

json_t *cg_sim_domain_report_countries(const struct cg_sim_site *site)
{
    json_t *countries = json_array();

    json_array_append_new(countries, json_string(site->host_as->country));
    return countries;
}
