#!/usr/bin/env bash
# Messages per second of `cipgraph connector` with 1, 2 and 4 workers on
# one listen queue, against cip-sim at a fixed latency, compared with the
# pure API time of one enrichment.
#
# Each run publishes BENCH_MESSAGES (400) messages for distinct IPv4
# addresses into the listen queue and starts the connector on an empty
# database, so every message costs one Criminal IP call. The clock runs
# from the first processed work to the last one the fake platform counts.
# The pure API time is the median time_total of 50 curl calls to the
# simulator's IP report endpoint. The ratio is the time one worker
# spends per message over the pure API time: 1.0 would mean the connector
# adds nothing.
#
# Usage: BUILD_DIR=build-erel bench/connector_throughput.sh
source "$(dirname "$0")/connector_lib.sh"

latency=${BENCH_LATENCY_MS:-50}
messages=${BENCH_MESSAGES:-400}

start_sim --latency "$latency"
start_platform

api_ms=$(for i in $(seq 1 50); do
    curl -s -o /dev/null -w '%{time_total}\n' -H "x-api-key: $BENCH_KEY" \
        "$SIM_URL/v1/asset/ip/report?ip=88.199.0.$i&full=true"
done | sort -n | awk '{ t[NR] = $1 } END { printf "%.1f", t[int((NR + 1) / 2)] * 1000 }')
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
echo "cip-sim latency ${latency} ms; pure API time per IP report ${api_ms} ms (median of 50)"
printf '%-8s %10s %12s %12s %8s\n' workers seconds msg/s msg/s/worker ratio

offset=0
for workers in 1 2 4; do
    base=$(summary processed)
    publish "$messages" "$messages" "$offset"
    offset=$((offset + messages))
    start_connector "$WORK/run-$workers.db" CIPGRAPH_WORKERS="$workers"
    wait_processed $((base + 1))
    t0=$(now_s)
    wait_processed $((base + messages))
    t1=$(now_s)
    stop_connector
    python3 - "$workers" "$t0" "$t1" "$messages" "$api_ms" <<'PY'
import sys
workers, t0, t1, n, api = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
rate = (n - 1) / (t1 - t0)
per_worker = rate / workers
print(f"{workers:<8d} {t1 - t0:10.2f} {rate:12.1f} {per_worker:12.1f} "
      f"{1000 / per_worker / api:8.2f}")
PY
done >"$WORK/table.txt"
cat "$WORK/table.txt"
# Result lines: messages per second and the ratio for each worker count.
awk '{ printf "connector_throughput.workers_%s.msg_per_s %s\n", $1, $3
       printf "connector_throughput.workers_%s.ratio %s\n", $1, $5 }' \
    "$WORK/table.txt"
errors=$(summary in_error)
[[ "$errors" == 0 ]] || die "$errors works ended in error; see $WORK/connector.log"
