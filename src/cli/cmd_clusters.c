/*
 * `cipgraph clusters`: probable phishing and malware campaigns, found as
 * malicious observables that share infrastructure, printed as a table,
 * JSON or a STIX bundle, and stored in the graph as groupings.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "graph/cluster.h"

static const char clusters_usage[] =
    "usage: cipgraph clusters [--min-size N] [--max-shared N]\n"
    "                         [--format table|json|stix] [--output FILE]\n"
    "\n"
    "Groups the graph's malicious and phishing observables (domains, URLs\n"
    "and IPs) into probable campaigns when they share a registered domain,\n"
    "a certificate, a resolving IP, an AS with the same registrar and\n"
    "creation week, a favicon hash, a /24 or /48 block or a JARM\n"
    "fingerprint. Each campaign is stored in the graph as a STIX grouping\n"
    "(context suspicious-activity) that replaces the previous run's.\n"
    "\n"
    "  --min-size N    smallest campaign reported, in members (default 2)\n"
    "  --max-shared N  ignore a value shared by more than N observables as\n"
    "                  shared infrastructure such as a CDN address\n"
    "                  (default 1000; 0 for no limit)\n"
    "  --format FMT    table (default), json, or stix: a bundle with the\n"
    "                  groupings and every object they refer to\n"
    "  --output FILE   write to FILE instead of standard output\n";

/* Members listed under each cluster in the table. */
#define CG_TABLE_MEMBERS 10

/* Largest --min-size and --max-shared accepted. */
#define CG_CLUSTERS_COUNT_MAX 1000000000LL

struct clusters_args {
    struct cg_cluster_opts opts;
    const char *format;
    const char *output;
};

/* Reads a whole number from min to CG_CLUSTERS_COUNT_MAX for option
 * name. Returns false after printing an error that gives the range. */
static bool parse_count_option(const char *name, const char *text,
                               long long min, long *out)
{
    long long value;

    if (!cli_parse_count(text, CG_CLUSTERS_COUNT_MAX, &value) || value < min) {
        cli_error("invalid %s '%s': use a whole number from %lld to %lld", name,
                  text, min, CG_CLUSTERS_COUNT_MAX);
        return false;
    }
    *out = (long)value;
    return true;
}

/* Applies one option. Returns false after printing an error. */
static bool apply_option(int opt, char *value, void *data)
{
    struct clusters_args *a = data;

    switch (opt) {
    case 'm':
        return parse_count_option("--min-size", value, 2, &a->opts.min_size);
    case 's':
        return parse_count_option("--max-shared", value, 0,
                                  &a->opts.max_shared);
    case 'f':
        if (strcmp(value, "table") && strcmp(value, "json") &&
            strcmp(value, "stix")) {
            cli_error("invalid --format '%s': use table, json or stix", value);
            return false;
        }
        a->format = value;
        return true;
    case 'o':
        a->output = value;
        return true;
    default:
        return false;
    }
}

