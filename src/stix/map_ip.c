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

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Facts read from the report before anything is mapped. */
struct ip_facts {
    const char *ip;
    const char *inbound; /* score words, or NULL */
    const char *outbound;
    int score;
    size_t ids_rows;
    size_t honeypot_rows;
    size_t scanning_rows;
    bool scanner;
    bool snort;
    char category[64]; /* first ip_category that names malicious use */
    json_t *vulns[CG_MAP_MAX_CVES]; /* held by the bundle */
    size_t vuln_count;
    int cve_total;
    int open_ports;
    size_t software_seen;
    size_t certificates_seen;
    size_t cert_names_seen;
};

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

static void read_facts(const json_t *report, struct ip_facts *f)
{
    const json_t *score = cg_json_obj(report, "score");
    const json_t *issues = issue_flags(report);
    json_t *rows = cg_json_rows(report, "ip_category");
    size_t i;
    json_t *row;

    f->inbound = cg_score_word(json_object_get(score, "inbound"));
    f->outbound = cg_score_word(json_object_get(score, "outbound"));
    f->score = cg_score_from_words(f->inbound, f->outbound);
    f->ids_rows = json_array_size(cg_json_rows(report, "ids"));
    f->honeypot_rows = json_array_size(cg_json_rows(report, "honeypot"));
    f->scanning_rows = json_array_size(cg_json_rows(report, "scanning_record"));
    f->scanner = cg_json_is_true(issues, "is_scanner");
    f->snort = cg_json_is_true(issues, "is_snort");
    json_array_foreach(rows, i, row) {
        char label[64];

        if (i >= CG_MAP_MAX_CATEGORIES)
            break;
        if (cg_map_label_from_text(cg_map_str(row, "type"), label,
                                   sizeof(label)) &&
            names_malicious_use(label)) {
            memcpy(f->category, label, sizeof(label));
            break;
        }
    }
}

static bool severe(const char *word)
{
    return word &&
           (strcmp(word, "Dangerous") == 0 || strcmp(word, "Critical") == 0);
}

/*
 * The malicious rule. An indicator is emitted, and summary.malicious is
 * true, exactly when one of these conditions is met:
 * - the outbound score is Dangerous or Critical.
 * - the inbound score is Dangerous or Critical and the report shows
 *   behaviour: IDS alerts, honeypot hits, scanning records, or the
 *   is_scanner or is_snort flag.
 * - an ip_category type names malicious use (c2, command and control,
 *   malware, botnet, phishing, attack, spam, brute force, exploit, misp).
 * Anonymisation flags alone (vpn, tor, proxy, cloud, hosting, mobile) never
 * make an address malicious, because VPN exits and cloud, hosting and
 * mobile addresses are shared by many users and would be false positives.
 * The reasons are written to reasons.
 */
static bool judge(struct cg_mapper *m, const struct ip_facts *f,
                  struct cg_buf *reasons)
{
    bool behaviour = f->ids_rows || f->honeypot_rows || f->scanning_rows ||
                     f->scanner || f->snort;
    bool malicious = false;

    if (severe(f->outbound)) {
        cg_map_buf_printf(m, reasons, "outbound score %s", f->outbound);
        malicious = true;
    }
    if (severe(f->inbound) && behaviour) {
        cg_map_buf_printf(m, reasons,
                          "%sinbound score %s with observed behaviour "
                          "(%zu IDS alerts, %zu honeypot hits, %zu scanning "
                          "records%s%s)",
                          malicious ? "; " : "", f->inbound, f->ids_rows,
                          f->honeypot_rows, f->scanning_rows,
                          f->scanner ? ", scanner" : "",
                          f->snort ? ", Snort detection" : "");
        malicious = true;
    }
    if (f->category[0]) {
        cg_map_buf_printf(m, reasons, "%scategory %s", malicious ? "; " : "",
                          f->category);
        malicious = true;
    }
    return malicious;
}

