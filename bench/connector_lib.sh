# Shared helpers for the connector benchmarks: the bulk benchmarks' helpers
# (bench/lib.sh: cip-sim, the working folder), plus a private RabbitMQ
# node, the fake OpenCTI platform in its light mode (counts only) and the
# connector. Every process started here is stopped on exit.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$TOP/tests/opencti/broker.sh"

FAKE_TOKEN="fake-opencti-token-0001"
CONNECTOR_UUID="2f1c8c5e-4a8b-4f8e-9a52-0c6d1f2b7e11"
FAKE_PID=""
FAKE_URL=""
CONNECTOR_PID=""
PIKA_PYTHON=""
for candidate in /usr/bin/python3 python3; do
    if "$candidate" -c 'import pika' 2>/dev/null; then
        PIKA_PYTHON=$candidate
        break
    fi
done
[[ -n "$PIKA_PYTHON" ]] || die "no python3 with pika; run scripts/deps.sh check"

connector_bench_cleanup() {
    stop_connector
    if [[ -n "$FAKE_PID" ]]; then
        kill "$FAKE_PID" 2>/dev/null || true
        wait "$FAKE_PID" 2>/dev/null || true
    fi
    broker_stop
    bench_cleanup
}
trap connector_bench_cleanup EXIT

start_platform() {
    broker_start "$WORK/broker" || die "RabbitMQ did not start"
    mkdir -p "$WORK/bundles"
    "$PIKA_PYTHON" "$TOP/tests/opencti/fake_opencti.py" --light \
        --token "$FAKE_TOKEN" --connector-id "$CONNECTOR_UUID" \
        --amqp-port "$BROKER_PORT" --bundle-dir "$WORK/bundles" \
        >"$WORK/fake.out" 2>"$WORK/fake.err" &
    FAKE_PID=$!
    for _ in $(seq 1 100); do
        FAKE_URL=$(head -n 1 "$WORK/fake.out" 2>/dev/null || true)
        [[ "$FAKE_URL" == http://* ]] && return 0
        sleep 0.1
    done
    die "the fake platform did not start: $(cat "$WORK/fake.err")"
}

# summary KEY: one count from the fake platform.
summary() {
    curl -sf "$FAKE_URL/_fake/summary" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# publish N VALUES [START]: N listen messages over VALUES distinct IPs.
publish() {
    "$PIKA_PYTHON" "$BENCH_DIR/connector_publish.py" "$BROKER_PORT" \
        "$CONNECTOR_UUID" "$@" || die "publishing failed"
}

# start_connector DB [VAR=VALUE...]
start_connector() {
    local db=$1
    shift
    env OPENCTI_URL="$FAKE_URL" OPENCTI_TOKEN="$FAKE_TOKEN" \
        CONNECTOR_ID="$CONNECTOR_UUID" CRIMINALIP_TOKEN="$BENCH_KEY" \
        CRIMINALIP_API_URL="$SIM_URL" CIPGRAPH_DB="$db" \
        CONNECTOR_LOG_LEVEL=warn "$@" "$CIPGRAPH" connector \
        >>"$WORK/connector.log" 2>&1 &
    CONNECTOR_PID=$!
}

stop_connector() {
    if [[ -n "$CONNECTOR_PID" ]]; then
        kill -TERM "$CONNECTOR_PID" 2>/dev/null || true
        wait "$CONNECTOR_PID" 2>/dev/null || true
        CONNECTOR_PID=""
    fi
}

# wait_processed N: waits until the platform counted N processed works.
wait_processed() {
    while (($(summary processed) < $1)); do
        kill -0 "$CONNECTOR_PID" 2>/dev/null ||
            die "the connector exited: $(tail -n 20 "$WORK/connector.log")"
        sleep 0.2
    done
}

rss_kb() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

now_s() {
    date +%s.%N
}
