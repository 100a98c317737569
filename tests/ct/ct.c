/*
 * test_ct: constant-time check of the code that touches secrets, in the
 * style of ctgrind. tests/ct.test.mjs runs this program under valgrind
 * memcheck. Every secret input (keys, ivs, PSKs, ECDHE outputs, private
 * scalars, RSA CRT factors, plaintext, salts) is marked undefined with
 * VALGRIND_MAKE_MEM_UNDEFINED; memcheck then reports every conditional
 * branch and every memory address computed from it. Everything that goes on
 * the wire or decides a public outcome (ciphertext, tags, public keys,
 * signatures, accept/reject verdicts) is marked defined again with
 * VALGRIND_MAKE_MEM_DEFINED before this program looks at it, so a report
 * can only come from the code under test. Outside valgrind the client
 * requests do nothing and the program is a plain self-check.
 *
 * Usage: test_ct [section ...]   (default: all). Each section prints
 * "ct: section NAME" on stderr first, so reports can be attributed; the
 * last line is "ct: ok" if every functional check passed (and the exit
 * status 0), else "ct: FAILED".
 *
 * Sections:
 *   aead       wt_aead_{init,seal,open} for the three TLS 1.3 suites with the
 *              implementations this machine picks (AES-NI/PCLMUL/SSE2 here)
 *   aead-ct    the portable implementations the wasm builds use:
 *              aes_ct64 + ghash_ctmul64, chacha20_ct + poly1305_ctmul
 *   record     wt_rec_queue / wt_rec_open (seal, open, padding, bad tag)
 *   keysched   the RFC 8446 7.1 schedule, traffic keys, KeyUpdate, exporter,
 *              binder and early secrets, ticket PSK, Finished + compare
 *   kex        wt_kex_keygen + wt_kex_derive for x25519, P-256, P-384
 *              (X25519 and P-256: src/ec_c25519_wasm.c, src/ec_p256_wasm.c,
 *              which wt_ec_impl() picks here too: BearSSL's default is m31)
 *   sign-ec    wt_sig_sign for ecdsa_secp256r1_sha256, ecdsa_secp384r1_sha384
 *              (P-256 mulgen: src/ec_p256_wasm.c)
 *   sign-rsa   wt_sig_sign for rsa_pss_rsae_sha256/384/512 (native default:
 *              br_rsa_i62_private when the compiler has 64x64->128)
 *   rsa-i31    br_rsa_i31_private, the RSA the wasm builds use (BR_64,
 *              no 128-bit multiply)
 *   mlkem      ML-KEM-768/1024 (src/mlkem.c, src/sha3.c): keygen from the
 *              secret seed, encaps with a secret m, decaps from the seed
 *              (valid and tampered ciphertexts: implicit rejection must
 *              take the same time) and from dk (s and z secret)
 *   canary     (only when named) a deliberate leak: a negative control
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include <valgrind/memcheck.h>

#include "unit.h"
#include "wt_internal.h"
#include "wt_mlkem.h"

/* Secret from here on / public (on the wire, or a public outcome). */
#define SECRET(p, n)  VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n)  VALGRIND_MAKE_MEM_DEFINED((p), (n))
#define PUBLIC_VAL(v) PUBLIC(&(v), sizeof (v))

/* Deterministic filler (the values do not matter, their definedness does). */
static void
fill(uint8_t *p, size_t n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;

	while (n -- > 0) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		*p ++ = (uint8_t)(x >> 24);
	}
}

static void
section(const char *name)
{
	fprintf(stderr, "ct: section %s\n", name);
}

static const uint16_t suite_ids[] = {
	WT_TLS_AES_128_GCM_SHA256, WT_TLS_AES_256_GCM_SHA384,
	WT_TLS_CHACHA20_POLY1305_SHA256
};

/* ------------------------------------------------------------------ */
/* AEAD through src/crypto.c                                            */
/* ------------------------------------------------------------------ */

