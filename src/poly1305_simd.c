/*
 * Poly1305 (RFC 8439 2.5) on wasm SIMD128, in the ChaCha20-Poly1305 AEAD
 * (2.8): a drop-in br_poly1305_run, constant time.
 *
 * Numbers mod p = 2^130 - 5 are five 26-bit limbs (as in poly1305-donna
 * and BearSSL's poly1305_ctmul), so a limb product fits 64 bits with room
 * for sums, and a carry out of the top limb comes back times 5
 * (2^130 = 5 mod p). The state is five i32x4 vectors, one lane per block
 * in flight. The record's blocks go four at a time: Horner's rule
 * h = (h + m_i) r unrolled four ways gives
 *     lane l:  h_l = (h_l + m_{4j+l}) r^4   for each group j but the last,
 *              and (h_l + m) r^(4-l) for the last,
 * and the sum of the four lanes is h (lane 0 starts with the h so far).
 * Everything else (the AAD, the tail, the lengths; r's powers) goes one
 * block at a time in lane 0, multiplied by (r, 0, 0, 0), through the same
 * code: one multiply routine keeps the module small (issue 15's size
 * budget). The limb products are i64x2.extmul_{low,high}_i32x4_u, which
 * the engines compile to the CPU's 32x32->64 vector multiply (pmuludq):
 * 12.5 multiply instructions per block where the scalar code needs 25
 * i64.mul, and four independent chains instead of one. The file is built
 * with the cold code's -Os; its inner helpers are always inlined.
 */

#if defined(__wasm_simd128__)

#include <string.h>
#include <wasm_simd128.h>

#include "wt_internal.h"
#include "wt_simd128.h"
#include "wt_chacha_simd.h"

#define MASK26 0x3FFFFFFu

static const uint32_t zero[5];

static uint32_t
dec32le(const unsigned char *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8)
		| ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void
enc32le(unsigned char *p, uint32_t x)
{
	p[0] = (unsigned char)x;
	p[1] = (unsigned char)(x >> 8);
	p[2] = (unsigned char)(x >> 16);
	p[3] = (unsigned char)(x >> 24);
}

/* One half (two lanes) of the column sums, carried: limbs < 2^26 except
 * w[1] < 2^26 + 2^10; a carry past 2^130 comes back times 5. */
static inline __attribute__((always_inline)) void
carry2(v128_t w[5])
{
	const v128_t m = wasm_i64x2_splat(MASK26);
	v128_t c;

	w[1] = wasm_i64x2_add(w[1], wasm_u64x2_shr(w[0], 26));
	w[2] = wasm_i64x2_add(w[2], wasm_u64x2_shr(w[1], 26));
	w[3] = wasm_i64x2_add(w[3], wasm_u64x2_shr(w[2], 26));
	w[4] = wasm_i64x2_add(w[4], wasm_u64x2_shr(w[3], 26));
	c = wasm_u64x2_shr(w[4], 26);
	w[0] = wasm_i64x2_add(wasm_v128_and(w[0], m),
		wasm_i64x2_add(c, wasm_i64x2_shl(c, 2)));
	w[1] = wasm_i64x2_add(wasm_v128_and(w[1], m), wasm_u64x2_shr(w[0], 26));
	w[0] = wasm_v128_and(w[0], m);
	w[2] = wasm_v128_and(w[2], m);
	w[3] = wasm_v128_and(w[3], m);
	w[4] = wasm_v128_and(w[4], m);
}

/* h = h k lane by lane: k[i] the multiplier's limbs, s[i] = 5 k[i].
 * Bounds: h limbs < 2^28.5, k limbs < 2^26 + 2^10 (so 5 k < 2^28.4): a
 * column of five products < 2^59.2. Out: limbs < 2^26, h[1] < 2^26 + 2^10. */
static __attribute__((noinline)) void
mul4(v128_t h[5], const v128_t k[5], const v128_t s[5])
{
	v128_t lo[5], hi[5];

#define COL(ext, x0, x1, x2, x3, x4) wasm_i64x2_add(wasm_i64x2_add( \
		wasm_i64x2_add(ext(h[0], x0), ext(h[1], x1)), \
		wasm_i64x2_add(ext(h[2], x2), ext(h[3], x3))), ext(h[4], x4))
