/*
 * The indicator parser. It trims and checks the raw bytes, refangs them,
 * decides between IP address, CIDR block, domain name and URL, and builds
 * the canonical value. Byte-level checks live in text.c, IP details in
 * ipaddr.c, domain names in hostname.c, defang forms in refang.c and URLs
 * in url.c.
 */
#include "input/indicator.h"

#include "input/parse.h"
#include "input/refang.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cg_kind_name(enum cg_kind kind)
{
    switch (kind) {
    case CG_KIND_IPV4:
        return "ipv4";
    case CG_KIND_IPV6:
        return "ipv6";
    case CG_KIND_CIDR:
        return "cidr";
    case CG_KIND_DOMAIN:
        return "domain";
    case CG_KIND_URL:
        return "url";
    case CG_KIND_NONE:
        break;
    }
    return "none";
}

static void reset_indicator(struct cg_indicator *ind)
{
    memset(ind, 0, sizeof(*ind));
    ind->kind = CG_KIND_NONE;
    ind->host_kind = CG_KIND_NONE;
    ind->port = -1;
    ind->prefix = -1;
}

void cg_indicator_release(struct cg_indicator *ind)
{
    if (!ind)
        return;
    free(ind->value);
    free(ind->display);
    free(ind->host);
    reset_indicator(ind);
}

/*
 * Returns true when every dot-separated label of host is empty, decimal
 * digits, or "0x" and hex digits, and the last one is a number: a host
 * that can only be meant as an IPv4 address.
 */
static bool looks_like_ipv4(const char *host, size_t len)
{
    size_t start = 0;

    if (!cg_ip_ends_in_number(host, len))
        return false;
    for (size_t i = 0; i <= len; i++) {
        const char *label = host + start;
        size_t label_len = i - start;

        if (i < len && host[i] != '.')
            continue;
        if (label_len > 0 && !cg_ip_ends_in_number(label, label_len))
            return false;
        start = i + 1;
    }
    return true;
}

static bool is_zone_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '~' ||
           c == '-';
}

/* Removes a zone id ("%eth0", or "%25eth0" inside URL brackets, RFC 6874)
 * from an IPv6 host, because the zone only matters on the local link. */
static bool strip_zone(const char *text, size_t *len,
                       char reason[CG_PARSE_REASON_SIZE])
{
    const char *percent = memchr(text, '%', *len);
    size_t zone_len;

    if (!percent)
        return true;
    zone_len = *len - (size_t)(percent - text) - 1;
    if (zone_len == 0) {
        snprintf(reason, CG_PARSE_REASON_SIZE,
                 "not an IPv6 address: its zone id after '%%' is empty");
        return false;
    }
    for (size_t i = 1; i <= zone_len; i++) {
        if (!is_zone_char(percent[i])) {
            snprintf(reason, CG_PARSE_REASON_SIZE,
                     "not an IPv6 address: its zone id may contain only "
                     "letters, digits, '.', '_', '~' and '-'");
            return false;
        }
    }
    *len = (size_t)(percent - text);
    return true;
}

bool cg_parse_ip_host(const char *text, size_t len, bool bracketed,
                      struct cg_ip *ip, char reason[CG_PARSE_REASON_SIZE])
{
    char sub[CG_IP_REASON_SIZE];

    if (bracketed && !memchr(text, ':', len)) {
        snprintf(reason, CG_PARSE_REASON_SIZE,
                 "not an IPv6 address, but only an IPv6 address may be in "
                 "brackets");
        return false;
    }
    if (memchr(text, ':', len)) {
        if (!strip_zone(text, &len, reason))
            return false;
        if (!cg_ip_parse_v6(text, len, ip, sub)) {
            snprintf(reason, CG_PARSE_REASON_SIZE, "not an IPv6 address: %s",
                     sub);
            return false;
        }
        return true;
    }
    if (len > 0 && text[len - 1] == '.')
        len--;
    if (!cg_ip_parse_v4(text, len, ip, sub)) {
        snprintf(reason, CG_PARSE_REASON_SIZE, "not an IPv4 address: %s", sub);
        return false;
    }
    return true;
}

