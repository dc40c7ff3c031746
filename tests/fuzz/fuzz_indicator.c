/*
 * libFuzzer target for cg_indicator_parse. Besides memory safety, it checks
 * that normalisation is idempotent: the canonical value, and the display
 * form, parse again to the same value, kind and result code. Error
 * messages must never carry control bytes from the input.
 */
#include "input/indicator.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *text)
{
    fprintf(stderr, "fuzz_indicator: %s: '%s'\n", what, text ? text : "");
    abort();
}

static void check_message(const struct cg_error *err)
{
    for (const char *p = err->msg; *p; p++) {
        if ((unsigned char)*p < 0x20)
            fail("control byte in error message", err->msg);
    }
}

/* Parses text again and requires the same code, kind and value. */
static void check_reparse(const char *text, enum cg_err rc,
                          const struct cg_indicator *first,
                          const struct cg_parse_opts *opts)
{
    struct cg_indicator again;
    struct cg_error err;
    enum cg_err rc_again;

    rc_again = cg_indicator_parse(text, strlen(text), opts, &again, &err);
    if (rc_again != rc)
        fail("result code changed on reparse", text);
    if (again.kind != first->kind)
        fail("kind changed on reparse", text);
    if (!again.value || strcmp(again.value, first->value) != 0)
        fail("value changed on reparse", text);
    cg_indicator_release(&again);
}

static void check_output(enum cg_err rc, const struct cg_indicator *ind,
                         const struct cg_parse_opts *opts)
{
    if (rc != CG_OK && rc != CG_ERR_PRIVATE_ADDR && rc != CG_ERR_CIDR_RANGE) {
        if (ind->value || ind->display || ind->host)
            fail("output not empty after an error", ind->value);
        return;
    }
    if (!ind->value || !ind->display || !ind->host)
        fail("missing output string", ind->value);
    if (ind->kind == CG_KIND_NONE)
        fail("no kind", ind->value);
    if (rc == CG_ERR_CIDR_RANGE && ind->kind != CG_KIND_CIDR)
        fail("CIDR result without CIDR kind", ind->value);
    if (rc == CG_OK && ind->kind == CG_KIND_CIDR)
        fail("CIDR kind accepted as one address", ind->value);
    if (ind->port < -1 || ind->port == 0 || ind->port > 65535)
        fail("port out of range", ind->value);

    check_reparse(ind->value, rc, ind, opts);
    check_reparse(ind->display, rc, ind, opts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int allow = 0; allow < 2; allow++) {
        struct cg_parse_opts opts = {.allow_private = allow == 1};
        struct cg_indicator ind;
        struct cg_error err;
        enum cg_err rc;

        cg_error_clear(&err);
        rc = cg_indicator_parse((const char *)data, size, &opts, &ind, &err);
        check_message(&err);
        check_output(rc, &ind, &opts);
        cg_indicator_release(&ind);
    }
    return 0;
}
