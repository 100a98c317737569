/*
 * fuzz_pk_verify: src/pk_verify.c (not affected by the fuzzing mode)
 * against BearSSL's constant-time code it replaces, on hostile keys and
 * signatures: what a server's certificate chain and CertificateVerify
 * (or ServerKeyExchange) reach.
 *
 * Input: [mode byte] [rest]. Mode bits 0-1:
 *   0: RSAVP1. rest = [elen byte] [e (elen % 17 bytes)] [n] [x], n and
 *      x each half of what is left (at most 512 bytes). Where
 *      wt_rsa_public succeeds, br_rsa_i31_public must too, with the same
 *      output; where it fails, BearSSL must fail too, unless the exponent
 *      is outside the policy (odd, 3 .. 2^31 - 1), which the harness
 *      checks with its own code.
 *   1: ECDSA over a key from the input. Bits 2-3 pick P-256, P-384 or
 *      P-521, bits 4-5 SHA-256/384/512 for the hash length, bit 6 the
 *      DER form; rest = [scalar (curve size)] [count] [pad r] [pad s]
 *      [count x (op, position, value)] [hash]: the key is scalar G (a
 *      valid point) and the signature BearSSL's RFC 6979 one over the
 *      hash (zero-padded) by that key, raw or DER (r and s after up to 63
 *      extra zero bytes each), then edited (op 0: XOR the byte, 1: insert
 *      a byte, 2: delete one; up to 320 bytes). Ours and BearSSL's (raw
 *      or asn1) verification must agree, and an unedited signature must
 *      verify unless its DER form is over BearSSL's 144-byte bound.
 *   2: ECDSA with the key, the hash and the DER signature all from the
 *      input: wt_ecdsa_vrfy_asn1 and br_ecdsa_i31_vrfy_asn1 must agree
 *      (the raw path too, on the same bytes).
 * Keys and signatures are heap copies of exactly their length, so
 * AddressSanitizer sees any read past them.
 */
#include "fuzz_host.h"
#include "wt_ec.h"
#include "inner.h"
#include <stdlib.h>

/* The exponent policy, written again from its statement (odd, 3 to
 * 2^31 - 1, big-endian with any leading zeros) rather than by calling
 * wt_rsa_exponent_ok, so a wrong bound there shows as a mismatch. */
static int exponent_allowed(const uint8_t *e, size_t elen)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < elen; i++) {
		if (v > 0xFFFFFFFFu) {
			return 0;
		}
		v = (v << 8) | e[i];
	}
	return (v & 1) == 1 && v >= 3 && v < ((uint64_t)1 << 31);
}

static void fuzz_rsa(const uint8_t *p, size_t n)
{
	br_rsa_public_key pk;
	uint8_t *e, *mod, *x1, *x2;
	size_t elen, half;
	uint32_t ours, theirs;

	if (n < 1) {
		return;
	}
	elen = p[0] % 17;
	p++;
	n--;
	if (n < elen) {
		return;
	}
	e = fz_dup_exact(p, elen);
	p += elen;
	n -= elen;
	half = n / 2 > 512 ? 512 : n / 2;
	mod = fz_dup_exact(p, half);
	x1 = fz_dup_exact(p + half, half);
	x2 = fz_dup_exact(p + half, half);
	pk.n = mod;
	pk.nlen = half;
	pk.e = e;
	pk.elen = elen;
	ours = wt_rsa_public(x1, half, &pk);
	/* BearSSL reads e's first byte unconditionally: only call it with
	 * an exponent (an empty one is ours to refuse). */
	if (elen > 0) {
		theirs = br_rsa_i31_public(x2, half, &pk);
		/* ours succeeds exactly where BearSSL does on an allowed
		 * exponent, with the same result */
		FZ_ASSERT(ours == (theirs && exponent_allowed(e, elen)));
		FZ_ASSERT(!ours || memcmp(x1, x2, half) == 0);
	} else {
		FZ_ASSERT(!ours);
	}
	free(e);
	free(mod);
	free(x1);
	free(x2);
}