void cg_parse_host_release(struct cg_parse_host *host)
{
    free(host->ascii);
    free(host->display);
    memset(host, 0, sizeof(*host));
}

static enum cg_err format_ip_host(struct cg_parse_host *host)
{
    char text[CG_IP_TEXT_SIZE];

    host->unwrapped = cg_ip_unwrap_mapped(&host->ip);
    host->kind = host->ip.kind;
    cg_ip_format(&host->ip, text);
    host->ascii = strdup(text);
    host->display = strdup(text);
    if (!host->ascii || !host->display)
        return CG_ERR_NOMEM;
    return CG_OK;
}

enum cg_err cg_parse_normalize_host(const char *text, size_t len,
                                    bool bracketed, struct cg_parse_host *host,
                                    char reason[CG_PARSE_REASON_SIZE])
{
    char sub[CG_HOSTNAME_REASON_SIZE];
    enum cg_err rc;

    memset(host, 0, sizeof(*host));
    if (bracketed || memchr(text, ':', len) || looks_like_ipv4(text, len)) {
        if (!cg_parse_ip_host(text, len, bracketed, &host->ip, reason))
            return CG_ERR_INVALID;
        return format_ip_host(host);
    }

    rc = cg_hostname_normalize(text, len, &host->ascii, &host->display, sub);
    if (rc == CG_ERR_INVALID)
        snprintf(reason, CG_PARSE_REASON_SIZE, "not a valid domain name: %s",
                 sub);
    host->kind = CG_KIND_DOMAIN;
    return rc;
}

/* Reads a port of 1 to 65535 in decimal. */
static bool parse_port(const char *text, size_t len, int *port,
                       char reason[CG_PARSE_REASON_SIZE])
{
    char quoted[CG_QUOTE_SIZE];
    long value = 0;

    if (len == 0) {
        snprintf(reason, CG_PARSE_REASON_SIZE, "the port after ':' is empty");
        return false;
    }
    for (size_t i = 0; i < len && i < 6; i++) {
        if (text[i] < '0' || text[i] > '9') {
            value = -1;
            break;
        }
        value = value * 10 + (text[i] - '0');
    }
    if (len > 5 || value < 1 || value > 65535) {
        cg_parse_quote(quoted, text, len < 16 ? len : 16);
        snprintf(reason, CG_PARSE_REASON_SIZE,
                 "port '%s' is not a number from 1 to 65535", quoted);
        return false;
    }
    *port = (int)value;
    return true;
}

/* Splits "[v6]" or "[v6]:port". */
static bool split_bracketed(const char *s, size_t len, bool in_url,
                            struct cg_parse_authority *authority,
                            char reason[CG_PARSE_REASON_SIZE])
{
    const char *close = memchr(s, ']', len);
    size_t after;

    if (!close) {
        snprintf(reason, CG_PARSE_REASON_SIZE, "its '[' has no matching ']'");
        return false;
    }
    authority->host = s + 1;
    authority->host_len = (size_t)(close - s) - 1;
    authority->bracketed = true;
    after = (size_t)(close - s) + 1;
    if (after == len)
        return true;
    if (s[after] != ':') {
        snprintf(reason, CG_PARSE_REASON_SIZE,
                 "only ':' and a port may follow the ']'");
        return false;
    }
    if (after + 1 == len && in_url)
        return true;
    return parse_port(s + after + 1, len - after - 1, &authority->port, reason);
}

