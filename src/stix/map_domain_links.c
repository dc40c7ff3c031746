/*
 * The linked part of a domain report mapped to STIX: the addresses the
 * domain resolves to with their AS and country, the countries the page
 * talks to, certificates, redirect chains, linked domains, DNS records,
 * technologies, and the clustering properties of the domain (favicon and
 * JARM hashes, registrar, creation date).
 */
#include "core/json.h"
#include "stix/map.h"
#include "stix/map_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* At most this many rows of each source feed the address index. */
#define INDEX_ROWS_MAX 2000

/* Writes the canonical address of "1.2.3.4:443", "[2001:db8::1]:443" or
 * a bare address. */
static bool address_of(const char *text, char out[CG_IP_TEXT_SIZE])
{
    char host[64];
    const char *colon;
    size_t len;

    if (!text || strlen(text) >= sizeof(host))
        return false;
    if (text[0] == '[') {
        len = strcspn(text + 1, "]");
        snprintf(host, sizeof(host), "%.*s", (int)len, text + 1);
    } else if ((colon = strchr(text, ':')) && !strchr(colon + 1, ':')) {
        snprintf(host, sizeof(host), "%.*s", (int)(colon - text), text);
    } else {
        snprintf(host, sizeof(host), "%s", text);
    }
    return cg_ip_canonical(host, out) != CG_KIND_NONE;
}

/* Records the AS and country that a row gives for an address. When two
 * rows disagree, the first one read is kept. */
static void index_address(struct cg_mapper *m, json_t *index,
                          const char *address, const json_t *asn,
                          const char *as_name, const char *country)
{
    char ip[CG_IP_TEXT_SIZE];
    json_t *entry;

    if (!index || !address_of(address, ip))
        return;
    entry = json_object_get(index, ip);
    if (!entry) {
        entry = json_object();
        if (!entry || json_object_set_new(index, ip, entry)) {
            cg_map_fail(m);
            return;
        }
    }
    if ((json_is_integer(asn) || json_is_string(asn)) &&
        !json_object_get(entry, "asn"))
        cg_map_set(m, entry, "asn", json_deep_copy(asn));
    if (as_name && !json_object_get(entry, "as_name"))
        cg_map_set(m, entry, "as_name", json_string(as_name));
    if (country && !json_object_get(entry, "country"))
        cg_map_set(m, entry, "country", json_string(country));
}

static void index_rows(struct cg_mapper *m, json_t *index, const json_t *rows,
                       const char *ip_key, const char *asn_key)
{
    size_t i;
    json_t *row;

    json_array_foreach(rows, i, row) {
        const char *address = cg_map_str(row, ip_key);

        if (i >= INDEX_ROWS_MAX)
            break;
        index_address(m, index, address ? address : cg_map_str(row, "ip"),
                      asn_key ? json_object_get(row, asn_key) : NULL,
                      cg_map_str(row, "as_name"), cg_map_str(row, "country"));
    }
}

/* Builds the address index from every section that names AS or country
 * facts for an address. */
void cg_map_domain_ip_index(struct cg_mapper *m, struct cg_domain_facts *f)
{
    json_t *links = cg_json_arr(f->data, "html_page_link_domains");
    size_t i;
    json_t *link;

    f->ip_index = json_object();
    if (!f->ip_index) {
        cg_map_fail(m);
        return;
    }
    index_rows(m, f->ip_index, cg_json_arr(f->data, "connected_ip_info"), "ip",
               "asn");
    index_rows(m, f->ip_index, cg_json_rows(f->data, "network_logs"), "ip_port",
               "as_number");
    index_rows(m, f->ip_index, cg_json_arr(f->data, "mapped_ip"), "ip", NULL);
    json_array_foreach(links, i, link) {
        if (i >= INDEX_ROWS_MAX)
            break;
        index_rows(m, f->ip_index, cg_json_arr(link, "mapped_ips"), "ip", NULL);
    }
}

/*
 * Adds an address the report links to, with its AS (belongs-to) and
 * country (located-at) from the index. Returns the address, or NULL when
 * it is invalid, special-purpose or past the cap.
 */