#define COLS(ext, w) \
	w[0] = COL(ext, k[0], s[4], s[3], s[2], s[1]); \
	w[1] = COL(ext, k[1], k[0], s[4], s[3], s[2]); \
	w[2] = COL(ext, k[2], k[1], k[0], s[4], s[3]); \
	w[3] = COL(ext, k[3], k[2], k[1], k[0], s[4]); \
	w[4] = COL(ext, k[4], k[3], k[2], k[1], k[0]);
	COLS(wt_extmul_lo, lo)
	COLS(wt_extmul_hi, hi)
#undef COLS
#undef COL
	carry2(lo);
	carry2(hi);
	/* back to one i32 lane per block: the low words of both halves
	 * (written out: a loop here made -Os keep lo and hi, products of
	 * secrets, in a stack frame that nothing wiped) */
	h[0] = wasm_i32x4_shuffle(lo[0], hi[0], 0, 2, 4, 6);
	h[1] = wasm_i32x4_shuffle(lo[1], hi[1], 0, 2, 4, 6);
	h[2] = wasm_i32x4_shuffle(lo[2], hi[2], 0, 2, 4, 6);
	h[3] = wasm_i32x4_shuffle(lo[3], hi[3], 0, 2, 4, 6);
	h[4] = wasm_i32x4_shuffle(lo[4], hi[4], 0, 2, 4, 6);
}

/* h += four blocks (64 bytes at p), block l in lane l, as limbs. */
static __attribute__((noinline)) void
add4(v128_t h[5], const unsigned char *p)
{
	const v128_t m = wasm_i32x4_splat(MASK26);
	v128_t b0 = wasm_v128_load(p), b1 = wasm_v128_load(p + 16);
	v128_t b2 = wasm_v128_load(p + 32), b3 = wasm_v128_load(p + 48);
	/* transpose: wj lane l = 32-bit word j of block l */
	v128_t t0 = wasm_i32x4_shuffle(b0, b1, 0, 4, 1, 5);
	v128_t t1 = wasm_i32x4_shuffle(b2, b3, 0, 4, 1, 5);
	v128_t t2 = wasm_i32x4_shuffle(b0, b1, 2, 6, 3, 7);
	v128_t t3 = wasm_i32x4_shuffle(b2, b3, 2, 6, 3, 7);
	v128_t w0 = wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5);
	v128_t w1 = wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7);
	v128_t w2 = wasm_i32x4_shuffle(t2, t3, 0, 1, 4, 5);
	v128_t w3 = wasm_i32x4_shuffle(t2, t3, 2, 3, 6, 7);

	h[0] = wasm_i32x4_add(h[0], wasm_v128_and(w0, m));
	h[1] = wasm_i32x4_add(h[1], wasm_v128_and(wasm_v128_or(
		wasm_u32x4_shr(w0, 26), wasm_i32x4_shl(w1, 6)), m));
	h[2] = wasm_i32x4_add(h[2], wasm_v128_and(wasm_v128_or(
		wasm_u32x4_shr(w1, 20), wasm_i32x4_shl(w2, 12)), m));
	h[3] = wasm_i32x4_add(h[3], wasm_v128_and(wasm_v128_or(
		wasm_u32x4_shr(w2, 14), wasm_i32x4_shl(w3, 18)), m));
	h[4] = wasm_i32x4_add(h[4], wasm_v128_or(wasm_u32x4_shr(w3, 8),
		wasm_i32x4_splat(1 << 24)));
}

/* k = the multiplier (a, b, c, d) given as limbs per lane, s = 5 k. */
static void
set_mult(v128_t k[5], v128_t s[5], const uint32_t a[5], const uint32_t b[5],
	const uint32_t c[5], const uint32_t d[5])
{
	int i;

	for (i = 0; i < 5; i ++) {
		k[i] = wasm_i32x4_make((int32_t)a[i], (int32_t)b[i],
			(int32_t)c[i], (int32_t)d[i]);
		s[i] = wasm_i32x4_add(wasm_i32x4_shl(k[i], 2), k[i]);
	}
}

/* h = (h + block) r one 16-byte block at a time, in lane 0 (k1 = (r, 0,
 * 0, 0): the other lanes' 2^128 bits are multiplied by 0). A partial
 * last block is zero-padded, as the AEAD's pad16 does (2.8). */
