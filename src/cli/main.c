/*
 * cipgraph's entry point: global options and dispatch to the commands.
 */
/* realpath() is an X/Open function beyond the POSIX level set for all. */
#define _XOPEN_SOURCE 700

#include <curl/curl.h>
#include <errno.h>
#include <libgen.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/log.h"

static const char usage_text[] =
    "usage: cipgraph [--db PATH] [--log-level LEVEL] [--log-format text|json]\n"
    "                COMMAND [ARGS]\n"
    "\n"
    "Enrich IP addresses, domains and URLs from Criminal IP into a STIX 2.1\n"
    "knowledge graph stored in SQLite.\n"
    "\n"
    "Commands:\n"
    "  enrich [VALUE...]   enrich values from arguments, --input FILE or -\n"
    "  show VALUE          an entity and its neighbours in the graph\n"
    "  triage              the graph's indicators, most urgent first\n"
    "  pivot VALUE         infrastructure that shares an attribute with VALUE\n"
    "  shared A B          what two entities have in common\n"
    "  path A B            the shortest chain of relationships from A to B\n"
    "  neighbors VALUE     an entity's neighbourhood as a STIX bundle\n"
    "  clusters            probable campaigns on shared infrastructure\n"
    "  import FILE|-       load a STIX 2.1 bundle into the graph\n"
    "  export              the graph as STIX 2.1, JSON Lines or CSV\n"
    "  quota               the account's plan and credits (spends none)\n"
    "  connector           run as an OpenCTI internal-enrichment connector\n"
    "  help [COMMAND]      this text, or a command's options\n"
    "  version             the version\n"
    "\n"
    "Global options:\n"
    "  --db PATH           the graph database (default $CIPGRAPH_DB, else\n"
    "                      ./cipgraph.db)\n"
    "  --log-level LEVEL   trace, debug, info, warn or error (default info)\n"
    "  --log-format FMT    text or json lines on stderr (default text)\n"
    "\n"
    "Environment:\n"
    "  CRIMINALIP_API_KEY  the Criminal IP API key (CRIMINALIP_TOKEN also\n"
    "                      works)\n"
    "  CRIMINALIP_API_URL  the API base URL (default https://api.criminalip.io)\n"
    "\n"
    "Exit codes: 0 all done; 1 some values failed; 2 usage error;\n"
    "3 invalid API key; 4 credits exhausted or --max-credits reached.\n";