static void
aead_suite(const wt_suite *s, uint32_t seed)
{
	static const size_t lens[] = { 0, 1, 16, 61, 300 };
	uint8_t key[32], iv[12], aad[5], msg[300], buf[300], tag[16];
	wt_aead a;
	size_t i;
	int r;

	fill(key, sizeof key, seed);
	fill(iv, sizeof iv, seed + 1);
	fill(aad, sizeof aad, seed + 2);
	fill(msg, sizeof msg, seed + 3);
	SECRET(key, sizeof key);
	SECRET(iv, sizeof iv);      /* the static iv is derived, never sent */
	wt_aead_init(&a, s, key, iv);
	for (i = 0; i < sizeof lens / sizeof lens[0]; i ++) {
		size_t n = lens[i];

		memcpy(buf, msg, n);
		SECRET(buf, n);     /* plaintext */
		wt_aead_seal(&a, 7 + i, aad, sizeof aad, buf, n, tag);
		PUBLIC(buf, n);     /* ciphertext and tag go on the wire */
		PUBLIC(tag, sizeof tag);

		r = wt_aead_open(&a, 7 + i, aad, sizeof aad, buf, n, tag);
		PUBLIC_VAL(r);      /* accept/reject is public */
		CHECK(r == 0);
		PUBLIC(buf, n);
		CHECK(memcmp(buf, msg, n) == 0);

		/* A forged tag must be refused, in the same constant time. */
		memcpy(buf, msg, n);
		wt_aead_seal(&a, 7 + i, aad, sizeof aad, buf, n, tag);
		PUBLIC(buf, n);
		PUBLIC(tag, sizeof tag);
		tag[i % 16] ^= 0x40;
		r = wt_aead_open(&a, 7 + i, aad, sizeof aad, buf, n, tag);
		PUBLIC_VAL(r);
		CHECK(r == WT_ALERT_BAD_RECORD_MAC);
	}
	wt_aead_wipe(&a);
}

static void
test_aead(void)
{
	size_t i;

	for (i = 0; i < 3; i ++) {
		aead_suite(wt_suite_get(suite_ids[i]), (uint32_t)(10 + i));
	}
}

/* The same AEADs with BearSSL's portable constant-time code, which is what
 * wasm gets (no AES-NI, PCLMUL or SSE2; BR_INT128=0). */
static void
test_aead_ct(void)
{
	uint8_t key[32], iv[12], aad[13], msg[200], buf[200], tag[16], t2[16];
	br_aes_ct64_ctr_keys aes;
	br_gcm_context gc;
	size_t klen;
	uint32_t ok;

	for (klen = 16; klen <= 32; klen += 16) {
		fill(key, klen, 30 + (uint32_t)klen);
		fill(iv, sizeof iv, 31);
		fill(aad, sizeof aad, 32);
		fill(msg, sizeof msg, 33);
		SECRET(key, klen);
		SECRET(iv, sizeof iv);
		memcpy(buf, msg, sizeof buf);
		SECRET(buf, sizeof buf);
		br_aes_ct64_ctr_init(&aes, key, klen);
		br_gcm_init(&gc, &aes.vtable, &br_ghash_ctmul64);
		br_gcm_reset(&gc, iv, sizeof iv);
		br_gcm_aad_inject(&gc, aad, sizeof aad);
		br_gcm_flip(&gc);
		br_gcm_run(&gc, 1, buf, sizeof buf);
		br_gcm_get_tag(&gc, tag);
		PUBLIC(buf, sizeof buf);
		PUBLIC(tag, sizeof tag);

		br_gcm_reset(&gc, iv, sizeof iv);
		br_gcm_aad_inject(&gc, aad, sizeof aad);
		br_gcm_flip(&gc);
		br_gcm_run(&gc, 0, buf, sizeof buf);
		ok = br_gcm_check_tag(&gc, tag);
		PUBLIC_VAL(ok);
		CHECK(ok == 1);
		PUBLIC(buf, sizeof buf);
		CHECK(memcmp(buf, msg, sizeof buf) == 0);
	}

	fill(key, 32, 40);
	fill(iv, sizeof iv, 41);
	SECRET(key, 32);
	SECRET(iv, sizeof iv);
	memcpy(buf, msg, sizeof buf);
	SECRET(buf, sizeof buf);
	br_poly1305_ctmul_run(key, iv, buf, sizeof buf, aad, sizeof aad, tag,
		&br_chacha20_ct_run, 1);
	PUBLIC(buf, sizeof buf);
	PUBLIC(tag, sizeof tag);
	br_poly1305_ctmul_run(key, iv, buf, sizeof buf, aad, sizeof aad, t2,
		&br_chacha20_ct_run, 0);
	ok = (uint32_t)wt_ct_equal(tag, t2, sizeof tag);
	PUBLIC_VAL(ok);
	CHECK(ok == 1);
	PUBLIC(buf, sizeof buf);
	CHECK(memcmp(buf, msg, sizeof buf) == 0);
}

/* ------------------------------------------------------------------ */
/* Record layer (src/record.c)                                          */
/* ------------------------------------------------------------------ */

