/*
 * Service, CVE and exploit data. CVSS scores are NVD's base scores. CVEs
 * published after NVD stopped issuing CVSS v2 scores (July 2022) have none.
 * Each CVE is listed only for product versions inside its affected range,
 * and Exploit-DB ids are real entries for the CVE named beside them.
 */
#include "service_table.h"

#include "as_table.h"

#include <string.h>
#include <strings.h>

#define ISP     CG_SIM_AS_ISP
#define HOSTING CG_SIM_AS_HOSTING
#define CLOUD   CG_SIM_AS_CLOUD
#define MOBILE  CG_SIM_AS_MOBILE
#define SERVERS (CG_SIM_AS_HOSTING | CG_SIM_AS_CLOUD)

static const struct cg_sim_cve cves[] = {
    /* NOTE: 9.4 is the v3 score Criminal IP's own sample report shows for
     * this CVE; some NVD mirrors list 7.7 after a re-analysis. */
    {"CVE-2021-23017",
     "A security issue in nginx resolver was identified, which might allow "
     "an attacker who is able to forge UDP packets from the DNS server to "
     "cause 1-byte memory overwrite, resulting in worker process crash or "
     "potential other impact.",
     "NETWORK", 6.8, "NETWORK", 9.4, 193, "Off-by-one Error",
     "A product calculates or uses an incorrect maximum or minimum value "
     "that is 1 more, or 1 less, than the correct value."},
    {"CVE-2019-9511",
     "Some HTTP/2 implementations are vulnerable to window size manipulation "
     "and stream prioritization manipulation, potentially leading to a "
     "denial of service (Data Dribble).",
     "NETWORK", 7.8, "NETWORK", 7.5, 0, NULL, NULL},
    {"CVE-2019-9513",
     "Some HTTP/2 implementations are vulnerable to resource loops, "
     "potentially leading to a denial of service (Resource Loop).",
     "NETWORK", 7.8, "NETWORK", 7.5, 0, NULL, NULL},
    {"CVE-2018-16843",
     "nginx before versions 1.15.6 and 1.14.1 has a vulnerability in the "
     "implementation of HTTP/2 that can allow for excessive memory "
     "consumption.",
     "NETWORK", 7.8, "NETWORK", 7.5, 0, NULL, NULL},
    {"CVE-2018-16844",
     "nginx before versions 1.15.6 and 1.14.1 has a vulnerability in the "
     "implementation of HTTP/2 that can allow for excessive CPU usage.",
     "NETWORK", 7.8, "NETWORK", 7.5, 0, NULL, NULL},
    {"CVE-2021-41773",
     "A flaw was found in a change made to path normalization in Apache HTTP "
     "Server 2.4.49. An attacker could use a path traversal attack to map "
     "URLs to files outside the directories configured by Alias-like "
     "directives.",
     "NETWORK", 4.3, "NETWORK", 7.5, 22,
     "Improper Limitation of a Pathname to a Restricted Directory ('Path "
     "Traversal')",
     "The product uses external input to construct a pathname that is "
     "intended to identify a file or directory that is located underneath a "
     "restricted parent directory, but the product does not properly "
     "neutralize special elements within the pathname."},
    {"CVE-2021-42013",
     "It was found that the fix for CVE-2021-41773 in Apache HTTP Server "
     "2.4.50 was insufficient. An attacker could use a path traversal attack "
     "to map URLs to files outside the directories configured by Alias-like "
     "directives.",
     "NETWORK", 7.5, "NETWORK", 9.8, 22,
     "Improper Limitation of a Pathname to a Restricted Directory ('Path "
     "Traversal')",
     "The product uses external input to construct a pathname that is "
     "intended to identify a file or directory that is located underneath a "
     "restricted parent directory, but the product does not properly "
     "neutralize special elements within the pathname."},
    {"CVE-2021-44790",
     "A carefully crafted request body can cause a buffer overflow in the "
     "mod_lua multipart parser (r:parsebody() called from Lua scripts). This "
     "issue affects Apache HTTP Server 2.4.51 and earlier.",
     "NETWORK", 7.5, "NETWORK", 9.8, 787, "Out-of-bounds Write",
     "The product writes data past the end, or before the beginning, of the "
     "intended buffer."},
    {"CVE-2021-40438",
     "A crafted request uri-path can cause mod_proxy to forward the request "
     "to an origin server chosen by the remote user. This issue affects "
     "Apache HTTP Server 2.4.48 and earlier.",
     "NETWORK", 6.8, "NETWORK", 9.0, 918, "Server-Side Request Forgery (SSRF)",
     "The web server receives a URL or similar request from an upstream "
     "component and retrieves the contents of this URL, but it does not "
     "sufficiently ensure that the request is being sent to the expected "
     "destination."},
    {"CVE-2022-22720",
     "Apache HTTP Server 2.4.52 and earlier fails to close inbound "
     "connection when errors are encountered discarding the request body, "
     "exposing the server to HTTP Request Smuggling.",
     "NETWORK", 7.5, "NETWORK", 9.8, 444,
     "Inconsistent Interpretation of HTTP Requests ('HTTP Request/Response "
     "Smuggling')",
     "The product acts as an intermediary HTTP agent between two entities "
     "but does not interpret malformed HTTP requests or responses in ways "
     "that are consistent with how the messages will be processed by those "
     "entities."},
    {"CVE-2018-15473",
     "OpenSSH through 7.7 is prone to a user enumeration vulnerability due "
     "to not delaying bailout for an invalid authenticating user until after "
     "the packet containing the request has been fully parsed.",
     "NETWORK", 5.0, "NETWORK", 5.3, 0, NULL, NULL},
    {"CVE-2023-38408",
     "The PKCS#11 feature in ssh-agent in OpenSSH before 9.3p2 has an "
     "insufficiently trustworthy search path, leading to remote code "
     "execution if an agent is forwarded to an attacker-controlled system.",
     NULL, 0.0, "NETWORK", 9.8, 428, "Unquoted Search Path or Element",
     "The product uses a search path that contains an unquoted element, in "
     "which the element contains whitespace or other separators."},
    {"CVE-2020-15778",
     "scp in OpenSSH through 8.3p1 allows command injection in the scp.c "
     "toremote function, as demonstrated by backtick characters in the "
     "destination argument.",
     "NETWORK", 6.8, "NETWORK", 7.8, 78,
     "Improper Neutralization of Special Elements used in an OS Command ('OS "
     "Command Injection')",
     "The product constructs all or part of an OS command using "
     "externally-influenced input, but it does not neutralize special "
     "elements that could modify the intended OS command."},
    {"CVE-2021-41617",
     "sshd in OpenSSH 6.2 through 8.x before 8.8, when certain non-default "
     "configurations are used, allows privilege escalation because "
     "supplemental groups are not initialized as expected.",
     "LOCAL", 4.4, "LOCAL", 7.0, 0, NULL, NULL},
    {"CVE-2024-6387",
     "A signal handler race condition was found in OpenSSH's server (sshd), "
     "a regression of CVE-2006-5051. An unauthenticated remote attacker may "
     "be able to trigger it by failing to authenticate within a set time "
     "period.",
     NULL, 0.0, "NETWORK", 8.1, 364, "Signal Handler Race Condition",
     "The product uses a signal handler that introduces a race condition."},
    /* NOTE: the v2 score 10.0 was not checked against NVD's record. */
    {"CVE-2019-10149",
     "A flaw was found in Exim versions 4.87 to 4.91 (inclusive). Improper "
     "validation of recipient address in deliver_message() function in "
     "/src/deliver.c may lead to remote command execution.",
     "NETWORK", 10.0, "NETWORK", 9.8, 0, NULL, NULL},
    {"CVE-2019-15846",
     "Exim before 4.92.2 allows remote attackers to execute arbitrary code "
     "as root via a trailing backslash.",
     "NETWORK", 10.0, "NETWORK", 9.8, 0, NULL, NULL},
    {"CVE-2019-16928",
     "Exim 4.92 through 4.92.2 allows remote code execution through a "
     "heap-based buffer overflow in string_vformat in string.c involving a "
     "long EHLO command.",
     "NETWORK", 7.5, "NETWORK", 9.8, 787, "Out-of-bounds Write",
     "The product writes data past the end, or before the beginning, of the "
     "intended buffer."},
    {"CVE-2020-28017",
     "Exim 4 before 4.94.2 allows Integer Overflow to Buffer Overflow in "
     "receive_add_recipient via an e-mail message with fifty million "
     "recipients.",
     "NETWORK", 7.5, "NETWORK", 9.8, 190, "Integer Overflow or Wraparound",
     "The product performs a calculation that can produce an integer "
     "overflow or wraparound when the logic assumes that the resulting "
     "value will always be larger than the original value."},
    {"CVE-2011-2523",
     "vsftpd 2.3.4 downloaded between 20110630 and 20110703 contains a "
     "backdoor which opens a shell on port 6200/tcp.",
     "NETWORK", 10.0, "NETWORK", 9.8, 78,
     "Improper Neutralization of Special Elements used in an OS Command ('OS "
     "Command Injection')",
     "The product constructs all or part of an OS command using "
     "externally-influenced input, but it does not neutralize special "
     "elements that could modify the intended OS command."},
    {"CVE-2015-3306",
     "The mod_copy module in ProFTPD 1.3.5 allows remote attackers to read "
     "and write to arbitrary files via the site cpfr and site cpto commands.",
     "NETWORK", 10.0, "NETWORK", 9.8, 284, "Improper Access Control",
     "The product does not restrict or incorrectly restricts access to a "
     "resource from an unauthorized actor."},
    {"CVE-2020-1938",
     "Apache Tomcat 9.0.0.M1 to 9.0.30, 8.5.0 to 8.5.50 and 7.0.0 to 7.0.99 "
     "trust AJP connections by default, so a remote attacker can read web "
     "application files and, where uploads are allowed, execute code "
     "(Ghostcat).",
     "NETWORK", 7.5, "NETWORK", 9.8, 0, NULL, NULL},
    {"CVE-2017-0144",
     "The SMBv1 server in Microsoft Windows Vista SP2, Windows Server 2008 "
     "SP2 and R2 SP1, Windows 7 SP1 and later versions allows remote "
     "attackers to execute arbitrary code via crafted packets (Windows SMB "
     "Remote Code Execution Vulnerability).",
     "NETWORK", 9.3, "NETWORK", 8.1, 20, "Improper Input Validation",
     "The product receives input or data, but it does not validate or "
     "incorrectly validates that the input has the properties that are "
     "required to process the data safely and correctly."},
};

