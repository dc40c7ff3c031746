/*
 * Handlers of the simulated Criminal IP endpoints. Each reads its
 * parameters from call->request and sets call->body with cg_sim_call_ok()
 * or cg_sim_call_error().
 */
#ifndef CG_SIM_API_H
#define CG_SIM_API_H

#include "router.h"

/* IP and account endpoints (api_ip.c). */
void cg_sim_api_ip_report(struct cg_sim_call *call);
void cg_sim_api_malicious_info(struct cg_sim_call *call);
void cg_sim_api_suspicious_info(struct cg_sim_call *call);
void cg_sim_api_user_me(struct cg_sim_call *call);

/* Domain endpoints (api_domain.c). */
void cg_sim_api_domain_reports(struct cg_sim_call *call);
void cg_sim_api_domain_scan(struct cg_sim_call *call);
void cg_sim_api_domain_status(struct cg_sim_call *call);
void cg_sim_api_domain_report_v2(struct cg_sim_call *call);
void cg_sim_api_domain_report_v1(struct cg_sim_call *call);
void cg_sim_api_lite_scan(struct cg_sim_call *call);
void cg_sim_api_lite_progress(struct cg_sim_call *call);
void cg_sim_api_lite_report(struct cg_sim_call *call);
void cg_sim_api_quick_hash_view(struct cg_sim_call *call);

/*
 * Handles GET/POST /_sim/... (control.c). These need no key but answer
 * only loopback clients.
 */
void cg_sim_control_handle(const struct cg_sim_request *req,
                           struct cg_sim_reply *reply);

/*
 * Rewrites a success body for --null-heavy (nullify.c): nearly every scalar
 * becomes null, lists become [] or null, and identifiers that the API has
 * sent both as numbers and as strings become strings.
 */
void cg_sim_nullify(json_t *body);

#endif /* CG_SIM_API_H */
