/*
 * Mapping of a Criminal IP IP report (the flat body of
 * GET /v1/asset/ip/report?full=true, or the legacy /v1/ip/data body) to
 * STIX. The result is the address with its score, labels and description,
 * its autonomous systems and locations, CVEs with their exploits, software,
 * certificates and related domains. An indicator follows when the address
 * is malicious, and one note carries the detail that has no STIX object.
 */
#include "core/json.h"
#include "stix/map.h"
#include "stix/map_internal.h"
#include "stix/pattern.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The issues flags (tags in the legacy report) and their labels. */
static const struct {
    const char *key;
    const char *label;
} issue_labels[] = {
    {"is_vpn", "vpn"},         {"is_cloud", "cloud"},
    {"is_tor", "tor"},         {"is_proxy", "proxy"},
    {"is_hosting", "hosting"}, {"is_mobile", "mobile"},
    {"is_darkweb", "darkweb"}, {"is_scanner", "scanner"},
    {"is_snort", "snort"},     {"is_anonymous_vpn", "anonymous-vpn"},
};

static json_t *issue_flags(const json_t *report)
{
    json_t *issues = cg_json_obj(report, "issues");

    return issues ? issues : cg_json_obj(report, "tags");
}

/*
 * True when a category label (see cg_map_label_from_text) names malicious
 * use: one of the words below starting at a word boundary. The short ones
 * (c2, cnc, c-c for "C&C") must also end at one.
 */
static bool names_malicious_use(const char *label)
{
    static const char *const words[] = {"command-and-control",
                                        "malware",
                                        "botnet",
                                        "phishing",
                                        "attack",
                                        "spam",
                                        "brute-force",
                                        "bruteforce",
                                        "exploit",
                                        "misp",
                                        "c2",
                                        "cnc",
                                        "c-c"};

    for (size_t i = 0; i < CG_ARRAY_LEN(words); i++) {
        size_t len = strlen(words[i]);
        bool whole_word = len <= 3;

        for (const char *p = strstr(label, words[i]); p;
             p = strstr(p + 1, words[i])) {
            char after = p[len];

            if (p != label && p[-1] != '-')
                continue;
            if (!whole_word || after == '\0' || after == '-')
                return true;
        }
    }
    return false;
}

void cg_map_ip_malicious_category(const json_t *rows, char out[64])
{
    size_t i;
    json_t *row;

    out[0] = '\0';
    json_array_foreach(rows, i, row) {
        char label[64];

        if (i >= CG_MAP_MAX_CATEGORIES)
            break;
        if (cg_map_label_from_text(cg_map_str(row, "type"), label,
                                   sizeof(label)) &&
            names_malicious_use(label)) {
            memcpy(out, label, sizeof(label));
            return;
        }
    }
}

static void read_facts(const json_t *report, struct cg_ip_facts *f)
{
    const json_t *score = cg_json_obj(report, "score");
    const json_t *issues = issue_flags(report);

    f->inbound = cg_score_word(json_object_get(score, "inbound"));
    f->outbound = cg_score_word(json_object_get(score, "outbound"));
    f->score = cg_score_from_words(f->inbound, f->outbound);
    f->ids_rows = json_array_size(cg_json_rows(report, "ids"));
    f->honeypot_rows = json_array_size(cg_json_rows(report, "honeypot"));
    f->scanning_rows = json_array_size(cg_json_rows(report, "scanning_record"));
    f->scanner = cg_json_is_true(issues, "is_scanner");
    f->snort = cg_json_is_true(issues, "is_snort");
    cg_map_ip_malicious_category(cg_json_rows(report, "ip_category"),
                                 f->category);
    cg_map_ip_extra_read(f->extra, &f->deep);
    if (!f->category[0])
        memcpy(f->category, f->deep.category, sizeof(f->category));
}

static bool severe(const char *word)
{
    return word &&
           (strcmp(word, "Dangerous") == 0 || strcmp(word, "Critical") == 0);
}

/* Larger of a report row count and an extra's count. */
static long long larger(size_t rows, long long count)
{
    return (long long)rows > count ? (long long)rows : count;
}

