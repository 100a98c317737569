/*
 * ec_c25519_wasm: X25519 (RFC 7748) as a br_ec_impl, for builds without
 * a 64x64->128 multiply. BearSSL's br_ec_c25519_m31 works on nine 30-bit
 * words with a generic reduction; here GF(2^255-19) elements are ten
 * signed limbs in radix 2^25.5 (limb i holds bits ceil(25.5 i) and up:
 * 26 bits for even i, 25 for odd), so a field product is 100 32x32->64
 * multiplications (one i64.mul each in wasm) summed in int64 columns,
 * and the wrap-around 2^255 = 19 (mod p) is a multiplication by 19 of
 * the high columns: no separate reduction pass.
 *
 * Bounds: a "carried" element has limbs in [0, 2^26) / [0, 2^25) (plus a
 * few bits on limb 1 after the final wrap). Sums and differences of two
 * carried elements (|limb| < 2^27) go straight into fe_mul/fe_sq: there
 * the largest column is 10 products of at most 2^28 * 19 * 2^27 < 2^59.3,
 * well inside int64.
 *
 * API semantics are br_ec_c25519_m31's (ec_c25519_m31.c): mul() takes a
 * 32-byte little-endian u-coordinate, masks its top bit (RFC 7748 5),
 * takes a little-endian scalar of at most 32 bytes (zero-padded), clamps
 * it (5: clear bits 0-2 and 255, set 254), and always returns 1 for
 * those lengths, 0 otherwise; it never checks for an all-zero result
 * (src/kex.c does, RFC 8446 7.4.2). muladd() is not defined for X25519
 * and returns 0.
 *
 * Constant time: the Montgomery ladder (RFC 7748 5) swaps with masks; no
 * branch or index depends on the scalar or the point.
 */

#include <string.h>

#include "wt_internal.h"
#include "wt_ec.h"

typedef int32_t fe[10];

/* Bit position and width of limb i: ceil(25.5 i), 26 / 25 bits. */
static const uint8_t LIMB_POS[10] = { 0, 26, 51, 77, 102, 128, 153, 179, 204, 230 };
#define LIMB_BITS(i)   (26 - ((i) & 1))

/* Carries columns t[] into h (limbs in range, value unchanged mod p).
 * t[i] may be any int64 below 2^62 in magnitude. Arithmetic right shifts
 * of negative values and the multiply-by-power-of-two in place of a left
 * shift are what clang and gcc do; the carry is floor(t / 2^w). */
static void
fe_carry(fe h, int64_t *t)
{
	int64_t c;
	int i;

	for (i = 0; i < 9; i ++) {
		c = t[i] >> LIMB_BITS(i);
		t[i] -= c * ((int64_t)1 << LIMB_BITS(i));
		t[i + 1] += c;
	}
	/* 2^255 = 19 (mod p): the carry out of limb 9 re-enters limb 0. */
	c = t[9] >> 25;
	t[9] -= c * ((int64_t)1 << 25);
	t[0] += 19 * c;
	c = t[0] >> 26;
	t[0] -= c * ((int64_t)1 << 26);
	t[1] += c;
	for (i = 0; i < 10; i ++) {
		h[i] = (int32_t)t[i];
	}
}

/* h = f * g. Limb i has weight 2^ceil(25.5 i), so f_i g_j lands on
 * column i+j with an extra factor 2 when i and j are both odd (the two
 * half bits add up), and columns 10..18 wrap to 0..8 times 19. */
static void
fe_mul(fe h, const fe f, const fe g)
{
	int64_t t[10], g19[10];
	int i, j;

	/* int64: 19 * 2^27 does not fit an int32 (and in wasm an int32 or
	 * int64 operand is the same i64.mul). */
	for (i = 0; i < 10; i ++) {
		g19[i] = 19 * (int64_t)g[i];
		t[i] = 0;
	}
#pragma clang loop unroll(full)
	for (i = 0; i < 10; i ++) {
		int64_t fi = f[i];
		int64_t fi2 = 2 * fi;
#pragma clang loop unroll(full)
		for (j = 0; j < 10; j ++) {
			int64_t a = (i & j & 1) ? fi2 : fi;
			int64_t b = (i + j >= 10) ? g19[j] : g[j];
			t[(i + j) % 10] += a * b;
		}
	}
	fe_carry(h, t);
}

