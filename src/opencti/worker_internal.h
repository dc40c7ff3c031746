/*
 * Private parts of the connector worker shared by worker.c (message
 * intake, delivery of results, work reports) and process.c (the checks and
 * the enrichment of one entity).
 */
#ifndef CG_OPENCTI_WORKER_INTERNAL_H
#define CG_OPENCTI_WORKER_INTERNAL_H

#include "opencti/message.h"
#include "opencti/worker.h"
#include "stix/bundle.h"

/* One message in progress. */
struct cg_msg_ctx {
    struct cg_octi_message msg;
    struct cg_handled *out;
    const json_t *entity; /* the STIX entity: from msg or owned_entity */
    json_t *owned_entity; /* built from a GraphQL read, or NULL */
    json_t *markings;     /* GraphQL objectMarking, or NULL */
    unsigned scope;       /* the entity's scope bit */
    char type_name[64];   /* its OpenCTI type, for messages */
    const char *value;    /* borrowed from entity */
    /* The engine's result. */
    bool have_result;
    enum cg_outcome outcome;
    enum cg_err error;
    char reason[512];
    char object_id[CG_STIX_ID_SIZE];
    json_t *objects; /* copy of the value's bundle objects, or NULL */
    int score;
    int64_t last_ping_ms;
    bool delivered; /* a bundle or playbook step result was sent */
};

/* Sets the work message and marks the message done (ack). */
void cg_worker__finish(struct cg_msg_ctx *ctx, bool in_error, const char *fmt,
                       ...) CG_PRINTF(3, 4);

/* Checks and enriches the message's entity; fills ctx->out. */
void cg_worker__process(struct cg_worker *worker, struct cg_msg_ctx *ctx);

/*
 * Sends a bundle for the message: playbookStepExecution for a playbook
 * step, stixBundlePush with CONNECTOR_QUEUE_PROTOCOL=api, else the push
 * queue with a publisher confirm. On failure the message is marked for
 * redelivery and the error is returned.
 */
enum cg_err cg_worker__deliver(struct cg_worker *worker, struct cg_msg_ctx *ctx,
                               const struct cg_bundle *bundle);

/* The engine's callbacks; data is the worker. */
void cg_worker__on_result(const struct cg_result *result, void *data);
void cg_worker__on_progress(const struct cg_engine_stats *stats,
                            long in_progress, void *data);

#endif /* CG_OPENCTI_WORKER_INTERNAL_H */
