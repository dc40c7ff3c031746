# Helpers for the connector integration tests, sourced after
# tests/integration/lib.sh: a private RabbitMQ node, the fake OpenCTI
# platform, the connector itself, and readers of the fake's state. Every
# process started here is stopped on exit.

. "$CG_SOURCE_DIR/tests/opencti/broker.sh"

OPENCTI_DIR="$CG_SOURCE_DIR/tests/opencti"
# Made-up values for the fake platform; they are not real credentials.
FAKE_TOKEN="fake-opencti-token-0001"
CONNECTOR_UUID="2f1c8c5e-4a8b-4f8e-9a52-0c6d1f2b7e11"
FAKE_PID=""
FAKE_URL=""
CONNECTOR_PID=""
CONNECTOR_LOG="$WORK/connector.log"

# The fake platform needs pika, from Debian's python3-pika. Another python3
# earlier on PATH (pyenv) may lack it, so look for one that has it.
PIKA_PYTHON=""
for candidate in /usr/bin/python3 python3; do
    if "$candidate" -c 'import pika' 2>/dev/null; then
        PIKA_PYTHON=$candidate
        break
    fi
done

connector_cleanup() {
    stop_connector_now
    if [[ -n "$FAKE_PID" ]]; then
        kill "$FAKE_PID" 2>/dev/null || true
        wait "$FAKE_PID" 2>/dev/null || true
    fi
    broker_stop
    if [[ "${CG_KEEP_WORK:-0}" == 1 ]]; then
        echo "kept $WORK"
        stop_sim
        return
    fi
    cleanup
}
trap connector_cleanup EXIT

# require_broker: skips the test (exit 0, "skipped") when RabbitMQ or pika
# is not installed, so that the rest of the suite still runs.
require_broker() {
    if [[ ! -x "$RABBITMQ_BIN/rabbitmq-server" ]]; then
        echo "skipped: rabbitmq-server is not installed (scripts/deps.sh check)"
        exit 0
    fi
    if [[ -z "$PIKA_PYTHON" ]]; then
        echo "skipped: no python3 with pika (Debian package python3-pika)"
        exit 0
    fi
}

start_broker() {
    broker_start "$WORK/broker" || fail "RabbitMQ did not start"
}

