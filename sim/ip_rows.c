/*
 * Section builders for IP bodies. Field names, nesting and value types
 * follow Criminal IP's IP report. Every section is {count, data[]},
 * org_country_code is lower case, CVSS scores are reals and the legacy
 * is_vuln flag is the string "True".
 */
#include "ip_rows.h"

#include "names.h"
#include "rng.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

#define DAY ((int64_t)86400)

/* The snort build string that Criminal IP prints in source_system. */
#define SNORT_SOURCE "./snort-2.9.0 9949"

/* Signature messages and documentation pages of Emerging Threats rules. */
static const struct {
    const char *classification;
    const char *message;
    const char *url;
} ids_rules[] = {
    {"attempted-recon", "ET SCAN Potential SSH Scan",
     "doc.emergingthreats.net/2001219"},
    {"attempted-recon", "ET SCAN Suspicious inbound to MSSQL port 1433",
     "doc.emergingthreats.net/2010935"},
    {"attempted-recon", "ET SCAN NMAP -sS window 1024",
     "doc.emergingthreats.net/2009582"},
    {"botcc", "ET CNC Feodo Tracker Reported CnC Server UDP group 3",
     "doc.emergingthreats.net/bin/view/Main/BotCC"},
    {"misc-attack", "ET DROP Dshield Block Listed Source", ""},
    {"misc-attack",
     "ET CINS Active Threat Intelligence Poor Reputation IP "
     "group 45",
     ""},
};

static const struct {
    unsigned port;
    const char *message;
    const char *user_agent;
} honeypot_events[] = {
    {22, "SSH-2.0-Go", "-"},
    {22, "SSH-2.0-libssh_0.9.6", "-"},
    {23, "login attempt root/xc3511", "-"},
    {80, "GET /.env HTTP/1.1", "Mozilla/5.0 zgrab/0.x"},
    {80, "GET /cgi-bin/luci/;stok=/locale HTTP/1.1", "Go-http-client/1.1"},
    {80, "POST /boaform/admin/formLogin HTTP/1.1", "python-requests/2.31.0"},
    {445, "SMB negotiate request", "-"},
    {3389, "RDP connection request, cookie: mstshash=Administr", "-"},
};

static const struct {
    const char *name;
    const char *source_url;
    bool anonymous;
} vpn_providers[] = {
    {"nordvpn", "https://nordvpn.com", false},
    {"expressvpn", "https://www.expressvpn.com", false},
    {"protonvpn", "https://protonvpn.com", false},
    {"vpngate", "https://www.vpngate.net", false},
    {"piavpn", "https://www.privateinternetaccess.com", true},
    {"mullvad", "https://mullvad.net", true},
};

static void seed(struct cg_sim_rng *rng, const struct cg_sim_ip_profile *p,
                 const char *section)
{
    char label[64];

    snprintf(label, sizeof(label), "ip.%s", section);
    cg_sim_rng_seed(rng, label, p->ip);
}

static int64_t day_start(int64_t t)
{
    return t - t % DAY;
}

static int64_t past_time(struct cg_sim_rng *rng, int max_days)
{
    return CG_SIM_IP_EPOCH - (int64_t)cg_sim_rng_range(rng, 0, max_days) * DAY -
           cg_sim_rng_range(rng, 0, (int)DAY - 1);
}

static size_t capped(long long total, size_t max_rows)
{
    return total < 0 ? 0 : (size_t)total < max_rows ? (size_t)total : max_rows;
}

json_t *cg_sim_rows_protected_ip(const struct cg_sim_ip_profile *p,
                                 size_t max_rows)
{
    json_t *rows = json_array();
    struct cg_sim_rng rng;
    size_t n = capped(p->protected_count, max_rows);

    seed(&rng, p, "protected_ip");
    for (size_t i = 0; i < n; i++) {
        const struct cg_sim_as *origin =
            cg_sim_as_pick(cg_sim_rng_next(&rng), CG_SIM_AS_HOSTING);
        char address[CG_SIM_ADDR_SIZE];
        json_t *row = json_object();

        cg_sim_as_address4(origin, cg_sim_rng_next(&rng), address);
        cg_sim_set_text(row, "ip_address", address);
        cg_sim_set_time(row, "confirmed_time", past_time(&rng, 300));
        json_array_append_new(rows, row);
    }
    return cg_sim_section(rows, p->protected_count);
}

