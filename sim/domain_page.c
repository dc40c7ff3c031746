/*
 * The simulated page load. Third-party hosts are real public CDN host
 * names. Each gets an address in a CDN prefix of the AS table, chosen by a
 * hash of the host name, so it is the same in every report.
 */
#include "domain_page.h"

#include "ip_profile.h"
#include "rng.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *host;
    const char *path;
    unsigned asn;
    const char *type;
    const char *mime_type;
} third_parties[] = {
    {"cdnjs.cloudflare.com", "/ajax/libs/jquery/3.5.1/jquery.min.js", 13335,
     "Script", "application/javascript"},
    {"fonts.googleapis.com", "/css2?family=Roboto:wght@400;700", 15169,
     "Stylesheet", "text/css"},
    {"fonts.gstatic.com", "/s/roboto/v30/KFOmCnqEu92Fr1Mu4mxK.woff2", 15169,
     "Font", "font/woff2"},
    {"www.googletagmanager.com", "/gtag/js", 15169, "Script",
     "application/javascript"},
    {"cdn.jsdelivr.net", "/npm/bootstrap@4.6.0/dist/css/bootstrap.min.css",
     54113, "Stylesheet", "text/css"},
    {"code.jquery.com", "/jquery-3.6.0.min.js", 54113, "Script",
     "application/javascript"},
};

static const struct {
    const char *path;
    const char *type;
    const char *mime_type;
} own_resources[] = {
    {"/assets/css/style.css", "Stylesheet", "text/css"},
    {"/assets/js/app.js", "Script", "application/javascript"},
    {"/images/logo.png", "Image", "image/png"},
    {"/favicon.ico", "Image", "image/x-icon"},
    {"/assets/js/jquery.validate.min.js", "Script", "application/javascript"},
    {"/api/session", "Fetch", "application/json"},
};

void cg_sim_format_size(long bytes, char *out, size_t size)
{
    if (bytes < 1024)
        snprintf(out, size, "%ld B", bytes);
    else if (bytes < 1024L * 1024)
        snprintf(out, size, "%.2f KB", (double)bytes / 1024.0);
    else
        snprintf(out, size, "%.2f MB", (double)bytes / (1024.0 * 1024.0));
}

static struct cg_sim_resource *next_slot(struct cg_sim_page *page)
{
    if (page->count == CG_SIM_PAGE_RESOURCES_MAX)
        return NULL;
    return &page->resources[page->count++];
}

static void add_document(struct cg_sim_page *page,
                         const struct cg_sim_site *site, struct cg_sim_rng *rng)
{
    const struct cg_sim_target *t = site->target;
    struct cg_sim_resource *r = next_slot(page);
    const struct cg_sim_site_ip *address =
        site->a_count ? &site->a[0] : &site->aaaa[0];

    if (site->https_redirect)
        snprintf(r->url, sizeof(r->url), "https://%s", t->url + 7);
    else
        snprintf(r->url, sizeof(r->url), "%s", t->url);
    if (r->url[t->path_offset + (site->https_redirect ? 1 : 0)] == '\0')
        strncat(r->url, "/", sizeof(r->url) - strlen(r->url) - 1);
    snprintf(r->host, sizeof(r->host), "%s", t->host);
    snprintf(r->ip, sizeof(r->ip), "%s", address->ip);
    r->as = address->as;
    r->score = address->score;
    r->type = "Document";
    r->mime_type = "text/html";
    r->https = t->https || site->https_redirect;
    r->data_bytes = cg_sim_rng_range(rng, 800, 4000);
    r->transfer_bytes = cg_sim_rng_range(rng, 2000, 90000);
}

static void add_own_resources(struct cg_sim_page *page,
                              const struct cg_sim_site *site,
                              struct cg_sim_rng *rng)
{
    const struct cg_sim_resource *document = &page->resources[0];
    size_t target_count = (size_t)cg_sim_rng_range(rng, 1, 5);

