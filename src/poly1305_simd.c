/*
 * ChaCha20-Poly1305 AEAD (RFC 8439 section 2.8) whose Poly1305 (section
 * 2.5) runs four message blocks at a time with wasm SIMD128.
 *
 * Numbers mod p = 2^130 - 5 are five 26-bit limbs (a limb may carry a
 * bit or two more between reductions), so limb products fit in 64 bits
 * and 2^130 = 5 mod p folds the high products back with a factor 5.
 *
 * Four interleaved Horner chains: lane j of each limb vector accumulates
 * blocks j, j+4, j+8, ... and is multiplied by r^4 per step; the last
 * step multiplies the lanes by r^4, r^3, r^2, r, so that the lane sum is
 * the usual sum of m_i * r^(n-i+1). The 32x32->64 limb products are
 * u64x2 extmul of the u32x4 limbs (low lanes 0-1, high lanes 2-3).
 * The AAD, the partial last block, the footer and any run of fewer than
 * four full blocks take the scalar path (same limbs, one block).
 *
 * Constant time: lengths are public; no branch or index depends on the
 * key, the data or the tag. Signature and semantics are br_poly1305_run
 * (BearSSL's bearssl_block.h, as br_poly1305_ctmul_run): ChaCha20 with
 * counter 0 gives the one-time key, the data is en/decrypted from counter
 * 1, and the caller compares the tag after decryption.
 */

#include "wt_internal.h"
#include "wt_chacha_simd.h"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>

#define MASK26   0x03FFFFFFu

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8)
		| ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void
put_le32(unsigned char *p, uint32_t x)
{
	p[0] = (unsigned char)x;
	p[1] = (unsigned char)(x >> 8);
	p[2] = (unsigned char)(x >> 16);
	p[3] = (unsigned char)(x >> 24);
}

/* 16 little-endian bytes to limbs; hibit is 2^128 (section 2.5: the
 * 0x01 byte appended to each full or zero-padded block) in limb 4. */
static void
block_limbs(uint32_t m[5], const unsigned char *b, uint32_t hibit)
{
	uint32_t w0 = le32(b), w1 = le32(b + 4);
	uint32_t w2 = le32(b + 8), w3 = le32(b + 12);

	m[0] = w0 & MASK26;
	m[1] = ((w0 >> 26) | (w1 << 6)) & MASK26;
	m[2] = ((w1 >> 20) | (w2 << 12)) & MASK26;
	m[3] = ((w2 >> 14) | (w3 << 18)) & MASK26;
	m[4] = (w3 >> 8) | hibit;
}

/*
 * h = h * r mod p, partly reduced: limbs of h below 2^27, of r below
 * 2^26 + 2^6; on output all limbs are below 2^26 but limb 1 (below
 * 2^26 + 2^6). Sums of five products stay below 2^58.
 */
static void
mul_mod(uint32_t h[5], const uint32_t r[5])
{
	uint64_t w0, w1, w2, w3, w4, c;
	uint32_t s1 = r[1] * 5, s2 = r[2] * 5, s3 = r[3] * 5, s4 = r[4] * 5;

#define M(x, y)   ((uint64_t)(x) * (y))
	w0 = M(h[0], r[0]) + M(h[1], s4) + M(h[2], s3) + M(h[3], s2) + M(h[4], s1);
	w1 = M(h[0], r[1]) + M(h[1], r[0]) + M(h[2], s4) + M(h[3], s3) + M(h[4], s2);
	w2 = M(h[0], r[2]) + M(h[1], r[1]) + M(h[2], r[0]) + M(h[3], s4) + M(h[4], s3);
	w3 = M(h[0], r[3]) + M(h[1], r[2]) + M(h[2], r[1]) + M(h[3], r[0]) + M(h[4], s4);
	w4 = M(h[0], r[4]) + M(h[1], r[3]) + M(h[2], r[2]) + M(h[3], r[1]) + M(h[4], r[0]);
#undef M
	c = w0 >> 26; w1 += c;
	c = w1 >> 26; w2 += c;
	c = w2 >> 26; w3 += c;
	c = w3 >> 26; w4 += c;
	/* 2^130 = 5 mod p: the carry out of limb 4 comes back times 5. */
	c = (w0 & MASK26) + (w4 >> 26) * 5;
	h[0] = (uint32_t)c & MASK26;
	h[1] = ((uint32_t)w1 & MASK26) + (uint32_t)(c >> 26);
	h[2] = (uint32_t)w2 & MASK26;
	h[3] = (uint32_t)w3 & MASK26;
	h[4] = (uint32_t)w4 & MASK26;
}

