/*
 * TLS 1.3 key schedule (RFC 8446 7.1) on BearSSL's HMAC. BearSSL's HKDF
 * API cannot expand an existing secret, so HKDF-Expand is written here
 * from RFC 5869 2.3.
 */
#include "wt_internal.h"

void wt_hkdf_extract(const wt_suite *s, const uint8_t *salt, size_t salt_len,
	const uint8_t *ikm, size_t ikm_len, uint8_t *out)
{
	static const uint8_t zeros[WT_MAX_HASH];
	br_hmac_key_context kc;
	br_hmac_context hc;

	/* RFC 5869 2.2: a missing salt is hash_len zeros; so is a missing IKM
	 * in RFC 8446 7.1. */
	if (salt == NULL) {
		salt = zeros;
		salt_len = s->hash_len;
	}
	if (ikm == NULL) {
		ikm = zeros;
		ikm_len = s->hash_len;
	}
#ifdef WT_FUZZING_UNSAFE
	/* fuzzing (src/crypto.c): no HMAC; the IKM, tweaked by the salt */
	memset(out, 0, s->hash_len);
	memcpy(out, ikm, ikm_len < s->hash_len ? ikm_len : s->hash_len);
	out[0] ^= salt_len ? salt[0] : 0;
	return;
#endif
	br_hmac_key_init(&kc, s->hash, salt, salt_len);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, ikm, ikm_len);
	br_hmac_out(&hc, out);
	wt_wipe(&kc, sizeof kc);
	wt_wipe(&hc, sizeof hc);
}

int wt_hkdf_expand(const wt_suite *s, const uint8_t *prk,
	const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len)
{
	br_hmac_key_context kc;
	br_hmac_context hc;
	uint8_t t[WT_MAX_HASH];
	size_t tlen = 0, done = 0;
	uint8_t counter = 1;

	/* RFC 5869 2.3: L <= 255 * HashLen (the block counter is one byte). */
	if (out_len > 255 * s->hash_len) {
		return WT_ERR_BAD_CONFIG;
	}
#ifdef WT_FUZZING_UNSAFE
	/* fuzzing (src/crypto.c): no HMAC; the PRK repeated, tweaked by info */
	for (done = 0; done < out_len; done += s->hash_len) {
		memcpy(out + done, prk, out_len - done < s->hash_len
			? out_len - done : s->hash_len);
	}
	if (out_len && info_len) {
		out[0] ^= info[info_len - 1];
	}
	return 0;
#endif

	br_hmac_key_init(&kc, s->hash, prk, s->hash_len);
	while (done < out_len) {
		size_t n;

		/* T(i) = HMAC(PRK, T(i-1) | info | i) */
		br_hmac_init(&hc, &kc, 0);
		br_hmac_update(&hc, t, tlen);
		br_hmac_update(&hc, info, info_len);
		br_hmac_update(&hc, &counter, 1);
		br_hmac_out(&hc, t);
		tlen = s->hash_len;
		n = out_len - done < tlen ? out_len - done : tlen;
		memcpy(out + done, t, n);
		done += n;
		counter++;
	}
	wt_wipe(t, sizeof t);
	wt_wipe(&kc, sizeof kc);
	wt_wipe(&hc, sizeof hc);
	return 0;
}

void wt_hkdf_expand_label(const wt_suite *s, const uint8_t *secret,
	const char *label, const uint8_t *context, size_t context_len,
	uint8_t *out, size_t out_len)
{
	/* struct { uint16 length; opaque label<7..255> = "tls13 " + Label;
	 *          opaque context<0..255>; } HkdfLabel;   (RFC 8446 7.1) */
	uint8_t info[2 + 1 + 255 + 1 + 255];
	wt_writer w;
	size_t mark;

	wt_wr_init(&w, info, sizeof info);
	wt_wr_u16(&w, (uint16_t)out_len);
	mark = wt_wr_open(&w, 1);
	wt_wr_bytes(&w, "tls13 ", 6);
	wt_wr_bytes(&w, label, strlen(label));
	wt_wr_close(&w, mark, 1);
	mark = wt_wr_open(&w, 1);
	wt_wr_bytes(&w, context, context_len);
	wt_wr_close(&w, mark, 1);
	/* Labels are ours and contexts are hashes or short exporter contexts
	 * (checked by wt_ks_export), so this cannot overflow. */
	wt_hkdf_expand(s, secret, info, w.len, out, out_len);
}

