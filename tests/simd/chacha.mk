# SIMD128 ChaCha20 and Poly1305 vs BearSSL's portable code (tests/simd_chacha.test.mjs):
# the harness tests/simd/chacha_poly_simd.c linked with the package's
# libraries (so src/chacha20_simd.c as built for js/dist/wasmtls.wasm),
# plus builds with a deliberate bug in src/chacha20_simd.c and in
# src/poly1305_simd.c, which the test requires to fail. Included by the top-level Makefile; built by
# `make build` / `make test`.
CHACHA_TEST_DIR = $(WASM_BUILD)/simd-test
CHACHA_TESTS    = $(CHACHA_TEST_DIR)/chacha_poly_simd.cjs $(CHACHA_TEST_DIR)/broken_chacha.cjs \
                  $(CHACHA_TEST_DIR)/broken_poly.cjs
CHACHA_TEST_CC  = $(WASM_ENV) emcc $(WASM_CFLAGS) $(WASM_SIMD) -DBR_64=1 -Wall -Wextra -Werror \
                  -Isrc -I$(or $(BEARSSL_SOURCE_DIR),third_party/bearssl)/inc
CHACHA_TEST_LD  = $(WASM_BUILD)/libwasmtls.a $(WASM_BUILD)/libbearssl.a \
                  -sSINGLE_FILE=1 -sMODULARIZE=1 -sENVIRONMENT=node -sALLOW_MEMORY_GROWTH=1

.PHONY: chacha-simd-tests
BUILD_TARGETS += chacha-simd-tests
chacha-simd-tests: $(if $(WASM_SIMD),$(CHACHA_TESTS))

$(CHACHA_TEST_DIR)/chacha_poly_simd.cjs: tests/simd/chacha_poly_simd.c src/chacha20_simd.c src/poly1305_simd.c src/wt_chacha_simd.h wasm-libs
	@mkdir -p $(dir $@)
	$(CHACHA_TEST_CC) tests/simd/chacha_poly_simd.c $(CHACHA_TEST_LD) -o $@

# Mutant: the 8-bit rotation permutes the bytes of lane 3 (the fourth
# block of each step) wrongly. The object given first defines
# wt_chacha20_simd_run, so the archive's copy is not linked.
$(CHACHA_TEST_DIR)/broken_chacha.c: src/chacha20_simd.c
	@mkdir -p $(dir $@)
	sed 's/11, 8, 9, 10, 15, 12, 13, 14/11, 8, 9, 10, 14, 15, 12, 13/' $< > $@ && ! cmp -s $< $@
$(CHACHA_TEST_DIR)/broken_chacha.cjs: $(CHACHA_TEST_DIR)/broken_chacha.c tests/simd/chacha_poly_simd.c src/poly1305_simd.c wasm-libs
	$(CHACHA_TEST_CC) -Isrc tests/simd/chacha_poly_simd.c $< $(CHACHA_TEST_LD) -o $@

# Mutant: the four-lane Poly1305 splits its blocks' second limb wrongly
# (one bit too far), so only what goes through the lanes is wrong. The
# harness includes the file named by POLY_SRC.
$(CHACHA_TEST_DIR)/broken_poly.c: src/poly1305_simd.c
	@mkdir -p $(dir $@)
	sed 's/wasm_i32x4_shl(w1, 6)/wasm_i32x4_shl(w1, 7)/' $< > $@ && ! cmp -s $< $@
$(CHACHA_TEST_DIR)/broken_poly.cjs: $(CHACHA_TEST_DIR)/broken_poly.c tests/simd/chacha_poly_simd.c wasm-libs
	$(CHACHA_TEST_CC) -I$(CHACHA_TEST_DIR) -DPOLY_SRC='"broken_poly.c"' tests/simd/chacha_poly_simd.c $(CHACHA_TEST_LD) -o $@
