/*
 * cip-sim: a Criminal IP API simulator for the demo, the integration tests
 * and the benchmarks, so that nothing ever calls api.criminalip.io. It
 * serves deterministic bodies in the API's shapes on a loopback address and
 * offers switches that reproduce the API's failures. See docs/SIMULATOR.md.
 */
#include "as_table.h"
#include "core/clock.h"
#include "core/log.h"
#include "feed.h"
#include "http.h"
#include "scan.h"
#include "settings.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_C2_DIR   "data/c2-daily-feed"
#define DEFAULT_PHISHING "data/openphish-feed.txt"

struct options {
    const char *host;
    unsigned port;
    const char *key;
    const char *data_dir;
    const char *phishing_file;
    bool verbose;
    struct cg_sim_settings settings;
};

static void print_usage(FILE *out)
{
    fputs(
        "usage: cip-sim [options]\n"
        "\n"
        "Serves a simulated Criminal IP API on a loopback address and prints\n"
        "its base URL (http://127.0.0.1:PORT) as the first line of stdout.\n"
        "\n"
        "  --port N           port to listen on; 0 (default) picks a free "
        "one\n"
        "  --host ADDR        loopback address to bind (default 127.0.0.1; "
        "::1 works)\n"
        "  --key KEY          the only accepted x-api-key (default: any "
        "non-empty key)\n"
        "  --data DIR         folder of C2 feed CSV files (default: "
        "data/c2-daily-feed\n"
        "                     in the current directory or next to the "
        "executable)\n"
        "  --phish FILE       phishing URL list (default: "
        "data/openphish-feed.txt, found\n"
        "                     the same way)\n"
        "  --verbose          log every request to stderr\n"
        "\n"
        "Failure switches (POST /_sim/config changes them at run time):\n"
        "  --invalid-key      every API call returns \"invalid api key\"\n"
        "  --credits N        after N credit-spending calls, return \"limit "
        "exceeded\"\n"
        "  --concurrency N    reject calls beyond N in flight with \"unable "
        "to call api\n"
        "                     at the same time\" (default: no limit)\n"
        "  --fail-5xx N       every N-th API call returns HTTP 500\n"
        "  --burst-429 N:M    the first N of every M API calls return HTTP "
        "429\n"
        "  --latency MS       delay in milliseconds before every API "
        "response\n"
        "  --null-heavy       success bodies with mostly null values\n"
        "  --scan-polls N     status polls before a scan reports its final "
        "value\n"
        "                     (default 3)\n"
        "  --errors-in-200    send error bodies with HTTP 200\n"
        "  --ipv6             serve IP reports for IPv6 addresses (default: "
        "\"Invalid\n"
        "                     IP Address.\")\n"
        "  --early-report M   report requested before the scan ends: "
        "\"empty\" data\n"
        "                     (default) or an \"error\" body\n"
        "  --help             show this help\n",
        out);
}

static bool parse_number(const char *text, long long min, long long max,
                         long long *out)
{
    char *end;
    long long value;

    if (!text || !*text)
        return false;
    errno = 0;
    value = strtoll(text, &end, 10);
    if (errno || *end != '\0' || value < min || value > max)
        return false;
    *out = value;
    return true;
}

/* Returns the value of an option given as "--name value" or "--name=value",
 * advancing *i past a separate value. Returns NULL when it is missing. */