bool cg_parse_split_host_port(const char *s, size_t len, bool in_url,
                              struct cg_parse_authority *authority,
                              char reason[CG_PARSE_REASON_SIZE])
{
    const char *colon;
    size_t colons = 0;

    authority->host = s;
    authority->host_len = len;
    authority->bracketed = false;
    authority->port = -1;
    if (len > 0 && s[0] == '[')
        return split_bracketed(s, len, in_url, authority, reason);

    for (size_t i = 0; i < len; i++)
        colons += s[i] == ':';
    if (colons == 0)
        return true;
    if (colons > 1) {
        if (!in_url)
            return true; /* a bare IPv6 address is never split */
        snprintf(reason, CG_PARSE_REASON_SIZE,
                 "an IPv6 host in a URL must be in brackets");
        return false;
    }

    colon = memchr(s, ':', len);
    authority->host_len = (size_t)(colon - s);
    /* The WHATWG URL Standard reads "http://host:/" as having no port. */
    if (colon + 1 == s + len && in_url)
        return true;
    return parse_port(colon + 1, len - authority->host_len - 1,
                      &authority->port, reason);
}

enum cg_err cg_parse_reject_special(struct cg_parse *parse,
                                    const struct cg_parse_host *host,
                                    bool in_url)
{
    const char *block;

    if (host->kind == CG_KIND_DOMAIN || parse->allow_private)
        return CG_OK;
    block = cg_ip_special_block(&host->ip, cg_ip_bits(&host->ip));
    if (!block)
        return CG_OK;
    if (in_url)
        return cg_error_set(parse->err, CG_ERR_PRIVATE_ADDR,
                            "'%s' has the special-purpose host address %s "
                            "in %s",
                            parse->quoted, host->ascii, block);
    if (host->unwrapped)
        return cg_error_set(parse->err, CG_ERR_PRIVATE_ADDR,
                            "'%s' is the IPv4-mapped form of %s, a "
                            "special-purpose address in %s",
                            parse->quoted, host->ascii, block);
    return cg_error_set(parse->err, CG_ERR_PRIVATE_ADDR,
                        "'%s' is a special-purpose address in %s",
                        parse->quoted, block);
}

/* Fills out for an IP address or domain name and takes ownership of the
 * strings in host. */
static enum cg_err finish_host(struct cg_parse *parse,
                               struct cg_parse_host *host, int port)
{
    struct cg_indicator *out = parse->out;
    enum cg_err rc = cg_parse_reject_special(parse, host, false);

    out->kind = host->kind;
    out->host_kind = host->kind;
    out->port = port;
    out->unwrapped = host->unwrapped;
    out->host = strdup(host->ascii);
    out->value = host->ascii;
    out->display = host->display;
    host->ascii = NULL;
    host->display = NULL;
    if (!out->host)
        return CG_ERR_NOMEM;
    return rc;
}

/* Parses "host", "host:port", "[v6]:port" or a bare IPv6 address. */
static enum cg_err parse_host_port(struct cg_parse *parse, const char *s,
                                   size_t len)
{
    char reason[CG_PARSE_REASON_SIZE];
    struct cg_parse_authority authority;
    struct cg_parse_host host;
    enum cg_err rc;

    if (!cg_parse_split_host_port(s, len, false, &authority, reason))
        return cg_error_set(parse->err, CG_ERR_INVALID,
                            "'%s' is not a valid host or host:port: %s",
                            parse->quoted, reason);
    rc = cg_parse_normalize_host(authority.host, authority.host_len,
                                 authority.bracketed, &host, reason);
    if (rc == CG_ERR_INVALID)
        rc = cg_error_set(parse->err, rc, "'%s' is %s", parse->quoted, reason);
    if (rc == CG_OK)
        rc = finish_host(parse, &host, authority.port);
    cg_parse_host_release(&host);
    return rc;
}