static json_t *map_address(struct cg_mapper *m, struct cg_domain_facts *f,
                           const char *text)
{
    char ip[CG_IP_TEXT_SIZE];
    json_t *address;
    json_t *entry;

    if (!address_of(text, ip) || cg_ip_special_range(ip))
        return NULL;
    if (!cg_map_within(m, "addresses", f->ips_seen++, 0, CG_MAP_MAX_IPS))
        return NULL;
    address = cg_map_ip(m, ip);
    entry = json_object_get(f->ip_index, ip);
    if (!address || !entry)
        return address;
    cg_map_relate(m, "belongs-to", address,
                  cg_map_asn(m, json_object_get(entry, "asn"),
                             cg_json_str(entry, "as_name")),
                  NULL);
    cg_map_relate(m, "located-at", address,
                  cg_map_country(m, cg_json_str(entry, "country")), NULL);
    return address;
}

/* The address text of a list item: a plain string or an {"ip": ...}. */
static const char *item_address(const json_t *item)
{
    return json_is_string(item) ? json_string_value(item)
                                : cg_map_str(item, "ip");
}

/* Fills the summary's AS and country from the first resolved address. */
static void summarize_address(const struct cg_domain_facts *f, const char *text,
                              struct cg_summary *summary)
{
    char ip[CG_IP_TEXT_SIZE];
    json_t *entry;
    long long asn;
    const char *name;
    char code[3];

    if (summary->asn >= 0 || summary->country[0] || !address_of(text, ip) ||
        !(entry = json_object_get(f->ip_index, ip)))
        return;
    if (cg_asn_read(json_object_get(entry, "asn"), &asn))
        summary->asn = asn;
    if ((name = cg_json_str(entry, "as_name")))
        cg_map_copy_text(summary->as_name, sizeof(summary->as_name), name);
    if (cg_map_country_code(cg_json_str(entry, "country"), code))
        memcpy(summary->country, code, sizeof(code));
}

/* The domain resolves to the A and AAAA records and the mapped
 * addresses. */
void cg_map_domain_resolutions(struct cg_mapper *m, struct cg_domain_facts *f,
                               struct cg_summary *summary)
{
    json_t *a =
        cg_json_obj(cg_json_obj(f->data, "dns_record"), "dns_record_type_a");
    const json_t *lists[] = {cg_json_arr(a, "ipv4"), cg_json_arr(a, "ipv6"),
                             cg_json_arr(f->data, "mapped_ip")};
    static const char *const names[] = {"dns_record_type_a.ipv4",
                                        "dns_record_type_a.ipv6", "mapped_ip"};

    for (size_t l = 0; l < CG_ARRAY_LEN(lists); l++) {
        size_t i;
        json_t *item;

        json_array_foreach(lists[l], i, item) {
            const char *text = item_address(item);
            json_t *address;

            if (!cg_map_within(m, names[l], i, json_array_size(lists[l]),
                               CG_MAP_MAX_IPS))
                break;
            address = map_address(m, f, text);
            if (address)
                summarize_address(f, text, summary);
            cg_map_relate(m, "resolves-to", f->domain, address, NULL);
        }
    }
}

/* The countries the page talks to: Country locations related to the url
 * (or the domain when there is no url). */
void cg_map_domain_countries(struct cg_mapper *m, struct cg_domain_facts *f)
{
    json_t *listed = cg_json_arr(f->summary, "list_of_countries");
    const char *connected = cg_map_str(
        cg_json_obj(f->data, "page_networking_info"), "connected_countries");
    json_t *from = f->url ? f->url : f->host;
    size_t count = 0;
    size_t i;
    json_t *item;

    json_array_foreach(listed, i, item) {
        if (!cg_map_within(m, "countries", count++, 0, CG_MAP_MAX_COUNTRIES))
            break;
        cg_map_relate(m, "related-to", from,
                      cg_map_country(m, json_string_value(item)), NULL);
    }
    while (connected && *connected &&
           cg_map_within(m, "countries", count++, 0, CG_MAP_MAX_COUNTRIES)) {
        size_t len = strcspn(connected, ",");
        char code[64];

        /* Only a two-letter code or a country name is read, so a cut
         * field is never used. */
        snprintf(code, sizeof(code), "%.*s", (int)len, connected);
        cg_map_relate(m, "related-to", from,
                      cg_map_country(m, code + strspn(code, " ")), NULL);
        connected += len;
        connected += *connected == ',';
    }
}