void cg_sim_representative_domain(const struct cg_sim_ip_profile *p, char *out,
                                  size_t size)
{
    struct cg_sim_rng rng;

    out[0] = '\0';
    if (p->domain_total <= 0)
        return;
    seed(&rng, p, "domain");
    cg_sim_site_name(&rng, out, size);
}

json_t *cg_sim_rows_domain(const struct cg_sim_ip_profile *p, size_t max_rows)
{
    json_t *rows = json_array();
    struct cg_sim_rng rng;
    size_t n = capped(p->domain_total, max_rows);

    /* The first name drawn must match cg_sim_representative_domain(). */
    seed(&rng, p, "domain");
    for (size_t i = 0; i < n; i++) {
        char name[96];
        const struct cg_sim_registrar *registrar;
        int64_t created;
        json_t *row = json_object();

        cg_sim_site_name(&rng, name, sizeof(name));
        registrar = cg_sim_registrar_pick(&rng);
        created = day_start(past_time(&rng, 3000));
        cg_sim_set_text(row, "domain", name);
        cg_sim_set_text(row, "ip_type", i == 0 ? "A" : "Unknown");
        cg_sim_set_text(row, "registrar", registrar->name);
        cg_sim_set_time(row, "create_date", created);
        cg_sim_set_time(row, "confirmed_time", past_time(&rng, 200));
        cg_sim_set_text(row, "email", registrar->abuse_email);
        json_array_append_new(rows, row);
    }
    return cg_sim_section(rows, p->domain_total);
}

json_t *cg_sim_rows_whois(const struct cg_sim_ip_profile *p)
{
    json_t *rows = json_array();
    char country[3];
    json_t *row;

    if (!p->as)
        return cg_sim_section(rows, 0);
    country[0] = (char)(p->country[0] | 0x20);
    country[1] = (char)(p->country[1] | 0x20);
    country[2] = '\0';
    row = json_object();
    cg_sim_set_text(row, "as_name", p->as->as_name);
    cg_sim_set_int(row, "as_no", p->as->asn);
    cg_sim_set_text(row, "city", p->city);
    cg_sim_set_text(row, "region", p->region);
    cg_sim_set_text(row, "org_name", p->as->org_name);
    cg_sim_set_text(row, "postal_code", p->postal_code);
    cg_sim_set_real(row, "longitude", p->longitude);
    cg_sim_set_real(row, "latitude", p->latitude);
    cg_sim_set_text(row, "org_country_code", country);
    cg_sim_set_time(row, "confirmed_time", p->whois_confirmed);
    json_array_append_new(rows, row);
    return cg_sim_section(rows, 1);
}

json_t *cg_sim_rows_hostname(const struct cg_sim_ip_profile *p)
{
    json_t *rows = json_array();
    struct cg_sim_rng rng;
    char name[256];
    const char *registrable;
    json_t *row;

    if (!p->has_hostname || p->ipv6)
        return cg_sim_section(rows, 0);
    seed(&rng, p, "hostname");
    if (!cg_sim_as_hostname(p->as, p->addr4, cg_sim_rng_next(&rng), name,
                            sizeof(name)))
        return cg_sim_section(rows, 0);
    /* Every template ends in a two-label registrable domain. */
    registrable = name + strlen(name);
    for (int dots = 0; registrable > name; registrable--) {
        if (registrable[-1] == '.' && ++dots == 2)
            break;
    }
    row = json_object();
    cg_sim_set_text(row, "domain_name_rep", registrable);
    cg_sim_set_text(row, "domain_name_full", name);
    cg_sim_set_time(row, "confirmed_time", past_time(&rng, 365));
    json_array_append_new(rows, row);
    return cg_sim_section(rows, 1);
}

