/*
 * Error messages and names, generated from the CG_ERR_MAP table, and the
 * helpers that fill struct cg_error.
 */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const messages[] = {
#define CG_ERR_MSG(name, msg) msg,
    CG_ERR_MAP(CG_ERR_MSG)
#undef CG_ERR_MSG
};

static const char *const names[] = {
#define CG_ERR_NAME(name, msg) #name,
    CG_ERR_MAP(CG_ERR_NAME)
#undef CG_ERR_NAME
};

_Static_assert(CG_ARRAY_LEN(messages) == CG_ERR__COUNT,
               "one message per error code");

const char *cg_strerror(enum cg_err code)
{
    if ((unsigned)code >= CG_ERR__COUNT)
        return "unknown error";
    return messages[code];
}

const char *cg_err_name(enum cg_err code)
{
    if ((unsigned)code >= CG_ERR__COUNT)
        return "UNKNOWN";
    return names[code];
}

enum cg_err cg_error_set(struct cg_error *err, enum cg_err code,
                         const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return code;
    err->code = code;
    err->upstream = 0;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return code;
}

void cg_error_clear(struct cg_error *err)
{
    if (!err)
        return;
    err->code = CG_OK;
    err->upstream = 0;
    err->msg[0] = '\0';
}

const char *cg_error_text(const struct cg_error *err)
{
    if (!err)
        return "";
    if (err->msg[0])
        return err->msg;
    return cg_strerror(err->code);
}
