/*
 * State and helpers that indicator.c and url.c share while parsing one
 * indicator. Internal to src/input.
 */
#ifndef CG_INPUT_PARSE_H
#define CG_INPUT_PARSE_H

#include "input/hostname.h"
#include "input/indicator.h"
#include "input/ipaddr.h"

/* Maximum bytes of a value quoted in an error message, and the size of the
 * buffer that contains it with a "..." mark and the NUL. */
#define CG_QUOTE_MAX  120
#define CG_QUOTE_SIZE (CG_QUOTE_MAX + 4)

/* Size of the buffer for the reason part of a message. */
#define CG_PARSE_REASON_SIZE 256

/* State of one cg_indicator_parse call. */
struct cg_parse {
    bool allow_private;
    struct cg_indicator *out;
    struct cg_error *err;
    char quoted[CG_QUOTE_SIZE]; /* the trimmed raw value, for messages */
};

/* A normalised host. Release with cg_parse_host_release. */
struct cg_parse_host {
    enum cg_kind kind; /* CG_KIND_IPV4, CG_KIND_IPV6 or CG_KIND_DOMAIN */
    struct cg_ip ip;   /* the address, when kind is IPV4 or IPV6 */
    bool unwrapped;    /* ip was an IPv4-mapped IPv6 address */
    char *ascii;       /* canonical text: dotted IPv4, RFC 5952, A-label */
    char *display;     /* U-label form for a domain, else a copy of ascii */
};

/* The host and port of "host:port" or "[v6]:port", borrowed from the
 * input. */
struct cg_parse_authority {
    const char *host; /* without the brackets */
    size_t host_len;
    bool bracketed;
    int port; /* -1 when absent */
};

/*
 * Writes up to CG_QUOTE_MAX bytes of s into out for an error message,
 * cut at a character boundary and followed by "..." when cut. Control
 * characters and bytes that are not valid UTF-8 become \xNN.
 */
void cg_parse_quote(char out[CG_QUOTE_SIZE], const char *s, size_t len);

/* Moves *start and *end inward past whitespace, ASCII or Unicode. */
void cg_parse_trim(const char *s, size_t *start, size_t *end);

/*
 * Returns CG_ERR_INVALID with a message for bytes that are not valid UTF-8
 * and for control characters (tab and space excepted), else CG_OK.
 */
enum cg_err cg_parse_check_bytes(struct cg_parse *parse, const char *s,
                                 size_t len);

/* Returns CG_ERR_INVALID with a message when s contains whitespace. */
enum cg_err cg_parse_check_whitespace(struct cg_parse *parse, const char *s,
                                      size_t len);

/*
 * Parses an IP address used as a host: IPv6 (a zone id is removed) when
 * text contains ':' or was in brackets, else strict IPv4 after one
 * trailing dot is removed. On failure writes a reason such as "not an IPv4
 * address: octet 999 is above 255".
 */
bool cg_parse_ip_host(const char *text, size_t len, bool bracketed,
                      struct cg_ip *ip, char reason[CG_PARSE_REASON_SIZE]);

/*
 * Normalises a host: an IP address (IPv4-mapped IPv6 is unwrapped) or a
 * domain name. Returns CG_OK, CG_ERR_INVALID with a reason that completes
 * "... is " (such as "not a valid domain name: ..."), or CG_ERR_NOMEM.
 * host must be released in every case.
 */
enum cg_err
cg_parse_normalize_host(const char *text, size_t len, bool bracketed,
                        struct cg_parse_host *host,
                        char reason[CG_PARSE_REASON_SIZE]) CG_WARN_UNUSED;

void cg_parse_host_release(struct cg_parse_host *host);

/*
 * Splits s into host and port. Outside a URL (in_url false), an unbracketed
 * value with two or more colons is an IPv6 address and is not split. Inside
 * a URL such a value is an error, and an empty port means no port.
 */
bool cg_parse_split_host_port(const char *s, size_t len, bool in_url,
                              struct cg_parse_authority *authority,
                              char reason[CG_PARSE_REASON_SIZE]);

/*
 * Returns CG_ERR_PRIVATE_ADDR with a message when host is a special-purpose
 * address and private addresses are not allowed, else CG_OK.
 */
enum cg_err cg_parse_reject_special(struct cg_parse *parse,
                                    const struct cg_parse_host *host,
                                    bool in_url);

/* Returns the length of the authority at the start of s: the bytes before
 * the first '/', '\', '?' or '#'. */
size_t cg_parse_authority_length(const char *s, size_t len);

/* Moves *s past the user-info of an authority ("user:pass@"), if any. */
void cg_parse_strip_userinfo(const char **s, size_t *len);

/* Returns true for http and https, in any case. */
bool cg_url_is_web_scheme(const char *scheme, size_t len);

/*
 * Parses the part of a web URL after "scheme://" into parse->out. Returns
 * CG_OK, CG_ERR_INVALID, CG_ERR_PRIVATE_ADDR for a special-purpose host
 * address (out filled) or CG_ERR_NOMEM.
 */
enum cg_err cg_url_parse(struct cg_parse *parse, const char *scheme,
                         size_t scheme_len, const char *rest,
                         size_t len) CG_WARN_UNUSED;

#endif /* CG_INPUT_PARSE_H */
