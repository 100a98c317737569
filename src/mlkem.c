/*
 * mlkem: ML-KEM-768 and ML-KEM-1024 (FIPS 203), for the hybrid TLS 1.3
 * key-exchange groups. Written from FIPS 203; the algorithm numbers in
 * the comments are FIPS 203's.
 *
 * Arithmetic mod q = 3329 on int16_t coefficients. Products go through a
 * Montgomery reduction (R = 2^16) and sums through a Barrett reduction;
 * both are multiplications and shifts, so nothing divides and nothing
 * branches on a coefficient. Compress_d (4.7) is round(2^d / q * x) done
 * as one multiplication by ceil(2^33 / q) and a shift (exact for every
 * input: tests/mlkem.test.mjs checks the formula for all x and d).
 *
 * Constant time: the only data-dependent branches are in SampleNTT
 * (Alg. 7), whose rejection sampling reads XOF(rho || j || i) where rho is
 * the public seed of the matrix (the last 32 bytes of ek), and the input
 * checks of 7.2 and 7.3 on the public ek and ciphertext. Decaps compares
 * the re-encrypted ciphertext and selects K' or the implicit-rejection
 * key with masks (Alg. 18 lines 9-11).
 *
 * Stack: the matrix A is never stored; each entry is sampled when it is
 * used (k^2 SampleNTT runs per keygen or encryption, so 2k^2 for
 * wt_mlkem_decaps_seed, which does both). The deepest chain is
 * wt_mlkem_decaps_seed -> decaps_core -> pke_encrypt -> Keccak, about
 * 10.7 KiB on x86-64 (-fstack-usage, clang 16 and gcc 12). Every buffer
 * that held a secret is wiped before return.
 */

#include "wt_internal.h"
#include "wt_mlkem.h"

#define Q      3329
#define QINV   (-3327)   /* q^-1 mod 2^16, as int16: q * QINV = 1 mod 2^16 */
#define MONT2  1353      /* R^2 mod q (centred): to leave the R^-1 domain */
#define INVF   1441      /* R^2 / 128 mod q: the 1/128 of Alg. 10 line 14 */

#define MAXK   4

typedef int16_t poly[256];

/* The NTTs, the packing loops, the multiply-accumulate and the three
 * K-PKE steps are called from key generation, encapsulation and
 * decapsulation; inlined (clang -O2's choice) each was copied into all of
 * them. Kept out of line: 1.1 KB less gzip in the wasm package, and no
 * slower (bench_mlkem keygen+decaps, alternating runs). */
#define WT_MLKEM_OUTLINE __attribute__((noinline))

/* Always 0, but read through volatile, so the compiler cannot know it:
 * xoring it into a mask made from a secret bit stops the optimizer from
 * seeing that the mask is 0 or all ones and turning the masked add back
 * into a branch or a conditional move, which clang 16 does for
 * "-bit & 1665" in Alg. 14 line 20 (the message bits: secret in encaps
 * and in the re-encryption of decaps; valgrind (tests/ct) caught it; the
 * same compiler behaviour as the "clangover" finding against the Kyber
 * reference code). Const: never written. */
static const volatile uint16_t opt_blocker = 0;

/* ------------------------------------------------------------------ */
/* Arithmetic mod q                                                     */
/* ------------------------------------------------------------------ */

/* a * R^-1 mod q, in (-q, q) for |a| < q 2^15. The low 16 bits of
 * a - t q are zero by the choice of t, so the shift is exact. */
static int16_t
mont_reduce(int32_t a)
{
	int16_t t = (int16_t)((int16_t)a * QINV);

	return (int16_t)((a - (int32_t)t * Q) >> 16);
}

static int16_t
fqmul(int16_t a, int16_t b)
{
	return mont_reduce((int32_t)a * b);
}

/* a mod q in [-(q-1)/2, (q-1)/2] for any int16 a: t = round(a / q) from
 * the multiplier 20159 = round(2^26 / q). */
static int16_t
barrett_reduce(int16_t a)
{
	int16_t t = (int16_t)((20159 * (int32_t)a + (1 << 25)) >> 26);

	return (int16_t)(a - t * Q);
}

