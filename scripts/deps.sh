#!/usr/bin/env bash
# Installs the Debian packages that cipgraph needs, and only those that are
# missing, so that a second run is instant and needs no network.
#
# Usage: scripts/deps.sh build|check|bench
#   build  compilers and the -dev libraries (make, make demo)
#   check  build plus cmocka, clang for libFuzzer, RabbitMQ and the
#          Python schema validator (make check)
#   bench  check plus valgrind (make bench)
set -euo pipefail

# publicsuffix: the public suffix list that libpsl's psl_latest reads when
# it is newer than the copy built into libpsl (campaign clustering).
build_packages=(cmake make gcc pkg-config libcurl4-openssl-dev libjansson-dev
    libsqlite3-dev libmicrohttpd-dev librabbitmq-dev libidn2-dev libpsl-dev
    libssl-dev publicsuffix)
check_packages=(libcmocka-dev clang libclang-rt-dev rabbitmq-server python3 sqlite3
    curl python3-pika time)
bench_packages=(valgrind)

case "${1:-build}" in
build) wanted=("${build_packages[@]}") ;;
check) wanted=("${build_packages[@]}" "${check_packages[@]}") ;;
bench) wanted=("${build_packages[@]}" "${check_packages[@]}" "${bench_packages[@]}") ;;
*)
    echo "usage: $0 build|check|bench" >&2
    exit 2
    ;;
esac

# The STIX validator needs Python's jsonschema and referencing modules.
# Debian's python3-jsonschema provides both for /usr/bin/python3.
if [[ "${1:-build}" != build ]] && ! python3 -c 'import jsonschema, referencing' 2>/dev/null; then
    wanted+=(python3-jsonschema)
fi

missing=()
for package in "${wanted[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "installing missing Debian packages: ${missing[*]}" >&2
sudo=()
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || {
        echo "error: missing packages (${missing[*]}) and no sudo; run as root" >&2
        exit 1
    }
    sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
# Installing rabbitmq-server must not start a system-wide broker: the tests
# start their own on a loopback port.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 755 "$policy"
    created_policy=1
fi
cleanup() { [[ $created_policy -eq 0 ]] || "${sudo[@]}" rm -f "$policy"; }
trap cleanup EXIT
if ! "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; then
    "${sudo[@]}" apt-get update
    "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi
