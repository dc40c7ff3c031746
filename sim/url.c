/*
 * Query parsing for the domain endpoints. The rules are deliberately simple:
 * the simulator needs a stable key and a host, not a full RFC 3986 parser.
 * Host labels may contain underscores because real phishing hosts do.
 */
#include "url.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool valid_label(const char *label, size_t len)
{
    if (len == 0 || len > 63)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)label[i];

        if (!isalnum(c) && c != '-' && c != '_')
            return false;
    }
    return true;
}

static bool valid_host_name(const char *host)
{
    size_t labels = 0;
    const char *start = host;
    const char *last = host;

    if (*host == '\0' || strlen(host) > CG_SIM_HOST_MAX)
        return false;
    for (const char *p = host;; p++) {
        if (*p == '.' || *p == '\0') {
            if (!valid_label(start, (size_t)(p - start)))
                return false;
            labels++;
            last = start;
            if (*p == '\0')
                break;
            start = p + 1;
        }
    }
    /* A name needs a top-level label that is not all digits ("1.2.3"). */
    return labels >= 2 && strspn(last, "0123456789") != strlen(last);
}

static bool parse_port(const char *text, size_t len)
{
    unsigned long port = 0;

    if (len == 0 || len > 5)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)text[i]))
            return false;
        port = port * 10 + (unsigned long)(text[i] - '0');
    }
    return port >= 1 && port <= 65535;
}

/* Splits "host", "host:port" or "[v6]:port" and validates both parts. */
static bool parse_host_port(const char *text, size_t len,
                            struct cg_sim_target *target, size_t *host_len)
{
    const char *host = text;
    const char *colon;
    char v6[CG_SIM_HOST_MAX + 1];
    unsigned char bytes[16];

    if (len && text[0] == '[') {
        const char *close = memchr(text, ']', len);

        if (!close || (size_t)(close - text - 1) >= sizeof(v6))
            return false;
        memcpy(v6, text + 1, (size_t)(close - text - 1));
        v6[close - text - 1] = '\0';
        if (inet_pton(AF_INET6, v6, bytes) != 1)
            return false;
        if (close + 1 < text + len &&
            (close[1] != ':' ||
             !parse_port(close + 2, (size_t)(text + len - close - 2))))
            return false;
        snprintf(target->host, sizeof(target->host), "%s", v6);
        target->host_is_ipv6 = true;
        *host_len = (size_t)(close - text + 1);
        return true;
    }
    colon = memchr(text, ':', len);
    *host_len = colon ? (size_t)(colon - text) : len;
    if (colon && !parse_port(colon + 1, len - *host_len - 1))
        return false;
    if (*host_len == 0 || *host_len > CG_SIM_HOST_MAX)
        return false;
    for (size_t i = 0; i < *host_len; i++)
        target->host[i] = (char)tolower((unsigned char)host[i]);
    target->host[*host_len] = '\0';
    if (target->host[*host_len - 1] == '.')
        target->host[*host_len - 1] = '\0';
    if (inet_pton(AF_INET, target->host, bytes) == 1) {
        target->host_is_ipv4 = true;
        return true;
    }
    return valid_host_name(target->host);
}

static bool has_blank_or_control(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];

        if (c <= 0x20 || c == 0x7f)
            return true;
    }
    return false;
}

/* A piece of the query text, not NUL-terminated. */
struct span {
    const char *text;
    size_t len;
};

/* Trims blanks and checks the scheme. Returns the rest after "http://" or
 * "https://", or the whole text when it has no scheme. */
static bool strip_scheme(const char *text, struct cg_sim_target *target,
                         struct span *rest)
{
    size_t len;

    while (*text && isspace((unsigned char)*text))
        text++;
    len = strlen(text);
    while (len && isspace((unsigned char)text[len - 1]))
        len--;
    if (len == 0 || len > CG_SIM_QUERY_MAX || has_blank_or_control(text, len))
        return false;
    rest->text = text;
    rest->len = len;
    if (len >= 7 && strncasecmp(text, "http://", 7) == 0) {
        rest->text += 7;
    } else if (len >= 8 && strncasecmp(text, "https://", 8) == 0) {
        rest->text += 8;
        target->https = true;
    } else if (strstr(text, "://") && strstr(text, "://") < text + len) {
        return false;
    }
    rest->len -= (size_t)(rest->text - text);
    return true;
}

/* Splits the rest into the authority without user information and the
 * path and query without a fragment, which never reaches a server. */
static void split_authority(struct span rest, struct span *authority,
                            struct span *tail)
{
    const char *hash;

    authority->text = rest.text;
    authority->len = strcspn(rest.text, "/?#");
    if (authority->len > rest.len)
        authority->len = rest.len;
    tail->text = rest.text + authority->len;
    tail->len = rest.len - authority->len;
    hash = memchr(tail->text, '#', tail->len);
    if (hash)
        tail->len = (size_t)(hash - tail->text);
    for (size_t i = authority->len; i > 0; i--) {
        if (authority->text[i - 1] == '@') {
            authority->text += i;
            authority->len -= i;
            break;
        }
    }
}

/* Writes url and canonical from the parsed host, the text that follows
 * the host in the authority (a port, or the whole bracketed IPv6 literal)
 * and the tail. */
static bool write_forms(struct cg_sim_target *target, struct span after_host,
                        struct span tail)
{
    const char *host = target->host_is_ipv6 ? "" : target->host;
    int n;

    n = snprintf(target->url, sizeof(target->url), "%s://%s%.*s%.*s",
                 target->https ? "https" : "http", host, (int)after_host.len,
                 after_host.text, (int)tail.len, tail.text);
    if (n < 0 || (size_t)n >= sizeof(target->url))
        return false;
    target->path_offset = (size_t)n - tail.len;

    if (tail.len == 1 && tail.text[0] == '/')
        tail.len = 0;
    n = snprintf(target->canonical, sizeof(target->canonical), "%s%.*s%.*s",
                 host, (int)after_host.len, after_host.text, (int)tail.len,
                 tail.text);
    return n >= 0 && (size_t)n < sizeof(target->canonical);
}

bool cg_sim_target_parse(const char *text, struct cg_sim_target *target)
{
    struct span rest;
    struct span authority;
    struct span tail;
    struct span after_host;
    size_t host_len;

    memset(target, 0, sizeof(*target));
    if (!strip_scheme(text, target, &rest))
        return false;
    split_authority(rest, &authority, &tail);
    if (!parse_host_port(authority.text, authority.len, target, &host_len))
        return false;
    /* An IPv6 literal keeps its brackets, so the whole authority follows
     * the (empty) printed host. */
    after_host = authority;
    if (!target->host_is_ipv6) {
        after_host.text += host_len;
        after_host.len -= host_len;
    }
    return write_forms(target, after_host, tail);
}

void cg_sim_main_domain(const char *host, char *out, size_t size)
{
    const char *last_dot = strrchr(host, '.');
    const char *start = host;
    unsigned char bytes[16];

    if (last_dot && inet_pton(AF_INET, host, bytes) != 1 &&
        !strchr(host, ':')) {
        for (const char *p = last_dot - 1; p >= host; p--) {
            if (*p == '.') {
                start = p + 1;
                break;
            }
        }
    }
    snprintf(out, size, "%s", start);
}
