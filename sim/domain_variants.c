/*
 * The v1 and lite report shapes, derived from the v2 report so that all
 * three agree on every value they share. The v1 differences follow a 2022
 * recording of /v1/domain/report, including its "pregma" and
 * "client-initiated_ssl_renegotiation" key spellings and null TLS details.
 */
#include "domain_report.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

/* Rewrites obj[key] from a lower-case score word to a capitalised one. */
static void capitalise_score(json_t *obj, const char *key)
{
    const char *word = json_string_value(json_object_get(obj, key));
    int level;

    if (word && cg_sim_score_parse(word, &level))
        cg_sim_set_text(obj, key, cg_sim_score_word(level, true));
}

static void capitalise_rows(json_t *rows, const char *key)
{
    size_t index;
    json_t *row;

    json_array_foreach(rows, index, row)
    {
        capitalise_score(row, key);
    }
}

/* Turns obj[key] from a decimal string into an integer. */
static void string_to_integer(json_t *obj, const char *key)
{
    const char *text = json_string_value(json_object_get(obj, key));
    long long value = 0;

    if (!text || sscanf(text, "%lld", &value) != 1)
        return;
    json_object_set_new(obj, key, json_integer(value));
}

static void rename_key(json_t *obj, const char *from, const char *to)
{
    json_t *value = json_object_get(obj, from);

    if (!value)
        return;
    json_object_set(obj, to, value);
    json_object_del(obj, from);
}

/* Replaces every empty string under value with null, recursively. */
static void empty_strings_to_null(json_t *value)
{
    const char *key;
    json_t *member;
    void *tmp;

    json_object_foreach_safe(value, tmp, key, member)
    {
        if (json_is_string(member) && json_string_length(member) == 0)
            json_object_set_new(value, key, json_null());
        else if (json_is_object(member))
            empty_strings_to_null(member);
    }
}

static void convert_network_logs(json_t *data)
{
    json_t *logs = json_object_get(data, "network_logs");
    json_t *rows = json_object_get(logs, "data");
    size_t index;
    json_t *row;

    if (!rows)
        return;
    json_array_foreach(rows, index, row)
    {
        string_to_integer(row, "as_number");
        capitalise_score(row, "score");
    }
    json_object_set(data, "network_logs", rows);
}

static void convert_ssl(json_t *data)
{
    json_t *detail = json_object_get(data, "ssl_detail");
    json_t *headers;

    if (!detail)
        return;
    json_incref(detail);
    json_object_del(data, "ssl_detail");
    headers =
        json_object_get(json_object_get(detail, "headers"), "security_headers");
    rename_key(headers, "pragma", "pregma");
    rename_key(json_object_get(detail, "vulnerable"),
               "client_initiated_ssl_renegotiation",
               "client-initiated_ssl_renegotiation");
    empty_strings_to_null(detail);
    json_object_set_new(data, "ssl", detail);
}

static void convert_scores(json_t *data)
{
    json_t *info = json_object_get(data, "main_domain_info");
    json_t *score = json_object_get(info, "domain_score");
    json_t *a = json_object_get(json_object_get(data, "dns_record"),
                                "dns_record_type_a");
    json_t *links = json_object_get(data, "html_page_link_domains");
    json_t *newer = json_object();
    size_t index;
    json_t *row;

    json_object_del(score, "score_percentage");
    json_object_set(newer, "score", json_object_get(score, "score"));
    json_object_set(newer, "score_num", json_object_get(score, "score_num"));
    json_object_set_new(data, "domain_score_new", newer);
    json_object_del(info, "dns_ip_asn");
    json_object_del(info, "jarm");
    capitalise_rows(json_object_get(data, "mapped_ip"), "score");
    capitalise_rows(json_object_get(a, "ipv4"), "score");
    capitalise_rows(json_object_get(a, "ipv6"), "score");
    json_array_foreach(links, index, row)
    {
        capitalise_rows(json_object_get(row, "mapped_ips"), "score");
    }
    json_array_foreach(json_object_get(data, "connected_ip_info"), index, row)
    {
        string_to_integer(row, "asn");
    }
}

static void convert_classification(json_t *data)
{
    json_t *classification = json_object_get(data, "classification");
    json_t *types = json_object_get(classification, "domain_type");
    const char *first =
        json_string_value(json_object_get(json_array_get(types, 0), "name"));

    /* v1 gave one string, and unclassified sites read "No Classification". */
    cg_sim_set_text(classification, "domain_type",
                    first && strcmp(first, "phishing") == 0
                        ? "phishing"
                        : "No Classification");
}

static void convert_summary(json_t *data)
{
    json_t *summary = json_object_get(data, "summary");
    json_t *abuse = json_object_get(summary, "abuse_record");

    if (!json_object_get(summary, "associated_ip"))
        cg_sim_set_text(summary, "associated_ip", "");
    if (!json_object_get(summary, "real_ip"))
        cg_sim_set_int(summary, "real_ip", 0);
    if (!json_object_get(abuse, "moderate"))
        cg_sim_set_int(abuse, "moderate", 0);
}

