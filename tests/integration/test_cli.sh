#!/usr/bin/env bash
# The command line: help, version, usage errors, show, export, and that the
# API key never appears in any output or log.
source "$(dirname "$0")/lib.sh"

note "help, version and usage errors"
expect_exit 0 "$CIPGRAPH" help >"$WORK/help.txt"
grep -q "enrich" "$WORK/help.txt" || fail "help lists no enrich command"
expect_exit 0 "$CIPGRAPH" help enrich >/dev/null
expect_exit 0 "$CIPGRAPH" version >"$WORK/version.txt"
grep -q "^cipgraph [0-9]" "$WORK/version.txt" || fail "bad version output"
expect_exit 2 "$CIPGRAPH"
expect_exit 2 "$CIPGRAPH" frobnicate
expect_exit 2 "$CIPGRAPH" enrich --no-such-option 8.8.8.8
expect_exit 2 "$CIPGRAPH" enrich --tlp WHITE 8.8.8.8
expect_exit 2 "$CIPGRAPH" enrich --concurrency 0 8.8.8.8
expect_exit 2 "$CIPGRAPH" enrich --format xml 8.8.8.8
expect_exit 2 "$CIPGRAPH" enrich
expect_exit 2 "$CIPGRAPH" --log-level loud enrich 8.8.8.8
expect_exit 2 "$CIPGRAPH" show
expect_exit 1 "$CIPGRAPH" --db /nonexistent/dir/graph.db show 8.8.8.8

note "enrich, then show an IP with its neighbours"
export CIPGRAPH_NOW=2026-01-15T10:00:00Z
start_sim
expect_exit 0 "$CIPGRAPH" --log-level trace enrich --quiet 150.136.90.238 \
    >"$WORK/enrich.out" 2>"$WORK/enrich.err"
expect_exit 0 "$CIPGRAPH" show 150.136.90.238 >"$WORK/show.txt"
grep -q "^ipv4-addr 150.136.90.238" "$WORK/show.txt" || fail "show printed no entity"
grep -q -- "-> belongs-to" "$WORK/show.txt" || fail "show lists no AS"
grep -q -- "-> located-at" "$WORK/show.txt" || fail "show lists no location"
grep -q -- "<- based-on" "$WORK/show.txt" || fail "show lists no indicator"
expect_exit 0 "$CIPGRAPH" show --format json 150.136.90.238 >"$WORK/show.json"
json_get "$WORK/show.json" "len(d['neighbors']) > 3" | grep -q True || fail "too few neighbours"
expect_exit 1 "$CIPGRAPH" show 203.0.113.200 2>"$WORK/missing.err"
grep -q "not in the graph" "$WORK/missing.err" || fail "no not-found message"

note "export is one valid bundle in a stable order"
expect_exit 0 "$CIPGRAPH" export --output "$WORK/export1.json"
expect_exit 0 "$CIPGRAPH" export >"$WORK/export2.json"
cmp -s "$WORK/export1.json" "$WORK/export2.json" || fail "two exports differ"
validate "$WORK/export1.json"
expect_exit 0 "$CIPGRAPH" export --format jsonl --output "$WORK/export.jsonl"
lines=$(wc -l <"$WORK/export.jsonl")
objects=$(json_get "$WORK/export1.json" "len(d['objects'])")
[[ $lines -eq $objects ]] || fail "jsonl has $lines lines for $objects objects"

note "the API key appears in no output or log"
if grep -rq "$TEST_KEY" "$WORK"/*.out "$WORK"/*.err "$WORK"/*.txt "$WORK"/*.json "$WORK"/*.jsonl 2>/dev/null; then
    fail "the API key leaked into output"
fi
if sqlite3 "$CIPGRAPH_DB" .dump | grep -q "$TEST_KEY"; then
    fail "the API key is stored in the database"
fi
echo "PASS"
