/*
 * Values read from reports and the triage summary: absent-value text,
 * labels made from free text, the score words and the score mapping, and
 * the summary's JSON form.
 */
#include "core/json.h"
#include "stix/map.h"
#include "stix/map_internal.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *cg_map_str(const json_t *obj, const char *key)
{
    static const char *const absent[] = {"n/a", "unknown", "none", "null", "-"};
    const char *s = cg_json_str(obj, key);
    const char *p = s;

    if (!s)
        return NULL;
    while (isspace((unsigned char)*p))
        p++;
    if (!*p)
        return NULL;
    for (size_t i = 0; i < CG_ARRAY_LEN(absent); i++) {
        if (strcasecmp(s, absent[i]) == 0)
            return NULL;
    }
    return s;
}

bool cg_map_label_from_text(const char *text, char *out, size_t size)
{
    size_t used = 0;
    bool dash = false;

    if (!text || size < 2)
        return false;
    for (const char *p = text; *p && used + 1 < size; p++) {
        unsigned char c = (unsigned char)*p;

        if (c < 0x80 && isalnum(c)) {
            if (dash && used > 0) {
                if (used + 2 >= size)
                    break;
                out[used++] = '-';
            }
            dash = false;
            out[used++] = (char)tolower(c);
        } else {
            dash = true;
        }
    }
    out[used] = '\0';
    return used > 0;
}

void cg_map_summary_flags(const struct cg_mapper *m, struct cg_summary *summary)
{
    static const char marker[] = "truncated";
    json_t *labels = json_object_get(m->subject, "x_opencti_labels");
    size_t used = 0;
    size_t i;
    json_t *label;

    summary->flags[0] = '\0';
    json_array_foreach(labels, i, label) {
        const char *text = json_string_value(label);
        size_t len = text ? strlen(text) : 0;

        if (!len)
            continue;
        /* Keeps whole labels only: one that does not fit ends the list,
         * with room left for the truncation marker. */
        if (used + 1 + len + sizeof(marker) > sizeof(summary->flags))
            break;
        if (used)
            summary->flags[used++] = ',';
        memcpy(summary->flags + used, text, len + 1);
        used += len;
    }
    if (json_object_size(m->truncated) > 0)
        snprintf(summary->flags + used, sizeof(summary->flags) - used, "%s%s",
                 used ? "," : "", marker);
}

static const char *const score_words[] = {"Safe", "Low", "Moderate",
                                          "Dangerous", "Critical"};

/* Index of a score word in any case, or -1. */
static int score_index(const char *word)
{
    for (int i = 0; word && i < (int)CG_ARRAY_LEN(score_words); i++) {
        if (strcasecmp(word, score_words[i]) == 0)
            return i;
    }
    return -1;
}

const char *cg_score_word(const json_t *value)
{
    long long number;
    int i;

    if (json_is_string(value)) {
        char word[16];
        const char *s = json_string_value(value);
        size_t len;

        /* A NUL byte inside would hide what follows it: not a word. */
        if (strlen(s) != json_string_length(value))
            return NULL;
        while (isspace((unsigned char)*s))
            s++;
        len = strlen(s);
        while (len && isspace((unsigned char)s[len - 1]))
            len--;
        if (len > 0 && len < sizeof(word)) {
            memcpy(word, s, len);
            word[len] = '\0';
            if ((i = score_index(word)) >= 0)
                return score_words[i];
        }
    }
    /* The legacy /v1/ip/data report scored 1..5 for Safe..Critical. */
    if (cg_json_to_int(value, &number) && number >= 1 && number <= 5)
        return score_words[number - 1];
    return NULL;
}

/*
 * x_opencti_score of an IP from its two Criminal IP score words:
 *
 *   word       outbound  inbound
 *   Safe          10        0
 *   Low           30       15
 *   Moderate      55       35
 *   Dangerous     80       60
 *   Critical      95       75
 *
 * The score is the larger of the two values. A missing or unknown word
 * counts as absent, and with both absent there is no score (-1), so that
 * an empty report never replaces a known score with 0. Outbound is what
 * the IP itself does (evidence of malice), while inbound is how much it is
 * targeted or exposed, so inbound alone never reaches the Dangerous
 * outbound level.
 */
int cg_score_from_words(const char *inbound, const char *outbound)
{
    static const int outbound_points[] = {10, 30, 55, 80, 95};
    static const int inbound_points[] = {0, 15, 35, 60, 75};
    int in = score_index(inbound);
    int out = score_index(outbound);
    int score = 0;

    if (in < 0 && out < 0)
        return -1;
    if (out >= 0)
        score = outbound_points[out];
    if (in >= 0 && inbound_points[in] > score)
        score = inbound_points[in];
    return score;
}

int cg_map_outbound_points(const char *word)
{
    return score_index(word) < 0 ? -1 : cg_score_from_words(NULL, word);
}

void cg_summary_init(struct cg_summary *summary)
{
    memset(summary, 0, sizeof(*summary));
    summary->score = -1;
    summary->malicious = false;
    summary->asn = -1;
    summary->cve_count = -1;
    summary->open_ports = -1;
    summary->phishing_prob = -1;
}

/* Unknown values are written as JSON null. */
static json_t *text_or_null(const char *text)
{
    return *text ? json_string(text) : json_null();
}

static json_t *int_or_null(long long value)
{
    return value >= 0 ? json_integer(value) : json_null();
}

json_t *cg_summary_to_json(const struct cg_summary *summary)
{
    return json_pack(
        "{so so so sb ss so so so so so so}", "inbound",
        text_or_null(summary->inbound), "outbound",
        text_or_null(summary->outbound), "score", int_or_null(summary->score),
        "malicious", summary->malicious, "flags", summary->flags, "asn",
        int_or_null(summary->asn), "as_name", text_or_null(summary->as_name),
        "country", text_or_null(summary->country), "cve_count",
        int_or_null(summary->cve_count), "open_ports",
        int_or_null(summary->open_ports), "phishing_prob",
        summary->phishing_prob >= 0 ? json_real(summary->phishing_prob)
                                    : json_null());
}

static void copy_text(const json_t *json, const char *key, char *out,
                      size_t size)
{
    cg_map_copy_text(out, size, cg_json_str(json, key));
}

static int read_int(const json_t *json, const char *key)
{
    long long v;

    if (!cg_json_int(json, key, &v) || v < 0 || v > INT_MAX)
        return -1;
    return (int)v;
}

void cg_summary_from_json(const json_t *json, struct cg_summary *summary)
{
    long long asn;
    double prob;

    cg_summary_init(summary);
    copy_text(json, "inbound", summary->inbound, sizeof(summary->inbound));
    copy_text(json, "outbound", summary->outbound, sizeof(summary->outbound));
    copy_text(json, "flags", summary->flags, sizeof(summary->flags));
    copy_text(json, "as_name", summary->as_name, sizeof(summary->as_name));
    copy_text(json, "country", summary->country, sizeof(summary->country));
    summary->score = read_int(json, "score");
    summary->cve_count = read_int(json, "cve_count");
    summary->open_ports = read_int(json, "open_ports");
    summary->malicious = cg_json_is_true(json, "malicious");
    if (cg_json_int(json, "asn", &asn) && asn >= 0)
        summary->asn = asn;
    if (cg_json_real(json, "phishing_prob", &prob) && prob >= 0)
        summary->phishing_prob = prob;
}