static wt_engine_ctx rec_w, rec_r;
/* the record buffers an engine's host lends it (wt_engine_mem) */
static uint8_t rec_w_out[WT_OUTBUF_SIZE], rec_r_in[WT_MIN_INBUF];

/* Feeds the record obuf[0..len) to the reading engine. */
static int
rec_feed(const uint8_t *rec, size_t len, uint8_t *type, uint8_t **data,
	size_t *dlen)
{
	int r, dec;

	memcpy(rec_r.ibuf, rec, len);
	rec_r.ilen = len;
	r = wt_rec_open(&rec_r, type, data, dlen, &dec);
	PUBLIC_VAL(r);      /* accept/reject */
	PUBLIC(type, 1);    /* the inner type and length: RFC 8446 5.4 */
	PUBLIC(dlen, sizeof *dlen);
	return r;
}

static void
record_suite(const wt_suite *s, uint32_t seed)
{
	uint8_t secret[WT_MAX_HASH], msg[200], key[32], iv[12];
	uint8_t rec[5 + 200 + 1 + 32 + 16];
	uint8_t type, *data;
	size_t dlen, n, pad = 32;
	wt_aead a;
	int r;

	memset(&rec_w, 0, sizeof rec_w);
	memset(&rec_r, 0, sizeof rec_r);
	rec_w.obuf = rec_w_out;
	rec_w.obuf_cap = sizeof rec_w_out;
	rec_r.ibuf = rec_r_in;
	rec_r.ibuf_cap = sizeof rec_r_in;
	fill(secret, sizeof secret, seed);
	fill(msg, sizeof msg, seed + 1);
	msg[sizeof msg - 1] = 0;   /* content ending in zero bytes */
	msg[sizeof msg - 2] = 0;
	SECRET(secret, sizeof secret);
	wt_rec_set_write_secret(&rec_w, s, secret);
	wt_rec_set_read_secret(&rec_r, s, secret);

	/* 1. a record sealed by wt_rec_queue, opened by wt_rec_open */
	SECRET(msg, sizeof msg);
	r = wt_rec_queue(&rec_w, WT_CT_APPLICATION_DATA, msg, sizeof msg,
		WT_MAX_PLAINTEXT);
	CHECK(r == 0);
	PUBLIC(msg, sizeof msg);
	PUBLIC(rec_w.obuf, rec_w.olen);   /* on the wire */
	r = rec_feed(rec_w.obuf, rec_w.olen, &type, &data, &dlen);
	CHECK(r == 0 && type == WT_CT_APPLICATION_DATA && dlen == sizeof msg);
	if (r == 0 && dlen == sizeof msg) {
		PUBLIC(data, dlen);
		CHECK(memcmp(data, msg, dlen) == 0);
	}

	/* 2. a handshake record with 32 bytes of zero padding (the padding
	 * length is the one thing RFC 8446 5.4 lets the open leak) */
	wt_ks_traffic_keys(s, secret, key, iv);
	wt_aead_init(&a, s, key, iv);
	n = 100;
	memcpy(rec + 5, msg, n);
	rec[5 + n] = WT_CT_HANDSHAKE;
	memset(rec + 5 + n + 1, 0, pad);
	SECRET(rec + 5, n + 1 + pad);
	rec[0] = WT_CT_APPLICATION_DATA;
	rec[1] = 3;
	rec[2] = 3;
	rec[3] = (uint8_t)((n + 1 + pad + 16) >> 8);
	rec[4] = (uint8_t)(n + 1 + pad + 16);
	wt_aead_seal(&a, 1, rec, 5, rec + 5, n + 1 + pad, rec + 5 + n + 1 + pad);
	PUBLIC(rec, sizeof rec);
	r = rec_feed(rec, 5 + n + 1 + pad + 16, &type, &data, &dlen);
	CHECK(r == 0 && type == WT_CT_HANDSHAKE && dlen == n);

	/* 3. the same record again with a flipped tag bit: refused */
	wt_aead_seal(&a, 2, rec, 5, rec + 5, n + 1 + pad, rec + 5 + n + 1 + pad);
	PUBLIC(rec, sizeof rec);
	rec[5 + n + 1 + pad + 3] ^= 1;
	r = rec_feed(rec, 5 + n + 1 + pad + 16, &type, &data, &dlen);
	CHECK(r == WT_ALERT_BAD_RECORD_MAC);
	wt_aead_wipe(&a);
	wt_wipe(key, sizeof key);
}