/* Derive-Secret(Secret, Label, Messages) with the transcript hash given. */
static void derive_secret(const wt_suite *s, const uint8_t *secret,
	const char *label, const uint8_t *th, uint8_t *out)
{
	wt_hkdf_expand_label(s, secret, label, th, s->hash_len, out, s->hash_len);
}

/* Hash of the empty string, the context for "derived" (RFC 8446 7.1). */
static void empty_hash(const wt_suite *s, uint8_t *out)
{
	br_hash_compat_context h;

	s->hash->init(&h.vtable);
	s->hash->out(&h.vtable, out);
}

/* secret = HKDF-Extract(Derive-Secret(secret, "derived", ""), ikm) */
static void next_stage(wt_keysched *ks, const uint8_t *ikm, size_t ikm_len)
{
	const wt_suite *s = ks->suite;
	uint8_t eh[WT_MAX_HASH], derived[WT_MAX_HASH];

	empty_hash(s, eh);
	derive_secret(s, ks->secret, "derived", eh, derived);
	wt_hkdf_extract(s, derived, s->hash_len, ikm, ikm_len, ks->secret);
	wt_wipe(derived, sizeof derived);
}

int wt_ks_early(wt_keysched *ks, const wt_suite *s, const uint8_t *psk,
	size_t psk_len)
{
	wt_ks_wipe(ks);
	ks->suite = s;
	wt_hkdf_extract(s, NULL, 0, psk, psk_len, ks->secret);
	ks->stage = WT_KS_EARLY;
	return 0;
}

int wt_ks_handshake(wt_keysched *ks, const uint8_t *ecdhe, size_t ecdhe_len,
	const uint8_t *th)
{
	const wt_suite *s = ks->suite;

	if (ks->stage != WT_KS_EARLY) {
		return WT_ERR_BAD_STATE;
	}
	next_stage(ks, ecdhe, ecdhe_len);
	derive_secret(s, ks->secret, "c hs traffic", th, ks->client_hs);
	derive_secret(s, ks->secret, "s hs traffic", th, ks->server_hs);
	ks->stage = WT_KS_HANDSHAKE;
	return 0;
}

int wt_ks_master(wt_keysched *ks, const uint8_t *th)
{
	const wt_suite *s = ks->suite;

	if (ks->stage != WT_KS_HANDSHAKE) {
		return WT_ERR_BAD_STATE;
	}
	next_stage(ks, NULL, 0);
	derive_secret(s, ks->secret, "c ap traffic", th, ks->client_ap);
	derive_secret(s, ks->secret, "s ap traffic", th, ks->server_ap);
	derive_secret(s, ks->secret, "exp master", th, ks->exporter);
	ks->stage = WT_KS_MASTER;
	return 0;
}

int wt_ks_resumption(wt_keysched *ks, const uint8_t *th)
{
	if (ks->stage != WT_KS_MASTER) {
		return WT_ERR_BAD_STATE;
	}
	derive_secret(ks->suite, ks->secret, "res master", th, ks->resumption);
	/* The master secret has nothing left to derive: drop it now rather
	 * than keep it for the life of the connection. */
	wt_wipe(ks->secret, sizeof ks->secret);
	ks->stage = WT_KS_DONE;
	return 0;
}

