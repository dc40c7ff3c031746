/*
 * Full domain reports in the three shapes the API has used: the current
 * v2 report (GET /v2/domain/report/{id}), the older v1 report and the lite
 * report. Each function returns the `data` object; the caller wraps it in
 * the {status, message, data} envelope.
 */
#ifndef CG_SIM_DOMAIN_REPORT_H
#define CG_SIM_DOMAIN_REPORT_H

#include "domain_site.h"

#include <jansson.h>

/* Returns a new v2 report of the site as scanned at report_time. */
json_t *cg_sim_domain_report_v2(const struct cg_sim_site *site,
                                int64_t report_time);

/*
 * Returns a new v1 report: the 2022 shape, with network_logs as a plain
 * list, the SSL details under "ssl", domain_score_new, integer AS numbers,
 * capitalised score words and no file_exposure, main_certificate,
 * connected_ip, page_networking_info or report_time.
 */
json_t *cg_sim_domain_report_v1(const struct cg_sim_site *site,
                                int64_t report_time);

/* Returns a new lite report (GET /v1/domain/lite/report/{id}). */
json_t *cg_sim_domain_report_lite(const struct cg_sim_site *site,
                                  int64_t report_time);

/* Returns the listing entry fields title and countries for the site. */
json_t *cg_sim_domain_report_countries(const struct cg_sim_site *site);

#endif /* CG_SIM_DOMAIN_REPORT_H */
