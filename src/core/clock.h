/*
 * Wall-clock time in whole seconds since the Unix epoch, its STIX
 * timestamp form, and parsers for the date formats Criminal IP returns.
 * CIPGRAPH_NOW (a STIX timestamp or epoch seconds) pins "now" so that
 * tests and golden outputs are reproducible.
 */
#ifndef CG_CORE_CLOCK_H
#define CG_CORE_CLOCK_H

#include "core/common.h"

/* Size of a buffer that holds any timestamp produced here. */
#define CG_TIME_TEXT_SIZE 32

/* Returns the current time, or the pinned time when CIPGRAPH_NOW is set. */
int64_t cg_time_now(void);

/* Returns a monotonic clock reading in milliseconds, for intervals. */
int64_t cg_clock_ms(void);

/* Pins "now" to t for this process; a negative t removes the pin. */
void cg_time_pin(int64_t t);

/* Writes t as a STIX timestamp, "2024-07-24T07:14:23.000Z". */
void cg_time_format(int64_t t, char out[CG_TIME_TEXT_SIZE]);

/* Writes t's date as "2024-07-24". */
void cg_time_format_date(int64_t t, char out[CG_TIME_TEXT_SIZE]);

/*
 * Parses "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS" or an RFC 3339 timestamp with
 * a 'T', optional fraction and 'Z' or offset. Times without a zone are
 * taken as UTC. Returns false for anything else, including out-of-range
 * fields.
 */
bool cg_time_parse(const char *text, int64_t *out);

#endif /* CG_CORE_CLOCK_H */
