/*
 * test_crypto: drives src/crypto.c with vectors read from stdin, one per
 * line, and prints one result line per vector. tests/crypto.test.mjs feeds
 * it Wycheproof files and decides pass/fail; this program only reports
 * what the wrappers did. Hex fields, '-' for empty.
 *
 *   aead <suite> <seq> <key> <iv> <aad> <msg> <ct> <tag>
 *       suite: 1301/1302/1303 (hex); seq: decimal record sequence number;
 *       iv: the static iv (the nonce is iv XOR seq, RFC 8446 5.3).
 *       -> "valid"    open(ct, tag) succeeded, gave msg, and seal(msg)
 *                     gave ct and tag;
 *          "invalid"  open rejected the tag;
 *          "mismatch" anything else (wrong plaintext/ciphertext/tag).
 *   x25519 <priv> <peer>
 *       priv goes through wt_kex_keygen as the first 32 random bytes.
 *   ecdh <group> <priv> <peer>
 *       group 0017/0018; priv is the big-endian scalar (Wycheproof may
 *       prefix a 00 sign byte); it is put straight into a wt_keyshare
 *       (test-only path: the library only makes keys with keygen).
 *       -> "ok <shared hex>" or "reject <code>"
 *   sig <scheme> ec <point> <msg> <sig>
 *   sig <scheme> rsa <n> <e> <msg> <sig>
 *       -> "valid" or "invalid <code>" (wt_sig_verify: TLS 1.3 schemes;
 *       sig12 ... the same through wt_sig_verify12, TLS 1.2's, which also
 *       has rsa_pkcs1_*; <point> is P-256, P-384 or P-521 by its length)
 *   rsa_e <exponent>   (- for empty)
 *       -> "1" if wt_rsa_exponent_ok takes it, else "0"
 *   ecdsa_asn1 <point> <hash> <DER sig>
 *       -> "<ours> <bearssl>": wt_ecdsa_vrfy_asn1 and br_ecdsa_i31_vrfy_asn1
 *       (1 = verifies), no strict DER check
 *   selftest
 *       known answers (RFC 8448, RFC 8439) and negative checks that the
 *       vector files cannot express; -> "selftest ok" / "selftest fail".
 *
 * The exit status is 0 unless a line could not be parsed or a selftest
 * check failed (wrong answers to vectors are the caller's to judge).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "wt_internal.h"
#include "wt_ec.h"


static void
print_result(int err, const uint8_t *out, size_t out_len)
{
	if (err) {
		printf("reject %d\n", err);
	} else {
		printf("ok ");
		unit_print_hex(out, out_len);
		printf("\n");
	}
}

/* ------------------------------------------------------------------ */

static int
run_aead(char **f, int nf)
{
	uint8_t *key, *iv, *aad, *msg, *ct, *tag, *buf;
	size_t klen, ivlen, aadlen, mlen, ctlen, taglen;
	const wt_suite *s;
	wt_aead a;
	uint8_t t2[16];
	unsigned long long seq;
	int ok = 0;

	if (nf != 9) {
		return -1;
	}
	s = wt_suite_get((uint16_t)strtoul(f[1], NULL, 16));
	seq = strtoull(f[2], NULL, 10);
	key = unit_field(f[3], &klen);
	iv = unit_field(f[4], &ivlen);
	aad = unit_field(f[5], &aadlen);
	msg = unit_field(f[6], &mlen);
	ct = unit_field(f[7], &ctlen);
	tag = unit_field(f[8], &taglen);
	buf = NULL;
	if (s && key && iv && aad && msg && ct && tag && klen == s->key_len
		&& ivlen == 12 && taglen == 16 && ctlen == mlen)
	{
		int r;

		ok = 1;
		buf = malloc(ctlen + 1);
		/* Open first: a modified tag must be refused. */
		memcpy(buf, ct, ctlen);
		wt_aead_init(&a, s, key, iv);
		r = wt_aead_open(&a, seq, aad, aadlen, buf, ctlen, tag);
		if (r != 0) {
			CHECK(r == WT_ALERT_BAD_RECORD_MAC);
			printf("invalid\n");
		} else if (memcmp(buf, msg, mlen) != 0) {
			printf("mismatch\n");
		} else {
			/* Then seal the plaintext; must give the same bytes. */
			memcpy(buf, msg, mlen);
			wt_aead_seal(&a, seq, aad, aadlen, buf, mlen, t2);
			if (memcmp(buf, ct, ctlen) != 0 || memcmp(t2, tag, 16) != 0) {
				printf("mismatch\n");
			} else {
				printf("valid\n");
			}
		}
		wt_aead_wipe(&a);
	}
	free(key); free(iv); free(aad); free(msg); free(ct); free(tag);
	free(buf);
	return ok ? 0 : -1;
}