    for (size_t i = 0; i < target_count && i < CG_ARRAY_LEN(own_resources);
         i++) {
        struct cg_sim_resource *r = next_slot(page);

        if (!r)
            return;
        *r = *document;
        snprintf(r->url, sizeof(r->url),
                 site->target->host_is_ipv6 ? "%s://[%s]%s" : "%s://%s%s",
                 document->https ? "https" : "http", document->host,
                 own_resources[i].path);
        r->type = own_resources[i].type;
        r->mime_type = own_resources[i].mime_type;
        r->data_bytes = cg_sim_rng_range(rng, 200, 4000);
        r->transfer_bytes = cg_sim_rng_chance(rng, 300)
                                ? 0
                                : cg_sim_rng_range(rng, 300, 120000);
    }
    /* Phishing kits post the typed credentials back to their own host. */
    if (site->phishing && page->count < CG_SIM_PAGE_RESOURCES_MAX) {
        struct cg_sim_resource *r = next_slot(page);

        *r = *document;
        snprintf(r->url, sizeof(r->url),
                 site->target->host_is_ipv6 ? "%s://[%s]/next.php"
                                            : "%s://%s/next.php",
                 document->https ? "https" : "http", document->host);
        r->type = "XHR";
        r->mime_type = "text/html";
        r->post = true;
        r->data_bytes = cg_sim_rng_range(rng, 100, 400);
        r->transfer_bytes = cg_sim_rng_range(rng, 2, 80);
    }
}

static void add_third_parties(struct cg_sim_page *page, struct cg_sim_rng *rng)
{
    size_t target_count = (size_t)cg_sim_rng_range(rng, 0, 4);
    size_t start = cg_sim_rng_below(rng, CG_ARRAY_LEN(third_parties));

    for (size_t i = 0; i < target_count; i++) {
        size_t pick = (start + i) % CG_ARRAY_LEN(third_parties);
        struct cg_sim_resource *r = next_slot(page);

        if (!r)
            return;
        memset(r, 0, sizeof(*r));
        snprintf(r->url, sizeof(r->url), "https://%s%s",
                 third_parties[pick].host, third_parties[pick].path);
        snprintf(r->host, sizeof(r->host), "%s", third_parties[pick].host);
        r->as = cg_sim_as_find(third_parties[pick].asn);
        cg_sim_as_address4(r->as, cg_sim_hash("cdn", r->host), r->ip);
        r->score = cg_sim_ip_inbound_score(r->ip);
        r->type = third_parties[pick].type;
        r->mime_type = third_parties[pick].mime_type;
        r->https = true;
        r->data_bytes = cg_sim_rng_range(rng, 200, 3000);
        r->transfer_bytes = cg_sim_rng_range(rng, 0, 110000);
    }
}

struct cg_sim_page *cg_sim_page_load(const struct cg_sim_site *site)
{
    struct cg_sim_page *page = calloc(1, sizeof(*page));
    struct cg_sim_rng rng;

    if (!page)
        return NULL;
    cg_sim_rng_seed(&rng, "page", site->target->canonical);
    cg_sim_rng_hex(&rng, page->frame_id, 32, true);
    add_document(page, site, &rng);
    add_own_resources(page, site, &rng);
    add_third_parties(page, &rng);
    return page;
}

static void set_lower_country(json_t *obj, const char *key,
                              const struct cg_sim_as *as)
{
    char country[3] = {(char)(as->country[0] | 0x20),
                       (char)(as->country[1] | 0x20), '\0'};

    cg_sim_set_text(obj, key, country);
}

json_t *cg_sim_page_network_logs(const struct cg_sim_page *page)
{
    json_t *logs = json_object();
    json_t *abuse = json_object();
    json_t *rows = json_array();
    int critical = 0;
    int dangerous = 0;

    for (size_t i = 0; i < page->count; i++) {
        const struct cg_sim_resource *r = &page->resources[i];
        json_t *row = json_object();
        char text[64];

        critical += r->score == CG_SIM_CRITICAL;
        dangerous += r->score == CG_SIM_DANGEROUS;
        cg_sim_set_text(row, "as_name", r->as->as_name);
        snprintf(text, sizeof(text), "%u", r->as->asn);
        cg_sim_set_text(row, "as_number", text);
        set_lower_country(row, "country", r->as);
        cg_sim_format_size(r->data_bytes, text, sizeof(text));
        cg_sim_set_text(row, "data_size", text);
        cg_sim_set_text(row, "frame_id", page->frame_id);
        snprintf(text, sizeof(text), strchr(r->ip, ':') ? "[%s]:%d" : "%s:%d",
                 r->ip, r->https ? 443 : 80);
        cg_sim_set_text(row, "ip_port", text);
        cg_sim_set_text(row, "mime_type", r->mime_type);
        cg_sim_set_text(row, "protocol", r->https ? "h2" : "http/1.1");
        cg_sim_set_text(row, "request", r->post ? "POST" : "GET");
        cg_sim_set_text(row, "score", cg_sim_score_word(r->score, false));
        snprintf(text, sizeof(text), "%.2f ms", (double)(i % 7) / 100.0);
        cg_sim_set_text(row, "time", text);
        cg_sim_format_size(r->transfer_bytes, text, sizeof(text));
        cg_sim_set_text(row, "transfer_size", text);
        cg_sim_set_text(row, "type", r->type);
        cg_sim_set_text(row, "url", r->url);
        json_array_append_new(rows, row);
    }
    cg_sim_set_int(abuse, "critical", critical);
    cg_sim_set_int(abuse, "dangerous", dangerous);
    json_object_set_new(logs, "abuse_record", abuse);
    json_object_set_new(logs, "data", rows);
    return logs;
}

