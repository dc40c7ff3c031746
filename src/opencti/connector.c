/*
 * The connector's life: start-up checks, registration, the worker threads
 * (RabbitMQ consumers) or the HTTP callback server, the heartbeat to the
 * platform, and a clean stop. Signals are blocked in every thread but the
 * main one, so that SIGTERM only sets the stop flag and never interrupts a
 * socket call in a worker.
 */
#include "opencti/connector.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "opencti/ledger.h"
#include "opencti/listener.h"
#include "opencti/worker.h"

/* How long a worker waits before requeueing a message whose result could
 * not be delivered, so that a broker or platform hiccup is not hammered. */
#define REQUEUE_DELAY_MS 5000

struct run {
    struct cg_connector shared;
    struct cg_graphql graphql; /* the main thread's client */
    struct cg_worker *workers;
    pthread_t *threads;
    int started;
    int ready; /* workers initialised */
    struct cg_listener *listener;
};

static enum cg_err setup_api(struct cg_connector *c, struct cg_error *err)
{
    struct cg_cip_config *api = &c->api;

    api->connect_timeout_ms = 10000;
    api->timeout_ms = 60000;
    api->api_key = strdup(c->cfg->cip_token);
    api->base_url = strdup(c->cfg->cip_url);
    if (!api->api_key || !api->base_url)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    return cg_cip_config_check(api, err);
}

/* Creates the connector's tables once, before the workers open the file. */
static enum cg_err prepare_db(const struct cg_octi_config *cfg,
                              struct cg_error *err)
{
    struct cg_store *store = NULL;
    enum cg_err rc = cg_store_open(cfg->db_path, &store, err);

    if (rc == CG_OK)
        rc = cg_ledger_open(store, err);
    cg_store_close(store);
    return rc;
}

static enum cg_err connect_platform(struct run *run, struct cg_error *err)
{
    const struct cg_octi_config *cfg = run->shared.cfg;
    struct cg_registration *reg = &run->shared.reg;
    char *version = NULL;
    char *scope;
    enum cg_err rc;

    rc = cg_platform_health(&run->graphql, 0, &version, err);
    if (rc != CG_OK)
        return rc;
    cg_log_info("connector", "OpenCTI %s at %s is reachable", version,
                cfg->opencti_url);
    free(version);
    rc = cg_platform_register(&run->graphql, cfg, 0, reg, err);
    if (rc == CG_OK)
        rc = cg_registration_override(reg, &cfg->mq, err);
    if (rc != CG_OK)
        return rc;
    scope = json_dumps(cfg->scope_names, JSON_COMPACT);
    cg_log_info("connector",
                "registered '%s' (%s) for %s, auto %s; RabbitMQ %s:%d vhost "
                "%s, listen queue %s",
                cfg->name, cfg->id, scope ? scope : "",
                cfg->auto_enrich ? "on" : "off", reg->mq.host, reg->mq.port,
                reg->mq.vhost, reg->listen);
    free(scope);
    return CG_OK;
}

/* Connects a consumer, waiting out an outage with back-off. */
static bool ensure_consumer(struct cg_worker *worker, int *attempt)
{
    struct cg_connector *c = worker->connector;
    struct cg_error err;
    long delay;

    if (worker->broker.conn && !worker->broker.broken)
        return true;
    if (worker->broker.conn) {
        cg_log_warn("connector",
                    "worker %d: RabbitMQ connection lost (%s); "
                    "reconnecting",
                    worker->index, worker->broker.broken_reason);
        cg_broker_drop(&worker->broker);
    }
    if (cg_worker_connect_broker(worker, &err) == CG_OK) {
        if (*attempt > 0)
            cg_log_info("connector",
                        "worker %d: reconnected to RabbitMQ "
                        "after %d failed attempts",
                        worker->index, *attempt);
        *attempt = 0;
        return true;
    }
    delay = cg_cip_backoff_ms(*attempt, 1000, (long)c->cfg->max_backoff_ms);
    (*attempt)++;
    cg_log_warn("connector", "worker %d: %s; retrying in %.1f s (attempt %d)",
                worker->index, cg_error_text(&err), (double)delay / 1000,
                *attempt + 1);
    cg_sleep_unless_stopped(delay, c->stop);
    return false;
}

/* Acknowledges, rejects or requeues a delivery after handling it. */
static void settle(struct cg_worker *worker, const struct cg_delivery *delivery,
                   const struct cg_handled *done)
{
    const char *work = done->work_id[0] ? done->work_id : "none";
    struct cg_error err;
    enum cg_err rc;

    switch (done->disposition) {
    case CG_DISPOSE_ACK:
        rc = cg_broker_ack(&worker->broker, delivery->tag, &err);
        break;
    case CG_DISPOSE_REJECT:
        rc = cg_broker_reject(&worker->broker, delivery->tag, false, &err);
        break;
    default:
        if (worker->broker.broken)
            return; /* the broker requeues what the lost connection held */
        cg_sleep_unless_stopped(REQUEUE_DELAY_MS, NULL);
        rc = cg_broker_reject(&worker->broker, delivery->tag, true, &err);
        break;
    }
    if (rc != CG_OK)
        cg_log_warn("connector",
                    "work %s: settling the message failed: %s; "
                    "the broker will deliver it again",
                    work, cg_error_text(&err));
}

