#!/usr/bin/env bash
# Throughput of a bulk IP run against the allowed call rate.
#
# 1. Paced: BENCH_VALUES (10000) distinct public IPs with --rate R
#    (BENCH_RATE, 20 calls/s) and --concurrency BENCH_CONCURRENCY (8),
#    cip-sim responding after BENCH_LATENCY ms (80). Prints the achieved
#    calls per second and its ratio to R. Goal: >= 0.95.
# 2. Serial: BENCH_SERIAL_VALUES (300) other IPs with --concurrency 1 and
#    no rate, so that every call waits for the one before it. Prints the
#    achieved calls per second and its ratio to 1000 / latency, the rate of
#    back-to-back calls with zero client time. Goal: >= 0.95.
#
# Achieved calls per second = API calls counted by cip-sim / wall-clock
# seconds of the whole cipgraph command (start-up and output included).
# For the serial case the script also measures the HTTP round trip alone
# (median time_total of 50 curl calls to the same endpoint), so that the
# client time per call splits into HTTP and cipgraph's own work. For the
# paced case it prints how far apart the calls reached cip-sim and how
# much of the run the late starts cost.
# With the defaults the script takes about 10 minutes.
#
# Usage: [BUILD_DIR=build] bench/throughput.sh
source "$(dirname "$0")/lib.sh"

values=${BENCH_VALUES:-10000}
rate=${BENCH_RATE:-20}
concurrency=${BENCH_CONCURRENCY:-8}
latency=${BENCH_LATENCY:-80}
serial_values=${BENCH_SERIAL_VALUES:-300}

# run_case NAME EXPECTED_VALUES CIPGRAPH_OPTIONS...: enriches the list in
# $WORK/NAME.txt into a new database and sets calls (counted by cip-sim),
# wall (seconds of the command), engine (seconds of the engine loop) and
# load (the 1-minute load average when the command ended). cip-sim runs
# with --verbose, so that call_gaps can read when each call arrived.
run_case() {
    local name=$1 expected=$2
    shift 2
    local db="$WORK/$name.db"

    start_sim --latency "$latency" --verbose
    timed "$WORK/$name" "$CIPGRAPH" --db "$db" enrich --input "$WORK/$name.txt" \
        --format json --output "$WORK/$name.jsonl" -q "$@"
    load=$(cut -d' ' -f1 /proc/loadavg)
    [[ $(cat "$WORK/$name.status") == 0 ]] ||
        die "cipgraph exited with $(cat "$WORK/$name.status"): $(tail -n 5 "$WORK/$name.err")"
    sim_stats "$WORK/$name.sim.json"
    stop_sim
    cp "$WORK/sim.err" "$WORK/$name.sim.log"
    run_stats "$db" >"$WORK/$name.stats.json"
    local enriched
    enriched=$(json_of "$WORK/$name.stats.json" 'd["enriched"]')
    [[ "$enriched" == "$expected" ]] ||
        die "$name: $enriched of $expected values enriched; see $WORK/$name.stats.json"
    calls=$(json_of "$WORK/$name.sim.json" 'd["total"]')
    wall=$(cut -d' ' -f1 "$WORK/$name.time")
    engine=$(json_of "$WORK/$name.stats.json" 'd["elapsed_ms"] / 1000')
}

# print_case NAME: prints the counters that run_case set.
print_case() {
    local name=$1
    read -r _ user sys rss <"$WORK/$name.time"
    echo "api calls:        $calls"
    echo "wall time:        ${wall} s (engine loop $(py '"%.2f" % float(sys.argv[1])' "$engine") s)"
    echo "cipgraph CPU:     user $user s, system $sys s; peak RSS $rss KiB"
    echo "max in flight:    $(json_of "$WORK/$name.sim.json" 'd["max_in_flight"]')"
    echo "load at the end:  $load (1-minute average)"
}

