/*
 * pk_verify: the big-integer steps of RSA and ECDSA signature
 * verification, on BearSSL's i31 integers (src/inner.h of BearSSL).
 *
 * Everything a verification computes with is public: the key, the
 * signature and the hash. So these are shaped for speed where BearSSL's
 * own (br_rsa_i31_public, br_ecdsa_i31_vrfy_raw) are constant time
 * because the same integer code also serves private keys:
 *  - RSAVP1 walks the public exponent bit by bit: 16 squarings and one
 *    multiplication for e = 65537, where br_i31_modpow_opt's 2-bit
 *    window over e's three bytes takes 38 products.
 *  - ECDSA's 1/s mod n is a binary extended GCD instead of a modular
 *    exponentiation to n - 2 (512 products for P-256).
 * In wasm, against a P-256 leaf under an RSA-2048 root, this and the
 * shared X25519 key (hs13.c) made a full handshake x0.89 of what it was.
 */

#include "wt_internal.h"
#include "inner.h"

/* BR_MAX_RSA_SIZE bits in 31-bit words, plus the header word and one
 * more for the even rounding BearSSL's i31 code expects. */
#define RSA_WORDS  (2 + ((BR_MAX_RSA_SIZE + 30) / 31) + 1)

int
wt_rsa_exponent_ok(const unsigned char *e, size_t elen)
{
	uint32_t v = 0;

	while (elen > 0 && *e == 0) {
		e ++;
		elen --;
	}
	if (elen == 0 || elen > 4) {
		return 0;
	}
	while (elen -- > 0) {
		v = (v << 8) | *e ++;
	}
	return (v & 1) != 0 && v >= 3 && v <= 0x7FFFFFFF;
}

uint32_t
wt_rsa_public(unsigned char *x, size_t xlen, const br_rsa_public_key *pk)
{
	uint32_t m[RSA_WORDS], base[RSA_WORDS], acc[RSA_WORDS], t[RSA_WORDS];
	const unsigned char *n = pk->n, *e = pk->e;
	size_t nlen = pk->nlen, elen = pk->elen, mlen;
	uint32_t m0i, ok;
	int bit;

	while (nlen > 0 && *n == 0) {
		n ++;
		nlen --;
	}
	while (elen > 0 && *e == 0) {
		e ++;
		elen --;
	}
	/* An even or empty modulus, a length mismatch: not a key
	 * br_rsa_i31_public would use either. An exponent outside
	 * wt_rsa_exponent_ok's range: its cost here grows with its length,
	 * which a hostile certificate would choose. */
	if (nlen == 0 || nlen > (BR_MAX_RSA_SIZE >> 3) || xlen != nlen
		|| !wt_rsa_exponent_ok(e, elen))
	{
		return 0;
	}
	br_i31_decode(m, n, nlen);
	m0i = br_i31_ninv31(m[1]);
	ok = m0i & 1;
	/* x < n, else it is no RSA representative (RFC 8017 5.2.2 step 1) */
	ok &= br_i31_decode_mod(base, x, xlen, m);
	if (!ok) {
		return 0;
	}
	mlen = ((m[0] + 63) >> 5) * sizeof m[0];
	br_i31_to_monty(base, m);
	memcpy(acc, base, mlen);
	/* Left to right from the bit under the exponent's top bit. */
	for (bit = 7; !((e[0] >> bit) & 1); bit --) {
	}
	for (;;) {
		if (-- bit < 0) {
			if (-- elen == 0) {
				break;
			}
			e ++;
			bit = 7;
		}
		br_i31_montymul(t, acc, acc, m, m0i);
		if ((e[0] >> bit) & 1) {
			br_i31_montymul(acc, t, base, m, m0i);
		} else {
			memcpy(acc, t, mlen);
		}
	}
	br_i31_from_monty(acc, m, m0i);
	br_i31_encode(x, xlen, acc);
	return 1;
}

uint32_t
wt_rsa_pkcs1_vrfy(const unsigned char *sig, size_t sig_len,
	const unsigned char *hash_oid, size_t hash_len,
	const br_rsa_public_key *pk, unsigned char *hash_out)
{
	unsigned char em[BR_MAX_RSA_SIZE >> 3];

	if (sig_len > sizeof em) {
		return 0;
	}
	memcpy(em, sig, sig_len);
	if (!wt_rsa_public(em, sig_len, pk)) {
		return 0;
	}
	return br_rsa_pkcs1_sig_unpad(em, sig_len, hash_oid, hash_len, hash_out);
}

/* The curve's order as BearSSL's curve data has it, or NULL. */
static const br_ec_curve_def *
curve_def(int curve)
{
	switch (curve) {
	case BR_EC_secp256r1:
		return &br_secp256r1;
	case BR_EC_secp384r1:
		return &br_secp384r1;
	case BR_EC_secp521r1:
		return &br_secp521r1;
	default:
		return NULL;
	}
}

/* Words for the largest order (P-521: 521 bits in 31-bit words). */
#define EC_WORDS  (1 + ((BR_MAX_EC_SIZE + 30) / 31) + 1)

static int
is_one(const uint32_t *x)
{
	uint32_t acc = x[1] ^ 1;
	size_t u, len = (x[0] + 31) >> 5;

	for (u = 2; u <= len; u ++) {
		acc |= x[u];
	}
	return acc == 0;
}

/* x /= 2 mod the odd n: halve x, or x + n when x is odd. The sum is
 * below 2n, which the top 31-bit word still holds for these orders
 * (256, 384, 521 bits), so br_i31_add has no carry out to lose. */
static void
half_mod(uint32_t *x, const uint32_t *n)
{
	br_i31_add(x, n, x[1] & 1);
	br_i31_rshift(x, 1);
}

