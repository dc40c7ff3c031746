/*
 * Message intake and result delivery for one worker. A message is counted
 * in the ledger before anything else, so that one that keeps failing (or
 * crashing the process) is rejected after CIPGRAPH_MAX_DELIVERIES tries.
 * A message that is not JSON, or lacks what OpenCTI always sends, is
 * rejected at once. The result is pushed and confirmed before the caller
 * acknowledges the message, and the work report follows.
 */
#include "opencti/worker_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "opencti/assemble.h"
#include "opencti/work.h"

/* Time to wait for a publisher confirm, in ms. */
#define CONFIRM_TIMEOUT_MS 30000

/* Largest bundle pushed, in bytes before base64: RabbitMQ 4 refuses
 * messages over 16 MiB by default, and base64 adds a third. */
#define PUSH_MAX (12u * 1024 * 1024)

static void keep_broker_alive(void *data)
{
    struct cg_worker *worker = data;

    if (worker->use_broker)
        cg_broker_service(&worker->broker);
}

static void set_engine_opts(struct cg_worker *worker)
{
    const struct cg_octi_config *cfg = worker->connector->cfg;
    struct cg_engine_opts *opts = &worker->engine_opts;

    cg_engine_opts_init(opts);
    opts->api = &worker->connector->api;
    opts->store = worker->store;
    opts->tlp = cfg->tlp;
    opts->ip_ttl = cfg->ip_ttl_s;
    opts->domain_ttl = cfg->domain_ttl_s;
    opts->concurrency = cfg->concurrency;
    /* CIPGRAPH_RATE is for the whole process: each worker gets its share. */
    opts->rate = cfg->rate / cfg->workers;
    opts->poll_interval_ms = cfg->poll_interval_ms;
    opts->scan_deadline_ms = cfg->scan_deadline_ms;
    /* The connector logs a stop itself (block_calls): the engine's words
     * are for the command line (--resume, --max-credits). */
    opts->quiet_stop = true;
    opts->on_result = cg_worker__on_result;
    opts->on_progress = cg_worker__on_progress;
    opts->data = worker;
}

enum cg_err cg_worker_init(struct cg_worker *worker,
                           struct cg_connector *connector, int index,
                           struct cg_error *err)
{
    const struct cg_octi_config *cfg = connector->cfg;
    enum cg_err rc;

    memset(worker, 0, sizeof(*worker));
    worker->connector = connector;
    worker->index = index;
    rc = cg_store_open(cfg->db_path, &worker->store, err);
    if (rc == CG_OK) {
        /* Without the thread, SQLite checkpoints inside commits. */
        cg_store_checkpoint_in_background(worker->store,
                                          CG_STORE_CHECKPOINT_PAGES, NULL);
        rc = cg_graphql_init(&worker->graphql, cfg->opencti_url,
                             cfg->opencti_token, err);
    }
    if (rc != CG_OK)
        goto fail;
    worker->graphql.stop = connector->stop;
    worker->graphql.max_backoff_ms = cfg->max_backoff_ms;
    worker->graphql.idle = keep_broker_alive;
    worker->graphql.idle_data = worker;
    set_engine_opts(worker);
    rc = cg_engine_new(&worker->engine_opts, &worker->engine, err);
    if (rc != CG_OK)
        goto fail;
    worker->broker.mq = &connector->reg.mq;
    worker->broker.tls = &cfg->mq;
    worker->broker.push_exchange = connector->reg.push_exchange;
    worker->broker.push_routing = connector->reg.push_routing;
    worker->use_broker = cfg->listen_protocol == CG_LISTEN_AMQP ||
                         cfg->queue_protocol == CG_QUEUE_AMQP;
    return CG_OK;
fail:
    cg_worker_release(worker);
    return rc;
}

void cg_worker_release(struct cg_worker *worker)
{
    cg_broker_close(&worker->broker);
    cg_engine_free(worker->engine);
    cg_graphql_release(&worker->graphql);
    cg_store_close(worker->store);
    worker->engine = NULL;
    worker->store = NULL;
}

void cg_worker__finish(struct cg_msg_ctx *ctx, bool in_error, const char *fmt,
                       ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(ctx->out->message, sizeof(ctx->out->message), fmt, ap);
    va_end(ap);
    ctx->out->in_error = in_error;
    ctx->out->disposition = CG_DISPOSE_ACK;
}

enum cg_err cg_worker_connect_broker(struct cg_worker *worker,
                                     struct cg_error *err)
{
    const struct cg_mq_settings *mq = &worker->connector->reg.mq;
    enum cg_err rc;

    if (worker->broker.conn && !worker->broker.broken)
        return CG_OK;
    rc = cg_broker_connect(&worker->broker, err);
    if (rc == CG_OK)
        cg_log_info(
            "connector", "worker %d: connected to RabbitMQ at %s:%d%s%s",
            worker->index, mq->host, mq->port,
            worker->broker.listen_queue ? ", consuming " : "",
            worker->broker.listen_queue ? worker->broker.listen_queue : "");
    return rc;
}

