/*
 * The check of config.yml's sections and keys, with a did-you-mean: a
 * misspelt key would otherwise be ignored and its setting left at the
 * default (a misspelt max_tlp leaves TLP:AMBER).
 */
#include "opencti/config_keys.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/*
 * Keys that pycti's OpenCTIConnectorHelper reads (6.8, or older versions
 * where noted) and cipgraph accepts and ignores. docs/CONNECTOR.md lists
 * what cipgraph does instead.
 */
static const char *const ignored_paths[] = {
    "opencti.ssl_verify", /* cipgraph always verifies the certificate */
    "opencti.json_logging",
    "opencti.custom_headers",
    "connector.confidence_level",     /* pycti before 6.0 */
    "connector.update_existing_data", /* pycti 5 */
    "connector.run_and_terminate",
    "connector.validate_before_import",
    "connector.queue_threshold",
    "connector.duration_period",
    "connector.send_to_queue",
    "connector.send_to_directory",
    "connector.send_to_directory_path",
    "connector.send_to_directory_retention",
    "connector.expose_metrics",
    "connector.metrics_namespace",
    "connector.metrics_subsystem",
    "connector.metrics_port",
    "connector.listen_protocol_api_ssl_key",
    "connector.listen_protocol_api_ssl_cert",
    "connector.listen_protocol_api_ssl_passphrase",
};

/* Maximum length of a key that the did-you-mean compares, in bytes. */
#define NAME_MAX_LEN 64

/* Splits a dotted path at its first dot; returns false without one. */
static bool split_path(const char *path, size_t *section_len, const char **key)
{
    const char *dot = strchr(path, '.');

    if (!dot)
        return false;
    *section_len = (size_t)(dot - path);
    *key = dot + 1;
    return true;
}

static bool path_matches(const char *path, const char *section, const char *key)
{
    size_t section_len;
    const char *path_key;

    return split_path(path, &section_len, &path_key) &&
           strlen(section) == section_len &&
           strncmp(path, section, section_len) == 0 &&
           (!key || strcmp(path_key, key) == 0);
}

/* The i-th accepted path: the settings' paths, then the ignored ones. */
static const char *accepted_path(const char *const *paths, size_t count,
                                 size_t i)
{
    if (i < count)
        return paths[i];
    if (i - count < CG_ARRAY_LEN(ignored_paths))
        return ignored_paths[i - count];
    return NULL;
}

/* Returns whether section.key is accepted, or with key NULL the section. */
static bool is_accepted(const char *const *paths, size_t count,
                        const char *section, const char *key)
{
    const char *path;

    for (size_t i = 0; (path = accepted_path(paths, count, i)); i++) {
        if (path_matches(path, section, key))
            return true;
    }
    return false;
}

/*
 * Returns the optimal string alignment distance between a and b, ignoring
 * case: the edits (insert, delete, replace, swap two neighbours) that turn
 * one into the other. Names longer than NAME_MAX_LEN count as far apart.
 */
static size_t edit_distance(const char *a, size_t a_len, const char *b,
                            size_t b_len)
{
    size_t rows[3][NAME_MAX_LEN + 1];
    size_t *before = rows[0], *previous = rows[1], *current = rows[2];

    if (a_len > NAME_MAX_LEN || b_len > NAME_MAX_LEN)
        return NAME_MAX_LEN;
    for (size_t j = 0; j <= b_len; j++)
        previous[j] = j;
    for (size_t i = 1; i <= a_len; i++) {
        int ca = tolower((unsigned char)a[i - 1]);
        size_t *spare = before;

        current[0] = i;
        for (size_t j = 1; j <= b_len; j++) {
            int cb = tolower((unsigned char)b[j - 1]);
            size_t best = previous[j - 1] + (ca != cb);

            if (previous[j] + 1 < best)
                best = previous[j] + 1;
            if (current[j - 1] + 1 < best)
                best = current[j - 1] + 1;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb &&
                before[j - 2] + 1 < best)
                best = before[j - 2] + 1;
            current[j] = best;
        }
        before = previous;
        previous = current;
        current = spare;
    }
    return previous[b_len];
}

/*
 * Copies into out the accepted section (section NULL) or key of section
 * closest to name, and returns whether one is close enough to suggest:
 * one edit for names under 5 bytes, else two.
 */
static bool find_closest(const char *const *paths, size_t count,
                         const char *section, const char *name, char *out,
                         size_t size)
{
    size_t name_len = strlen(name);
    size_t limit = name_len < 5 ? 1 : 2;
    size_t best = limit + 1;
    const char *path;

    for (size_t i = 0; (path = accepted_path(paths, count, i)); i++) {
        size_t section_len;
        const char *key;
        const char *candidate;
        size_t candidate_len;
        size_t distance;

        if (!split_path(path, &section_len, &key))
            continue;
        if (section && !path_matches(path, section, NULL))
            continue;
        candidate = section ? key : path;
        candidate_len = section ? strlen(key) : section_len;
        distance = edit_distance(name, name_len, candidate, candidate_len);
        if (distance < best) {
            best = distance;
            snprintf(out, size, "%.*s", (int)candidate_len, candidate);
        }
    }
    return best <= limit;
}

