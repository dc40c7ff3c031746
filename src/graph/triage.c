/*
 * The triage model's weights: the built-in defaults, the JSON
 * configuration file that overrides them (config/triage.json lists every
 * key, docs/TRIAGE.md explains them) and its validation, which names the
 * file, the key and the reason of every rejected value.
 */
#include "graph/triage_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"

const char *const cg_triage_words[CG_TRIAGE_WORDS] = {"Safe", "Low", "Moderate",
                                                      "Dangerous", "Critical"};

/* Largest configuration file accepted, in bytes. */
#define TRIAGE_CONFIG_MAX (1024 * 1024)
/* Every point value must lie in 0..POINTS_MAX. Negative points are
 * rejected because ranking stops early on the assumption that freshness
 * can only lower a priority. */
#define POINTS_MAX 1000.0

static const struct cg_triage_label_weight default_labels[] = {
    {"c2", 25},
    {"scanner", 6},
    {"ids-alert", 6},
    {"honeypot-hit", 6},
    {"scanning", 4},
    {"snort", 4},
    {"tor", 8},
    {"darkweb", 8},
    {"anonymous-vpn", 6},
    {"vpn", 4},
    {"proxy", 4},
    {"phishing", 10},
    {"credential-harvesting", 12},
    {"impersonation", 8},
    {"dga", 6},
    {"newborn-domain", 4},
    {"suspicious-file", 4},
};

void cg_triage_weights_default(struct cg_triage_weights *w)
{
    static const double inbound[CG_TRIAGE_WORDS] = {0, 2, 5, 12, 18};
    static const double outbound[CG_TRIAGE_WORDS] = {0, 8, 16, 30, 40};

    memset(w, 0, sizeof(*w));
    memcpy(w->inbound, inbound, sizeof(inbound));
    memcpy(w->outbound, outbound, sizeof(outbound));
    w->malicious = 10;
    memcpy(w->labels, default_labels, sizeof(default_labels));
    w->label_count = CG_ARRAY_LEN(default_labels);
    w->cvss_threshold = 9.0;
    w->per_high_cve = 5;
    w->per_exploit = 8;
    w->exposure_max = 25;
    w->phishing_max = 30;
    w->half_life_days = 30;
    w->freshness_floor = 0.2;
}

void cg_triage_weights_free(struct cg_triage_weights *weights)
{
    free(weights);
}

/* The file the loader names in its errors. */
struct config_ctx {
    const char *path;
    struct cg_error *err;
};

static enum cg_err reject(const struct config_ctx *c, const char *key,
                          const char *reason)
{
    return cg_error_set(c->err, CG_ERR_CONFIG,
                        "invalid triage configuration '%s': key '%s': %s",
                        c->path, key, reason);
}

static const char *json_kind(const json_t *value)
{
    switch (json_typeof(value)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    default:
        return "a number";
    }
}

/* Reads a number in min..max into *out. */
static enum cg_err read_number(const struct config_ctx *c, const char *key,
                               const json_t *value, double min, double max,
                               double *out)
{
    char reason[128];
    double number;

    if (!json_is_number(value)) {
        snprintf(reason, sizeof(reason),
                 "expected a number from %g to %g, "
                 "got %s",
                 min, max, json_kind(value));
        return reject(c, key, reason);
    }
    number = json_number_value(value);
    if (!isfinite(number) || number < min || number > max) {
        snprintf(reason, sizeof(reason),
                 "expected a number from %g to %g, got %g", min, max, number);
        return reject(c, key, reason);
    }
    *out = number;
    return CG_OK;
}

static enum cg_err expect_object(const struct config_ctx *c, const char *key,
                                 const json_t *value)
{
    char reason[64];

    if (json_is_object(value))
        return CG_OK;
    snprintf(reason, sizeof(reason), "expected an object, got %s",
             json_kind(value));
    return reject(c, key, reason);
}

static enum cg_err unknown_key(const struct config_ctx *c, const char *key,
                               const char *allowed)
{
    char reason[256];

    snprintf(reason, sizeof(reason), "unknown key; expected one of %s",
             allowed);
    return reject(c, key, reason);
}

