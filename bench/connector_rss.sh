#!/usr/bin/env bash
# Resident memory of one connector worker at rest and over
# BENCH_RSS_MESSAGES (100000) messages.
#
# The messages cycle over BENCH_RSS_VALUES (200) distinct IPv4 addresses,
# so the first 200 cost a Criminal IP call each (cip-sim, no added latency)
# and the engine serves the rest from the response cache: each still goes
# through parsing, the delivery count, the engine and the mapping, the
# database write, the bundle assembly, the publish with its confirm and
# the two work reports. RSS (VmRSS) is read at rest (registered, idle) and
# after every BENCH_RSS_STEP (10000) messages.
#
# Usage: BUILD_DIR=build-erel bench/connector_rss.sh
source "$(dirname "$0")/connector_lib.sh"

total=${BENCH_RSS_MESSAGES:-100000}
values=${BENCH_RSS_VALUES:-200}
step=${BENCH_RSS_STEP:-10000}

start_sim
start_platform
start_connector "$WORK/rss.db" CIPGRAPH_WORKERS=1
sleep 2
echo "machine: $(nproc) cores, $(uname -sr)"
echo "messages  rss_kib  msg/s"
echo "rest      $(rss_kb "$CONNECTOR_PID")      -" | tee "$WORK/rss.txt"
done_count=0
while ((done_count < total)); do
    publish "$step" "$values" "$done_count"
    t0=$(now_s)
    done_count=$((done_count + step))
    wait_processed "$done_count"
    t1=$(now_s)
    printf '%-9s %-8s %.0f\n' "$done_count" "$(rss_kb "$CONNECTOR_PID")" \
        "$(python3 -c "print($step / ($t1 - $t0))")" | tee -a "$WORK/rss.txt"
done
# Result lines: RSS at rest, after the first block and at the end, and
# the end over the first block (1.0 means no growth after warm-up).
awk 'NR == 1 { rest = $2 } NR == 2 { first = $2 } { last = $2 }
     END { printf "connector_rss.rest_kib %s\nconnector_rss.first_step_kib %s\n", rest, first
           printf "connector_rss.final_kib %s\nconnector_rss.growth_ratio %.3f\n", last, last / first }' \
    "$WORK/rss.txt"
errors=$(summary in_error)
[[ "$errors" == 0 ]] || die "$errors works ended in error; see $WORK/connector.log"
echo "database: $(du -h "$WORK/rss.db" | cut -f1)"