/* For a in (-q, q): a mod q in [0, q), adding q through the sign mask. */
static int16_t
to_unsigned(int16_t a)
{
	return (int16_t)(a + ((a >> 15) & Q));
}

/* zetas[i] = 17^BitRev7(i) R mod q (centred), i = 0..127: the twiddle
 * factors of Alg. 9 and 10 in Montgomery form, so that fqmul(zeta, x) is
 * zeta x mod q. zetas[64 + i] = 17^(2 BitRev7(2i) + 1) R are also the
 * gamma factors of Alg. 11 (BaseCaseMultiply); the odd pairs use
 * -zetas[64 + i] since 17^128 = -1 mod q. Computed from the definition. */
static const int16_t zetas[128] = {
	-1044,  -758,  -359, -1517,  1493,  1422,   287,   202,
	 -171,   622,  1577,   182,   962, -1202, -1474,  1468,
	  573, -1325,   264,   383,  -829,  1458, -1602,  -130,
	 -681,  1017,   732,   608, -1542,   411,  -205, -1571,
	 1223,   652,  -552,  1015, -1293,  1491,  -282, -1544,
	  516,    -8,  -320,  -666, -1618, -1162,   126,  1469,
	 -853,   -90,  -271,   830,   107, -1421,  -247,  -951,
	 -398,   961, -1508,  -725,   448, -1065,   677, -1275,
	-1103,   430,   555,   843, -1251,   871,  1550,   105,
	  422,   587,   177,  -235,  -291,  -460,  1574,  1653,
	 -246,   778,  1159,  -147,  -777,  1483,  -602,  1119,
	-1590,   644,  -872,   349,   418,   329,  -156,   -75,
	  817,  1097,   603,   610,  1322, -1285, -1465,   384,
	-1215,  -136,  1218, -1335,  -874,   220, -1187, -1659,
	-1185, -1530, -1278,   794, -1510,  -854,  -870,   478,
	 -108,  -308,   996,   991,   958, -1460,  1522,  1628
};

/* ------------------------------------------------------------------ */
/* Polynomials                                                          */
/* ------------------------------------------------------------------ */

static void
poly_reduce(poly f)
{
	int i;

	for (i = 0; i < 256; i ++) {
		f[i] = barrett_reduce(f[i]);
	}
}

/* Reduces into [0, q): the form ByteEncode and Compress take. */
static void
poly_canonical(poly f)
{
	int i;

	for (i = 0; i < 256; i ++) {
		f[i] = to_unsigned(barrett_reduce(f[i]));
	}
}

static void
poly_add(poly r, const poly a)
{
	int i;

	for (i = 0; i < 256; i ++) {
		r[i] = (int16_t)(r[i] + a[i]);
	}
}

/* NTT (Alg. 9). Input |f| < q; each of the 7 layers adds at most q, so
 * the int16 coefficients stay below 8q before the final reduction. */
static WT_MLKEM_OUTLINE void
ntt(poly f)
{
	unsigned len, start, j, i = 1;

	for (len = 128; len >= 2; len >>= 1) {
		for (start = 0; start < 256; start += 2 * len) {
			int16_t z = zetas[i ++];

			for (j = start; j < start + len; j ++) {
				int16_t t = fqmul(z, f[j + len]);

				f[j + len] = (int16_t)(f[j] - t);
				f[j] = (int16_t)(f[j] + t);
			}
		}
	}
	poly_reduce(f);
}

/* NTT^-1 (Alg. 10). Input |f| <= (q-1)/2 (reduced); the sums are reduced
 * at every layer. The final multiplication by INVF = R^2/128 both divides
 * by 128 (line 14) and cancels the R^-1 that poly_mul_acc leaves. Output
 * in (-q, q). */
static WT_MLKEM_OUTLINE void
invntt(poly f)
{
	unsigned len, start, j, i = 127;

	for (len = 2; len <= 128; len <<= 1) {
		for (start = 0; start < 256; start += 2 * len) {
			int16_t z = zetas[i --];

			for (j = start; j < start + len; j ++) {
				int16_t t = f[j];

				f[j] = barrett_reduce((int16_t)(t + f[j + len]));
				f[j + len] = fqmul(z, (int16_t)(f[j + len] - t));
			}
		}
	}
	for (j = 0; j < 256; j ++) {
		f[j] = fqmul(f[j], INVF);
	}
}