static int parse_args(int argc, char **argv, struct clusters_args *a)
{
    static const struct option options[] = {
        {"min-size", required_argument, NULL, 'm'},
        {"max-shared", required_argument, NULL, 's'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    switch (cli_parse_options(argc, argv, ":f:o:h", options, "clusters",
                              clusters_usage, apply_option, a)) {
    case CLI_PARSE_OK:
        return CG_EXIT_OK;
    case CLI_PARSE_HELP:
        return -1;
    default:
        return CG_EXIT_USAGE;
    }
}

/* Values come from the graph, which imports may fill with any text, so
 * every one is printed escaped. */
static void print_table(const struct cg_cluster_set *set, FILE *out)
{
    fprintf(out, "%-46s %6s %5s  %s\n", "cluster", "size", "conf",
            "evidence (kind value, members)");
    for (size_t i = 0; i < set->count; i++) {
        const struct cg_cluster *cl = &set->clusters[i];

        for (int n = cli_print_text(out, cl->id, 0); n < 46; n++)
            fputc(' ', out);
        fprintf(out, " %6zu %4d%%  ", cl->n_members, cl->confidence);
        for (size_t j = 0; j < cl->n_evidence && j < 4; j++) {
            fprintf(out, "%s%s ", j ? "; " : "",
                    cg_cluster_key_name(cl->evidence[j].kind));
            cli_print_text(out, cl->evidence[j].value, 60);
            fprintf(out, " (%ld)", cl->evidence[j].members);
        }
        if (cl->n_evidence > 4)
            fprintf(out, "; +%zu more", cl->n_evidence - 4);
        fputc('\n', out);
        for (size_t j = 0; j < cl->n_members && j < CG_TABLE_MEMBERS; j++) {
            fputs("    ", out);
            for (int n = cli_print_text(out, cl->members[j].type, 0); n < 12;
                 n++)
                fputc(' ', out);
            fputc(' ', out);
            cli_print_text(out, cl->members[j].value, 0);
            fputc('\n', out);
        }
        if (cl->n_members > CG_TABLE_MEMBERS)
            fprintf(out, "    ... and %zu more\n",
                    cl->n_members - CG_TABLE_MEMBERS);
    }
}

/* Writes {"candidates", "clusters", "shared_values_ignored"} one cluster
 * at a time, so that memory does not grow with the output. */
static int print_json(const struct cg_cluster_set *set, FILE *out)
{
    int failed = fprintf(out, "{\n  \"candidates\": %ld,\n  \"clusters\": [",
                         set->candidates) < 0;

    for (size_t i = 0; !failed && i < set->count; i++) {
        json_t *cluster = cg_cluster_to_json(&set->clusters[i]);

        failed = !cluster || fputs(i ? ",\n    " : "\n    ", out) == EOF ||
                 json_dumpf(cluster, out, JSON_INDENT(2) | JSON_SORT_KEYS);
        json_decref(cluster);
    }
    if (!failed)
        failed = fprintf(out, "%s],\n  \"shared_values_ignored\": %ld\n}\n",
                         set->count ? "\n  " : "", set->shared_ignored) < 0;
    if (failed) {
        cli_error("writing the clusters failed");
        return CG_EXIT_FAILED;
    }
    return CG_EXIT_OK;
}

/* The stored groupings with everything they refer to, as one bundle. */
static int print_stix(struct cg_store *store, const struct cg_cluster_set *set,
                      FILE *out)
{
    const char **ids = calloc(set->count ? set->count : 1, sizeof(*ids));
    struct cg_export_filter filter = {.min_score = -1};
    struct cg_error err;
    int status = CG_EXIT_OK;

    if (!ids) {
        cli_error("out of memory");
        return CG_EXIT_FAILED;
    }
    for (size_t i = 0; i < set->count; i++)
        ids[i] = set->clusters[i].id;
    filter.ids = ids;
    filter.n_ids = set->count;
    if (cg_store_export_select(store, &filter, false, out, NULL, &err) !=
        CG_OK) {
        cli_error("%s", cg_error_text(&err));
        status = CG_EXIT_FAILED;
    }
    free(ids);
    return status;
}

static int run_clusters(struct cg_store *store, const struct clusters_args *a,
                        FILE *out)
{
    struct cg_cluster_set *set = NULL;
    struct cg_error err;
    int status = CG_EXIT_OK;

    if (cg_cluster_find(store, &a->opts, &set, &err) != CG_OK ||
        cg_cluster_store(store, set, &err) != CG_OK) {
        cli_error("clustering failed: %s", cg_error_text(&err));
        cg_cluster_set_free(set);
        return CG_EXIT_FAILED;
    }
    if (strcmp(a->format, "json") == 0)
        status = print_json(set, out);
    else if (strcmp(a->format, "stix") == 0)
        status = print_stix(store, set, out);
    else
        print_table(set, out);
    fprintf(stderr,
            "cipgraph: %zu %s of %ld or more from %ld malicious %s; %ld "
            "shared %s ignored as infrastructure\n",
            set->count,
            cli_plural((long long)set->count, "cluster", "clusters"),
            a->opts.min_size, set->candidates,
            cli_plural(set->candidates, "observable", "observables"),
            set->shared_ignored,
            cli_plural(set->shared_ignored, "value", "values"));
    cg_cluster_set_free(set);
    return status;
}

int cmd_clusters(int argc, char **argv, const struct cli_global *global)
{
    struct clusters_args args = {.format = "table"};
    struct cg_store *store;
    FILE *out = stdout;
    int status;

    cg_cluster_opts_init(&args.opts);
    status = parse_args(argc, argv, &args);
    if (status != CG_EXIT_OK)
        return status < 0 ? CG_EXIT_OK : status;
    store = cli_open_graph(global);
    if (!store)
        return CG_EXIT_FAILED;
    if (args.output && !(out = cli_open_output(global, args.output, NULL, 0))) {
        cg_store_close(store);
        return CG_EXIT_FAILED;
    }
    status = run_clusters(store, &args, out);
    if (args.output && fclose(out) != 0 && status == CG_EXIT_OK) {
        cli_error("writing '%s' failed: %s", args.output, strerror(errno));
        status = CG_EXIT_FAILED;
    }
    cg_store_close(store);
    return status;
}
