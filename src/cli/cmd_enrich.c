/*
 * `cipgraph enrich`: reads values from arguments, a file or stdin, runs
 * them through the engine and prints the triage table, JSON lines or the
 * run's STIX bundle, with a progress line and a summary on stderr.
 */
/* realpath() is an X/Open extension. */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/log.h"
#include "enrich/engine.h"
#include "input/reader.h"

enum format { FORMAT_TABLE, FORMAT_JSON, FORMAT_STIX };

struct enrich_cli {
    struct cg_engine_opts engine;
    struct cg_cip_config api;
    const char **inputs; /* --input paths, "-" for stdin */
    int input_count;
    char **values;
    int value_count;
    enum format format;
    const char *output_path;
    FILE *out;
    bool quiet;
    bool resume;
    bool tlp_given;       /* --tlp was on the command line */
    bool threshold_given; /* --phishing-threshold was */
    long long top;
    bool progress_tty;
    long total; /* expected number of values, -1 when unknown */
    int64_t last_plain_ms;
    long plain_interval_ms; /* between plain progress lines */
    bool values_restored;   /* values points to a calloc'd array */
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int signo)
{
    (void)signo;
    stop_requested = 1;
}

static const char enrich_usage[] =
    "usage: cipgraph enrich [OPTIONS] [VALUE...]\n"
    "\n"
    "Enriches IP addresses, domains and URLs (defanged or not) from Criminal\n"
    "IP into the graph. Values come from the arguments, from --input FILE,\n"
    "or from standard input with --input - or a lone '-'.\n"
    "\n"
    "Input and output:\n"
    "  -i, --input FILE        one value per line; '#' comments and blank\n"
    "                          lines are skipped; CSV with a header: first\n"
    "                          column. Repeat for several files\n"
    "  -f, --format FMT        table (default), json (one JSON object per\n"
    "                          line and value) or stix (the run's bundle)\n"
    "  -o, --output FILE       write the output there instead of stdout\n"
    "      --top N             table: show only the N highest-scored rows\n"
    "  -q, --quiet             no progress line and no summary\n"
    "      --progress-interval DUR\n"
    "                          time between progress lines when stderr is\n"
    "                          not a terminal (10s)\n"
    "\n"
    "What is sent:\n"
    "      --allow-private     also send private and reserved addresses\n"
    "      --refresh           ignore the response cache\n"
    "      --lite              domains and URLs: lite scan (faster, less data)\n"
    "      --deep              IPs: also malicious-info and suspicious-info\n"
    "                          (two more credits each)\n"
    "      --ip-ttl DUR        reuse cached IP reports this long (24h)\n"
    "      --domain-ttl DUR    reuse cached domain reports this long (7d)\n"
    "      --reuse-age DUR     reuse an existing Criminal IP scan this recent\n"
    "                          instead of scanning again (7d)\n"
    "      --poll-interval DUR time between scan status polls (3s)\n"
    "      --scan-deadline DUR give up waiting for a scan after this (180s)\n"
    "\n"
    "Pace and budget:\n"
    "      --concurrency N     calls in flight at once (1; plans below\n"
    "                          Enterprise refuse parallel calls)\n"
    "      --rate R            at most R calls per second (no limit)\n"
    "      --max-credits N     stop before spending more than N credits\n"
    "      --max-retries N     retries of a refused or failed call (5)\n"
    "      --resume            continue the last unfinished run, with its\n"
    "                          values and its --deep, --lite, --refresh,\n"
    "                          --allow-private, --tlp and\n"
    "                          --phishing-threshold\n"
    "\n"
    "STIX:\n"
    "      --tlp TLP           marking of the created objects (TLP:AMBER);\n"
    "                          TLP:CLEAR, TLP:GREEN, TLP:AMBER,\n"
    "                          TLP:AMBER+STRICT or TLP:RED\n"
    "      --phishing-threshold PCT\n"
    "                          phishing indicator from this url_phishing_prob\n"
    "                          (20)\n"
    "\n"
    "Durations take a unit: ms, s, m, h or d (plain numbers are seconds).\n"
    "Exit codes: 0 all done; 1 some values failed; 2 usage error; 3 invalid\n"
    "API key; 4 credits exhausted or --max-credits reached.\n";

