/*
 * `cipgraph path A B`: the shortest chain of relationships between two
 * entities, found breadth first from both ends and printed with each
 * relationship's type and direction.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/resolve.h"
#include "graph/graph_walk.h"

static const char path_usage[] =
    "usage: cipgraph path [--max-depth N] [--format text|json] A B\n"
    "\n"
    "Prints the shortest chain of relationships between A and B, in either\n"
    "direction, with each relationship's type and which way it points.\n"
    "Exits with status 1 when no chain of at most --max-depth\n"
    "relationships exists.\n\n" CLI_RESOLVE_FORMS "\n"
    "  --max-depth N  longest chain searched, 1 to 8 (default 4)\n"
    "  --format FMT   text (default) or json\n";

static void print_chain(const json_t *doc)
{
    const json_t *nodes = json_object_get(doc, "nodes");
    const json_t *edges = json_object_get(doc, "edges");
    size_t length = json_array_size(edges);

    printf("path of %zu relationship%s:\n", length, length == 1 ? "" : "s");
    for (size_t i = 0; i < json_array_size(nodes); i++) {
        const json_t *node = json_array_get(nodes, i);
        const json_t *edge = json_array_get(edges, i);

        printf("  %s %s\n", cli_json_text(node, "type"), cli_node_name(node));
        if (!edge)
            break;
        if (json_is_true(json_object_get(edge, "forward")))
            printf("    -[%s]->\n", cli_json_text(edge, "relationship_type"));
        else
            printf("    <-[%s]-\n", cli_json_text(edge, "relationship_type"));
    }
}

struct path_args {
    int max_depth;
    bool json;
};

static int parse_args(int argc, char **argv, struct path_args *a)
{
    static const struct option options[] = {
        {"max-depth", required_argument, NULL, 'd'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    long long depth;
    int opt;

    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "d:f:h", options, NULL)) != -1) {
        if (opt == 'h') {
            fputs(path_usage, stdout);
            return CG_EXIT_OK;
        }
        if (opt == 'd' && cli_parse_count(optarg, CG_WALK_MAX_DEPTH, &depth) &&
            depth >= 1) {
            a->max_depth = (int)depth;
        } else if (opt == 'd') {
            cli_error("invalid --max-depth '%s': use 1 to %d", optarg,
                      CG_WALK_MAX_DEPTH);
            return CG_EXIT_USAGE;
        } else if (opt == 'f' && (strcmp(optarg, "json") == 0 ||
                                  strcmp(optarg, "text") == 0)) {
            a->json = strcmp(optarg, "json") == 0;
        } else {
            cli_error("invalid option; run 'cipgraph help path'");
            return CG_EXIT_USAGE;
        }
    }
    if (optind != argc - 2) {
        cli_error("path needs two values A and B; run 'cipgraph help path'");
        return CG_EXIT_USAGE;
    }
    return -1;
}

int cmd_path(int argc, char **argv, const struct cli_global *global)
{
    struct path_args a = {4, false};
    struct cg_store *store = NULL;
    struct cg_error err;
    char id_a[CG_STIX_ID_SIZE];
    char id_b[CG_STIX_ID_SIZE];
    json_t *doc = NULL;
    int status = parse_args(argc, argv, &a);

    if (status >= 0)
        return status;
    status = CG_EXIT_FAILED;
    store = cli_open_graph(global);
    if (!store)
        return status;
    if (cli_resolve(store, argv[optind], id_a, &err) != CG_OK ||
        cli_resolve(store, argv[optind + 1], id_b, &err) != CG_OK ||
        cg_graph_path(store, id_a, id_b, a.max_depth, &doc, &err) != CG_OK) {
        cli_error("%s", cg_error_text(&err));
        goto out;
    }
    if (a.json) {
        json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        putchar('\n');
    } else if (json_is_true(json_object_get(doc, "found"))) {
        cli_escape_strings(doc);
        print_chain(doc);
    }
    if (json_is_true(json_object_get(doc, "found"))) {
        status = CG_EXIT_OK;
    } else {
        cli_error("no path between '%s' and '%s' within %d relationships%s",
                  argv[optind], argv[optind + 1], a.max_depth,
                  json_is_true(json_object_get(doc, "bounded"))
                      ? "; the search hit its limits, so a path may still "
                        "exist"
                      : "");
    }
out:
    json_decref(doc);
    cg_store_close(store);
    return status;
}
