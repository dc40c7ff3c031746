/*
 * The RabbitMQ transport (rabbitmq-c): one connection per worker with a
 * consuming channel on the listen queue (prefetch 1, manual
 * acknowledgement) and a publishing channel in confirm mode on the push
 * exchange. rabbitmq-c has no background thread, so heartbeats are sent
 * whenever the worker calls into this module, including
 * cg_broker_service during a long enrichment.
 */
#ifndef CG_OPENCTI_BROKER_H
#define CG_OPENCTI_BROKER_H

#include <amqp.h>

#include "opencti/config.h"
#include "opencti/platform.h"

/* Heartbeat interval asked of the broker by a consuming worker, in
 * seconds. */
#define CG_BROKER_HEARTBEAT_S 30

struct cg_broker {
    amqp_connection_state_t conn;     /* NULL while disconnected */
    const struct cg_mq_settings *mq;  /* borrowed */
    const struct cg_mq_override *tls; /* borrowed: CA, cert, key, verify */
    const char *listen_queue;         /* borrowed; NULL: publish only */
    const char *push_exchange;        /* borrowed */
    const char *push_routing;         /* borrowed */
    int heartbeat_s;                  /* 0: none, for a publish-only
                                         connection that sits idle between
                                         callbacks */
    uint64_t published;               /* publish sequence on the push
                                         channel, for confirms */
    bool broken;                      /* a frame showed the connection or a
                                         channel closed */
    char broken_reason[200];
};

/* One message taken from the listen queue. */
struct cg_delivery {
    uint64_t tag;
    bool redelivered;
    long delivery_count; /* x-delivery-count (quorum queues), -1 if none */
    char *body;          /* owned, NUL-terminated */
    size_t len;
};

void cg_delivery_release(struct cg_delivery *delivery);

/*
 * Connects, logs in, opens the channels, sets the prefetch, starts the
 * consumer (when listen_queue is set) and selects confirm mode on the push
 * channel. Fails with CG_ERR_AMQP naming the broker and the reason; the
 * broker is then disconnected.
 */
enum cg_err cg_broker_connect(struct cg_broker *broker,
                              struct cg_error *err) CG_WARN_UNUSED;

/* Closes the connection cleanly when possible; safe when disconnected. */
void cg_broker_close(struct cg_broker *broker);

/* Drops the connection without the closing handshake, after an error. */
void cg_broker_drop(struct cg_broker *broker);

/*
 * Waits up to timeout_ms for the next listen message. Returns CG_OK with
 * *delivery filled, CG_ERR_TIMEOUT when none came, or CG_ERR_AMQP when the
 * connection or channel is gone (reconnect).
 */
enum cg_err cg_broker_next(struct cg_broker *broker, long timeout_ms,
                           struct cg_delivery *delivery,
                           struct cg_error *err) CG_WARN_UNUSED;

/* basic.ack of one delivery. */
enum cg_err cg_broker_ack(struct cg_broker *broker, uint64_t tag,
                          struct cg_error *err) CG_WARN_UNUSED;

/* basic.reject of one delivery, requeued or not. */
enum cg_err cg_broker_reject(struct cg_broker *broker, uint64_t tag,
                             bool requeue, struct cg_error *err) CG_WARN_UNUSED;

/*
 * Publishes body to the push exchange (persistent, mandatory) and waits up
 * to timeout_ms for the broker's confirm. Fails with CG_ERR_AMQP when the
 * broker nacks, returns the message as unroutable or the connection drops.
 */
enum cg_err cg_broker_publish(struct cg_broker *broker, const char *body,
                              size_t len, long timeout_ms,
                              struct cg_error *err) CG_WARN_UNUSED;

/*
 * Sends a heartbeat when one is due and reads frames already waiting,
 * without blocking. Called during long work so the broker does not drop
 * an idle-looking connection.
 */
void cg_broker_service(struct cg_broker *broker);

#endif /* CG_OPENCTI_BROKER_H */
