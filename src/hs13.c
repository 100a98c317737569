/*
 * The TLS 1.3 client handshake (RFC 8446), ported from Go's
 * crypto/tls handshake_client_tls13.go (../shared/seed). Each handler keeps
 * Go's name and its checks, in Go's order, with Go's alert. Go's reads
 * block; ours resume: the engine calls wt_hs13_message() once per complete
 * handshake message and the state says which handler runs.
 */
#include "wt_internal.h"

enum {
	HS_WAIT_SH = 1,       /* ServerHello or HelloRetryRequest */
	HS_WAIT_SH_AFTER_HRR, /* ServerHello after our second ClientHello */
	HS_WAIT_EE,
	HS_WAIT_CERT_OR_CR,
	HS_WAIT_CERT,
	HS_WAIT_CV,
	HS_WAIT_FINISHED,
	HS_DONE
};

#define TRY(x) do { int err_ = (x); if (err_) return err_; } while (0)

static const uint8_t downgrade_tls12[8] = { 'D', 'O', 'W', 'N', 'G', 'R', 'D', 1 };
static const uint8_t downgrade_tls11[8] = { 'D', 'O', 'W', 'N', 'G', 'R', 'D', 0 };


void wt_hs13_keylog(wt_engine_ctx *cc, const char *label, const uint8_t *secret,
	size_t hash_len)
{
	static const char hex[] = "0123456789abcdef";
	char line[48 + 1 + 64 + 1 + 96 + 1];
	size_t n = strlen(label), i;

	if (cc->cfg->keylog == NULL) {
		return;
	}
	memcpy(line, label, n);
	line[n++] = ' ';
	for (i = 0; i < 32; i++) {
		line[n++] = hex[cc->client_random[i] >> 4];
		line[n++] = hex[cc->client_random[i] & 15];
	}
	line[n++] = ' ';
	for (i = 0; i < hash_len; i++) {
		line[n++] = hex[secret[i] >> 4];
		line[n++] = hex[secret[i] & 15];
	}
	line[n] = 0;
	cc->in_host_callback++;
	cc->cfg->keylog(cc->cfg->keylog_ctx, line);
	cc->in_host_callback--;
	wt_wipe(line, sizeof line);
}

static int send_dummy_change_cipher_spec(wt_engine_ctx *cc);
static int offered_suite(const wt_engine_ctx *cc, uint16_t id);

int wt_hs13_random(wt_engine_ctx *cc, uint8_t *out, size_t len)
{
	if (cc->host.random(cc->host.ctx, out, len) != 0) {
		return wt_fail(cc, WT_ERR_RANDOM, "host random source failed");
	}
	return 0;
}

/* RFC 8701 2: the GREASE value of byte b, 0x?A?A. */
static uint16_t grease_value(uint8_t b)
{
	return (uint16_t)(((b & 0xf0) | 0x0a) * 0x0101);
}

/* The connection's GREASE values and extension order (wt_config.grease,
 * permute_extensions), drawn after everything else so that a
 * deterministic host replays RFC 8448 unchanged. */
static int choose_hello_shape(wt_engine_ctx *cc)
{
	uint8_t rnd[5 + 2 * WT_HX_COUNT];
	size_t i;

	if (!cc->cfg->grease && !cc->cfg->permute_extensions) {
		return 0;
	}
	TRY(wt_hs13_random(cc, rnd, sizeof rnd));
	cc->hs->grease.suite = grease_value(rnd[0]);
	cc->hs->grease.group = grease_value(rnd[1]);
	cc->hs->grease.version = grease_value(rnd[2]);
	cc->hs->grease.ext1 = grease_value(rnd[3]);
	cc->hs->grease.ext2 = grease_value(rnd[4]);
	if (cc->hs->grease.ext2 == cc->hs->grease.ext1) {
		cc->hs->grease.ext2 ^= 0x1010;     /* two distinct extensions */
	}
	cc->hs->grease.key_share = 1;
	/* Fisher-Yates; the modulo bias of 16-bit draws over 15 slots is
	 * irrelevant here (the order is not a secret). */
	for (i = 0; i < WT_HX_COUNT; i++) {
		cc->hs->ext_order[i] = (uint8_t)i;
	}
	for (i = WT_HX_COUNT - 1; i > 0; i--) {
		size_t j = ((size_t)rnd[5 + 2 * i] << 8 | rnd[6 + 2 * i]) % (i + 1);
		uint8_t t = cc->hs->ext_order[i];

		cc->hs->ext_order[i] = cc->hs->ext_order[j];
		cc->hs->ext_order[j] = t;
	}
	wt_wipe(rnd, sizeof rnd);
	return 0;
}

/* The first key share made so far with an X25519 part, or NULL. */
static const wt_keyshare *x25519_share(const wt_engine_ctx *cc)
{
	size_t i;

	for (i = 0; i < cc->hs->share_count; i++) {
		if (wt_group_info_get(cc->hs->shares[i].group)->curve == BR_EC_curve25519) {
			return &cc->hs->shares[i];
		}
	}
	return NULL;
}

/* Adds a key share for group to the next ClientHello (RFC 8446 4.2.8). */
static int new_key_share(wt_engine_ctx *cc, uint16_t group)
{
	const wt_group_info *g = wt_group_info_get(group);
	uint8_t rnd[WT_MAX_KEX_RANDOM];
	int err;

	if (cc->hs->share_count == WT_MAX_KEY_SHARES || g == NULL) {
		return wt_fail(cc, WT_ALERT_INTERNAL_ERROR, g == NULL
			? "no key exchange for this group" : "too many key shares");
	}
	/* as many bytes as the group takes: an X25519 share still draws 48,
	 * so RFC 8448's traces replay (and a reused key, below, does not
	 * change what later draws get) */
	TRY(wt_hs13_random(cc, rnd, g->rnd_len));
	/* The X25519 key of an earlier share in this ClientHello serves this
	 * one too (by default: X25519MLKEM768's for the x25519 share), as Go
	 * does (handshake_client.go, 1.24+) and draft-ietf-tls-hybrid-design
	 * 3.2 allows: the server uses one of the two, and one scalar
	 * multiplication is saved. */
	err = wt_kex_keygen_twin(&cc->hs->shares[cc->hs->share_count], group,
		rnd, g->rnd_len, x25519_share(cc));
	wt_wipe(rnd, sizeof rnd);
	if (err) {
		return wt_fail(cc, WT_ALERT_INTERNAL_ERROR, "cannot generate key share");
	}
	cc->hs->share_count++;
	return 0;
}

/* Wipes every private key we hold: after the key exchange, when a
 * HelloRetryRequest makes us start over, and when the connection fails. */
void wt_hs13_wipe_key_shares(wt_engine_ctx *cc)
{
	size_t i;

	if (cc->hs == NULL) {
		return;   /* released: wiped with the whole area */
	}
	for (i = 0; i < WT_MAX_KEY_SHARES; i++) {
		wt_kex_wipe(&cc->hs->shares[i]);
	}
	cc->hs->share_count = 0;
}

/* Our key share for group in the latest ClientHello, or NULL. */
static const wt_keyshare *find_key_share(const wt_engine_ctx *cc, uint16_t group)
{
	size_t i;

	for (i = 0; i < cc->hs->share_count; i++) {
		if (cc->hs->shares[i].group == group) {
			return &cc->hs->shares[i];
		}
	}
	return NULL;
}

/* The first ClientHello's key shares (RFC 8446 4.2.8): the configured
 * groups, none at all, or by default the most preferred group (and one
 * more, below). */
static int first_key_shares(wt_engine_ctx *cc)
{
	const wt_config *cfg = cc->cfg;
	size_t i;

	if (cfg->no_key_shares) {
		return 0;
	}
	if (cfg->key_share_count == 0) {
		/* The first group; and when the list mixes post-quantum and
		 * classical groups, the first of the other kind too (as Chrome
		 * and BoringSSL do), so a server that has only one kind needs
		 * no HelloRetryRequest. */
		int pq = wt_group_info_get(cc->groups[0])->mlkem_k != 0;

		TRY(new_key_share(cc, cc->groups[0]));
		for (i = 1; i < cc->group_count; i++) {
			if ((wt_group_info_get(cc->groups[i])->mlkem_k != 0) != pq) {
				return new_key_share(cc, cc->groups[i]);
			}
		}
		return 0;
	}
	for (i = 0; i < cfg->key_share_count; i++) {
		TRY(new_key_share(cc, cfg->key_shares[i]));
	}
	return 0;
}

static size_t psk_hash_len(int hash)
{
	return hash == WT_PSK_SHA384 ? 48 : 32;
}

/* RFC 8446 4.2.11: an external PSK goes with a suite of its hash; the
 * first one we offer stands for that hash. NULL: we offer none. */
static const wt_suite *psk_hash_suite(const wt_engine_ctx *cc, int hash)
{
	const wt_suite *s;
	size_t i;

	for (i = 0; i < cc->suite_count; i++) {
		s = wt_suite_get(cc->suites[i]);
		if (s != NULL && s->tls12_auth == 0 && s->hash_len == psk_hash_len(hash)) {
			return s;
		}
	}
	return NULL;
}

/* The target KDF (RFC 9258 5.1) of a suite: its hash. */
static int target_kdf(const wt_suite *s)
{
	return s->hash_len == 48 ? WT_PSK_SHA384 : WT_PSK_SHA256;
}

/* The input the external PSK cfg->psks[i] gives the key schedule of a
 * suite s (out holds WT_MAX_PSK_KEY bytes): the key itself, or the PSK
 * imported for s's hash, ipskx = HKDF-Expand-Label(HKDF-Extract(0, key),
 * "derived psk", Hash(ImportedIdentity), hash length of s) with the
 * key's own hash (RFC 9258 5.1). */
static size_t external_psk_key(const wt_engine_ctx *cc, int i, const wt_suite *s,
	uint8_t *out)
{
	const wt_external_psk *p = &cc->cfg->psks[i];
	/* HKDF with the key's hash: any suite of that hash stands for it */
	const wt_suite *kdf = wt_suite_get(p->hash == WT_PSK_SHA384 ? 0x1302 : 0x1301);
	uint8_t epskx[WT_MAX_HASH], ident[WT_MAX_IMPORTED_IDENTITY], h[WT_MAX_HASH];
	wt_transcript t;
	size_t n;

	if (!p->imported) {
		memcpy(out, p->key, p->key_len);
		return p->key_len;
	}
	wt_hkdf_extract(kdf, NULL, 0, p->key, p->key_len, epskx);
	/* fits: wt_engine_init checked the sizes */
	n = wt_imported_identity(p, target_kdf(s), ident, sizeof ident);
	wt_transcript_init(&t, kdf);
	wt_transcript_add(&t, ident, n);
	wt_transcript_hash(&t, h);
	wt_hkdf_expand_label(kdf, epskx, "derived psk", h, kdf->hash_len, out, s->hash_len);
	wt_wipe(epskx, sizeof epskx);
	return s->hash_len;
}

