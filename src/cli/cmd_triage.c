/*
 * `cipgraph triage`: the graph's enriched indicators ranked by the triage
 * priority model (docs/TRIAGE.md), most urgent first, each with the
 * reasons for its rank.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "graph/triage.h"

static const char triage_usage[] =
    "usage: cipgraph triage [--limit N] [--kind ip|domain|url]\n"
    "                       [--since DATE] [--format table|json|csv]\n"
    "                       [--config FILE] [--refresh]\n"
    "\n"
    "Ranks the enriched indicators, most urgent first. The priority adds\n"
    "points for the inbound and outbound scores, the malicious verdict,\n"
    "labels (C2, scanner, IDS alerts, honeypot hits, Tor, VPN, proxy,\n"
    "phishing, credential harvesting, impersonation, ...), exploitable\n"
    "CVEs and the phishing probability, then decays with the age of the\n"
    "enrichment. Every row lists its reasons.\n"
    "\n"
    "  --limit N        rows to show (default 25; 0 for all)\n"
    "  --kind KIND      only ip (IPv4 and IPv6), domain or url values\n"
    "  --since DATE     only values enriched at or after DATE\n"
    "                   (YYYY-MM-DD or an RFC 3339 timestamp, UTC)\n"
    "  --format FMT     table (default), json or csv\n"
    "  --config FILE    the model's weights (JSON, see docs/TRIAGE.md);\n"
    "                   default $CIPGRAPH_TRIAGE_CONFIG, else built-in\n"
    "  --refresh        extract every value's features from the graph again,\n"
    "                   after an import changed enriched observables\n";

/* Largest --limit accepted. */
#define CG_TRIAGE_LIMIT_MAX 1000000000LL

struct triage_args {
    struct cg_triage_query query;
    enum cg_triage_format format;
    const char *config;
};

static bool parse_format(const char *text, enum cg_triage_format *format)
{
    static const char *const names[] = {"table", "json", "csv"};

    for (size_t i = 0; i < CG_ARRAY_LEN(names); i++) {
        if (strcmp(text, names[i]) == 0) {
            *format = (enum cg_triage_format)i;
            return true;
        }
    }
    return false;
}

/* Applies one option; returns false after printing an error. */
static bool apply_option(int opt, char *value, void *data)
{
    struct triage_args *a = data;
    long long count;

    switch (opt) {
    case 'l':
        if (!cli_parse_count(value, CG_TRIAGE_LIMIT_MAX, &count)) {
            cli_error("invalid --limit '%s': use a whole number from 0 (all "
                      "rows) to %lld",
                      value, CG_TRIAGE_LIMIT_MAX);
            return false;
        }
        a->query.limit = count;
        return true;
    case 'k':
        if (strcmp(value, "ip") && strcmp(value, "domain") &&
            strcmp(value, "url")) {
            cli_error("invalid --kind '%s': use ip, domain or url", value);
            return false;
        }
        a->query.kind = value;
        return true;
    case 's':
        if (!cg_time_parse(value, &a->query.since)) {
            cli_error("invalid --since '%s': use YYYY-MM-DD or an RFC 3339 "
                      "timestamp",
                      value);
            return false;
        }
        return true;
    case 'f':
        if (!parse_format(value, &a->format)) {
            cli_error("invalid --format '%s': use table, json or csv", value);
            return false;
        }
        return true;
    case 'c':
        a->config = value;
        return true;
    case 'r':
        a->query.refresh = true;
        return true;
    default:
        return false;
    }
}

/* Returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, struct triage_args *a)
{
    static const struct option options[] = {
        {"limit", required_argument, NULL, 'l'},
        {"kind", required_argument, NULL, 'k'},
        {"since", required_argument, NULL, 's'},
        {"format", required_argument, NULL, 'f'},
        {"config", required_argument, NULL, 'c'},
        {"refresh", no_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    switch (cli_parse_options(argc, argv, ":l:k:s:f:c:rh", options, "triage",
                              triage_usage, apply_option, a)) {
    case CLI_PARSE_OK:
        return -1;
    case CLI_PARSE_HELP:
        return CG_EXIT_OK;
    default:
        return CG_EXIT_USAGE;
    }
}

int cmd_triage(int argc, char **argv, const struct cli_global *global)
{
    struct triage_args a = {{25, NULL, 0, false}, CG_TRIAGE_TABLE, NULL};
    struct cg_triage_weights *weights = NULL;
    struct cg_store *store = NULL;
    struct cg_error err;
    int status = parse_args(argc, argv, &a);

    if (status >= 0)
        return status;
    if (cg_triage_weights_load(a.config, &weights, &err) != CG_OK) {
        cli_error("%s", cg_error_text(&err));
        return err.code == CG_ERR_NOMEM ? CG_EXIT_FAILED : CG_EXIT_USAGE;
    }
    store = cli_open_graph(global);
    status = CG_EXIT_FAILED;
    if (!store)
        goto out;
    if (cg_triage_write(store, weights, &a.query, a.format, stdout, &err) !=
        CG_OK) {
        cli_error("%s", cg_error_text(&err));
        goto out;
    }
    status = CG_EXIT_OK;
out:
    cg_store_close(store);
    cg_triage_weights_free(weights);
    return status;
}
