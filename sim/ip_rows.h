/*
 * Builders for the row sections that the IP report, malicious-info and
 * suspicious-info bodies share. Each builder seeds its own generator from
 * the address and a section label, so a section's rows do not change when
 * another section changes.
 */
#ifndef CG_SIM_IP_ROWS_H
#define CG_SIM_IP_ROWS_H

#include "ip_profile.h"

#include <jansson.h>

/* Rows per section with full=true and with full=false. The API documents
 * "up to 20 lines" for full=false; the full=true cap is a simulator limit. */
#define CG_SIM_ROWS_FULL  100
#define CG_SIM_ROWS_SHORT 20

/* Each returns a new {count, data} section with at most max_rows rows. */
json_t *cg_sim_rows_protected_ip(const struct cg_sim_ip_profile *p,
                                 size_t max_rows);
json_t *cg_sim_rows_domain(const struct cg_sim_ip_profile *p, size_t max_rows);
json_t *cg_sim_rows_whois(const struct cg_sim_ip_profile *p);
json_t *cg_sim_rows_hostname(const struct cg_sim_ip_profile *p);
json_t *cg_sim_rows_ids(const struct cg_sim_ip_profile *p);
json_t *cg_sim_rows_vpn(const struct cg_sim_ip_profile *p, bool anonymous);
json_t *cg_sim_rows_webcam(const struct cg_sim_ip_profile *p);
json_t *cg_sim_rows_honeypot(const struct cg_sim_ip_profile *p);
json_t *cg_sim_rows_ip_category(const struct cg_sim_ip_profile *p);
json_t *cg_sim_rows_port(const struct cg_sim_ip_profile *p, size_t max_rows);
json_t *cg_sim_rows_vulnerability(const struct cg_sim_ip_profile *p,
                                  size_t max_rows);
json_t *cg_sim_rows_mobile(const struct cg_sim_ip_profile *p);

/* Returns a new `issues` object; anonymous_vpn adds is_anonymous_vpn. */
json_t *cg_sim_issues_object(const struct cg_sim_ip_profile *p,
                             bool anonymous_vpn);

/* Returns the protocol name of a port row, e.g. "HTTPS" or "SSH". */
const char *cg_sim_port_protocol(const struct cg_sim_port *port);

/* Returns true when the port's product version has at least one CVE. */
bool cg_sim_port_is_vulnerable(const struct cg_sim_port *port);

/*
 * Writes the first related domain of the address (the one the first domain
 * row names) to out, or "" when the address has none.
 */
void cg_sim_representative_domain(const struct cg_sim_ip_profile *p, char *out,
                                  size_t size);

#endif /* CG_SIM_IP_ROWS_H */
