# Start-up checks of `cipgraph connector`. Each bad setting stops it with
# exit status 2 and a message naming the setting, and no message shows a
# secret. config.yml is read, with the environment winning over it, and an
# unknown key in it is an error. A token the platform refuses stops it
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

# hidden SECRET TEXT VAR=VALUE...: like refused, and SECRET is not printed.
hidden() {
    local secret=$1
    shift
    refused "$@"
    if grep -qF -- "$secret" "$WORK/out"; then
        fail "the secret is shown for ${*:2}: $(cat "$WORK/out")"
    fi
}

note "no message shows a secret, whatever the order of the settings"
hidden config-test-token "credentials (user:password@) in the URL" \
    OPENCTI_URL=http://user:config-test-token@127.0.0.1:8080
hidden MQPASS-SECRET "invalid MQ_PORT (environment)" \
    MQ_PASS=MQPASS-SECRET MQ_PORT=x-MQPASS-SECRET
hidden config-test-key "invalid CRIMINALIP_API_URL" \
    CRIMINALIP_API_URL=https://k:config-test-key@api.example:99999
hidden 'line-two' "invalid CRIMINALIP_TOKEN (environment): byte 10 is" \
    CRIMINALIP_TOKEN=$'cip-key-1\nline-two'
hidden 'line-two' "invalid OPENCTI_TOKEN (environment): byte 11 is" \
    OPENCTI_TOKEN=$'octi-key-1\rline-two'

note "values that would fail once running are rejected at start-up"
refused "the port must be a number from 1 to 65535" \
    OPENCTI_URL=http://127.0.0.1:99999
refused "invalid MQ_USE_SSL_CA (environment) '/nonexistent': cannot read the file" \
    MQ_USE_SSL_CA=/nonexistent
refused "MQ_USE_SSL_CERT is set but MQ_USE_SSL_KEY is not" \
    MQ_USE_SSL_CERT="$CG_SOURCE_DIR/README.md"
refused "the folder /nonexistent-cg-dir does not exist" \
    CIPGRAPH_DB=/nonexistent-cg-dir/cipgraph.db
refused "CONNECTOR_SCOPE (environment) is empty" CONNECTOR_SCOPE=
status=0
(cd "$WORK" && env -i PATH="$PATH" "${base[@]}" "$CIPGRAPH" \
    --db /nonexistent-cg-dir/x.db connector --check) >"$WORK/out" 2>&1 || status=$?
[[ "$status" -eq 2 ]] || fail "--db in a missing folder gave exit $status: $(cat "$WORK/out")"
grep -qF "invalid --db '/nonexistent-cg-dir/x.db'" "$WORK/out" ||
    fail "--db: $(cat "$WORK/out")"

note "the --check listing masks a token wherever it would appear"
(cd "$WORK" && env -i PATH="$PATH" "${base[@]}" \
    CONNECTOR_NAME=config-test-token CIPGRAPH_DB="$WORK/config-test-key.db" \
    "$CIPGRAPH" connector --check) >"$WORK/out" 2>&1 ||
    fail "--check refused: $(cat "$WORK/out")"
grep -qx 'CONNECTOR_NAME=\[REDACTED\]' "$WORK/out" ||
    fail "the name was not masked: $(cat "$WORK/out")"
if grep -qE 'config-test-(token|key)' "$WORK/out"; then
    fail "the --check listing shows a token: $(cat "$WORK/out")"
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

note "config.yml: unknown keys and sections are errors"
cat >"$WORK/typo.yml" <<'YAML'
opencti:
  url: 'http://opencti.example:8080'
  token: 'yaml-token-0001'
connector:
  id: 2f1c8c5e-4a8b-4f8e-9a52-0c6d1f2b7e11
criminalip:
  token: yaml-key-0001
  max_tpl: TLP:RED
YAML
status=0
env -i PATH="$PATH" "$CIPGRAPH" connector --config "$WORK/typo.yml" --check \
    >"$WORK/out" 2>&1 || status=$?
[[ "$status" -eq 2 ]] || fail "a misspelt key gave exit $status: $(cat "$WORK/out")"
grep -qF "typo.yml: line 8: unknown key 'max_tpl' in section 'criminalip' (did you mean 'max_tlp'?)" \
    "$WORK/out" || fail "misspelt key: $(cat "$WORK/out")"
printf 'cipgarph:\n  workers: 2\n' >"$WORK/section.yml"
status=0
env -i PATH="$PATH" "$CIPGRAPH" connector --config "$WORK/section.yml" --check \
    >"$WORK/out" 2>&1 || status=$?
[[ "$status" -eq 2 ]] || fail "a misspelt section gave exit $status"
grep -qF "section.yml: line 1: unknown section 'cipgarph' (did you mean 'cipgraph'?)" \
    "$WORK/out" || fail "misspelt section: $(cat "$WORK/out")"

note "config.yml: a leading byte-order mark is skipped"
{ printf '\xef\xbb\xbf'; cat "$WORK/config.yml"; } >"$WORK/bom.yml"
env -i PATH="$PATH" "$CIPGRAPH" connector --config "$WORK/bom.yml" --check \
    >"$WORK/out" 2>&1 || fail "a config.yml with a BOM refused: $(cat "$WORK/out")"
grep -qx 'OPENCTI_URL=http://opencti.example:8080' "$WORK/out" ||
    fail "BOM: $(cat "$WORK/out")"

note "the Python Criminal IP connector's config.yml works unchanged"
cat >"$WORK/python.yml" <<'YAML'
opencti:
  url: 'http://localhost:8080'
  token: 'python-token-0001'
  ssl_verify: false
  json_logging: true

connector:
  type: 'INTERNAL_ENRICHMENT'
  id: '2f1c8c5e-4a8b-4f8e-9a52-0c6d1f2b7e11'
  name: 'Criminal IP'
  scope: 'IPv4-Addr,Domain-Name'
  auto: false
  log_level: 'error'
  max_tlp: 'TLP:GREEN'
  confidence_level: 50
  update_existing_data: true
  run_and_terminate: false

criminal_ip:
  token: 'python-key-0001'
YAML
env -i PATH="$PATH" "$CIPGRAPH" connector --config "$WORK/python.yml" --check \
    >"$WORK/out" 2>&1 || fail "the Python connector's config.yml refused: $(cat "$WORK/out")"
grep -qx 'CRIMINALIP_MAX_TLP=TLP:GREEN' "$WORK/out" ||
    fail "connector.max_tlp was not read: $(cat "$WORK/out")"
grep -qx 'CONNECTOR_SCOPE=\["IPv4-Addr","Domain-Name"\]' "$WORK/out" ||
    fail "scope: $(cat "$WORK/out")"
if grep -qE 'python-(token|key)-0001' "$WORK/out"; then
    fail "the --check listing shows a token: $(cat "$WORK/out")"
fi

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
