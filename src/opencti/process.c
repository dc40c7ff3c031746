/*
 * The enrichment of one entity: finding the entity (from the message, or
 * read from the platform for the older message form), the scope and TLP
 * checks that come before any call to Criminal IP, the gate that suspends
 * calls while credits are exhausted or the budget is spent, the run
 * through the shared engine, and turning its outcome into a work message
 * and a bundle.
 */
#include "opencti/worker_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/json.h"
#include "core/log.h"
#include "opencti/assemble.h"
#include "opencti/policy.h"
#include "opencti/work.h"

void cg_worker__on_result(const struct cg_result *result, void *data)
{
    struct cg_worker *worker = data;
    struct cg_msg_ctx *ctx = worker->current;

    if (!ctx || ctx->have_result)
        return;
    ctx->have_result = true;
    ctx->outcome = result->outcome;
    ctx->error = result->error;
    snprintf(ctx->reason, sizeof(ctx->reason), "%s",
             result->reason ? result->reason : "");
    snprintf(ctx->object_id, sizeof(ctx->object_id), "%s",
             result->object_id ? result->object_id : "");
    ctx->score = result->summary ? result->summary->score : -1;
    if (result->bundle)
        ctx->objects = json_deep_copy(result->bundle->objects);
}

void cg_worker__on_progress(const struct cg_engine_stats *stats,
                            long in_progress, void *data)
{
    struct cg_worker *worker = data;
    struct cg_msg_ctx *ctx = worker->current;
    const struct cg_octi_config *cfg = worker->connector->cfg;
    int64_t now = cg_clock_ms();
    struct cg_error err;

    (void)stats;
    (void)in_progress;
    if (worker->use_broker)
        cg_broker_service(&worker->broker);
    if (!ctx || !ctx->msg.work_id ||
        now - ctx->last_ping_ms < cfg->work_ping_ms)
        return;
    ctx->last_ping_ms = now;
    if (cg_work_ping(&worker->graphql, ctx->msg.work_id, &err) != CG_OK)
        cg_log_warn("connector", "pingWork for work %s failed: %s",
                    ctx->msg.work_id, cg_error_text(&err));
}

/* Builds a STIX entity from a GraphQL stixCyberObservable result. */
static json_t *entity_from_graphql(const json_t *read, unsigned scope)
{
    const json_t *markings = json_object_get(read, "objectMarking");
    json_t *refs = json_array();
    size_t i;
    json_t *marking;

    json_array_foreach(markings, i, marking) {
        const char *id = cg_json_str(marking, "standard_id");

        if (id && refs)
            json_array_append_new(refs, json_string(id));
    }
    return json_pack("{ss ss ss ss? so}", "type", cg_policy_stix_type(scope),
                     "spec_version", "2.1", "id",
                     cg_json_str(read, "standard_id"), "value",
                     cg_json_str(read, "observable_value"),
                     "object_marking_refs", refs ? refs : json_array());
}

/* Reads the entity over GraphQL when the message carries only its id. */
static bool read_entity(struct cg_worker *worker, struct cg_msg_ctx *ctx)
{
    json_t *read = NULL;
    struct cg_error err;

    if (cg_platform_read_observable(&worker->graphql, ctx->msg.entity_id, &read,
                                    &err) != CG_OK) {
        cg_worker__finish(ctx, true, "cannot read the entity %s: %s",
                          ctx->msg.entity_id, cg_error_text(&err));
        return false;
    }
    ctx->scope = cg_policy_entity_scope(cg_json_str(read, "entity_type"), NULL,
                                        ctx->type_name, sizeof(ctx->type_name));
    ctx->markings = json_incref(json_object_get(read, "objectMarking"));
    if (ctx->scope && cg_json_str(read, "standard_id"))
        ctx->owned_entity = entity_from_graphql(read, ctx->scope);
    ctx->entity = ctx->owned_entity;
    json_decref(read);
    return true;
}

static bool check_scope(struct cg_worker *worker, struct cg_msg_ctx *ctx)
{
    const struct cg_octi_config *cfg = worker->connector->cfg;
    char *scope = json_dumps(cfg->scope_names, JSON_COMPACT);

    if (ctx->entity && !ctx->owned_entity)
        ctx->scope =
            cg_policy_entity_scope(ctx->msg.entity_type, ctx->entity,
                                   ctx->type_name, sizeof(ctx->type_name));
    if (ctx->scope & cfg->scope) {
        free(scope);
        return true;
    }
    cg_worker__finish(ctx, false,
                      "Skipped: %s is outside this connector's scope %s",
                      ctx->type_name, scope ? scope : "");
    free(scope);
    return false;
}

