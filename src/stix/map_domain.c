/*
 * Mapping of a Criminal IP domain report to STIX. Three shapes are read
 * field by field rather than by version: the full report (the "data"
 * object of /v2/domain/report/{id}), the older v1 full report (list
 * network_logs, domain_score_new, favicon objects) and the lite report
 * (domain_score "20% (Safe)", plain address strings).
 *
 * The result is the domain or URL with its score, labels and description,
 * and the addresses it resolves to with their AS and country. Certificates,
 * the redirect chain, linked domains, DNS records and technologies follow,
 * then a phishing indicator when the report warrants one and one note with
 * the detail.
 */
#include "core/json.h"
#include "stix/map.h"
#include "stix/map_internal.h"
#include "stix/pattern.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* At most this many rows of each source feed the address index. */
#define INDEX_ROWS_MAX 2000

struct domain_facts {
    const struct cg_indicator *ind;
    const json_t *data;
    const json_t *summary; /* data.summary */
    const json_t *info;    /* data.main_domain_info */
    const char *shape;     /* "full", "v1" or "lite" */
    const char *score_word;
    int score_percent; /* -1 when unknown */
    bool has_prob;
    double prob; /* url_phishing_prob, clamped to 0..100 */
    long long phishing_records;
    long long suspicious_files;
    bool impersonation;
    json_t *ip_index; /* canonical address -> {asn, as_name, country} */
    json_t *host;     /* domain-name or address of the indicator's host */
    json_t *domain;   /* host when it is a domain-name, else NULL */
    json_t *url;      /* the url observable, or NULL */
    size_t ips_seen;
    size_t domains_seen;
    size_t software_seen;
    int cve_count;
};

/* Accepts the full envelope too, whose "data" member is the report. */
static const json_t *report_body(const json_t *data)
{
    json_t *inner = cg_json_obj(data, "data");

    if (inner && !cg_json_obj(data, "main_domain_info") &&
        !cg_json_obj(data, "summary"))
        return inner;
    return data;
}

static const char *detect_shape(const json_t *data)
{
    if (json_is_string(json_object_get(data, "domain_score")))
        return "lite";
    if (cg_json_arr(data, "network_logs") ||
        json_object_get(data, "domain_score_new") ||
        json_object_get(cg_json_obj(data, "main_domain_info"),
                        "domain_score_new"))
        return "v1";
    return "full";
}

/* Reads "20% (Safe)": the word in brackets and the leading percentage. */
static const char *parse_score_text(const char *text, int *percent)
{
    const char *open = text ? strchr(text, '(') : NULL;
    const char *close = open ? strchr(open, ')') : NULL;
    json_t *word;
    const char *found;
    char *end;
    long value;

    if (!open || !close)
        return NULL;
    value = strtol(text, &end, 10);
    if (end != text && *end == '%' && value >= 0 && value <= 100)
        *percent = (int)value;
    word = json_stringn(open + 1, (size_t)(close - open - 1));
    found = cg_score_word(word);
    json_decref(word);
    return found;
}

/* The domain score word from whichever shape the report has. */
static void read_domain_score(const json_t *data, const json_t *info,
                              struct domain_facts *f)
{
    const json_t *sources[] = {
        json_object_get(info, "domain_score"),
        json_object_get(data, "domain_score"),
        json_object_get(data, "domain_score_new"),
        json_object_get(info, "domain_score_new"),
    };
    long long percent;

    for (size_t i = 0; i < CG_ARRAY_LEN(sources) && !f->score_word; i++) {
        const json_t *score = sources[i];

        if (json_is_string(score)) {
            f->score_word =
                parse_score_text(json_string_value(score), &f->score_percent);
        } else if (json_is_object(score)) {
            f->score_word = cg_score_word(json_object_get(score, "score"));
            if (cg_json_int(score, "score_percentage", &percent) &&
                percent >= 0 && percent <= 100)
                f->score_percent = (int)percent;
        }
    }
}