static void
test_record(void)
{
	size_t i;

	for (i = 0; i < 3; i ++) {
		record_suite(wt_suite_get(suite_ids[i]), (uint32_t)(50 + i));
	}
}

/* ------------------------------------------------------------------ */
/* Key schedule and Finished (src/keysched.c)                           */
/* ------------------------------------------------------------------ */

static void
keysched_suite(const wt_suite *s, uint32_t seed)
{
	uint8_t psk[WT_MAX_HASH], ecdhe[48], th[WT_MAX_HASH];
	uint8_t out[WT_MAX_HASH], out2[WT_MAX_HASH], fin[WT_MAX_HASH];
	uint8_t wire[WT_MAX_HASH], key[32], iv[12], exp[40], nonce[8];
	size_t hl = s->hash_len;
	wt_keysched ks;
	wt_transcript tr;
	int r, ok, pass;

	fill(psk, sizeof psk, seed);
	fill(ecdhe, sizeof ecdhe, seed + 1);
	fill(nonce, sizeof nonce, seed + 2);
	/* The transcript is public (it is made of handshake messages). */
	wt_transcript_init(&tr, s);
	wt_transcript_add(&tr, nonce, sizeof nonce);
	wt_transcript_hash(&tr, th);
	SECRET(psk, sizeof psk);
	SECRET(ecdhe, sizeof ecdhe);

	for (pass = 0; pass < 2; pass ++) {
		memset(&ks, 0, sizeof ks);
		/* pass 0: full handshake (no PSK); pass 1: resumption PSK */
		r = wt_ks_early(&ks, s, pass ? psk : NULL, pass ? hl : 0);
		CHECK(r == 0);
		if (pass) {
			CHECK(wt_ks_binder_key(&ks, WT_BINDER_RES, out) == 0);
			wt_ks_finished(s, out, th, fin);   /* the PSK binder */
			CHECK(wt_ks_early_traffic(&ks, th, out, out2) == 0);
			CHECK(wt_ks_export(s, out2, "early", th, hl, exp, sizeof exp) == 0);
		}
		CHECK(wt_ks_handshake(&ks, ecdhe, hl == 48 ? 48 : 32, th) == 0);
		wt_ks_traffic_keys(s, ks.client_hs, key, iv);
		wt_ks_traffic_keys(s, ks.server_hs, key, iv);

		/* Finished: compute ours, compare with the peer's (public). */
		wt_ks_finished(s, ks.server_hs, th, fin);
		memcpy(wire, fin, hl);
		PUBLIC(wire, hl);           /* the peer's verify_data */
		ok = wt_ct_equal(fin, wire, hl);
		PUBLIC_VAL(ok);             /* handshake goes on or fails */
		CHECK(ok == 1);
		wire[hl - 1] ^= 0x80;
		ok = wt_ct_equal(fin, wire, hl);
		PUBLIC_VAL(ok);
		CHECK(ok == 0);
		wire[hl - 1] ^= 0x80;
		wire[0] ^= 1;
		ok = wt_ct_equal(fin, wire, hl);
		PUBLIC_VAL(ok);
		CHECK(ok == 0);

		CHECK(wt_ks_master(&ks, th) == 0);
		wt_ks_finished(s, ks.client_hs, th, fin);   /* our Finished */
		PUBLIC(fin, hl);
		wt_ks_traffic_keys(s, ks.client_ap, key, iv);
		wt_ks_next_secret(s, ks.client_ap);          /* KeyUpdate */
		wt_ks_traffic_keys(s, ks.client_ap, key, iv);
		CHECK(wt_ks_export(s, ks.exporter, "EXPORTER-ct", NULL, 0,
			exp, sizeof exp) == 0);
		CHECK(wt_ks_resumption(&ks, th) == 0);
		wt_ks_ticket_psk(s, ks.resumption, nonce, sizeof nonce, out);
		wt_ks_wipe(&ks);
	}
}

static void
test_keysched(void)
{
	size_t i;

	for (i = 0; i < 3; i ++) {
		keysched_suite(wt_suite_get(suite_ids[i]), (uint32_t)(70 + i));
	}
}

/* ------------------------------------------------------------------ */
/* Key exchange (src/crypto.c)                                          */
/* ------------------------------------------------------------------ */

