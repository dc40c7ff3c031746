# SIGTERM while the connector waits on a Criminal IP domain scan: the
# worker finishes the message (the scan, the pushed bundle, the work
# report) and the process exits with status 0. pingWork keeps the work
# alive during the scan.
set -euo pipefail
. "$CG_SOURCE_DIR/tests/integration/lib.sh"
. "$CG_SOURCE_DIR/tests/opencti/lib_connector.sh"

require_broker
# Six progress polls one second apart make a scan that outlasts the signal.
start_sim --scan-polls 6
start_broker
start_fake
start_connector CIPGRAPH_POLL_INTERVAL=1s CIPGRAPH_WORK_PING_INTERVAL=1s

# A domain with no earlier report, so that the connector must scan it.
domain=""
for candidate in alpha beta gamma delta epsilon zeta eta theta iota kappa; do
    reports=$(curl -s -H "x-api-key: $TEST_KEY" \
        "$SIM_URL/v1/domain/reports?query=$candidate-signal.example&offset=0" |
        python3 -c 'import json, sys; print(len((json.load(sys.stdin).get("data") or {}).get("reports") or []))')
    if [[ "$reports" == 0 ]]; then
        domain="$candidate-signal.example"
        break
    fi
done
[[ -n "$domain" ]] || fail "every candidate domain has an earlier report"
sim_reset

note "SIGTERM during the scan of $domain"
publish "$(message auto Domain-Name "$domain" opencti-work--signal-1)"
for _ in $(seq 1 300); do
    [[ $(sim_stat domain_status) -ge 1 ]] && break
    sleep 0.1
done
[[ $(sim_stat domain_status) -ge 1 ]] || fail "the scan did not start"
kill -TERM "$CONNECTOR_PID"
status=0
wait "$CONNECTOR_PID" || status=$?
CONNECTOR_PID=""
[[ "$status" -eq 0 ]] || fail "exit status $status after SIGTERM: $(tail -n 20 "$CONNECTOR_LOG")"

[[ $(work_field opencti-work--signal-1 processed) -ge 1 ]] ||
    fail "the message in hand was not finished"
[[ $(work_field opencti-work--signal-1 in_error) == False ]] ||
    fail "the message in hand failed: $(work_field opencti-work--signal-1 messages)"
[[ $(sim_stat domain_report) -ge 1 ]] || fail "the scan's report was not fetched"
wait_for "any(b['work_id'] == 'opencti-work--signal-1' for b in s['bundles'])"
[[ $(work_field opencti-work--signal-1 pings) -ge 1 ]] ||
    fail "no pingWork during the scan"
[[ "$(queue_depth "listen_$CONNECTOR_UUID")" == 0 ]] ||
    fail "the finished message was not acknowledged"

note "bundles"
check_bundles
echo "PASS"
