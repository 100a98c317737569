# `make bench`: wasm/npm package benchmark (prints a table, writes
# bench/results.json), then the native CLI's bulk throughput (adds to it).
.PHONY: bench
BENCH_MLKEM = $(WASM_BUILD)/bench_mlkem.cjs

bench: build $(BENCH_MLKEM)
	BENCH_MLKEM_JS=$(BENCH_MLKEM) node bench/wasm_bench.mjs
	node bench/native_bench.mjs

# ML-KEM-768 keygen+decaps in wasm, linked against the package's libraries
# (same flags as js/dist/wasmtls.wasm).
$(BENCH_MLKEM): bench/mlkem/bench_mlkem.c build-wasm
	$(WASM_ENV) emcc $(WASM_CFLAGS) $(WASM_SIMD) -Isrc -I$(or $(BEARSSL_SOURCE_DIR),third_party/bearssl)/inc \
	  bench/mlkem/bench_mlkem.c $(WASM_BUILD)/libwasmtls.a $(WASM_BUILD)/libbearssl.a \
	  -sSINGLE_FILE=1 -sENVIRONMENT=node -o $@

# `make bench-ec`: X25519 and P-256 in wasm, BearSSL's m31 code against
# src/ec_c25519_wasm.c and src/ec_p256_wasm.c (ops/s, same process,
# alternating rounds), linked against the package's libraries.
# --no-liftoff: V8 compiles everything with TurboFan up front, so the
# figures are steady-state ones (on a loaded machine the background
# tier-up can lag for seconds and leave one side on baseline code).
.PHONY: bench-ec
BENCH_EC = $(WASM_BUILD)/bench_ec.cjs

bench-ec: $(BENCH_EC)
	node --no-liftoff $(BENCH_EC)

$(BENCH_EC): bench/ec/bench_ec.c build-wasm
	$(WASM_ENV) emcc $(WASM_CFLAGS) $(WASM_SIMD) -DBR_64=1 -Isrc -I$(or $(BEARSSL_SOURCE_DIR),third_party/bearssl)/inc \
	  bench/ec/bench_ec.c $(WASM_BUILD)/libwasmtls.a $(WASM_BUILD)/libbearssl.a \
	  -sSINGLE_FILE=1 -sENVIRONMENT=node -o $@