/* Reads a CIDR prefix length: decimal, no leading zero, at most bits. */
static bool parse_prefix(const char *text, size_t len, int bits, int *prefix,
                         char reason[CG_PARSE_REASON_SIZE])
{
    char quoted[CG_QUOTE_SIZE];
    int value = 0;

    cg_parse_quote(quoted, text, len < 16 ? len : 16);
    if (len > 1 && text[0] == '0') {
        snprintf(reason, CG_PARSE_REASON_SIZE,
                 "prefix length '%s' has a leading zero", quoted);
        return false;
    }
    for (size_t i = 0; i < len && value <= bits; i++)
        value = value * 10 + (text[i] - '0');
    if (value > bits) {
        snprintf(reason, CG_PARSE_REASON_SIZE, "prefix length %s is above %d",
                 quoted, bits);
        return false;
    }
    *prefix = value;
    return true;
}

static enum cg_err finish_cidr(struct cg_parse *parse, struct cg_ip *ip,
                               int prefix)
{
    struct cg_indicator *out = parse->out;
    char network[CG_IP_TEXT_SIZE];
    char value[CG_IP_TEXT_SIZE + 12];
    const char *block;

    cg_ip_clear_host_bits(ip, prefix);
    cg_ip_format(ip, network);
    snprintf(value, sizeof(value), "%s/%d", network, prefix);
    out->kind = CG_KIND_CIDR;
    out->host_kind = ip->kind;
    out->prefix = prefix;
    out->value = strdup(value);
    out->display = strdup(value);
    out->host = strdup(network);
    if (!out->value || !out->display || !out->host)
        return CG_ERR_NOMEM;

    block = cg_ip_special_block(ip, prefix);
    if (block && !parse->allow_private)
        return cg_error_set(parse->err, CG_ERR_PRIVATE_ADDR,
                            "'%s' is the CIDR block %s, inside the "
                            "special-purpose block %s",
                            parse->quoted, value, block);
    return cg_error_set(parse->err, CG_ERR_CIDR_RANGE,
                        "'%s' is the CIDR block %s, which covers more than "
                        "one address. Blocks are not expanded, so list the "
                        "addresses to look up one by one.",
                        parse->quoted, value);
}

/*
 * Parses "address/prefix". A /32 or /128 is one address. A wider block is
 * normalised to its network address and reported as CG_ERR_CIDR_RANGE.
 */
static enum cg_err parse_cidr(struct cg_parse *parse, const char *host,
                              size_t host_len, const char *prefix_text,
                              size_t prefix_len)
{
    char reason[CG_PARSE_REASON_SIZE];
    struct cg_parse_host single;
    bool bracketed =
        host_len >= 2 && host[0] == '[' && host[host_len - 1] == ']';
    struct cg_ip ip;
    bool unwrapped;
    int prefix;
    enum cg_err rc;

    if (bracketed) {
        host++;
        host_len -= 2;
    }
    if (!cg_parse_ip_host(host, host_len, bracketed, &ip, reason))
        return cg_error_set(parse->err, CG_ERR_INVALID,
                            "'%s' is not a valid CIDR block: its address is "
                            "%s",
                            parse->quoted, reason);
    if (!parse_prefix(prefix_text, prefix_len, cg_ip_bits(&ip), &prefix,
                      reason))
        return cg_error_set(parse->err, CG_ERR_INVALID,
                            "'%s' is not a valid CIDR block: %s", parse->quoted,
                            reason);

    /* ::ffff:a.b.c.0/120 is the IPv4 block a.b.c.0/24. */
    unwrapped = prefix >= 96 && cg_ip_unwrap_mapped(&ip);
    if (unwrapped)
        prefix -= 96;
    parse->out->unwrapped = unwrapped;
    if (prefix < cg_ip_bits(&ip))
        return finish_cidr(parse, &ip, prefix);

    memset(&single, 0, sizeof(single));
    single.ip = ip;
    rc = format_ip_host(&single);
    single.unwrapped = unwrapped;
    if (rc == CG_OK)
        rc = finish_host(parse, &single, -1);
    cg_parse_host_release(&single);
    return rc;
}

static bool is_digits(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return len > 0;
}

/* Returns true when "host/prefix" should be read as a CIDR block rather
 * than a URL without a scheme. */
