#!/usr/bin/env bash
# Failure handling of cipgraph enrich against cip-sim's refusal modes:
# invalid key, exhausted credits with resume, bad values in a batch, server
# errors and concurrency refusals, scans that fail, null-heavy bodies.
source "$(dirname "$0")/lib.sh"

c2="$DATA_DIR/c2-daily-feed/2024-07-30.csv"
fast=(--poll-interval 50ms --quiet)

note "an invalid key exits 3 after one call, with no retry"
start_sim --invalid-key
expect_exit 3 "$CIPGRAPH" enrich "${fast[@]}" --input "$c2" \
    >"$WORK/key.out" 2>"$WORK/key.err"
[[ $(sim_stat total) -eq 1 ]] || fail "expected 1 call with an invalid key, got $(sim_stat total)"
grep -q "invalid API key" "$WORK/key.err" || fail "no invalid-key message: $(cat "$WORK/key.err")"

note "a missing key is a usage error"
expect_exit 2 env -u CRIMINALIP_API_KEY "$CIPGRAPH" enrich 8.8.8.8

note "credits running out exit 4, keep what was done, and --resume finishes"
rm -f "$CIPGRAPH_DB"
start_sim --credits 12
expect_exit 4 "$CIPGRAPH" enrich "${fast[@]}" --input "$c2" 2>"$WORK/credits.err"
done_before=$(sqlite3 "$CIPGRAPH_DB" "SELECT count(*) FROM indicators WHERE status = 'ok'")
[[ $done_before -eq 12 ]] || fail "expected 12 enriched values kept, got $done_before"
grep -qi "credits" "$WORK/credits.err" || fail "no credits message"
sim_config '{"credits": 1000}'
expect_exit 0 "$CIPGRAPH" enrich "${fast[@]}" --resume
distinct=$(sqlite3 "$CIPGRAPH_DB" "SELECT count(*) FROM indicators WHERE status = 'ok'")
feed_distinct=$(tail -n +2 "$c2" | cut -d, -f1 | sort -u | wc -l)
[[ $distinct -eq $feed_distinct ]] || fail "expected $feed_distinct values after resume, got $distinct"
[[ $(sim_stat ip_report) -le $((feed_distinct + 1)) ]] ||
    fail "resume repeated calls: $(sim_stat ip_report) IP reports for $feed_distinct values"
expect_exit 2 "$CIPGRAPH" enrich --resume

note "bad values do not stop the batch"
rm -f "$CIPGRAPH_DB"
start_sim
printf '%s\n' 150.136.90.238 'not a value' 10.1.2.3 '192.0.2.0/24' \
    '999.1.1.1' 'hxxp://bad[.]example[.]com/x' '' '# comment' 13.55.48.44 \
    >"$WORK/mixed.txt"
expect_exit 1 "$CIPGRAPH" enrich "${fast[@]}" --format json --input "$WORK/mixed.txt" \
    >"$WORK/mixed.jsonl"
python3 - "$WORK/mixed.jsonl" <<'PY' || fail "unexpected outcomes for the mixed batch"
import json, sys
rows = {r["input"]: r for r in map(json.loads, open(sys.argv[1]))}
assert rows["150.136.90.238"]["outcome"] == "enriched", rows["150.136.90.238"]
assert rows["13.55.48.44"]["outcome"] == "enriched"
assert rows["not a value"]["outcome"] == "invalid" and rows["not a value"]["reason"]
assert rows["999.1.1.1"]["outcome"] == "invalid"
assert rows["10.1.2.3"]["outcome"] == "skipped" and "RFC 1918" in rows["10.1.2.3"]["reason"]
assert rows["192.0.2.0/24"]["outcome"] == "skipped"
url = rows["hxxp://bad[.]example[.]com/x"]
assert url["outcome"] == "enriched" and url["value"] == "http://bad.example.com/x", url
assert len(rows) == 7, sorted(rows)
PY
note "private addresses and CIDR blocks alone are not failures"
expect_exit 0 "$CIPGRAPH" enrich "${fast[@]}" 10.0.0.1 fe80::1 198.51.100.0/24

