/*
 * Assembling the IP bodies from the shared section builders. Key order
 * follows the recorded samples, although JSON clients must not rely on it.
 */
#include "ip_report.h"

#include "ip_rows.h"
#include "text.h"

static json_t *score_object(const struct cg_sim_ip_profile *p)
{
    json_t *score = json_object();

    cg_sim_set_text(score, "inbound", cg_sim_score_word(p->inbound, true));
    cg_sim_set_text(score, "outbound", cg_sim_score_word(p->outbound, true));
    return score;
}

json_t *cg_sim_ip_report(const struct cg_sim_ip_profile *p, bool full)
{
    size_t max_rows = full ? CG_SIM_ROWS_FULL : CG_SIM_ROWS_SHORT;
    json_t *body = json_object();

    cg_sim_set_text(body, "ip", p->ip);
    json_object_set_new(body, "issues", cg_sim_issues_object(p, true));
    json_object_set_new(body, "score", score_object(p));
    cg_sim_set_int(body, "user_search_count", p->user_search_count);
    json_object_set_new(body, "protected_ip",
                        cg_sim_rows_protected_ip(p, max_rows));
    json_object_set_new(body, "domain", cg_sim_rows_domain(p, max_rows));
    json_object_set_new(body, "whois", cg_sim_rows_whois(p));
    json_object_set_new(body, "hostname", cg_sim_rows_hostname(p));
    json_object_set_new(body, "ids", cg_sim_rows_ids(p));
    json_object_set_new(body, "vpn", cg_sim_rows_vpn(p, false));
    json_object_set_new(body, "anonymous_vpn", cg_sim_rows_vpn(p, true));
    json_object_set_new(body, "webcam", cg_sim_rows_webcam(p));
    json_object_set_new(body, "honeypot", cg_sim_rows_honeypot(p));
    json_object_set_new(body, "ip_category", cg_sim_rows_ip_category(p));
    json_object_set_new(body, "port", cg_sim_rows_port(p, max_rows));
    json_object_set_new(body, "vulnerability",
                        cg_sim_rows_vulnerability(p, max_rows));
    json_object_set_new(body, "mobile", cg_sim_rows_mobile(p));
    cg_sim_set_int(body, "status", 200);
    return body;
}

static bool is_remote_access_port(unsigned port)
{
    return port == 22 || port == 23 || port == 2222 || port == 3389 ||
           port == 5900;
}

static json_t *remote_ports(const struct cg_sim_ip_profile *p)
{
    json_t *rows = json_array();

    for (size_t i = 0; i < p->port_count; i++) {
        json_t *row;

        if (!is_remote_access_port(p->ports[i].port))
            continue;
        row = json_object();
        cg_sim_set_text(row, "socket_type", "tcp");
        cg_sim_set_int(row, "port", p->ports[i].port);
        cg_sim_set_time(row, "confirmed_time", p->ports[i].confirmed);
        json_array_append_new(rows, row);
    }
    return cg_sim_section(rows, (long long)json_array_size(rows));
}

/*
 * Returns the current_opened_port section. malicious-info spells the flag
 * has_vulnerability, while suspicious-info spells it is_vulnerability and
 * adds tags.
 */
static json_t *opened_ports(const struct cg_sim_ip_profile *p,
                            bool suspicious_form)
{
    json_t *rows = json_array();

    for (size_t i = 0; i < p->port_count && i < CG_SIM_ROWS_FULL; i++) {
        const struct cg_sim_port *port = &p->ports[i];
        const struct cg_sim_product *product = port->product;
        json_t *row = json_object();

        if (suspicious_form)
            cg_sim_set_int(row, "port", port->port);
        cg_sim_set_text(row, "socket_type", "tcp");
        if (!suspicious_form)
            cg_sim_set_int(row, "port", port->port);
        cg_sim_set_text(row, "protocol", cg_sim_port_protocol(port));
        cg_sim_set_text(row, "product_name",
                        port->c2 ? port->c2->app_name : product->app_name);
        cg_sim_set_text(row, "product_version",
                        port->c2 ? "Unknown" : product->app_version);
        if (suspicious_form) {
            json_t *tags = json_array();

            if (port->c2)
                json_array_append_new(tags, json_string(p->feed->framework));
            else if (product->tag)
                json_array_append_new(tags, json_string(product->tag));
            json_object_set_new(row, "tags", tags);
        }
        cg_sim_set_bool(
            row, suspicious_form ? "is_vulnerability" : "has_vulnerability",
            cg_sim_port_is_vulnerable(port));
        cg_sim_set_time(row, "confirmed_time", port->confirmed);
        json_array_append_new(rows, row);
    }
    return cg_sim_section(rows, p->port_total);
}

static json_t *scanning_record(const struct cg_sim_ip_profile *p)
{
    json_t *rows = json_array();

    if (p->issues[CG_SIM_ISSUE_SCANNER]) {
        json_t *row = json_object();

        cg_sim_set_int(row, "count", p->honeypot_count ? p->honeypot_count : 1);
        cg_sim_set_text(row, "classification", "scanning");
        json_array_append_new(rows, row);
    }
    return cg_sim_section(rows, (long long)json_array_size(rows));
}

json_t *cg_sim_ip_malicious_info(const struct cg_sim_ip_profile *p)
{
    json_t *body = json_object();
    json_t *remote = remote_ports(p);
    bool malicious = p->feed != NULL || p->inbound >= CG_SIM_DANGEROUS ||
                     p->outbound >= CG_SIM_DANGEROUS;

    cg_sim_set_int(body, "status", 200);
    cg_sim_set_text(body, "ip", p->ip);
    cg_sim_set_bool(body, "is_malicious", malicious);
    cg_sim_set_bool(body, "is_vpn", p->issues[CG_SIM_ISSUE_VPN]);
    cg_sim_set_bool(body, "is_anonymous_vpn",
                    p->issues[CG_SIM_ISSUE_ANONYMOUS_VPN]);
    cg_sim_set_bool(body, "can_remote_access",
                    json_integer_value(json_object_get(remote, "count")) > 0);
    json_object_set_new(body, "remote_port", remote);
    json_object_set_new(body, "current_opened_port", opened_ports(p, false));
    json_object_set_new(body, "ids", cg_sim_rows_ids(p));
    json_object_set_new(body, "vulnerability",
                        cg_sim_rows_vulnerability(p, CG_SIM_ROWS_FULL));
    json_object_set_new(body, "webcam", cg_sim_rows_webcam(p));
    json_object_set_new(body, "scanning_record", scanning_record(p));
    json_object_set_new(body, "ip_category", cg_sim_rows_ip_category(p));
    return body;
}

json_t *cg_sim_ip_suspicious_info(const struct cg_sim_ip_profile *p)
{
    json_t *body = json_object();
    char domain[96];

    cg_sim_representative_domain(p, domain, sizeof(domain));
    cg_sim_set_int(body, "status", 200);
    cg_sim_set_text(body, "ip", p->ip);
    json_object_set_new(body, "score", score_object(p));
    json_object_set_new(body, "issues", cg_sim_issues_object(p, true));
    cg_sim_set_text(body, "representative_domain", domain);
    cg_sim_set_int(body, "abuse_record_count",
                   p->ids_count + p->honeypot_count);
    json_object_set_new(body, "whois", cg_sim_rows_whois(p));
    json_object_set_new(body, "ids", cg_sim_rows_ids(p));
    json_object_set_new(body, "current_opened_port", opened_ports(p, true));
    return body;
}