/* Maps one certificate object of the report: main_certificate uses
 * startdate/enddate, certificates[] valid_from/valid_to. */
static void map_certificate(struct cg_mapper *m, struct cg_domain_facts *f,
                            const json_t *cert)
{
    const char *subject = cg_map_str(cert, "subject");
    struct cg_x509_fields fields = {0};
    char subject_dn[1100];
    char not_before[CG_TIME_TEXT_SIZE];
    char not_after[CG_TIME_TEXT_SIZE];
    const char *from = cg_map_str(cert, "valid_from");
    const char *to = cg_map_str(cert, "valid_to");

    if (!subject || strlen(subject) > 1024)
        return;
    /* The report gives the subject's common name alone, e.g.
     * "*.apis.google.com"; it is written as a distinguished name. */
    snprintf(subject_dn, sizeof(subject_dn), "%s%s",
             strchr(subject, '=') ? "" : "CN=", subject);
    fields.subject = subject_dn;
    fields.issuer = cg_map_str(cert, "issuer");
    fields.signature_algorithm = cg_map_str(cert, "signed_algorithm");
    if (cg_x509_parse_time(from ? from : cg_map_str(cert, "startdate"),
                           not_before))
        fields.not_before = not_before;
    if (cg_x509_parse_time(to ? to : cg_map_str(cert, "enddate"), not_after))
        fields.not_after = not_after;
    cg_map_relate(m, "related-to", f->host, cg_map_certificate(m, &fields),
                  NULL);
}

void cg_map_domain_certificates(struct cg_mapper *m, struct cg_domain_facts *f)
{
    static const struct cg_map_column columns[] = {
        {"subject", NULL, CG_MAP_CELL_CODE},
        {"issuer", NULL, CG_MAP_CELL_TEXT},
        {"valid_from", "startdate", CG_MAP_CELL_TEXT},
        {"valid_to", "enddate", CG_MAP_CELL_TEXT},
        {"signed_algorithm", "protocol", CG_MAP_CELL_TEXT},
    };
    json_t *main_cert = cg_json_obj(f->data, "main_certificate");
    json_t *certs = cg_json_arr(f->data, "certificates");
    json_t *all = json_array();
    size_t i;
    json_t *cert;

    if (!all || (main_cert && json_array_append(all, main_cert))) {
        json_decref(all);
        cg_map_fail(m);
        return;
    }
    json_array_foreach(certs, i, cert) {
        if (!cg_map_within(m, "certificates", i, json_array_size(certs),
                           CG_MAP_MAX_CERTS))
            break;
        if (json_array_append(all, cert))
            cg_map_fail(m);
    }
    json_array_foreach(all, i, cert) {
        map_certificate(m, f, cert);
    }
    cg_map_note_table(m, all, "certificate notes", "Certificates",
                      "| Subject | Issuer | Valid from | Valid to | "
                      "Algorithm or protocol |",
                      columns, CG_ARRAY_LEN(columns));
    json_decref(all);
}

