/*
 * Text and JSON rendering for `cipgraph enrich`, and the escaped text
 * output and plural helper that the other commands' tables share.
 */
#include "cli/output.h"

#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "input/text.h"

/* Column widths of the triage table, in characters. */
#define COL_VALUE 42
#define COL_FLAGS 26
#define COL_WHERE 24

const char *cli_plural(long long count, const char *singular,
                       const char *plural)
{
    return count == 1 ? singular : plural;
}

/*
 * Returns the raw input as a JSON string. JSON cannot carry bytes that are
 * not valid UTF-8, so such an input is given in its escaped form, as in
 * the error message, instead of dropping the whole line.
 */
static json_t *raw_input_json(const char *raw)
{
    struct cg_buf escaped = CG_BUF_INIT;
    json_t *text = json_string(raw ? raw : "");

    if (text || !raw)
        return text;
    if (cg_text_escape(&escaped, raw, strlen(raw)) == CG_OK)
        text = json_string(cg_buf_str(&escaped));
    cg_buf_release(&escaped);
    return text;
}

/* Returns a new string holding value with control characters and invalid
 * UTF-8 escaped, or a new reference to value when nothing needs escaping
 * or memory runs out. */
static json_t *escaped_string(json_t *value)
{
    struct cg_buf escaped = CG_BUF_INIT;
    json_t *text = NULL;

    if (cg_text_escape(&escaped, json_string_value(value),
                       json_string_length(value)) == CG_OK &&
        (escaped.len != json_string_length(value) ||
         memcmp(cg_buf_str(&escaped), json_string_value(value), escaped.len) !=
             0))
        text = json_string(cg_buf_str(&escaped));
    cg_buf_release(&escaped);
    return text ? text : json_incref(value);
}

void cli_print_result_json(FILE *out, const struct cg_result *result)
{
    json_t *obj = json_pack(
        "{so si ss si}", "input", raw_input_json(result->raw), "line",
        (int)result->line, "outcome", cg_outcome_name(result->outcome),
        "api_calls", result->api_calls);
    char *text;

    if (!obj)
        return;
    if (result->ind) {
        json_object_set_new(obj, "value", json_string(result->ind->value));
        json_object_set_new(obj, "display", json_string(result->ind->display));
        json_object_set_new(obj, "kind",
                            json_string(cg_kind_name(result->ind->kind)));
        if (result->ind->defanged)
            json_object_set_new(obj, "defanged", json_true());
        if (result->ind->port >= 0)
            json_object_set_new(obj, "port", json_integer(result->ind->port));
    }
    if (result->error != CG_OK)
        json_object_set_new(obj, "error",
                            json_string(cg_err_name(result->error)));
    if (result->reason)
        json_object_set_new(obj, "reason", json_string(result->reason));
    if (result->object_id && *result->object_id)
        json_object_set_new(obj, "stix_id", json_string(result->object_id));
    if (result->summary)
        json_object_set_new(obj, "summary",
                            cg_summary_to_json(result->summary));
    text = json_dumps(obj, JSON_COMPACT);
    if (text) {
        fputs(text, out);
        fputc('\n', out);
        free(text);
    }
    json_decref(obj);
}

static void format_duration(int64_t ms, char *out, size_t size)
{
    long long s = ms / 1000;

    if (s >= 3600)
        snprintf(out, size, "%lldh%02lldm", s / 3600, s / 60 % 60);
    else if (s >= 60)
        snprintf(out, size, "%lldm%02llds", s / 60, s % 60);
    else
        snprintf(out, size, "%lld.%llds", s, (long long)(ms % 1000) / 100);
}

void cli_print_progress(FILE *out, const struct cg_engine_stats *stats,
                        long active, long total, bool tty)
{
    long done = stats->read - active;
    double seconds = (double)stats->elapsed_ms / 1000.0;
    double rate = seconds > 0 ? (double)done / seconds : 0;
    char eta[32] = "?";
    char of[32] = "?";
    char bar[32];
    int filled = 0;

    if (total > 0 && rate > 0 && done <= total)
        format_duration((int64_t)((double)(total - done) / rate * 1000), eta,
                        sizeof(eta));
    if (total > 0) {
        snprintf(of, sizeof(of), "%ld", total);
        filled = (int)(20.0 * (double)done / (double)total);
    }
    if (filled > 20)
        filled = 20;
    memset(bar, '=', (size_t)filled);
    memset(bar + filled, ' ', (size_t)(20 - filled));
    bar[20] = '\0';
    if (tty)
        fprintf(out,
                "\r\033[K[%s] %ld/%s  %.1f/s  ETA %s  calls %ld  "
                "credits %ld",
                bar, done, of, rate, eta, stats->api_calls,
                stats->credits_used);
    else
        fprintf(out,
                "cipgraph: progress %ld/%s values, %.1f/s, ETA %s, "
                "%ld %s, %ld %s\n",
                done, of, rate, eta, stats->api_calls,
                cli_plural(stats->api_calls, "call", "calls"),
                stats->credits_used,
                cli_plural(stats->credits_used, "credit", "credits"));
    fflush(out);
}

