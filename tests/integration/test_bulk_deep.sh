#!/usr/bin/env bash
# `enrich --deep` against cip-sim. malicious-info and suspicious-info follow
# each IP report (a credit each), are cached under their own keys and are
# mapped into the same note and verdict. A failed extra call keeps the IP
# report. When credits run out between the calls, the report is mapped and
# --resume fetches only what is missing. The budget reserves all three
# credits before an IP starts.
source "$(dirname "$0")/lib.sh"

export CIPGRAPH_NOW=2026-01-15T10:00:00Z
c2_ips=$(grep -v '^IP,' "$DATA_DIR/c2-daily-feed/2024-07-29.csv" | head -n 3 | cut -d, -f1)
# shellcheck disable=SC2206
ips=($c2_ips 88.198.7.7 95.211.7.7)
deep=(--deep --quiet)

note "--deep: three calls per IP, one note and one verdict"
start_sim
expect_exit 0 "$CIPGRAPH" enrich "${deep[@]}" --format json "${ips[@]}" >"$WORK/deep.jsonl"
for endpoint in ip_report malicious_info suspicious_info; do
    [[ $(sim_stat $endpoint) -eq 5 ]] || fail "expected 5 $endpoint calls, got $(sim_stat $endpoint)"
done
[[ $(sim_stat credits_used) -eq 15 ]] || fail "expected 15 credits, got $(sim_stat credits_used)"
python3 - "$WORK/deep.jsonl" <<'PY' || fail "unexpected --deep results"
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
assert len(rows) == 5, rows
for r in rows:
    assert r["outcome"] == "enriched", r
    assert r["api_calls"] == 3, r
    assert "deep-incomplete" not in r["summary"]["flags"], r
# The three C2 servers are malicious.
assert sum(r["summary"]["malicious"] for r in rows) >= 3, rows
PY
keys=$(sqlite3 "$CIPGRAPH_DB" "SELECT key FROM api_cache ORDER BY key")
for prefix in ip malicious suspicious; do
    [[ $(grep -c "^$prefix:" <<<"$keys") -eq 5 ]] || fail "expected 5 $prefix: cache keys: $keys"
done

note "the graph validates and every note has its deep lookups"
expect_exit 0 "$CIPGRAPH" export --output "$WORK/deep.json"
validate "$WORK/deep.json"
python3 - "$WORK/deep.json" <<'PY' || fail "the notes lack the deep lookups"
import json, sys
notes = [o for o in json.load(open(sys.argv[1]))["objects"] if o["type"] == "note"]
assert len(notes) == 5, len(notes)
for n in notes:
    assert "## Deep lookups" in n["content"], n["content"][:300]
    assert "| malicious-info | is_malicious: " in n["content"], n["content"]
    assert "| suspicious-info | abuse records: " in n["content"], n["content"]
PY

note "again from the cache: no call, three credits saved per IP"
calls=$(sim_stat total)
expect_exit 0 "$CIPGRAPH" enrich --deep "${ips[@]}" >/dev/null 2>"$WORK/cached.err"
[[ $(sim_stat total) -eq $calls ]] || fail "the cached --deep run made calls"
grep -q "from cache 5," "$WORK/cached.err" || fail "not all values came from the cache: $(cat "$WORK/cached.err")"
grep -q "credits used 0, saved about 15 " "$WORK/cached.err" || fail "wrong saved credits: $(cat "$WORK/cached.err")"

note "IP reports cached by a plain run: --deep fetches only the extras"
rm -f "$CIPGRAPH_DB"
sim_reset
expect_exit 0 "$CIPGRAPH" enrich --quiet 88.198.9.9 95.211.9.9 >/dev/null
expect_exit 0 "$CIPGRAPH" enrich "${deep[@]}" --format json 88.198.9.9 95.211.9.9 \
    >"$WORK/extras.jsonl"
[[ $(sim_stat ip_report) -eq 2 ]] || fail "the cached IP reports were fetched again"
[[ $(sim_stat malicious_info) -eq 2 ]] || fail "expected 2 malicious-info calls"
[[ $(sim_stat suspicious_info) -eq 2 ]] || fail "expected 2 suspicious-info calls"
grep -q '"outcome":"enriched"' "$WORK/extras.jsonl" || fail "the extras did not enrich"

