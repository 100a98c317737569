/*
 * AES-CTR and GHASH on wasm SIMD128 (src/aes_simd.c, src/ghash_simd.c):
 * drop-in replacements for BearSSL's br_aes_ct64_ctr_vtable and
 * br_ghash_ctmul64 in the wasm build, selected by wt_aead_init. Both are
 * constant time (bitsliced AES, carry-less multiplies built from integer
 * multiplies); only built when the compiler targets SIMD128.
 */
#ifndef WT_AES_GCM_SIMD_H
#define WT_AES_GCM_SIMD_H

#if defined(__wasm_simd128__)

#include <bearssl.h>
#include <wasm_simd128.h>
#include "wt_simd128.h"

/* The round keys as bytes (FIPS 197 5.2, 16 per round), which fits
 * wt_aead's br_aes_gen_ctr_keys; each run spreads them into bit-planes on
 * the stack. */
typedef struct {
	const br_block_ctr_class *vtable;
	unsigned num_rounds;
	unsigned char rk[240];
} wt_aes_simd_ctr_keys;

extern const br_block_ctr_class wt_aes_simd_ctr_vtable;

/* br_ghash: y <- GHASH_H(y, data), data zero-padded to a whole block
 * (NIST SP 800-38D 6.4). */
void wt_ghash_simd(void *y, const void *h, const void *data, size_t len);

#endif
#endif