enum option_id {
    OPT_TOP = 256,
    OPT_ALLOW_PRIVATE,
    OPT_REFRESH,
    OPT_LITE,
    OPT_DEEP,
    OPT_IP_TTL,
    OPT_DOMAIN_TTL,
    OPT_REUSE_AGE,
    OPT_POLL,
    OPT_DEADLINE,
    OPT_CONCURRENCY,
    OPT_RATE,
    OPT_MAX_CREDITS,
    OPT_MAX_RETRIES,
    OPT_RESUME,
    OPT_TLP,
    OPT_PHISHING,
    OPT_PROGRESS_INTERVAL,
};

static const struct option enrich_options[] = {
    {"input", required_argument, NULL, 'i'},
    {"format", required_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'o'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"top", required_argument, NULL, OPT_TOP},
    {"allow-private", no_argument, NULL, OPT_ALLOW_PRIVATE},
    {"refresh", no_argument, NULL, OPT_REFRESH},
    {"lite", no_argument, NULL, OPT_LITE},
    {"deep", no_argument, NULL, OPT_DEEP},
    {"ip-ttl", required_argument, NULL, OPT_IP_TTL},
    {"domain-ttl", required_argument, NULL, OPT_DOMAIN_TTL},
    {"reuse-age", required_argument, NULL, OPT_REUSE_AGE},
    {"poll-interval", required_argument, NULL, OPT_POLL},
    {"scan-deadline", required_argument, NULL, OPT_DEADLINE},
    {"concurrency", required_argument, NULL, OPT_CONCURRENCY},
    {"rate", required_argument, NULL, OPT_RATE},
    {"max-credits", required_argument, NULL, OPT_MAX_CREDITS},
    {"max-retries", required_argument, NULL, OPT_MAX_RETRIES},
    {"resume", no_argument, NULL, OPT_RESUME},
    {"tlp", required_argument, NULL, OPT_TLP},
    {"phishing-threshold", required_argument, NULL, OPT_PHISHING},
    {"progress-interval", required_argument, NULL, OPT_PROGRESS_INTERVAL},
    {NULL, 0, NULL, 0},
};

static bool bad_value(const char *option, const char *value, const char *what)
{
    cli_error("invalid %s '%s': %s", option, value ? value : "", what);
    return false;
}

static bool parse_duration_s(const char *option, const char *value,
                             int64_t *seconds)
{
    int64_t ms;

    if (!cli_parse_duration_ms(value, &ms))
        return bad_value(option, value,
                         "expected a duration such as 30s, "
                         "5m, 24h or 7d");
    *seconds = ms / 1000;
    return true;
}

static bool parse_duration_ms(const char *option, const char *value, long *out)
{
    int64_t ms;

    if (!cli_parse_duration_ms(value, &ms) || ms > 86400000)
        return bad_value(option, value,
                         "expected a duration such as 500ms "
                         "or 3s, at most 1d");
    *out = (long)ms;
    return true;
}

