/*
 * The bundled threat lists that the simulator serves answers from: Criminal
 * IP's C2 daily feed (one CSV per day) and a list of phishing URLs. Both are
 * loaded once at start-up and are read-only afterwards, so lookups need no
 * lock.
 */
#ifndef CG_SIM_FEED_H
#define CG_SIM_FEED_H

#include "core/err.h"

/* Most distinct ports kept per C2 address. */
#define CG_SIM_FEED_PORTS_MAX 8

struct cg_sim_feed_port {
    unsigned port;
    int64_t scan_time; /* newest scan that saw this port, Unix seconds */
};

/* One C2 address, merged over every day it appears on. */
struct cg_sim_feed_entry {
    uint32_t addr;      /* IPv4, host order */
    char framework[32]; /* "Target C2" of the newest row, e.g. "c2_havoc" */
    char country[3];    /* upper case, from the newest row */
    int inbound;        /* enum cg_sim_score, from the newest row */
    int outbound;
    int64_t scan_time; /* newest "Scan Time" */
    struct cg_sim_feed_port ports[CG_SIM_FEED_PORTS_MAX]; /* newest first */
    size_t port_count;
};

/*
 * Loads every *.csv file in dir (columns IP, Target C2, OpenPorts,
 * Score(Inbound/Outbound), Country, Scan Time). Rows that do not parse are
 * skipped and counted in a warning. Fails with CG_ERR_NOT_FOUND when dir
 * cannot be opened or contains no usable row.
 */
enum cg_err cg_sim_feed_load_c2(const char *dir, struct cg_error *err);

/*
 * Loads a phishing URL list, one URL a line; blank lines and lines starting
 * with '#' are skipped. Fails with CG_ERR_NOT_FOUND when the file cannot be
 * read or contains no valid URL.
 */
enum cg_err cg_sim_feed_load_phishing(const char *path, struct cg_error *err);

/* Frees both lists. */
void cg_sim_feed_release(void);

/* Returns the C2 entry for addr (host order), or NULL. */
const struct cg_sim_feed_entry *cg_sim_feed_c2_find(uint32_t addr);

/* Returns the number of C2 addresses and entry i, for tests and stats. */
size_t cg_sim_feed_c2_count(void);

/* Returns true when host (lower case) is the host of a listed phishing URL. */
bool cg_sim_feed_is_phishing_host(const char *host);

/* Returns the number of distinct phishing hosts. */
size_t cg_sim_feed_phishing_count(void);

#endif /* CG_SIM_FEED_H */
