/*
 * The list reader. It reads one record at a time with getc into a buffer
 * that grows up to CG_READER_LINE_MAX bytes, and only scans the rest of a
 * longer record, so memory stays bounded by the longest line kept. CSV
 * mode follows RFC 4180 quoting, so a quoted field may span lines.
 */
#include "input/reader.h"

#include "input/indicator.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define INITIAL_CAPACITY 256

enum reader_mode {
    MODE_UNKNOWN, /* no value line read yet */
    MODE_PLAIN,   /* one value per line */
    MODE_CSV,     /* header skipped, so the first field of each row */
};

/* The state of an RFC 4180 record scan after a byte. */
enum csv_state {
    CSV_FIELD_START,
    CSV_UNQUOTED,
    CSV_QUOTED,
    CSV_QUOTE_IN_QUOTED, /* a '"' inside a quoted field: the end or "" */
};

struct cg_reader {
    FILE *file;
    bool owns_file;
    char *name;
    char *buf; /* the current record, NUL-terminated */
    size_t len;
    size_t cap;     /* at most CG_READER_LINE_MAX + 1 */
    bool overflow;  /* the current record is longer than the maximum */
    long next_line; /* 1-based line where the next record starts */
    bool at_start;  /* no record read yet, so a byte-order mark may come */
    const volatile sig_atomic_t *stop; /* set by a signal handler, or NULL */
    enum reader_mode mode;
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' ||
           c == '\n';
}

static enum cg_err create_reader(FILE *file, bool owns_file, const char *name,
                                 struct cg_reader **out)
{
    struct cg_reader *reader = calloc(1, sizeof(*reader));

    if (!reader)
        return CG_ERR_NOMEM;
    reader->name = strdup(name);
    reader->buf = malloc(INITIAL_CAPACITY);
    if (!reader->name || !reader->buf) {
        free(reader->name);
        free(reader->buf);
        free(reader);
        return CG_ERR_NOMEM;
    }
    reader->file = file;
    reader->owns_file = owns_file;
    reader->cap = INITIAL_CAPACITY;
    reader->next_line = 1;
    reader->at_start = true;
    reader->mode = MODE_UNKNOWN;
    *out = reader;
    return CG_OK;
}

enum cg_err cg_reader_open(const char *path, struct cg_reader **out,
                           struct cg_error *err)
{
    FILE *file;
    enum cg_err rc;

    *out = NULL;
    if (strcmp(path, "-") == 0)
        return cg_reader_from_stream(stdin, "-", out, err);

    file = fopen(path, "rb");
    if (!file)
        return cg_error_set(err, CG_ERR_IO, "failed to open '%s': %s", path,
                            strerror(errno));
    rc = create_reader(file, true, path, out);
    if (rc != CG_OK) {
        fclose(file);
        return cg_error_set(err, rc, "out of memory opening '%s'", path);
    }
    return CG_OK;
}

enum cg_err cg_reader_from_stream(FILE *f, const char *name,
                                  struct cg_reader **out, struct cg_error *err)
{
    enum cg_err rc;

    *out = NULL;
    rc = create_reader(f, false, name ? name : "-", out);
    if (rc != CG_OK)
        return cg_error_set(err, rc, "out of memory opening '%s'",
                            name ? name : "-");
    return CG_OK;
}

const char *cg_reader_name(const struct cg_reader *reader)
{
    return reader->name;
}

void cg_reader_free(struct cg_reader *reader)
{
    if (!reader)
        return;
    if (reader->owns_file)
        fclose(reader->file);
    free(reader->name);
    free(reader->buf);
    free(reader);
}

/* Keeps c unless the record is already at the maximum length, in which
 * case the record is marked over-long and the byte is dropped. */
static enum cg_err store_byte(struct cg_reader *reader, char c)
{
    if (reader->overflow)
        return CG_OK;
    if (reader->len == CG_READER_LINE_MAX) {
        reader->overflow = true;
        return CG_OK;
    }
    if (reader->len + 2 > reader->cap) {
        size_t cap = reader->cap * 2;
        char *buf;

        if (cap > CG_READER_LINE_MAX + 1)
            cap = CG_READER_LINE_MAX + 1;
        buf = realloc(reader->buf, cap);
        if (!buf)
            return CG_ERR_NOMEM;
        reader->buf = buf;
        reader->cap = cap;
    }
    reader->buf[reader->len++] = c;
    return CG_OK;
}

