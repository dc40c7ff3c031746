/*
 * Built-in tables of network services for generated IP reports. They list
 * products with the ports they usually listen on and the CVEs that affect
 * each product version, with NVD's CVSS scores. Exploit-DB entries cover
 * some of those CVEs, and a last table names the C2 frameworks of
 * Criminal IP's C2 feed.
 */
#ifndef CG_SIM_SERVICE_TABLE_H
#define CG_SIM_SERVICE_TABLE_H

#include "core/common.h"

/* Most CVEs listed for one product version. */
#define CG_SIM_PRODUCT_CVES_MAX 6

struct cg_sim_cve {
    const char *id;
    const char *description; /* NVD's description, shortened */
    const char *v2_vector;   /* attack vector word; NULL: NVD gave no v2 */
    double v2_score;
    const char *v3_vector;
    double v3_score;
    int cwe_id; /* 0 when no CWE is listed here */
    const char *cwe_name;
    const char *cwe_description;
};

/* An Exploit-DB entry that targets a CVE. */
struct cg_sim_exploit {
    const char *cve_id;
    int edb_id;
    const char *type;     /* Exploit-DB type in upper case, e.g. "WEBAPPS" */
    const char *platform; /* Exploit-DB platform in upper case */
    int verify_code;      /* 1 when Exploit-DB marks the entry verified */
    const char *title;
    const char *confirmed_date; /* "YYYY-MM-DD" */
};

struct cg_sim_product {
    const char *app_name; /* product name as scanners report it */
    const char *app_version;
    const char *vendor;
    unsigned ports[3]; /* usual ports, most common first; 0 ends the list */
    const char *socket;
    const char *protocol_plain; /* protocol name on a plain port */
    const char *protocol_tls;   /* protocol name on a TLS port, or NULL */
    const char *banner;
    const char *tag;          /* one Criminal IP tag, or NULL */
    const char *tech_name;    /* web technology detected, or NULL */
    const char *tech_version; /* its version, or NULL */
    unsigned kinds;           /* enum cg_sim_as_kind where it is common */
    const char *cves[CG_SIM_PRODUCT_CVES_MAX + 1]; /* NULL-terminated */
};

/* JARM fingerprints that Criminal IP's own sample bodies show for
 * Cloudflare and Google front ends. */
#define CG_SIM_JARM_CLOUDFLARE \
    "27d3ed3ed0003ed1dc42d43d00041d6183ff1bfae51ebd88d70384363d525c"
#define CG_SIM_JARM_GOOGLE \
    "27d40d40d29d40d1dc42d43d00041d4689ee210389f4f6b4b5b1b93f92252d"

/* A C2 framework as named in the feed's "Target C2" column. */
struct cg_sim_c2 {
    const char *feed_name; /* e.g. "c2_havoc"; NULL for the generic row */
    const char *app_name;  /* product name shown on the port */
    const char *jarm;      /* published default JARM, or NULL */
};

size_t cg_sim_product_count(void);
const struct cg_sim_product *cg_sim_product_at(size_t i);

/*
 * Returns a product chosen by pick among those common on networks with any
 * of the kinds bits, or among all products when none matches.
 */
const struct cg_sim_product *cg_sim_product_pick(uint64_t pick, unsigned kinds);

/* Returns the product with this name and version, or NULL. */
const struct cg_sim_product *cg_sim_product_find(const char *app_name,
                                                 const char *app_version);

/* Returns the CVE row for an id, or NULL. */
const struct cg_sim_cve *cg_sim_cve_find(const char *id);

/*
 * Stores up to max Exploit-DB entries for cve_id in out and returns how
 * many were stored.
 */
size_t cg_sim_exploits_for(const char *cve_id,
                           const struct cg_sim_exploit **out, size_t max);

/*
 * Returns the framework row for a feed name in any case; unknown names get
 * the generic row, whose feed_name is NULL.
 */
const struct cg_sim_c2 *cg_sim_c2_find(const char *feed_name);

/* Returns true for ports that usually speak TLS (443, 8443, 993, ...). */
bool cg_sim_port_is_tls(unsigned port);

#endif /* CG_SIM_SERVICE_TABLE_H */