/* The PSK of offer k and the label of its binder key (RFC 8446 7.1). */
static size_t offer_key(const wt_engine_ctx *cc, size_t k, uint8_t *key,
	const char **label)
{
	const struct wt_psk_offer *o = &cc->offers[k];

	if (o->ext < 0) {
		*label = WT_BINDER_RES;
		memcpy(key, cc->psk, o->suite->hash_len);
		return o->suite->hash_len;
	}
	*label = cc->cfg->psks[o->ext].imported ? WT_BINDER_IMP : WT_BINDER_EXT;
	return external_psk_key(cc, o->ext, o->suite, key);
}

/* Fills the PSK binders of the ClientHello in cc->hs->ch (RFC 8446 4.2.11.2):
 * each an HMAC, with its PSK's hash, over the transcript through the
 * truncated ClientHello; after a HelloRetryRequest that transcript starts
 * with message_hash and the HRR (and every PSK left has its hash). */
void wt_hs13_write_binders(wt_engine_ctx *cc, size_t binders_off)
{
	wt_keysched ks;
	wt_transcript t;
	uint8_t key[WT_MAX_PSK_KEY], binder_key[WT_MAX_HASH], th[WT_MAX_HASH];
	const char *label;
	size_t k, key_len, at = binders_off + 2;

	for (k = 0; k < cc->offer_count; k++) {
		const wt_suite *s = cc->offers[k].suite;

		if (cc->hrr_seen) {
			t = cc->hs->transcript;
		} else {
			wt_transcript_init(&t, s);
		}
		wt_transcript_add(&t, cc->hs->ch, binders_off);
		wt_transcript_hash(&t, th);
		key_len = offer_key(cc, k, key, &label);
		wt_ks_early(&ks, s, key, key_len);
		wt_ks_binder_key(&ks, label, binder_key);
		wt_ks_finished(s, binder_key, th, cc->hs->ch + at + 1);
		at += 1 + s->hash_len;
	}
	wt_ks_wipe(&ks);
	wt_wipe(key, sizeof key);
	wt_wipe(binder_key, sizeof binder_key);
}

/* The PSKs the next ClientHello offers (RFC 8446 4.2.11): the session's
 * ticket (it must come first: 0-RTT goes with the first PSK, 4.2.10),
 * then each external PSK we offer a suite for. After a HelloRetryRequest
 * only those with the hash of the suite it chose (4.1.4). */
static void list_psk_offers(wt_engine_ctx *cc)
{
	const wt_config *cfg = cc->cfg;
	const wt_suite *s;
	size_t i;

	cc->offer_count = 0;
	if (cc->psk_offered) {
		cc->offers[cc->offer_count].suite = cc->psk_suite;
		cc->offers[cc->offer_count++].ext = -1;
	}
	for (i = 0; i < cfg->psk_count; i++) {
		int hash;

		/* an imported key is offered for each target KDF, SHA-256 first */
		for (hash = WT_PSK_SHA256; hash <= WT_PSK_SHA384; hash++) {
			if (!cfg->psks[i].imported && hash != cfg->psks[i].hash) {
				continue;
			}
			s = psk_hash_suite(cc, hash);
			if (s == NULL || (cc->hrr_seen && s->hash_len != cc->suite->hash_len)) {
				continue;
			}
			cc->offers[cc->offer_count].suite = cc->hrr_seen ? cc->suite : s;
			cc->offers[cc->offer_count++].ext = (int)i;
		}
	}
}

/* Gives up the session load_session took: a full handshake instead. */
/* Forgets what the session's handshake proved (its verification, the
 * chain, OCSP response and SCTs load_session kept): this connection is not
 * resuming it. */
static void forget_session_proof(wt_engine_ctx *cc)
{
	cc->verified_in_session = 0;
	cc->cert_count = 0;
	cc->ocsp_len = cc->sct_len = 0;
}

static void drop_session(wt_engine_ctx *cc)
{
	cc->psk_offered = 0;
	if (cc->early_state == WT_EARLY_PENDING) {
		cc->early_reason = WT_EARLY_REASON_NO_SESSION_OFFERED;
	}
	cc->early_state = WT_EARLY_NOT_SENT;
	forget_session_proof(cc);
	wt_wipe(cc->psk, sizeof cc->psk);
}

/* What a HelloRetryRequest may add to our ClientHello: a cookie
 * extension and a key share for another group (RFC 8446 4.1.2). */
#define HRR_GROWTH ((4 + 2 + WT_MAX_COOKIE) + (4 + WT_MAX_SHARE))

/* Stops offering the stored session's ticket (TLS 1.3 PSK or TLS 1.2
 * session_ticket); 0 if none was offered. */
static int drop_stored_ticket(wt_engine_ctx *cc)
{
	if (cc->psk_offered) {
		drop_session(cc);
		return 1;
	}
	if (cc->t12.offer_ticket) {
		cc->t12.offer_ticket = 0;
		forget_session_proof(cc);
		wt_wipe(cc->psk, sizeof cc->psk);
		return 1;
	}
	return 0;
}

/* Encodes the ClientHello into cc->hs->ch and queues it. */
static int send_client_hello(wt_engine_ctx *cc)
{
	const wt_config *cfg = cc->cfg;
	wt_client_hello ch;
	wt_psk_identity ids[WT_MAX_PSK_OFFERS];
	size_t binders_off, k;
	int too_large;

retry:
	list_psk_offers(cc);
	memset(&ch, 0, sizeof ch);
	ch.random = cc->client_random;
	ch.session_id = cc->session_id;
	ch.session_id_len = cc->session_id_len;
	ch.suites = cc->suites;
	ch.suite_count = cc->suite_count;
	ch.groups = cc->groups;
	ch.group_count = cc->group_count;
	ch.shares = cc->hs->shares;
	ch.share_count = cc->hs->share_count;
	ch.sig_algs = cc->sig_algs;
	ch.sig_alg_count = cc->sig_alg_count;
	ch.server_name = cfg->server_name;
	ch.alpn = cfg->alpn;
	ch.alpn_count = cfg->alpn_count;
	if (cc->hs->cookie_len) {
		ch.cookie = cc->hs->cookie;
		ch.cookie_len = cc->hs->cookie_len;
	}
	ch.early_data = cc->early_state == WT_EARLY_PENDING;
	ch.grease = cfg->grease ? &cc->hs->grease : NULL;
	ch.ext_order = cfg->permute_extensions ? cc->hs->ext_order : NULL;
	ch.status_request = cfg->request_ocsp;
	ch.sct = cfg->request_sct;
	ch.tls13 = cc->offer_tls13;
	ch.tls12 = cc->offer_tls12;
	if (cc->t12.offer_ticket) {
		ch.ticket12 = cc->ticket;
		ch.ticket12_len = cc->ticket_len;
	}
	memset(ids, 0, sizeof ids);
	for (k = 0; k < cc->offer_count; k++) {
		const struct wt_psk_offer *o = &cc->offers[k];

		ids[k].binder_len = o->suite->hash_len;
		if (o->ext < 0) {
			/* RFC 8446 4.2.11.1: obfuscated_ticket_age = age in ms + age_add */
			int64_t age = cc->host.now_ms(cc->host.ctx) - cc->ticket_created_ms;

			ids[k].identity = cc->ticket;
			ids[k].identity_len = cc->ticket_len;
			ids[k].obfuscated_ticket_age = (uint32_t)(age < 0 ? 0 : age) + cc->ticket_age_add;
		} else if (cfg->psks[o->ext].imported) {
			ids[k].import = &cfg->psks[o->ext];
			ids[k].target_kdf = target_kdf(o->suite);
		} else {
			/* RFC 8446 4.2.11: 0 for identities not from a ticket */
			ids[k].identity = cfg->psks[o->ext].identity;
			ids[k].identity_len = cfg->psks[o->ext].identity_len;
		}
	}
	ch.psks = ids;
	ch.psk_count = cc->offer_count;
	too_large = wt_hello_write(&ch, cc->hs->ch, sizeof cc->hs->ch, &cc->hs->ch_len, &binders_off);
	/* A stored ticket (the server's can be up to WT_MAX_TICKET) that
	 * makes our ClientHello too large, or, when TLS 1.3 is offered,
	 * leaves no room for what a HelloRetryRequest may add (HRR_GROWTH:
	 * after it the offer cannot change any more, RFC 8446 4.1.2), is a
	 * stale cache entry, not an error: no resumption. */
	if ((too_large || (cc->offer_tls13 && cc->hs->ch_len > sizeof cc->hs->ch - HRR_GROWTH))
		&& !cc->hrr_seen && drop_stored_ticket(cc))
	{
		goto retry;
	}
	if (too_large) {
		return wt_fail(cc, WT_ALERT_INTERNAL_ERROR, "ClientHello too large");
	}
	wt_hs13_write_binders(cc, binders_off);
	return wt_rec_queue(cc, WT_CT_HANDSHAKE, cc->hs->ch, cc->hs->ch_len, WT_MAX_PLAINTEXT);
}

static int same_name(const uint8_t *a, size_t alen, const char *b)
{
	size_t i, blen = b ? strlen(b) : 0;

	if (alen != blen) {
		return 0;
	}
	for (i = 0; i < alen; i++) {
		int x = a[i], y = (unsigned char)b[i];

		if (x >= 'A' && x <= 'Z') x += 32;
		if (y >= 'A' && y <= 'Z') y += 32;
		if (x != y) {
			return 0;
		}
	}
	return 1;
}

/* What a verified session is bound to: the trust anchors (their digest,
 * wt_trust_anchors_digest), the certificate profile and the signature
 * schemes this connection accepts from the server (sig_algs): a session
 * from a handshake our current policy could not have accepted (say,
 * RSA-PSS now excluded, or a leaf without extendedKeyUsage accepted under
 * WT_CERT_PROFILE_PRIVATE) is not offered. Computed once per connection. */
static const uint8_t *trust_digest(wt_engine_ctx *cc)
{
	static const char label[] = "wasmtls session binding 2";
	br_sha256_context h;
	uint8_t anchors[32], be[2], profile = (uint8_t)cc->cfg->cert_profile;
	size_t i;

	if (!cc->trust_digest_done) {
		wt_trust_anchors_digest(cc->cfg->trust_anchors,
			cc->cfg->trust_anchor_count, anchors);
		br_sha256_init(&h);
		br_sha256_update(&h, label, sizeof label - 1);
		br_sha256_update(&h, anchors, sizeof anchors);
		br_sha256_update(&h, &profile, 1);
		for (i = 0; i < cc->sig_alg_count; i++) {
			be[0] = (uint8_t)(cc->sig_algs[i] >> 8);
			be[1] = (uint8_t)cc->sig_algs[i];
			br_sha256_update(&h, be, 2);
		}
		br_sha256_out(&h, cc->trust_digest);
		cc->trust_digest_done = 1;
	}
	return cc->trust_digest;
}

