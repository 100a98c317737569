# Front door. `make demo` and `make test` work on a fresh Debian 12 machine
# as root: they run `make setup` (idempotent) first.
CC_NATIVE ?= clang-16
CMAKE_FLAGS = -DCMAKE_C_COMPILER=$(CC_NATIVE) $(if $(BEARSSL_SOURCE_DIR),-DBEARSSL_SOURCE_DIR=$(BEARSSL_SOURCE_DIR))
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 10

.PHONY: all setup build build-native build-asan build-fuzz test demo fuzz bench-resume clean

all: build

# Other builds (wasi/wasi.mk, wasm/wasm.mk) add their targets here:
# BUILD_TARGETS are built by `make build` and before `make test`.
BUILD_TARGETS :=
-include wasi/wasi.mk
-include wasm/wasm.mk
-include bench/bench.mk
-include tests/simd/aes_gcm.mk

setup:
	./tools/setup.sh

build: build-native $(BUILD_TARGETS)

build-native: setup
	cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	cmake --build build/native -j $(JOBS)

# One sanitizer build holds the ASan+UBSan CLI and unit tests and the
# libFuzzer targets (same BearSSL objects, built once).
build-asan: setup
	cmake -S . -B build/asan -DWT_SANITIZE=ON -DWT_FUZZ=ON $(CMAKE_FLAGS) >/dev/null
	cmake --build build/asan -j $(JOBS)

build-fuzz: build-asan

# All tests, on the release build and again under ASan+UBSan (WT_NATIVE_ONLY:
# test files for the wasm builds skip themselves on that pass), then a
# short smoke run of every fuzz target.
test: build build-asan
	WT_BUILD=build/native node --test --test-concurrency=2 tests/
	WT_BUILD=build/asan WT_NATIVE_ONLY=1 node --test --test-concurrency=2 tests/
	./tools/fuzz.sh build/asan 5

fuzz: build-asan
	./tools/fuzz.sh build/asan $(FUZZ_SECONDS)

demo: build
	./tools/demo.sh

# Full vs resumed handshake latency (native engine, node:tls baseline).
bench-resume: build-native
	node bench/resume/run.mjs 200

clean:
	rm -rf build