static int
run_x25519(char **f, int nf)
{
	uint8_t *priv, *peer, rnd[64], out[48];
	size_t plen, peerlen, out_len = 0;
	wt_keyshare ks;
	int r, ok = 0;

	if (nf != 3) {
		return -1;
	}
	priv = unit_field(f[1], &plen);
	peer = unit_field(f[2], &peerlen);
	if (priv && peer && plen == 32) {
		ok = 1;
		memset(rnd, 0xA5, sizeof rnd);
		memcpy(rnd, priv, 32);
		r = wt_kex_keygen(&ks, WT_GROUP_X25519, rnd, sizeof rnd);
		CHECK(r == 0);
		CHECK(ks.pub_len == 32 && memcmp(ks.priv, priv, 32) == 0);
		r = wt_kex_derive(&ks, peer, peerlen, out, &out_len);
		print_result(r, out, out_len);
		wt_kex_wipe(&ks);
	}
	free(priv);
	free(peer);
	return ok ? 0 : -1;
}

static int
run_ecdh(char **f, int nf)
{
	uint8_t *priv, *peer, out[48];
	size_t plen, peerlen, clen, out_len = 0;
	uint16_t group;
	wt_keyshare ks;
	int ok = 0;

	if (nf != 4) {
		return -1;
	}
	group = (uint16_t)strtoul(f[1], NULL, 16);
	clen = group == WT_GROUP_SECP256R1 ? 32
		: group == WT_GROUP_SECP384R1 ? 48 : 0;
	priv = unit_field(f[2], &plen);
	peer = unit_field(f[3], &peerlen);
	if (clen && priv && peer) {
		size_t off = 0;

		/* Strip the DER sign byte(s), then left-pad to the curve size. */
		while (off < plen && priv[off] == 0) {
			off ++;
		}
		if (plen - off <= clen) {
			ok = 1;
			memset(&ks, 0, sizeof ks);
			ks.group = group;
			ks.priv_len = clen;
			memcpy(ks.priv + clen - (plen - off), priv + off, plen - off);
			print_result(wt_kex_derive(&ks, peer, peerlen,
				out, &out_len), out, out_len);
		}
	}
	free(priv);
	free(peer);
	return ok ? 0 : -1;
}

static int
run_sig(char **f, int nf, int tls12)
{
	uint8_t *a = NULL, *b = NULL, *msg = NULL, *sig = NULL;
	size_t alen, blen, mlen, slen;
	uint16_t scheme;
	br_x509_pkey pk;
	int r, ok = 0;

	if (nf < 2) {
		return -1;
	}
	scheme = (uint16_t)strtoul(f[1], NULL, 16);
	memset(&pk, 0, sizeof pk);
	if (nf == 6 && strcmp(f[2], "ec") == 0) {
		a = unit_field(f[3], &alen);
		msg = unit_field(f[4], &mlen);
		sig = unit_field(f[5], &slen);
		if (a && msg && sig && (alen == 65 || alen == 97 || alen == 133)) {
			ok = 1;
			pk.key_type = BR_KEYTYPE_EC;
			pk.key.ec.curve = alen == 65 ? BR_EC_secp256r1
				: alen == 97 ? BR_EC_secp384r1 : BR_EC_secp521r1;
			pk.key.ec.q = a;
			pk.key.ec.qlen = alen;
		}
	} else if (nf == 7 && strcmp(f[2], "rsa") == 0) {
		a = unit_field(f[3], &alen);
		b = unit_field(f[4], &blen);
		msg = unit_field(f[5], &mlen);
		sig = unit_field(f[6], &slen);
		if (a && b && msg && sig) {
			ok = 1;
			pk.key_type = BR_KEYTYPE_RSA;
			pk.key.rsa.n = a;
			pk.key.rsa.nlen = alen;
			pk.key.rsa.e = b;
			pk.key.rsa.elen = blen;
		}
	}
	if (ok) {
		r = (tls12 ? wt_sig_verify12 : wt_sig_verify)(scheme, &pk,
			msg, mlen, sig, slen);
		if (r == 0) {
			printf("valid\n");
		} else {
			printf("invalid %d\n", r);
		}
	}
	free(a); free(b); free(msg); free(sig);
	return ok ? 0 : -1;
}

/* ecdsa_asn1 <point> <hash> <sig>: the certificate-signature path
 * (x509.c), no strict DER first: src/pk_verify.c's and BearSSL's answers. */
