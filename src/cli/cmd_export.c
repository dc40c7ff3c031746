/*
 * `cipgraph export`: the graph, or the part of it that the filters select,
 * as one STIX 2.1 bundle, as JSON Lines, or as a CSV of the enriched
 * indicators with the triage columns. STIX output is streamed in a stable
 * order and closed under references.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/clock.h"
#include "graph/triage.h"

static const char export_usage[] =
    "usage: cipgraph export [--format stix|jsonl|csv] [--type T]...\n"
    "                       [--min-score N] [--since DATE] [--output FILE]\n"
    "\n"
    "Writes the graph as a STIX 2.1 bundle (stix, the default), one STIX\n"
    "object per line (jsonl), or one CSV row per enriched indicator with\n"
    "the triage columns, most urgent first (csv). STIX output is ordered\n"
    "markings, identities, observables, other objects, relationships, by\n"
    "id.\n"
    "\n"
    "  --type T       keep objects of STIX type T (repeatable, or a comma\n"
    "                 list); relationships are kept only when T names them;\n"
    "                 for csv: ipv4-addr, ipv6-addr, domain-name or url.\n"
    "                 A STIX 2.1 type without objects in the graph gives a\n"
    "                 note; any other type must be in the graph\n"
    "  --min-score N  keep objects whose x_opencti_score is at least N\n"
    "                 (0-100); objects without a score are left out\n"
    "  --since DATE   keep objects written to the graph at or after DATE\n"
    "                 (YYYY-MM-DD or an RFC 3339 time, UTC)\n"
    "  --output FILE  write to FILE instead of standard output\n"
    "\n"
    "A filtered bundle also holds what the kept objects refer to (authors,\n"
    "markings, a container's members), and only the relationships whose\n"
    "two ends it holds, so that every reference resolves inside it.\n";

/* Most --type values accepted. */
#define CG_EXPORT_MAX_TYPES 32

/* The object types that STIX 2.1 defines. */
static const char *const stix_types[] = {
    /* Domain objects */
    "attack-pattern", "campaign", "course-of-action", "grouping", "identity",
    "incident", "indicator", "infrastructure", "intrusion-set", "location",
    "malware", "malware-analysis", "note", "observed-data", "opinion", "report",
    "threat-actor", "tool", "vulnerability",
    /* Relationship objects */
    "relationship", "sighting",
    /* Cyber-observable objects */
    "artifact", "autonomous-system", "directory", "domain-name", "email-addr",
    "email-message", "file", "ipv4-addr", "ipv6-addr", "mac-addr", "mutex",
    "network-traffic", "process", "software", "url", "user-account",
    "windows-registry-key", "x509-certificate",
    /* Meta objects */
    "language-content", "marking-definition", "extension-definition"};

struct export_args {
    const char *output;
    const char *format;
    const char *types[CG_EXPORT_MAX_TYPES];
    size_t n_types;
    long long min_score;
    int64_t since;
};

/*
 * Returns true when name follows the STIX 2.1 rules for an object type:
 * 3 to 250 characters of a-z, 0-9 and '-', starting with a letter and
 * without "--".
 */
static bool type_name_valid(const char *name)
{
    size_t len = strlen(name);

    if (len < 3 || len > 250 || name[0] < 'a' || name[0] > 'z')
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];

        if (c == '-' && name[i + 1] == '-')
            return false;
        if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-')
            return false;
    }
    return true;
}

static bool is_stix_type(const char *name)
{
    for (size_t i = 0; i < CG_ARRAY_LEN(stix_types); i++) {
        if (strcmp(name, stix_types[i]) == 0)
            return true;
    }
    return false;
}

