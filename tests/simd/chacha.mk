# SIMD128 ChaCha20 and Poly1305 vs BearSSL's portable code
# (tests/simd_chacha.test.mjs): the harness tests/simd/chacha_poly_simd.c
# linked with the package's libraries (so src/chacha20_simd.c as built for
# js/dist/wasmtls.wasm), plus builds with a deliberate bug in
# src/chacha20_simd.c and in src/poly1305_simd.c, which the test requires
# to fail. Included by the top-level Makefile; built by `make build` /
# `make test`. The harness (which includes src/poly1305_simd.c) is built
# with the flag that file gets in the package: the cold code's -Os.
CHACHA_TEST_DIR = $(WASM_BUILD)/simd-test
CHACHA_TESTS    = $(CHACHA_TEST_DIR)/chacha_poly_simd.cjs $(CHACHA_TEST_DIR)/broken_chacha.cjs
CHACHA_TEST_CC  = $(WASM_ENV) emcc $(or $(WASM_SIZE_OPT),$(WASM_CFLAGS)) $(WASM_SIMD) -DBR_64=1 -Wall -Wextra -Werror \
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

# Mutants of src/poly1305_simd.c, each of which the test requires to fail
# (the harness includes the file named by POLY_SRC):
#   broken_poly         the four lanes split their blocks' second limb one bit off
#   broken_poly_lanes   the last group multiplies lanes 1 and 2 by r^2 and r^3
#   broken_poly_finish  the final reduction adds 4 instead of 5 (a wrong h - p)
POLY_MUTANT_TESTS = $(addprefix $(CHACHA_TEST_DIR)/,broken_poly.cjs broken_poly_lanes.cjs broken_poly_finish.cjs)
chacha-simd-tests: $(if $(WASM_SIMD),$(POLY_MUTANT_TESTS))

$(CHACHA_TEST_DIR)/broken_poly.c: src/poly1305_simd.c
	@mkdir -p $(dir $@)
	sed 's/wasm_i32x4_shl(w1, 6)/wasm_i32x4_shl(w1, 7)/' $< > $@ && ! cmp -s $< $@
$(CHACHA_TEST_DIR)/broken_poly_lanes.c: src/poly1305_simd.c
	@mkdir -p $(dir $@)
	sed 's/set_mult(k, s, r4, r3, r2, r);/set_mult(k, s, r4, r2, r3, r);/' $< > $@ && ! cmp -s $< $@
$(CHACHA_TEST_DIR)/broken_poly_finish.c: src/poly1305_simd.c
	@mkdir -p $(dir $@)
	sed 's/^\tc = 5;$$/\tc = 4;/' $< > $@ && ! cmp -s $< $@
$(POLY_MUTANT_TESTS): $(CHACHA_TEST_DIR)/%.cjs: $(CHACHA_TEST_DIR)/%.c tests/simd/chacha_poly_simd.c wasm-libs
	$(CHACHA_TEST_CC) -I$(CHACHA_TEST_DIR) -DPOLY_SRC='"$*.c"' tests/simd/chacha_poly_simd.c $(CHACHA_TEST_LD) -o $@
