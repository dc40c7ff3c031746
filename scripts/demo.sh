#!/usr/bin/env bash
# The main job on the bundled real indicator lists: Criminal IP's C2 feed
# and a public phishing URL feed. Without CRIMINALIP_API_KEY it runs against
# the bundled Criminal IP simulator (cip-sim) on loopback; with the key set
# it uses the real API, capped by DEMO_MAX_CREDITS (default 50) so that a
# free plan is not drained.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${BUILD_DIR:-build}
cipgraph="$build/cipgraph"
db=${DEMO_DB:-demo.db}
bundle=${DEMO_BUNDLE:-demo.stix.json}
sim_pid=""

stop_sim() {
    if [[ -n "$sim_pid" ]]; then
        kill "$sim_pid" 2>/dev/null || true
        wait "$sim_pid" 2>/dev/null || true
        echo "cip-sim stopped."
    fi
}
trap stop_sim EXIT

inputs=()
for file in data/c2-daily-feed/*.csv data/openphish-feed.txt; do
    inputs+=(--input "$file")
done
options=(--format table --top 25 --concurrency 4)

if [[ -n "${CRIMINALIP_API_KEY:-}${CRIMINALIP_TOKEN:-}" ]]; then
    echo "Using the real Criminal IP API (${CRIMINALIP_API_URL:-https://api.criminalip.io})"
    echo "with at most ${DEMO_MAX_CREDITS:-50} credits; set DEMO_MAX_CREDITS to change it."
    options=(--format table --top 25 --max-credits "${DEMO_MAX_CREDITS:-50}")
else
    sim_out=$(mktemp)
    "$build/cip-sim" --port 0 --data data/c2-daily-feed \
        --phish data/openphish-feed.txt --scan-polls 2 >"$sim_out" 2>/dev/null &
    sim_pid=$!
    for _ in $(seq 1 100); do
        url=$(head -n 1 "$sim_out" 2>/dev/null || true)
        [[ "$url" == http://* ]] && break
        sleep 0.1
    done
    rm -f "$sim_out"
    [[ "${url:-}" == http://* ]] || { echo "cip-sim did not start" >&2; exit 1; }
    echo "Started the Criminal IP simulator at $url"
    export CRIMINALIP_API_URL="$url"
    export CRIMINALIP_API_KEY="demo-key-for-the-simulator"
    options+=(--poll-interval 200ms)
fi

rm -f "$db" "$db-wal" "$db-shm"
echo "Enriching the bundled C2 feed (13 days) and phishing URL feed into $db ..."
status=0
"$cipgraph" --db "$db" enrich "${options[@]}" "${inputs[@]}" || status=$?

"$cipgraph" --db "$db" export --output "$bundle"
objects=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["objects"]))' "$bundle")
echo
echo "Wrote $bundle: one STIX 2.1 bundle with $objects objects."
# Validating tens of thousands of objects with the Python schema validator
# takes minutes, so the demo leaves it to the tests unless asked.
validator=../shared/tools/stix-validate
if [[ -n "${DEMO_VALIDATE:-}" && -x "$validator" ]]; then
    python3 tests/tools/stix_check.py "$validator" "$bundle" | tail -n 1
fi
echo
echo "Triage: the ten indicators to act on first, and why"
"$cipgraph" --db "$db" triage --limit 10
echo
echo "Probable campaigns on shared infrastructure"
# Only the first lines are shown; the whole list goes to a file first so
# that cutting it short cannot end cipgraph with SIGPIPE under pipefail.
"$cipgraph" --db "$db" clusters --min-size 3 --output "$db.clusters.txt"
head -n 15 "$db.clusters.txt"
rm -f "$db.clusters.txt"
echo
echo "Try: $cipgraph --db $db show 150.136.90.238"
echo "     $cipgraph --db $db pivot 150.136.90.238 --via asn"
# Exit 1 only means some values failed; the demo itself worked.
[[ $status -le 1 ]] || exit "$status"