static bool is_cidr_form(const char *host, size_t host_len, const char *prefix,
                         size_t prefix_len)
{
    size_t colons = 0;

    if (!is_digits(prefix, prefix_len))
        return false;
    if (host_len >= 2 && host[0] == '[' && host[host_len - 1] == ']')
        return true;
    for (size_t i = 0; i < host_len; i++)
        colons += host[i] == ':';
    if (colons >= 2)
        return true;
    return colons == 0 && looks_like_ipv4(host, host_len);
}

/* Returns the length of the RFC 3986 scheme before "://" that s starts
 * with, or 0. */
static size_t scheme_length(const char *s, size_t len)
{
    size_t n = 0;

    while (n + 2 < len && !(s[n] == ':' && s[n + 1] == '/' && s[n + 2] == '/'))
        n++;
    if (n + 2 >= len || n == 0)
        return 0;
    if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return 0;
    for (size_t i = 1; i < n; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))
            return 0;
    }
    return n;
}

/*
 * For a scheme other than http and https (tcp://, udp://, ssh://, rdp://,
 * ftp:// and any other), the indicator is the host with its port, so the
 * path is ignored. The Criminal IP domain endpoints scan web sites, so the
 * host is what can be looked up.
 * NOTE: how the real API responds to an ftp:// URL is unverified. cip-sim
 * rejects it as an invalid query, which costs a call.
 */
static enum cg_err parse_transport(struct cg_parse *parse, const char *rest,
                                   size_t len)
{
    char reason[CG_PARSE_REASON_SIZE];
    struct cg_parse_authority authority;
    struct cg_parse_host host;
    size_t authority_len = cg_parse_authority_length(rest, len);
    enum cg_err rc;

    cg_parse_strip_userinfo(&rest, &authority_len);
    if (!cg_parse_split_host_port(rest, authority_len, true, &authority,
                                  reason))
        return cg_error_set(parse->err, CG_ERR_INVALID,
                            "'%s' has an invalid authority: %s", parse->quoted,
                            reason);
    if (authority.host_len == 0)
        return cg_error_set(parse->err, CG_ERR_INVALID,
                            "'%s' has no host after the scheme", parse->quoted);
    rc = cg_parse_normalize_host(authority.host, authority.host_len,
                                 authority.bracketed, &host, reason);
    if (rc == CG_ERR_INVALID)
        rc = cg_error_set(parse->err, rc, "'%s' has a host that is %s",
                          parse->quoted, reason);
    if (rc == CG_OK)
        rc = finish_host(parse, &host, authority.port);
    cg_parse_host_release(&host);
    return rc;
}

/* Classifies the refanged value and fills parse->out. */
static enum cg_err parse_value(struct cg_parse *parse, const char *s,
                               size_t len)
{
    size_t scheme_len = scheme_length(s, len);
    size_t delimiter;

    if (scheme_len > 0) {
        const char *rest = s + scheme_len + 3;
        size_t rest_len = len - scheme_len - 3;

        if (cg_url_is_web_scheme(s, scheme_len))
            return cg_url_parse(parse, s, scheme_len, rest, rest_len);
        return parse_transport(parse, rest, rest_len);
    }
    /* A scheme-relative "//host/path" is read as http. */
    if (len >= 2 && s[0] == '/' && s[1] == '/')
        return cg_url_parse(parse, "http", 4, s + 2, len - 2);

    delimiter = cg_parse_authority_length(s, len);
    if (delimiter == len)
        return parse_host_port(parse, s, len);
    if (s[delimiter] == '/' &&
        is_cidr_form(s, delimiter, s + delimiter + 1, len - delimiter - 1))
        return parse_cidr(parse, s, delimiter, s + delimiter + 1,
                          len - delimiter - 1);
    /* "example.com/login.php" is a URL without its scheme. */
    return cg_url_parse(parse, "http", 4, s, len);
}

