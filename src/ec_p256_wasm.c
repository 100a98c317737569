/*
 * ec_p256_wasm: P-256 (secp256r1, FIPS 186-4 D.1.2.3) as a br_ec_impl,
 * for builds without a 64x64->128 multiply. BearSSL's br_ec_p256_m31
 * works on nine 30-bit words, where p's special form does not line up
 * with the word boundaries; here a field element is eight saturated
 * 32-bit words (always fully reduced, below p), a product is 64
 * 32x32->64 multiplications (one i64.mul each in wasm) and the 512-bit
 * result is reduced with the NIST fast reduction of FIPS 186-4 D.2.3
 * (Solinas: p = 2^256 - 2^224 + 2^192 + 2^96 - 1, so the high words fold
 * back as signed sums of words, done in int64 columns: no multiplication).
 *
 * Points are Jacobian (X/Z^2, Y/Z^3), Z = 0 for the point at infinity,
 * with the a = -3 doubling and the usual addition formulas (the same as
 * ec_p256_m31.c, so results are bit for bit the same).
 *  - mul(): fixed 4-bit window over a table of 1P..15P read with a
 *    constant-time scan: 256 doublings and 64 additions (m31: 2-bit
 *    window, 128 additions).
 *  - mulgen(): a 4-teeth comb (Lim-Lee) with 64-bit spacing over 15
 *    precomputed affine points (tools/gen_p256_comb.mjs): 64 doublings
 *    and 64 mixed additions (m31: 256 doublings).
 *  - muladd(): x A + y B (or y G) by interleaved width-5 NAFs (Straus):
 *    257 shared doublings, about 86 additions. VARIABLE TIME: it is
 *    BearSSL's entry point for ECDSA verification only, where the
 *    scalars (from the signature and hash) and points are public.
 * Scalars are big-endian and must be below the order n (as BearSSL's
 * API says; mulgen and muladd read only the last 32 bytes); mul/mulgen
 * are then never in an exceptional case of the
 * addition formulas (the window and comb partial sums are distinct
 * nonzero multiples below n), except the point at infinity at the start,
 * which a mask flag handles as in m31.
 *
 * API semantics are br_ec_p256_m31's: points are 65-byte uncompressed
 * (0x04 || X || Y); mul() returns 0 for a wrong length, a bad first byte,
 * a coordinate >= p or a point off the curve (and then its output is
 * meaningless) and 1 otherwise, writing x*P (all-zero coordinates for
 * the point at infinity); muladd() returns 0 for a bad point or when the
 * sum is the point at infinity. One deliberate difference: when x*A or
 * y*B is the point at infinity (a zero scalar: an ECDSA hash that is
 * 0 mod n), m31 computes a wrong sum (twice the other point) and this
 * file the right one.
 *
 * Constant time (mul, mulgen, the field arithmetic): no branch or memory
 * index depends on a scalar or a coordinate; conditional copies and
 * table reads are masks. muladd() is not (see above).
 */

#include <string.h>

#include "wt_internal.h"
#include "wt_ec.h"

typedef uint32_t fe[8];

typedef struct {
	fe x, y, z;
} jac;

typedef struct {
	fe x, y;
} aff;

/* p, little-endian 32-bit words. */
static const fe P256_P = {
	0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0x00000000,
	0x00000000, 0x00000000, 0x00000001, 0xFFFFFFFF
};

static const fe P256_ONE = { 1, 0, 0, 0, 0, 0, 0, 0 };

/* b of y^2 = x^3 - 3x + b. */
static const fe P256_B = {
	0x27D2604B, 0x3BCE3C3E, 0xCC53B0F6, 0x651D06B0,
	0x769886BC, 0xB3EBBD55, 0xAA3A93E7, 0x5AC635D8
};

/* 0xFFFFFFFF if ctl is 1, 0 if ctl is 0. */
static inline uint32_t
mask32(uint32_t ctl)
{
	return -ctl;
}

/* d = a - p if that does not borrow or if hi (a 257th bit) is set,
 * else a; for a < 2p this is a mod p. */
static void
fe_reduce_once(fe d, const fe a, uint32_t hi)
{
	fe t;
	int64_t w = 0;
	uint32_t m;
	int i;

	for (i = 0; i < 8; i ++) {
		w += (int64_t)a[i] - P256_P[i];
		t[i] = (uint32_t)w;
		w >>= 32;
	}
	/* w is -1 on borrow, 0 otherwise */
	m = mask32(hi | (uint32_t)(w + 1));
	for (i = 0; i < 8; i ++) {
		d[i] = a[i] ^ (m & (a[i] ^ t[i]));
	}
}

static void
fe_add(fe d, const fe a, const fe b)
{
	fe s;
	uint64_t w = 0;
	int i;

	for (i = 0; i < 8; i ++) {
		w += (uint64_t)a[i] + b[i];
		s[i] = (uint32_t)w;
		w >>= 32;
	}
	fe_reduce_once(d, s, (uint32_t)w);
}

static void
fe_sub(fe d, const fe a, const fe b)
{
	int64_t w = 0;
	uint64_t c = 0;
	uint32_t m;
	fe t;
	int i;

	for (i = 0; i < 8; i ++) {
		w += (int64_t)a[i] - b[i];
		t[i] = (uint32_t)w;
		w >>= 32;
	}
	/* on borrow (w = -1) add p back */
	m = (uint32_t)w;
	for (i = 0; i < 8; i ++) {
		c += (uint64_t)t[i] + (P256_P[i] & m);
		d[i] = (uint32_t)c;
		c >>= 32;
	}
}

