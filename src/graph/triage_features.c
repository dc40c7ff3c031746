/*
 * The triage feature table. A value's features are its summary from the
 * indicators table, the CVEs it is related to, and the C2 ports, IDS,
 * honeypot and scanning rows of its report note. They are extracted once,
 * when the value is first seen or enriched again, and stored with the base
 * priority under the current weights. Ranking then reads this table in
 * base order instead of walking the graph for every row.
 *
 * Each call creates these when missing:
 * - triage_features(value PK, kind, display, object_id, enriched_at, base,
 *   features JSON), indexed on (base DESC, value) and on
 *   (kind, base DESC, value).
 * - An index on indicators(enriched_at), which finds the values enriched
 *   since the last sync without a scan.
 * - The graph_state keys "triage.synced_through", the newest enriched_at
 *   already extracted, and "triage.weights", the weights of the stored base
 *   priorities.
 */
#include "graph/triage_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/json.h"
#include "graph/graph_walk.h"

static const char triage_schema_sql[] =
    "CREATE TABLE IF NOT EXISTS triage_features("
    "  value TEXT PRIMARY KEY,"
    "  kind TEXT NOT NULL,"
    "  display TEXT,"
    "  object_id TEXT,"
    "  enriched_at INTEGER NOT NULL,"
    "  base REAL NOT NULL,"
    "  features TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS triage_features_base"
    "  ON triage_features(base DESC, value);"
    "CREATE INDEX IF NOT EXISTS triage_features_kind"
    "  ON triage_features(kind, base DESC, value);"
    "CREATE INDEX IF NOT EXISTS indicators_enriched"
    "  ON indicators(enriched_at);";

/* Largest cell of a note table row read here, in bytes. */
#define CELL_SIZE 256
#define MAX_CELLS 8

/*
 * Splits a Markdown table row "| a | b\|c |" into trimmed, unescaped
 * cells. Returns the number of cells after the leading '|'.
 */
static size_t split_cells(const char *line, size_t len, char cells[][CELL_SIZE],
                          size_t max)
{
    size_t count = 0;
    size_t used = 0;

    if (len == 0 || line[0] != '|')
        return 0;
    for (size_t i = 1; i < len && count < max; i++) {
        char c = line[i];

        if (c == '\\' && i + 1 < len) {
            c = line[++i];
        } else if (c == '|') {
            cells[count][used] = '\0';
            count++;
            used = 0;
            continue;
        }
        if (used + 1 < CELL_SIZE && !(used == 0 && c == ' '))
            cells[count][used++] = c;
    }
    for (size_t i = 0; i < count; i++) {
        size_t n = strlen(cells[i]);

        while (n > 0 && cells[i][n - 1] == ' ')
            cells[i][--n] = '\0';
    }
    return count;
}

/* Returns the product a C2 tag such as "c2_metasploit" names, or NULL
 * when the tag is not a C2 tag. */
static const char *c2_tag_product(const char *tag)
{
    if (strncasecmp(tag, "c2", 2) != 0)
        return NULL;
    if (tag[2] == '\0')
        return "";
    if (tag[2] == '_' || tag[2] == '-')
        return tag + 3;
    return NULL;
}

/* Reads one open-ports row; a C2-tagged open port becomes a C2 entry. */
static void read_port_row(const char *line, size_t len,
                          struct cg_triage_features *f)
{
    char cells[MAX_CELLS][CELL_SIZE];
    char *end;
    char *save = NULL;
    long port;

    /* | Port | Socket | Protocol | Product | Version | Tags | CVE | */
    if (split_cells(line, len, cells, MAX_CELLS) < 6 ||
        f->c2_count == CG_TRIAGE_MAX_C2)
        return;
    port = strtol(cells[0], &end, 10);
    if (end == cells[0] || *end != '\0' || port < 0 || port > 65535)
        return; /* no number, or "(closed)" after it */
    for (char *tag = strtok_r(cells[5], ",", &save); tag;
         tag = strtok_r(NULL, ",", &save)) {
        const char *product;

        tag += strspn(tag, " ");
        product = c2_tag_product(tag);
        if (!product)
            continue;
        f->c2[f->c2_count].port = (int)port;
        snprintf(f->c2[f->c2_count].product, sizeof(f->c2[0].product), "%.47s",
                 cells[3][0] ? cells[3] : product);
        f->c2_count++;
        return;
    }
}

/*
 * Finds the table under the heading "## title" and calls read_row for each
 * data row (when not NULL). Returns the number of data rows, or -1 when
 * the section is absent.
 */
static int read_section(const char *content, const char *title,
                        struct cg_triage_features *f,
                        void (*read_row)(const char *, size_t,
                                         struct cg_triage_features *))
{
    char heading[64];
    const char *p;
    int rows = 0;
    bool past_separator = false;

