/*
 * The end of a value's way through the engine: its mapping, stored in one
 * transaction together with the cached response and the run item, the
 * counters, and the result callback. Also the response cache that job.c
 * reads before its calls.
 */
#include "enrich/engine_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/json.h"
#include "core/log.h"

bool cg_job__is_ip(const struct job *job)
{
    return job->ind.kind == CG_KIND_IPV4 || job->ind.kind == CG_KIND_IPV6;
}

/*
 * Credits a value is expected to cost; used for the "saved" estimate.
 * Invalid values and CIDR blocks would never be sent, so they save
 * nothing.
 */
static long expected_credits(const struct cg_engine *engine,
                             const struct job *job)
{
    if (cg_job__is_ip(job))
        return engine->opts.deep ? 3 : 1;
    if (job->ind.kind != CG_KIND_DOMAIN && job->ind.kind != CG_KIND_URL)
        return 0;
    return engine->opts.lite ? 2 : 3;
}

enum cg_err cg_engine_cache_key(const struct cg_indicator *ind, bool lite,
                                struct cg_buf *out)
{
    const char *prefix = lite ? "lite" : "domain";

    if (ind->kind == CG_KIND_IPV4 || ind->kind == CG_KIND_IPV6)
        prefix = "ip";
    return cg_buf_printf(out, "%s:%s", prefix, ind->value);
}

/* The key of the main report, or of the extra body named by prefix. */
static void cache_key(const struct cg_engine *engine, const struct job *job,
                      const char *prefix, struct cg_buf *out)
{
    enum cg_err rc =
        prefix ? cg_buf_printf(out, "%s:%s", prefix, job->ind.value)
               : cg_engine_cache_key(&job->ind, engine->opts.lite, out);

    if (rc != CG_OK)
        cg_buf_reset(out);
}

/* The STIX id of the value's main observable. */
static void observable_id(const struct job *job, char id[CG_STIX_ID_SIZE])
{
    const char *type = "url";

    if (job->ind.kind == CG_KIND_IPV4)
        type = "ipv4-addr";
    else if (job->ind.kind == CG_KIND_IPV6)
        type = "ipv6-addr";
    else if (job->ind.kind == CG_KIND_DOMAIN)
        type = "domain-name";
    if (cg_stix_id_value(type, job->ind.value, id) != CG_OK)
        id[0] = '\0';
}

static void deliver(struct cg_engine *engine, struct job *job,
                    enum cg_outcome outcome, enum cg_err error,
                    const char *reason, const struct cg_summary *summary,
                    const struct cg_bundle *bundle)
{
    char id[CG_STIX_ID_SIZE] = "";
    struct cg_result result = {
        .raw = job->raw,
        .line = job->line,
        .ind = job->ind.kind == CG_KIND_NONE ? NULL : &job->ind,
        .outcome = outcome,
        .error = error,
        .reason = reason,
        .summary = summary,
        .bundle = bundle,
        .api_calls = job->calls,
    };

    if (summary) {
        observable_id(job, id);
        result.object_id = id;
    }
    if (engine->opts.on_result)
        engine->opts.on_result(&result, engine->opts.data);
    job->call = CG_CALL_NONE;
}

static const char *item_state(enum cg_outcome outcome)
{
    switch (outcome) {
    case CG_OUTCOME_SKIPPED:
        return "skipped";
    case CG_OUTCOME_INVALID:
        return "invalid";
    case CG_OUTCOME_FAILED:
        return "failed";
    case CG_OUTCOME_NOT_DONE:
        return "not-done";
    default:
        return "done";
    }
}

void cg_job__finish_plain(struct cg_engine *engine, struct job *job,
                          enum cg_outcome outcome, enum cg_err error,
                          const char *reason)
{
    struct cg_error err;
    bool record = engine->opts.run_id > 0 && job->item_key &&
                  outcome != CG_OUTCOME_DUPLICATE &&
                  outcome != CG_OUTCOME_EARLIER;

    if (!reason && error != CG_OK)
        reason = cg_strerror(error);
    if (outcome == CG_OUTCOME_FAILED)
        engine->stats.failed++;
    else if (outcome == CG_OUTCOME_NOT_DONE)
        engine->stats.not_done++;
    if (outcome == CG_OUTCOME_DUPLICATE || outcome == CG_OUTCOME_SKIPPED)
        engine->stats.credits_saved += expected_credits(engine, job);
    if (record && cg_store_item_set(engine->opts.store, engine->opts.run_id,
                                    job->item_key, item_state(outcome), reason,
                                    &err) != CG_OK)
        cg_engine__fatal(engine, &err);
    if (outcome == CG_OUTCOME_FAILED)
        cg_log_warn("enrich", "'%s' failed: %s",
                    job->ind.value ? job->ind.value : job->raw,
                    reason ? reason : "unknown error");
    deliver(engine, job, outcome, error, reason, NULL, NULL);
}

