#!/usr/bin/env bash
# `cipgraph export`: the stix, jsonl and csv formats, and the --type,
# --min-score and --since filters, each output closed under references and
# accepted by stix-validate --strict.
source "$(dirname "$0")/lib.sh"
export CIPGRAPH_NOW=2026-12-01T00:00:00Z
make_bundle() { python3 "$CG_SOURCE_DIR/tests/data/import/make_bundle.py" "$@"; }
types() { # FILE: the sorted "type value-or-name" of every object
    python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print("\n".join(sorted(o["type"] + " " + str(o.get("value", o.get("name", o.get("relationship_type", ""))))
                        for o in d["objects"])))' "$1"
}

make_bundle export >"$WORK/export.json"
"$CIPGRAPH" import --quiet "$WORK/export.json"

note "stix: everything, in the stable order, valid"
"$CIPGRAPH" export --output "$WORK/all.json"
[[ $(json_get "$WORK/all.json" 'len(d["objects"])') -eq 12 ]] || fail "expected 12 objects"
json_get "$WORK/all.json" '[o["type"] for o in d["objects"]][-1]' | grep -qx relationship ||
    fail "relationships do not come last"
validate "$WORK/all.json"

note "jsonl: the same objects, one per line"
"$CIPGRAPH" export --format jsonl >"$WORK/all.jsonl"
[[ $(wc -l <"$WORK/all.jsonl") -eq 12 ]] || fail "expected 12 lines"
python3 -c 'import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
bundle = json.load(open(sys.argv[2]))["objects"]
assert lines == bundle, "jsonl differs from the bundle"' "$WORK/all.jsonl" "$WORK/all.json"

note "--type indicator: the indicators with their author, no relationships"
"$CIPGRAPH" export --type indicator --output "$WORK/indicators.json"
types "$WORK/indicators.json" >"$WORK/indicators.txt"
cat >"$WORK/want.txt" <<'TXT'
identity Test Feed
indicator 198.51.100.1
indicator 198.51.100.3
TXT
diff "$WORK/want.txt" "$WORK/indicators.txt" || fail "--type indicator"
validate "$WORK/indicators.json"

note "--min-score 80: high scores, the relationships between them, closure"
"$CIPGRAPH" export --min-score 80 --output "$WORK/high.json"
types "$WORK/high.json" >"$WORK/high.txt"
cat >"$WORK/want.txt" <<'TXT'
domain-name scored.example
identity Test Feed
indicator 198.51.100.3
ipv4-addr 198.51.100.3
relationship based-on
relationship resolves-to
TXT
diff "$WORK/want.txt" "$WORK/high.txt" || fail "--min-score 80"
validate "$WORK/high.json"

note "--type ipv4-addr,relationship: addresses and the links among them"
"$CIPGRAPH" export --type ipv4-addr,relationship --format jsonl >"$WORK/ips.jsonl"
grep -c '"type":"ipv4-addr"' "$WORK/ips.jsonl" | grep -qx 3 || fail "expected 3 addresses"
grep -c '"relationship_type"' "$WORK/ips.jsonl" | grep -qx 1 || fail "expected 1 relationship"

note "--since: after the import nothing, before it everything"
"$CIPGRAPH" export --since 2026-12-02 --output "$WORK/none.json"
[[ $(json_get "$WORK/none.json" 'len(d.get("objects", []))') == 0 ]] || fail "--since future"
validate "$WORK/none.json"
"$CIPGRAPH" export --since 2026-11-30T00:00:00Z --format jsonl | wc -l | grep -qx 12 ||
    fail "--since past"

note "csv: one row per enriched indicator with the triage columns"
export CIPGRAPH_DB="$WORK/enriched.db"
start_sim
ips=$(awk -F, 'FNR > 1 && $1 ~ /^[0-9.]+$/ { print $1; if (++n == 3) exit }' \
    "$DATA_DIR"/c2-daily-feed/*.csv)
# shellcheck disable=SC2086
"$CIPGRAPH" enrich --quiet $ips >/dev/null
stop_sim
"$CIPGRAPH" export --format csv --output "$WORK/triage.csv"
head -n 1 "$WORK/triage.csv" | grep -q '^rank,priority,value,kind,' || fail "csv header"
[[ $(wc -l <"$WORK/triage.csv") -eq 4 ]] || fail "expected a header and 3 rows"
"$CIPGRAPH" export --format csv --type ipv4-addr | wc -l | grep -qx 4 || fail "csv --type"
"$CIPGRAPH" export --format csv --type url | wc -l | grep -qx 1 || fail "csv --type url"

note "usage errors"
expect_exit 2 "$CIPGRAPH" export --format xml
expect_exit 2 "$CIPGRAPH" export --type 'Not A Type'
expect_exit 2 "$CIPGRAPH" export --min-score 101
expect_exit 2 "$CIPGRAPH" export --since yesterday
expect_exit 2 "$CIPGRAPH" export --format csv --type indicator
expect_exit 2 "$CIPGRAPH" export --format csv --min-score 50

note "usage errors name the option, the value and what is accepted"
export_error() { # WANT ARGS...: exit 2 and WANT in the message, no output
    local want=$1
    shift
    expect_exit 2 "$CIPGRAPH" export "$@" >"$WORK/usage.out" 2>"$WORK/usage.err"
    grep -qF -- "$want" "$WORK/usage.err" || fail "export $*: $(cat "$WORK/usage.err")"
    [[ ! -s "$WORK/usage.out" ]] || fail "export $* wrote output"
}
export_error "invalid --format 'xml': use stix, jsonl or csv" --format xml
export_error "invalid --min-score '101': use a whole number from 0 to 100" --min-score 101
export_error "invalid --since 'yesterday': use YYYY-MM-DD" --since yesterday
export_error "invalid --type 'Not A Type': a STIX type name has" --type 'Not A Type'
export_error "unknown option '--bogus'" --bogus
export_error "option '--type' needs a value" --type

note "--type: an unknown type is an error, a STIX type without objects a note"
export_error "unknown --type 'nope': it is not a STIX 2.1 type" --type nope
grep -qF "(the graph has: " "$WORK/usage.err" || fail "the error lists no graph types"
export_error "unknown --type 'ipv4'" --type indicator,ipv4
expect_exit 0 "$CIPGRAPH" export --type malware-analysis >"$WORK/none.json" 2>"$WORK/none.err"
grep -qF "note: the graph has no objects of type 'malware-analysis'" "$WORK/none.err" ||
    fail "no note for a STIX type without objects: $(cat "$WORK/none.err")"
[[ $(json_get "$WORK/none.json" 'len(d.get("objects", []))') == 0 ]] ||
    fail "--type malware-analysis wrote objects"
expect_exit 0 "$CIPGRAPH" export --type ipv4-addr >/dev/null 2>"$WORK/some.err"
[[ ! -s "$WORK/some.err" ]] || fail "a note for a type with objects: $(cat "$WORK/some.err")"
echo "PASS"
