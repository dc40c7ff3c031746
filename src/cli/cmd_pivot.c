/*
 * `cipgraph pivot VALUE`: the infrastructure that shares an attribute with
 * VALUE (same AS, CVE, country, city, resolving IP or domain, certificate,
 * software, registrar, favicon or JARM), optionally repeated from the
 * results up to --depth levels.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/resolve.h"
#include "graph/pivot.h"

static const char pivot_usage[] =
    "usage: cipgraph pivot [--via ATTR[,ATTR...]] [--depth N] [--limit N]\n"
    "                      [--format table|json] VALUE\n"
    "\n"
    "Lists the addresses, domains and URLs that share an attribute with\n"
    "VALUE, each with its kind, score and the shared value.\n\n" CLI_RESOLVE_FORMS
    "\n"
    "  --via ATTR     follow only these attributes (repeatable): asn, cve,\n"
    "                 country, city, ip, domain, certificate, software,\n"
    "                 registrar, favicon, jarm; default all\n"
    "  --depth N      repeat the pivot from the results, 1 to 4 levels\n"
    "                 (default 1)\n"
    "  --limit N      maximum results (default 200); a note says when the\n"
    "                 list was cut\n"
    "  --format FMT   table (default) or json\n";

struct pivot_args {
    struct cg_pivot_opts opts;
    bool json;
    const char *value;
};

/* Adds every via of a comma-separated list to the mask. */
static bool parse_vias(const char *text, unsigned *mask)
{
    char buf[256];
    char *save = NULL;

    if (strlen(text) >= sizeof(buf))
        return false;
    snprintf(buf, sizeof(buf), "%s", text);
    for (char *word = strtok_r(buf, ",", &save); word;
         word = strtok_r(NULL, ",", &save)) {
        enum cg_via via;

        if (!cg_via_parse(word, &via))
            return false;
        *mask |= 1u << via;
    }
    return *mask != 0;
}

static bool apply_option(int opt, const char *value, struct pivot_args *a)
{
    long long number;

    switch (opt) {
    case 'v':
        if (parse_vias(value, &a->opts.vias))
            return true;
        cli_error("invalid --via '%s': use asn, cve, country, city, ip, "
                  "domain, certificate, software, registrar, favicon or jarm",
                  value);
        return false;
    case 'd':
        if (cli_parse_count(value, CG_PIVOT_MAX_DEPTH, &number) &&
            number >= 1) {
            a->opts.depth = (int)number;
            return true;
        }
        cli_error("invalid --depth '%s': use 1 to %d", value,
                  CG_PIVOT_MAX_DEPTH);
        return false;
    case 'l':
        if (cli_parse_count(value, CG_PIVOT_MAX_LIMIT, &number) &&
            number >= 1) {
            a->opts.max_results = (size_t)number;
            return true;
        }
        cli_error("invalid --limit '%s': use 1 to %d", value,
                  CG_PIVOT_MAX_LIMIT);
        return false;
    case 'f':
        if (strcmp(value, "json") == 0 || strcmp(value, "table") == 0) {
            a->json = strcmp(value, "json") == 0;
            return true;
        }
        cli_error("invalid --format '%s': use table or json", value);
        return false;
    default:
        cli_error("invalid option; run 'cipgraph help pivot'");
        return false;
    }
}

static int parse_args(int argc, char **argv, struct pivot_args *a)
{
    static const struct option options[] = {
        {"via", required_argument, NULL, 'v'},
        {"depth", required_argument, NULL, 'd'},
        {"limit", required_argument, NULL, 'l'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt;

    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "v:d:l:f:h", options, NULL)) != -1) {
        if (opt == 'h') {
            fputs(pivot_usage, stdout);
            return CG_EXIT_OK;
        }
        if (!apply_option(opt, optarg, a))
            return CG_EXIT_USAGE;
    }
    if (optind != argc - 1) {
        cli_error("pivot needs exactly one VALUE; run 'cipgraph help pivot'");
        return CG_EXIT_USAGE;
    }
    a->value = argv[optind];
    if (!a->opts.vias)
        a->opts.vias = CG_VIA_ALL;
    return -1;
}

static void print_header(const json_t *doc)
{
    const json_t *start = json_object_get(doc, "start");
    size_t i;
    json_t *attr;

    printf("pivot from %s %s\n", cli_json_text(start, "type"),
           cli_node_name(start));
    printf("attributes:");
    if (json_array_size(json_object_get(doc, "attributes")) == 0)
        printf(" (none)");
    putchar('\n');
    json_array_foreach(json_object_get(doc, "attributes"), i, attr) {
        printf("  %-12s %s", cli_json_text(attr, "via"),
               cli_json_text(attr, "value"));
        if (*cli_json_text(attr, "through"))
            printf("  (through %s)", cli_json_text(attr, "through"));
        putchar('\n');
    }
}

static void print_result(const json_t *result)
{
    json_t *score = json_object_get(result, "score");
    char score_text[16] = "-";
    size_t i;
    json_t *share;

    if (json_is_integer(score))
        snprintf(score_text, sizeof(score_text), "%lld",
                 (long long)json_integer_value(score));
    printf("%5lld  %-12s %-40s %5s  ",
           (long long)json_integer_value(json_object_get(result, "depth")),
           cli_json_text(result, "type"), cli_node_name(result), score_text);
    json_array_foreach(json_object_get(result, "shared"), i, share) {
        printf("%s%s %s", i ? "; " : "", cli_json_text(share, "via"),
               cli_json_text(share, "value"));
    }
    if (json_integer_value(json_object_get(result, "depth")) > 1)
        printf("  (from %s)", cli_json_text(result, "from"));
    putchar('\n');
}

static void print_table(const json_t *doc)
{
    const json_t *results = json_object_get(doc, "results");
    size_t i;
    json_t *result;

    print_header(doc);
    printf("%5s  %-12s %-40s %5s  %s\n", "DEPTH", "KIND", "VALUE", "SCORE",
           "SHARED");
    json_array_foreach(results, i, result) {
        print_result(result);
    }
    if (json_array_size(results) == 0)
        puts("  (no other entity shares these attributes)");
    if (json_is_true(json_object_get(doc, "capped")))
        printf("note: results cut at %lld; narrow with --via or raise "
               "--limit\n",
               (long long)json_integer_value(json_object_get(doc, "limit")));
}

int cmd_pivot(int argc, char **argv, const struct cli_global *global)
{
    struct pivot_args a = {{0, 1, CG_PIVOT_DEFAULT_LIMIT}, false, NULL};
    struct cg_store *store = NULL;
    struct cg_error err;
    char id[CG_STIX_ID_SIZE];
    json_t *doc = NULL;
    int status = parse_args(argc, argv, &a);

    if (status >= 0)
        return status;
    status = CG_EXIT_FAILED;
    store = cli_open_graph(global);
    if (!store)
        return status;
    if (cli_resolve(store, a.value, id, &err) != CG_OK ||
        cg_pivot_prepare(store, &err) != CG_OK ||
        cg_pivot(store, id, &a.opts, &doc, &err) != CG_OK) {
        cli_error("%s", cg_error_text(&err));
        goto out;
    }
    if (a.json) {
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