/*
 * The malicious rule. An indicator is emitted, and summary.malicious is
 * true, exactly when one of these conditions is met:
 * - the outbound score is Dangerous or Critical.
 * - the inbound score is Dangerous or Critical and the report shows
 *   behaviour: IDS alerts, honeypot hits, scanning records, or the
 *   is_scanner or is_snort flag. With --deep, the extras' IDS rows,
 *   scanning record count and abuse record count count as behaviour too.
 * - an ip_category type names malicious use (c2, command and control,
 *   malware, botnet, phishing, attack, spam, brute force, exploit, misp),
 *   in the report or, with --deep, in malicious-info.
 * - with --deep, malicious-info's is_malicious is true.
 * Anonymisation flags alone (vpn, tor, proxy, cloud, hosting, mobile) never
 * make an address malicious, because VPN exits and cloud, hosting and
 * mobile addresses are shared by many users and would be false positives.
 * The reasons are written to reasons.
 */
static bool judge(struct cg_mapper *m, const struct cg_ip_facts *f,
                  struct cg_buf *reasons)
{
    const struct cg_ip_extra_facts *d = &f->deep;
    bool behaviour = f->ids_rows || f->honeypot_rows || f->scanning_rows ||
                     f->scanner || f->snort || d->ids_rows > 0 ||
                     d->scanning_records > 0 || d->abuse_records > 0;
    bool malicious = false;

    if (severe(f->outbound)) {
        cg_map_buf_printf(m, reasons, "outbound score %s", f->outbound);
        malicious = true;
    }
    if (severe(f->inbound) && behaviour) {
        cg_map_buf_printf(
            m, reasons,
            "%sinbound score %s with observed behaviour "
            "(%lld IDS alerts, %zu honeypot hits, %lld scanning "
            "records%s%s",
            malicious ? "; " : "", f->inbound, larger(f->ids_rows, d->ids_rows),
            f->honeypot_rows, larger(f->scanning_rows, d->scanning_records),
            f->scanner ? ", scanner" : "", f->snort ? ", Snort detection" : "");
        if (d->abuse_records > 0)
            cg_map_buf_printf(m, reasons, ", %lld abuse records",
                              d->abuse_records);
        cg_map_buf_printf(m, reasons, ")");
        malicious = true;
    }
    if (f->category[0]) {
        cg_map_buf_printf(m, reasons, "%scategory %s", malicious ? "; " : "",
                          f->category);
        malicious = true;
    }
    if (d->is_malicious) {
        cg_map_buf_printf(m, reasons, "%smalicious-info marks it malicious",
                          malicious ? "; " : "");
        malicious = true;
    }
    return malicious;
}

void cg_map_ip_issue_labels(struct cg_mapper *m, const json_t *issues)
{
    for (size_t i = 0; i < CG_ARRAY_LEN(issue_labels); i++) {
        if (cg_json_is_true(issues, issue_labels[i].key))
            cg_map_label(m, m->subject, issue_labels[i].label);
    }
}

void cg_map_ip_category_labels(struct cg_mapper *m, const json_t *rows,
                               const char *section)
{
    size_t i;
    json_t *row;

    json_array_foreach(rows, i, row) {
        char label[64];

        if (!cg_map_within(m, section, i, json_array_size(rows),
                           CG_MAP_MAX_CATEGORIES))
            break;
        if (cg_map_label_from_text(cg_map_str(row, "type"), label,
                                   sizeof(label)))
            cg_map_label(m, m->subject, label);
    }
}

static void map_labels(struct cg_mapper *m, const json_t *report)
{
    cg_map_ip_issue_labels(m, issue_flags(report));
    cg_map_ip_category_labels(m, cg_json_rows(report, "ip_category"),
                              "ip_category");
}