void cli_error(const char *fmt, ...)
{
    char text[2048];
    char redacted[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    cg_log_redact(text, redacted, sizeof(redacted));
    fprintf(stderr, "cipgraph: error: %s\n", redacted);
}

static bool take_option(int *argc, char **argv, int i, const char *name,
                        const char **value)
{
    size_t len = strlen(name);

    if (strncmp(argv[i], name, len) != 0)
        return false;
    if (argv[i][len] == '=') {
        *value = argv[i] + len + 1;
        memmove(&argv[i], &argv[i + 1], (size_t)(*argc - i) * sizeof(*argv));
        (*argc)--;
        return true;
    }
    if (argv[i][len] != '\0')
        return false;
    if (i + 1 >= *argc) {
        *value = NULL;
        memmove(&argv[i], &argv[i + 1], (size_t)(*argc - i) * sizeof(*argv));
        (*argc)--;
        return true;
    }
    *value = argv[i + 1];
    memmove(&argv[i], &argv[i + 2], (size_t)(*argc - i - 1) * sizeof(*argv));
    *argc -= 2;
    return true;
}

bool cli_parse_global(int *argc, char **argv, struct cli_global *global)
{
    const char *env_db = getenv("CIPGRAPH_DB");

    global->db_path = env_db && *env_db ? env_db : CG_STORE_DEFAULT_PATH;
    for (int i = 1; i < *argc;) {
        const char *value = NULL;

        if (strcmp(argv[i], "--") == 0)
            break;
        if (take_option(argc, argv, i, "--db", &value)) {
            if (!value || !*value) {
                cli_error("--db needs a path");
                return false;
            }
            global->db_path = value;
        } else if (take_option(argc, argv, i, "--log-level", &value)) {
            enum cg_log_level level;

            if (!cg_log_parse_level(value, &level)) {
                cli_error("invalid --log-level '%s': use trace, debug, info, "
                          "warn or error",
                          value ? value : "");
                return false;
            }
            cg_log_set_level(level);
        } else if (take_option(argc, argv, i, "--log-format", &value)) {
            enum cg_log_format format;

            if (!cg_log_parse_format(value, &format)) {
                cli_error("invalid --log-format '%s': use text or json",
                          value ? value : "");
                return false;
            }
            cg_log_set_format(format);
        } else {
            i++;
        }
    }
    return true;
}

/*
 * True when path is an SQLite database with tables but without cipgraph's
 * schema version: another program's database, which the graph commands
 * must not add their tables to. An unreadable file is left to the open.
 */
static bool is_foreign_database(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    bool foreign = false;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db,
                           "SELECT (SELECT count(*) FROM sqlite_master), "
                           "(SELECT count(*) FROM sqlite_master "
                           " WHERE type = 'table' AND name = 'meta')",
                           -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        foreign =
            sqlite3_column_int(stmt, 0) > 0 && sqlite3_column_int(stmt, 1) == 0;
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return foreign;
}

struct cg_store *cli_open_store(const struct cli_global *global)
{
    struct cg_store *store = NULL;
    struct cg_error err;

    if (is_foreign_database(global->db_path)) {
        cli_error("'%s' is an SQLite database of another program, not a "
                  "cipgraph graph; name the graph with --db",
                  global->db_path);
        return NULL;
    }
    if (cg_store_open(global->db_path, &store, &err) != CG_OK) {
        cli_error("%s", cg_error_text(&err));
        return NULL;
    }
    return store;
}

struct cg_store *cli_open_graph(const struct cli_global *global)
{
    struct stat st;

    if (stat(global->db_path, &st) != 0 && errno == ENOENT) {
        cli_error("no graph database at '%s'; build one with 'cipgraph "
                  "enrich' or 'cipgraph import', or name it with --db",
                  global->db_path);
        return NULL;
    }
    return cli_open_store(global);
}

/* True when path and other name the same existing file. */
static bool same_file(const char *path, const char *other)
{
    struct stat a, b;

    return stat(path, &a) == 0 && stat(other, &b) == 0 &&
           a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
 * True when path, which need not exist, names the database file db_path
 * with suffix appended: SQLite creates and deletes its -journal and -wal
 * files, so a file written there would be lost or taken for a journal.
 */
static bool names_db_file(const char *path, const char *db_path,
                          const char *suffix)
{
    char *dir_copy = strdup(path);
    char *base_copy = strdup(path);
    char *db_real = realpath(db_path, NULL);
    char *dir_real = dir_copy ? realpath(dirname(dir_copy), NULL) : NULL;
    char want[4096];
    char have[4096];
    bool same = false;

    if (db_real && dir_real && base_copy) {
        snprintf(want, sizeof(want), "%s%s", db_real, suffix);
        snprintf(have, sizeof(have), "%s/%s", dir_real, basename(base_copy));
        same = strcmp(want, have) == 0;
    }
    free(dir_copy);
    free(base_copy);
    free(db_real);
    free(dir_real);
    return same;
}

FILE *cli_open_output(const struct cli_global *global, const char *path,
                      const char *const *inputs, size_t n_inputs)
{
    static const char *const db_files[] = {"", "-wal", "-shm", "-journal"};
    char name[4096];
    FILE *out;

    for (size_t i = 0; i < CG_ARRAY_LEN(db_files); i++) {
        snprintf(name, sizeof(name), "%s%s", global->db_path, db_files[i]);
        if (same_file(path, name) ||
            names_db_file(path, global->db_path, db_files[i])) {
            cli_error("cannot write the output to '%s': it is the graph "
                      "database '%s'; choose another --output",
                      path, global->db_path);
            return NULL;
        }
    }
    for (size_t i = 0; i < n_inputs; i++) {
        if (strcmp(inputs[i], "-") != 0 && same_file(path, inputs[i])) {
            cli_error("cannot write the output to '%s': it is also an input "
                      "file, which writing would empty; choose another "
                      "--output",
                      path);
            return NULL;
        }
    }
    out = fopen(path, "w");
    if (!out)
        cli_error("cannot write '%s': %s", path, strerror(errno));
    return out;
}

enum cli_parse
cli_parse_options(int argc, char **argv, const char *shortopts,
                  const struct option *options, const char *command,
                  const char *usage,
                  bool (*apply)(int opt, char *value, void *data), void *data)
{
    int opt;

    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, shortopts, options, NULL)) != -1) {
        if (opt == 'h') {
            fputs(usage, stdout);
            return CLI_PARSE_HELP;
        }
        if (opt == '?') {
            cli_error("unknown option '%s'; run 'cipgraph help %s'",
                      argv[optind - 1], command);
            return CLI_PARSE_ERROR;
        }
        if (opt == ':') {
            cli_error("option '%s' needs a value", argv[optind - 1]);
            return CLI_PARSE_ERROR;
        }
        if (!apply(opt, optarg, data))
            return CLI_PARSE_ERROR;
    }
    if (optind != argc) {
        cli_error("unexpected argument '%s'; run 'cipgraph help %s'",
                  argv[optind], command);
        return CLI_PARSE_ERROR;
    }
    return CLI_PARSE_OK;
}

