/*
 * Checks of single configuration values that take more than a range:
 * http(s) URLs, the bytes of tokens and other text, and file-system paths.
 * Each check that can fail writes what is wrong into a buffer, without the
 * value, for the caller's message.
 */
#ifndef CG_OPENCTI_CONFIG_VALUES_H
#define CG_OPENCTI_CONFIG_VALUES_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Returns true when text is an http(s) URL that curl and the platform
 * accept: a host name, an IPv4 address or an [IPv6] address, an optional
 * port from 1 to 65535, and no credentials, query, fragment, spaces or
 * control characters. Otherwise writes what is wrong into reason.
 */
bool cg_octi_check_url(const char *text, char *reason, size_t size);

/*
 * Returns the 1-based position of the first byte that text may not
 * contain, or 0: a control character, or for a token (an HTTP header
 * value) anything but printable ASCII.
 */
size_t cg_octi_find_bad_byte(const char *text, bool token);

/*
 * Returns true when path names a regular file that this process can open
 * for reading. Otherwise writes what is wrong into reason.
 */
bool cg_octi_check_file(const char *path, char *reason, size_t size);

/*
 * Returns true when SQLite can create or open a database at path for
 * writing: path is not a folder, an existing file is readable and
 * writable, and the folder exists and is writable, because SQLite creates
 * its -wal and -shm files next to the database. Otherwise writes what is
 * wrong into reason.
 */
bool cg_octi_check_db_file(const char *path, char *reason, size_t size);

#endif /* CG_OPENCTI_CONFIG_VALUES_H */
