/*
 * Small wasm SIMD128 helpers shared by the record ciphers (aes_simd.c,
 * ghash_simd.c, poly1305_simd.c); only for builds that target SIMD128.
 */
#ifndef WT_SIMD128_H
#define WT_SIMD128_H

#if defined(__wasm_simd128__)

#include <stddef.h>
#include <wasm_simd128.h>

/* i64x2.extmul_{low,high}_i32x4_u: 32x32->64 products of i32 lanes 0-1
 * (2-3), one pmuludq-class instruction in the engines. Emscripten 3.1.6's
 * clang 14 compiles wasm_u64x2_extmul_*_u32x4 to extend + i64x2.mul
 * instead, which V8 expands to a long multiply sequence (measured: half
 * the speed), so the instructions are emitted directly. Always inlined:
 * files built for size (-Os) would otherwise call them. */
static inline __attribute__((always_inline)) v128_t
wt_extmul_lo(v128_t a, v128_t b)
{
	v128_t r;

	__asm__("local.get %1\n\tlocal.get %2\n\t"
		"i64x2.extmul_low_i32x4_u\n\tlocal.set %0"
		: "=r"(r) : "r"(a), "r"(b));
	return r;
}

static inline __attribute__((always_inline)) v128_t
wt_extmul_hi(v128_t a, v128_t b)
{
	v128_t r;

	__asm__("local.get %1\n\tlocal.get %2\n\t"
		"i64x2.extmul_high_i32x4_u\n\tlocal.set %0"
		: "=r"(r) : "r"(a), "r"(b));
	return r;
}

/* wt_wipe for arrays of v128 (expanded keys, powers of H or r): the same
 * volatile stores, 16 bytes at a time. wt_wipe's byte loop over these
 * buffers on each of a record's ctr and ghash calls was measured at ~5%
 * of the record time. */
static inline void
wt_wipe_v128(v128_t *p, size_t n)
{
	volatile v128_t *v = p;

	while (n -- > 0) {
		*v ++ = wasm_i64x2_splat(0);
	}
}

#endif
#endif
