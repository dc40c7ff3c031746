/*
 * RabbitMQ over rabbitmq-c 0.11. Channel 1 consumes the listen queue and
 * channel 2 publishes to the push exchange in confirm mode. The platform
 * created both, and the connector declares nothing, like pycti. Confirms
 * are read frame by frame, because rabbitmq-c 0.11 has no helper for
 * them.
 */
#include "opencti/broker.h"

#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"

#define LISTEN_CHANNEL 1
#define PUSH_CHANNEL   2
#define FRAME_MAX      131072
#define OPEN_TIMEOUT_S 10
#define RPC_TIMEOUT_S  30

void cg_delivery_release(struct cg_delivery *delivery)
{
    free(delivery->body);
    memset(delivery, 0, sizeof(*delivery));
}

/* Describes an RPC reply that is not normal. */
static void describe_reply(amqp_rpc_reply_t reply, char *out, size_t size)
{
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION) {
        snprintf(out, size, "%s", amqp_error_string2(reply.library_error));
    } else if (reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION &&
               reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
        const amqp_connection_close_t *close = reply.reply.decoded;

        snprintf(out, size, "the broker closed the connection: %.*s",
                 (int)close->reply_text.len,
                 (const char *)close->reply_text.bytes);
    } else if (reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION &&
               reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        const amqp_channel_close_t *close = reply.reply.decoded;

        snprintf(out, size, "the broker closed the channel: %.*s",
                 (int)close->reply_text.len,
                 (const char *)close->reply_text.bytes);
    } else if (reply.reply_type == AMQP_RESPONSE_NONE) {
        snprintf(out, size, "no reply from the broker");
    } else {
        snprintf(out, size, "unexpected reply from the broker");
    }
}

static enum cg_err check_reply(struct cg_broker *broker, const char *step,
                               struct cg_error *err)
{
    amqp_rpc_reply_t reply = amqp_get_rpc_reply(broker->conn);
    char text[256];

    if (reply.reply_type == AMQP_RESPONSE_NORMAL)
        return CG_OK;
    describe_reply(reply, text, sizeof(text));
    return cg_error_set(err, CG_ERR_AMQP, "RabbitMQ at %s:%d: %s failed: %s",
                        broker->mq->host, broker->mq->port, step, text);
}

static enum cg_err open_socket(struct cg_broker *broker, struct cg_error *err)
{
    const struct cg_mq_settings *mq = broker->mq;
    struct timeval timeout = {OPEN_TIMEOUT_S, 0};
    amqp_socket_t *socket;
    int status;

    socket = mq->use_ssl ? amqp_ssl_socket_new(broker->conn)
                         : amqp_tcp_socket_new(broker->conn);
    if (!socket)
        return cg_error_set(err, CG_ERR_NOMEM, "cannot create a socket");
    if (mq->use_ssl) {
        const struct cg_mq_override *tls = broker->tls;

        amqp_ssl_socket_set_verify_peer(socket, tls && tls->ssl_verify);
        amqp_ssl_socket_set_verify_hostname(socket, tls && tls->ssl_verify);
        if (tls && tls->ssl_ca &&
            amqp_ssl_socket_set_cacert(socket, tls->ssl_ca) != AMQP_STATUS_OK)
            return cg_error_set(err, CG_ERR_AMQP,
                                "cannot load the CA bundle %s", tls->ssl_ca);
        if (tls && tls->ssl_cert && tls->ssl_key &&
            amqp_ssl_socket_set_key(socket, tls->ssl_cert, tls->ssl_key) !=
                AMQP_STATUS_OK)
            return cg_error_set(err, CG_ERR_AMQP,
                                "cannot load the client certificate %s",
                                tls->ssl_cert);
    }
    status = amqp_socket_open_noblock(socket, mq->host, mq->port, &timeout);
    if (status != AMQP_STATUS_OK)
        return cg_error_set(err, CG_ERR_AMQP,
                            "cannot connect to RabbitMQ at %s:%d: %s", mq->host,
                            mq->port, amqp_error_string2(status));
    return CG_OK;
}

static enum cg_err open_channels(struct cg_broker *broker, struct cg_error *err)
{
    amqp_connection_state_t conn = broker->conn;
    enum cg_err rc;

