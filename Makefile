# Thin wrapper over CMake for the README's commands. Every target installs
# the Debian packages it needs first (scripts/deps.sh skips what is there).
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 20

.PHONY: all build demo check unit integration fuzz bench format clean

all: build

build:
	scripts/deps.sh build
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build build -j $(JOBS)

demo: build
	scripts/demo.sh

# The sanitized build runs the unit and integration tests; the clang build
# runs each libFuzzer target for FUZZ_SECONDS.
check:
	scripts/deps.sh check
	cmake -S . -B build-check -DCMAKE_BUILD_TYPE=Debug -DCG_WERROR=ON \
		-DCG_SANITIZE=ON >/dev/null
	cmake --build build-check -j $(JOBS)
	ctest --test-dir build-check --output-on-failure -j $(JOBS); \
		status=$$?; scripts/show-skips.sh build-check; exit $$status
	$(MAKE) --no-print-directory fuzz

fuzz:
	scripts/deps.sh check
	CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DCG_WERROR=ON \
		-DCG_FUZZ=ON -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address,undefined" \
		>/dev/null
	cmake --build build-fuzz -j $(JOBS)
	scripts/fuzz-smoke.sh build-fuzz $(FUZZ_SECONDS)

bench: build
	scripts/deps.sh bench
	bench/run-all.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-check build-fuzz
