/*
 * The mapping state shared by the IP and domain mappings: adding objects
 * and relationships to the bundle, the per-value external reference, the
 * report note and the list caps. Also the summary's JSON form, the score
 * words and cg_map_no_data.
 */
#include "core/json.h"
#include "core/log.h"
#include "stix/map.h"
#include "stix/map_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void cg_map_begin(struct cg_mapper *m, struct cg_bundle *bundle,
                  const struct cg_map_opts *opts)
{
    memset(m, 0, sizeof(*m));
    m->bundle = bundle;
    m->opts = opts;
    m->ctx = opts->ctx;
    m->rc = CG_OK;
    cg_buf_init(&m->note, 0);
    m->truncated = json_object();
    if (!m->truncated)
        cg_map_fail(m);
    cg_map_add(m, cg_stix_author(m->ctx));
    cg_map_add(m, cg_tlp_marking_object(m->ctx->tlp));
}

void cg_map_release(struct cg_mapper *m)
{
    free(m->ref_url);
    free(m->ref_value);
    cg_buf_release(&m->note);
    json_decref(m->truncated);
    m->ref_url = NULL;
    m->ref_value = NULL;
    m->truncated = NULL;
}

enum cg_err cg_map_result(const struct cg_mapper *m, const char *what,
                          struct cg_error *err)
{
    if (m->rc == CG_OK)
        return CG_OK;
    return cg_error_set(err, m->rc,
                        "mapping the Criminal IP report for %s failed: %s",
                        what, cg_strerror(m->rc));
}

void cg_map_fail(struct cg_mapper *m)
{
    if (m->rc == CG_OK)
        m->rc = CG_ERR_NOMEM;
}

json_t *cg_map_add(struct cg_mapper *m, json_t *obj)
{
    json_t *in_bundle;

    if (m->rc != CG_OK) {
        json_decref(obj);
        return NULL;
    }
    if (!obj) {
        cg_map_fail(m);
        return NULL;
    }
    in_bundle = cg_bundle_add(m->bundle, obj);
    if (!in_bundle)
        cg_map_fail(m);
    return in_bundle;
}

void cg_map_set(struct cg_mapper *m, json_t *obj, const char *key,
                json_t *value)
{
    if (m->rc != CG_OK || !obj) {
        json_decref(value);
        return;
    }
    if (!value || json_object_set_new(obj, key, value))
        cg_map_fail(m);
}

size_t cg_map_utf8_cut(const char *text, size_t max)
{
    size_t len = strlen(text);

    if (len <= max)
        return len;
    len = max;
    while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
        len--;
    return len;
}

void cg_map_copy_text(char *out, size_t size, const char *text)
{
    size_t len = text && size ? cg_map_utf8_cut(text, size - 1) : 0;

    if (size == 0)
        return;
    if (len)
        memcpy(out, text, len);
    out[len] = '\0';
}

void cg_map_set_text(struct cg_mapper *m, json_t *obj, const char *key,
                     const char *text)
{
    if (!text || !*text)
        return;
    cg_map_set(m, obj, key,
               json_stringn(text, cg_map_utf8_cut(text, CG_MAP_TEXT_MAX)));
}

/* Only allocation failure stops a mapping. A malformed list that a merged
 * object brought along is left as it is. */
static void check(struct cg_mapper *m, enum cg_err rc)
{
    if (rc == CG_ERR_NOMEM)
        cg_map_fail(m);
}

void cg_map_label(struct cg_mapper *m, json_t *obj, const char *label)
{
    if (m->rc == CG_OK && obj)
        check(m, cg_stix_add_label(obj, label));
}

void cg_map_describe(struct cg_mapper *m, json_t *obj, const char *text)
{
    if (m->rc == CG_OK && obj && text)
        check(m, cg_stix_set_description(obj, text));
}

void cg_map_score(struct cg_mapper *m, json_t *obj, int score)
{
    if (m->rc == CG_OK && obj)
        check(m, cg_stix_set_score(obj, score));
}

void cg_map_set_value_ref(struct cg_mapper *m, const char *url,
                          const char *value)
{
    free(m->ref_url);
    free(m->ref_value);
    m->ref_url = strdup(url);
    m->ref_value = strdup(value);
    if (!m->ref_url || !m->ref_value)
        cg_map_fail(m);
}