static const char *option_value(int argc, char **argv, int *i,
                                const char *inline_value)
{
    if (inline_value)
        return inline_value;
    if (*i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

static int usage_error(const char *message, const char *detail)
{
    fprintf(stderr, "cip-sim: %s%s\nTry 'cip-sim --help'.\n", message, detail);
    return 2;
}

/* Parses one numeric option into *out. Returns 0, or 2 after printing the
 * error. */
static int set_number(const char *name, const char *value, long long min,
                      long long max, long long *out)
{
    if (!parse_number(value, min, max, out)) {
        char detail[160];

        snprintf(detail, sizeof(detail),
                 "%s needs an integer from %lld to "
                 "%lld",
                 name, min, max);
        return usage_error(detail, "");
    }
    return 0;
}

static int parse_flag(struct options *o, const char *name)
{
    struct cg_sim_settings *s = &o->settings;

    if (strcmp(name, "--invalid-key") == 0)
        s->invalid_key = true;
    else if (strcmp(name, "--null-heavy") == 0)
        s->null_heavy = true;
    else if (strcmp(name, "--errors-in-200") == 0)
        s->errors_in_200 = true;
    else if (strcmp(name, "--ipv6") == 0)
        s->ipv6 = true;
    else if (strcmp(name, "--verbose") == 0)
        o->verbose = true;
    else
        return -1;
    return 0;
}

static int parse_valued(struct options *o, const char *name, const char *value)
{
    struct cg_sim_settings *s = &o->settings;
    long long n = 0;
    int rc = 0;

    if (strcmp(name, "--host") == 0) {
        o->host = value;
    } else if (strcmp(name, "--key") == 0) {
        if (!*value)
            return usage_error("--key needs a non-empty key", "");
        o->key = value;
    } else if (strcmp(name, "--data") == 0) {
        o->data_dir = value;
    } else if (strcmp(name, "--phish") == 0) {
        o->phishing_file = value;
    } else if (strcmp(name, "--port") == 0) {
        rc = set_number(name, value, 0, 65535, &n);
        o->port = (unsigned)n;
    } else if (strcmp(name, "--credits") == 0) {
        rc = set_number(name, value, 0, CG_SIM_COUNTER_MAX, &s->credits);
    } else if (strcmp(name, "--concurrency") == 0) {
        rc = set_number(name, value, 0, CG_SIM_COUNTER_MAX, &n);
        s->concurrency = (int)n;
    } else if (strcmp(name, "--fail-5xx") == 0) {
        rc = set_number(name, value, 0, CG_SIM_COUNTER_MAX, &n);
        s->fail_5xx = (int)n;
    } else if (strcmp(name, "--latency") == 0) {
        rc = set_number(name, value, 0, CG_SIM_LATENCY_MAX_MS, &n);
        s->latency_ms = (int)n;
    } else if (strcmp(name, "--scan-polls") == 0) {
        rc = set_number(name, value, 0, CG_SIM_SCAN_POLLS_MAX, &n);
        s->scan_polls = (int)n;
    } else if (strcmp(name, "--burst-429") == 0) {
        if (!cg_sim_parse_burst(value, &s->burst_count, &s->burst_window))
            return usage_error("--burst-429 needs N:M with N <= M, got ",
                               value);
    } else if (strcmp(name, "--early-report") == 0) {
        if (strcmp(value, "empty") && strcmp(value, "error"))
            return usage_error("--early-report needs empty or error, got ",
                               value);
        s->early_report_error = strcmp(value, "error") == 0;
    } else {
        return usage_error("unknown option ", name);
    }
    return rc;
}

/* Returns 0 to continue, 1 after --help, or 2 for a usage error. */
static int parse_options(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof(*o));
    o->host = "127.0.0.1";
    cg_sim_settings_defaults(&o->settings);
    for (int i = 1; i < argc; i++) {
        char name[64];
        const char *eq = strchr(argv[i], '=');
        const char *value;
        int rc;

        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            print_usage(stdout);
            return 1;
        }
        if (strncmp(argv[i], "--", 2) != 0 ||
            (eq ? (size_t)(eq - argv[i]) : strlen(argv[i])) >= sizeof(name))
            return usage_error("unexpected argument ", argv[i]);
        snprintf(name, sizeof(name), "%.*s",
                 (int)(eq ? eq - argv[i] : (ptrdiff_t)strlen(argv[i])),
                 argv[i]);
        if (!eq && parse_flag(o, name) == 0)
            continue;
        value = option_value(argc, argv, &i, eq ? eq + 1 : NULL);
        if (!value)
            return usage_error("missing value for ", name);
        rc = parse_valued(o, name, value);
        if (rc)
            return rc;
    }
    return 0;
}

static bool path_exists(const char *path, bool directory)
{
    struct stat st;

    if (stat(path, &st) != 0)
        return false;
    return directory ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode);
}

/*
 * Finds a bundled data path: relative to the current directory, then to
 * the executable's folder, its parent and its grandparent (build trees
 * keep the binary one or two levels below the repository).
 */
