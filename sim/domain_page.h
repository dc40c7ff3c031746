/*
 * The simulated page load behind a full domain report: the document and
 * the resources it pulls from its own host and from third-party CDNs, with
 * the address, network and score of each. The network log, connected-IP,
 * link-domain and networking sections of the report are views of it.
 */
#ifndef CG_SIM_DOMAIN_PAGE_H
#define CG_SIM_DOMAIN_PAGE_H

#include "domain_site.h"

#include <jansson.h>

#define CG_SIM_PAGE_RESOURCES_MAX 14

struct cg_sim_resource {
    char url[CG_SIM_QUERY_MAX + 64];
    char host[CG_SIM_HOST_MAX + 1];
    char ip[CG_SIM_ADDR_SIZE];
    const struct cg_sim_as *as;
    int score;        /* enum cg_sim_score of ip */
    const char *type; /* "Document", "Script", "Stylesheet", ... */
    const char *mime_type;
    bool https;
    bool post;          /* sent as POST, e.g. a credential form */
    int data_bytes;     /* decoded size */
    int transfer_bytes; /* bytes on the wire; 0 when cached */
};

struct cg_sim_page {
    struct cg_sim_resource resources[CG_SIM_PAGE_RESOURCES_MAX];
    size_t count;
    char frame_id[33]; /* 32 upper-case hex digits */
};

/*
 * Simulates loading the site and returns a new page (free with free()), or
 * NULL when memory runs out. The first resource is the document.
 */
struct cg_sim_page *cg_sim_page_load(const struct cg_sim_site *site);

/* Each returns a new JSON value for the report section of the same name. */
json_t *cg_sim_page_network_logs(const struct cg_sim_page *page);
json_t *cg_sim_page_connected_ip(const struct cg_sim_page *page);
json_t *cg_sim_page_connected_ip_info(const struct cg_sim_page *page,
                                      const struct cg_sim_site *site);
json_t *cg_sim_page_connected_domains(const struct cg_sim_page *page);
json_t *cg_sim_page_link_domains(const struct cg_sim_page *page,
                                 int64_t report_time);
json_t *cg_sim_page_frames(const struct cg_sim_page *page);
json_t *cg_sim_page_networking_info(const struct cg_sim_page *page,
                                    const struct cg_sim_site *site,
                                    size_t cookies);

/* Returns a new array of the distinct upper-case countries of the page. */
json_t *cg_sim_page_countries(const struct cg_sim_page *page);

/* Formats a byte count the way the report does: "59.04 KB", "367 B". */
void cg_sim_format_size(long bytes, char *out, size_t size);

#endif /* CG_SIM_DOMAIN_PAGE_H */
