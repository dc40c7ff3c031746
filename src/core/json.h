/*
 * Tolerant readers over jansson values for outside JSON (API responses,
 * STIX bundles, queue messages). Every scalar may be null or missing, and
 * numbers may arrive as strings, so each accessor says whether it found a
 * usable value instead of assuming a type.
 */
#ifndef CG_CORE_JSON_H
#define CG_CORE_JSON_H

#include <jansson.h>

#include "core/err.h"

/* Largest nesting depth accepted by cg_json_parse. */
#define CG_JSON_MAX_DEPTH 64

/*
 * Parses len bytes of text into *out (a new reference; caller frees with
 * json_decref). Fails with CG_ERR_TOO_LARGE above max_len bytes (0: no
 * limit), CG_ERR_TOO_DEEP above CG_JSON_MAX_DEPTH levels and CG_ERR_PARSE
 * on invalid JSON, naming the line and column in err.
 */
enum cg_err cg_json_parse(const char *text, size_t len, size_t max_len,
                          json_t **out, struct cg_error *err) CG_WARN_UNUSED;

/* Returns the nesting depth of the JSON text, stopping once it passes max. */
int cg_json_depth(const char *text, size_t len, int max);

/*
 * Returns obj[key] as a string, or NULL when obj is not an object, the key
 * is missing, the value is null or not a string, or the string is empty.
 * Borrowed: valid while obj lives.
 */
const char *cg_json_str(const json_t *obj, const char *key);

/*
 * Reads an integer from an integer, an integral real or a decimal string
 * (surrounding blanks allowed). Returns false for anything else.
 */
bool cg_json_to_int(const json_t *value, long long *out);

/* Reads a finite number from a real, an integer or a numeric string. */
bool cg_json_to_real(const json_t *value, double *out);

/*
 * Reads a boolean from true/false, the strings "true"/"false" in any case,
 * or the integers 0 and 1.
 */
bool cg_json_to_bool(const json_t *value, bool *out);

/* The same three readers applied to obj[key]. */
bool cg_json_int(const json_t *obj, const char *key, long long *out);
bool cg_json_real(const json_t *obj, const char *key, double *out);
bool cg_json_bool(const json_t *obj, const char *key, bool *out);

/* Returns true when obj[key] is a boolean true or a "true" string. */
bool cg_json_is_true(const json_t *obj, const char *key);

/*
 * Returns the rows of a Criminal IP section: obj[key].data when obj[key] is
 * {count, data[]}, obj[key] itself when it is an array, else NULL.
 */
json_t *cg_json_rows(const json_t *obj, const char *key);

/* Returns obj[key] when it is an object, else NULL. */
json_t *cg_json_obj(const json_t *obj, const char *key);

/* Returns obj[key] when it is an array, else NULL. */
json_t *cg_json_arr(const json_t *obj, const char *key);

#endif /* CG_CORE_JSON_H */