/* r += a * b in the NTT domain (MultiplyNTTs, Alg. 11), times R^-1.
 * Inputs |a|, |b| < q; each call adds less than 2q to |r|, so up to k = 4
 * products accumulate without overflow. */
static WT_MLKEM_OUTLINE void
poly_mul_acc(poly r, const poly a, const poly b)
{
	int i, u;

	for (i = 0; i < 64; i ++) {
		int16_t z = zetas[64 + i];

		/* BaseCaseMultiply (Alg. 12) on (4i, 4i+1) with gamma = z,
		 * then on (4i+2, 4i+3) with gamma = -z. */
		for (u = 4 * i; u < 4 * i + 4; u += 2) {
			int16_t a0 = a[u], a1 = a[u + 1], b0 = b[u], b1 = b[u + 1];

			r[u] = (int16_t)(r[u] + fqmul(fqmul(a1, b1), z)
				+ fqmul(a0, b0));
			r[u + 1] = (int16_t)(r[u + 1] + fqmul(a0, b1)
				+ fqmul(a1, b0));
			z = (int16_t)-z;
		}
	}
}

/* Compress_d (4.7): round(2^d x / q) mod 2^d for x in [0, q). The
 * quotient floor(y / q) of y = 2^d x + (q-1)/2 < 2^23 is (y M) >> 33 with
 * M = ceil(2^33 / q) = 2580335, exact on that range (no division: a
 * division's time may depend on its operands). */
static uint16_t
compress(int16_t x, unsigned d)
{
	uint64_t y = ((uint64_t)(uint16_t)x << d) + (Q - 1) / 2;

	return (uint16_t)(((y * 2580335) >> 33) & ((1u << d) - 1));
}

/* Decompress_d (4.8): round(q y / 2^d). */
static int16_t
decompress(uint16_t y, unsigned d)
{
	return (int16_t)(((uint32_t)y * Q + (1u << (d - 1))) >> d);
}

/* ByteEncode_d (Alg. 5) of 256 d-bit values, least significant bit
 * first: 32 d bytes. */
static WT_MLKEM_OUTLINE void
pack(uint8_t *out, const int16_t *v, unsigned d)
{
	uint32_t acc = 0;
	unsigned bits = 0, i;

	for (i = 0; i < 256; i ++) {
		acc |= (uint32_t)(uint16_t)v[i] << bits;
		bits += d;
		while (bits >= 8) {
			*out ++ = (uint8_t)acc;
			acc >>= 8;
			bits -= 8;
		}
	}
}

/* ByteDecode_d (Alg. 6) without the final mod q: 256 d-bit values. */
static WT_MLKEM_OUTLINE void
unpack(int16_t *v, const uint8_t *in, unsigned d)
{
	uint32_t acc = 0;
	unsigned bits = 0, i;

	for (i = 0; i < 256; i ++) {
		while (bits < d) {
			acc |= (uint32_t)*in ++ << bits;
			bits += 8;
		}
		v[i] = (int16_t)(acc & ((1u << d) - 1));
		acc >>= d;
		bits -= d;
	}
}

/* ByteDecode_12 with the mod q of Alg. 6 (values < 4096 < 2q: subtract q
 * through a mask), for dk, whose encoded s is secret. */
static void
unpack12_mod(poly f, const uint8_t *in)
{
	int i;

	unpack(f, in, 12);
	for (i = 0; i < 256; i ++) {
		int16_t t = (int16_t)(f[i] - Q);

		f[i] = (int16_t)(t + ((t >> 15) & Q));
	}
}

/* ------------------------------------------------------------------ */
/* Sampling (4.2.2)                                                     */
/* ------------------------------------------------------------------ */

/* SampleNTT (Alg. 7) on XOF(rho || b0 || b1) = SHAKE128. Rejection
 * sampling of 12-bit candidates below q. The branches depend only on the
 * XOF output of the public rho (sent in ek), so they leak nothing. */