    snprintf(heading, sizeof(heading), "## %s\n", title);
    p = strstr(content, heading);
    while (p && p != content && p[-1] != '\n')
        p = strstr(p + 1, heading);
    if (!p)
        return -1;
    p += strlen(heading);
    p += strspn(p, "\n");
    while (*p == '|') {
        size_t len = strcspn(p, "\n");

        if (strncmp(p, "|---", 4) == 0) {
            past_separator = true;
        } else if (past_separator) {
            rows++;
            if (read_row)
                read_row(p, len, f);
        }
        p += len;
        p += *p == '\n';
    }
    return rows;
}

/*
 * NOTE: the IP mapping keeps ports, IDS alerts and honeypot hits only in
 * its note's Markdown tables, so they are read from there. The section
 * titles and column order must follow src/stix/map_ip*.c, and rows past
 * the note's per-section cap (100) are not counted.
 */
void cg_triage_read_note(const char *content, struct cg_triage_features *f)
{
    int rows;

    if (!content)
        return;
    read_section(content, "Open ports", f, read_port_row);
    if ((rows = read_section(content, "IDS signals", f, NULL)) >= 0)
        f->ids_rows = rows;
    if ((rows = read_section(content, "Honeypot hits", f, NULL)) >= 0)
        f->honeypot_rows = rows;
    if ((rows = read_section(content, "Scanning records", f, NULL)) >= 0)
        f->scanning_rows = rows;
}

static void init_features(struct cg_triage_features *f)
{
    memset(f, 0, sizeof(*f));
    f->score = -1;
    f->cve_total = -1;
    f->ids_rows = -1;
    f->honeypot_rows = -1;
    f->scanning_rows = -1;
    f->phishing_prob = -1;
}

static void read_summary(const char *text, struct cg_triage_features *f)
{
    struct cg_summary summary;
    json_t *json = NULL;

    if (!text || cg_json_parse(text, strlen(text), 0, &json, NULL) != CG_OK)
        return;
    cg_summary_from_json(json, &summary);
    snprintf(f->inbound, sizeof(f->inbound), "%s", summary.inbound);
    snprintf(f->outbound, sizeof(f->outbound), "%s", summary.outbound);
    snprintf(f->labels, sizeof(f->labels), "%s", summary.flags);
    f->score = summary.score;
    f->malicious = summary.malicious;
    f->cve_total = summary.cve_count;
    f->phishing_prob = summary.phishing_prob;
    json_decref(json);
}

/* The statements one sync uses, prepared once. */
struct sync_stmts {
    sqlite3_stmt *cves;
    sqlite3_stmt *notes;
    sqlite3_stmt *upsert;
    sqlite3_stmt *remove;
    sqlite3_stmt *rescore;
};

static const char *const sync_sql[] = {
    /* SEARCH e USING INDEX edges_source (source=? AND type=?),
     * SEARCH o USING PRIMARY KEY (id=?) */
    "SELECT json_extract(o.body, '$.x_opencti_cvss_base_score'),"
    " json_extract(o.body, '$.x_opencti_cvss_v2_base_score'),"
    " json_extract(o.body, '$.x_criminalip_has_public_exploit') "
    "FROM edges e JOIN objects o ON o.id = e.target "
    "WHERE e.source = ?1 AND e.type = 'related-to' "
    "AND o.type = 'vulnerability' LIMIT 500",
    /* SEARCH e USING INDEX edges_target (target=? AND type=?) */
    "SELECT json_extract(o.body, '$.content') "
    "FROM edges e JOIN objects o ON o.id = e.source "
    "WHERE e.target = ?1 AND e.type = 'object_refs' AND o.type = 'note' "
    "LIMIT 8",
    "INSERT OR REPLACE INTO triage_features(value, kind, display, "
    "object_id, enriched_at, base, features) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    "DELETE FROM triage_features WHERE value = ?1",
    "UPDATE triage_features SET base = ?2 WHERE value = ?1",
};

static void finalize_stmts(struct sync_stmts *s)
{
    sqlite3_finalize(s->cves);
    sqlite3_finalize(s->notes);
    sqlite3_finalize(s->upsert);
    sqlite3_finalize(s->remove);
    sqlite3_finalize(s->rescore);
}

static enum cg_err prepare_stmts(sqlite3 *db, struct sync_stmts *s,
                                 struct cg_error *err)
{
    sqlite3_stmt **slots[] = {&s->cves, &s->notes, &s->upsert, &s->remove,
                              &s->rescore};

    for (size_t i = 0; i < CG_ARRAY_LEN(slots); i++) {
        if (sqlite3_prepare_v2(db, sync_sql[i], -1, slots[i], NULL) !=
            SQLITE_OK)
            return cg_error_set(err, CG_ERR_DB,
                                "preparing the triage sync failed: %s",
                                sqlite3_errmsg(db));
    }
    return CG_OK;
}

