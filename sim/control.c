/*
 * The control endpoints under /_sim/: GET /_sim/stats, GET and POST
 * /_sim/config and POST /_sim/reset. They need no API key, ignore every
 * failure switch and serve only clients on a loopback address.
 */
#include "api.h"
#include "core/json.h"
#include "feed.h"
#include "scan.h"

#include <string.h>

static void reply_json(struct cg_sim_reply *reply, unsigned status,
                       json_t *body)
{
    reply->http_status = status;
    reply->body = body;
}

static void reply_message(struct cg_sim_reply *reply, unsigned status,
                          const char *message)
{
    reply_json(
        reply, status,
        json_pack("{s:i, s:s}", "status", (int)status, "message", message));
}

static json_t *stats_body(void)
{
    json_t *stats = cg_sim_stats_to_json();
    json_t *scans = json_object();
    json_t *feeds = json_object();
    size_t stored;
    size_t running;

    cg_sim_scan_counts(&stored, &running);
    json_object_set_new(scans, "stored", json_integer((json_int_t)stored));
    json_object_set_new(scans, "running", json_integer((json_int_t)running));
    json_object_set_new(stats, "scans", scans);
    json_object_set_new(feeds, "c2_addresses",
                        json_integer((json_int_t)cg_sim_feed_c2_count()));
    json_object_set_new(feeds, "phishing_hosts",
                        json_integer((json_int_t)cg_sim_feed_phishing_count()));
    json_object_set_new(stats, "feeds", feeds);
    return stats;
}

static json_t *settings_body(void)
{
    struct cg_sim_settings settings;

    cg_sim_settings_get(&settings);
    return cg_sim_settings_to_json(&settings);
}

static void change_settings(const struct cg_sim_request *req,
                            struct cg_sim_reply *reply)
{
    struct cg_error err;
    json_t *changes = NULL;

    cg_error_clear(&err);
    if (req->body_too_large) {
        reply_message(reply, 400, "The settings body exceeds 65536 bytes.");
        return;
    }
    if (cg_json_parse(cg_buf_str(&req->body), req->body.len, CG_SIM_BODY_MAX,
                      &changes, &err) != CG_OK ||
        cg_sim_settings_apply(changes, &err) != CG_OK) {
        reply_message(reply, 400, cg_error_text(&err));
        json_decref(changes);
        return;
    }
    json_decref(changes);
    reply_json(reply, 200, settings_body());
}

void cg_sim_control_handle(const struct cg_sim_request *req,
                           struct cg_sim_reply *reply)
{
    const char *path = req->path;
    bool get =
        strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
    bool post = strcmp(req->method, "POST") == 0;

    if (!cg_sim_request_is_loopback(req)) {
        reply_message(reply, 403,
                      "Control endpoints answer loopback "
                      "clients only.");
        return;
    }
    if (strcmp(path, "/_sim/stats") == 0) {
        if (get)
            reply_json(reply, 200, stats_body());
        else
            reply->allow = "GET";
    } else if (strcmp(path, "/_sim/config") == 0) {
        if (get)
            reply_json(reply, 200, settings_body());
        else if (post)
            change_settings(req, reply);
        else
            reply->allow = "GET, POST";
    } else if (strcmp(path, "/_sim/reset") == 0) {
        if (post) {
            cg_sim_stats_reset();
            reply_message(reply, 200, "counters reset");
        } else {
            reply->allow = "POST";
        }
    } else {
        reply_message(reply, 404, "Not Found");
        return;
    }
    if (reply->allow)
        reply_message(reply, 405, "Method Not Allowed");
}