/* wt_external_psk: with external PSKs and nothing to check a certificate
 * (WT_VERIFY_NONE, no verify_cb), only a PSK authenticates the server. */
static int psk_required(const wt_engine_ctx *cc)
{
	return cc->cfg->psk_count && cc->cfg->verify_mode == WT_VERIFY_NONE
		&& cc->cfg->verify_cb == NULL;
}

/* What a session authenticated by the external PSK cfg->psks[i] is bound
 * to: HMAC-SHA256 keyed with the PSK over how it is used, so the session
 * is offered only while that same PSK is configured. */
static void psk_binding(const wt_engine_ctx *cc, int i, uint8_t out[32])
{
	static const char label[] = "wasmtls external psk binding 1";
	const wt_external_psk *p = &cc->cfg->psks[i];
	uint8_t ident[WT_MAX_IMPORTED_IDENTITY], flags[2];
	br_hmac_key_context kc;
	br_hmac_context hc;

	br_hmac_key_init(&kc, &br_sha256_vtable, p->key, p->key_len);
	br_hmac_init(&hc, &kc, 0);
	/* the key length too: HMAC pads its key with zeros, so K and K||00
	 * are the same key to it */
	flags[0] = (uint8_t)p->imported;
	flags[1] = (uint8_t)p->key_len;
	br_hmac_update(&hc, label, sizeof label - 1);
	br_hmac_update(&hc, flags, 2);
	br_hmac_update(&hc, ident, wt_imported_identity(p, p->hash, ident, sizeof ident));
	br_hmac_out(&hc, out);
	wt_wipe(&kc, sizeof kc);
	wt_wipe(&hc, sizeof hc);
}

/* The configured external PSK a session is bound to, or -1. */
static int session_psk(const wt_engine_ctx *cc, const wt_session *s)
{
	uint8_t b[32];
	size_t i;
	int found = -1;

	for (i = 0; i < cc->cfg->psk_count && found < 0; i++) {
		psk_binding(cc, (int)i, b);
		if (wt_ct_equal(b, s->trust_digest, 32)) {
			found = (int)i;
		}
	}
	wt_wipe(b, sizeof b);
	return found;
}

/* Go: loadSession (handshake_client.go). A session is a credential bound
 * to how its full handshake was verified: it is offered only if this
 * connection would have accepted that handshake. Same server name, or
 * same IP literal (RFC 8446 4.6.1: resumption is for the same server
 * identity); a connection that verifies resumes only a session whose
 * chain was verified, to the same trust anchors under the same
 * certificate profile (trust_digest), with a leaf still within
 * its validity period now (Go re-checks NotAfter). A session is also never
 * used past its lifetime or 7 days, nor if its clock reading is nonsense
 * (negative, in the future), nor for a suite we don't offer. Anything
 * else means a full handshake, silently: a stale cache entry is not an
 * error. */
static int session_acceptable(wt_engine_ctx *cc, const wt_session *s, int64_t now_ms,
	int *ext_psk)
{
	const wt_config *cfg = cc->cfg;
	const char *ip = cfg->server_name ? NULL : cfg->verify_ip;
	size_t ip_len = ip ? strlen(ip) : 0;
	int64_t not_before, not_after, now = now_ms / 1000;

	if (!offered_suite(cc, s->suite->id)
		|| s->created_ms < 0 || s->created_ms > now_ms
		|| s->lifetime > WT_MAX_TICKET_LIFETIME
		|| now_ms - s->created_ms > (int64_t)s->lifetime * 1000)
	{
		return 0;
	}
	if (!same_name(s->server_name, s->server_name_len, cfg->server_name)
		|| s->verify_ip_len != ip_len
		|| (ip_len && memcmp(s->verify_ip, ip, ip_len) != 0))
	{
		return 0;
	}
	if (s->verified == WT_SESSION_EXTERNAL_PSK) {
		/* authenticated by an external PSK: offered only with it */
		*ext_psk = session_psk(cc, s);
		return *ext_psk >= 0;
	}
	if (psk_required(cc)) {
		/* only a PSK may authenticate this server: not a session that
		 * nothing authenticated */
		return 0;
	}
	if (cfg->verify_mode == WT_VERIFY_NONE) {
		return 1;
	}
	if (s->verify_mode != WT_VERIFY_FULL || !s->verified || s->cert_count == 0
		|| memcmp(s->trust_digest, trust_digest(cc), 32) != 0
		|| wt_x509_validity(s->certs[0].der, s->certs[0].len, &not_before, &not_after)
		|| now < not_before || now > not_after)
	{
		return 0;
	}
	return 1;
}

/* wt_internal.h */
size_t wt_hs13_keep_in_chain(wt_engine_ctx *cc, size_t *used, const uint8_t *p, size_t len)
{
	size_t off = *used;

	if (len > cc->chain_cap - cc->ca_names_len - off) {
		return (size_t)-1;
	}
	if (len) {
		memcpy(cc->chain + off, p, len);   /* p may be NULL when len is 0 */
	}
	*used += len;
	return off;
}

/* Copies certificates, OCSP response and SCT list into cc->chain (the
 * reassembly buffer or a session blob is where they come from). 0, or -1
 * if the three together exceed WT_MAX_PEER_CHAIN bytes. */
int wt_hs13_keep_peer_credentials(wt_engine_ctx *cc, const wt_peer_cert *certs,
	size_t n, const uint8_t *ocsp, size_t ocsp_len, const uint8_t *sct, size_t sct_len)
{
	size_t used = 0, i, off, ocsp_off, sct_off;

	cc->cert_count = cc->ocsp_len = cc->sct_len = 0;
	cc->ocsp_off = cc->sct_off = cc->chain_used = 0;
	for (i = 0; i < n; i++) {
		if ((off = wt_hs13_keep_in_chain(cc, &used, certs[i].der, certs[i].len)) == (size_t)-1) {
			break;
		}
		cc->certs[i].der = cc->chain + off;
		cc->certs[i].len = certs[i].len;
	}
	ocsp_off = i < n ? (size_t)-1 : wt_hs13_keep_in_chain(cc, &used, ocsp, ocsp_len);
	sct_off = ocsp_off == (size_t)-1 ? (size_t)-1 : wt_hs13_keep_in_chain(cc, &used, sct, sct_len);
	if (ocsp_off == (size_t)-1 || sct_off == (size_t)-1) {
		if (cc->ca_names_len == 0) {
			return -1;
		}
		/* The server's chain needs the room its CA list took: the
		 * list goes (wt_cert_request.ca_names documents it). */
		cc->ca_names_len = 0;
		return wt_hs13_keep_peer_credentials(cc, certs, n, ocsp, ocsp_len, sct, sct_len);
	}
	cc->chain_used = used;
	cc->cert_count = n;
	cc->ocsp_off = ocsp_off;
	cc->ocsp_len = ocsp_len;
	cc->sct_off = sct_off;
	cc->sct_len = sct_len;
	return 0;
}

/* At the end of the handshake: past the leaf, the chain stays only when
 * the host asked (wt_config.keep_peer_chain), so that what
 * wt_engine_info reports and session blobs carry does not depend on
 * when the host releases the handshake area. */
void wt_hs13_trim_peer_chain(wt_engine_ctx *cc)
{
	if (!cc->cfg->keep_peer_chain && cc->cert_count > 1) {
		cc->cert_count = 1;
	}
}

/* Why this connection will not offer 0-RTT with session s (NULL: none),
 * or WT_EARLY_REASON_UNKNOWN if it will (BoringSSL's order). */
static int early_data_refusal(const wt_engine_ctx *cc, const wt_session *s)
{
	const wt_config *cfg = cc->cfg;

	if (!cfg->early_data) {
		return WT_EARLY_REASON_DISABLED;
	}
	if (s == NULL) {
		return WT_EARLY_REASON_NO_SESSION_OFFERED;
	}
	if (s->max_early_data == 0) {
		return WT_EARLY_REASON_UNSUPPORTED_FOR_SESSION;
	}
	/* 0-RTT only with the ALPN the ticket was issued under (RFC 8446
	 * 4.2.10: the server checks it; we don't offer what it must refuse). */
	if (cfg->alpn_count ? s->alpn_len != strlen(cfg->alpn[0])
		|| memcmp(s->alpn, cfg->alpn[0], s->alpn_len) != 0 : s->alpn_len != 0)
	{
		return WT_EARLY_REASON_ALPN_MISMATCH;
	}
	return WT_EARLY_REASON_UNKNOWN;
}

/* Bytes of a session's certificates, OCSP response and SCT list. */
static size_t session_credentials_len(const wt_session *s)
{
	size_t n = s->ocsp_len + s->sct_list_len, i;

	for (i = 0; i < s->cert_count; i++) {
		n += s->certs[i].len;
	}
	return n;
}

/* Takes the configured session if session_acceptable(). */
static void load_session(wt_engine_ctx *cc)
{
	const wt_config *cfg = cc->cfg;
	wt_session s;
	int ext_psk = -1;

	cc->early_reason = early_data_refusal(cc, NULL);
	if (cfg->session == NULL || wt_session_parse(&s, cfg->session, cfg->session_len)
		|| !session_acceptable(cc, &s, cc->host.now_ms(cc->host.ctx), &ext_psk)
		/* room for the session's credentials (growing the area is
		 * safe here: only pointers into cfg->session are held) */
		|| (wt_hs_reserve(cc, 0, session_credentials_len(&s)) && cc->err)
		|| wt_hs13_keep_peer_credentials(cc, s.certs, s.cert_count, s.ocsp, s.ocsp_len,
			s.sct_list, s.sct_list_len))
	{
		return;
	}
	cc->session_verify_mode = s.verify_mode;
	cc->verified_in_session = s.verified == 1;
	if (s.suite->tls12_auth != 0) {
		/* a TLS 1.2 session: its ticket goes in session_ticket (RFC
		 * 5077), and its master secret waits in cc->psk */
		memcpy(cc->session_trust_digest, s.trust_digest, 32);
		cc->psk_suite = s.suite;
		memcpy(cc->psk, s.psk, 48);
		cc->ticket = s.ticket;
		cc->ticket_len = s.ticket_len;
		memcpy(cc->session_alpn, s.alpn, s.alpn_len);
		cc->session_alpn[s.alpn_len] = 0;
		cc->t12.offer_ticket = 1;
		return;
	}
	cc->session_ext_psk = ext_psk;
	memcpy(cc->session_trust_digest, s.trust_digest, 32);
	cc->psk_suite = s.suite;
	memcpy(cc->psk, s.psk, s.suite->hash_len);
	cc->ticket = s.ticket;
	cc->ticket_len = s.ticket_len;
	cc->ticket_age_add = s.age_add;
	cc->ticket_created_ms = s.created_ms;
	cc->ticket_max_early = s.max_early_data;
	memcpy(cc->session_alpn, s.alpn, s.alpn_len);
	cc->session_alpn[s.alpn_len] = 0;
	cc->psk_offered = 1;
	cc->early_reason = early_data_refusal(cc, &s);
	if (cc->early_reason == WT_EARLY_REASON_UNKNOWN) {
		cc->early_state = WT_EARLY_PENDING;
	}
}

