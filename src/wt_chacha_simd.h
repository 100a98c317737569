/*
 * ChaCha20 and Poly1305 for wasm SIMD128 (chacha20_simd.c,
 * poly1305_simd.c): drop-ins for br_chacha20_run and br_poly1305_run,
 * picked by wt_aead_init when the module is built with -msimd128 (a build
 * without SIMD does not have it).
 */
#ifndef WT_CHACHA_SIMD_H
#define WT_CHACHA_SIMD_H

#if defined(__wasm_simd128__)
#include <bearssl.h>

uint32_t wt_chacha20_simd_run(const void *key, const void *iv, uint32_t cc,
	void *data, size_t len);

/* The ChaCha20-Poly1305 AEAD with a four-lane Poly1305
 * (poly1305_simd.c): a drop-in br_poly1305_run. */
void wt_poly1305_simd_run(const void *key, const void *iv, void *data,
	size_t len, const void *aad, size_t aad_len, void *tag,
	br_chacha20_run ichacha, int encrypt);
#endif

#endif
