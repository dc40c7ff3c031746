# `cipgraph connector` with CONNECTOR_LISTEN_PROTOCOL=API: the HTTP callback
# server checks the bearer token (401), rejects a body that is not JSON
# (400), responds 202 once a message is handled, and pushes the result with
# stixBundlePush (CONNECTOR_QUEUE_PROTOCOL=api) or to the push queue.
set -euo pipefail
. "$CG_SOURCE_DIR/tests/integration/lib.sh"
. "$CG_SOURCE_DIR/tests/opencti/lib_connector.sh"

require_broker
start_sim
start_broker
start_fake

PORT=$(broker_free_port)
CALLBACK="http://127.0.0.1:$PORT/api/callback"
api_env=(CONNECTOR_LISTEN_PROTOCOL=API CONNECTOR_LISTEN_PROTOCOL_API_PORT="$PORT"
    CONNECTOR_LISTEN_PROTOCOL_API_URI="http://127.0.0.1:$PORT"
    CIPGRAPH_LISTEN_ADDRESS=127.0.0.1)

# post TOKEN BODY: prints "STATUS BODY" of a callback request.
post() {
    curl -s -o "$WORK/answer" -w '%{http_code}' -X POST \
        -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
        --data-binary "$2" "$CALLBACK"
    echo " $(cat "$WORK/answer")"
}

wait_listening() {
    for _ in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && return 0
        sleep 0.1
    done
    fail "the callback server is not listening on port $PORT"
}

note "API listen mode with stixBundlePush"
start_connector "${api_env[@]}" CONNECTOR_QUEUE_PROTOCOL=api
wait_listening
[[ $(fake_state "s['registrations'][-1]['listen_callback_uri']") == "$CALLBACK" ]] ||
    fail "registered callback URI: $(fake_state "s['registrations'][-1]['listen_callback_uri']")"

msg=$(message auto IPv4-Addr 150.136.90.238 opencti-work--api-1)
answer=$(post wrong-token "$msg")
[[ "$answer" == '401 {"error":"Invalid credentials"}' ]] || fail "wrong token: $answer"
answer=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary "$msg" "$CALLBACK")
[[ "$answer" == 401 ]] || fail "no token: $answer"
answer=$(curl -s -o /dev/null -w '%{http_code}' -X POST \
    -H "Authorization: Bearer $FAKE_TOKEN" --data-binary "$msg" \
    "http://127.0.0.1:$PORT/other")
[[ "$answer" == 404 ]] || fail "wrong path: $answer"
answer=$(post "$FAKE_TOKEN" '{"internal": ')
[[ "$answer" == 400* ]] || fail "bad JSON: $answer"
[[ $(fake_state "s['calls'].get('stixBundlePush', 0)") == 0 ]] ||
    fail "a refused request pushed a bundle"

answer=$(post "$FAKE_TOKEN" "$msg")
[[ "$answer" == '202 {"message":"Message successfully received"}' ]] ||
    fail "valid message: $answer"
# 202 comes after the work report, so the work is already processed.
[[ $(work_field opencti-work--api-1 processed) -ge 1 ]] || fail "work not processed before 202"
[[ $(work_field opencti-work--api-1 in_error) == False ]] ||
    fail "API message failed: $(work_field opencti-work--api-1 messages)"
[[ $(fake_state "[b['via'] for b in s['bundles'] if b['work_id'] == 'opencti-work--api-1']") == "['api']" ]] ||
    fail "the bundle did not come through stixBundlePush"

note "a playbook step through the callback"
pb_id=$(entity_id Domain-Name example.com)
answer=$(post "$FAKE_TOKEN" "$(message playbook Domain-Name example.com "")")
[[ "$answer" == 202* ]] || fail "playbook: $answer"
wait_for "any('$pb_id' in p['ids'] and len(p['ids']) > len(p['previous_ids']) for p in s['playbooks'])"

note "a message that is not JSON gets 400 until it was delivered too often"
for i in 1 2 3 4 5; do
    answer=$(post "$FAKE_TOKEN" 'garbage')
    [[ "$answer" == 400* ]] || fail "delivery $i of a bad body: $answer"
done
answer=$(post "$FAKE_TOKEN" 'garbage')
[[ "$answer" == 202* ]] || fail "the sixth delivery of a bad body was not dropped: $answer"
grep -q 'delivered 6 times' "$CONNECTOR_LOG" || fail "the drop was not logged"
stop_connector

note "API listen mode with the push queue"
start_connector "${api_env[@]}" CONNECTOR_QUEUE_PROTOCOL=amqp
wait_listening
answer=$(post "$FAKE_TOKEN" "$(message manual IPv4-Addr 156.194.154.210 opencti-work--api-2)")
[[ "$answer" == 202* ]] || fail "push-queue message: $answer"
wait_for "any(b['work_id'] == 'opencti-work--api-2' and b['via'] == 'amqp' for b in s['bundles'])"
[[ $(work_field opencti-work--api-2 in_error) == False ]] ||
    fail "push-queue message failed: $(work_field opencti-work--api-2 messages)"
stop_connector

note "bundles"
check_bundles
echo "PASS"