json_t *cg_sim_rows_ids(const struct cg_sim_ip_profile *p)
{
    json_t *rows = json_array();
    struct cg_sim_rng rng;

    seed(&rng, p, "ids");
    for (int i = 0; i < p->ids_count; i++) {
        size_t pick = p->issues[CG_SIM_ISSUE_SCANNER]
                          ? cg_sim_rng_below(&rng, 3)
                          : cg_sim_rng_below(&rng, CG_ARRAY_LEN(ids_rules));
        json_t *row = json_object();

        cg_sim_set_text(row, "classification", ids_rules[pick].classification);
        cg_sim_set_text(row, "url", ids_rules[pick].url);
        cg_sim_set_text(row, "message", ids_rules[pick].message);
        cg_sim_set_time(row, "confirmed_time", past_time(&rng, 120));
        cg_sim_set_text(row, "source_system", SNORT_SOURCE);
        json_array_append_new(rows, row);
    }
    return cg_sim_section(rows, p->ids_count);
}

json_t *cg_sim_rows_vpn(const struct cg_sim_ip_profile *p, bool anonymous)
{
    json_t *rows = json_array();
    struct cg_sim_rng rng;
    enum cg_sim_issue flag =
        anonymous ? CG_SIM_ISSUE_ANONYMOUS_VPN : CG_SIM_ISSUE_VPN;
    size_t pick;
    json_t *row;

    if (!p->issues[flag])
        return cg_sim_section(rows, 0);
    seed(&rng, p, anonymous ? "anonymous_vpn" : "vpn");
    do {
        pick = cg_sim_rng_below(&rng, CG_ARRAY_LEN(vpn_providers));
    } while (vpn_providers[pick].anonymous != anonymous);
    row = json_object();
    cg_sim_set_text(row, "vpn_name", vpn_providers[pick].name);
    cg_sim_set_text(row, "vpn_url", p->ip);
    cg_sim_set_text(row, "vpn_source_url", vpn_providers[pick].source_url);
    cg_sim_set_text(row, "socket_type",
                    cg_sim_rng_chance(&rng, 500) ? "tcp" : "udp");
    cg_sim_set_time(row, "confirmed_time", past_time(&rng, 90));
    json_array_append_new(rows, row);
    return cg_sim_section(rows, 1);
}

json_t *cg_sim_rows_webcam(const struct cg_sim_ip_profile *p)
{
    json_t *rows = json_array();
    struct cg_sim_rng rng;
    const struct cg_sim_country *country;
    char text[256];
    json_t *row;

    if (p->webcam_count == 0)
        return cg_sim_section(rows, 0);
    seed(&rng, p, "webcam");
    country = cg_sim_country_find(p->country);
    row = json_object();
    snprintf(text, sizeof(text),
             "https://s3.us-west-1.amazonaws.com/cip-web-screenshot-new/cctv/"
             "%s_8000_cctv.jpg",
             p->ip);
    cg_sim_set_text(row, "image_path", text);
    snprintf(text, sizeof(text),
             "http://%s:8000/ISAPI/Streaming/channels/101/picture", p->ip);
    cg_sim_set_text(row, "cam_url", text);
    cg_sim_set_text(row, "country", country ? country->name : NULL);
    cg_sim_set_text(row, "city", p->city);
    cg_sim_set_int(row, "open_port_no", 8000);
    cg_sim_set_text(row, "manufacturer", "Hikvision");
    cg_sim_set_time(row, "confirmed_time", past_time(&rng, 90));
    json_array_append_new(rows, row);
    return cg_sim_section(rows, 1);
}