/* Exploit-DB types and platforms are upper-cased as the API returns them.
 * confirmed_date is the day Criminal IP recorded the entry. The table uses
 * an approximate Exploit-DB publication date. */
static const struct cg_sim_exploit exploits[] = {
    {"CVE-2011-2523", 17491, "REMOTE", "UNIX", 1,
     "vsftpd 2.3.4 - Backdoor Command Execution (Metasploit)", "2011-07-05"},
    {"CVE-2011-2523", 49757, "REMOTE", "UNIX", 0,
     "vsftpd 2.3.4 - Backdoor Command Execution", "2021-04-12"},
    {"CVE-2021-41773", 50383, "WEBAPPS", "MULTIPLE", 0,
     "Apache HTTP Server 2.4.49 - Path Traversal & Remote Code Execution "
     "(RCE)",
     "2021-10-06"},
    {"CVE-2021-42013", 50406, "WEBAPPS", "MULTIPLE", 0,
     "Apache HTTP Server 2.4.50 - Path Traversal & Remote Code Execution "
     "(RCE)",
     "2021-10-08"},
    {"CVE-2021-44790", 51193, "WEBAPPS", "MULTIPLE", 0,
     "Apache 2.4.x - Buffer Overflow", "2023-04-01"},
    {"CVE-2020-1938", 48143, "WEBAPPS", "MULTIPLE", 0,
     "Apache Tomcat - AJP 'Ghostcat File Read/Inclusion", "2020-02-24"},
    {"CVE-2015-3306", 36742, "REMOTE", "LINUX", 0, "ProFTPd 1.3.5 - File Copy",
     "2015-04-13"},
    {"CVE-2015-3306", 37262, "REMOTE", "LINUX", 1,
     "ProFTPd 1.3.5 - 'mod_copy' Command Execution (Metasploit)", "2015-06-10"},
    {"CVE-2017-0144", 42031, "REMOTE", "WINDOWS", 1,
     "Microsoft Windows 7/2008 R2 - 'EternalBlue' SMB Remote Code Execution "
     "(MS17-010)",
     "2017-05-17"},
    {"CVE-2018-15473", 45233, "REMOTE", "LINUX", 0,
     "OpenSSH 2.3 < 7.7 - Username Enumeration", "2018-08-20"},
};