/* Maps one whois row: AS, Country, City and Region, and the links. */
static void map_whois_row(struct cg_mapper *m, const json_t *row,
                          struct cg_summary *summary)
{
    const char *as_name = cg_map_str(row, "as_name");
    json_t *as = cg_map_asn(m, json_object_get(row, "as_no"), as_name);
    char code[3];
    bool has_code =
        cg_map_country_code(cg_map_str(row, "org_country_code"), code);
    json_t *country = has_code ? cg_map_country(m, code) : NULL;
    double lat = 0, lon = 0;
    bool coords = cg_json_real(row, "latitude", &lat) &&
                  cg_json_real(row, "longitude", &lon);
    json_t *city = cg_map_place(m, "City", cg_map_str(row, "city"),
                                has_code ? code : NULL, coords, lat, lon);
    json_t *region =
        cg_map_place(m, "Region", cg_map_str(row, "region"), NULL, false, 0, 0);

    cg_map_relate(m, "belongs-to", m->subject, as, NULL);
    cg_map_relate(m, "located-at", m->subject, country, NULL);
    cg_map_relate(m, "located-at", m->subject, city, NULL);
    cg_map_relate(m, "located-at", city, country, NULL);
    /* Criminal IP's region is a state or province, so the city lies in it
     * but the country does not: no Country -> Region link. The address
     * links to the region only when no city is known. */
    cg_map_relate(m, "located-at", city, region, NULL);
    if (!city)
        cg_map_relate(m, "located-at", m->subject, region, NULL);
    if (summary && as) {
        summary->asn = json_integer_value(json_object_get(as, "number"));
        cg_map_copy_text(summary->as_name, sizeof(summary->as_name), as_name);
    }
    if (summary && has_code)
        memcpy(summary->country, code, sizeof(code));
}

static void map_whois(struct cg_mapper *m, const json_t *report,
                      struct cg_summary *summary)
{
    json_t *rows = cg_json_rows(report, "whois");
    size_t i;
    json_t *row;

    json_array_foreach(rows, i, row) {
        if (!cg_map_within(m, "whois", i, json_array_size(rows),
                           CG_MAP_MAX_WHOIS))
            break;
        map_whois_row(m, row, i == 0 ? summary : NULL);
    }
}

/* Domains hosted on the address and host names that point at it. */
static void map_domains(struct cg_mapper *m, const json_t *report)
{
    static const struct cg_map_column domain_columns[] = {
        {"domain", NULL, CG_MAP_CELL_CODE},
        {"registrar", NULL, CG_MAP_CELL_TEXT},
        {"create_date", NULL, CG_MAP_CELL_TEXT},
        {"confirmed_time", NULL, CG_MAP_CELL_TEXT},
    };
    static const struct cg_map_column host_columns[] = {
        {"domain_name_full", NULL, CG_MAP_CELL_CODE},
        {"confirmed_time", NULL, CG_MAP_CELL_TEXT},
    };
    static const struct {
        const char *section;
        const char *key;
    } sources[] = {{"domain", "domain"}, {"hostname", "domain_name_full"}};

    for (size_t s = 0; s < CG_ARRAY_LEN(sources); s++) {
        json_t *rows = cg_json_rows(report, sources[s].section);
        size_t i;
        json_t *row;

        json_array_foreach(rows, i, row) {
            if (!cg_map_within(m, sources[s].section, i, json_array_size(rows),
                               CG_MAP_MAX_DOMAINS))
                break;
            cg_map_relate(
                m, "resolves-to",
                cg_map_domain_name(m, cg_map_str(row, sources[s].key), NULL),
                m->subject, NULL);
        }
    }
    cg_map_note_table(m, cg_json_rows(report, "domain"), "domain notes",
                      "Domains on this address",
                      "| Domain | Registrar | Created | Confirmed |",
                      domain_columns, CG_ARRAY_LEN(domain_columns));
    cg_map_note_table(m, cg_json_rows(report, "hostname"), "hostname notes",
                      "Host names", "| Host name | Confirmed |", host_columns,
                      CG_ARRAY_LEN(host_columns));
}

/*
 * protected_ip lists the real (origin) addresses behind this address when
 * it is a CDN front. The link goes from the enriched address to each
 * origin, so that every relationship this report creates starts at the
 * address it is about. The origin gets the "cdn-origin" label.
 */
