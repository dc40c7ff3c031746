/*
 * Indicator parsing: classification, refanging, IDNA, RFC 5952 text,
 * IPv4-mapped unwrapping, CIDR blocks, URLs, special-purpose addresses and
 * malformed input. Most cases come from public threat feeds.
 */
/* cmocka.h needs these three headers first. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
/* clang-format on */

#include "input/indicator.h"
#include "input/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE   CG_KIND_NONE
#define IPV4   CG_KIND_IPV4
#define IPV6   CG_KIND_IPV6
#define CIDR   CG_KIND_CIDR
#define DOMAIN CG_KIND_DOMAIN
#define URL    CG_KIND_URL

/*
 * One row: the raw input and everything cg_indicator_parse must return.
 * value, display and host are NULL when out must be empty. message is a
 * part that the error message must contain, or NULL.
 */
struct parse_case {
    const char *raw;
    enum cg_err rc;
    enum cg_kind kind;
    const char *value;
    const char *display;
    const char *host;
    enum cg_kind host_kind;
    int port;
    int prefix;
    bool defanged;
    bool unwrapped;
    const char *message;
};

static const struct parse_case cases[] = {
    /* Real-world values from threat reports and public feeds. */
    {"192[.]168[.]0[.]1", CG_ERR_PRIVATE_ADDR, IPV4, "192.168.0.1",
     "192.168.0.1", "192.168.0.1", IPV4, -1, -1, true, false,
     "'192[.]168[.]0[.]1' is a special-purpose address in 192.168.0.0/16 "
     "(private-use, RFC 1918)"},
    {"test[.]google[.]com", CG_OK, DOMAIN, "test.google.com", "test.google.com",
     "test.google.com", DOMAIN, -1, -1, true, false, NULL},
    {"https://x.blogspot[.com/", CG_OK, URL, "https://x.blogspot.com/",
     "https://x.blogspot.com/", "x.blogspot.com", DOMAIN, -1, -1, true, false,
     NULL},
    {"hxxps://evil[.]com/Login?A=B", CG_OK, URL, "https://evil.com/Login?A=B",
     "https://evil.com/Login?A=B", "evil.com", DOMAIN, -1, -1, true, false,
     NULL},
    {"HTTP://Example.COM/Path?Q=Upper", CG_OK, URL,
     "http://example.com/Path?Q=Upper", "http://example.com/Path?Q=Upper",
     "example.com", DOMAIN, -1, -1, false, false, NULL},
    {"foobar.example.", CG_OK, DOMAIN, "foobar.example", "foobar.example",
     "foobar.example", DOMAIN, -1, -1, false, false, NULL},
    {"l\xc3\xb8veskateboards.com", CG_OK, DOMAIN, "xn--lveskateboards-qqb.com",
     "l\xc3\xb8veskateboards.com", "xn--lveskateboards-qqb.com", DOMAIN, -1, -1,
     false, false, NULL},
    /* Not the same name as the one above: this A-label decodes to
     * "lveskateboñards". */
    {"xn--lveskateboards-znb.com", CG_OK, DOMAIN, "xn--lveskateboards-znb.com",
     "lveskatebo\xc3\xb1"
     "ards.com",
     "xn--lveskateboards-znb.com", DOMAIN, -1, -1, false, false, NULL},
    {"2a01:0000::1", CG_OK, IPV6, "2a01::1", "2a01::1", "2a01::1", IPV6, -1, -1,
     false, false, NULL},
    {"2a01::1", CG_OK, IPV6, "2a01::1", "2a01::1", "2a01::1", IPV6, -1, -1,
     false, false, NULL},
    {"2A0B:F4C2:0001:0000:0000:0000:0000:0190", CG_OK, IPV6, "2a0b:f4c2:1::190",
     "2a0b:f4c2:1::190", "2a0b:f4c2:1::190", IPV6, -1, -1, false, false, NULL},
    {"::ffff:7f00:1", CG_ERR_PRIVATE_ADDR, IPV4, "127.0.0.1", "127.0.0.1",
     "127.0.0.1", IPV4, -1, -1, false, true,
     "IPv4-mapped form of 127.0.0.1, a special-purpose address in "
     "127.0.0.0/8 (loopback, RFC 1122)"},
    {"::ffff:192.0.2.1", CG_ERR_PRIVATE_ADDR, IPV4, "192.0.2.1", "192.0.2.1",
     "192.0.2.1", IPV4, -1, -1, false, true, "192.0.2.0/24"},
    {"::ffff:c000:201", CG_ERR_PRIVATE_ADDR, IPV4, "192.0.2.1", "192.0.2.1",
     "192.0.2.1", IPV4, -1, -1, false, true, "192.0.2.0/24"},
    {"::ffff:0:c612:1b", CG_ERR_PRIVATE_ADDR, IPV6, "::ffff:0:c612:1b",
     "::ffff:0:c612:1b", "::ffff:0:c612:1b", IPV6, -1, -1, false, false,
     "outside 2000::/3"},
    {"[2606:4700::1111]:443", CG_OK, IPV6, "2606:4700::1111", "2606:4700::1111",
     "2606:4700::1111", IPV6, 443, -1, false, false, NULL},
    {"1.1.1.1:8080", CG_OK, IPV4, "1.1.1.1", "1.1.1.1", "1.1.1.1", IPV4, 8080,
     -1, false, false, NULL},
    {"tcp://host.com:1234", CG_OK, DOMAIN, "host.com", "host.com", "host.com",
     DOMAIN, 1234, -1, false, false, NULL},
    {"192.168.0.0/24", CG_ERR_PRIVATE_ADDR, CIDR, "192.168.0.0/24",
     "192.168.0.0/24", "192.168.0.0", IPV4, -1, 24, false, false,
     "192.168.0.0/16"},
    {"1.2.3.4/24", CG_ERR_CIDR_RANGE, CIDR, "1.2.3.0/24", "1.2.3.0/24",
     "1.2.3.0", IPV4, -1, 24, false, false,
     "'1.2.3.4/24' is the CIDR block 1.2.3.0/24"},
    {"8.8.8.8/32", CG_OK, IPV4, "8.8.8.8", "8.8.8.8", "8.8.8.8", IPV4, -1, -1,
     false, false, NULL},
    {"fe80::1%eth0", CG_ERR_PRIVATE_ADDR, IPV6, "fe80::1", "fe80::1", "fe80::1",
     IPV6, -1, -1, false, false, "fe80::/10 (link-local"},
    {"100.64.0.1", CG_ERR_PRIVATE_ADDR, IPV4, "100.64.0.1", "100.64.0.1",
     "100.64.0.1", IPV4, -1, -1, false, false, "100.64.0.0/10"},
    {"224.0.0.1", CG_ERR_PRIVATE_ADDR, IPV4, "224.0.0.1", "224.0.0.1",
     "224.0.0.1", IPV4, -1, -1, false, false, "224.0.0.0/4 (multicast"},
    {"sign_adfs-07en2p.zlatanibile.workers.dev", CG_OK, DOMAIN,
     "sign_adfs-07en2p.zlatanibile.workers.dev",
     "sign_adfs-07en2p.zlatanibile.workers.dev",
     "sign_adfs-07en2p.zlatanibile.workers.dev", DOMAIN, -1, -1, false, false,
     NULL},
    {"http://sign_adfs-07en2p.zlatanibile.workers.dev/?3mail@b.c", CG_OK, URL,
     "http://sign_adfs-07en2p.zlatanibile.workers.dev/?3mail@b.c",
     "http://sign_adfs-07en2p.zlatanibile.workers.dev/?3mail@b.c",
     "sign_adfs-07en2p.zlatanibile.workers.dev", DOMAIN, -1, -1, false, false,
     NULL},
    {"https://example.com/go?to=x')", CG_OK, URL,
     "https://example.com/go?to=x')", "https://example.com/go?to=x')",
     "example.com", DOMAIN, -1, -1, false, false, NULL},
    {"https://allpl.hotperfectdeal.click/99VS6rRM?fbclid=%7Bfbclid%7D&amp;ut",
     CG_OK, URL,
     "https://allpl.hotperfectdeal.click/99VS6rRM?fbclid=%7Bfbclid%7D&ut",
     "https://allpl.hotperfectdeal.click/99VS6rRM?fbclid=%7Bfbclid%7D&ut",
     "allpl.hotperfectdeal.click", DOMAIN, -1, -1, false, false, NULL},
    {"https://cn.145manx.com:9119/home/register?code=40555", CG_OK, URL,
     "https://cn.145manx.com:9119/home/register?code=40555",
     "https://cn.145manx.com:9119/home/register?code=40555", "cn.145manx.com",
     DOMAIN, 9119, -1, false, false, NULL},
    {"https://x.g8way.io/fN?email=3mail@b.c%0D", CG_OK, URL,
     "https://x.g8way.io/fN?email=3mail@b.c%0D",
     "https://x.g8way.io/fN?email=3mail@b.c%0D", "x.g8way.io", DOMAIN, -1, -1,
     false, false, NULL},

    /* Refanging. */
    {"hXXp://example[.]com", CG_OK, URL, "http://example.com/",
     "http://example.com/", "example.com", DOMAIN, -1, -1, true, false, NULL},
    {"HXXPS://EXAMPLE.COM", CG_OK, URL, "https://example.com/",
     "https://example.com/", "example.com", DOMAIN, -1, -1, true, false, NULL},
    {"hxxp[://]example(.)com/a", CG_OK, URL, "http://example.com/a",
     "http://example.com/a", "example.com", DOMAIN, -1, -1, true, false, NULL},
    {"http[:]//example{.}com", CG_OK, URL, "http://example.com/",
     "http://example.com/", "example.com", DOMAIN, -1, -1, true, false, NULL},
    {"example[dot]com", CG_OK, DOMAIN, "example.com", "example.com",
     "example.com", DOMAIN, -1, -1, true, false, NULL},
    {"example(DOT)com", CG_OK, DOMAIN, "example.com", "example.com",
     "example.com", DOMAIN, -1, -1, true, false, NULL},
    {"example [.] com", CG_OK, DOMAIN, "example.com", "example.com",
     "example.com", DOMAIN, -1, -1, true, false, NULL},
    {"example[.com", CG_OK, DOMAIN, "example.com", "example.com", "example.com",
     DOMAIN, -1, -1, true, false, NULL},
    {"example.]com", CG_OK, DOMAIN, "example.com", "example.com", "example.com",
     DOMAIN, -1, -1, true, false, NULL},
    {"example[[.]]com", CG_OK, DOMAIN, "example.com", "example.com",
     "example.com", DOMAIN, -1, -1, true, false, NULL},
    {"1.1.1[.]1", CG_OK, IPV4, "1.1.1.1", "1.1.1.1", "1.1.1.1", IPV4, -1, -1,
     true, false, NULL},
    {"1.1.1.1[:]8080", CG_OK, IPV4, "1.1.1.1", "1.1.1.1", "1.1.1.1", IPV4, 8080,
     -1, true, false, NULL},
    {"hxxp://user[@]example[.]com/x", CG_OK, URL, "http://example.com/x",
     "http://example.com/x", "example.com", DOMAIN, -1, -1, true, false, NULL},
    {"example,com", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false,
     false, "character ','"},
    {"hxxps://evil[.]com[/]x", CG_OK, URL, "https://evil.com/x",
     "https://evil.com/x", "evil.com", DOMAIN, -1, -1, true, false, NULL},
    {"hxxp:[//]evil[.]com[/]a[/]b", CG_OK, URL, "http://evil.com/a/b",
     "http://evil.com/a/b", "evil.com", DOMAIN, -1, -1, true, false, NULL},
    {"http[:][//]evil[.]com", CG_OK, URL, "http://evil.com/",
     "http://evil.com/", "evil.com", DOMAIN, -1, -1, true, false, NULL},
    {"evil[.]com [/] login", CG_OK, URL, "http://evil.com/login",
     "http://evil.com/login", "evil.com", DOMAIN, -1, -1, true, false, NULL},
    /* Half-defanged slashes, as "[." and ".]" are for dots. */
    {"hxxp://evil[.]com/a[/b", CG_OK, URL, "http://evil.com/a/b",
     "http://evil.com/a/b", "evil.com", DOMAIN, -1, -1, true, false, NULL},
    {"evil.com/]x", CG_OK, URL, "http://evil.com/x", "http://evil.com/x",
     "evil.com", DOMAIN, -1, -1, true, false, NULL},
    {"hxxp:[//evil.com", CG_OK, URL, "http://evil.com/", "http://evil.com/",
     "evil.com", DOMAIN, -1, -1, true, false, NULL},

    /* Domain names. */
    {"Example.COM", CG_OK, DOMAIN, "example.com", "example.com", "example.com",
     DOMAIN, -1, -1, false, false, NULL},
    {"example.com..", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1,
     false, false, "empty label"},
    {".example.com", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1,
     false, false, "empty label"},
    {"IP", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false, false,
     "'IP' is not a valid domain name: it has no dot"},
    {"localhost", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false,
     false, "not public domain names"},
    {"localhost.", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false,
     false, "no dot"},
    {"example.123", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false,
     false, "top-level label is a number"},
    {"example.0x1f", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1,
     false, false, "top-level label is a number"},
    /* U+FF0E is a full stop under UTS #46, so this is "0x.0x.0x". */
    {"0x.0x\xef\xbc\x8e"
     "0x",
     CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false, false,
     "top-level label is a number"},
    {"user@example.com", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1,
     false, false, "e-mail address"},
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com",
     CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false, false,
     "64 bytes long, above the maximum of 63"},
    {"m\xc3\xbcnchen.de", CG_OK, DOMAIN, "xn--mnchen-3ya.de",
     "m\xc3\xbcnchen.de", "xn--mnchen-3ya.de", DOMAIN, -1, -1, false, false,
     NULL},
    {"M\xc3\x9cNCHEN.DE", CG_OK, DOMAIN, "xn--mnchen-3ya.de",
     "m\xc3\xbcnchen.de", "xn--mnchen-3ya.de", DOMAIN, -1, -1, false, false,
     NULL},
    {"XN--MNCHEN-3YA.DE", CG_OK, DOMAIN, "xn--mnchen-3ya.de",
     "m\xc3\xbcnchen.de", "xn--mnchen-3ya.de", DOMAIN, -1, -1, false, false,
     NULL},
    /* UTS #46 nontransitional processing keeps the sharp s. */
    {"stra\xc3\x9f"
     "e.de",
     CG_OK, DOMAIN, "xn--strae-oqa.de",
     "stra\xc3\x9f"
     "e.de",
     "xn--strae-oqa.de", DOMAIN, -1, -1, false, false, NULL},
    /* An underscore label next to a Unicode label. */
    {"sign_in.m\xc3\xbcnchen.de", CG_OK, DOMAIN, "sign_in.xn--mnchen-3ya.de",
     "sign_in.m\xc3\xbcnchen.de", "sign_in.xn--mnchen-3ya.de", DOMAIN, -1, -1,
     false, false, NULL},
    /* Full-width letters map to ASCII under UTS #46. */
    {"\xef\xbc\xa5\xef\xbc\xb8\xef\xbc\xa1\xef\xbc\xad\xef\xbc\xb0\xef\xbc\xac"
     "\xef\xbc\xa5.com",
     CG_OK, DOMAIN, "example.com", "example.com", "example.com", DOMAIN, -1, -1,
     false, false, NULL},
    /* An emoji name is not valid IDNA 2008, so the U-label is rejected and
     * the registered A-label keeps its ASCII display. */
    {"i\xe2\x9d\xa4.ws", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1,
     false, false, "not a valid internationalized label"},
    {"xn--i-7iq.ws", CG_OK, DOMAIN, "xn--i-7iq.ws", "xn--i-7iq.ws",
     "xn--i-7iq.ws", DOMAIN, -1, -1, false, false, NULL},
    /* "xn--" labels must be Punycode that decodes to a valid UTS #46
     * label: not empty, not "zz" (bad Punycode), not U+0080. */
    {"http://xn--.com/", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1,
     false, false, "label 'xn--'"},
    {"http://xn--zz.com/", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1,
     false, false,
     "label 'xn--zz' starts with 'xn--' but is not a valid "
     "A-label"},
    {"xn--zz.com", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false,
     false, "not a valid A-label"},
    {"xn--a.com", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false,
     false, "not a valid A-label"},
    {"www.xn--zz.example.com", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1,
     -1, false, false, "not a valid A-label"},
    /* A hyphen may not start or end a label, but underscores are kept. */
    {"-a.com", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false,
     false, "label '-a' starts or ends with a hyphen"},
    {"a-.example.com", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1,
     false, false, "label 'a-' starts or ends with a hyphen"},
    {"example.com-", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1,
     false, false, "label 'com-'"},
    {"http://-evil.example.com/", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE,
     -1, -1, false, false, "label '-evil'"},
    {"a-b.example.com", CG_OK, DOMAIN, "a-b.example.com", "a-b.example.com",
     "a-b.example.com", DOMAIN, -1, -1, false, false, NULL},
    {"_dmarc.example.com", CG_OK, DOMAIN, "_dmarc.example.com",
     "_dmarc.example.com", "_dmarc.example.com", DOMAIN, -1, -1, false, false,
     NULL},
    {"sign_.example.com", CG_OK, DOMAIN, "sign_.example.com",
     "sign_.example.com", "sign_.example.com", DOMAIN, -1, -1, false, false,
     NULL},
    {"example.com:443", CG_OK, DOMAIN, "example.com", "example.com",
     "example.com", DOMAIN, 443, -1, false, false, NULL},

    /* IPv4. */
    {"8.8.8.8", CG_OK, IPV4, "8.8.8.8", "8.8.8.8", "8.8.8.8", IPV4, -1, -1,
     false, false, NULL},
    {"8.8.8.8.", CG_OK, IPV4, "8.8.8.8", "8.8.8.8", "8.8.8.8", IPV4, -1, -1,
     false, false, NULL},
    {"010.1.1.1", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false,
     false,
     "'010.1.1.1' is not an IPv4 address: octet '010' has a leading zero"},
    {"999.1.1.1", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false,
     false, "'999.1.1.1' is not an IPv4 address: octet 999 is above 255"},
    {"1.2.3", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false,
     false, "it has 3 parts, but an IPv4 address has 4"},
    {"1.2.3.4.5", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false,
     false, "it has 5 parts"},
    {"0x7f.0.0.1", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false,
     false, "octet '0x7f' is hexadecimal"},
    {"2130706433", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false,
     false, "it has 1 part,"},
    {"1..2.3", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false,
     false, "octet 2 is empty"},
    {"172.32.0.1", CG_OK, IPV4, "172.32.0.1", "172.32.0.1", "172.32.0.1", IPV4,
     -1, -1, false, false, NULL},
    {"1.2.3.4:0", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false,
     false, "port '0' is not a number from 1 to 65535"},
    {"1.2.3.4:65536", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1,
     false, false, "port '65536'"},
    {"1.2.3.4:", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false,
     false, "port after ':' is empty"},

    /* IPv6 and RFC 5952 text. */
    {"2001:4860:4860::8888", CG_OK, IPV6, "2001:4860:4860::8888",
     "2001:4860:4860::8888", "2001:4860:4860::8888", IPV6, -1, -1, false, false,
     NULL},
    {"2A00:1450:4001:0810:0000:0000:0000:200E", CG_OK, IPV6,
     "2a00:1450:4001:810::200e", "2a00:1450:4001:810::200e",
     "2a00:1450:4001:810::200e", IPV6, -1, -1, false, false, NULL},
    {"2a00:0:0:1:0:0:0:1", CG_OK, IPV6, "2a00:0:0:1::1", "2a00:0:0:1::1",
     "2a00:0:0:1::1", IPV6, -1, -1, false, false, NULL},
    {"2a00:0:0:1:0:0:1:1", CG_OK, IPV6, "2a00::1:0:0:1:1", "2a00::1:0:0:1:1",
     "2a00::1:0:0:1:1", IPV6, -1, -1, false, false, NULL},
    {"2a00:1:2:3:4:5:0:6", CG_OK, IPV6, "2a00:1:2:3:4:5:0:6",
     "2a00:1:2:3:4:5:0:6", "2a00:1:2:3:4:5:0:6", IPV6, -1, -1, false, false,
     NULL},
    {"2606:4700::1111%eth0", CG_OK, IPV6, "2606:4700::1111", "2606:4700::1111",
     "2606:4700::1111", IPV6, -1, -1, false, false, NULL},
    {"[2606:4700::1111]", CG_OK, IPV6, "2606:4700::1111", "2606:4700::1111",
     "2606:4700::1111", IPV6, -1, -1, false, false, NULL},
    {"::ffff:8.8.8.8", CG_OK, IPV4, "8.8.8.8", "8.8.8.8", "8.8.8.8", IPV4, -1,
     -1, false, true, NULL},
    {"::FFFF:808:808", CG_OK, IPV4, "8.8.8.8", "8.8.8.8", "8.8.8.8", IPV4, -1,
     -1, false, true, NULL},
    {"64:ff9b::808:808", CG_OK, IPV6, "64:ff9b::808:808", "64:ff9b::808:808",
     "64:ff9b::808:808", IPV6, -1, -1, false, false, NULL},
    {"::1", CG_ERR_PRIVATE_ADDR, IPV6, "::1", "::1", "::1", IPV6, -1, -1, false,
     false, "::1/128 (loopback"},
    {"1:2:3:4:5:6:7::8", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1,
     false, false, "it has 8 groups and a '::'"},
    {"12345::1", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false,
     false, "group '12345' has more than 4 hex digits"},
    {"::1::2", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false,
     false, "'::' more than once"},
    {"2001:db8::g", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false,
     false, "character 'g' is not a hex digit"},
    {"::ffff:01.2.3.4", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1,
     false, false, "embedded IPv4 part is invalid"},
    {"[2606:4700::1111", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1,
     false, false, "no matching ']'"},
    {"fe80::1%", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false,
     false, "zone id after '%' is empty"},

    /* CIDR blocks. */
    {"10.0.0.0/8", CG_ERR_PRIVATE_ADDR, CIDR, "10.0.0.0/8", "10.0.0.0/8",
     "10.0.0.0", IPV4, -1, 8, false, false, "10.0.0.0/8 (private-use"},
    {"0.0.0.0/0", CG_ERR_CIDR_RANGE, CIDR, "0.0.0.0/0", "0.0.0.0/0", "0.0.0.0",
     IPV4, -1, 0, false, false, NULL},
    {"2001:4860:ffff::/32", CG_ERR_CIDR_RANGE, CIDR, "2001:4860::/32",
     "2001:4860::/32", "2001:4860::", IPV6, -1, 32, false, false, NULL},
    {"[2001:4860::]/32", CG_ERR_CIDR_RANGE, CIDR, "2001:4860::/32",
     "2001:4860::/32", "2001:4860::", IPV6, -1, 32, false, false, NULL},
    {"2001:4860::1/128", CG_OK, IPV6, "2001:4860::1", "2001:4860::1",
     "2001:4860::1", IPV6, -1, -1, false, false, NULL},
    {"::ffff:1.2.3.4/120", CG_ERR_CIDR_RANGE, CIDR, "1.2.3.0/24", "1.2.3.0/24",
     "1.2.3.0", IPV4, -1, 24, false, true, NULL},
    {"fc00::/7", CG_ERR_PRIVATE_ADDR, CIDR, "fc00::/7", "fc00::/7",
     "fc00::", IPV6, -1, 7, false, false, "fc00::/7 (unique local"},
    {"1.2.3.4/33", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false,
     false, "prefix length 33 is above 32"},
    {"1.2.3.4/024", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false,
     false, "prefix length '024' has a leading zero"},
    {"1.2.3.4/", CG_OK, URL, "http://1.2.3.4/", "http://1.2.3.4/", "1.2.3.4",
     IPV4, -1, -1, false, false, NULL},

    /* URLs. */
    {"http://user:pass@example.com/", CG_OK, URL, "http://example.com/",
     "http://example.com/", "example.com", DOMAIN, -1, -1, false, false, NULL},
    {"http://example.com:80/", CG_OK, URL, "http://example.com/",
     "http://example.com/", "example.com", DOMAIN, -1, -1, false, false, NULL},
    {"https://example.com:443/a", CG_OK, URL, "https://example.com/a",
     "https://example.com/a", "example.com", DOMAIN, -1, -1, false, false,
     NULL},
    {"https://example.com:80/", CG_OK, URL, "https://example.com:80/",
     "https://example.com:80/", "example.com", DOMAIN, 80, -1, false, false,
     NULL},
    {"http://example.com:/x", CG_OK, URL, "http://example.com/x",
     "http://example.com/x", "example.com", DOMAIN, -1, -1, false, false, NULL},
    {"http://example.com?q=1", CG_OK, URL, "http://example.com/?q=1",
     "http://example.com/?q=1", "example.com", DOMAIN, -1, -1, false, false,
     NULL},
    {"http://example.com/a#frag", CG_OK, URL, "http://example.com/a",
     "http://example.com/a", "example.com", DOMAIN, -1, -1, false, false, NULL},
    {"http://example.com./a/%7Efoo%2F", CG_OK, URL,
     "http://example.com/a/%7Efoo%2F", "http://example.com/a/%7Efoo%2F",
     "example.com", DOMAIN, -1, -1, false, false, NULL},
    {"http://example.com/&amp;amp;x", CG_OK, URL, "http://example.com/&x",
     "http://example.com/&x", "example.com", DOMAIN, -1, -1, false, false,
     NULL},
    {"http://[2606:4700:0::1111]:8080/x", CG_OK, URL,
     "http://[2606:4700::1111]:8080/x", "http://[2606:4700::1111]:8080/x",
     "2606:4700::1111", IPV6, 8080, -1, false, false, NULL},
    {"http://[::ffff:8.8.8.8]/", CG_OK, URL, "http://8.8.8.8/",
     "http://8.8.8.8/", "8.8.8.8", IPV4, -1, -1, false, true, NULL},
    {"http://m\xc3\xbcnchen.de/\xc3\xbc?q=\xc3\x9c", CG_OK, URL,
     "http://xn--mnchen-3ya.de/\xc3\xbc?q=\xc3\x9c",
     "http://m\xc3\xbcnchen.de/\xc3\xbc?q=\xc3\x9c", "xn--mnchen-3ya.de",
     DOMAIN, -1, -1, false, false, NULL},
    /* Browsers read '\' as '/' here, so the host is evil.example. */
    {"http://evil.example\\@good.example/", CG_OK, URL,
     "http://evil.example\\@good.example/",
     "http://evil.example\\@good.example/", "evil.example", DOMAIN, -1, -1,
     false, false, NULL},
    {"example.com/login.php", CG_OK, URL, "http://example.com/login.php",
     "http://example.com/login.php", "example.com", DOMAIN, -1, -1, false,
     false, NULL},
    {"example.com:8080/x", CG_OK, URL, "http://example.com:8080/x",
     "http://example.com:8080/x", "example.com", DOMAIN, 8080, -1, false, false,
     NULL},
    {"1.2.3.4/admin", CG_OK, URL, "http://1.2.3.4/admin",
     "http://1.2.3.4/admin", "1.2.3.4", IPV4, -1, -1, false, false, NULL},
    {"//example.com/x", CG_OK, URL, "http://example.com/x",
     "http://example.com/x", "example.com", DOMAIN, -1, -1, false, false, NULL},
    {"http://10.0.0.1/admin", CG_ERR_PRIVATE_ADDR, URL, "http://10.0.0.1/admin",
     "http://10.0.0.1/admin", "10.0.0.1", IPV4, -1, -1, false, false,
     "has the special-purpose host address 10.0.0.1 in 10.0.0.0/8"},
    {"http://[::1]:8000/", CG_ERR_PRIVATE_ADDR, URL, "http://[::1]:8000/",
     "http://[::1]:8000/", "::1", IPV6, 8000, -1, false, false, "::1/128"},
    {"http:///path", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1,
     false, false, "is not a valid URL: its host is empty"},
    {"http://localhost/", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1,
     false, false, "its host is not a valid domain name: it has no dot"},
    {"http://999.1.1.1/", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1,
     false, false, "its host is not an IPv4 address: octet 999 is above 255"},
    {"http://0x7f000001/", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1,
     false, false, "not an IPv4 address"},
    {"http://2001:db8::1/", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1,
     -1, false, false, "must be in brackets"},
    {"http://exa%6Dple.com/", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1,
     -1, false, false, "character '%'"},

    /* Transport schemes give the host and port, not a URL. */
    {"udp://8.8.8.8:53/x", CG_OK, IPV4, "8.8.8.8", "8.8.8.8", "8.8.8.8", IPV4,
     53, -1, false, false, NULL},
    {"ssh://root@1.1.1.1", CG_OK, IPV4, "1.1.1.1", "1.1.1.1", "1.1.1.1", IPV4,
     -1, -1, false, false, NULL},
    {"rdp://[2606:4700::1]:3389", CG_OK, IPV6, "2606:4700::1", "2606:4700::1",
     "2606:4700::1", IPV6, 3389, -1, false, false, NULL},
    {"tcp://10.0.0.1:4444", CG_ERR_PRIVATE_ADDR, IPV4, "10.0.0.1", "10.0.0.1",
     "10.0.0.1", IPV4, 4444, -1, false, false, "10.0.0.0/8"},
    {"file:///etc/passwd", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1,
     false, false, "no host after the scheme"},
    /* ftp and ftps are not web schemes either: Criminal IP scans web
     * sites, so the host is looked up. */
    {"ftp://a.com/x", CG_OK, DOMAIN, "a.com", "a.com", "a.com", DOMAIN, -1, -1,
     false, false, NULL},
    {"ftp://FTP.Example.com:21/pub", CG_OK, DOMAIN, "ftp.example.com",
     "ftp.example.com", "ftp.example.com", DOMAIN, 21, -1, false, false, NULL},
    {"FTPS://user:pw@1.1.1.1:990/", CG_OK, IPV4, "1.1.1.1", "1.1.1.1",
     "1.1.1.1", IPV4, 990, -1, false, false, NULL},

    /* CSV rows: a row of the C2 feed without its header row is rejected
     * with a message that names the fix, and commas inside a URL stay part
     * of it. */
    {"150.136.90.238,c2_covenant,7443,Critical/Critical,US,2024-07-15 "
     "02:15:03",
     CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false, false,
     "looks like a CSV row: its first field '150.136.90.238' is an "
     "indicator. Start the file with its CSV header row"},
    {"1.2.3.4,5.6.7.8", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1,
     false, false, "its first field '1.2.3.4' is an indicator"},
    {"10.0.0.1,80,Cobalt Strike", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE,
     -1, -1, false, false, "its first field '10.0.0.1' is an indicator"},
    {"evil[.]com,phishing", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1,
     -1, false, false, "its first field 'evil[.]com' is an indicator"},
    {"IP,Target C2,OpenPorts", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1,
     -1, false, false, "contains whitespace"},
    {"http://example.com/a,b?c=1,2", CG_OK, URL, "http://example.com/a,b?c=1,2",
     "http://example.com/a,b?c=1,2", "example.com", DOMAIN, -1, -1, false,
     false, NULL},

    /* Whitespace and empty values. */
    {"  8.8.8.8 \t\r\n", CG_OK, IPV4, "8.8.8.8", "8.8.8.8", "8.8.8.8", IPV4, -1,
     -1, false, false, NULL},
    {"\xc2\xa0"
     "8.8.8.8\xc2\xa0",
     CG_OK, IPV4, "8.8.8.8", "8.8.8.8", "8.8.8.8", IPV4, -1, -1, false, false,
     NULL},
    {"", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false, false,
     "the value is empty"},
    {" \t ", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false, false,
     "the value is empty"},
    {"exa mple.com", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1,
     false, false, "'exa mple.com' contains whitespace"},
    {"a\tb.com", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false,
     false, "contains whitespace"},
    {"example.com\xc2\xa0x", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1,
     -1, false, false, "contains whitespace"},
    {"a\nb.com", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false,
     false,
     "'a\\x0ab.com' contains the control character U+000A at byte "
     "offset 1"},
    {"8.8.8.8\x7f", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false,
     false, "control character U+007F"},
    {"[.]", CG_ERR_INVALID, NONE, NULL, NULL, NULL, NONE, -1, -1, false, false,
     NULL},
};