/* --deep: the extras gathered for the mapping, or NULL without --deep. */
static const struct cg_ip_extra *ip_extra(const struct cg_engine *engine,
                                          const struct job *job,
                                          struct cg_ip_extra *extra)
{
    if (!engine->opts.deep || !cg_job__is_ip(job))
        return NULL;
    extra->malicious = job->malicious;
    extra->suspicious = job->suspicious;
    extra->malicious_error = job->malicious_error;
    extra->suspicious_error = job->suspicious_error;
    return extra;
}

/* Maps a response (or a no-data result) into bundle and summary. */
static enum cg_err map_answer(struct cg_engine *engine, struct job *job,
                              const json_t *body, bool no_data,
                              struct cg_bundle *bundle,
                              struct cg_summary *summary, struct cg_error *err)
{
    struct cg_ip_extra extra;

    cg_time_format(cg_time_now(), engine->ctx.now);
    if (no_data)
        return cg_map_no_data(bundle, &job->ind, &engine->map_opts, err);
    if (cg_job__is_ip(job))
        return cg_map_ip_deep(bundle, job->ind.value, body,
                              ip_extra(engine, job, &extra), &engine->map_opts,
                              summary, err);
    return cg_map_domain_report(bundle, &job->ind, body, job->scan_id,
                                &engine->map_opts, summary, err);
}

/* Stores the value's objects, record, cached response and item in one
 * transaction. */
static enum cg_err store_value(struct cg_engine *engine, struct job *job,
                               const struct cg_bundle *bundle,
                               const struct cg_summary *summary,
                               const struct cg_job_finish *fin,
                               struct cg_error *err)
{
    struct cg_store *store = engine->opts.store;
    char id[CG_STIX_ID_SIZE];
    bool no_data = fin->outcome == CG_OUTCOME_NO_DATA;
    json_t *summary_json = no_data ? NULL : cg_summary_to_json(summary);
    struct cg_value_record record = {
        .value = job->ind.value,
        .kind = cg_kind_name(job->ind.kind),
        .display = job->ind.display,
        .object_id = id,
        .status = no_data ? "no-data" : "ok",
        .summary = summary_json,
        .enriched_at = cg_time_now(),
    };
    const char *reason =
        fin->reason ? fin->reason : cg_outcome_name(fin->outcome);
    enum cg_err rc;

    /* A value served from the cache is as fresh as the response. */
    if (fin->outcome == CG_OUTCOME_CACHED && job->fetched_at > 0)
        record.enriched_at = job->fetched_at;
    observable_id(job, id);
    rc = cg_store_begin(store, err);
    if (rc == CG_OK)
        rc = cg_store_put_bundle(store, bundle, engine->opts.run_id,
                                 fin->outcome == CG_OUTCOME_CACHED, err);
    if (rc == CG_OK)
        rc = cg_store_put_value(store, &record, err);
    if (rc == CG_OK && fin->key && fin->cache_body)
        rc = cg_store_cache_put(store, fin->key, fin->cache_body,
                                strlen(fin->cache_body), cg_time_now(), err);
    if (rc == CG_OK && engine->opts.run_id > 0)
        rc = cg_store_item_set(store, engine->opts.run_id, job->item_key,
                               item_state(fin->outcome), reason, err);
    if (rc == CG_OK)
        rc = cg_store_commit(store, err);
    if (rc != CG_OK)
        cg_store_rollback(store);
    json_decref(summary_json);
    return rc;
}

/* Counts a value that finished with data (or with none to find). */
static void count_finished(struct cg_engine *engine, const struct job *job,
                           enum cg_outcome outcome)
{
    if (outcome == CG_OUTCOME_NO_DATA)
        engine->stats.no_data++;
    else if (outcome == CG_OUTCOME_CACHED)
        engine->stats.cached++;
    else if (outcome == CG_OUTCOME_NOT_DONE)
        engine->stats.not_done++;
    else
        engine->stats.enriched++;
    if (job->calls == 0 && outcome != CG_OUTCOME_NOT_DONE)
        engine->stats.credits_saved += expected_credits(engine, job);
    else
        engine->stats.credits_saved += job->cached_bodies;
}

