#!/usr/bin/env bash
# CPU per enriched value, without network waits, and peak memory.
#
# cipgraph runs under valgrind's callgrind (cip-sim runs natively, with no
# added latency) on a small and a large list of distinct values, each into
# a new database. Instructions per value = (large - small) / (difference
# in values), which removes start-up and shut-down. Two kinds of value:
#   - IPs: one /v1/asset/ip/report call each;
#   - domains: full reports (existing-report lookup, then a scan with one
#     status poll, cip-sim --scan-polls 1 and --poll-interval 1ms, or the
#     reuse of a recent report, then /v2/domain/report).
# Callgrind counts user-mode instructions only: the kernel's share (the
# SQLite WAL writes, the socket calls) is not in the figure. The native
# runs below print it as system CPU time.
#
# Instructions become microseconds through an instructions-per-second
# figure measured here for this binary. The large IP list is enriched again
# from the response cache (no network at all, so the run is CPU-bound) once
# under callgrind and BENCH_REPEAT (3) times natively. The figure is the
# callgrind instruction count over the median native user CPU time. perf
# hardware counters are often unavailable in virtual machines (perf stat
# reports "instructions:u <not supported>" on the machine of
# docs/BENCHMARKS.md), which is why the figure is derived this way. As a
# cross-check the script also divides the large IP run's count by the user
# CPU time of the same list enriched natively.
#
# Peak RSS comes from /usr/bin/time over native runs of BENCH_RSS_VALUES
# (10000) IPs and as many domains.
#
# It also measures the floor under those figures: cg_json_parse alone on
# 100 of cip-sim's IP reports, and on Criminal IP's recorded IP and domain
# reports where the shared samples folder is present.
#
# Goals: < 50 us per IP report and < 200 us per full domain report.
# With the defaults the script takes about 10 minutes on 2 cores.
# Usage: [BUILD_DIR=build] bench/cpu.sh
source "$(dirname "$0")/lib.sh"

ip_small=${BENCH_IP_SMALL:-100}
ip_large=${BENCH_IP_LARGE:-600}
domain_small=${BENCH_DOMAIN_SMALL:-20}
domain_large=${BENCH_DOMAIN_LARGE:-120}
repeat=${BENCH_REPEAT:-3}
rss_values=${BENCH_RSS_VALUES:-10000}
# Several calls in flight keep the run short under valgrind; the
# instructions per value barely depend on it.
concurrency=${BENCH_CPU_CONCURRENCY:-4}

command -v valgrind >/dev/null ||
    die "valgrind is missing; run scripts/deps.sh bench"

enrich_options=(enrich --format json --output /dev/null -q
    --concurrency "$concurrency" --poll-interval 1ms)

