/*
 * Storage, validation and JSON form of the simulator settings.
 */
#include "settings.h"

#include "core/log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static struct cg_sim_settings current;
static pthread_mutex_t settings_lock = PTHREAD_MUTEX_INITIALIZER;
static char *fixed_key;
static size_t fixed_key_len;

void cg_sim_settings_defaults(struct cg_sim_settings *s)
{
    memset(s, 0, sizeof(*s));
    s->credits = -1;
    s->scan_polls = 3;
}

void cg_sim_settings_init(const struct cg_sim_settings *s)
{
    pthread_mutex_lock(&settings_lock);
    current = *s;
    pthread_mutex_unlock(&settings_lock);
}

void cg_sim_settings_get(struct cg_sim_settings *out)
{
    pthread_mutex_lock(&settings_lock);
    *out = current;
    pthread_mutex_unlock(&settings_lock);
}

bool cg_sim_parse_burst(const char *text, int *count, int *window)
{
    char *end;
    long n;
    long m;

    if (strcasecmp(text, "off") == 0) {
        *count = 0;
        *window = 0;
        return true;
    }
    n = strtol(text, &end, 10);
    if (end == text || *end != ':' || n < 0)
        return false;
    text = end + 1;
    m = strtol(text, &end, 10);
    if (end == text || *end != '\0' || m < 0 || m > CG_SIM_COUNTER_MAX)
        return false;
    if (n > m || (m == 0 && n != 0))
        return false;
    *count = (int)n;
    *window = (int)m;
    return true;
}

static enum cg_err read_bool(const char *key, const json_t *value, bool *out,
                             struct cg_error *err)
{
    if (!json_is_boolean(value))
        return cg_error_set(err, CG_ERR_INVALID,
                            "setting \"%s\" must be true or false", key);
    *out = json_is_true(value);
    return CG_OK;
}

static enum cg_err read_int(const char *key, const json_t *value, long long min,
                            long long max, long long *out, struct cg_error *err)
{
    if (!json_is_integer(value) || json_integer_value(value) < min ||
        json_integer_value(value) > max)
        return cg_error_set(err, CG_ERR_INVALID,
                            "setting \"%s\" must be an integer from %lld to "
                            "%lld",
                            key, min, max);
    *out = json_integer_value(value);
    return CG_OK;
}

/* Applies a boolean or text member. Returns CG_ERR_NOT_FOUND when key is
 * not one of them. */
static enum cg_err apply_flag_member(struct cg_sim_settings *s, const char *key,
                                     const json_t *value, struct cg_error *err)
{
    const char *text = json_string_value(value);

    if (strcmp(key, "invalid_key") == 0)
        return read_bool(key, value, &s->invalid_key, err);
    if (strcmp(key, "null_heavy") == 0)
        return read_bool(key, value, &s->null_heavy, err);
    if (strcmp(key, "errors_in_200") == 0)
        return read_bool(key, value, &s->errors_in_200, err);
    if (strcmp(key, "ipv6") == 0)
        return read_bool(key, value, &s->ipv6, err);
    if (strcmp(key, "early_report") == 0) {
        if (!text || (strcmp(text, "empty") && strcmp(text, "error")))
            return cg_error_set(err, CG_ERR_INVALID,
                                "setting \"early_report\" must be \"empty\" "
                                "or \"error\"");
        s->early_report_error = strcmp(text, "error") == 0;
        return CG_OK;
    }
    if (strcmp(key, "burst_429") == 0) {
        if (json_is_null(value)) {
            s->burst_count = 0;
            s->burst_window = 0;
            return CG_OK;
        }
        if (!text ||
            !cg_sim_parse_burst(text, &s->burst_count, &s->burst_window))
            return cg_error_set(err, CG_ERR_INVALID,
                                "setting \"burst_429\" must be \"N:M\" with "
                                "N <= M, \"off\" or null");
        return CG_OK;
    }
    return CG_ERR_NOT_FOUND;
}

