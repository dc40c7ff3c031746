#!/usr/bin/env bash
# `cipgraph import`. An export imported into an empty graph exports byte
# for byte the same. Invalid objects, a duplicate id, a relationship whose
# end arrives in a later import, a reference to a missing author and a
# truncated file are each reported once while the valid rest is kept.
# JSON Lines and standard input work. Objects imported under other ids
# end up under their deterministic ids, with every reference to them.
# Values OpenCTI rejects are rejected, and an empty file is an error.
source "$(dirname "$0")/lib.sh"
export CIPGRAPH_NOW=2026-12-01T00:00:00Z
make_bundle() { python3 "$CG_SOURCE_DIR/tests/data/import/make_bundle.py" "$@"; }
count_type() { # FILE TYPE: objects of TYPE in a bundle
    json_get "$1" "sum(o['type'] == '$2' for o in d['objects'])"
}

note "round trip: enrich, export, import into an empty graph, export again"
start_sim
ips=$(awk -F, 'FNR > 1 && $1 ~ /^[0-9.]+$/ { print $1; if (++n == 2) exit }' \
    "$DATA_DIR"/c2-daily-feed/*.csv)
urls=$(awk '/^http/ { print; if (++n == 2) exit }' "$DATA_DIR/openphish-feed.txt")
# shellcheck disable=SC2086
"$CIPGRAPH" enrich --quiet --poll-interval 100ms $ips $urls >/dev/null
stop_sim
"$CIPGRAPH" export --output "$WORK/first.json"
CIPGRAPH_DB="$WORK/copy.db" "$CIPGRAPH" import --quiet "$WORK/first.json"
CIPGRAPH_DB="$WORK/copy.db" "$CIPGRAPH" export --output "$WORK/second.json"
cmp "$WORK/first.json" "$WORK/second.json" || fail "round trip changed the export"
[[ $(json_get "$WORK/first.json" 'len(d["objects"])') -gt 20 ]] ||
    fail "the enriched graph is unexpectedly small"
validate "$WORK/first.json"

note "importing the same file again merges and changes nothing"
CIPGRAPH_DB="$WORK/copy.db" "$CIPGRAPH" import "$WORK/first.json" 2>"$WORK/again.err"
grep -q "0 new" "$WORK/again.err" || fail "a repeat import inserted objects"
CIPGRAPH_DB="$WORK/copy.db" "$CIPGRAPH" export --output "$WORK/third.json"
cmp -s "$WORK/first.json" "$WORK/third.json" || fail "a repeat import changed the graph"

note "problems are reported once each and the valid rest is kept"
export CIPGRAPH_DB="$WORK/problems.db"
make_bundle problems >"$WORK/problems.json"
expect_exit 1 "$CIPGRAPH" import "$WORK/problems.json" 2>"$WORK/problems.err"
cat "$WORK/problems.err"
bad_ip=$(json_get "$WORK/problems.json" '[o["id"] for o in d["objects"] if o.get("value") == "203.0.113.999"][0]')
[[ $(grep -c "$bad_ip" "$WORK/problems.err") -eq 1 ]] || fail "invalid address not reported once"
grep -q "$bad_ip.*not an IPv4 address" "$WORK/problems.err" || fail "invalid address reason"
[[ $(grep -c "missing pattern" "$WORK/problems.err") -eq 1 ]] || fail "missing pattern not reported once"
[[ $(grep -c "target_ref is not a STIX id" "$WORK/problems.err") -eq 1 ]] || fail "bad reference not reported once"
[[ $(grep -c "note: duplicate id" "$WORK/problems.err") -eq 1 ]] || fail "duplicate not noted once"
grep -q "8 valid (6 new, 1 merged, 1 relationship waiting for an end), 3 invalid, 1 duplicate" "$WORK/problems.err" ||
    fail "summary counts are wrong"
grep -q "waiting for an end: 1 " "$WORK/problems.err" || fail "pending relationship not counted"
grep -q "references to objects not in the graph: 1" "$WORK/problems.err" ||
    fail "missing author not counted"

note "the export leaves out what is missing and still validates"
"$CIPGRAPH" export --output "$WORK/partial.json"
[[ $(count_type "$WORK/partial.json" relationship) -eq 1 ]] || fail "pending relationship exported"
json_get "$WORK/partial.json" '[o for o in d["objects"] if o["type"] == "domain-name" and o["value"] == "evil.example"][0]["x_opencti_labels"]' \
    | grep -q seen-twice || fail "duplicate was not merged"
json_get "$WORK/partial.json" '[o for o in d["objects"] if o["type"] == "indicator"][0].get("created_by_ref")' \
    | grep -qx None || fail "dangling created_by_ref was exported"
validate "$WORK/partial.json"

note "a later import brings the missing end and author"
make_bundle late >"$WORK/late.json"
"$CIPGRAPH" import "$WORK/late.json" 2>"$WORK/late.err"
grep -q "waiting for an end: 0 (1 stored" "$WORK/late.err" || fail "pending relationship not resolved"
grep -q "references to objects not in the graph: 0" "$WORK/late.err" || fail "author not resolved"
"$CIPGRAPH" export --output "$WORK/complete.json"
[[ $(count_type "$WORK/complete.json" relationship) -eq 2 ]] || fail "resolved relationship missing"
json_get "$WORK/complete.json" '[o for o in d["objects"] if o["type"] == "indicator"][0]["created_by_ref"]' \
    | grep -q '^identity--' || fail "author reference not restored"
validate "$WORK/complete.json"

note "a truncated file keeps every object before the cut"
export CIPGRAPH_DB="$WORK/truncated.db"
size=$(stat -c %s "$WORK/first.json")
head -c $((size / 2)) "$WORK/first.json" >"$WORK/cut.json"
expect_exit 1 "$CIPGRAPH" import "$WORK/cut.json" 2>"$WORK/cut.err"
[[ $(grep -c "truncated" "$WORK/cut.err") -eq 1 ]] || fail "truncation not reported once"
complete=$(python3 -c 'import sys
text = open(sys.argv[1]).read()
print(sum(1 for line in text.splitlines() if line.startswith("{\"") and line.rstrip(",").endswith("}")))' "$WORK/cut.json")
"$CIPGRAPH" export --format jsonl --output "$WORK/cut.jsonl"
[[ $(wc -l <"$WORK/cut.jsonl") -eq $complete ]] ||
    fail "expected $complete objects before the cut, got $(wc -l <"$WORK/cut.jsonl")"

note "JSON Lines from standard input"
export CIPGRAPH_DB="$WORK/jsonl.db"
CIPGRAPH_DB="$WORK/copy.db" "$CIPGRAPH" export --format jsonl --output "$WORK/all.jsonl"
"$CIPGRAPH" import --quiet - <"$WORK/all.jsonl"
"$CIPGRAPH" export --output "$WORK/from-jsonl.json"
cmp "$WORK/first.json" "$WORK/from-jsonl.json" || fail "JSON Lines import differs"

note "an imported observable with another id and its enrichment are one object"
export CIPGRAPH_DB="$WORK/foreign-ip.db"
ip=$(echo "$ips" | head -n 1)
printf '{"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--11111111-1111-4111-8111-111111111111","value":"%s"}\n' \
    "$ip" >"$WORK/foreign-ip.json"
"$CIPGRAPH" import "$WORK/foreign-ip.json" 2>"$WORK/foreign-ip.err"
grep -q "1 id replaced by deterministic ids" "$WORK/foreign-ip.err" ||
    fail "the replaced id was not counted"
start_sim
"$CIPGRAPH" enrich --quiet --poll-interval 100ms "$ip" >/dev/null
stop_sim
"$CIPGRAPH" export --output "$WORK/foreign-ip-export.json"
[[ $(json_get "$WORK/foreign-ip-export.json" "sum(o.get('value') == '$ip' for o in d['objects'])") -eq 1 ]] ||
    fail "$ip is in the graph twice"
grep -q "11111111-1111-4111-8111-111111111111" "$WORK/foreign-ip-export.json" &&
    fail "the foreign id was exported"
"$CIPGRAPH" show "$ip" | grep -q "id: $(json_get "$WORK/foreign-ip-export.json" "[o['id'] for o in d['objects'] if o.get('value') == '$ip'][0]")" ||
    fail "show does not find the enriched object"
validate "$WORK/foreign-ip-export.json"

note "references to replaced ids follow them, before and after they arrive"
export CIPGRAPH_DB="$WORK/foreign.db"
make_bundle foreign >"$WORK/foreign.json"
"$CIPGRAPH" import "$WORK/foreign.json" 2>"$WORK/foreign.err"
cat "$WORK/foreign.err"
grep -q "0 invalid, 0 duplicate ids merged, 8 ids replaced by deterministic ids" "$WORK/foreign.err" ||
    fail "replaced ids were not counted once each"
grep -q "waiting for an end: 0 (1 stored" "$WORK/foreign.err" ||
    fail "the relationship that came before its ends is still waiting"
grep -q "references to objects not in the graph: 0" "$WORK/foreign.err" ||
    fail "the report's reference to a replaced id is dangling"
"$CIPGRAPH" export --output "$WORK/foreign-export.json"
# Only the report keeps the id it came with: no rule gives it another.
[[ $(grep -o '11111111-1111-4111-8111-[0-9]*' "$WORK/foreign-export.json" | sort -u) == \
    "11111111-1111-4111-8111-000000000005" ]] || fail "a foreign observable id was exported"
[[ $(count_type "$WORK/foreign-export.json" relationship) -eq 3 ]] || fail "relationships lost"
json_get "$WORK/foreign-export.json" '[o for o in d["objects"] if o.get("value") == "203.0.113.30"][0]["x_opencti_labels"]' |
    grep -q seen-twice || fail "the address under both ids was not merged"
validate "$WORK/foreign-export.json"

note "a later import follows the replaced ids, and one id cannot name two values"
make_bundle foreign-later >"$WORK/later.json"
expect_exit 1 "$CIPGRAPH" import "$WORK/later.json" 2>"$WORK/later.err"
cat "$WORK/later.err"
grep -q "ipv4-addr--11111111-1111-4111-8111-000000000002 already names {\"value\":\"203.0.113.30\"}, but this object has {\"value\":\"203.0.113.99\"}" \
    "$WORK/later.err" || fail "a foreign id given to another value was not rejected"
grep -q "already names {\"value\":\"203.0.113.31\"}, but this object has {\"value\":\"9.9.9.9\"}" \
    "$WORK/later.err" || fail "a deterministic id given to another value was not rejected"
"$CIPGRAPH" export --output "$WORK/later-export.json"
json_get "$WORK/later-export.json" '[o["value"] for o in d["objects"] if o["type"] == "ipv4-addr"]' |
    grep -q "9.9.9.9" && fail "the stored address was overwritten"
addr=$(json_get "$WORK/foreign-export.json" '[o["id"] for o in d["objects"] if o.get("value") == "203.0.113.30"][0]')
[[ $(json_get "$WORK/later-export.json" "sum(o.get('relationship_type') == 'resolves-to' and o['target_ref'] == '$addr' for o in d['objects'])") -eq 2 ]] ||
    fail "the later relationship does not reach the replaced address"
validate "$WORK/later-export.json"

note "values OpenCTI or the STIX schemas reject are reported and not exported"
export CIPGRAPH_DB="$WORK/rejects.db"
make_bundle rejects >"$WORK/rejects.json"
expect_exit 1 "$CIPGRAPH" import "$WORK/rejects.json" 2>"$WORK/rejects.err"
cat "$WORK/rejects.err"
python3 - "$CG_SOURCE_DIR/tests/data/import" "$WORK/rejects.err" <<'PY' || fail "a rejection reason is missing"
import sys
sys.path.insert(0, sys.argv[1])
import make_bundle
text = open(sys.argv[2]).read()
missing = [phrase for _, phrase in make_bundle.REJECTS if phrase not in text]
print("\n".join(missing))
sys.exit(1 if missing else 0)
PY
grep -q "is_family is a string, not a boolean" "$WORK/rejects.err" || fail "is_family reason"
grep -q "relationship_type 'bogus-type' is not a type OpenCTI accepts" "$WORK/rejects.err" ||
    fail "bogus relationship type reason"
grep -q "OpenCTI does not accept resolves-to from ipv4-addr to identity" "$WORK/rejects.err" ||
    fail "relationship ends reason"
grep -q "2 valid (2 new, 0 merged, 0 relationships waiting for an end), 9 invalid" "$WORK/rejects.err" ||
    fail "summary counts are wrong"
"$CIPGRAPH" export --output "$WORK/rejects-export.json"
validate "$WORK/rejects-export.json"

note "an empty file is an error; an empty bundle is not"
export CIPGRAPH_DB="$WORK/empty.db"
: >"$WORK/empty.json"
expect_exit 1 "$CIPGRAPH" import "$WORK/empty.json" 2>"$WORK/empty.err"
grep -q "error: $WORK/empty.json is empty: no STIX bundle or object" "$WORK/empty.err" ||
    fail "empty file message: $(cat "$WORK/empty.err")"
printf ' \n\n' | expect_exit 1 "$CIPGRAPH" import - 2>"$WORK/blank.err"
grep -q "is empty" "$WORK/blank.err" || fail "blank input not reported as empty"
"$CIPGRAPH" export --output "$WORK/empty-export.json"
"$CIPGRAPH" import "$WORK/empty-export.json" || fail "an empty bundle was rejected"

note "not JSON, a missing file and bad options"
printf 'hello\n' >"$WORK/text.txt"
expect_exit 1 "$CIPGRAPH" import "$WORK/text.txt"
expect_exit 1 "$CIPGRAPH" import "$WORK/no-such-file.json"
expect_exit 2 "$CIPGRAPH" import
expect_exit 2 "$CIPGRAPH" import --batch 0 "$WORK/first.json"

note "observable values are normalised as enrich normalises them"
cat >"$WORK/spellings.json" <<'JSON'
{"type":"bundle","id":"bundle--0b6b5d2e-7a31-4d0e-9d5e-2f0c1b1a9a01","objects":[
{"type":"domain-name","spec_version":"2.1","id":"domain-name--11111111-1111-4111-8111-111111111111","value":"EXAMPLE.COM."},
{"type":"ipv6-addr","spec_version":"2.1","id":"ipv6-addr--44444444-4444-4444-8444-444444444444","value":"2001:4860:4860:0:0:0:0:8888"},
{"type":"url","spec_version":"2.1","id":"url--55555555-5555-4555-8555-555555555555","value":"HTTP://Evil-Site.com"}]}
JSON
CIPGRAPH_DB="$WORK/spellings.db" "$CIPGRAPH" import --quiet "$WORK/spellings.json" ||
    fail "importing other spellings failed"
values=$(sqlite3 "$WORK/spellings.db" "SELECT json_extract(body, '$.value') FROM objects
    WHERE type IN ('domain-name', 'ipv6-addr', 'url') ORDER BY 1" | tr '\n' ' ')
[[ $values == "2001:4860:4860::8888 example.com http://evil-site.com/ " ]] ||
    fail "the values were not normalised: '$values'"

note "show escapes control characters in imported names"
cat >"$WORK/escape.json" <<'JSON'
{"type":"identity","spec_version":"2.1","id":"identity--7b8a6c1e-3f2d-4e5a-9b0c-1d2e3f4a5b6c","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","name":"Evil\u001b]0;pwned\u0007 Corp","identity_class":"organization"}
JSON
CIPGRAPH_DB="$WORK/spellings.db" "$CIPGRAPH" import --quiet "$WORK/escape.json" ||
    fail "importing the identity failed"
# Import gives the identity its deterministic id, so look it up.
identity=$(sqlite3 "$WORK/spellings.db" "SELECT id FROM objects WHERE type = 'identity'")
CIPGRAPH_DB="$WORK/spellings.db" "$CIPGRAPH" show "$identity" >"$WORK/escape.out"
grep -qF 'Evil\x1b]0;pwned\x07 Corp' "$WORK/escape.out" ||
    fail "the name was not escaped: $(cat -v "$WORK/escape.out")"
! grep -q $'\x1b' "$WORK/escape.out" || fail "show printed a raw escape character"
echo "PASS"