static void
test_kex(void)
{
	static const uint16_t groups[] = {
		WT_GROUP_X25519, WT_GROUP_SECP256R1, WT_GROUP_SECP384R1
	};
	uint8_t ra[64], rb[64], sa[48], sb[48];
	wt_keyshare a, b;
	size_t i, la, lb;
	int r;

	for (i = 0; i < 3; i ++) {
		fill(ra, sizeof ra, 90 + (uint32_t)i);
		fill(rb, sizeof rb, 95 + (uint32_t)i);
		SECRET(ra, sizeof ra);      /* host randomness */
		SECRET(rb, sizeof rb);
		r = wt_kex_keygen(&a, groups[i], ra, sizeof ra);
		PUBLIC_VAL(r);
		CHECK(r == 0);
		r = wt_kex_keygen(&b, groups[i], rb, sizeof rb);
		PUBLIC_VAL(r);
		CHECK(r == 0);
		PUBLIC(a.pub, sizeof a.pub);   /* key shares go on the wire */
		PUBLIC(b.pub, sizeof b.pub);

		r = wt_kex_derive(&a, b.pub, b.pub_len, sa, &la);
		PUBLIC_VAL(r);
		CHECK(r == 0);
		r = wt_kex_derive(&b, a.pub, a.pub_len, sb, &lb);
		PUBLIC_VAL(r);
		CHECK(r == 0);
		CHECK(la == lb && la == (i == 2 ? 48u : 32u));
		PUBLIC(sa, sizeof sa);
		PUBLIC(sb, sizeof sb);
		CHECK(memcmp(sa, sb, la) == 0);
		wt_kex_wipe(&a);
		wt_kex_wipe(&b);
	}
}

/* ------------------------------------------------------------------ */
/* Client-certificate signing (src/crypto.c)                            */
/* ------------------------------------------------------------------ */

/* A 2048-bit test key, used nowhere else (openssl genrsa). */
static const char rsa_n[] =
	"bc2f4ac14a5cc5b018b81c15bdcde045aeedcba1849e1c204fde3cd5a27c9e5c"
	"0aa8c3ac17d2911fce571b7aced0f86ed5be3a8ce132b70977396772456d74ad"
	"72ca7fac32e1d737ea9a2e7b56d393b8a4c039aa282aa5a7b861949bcc923601"
	"8b2dc4bae01a0ba94589033ff2428fc63918bdf4113983c30be1f9523fc98916"
	"1523ad3cc17813381170bb0ebd40a87a381ce983e3c17a75645f10775071149a"
	"b9126ec47a19ca0ed58e3cce2b7f682d27ef096dc5248202b7a6a5c88eea2f5a"
	"e0a0714c5798152a34c2920920571f109ae6866dd82482de1fe9fe33087b64be"
	"12c950ec661f3b705c30180b51b6c4378d4aa1cb947fd9814b36e069ad576f63";
static const char rsa_e[] =
	"010001";
static const char rsa_p[] =
	"f513dfce2cc4f3c2c8e3d14a2fd5e3dad1ba5b5ae55e06990d51d1376eea2dcb"
	"7a9dd01fbec24210a975b786275e1a6b3a175afcb556c4d3a8a9d50bdcc4d0fc"
	"c580b11fc39446db3638cdb63d13a1b297193e0d959265620615ca7fd3b8134d"
	"814f2b679c07b6f64c8170541e4e0d9ac0f416626635fe3004054235fc7bbb15";
static const char rsa_q[] =
	"c492518c81567ec5b89868f694961f36c96da74f9e6635b1b159f06e70b241a5"
	"caeab187e143836842eda787307b7b1ccb1f4538f72909745e90212897d2d0b9"
	"6f5a8923cff0a1b491730c0a23925af82ff4d3839d43ea0c5e43a420e848d5a2"
	"a1b1a591469b947602559c6dc005a7dcd0d9ccd3365961f4a04f0c8d74193e97";
static const char rsa_dp[] =
	"2defb7b77174c92bed73a63afd945dcd1a1a901d0d78fe4b99cf882397ca9522"
	"daacd1e1e1638ff6878ce5056443a3380dff6ab28b5ae431b81f7d2b680a0c12"
	"1502f63039fc84fb79c253eca0ae1954dc35830810cd0bebbfb03df08fc2a4fb"
	"960d3cd982c97f65d3193ff0c46d64e768db5786c219c4b74349a90b6d73d3b1";
static const char rsa_dq[] =
	"4bb9ce5ea168cfd79da0613734d08c5fcfc345641fb26256fcea97fc03c03818"
	"058eda2b6d7553c7339958237562ec6f903490b73c47fbd36fa6788fa9c55611"
	"49bb87ff5ad8e982a551bbbea02b7e8e03f37e1442de69e8afdbc0fbc8605ea4"
	"9343db7396ced2a78f88a9858226eb9ede7a3934d8c8203b5c1277d47a784b2b";
