/*
 * The three IP bodies: the asset report (GET /v1/asset/ip/report), the
 * malicious-info and the suspicious-info features. All are flat objects
 * with "status": 200 next to the payload, as the API returns them.
 */
#ifndef CG_SIM_IP_REPORT_H
#define CG_SIM_IP_REPORT_H

#include "ip_profile.h"

#include <jansson.h>

/* Returns a new report body; full=false caps every section's rows. */
json_t *cg_sim_ip_report(const struct cg_sim_ip_profile *p, bool full);

/* Returns a new GET /v1/feature/ip/malicious-info body. */
json_t *cg_sim_ip_malicious_info(const struct cg_sim_ip_profile *p);

/* Returns a new GET /v2/feature/ip/suspicious-info body. */
json_t *cg_sim_ip_suspicious_info(const struct cg_sim_ip_profile *p);

#endif /* CG_SIM_IP_REPORT_H */