bool cli_parse_duration_ms(const char *text, int64_t *ms)
{
    char *end;
    double value;
    double scale = 1000;

    if (!text || !*text)
        return false;
    value = strtod(text, &end);
    if (end == text || value < 0 || value > 1e9)
        return false;
    if (strcmp(end, "ms") == 0)
        scale = 1;
    else if (strcmp(end, "s") == 0 || *end == '\0')
        scale = 1000;
    else if (strcmp(end, "m") == 0)
        scale = 60000;
    else if (strcmp(end, "h") == 0)
        scale = 3600000;
    else if (strcmp(end, "d") == 0)
        scale = 86400000;
    else
        return false;
    *ms = (int64_t)(value * scale);
    return true;
}

bool cli_parse_count(const char *text, long long max, long long *out)
{
    char *end;
    long long value;

    if (!text || !*text || *text == '-' || *text == '+')
        return false;
    value = strtoll(text, &end, 10);
    if (*end || value < 0 || value > max)
        return false;
    *out = value;
    return true;
}

bool cli_parse_number(const char *text, double *out)
{
    char *end;
    double value;

    if (!text || !*text)
        return false;
    value = strtod(text, &end);
    if (*end || !(value >= 0) || value > 1e12)
        return false;
    *out = value;
    return true;
}

typedef int (*command_fn)(int argc, char **argv,
                          const struct cli_global *global);

static const struct {
    const char *name;
    command_fn run;
} commands[] = {
    {"enrich", cmd_enrich},       {"show", cmd_show},
    {"triage", cmd_triage},       {"pivot", cmd_pivot},
    {"shared", cmd_shared},       {"path", cmd_path},
    {"neighbors", cmd_neighbors}, {"clusters", cmd_clusters},
    {"import", cmd_import},       {"export", cmd_export},
    {"quota", cmd_quota},         {"connector", cmd_connector},
};

static command_fn find_command(const char *name)
{
    for (size_t i = 0; i < CG_ARRAY_LEN(commands); i++) {
        if (strcmp(name, commands[i].name) == 0)
            return commands[i].run;
    }
    return NULL;
}

static int show_help(const char *command)
{
    char name[32];
    char *argv[] = {name, (char *)"--help", NULL};
    struct cli_global global = {CG_STORE_DEFAULT_PATH};
    command_fn run;

    if (!command) {
        fputs(usage_text, stdout);
        return CG_EXIT_OK;
    }
    run = find_command(command);
    if (!run) {
        cli_error("unknown command '%s'; run 'cipgraph help'", command);
        return CG_EXIT_USAGE;
    }
    snprintf(name, sizeof(name), "%s", command);
    return run(2, argv, &global);
}

int main(int argc, char **argv)
{
    struct cli_global global;
    const char *command;
    int status;

    if (!cli_parse_global(&argc, argv, &global))
        return CG_EXIT_USAGE;
    if (argc < 2) {
        fputs(usage_text, stderr);
        return CG_EXIT_USAGE;
    }
    command = argv[1];
    if (strcmp(command, "help") == 0 || strcmp(command, "--help") == 0 ||
        strcmp(command, "-h") == 0)
        return show_help(argc > 2 ? argv[2] : NULL);
    if (strcmp(command, "version") == 0 || strcmp(command, "--version") == 0) {
        printf("cipgraph %s\n", CG_VERSION);
        return CG_EXIT_OK;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        cli_error("cannot initialise libcurl");
        return CG_EXIT_FAILED;
    }
    if (find_command(command)) {
        status = find_command(command)(argc - 1, argv + 1, &global);
    } else {
        cli_error("unknown command '%s'; run 'cipgraph help'", command);
        status = CG_EXIT_USAGE;
    }
    curl_global_cleanup();
    return status;
}