/* Returns true when resource i is the first one that uses its address. */
static bool first_with_ip(const struct cg_sim_page *page, size_t i)
{
    for (size_t j = 0; j < i; j++) {
        if (strcmp(page->resources[j].ip, page->resources[i].ip) == 0)
            return false;
    }
    return true;
}

static bool first_with_host(const struct cg_sim_page *page, size_t i)
{
    for (size_t j = 0; j < i; j++) {
        if (strcmp(page->resources[j].host, page->resources[i].host) == 0)
            return false;
    }
    return true;
}

json_t *cg_sim_page_connected_ip(const struct cg_sim_page *page)
{
    json_t *rows = json_array();

    for (size_t i = 0; i < page->count; i++) {
        json_t *row;

        if (!first_with_ip(page, i))
            continue;
        row = json_object();
        cg_sim_set_text(row, "ip", page->resources[i].ip);
        cg_sim_set_text(row, "score",
                        cg_sim_score_word(page->resources[i].score, false));
        json_array_append_new(rows, row);
    }
    return rows;
}

json_t *cg_sim_page_connected_ip_info(const struct cg_sim_page *page,
                                      const struct cg_sim_site *site)
{
    json_t *rows = json_array();

    for (size_t i = 0; i < page->count; i++) {
        const struct cg_sim_resource *r = &page->resources[i];
        json_t *domains;
        json_t *row;
        char asn[16];
        int count = 0;

        if (!first_with_ip(page, i))
            continue;
        domains = json_array();
        for (size_t j = i; j < page->count; j++) {
            json_t *domain;

            if (strcmp(page->resources[j].ip, r->ip) != 0)
                continue;
            count++;
            if (!first_with_host(page, j))
                continue;
            domain = json_object();
            cg_sim_set_text(domain, "domain", page->resources[j].host);
            json_array_append_new(domains, domain);
        }
        row = json_object();
        cg_sim_set_text(row, "as_name", r->as->as_name);
        /* This section carries the AS number as a string, unlike whois. */
        snprintf(asn, sizeof(asn), "%u", r->as->asn);
        cg_sim_set_text(row, "asn", asn);
        cg_sim_set_int(row, "cnt", count);
        cg_sim_set_text(row, "country", r->as->country);
        json_object_set_new(row, "domain_list", domains);
        cg_sim_set_text(row, "ip", r->ip);
        cg_sim_set_int(row, "redirect_cnt", i == 0 && site->https_redirect);
        cg_sim_set_text(row, "score", cg_sim_score_word(r->score, true));
        json_array_append_new(rows, row);
    }
    return rows;
}

