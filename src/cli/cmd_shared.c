/*
 * `cipgraph shared A B`: what two entities have in common: relationships
 * between them, neighbours both are linked to, and shared attributes such
 * as AS, country, registrar, favicon hash and JARM fingerprint.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/resolve.h"
#include "graph/pivot.h"

static const char shared_usage[] =
    "usage: cipgraph shared [--format table|json] A B\n"
    "\n"
    "Shows what A and B have in common: the relationships between them,\n"
    "the objects both are linked to (by relationship type and direction)\n"
    "and the attributes both have (AS, country, city, CVE, certificate,\n"
    "software, resolving IP or domain, registrar, favicon, JARM). A\n"
    "domain's AS, country and city are those of its addresses.\n"
    "\n" CLI_RESOLVE_FORMS;

/* Writes "-[type]->" or "<-[type]-" into out. */
static void arrow(char *out, size_t size, const char *type, bool outgoing)
{
    snprintf(out, size, "%s[%s]%s", outgoing ? "-" : "<-", type,
             outgoing ? "->" : "-");
}

static void print_neighbors(const json_t *list)
{
    size_t i;
    json_t *n;

    printf("shared neighbours:\n");
    if (json_array_size(list) == 0)
        puts("  (none)");
    json_array_foreach(list, i, n) {
        char from_a[96];
        char from_b[96];

        arrow(from_a, sizeof(from_a), cli_json_text(n, "relationship_type_a"),
              json_is_true(json_object_get(n, "outgoing_a")));
        arrow(from_b, sizeof(from_b), cli_json_text(n, "relationship_type_b"),
              json_is_true(json_object_get(n, "outgoing_b")));
        printf("  %-18s %-40s A %s, B %s\n", cli_json_text(n, "type"),
               cli_node_name(n), from_a, from_b);
    }
}

static void print_table(const json_t *doc)
{
    const json_t *a = json_object_get(doc, "a");
    const json_t *b = json_object_get(doc, "b");
    size_t i;
    json_t *item;

    printf("A: %s %s\nB: %s %s\n", cli_json_text(a, "type"), cli_node_name(a),
           cli_json_text(b, "type"), cli_node_name(b));
    printf("direct relationships:\n");
    if (json_array_size(json_object_get(doc, "direct")) == 0)
        puts("  (none)");
    json_array_foreach(json_object_get(doc, "direct"), i, item) {
        char link[96];

        arrow(link, sizeof(link), cli_json_text(item, "relationship_type"),
              json_is_true(json_object_get(item, "forward")));
        printf("  A %s B\n", link);
    }
    print_neighbors(json_object_get(doc, "neighbors"));
    printf("shared attributes:\n");
    if (json_array_size(json_object_get(doc, "attributes")) == 0)
        puts("  (none)");
    json_array_foreach(json_object_get(doc, "attributes"), i, item) {
        printf("  %-12s %s\n", cli_json_text(item, "via"),
               cli_json_text(item, "value"));
    }
    if (json_is_true(json_object_get(doc, "capped")))
        puts("note: an entity has more than 10000 relationships; only the "
             "first 10000 of each were compared");
}

static int parse_args(int argc, char **argv, bool *json)
{
    static const struct option options[] = {
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt;

    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "f:h", options, NULL)) != -1) {
        if (opt == 'h') {
            fputs(shared_usage, stdout);
            return CG_EXIT_OK;
        }
        if (opt == 'f' &&
            (strcmp(optarg, "json") == 0 || strcmp(optarg, "table") == 0)) {
            *json = strcmp(optarg, "json") == 0;
            continue;
        }
        if (opt == 'f')
            cli_error("invalid --format '%s': use table or json", optarg);
        else
            cli_error("invalid option; run 'cipgraph help shared'");
        return CG_EXIT_USAGE;
    }
    if (optind != argc - 2) {
        cli_error("shared needs two values A and B; run 'cipgraph help "
                  "shared'");
        return CG_EXIT_USAGE;
    }
    return -1;
}

int cmd_shared(int argc, char **argv, const struct cli_global *global)
{
    struct cg_store *store = NULL;
    struct cg_error err;
    char id_a[CG_STIX_ID_SIZE];
    char id_b[CG_STIX_ID_SIZE];
    json_t *doc = NULL;
    bool json = false;
    int status = parse_args(argc, argv, &json);

    if (status >= 0)
        return status;
    status = CG_EXIT_FAILED;
    store = cli_open_graph(global);
    if (!store)
        return status;
    if (cli_resolve(store, argv[optind], id_a, &err) != CG_OK ||
        cli_resolve(store, argv[optind + 1], id_b, &err) != CG_OK ||
        cg_pivot_prepare(store, &err) != CG_OK ||
        cg_shared(store, id_a, id_b, &doc, &err) != CG_OK) {
        cli_error("%s", cg_error_text(&err));
        goto out;
    }
    if (json) {
        json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        putchar('\n');
    } else {
        cli_escape_strings(doc);
        print_table(doc);
    }
    status = CG_EXIT_OK;
out:
    json_decref(doc);
    cg_store_close(store);
    return status;
}