/* Handles one option; returns false after printing an error. */
static bool apply_option(struct enrich_cli *cli, int id, const char *value)
{
    struct cg_engine_opts *e = &cli->engine;
    long long count;

    switch (id) {
    case 'i': {
        const char **grown = realloc(
            cli->inputs, ((size_t)cli->input_count + 1) * sizeof(*grown));

        if (!grown)
            return false;
        cli->inputs = grown;
        cli->inputs[cli->input_count++] = value;
        return true;
    }
    case 'f':
        if (strcmp(value, "table") == 0)
            cli->format = FORMAT_TABLE;
        else if (strcmp(value, "json") == 0)
            cli->format = FORMAT_JSON;
        else if (strcmp(value, "stix") == 0)
            cli->format = FORMAT_STIX;
        else
            return bad_value("--format", value, "use table, json or stix");
        return true;
    case 'o':
        cli->output_path = value;
        return true;
    case 'q':
        cli->quiet = true;
        return true;
    case OPT_TOP:
        if (!cli_parse_count(value, 1000000000, &cli->top))
            return bad_value("--top", value, "expected a number of rows");
        return true;
    case OPT_ALLOW_PRIVATE:
        e->allow_private = true;
        return true;
    case OPT_REFRESH:
        e->refresh = true;
        return true;
    case OPT_LITE:
        e->lite = true;
        return true;
    case OPT_DEEP:
        e->deep = true;
        return true;
    case OPT_IP_TTL:
        return parse_duration_s("--ip-ttl", value, &e->ip_ttl);
    case OPT_DOMAIN_TTL:
        return parse_duration_s("--domain-ttl", value, &e->domain_ttl);
    case OPT_REUSE_AGE:
        return parse_duration_s("--reuse-age", value, &e->reuse_age);
    case OPT_POLL:
        return parse_duration_ms("--poll-interval", value,
                                 &e->poll_interval_ms);
    case OPT_DEADLINE:
        return parse_duration_ms("--scan-deadline", value,
                                 &e->scan_deadline_ms);
    case OPT_CONCURRENCY:
        if (!cli_parse_count(value, 256, &count) || count < 1)
            return bad_value("--concurrency", value, "expected 1 to 256");
        e->concurrency = (int)count;
        return true;
    case OPT_RATE:
        if (!cli_parse_number(value, &e->rate) || e->rate > 10000)
            return bad_value("--rate", value,
                             "expected calls per second, 0 to 10000");
        return true;
    case OPT_MAX_CREDITS:
        if (!cli_parse_count(value, 1000000000000LL, &count))
            return bad_value("--max-credits", value, "expected a number");
        e->max_credits = count;
        return true;
    case OPT_MAX_RETRIES:
        if (!cli_parse_count(value, 100, &count))
            return bad_value("--max-retries", value, "expected 0 to 100");
        e->max_retries = (int)count;
        return true;
    case OPT_RESUME:
        cli->resume = true;
        return true;
    case OPT_TLP:
        cli->tlp_given = true;
        if (!cg_tlp_parse(value, &e->tlp))
            return bad_value("--tlp", value,
                             "use TLP:CLEAR, TLP:GREEN, TLP:AMBER, "
                             "TLP:AMBER+STRICT or TLP:RED (the TLP: prefix "
                             "is required)");
        return true;
    case OPT_PHISHING:
        cli->threshold_given = true;
        if (!cli_parse_number(value, &e->phishing_threshold) ||
            e->phishing_threshold > 100)
            return bad_value("--phishing-threshold", value,
                             "expected a percentage, 0 to 100");
        return true;
    case OPT_PROGRESS_INTERVAL:
        return parse_duration_ms("--progress-interval", value,
                                 &cli->plain_interval_ms);
    default:
        return false;
    }
}

/* Returns 0 to continue, or an exit code. */
static int parse_args(struct enrich_cli *cli, int argc, char **argv)
{
    int id;

    optind = 1;
    opterr = 0;
    while ((id = getopt_long(argc, argv, ":i:f:o:qh", enrich_options, NULL)) !=
           -1) {
        if (id == 'h') {
            fputs(enrich_usage, stdout);
            return -1;
        }
        if (id == '?') {
            cli_error("unknown option '%s'; run 'cipgraph help enrich'",
                      argv[optind - 1]);
            return CG_EXIT_USAGE;
        }
        if (id == ':') {
            cli_error("option '%s' needs a value", argv[optind - 1]);
            return CG_EXIT_USAGE;
        }
        if (!apply_option(cli, id, optarg))
            return CG_EXIT_USAGE;
    }
    cli->values = argv + optind;
    cli->value_count = argc - optind;
    if (cli->value_count == 1 && strcmp(cli->values[0], "-") == 0) {
        cli->value_count = 0;
        if (!apply_option(cli, 'i', "-"))
            return CG_EXIT_FAILED;
    }
    if (cli->input_count > 0 && cli->value_count > 0) {
        cli_error("give values either as arguments or with --input, not both");
        return CG_EXIT_USAGE;
    }
    return 0;
}

