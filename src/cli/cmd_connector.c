/*
 * `cipgraph connector`: runs cipgraph as an OpenCTI internal-enrichment
 * connector, configured like OpenCTI's own connectors (config.yml and the
 * environment). The whole configuration is checked before anything
 * connects, and a bad value exits with status 2 and a message naming it.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/log.h"
#include "opencti/config.h"
#include "opencti/connector.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int signo)
{
    (void)signo;
    stop_requested = 1;
}

static const char connector_usage[] =
    "usage: cipgraph connector [--config FILE] [--check]\n"
    "\n"
    "Runs as an OpenCTI internal-enrichment connector for IPv4-Addr,\n"
    "IPv6-Addr, Domain-Name and Url observables, in place of the Python\n"
    "Criminal IP connector. Settings come from the environment, which wins\n"
    "over the config file (OpenCTI's config.yml layout).\n"
    "\n"
    "Options:\n"
    "  -c, --config FILE   read this config.yml (default $CIPGRAPH_CONFIG,\n"
    "                      else ./config.yml when it exists)\n"
    "      --check         check the configuration, print it without\n"
    "                      secrets, and exit\n"
    "\n"
    "Required: OPENCTI_URL, OPENCTI_TOKEN, CONNECTOR_ID (a UUID) and\n"
    "CRIMINALIP_TOKEN (or CRIMINALIP_API_KEY, CRIMINAL_IP_TOKEN).\n"
    "docs/CONNECTOR.md lists every setting with its default.\n"
    "\n"
    "SIGTERM or SIGINT: each worker finishes the message in hand, then the\n"
    "connector exits with status 0. Exit codes: 0 stopped cleanly; 1 failed\n"
    "(database, registration refused); 2 invalid configuration.\n";

static const struct option connector_options[] = {
    {"config", required_argument, NULL, 'c'},
    {"check", no_argument, NULL, 'k'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Returns the config file to read: the option, $CIPGRAPH_CONFIG or
 * ./config.yml when present; NULL for none. */
static const char *config_path(const char *option)
{
    const char *env = getenv("CIPGRAPH_CONFIG");

    if (option)
        return option;
    if (env && *env)
        return env;
    return access("config.yml", R_OK) == 0 ? "config.yml" : NULL;
}

static void install_signals(void)
{
    struct sigaction action;

    memset(&action, 0, sizeof(action));
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* Prints NAME=value with the registered secrets masked in the value. */
static void print_setting(const char *name, const char *value)
{
    char shown[1024];

    cg_log_redact(value, shown, sizeof(shown));
    printf("%s=%s\n", name, shown);
}

static void print_check(const struct cg_octi_config *cfg, const char *path)
{
    char *scope = json_dumps(cfg->scope_names, JSON_COMPACT);
    char shown_path[1024];
    char workers[16];

    cg_log_redact(path ? path : "none", shown_path, sizeof(shown_path));
    printf("configuration is valid (file: %s)\n", shown_path);
    snprintf(workers, sizeof(workers), "%d", cfg->workers);
    print_setting("OPENCTI_URL", cfg->opencti_url);
    print_setting("CONNECTOR_ID", cfg->id);
    print_setting("CONNECTOR_NAME", cfg->name);
    print_setting("CONNECTOR_SCOPE", scope ? scope : "");
    print_setting("CONNECTOR_AUTO", cfg->auto_enrich ? "true" : "false");
    print_setting("CONNECTOR_LISTEN_PROTOCOL",
                  cfg->listen_protocol == CG_LISTEN_API ? "API" : "AMQP");
    print_setting("CONNECTOR_QUEUE_PROTOCOL",
                  cfg->queue_protocol == CG_QUEUE_API ? "api" : "amqp");
    print_setting("CRIMINALIP_MAX_TLP", cg_tlp_name(cfg->max_tlp));
    print_setting("CIPGRAPH_TLP", cg_tlp_name(cfg->tlp));
    print_setting("CIPGRAPH_DB", cfg->db_path);
    print_setting("CIPGRAPH_WORKERS", workers);
    free(scope);
}

/* True when --db was given on the command line (it then wins). */
static bool db_option_given(const struct cli_global *global)
{
    const char *env = getenv("CIPGRAPH_DB");
    const char *implied = env && *env ? env : CG_STORE_DEFAULT_PATH;

    return strcmp(global->db_path, implied) != 0;
}

static int parse_args(int argc, char **argv, const char **config, bool *check)
{
    int id;

    optind = 1;
    opterr = 0;
    while ((id = getopt_long(argc, argv, ":c:h", connector_options, NULL)) !=
           -1) {
        if (id == 'h') {
            fputs(connector_usage, stdout);
            return -1;
        }
        if (id == 'c') {
            *config = optarg;
        } else if (id == 'k') {
            *check = true;
        } else {
            cli_error("%s '%s'; run 'cipgraph help connector'",
                      id == ':' ? "option needs a value:" : "unknown option",
                      argv[optind - 1]);
            return CG_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("unexpected argument '%s'", argv[optind]);
        return CG_EXIT_USAGE;
    }
    return 0;
}

int cmd_connector(int argc, char **argv, const struct cli_global *global)
{
    struct cg_octi_config cfg;
    struct cg_error err;
    const char *option = NULL;
    const char *path;
    bool check = false;
    int status = parse_args(argc, argv, &option, &check);
    enum cg_err rc;

    if (status)
        return status < 0 ? CG_EXIT_OK : status;
    path = config_path(option);
    cg_octi_config_init(&cfg);
    rc = cg_octi_config_load(&cfg, path, &err);
    if (rc != CG_OK) {
        cli_error("invalid configuration: %s", cg_error_text(&err));
        status = rc == CG_ERR_NOMEM ? CG_EXIT_FAILED : CG_EXIT_USAGE;
        goto out;
    }
    if (db_option_given(global)) {
        free(cfg.db_path);
        cfg.db_path = strdup(global->db_path);
        if (!cfg.db_path) {
            cli_error("out of memory");
            status = CG_EXIT_FAILED;
            goto out;
        }
        rc = cg_octi_check_db_path(cfg.db_path, "--db", &err);
        if (rc != CG_OK) {
            cli_error("invalid configuration: %s", cg_error_text(&err));
            status = CG_EXIT_USAGE;
            goto out;
        }
    }
    if (cfg.log_level_set)
        cg_log_set_level(cfg.log_level);
    if (check) {
        print_check(&cfg, path);
        goto out;
    }
    install_signals();
    rc = cg_connector_run(&cfg, &stop_requested, &err);
    if (rc != CG_OK) {
        cli_error("%s", cg_error_text(&err));
        status = rc == CG_ERR_CONFIG ? CG_EXIT_USAGE : CG_EXIT_FAILED;
    }
out:
    cg_octi_config_release(&cfg);
    return status;
}