static int
run_ecdsa_asn1(char **f, int nf)
{
	uint8_t *q, *hv, *sig;
	size_t qlen, hlen, slen;
	br_ec_public_key pk;

	if (nf != 4 || !(q = unit_field(f[1], &qlen)) || !(hv = unit_field(f[2], &hlen))
		|| !(sig = unit_field(f[3], &slen)))
	{
		return -1;
	}
	pk.curve = qlen == 65 ? BR_EC_secp256r1 : qlen == 97 ? BR_EC_secp384r1 : BR_EC_secp521r1;
	pk.q = q;
	pk.qlen = qlen;
	printf("%u %u\n", (unsigned)wt_ecdsa_vrfy_asn1(wt_ec_impl(), hv, hlen, &pk, sig, slen),
		(unsigned)br_ecdsa_i31_vrfy_asn1(wt_ec_impl(), hv, hlen, &pk, sig, slen));
	free(q);
	free(hv);
	free(sig);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Self tests: known answers and one negative test per check.          */
/* ------------------------------------------------------------------ */

static size_t
hx(const char *hex, uint8_t *out, size_t cap)
{
	long r = unit_unhex(hex, out, cap);

	if (r < 0) {
		abort();
	}
	return (size_t)r;
}

static void
selftest_x25519(void)
{
	/* RFC 8448 3 (Simple 1-RTT): client's and server's x25519 keys
	 * {client} create an ephemeral x25519 key pair / {server} ... and
	 * the shared (EC)DHE secret IKM for the handshake secret. */
	uint8_t rnd[48], cpub[32], spriv[32], spub[32], shared[32], out[48];
	size_t out_len;
	wt_keyshare c, s;

	memset(rnd, 0, sizeof rnd);
	hx("49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005",
		rnd, 32);
	hx("99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c",
		cpub, 32);
	hx("b1580eeadf6dd589b8ef4f2d5652578cc810e9980191ec8d058308cea216a21e",
		spriv, 32);
	hx("c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f",
		spub, 32);
	hx("8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d",
		shared, 32);
	CHECK(wt_kex_keygen(&c, WT_GROUP_X25519, rnd, sizeof rnd) == 0);
	CHECK(c.pub_len == 32 && memcmp(c.pub, cpub, 32) == 0);
	CHECK(wt_kex_derive(&c, spub, 32, out, &out_len) == 0);
	CHECK(out_len == 32 && memcmp(out, shared, 32) == 0);
	memcpy(rnd, spriv, 32);
	CHECK(wt_kex_keygen(&s, WT_GROUP_X25519, rnd, sizeof rnd) == 0);
	CHECK(s.pub_len == 32 && memcmp(s.pub, spub, 32) == 0);
	CHECK(wt_kex_derive(&s, cpub, 32, out, &out_len) == 0);
	CHECK(out_len == 32 && memcmp(out, shared, 32) == 0);

	/* Wrong lengths. */
	CHECK(wt_kex_derive(&c, spub, 31, out, &out_len)
		== WT_ALERT_ILLEGAL_PARAMETER);
	CHECK(wt_kex_derive(&c, spub, 33, out, &out_len)
		== WT_ALERT_ILLEGAL_PARAMETER);
	/* Small-order point (0) gives an all-zero secret. */
	memset(out, 0, 32);
	{
		uint8_t zero[32];

		memset(zero, 0, sizeof zero);
		CHECK(wt_kex_derive(&c, zero, 32, out, &out_len)
			== WT_ALERT_ILLEGAL_PARAMETER);
		CHECK(out_len == 0);
	}
	/* Too few random bytes, unknown group. */
	CHECK(wt_kex_keygen(&s, WT_GROUP_X25519, rnd, 32)
		== WT_ALERT_INTERNAL_ERROR);
	CHECK(wt_kex_keygen(&s, 0x001e, rnd, sizeof rnd)   /* x448 */
		== WT_ALERT_INTERNAL_ERROR);
	wt_kex_wipe(&c);
	CHECK(c.priv_len == 0 && c.priv[0] == 0 && c.priv[31] == 0);
}

static void
selftest_nist(uint16_t group, size_t plen, size_t xlen)
{
	uint8_t rnd[48], o1[WT_MAX_SHARED], o2[WT_MAX_SHARED], bad[133];
	size_t l1, l2;
	wt_keyshare a, b, a2;

	memset(rnd, 0x11, sizeof rnd);
	CHECK(wt_kex_keygen(&a, group, rnd, sizeof rnd) == 0);
	/* Deterministic: the same random bytes give the same key. */
	CHECK(wt_kex_keygen(&a2, group, rnd, sizeof rnd) == 0);
	CHECK(memcmp(&a, &a2, sizeof a) == 0);
	memset(rnd, 0x22, sizeof rnd);
	CHECK(wt_kex_keygen(&b, group, rnd, sizeof rnd) == 0);
	CHECK(a.pub_len == plen && b.pub_len == plen && a.pub[0] == 4);
	CHECK(a.priv_len == xlen);
	CHECK(memcmp(a.pub, b.pub, plen) != 0);
	CHECK(wt_kex_derive(&a, b.pub, b.pub_len, o1, &l1) == 0);
	CHECK(wt_kex_derive(&b, a.pub, a.pub_len, o2, &l2) == 0);
	CHECK(l1 == xlen && l2 == xlen && memcmp(o1, o2, xlen) == 0);

	/* Length, format (compressed 0x02/0x03, hybrid 0x06), not on the
	 * curve, and the wrong group's length. */
	CHECK(wt_kex_derive(&a, b.pub, plen - 1, o1, &l1)
		== WT_ALERT_ILLEGAL_PARAMETER);
	memcpy(bad, b.pub, plen);
	bad[0] = 0x02;
	CHECK(wt_kex_derive(&a, bad, plen, o1, &l1)
		== WT_ALERT_ILLEGAL_PARAMETER);
	CHECK(wt_kex_derive(&a, bad, 1 + xlen, o1, &l1)
		== WT_ALERT_ILLEGAL_PARAMETER);
	bad[0] = 0x06;
	CHECK(wt_kex_derive(&a, bad, plen, o1, &l1)
		== WT_ALERT_ILLEGAL_PARAMETER);
	memcpy(bad, b.pub, plen);
	bad[plen - 1] ^= 1;
	CHECK(wt_kex_derive(&a, bad, plen, o1, &l1)
		== WT_ALERT_ILLEGAL_PARAMETER);
	CHECK(l1 == 0);
	CHECK(wt_kex_derive(&a, b.pub, plen == 65 ? 97 : 65, o1, &l1)
		== WT_ALERT_ILLEGAL_PARAMETER);
}

static void
selftest_aead(void)
{
	/* RFC 8439 2.8.2 (AEAD_CHACHA20_POLY1305), with the 12-byte nonce
	 * expressed as iv XOR seq: iv = 07000000 40414243 44454647 and
	 * seq = 0, then the same nonce from seq = 0x4041424344454647 and
	 * iv = 07000000 00000000 00000000. */
	static const char msg_hex[] =
		"4c616469657320616e642047656e746c656d656e206f662074686520636c"
		"617373206f66202739393a204966204920636f756c64206f6666657220"
		"796f75206f6e6c79206f6e652074697020666f7220746865206675747572"
		"652c2073756e73637265656e20776f756c642062652069742e";
	uint8_t key[32], iv[12], iv2[12], aad[12], msg[114], buf[114];
	uint8_t tag[16], tag2[16], tagx[16];
	wt_aead a, b;
	const wt_suite *s;

	hx("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
		key, 32);
	hx("070000004041424344454647", iv, 12);
	hx("070000000000000000000000", iv2, 12);
	hx("50515253c0c1c2c3c4c5c6c7", aad, 12);
	CHECK(hx(msg_hex, msg, sizeof msg) == 114);
	hx("1ae10b594f09e26a7e902ecbd0600691", tagx, 16);

	s = wt_suite_get(WT_TLS_CHACHA20_POLY1305_SHA256);
	CHECK(s != NULL && s->chacha && s->key_len == 32 && s->hash_len == 32);
	wt_aead_init(&a, s, key, iv);
	memcpy(buf, msg, sizeof msg);
	wt_aead_seal(&a, 0, aad, 12, buf, sizeof buf, tag);
	CHECK(memcmp(tag, tagx, 16) == 0);
	wt_aead_init(&b, s, key, iv2);
	memcpy(buf, msg, sizeof msg);
	wt_aead_seal(&b, 0x4041424344454647ULL, aad, 12, buf, sizeof buf, tag2);
	CHECK(memcmp(tag2, tagx, 16) == 0);
	CHECK(wt_aead_open(&b, 0x4041424344454647ULL, aad, 12, buf,
		sizeof buf, tag2) == 0);
	CHECK(memcmp(buf, msg, sizeof msg) == 0);
	/* Wrong sequence number, wrong AAD, flipped ciphertext bit. */
	wt_aead_seal(&a, 7, aad, 12, buf, sizeof buf, tag);
	CHECK(wt_aead_open(&a, 8, aad, 12, buf, sizeof buf, tag)
		== WT_ALERT_BAD_RECORD_MAC);
	wt_aead_seal(&a, 7, aad, 12, buf, sizeof buf, tag);
	CHECK(wt_aead_open(&a, 7, aad, 11, buf, sizeof buf, tag)
		== WT_ALERT_BAD_RECORD_MAC);
	wt_aead_seal(&a, 7, aad, 12, buf, sizeof buf, tag);
	buf[50] ^= 0x01;
	CHECK(wt_aead_open(&a, 7, aad, 12, buf, sizeof buf, tag)
		== WT_ALERT_BAD_RECORD_MAC);

	/* GCM: a copied context keeps working (the GHASH context points at
	 * the AES keys in the same struct), empty data and NULL AAD. */
	s = wt_suite_get(WT_TLS_AES_256_GCM_SHA384);
	CHECK(s != NULL && !s->chacha && s->key_len == 32 && s->hash_len == 48);
	wt_aead_init(&a, s, key, iv);
	b = a;
	memset(&a, 0xEE, sizeof a);
	wt_aead_seal(&b, 1, NULL, 0, NULL, 0, tag);
	CHECK(wt_aead_open(&b, 1, NULL, 0, NULL, 0, tag) == 0);
	CHECK(wt_aead_open(&b, 2, NULL, 0, NULL, 0, tag)
		== WT_ALERT_BAD_RECORD_MAC);
	s = wt_suite_get(WT_TLS_AES_128_GCM_SHA256);
	CHECK(s != NULL && !s->chacha && s->key_len == 16 && s->hash_len == 32);
	CHECK(wt_suite_get(0x1304) == NULL && wt_suite_get(0) == NULL);
	wt_aead_wipe(&b);
	CHECK(b.key[0] == 0 && b.key[31] == 0 && b.iv[0] == 0);
}

static void
selftest_sig(void)
{
	/* Scheme/key mismatches and schemes TLS 1.3 does not allow in
	 * CertificateVerify. The P-256 key is the generator G. */
	static const char g256[] = "04"
		"6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
		"4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";
	uint8_t q[65], sig[8] = { 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01 };
	uint8_t n[256], e[3] = { 1, 0, 1 }, big[520];
	br_x509_pkey ec, rsa;

	hx(g256, q, sizeof q);
	memset(&ec, 0, sizeof ec);
	ec.key_type = BR_KEYTYPE_EC;
	ec.key.ec.curve = BR_EC_secp256r1;
	ec.key.ec.q = q;
	ec.key.ec.qlen = 65;
	memset(n, 0xC3, sizeof n);
	memset(&rsa, 0, sizeof rsa);
	rsa.key_type = BR_KEYTYPE_RSA;
	rsa.key.rsa.n = n;
	rsa.key.rsa.nlen = sizeof n;
	rsa.key.rsa.e = e;
	rsa.key.rsa.elen = sizeof e;

	/* Well-formed DER (r = s = 1) that does not verify. */
	CHECK(wt_sig_verify(WT_SIG_ECDSA_SECP256R1_SHA256, &ec,
		(const uint8_t *)"x", 1, sig, sizeof sig) == WT_ALERT_DECRYPT_ERROR);
	/* P-256 key with the P-384 scheme, RSA key with ECDSA and back. */
	CHECK(wt_sig_verify(WT_SIG_ECDSA_SECP384R1_SHA384, &ec,
		(const uint8_t *)"x", 1, sig, sizeof sig)
		== WT_ALERT_ILLEGAL_PARAMETER);
	CHECK(wt_sig_verify(WT_SIG_ECDSA_SECP256R1_SHA256, &rsa,
		(const uint8_t *)"x", 1, sig, sizeof sig)
		== WT_ALERT_ILLEGAL_PARAMETER);
	CHECK(wt_sig_verify(WT_SIG_RSA_PSS_RSAE_SHA256, &ec,
		(const uint8_t *)"x", 1, n, sizeof n)
		== WT_ALERT_ILLEGAL_PARAMETER);
	/* PKCS#1 v1.5, SHA-1, P-521 and unknown schemes. */
	CHECK(wt_sig_verify(WT_SIG_RSA_PKCS1_SHA256, &rsa,
		(const uint8_t *)"x", 1, n, sizeof n)
		== WT_ALERT_ILLEGAL_PARAMETER);
	CHECK(wt_sig_verify(WT_SIG_RSA_PKCS1_SHA1, &rsa,
		(const uint8_t *)"x", 1, n, sizeof n)
		== WT_ALERT_ILLEGAL_PARAMETER);
	CHECK(wt_sig_verify(WT_SIG_ECDSA_SHA1, &ec,
		(const uint8_t *)"x", 1, sig, sizeof sig)
		== WT_ALERT_ILLEGAL_PARAMETER);
	CHECK(wt_sig_verify(WT_SIG_ECDSA_SECP521R1_SHA512, &ec,
		(const uint8_t *)"x", 1, sig, sizeof sig)
		== WT_ALERT_ILLEGAL_PARAMETER);
	CHECK(wt_sig_verify(0x0807, &ec, (const uint8_t *)"x", 1,
		sig, sizeof sig) == WT_ALERT_ILLEGAL_PARAMETER);
	/* RSA: signature length != modulus length, signature not below the
	 * modulus (s == n), modulus over 4096 bits. */
	CHECK(wt_sig_verify(WT_SIG_RSA_PSS_RSAE_SHA256, &rsa,
		(const uint8_t *)"x", 1, n, sizeof n - 1)
		== WT_ALERT_DECRYPT_ERROR);
	CHECK(wt_sig_verify(WT_SIG_RSA_PSS_RSAE_SHA512, &rsa,
		NULL, 0, n, sizeof n) == WT_ALERT_DECRYPT_ERROR);
	memset(big, 0xC3, sizeof big);
	rsa.key.rsa.n = big;
	rsa.key.rsa.nlen = sizeof big;
	big[sizeof big - 1] = 0;   /* make sig < n */
	CHECK(wt_sig_verify(WT_SIG_RSA_PSS_RSAE_SHA384, &rsa,
		NULL, 0, n, sizeof n) == WT_ALERT_DECRYPT_ERROR);
}

/* TLS 1.2 client signing (wt_sig_choose12, wt_sig_sign_hash12): the
 * schemes TLS 1.3 forbids in a CertificateVerify but TLS 1.2 servers ask
 * for (RFC 5246 7.4.1.4.1): rsa_pkcs1_* for an RSA key, and an ECDSA
 * scheme whose hash is not the key's curve's (it names only the hash in
 * TLS 1.2). Each signature is checked with wt_sig_verify12. Keys come
 * from a fixed-seed DRBG. */
static void
selftest_sign12(void)
{
	static const uint16_t want_pkcs1[] = { WT_SIG_RSA_PKCS1_SHA256 };
	static const uint16_t want_p256_hash[] = { WT_SIG_ECDSA_SECP256R1_SHA256 };
	static const uint16_t sha1_only[] = { WT_SIG_RSA_PKCS1_SHA1, WT_SIG_ECDSA_SHA1 };
	static const uint16_t both[] = { WT_SIG_RSA_PKCS1_SHA384, WT_SIG_ECDSA_SECP384R1_SHA384 };
	static unsigned char rsa_priv[BR_RSA_KBUF_PRIV_SIZE(2048)], rsa_pub[BR_RSA_KBUF_PUB_SIZE(2048)];
	unsigned char ec_priv[BR_EC_KBUF_PRIV_MAX_SIZE], ec_pub[BR_EC_KBUF_PUB_MAX_SIZE];
	uint8_t hv[32], salt[64], sig[512];
	br_hmac_drbg_context rng;
	br_rsa_public_key rpk;
	br_ec_public_key epk;
	br_x509_pkey pk;
	wt_private_key rsa, ec;
	size_t sig_len;

	br_hmac_drbg_init(&rng, &br_sha256_vtable, "wasmtls tls12 sign", 18);
	memset(&rsa, 0, sizeof rsa);
	memset(&ec, 0, sizeof ec);
	rsa.type = BR_KEYTYPE_RSA;
	ec.type = BR_KEYTYPE_EC;
	CHECK(br_rsa_keygen_get_default()(&rng.vtable, &rsa.rsa, rsa_priv, &rpk, rsa_pub, 2048, 65537));
	CHECK(br_ec_keygen(&rng.vtable, br_ec_get_default(), &ec.ec, ec_priv, BR_EC_secp384r1) != 0);
	CHECK(br_ec_compute_pub(br_ec_get_default(), &epk, ec_pub, &ec.ec) != 0);
	memset(hv, 0x5a, sizeof hv);
	memset(salt, 0x33, sizeof salt);

	/* RSA key, server asks for rsa_pkcs1_sha256 only: TLS 1.3 finds
	 * nothing, TLS 1.2 signs with it (RSASSA-PKCS1-v1_5). */
	CHECK(wt_sig_choose(&rsa, NULL, 0, want_pkcs1, 1) == 0);
	CHECK(wt_sig_choose12(&rsa, NULL, 0, want_pkcs1, 1) == WT_SIG_RSA_PKCS1_SHA256);
	memset(&pk, 0, sizeof pk);
	pk.key_type = BR_KEYTYPE_RSA;
	pk.key.rsa = rpk;
	CHECK(wt_sig_sign_hash12(WT_SIG_RSA_PKCS1_SHA256, &rsa, hv, 32, salt, sig, sizeof sig,
		&sig_len) == 0 && sig_len == 256);
	/* verify12 hashes the message: sign the hash of "msg" */
	{
		br_sha256_context h;
		static const uint8_t msg[] = "msg";

		br_sha256_init(&h);
		br_sha256_update(&h, msg, 3);
		br_sha256_out(&h, hv);
		CHECK(wt_sig_sign_hash12(WT_SIG_RSA_PKCS1_SHA256, &rsa, hv, 32, salt, sig,
			sizeof sig, &sig_len) == 0);
		CHECK(wt_sig_verify12(WT_SIG_RSA_PKCS1_SHA256, &pk, msg, 3, sig, sig_len) == 0);
		sig[10] ^= 1;
		CHECK(wt_sig_verify12(WT_SIG_RSA_PKCS1_SHA256, &pk, msg, 3, sig, sig_len)
			== WT_ALERT_DECRYPT_ERROR);
		/* RSA-PSS still works through the TLS 1.2 path */
		CHECK(wt_sig_sign_hash12(WT_SIG_RSA_PSS_RSAE_SHA256, &rsa, hv, 32, salt, sig,
			sizeof sig, &sig_len) == 0);
		CHECK(wt_sig_verify12(WT_SIG_RSA_PSS_RSAE_SHA256, &pk, msg, 3, sig, sig_len) == 0);

		/* P-384 key, server asks for ecdsa_secp256r1_sha256: allowed in
		 * TLS 1.2 (SHA-256 over P-384), not in TLS 1.3. */
		CHECK(wt_sig_choose(&ec, NULL, 0, want_p256_hash, 1) == 0);
		CHECK(wt_sig_choose12(&ec, NULL, 0, want_p256_hash, 1) == WT_SIG_ECDSA_SECP256R1_SHA256);
		memset(&pk, 0, sizeof pk);
		pk.key_type = BR_KEYTYPE_EC;
		pk.key.ec = epk;
		CHECK(wt_sig_sign_hash12(WT_SIG_ECDSA_SECP256R1_SHA256, &ec, hv, 32, salt, sig,
			sizeof sig, &sig_len) == 0);
		CHECK(wt_sig_verify12(WT_SIG_ECDSA_SECP256R1_SHA256, &pk, msg, 3, sig, sig_len) == 0);
		/* a hash of the wrong length for the scheme is refused */
		CHECK(wt_sig_sign_hash12(WT_SIG_ECDSA_SECP384R1_SHA384, &ec, hv, 32, salt, sig,
			sizeof sig, &sig_len) == WT_ALERT_INTERNAL_ERROR);
	}
	/* Never SHA-1; never a scheme of the other key type; prefs decide. */
	CHECK(wt_sig_choose12(&rsa, NULL, 0, sha1_only, 2) == 0);
	CHECK(wt_sig_choose12(&ec, NULL, 0, sha1_only, 2) == 0);
	CHECK(wt_sig_choose12(&ec, NULL, 0, want_pkcs1, 1) == 0);
	CHECK(wt_sig_choose12(&rsa, NULL, 0, both, 2) == WT_SIG_RSA_PKCS1_SHA384);
	CHECK(wt_sig_choose12(&ec, NULL, 0, both, 2) == WT_SIG_ECDSA_SECP384R1_SHA384);
	CHECK(wt_sig_sign_hash12(WT_SIG_RSA_PKCS1_SHA256, &ec, hv, 32, salt, sig, sizeof sig,
		&sig_len) == WT_ALERT_INTERNAL_ERROR);
	wt_wipe(rsa_priv, sizeof rsa_priv);
	wt_wipe(ec_priv, sizeof ec_priv);
}

static void
selftest_misc(void)
{
	uint8_t x[5] = { 1, 2, 3, 4, 5 }, y[5] = { 1, 2, 3, 4, 5 };

	CHECK(wt_ct_equal(x, y, 5) == 1);
	CHECK(wt_ct_equal(x, y, 0) == 1);
	y[4] ^= 0x80;
	CHECK(wt_ct_equal(x, y, 5) == 0);
	y[4] ^= 0x80;
	y[0] ^= 0x01;
	CHECK(wt_ct_equal(x, y, 5) == 0);
	wt_wipe(x, sizeof x);
	CHECK(x[0] == 0 && x[4] == 0);
}

/* The TLS 1.2 PRF (RFC 5246 5, wt_prf12 over BearSSL's) against the
 * published vectors (IETF TLS list, msg03416: "test label", P_SHA256 and
 * P_SHA384; they also match an HMAC-only P_hash in Node), then the key
 * block's split into keys and IVs. */
static void
selftest_prf12(void)
{
	static const struct {
		uint16_t suite;
		const char *secret, *seed, *out;
	} v[2] = {
		{ WT_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "9bbe436ba940f017b17652849a71db35",
			"a0ba9f936cda311827a6f796ffd5198c",
			"e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a"
			"6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab"
			"4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701"
			"87347b66" },
		{ WT_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "b80b733d6ceefcdc71566ea48e5567df",
			"cd665cf6a8447dd6ff8b27555edb7465",
			"7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cd"
			"e9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd"
			"8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d918425"
			"9b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6"
			"91c8f3a26854308d5eaa3be85e0990703d73e56f" },
	};
	uint8_t secret[16], seed[16], want[148], got[148], master[48];
	uint8_t ck[32], civ[12], sk[32], siv[12], zero[8] = { 0 }, cr[32], sr[32];
	long n;
	size_t i;

	for (i = 0; i < 2; i++) {
		const wt_suite *s = wt_suite_get(v[i].suite);

		CHECK(unit_unhex(v[i].secret, secret, sizeof secret) == 16);
		CHECK(unit_unhex(v[i].seed, seed, sizeof seed) == 16);
		n = unit_unhex(v[i].out, want, sizeof want);
		CHECK(n > 0);
		/* the seed in two pieces, as the key schedule passes it */
		wt_prf12(s, got, (size_t)n, secret, 16, "test label", seed, 5, seed + 5, 11);
		CHECK(memcmp(got, want, (size_t)n) == 0);
	}
	/* key block: AES-GCM IVs are 4-byte salts, zero-padded (so IV XOR
	 * the explicit nonce is salt || nonce); ChaCha20's are 12 bytes */
	memset(master, 0x42, sizeof master);
	memset(cr, 0xc1, sizeof cr);
	memset(sr, 0x5e, sizeof sr);
	wt_ks12_keys(wt_suite_get(WT_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256), master, cr, sr,
		ck, civ, sk, siv);
	CHECK(memcmp(civ + 4, zero, 8) == 0 && memcmp(siv + 4, zero, 8) == 0);
	wt_prf12(wt_suite_get(WT_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256), got, 40, master, 48,
		"key expansion", sr, 32, cr, 32);   /* server_random first (RFC 5246 6.3) */
	CHECK(memcmp(ck, got, 16) == 0 && memcmp(sk, got + 16, 16) == 0
		&& memcmp(civ, got + 32, 4) == 0 && memcmp(siv, got + 36, 4) == 0);
	CHECK(wt_ks12_iv_len(wt_suite_get(WT_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256)) == 12);
	wt_wipe(master, sizeof master);
}

static int
run_selftest(void)
{
	int before = unit_failures;

	selftest_misc();
	selftest_aead();
	selftest_x25519();
	selftest_nist(WT_GROUP_SECP256R1, 65, 32);
	selftest_nist(WT_GROUP_SECP384R1, 97, 48);
	selftest_nist(WT_GROUP_SECP521R1, 133, 66);
	selftest_sig();
	selftest_sign12();
	selftest_prf12();
	printf("selftest %s\n", unit_failures == before ? "ok" : "fail");
	return 0;
}

/* ------------------------------------------------------------------ */

static int
run_line(char **f, int nf)
{
	if (strcmp(f[0], "aead") == 0) {
		return run_aead(f, nf);
	} else if (strcmp(f[0], "x25519") == 0) {
		return run_x25519(f, nf);
	} else if (strcmp(f[0], "ecdh") == 0) {
		return run_ecdh(f, nf);
	} else if (strcmp(f[0], "sig") == 0 || strcmp(f[0], "sig12") == 0) {
		return run_sig(f, nf, f[0][3] != 0);
	} else if (strcmp(f[0], "rsa_e") == 0 && nf == 2) {
		uint8_t *e;
		size_t elen;

		if (!(e = unit_field(f[1], &elen))) {
			return -1;
		}
		printf("%d\n", wt_rsa_exponent_ok(e, elen));
		free(e);
		return 0;
	} else if (strcmp(f[0], "ecdsa_asn1") == 0) {
		return run_ecdsa_asn1(f, nf);
	} else if (strcmp(f[0], "selftest") == 0) {
		return run_selftest();
	} else {
		return -1;
	}
}

int
main(void)
{
	return unit_vector_main(run_line);
}