note "server errors are retried and the run completes"
rm -f "$CIPGRAPH_DB"
start_sim --fail-5xx 3
expect_exit 0 "$CIPGRAPH" enrich --poll-interval 50ms --max-retries 5 \
    --input "$c2" --format json >"$WORK/5xx.jsonl" 2>"$WORK/5xx.err"
python3 -c 'import json,sys; rows=[json.loads(l) for l in open(sys.argv[1])]; assert all(r["outcome"] in ("enriched","duplicate") for r in rows), rows' "$WORK/5xx.jsonl" ||
    fail "some values failed despite retries"
grep -q "retries [1-9]" "$WORK/5xx.err" || fail "no retries were counted: $(cat "$WORK/5xx.err")"

note "a plan that refuses parallel calls: the run completes at concurrency 1"
rm -f "$CIPGRAPH_DB"
start_sim --concurrency 1 --latency 30
expect_exit 0 "$CIPGRAPH" enrich --poll-interval 50ms --concurrency 4 \
    --input "$c2" >"$WORK/busy.out" 2>"$WORK/busy.err"
grep -q "concurrency 1;" "$WORK/busy.err" || fail "concurrency was not lowered: $(cat "$WORK/busy.err")"
[[ $(grep -c "lowering concurrency" "$WORK/busy.err") -eq 1 ]] || fail "the lowering was not logged exactly once"

note "failed scans and non-existent domains"
rm -f "$CIPGRAPH_DB"
start_sim --scan-polls 2
expect_exit 1 "$CIPGRAPH" enrich "${fast[@]}" --format json --refresh \
    scanfail.example.com nxdomain.example.com >"$WORK/scan.jsonl"
python3 - "$WORK/scan.jsonl" <<'PY' || fail "unexpected scan outcomes"
import json, sys
rows = {r["value"]: r for r in map(json.loads, open(sys.argv[1]))}
assert rows["scanfail.example.com"]["outcome"] == "failed", rows
assert rows["scanfail.example.com"]["error"] == "SCAN_FAILED", rows
assert rows["nxdomain.example.com"]["outcome"] == "no-data", rows
PY

note "null-heavy bodies map without errors and validate"
rm -f "$CIPGRAPH_DB"
start_sim --null-heavy --scan-polls 1
expect_exit 0 "$CIPGRAPH" enrich "${fast[@]}" --format stix --output "$WORK/null.json" \
    150.136.90.238 13.55.48.44 https://login-app-mypaymentvault.com/ example.org
validate "$WORK/null.json"

note "a report without score words keeps the score an earlier one gave"
rm -f "$CIPGRAPH_DB"
start_sim
expect_exit 0 "$CIPGRAPH" enrich "${fast[@]}" 150.136.90.238
score_sql="SELECT json_extract(body, '$.x_opencti_score') FROM objects
    WHERE type = 'ipv4-addr' AND name = '150.136.90.238'"
known=$(sqlite3 "$CIPGRAPH_DB" "$score_sql")
[[ $known -gt 0 ]] || fail "no score after the first report: '$known'"
sim_config '{"null_heavy": true}'
expect_exit 0 "$CIPGRAPH" enrich "${fast[@]}" --refresh 150.136.90.238
[[ $(sqlite3 "$CIPGRAPH_DB" "$score_sql") -eq $known ]] ||
    fail "a null-heavy report replaced the score $known with $(sqlite3 "$CIPGRAPH_DB" "$score_sql")"
[[ $(sqlite3 "$CIPGRAPH_DB" "SELECT score FROM indicators WHERE value = '150.136.90.238'") -eq $known ]] ||
    fail "a null-heavy report replaced the value's recorded score"

note "an output path that is the database or an input is refused, and both stay"
before=$(sqlite3 "$CIPGRAPH_DB" "SELECT count(*) FROM objects")
expect_exit 1 "$CIPGRAPH" enrich "${fast[@]}" 8.8.8.8 --output "$CIPGRAPH_DB" 2>"$WORK/clobber.err"
grep -q "it is the graph database" "$WORK/clobber.err" || fail "no message: $(cat "$WORK/clobber.err")"
expect_exit 1 "$CIPGRAPH" export --output "$CIPGRAPH_DB" 2>/dev/null
[[ $(sqlite3 "$CIPGRAPH_DB" "SELECT count(*) FROM objects") -eq $before ]] ||
    fail "the database lost objects to an --output pointed at it"
