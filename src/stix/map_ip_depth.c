/*
 * The --deep extras of an IP mapped to STIX. malicious-info and
 * suspicious-info add what the IP report lacks: Criminal IP's own
 * is_malicious verdict, remote-access ports, open ports with their
 * vulnerability flag, the scanning and abuse record counts and the
 * representative domain. map_ip.c calls these steps inside its own
 * mapping, so one note, one verdict and one summary cover both sources.
 */
#include "core/json.h"
#include "stix/map.h"
#include "stix/map_internal.h"

#include <stdio.h>
#include <string.h>

/* The extras' bodies when they are JSON objects, else NULL. */
static const json_t *malicious_body(const struct cg_ip_extra *extra)
{
    return extra && json_is_object(extra->malicious) ? extra->malicious : NULL;
}

static const json_t *suspicious_body(const struct cg_ip_extra *extra)
{
    return extra && json_is_object(extra->suspicious) ? extra->suspicious
                                                      : NULL;
}

/* True when a call was requested (or a body given) but no usable body
 * came back. */
static bool missing(const json_t *given, const json_t *usable,
                    const char *error)
{
    return !usable && (given || error);
}

/* A section's total: obj[key].count when it is a number, else the number
 * of its rows. */
static long long section_count(const json_t *obj, const char *key)
{
    const json_t *section = cg_json_obj(obj, key);
    long long count;

    if (cg_json_int(section, "count", &count) && count >= 0)
        return count;
    return (long long)json_array_size(cg_json_rows(obj, key));
}

/* Counts the open-port rows whose flag (has_vulnerability in
 * malicious-info, is_vulnerability in suspicious-info) is true. */
static size_t count_vulnerable(const json_t *body, const char *flag)
{
    json_t *rows = cg_json_rows(body, "current_opened_port");
    size_t count = 0;
    size_t i;
    json_t *row;

    json_array_foreach(rows, i, row) {
        if (cg_json_is_true(row, flag))
            count++;
    }
    return count;
}

void cg_map_ip_extra_read(const struct cg_ip_extra *extra,
                          struct cg_ip_extra_facts *facts)
{
    const json_t *malicious = malicious_body(extra);
    const json_t *suspicious = suspicious_body(extra);
    size_t vulnerable;
    long long abuse;

    memset(facts, 0, sizeof(*facts));
    if (!extra)
        return;
    facts->incomplete =
        missing(extra->malicious, malicious, extra->malicious_error) ||
        missing(extra->suspicious, suspicious, extra->suspicious_error);
    facts->is_malicious = cg_json_is_true(malicious, "is_malicious");
    facts->remote_access = cg_json_is_true(malicious, "can_remote_access");
    facts->scanning_records = section_count(malicious, "scanning_record");
    facts->ids_rows = section_count(malicious, "ids");
    if (section_count(suspicious, "ids") > facts->ids_rows)
        facts->ids_rows = section_count(suspicious, "ids");
    if (cg_json_int(suspicious, "abuse_record_count", &abuse) && abuse > 0)
        facts->abuse_records = abuse;
    facts->vulnerable_ports = count_vulnerable(malicious, "has_vulnerability");
    vulnerable = count_vulnerable(suspicious, "is_vulnerability");
    if (vulnerable > facts->vulnerable_ports)
        facts->vulnerable_ports = vulnerable;
    facts->representative = cg_map_str(suspicious, "representative_domain");
    cg_map_ip_malicious_category(cg_json_rows(malicious, "ip_category"),
                                 facts->category);
}

static void map_labels(struct cg_mapper *m, const struct cg_ip_extra_facts *d,
                       const json_t *malicious, const json_t *suspicious)
{
    /* malicious-info carries is_vpn and is_anonymous_vpn at its top level,
     * suspicious-info the whole issues object. */
    cg_map_ip_issue_labels(m, malicious);
    cg_map_ip_issue_labels(m, cg_json_obj(suspicious, "issues"));
    cg_map_ip_category_labels(m, cg_json_rows(malicious, "ip_category"),
                              "malicious-info ip_category");
    if (d->remote_access)
        cg_map_label(m, m->subject, "remote-access");
    if (d->vulnerable_ports > 0)
        cg_map_label(m, m->subject, "vulnerable-service");
    if (d->ids_rows > 0)
        cg_map_label(m, m->subject, "ids-alert");
    if (d->scanning_records > 0)
        cg_map_label(m, m->subject, "scanning");
    if (d->abuse_records > 0)
        cg_map_label(m, m->subject, "abuse-record");
}

/* The representative domain is a host name Criminal IP saw on the
 * address, so it resolves to it. */
static void map_representative(struct cg_mapper *m, const char *name)
{
    json_t *domain = name ? cg_map_domain_name(m, name, NULL) : NULL;

    cg_map_relate(m, "resolves-to", domain, m->subject,
                  "Criminal IP names this domain as the address's "
                  "representative domain.");
}

/* One row of the "Deep lookups" table for a call that gave no body. */
static void note_failure(struct cg_mapper *m, const char *name,
                         const char *error)
{
    cg_map_note(m, "| %s | not fetched: ", name);
    cg_map_note_text(m, error ? error : "the body is not a JSON object");
    cg_map_note(m, " |\n");
}

