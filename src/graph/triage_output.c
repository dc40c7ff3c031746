/*
 * Ranking and output of triage rows. The feature table is read in base
 * priority order. Freshness only ever lowers a priority, so the scan stops
 * as soon as the next base is below the lowest priority kept. A top-N query
 * therefore reads about N rows when the top rows are fresh, and at worst
 * every row matching the filters. Rows are kept in a min-heap of size N.
 */
#include "graph/triage_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "input/text.h"

/* One ranked row. Strings are owned. */
struct ranked {
    char *value;
    char *kind;
    char *features;
    int64_t enriched_at;
    double base;
    double priority;
};

/* Rows kept: a min-heap on (priority, then value descending) while
 * ranking with a limit, a plain array otherwise. */
struct ranking {
    struct ranked *rows;
    size_t count;
    size_t cap;
    size_t limit; /* 0 for every row */
};

/* True when a ranks below b: lower priority, or equal and later value. */
static bool ranks_below(const struct ranked *a, const struct ranked *b)
{
    if (a->priority != b->priority)
        return a->priority < b->priority;
    return strcmp(a->value, b->value) > 0;
}

static void ranked_free(struct ranked *row)
{
    free(row->value);
    free(row->kind);
    free(row->features);
}

static void heap_swap(struct ranked *rows, size_t i, size_t j)
{
    struct ranked tmp = rows[i];

    rows[i] = rows[j];
    rows[j] = tmp;
}

static void sift_up(struct ranked *rows, size_t i)
{
    while (i > 0 && ranks_below(&rows[i], &rows[(i - 1) / 2])) {
        heap_swap(rows, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void sift_down(struct ranked *rows, size_t count, size_t i)
{
    for (;;) {
        size_t low = i;
        size_t left = 2 * i + 1;
        size_t right = left + 1;

        if (left < count && ranks_below(&rows[left], &rows[low]))
            low = left;
        if (right < count && ranks_below(&rows[right], &rows[low]))
            low = right;
        if (low == i)
            return;
        heap_swap(rows, i, low);
        i = low;
    }
}

/* Adds row, taking ownership of its strings. */
static enum cg_err ranking_add(struct ranking *r, struct ranked *row)
{
    if (r->limit && r->count == r->limit) {
        if (!ranks_below(&r->rows[0], row)) {
            ranked_free(row);
            return CG_OK;
        }
        ranked_free(&r->rows[0]);
        r->rows[0] = *row;
        sift_down(r->rows, r->count, 0);
        return CG_OK;
    }
    if (r->count == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        struct ranked *rows = realloc(r->rows, cap * sizeof(*rows));

        if (!rows) {
            ranked_free(row);
            return CG_ERR_NOMEM;
        }
        r->rows = rows;
        r->cap = cap;
    }
    r->rows[r->count++] = *row;
    if (r->limit)
        sift_up(r->rows, r->count - 1);
    return CG_OK;
}

static int compare_ranked(const void *a, const void *b)
{
    const struct ranked *x = a;
    const struct ranked *y = b;

    if (ranks_below(x, y))
        return 1;
    return ranks_below(y, x) ? -1 : 0;
}

static void ranking_release(struct ranking *r)
{
    for (size_t i = 0; i < r->count; i++)
        ranked_free(&r->rows[i]);
    free(r->rows);
}

static char *dup_column(sqlite3_stmt *stmt, int column)
{
    const char *text = (const char *)sqlite3_column_text(stmt, column);

    return strdup(text ? text : "");
}

/*
 * Returns the ranking query for a kind filter: one kind reads the
 * (kind, base) index, the two address kinds and no filter read the base
 * index. Both return rows in ranking order, so the scan can stop early.
 * Plans: SEARCH triage_features USING INDEX triage_features_kind (kind=?)
 * and SCAN triage_features USING INDEX triage_features_base.
 */
static const char *rank_sql(const char *kind)
{
    if (kind && strcmp(kind, "ip") != 0)
        return "SELECT value, kind, enriched_at, base, features "
               "FROM triage_features WHERE kind = ?1 AND enriched_at >= ?3 "
               "ORDER BY base DESC, value";
    return "SELECT value, kind, enriched_at, base, features "
           "FROM triage_features WHERE (?1 IS NULL OR kind = ?1 OR "
           "kind = ?2) AND enriched_at >= ?3 ORDER BY base DESC, value";
}

/* Binds the kind filter: "ip" selects both address kinds. */
static void bind_kind(sqlite3_stmt *stmt, const char *kind)
{
    if (!kind)
        return;
    if (strcmp(kind, "ip") == 0) {
        sqlite3_bind_text(stmt, 1, "ipv4", -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 2, "ipv6", -1, SQLITE_STATIC);
        return;
    }
    sqlite3_bind_text(stmt, 1, kind, -1, SQLITE_TRANSIENT);
}

static bool kind_valid(const char *kind)
{
    static const char *const kinds[] = {"ip", "ipv4", "ipv6", "domain", "url"};

    for (size_t i = 0; kind && i < CG_ARRAY_LEN(kinds); i++) {
        if (strcmp(kind, kinds[i]) == 0)
            return true;
    }
    return !kind;
}

/* Reads the feature table in ranking order into r. */
static enum cg_err rank_rows(struct cg_store *store,
                             const struct cg_triage_weights *w,
                             const struct cg_triage_query *query, int64_t now,
                             struct ranking *r, struct cg_error *err)
{
    const char *sql = rank_sql(query->kind);
    sqlite3 *db = cg_store_db(store);
    sqlite3_stmt *stmt = NULL;
    enum cg_err rc = CG_OK;
    int step;

    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
        return cg_error_set(err, CG_ERR_DB, "reading triage rows failed: %s",
                            sqlite3_errmsg(db));
    bind_kind(stmt, query->kind);
    sqlite3_bind_int64(stmt, 3, query->since);
    while (rc == CG_OK && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct ranked row = {NULL, NULL, NULL, 0, 0, 0};

        row.base = sqlite3_column_double(stmt, 3);
        if (r->limit && r->count == r->limit && row.base < r->rows[0].priority)
            break; /* no later row can reach the kept ones */
        row.enriched_at = sqlite3_column_int64(stmt, 2);
        row.priority = row.base * cg_triage_freshness(w, row.enriched_at, now);
        row.value = dup_column(stmt, 0);
        row.kind = dup_column(stmt, 1);
        row.features = dup_column(stmt, 4);
        if (!row.value || !row.kind || !row.features) {
            ranked_free(&row);
            rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        } else if (ranking_add(r, &row) != CG_OK) {
            rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        }
    }
    if (rc == CG_OK && step != SQLITE_ROW && step != SQLITE_DONE)
        rc = cg_error_set(err, CG_ERR_DB, "reading triage rows failed: %s",
                          sqlite3_errmsg(db));
    sqlite3_finalize(stmt);
    return rc;
}

/* The explained form of one ranked row. */
struct explained {
    struct cg_triage_features features;
    struct cg_triage_part parts[CG_TRIAGE_MAX_PARTS];
    size_t count;
    double freshness;
    char reasons[2048];
};

static void explain_row(const struct cg_triage_weights *w,
                        const struct ranked *row, int64_t now,
                        struct explained *e)
{
    json_t *json = json_loads(row->features, 0, NULL);
    double base;
    size_t used = 0;

    cg_triage_features_from_json(json, &e->features);
    json_decref(json);
    e->count = cg_triage_explain(w, &e->features, e->parts, &base);
    e->freshness = cg_triage_freshness(w, row->enriched_at, now);
    e->reasons[0] = '\0';
    for (size_t i = 0; i < e->count && used < sizeof(e->reasons); i++)
        used += (size_t)snprintf(e->reasons + used, sizeof(e->reasons) - used,
                                 "%s%s", i ? ", " : "", e->parts[i].text);
    /* Only an age of a day or more is worth a reason. */
    if (now - row->enriched_at >= 86400 && used < sizeof(e->reasons))
        snprintf(e->reasons + used, sizeof(e->reasons) - used,
                 "%senriched %lld days ago (x%.2f)", used ? ", " : "",
                 (long long)((now - row->enriched_at) / 86400), e->freshness);
    if (!e->reasons[0])
        snprintf(e->reasons, sizeof(e->reasons), "no risk signal");
}

static const char *or_dash(const char *text)
{
    return text && *text ? text : "-";
}

/* Returns text with control characters and invalid UTF-8 escaped, in
 * buf, or "?" when memory runs out. */
static const char *escape_cell(struct cg_buf *buf, const char *text)
{
    if (cg_text_escape(buf, text, strlen(text)) != CG_OK)
        return "?";
    return cg_buf_str(buf);
}

/* The table goes to a terminal, and values come from the graph and the
 * API, so every text column is escaped. */
static void write_table_row(FILE *out, size_t rank, const struct ranked *row,
                            const struct explained *e)
{
    struct cg_buf cells[5] = {CG_BUF_INIT, CG_BUF_INIT, CG_BUF_INIT,
                              CG_BUF_INIT, CG_BUF_INIT};
    char score[16] = "-";

    if (e->features.score >= 0)
        snprintf(score, sizeof(score), "%d", e->features.score);
    fprintf(out, "%4zu %8.1f  %-40s %-6s %-9s %-9s %5s  %s\n", rank,
            row->priority, escape_cell(&cells[0], row->value),
            escape_cell(&cells[1], row->kind),
            escape_cell(&cells[2], or_dash(e->features.inbound)),
            escape_cell(&cells[3], or_dash(e->features.outbound)), score,
            escape_cell(&cells[4], e->reasons));
    for (size_t i = 0; i < CG_ARRAY_LEN(cells); i++)
        cg_buf_release(&cells[i]);
}

static json_t *row_json(size_t rank, const struct ranked *row,
                        const struct explained *e)
{
    const struct cg_triage_features *f = &e->features;
    char when[CG_TIME_TEXT_SIZE];
    json_t *reasons = json_array();
    json_t *terms = json_array();

    cg_time_format(row->enriched_at, when);
    for (size_t i = 0; i < e->count; i++) {
        json_array_append_new(reasons, json_string(e->parts[i].text));
        json_array_append_new(terms,
                              json_pack("{sf ss}", "points", e->parts[i].points,
                                        "reason", e->parts[i].text));
    }
    return json_pack(
        "{sI ss ss sf sf sf so so so sb ss so so}", "rank", (json_int_t)rank,
        "value", row->value, "kind", row->kind, "priority", row->priority,
        "base", row->base, "freshness", e->freshness, "inbound",
        *f->inbound ? json_string(f->inbound) : json_null(), "outbound",
        *f->outbound ? json_string(f->outbound) : json_null(), "score",
        f->score >= 0 ? json_integer(f->score) : json_null(), "malicious",
        f->malicious, "enriched_at", when, "reasons", reasons, "terms", terms);
}

/* Writes a CSV field, quoted when it contains a comma, quote or line break
 * (RFC 4180). */
static void write_csv_field(FILE *out, const char *text, bool last)
{
    if (strpbrk(text, ",\"\r\n")) {
        fputc('"', out);
        for (const char *p = text; *p; p++) {
            if (*p == '"')
                fputc('"', out);
            fputc(*p, out);
        }
        fputc('"', out);
    } else {
        fputs(text, out);
    }
    fputc(last ? '\n' : ',', out);
}

static void write_csv_row(FILE *out, size_t rank, const struct ranked *row,
                          const struct explained *e)
{
    const struct cg_triage_features *f = &e->features;
    char number[4][32];
    char when[CG_TIME_TEXT_SIZE];

    snprintf(number[0], sizeof(number[0]), "%zu", rank);
    snprintf(number[1], sizeof(number[1]), "%.1f", row->priority);
    snprintf(number[2], sizeof(number[2]), "%d", f->score);
    if (f->score < 0)
        number[2][0] = '\0';
    snprintf(number[3], sizeof(number[3]), "%.2f", f->phishing_prob);
    if (f->phishing_prob < 0)
        number[3][0] = '\0';
    cg_time_format(row->enriched_at, when);
    write_csv_field(out, number[0], false);
    write_csv_field(out, number[1], false);
    write_csv_field(out, row->value, false);
    write_csv_field(out, row->kind, false);
    write_csv_field(out, f->inbound, false);
    write_csv_field(out, f->outbound, false);
    write_csv_field(out, number[2], false);
    write_csv_field(out, f->malicious ? "true" : "false", false);
    write_csv_field(out, f->labels, false);
    write_csv_field(out, number[3], false);
    write_csv_field(out, when, false);
    write_csv_field(out, e->reasons, true);
}

static enum cg_err write_rows(const struct cg_triage_weights *w,
                              const struct ranking *r,
                              enum cg_triage_format format, int64_t now,
                              FILE *out, struct cg_error *err)
{
    struct explained *e = malloc(sizeof(*e));
    json_t *array = format == CG_TRIAGE_JSON ? json_array() : NULL;

    if (!e || (format == CG_TRIAGE_JSON && !array)) {
        free(e);
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    if (format == CG_TRIAGE_TABLE)
        fprintf(out, "%4s %8s  %-40s %-6s %-9s %-9s %5s  %s\n", "RANK",
                "PRIORITY", "VALUE", "KIND", "INBOUND", "OUTBOUND", "SCORE",
                "REASONS");
    if (format == CG_TRIAGE_CSV)
        fputs("rank,priority,value,kind,inbound,outbound,score,malicious,"
              "labels,phishing_prob,enriched_at,reasons\n",
              out);
    for (size_t i = 0; i < r->count; i++) {
        explain_row(w, &r->rows[i], now, e);
        if (format == CG_TRIAGE_TABLE)
            write_table_row(out, i + 1, &r->rows[i], e);
        else if (format == CG_TRIAGE_CSV)
            write_csv_row(out, i + 1, &r->rows[i], e);
        else
            json_array_append_new(array, row_json(i + 1, &r->rows[i], e));
    }
    if (format == CG_TRIAGE_TABLE && r->count == 0)
        fputs("(no enriched indicator matches)\n", out);
    if (array) {
        json_dumpf(array, out, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
        fputc('\n', out);
    }
    json_decref(array);
    free(e);
    return CG_OK;
}

enum cg_err cg_triage_write(struct cg_store *store,
                            const struct cg_triage_weights *weights,
                            const struct cg_triage_query *query,
                            enum cg_triage_format format, FILE *out,
                            struct cg_error *err)
{
    struct ranking r = {NULL, 0, 0,
                        query->limit > 0 ? (size_t)query->limit : 0};
    int64_t now = cg_time_now();
    enum cg_err rc;

    if (!kind_valid(query->kind))
        return cg_error_set(err, CG_ERR_INVALID,
                            "invalid kind '%s': use ip, domain or url",
                            query->kind);
    rc = cg_triage_sync(store, weights, query->refresh, err);

    if (rc == CG_OK)
        rc = rank_rows(store, weights, query, now, &r, err);
    if (rc == CG_OK) {
        if (r.count > 1)
            qsort(r.rows, r.count, sizeof(*r.rows), compare_ranked);
        rc = write_rows(weights, &r, format, now, out, err);
    }
    if (rc == CG_OK && (fflush(out) != 0 || ferror(out)))
        rc = cg_error_set(err, CG_ERR_IO, "writing the output failed: %s",
                          strerror(errno));
    ranking_release(&r);
    return rc;
}