static void
sample_ntt(poly a, const uint8_t rho[32], unsigned b0, unsigned b1)
{
	wt_shake_ctx xof;
	uint8_t buf[168], ij[2];
	unsigned j = 0, pos;

	ij[0] = (uint8_t)b0;
	ij[1] = (uint8_t)b1;
	wt_shake_init(&xof, 128);
	wt_shake_absorb(&xof, rho, 32);
	wt_shake_absorb(&xof, ij, 2);
	wt_shake_flip(&xof);
	while (j < 256) {
		/* One SHAKE128 block is 56 whole 3-byte candidates. */
		wt_shake_squeeze(&xof, buf, sizeof buf);
		for (pos = 0; pos < sizeof buf && j < 256; pos += 3) {
			unsigned d1 = buf[pos] | ((unsigned)(buf[pos + 1] & 15) << 8);
			unsigned d2 = (buf[pos + 1] >> 4) | ((unsigned)buf[pos + 2] << 4);

			if (d1 < Q) {
				a[j ++] = (int16_t)d1;
			}
			if (d2 < Q && j < 256) {
				a[j ++] = (int16_t)d2;
			}
		}
	}
}

/* SamplePolyCBD_2 (Alg. 8, eta = 2: both parameter sets here have
 * eta1 = eta2 = 2) on PRF_2(s, n) = SHAKE256(s || n, 128 bytes) (4.1).
 * Each coefficient is (b0 + b1) - (b2 + b3) over 4 consecutive bits;
 * the pair sums are taken 16 at a time with masks. Output in [-2, 2]. */
static void
sample_cbd2(poly f, const uint8_t s[32], unsigned n)
{
	wt_shake_ctx prf;
	uint8_t buf[128], nb = (uint8_t)n;
	int i, j;

	wt_shake_init(&prf, 256);
	wt_shake_absorb(&prf, s, 32);
	wt_shake_absorb(&prf, &nb, 1);
	wt_shake_flip(&prf);
	wt_shake_squeeze(&prf, buf, sizeof buf);
	for (i = 0; i < 32; i ++) {
		uint32_t t = (uint32_t)buf[4 * i]
			| ((uint32_t)buf[4 * i + 1] << 8)
			| ((uint32_t)buf[4 * i + 2] << 16)
			| ((uint32_t)buf[4 * i + 3] << 24);
		uint32_t d = (t & 0x55555555) + ((t >> 1) & 0x55555555);

		for (j = 0; j < 8; j ++) {
			int16_t x = (int16_t)((d >> (4 * j)) & 3);
			int16_t y = (int16_t)((d >> (4 * j + 2)) & 3);

			f[8 * i + j] = (int16_t)(x - y);
		}
	}
	wt_wipe(buf, sizeof buf);
	wt_wipe(&prf, sizeof prf);
}

/* ------------------------------------------------------------------ */
/* K-PKE (5)                                                            */
/* ------------------------------------------------------------------ */

/* (du, dv) of Table 2. */
static unsigned
param_du(unsigned k)
{
	return k == 4 ? 11 : 10;
}

static unsigned
param_dv(unsigned k)
{
	return k == 4 ? 5 : 4;
}

/* K-PKE.KeyGen (Alg. 13) from d: writes s^ (reduced, in the NTT domain)
 * and ek = ByteEncode_12(t^) || rho. Row i of t^ = A^ s^ + e^ is summed
 * with A^[i, j] = SampleNTT(rho || j || i) sampled on the spot. */