static void fail_text(const struct parse_case *c, const char *field,
                      const char *actual, const char *expected)
{
    fail_msg("'%s': %s is \"%s\", expected \"%s\"", c->raw, field,
             actual ? actual : "(null)", expected ? expected : "(null)");
}

static void check_text(const struct parse_case *c, const char *field,
                       const char *actual, const char *expected)
{
    if (!actual && !expected)
        return;
    if (!actual || !expected || strcmp(actual, expected) != 0)
        fail_text(c, field, actual, expected);
}

static void check_number(const struct parse_case *c, const char *field,
                         long actual, long expected)
{
    if (actual != expected)
        fail_msg("'%s': %s is %ld, expected %ld", c->raw, field, actual,
                 expected);
}

/* Parses the canonical value again: normalisation must be idempotent. */
static void check_reparse(const struct parse_case *c,
                          const struct cg_indicator *first)
{
    struct cg_indicator again;
    struct cg_error err;
    enum cg_err rc;

    rc = cg_indicator_parse(first->value, strlen(first->value), NULL, &again,
                            &err);
    check_number(c, "reparse rc", rc, c->rc);
    check_number(c, "reparse kind", again.kind, first->kind);
    check_text(c, "reparse value", again.value, first->value);
    cg_indicator_release(&again);
}

