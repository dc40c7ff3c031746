/*
 * List reader: comments and blank lines, line endings, the byte-order mark,
 * CSV header detection on a copy of a Criminal IP C2 feed file, RFC 4180
 * quoting, over-long lines and in-memory streams.
 */
/* cmocka.h needs these three headers first. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
/* clang-format on */

#include "input/indicator.h"
#include "input/reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A value the reader must return, with its line number. */
struct expected_value {
    long line;
    const char *value;
};

static FILE *open_text(const char *text, size_t len)
{
    FILE *f = fmemopen((void *)text, len, "r");

    assert_non_null(f);
    return f;
}

/* Reads every value of text and compares them with expected. */
static void check_values(const char *text, size_t len,
                         const struct expected_value *expected, size_t count)
{
    FILE *f = open_text(text, len);
    struct cg_reader *reader;
    struct cg_error err;
    const char *value;
    size_t value_len;
    long line;

    assert_int_equal(cg_reader_from_stream(f, "memory", &reader, &err), CG_OK);
    for (size_t i = 0; i < count; i++) {
        enum cg_err rc =
            cg_reader_next(reader, &value, &value_len, &line, &err);

        if (rc != CG_OK)
            fail_msg("value %zu: %s (%s), expected '%s'", i, cg_err_name(rc),
                     cg_error_text(&err), expected[i].value);
        assert_string_equal(value, expected[i].value);
        assert_int_equal(value_len, strlen(expected[i].value));
        assert_int_equal(line, expected[i].line);
    }
    assert_int_equal(cg_reader_next(reader, &value, &value_len, &line, &err),
                     CG_ERR_NOT_FOUND);
    assert_null(value);
    cg_reader_free(reader);
    fclose(f);
}

static void test_reader_skips_comments(void **state)
{
    static const char text[] = "# list of indicators\n"
                               "\n"
                               "   \n"
                               "8.8.8.8\n"
                               "  # indented comment\n"
                               "  example.com  \n"
                               "example.org # trailing comment\n"
                               "http://example.net/#fragment\n";
    static const struct expected_value expected[] = {
        {4, "8.8.8.8"},
        {6, "example.com"},
        {7, "example.org"},
        {8, "http://example.net/#fragment"},
    };

    (void)state;
    check_values(text, sizeof(text) - 1, expected, 4);
}

static void test_reader_line_endings(void **state)
{
    static const char text[] = "1.1.1.1\r\n"
                               "\r\n"
                               "2.2.2.2\r"
                               "3.3.3.3\n"
                               "4.4.4.4";
    static const struct expected_value expected[] = {
        {1, "1.1.1.1"},
        {3, "2.2.2.2"},
        {4, "3.3.3.3"},
        {5, "4.4.4.4"},
    };

    (void)state;
    check_values(text, sizeof(text) - 1, expected, 4);
}

static void test_reader_strips_bom(void **state)
{
    static const char text[] = "\xef\xbb\xbf"
                               "example.com\r\n"
                               "\xef\xbb\xbf"
                               "kept.example\r\n";
    static const struct expected_value expected[] = {
        {1, "example.com"},
        /* Only the mark at the start of the input is removed. */
        {2, "\xef\xbb\xbfkept.example"},
    };

    (void)state;
    check_values(text, sizeof(text) - 1, expected, 2);
}

static void test_reader_bom_before_header(void **state)
{
    static const char text[] = "\xef\xbb\xbfIP,Target C2\r\n"
                               "150.136.90.238,c2_covenant\r\n";
    static const struct expected_value expected[] = {
        {2, "150.136.90.238"},
    };

    (void)state;
    check_values(text, sizeof(text) - 1, expected, 1);
}

/* Returns the path of a bundled data file below the source tree. */
static void source_path(char *out, size_t size, const char *relative)
{
    const char *top = getenv("CG_SOURCE_DIR");

    if (top) {
        snprintf(out, size, "%s/%s", top, relative);
        return;
    }
    /* Without ctest, work from this file's path: <top>/tests/unit/... */
    snprintf(out, size, "%s", __FILE__);
    *strstr(out, "tests/unit/") = '\0';
    strncat(out, relative, size - strlen(out) - 1);
}