note "a failed extra call keeps the IP report, and the note says why"
rm -f "$CIPGRAPH_DB"
# Every third call fails: the IP report and malicious-info succeed, and
# suspicious-info gets HTTP 500 with no retry left.
start_sim --fail-5xx 3
expect_exit 0 "$CIPGRAPH" enrich "${deep[@]}" --max-retries 0 --format json \
    88.198.3.3 >"$WORK/failed.jsonl" 2>"$WORK/failed.err"
python3 - "$WORK/failed.jsonl" <<'PY' || fail "the failed extra lost the value"
import json, sys
(row,) = [json.loads(line) for line in open(sys.argv[1])]
assert row["outcome"] == "enriched", row
assert "deep-incomplete" in row["summary"]["flags"], row
assert row["summary"]["as_name"], row
PY
grep -q "suspicious_info for '88.198.3.3' failed" "$WORK/failed.err" ||
    fail "the failed extra was not logged: $(cat "$WORK/failed.err")"
expect_exit 0 "$CIPGRAPH" export --output "$WORK/failed.json"
note_text=$(json_get "$WORK/failed.json" "[o['content'] for o in d['objects'] if o['type'] == 'note'][0]")
[[ $note_text == *"| suspicious-info | not fetched: "* ]] ||
    fail "the note does not record the failed call: $note_text"
[[ $(sqlite3 "$CIPGRAPH_DB" "SELECT count(*) FROM api_cache WHERE key LIKE 'suspicious:%'") -eq 0 ]] ||
    fail "a failed call was cached"

note "credits run out between the calls: report mapped, --resume fetches the rest"
rm -f "$CIPGRAPH_DB"
start_sim --credits 2
expect_exit 4 "$CIPGRAPH" enrich "${deep[@]}" --format json 95.211.4.4 >"$WORK/limit.jsonl"
python3 - "$WORK/limit.jsonl" <<'PY' || fail "the stopped value was not kept"
import json, sys
(row,) = [json.loads(line) for line in open(sys.argv[1])]
assert row["outcome"] == "not-done", row
assert "deep-incomplete" in row["summary"]["flags"], row
assert "--resume fetches the rest" in row["reason"], row
PY
[[ $(sqlite3 "$CIPGRAPH_DB" "SELECT state FROM run_items") == not-done ]] || fail "the run item is finished"
[[ $(sqlite3 "$CIPGRAPH_DB" "SELECT status FROM indicators") == ok ]] || fail "the IP report was not mapped"
sim_config '{"credits": 100}'
# --resume takes --deep from the run it continues.
expect_exit 0 "$CIPGRAPH" enrich --quiet --resume --format json >"$WORK/resumed.jsonl"
[[ $(sim_stat ip_report) -eq 1 ]] || fail "--resume fetched the IP report again"
[[ $(sim_stat malicious_info) -eq 1 ]] || fail "--resume fetched malicious-info again"
[[ $(($(sim_stat suspicious_info) - $(sim_stat limit_exceeded))) -eq 1 ]] ||
    fail "--resume did not fetch suspicious-info exactly once"
python3 - "$WORK/resumed.jsonl" <<'PY' || fail "the resumed value is incomplete"
import json, sys
(row,) = [json.loads(line) for line in open(sys.argv[1])]
assert row["outcome"] == "enriched", row
assert "deep-incomplete" not in row["summary"]["flags"], row
PY
expect_exit 0 "$CIPGRAPH" export --output "$WORK/resumed.json"
note_text=$(json_get "$WORK/resumed.json" "[o['content'] for o in d['objects'] if o['type'] == 'note'][0]")
[[ $note_text != *"not fetched"* ]] || fail "the note still lists a missing lookup after --resume"
[[ $note_text == *"| suspicious-info | abuse records: "* ]] ||
    fail "the resumed note has no suspicious-info row: $note_text"

note "--max-credits reserves the three credits of an IP before it starts"
rm -f "$CIPGRAPH_DB"
start_sim
expect_exit 4 "$CIPGRAPH" enrich "${deep[@]}" --concurrency 2 --max-credits 5 \
    88.198.5.5 95.211.5.5 >/dev/null
[[ $(sim_stat credits_used) -eq 3 ]] || fail "a budget of 5 spent $(sim_stat credits_used) credits, not 3"
[[ $(sim_stat ip_report) -eq 1 ]] || fail "the second IP started without its three credits"
echo "PASS"