json_t *cg_sim_rows_honeypot(const struct cg_sim_ip_profile *p)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
                                         "May", "Jun", "Jul", "Aug",
                                         "Sep", "Oct", "Nov", "Dec"};
    json_t *rows = json_array();
    struct cg_sim_rng rng;

    seed(&rng, p, "honeypot");
    for (int i = 0; i < p->honeypot_count; i++) {
        size_t pick = cg_sim_rng_below(&rng, CG_ARRAY_LEN(honeypot_events));
        int64_t when = past_time(&rng, 60);
        char stamp[CG_TIME_TEXT_SIZE];
        char message[192];
        json_t *row = json_object();

        /* The message starts with an Apache-style "[15/Jun/2023:00:00:10]"
         * stamp, built from the "YYYY-MM-DD HH:MM:SS" form. */
        cg_sim_format_time(when, stamp);
        snprintf(message, sizeof(message), "[%.2s/%s/%.4s:%.8s] %s", stamp + 8,
                 months[(stamp[5] - '0') * 10 + stamp[6] - '1'], stamp,
                 stamp + 11, honeypot_events[pick].message);
        cg_sim_set_text(row, "ip_address", p->ip);
        cg_sim_set_date(row, "log_date", when);
        cg_sim_set_int(row, "dst_port", honeypot_events[pick].port);
        cg_sim_set_text(row, "message", message);
        cg_sim_set_text(row, "user_agent", honeypot_events[pick].user_agent);
        cg_sim_set_text(row, "protocol_type", "tcp");
        cg_sim_set_date(row, "confirmed_time", when);
        json_array_append_new(rows, row);
    }
    return cg_sim_section(rows, p->honeypot_count);
}

static void add_category(json_t *rows, const char *type, json_t *info,
                         int64_t confirmed)
{
    json_t *row = json_object();

    cg_sim_set_text(row, "detect_source", "");
    cg_sim_set_text(row, "type", type);
    json_object_set_new(row, "detect_info", info ? info : json_object());
    cg_sim_set_time(row, "confirmed_time", confirmed);
    json_array_append_new(rows, row);
}

json_t *cg_sim_rows_ip_category(const struct cg_sim_ip_profile *p)
{
    json_t *rows = json_array();
    struct cg_sim_rng rng;
    const bool *is = p->issues;

    seed(&rng, p, "ip_category");
    if (p->feed) {
        json_t *info = json_object();

        cg_sim_set_text(info, "c2_framework", p->feed->framework);
        add_category(rows, "C2", info, p->feed->scan_time);
    }
    if (is[CG_SIM_ISSUE_CLOUD])
        add_category(rows, "cloud service", NULL, past_time(&rng, 700));
    else if (is[CG_SIM_ISSUE_HOSTING])
        add_category(rows, "hosting", NULL, past_time(&rng, 700));
    if (is[CG_SIM_ISSUE_SCANNER])
        add_category(rows, "scanner", NULL, past_time(&rng, 60));
    if (is[CG_SIM_ISSUE_VPN])
        add_category(rows, "vpn", NULL, past_time(&rng, 90));
    if (is[CG_SIM_ISSUE_TOR])
        add_category(rows, "tor", NULL, past_time(&rng, 30));
    if (is[CG_SIM_ISSUE_PROXY])
        add_category(rows, "proxy", NULL, past_time(&rng, 90));
    if (p->misp) {
        json_t *info = json_object();
        char md5[33];
        char domain[96];

        cg_sim_rng_hex(&rng, md5, 32, false);
        cg_sim_site_name(&rng, domain, sizeof(domain));
        cg_sim_set_text(info, "md5", md5);
        cg_sim_set_text(info, "domain", domain);
        add_category(rows, "MISP", info, past_time(&rng, 700));
    }
    return cg_sim_section(rows, (long long)json_array_size(rows));
}

const char *cg_sim_port_protocol(const struct cg_sim_port *port)
{
    if (!port->product)
        return port->tls ? "HTTPS" : "HTTP";
    if (port->tls && port->product->protocol_tls)
        return port->product->protocol_tls;
    return port->product->protocol_plain;
}

bool cg_sim_port_is_vulnerable(const struct cg_sim_port *port)
{
    return port->product && port->product->cves[0] != NULL;
}

static json_t *port_technologies(const struct cg_sim_port *port,
                                 struct cg_sim_rng *rng)
{
    json_t *list = json_array();
    const struct cg_sim_product *product = port->product;
    int extra;

