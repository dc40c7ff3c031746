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

note "control characters and invalid UTF-8 in values are printed escaped"
printf '\033]0;pwned\007.com\nab\010\010cd.com\ncaf\303.com\n\302\23331mred.com\n' \
    >"$WORK/escapes.txt"
expect_exit 1 "$CIPGRAPH" enrich --input "$WORK/escapes.txt" \
    >"$WORK/escapes.out" 2>"$WORK/escapes.err"
python3 - "$WORK/escapes.out" <<'PY' || fail "the table printed raw control bytes"
import sys
data = open(sys.argv[1], "rb").read()
raw = [b for b in data if b < 0x20 and b != 0x0a or b == 0x7f]
assert not raw, f"raw control bytes {sorted(set(raw))}"
text = data.decode("utf-8")  # raises on invalid UTF-8
assert not any(0x80 <= ord(c) <= 0x9f for c in text), "raw C1 control"
for escaped in (r"\x1b]0;pwned\x07.com", r"ab\x08\x08cd.com", r"caf\xc3.com",
                r"\xc2\x9b31mred.com"):
    assert f"  {escaped} " in text, f"value column lacks {escaped}"
PY
expect_exit 1 "$CIPGRAPH" enrich --format json --input "$WORK/escapes.txt" \
    >"$WORK/escapes.jsonl" 2>/dev/null
[[ $(wc -l <"$WORK/escapes.jsonl") -eq 4 ]] ||
    fail "expected a JSON line for each of the 4 values: $(cat "$WORK/escapes.jsonl")"
grep -qF '"input":"caf\\xc3.com"' "$WORK/escapes.jsonl" ||
    fail "the invalid UTF-8 input is not in its escaped form"

note "summary counts are singular for one"
expect_exit 0 "$CIPGRAPH" enrich 150.136.90.238 >/dev/null 2>"$WORK/one.err"
grep -q "run [0-9]*: 1 value read, 1 distinct, 0 duplicates$" "$WORK/one.err" ||
    fail "summary for one value: $(cat "$WORK/one.err")"
expect_exit 0 "$CIPGRAPH" enrich 150.136.90.238 150.136.90.238 >/dev/null \
    2>"$WORK/two.err"
grep -q "run [0-9]*: 2 values read, 1 distinct, 1 duplicate$" "$WORK/two.err" ||
    fail "summary for a duplicate: $(cat "$WORK/two.err")"
expect_exit 4 "$CIPGRAPH" enrich --max-credits 1 --refresh 156.194.154.210 \
    200.58.103.208 >/dev/null 2>"$WORK/left.err"
grep -q "stopped early: .*; 1 value left" "$WORK/left.err" ||
    fail "summary for one value left: $(cat "$WORK/left.err")"

note "an ftp URL is looked up by its host, not sent as a URL"
expect_exit 0 "$CIPGRAPH" enrich --format json --poll-interval 100ms \
    ftp://Example.com:21/pub/file.txt >"$WORK/ftp.json" 2>/dev/null
json_get "$WORK/ftp.json" '(d["kind"], d["value"], d["port"], d["outcome"] != "failed")' |
    grep -qx "('domain', 'example.com', 21, True)" ||
    fail "ftp URL: $(cat "$WORK/ftp.json")"

note "a C2 feed without its header row is rejected with what to do, no call"
calls_before=$(sim_stat total)
tail -n +2 "$(ls "$DATA_DIR"/c2-daily-feed/*.csv | head -n 1)" | head -n 3 \
    >"$WORK/no-header.csv"
expect_exit 1 "$CIPGRAPH" enrich --format json --input "$WORK/no-header.csv" \
    >"$WORK/no-header.jsonl" 2>/dev/null
[[ $(grep -c "looks like a CSV row: its first field '[0-9.]*' is an indicator. Start the file with its CSV header row" \
    "$WORK/no-header.jsonl") -eq 3 ]] ||
    fail "headerless CSV rows: $(cat "$WORK/no-header.jsonl")"
[[ $(sim_stat total) -eq "$calls_before" ]] || fail "a headerless CSV row was sent"

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