/* Adds the comma-separated STIX types of text; false when invalid. */
static bool add_types(struct export_args *a, char *text)
{
    char *save = NULL;

    for (char *t = strtok_r(text, ",", &save); t;
         t = strtok_r(NULL, ",", &save)) {
        if (!type_name_valid(t)) {
            cli_error("invalid --type '%s': a STIX type name has 3 to 250 "
                      "lower-case letters, digits and single hyphens, such "
                      "as indicator or ipv4-addr",
                      t);
            return false;
        }
        if (a->n_types == CG_EXPORT_MAX_TYPES) {
            cli_error("too many --type values: at most %d",
                      CG_EXPORT_MAX_TYPES);
            return false;
        }
        a->types[a->n_types++] = t;
    }
    return true;
}

/* Applies one option. Returns false after printing an error. */
static bool apply_option(int opt, char *value, void *data)
{
    struct export_args *a = data;
    switch (opt) {
    case 'o':
        a->output = value;
        return true;
    case 'f':
        if (strcmp(value, "stix") && strcmp(value, "jsonl") &&
            strcmp(value, "csv")) {
            cli_error("invalid --format '%s': use stix, jsonl or csv", value);
            return false;
        }
        a->format = value;
        return true;
    case 't':
        return add_types(a, value);
    case 's':
        if (!cli_parse_count(value, 100, &a->min_score)) {
            cli_error("invalid --min-score '%s': use a whole number from 0 "
                      "to 100",
                      value);
            return false;
        }
        return true;
    case 'd':
        if (!cg_time_parse(value, &a->since)) {
            cli_error("invalid --since '%s': use YYYY-MM-DD or an RFC 3339 "
                      "time such as 2026-01-15T10:00:00Z",
                      value);
            return false;
        }
        return true;
    default:
        return false;
    }
}

static int parse_args(int argc, char **argv, struct export_args *a)
{
    static const struct option options[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"type", required_argument, NULL, 't'},
        {"min-score", required_argument, NULL, 's'},
        {"since", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    switch (cli_parse_options(argc, argv, ":f:o:t:h", options, "export",
                              export_usage, apply_option, a)) {
    case CLI_PARSE_OK:
        return CG_EXIT_OK;
    case CLI_PARSE_HELP:
        return -1;
    default:
        return CG_EXIT_USAGE;
    }
}

/* Maps --type to the triage kind; false when it has no triage rows. */
static bool triage_kind(const struct export_args *a, const char **kind)
{
    static const char *const map[][2] = {{"ipv4-addr", "ip"},
                                         {"ipv6-addr", "ip"},
                                         {"domain-name", "domain"},
                                         {"url", "url"}};

    *kind = NULL;
    if (a->n_types == 0)
        return true;
    for (size_t i = 0; a->n_types == 1 && i < CG_ARRAY_LEN(map); i++) {
        if (strcmp(a->types[0], map[i][0]) == 0) {
            *kind = map[i][1];
            return true;
        }
    }
    return false;
}

/* Sets *found to whether the graph contains an object of type name. */
static bool graph_has_type(struct cg_store *store, const char *name,
                           bool *found)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(cg_store_db(store),
                                "SELECT 1 FROM objects WHERE type = ?1 LIMIT 1",
                                -1, &stmt, NULL);

    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    *found = rc == SQLITE_ROW;
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        cli_error("reading the graph's object types failed: %s",
                  sqlite3_errmsg(cg_store_db(store)));
        return false;
    }
    return true;
}

/* Writes the graph's object types, comma-separated, into list. */
static void list_graph_types(struct cg_store *store, struct cg_buf *list)
{
    sqlite3_stmt *stmt = NULL;

    if (sqlite3_prepare_v2(cg_store_db(store),
                           "SELECT DISTINCT type FROM objects ORDER BY type",
                           -1, &stmt, NULL) != SQLITE_OK)
        return;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(stmt, 0);

        if (cg_buf_printf(list, "%s%s", list->len ? ", " : "",
                          name ? name : "") != CG_OK)
            break;
    }
    sqlite3_finalize(stmt);
}

