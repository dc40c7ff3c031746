/*
 * `cipgraph show VALUE`: one entity of the graph and each neighbour, with
 * the relationship type and its direction.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/resolve.h"
#include "stix/object.h"

static const char show_usage[] =
    "usage: cipgraph show [--format text|json] VALUE\n"
    "\n"
    "Shows an entity of the graph and its neighbours.\n\n" CLI_RESOLVE_FORMS;

static void print_list(const char *title, const json_t *list)
{
    size_t i;
    json_t *item;

    if (!json_is_array(list) || json_array_size(list) == 0)
        return;
    printf("  %s: ", title);
    json_array_foreach(list, i, item) {
        fputs(i ? ", " : "", stdout);
        cli_print_text(stdout, json_string_value(item), 0);
    }
    putchar('\n');
}

static void print_entity(const json_t *obj)
{
    char name_buf[64];
    const char *name = cg_store_object_name(obj, name_buf, sizeof(name_buf));
    const json_t *score = json_object_get(obj, "x_opencti_score");
    const char *description =
        json_string_value(json_object_get(obj, "x_opencti_description"));
    const char *inbound =
        json_string_value(json_object_get(obj, "x_criminalip_inbound_score"));
    const char *outbound =
        json_string_value(json_object_get(obj, "x_criminalip_outbound_score"));

    if (!description)
        description = json_string_value(json_object_get(obj, "description"));
    /* Names, labels and descriptions come from the API or an import:
     * every one is escaped, so that none can drive the terminal. */
    printf("%s ", cg_stix_get_type(obj));
    cli_print_text(stdout, name, 0);
    printf("\n  id: %s\n", cg_stix_get_id(obj));
    if (json_is_integer(score))
        printf("  score: %lld\n", (long long)json_integer_value(score));
    if (inbound || outbound) {
        fputs("  Criminal IP: inbound ", stdout);
        cli_print_text(stdout, inbound ? inbound : "-", 0);
        fputs(", outbound ", stdout);
        cli_print_text(stdout, outbound ? outbound : "-", 0);
        putchar('\n');
    }
    print_list("labels", json_object_get(obj, "x_opencti_labels"));
    print_list("labels", json_object_get(obj, "labels"));
    if (description) {
        fputs("  description: ", stdout);
        cli_print_text(stdout, description, 0);
        putchar('\n');
    }
}

struct show_state {
    json_t *json; /* neighbours for --format json, or NULL */
    long count;
};

static int print_neighbor(const struct cg_neighbor *n, void *data)
{
    struct show_state *state = data;

    state->count++;
    if (state->json) {
        json_t *row = json_pack("{ss ss ss ss ss}", "relationship_type",
                                n->relationship_type, "direction",
                                n->outgoing ? "outgoing" : "incoming", "id",
                                n->other_id, "type", n->other_type,
                                "relationship_id", n->relationship_id);

        if (row && n->other_name)
            json_object_set_new(row, "name", json_string(n->other_name));
        if (row && n->other_score >= 0)
            json_object_set_new(row, "score", json_integer(n->other_score));
        json_array_append_new(state->json, row);
        return 0;
    }
    printf("  %s ", n->outgoing ? "->" : "<-");
    for (int w = cli_print_text(stdout, n->relationship_type, 0); w < 15; w++)
        putchar(' ');
    for (int w = cli_print_text(
             stdout, *n->other_type ? n->other_type : "(missing)", 0);
         w < 19; w++)
        putchar(' ');
    cli_print_text(stdout, n->other_name ? n->other_name : n->other_id, 0);
    if (n->other_score >= 0)
        printf("  score %d", n->other_score);
    putchar('\n');
    return 0;
}

int cmd_show(int argc, char **argv, const struct cli_global *global)
{
    static const struct option options[] = {
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct show_state state = {NULL, 0};
    struct cg_store *store = NULL;
    struct cg_error err;
    char id[CG_STIX_ID_SIZE];
    json_t *obj = NULL;
    bool json_format = false;
    int status = CG_EXIT_FAILED;
    int opt;

    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "f:h", options, NULL)) != -1) {
        if (opt == 'h') {
            fputs(show_usage, stdout);
            return CG_EXIT_OK;
        }
        if (opt == 'f' &&
            (strcmp(optarg, "json") == 0 || strcmp(optarg, "text") == 0)) {
            json_format = strcmp(optarg, "json") == 0;
            continue;
        }
        cli_error("invalid option; run 'cipgraph help show'");
        return CG_EXIT_USAGE;
    }
    if (optind != argc - 1) {
        cli_error("show needs exactly one VALUE; run 'cipgraph help show'");
        return CG_EXIT_USAGE;
    }
    store = cli_open_graph(global);
    if (!store)
        return CG_EXIT_FAILED;
    if (cli_resolve(store, argv[optind], id, &err) != CG_OK ||
        cg_store_get_object(store, id, &obj, &err) != CG_OK) {
        cli_error("%s", cg_error_text(&err));
        goto out;
    }
    if (json_format)
        state.json = json_array();
    else
        print_entity(obj);
    if (!json_format)
        puts("neighbours:");
    if (cg_store_neighbors(store, id, print_neighbor, &state, &err) != CG_OK) {
        cli_error("%s", cg_error_text(&err));
        goto out;
    }
    if (json_format) {
        json_t *doc =
            json_pack("{sO sO}", "object", obj, "neighbors", state.json);
        char *text =
            doc ? json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;

        if (text)
            puts(text);
        free(text);
        json_decref(doc);
    } else if (state.count == 0) {
        puts("  (none)");
    }
    status = CG_EXIT_OK;
out:
    json_decref(state.json);
    json_decref(obj);
    cg_store_close(store);
    return status;
}
