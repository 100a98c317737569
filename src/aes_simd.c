/*
 * AES-128/192/256 in CTR mode (NIST SP 800-38A 6.5, 32-bit big-endian
 * counter as GCM uses it, SP 800-38D 6.2) on wasm SIMD128, bitsliced.
 *
 * Why bitsliced: table-based AES indexes memory with key-dependent bytes
 * (cache timing). As in BearSSL's aes_ct64, the state of several blocks is
 * kept as eight bit-planes and the S-box is a boolean circuit. Here eight
 * blocks are processed at once and plane i is one v128 holding bit i of
 * every state byte of all eight blocks: state byte (row r, column c) is
 * byte 4r + c of the plane and block b is bit b of that byte. With rows in
 * 32-bit lanes and columns in bytes, ShiftRows is one byte shuffle per
 * plane and MixColumns' row rotations are 32-bit lane shuffles.
 */

#if defined(__wasm_simd128__)

#include <wasm_simd128.h>

#include "wt_internal.h"
#include "wt_aes_gcm_simd.h"

_Static_assert(sizeof(wt_aes_simd_ctr_keys) <= sizeof(br_aes_gen_ctr_keys),
	"wt_aead keeps the AES context in a br_aes_gen_ctr_keys");

#define XOR  wasm_v128_xor
#define AND  wasm_v128_and

/*
 * The AES S-box on eight bit-planes (q[0] = least significant bit of every
 * byte), as the circuit of Boyar and Peralta, "A new combinational logic
 * minimization technique with applications to cryptology" (eprint
 * 2009/191; 32 ANDs): a linear top layer (u -> y), the inversion core
 * (t, z), and a linear bottom layer. The affine constant 0x63 of FIPS 197
 * 5.1.1 (four NOTs in the circuit) is left out: this returns S(x) ^ 0x63.
 * ShiftRows and MixColumns map a state of all-0x63 bytes to itself
 * (2c ^ 3c ^ c ^ c = c), so the constant is added to round keys 1..Nr
 * instead, once per run rather than four NOTs per round. In the paper's
 * numbering u0 is the most significant bit.
 */