static const struct cg_sim_product products[] = {
    {"nginx",
     "1.14.0",
     "nginx",
     {80, 443, 8080},
     "tcp",
     "HTTP",
     "HTTPS",
     "HTTP/1.1 200 OK\nServer: nginx/1.14.0 (Ubuntu)\nContent-Type: "
     "text/html\nContent-Length: 612\nConnection: keep-alive",
     NULL,
     "Nginx",
     "1.14.0",
     SERVERS,
     {"CVE-2021-23017", "CVE-2019-9511", "CVE-2019-9513", "CVE-2018-16843",
      "CVE-2018-16844", NULL}},
    {"nginx",
     "1.18.0",
     "nginx",
     {80, 443, 8443},
     "tcp",
     "HTTP",
     "HTTPS",
     "HTTP/1.1 200 OK\nServer: nginx/1.18.0 (Ubuntu)\nContent-Type: "
     "text/html\nContent-Length: 612\nConnection: keep-alive",
     NULL,
     "Nginx",
     "1.18.0",
     SERVERS,
     {"CVE-2021-23017", NULL}},
    {"nginx",
     "Unknown",
     "nginx",
     {80, 443, 0},
     "tcp",
     "HTTP",
     "HTTPS",
     "HTTP/1.1 301 Moved Permanently\nServer: nginx\nContent-Type: "
     "text/html\nConnection: keep-alive",
     NULL,
     "Nginx",
     NULL,
     SERVERS,
     {NULL}},
    {"Apache httpd",
     "2.4.49",
     "apache",
     {80, 443, 8080},
     "tcp",
     "HTTP",
     "HTTPS",
     "HTTP/1.1 200 OK\nServer: Apache/2.4.49 (Unix)\nContent-Type: "
     "text/html",
     "directory listing",
     "Apache HTTP Server",
     "2.4.49",
     SERVERS,
     {"CVE-2021-41773", "CVE-2021-42013", "CVE-2021-44790", "CVE-2022-22720",
      NULL}},
    {"Apache httpd",
     "2.4.50",
     "apache",
     {80, 443, 0},
     "tcp",
     "HTTP",
     "HTTPS",
     "HTTP/1.1 200 OK\nServer: Apache/2.4.50 (Unix)\nContent-Type: "
     "text/html",
     NULL,
     "Apache HTTP Server",
     "2.4.50",
     SERVERS,
     {"CVE-2021-42013", "CVE-2021-44790", "CVE-2022-22720", NULL}},
    {"Apache httpd",
     "2.4.41",
     "apache",
     {80, 443, 0},
     "tcp",
     "HTTP",
     "HTTPS",
     "HTTP/1.1 200 OK\nServer: Apache/2.4.41 (Ubuntu)\nContent-Type: "
     "text/html; charset=UTF-8",
     NULL,
     "Apache HTTP Server",
     "2.4.41",
     SERVERS,
     {"CVE-2021-40438", "CVE-2021-44790", "CVE-2022-22720", NULL}},
    {"OpenSSH",
     "7.4",
     "openbsd",
     {22, 2222, 0},
     "tcp",
     "SSH",
     NULL,
     "SSH-2.0-OpenSSH_7.4",
     NULL,
     NULL,
     NULL,
     SERVERS,
     {"CVE-2018-15473", "CVE-2023-38408", "CVE-2020-15778", "CVE-2021-41617",
      NULL}},
    {"OpenSSH",
     "8.2p1",
     "openbsd",
     {22, 0, 0},
     "tcp",
     "SSH",
     NULL,
     "SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.5",
     NULL,
     NULL,
     NULL,
     SERVERS,
     {"CVE-2023-38408", "CVE-2020-15778", "CVE-2021-41617", NULL}},
    {"OpenSSH",
     "8.9p1",
     "openbsd",
     {22, 0, 0},
     "tcp",
     "SSH",
     NULL,
     "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.1",
     NULL,
     NULL,
     NULL,
     SERVERS,
     {"CVE-2023-38408", "CVE-2024-6387", NULL}},
    {"Microsoft IIS httpd",
     "10.0",
     "microsoft",
     {80, 443, 0},
     "tcp",
     "HTTP",
     "HTTPS",
     "HTTP/1.1 200 OK\nContent-Type: text/html\nServer: "
     "Microsoft-IIS/10.0\nX-Powered-By: ASP.NET",
     NULL,
     "IIS",
     "10.0",
     SERVERS | ISP,
     {NULL}},
    {"Exim smtpd",
     "4.92",
     "exim",
     {25, 587, 465},
     "tcp",
     "SMTP",
     "SMTPS",
     "220 mail ESMTP Exim 4.92 #2",
     NULL,
     NULL,
     NULL,
     SERVERS,
     {"CVE-2019-15846", "CVE-2019-16928", "CVE-2020-28017", NULL}},
    {"Exim smtpd",
     "4.91",
     "exim",
     {25, 587, 0},
     "tcp",
     "SMTP",
     NULL,
     "220 mail ESMTP Exim 4.91 #1",
     NULL,
     NULL,
     NULL,
     SERVERS,
     {"CVE-2019-10149", "CVE-2019-15846", "CVE-2020-28017", NULL}},
    {"Postfix smtpd",
     "Unknown",
     "postfix",
     {25, 587, 0},
     "tcp",
     "SMTP",
     NULL,
     "220 mail ESMTP Postfix (Ubuntu)",
     NULL,
     NULL,
     NULL,
     SERVERS,
     {NULL}},
    {"Dovecot imapd",
     "Unknown",
     "dovecot",
     {143, 993, 0},
     "tcp",
     "IMAP",
     "IMAPS",
     "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE "
     "IDLE LITERAL+ STARTTLS AUTH=PLAIN] Dovecot (Ubuntu) ready.",
     NULL,
     NULL,
     NULL,
     SERVERS,
     {NULL}},
    {"vsftpd",
     "2.3.4",
     "beasts",
     {21, 0, 0},
     "tcp",
     "FTP",
     NULL,
     "220 (vsFTPd 2.3.4)",
     NULL,
     NULL,
     NULL,
     SERVERS | ISP,
     {"CVE-2011-2523", NULL}},
    {"ProFTPD",
     "1.3.5",
     "proftpd",
     {21, 0, 0},
     "tcp",
     "FTP",
     NULL,
     "220 ProFTPD 1.3.5 Server (ProFTPD Default Installation)",
     NULL,
     NULL,
     NULL,
     SERVERS,
     {"CVE-2015-3306", NULL}},
    {"Apache Tomcat",
     "9.0.30",
     "apache",
     {8080, 8443, 0},
     "tcp",
     "HTTP",
     "HTTPS",
     "HTTP/1.1 200 \nContent-Type: text/html;charset=UTF-8",
     "DevOps",
     "Apache Tomcat",
     "9.0.30",
     SERVERS,
     {"CVE-2020-1938", NULL}},
    {"ms-wbt-server",
     "Unknown",
     "microsoft",
     {3389, 0, 0},
     "tcp",
     "RDP",
     NULL,
     "",
     NULL,
     NULL,
     NULL,
     SERVERS | ISP,
     {NULL}},
    {"Microsoft Windows SMB",
     "Windows Server 2008 R2 Standard 7601 SP1",
     "microsoft",
     {445, 0, 0},
     "tcp",
     "SMB",
     NULL,
     "SMB Status:\n  Authentication: enabled\n  SMB Version: 1\n  OS: "
     "Windows Server 2008 R2 Standard 7601 Service Pack 1",
     NULL,
     NULL,
     NULL,
     ISP | HOSTING,
     {"CVE-2017-0144", NULL}},
    {"MySQL",
     "5.7.33",
     "oracle",
     {3306, 0, 0},
     "tcp",
     "MYSQL",
     NULL,
     "5.7.33-0ubuntu0.18.04.1",
     NULL,
     NULL,
     NULL,
     SERVERS,
     {NULL}},
    {"Redis",
     "6.0.16",
     "redis",
     {6379, 0, 0},
     "tcp",
     "REDIS",
     NULL,
     "-NOAUTH Authentication required.",
     "Data Leak",
     NULL,
     NULL,
     SERVERS,
     {NULL}},
    {"Elasticsearch",
     "7.10.2",
     "elastic",
     {9200, 0, 0},
     "tcp",
     "HTTP",
     NULL,
     "HTTP/1.1 200 OK\ncontent-type: application/json; charset=UTF-8",
     "Data Leak",
     "Elasticsearch",
     "7.10.2",
     SERVERS,
     {NULL}},
    {"PostgreSQL",
     "Unknown",
     "postgresql",
     {5432, 0, 0},
     "tcp",
     "POSTGRESQL",
     NULL,
     "",
     NULL,
     NULL,
     NULL,
     SERVERS,
     {NULL}},
    {"Dropbear sshd",
     "2019.78",
     "dropbear_ssh_project",
     {22, 2222, 0},
     "tcp",
     "SSH",
     NULL,
     "SSH-2.0-dropbear_2019.78",
     "Embeded",
     NULL,
     NULL,
     ISP | MOBILE,
     {NULL}},
    {"MikroTik RouterOS httpd",
     "Unknown",
     "mikrotik",
     {80, 8291, 0},
     "tcp",
     "HTTP",
     NULL,
     "HTTP/1.0 200 OK\nContent-Type: text/html\nExpires: 0",
     "Switch",
     NULL,
     NULL,
     ISP,
     {NULL}},
    {"Hikvision IP camera httpd",
     "Unknown",
     "hikvision",
     {80, 8000, 554},
     "tcp",
     "HTTP",
     NULL,
     "HTTP/1.1 200 OK\nServer: App-webs/\nContent-Type: text/html",
     "Embeded",
     NULL,
     NULL,
     ISP,
     {NULL}},
    {"cloudflare",
     "Unknown",
     "cloudflare",
     {80, 443, 8443},
     "tcp",
     "HTTP",
     "HTTPS",
     "HTTP/1.1 403 Forbidden\nServer: cloudflare\nContent-Type: "
     "text/html\nCF-RAY: 7d2f1c3b2a1e0f00-SJC",
     NULL,
     "Cloudflare",
     NULL,
     CG_SIM_AS_CDN,
     {NULL}},
    {"CloudFront httpd",
     "Unknown",
     "amazon",
     {80, 443, 0},
     "tcp",
     "HTTP",
     "HTTPS",
     "HTTP/1.1 403 Forbidden\nServer: CloudFront\nContent-Type: text/html\n"
     "X-Cache: Error from cloudfront",
     NULL,
     "Amazon CloudFront",
     NULL,
     CG_SIM_AS_CDN,
     {NULL}},
    {"Varnish",
     "Unknown",
     "varnish-cache",
     {80, 443, 0},
     "tcp",
     "HTTP",
     "HTTPS",
     "HTTP/1.1 500 Domain Not Found\nServer: Varnish\nContent-Type: "
     "text/html; charset=utf-8",
     NULL,
     "Varnish",
     NULL,
     CG_SIM_AS_CDN,
     {NULL}},
};

