/*
 * Built-in tables of real autonomous systems (number, registered name,
 * country, a head-office or data-centre city and one announced prefix) and
 * of countries, used to give generated IP and domain reports plausible
 * owners and locations.
 */
#ifndef CG_SIM_AS_TABLE_H
#define CG_SIM_AS_TABLE_H

#include "core/common.h"

/* Kinds of network; an AS may have several. */
enum cg_sim_as_kind {
    CG_SIM_AS_ISP = 1,
    CG_SIM_AS_HOSTING = 2,
    CG_SIM_AS_CLOUD = 4,
    CG_SIM_AS_CDN = 8,
    CG_SIM_AS_MOBILE = 16
};

/* Size of a buffer for any address text written here, NUL included. */
#define CG_SIM_ADDR_SIZE 48

struct cg_sim_as {
    unsigned asn;
    const char *as_name;  /* the name in the routing registry */
    const char *org_name; /* the organisation the AS is registered to */
    const char *country;  /* ISO 3166-1 alpha-2, upper case */
    const char *city;
    const char *region;
    const char *postal_code;
    double latitude;
    double longitude;
    unsigned kinds;          /* enum cg_sim_as_kind bits */
    const char *prefix4;     /* one announced IPv4 prefix, "a.b.c.d/len" */
    const char *prefix6;     /* one announced IPv6 prefix, or NULL */
    const char *hostname;    /* reverse-DNS template, or NULL */
    const char *mobile_name; /* carrier name for mobile rows, or NULL */
};

struct cg_sim_country {
    const char *code; /* ISO 3166-1 alpha-2, upper case */
    const char *name;
    const char *city;
    const char *region;
    double latitude;
    double longitude;
};

/* Parses the prefixes once. Call before any lookup; not thread-safe. */
void cg_sim_as_table_init(void);

/* Returns the number of rows and row i of the AS table. */
size_t cg_sim_as_count(void);
const struct cg_sim_as *cg_sim_as_at(size_t i);

/* Returns the row for an AS number, or NULL. */
const struct cg_sim_as *cg_sim_as_find(unsigned asn);

/* Returns the AS whose IPv4 prefix contains addr (host order), or NULL. */
const struct cg_sim_as *cg_sim_as_for_ipv4(uint32_t addr);

/* Returns the AS whose IPv6 prefix contains addr, or NULL. */
const struct cg_sim_as *cg_sim_as_for_ipv6(const uint8_t addr[16]);

/*
 * Returns a row chosen by pick among the rows that have any of the kinds
 * bits (0 accepts every row). Never NULL.
 */
const struct cg_sim_as *cg_sim_as_pick(uint64_t pick, unsigned kinds);

/* Returns a row of the given country chosen by pick, or NULL if none. */
const struct cg_sim_as *cg_sim_as_pick_country(const char *country,
                                               uint64_t pick);

/*
 * Writes an address inside the row's IPv4 prefix, chosen by pick, whose
 * last octet is 1-254. Returns it in host order.
 */
uint32_t cg_sim_as_address4(const struct cg_sim_as *as, uint64_t pick,
                            char out[CG_SIM_ADDR_SIZE]);

/*
 * Writes an address inside the row's IPv6 prefix chosen by pick. Returns
 * false, leaving out empty, when the row has no IPv6 prefix.
 */
bool cg_sim_as_address6(const struct cg_sim_as *as, uint64_t pick,
                        char out[CG_SIM_ADDR_SIZE]);

/*
 * Expands the row's reverse-DNS template for addr (host order) into out.
 * Returns false when the row has no template or the name does not fit.
 */
bool cg_sim_as_hostname(const struct cg_sim_as *as, uint32_t addr,
                        uint64_t pick, char *out, size_t size);

/* Returns the country row for a code in any case, or NULL. */
const struct cg_sim_country *cg_sim_country_find(const char *code);

#endif /* CG_SIM_AS_TABLE_H */
