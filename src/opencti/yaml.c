/*
 * The config.yml subset parser. The document is first cut into content
 * lines (blank and comment-only lines dropped, indentation measured), then
 * read by recursive descent: a block mapping at one indentation, whose
 * values are scalars, flow lists or a nested block one level deeper.
 */
#include "opencti/yaml.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

struct yaml_line {
    const char *text; /* first non-blank character */
    size_t len;       /* without trailing blanks and the line break */
    int indent;
    int number; /* 1-based */
};

struct yaml_parser {
    struct yaml_line *lines;
    size_t count;
    size_t pos;
    int nodes;
    struct cg_error *err;
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Records one content line; blank and comment-only lines are skipped. */
static enum cg_err add_line(struct yaml_parser *p, const char *start,
                            size_t len, int number, size_t *cap)
{
    size_t indent = 0;
    struct yaml_line *line;

    while (len > 0 && (start[len - 1] == '\r' || is_blank(start[len - 1])))
        len--;
    while (indent < len && start[indent] == ' ')
        indent++;
    if (indent < len && start[indent] == '\t')
        return cg_error_set(p->err, CG_ERR_PARSE,
                            "line %d: tab in indentation; indent with spaces",
                            number);
    if (indent == len || start[indent] == '#')
        return CG_OK;
    if (p->count == *cap) {
        size_t grown = *cap ? *cap * 2 : 64;
        struct yaml_line *lines = realloc(p->lines, grown * sizeof(*lines));

        if (!lines)
            return cg_error_set(p->err, CG_ERR_NOMEM, "out of memory");
        p->lines = lines;
        *cap = grown;
    }
    line = &p->lines[p->count++];
    line->text = start + indent;
    line->len = len - indent;
    line->indent = (int)indent;
    line->number = number;
    return CG_OK;
}

static enum cg_err split_lines(struct yaml_parser *p, const char *text,
                               size_t len)
{
    size_t cap = 0;
    size_t start = 0;
    int number = 1;
    enum cg_err rc = CG_OK;

    if (memchr(text, '\0', len))
        return cg_error_set(p->err, CG_ERR_PARSE,
                            "the document contains a NUL byte");
    for (size_t i = 0; i <= len && rc == CG_OK; i++) {
        if (i < len && text[i] != '\n')
            continue;
        rc = add_line(p, text + start, i - start, number++, &cap);
        start = i + 1;
    }
    return rc;
}

static enum cg_err fail(struct yaml_parser *p, const struct yaml_line *line,
                        const char *what)
{
    return cg_error_set(p->err, CG_ERR_PARSE, "line %d: %s", line->number,
                        what);
}

static enum cg_err count_node(struct yaml_parser *p,
                              const struct yaml_line *line)
{
    if (++p->nodes > CG_YAML_MAX_NODES)
        return cg_error_set(p->err, CG_ERR_TOO_LARGE,
                            "line %d: more than %d keys and list items",
                            line->number, CG_YAML_MAX_NODES);
    return CG_OK;
}

/* True when the rest of s (n bytes) is blank or a comment. */
static bool only_comment(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n && is_blank(s[i]))
        i++;
    return i == n || s[i] == '#';
}

/* Reads a double-quoted scalar starting at s[0] == '"'. */
static enum cg_err read_double(struct yaml_parser *p,
                               const struct yaml_line *line, const char *s,
                               size_t n, struct cg_buf *out, size_t *used)
{
    size_t i = 1;
    enum cg_err rc = CG_OK;

    while (i < n && s[i] != '"' && rc == CG_OK) {
        char c = s[i++];

        if (c == '\\') {
            if (i == n)
                break;
            c = s[i++];
            if (c == 'n')
                c = '\n';
            else if (c == 't')
                c = '\t';
            else if (c == 'r')
                c = '\r';
            else if (c == '0')
                return fail(p, line, "\\0 is not allowed in a string");
            else if (c != '"' && c != '\\' && c != '/')
                return fail(p, line, "unsupported escape in a quoted string");
        }
        rc = cg_buf_putc(out, c);
    }
    if (rc != CG_OK)
        return cg_error_set(p->err, rc, "line %d: %s", line->number,
                            cg_strerror(rc));
    if (i >= n)
        return fail(p, line, "unterminated double-quoted string");
    *used = i + 1;
    return CG_OK;
}