static int curve_of(uint8_t mode, size_t *clen)
{
	switch ((mode >> 2) % 3) {
	case 0:
		*clen = 32;
		return BR_EC_secp256r1;
	case 1:
		*clen = 48;
		return BR_EC_secp384r1;
	default:
		*clen = 66;
		return BR_EC_secp521r1;
	}
}

/* A DER length (short form, or 0x81 LL) at out; its size. */
static size_t der_len(uint8_t *out, size_t len)
{
	if (len < 0x80) {
		out[0] = (uint8_t)len;
		return 1;
	}
	out[0] = 0x81;
	out[1] = (uint8_t)len;
	return 2;
}

/* One INTEGER: the value's minimal form (a sign byte if needed) after
 * pad extra leading zero bytes (BER's leniency, which BearSSL's
 * br_ecdsa_asn1_to_raw takes). */
static size_t der_int(uint8_t *out, const uint8_t *v, size_t vlen, size_t pad)
{
	size_t n, off;

	while (vlen > 1 && v[0] == 0) {
		v++;
		vlen--;
	}
	n = pad + (v[0] & 0x80 ? 1 : 0) + vlen;
	out[0] = 0x02;
	off = 1 + der_len(out + 1, n);
	memset(out + off, 0, n - vlen);
	memcpy(out + off + n - vlen, v, vlen);
	return off + n;
}

/* The raw signature sig (r || s) rewritten in place as DER with r and s
 * padded by pr and ps zero bytes (at most 63 each: the result fits
 * sig[320]); its length. Past 144 bytes BearSSL's verification refuses
 * it, so ours must too. */
static size_t der_padded(uint8_t *sig, size_t slen, size_t pr, size_t ps)
{
	uint8_t body[300], out[320];
	size_t half = slen / 2, b, o;

	b = der_int(body, sig, half, pr);
	b += der_int(body + b, sig + half, half, ps);
	out[0] = 0x30;
	o = 1 + der_len(out + 1, b);
	memcpy(out + o, body, b);
	memcpy(sig, out, o + b);
	return o + b;
}