/* d = c mod p for a 512-bit c (16 words), FIPS 186-4 D.2.3: the sum
 * s1 + 2 s2 + 2 s3 + s4 + s5 - d1 - d2 - d3 - d4 column by column
 * (each column is a signed sum of at most 9 words), carried, then the
 * signed carry k out of the top (|k| <= 5) folded back twice with
 * 2^256 = 2^224 - 2^192 - 2^96 + 1 (mod p): after the first fold the
 * carry is -1, 0 or 1, and when it is not 0 the low part is so close to
 * 0 or 2^256 that the second fold cannot carry. Left in [0, 2^256): one
 * conditional subtraction of p. */
static void
fe_reduce(fe d, const uint32_t *c)
{
	int64_t a[8], k;
	int i, r;

#define C(i)   ((int64_t)c[i])
	a[0] = C(0) + C(8) + C(9) - C(11) - C(12) - C(13) - C(14);
	a[1] = C(1) + C(9) + C(10) - C(12) - C(13) - C(14) - C(15);
	a[2] = C(2) + C(10) + C(11) - C(13) - C(14) - C(15);
	a[3] = C(3) + 2 * (C(11) + C(12)) + C(13) - C(15) - C(8) - C(9);
	a[4] = C(4) + 2 * (C(12) + C(13)) + C(14) - C(9) - C(10);
	a[5] = C(5) + 2 * (C(13) + C(14)) + C(15) - C(10) - C(11);
	a[6] = C(6) + 3 * C(14) + 2 * C(15) + C(13) - C(8) - C(9);
	a[7] = C(7) + 3 * C(15) + C(8) - C(10) - C(11) - C(12) - C(13);
#undef C
	k = 0;
	for (r = 0; r < 3; r ++) {
		if (r > 0) {
			a[0] += k;
			a[3] -= k;
			a[6] -= k;
			a[7] += k;
			k = 0;
		}
		for (i = 0; i < 8; i ++) {
			a[i] += k;
			k = a[i] >> 32;
			a[i] = (int64_t)(uint32_t)a[i];
		}
	}
	for (i = 0; i < 8; i ++) {
		d[i] = (uint32_t)a[i];
	}
	fe_reduce_once(d, d, 0);
}

/* d = a * b mod p: 8x8 schoolbook by rows; each step a[i]*b[j] + r + c
 * is at most (2^32-1)^2 + 2(2^32-1) = 2^64 - 1. */
static void
fe_mul(fe d, const fe a, const fe b)
{
	uint32_t r[16];
	int i, j;

	memset(r, 0, sizeof r);
#pragma clang loop unroll(full)
	for (i = 0; i < 8; i ++) {
		uint64_t c = 0;
		uint64_t ai = a[i];

#pragma clang loop unroll(full)
		for (j = 0; j < 8; j ++) {
			c += ai * b[j] + r[i + j];
			r[i + j] = (uint32_t)c;
			c >>= 32;
		}
		r[i + 8] = (uint32_t)c;
	}
	fe_reduce(d, r);
}

/* d = a^2 mod p: the 28 products a[i]a[j] (i < j) once, doubled by a
 * shift, plus the 8 squares. */
static void
fe_sq(fe d, const fe a)
{
	uint32_t r[16];
	uint64_t c;
	int i, j;

	memset(r, 0, sizeof r);
#pragma clang loop unroll(full)
	for (i = 0; i < 7; i ++) {
		uint64_t ai = a[i];

		c = 0;
#pragma clang loop unroll(full)
		for (j = i + 1; j < 8; j ++) {
			c += ai * a[j] + r[i + j];
			r[i + j] = (uint32_t)c;
			c >>= 32;
		}
		r[i + 8] = (uint32_t)c;
	}
	r[15] = r[14] >> 31;
	for (i = 14; i > 0; i --) {
		r[i] = (r[i] << 1) | (r[i - 1] >> 31);
	}
	r[0] <<= 1;
	c = 0;
	for (i = 0; i < 8; i ++) {
		uint64_t s = (uint64_t)a[i] * a[i];

		c += (uint64_t)r[2 * i] + (uint32_t)s;
		r[2 * i] = (uint32_t)c;
		c >>= 32;
		c += (uint64_t)r[2 * i + 1] + (s >> 32);
		r[2 * i + 1] = (uint32_t)c;
		c >>= 32;
	}
	fe_reduce(d, r);
}

/* 1 if a == 0 (a reduced), else 0. */
static uint32_t
fe_iszero(const fe a)
{
	uint32_t z = 0;
	int i;

	for (i = 0; i < 8; i ++) {
		z |= a[i];
	}
	return 1 - ((z | -z) >> 31);
}

/* d = a^(p-2) = 1/a (0 for a = 0). p - 2 is, from the top bit: 32 ones,
 * 31 zeros, a one, 96 zeros, 94 ones, a zero, a one. With t = a^(2^31-1)
 * the ones come in at most seven multiplications after the squarings. */
