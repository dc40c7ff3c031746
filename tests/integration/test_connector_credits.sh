# Criminal IP refusing the key or running out of credits. The work ends in
# error with that reason and the log reports it once (not once per
# message). Later messages that need a call end in error with the reason
# too, without calling the API, while cached values are still served.
# After CIPGRAPH_RETRY_AFTER the connector tries again. Also the
# connector's own credit budget (CIPGRAPH_MAX_CREDITS).
set -euo pipefail
. "$CG_SOURCE_DIR/tests/integration/lib.sh"
. "$CG_SOURCE_DIR/tests/opencti/lib_connector.sh"

require_broker
start_broker
start_fake

mapfile -t ips < <(tail -n +2 "$DATA_DIR/c2-daily-feed/2024-07-31.csv" |
    cut -d, -f1 | sort -u | head -n 12)

# run_work NAME IP: publishes an automatic message and waits for its work.
run_work() {
    publish "$(message auto IPv4-Addr "$2" "opencti-work--$1")"
    wait_work "opencti-work--$1"
}

expect_ok() {
    [[ $(work_field "opencti-work--$1" in_error) == False ]] ||
        fail "$1 ended in error: $(work_field "opencti-work--$1" messages)"
}

# expect_error NAME TEXT: the work is in error and its message has TEXT.
expect_error() {
    [[ $(work_field "opencti-work--$1" in_error) == True ]] ||
        fail "$1 did not end in error: $(work_field "opencti-work--$1" messages)"
    [[ $(work_field "opencti-work--$1" 'messages[-1]') == *"$2"* ]] ||
        fail "$1: expected '$2' in $(work_field "opencti-work--$1" messages)"
}

note "credits run out after two calls"
start_sim --credits 2
start_connector CIPGRAPH_RETRY_AFTER=10s
run_work c1 "${ips[0]}"
expect_ok c1
run_work c2 "${ips[1]}"
expect_ok c2
run_work c3 "${ips[2]}"
expect_error c3 "limit exceeded"
calls=$(sim_stat total)
run_work c4 "${ips[3]}"
expect_error c4 "limit exceeded"
run_work c5 "${ips[0]}"
expect_ok c5
[[ $(work_field opencti-work--c5 'messages[-1]') == *"from the cache"* ]] ||
    fail "a cached value was not answered: $(work_field opencti-work--c5 messages)"
[[ $(grep -c 'ends in error until' "$CONNECTOR_LOG") -eq 1 ]] ||
    fail "the exhaustion was not logged exactly once: $(grep 'ends in error' "$CONNECTOR_LOG")"
# The suspension ends at the time the log names. c4 must not have called
# the API if it was handled before then (on a very slow machine it may
# legitimately come after, and then the check does not apply).
until=$(grep -o 'ends in error until [^,]*' "$CONNECTOR_LOG" | awk '{ print $5 }')
c4_at=$(grep 'opencti-work--c4' "$CONNECTOR_LOG" | tail -n 1 | cut -d' ' -f1)
if [[ "$c4_at" < "$until" ]]; then
    [[ $(sim_stat total) -eq "$calls" ]] ||
        fail "the connector called Criminal IP while credits were exhausted"
else
    echo "skipped: c4 was handled at $c4_at, after the suspension ended at $until"
fi

note "credits refilled: the connector tries again after CIPGRAPH_RETRY_AFTER"
sim_config '{"credits": 1000}'
python3 - "$until" <<'PY'
import datetime, sys, time
end = datetime.datetime.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%S.%fZ")
end = end.replace(tzinfo=datetime.timezone.utc)
while datetime.datetime.now(datetime.timezone.utc) <= end:
    time.sleep(0.2)
PY
run_work c6 "${ips[4]}"
expect_ok c6
grep -q 'Criminal IP accepts calls again' "$CONNECTOR_LOG" || fail "the recovery was not logged"
stop_connector

note "an invalid key"
start_sim --invalid-key
start_connector CIPGRAPH_RETRY_AFTER=1h
run_work k1 "${ips[5]}"
expect_error k1 "invalid api key"
calls=$(sim_stat total)
run_work k2 "${ips[6]}"
expect_error k2 "invalid api key"
[[ $(sim_stat total) -eq "$calls" ]] || fail "the connector kept calling with a rejected key"
[[ $(grep -c 'invalid api key.*ends in error until' "$CONNECTOR_LOG") -eq 1 ]] ||
    fail "the invalid key was not logged exactly once"
stop_connector

note "the connector's credit budget"
start_sim
start_connector CIPGRAPH_MAX_CREDITS=1
run_work b1 "${ips[7]}"
expect_ok b1
calls=$(sim_stat total)
run_work b2 "${ips[8]}"
expect_error b2 "credit budget"
[[ $(sim_stat total) -eq "$calls" ]] || fail "the budget did not stop the call"
stop_connector

note "bundles"
check_bundles
echo "PASS"
