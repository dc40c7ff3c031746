/*
 * Escaping of untrusted text before it reaches a terminal or a message.
 * Input lines, graph values and API fields may carry escape sequences that
 * move the cursor, retitle the window or hide other output, so every
 * human-facing output writes them through these functions.
 */
#ifndef CG_INPUT_TEXT_H
#define CG_INPUT_TEXT_H

#include "core/buf.h"

/* Size of the buffer for one escaped character: "\xNN" or up to four
 * UTF-8 bytes, and a NUL. */
#define CG_TEXT_PIECE_SIZE 8

/*
 * Reads the character at the start of s (len > 0) and writes the text that
 * shows it safely into piece, NUL-terminated: the character itself, or
 * "\xNN" for a control character (C0, DEL or C1) and for a byte that does
 * not start a valid UTF-8 sequence. A C1 character becomes two escapes,
 * one per byte. Returns the number of bytes of s consumed (at least 1) and
 * the length of piece in *piece_len.
 */
size_t cg_text_escape_char(const char *s, size_t len,
                           char piece[CG_TEXT_PIECE_SIZE], size_t *piece_len);

/* Appends len bytes of s to out, each character escaped as
 * cg_text_escape_char does. */
enum cg_err cg_text_escape(struct cg_buf *out, const char *s,
                           size_t len) CG_WARN_UNUSED;

#endif /* CG_INPUT_TEXT_H */