static void read_facts(const json_t *data, struct domain_facts *f)
{
    double prob;

    f->data = data;
    f->summary = cg_json_obj(data, "summary");
    f->info = cg_json_obj(data, "main_domain_info");
    f->shape = detect_shape(data);
    f->score_percent = -1;
    read_domain_score(data, f->info, f);
    if (cg_json_real(f->summary, "url_phishing_prob", &prob)) {
        f->has_prob = true;
        if (prob < 0)
            prob = 0;
        if (prob > 100)
            prob = 100;
        f->prob = prob;
    }
    if (!cg_json_int(f->summary, "phishing_record", &f->phishing_records))
        f->phishing_records = 0;
    if (!cg_json_int(f->summary, "suspicious_file", &f->suspicious_files))
        f->suspicious_files = 0;
}

/*
 * A phishing indicator is emitted when url_phishing_prob reaches the
 * threshold, or when the report counts a phishing record or a suspicious
 * file. Its score is the rounded probability, or 70 when the report has
 * none.
 */
static bool is_phishing(const struct domain_facts *f, double threshold)
{
    return (f->has_prob && f->prob >= threshold) || f->phishing_records > 0 ||
           f->suspicious_files > 0;
}

static int phishing_score(const struct domain_facts *f)
{
    return f->has_prob ? (int)lround(f->prob) : 70;
}

/* Labels that describe how the page impersonates another site. */
static void label_impersonation(struct cg_mapper *m, json_t *obj,
                                struct domain_facts *f)
{
    static const struct {
        const char *key;
        const char *label;
    } flags[] = {
        {"fake_domain", "fake-domain"},
        {"punycode", "punycode"},
        {"fake_https_url", "fake-https"},
        {"symbol_url", "symbol-url"},
    };
    const char *favicon = cg_map_str(f->summary, "diff_domain_favicon");

    for (size_t i = 0; i < CG_ARRAY_LEN(flags); i++) {
        if (cg_json_is_true(f->summary, flags[i].key)) {
            cg_map_label(m, obj, flags[i].label);
            f->impersonation = true;
        }
    }
    if (favicon && strcasecmp(favicon, "Safe") != 0) {
        cg_map_label(m, obj, "favicon-mismatch");
        f->impersonation = true;
    }
    if (cg_json_is_true(cg_json_obj(f->summary, "fake_ssl"), "invalid")) {
        cg_map_label(m, obj, "invalid-certificate");
        f->impersonation = true;
    }
    if (f->impersonation)
        cg_map_label(m, obj, "impersonation");
}

/* Labels for the threat signals of the report's summary. */
static void label_threats(struct cg_mapper *m, json_t *obj,
                          struct domain_facts *f, bool phishing)
{
    const char *cred = cg_map_str(f->summary, "cred_input");
    double dga;

    if (phishing)
        cg_map_label(m, obj, "phishing");
    if (cred && (strcasecmp(cred, "Suspicious") == 0 ||
                 strcasecmp(cred, "Dangerous") == 0))
        cg_map_label(m, obj, "credential-harvesting");
    if (f->suspicious_files > 0)
        cg_map_label(m, obj, "suspicious-file");
    label_impersonation(m, obj, f);
    if (cg_map_str(f->summary, "newborn_domain"))
        cg_map_label(m, obj, "newborn-domain");
    /* NOTE: Criminal IP does not document the dga_score scale. A score of
     * 8 or more is taken as a generated name. */
    if ((cg_json_real(f->summary, "dga_score", &dga) ||
         cg_json_real(cg_json_obj(f->data, "classification"), "dga_score",
                      &dga)) &&
        dga >= 8)
        cg_map_label(m, obj, "dga");
}

