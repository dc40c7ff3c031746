/*
 * The triage priority model: each feature of an indicator earns points
 * under the weights, the sum is the base priority, and freshness scales it
 * down as the enrichment ages. Every term carries the words that explain
 * it, so that a row's reasons are exactly the terms of its priority.
 */
#include "graph/triage_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/json.h"

/* How a reason names a label; labels not listed are shown as they are. */
static const struct {
    const char *label;
    const char *text;
} label_texts[] = {
    {"c2", "C2 category"},
    {"scanner", "scanner"},
    {"ids-alert", "IDS alerts"},
    {"honeypot-hit", "honeypot hits"},
    {"scanning", "scanning records"},
    {"snort", "Snort detection"},
    {"tor", "Tor exit"},
    {"darkweb", "dark web"},
    {"anonymous-vpn", "anonymous VPN"},
    {"vpn", "VPN"},
    {"proxy", "proxy"},
    {"phishing", "phishing"},
    {"credential-harvesting", "credential harvesting"},
    {"impersonation", "impersonation"},
    {"dga", "DGA-like name"},
    {"newborn-domain", "newly registered domain"},
    {"suspicious-file", "suspicious file"},
};

static bool has_label(const char *labels, const char *label)
{
    size_t len = strlen(label);

    for (const char *p = labels; p && *p;) {
        size_t item = strcspn(p, ",");

        if (item == len && strncmp(p, label, len) == 0)
            return true;
        p += item;
        p += *p == ',';
    }
    return false;
}

static int word_index(const char *word)
{
    for (int i = 0; i < CG_TRIAGE_WORDS; i++) {
        if (strcmp(word, cg_triage_words[i]) == 0)
            return i;
    }
    return -1;
}

static void add_part(struct cg_triage_part *parts, size_t *count, double points,
                     const char *fmt, ...) CG_PRINTF(4, 5);

/* Appends a term worth more than zero points. */
static void add_part(struct cg_triage_part *parts, size_t *count, double points,
                     const char *fmt, ...)
{
    va_list ap;

    if (!(points > 0) || *count >= CG_TRIAGE_MAX_PARTS)
        return;
    parts[*count].points = points;
    va_start(ap, fmt);
    vsnprintf(parts[*count].text, sizeof(parts[*count].text), fmt, ap);
    va_end(ap);
    (*count)++;
}

/* Writes "C2 port 3790 (Metasploit)" or "C2 ports 443 (Havoc), 8443". */
static void describe_c2(const struct cg_triage_features *f, char *out,
                        size_t size)
{
    size_t used;

    used = (size_t)snprintf(out, size, "C2 port%s", f->c2_count > 1 ? "s" : "");
    for (size_t i = 0; i < f->c2_count && used < size; i++) {
        const char *product = f->c2[i].product;

        used += (size_t)snprintf(
            out + used, size - used, "%s %d%s%s%s", i ? "," : "", f->c2[i].port,
            *product ? " (" : "", product, *product ? ")" : "");
    }
}

/* Writes the words for a label, with counts from the note when known. */
static void describe_label(const struct cg_triage_features *f,
                           const char *label, char *out, size_t size)
{
    if (strcmp(label, "c2") == 0 && f->c2_count > 0) {
        describe_c2(f, out, size);
        return;
    }
    if (strcmp(label, "ids-alert") == 0 && f->ids_rows > 0) {
        snprintf(out, size, "%d IDS alert%s", f->ids_rows,
                 f->ids_rows > 1 ? "s" : "");
        return;
    }
    if (strcmp(label, "honeypot-hit") == 0 && f->honeypot_rows > 0) {
        snprintf(out, size, "%d honeypot hit%s", f->honeypot_rows,
                 f->honeypot_rows > 1 ? "s" : "");
        return;
    }
    if (strcmp(label, "scanning") == 0 && f->scanning_rows > 0) {
        snprintf(out, size, "%d scanning record%s", f->scanning_rows,
                 f->scanning_rows > 1 ? "s" : "");
        return;
    }
    for (size_t i = 0; i < CG_ARRAY_LEN(label_texts); i++) {
        if (strcmp(label, label_texts[i].label) == 0) {
            snprintf(out, size, "%s", label_texts[i].text);
            return;
        }
    }
    snprintf(out, size, "%s", label);
}

/* The exposure term: high-CVSS CVEs and CVEs with a public exploit. */
static void add_exposure(const struct cg_triage_weights *w,
                         const struct cg_triage_features *f,
                         struct cg_triage_part *parts, size_t *count)
{
    size_t high = 0;
    size_t exploits = 0;
    double points;

    for (size_t i = 0; i < f->cve_count; i++) {
        high += f->cvss[i] >= w->cvss_threshold;
        exploits += f->exploit[i];
    }
    points = (double)high * w->per_high_cve + (double)exploits * w->per_exploit;
    if (points > w->exposure_max)
        points = w->exposure_max;
    if (high && exploits)
        add_part(parts, count, points,
                 "%zu CVE%s CVSS>=%g, %zu with a public exploit", high,
                 high > 1 ? "s" : "", w->cvss_threshold, exploits);
    else if (high)
        add_part(parts, count, points, "%zu CVE%s CVSS>=%g", high,
                 high > 1 ? "s" : "", w->cvss_threshold);
    else
        add_part(parts, count, points, "%zu CVE%s with a public exploit",
                 exploits, exploits > 1 ? "s" : "");
}