static void map_origins(struct cg_mapper *m, const json_t *report)
{
    static const struct cg_map_column columns[] = {
        {"ip_address", NULL, CG_MAP_CELL_CODE},
        {"confirmed_time", NULL, CG_MAP_CELL_TEXT},
    };
    json_t *rows = cg_json_rows(report, "protected_ip");
    size_t i;
    json_t *row;

    json_array_foreach(rows, i, row) {
        json_t *origin;

        if (!cg_map_within(m, "protected_ip", i, json_array_size(rows),
                           CG_MAP_MAX_IPS))
            break;
        origin = cg_map_ip(m, cg_map_str(row, "ip_address"));
        if (!origin || origin == m->subject)
            continue;
        cg_map_label(m, origin, "cdn-origin");
        cg_map_relate(m, "related-to", m->subject, origin,
                      "Criminal IP lists the target as a real (origin) "
                      "address behind this CDN address.");
    }
    cg_map_note_table(m, rows, "protected_ip notes", "CDN origin addresses",
                      "| Address | Confirmed |", columns,
                      CG_ARRAY_LEN(columns));
}

/* IDS alerts, honeypot hits and scanning records: labels and note
 * tables. */
static void map_activity(struct cg_mapper *m, const json_t *report)
{
    static const struct cg_map_column ids[] = {
        {"confirmed_time", NULL, CG_MAP_CELL_TEXT},
        {"classification", NULL, CG_MAP_CELL_TEXT},
        {"message", NULL, CG_MAP_CELL_TEXT},
        {"source_system", NULL, CG_MAP_CELL_TEXT},
    };
    static const struct cg_map_column honeypot[] = {
        {"log_date", "confirmed_time", CG_MAP_CELL_TEXT},
        {"dst_port", NULL, CG_MAP_CELL_NUMBER},
        {"protocol_type", NULL, CG_MAP_CELL_TEXT},
        {"message", NULL, CG_MAP_CELL_TEXT},
    };
    static const struct cg_map_column scanning[] = {
        {"classification", NULL, CG_MAP_CELL_TEXT},
        {"count", NULL, CG_MAP_CELL_NUMBER},
        {"confirmed_time", NULL, CG_MAP_CELL_TEXT},
    };

    if (cg_map_note_table(m, cg_json_rows(report, "ids"), "ids", "IDS signals",
                          "| Date | Classification | Message | Source |", ids,
                          CG_ARRAY_LEN(ids)))
        cg_map_label(m, m->subject, "ids-alert");
    if (cg_map_note_table(m, cg_json_rows(report, "honeypot"), "honeypot",
                          "Honeypot hits",
                          "| Date | Port | Protocol | Message |", honeypot,
                          CG_ARRAY_LEN(honeypot)))
        cg_map_label(m, m->subject, "honeypot-hit");
    if (cg_map_note_table(m, cg_json_rows(report, "scanning_record"),
                          "scanning_record", "Scanning records",
                          "| Classification | Count | Confirmed |", scanning,
                          CG_ARRAY_LEN(scanning)))
        cg_map_label(m, m->subject, "scanning");
}

/* Sets x_criminalip_mobile_carrier to "SKT (3G), SKT (LTE)". */
static void map_mobile(struct cg_mapper *m, const json_t *report)
{
    json_t *rows = cg_json_rows(report, "mobile");
    struct cg_buf text = CG_BUF_INIT;
    size_t i;
    json_t *row;

    json_array_foreach(rows, i, row) {
        const char *carrier = cg_map_str(row, "organization");
        const char *broadband = cg_map_str(row, "broadband");

        if (i >= 10)
            break;
        if (!carrier && !broadband)
            continue;
        if (!carrier)
            carrier = "unknown carrier";
        cg_map_buf_printf(m, &text, "%s%.*s", text.len ? ", " : "",
                          (int)cg_map_utf8_cut(carrier, 100), carrier);
        if (broadband)
            cg_map_buf_printf(m, &text, " (%.*s)",
                              (int)cg_map_utf8_cut(broadband, 20), broadband);
    }
    if (json_array_size(rows))
        cg_map_label(m, m->subject, "mobile-carrier");
    cg_map_set_text(m, m->subject, "x_criminalip_mobile_carrier",
                    cg_buf_str(&text));
    cg_buf_release(&text);
}

