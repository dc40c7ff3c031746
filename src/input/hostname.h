/*
 * Domain-name validation and IDNA conversion for the indicator parser:
 * the A-label form that DNS and the API use, and the U-label form shown
 * to people. Internal to src/input.
 */
#ifndef CG_INPUT_HOSTNAME_H
#define CG_INPUT_HOSTNAME_H

#include "core/err.h"

/* Size of the buffer that receives the reason a name was rejected. */
#define CG_HOSTNAME_REASON_SIZE 200

/*
 * Validates the domain name of len bytes (valid UTF-8, without a port)
 * after removing one trailing dot. Returns its lower-case A-label form in
 * *ascii and its U-label form in *display, both new strings (free with
 * free()). ASCII labels may contain letters, digits, '-' and '_'. Labels
 * with other characters go through UTS #46 with libidn2.
 *
 * Returns CG_OK, CG_ERR_INVALID with the reason written into reason (for
 * example "it has no dot, ..."), or CG_ERR_NOMEM.
 */
enum cg_err
cg_hostname_normalize(const char *name, size_t len, char **ascii,
                      char **display,
                      char reason[CG_HOSTNAME_REASON_SIZE]) CG_WARN_UNUSED;

#endif /* CG_INPUT_HOSTNAME_H */