/* Sorts terms by points, highest first, keeping the order of equals. */
static void sort_parts(struct cg_triage_part *parts, size_t count)
{
    for (size_t i = 1; i < count; i++) {
        struct cg_triage_part item = parts[i];
        size_t j = i;

        while (j > 0 && parts[j - 1].points < item.points) {
            parts[j] = parts[j - 1];
            j--;
        }
        parts[j] = item;
    }
}

size_t cg_triage_explain(const struct cg_triage_weights *w,
                         const struct cg_triage_features *f,
                         struct cg_triage_part *parts, double *base)
{
    size_t count = 0;
    int out = word_index(f->outbound);
    int in = word_index(f->inbound);
    char text[160];

    if (out >= 0)
        add_part(parts, &count, w->outbound[out], "outbound %s", f->outbound);
    if (in >= 0)
        add_part(parts, &count, w->inbound[in], "inbound %s", f->inbound);
    if (f->malicious)
        add_part(parts, &count, w->malicious, "judged malicious");
    for (size_t i = 0; i < w->label_count; i++) {
        if (!has_label(f->labels, w->labels[i].name))
            continue;
        describe_label(f, w->labels[i].name, text, sizeof(text));
        add_part(parts, &count, w->labels[i].points, "%s", text);
    }
    add_exposure(w, f, parts, &count);
    if (f->phishing_prob >= 0)
        add_part(parts, &count, w->phishing_max * f->phishing_prob / 100.0,
                 "phishing probability %.1f%%", f->phishing_prob);
    sort_parts(parts, count);
    *base = 0;
    for (size_t i = 0; i < count; i++)
        *base += parts[i].points;
    return count;
}

double cg_triage_freshness(const struct cg_triage_weights *w,
                           int64_t enriched_at, int64_t now)
{
    double age_days = (double)(now - enriched_at) / 86400.0;
    double factor;

    if (w->half_life_days <= 0 || age_days <= 0)
        return 1.0;
    factor = pow(0.5, age_days / w->half_life_days);
    return factor < w->freshness_floor ? w->freshness_floor : factor;
}

json_t *cg_triage_features_to_json(const struct cg_triage_features *f)
{
    json_t *cves = json_array();
    json_t *c2 = json_array();

    for (size_t i = 0; cves && i < f->cve_count; i++)
        json_array_append_new(cves,
                              json_pack("[fb]", f->cvss[i], f->exploit[i]));
    for (size_t i = 0; c2 && i < f->c2_count; i++)
        json_array_append_new(
            c2, json_pack("[is]", f->c2[i].port, f->c2[i].product));
    return json_pack("{ss ss si sb ss si so so si si si sf}", "inbound",
                     f->inbound, "outbound", f->outbound, "score", f->score,
                     "malicious", f->malicious, "labels", f->labels,
                     "cve_total", f->cve_total, "cves", cves, "c2", c2, "ids",
                     f->ids_rows, "honeypot", f->honeypot_rows, "scanning",
                     f->scanning_rows, "phishing_prob", f->phishing_prob);
}

static int read_count(const json_t *json, const char *key)
{
    long long value;

    return cg_json_int(json, key, &value) && value >= 0 && value < INT_MAX
               ? (int)value
               : -1;
}

static void read_lists(const json_t *json, struct cg_triage_features *f)
{
    size_t i;
    json_t *item;

    json_array_foreach(cg_json_arr(json, "cves"), i, item) {
        if (f->cve_count == CG_TRIAGE_MAX_CVES)
            break;
        if (!cg_json_to_real(json_array_get(item, 0), &f->cvss[f->cve_count]))
            f->cvss[f->cve_count] = -1;
        f->exploit[f->cve_count] = json_is_true(json_array_get(item, 1));
        f->cve_count++;
    }
    json_array_foreach(cg_json_arr(json, "c2"), i, item) {
        long long port;
        const char *product = json_string_value(json_array_get(item, 1));

        if (f->c2_count == CG_TRIAGE_MAX_C2)
            break;
        if (!cg_json_to_int(json_array_get(item, 0), &port))
            continue;
        f->c2[f->c2_count].port = (int)port;
        snprintf(f->c2[f->c2_count].product, sizeof(f->c2[0].product), "%s",
                 product ? product : "");
        f->c2_count++;
    }
}

void cg_triage_features_from_json(const json_t *json,
                                  struct cg_triage_features *f)
{
    const char *text;
    long long score;

    memset(f, 0, sizeof(*f));
    snprintf(f->inbound, sizeof(f->inbound), "%s",
             (text = cg_json_str(json, "inbound")) ? text : "");
    snprintf(f->outbound, sizeof(f->outbound), "%s",
             (text = cg_json_str(json, "outbound")) ? text : "");
    snprintf(f->labels, sizeof(f->labels), "%s",
             (text = cg_json_str(json, "labels")) ? text : "");
    f->score = cg_json_int(json, "score", &score) ? (int)score : -1;
    f->malicious = cg_json_is_true(json, "malicious");
    f->cve_total = read_count(json, "cve_total");
    f->ids_rows = read_count(json, "ids");
    f->honeypot_rows = read_count(json, "honeypot");
    f->scanning_rows = read_count(json, "scanning");
    if (!cg_json_real(json, "phishing_prob", &f->phishing_prob) ||
        f->phishing_prob < 0)
        f->phishing_prob = -1;
    read_lists(json, f);
}