/* Applies one member to s. The caller publishes s only when all pass. */
static enum cg_err apply_member(struct cg_sim_settings *s, const char *key,
                                const json_t *value, struct cg_error *err)
{
    long long number = 0;
    enum cg_err rc = apply_flag_member(s, key, value, err);

    if (rc != CG_ERR_NOT_FOUND)
        return rc;
    if (strcmp(key, "credits") == 0) {
        if (json_is_null(value)) {
            s->credits = -1;
            return CG_OK;
        }
        return read_int(key, value, -1, CG_SIM_COUNTER_MAX, &s->credits, err);
    }
    if (strcmp(key, "concurrency") == 0) {
        rc = read_int(key, value, 0, CG_SIM_COUNTER_MAX, &number, err);
        s->concurrency = (int)number;
    } else if (strcmp(key, "fail_5xx") == 0) {
        rc = read_int(key, value, 0, CG_SIM_COUNTER_MAX, &number, err);
        s->fail_5xx = (int)number;
    } else if (strcmp(key, "latency_ms") == 0) {
        rc = read_int(key, value, 0, CG_SIM_LATENCY_MAX_MS, &number, err);
        s->latency_ms = (int)number;
    } else if (strcmp(key, "scan_polls") == 0) {
        rc = read_int(key, value, 0, CG_SIM_SCAN_POLLS_MAX, &number, err);
        s->scan_polls = (int)number;
    } else {
        rc = cg_error_set(err, CG_ERR_INVALID,
                          "unknown setting \"%.64s\"; GET /_sim/config "
                          "lists the names",
                          key);
    }
    return rc;
}

enum cg_err cg_sim_settings_apply(const json_t *changes, struct cg_error *err)
{
    struct cg_sim_settings next;
    const char *key;
    json_t *value;
    enum cg_err rc = CG_OK;

    if (!json_is_object(changes))
        return cg_error_set(err, CG_ERR_INVALID,
                            "the settings body must be a JSON object");
    pthread_mutex_lock(&settings_lock);
    next = current;
    json_object_foreach((json_t *)changes, key, value)
    {
        rc = apply_member(&next, key, value, err);
        if (rc != CG_OK)
            break;
    }
    if (rc == CG_OK)
        current = next;
    pthread_mutex_unlock(&settings_lock);
    return rc;
}

json_t *cg_sim_settings_to_json(const struct cg_sim_settings *s)
{
    json_t *obj = json_object();
    char burst[32];

    snprintf(burst, sizeof(burst), "%d:%d", s->burst_count, s->burst_window);
    json_object_set_new(obj, "invalid_key", json_boolean(s->invalid_key));
    json_object_set_new(obj, "credits",
                        s->credits < 0 ? json_null()
                                       : json_integer(s->credits));
    json_object_set_new(obj, "concurrency", json_integer(s->concurrency));
    json_object_set_new(obj, "fail_5xx", json_integer(s->fail_5xx));
    json_object_set_new(obj, "burst_429",
                        s->burst_window ? json_string(burst) : json_null());
    json_object_set_new(obj, "latency_ms", json_integer(s->latency_ms));
    json_object_set_new(obj, "null_heavy", json_boolean(s->null_heavy));
    json_object_set_new(obj, "scan_polls", json_integer(s->scan_polls));
    json_object_set_new(obj, "errors_in_200", json_boolean(s->errors_in_200));
    json_object_set_new(obj, "ipv6", json_boolean(s->ipv6));
    json_object_set_new(obj, "early_report",
                        json_string(s->early_report_error ? "error" : "empty"));
    json_object_set_new(obj, "key_fixed", json_boolean(fixed_key != NULL));
    return obj;
}

void cg_sim_key_set(const char *key)
{
    free(fixed_key);
    fixed_key = NULL;
    fixed_key_len = 0;
    if (!key)
        return;
    fixed_key = strdup(key);
    if (fixed_key) {
        fixed_key_len = strlen(fixed_key);
        cg_log_add_secret(fixed_key);
    }
}

bool cg_sim_key_accepts(const char *key, size_t len)
{
    unsigned char difference = 0;

    if (!key || len == 0)
        return false;
    if (!fixed_key)
        return true;
    if (len != fixed_key_len)
        return false;
    /* Compare every byte so the time taken does not reveal the prefix. */
    for (size_t i = 0; i < len; i++)
        difference |= (unsigned char)(key[i] ^ fixed_key[i]);
    return difference == 0;
}

bool cg_sim_key_is_fixed(void)
{
    return fixed_key != NULL;
}

void cg_sim_key_release(void)
{
    free(fixed_key);
    fixed_key = NULL;
    fixed_key_len = 0;
}
