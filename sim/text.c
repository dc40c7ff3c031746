/*
 * Time text, score words and tolerant jansson setters for the simulator.
 */
#include "text.h"

#include <string.h>
#include <strings.h>

static const char *const capitalised_words[] = {"Safe", "Low", "Moderate",
                                                "Dangerous", "Critical"};
static const char *const lower_words[] = {"safe", "low", "moderate",
                                          "dangerous", "critical"};

void cg_sim_format_time(int64_t t, char out[CG_TIME_TEXT_SIZE])
{
    char stix[CG_TIME_TEXT_SIZE];

    /* Keep the first 19 characters of the STIX form
     * "2024-07-24T07:14:23.000Z" and replace the 'T'. */
    cg_time_format(t, stix);
    memcpy(out, stix, 19);
    out[10] = ' ';
    out[19] = '\0';
}

const char *cg_sim_score_word(int level, bool capitalised)
{
    if (level < CG_SIM_SAFE)
        level = CG_SIM_SAFE;
    if (level > CG_SIM_CRITICAL)
        level = CG_SIM_CRITICAL;
    return capitalised ? capitalised_words[level] : lower_words[level];
}

bool cg_sim_score_parse(const char *word, int *level)
{
    for (int i = 0; i < (int)CG_ARRAY_LEN(lower_words); i++) {
        if (strcasecmp(word, lower_words[i]) == 0) {
            *level = i;
            return true;
        }
    }
    return false;
}

json_t *cg_sim_json_text(const char *text)
{
    json_t *value;

    if (!text)
        return json_null();
    value = json_string(text);
    return value ? value : json_null();
}

void cg_sim_set_text(json_t *obj, const char *key, const char *text)
{
    json_object_set_new(obj, key, cg_sim_json_text(text));
}

void cg_sim_set_int(json_t *obj, const char *key, long long value)
{
    json_object_set_new(obj, key, json_integer(value));
}

void cg_sim_set_real(json_t *obj, const char *key, double value)
{
    json_object_set_new(obj, key, json_real(value));
}

void cg_sim_set_bool(json_t *obj, const char *key, bool value)
{
    json_object_set_new(obj, key, json_boolean(value));
}

void cg_sim_set_time(json_t *obj, const char *key, int64_t t)
{
    char text[CG_TIME_TEXT_SIZE];

    cg_sim_format_time(t, text);
    cg_sim_set_text(obj, key, text);
}

void cg_sim_set_date(json_t *obj, const char *key, int64_t t)
{
    char text[CG_TIME_TEXT_SIZE];

    cg_time_format_date(t, text);
    cg_sim_set_text(obj, key, text);
}

json_t *cg_sim_section(json_t *rows, long long count)
{
    json_t *section = json_object();

    json_object_set_new(section, "count", json_integer(count));
    json_object_set_new(section, "data", rows);
    return section;
}

json_t *cg_sim_envelope(json_t *data)
{
    json_t *body = json_object();

    json_object_set_new(body, "status", json_integer(200));
    json_object_set_new(body, "message", json_string("api success"));
    json_object_set_new(body, "data", data);
    return body;
}