void cg_map_add_value_ref(struct cg_mapper *m, json_t *obj)
{
    if (m->rc != CG_OK || !obj || !m->ref_url)
        return;
    check(m, cg_stix_add_external_ref(obj, "Criminal IP", m->ref_url,
                                      m->ref_value, NULL));
}

/*
 * Only objects about this value get its Criminal IP page as a reference:
 * the observable, its indicator, its note and the relationships that
 * start or end at one of them. Shared entities (autonomous systems,
 * locations, vulnerabilities, software, attack patterns, other
 * observables) do not, because the store unites reference lists on merge,
 * so an AS shared by many IPs would collect one reference per IP forever.
 * Vulnerabilities still get their CVE reference from their builder.
 */
static bool touches_value(const struct cg_mapper *m, const json_t *source,
                          const json_t *target)
{
    return (m->subject && (source == m->subject || target == m->subject)) ||
           (m->indicator && (source == m->indicator || target == m->indicator));
}

json_t *cg_map_relate(struct cg_mapper *m, const char *type, json_t *source,
                      json_t *target, const char *description)
{
    json_t *rel;

    if (m->rc != CG_OK || !source || !target || source == target)
        return NULL;
    if (!cg_stix_relationship_allowed(type, source, target)) {
        cg_log_debug("map",
                     "skipped relationship '%s' from %s to %s: "
                     "OpenCTI does not accept it",
                     type, cg_stix_opencti_type(source),
                     cg_stix_opencti_type(target));
        return NULL;
    }
    rel =
        cg_map_add(m, cg_stix_relationship(m->ctx, type, cg_stix_get_id(source),
                                           cg_stix_get_id(target)));
    if (description)
        cg_map_describe(m, rel, description);
    if (touches_value(m, source, target))
        cg_map_add_value_ref(m, rel);
    return rel;
}

bool cg_map_within(struct cg_mapper *m, const char *section, size_t index,
                   size_t total, size_t cap)
{
    json_t *record;

    if (index < cap)
        return true;
    if (m->rc != CG_OK)
        return false;
    /* A total of 0 means "count the calls": every call past the cap
     * raises the recorded total. */
    if (total == 0)
        total = index + 1;
    record = json_pack("{sIsI}", "kept", (json_int_t)cap, "total",
                       (json_int_t)total);
    if (!record || json_object_set_new(m->truncated, section, record))
        cg_map_fail(m);
    return false;
}

/* Appends len bytes to the note unless it is full. */
static void note_append(struct cg_mapper *m, const char *text, size_t len)
{
    if (m->rc != CG_OK || m->note_full)
        return;
    if (m->note.len + len > CG_MAP_NOTE_MAX) {
        m->note_full = true;
        return;
    }
    check(m, cg_buf_append(&m->note, text, len));
}

void cg_map_note(struct cg_mapper *m, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n > 0)
        note_append(m, line, strlen(line));
}

/* Markdown punctuation that could start emphasis, code, a link, an image,
 * raw HTML, a heading or a table cell. */
static bool is_markdown_active(char c)
{
    return c && strchr("\\`*_[]<>|~#!", c) != NULL;
}

/* Appends text with control bytes turned into spaces and Markdown
 * punctuation escaped, stopping after max source bytes. */
static enum cg_err escape_into(struct cg_buf *buf, const char *text, size_t max)
{
    size_t len = cg_map_utf8_cut(text, max);
    enum cg_err rc = CG_OK;

    for (size_t i = 0; i < len && rc == CG_OK; i++) {
        unsigned char c = (unsigned char)text[i];

        if (c < 0x20 || c == 0x7f)
            c = ' ';
        if (is_markdown_active((char)c))
            rc = cg_buf_putc(buf, '\\');
        if (rc == CG_OK)
            rc = cg_buf_putc(buf, (char)c);
    }
    if (rc == CG_OK && len < strlen(text))
        rc = cg_buf_puts(buf, "...");
    return rc;
}