/* Copies src to a new temporary file and writes its path into path. */
static void copy_to_temp(const char *src, char path[64])
{
    FILE *in = fopen(src, "rb");
    FILE *out;
    char block[4096];
    size_t n;
    int fd;

    if (!in)
        fail_msg("cannot open %s", src);
    strcpy(path, "/tmp/cg_test_reader_XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    out = fdopen(fd, "wb");
    assert_non_null(out);
    while ((n = fread(block, 1, sizeof(block), in)) > 0)
        assert_int_equal(fwrite(block, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

static void test_reader_c2_feed(void **state)
{
    char src[4096];
    char path[64];
    struct cg_reader *reader;
    struct cg_error err;
    const char *value;
    size_t len;
    long line;
    long count = 0;
    enum cg_err rc;

    (void)state;
    source_path(src, sizeof(src), "data/c2-daily-feed/2024-07-29.csv");
    copy_to_temp(src, path);
    assert_int_equal(cg_reader_open(path, &reader, &err), CG_OK);
    assert_string_equal(cg_reader_name(reader), path);

    while ((rc = cg_reader_next(reader, &value, &len, &line, &err)) == CG_OK) {
        struct cg_indicator ind;

        count++;
        assert_int_equal(line, count + 1);
        if (count == 1)
            assert_string_equal(value, "150.136.90.238");
        if (cg_indicator_parse(value, len, NULL, &ind, NULL) != CG_OK)
            fail_msg("line %ld: '%s' is not an indicator", line, value);
        assert_int_equal(ind.kind, CG_KIND_IPV4);
        cg_indicator_release(&ind);
    }
    assert_int_equal(rc, CG_ERR_NOT_FOUND);
    assert_int_equal(count, 50);
    cg_reader_free(reader);
    unlink(path);
}

static void test_reader_quoted_csv(void **state)
{
    static const char text[] = "url,score,note\n"
                               "\"http://a.example/x,y\",1,plain\n"
                               "\"http://b.example/say\"\"hi\"\"\",2,x\n"
                               "c.example,3,\"a note\n"
                               "over two lines, with a comma\"\n"
                               ",4,empty first field\n"
                               "# a comment row, \"with a quote\n"
                               "  \"d.example\"  ,5\n"
                               "e.example\n";
    static const struct expected_value expected[] = {
        {2, "http://a.example/x,y"},
        {3, "http://b.example/say\"hi\""},
        {4, "c.example"},
        {8, "d.example"},
        {9, "e.example"},
    };

    (void)state;
    check_values(text, sizeof(text) - 1, expected, 5);
}

static void test_reader_headerless_csv(void **state)
{
    /* The first field is an indicator, so this is not a header and lines
     * are returned whole. */
    static const char text[] = "10.0.0.1,c2_covenant,443\n"
                               "8.8.8.8,c2_havoc,80\n";
    static const struct expected_value expected[] = {
        {1, "10.0.0.1,c2_covenant,443"},
        {2, "8.8.8.8,c2_havoc,80"},
    };

    (void)state;
    check_values(text, sizeof(text) - 1, expected, 2);
}

static void test_reader_url_with_comma(void **state)
{
    static const char text[] = "http://example.com/a,b\n"
                               "http://example.com/c\n";
    static const struct expected_value expected[] = {
        {1, "http://example.com/a,b"},
        {2, "http://example.com/c"},
    };

    (void)state;
    check_values(text, sizeof(text) - 1, expected, 2);
}

static void test_reader_long_line(void **state)
{
    size_t long_len = CG_READER_LINE_MAX + 100;
    size_t size = long_len + CG_READER_LINE_MAX + 64;
    char *text = malloc(size);
    struct cg_reader *reader;
    struct cg_error err;
    const char *value;
    size_t len;
    long line;
    size_t used = 0;
    FILE *f;

    (void)state;
    assert_non_null(text);
    used += (size_t)sprintf(text, "first.example\n");
    memset(text + used, 'a', long_len);
    used += long_len;
    text[used++] = '\n';
    used += (size_t)sprintf(text + used, "third.example\n");
    memset(text + used, 'b', CG_READER_LINE_MAX);
    used += CG_READER_LINE_MAX;
    text[used++] = '\n';

    f = open_text(text, used);
    assert_int_equal(cg_reader_from_stream(f, "long", &reader, &err), CG_OK);
    assert_int_equal(cg_reader_next(reader, &value, &len, &line, &err), CG_OK);
    assert_string_equal(value, "first.example");

    assert_int_equal(cg_reader_next(reader, &value, &len, &line, &err),
                     CG_ERR_TOO_LARGE);
    assert_null(value);
    assert_int_equal(line, 2);
    assert_non_null(strstr(err.msg, "long:2: line is longer than"));

    assert_int_equal(cg_reader_next(reader, &value, &len, &line, &err), CG_OK);
    assert_string_equal(value, "third.example");
    assert_int_equal(line, 3);

    /* A line of exactly CG_READER_LINE_MAX bytes is kept. */
    assert_int_equal(cg_reader_next(reader, &value, &len, &line, &err), CG_OK);
    assert_int_equal(len, CG_READER_LINE_MAX);
    assert_int_equal(line, 4);
    assert_int_equal(cg_reader_next(reader, &value, &len, &line, &err),
                     CG_ERR_NOT_FOUND);
    cg_reader_free(reader);
    fclose(f);
    free(text);
}

static void test_reader_stdin_stream(void **state)
{
    static const char text[] = "hxxp://evil[.]example/login\n";
    FILE *f = open_text(text, sizeof(text) - 1);
    struct cg_reader *reader;
    struct cg_error err;
    const char *value;
    size_t len;
    long line;

    (void)state;
    assert_int_equal(cg_reader_from_stream(f, NULL, &reader, &err), CG_OK);
    assert_string_equal(cg_reader_name(reader), "-");
    assert_int_equal(cg_reader_next(reader, &value, &len, &line, &err), CG_OK);
    assert_string_equal(value, "hxxp://evil[.]example/login");
    assert_int_equal(cg_reader_next(reader, &value, &len, &line, &err),
                     CG_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "-: end of input"));
    cg_reader_free(reader);
    fclose(f);

    /* "-" names standard input, which the reader must not close. */
    assert_int_equal(cg_reader_open("-", &reader, &err), CG_OK);
    assert_string_equal(cg_reader_name(reader), "-");
    cg_reader_free(reader);
}

static void test_reader_empty_input(void **state)
{
    FILE *f = tmpfile();
    struct cg_reader *reader;
    struct cg_error err;
    const char *value;
    size_t len;
    long line;

    (void)state;
    assert_non_null(f);
    assert_int_equal(cg_reader_from_stream(f, "empty", &reader, &err), CG_OK);
    assert_int_equal(cg_reader_next(reader, &value, &len, &line, &err),
                     CG_ERR_NOT_FOUND);
    assert_int_equal(cg_reader_next(reader, &value, &len, &line, &err),
                     CG_ERR_NOT_FOUND);
    cg_reader_free(reader);
    fclose(f);
}

static void test_reader_embedded_nul(void **state)
{
    static const char text[] = "8.8.8.8\0evil\n1.1.1.1\n";
    FILE *f = open_text(text, sizeof(text) - 1);
    struct cg_reader *reader;
    struct cg_error err;
    const char *value;
    size_t len;
    long line;

    (void)state;
    assert_int_equal(cg_reader_from_stream(f, "nul", &reader, &err), CG_OK);
    assert_int_equal(cg_reader_next(reader, &value, &len, &line, &err), CG_OK);
    assert_int_equal(len, 12);
    assert_memory_equal(value, "8.8.8.8\0evil", 12);
    assert_int_equal(cg_reader_next(reader, &value, &len, &line, &err), CG_OK);
    assert_string_equal(value, "1.1.1.1");
    cg_reader_free(reader);
    fclose(f);
}

static void test_reader_open_missing(void **state)
{
    struct cg_reader *reader = (struct cg_reader *)1;
    struct cg_error err;

    (void)state;
    assert_int_equal(cg_reader_open("/nonexistent/list.txt", &reader, &err),
                     CG_ERR_IO);
    assert_null(reader);
    assert_non_null(strstr(err.msg, "'/nonexistent/list.txt'"));
    cg_reader_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader_skips_comments),
        cmocka_unit_test(test_reader_line_endings),
        cmocka_unit_test(test_reader_strips_bom),
        cmocka_unit_test(test_reader_bom_before_header),
        cmocka_unit_test(test_reader_c2_feed),
        cmocka_unit_test(test_reader_quoted_csv),
        cmocka_unit_test(test_reader_headerless_csv),
        cmocka_unit_test(test_reader_url_with_comma),
        cmocka_unit_test(test_reader_long_line),
        cmocka_unit_test(test_reader_stdin_stream),
        cmocka_unit_test(test_reader_empty_input),
        cmocka_unit_test(test_reader_embedded_nul),
        cmocka_unit_test(test_reader_open_missing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