/* After the first ClientHello of a 0-RTT attempt: early traffic keys from
 * the PSK and Hash(ClientHello) (RFC 8446 7.1). */
int wt_hs13_start_early_data(wt_engine_ctx *cc)
{
	const wt_suite *s = cc->psk_suite;
	wt_keysched ks;
	wt_transcript t;
	uint8_t th[WT_MAX_HASH], client_early[WT_MAX_HASH];

	wt_transcript_init(&t, s);
	wt_transcript_add(&t, cc->hs->ch, cc->hs->ch_len);
	wt_transcript_hash(&t, th);
	wt_ks_early(&ks, s, cc->psk, s->hash_len);
	wt_ks_early_traffic(&ks, th, client_early, cc->early_exporter);
	wt_ks_wipe(&ks);
	wt_rec_set_write_secret(cc, s, client_early);
	wt_hs13_keylog(cc, "CLIENT_EARLY_TRAFFIC_SECRET", client_early, s->hash_len);
	wt_hs13_keylog(cc, "EARLY_EXPORTER_SECRET", cc->early_exporter, s->hash_len);
	wt_wipe(client_early, sizeof client_early);
	return 0;
}

int wt_hs13_start(wt_engine_ctx *cc)
{
	/* Random bytes are drawn in a fixed order (client random, key
	 * shares, session id) so a deterministic host can replay RFC 8448. */
	cc->ext_psk = cc->session_ext_psk = -1;
	TRY(wt_hs13_random(cc, cc->client_random, 32));
	if (cc->offer_tls13) {
		TRY(first_key_shares(cc));
	}
	if (!cc->cfg->no_middlebox_compat) {
		/* RFC 8446 D.4: a non-empty legacy_session_id. */
		cc->session_id_len = 32;
		TRY(wt_hs13_random(cc, cc->session_id, 32));
	}
	load_session(cc);
	if (cc->t12.offer_ticket && cc->session_id_len == 0) {
		/* RFC 5077 3.4: a session ID with the ticket tells us when the
		 * server resumes (it echoes it) */
		cc->session_id_len = 32;
		TRY(wt_hs13_random(cc, cc->session_id, 32));
	}
	TRY(choose_hello_shape(cc));
	cc->hs_state = HS_WAIT_SH;
	TRY(send_client_hello(cc));
	if (cc->early_state == WT_EARLY_PENDING) {
		/* RFC 8446 D.4: with early data the dummy CCS goes right after
		 * the first ClientHello. */
		TRY(send_dummy_change_cipher_spec(cc));
		return wt_hs13_start_early_data(cc);
	}
	return 0;
}

/* Go: sendDummyChangeCipherSpec (RFC 8446 D.4). */
static int send_dummy_change_cipher_spec(wt_engine_ctx *cc)
{
	static const uint8_t one = 1;

	if (cc->cfg->no_middlebox_compat || cc->sent_ccs) {
		return 0;
	}
	cc->sent_ccs = 1;
	return wt_rec_queue(cc, WT_CT_CHANGE_CIPHER_SPEC, &one, 1, 1);
}

static int offered_suite(const wt_engine_ctx *cc, uint16_t id)
{
	return wt_list_has(cc->suites, cc->suite_count, id);
}

static int offered_group(const wt_engine_ctx *cc, uint16_t id)
{
	return wt_list_has(cc->groups, cc->group_count, id);
}

/* Go: pickTLSVersion and the downgrade canaries (handshake_client.go),
 * applied to the first ServerHello or HelloRetryRequest. Sets
 * cc->version. */
static int pick_tls_version(wt_engine_ctx *cc, const wt_server_hello *sh)
{
	uint16_t peer = sh->supported_version ? sh->supported_version : sh->vers;

	/* RFC 8446 4.2.1: supported_versions in a ServerHello names TLS 1.3
	 * (a server negotiating TLS 1.2 does not send it). */
	if (sh->supported_version != 0 && sh->supported_version < WT_VERSION_TLS13) {
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
			"server sent supported_versions with a version prior to TLS 1.3");
	}
	/* RFC 8446 D.3: "A client that attempts to send 0-RTT data MUST fail
	 * a connection if it receives a ServerHello with TLS 1.2 or older."
	 * Checked before the version is taken, so the alert goes out as our
	 * early data did, under the early traffic key (BoringSSL's
	 * WRONG_VERSION_ON_EARLY_DATA). */
	if (peer < WT_VERSION_TLS13 && cc->early_state != WT_EARLY_NOT_SENT) {
		return wt_fail(cc, WT_ALERT_PROTOCOL_VERSION,
			"server selected TLS 1.2 after we sent 0-RTT data");
	}
	/* RFC 8446 4.1.3: a server negotiating TLS 1.2 or below to a TLS 1.3
	 * client sets these in its random; seeing them means a MitM removed
	 * our TLS 1.3 offer (and below TLS 1.2 our TLS 1.2 one). */
	if ((peer < WT_VERSION_TLS13 && cc->offer_tls13
			&& memcmp(sh->random + 24, downgrade_tls12, 8) == 0)
		|| (peer < WT_VERSION_TLS12 && memcmp(sh->random + 24, downgrade_tls11, 8) == 0)
		|| (peer == WT_VERSION_TLS12 && cc->offer_tls13
			&& memcmp(sh->random + 24, downgrade_tls11, 8) == 0))
	{
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
			"downgrade attempt detected, possibly due to a MitM attack or a broken middlebox");
	}
	if (!((peer == WT_VERSION_TLS13 && cc->offer_tls13) || (peer == WT_VERSION_TLS12 && cc->offer_tls12))) {
		return wt_fail(cc, WT_ALERT_PROTOCOL_VERSION, cc->offer_tls12
			? "server selected unsupported protocol version (we offer TLS 1.2 and 1.3)"
			: "server selected unsupported protocol version (we offer TLS 1.3 only)");
	}
	cc->version = peer;
	return 0;
}

/* Server messages that carry extensions, for check_extensions(). */
enum { MSG_SERVER_HELLO, MSG_HELLO_RETRY_REQUEST, MSG_ENCRYPTED_EXTENSIONS };

/* Did our latest ClientHello carry this extension? */
static int offered_extension(const wt_engine_ctx *cc, uint16_t type)
{
	switch (type) {
	case WT_EXT_SERVER_NAME:
		return cc->cfg->server_name != NULL;
	case WT_EXT_ALPN:
		return cc->cfg->alpn_count != 0;
	case WT_EXT_EARLY_DATA:
		/* ACCEPTED: read_server_parameters has just seen it in EE.
		 * After a HelloRetryRequest it is REJECTED and was not in the
		 * second ClientHello (RFC 8446 4.2.10). */
		return cc->early_state == WT_EARLY_PENDING
			|| cc->early_state == WT_EARLY_ACCEPTED;
	case WT_EXT_PRE_SHARED_KEY:
		return cc->offer_count != 0;
	case WT_EXT_COOKIE:
		return cc->hs->cookie_len != 0;
	case WT_EXT_STATUS_REQUEST:   /* answered in the leaf's CertificateEntry */
		return cc->cfg->request_ocsp;
	case WT_EXT_SCT:
		return cc->cfg->request_sct;
	case WT_EXT_SUPPORTED_GROUPS:
	case WT_EXT_SIGNATURE_ALGS:
	case WT_EXT_SIG_ALGS_CERT:
	case WT_EXT_SUPPORTED_VERSIONS:
	case WT_EXT_PSK_MODES:
	case WT_EXT_KEY_SHARE:
	case WT_EXT_RECORD_SIZE_LIMIT:
		return 1;
	default:
		return 0;
	}
}

/* RFC 8446 4.2 (the table) and RFC 8449 4: where a server may send each
 * extension we offer. */
static int extension_allowed(int msg, uint16_t type)
{
	switch (msg) {
	case MSG_SERVER_HELLO:
		return type == WT_EXT_KEY_SHARE || type == WT_EXT_PRE_SHARED_KEY
			|| type == WT_EXT_SUPPORTED_VERSIONS;
	case MSG_HELLO_RETRY_REQUEST:
		return type == WT_EXT_KEY_SHARE || type == WT_EXT_COOKIE
			|| type == WT_EXT_SUPPORTED_VERSIONS;
	default:
		return type == WT_EXT_SERVER_NAME || type == WT_EXT_SUPPORTED_GROUPS
			|| type == WT_EXT_ALPN || type == WT_EXT_EARLY_DATA
			|| type == WT_EXT_RECORD_SIZE_LIMIT;
	}
}

/* RFC 8446 4.2: an extension we did not offer (unknown ones included)
 * aborts with unsupported_extension, except cookie in a HelloRetryRequest;
 * one we offered, in a message where it is not allowed, aborts with
 * illegal_parameter. Go ignores both; the RFC does not. */
static int check_extensions(wt_engine_ctx *cc, int msg, const uint16_t *types,
	size_t n)
{
	static const char *const unsolicited[] = {
		"server sent an extension we did not offer in ServerHello",
		"server sent an extension we did not offer in HelloRetryRequest",
		"server sent an extension we did not offer in EncryptedExtensions",
	};
	static const char *const misplaced[] = {
		"server sent an extension not allowed in ServerHello",
		"server sent an extension not allowed in HelloRetryRequest",
		"server sent an extension not allowed in EncryptedExtensions",
	};
	size_t i;

	for (i = 0; i < n; i++) {
		int hrr_cookie = msg == MSG_HELLO_RETRY_REQUEST && types[i] == WT_EXT_COOKIE;

		if (!hrr_cookie && !offered_extension(cc, types[i])) {
			return wt_fail(cc, WT_ALERT_UNSUPPORTED_EXTENSION, unsolicited[msg]);
		}
		if (!extension_allowed(msg, types[i])) {
			return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER, misplaced[msg]);
		}
	}
	return 0;
}