/* Reads a single-quoted scalar starting at s[0] == '\''; '' is a quote. */
static enum cg_err read_single(struct yaml_parser *p,
                               const struct yaml_line *line, const char *s,
                               size_t n, struct cg_buf *out, size_t *used)
{
    size_t i = 1;

    for (;;) {
        if (i >= n)
            return fail(p, line, "unterminated single-quoted string");
        if (s[i] == '\'' && i + 1 < n && s[i + 1] == '\'') {
            if (cg_buf_putc(out, '\'') != CG_OK)
                return cg_error_set(p->err, CG_ERR_NOMEM, "out of memory");
            i += 2;
            continue;
        }
        if (s[i] == '\'')
            break;
        if (cg_buf_putc(out, s[i++]) != CG_OK)
            return cg_error_set(p->err, CG_ERR_NOMEM, "out of memory");
    }
    *used = i + 1;
    return CG_OK;
}

/* Length of a plain scalar: up to a comment, stop characters excluded. */
static size_t plain_length(const char *s, size_t n, const char *stops)
{
    size_t end = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] == '#' && (i == 0 || is_blank(s[i - 1])))
            break;
        if (stops && strchr(stops, s[i]))
            break;
        if (!is_blank(s[i]))
            end = i + 1;
    }
    return end;
}

static bool is_null_word(const char *s, size_t n)
{
    return n == 0 || (n == 1 && s[0] == '~') ||
           (n == 4 && (memcmp(s, "null", 4) == 0 || memcmp(s, "Null", 4) == 0 ||
                       memcmp(s, "NULL", 4) == 0));
}

/*
 * Reads one scalar at s (n bytes, leading blanks removed). stops lists the
 * characters that end a plain scalar (",]" inside a flow list). Sets *used
 * to the bytes consumed.
 */
static enum cg_err read_scalar(struct yaml_parser *p,
                               const struct yaml_line *line, const char *s,
                               size_t n, const char *stops, json_t **out,
                               size_t *used)
{
    struct cg_buf text = CG_BUF_INIT;
    enum cg_err rc = CG_OK;
    size_t len;

    *out = NULL;
    if (n > 0 && (s[0] == '"' || s[0] == '\'')) {
        rc = s[0] == '"' ? read_double(p, line, s, n, &text, used)
                         : read_single(p, line, s, n, &text, used);
        if (rc == CG_OK)
            *out = json_stringn(cg_buf_str(&text), text.len);
        goto out;
    }
    if (n > 0 && strchr("&*!|>{%@`", s[0])) {
        rc = fail(p, line,
                  "anchors, aliases, tags, block scalars and flow "
                  "mappings are not supported");
        goto out;
    }
    len = plain_length(s, n, stops);
    *used = len;
    *out = is_null_word(s, len) ? json_null() : json_stringn(s, len);
out:
    cg_buf_release(&text);
    if (rc == CG_OK && !*out)
        rc = cg_error_set(p->err, CG_ERR_PARSE,
                          "line %d: invalid UTF-8 in a scalar", line->number);
    return rc;
}

