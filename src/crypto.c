/*
 * crypto: thin wrappers over BearSSL primitives for the TLS 1.3 layers.
 *
 * Everything here is stateless apart from the caller-owned contexts: no
 * malloc, no I/O, no globals that change. Implementations are picked at
 * run time (AES-NI, PCLMUL, SSE2, 64x64->128 multiply) with constant-time
 * portable fallbacks, so the same code serves native and wasm builds.
 */

#include "wt_internal.h"
#include "wt_aes_gcm_simd.h"
#include "wt_chacha_simd.h"
#include "wt_ec.h"

#ifdef WT_FUZZING_UNSAFE
/* Fuzzing mode (tests/fuzz/README.md; the #error guard is in
 * wt_internal.h): wt_engine_init reads this pointer, so a library built
 * this way links only into a libFuzzer target. */
extern int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int (*const wt_fuzzing_unsafe_needs_libfuzzer)(const uint8_t *, size_t) =
	LLVMFuzzerTestOneInput;
#endif

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */
/* ------------------------------------------------------------------ */

int
wt_ct_equal(const void *a, const void *b, size_t len)
{
	const unsigned char *x = a, *y = b;
	unsigned acc = 0;
	size_t u;

	/* Always touch every byte: the time must not depend on where the
	 * first difference is (MACs, Finished; RFC 8446 4.4.4). */
	for (u = 0; u < len; u ++) {
		acc |= (unsigned)(x[u] ^ y[u]);
	}
	return (int)(1 & ((acc - 1) >> 8));
}

void
wt_wipe(void *p, size_t len)
{
#if defined(__GNUC__) || defined(__clang__)
	/* memset, then an empty asm that takes the pointer and clobbers
	 * memory: the compiler must assume the zeros are read, so it may not
	 * drop the memset as a dead store before free/return (as glibc's
	 * explicit_bzero does). A byte loop through a volatile pointer was
	 * ~20% of a bulk download in wasm, where the glue wipes its 66 KB of
	 * record buffers each time they go idle. */
	if (len > 0) {
		memset(p, 0, len);
		__asm__ __volatile__("" : : "r"(p) : "memory");
	}
#else
	/* Stores through a volatile pointer are observable behaviour, so
	 * the compiler may not drop them as dead stores before free/return. */
	volatile unsigned char *v = p;

	while (len -- > 0) {
		*v ++ = 0;
	}
#endif
}

int
wt_list_has(const uint16_t *list, size_t n, uint16_t v)
{
	size_t i;

	for (i = 0; i < n; i ++) {
		if (list[i] == v) {
			return 1;
		}
	}
	return 0;
}

/* Non-NULL stand-in for empty inputs: BearSSL memcpy()s its arguments and
 * memcpy(NULL, ..., 0) is undefined behaviour in C. */
static const unsigned char wt_empty[1] = { 0 };

/* ------------------------------------------------------------------ */
/* Cipher suites (RFC 8446 B.4)                                         */
/* ------------------------------------------------------------------ */

static const wt_suite wt_suites[] = {
	{ WT_TLS_AES_128_GCM_SHA256,       &br_sha256_vtable, 32, 16, 0, 0 },
	{ WT_TLS_AES_256_GCM_SHA384,       &br_sha384_vtable, 48, 32, 0, 0 },
	{ WT_TLS_CHACHA20_POLY1305_SHA256, &br_sha256_vtable, 32, 32, 1, 0 },
	/* TLS 1.2 (RFC 5289, RFC 7905): hash = the PRF's */
	{ WT_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, &br_sha256_vtable, 32, 16, 0, BR_KEYTYPE_EC },
	{ WT_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, &br_sha256_vtable, 32, 16, 0, BR_KEYTYPE_RSA },
	{ WT_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, &br_sha384_vtable, 48, 32, 0, BR_KEYTYPE_EC },
	{ WT_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, &br_sha384_vtable, 48, 32, 0, BR_KEYTYPE_RSA },
	{ WT_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, &br_sha256_vtable, 32, 32, 1, BR_KEYTYPE_EC },
	{ WT_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, &br_sha256_vtable, 32, 32, 1, BR_KEYTYPE_RSA },
};