/*
 * Checks each --type against the graph. A STIX 2.1 type without objects in
 * the graph only gets a note, because the empty result is correct. Any
 * other type (a typo such as "ipv4", or a custom type never imported) is
 * an error that lists the graph's types. Returns the exit code.
 */
static int check_types(struct cg_store *store, const struct export_args *a)
{
    struct cg_buf list = CG_BUF_INIT;

    for (size_t i = 0; i < a->n_types; i++) {
        bool found;

        if (!graph_has_type(store, a->types[i], &found))
            return CG_EXIT_FAILED;
        if (found)
            continue;
        if (is_stix_type(a->types[i])) {
            fprintf(stderr,
                    "cipgraph: note: the graph has no objects of type '%s', "
                    "so the output has none\n",
                    a->types[i]);
            continue;
        }
        list_graph_types(store, &list);
        cli_error("unknown --type '%s': it is not a STIX 2.1 type and the "
                  "graph has no objects of that type (the graph has: %s)",
                  a->types[i], list.len ? cg_buf_str(&list) : "none");
        cg_buf_release(&list);
        return CG_EXIT_USAGE;
    }
    return CG_EXIT_OK;
}

static int write_csv(struct cg_store *store, const struct export_args *a,
                     FILE *out)
{
    struct cg_triage_weights *weights = NULL;
    struct cg_triage_query query = {.limit = 0, .since = a->since};
    struct cg_error err;
    enum cg_err rc;

    if (!triage_kind(a, &query.kind)) {
        cli_error("--format csv takes one --type of ipv4-addr, ipv6-addr, "
                  "domain-name or url");
        return CG_EXIT_USAGE;
    }
    if (a->min_score >= 0) {
        /* NOTE: the triage query has no score bound yet. */
        cli_error("--min-score works with --format stix or jsonl; CSV rows "
                  "are ranked by priority instead");
        return CG_EXIT_USAGE;
    }
    rc = cg_triage_weights_load(NULL, &weights, &err);
    if (rc == CG_OK)
        rc = cg_triage_write(store, weights, &query, CG_TRIAGE_CSV, out, &err);
    cg_triage_weights_free(weights);
    if (rc != CG_OK) {
        cli_error("%s", cg_error_text(&err));
        return CG_EXIT_FAILED;
    }
    return CG_EXIT_OK;
}

static int write_stix(struct cg_store *store, const struct export_args *a,
                      FILE *out)
{
    struct cg_export_filter filter = {
        .types = a->types,
        .n_types = a->n_types,
        .min_score = (int)a->min_score,
        .since = a->since,
    };
    struct cg_error err;

    if (cg_store_export_select(store, &filter, strcmp(a->format, "jsonl") == 0,
                               out, NULL, &err) != CG_OK) {
        cli_error("%s", cg_error_text(&err));
        return CG_EXIT_FAILED;
    }
    return CG_EXIT_OK;
}

int cmd_export(int argc, char **argv, const struct cli_global *global)
{
    struct export_args args = {.format = "stix", .min_score = -1};
    struct cg_store *store;
    FILE *out = stdout;
    int status = parse_args(argc, argv, &args);

    if (status != CG_EXIT_OK)
        return status < 0 ? CG_EXIT_OK : status;
    store = cli_open_graph(global);
    if (!store)
        return CG_EXIT_FAILED;
    status = check_types(store, &args);
    if (status != CG_EXIT_OK) {
        cg_store_close(store);
        return status;
    }
    if (args.output && !(out = cli_open_output(global, args.output, NULL, 0))) {
        cg_store_close(store);
        return CG_EXIT_FAILED;
    }
    if (strcmp(args.format, "csv") == 0)
        status = write_csv(store, &args, out);
    else
        status = write_stix(store, &args, out);
    if (args.output && fclose(out) != 0 && status == CG_EXIT_OK) {
        cli_error("writing '%s' failed: %s", args.output, strerror(errno));
        status = CG_EXIT_FAILED;
    }
    cg_store_close(store);
    return status;
}
