/*
 * The streaming splitter: walks the input bytes, tracking strings, escapes
 * and nesting depth, to find where each element of a bundle's "objects"
 * array (or each top-level value) starts and ends. Only the current
 * element is buffered, so a 1 GB bundle needs memory for its largest
 * object, not for the file. JSON syntax inside an element is left to the
 * parser that receives it.
 */
#include "stix/import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

/* Position of the splitter in the document's top-level structure. */
enum place {
    P_TOP,           /* between top-level values */
    P_KEY_OR_END,    /* in a top-level object, before a key or '}' */
    P_KEY,           /* inside a key of the top-level object */
    P_COLON,         /* after such a key */
    P_VALUE_START,   /* after the ':' */
    P_VALUE,         /* inside a top-level object's value (not "objects") */
    P_AFTER_VALUE,   /* after that value: ',' or '}' */
    P_ELEMENT_START, /* in an array of elements, before one or ']' */
    P_ELEMENT,       /* inside an element */
    P_AFTER_ELEMENT  /* after an element: ',' or ']' */
};

/* The scan of one JSON value whose end is being looked for. */
struct value_scan {
    long depth; /* open '{' and '[' */
    bool in_string;
    bool escape;
    bool scalar; /* a number or literal, ended by the next delimiter */
};

enum scan_status {
    SCAN_MORE,       /* the value goes on past the data */
    SCAN_DONE,       /* the value ends with the last byte consumed */
    SCAN_DONE_BEFORE /* a scalar ended; the delimiter was not consumed */
};

struct cg_splitter {
    enum place place;
    bool top_is_array; /* elements come from a top-level array */
    bool has_elements; /* the top-level object had an "objects" array */
    bool head_too_large;
    bool element_too_large;
    char key[16];
    size_t key_len;
    bool key_other; /* longer than key, or escaped: not "objects" */
    bool key_escape;
    int bom_bytes; /* bytes of a UTF-8 byte order mark skipped */
    struct value_scan scan;
    struct cg_buf head;    /* the top-level object minus its elements */
    struct cg_buf element; /* the current element */
    size_t max_object;
    uint64_t offset;       /* bytes consumed */
    uint64_t value_offset; /* where the current element or object began */
    uint64_t element_size;
    long index;  /* elements and objects seen */
    long values; /* top-level values begun */
};

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

enum cg_err cg_splitter_new(size_t max_object, struct cg_splitter **out)
{
    struct cg_splitter *s = calloc(1, sizeof(*s));

    *out = NULL;
    if (!s)
        return CG_ERR_NOMEM;
    s->max_object = max_object ? max_object : CG_IMPORT_MAX_OBJECT;
    cg_buf_init(&s->head, s->max_object);
    cg_buf_init(&s->element, s->max_object);
    *out = s;
    return CG_OK;
}

void cg_splitter_free(struct cg_splitter *splitter)
{
    if (!splitter)
        return;
    cg_buf_release(&splitter->head);
    cg_buf_release(&splitter->element);
    free(splitter);
}

uint64_t cg_splitter_offset(const struct cg_splitter *splitter)
{
    return splitter->offset;
}

long cg_splitter_values(const struct cg_splitter *splitter)
{
    return splitter->values;
}

static void scan_start(struct value_scan *scan, char c)
{
    memset(scan, 0, sizeof(*scan));
    if (c == '{' || c == '[')
        scan->depth = 1;
    else if (c == '"')
        scan->in_string = true;
    else
        scan->scalar = true;
}

/*
 * Consumes bytes of a value whose first byte scan_start has seen, up to
 * its end or the end of data, and stores the count in *used.
 */
static enum scan_status scan_run(struct value_scan *scan, const char *data,
                                 size_t len, size_t *used)
{
    size_t i = 0;

    for (; i < len; i++) {
        char c = data[i];

        if (scan->in_string) {
            if (scan->escape)
                scan->escape = false;
            else if (c == '\\')
                scan->escape = true;
            else if (c == '"')
                scan->in_string = false;
            if (!scan->in_string && c == '"' && scan->depth == 0)
                break;
            continue;
        }
        if (scan->scalar) {
            if (c == ',' || c == '}' || c == ']' || is_space(c)) {
                *used = i;
                return SCAN_DONE_BEFORE;
            }
            continue;
        }
        if (c == '"')
            scan->in_string = true;
        else if (c == '{' || c == '[')
            scan->depth++;
        else if ((c == '}' || c == ']') && --scan->depth == 0)
            break;
    }
    if (i < len) {
        *used = i + 1;
        return SCAN_DONE;
    }
    *used = len;
    return SCAN_MORE;
}