static void
fe_invert(fe d, const fe a)
{
	fe t, r;
	int i;

	memcpy(t, a, sizeof t);
	for (i = 0; i < 30; i ++) {
		fe_sq(t, t);
		fe_mul(t, t, a);
	}
	memcpy(r, a, sizeof r);
	for (i = 1; i < 256; i ++) {
		fe_sq(r, r);
		switch (i) {
		case 31: case 190: case 221: case 252:
			fe_mul(r, r, t);
			break;
		case 63: case 253: case 255:
			fe_mul(r, r, a);
			break;
		}
	}
	memcpy(d, r, sizeof r);
	/* powers of a secret-derived Z (k*P's projective coordinates) */
	wt_wipe(t, sizeof t);
	wt_wipe(r, sizeof r);
}

/* Big-endian 32 bytes to words; returns 1 if the value is below p. */
static uint32_t
fe_decode(fe d, const unsigned char *s)
{
	int64_t w = 0;
	int i;

	for (i = 0; i < 8; i ++) {
		const unsigned char *q = s + 28 - 4 * i;

		d[i] = ((uint32_t)q[0] << 24) | ((uint32_t)q[1] << 16)
			| ((uint32_t)q[2] << 8) | q[3];
	}
	for (i = 0; i < 8; i ++) {
		w += (int64_t)d[i] - P256_P[i];
		w >>= 32;
	}
	return (uint32_t)-w;   /* borrow: d < p */
}

static void
fe_encode(unsigned char *s, const fe a)
{
	int i;

	for (i = 0; i < 8; i ++) {
		unsigned char *q = s + 28 - 4 * i;

		q[0] = (unsigned char)(a[i] >> 24);
		q[1] = (unsigned char)(a[i] >> 16);
		q[2] = (unsigned char)(a[i] >> 8);
		q[3] = (unsigned char)a[i];
	}
}

/* Copies src over dst (n bytes, word-aligned structs) when ctl is 1. */
static void
ccopy32(uint32_t ctl, void *dst, const void *src, size_t n)
{
	uint32_t *d = dst;
	const uint32_t *s = src;
	uint32_t m = mask32(ctl);
	size_t i;

	for (i = 0; i < n / 4; i ++) {
		d[i] ^= m & (d[i] ^ s[i]);
	}
}

/* 1 if x == y (small public or secret values), else 0; no branch. */
static inline uint32_t
eq32(uint32_t x, uint32_t y)
{
	uint32_t q = x ^ y;

	return 1 - ((q | -q) >> 31);
}

/* ------------------------------------------------------------------ */
/* Points                                                             */

/* Q = 2Q, a = -3 (FIPS 186-4 curve): with s = 4 x y^2 and
 * m = 3 (x + z^2)(x - z^2), x' = m^2 - 2s, y' = m (s - x') - 8 y^4,
 * z' = 2 y z. Right for every point, the point at infinity included
 * (z = 0 gives z' = 0); P-256 has no point with y = 0. */
static void
p256_double(jac *Q)
{
	fe t1, t2, t3, t4;

	fe_sq(t1, Q->z);
	fe_add(t2, Q->x, t1);
	fe_sub(t1, Q->x, t1);
	fe_mul(t3, t1, t2);
	fe_add(t1, t3, t3);
	fe_add(t1, t1, t3);           /* m */
	fe_sq(t3, Q->y);
	fe_add(t3, t3, t3);           /* 2 y^2 */
	fe_mul(t2, Q->x, t3);
	fe_add(t2, t2, t2);           /* s = 4 x y^2 */
	fe_mul(Q->z, Q->y, Q->z);
	fe_add(Q->z, Q->z, Q->z);     /* z' = 2 y z */
	fe_sq(Q->x, t1);
	fe_sub(Q->x, Q->x, t2);
	fe_sub(Q->x, Q->x, t2);       /* x' = m^2 - 2s */
	fe_sq(t4, t3);
	fe_add(t4, t4, t4);           /* 8 y^4 */
	fe_sub(t2, t2, Q->x);
	fe_mul(Q->y, t1, t2);
	fe_sub(Q->y, Q->y, t4);
}

/* P1 = P1 + P2 (Jacobian), with u1 = x1 z2^2, u2 = x2 z1^2,
 * s1 = y1 z2^3, s2 = y2 z1^3, h = u2 - u1, r = s2 - s1:
 * x3 = r^2 - h^3 - 2 u1 h^2, y3 = r (u1 h^2 - x3) - s1 h^3, z3 = h z1 z2.
 * Wrong (z3 = 0) when P1 = P2 or either is the point at infinity; returns
 * 1 when r != 0, so a zero z3 with 1 means P1 = -P2 and with 0 means
 * P1 = P2 (the caller then doubles), as ec_p256_m31.c. */
