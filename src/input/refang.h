/*
 * Removal of the defang forms that threat reports use to make indicators
 * unclickable, such as "hxxp", "[.]" and "(dot)". Internal to src/input.
 */
#ifndef CG_INPUT_REFANG_H
#define CG_INPUT_REFANG_H

#include "core/common.h"

/*
 * Copies len bytes of in to out with every defang form replaced, and
 * returns the new length. out must have room for len + 1 bytes, because
 * the result is never longer than the input, and it is NUL-terminated.
 * Sets *defanged when a form was replaced.
 *
 * These forms are replaced anywhere in the value:
 * - "[.]", "(.)", "{.}", "[dot]", "(dot)" and "{dot}", in any case, by ".";
 * - "[:]" by ":", "[://]" by "://", "[@]" by "@", "[/]" by "/" and
 *   "[//]" by "//";
 * - the half-defanged "[." and ".]" by ".", "[/" and "/]" by "/", and
 *   "[//" by "//";
 * - a leading "hxxp" in any case, followed by ':' or "s:", by "http".
 * Spaces and tabs next to a bracketed form are removed as well, as in
 * "example [.] com". Commas are left alone.
 *
 * The result contains no defang form, so refanging it again changes
 * nothing.
 */
size_t cg_refang(const char *in, size_t len, char *out, bool *defanged);

#endif /* CG_INPUT_REFANG_H */