static WT_MLKEM_OUTLINE void
pke_keygen(unsigned k, const uint8_t d[32], poly *s_hat, uint8_t *ek)
{
	uint8_t g_in[33], rs[64];   /* G(d || k) = rho || sigma */
	const uint8_t *rho = rs, *sigma = rs + 32;
	poly a, acc, e;
	unsigned i, j;

	memcpy(g_in, d, 32);
	g_in[32] = (uint8_t)k;      /* domain separation by k (line 1) */
	wt_sha3_512(g_in, sizeof g_in, rs);
	for (i = 0; i < k; i ++) {
		sample_cbd2(s_hat[i], sigma, i);
		ntt(s_hat[i]);
	}
	for (i = 0; i < k; i ++) {
		memset(acc, 0, sizeof acc);
		for (j = 0; j < k; j ++) {
			sample_ntt(a, rho, j, i);
			poly_mul_acc(acc, a, s_hat[j]);
		}
		/* Out of the R^-1 domain the products left, then + e^[i]. */
		for (j = 0; j < 256; j ++) {
			acc[j] = fqmul(acc[j], MONT2);
		}
		sample_cbd2(e, sigma, k + i);
		ntt(e);
		poly_add(acc, e);
		poly_canonical(acc);
		pack(ek + 384 * i, acc, 12);
	}
	memcpy(ek + 384 * k, rho, 32);
	wt_wipe(g_in, sizeof g_in);
	wt_wipe(rs, sizeof rs);
	wt_wipe(acc, sizeof acc);
	wt_wipe(e, sizeof e);
}

/* K-PKE.Encrypt (Alg. 14). ek has passed the modulus check (or was made
 * here); t^ is decoded from it one row at a time. */
static WT_MLKEM_OUTLINE void
pke_encrypt(unsigned k, const uint8_t *ek, const uint8_t m[32],
	const uint8_t r[32], uint8_t *ct)
{
	poly y_hat[MAXK], a, acc, e;
	const uint8_t *rho = ek + 384 * k;
	unsigned du = param_du(k), dv = param_dv(k), i, j;
	uint16_t blk;

	for (i = 0; i < k; i ++) {
		sample_cbd2(y_hat[i], r, i);
		ntt(y_hat[i]);
	}

	/* u = NTT^-1(A^T y^) + e1 (lines 19, 21); A^T[i, j] = A^[j, i] =
	 * SampleNTT(rho || i || j). */
	for (i = 0; i < k; i ++) {
		memset(acc, 0, sizeof acc);
		for (j = 0; j < k; j ++) {
			sample_ntt(a, rho, i, j);
			poly_mul_acc(acc, a, y_hat[j]);
		}
		poly_reduce(acc);
		invntt(acc);
		sample_cbd2(e, r, k + i);
		poly_add(acc, e);
		poly_canonical(acc);
		for (j = 0; j < 256; j ++) {
			acc[j] = (int16_t)compress(acc[j], du);
		}
		pack(ct + 32 * du * i, acc, du);
	}

	/* v = NTT^-1(t^T y^) + e2 + Decompress_1(m) (lines 20, 21). */
	memset(acc, 0, sizeof acc);
	for (j = 0; j < k; j ++) {
		unpack(a, ek + 384 * j, 12);
		poly_mul_acc(acc, a, y_hat[j]);
	}
	poly_reduce(acc);
	invntt(acc);
	sample_cbd2(e, r, 2 * k);
	poly_add(acc, e);
	blk = opt_blocker;
	for (j = 0; j < 256; j ++) {
		/* Decompress_1(bit) = bit ? round(q/2) = 1665 : 0, by mask;
		 * the mask goes through blk (see opt_blocker). */
		uint16_t mask = (uint16_t)((0u - ((m[j >> 3] >> (j & 7)) & 1u))
			^ blk);

		acc[j] = (int16_t)(acc[j] + (int16_t)(mask & 1665));
	}
	poly_canonical(acc);
	for (j = 0; j < 256; j ++) {
		acc[j] = (int16_t)compress(acc[j], dv);
	}
	pack(ct + 32 * du * k, acc, dv);

	wt_wipe(y_hat, sizeof y_hat);
	wt_wipe(acc, sizeof acc);
	wt_wipe(e, sizeof e);
}

/* K-PKE.Decrypt (Alg. 15) with s^ already decoded (read only; not const:
 * C99 cannot pass poly * as const poly * without a cast):
 * m = ByteEncode_1(Compress_1(v' - NTT^-1(s^T NTT(u')))). */
