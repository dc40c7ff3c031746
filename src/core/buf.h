/*
 * A growable, always NUL-terminated byte buffer with an optional size limit,
 * used for HTTP bodies, rendered text and SQL-free string building.
 */
#ifndef CG_CORE_BUF_H
#define CG_CORE_BUF_H

#include "core/err.h"

struct cg_buf {
    char *data; /* NULL until the first append; then NUL-terminated */
    size_t len;
    size_t cap;
    size_t max; /* largest allowed len in bytes; 0 means no limit */
};

#define CG_BUF_INIT   \
    {                 \
        NULL, 0, 0, 0 \
    }

/* Initialises an empty buffer whose length may not exceed max (0: none). */
void cg_buf_init(struct cg_buf *buf, size_t max);

/* Frees the contents; the buffer is empty and reusable afterwards. */
void cg_buf_release(struct cg_buf *buf);

/* Empties the buffer but keeps its memory. */
void cg_buf_reset(struct cg_buf *buf);

/*
 * Appends len bytes. Returns CG_ERR_TOO_LARGE when the limit would be
 * passed (the buffer is unchanged) and CG_ERR_NOMEM on allocation failure.
 */
enum cg_err cg_buf_append(struct cg_buf *buf, const void *data,
                          size_t len) CG_WARN_UNUSED;
enum cg_err cg_buf_puts(struct cg_buf *buf, const char *s) CG_WARN_UNUSED;
enum cg_err cg_buf_putc(struct cg_buf *buf, char c) CG_WARN_UNUSED;
enum cg_err cg_buf_printf(struct cg_buf *buf, const char *fmt, ...)
    CG_PRINTF(2, 3) CG_WARN_UNUSED;

/*
 * Returns the contents as a string: "" for an empty buffer. Valid until the
 * next change to buf.
 */
const char *cg_buf_str(const struct cg_buf *buf);

/*
 * Returns the contents and leaves buf empty; the caller frees the result
 * with free(). Returns a new empty string for an empty buffer, or NULL when
 * that allocation fails.
 */
char *cg_buf_detach(struct cg_buf *buf);

#endif /* CG_CORE_BUF_H */
