#!/usr/bin/env bash
# Credits in bulk runs against cip-sim: the account running out mid-run
# (exit 4, then --resume once the limit is raised), the --max-credits
# budget for IPs and for domains, and the credits the summary reports as
# used and saved. "No value twice" is checked on the simulator's side: the
# successful IP reports (requests minus rejections) equal the distinct
# values.
source "$(dirname "$0")/lib.sh"

c2="$DATA_DIR/c2-daily-feed/2024-07-30.csv"
distinct=$(distinct_values "$c2")
fast=(--poll-interval 50ms)

note "credits run out mid-run at concurrency 3: exit 4, nothing lost"
start_sim --credits 17 --latency 20
expect_exit 4 "$CIPGRAPH" enrich "${fast[@]}" --concurrency 3 --input "$c2" \
    >"$WORK/out.txt" 2>"$WORK/out.err"
kept=$(sqlite3 "$CIPGRAPH_DB" "SELECT count(*) FROM indicators WHERE status = 'ok'")
[[ $kept -eq 17 ]] || fail "expected the 17 paid values in the graph, got $kept"
grep -q "credits are exhausted" "$WORK/out.err" || fail "no credits message: $(cat "$WORK/out.err")"
grep -q "continue with: cipgraph enrich --resume" "$WORK/out.err" || fail "no resume hint"
grep -q "not-done" "$WORK/out.txt" || fail "the table lists no unfinished value"

note "the limit is raised and --resume finishes without calling a value twice"
sim_config '{"credits": 1000}'
expect_exit 0 "$CIPGRAPH" enrich "${fast[@]}" --concurrency 3 --resume \
    --format json >"$WORK/resume.jsonl" 2>"$WORK/resume.err"
done_now=$(sqlite3 "$CIPGRAPH_DB" "SELECT count(*) FROM indicators WHERE status = 'ok'")
[[ $done_now -eq $distinct ]] || fail "expected $distinct values after the resume, got $done_now"
answered=$(($(sim_stat ip_report) - $(sim_stat limit_exceeded)))
[[ $answered -eq $distinct ]] ||
    fail "answered IP reports $answered differ from the $distinct distinct values"
[[ $(sim_stat credits_used) -eq $distinct ]] ||
    fail "the simulator charged $(sim_stat credits_used) credits for $distinct values"
python3 - "$WORK/resume.jsonl" <<'PY' || fail "unexpected outcomes on the resume"
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
outcomes = {}
for r in rows:
    outcomes[r["outcome"]] = outcomes.get(r["outcome"], 0) + 1
assert outcomes.get("earlier") == 17, outcomes
assert set(outcomes) <= {"earlier", "enriched", "duplicate"}, outcomes
PY
run_status=$(sqlite3 "$CIPGRAPH_DB" "SELECT status FROM runs ORDER BY id DESC LIMIT 1")
[[ $run_status == complete ]] || fail "the resumed run ended as '$run_status'"

note "--max-credits stops before the budget is exceeded, exit 4, and --resume continues"
rm -f "$CIPGRAPH_DB"
start_sim --latency 10
expect_exit 4 "$CIPGRAPH" enrich "${fast[@]}" --concurrency 4 --max-credits 9 \
    --input "$c2" >/dev/null 2>"$WORK/budget.err"
[[ $(sim_stat credits_used) -eq 9 ]] ||
    fail "a budget of 9 spent $(sim_stat credits_used) credits"
grep -q "max-credits budget of 9 is reached" "$WORK/budget.err" || fail "no budget message: $(cat "$WORK/budget.err")"
grep -q "credits used 9," "$WORK/budget.err" || fail "the summary does not show 9 credits used"
expect_exit 4 "$CIPGRAPH" enrich "${fast[@]}" --concurrency 4 --max-credits 20 \
    --resume >/dev/null 2>&1
[[ $(sim_stat credits_used) -eq 29 ]] ||
    fail "a second budget of 20 brought the total to $(sim_stat credits_used), not 29"
expect_exit 0 "$CIPGRAPH" enrich "${fast[@]}" --concurrency 4 --resume \
    >/dev/null 2>"$WORK/budget-end.err"
[[ $(sim_stat ip_report) -eq $distinct ]] ||
    fail "three budgeted sessions made $(sim_stat ip_report) IP reports for $distinct values"

note "credits saved: cache, duplicates and skipped addresses"
rows=$(grep -vc '^IP,' "$c2")
printf '10.0.0.1\n192.168.1.1\n' >"$WORK/private.txt"
expect_exit 0 "$CIPGRAPH" enrich --input "$c2" --input "$WORK/private.txt" \
    >/dev/null 2>"$WORK/saved.err"
# Every distinct value is cached (1 credit each), the repeated rows are
# duplicates (1 each) and the two private addresses are skipped (1 each).
saved=$((distinct + (rows - distinct) + 2))
grep -q "credits used 0, saved about $saved " "$WORK/saved.err" ||
    fail "expected 0 credits used and $saved saved: $(cat "$WORK/saved.err")"

note "--max-credits never leaves a domain half paid for"
rm -f "$CIPGRAPH_DB"
start_sim --scan-polls 1
printf '%s\n' example.com example.org example.net wikipedia.org \
    >"$WORK/domains.txt"
expect_exit 4 "$CIPGRAPH" enrich "${fast[@]}" --concurrency 4 --max-credits 7 \
    --input "$WORK/domains.txt" >/dev/null 2>"$WORK/domains.err"
used=$(sim_stat credits_used)
[[ $used -le 7 ]] || fail "a budget of 7 spent $used credits"
finished=$(sqlite3 "$CIPGRAPH_DB" "SELECT count(*) FROM indicators WHERE status = 'ok'")
started=$(sim_stat domain_reports)
[[ $started -eq $finished ]] ||
    fail "$started domains were started but only $finished finished within the budget"
[[ $finished -ge 2 ]] || fail "a budget of 7 finished only $finished domains"
echo "PASS"