void wt_ks_finished(const wt_suite *s, const uint8_t *base_key,
	const uint8_t *th, uint8_t *out)
{
	uint8_t finished_key[WT_MAX_HASH];
	br_hmac_key_context kc;
	br_hmac_context hc;

	/* RFC 8446 4.4.4: finished_key = HKDF-Expand-Label(BaseKey,
	 * "finished", "", Hash.length); verify_data = HMAC(finished_key, th) */
	wt_hkdf_expand_label(s, base_key, "finished", NULL, 0, finished_key,
		s->hash_len);
#ifdef WT_FUZZING_UNSAFE
	/* fuzzing (src/crypto.c): no HMAC; the hash, tweaked by the key */
	memcpy(out, th, s->hash_len);
	out[0] ^= finished_key[0];
	return;
#endif
	br_hmac_key_init(&kc, s->hash, finished_key, s->hash_len);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, th, s->hash_len);
	br_hmac_out(&hc, out);
	wt_wipe(finished_key, sizeof finished_key);
	wt_wipe(&kc, sizeof kc);
	wt_wipe(&hc, sizeof hc);
}

void wt_ks_traffic_keys(const wt_suite *s, const uint8_t *secret,
	uint8_t *key, uint8_t iv[12])
{
	wt_hkdf_expand_label(s, secret, "key", NULL, 0, key, s->key_len);
	wt_hkdf_expand_label(s, secret, "iv", NULL, 0, iv, 12);
}

void wt_ks_next_secret(const wt_suite *s, uint8_t *secret)
{
	uint8_t next[WT_MAX_HASH];

	wt_hkdf_expand_label(s, secret, "traffic upd", NULL, 0, next, s->hash_len);
	memcpy(secret, next, s->hash_len);
	wt_wipe(next, sizeof next);
}

int wt_ks_export(const wt_suite *s, const uint8_t *exporter_secret,
	const char *label, const uint8_t *context, size_t context_len,
	uint8_t *out, size_t out_len)
{
	uint8_t eh[WT_MAX_HASH], secret[WT_MAX_HASH], ch[WT_MAX_HASH];
	br_hash_compat_context h;

	/* The label goes into an opaque<7..255> with the "tls13 " prefix and
	 * out_len into a uint16 (RFC 8446 7.1). */
	if (label == NULL || strlen(label) > 249 || out_len > 0xffff
		|| out_len > 255 * s->hash_len)
	{
		return WT_ERR_BAD_CONFIG;
	}
	/* RFC 8446 7.5: TLS-Exporter(label, context, len) =
	 *   HKDF-Expand-Label(Derive-Secret(exporter_secret, label, ""),
	 *                     "exporter", Hash(context), len) */
	empty_hash(s, eh);
	derive_secret(s, exporter_secret, label, eh, secret);
	s->hash->init(&h.vtable);
	s->hash->update(&h.vtable, context, context ? context_len : 0);
	s->hash->out(&h.vtable, ch);
	wt_hkdf_expand_label(s, secret, "exporter", ch, s->hash_len, out, out_len);
	wt_wipe(secret, sizeof secret);
	return 0;
}

int wt_ks_binder_key(const wt_keysched *ks, const char *label, uint8_t *out)
{
	uint8_t eh[WT_MAX_HASH];

	if (ks->stage != WT_KS_EARLY) {
		return WT_ERR_BAD_STATE;
	}
	/* RFC 8446 7.1: Derive-Secret(early secret, label, ""). */
	empty_hash(ks->suite, eh);
	derive_secret(ks->suite, ks->secret, label, eh, out);
	return 0;
}

int wt_ks_early_traffic(const wt_keysched *ks, const uint8_t *th,
	uint8_t *client_early, uint8_t *early_exporter)
{
	if (ks->stage != WT_KS_EARLY) {
		return WT_ERR_BAD_STATE;
	}
	derive_secret(ks->suite, ks->secret, "c e traffic", th, client_early);
	derive_secret(ks->suite, ks->secret, "e exp master", th, early_exporter);
	return 0;
}

void wt_ks_ticket_psk(const wt_suite *s, const uint8_t *res_master,
	const uint8_t *nonce, size_t nonce_len, uint8_t *out)
{
	/* RFC 8446 4.6.1 */
	wt_hkdf_expand_label(s, res_master, "resumption", nonce, nonce_len,
		out, s->hash_len);
}