static inline void
sbox(v128_t *q)
{
	v128_t u0 = q[7], u1 = q[6], u2 = q[5], u3 = q[4];
	v128_t u4 = q[3], u5 = q[2], u6 = q[1], u7 = q[0];
	v128_t y1, y2, y3, y4, y5, y6, y7, y8, y9, y10, y11, y12, y13, y14;
	v128_t y15, y16, y17, y18, y19, y20, y21, a0, a1;
	v128_t t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15;
	v128_t t16, t17, t18, t19, t20, t21, t22, t23, t24, t25, t26, t27;
	v128_t t29, t33, t36, t37, t40, t41, t42, t43, t44, t45;
	v128_t z0, z1, z2, z3, z4, z5, z6, z7, z8, z9, z10, z11, z12, z13;
	v128_t z14, z15, z16, z17;
	v128_t b46, b47, b48, b49, b50, b51, b52, b53, b54, b55, b56, b57;
	v128_t b58, b59, b60, b61, b62, b63, b64, b65, b66, b67, s3;

	/* Top linear layer. */
	y14 = XOR(u3, u5);
	y13 = XOR(u0, u6);
	y9 = XOR(u0, u3);
	y8 = XOR(u0, u5);
	a0 = XOR(u1, u2);
	y1 = XOR(a0, u7);
	y4 = XOR(y1, u3);
	y12 = XOR(y13, y14);
	y2 = XOR(y1, u0);
	y5 = XOR(y1, u6);
	y3 = XOR(y5, y8);
	a1 = XOR(u4, y12);
	y15 = XOR(a1, u5);
	y20 = XOR(a1, u1);
	y6 = XOR(y15, u7);
	y10 = XOR(y15, a0);
	y11 = XOR(y20, y9);
	y7 = XOR(u7, y11);
	y17 = XOR(y10, y11);
	y19 = XOR(y10, y8);
	y16 = XOR(a0, y11);
	y21 = XOR(y13, y16);
	y18 = XOR(u0, y16);

	/* Non-linear core: products, then the GF(2^4) inversion. */
	t2 = AND(y12, y15);
	t3 = AND(y3, y6);
	t4 = XOR(t3, t2);
	t5 = AND(y4, u7);
	t6 = XOR(t5, t2);
	t7 = AND(y13, y16);
	t8 = AND(y5, y1);
	t9 = XOR(t8, t7);
	t10 = AND(y2, y7);
	t11 = XOR(t10, t7);
	t12 = AND(y9, y11);
	t13 = AND(y14, y17);
	t14 = XOR(t13, t12);
	t15 = AND(y8, y10);
	t16 = XOR(t15, t12);
	t17 = XOR(XOR(t4, t14), y20);
	t18 = XOR(XOR(t6, t16), y19);
	t19 = XOR(XOR(t9, t14), y21);
	t20 = XOR(XOR(t11, t16), y18);

	t21 = XOR(t17, t18);
	t22 = AND(t17, t19);
	t23 = XOR(t20, t22);
	t24 = AND(t21, t23);
	t29 = XOR(t24, t18);
	t25 = XOR(t19, t20);
	t26 = XOR(t18, t22);
	t27 = AND(t26, t25);
	t33 = XOR(t27, t20);
	t36 = AND(t20, XOR(t23, t33));
	t37 = XOR(t36, XOR(t19, t33));
	t40 = XOR(t21, AND(t29, XOR(t23, t36)));

	t41 = XOR(t40, t37);
	t42 = XOR(t29, t33);
	t43 = XOR(t29, t40);
	t44 = XOR(t33, t37);
	t45 = XOR(t42, t41);
	z0 = AND(t44, y15);
	z1 = AND(t37, y6);
	z2 = AND(t33, u7);
	z3 = AND(t43, y16);
	z4 = AND(t40, y1);
	z5 = AND(t29, y7);
	z6 = AND(t42, y11);
	z7 = AND(t45, y17);
	z8 = AND(t41, y10);
	z9 = AND(t44, y12);
	z10 = AND(t37, y3);
	z11 = AND(t33, y4);
	z12 = AND(t43, y13);
	z13 = AND(t40, y5);
	z14 = AND(t29, y2);
	z15 = AND(t42, y9);
	z16 = AND(t45, y14);
	z17 = AND(t41, y8);

	/* Bottom linear layer (the affine map of FIPS 197 5.1.1 but its
	 * constant). */
	b46 = XOR(z15, z16);
	b47 = XOR(z10, z11);
	b48 = XOR(z5, z13);
	b49 = XOR(z9, z10);
	b50 = XOR(z2, z12);
	b51 = XOR(z2, z5);
	b52 = XOR(z7, z8);
	b53 = XOR(z0, z3);
	b54 = XOR(z6, z7);
	b55 = XOR(z16, z17);
	b56 = XOR(z12, b48);
	b57 = XOR(b50, b53);
	b58 = XOR(z4, b46);
	b59 = XOR(z3, b54);
	b60 = XOR(b46, b57);
	b61 = XOR(z14, b57);
	b62 = XOR(b52, b58);
	b63 = XOR(b49, b58);
	b64 = XOR(z4, b59);
	b65 = XOR(b61, b62);
	b66 = XOR(z1, b63);
	b67 = XOR(b64, b65);
	s3 = XOR(b53, b66);
	q[7] = XOR(b59, b63);
	q[6] = XOR(b64, s3);
	q[5] = XOR(b55, b67);
	q[4] = s3;
	q[3] = XOR(b51, b66);
	q[2] = XOR(b47, b65);
	q[1] = XOR(b56, b62);
	q[0] = XOR(b48, b60);
}

/* Exchange bit groups between two planes: the bits selected by m in x
 * swap with the bits m << s in y. */
static inline void
swap_bits(v128_t *x, v128_t *y, uint64_t m, int s)
{
	v128_t vm = wasm_i64x2_splat((int64_t)m);
	v128_t a = *x, b = *y;

	*x = wasm_v128_or(AND(a, vm), wasm_i64x2_shl(AND(b, vm), s));
	*y = wasm_v128_or(wasm_u64x2_shr(wasm_v128_andnot(a, vm), s),
		wasm_v128_andnot(b, vm));
}

/* Transpose the 8x8 bit matrix at every byte position (bit i of byte p
 * of q[j] <-> bit j of byte p of q[i]): eight blocks in, eight bit-planes
 * out. It is an involution, so the same code converts back. */
static inline void
ortho(v128_t *q)
{
	int i;

	for (i = 0; i < 8; i += 2) {
		swap_bits(&q[i], &q[i + 1], 0x5555555555555555u, 1);
	}
	for (i = 0; i < 8; i += 4) {
		swap_bits(&q[i], &q[i + 2], 0x3333333333333333u, 2);
		swap_bits(&q[i + 1], &q[i + 3], 0x3333333333333333u, 2);
	}
	for (i = 0; i < 4; i ++) {
		swap_bits(&q[i], &q[i + 4], 0x0F0F0F0F0F0F0F0Fu, 4);
	}
}

