#!/usr/bin/env bash
# Progress reporting of bulk runs against cip-sim: plain periodic lines
# when stderr is not a terminal, and a bar redrawn in place when it is
# (run under util-linux `script`, which gives the command a terminal).
# Only the form of the lines is checked, never their timing.
source "$(dirname "$0")/lib.sh"

gen_ips 20 88.198 >"$WORK/ips.txt"
start_sim --latency 50
line='^cipgraph: progress [0-9]+/(20|\?) values, [0-9]+\.[0-9]/s, ETA [^,]+, [0-9]+ calls, [0-9]+ credits$'

note "plain lines when stderr is not a terminal"
expect_exit 0 "$CIPGRAPH" enrich --progress-interval 100ms --input "$WORK/ips.txt" \
    >/dev/null 2>"$WORK/plain.err"
lines=$(grep -c "^cipgraph: progress" "$WORK/plain.err" || true)
[[ $lines -ge 2 ]] || fail "expected periodic progress lines, got $lines: $(cat "$WORK/plain.err")"
bad=$(grep "^cipgraph: progress" "$WORK/plain.err" | grep -Ev "$line" || true)
[[ -z $bad ]] || fail "malformed progress lines: $bad"
grep -Eq "^cipgraph: progress [0-9]+/20 values" "$WORK/plain.err" || fail "no total in the progress lines"
grep -q $'\r' "$WORK/plain.err" && fail "plain progress lines contain carriage returns"
grep -q "credits used 20, saved about 0 " "$WORK/plain.err" || fail "no credits in the summary: $(cat "$WORK/plain.err")"

note "standard input has no known total"
rm -f "$CIPGRAPH_DB"
expect_exit 0 "$CIPGRAPH" enrich --progress-interval 100ms - <"$WORK/ips.txt" \
    >/dev/null 2>"$WORK/stdin.err"
grep -Eq '^cipgraph: progress [0-9]+/\? values, [0-9.]+/s, ETA \?,' "$WORK/stdin.err" ||
    fail "no progress line with an unknown total: $(cat "$WORK/stdin.err")"

note "--quiet prints neither progress nor summary"
expect_exit 0 "$CIPGRAPH" enrich --quiet --progress-interval 100ms --refresh \
    --input "$WORK/ips.txt" >/dev/null 2>"$WORK/quiet.err"
[[ ! -s "$WORK/quiet.err" ]] || fail "--quiet wrote to stderr: $(cat "$WORK/quiet.err")"

note "a bar redrawn in place on a terminal"
if ! command -v script >/dev/null; then
    echo "skipped: terminal progress (util-linux script is not installed)"
else
    rm -f "$CIPGRAPH_DB"
    # script runs the command on a new terminal and copies what it writes
    # (stdout and stderr) to its own stdout.
    script -qec "'$CIPGRAPH' enrich --input '$WORK/ips.txt'" /dev/null \
        >"$WORK/tty.out" </dev/null || fail "the run under script failed"
    python3 - "$WORK/tty.out" <<'PY' || fail "no progress bar on the terminal"
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace", newline="").read()
bars = re.findall(r"\r\x1b\[K\[([= ]{20})\] (\d+)/20  [0-9.]+/s  ETA \S+  "
                  r"calls (\d+)  credits (\d+)", text)
assert len(bars) >= 2, text[:400]
assert any(int(done) > 0 for _, done, _, _ in bars), bars[:3]
assert "cipgraph: progress" not in text, "plain lines on a terminal"
# The last bar is cleared before the table and the summary.
after = text.rsplit("\r\x1b[K", 1)[1]
assert not after.startswith("["), repr(after[:100])
assert "credits used 20," in after, repr(after[-300:])
PY
fi
echo "PASS"