static void read_cves(struct sync_stmts *s, const char *object_id,
                      struct cg_triage_features *f)
{
    sqlite3_reset(s->cves);
    sqlite3_bind_text(s->cves, 1, object_id, -1, SQLITE_TRANSIENT);
    while (sqlite3_step(s->cves) == SQLITE_ROW &&
           f->cve_count < CG_TRIAGE_MAX_CVES) {
        int column = sqlite3_column_type(s->cves, 0) != SQLITE_NULL ? 0 : 1;

        f->cvss[f->cve_count] =
            sqlite3_column_type(s->cves, column) != SQLITE_NULL
                ? sqlite3_column_double(s->cves, column)
                : -1;
        f->exploit[f->cve_count] = sqlite3_column_int(s->cves, 2) != 0;
        f->cve_count++;
    }
}

static void read_notes(struct sync_stmts *s, const char *object_id,
                       struct cg_triage_features *f)
{
    sqlite3_reset(s->notes);
    sqlite3_bind_text(s->notes, 1, object_id, -1, SQLITE_TRANSIENT);
    while (sqlite3_step(s->notes) == SQLITE_ROW)
        cg_triage_read_note((const char *)sqlite3_column_text(s->notes, 0), f);
}

/* Extracts and stores the features of one indicators row. */
static enum cg_err sync_row(sqlite3 *db, struct sync_stmts *s,
                            const struct cg_triage_weights *w,
                            sqlite3_stmt *row, struct cg_error *err)
{
    struct cg_triage_features *f = malloc(sizeof(*f));
    struct cg_triage_part parts[CG_TRIAGE_MAX_PARTS];
    const char *object_id = (const char *)sqlite3_column_text(row, 3);
    char *text = NULL;
    json_t *json;
    double base;
    enum cg_err rc = CG_OK;

    if (!f)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    init_features(f);
    read_summary((const char *)sqlite3_column_text(row, 5), f);
    if (object_id) {
        read_cves(s, object_id, f);
        read_notes(s, object_id, f);
    }
    cg_triage_explain(w, f, parts, &base);
    json = cg_triage_features_to_json(f);
    text = json ? json_dumps(json, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(json);
    free(f);
    if (!text)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    sqlite3_reset(s->upsert);
    for (int i = 0; i < 4; i++)
        sqlite3_bind_value(s->upsert, i + 1, sqlite3_column_value(row, i));
    sqlite3_bind_int64(s->upsert, 5, sqlite3_column_int64(row, 6));
    sqlite3_bind_double(s->upsert, 6, base);
    sqlite3_bind_text(s->upsert, 7, text, -1, free);
    if (sqlite3_step(s->upsert) != SQLITE_DONE)
        rc = cg_error_set(err, CG_ERR_DB,
                          "storing triage features failed: "
                          "%s",
                          sqlite3_errmsg(db));
    return rc;
}

static enum cg_err remove_row(sqlite3 *db, struct sync_stmts *s,
                              sqlite3_stmt *row, struct cg_error *err)
{
    sqlite3_reset(s->remove);
    sqlite3_bind_value(s->remove, 1, sqlite3_column_value(row, 0));
    if (sqlite3_step(s->remove) != SQLITE_DONE)
        return cg_error_set(err, CG_ERR_DB,
                            "removing triage features failed: %s",
                            sqlite3_errmsg(db));
    return CG_OK;
}

/*
 * Extracts the features of every value enriched at or after *watermark and
 * moves *watermark to the newest enriched_at seen. Values whose last
 * enrichment did not succeed leave the table.
 */
static enum cg_err sync_new_rows(sqlite3 *db, struct sync_stmts *s,
                                 const struct cg_triage_weights *w,
                                 int64_t *watermark, struct cg_error *err)
{
    /* SEARCH indicators USING INDEX indicators_enriched (enriched_at>?) */
    static const char sql[] =
        "SELECT value, kind, display, object_id, status, summary, "
        "enriched_at FROM indicators WHERE enriched_at >= ?1";
    sqlite3_stmt *row = NULL;
    enum cg_err rc = CG_OK;
    int step;

    if (sqlite3_prepare_v2(db, sql, -1, &row, NULL) != SQLITE_OK)
        return cg_error_set(err, CG_ERR_DB, "reading indicators failed: %s",
                            sqlite3_errmsg(db));
    sqlite3_bind_int64(row, 1, *watermark);
    while (rc == CG_OK && (step = sqlite3_step(row)) == SQLITE_ROW) {
        const char *status = (const char *)sqlite3_column_text(row, 4);
        int64_t at = sqlite3_column_int64(row, 6);

        if (status && strcmp(status, "ok") == 0)
            rc = sync_row(db, s, w, row, err);
        else
            rc = remove_row(db, s, row, err);
        if (at > *watermark)
            *watermark = at;
    }
    if (rc == CG_OK && step != SQLITE_DONE)
        rc = cg_error_set(err, CG_ERR_DB, "reading indicators failed: %s",
                          sqlite3_errmsg(db));
    sqlite3_finalize(row);
    return rc;
}

/* Recomputes every stored base priority under new weights: O(rows). */
static enum cg_err rescore_all(sqlite3 *db, struct sync_stmts *s,
                               const struct cg_triage_weights *w,
                               struct cg_error *err)
{
    sqlite3_stmt *row = NULL;
    enum cg_err rc = CG_OK;
    struct cg_triage_features *f = malloc(sizeof(*f));
    struct cg_triage_part parts[CG_TRIAGE_MAX_PARTS];

    if (!f)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (sqlite3_prepare_v2(db, "SELECT value, features FROM triage_features",
                           -1, &row, NULL) != SQLITE_OK) {
        free(f);
        return cg_error_set(err, CG_ERR_DB, "rescoring failed: %s",
                            sqlite3_errmsg(db));
    }
    while (rc == CG_OK && sqlite3_step(row) == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(row, 1);
        json_t *json = json_loads(text ? text : "{}", 0, NULL);
        double base;

        cg_triage_features_from_json(json, f);
        json_decref(json);
        cg_triage_explain(w, f, parts, &base);
        sqlite3_reset(s->rescore);
        sqlite3_bind_value(s->rescore, 1, sqlite3_column_value(row, 0));
        sqlite3_bind_double(s->rescore, 2, base);
        if (sqlite3_step(s->rescore) != SQLITE_DONE)
            rc = cg_error_set(err, CG_ERR_DB, "rescoring failed: %s",
                              sqlite3_errmsg(db));
    }
    sqlite3_finalize(row);
    free(f);
    return rc;
}

/* Runs the sync steps inside the caller's transaction. */
static enum cg_err sync_locked(struct cg_store *store,
                               const struct cg_triage_weights *w,
                               const char *fingerprint, bool refresh,
                               struct cg_error *err)
{
    sqlite3 *db = cg_store_db(store);
    struct sync_stmts s = {0};
    char *stored = NULL;
    char *mark_text = NULL;
    int64_t watermark = INT64_MIN;
    char number[32];
    enum cg_err rc = prepare_stmts(db, &s, err);

    if (rc == CG_OK)
        rc =
            cg_graph_state_get(store, "triage.synced_through", &mark_text, err);
    if (rc == CG_OK && mark_text && !refresh)
        watermark = strtoll(mark_text, NULL, 10);
    if (rc == CG_OK)
        rc = sync_new_rows(db, &s, w, &watermark, err);
    snprintf(number, sizeof(number), "%lld", (long long)watermark);
    if (rc == CG_OK && watermark != INT64_MIN)
        rc = cg_graph_state_set(store, "triage.synced_through", number, err);
    if (rc == CG_OK)
        rc = cg_graph_state_get(store, "triage.weights", &stored, err);
    if (rc == CG_OK && (!stored || strcmp(stored, fingerprint) != 0)) {
        rc = rescore_all(db, &s, w, err);
        if (rc == CG_OK)
            rc = cg_graph_state_set(store, "triage.weights", fingerprint, err);
    }
    free(stored);
    free(mark_text);
    finalize_stmts(&s);
    return rc;
}

enum cg_err cg_triage_sync(struct cg_store *store,
                           const struct cg_triage_weights *w, bool refresh,
                           struct cg_error *err)
{
    json_t *weights = cg_triage_weights_to_json(w);
    char *fingerprint =
        weights ? json_dumps(weights, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    char *message = NULL;
    enum cg_err rc = CG_OK;

    json_decref(weights);
    if (!fingerprint)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    rc = cg_graph_state_prepare(store, err);
    if (rc == CG_OK && sqlite3_exec(cg_store_db(store), triage_schema_sql, NULL,
                                    NULL, &message) != SQLITE_OK)
        rc = cg_error_set(err, CG_ERR_DB,
                          "creating the triage tables failed: %s",
                          message ? message : "unknown error");
    sqlite3_free(message);
    if (rc == CG_OK)
        rc = cg_store_begin(store, err);
    if (rc == CG_OK) {
        rc = sync_locked(store, w, fingerprint, refresh, err);
        if (rc == CG_OK)
            rc = cg_store_commit(store, err);
        if (rc != CG_OK)
            cg_store_rollback(store);
    }
    free(fingerprint);
    return rc;
}