static const char rsa_qi[] =
	"b09012f2d79fdbdf0b440e71585705680f12e36ee0ac254e36fdd54918a9c1d0"
	"4c46cc8ad2134e600f1a645f6d2eab1d098daee6c8e10f8725b20ea9378ccfce"
	"308369b5d9c52dd2eeb075b9dbb59fc736e6bc4090bf70dad6e8075fcc595ac6"
	"d249b1609fb8cd2493573f2eaeb23132d44b1ce8a9140f7c878a2519b8b7d3a7";

/* The CertificateVerify content (RFC 8446 4.4.3) is public: 64 spaces,
 * the context string, a zero byte and the transcript hash. */
static void
cv_content(uint8_t *msg, size_t *len)
{
	static const char ctx[] = "TLS 1.3, client CertificateVerify";

	memset(msg, 0x20, 64);
	memcpy(msg + 64, ctx, sizeof ctx);   /* with its NUL */
	fill(msg + 64 + sizeof ctx, 48, 120);
	*len = 64 + sizeof ctx + 48;
}

static void
test_sign_ec(void)
{
	static const struct {
		uint16_t scheme;
		int curve;
		size_t xlen;
	} cases[] = {
		{ WT_SIG_ECDSA_SECP256R1_SHA256, BR_EC_secp256r1, 32 },
		{ WT_SIG_ECDSA_SECP384R1_SHA384, BR_EC_secp384r1, 48 },
	};
	uint8_t x[48], pub[97], msg[160], sig[160];
	size_t i, mlen, slen, plen;
	wt_private_key key;
	br_x509_pkey pk;
	int r, round;

	cv_content(msg, &mlen);
	for (i = 0; i < 2; i ++) {
		for (round = 0; round < 2; round ++) {
			memset(&key, 0, sizeof key);
			fill(x, sizeof x, 130 + (uint32_t)(2 * i + round));
			x[0] &= 0x7f;           /* below the curve order */
			key.type = BR_KEYTYPE_EC;
			key.ec.curve = cases[i].curve;
			key.ec.x = x;
			key.ec.xlen = cases[i].xlen;
			/* The public key (computed before x is marked). */
			plen = br_ec_compute_pub(br_ec_get_default(), NULL, pub,
				&key.ec);
			SECRET(x, sizeof x);
			/* Another message each round: another RFC 6979 nonce. */
			msg[mlen - 1] = (uint8_t)round;

			r = wt_sig_sign(cases[i].scheme, &key, msg, mlen, NULL,
				sig, sizeof sig, &slen);
			PUBLIC_VAL(r);
			PUBLIC_VAL(slen);
			CHECK(r == 0);
			if (r != 0) {
				continue;
			}
			PUBLIC(sig, slen);      /* the CertificateVerify */
			memset(&pk, 0, sizeof pk);
			pk.key_type = BR_KEYTYPE_EC;
			pk.key.ec.curve = cases[i].curve;
			pk.key.ec.q = pub;
			pk.key.ec.qlen = plen;
			CHECK(wt_sig_verify(cases[i].scheme, &pk, msg, mlen,
				sig, slen) == 0);
		}
	}
}

static uint8_t rsa_buf[7][256];

/* Marks the bit length of the big-endian integer x[0..len) as public:
 * leading zero bytes, and in the top non-zero byte the bits down to and
 * including the highest set bit, become defined (memcheck keeps
 * definedness per bit). Call after SECRET(). */
static void
public_bitlen(uint8_t *x, size_t len)
{
	size_t u;
	uint8_t top, vbits;
	int h;

	for (u = 0; u < len; u ++) {
		PUBLIC(&x[u], 1);
		top = x[u];
		if (top != 0) {
			break;
		}
	}
	if (u == len) {
		return;
	}
	for (h = 7; !(top >> h); h --) {
	}
	/* V bits: 1 = undefined. Bits below the highest set bit. */
	vbits = (uint8_t)((1u << h) - 1);
	SECRET(&x[u], 1);
	(void)VALGRIND_SET_VBITS(&x[u], &vbits, 1);
}