# check_done DB FIELD COUNT: fails unless the newest run of DB counted
# COUNT values as FIELD ("enriched" or "cached"), so that no value was
# skipped, failed or served another way.
check_done() {
    local got
    got=$(run_stats "$1" | python3 -c 'import json, sys
print(json.load(sys.stdin)[sys.argv[1]])' "$2")
    [[ "$got" == "$3" ]] ||
        die "$1: $got of $3 values $2; run statistics: $(run_stats "$1")"
}

# callgrind_count NAME LIST DB: runs cipgraph under callgrind on LIST into
# DB and prints the instruction count.
callgrind_count() {
    local name=$1 list=$2 db=$3 status=0
    valgrind --tool=callgrind --callgrind-out-file="$WORK/$name.callgrind" \
        "$CIPGRAPH" --db "$db" "${enrich_options[@]}" --input "$list" \
        2>"$WORK/$name.valgrind" || status=$?
    [[ "$status" == 0 ]] ||
        die "$name: cipgraph under valgrind exited with $status; see $WORK/$name.valgrind"
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$WORK/$name.valgrind" |
        tail -n 1 | grep . ||
        die "$name: no instruction count in $WORK/$name.valgrind"
}

# per_value KIND SMALL LARGE: measures one kind and sets per_instr,
# small_instr and large_instr (the instruction counts of the two runs).
per_value() {
    local kind=$1 small=$2 large=$3
    python3 "$GEN" "$kind" "$large" 3 >"$WORK/$kind-large.txt"
    head -n "$small" "$WORK/$kind-large.txt" >"$WORK/$kind-small.txt"
    small_instr=$(callgrind_count "$kind-small" "$WORK/$kind-small.txt" \
        "$WORK/$kind-small.db")
    check_done "$WORK/$kind-small.db" enriched "$small"
    large_instr=$(callgrind_count "$kind-large" "$WORK/$kind-large.txt" \
        "$WORK/$kind-large.db")
    check_done "$WORK/$kind-large.db" enriched "$large"
    per_instr=$(py '(int(sys.argv[2]) - int(sys.argv[1])) // (int(sys.argv[4]) - int(sys.argv[3]))' \
        "$small_instr" "$large_instr" "$small" "$large")
    echo "$kind: $small values $small_instr instructions," \
        "$large values $large_instr instructions;" \
        "$per_instr instructions per value (load $(cut -d' ' -f1 /proc/loadavg))"
}

# breakdown NAME VALUES FUNCTION...: prints the inclusive instructions per
# value of each FUNCTION in the callgrind profile NAME. Each of them runs
# once per value, so start-up is not in these figures.
breakdown() {
    local name=$1 values=$2
    shift 2
    callgrind_annotate --inclusive=yes "$WORK/$name.callgrind" 2>/dev/null |
        python3 -c 'import re, sys
values, functions = int(sys.argv[1]), sys.argv[2:]
found = {}
for line in sys.stdin:
    m = re.match(r"\s*([\d,]+) \(.*\)\s+\S+:(\w+) ", line)
    if m and m.group(2) in functions and m.group(2) not in found:
        found[m.group(2)] = int(m.group(1).replace(",", "")) // values
for name in functions:
    count = "{:,} per value".format(found[name]) if name in found else "not in the profile"
    print("  %-26s %s" % (name, count))' \
            "$values" "$@"
}

echo "== cpu: CPU per enriched value and peak memory"
machine_info
echo "valgrind: $(valgrind --version)"
start_sim --scan-polls 1

echo
echo "-- IP reports ($ip_small and $ip_large values)"
per_value ips "$ip_small" "$ip_large"
ip_instr=$per_instr
ip_small_instr=$small_instr
ip_large_instr=$large_instr
sim_stats "$WORK/ip.sim.json"
echo "inclusive instructions of the large run:"
breakdown ips-large "$ip_large" cg_job__finish_mapped cg_cip_classify \
    cg_map_ip_deep cg_store_put_bundle cg_store_commit

echo
echo "-- instructions per second of this binary (cached IP run, CPU-bound)"
cp "$WORK/ips-large.db" "$WORK/cached-callgrind.db"
cached_instr=$(callgrind_count cached "$WORK/ips-large.txt" \
    "$WORK/cached-callgrind.db")
check_done "$WORK/cached-callgrind.db" cached "$ip_large"
user_times=()
for i in $(seq 1 "$repeat"); do
    cp "$WORK/ips-large.db" "$WORK/cached-$i.db"
    timed "$WORK/cached-$i" "$CIPGRAPH" --db "$WORK/cached-$i.db" \
        "${enrich_options[@]}" --input "$WORK/ips-large.txt"
    check_done "$WORK/cached-$i.db" cached "$ip_large"
    user_times+=("$(cut -d' ' -f2 "$WORK/cached-$i.time")")
done
user_median=$(py 'sorted(map(float, sys.argv[1:]))[len(sys.argv[1:]) // 2]' \
    "${user_times[@]}")
ips_rate=$(py 'int(sys.argv[1]) / float(sys.argv[2])' "$cached_instr" \
    "$user_median")
echo "cached run: $cached_instr instructions; native user CPU" \
    "${user_times[*]} s, median $user_median s (load $(cut -d' ' -f1 /proc/loadavg))"
# Start-up and shut-down = the small run's count minus its values' share.
echo "cached run: about $(py '(int(sys.argv[1]) - (int(sys.argv[2]) - int(sys.argv[3]) * int(sys.argv[4]))) // int(sys.argv[5])' \
    "$cached_instr" "$ip_small_instr" "$ip_small" "$ip_instr" "$ip_large") instructions" \
    "per value once start-up and shut-down are taken off"
result cpu.instructions_per_second "$(py '"%.3g" % float(sys.argv[1])' "$ips_rate")" \
    "(callgrind count of the cached run / its median native user CPU time)"

# Cross-check: the same conversion on the fresh run of the large IP list.
timed "$WORK/fresh" "$CIPGRAPH" --db "$WORK/fresh.db" "${enrich_options[@]}" \
    --input "$WORK/ips-large.txt"
check_done "$WORK/fresh.db" enriched "$ip_large"
read -r _ fresh_user fresh_sys _ <"$WORK/fresh.time"
echo "cross-check: the large IP list enriched natively took user $fresh_user s," \
    "system $fresh_sys s; its callgrind count over that user time is" \
    "$(py '"%.3g" % (int(sys.argv[1]) / float(sys.argv[2]))' "$ip_large_instr" "$fresh_user")" \
    "instructions per second"

echo
echo "-- full domain reports ($domain_small and $domain_large values)"
sim_reset
per_value domains "$domain_small" "$domain_large"
domain_instr=$per_instr
sim_stats "$WORK/domain.sim.json"
echo "domain calls: $(json_of "$WORK/domain.sim.json" \
    '", ".join("%s %d" % (k, d[k]) for k in ("domain_reports", "domain_scan", "domain_status", "domain_report"))')"
echo "inclusive instructions of the large run:"
breakdown domains-large "$domain_large" cg_job__finish_mapped \
    cg_cip_classify cg_map_domain_report cg_store_put_bundle cg_store_commit

echo
echo "-- the parsing floor: cg_json_parse alone, per body"
# Every body is parsed before it is mapped and stored, so a value cannot
# cost less than this. parse_floor is built like graph_tool in
# graph_lib.sh.
floor_tool="$WORK/parse_floor"
# shellcheck disable=SC2046
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I"$TOP/src" \
    "$BENCH_DIR/parse_floor.c" "$BUILD_DIR/libcglib.a" \
    $(pkg-config --libs jansson sqlite3 libcurl libmicrohttpd librabbitmq \
        libidn2 libpsl libcrypto) -lpthread -lm -o "$floor_tool"

# floor NAME GOAL FILE...: prints the instructions per parse of the FILEs
# from callgrind, 12 rounds less 2 rounds, which removes start-up. It also
# prints the native CPU per parse, user and system, though parsing makes
# almost no system calls. Then it compares the native figure with GOAL in
# us. The native figure is the lower of the two here, because the
# instructions-per-second rate above comes from code that spends more
# time in SQLite and malloc than the parser does.
floor() {
    local name=$1 goal=$2 low high instr us estimate
    shift 2
    low=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        "$floor_tool" 2 "$@" 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
    high=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        "$floor_tool" 12 "$@" 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
    instr=$(py '(int(sys.argv[2]) - int(sys.argv[1])) // (10 * int(sys.argv[3]))' \
        "$low" "$high" "$#")
    us=$("$floor_tool" "$(py '20000 // int(sys.argv[1]) + 1' "$#")" "$@" |
        awk '$1 == "us_per_parse" { print $2 }')
    estimate=$(py '"%.1f" % (1e6 * int(sys.argv[1]) / float(sys.argv[2]))' \
        "$instr" "$ips_rate")
    echo "$name: $# bodies of $("$floor_tool" 1 "$@" |
        awk '$1 == "bytes_mean" { print $2 }') bytes on average"
    result "cpu.floor.$name.instructions_per_parse" "$instr"
    result "cpu.floor.$name.us_per_parse" "$us" \
        "(native CPU; $estimate us estimated from the instructions)"
    result "cpu.floor.$name.ratio_to_goal" \
        "$(py '"%.2f" % (float(sys.argv[1]) / float(sys.argv[2]))' \
            "$us" "$goal")" \
        "(parsing alone / the $goal us goal for the whole value;" \
        "above 1, the goal is out of reach while bodies are parsed with jansson)"
}