/*
 * Publishes to the push queue. A consumer publishes on the connection its
 * message came from, and never reconnects here: a new consumer would take
 * deliveries in the middle of the publish, and the message in hand belongs
 * to the old connection anyway. A publish-only connection (HTTP callbacks)
 * may have gone idle and is reconnected once.
 */
static enum cg_err publish(struct cg_worker *worker, const struct cg_buf *text,
                           struct cg_error *err)
{
    enum cg_err rc = CG_OK;

    if (!worker->broker.listen_queue)
        rc = cg_worker_connect_broker(worker, err);
    if (rc == CG_OK)
        rc = cg_broker_publish(&worker->broker, cg_buf_str(text), text->len,
                               CONFIRM_TIMEOUT_MS, err);
    if (rc == CG_OK || worker->broker.listen_queue)
        return rc;
    cg_log_warn("connector", "worker %d: %s; reconnecting to RabbitMQ",
                worker->index, cg_error_text(err));
    cg_broker_drop(&worker->broker);
    rc = cg_worker_connect_broker(worker, err);
    if (rc == CG_OK)
        rc = cg_broker_publish(&worker->broker, cg_buf_str(text), text->len,
                               CONFIRM_TIMEOUT_MS, err);
    return rc;
}

static enum cg_err push(struct cg_worker *worker, struct cg_msg_ctx *ctx,
                        const struct cg_buf *bundle, struct cg_error *err)
{
    const struct cg_octi_message *msg = &ctx->msg;
    struct cg_connector *c = worker->connector;
    struct cg_graphql_headers headers = {.draft_id = msg->draft_id};
    struct cg_buf text = CG_BUF_INIT;
    enum cg_err rc;

    if (msg->playbook)
        return cg_platform_playbook_step(&worker->graphql, msg->playbook,
                                         msg->playbook_bundle,
                                         cg_buf_str(bundle), err);
    if (c->cfg->queue_protocol == CG_QUEUE_API)
        return cg_platform_bundle_push(&worker->graphql, c->cfg->id,
                                       cg_buf_str(bundle), msg->work_id,
                                       &headers, err);
    rc = cg_assemble_queue_message(cg_buf_str(bundle), bundle->len,
                                   msg->applicant_id ? msg->applicant_id
                                                     : c->reg.connector_user_id,
                                   msg->work_id, msg->draft_id, &text);
    if (rc != CG_OK)
        rc = cg_error_set(err, rc, "out of memory");
    else
        rc = publish(worker, &text, err);
    cg_buf_release(&text);
    return rc;
}

enum cg_err cg_worker__deliver(struct cg_worker *worker, struct cg_msg_ctx *ctx,
                               const struct cg_bundle *bundle)
{
    struct cg_buf text = CG_BUF_INIT;
    struct cg_error err;
    enum cg_err rc;

    cg_buf_init(&text, PUSH_MAX);
    rc = cg_bundle_dump(bundle, &text);
    if (rc == CG_ERR_TOO_LARGE) {
        cg_buf_release(&text);
        cg_worker__finish(ctx, true,
                          "the bundle for %s is larger than %u bytes; nothing "
                          "was sent",
                          ctx->value ? ctx->value : ctx->msg.entity_id,
                          PUSH_MAX);
        return rc;
    }
    if (rc == CG_OK)
        rc = push(worker, ctx, &text, &err);
    else
        cg_error_set(&err, rc, "out of memory");
    cg_buf_release(&text);
    if (rc == CG_OK) {
        ctx->delivered = true;
        return CG_OK;
    }
    cg_log_error("connector",
                 "work %s, entity %s: sending the result failed: "
                 "%s; the message stays queued for another try",
                 ctx->msg.work_id ? ctx->msg.work_id : "none",
                 ctx->msg.entity_id, cg_error_text(&err));
    ctx->out->disposition = CG_DISPOSE_REQUEUE;
    snprintf(ctx->out->message, sizeof(ctx->out->message),
             "sending the result failed: %s", cg_error_text(&err));
    return rc;
}

/* Returns a playbook step that was not enriched with its own bundle. */
static void return_unchanged(struct cg_worker *worker, struct cg_msg_ctx *ctx)
{
    struct cg_bundle bundle;

    if (!ctx->msg.playbook || ctx->delivered ||
        ctx->out->disposition != CG_DISPOSE_ACK)
        return;
    cg_bundle_init(&bundle);
    if (cg_assemble_add_copies(&bundle, ctx->msg.stix_objects, NULL) != CG_OK)
        cg_log_error("connector", "playbook step for %s: out of memory",
                     ctx->msg.entity_id);
    else
        cg_worker__deliver(worker, ctx, &bundle);
    cg_bundle_release(&bundle);
}