json_t *cg_sim_domain_report_v1(const struct cg_sim_site *site,
                                int64_t report_time)
{
    static const char *const removed[] = {
        "file_exposure", "main_certificate", "connected_ip",
        "page_networking_info", "report_time"};
    json_t *data = cg_sim_domain_report_v2(site, report_time);

    if (!data)
        return NULL;
    for (size_t i = 0; i < CG_ARRAY_LEN(removed); i++)
        json_object_del(data, removed[i]);
    convert_network_logs(data);
    convert_ssl(data);
    convert_scores(data);
    convert_classification(data);
    convert_summary(data);
    return data;
}

/* Returns the addresses of a v2 {ip, score} list as plain strings. */
static json_t *plain_addresses(const json_t *rows)
{
    json_t *list = json_array();
    size_t index;
    json_t *row;

    json_array_foreach(rows, index, row)
    {
        json_array_append(list, json_object_get(row, "ip"));
    }
    return list;
}

static json_t *lite_dns(const json_t *v2_dns)
{
    static const char *const copied[] = {
        "dns_record_type_cname", "dns_record_type_mx", "dns_record_type_ns",
        "dns_record_type_ptr", "dns_record_type_soa"};
    json_t *dns = json_object();
    json_t *a = json_object();
    json_t *v2_a = json_object_get(v2_dns, "dns_record_type_a");

    json_object_set_new(a, "ipv4",
                        plain_addresses(json_object_get(v2_a, "ipv4")));
    json_object_set_new(a, "ipv6",
                        plain_addresses(json_object_get(v2_a, "ipv6")));
    json_object_set_new(dns, "dns_record_type_a", a);
    for (size_t i = 0; i < CG_ARRAY_LEN(copied); i++)
        json_object_set(dns, copied[i], json_object_get(v2_dns, copied[i]));
    return dns;
}

static json_t *lite_summary(const json_t *v2_summary, const json_t *abuse)
{
    static const char *const copied[] = {
        "dga_score", "fake_https_url", "mail_server",      "overlong_domain",
        "punycode",  "symbol_url",     "url_phishing_prob"};
    json_t *summary = json_object();
    json_t *record = json_object();

    json_object_set(record, "critical", json_object_get(abuse, "critical"));
    json_object_set(record, "dangerous", json_object_get(abuse, "dangerous"));
    cg_sim_set_int(record, "moderate", 0);
    json_object_set_new(summary, "abuse_record", record);
    for (size_t i = 0; i < CG_ARRAY_LEN(copied); i++)
        json_object_set(summary, copied[i],
                        json_object_get(v2_summary, copied[i]));
    cg_sim_set_int(summary, "real_ip", 0);
    return summary;
}

static json_t *lite_classification(const json_t *v2)
{
    json_t *classification = json_object();
    json_t *types = json_array();
    size_t index;
    json_t *row;

    /* Lite reports list the type names as plain strings. */
    json_array_foreach(
        json_object_get(json_object_get(v2, "classification"), "domain_type"),
        index, row)
    {
        json_array_append(types, json_object_get(row, "name"));
    }
    json_object_set(
        classification, "dga_score",
        json_object_get(json_object_get(v2, "summary"), "dga_score"));
    json_object_set_new(classification, "domain_type", types);
    return classification;
}

static json_t *lite_domain_info(const json_t *v2)
{
    static const char *const keys[] = {"changed_url", "domain_created",
                                       "domain_registrar", "inserted_url",
                                       "main_domain"};
    const json_t *v2_info = json_object_get(v2, "main_domain_info");
    json_t *info = json_object();

    for (size_t i = 0; i < CG_ARRAY_LEN(keys); i++)
        json_object_set(info, keys[i], json_object_get(v2_info, keys[i]));
    return info;
}

/* Returns the v2 mapped_ip rows with upper-case countries, as lite
 * reports print them. */
static json_t *lite_mapped_ip(const json_t *v2)
{
    json_t *rows = json_deep_copy(json_object_get(v2, "mapped_ip"));
    size_t index;
    json_t *row;

    json_array_foreach(rows, index, row)
    {
        const char *country =
            json_string_value(json_object_get(row, "country"));
        char upper[3];

        if (country && strlen(country) == 2) {
            upper[0] = (char)(country[0] & ~0x20);
            upper[1] = (char)(country[1] & ~0x20);
            upper[2] = '\0';
            cg_sim_set_text(row, "country", upper);
        }
    }
    return rows;
}

json_t *cg_sim_domain_report_lite(const struct cg_sim_site *site,
                                  int64_t report_time)
{
    json_t *v2 = cg_sim_domain_report_v2(site, report_time);
    json_t *data;
    json_t *v2_summary;
    char score[32];

    if (!v2)
        return NULL;
    v2_summary = json_object_get(v2, "summary");
    data = json_object();
    json_object_set_new(data, "classification", lite_classification(v2));
    json_object_set_new(data, "dns_record",
                        lite_dns(json_object_get(v2, "dns_record")));
    snprintf(score, sizeof(score), "%d%% (%s)",
             cg_sim_site_score_percent(site->score),
             cg_sim_score_word(site->score, true));
    cg_sim_set_text(data, "domain_score", score);
    json_object_set_new(data, "main_domain_info", lite_domain_info(v2));
    json_object_set_new(data, "mapped_ip", lite_mapped_ip(v2));
    json_object_set_new(data, "real_ip", json_array());
    json_object_set(data, "report_time", json_object_get(v2, "report_time"));
    json_object_set_new(
        data, "summary",
        lite_summary(v2_summary, json_object_get(v2_summary, "abuse_record")));
    json_decref(v2);
    return data;
}