/* One block at a time (section 2.5.1): h = (h + m) * r. A partial block
 * is zero-padded, as the AEAD construction pads each part (section 2.8);
 * its hibit is still 2^128, the padding being part of the message. */
static void
poly_scalar(uint32_t h[5], const uint32_t r[5], const unsigned char *p,
	size_t len)
{
	while (len > 0) {
		unsigned char tmp[16];
		uint32_t m[5];
		int i;

		if (len < 16) {
			memset(tmp, 0, sizeof tmp);
			memcpy(tmp, p, len);
			p = tmp;
			len = 16;
		}
		block_limbs(m, p, 1u << 24);
		for (i = 0; i < 5; i ++) {
			h[i] += m[i];
		}
		mul_mod(h, r);
		p += 16;
		len -= 16;
	}
}

/* Lane-wise (H * R) mod p for four numbers: H limbs below 2^27, R below
 * 2^26 + 2^6, S = 5 * R. Same bounds and partial reduction as mul_mod. */
static inline void
mul_mod_x4(v128_t h[5], const v128_t r[5], const v128_t s[5])
{
	v128_t lo[5], hi[5], mask = wasm_i64x2_splat(MASK26);
	int i, j;

	/* w_i = sum_j h_j * (j <= i ? r_(i-j) : s_(5+i-j)) */
	for (i = 0; i < 5; i ++) {
		lo[i] = wasm_i64x2_splat(0);
		hi[i] = wasm_i64x2_splat(0);
		for (j = 0; j < 5; j ++) {
			v128_t f = j <= i ? r[i - j] : s[5 + i - j];

			lo[i] = wasm_i64x2_add(lo[i],
				wasm_u64x2_extmul_low_u32x4(h[j], f));
			hi[i] = wasm_i64x2_add(hi[i],
				wasm_u64x2_extmul_high_u32x4(h[j], f));
		}
	}
	for (i = 0; i < 4; i ++) {
		lo[i + 1] = wasm_i64x2_add(lo[i + 1], wasm_u64x2_shr(lo[i], 26));
		hi[i + 1] = wasm_i64x2_add(hi[i + 1], wasm_u64x2_shr(hi[i], 26));
		lo[i] = wasm_v128_and(lo[i], mask);
		hi[i] = wasm_v128_and(hi[i], mask);
	}
	{
		v128_t cl = wasm_u64x2_shr(lo[4], 26), ch = wasm_u64x2_shr(hi[4], 26);

		lo[4] = wasm_v128_and(lo[4], mask);
		hi[4] = wasm_v128_and(hi[4], mask);
		/* 2^130 = 5 mod p: the carry out of limb 4 is added times 5. */
		lo[0] = wasm_i64x2_add(lo[0],
			wasm_i64x2_add(cl, wasm_i64x2_shl(cl, 2)));
		hi[0] = wasm_i64x2_add(hi[0],
			wasm_i64x2_add(ch, wasm_i64x2_shl(ch, 2)));
		lo[1] = wasm_i64x2_add(lo[1], wasm_u64x2_shr(lo[0], 26));
		hi[1] = wasm_i64x2_add(hi[1], wasm_u64x2_shr(hi[0], 26));
		lo[0] = wasm_v128_and(lo[0], mask);
		hi[0] = wasm_v128_and(hi[0], mask);
	}
	/* Back to u32x4 limbs: the low halves of the four u64 lanes. */
	for (i = 0; i < 5; i ++) {
		h[i] = wasm_i32x4_shuffle(lo[i], hi[i], 0, 2, 4, 6);
	}
}