/* h = f^2: the products f_i f_j and f_j f_i are one doubled product. */
static void
fe_sq(fe h, const fe f)
{
	int64_t t[10], f2[10], f19[10];
	int i, j;

	for (i = 0; i < 10; i ++) {
		f2[i] = 2 * (int64_t)f[i];
		f19[i] = 19 * (int64_t)f[i];
		t[i] = 0;
	}
#pragma clang loop unroll(full)
	for (i = 0; i < 10; i ++) {
		/* square term: factor 2 for odd i (both indices odd) */
		int64_t a = (i & 1) ? f2[i] : f[i];
		int64_t b = (2 * i >= 10) ? f19[i] : f[i];
		t[(2 * i) % 10] += a * b;
		/* constant bounds, so that both loops unroll and every
		 * condition below is resolved at compile time */
#pragma clang loop unroll(full)
		for (j = 0; j < 10; j ++) {
			/* cross term counted twice; a further 2 for odd/odd */
			int64_t c = (i & j & 1) ? 2 * f2[i] : f2[i];
			int64_t d = (i + j >= 10) ? f19[j] : f[j];

			if (j > i) {
				t[(i + j) % 10] += c * d;
			}
		}
	}
	fe_carry(h, t);
}

static void
fe_add(fe h, const fe f, const fe g)
{
	int i;

	for (i = 0; i < 10; i ++) {
		h[i] = f[i] + g[i];
	}
}

static void
fe_sub(fe h, const fe f, const fe g)
{
	int i;

	for (i = 0; i < 10; i ++) {
		h[i] = f[i] - g[i];
	}
}

/* h = 121665 f: a24 = (486662 - 2) / 4 (RFC 7748 5). */
static void
fe_mul_a24(fe h, const fe f)
{
	int64_t t[10];
	int i;

	for (i = 0; i < 10; i ++) {
		t[i] = (int64_t)f[i] * 121665;
	}
	fe_carry(h, t);
}

/* Swaps f and g when ctl is 1, leaves them when 0; no branch. */
static void
fe_cswap(fe f, fe g, uint32_t ctl)
{
	int32_t m = -(int32_t)ctl;
	int i;

	for (i = 0; i < 10; i ++) {
		int32_t x = m & (f[i] ^ g[i]);
		f[i] ^= x;
		g[i] ^= x;
	}
}

/* out = z^(p-2) = 1/z (0 for z = 0): the usual chain of 254 squarings
 * and 11 multiplications through z^(2^k - 1) for k = 5, 10, 20, 50, 100,
 * 200, 250, then p - 2 = 2^255 - 21 = (2^250 - 1) 2^5 + 11. */
static void
fe_sq_n(fe h, const fe f, int n)
{
	fe_sq(h, f);
	while (-- n > 0) {
		fe_sq(h, h);
	}
}

static void
fe_invert(fe out, const fe z)
{
	fe z2, z9, z11, a, b, c;

	fe_sq(z2, z);               /* 2 */
	fe_sq_n(a, z2, 2);          /* 8 */
	fe_mul(z9, a, z);           /* 9 */
	fe_mul(z11, z9, z2);        /* 11 */
	fe_sq(a, z11);              /* 22 */
	fe_mul(a, a, z9);           /* 31 = 2^5 - 1 */
	fe_sq_n(b, a, 5);
	fe_mul(a, b, a);            /* 2^10 - 1 */
	fe_sq_n(b, a, 10);
	fe_mul(b, b, a);            /* 2^20 - 1 */
	fe_sq_n(c, b, 20);
	fe_mul(b, c, b);            /* 2^40 - 1 */
	fe_sq_n(b, b, 10);
	fe_mul(a, b, a);            /* 2^50 - 1 */
	fe_sq_n(b, a, 50);
	fe_mul(b, b, a);            /* 2^100 - 1 */
	fe_sq_n(c, b, 100);
	fe_mul(b, c, b);            /* 2^200 - 1 */
	fe_sq_n(b, b, 50);
	fe_mul(a, b, a);            /* 2^250 - 1 */
	fe_sq_n(a, a, 5);           /* 2^255 - 2^5 */
	fe_mul(out, a, z11);        /* 2^255 - 21 */
	/* powers of the ladder's secret-derived Z */
	wt_wipe(z2, sizeof z2);
	wt_wipe(z9, sizeof z9);
	wt_wipe(z11, sizeof z11);
	wt_wipe(a, sizeof a);
	wt_wipe(b, sizeof b);
	wt_wipe(c, sizeof c);
}

