#!/usr/bin/env bash
# `cipgraph quota` against cip-sim: it prints the plan and the credits from
# POST /v1/user/me, spends no credit, and never prints the API key, even
# at the trace log level.
source "$(dirname "$0")/lib.sh"

note "quota after 3 paid calls: plan and credits, text form"
start_sim --credits 100 --concurrency 1
expect_exit 0 "$CIPGRAPH" enrich --quiet 150.136.90.238 88.198.1.1 95.211.1.1 >/dev/null
used=$(sim_stat credits_used)
[[ $used -eq 3 ]] || fail "the enrichment spent $used credits, expected 3"
expect_exit 0 "$CIPGRAPH" --log-level trace quota >"$WORK/quota.txt" 2>"$WORK/quota.err"
grep -q "^Criminal IP account:" "$WORK/quota.txt" || fail "no account header: $(cat "$WORK/quota.txt")"
grep -Eq "^  account_type +free$" "$WORK/quota.txt" || fail "no plan: $(cat "$WORK/quota.txt")"
grep -Eq "^  max_search +100$" "$WORK/quota.txt" || fail "no search limit"
grep -Eq "^  remaining_credits +97$" "$WORK/quota.txt" || fail "no remaining credits"
grep -Eq "^  used_credits +3$" "$WORK/quota.txt" || fail "no used credits"

note "quota spends no credit and makes one account call"
[[ $(sim_stat credits_used) -eq $used ]] ||
    fail "quota spent credits: $used before, $(sim_stat credits_used) after"
[[ $(sim_stat user_me) -eq 1 ]] || fail "expected one /v1/user/me call, got $(sim_stat user_me)"

note "JSON form: the same numbers, and no key, email or name"
expect_exit 0 "$CIPGRAPH" quota --format json >"$WORK/quota.json"
[[ $(json_get "$WORK/quota.json" "d['remaining_credits']") -eq 97 ]] || fail "wrong remaining credits in JSON"
[[ $(json_get "$WORK/quota.json" "d['account_type']") == free ]] || fail "wrong plan in JSON"
[[ $(json_get "$WORK/quota.json" "sorted(set(d) & {'api_key', 'email', 'name'})") == "[]" ]] ||
    fail "the JSON output has a private field: $(cat "$WORK/quota.json")"
[[ $(sim_stat credits_used) -eq $used ]] || fail "quota --format json spent credits"

note "the key appears in no output or log"
if grep -q "$TEST_KEY" "$WORK/quota.txt" "$WORK/quota.err" "$WORK/quota.json"; then
    fail "the API key leaked into the quota output"
fi
grep -q "api_key\|\*\*\*\*" "$WORK/quota.txt" && fail "quota printed the api_key field"

note "an unlimited account, a rejected key and a missing key"
start_sim
expect_exit 0 "$CIPGRAPH" quota >"$WORK/unlimited.txt"
grep -Eq "^  account_type +enterprise$" "$WORK/unlimited.txt" || fail "no enterprise plan"
grep -Eq "^  remaining_credits +-1$" "$WORK/unlimited.txt" || fail "no unlimited credits"
start_sim --invalid-key
expect_exit 3 "$CIPGRAPH" quota 2>"$WORK/invalid.err"
grep -q "invalid API key" "$WORK/invalid.err" || fail "no invalid-key message: $(cat "$WORK/invalid.err")"
expect_exit 2 env -u CRIMINALIP_API_KEY "$CIPGRAPH" quota
expect_exit 2 "$CIPGRAPH" quota --format xml 2>"$WORK/usage.err"
grep -q "invalid --format 'xml': use text or json" "$WORK/usage.err" ||
    fail "no usage message: $(cat "$WORK/usage.err")"
expect_exit 2 "$CIPGRAPH" quota --verbose
expect_exit 2 "$CIPGRAPH" quota extra
echo "PASS"