    amqp_channel_open(conn, LISTEN_CHANNEL);
    rc = check_reply(broker, "opening the listen channel", err);
    if (rc == CG_OK) {
        amqp_channel_open(conn, PUSH_CHANNEL);
        rc = check_reply(broker, "opening the push channel", err);
    }
    if (rc == CG_OK) {
        amqp_confirm_select(conn, PUSH_CHANNEL);
        rc = check_reply(broker, "confirm.select", err);
    }
    if (rc != CG_OK || !broker->listen_queue)
        return rc;
    /* One unacknowledged message per worker, as pycti's prefetch_count. */
    amqp_basic_qos(conn, LISTEN_CHANNEL, 0, 1, 0);
    rc = check_reply(broker, "basic.qos", err);
    if (rc == CG_OK) {
        amqp_basic_consume(conn, LISTEN_CHANNEL,
                           amqp_cstring_bytes(broker->listen_queue),
                           amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
        rc = check_reply(broker, "consuming the listen queue", err);
    }
    return rc;
}

enum cg_err cg_broker_connect(struct cg_broker *broker, struct cg_error *err)
{
    const struct cg_mq_settings *mq = broker->mq;
    struct timeval rpc_timeout = {RPC_TIMEOUT_S, 0};
    amqp_rpc_reply_t reply;
    char text[256];
    enum cg_err rc;

    cg_broker_drop(broker);
    broker->conn = amqp_new_connection();
    if (!broker->conn)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    rc = open_socket(broker, err);
    if (rc != CG_OK)
        goto fail;
    amqp_set_rpc_timeout(broker->conn, &rpc_timeout);
    reply =
        amqp_login(broker->conn, mq->vhost, 0, FRAME_MAX, broker->heartbeat_s,
                   AMQP_SASL_METHOD_PLAIN, mq->user, mq->pass);
    if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
        describe_reply(reply, text, sizeof(text));
        rc = cg_error_set(err, CG_ERR_AMQP,
                          "logging in to RabbitMQ at %s:%d as %s failed: %s",
                          mq->host, mq->port, mq->user, text);
        goto fail;
    }
    rc = open_channels(broker, err);
    if (rc != CG_OK)
        goto fail;
    broker->published = 0;
    broker->broken = false;
    return CG_OK;
fail:
    cg_broker_drop(broker);
    return rc;
}

void cg_broker_drop(struct cg_broker *broker)
{
    if (!broker->conn)
        return;
    amqp_destroy_connection(broker->conn);
    broker->conn = NULL;
}

void cg_broker_close(struct cg_broker *broker)
{
    if (!broker->conn)
        return;
    if (!broker->broken) {
        amqp_channel_close(broker->conn, PUSH_CHANNEL, AMQP_REPLY_SUCCESS);
        amqp_channel_close(broker->conn, LISTEN_CHANNEL, AMQP_REPLY_SUCCESS);
        amqp_connection_close(broker->conn, AMQP_REPLY_SUCCESS);
    }
    cg_broker_drop(broker);
}

static enum cg_err mark_broken(struct cg_broker *broker, const char *reason,
                               struct cg_error *err)
{
    broker->broken = true;
    snprintf(broker->broken_reason, sizeof(broker->broken_reason), "%.*s",
             (int)sizeof(broker->broken_reason) - 1, reason);
    return cg_error_set(err, CG_ERR_AMQP, "RabbitMQ connection lost: %s",
                        reason);
}

/*
 * Handles a method frame that arrived outside a request: closes and
 * cancellations break the connection; late confirms and returned messages
 * are dropped.
 */
static enum cg_err handle_frame(struct cg_broker *broker,
                                const amqp_frame_t *frame, struct cg_error *err)
{
    char text[200];

    if (frame->frame_type != AMQP_FRAME_METHOD)
        return CG_OK;
    switch (frame->payload.method.id) {
    case AMQP_CONNECTION_CLOSE_METHOD:
    case AMQP_CHANNEL_CLOSE_METHOD: {
        amqp_rpc_reply_t reply = {.reply_type = AMQP_RESPONSE_SERVER_EXCEPTION,
                                  .reply = frame->payload.method};

        describe_reply(reply, text, sizeof(text));
        return mark_broken(broker, text, err);
    }
    case AMQP_BASIC_CANCEL_METHOD:
        return mark_broken(broker,
                           "the broker cancelled the consumer (was the listen "
                           "queue deleted?)",
                           err);
    case AMQP_BASIC_RETURN_METHOD: {
        amqp_message_t message;
        amqp_rpc_reply_t reply =
            amqp_read_message(broker->conn, frame->channel, &message, 0);

        if (reply.reply_type == AMQP_RESPONSE_NORMAL)
            amqp_destroy_message(&message);
        return CG_OK;
    }
    default:
        return CG_OK;
    }
}