static uint32_t
p256_add(jac *P1, const jac *P2)
{
	fe t1, t2, t3, t4, t5, t6, t7;
	uint32_t ret;

	fe_sq(t3, P2->z);
	fe_mul(t1, P1->x, t3);        /* u1 */
	fe_mul(t4, P2->z, t3);
	fe_mul(t3, P1->y, t4);        /* s1 */
	fe_sq(t4, P1->z);
	fe_mul(t2, P2->x, t4);        /* u2 */
	fe_mul(t5, P1->z, t4);
	fe_mul(t4, P2->y, t5);        /* s2 */
	fe_sub(t2, t2, t1);           /* h */
	fe_sub(t4, t4, t3);           /* r */
	ret = 1 - fe_iszero(t4);
	fe_sq(t7, t2);
	fe_mul(t6, t1, t7);           /* u1 h^2 */
	fe_mul(t5, t7, t2);           /* h^3 */
	fe_sq(P1->x, t4);
	fe_sub(P1->x, P1->x, t5);
	fe_sub(P1->x, P1->x, t6);
	fe_sub(P1->x, P1->x, t6);
	fe_sub(t6, t6, P1->x);
	fe_mul(P1->y, t4, t6);
	fe_mul(t1, t5, t3);
	fe_sub(P1->y, P1->y, t1);
	fe_mul(t1, P1->z, P2->z);
	fe_mul(P1->z, t1, t2);
	return ret;
}

/* P1 = P1 + P2 for an affine P2 (z2 = 1): the formulas above with
 * u1 = x1, s1 = y1. Wrong when P1 = P2 or P1 is the point at infinity;
 * returns 1 when r != 0, as p256_add(). */
static uint32_t
p256_add_mixed(jac *P1, const aff *P2)
{
	fe t2, t4, t5, t6, t7;
	uint32_t ret;

	fe_sq(t4, P1->z);
	fe_mul(t2, P2->x, t4);        /* u2 */
	fe_mul(t5, P1->z, t4);
	fe_mul(t4, P2->y, t5);        /* s2 */
	fe_sub(t2, t2, P1->x);        /* h */
	fe_sub(t4, t4, P1->y);        /* r */
	ret = 1 - fe_iszero(t4);
	fe_sq(t7, t2);
	fe_mul(t6, P1->x, t7);        /* u1 h^2 */
	fe_mul(t5, t7, t2);           /* h^3 */
	fe_mul(t7, t5, P1->y);        /* s1 h^3 */
	fe_sq(P1->x, t4);
	fe_sub(P1->x, P1->x, t5);
	fe_sub(P1->x, P1->x, t6);
	fe_sub(P1->x, P1->x, t6);
	fe_sub(t6, t6, P1->x);
	fe_mul(P1->y, t4, t6);
	fe_sub(P1->y, P1->y, t7);
	fe_mul(P1->z, P1->z, t2);
	return ret;
}

/* To affine: z = 1 and x, y the affine coordinates, or all three 0 for
 * the point at infinity (1/0 is 0 here). */
static void
p256_to_affine(jac *P)
{
	fe zi, t;

	fe_invert(zi, P->z);
	fe_sq(t, zi);
	fe_mul(P->x, P->x, t);
	fe_mul(t, t, zi);
	fe_mul(P->y, P->y, t);
	fe_mul(P->z, P->z, zi);
	wt_wipe(zi, sizeof zi);
	wt_wipe(t, sizeof t);
}

/* Decodes a 65-byte uncompressed point (SEC 1 2.3.4, RFC 5480 2.2: the
 * compressed and hybrid forms are refused); 1 if it is a valid curve
 * point, 0 otherwise. Runs the same way for every 65-byte input. */
static uint32_t
p256_decode(jac *P, const unsigned char *buf, size_t len)
{
	fe t1, t2;
	uint32_t ok;

	memset(P, 0, sizeof *P);
	if (len != 65) {
		return 0;
	}
	ok = eq32(buf[0], 0x04);
	ok &= fe_decode(P->x, buf + 1);
	ok &= fe_decode(P->y, buf + 33);
	/* y^2 = x^3 - 3x + b */
	fe_sq(t1, P->x);
	fe_mul(t1, t1, P->x);
	fe_sub(t1, t1, P->x);
	fe_sub(t1, t1, P->x);
	fe_sub(t1, t1, P->x);
	fe_add(t1, t1, P256_B);
	fe_sq(t2, P->y);
	fe_sub(t1, t1, t2);
	ok &= fe_iszero(t1);
	P->z[0] = 1;
	return ok;
}

static void
p256_encode(unsigned char *buf, const jac *P)
{
	buf[0] = 0x04;
	fe_encode(buf + 1, P->x);
	fe_encode(buf + 33, P->y);
}

/* P = x P for a valid P and x < n (big-endian, xlen bytes). */
static void
p256_mul(jac *P, const unsigned char *x, size_t xlen)
{
	jac W[15], Q, T, U;
	aff A;
	uint32_t qz;
	size_t u;
	int i, k;

	/* W[i] = (i+1) P: odd multiples by an addition, even by doubling
	 * (P affine, z = 1, so the mixed addition applies; kP != P there). */
	memcpy(A.x, P->x, sizeof A.x);
	memcpy(A.y, P->y, sizeof A.y);
	W[0] = *P;
	for (i = 1; i < 15; i ++) {
		if (i & 1) {
			W[i] = W[i >> 1];
			p256_double(&W[i]);
		} else {
			W[i] = W[i - 1];
			p256_add_mixed(&W[i], &A);
		}
	}

	memset(&Q, 0, sizeof Q);
	qz = 1;
	for (u = 0; u < xlen; u ++) {
		for (k = 4; k >= 0; k -= 4) {
			uint32_t bits = (x[u] >> k) & 0x0F;
			uint32_t bnz = 1 - eq32(bits, 0);

			p256_double(&Q);
			p256_double(&Q);
			p256_double(&Q);
			p256_double(&Q);
			memset(&T, 0, sizeof T);
			for (i = 0; i < 15; i ++) {
				ccopy32(eq32(bits, (uint32_t)i + 1), &T, &W[i], sizeof T);
			}
			U = Q;
			p256_add(&U, &T);
			ccopy32(bnz & qz, &Q, &T, sizeof Q);
			ccopy32(bnz & ~qz & 1, &Q, &U, sizeof Q);
			qz &= ~bnz & 1;
		}
	}
	*P = Q;
	wt_wipe(W, sizeof W);
	wt_wipe(&T, sizeof T);
	wt_wipe(&U, sizeof U);
	wt_wipe(&Q, sizeof Q);
}

