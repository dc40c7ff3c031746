/*
 * The report note of a mapping: Markdown built from trusted structure and
 * escaped report text, with a size cap, the table writer and the list of
 * truncated sections. Also the escaping used for descriptions.
 */
#include "core/json.h"
#include "stix/map.h"
#include "stix/map_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Only allocation failure stops a mapping. A malformed list that a merged
 * object brought along is left as it is. */
static void check(struct cg_mapper *m, enum cg_err rc)
{
    if (rc == CG_ERR_NOMEM)
        cg_map_fail(m);
}

/* Appends len bytes to the note unless it is full. */
static void note_append(struct cg_mapper *m, const char *text, size_t len)
{
    if (m->rc != CG_OK || m->note_full)
        return;
    if (m->note.len + len > CG_MAP_NOTE_MAX) {
        m->note_full = true;
        return;
    }
    check(m, cg_buf_append(&m->note, text, len));
}

void cg_map_note(struct cg_mapper *m, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n > 0)
        note_append(m, line, strlen(line));
}

/* Markdown punctuation that could start emphasis, code, a link, an image,
 * raw HTML, a heading or a table cell. */
static bool is_markdown_active(char c)
{
    return c && strchr("\\`*_[]<>|~#!", c) != NULL;
}

/* Appends text with control bytes turned into spaces and Markdown
 * punctuation escaped, stopping after max source bytes. */
static enum cg_err escape_into(struct cg_buf *buf, const char *text, size_t max)
{
    size_t len = cg_map_utf8_cut(text, max);
    enum cg_err rc = CG_OK;

    for (size_t i = 0; i < len && rc == CG_OK; i++) {
        unsigned char c = (unsigned char)text[i];

        if (c < 0x20 || c == 0x7f)
            c = ' ';
        if (is_markdown_active((char)c))
            rc = cg_buf_putc(buf, '\\');
        if (rc == CG_OK)
            rc = cg_buf_putc(buf, (char)c);
    }
    if (rc == CG_OK && len < strlen(text))
        rc = cg_buf_puts(buf, "...");
    return rc;
}

void cg_map_escape_text(struct cg_mapper *m, struct cg_buf *buf,
                        const char *text)
{
    if (m->rc == CG_OK && text)
        check(m, escape_into(buf, text, CG_MAP_TEXT_MAX));
}

void cg_map_buf_printf(struct cg_mapper *m, struct cg_buf *buf, const char *fmt,
                       ...)
{
    char text[1024];
    va_list ap;
    int n;

    if (m->rc != CG_OK)
        return;
    va_start(ap, fmt);
    n = vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (n > 0)
        check(m, cg_buf_puts(buf, text));
}

void cg_map_describe_flags(struct cg_mapper *m, struct cg_buf *buf,
                           const char *flags)
{
    if (!flags[0])
        return;
    cg_map_buf_printf(m, buf, " Flags: ");
    for (const char *p = flags; *p && m->rc == CG_OK; p++) {
        if (*p == ',')
            check(m, cg_buf_puts(buf, ", "));
        else
            check(m, cg_buf_putc(buf, *p));
    }
    cg_map_buf_printf(m, buf, ".");
}

void cg_map_note_text(struct cg_mapper *m, const char *text)
{
    struct cg_buf cell = CG_BUF_INIT;

    if (m->rc != CG_OK || !text)
        return;
    check(m, escape_into(&cell, text, CG_MAP_CELL_MAX));
    note_append(m, cg_buf_str(&cell), cell.len);
    cg_buf_release(&cell);
}

