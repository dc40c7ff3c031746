# `cipgraph connector` over AMQP against a real RabbitMQ node, the fake
# OpenCTI platform and cip-sim: automatic, manual and playbook messages for
# IPv4, IPv6, domains and URLs; the older entity_id-only message; the TLP
# and scope checks (no Criminal IP call); no data; a poison message; and a
# clean stop. Every bundle the connector pushed must pass the fake's checks
# and stix-validate --strict.
set -euo pipefail
. "$CG_SOURCE_DIR/tests/integration/lib.sh"
. "$CG_SOURCE_DIR/tests/opencti/lib_connector.sh"

require_broker
start_sim --ipv6
start_broker
start_fake
start_connector CIPGRAPH_POLL_INTERVAL=200ms

note "registration"
[[ $(fake_state "s['registrations'][0]['type']") == INTERNAL_ENRICHMENT ]] ||
    fail "registered with the wrong type"
[[ $(fake_state "s['registrations'][0]['scope']") == "['IPv4-Addr', 'IPv6-Addr', 'Domain-Name', 'Url']" ]] ||
    fail "registered the wrong scope"
[[ $(fake_state "s['registrations'][0]['playbook_compatible']") == True ]] ||
    fail "not registered as playbook compatible"
[[ $(fake_state "s['registrations'][0]['listen_callback_uri']") == None ]] ||
    fail "AMQP mode registered a callback URI"
wait_for "s['calls'].get('pingConnector', 0) >= 1"
[[ $(fake_state "s['calls'].get('about', 0)") -ge 1 ]] || fail "no health check"

IP=150.136.90.238
IPV6_GLOBAL="2a01:4f8:c17:1::1"
DOMAIN=example.com
# A phishing URL from the simulator's list, with an upper-case host as an
# OpenCTI user may have typed it: the connector must keep OpenCTI's id.
URL="http://GEJMONILOGIN.webflow.io/"

n=0
enrich_case() {
    local mode=$1 type=$2 value=$3
    n=$((n + 1))
    local work="opencti-work--00000000-0000-4000-8000-$(printf '%012d' "$n")"
    local id
    id=$(entity_id "$type" "$value")
    publish "$(message "$mode" "$type" "$value" "$work")"
    if [[ "$mode" == playbook ]]; then
        wait_for "any('$id' in p['ids'] for p in s['playbooks'])"
        return
    fi
    wait_work "$work"
    [[ $(work_field "$work" in_error) == False ]] ||
        fail "$mode $type $value ended in error: $(work_field "$work" messages)"
    [[ $(work_field "$work" received) -ge 1 ]] || fail "no workToReceived for $work"
    # The enriched entity comes back under the id OpenCTI gave it.
    wait_for "any('$id' in b['ids'] and b['work_id'] == '$work' for b in s['bundles'])"
    echo "$mode $type $value: $(work_field "$work" 'messages[-1]')"
}

note "automatic, manual and playbook messages"
for mode in auto manual playbook; do
    enrich_case "$mode" IPv4-Addr "$IP"
    enrich_case "$mode" IPv6-Addr "$IPV6_GLOBAL"
    enrich_case "$mode" Domain-Name "$DOMAIN"
    enrich_case "$mode" Url "$URL"
done

note "the enriched IP carries the score, labels and Criminal IP reference"
ip_id=$(entity_id IPv4-Addr "$IP")
python3 - "$WORK/bundles" "$ip_id" <<'EOF' || fail "the enriched IPv4 is incomplete"
import json, pathlib, sys
folder, ip_id = sys.argv[1], sys.argv[2]
for path in sorted(pathlib.Path(folder).glob("*.json")):
    objects = {o["id"]: o for o in json.load(open(path))["objects"]}
    ip = objects.get(ip_id)
    if not ip or "x_opencti_score" not in ip:
        continue
    refs = [r for r in ip["x_opencti_external_references"]
            if r["source_name"] == "Criminal IP"]
    assert refs, "no Criminal IP external reference"
    assert "from-feed" in ip["x_opencti_labels"], "existing labels were lost"
    ext = ip["extensions"]["extension-definition--f93e2c80-4231-4f9a-af8b-95c9bd566a82"]
    assert ext["score"] == ip["x_opencti_score"], "extension score differs"
    assert any(o["type"] == "relationship" and o["source_ref"] == ip_id
               for o in objects.values()), "no relationship from the IP"
    sys.exit(0)
