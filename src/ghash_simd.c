/*
 * GHASH (NIST SP 800-38D 6.4) on wasm SIMD128, constant time.
 *
 * Carry-less products come from ordinary integer multiplies "with holes":
 * keep only every fourth bit of each operand (four masked parts), so in a
 * 32x32->64 integer product at most eight partial terms meet at any bit
 * position and their sum (< 16) never carries into the next position of
 * the same residue mod 4; masking that residue out of the XOR of the
 * products of matching parts gives the carry-less product. (BearSSL's
 * ghash_ctmul* use the same idea with scalar multiplies.) Here the 16 part
 * products of one 32x32 multiply take 8 i64x2.extmul_u32x4 instructions,
 * and a 128x128 product is two Karatsuba levels over 32-bit limbs: nine
 * 32x32 products (the extmul helpers: wt_simd128.h). Multiplies have
 * data-independent timing in wasm engines on current CPUs, and nothing
 * here branches on or indexes by data.
 */

#if defined(__wasm_simd128__)

#include <wasm_simd128.h>

#include "wt_internal.h"
#include "wt_aes_gcm_simd.h"

/* One 32-bit operand of the fixed factor H, as four v128 (i32x4) vectors:
 * vector v[c] holds the parts whose products with the other operand's parts
 * 0..3 land in residue class c (part k of the other operand meets part
 * (c - k) mod 4 of this one). */
typedef struct {
	v128_t v[4];
} h32;

static void
h32_prep(h32 *p, uint32_t h)
{
	v128_t y = wasm_v128_and(wasm_i32x4_splat((int32_t)h),
		wasm_i32x4_make(0x11111111, 0x22222222, 0x44444444,
			(int32_t)0x88888888));

	p->v[0] = wasm_i32x4_shuffle(y, y, 0, 3, 2, 1);
	p->v[1] = wasm_i32x4_shuffle(y, y, 1, 0, 3, 2);
	p->v[2] = wasm_i32x4_shuffle(y, y, 2, 1, 0, 3);
	p->v[3] = wasm_i32x4_shuffle(y, y, 3, 2, 1, 0);
}

/* Carry-less 32x32 -> 64 product of x (in all four i32 lanes of xs) and
 * the prepared operand, left as
 * two 64-bit lanes whose XOR is the product: the Karatsuba steps below
 * are XORs and lane-wise shifts, so the lanes are only folded once per
 * block. */
static inline v128_t
clmul32(v128_t xs, const h32 *p)
{
	v128_t xx = wasm_v128_and(xs, wasm_i32x4_make(0x11111111, 0x22222222,
		0x44444444, (int32_t)0x88888888));

#define CLASS(c) wasm_v128_and(wasm_v128_xor( \
		wt_extmul_lo(xx, p->v[c]), wt_extmul_hi(xx, p->v[c])), \
		wasm_i64x2_splat((int64_t)(0x1111111111111111u << (c))))
	return wasm_v128_xor(wasm_v128_xor(CLASS(0), CLASS(1)),
		wasm_v128_xor(CLASS(2), CLASS(3)));
#undef CLASS
}

/* H prepared for Karatsuba: for each 64-bit half (and their XOR) its low
 * and high 32-bit limbs and their XOR. */
typedef struct {
	h32 k[9];
} hprep;

static void
prep64(h32 *k, uint64_t h)
{
	h32_prep(&k[0], (uint32_t)h);
	h32_prep(&k[1], (uint32_t)(h >> 32));
	h32_prep(&k[2], (uint32_t)h ^ (uint32_t)(h >> 32));
}

/* Carry-less 64x64 -> 128 by Karatsuba over 32-bit limbs, the limbs of
 * the data operand (low, high, their XOR) given splatted: r[0] and r[1]
 * are the low and high words, each as a lane pair. */
static inline void
clmul64(v128_t r[2], v128_t a0, v128_t a1, v128_t a01, const h32 *k)
{
	v128_t lo, hi, mid;

	lo = clmul32(a0, &k[0]);
	hi = clmul32(a1, &k[1]);
	mid = wasm_v128_xor(clmul32(a01, &k[2]), wasm_v128_xor(lo, hi));
	r[0] = wasm_v128_xor(lo, wasm_i64x2_shl(mid, 32));
	r[1] = wasm_v128_xor(hi, wasm_u64x2_shr(mid, 32));
}