/* Categories, VPN services, webcams and mobile carriers. */
static void map_context(struct cg_mapper *m, const json_t *report)
{
    static const struct cg_map_column category[] = {
        {"type", NULL, CG_MAP_CELL_TEXT},
        {"detect_source", NULL, CG_MAP_CELL_TEXT},
        {"confirmed_time", NULL, CG_MAP_CELL_TEXT},
    };
    static const struct cg_map_column vpn[] = {
        {"vpn_name", NULL, CG_MAP_CELL_TEXT},
        {"vpn_url", NULL, CG_MAP_CELL_CODE},
        {"vpn_source_url", NULL, CG_MAP_CELL_CODE},
        {"socket_type", NULL, CG_MAP_CELL_TEXT},
        {"confirmed_time", NULL, CG_MAP_CELL_TEXT},
    };
    static const struct cg_map_column webcam[] = {
        {"open_port_no", NULL, CG_MAP_CELL_NUMBER},
        {"manufacturer", NULL, CG_MAP_CELL_TEXT},
        {"cam_url", NULL, CG_MAP_CELL_CODE},
        {"country", NULL, CG_MAP_CELL_TEXT},
        {"city", NULL, CG_MAP_CELL_TEXT},
        {"confirmed_time", NULL, CG_MAP_CELL_TEXT},
    };
    static const struct cg_map_column mobile[] = {
        {"organization", NULL, CG_MAP_CELL_TEXT},
        {"broadband", NULL, CG_MAP_CELL_TEXT},
    };
    static const char vpn_header[] =
        "| Service | Server | Source | Socket | Confirmed |";

    cg_map_note_table(m, cg_json_rows(report, "ip_category"),
                      "ip_category notes", "Categories",
                      "| Type | Source | Confirmed |", category,
                      CG_ARRAY_LEN(category));
    cg_map_note_table(m, cg_json_rows(report, "vpn"), "vpn", "VPN services",
                      vpn_header, vpn, CG_ARRAY_LEN(vpn));
    cg_map_note_table(m, cg_json_rows(report, "anonymous_vpn"), "anonymous_vpn",
                      "Anonymous VPN services", vpn_header, vpn,
                      CG_ARRAY_LEN(vpn));
    if (cg_map_note_table(m, cg_json_rows(report, "webcam"), "webcam",
                          "Exposed webcams",
                          "| Port | Manufacturer | Camera URL | Country | "
                          "City | Confirmed |",
                          webcam, CG_ARRAY_LEN(webcam)))
        cg_map_label(m, m->subject, "exposed-webcam");
    cg_map_note_table(m, cg_json_rows(report, "mobile"), "mobile",
                      "Mobile carriers", "| Carrier | Broadband |", mobile,
                      CG_ARRAY_LEN(mobile));
    map_mobile(m, report);
}

static void map_indicator(struct cg_mapper *m, const struct cg_ip_facts *f,
                          const char *reasons)
{
    bool v6 = strchr(f->ip, ':') != NULL;
    struct cg_buf pattern = CG_BUF_INIT;
    struct cg_buf text = CG_BUF_INIT;
    char name[96];
    json_t *ind = NULL;

    if (cg_pattern_for_value(v6 ? "ipv6-addr" : "ipv4-addr", f->ip, &pattern) !=
        CG_OK)
        cg_map_fail(m);
    snprintf(name, sizeof(name), "Criminal IP: malicious %s", f->ip);
    if (m->rc == CG_OK)
        ind =
            cg_map_add(m, cg_stix_indicator(m->ctx, cg_buf_str(&pattern), name,
                                            v6 ? "IPv6-Addr" : "IPv4-Addr"));
    m->indicator = ind;
    cg_map_add_value_ref(m, ind);
    cg_map_score(m, ind, f->score);
    if (f->score >= 0)
        cg_map_set(m, ind, "confidence", json_integer(f->score));
    cg_map_set(m, ind, "indicator_types",
               json_pack("[s]", "malicious-activity"));
    cg_map_buf_printf(m, &text, "Criminal IP rates %s as malicious: %s.", f->ip,
                      reasons);
    cg_map_describe(m, ind, cg_buf_str(&text));
    cg_map_relate(m, "based-on", ind, m->subject, NULL);
    for (size_t i = 0; i < f->vuln_count; i++)
        cg_map_relate(m, "indicates", ind, f->vulns[i], NULL);
    cg_buf_release(&pattern);
    cg_buf_release(&text);
}

