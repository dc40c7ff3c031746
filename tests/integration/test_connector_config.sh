# Start-up checks of `cipgraph connector`. Each bad setting stops it with
# exit status 2 and a message naming the setting. config.yml is read, with
# the environment winning over it. A token the platform refuses stops it
# with status 1.
set -euo pipefail
. "$CG_SOURCE_DIR/tests/integration/lib.sh"
. "$CG_SOURCE_DIR/tests/opencti/lib_connector.sh"

base=(OPENCTI_URL=http://127.0.0.1:9 OPENCTI_TOKEN=config-test-token
    CONNECTOR_ID=2f1c8c5e-4a8b-4f8e-9a52-0c6d1f2b7e11
    CRIMINALIP_TOKEN=config-test-key)

# refused TEXT VAR=VALUE...: the connector exits 2 and prints TEXT.
refused() {
    local text=$1
    shift
    local status=0
    (cd "$WORK" && env -i PATH="$PATH" "${base[@]}" "$@" \
        "$CIPGRAPH" connector --check) >"$WORK/out" 2>&1 || status=$?
    [[ "$status" -eq 2 ]] || fail "exit $status for $*: $(cat "$WORK/out")"
    grep -qF -- "$text" "$WORK/out" || fail "for $*: expected '$text' in $(cat "$WORK/out")"
}

note "each invalid setting has its own message"
refused "CRIMINALIP_MAX_TLP (environment) 'WHITE'" CRIMINALIP_MAX_TLP=WHITE
refused "the TLP: prefix is required" CRIMINALIP_MAX_TLP=WHITE
refused "OPENCTI_TOKEN is missing" OPENCTI_TOKEN=
refused "CRIMINALIP_TOKEN is missing" CRIMINALIP_TOKEN=
refused "invalid OPENCTI_URL (environment) 'opencti:8080'" OPENCTI_URL=opencti:8080
refused "each scope entry must be" CONNECTOR_SCOPE=IPv4-Addr,Hostname
refused "invalid CONNECTOR_LISTEN_PROTOCOL_API_PORT (environment) '70000'" \
    CONNECTOR_LISTEN_PROTOCOL_API_PORT=70000
refused "expected a UUID" CONNECTOR_ID=my-connector
refused "use AMQP or API" CONNECTOR_LISTEN_PROTOCOL=HTTP
refused "invalid CIPGRAPH_WORKERS" CIPGRAPH_WORKERS=0
refused "TLS on the callback server is not supported" \
    CONNECTOR_LISTEN_PROTOCOL_API_SSL=true
if env -i PATH="$PATH" "${base[@]}" CRIMINALIP_MAX_TLP=WHITE \
    "$CIPGRAPH" connector --check 2>&1 | grep -q config-test-token; then
    fail "an error message shows the token"
fi

note "TLP:WHITE and TLP:CLEAR are accepted"
for tlp in TLP:WHITE TLP:CLEAR tlp:amber+strict; do
    env -i PATH="$PATH" "${base[@]}" CRIMINALIP_MAX_TLP="$tlp" \
        "$CIPGRAPH" connector --check >"$WORK/out" || fail "$tlp refused"
done

note "config.yml, with the environment winning"
cat >"$WORK/config.yml" <<'YAML'
# OpenCTI connector layout
opencti:
  url: 'http://opencti.example:8080/'
  token: "yaml-token-0001"
connector:
  id: 2f1c8c5e-4a8b-4f8e-9a52-0c6d1f2b7e11
  name: Criminal IP (cipgraph)
  scope:
  - IPv4-Addr
  - Url   # no domains here
  auto: true
criminalip:
  token: yaml-key-0001
  max_tlp: TLP:RED
cipgraph:
  workers: 3
YAML
env -i PATH="$PATH" CRIMINALIP_MAX_TLP=TLP:GREEN "$CIPGRAPH" connector \
    --config "$WORK/config.yml" --check >"$WORK/out" || fail "config.yml refused: $(cat "$WORK/out")"
grep -qx 'OPENCTI_URL=http://opencti.example:8080' "$WORK/out" || fail "url: $(cat "$WORK/out")"
grep -qx 'CONNECTOR_SCOPE=\["IPv4-Addr","Url"\]' "$WORK/out" || fail "scope: $(cat "$WORK/out")"
grep -qx 'CRIMINALIP_MAX_TLP=TLP:GREEN' "$WORK/out" || fail "the environment did not win"
grep -qx 'CONNECTOR_AUTO=true' "$WORK/out" || fail "auto: $(cat "$WORK/out")"
grep -qx 'CIPGRAPH_WORKERS=3' "$WORK/out" || fail "workers: $(cat "$WORK/out")"
printf 'opencti:\n  url: [unclosed\n' >"$WORK/bad.yml"
status=0
env -i PATH="$PATH" "$CIPGRAPH" connector --config "$WORK/bad.yml" --check \
    >"$WORK/out" 2>&1 || status=$?
[[ "$status" -eq 2 ]] || fail "a broken config.yml gave exit $status"
grep -q 'bad.yml: line 2' "$WORK/out" || fail "the YAML error names no line: $(cat "$WORK/out")"

note "a token the platform refuses stops the connector"
require_broker
start_broker
start_fake
status=0
env OPENCTI_URL="$FAKE_URL" OPENCTI_TOKEN=wrong-token-0001 \
    CONNECTOR_ID="$CONNECTOR_UUID" CRIMINALIP_TOKEN="$TEST_KEY" \
    CIPGRAPH_DB="$WORK/config.db" "$CIPGRAPH" connector >"$WORK/out" 2>&1 || status=$?
[[ "$status" -eq 1 ]] || fail "a refused token gave exit $status: $(cat "$WORK/out")"
grep -q 'You must be logged in' "$WORK/out" || fail "no reason given: $(cat "$WORK/out")"
echo "PASS"