json_t *cg_sim_page_connected_domains(const struct cg_sim_page *page)
{
    json_t *groups = json_array();

    for (size_t i = 0; i < page->count; i++) {
        char main_domain[CG_SIM_HOST_MAX + 1];
        json_t *group;
        json_t *main_object;
        json_t *subdomains = json_array();
        bool seen = false;

        cg_sim_main_domain(page->resources[i].host, main_domain,
                           sizeof(main_domain));
        for (size_t j = 0; j < i && !seen; j++) {
            char other[CG_SIM_HOST_MAX + 1];

            cg_sim_main_domain(page->resources[j].host, other, sizeof(other));
            seen = strcmp(other, main_domain) == 0;
        }
        if (seen) {
            json_decref(subdomains);
            continue;
        }
        for (size_t j = i; j < page->count; j++) {
            char other[CG_SIM_HOST_MAX + 1];
            json_t *entry;

            cg_sim_main_domain(page->resources[j].host, other, sizeof(other));
            if (strcmp(other, main_domain) != 0 || !first_with_host(page, j))
                continue;
            entry = json_object();
            cg_sim_set_text(entry, "domain", page->resources[j].host);
            json_array_append_new(subdomains, entry);
        }
        group = json_object();
        main_object = json_object();
        cg_sim_set_text(main_object, "domain", main_domain);
        json_object_set_new(group, "main_domain", main_object);
        json_object_set_new(group, "subdomains", subdomains);
        json_array_append_new(groups, group);
    }
    return groups;
}

json_t *cg_sim_page_link_domains(const struct cg_sim_page *page,
                                 int64_t report_time)
{
    json_t *rows = json_array();

    for (size_t i = 0; i < page->count; i++) {
        const struct cg_sim_resource *r = &page->resources[i];
        json_t *row;
        json_t *mapped;
        json_t *address;

        if (!first_with_host(page, i))
            continue;
        address = json_object();
        cg_sim_set_text(address, "as_name", r->as->as_name);
        cg_sim_set_text(address, "country", r->as->country);
        cg_sim_set_text(address, "ip", r->ip);
        cg_sim_set_text(address, "score", cg_sim_score_word(r->score, false));
        mapped = json_array();
        json_array_append_new(mapped, address);
        row = json_object();
        cg_sim_set_text(row, "domain", r->host);
        json_object_set_new(row, "mapped_ips", mapped);
        cg_sim_set_time(row, "nslookup_time", report_time);
        json_array_append_new(rows, row);
    }
    return rows;
}

json_t *cg_sim_page_frames(const struct cg_sim_page *page)
{
    json_t *frames = json_array();
    json_t *frame = json_object();

    cg_sim_set_text(frame, "frame_id", page->frame_id);
    cg_sim_set_int(frame, "transfer_cnt", (long long)page->count);
    cg_sim_set_text(frame, "url", page->resources[0].url);
    json_array_append_new(frames, frame);
    return frames;
}

json_t *cg_sim_page_countries(const struct cg_sim_page *page)
{
    json_t *countries = json_array();

    for (size_t i = 0; i < page->count; i++) {
        const char *country = page->resources[i].as->country;
        bool seen = false;
        size_t index;
        json_t *value;

        json_array_foreach(countries, index, value)
        {
            seen = seen || strcmp(json_string_value(value), country) == 0;
        }
        if (!seen)
            json_array_append_new(countries, json_string(country));
    }
    return countries;
}

json_t *cg_sim_page_networking_info(const struct cg_sim_page *page,
                                    const struct cg_sim_site *site,
                                    size_t cookies)
{
    json_t *info = json_object();
    json_t *countries = cg_sim_page_countries(page);
    char joined[64] = "";
    char traffic[32];
    long total = 0;
    size_t https = 0;
    size_t index;
    json_t *value;
    bool tls = site->target->https || site->https_redirect;

    json_array_foreach(countries, index, value)
    {
        if (index > 0)
            strncat(joined, ", ", sizeof(joined) - strlen(joined) - 1);
        strncat(joined, json_string_value(value),
                sizeof(joined) - strlen(joined) - 1);
    }
    json_decref(countries);
    for (size_t i = 0; i < page->count; i++) {
        total += page->resources[i].transfer_bytes;
        https += page->resources[i].https;
    }
    cg_sim_format_size(total, traffic, sizeof(traffic));
    cg_sim_set_text(info, "connected_countries", joined);
    cg_sim_set_int(info, "cookies", (long long)cookies);
    cg_sim_set_text(info, "encryption", tls ? "sha256WithRSAEncryption" : "");
    cg_sim_set_real(info, "https_percent",
                    page->count ? 100.0 * (double)https / (double)page->count
                                : 0.0);
    cg_sim_set_text(info, "tls_certificate", tls ? "TLS 1.3" : "");
    cg_sim_set_int(info, "transaction_count", (long long)page->count);
    cg_sim_set_text(info, "transfer_traffic", traffic);
    return info;
}