static void run_case(const struct parse_case *c)
{
    struct cg_indicator ind;
    struct cg_error err;
    enum cg_err rc;

    cg_error_clear(&err);
    rc = cg_indicator_parse(c->raw, strlen(c->raw), NULL, &ind, &err);
    if (rc != c->rc)
        fail_msg("'%s': rc is %s (%s), expected %s", c->raw, cg_err_name(rc),
                 cg_error_text(&err), cg_err_name(c->rc));
    check_number(c, "kind", ind.kind, c->kind);
    check_text(c, "value", ind.value, c->value);
    check_text(c, "display", ind.display, c->display);
    check_text(c, "host", ind.host, c->host);
    check_number(c, "host_kind", ind.host_kind, c->host_kind);
    check_number(c, "port", ind.port, c->port);
    check_number(c, "prefix", ind.prefix, c->prefix);
    check_number(c, "defanged", ind.defanged, c->defanged);
    check_number(c, "unwrapped", ind.unwrapped, c->unwrapped);
    if (c->message && !strstr(err.msg, c->message))
        fail_text(c, "message", err.msg, c->message);
    if (rc != CG_OK && !err.msg[0])
        fail_msg("'%s': error %s has no message", c->raw, cg_err_name(rc));
    if (ind.value)
        check_reparse(c, &ind);
    cg_indicator_release(&ind);
}

