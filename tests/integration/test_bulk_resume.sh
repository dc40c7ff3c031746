#!/usr/bin/env bash
# Resuming interrupted bulk runs against cip-sim. A run killed with
# SIGKILL, or stopped with SIGINT (Ctrl-C), continues with
# `cipgraph enrich --resume`. The final graph must equal the graph of an
# uninterrupted run into another database. The exports are compared byte
# for byte, with CIPGRAPH_NOW pinned so that timestamps match. No value may
# be enriched twice: across both sessions the simulator counts at most the
# distinct values plus the calls in flight at the kill, and exactly the
# distinct values after SIGINT, which lets calls in flight finish.
source "$(dirname "$0")/lib.sh"

export CIPGRAPH_NOW=2026-01-15T10:00:00Z
concurrency=3
run=(--quiet --concurrency "$concurrency")
# 12 real C2 servers (so indicators and CVEs appear), 28 addresses of a
# hosting AS, and some repeats: about 40 objects per value, so the
# validated bundle stays under 2000 objects.
{
    grep -v '^IP,' "$DATA_DIR/c2-daily-feed/2024-07-31.csv" | head -n 12
    gen_ips 28 95.211
    gen_ips 6 95.211
} | cut -d, -f1 >"$WORK/values.txt"
distinct=$(sort -u "$WORK/values.txt" | wc -l)

# export_to DB FILE: exports the whole graph of DB.
export_to() {
    CIPGRAPH_DB="$1" "$CIPGRAPH" export --output "$2" ||
        fail "exporting $1 failed"
}

# same_graph A B: fails naming the first differing objects unless the two
# exports are identical.
same_graph() {
    cmp -s "$1" "$2" && return 0
    python3 - "$1" "$2" <<'PY' >&2
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
ia = {o["id"]: o for o in a.get("objects", [])}
ib = {o["id"]: o for o in b.get("objects", [])}
print("only in reference:", sorted(set(ia) - set(ib))[:5])
print("only in resumed:", sorted(set(ib) - set(ia))[:5])
diff = [i for i in ia if i in ib and ia[i] != ib[i]]
print(len(diff), "objects differ, first:", diff[:3])
for i in diff[:1]:
    print(json.dumps(ia[i], sort_keys=True)[:600])
    print(json.dumps(ib[i], sort_keys=True)[:600])
PY
    fail "the resumed graph differs from the uninterrupted one"
}

note "reference: an uninterrupted run into its own database"
start_sim --latency 60
expect_exit 0 env CIPGRAPH_DB="$WORK/reference.db" "$CIPGRAPH" enrich "${run[@]}" \
    --input "$WORK/values.txt" >/dev/null
[[ $(sim_stat ip_report) -eq $distinct ]] ||
    fail "the reference run made $(sim_stat ip_report) IP reports for $distinct values"
export_to "$WORK/reference.db" "$WORK/reference.json"

note "kill -9 mid-run, then --resume"
sim_reset
"$CIPGRAPH" enrich "${run[@]}" --input "$WORK/values.txt" >/dev/null 2>&1 &
pid=$!
sim_wait_stat ip_report 15
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
at_kill=$(sim_stat ip_report)
[[ $at_kill -lt $distinct ]] || fail "the run finished before it was killed"
expect_exit 0 "$CIPGRAPH" enrich "${run[@]}" --resume >/dev/null
total=$(sim_stat ip_report)
# A kill -9 repeats the calls in flight and the response being stored,
# because the next call starts before a response is stored.
[[ $total -le $((distinct + concurrency + 1)) ]] ||
    fail "$total IP reports for $distinct values: more than the $concurrency in flight and the one being stored were repeated"
[[ $total -ge $distinct ]] || fail "only $total IP reports for $distinct values"
export_to "$CIPGRAPH_DB" "$WORK/killed.json"
same_graph "$WORK/reference.json" "$WORK/killed.json"
[[ $(sqlite3 "$CIPGRAPH_DB" "SELECT status FROM runs") == complete ]] ||
    fail "the resumed run is not complete: $(sqlite3 "$CIPGRAPH_DB" "SELECT status FROM runs")"

note "SIGINT mid-run: calls in flight finish, and --resume repeats none"
rm -f "$CIPGRAPH_DB" "$CIPGRAPH_DB"-*
sim_reset
"$CIPGRAPH" enrich --concurrency "$concurrency" --input "$WORK/values.txt" \
    >/dev/null 2>"$WORK/sigint.err" &
pid=$!
sim_wait_stat ip_report 15
kill -INT "$pid"
status=0
wait "$pid" || status=$?
[[ $status -eq 1 ]] || fail "an interrupted run should exit 1, got $status"
grep -q "interrupted; making no more calls" "$WORK/sigint.err" ||
    fail "no interruption message: $(cat "$WORK/sigint.err")"
grep -Eq "stopped early: .* after reading [0-9]+ values, [0-9]+ of them not done \(continue with: cipgraph enrich --resume\)" \
    "$WORK/sigint.err" || fail "no resume hint in the summary: $(cat "$WORK/sigint.err")"
[[ $(sim_stat ip_report) -lt $distinct ]] || fail "the run finished before SIGINT"
[[ $(sqlite3 "$CIPGRAPH_DB" "SELECT status FROM runs") == interrupted ]] ||
    fail "the run was not recorded as interrupted"
expect_exit 0 "$CIPGRAPH" enrich "${run[@]}" --resume >/dev/null
[[ $(sim_stat ip_report) -eq $distinct ]] ||
    fail "$(sim_stat ip_report) IP reports for $distinct values after SIGINT and --resume"
export_to "$CIPGRAPH_DB" "$WORK/interrupted.json"
same_graph "$WORK/reference.json" "$WORK/interrupted.json"
validate "$WORK/interrupted.json"

note "the same command again instead of --resume makes no new call"
before=$(sim_stat ip_report)
expect_exit 0 "$CIPGRAPH" enrich "${run[@]}" --input "$WORK/values.txt" >/dev/null
[[ $(sim_stat ip_report) -eq $before ]] || fail "running the same command again made calls"
echo "PASS"