/* Comb table: G_COMB[i - 1] = sum over the set bits b of i of 2^(64 b) G,
 * affine (tools/gen_p256_comb.mjs). */
static const aff G_COMB[15] = {
	{ { 0xD898C296, 0xF4A13945, 0x2DEB33A0, 0x77037D81,
	    0x63A440F2, 0xF8BCE6E5, 0xE12C4247, 0x6B17D1F2 },
	  { 0x37BF51F5, 0xCBB64068, 0x6B315ECE, 0x2BCE3357,
	    0x7C0F9E16, 0x8EE7EB4A, 0xFE1A7F9B, 0x4FE342E2 } },
	{ { 0x8E14DB63, 0x90E75CB4, 0xAD651F7E, 0x29493BAA,
	    0x326E25DE, 0x8492592E, 0x2811AAA5, 0x0FA822BC },
	  { 0x5F462EE7, 0xE4112454, 0x50FE82F5, 0x34B1A650,
	    0xB3DF188B, 0x6F4AD4BC, 0xF5DBA80D, 0xBFF44AE8 } },
	{ { 0x097992AF, 0x93391CE2, 0x0D35F1FA, 0xE96C98FD,
	    0x95E02789, 0xB257C0DE, 0x89D6726F, 0x300A4BBC },
	  { 0xC08127A0, 0xAA54A291, 0xA9D806A5, 0x5BB1EEAD,
	    0xFF1E3C6F, 0x7F1DDB25, 0xD09B4644, 0x72AAC7E0 } },
	{ { 0xD789BD85, 0x57C84FC9, 0xC297EAC3, 0xFC35FF7D,
	    0x88C6766E, 0xFB982FD5, 0xEEDB5E67, 0x447D739B },
	  { 0x72E25B32, 0x0C7E33C9, 0xA7FAE500, 0x3D349B95,
	    0x3A4AAFF7, 0xE12E9D95, 0x834131EE, 0x2D4825AB } },
	{ { 0x2A1D367F, 0x13949C93, 0x1A0A11B7, 0xEF7FBD2B,
	    0xB91DFC60, 0xDDC6068B, 0x8A9C72FF, 0xEF951932 },
	  { 0x7376D8A8, 0x196035A7, 0x95CA1740, 0x23183B08,
	    0x022C219C, 0xC1EE9807, 0x7DBB2C9B, 0x611E9FC3 } },
	{ { 0x0B57F4BC, 0xCAE2B192, 0xC6C9BC36, 0x2936DF5E,
	    0xE11238BF, 0x7DEA6482, 0x7B51F5D8, 0x55066379 },
	  { 0x348A964C, 0x44FFE216, 0xDBDEFBE1, 0x9FB3D576,
	    0x8D9D50E5, 0x0AFA4001, 0x8AECB851, 0x15716484 } },
	{ { 0xFC5CDE01, 0xE48ECAFF, 0x0D715F26, 0x7CCD84E7,
	    0xF43E4391, 0xA2E8F483, 0xB21141EA, 0xEB5D7745 },
	  { 0x731A3479, 0xCAC917E2, 0x2844B645, 0x85F22CFE,
	    0x58006CEE, 0x0990E6A1, 0xDBECC17B, 0xEAFD72EB } },
	{ { 0x313728BE, 0x6CF20FFB, 0xA3C6B94A, 0x96439591,
	    0x44315FC5, 0x2736FF83, 0xA7849276, 0xA6D39677 },
	  { 0xC357F5F4, 0xF2BAB833, 0x2284059B, 0x824A920C,
	    0x2D27ECDF, 0x66B8BABD, 0x9B0B8816, 0x674F8474 } },
	{ { 0x677C8A3E, 0x2DF48C04, 0x0203A56B, 0x74E02F08,
	    0xB8C7FEDB, 0x31855F7D, 0x72C9DDAD, 0x4E769E76 },
	  { 0xB824BBB0, 0xA4C36165, 0x3B9122A5, 0xFB9AE16F,
	    0x06947281, 0x1EC00572, 0xDE830663, 0x42B99082 } },
	{ { 0xDDA868B9, 0x6EF95150, 0x9C0CE131, 0xD1F89E79,
	    0x08A1C478, 0x7FDC1CA0, 0x1C6CE04D, 0x78878EF6 },
	  { 0x1FE0D976, 0x9C62B912, 0xBDE08D4F, 0x6ACE570E,
	    0x12309DEF, 0xDE53142C, 0x7B72C321, 0xB6CB3F5D } },
	{ { 0xC31A3573, 0x7F991ED2, 0xD54FB496, 0x5B82DD5B,
	    0x812FFCAE, 0x595C5220, 0x716B1287, 0x0C88BC4D },
	  { 0x5F48ACA8, 0x3A57BF63, 0xDF2564F3, 0x7C8181F4,
	    0x9C04E6AA, 0x18D1B5B3, 0xF3901DC6, 0xDD5DDEA3 } },
	{ { 0x3E72AD0C, 0xE96A79FB, 0x42BA792F, 0x43A0A28C,
	    0x083E49F3, 0xEFE0A423, 0x6B317466, 0x68F344AF },
	  { 0x3FB24D4A, 0xCDFE17DB, 0x71F5C626, 0x668BFC22,
	    0x24D67FF3, 0x604ED93C, 0xF8540A20, 0x31B9C405 } },
	{ { 0xA2582E7F, 0xD36B4789, 0x4EC39C28, 0x0D1A1014,
	    0xEDBAD7A0, 0x663C62C3, 0x6F461DB9, 0x4052BF4B },
	  { 0x188D25EB, 0x235A27C3, 0x99BFCC5B, 0xE724F339,
	    0x71D70CC8, 0x862BE6BD, 0x90B0FC61, 0xFECF4D51 } },
	{ { 0xA1D4CFAC, 0x74346C10, 0x8526A7A4, 0xAFDF5CC0,
	    0xF62BFF7A, 0x123202A8, 0xC802E41A, 0x1EDDBAE2 },
	  { 0xD603F844, 0x8FA0AF2D, 0x4C701917, 0x36E06B7E,
	    0x73DB33A0, 0x0C45F452, 0x560EBCFC, 0x43104D86 } },
	{ { 0x0D1D78E5, 0x9615B511, 0x25C4744B, 0x66B0DE32,
	    0x6AAF363A, 0x0A4A46FB, 0x84F7A21C, 0xB48E26B4 },
	  { 0x21A01B2D, 0x06EBB0F6, 0x8B7B0F98, 0xC004E404,
	    0xFED6F668, 0x64131BCD, 0x4D4D3DAB, 0xFAC01540 } },
};

