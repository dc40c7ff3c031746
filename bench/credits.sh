#!/usr/bin/env bash
# Credits spent on realistic mixed lists against the distinct public
# values in them. Three runs into one database, cip-sim at BENCH_LATENCY
# ms (80) counting the credits (/_sim/stats credits_used) and the calls
# per endpoint:
#
# 1. first: the mixed list (bench/gen_inputs.py mixed) of 200 distinct
#    public IPs and 40 distinct domains, plus duplicates (plain, defanged,
#    host:port, upper-case, trailing dot), private and special-purpose
#    addresses, CIDR blocks, invalid lines, blank lines and comments.
# 2. repeat: the same list again, within the cache lifetime. Goal: 0
#    credits.
# 3. followup: a later list (gen_inputs.py followup) that repeats 80 IPs
#    and 20 domains of the first in other forms and adds 100 new IPs and
#    10 new domains, with duplicates and private addresses. Only the new
#    values should cost credits.
#
# Ratios, goal 1.0 each:
#   - IPs: IP report calls / new distinct public IPs.
#   - Domains: domain credits / the minimum for the new distinct domains.
#     A full domain report costs an existing-report lookup and a report
#     (2 credits), plus a scan (1) unless Criminal IP has a report no
#     older than --reuse-age (7 days by default). The script lists every
#     domain's reports with cip-sim before the run to count those, then
#     zeroes the counters.
# Usage: [BUILD_DIR=build] bench/credits.sh
source "$(dirname "$0")/lib.sh"

latency=${BENCH_LATENCY:-80}
db="$WORK/credits.db"
# cipgraph's default --reuse-age, in seconds.
reuse_age=$((7 * 24 * 3600))

# enrich_list NAME LIST: enriches LIST into the shared database. Exit
# status 1 is expected, because the lists contain invalid lines.
enrich_list() {
    local name=$1 list=$2 status
    timed "$WORK/$name" "$CIPGRAPH" --db "$db" enrich --input "$list" \
        --format json --output "$WORK/$name.jsonl" -q --concurrency 4 \
        --poll-interval 100ms
    status=$(cat "$WORK/$name.status")
    [[ "$status" == 0 || "$status" == 1 ]] ||
        die "cipgraph exited with $status: $(tail -n 5 "$WORK/$name.err")"
    sim_stats "$WORK/$name.sim.json"
    run_stats "$db" >"$WORK/$name.stats.json"
}

# count_values NAME KIND OUTCOME...: counts the distinct values of kind
# KIND ("ipv4", "domain") whose outcome in run NAME was one of OUTCOME.
count_values() {
    python3 -c 'import json, sys
kind, outcomes = sys.argv[2], sys.argv[3:]
values = set()
for line in open(sys.argv[1]):
    d = json.loads(line)
    if d.get("kind") == kind and d["outcome"] in outcomes:
        values.add(d["value"])
print(len(values))' "$WORK/$1.jsonl" "$2" "${@:3}"
}

# expect_values NAME KIND COUNT OUTCOME...: fails unless COUNT distinct
# values of KIND ended with one of OUTCOME.
expect_values() {
    local got
    got=$(count_values "$1" "$2" "${@:4}")
    [[ "$got" == "$3" ]] ||
        die "$1: $got $2 values ended ${*:4}, expected $3; see $WORK/$1.jsonl"
}

# recent_reports FILE: prints how many domains in FILE (one a line) have
# a report on cip-sim no older than the reuse age. Each listing spends a
# simulated credit, so callers reset the counters afterwards.
recent_reports() {
    python3 - "$SIM_URL" "$BENCH_KEY" "$1" "$reuse_age" <<'PY'
import calendar, json, sys, time, urllib.parse, urllib.request
url, key, path, age = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
oldest = time.time() - age
recent = 0
for name in open(path).read().split():
    request = urllib.request.Request(
        url + "/v1/domain/reports?query=" + urllib.parse.quote(name),
        headers={"x-api-key": key})
    with urllib.request.urlopen(request) as response:
        reports = json.load(response)["data"]["reports"]
    # reg_dtime is UTC, "YYYY-MM-DD HH:MM:SS".
    if any(calendar.timegm(time.strptime(r["reg_dtime"], "%Y-%m-%d %H:%M:%S"))
           >= oldest for r in reports):
        recent += 1
print(recent)
PY
}

