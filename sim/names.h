/*
 * Name tables for generated bodies: real domain registrars with their abuse
 * contacts, impersonated brands recognised in phishing host names, web
 * technologies, and a generator of synthetic site names for rows that need
 * a related domain.
 */
#ifndef CG_SIM_NAMES_H
#define CG_SIM_NAMES_H

#include "rng.h"

struct cg_sim_registrar {
    const char *name;        /* as WHOIS prints it */
    const char *abuse_email; /* the registrar's published abuse address */
    const char *ns_domain;   /* domain of its default name servers */
};

/* A brand that phishing pages imitate, matched by a host-name keyword. */
struct cg_sim_brand {
    const char *keyword; /* lower-case substring of the phishing host */
    const char *title;   /* page title the kit shows */
    const char *domain;  /* the brand's real domain */
};

/* A web technology as the domain report lists it. */
struct cg_sim_technology {
    const char *name;
    const char *version; /* NULL when scanners report no version */
    const char *category;
};

const struct cg_sim_registrar *cg_sim_registrar_pick(struct cg_sim_rng *rng);

/* Returns the first brand whose keyword occurs in host, or NULL. */
const struct cg_sim_brand *cg_sim_brand_for_host(const char *host);

const struct cg_sim_technology *cg_sim_technology_pick(struct cg_sim_rng *rng);

/*
 * Writes a synthetic two-label site name such as "northpixel.shop" to out.
 * The names are word pairs, not taken from any list of real sites.
 */
void cg_sim_site_name(struct cg_sim_rng *rng, char *out, size_t size);

#endif /* CG_SIM_NAMES_H */