/* Go: checkServerHelloOrHRR. Sets cc->suite. */
static int check_server_hello_or_hrr(wt_engine_ctx *cc, const wt_server_hello *sh)
{
	const wt_suite *selected;

	if (sh->supported_version == 0) {
		return wt_fail(cc, WT_ALERT_MISSING_EXTENSION,
			"server selected TLS 1.3 using the legacy version field");
	}
	if (sh->supported_version != WT_VERSION_TLS13) {
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
			"server selected an invalid version after a HelloRetryRequest");
	}
	if (sh->vers != 0x0303) {
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
			"server sent an incorrect legacy version");
	}
	if (sh->ocsp_stapling || sh->ticket_supported || sh->extended_master_secret
		|| sh->secure_renegotiation_supported || sh->secure_renegotiation_len
		|| sh->alpn || sh->scts)
	{
		return wt_fail(cc, WT_ALERT_UNSUPPORTED_EXTENSION,
			"server sent a ServerHello extension forbidden in TLS 1.3");
	}
	if (sh->session_id_len != cc->session_id_len
		|| memcmp(sh->session_id, cc->session_id, cc->session_id_len) != 0)
	{
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
			"server did not echo the legacy session ID");
	}
	if (sh->compression != 0) {
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
			"server selected unsupported compression format");
	}
	selected = offered_suite(cc, sh->cipher_suite) ? wt_suite_get(sh->cipher_suite) : NULL;
	if (selected != NULL && selected->tls12_auth != 0) {
		selected = NULL;   /* a TLS 1.2 suite in a TLS 1.3 ServerHello */
	}
	if (cc->suite != NULL && selected != cc->suite) {
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
			"server changed cipher suite after a HelloRetryRequest");
	}
	if (selected == NULL) {
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
			"server chose an unconfigured cipher suite");
	}
	cc->suite = selected;
	return 0;
}

static void transcript_add_message_hash(wt_engine_ctx *cc)
{
	uint8_t h[WT_MAX_HASH], hdr[4];

	/* RFC 8446 4.4.1: the first ClientHello is replaced by
	 * message_hash(254) || 00 00 Hash.length || Hash(ClientHello1). */
	wt_transcript_hash(&cc->hs->transcript, h);
	wt_transcript_init(&cc->hs->transcript, cc->suite);
	hdr[0] = WT_HS_MESSAGE_HASH;
	hdr[1] = 0;
	hdr[2] = 0;
	hdr[3] = (uint8_t)cc->suite->hash_len;
	wt_transcript_add(&cc->hs->transcript, hdr, 4);
	wt_transcript_add(&cc->hs->transcript, h, cc->suite->hash_len);
}

/* Go: processHelloRetryRequest (up to sending the new ClientHello; the
 * ServerHello that answers it arrives in HS_WAIT_SH_AFTER_HRR). */
static int process_hello_retry_request(wt_engine_ctx *cc,
	const wt_server_hello *sh, const uint8_t *msg, size_t len)
{
	transcript_add_message_hash(cc);
	wt_transcript_add(&cc->hs->transcript, msg, len);
	/* RFC 8446 5.1: a ServerHello (the HRR is one) must end its record:
	 * what follows it can only answer our second ClientHello, which is
	 * not sent yet. Checked before that ClientHello goes out. */
	if (cc->hs_more_in_record) {
		return wt_fail(cc, WT_ALERT_UNEXPECTED_MESSAGE,
			"handshake data after a HelloRetryRequest in the same record");
	}

	/* Against what the first ClientHello offered: before the PSK or
	 * 0-RTT state below changes for the second one, and before the
	 * "unnecessary" check, so that an HRR whose only extension is one we
	 * never offered gets unsupported_extension (RFC 8446 4.1.4). */
	TRY(check_extensions(cc, MSG_HELLO_RETRY_REQUEST, sh->ext_types, sh->ext_count));
	/* The only HRR extensions we support are key_share and cookie, and
	 * the HRR must change something (RFC 8446 4.1.4). */
	if (sh->selected_group == 0 && sh->cookie == NULL) {
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
			"server sent an unnecessary HelloRetryRequest message");
	}
	if (sh->cookie != NULL) {
		if (sh->cookie_len > WT_MAX_COOKIE) {
			return wt_fail(cc, WT_ALERT_INTERNAL_ERROR,
				"HelloRetryRequest cookie larger than we support");
		}
		cc->hs->cookie = sh->cookie;   /* until the second ClientHello is built */
		cc->hs->cookie_len = sh->cookie_len;
	}
	if (sh->share_group != 0) {
		return wt_fail(cc, WT_ALERT_DECODE_ERROR,
			"received malformed key_share extension");
	}
	/* RFC 8446 4.1.4: the group must be one we offered, and one we did
	 * not already send a share for. The second ClientHello carries just
	 * the share it asked for (4.2.8). */
	if (sh->selected_group != 0) {
		if (!offered_group(cc, sh->selected_group)) {
			return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
				"server selected unsupported group");
		}
		if (find_key_share(cc, sh->selected_group) != NULL) {
			return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
				"server sent an unnecessary HelloRetryRequest key_share");
		}
		wt_hs13_wipe_key_shares(cc);
		TRY(new_key_share(cc, sh->selected_group));
	}
	/* Keep the PSK only if its hash matches the suite the HRR picked;
	 * its binder and ticket age are recomputed for the new ClientHello. */
	if (cc->psk_offered && cc->psk_suite->hash != cc->suite->hash) {
		cc->psk_offered = 0;
	}
	/* No early data after an HRR (RFC 8446 4.2.10): it was rejected, and
	 * the second ClientHello goes out in plaintext. */
	if (cc->early_state == WT_EARLY_PENDING) {
		wt_rec_seal_app(cc);
		cc->early_state = WT_EARLY_REJECTED;
		cc->early_reason = WT_EARLY_REASON_HELLO_RETRY_REQUEST;
		cc->wr_on = 0;
		wt_aead_wipe(&cc->wr);
	}
	cc->hrr_seen = 1;
	/* RFC 8446 4.1.2: when the HRR names a group the second key_share is
	 * that one share (no GREASE share, as BoringSSL); otherwise it stays
	 * as it was. GREASE values elsewhere stay. */
	if (sh->selected_group != 0) {
		cc->hs->grease.key_share = 0;
	}
	TRY(send_client_hello(cc));
	cc->hs->cookie = NULL;   /* it lies in the HRR, which is done with */
	wt_transcript_add(&cc->hs->transcript, cc->hs->ch, cc->hs->ch_len);
	cc->hs_state = HS_WAIT_SH_AFTER_HRR;
	return 0;
}

/* Go: the first checks of processServerHello, made before the generic
 * extension check so that they keep Go's alerts. */
static int check_server_hello_form(wt_engine_ctx *cc, const wt_server_hello *sh)
{
	if (memcmp(sh->random, wt_hrr_random, 32) == 0) {
		return wt_fail(cc, WT_ALERT_UNEXPECTED_MESSAGE,
			"server sent two HelloRetryRequest messages");
	}
	if (sh->cookie_len != 0) {
		return wt_fail(cc, WT_ALERT_UNSUPPORTED_EXTENSION,
			"server sent a cookie in a normal ServerHello");
	}
	return 0;
}

/* Go: processServerHello (after check_server_hello_form) */
static int process_server_hello(wt_engine_ctx *cc, const wt_server_hello *sh)
{
	if (sh->selected_group != 0) {
		return wt_fail(cc, WT_ALERT_DECODE_ERROR, "malformed key_share extension");
	}
	if (sh->share_group == 0) {
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
			"server did not send a key share");
	}
	/* RFC 8446 4.2.8: the server's share is for a group we sent one for. */
	if (find_key_share(cc, sh->share_group) == NULL) {
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
			"server selected unsupported group");
	}
	if (!sh->selected_identity_present) {
		/* wt_external_psk: with nothing to check a certificate, only
		 * the PSK authenticates the server. */
		if (psk_required(cc)) {
			return wt_fail(cc, WT_ALERT_MISSING_EXTENSION,
				"server did not select an external PSK, and certificates are not verified");
		}
		return 0;
	}
	if (sh->selected_identity >= cc->offer_count) {
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
			"server selected an invalid PSK");
	}
	if (cc->offers[sh->selected_identity].suite->hash != cc->suite->hash) {
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
			"server selected an invalid PSK and cipher suite pair");
	}
	cc->using_psk = 1;
	cc->selected_psk = sh->selected_identity;
	if (cc->offers[cc->selected_psk].ext >= 0) {
		/* An external PSK, not the session. */
		cc->ext_psk = cc->offers[cc->selected_psk].ext;
		forget_session_proof(cc);
	} else {
		cc->ext_psk = cc->session_ext_psk;
	}
	return 0;
}