static void map_labels(struct cg_mapper *m, const json_t *report)
{
    const json_t *issues = issue_flags(report);
    json_t *rows = cg_json_rows(report, "ip_category");
    size_t i;
    json_t *row;

    for (i = 0; i < CG_ARRAY_LEN(issue_labels); i++) {
        if (cg_json_is_true(issues, issue_labels[i].key))
            cg_map_label(m, m->subject, issue_labels[i].label);
    }
    json_array_foreach(rows, i, row) {
        char label[64];

        if (!cg_map_within(m, "ip_category", i, json_array_size(rows),
                           CG_MAP_MAX_CATEGORIES))
            break;
        if (cg_map_label_from_text(cg_map_str(row, "type"), label,
                                   sizeof(label)))
            cg_map_label(m, m->subject, label);
    }
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

/* Adds a software for a product and links the address to it. */
static void map_product(struct cg_mapper *m, struct ip_facts *f,
                        const char *name, const char *version)
{
    if (!name)
        return;
    if (!cg_map_within(m, "software", f->software_seen++, 0,
                       CG_MAP_MAX_SOFTWARE))
        return;
    cg_map_relate(m, "related-to", m->subject,
                  cg_map_software(m, name, version), NULL);
}

/* Counts the distinct well-formed CVE ids of rows, in any case. */
static int count_cves(const json_t *rows)
{
    json_t *seen = json_object();
    size_t i;
    json_t *row;
    int count;

    if (!seen)
        return -1;
    json_array_foreach(rows, i, row) {
        const char *cve = cg_map_str(row, "cve_id");
        char key[32];

        if (!cg_cve_id_valid(cve) || strlen(cve) >= sizeof(key))
            continue;
        for (size_t c = 0; c <= strlen(cve); c++)
            key[c] = (char)toupper((unsigned char)cve[c]);
        json_object_set_new(seen, key, json_true());
    }
    count = (int)json_object_size(seen);
    json_decref(seen);
    return count;
}

/* Returns an attack vector word such as "NETWORK" in upper case, or NULL
 * when the value is not a word of letters and '_'. */
static json_t *vector_word(const json_t *row, const char *key)
{
    const char *s = cg_map_str(row, key);
    char word[33];
    size_t len = s ? strlen(s) : 0;

    if (len == 0 || len >= sizeof(word))
        return NULL;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && !isalpha((unsigned char)s[i]) && s[i] != '_')
            return NULL;
        word[i] = (char)toupper((unsigned char)s[i]);
    }
    return json_string(word);
}

static void set_cvss(struct cg_mapper *m, json_t *vuln, const json_t *row,
                     const char *key, const char *property)
{
    double score;

    if (cg_json_real(row, key, &score) && score >= 0 && score <= 10)
        cg_map_set(m, vuln, property, json_real(score));
}

static json_t *map_vulnerability_row(struct cg_mapper *m, struct ip_facts *f,
                                     const json_t *row)
{
    json_t *vuln = cg_map_vulnerability(m, cg_map_str(row, "cve_id"));
    json_t *vector;

    if (!vuln)
        return NULL;
    set_cvss(m, vuln, row, "cvssv3_score", "x_opencti_cvss_base_score");
    set_cvss(m, vuln, row, "cvssv2_score", "x_opencti_cvss_v2_base_score");
    /* The API's "vector" fields hold the attack vector word ("NETWORK"),
     * not a CVSS vector string. */
    if ((vector = vector_word(row, "cvssv3_vector")))
        cg_map_set(m, vuln, "x_opencti_cvss_attack_vector", vector);
    if ((vector = vector_word(row, "cvssv2_vector")))
        cg_map_set(m, vuln, "x_opencti_cvss_v2_access_vector", vector);
    cg_map_set_text(m, vuln, "description", cg_map_str(row, "cve_description"));
    cg_map_relate(m, "related-to", m->subject, vuln, NULL);
    if (f->vuln_count < CG_ARRAY_LEN(f->vulns))
        f->vulns[f->vuln_count++] = vuln;
    return vuln;
}

static void note_cvss(struct cg_mapper *m, const json_t *row, const char *key)
{
    double score;

    if (cg_json_real(row, key, &score) && score >= 0 && score <= 10)
        cg_map_note(m, " %.1f |", score);
    else
        cg_map_note(m, " |");
}

static void map_vulnerabilities(struct cg_mapper *m, const json_t *report,
                                struct ip_facts *f)
{
    json_t *rows = cg_json_rows(report, "vulnerability");
    size_t i;
    json_t *row;