    if (!product || !product->tech_name)
        return list;
    extra = cg_sim_rng_range(rng, 0, 2);
    for (int i = -1; i < extra; i++) {
        const char *name = product->tech_name;
        const char *version = product->tech_version;
        char logo[160];
        json_t *tech = json_object();

        if (i >= 0) {
            const struct cg_sim_technology *t = cg_sim_technology_pick(rng);

            name = t->name;
            version = t->version;
        }
        snprintf(logo, sizeof(logo),
                 "https://cip-live-image.s3.us-west-1.amazonaws.com/tech/"
                 "%s.svg",
                 name);
        cg_sim_set_text(tech, "tech_name", name);
        cg_sim_set_text(tech, "tech_version", version ? version : "");
        cg_sim_set_text(tech, "tech_logo_url", logo);
        json_array_append_new(list, tech);
    }
    return list;
}

/* Fills the certificate fields of a TLS port row. */
static void set_tls_fields(json_t *row, const struct cg_sim_ip_profile *p,
                           const struct cg_sim_port *port,
                           struct cg_sim_rng *rng)
{
    char name[128];
    char names[300];
    char jarm[63];
    char serial[33];
    char info[768];
    bool self_signed = port->c2 != NULL;

    if (self_signed) {
        snprintf(name, sizeof(name), "localhost");
    } else if (p->domain_total > 0) {
        cg_sim_representative_domain(p, name, sizeof(name));
    } else {
        cg_sim_site_name(rng, name, sizeof(name));
    }
    snprintf(names, sizeof(names), self_signed ? "%s" : "*.%s,%s", name, name);
    if (port->c2 && port->c2->jarm)
        snprintf(jarm, sizeof(jarm), "%s", port->c2->jarm);
    else if (p->as && p->as->asn == 13335)
        snprintf(jarm, sizeof(jarm), "%s", CG_SIM_JARM_CLOUDFLARE);
    else if (p->as && p->as->asn == 15169)
        snprintf(jarm, sizeof(jarm), "%s", CG_SIM_JARM_GOOGLE);
    else
        cg_sim_rng_hex(rng, jarm, 62, false);
    cg_sim_rng_hex(rng, serial, 32, false);
    snprintf(info, sizeof(info),
             "TLS Certificate\nVersion: 3\nSerial Number: %s\nSignature "
             "Algorithm: sha256WithRSAEncryption\nIssuer: %s\nSubject: "
             "CN=%s\n%s",
             serial,
             self_signed ? "CN=localhost" : "C=US, O=Let's Encrypt, CN=R3",
             name, self_signed ? "Self-signed certificate\n" : "");
    cg_sim_set_text(row, "dns_names", names);
    cg_sim_set_text(row, "sdn_common_name", name);
    cg_sim_set_text(row, "jarm_hash", jarm);
    cg_sim_set_text(row, "ssl_info_raw", info);
}

static json_t *port_row(const struct cg_sim_ip_profile *p,
                        const struct cg_sim_port *port, struct cg_sim_rng *rng)
{
    const struct cg_sim_product *product = port->product;
    json_t *row = json_object();
    json_t *tags = json_array();

    if (port->c2) {
        json_array_append_new(tags, json_string(p->feed->framework));
    } else if (product && product->tag) {
        json_array_append_new(tags, json_string(product->tag));
    }
    cg_sim_set_text(row, "app_name",
                    port->c2 ? port->c2->app_name : product->app_name);
    cg_sim_set_time(row, "confirmed_time", port->confirmed);
    cg_sim_set_text(row, "banner",
                    port->c2 ? "HTTP/1.1 404 Not Found\nContent-Type: "
                               "text/html\nContent-Length: 0"
                             : product->banner);
    cg_sim_set_text(row, "app_version",
                    port->c2 ? "Unknown" : product->app_version);
    cg_sim_set_int(row, "open_port_no", port->port);
    cg_sim_set_text(row, "port_status", "open");
    cg_sim_set_text(row, "protocol", cg_sim_port_protocol(port));
    cg_sim_set_text(row, "socket", product ? product->socket : "tcp");
    json_object_set_new(row, "tags", tags);
    if (port->tls) {
        set_tls_fields(row, p, port, rng);
    } else {
        json_object_set_new(row, "dns_names", json_null());
        json_object_set_new(row, "sdn_common_name", json_null());
        json_object_set_new(row, "jarm_hash", json_null());
        json_object_set_new(row, "ssl_info_raw", json_null());
    }
    json_object_set_new(row, "technologies", port_technologies(port, rng));
    /* Scanners leave the flag null when no product was fingerprinted. */
    if (port->c2)
        json_object_set_new(row, "is_vulnerability", json_null());
    else
        cg_sim_set_bool(row, "is_vulnerability",
                        cg_sim_port_is_vulnerable(port));
    return row;
}