#define SPLAT(v, i) wasm_i32x4_shuffle(v, v, i, i, i, i)

/* (h(a), h(b)) where h folds a lane pair. */
static inline v128_t
fold2(v128_t a, v128_t b)
{
	return wasm_v128_xor(wasm_i64x2_shuffle(a, b, 0, 2),
		wasm_i64x2_shuffle(a, b, 1, 3));
}

/* A block as a 128-bit big-endian integer: i64 lane 0 is the low half,
 * i32 lane 0 the lowest limb. */
static inline v128_t
load_be128(const void *p)
{
	v128_t v = wasm_v128_load(p);

	return wasm_i8x16_shuffle(v, v, 15, 14, 13, 12, 11, 10, 9, 8,
		7, 6, 5, 4, 3, 2, 1, 0);
}

/* Carry-less 128x128 -> 256 product of x and the prepared H, by Karatsuba
 * over 64-bit halves: z[0..3] are its 64-bit words, low first, each as a
 * lane pair. Linear in x, so products can be summed before reduce(). */
static inline void
mul_raw(v128_t z[4], v128_t x, const hprep *hp)
{
	v128_t x1, x2, x3, lo[2], hi[2], mid[2];

	/* Karatsuba limbs: x's i32 lanes are the low half's low and high
	 * limbs, then the high half's; x1 lane 0 (2) = low (high) half's
	 * limbs XORed, x2 = low ^ high half per limb, x3 lane 0 = x2's two
	 * limbs XORed. */
	x1 = wasm_v128_xor(x, wasm_i32x4_shuffle(x, x, 1, 0, 3, 2));
	x2 = wasm_v128_xor(x, wasm_i32x4_shuffle(x, x, 2, 3, 0, 1));
	x3 = wasm_v128_xor(x2, wasm_i32x4_shuffle(x2, x2, 1, 0, 3, 2));
	clmul64(lo, SPLAT(x, 0), SPLAT(x, 1), SPLAT(x1, 0), &hp->k[0]);
	clmul64(hi, SPLAT(x, 2), SPLAT(x, 3), SPLAT(x1, 2), &hp->k[3]);
	clmul64(mid, SPLAT(x2, 0), SPLAT(x2, 1), SPLAT(x3, 0), &hp->k[6]);
	mid[0] = wasm_v128_xor(mid[0], wasm_v128_xor(lo[0], hi[0]));
	mid[1] = wasm_v128_xor(mid[1], wasm_v128_xor(lo[1], hi[1]));
	z[0] = lo[0];
	z[1] = wasm_v128_xor(lo[1], mid[0]);
	z[2] = wasm_v128_xor(hi[0], mid[1]);
	z[3] = hi[1];
}

/*
 * The product of two GCM field elements from mul_raw's output. Reading
 * blocks as big-endian integers reverses the bit order of the polynomials
 * (SP 800-38D 6.3: the first bit is the coefficient of x^0), and the
 * integer carry-less product of two reversed 128-bit values is the
 * reversed 255-bit product, one bit short of a 256-bit reversal: hence
 * the shift by one before reduction.
 */