    f->cve_total = count_cves(rows);
    if (json_array_size(rows) == 0)
        return;
    cg_map_note(m, "\n## Vulnerabilities\n\n"
                   "| CVE | CVSS v3 | CVSS v2 | Product | Version |\n"
                   "|---|---|---|---|---|\n");
    json_array_foreach(rows, i, row) {
        if (!cg_map_within(m, "vulnerability", i, json_array_size(rows),
                           CG_MAP_MAX_CVES))
            break;
        if (!map_vulnerability_row(m, f, row))
            continue;
        map_product(m, f, cg_map_str(row, "app_name"),
                    cg_map_str(row, "app_version"));
        if (!cg_map_within(m, "vulnerability notes", i, json_array_size(rows),
                           CG_MAP_MAX_NOTE_ROWS))
            continue;
        cg_map_note(m, "| ");
        cg_map_note_code(m, cg_map_str(row, "cve_id"));
        cg_map_note(m, " |");
        note_cvss(m, row, "cvssv3_score");
        note_cvss(m, row, "cvssv2_score");
        cg_map_note(m, " ");
        cg_map_note_text(m, cg_map_str(row, "app_name"));
        cg_map_note(m, " | ");
        cg_map_note_text(m, cg_map_str(row, "app_version"));
        cg_map_note(m, " |\n");
    }
}

/* Returns the bundle's vulnerability for cve, or NULL. */
static json_t *find_vulnerability(struct cg_mapper *m, const char *cve)
{
    char id[CG_STIX_ID_SIZE];

    if (!cve || !cg_cve_id_valid(cve))
        return NULL;
    if (cg_stix_id_named("vulnerability", cve, id) != CG_OK) {
        cg_map_fail(m);
        return NULL;
    }
    return cg_bundle_get(m->bundle, id);
}

/* The vulnerability an Exploit-DB row belongs to: the one its own cve_id
 * names (NULL when the bundle has none), else the row's. */
static json_t *exploit_target(struct cg_mapper *m, const json_t *edb,
                              json_t *vuln)
{
    const char *cve = cg_map_str(edb, "cve_id");

    if (!cve || !cg_cve_id_valid(cve))
        return vuln;
    return find_vulnerability(m, cve);
}

/* Adds an Exploit-DB row to its vulnerability and to the note, writing
 * the table header before the first row (*header tracks that). */
static void map_exploit(struct cg_mapper *m, const json_t *edb, json_t *vuln,
                        bool *header)
{
    json_t *target = exploit_target(m, edb, vuln);
    long long edb_id;
    char url[96];
    char text[32];

    if (!target || !cg_json_int(edb, "edb_id", &edb_id) || edb_id <= 0)
        return;
    snprintf(url, sizeof(url), "https://www.exploit-db.com/exploits/%lld",
             edb_id);
    snprintf(text, sizeof(text), "%lld", edb_id);
    if (cg_stix_add_external_ref(target, "exploit-db", url, text, NULL) !=
        CG_OK)
        cg_map_fail(m);
    cg_map_label(m, target, "exploit-db");
    cg_map_set(m, target, "x_criminalip_has_public_exploit", json_true());
    if (!*header)
        cg_map_note(m, "\n## Public exploits\n\n| Exploit-DB | CVE | "
                       "Title |\n|---|---|---|\n");
    *header = true;
    cg_map_note(m, "| [%lld](%s) | ", edb_id, url);
    cg_map_note_code(m, cg_map_str(edb, "cve_id"));
    cg_map_note(m, " | ");
    cg_map_note_text(m, cg_map_str(edb, "title"));
    cg_map_note(m, " |\n");
}

/* Second pass over the CVEs, once all of them exist: Exploit-DB rows. */
static void map_exploits(struct cg_mapper *m, const json_t *report)
{
    json_t *rows = cg_json_rows(report, "vulnerability");
    bool header = false;
    size_t i;
    json_t *row;

    json_array_foreach(rows, i, row) {
        json_t *edbs = cg_json_arr(row, "list_edb");
        json_t *vuln;
        size_t j;
        json_t *edb;

        if (i >= CG_MAP_MAX_CVES)
            break;
        vuln = find_vulnerability(m, cg_map_str(row, "cve_id"));
        if (!edbs || !vuln)
            continue;
        json_array_foreach(edbs, j, edb) {
            if (!cg_map_within(m, "list_edb", j, json_array_size(edbs),
                               CG_MAP_MAX_EXPLOITS))
                break;
            map_exploit(m, edb, vuln, &header);
        }
    }
}

/* Counts distinct (port, socket) pairs whose port_status is not
 * "closed". */
static int count_open_ports(const json_t *rows)
{
    json_t *seen = json_object();
    size_t i;
    json_t *row;
    int count;

    if (!seen)
        return -1;
    json_array_foreach(rows, i, row) {
        const char *status = cg_map_str(row, "port_status");
        const char *socket = cg_map_str(row, "socket");
        long long port;
        char key[32];

        if (!cg_json_int(row, "open_port_no", &port) || port < 0 ||
            port > 65535 || (status && strcasecmp(status, "closed") == 0))
            continue;
        snprintf(key, sizeof(key), "%lld/%.8s", port, socket ? socket : "");
        for (char *p = key; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        json_object_set_new(seen, key, json_true());
    }
    count = (int)json_object_size(seen);
    json_decref(seen);
    return count;
}

static void note_port_row(struct cg_mapper *m, const json_t *row)
{
    static const struct cg_map_column middle[] = {
        {"socket", NULL, CG_MAP_CELL_TEXT},
        {"protocol", NULL, CG_MAP_CELL_TEXT},
        {"app_name", NULL, CG_MAP_CELL_TEXT},
        {"app_version", NULL, CG_MAP_CELL_TEXT},
    };
    const char *status = cg_map_str(row, "port_status");
    json_t *tags = cg_json_arr(row, "tags");
    bool vulnerable;
    long long port;
    size_t i;
    json_t *tag;

    cg_map_note(m, "| ");
    if (cg_json_int(row, "open_port_no", &port))
        cg_map_note(m, "%lld", port);
    if (status && strcasecmp(status, "closed") == 0)
        cg_map_note(m, " (closed)");
    cg_map_note(m, " |");
    for (i = 0; i < CG_ARRAY_LEN(middle); i++) {
        cg_map_note(m, " ");
        cg_map_note_text(m, cg_map_str(row, middle[i].key));
        cg_map_note(m, " |");
    }
    json_array_foreach(tags, i, tag) {
        if (i >= 10)
            break;
        cg_map_note(m, i ? ", " : " ");
        cg_map_note_text(m, json_string_value(tag));
    }
    if (cg_json_bool(row, "is_vulnerability", &vulnerable))
        cg_map_note(m, " | %s |\n", vulnerable ? "yes" : "no");
    else
        cg_map_note(m, " | |\n");
}

/* Adds a port's JARM hash to hashes unless it is empty or all zeros
 * (no TLS response). */
static void collect_jarm(struct cg_mapper *m, json_t *hashes, const json_t *row)
{
    const char *jarm = cg_map_str(row, "jarm_hash");
    size_t len = jarm ? strspn(jarm, "0123456789abcdefABCDEF") : 0;
    size_t i;
    json_t *item;

    if (!hashes || len == 0 || len > 64 || jarm[len] != '\0' ||
        strspn(jarm, "0") == len ||
        json_array_size(hashes) >= CG_MAP_MAX_HASHES)
        return;
    json_array_foreach(hashes, i, item) {
        if (strcmp(json_string_value(item), jarm) == 0)
            return;
    }
    if (json_array_append_new(hashes, json_string(jarm)))
        cg_map_fail(m);
}

static void map_ports(struct cg_mapper *m, const json_t *report,
                      struct ip_facts *f)
{
    json_t *rows = cg_json_rows(report, "port");
    json_t *jarms = json_array();
    size_t i;
    json_t *row;

    f->open_ports = count_open_ports(rows);
    if (!jarms)
        cg_map_fail(m);
    if (json_array_size(rows))
        cg_map_note(m, "\n## Open ports\n\n| Port | Socket | Protocol | "
                       "Product | Version | Tags | CVE |\n"
                       "|---|---|---|---|---|---|---|\n");
    json_array_foreach(rows, i, row) {
        json_t *techs = cg_json_arr(row, "technologies");
        size_t j;
        json_t *tech;

        if (!cg_map_within(m, "port", i, json_array_size(rows),
                           CG_MAP_MAX_PORTS))
            break;
        note_port_row(m, row);
        map_product(m, f, cg_map_str(row, "app_name"),
                    cg_map_str(row, "app_version"));
        json_array_foreach(techs, j, tech) {
            map_product(m, f, cg_map_str(tech, "tech_name"),
                        cg_map_str(tech, "tech_version"));
        }
        collect_jarm(m, jarms, row);
    }
    if (json_array_size(jarms))
        cg_map_set(m, m->subject, "x_criminalip_jarm_hashes",
                   json_incref(jarms));
    json_decref(jarms);
}

/* Adds a domain-name for one certificate name, linked to the cert. */
static void map_cert_name(struct cg_mapper *m, struct ip_facts *f,
                          const char *name, size_t len, json_t *cert)
{
    char text[CG_HOST_NAME_SIZE];
    bool wildcard;
    json_t *domain;

    if (len == 0 || len >= sizeof(text))
        return;
    if (!cg_map_within(m, "certificate names", f->cert_names_seen++, 0,
                       CG_MAP_MAX_DOMAINS))
        return;
    memcpy(text, name, len);
    text[len] = '\0';
    domain = cg_map_domain_name(m, text, &wildcard);
    /* A wildcard name ("*.example.com") covers the hosts under the domain,
     * which is kept without the "*." and labelled. */
    if (wildcard)
        cg_map_label(m, domain, "wildcard-certificate");
    cg_map_relate(m, "related-to", domain, cert, NULL);
}

/* The names a port's certificate covers: sdn_common_name and the
 * comma-separated dns_names. */
static void map_cert_names(struct cg_mapper *m, struct ip_facts *f,
                           const json_t *row, json_t *cert)
{
    const char *common = cg_map_str(row, "sdn_common_name");
    const char *names = cg_map_str(row, "dns_names");
    size_t count = 0;

    if (common)
        map_cert_name(m, f, common, strlen(common), cert);
    while (names && *names && count < CG_MAP_MAX_CERT_NAMES) {
        size_t len = strcspn(names, ",");

        map_cert_name(m, f, names, len, cert);
        count++;
        names += len;
        names += *names == ',';
    }
}

static void note_cert_row(struct cg_mapper *m, const json_t *row,
                          const struct cg_x509_text *text)
{
    long long port;

    cg_map_note(m, "| ");
    if (cg_json_int(row, "open_port_no", &port))
        cg_map_note(m, "%lld", port);
    cg_map_note(m, " | ");
    cg_map_note_text(m, text->subject);
    cg_map_note(m, " | ");
    cg_map_note_code(m, text->serial);
    cg_map_note(m, " | ");
    cg_map_note_text(m, text->issuer);
    cg_map_note(m, " | %s | ", text->not_after);
    cg_map_note_code(m, cg_map_str(row, "dns_names"));
    cg_map_note(m, " |\n");
}

/* Maps the certificate a port presented, when the row describes one. */
static void map_port_certificate(struct cg_mapper *m, struct ip_facts *f,
                                 const json_t *row)
{
    const char *raw = cg_map_str(row, "ssl_info_raw");
    const char *common = cg_map_str(row, "sdn_common_name");
    struct cg_x509_text text;
    struct cg_x509_fields fields;
    json_t *cert;

    if (!raw && !common && !cg_map_str(row, "dns_names"))
        return;
    if (!cg_map_within(m, "certificate", f->certificates_seen++, 0,
                       CG_MAP_MAX_CERTS))
        return;
    cg_x509_text_parse(raw ? raw : "", &text);
    if (!text.subject[0] && common && strlen(common) < 1000)
        snprintf(text.subject, sizeof(text.subject), "CN=%s", common);
    cg_x509_text_fields(&text, &fields);
    cert = cg_map_certificate(m, &fields);
    cg_map_relate(m, "related-to", m->subject, cert, NULL);
    map_cert_names(m, f, row, cert);
    note_cert_row(m, row, &text);
}

static void map_certificates(struct cg_mapper *m, const json_t *report,
                             struct ip_facts *f)
{
    json_t *rows = cg_json_rows(report, "port");
    bool header = false;
    size_t i;
    json_t *row;

    json_array_foreach(rows, i, row) {
        if (i >= CG_MAP_MAX_PORTS)
            break;
        if (!header && (cg_map_str(row, "ssl_info_raw") ||
                        cg_map_str(row, "sdn_common_name") ||
                        cg_map_str(row, "dns_names"))) {
            cg_map_note(m, "\n## Certificates\n\n| Port | Subject | Serial | "
                           "Issuer | Not after | Names |\n"
                           "|---|---|---|---|---|---|\n");
            header = true;
        }
        map_port_certificate(m, f, row);
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

static void map_indicator(struct cg_mapper *m, const struct ip_facts *f,
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
static void describe_address(struct cg_mapper *m, const struct ip_facts *f,
                             const json_t *report,
                             const struct cg_summary *summary)
{
    json_t *whois = json_array_get(cg_json_rows(report, "whois"), 0);
    const char *city = cg_map_str(whois, "city");
    const char *country = cg_country_name(summary->country);
    struct cg_buf text = CG_BUF_INIT;

    if (!country && summary->country[0])
        country = summary->country;
    cg_map_buf_printf(m, &text,
                      "Criminal IP scores this address inbound %s and "
                      "outbound %s (score %d).",
                      f->inbound ? f->inbound : "unknown",
                      f->outbound ? f->outbound : "unknown", f->score);
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
    cg_map_buf_printf(m, &text, " Open ports: %d. CVEs: %d.",
                      f->open_ports < 0 ? 0 : f->open_ports,
                      f->cve_total < 0 ? 0 : f->cve_total);
    cg_map_describe_flags(m, &text, summary->flags);
    cg_map_describe(m, m->subject, cg_buf_str(&text));
    cg_buf_release(&text);
}

static void note_header(struct cg_mapper *m, const struct ip_facts *f,
                        bool malicious, const char *reasons)
{
    cg_map_note(m, "# Criminal IP report for %s\n\n", f->ip);
    cg_map_note(m,
                "| Inbound | Outbound | Score | Verdict |\n"
                "|---|---|---|---|\n| %s | %s | %d | %s |\n",
                f->inbound ? f->inbound : "", f->outbound ? f->outbound : "",
                f->score, malicious ? "malicious" : "not malicious");
    if (malicious)
        cg_map_note(m, "\nReasons: %s.\n", reasons);
}

/* Copies a score word into a summary field. */
static void copy_word(char *out, size_t size, const char *word)
{
    snprintf(out, size, "%s", word ? word : "");
}

static void fill_summary(const struct cg_mapper *m, const struct ip_facts *f,
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
}

/* Every mapping step, in note order. */
static void map_report(struct cg_mapper *m, const json_t *report,
                       struct ip_facts *f, struct cg_summary *summary)
{
    struct cg_buf reasons = CG_BUF_INIT;
    bool malicious = judge(m, f, &reasons);

    cg_map_set_text(m, m->subject, "x_criminalip_inbound_score", f->inbound);
    cg_map_set_text(m, m->subject, "x_criminalip_outbound_score", f->outbound);
    cg_map_score(m, m->subject, f->score);
    map_labels(m, report);
    note_header(m, f, malicious, cg_buf_str(&reasons));
    map_whois(m, report, summary);
    map_ports(m, report, f);
    map_certificates(m, report, f);
    map_vulnerabilities(m, report, f);
    map_exploits(m, report);
    map_activity(m, report);
    map_domains(m, report);
    map_origins(m, report);
    map_context(m, report);
    if (malicious)
        map_indicator(m, f, cg_buf_str(&reasons));
    fill_summary(m, f, malicious, summary);
    describe_address(m, f, report, summary);
    cg_buf_release(&reasons);
}

enum cg_err cg_map_ip_report(struct cg_bundle *bundle, const char *ip,
                             const json_t *report,
                             const struct cg_map_opts *opts,
                             struct cg_summary *summary, struct cg_error *err)
{
    struct cg_summary unused;
    struct ip_facts facts;
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
    memset(&facts, 0, sizeof(facts));
    facts.ip = ip;
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
