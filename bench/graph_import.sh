#!/usr/bin/env bash
# Import throughput: objects per second of `cipgraph import` on a generated
# bundle of OBJECTS objects (IPs, domains, ASes, countries, CVEs,
# indicators) and RELATIONSHIPS relationships between them. It is compared
# with a raw SQLite insert of the same rows into the same tables and
# indexes (one transaction, one prepared INSERT per table, the same page
# cache, row preparation not timed). Both rates are given per wall-clock
# second and per CPU second. Other load on the machine distorts the first
# far more than the second.
#
# Usage: [BUILD_DIR=build-bench] bench/graph_import.sh [OBJECTS [RELATIONSHIPS]]
# Defaults: 1000000 objects and 3000000 relationships (about 6 GB of disk
# in the working folder; about an hour on 2 cores shared with other jobs).
source "$(dirname "$0")/graph_lib.sh"
objects=${1:-1000000}
relationships=${2:-3000000}
total=$((objects + 2 + relationships))

machine_line
echo "generating $objects objects and $relationships relationships ..."
"$TOOL" gen-graph "$objects" "$relationships" >"$WORK/graph.json"
echo "bundle: $(du -m "$WORK/graph.json" | cut -f1) MB"

timed "$WORK/import.out" "$CIPGRAPH" --db "$WORK/import.db" import "$WORK/graph.json"
tail -n 2 "$WORK/import.out"
import_seconds=$TIMED_SECONDS
import_cpu=$TIMED_CPU
import_rss=$TIMED_RSS_KB
rm -f "$WORK/graph.json"

# The import runs with a 256 MiB page cache (CG_BULK_CACHE_KB in
# src/store/bulk.c), and the raw insert gets the same.
GRAPH_RAW_CACHE_KB=262144 "$TOOL" raw "$WORK/raw.db" "$objects" "$relationships" >"$WORK/raw.out"
raw_rate=$(awk '/^raw_rows_per_s /{print $2}' "$WORK/raw.out")
raw_cpu_rate=$(awk '/^raw_rows_per_cpu_s /{print $2}' "$WORK/raw.out")
rm -f "$WORK"/raw.db*

import_rate=$(echo "$total / $import_seconds" | bc -l)
import_cpu_rate=$(echo "$total / $import_cpu" | bc -l)
printf 'graph_import.objects %d\n' "$total"
printf 'graph_import.seconds %.1f (cpu %.1f)\n' "$import_seconds" "$import_cpu"
printf 'graph_import.objects_per_s %.0f (per cpu second %.0f)\n' "$import_rate" "$import_cpu_rate"
printf 'graph_import.raw_rows_per_s %.0f (per cpu second %.0f)\n' "$raw_rate" "$raw_cpu_rate"
printf 'graph_import.ratio %.2f wall, %.2f cpu (goal >= 0.50)\n' \
    "$(echo "$import_rate / $raw_rate" | bc -l)" \
    "$(echo "$import_cpu_rate / $raw_cpu_rate" | bc -l)"
printf 'graph_import.peak_rss_mb %.0f\n' "$(echo "$import_rss / 1024" | bc -l)"
if [[ -n "${GRAPH_DB_KEEP:-}" ]]; then
    mv "$WORK/import.db" "$GRAPH_DB_KEEP"
    rm -f "$WORK"/import.db-*
    echo "kept the imported graph as $GRAPH_DB_KEEP"
fi