echo 9.9.9.9 >"$WORK/list.txt"
expect_exit 1 "$CIPGRAPH" enrich "${fast[@]}" --input "$WORK/list.txt" --output "$WORK/list.txt"
[[ $(cat "$WORK/list.txt") == 9.9.9.9 ]] || fail "the input file was overwritten"

expect_exit 1 "$CIPGRAPH" export --output "$CIPGRAPH_DB-journal" 2>/dev/null
[[ ! -e "$CIPGRAPH_DB-journal" ]] || fail "export wrote the database's journal file"

note "--resume refuses an output that is the resumed run's input"
printf '150.136.90.%s\n' 1 2 3 4 5 >"$WORK/resume-list.txt"
expect_exit 4 "$CIPGRAPH" enrich "${fast[@]}" --max-credits 2 \
    --input "$WORK/resume-list.txt" --output "$WORK/resume-out.txt"
expect_exit 1 "$CIPGRAPH" enrich "${fast[@]}" --resume \
    --output "$WORK/resume-list.txt" 2>"$WORK/resume.err"
grep -q "it is also an input file" "$WORK/resume.err" || fail "no message: $(cat "$WORK/resume.err")"
[[ $(wc -l <"$WORK/resume-list.txt") -eq 5 ]] || fail "the resumed run's input was overwritten"
expect_exit 0 "$CIPGRAPH" enrich "${fast[@]}" --resume --output "$WORK/resume-out.txt"

note "a missing input file is a usage error and records no run"
runs=$(sqlite3 "$CIPGRAPH_DB" "SELECT count(*) FROM runs")
expect_exit 2 "$CIPGRAPH" enrich "${fast[@]}" --input "$WORK/no-such-list.txt" 2>/dev/null
[[ $(sqlite3 "$CIPGRAPH_DB" "SELECT count(*) FROM runs") -eq $runs ]] || fail "a run was recorded"

note "the graph commands do not create a database that is not there"
expect_exit 1 "$CIPGRAPH" --db "$WORK/none.db" triage 2>"$WORK/none.err"
[[ ! -e "$WORK/none.db" ]] || fail "triage created an empty database"
grep -q "no graph database at" "$WORK/none.err" || fail "no message: $(cat "$WORK/none.err")"

note "another program's SQLite database is refused and left unchanged"
sqlite3 "$WORK/other.db" "CREATE TABLE t(x)"
expect_exit 1 "$CIPGRAPH" --db "$WORK/other.db" triage 2>"$WORK/other.err"
grep -q "SQLite database of another program" "$WORK/other.err" || fail "no message: $(cat "$WORK/other.err")"
expect_exit 1 "$CIPGRAPH" --db "$WORK/other.db" enrich "${fast[@]}" 8.8.8.8 2>/dev/null
[[ $(sqlite3 "$WORK/other.db" "SELECT count(*) FROM sqlite_master") -eq 1 ]] ||
    fail "cipgraph added tables to another program's database"

note "a NUL byte makes the whole line invalid instead of cutting it"
printf '8.8.4.4\0evil.com\n' | "$CIPGRAPH" enrich "${fast[@]}" --format json - >"$WORK/nul.jsonl" || true
grep -q '"outcome":"invalid"' "$WORK/nul.jsonl" || fail "the line was not rejected: $(cat "$WORK/nul.jsonl")"
grep -q 'U+0000' "$WORK/nul.jsonl" || fail "the reason does not name the NUL byte: $(cat "$WORK/nul.jsonl")"

note "one SIGTERM stops a run reading an endless line"
"$CIPGRAPH" enrich "${fast[@]}" --input /dev/zero >/dev/null 2>"$WORK/zero.err" &
zero_pid=$!
sleep 1
kill -TERM "$zero_pid"
for _ in $(seq 1 100); do
    kill -0 "$zero_pid" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$zero_pid" 2>/dev/null; then
    kill -9 "$zero_pid"
    fail "enrich --input /dev/zero ignored SIGTERM"
fi
zero_status=0
wait "$zero_pid" || zero_status=$?
[[ $zero_status -eq 1 ]] || fail "expected exit 1 after SIGTERM, got $zero_status"
echo "PASS"