/* Four blocks (64 bytes) to lane-wise limbs: lane j is block j. */
static inline void
load_x4(v128_t m[5], const unsigned char *p)
{
	v128_t b0 = wasm_v128_load(p), b1 = wasm_v128_load(p + 16);
	v128_t b2 = wasm_v128_load(p + 32), b3 = wasm_v128_load(p + 48);
	v128_t t0, t1, t2, t3, w0, w1, w2, w3, mask;

	t0 = wasm_i32x4_shuffle(b0, b1, 0, 4, 1, 5);
	t1 = wasm_i32x4_shuffle(b2, b3, 0, 4, 1, 5);
	t2 = wasm_i32x4_shuffle(b0, b1, 2, 6, 3, 7);
	t3 = wasm_i32x4_shuffle(b2, b3, 2, 6, 3, 7);
	w0 = wasm_i64x2_shuffle(t0, t1, 0, 2);
	w1 = wasm_i64x2_shuffle(t0, t1, 1, 3);
	w2 = wasm_i64x2_shuffle(t2, t3, 0, 2);
	w3 = wasm_i64x2_shuffle(t2, t3, 1, 3);
	mask = wasm_i32x4_splat(MASK26);
	m[0] = wasm_v128_and(w0, mask);
	m[1] = wasm_v128_and(wasm_v128_or(wasm_u32x4_shr(w0, 26),
		wasm_i32x4_shl(w1, 6)), mask);
	m[2] = wasm_v128_and(wasm_v128_or(wasm_u32x4_shr(w1, 20),
		wasm_i32x4_shl(w2, 12)), mask);
	m[3] = wasm_v128_and(wasm_v128_or(wasm_u32x4_shr(w2, 14),
		wasm_i32x4_shl(w3, 18)), mask);
	m[4] = wasm_v128_or(wasm_u32x4_shr(w3, 8), wasm_i32x4_splat(1 << 24));
}

/*
 * Absorb len bytes (zero-padded to a block multiple). rp[k] is r^(k+1).
 * Runs of at least four full blocks go through the four-lane chains,
 * h entering lane 0 (it multiplies the first block's power of r).
 */
static void
poly_update(uint32_t h[5], const uint32_t rp[4][5], const unsigned char *p,
	size_t len)
{
	size_t nq = len >> 6;

	if (nq > 0) {
		v128_t hv[5], r4[5], s4[5], rl[5], sl[5], m[5];
		size_t q;
		int i;

		for (i = 0; i < 5; i ++) {
			hv[i] = wasm_i32x4_make((int32_t)h[i], 0, 0, 0);
			r4[i] = wasm_i32x4_splat((int32_t)rp[3][i]);
			s4[i] = wasm_i32x4_mul(r4[i], wasm_i32x4_splat(5));
			rl[i] = wasm_i32x4_make((int32_t)rp[3][i],
				(int32_t)rp[2][i], (int32_t)rp[1][i],
				(int32_t)rp[0][i]);
			sl[i] = wasm_i32x4_mul(rl[i], wasm_i32x4_splat(5));
		}
		for (q = 0; q < nq; q ++) {
			load_x4(m, p);
			for (i = 0; i < 5; i ++) {
				hv[i] = wasm_i32x4_add(hv[i], m[i]);
			}
			if (q + 1 < nq) {
				mul_mod_x4(hv, r4, s4);
			} else {
				mul_mod_x4(hv, rl, sl);
			}
			p += 64;
		}
		/* Sum of the four lanes (each limb below 2^26 + 2^6), then
		 * one carry pass so that limbs are back below 2^26 (but
		 * limb 1, slightly above), as mul_mod expects. */
		for (i = 0; i < 5; i ++) {
			h[i] = (uint32_t)wasm_i32x4_extract_lane(hv[i], 0)
				+ (uint32_t)wasm_i32x4_extract_lane(hv[i], 1)
				+ (uint32_t)wasm_i32x4_extract_lane(hv[i], 2)
				+ (uint32_t)wasm_i32x4_extract_lane(hv[i], 3);
		}
		for (i = 0; i < 4; i ++) {
			h[i + 1] += h[i] >> 26;
			h[i] &= MASK26;
		}
		h[0] += (h[4] >> 26) * 5;
		h[4] &= MASK26;
		h[1] += h[0] >> 26;
		h[0] &= MASK26;
		len &= 63;
		wt_wipe(hv, sizeof hv);
		wt_wipe(m, sizeof m);
		wt_wipe(r4, sizeof r4);
		wt_wipe(s4, sizeof s4);
		wt_wipe(rl, sizeof rl);
		wt_wipe(sl, sizeof sl);
	}
	poly_scalar(h, rp[0], p, len);
}

/*
 * Final reduction (section 2.5.1: the accumulator mod p, then + s mod
 * 2^128) into the 16-byte tag.
 */