static bool find_data_path(const char *relative, bool directory, char *out,
                           size_t size, char *tried, size_t tried_size)
{
    static const char *const ups[] = {"", "/..", "/../.."};
    char exe[PATH_MAX];
    ssize_t len;

    snprintf(tried, tried_size, "./%s", relative);
    if (path_exists(relative, directory)) {
        snprintf(out, size, "%s", relative);
        return true;
    }
    len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (len <= 0)
        return false;
    exe[len] = '\0';
    *strrchr(exe, '/') = '\0';
    for (size_t i = 0; i < CG_ARRAY_LEN(ups); i++) {
        size_t used = strlen(tried);

        snprintf(out, size, "%s%s/%s", exe, ups[i], relative);
        snprintf(tried + used, tried_size - used, ", %s", out);
        if (path_exists(out, directory))
            return true;
    }
    return false;
}

static int load_data(const struct options *o)
{
    char path[PATH_MAX + 64];
    char tried[4 * PATH_MAX];
    struct cg_error err;
    const char *dir = o->data_dir;
    const char *phishing = o->phishing_file;
    char phishing_path[PATH_MAX + 64];

    cg_error_clear(&err);
    if (!dir) {
        if (!find_data_path(DEFAULT_C2_DIR, true, path, sizeof(path), tried,
                            sizeof(tried))) {
            fprintf(stderr,
                    "cip-sim: C2 feed folder %s not found (tried %s); pass "
                    "--data DIR\n",
                    DEFAULT_C2_DIR, tried);
            return 1;
        }
        dir = path;
    }
    if (cg_sim_feed_load_c2(dir, &err) != CG_OK) {
        fprintf(stderr, "cip-sim: %s\n", cg_error_text(&err));
        return 1;
    }
    if (!phishing) {
        if (!find_data_path(DEFAULT_PHISHING, false, phishing_path,
                            sizeof(phishing_path), tried, sizeof(tried))) {
            fprintf(stderr,
                    "cip-sim: phishing list %s not found (tried %s); pass "
                    "--phish FILE\n",
                    DEFAULT_PHISHING, tried);
            return 1;
        }
        phishing = phishing_path;
    }
    if (cg_sim_feed_load_phishing(phishing, &err) != CG_OK) {
        fprintf(stderr, "cip-sim: %s\n", cg_error_text(&err));
        return 1;
    }
    return 0;
}

/* Blocks the stop signals in this thread and every thread it starts, so
 * that sigwait() in main receives them. */
static void block_stop_signals(sigset_t *set)
{
    struct sigaction ignore;

    memset(&ignore, 0, sizeof(ignore));
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, NULL);
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, set, NULL);
}

int main(int argc, char **argv)
{
    struct options options;
    struct cg_sim_server *server = NULL;
    struct cg_error err;
    sigset_t stop_signals;
    int signal_number = 0;
    int rc = parse_options(argc, argv, &options);

    if (rc)
        return rc == 1 ? 0 : rc;
    cg_log_set_level(options.verbose ? CG_LOG_INFO : CG_LOG_WARN);
    cg_sim_key_set(options.key);
    cg_sim_settings_init(&options.settings);
    cg_sim_as_table_init();
    /* Both initialise shared state on first use, so call them before any
     * thread starts. */
    (void)cg_time_now();
    json_object_seed(0);
    rc = load_data(&options);
    if (rc)
        goto out;

    block_stop_signals(&stop_signals);
    cg_error_clear(&err);
    if (cg_sim_server_start(options.host, options.port, &server, &err) !=
        CG_OK) {
        fprintf(stderr, "cip-sim: %s\n", cg_error_text(&err));
        rc = err.code == CG_ERR_USAGE ? 2 : 1;
        goto out;
    }
    printf(cg_sim_server_is_ipv6(server) ? "http://[%s]:%u\n"
                                         : "http://%s:%u\n",
           strcmp(options.host, "localhost") == 0 ? "127.0.0.1" : options.host,
           cg_sim_server_port(server));
    fflush(stdout);
    cg_log_info("sim",
                "listening on port %u with %zu C2 addresses and %zu "
                "phishing hosts",
                cg_sim_server_port(server), cg_sim_feed_c2_count(),
                cg_sim_feed_phishing_count());

    while (sigwait(&stop_signals, &signal_number) != 0) {
    }
    cg_log_info("sim", "stopping on signal %d", signal_number);
out:
    cg_sim_server_stop(server);
    cg_sim_scans_release();
    cg_sim_feed_release();
    cg_sim_key_release();
    return rc;
}