void wt_ks_wipe(wt_keysched *ks)
{
	wt_wipe(ks, sizeof *ks);
}

void wt_transcript_init(wt_transcript *t, const wt_suite *s)
{
	t->suite = s;
	s->hash->init(&t->h.vtable);
}

void wt_transcript_add(wt_transcript *t, const uint8_t *msg, size_t len)
{
	t->suite->hash->update(&t->h.vtable, msg, len);
}

void wt_transcript_hash(const wt_transcript *t, uint8_t *out)
{
	/* BearSSL's out() does not modify the running state. */
	t->suite->hash->out(&t->h.vtable, out);
}

/* ------------------------------------------------------------------ */
/* TLS 1.2 (RFC 5246 5, 6.3, 7.4.9; RFC 7627; RFC 5705)                 */
/* ------------------------------------------------------------------ */

void wt_prf12(const wt_suite *s, uint8_t *out, size_t len,
	const uint8_t *secret, size_t secret_len, const char *label,
	const uint8_t *seed1, size_t len1, const uint8_t *seed2, size_t len2)
{
	br_tls_prf_seed_chunk seed[2];

	seed[0].data = seed1;
	seed[0].len = len1;
	seed[1].data = seed2;
	seed[1].len = len2;
	/* the suite's PRF hash: SHA-384 for the *_SHA384 suites (RFC 5289) */
	if (s->hash_len == 48) {
		br_tls12_sha384_prf(out, len, secret, secret_len, label, 2, seed);
	} else {
		br_tls12_sha256_prf(out, len, secret, secret_len, label, 2, seed);
	}
}

void wt_ks12_master(const wt_suite *s, const uint8_t *pms, size_t pms_len,
	int ems, const uint8_t *session_hash, const uint8_t client_random[32],
	const uint8_t server_random[32], uint8_t master[48])
{
	if (ems) {
		/* RFC 7627 4: bound to the whole handshake up to
		 * ClientKeyExchange */
		wt_prf12(s, master, 48, pms, pms_len, "extended master secret",
			session_hash, s->hash_len, NULL, 0);
	} else {
		wt_prf12(s, master, 48, pms, pms_len, "master secret",
			client_random, 32, server_random, 32);
	}
}

size_t wt_ks12_iv_len(const wt_suite *s)
{
	/* RFC 5288 3: a 4-byte implicit salt (the other 8 bytes of the
	 * nonce travel in each record); RFC 7905 2: a 12-byte IV XORed with
	 * the sequence number, as in TLS 1.3 */
	return s->chacha ? 12 : 4;
}

void wt_ks12_keys(const wt_suite *s, const uint8_t master[48],
	const uint8_t client_random[32], const uint8_t server_random[32],
	uint8_t client_key[32], uint8_t client_iv[12],
	uint8_t server_key[32], uint8_t server_iv[12])
{
	/* RFC 5246 6.3: no MAC keys with an AEAD; key_block =
	 * client_write_key || server_write_key || client_IV || server_IV */
	uint8_t block[2 * 32 + 2 * 12];
	size_t kl = s->key_len, il = wt_ks12_iv_len(s);

	wt_prf12(s, block, 2 * kl + 2 * il, master, 48, "key expansion",
		server_random, 32, client_random, 32);
	memset(client_iv, 0, 12);
	memset(server_iv, 0, 12);
	memcpy(client_key, block, kl);
	memcpy(server_key, block + kl, kl);
	memcpy(client_iv, block + 2 * kl, il);
	memcpy(server_iv, block + 2 * kl + il, il);
	wt_wipe(block, sizeof block);
}

void wt_ks12_finished(const wt_suite *s, const uint8_t master[48],
	int client, const uint8_t *th, uint8_t out[12])
{
	wt_prf12(s, out, 12, master, 48, client ? "client finished" : "server finished",
		th, s->hash_len, NULL, 0);
}