# start_fake [PORT]: starts the fake platform, on PORT when given (to come
# back on the same URL after stop_fake).
start_fake() {
    mkdir -p "$WORK/bundles"
    : >"$WORK/fake.out"
    "$PIKA_PYTHON" "$OPENCTI_DIR/fake_opencti.py" --token "$FAKE_TOKEN" \
        --connector-id "$CONNECTOR_UUID" --amqp-port "$BROKER_PORT" \
        --bundle-dir "$WORK/bundles" --port "${1:-0}" \
        >"$WORK/fake.out" 2>"$WORK/fake.err" &
    FAKE_PID=$!
    for _ in $(seq 1 100); do
        FAKE_URL=$(head -n 1 "$WORK/fake.out" 2>/dev/null || true)
        [[ "$FAKE_URL" == http://* ]] && break
        kill -0 "$FAKE_PID" 2>/dev/null || fail "fake OpenCTI exited: $(cat "$WORK/fake.err")"
        sleep 0.1
    done
    [[ "$FAKE_URL" == http://* ]] || fail "fake OpenCTI printed no URL"
}

stop_fake() {
    kill "$FAKE_PID" 2>/dev/null || true
    wait "$FAKE_PID" 2>/dev/null || true
    FAKE_PID=""
}

# publish_direct MESSAGE_JSON: publishes a listen message straight to
# RabbitMQ, for when the fake platform is down.
publish_direct() {
    "$PIKA_PYTHON" - "$BROKER_PORT" "$CONNECTOR_UUID" "$1" <<'PY' ||
import sys, pika
port, cid, body = int(sys.argv[1]), sys.argv[2], sys.argv[3]
connection = pika.BlockingConnection(pika.ConnectionParameters(
    host="127.0.0.1", port=port,
    credentials=pika.PlainCredentials("guest", "guest")))
channel = connection.channel()
channel.basic_publish("amqp.connector.exchange", f"listen_routing_{cid}",
                      body, pika.BasicProperties(delivery_mode=2))
connection.close()
PY
        fail "publishing straight to RabbitMQ failed"
}

# fake_state EXPR: evaluates a Python expression over the fake's state `s`.
fake_state() {
    curl -sf "$FAKE_URL/_fake/state" | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(eval(sys.argv[1]))' "$1"
}

# wait_for EXPR [TRIES]: polls fake_state until EXPR prints True. The bound
# only keeps a broken run from hanging; no test asserts on time.
wait_for() {
    local tries=${2:-600}
    for _ in $(seq 1 "$tries"); do
        [[ "$(fake_state "$1" 2>/dev/null)" == True ]] && return 0
        sleep 0.2
    done
    fail "timed out waiting for: $1 (connector log: $(tail -n 20 "$CONNECTOR_LOG"))"
}

# wait_work ID: waits until the fake marked the work processed.
wait_work() {
    wait_for "s['works'].get('$1', {}).get('processed', 0) > 0" "${2:-600}"
}

# work_field ID FIELD: prints one field of a work record; FIELD may be
# indexed, e.g. 'messages[-1]'.
work_field() {
    local name=${2%%[*}
    fake_state "s['works']['$1']['$name']${2#"$name"}"
}

# publish TEXT: sends a listen message (any text) through the fake platform.
publish() {
    curl -sf -X POST --data-binary "$1" "$FAKE_URL/_fake/publish" >/dev/null ||
        fail "publishing a listen message failed"
}

# message MODE TYPE VALUE WORK [options]: prints a listen message.
message() {
    local mode=$1 type=$2 value=$3 work=$4
    shift 4
    python3 "$OPENCTI_DIR/make_message.py" "$mode" "$type" "$value" \
        --work "$work" "$@"
}

entity_id() {
    python3 "$OPENCTI_DIR/make_message.py" auto "$1" "$2" --print-id
}

# start_connector [VAR=VALUE...]: starts `cipgraph connector` against the
# fake platform and the simulator, and waits for its registration.
start_connector() {
    local before
    before=$(fake_state "len(s['registrations'])" 2>/dev/null || echo 0)
    env OPENCTI_URL="$FAKE_URL" OPENCTI_TOKEN="$FAKE_TOKEN" \
        CONNECTOR_ID="$CONNECTOR_UUID" CRIMINALIP_TOKEN="$TEST_KEY" \
        CRIMINALIP_API_URL="$SIM_URL" CIPGRAPH_DB="$WORK/connector.db" \
        CONNECTOR_LOG_LEVEL="${CONNECTOR_LOG_LEVEL:-info}" \
        CIPGRAPH_RETRY_AFTER="${CIPGRAPH_RETRY_AFTER:-1h}" "$@" \
        "$CIPGRAPH" connector >>"$CONNECTOR_LOG" 2>&1 &
    CONNECTOR_PID=$!
    wait_for "len(s['registrations']) > $before" 300
}

# stop_connector: SIGTERM, then checks the exit status is 0.
stop_connector() {
    [[ -n "$CONNECTOR_PID" ]] || return 0
    kill -TERM "$CONNECTOR_PID"
    local status=0
    wait "$CONNECTOR_PID" || status=$?
    CONNECTOR_PID=""
    [[ "$status" -eq 0 ]] || fail "the connector exited with $status after SIGTERM: $(tail -n 30 "$CONNECTOR_LOG")"
}

stop_connector_now() {
    if [[ -n "$CONNECTOR_PID" ]]; then
        kill -TERM "$CONNECTOR_PID" 2>/dev/null || true
        wait "$CONNECTOR_PID" 2>/dev/null || true
        CONNECTOR_PID=""
    fi
}

# queue_depth NAME: messages ready plus unacknowledged in a queue.
queue_depth() {
    broker_ctl list_queues name messages 2>/dev/null |
        awk -v q="$1" '$1 == q { print $2 }'
}

# check_bundles: no validation error in the fake, and every bundle it
# received passes stix-validate --strict.
check_bundles() {
    local errors
    errors=$(fake_state "s['errors']")
    [[ "$errors" == "[]" ]] || fail "the fake platform rejected objects: $errors"
    shopt -s nullglob
    local files=("$WORK"/bundles/*.json)
    shopt -u nullglob
    ((${#files[@]} > 0)) || fail "the fake platform received no bundle"
    validate "${files[@]}"
    echo "${#files[@]} bundles valid"
}