/* Labels "file-exposure-<key>" for each exposed file kind. */
static void label_exposure(struct cg_mapper *m, json_t *obj, const json_t *data)
{
    json_t *exposure = cg_json_obj(data, "file_exposure");
    const char *key;
    json_t *value;
    size_t count = 0;

    json_object_foreach(exposure, key, value) {
        char label[80];
        char kind[64];
        bool exposed;

        if (count++ >= 32)
            break;
        if (!cg_json_to_bool(value, &exposed) || !exposed ||
            !cg_map_label_from_text(key, kind, sizeof(kind)))
            continue;
        snprintf(label, sizeof(label), "file-exposure-%s", kind);
        cg_map_label(m, obj, label);
    }
}

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
static void build_ip_index(struct cg_mapper *m, struct domain_facts *f)
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
static json_t *map_address(struct cg_mapper *m, struct domain_facts *f,
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
static void summarize_address(const struct domain_facts *f, const char *text,
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
static void map_resolutions(struct cg_mapper *m, struct domain_facts *f,
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
static void map_countries(struct cg_mapper *m, struct domain_facts *f)
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
static void map_certificate(struct cg_mapper *m, struct domain_facts *f,
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

static void map_certificates(struct cg_mapper *m, struct domain_facts *f)
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
static void map_chain(struct cg_mapper *m, struct domain_facts *f,
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
static void map_redirects(struct cg_mapper *m, struct domain_facts *f)
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
static json_t *map_linked_domain(struct cg_mapper *m, struct domain_facts *f,
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
static void map_linked_domains(struct cg_mapper *m, struct domain_facts *f)
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
static void each_record(struct cg_mapper *m, struct domain_facts *f,
                        const json_t *list, const char *type,
                        void (*fn)(struct cg_mapper *, struct domain_facts *,
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

static void map_record(struct cg_mapper *m, struct domain_facts *f,
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

static void map_dns(struct cg_mapper *m, struct domain_facts *f)
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
static void map_technologies(struct cg_mapper *m, struct domain_facts *f)
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
static void map_domain_properties(struct cg_mapper *m, struct domain_facts *f)
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

/* The indicator's description: why it was emitted. */
static void describe_indicator(struct cg_mapper *m,
                               const struct domain_facts *f, json_t *ind,
                               double threshold)
{
    struct cg_buf text = CG_BUF_INIT;

    if (f->has_prob)
        cg_map_buf_printf(m, &text,
                          "Criminal IP rates the phishing probability at "
                          "%.2f%% (threshold %.2f%%).",
                          f->prob, threshold);
    else
        cg_map_buf_printf(m, &text,
                          "The report has no phishing probability. The "
                          "score 70 is the default for a phishing record or "
                          "suspicious file.");
    if (f->phishing_records > 0)
        cg_map_buf_printf(m, &text, " Phishing records: %lld.",
                          f->phishing_records);
    if (f->suspicious_files > 0)
        cg_map_buf_printf(m, &text, " Suspicious files: %lld.",
                          f->suspicious_files);
    cg_map_describe(m, ind, cg_buf_str(&text));
    cg_buf_release(&text);
}

/* Copies the observable's labels onto the indicator. */
static void copy_labels(struct cg_mapper *m, const json_t *from, json_t *to)
{
    json_t *labels = json_object_get(from, "x_opencti_labels");
    size_t i;
    json_t *label;

    json_array_foreach(labels, i, label) {
        cg_map_label(m, to, json_string_value(label));
    }
}

static void map_phishing_indicator(struct cg_mapper *m, struct domain_facts *f)
{
    const char *value = json_string_value(json_object_get(m->subject, "value"));
    struct cg_buf pattern = CG_BUF_INIT;
    char name[256];
    json_t *ind = NULL;
    int score = phishing_score(f);

    if (m->rc != CG_OK || !value)
        return;
    if (cg_pattern_for_value(cg_stix_get_type(m->subject), value, &pattern) !=
        CG_OK)
        cg_map_fail(m);
    snprintf(name, sizeof(name), "Criminal IP: phishing %.*s",
             (int)cg_map_utf8_cut(value, 200), value);
    if (m->rc == CG_OK)
        ind =
            cg_map_add(m, cg_stix_indicator(m->ctx, cg_buf_str(&pattern), name,
                                            cg_stix_opencti_type(m->subject)));
    cg_buf_release(&pattern);
    m->indicator = ind;
    cg_map_add_value_ref(m, ind);
    cg_map_score(m, ind, score);
    /* phishing_score() is already within 0..100 because prob is. */
    cg_map_set(m, ind, "confidence", json_integer(score));
    cg_map_set(m, ind, "indicator_types",
               json_pack("[s]", "malicious-activity"));
    /* A report can trigger the indicator through a phishing record alone
     * while its probability stays low (google.com has one). Such an
     * indicator stays in the graph but is not pushed to detection. */
    if (f->has_prob && f->prob < m->opts->phishing_threshold)
        cg_map_set(m, ind, "x_opencti_detection", json_false());
    describe_indicator(m, f, ind, m->opts->phishing_threshold);
    copy_labels(m, m->subject, ind);
    cg_map_relate(m, "based-on", ind, m->subject, NULL);
    cg_map_relate(
        m, "indicates", ind,
        cg_map_add(m, cg_stix_attack_pattern(m->ctx, "T1566", "Phishing")),
        NULL);
    if (f->impersonation)
        cg_map_relate(m, "indicates", ind,
                      cg_map_add(m, cg_stix_attack_pattern(m->ctx, "T1656",
                                                           "Impersonation")),
                      NULL);
}

/* Appends "| name | text |" with text escaped. */
static void note_field(struct cg_mapper *m, const char *name, const char *text)
{
    if (!text)
        return;
    cg_map_note(m, "| %s | ", name);
    cg_map_note_text(m, text);
    cg_map_note(m, " |\n");
}

static void note_summary(struct cg_mapper *m, const struct domain_facts *f,
                         long long scan_id, bool phishing)
{
    const json_t *s = f->summary;
    const json_t *abuse = cg_json_obj(s, "abuse_record");
    long long count;
    double number;

    cg_map_note(m, "# Criminal IP report for ");
    cg_map_note_code(m, f->ind->value);
    cg_map_note(m,
                "\n\n| Field | Value |\n|---|---|\n"
                "| Report shape | %s |\n",
                f->shape);
    if (scan_id >= 0)
        cg_map_note(m, "| Scan id | %lld |\n", scan_id);
    note_field(m, "Report time", cg_map_str(f->data, "report_time"));
    note_field(m, "Title", cg_map_str(f->info, "title"));
    if (f->score_word)
        cg_map_note(m, "| Domain score | %s |\n", f->score_word);
    if (f->score_percent >= 0)
        cg_map_note(m, "| Domain score percentage | %d |\n", f->score_percent);
    if (f->has_prob)
        cg_map_note(m, "| Phishing probability | %.2f%% |\n", f->prob);
    cg_map_note(m, "| Verdict | %s |\n",
                phishing ? "phishing indicator emitted"
                         : "no phishing indicator");
    cg_map_note(m, "| Phishing records | %lld |\n| Suspicious files | %lld |\n",
                f->phishing_records, f->suspicious_files);
    note_field(m, "Credential input", cg_map_str(s, "cred_input"));
    note_field(m, "Favicon", cg_map_str(s, "diff_domain_favicon"));
    if (cg_json_real(s, "dga_score", &number))
        cg_map_note(m, "| DGA score | %.3f |\n", number);
    note_field(m, "Newborn domain", cg_map_str(s, "newborn_domain"));
    note_field(m, "Registrar", cg_map_str(f->info, "domain_registrar"));
    note_field(m, "Created", cg_map_str(f->info, "domain_created"));
    note_field(m, "JARM", cg_map_str(f->info, "jarm"));
    if (cg_json_int(abuse, "critical", &count))
        cg_map_note(m, "| Critical abuse records | %lld |\n", count);
    if (cg_json_int(abuse, "dangerous", &count))
        cg_map_note(m, "| Dangerous abuse records | %lld |\n", count);
}

/* Exposed files and the programs detected on the page. */
static void note_findings(struct cg_mapper *m, const struct domain_facts *f)
{
    static const char *const programs[] = {"program_data_in_html_source",
                                           "program_data_with_access"};
    json_t *exposure = cg_json_obj(f->data, "file_exposure");
    json_t *detected = cg_json_obj(f->data, "detected_program");
    const char *key;
    json_t *value;
    bool header = false;

    json_object_foreach(exposure, key, value) {
        bool exposed;

        if (!cg_json_to_bool(value, &exposed) || !exposed)
            continue;
        if (!header)
            cg_map_note(m, "\n## Exposed files\n\n");
        header = true;
        cg_map_note(m, "- ");
        cg_map_note_code(m, key);
        cg_map_note(m, "\n");
    }
    for (size_t p = 0; p < CG_ARRAY_LEN(programs); p++) {
        json_t *items = cg_json_arr(detected, programs[p]);
        size_t i;
        json_t *item;

        if (json_array_size(items))
            cg_map_note(m, "\n## Detected programs (%s)\n\n", programs[p]);
        json_array_foreach(items, i, item) {
            char *text;

            if (i >= 20)
                break;
            text = json_dumps(item, JSON_COMPACT | JSON_ENCODE_ANY);
            cg_map_note(m, "- ");
            cg_map_note_code(m, text);
            cg_map_note(m, "\n");
            free(text);
        }
    }
}

static void note_connections(struct cg_mapper *m, const struct domain_facts *f)
{
    static const struct cg_map_column columns[] = {
        {"ip", NULL, CG_MAP_CELL_CODE},
        {"asn", NULL, CG_MAP_CELL_NUMBER},
        {"as_name", NULL, CG_MAP_CELL_TEXT},
        {"country", NULL, CG_MAP_CELL_TEXT},
        {"score", NULL, CG_MAP_CELL_TEXT},
    };

    cg_map_note_table(m, cg_json_arr(f->data, "connected_ip_info"),
                      "connected_ip_info", "Connected addresses",
                      "| Address | ASN | AS | Country | Score |", columns,
                      CG_ARRAY_LEN(columns));
}

/* Appends " <name>: <text>." with text escaped, unless text is NULL. The
 * full stop is left out when text already ends with one. */
static void append_field(struct cg_mapper *m, struct cg_buf *buf,
                         const char *name, const char *text)
{
    if (!text)
        return;
    cg_map_buf_printf(m, buf, " %s: ", name);
    cg_map_escape_text(m, buf, text);
    if (text[strlen(text) - 1] != '.')
        cg_map_buf_printf(m, buf, ".");
}

/* One paragraph: domain score, phishing probability, registration and
 * flags. */
static void describe_value(struct cg_mapper *m, const struct domain_facts *f,
                           const struct cg_summary *summary)
{
    const char *registrar = cg_map_str(f->info, "domain_registrar");
    const char *created = cg_map_str(f->info, "domain_created");
    struct cg_buf text = CG_BUF_INIT;

    cg_map_buf_printf(m, &text, "Criminal IP domain score %s",
                      f->score_word ? f->score_word : "unknown");
    if (f->score_percent >= 0)
        cg_map_buf_printf(m, &text, " (%d%%)", f->score_percent);
    if (f->has_prob)
        cg_map_buf_printf(m, &text, "; phishing probability %.2f%%", f->prob);
    cg_map_buf_printf(m, &text, ".");
    append_field(m, &text, "Registrar", registrar);
    append_field(m, &text, "Created", created);
    cg_map_describe_flags(m, &text, summary->flags);
    cg_map_describe(m, m->subject, cg_buf_str(&text));
    cg_buf_release(&text);
}

/* x_opencti_score: the larger of the rounded phishing probability and
 * the outbound-table value of the domain score word. */
static int value_score(const struct domain_facts *f)
{
    int score = f->has_prob ? (int)lround(f->prob) : 0;
    int points = cg_map_outbound_points(f->score_word);

    return points > score ? points : score;
}

/* True when url's host (before any port, path, query or fragment) is
 * host, in any case. */
static bool url_has_host(const char *url, const char *host)
{
    const char *start = url ? strstr(url, "://") : NULL;
    size_t len;

    if (!start || !host)
        return false;
    start += 3;
    len = strcspn(start, ":/?#");
    return len == strlen(host) && strncasecmp(start, host, len) == 0;
}

/* Creates the host, url and subject observables and links them. For a
 * domain, the url is the report's inserted URL when it is on that domain. */
static void map_subject(struct cg_mapper *m, struct domain_facts *f,
                        long long scan_id)
{
    const struct cg_indicator *ind = f->ind;

    f->host = cg_map_host(m, ind);
    if (f->host && strcmp(cg_stix_get_type(f->host), "domain-name") == 0)
        f->domain = f->host;
    if (ind->kind == CG_KIND_URL)
        f->url = cg_map_url_subject(m, ind);
    else if (ind->kind == CG_KIND_DOMAIN &&
             url_has_host(cg_map_str(f->info, "inserted_url"), ind->host))
        f->url = cg_map_url(m, cg_map_str(f->info, "inserted_url"));
    m->subject = ind->kind == CG_KIND_URL ? f->url : f->host;
    cg_map_domain_ref(m, ind->value, scan_id);
    cg_map_add_value_ref(m, m->subject);
    /* OpenCTI accepts only related-to from Url to Domain-Name. */
    cg_map_relate(m, "related-to", f->url, f->host, NULL);
}

static void fill_summary(const struct cg_mapper *m,
                         const struct domain_facts *f, bool phishing,
                         struct cg_summary *summary)
{
    summary->phishing_prob = f->has_prob ? f->prob : -1;
    summary->score = value_score(f);
    summary->malicious = phishing;
    summary->cve_count = f->cve_count;
    summary->open_ports = -1;
    cg_map_summary_flags(m, summary);
}

static void map_report(struct cg_mapper *m, struct domain_facts *f,
                       long long scan_id, struct cg_summary *summary)
{
    bool phishing = is_phishing(f, m->opts->phishing_threshold);

    map_subject(m, f, scan_id);
    build_ip_index(m, f);
    label_threats(m, m->subject, f, phishing);
    label_exposure(m, m->subject, f->data);
    cg_map_score(m, m->subject, value_score(f));
    note_summary(m, f, scan_id, phishing);
    map_resolutions(m, f, summary);
    map_countries(m, f);
    map_domain_properties(m, f);
    map_certificates(m, f);
    map_redirects(m, f);
    map_linked_domains(m, f);
    map_dns(m, f);
    map_technologies(m, f);
    note_findings(m, f);
    note_connections(m, f);
    if (phishing)
        map_phishing_indicator(m, f);
    fill_summary(m, f, phishing, summary);
    describe_value(m, f, summary);
}

enum cg_err cg_map_domain_report(struct cg_bundle *bundle,
                                 const struct cg_indicator *ind,
                                 const json_t *data, long long scan_id,
                                 const struct cg_map_opts *opts,
                                 struct cg_summary *summary,
                                 struct cg_error *err)
{
    struct cg_summary unused;
    struct domain_facts facts;
    struct cg_mapper m;
    char abstract[256];
    enum cg_err rc;

    if (!summary)
        summary = &unused;
    cg_summary_init(summary);
    if (!bundle || !opts || !opts->ctx || !cg_map_indicator_usable(ind))
        return cg_error_set(err, CG_ERR_INVALID,
                            "cannot map a domain report: the bundle, options "
                            "or indicator is missing or not a domain, URL or "
                            "IP address");
    if (!json_is_object(data))
        return cg_error_set(err, CG_ERR_API_PROTOCOL,
                            "Criminal IP domain report for %s is not a JSON "
                            "object",
                            ind->value);
    memset(&facts, 0, sizeof(facts));
    facts.ind = ind;
    read_facts(report_body(data), &facts);
    cg_map_begin(&m, bundle, opts);
    map_report(&m, &facts, scan_id, summary);
    snprintf(abstract, sizeof(abstract), "Criminal IP report for %.*s",
             (int)cg_map_utf8_cut(ind->value, 200), ind->value);
    cg_map_note_emit(&m, "criminalip-domain-report", abstract);
    rc = cg_map_result(&m, ind->value, err);
    json_decref(facts.ip_index);
    cg_map_release(&m);
    return rc;
}