static void
absorb(v128_t h[5], const v128_t k1[5], const v128_t s1[5],
	const unsigned char *p, size_t len)
{
	unsigned char blk[64];

	memset(blk, 0, sizeof blk);
	while (len > 0) {
		size_t n = len < 16 ? len : 16;

		memcpy(blk, p, n);
		memset(blk + n, 0, 16 - n);
		add4(h, blk);
		mul4(h, k1, s1);
		p += n;
		len -= n;
	}
	wt_wipe(blk, sizeof blk);
}

/* Lane 0 of v as five limbs, or lane 1 when second. */
static void
lane_limbs(uint32_t out[5], const v128_t v[5], int second)
{
	int i;

	for (i = 0; i < 5; i ++) {
		/* extract_lane wants a constant lane */
		v128_t x = second ? wasm_i32x4_shuffle(v[i], v[i], 1, 0, 0, 0) : v[i];
		out[i] = (uint32_t)wasm_i32x4_extract_lane(x, 0);
	}
}

/* h = h + the n >= 1 groups of 64 bytes at p by the four lanes (h in lane
 * 0 before and after). */
static void
blocks4(v128_t h[5], const uint32_t r[5], const unsigned char *p, size_t n)
{
	v128_t k[5], s[5], t[5];
	uint32_t r2[5], r3[5], r4[5];
	int i;

	/* r's powers: (r, ...) r = r^2, then (r^2, r^2) (r, r^2) = (r^3, r^4) */
	set_mult(k, s, r, r, r, r);
	memcpy(t, k, sizeof t);
	mul4(t, k, s);
	lane_limbs(r2, t, 0);
	set_mult(k, s, r, r2, zero, zero);
	mul4(t, k, s);
	lane_limbs(r3, t, 0);
	lane_limbs(r4, t, 1);

	set_mult(k, s, r4, r4, r4, r4);
	for (; n > 1; n --, p += 64) {
		add4(h, p);
		mul4(h, k, s);
	}
	set_mult(k, s, r4, r3, r2, r);
	add4(h, p);
	mul4(h, k, s);
	/* the sum of the lanes into lane 0: limbs < 4 (2^26 + 2^10) */
	for (i = 0; i < 5; i ++) {
		v128_t v = wasm_i32x4_add(h[i], wasm_i32x4_shuffle(h[i], h[i], 2, 3, 0, 1));

		v = wasm_i32x4_add(v, wasm_i32x4_shuffle(v, v, 1, 0, 3, 2));
		h[i] = wasm_v128_and(v, wasm_i32x4_make(-1, 0, 0, 0));
	}
	wt_wipe_v128(k, 5);
	wt_wipe_v128(s, 5);
	wt_wipe_v128(t, 5);
	wt_wipe(r2, sizeof r2);
	wt_wipe(r3, sizeof r3);
	wt_wipe(r4, sizeof r4);
}

/* Carries h into limbs < 2^26 each (value < 2^130, still = h mod p).
 * Two passes: the first leaves at most a small carry into h[0], which the
 * second takes up; when that one still folds a carry out of the top,
 * h[1..4] have all just carried (they are 0), so the last step ends it. */
static void
carry_full(uint32_t h[5])
{
	uint32_t c;
	int i, pass;

	for (pass = 0; pass < 2; pass ++) {
		for (i = 0; i < 4; i ++) {
			h[i + 1] += h[i] >> 26;
			h[i] &= MASK26;
		}
		c = h[4] >> 26;
		h[4] &= MASK26;
		h[0] += c * 5;
	}
	h[1] += h[0] >> 26;
	h[0] &= MASK26;
}

/* tag = (h mod p) + s mod 2^128 (2.5.1), h fully reduced in constant
 * time: h >= p exactly when h + 5 carries out of 2^130, and then h + 5
 * without that carry is h - p. */
