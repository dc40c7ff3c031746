/*
 * Rendering of enrichment results: the triage table, JSON lines, the
 * progress line and the run summary.
 */
#ifndef CG_CLI_OUTPUT_H
#define CG_CLI_OUTPUT_H

#include <stdio.h>

#include "enrich/engine.h"

/* Returns singular when count is 1, else plural, for counts in messages. */
const char *cli_plural(long long count, const char *singular,
                       const char *plural);

/*
 * Writes text (NULL for none) with control characters and invalid UTF-8
 * escaped as \xNN, so that a value from the input, the graph or the API
 * cannot send escape sequences to the terminal. With max > 0, at most max
 * characters are written and the last one is "~" when text was cut.
 * Returns the number of characters written.
 */
int cli_print_text(FILE *out, const char *text, int max);

/*
 * Replaces every string value inside doc (keys are left alone) with its
 * escaped form, as cli_print_text writes it, before doc is printed as a
 * table: names and values come from the API and from imports.
 */
void cli_escape_strings(json_t *doc);

/* Returns the string at key of obj, or "" when it is missing. */
const char *cli_json_text(const json_t *obj, const char *key);

/* Returns a graph node's name, or its id when it has none. */
const char *cli_node_name(const json_t *node);

/* Writes one result as a JSON object on its own line. */
void cli_print_result_json(FILE *out, const struct cg_result *result);

/*
 * Writes the progress: a bar redrawn in place when tty is true, otherwise
 * one plain line. total is -1 when unknown.
 */
void cli_print_progress(FILE *out, const struct cg_engine_stats *stats,
                        long active, long total, bool tty);

/*
 * Writes the run's triage table, highest score first, followed by every
 * skipped, invalid, failed or unfinished value with its reason. top > 0
 * limits the enriched rows shown.
 */
void cli_print_run_table(FILE *out, struct cg_store *store, int64_t run_id,
                         long long top);

/* Writes the summary: counts, API calls, credits and time. */
void cli_print_summary(FILE *out, const struct cg_engine_stats *stats,
                       int64_t run_id);

#endif /* CG_CLI_OUTPUT_H */
