#!/usr/bin/env bash
# Prints the "skipped: ..." lines of the last ctest run in BUILD_DIR, each
# once and after its test's name. ctest --output-on-failure shows the output of
# failed tests only, so without this a check that a test skipped (no
# ../shared, no RabbitMQ, no GNU time) would pass unseen.
#
# Usage: scripts/show-skips.sh BUILD_DIR
set -euo pipefail

log="${1:?usage: scripts/show-skips.sh BUILD_DIR}/Testing/Temporary/LastTest.log"
if [[ ! -f "$log" ]]; then
    echo "error: $log not found; run ctest in that folder first" >&2
    exit 2
fi
awk '
    /^[0-9]+\/[0-9]+ Test: / { test = $3 }
    /^skipped: / && !seen[test ": " $0]++ { print test ": " $0; found = 1 }
    END { if (!found) print "no test printed a skipped line" }
' "$log"