static enum csv_state next_csv_state(enum csv_state state, int c)
{
    switch (state) {
    case CSV_FIELD_START:
        if (c == '"')
            return CSV_QUOTED;
        if (c == ',' || c == ' ' || c == '\t')
            return CSV_FIELD_START;
        return CSV_UNQUOTED;
    case CSV_UNQUOTED:
        return c == ',' ? CSV_FIELD_START : CSV_UNQUOTED;
    case CSV_QUOTED:
        return c == '"' ? CSV_QUOTE_IN_QUOTED : CSV_QUOTED;
    case CSV_QUOTE_IN_QUOTED:
        if (c == '"')
            return CSV_QUOTED;
        return c == ',' ? CSV_FIELD_START : CSV_UNQUOTED;
    }
    return state;
}

/*
 * Reads the next record into reader->buf: one line, or in CSV mode (csv
 * true) as many lines as a quoted field spans. A comment row is one line
 * even in CSV mode, so a quote inside it is plain text. Lines end in LF,
 * CRLF or a lone CR. Returns CG_ERR_NOT_FOUND at the end of the input.
 */
static enum cg_err read_record(struct cg_reader *reader, bool csv)
{
    enum csv_state state = CSV_FIELD_START;
    bool any = false;
    bool leading_blanks = true;
    enum cg_err rc;

    reader->len = 0;
    reader->overflow = false;
    for (;;) {
        int c = getc(reader->file);

        /* An endless line (/dev/zero) must still end on a signal. */
        if (reader->stop && *reader->stop)
            return CG_ERR_INTERRUPTED;
        if (c == EOF && ferror(reader->file) && errno == EINTR) {
            clearerr(reader->file);
            continue;
        }
        if (c == EOF) {
            if (ferror(reader->file))
                return CG_ERR_IO;
            if (!any)
                return CG_ERR_NOT_FOUND;
            break;
        }
        any = true;
        if ((c == '\n' || c == '\r') && state != CSV_QUOTED) {
            if (c == '\r') {
                int after = getc(reader->file);

                if (after != '\n' && after != EOF)
                    ungetc(after, reader->file);
            }
            reader->next_line++;
            break;
        }
        if (c == '\n')
            reader->next_line++;
        if (leading_blanks && !is_blank((char)c)) {
            leading_blanks = false;
            csv = csv && c != '#';
        }
        if (csv)
            state = next_csv_state(state, c);
        rc = store_byte(reader, (char)c);
        if (rc != CG_OK)
            return rc;
    }
    reader->buf[reader->len] = '\0';

    if (reader->at_start) {
        reader->at_start = false;
        if (reader->len >= 3 && memcmp(reader->buf, "\xef\xbb\xbf", 3) == 0) {
            reader->len -= 3;
            memmove(reader->buf, reader->buf + 3, reader->len + 1);
        }
    }
    return CG_OK;
}

/* Returns s[0..*len) without surrounding whitespace, NUL-terminated. */
static char *trim(char *s, size_t *len)
{
    while (*len > 0 && is_blank(s[0])) {
        s++;
        (*len)--;
    }
    while (*len > 0 && is_blank(s[*len - 1]))
        (*len)--;
    s[*len] = '\0';
    return s;
}

/*
 * Returns the first field of a CSV record with RFC 4180 quoting undone,
 * in place, with its length in *len. An unterminated quoted field runs to
 * the end of the record.
 */
static char *first_field(char *record, size_t *len)
{
    size_t i = 0;
    size_t out = 0;

    while (i < *len && (record[i] == ' ' || record[i] == '\t'))
        i++;
    if (i == *len || record[i] != '"') {
        char *comma = memchr(record, ',', *len);

        if (comma)
            *len = (size_t)(comma - record);
        return record;
    }

    for (i++; i < *len; i++) {
        if (record[i] == '"') {
            if (i + 1 < *len && record[i + 1] == '"') {
                record[out++] = '"';
                i++;
                continue;
            }
            break;
        }
        record[out++] = record[i];
    }
    *len = out;
    return record;
}

/*
 * Returns true when line is a CSV header: it contains a comma and its
 * first field is not an indicator of any kind, special-purpose addresses
 * and CIDR blocks included.
 */
static enum cg_err detect_header(const char *line, size_t len, bool *header)
{
    struct cg_parse_opts opts = {.allow_private = true};
    struct cg_indicator ind;
    char *copy;
    char *field;
    size_t field_len = len;
    enum cg_err rc;

    *header = false;
    if (!memchr(line, ',', len))
        return CG_OK;
    copy = malloc(len + 1);
    if (!copy)
        return CG_ERR_NOMEM;
    memcpy(copy, line, len);
    copy[len] = '\0';

    field = first_field(copy, &field_len);
    field = trim(field, &field_len);
    rc = cg_indicator_parse(field, field_len, &opts, &ind, NULL);
    cg_indicator_release(&ind);
    free(copy);
    if (rc == CG_ERR_NOMEM)
        return rc;
    *header = rc == CG_ERR_INVALID || rc == CG_ERR_TOO_LARGE;
    return CG_OK;
}

/* Cuts a trailing comment that starts with whitespace and '#'. An
 * indicator never contains whitespace, so nothing of a value is lost. */
static void cut_inline_comment(char *s, size_t *len)
{
    for (size_t i = 1; i < *len; i++) {
        if (s[i] == '#' && is_blank(s[i - 1])) {
            *len = i;
            break;
        }
    }
    trim(s, len);
}

/* Turns a record into a value, or returns NULL when it contains none. */
static char *record_value(struct cg_reader *reader, size_t *len,
                          enum cg_err *rc)
{
    char *text = trim(reader->buf, len);
    bool header;

    *rc = CG_OK;
    if (*len == 0 || text[0] == '#')
        return NULL;

    if (reader->mode == MODE_UNKNOWN) {
        *rc = detect_header(text, *len, &header);
        if (*rc != CG_OK)
            return NULL;
        reader->mode = header ? MODE_CSV : MODE_PLAIN;
        if (header)
            return NULL;
    }
    if (reader->mode == MODE_CSV) {
        text = first_field(text, len);
        text = trim(text, len);
        return *len > 0 ? text : NULL;
    }
    cut_inline_comment(text, len);
    return text;
}

enum cg_err cg_reader_next(struct cg_reader *reader, const char **value,
                           size_t *len, long *line, struct cg_error *err)
{
    *value = NULL;
    *len = 0;
    for (;;) {
        long start_line = reader->next_line;
        enum cg_err rc = read_record(reader, reader->mode == MODE_CSV);
        char *text;

        *line = start_line;
        if (rc == CG_ERR_NOT_FOUND)
            return cg_error_set(err, rc, "%s: end of input", reader->name);
        if (rc == CG_ERR_IO)
            return cg_error_set(err, rc, "%s:%ld: read failed: %s",
                                reader->name, start_line, strerror(errno));
        if (rc == CG_ERR_INTERRUPTED)
            return cg_error_set(err, rc, "%s:%ld: reading interrupted",
                                reader->name, start_line);
        if (rc != CG_OK)
            return cg_error_set(err, rc, "%s:%ld: out of memory", reader->name,
                                start_line);
        if (reader->overflow)
            return cg_error_set(err, CG_ERR_TOO_LARGE,
                                "%s:%ld: line is longer than the maximum of "
                                "%d bytes and was skipped",
                                reader->name, start_line, CG_READER_LINE_MAX);

        *len = reader->len;
        text = record_value(reader, len, &rc);
        if (rc != CG_OK)
            return cg_error_set(err, rc, "%s:%ld: out of memory", reader->name,
                                start_line);
        if (text) {
            *value = text;
            return CG_OK;
        }
    }
}

void cg_reader_set_stop(struct cg_reader *reader,
                        const volatile sig_atomic_t *stop)
{
    reader->stop = stop;
}