/* Computes the entity's TLP, reading its markings from the platform when
 * the message does not define them. */
static enum cg_err entity_tlp(struct cg_worker *worker, struct cg_msg_ctx *ctx,
                              enum cg_tlp *tlp, struct cg_error *err)
{
    bool unresolved = false;
    json_t *read = NULL;
    enum cg_err rc;

    if (ctx->markings)
        return cg_policy_graphql_tlp(ctx->markings, tlp, err);
    rc = cg_policy_stix_tlp(ctx->entity, ctx->msg.stix_objects, tlp,
                            &unresolved, err);
    if (rc != CG_OK || !unresolved)
        return rc;
    rc = cg_platform_read_observable(&worker->graphql, ctx->msg.entity_id,
                                     &read, err);
    if (rc == CG_OK) {
        ctx->markings = json_incref(json_object_get(read, "objectMarking"));
        rc = cg_policy_graphql_tlp(ctx->markings, tlp, err);
    }
    json_decref(read);
    return rc;
}

static bool check_tlp(struct cg_worker *worker, struct cg_msg_ctx *ctx)
{
    enum cg_tlp max = worker->connector->cfg->max_tlp;
    enum cg_tlp tlp = CG_TLP_CLEAR;
    struct cg_error err;

    if (entity_tlp(worker, ctx, &tlp, &err) != CG_OK) {
        cg_worker__finish(ctx, true, "Refused: %s", cg_error_text(&err));
        return false;
    }
    if (cg_policy_tlp_allowed(tlp, max))
        return true;
    cg_worker__finish(ctx, false,
                      "Skipped: the entity is marked %s, above "
                      "CRIMINALIP_MAX_TLP %s; nothing was sent to Criminal IP",
                      cg_tlp_name(tlp), cg_tlp_name(max));
    return false;
}

/* Returns the scope bit of a parsed value's kind. */
static unsigned kind_scope(const struct cg_indicator *ind)
{
    enum cg_kind kind = ind->kind == CG_KIND_CIDR ? ind->host_kind : ind->kind;

    switch (kind) {
    case CG_KIND_IPV4:
        /* An IPv4-mapped IPv6 entity is enriched as its IPv4 address. */
        return ind->unwrapped ? CG_SCOPE_IPV4 | CG_SCOPE_IPV6 : CG_SCOPE_IPV4;
    case CG_KIND_IPV6:
        return CG_SCOPE_IPV6;
    case CG_KIND_DOMAIN:
        return CG_SCOPE_DOMAIN;
    case CG_KIND_URL:
        return CG_SCOPE_URL;
    default:
        return 0;
    }
}

/* Returns a parsed value's kind with its article, for messages. */
static const char *kind_phrase(enum cg_kind kind)
{
    switch (kind) {
    case CG_KIND_IPV4:
        return "an IPv4 address";
    case CG_KIND_IPV6:
        return "an IPv6 address";
    case CG_KIND_CIDR:
        return "a CIDR block";
    case CG_KIND_DOMAIN:
        return "a domain name";
    case CG_KIND_URL:
        return "a URL";
    default:
        return "not an indicator";
    }
}

/* Returns the kind of value that an entity of one scope type contains,
 * with its article, for messages. */
static const char *scope_phrase(unsigned scope)
{
    if (scope & CG_SCOPE_IPV4)
        return "an IPv4 address";
    if (scope & CG_SCOPE_IPV6)
        return "an IPv6 address";
    if (scope & CG_SCOPE_DOMAIN)
        return "a domain name";
    if (scope & CG_SCOPE_URL)
        return "a URL";
    return "a supported value";
}

/* Parses the value and checks that it is of the entity's type. */
static bool check_value(struct cg_msg_ctx *ctx, struct cg_indicator *ind)
{
    struct cg_parse_opts opts = {.allow_private = true};
    struct cg_error err;
    enum cg_err rc;

    ctx->value = cg_json_str(ctx->entity, "value");
    if (!ctx->value) {
        cg_worker__finish(ctx, true, "the %s entity %s has no value",
                          ctx->type_name, ctx->msg.entity_id);
        return false;
    }
    rc = cg_indicator_parse(ctx->value, strlen(ctx->value), &opts, ind, &err);
    if (rc != CG_OK && rc != CG_ERR_CIDR_RANGE) {
        cg_worker__finish(ctx, true, "invalid %s value: %s", ctx->type_name,
                          cg_error_text(&err));
        return false;
    }
    if (!(kind_scope(ind) & ctx->scope)) {
        cg_worker__finish(ctx, true,
                          "the value '%.200s' of the %s entity is %s, not %s",
                          ctx->value, ctx->type_name, kind_phrase(ind->kind),
                          scope_phrase(ctx->scope));
        return false;
    }
    return true;
}