/* The hops of one redirect chain, linked in order. */
static void map_chain(struct cg_mapper *m, struct cg_domain_facts *f,
                      const json_t *chain, size_t number)
{
    json_t *previous = NULL;
    long long previous_status = 0;
    size_t i;
    json_t *hop;

    json_array_foreach(chain, i, hop) {
        json_t *url;
        char text[96];
        long long status;

        if (!cg_map_within(m, "redirect hops", i, json_array_size(chain),
                           CG_MAP_MAX_HOPS))
            break;
        url = cg_map_url(m, cg_map_str(hop, "url"));
        if (!url)
            continue;
        if (!previous) {
            snprintf(text, sizeof(text), "redirect chain %zu starts here",
                     number);
            cg_map_relate(m, "related-to", f->url ? f->url : f->host, url,
                          text);
        } else if (previous_status > 0) {
            snprintf(text, sizeof(text),
                     "redirect hop %zu \xe2\x86\x92 %zu (HTTP %lld)", i, i + 1,
                     previous_status);
            cg_map_relate(m, "related-to", previous, url, text);
        } else {
            snprintf(text, sizeof(text), "redirect hop %zu \xe2\x86\x92 %zu", i,
                     i + 1);
            cg_map_relate(m, "related-to", previous, url, text);
        }
        previous = url;
        previous_status =
            cg_json_int(hop, "status", &status) && status > 0 && status < 1000
                ? status
                : 0;
    }
}

/* page_redirections is a list of chains. A flat list of hops is read as
 * one chain. */
void cg_map_domain_redirects(struct cg_mapper *m, struct cg_domain_facts *f)
{
    static const struct cg_map_column columns[] = {
        {"status", NULL, CG_MAP_CELL_NUMBER},
        {"url", NULL, CG_MAP_CELL_CODE},
        {"as_name", NULL, CG_MAP_CELL_TEXT},
        {"country_code", NULL, CG_MAP_CELL_TEXT},
    };
    json_t *chains = cg_json_arr(f->data, "page_redirections");
    size_t i;
    json_t *chain;

    if (json_is_object(json_array_get(chains, 0))) {
        map_chain(m, f, chains, 1);
        cg_map_note_table(m, chains, "redirect notes", "Redirect chain",
                          "| Status | URL | AS | Country |", columns,
                          CG_ARRAY_LEN(columns));
        return;
    }
    json_array_foreach(chains, i, chain) {
        char title[48];

        if (!cg_map_within(m, "redirect chains", i, json_array_size(chains),
                           CG_MAP_MAX_CHAINS))
            break;
        map_chain(m, f, chain, i + 1);
        snprintf(title, sizeof(title), "Redirect chain %zu", i + 1);
        cg_map_note_table(
            m, json_is_array(chain) ? chain : NULL, "redirect notes", title,
            "| Status | URL | AS | Country |", columns, CG_ARRAY_LEN(columns));
    }
}

/* Adds a domain the report links to the main domain, or NULL. */
static json_t *map_linked_domain(struct cg_mapper *m, struct cg_domain_facts *f,
                                 const char *name, const char *description)
{
    json_t *domain;

    if (!name)
        return NULL;
    if (!cg_map_within(m, "linked domains", f->domains_seen++, 0,
                       CG_MAP_MAX_DOMAINS))
        return NULL;
    domain = cg_map_domain_name(m, name, NULL);
    cg_map_relate(m, "related-to", f->domain ? f->domain : f->host, domain,
                  description);
    return domain;
}

/* Domains the page links to (with the addresses they resolve to) and
 * the connected domains with their subdomains. */
void cg_map_domain_linked_domains(struct cg_mapper *m,
                                  struct cg_domain_facts *f)
{
    json_t *links = cg_json_arr(f->data, "html_page_link_domains");
    json_t *groups = cg_json_arr(f->data, "connected_domain_subdomain");
    size_t i;
    json_t *row;

    json_array_foreach(links, i, row) {
        json_t *domain = map_linked_domain(m, f, cg_map_str(row, "domain"),
                                           "linked from the page");
        json_t *ips = cg_json_arr(row, "mapped_ips");
        size_t j;
        json_t *ip;

        if (!domain)
            continue;
        json_array_foreach(ips, j, ip) {
            if (!cg_map_within(m, "html_page_link_domains.mapped_ips", j,
                               json_array_size(ips), 20))
                break;
            cg_map_relate(m, "resolves-to", domain,
                          map_address(m, f, item_address(ip)), NULL);
        }
    }
    json_array_foreach(groups, i, row) {
        json_t *subdomains = cg_json_arr(row, "subdomains");
        size_t j;
        json_t *sub;

        map_linked_domain(m, f,
                          cg_map_str(cg_json_obj(row, "main_domain"), "domain"),
                          "connected domain");
        json_array_foreach(subdomains, j, sub) {
            if (j >= CG_MAP_MAX_DOMAINS)
                break;
            map_linked_domain(m, f, cg_map_str(sub, "domain"),
                              "connected subdomain");
        }
    }
}

