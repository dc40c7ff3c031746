/*
 * URLs with a web scheme: http and https. The canonical form
 * has a lower-case scheme, the normalised host (A-label, dotted IPv4 or
 * bracketed RFC 5952 IPv6), no user-info, no default port and no
 * fragment. The path and query are kept byte for byte, except that the
 * HTML entity "&amp;" becomes "&", because feeds copied from web pages
 * carry it.
 */
#include "core/buf.h"
#include "input/parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct web_scheme {
    const char *name;
    int default_port;
};

static const struct web_scheme web_schemes[] = {
    {"http", 80},
    {"https", 443},
};

static char to_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static const struct web_scheme *find_web_scheme(const char *s, size_t len)
{
    for (size_t i = 0; i < CG_ARRAY_LEN(web_schemes); i++) {
        const char *name = web_schemes[i].name;
        size_t j = 0;

        if (strlen(name) != len)
            continue;
        while (j < len && to_lower(s[j]) == name[j])
            j++;
        if (j == len)
            return &web_schemes[i];
    }
    return NULL;
}

bool cg_url_is_web_scheme(const char *scheme, size_t len)
{
    return find_web_scheme(scheme, len) != NULL;
}

size_t cg_parse_authority_length(const char *s, size_t len)
{
    /* The WHATWG URL Standard ends the authority of an http, https or ftp
     * URL at '\' too, so "http://evil.example\@good.example/" goes to
     * evil.example, and so must the indicator. */
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '/' || s[i] == '\\' || s[i] == '?' || s[i] == '#')
            return i;
    }
    return len;
}

void cg_parse_strip_userinfo(const char **s, size_t *len)
{
    /* The host follows the last '@'. Credentials such as those in
     * "http://user:pass@host/" are not part of the indicator, so they are
     * dropped. */
    for (size_t i = *len; i > 0; i--) {
        if ((*s)[i - 1] == '@') {
            *s += i;
            *len -= i;
            return;
        }
    }
}

/*
 * Appends the path and query, up to any fragment, with "&amp;" decoded.
 * The check runs again after each decoding, so "&amp;amp;" becomes "&" as
 * well and parsing the result again changes nothing.
 */
static enum cg_err append_path(struct cg_buf *buf, const char *path, size_t len)
{
    const char *hash = memchr(path, '#', len);
    size_t start = buf->len;
    enum cg_err rc = CG_OK;

    if (hash)
        len = (size_t)(hash - path);
    if (len == 0 || path[0] == '?')
        rc = cg_buf_putc(buf, '/');

    for (size_t i = 0; i < len && rc == CG_OK; i++) {
        rc = cg_buf_putc(buf, path[i]);
        if (rc == CG_OK && buf->len - start >= 5 &&
            memcmp(buf->data + buf->len - 5, "&amp;", 5) == 0) {
            buf->len -= 4;
            buf->data[buf->len] = '\0';
        }
    }
    return rc;
}

static enum cg_err build_url(struct cg_buf *buf,
                             const struct web_scheme *scheme,
                             enum cg_kind host_kind, const char *host, int port,
                             const char *path, size_t path_len)
{
    enum cg_err rc = cg_buf_puts(buf, scheme->name);

    if (rc == CG_OK)
        rc = cg_buf_puts(buf, "://");
    if (rc == CG_OK && host_kind == CG_KIND_IPV6)
        rc = cg_buf_printf(buf, "[%s]", host);
    else if (rc == CG_OK)
        rc = cg_buf_puts(buf, host);
    if (rc == CG_OK && port >= 0)
        rc = cg_buf_printf(buf, ":%d", port);
    if (rc == CG_OK)
        rc = append_path(buf, path, path_len);
    return rc;
}

/* Fills parse->out from the parts and takes ownership of host's strings. */
static enum cg_err finish_url(struct cg_parse *parse,
                              const struct web_scheme *scheme,
                              struct cg_parse_host *host, int port,
                              const char *path, size_t path_len)
{
    struct cg_indicator *out = parse->out;
    struct cg_buf value = CG_BUF_INIT;
    struct cg_buf display = CG_BUF_INIT;
    enum cg_err rc;

    rc = build_url(&value, scheme, host->kind, host->ascii, port, path,
                   path_len);
    if (rc == CG_OK)
        rc = build_url(&display, scheme, host->kind, host->display, port, path,
                       path_len);
    if (rc != CG_OK)
        goto out;

    out->kind = CG_KIND_URL;
    out->host_kind = host->kind;
    out->port = port;
    out->unwrapped = host->unwrapped;
    out->value = cg_buf_detach(&value);
    out->display = cg_buf_detach(&display);
    if (!out->value || !out->display) {
        rc = CG_ERR_NOMEM;
        goto out;
    }
    rc = cg_parse_reject_special(parse, host, true);
    out->host = host->ascii;
    host->ascii = NULL;

out:
    cg_buf_release(&value);
    cg_buf_release(&display);
    return rc;
}

enum cg_err cg_url_parse(struct cg_parse *parse, const char *scheme_text,
                         size_t scheme_len, const char *rest, size_t len)
{
    const struct web_scheme *scheme = find_web_scheme(scheme_text, scheme_len);
    size_t authority_len = cg_parse_authority_length(rest, len);
    const char *path = rest + authority_len;
    size_t path_len = len - authority_len;
    char reason[CG_PARSE_REASON_SIZE];
    struct cg_parse_authority authority;
    struct cg_parse_host host;
    int port;
    enum cg_err rc;

    if (!scheme)
        return cg_error_set(parse->err, CG_ERR_INVALID,
                            "'%s' does not have a web scheme", parse->quoted);
    cg_parse_strip_userinfo(&rest, &authority_len);
    if (!cg_parse_split_host_port(rest, authority_len, true, &authority,
                                  reason))
        return cg_error_set(parse->err, CG_ERR_INVALID,
                            "'%s' is not a valid URL: %s", parse->quoted,
                            reason);
    if (authority.host_len == 0)
        return cg_error_set(parse->err, CG_ERR_INVALID,
                            "'%s' is not a valid URL: its host is empty",
                            parse->quoted);

    rc = cg_parse_normalize_host(authority.host, authority.host_len,
                                 authority.bracketed, &host, reason);
    if (rc == CG_ERR_INVALID)
        rc = cg_error_set(parse->err, rc,
                          "'%s' is not a valid URL: its host is %s",
                          parse->quoted, reason);
    port = authority.port == scheme->default_port ? -1 : authority.port;
    if (rc == CG_OK)
        rc = finish_url(parse, scheme, &host, port, path, path_len);
    cg_parse_host_release(&host);
    return rc;
}