static void test_parse_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run_case(&cases[i]);
}

static void test_parse_allow_private(void **state)
{
    struct cg_parse_opts opts = {.allow_private = true};
    struct cg_indicator ind;

    (void)state;
    assert_int_equal(cg_indicator_parse("10.0.0.1", 8, &opts, &ind, NULL),
                     CG_OK);
    assert_string_equal(ind.value, "10.0.0.1");
    cg_indicator_release(&ind);

    assert_int_equal(cg_indicator_parse("::ffff:7f00:1", 13, &opts, &ind, NULL),
                     CG_OK);
    assert_int_equal(ind.kind, CG_KIND_IPV4);
    assert_string_equal(ind.value, "127.0.0.1");
    assert_true(ind.unwrapped);
    cg_indicator_release(&ind);

    assert_int_equal(
        cg_indicator_parse("192.168.0.0/24", 14, &opts, &ind, NULL),
        CG_ERR_CIDR_RANGE);
    assert_string_equal(ind.value, "192.168.0.0/24");
    cg_indicator_release(&ind);

    assert_int_equal(cg_indicator_parse("http://[::1]/", 13, &opts, &ind, NULL),
                     CG_OK);
    assert_string_equal(ind.value, "http://[::1]/");
    cg_indicator_release(&ind);
}