/* The JARM values are those the C2-JARM list (github.com/cedowens/C2-JARM)
 * measured on each tool's default TLS listener. */
static const struct cg_sim_c2 frameworks[] = {
    {"c2_cobaltstrike", "Cobalt Strike",
     "07d14d16d21d21d07c42d41d00041d24a458a375eef0c576d23a7bab9a9fb1"},
    {"c2_cobalt_strike", "Cobalt Strike",
     "07d14d16d21d21d07c42d41d00041d24a458a375eef0c576d23a7bab9a9fb1"},
    {"c2_metasploit", "Metasploit",
     "07d14d16d21d21d00042d43d000000aa99ce74e2c6d013c745aa52b5cc042d"},
    {"c2_covenant", "Covenant", NULL},
    {"c2_mythic", "Mythic",
     "2ad2ad0002ad2ad00042d42d000000ad9bf51cc3f5a1e29eecb81d0c7b06eb"},
    {"c2_havoc", "Havoc", NULL},
    {"c2_sliver", "Sliver",
     "2ad2ad0002ad2ad00041d2ad2ad41da5207249a18099be84ef3c8811adc883"},
    {"c2_posh", "PoshC2", NULL},
    {"c2_meshagent", "MeshCentral", NULL},
    {"c2_brute_ratel", "Brute Ratel C4", NULL},
};

