#!/usr/bin/env bash
# Memory of long bulk runs against cip-sim: the engine streams its input
# through a bounded window, so peak memory must not grow with the length
# of the input. 5,000 distinct public addresses are enriched, then
# enriched again from the cache, and the peak resident set size of each
# run (GNU time -v) must stay under 200 MiB and within 32 MiB of a
# 500-address run. These are memory bounds, not timing checks.
source "$(dirname "$0")/lib.sh"

if [[ ! -x /usr/bin/time ]] ||
    [[ $(/usr/bin/time -v true 2>&1) != *"Maximum resident set size"* ]]; then
    echo "skipped: peak memory (GNU time is not installed at /usr/bin/time)"
    exit 0
fi
# AddressSanitizer keeps freed memory in a quarantine of up to 256 MiB, so
# the test turns the quarantine off to measure cipgraph rather than the
# sanitizer. Without a sanitizer the option is ignored.
export ASAN_OPTIONS="$ASAN_OPTIONS:quarantine_size_mb=0"
# The database goes to memory when it can: a cached re-run rewrites every
# value's objects, and on a slow disk that I/O would dominate the test's
# duration. Page-cache and tmpfs pages are not part of the process's RSS.
if [[ -d /dev/shm && -w /dev/shm ]]; then
    CIPGRAPH_DB=$(mktemp -u /dev/shm/cg-memory.XXXXXX).db
    export CIPGRAPH_DB
    trap 'rm -f "$CIPGRAPH_DB" "$CIPGRAPH_DB"-*; cleanup' EXIT
fi
limit_kb=$((200 * 1024))
growth_kb=$((32 * 1024))

# enrich_measured NAME FILE: enriches FILE at concurrency 8 and prints the
# run's peak RSS in KiB.
enrich_measured() {
    /usr/bin/time -v -o "$WORK/$1.time" "$CIPGRAPH" enrich --quiet --concurrency 8 \
        --format json --input "$2" >"$WORK/$1.jsonl" 2>"$WORK/$1.err" ||
        fail "the $1 run failed: $(tail -n 5 "$WORK/$1.err")"
    peak_rss_kb "$WORK/$1.time"
}

gen_ips 500 88.198 >"$WORK/short.txt"
gen_ips 5000 88.198 >"$WORK/long.txt"
start_sim

note "500 addresses, for comparison"
short_kb=$(enrich_measured short "$WORK/short.txt")
echo "peak RSS: $short_kb KiB"

note "5,000 addresses: peak RSS stays flat"
long_kb=$(enrich_measured long "$WORK/long.txt")
echo "peak RSS: $long_kb KiB"
[[ $(sim_stat ip_report) -eq 5000 ]] ||
    fail "expected 5000 IP reports in all, got $(sim_stat ip_report)"
[[ $(grep -c '"outcome":"enriched"' "$WORK/long.jsonl") -eq 4500 ]] ||
    fail "expected 4500 newly enriched values (500 were cached)"
[[ $long_kb -lt $limit_kb ]] || fail "5,000 values peaked at $long_kb KiB (limit $limit_kb)"
[[ $long_kb -le $((short_kb + growth_kb)) ]] ||
    fail "memory grew with the input: $short_kb KiB for 500 values, $long_kb KiB for 5,000"

note "the same 5,000 again from the cache"
calls=$(sim_stat total)
cached_kb=$(enrich_measured cached "$WORK/long.txt")
echo "peak RSS: $cached_kb KiB"
[[ $(sim_stat total) -eq $calls ]] || fail "the cached run made calls"
[[ $(grep -c '"outcome":"cached"' "$WORK/cached.jsonl") -eq 5000 ]] ||
    fail "expected 5000 cached values"
[[ $cached_kb -lt $limit_kb ]] || fail "the cached run peaked at $cached_kb KiB (limit $limit_kb)"
[[ $cached_kb -le $((short_kb + growth_kb)) ]] ||
    fail "memory grew with the input: $short_kb KiB for 500 values, $cached_kb KiB for 5,000 cached"
echo "PASS"