int cli_print_text(FILE *out, const char *text, int max)
{
    const char *p = text ? text : "";
    size_t left = strlen(p);
    int shown = 0;

    while (left > 0) {
        char piece[CG_TEXT_PIECE_SIZE];
        size_t piece_len;
        size_t n = cg_text_escape_char(p, left, piece, &piece_len);
        /* An escape such as \x1b takes four columns and is never split. */
        int columns = piece_len != n ? (int)piece_len : 1;
        int limit = n == left ? max : max - 1;

        if (max > 0 && shown + columns > limit) {
            fputc('~', out);
            shown++;
            break;
        }
        fwrite(piece, 1, piece_len, out);
        shown += columns;
        p += n;
        left -= n;
    }
    return shown;
}

/* Prints text escaped in exactly width characters and a space. */
static void print_cell(FILE *out, const char *text, int width)
{
    for (int shown = cli_print_text(out, text, width); shown < width; shown++)
        fputc(' ', out);
    fputc(' ', out);
}

/* Prints the rows that --top left out, when there are any. */
static void print_hidden(FILE *out, long long hidden)
{
    if (hidden > 0)
        fprintf(out,
                "... %lld more enriched %s (see --format json, 'cipgraph "
                "show' or 'cipgraph export')\n",
                hidden, cli_plural(hidden, "row", "rows"));
}

struct table_state {
    FILE *out;
    long long top;
    long long shown;
    long long hidden;
    bool problems_header;
};

static void print_header(FILE *out)
{
    fprintf(out, "%-*s %-6s %-9s %-9s %5s %-*s %-*s %4s %6s\n", COL_VALUE,
            "VALUE", "KIND", "INBOUND", "OUTBOUND", "SCORE", COL_FLAGS, "FLAGS",
            COL_WHERE, "AS / COUNTRY", "CVES", "PHISH%");
}

static void print_enriched(struct table_state *state,
                           const struct cg_run_row *row)
{
    const json_t *s = row->summary;
    char where[96] = "";
    char number[16];
    long long asn = -1;
    long long score = -1;
    long long cves = -1;
    double phish = -1;
    const char *country = cg_json_str(s, "country");
    const char *as_name = cg_json_str(s, "as_name");

    cg_json_int(s, "asn", &asn);
    cg_json_int(s, "score", &score);
    cg_json_int(s, "cve_count", &cves);
    cg_json_real(s, "phishing_prob", &phish);
    if (asn >= 0)
        snprintf(where, sizeof(where), "AS%lld %s%s%s", asn,
                 as_name ? as_name : "", country ? " / " : "",
                 country ? country : "");
    else if (country)
        snprintf(where, sizeof(where), "%s", country);
    print_cell(state->out, row->display ? row->display : row->value, COL_VALUE);
    print_cell(state->out, row->kind, 6);
    print_cell(state->out, s ? cg_json_str(s, "inbound") : "-", 9);
    print_cell(state->out, s ? cg_json_str(s, "outbound") : "-", 9);
    snprintf(number, sizeof(number), "%5lld", score);
    print_cell(state->out, score >= 0 ? number : "    -", 5);
    print_cell(state->out, s ? cg_json_str(s, "flags") : NULL, COL_FLAGS);
    print_cell(state->out, where, COL_WHERE);
    snprintf(number, sizeof(number), "%4lld", cves);
    print_cell(state->out, cves >= 0 ? number : "   -", 4);
    if (phish >= 0)
        fprintf(state->out, "%6.1f", phish);
    else
        fputs("     -", state->out);
    if (row->reason && strcmp(row->reason, "enriched") != 0) {
        fputs("  (", state->out);
        cli_print_text(state->out, row->reason, 0);
        fputc(')', state->out);
    }
    fputc('\n', state->out);
}

