# Emscripten build of the engine for the npm package (js/).
#   make build-wasm   -> js/dist/wasmtls.wasm (engine + BearSSL, wasm-opt'ed)
#                        js/dist/roots.bin    (default trust anchors, compact)
#                        js/src/codes.js      (error codes, from the C)
# Included by the top-level Makefile; adds build-wasm to BUILD_TARGETS.
WASM_BUILD   ?= build/wasm
# Binaryen's -Oz on the linked module: 0.5 KB gzip smaller than -O2 and,
# measured, no slower (one-process A/B of 300 handshake pairs each way:
# x0.99; downloads within their noise). LLVM has already optimised the
# hot code (-O2 above).
WASM_OPT     ?= -Oz
WASM_CFLAGS  ?= -O2
# Cold code (everything but the record ciphers, EC/RSA math, hashes and
# ML-KEM: see WT_SIZE_OPT in CMakeLists.txt) is built for size.
WASM_SIZE_OPT ?= -Os
WASM_SIMD    ?= -msimd128 -mbulk-memory
# -msimd128 measured faster (bench/wasm_bench.mjs --compare): bulk +16..33%,
# handshake equal, +0.5 KB gzip. Needs wasm SIMD (Chrome 91, Firefox 89,
# Safari 16.4, Node 16.4); WASM_SIMD= builds without it. Every runtime with
# SIMD also has bulk memory (Chrome 75, Firefox 79, Safari 15): memcpy and
# memset become memory.copy/memory.fill instead of libc loops, 0.35 KB
# gzip less, speed unchanged (--compare: handshake x1.01, downloads
# x0.99-1.00). js/src/engine.js probes for both before it picks this build.
WASM_ENV      = NODE_PATH=/usr/share/nodejs
WASM_OUT     ?= js/dist/wasmtls.wasm
WASM_ROOTS    = js/dist/roots.bin
WASM_CODES    = js/src/codes.js
WASM_JS       = js/dist/wasmtls.mjs js/dist/wasmtls.browser.mjs
WASM_LDFLAGS  = --no-entry -sSTANDALONE_WASM=1 -sFILESYSTEM=0 -sALLOW_MEMORY_GROWTH=1 \
                -sINITIAL_MEMORY=2MB -sTOTAL_STACK=131072 -sMALLOC=emmalloc \
                -sERROR_ON_UNDEFINED_SYMBOLS=0 -Wno-undefined
CA_BUNDLE    ?= /etc/ssl/certs/ca-certificates.crt

.PHONY: build-wasm wasm-libs
BUILD_TARGETS += build-wasm

build-wasm: setup $(WASM_CODES) $(WASM_OUT) $(WASM_ROOTS) $(WASM_JS) $(if $(WASM_SIMD),build-wasm-nosimd)

# The same engine without SIMD, for runtimes that lack it (js/src/engine.js
# picks it when WebAssembly.validate rejects a v128 instruction): its own
# build directory, the main rules with WASM_SIMD empty.
WASM_NOSIMD_BUILD ?= build/wasm-nosimd
WASM_NOSIMD_OUT   ?= js/dist/wasmtls-nosimd.wasm
.PHONY: build-wasm-nosimd
build-wasm-nosimd: setup
	@$(MAKE) --no-print-directory -o setup WASM_SIMD= WASM_BUILD=$(WASM_NOSIMD_BUILD) \
	  WASM_OUT=$(WASM_NOSIMD_OUT) $(WASM_NOSIMD_OUT)

# The engine's error codes and names for JS, from src/wasmtls.h and
# src/names.c (committed, so the package works from source; a test checks
# it is current).
$(WASM_CODES): tools/gen_error_codes.mjs src/wasmtls.h src/names.c
	node tools/gen_error_codes.mjs src/wasmtls.h src/names.c $@

# CMake tracks src/ and BearSSL; always reconfigure (src/*.c is a glob:
# new core files must be picked up) and build (no-ops when up to date).
wasm-libs: setup
	@mkdir -p $(WASM_BUILD)
	@$(WASM_ENV) emcmake cmake -S . -B $(WASM_BUILD) \
	  -DWT_NATIVE_TOOLS=OFF -DWT_BR_64=ON -DCMAKE_BUILD_TYPE=Release -DWT_SIZE_OPT="$(WASM_SIZE_OPT)" \
	  -DCMAKE_C_FLAGS_RELEASE="$(WASM_CFLAGS) $(WASM_SIMD) -DNDEBUG" \
	  $(if $(BEARSSL_SOURCE_DIR),-DBEARSSL_SOURCE_DIR=$(BEARSSL_SOURCE_DIR)) >/dev/null
	@$(WASM_ENV) cmake --build $(WASM_BUILD) -j $(JOBS) --target wasmtls bearssl | grep -v '^\[' || true

$(WASM_OUT): wasm-libs wasm/wasmtls_wasm.c wasm/wasm.mk
	@mkdir -p $(dir $@)
	$(WASM_ENV) emcc $(or $(WASM_SIZE_OPT),$(WASM_CFLAGS)) $(WASM_SIMD) -DBR_64=1 -Isrc -I$(or $(BEARSSL_SOURCE_DIR),third_party/bearssl)/inc \
	  wasm/wasmtls_wasm.c $(WASM_BUILD)/libwasmtls.a $(WASM_BUILD)/libbearssl.a \
	  -o $(WASM_BUILD)/wasmtls.raw.wasm $(WASM_LDFLAGS)
	wasm-opt $(WASM_OPT) $(if $(WASM_SIMD),--enable-simd --enable-bulk-memory) $(WASM_BUILD)/wasmtls.raw.wasm -o $@.tmp
	node wasm/check_imports.mjs $@.tmp
	mv $@.tmp $@

# The package's entry modules, js/src/*.js in one file each (Node's, which
# js/index.js re-exports, and the browser's): tools/bundle_js.mjs.
$(WASM_JS) &: setup tools/bundle_js.mjs $(wildcard js/src/*.js) $(WASM_CODES)
	node tools/bundle_js.mjs

$(WASM_ROOTS): wasm/gen_roots_bin.mjs $(CA_BUNDLE)
	@mkdir -p $(dir $@)
	node wasm/gen_roots_bin.mjs $(CA_BUNDLE) $@
