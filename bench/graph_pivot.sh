#!/usr/bin/env bash
# Pivot latency: p50 and p99 of `pivot --via asn`, `--via cve` and
# `--via ip` from random start values, measured in-process with
# cg_pivot (the CLI's start-up, about a millisecond to open the database,
# would hide the query time), with the query plans of the statements a
# pivot runs. On the graph of graph_import.sh by default.
#
# Usage: [BUILD_DIR=build-bench] bench/graph_pivot.sh [DB [COUNT]]
# Without DB it generates and imports a graph of 1000000 objects and
# 3000000 relationships first. COUNT pivots per via (default 2000).
source "$(dirname "$0")/graph_lib.sh"
db=${1:-}
count=${2:-2000}

machine_line
if [[ -z "$db" ]]; then
    db="$WORK/graph.db"
    "$TOOL" gen-graph 1000000 3000000 >"$WORK/graph.json"
    "$CIPGRAPH" --db "$db" import --quiet "$WORK/graph.json"
    rm -f "$WORK/graph.json"
fi
for via in asn cve ip; do
    "$TOOL" pivot "$db" "$via" "$count" >"$WORK/pivot-$via.out"
    grep '^plan:' "$WORK/pivot-$via.out"
    for key in pivots results_mean p50_us p99_us max_us; do
        awk -v k="$key" -v v="$via" '$1 == k { print "graph_pivot." v "." k, $2 }' \
            "$WORK/pivot-$via.out"
    done
    if grep '^plan:' "$WORK/pivot-$via.out" | grep -E 'SCAN (objects|edges)( |$)' |
        grep -v 'USING' >/dev/null; then
        echo "graph_pivot.$via.full_scan yes (see the plans above)"
    else
        echo "graph_pivot.$via.full_scan no"
    fi
done