static const struct cg_sim_c2 generic_framework = {NULL, "Unknown", NULL};

size_t cg_sim_product_count(void)
{
    return CG_ARRAY_LEN(products);
}

const struct cg_sim_product *cg_sim_product_at(size_t i)
{
    return i < CG_ARRAY_LEN(products) ? &products[i] : NULL;
}

const struct cg_sim_product *cg_sim_product_pick(uint64_t pick, unsigned kinds)
{
    size_t matching = 0;

    for (size_t i = 0; i < CG_ARRAY_LEN(products); i++) {
        if (products[i].kinds & kinds)
            matching++;
    }
    if (matching == 0)
        return &products[pick % CG_ARRAY_LEN(products)];
    pick %= matching;
    for (size_t i = 0; i < CG_ARRAY_LEN(products); i++) {
        if ((products[i].kinds & kinds) && pick-- == 0)
            return &products[i];
    }
    return &products[0];
}

const struct cg_sim_product *cg_sim_product_find(const char *app_name,
                                                 const char *app_version)
{
    for (size_t i = 0; i < CG_ARRAY_LEN(products); i++) {
        if (strcmp(products[i].app_name, app_name) == 0 &&
            strcmp(products[i].app_version, app_version) == 0)
            return &products[i];
    }
    return NULL;
}