static void
rsa_key(br_rsa_private_key *sk, br_rsa_public_key *pub)
{
	const char *hex[7] = { rsa_n, rsa_e, rsa_p, rsa_q, rsa_dp, rsa_dq, rsa_qi };
	size_t len[7];
	int i;

	for (i = 0; i < 7; i ++) {
		long n = unit_unhex(hex[i], rsa_buf[i], sizeof rsa_buf[i]);

		CHECK(n > 0);
		len[i] = n > 0 ? (size_t)n : 0;
	}
	pub->n = rsa_buf[0];
	pub->nlen = len[0];
	pub->e = rsa_buf[1];
	pub->elen = len[1];
	sk->n_bitlen = 2048;
	sk->p = rsa_buf[2];
	sk->plen = len[2];
	sk->q = rsa_buf[3];
	sk->qlen = len[3];
	sk->dp = rsa_buf[4];
	sk->dplen = len[4];
	sk->dq = rsa_buf[5];
	sk->dqlen = len[5];
	sk->iq = rsa_buf[6];
	sk->iqlen = len[6];
	/* The CRT factors are the secret; n and e are public. */
	for (i = 2; i < 7; i ++) {
		SECRET(rsa_buf[i], len[i]);
	}
	/* ... except the bit lengths of p and q: BearSSL treats them as
	 * public (rsa_i31_priv.c: "These lengths are not considered
	 * secret"; every buffer size and loop count derives from them, and
	 * n_bitlen gives them away anyway). Make the leading bits of the top
	 * byte, down to its highest set bit, defined; the rest stays secret. */
	for (i = 2; i < 4; i ++) {
		public_bitlen(rsa_buf[i], len[i]);
	}
}

static void
test_sign_rsa(void)
{
	static const uint16_t schemes[] = {
		WT_SIG_RSA_PSS_RSAE_SHA256, WT_SIG_RSA_PSS_RSAE_SHA384,
		WT_SIG_RSA_PSS_RSAE_SHA512
	};
	uint8_t msg[160], salt[64], sig[512];
	size_t i, mlen, slen;
	wt_private_key key;
	br_x509_pkey pk;
	int r;

	memset(&key, 0, sizeof key);
	memset(&pk, 0, sizeof pk);
	key.type = BR_KEYTYPE_RSA;
	pk.key_type = BR_KEYTYPE_RSA;
	rsa_key(&key.rsa, &pk.key.rsa);
	cv_content(msg, &mlen);
	for (i = 0; i < 3; i ++) {
		fill(salt, sizeof salt, 140 + (uint32_t)i);
		SECRET(salt, sizeof salt);
		r = wt_sig_sign(schemes[i], &key, msg, mlen, salt, sig,
			sizeof sig, &slen);
		PUBLIC_VAL(r);
		PUBLIC_VAL(slen);
		CHECK(r == 0 && slen == 256);
		if (r != 0) {
			continue;
		}
		PUBLIC(sig, slen);
		CHECK(wt_sig_verify(schemes[i], &pk, msg, mlen, sig, slen) == 0);
	}
}

static void
test_rsa_i31(void)
{
	br_rsa_private_key sk;
	br_rsa_public_key pub;
	uint8_t x[256], y[256];
	uint32_t ok;

	rsa_key(&sk, &pub);
	fill(x, sizeof x, 150);
	x[0] = 0;                   /* below n */
	memcpy(y, x, sizeof y);
	ok = br_rsa_i31_private(y, &sk);
	PUBLIC_VAL(ok);
	CHECK(ok == 1);
	PUBLIC(y, sizeof y);        /* a signature is public */
	ok = br_rsa_i31_public(y, sizeof y, &pub);
	CHECK(ok == 1 && memcmp(x, y, sizeof x) == 0);
}

/* ------------------------------------------------------------------ */
/* ML-KEM (src/mlkem.c over src/sha3.c)                                 */
/* ------------------------------------------------------------------ */

/* Decapsulates ct (public) from the secret seed and from the secret dk;
 * the two results, released as public, for the caller to compare. */
static void
decaps_both(unsigned k, const uint8_t *seed, const uint8_t *dk, const uint8_t *ct,
	size_t ct_len, uint8_t ss_seed[32], uint8_t ss_dk[32])
{
	int r = wt_mlkem_decaps_seed(k, seed, ct, ct_len, ss_seed);

	PUBLIC_VAL(r);
	CHECK(r == 0);
	r = wt_mlkem_decaps(k, dk, ct, ct_len, ss_dk);
	PUBLIC_VAL(r);
	CHECK(r == 0);
	PUBLIC(ss_seed, 32);
	PUBLIC(ss_dk, 32);
}