/* Go: establishHandshakeKeys */
static int establish_handshake_keys(wt_engine_ctx *cc, const wt_server_hello *sh)
{
	uint8_t shared[WT_MAX_SHARED], th[WT_MAX_HASH], psk[WT_MAX_PSK_KEY];
	const char *label;
	size_t shared_len;
	int err;

	/* process_server_hello checked that we hold this share. */
	err = wt_kex_derive(find_key_share(cc, sh->share_group), sh->share,
		sh->share_len, shared, &shared_len);
	wt_hs13_wipe_key_shares(cc);
	if (err) {
		wt_wipe(shared, sizeof shared);
		return wt_fail(cc, err, err == WT_ALERT_ILLEGAL_PARAMETER
			? "invalid server key share" : "key exchange failed");
	}
	cc->group = sh->share_group;
	if (cc->using_psk) {
		wt_ks_early(&cc->ks, cc->suite, psk,
			offer_key(cc, cc->selected_psk, psk, &label));
		wt_wipe(psk, sizeof psk);
	} else {
		wt_ks_early(&cc->ks, cc->suite, NULL, 0);
	}
	wt_transcript_hash(&cc->hs->transcript, th);
	err = wt_ks_handshake(&cc->ks, shared, shared_len, th);
	wt_wipe(shared, sizeof shared);
	/* The PSK is in the early secret now; nothing needs it again (the
	 * binders are written, the early exporter secret is derived). */
	wt_wipe(cc->psk, sizeof cc->psk);
	if (err) {
		return wt_fail(cc, WT_ALERT_INTERNAL_ERROR, "key schedule out of order");
	}
	/* With 0-RTT in flight our writes stay under the early key until the
	 * server's Finished (RFC 8446 4.2.10, EndOfEarlyData). */
	if (cc->early_state == WT_EARLY_PENDING) {
		wt_rec_seal_app(cc);
		cc->write_hs_pending = 1;
	} else {
		wt_rec_set_write_secret(cc, cc->suite, cc->ks.client_hs);
	}
	wt_rec_set_read_secret(cc, cc->suite, cc->ks.server_hs);
	wt_hs13_keylog(cc, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", cc->ks.client_hs, cc->suite->hash_len);
	wt_hs13_keylog(cc, "SERVER_HANDSHAKE_TRAFFIC_SECRET", cc->ks.server_hs, cc->suite->hash_len);
	return 0;
}

static int on_server_hello(wt_engine_ctx *cc, const uint8_t *msg, size_t len)
{
	wt_server_hello sh;

	if (wt_parse_server_hello(&sh, msg + 4, len - 4)) {
		return wt_fail(cc, WT_ALERT_DECODE_ERROR, "malformed ServerHello");
	}
	if (cc->hs_state == HS_WAIT_SH) {
		TRY(pick_tls_version(cc, &sh));
		if (cc->version == WT_VERSION_TLS12) {
			return wt_hs12_server_hello(cc, &sh, msg, len);
		}
	}
	TRY(check_server_hello_or_hrr(cc, &sh));
	if (cc->hs_state == HS_WAIT_SH) {
		wt_transcript_init(&cc->hs->transcript, cc->suite);
		wt_transcript_add(&cc->hs->transcript, cc->hs->ch, cc->hs->ch_len);
		if (memcmp(sh.random, wt_hrr_random, 32) == 0) {
			TRY(send_dummy_change_cipher_spec(cc));
			return process_hello_retry_request(cc, &sh, msg, len);
		}
	}
	wt_transcript_add(&cc->hs->transcript, msg, len);
	/* Unsolicited extensions first (RFC 8446 4.2): a ServerHello that
	 * answers with an extension we never sent is refused as such, not
	 * for what it lacks. */
	TRY(check_server_hello_form(cc, &sh));
	TRY(check_extensions(cc, MSG_SERVER_HELLO, sh.ext_types, sh.ext_count));
	TRY(process_server_hello(cc, &sh));
	TRY(send_dummy_change_cipher_spec(cc));
	TRY(establish_handshake_keys(cc, &sh));
	cc->hs_state = HS_WAIT_EE;
	return 0;
}

/* Go: checkALPN */
int wt_hs13_check_alpn(wt_engine_ctx *cc, const uint8_t *proto, size_t len, int alert)
{
	const wt_config *cfg = cc->cfg;
	size_t i;

	/* An ALPN extension we did not ask for never gets here:
	 * check_extensions refused it. */
	if (proto == NULL) {
		return 0;
	}
	for (i = 0; i < cfg->alpn_count; i++) {
		if (strlen(cfg->alpn[i]) == len && memcmp(cfg->alpn[i], proto, len) == 0) {
			memcpy(cc->alpn, proto, len);
			cc->alpn[len] = 0;
			cc->alpn_set = 1;
			return 0;
		}
	}
	return wt_fail(cc, alert, "server selected unadvertised ALPN protocol");
}

/* Go: readServerParameters */
static int read_server_parameters(wt_engine_ctx *cc, const uint8_t *msg, size_t len)
{
	wt_encrypted_extensions ee;

	if (wt_parse_encrypted_extensions(&ee, msg + 4, len - 4)) {
		return wt_fail(cc, WT_ALERT_DECODE_ERROR, "malformed EncryptedExtensions");
	}
	wt_transcript_add(&cc->hs->transcript, msg, len);
	if (cc->early_state == WT_EARLY_PENDING && !ee.early_data) {
		cc->early_state = WT_EARLY_REJECTED;
		cc->early_reason = cc->using_psk ? WT_EARLY_REASON_PEER_DECLINED
			: WT_EARLY_REASON_SESSION_NOT_RESUMED;
		/* RFC 8446 4.2.10: the server skips what it cannot decrypt
		 * under its handshake key, so from here on we write under ours
		 * (no EndOfEarlyData): an alert we send while processing the
		 * rest of its flight, this message's checks included, must
		 * reach it. Staged early data goes out first, under the early
		 * key, to be skipped. */
		wt_rec_seal_app(cc);
		wt_rec_set_write_secret(cc, cc->suite, cc->ks.client_hs);
		cc->write_hs_pending = 0;
	}
	if (cc->early_state != WT_EARLY_PENDING && ee.early_data) {
		return wt_fail(cc, WT_ALERT_UNSUPPORTED_EXTENSION,
			"server sent an unexpected early_data extension");
	}
	/* Before checkALPN: an ALPN answer to a ClientHello without ALPN is
	 * an unsolicited extension (RFC 8446 4.2), as is a QUIC one. */
	TRY(check_extensions(cc, MSG_ENCRYPTED_EXTENSIONS, ee.ext_types, ee.ext_count));
	TRY(wt_hs13_check_alpn(cc, ee.alpn, ee.alpn_len, WT_ALERT_NO_APPLICATION_PROTOCOL));
	if (ee.early_data) {
		/* RFC 8446 4.2.10: early data is accepted only together with
		 * the first PSK, the session's (list_psk_offers); a server that
		 * did a full handshake or took another PSK cannot have read it. */
		if (!cc->using_psk || cc->selected_psk != 0) {
			return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
				"server accepted 0-RTT without accepting the PSK");
		}
		if (cc->psk_suite != cc->suite) {
			return wt_fail(cc, WT_ALERT_HANDSHAKE_FAILURE,
				"server accepted 0-RTT with the wrong cipher suite");
		}
		if (strcmp(cc->session_alpn, cc->alpn_set ? cc->alpn : "") != 0) {
			return wt_fail(cc, WT_ALERT_HANDSHAKE_FAILURE,
				"server accepted 0-RTT with the wrong ALPN");
		}
		cc->early_state = WT_EARLY_ACCEPTED;
		cc->early_reason = WT_EARLY_REASON_ACCEPTED;
	}
	if (ee.record_size_limit) {
		/* RFC 8449 4: below 64 is a fatal illegal_parameter; in TLS 1.3
		 * the limit counts the content type byte. */
		if (ee.record_size_limit < 64) {
			return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
				"record_size_limit below 64");
		}
		cc->peer_record_limit = (size_t)ee.record_size_limit - 1;
		if (cc->peer_record_limit < cc->max_fragment) {
			cc->max_fragment = cc->peer_record_limit;
		}
	}
	if (cc->using_psk) {
		/* Go: readServerCertificate. A PSK handshake has no certificate
		 * messages (one now is unexpected_message), but the verify
		 * callback still runs (Go issue 31641): on resumption, and with
		 * an external PSK (info.external_psk, no certificates), so a
		 * host's checks are never skipped silently. */
		cc->verified = cc->verified_in_session;
		TRY(wt_hs13_run_verify_callback(cc));
		cc->hs_state = HS_WAIT_FINISHED;
		return 0;
	}
	cc->hs_state = HS_WAIT_CERT_OR_CR;
	return 0;
}

static int on_certificate_request(wt_engine_ctx *cc, const uint8_t *msg, size_t len)
{
	wt_certificate_request cr;

	if (wt_parse_certificate_request(&cr, msg + 4, len - 4)) {
		return wt_fail(cc, WT_ALERT_DECODE_ERROR, "malformed CertificateRequest");
	}
	wt_transcript_add(&cc->hs->transcript, msg, len);
	/* RFC 8446 4.3.2: the context is empty during the handshake (only
	 * post-handshake authentication, which we don't offer, fills it). */
	if (cr.context_len != 0) {
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
			"non-empty certificate_request_context in a handshake CertificateRequest");
	}
	cc->cr_sig_alg_count = 0;
	while (cr.sig_algs.len >= 2 && cc->cr_sig_alg_count < 32) {
		wt_rd_u16(&cr.sig_algs, &cc->cr_sig_algs[cc->cr_sig_alg_count++]);
	}
	/* The CA list is needed when get_client_cert runs, after the
	 * server's Finished (as Go's GetClientCertificate): it waits at the
	 * end of the peer chain buffer, behind what is stored there; the
	 * Certificate that follows fills the buffer from the front and
	 * drops the list if it needs the room (wt_hs13_keep_peer_credentials). */
	cc->ca_names_len = 0;
	if (cr.ca_names.len > 0 && cr.ca_names.len <= cc->chain_cap - cc->chain_used) {
		memcpy(cc->chain + cc->chain_cap - cr.ca_names.len, cr.ca_names.p, cr.ca_names.len);
		cc->ca_names_len = cr.ca_names.len;
	}
	cc->cert_requested = 1;
	cc->hs_state = HS_WAIT_CERT;
	return 0;
}

/* Go: VerifyConnection, called after chain verification or on resumption. */
int wt_hs13_run_verify_callback(wt_engine_ctx *cc)
{
	const wt_config *cfg = cc->cfg;
	wt_conn_info info;
	int rc;

	if (cfg->verify_cb == NULL) {
		return 0;
	}
	wt_engine_info(cc, &info);
	cc->in_host_callback++;
	rc = cfg->verify_cb(cfg->verify_ctx, &info);
	cc->in_host_callback--;
	if (cc->err) {
		return cc->err;   /* the callback ended the connection (e.g. wt_engine_abort) */
	}
	if (rc == 0) {
		return 0;
	}
	/* The callback may name the alert (BoringSSL's custom verify
	 * callbacks do); anything that is not a fatal alert gets Go's
	 * bad_certificate. */
	if (wt_alert_is_fatal(rc)) {
		cc->chosen_alert = (uint8_t)rc;
	}
	return wt_fail(cc, WT_ERR_CALLBACK, "the verify callback rejected the connection");
}

/* Go: verifyServerCertificate (handshake_client.go) */
int wt_hs13_verify_server_certificate(wt_engine_ctx *cc)
{
	const wt_config *cfg = cc->cfg;
	const char *host = cfg->server_name ? cfg->server_name : cfg->verify_ip;
	char reason[sizeof cc->reason];
	int err;

	err = wt_x509_verify(cc->certs, cc->cert_count, cfg->trust_anchors,
		cfg->trust_anchor_count, host, cc->host.now_ms(cc->host.ctx) / 1000,
		cfg->cert_profile, cfg->verify_mode == WT_VERIFY_NONE, &cc->hs->leaf,
		reason, sizeof reason);
	if (err) {
		return wt_fail(cc, err, reason[0] ? reason : "certificate verification failed");
	}
	cc->verified = cfg->verify_mode != WT_VERIFY_NONE;
	return wt_hs13_run_verify_callback(cc);
}

#define HS_STR_(x) #x
#define HS_STR(x) HS_STR_(x)   /* a limit's value in a reason string */