const wt_suite *
wt_suite_get(uint16_t id)
{
	size_t u;

	for (u = 0; u < sizeof wt_suites / sizeof wt_suites[0]; u ++) {
		if (wt_suites[u].id == id) {
			return &wt_suites[u];
		}
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Record protection AEAD (RFC 8446 5.2, 5.3)                           */
/* ------------------------------------------------------------------ */

/* RFC 8446 5.3: the 64-bit sequence number, big-endian, left-padded with
 * zeros to iv_length (12), XORed with the static iv. */
static void
aead_nonce(const wt_aead *a, uint64_t seq, unsigned char nonce[12])
{
	int i;

	memcpy(nonce, a->iv, 12);
	for (i = 0; i < 8; i ++) {
		nonce[11 - i] ^= (unsigned char)(seq >> (8 * i));
	}
}

void
wt_aead_init(wt_aead *a, const wt_suite *s, const uint8_t *key,
	const uint8_t iv[12])
{
	memset(a, 0, sizeof *a);
	a->suite = s;
	memcpy(a->iv, iv, 12);
	memcpy(a->key, key, s->key_len);
#ifdef WT_FUZZING_UNSAFE
	return;   /* null cipher: nothing to expand */
#endif
	if (s->chacha) {
#if defined(__wasm_simd128__)
		/* wasm SIMD128 build: four-block ChaCha20 (chacha20_simd.c,
		 * ~4x br_chacha20_ct_run) and a four-lane Poly1305 on 32x32->64
		 * vector multiplies (poly1305_simd.c: the AEAD on 16 KiB
		 * records x1.13-1.20 of the same with br_poly1305_ctmul_run). */
		a->u.c.chacha = &wt_chacha20_simd_run;
		a->u.c.poly = &wt_poly1305_simd_run;
#else
		/* RFC 8439 AEAD; SSE2 ChaCha20 and the 64x64 Poly1305 when the
		 * CPU/compiler has them, otherwise the portable ct versions. */
		a->u.c.chacha = br_chacha20_sse2_get();
		if (a->u.c.chacha == 0) {
			a->u.c.chacha = &br_chacha20_ct_run;
		}
		a->u.c.poly = br_poly1305_ctmulq_get();
		if (a->u.c.poly == 0) {
			a->u.c.poly = &br_poly1305_ctmul_run;
		}
#endif
	} else {
		const br_block_ctr_class *ctr;
		br_ghash gh;

#if defined(__wasm_simd128__)
		/* wasm SIMD128: bitsliced AES and GHASH on v128
		 * (src/aes_simd.c, src/ghash_simd.c), constant time like the
		 * portable code they replace and faster in wasm. */
		ctr = &wt_aes_simd_ctr_vtable;
		gh = &wt_ghash_simd;
#else
		/* AES-NI if present, else bitsliced ct64 (no table lookups,
		 * so no cache-timing leak of the key). */
		ctr = br_aes_x86ni_ctr_get_vtable();
		if (ctr == NULL) {
			ctr = &br_aes_ct64_ctr_vtable;
		}
		gh = br_ghash_pclmul_get();
		if (gh == 0) {
			gh = &br_ghash_ctmul64;
		}
#endif
		ctr->init(&a->u.g.aes.vtable, key, s->key_len);
		br_gcm_init(&a->u.g.gcm, &a->u.g.aes.vtable, gh);
	}
}

/* GCM run shared by seal and open. The GCM context points at the AES
 * context inside the same struct; re-aim it on every use so a wt_aead that
 * was copied by value (e.g. when the engine swaps directions) stays valid. */
static void
aead_gcm(wt_aead *a, int encrypt, const unsigned char nonce[12],
	const uint8_t *aad, size_t aad_len, uint8_t *data, size_t len,
	unsigned char tag[16])
{
	br_gcm_context *gc = &a->u.g.gcm;

	gc->bctx = &a->u.g.aes.vtable;
	br_gcm_reset(gc, nonce, 12);
	br_gcm_aad_inject(gc, aad, aad_len);
	br_gcm_flip(gc);
	br_gcm_run(gc, encrypt, data, len);
	br_gcm_get_tag(gc, tag);
}

void
wt_aead_seal(wt_aead *a, uint64_t seq, const uint8_t *aad,
	size_t aad_len, uint8_t *data, size_t len, uint8_t tag[16])
{
	unsigned char nonce[12];

	if (aad == NULL) {
		aad = wt_empty;
		aad_len = 0;
	}
	if (data == NULL) {
		data = (uint8_t *)tag;   /* never written: len is 0 */
		len = 0;
	}
#ifdef WT_FUZZING_UNSAFE
	memset(tag, 0, 16);   /* null cipher: data stays plaintext, zero tag */
	return;
#endif
	aead_nonce(a, seq, nonce);
	if (a->suite->chacha) {
		a->u.c.poly(a->key, nonce, data, len, aad, aad_len,
			tag, a->u.c.chacha, 1);
	} else {
		aead_gcm(a, 1, nonce, aad, aad_len, data, len, tag);
	}
}

int
wt_aead_open(wt_aead *a, uint64_t seq, const uint8_t *aad,
	size_t aad_len, uint8_t *data, size_t len, const uint8_t tag[16])
{
	unsigned char nonce[12], calc[16];
	int ok;

	if (aad == NULL) {
		aad = wt_empty;
		aad_len = 0;
	}
	if (data == NULL) {
		data = calc;             /* never touched: len is 0 */
		len = 0;
	}
#ifdef WT_FUZZING_UNSAFE
	/* null cipher: the data is plaintext; only a zero tag authenticates */
	memset(calc, 0, sizeof calc);
	return memcmp(calc, tag, 16) == 0 ? 0 : WT_ALERT_BAD_RECORD_MAC;
#endif
	aead_nonce(a, seq, nonce);
	/* Both modes MAC the ciphertext, so computing the tag while
	 * decrypting in place is the same as computing it first. */
	if (a->suite->chacha) {
		a->u.c.poly(a->key, nonce, data, len, aad, aad_len,
			calc, a->u.c.chacha, 0);
	} else {
		aead_gcm(a, 0, nonce, aad, aad_len, data, len, calc);
	}
	ok = wt_ct_equal(calc, tag, 16);
	wt_wipe(calc, sizeof calc);
	return ok ? 0 : WT_ALERT_BAD_RECORD_MAC;
}

void
wt_aead_wipe(wt_aead *a)
{
	/* Key, expanded key schedule, GHASH key H and iv all live inside. */
	wt_wipe(a, sizeof *a);
}

/* ------------------------------------------------------------------ */
/* Signatures (RFC 8446 4.2.3, 4.4.3)                                   */
/* ------------------------------------------------------------------ */

static const br_hash_class *
sig_hash(uint16_t scheme)
{
	switch (scheme) {
	case WT_SIG_RSA_PSS_RSAE_SHA256:
	case WT_SIG_ECDSA_SECP256R1_SHA256:
		return &br_sha256_vtable;
	case WT_SIG_RSA_PSS_RSAE_SHA384:
	case WT_SIG_ECDSA_SECP384R1_SHA384:
		return &br_sha384_vtable;
	case WT_SIG_RSA_PSS_RSAE_SHA512:
	case WT_SIG_ECDSA_SECP521R1_SHA512:
		return &br_sha512_vtable;
	default:
		return NULL;
	}
}

static size_t
hash_data(const br_hash_class *hc, const void *data, size_t len,
	unsigned char *out)
{
	br_hash_compat_context hx;

	hc->init(&hx.vtable);
	hc->update(&hx.vtable, data, len);
	hc->out(&hx.vtable, out);
	return (hc->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK;
}

/* Strict DER check of ECDSA-Sig-Value ::= SEQUENCE { r INTEGER,
 * s INTEGER } (RFC 8446 4.2.3, RFC 5480). BearSSL's br_ecdsa_asn1_to_raw
 * is deliberately lenient (non-minimal lengths and integers, missing sign
 * byte); we refuse any encoding but the unique DER one so a signature has
 * exactly one accepted form. For P-256/P-384 the whole SEQUENCE is under
 * 128 bytes, so only short-form lengths can be DER; a P-521 signature
 * (r and s up to 67 bytes each) may need the one-byte long form 0x81 LL,
 * which DER (X.690 10.1) allows only for LL >= 128. The integers always
 * fit the short form. */
static int
ecdsa_der_strict(const unsigned char *sig, size_t sig_len, size_t qlen)
{
	size_t off, n, i;

	if (sig_len < 2 || sig[0] != 0x30) {
		return 0;
	}
	if (sig[1] < 0x80) {
		off = 2;
	} else if (sig[1] == 0x81 && sig_len >= 3 && sig[2] >= 0x80) {
		off = 3;
	} else {
		return 0;
	}
	if ((size_t)sig[off - 1] != sig_len - off) {
		return 0;
	}
	for (i = 0; i < 2; i ++) {
		if (sig_len - off < 2 || sig[off] != 0x02 || sig[off + 1] >= 0x80) {
			return 0;
		}
		n = sig[off + 1];
		off += 2;
		/* Non-empty, fits in the remaining bytes, at most one sign
		 * byte over the scalar size. */
		if (n == 0 || n > sig_len - off || n > qlen + 1) {
			return 0;
		}
		/* Positive (the sign bit is clear) and minimal (a leading zero
		 * only when the next byte has its top bit set). */
		if (sig[off] & 0x80) {
			return 0;
		}
		if (sig[off] == 0 && (n == 1 || !(sig[off + 1] & 0x80))) {
			/* n == 1 with 0x00 is the integer 0: minimal but out of
			 * range for r and s, so reject it here as well. */
			return 0;
		}
		off += n;
	}
	return off == sig_len;
}

static int
verify_ecdsa(uint16_t scheme, const br_x509_pkey *pk,
	const unsigned char *hv, size_t hlen,
	const uint8_t *sig, size_t sig_len, int any_curve)
{
	int curve;
	size_t clen;

	switch (scheme) {
	case WT_SIG_ECDSA_SECP256R1_SHA256:
		curve = BR_EC_secp256r1;
		clen = 32;
		break;
	case WT_SIG_ECDSA_SECP384R1_SHA384:
		curve = BR_EC_secp384r1;
		clen = 48;
		break;
	default:
		/* ecdsa_secp521r1_sha512: BearSSL's default EC code
		 * (ec_all_m31/m15 -> ec_prime_i31/i15) handles P-521 */
		curve = BR_EC_secp521r1;
		clen = 66;
		break;
	}
	/* RFC 8446 4.2.3: in TLS 1.3 the ECDSA scheme fixes the curve; in
	 * TLS 1.2 it names only the hash (RFC 5246 7.4.1.4.1). */
	if (pk->key_type == BR_KEYTYPE_EC && any_curve) {
		curve = pk->key.ec.curve;
		clen = curve == BR_EC_secp256r1 ? 32 : curve == BR_EC_secp384r1 ? 48 : 66;
	}
	if (pk->key_type != BR_KEYTYPE_EC || pk->key.ec.curve != curve) {
		return WT_ALERT_ILLEGAL_PARAMETER;
	}
	if (!ecdsa_der_strict(sig, sig_len, clen)) {
		return WT_ALERT_DECRYPT_ERROR;
	}
#ifdef WT_FUZZING_UNSAFE
	return 0;   /* fuzzing: key and DER encoding checked, value not */
#endif
	if (!wt_ecdsa_vrfy_asn1(wt_ec_impl(),
		hv, hlen, &pk->key.ec, sig, sig_len))
	{
		return WT_ALERT_DECRYPT_ERROR;
	}
	return 0;
}

/* MGF1 (RFC 8017 B.2.1), XORed into buf[0..len) rather than output, which
 * is all EMSA-PSS-VERIFY needs. */
static void
mgf1_xor(const br_hash_class *hc, size_t hlen, const unsigned char *seed,
	unsigned char *buf, size_t len)
{
	br_hash_compat_context hx;
	unsigned char t[64], c[4];
	uint32_t counter;
	size_t u, n, j;

	for (counter = 0, u = 0; u < len; counter ++) {
		c[0] = (unsigned char)(counter >> 24);
		c[1] = (unsigned char)(counter >> 16);
		c[2] = (unsigned char)(counter >> 8);
		c[3] = (unsigned char)counter;
		hc->init(&hx.vtable);
		hc->update(&hx.vtable, seed, hlen);
		hc->update(&hx.vtable, c, 4);
		hc->out(&hx.vtable, t);
		n = len - u < hlen ? len - u : hlen;
		for (j = 0; j < n; j ++) {
			buf[u ++] ^= t[j];
		}
	}
	wt_wipe(t, sizeof t);
}

/* Largest modulus br_rsa_public handles (BearSSL's internal
 * BR_MAX_RSA_SIZE, 4096 bits; not exported by its public headers). */
#define WT_RSA_MAX_BYTES  512

/* RSASSA-PSS-VERIFY (RFC 8017 8.1.2) with EMSA-PSS-VERIFY (9.1.2), MGF1
 * over the message hash and sLen = hLen (RFC 8446 4.2.3). BearSSL 0.6 only
 * gives us the raw RSAVP1 (br_rsa_public); the encoding checks are here. */
static int
verify_rsa_pss(const br_x509_pkey *pk, const br_hash_class *hc,
	const unsigned char *mhash, size_t hlen,
	const uint8_t *sig, size_t sig_len)
{
	static const unsigned char zeros[8] = { 0 };
	const br_rsa_public_key *rk;
	const unsigned char *n;
	unsigned char em[WT_RSA_MAX_BYTES], h2[64];
	br_hash_compat_context hx;
	size_t nlen, k, em_len, db_len, ps_len, u;
	unsigned top, nbits, zbits;
	unsigned char *embuf, *h;

	/* rsa_pss_rsae_*: the key is an rsaEncryption key (RFC 8446 4.2.3). */
	if (pk->key_type != BR_KEYTYPE_RSA) {
		return WT_ALERT_ILLEGAL_PARAMETER;
	}
	rk = &pk->key.rsa;
	n = rk->n;
	nlen = rk->nlen;
	while (nlen > 0 && *n == 0) {
		n ++;
		nlen --;
	}
	/* modBits; k = ceil(modBits/8). Keys larger than 4096 bits cannot
	 * be used with br_rsa_public at all. */
	if (nlen == 0 || nlen > sizeof em) {
		return WT_ALERT_DECRYPT_ERROR;
	}
	k = nlen;
	top = n[0];
	for (nbits = 0; top != 0; top >>= 1) {
		nbits ++;
	}
	/* RFC 8017 8.1.2 step 1: the signature is exactly k octets. */
	if (sig_len != k) {
		return WT_ALERT_DECRYPT_ERROR;
	}
#ifdef WT_FUZZING_UNSAFE
	return 0;   /* fuzzing: key type and length checked, value not */
#endif
	/* Step 2: m = s^e mod n; br_rsa_public fails if s >= n. */
	memcpy(em, sig, k);
	{
		br_rsa_public_key tk = *rk;

		tk.n = (unsigned char *)n;
		tk.nlen = nlen;
		if (!wt_rsa_public(em, k, &tk)) {
			return WT_ALERT_DECRYPT_ERROR;
		}
	}
	/* emBits = modBits - 1, emLen = ceil(emBits/8). When modBits is
	 * 1 mod 8, emLen = k - 1 and I2OSP(m, emLen) needs the top octet 0. */
	embuf = em;
	em_len = k;
	if (nbits == 1) {
		if (em[0] != 0) {
			return WT_ALERT_DECRYPT_ERROR;
		}
		embuf ++;
		em_len --;
	}
	/* 8*emLen - emBits leftmost bits of EM must be zero. */
	zbits = (unsigned)((8 - (nbits - 1) % 8) % 8);
	/* 9.1.2 step 3: emLen >= hLen + sLen + 2, with sLen = hLen. */
	if (em_len < 2 * hlen + 2) {
		return WT_ALERT_DECRYPT_ERROR;
	}
	/* Step 4: trailer 0xbc. */
	if (embuf[em_len - 1] != 0xbc) {
		return WT_ALERT_DECRYPT_ERROR;
	}
	/* Step 5-6: maskedDB || H || 0xbc; top bits of maskedDB clear. */
	db_len = em_len - hlen - 1;
	h = embuf + db_len;
	if (embuf[0] & (unsigned char)(0xFF00u >> zbits)) {
		return WT_ALERT_DECRYPT_ERROR;
	}
	/* Step 7-9: DB = maskedDB XOR MGF1(H), then clear the top bits. */
	mgf1_xor(hc, hlen, h, embuf, db_len);
	embuf[0] &= (unsigned char)(0xFFu >> zbits);
	/* Step 10: DB = PS (zeros) || 0x01 || salt, |salt| = hLen. */
	ps_len = db_len - hlen - 1;
	for (u = 0; u < ps_len; u ++) {
		if (embuf[u] != 0) {
			return WT_ALERT_DECRYPT_ERROR;
		}
	}
	if (embuf[ps_len] != 0x01) {
		return WT_ALERT_DECRYPT_ERROR;
	}
	/* Steps 12-14: H' = Hash(0^8 || mHash || salt) must equal H. */
	hc->init(&hx.vtable);
	hc->update(&hx.vtable, zeros, sizeof zeros);
	hc->update(&hx.vtable, mhash, hlen);
	hc->update(&hx.vtable, embuf + ps_len + 1, hlen);
	hc->out(&hx.vtable, h2);
	if (!wt_ct_equal(h2, h, hlen)) {
		return WT_ALERT_DECRYPT_ERROR;
	}
	return 0;
}

int
wt_rsa_pss_verify(const br_x509_pkey *pk, const br_hash_class *hc,
	const unsigned char *mhash, size_t hlen, const uint8_t *sig, size_t sig_len)
{
	return verify_rsa_pss(pk, hc, mhash, hlen, sig, sig_len);
}

int
wt_sig_verify(uint16_t scheme, const br_x509_pkey *pk,
	const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len)
{
	const br_hash_class *hc;
	unsigned char hv[64];
	size_t hlen;

	/* RFC 8446 4.4.3: only these may sign a TLS 1.3 CertificateVerify
	 * (PKCS#1 v1.5 is for certificates only). */
	hc = sig_hash(scheme);
	if (hc == NULL || pk == NULL) {
		return WT_ALERT_ILLEGAL_PARAMETER;
	}
	if (sig == NULL) {
		return WT_ALERT_DECRYPT_ERROR;
	}
	if (msg == NULL) {
		msg = wt_empty;
		msg_len = 0;
	}
	hlen = hash_data(hc, msg, msg_len, hv);
	switch (scheme) {
	case WT_SIG_ECDSA_SECP256R1_SHA256:
	case WT_SIG_ECDSA_SECP384R1_SHA384:
	case WT_SIG_ECDSA_SECP521R1_SHA512:
		return verify_ecdsa(scheme, pk, hv, hlen, sig, sig_len, 0);
	default:
		return verify_rsa_pss(pk, hc, hv, hlen, sig, sig_len);
	}
}

int
wt_sig_verify12(uint16_t scheme, const br_x509_pkey *pk,
	const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len)
{
	const br_hash_class *hc = NULL;
	const unsigned char *oid = NULL;
	unsigned char hv[64], out[64];
	size_t hlen;

	switch (scheme) {
	case WT_SIG_RSA_PKCS1_SHA256:
		hc = &br_sha256_vtable;
		oid = BR_HASH_OID_SHA256;
		break;
	case WT_SIG_RSA_PKCS1_SHA384:
		hc = &br_sha384_vtable;
		oid = BR_HASH_OID_SHA384;
		break;
	case WT_SIG_RSA_PKCS1_SHA512:
		hc = &br_sha512_vtable;
		oid = BR_HASH_OID_SHA512;
		break;
	default:
		hc = sig_hash(scheme);
		break;
	}
	if (hc == NULL || pk == NULL) {
		return WT_ALERT_ILLEGAL_PARAMETER;
	}
	if (sig == NULL) {
		return WT_ALERT_DECRYPT_ERROR;
	}
	if (msg == NULL) {
		msg = wt_empty;
		msg_len = 0;
	}
	hlen = hash_data(hc, msg, msg_len, hv);
	if (oid != NULL) {
		/* RSASSA-PKCS1-v1_5 (RFC 8017 8.2.2): BearSSL recovers the hash
		 * from the DigestInfo for this OID; compared in constant time */
		if (pk->key_type != BR_KEYTYPE_RSA) {
			return WT_ALERT_ILLEGAL_PARAMETER;
		}
#ifdef WT_FUZZING_UNSAFE
		return 0;
#endif
		if (!wt_rsa_pkcs1_vrfy(sig, sig_len, oid, hlen,
			&pk->key.rsa, out) || !wt_ct_equal(out, hv, hlen))
		{
			return WT_ALERT_DECRYPT_ERROR;
		}
		return 0;
	}
	switch (scheme) {
	case WT_SIG_ECDSA_SECP256R1_SHA256:
	case WT_SIG_ECDSA_SECP384R1_SHA384:
	case WT_SIG_ECDSA_SECP521R1_SHA512:
		return verify_ecdsa(scheme, pk, hv, hlen, sig, sig_len, 1);
	default:
		return verify_rsa_pss(pk, hc, hv, hlen, sig, sig_len);
	}
}

/* ------------------------------------------------------------------ */
/* Signing (client CertificateVerify, RFC 8446 4.4.3)                  */
/* ------------------------------------------------------------------ */

/* The schemes a TLS 1.3 CertificateVerify may use that we implement
 * (RFC 8446 4.2.3, 4.4.3: no PKCS#1 v1.5, no SHA-1), in our default
 * preference order. */
static const uint16_t sig_schemes[] = {
	WT_SIG_ECDSA_SECP256R1_SHA256, WT_SIG_ECDSA_SECP384R1_SHA384,
	WT_SIG_ECDSA_SECP521R1_SHA512,
	WT_SIG_RSA_PSS_RSAE_SHA256, WT_SIG_RSA_PSS_RSAE_SHA384,
	WT_SIG_RSA_PSS_RSAE_SHA512
};

const uint16_t *
wt_sig_defaults(size_t *n)
{
	*n = sizeof sig_schemes / sizeof sig_schemes[0];
	return sig_schemes;
}

int
wt_sig_supported(uint16_t scheme)
{
	return sig_hash(scheme) != NULL;
}

int
wt_sig_listable(uint16_t scheme)
{
	/* RFC 8446 4.2.3: rsa_pkcs1_sha256/384/512 MAY be listed (TLS 1.2,
	 * certificate signatures) but never sign a TLS 1.3 CertificateVerify;
	 * SHA-1 and MD5 schemes are not listed at all. */
	return wt_sig_supported(scheme) || scheme == 0x0401 || scheme == 0x0501
		|| scheme == 0x0601;
}

/* Can key produce a TLS 1.3 signature with scheme? An ECDSA scheme names
 * the curve (RFC 8446 4.2.3); an RSA key signs with RSA-PSS-RSAE. */
static int
key_can_sign(const wt_private_key *key, uint16_t scheme)
{
	switch (key->type) {
	case BR_KEYTYPE_EC:
		return (scheme == WT_SIG_ECDSA_SECP256R1_SHA256 && key->ec.curve == BR_EC_secp256r1)
			|| (scheme == WT_SIG_ECDSA_SECP384R1_SHA384 && key->ec.curve == BR_EC_secp384r1)
			|| (scheme == WT_SIG_ECDSA_SECP521R1_SHA512 && key->ec.curve == BR_EC_secp521r1);
	case BR_KEYTYPE_RSA:
		return scheme == WT_SIG_RSA_PSS_RSAE_SHA256
			|| scheme == WT_SIG_RSA_PSS_RSAE_SHA384
			|| scheme == WT_SIG_RSA_PSS_RSAE_SHA512;
	default:
		return 0;
	}
}

uint16_t
wt_sig_choose(const wt_private_key *key, const uint16_t *prefs, size_t npref,
	const uint16_t *algs, size_t n)
{
	size_t i;

	if (npref == 0) {
		prefs = wt_sig_defaults(&npref);
	}
	for (i = 0; i < npref; i ++) {
		if (key_can_sign(key, prefs[i]) && wt_list_has(algs, n, prefs[i])) {
			return prefs[i];
		}
	}
	return 0;
}

/* Can key sign a TLS 1.2 CertificateVerify with scheme (RFC 5246
 * 7.4.1.4.1, RFC 8446 4.2.3 for what TLS 1.2 may use)? As Go's
 * signatureSchemesForPublicKey for TLS 1.2: an ECDSA scheme names only its
 * hash there, so an EC key signs with any of them; an RSA key with RSA-PSS
 * or PKCS#1 v1.5. SHA-1 schemes are left out, as everywhere. */
static int
key_can_sign12(const wt_private_key *key, uint16_t scheme)
{
	switch (key->type) {
	case BR_KEYTYPE_EC:
		return scheme == WT_SIG_ECDSA_SECP256R1_SHA256
			|| scheme == WT_SIG_ECDSA_SECP384R1_SHA384
			|| scheme == WT_SIG_ECDSA_SECP521R1_SHA512;
	case BR_KEYTYPE_RSA:
		return scheme == WT_SIG_RSA_PSS_RSAE_SHA256
			|| scheme == WT_SIG_RSA_PSS_RSAE_SHA384
			|| scheme == WT_SIG_RSA_PSS_RSAE_SHA512
			|| scheme == WT_SIG_RSA_PKCS1_SHA256
			|| scheme == WT_SIG_RSA_PKCS1_SHA384
			|| scheme == WT_SIG_RSA_PKCS1_SHA512;
	default:
		return 0;
	}
}

uint16_t
wt_sig_choose12(const wt_private_key *key, const uint16_t *prefs, size_t npref,
	const uint16_t *algs, size_t n)
{
	static const uint16_t defaults12[] = {
		WT_SIG_ECDSA_SECP256R1_SHA256, WT_SIG_ECDSA_SECP384R1_SHA384,
		WT_SIG_ECDSA_SECP521R1_SHA512,
		WT_SIG_RSA_PSS_RSAE_SHA256, WT_SIG_RSA_PSS_RSAE_SHA384,
		WT_SIG_RSA_PSS_RSAE_SHA512,
		WT_SIG_RSA_PKCS1_SHA256, WT_SIG_RSA_PKCS1_SHA384, WT_SIG_RSA_PKCS1_SHA512
	};
	size_t i;

	if (npref == 0) {
		prefs = defaults12;
		npref = sizeof defaults12 / sizeof defaults12[0];
	}
	for (i = 0; i < npref; i++) {
		if (key_can_sign12(key, prefs[i]) && wt_list_has(algs, n, prefs[i])) {
			return prefs[i];
		}
	}
	return 0;
}

/* EMSA-PSS-ENCODE (RFC 8017 9.1.1) with sLen = hLen, then RSASP1. */
static int
sign_rsa_pss(const br_rsa_private_key *sk, const br_hash_class *hc,
	const unsigned char *mhash, size_t hlen, const uint8_t *salt,
	uint8_t *sig, size_t cap, size_t *sig_len)
{
	br_hash_compat_context hx;
	size_t k = (sk->n_bitlen + 7) >> 3;
	size_t em_bits = sk->n_bitlen - 1;
	size_t em_len = (em_bits + 7) >> 3;
	size_t db_len = em_len - hlen - 1;
	unsigned char *em, h[64];
	static const unsigned char zeros[8];

	if (k > cap || em_len < 2 * hlen + 2) {
		return WT_ALERT_INTERNAL_ERROR;
	}
	/* sig holds the k-byte integer; EM is right-aligned in it (a leading
	 * zero byte when emBits is a multiple of 8). */
	memset(sig, 0, k);
	em = sig + (k - em_len);
	/* H = Hash(0x00 * 8 || mHash || salt) */
	hc->init(&hx.vtable);
	hc->update(&hx.vtable, zeros, 8);
	hc->update(&hx.vtable, mhash, hlen);
	hc->update(&hx.vtable, salt, hlen);
	hc->out(&hx.vtable, h);
	/* DB = PS || 0x01 || salt, masked with MGF1(H) */
	em[db_len - hlen - 1] = 0x01;
	memcpy(em + db_len - hlen, salt, hlen);
	mgf1_xor(hc, hlen, h, em, db_len);
	em[0] &= (unsigned char)(0xFF >> (8 * em_len - em_bits));
	memcpy(em + db_len, h, hlen);
	em[em_len - 1] = 0xBC;
	if (!br_rsa_private_get_default()(sig, sk)) {
		return WT_ALERT_INTERNAL_ERROR;
	}
	*sig_len = k;
	return 0;
}

/* ECDSA (RFC 6979: deterministic, no randomness needed) over hv, the
 * hash hc produced, as a DER signature. */
static int
sign_ecdsa(const br_ec_private_key *sk, const br_hash_class *hc,
	const uint8_t *hv, uint8_t *sig, size_t cap, size_t *sig_len)
{
	unsigned char tmp[160];
	size_t n;

#ifdef WT_FUZZING_UNSAFE
	/* fuzzing: no scalar multiplication; r = s = 1 in strict DER */
	(void)sk; (void)hc; (void)hv; (void)tmp; (void)n;
	if (cap < 8) {
		return WT_ALERT_INTERNAL_ERROR;
	}
	memcpy(sig, "\x30\x06\x02\x01\x01\x02\x01\x01", 8);
	*sig_len = 8;
	return 0;
#else
	n = br_ecdsa_sign_asn1_get_default()(wt_ec_impl(), hc, hv, sk, tmp);
	if (n == 0 || n > cap) {
		return WT_ALERT_INTERNAL_ERROR;
	}
	memcpy(sig, tmp, n);
	*sig_len = n;
	return 0;
#endif
}

int
wt_sig_sign(uint16_t scheme, const wt_private_key *key,
	const uint8_t *msg, size_t msg_len, const uint8_t *salt,
	uint8_t *sig, size_t cap, size_t *sig_len)
{
	const br_hash_class *hc = sig_hash(scheme);
	unsigned char hv[64];
	size_t hlen;
	int err;

	if (hc == NULL) {
		return WT_ALERT_INTERNAL_ERROR;
	}
	hlen = hash_data(hc, msg, msg_len, hv);
	err = wt_sig_sign_hash(scheme, key, hv, hlen, salt, sig, cap, sig_len);
	wt_wipe(hv, sizeof hv);
	return err;
}

int
wt_sig_sign_hash12(uint16_t scheme, const wt_private_key *key,
	const uint8_t *hv, size_t hlen, const uint8_t *salt,
	uint8_t *sig, size_t cap, size_t *sig_len)
{
	const unsigned char *oid;
	size_t k;

	if (!key_can_sign12(key, scheme)) {
		return WT_ALERT_INTERNAL_ERROR;
	}
	switch (scheme) {
	case WT_SIG_RSA_PKCS1_SHA256: oid = BR_HASH_OID_SHA256; break;
	case WT_SIG_RSA_PKCS1_SHA384: oid = BR_HASH_OID_SHA384; break;
	case WT_SIG_RSA_PKCS1_SHA512: oid = BR_HASH_OID_SHA512; break;
	case WT_SIG_ECDSA_SECP256R1_SHA256:
	case WT_SIG_ECDSA_SECP384R1_SHA384:
	case WT_SIG_ECDSA_SECP521R1_SHA512: {
		/* the key's own curve, the scheme's hash (RFC 5246 7.4.1.4.1) */
		const br_hash_class *hc = sig_hash(scheme);

		if (hlen != ((hc->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK)) {
			return WT_ALERT_INTERNAL_ERROR;
		}
		return sign_ecdsa(&key->ec, hc, hv, sig, cap, sig_len);
	}
	default:   /* rsa_pss_rsae_*: as in TLS 1.3 */
		return wt_sig_sign_hash(scheme, key, hv, hlen, salt, sig, cap, sig_len);
	}
	/* RSASSA-PKCS1-v1_5 (RFC 8017 8.2.1) */
	k = (key->rsa.n_bitlen + 7) >> 3;
	if (k > cap || !br_rsa_pkcs1_sign_get_default()(oid, hv, hlen, &key->rsa, sig)) {
		return WT_ALERT_INTERNAL_ERROR;
	}
	*sig_len = k;
	return 0;
}

int
wt_sig_sign_hash(uint16_t scheme, const wt_private_key *key,
	const uint8_t *hv, size_t hlen, const uint8_t *salt,
	uint8_t *sig, size_t cap, size_t *sig_len)
{
	const br_hash_class *hc = sig_hash(scheme);

	if (hc == NULL
		|| hlen != ((hc->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK))
	{
		return WT_ALERT_INTERNAL_ERROR;
	}
	if (key->type == BR_KEYTYPE_EC) {
		if (!key_can_sign(key, scheme)) {
			return WT_ALERT_INTERNAL_ERROR;
		}
		return sign_ecdsa(&key->ec, hc, hv, sig, cap, sig_len);
	}
	if (key->type != BR_KEYTYPE_RSA || !key_can_sign(key, scheme)) {
		return WT_ALERT_INTERNAL_ERROR;
	}
	return sign_rsa_pss(&key->rsa, hc, hv, hlen, salt, sig, cap, sig_len);
}
