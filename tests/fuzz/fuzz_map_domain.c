/*
 * libFuzzer target for the domain report mapping. It parses the input as
 * JSON and maps it for one of three indicators, chosen by the input
 * length: a domain, a URL with a quote and a backslash (for pattern
 * escaping), or a URL whose host is an address.
 *
 * Crashes, leaks, sanitizer reports, a relationship with a missing end and
 * a bundle that cannot be serialised are bugs. A mapping that returns an
 * error is not.
 */
#include "core/json.h"
#include "stix/map.h"

#include <stdint.h>
#include <stdlib.h>

/* Largest input parsed, in bytes: the API client's limit is similar. */
#define INPUT_MAX_BYTES (4 * 1024 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Fills ind with one of three indicator shapes. */
static void pick_indicator(size_t choice, struct cg_indicator *ind)
{
    static char domain[] = "example.com";
    static char url[] = "http://example.com/a'b\\c";
    static char ip_url[] = "http://93.184.216.34/login";
    static char ip[] = "93.184.216.34";

    ind->port = -1;
    ind->prefix = -1;
    ind->defanged = false;
    ind->unwrapped = false;
    if (choice == 0) {
        ind->kind = CG_KIND_DOMAIN;
        ind->value = ind->display = ind->host = domain;
        ind->host_kind = CG_KIND_NONE;
    } else if (choice == 1) {
        ind->kind = CG_KIND_URL;
        ind->value = ind->display = url;
        ind->host = domain;
        ind->host_kind = CG_KIND_DOMAIN;
    } else {
        ind->kind = CG_KIND_URL;
        ind->value = ind->display = ip_url;
        ind->host = ip;
        ind->host_kind = CG_KIND_IPV4;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cg_stix_ctx ctx;
    struct cg_map_opts opts = {&ctx, CG_PHISHING_THRESHOLD_DEFAULT};
    struct cg_summary summary;
    struct cg_indicator ind;
    struct cg_bundle bundle;
    struct cg_buf out = CG_BUF_INIT;
    json_t *report = NULL;

    if (cg_stix_ctx_init(&ctx, CG_TLP_AMBER, 1721805263) != CG_OK)
        abort();
    if (cg_json_parse((const char *)data, size, INPUT_MAX_BYTES, &report,
                      NULL) != CG_OK)
        return 0;
    pick_indicator(size % 3, &ind);
    cg_bundle_init(&bundle);
    if (cg_map_domain_report(&bundle, &ind, report, (long long)size - 2, &opts,
                             &summary, NULL) == CG_OK) {
        if (cg_bundle_prune(&bundle) != 0)
            abort();
        if (cg_bundle_dump(&bundle, &out) != CG_OK)
            abort();
    }
    cg_buf_release(&out);
    cg_bundle_release(&bundle);
    json_decref(report);
    return 0;
}
