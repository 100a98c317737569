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