/* Reads "inbound" or "outbound": score word -> points. */
static enum cg_err read_words(const struct config_ctx *c, const char *section,
                              const json_t *obj, double points[])
{
    const char *word;
    json_t *value;
    char key[96];
    enum cg_err rc = expect_object(c, section, obj);

    json_object_foreach((json_t *)obj, word, value) {
        size_t i = 0;

        if (rc != CG_OK)
            break;
        snprintf(key, sizeof(key), "%s.%s", section, word);
        while (i < CG_TRIAGE_WORDS && strcmp(word, cg_triage_words[i]) != 0)
            i++;
        if (i == CG_TRIAGE_WORDS)
            return unknown_key(c, key,
                               "Safe, Low, Moderate, Dangerous, "
                               "Critical");
        rc = read_number(c, key, value, 0, POINTS_MAX, &points[i]);
    }
    return rc;
}

/* Sets the weight of one label, adding it when new. */
static enum cg_err set_label(const struct config_ctx *c, const char *key,
                             struct cg_triage_weights *w, const char *name,
                             double points)
{
    size_t i;

    if (!*name || strlen(name) >= CG_TRIAGE_LABEL_SIZE)
        return reject(c, key, "a label name must have 1 to 47 bytes");
    for (i = 0; i < w->label_count; i++) {
        if (strcmp(w->labels[i].name, name) == 0)
            break;
    }
    if (i == w->label_count) {
        if (w->label_count == CG_TRIAGE_MAX_LABELS)
            return reject(c, key, "too many labels; at most 64 are allowed");
        snprintf(w->labels[i].name, CG_TRIAGE_LABEL_SIZE, "%s", name);
        w->label_count++;
    }
    w->labels[i].points = points;
    return CG_OK;
}

static enum cg_err read_labels(const struct config_ctx *c, const json_t *obj,
                               struct cg_triage_weights *w)
{
    const char *name;
    json_t *value;
    char key[96];
    enum cg_err rc = expect_object(c, "labels", obj);

    json_object_foreach((json_t *)obj, name, value) {
        double points;

        if (rc != CG_OK)
            break;
        snprintf(key, sizeof(key), "labels.%s", name);
        rc = read_number(c, key, value, 0, POINTS_MAX, &points);
        if (rc == CG_OK)
            rc = set_label(c, key, w, name, points);
    }
    return rc;
}

/* One numeric key of a fixed section, with its range. */
struct number_key {
    const char *name;
    double min;
    double max;
    size_t offset; /* of the double in struct cg_triage_weights */
};

static enum cg_err read_section(const struct config_ctx *c, const char *section,
                                const json_t *obj,
                                const struct number_key *keys, size_t count,
                                const char *allowed,
                                struct cg_triage_weights *w)
{
    const char *name;
    json_t *value;
    char key[96];
    enum cg_err rc = expect_object(c, section, obj);

    json_object_foreach((json_t *)obj, name, value) {
        size_t i = 0;

        if (rc != CG_OK)
            break;
        snprintf(key, sizeof(key), "%s.%s", section, name);
        while (i < count && strcmp(name, keys[i].name) != 0)
            i++;
        if (i == count)
            return unknown_key(c, key, allowed);
        rc = read_number(c, key, value, keys[i].min, keys[i].max,
                         (double *)((char *)w + keys[i].offset));
    }
    return rc;
}

#define WEIGHT(field) offsetof(struct cg_triage_weights, field)

static const struct number_key exposure_keys[] = {
    {"cvss_threshold", 0, 10, WEIGHT(cvss_threshold)},
    {"points_per_high_cve", 0, POINTS_MAX, WEIGHT(per_high_cve)},
    {"points_per_exploit", 0, POINTS_MAX, WEIGHT(per_exploit)},
    {"max_points", 0, POINTS_MAX, WEIGHT(exposure_max)},
};
static const struct number_key phishing_keys[] = {
    {"max_points", 0, POINTS_MAX, WEIGHT(phishing_max)},
};
static const struct number_key freshness_keys[] = {
    {"half_life_days", 0, 36500, WEIGHT(half_life_days)},
    {"floor", 0, 1, WEIGHT(freshness_floor)},
};

/* Applies one top-level key of the configuration. */
static enum cg_err read_top_key(const struct config_ctx *c, const char *name,
                                const json_t *value,
                                struct cg_triage_weights *w)
{
    if (strcmp(name, "comment") == 0)
        return json_is_string(value) ? CG_OK
                                     : reject(c, name, "expected a string");
    if (strcmp(name, "inbound") == 0)
        return read_words(c, name, value, w->inbound);
    if (strcmp(name, "outbound") == 0)
        return read_words(c, name, value, w->outbound);
    if (strcmp(name, "malicious") == 0)
        return read_number(c, name, value, 0, POINTS_MAX, &w->malicious);
    if (strcmp(name, "labels") == 0)
        return read_labels(c, value, w);
    if (strcmp(name, "exposure") == 0)
        return read_section(c, name, value, exposure_keys,
                            CG_ARRAY_LEN(exposure_keys),
                            "cvss_threshold, points_per_high_cve, "
                            "points_per_exploit, max_points",
                            w);
    if (strcmp(name, "phishing") == 0)
        return read_section(c, name, value, phishing_keys,
                            CG_ARRAY_LEN(phishing_keys), "max_points", w);
    if (strcmp(name, "freshness") == 0)
        return read_section(c, name, value, freshness_keys,
                            CG_ARRAY_LEN(freshness_keys),
                            "half_life_days, floor", w);
    return unknown_key(c, name,
                       "comment, inbound, outbound, malicious, "
                       "labels, exposure, phishing, freshness");
}

