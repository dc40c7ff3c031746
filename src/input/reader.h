/*
 * Streams the values of an input list: one per line, blank lines and '#'
 * comments skipped, and for a CSV file with a header row, the first column
 * of each row. Memory use is bounded by the longest line, whatever the
 * file's length.
 */
#ifndef CG_INPUT_READER_H
#define CG_INPUT_READER_H

#include <signal.h>
#include <stdio.h>

#include "core/err.h"

/* Longest line accepted, in bytes; longer lines are reported and skipped. */
#define CG_READER_LINE_MAX 65536

struct cg_reader;

/*
 * Opens path for reading, or standard input when path is "-". Returns a
 * new reader in *out (free with cg_reader_free).
 */
enum cg_err cg_reader_open(const char *path, struct cg_reader **out,
                           struct cg_error *err) CG_WARN_UNUSED;

/* Wraps an open stream; borrows f, which must outlive the reader. */
enum cg_err cg_reader_from_stream(FILE *f, const char *name,
                                  struct cg_reader **out,
                                  struct cg_error *err) CG_WARN_UNUSED;

/*
 * Returns the next value in *value (borrowed, NUL-terminated, valid until
 * the next call) with its length and 1-based line number. Returns
 * CG_ERR_NOT_FOUND at the end of the input, CG_ERR_TOO_LARGE for an
 * over-long line (which is skipped; the next call continues after it), and
 * CG_ERR_IO on a read error. With every error, *value is NULL and *line is
 * the line concerned. Leading and trailing whitespace, a UTF-8 byte-order
 * mark and CR line endings are removed. A CSV header row (first line,
 * comma-separated, whose first field is not an indicator) is detected and
 * skipped, and from then on only the first field of each row is returned,
 * with RFC 4180 quoting undone. Rows whose first field is empty are
 * skipped. In a plain list, a '#' after whitespace starts a comment.
 */
enum cg_err cg_reader_next(struct cg_reader *reader, const char **value,
                           size_t *len, long *line,
                           struct cg_error *err) CG_WARN_UNUSED;

/*
 * Makes cg_reader_next return CG_ERR_INTERRUPTED once *stop is set, even
 * in the middle of a line that never ends. A read interrupted by a signal
 * is otherwise resumed.
 */
void cg_reader_set_stop(struct cg_reader *reader,
                        const volatile sig_atomic_t *stop);

/* Returns the input's name for messages: the path, or "-" for stdin. */
const char *cg_reader_name(const struct cg_reader *reader);

void cg_reader_free(struct cg_reader *reader);

#endif /* CG_INPUT_READER_H */
