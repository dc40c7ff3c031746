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

#include "cli/cli.h"
#include "core/clock.h"
#include "graph/triage.h"
#include "stix/import.h"

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
    "                 for csv: ipv4-addr, ipv6-addr, domain-name or url\n"
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

struct export_args {
    const char *output;
    const char *format;
    const char *types[CG_EXPORT_MAX_TYPES];
    size_t n_types;
    long long min_score;
    int64_t since;
};

/* Adds the comma-separated STIX types of text; false when invalid. */
static bool add_types(struct export_args *a, char *text)
{
    char *save = NULL;

    for (char *t = strtok_r(text, ",", &save); t;
         t = strtok_r(NULL, ",", &save)) {
        char id[CG_STIX_REASON_SIZE];

        snprintf(id, sizeof(id), "%s--00000000-0000-4000-8000-000000000000", t);
        if (a->n_types == CG_EXPORT_MAX_TYPES || !cg_stix_id_valid(id, t)) {
            cli_error("invalid --type '%s': give a STIX type such as "
                      "indicator or ipv4-addr (at most %d)",
                      t, CG_EXPORT_MAX_TYPES);
            return false;
        }
        a->types[a->n_types++] = t;
    }
    return true;
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
    int opt;

    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "f:o:t:h", options, NULL)) != -1) {
        if (opt == 'h') {
            fputs(export_usage, stdout);
            return -1;
        } else if (opt == 'o') {
            a->output = optarg;
        } else if (opt == 'f' && (strcmp(optarg, "stix") == 0 ||
                                  strcmp(optarg, "jsonl") == 0 ||
                                  strcmp(optarg, "csv") == 0)) {
            a->format = optarg;
        } else if (opt == 't') {
            if (!add_types(a, optarg))
                return CG_EXIT_USAGE;
        } else if (opt == 's' && cli_parse_count(optarg, 100, &a->min_score)) {
            continue;
        } else if (opt == 'd' && cg_time_parse(optarg, &a->since)) {
            continue;
        } else {
            cli_error("invalid option or value; run 'cipgraph help export'");
            return CG_EXIT_USAGE;
        }
    }
    if (optind != argc) {
        cli_error("unexpected argument '%s'; run 'cipgraph help export'",
                  argv[optind]);
        return CG_EXIT_USAGE;
    }
    return CG_EXIT_OK;
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
    if (args.output &&
        !(out = cli_open_output(global, args.output, NULL, 0))) {
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