/* Little-endian 32 bytes (top bit already masked) to limbs. */
static void
fe_decode(fe h, const unsigned char *s)
{
	int i, k;

	for (i = 0; i < 10; i ++) {
		unsigned pos = LIMB_POS[i];
		uint64_t w = 0;

		for (k = 0; k < 5 && (pos >> 3) + k < 32; k ++) {
			w |= (uint64_t)s[(pos >> 3) + k] << (8 * k);
		}
		h[i] = (int32_t)((w >> (pos & 7)) & (((uint64_t)1 << LIMB_BITS(i)) - 1));
	}
}

/* Plain carries from limb 0 to limb 8 (non-negative limbs). */
static void
fe_chain(int32_t *h)
{
	int i;

	for (i = 0; i < 9; i ++) {
		h[i + 1] += h[i] >> LIMB_BITS(i);
		h[i] &= (1 << LIMB_BITS(i)) - 1;
	}
}

/* Limbs to the canonical little-endian 32 bytes (the value mod p). */
static void
fe_encode(unsigned char *s, const fe f)
{
	int64_t t[10];
	int32_t g[10], h[10];
	uint32_t m;
	uint64_t acc;
	int i, n, k;

	for (i = 0; i < 10; i ++) {
		t[i] = f[i];
	}
	/* fe_carry leaves limbs in [0, 2^w) but limb 1, which may be a few
	 * bits over; a chain, the 2^255 = 19 wrap and a second chain make
	 * every limb exact and the value < 2^255 (if the wrap happened the
	 * value left is tiny, so the second chain cannot reach limb 9). */
	fe_carry(h, t);
	fe_chain(h);
	h[0] += 19 * (h[9] >> 25);
	h[9] &= (1 << 25) - 1;
	fe_chain(h);
	/* 0 <= h < 2^255, and h >= p iff h + 19 >= 2^255: compute h + 19
	 * and keep it (minus 2^255) if it reached bit 255. */
	memcpy(g, h, sizeof g);
	g[0] += 19;
	fe_chain(g);
	m = -(uint32_t)((uint32_t)g[9] >> 25);
	g[9] &= (1 << 25) - 1;
	for (i = 0; i < 10; i ++) {
		h[i] ^= (int32_t)(m & (uint32_t)(h[i] ^ g[i]));
	}
	acc = 0;
	n = 0;
	k = 0;
	for (i = 0; i < 10; i ++) {
		acc |= (uint64_t)(uint32_t)h[i] << n;
		n += LIMB_BITS(i);
		while (n >= 8) {
			s[k ++] = (unsigned char)acc;
			acc >>= 8;
			n -= 8;
		}
	}
	s[k] = (unsigned char)acc;   /* k = 31: the last 7 bits */
}

static const unsigned char GEN[32] = { 9 };

/* "Order" as br_ec_c25519_m31 gives it: 2^255 - 1, the length of a
 * scalar for br_ec_keygen (RFC 7748 scalars are any 32 bytes). */
static const unsigned char ORDER[32] = {
	0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF
};

static const unsigned char *
api_generator(int curve, size_t *len)
{
	(void)curve;
	*len = sizeof GEN;
	return GEN;
}

static const unsigned char *
api_order(int curve, size_t *len)
{
	(void)curve;
	*len = sizeof ORDER;
	return ORDER;
}

