/*
 * The deterministic model of a scanned site, derived from the canonical
 * query alone: where it is hosted, its DNS addresses, title, registrar,
 * age, score and phishing verdict. Hosts of the bundled phishing list get a
 * high phishing probability and impersonation signals; other hosts get a
 * low one. The report renderers turn a site into the API's bodies.
 */
#ifndef CG_SIM_DOMAIN_SITE_H
#define CG_SIM_DOMAIN_SITE_H

#include "as_table.h"
#include "names.h"
#include "url.h"

#define CG_SIM_SITE_A_MAX    3
#define CG_SIM_SITE_AAAA_MAX 2

struct cg_sim_site_ip {
    char ip[CG_SIM_ADDR_SIZE];
    const struct cg_sim_as *as;
    int score; /* enum cg_sim_score of the address */
};

struct cg_sim_site {
    const struct cg_sim_target *target; /* borrowed */
    char main_domain[CG_SIM_HOST_MAX + 1];
    bool phishing;
    const struct cg_sim_brand *brand; /* imitated brand, or NULL */
    const struct cg_sim_registrar *registrar;
    const struct cg_sim_as *host_as;
    struct cg_sim_site_ip a[CG_SIM_SITE_A_MAX];
    size_t a_count;
    struct cg_sim_site_ip aaaa[CG_SIM_SITE_AAAA_MAX];
    size_t aaaa_count;
    char title[160];
    int score;            /* enum cg_sim_score of the site */
    double phishing_prob; /* percent, 0-100 */
    int age_days;         /* domain age at report time */
    bool mail_server;
    bool https_redirect;   /* http:// redirects to https:// */
    bool optional_summary; /* emit the optional summary keys */
};

/* Builds the site model for a parsed query. */
void cg_sim_site_describe(const struct cg_sim_target *target,
                          struct cg_sim_site *site);

/* Returns the Criminal IP score percentage shown for a level (20-99). */
int cg_sim_site_score_percent(int level);

#endif /* CG_SIM_DOMAIN_SITE_H */