mkdir -p "$WORK/bodies"
head -n 100 "$WORK/ips-large.txt" | while read -r ip; do
    curl -sf -H "x-api-key: $BENCH_KEY" \
        "$SIM_URL/v1/asset/ip/report?ip=$ip" >"$WORK/bodies/$ip.json" ||
        die "cip-sim returned no IP report for $ip"
done
floor sim_ip 50 "$WORK"/bodies/*.json
samples="$TOP/../shared/criminalip/samples"
if [[ -f "$samples/ip_report.json" && -f "$samples/domain_report_v2.json" ]]; then
    floor recorded_ip 50 "$samples/ip_report.json"
    floor recorded_domain 200 "$samples/domain_report_v2.json"
else
    echo "recorded bodies: skipped ($samples not found)"
fi

echo
echo "-- peak RSS over $rss_values values (native, no added latency)"
python3 "$GEN" ips "$rss_values" 5 >"$WORK/rss-ips.txt"
python3 "$GEN" domains "$rss_values" 5 >"$WORK/rss-domains.txt"
for kind in ips domains; do
    timed "$WORK/rss-$kind" "$CIPGRAPH" --db "$WORK/rss-$kind.db" \
        "${enrich_options[@]}" --concurrency 8 --input "$WORK/rss-$kind.txt"
    check_done "$WORK/rss-$kind.db" enriched "$rss_values"
    read -r wall user sys rss <"$WORK/rss-$kind.time"
    echo "$kind: wall $wall s, user $user s, system $sys s," \
        "load $(cut -d' ' -f1 /proc/loadavg)"
    result "cpu.${kind%s}.peak_rss_kib" "$rss"
    result "cpu.${kind%s}.native_us_per_value" \
        "$(py '"%.0f" % (1e6 * (float(sys.argv[1]) + float(sys.argv[2])) / int(sys.argv[3]))' \
            "$user" "$sys" "$rss_values")" \
        "(user + system CPU over $rss_values values, start-up included;" \
        "user alone $(py '"%.0f" % (1e6 * float(sys.argv[1]) / int(sys.argv[2]))' \
            "$user" "$rss_values") us)"
done

echo
echo "-- results"
for kind in ip domain; do
    instr_var="${kind}_instr"
    goal=50
    [[ $kind == domain ]] && goal=200
    us=$(py '"%.1f" % (1e6 * int(sys.argv[1]) / float(sys.argv[2]))' \
        "${!instr_var}" "$ips_rate")
    result "cpu.$kind.instructions_per_value" "${!instr_var}"
    check_goal "cpu.$kind.us_per_value" "$us" "<" "$goal"
    result "cpu.$kind.ratio_to_goal" \
        "$(py '"%.1f" % (float(sys.argv[1]) / float(sys.argv[2]))' "$us" "$goal")" \
        "(estimated us per value / $goal us; goal < 1)"
done
