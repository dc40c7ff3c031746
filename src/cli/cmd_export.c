/*
 * `cipgraph export`: the whole graph as one STIX 2.1 bundle (or JSON
 * Lines), in a stable order, streamed so that memory use stays flat.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char export_usage[] =
    "usage: cipgraph export [--format stix|jsonl] [--output FILE]\n"
    "\n"
    "Writes every object of the graph: a STIX 2.1 bundle (stix, the\n"
    "default) or one object per line (jsonl), markings and identities\n"
    "first, then observables, other objects and relationships, by id.\n";

int cmd_export(int argc, char **argv, const struct cli_global *global)
{
    static const struct option options[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *output = NULL;
    bool jsonl = false;
    struct cg_store *store;
    struct cg_error err;
    FILE *out = stdout;
    int status = CG_EXIT_OK;
    int opt;

    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "f:o:h", options, NULL)) != -1) {
        if (opt == 'h') {
            fputs(export_usage, stdout);
            return CG_EXIT_OK;
        }
        if (opt == 'o') {
            output = optarg;
        } else if (opt == 'f' && (strcmp(optarg, "stix") == 0 ||
                                  strcmp(optarg, "jsonl") == 0)) {
            jsonl = strcmp(optarg, "jsonl") == 0;
        } else {
            cli_error("invalid option; run 'cipgraph help export'");
            return CG_EXIT_USAGE;
        }
    }
    if (optind != argc) {
        cli_error("unexpected argument '%s'; run 'cipgraph help export'",
                  argv[optind]);
        return CG_EXIT_USAGE;
    }
    store = cli_open_store(global);
    if (!store)
        return CG_EXIT_FAILED;
    if (output && !(out = fopen(output, "w"))) {
        cli_error("cannot write '%s': %s", output, strerror(errno));
        cg_store_close(store);
        return CG_EXIT_FAILED;
    }
    if (cg_store_export(store, out, jsonl, 0, &err) != CG_OK) {
        cli_error("%s", cg_error_text(&err));
        status = CG_EXIT_FAILED;
    }
    if (output && fclose(out) != 0) {
        cli_error("writing '%s' failed: %s", output, strerror(errno));
        status = CG_EXIT_FAILED;
    }
    cg_store_close(store);
    return status;
}