static void
mlkem_k(unsigned k, uint32_t seed_no)
{
	static uint8_t ek[WT_MLKEM_MAX_EK_LEN], dk[WT_MLKEM_MAX_DK_LEN];
	static uint8_t ct[WT_MLKEM_MAX_CT_LEN];
	uint8_t seed[64], m[32], ss[32], ss2[32], ss3[32];
	size_t ek_len = wt_mlkem_ek_len(k), ct_len = wt_mlkem_ct_len(k);
	int r;

	fill(seed, sizeof seed, seed_no);
	fill(m, sizeof m, seed_no + 1);

	/* The seed d || z is the private key. ek (with rho) is public. */
	SECRET(seed, sizeof seed);
	r = wt_mlkem_keygen(k, seed, ek, dk);
	PUBLIC_VAL(r);
	CHECK(r == 0);
	PUBLIC(ek, ek_len);
	/* dk = s || ek || H(ek) || z: ek and its hash are public, s and z
	 * stay secret (keygen derived them from the seed). */
	PUBLIC(dk + 384 * k, ek_len + 32);

	/* Encaps with a secret m: the ciphertext is public, ss secret. */
	SECRET(m, sizeof m);
	r = wt_mlkem_encaps(k, ek, ek_len, m, ct, ss);
	PUBLIC_VAL(r);
	CHECK(r == 0);
	PUBLIC(ct, ct_len);

	decaps_both(k, seed, dk, ct, ct_len, ss2, ss3);
	PUBLIC(ss, sizeof ss);
	CHECK(memcmp(ss, ss2, 32) == 0 && memcmp(ss, ss3, 32) == 0);

	/* A tampered ciphertext: implicit rejection, same code path and
	 * time; the result differs from the real secret. */
	ct[ct_len / 2] ^= 0x04;
	decaps_both(k, seed, dk, ct, ct_len, ss2, ss3);
	CHECK(memcmp(ss, ss2, 32) != 0 && memcmp(ss2, ss3, 32) == 0);
}

static void
test_mlkem(void)
{
	mlkem_k(3, 160);
	mlkem_k(4, 170);
}

/* ------------------------------------------------------------------ */
/* Negative control (only when asked: "test_ct canary")                 */
/* ------------------------------------------------------------------ */

static volatile int canary_sink;

static __attribute__((noinline)) void
canary_hit(int v)
{
	canary_sink = v;
}

/* A branch and a table index on a secret: tests/ct.test.mjs checks that
 * memcheck reports both, i.e. that the marking works at all. */
static void
test_canary(void)
{
	static const uint8_t table[256] = { 1, 2, 3 };
	uint8_t s[2];

	fill(s, sizeof s, 200);
	SECRET(s, sizeof s);
	if (s[0] & 1) {             /* branch on a secret bit */
		canary_hit(1);
	}
	canary_hit(table[s[1]]);    /* load from a secret address */
}

/* ------------------------------------------------------------------ */

static const struct {
	const char *name;
	void (*run)(void);
	int by_default;
} sections[] = {
	{ "aead", test_aead, 1 },
	{ "aead-ct", test_aead_ct, 1 },
	{ "record", test_record, 1 },
	{ "keysched", test_keysched, 1 },
	{ "kex", test_kex, 1 },
	{ "sign-ec", test_sign_ec, 1 },
	{ "sign-rsa", test_sign_rsa, 1 },
	{ "rsa-i31", test_rsa_i31, 1 },
	{ "mlkem", test_mlkem, 1 },
	{ "canary", test_canary, 0 },
};

int
main(int argc, char **argv)
{
	size_t i;
	int a, found;

	for (i = 0; i < sizeof sections / sizeof sections[0]; i ++) {
		if (argc > 1) {
			for (a = 1, found = 0; a < argc; a ++) {
				found |= strcmp(argv[a], sections[i].name) == 0;
			}
			if (!found) {
				continue;
			}
		} else if (!sections[i].by_default) {
			continue;
		}
		section(sections[i].name);
		sections[i].run();
	}
	for (a = 1; a < argc; a ++) {
		for (i = 0, found = 0; i < sizeof sections / sizeof sections[0]; i ++) {
			found |= strcmp(argv[a], sections[i].name) == 0;
		}
		if (!found) {
			fprintf(stderr, "unknown section %s\n", argv[a]);
			unit_failures ++;
		}
	}
	/* Under valgrind --error-exitcode the exit status is valgrind's
	 * verdict, so say on stderr whether the functional checks passed. */
	fprintf(stderr, unit_failures ? "ct: FAILED\n" : "ct: ok\n");
	return unit_done();
}
