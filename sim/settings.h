/*
 * The simulator's failure switches and behaviour settings. They start from
 * the command line and POST /_sim/config changes them at run time, so every
 * request takes a consistent snapshot under a lock. The API key is set once
 * at start-up and never reported back.
 */
#ifndef CG_SIM_SETTINGS_H
#define CG_SIM_SETTINGS_H

#include "core/err.h"

#include <jansson.h>

/* Upper bounds for numeric settings, so a typo cannot stall the server. */
#define CG_SIM_LATENCY_MAX_MS 60000
#define CG_SIM_SCAN_POLLS_MAX 1000
#define CG_SIM_COUNTER_MAX    1000000000LL

struct cg_sim_settings {
    bool invalid_key;        /* every API call returns "invalid api key" */
    long long credits;       /* credit-spending calls allowed; -1: unlimited */
    int concurrency;         /* API calls allowed in flight; 0: unlimited */
    int fail_5xx;            /* every N-th API call returns 500; 0: off */
    int burst_count;         /* the first burst_count calls ... */
    int burst_window;        /* ... of every burst_window return 429; 0: off */
    int latency_ms;          /* delay before every API response */
    bool null_heavy;         /* success bodies with mostly null scalars */
    int scan_polls;          /* status polls that report progress before the
                                final value */
    bool errors_in_200;      /* error bodies travel with HTTP 200 */
    bool ipv6;               /* serve IP reports for IPv6 addresses */
    bool early_report_error; /* a report requested before the scan ends
                                returns an error instead of empty data */
};

/* Fills s with the defaults: no failures, 3 scan polls, IPv4 only. */
void cg_sim_settings_defaults(struct cg_sim_settings *s);

/* Installs the start-up settings. Call before serving requests. */
void cg_sim_settings_init(const struct cg_sim_settings *s);

/* Copies the current settings into *out. Thread-safe. */
void cg_sim_settings_get(struct cg_sim_settings *out);

/*
 * Applies the members of a JSON object to the settings. Every member is
 * checked first and nothing changes unless all are valid. Fails with
 * CG_ERR_INVALID naming the first unknown key or invalid value.
 */
enum cg_err cg_sim_settings_apply(const json_t *changes, struct cg_error *err);

/* Returns a new JSON object describing s (never the key). */
json_t *cg_sim_settings_to_json(const struct cg_sim_settings *s);

/*
 * Parses "N:M" into the burst fields: the first N of every M API calls
 * return 429. "0:0" and "off" turn bursts off. Returns false for anything
 * else, for N > M, or for M above CG_SIM_COUNTER_MAX.
 */
bool cg_sim_parse_burst(const char *text, int *count, int *window);

/*
 * Sets the only accepted x-api-key; NULL accepts any non-empty key. The
 * text is copied and registered as a log secret.
 */
void cg_sim_key_set(const char *key);

/* Returns true when key (len bytes, may be NULL) is accepted. */
bool cg_sim_key_accepts(const char *key, size_t len);

/* Returns true when --key restricted the accepted key. */
bool cg_sim_key_is_fixed(void);

/* Frees the stored key. */
void cg_sim_key_release(void);

#endif /* CG_SIM_SETTINGS_H */