/* Counts the delivery; returns false when the message is rejected. */
static bool count_delivery(struct cg_worker *worker, struct cg_msg_ctx *ctx,
                           bool redelivered, long delivery_count)
{
    int max = worker->connector->cfg->max_deliveries;
    bool restart = worker->broker.listen_queue && !redelivered;
    int count = 1;
    struct cg_error err;

    if (cg_ledger_count_delivery(worker->store, ctx->out->key, restart, &count,
                                 &err) != CG_OK)
        cg_log_warn("connector", "work %s: %s",
                    ctx->out->work_id[0] ? ctx->out->work_id : "none",
                    cg_error_text(&err));
    if (delivery_count >= 0 && delivery_count + 1 > count)
        count = (int)(delivery_count + 1);
    if (count <= max)
        return true;
    snprintf(ctx->out->message, sizeof(ctx->out->message),
             "Rejected: the message was delivered %d times without being "
             "handled (CIPGRAPH_MAX_DELIVERIES is %d)",
             count, max);
    ctx->out->in_error = true;
    ctx->out->disposition = CG_DISPOSE_REJECT;
    cg_log_error("connector", "work %s, entity %s: %s",
                 ctx->out->work_id[0] ? ctx->out->work_id : "none",
                 ctx->msg.entity_id ? ctx->msg.entity_id : "unknown",
                 ctx->out->message);
    return false;
}

/* Handles a message that does not parse or lacks required fields. */
static void reject_unusable(struct cg_msg_ctx *ctx, enum cg_err rc,
                            const struct cg_error *err)
{
    ctx->out->disposition = CG_DISPOSE_REJECT;
    ctx->out->in_error = true;
    ctx->out->bad_json =
        rc == CG_ERR_PARSE || rc == CG_ERR_TOO_LARGE || rc == CG_ERR_TOO_DEEP;
    snprintf(ctx->out->message, sizeof(ctx->out->message),
             "Rejected: the message is unusable: %s", cg_error_text(err));
    cg_log_error("connector", "work %s: rejecting a message: %s",
                 ctx->out->work_id[0] ? ctx->out->work_id : "unknown",
                 cg_error_text(err));
}

void cg_worker_handle(struct cg_worker *worker, const char *body, size_t len,
                      bool redelivered, long delivery_count,
                      struct cg_handled *out)
{
    struct cg_msg_ctx ctx;
    struct cg_error err;
    enum cg_err rc;

    memset(out, 0, sizeof(*out));
    memset(&ctx, 0, sizeof(ctx));
    ctx.out = out;
    cg_ledger_key(body, len, out->key);
    rc = cg_octi_message_parse(body, len, &ctx.msg, &err);
    if (ctx.msg.entity_id)
        snprintf(out->entity_id, sizeof(out->entity_id), "%s",
                 ctx.msg.entity_id);
    if (ctx.msg.work_id)
        snprintf(out->work_id, sizeof(out->work_id), "%s", ctx.msg.work_id);
    else if (rc != CG_OK)
        cg_octi_message_peek_work(body, len, out->work_id,
                                  sizeof(out->work_id));
    if (!count_delivery(worker, &ctx, redelivered, delivery_count))
        goto out;
    if (rc == CG_ERR_UNSUPPORTED) {
        cg_worker__finish(&ctx, true, "%s", cg_error_text(&err));
        goto out;
    }
    if (rc != CG_OK) {
        reject_unusable(&ctx, rc, &err);
        goto out;
    }
    if (ctx.msg.work_id &&
        cg_work_received(&worker->graphql, ctx.msg.work_id,
                         "Connector ready to process the operation",
                         &err) != CG_OK)
        cg_log_warn("connector", "work %s: workToReceived failed: %s",
                    ctx.msg.work_id, cg_error_text(&err));
    cg_worker__process(worker, &ctx);
    return_unchanged(worker, &ctx);
out:
    json_decref(ctx.owned_entity);
    json_decref(ctx.markings);
    json_decref(ctx.objects);
    cg_octi_message_release(&ctx.msg);
}

void cg_worker_report(struct cg_worker *worker, const struct cg_handled *done,
                      bool final)
{
    struct cg_error err;

    if (done->disposition == CG_DISPOSE_REQUEUE)
        return;
    if (final &&
        cg_ledger_forget_delivery(worker->store, done->key, &err) != CG_OK)
        cg_log_warn("connector", "work %s: %s",
                    done->work_id[0] ? done->work_id : "none",
                    cg_error_text(&err));
    /* Rejections were logged as errors when they were decided. */
    if (done->disposition == CG_DISPOSE_ACK)
        cg_log(done->in_error ? CG_LOG_WARN : CG_LOG_INFO, "connector",
               "work %s, entity %s: %s",
               done->work_id[0] ? done->work_id : "none",
               done->entity_id[0] ? done->entity_id : "unknown", done->message);
    if (!done->work_id[0])
        return;
    if (cg_work_processed(&worker->graphql, done->work_id, done->message,
                          done->in_error, &err) != CG_OK)
        cg_log_error("connector", "work %s: workToProcessed failed: %s",
                     done->work_id, cg_error_text(&err));
}
