#!/usr/bin/env bash
# Starts and stops a private RabbitMQ node for the connector tests: its own
# data and log folders, node name, Erlang cookie and ports on 127.0.0.1, so
# that it never touches a system broker or another test's node.
#
# Usage (sourced):
#   . tests/opencti/broker.sh
#   broker_start DIR      # sets BROKER_PORT; DIR contains everything it writes
#   broker_stop           # stops the node and its epmd; safe to call twice
#   broker_restart        # stops and starts it again on the same ports/data
#
# rabbitmq-server (Debian package) starts epmd itself on ERL_EPMD_PORT and
# leaves it running, so broker_stop kills that epmd too.

# The scripts in /usr/sbin switch to the rabbitmq user when run as root,
# which could not write to our folders; these run as the caller.
RABBITMQ_BIN=/usr/lib/rabbitmq/bin
BROKER_DIR=""
BROKER_PORT=""
BROKER_PID=""

# broker_free_port: prints a TCP port that nothing listens on now.
broker_free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

broker_env() {
    export HOME="$BROKER_DIR/home"
    export RABBITMQ_NODENAME="cgtest-$BROKER_PORT@localhost"
    export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    export RABBITMQ_NODE_PORT="$BROKER_PORT"
    export RABBITMQ_DIST_PORT="$BROKER_DIST_PORT"
    export ERL_EPMD_PORT="$BROKER_EPMD_PORT"
    export ERL_EPMD_ADDRESS=127.0.0.1
    export RABBITMQ_MNESIA_BASE="$BROKER_DIR/mnesia"
    export RABBITMQ_LOG_BASE="$BROKER_DIR/log"
    export RABBITMQ_PID_FILE="$BROKER_DIR/rabbit.pid"
    export RABBITMQ_ENABLED_PLUGINS_FILE="$BROKER_DIR/enabled_plugins"
    export RABBITMQ_CONFIG_FILE="$BROKER_DIR/rabbitmq"
    export RABBITMQ_ADVANCED_CONFIG_FILE="$BROKER_DIR/advanced.config"
    export RABBITMQ_CONF_ENV_FILE="$BROKER_DIR/rabbitmq-env.conf"
}

# broker_ctl ARGS...: rabbitmqctl against the private node.
broker_ctl() {
    (broker_env && "$RABBITMQ_BIN/rabbitmqctl" -n "$RABBITMQ_NODENAME" "$@")
}

broker_launch() {
    (
        broker_env
        exec "$RABBITMQ_BIN/rabbitmq-server" >"$BROKER_DIR/server.out" 2>&1
    ) &
    BROKER_PID=$!
    # Readiness: the node responds and the AMQP listener accepts a TCP
    # connection. A cold start takes several seconds.
    local i
    for i in $(seq 1 600); do
        if ! kill -0 "$BROKER_PID" 2>/dev/null; then
            tail -n 30 "$BROKER_DIR/server.out" >&2
            echo "rabbitmq-server exited during start-up" >&2
            return 1
        fi
        if (exec 3<>"/dev/tcp/127.0.0.1/$BROKER_PORT") 2>/dev/null &&
            broker_ctl await_startup >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.2
    done
    echo "rabbitmq-server did not start within 120 s" >&2
    return 1
}

broker_start() {
    BROKER_DIR="$1"
    mkdir -p "$BROKER_DIR/home" "$BROKER_DIR/mnesia" "$BROKER_DIR/log"
    BROKER_PORT=$(broker_free_port)
    BROKER_DIST_PORT=$(broker_free_port)
    BROKER_EPMD_PORT=$(broker_free_port)
    # A cookie of its own keeps other Erlang nodes on the host out.
    head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$BROKER_DIR/home/.erlang.cookie"
    chmod 400 "$BROKER_DIR/home/.erlang.cookie"
    echo '[].' >"$BROKER_DIR/enabled_plugins"
    : >"$BROKER_DIR/rabbitmq-env.conf"
    printf 'loopback_users.guest = true\nlisteners.tcp.default = %s\n' \
        "$BROKER_PORT" >"$BROKER_DIR/rabbitmq.conf"
    echo '[].' >"$BROKER_DIR/advanced.config"
    broker_launch
}

broker_stop() {
    [[ -n "$BROKER_DIR" ]] || return 0
    if [[ -n "$BROKER_PID" ]] && kill -0 "$BROKER_PID" 2>/dev/null; then
        broker_ctl stop >/dev/null 2>&1 || kill "$BROKER_PID" 2>/dev/null || true
        local i
        for i in $(seq 1 150); do
            kill -0 "$BROKER_PID" 2>/dev/null || break
            sleep 0.2
        done
        kill -9 "$BROKER_PID" 2>/dev/null || true
        wait "$BROKER_PID" 2>/dev/null || true
    fi
    BROKER_PID=""
    (broker_env && epmd -port "$ERL_EPMD_PORT" -kill >/dev/null 2>&1) || true
}

broker_restart() {
    broker_stop
    broker_launch
}
