/*
 * STIX patterning string literals. Inside a pattern's quotes only '\\' and
 * '\'' are escaped (STIX 2.1 section 9.3), so "eat at joe's" becomes
 * 'eat at joe\'s' and a value round-trips exactly through
 * escape and unescape.
 */
#ifndef CG_STIX_PATTERN_H
#define CG_STIX_PATTERN_H

#include "core/buf.h"

/* Appends value to out with '\\' and '\'' escaped. */
enum cg_err cg_pattern_escape(const char *value,
                              struct cg_buf *out) CG_WARN_UNUSED;

/*
 * Appends the inverse of cg_pattern_escape to out. Fails with
 * CG_ERR_INVALID on a lone trailing backslash or an escape of any other
 * character, which the STIX grammar does not allow.
 */
enum cg_err cg_pattern_unescape(const char *literal,
                                struct cg_buf *out) CG_WARN_UNUSED;

/*
 * Builds "[<type>:value = '<escaped value>']" into out, e.g.
 * "[ipv4-addr:value = '198.51.100.7']".
 */
enum cg_err cg_pattern_for_value(const char *type, const char *value,
                                 struct cg_buf *out) CG_WARN_UNUSED;

#endif /* CG_STIX_PATTERN_H */