json_t *cg_sim_rows_port(const struct cg_sim_ip_profile *p, size_t max_rows)
{
    json_t *rows = json_array();
    struct cg_sim_rng rng;
    size_t n = capped((long long)p->port_count, max_rows);

    seed(&rng, p, "port");
    for (size_t i = 0; i < n; i++)
        json_array_append_new(rows, port_row(p, &p->ports[i], &rng));
    return cg_sim_section(rows, p->port_total);
}

/* The CPE fields of a product: part "a" (application), the rest "*". */
static void set_cpe_fields(json_t *obj, const struct cg_sim_product *product)
{
    cg_sim_set_text(obj, "vendor", product->vendor);
    cg_sim_set_text(obj, "type", "a");
    cg_sim_set_text(obj, "is_vuln", "True");
    cg_sim_set_text(obj, "target_hw", "*");
    cg_sim_set_text(obj, "target_sw", "*");
    cg_sim_set_text(obj, "update", "*");
    cg_sim_set_text(obj, "edition", "*");
}

static json_t *exploit_rows(const char *cve_id)
{
    const struct cg_sim_exploit *found[4];
    size_t n = cg_sim_exploits_for(cve_id, found, CG_ARRAY_LEN(found));
    json_t *rows = json_array();

    for (size_t i = 0; i < n; i++) {
        json_t *row = json_object();

        cg_sim_set_text(row, "cve_id", found[i]->cve_id);
        cg_sim_set_int(row, "edb_id", found[i]->edb_id);
        cg_sim_set_text(row, "type", found[i]->type);
        cg_sim_set_text(row, "platform", found[i]->platform);
        cg_sim_set_int(row, "verify_code", found[i]->verify_code);
        cg_sim_set_text(row, "title", found[i]->title);
        cg_sim_set_text(row, "confirmed_time", found[i]->confirmed_date);
        json_array_append_new(rows, row);
    }
    return rows;
}

static json_t *cwe_rows(const struct cg_sim_cve *cve)
{
    json_t *rows = json_array();
    json_t *row;

    if (cve->cwe_id == 0)
        return rows;
    row = json_object();
    cg_sim_set_text(row, "cve_id", cve->id);
    cg_sim_set_int(row, "cwe_id", cve->cwe_id);
    cg_sim_set_text(row, "cwe_name", cve->cwe_name);
    cg_sim_set_text(row, "cwe_description", cve->cwe_description);
    json_array_append_new(rows, row);
    return rows;
}

/* Adds the ports of p that run product to the port lists of a CVE row. */
static void set_cve_ports(json_t *row, const struct cg_sim_ip_profile *p,
                          const struct cg_sim_product *product)
{
    json_t *tcp = json_array();
    json_t *list = json_object();
    json_t *ports = json_array();
    size_t matched = 0;

    for (size_t i = 0; i < p->port_count; i++) {
        json_t *entry;

        if (p->ports[i].product != product)
            continue;
        matched++;
        json_array_append_new(tcp, json_integer(p->ports[i].port));
        entry = json_object();
        cg_sim_set_int(entry, "port", p->ports[i].port);
        cg_sim_set_text(entry, "socket", product->socket);
        json_array_append_new(ports, entry);
    }
    json_object_set_new(list, "TCP", tcp);
    json_object_set_new(list, "UDP", json_array());
    json_object_set_new(row, "open_port_no_list", list);
    cg_sim_set_bool(row, "have_more_ports", matched > 5);
    json_object_set_new(row, "open_port_no", ports);
}

