# Runs the mapping unit tests with CG_BUNDLE_DIR set, so that they write
# every bundle they build, then validates each bundle with stix-validate
# --strict (STIX 2.1 schemas, deterministic ids, reference closure). Fails
# when a test fails, when no bundle was written, or when any bundle is
# invalid.
set -euo pipefail

: "${CG_SOURCE_DIR:?run through ctest, or set CG_SOURCE_DIR}"
: "${CG_BUILD_DIR:?run through ctest, or set CG_BUILD_DIR}"
SHARED_DIR="${CG_SHARED_DIR:-$CG_SOURCE_DIR/../shared}"
VALIDATOR="$SHARED_DIR/tools/stix-validate"

if [[ ! -x "$VALIDATOR" ]]; then
    echo "skipped: ../shared/tools/stix-validate not found"
    exit 0
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cg-map-bundles.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

for test in test_map_ip test_map_domain; do
    binary="$CG_BUILD_DIR/$test"
    if [[ ! -x "$binary" ]]; then
        echo "FAIL: $binary not found. Build the unit tests first." >&2
        exit 1
    fi
    echo "--- $test"
    if ! CG_BUNDLE_DIR="$WORK" "$binary" >"$WORK/$test.log" 2>&1; then
        cat "$WORK/$test.log" >&2
        echo "FAIL: $test failed" >&2
        exit 1
    fi
done

shopt -s nullglob
bundles=("$WORK"/map_*.json)
if (( ${#bundles[@]} == 0 )); then
    echo "FAIL: the tests wrote no bundle to $WORK" >&2
    exit 1
fi

# One run over every file: the validator loads the schemas once and names
# the file in each message. stix_check.py drops only the bundle-level errors
# caused by the OASIS bundle schema's missing location/note types.
if ! python3 "$CG_SOURCE_DIR/tests/tools/stix_check.py" "$VALIDATOR" \
    "${bundles[@]}" >"$WORK/validate.out" 2>&1; then
    cat "$WORK/validate.out" >&2
    echo "FAIL: stix-validate --strict rejected at least one of" \
        "${#bundles[@]} bundles" >&2
    exit 1
fi
tail -n 1 "$WORK/validate.out"
echo "${#bundles[@]} bundles valid"
