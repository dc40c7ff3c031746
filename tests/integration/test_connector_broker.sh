# RabbitMQ restarted while the connector works through a stream of
# messages: the connector reconnects (and logs it), the message in hand is
# delivered again because it was not yet acknowledged, and every message
# ends processed with its bundle; none is lost. Then OpenCTI goes away
# while a message is handled: the connector retries with back-off, logs
# the recovery, and the work report lands once the platform is back.
set -euo pipefail
. "$CG_SOURCE_DIR/tests/integration/lib.sh"
. "$CG_SOURCE_DIR/tests/opencti/lib_connector.sh"

require_broker
# Slow responses keep messages in flight when the broker goes down.
start_sim --latency 1000
start_broker
start_fake
start_connector CIPGRAPH_WORKERS=2 CIPGRAPH_MAX_BACKOFF=2s

COUNT=24
mapfile -t ips < <(tail -n +2 "$DATA_DIR/c2-daily-feed/2024-07-30.csv" |
    cut -d, -f1 | sort -u | head -n "$COUNT")
((${#ips[@]} == COUNT)) || fail "the feed has fewer than $COUNT addresses"

note "publishing $COUNT messages"
for i in "${!ips[@]}"; do
    publish "$(message auto IPv4-Addr "${ips[$i]}" "opencti-work--restart-$i")"
done
wait_for "sum(1 for w in s['works'].values() if w['processed']) >= 2"

note "restarting RabbitMQ mid-stream"
broker_restart || fail "RabbitMQ did not come back"

for i in "${!ips[@]}"; do
    wait_work "opencti-work--restart-$i" 900
done
for i in "${!ips[@]}"; do
    work="opencti-work--restart-$i"
    [[ $(work_field "$work" 'messages[-1]') == Enriched* ]] ||
        fail "$work: $(work_field "$work" messages)"
    id=$(entity_id IPv4-Addr "${ips[$i]}")
    [[ $(fake_state "any('$id' in b['ids'] for b in s['bundles'])") == True ]] ||
        fail "no bundle carries ${ips[$i]}: its enrichment was lost"
done
grep -q 'reconnected to RabbitMQ' "$CONNECTOR_LOG" ||
    fail "the reconnection was not logged"
[[ "$(queue_depth "listen_$CONNECTOR_UUID")" == 0 ]] ||
    fail "messages are left in the listen queue"
echo "$(grep -c 'reconnected to RabbitMQ' "$CONNECTOR_LOG") reconnections logged"

check_bundles

note "OpenCTI unreachable while a message is handled"
port=${FAKE_URL##*:}
stop_fake
publish_direct "$(message auto IPv4-Addr 88.198.20.20 opencti-work--outage-1)"
for _ in $(seq 1 300); do
    grep -q 'cannot reach OpenCTI' "$CONNECTOR_LOG" && break
    sleep 0.1
done
grep -q 'cannot reach OpenCTI' "$CONNECTOR_LOG" || fail "the outage was not noticed"
start_fake "$port"
wait_work opencti-work--outage-1
[[ $(work_field opencti-work--outage-1 in_error) == False ]] ||
    fail "the message handled during the outage failed: $(work_field opencti-work--outage-1 messages)"
wait_for "any(b['work_id'] == 'opencti-work--outage-1' for b in s['bundles'])"
grep -q 'OpenCTI is reachable again' "$CONNECTOR_LOG" ||
    fail "the recovery from the outage was not logged"

note "bundles"
check_bundles
stop_connector
echo "PASS"