static json_t *cve_row(const struct cg_sim_ip_profile *p,
                       const struct cg_sim_product *product,
                       const struct cg_sim_cve *cve)
{
    json_t *row = json_object();
    json_t *child = json_object();
    json_t *children = json_array();

    cg_sim_set_text(row, "cve_id", cve->id);
    cg_sim_set_text(row, "cve_description", cve->description);
    cg_sim_set_text(row, "cvssv2_vector", cve->v2_vector);
    if (cve->v2_vector)
        cg_sim_set_real(row, "cvssv2_score", cve->v2_score);
    else
        json_object_set_new(row, "cvssv2_score", json_null());
    cg_sim_set_text(row, "cvssv3_vector", cve->v3_vector);
    cg_sim_set_real(row, "cvssv3_score", cve->v3_score);
    json_object_set_new(row, "list_cwe", cwe_rows(cve));
    json_object_set_new(row, "list_edb", exploit_rows(cve->id));
    cg_sim_set_text(row, "app_name", product->app_name);
    cg_sim_set_text(row, "app_version", product->app_version);
    set_cve_ports(row, p, product);
    cg_sim_set_text(child, "app_name", product->app_name);
    cg_sim_set_text(child, "app_version", product->app_version);
    set_cpe_fields(child, product);
    json_array_append_new(children, child);
    json_object_set_new(row, "list_child", children);
    set_cpe_fields(row, product);
    return row;
}

json_t *cg_sim_rows_vulnerability(const struct cg_sim_ip_profile *p,
                                  size_t max_rows)
{
    json_t *rows = json_array();
    const struct cg_sim_product *seen[CG_SIM_PORTS_MAX];
    size_t seen_count = 0;
    long long total = 0;

    for (size_t i = 0; i < p->port_count; i++) {
        const struct cg_sim_product *product = p->ports[i].product;
        bool duplicate = false;

        if (!product)
            continue;
        for (size_t j = 0; j < seen_count; j++)
            duplicate = duplicate || seen[j] == product;
        if (duplicate)
            continue;
        seen[seen_count++] = product;
        for (size_t c = 0; product->cves[c]; c++) {
            const struct cg_sim_cve *cve = cg_sim_cve_find(product->cves[c]);

            if (!cve)
                continue;
            total++;
            if (json_array_size(rows) < max_rows)
                json_array_append_new(rows, cve_row(p, product, cve));
        }
    }
    return cg_sim_section(rows, total);
}

json_t *cg_sim_rows_mobile(const struct cg_sim_ip_profile *p)
{
    static const char *const broadband[] = {"LTE", "5G", "3G"};
    json_t *rows = json_array();
    struct cg_sim_rng rng;

    seed(&rng, p, "mobile");
    for (int i = 0; i < p->mobile_count; i++) {
        json_t *row = json_object();

        cg_sim_set_text(row, "broadband", broadband[cg_sim_rng_below(&rng, 3)]);
        cg_sim_set_text(row, "organization",
                        p->as->mobile_name ? p->as->mobile_name
                                           : p->as->org_name);
        json_array_append_new(rows, row);
    }
    return cg_sim_section(rows, p->mobile_count);
}

json_t *cg_sim_issues_object(const struct cg_sim_ip_profile *p,
                             bool anonymous_vpn)
{
    json_t *issues = json_object();

    for (int i = 0; i < CG_SIM_ISSUE_COUNT; i++) {
        if (i == CG_SIM_ISSUE_ANONYMOUS_VPN && !anonymous_vpn)
            continue;
        cg_sim_set_bool(issues, cg_sim_issue_names[i], p->issues[i]);
    }
    return issues;
}
