#!/usr/bin/env bash
# Runs every libFuzzer target in a build folder for a short time, starting
# from its seed corpus under tests/fuzz/corpus/<target>/ when one exists.
# Usage: scripts/fuzz-smoke.sh BUILD_DIR SECONDS
set -euo pipefail
build=${1:?usage: fuzz-smoke.sh BUILD_DIR SECONDS}
seconds=${2:-20}
top=$(cd "$(dirname "$0")/.." && pwd)
shopt -s nullglob
targets=("$build"/fuzz_*)
if [[ ${#targets[@]} -eq 0 ]]; then
    echo "fuzz: no targets built in $build" >&2
    exit 1
fi
for target in "${targets[@]}"; do
    name=$(basename "$target")
    [[ -x "$target" && -f "$target" ]] || continue
    corpus="$top/tests/fuzz/corpus/$name"
    work=$(mktemp -d)
    seeds=()
    [[ -d "$corpus" ]] && seeds=("$corpus")
    echo "fuzz: $name for ${seconds}s"
    if ! "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=0 -artifact_prefix="$work/" "$work" "${seeds[@]}" \
        >"$work/log" 2>&1; then
        tail -n 40 "$work/log" >&2
        echo "fuzz: $name FAILED; crash input kept in $work" >&2
        exit 1
    fi
    grep -E '^#[0-9]+ *DONE' "$work/log" | tail -n 1 || true
    rm -rf "$work"
done