static void fuzz_ecdsa_signed(uint8_t mode, const uint8_t *p, size_t n)
{
	static const br_hash_class *const hashes[3] = {
		&br_sha256_vtable, &br_sha384_vtable, &br_sha512_vtable
	};
	const br_hash_class *hf = hashes[((mode >> 4) & 3) % 3];
	size_t hlen = (hf->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK;
	const br_ec_impl *ec = wt_ec_impl();
	br_ec_private_key sk;
	br_ec_public_key pk;
	uint8_t x[66], q[133], sig[320], hash[64], *qc, *sc, *hc;
	const uint8_t *pad;
	size_t clen, qlen, slen, u, edits;
	int der = (mode >> 6) & 1;
	uint32_t ours, theirs;

	sk.curve = pk.curve = curve_of(mode, &clen);
	if (n < clen + 1) {
		return;
	}
	memcpy(x, p, clen);
	p += clen;
	n -= clen;
	if (n < 3) {
		return;
	}
	edits = p[0] % 8;
	pad = p + 1;
	p += 3;
	n -= 3;
	if (n < 3 * edits) {
		return;
	}
	sk.x = x;
	sk.xlen = clen;
	memset(hash, 0, sizeof hash);
	memcpy(hash, p + 3 * edits, n - 3 * edits < hlen ? n - 3 * edits : hlen);
	qlen = br_ec_compute_pub(ec, NULL, q, &sk);
	slen = br_ecdsa_i31_sign_raw(ec, hf, hash, &sk, sig);
	if (qlen == 0 || slen == 0) {
		return;   /* scalar 0 or >= n: not a key, nothing signed */
	}
	if (der) {
		slen = der_padded(sig, slen, pad[0] % 64, pad[1] % 64);
	}
	for (u = 0; u < edits; u++) {
		const uint8_t *e = p + 3 * u;
		size_t pos = slen ? e[1] % (slen + 1) : 0;

		if (e[0] % 3 == 0 && pos < slen) {
			sig[pos] ^= e[2];
		} else if (e[0] % 3 == 1 && slen < sizeof sig) {
			memmove(sig + pos + 1, sig + pos, slen - pos);
			sig[pos] = e[2];
			slen++;
		} else if (e[0] % 3 == 2 && pos < slen) {
			memmove(sig + pos, sig + pos + 1, slen - pos - 1);
			slen--;
		}
	}
	qc = fz_dup_exact(q, qlen);
	sc = fz_dup_exact(sig, slen);
	hc = fz_dup_exact(hash, hlen);
	pk.q = qc;
	pk.qlen = qlen;
	if (der) {
		ours = wt_ecdsa_vrfy_asn1(ec, hc, hlen, &pk, sc, slen);
		theirs = br_ecdsa_i31_vrfy_asn1(ec, hc, hlen, &pk, sc, slen);
	} else {
		ours = wt_ecdsa_vrfy_raw(ec, hc, hlen, &pk, sc, slen);
		theirs = br_ecdsa_i31_vrfy_raw(ec, hc, hlen, &pk, sc, slen);
	}
	FZ_ASSERT(ours == theirs);
	/* An unedited signature verifies, unless e (the hash's leftmost bits
	 * of the order's size) is 0: then u1 = 0, and BearSSL's P-384/P-521
	 * muladd (ec_prime_i31) gets a zero scalar wrong (src/ec_p256_wasm.c
	 * notes the same of m31); a SHA-2 output of 0 is not a case anyone
	 * can produce. */
	for (u = 0; u < hlen && u < clen && hash[u] == 0; u++) {
	}
	FZ_ASSERT(edits != 0 || u == hlen || u == clen || (der && slen > 144) || ours);
	free(qc);
	free(sc);
	free(hc);
}

static void fuzz_ecdsa_any(uint8_t mode, const uint8_t *p, size_t n)
{
	const br_ec_impl *ec = wt_ec_impl();
	br_ec_public_key pk;
	uint8_t *q, *hash, *sig, *sig2;
	size_t clen, qlen, hlen, slen;
	uint32_t ours, theirs;

	pk.curve = curve_of(mode, &clen);
	qlen = 2 * clen + 1;
	if (n < qlen + 1) {
		return;
	}
	hlen = p[0] % 65;
	p++;
	n--;
	if (n < qlen + hlen) {
		return;
	}
	q = fz_dup_exact(p, qlen);
	hash = fz_dup_exact(p + qlen, hlen);
	slen = n - qlen - hlen;
	sig = fz_dup_exact(p + qlen + hlen, slen);
	sig2 = fz_dup_exact(p + qlen + hlen, slen);
	pk.q = q;
	pk.qlen = qlen;
	ours = wt_ecdsa_vrfy_asn1(ec, hash, hlen, &pk, sig, slen);
	theirs = br_ecdsa_i31_vrfy_asn1(ec, hash, hlen, &pk, sig2, slen);
	FZ_ASSERT(ours == theirs);
	ours = wt_ecdsa_vrfy_raw(ec, hash, hlen, &pk, sig, slen);
	theirs = br_ecdsa_i31_vrfy_raw(ec, hash, hlen, &pk, sig2, slen);
	FZ_ASSERT(ours == theirs);
	free(q);
	free(hash);
	free(sig);
	free(sig2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1) {
		return 0;
	}
	switch (data[0] & 3) {
	case 0:
		fuzz_rsa(data + 1, size - 1);
		break;
	case 1:
		fuzz_ecdsa_signed(data[0], data + 1, size - 1);
		break;
	default:
		fuzz_ecdsa_any(data[0], data + 1, size - 1);
		break;
	}
	return 0;
}
