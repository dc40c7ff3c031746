/*
 * Small builders shared by the simulator's body generators: Criminal IP's
 * "YYYY-MM-DD HH:MM:SS" time text, score words and jansson setters that turn
 * a NULL or non-UTF-8 string into JSON null instead of dropping the key.
 */
#ifndef CG_SIM_TEXT_H
#define CG_SIM_TEXT_H

#include "core/clock.h"

#include <jansson.h>

/* Criminal IP's five score levels, from Safe (0) to Critical (4). */
enum cg_sim_score {
    CG_SIM_SAFE,
    CG_SIM_LOW,
    CG_SIM_MODERATE,
    CG_SIM_DANGEROUS,
    CG_SIM_CRITICAL
};

/* Writes t as "2024-07-24 07:14:23" (UTC), the API's time format. */
void cg_sim_format_time(int64_t t, char out[CG_TIME_TEXT_SIZE]);

/*
 * Returns the score word: "Safe" ... "Critical" when capitalised, else
 * "safe" ... "critical". Levels outside 0-4 are clamped.
 */
const char *cg_sim_score_word(int level, bool capitalised);

/*
 * Parses a score word in any case into *level. Returns false for anything
 * other than the five words.
 */
bool cg_sim_score_parse(const char *word, int *level);

/* Returns a new JSON string, or JSON null for NULL or invalid UTF-8. */
json_t *cg_sim_json_text(const char *text);

/* Set obj[key]; each setter takes a plain C value. */
void cg_sim_set_text(json_t *obj, const char *key, const char *text);
void cg_sim_set_int(json_t *obj, const char *key, long long value);
void cg_sim_set_real(json_t *obj, const char *key, double value);
void cg_sim_set_bool(json_t *obj, const char *key, bool value);
void cg_sim_set_time(json_t *obj, const char *key, int64_t t);
void cg_sim_set_date(json_t *obj, const char *key, int64_t t);

/*
 * Returns a new {"count": count, "data": rows} section. Takes ownership of
 * rows, which must be an array.
 */
json_t *cg_sim_section(json_t *rows, long long count);

/* Returns a new {"status": 200, "message": "api success", "data": data}. */
json_t *cg_sim_envelope(json_t *data);

#endif /* CG_SIM_TEXT_H */
