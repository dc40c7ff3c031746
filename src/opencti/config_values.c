/*
 * Checks of URLs, token bytes and paths for the connector's configuration.
 * A value that would fail once the connector runs (a port curl rejects, a
 * missing CA file, a database folder that does not exist) stops it at
 * start-up instead.
 */
#include "opencti/config_values.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Checks the ":port" after a host; "" is no port. */
static bool is_port_suffix(const char *text, size_t len)
{
    long port = 0;

    if (len == 0)
        return true;
    if (text[0] != ':' || len < 2 || len > 6)
        return false;
    for (size_t i = 1; i < len; i++) {
        if (!isdigit((unsigned char)text[i]))
            return false;
        port = port * 10 + (text[i] - '0');
    }
    return port >= 1 && port <= 65535;
}

/* Checks "[IPv6]" at the start of an authority; sets *len to its length. */
static bool is_bracketed_ipv6(const char *authority, size_t authority_len,
                              size_t *len)
{
    const char *close = memchr(authority, ']', authority_len);
    char address[64];
    unsigned char bytes[16];
    size_t address_len;

    if (!close)
        return false;
    address_len = (size_t)(close - authority) - 1;
    if (address_len >= sizeof(address))
        return false;
    memcpy(address, authority + 1, address_len);
    address[address_len] = '\0';
    *len = address_len + 2;
    return inet_pton(AF_INET6, address, bytes) == 1;
}

/* Returns what is wrong with an http(s) URL, or NULL. */
static const char *find_url_problem(const char *text)
{
    static const char expected[] =
        "expected an http:// or https:// URL with a host and no query";
    const char *authority;
    size_t authority_len;
    size_t host_len = 0;

    if (strncasecmp(text, "http://", 7) == 0)
        authority = text + 7;
    else if (strncasecmp(text, "https://", 8) == 0)
        authority = text + 8;
    else
        return expected;
    for (const char *p = text; *p; p++) {
        if (isspace((unsigned char)*p) || *p == '?' || *p == '#' ||
            (unsigned char)*p < 0x20 || *p == 0x7f)
            return expected;
    }
    authority_len = strcspn(authority, "/");
    if (memchr(authority, '@', authority_len))
        return "credentials (user:password@) in the URL are not supported; "
               "give the token in its own setting";
    if (authority[0] == '[' &&
        !is_bracketed_ipv6(authority, authority_len, &host_len))
        return "expected an IPv6 address in brackets, such as "
               "http://[2001:db8::1]:8080";
    if (authority[0] != '[')
        host_len = strcspn(authority, ":/");
    if (host_len == 0)
        return expected;
    if (!is_port_suffix(authority + host_len, authority_len - host_len))
        return "the port must be a number from 1 to 65535";
    return NULL;
}

bool cg_octi_check_url(const char *text, char *reason, size_t size)
{
    const char *problem = find_url_problem(text);

    if (!problem)
        return true;
    snprintf(reason, size, "%s", problem);
    return false;
}

size_t cg_octi_find_bad_byte(const char *text, bool token)
{
    for (size_t i = 0; text[i]; i++) {
        unsigned char c = (unsigned char)text[i];

        if (c < 0x20 || c == 0x7f || (token && (c == ' ' || c > 0x7e)))
            return i + 1;
    }
    return 0;
}

bool cg_octi_check_file(const char *path, char *reason, size_t size)
{
    struct stat st;
    int fd;

    if (stat(path, &st) != 0) {
        snprintf(reason, size, "cannot read the file: %s", strerror(errno));
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(reason, size, "not a regular file");
        return false;
    }
    /* O_NONBLOCK: a FIFO put in place after the stat must not block. */
    fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(reason, size, "cannot read the file: %s", strerror(errno));
        return false;
    }
    close(fd);
    return true;
}

/* Checks the folder that will hold the database and its journal files. */
static bool check_db_folder(const char *folder, char *reason, size_t size)
{
    struct stat st;

    if (stat(folder, &st) != 0 && errno == ENOENT) {
        snprintf(reason, size,
                 "the folder %.200s does not exist; create it first", folder);
        return false;
    }
    if (stat(folder, &st) != 0) {
        snprintf(reason, size, "cannot open the folder %.200s: %s", folder,
                 strerror(errno));
        return false;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(reason, size, "%.200s is not a folder", folder);
        return false;
    }
    if (access(folder, W_OK | X_OK) != 0) {
        snprintf(reason, size,
                 "the folder %.200s is not writable, and SQLite creates its "
                 "journal files there",
                 folder);
        return false;
    }
    return true;
}

bool cg_octi_check_db_file(const char *path, char *reason, size_t size)
{
    const char *slash = strrchr(path, '/');
    char folder[4096];
    struct stat st;

    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            snprintf(reason, size,
                     "this is a folder; give the path of a file in it");
            return false;
        }
        if (access(path, R_OK | W_OK) != 0) {
            snprintf(reason, size, "cannot open the database for writing: %s",
                     strerror(errno));
            return false;
        }
    }
    if (slash && (size_t)(slash - path) >= sizeof(folder)) {
        snprintf(reason, size, "the path is longer than %zu bytes",
                 sizeof(folder) - 1);
        return false;
    }
    if (!slash)
        snprintf(folder, sizeof(folder), ".");
    else if (slash == path)
        snprintf(folder, sizeof(folder), "/");
    else
        snprintf(folder, sizeof(folder), "%.*s", (int)(slash - path), path);
    return check_db_folder(folder, reason, size);
}
