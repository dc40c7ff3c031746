/*
 * The deterministic description of one IP address from which the IP report,
 * malicious-info and suspicious-info bodies are rendered: owner, location,
 * scores, issue flags, open ports and how many rows each section reports.
 * Addresses in the bundled C2 feed take Criminal IP's published scores,
 * country and C2 ports from the feed.
 */
#ifndef CG_SIM_IP_PROFILE_H
#define CG_SIM_IP_PROFILE_H

#include "as_table.h"
#include "feed.h"
#include "service_table.h"

/*
 * "Now" for every date in an IP body: 2024-11-01 00:00:00 UTC, just after
 * the newest bundled C2 feed day. A fixed date keeps bodies identical on
 * every day the simulator runs.
 */
#define CG_SIM_IP_EPOCH ((int64_t)1730419200)

/* Most port rows generated for one address. */
#define CG_SIM_PORTS_MAX 48

/* The `issues` flags, in the order the API lists them. */
enum cg_sim_issue {
    CG_SIM_ISSUE_VPN,
    CG_SIM_ISSUE_CLOUD,
    CG_SIM_ISSUE_TOR,
    CG_SIM_ISSUE_PROXY,
    CG_SIM_ISSUE_HOSTING,
    CG_SIM_ISSUE_MOBILE,
    CG_SIM_ISSUE_DARKWEB,
    CG_SIM_ISSUE_SCANNER,
    CG_SIM_ISSUE_SNORT,
    CG_SIM_ISSUE_ANONYMOUS_VPN,
    CG_SIM_ISSUE_COUNT
};

/* JSON names of the issue flags, indexed by enum cg_sim_issue. */
extern const char *const cg_sim_issue_names[CG_SIM_ISSUE_COUNT];

struct cg_sim_port {
    unsigned port;
    const struct cg_sim_product *product; /* NULL for a C2 listener */
    const struct cg_sim_c2 *c2;           /* NULL unless a C2 listener */
    bool tls;
    int64_t confirmed; /* Unix seconds */
};

struct cg_sim_ip_profile {
    char ip[CG_SIM_ADDR_SIZE]; /* canonical text form */
    bool ipv6;
    uint32_t addr4;             /* host order; 0 for IPv6 */
    bool reserved;              /* private, loopback, multicast, ... */
    const struct cg_sim_as *as; /* NULL for reserved addresses */
    char country[3];            /* upper case; "" when unknown */
    const char *city;           /* NULL when unknown */
    const char *region;
    const char *postal_code;
    double latitude;
    double longitude;
    int inbound; /* enum cg_sim_score */
    int outbound;
    bool issues[CG_SIM_ISSUE_COUNT];
    const struct cg_sim_feed_entry *feed; /* NULL when not a C2 address */
    struct cg_sim_port ports[CG_SIM_PORTS_MAX];
    size_t port_count;      /* rows generated */
    long long port_total;   /* the section's count, >= port_count */
    long long domain_total; /* related domains; rows are capped */
    int protected_count;
    int ids_count;
    int honeypot_count;
    int webcam_count;
    int mobile_count;
    bool has_hostname;
    bool misp;
    int user_search_count;
    int64_t whois_confirmed;
};

/*
 * Builds the profile of the address in text. IPv4 must be dotted decimal;
 * IPv6 is accepted only when allow_ipv6 is set. Returns false for anything
 * else, which the API reports as "Invalid IP Address.".
 */
bool cg_sim_ip_profile_build(const char *text, bool allow_ipv6,
                             struct cg_sim_ip_profile *profile);

/*
 * Returns the inbound score level of an address in text form, the same
 * level its IP report shows. Domain reports use it to score the addresses
 * they list. Invalid text scores Safe.
 */
int cg_sim_ip_inbound_score(const char *ip);

#endif /* CG_SIM_IP_PROFILE_H */
