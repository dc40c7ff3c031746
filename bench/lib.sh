# Shared helpers for the bulk-enrichment benchmarks. Each benchmark sources
# this file, starts cip-sim on loopback (port 0) and runs the real cipgraph
# binary against it. Nothing here talks to api.criminalip.io. The working
# folder is removed on exit unless CG_KEEP_WORK=1.
#
# Environment:
#   BUILD_DIR   folder with cipgraph and cip-sim (default: build, the
#               RelWithDebInfo build of `make build`, which gave the
#               numbers in docs/BENCHMARKS.md)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$BENCH_DIR/.." && pwd)
BUILD_DIR=${BUILD_DIR:-build}
[[ "$BUILD_DIR" == /* ]] || BUILD_DIR="$TOP/$BUILD_DIR"
CIPGRAPH="$BUILD_DIR/cipgraph"
CIPSIM="$BUILD_DIR/cip-sim"
GEN="$BENCH_DIR/gen_inputs.py"
# A made-up key that only the simulator accepts; not a Criminal IP key.
BENCH_KEY="cipgraph-bench-key-0001"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cg-bench.XXXXXX")
SIM_PID=""
SIM_URL=""
export CRIMINALIP_API_KEY="$BENCH_KEY"
unset CRIMINALIP_TOKEN CRIMINALIP_API_URL CIPGRAPH_DB

for binary in "$CIPGRAPH" "$CIPSIM"; do
    if [[ ! -x "$binary" ]]; then
        echo "error: $binary not found; build first (make build, or set" \
            "BUILD_DIR to a build folder)" >&2
        exit 2
    fi
done

bench_cleanup() {
    stop_sim
    if [[ "${CG_KEEP_WORK:-0}" == 1 ]]; then
        echo "kept the working folder $WORK" >&2
    else
        rm -rf "$WORK"
    fi
}
trap bench_cleanup EXIT

die() {
    echo "error: $*" >&2
    exit 1
}

# start_sim [cip-sim options...]: starts the simulator on a free loopback
# port and points cipgraph at it.
start_sim() {
    stop_sim
    "$CIPSIM" --port 0 --key "$BENCH_KEY" --data "$TOP/data/c2-daily-feed" \
        --phish "$TOP/data/openphish-feed.txt" "$@" \
        >"$WORK/sim.out" 2>"$WORK/sim.err" &
    SIM_PID=$!
    for _ in $(seq 1 100); do
        SIM_URL=$(head -n 1 "$WORK/sim.out" 2>/dev/null || true)
        [[ "$SIM_URL" == http://* ]] && break
        kill -0 "$SIM_PID" 2>/dev/null ||
            die "cip-sim exited: $(cat "$WORK/sim.err")"
        sleep 0.1
    done
    [[ "$SIM_URL" == http://* ]] || die "cip-sim printed no URL"
    export CRIMINALIP_API_URL="$SIM_URL"
}

stop_sim() {
    if [[ -n "$SIM_PID" ]]; then
        kill "$SIM_PID" 2>/dev/null || true
        wait "$SIM_PID" 2>/dev/null || true
        SIM_PID=""
    fi
}

# sim_stats FILE: saves /_sim/stats as JSON.
sim_stats() {
    curl -sf "$SIM_URL/_sim/stats" >"$1" || die "cannot read $SIM_URL/_sim/stats"
}

sim_reset() {
    curl -sf -X POST "$SIM_URL/_sim/reset" >/dev/null ||
        die "cannot reset the simulator's counters"
}

# py EXPR ARGS...: prints a Python expression; sys.argv[1:] are ARGS.
py() {
    local expr=$1
    shift
    python3 -c "import json, sys
print($expr)" "$@"
}

# json_of FILE EXPR: evaluates EXPR over the JSON document d in FILE.
json_of() {
    python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$1" "$2"
}

# run_stats DB: prints the statistics JSON of the newest run in DB.
run_stats() {
    python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0])' "$1"
}

now_s() {
    date +%s.%N
}

# timed OUT_PREFIX COMMAND...: runs a command under /usr/bin/time; saves
# its wall seconds, user and system CPU seconds and peak RSS (KiB) in
# OUT_PREFIX.time as "wall user sys rss", and its exit status in
# OUT_PREFIX.status. Output goes to OUT_PREFIX.out and OUT_PREFIX.err.
timed() {
    local prefix=$1
    shift
    local status=0
    /usr/bin/time -o "$prefix.time" -f "%e %U %S %M" "$@" \
        >"$prefix.out" 2>"$prefix.err" || status=$?
    echo "$status" >"$prefix.status"
}

# machine_info: the lines every result carries.
machine_info() {
    local build_type
    build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' \
        "$BUILD_DIR/CMakeCache.txt" 2>/dev/null || true)
    echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' \
        /proc/cpuinfo | head -n 1), $(awk '/MemTotal/ {
            printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo)"
    echo "os:      $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
    echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min); timings" \
        "are only comparable on an otherwise idle machine"
    if git -C "$TOP" rev-parse --short HEAD >/dev/null 2>&1; then
        echo "build:   $BUILD_DIR (${build_type:-unknown type}), commit" \
            "$(git -C "$TOP" rev-parse --short HEAD)" \
            "$(git -C "$TOP" diff --quiet HEAD || echo '(with local changes)')"
    else
        echo "build:   $BUILD_DIR (${build_type:-unknown type}), not a git" \
            "checkout, so no commit"
    fi
}

# result NAME VALUE [NOTE...]: prints one result line, "NAME VALUE NOTE".
# bench/run-all.sh collects the lines that start with "name.metric ".
result() {
    echo "$*"
}

# check_goal NAME VALUE OP GOAL: prints the result line
# "NAME VALUE (goal OP GOAL: met)", or "NOT met". OP is >=, <, <= or ==.
# Benchmarks report an unmet goal and do not fail on it.
check_goal() {
    py '"%s %s (goal %s %s: %s)" % (sys.argv[1], sys.argv[2], sys.argv[3],
    sys.argv[4], "met" if {">=": float.__ge__, "<": float.__lt__,
    "<=": float.__le__, "==": float.__eq__}[sys.argv[3]](
        float(sys.argv[2]), float(sys.argv[4])) else "NOT met")' "$@"
}