/* True when the engine would serve the value from its response cache. */
static bool is_cached(struct cg_worker *worker, const struct cg_indicator *ind)
{
    const struct cg_octi_config *cfg = worker->connector->cfg;
    bool ip = ind->kind == CG_KIND_IPV4 || ind->kind == CG_KIND_IPV6;
    struct cg_buf key = CG_BUF_INIT;
    char *body = NULL;
    enum cg_err rc;

    rc = cg_engine_cache_key(ind, false, &key);
    if (rc == CG_OK)
        rc = cg_store_cache_get(worker->store, cg_buf_str(&key),
                                ip ? cfg->ip_ttl_s : cfg->domain_ttl_s, &body,
                                NULL, NULL);
    free(body);
    cg_buf_release(&key);
    return rc == CG_OK;
}

/* Returns the reason calls are suspended now (written into buf), or NULL. */
static const char *call_gate(struct cg_worker *worker,
                             const struct cg_msg_ctx *ctx, char *buf,
                             size_t size)
{
    struct cg_connector *c = worker->connector;
    const struct cg_octi_config *cfg = c->cfg;
    int64_t now = cg_time_now();
    const char *reason = NULL;
    long long used = 0;
    struct cg_error err;

    pthread_mutex_lock(&c->lock);
    if (c->blocked != CG_OK && now < c->blocked_until) {
        char until[CG_TIME_TEXT_SIZE];

        cg_time_format(c->blocked_until, until);
        snprintf(buf, size,
                 "%s; the connector calls Criminal IP again after "
                 "%s",
                 c->blocked_reason, until);
        reason = buf;
    }
    pthread_mutex_unlock(&c->lock);
    if (reason || cfg->max_credits < 0)
        return reason;
    if (cg_ledger_credits_used(worker->store, now - now % cfg->budget_period_s,
                               &used, &err) != CG_OK) {
        cg_log_warn("connector",
                    "work %s: %s; the budget is not checked for this message",
                    ctx->msg.work_id ? ctx->msg.work_id : "none",
                    cg_error_text(&err));
        return NULL;
    }
    if (used < cfg->max_credits)
        return NULL;
    snprintf(buf, size,
             "the credit budget (CIPGRAPH_MAX_CREDITS %lld per %lld s) is "
             "spent for this period",
             cfg->max_credits, cfg->budget_period_s);
    return buf;
}

/* Records that Criminal IP refused the key or ran out of credits. */
static void block_calls(struct cg_worker *worker, enum cg_err code,
                        const char *reason)
{
    struct cg_connector *c = worker->connector;
    int64_t now = cg_time_now();
    char until[CG_TIME_TEXT_SIZE];
    bool log = false;

    pthread_mutex_lock(&c->lock);
    if (c->blocked == CG_OK || now >= c->blocked_until) {
        log = true;
        c->blocked = code;
        c->blocked_until = now + c->cfg->retry_after_s;
        snprintf(c->blocked_reason, sizeof(c->blocked_reason), "%.*s",
                 (int)sizeof(c->blocked_reason) - 1,
                 reason && *reason ? reason : cg_strerror(code));
        cg_time_format(c->blocked_until, until);
    }
    pthread_mutex_unlock(&c->lock);
    if (log)
        cg_log_error("connector",
                     "%s; every message that needs a Criminal IP call ends in "
                     "error until %s, when the connector tries again "
                     "(CIPGRAPH_RETRY_AFTER)",
                     reason && *reason ? reason : cg_strerror(code), until);
}

static void unblock_calls(struct cg_worker *worker)
{
    struct cg_connector *c = worker->connector;
    bool was_blocked;

    pthread_mutex_lock(&c->lock);
    was_blocked = c->blocked != CG_OK;
    c->blocked = CG_OK;
    pthread_mutex_unlock(&c->lock);
    if (was_blocked)
        cg_log_info("connector",
                    "Criminal IP accepts calls again; calls resume");
}

/* Replaces an engine that stopped for the rest of its run. */
static void renew_engine(struct cg_worker *worker)
{
    struct cg_engine *engine = NULL;
    struct cg_error err;

    if (cg_engine_stats(worker->engine)->stop_reason == CG_OK)
        return;
    if (cg_engine_new(&worker->engine_opts, &engine, &err) != CG_OK) {
        cg_log_error("connector", "worker %d: cannot restart the engine: %s",
                     worker->index, cg_error_text(&err));
        return;
    }
    cg_engine_free(worker->engine);
    worker->engine = engine;
}

