/*
 * The scan table: full scans (integer ids) and lite scans (32-hex ids)
 * started during this run, plus the older reports that GET
 * /v1/domain/reports lists. A scan advances one step per status poll
 * and ends at 100, or at -1 (failed) or -2 (no such domain) for the special
 * host names below. The table keeps at most CG_SIM_SCANS_MAX entries and
 * evicts the oldest finished ones first. All functions are thread-safe.
 */
#ifndef CG_SIM_SCAN_H
#define CG_SIM_SCAN_H

#include "url.h"

/* Most scans and listed reports kept; older ones are forgotten. */
#define CG_SIM_SCANS_MAX 10000

/* Terminal status values, as the API reports them in scan_percentage. */
#define CG_SIM_SCAN_DONE      100
#define CG_SIM_SCAN_FAILED    (-1)
#define CG_SIM_SCAN_NO_DOMAIN (-2)

/* Size of a lite scan id: 32 hex digits and a NUL. */
#define CG_SIM_LITE_ID_SIZE 33

/* A copy of one table entry. */
struct cg_sim_scan_info {
    long long id;                      /* full scans; 0 for lite */
    char lite_id[CG_SIM_LITE_ID_SIZE]; /* lite scans; "" for full */
    char *url;       /* the normalised query (free with free()) */
    int64_t created; /* scan time, Unix seconds */
    bool finished;
    int outcome; /* CG_SIM_SCAN_DONE, _FAILED or _NO_DOMAIN */
};

enum cg_sim_scan_start {
    CG_SIM_SCAN_STARTED,
    CG_SIM_SCAN_BUSY, /* a full scan of the same query is still running */
    CG_SIM_SCAN_NOMEM
};

/*
 * Returns how a scan of host ends: -1 for hosts starting with "scanfail.",
 * -2 for hosts starting with "nxdomain." or ending in ".invalid", else 100.
 */
int cg_sim_scan_outcome(const char *host);

/* Starts a full scan and stores its id in *id. */
enum cg_sim_scan_start cg_sim_scan_start(const struct cg_sim_target *target,
                                         int64_t now, long long *id);

/*
 * Counts one status poll of a full scan and stores the value to report in
 * *percentage: growing steps for the first polls_needed polls, then the
 * outcome. Returns false for an unknown id.
 */
bool cg_sim_scan_poll(long long id, int polls_needed, int *percentage);

/* Copies a full scan into *info. Returns false for an unknown id. */
bool cg_sim_scan_get(long long id, struct cg_sim_scan_info *info);

/* Starts a lite scan and writes its id to lite_id. */
enum cg_sim_scan_start cg_sim_lite_start(const struct cg_sim_target *target,
                                         int64_t now,
                                         char lite_id[CG_SIM_LITE_ID_SIZE]);

/* The lite-scan forms of cg_sim_scan_poll() and cg_sim_scan_get(). */
bool cg_sim_lite_poll(const char *lite_id, int polls_needed, int *percentage);
bool cg_sim_lite_get(const char *lite_id, struct cg_sim_scan_info *info);

/*
 * Returns the finished, successful reports for the target's canonical
 * query, newest first, in a new array (free with cg_sim_scan_infos_free).
 * About half of all queries, chosen by a hash of the query, also have one
 * older report dated 1-20 days before now. It is registered in the table
 * when first listed.
 * Returns 0 with *out NULL when there are none or memory ran out.
 */
size_t cg_sim_scan_list(const struct cg_sim_target *target, int64_t now,
                        struct cg_sim_scan_info **out);

void cg_sim_scan_info_release(struct cg_sim_scan_info *info);
void cg_sim_scan_infos_free(struct cg_sim_scan_info *infos, size_t count);

/* Returns the number of entries stored and of full scans still running. */
void cg_sim_scan_counts(size_t *stored, size_t *running);

/* Frees every entry. Call once no request can reach the table. */
void cg_sim_scans_release(void);

#endif /* CG_SIM_SCAN_H */