/* Copies a key for a message, with bytes that are not printable as '?'. */
static void printable(const char *text, char *out, size_t size)
{
    size_t i = 0;

    for (; text[i] && i + 1 < size; i++) {
        unsigned char c = (unsigned char)text[i];

        out[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    out[i] = '\0';
}

/* Writes "FILE: line N: " (or "FILE: " without a line) into out. */
static void locate(const char *source, int line, char *out, size_t size)
{
    if (line > 0)
        snprintf(out, size, "%s: line %d: ", source, line);
    else
        snprintf(out, size, "%s: ", source);
}

/* Lists the accepted sections, "opencti, connector, ...", into out. */
static void list_sections(const char *const *paths, size_t count, char *out,
                          size_t size)
{
    const char *path;
    size_t used = 0;

    out[0] = '\0';
    for (size_t i = 0; (path = accepted_path(paths, count, i)); i++) {
        size_t section_len;
        const char *key;
        bool seen = false;

        if (!split_path(path, &section_len, &key))
            continue;
        for (size_t j = 0; j < i && !seen; j++) {
            const char *earlier = accepted_path(paths, count, j);
            size_t earlier_len;
            const char *earlier_key;

            seen = split_path(earlier, &earlier_len, &earlier_key) &&
                   earlier_len == section_len &&
                   strncmp(earlier, path, section_len) == 0;
        }
        if (!seen && used < size)
            used += (size_t)snprintf(out + used, size - used, "%s%.*s",
                                     used ? ", " : "", (int)section_len, path);
    }
}

static enum cg_err unknown_section(const char *const *paths, size_t count,
                                   const char *source, int line,
                                   const char *name, struct cg_error *err)
{
    char where[160];
    char shown[NAME_MAX_LEN + 1];
    char closest[NAME_MAX_LEN + 1];
    char sections[160];
    size_t section_len;
    const char *key;

    locate(source, line, where, sizeof(where));
    printable(name, shown, sizeof(shown));
    list_sections(paths, count, sections, sizeof(sections));
    if (split_path(name, &section_len, &key)) {
        char section[NAME_MAX_LEN + 1];

        snprintf(section, sizeof(section), "%.*s", (int)section_len, name);
        if (is_accepted(paths, count, section, key))
            return cg_error_set(err, CG_ERR_CONFIG,
                                "%sunknown section '%s': write it as a "
                                "nested mapping, '%s:' with '%s' indented "
                                "on the next line",
                                where, shown, section, key);
    }
    if (find_closest(paths, count, NULL, name, closest, sizeof(closest)))
        return cg_error_set(err, CG_ERR_CONFIG,
                            "%sunknown section '%s' (did you mean '%s'?)",
                            where, shown, closest);
    return cg_error_set(err, CG_ERR_CONFIG,
                        "%sunknown section '%s'; the sections are %s", where,
                        shown, sections);
}

static enum cg_err unknown_key(const char *const *paths, size_t count,
                               const char *source, int line,
                               const char *section, const char *name,
                               struct cg_error *err)
{
    char where[160];
    char shown[NAME_MAX_LEN + 1];
    char closest[NAME_MAX_LEN + 1];

    locate(source, line, where, sizeof(where));
    printable(name, shown, sizeof(shown));
    if (find_closest(paths, count, section, name, closest, sizeof(closest)))
        return cg_error_set(err, CG_ERR_CONFIG,
                            "%sunknown key '%s' in section '%s' (did you mean "
                            "'%s'?)",
                            where, shown, section, closest);
    return cg_error_set(err, CG_ERR_CONFIG,
                        "%sunknown key '%s' in section '%s'; "
                        "docs/CONNECTOR.md lists the accepted keys",
                        where, shown, section);
}

static int line_of(const json_t *key_lines)
{
    return (int)json_integer_value(json_object_get(key_lines, "line"));
}

/* Checks the keys of one accepted section. */
static enum cg_err check_section(const char *const *paths, size_t count,
                                 const char *source, const char *section,
                                 const json_t *value,
                                 const json_t *section_lines,
                                 struct cg_error *err)
{
    const json_t *key_lines = json_object_get(section_lines, "keys");
    const char *key;
    json_t *item;

    if (json_is_null(value))
        return CG_OK;
    if (!json_is_object(value)) {
        char where[160];

        locate(source, line_of(section_lines), where, sizeof(where));
        return cg_error_set(err, CG_ERR_CONFIG,
                            "%ssection '%s' must be a mapping of keys, not a "
                            "single value or a list",
                            where, section);
    }
    json_object_foreach((json_t *)value, key, item) {
        if (!is_accepted(paths, count, section, key))
            return unknown_key(paths, count, source,
                               line_of(json_object_get(key_lines, key)),
                               section, key, err);
    }
    return CG_OK;
}

enum cg_err cg_octi_check_keys(const json_t *yaml, const json_t *lines,
                               const char *source, const char *const *paths,
                               size_t count, struct cg_error *err)
{
    const char *section;
    json_t *value;
    enum cg_err rc = CG_OK;

    if (!source)
        source = "config.yml";
    json_object_foreach((json_t *)yaml, section, value) {
        const json_t *section_lines = json_object_get(lines, section);

        if (is_accepted(paths, count, section, NULL))
            rc = check_section(paths, count, source, section, value,
                               section_lines, err);
        else
            rc = unknown_section(paths, count, source, line_of(section_lines),
                                 section, err);
        if (rc != CG_OK)
            return rc;
    }
    return CG_OK;
}

int cg_octi_key_line(const json_t *lines, const char *path)
{
    char section[NAME_MAX_LEN + 1];
    size_t section_len;
    const char *key;
    const json_t *section_lines;

    if (!lines || !split_path(path, &section_len, &key) ||
        section_len > NAME_MAX_LEN)
        return 0;
    memcpy(section, path, section_len);
    section[section_len] = '\0';
    section_lines = json_object_get(lines, section);
    return line_of(
        json_object_get(json_object_get(section_lines, "keys"), key));
}