/* A block's bytes are in column order (FIPS 197 3.4: input byte 4c + r is
 * state byte (r, c)); the planes are in row order. The 4x4 byte transpose
 * maps one to the other and is its own inverse. */
static inline v128_t
rows_cols(v128_t x)
{
	return wasm_i8x16_shuffle(x, x, 0, 4, 8, 12, 1, 5, 9, 13,
		2, 6, 10, 14, 3, 7, 11, 15);
}

/* ShiftRows (FIPS 197 5.1.2): row r rotates left by r columns. */
static inline v128_t
shift_rows(v128_t x)
{
	return wasm_i8x16_shuffle(x, x, 0, 1, 2, 3, 5, 6, 7, 4,
		10, 11, 8, 9, 15, 12, 13, 14);
}

/* Row r of the result is row r + 1 (mod 4), and row r + 2. */
static inline v128_t
next_row(v128_t x)
{
	return wasm_i32x4_shuffle(x, x, 1, 2, 3, 0);
}

static inline v128_t
row_plus2(v128_t x)
{
	return wasm_i32x4_shuffle(x, x, 2, 3, 0, 1);
}

/* MixColumns (FIPS 197 5.1.3): s'(r) = 2 s(r) ^ 3 s(r+1) ^ s(r+2) ^ s(r+3)
 * = 2 (s ^ n)(r) ^ n(r) ^ (s ^ n)(r+2) with n(r) = s(r+1). Doubling in
 * GF(2^8) moves plane i to i + 1 and feeds plane 7 back into planes 0, 1,
 * 3 and 4 (the reduction by x^8 + x^4 + x^3 + x + 1, FIPS 197 4.2.1). */
static inline void
mix_columns(v128_t *q)
{
	v128_t n[8], qn[8];
	int i;

	for (i = 0; i < 8; i ++) {
		n[i] = next_row(q[i]);
		qn[i] = XOR(q[i], n[i]);
	}
	q[0] = XOR(XOR(qn[7], n[0]), row_plus2(qn[0]));
	q[1] = XOR(XOR(XOR(qn[0], qn[7]), n[1]), row_plus2(qn[1]));
	q[2] = XOR(XOR(qn[1], n[2]), row_plus2(qn[2]));
	q[3] = XOR(XOR(XOR(qn[2], qn[7]), n[3]), row_plus2(qn[3]));
	q[4] = XOR(XOR(XOR(qn[3], qn[7]), n[4]), row_plus2(qn[4]));
	q[5] = XOR(XOR(qn[4], n[5]), row_plus2(qn[5]));
	q[6] = XOR(XOR(qn[5], n[6]), row_plus2(qn[6]));
	q[7] = XOR(XOR(qn[6], n[7]), row_plus2(qn[7]));
}

static inline void
add_round_key(v128_t *q, const v128_t *sk)
{
	int i;

	for (i = 0; i < 8; i ++) {
		q[i] = XOR(q[i], sk[i]);
	}
}

/* FIPS 197 5.1 Cipher() on eight blocks in bitsliced form. */
static void
encrypt8(unsigned num_rounds, const v128_t *sk, v128_t *q)
{
	unsigned u;
	int i;

	add_round_key(q, sk);
	for (u = 1; u < num_rounds; u ++) {
		sbox(q);
		for (i = 0; i < 8; i ++) {
			q[i] = shift_rows(q[i]);
		}
		mix_columns(q);
		add_round_key(q, sk + (u << 3));
	}
	sbox(q);
	for (i = 0; i < 8; i ++) {
		q[i] = shift_rows(q[i]);
	}
	add_round_key(q, sk + (num_rounds << 3));
}

/* SubWord (FIPS 197 5.2) through the bitsliced S-box, so the key schedule
 * makes no key-dependent table lookups either. */
static uint32_t
sub_word(uint32_t x)
{
	v128_t q[8];
	uint32_t r;
	int i;

	for (i = 0; i < 8; i ++) {
		q[i] = wasm_i32x4_splat(0);
	}
	q[0] = wasm_i32x4_replace_lane(q[0], 0, (int32_t)x);
	ortho(q);
	sbox(q);
	ortho(q);
	r = (uint32_t)wasm_i32x4_extract_lane(q[0], 0) ^ 0x63636363u;
	wt_wipe_v128(q, 8);
	return r;
}

