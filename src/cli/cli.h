/*
 * Shared declarations of the command-line front end. Only this layer turns
 * errors into exit codes and writes to stdout.
 */
#ifndef CG_CLI_CLI_H
#define CG_CLI_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "core/err.h"
#include "store/store.h"

/* Documented exit codes (README "Exit codes"). */
enum cg_exit {
    CG_EXIT_OK = 0,      /* everything done */
    CG_EXIT_FAILED = 1,  /* some values failed, or the run failed */
    CG_EXIT_USAGE = 2,   /* bad command line or configuration */
    CG_EXIT_API_KEY = 3, /* Criminal IP rejected the API key */
    CG_EXIT_CREDITS = 4  /* credits exhausted or --max-credits reached */
};

/* Options every command accepts. */
struct cli_global {
    const char *db_path; /* --db, $CIPGRAPH_DB or the default */
};

/*
 * Reads the global options (--db, --log-level, --log-format) from argv,
 * removing them, and fills global. Returns false after printing an error.
 */
bool cli_parse_global(int *argc, char **argv, struct cli_global *global);

/* Opens the database at global->db_path, printing an error on failure. */
struct cg_store *cli_open_store(const struct cli_global *global);

/*
 * Same as cli_open_store for the commands that read the graph: a missing
 * database file is an error instead of a new empty graph.
 */
struct cg_store *cli_open_graph(const struct cli_global *global);

/*
 * Opens path for writing an output, after checking that it is neither the
 * graph database (or its WAL and journal files) nor one of the n_inputs
 * input files, which opening would truncate. Prints an error and returns
 * NULL on failure.
 */
FILE *cli_open_output(const struct cli_global *global, const char *path,
                      const char *const *inputs, size_t n_inputs);

/* What cli_parse_options found: all options applied, --help, or an error. */
enum cli_parse {
    CLI_PARSE_OK,
    CLI_PARSE_HELP,
    CLI_PARSE_ERROR,
};

/*
 * Reads a command's options with getopt_long and passes each one to apply
 * (which prints its own error and returns false on a bad value). Handles
 * --help by printing usage, and reports an unknown option, a missing
 * value or an extra argument naming the command.
 */
enum cli_parse
cli_parse_options(int argc, char **argv, const char *shortopts,
                  const struct option *options, const char *command,
                  const char *usage,
                  bool (*apply)(int opt, char *value, void *data), void *data);

/* Prints "cipgraph: error: ..." to stderr. */
void cli_error(const char *fmt, ...) CG_PRINTF(1, 2);

/*
 * Parses a duration such as "500ms", "30s", "5m", "24h", "7d" or a plain
 * number of seconds into milliseconds. Returns false when invalid.
 */
bool cli_parse_duration_ms(const char *text, int64_t *ms);

/* Parses a non-negative integer no larger than max. */
bool cli_parse_count(const char *text, long long max, long long *out);

/* Parses a non-negative finite number. */
bool cli_parse_number(const char *text, double *out);

/* The commands; each returns an exit code. argv[0] is the command name. */
int cmd_enrich(int argc, char **argv, const struct cli_global *global);
int cmd_show(int argc, char **argv, const struct cli_global *global);
int cmd_export(int argc, char **argv, const struct cli_global *global);
int cmd_quota(int argc, char **argv, const struct cli_global *global);
int cmd_triage(int argc, char **argv, const struct cli_global *global);
int cmd_pivot(int argc, char **argv, const struct cli_global *global);
int cmd_shared(int argc, char **argv, const struct cli_global *global);
int cmd_path(int argc, char **argv, const struct cli_global *global);
int cmd_neighbors(int argc, char **argv, const struct cli_global *global);
int cmd_clusters(int argc, char **argv, const struct cli_global *global);
int cmd_import(int argc, char **argv, const struct cli_global *global);
int cmd_connector(int argc, char **argv, const struct cli_global *global);

#endif /* CG_CLI_CLI_H */