sys.exit("no bundle carries the enriched IPv4")
EOF

note "the URL's relationships point at OpenCTI's id, not the canonical one"
url_id=$(entity_id Url "$URL")
canonical_id=$(entity_id Url "http://gejmonilogin.webflow.io/")
[[ "$url_id" != "$canonical_id" ]] || fail "test URL is already canonical"
[[ $(fake_state "any('$canonical_id' in b['ids'] for b in s['bundles'])") == False ]] ||
    fail "a bundle carries the canonical URL id instead of the entity's"
grep -l "$url_id" "$WORK"/bundles/*.json >/dev/null || fail "no bundle mentions the URL entity"

note "playbook answers return the incoming bundle plus the enrichment"
[[ $(fake_state "all(set(p['previous_ids']) <= set(p['ids']) for p in s['playbooks'])") == True ]] ||
    fail "a playbook answer dropped incoming objects"
[[ $(fake_state "all(len(p['ids']) > len(p['previous_ids']) for p in s['playbooks'])") == True ]] ||
    fail "a playbook answer carries no enrichment"

note "an entity_id-only message reads the entity over GraphQL"
old_id=$(entity_id IPv4-Addr 185.220.101.1)
curl -sf -X POST "$FAKE_URL/_fake/entity" --data-binary "$(python3 -c '
import json, sys
print(json.dumps({"id": "7d2a0c33-0000-4000-8000-000000000001",
    "standard_id": sys.argv[1], "entity_type": "IPv4-Addr",
    "observable_value": "185.220.101.1",
    "objectMarking": [{"id": "m1", "standard_id":
        "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
        "definition_type": "TLP", "definition": "TLP:GREEN"}]}))' "$old_id")" >/dev/null
publish "$(message old IPv4-Addr 185.220.101.1 opencti-work--old-1)"
wait_work opencti-work--old-1
[[ $(work_field opencti-work--old-1 in_error) == False ]] ||
    fail "old-style message failed: $(work_field opencti-work--old-1 messages)"
[[ $(fake_state "s['calls'].get('stixCyberObservable', 0)") -ge 1 ]] ||
    fail "the entity was not read over GraphQL"

note "TLP:RED is refused before any Criminal IP call"
calls_before=$(sim_stat total)
publish "$(message auto IPv4-Addr 88.198.10.10 opencti-work--red-1 --tlp TLP:RED)"
wait_work opencti-work--red-1
[[ $(work_field opencti-work--red-1 'messages[-1]') == *"TLP:RED"* ]] ||
    fail "TLP:RED refusal has no reason: $(work_field opencti-work--red-1 messages)"
publish "$(message playbook IPv4-Addr 88.198.10.11 "" --tlp TLP:RED)"
red_pb=$(entity_id IPv4-Addr 88.198.10.11)
wait_for "any('$red_pb' in p['ids'] for p in s['playbooks'])"
[[ $(fake_state "[p for p in s['playbooks'] if '$red_pb' in p['ids']][0]['ids'] == [p for p in s['playbooks'] if '$red_pb' in p['ids']][0]['previous_ids']") == True ]] ||
    fail "a refused playbook step did not return its bundle unchanged"
[[ $(sim_stat total) -eq "$calls_before" ]] ||
    fail "Criminal IP was called for a TLP:RED entity"

note "an unknown TLP marking is refused with a reason"
publish "$(message manual IPv4-Addr 88.198.10.12 opencti-work--tlpx-1 \
    --marking-id marking-definition--0f9e7c6a-1b2c-4d3e-8f00-000000000042 \
    --marking-name TLP:EX:CHEMICAL)"
wait_work opencti-work--tlpx-1
[[ $(work_field opencti-work--tlpx-1 in_error) == True ]] ||
    fail "an unknown TLP marking was not refused"
[[ $(work_field opencti-work--tlpx-1 'messages[-1]') == *"TLP:EX:CHEMICAL"* ]] ||
    fail "the refusal does not name the marking"
[[ $(sim_stat total) -eq "$calls_before" ]] ||
    fail "Criminal IP was called for an entity with an unknown TLP"

note "an entity outside the scope is skipped cleanly"
publish "$(message auto Email-Addr user@example.com opencti-work--scope-1)"
wait_work opencti-work--scope-1
[[ $(work_field opencti-work--scope-1 in_error) == False ]] ||
    fail "out-of-scope entity ended in error"
[[ $(work_field opencti-work--scope-1 'messages[-1]') == *"outside"* ]] ||
    fail "out-of-scope message: $(work_field opencti-work--scope-1 messages)"

note "a value of another kind than its entity ends in error naming both"
publish "$(message auto Domain-Name 150.136.90.238 opencti-work--kind-1)"
wait_work opencti-work--kind-1
[[ $(work_field opencti-work--kind-1 in_error) == True ]] ||
    fail "an IPv4 value in a Domain-Name entity was not an error"
[[ $(work_field opencti-work--kind-1 'messages[-1]') == *"of the Domain-Name entity is an IPv4 address, not a domain name"* ]] ||
    fail "kind mismatch message: $(work_field opencti-work--kind-1 messages)"

note "a value Criminal IP does not know ends with 'no data'"
publish "$(message auto Domain-Name nxdomain.example.org opencti-work--nodata-1)"
wait_work opencti-work--nodata-1
[[ $(work_field opencti-work--nodata-1 in_error) == False ]] ||
    fail "no-data value ended in error"
[[ $(work_field opencti-work--nodata-1 'messages[-1]') == *"no data"* ]] ||
    fail "no-data message: $(work_field opencti-work--nodata-1 messages)"

note "a private address is skipped without a call"
calls_before=$(sim_stat total)
publish "$(message auto IPv4-Addr 10.1.2.3 opencti-work--private-1)"
wait_work opencti-work--private-1
[[ $(work_field opencti-work--private-1 'messages[-1]') == *"Skipped"* ]] ||
    fail "private address: $(work_field opencti-work--private-1 messages)"
[[ $(sim_stat total) -eq "$calls_before" ]] || fail "a private address was sent"

note "a poison message is rejected once and the next one is handled"
publish 'not json at all {'
publish '{"internal": {"work_id": "opencti-work--poison-2"}, "event": {}}'
publish "$(message auto IPv4-Addr 156.194.154.210 opencti-work--after-poison)"
wait_work opencti-work--after-poison
wait_work opencti-work--poison-2
[[ $(work_field opencti-work--poison-2 in_error) == True ]] ||
    fail "the unusable message's work is not in error"
[[ $(grep -c 'rejecting a message' "$CONNECTOR_LOG") -eq 2 ]] ||
    fail "expected two rejections in the log: $(grep 'rejecting' "$CONNECTOR_LOG")"
[[ "$(queue_depth "listen_$CONNECTOR_UUID")" == 0 ]] ||
    fail "messages are left in the listen queue"

note "bundles"
check_bundles

note "SIGTERM stops the connector with status 0"
stop_connector
grep -q 'stopped' "$CONNECTOR_LOG" || fail "no stop line in the log"
if grep -q "$TEST_KEY\|$FAKE_TOKEN" "$CONNECTOR_LOG"; then
    fail "the log contains a token"
fi
echo "PASS"