/* The options that change what a run sends or maps; --resume reuses
 * them. */
static json_t *describe_options(const struct enrich_cli *cli)
{
    const struct cg_engine_opts *e = &cli->engine;

    return json_pack("{sb sb sb sb ss sf}", "deep", e->deep, "lite", e->lite,
                     "refresh", e->refresh, "allow_private", e->allow_private,
                     "tlp", cg_tlp_name(e->tlp), "phishing_threshold",
                     e->phishing_threshold);
}

/* Records how the run was invoked, so that --resume can read it again. */
static json_t *describe_inputs(const struct enrich_cli *cli)
{
    json_t *values = json_array();
    json_t *inputs = json_array();
    json_t *args;

    for (int i = 0; values && i < cli->value_count; i++)
        json_array_append_new(values, json_string(cli->values[i]));
    args = json_pack("{so so so}", "values", values ? values : json_array(),
                     "inputs", inputs ? inputs : json_array(), "options",
                     describe_options(cli));
    for (int i = 0; args && inputs && i < cli->input_count; i++) {
        const char *path = cli->inputs[i];
        char *resolved = strcmp(path, "-") == 0 ? NULL : realpath(path, NULL);

        json_array_append_new(inputs, json_string(resolved ? resolved : path));
        free(resolved);
    }
    return args;
}

/*
 * Applies the recorded options of the run being resumed. Switches add to
 * those on the command line; --tlp and --phishing-threshold given again
 * win over the recorded ones.
 */
static void restore_options(struct enrich_cli *cli, const json_t *options)
{
    struct cg_engine_opts *e = &cli->engine;
    const char *tlp = cg_json_str(options, "tlp");
    double threshold;

    e->deep |= cg_json_is_true(options, "deep");
    e->lite |= cg_json_is_true(options, "lite");
    e->refresh |= cg_json_is_true(options, "refresh");
    e->allow_private |= cg_json_is_true(options, "allow_private");
    if (!cli->tlp_given && tlp && !cg_tlp_parse(tlp, &e->tlp))
        cg_log_warn("enrich", "ignoring the recorded TLP '%s'", tlp);
    if (!cli->threshold_given &&
        cg_json_real(options, "phishing_threshold", &threshold) &&
        threshold >= 0 && threshold <= 100)
        e->phishing_threshold = threshold;
}

/* Restores the recorded inputs of the run being resumed. */
static int restore_inputs(struct enrich_cli *cli, const json_t *args,
                          json_t **keep)
{
    const json_t *values = json_object_get(args, "values");
    const json_t *inputs = json_object_get(args, "inputs");
    size_t n = json_array_size(values);
    size_t i;
    json_t *input;

    restore_options(cli, json_object_get(args, "options"));
    if (cli->input_count > 0 || cli->value_count > 0)
        return 0;
    json_array_foreach(inputs, i, input) {
        const char *path = json_string_value(input);

        if (!path)
            continue;
        if (strcmp(path, "-") == 0) {
            cli_error("the run to resume read standard input; pipe the same "
                      "input again: ... | cipgraph enrich --resume -");
            return CG_EXIT_USAGE;
        }
        if (!apply_option(cli, 'i', path))
            return CG_EXIT_FAILED;
    }
    *keep = json_incref((json_t *)args);
    if (cli->input_count > 0)
        return 0;
    cli->values = calloc(n + 1, sizeof(*cli->values));
    if (!cli->values)
        return CG_EXIT_FAILED;
    for (i = 0; i < n; i++)
        cli->values[i] = (char *)json_string_value(json_array_get(values, i));
    cli->value_count = (int)n;
    cli->values_restored = true;
    return 0;
}

static void on_result(const struct cg_result *result, void *data)
{
    struct enrich_cli *cli = data;

    if (cli->format == FORMAT_JSON)
        cli_print_result_json(cli->out, result);
}

