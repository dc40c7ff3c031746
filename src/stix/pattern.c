/*
 * Escaping for STIX pattern string literals, in one routine shared by
 * every pattern cipgraph writes.
 */
#include "stix/pattern.h"

enum cg_err cg_pattern_escape(const char *value, struct cg_buf *out)
{
    enum cg_err rc = CG_OK;

    for (const char *p = value; *p && rc == CG_OK; p++) {
        if (*p == '\\' || *p == '\'')
            rc = cg_buf_putc(out, '\\');
        if (rc == CG_OK)
            rc = cg_buf_putc(out, *p);
    }
    return rc;
}

enum cg_err cg_pattern_unescape(const char *literal, struct cg_buf *out)
{
    enum cg_err rc = CG_OK;

    for (const char *p = literal; *p && rc == CG_OK; p++) {
        if (*p == '\\') {
            p++;
            if (*p != '\\' && *p != '\'')
                return CG_ERR_INVALID;
        }
        rc = cg_buf_putc(out, *p);
    }
    return rc;
}

enum cg_err cg_pattern_for_value(const char *type, const char *value,
                                 struct cg_buf *out)
{
    enum cg_err rc = cg_buf_printf(out, "[%s:value = '", type);

    if (rc == CG_OK)
        rc = cg_pattern_escape(value, out);
    if (rc == CG_OK)
        rc = cg_buf_puts(out, "']");
    return rc;
}