static void run_engine(struct cg_worker *worker, struct cg_msg_ctx *ctx)
{
    const struct cg_octi_config *cfg = worker->connector->cfg;
    long long before = cg_engine_stats(worker->engine)->credits_used;
    long long spent;
    int64_t now = cg_time_now();
    struct cg_error err;
    enum cg_err rc;

    cg_error_clear(&err);
    ctx->last_ping_ms = cg_clock_ms();
    worker->current = ctx;
    rc = cg_engine_submit(worker->engine, ctx->value, strlen(ctx->value), 1,
                          &err);
    if (rc == CG_OK)
        rc = cg_engine_finish(worker->engine, &err);
    worker->current = NULL;
    spent = cg_engine_stats(worker->engine)->credits_used - before;
    if (spent > 0 && cfg->max_credits >= 0 &&
        cg_ledger_add_credits(worker->store, now - now % cfg->budget_period_s,
                              spent, &err) != CG_OK)
        cg_log_warn("connector", "work %s: %s",
                    ctx->msg.work_id ? ctx->msg.work_id : "none",
                    cg_error_text(&err));
    if (!ctx->have_result) {
        ctx->outcome = CG_OUTCOME_NOT_DONE;
        ctx->error = rc != CG_OK ? rc : CG_ERR_INVALID;
        snprintf(ctx->reason, sizeof(ctx->reason), "%s", cg_error_text(&err));
    }
}

static void deliver_enrichment(struct cg_worker *worker, struct cg_msg_ctx *ctx)
{
    struct cg_assembly in = {
        .engine_objects = ctx->objects,
        .engine_id = ctx->object_id,
        .entity = ctx->entity,
        .context = ctx->msg.stix_objects,
        .incoming = ctx->msg.playbook ? ctx->msg.stix_objects : NULL,
    };
    struct cg_bundle bundle;
    struct cg_error err;

    cg_bundle_init(&bundle);
    if (!ctx->objects || cg_assemble_bundle(&in, &bundle, &err) != CG_OK) {
        cg_worker__finish(ctx, true, "building the bundle for %s failed: %s",
                          ctx->value,
                          ctx->objects ? cg_error_text(&err) : "out of memory");
    } else if (cg_worker__deliver(worker, ctx, &bundle) == CG_OK) {
        cg_worker__finish(
            ctx, false, "Enriched %s from %s: score %d, %zu objects sent",
            ctx->value,
            ctx->outcome == CG_OUTCOME_CACHED ? "the cache" : "Criminal IP",
            ctx->score, cg_bundle_size(&bundle));
    }
    cg_bundle_release(&bundle);
}

static void conclude(struct cg_worker *worker, struct cg_msg_ctx *ctx)
{
    const char *reason = ctx->reason[0] ? ctx->reason : cg_strerror(ctx->error);

    switch (ctx->outcome) {
    case CG_OUTCOME_ENRICHED:
        unblock_calls(worker);
        deliver_enrichment(worker, ctx);
        return;
    case CG_OUTCOME_CACHED:
        deliver_enrichment(worker, ctx);
        return;
    case CG_OUTCOME_NO_DATA:
        cg_worker__finish(ctx, false, "Criminal IP has no data on %s",
                          ctx->value);
        return;
    case CG_OUTCOME_SKIPPED:
        cg_worker__finish(ctx, false, "Skipped %s: %s", ctx->value, reason);
        return;
    default:
        if (ctx->error == CG_ERR_API_LIMIT || ctx->error == CG_ERR_API_KEY)
            block_calls(worker, ctx->error, reason);
        cg_worker__finish(ctx, true, "%s: %s", ctx->value, reason);
    }
}

/* True when enriching the value needs no Criminal IP call. */
static bool needs_no_call(struct cg_worker *worker,
                          const struct cg_indicator *ind)
{
    return ind->kind == CG_KIND_CIDR || cg_ip_special_range(ind->host) ||
           is_cached(worker, ind);
}

void cg_worker__process(struct cg_worker *worker, struct cg_msg_ctx *ctx)
{
    struct cg_indicator ind;
    char buf[512];
    const char *gate;

    memset(&ind, 0, sizeof(ind));
    if (ctx->msg.stix_entity)
        ctx->entity = ctx->msg.stix_entity;
    else if (!read_entity(worker, ctx))
        return;
    if (!check_scope(worker, ctx) || !check_tlp(worker, ctx))
        return;
    if (!check_value(ctx, &ind))
        goto out;
    gate = call_gate(worker, ctx, buf, sizeof(buf));
    if (gate && !needs_no_call(worker, &ind)) {
        cg_worker__finish(ctx, true, "%s: %s", ctx->value, gate);
        goto out;
    }
    run_engine(worker, ctx);
    conclude(worker, ctx);
    renew_engine(worker);
out:
    cg_indicator_release(&ind);
}