/* P = x G for x < n (big-endian, xlen bytes; only the last 32 can be
 * nonzero). Comb: column i (63 down to 0) takes bits i, i+64, i+128 and
 * i+192 of x as a 4-bit index into G_COMB. */
static void
p256_mulgen(jac *P, const unsigned char *x, size_t xlen)
{
	unsigned char k[32];
	jac Q, U;
	aff T;
	uint32_t qz;
	int i, j;

	memset(k, 0, sizeof k);
	if (xlen > 32) {
		x += xlen - 32;
		xlen = 32;
	}
	memcpy(k + 32 - xlen, x, xlen);

	memset(&Q, 0, sizeof Q);
	qz = 1;
	for (i = 63; i >= 0; i --) {
		uint32_t idx = 0, bnz;

		for (j = 0; j < 4; j ++) {
			int b = i + 64 * j;

			idx |= (uint32_t)((k[31 - (b >> 3)] >> (b & 7)) & 1) << j;
		}
		bnz = 1 - eq32(idx, 0);
		p256_double(&Q);
		memset(&T, 0, sizeof T);
		for (j = 0; j < 15; j ++) {
			ccopy32(eq32(idx, (uint32_t)j + 1), &T, &G_COMB[j], sizeof T);
		}
		U = Q;
		p256_add_mixed(&U, &T);
		/* Q at infinity: Q = T (z = 1) */
		ccopy32(bnz & qz, &Q.x, &T.x, sizeof T.x);
		ccopy32(bnz & qz, &Q.y, &T.y, sizeof T.y);
		ccopy32(bnz & qz, &Q.z, P256_ONE, sizeof Q.z);
		ccopy32(bnz & ~qz & 1, &Q, &U, sizeof Q);
		qz &= ~bnz & 1;
	}
	*P = Q;
	wt_wipe(k, sizeof k);
	wt_wipe(&Q, sizeof Q);
	wt_wipe(&U, sizeof U);
	wt_wipe(&T, sizeof T);
}

/* ------------------------------------------------------------------ */
/* Variable time, for muladd() only: ECDSA verification, where the     */
/* scalars and points are all public (the signature, the hash and the  */
/* key). Nothing secret may ever come here.                            */