/* Go: readServerCertificate, the Certificate half. */
static int read_server_certificate(wt_engine_ctx *cc, const uint8_t *msg, size_t len)
{
	wt_peer_cert certs[WT_MAX_PEER_CERTS];
	wt_cert_status st;
	size_t n;
	int err;

	st.want_ocsp = cc->cfg->request_ocsp;
	st.want_sct = cc->cfg->request_sct;
	err = wt_parse_certificate(msg + 4, len - 4, certs, WT_MAX_PEER_CERTS, &n, &st);
	if (err) {
		return wt_fail(cc, err, err == WT_ALERT_BAD_CERTIFICATE
			? "server sent too many certificates (more than WT_MAX_PEER_CERTS = " HS_STR(WT_MAX_PEER_CERTS) ")"
			: err == WT_ALERT_UNSUPPORTED_EXTENSION
			? "server sent a certificate entry extension we did not offer"
			: "malformed Certificate");
	}
	wt_transcript_add(&cc->hs->transcript, msg, len);
	if (n == 0) {
		return wt_fail(cc, WT_ALERT_DECODE_ERROR,
			"received empty certificates message");
	}
	/* Keep copies: the reassembly buffer is reused for the next message.
	 * cc->chain holds (grown to, at the message's header) WT_MAX_PEER_CHAIN = WT_MAX_HS_MESSAGE bytes, more
	 * than the DER, OCSP response and SCT list of any Certificate message
	 * we accept together, so this check only guards against that
	 * invariant breaking. */
	if (wt_hs13_keep_peer_credentials(cc, certs, n, st.ocsp, st.ocsp_len,
		st.sct_list, st.sct_list_len))
	{
		return wt_fail(cc, WT_ALERT_BAD_CERTIFICATE,
			"server certificate chain larger than WT_MAX_PEER_CHAIN bytes");
	}
	TRY(wt_hs13_verify_server_certificate(cc));
	cc->hs_state = HS_WAIT_CV;
	return 0;
}

/* The content covered by a CertificateVerify signature (RFC 8446 4.4.3). */
static size_t signed_message(const wt_engine_ctx *cc, const char *context, uint8_t *out)
{
	size_t n = strlen(context);

	memset(out, 0x20, 64);
	memcpy(out + 64, context, n + 1);   /* with the 0 separator */
	wt_transcript_hash(&cc->hs->transcript, out + 64 + n + 1);
	return 64 + n + 1 + cc->suite->hash_len;
}

/* Go: readServerCertificate, the CertificateVerify half. */
static int read_server_certificate_verify(wt_engine_ctx *cc, const uint8_t *msg, size_t len)
{
	uint8_t content[64 + 34 + WT_MAX_HASH];
	const uint8_t *sig;
	size_t sig_len, n;
	uint16_t scheme;

	if (wt_parse_certificate_verify(msg + 4, len - 4, &scheme, &sig, &sig_len)) {
		return wt_fail(cc, WT_ALERT_DECODE_ERROR, "malformed CertificateVerify");
	}
	/* RFC 8446 4.4.3: PKCS#1 v1.5 and SHA-1 are not allowed here. */
	if ((scheme >> 8) == 0x02 || scheme == WT_SIG_RSA_PKCS1_SHA256
		|| scheme == WT_SIG_RSA_PKCS1_SHA384 || scheme == WT_SIG_RSA_PKCS1_SHA512)
	{
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
			"certificate used with invalid signature algorithm (PKCS#1 v1.5 or SHA-1)");
	}
	/* RFC 8446 4.4.3: one of the schemes we offered (cfg->sig_algs). */
	if (!wt_list_has(cc->sig_algs, cc->sig_alg_count, scheme)) {
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
			"certificate used with invalid signature algorithm");
	}
	n = signed_message(cc, "TLS 1.3, server CertificateVerify", content);
	if (wt_sig_verify(scheme, &cc->hs->leaf.pkey, content, n, sig, sig_len) != 0) {
		return wt_fail(cc, WT_ALERT_DECRYPT_ERROR,
			"invalid signature by the server certificate");
	}
	cc->sigalg = scheme;
	wt_transcript_add(&cc->hs->transcript, msg, len);
	cc->hs_state = HS_WAIT_FINISHED;
	return 0;
}

/* Queues a handshake message and adds it to the transcript. */
static int write_handshake(wt_engine_ctx *cc, const uint8_t *msg, size_t len)
{
	wt_transcript_add(&cc->hs->transcript, msg, len);
	/* cc->max_fragment honours the server's record_size_limit (RFC 8449
	 * 4: every protected record) and our configured maximum. */
	return wt_rec_queue(cc, WT_CT_HANDSHAKE, msg, len, cc->max_fragment);
}

/* get_client_cert's "abort" answer: only its address matters. */
const wt_client_cert wt_client_cert_abort;

int wt_hs13_client_cert(wt_engine_ctx *cc, const wt_client_cert **out)
{
	const wt_config *cfg = cc->cfg;
	const wt_client_cert *cert = cfg->client_cert;

	if (cfg->get_client_cert) {
		wt_cert_request req;

		req.sig_algs = cc->cr_sig_algs;
		req.sig_alg_count = cc->cr_sig_alg_count;
		req.ca_names = cc->ca_names_len ? cc->chain + cc->chain_cap - cc->ca_names_len : NULL;
		req.ca_names_len = cc->ca_names_len;
		cc->in_host_callback++;
		cert = cfg->get_client_cert(cfg->client_cert_ctx, &req);
		cc->in_host_callback--;
		if (cc->err) {
			return cc->err;
		}
		if (cert == WT_CLIENT_CERT_ABORT) {
			return wt_fail(cc, WT_ERR_CLIENT_CERT_ABORTED,
				"the client certificate callback aborted the handshake");
		}
	}
	*out = cert && cert->chain_len != 0 ? cert : NULL;
	return 0;
}

/* Bytes of our Certificate message with cert (NULL: empty): TLS 1.3
 * (RFC 8446 4.4.2: a context byte, and two bytes of entry extensions
 * after each certificate) or TLS 1.2 (RFC 5246 7.4.2). Saturates
 * instead of wrapping; the writer rejects what is too large. */
size_t wt_hs13_client_cert_msg_len(const wt_client_cert *cert, int tls13)
{
	size_t n = 4 + 3 + (tls13 ? 1 : 0), i;

	for (i = 0; cert && i < cert->chain_len; i++) {
		size_t e = 3 + (size_t)(tls13 ? 2 : 0);

		if (cert->chain[i].len > (size_t)-1 / 2 - n - e) {
			return (size_t)-1 / 2;
		}
		n += e + cert->chain[i].len;
	}
	return n;
}

/* Go: sendClientCertificate. The certificate comes from the config or
 * the get_client_cert callback; without one we send an empty Certificate
 * (RFC 8446 4.4.2.4 lets the server decide whether to continue). The
 * message is built in the reassembly buffer, free once the server's
 * Finished has been processed. */
static int send_client_certificate(wt_engine_ctx *cc)
{
	const wt_config *cfg = cc->cfg;
	const wt_client_cert *cert;
	uint8_t *msg, content[64 + 34 + WT_MAX_HASH], salt[64];
	uint8_t sig[512];
	size_t sig_len, n, i, m, c, l;
	uint16_t scheme = 0;
	wt_writer w;
	int err;

	if (!cc->cert_requested) {
		return 0;
	}
	TRY(wt_hs13_client_cert(cc, &cert));
	if (cert) {
		scheme = wt_sig_choose(&cert->key, cfg->sign_algs, cfg->sign_alg_count,
			cc->cr_sig_algs, cc->cr_sig_alg_count);
	}
	if (wt_hs_reserve(cc, wt_hs13_client_cert_msg_len(cert, 1), 0) && cc->err) {
		return cc->err;   /* out of memory; too large fails below */
	}
	msg = cc->msg;
	wt_wr_init(&w, msg, cc->msg_cap);
	wt_wr_u8(&w, WT_HS_CERTIFICATE);
	m = wt_wr_open(&w, 3);
	wt_wr_u8(&w, 0);   /* certificate_request_context: empty in the handshake */
	l = wt_wr_open(&w, 3);
	for (i = 0; cert && i < cert->chain_len; i++) {
		size_t e = wt_wr_open(&w, 3);

		wt_wr_bytes(&w, cert->chain[i].der, cert->chain[i].len);
		wt_wr_close(&w, e, 3);
		wt_wr_u16(&w, 0);   /* no entry extensions */
	}
	wt_wr_close(&w, l, 3);
	wt_wr_close(&w, m, 3);
	if (wt_wr_error(&w)) {
		return wt_fail(cc, WT_ALERT_INTERNAL_ERROR, "client certificate chain too large");
	}
	TRY(write_handshake(cc, msg, w.len));
	if (cert == NULL) {
		return 0;
	}
	if (scheme == 0) {
		/* Go: the certificate is incompatible with the server's
		 * signature_algorithms: handshake_failure. */
		return wt_fail(cc, WT_ALERT_HANDSHAKE_FAILURE,
			"client certificate key not usable with the server's signature_algorithms");
	}
	n = signed_message(cc, "TLS 1.3, client CertificateVerify", content);
	TRY(wt_hs13_random(cc, salt, sizeof salt));
	err = wt_sig_sign(scheme, &cert->key, content, n, salt, sig, sizeof sig, &sig_len);
	wt_wipe(salt, sizeof salt);
	if (err) {
		return wt_fail(cc, WT_ALERT_INTERNAL_ERROR, "failed to sign the handshake");
	}
	wt_wr_init(&w, msg, cc->msg_cap);
	wt_wr_u8(&w, WT_HS_CERTIFICATE_VERIFY);
	m = wt_wr_open(&w, 3);
	wt_wr_u16(&w, scheme);
	c = wt_wr_open(&w, 2);
	wt_wr_bytes(&w, sig, sig_len);
	wt_wr_close(&w, c, 2);
	wt_wr_close(&w, m, 3);
	cc->client_cert_sent = 1;
	return write_handshake(cc, msg, w.len);
}

/* Go: sendClientFinished */
static int send_client_finished(wt_engine_ctx *cc)
{
	uint8_t msg[4 + WT_MAX_HASH], th[WT_MAX_HASH];
	size_t hl = cc->suite->hash_len;

	wt_transcript_hash(&cc->hs->transcript, th);
	msg[0] = WT_HS_FINISHED;
	msg[1] = 0;
	msg[2] = 0;
	msg[3] = (uint8_t)hl;
	wt_ks_finished(cc->suite, cc->ks.client_hs, th, msg + 4);
	TRY(write_handshake(cc, msg, 4 + hl));
	wt_wipe(msg, sizeof msg);
	wt_rec_set_write_secret(cc, cc->suite, cc->ks.client_ap);
	wt_transcript_hash(&cc->hs->transcript, th);
	if (wt_ks_resumption(&cc->ks, th)) {
		return wt_fail(cc, WT_ALERT_INTERNAL_ERROR, "key schedule out of order");
	}
	return 0;
}

