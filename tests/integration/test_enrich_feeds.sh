#!/usr/bin/env bash
# cipgraph enrich against cip-sim on the bundled real lists: Criminal IP's
# C2 feed and the phishing URL feed. The emitted bundles must validate, a
# second run must make no API call, and every input value must be
# accounted for.
source "$(dirname "$0")/lib.sh"

start_sim --scan-polls 2
export CIPGRAPH_NOW=2026-01-15T10:00:00Z
fast=(--poll-interval 50ms --concurrency 4)

note "one C2 day and 40 phishing URLs, as a STIX bundle"
head -n 40 "$DATA_DIR/openphish-feed.txt" >"$WORK/phish40.txt"
c2="$DATA_DIR/c2-daily-feed/2024-07-29.csv"
expect_exit 0 "$CIPGRAPH" enrich "${fast[@]}" --quiet --format stix \
    --output "$WORK/run1.json" --input "$c2" --input "$WORK/phish40.txt"
validate "$WORK/run1.json"
ips=$(json_get "$WORK/run1.json" "sum(1 for o in d['objects'] if o['type'] == 'ipv4-addr')")
urls=$(json_get "$WORK/run1.json" "sum(1 for o in d['objects'] if o['type'] == 'url')")
indicators=$(json_get "$WORK/run1.json" "sum(1 for o in d['objects'] if o['type'] == 'indicator')")
[[ $ips -ge 50 ]] || fail "expected at least 50 IPs in the bundle, got $ips"
[[ $urls -ge 40 ]] || fail "expected at least 40 URLs in the bundle, got $urls"
[[ $indicators -ge 50 ]] || fail "expected indicators for the C2 IPs, got $indicators"
calls=$(sim_stat total)
[[ $calls -gt 0 ]] || fail "the first run made no API call"

note "the same input again makes no API call and gives the same bundle"
expect_exit 0 "$CIPGRAPH" enrich "${fast[@]}" --quiet --format stix \
    --output "$WORK/run2.json" --input "$c2" --input "$WORK/phish40.txt"
[[ $(sim_stat total) -eq $calls ]] || fail "the second run made $(($(sim_stat total) - calls)) calls"
cmp -s <(json_get "$WORK/run1.json" "sorted(o['id'] for o in d['objects'])") \
    <(json_get "$WORK/run2.json" "sorted(o['id'] for o in d['objects'])") ||
    fail "the cached run's bundle has different objects"

note "a cache hit an hour later leaves the stored objects and their age alone"
graph_rows() {
    sqlite3 "$CIPGRAPH_DB" "SELECT id, body FROM objects ORDER BY id;
        SELECT value, enriched_at FROM indicators ORDER BY value;"
}
graph_rows >"$WORK/rows-before.txt"
CIPGRAPH_NOW=2026-01-15T11:00:00Z expect_exit 0 "$CIPGRAPH" enrich --quiet \
    --input "$c2" --input "$WORK/phish40.txt" >/dev/null
graph_rows >"$WORK/rows-after.txt"
cmp -s "$WORK/rows-before.txt" "$WORK/rows-after.txt" ||
    fail "a cached run rewrote stored objects: $(diff "$WORK/rows-before.txt" "$WORK/rows-after.txt" | head -c 600)"

note "JSON lines: one object per input value, cached outcomes"
expect_exit 0 "$CIPGRAPH" enrich --quiet --format json --input "$c2" >"$WORK/run3.jsonl"
rows=$(wc -l <"$WORK/run3.jsonl")
[[ $rows -eq 50 ]] || fail "expected 50 JSON lines for 50 feed rows, got $rows"
python3 - "$WORK/run3.jsonl" <<'PY' || fail "unexpected JSON lines"
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
outcomes = {r["outcome"] for r in rows}
assert outcomes <= {"cached", "duplicate"}, outcomes
for r in rows:
    if r["outcome"] == "cached":
        assert r["kind"] == "ipv4" and r["stix_id"].startswith("ipv4-addr--"), r
        assert r["summary"]["outbound"] == "Critical", r
PY
[[ $(sim_stat total) -eq $calls ]] || fail "the JSON run made API calls"

note "the whole bundled lists, then again from the cache"
all=()
for file in "$DATA_DIR"/c2-daily-feed/*.csv "$DATA_DIR/openphish-feed.txt"; do
    all+=(--input "$file")
done
expect_exit 0 "$CIPGRAPH" enrich "${fast[@]}" --top 10 "${all[@]}" \
    >"$WORK/table.txt" 2>"$WORK/summary.txt"
grep -q "^VALUE" "$WORK/table.txt" || fail "no table header"
grep -q "values read" "$WORK/summary.txt" || fail "no summary"
before=$(sim_stat total)
expect_exit 0 "$CIPGRAPH" enrich --quiet --format json "${all[@]}" >"$WORK/all.jsonl"
[[ $(sim_stat total) -eq $before ]] || fail "re-running the bundled lists made API calls"
python3 - "$WORK/all.jsonl" <<'PY' || fail "unexpected outcomes on the cached run"
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
bad = [r for r in rows if r["outcome"] not in ("cached", "duplicate")]
assert not bad, bad[:3]
print(len(rows), "values,", sum(r["outcome"] == "cached" for r in rows), "cached")
PY
echo "PASS"