# call_gaps NAME INTERVAL_MS: prints the spacing of the IP report calls
# that cip-sim logged for run NAME (arrival = log time - the logged
# duration, to the millisecond), and the share of the run lost to calls
# that started more than INTERVAL_MS after the one before.
call_gaps() {
    python3 - "$WORK/$1.sim.log" "$2" <<'PY'
import calendar, re, sys, time
line_re = re.compile(r"^(\S+)T(\S+)\.(\d{3})Z .* GET /v1/asset/ip/report -> \d+ in (\d+) ms")
arrivals = []
for line in open(sys.argv[1]):
    m = line_re.match(line)
    if m:
        seconds = calendar.timegm(time.strptime(m.group(1) + " " + m.group(2), "%Y-%m-%d %H:%M:%S"))
        arrivals.append(seconds * 1000 + int(m.group(3)) - int(m.group(4)))
arrivals.sort()
gaps = sorted(b - a for a, b in zip(arrivals, arrivals[1:]))
interval = float(sys.argv[2])
if not gaps:
    sys.exit("no IP report calls in the cip-sim log")
late = sum(max(0.0, g - interval) for g in gaps)
pick = lambda q: gaps[min(len(gaps) - 1, int(q * len(gaps)))]
print("call spacing:     min %d, median %d, p90 %d, p99 %d, max %d ms"
      " (1 / rate = %.0f ms)" % (gaps[0], pick(0.5), pick(0.9), pick(0.99),
                                 gaps[-1], interval))
print("late starts:      %.1f%% of calls started more than 2 ms late;"
      " the delays add up to %.1f%% of the time from first to last call"
      % (100.0 * sum(g > interval + 2 for g in gaps) / len(gaps),
         100.0 * late / (arrivals[-1] - arrivals[0])))
PY
}

echo "== throughput: bulk IP enrichment against the allowed rate"
machine_info
echo "cip-sim --latency $latency"

python3 "$GEN" ips "$values" 1 >"$WORK/paced.txt"
echo
echo "-- paced: $values IPs, --rate $rate --concurrency $concurrency"
run_case paced "$values" --rate "$rate" --concurrency "$concurrency"
achieved=$(py 'float(sys.argv[1]) / float(sys.argv[2])' "$calls" "$wall")
print_case paced
echo "achieved:         $(py '"%.2f" % float(sys.argv[1])' "$achieved") calls/s"
call_gaps paced "$(py '1000.0 / float(sys.argv[1])' "$rate")"
check_goal throughput.paced_ratio \
    "$(py '"%.3f" % (float(sys.argv[1]) / float(sys.argv[2]))' "$achieved" "$rate")" \
    ">=" 0.95

echo
echo "-- HTTP round trip alone (curl, median of 50 IP reports)"
start_sim --latency "$latency"
python3 "$GEN" ips 50 3 >"$WORK/curl.txt"
http_ms=$(while read -r ip; do
    curl -s -o /dev/null -w '%{time_total}\n' -H "x-api-key: $BENCH_KEY" \
        "$SIM_URL/v1/asset/ip/report?ip=$ip&full=true"
done <"$WORK/curl.txt" | sort -n |
    awk '{ t[NR] = $1 } END { printf "%.2f", t[int((NR + 1) / 2)] * 1000 }')
stop_sim
echo "http round trip:  $http_ms ms (cip-sim latency $latency ms)"

python3 "$GEN" ips "$serial_values" 2 >"$WORK/serial.txt"
echo
echo "-- serial: $serial_values IPs, --concurrency 1, no --rate"
run_case serial "$serial_values" --concurrency 1
achieved=$(py 'float(sys.argv[1]) / float(sys.argv[2])' "$calls" "$wall")
ideal=$(py '1000.0 / float(sys.argv[1])' "$latency")
print_case serial
echo "achieved:         $(py '"%.2f" % float(sys.argv[1])' "$achieved") calls/s" \
    "(1 / latency = $(py '"%.2f" % float(sys.argv[1])' "$ideal") calls/s)"
client_ms=$(py '"%.2f" % (1000 * float(sys.argv[1]) / float(sys.argv[2]) - float(sys.argv[3]))' \
    "$wall" "$calls" "$latency")
result throughput.serial_client_ms_per_call "$client_ms" \
    "(wall per call minus the latency; the HTTP round trip alone adds" \
    "$(py '"%.2f" % (float(sys.argv[1]) - float(sys.argv[2]))' "$http_ms" "$latency") ms)"
check_goal throughput.serial_ratio \
    "$(py '"%.3f" % (float(sys.argv[1]) / float(sys.argv[2]))' "$achieved" "$ideal")" \
    ">=" 0.95