static long delivery_count(const amqp_basic_properties_t *props)
{
    if (!(props->_flags & AMQP_BASIC_HEADERS_FLAG))
        return -1;
    for (int i = 0; i < props->headers.num_entries; i++) {
        const amqp_table_entry_t *entry = &props->headers.entries[i];
        const amqp_field_value_t *v = &entry->value;

        if (entry->key.len != 16 ||
            memcmp(entry->key.bytes, "x-delivery-count", 16) != 0)
            continue;
        switch (v->kind) {
        case AMQP_FIELD_KIND_I64:
            return (long)v->value.i64;
        case AMQP_FIELD_KIND_U64:
            return (long)v->value.u64;
        case AMQP_FIELD_KIND_I32:
            return v->value.i32;
        case AMQP_FIELD_KIND_U32:
            return (long)v->value.u32;
        case AMQP_FIELD_KIND_I16:
            return v->value.i16;
        case AMQP_FIELD_KIND_U16:
            return v->value.u16;
        default:
            return -1;
        }
    }
    return -1;
}

static enum cg_err take_envelope(amqp_envelope_t *envelope,
                                 struct cg_delivery *delivery,
                                 struct cg_error *err)
{
    amqp_bytes_t body = envelope->message.body;

    delivery->tag = envelope->delivery_tag;
    delivery->redelivered = envelope->redelivered != 0;
    delivery->delivery_count = delivery_count(&envelope->message.properties);
    delivery->len = body.len;
    delivery->body = malloc(body.len + 1);
    if (!delivery->body)
        return cg_error_set(err, CG_ERR_NOMEM, "out of memory");
    if (body.len)
        memcpy(delivery->body, body.bytes, body.len);
    delivery->body[body.len] = '\0';
    return CG_OK;
}

/* Reads the frame that made amqp_consume_message stop. */
static enum cg_err read_stray_frame(struct cg_broker *broker,
                                    struct cg_error *err)
{
    amqp_frame_t frame;
    struct timeval now = {0, 0};
    int status = amqp_simple_wait_frame_noblock(broker->conn, &frame, &now);

    if (status == AMQP_STATUS_TIMEOUT)
        return CG_ERR_TIMEOUT;
    if (status != AMQP_STATUS_OK)
        return mark_broken(broker, amqp_error_string2(status), err);
    return handle_frame(broker, &frame, err);
}

enum cg_err cg_broker_next(struct cg_broker *broker, long timeout_ms,
                           struct cg_delivery *delivery, struct cg_error *err)
{
    struct timeval timeout = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    amqp_envelope_t envelope;
    amqp_rpc_reply_t reply;
    char text[256];
    enum cg_err rc;

    memset(delivery, 0, sizeof(*delivery));
    if (!broker->conn || broker->broken)
        return cg_error_set(err, CG_ERR_AMQP, "RabbitMQ connection lost: %s",
                            broker->broken_reason);
    amqp_maybe_release_buffers(broker->conn);
    reply = amqp_consume_message(broker->conn, &envelope, &timeout, 0);
    if (reply.reply_type == AMQP_RESPONSE_NORMAL) {
        rc = take_envelope(&envelope, delivery, err);
        amqp_destroy_envelope(&envelope);
        return rc;
    }
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
        reply.library_error == AMQP_STATUS_TIMEOUT)
        return CG_ERR_TIMEOUT;
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
        reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
        rc = read_stray_frame(broker, err);
        return rc == CG_OK ? CG_ERR_TIMEOUT : rc;
    }
    describe_reply(reply, text, sizeof(text));
    return mark_broken(broker, text, err);
}

enum cg_err cg_broker_ack(struct cg_broker *broker, uint64_t tag,
                          struct cg_error *err)
{
    int status;

    if (!broker->conn || broker->broken)
        return cg_error_set(err, CG_ERR_AMQP,
                            "cannot acknowledge: the RabbitMQ connection is "
                            "lost");
    status = amqp_basic_ack(broker->conn, LISTEN_CHANNEL, tag, 0);
    if (status != AMQP_STATUS_OK)
        return mark_broken(broker, amqp_error_string2(status), err);
    return CG_OK;
}

enum cg_err cg_broker_reject(struct cg_broker *broker, uint64_t tag,
                             bool requeue, struct cg_error *err)
{
    int status;

    if (!broker->conn || broker->broken)
        return cg_error_set(err, CG_ERR_AMQP,
                            "cannot reject: the RabbitMQ connection is lost");
    status = amqp_basic_reject(broker->conn, LISTEN_CHANNEL, tag, requeue);
    if (status != AMQP_STATUS_OK)
        return mark_broken(broker, amqp_error_string2(status), err);
    return CG_OK;
}

/*
 * Handles one frame while waiting for the confirm of publish number seq.
 * Returns CG_OK when confirmed, CG_ERR_TIMEOUT to keep waiting, or an
 * error.
 */