/* G_ODD[i] = (2i + 1) G, affine (tools/gen_p256_tables.mjs). */
static const aff G_ODD[8] = {
	{ { 0xD898C296, 0xF4A13945, 0x2DEB33A0, 0x77037D81,
	    0x63A440F2, 0xF8BCE6E5, 0xE12C4247, 0x6B17D1F2 },
	  { 0x37BF51F5, 0xCBB64068, 0x6B315ECE, 0x2BCE3357,
	    0x7C0F9E16, 0x8EE7EB4A, 0xFE1A7F9B, 0x4FE342E2 } },
	{ { 0xC6E7FD6C, 0xFB41661B, 0xEFADA985, 0xE6C6B721,
	    0x1D4BF165, 0xC8F7EF95, 0xA6330A44, 0x5ECBE4D1 },
	  { 0xA27D5032, 0x9A79B127, 0x384FB83D, 0xD82AB036,
	    0x1A64A2EC, 0x374B06CE, 0x4998FF7E, 0x8734640C } },
	{ { 0xC3D033ED, 0x21554A0D, 0x1F5BE524, 0xEF8C82FD,
	    0x08668FDF, 0xD784C856, 0x515140D2, 0x51590B7A },
	  { 0xFDA16DA4, 0xD1D0BB44, 0xD4D80888, 0x0D012F00,
	    0xBF8A7926, 0x8AE1BF36, 0x904A727D, 0xE0C17DA8 } },
	{ { 0x3187B2A3, 0x30062870, 0xA80FEF5B, 0x7EF9F8B8,
	    0x7C01FB60, 0x25BB3066, 0xA0BF7B46, 0x8E533B6F },
	  { 0xC1F400B4, 0xC55E1A86, 0xCB041B21, 0x53C73633,
	    0xA6F59000, 0x6D069F83, 0xE0331836, 0x73EB1DBD } },
	{ { 0x90949EE0, 0xD79E8A4B, 0x2C6DF8B3, 0x9E0ACB8C,
	    0x1D71F872, 0x878938D5, 0xFEDF0B71, 0xEA68D7B6 },
	  { 0x4DD048FA, 0xE85A224A, 0xA4DE823F, 0x4D714FEA,
	    0x4A8EA0C8, 0x87014A96, 0x72C9FCE7, 0x2A2744C9 } },
	{ { 0x74BC21D1, 0x433391D3, 0x255048BF, 0x16742ED0,
	    0xB0C21CDA, 0x0638379D, 0x883B4C59, 0x3ED113B7 },
	  { 0xE82A3740, 0xE2F8EEFC, 0x5E9889DA, 0x090D04DA,
	    0xA4F4C68A, 0x24C843AF, 0xCCC4C8A2, 0x9099209A } },
	{ { 0x46072C01, 0x98E15D9D, 0x65EAD58A, 0x792E284B,
	    0xD85EE2FC, 0x61805DF2, 0xE0AC495A, 0x177C837A },
	  { 0xEFC7BFD8, 0x9C43BBE2, 0xA1FB4DF3, 0x26EE14C3,
	    0xB40F4E72, 0xA24091AD, 0x4EBEA558, 0x63BB58CD } },
	{ { 0xE59B9D5F, 0x63668C63, 0xDE3A0EF1, 0xAE03AF92,
	    0x99888265, 0xADFB3789, 0x971ABAE7, 0xF0454DC6 },
	  { 0x0D034F36, 0x47E59CDE, 0x75B5FA3F, 0x2A3B21CE,
	    0x1F9643E6, 0x4E6594E5, 0x592E2D1F, 0xB5B93EE3 } },
};

/* Width-5 NAF (Guide to ECC, alg. 3.35) of a big-endian scalar below n
 * (only the last 32 bytes are read): d[i] is 0 or odd in [-15, 15], and
 * of any five consecutive digits at most one is nonzero. 257 digits: the
 * recoding can carry one bit past 2^256. */
static void
wnaf5(int8_t *d, const unsigned char *x, size_t xlen)
{
	uint32_t k[9];
	size_t u;
	int i, j;

	memset(k, 0, sizeof k);
	if (xlen > 32) {
		x += xlen - 32;
		xlen = 32;
	}
	for (u = 0; u < xlen; u ++) {
		k[u >> 2] |= (uint32_t)x[xlen - 1 - u] << (8 * (u & 3));
	}
	for (i = 0; i <= 256; i ++) {
		int v = 0;

		if (k[0] & 1) {
			v = (int)(k[0] & 31);
			if (v > 15) {
				uint64_t c = (uint32_t)(32 - v);

				/* k -= v, v < 0: add |v| with carries */
				v -= 32;
				for (j = 0; j < 9 && c != 0; j ++) {
					c += k[j];
					k[j] = (uint32_t)c;
					c >>= 32;
				}
			} else {
				k[0] -= (uint32_t)v;   /* the low bits are v: no borrow */
			}
		}
		d[i] = (int8_t)v;
		for (j = 0; j < 8; j ++) {
			k[j] = (k[j] >> 1) | (k[j + 1] << 31);
		}
		k[8] >>= 1;
	}
}

/* *Q += T (T given as a Jacobian point, or affine when Ta is not NULL),
 * negated when neg, with every exceptional case handled by a branch:
 * *qinf says *Q is the point at infinity. */
static void
add_vt(jac *Q, uint32_t *qinf, const jac *T, const aff *Ta, int neg)
{
	static const fe zero = { 0 };
	jac Tn, old;
	aff An;
	uint32_t t;

	if (Ta != NULL) {
		An = *Ta;
		if (neg) {
			fe_sub(An.y, zero, An.y);
		}
	} else {
		Tn = *T;
		if (neg) {
			fe_sub(Tn.y, zero, Tn.y);
		}
	}
	if (*qinf) {
		if (Ta != NULL) {
			memcpy(Q->x, An.x, sizeof An.x);
			memcpy(Q->y, An.y, sizeof An.y);
			memcpy(Q->z, P256_ONE, sizeof Q->z);
		} else {
			*Q = Tn;
		}
		*qinf = 0;
		return;
	}
	old = *Q;
	t = Ta != NULL ? p256_add_mixed(Q, &An) : p256_add(Q, &Tn);
	if (fe_iszero(Q->z)) {
		if (t) {
			*qinf = 1;              /* Q = -T */
		} else {
			*Q = old;               /* Q = T: double instead */
			p256_double(Q);
		}
	}
}

