/*
 * ChaCha20 for wasm SIMD128 (chacha20_simd.c): a drop-in br_chacha20_run,
 * picked by wt_aead_init when the module is built with -msimd128 (a build
 * without SIMD does not have it).
 */
#ifndef WT_CHACHA_SIMD_H
#define WT_CHACHA_SIMD_H

#if defined(__wasm_simd128__)
#include <bearssl.h>

uint32_t wt_chacha20_simd_run(const void *key, const void *iv, uint32_t cc,
	void *data, size_t len);
#endif

#endif