const struct cg_sim_cve *cg_sim_cve_find(const char *id)
{
    for (size_t i = 0; i < CG_ARRAY_LEN(cves); i++) {
        if (strcmp(cves[i].id, id) == 0)
            return &cves[i];
    }
    return NULL;
}

size_t cg_sim_exploits_for(const char *cve_id,
                           const struct cg_sim_exploit **out, size_t max)
{
    size_t found = 0;

    for (size_t i = 0; i < CG_ARRAY_LEN(exploits) && found < max; i++) {
        if (strcmp(exploits[i].cve_id, cve_id) == 0)
            out[found++] = &exploits[i];
    }
    return found;
}

const struct cg_sim_c2 *cg_sim_c2_find(const char *feed_name)
{
    for (size_t i = 0; i < CG_ARRAY_LEN(frameworks); i++) {
        if (strcasecmp(frameworks[i].feed_name, feed_name) == 0)
            return &frameworks[i];
    }
    return &generic_framework;
}

bool cg_sim_port_is_tls(unsigned port)
{
    static const unsigned tls_ports[] = {443,  465,  636,  853,  993,
                                         995,  2083, 2087, 3790, 4443,
                                         5986, 7443, 8443, 9443};

    for (size_t i = 0; i < CG_ARRAY_LEN(tls_ports); i++) {
        if (tls_ports[i] == port)
            return true;
    }
    return false;
}