static void *consume(void *arg)
{
    struct cg_worker *worker = arg;
    const volatile sig_atomic_t *stop = worker->connector->stop;
    int attempt = 0;

    while (!*stop) {
        struct cg_delivery delivery;
        struct cg_handled done;
        struct cg_error err;

        if (!ensure_consumer(worker, &attempt))
            continue;
        if (cg_broker_next(&worker->broker, 1000, &delivery, &err) != CG_OK)
            continue;
        cg_worker_handle(worker, delivery.body, delivery.len,
                         delivery.redelivered, delivery.delivery_count, &done);
        settle(worker, &delivery, &done);
        cg_worker_report(worker, &done, true);
        cg_delivery_release(&delivery);
    }
    cg_broker_close(&worker->broker);
    return NULL;
}

static enum cg_err start_workers(struct run *run, struct cg_error *err)
{
    const struct cg_octi_config *cfg = run->shared.cfg;
    int n = cfg->workers;
    enum cg_err rc;

    run->workers = calloc((size_t)n, sizeof(*run->workers));
    run->threads = calloc((size_t)n, sizeof(*run->threads));
    if (!run->workers || !run->threads)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    for (int i = 0; i < n; i++) {
        rc = cg_worker_init(&run->workers[i], &run->shared, i + 1, err);
        if (rc != CG_OK)
            return rc;
        run->ready++;
    }
    if (cfg->listen_protocol == CG_LISTEN_API) {
        rc = cg_listener_start(cfg, run->workers, n, &run->listener, err);
        if (rc == CG_OK)
            cg_log_info("connector",
                        "listening for OpenCTI callbacks on %s port %d, path "
                        "%s, with %d workers",
                        cfg->listen_address, cg_listener_port(run->listener),
                        cfg->api_path, n);
        return rc;
    }
    for (int i = 0; i < n; i++) {
        run->workers[i].broker.listen_queue = run->shared.reg.listen;
        run->workers[i].broker.heartbeat_s = CG_BROKER_HEARTBEAT_S;
        if (pthread_create(&run->threads[i], NULL, consume, &run->workers[i]) !=
            0)
            return cg_error_set(err, CG_ERR_NOMEM,
                                "cannot start worker thread %d", i + 1);
        run->started++;
    }
    return CG_OK;
}

/* Pings the platform every CIPGRAPH_PING_INTERVAL until the stop flag. */
static void heartbeat(struct run *run)
{
    const struct cg_octi_config *cfg = run->shared.cfg;
    /* pycti pings right after registering, then every 40 s. */
    int64_t next = cg_clock_ms();
    int failures = 0;

    while (!*run->shared.stop) {
        struct cg_error err;

        cg_sleep_unless_stopped(200, run->shared.stop);
        if (*run->shared.stop || cg_clock_ms() < next)
            continue;
        next = cg_clock_ms() + cfg->ping_ms;
        if (cg_platform_ping(&run->graphql, cfg->id, &err) == CG_OK) {
            if (failures > 0)
                cg_log_info("connector",
                            "pingConnector works again after %d "
                            "failures",
                            failures);
            failures = 0;
        } else if (failures++ == 0) {
            cg_log_warn("connector",
                        "pingConnector failed: %s (further "
                        "failures are counted, not logged)",
                        cg_error_text(&err));
        }
    }
}

static void stop_workers(struct run *run)
{
    cg_listener_stop(run->listener);
    for (int i = 0; i < run->started; i++)
        pthread_join(run->threads[i], NULL);
    for (int i = 0; i < run->ready; i++)
        cg_worker_release(&run->workers[i]);
    free(run->workers);
    free(run->threads);
}

static enum cg_err run_all(struct run *run, struct cg_error *err)
{
    sigset_t blocked;
    sigset_t previous;
    enum cg_err rc;

    /* Threads inherit the mask: only the main thread takes the signals. */
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGTERM);
    sigaddset(&blocked, SIGINT);
    pthread_sigmask(SIG_BLOCK, &blocked, &previous);
    rc = start_workers(run, err);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    if (rc == CG_OK) {
        heartbeat(run);
        cg_log_info("connector", "stopping: the workers finish the messages "
                                 "in hand");
    }
    return rc;
}

enum cg_err cg_connector_run(const struct cg_octi_config *cfg,
                             volatile sig_atomic_t *stop, struct cg_error *err)
{
    struct run run;
    enum cg_err rc;

    memset(&run, 0, sizeof(run));
    run.shared.cfg = cfg;
    run.shared.stop = stop;
    pthread_mutex_init(&run.shared.lock, NULL);
    cg_time_now(); /* reads CIPGRAPH_NOW once, before any thread starts */
    rc = setup_api(&run.shared, err);
    if (rc == CG_OK)
        rc = prepare_db(cfg, err);
    if (rc == CG_OK)
        rc = cg_graphql_init(&run.graphql, cfg->opencti_url, cfg->opencti_token,
                             err);
    if (rc != CG_OK)
        goto out;
    run.graphql.stop = stop;
    run.graphql.max_backoff_ms = cfg->max_backoff_ms;
    rc = connect_platform(&run, err);
    if (rc == CG_OK)
        rc = run_all(&run, err);
    /* After a failed start, the workers already running must stop too. */
    if (rc != CG_OK)
        *stop = 1;
    stop_workers(&run);
    if (rc == CG_ERR_INTERRUPTED)
        rc = CG_OK;
    if (rc == CG_OK)
        cg_log_info("connector", "stopped");
out:
    cg_graphql_release(&run.graphql);
    cg_registration_release(&run.shared.reg);
    cg_cip_config_release(&run.shared.api);
    pthread_mutex_destroy(&run.shared.lock);
    return rc;
}