/* Reads "[a, b, ...]" starting at s[0] == '['. */
static enum cg_err read_flow_list(struct yaml_parser *p,
                                  const struct yaml_line *line, const char *s,
                                  size_t n, json_t **out)
{
    json_t *list = json_array();
    size_t i = 1;
    enum cg_err rc = CG_OK;

    while (list && rc == CG_OK) {
        json_t *item = NULL;
        size_t used = 0;

        while (i < n && is_blank(s[i]))
            i++;
        if (i < n && s[i] == ']' && json_array_size(list) == 0)
            break;
        if (i < n && s[i] == '[')
            rc = fail(p, line, "nested flow lists are not supported");
        if (rc == CG_OK)
            rc = read_scalar(p, line, s + i, n - i, ",]", &item, &used);
        if (rc == CG_OK)
            rc = count_node(p, line);
        if (rc == CG_OK && json_array_append_new(list, item) != 0)
            rc = cg_error_set(p->err, CG_ERR_NOMEM, "out of memory");
        else if (rc != CG_OK)
            json_decref(item);
        i += used;
        while (i < n && is_blank(s[i]))
            i++;
        if (rc != CG_OK)
            break;
        if (i < n && s[i] == ']')
            break;
        if (i >= n || s[i] != ',') {
            rc = fail(p, line, "expected ',' or ']' in a flow list");
            break;
        }
        i++;
    }
    if (!list)
        return cg_error_set(p->err, CG_ERR_NOMEM, "out of memory");
    if (rc == CG_OK && !only_comment(s + i + 1, n > i ? n - i - 1 : 0))
        rc = fail(p, line, "unexpected text after a flow list");
    if (rc != CG_OK) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return CG_OK;
}

/* Reads the inline value after "key:" or "- ": a scalar or a flow list. */
static enum cg_err read_inline(struct yaml_parser *p,
                               const struct yaml_line *line, const char *s,
                               size_t n, json_t **out)
{
    size_t used = 0;
    enum cg_err rc;

    if (n > 0 && s[0] == '[')
        return read_flow_list(p, line, s, n, out);
    rc = read_scalar(p, line, s, n, NULL, out, &used);
    if (rc == CG_OK && !only_comment(s + used, n - used)) {
        json_decref(*out);
        *out = NULL;
        rc = fail(p, line, "unexpected text after a quoted string");
    }
    return rc;
}

/* True when an unquoted item reads "key: value" (a mapping in a list). */
static bool has_mapping_colon(const char *s, size_t n)
{
    if (s[0] == '"' || s[0] == '\'')
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '#' && i > 0 && is_blank(s[i - 1]))
            return false;
        if (s[i] == ':' && (i + 1 == n || is_blank(s[i + 1])))
            return true;
    }
    return false;
}

static bool is_list_item(const struct yaml_line *line)
{
    return line->text[0] == '-' && (line->len == 1 || line->text[1] == ' ');
}

static enum cg_err parse_mapping(struct yaml_parser *p, int indent, int depth,
                                 json_t *map, json_t *lines);

static enum cg_err parse_list(struct yaml_parser *p, int indent, json_t *list)
{
    enum cg_err rc = CG_OK;

    while (rc == CG_OK && p->pos < p->count) {
        const struct yaml_line *line = &p->lines[p->pos];
        const char *s = line->text + 1;
        size_t n = line->len - 1;
        json_t *item = NULL;

        if (line->indent < indent)
            break;
        if (line->indent > indent)
            return fail(p, line, "unexpected indentation in a list");
        if (!is_list_item(line))
            break;
        while (n > 0 && is_blank(*s)) {
            s++;
            n--;
        }
        if (n == 0 || s[0] == '-' || s[0] == '[' || has_mapping_colon(s, n))
            return fail(p, line,
                        "list items must be scalars; nested lists and lists "
                        "of mappings are not supported");
        rc = count_node(p, line);
        if (rc == CG_OK)
            rc = read_inline(p, line, s, n, &item);
        if (rc == CG_OK && json_array_append_new(list, item) != 0)
            rc = cg_error_set(p->err, CG_ERR_NOMEM, "out of memory");
        p->pos++;
    }
    return rc;
}

/*
 * Reads the block under "key:" with nothing after the colon. When the block
 * is a mapping and key_lines is not NULL, the line of each of its keys goes
 * into key_lines["keys"].
 */
