/*
 * Handlers of the IP endpoints and of POST /v1/user/me.
 */
#include "api.h"
#include "ip_report.h"
#include "text.h"

#include <string.h>
#include <strings.h>

/* Reads ?ip= into a profile; replies "Invalid IP Address." on failure. */
static bool read_profile(struct cg_sim_call *call,
                         struct cg_sim_ip_profile *profile)
{
    bool invalid = false;
    const char *ip = cg_sim_request_arg(call->request, "ip", &invalid);

    if (!ip || invalid ||
        !cg_sim_ip_profile_build(ip, call->settings->ipv6, profile)) {
        cg_sim_call_error(call, 400, CG_SIM_MSG_INVALID_IP,
                          CG_SIM_REJECTED_BAD_REQUEST);
        return false;
    }
    return true;
}

void cg_sim_api_ip_report(struct cg_sim_call *call)
{
    struct cg_sim_ip_profile profile;
    const char *full = cg_sim_request_arg(call->request, "full", NULL);

    if (!read_profile(call, &profile))
        return;
    cg_sim_call_ok(call, cg_sim_ip_report(
                             &profile, full && (strcasecmp(full, "true") == 0 ||
                                                strcmp(full, "1") == 0)));
}

void cg_sim_api_malicious_info(struct cg_sim_call *call)
{
    struct cg_sim_ip_profile profile;

    if (read_profile(call, &profile))
        cg_sim_call_ok(call, cg_sim_ip_malicious_info(&profile));
}

void cg_sim_api_suspicious_info(struct cg_sim_call *call)
{
    struct cg_sim_ip_profile profile;

    if (read_profile(call, &profile))
        cg_sim_call_ok(call, cg_sim_ip_suspicious_info(&profile));
}

/*
 * The real account body is unrecorded. remaining_credits and used_credits
 * are simulator-only fields; -1 means "no limit". The key is never echoed.
 */
void cg_sim_api_user_me(struct cg_sim_call *call)
{
    const struct cg_sim_settings *s = call->settings;
    long long used = cg_sim_credits_used();
    long long remaining = s->credits < 0       ? -1
                          : used >= s->credits ? 0
                                               : s->credits - used;
    json_t *data = json_object();

    /* Only Enterprise plans may call the API concurrently. */
    cg_sim_set_text(data, "account_type",
                    s->concurrency == 0 ? "enterprise" : "free");
    cg_sim_set_text(data, "api_key", "********");
    cg_sim_set_text(data, "email", "simulator@example.com");
    cg_sim_set_time(data, "last_access_date", call->now);
    cg_sim_set_int(data, "max_search", s->credits < 0 ? -1 : s->credits);
    cg_sim_set_text(data, "membership_date", "2024-01-01 00:00:00");
    cg_sim_set_text(data, "name", "cip-sim");
    cg_sim_set_int(data, "remaining_credits", remaining);
    cg_sim_set_int(data, "used_credits", used);
    cg_sim_call_ok(call, cg_sim_envelope(data));
}
