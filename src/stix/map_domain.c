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
                              struct cg_domain_facts *f)
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

static void read_facts(const json_t *data, struct cg_domain_facts *f)
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
static bool is_phishing(const struct cg_domain_facts *f, double threshold)
{
    return (f->has_prob && f->prob >= threshold) || f->phishing_records > 0 ||
           f->suspicious_files > 0;
}

static int phishing_score(const struct cg_domain_facts *f)
{
    return f->has_prob ? (int)lround(f->prob) : 70;
}

/* Labels that describe how the page impersonates another site. */
static void label_impersonation(struct cg_mapper *m, json_t *obj,
                                struct cg_domain_facts *f)
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
                          struct cg_domain_facts *f, bool phishing)
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

/* The indicator's description: why it was emitted. */
static void describe_indicator(struct cg_mapper *m,
                               const struct cg_domain_facts *f, json_t *ind,
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

static void map_phishing_indicator(struct cg_mapper *m,
                                   struct cg_domain_facts *f)
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

static void note_summary(struct cg_mapper *m, const struct cg_domain_facts *f,
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
static void note_findings(struct cg_mapper *m, const struct cg_domain_facts *f)
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

static void note_connections(struct cg_mapper *m,
                             const struct cg_domain_facts *f)
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
static void describe_value(struct cg_mapper *m, const struct cg_domain_facts *f,
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
static int value_score(const struct cg_domain_facts *f)
{
    int score = f->has_prob ? (int)lround(f->prob) : -1;
    int points = cg_map_outbound_points(f->score_word);

    /* -1 when the report gives neither: no score rather than 0, so that a
     * sparse report never replaces a known score. */
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
static void map_subject(struct cg_mapper *m, struct cg_domain_facts *f,
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
                         const struct cg_domain_facts *f, bool phishing,
                         struct cg_summary *summary)
{
    summary->phishing_prob = f->has_prob ? f->prob : -1;
    summary->score = value_score(f);
    summary->malicious = phishing;
    summary->cve_count = f->cve_count;
    summary->open_ports = -1;
    cg_map_summary_flags(m, summary);
}

static void map_report(struct cg_mapper *m, struct cg_domain_facts *f,
                       long long scan_id, struct cg_summary *summary)
{
    bool phishing = is_phishing(f, m->opts->phishing_threshold);

    map_subject(m, f, scan_id);
    cg_map_domain_ip_index(m, f);
    label_threats(m, m->subject, f, phishing);
    label_exposure(m, m->subject, f->data);
    cg_map_score(m, m->subject, value_score(f));
    note_summary(m, f, scan_id, phishing);
    cg_map_domain_resolutions(m, f, summary);
    cg_map_domain_countries(m, f);
    cg_map_domain_properties(m, f);
    cg_map_domain_certificates(m, f);
    cg_map_domain_redirects(m, f);
    cg_map_domain_linked_domains(m, f);
    cg_map_domain_dns(m, f);
    cg_map_domain_technologies(m, f);
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
    struct cg_domain_facts facts;
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