# report NAME: prints the counters of one run.
report() {
    local name=$1
    json_of "$WORK/$name.stats.json" '"cipgraph: %(read)d lines read, %(distinct)d distinct, %(duplicates)d duplicates, %(skipped)d skipped, %(invalid)d invalid, %(enriched)d enriched, %(cached)d cached, %(failed)d failed" % d'
    json_of "$WORK/$name.sim.json" '"cip-sim: credits_used %d; ip_report %d, domain_reports %d, domain_scan %d, domain_status %d, domain_report %d, domain_report_v1 %d" % (d["credits_used"], d["ip_report"], d["domain_reports"], d["domain_scan"], d["domain_status"], d["domain_report"], d["domain_report_v1"])'
}

# measure NAME LIST: enriches LIST, checks that exactly its new values were
# enriched and its repeated values served from the cache, and prints the
# IP and domain ratios.
measure() {
    local name=$1 list=$2 new_ips new_domains old_ips old_domains recent
    read -r new_ips new_domains old_ips old_domains < <(python3 "$GEN" "$list-counts" 7)
    python3 "$GEN" "$list" 7 >"$WORK/$name.txt"
    python3 "$GEN" "$list-domains" 7 >"$WORK/$name.domains"
    echo "list: $(wc -l <"$WORK/$name.txt") lines; new: $new_ips distinct public" \
        "IPs and $new_domains domains; repeated from the first list: $old_ips IPs" \
        "and $old_domains domains"
    recent=$(recent_reports "$WORK/$name.domains")
    sim_reset
    enrich_list "$name" "$WORK/$name.txt"
    report "$name"
    expect_values "$name" ipv4 "$new_ips" enriched
    expect_values "$name" domain "$new_domains" enriched
    expect_values "$name" ipv4 "$old_ips" cached
    expect_values "$name" domain "$old_domains" cached

    local ip_credits domain_credits total minimum
    ip_credits=$(json_of "$WORK/$name.sim.json" 'd["ip_report"]')
    domain_credits=$(json_of "$WORK/$name.sim.json" \
        'd["domain_reports"] + d["domain_scan"] + d["domain_report"] + d["domain_report_v1"]')
    total=$(json_of "$WORK/$name.sim.json" 'd["credits_used"]')
    [[ "$total" == $((ip_credits + domain_credits)) ]] ||
        die "credits_used $total is not the sum of the IP and domain calls"
    minimum=$((3 * new_domains - recent))
    echo "domains: $recent of $new_domains had a report on cip-sim no older than" \
        "7 days, so the minimum is $minimum credits; cipgraph spent $domain_credits"
    result "credits.$name.credits" "$total" \
        "(for $((new_ips + new_domains)) new distinct public values:" \
        "$(py '"%.3f" % (int(sys.argv[1]) / int(sys.argv[2]))' "$total" "$((new_ips + new_domains))") per value)"
    check_goal "credits.$name.ip_ratio" \
        "$(py '"%.3f" % (int(sys.argv[1]) / int(sys.argv[2]))' "$ip_credits" "$new_ips")" == 1.0
    check_goal "credits.$name.domain_ratio" \
        "$(py '"%.3f" % (int(sys.argv[1]) / int(sys.argv[2]))' "$domain_credits" "$minimum")" == 1.0
}

echo "== credits: credits spent on mixed lists and on their repeats"
machine_info
echo "cip-sim --latency $latency --scan-polls 1"
start_sim --latency "$latency" --scan-polls 1

echo
echo "-- first run"
measure first mixed

echo
echo "-- repeat run (the first list again, within the cache lifetime)"
sim_reset
enrich_list repeat "$WORK/first.txt"
report repeat
read -r ips domains _ < <(python3 "$GEN" mixed-counts 7)
expect_values repeat ipv4 "$ips" cached
expect_values repeat domain "$domains" cached
check_goal credits.repeat.credits \
    "$(json_of "$WORK/repeat.sim.json" 'd["credits_used"]')" == 0

echo
echo "-- follow-up run (a new list that repeats part of the first)"
measure followup followup