/* Reads the whole file at path into a new string (free with free()). */
static enum cg_err read_file(const char *path, char **text, size_t *len,
                             struct cg_error *err)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n;

    if (!f)
        return cg_error_set(err, CG_ERR_CONFIG,
                            "cannot read triage configuration '%s': %s", path,
                            strerror(errno));
    buf = malloc(TRIAGE_CONFIG_MAX + 1);
    if (!buf) {
        fclose(f);
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    }
    n = fread(buf, 1, TRIAGE_CONFIG_MAX + 1, f);
    fclose(f);
    if (n > TRIAGE_CONFIG_MAX) {
        free(buf);
        return cg_error_set(err, CG_ERR_CONFIG,
                            "invalid triage configuration '%s': larger than "
                            "%d bytes",
                            path, TRIAGE_CONFIG_MAX);
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return CG_OK;
}

static enum cg_err load_file(const char *path, struct cg_triage_weights *w,
                             struct cg_error *err)
{
    struct config_ctx c = {path, err};
    struct cg_error parse_err;
    json_t *doc = NULL;
    char *text = NULL;
    size_t len = 0;
    const char *name;
    json_t *value;
    enum cg_err rc = read_file(path, &text, &len, err);

    if (rc != CG_OK)
        return rc;
    if (cg_json_parse(text, len, TRIAGE_CONFIG_MAX, &doc, &parse_err) !=
        CG_OK) {
        rc = cg_error_set(err, CG_ERR_CONFIG,
                          "invalid triage configuration '%s': %s", path,
                          cg_error_text(&parse_err));
        goto out;
    }
    if (!json_is_object(doc)) {
        rc = cg_error_set(err, CG_ERR_CONFIG,
                          "invalid triage configuration '%s': the document "
                          "must be a JSON object, got %s",
                          path, json_kind(doc));
        goto out;
    }
    json_object_foreach(doc, name, value) {
        rc = read_top_key(&c, name, value, w);
        if (rc != CG_OK)
            break;
    }
out:
    json_decref(doc);
    free(text);
    return rc;
}

enum cg_err cg_triage_weights_load(const char *path,
                                   struct cg_triage_weights **out,
                                   struct cg_error *err)
{
    struct cg_triage_weights *w = calloc(1, sizeof(*w));
    enum cg_err rc = CG_OK;

    *out = NULL;
    if (!w)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    cg_triage_weights_default(w);
    if (!path || !*path)
        path = getenv("CIPGRAPH_TRIAGE_CONFIG");
    if (path && *path)
        rc = load_file(path, w, err);
    if (rc != CG_OK) {
        free(w);
        return rc;
    }
    *out = w;
    return CG_OK;
}

static json_t *words_to_json(const double points[])
{
    json_t *obj = json_object();

    for (size_t i = 0; obj && i < CG_TRIAGE_WORDS; i++)
        json_object_set_new(obj, cg_triage_words[i], json_real(points[i]));
    return obj;
}

json_t *cg_triage_weights_to_json(const struct cg_triage_weights *w)
{
    json_t *labels = json_object();

    for (size_t i = 0; labels && i < w->label_count; i++)
        json_object_set_new(labels, w->labels[i].name,
                            json_real(w->labels[i].points));
    return json_pack(
        "{so so sf so s{sf sf sf sf} s{sf} s{sf sf}}", "inbound",
        words_to_json(w->inbound), "outbound", words_to_json(w->outbound),
        "malicious", w->malicious, "labels", labels, "exposure",
        "cvss_threshold", w->cvss_threshold, "points_per_high_cve",
        w->per_high_cve, "points_per_exploit", w->per_exploit, "max_points",
        w->exposure_max, "phishing", "max_points", w->phishing_max, "freshness",
        "half_life_days", w->half_life_days, "floor", w->freshness_floor);
}