static void
poly_finish(uint32_t h[5], const unsigned char *s, unsigned char *tag)
{
	uint32_t g[5], c, sel;
	uint64_t w;
	int i;

	/* One carry pass makes every limb < 2^26 (h < 2^130): mul_mod
	 * leaves limbs 0, 2, 3, 4 below 2^26, so a carry reaches limb 4
	 * and folds back only after limb 1 overflowed, leaving it below
	 * 2^6: the final carry from limb 0 cannot push it to 2^26. */
	for (i = 0; i < 4; i ++) {
		h[i + 1] += h[i] >> 26;
		h[i] &= MASK26;
	}
	h[0] += (h[4] >> 26) * 5;
	h[4] &= MASK26;
	h[1] += h[0] >> 26;
	h[0] &= MASK26;
	/* g = h + 5 - 2^130; h >= p exactly when that does not borrow,
	 * i.e. when bit 26 of g[4] (before masking) is set. */
	c = 5;
	for (i = 0; i < 5; i ++) {
		g[i] = h[i] + c;
		c = g[i] >> 26;
		g[i] &= MASK26;
	}
	sel = -c;  /* all ones when h >= p */
	for (i = 0; i < 5; i ++) {
		h[i] = (h[i] & ~sel) | (g[i] & sel);
	}
	/* To 128 bits (the top two bits of the 130 drop out) plus s. */
	w = (uint64_t)(h[0] | (h[1] << 26)) + le32(s);
	put_le32(tag, (uint32_t)w);
	w = (w >> 32) + (uint32_t)((h[1] >> 6) | (h[2] << 20)) + le32(s + 4);
	put_le32(tag + 4, (uint32_t)w);
	w = (w >> 32) + (uint32_t)((h[2] >> 12) | (h[3] << 14)) + le32(s + 8);
	put_le32(tag + 8, (uint32_t)w);
	w = (w >> 32) + (uint32_t)((h[3] >> 18) | (h[4] << 8)) + le32(s + 12);
	put_le32(tag + 12, (uint32_t)w);
	wt_wipe(g, sizeof g);
}

void
wt_poly1305_simd_run(const void *key, const void *iv, void *data,
	size_t len, const void *aad, size_t aad_len, void *tag,
	br_chacha20_run ichacha, int encrypt)
{
	unsigned char pkey[32], foot[16];
	uint32_t rp[4][5], h[5];
	int k;

	/* Section 2.6: the one-time key is the first 32 bytes of the
	 * block with counter 0; the data uses counters from 1 (2.8). */
	memset(pkey, 0, sizeof pkey);
	ichacha(key, iv, 0, pkey, sizeof pkey);
	if (encrypt) {
		ichacha(key, iv, 1, data, len);
	}

	/* r clamped (section 2.5: top four bits of bytes 3, 7, 11, 15 and
	 * bottom two of bytes 4, 8, 12 cleared), then r^2, r^3, r^4. */
	block_limbs(rp[0], pkey, 0);
	rp[0][1] &= 0x03FFFF03;
	rp[0][2] &= 0x03FFC0FF;
	rp[0][3] &= 0x03F03FFF;
	rp[0][4] &= 0x000FFFFF;
	for (k = 1; k < 4; k ++) {
		memcpy(rp[k], rp[k - 1], sizeof rp[k]);
		mul_mod(rp[k], rp[0]);
	}

	/* Section 2.8: AAD, pad, ciphertext, pad, le64 lengths. */
	memset(h, 0, sizeof h);
	put_le32(foot, (uint32_t)aad_len);
	put_le32(foot + 4, (uint32_t)((uint64_t)aad_len >> 32));
	put_le32(foot + 8, (uint32_t)len);
	put_le32(foot + 12, (uint32_t)((uint64_t)len >> 32));
	poly_update(h, (const uint32_t (*)[5])rp, aad, aad_len);
	poly_update(h, (const uint32_t (*)[5])rp, data, len);
	poly_scalar(h, rp[0], foot, sizeof foot);
	poly_finish(h, pkey + 16, tag);

	if (!encrypt) {
		ichacha(key, iv, 1, data, len);
	}
	wt_wipe(pkey, sizeof pkey);
	wt_wipe(rp, sizeof rp);
	wt_wipe(h, sizeof h);
}

#endif