static void on_progress(const struct cg_engine_stats *stats, long active,
                        void *data)
{
    struct enrich_cli *cli = data;
    int64_t now = cg_clock_ms();

    if (cli->quiet)
        return;
    if (cli->progress_tty) {
        cli_print_progress(stderr, stats, active, cli->total, true);
    } else if (now - cli->last_plain_ms >= cli->plain_interval_ms) {
        cli->last_plain_ms = now;
        cli_print_progress(stderr, stats, active, cli->total, false);
    }
}

/* Counts the values of a regular file, for the progress total. */
static long count_values(const char *path)
{
    struct stat st;
    struct cg_reader *reader = NULL;
    const char *value;
    size_t len;
    long line;
    long count = 0;
    enum cg_err rc;

    if (strcmp(path, "-") == 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return -1;
    if (cg_reader_open(path, &reader, NULL) != CG_OK)
        return -1;
    cg_reader_set_stop(reader, &stop_requested);
    while ((rc = cg_reader_next(reader, &value, &len, &line, NULL)) !=
           CG_ERR_NOT_FOUND) {
        if (rc == CG_ERR_IO || rc == CG_ERR_INTERRUPTED)
            break;
        count++;
    }
    cg_reader_free(reader);
    return count;
}

/* Counts the values of every input, for the progress total; -1 when one
 * of them is not a regular file. */
static long count_inputs(const struct enrich_cli *cli)
{
    long total = cli->value_count;

    for (int i = 0; i < cli->input_count; i++) {
        long count = count_values(cli->inputs[i]);

        if (count < 0)
            return -1;
        total += count;
    }
    return total;
}

/* Submits every input value; returns the engine's stopping error. */
static enum cg_err feed_file(const char *path, struct cg_engine *engine,
                             struct cg_error *err)
{
    struct cg_reader *reader = NULL;
    const char *value;
    size_t len;
    long line;
    enum cg_err rc = cg_reader_open(path, &reader, err);

    if (rc != CG_OK)
        return rc;
    cg_reader_set_stop(reader, &stop_requested);
    while (rc == CG_OK) {
        struct cg_error read_err;

        rc = cg_reader_next(reader, &value, &len, &line, &read_err);
        if (rc == CG_ERR_NOT_FOUND) {
            rc = CG_OK;
            break;
        }
        if (rc == CG_ERR_TOO_LARGE) {
            cg_log_warn("input", "%s", cg_error_text(&read_err));
            rc = cg_engine_submit(engine, value ? value : "", 0, line, err);
            continue;
        }
        if (rc != CG_OK) {
            if (err)
                *err = read_err;
            break;
        }
        rc = cg_engine_submit(engine, value, len, line, err);
    }
    cg_reader_free(reader);
    return rc;
}

static enum cg_err feed(struct enrich_cli *cli, struct cg_engine *engine,
                        struct cg_error *err)
{
    enum cg_err rc = CG_OK;

    for (int i = 0; i < cli->value_count && rc == CG_OK; i++)
        rc = cg_engine_submit(engine, cli->values[i], strlen(cli->values[i]),
                              i + 1, err);
    for (int i = 0; i < cli->input_count && rc == CG_OK; i++)
        rc = feed_file(cli->inputs[i], engine, err);
    return rc;
}

static const char *run_status(const struct cg_engine_stats *stats,
                              enum cg_err rc)
{
    if (stats->stop_reason == CG_ERR_API_KEY)
        return "invalid-key";
    if (stats->stop_reason == CG_ERR_API_LIMIT)
        return "credits-exhausted";
    if (stats->stop_reason == CG_ERR_BUDGET)
        return "budget";
    if (stats->stop_reason == CG_ERR_INTERRUPTED || rc == CG_ERR_INTERRUPTED)
        return "interrupted";
    if (rc != CG_OK)
        return "failed";
    return "complete";
}

static int exit_code(const struct cg_engine_stats *stats, enum cg_err rc)
{
    if (stats->stop_reason == CG_ERR_API_KEY || rc == CG_ERR_API_KEY)
        return CG_EXIT_API_KEY;
    if (stats->stop_reason == CG_ERR_API_LIMIT ||
        stats->stop_reason == CG_ERR_BUDGET)
        return CG_EXIT_CREDITS;
    if (rc != CG_OK || stats->failed > 0 || stats->invalid > 0 ||
        stats->not_done > 0 || stats->stop_reason == CG_ERR_INTERRUPTED)
        return CG_EXIT_FAILED;
    return CG_EXIT_OK;
}

/* Opens the run: a new one, or the last unfinished one for --resume. */
static int open_run(struct enrich_cli *cli, struct cg_store *store,
                    json_t **keep)
{
    struct cg_error err;
    json_t *args = NULL;
    int64_t run_id = 0;
    int status = 0;

    if (cli->resume) {
        if (cg_store_run_last_unfinished(store, "enrich", &run_id, &args,
                                         &err) != CG_OK) {
            cli_error("%s", cg_error_text(&err));
            return CG_EXIT_USAGE;
        }
        status = restore_inputs(cli, args, keep);
        json_decref(args);
        if (status)
            return status;
        if (cg_store_run_reopen(store, run_id, &err) != CG_OK) {
            cli_error("%s", cg_error_text(&err));
            return CG_EXIT_FAILED;
        }
        cg_log_info("enrich", "resuming run %lld", (long long)run_id);
    } else {
        if (cli->input_count == 0 && cli->value_count == 0) {
            cli_error("nothing to enrich: give values, --input FILE or '-'; "
                      "run 'cipgraph help enrich'");
            return CG_EXIT_USAGE;
        }
        args = describe_inputs(cli);
        if (cg_store_run_begin(store, "enrich", args, &run_id, &err) != CG_OK) {
            json_decref(args);
            cli_error("%s", cg_error_text(&err));
            return CG_EXIT_FAILED;
        }
        json_decref(args);
    }
    cli->engine.run_id = run_id;
    return 0;
}

static int run(struct enrich_cli *cli, struct cg_store *store)
{
    struct cg_engine *engine = NULL;
    struct cg_error err;
    json_t *stats_json;
    const struct cg_engine_stats *stats;
    enum cg_err rc;
    int status;

    cg_error_clear(&err);
    cli->engine.store = store;
    cli->engine.api = &cli->api;
    cli->engine.on_result = on_result;
    cli->engine.on_progress = on_progress;
    cli->engine.data = cli;
    cli->engine.stop = &stop_requested;
    if (cg_engine_new(&cli->engine, &engine, &err) != CG_OK) {
        cli_error("%s", cg_error_text(&err));
        return CG_EXIT_FAILED;
    }
    rc = feed(cli, engine, &err);
    if (rc == CG_ERR_INTERRUPTED) {
        /* The signal came while reading the input: the values already read
         * finish, and the rest is left for --resume. */
        cg_log_warn("enrich", "interrupted while reading the input; run "
                              "again with --resume to continue");
        if (cg_engine_finish(engine, &err) == CG_OK)
            rc = CG_ERR_INTERRUPTED;
    } else if (rc == CG_OK) {
        rc = cg_engine_finish(engine, &err);
    } else if (cg_engine_finish(engine, NULL) != CG_OK) {
        cg_log_debug("enrich", "the run had already stopped");
    }
    stats = cg_engine_stats(engine);
    if (cli->progress_tty && !cli->quiet)
        fputs("\r\033[K", stderr);
    if (rc != CG_OK && rc != CG_ERR_API_KEY && rc != CG_ERR_INTERRUPTED)
        cli_error("%s", cg_error_text(&err));
    stats_json = cg_engine_stats_json(stats);
    if (cg_store_run_finish(store, cli->engine.run_id, run_status(stats, rc),
                            stats_json, &err) != CG_OK)
        cli_error("%s", cg_error_text(&err));
    json_decref(stats_json);
    if (cli->format == FORMAT_TABLE)
        cli_print_run_table(cli->out, store, cli->engine.run_id, cli->top);
    else if (cli->format == FORMAT_STIX &&
             cg_store_export(store, cli->out, false, cli->engine.run_id,
                             &err) != CG_OK)
        cli_error("%s", cg_error_text(&err));
    if (!cli->quiet)
        cli_print_summary(stderr, stats, cli->engine.run_id);
    status = exit_code(stats, rc);
    cg_engine_free(engine);
    return status;
}

static void install_signals(void)
{
    struct sigaction action;

    memset(&action, 0, sizeof(action));
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    /* A second Ctrl-C ends the process at once. */
    action.sa_flags = (int)SA_RESETHAND;
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* Checks that every --input file can be read before a run is recorded. */
static int check_inputs(const struct enrich_cli *cli)
{
    for (int i = 0; i < cli->input_count; i++) {
        const char *path = cli->inputs[i];
        struct stat st;

        if (strcmp(path, "-") == 0)
            continue;
        if (stat(path, &st) != 0 || access(path, R_OK) != 0) {
            cli_error("cannot read --input '%s': %s", path, strerror(errno));
            return CG_EXIT_USAGE;
        }
        if (S_ISDIR(st.st_mode)) {
            cli_error("cannot read --input '%s': it is a folder, not a file",
                      path);
            return CG_EXIT_USAGE;
        }
    }
    return CG_EXIT_OK;
}

int cmd_enrich(int argc, char **argv, const struct cli_global *global)
{
    struct enrich_cli cli;
    struct cg_store *store = NULL;
    struct cg_error err;
    json_t *keep = NULL;
    int status;

    memset(&cli, 0, sizeof(cli));
    cg_engine_opts_init(&cli.engine);
    cli.out = stdout;
    cli.plain_interval_ms = 10000;
    status = parse_args(&cli, argc, argv);
    if (status)
        return status < 0 ? CG_EXIT_OK : status;
    if (cg_cip_config_from_env(&cli.api, &err) != CG_OK) {
        cli_error("%s", cg_error_text(&err));
        return CG_EXIT_FAILED;
    }
    if (cg_cip_config_check(&cli.api, &err) != CG_OK) {
        cli_error("%s", cg_error_text(&err));
        status = CG_EXIT_USAGE;
        goto out;
    }
    status = check_inputs(&cli);
    if (status)
        goto out;
    /* With --resume the inputs are those of the run being resumed, known
     * only once it is open; they too must not become the output. */
    if (cli.output_path && !cli.resume) {
        cli.out = cli_open_output(global, cli.output_path, cli.inputs,
                                  (size_t)cli.input_count);
        if (!cli.out) {
            status = CG_EXIT_FAILED;
            goto out;
        }
    }
    store = cli_open_store(global);
    if (!store) {
        status = CG_EXIT_FAILED;
        goto out;
    }
    /* Without the thread, SQLite checkpoints inside commits. */
    cg_store_checkpoint_in_background(store, CG_STORE_CHECKPOINT_PAGES, NULL);
    status = open_run(&cli, store, &keep);
    if (status)
        goto out;
    if (cli.output_path && cli.resume) {
        cli.out = cli_open_output(global, cli.output_path, cli.inputs,
                                  (size_t)cli.input_count);
        if (!cli.out) {
            status = CG_EXIT_FAILED;
            goto out;
        }
    }
    cli.progress_tty = isatty(STDERR_FILENO);
    cli.last_plain_ms = cg_clock_ms();
    install_signals();
    cli.total = count_inputs(&cli);
    status = run(&cli, store);
    if (cli.output_path && fclose(cli.out) != 0) {
        cli_error("writing '%s' failed: %s", cli.output_path, strerror(errno));
        status = CG_EXIT_FAILED;
    }
out:
    if (cli.values_restored)
        free(cli.values);
    free(cli.inputs);
    json_decref(keep);
    cg_store_close(store);
    cg_cip_config_release(&cli.api);
    return status;
}
