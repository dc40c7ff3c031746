#!/usr/bin/env bash
# Runs every benchmark under bench/ one after the other (each *.sh file
# other than this one and the *lib.sh helpers), or only those named, and
# repeats their result lines ("name.metric ...") at the end. The full
# output of each goes to BUILD_DIR/bench-results/NAME.log. On the 2-core
# machine of docs/BENCHMARKS.md the bulk enrichment benchmarks
# (throughput, cpu, credits) took 25 minutes. By the times recorded there,
# the connector benchmarks take about 40 minutes and the graph benchmarks
# about 1.5 hours, so a full run takes about 2.5 hours. A benchmark that
# cannot run makes this script exit 1; an unmet goal is reported, not
# treated as a failure.
#
# Usage: [BUILD_DIR=build] bench/run-all.sh [NAME...]
set -uo pipefail
bench_dir=$(cd "$(dirname "$0")" && pwd)
# Every benchmark uses the same build; `make bench` builds build/.
export BUILD_DIR=${BUILD_DIR:-build}
[[ "$BUILD_DIR" == /* ]] || BUILD_DIR="$(cd "$bench_dir/.." && pwd)/$BUILD_DIR"
results="$BUILD_DIR/bench-results"
mkdir -p "$results" || exit 1

names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
    for script in "$bench_dir"/*.sh; do
        name=$(basename "$script" .sh)
        [[ "$name" == run-all || "$name" == *lib ]] && continue
        names+=("$name")
    done
fi

status=0
for name in "${names[@]}"; do
    script="$bench_dir/$name.sh"
    if [[ ! -x "$script" ]]; then
        echo "error: no benchmark $script" >&2
        status=1
        continue
    fi
    echo "### $name"
    if ! "$script" 2>&1 | tee "$results/$name.log"; then
        echo "error: $name failed; see $results/$name.log" >&2
        status=1
    fi
    echo
done

echo "### results"
for name in "${names[@]}"; do
    [[ -f "$results/$name.log" ]] &&
        grep -E '^[a-z_]+\.[a-z0-9_.]+ ' "$results/$name.log"
done
exit "$status"
