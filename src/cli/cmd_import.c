/*
 * `cipgraph import FILE|-`: loads a STIX 2.1 bundle, JSON Lines or a
 * single object into the graph with the merge rules of enrichment,
 * reporting each invalid object once and streaming the input so that its
 * size does not matter.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "stix/import.h"

static const char import_usage[] =
    "usage: cipgraph import [--batch N] [--max-object-size BYTES] [--quiet]\n"
    "                       FILE|-\n"
    "\n"
    "Loads a STIX 2.1 bundle (also JSON Lines, one object per line, or a\n"
    "single object) from FILE or standard input into the graph. Objects\n"
    "whose id is already in the graph are merged as enrichment merges them.\n"
    "Observables, indicators, named objects such as malware, and\n"
    "relationships are stored under the deterministic id OpenCTI computes\n"
    "from their values, and references to the id the file gave them follow\n"
    "them, now and in later imports.\n"
    "Each invalid object is reported once and skipped; the rest is loaded.\n"
    "Invalid objects include an object whose id already names another\n"
    "value, an x_opencti_score that is not an integer from 0 to 100, and a\n"
    "relationship type or pair of ends that OpenCTI does not accept.\n"
    "A relationship whose source or target is not in the graph waits until\n"
    "both arrive, in this file or a later import.\n"
    "\n"
    "  --batch N                objects per transaction (default 10000)\n"
    "  --max-object-size BYTES  largest object accepted (default 16777216)\n"
    "  --quiet                  no summary on stderr\n"
    "\n"
    "Exit status: 0 when every object was valid, 1 when some were invalid,\n"
    "the input was empty, truncated or not JSON, or the import failed.\n";

/* Problems of one kind printed in full; later ones are only counted. */
#define CG_IMPORT_REPORT_MAX 50

struct import_cli {
    struct cg_store_bulk *bulk;
    const char *name; /* the input, for messages */
    long printed[CG_IMPORT_EMPTY + 1];
    long suppressed;
};

static const char *problem_word(enum cg_import_problem_kind kind)
{
    switch (kind) {
    case CG_IMPORT_INVALID:
        return "invalid object";
    case CG_IMPORT_TOO_LARGE:
        return "object too large";
    case CG_IMPORT_DUPLICATE:
        return "duplicate id";
    case CG_IMPORT_CONTAINER:
        return "not a bundle";
    case CG_IMPORT_TRUNCATED:
        return "truncated input";
    case CG_IMPORT_SYNTAX:
        return "invalid JSON";
    case CG_IMPORT_EMPTY:
        return "empty input";
    }
    return "problem";
}

static void report_problem(void *data, const struct cg_import_problem *p)
{
    struct import_cli *cli = data;
    const char *level =
        p->kind == CG_IMPORT_DUPLICATE || p->kind == CG_IMPORT_CONTAINER
            ? "note"
            : "error";

    if (cli->printed[p->kind]++ >= CG_IMPORT_REPORT_MAX) {
        cli->suppressed++;
        return;
    }
    if (p->kind == CG_IMPORT_EMPTY)
        fprintf(stderr,
                "cipgraph: error: %s is empty: no STIX bundle or "
                "object\n",
                cli->name);
    else if (p->index > 0)
        fprintf(stderr, "cipgraph: %s: %s %ld at byte %llu%s%.120s%s: %s\n",
                level, problem_word(p->kind), p->index,
                (unsigned long long)p->offset, p->id ? " (" : "",
                p->id ? p->id : "", p->id ? ")" : "", p->reason);
    else
        fprintf(stderr, "cipgraph: %s: %s\n", level, p->reason);
}

static enum cg_err put_object(void *data, const json_t *obj, bool duplicate,
                              struct cg_error *err)
{
    struct import_cli *cli = data;

    return cg_store_bulk_put(cli->bulk, obj, duplicate, err);
}