/* One paragraph: scores, AS, place, exposure and flags. */
static void describe_address(struct cg_mapper *m, const struct cg_ip_facts *f,
                             const json_t *report,
                             const struct cg_summary *summary)
{
    json_t *whois = json_array_get(cg_json_rows(report, "whois"), 0);
    const char *city = cg_map_str(whois, "city");
    const char *country = cg_country_name(summary->country);
    struct cg_buf text = CG_BUF_INIT;

    if (!country && summary->country[0])
        country = summary->country;
    if (f->score >= 0)
        cg_map_buf_printf(m, &text,
                          "Criminal IP scores this address inbound %s and "
                          "outbound %s (score %d).",
                          f->inbound ? f->inbound : "unknown",
                          f->outbound ? f->outbound : "unknown", f->score);
    else
        cg_map_buf_printf(m, &text,
                          "Criminal IP gives this address no "
                          "inbound or outbound score.");
    if (summary->asn > 0) {
        cg_map_buf_printf(m, &text, " AS%lld ", summary->asn);
        cg_map_escape_text(m, &text, summary->as_name);
        cg_map_buf_printf(m, &text, ".");
    }
    if (city || country) {
        cg_map_buf_printf(m, &text, " Location: ");
        cg_map_escape_text(m, &text, city);
        cg_map_buf_printf(m, &text, "%s%s.", city && country ? ", " : "",
                          country ? country : "");
    }
    /* A count the report leaves out is left out, not shown as 0. */
    if (f->open_ports >= 0)
        cg_map_buf_printf(m, &text, " Open ports: %d.", f->open_ports);
    if (f->cve_total >= 0)
        cg_map_buf_printf(m, &text, " CVEs: %d.", f->cve_total);
    cg_map_describe_flags(m, &text, summary->flags);
    cg_map_describe(m, m->subject, cg_buf_str(&text));
    cg_buf_release(&text);
}

static void note_header(struct cg_mapper *m, const struct cg_ip_facts *f,
                        bool malicious, const char *reasons)
{
    char score_text[16] = "";

    if (f->score >= 0)
        snprintf(score_text, sizeof(score_text), "%d", f->score);
    cg_map_note(m, "# Criminal IP report for %s\n\n", f->ip);
    cg_map_note(m,
                "| Inbound | Outbound | Score | Verdict |\n"
                "|---|---|---|---|\n| %s | %s | %s | %s |\n",
                f->inbound ? f->inbound : "", f->outbound ? f->outbound : "",
                score_text, malicious ? "malicious" : "not malicious");
    if (malicious)
        cg_map_note(m, "\nReasons: %s.\n", reasons);
}

/* Copies a score word into a summary field. */
static void copy_word(char *out, size_t size, const char *word)
{
    snprintf(out, size, "%s", word ? word : "");
}

static void fill_summary(const struct cg_mapper *m, const struct cg_ip_facts *f,
                         bool malicious, struct cg_summary *summary)
{
    copy_word(summary->inbound, sizeof(summary->inbound), f->inbound);
    copy_word(summary->outbound, sizeof(summary->outbound), f->outbound);
    summary->score = f->score;
    summary->malicious = malicious;
    summary->cve_count = f->cve_total;
    summary->open_ports = f->open_ports;
    summary->phishing_prob = -1;
    cg_map_summary_flags(m, summary);
    if (f->deep.incomplete) {
        size_t used = strlen(summary->flags);

        snprintf(summary->flags + used, sizeof(summary->flags) - used, "%s%s",
                 used ? "," : "", "deep-incomplete");
    }
}

