/*
 * Triage: ranks the graph's enriched indicators with a documented priority
 * model whose weights come from a configuration file, and explains each
 * rank in words ("outbound Critical, C2 port 3790 (Metasploit), 2 CVEs
 * CVSS>=9").
 */
#ifndef CG_GRAPH_TRIAGE_H
#define CG_GRAPH_TRIAGE_H

#include <stdio.h>

#include "store/store.h"

/* The model's weights (docs/TRIAGE.md lists every key and default). */
struct cg_triage_weights;

/* The selection of indicators to rank. */
struct cg_triage_query {
    long long limit;  /* rows to return; <= 0 for all */
    const char *kind; /* "ip" (both address kinds), "ipv4", "ipv6",
                         "domain", "url", or NULL for every kind */
    int64_t since;    /* only values enriched at or after this; 0 for all */
    bool refresh;     /* extract every value's features again first */
};

/* Output formats shared by `cipgraph triage` and `cipgraph export --format
 * csv`. */
enum cg_triage_format { CG_TRIAGE_TABLE, CG_TRIAGE_JSON, CG_TRIAGE_CSV };

/*
 * Loads the weights from the JSON file at path or, when path is NULL or
 * empty, from the file $CIPGRAPH_TRIAGE_CONFIG names. Keys the file omits
 * keep the built-in defaults, and so does every key when there is no file.
 * Returns a new object in *out (free with cg_triage_weights_free). Fails
 * with CG_ERR_CONFIG naming the file, the key and the reason.
 */
enum cg_err cg_triage_weights_load(const char *path,
                                   struct cg_triage_weights **out,
                                   struct cg_error *err) CG_WARN_UNUSED;

void cg_triage_weights_free(struct cg_triage_weights *weights);

/*
 * Ranks the indicators selected by query and writes them to out in format,
 * most urgent first, each with its priority and its reasons. CSV has a
 * header row and one row per indicator with the triage columns. First
 * brings the triage_features table up to date in its own write
 * transaction, so call it outside a transaction. Fails with CG_ERR_INVALID
 * for an unknown kind and CG_ERR_IO when writing to out fails.
 */
enum cg_err cg_triage_write(struct cg_store *store,
                            const struct cg_triage_weights *weights,
                            const struct cg_triage_query *query,
                            enum cg_triage_format format, FILE *out,
                            struct cg_error *err) CG_WARN_UNUSED;

#endif /* CG_GRAPH_TRIAGE_H */