static void
finish(unsigned char tag[16], uint32_t h[5], const unsigned char s[16])
{
	uint32_t g[5], c, take_g;
	uint64_t f;
	int i;

	carry_full(h);
	c = 5;
	for (i = 0; i < 5; i ++) {
		g[i] = h[i] + c;
		c = g[i] >> 26;
		g[i] &= MASK26;
	}
	take_g = (uint32_t)0 - c;   /* c is 0 or 1 */
	for (i = 0; i < 5; i ++) {
		h[i] = (h[i] & ~take_g) | (g[i] & take_g);
	}
	/* the low 128 bits as four words, plus s */
	f = (uint64_t)(h[0] | (h[1] << 26)) + dec32le(s);
	enc32le(tag, (uint32_t)f);
	f = (f >> 32) + ((h[1] >> 6) | (h[2] << 20)) + dec32le(s + 4);
	enc32le(tag + 4, (uint32_t)f);
	f = (f >> 32) + ((h[2] >> 12) | (h[3] << 14)) + dec32le(s + 8);
	enc32le(tag + 8, (uint32_t)f);
	f = (f >> 32) + ((h[3] >> 18) | (h[4] << 8)) + dec32le(s + 12);
	enc32le(tag + 12, (uint32_t)f);
	wt_wipe(g, sizeof g);
}

/* r from the key's first 16 bytes, clamped (2.5.1), as limbs. */
static void
clamp_r(uint32_t r[5], const unsigned char *k)
{
	r[0] = dec32le(k) & 0x3FFFFFF;
	r[1] = (dec32le(k + 3) >> 2) & 0x3FFFF03;
	r[2] = (dec32le(k + 6) >> 4) & 0x3FFC0FF;
	r[3] = (dec32le(k + 9) >> 6) & 0x3F03FFF;
	r[4] = (dec32le(k + 12) >> 8) & 0x00FFFFF;
}

/* The MAC's start from the 32-byte one-time key: r (clamped limbs), the
 * one-block multiplier k1 = (r, 0, 0, 0) with s1 = 5 k1, and h = 0. */
static void
poly_start(uint32_t r[5], v128_t h[5], v128_t k1[5], v128_t s1[5],
	const unsigned char *key)
{
	int i;

	clamp_r(r, key);
	set_mult(k1, s1, r, zero, zero, zero);
	for (i = 0; i < 5; i ++) {
		h[i] = wasm_i32x4_splat(0);
	}
}

/* Below this many bytes of ciphertext the powers of r cost more than
 * the four lanes save. */
#define SIMD_MIN 256

void
wt_poly1305_simd_run(const void *key, const void *iv, void *data, size_t len,
	const void *aad, size_t aad_len, void *tag, br_chacha20_run ichacha,
	int encrypt)
{
	unsigned char pkey[32], foot[16];
	uint32_t r[5], hs[5];
	v128_t h[5], k1[5], s1[5];
	size_t simd_len = 0;

	/* One-time key: the first 32 bytes of the block with counter 0
	 * (2.6); the data uses counters from 1. Encrypt, then MAC the
	 * ciphertext; to decrypt, MAC first. */
	memset(pkey, 0, sizeof pkey);
	ichacha(key, iv, 0, pkey, sizeof pkey);
	if (encrypt) {
		ichacha(key, iv, 1, data, len);
	}

	poly_start(r, h, k1, s1, pkey);

	/* mac_data = aad | pad16 | ciphertext | pad16 | le64 lengths (2.8) */
	absorb(h, k1, s1, aad, aad_len);
	if (len >= SIMD_MIN) {
		simd_len = len & ~(size_t)63;
		blocks4(h, r, data, simd_len >> 6);
	}
	absorb(h, k1, s1, (const unsigned char *)data + simd_len, len - simd_len);
	enc32le(foot, (uint32_t)aad_len);
	enc32le(foot + 4, (uint32_t)((uint64_t)aad_len >> 32));
	enc32le(foot + 8, (uint32_t)len);
	enc32le(foot + 12, (uint32_t)((uint64_t)len >> 32));
	absorb(h, k1, s1, foot, sizeof foot);
	lane_limbs(hs, h, 0);
	finish(tag, hs, pkey + 16);

	if (!encrypt) {
		ichacha(key, iv, 1, data, len);
	}
	wt_wipe(pkey, sizeof pkey);
	wt_wipe(r, sizeof r);
	wt_wipe(hs, sizeof hs);
	wt_wipe_v128(h, 5);
	wt_wipe_v128(k1, 5);
	wt_wipe_v128(s1, 5);
}

#endif