static size_t
api_xoff(int curve, size_t *len)
{
	(void)curve;
	*len = 32;
	return 0;
}

static uint32_t
api_mul(unsigned char *G, size_t Glen,
	const unsigned char *kb, size_t kblen, int curve)
{
	fe x1, x2, z2, x3, z3, a, aa, b, bb, c, d, e, da, cb;
	unsigned char k[32];
	uint32_t swap;
	int i;

	(void)curve;
	if (Glen != 32 || kblen > 32) {
		return 0;
	}
	/* RFC 7748 5: the u-coordinate's top bit is masked. */
	G[31] &= 0x7F;
	fe_decode(x1, G);

	memcpy(k, kb, kblen);
	memset(k + kblen, 0, (sizeof k) - kblen);
	k[0] &= 0xF8;
	k[31] &= 0x7F;
	k[31] |= 0x40;

	memset(x2, 0, sizeof x2);
	x2[0] = 1;
	memset(z2, 0, sizeof z2);
	memcpy(x3, x1, sizeof x1);
	memset(z3, 0, sizeof z3);
	z3[0] = 1;

	/* RFC 7748 5, the ladder step as written there (a24 = 121665,
	 * z_2 = E * (AA + a24 * E)). */
	swap = 0;
	for (i = 254; i >= 0; i --) {
		uint32_t kt = (k[i >> 3] >> (i & 7)) & 1;

		swap ^= kt;
		fe_cswap(x2, x3, swap);
		fe_cswap(z2, z3, swap);
		swap = kt;

		fe_add(a, x2, z2);
		fe_sq(aa, a);
		fe_sub(b, x2, z2);
		fe_sq(bb, b);
		fe_sub(e, aa, bb);
		fe_add(c, x3, z3);
		fe_sub(d, x3, z3);
		fe_mul(da, d, a);
		fe_mul(cb, c, b);
		fe_add(x3, da, cb);
		fe_sq(x3, x3);
		fe_sub(z3, da, cb);
		fe_sq(z3, z3);
		fe_mul(z3, z3, x1);
		fe_mul(x2, aa, bb);
		fe_mul_a24(z2, e);
		fe_add(z2, z2, aa);
		fe_mul(z2, e, z2);
	}
	fe_cswap(x2, x3, swap);
	fe_cswap(z2, z3, swap);

	fe_invert(z2, z2);
	fe_mul(x2, x2, z2);
	fe_encode(G, x2);

	wt_wipe(k, sizeof k);
	wt_wipe(x2, sizeof x2);
	wt_wipe(z2, sizeof z2);
	wt_wipe(x3, sizeof x3);
	wt_wipe(z3, sizeof z3);
	wt_wipe(a, sizeof a);
	wt_wipe(b, sizeof b);
	wt_wipe(aa, sizeof aa);
	wt_wipe(bb, sizeof bb);
	wt_wipe(c, sizeof c);
	wt_wipe(d, sizeof d);
	wt_wipe(e, sizeof e);
	wt_wipe(da, sizeof da);
	wt_wipe(cb, sizeof cb);
	return 1;
}

static size_t
api_mulgen(unsigned char *R, const unsigned char *x, size_t xlen, int curve)
{
	memcpy(R, GEN, sizeof GEN);
	api_mul(R, sizeof GEN, x, xlen, curve);
	return sizeof GEN;
}

static uint32_t
api_muladd(unsigned char *A, const unsigned char *B, size_t len,
	const unsigned char *x, size_t xlen,
	const unsigned char *y, size_t ylen, int curve)
{
	/* Not defined on a Montgomery curve's u-line (BearSSL's returns 0
	 * too); X25519 is ECDH only. */
	(void)A;
	(void)B;
	(void)len;
	(void)x;
	(void)xlen;
	(void)y;
	(void)ylen;
	(void)curve;
	return 0;
}

const br_ec_impl wt_ec_c25519_w = {
	(uint32_t)1 << BR_EC_curve25519,
	&api_generator,
	&api_order,
	&api_xoff,
	&api_mul,
	&api_mulgen,
	&api_muladd
};