/* Appends to the head copy, marking it too large instead of failing. */
static enum cg_err head_append(struct cg_splitter *s, const char *data,
                               size_t len)
{
    enum cg_err rc;

    if (s->head_too_large)
        return CG_OK;
    rc = cg_buf_append(&s->head, data, len);
    if (rc == CG_ERR_TOO_LARGE) {
        s->head_too_large = true;
        cg_buf_release(&s->head);
        cg_buf_init(&s->head, s->max_object);
        return CG_OK;
    }
    return rc;
}

static enum cg_err element_append(struct cg_splitter *s, const char *data,
                                  size_t len)
{
    enum cg_err rc;

    s->element_size += len;
    if (s->element_too_large)
        return CG_OK;
    rc = cg_buf_append(&s->element, data, len);
    if (rc == CG_ERR_TOO_LARGE) {
        s->element_too_large = true;
        cg_buf_release(&s->element);
        cg_buf_init(&s->element, s->max_object);
        return CG_OK;
    }
    return rc;
}

static enum cg_err emit(struct cg_splitter *s, enum cg_split_kind kind,
                        const struct cg_buf *text, uint64_t size,
                        cg_split_fn fn, void *fn_data)
{
    struct cg_split_piece piece = {
        .kind = kind,
        .text = text ? cg_buf_str(text) : NULL,
        .len = text ? text->len : (size_t)size,
        .index = kind == CG_SPLIT_CONTAINER ? 0 : ++s->index,
        .offset = s->value_offset,
        .top_level = s->place != P_ELEMENT,
    };

    return fn(&piece, fn_data);
}

static enum cg_err element_done(struct cg_splitter *s, cg_split_fn fn,
                                void *fn_data)
{
    enum cg_err rc;

    if (s->element_too_large)
        rc = emit(s, CG_SPLIT_TOO_LARGE, NULL, s->element_size, fn, fn_data);
    else
        rc = emit(s, CG_SPLIT_OBJECT, &s->element, 0, fn, fn_data);
    cg_buf_reset(&s->element);
    s->element_too_large = false;
    s->element_size = 0;
    s->place = P_AFTER_ELEMENT;
    return rc;
}

/* The top-level object closed: it was a container or a single object. */
static enum cg_err top_object_done(struct cg_splitter *s, cg_split_fn fn,
                                   void *fn_data)
{
    enum cg_err rc;

    if (s->has_elements)
        rc = emit(s, CG_SPLIT_CONTAINER, s->head_too_large ? NULL : &s->head, 0,
                  fn, fn_data);
    else if (s->head_too_large)
        rc = emit(s, CG_SPLIT_TOO_LARGE, NULL, s->offset + 1 - s->value_offset,
                  fn, fn_data);
    else
        rc = emit(s, CG_SPLIT_OBJECT, &s->head, 0, fn, fn_data);
    cg_buf_reset(&s->head);
    s->head_too_large = false;
    s->has_elements = false;
    s->place = P_TOP;
    return rc;
}

static enum cg_err syntax_error(const struct cg_splitter *s, char c,
                                const char *expected, struct cg_error *err)
{
    if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
        return cg_error_set(err, CG_ERR_PARSE,
                            "invalid JSON at byte %llu: byte 0x%02x where %s "
                            "was expected",
                            (unsigned long long)s->offset, (unsigned char)c,
                            expected);
    return cg_error_set(err, CG_ERR_PARSE,
                        "invalid JSON at byte %llu: '%c' where %s was expected",
                        (unsigned long long)s->offset, c, expected);
}

static bool key_is_objects(const struct cg_splitter *s)
{
    return !s->key_other && s->key_len == 7 &&
           memcmp(s->key, "objects", 7) == 0;
}

/* Handles one byte between top-level values. */
static enum cg_err step_top(struct cg_splitter *s, char c, struct cg_error *err)
{
    if (is_space(c) || c == ',')
        return CG_OK;
    /* A UTF-8 byte order mark at the very start is skipped. */
    if (s->offset == (uint64_t)s->bom_bytes && s->bom_bytes < 3 &&
        (unsigned char)c == (unsigned char)"\xEF\xBB\xBF"[s->bom_bytes]) {
        s->bom_bytes++;
        return CG_OK;
    }
    s->value_offset = s->offset;
    if (c == '[' || c == '{')
        s->values++;
    if (c == '[') {
        s->top_is_array = true;
        s->place = P_ELEMENT_START;
        return CG_OK;
    }
    if (c != '{')
        return syntax_error(s, c, "'{' or '['", err);
    s->top_is_array = false;
    s->place = P_KEY_OR_END;
    return head_append(s, &c, 1);
}