static void test_parse_size_limit(void **state)
{
    char *big = malloc(9001);
    struct cg_indicator ind;
    struct cg_error err;
    size_t prefix_len = strlen("http://example.com/");

    (void)state;
    assert_non_null(big);
    memset(big, 'a', 9000);
    big[9000] = '\0';
    assert_int_equal(cg_indicator_parse(big, 9000, NULL, &ind, &err),
                     CG_ERR_TOO_LARGE);
    assert_null(ind.value);
    assert_non_null(strstr(err.msg, "9000 bytes long"));
    assert_non_null(strstr(err.msg, "..."));

    /* A URL of exactly CG_INDICATOR_MAX bytes is accepted. */
    memcpy(big, "http://example.com/", prefix_len);
    assert_int_equal(
        cg_indicator_parse(big, CG_INDICATOR_MAX, NULL, &ind, &err), CG_OK);
    assert_int_equal(strlen(ind.value), CG_INDICATOR_MAX);
    cg_indicator_release(&ind);
    assert_int_equal(
        cg_indicator_parse(big, CG_INDICATOR_MAX + 1, NULL, &ind, &err),
        CG_ERR_TOO_LARGE);
    free(big);
}

static void test_parse_name_length_limit(void **state)
{
    /* Five labels of 50 bytes and ".com" make 259 bytes, above 253. */
    char name[300] = "";
    struct cg_indicator ind;
    struct cg_error err;

    (void)state;
    for (int i = 0; i < 5; i++) {
        strcat(name, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        strcat(name, ".");
    }
    strcat(name, "com");
    assert_int_equal(cg_indicator_parse(name, strlen(name), NULL, &ind, &err),
                     CG_ERR_INVALID);
    assert_non_null(strstr(err.msg, "above the DNS maximum of 253"));

    /* Four such labels make 207 bytes, which is fine. */
    memmove(name, name + 51, strlen(name + 51) + 1);
    assert_int_equal(cg_indicator_parse(name, strlen(name), NULL, &ind, &err),
                     CG_OK);
    cg_indicator_release(&ind);
}

static void test_parse_embedded_nul(void **state)
{
    static const char raw[] = "8.8.8.8\0.evil.com";
    struct cg_indicator ind;
    struct cg_error err;

    (void)state;
    assert_int_equal(cg_indicator_parse(raw, sizeof(raw) - 1, NULL, &ind, &err),
                     CG_ERR_INVALID);
    assert_null(ind.value);
    assert_non_null(strstr(err.msg, "'8.8.8.8\\x00.evil.com'"));
    assert_non_null(strstr(err.msg, "U+0000 at byte offset 7"));
}

static void test_parse_invalid_utf8(void **state)
{
    static const char *const raws[] = {
        "\xff.com",
        "caf\xc3.com",
        "\xc0\xaf.com",                /* overlong '/' */
        "\xed\xa0\x80.com",            /* UTF-16 surrogate */
        "\xf4\x90\x80\x80.com",        /* above U+10FFFF */
        "http://example.com/\xe2\x82", /* truncated sequence at the end */
    };
    struct cg_indicator ind;
    struct cg_error err;

    (void)state;
    for (size_t i = 0; i < sizeof(raws) / sizeof(raws[0]); i++) {
        enum cg_err rc =
            cg_indicator_parse(raws[i], strlen(raws[i]), NULL, &ind, &err);

        if (rc != CG_ERR_INVALID || !strstr(err.msg, "is not valid UTF-8"))
            fail_msg("case %zu: rc %s, message '%s'", i, cg_err_name(rc),
                     err.msg);
        assert_null(ind.value);
        assert_null(strchr(err.msg, '\xff'));
    }
}

static void test_parse_message_truncated(void **state)
{
    char raw[600];
    struct cg_indicator ind;
    struct cg_error err;
    const char *end;

    (void)state;
    memset(raw, 'x', sizeof(raw));
    memcpy(raw + 300, " y", 2);
    assert_int_equal(cg_indicator_parse(raw, sizeof(raw), NULL, &ind, &err),
                     CG_ERR_INVALID);
    end = strstr(err.msg, "...'");
    assert_non_null(end);
    assert_int_equal(end - err.msg, 1 + 120);
}

static void test_parse_null_arguments(void **state)
{
    struct cg_indicator ind;

    (void)state;
    assert_int_equal(cg_indicator_parse(NULL, 0, NULL, &ind, NULL),
                     CG_ERR_INVALID);
    assert_int_equal(ind.kind, CG_KIND_NONE);
    assert_int_equal(ind.port, -1);
    assert_int_equal(ind.prefix, -1);
    cg_indicator_release(&ind);
    cg_indicator_release(NULL);
}

static void test_ip_canonical(void **state)
{
    char text[CG_IP_TEXT_SIZE];

    (void)state;
    assert_int_equal(cg_ip_canonical("2A01:0000::1", text), CG_KIND_IPV6);
    assert_string_equal(text, "2a01::1");
    assert_int_equal(cg_ip_canonical("::ffff:1.2.3.4", text), CG_KIND_IPV4);
    assert_string_equal(text, "1.2.3.4");
    assert_int_equal(
        cg_ip_canonical("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", text),
        CG_KIND_IPV6);
    assert_string_equal(text, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    assert_int_equal(cg_ip_canonical("255.255.255.255", text), CG_KIND_IPV4);
    assert_string_equal(text, "255.255.255.255");
    assert_int_equal(cg_ip_canonical("1.2.3", text), CG_KIND_NONE);
    assert_string_equal(text, "");
    assert_int_equal(cg_ip_canonical("[::1]", text), CG_KIND_NONE);
    assert_int_equal(cg_ip_canonical("example.com", text), CG_KIND_NONE);
    assert_int_equal(cg_ip_canonical(NULL, text), CG_KIND_NONE);
}

/* An address inside each special-purpose block, and the block it names. */
static const struct {
    const char *ip;
    const char *block;
} special_cases[] = {
    {"0.1.2.3", "0.0.0.0/8 "},
    {"10.255.0.1", "10.0.0.0/8 "},
    {"100.127.255.254", "100.64.0.0/10 "},
    {"127.0.0.1", "127.0.0.0/8 "},
    {"169.254.169.254", "169.254.0.0/16 "},
    {"172.16.0.1", "172.16.0.0/12 "},
    {"172.31.255.255", "172.16.0.0/12 "},
    {"192.0.0.9", "192.0.0.0/24 "},
    {"192.0.2.1", "192.0.2.0/24 "},
    {"192.31.196.1", "192.31.196.0/24 "},
    {"192.52.193.1", "192.52.193.0/24 "},
    {"192.88.99.1", "192.88.99.0/24 "},
    {"192.168.1.1", "192.168.0.0/16 "},
    {"192.175.48.6", "192.175.48.0/24 "},
    {"198.19.255.255", "198.18.0.0/15 "},
    {"198.51.100.7", "198.51.100.0/24 "},
    {"203.0.113.9", "203.0.113.0/24 "},
    {"239.255.255.250", "224.0.0.0/4 "},
    {"240.0.0.1", "240.0.0.0/4 "},
    {"255.255.255.255", "255.255.255.255/32 "},
    {"10.1.0.0/16", "10.0.0.0/8 "},
    {"::", "::/128 "},
    {"::1", "::1/128 "},
    {"::ffff:10.0.0.1", "10.0.0.0/8 "},
    {"64:ff9b:1::1", "64:ff9b:1::/48 "},
    {"64:ff9b::a00:1", "64:ff9b::/96 "},
    {"100::1", "100::/64 "},
    {"2001::1", "2001::/32 "},
    {"2001:2::1", "2001:2::/48 "},
    {"2001:10::1", "2001:10::/28 "},
    {"2001:100::1", "2001::/23 "},
    {"2001:db8::1", "2001:db8::/32 "},
    {"2002:c000:201::1", "2002::/16 "},
    {"3fff:fff::1", "3fff::/20 "},
    {"5f00::1", "5f00::/16 "},
    {"fd00::1", "fc00::/7 "},
    {"fe80::1", "fe80::/10 "},
    {"fec0::1", "fec0::/10 "},
    {"ff02::1", "ff00::/8 "},
    {"4000::1", "the space outside 2000::/3"},
    {"::a00:1", "the space outside 2000::/3"},
};

static const char *const global_addresses[] = {
    "8.8.8.8",          "1.1.1.1",         "172.32.0.1",
    "100.128.0.1",      "198.20.0.1",      "192.0.3.1",
    "223.255.255.255",  "2606:4700::1111", "2001:4860:4860::8888",
    "64:ff9b::808:808", "2001:1::1",       "2001:1::2",
    "2001:1::3",        "2001:3::1",       "2001:4:112::1",
    "2001:20::1",       "2001:30::1",      "3fff:1000::1",
    "2001:200::1",      "not an address",  "1.2.3.4/33",
};

static void test_special_range(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(special_cases) / sizeof(special_cases[0]);
         i++) {
        const char *block = cg_ip_special_range(special_cases[i].ip);

        if (!block || strncmp(block, special_cases[i].block,
                              strlen(special_cases[i].block)) != 0)
            fail_msg("%s: block is '%s', expected '%s...'", special_cases[i].ip,
                     block ? block : "(null)", special_cases[i].block);
    }
    for (size_t i = 0;
         i < sizeof(global_addresses) / sizeof(global_addresses[0]); i++) {
        const char *block = cg_ip_special_range(global_addresses[i]);

        if (block)
            fail_msg("%s: expected no block, got '%s'", global_addresses[i],
                     block);
    }
}

/* Raw text and its escaped form for terminals and messages. */
static const struct {
    const char *raw;
    const char *escaped;
} escape_cases[] = {
    {"", ""},
    {"example.com", "example.com"},
    {"\x1b]0;pwned\x07.com", "\\x1b]0;pwned\\x07.com"},
    {"ab\x08\x08"
     "cd.com",
     "ab\\x08\\x08"
     "cd.com"},
    {"a\tb\r\n", "a\\x09b\\x0d\\x0a"},
    {"del\x7f", "del\\x7f"},
    /* U+009B, the one-byte CSI, is a C1 control character. */
    {"\xc2\x9b"
     "31m",
     "\\xc2\\x9b"
     "31m"},
    {"caf\xc3.com", "caf\\xc3.com"},
    {"\xff\xfe", "\\xff\\xfe"},
    {"\xed\xa0\x80", "\\xed\\xa0\\x80"},
    {"m\xc3\xbcnchen \xe2\x9d\xa4 \xf0\x9f\x92\xa9",
     "m\xc3\xbcnchen \xe2\x9d\xa4 \xf0\x9f\x92\xa9"},
};

static void test_text_escape(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(escape_cases) / sizeof(escape_cases[0]);
         i++) {
        struct cg_buf out = CG_BUF_INIT;
        const char *raw = escape_cases[i].raw;

        assert_int_equal(cg_text_escape(&out, raw, strlen(raw)), CG_OK);
        if (strcmp(cg_buf_str(&out), escape_cases[i].escaped) != 0)
            fail_msg("case %zu: escaped to '%s', expected '%s'", i,
                     cg_buf_str(&out), escape_cases[i].escaped);
        cg_buf_release(&out);
    }
}

