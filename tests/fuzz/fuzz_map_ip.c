/*
 * libFuzzer target for the IP report mapping. It parses the input as JSON
 * and maps it for a fixed address.
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cg_stix_ctx ctx;
    struct cg_map_opts opts = {&ctx, CG_PHISHING_THRESHOLD_DEFAULT};
    struct cg_summary summary;
    struct cg_bundle bundle;
    struct cg_buf out = CG_BUF_INIT;
    json_t *report = NULL;

    if (cg_stix_ctx_init(&ctx, CG_TLP_AMBER, 1721805263) != CG_OK)
        abort();
    if (cg_json_parse((const char *)data, size, INPUT_MAX_BYTES, &report,
                      NULL) != CG_OK)
        return 0;
    cg_bundle_init(&bundle);
    if (cg_map_ip_report(&bundle, "1.1.1.1", report, &opts, &summary, NULL) ==
        CG_OK) {
        /* The mapping adds only relationships whose ends exist and whose
         * type OpenCTI accepts, so pruning must find nothing. */
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