static enum cg_err parse_block(struct yaml_parser *p, int key_indent, int depth,
                               json_t **out, json_t *key_lines)
{
    json_t *lines = NULL;
    const struct yaml_line *next = p->pos < p->count ? &p->lines[p->pos] : NULL;
    enum cg_err rc;

    *out = NULL;
    if (!next || next->indent < key_indent ||
        (next->indent == key_indent && !is_list_item(next))) {
        *out = json_null();
        return CG_OK;
    }
    if (depth >= CG_YAML_MAX_DEPTH)
        return cg_error_set(p->err, CG_ERR_TOO_DEEP,
                            "line %d: nesting deeper than %d levels",
                            next->number, CG_YAML_MAX_DEPTH);
    *out = is_list_item(next) ? json_array() : json_object();
    if (!*out)
        return cg_error_set(p->err, CG_ERR_NOMEM, "out of memory");
    if (!is_list_item(next) && key_lines) {
        lines = json_object();
        if (!lines || json_object_set_new(key_lines, "keys", lines) != 0) {
            json_decref(*out);
            *out = NULL;
            return cg_error_set(p->err, CG_ERR_NOMEM, "out of memory");
        }
    }
    if (is_list_item(next))
        rc = parse_list(p, next->indent, *out);
    else
        rc = parse_mapping(p, next->indent, depth + 1, *out, lines);
    if (rc != CG_OK) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* Reads the key of a "key: value" line; *rest points after the colon. */
static enum cg_err read_key(struct yaml_parser *p, const struct yaml_line *line,
                            char **key, const char **rest, size_t *rest_len)
{
    const char *s = line->text;
    size_t n = line->len;
    size_t end;
    json_t *quoted = NULL;
    size_t used = 0;
    enum cg_err rc;

    *key = NULL;
    if (s[0] == '"' || s[0] == '\'') {
        rc = read_scalar(p, line, s, n, NULL, &quoted, &used);
        if (rc != CG_OK)
            return rc;
        *key = json_is_string(quoted) ? strdup(json_string_value(quoted))
                                      : strdup("");
        json_decref(quoted);
        end = used;
    } else {
        for (end = 0; end < n; end++) {
            if (s[end] == ':' && (end + 1 == n || is_blank(s[end + 1])))
                break;
        }
        if (end == n)
            return fail(p, line, "expected 'key: value'");
        used = end;
        while (used > 0 && is_blank(s[used - 1]))
            used--;
        *key = strndup(s, used);
    }
    if (!*key)
        return cg_error_set(p->err, CG_ERR_NOMEM, "out of memory");
    if (end >= n || s[end] != ':' || (end + 1 < n && !is_blank(s[end + 1]))) {
        free(*key);
        *key = NULL;
        return fail(p, line, "expected ':' after the key");
    }
    end++;
    while (end < n && is_blank(s[end]))
        end++;
    *rest = s + end;
    *rest_len = n - end;
    return CG_OK;
}

/*
 * Records {"line": n} under key in lines, and sets *key_lines to it
 * (borrowed). Does nothing when lines is NULL.
 */
static enum cg_err record_line(struct yaml_parser *p,
                               const struct yaml_line *line, json_t *lines,
                               const char *key, json_t **key_lines)
{
    json_t *entry;

    *key_lines = NULL;
    if (!lines)
        return CG_OK;
    entry = json_pack("{s:i}", "line", line->number);
    if (!entry)
        return cg_error_set(p->err, CG_ERR_NOMEM, "out of memory");
    if (json_object_set_new(lines, key, entry) != 0)
        return cg_error_set(p->err, CG_ERR_PARSE,
                            "line %d: the key is not valid UTF-8",
                            line->number);
    *key_lines = entry;
    return CG_OK;
}

static enum cg_err parse_entry(struct yaml_parser *p, int indent, int depth,
                               json_t *map, json_t *lines)
{
    const struct yaml_line *line = &p->lines[p->pos];
    const char *rest = NULL;
    size_t rest_len = 0;
    char *key = NULL;
    json_t *value = NULL;
    json_t *key_lines = NULL;
    enum cg_err rc = read_key(p, line, &key, &rest, &rest_len);

    if (rc != CG_OK)
        return rc;
    rc = count_node(p, line);
    if (rc == CG_OK && json_object_get(map, key))
        rc = fail(p, line, "duplicate key");
    if (rc == CG_OK)
        rc = record_line(p, line, lines, key, &key_lines);
    p->pos++;
    if (rc == CG_OK && only_comment(rest, rest_len))
        rc = parse_block(p, indent, depth, &value, key_lines);
    else if (rc == CG_OK)
        rc = read_inline(p, line, rest, rest_len, &value);
    if (rc == CG_OK && json_object_set_new(map, key, value) != 0)
        rc = cg_error_set(p->err, CG_ERR_PARSE,
                          "line %d: the key is not valid UTF-8", line->number);
    else if (rc != CG_OK)
        json_decref(value);
    free(key);
    return rc;
}

static enum cg_err parse_mapping(struct yaml_parser *p, int indent, int depth,
                                 json_t *map, json_t *lines)
{
    enum cg_err rc = CG_OK;

    while (rc == CG_OK && p->pos < p->count) {
        const struct yaml_line *line = &p->lines[p->pos];

        if (line->indent < indent)
            break;
        if (line->indent > indent)
            return fail(p, line, "unexpected indentation");
        if (is_list_item(line))
            return fail(p, line, "a list item where a key was expected");
        rc = parse_entry(p, indent, depth, map, lines);
    }
    return rc;
}

/* Drops a leading "---" and stops at "...", the document markers. */
static void trim_markers(struct yaml_parser *p)
{
    if (p->count > 0 && p->lines[0].indent == 0 && p->lines[0].len >= 3 &&
        memcmp(p->lines[0].text, "---", 3) == 0 &&
        only_comment(p->lines[0].text + 3, p->lines[0].len - 3))
        p->pos = 1;
    for (size_t i = p->pos; i < p->count; i++) {
        if (p->lines[i].indent == 0 && p->lines[i].len >= 3 &&
            memcmp(p->lines[i].text, "...", 3) == 0 &&
            only_comment(p->lines[i].text + 3, p->lines[i].len - 3)) {
            p->count = i;
            break;
        }
    }
}

enum cg_err cg_yaml_parse(const char *text, size_t len, json_t **out,
                          struct cg_error *err)
{
    return cg_yaml_parse_lines(text, len, out, NULL, err);
}

enum cg_err cg_yaml_parse_lines(const char *text, size_t len, json_t **out,
                                json_t **lines, struct cg_error *err)
{
    static const char bom[] = "\xEF\xBB\xBF";
    struct yaml_parser p = {.err = err};
    json_t *root = NULL;
    json_t *line_map = NULL;
    enum cg_err rc;

    *out = NULL;
    if (lines)
        *lines = NULL;
    if (len > CG_YAML_MAX_SIZE)
        return cg_error_set(err, CG_ERR_TOO_LARGE,
                            "the document has %zu bytes, more than the %d "
                            "allowed",
                            len, CG_YAML_MAX_SIZE);
    /* Editors on Windows start UTF-8 files with a byte-order mark. */
    if (len >= 3 && memcmp(text, bom, 3) == 0) {
        text += 3;
        len -= 3;
    }
    rc = split_lines(&p, text, len);
    if (rc != CG_OK)
        goto out;
    trim_markers(&p);
    root = json_object();
    line_map = lines ? json_object() : NULL;
    if (!root || (lines && !line_map)) {
        rc = cg_error_set(err, CG_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (p.pos < p.count && p.lines[p.pos].indent != 0) {
        rc = fail(&p, &p.lines[p.pos], "the top level must not be indented");
        goto out;
    }
    rc = parse_mapping(&p, 0, 1, root, line_map);
    if (rc == CG_OK && p.pos < p.count)
        rc = fail(&p, &p.lines[p.pos], "unexpected indentation");
out:
    free(p.lines);
    if (rc != CG_OK) {
        json_decref(root);
        json_decref(line_map);
        return rc;
    }
    *out = root;
    if (lines)
        *lines = line_map;
    return CG_OK;
}