/* *P = x *P + y *B (B = NULL: y G) for a valid affine *P (z = 1), by
 * interleaved width-5 NAFs (Straus): 257 doublings shared by both, and
 * about 2 x 257 / 6 additions. Returns 0 if the sum is the point at
 * infinity (*P then has z = 0). */
static uint32_t
muladd_vt(jac *P, const jac *B, const unsigned char *x, size_t xlen,
	const unsigned char *y, size_t ylen)
{
	jac TA[8], TB[8], Q, D;
	int8_t da[257], db[257];
	uint32_t qinf;
	int i;

	/* odd multiples: T[i] = (2i + 1) point */
	TA[0] = *P;
	D = *P;
	p256_double(&D);
	for (i = 1; i < 8; i ++) {
		TA[i] = TA[i - 1];
		p256_add(&TA[i], &D);
	}
	if (B != NULL) {
		TB[0] = *B;
		D = *B;
		p256_double(&D);
		for (i = 1; i < 8; i ++) {
			TB[i] = TB[i - 1];
			p256_add(&TB[i], &D);
		}
	}
	wnaf5(da, x, xlen);
	wnaf5(db, y, ylen);

	memset(&Q, 0, sizeof Q);
	qinf = 1;
	for (i = 256; i >= 0; i --) {
		if (!qinf) {
			p256_double(&Q);
		}
		if (da[i] != 0) {
			add_vt(&Q, &qinf, &TA[(da[i] < 0 ? -da[i] : da[i]) >> 1], NULL, da[i] < 0);
		}
		if (db[i] != 0) {
			int a = (db[i] < 0 ? -db[i] : db[i]) >> 1;

			if (B != NULL) {
				add_vt(&Q, &qinf, &TB[a], NULL, db[i] < 0);
			} else {
				add_vt(&Q, &qinf, NULL, &G_ODD[a], db[i] < 0);
			}
		}
	}
	if (qinf) {
		memset(&Q, 0, sizeof Q);
	}
	*P = Q;
	return qinf ^ 1;
}

/* ------------------------------------------------------------------ */
/* br_ec_impl                                                         */

static const unsigned char P256_G[65] = {
	0x04, 0x6B, 0x17, 0xD1, 0xF2, 0xE1, 0x2C, 0x42, 0x47, 0xF8,
	0xBC, 0xE6, 0xE5, 0x63, 0xA4, 0x40, 0xF2, 0x77, 0x03, 0x7D,
	0x81, 0x2D, 0xEB, 0x33, 0xA0, 0xF4, 0xA1, 0x39, 0x45, 0xD8,
	0x98, 0xC2, 0x96, 0x4F, 0xE3, 0x42, 0xE2, 0xFE, 0x1A, 0x7F,
	0x9B, 0x8E, 0xE7, 0xEB, 0x4A, 0x7C, 0x0F, 0x9E, 0x16, 0x2B,
	0xCE, 0x33, 0x57, 0x6B, 0x31, 0x5E, 0xCE, 0xCB, 0xB6, 0x40,
	0x68, 0x37, 0xBF, 0x51, 0xF5
};

static const unsigned char P256_N[32] = {
	0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF,
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6, 0xFA, 0xAD,
	0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63,
	0x25, 0x51
};

static const unsigned char *
api_generator(int curve, size_t *len)
{
	(void)curve;
	*len = sizeof P256_G;
	return P256_G;
}

static const unsigned char *
api_order(int curve, size_t *len)
{
	(void)curve;
	*len = sizeof P256_N;
	return P256_N;
}

static size_t
api_xoff(int curve, size_t *len)
{
	(void)curve;
	*len = 32;
	return 1;
}

static uint32_t
api_mul(unsigned char *G, size_t Glen,
	const unsigned char *x, size_t xlen, int curve)
{
	jac P;
	uint32_t r;

	(void)curve;
	r = p256_decode(&P, G, Glen);
	p256_mul(&P, x, xlen);
	if (Glen >= 65) {
		p256_to_affine(&P);
		p256_encode(G, &P);
	}
	wt_wipe(&P, sizeof P);
	return r;
}

static size_t
api_mulgen(unsigned char *R, const unsigned char *x, size_t xlen, int curve)
{
	jac P;

	(void)curve;
	p256_mulgen(&P, x, xlen);
	p256_to_affine(&P);
	p256_encode(R, &P);
	wt_wipe(&P, sizeof P);
	return 65;
}

/* A = x A + y B (B = NULL: the generator). 0 if A or B is not a valid
 * point or the sum is the point at infinity. */
static uint32_t
api_muladd(unsigned char *A, const unsigned char *B, size_t len,
	const unsigned char *x, size_t xlen,
	const unsigned char *y, size_t ylen, int curve)
{
	jac P, Q;
	uint32_t r;

	(void)curve;
	r = p256_decode(&P, A, len);
	if (B != NULL) {
		r &= p256_decode(&Q, B, len);
	}
	r &= muladd_vt(&P, B != NULL ? &Q : NULL, x, xlen, y, ylen);
	p256_to_affine(&P);
	p256_encode(A, &P);
	return r;
}

const br_ec_impl wt_ec_p256_w = {
	(uint32_t)1 << BR_EC_secp256r1,
	&api_generator,
	&api_order,
	&api_xoff,
	&api_mul,
	&api_mulgen,
	&api_muladd
};