static void print_summary(const char *name, const struct cg_import_stats *s,
                          const struct cg_bulk_stats *b, long suppressed)
{
    if (suppressed)
        fprintf(stderr, "cipgraph: %ld more problems were not printed\n",
                suppressed);
    fprintf(stderr,
            "cipgraph: imported %s: %ld %s read, %ld valid (%ld new, %ld "
            "merged, %ld %s waiting for an end), %ld invalid, %ld duplicate "
            "%s merged, %ld %s replaced by deterministic ids\n",
            name, s->read, cli_plural(s->read, "object", "objects"), s->valid,
            b->inserted, b->merged, b->deferred,
            cli_plural(b->deferred, "relationship", "relationships"),
            s->invalid, s->duplicates, cli_plural(s->duplicates, "id", "ids"),
            b->aliased, cli_plural(b->aliased, "id", "ids"));
    fprintf(stderr,
            "cipgraph: relationships waiting for an end: %lld (%ld stored "
            "now that their ends arrived); references to objects not in the "
            "graph: %lld\n",
            b->pending, b->resolved, b->dangling);
}

static int parse_options(int argc, char **argv, long long *batch,
                         long long *max_object, bool *quiet)
{
    static const struct option options[] = {
        {"batch", required_argument, NULL, 'b'},
        {"max-object-size", required_argument, NULL, 'm'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt;

    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "qh", options, NULL)) != -1) {
        if (opt == 'h') {
            fputs(import_usage, stdout);
            return -1;
        }
        if (opt == 'q') {
            *quiet = true;
        } else if (opt == 'b' && cli_parse_count(optarg, 10000000, batch) &&
                   *batch > 0) {
            continue;
        } else if (opt == 'm' &&
                   cli_parse_count(optarg, 1LL << 30, max_object) &&
                   *max_object >= 1024) {
            continue;
        } else {
            cli_error("invalid option or value; run 'cipgraph help import'");
            return CG_EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        cli_error("import needs exactly one FILE (or - for standard input); "
                  "run 'cipgraph help import'");
        return CG_EXIT_USAGE;
    }
    return CG_EXIT_OK;
}

/* Runs the import of in into store; returns the exit status. */
static int run_import(struct cg_store *store, FILE *in, const char *name,
                      long long batch, long long max_object, bool quiet)
{
    struct import_cli cli = {.name = name};
    struct cg_idset ids;
    struct cg_import_stats stats;
    struct cg_bulk_stats bulk_stats = {0};
    struct cg_import_opts opts = {
        .max_object = (size_t)max_object,
        .put = put_object,
        .report = report_problem,
        .data = &cli,
        .ids = &ids,
    };
    struct cg_error err;
    enum cg_err rc;

    cg_idset_init(&ids);
    rc = cg_store_bulk_begin(store, &ids, (long)batch, &cli.bulk, &err);
    if (rc == CG_OK)
        rc = cg_import_stream(in, &opts, &stats, &err);
    if (rc == CG_OK)
        rc = cg_store_bulk_finish(cli.bulk, &bulk_stats, &err);
    else
        cg_store_bulk_abort(cli.bulk);
    cg_idset_release(&ids);
    if (rc != CG_OK) {
        cli_error("import of %s failed: %s", name, cg_error_text(&err));
        return CG_EXIT_FAILED;
    }
    if (!quiet && !stats.empty)
        print_summary(name, &stats, &bulk_stats, cli.suppressed);
    if (stats.invalid || stats.truncated || stats.syntax_error || stats.empty)
        return CG_EXIT_FAILED;
    return CG_EXIT_OK;
}

int cmd_import(int argc, char **argv, const struct cli_global *global)
{
    long long batch = 10000;
    long long max_object = CG_IMPORT_MAX_OBJECT;
    bool quiet = false;
    int status = parse_options(argc, argv, &batch, &max_object, &quiet);
    const char *path;
    struct cg_store *store;
    FILE *in;

    if (status != CG_EXIT_OK)
        return status < 0 ? CG_EXIT_OK : status;
    path = argv[optind];
    in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!in) {
        cli_error("cannot read '%s': %s", path, strerror(errno));
        return CG_EXIT_FAILED;
    }
    store = cli_open_store(global);
    if (store) {
        status = run_import(store, in, strcmp(path, "-") ? path : "stdin",
                            batch, max_object, quiet);
        cg_store_close(store);
    } else {
        status = CG_EXIT_FAILED;
    }
    if (in != stdin)
        fclose(in);
    return status;
}
