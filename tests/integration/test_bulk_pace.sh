#!/usr/bin/env bash
# Pacing of bulk runs against cip-sim: the concurrency cap (default 1), the
# --rate token bucket, and the adaptive lowering when the simulator rejects
# concurrent calls or responds with 429 in bursts. The simulator's max_in_flight
# counter shows how many calls overlapped; no check depends on elapsed
# time.
source "$(dirname "$0")/lib.sh"

gen_ips 40 88.198 >"$WORK/ips40.txt"
gen_ips 16 51.15 >"$WORK/ips16.txt"

note "concurrency defaults to 1: no two calls overlap"
start_sim --latency 100
expect_exit 0 "$CIPGRAPH" enrich --quiet --input "$WORK/ips16.txt" >/dev/null
[[ $(sim_stat ip_report) -eq 16 ]] || fail "expected 16 IP reports, got $(sim_stat ip_report)"
[[ $(sim_stat max_in_flight) -eq 1 ]] ||
    fail "default concurrency let $(sim_stat max_in_flight) calls overlap"

note "--concurrency 4 runs calls in parallel, never more than 4"
rm -f "$CIPGRAPH_DB"
sim_reset
expect_exit 0 "$CIPGRAPH" enrich --quiet --concurrency 4 --input "$WORK/ips40.txt" >/dev/null
max=$(sim_stat max_in_flight)
[[ $max -le 4 ]] || fail "--concurrency 4 let $max calls overlap"
[[ $max -ge 2 ]] || fail "--concurrency 4 never ran two calls at once"
[[ $(sim_stat ip_report) -eq 40 ]] || fail "expected 40 IP reports, got $(sim_stat ip_report)"

note "--rate spaces calls 1/R apart, so 50 ms calls at 4/s never overlap"
rm -f "$CIPGRAPH_DB"
start_sim --latency 50
expect_exit 0 "$CIPGRAPH" enrich --concurrency 4 --rate 4 \
    --input "$WORK/ips16.txt" >/dev/null 2>"$WORK/rate.err"
[[ $(sim_stat max_in_flight) -eq 1 ]] ||
    fail "--rate 4 let $(sim_stat max_in_flight) calls of 50 ms overlap"
[[ $(sim_stat ip_report) -eq 16 ]] || fail "expected 16 IP reports, got $(sim_stat ip_report)"
grep -q "rate 4 calls/s;" "$WORK/rate.err" || fail "the summary shows no rate: $(cat "$WORK/rate.err")"

note "a plan that refuses parallel calls: the run goes on at concurrency 1"
rm -f "$CIPGRAPH_DB"
start_sim --concurrency 1 --latency 30
expect_exit 0 "$CIPGRAPH" enrich --concurrency 4 --input "$WORK/ips40.txt" \
    >/dev/null 2>"$WORK/busy.err"
refused=$(sim_stat concurrency)
[[ $refused -ge 1 ]] || fail "the simulator refused no call; the test did not exercise the refusal"
[[ $(($(sim_stat ip_report) - refused)) -eq 40 ]] ||
    fail "expected 40 answered IP reports, got $(($(sim_stat ip_report) - refused))"
grep -q "concurrency 1;" "$WORK/busy.err" || fail "concurrency was not lowered: $(cat "$WORK/busy.err")"
[[ $(grep -c "lowering concurrency" "$WORK/busy.err") -eq 1 ]] ||
    fail "the lowering was not logged exactly once: $(cat "$WORK/busy.err")"
grep -q "enriched 40," "$WORK/busy.err" || fail "not every value was enriched: $(cat "$WORK/busy.err")"
# Once lowered, concurrency stays 1: every refusal happened in the first
# round of parallel calls.
[[ $refused -le 3 ]] || fail "$refused calls were refused; concurrency went up again"

note "429 bursts: retried with back-off, pace halved and logged once"
rm -f "$CIPGRAPH_DB"
start_sim --burst-429 2:10 --latency 10
expect_exit 0 "$CIPGRAPH" enrich --concurrency 4 --rate 20 --max-retries 8 \
    --input "$WORK/ips40.txt" >/dev/null 2>"$WORK/429.err"
limited=$(sim_stat rate_limit)
[[ $limited -ge 2 ]] || fail "the simulator sent no 429 burst"
[[ $(($(sim_stat ip_report) - limited)) -eq 40 ]] ||
    fail "expected 40 answered IP reports, got $(($(sim_stat ip_report) - limited))"
grep -q "retries $limited$" "$WORK/429.err" ||
    fail "expected $limited retries in the summary: $(cat "$WORK/429.err")"
grep -q "slowdowns after refusals" "$WORK/429.err" ||
    fail "the summary counts no slowdown: $(cat "$WORK/429.err")"
[[ $(grep -c "answered 429 Too Many Requests; lowering" "$WORK/429.err") -eq 1 ]] ||
    fail "the 429 lowering was not logged exactly once: $(cat "$WORK/429.err")"
grep -q "enriched 40," "$WORK/429.err" || fail "not every value was enriched: $(cat "$WORK/429.err")"

note "429 at the defaults (one call at a time, no --rate): a rate is set and logged"
rm -f "$CIPGRAPH_DB"
sim_reset
expect_exit 0 "$CIPGRAPH" enrich --max-retries 8 --input "$WORK/ips40.txt" \
    >/dev/null 2>"$WORK/429-default.err"
[[ $(sim_stat rate_limit) -ge 2 ]] || fail "the simulator sent no 429 burst"
[[ $(grep -c "answered 429 Too Many Requests; lowering the rate from no limit to" "$WORK/429-default.err") -eq 1 ]] ||
    fail "the 429 lowering at the defaults was not logged once: $(cat "$WORK/429-default.err")"
grep -q "enriched 40," "$WORK/429-default.err" ||
    fail "not every value was enriched: $(cat "$WORK/429-default.err")"
echo "PASS"
