# Shared helpers for the integration tests: each test sources this file,
# starts the servers it needs on loopback (port 0) and checks the real
# binaries' behaviour. Everything is removed on exit.
set -euo pipefail

: "${CG_SOURCE_DIR:?run through ctest, or set CG_SOURCE_DIR}"
: "${CG_BUILD_DIR:?run through ctest, or set CG_BUILD_DIR}"
CIPGRAPH="$CG_BUILD_DIR/cipgraph"
CIPSIM="$CG_BUILD_DIR/cip-sim"
SHARED_DIR="${CG_SHARED_DIR:-$CG_SOURCE_DIR/../shared}"
VALIDATOR="$SHARED_DIR/tools/stix-validate"
DATA_DIR="$CG_SOURCE_DIR/data"
# A made-up key for the simulator; it is not a Criminal IP credential.
TEST_KEY="cipgraph-test-key-0001"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cg-it.XXXXXX")
SIM_PID=""
SIM_URL=""
export CIPGRAPH_DB="$WORK/graph.db"
export CRIMINALIP_API_KEY="$TEST_KEY"
unset CRIMINALIP_TOKEN CRIMINALIP_API_URL
# Sanitizer reports fail the test instead of scrolling past.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

cleanup() {
    stop_sim
    rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

note() {
    echo "--- $*"
}

# start_sim [cip-sim options...]: starts the simulator on a free loopback
# port and points cipgraph at it.
start_sim() {
    stop_sim
    "$CIPSIM" --port 0 --key "$TEST_KEY" --data "$DATA_DIR/c2-daily-feed" \
        --phish "$DATA_DIR/openphish-feed.txt" "$@" \
        >"$WORK/sim.out" 2>"$WORK/sim.err" &
    SIM_PID=$!
    for _ in $(seq 1 100); do
        SIM_URL=$(head -n 1 "$WORK/sim.out" 2>/dev/null || true)
        [[ "$SIM_URL" == http://* ]] && break
        kill -0 "$SIM_PID" 2>/dev/null || fail "cip-sim exited: $(cat "$WORK/sim.err")"
        sleep 0.1
    done
    [[ "$SIM_URL" == http://* ]] || fail "cip-sim printed no URL"
    export CRIMINALIP_API_URL="$SIM_URL"
}

stop_sim() {
    if [[ -n "$SIM_PID" ]]; then
        kill "$SIM_PID" 2>/dev/null || true
        wait "$SIM_PID" 2>/dev/null || true
        SIM_PID=""
    fi
}

# sim_stat KEY: prints a counter from /_sim/stats (a top-level key, or
# requests.KEY for an endpoint), 0 when absent.
sim_stat() {
    curl -s "$SIM_URL/_sim/stats" | python3 -c '
import json, sys
stats = json.load(sys.stdin)
key = sys.argv[1]
value = stats.get(key)
if value is None:
    for group in stats.values():
        if isinstance(group, dict) and key in group:
            value = group[key]
            break
print(value if isinstance(value, int) else 0)' "$1"
}

sim_reset() {
    curl -s -X POST "$SIM_URL/_sim/reset" >/dev/null
}

sim_config() {
    curl -s -X POST -H 'Content-Type: application/json' --data "$1" \
        "$SIM_URL/_sim/config" >/dev/null
}

# validate FILE...: STIX validation with the shared validator (through
# tests/tools/stix_check.py, which ignores one known defect of its bundle
# schema), or a visible skip when ../shared is not beside the checkout.
validate() {
    if [[ ! -x "$VALIDATOR" ]]; then
        echo "skipped: STIX validation ($VALIDATOR not found)"
        return 0
    fi
    python3 "$CG_SOURCE_DIR/tests/tools/stix_check.py" "$VALIDATOR" "$@" \
        >"$WORK/validate.out" 2>&1 || {
        head -n 40 "$WORK/validate.out" >&2
        fail "stix-validate --strict rejected $*"
    }
    tail -n 1 "$WORK/validate.out"
}

# expect_exit CODE COMMAND...: runs a command and checks its exit status.
expect_exit() {
    local want=$1
    shift
    local got=0
    "$@" || got=$?
    [[ "$got" -eq "$want" ]] || fail "expected exit $want, got $got: $*"
}

# json_get FILE EXPR: evaluates a Python expression over the parsed JSON
# document `d`.
json_get() {
    python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$1" "$2"
}

# sim_wait_stat KEY MIN: waits until the simulator's counter KEY reaches
# MIN. Fails after about 60 s, so that a hung run cannot stall the suite.
sim_wait_stat() {
    for _ in $(seq 1 1200); do
        [[ $(sim_stat "$1") -ge $2 ]] && return 0
        sleep 0.05
    done
    fail "the simulator's $1 never reached $2 (it is $(sim_stat "$1"))"
}

# gen_ips COUNT PREFIX: prints COUNT distinct addresses PREFIX.C.D of the
# /16 PREFIX (for example 88.198), without .0 and .255 hosts.
gen_ips() {
    python3 - "$1" "$2" <<'PY'
import sys
count, prefix = int(sys.argv[1]), sys.argv[2]
hosts = (f"{prefix}.{c}.{d}" for c in range(256) for d in range(1, 255))
for _, host in zip(range(count), hosts):
    print(host)
PY
}

# distinct_values FILE...: counts the distinct first CSV columns of the
# files' data rows, skipping header rows that start with "IP,".
distinct_values() {
    cat "$@" | grep -v '^IP,' | cut -d, -f1 | sort -u | wc -l
}

# peak_rss_kb FILE: prints the peak resident set size that /usr/bin/time -v
# wrote to FILE, in KiB.
peak_rss_kb() {
    sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$1"
}
