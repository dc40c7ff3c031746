/*
 * `cipgraph neighbors VALUE`: an entity's neighbourhood, up to --depth
 * relationships away, as one STIX 2.1 bundle: the objects, every
 * relationship whose two ends are inside, and the author identity and
 * marking definitions they reference, ready to load into other tools.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/resolve.h"
#include "core/log.h"
#include "graph/graph_walk.h"

static const char neighbors_usage[] =
    "usage: cipgraph neighbors [--depth N] [--limit N] [--output FILE]\n"
    "                          VALUE\n"
    "\n"
    "Writes the objects within --depth relationships of VALUE as one STIX\n"
    "2.1 bundle, with the relationships among them and the identities and\n"
    "markings they reference.\n\n" CLI_RESOLVE_FORMS "\n"
    "  --depth N      relationships to follow, 0 to 8 (default 1)\n"
    "  --limit N      maximum objects besides relationships (default 1000);\n"
    "                 a warning says when the walk was cut\n"
    "  --output FILE  write the bundle to FILE instead of standard output\n";

struct neighbors_args {
    long long depth;
    long long limit;
    const char *output;
};

static int parse_args(int argc, char **argv, struct neighbors_args *a)
{
    static const struct option options[] = {
        {"depth", required_argument, NULL, 'd'},
        {"limit", required_argument, NULL, 'l'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt;

    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "d:l:o:h", options, NULL)) != -1) {
        if (opt == 'h') {
            fputs(neighbors_usage, stdout);
            return CG_EXIT_OK;
        }
        if (opt == 'd' && cli_parse_count(optarg, CG_WALK_MAX_DEPTH, &a->depth))
            continue;
        if (opt == 'l' && cli_parse_count(optarg, 1000000, &a->limit) &&
            a->limit >= 1)
            continue;
        if (opt == 'o') {
            a->output = optarg;
            continue;
        }
        if (opt == 'd')
            cli_error("invalid --depth '%s': use 0 to %d", optarg,
                      CG_WALK_MAX_DEPTH);
        else if (opt == 'l')
            cli_error("invalid --limit '%s': use 1 to 1000000", optarg);
        else
            cli_error("invalid option; run 'cipgraph help neighbors'");
        return CG_EXIT_USAGE;
    }
    if (optind != argc - 1) {
        cli_error("neighbors needs exactly one VALUE; run 'cipgraph help "
                  "neighbors'");
        return CG_EXIT_USAGE;
    }
    return -1;
}

/* Writes the bundle to path, or to stdout when path is NULL. */
static bool write_bundle(const struct cli_global *global,
                         const struct cg_bundle *bundle, const char *path)
{
    FILE *out = path ? cli_open_output(global, path, NULL, 0) : stdout;
    bool ok;

    if (!out)
        return false;
    ok = cg_bundle_write(bundle, out) == CG_OK;
    if (path && fclose(out) != 0)
        ok = false;
    if (!ok)
        cli_error("writing the bundle to '%s' failed",
                  path ? path : "standard output");
    return ok;
}

int cmd_neighbors(int argc, char **argv, const struct cli_global *global)
{
    struct neighbors_args a = {1, 1000, NULL};
    struct cg_store *store = NULL;
    struct cg_bundle bundle;
    struct cg_error err;
    char id[CG_STIX_ID_SIZE];
    bool capped = false;
    int status = parse_args(argc, argv, &a);

    if (status >= 0)
        return status;
    status = CG_EXIT_FAILED;
    store = cli_open_graph(global);
    if (!store)
        return status;
    cg_bundle_init(&bundle);
    if (cli_resolve(store, argv[optind], id, &err) != CG_OK ||
        cg_graph_neighborhood(store, id, (int)a.depth, (size_t)a.limit, &bundle,
                              &capped, &err) != CG_OK) {
        cli_error("%s", cg_error_text(&err));
        goto out;
    }
    if (capped)
        cg_log_warn("graph",
                    "the neighbourhood of '%s' was cut at %lld objects or "
                    "%d relationships per object; lower --depth or raise "
                    "--limit",
                    argv[optind], a.limit, CG_WALK_MAX_DEGREE);
    if (write_bundle(global, &bundle, a.output))
        status = CG_EXIT_OK;
out:
    cg_bundle_release(&bundle);
    cg_store_close(store);
    return status;
}