static enum cg_err confirm_frame(struct cg_broker *broker,
                                 const amqp_frame_t *frame, uint64_t seq,
                                 bool *returned, struct cg_error *err)
{
    amqp_method_number_t id = frame->payload.method.id;
    enum cg_err rc;

    if (frame->frame_type != AMQP_FRAME_METHOD ||
        frame->channel != PUSH_CHANNEL ||
        (id != AMQP_BASIC_ACK_METHOD && id != AMQP_BASIC_NACK_METHOD)) {
        if (frame->frame_type == AMQP_FRAME_METHOD &&
            id == AMQP_BASIC_RETURN_METHOD)
            *returned = true;
        rc = handle_frame(broker, frame, err);
        return rc == CG_OK ? CG_ERR_TIMEOUT : rc;
    }
    if (id == AMQP_BASIC_ACK_METHOD) {
        const amqp_basic_ack_t *ack = frame->payload.method.decoded;

        /* An earlier, timed-out publish; a "multiple" ack with a tag at or
         * past seq covers seq. */
        if (ack->delivery_tag < seq)
            return CG_ERR_TIMEOUT;
        if (*returned)
            return cg_error_set(err, CG_ERR_AMQP,
                                "RabbitMQ returned the bundle as unroutable: "
                                "no queue is bound to exchange %s with "
                                "routing key %s",
                                broker->push_exchange, broker->push_routing);
        return CG_OK;
    }
    if (((const amqp_basic_nack_t *)frame->payload.method.decoded)
            ->delivery_tag < seq)
        return CG_ERR_TIMEOUT;
    return cg_error_set(err, CG_ERR_AMQP,
                        "RabbitMQ refused the bundle (basic.nack)");
}

static enum cg_err wait_confirm(struct cg_broker *broker, uint64_t seq,
                                long timeout_ms, struct cg_error *err)
{
    int64_t deadline = cg_clock_ms() + timeout_ms;
    bool returned = false;

    for (;;) {
        int64_t left = deadline - cg_clock_ms();
        struct timeval timeout = {left > 0 ? left / 1000 : 0,
                                  left > 0 ? (left % 1000) * 1000 : 0};
        amqp_frame_t frame;
        int status;
        enum cg_err rc;

        status = amqp_simple_wait_frame_noblock(broker->conn, &frame, &timeout);
        if (status == AMQP_STATUS_TIMEOUT)
            return mark_broken(broker, "no publisher confirm in time", err);
        if (status != AMQP_STATUS_OK)
            return mark_broken(broker, amqp_error_string2(status), err);
        rc = confirm_frame(broker, &frame, seq, &returned, err);
        if (rc != CG_ERR_TIMEOUT)
            return rc;
    }
}

enum cg_err cg_broker_publish(struct cg_broker *broker, const char *body,
                              size_t len, long timeout_ms, struct cg_error *err)
{
    amqp_basic_properties_t props;
    amqp_bytes_t bytes = {len, (void *)body};
    int status;

    if (!broker->conn || broker->broken)
        return cg_error_set(err, CG_ERR_AMQP,
                            "cannot publish: the RabbitMQ connection is lost");
    memset(&props, 0, sizeof(props));
    props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG |
                   AMQP_BASIC_CONTENT_ENCODING_FLAG |
                   AMQP_BASIC_DELIVERY_MODE_FLAG;
    props.content_type = amqp_cstring_bytes("application/json");
    props.content_encoding = amqp_cstring_bytes("utf-8");
    props.delivery_mode = 2;
    amqp_maybe_release_buffers(broker->conn);
    status = amqp_basic_publish(
        broker->conn, PUSH_CHANNEL, amqp_cstring_bytes(broker->push_exchange),
        amqp_cstring_bytes(broker->push_routing), 1, 0, &props, bytes);
    if (status != AMQP_STATUS_OK)
        return mark_broken(broker, amqp_error_string2(status), err);
    broker->published++;
    return wait_confirm(broker, broker->published, timeout_ms, err);
}

void cg_broker_service(struct cg_broker *broker)
{
    struct timeval now = {0, 0};
    struct cg_error err;

    for (int i = 0; i < 16 && broker->conn && !broker->broken; i++) {
        amqp_frame_t frame;
        int status = amqp_simple_wait_frame_noblock(broker->conn, &frame, &now);

        if (status == AMQP_STATUS_TIMEOUT)
            break;
        if (status != AMQP_STATUS_OK) {
            mark_broken(broker, amqp_error_string2(status), &err);
            break;
        }
        if (handle_frame(broker, &frame, &err) != CG_OK)
            break;
    }
}
