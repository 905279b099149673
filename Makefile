# SPDX-License-Identifier: Apache-2.0
# Two commands for a fresh Debian 12 machine:
#   make run   — install dependencies, build (Release), run the built-in three-neuron experiment
#   make test  — install dependencies, build, run the whole test suite (ctest)
BUILD ?= build
JOBS  ?= $(shell nproc)
CMAKE_FLAGS ?=
CTEST_FLAGS ?=

.PHONY: all deps build run test test-asan test-tsan bench fuzz clean

all: build

deps:
	@bash scripts/install-deps

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DION_BUILD_TESTS=ON $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

run: build
	./$(BUILD)/ion run

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600 $(CTEST_FLAGS)

test-asan: deps
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DION_BUILD_TESTS=ON -DION_SANITIZE=address,undefined
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ctest --output-on-failure -j $(JOBS) -L "unit|sim" --timeout 900

# ThreadSanitizer on the test binaries that start threads (label `threads`; ion_add_tests THREADS).
# Not part of `make test` or CI: see docs/reliability.md.
test-tsan: deps
	cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DION_BUILD_TESTS=ON -DION_SANITIZE=thread
	cmake --build build-tsan -j $(JOBS) --target ion_threads_tests
	cd build-tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(CURDIR)/tsan.supp $(TSAN_OPTIONS)" \
	  ctest --output-on-failure -j $(JOBS) -L threads --timeout 900

bench: deps
	cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DION_BUILD_TESTS=OFF -DION_BUILD_BENCHMARKS=ON
	cmake --build build-bench -j $(JOBS)

FUZZ_SECONDS ?= 60
fuzz:
	CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DION_BUILD_TESTS=OFF -DION_BUILD_FUZZ=ON -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g" -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all"
	cmake --build build-fuzz -j $(JOBS) --target ion_fuzz
	fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) build-asan build-tsan build-bench build-fuzz
