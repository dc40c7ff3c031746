/*
 * The services part of an IP report mapped to STIX: open ports and the
 * software behind them, CVEs with their CVSS scores and Exploit-DB
 * exploits, and the TLS certificates ports present with the names they
 * cover. Each section also writes its table into the report note.
 */
#include "core/json.h"
#include "stix/map.h"
#include "stix/map_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Adds a software for a product and links the address to it. */
static void map_product(struct cg_mapper *m, struct cg_ip_facts *f,
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

static json_t *map_vulnerability_row(struct cg_mapper *m, struct cg_ip_facts *f,
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

void cg_map_ip_vulnerabilities(struct cg_mapper *m, const json_t *report,
                               struct cg_ip_facts *f)
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
void cg_map_ip_exploits(struct cg_mapper *m, const json_t *report)
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

void cg_map_ip_ports(struct cg_mapper *m, const json_t *report,
                     struct cg_ip_facts *f)
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
static void map_cert_name(struct cg_mapper *m, struct cg_ip_facts *f,
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
static void map_cert_names(struct cg_mapper *m, struct cg_ip_facts *f,
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
static void map_port_certificate(struct cg_mapper *m, struct cg_ip_facts *f,
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

void cg_map_ip_certificates(struct cg_mapper *m, const json_t *report,
                            struct cg_ip_facts *f)
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
