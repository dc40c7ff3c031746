# Shared setup for the graph benchmarks (graph_import.sh, graph_pivot.sh,
# graph_clusters.sh): builds bench/graph_tool.c against the build's
# libcglib.a and gives a working folder that is removed on exit unless
# CG_KEEP_WORK=1. Nothing here uses the network.
#
# Environment:
#   BUILD_DIR  a Release build folder (default build-bench):
#              cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$BENCH_DIR/.." && pwd)
BUILD_DIR=${BUILD_DIR:-build-bench}
[[ "$BUILD_DIR" == /* ]] || BUILD_DIR="$TOP/$BUILD_DIR"
CIPGRAPH="$BUILD_DIR/cipgraph"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cg-graph-bench.XXXXXX")
TOOL="$WORK/graph_tool"

graph_cleanup() {
    if [[ "${CG_KEEP_WORK:-0}" == 1 ]]; then
        echo "kept the working folder $WORK" >&2
    else
        rm -rf "$WORK"
    fi
}
trap graph_cleanup EXIT

[[ -x "$CIPGRAPH" && -f "$BUILD_DIR/libcglib.a" ]] || {
    echo "error: $CIPGRAPH or libcglib.a not found; build first:" \
        "cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release &&" \
        "cmake --build build-bench" >&2
    exit 2
}
# shellcheck disable=SC2046
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I"$TOP/src" \
    "$BENCH_DIR/graph_tool.c" "$BUILD_DIR/libcglib.a" \
    $(pkg-config --libs jansson sqlite3 libcurl libmicrohttpd librabbitmq \
        libidn2 libpsl libcrypto) -lpthread -lm -o "$TOOL"

# machine_line: prints the CPU, core count, memory and date for the record.
machine_line() {
    local cpu
    cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
    echo "machine: $cpu, $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB," \
        "$(uname -sr), $(date -u +%Y-%m-%dT%H:%MZ)"
}

# timed OUT COMMAND...: runs COMMAND under /usr/bin/time -v and stores its
# wall time in seconds in TIMED_SECONDS, its user + system CPU seconds in
# TIMED_CPU and its peak RSS in KiB in TIMED_RSS_KB. COMMAND's stdout and
# stderr go to OUT.
timed() {
    local out=$1
    shift
    local start end
    start=$(date +%s.%N)
    /usr/bin/time -v -o "$out.time" "$@" >"$out" 2>&1
    end=$(date +%s.%N)
    TIMED_SECONDS=$(echo "$end - $start" | bc -l)
    TIMED_RSS_KB=$(awk -F: '/Maximum resident set size/{gsub(/ /,"",$2); print $2}' "$out.time")
    TIMED_CPU=$(awk -F: '/User time|System time/ { s += $2 } END { print s }' "$out.time")
}