void cg_map_escape_text(struct cg_mapper *m, struct cg_buf *buf,
                        const char *text)
{
    if (m->rc == CG_OK && text)
        check(m, escape_into(buf, text, CG_MAP_TEXT_MAX));
}

void cg_map_buf_printf(struct cg_mapper *m, struct cg_buf *buf, const char *fmt,
                       ...)
{
    char text[1024];
    va_list ap;
    int n;

    if (m->rc != CG_OK)
        return;
    va_start(ap, fmt);
    n = vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (n > 0)
        check(m, cg_buf_puts(buf, text));
}

void cg_map_describe_flags(struct cg_mapper *m, struct cg_buf *buf,
                           const char *flags)
{
    if (!flags[0])
        return;
    cg_map_buf_printf(m, buf, " Flags: ");
    for (const char *p = flags; *p && m->rc == CG_OK; p++) {
        if (*p == ',')
            check(m, cg_buf_puts(buf, ", "));
        else
            check(m, cg_buf_putc(buf, *p));
    }
    cg_map_buf_printf(m, buf, ".");
}

void cg_map_note_text(struct cg_mapper *m, const char *text)
{
    struct cg_buf cell = CG_BUF_INIT;

    if (m->rc != CG_OK || !text)
        return;
    check(m, escape_into(&cell, text, CG_MAP_CELL_MAX));
    note_append(m, cg_buf_str(&cell), cell.len);
    cg_buf_release(&cell);
}

