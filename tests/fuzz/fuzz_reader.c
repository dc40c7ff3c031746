/*
 * libFuzzer target for the list reader: the input bytes are read as a
 * file through fmemopen, and every value is parsed as an indicator. It
 * checks that values stay within CG_READER_LINE_MAX, are NUL-terminated
 * and that line numbers never go backwards.
 */
#include "input/indicator.h"
#include "input/reader.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cg_reader *reader;
    struct cg_error err;
    long last_line = 0;
    FILE *f;

    if (size == 0)
        return 0;
    f = fmemopen((void *)data, size, "r");
    if (!f)
        return 0;
    if (cg_reader_from_stream(f, "fuzz", &reader, &err) != CG_OK) {
        fclose(f);
        return 0;
    }

    for (;;) {
        struct cg_indicator ind;
        const char *value;
        size_t len;
        long line;
        enum cg_err rc = cg_reader_next(reader, &value, &len, &line, &err);

        if (rc == CG_ERR_NOT_FOUND || rc == CG_ERR_IO)
            break;
        if (line < last_line || line < 1)
            abort();
        last_line = line;
        if (rc != CG_OK)
            continue;
        if (!value || len > CG_READER_LINE_MAX || value[len] != '\0')
            abort();
        (void)cg_indicator_parse(value, len, NULL, &ind, NULL);
        cg_indicator_release(&ind);
    }
    cg_reader_free(reader);
    fclose(f);
    return 0;
}