void cg_job__finish_mapped(struct cg_engine *engine, struct job *job,
                           const json_t *body, struct cg_job_finish *fin)
{
    bool no_data = fin->outcome == CG_OUTCOME_NO_DATA;
    struct cg_bundle bundle;
    struct cg_summary summary;
    struct cg_buf key = CG_BUF_INIT;
    struct cg_error err;
    enum cg_err rc;

    cg_error_clear(&err);
    cg_bundle_init(&bundle);
    cg_summary_init(&summary);
    cache_key(engine, job, NULL, &key);
    fin->key = cg_buf_str(&key);
    rc = map_answer(engine, job, body, no_data, &bundle, &summary, &err);
    if (rc == CG_OK) {
        cg_bundle_prune(&bundle);
        cg_bundle_sort(&bundle);
        rc = store_value(engine, job, &bundle, &summary, fin, &err);
        if (rc != CG_OK)
            cg_engine__fatal(engine, &err);
    }
    if (rc != CG_OK) {
        cg_job__finish_plain(engine, job, CG_OUTCOME_FAILED, rc,
                             cg_error_text(&err));
    } else {
        count_finished(engine, job, fin->outcome);
        deliver(engine, job, fin->outcome, CG_OK,
                no_data ? "Criminal IP has no data on this value" : fin->reason,
                &summary, &bundle);
    }
    cg_buf_release(&key);
    cg_bundle_release(&bundle);
}

void cg_job__finish_with(struct cg_engine *engine, struct job *job,
                         const json_t *body, bool no_data,
                         const char *cache_body)
{
    struct cg_job_finish fin = {.outcome = CG_OUTCOME_ENRICHED,
                                .cache_body = cache_body};

    if (no_data)
        fin.outcome = CG_OUTCOME_NO_DATA;
    else if (job->calls == 0)
        fin.outcome = CG_OUTCOME_CACHED;
    cg_job__finish_mapped(engine, job, body, &fin);
}

bool cg_job__cache_read(struct cg_engine *engine, struct job *job,
                        const char *prefix, json_t **out)
{
    struct cg_buf key = CG_BUF_INIT;
    char *body = NULL;
    struct cg_error err;
    int64_t ttl =
        cg_job__is_ip(job) ? engine->opts.ip_ttl : engine->opts.domain_ttl;
    int64_t fetched_at = 0;
    enum cg_err rc;

    *out = NULL;
    cache_key(engine, job, prefix, &key);
    rc = cg_store_cache_get(engine->opts.store, cg_buf_str(&key), ttl, &body,
                            &fetched_at, &err);
    cg_buf_release(&key);
    if (rc != CG_OK) {
        if (rc != CG_ERR_NOT_FOUND)
            cg_engine__fatal(engine, &err);
        return false;
    }
    rc = cg_json_parse(body, strlen(body), 0, out, &err);
    free(body);
    if (rc != CG_OK) {
        cg_log_warn("enrich", "ignoring an unreadable cache entry for '%s': %s",
                    job->ind.value, cg_error_text(&err));
        return false;
    }
    if (job->fetched_at == 0 || fetched_at < job->fetched_at)
        job->fetched_at = fetched_at;
    return true;
}

const char *cg_job__cache_text(const struct job *job, const json_t *body,
                               bool is_response, char **owned)
{
    *owned = NULL;
    if (is_response && job->received)
        return job->received;
    *owned = json_dumps(body, JSON_COMPACT);
    return *owned;
}

void cg_job__cache_write(struct cg_engine *engine, struct job *job,
                         const char *prefix, const json_t *body,
                         bool is_response)
{
    struct cg_buf key = CG_BUF_INIT;
    char *owned;
    const char *stored = cg_job__cache_text(job, body, is_response, &owned);
    struct cg_error err;

    cache_key(engine, job, prefix, &key);
    if (!stored || !key.len) {
        cg_error_set(&err, CG_ERR_NOMEM, "out of memory");
        cg_engine__fatal(engine, &err);
    } else if (cg_store_cache_put(engine->opts.store, cg_buf_str(&key), stored,
                                  strlen(stored), cg_time_now(),
                                  &err) != CG_OK) {
        cg_engine__fatal(engine, &err);
    }
    free(owned);
    cg_buf_release(&key);
}

bool cg_job__is_no_data(const json_t *json)
{
    long long status;

    return cg_json_int(json, "status", &status) && status == 404;
}