static void test_text_escape_char(void **state)
{
    char piece[CG_TEXT_PIECE_SIZE];
    size_t piece_len;

    (void)state;
    assert_int_equal(cg_text_escape_char("\x1b[", 2, piece, &piece_len), 1);
    assert_string_equal(piece, "\\x1b");
    assert_int_equal(piece_len, 4);

    assert_int_equal(cg_text_escape_char("\xc3\xbcx", 3, piece, &piece_len), 2);
    assert_string_equal(piece, "\xc3\xbc");
    assert_int_equal(piece_len, 2);

    /* A sequence cut by len is invalid: only its first byte is used. */
    assert_int_equal(cg_text_escape_char("\xc3\xbc", 1, piece, &piece_len), 1);
    assert_string_equal(piece, "\\xc3");
}

static void test_kind_names(void **state)
{
    (void)state;
    assert_string_equal(cg_kind_name(CG_KIND_IPV4), "ipv4");
    assert_string_equal(cg_kind_name(CG_KIND_IPV6), "ipv6");
    assert_string_equal(cg_kind_name(CG_KIND_CIDR), "cidr");
    assert_string_equal(cg_kind_name(CG_KIND_DOMAIN), "domain");
    assert_string_equal(cg_kind_name(CG_KIND_URL), "url");
    assert_string_equal(cg_kind_name(CG_KIND_NONE), "none");
    assert_string_equal(cg_kind_name((enum cg_kind)99), "none");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_parse_allow_private),
        cmocka_unit_test(test_parse_size_limit),
        cmocka_unit_test(test_parse_name_length_limit),
        cmocka_unit_test(test_parse_embedded_nul),
        cmocka_unit_test(test_parse_invalid_utf8),
        cmocka_unit_test(test_parse_message_truncated),
        cmocka_unit_test(test_parse_null_arguments),
        cmocka_unit_test(test_ip_canonical),
        cmocka_unit_test(test_special_range),
        cmocka_unit_test(test_text_escape),
        cmocka_unit_test(test_text_escape_char),
        cmocka_unit_test(test_kind_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