/* Length of the longest run of backticks in text. */
static size_t longest_backtick_run(const char *text, size_t len)
{
    size_t longest = 0;
    size_t run = 0;

    for (size_t i = 0; i < len; i++) {
        run = text[i] == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    return longest;
}

/*
 * Builds a CommonMark code span whose fence is one backtick longer than
 * any run inside, padded with spaces so that edge backticks stay content.
 * '|' is written "\|", which GFM tables require even inside code spans.
 */
static enum cg_err code_span(struct cg_buf *out, const char *text)
{
    size_t len = cg_map_utf8_cut(text, CG_MAP_CELL_MAX);
    size_t fence = longest_backtick_run(text, len) + 1;
    enum cg_err rc = CG_OK;

    for (size_t i = 0; i < fence && rc == CG_OK; i++)
        rc = cg_buf_putc(out, '`');
    if (rc == CG_OK)
        rc = cg_buf_putc(out, ' ');
    for (size_t i = 0; i < len && rc == CG_OK; i++) {
        unsigned char c = (unsigned char)text[i];

        if (c == '|')
            rc = cg_buf_putc(out, '\\');
        if (rc == CG_OK)
            rc = cg_buf_putc(out, c < 0x20 || c == 0x7f ? ' ' : (char)c);
    }
    if (rc == CG_OK && len < strlen(text))
        rc = cg_buf_puts(out, "...");
    if (rc == CG_OK)
        rc = cg_buf_putc(out, ' ');
    for (size_t i = 0; i < fence && rc == CG_OK; i++)
        rc = cg_buf_putc(out, '`');
    return rc;
}

void cg_map_note_code(struct cg_mapper *m, const char *text)
{
    struct cg_buf span = CG_BUF_INIT;

    if (m->rc != CG_OK || !text || !*text)
        return;
    check(m, code_span(&span, text));
    note_append(m, cg_buf_str(&span), span.len);
    cg_buf_release(&span);
}

/* Lists the cut sections in the note and on the observable. */
static void note_truncation(struct cg_mapper *m)
{
    const char *section;
    json_t *record;
    json_t *names;

    if (m->rc != CG_OK || json_object_size(m->truncated) == 0)
        return;
    names = json_array();
    if (!names) {
        cg_map_fail(m);
        return;
    }
    cg_map_note(m, "\n## Truncated lists\n\n");
    json_object_foreach(m->truncated, section, record) {
        cg_map_note(
            m, "- %s: first %lld of %lld rows kept\n", section,
            (long long)json_integer_value(json_object_get(record, "kept")),
            (long long)json_integer_value(json_object_get(record, "total")));
        if (json_array_append_new(names, json_string(section)))
            cg_map_fail(m);
    }
    cg_map_set(m, m->subject, "x_criminalip_truncated", names);
}

void cg_map_note_emit(struct cg_mapper *m, const char *kind,
                      const char *abstract)
{
    static const char cut[] = "\n(The note was cut at its size limit.)\n";
    char id[CG_STIX_ID_SIZE];
    json_t *seed;
    json_t *note;

    if (m->rc != CG_OK || !m->subject)
        return;
    note_truncation(m);
    if (m->note_full)
        check(m, cg_buf_append(&m->note, cut, sizeof(cut) - 1));
    /* The seed contains the observable's id, so two observables never
     * share a note, and one observable keeps one note across runs. */
    seed = json_pack("{ssss}", "x_cipgraph_kind", kind, "object_ref",
                     cg_stix_get_id(m->subject));
    if (!seed || cg_stix_id_seeded("note", seed, id) != CG_OK) {
        json_decref(seed);
        cg_map_fail(m);
        return;
    }
    json_decref(seed);
    note =
        cg_map_add(m, cg_stix_note(m->ctx, id, abstract, cg_buf_str(&m->note),
                                   cg_stix_get_id(m->subject)));
    cg_map_add_value_ref(m, note);
}

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

/* Writes one table cell of row[column->key] (or alt_key). */
static void note_cell(struct cg_mapper *m, const json_t *row,
                      const struct cg_map_column *column)
{
    const char *key = column->key;
    double number;

    if (column->alt_key && !json_object_get(row, key))
        key = column->alt_key;
    cg_map_note(m, " ");
    if (column->kind == CG_MAP_CELL_NUMBER) {
        bool found = cg_json_real(row, key, &number);

        if (found && number > -1e15 && number < 1e15 &&
            number == (double)(long long)number)
            cg_map_note(m, "%lld", (long long)number);
        else if (found)
            cg_map_note(m, "%.6g", number);
    } else if (column->kind == CG_MAP_CELL_CODE) {
        cg_map_note_code(m, cg_map_str(row, key));
    } else {
        cg_map_note_text(m, cg_map_str(row, key));
    }
    cg_map_note(m, " |");
}

size_t cg_map_note_table(struct cg_mapper *m, const json_t *rows,
                         const char *section, const char *title,
                         const char *header,
                         const struct cg_map_column *columns, size_t count)
{
    size_t total = json_array_size(rows);
    size_t i;
    json_t *row;

    if (total == 0)
        return 0;
    cg_map_note(m, "\n## %s\n\n%s\n|", title, header);
    for (i = 0; i < count; i++)
        cg_map_note(m, "---|");
    cg_map_note(m, "\n");
    json_array_foreach(rows, i, row) {
        if (!cg_map_within(m, section, i, total, CG_MAP_MAX_NOTE_ROWS))
            break;
        cg_map_note(m, "|");
        for (size_t c = 0; c < count; c++)
            note_cell(m, row, &columns[c]);
        cg_map_note(m, "\n");
    }
    return total;
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
 * counts as absent, and with both absent the score is 0. Outbound is what
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

/* Returns a value-keyed observable whose value was validated before. */
static json_t *add_observable(struct cg_mapper *m, const char *type,
                              const char *value)
{
    if (m->rc != CG_OK)
        return NULL;
    return cg_map_add(m, cg_stix_observable(m->ctx, type, value));
}

json_t *cg_map_ip(struct cg_mapper *m, const char *text)
{
    char canonical[CG_IP_TEXT_SIZE];
    enum cg_kind kind;

    if (!text || strlen(text) >= 64)
        return NULL;
    kind = cg_ip_canonical(text, canonical);
    if (kind != CG_KIND_IPV4 && kind != CG_KIND_IPV6)
        return NULL;
    /* Reports list private and other special-purpose addresses (internal
     * DNS answers, page resources); they are not public infrastructure. */
    if (cg_ip_special_range(canonical))
        return NULL;
    return add_observable(m, kind == CG_KIND_IPV4 ? "ipv4-addr" : "ipv6-addr",
                          canonical);
}

json_t *cg_map_domain_name(struct cg_mapper *m, const char *text,
                           bool *wildcard)
{
    char name[CG_HOST_NAME_SIZE];

    /* NOTE: U-label (non-ASCII) names are skipped rather than converted to
     * A-labels; Criminal IP reports host names in ASCII. */
    if (!cg_host_name_normalize(text, name, wildcard))
        return NULL;
    return add_observable(m, "domain-name", name);
}

json_t *cg_map_url(struct cg_mapper *m, const char *text)
{
    char *url;
    json_t *obj;

    if (m->rc != CG_OK || !text)
        return NULL;
    url = cg_url_normalize(text, CG_MAP_URL_MAX);
    if (!url)
        return NULL;
    obj = add_observable(m, "url", url);
    free(url);
    return obj;
}

json_t *cg_map_asn(struct cg_mapper *m, const json_t *number, const char *name)
{
    char cut[CG_MAP_NAME_MAX + 1];
    long long asn;

    if (m->rc != CG_OK || !cg_asn_read(number, &asn))
        return NULL;
    if (name)
        snprintf(cut, sizeof(cut), "%.*s",
                 (int)cg_map_utf8_cut(name, CG_MAP_NAME_MAX), name);
    return cg_map_add(
        m, cg_stix_autonomous_system(m->ctx, asn, name ? cut : NULL));
}

json_t *cg_map_place(struct cg_mapper *m, const char *location_type,
                     const char *name, const char *country_code,
                     bool has_coords, double latitude, double longitude)
{
    /* 0,0 is the placeholder some geolocation sources write for unknown. */
    bool coords = has_coords && !(latitude == 0 && longitude == 0) &&
                  latitude >= -90 && latitude <= 90 && longitude >= -180 &&
                  longitude <= 180;

    if (m->rc != CG_OK || !name || strlen(name) > CG_MAP_NAME_MAX)
        return NULL;
    if (strcmp(location_type, "City") == 0 && !country_code && !coords)
        return NULL;
    return cg_map_add(m, cg_stix_location(m->ctx, location_type, name,
                                          country_code, coords, latitude,
                                          longitude));
}

json_t *cg_map_vulnerability(struct cg_mapper *m, const char *cve)
{
    if (m->rc != CG_OK || !cg_cve_id_valid(cve))
        return NULL;
    return cg_map_add(m, cg_stix_vulnerability(m->ctx, cve));
}

json_t *cg_map_software(struct cg_mapper *m, const char *name,
                        const char *version)
{
    if (m->rc != CG_OK || !name || strlen(name) > CG_MAP_NAME_MAX)
        return NULL;
    if (version && strlen(version) > 64)
        version = NULL;
    return cg_map_add(m, cg_stix_software(m->ctx, name, NULL, version));
}

json_t *cg_map_certificate(struct cg_mapper *m,
                           const struct cg_x509_fields *fields)
{
    struct cg_x509_fields kept = *fields;

    /* A serial number has at most 20 octets (RFC 5280 section 4.1.2.2),
     * 60 characters in colon-separated hex; longer text is not one. */
    if (kept.serial_number && strlen(kept.serial_number) > 128)
        kept.serial_number = NULL;
    if (kept.subject && strlen(kept.subject) > 1024)
        kept.subject = NULL;
    if (kept.issuer && strlen(kept.issuer) > 1024)
        kept.issuer = NULL;
    if (kept.signature_algorithm && strlen(kept.signature_algorithm) > 128)
        kept.signature_algorithm = NULL;
    if (m->rc != CG_OK || (!kept.serial_number && !kept.subject))
        return NULL;
    return cg_map_add(m, cg_stix_x509_certificate(m->ctx, &kept));
}

/* Appends text percent-encoded (RFC 3986: only unreserved bytes kept). */
static enum cg_err percent_encode(struct cg_buf *out, const char *text)
{
    enum cg_err rc = CG_OK;

    for (const unsigned char *p = (const unsigned char *)text;
         *p && rc == CG_OK; p++) {
        if (isalnum(*p) || strchr("-._~", *p))
            rc = cg_buf_putc(out, (char)*p);
        else
            rc = cg_buf_printf(out, "%%%02X", *p);
    }
    return rc;
}

void cg_map_ip_ref(struct cg_mapper *m, const char *ip)
{
    struct cg_buf url = CG_BUF_INIT;

    check(m,
          cg_buf_printf(&url, "https://www.criminalip.io/asset/report/%s", ip));
    if (m->rc == CG_OK)
        cg_map_set_value_ref(m, cg_buf_str(&url), ip);
    cg_buf_release(&url);
}

void cg_map_domain_ref(struct cg_mapper *m, const char *value,
                       long long scan_id)
{
    struct cg_buf url = CG_BUF_INIT;

    if (scan_id >= 0) {
        check(m, cg_buf_printf(&url,
                               "https://www.criminalip.io/domain/report"
                               "?scan_id=%lld",
                               scan_id));
    } else {
        check(m, cg_buf_puts(&url, "https://www.criminalip.io/asset/search"
                                   "?query="));
        if (m->rc == CG_OK)
            check(m, percent_encode(&url, value));
    }
    if (m->rc == CG_OK)
        cg_map_set_value_ref(m, cg_buf_str(&url), value);
    cg_buf_release(&url);
}

/* The ipv4-addr or ipv6-addr type of canonical address text. */
static const char *ip_type(const char *ip)
{
    return strchr(ip, ':') ? "ipv6-addr" : "ipv4-addr";
}

json_t *cg_map_ip_subject(struct cg_mapper *m, const char *ip)
{
    /* The caller parsed the address, possibly with private addresses
     * allowed, so it is used as it is rather than through cg_map_ip. */
    return add_observable(m, ip_type(ip), ip);
}

json_t *cg_map_host(struct cg_mapper *m, const struct cg_indicator *ind)
{
    const char *host = ind->host ? ind->host : ind->value;
    enum cg_kind kind = ind->kind == CG_KIND_URL ? ind->host_kind : ind->kind;

    if (!host || !*host)
        return NULL;
    if (kind == CG_KIND_IPV4 || kind == CG_KIND_IPV6)
        return cg_map_ip_subject(m, host);
    if (kind == CG_KIND_DOMAIN)
        return add_observable(m, "domain-name", host);
    return NULL;
}

json_t *cg_map_url_subject(struct cg_mapper *m, const struct cg_indicator *ind)
{
    if (ind->kind != CG_KIND_URL || !ind->value || !*ind->value)
        return NULL;
    return add_observable(m, "url", ind->value);
}

bool cg_map_indicator_usable(const struct cg_indicator *ind)
{
    switch (ind ? ind->kind : CG_KIND_NONE) {
    case CG_KIND_IPV4:
    case CG_KIND_IPV6:
    case CG_KIND_DOMAIN:
        return ind->value && *ind->value;
    case CG_KIND_URL:
        return ind->value && *ind->value && ind->host && *ind->host &&
               ind->host_kind != CG_KIND_NONE;
    default:
        return false;
    }
}

enum cg_err cg_map_no_data(struct cg_bundle *bundle,
                           const struct cg_indicator *ind,
                           const struct cg_map_opts *opts, struct cg_error *err)
{
    struct cg_mapper m;
    json_t *host;
    enum cg_err rc;

    if (!bundle || !opts || !opts->ctx || !cg_map_indicator_usable(ind))
        return cg_error_set(err, CG_ERR_INVALID,
                            "cannot map a value without Criminal IP data: "
                            "the bundle or options are missing, or the value "
                            "is not an IP address, domain or URL");
    cg_map_begin(&m, bundle, opts);
    host = cg_map_host(&m, ind);
    if (ind->kind == CG_KIND_URL) {
        m.subject = cg_map_url_subject(&m, ind);
        cg_map_domain_ref(&m, ind->value, -1);
    } else if (ind->kind == CG_KIND_DOMAIN) {
        m.subject = host;
        cg_map_domain_ref(&m, ind->value, -1);
    } else {
        m.subject = host;
        cg_map_ip_ref(&m, ind->value);
    }
    cg_map_add_value_ref(&m, m.subject);
    cg_map_label(&m, m.subject, "criminalip-no-data");
    cg_map_relate(&m, "related-to", m.subject, host, NULL);
    rc = cg_map_result(&m, ind->value, err);
    cg_map_release(&m);
    return rc;
}
