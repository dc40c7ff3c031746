/*
 * Growable byte buffer. Capacity doubles, so n appends cost O(n) amortised.
 */
#include "core/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cg_buf_init(struct cg_buf *buf, size_t max)
{
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    buf->max = max;
}

void cg_buf_release(struct cg_buf *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
}

void cg_buf_reset(struct cg_buf *buf)
{
    buf->len = 0;
    if (buf->data)
        buf->data[0] = '\0';
}

static enum cg_err grow(struct cg_buf *buf, size_t extra)
{
    size_t need;
    size_t cap;
    char *data;

    if (extra > SIZE_MAX - buf->len - 1)
        return CG_ERR_TOO_LARGE;
    need = buf->len + extra + 1;
    if (buf->max && need - 1 > buf->max)
        return CG_ERR_TOO_LARGE;
    if (need <= buf->cap)
        return CG_OK;
    cap = buf->cap ? buf->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    data = realloc(buf->data, cap);
    if (!data)
        return CG_ERR_NOMEM;
    buf->data = data;
    buf->cap = cap;
    return CG_OK;
}

enum cg_err cg_buf_append(struct cg_buf *buf, const void *data, size_t len)
{
    enum cg_err rc = grow(buf, len);

    if (rc != CG_OK)
        return rc;
    if (len)
        memcpy(buf->data + buf->len, data, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
    return CG_OK;
}

enum cg_err cg_buf_puts(struct cg_buf *buf, const char *s)
{
    return cg_buf_append(buf, s, strlen(s));
}

enum cg_err cg_buf_putc(struct cg_buf *buf, char c)
{
    return cg_buf_append(buf, &c, 1);
}

enum cg_err cg_buf_printf(struct cg_buf *buf, const char *fmt, ...)
{
    va_list ap;
    int n;
    enum cg_err rc;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return CG_ERR_INVALID;
    rc = grow(buf, (size_t)n);
    if (rc != CG_OK)
        return rc;
    va_start(ap, fmt);
    vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    buf->len += (size_t)n;
    return CG_OK;
}

const char *cg_buf_str(const struct cg_buf *buf)
{
    return buf->data ? buf->data : "";
}

char *cg_buf_detach(struct cg_buf *buf)
{
    char *data = buf->data;

    if (!data)
        data = calloc(1, 1);
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    return data;
}