static WT_MLKEM_OUTLINE void
pke_decrypt(unsigned k, poly *s_hat, const uint8_t *ct, uint8_t m[32])
{
	poly a, acc;
	unsigned du = param_du(k), dv = param_dv(k), i, j;

	memset(acc, 0, sizeof acc);
	for (i = 0; i < k; i ++) {
		unpack(a, ct + 32 * du * i, du);
		for (j = 0; j < 256; j ++) {
			a[j] = decompress((uint16_t)a[j], du);
		}
		ntt(a);
		poly_mul_acc(acc, s_hat[i], a);
	}
	poly_reduce(acc);
	invntt(acc);
	unpack(a, ct + 32 * du * k, dv);
	memset(m, 0, 32);
	for (j = 0; j < 256; j ++) {
		int16_t w = (int16_t)(decompress((uint16_t)a[j], dv) - acc[j]);

		w = to_unsigned(barrett_reduce(w));
		m[j >> 3] |= (uint8_t)(compress(w, 1) << (j & 7));
	}
	wt_wipe(acc, sizeof acc);
}

/* ------------------------------------------------------------------ */
/* ML-KEM (6, 7)                                                        */
/* ------------------------------------------------------------------ */

size_t
wt_mlkem_ek_len(unsigned k)
{
	return k == 3 || k == 4 ? 384 * (size_t)k + 32 : 0;
}

size_t
wt_mlkem_dk_len(unsigned k)
{
	return k == 3 || k == 4 ? 768 * (size_t)k + 96 : 0;
}

size_t
wt_mlkem_ct_len(unsigned k)
{
	return k == 3 || k == 4 ? 32 * (size_t)(param_du(k) * k + param_dv(k)) : 0;
}

/* All ones if a[0..n) == b[0..n), else 0; touches every byte. */
static uint32_t
ct_eq_mask(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint32_t acc = 0;
	size_t i;

	for (i = 0; i < n; i ++) {
		acc |= (uint32_t)(a[i] ^ b[i]);
	}
	return 0 - ((acc - 1) >> 31);
}

/* ML-KEM.Decaps_internal (Alg. 18) with dk split into its parts:
 * s^ (decoded), ek, h = H(ek), z. */
static void
decaps_core(unsigned k, poly *s_hat, const uint8_t *ek,
	const uint8_t h[32], const uint8_t z[32], const uint8_t *ct,
	uint8_t ss[32])
{
	uint8_t g_in[64], kr[64], kbar[32], ct2[WT_MLKEM_MAX_CT_LEN];
	size_t ct_len = wt_mlkem_ct_len(k);
	wt_shake_ctx j;
	uint32_t eq;
	int i;

	pke_decrypt(k, s_hat, ct, g_in);            /* m' */
	memcpy(g_in + 32, h, 32);
	wt_sha3_512(g_in, sizeof g_in, kr);         /* (K', r') = G(m' || h) */

	/* K_bar = J(z || c) = SHAKE256(z || c, 32) (4.1). */
	wt_shake_init(&j, 256);
	wt_shake_absorb(&j, z, 32);
	wt_shake_absorb(&j, ct, ct_len);
	wt_shake_flip(&j);
	wt_shake_squeeze(&j, kbar, sizeof kbar);

	pke_encrypt(k, ek, g_in, kr + 32, ct2);    /* c' */

	/* Lines 9-11: K' if c == c', else K_bar; chosen by mask, not by a
	 * branch, so the time does not tell a forged ciphertext apart. */
	eq = ct_eq_mask(ct, ct2, ct_len);
	for (i = 0; i < 32; i ++) {
		ss[i] = (uint8_t)(kbar[i] ^ ((uint8_t)eq & (kr[i] ^ kbar[i])));
	}
	wt_wipe(g_in, sizeof g_in);
	wt_wipe(kr, sizeof kr);
	wt_wipe(kbar, sizeof kbar);
	wt_wipe(ct2, sizeof ct2);
	wt_wipe(&j, sizeof j);
}