/* x = a - b mod n, for a, b in [0, n). */
static void
sub_mod(uint32_t *x, const uint32_t *b, const uint32_t *n)
{
	br_i31_add(x, n, br_i31_sub(x, b, 1));
}

/* x1 = 1/a mod the odd prime n, for 0 < a < n, by the binary extended
 * Euclidean algorithm (Hankerson, Menezes, Vanstone, Guide to Elliptic
 * Curve Cryptography, Algorithm 2.22): variable time, for public a only.
 * Keeps x1 a = u and x2 a = v (mod n) while u and v shrink to 1. a is
 * overwritten. */
static void
inverse_public(uint32_t *x1, uint32_t *a, const uint32_t *n, uint32_t *t)
{
	uint32_t *u = a, *v = t, *x2 = t + EC_WORDS;
	size_t len = ((n[0] + 63) >> 5) * sizeof *n;

	memcpy(v, n, len);
	br_i31_zero(x1, n[0]);
	x1[1] = 1;
	br_i31_zero(x2, n[0]);
	while (!is_one(u) && !is_one(v)) {
		while ((u[1] & 1) == 0) {
			br_i31_rshift(u, 1);
			half_mod(x1, n);
		}
		while ((v[1] & 1) == 0) {
			br_i31_rshift(v, 1);
			half_mod(x2, n);
		}
		if (br_i31_sub(u, v, 0) == 0) {
			br_i31_sub(u, v, 1);
			sub_mod(x1, x2, n);
		} else {
			br_i31_sub(v, u, 1);
			sub_mod(x2, x1, n);
		}
	}
	if (!is_one(u)) {
		memcpy(x1, x2, len);
	}
}

uint32_t
wt_ecdsa_vrfy_raw(const br_ec_impl *impl, const void *hash, size_t hash_len,
	const br_ec_public_key *pk, const void *sig, size_t sig_len)
{
	const br_ec_curve_def *cd = curve_def(pk->curve);
	uint32_t nm[EC_WORDS], r[EC_WORDS], s[EC_WORDS], w[EC_WORDS];
	uint32_t u[EC_WORDS], t[2 * EC_WORDS];
	unsigned char u1[(BR_MAX_EC_SIZE + 7) >> 3], u2[(BR_MAX_EC_SIZE + 7) >> 3];
	unsigned char q[1 + 2 * ((BR_MAX_EC_SIZE + 7) >> 3)];
	size_t nlen, rlen;
	uint32_t n0i, ok;

	if (cd == NULL || ((impl->supported_curves >> pk->curve) & 1) == 0
		|| (sig_len & 1) != 0 || pk->qlen != cd->generator_len)
	{
		return 0;
	}
	rlen = sig_len >> 1;
	nlen = cd->order_len;
	br_i31_decode(nm, cd->order, nlen);
	n0i = br_i31_ninv31(nm[1]);
	/* SEC 1 4.1.4 step 1 (FIPS 186-5 6.4.2 step 2): 0 < r, s < n. */
	if (!br_i31_decode_mod(r, sig, rlen, nm)
		|| !br_i31_decode_mod(s, (const unsigned char *)sig + rlen, rlen, nm)
		|| br_i31_iszero(r) || br_i31_iszero(s))
	{
		return 0;
	}
	/* w = R/s mod n (1/s in Montgomery form): the products below with
	 * w then come out as plain residues. */
	inverse_public(w, s, nm, t);
	br_i31_to_monty(w, nm);
	/* e = the hash's leftmost bits, reduced mod n (4.1.4 steps 3-4);
	 * u1 = e/s, u2 = r/s (step 5). */
	br_ecdsa_i31_bits2int(u, hash, hash_len, nm[0]);
	br_i31_sub(u, nm, br_i31_sub(u, nm, 0) ^ 1);
	br_i31_montymul(t, u, w, nm, n0i);
	br_i31_encode(u1, nlen, t);
	br_i31_montymul(t, r, w, nm, n0i);
	br_i31_encode(u2, nlen, t);
	/* R = u1 G + u2 Q (step 6); muladd fails for the point at infinity */
	memcpy(q, pk->q, pk->qlen);
	ok = impl->muladd(q, NULL, pk->qlen, u2, nlen, u1, nlen, pk->curve);
	/* Step 7-8: R's x coordinate mod n equals r. x < p, and p < 2n for
	 * these prime-order curves (Hasse), so one conditional subtraction
	 * reduces it. */
	br_i31_zero(t, nm[0]);
	br_i31_decode(t, q + 1, pk->qlen >> 1);
	t[0] = nm[0];
	br_i31_sub(t, nm, br_i31_sub(t, nm, 0) ^ 1);
	ok &= ~br_i31_sub(t, r, 1);
	ok &= br_i31_iszero(t);
	return ok;
}

uint32_t
wt_ecdsa_vrfy_asn1(const br_ec_impl *impl, const void *hash, size_t hash_len,
	const br_ec_public_key *pk, const void *sig, size_t sig_len)
{
	unsigned char raw[4 * ((BR_MAX_EC_SIZE + 7) >> 3) + 24];
	size_t raw_len;

	/* The DER form's two integers, each padded to the same length. At
	 * most half of raw[], as br_ecdsa_i31_vrfy_asn1: BearSSL's parser
	 * takes leading zero bytes, and this bound is all that limits them
	 * in certificate signatures (TLS ones are strict DER, crypto.c). */
	if (sig_len > (sizeof raw) >> 1) {
		return 0;
	}
	memcpy(raw, sig, sig_len);
	raw_len = br_ecdsa_asn1_to_raw(raw, sig_len);
	if (raw_len == 0) {
		return 0;
	}
	return wt_ecdsa_vrfy_raw(impl, hash, hash_len, pk, raw, raw_len);
}