/* KeyExpansion (FIPS 197 5.2). Words hold their bytes little-endian (the
 * first byte in the low bits), so RotWord is a right rotation by 8 and
 * Rcon goes into the low byte. Branches depend on the key length only,
 * which is 16, 24 or 32 (the ctr class contract; wt_aead_init passes the
 * suite's). */
static void
ctr_init(const br_block_ctr_class **vt, const void *key, size_t len)
{
	static const unsigned char rcon[10] = {
		0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1B, 0x36
	};
	wt_aes_simd_ctr_keys *ctx = (wt_aes_simd_ctr_keys *)(void *)vt;
	uint32_t w[60], t;
	unsigned nk, n, i;

	ctx->vtable = &wt_aes_simd_ctr_vtable;
	nk = (unsigned)(len >> 2);
	ctx->num_rounds = nk + 6;
	n = (ctx->num_rounds + 1) << 2;
	memcpy(w, key, len);
	for (i = nk; i < n; i ++) {
		t = w[i - 1];
		if (i % nk == 0) {
			t = sub_word((t >> 8) | (t << 24)) ^ rcon[i / nk - 1];
		} else if (nk > 6 && i % nk == 4) {
			t = sub_word(t);
		}
		w[i] = w[i - nk] ^ t;
	}
	memcpy(ctx->rk, w, n << 2);
	wt_wipe(w, sizeof w);
}

static uint32_t
ctr_run(const br_block_ctr_class *const *vt, const void *iv, uint32_t cc,
	void *data, size_t len)
{
	const wt_aes_simd_ctr_keys *ctx = (const wt_aes_simd_ctr_keys *)vt;
	unsigned char *buf = data;
	unsigned char ivb[16];
	v128_t sk[120], base;
	unsigned u, nr = ctx->num_rounds;
	int i;

	/* Round keys as planes: the same key in all eight blocks, so each
	 * byte of plane i is 0xFF or 0x00 by bit i of the key byte. Keys
	 * 1..Nr carry the S-box constant (see sbox()). */
	for (u = 0; u <= nr; u ++) {
		v128_t k = rows_cols(wasm_v128_load(ctx->rk + (u << 4)));

		if (u > 0) {
			k = XOR(k, wasm_i8x16_splat(0x63));
		}

		for (i = 0; i < 8; i ++) {
			v128_t bit = wasm_i8x16_splat((int8_t)(1 << i));

			sk[(u << 3) + i] = wasm_i8x16_eq(AND(k, bit), bit);
		}
	}
	memcpy(ivb, iv, 12);
	memset(ivb + 12, 0, 4);
	base = wasm_v128_load(ivb);

	while (len > 0) {
		v128_t q[8];

		/* Counter blocks: IV || big-endian (cc + i) mod 2^32. */
		for (i = 0; i < 8; i ++) {
			q[i] = rows_cols(wasm_i32x4_replace_lane(base, 3,
				(int32_t)__builtin_bswap32(cc + (uint32_t)i)));
		}
		ortho(q);
		encrypt8(nr, sk, q);
		ortho(q);
		for (i = 0; i < 8; i ++) {
			q[i] = rows_cols(q[i]);
		}

		if (len >= 128) {
			for (i = 0; i < 8; i ++) {
				unsigned char *p = buf + (i << 4);

				wasm_v128_store(p,
					XOR(wasm_v128_load(p), q[i]));
			}
			buf += 128;
			len -= 128;
			cc += 8;
		} else {
			/* Tail: keystream through a buffer; the returned
			 * counter counts whole blocks only, as BearSSL's ctr
			 * classes do (a partial block ends the stream). */
			v128_t ks[8];
			size_t k;

			for (i = 0; i < 8; i ++) {
				ks[i] = q[i];
			}
			for (k = 0; k < len; k ++) {
				buf[k] ^= ((const unsigned char *)ks)[k];
			}
			wt_wipe_v128(ks, 8);
			wt_wipe_v128(q, 8);
			cc += (uint32_t)(len >> 4);
			len = 0;
		}
	}
	wt_wipe_v128(sk, (nr + 1) << 3);
	return cc;
}

const br_block_ctr_class wt_aes_simd_ctr_vtable = {
	sizeof(wt_aes_simd_ctr_keys),
	16,
	4,
	&ctr_init,
	&ctr_run
};

#endif