int
wt_mlkem_keygen(unsigned k, const uint8_t seed[64], uint8_t *ek,
	uint8_t *dk)
{
	poly s_hat[MAXK];
	size_t ek_len = wt_mlkem_ek_len(k);
	unsigned i;

	if (ek_len == 0) {
		return -1;
	}
	/* ML-KEM.KeyGen_internal (Alg. 16): d = seed[0..32),
	 * z = seed[32..64). */
	pke_keygen(k, seed, s_hat, ek);
	if (dk != NULL) {
		/* dk = ByteEncode_12(s^) || ek || H(ek) || z */
		for (i = 0; i < k; i ++) {
			uint8_t *p = dk + 384 * i;
			int u;

			for (u = 0; u < 256; u ++) {
				s_hat[i][u] = to_unsigned(s_hat[i][u]);
			}
			pack(p, s_hat[i], 12);
		}
		memcpy(dk + 384 * k, ek, ek_len);
		wt_sha3_256(ek, ek_len, dk + 384 * k + ek_len);
		memcpy(dk + 384 * k + ek_len + 32, seed + 32, 32);
	}
	wt_wipe(s_hat, sizeof s_hat);
	return 0;
}

int
wt_mlkem_encaps(unsigned k, const uint8_t *ek, size_t ek_len,
	const uint8_t m[32], uint8_t *ct, uint8_t ss[32])
{
	uint8_t g_in[64], kr[64];
	poly t;
	unsigned i, u, bad = 0;

	/* 7.2 input checks on the public ek: the type check (length) and
	 * the modulus check (ByteEncode_12(ByteDecode_12(ek)) == ek, i.e.
	 * every 12-bit value is below q). Branching on them is fine. */
	if (ek_len == 0 || ek_len != wt_mlkem_ek_len(k)) {
		return -1;
	}
	for (i = 0; i < k; i ++) {
		unpack(t, ek + 384 * i, 12);
		for (u = 0; u < 256; u ++) {
			bad |= (unsigned)(t[u] >= Q);
		}
	}
	if (bad) {
		return -1;
	}

	/* ML-KEM.Encaps_internal (Alg. 17): (K, r) = G(m || H(ek)). */
	memcpy(g_in, m, 32);
	wt_sha3_256(ek, ek_len, g_in + 32);
	wt_sha3_512(g_in, sizeof g_in, kr);
	pke_encrypt(k, ek, m, kr + 32, ct);
	memcpy(ss, kr, 32);
	wt_wipe(g_in, sizeof g_in);
	wt_wipe(kr, sizeof kr);
	return 0;
}

int
wt_mlkem_decaps(unsigned k, const uint8_t *dk, const uint8_t *ct,
	size_t ct_len, uint8_t ss[32])
{
	poly s_hat[MAXK];
	uint8_t h[32];
	size_t ek_len = wt_mlkem_ek_len(k);
	const uint8_t *ek = dk + 384 * k;
	unsigned i;

	memset(ss, 0, 32);
	/* 7.3 input checks: ciphertext type check (length) and the hash
	 * check H(dk[384k : 768k + 32]) == dk[768k + 32 : 768k + 64]. Both
	 * read only public bytes (c, ek and its hash), so they may branch;
	 * the dk type check is the caller's (the buffer length). */
	if (ek_len == 0 || ct_len != wt_mlkem_ct_len(k)) {
		return -1;
	}
	wt_sha3_256(ek, ek_len, h);
	if (memcmp(h, ek + ek_len, 32) != 0) {
		return -1;
	}
	for (i = 0; i < k; i ++) {
		unpack12_mod(s_hat[i], dk + 384 * i);
	}
	decaps_core(k, s_hat, ek, ek + ek_len, ek + ek_len + 32, ct, ss);
	wt_wipe(s_hat, sizeof s_hat);
	return 0;
}

int
wt_mlkem_decaps_seed(unsigned k, const uint8_t seed[64], const uint8_t *ct,
	size_t ct_len, uint8_t ss[32])
{
	poly s_hat[MAXK];
	uint8_t ek[WT_MLKEM_MAX_EK_LEN], h[32];
	size_t ek_len = wt_mlkem_ek_len(k);

	memset(ss, 0, 32);
	if (ek_len == 0 || ct_len != wt_mlkem_ct_len(k)) {
		return -1;
	}
	/* Re-derive what dk would hold: s^, ek and H(ek) from d, and z. */
	pke_keygen(k, seed, s_hat, ek);
	wt_sha3_256(ek, ek_len, h);
	decaps_core(k, s_hat, ek, h, seed + 32, ct, ss);
	wt_wipe(s_hat, sizeof s_hat);
	return 0;
}