/*
 * Calls fn for each host name of a DNS record list, which the report
 * writes as strings, lists of strings (MX) or objects with a "domain".
 * An MX value "10 mx.example.com" yields the host after the priority.
 */
static void each_record(struct cg_mapper *m, struct cg_domain_facts *f,
                        const json_t *list, const char *type,
                        void (*fn)(struct cg_mapper *, struct cg_domain_facts *,
                                   const char *, const char *))
{
    size_t i;
    json_t *item;

    json_array_foreach(list, i, item) {
        if (i >= CG_MAP_MAX_DOMAINS)
            break;
        if (json_is_array(item)) {
            each_record(m, f, item, type, fn);
        } else {
            const char *text = json_is_string(item)
                                   ? json_string_value(item)
                                   : cg_map_str(item, "domain");
            const char *space = text ? strrchr(text, ' ') : NULL;

            if (text)
                fn(m, f, space ? space + 1 : text, type);
        }
    }
}

static void map_record(struct cg_mapper *m, struct cg_domain_facts *f,
                       const char *name, const char *type)
{
    char description[16];
    json_t *target;

    if (!cg_map_within(m, "linked domains", f->domains_seen++, 0,
                       CG_MAP_MAX_DOMAINS))
        return;
    target = cg_map_domain_name(m, name, NULL);
    snprintf(description, sizeof(description), "%s record", type);
    /* A CNAME is an alias, which OpenCTI models as Domain resolves-to
     * Domain; MX and NS name other servers, which only related-to fits. */
    cg_map_relate(m, strcmp(type, "CNAME") == 0 ? "resolves-to" : "related-to",
                  f->domain, target, description);
    cg_map_note(m, "| %s | ", type);
    cg_map_note_code(m, name);
    cg_map_note(m, " |\n");
}

static void note_address_record(struct cg_mapper *m, const char *name,
                                const char *type)
{
    cg_map_note(m, "| %s | ", type);
    cg_map_note_code(m, name);
    cg_map_note(m, " |\n");
}

void cg_map_domain_dns(struct cg_mapper *m, struct cg_domain_facts *f)
{
    json_t *dns = cg_json_obj(f->data, "dns_record");
    json_t *a = cg_json_obj(dns, "dns_record_type_a");
    json_t *v4 = cg_json_arr(a, "ipv4");
    json_t *v6 = cg_json_arr(a, "ipv6");
    size_t i;
    json_t *item;

    if (!dns)
        return;
    cg_map_note(m, "\n## DNS records\n\n| Type | Value |\n|---|---|\n");
    json_array_foreach(v4, i, item) {
        if (i >= CG_MAP_MAX_NOTE_ROWS)
            break;
        note_address_record(m, item_address(item), "A");
    }
    json_array_foreach(v6, i, item) {
        if (i >= CG_MAP_MAX_NOTE_ROWS)
            break;
        note_address_record(m, item_address(item), "AAAA");
    }
    each_record(m, f, cg_json_arr(dns, "dns_record_type_cname"), "CNAME",
                map_record);
    each_record(m, f, cg_json_arr(dns, "dns_record_type_mx"), "MX", map_record);
    each_record(m, f, cg_json_arr(dns, "dns_record_type_ns"), "NS", map_record);
}

/* Technologies: software related to the url (or the domain), and the
 * count of their CVEs. */
