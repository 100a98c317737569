# SIMD128 AES-CTR/GHASH vs BearSSL's portable code (tests/simd_aes.test.mjs):
# the harness tests/simd/aes_gcm_simd.c linked with src/aes_simd.c and
# src/ghash_simd.c (same flags as the package's hot code), plus three builds
# with one deliberate bug each, which the test requires to fail.
# Included by the top-level Makefile; built by `make build` / `make test`.
SIMD_TEST_DIR = $(WASM_BUILD)/simd-test
SIMD_TESTS    = $(SIMD_TEST_DIR)/aes_gcm_simd.cjs $(SIMD_TEST_DIR)/broken_aes.cjs \
                $(SIMD_TEST_DIR)/broken_ghash.cjs $(SIMD_TEST_DIR)/broken_bmul.cjs
SIMD_TEST_CC  = $(WASM_ENV) emcc $(WASM_CFLAGS) $(WASM_SIMD) -DBR_64=1 -Wall -Wextra -Werror \
                -Isrc -I$(or $(BEARSSL_SOURCE_DIR),third_party/bearssl)/inc
SIMD_TEST_LIBS = $(WASM_BUILD)/libwasmtls.a $(WASM_BUILD)/libbearssl.a
SIMD_TEST_LD  = -sSINGLE_FILE=1 -sENVIRONMENT=node -sNODERAWFS=1 -sEXIT_RUNTIME=1

.PHONY: simd-tests
BUILD_TARGETS += simd-tests
simd-tests: $(if $(WASM_SIMD),$(SIMD_TESTS))

$(SIMD_TEST_DIR)/aes_gcm_simd.cjs: tests/simd/aes_gcm_simd.c src/aes_simd.c src/ghash_simd.c src/wt_aes_gcm_simd.h wasm-libs
	@mkdir -p $(dir $@)
	$(SIMD_TEST_CC) tests/simd/aes_gcm_simd.c src/aes_simd.c src/ghash_simd.c $(SIMD_TEST_LIBS) $(SIMD_TEST_LD) -o $@

# Mutants: one S-box AND gate becomes XOR; GHASH's reduction loses the x^7
# term of the carried-out bits. `cmp` makes sure the edit happened.
$(SIMD_TEST_DIR)/broken_aes.c: src/aes_simd.c
	@mkdir -p $(dir $@)
	sed 's/t22 = AND(t17, t19);/t22 = XOR(t17, t19);/' $< > $@ && ! cmp -s $< $@
$(SIMD_TEST_DIR)/broken_ghash.c: src/ghash_simd.c
	@mkdir -p $(dir $@)
	sed 's/(z0 << 57)/(z0 << 58)/' $< > $@ && ! cmp -s $< $@

# ... and a carry-less product pairs a part with the wrong one.
$(SIMD_TEST_DIR)/broken_bmul.c: src/ghash_simd.c
	@mkdir -p $(dir $@)
	sed 's/(x1 \* y->p\[3\])/(x1 * y->p[2])/' $< > $@ && ! cmp -s $< $@

$(SIMD_TEST_DIR)/broken_aes.cjs: $(SIMD_TEST_DIR)/broken_aes.c tests/simd/aes_gcm_simd.c src/ghash_simd.c wasm-libs
	$(SIMD_TEST_CC) tests/simd/aes_gcm_simd.c $< src/ghash_simd.c $(SIMD_TEST_LIBS) $(SIMD_TEST_LD) -o $@
$(SIMD_TEST_DIR)/broken_ghash.cjs: $(SIMD_TEST_DIR)/broken_ghash.c tests/simd/aes_gcm_simd.c src/aes_simd.c wasm-libs
	$(SIMD_TEST_CC) tests/simd/aes_gcm_simd.c src/aes_simd.c $< $(SIMD_TEST_LIBS) $(SIMD_TEST_LD) -o $@
$(SIMD_TEST_DIR)/broken_bmul.cjs: $(SIMD_TEST_DIR)/broken_bmul.c tests/simd/aes_gcm_simd.c src/aes_simd.c wasm-libs
	$(SIMD_TEST_CC) tests/simd/aes_gcm_simd.c src/aes_simd.c $< $(SIMD_TEST_LIBS) $(SIMD_TEST_LD) -o $@