/* Every mapping step, in note order. */
static void map_report(struct cg_mapper *m, const json_t *report,
                       struct cg_ip_facts *f, struct cg_summary *summary)
{
    struct cg_buf reasons = CG_BUF_INIT;
    bool malicious = judge(m, f, &reasons);

    cg_map_set_text(m, m->subject, "x_criminalip_inbound_score", f->inbound);
    cg_map_set_text(m, m->subject, "x_criminalip_outbound_score", f->outbound);
    cg_map_score(m, m->subject, f->score);
    map_labels(m, report);
    note_header(m, f, malicious, cg_buf_str(&reasons));
    map_whois(m, report, summary);
    cg_map_ip_ports(m, report, f);
    cg_map_ip_certificates(m, report, f);
    cg_map_ip_vulnerabilities(m, report, f);
    cg_map_ip_exploits(m, report);
    map_activity(m, report);
    map_domains(m, report);
    map_origins(m, report);
    map_context(m, report);
    cg_map_ip_extra_map(m, f);
    if (malicious)
        map_indicator(m, f, cg_buf_str(&reasons));
    fill_summary(m, f, malicious, summary);
    describe_address(m, f, report, summary);
    cg_buf_release(&reasons);
}

/*
 * True when the report's own "ip" field, if it has one, names the address
 * that was requested: compared as addresses, so "::1" and "0:0::1" match.
 */
static bool same_address(const char *requested, const char *reported)
{
    unsigned char a[16], b[16];
    int family = strchr(requested, ':') ? AF_INET6 : AF_INET;

    if (!reported)
        return true;
    if (inet_pton(family, requested, a) != 1 ||
        inet_pton(family, reported, b) != 1)
        return false;
    return memcmp(a, b, family == AF_INET6 ? 16 : 4) == 0;
}

enum cg_err cg_map_ip_deep(struct cg_bundle *bundle, const char *ip,
                           const json_t *report,
                           const struct cg_ip_extra *extra,
                           const struct cg_map_opts *opts,
                           struct cg_summary *summary, struct cg_error *err)
{
    struct cg_summary unused;
    struct cg_ip_facts facts;
    struct cg_mapper m;
    char abstract[96];
    enum cg_err rc;

    if (!summary)
        summary = &unused;
    cg_summary_init(summary);
    if (!bundle || !opts || !opts->ctx || !ip || !*ip ||
        strlen(ip) >= CG_IP_TEXT_SIZE)
        return cg_error_set(err, CG_ERR_INVALID,
                            "cannot map an IP report: the bundle, options "
                            "or address is missing or invalid");
    if (!json_is_object(report))
        return cg_error_set(err, CG_ERR_API_PROTOCOL,
                            "Criminal IP report for %s is not a JSON object",
                            ip);
    if (!same_address(ip, cg_json_str(report, "ip")))
        return cg_error_set(err, CG_ERR_API_PROTOCOL,
                            "Criminal IP's report for %s is about another "
                            "address, '%.64s'; it was not stored",
                            ip, cg_json_str(report, "ip"));
    memset(&facts, 0, sizeof(facts));
    facts.ip = ip;
    facts.extra = extra;
    read_facts(report, &facts);
    cg_map_begin(&m, bundle, opts);
    m.subject = cg_map_ip_subject(&m, ip);
    cg_map_ip_ref(&m, ip);
    cg_map_add_value_ref(&m, m.subject);
    map_report(&m, report, &facts, summary);
    snprintf(abstract, sizeof(abstract), "Criminal IP report for %s", ip);
    cg_map_note_emit(&m, "criminalip-ip-report", abstract);
    rc = cg_map_result(&m, ip, err);
    cg_map_release(&m);
    return rc;
}

enum cg_err cg_map_ip_report(struct cg_bundle *bundle, const char *ip,
                             const json_t *report,
                             const struct cg_map_opts *opts,
                             struct cg_summary *summary, struct cg_error *err)
{
    return cg_map_ip_deep(bundle, ip, report, NULL, opts, summary, err);
}