void cg_map_domain_technologies(struct cg_mapper *m, struct cg_domain_facts *f)
{
    json_t *techs = cg_json_arr(f->data, "technologies");
    json_t *from = f->url ? f->url : f->host;
    size_t i;
    json_t *tech;

    json_array_foreach(techs, i, tech) {
        json_t *cves = cg_json_arr(tech, "vulner");
        json_t *categories = cg_json_arr(tech, "categories");
        size_t j;
        json_t *category;

        /* Saturates instead of overflowing on a hostile report. */
        f->cve_count = json_array_size(cves) > (size_t)(INT_MAX - f->cve_count)
                           ? INT_MAX
                           : f->cve_count + (int)json_array_size(cves);
        if (!cg_map_within(m, "technologies", f->software_seen++,
                           json_array_size(techs), CG_MAP_MAX_SOFTWARE))
            continue;
        cg_map_relate(m, "related-to", from,
                      cg_map_software(m, cg_map_str(tech, "name"),
                                      cg_map_str(tech, "version")),
                      NULL);
        if (i >= CG_MAP_MAX_NOTE_ROWS)
            continue;
        if (i == 0)
            cg_map_note(m, "\n## Technologies\n\n| Technology | Version | "
                           "Categories | CVEs |\n|---|---|---|---|\n");
        cg_map_note(m, "| ");
        cg_map_note_text(m, cg_map_str(tech, "name"));
        cg_map_note(m, " | ");
        cg_map_note_text(m, cg_map_str(tech, "version"));
        cg_map_note(m, " |");
        json_array_foreach(categories, j, category) {
            if (j >= 5)
                break;
            cg_map_note(m, j ? ", " : " ");
            cg_map_note_text(m, json_string_value(category));
        }
        cg_map_note(m, " | %zu |\n", json_array_size(cves));
    }
}

/* Adds a favicon hash (a string or an mmh3 integer) to hashes. */
static void add_hash(struct cg_mapper *m, json_t *hashes, const json_t *hash)
{
    char text[32];
    const char *value = json_string_value(hash);

    if (json_is_integer(hash)) {
        snprintf(text, sizeof(text), "%lld",
                 (long long)json_integer_value(hash));
        value = text;
    }
    if (!value || !*value || strlen(value) > 128 ||
        json_array_size(hashes) >= CG_MAP_MAX_HASHES ||
        strspn(value, "0123456789abcdefABCDEF-+/=") != strlen(value))
        return;
    for (size_t i = 0; i < json_array_size(hashes); i++) {
        if (strcmp(json_string_value(json_array_get(hashes, i)), value) == 0)
            return;
    }
    if (json_array_append_new(hashes, json_string(value)))
        cg_map_fail(m);
}

/*
 * Properties for clustering campaigns later: favicon hashes and the JARM
 * fingerprint, plus the registrar and the registration date, on the
 * domain.
 */
void cg_map_domain_properties(struct cg_mapper *m, struct cg_domain_facts *f)
{
    json_t *favicons = cg_json_arr(f->info, "favicon");
    json_t *hashes = json_array();
    const char *jarm = cg_map_str(f->info, "jarm");
    char created[CG_TIME_TEXT_SIZE];
    size_t i;
    json_t *favicon;

    if (!hashes)
        cg_map_fail(m);
    json_array_foreach(favicons, i, favicon) {
        if (i >= CG_MAP_MAX_HASHES)
            break;
        add_hash(m, hashes,
                 json_is_object(favicon) ? json_object_get(favicon, "hash")
                                         : favicon);
    }
    if (json_array_size(hashes))
        cg_map_set(m, f->domain, "x_criminalip_favicon_hashes",
                   json_incref(hashes));
    json_decref(hashes);
    if (jarm && strlen(jarm) <= 64 &&
        strspn(jarm, "0123456789abcdefABCDEF") == strlen(jarm))
        cg_map_set(m, f->domain, "x_criminalip_jarm", json_string(jarm));
    if (cg_map_str(f->info, "domain_registrar") &&
        strlen(cg_map_str(f->info, "domain_registrar")) <= CG_MAP_NAME_MAX)
        cg_map_set_text(m, f->domain, "x_criminalip_registrar",
                        cg_map_str(f->info, "domain_registrar"));
    if (cg_x509_parse_time(cg_map_str(f->info, "domain_created"), created))
        cg_map_set(m, f->domain, "x_criminalip_created", json_string(created));
}
