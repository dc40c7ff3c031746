#!/usr/bin/env bash
# Clustering time and peak RSS on generated phishing domains. Campaigns of
# 1 to 12 domains share a registered domain, addresses in one /24, an AS,
# registrar and creation week, a certificate and a favicon, and 30% of the
# sites are on hosting platforms. For each size the script imports the
# graph, times `cipgraph clusters` (which reads the members, unites them
# and stores the groupings) and prints how the CPU time grows.
#
# Usage: [BUILD_DIR=build-bench] bench/graph_clusters.sh [DOMAINS...]
# Default sizes: 10000 100000 (1000000 takes about an hour on 2 cores,
# most of it in the import).
source "$(dirname "$0")/graph_lib.sh"
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(10000 100000)

machine_line
previous=""
for n in "${sizes[@]}"; do
    db="$WORK/phish-$n.db"
    "$TOOL" gen-phishing "$n" >"$WORK/phish-$n.json"
    "$CIPGRAPH" --db "$db" import --quiet "$WORK/phish-$n.json"
    rm -f "$WORK/phish-$n.json"
    timed "$WORK/clusters-$n.out" "$CIPGRAPH" --db "$db" clusters \
        --format json --output "$WORK/clusters-$n.json"
    tail -n 1 "$WORK/clusters-$n.out"
    printf 'graph_clusters.%d.seconds %.2f (cpu %.2f)\n' "$n" "$TIMED_SECONDS" "$TIMED_CPU"
    printf 'graph_clusters.%d.peak_rss_mb %.0f\n' "$n" "$(echo "$TIMED_RSS_KB / 1024" | bc -l)"
    printf 'graph_clusters.%d.clusters %s\n' "$n" \
        "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["clusters"]))' "$WORK/clusters-$n.json")"
    if [[ -n "$previous" ]]; then
        read -r pn ps <<<"$previous"
        printf 'graph_clusters.growth %dx domains -> %.1fx cpu time\n' \
            "$((n / pn))" "$(echo "$TIMED_CPU / $ps" | bc -l)"
    fi
    previous="$n $TIMED_CPU"
    rm -f "$db" "$db-wal" "$db-shm"
done
