#!/usr/bin/env bash
# The analyst commands on a graph enriched from cip-sim: triage (formats,
# filters, configuration errors), pivot, shared, path and neighbors, their
# exit codes and usage errors, JSON output, and a neighbourhood bundle that
# validates.
source "$(dirname "$0")/lib.sh"

export CIPGRAPH_NOW=2026-01-15T10:00:00Z
IP_A=150.136.90.238
values=(150.136.90.238 63.210.148.42 156.194.154.210 200.58.103.208
    141.98.233.72 http://gejmonilogin.webflow.io/ http://bancobdvonline.com/)

note "help and usage errors"
for command in triage pivot shared path neighbors; do
    expect_exit 0 "$CIPGRAPH" help "$command" >"$WORK/help.txt"
    grep -q "usage: cipgraph $command" "$WORK/help.txt" || fail "no usage for $command"
done
expect_exit 2 "$CIPGRAPH" triage --kind hash
expect_exit 2 "$CIPGRAPH" triage --since yesterday
expect_exit 2 "$CIPGRAPH" triage --format xml
expect_exit 2 "$CIPGRAPH" triage --limit -1
expect_exit 2 "$CIPGRAPH" triage extra
expect_exit 2 "$CIPGRAPH" triage --limit 99999999999 2>"$WORK/limit.err"
grep -qF "invalid --limit '99999999999': use a whole number from 0 (all rows) to 1000000000" \
    "$WORK/limit.err" || fail "--limit range: $(cat "$WORK/limit.err")"
expect_exit 2 "$CIPGRAPH" triage --bogus 2>"$WORK/bogus.err"
grep -qF "unknown option '--bogus'" "$WORK/bogus.err" || fail "unknown option: $(cat "$WORK/bogus.err")"
expect_exit 2 "$CIPGRAPH" triage --limit 2>"$WORK/missing.err"
grep -qF "option '--limit' needs a value" "$WORK/missing.err" ||
    fail "missing value: $(cat "$WORK/missing.err")"
expect_exit 2 "$CIPGRAPH" pivot
expect_exit 2 "$CIPGRAPH" pivot --via asnumber "$IP_A"
expect_exit 2 "$CIPGRAPH" pivot --depth 9 "$IP_A"
expect_exit 2 "$CIPGRAPH" pivot --limit 0 "$IP_A"
expect_exit 2 "$CIPGRAPH" shared "$IP_A"
expect_exit 2 "$CIPGRAPH" path "$IP_A"
expect_exit 2 "$CIPGRAPH" path --max-depth 0 "$IP_A" "$IP_A"
expect_exit 2 "$CIPGRAPH" neighbors --depth 9 "$IP_A"
expect_exit 2 "$CIPGRAPH" neighbors

note "no database is an error, and an empty graph ranks nothing"
expect_exit 1 "$CIPGRAPH" triage 2>"$WORK/none.err"
grep -q "no graph database at" "$WORK/none.err" || fail "no message: $(cat "$WORK/none.err")"
printf '{"type":"bundle","id":"bundle--6c0a2a56-1c54-4b3e-9d0c-3f1b1f6d2a10","objects":[]}' |
    "$CIPGRAPH" import --quiet - || fail "importing an empty bundle failed"
expect_exit 0 "$CIPGRAPH" triage >"$WORK/empty.txt"
grep -q "no enriched indicator" "$WORK/empty.txt" || fail "empty triage printed rows"

note "enrich a fixed list"
start_sim --scan-polls 1
expect_exit 0 "$CIPGRAPH" enrich --quiet --poll-interval 100ms "${values[@]}" \
    >"$WORK/enrich.out" 2>"$WORK/enrich.err"

note "triage: table, JSON and CSV agree"
expect_exit 0 "$CIPGRAPH" triage --limit 0 >"$WORK/triage.txt"
expect_exit 0 "$CIPGRAPH" triage --limit 0 --format json >"$WORK/triage.json"
expect_exit 0 "$CIPGRAPH" triage --limit 0 --format csv >"$WORK/triage.csv"
head -n 1 "$WORK/triage.txt" | grep -q "^RANK PRIORITY  VALUE" || fail "no table header"
[[ $(json_get "$WORK/triage.json" "len(d)") -eq ${#values[@]} ]] ||
    fail "triage ranked $(json_get "$WORK/triage.json" "len(d)") of ${#values[@]} values"
json_get "$WORK/triage.json" \
    "all(a['priority'] >= b['priority'] for a, b in zip(d, d[1:]))" |
    grep -q True || fail "JSON rows are not in priority order"
json_get "$WORK/triage.json" "all(r['reasons'] for r in d)" | grep -q True ||
    fail "a JSON row has no reasons"
json_get "$WORK/triage.json" "d[0]['kind'] == 'ipv4' and d[0]['outbound'] == 'Critical'" |
    grep -q True || fail "the top row is not a Critical C2 address"
python3 - "$WORK/triage.json" "$WORK/triage.csv" <<'PY' || fail "CSV and JSON differ"
import csv, json, sys
rows = json.load(open(sys.argv[1]))
table = list(csv.DictReader(open(sys.argv[2], newline="")))
assert [r["value"] for r in rows] == [r["value"] for r in table]
assert all(", ".join(j["reasons"]) in c["reasons"] for j, c in zip(rows, table))
PY
grep -q "C2 port" "$WORK/triage.txt" || fail "no C2 port in the reasons"
grep -q "phishing probability" "$WORK/triage.txt" || fail "no phishing reason"

note "triage: limits, filters and repeat runs"
expect_exit 0 "$CIPGRAPH" triage --limit 2 --format json >"$WORK/top2.json"
python3 - "$WORK/triage.json" "$WORK/top2.json" <<'PY' || fail "--limit 2 is not the top 2"
import json, sys
full, top = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert [r["value"] for r in top] == [r["value"] for r in full[:2]]
PY
expect_exit 0 "$CIPGRAPH" triage --kind url --format json >"$WORK/urls.json"
json_get "$WORK/urls.json" "len(d) == 2 and all(r['kind'] == 'url' for r in d)" |
    grep -q True || fail "--kind url kept other kinds"
expect_exit 0 "$CIPGRAPH" triage --since 2026-02-01 --format json >"$WORK/later.json"
[[ $(json_get "$WORK/later.json" "len(d)") -eq 0 ]] || fail "--since kept older values"
expect_exit 0 "$CIPGRAPH" triage --limit 0 >"$WORK/triage2.txt"
cmp -s "$WORK/triage.txt" "$WORK/triage2.txt" || fail "two triage runs differ"
expect_exit 0 "$CIPGRAPH" triage --limit 0 --config "$CG_SOURCE_DIR/config/triage.json" \
    >"$WORK/triage3.txt"
cmp -s "$WORK/triage.txt" "$WORK/triage3.txt" || fail "config/triage.json differs from the defaults"
expect_exit 0 "$CIPGRAPH" triage --limit 0 --refresh >"$WORK/triage4.txt"
cmp -s "$WORK/triage.txt" "$WORK/triage4.txt" || fail "--refresh changed an unchanged graph's ranking"

note "triage: weights from a file change the order; bad files exit 2"
echo '{"outbound": {"Critical": 0, "Dangerous": 0}, "labels": {"c2": 0}, "phishing": {"max_points": 500}}' \
    >"$WORK/phish-first.json"
expect_exit 0 "$CIPGRAPH" triage --format json --config "$WORK/phish-first.json" >"$WORK/phish.json"
json_get "$WORK/phish.json" "d[0]['kind']" | grep -q url || fail "phishing weights did not move URLs up"
echo '{"outbound": {"Critical": "high"}}' >"$WORK/bad.json"
expect_exit 2 "$CIPGRAPH" triage --config "$WORK/bad.json" 2>"$WORK/bad.err"
grep -q "bad.json': key 'outbound.Critical': expected a number" "$WORK/bad.err" ||
    fail "bad configuration message: $(cat "$WORK/bad.err")"
CIPGRAPH_TRIAGE_CONFIG="$WORK/bad.json" expect_exit 2 "$CIPGRAPH" triage
expect_exit 2 "$CIPGRAPH" triage --config "$WORK/missing.json"

note "pivot"
expect_exit 0 "$CIPGRAPH" pivot --format json "$IP_A" >"$WORK/pivot.json"
json_get "$WORK/pivot.json" "d['start']['name']" | grep -qx "$IP_A" || fail "pivot start"
json_get "$WORK/pivot.json" "len(d['attributes']) > 3 and len(d['results']) > 0" |
    grep -q True || fail "pivot found nothing"
json_get "$WORK/pivot.json" "all(r['shared'] and r['depth'] == 1 for r in d['results'])" |
    grep -q True || fail "pivot results lack their shared values"
B=$(json_get "$WORK/pivot.json" "d['results'][0]['name']")
VIA=$(json_get "$WORK/pivot.json" "d['results'][0]['shared'][0]['via']")
expect_exit 0 "$CIPGRAPH" pivot --via "$VIA" "$IP_A" >"$WORK/pivot.txt"
grep -q "$B" "$WORK/pivot.txt" || fail "pivot --via $VIA lost $B"
expect_exit 0 "$CIPGRAPH" pivot --via asn AS31898 --format json >"$WORK/as.json"
json_get "$WORK/as.json" "'$IP_A' in [r['name'] for r in d['results']]" | grep -q True ||
    fail "pivot from AS31898 does not list $IP_A"
expect_exit 0 "$CIPGRAPH" pivot --depth 2 --limit 1 "$IP_A" >"$WORK/capped.txt"
grep -q "^note: results cut at 1" "$WORK/capped.txt" || fail "no note when capped"
expect_exit 1 "$CIPGRAPH" pivot 203.0.113.200 2>"$WORK/missing.err"
grep -q "not in the graph" "$WORK/missing.err" || fail "no not-found message"

note "shared"
expect_exit 0 "$CIPGRAPH" shared --format json "$IP_A" "$B" >"$WORK/shared.json"
json_get "$WORK/shared.json" "'$VIA' in [a['via'] for a in d['attributes']]" | grep -q True ||
    fail "shared does not list the $VIA that pivot found"
expect_exit 0 "$CIPGRAPH" shared "$IP_A" "$B" >"$WORK/shared.txt"
grep -q "^shared attributes:" "$WORK/shared.txt" || fail "shared table"

note "path"
expect_exit 0 "$CIPGRAPH" path --format json "$IP_A" "$B" >"$WORK/path.json"
json_get "$WORK/path.json" "d['found'] and d['length'] == 2" | grep -q True ||
    fail "no two-step path through the shared $VIA"
expect_exit 0 "$CIPGRAPH" path "$B" "$IP_A" >"$WORK/path.txt"
grep -q "^path of 2 relationships" "$WORK/path.txt" || fail "path text"
grep -q -- "-\[.*\]->" "$WORK/path.txt" || fail "path shows no direction"
expect_exit 1 "$CIPGRAPH" path --max-depth 1 "$IP_A" "$B" 2>"$WORK/nopath.err"
grep -q "no path between" "$WORK/nopath.err" || fail "no-path message"
expect_exit 1 "$CIPGRAPH" path "$IP_A" 203.0.113.200

note "neighbors: a bundle that validates"
expect_exit 0 "$CIPGRAPH" neighbors --depth 1 --output "$WORK/hood1.json" "$IP_A"
expect_exit 0 "$CIPGRAPH" neighbors --depth 2 --limit 300 "$IP_A" >"$WORK/hood2.json"
for bundle in "$WORK/hood1.json" "$WORK/hood2.json"; do
    python3 - "$bundle" <<'PY' || fail "$bundle is not closed"
import json, sys
objects = json.load(open(sys.argv[1]))["objects"]
ids = {o["id"] for o in objects}
assert len(objects) < 2000, len(objects)
assert any(o["type"] == "identity" for o in objects)
assert any(o["type"] == "marking-definition" for o in objects)
for o in objects:
    for key in ("source_ref", "target_ref", "created_by_ref", "x_opencti_created_by_ref"):
        assert o.get(key) is None or o[key] in ids, (o["id"], key)
    for ref in o.get("object_marking_refs", []) + o.get("object_refs", []):
        assert ref in ids, (o["id"], ref)
PY
    validate "$bundle"
done
json_get "$WORK/hood1.json" "sum(o['type'] == 'relationship' for o in d['objects']) > 3" |
    grep -q True || fail "depth 1 has too few relationships"
echo "PASS"