/*
 * Replaces the error for an invalid value with commas, such as a row of
 * Criminal IP's C2 feed without the file's header row
 * ("1.2.3.4,c2_covenant,443,..."), when its first comma-separated field is
 * an indicator. The field is not used in place of the value, because
 * commas may also join several values on one line, and all but the first
 * would be dropped without a word. Returns CG_ERR_INVALID (or
 * CG_ERR_NOMEM), keeping the original message when the rule does not
 * apply.
 */
static enum cg_err explain_csv_row(struct cg_parse *parse, const char *s,
                                   size_t len)
{
    const char *comma = memchr(s, ',', len);
    struct cg_parse_opts opts = {.allow_private = true};
    struct cg_indicator field;
    char quoted[CG_QUOTE_SIZE];
    size_t field_len;
    enum cg_err rc;

    if (!comma)
        return CG_ERR_INVALID;
    field_len = (size_t)(comma - s);
    /* The field has no comma, so this call does not come back here. */
    rc = cg_indicator_parse(s, field_len, &opts, &field, NULL);
    cg_indicator_release(&field);
    if (rc == CG_ERR_NOMEM)
        return rc;
    if (rc == CG_ERR_INVALID || rc == CG_ERR_TOO_LARGE)
        return CG_ERR_INVALID;

    cg_parse_quote(quoted, s, field_len);
    return cg_error_set(parse->err, CG_ERR_INVALID,
                        "'%s' looks like a CSV row: its first field '%s' is "
                        "an indicator. Start the file with its CSV header "
                        "row so that only the first column is read, or put "
                        "one value on each line",
                        parse->quoted, quoted);
}

enum cg_err cg_indicator_parse(const char *raw, size_t len,
                               const struct cg_parse_opts *opts,
                               struct cg_indicator *out, struct cg_error *err)
{
    struct cg_parse parse;
    size_t start = 0;
    size_t end = len;
    char *refanged = NULL;
    size_t refanged_len;
    enum cg_err rc;

    reset_indicator(out);
    if (!raw) {
        raw = "";
        len = 0;
        end = 0;
    }
    memset(&parse, 0, sizeof(parse));
    parse.allow_private = opts && opts->allow_private;
    parse.out = out;
    parse.err = err;

    cg_parse_trim(raw, &start, &end);
    cg_parse_quote(parse.quoted, raw + start, end - start);
    if (len > CG_INDICATOR_MAX)
        return cg_error_set(err, CG_ERR_TOO_LARGE,
                            "'%s' is %zu bytes long, above the maximum of %d "
                            "bytes",
                            parse.quoted, len, CG_INDICATOR_MAX);
    if (start == end)
        return cg_error_set(err, CG_ERR_INVALID,
                            "the value is empty: expected an IP address, "
                            "CIDR block, domain name or URL");
    rc = cg_parse_check_bytes(&parse, raw + start, end - start);
    if (rc != CG_OK)
        return rc;

    refanged = malloc(end - start + 1);
    if (!refanged)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    refanged_len =
        cg_refang(raw + start, end - start, refanged, &out->defanged);
    rc = cg_parse_check_whitespace(&parse, refanged, refanged_len);
    if (rc == CG_OK && refanged_len == 0)
        rc = cg_error_set(err, CG_ERR_INVALID, "'%s' is empty after refanging",
                          parse.quoted);
    if (rc == CG_OK)
        rc = parse_value(&parse, refanged, refanged_len);
    free(refanged);
    if (rc == CG_ERR_INVALID)
        rc = explain_csv_row(&parse, raw + start, end - start);

    if (rc == CG_ERR_NOMEM)
        cg_error_set(err, rc, "out of memory while parsing '%s'", parse.quoted);
    if (rc != CG_OK && rc != CG_ERR_PRIVATE_ADDR && rc != CG_ERR_CIDR_RANGE)
        cg_indicator_release(out);
    return rc;
}