static void note_status(struct cg_mapper *m, const struct cg_ip_extra *extra,
                        const struct cg_ip_extra_facts *d)
{
    const json_t *malicious = malicious_body(extra);
    const json_t *suspicious = suspicious_body(extra);

    cg_map_note(m, "\n## Deep lookups\n\n| Lookup | Result |\n|---|---|\n");
    if (malicious)
        cg_map_note(m,
                    "| malicious-info | is_malicious: %s; remote access: %s; "
                    "vulnerable open ports: %zu; scanning records: %lld |\n",
                    d->is_malicious ? "yes" : "no",
                    d->remote_access ? "yes" : "no", d->vulnerable_ports,
                    d->scanning_records);
    else if (missing(extra->malicious, malicious, extra->malicious_error))
        note_failure(m, "malicious-info", extra->malicious_error);
    if (suspicious) {
        cg_map_note(m,
                    "| suspicious-info | abuse records: %lld; "
                    "representative domain: ",
                    d->abuse_records);
        if (d->representative)
            cg_map_note_code(m, d->representative);
        else
            cg_map_note(m, "none");
        cg_map_note(m, " |\n");
    } else if (missing(extra->suspicious, suspicious,
                       extra->suspicious_error)) {
        note_failure(m, "suspicious-info", extra->suspicious_error);
    }
}

/* Port tables; and IDS tables when the report itself listed no IDS
 * signal, so that the note shows the rows behind the "ids-alert" label. */
static void note_tables(struct cg_mapper *m, const json_t *malicious,
                        const json_t *suspicious, size_t report_ids_rows)
{
    static const struct cg_map_column remote[] = {
        {"port", NULL, CG_MAP_CELL_NUMBER},
        {"socket_type", NULL, CG_MAP_CELL_TEXT},
        {"confirmed_time", NULL, CG_MAP_CELL_TEXT},
    };
    static const struct cg_map_column open_m[] = {
        {"port", NULL, CG_MAP_CELL_NUMBER},
        {"socket_type", NULL, CG_MAP_CELL_TEXT},
        {"protocol", NULL, CG_MAP_CELL_TEXT},
        {"product_name", NULL, CG_MAP_CELL_TEXT},
        {"product_version", NULL, CG_MAP_CELL_TEXT},
        {"has_vulnerability", NULL, CG_MAP_CELL_FLAG},
        {"confirmed_time", NULL, CG_MAP_CELL_TEXT},
    };
    static const struct cg_map_column open_s[] = {
        {"port", NULL, CG_MAP_CELL_NUMBER},
        {"socket_type", NULL, CG_MAP_CELL_TEXT},
        {"protocol", NULL, CG_MAP_CELL_TEXT},
        {"product_name", NULL, CG_MAP_CELL_TEXT},
        {"product_version", NULL, CG_MAP_CELL_TEXT},
        {"is_vulnerability", NULL, CG_MAP_CELL_FLAG},
        {"confirmed_time", NULL, CG_MAP_CELL_TEXT},
    };
    static const struct cg_map_column ids[] = {
        {"confirmed_time", NULL, CG_MAP_CELL_TEXT},
        {"classification", NULL, CG_MAP_CELL_TEXT},
        {"message", NULL, CG_MAP_CELL_TEXT},
        {"source_system", NULL, CG_MAP_CELL_TEXT},
    };
    static const char open_header[] = "| Port | Socket | Protocol | Product | "
                                      "Version | Vulnerable | Confirmed |";
    static const char ids_header[] =
        "| Date | Classification | Message | Source |";

    cg_map_note_table(
        m, cg_json_rows(malicious, "remote_port"), "malicious-info remote_port",
        "Remote access ports (malicious-info)", "| Port | Socket | Confirmed |",
        remote, CG_ARRAY_LEN(remote));
    cg_map_note_table(m, cg_json_rows(malicious, "current_opened_port"),
                      "malicious-info current_opened_port",
                      "Open ports (malicious-info)", open_header, open_m,
                      CG_ARRAY_LEN(open_m));
    cg_map_note_table(m, cg_json_rows(suspicious, "current_opened_port"),
                      "suspicious-info current_opened_port",
                      "Open ports (suspicious-info)", open_header, open_s,
                      CG_ARRAY_LEN(open_s));
    if (report_ids_rows > 0)
        return;
    cg_map_note_table(m, cg_json_rows(malicious, "ids"), "malicious-info ids",
                      "IDS signals (malicious-info)", ids_header, ids,
                      CG_ARRAY_LEN(ids));
    cg_map_note_table(m, cg_json_rows(suspicious, "ids"), "suspicious-info ids",
                      "IDS signals (suspicious-info)", ids_header, ids,
                      CG_ARRAY_LEN(ids));
}

void cg_map_ip_extra_map(struct cg_mapper *m, const struct cg_ip_facts *f)
{
    const json_t *malicious = malicious_body(f->extra);
    const json_t *suspicious = suspicious_body(f->extra);

    if (!f->extra)
        return;
    map_labels(m, &f->deep, malicious, suspicious);
    map_representative(m, f->deep.representative);
    note_status(m, f->extra, &f->deep);
    note_tables(m, malicious, suspicious, f->ids_rows);
}