static int print_row(const struct cg_run_row *row, void *data)
{
    struct table_state *state = data;

    if (strcmp(row->state, "done") == 0) {
        if (state->top > 0 && state->shown >= state->top) {
            state->hidden++;
            return 0;
        }
        state->shown++;
        print_enriched(state, row);
        return 0;
    }
    if (!state->problems_header) {
        print_hidden(state->out, state->hidden);
        fputs("\nNot enriched:\n", state->out);
        state->problems_header = true;
    }
    fputs("  ", state->out);
    print_cell(state->out,
               strcmp(row->kind ? row->kind : "", "invalid") == 0 ? row->raw
                                                                  : row->value,
               COL_VALUE);
    print_cell(state->out, row->state, 8);
    cli_print_text(state->out, row->reason, 0);
    fputc('\n', state->out);
    return 0;
}

void cli_print_run_table(FILE *out, struct cg_store *store, int64_t run_id,
                         long long top)
{
    struct table_state state = {.out = out, .top = top};
    struct cg_error err;

    print_header(out);
    if (cg_store_run_rows(store, run_id, print_row, &state, &err) != CG_OK)
        fprintf(stderr, "cipgraph: error: %s\n", cg_error_text(&err));
    if (!state.problems_header)
        print_hidden(out, state.hidden);
    fflush(out);
}

void cli_print_summary(FILE *out, const struct cg_engine_stats *stats,
                       int64_t run_id)
{
    char elapsed[32];
    bool first = true;

    format_duration(stats->elapsed_ms, elapsed, sizeof(elapsed));
    fprintf(out,
            "\ncipgraph: run %lld: %ld %s read, %ld distinct, %ld %s\n"
            "  enriched %ld, from cache %ld, no data %ld, done earlier %ld\n"
            "  skipped %ld (private, reserved or CIDR), invalid %ld, "
            "failed %ld, not done %ld\n"
            "  API calls %ld (",
            (long long)run_id, stats->read,
            cli_plural(stats->read, "value", "values"), stats->distinct,
            stats->duplicates,
            cli_plural(stats->duplicates, "duplicate", "duplicates"),
            stats->enriched, stats->cached, stats->no_data, stats->earlier,
            stats->skipped, stats->invalid, stats->failed, stats->not_done,
            stats->api_calls);
    for (int i = 0; i < CG_CIP__COUNT; i++) {
        if (!stats->calls[i])
            continue;
        fprintf(out, "%s%s %ld", first ? "" : ", ",
                cg_cip_endpoint_name((enum cg_cip_endpoint)i), stats->calls[i]);
        first = false;
    }
    fprintf(out,
            "%s), retries %ld\n"
            "  credits used %ld, saved about %ld (cache, duplicates, "
            "skipped addresses)\n"
            "  concurrency %d;",
            first ? "none" : "", stats->retries, stats->credits_used,
            stats->credits_saved, stats->concurrency);
    if (stats->rate > 0)
        fprintf(out, " rate %.3g calls/s;", stats->rate);
    if (stats->slowdowns > 0)
        fprintf(out, " slowdowns after refusals %ld;", stats->slowdowns);
    fprintf(out, " time %s\n", elapsed);
    /* An interrupted run stops reading its input, so the values after the
     * last one read are not counted as left. */
    if (stats->stop_reason == CG_ERR_INTERRUPTED)
        fprintf(out,
                "  stopped early: %s after reading %ld %s, %ld of them "
                "not done (continue with: cipgraph enrich --resume)\n",
                cg_strerror(stats->stop_reason), stats->read,
                cli_plural(stats->read, "value", "values"), stats->not_done);
    else if (stats->stop_reason != CG_OK)
        fprintf(out, "  stopped early: %s; %ld %s left%s\n",
                cg_strerror(stats->stop_reason), stats->not_done,
                cli_plural(stats->not_done, "value", "values"),
                stats->stop_reason == CG_ERR_API_KEY
                    ? ""
                    : " (continue with: cipgraph enrich --resume)");
    fflush(out);
}

void cli_escape_strings(json_t *doc)
{
    const char *key;
    json_t *value;
    size_t i;

    if (json_is_object(doc)) {
        json_object_foreach(doc, key, value) {
            if (json_is_string(value))
                json_object_set_new(doc, key, escaped_string(value));
            else
                cli_escape_strings(value);
        }
    } else if (json_is_array(doc)) {
        json_array_foreach(doc, i, value) {
            if (json_is_string(value))
                json_array_set_new(doc, i, escaped_string(value));
            else
                cli_escape_strings(value);
        }
    }
}

const char *cli_json_text(const json_t *obj, const char *key)
{
    const char *text = json_string_value(json_object_get(obj, key));

    return text ? text : "";
}

const char *cli_node_name(const json_t *node)
{
    const char *name = cli_json_text(node, "name");

    return *name ? name : cli_json_text(node, "id");
}