static inline v128_t
reduce(const v128_t z[4])
{
	v128_t zl = fold2(z[0], z[1]), zh = fold2(z[2], z[3]);
	uint64_t z0, z1, z2, z3, t, y0, y1;

	z0 = (uint64_t)wasm_i64x2_extract_lane(zl, 0);
	z1 = (uint64_t)wasm_i64x2_extract_lane(zl, 1);
	z2 = (uint64_t)wasm_i64x2_extract_lane(zh, 0);
	z3 = (uint64_t)wasm_i64x2_extract_lane(zh, 1);

	/* Shift left by one: z3:z2 now holds the coefficients of x^0..x^127
	 * and z1:z0 those of x^128..x^255, in GCM order. */
	z3 = (z3 << 1) | (z2 >> 63);
	z2 = (z2 << 1) | (z1 >> 63);
	z1 = (z1 << 1) | (z0 >> 63);
	z0 <<= 1;

	/*
	 * Reduce modulo P = x^128 + x^7 + x^2 + x + 1: L(x) x^128 ==
	 * L(x) (1 + x + x^2 + x^7) where L = z1:z0. Multiplying by x^k is a
	 * right shift by k here; the bits shifted out (degrees 128..134, from
	 * z0's low bits) fold once more, and folding them into z1 first lets
	 * one pass of shifts do both.
	 */
	t = z1 ^ (z0 << 63) ^ (z0 << 62) ^ (z0 << 57);
	y1 = z3 ^ t ^ (t >> 1) ^ (t >> 2) ^ (t >> 7);
	y0 = z2 ^ z0 ^ ((z0 >> 1) | (t << 63)) ^ ((z0 >> 2) | (t << 62))
		^ ((z0 >> 7) | (t << 57));
	return wasm_i64x2_make((int64_t)y0, (int64_t)y1);
}

static void
prep128(hprep *hp, v128_t h)
{
	uint64_t h0 = (uint64_t)wasm_i64x2_extract_lane(h, 0);
	uint64_t h1 = (uint64_t)wasm_i64x2_extract_lane(h, 1);

	prep64(&hp->k[0], h0);
	prep64(&hp->k[3], h1);
	prep64(&hp->k[6], h0 ^ h1);
}

/*
 * y <- (y ^ block) * H for each block (SP 800-38D 6.4). Each product
 * depends on the previous one, so one block at a time is bound by the
 * latency of the multiply and reduction; four blocks at a time use
 * y' = (y ^ b0) H^4 ^ b1 H^3 ^ b2 H^2 ^ b3 H (same result, Horner's rule
 * unrolled): four independent products and one reduction. The powers of
 * H cost three products per call, so only calls of 4 blocks or more
 * compute them.
 */
void
wt_ghash_simd(void *y, const void *h, const void *data, size_t len)
{
	const unsigned char *buf = data;
	unsigned char tmp[16];
	v128_t yv, hv[4], z[4], t[4];
	hprep hp[4];
	int i, j, npow = 1;

	hv[0] = load_be128(h);
	prep128(&hp[0], hv[0]);
	yv = load_be128(y);

	if (len >= 64) {
		npow = 4;
		for (i = 1; i < 4; i ++) {
			mul_raw(z, hv[i - 1], &hp[0]);
			hv[i] = reduce(z);
			prep128(&hp[i], hv[i]);
		}
		while (len >= 64) {
			mul_raw(z, wasm_v128_xor(yv, load_be128(buf)), &hp[3]);
			for (i = 1; i < 4; i ++) {
				mul_raw(t, load_be128(buf + (i << 4)), &hp[3 - i]);
				for (j = 0; j < 4; j ++) {
					z[j] = wasm_v128_xor(z[j], t[j]);
				}
			}
			yv = reduce(z);
			buf += 64;
			len -= 64;
		}
	}
	while (len > 0) {
		if (len >= 16) {
			yv = wasm_v128_xor(yv, load_be128(buf));
			buf += 16;
			len -= 16;
		} else {
			/* The last partial block is zero-padded (6.4). */
			memset(tmp, 0, sizeof tmp);
			memcpy(tmp, buf, len);
			yv = wasm_v128_xor(yv, load_be128(tmp));
			len = 0;
		}
		mul_raw(z, yv, &hp[0]);
		yv = reduce(z);
	}
	yv = wasm_i8x16_shuffle(yv, yv, 15, 14, 13, 12, 11, 10, 9, 8,
		7, 6, 5, 4, 3, 2, 1, 0);
	wasm_v128_store(y, yv);
	wt_wipe_v128(&hp[0].k[0].v[0], (size_t)npow * (sizeof hp[0] / 16));
	wt_wipe_v128(hv, 4);
	/* products with H's powers */
	wt_wipe_v128(z, 4);
	wt_wipe_v128(t, 4);
	wt_wipe(tmp, sizeof tmp);
}

#endif