/* Go: readServerFinished, then the client flight. */
static int read_server_finished(wt_engine_ctx *cc, const uint8_t *msg, size_t len)
{
	uint8_t expected[WT_MAX_HASH], th[WT_MAX_HASH];
	size_t hl = cc->suite->hash_len;
	int ok;

	wt_transcript_hash(&cc->hs->transcript, th);
	wt_ks_finished(cc->suite, cc->ks.server_hs, th, expected);
	ok = len - 4 == hl && wt_ct_equal(expected, msg + 4, hl);
#ifdef WT_FUZZING_UNSAFE
	ok = len - 4 == hl;   /* fuzzing (see src/crypto.c): any verify_data */
#endif
	wt_wipe(expected, sizeof expected);
	if (!ok) {
		return wt_fail(cc, WT_ALERT_DECRYPT_ERROR, "invalid server finished hash");
	}
	wt_transcript_add(&cc->hs->transcript, msg, len);

	/* Secrets that take context through the server Finished. */
	wt_transcript_hash(&cc->hs->transcript, th);
	if (wt_ks_master(&cc->ks, th)) {
		return wt_fail(cc, WT_ALERT_INTERNAL_ERROR, "key schedule out of order");
	}
	wt_rec_set_read_secret(cc, cc->suite, cc->ks.server_ap);
	wt_hs13_keylog(cc, "CLIENT_TRAFFIC_SECRET_0", cc->ks.client_ap, hl);
	wt_hs13_keylog(cc, "SERVER_TRAFFIC_SECRET_0", cc->ks.server_ap, hl);
	wt_hs13_keylog(cc, "EXPORTER_SECRET", cc->ks.exporter, hl);

	if (cc->write_hs_pending) {
		/* RFC 8446 4.5: EndOfEarlyData, still under the early key,
		 * closes accepted 0-RTT; then the handshake key takes over. */
		if (cc->early_state == WT_EARLY_ACCEPTED) {
			static const uint8_t eoed[4] = { WT_HS_END_OF_EARLY_DATA, 0, 0, 0 };

			TRY(write_handshake(cc, eoed, sizeof eoed));
		}
		wt_rec_set_write_secret(cc, cc->suite, cc->ks.client_hs);
		cc->write_hs_pending = 0;
	}
	TRY(send_client_certificate(cc));
	TRY(send_client_finished(cc));
	/* Handshake traffic secrets are no longer needed. */
	wt_wipe(cc->ks.client_hs, sizeof cc->ks.client_hs);
	wt_wipe(cc->ks.server_hs, sizeof cc->ks.server_hs);
	wt_hs13_trim_peer_chain(cc);
	cc->handshake_done = 1;
	cc->hs_state = HS_DONE;
	return 0;
}

/* Go: handleNewSessionTicket. The ticket becomes a session blob for the
 * host (RFC 8446 4.6.1), built in the reassembly buffer (the receive
 * buffer's tail, WT_POST_HS_SCRATCH bytes) after the message itself,
 * which is done with once parsed. */
static int handle_new_session_ticket(wt_engine_ctx *cc, const uint8_t *msg, size_t len)
{
	const wt_config *cfg = cc->cfg;
	wt_new_session_ticket t;
	wt_session s;
	uint8_t psk[WT_MAX_HASH];

	if (wt_parse_new_session_ticket(&t, msg + 4, len - 4)) {
		return wt_fail(cc, WT_ALERT_DECODE_ERROR, "malformed NewSessionTicket");
	}
	if (t.lifetime == 0) {
		return 0;   /* RFC 8446 4.6.1: discard immediately */
	}
	if (t.lifetime > WT_MAX_TICKET_LIFETIME) {
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
			"received a session ticket with invalid lifetime");
	}
	cc->tickets_seen++;
	if (cfg->session_cb == NULL || t.ticket_len > WT_MAX_TICKET) {
		return 0;
	}
	wt_ks_ticket_psk(cc->suite, cc->ks.resumption, t.nonce, t.nonce_len, psk);
	memset(&s, 0, sizeof s);
	s.suite = cc->suite;
	s.created_ms = cc->host.now_ms(cc->host.ctx);
	s.lifetime = t.lifetime;
	s.age_add = t.age_add;
	s.max_early_data = t.max_early_data;
	s.psk = psk;
	s.ticket = t.ticket;
	s.ticket_len = t.ticket_len;
	wt_hs13_store_session(cc, &s, len);
	wt_wipe(psk, sizeof psk);
	return 0;
}

void wt_hs13_store_session(wt_engine_ctx *cc, wt_session *sp, size_t used)
{
	const wt_config *cfg = cc->cfg;
	wt_session s = *sp;
	uint8_t *blob;
	size_t n, i;

	/* What this connection's authentication proved: on a resumed
	 * connection, what the original full handshake proved. The anchors
	 * are digested only here, when a ticket is kept. */
	s.verified = cc->verified;
	if (cc->ext_psk >= 0) {
		s.verify_mode = cfg->verify_mode;
		s.verified = WT_SESSION_EXTERNAL_PSK;
		psk_binding(cc, cc->ext_psk, s.trust_digest);
		s.cert_count = 0;      /* and none below: no certificate proved anything */
	} else if (cc->using_psk) {
		s.verify_mode = cc->session_verify_mode;
		memcpy(s.trust_digest, cc->session_trust_digest, 32);
	} else {
		s.verify_mode = cfg->verify_mode;
		if (cc->verified) {
			memcpy(s.trust_digest, trust_digest(cc), 32);
		}
	}
	s.alpn = (const uint8_t *)cc->alpn;
	s.alpn_len = cc->alpn_set ? strlen(cc->alpn) : 0;
	s.server_name = (const uint8_t *)cfg->server_name;
	s.server_name_len = cfg->server_name ? strlen(cfg->server_name) : 0;
	if (cfg->server_name == NULL && cfg->verify_ip != NULL) {
		s.verify_ip = (const uint8_t *)cfg->verify_ip;
		s.verify_ip_len = strlen(cfg->verify_ip);
	}
	if (cc->ext_psk < 0) {
		for (i = 0; i < cc->cert_count; i++) {
			s.certs[i] = cc->certs[i];
		}
		s.cert_count = cc->cert_count;
		s.ocsp = cc->peer_mem + cc->ocsp_off;
		s.ocsp_len = cc->ocsp_len;
		s.sct_list = cc->peer_mem + cc->sct_off;
		s.sct_list_len = cc->sct_len;
	}
	blob = cc->reasm + used;
	n = wt_session_write(&s, blob, cc->reasm_cap - used);
	if (n == 0 && (s.cert_count > 1 || s.ocsp_len || s.sct_list_len)) {
		/* A chain that does not fit beside the ticket (a long one
		 * near the 64 KiB message limit; after the handshake, one
		 * over the scratch WT_POST_HS_SCRATCH leaves): keep the leaf,
		 * which the session binding needs
		 * (its validity); the intermediates, OCSP response and SCTs
		 * are only informational. */
		s.cert_count = s.cert_count > 1 ? 1 : s.cert_count;
		s.ocsp_len = s.sct_list_len = 0;
		n = wt_session_write(&s, blob, cc->reasm_cap - used);
	}
	if (n) {
		cc->in_host_callback++;
		cfg->session_cb(cfg->session_ctx, blob, n);
		cc->in_host_callback--;
	}
	/* All of it: a blob that did not fit was written partly (with the
	 * PSK) before the writer gave up. */
	wt_wipe(blob, cc->reasm_cap - used);
}

/* Go: handleKeyUpdate (conn.go) */
static int handle_key_update(wt_engine_ctx *cc, const uint8_t *msg, size_t len)
{
	if (len != 5) {
		return wt_fail(cc, WT_ALERT_DECODE_ERROR, "malformed KeyUpdate");
	}
	if (msg[4] > 1) {
		/* RFC 8446 4.6.3 */
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
			"KeyUpdate with an invalid request_update value");
	}
	if (++cc->key_updates > WT_MAX_KEY_UPDATES) {
		return wt_fail(cc, WT_ALERT_UNEXPECTED_MESSAGE,
			"too many KeyUpdate messages without application data");
	}
	wt_ks_next_secret(cc->suite, cc->ks.server_ap);
	wt_rec_set_read_secret(cc, cc->suite, cc->ks.server_ap);
	/* RFC 8446 4.6.3: answer before our next application data; an
	 * implementation that receives several requests while it is silent
	 * answers them with a single update. */
	if (msg[4] == 1 && !cc->close_sent && !cc->updated_while_silent) {
		return wt_hs13_key_update(cc, 0);
	}
	return 0;
}

/* Queues a KeyUpdate and moves our write key to the next generation
 * (RFC 8446 4.6.3); the engine's wt_engine_key_update checks the state. */
int wt_hs13_key_update(wt_engine_ctx *cc, int request_peer)
{
	uint8_t msg[5] = { WT_HS_KEY_UPDATE, 0, 0, 1, 0 };

	msg[4] = request_peer ? 1 : 0;
	wt_rec_seal_app(cc);
	TRY(wt_rec_queue(cc, WT_CT_HANDSHAKE, msg, sizeof msg, cc->max_fragment));
	wt_ks_next_secret(cc->suite, cc->ks.client_ap);
	wt_rec_set_write_secret(cc, cc->suite, cc->ks.client_ap);
	cc->updated_while_silent = 1;
	return 0;
}

int wt_hs13_message(wt_engine_ctx *cc, const uint8_t *msg, size_t len)
{
	uint8_t type = msg[0];

	switch (cc->hs_state) {
	case HS_WAIT_SH:
	case HS_WAIT_SH_AFTER_HRR:
		if (type == WT_HS_SERVER_HELLO) {
			return on_server_hello(cc, msg, len);
		}
		break;
	case HS_WAIT_EE:
		if (type == WT_HS_ENCRYPTED_EXTENSIONS) {
			return read_server_parameters(cc, msg, len);
		}
		break;
	case HS_WAIT_CERT_OR_CR:
		if (type == WT_HS_CERTIFICATE_REQUEST) {
			return on_certificate_request(cc, msg, len);
		}
		/* fall through */
	case HS_WAIT_CERT:
		if (type == WT_HS_CERTIFICATE) {
			return read_server_certificate(cc, msg, len);
		}
		break;
	case HS_WAIT_CV:
		if (type == WT_HS_CERTIFICATE_VERIFY) {
			return read_server_certificate_verify(cc, msg, len);
		}
		break;
	case HS_WAIT_FINISHED:
		if (type == WT_HS_FINISHED) {
			return read_server_finished(cc, msg, len);
		}
		break;
	case HS_DONE:
		if (type == WT_HS_NEW_SESSION_TICKET) {
			return handle_new_session_ticket(cc, msg, len);
		}
		if (type == WT_HS_KEY_UPDATE) {
			return handle_key_update(cc, msg, len);
		}
		break;
	}
	return wt_fail(cc, WT_ALERT_UNEXPECTED_MESSAGE, "unexpected handshake message");
}
