#!/usr/bin/env bash
# The lite scan path (`enrich --lite`) against cip-sim: a lite scan, its
# progress polls until 100, the lite report, the mapping (validated), the
# cache under "lite:" keys apart from the full reports' "domain:" keys,
# and failed scans and missing domains.
source "$(dirname "$0")/lib.sh"

export CIPGRAPH_NOW=2026-01-15T10:00:00Z
phish=$(head -n 1 "$DATA_DIR/openphish-feed.txt")
values=("$phish" example.com hxxps://www[.]wikipedia[.]org/wiki/Main_Page)
lite=(--lite --poll-interval 50ms --quiet)

note "lite scans: scan, progress polls until 100, report"
start_sim --scan-polls 3
expect_exit 0 "$CIPGRAPH" enrich "${lite[@]}" --format json "${values[@]}" \
    >"$WORK/lite.jsonl"
[[ $(sim_stat lite_scan) -eq 3 ]] || fail "expected 3 lite scans, got $(sim_stat lite_scan)"
# Three polls report progress below 100 and the fourth reports 100.
[[ $(sim_stat lite_progress) -eq 12 ]] ||
    fail "expected 4 progress polls per scan, got $(sim_stat lite_progress) for 3"
[[ $(sim_stat lite_report) -eq 3 ]] || fail "expected 3 lite reports, got $(sim_stat lite_report)"
full=$(($(sim_stat domain_reports) + $(sim_stat domain_scan) + $(sim_stat domain_report)))
[[ $full -eq 0 ]] || fail "--lite made $full full-scan calls"
# A lite scan and its report cost a credit each; polls are free.
[[ $(sim_stat credits_used) -eq 6 ]] || fail "expected 6 credits, got $(sim_stat credits_used)"
python3 - "$WORK/lite.jsonl" "$phish" <<'PY' || fail "unexpected lite results"
import json, sys
rows = {r["input"]: r for r in map(json.loads, open(sys.argv[1]))}
phish = rows[sys.argv[2]]
assert phish["outcome"] == "enriched", phish
assert phish["summary"]["malicious"] is True, phish
assert phish["summary"]["phishing_prob"] >= 50, phish
assert "phishing" in phish["summary"]["flags"], phish
benign = rows["example.com"]
assert benign["outcome"] == "enriched", benign
assert benign["kind"] == "domain", benign
assert benign["summary"]["malicious"] is False, benign
url = rows["hxxps://www[.]wikipedia[.]org/wiki/Main_Page"]
assert url["value"] == "https://www.wikipedia.org/wiki/Main_Page", url
assert url["stix_id"].startswith("url--"), url
PY

note "the lite answers are cached under lite: keys"
keys=$(sqlite3 "$CIPGRAPH_DB" "SELECT key FROM api_cache ORDER BY key")
[[ $(grep -c '^lite:' <<<"$keys") -eq 3 ]] || fail "expected 3 lite: cache keys, got: $keys"
grep -q "^lite:example.com$" <<<"$keys" || fail "no lite:example.com key: $keys"
grep -q '^domain:' <<<"$keys" && fail "a lite run wrote domain: cache keys: $keys"
sqlite3 "$CIPGRAPH_DB" "SELECT body FROM api_cache WHERE key = 'lite:example.com'" |
    python3 -c 'import json,sys; d=json.load(sys.stdin); assert "domain_score" in d["report"], d' ||
    fail "the cached lite envelope has no lite report"

note "the same values again: answered from the lite cache"
calls=$(sim_stat total)
expect_exit 0 "$CIPGRAPH" enrich "${lite[@]}" --format stix --output "$WORK/lite.json" \
    "${values[@]}"
[[ $(sim_stat total) -eq $calls ]] || fail "the cached lite run made $(($(sim_stat total) - calls)) calls"
validate "$WORK/lite.json"
indicators=$(json_get "$WORK/lite.json" "[o['name'] for o in d['objects'] if o['type'] == 'indicator']")
grep -q "Criminal IP: phishing" <<<"$indicators" || fail "no phishing indicator: $indicators"
notes=$(json_get "$WORK/lite.json" "[o['content'] for o in d['objects'] if o['type'] == 'note']")
grep -q "Report shape | lite" <<<"$notes" || fail "the notes do not name the lite shape"

note "a full run does not reuse lite answers"
expect_exit 0 "$CIPGRAPH" enrich --poll-interval 50ms --quiet example.com >/dev/null
[[ $(sim_stat domain_reports) -eq 1 ]] || fail "the full run did not look up reports"

note "a failed lite scan fails its value; a missing domain has no data"
expect_exit 1 "$CIPGRAPH" enrich "${lite[@]}" --format json scanfail.example.com \
    nxdomain.example.com >"$WORK/fail.jsonl"
python3 - "$WORK/fail.jsonl" <<'PY' || fail "unexpected outcomes for failed lite scans"
import json, sys
rows = {r["value"]: r for r in map(json.loads, open(sys.argv[1]))}
assert rows["scanfail.example.com"]["outcome"] == "failed", rows
assert rows["scanfail.example.com"]["error"] == "SCAN_FAILED", rows
assert rows["nxdomain.example.com"]["outcome"] == "no-data", rows
PY
[[ $(sqlite3 "$CIPGRAPH_DB" "SELECT count(*) FROM api_cache WHERE key = 'lite:nxdomain.example.com'") -eq 1 ]] ||
    fail "the no-data answer was not cached"
echo "PASS"