/* Length of the longest run of backticks in text. */
static size_t longest_backtick_run(const char *text, size_t len)
{
    size_t longest = 0;
    size_t run = 0;

    for (size_t i = 0; i < len; i++) {
        run = text[i] == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    return longest;
}

/*
 * Builds a CommonMark code span whose fence is one backtick longer than
 * any run inside, padded with spaces so that edge backticks stay content.
 * '|' is written "\|", which GFM tables require even inside code spans.
 */
static enum cg_err code_span(struct cg_buf *out, const char *text)
{
    size_t len = cg_map_utf8_cut(text, CG_MAP_CELL_MAX);
    size_t fence = longest_backtick_run(text, len) + 1;
    enum cg_err rc = CG_OK;

    for (size_t i = 0; i < fence && rc == CG_OK; i++)
        rc = cg_buf_putc(out, '`');
    if (rc == CG_OK)
        rc = cg_buf_putc(out, ' ');
    for (size_t i = 0; i < len && rc == CG_OK; i++) {
        unsigned char c = (unsigned char)text[i];

        if (c == '|')
            rc = cg_buf_putc(out, '\\');
        if (rc == CG_OK)
            rc = cg_buf_putc(out, c < 0x20 || c == 0x7f ? ' ' : (char)c);
    }
    if (rc == CG_OK && len < strlen(text))
        rc = cg_buf_puts(out, "...");
    if (rc == CG_OK)
        rc = cg_buf_putc(out, ' ');
    for (size_t i = 0; i < fence && rc == CG_OK; i++)
        rc = cg_buf_putc(out, '`');
    return rc;
}

void cg_map_note_code(struct cg_mapper *m, const char *text)
{
    struct cg_buf span = CG_BUF_INIT;

    if (m->rc != CG_OK || !text || !*text)
        return;
    check(m, code_span(&span, text));
    note_append(m, cg_buf_str(&span), span.len);
    cg_buf_release(&span);
}

/* Lists the cut sections in the note and on the observable. */
static void note_truncation(struct cg_mapper *m)
{
    const char *section;
    json_t *record;
    json_t *names;

    if (m->rc != CG_OK || json_object_size(m->truncated) == 0)
        return;
    names = json_array();
    if (!names) {
        cg_map_fail(m);
        return;
    }
    cg_map_note(m, "\n## Truncated lists\n\n");
    json_object_foreach(m->truncated, section, record) {
        cg_map_note(
            m, "- %s: first %lld of %lld rows kept\n", section,
            (long long)json_integer_value(json_object_get(record, "kept")),
            (long long)json_integer_value(json_object_get(record, "total")));
        if (json_array_append_new(names, json_string(section)))
            cg_map_fail(m);
    }
    cg_map_set(m, m->subject, "x_criminalip_truncated", names);
}

void cg_map_note_emit(struct cg_mapper *m, const char *kind,
                      const char *abstract)
{
    static const char cut[] = "\n(The note was cut at its size limit.)\n";
    char id[CG_STIX_ID_SIZE];
    json_t *seed;
    json_t *note;

    if (m->rc != CG_OK || !m->subject)
        return;
    note_truncation(m);
    if (m->note_full)
        check(m, cg_buf_append(&m->note, cut, sizeof(cut) - 1));
    /* The seed contains the observable's id, so two observables never
     * share a note, and one observable keeps one note across runs. */
    seed = json_pack("{ssss}", "x_cipgraph_kind", kind, "object_ref",
                     cg_stix_get_id(m->subject));
    if (!seed || cg_stix_id_seeded("note", seed, id) != CG_OK) {
        json_decref(seed);
        cg_map_fail(m);
        return;
    }
    json_decref(seed);
    note =
        cg_map_add(m, cg_stix_note(m->ctx, id, abstract, cg_buf_str(&m->note),
                                   cg_stix_get_id(m->subject)));
    cg_map_add_value_ref(m, note);
}

/* Writes one table cell of row[column->key] (or alt_key). */
static void note_cell(struct cg_mapper *m, const json_t *row,
                      const struct cg_map_column *column)
{
    const char *key = column->key;
    double number;

    if (column->alt_key && !json_object_get(row, key))
        key = column->alt_key;
    cg_map_note(m, " ");
    if (column->kind == CG_MAP_CELL_NUMBER) {
        bool found = cg_json_real(row, key, &number);

        if (found && number > -1e15 && number < 1e15 &&
            number == (double)(long long)number)
            cg_map_note(m, "%lld", (long long)number);
        else if (found)
            cg_map_note(m, "%.6g", number);
    } else if (column->kind == CG_MAP_CELL_FLAG) {
        bool flag;

        if (cg_json_bool(row, key, &flag))
            cg_map_note(m, "%s", flag ? "yes" : "no");
    } else if (column->kind == CG_MAP_CELL_CODE) {
        cg_map_note_code(m, cg_map_str(row, key));
    } else {
        cg_map_note_text(m, cg_map_str(row, key));
    }
    cg_map_note(m, " |");
}

size_t cg_map_note_table(struct cg_mapper *m, const json_t *rows,
                         const char *section, const char *title,
                         const char *header,
                         const struct cg_map_column *columns, size_t count)
{
    size_t total = json_array_size(rows);
    size_t i;
    json_t *row;

    if (total == 0)
        return 0;
    cg_map_note(m, "\n## %s\n\n%s\n|", title, header);
    for (i = 0; i < count; i++)
        cg_map_note(m, "---|");
    cg_map_note(m, "\n");
    json_array_foreach(rows, i, row) {
        if (!cg_map_within(m, section, i, total, CG_MAP_MAX_NOTE_ROWS))
            break;
        cg_map_note(m, "|");
        for (size_t c = 0; c < count; c++)
            note_cell(m, row, &columns[c]);
        cg_map_note(m, "\n");
    }
    return total;
}