/* Handles one byte of the top-level object's own structure. */
static enum cg_err step_object(struct cg_splitter *s, char c, cg_split_fn fn,
                               void *fn_data, struct cg_error *err)
{
    if (is_space(c))
        return head_append(s, &c, 1);
    switch (s->place) {
    case P_KEY_OR_END:
    case P_AFTER_VALUE:
        if (c == '}') {
            enum cg_err rc = head_append(s, &c, 1);

            return rc == CG_OK ? top_object_done(s, fn, fn_data) : rc;
        }
        if (c == ',' && s->place == P_AFTER_VALUE) {
            s->place = P_KEY_OR_END;
            return head_append(s, &c, 1);
        }
        if (c != '"' || s->place != P_KEY_OR_END)
            return syntax_error(s, c, "a key, ',' or '}'", err);
        s->key_len = 0;
        s->key_other = false;
        s->place = P_KEY;
        return head_append(s, &c, 1);
    case P_COLON:
        if (c != ':')
            return syntax_error(s, c, "':'", err);
        s->place = P_VALUE_START;
        return head_append(s, &c, 1);
    default:
        break;
    }
    /* P_VALUE_START: the "objects" array is split, anything else copied. */
    if (c == '[' && key_is_objects(s)) {
        s->has_elements = true;
        s->place = P_ELEMENT_START;
        return head_append(s, "[]", 2);
    }
    if (c == '}' || c == ']' || c == ',' || c == ':')
        return syntax_error(s, c, "a value", err);
    scan_start(&s->scan, c);
    s->place = P_VALUE;
    return head_append(s, &c, 1);
}

/* Handles one byte of a key of the top-level object. */
static enum cg_err step_key(struct cg_splitter *s, char c)
{
    if (s->key_escape) {
        s->key_escape = false;
    } else if (c == '\\') {
        /* An escaped key is never taken for "objects". */
        s->key_escape = true;
        s->key_other = true;
    } else if (c == '"') {
        s->place = P_COLON;
    } else if (s->key_len < sizeof(s->key)) {
        s->key[s->key_len++] = c;
    } else {
        s->key_other = true;
    }
    return head_append(s, &c, 1);
}

static enum cg_err step_elements(struct cg_splitter *s, char c,
                                 struct cg_error *err)
{
    if (is_space(c))
        return CG_OK;
    if (c == ']') {
        if (s->top_is_array) {
            s->place = P_TOP;
            return CG_OK;
        }
        s->place = P_AFTER_VALUE;
        return CG_OK;
    }
    if (c == ',') {
        if (s->place != P_AFTER_ELEMENT)
            return syntax_error(s, c, "an element or ']'", err);
        s->place = P_ELEMENT_START;
        return CG_OK;
    }
    if (s->place == P_AFTER_ELEMENT)
        return syntax_error(s, c, "',' or ']'", err);
    if (c == '}' || c == ':')
        return syntax_error(s, c, "an element or ']'", err);
    s->value_offset = s->offset;
    scan_start(&s->scan, c);
    s->place = P_ELEMENT;
    return element_append(s, &c, 1);
}

/* Consumes the bytes of a value being scanned (an element or a value of
 * the top-level object) and stores their count in *used. */
static enum cg_err step_value(struct cg_splitter *s, const char *data,
                              size_t len, size_t *used, cg_split_fn fn,
                              void *fn_data)
{
    bool element = s->place == P_ELEMENT;
    enum scan_status status = scan_run(&s->scan, data, len, used);
    enum cg_err rc;

    rc = element ? element_append(s, data, *used) : head_append(s, data, *used);
    if (rc != CG_OK || status == SCAN_MORE)
        return rc;
    if (element)
        return element_done(s, fn, fn_data);
    s->place = P_AFTER_VALUE;
    return CG_OK;
}

enum cg_err cg_splitter_feed(struct cg_splitter *s, const char *data,
                             size_t len, cg_split_fn fn, void *fn_data,
                             struct cg_error *err)
{
    size_t i = 0;
    enum cg_err rc = CG_OK;

    while (i < len && rc == CG_OK) {
        size_t used = 1;

        switch (s->place) {
        case P_TOP:
            rc = step_top(s, data[i], err);
            break;
        case P_KEY:
            rc = step_key(s, data[i]);
            break;
        case P_VALUE:
        case P_ELEMENT:
            rc = step_value(s, data + i, len - i, &used, fn, fn_data);
            break;
        case P_ELEMENT_START:
        case P_AFTER_ELEMENT:
            rc = step_elements(s, data[i], err);
            break;
        default:
            rc = step_object(s, data[i], fn, fn_data, err);
            break;
        }
        i += used;
        s->offset += used;
    }
    return rc;
}

enum cg_err cg_splitter_end(struct cg_splitter *s, struct cg_error *err)
{
    if (s->place == P_TOP)
        return CG_OK;
    if (s->place == P_ELEMENT)
        return cg_error_set(err, CG_ERR_PARSE,
                            "input is truncated: it ends inside element %ld, "
                            "which starts at byte %llu",
                            s->index + 1, (unsigned long long)s->value_offset);
    return cg_error_set(err, CG_ERR_PARSE,
                        "input is truncated: it ends at byte %llu before the "
                        "top-level %s is closed",
                        (unsigned long long)s->offset,
                        s->top_is_array ? "array" : "object");
}
