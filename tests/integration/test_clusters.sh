#!/usr/bin/env bash
# `cipgraph clusters` on a hand-built graph with known campaigns: each
# evidence kind links its pair, hosting-platform sites that share only the
# platform's infrastructure stay apart, grouping ids survive re-runs and a
# new member, groupings are stored and replaced, and the STIX output is
# valid.
source "$(dirname "$0")/lib.sh"
export CIPGRAPH_NOW=2026-12-01T00:00:00Z
make_bundle() { python3 "$CG_SOURCE_DIR/tests/data/import/make_bundle.py" "$@"; }

note "import the hand-built campaigns"
make_bundle clusters >"$WORK/clusters.json"
"$CIPGRAPH" import --quiet "$WORK/clusters.json"

note "json output has the six expected clusters and nothing else"
"$CIPGRAPH" clusters --format json --output "$WORK/run1.json" 2>"$WORK/run1.err"
python3 - "$WORK/run1.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
got = {tuple(sorted(m["value"] for m in c["members"])):
       (c["confidence"], sorted((e["kind"], e["value"]) for e in c["evidence"]))
       for c in doc["clusters"]}
want = {
    ("a1.evil-one.com", "a2.evil-one.com"):
        (90, [("registered-domain", "evil-one.com")]),
    ("pay.b-other.org", "shop.b-brand.net"):
        (81, [("ip", "198.51.100.7"), ("prefix", "198.51.100.0/24")]),
    ("z1.webflow.io", "z2.vercel.app"): (40, [("favicon", "-6f5e4f71")]),
    ("c1-shop.com", "c2-shop.net"):
        (50, [("as-registrar-week", "AS64500, NameCheap, Inc., week 2026-W47")]),
    ("100.64.1.5", "100.65.2.6"): (85, [("certificate", "0a0b0c0d")]),
    ("192.0.2.10", "192.0.2.20"): (35, [("prefix", "192.0.2.0/24")]),
}
for members, expected in want.items():
    assert members in got, f"missing cluster {members}; got {sorted(got)}"
    assert got[members] == expected, f"{members}: {got[members]} != {expected}"
assert len(got) == len(want), f"unexpected clusters: {set(got) - set(want)}"
clustered = {v for members in got for v in members}
for apart in ("x.webflow.io", "y.webflow.io", "p.pages.dev", "q.pages.dev",
              "lone.example", "benign.example"):
    assert apart not in clustered, f"{apart} was clustered"
assert doc["candidates"] == 17, doc["candidates"]
PY
grep -q "6 clusters of 2 or more from 17 malicious observables" "$WORK/run1.err" ||
    fail "summary line missing: $(cat "$WORK/run1.err")"

note "a second run gives the same ids and output"
"$CIPGRAPH" clusters --format json --output "$WORK/run2.json" 2>/dev/null
cmp -s "$WORK/run1.json" "$WORK/run2.json" || fail "second run differs"

note "the groupings are in the graph and show finds them"
"$CIPGRAPH" export --type grouping --format jsonl >"$WORK/groupings.jsonl"
[[ $(grep -c '"type":"grouping"' "$WORK/groupings.jsonl") -eq 6 ]] ||
    fail "expected 6 stored groupings"
grep -q '"context":"suspicious-activity"' "$WORK/groupings.jsonl" ||
    fail "grouping context missing"
"$CIPGRAPH" show a1.evil-one.com >"$WORK/show.txt"
grep -q "grouping" "$WORK/show.txt" || fail "show does not list the grouping"

note "a new member keeps its campaign's grouping id"
anchor_id=$(json_get "$WORK/run1.json" \
    '[c["id"] for c in d["clusters"] if c["anchor"]["value"] == "evil-one.com"][0]')
make_bundle clusters-more >"$WORK/more.json"
"$CIPGRAPH" import --quiet "$WORK/more.json"
"$CIPGRAPH" clusters --format json --output "$WORK/run3.json" 2>/dev/null
grown=$(json_get "$WORK/run3.json" \
    '[(c["id"], c["size"]) for c in d["clusters"] if c["anchor"]["value"] == "evil-one.com"][0]')
[[ "$grown" == "('$anchor_id', 3)" ]] || fail "campaign id or size changed: $grown"

note "stix output passes the validator"
"$CIPGRAPH" clusters --format stix --output "$WORK/clusters.stix.json" 2>/dev/null
json_get "$WORK/clusters.stix.json" 'sum(o["type"] == "grouping" for o in d["objects"])' \
    | grep -qx 6 || fail "stix output lacks the groupings"
validate "$WORK/clusters.stix.json"

note "--min-size 3 replaces the stored groupings"
"$CIPGRAPH" clusters --min-size 3 --format json --output "$WORK/run4.json" 2>/dev/null
[[ $(json_get "$WORK/run4.json" 'len(d["clusters"])') -eq 1 ]] ||
    fail "expected one cluster of 3"
"$CIPGRAPH" export --type grouping --format jsonl >"$WORK/groupings.jsonl"
[[ $(grep -c '"type":"grouping"' "$WORK/groupings.jsonl") -eq 1 ]] ||
    fail "stale groupings were not removed"

note "usage errors name the option, the value and the range"
clusters_error() { # WANT ARGS...: exit 2 and WANT in the message
    local want=$1
    shift
    expect_exit 2 "$CIPGRAPH" clusters "$@" 2>"$WORK/usage.err"
    grep -qF -- "$want" "$WORK/usage.err" || fail "clusters $*: $(cat "$WORK/usage.err")"
}
clusters_error "invalid --min-size '1': use a whole number from 2 to 1000000000" \
    --min-size 1
clusters_error "invalid --min-size '999999999999': use a whole number from 2 to 1000000000" \
    --min-size 999999999999
clusters_error "invalid --min-size '99999999999999999999': use a whole number from 2" \
    --min-size 99999999999999999999
clusters_error "invalid --max-shared '-1': use a whole number from 0 to 1000000000" \
    --max-shared -1
clusters_error "invalid --format 'xml': use table, json or stix" --format xml
clusters_error "unknown option '--bogus'" --bogus

note "values from the graph are printed escaped in the table"
export CIPGRAPH_DB="$WORK/escapes.db"
python3 - "$CG_SOURCE_DIR/tests/data/import" >"$WORK/escapes.json" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
import make_bundle as mb
favicon = "\x1b]0;pwned\x07\x08"
objs = [mb.FEED] + mb.phish("e1.escape.example", favicon=favicon) + \
    mb.phish("e2.escape.test", favicon=favicon)
json.dump(mb.bundle(objs), sys.stdout)
PY
"$CIPGRAPH" import --quiet "$WORK/escapes.json"
"$CIPGRAPH" clusters >"$WORK/escapes.txt" 2>"$WORK/escapes.err"
grep -qF 'favicon \x1b]0;pwned\x07\x08 (2)' "$WORK/escapes.txt" ||
    fail "the evidence is not escaped: $(cat -v "$WORK/escapes.txt")"
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$WORK/escapes.txt"; then
    fail "the table printed raw control bytes: $(cat -v "$WORK/escapes.txt")"
fi
grep -q "1 cluster of 2 or more from 2 malicious observables; 0 shared values" \
    "$WORK/escapes.err" || fail "summary line: $(cat "$WORK/escapes.err")"
echo "PASS"
