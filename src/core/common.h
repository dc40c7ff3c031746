/*
 * Shared setup included first by every cipgraph source file: standard
 * headers, compiler attributes and the size assumptions the code makes.
 */
#ifndef CG_CORE_COMMON_H
#define CG_CORE_COMMON_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define CG_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define CG_WARN_UNUSED       __attribute__((warn_unused_result))
#define CG_UNUSED            __attribute__((unused))
#else
#define CG_PRINTF(fmt, args)
#define CG_WARN_UNUSED
#define CG_UNUSED
#endif

#define CG_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

_Static_assert(CHAR_BIT == 8, "cipgraph assumes 8-bit bytes");
_Static_assert(sizeof(long long) == 8, "cipgraph assumes 64-bit long long");

#endif /* CG_CORE_COMMON_H */
