/*
 * The public sans-I/O engine: buffer/acknowledge pairs, the state word,
 * record dispatch, handshake message reassembly and the sticky error.
 * Only this file turns an error into an alert on the wire.
 */
#include "wt_internal.h"

#define TAG_LEN 16
/* Space kept free in obuf for control records (alerts, KeyUpdate) while
 * application data is staged. */
#define CONTROL_RESERVE 256

/* TLS 1.3's, then TLS 1.2's in Go's order for CPUs with AES instructions
 * (ECDSA before RSA, AES-128 before AES-256 before ChaCha20). */
static const uint16_t default_suites[] = {
	WT_TLS_AES_128_GCM_SHA256, WT_TLS_AES_256_GCM_SHA384,
	WT_TLS_CHACHA20_POLY1305_SHA256,
	WT_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	WT_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	WT_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	WT_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	WT_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	WT_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
};
/* The default signature_algorithms: the TLS 1.3 schemes, then RSA PKCS#1
 * v1.5, which TLS 1.2 servers may sign ServerKeyExchange with (never
 * accepted in a TLS 1.3 CertificateVerify, RFC 8446 4.4.3), as Go lists
 * them. The same list whatever the versions offered: sessions are bound
 * to it (hs13.c trust_digest). */
static const uint16_t default_sig_algs[] = {
	WT_SIG_ECDSA_SECP256R1_SHA256, WT_SIG_ECDSA_SECP384R1_SHA384,
	WT_SIG_ECDSA_SECP521R1_SHA512,
	WT_SIG_RSA_PSS_RSAE_SHA256, WT_SIG_RSA_PSS_RSAE_SHA384,
	WT_SIG_RSA_PSS_RSAE_SHA512,
	WT_SIG_RSA_PKCS1_SHA256, WT_SIG_RSA_PKCS1_SHA384, WT_SIG_RSA_PKCS1_SHA512
};
/* The hybrid first, as Chrome, Firefox, Go 1.24 and OpenSSL 3.5: the
 * default key shares are then X25519MLKEM768 and x25519 (first_key_shares
 * in hs13.c), so a server without the hybrid needs no HelloRetryRequest.
 * It is TLS 1.3's only: a TLS 1.2 ClientHello does not list it (hello.c). */
static const uint16_t default_groups[] = {
	WT_GROUP_X25519MLKEM768, WT_GROUP_X25519, WT_GROUP_SECP256R1, WT_GROUP_SECP384R1
};

int wt_fail(wt_engine_ctx *cc, int err, const char *reason)
{
	if (cc->err == 0) {
		size_t n = strlen(reason);

		if (n >= sizeof cc->reason) {
			n = sizeof cc->reason - 1;
		}
		memcpy(cc->reason, reason, n);
		cc->reason[n] = 0;
		cc->err = err;
		/* Every error is fatal: a failed handshake never needs its
		 * ECDHE private keys again (EOF, API misuse and alerts alike),
		 * nor a TLS 1.2 connection its master secret (the exporter
		 * refuses after an error). */
		wt_hs13_wipe_key_shares(cc);
		wt_hs12_wipe_secrets(cc);
	}
	return err;
}

/* After any error: drop staged plaintext and queue the alert the error
 * maps to (RFC 8446 6.2: fatal alerts close the connection). */
static void send_pending_alert(wt_engine_ctx *cc)
{
	uint8_t alert[2];
	int a;

	if (cc->err == 0 || cc->alert_queued) {
		return;
	}
	cc->alert_queued = 1;
	cc->app_staged = 0;
	cc->app_len = 0;
	a = cc->chosen_alert ? cc->chosen_alert : wt_error_alert(cc->err);
	/* Nothing sent yet (failed init): there is no peer to tell. */
	if (a == 0 || !cc->first_record_sent) {
		cc->out_closed = 1;
		return;
	}
	/* Go (sendAlertLocked): no_renegotiation is the one error alert
	 * sent at warning level (RFC 5746 4.5); it still ends the
	 * connection. */
	alert[0] = a == WT_ALERT_NO_RENEGOTIATION ? 1 : 2;
	alert[1] = (uint8_t)a;
	if (cc->obuf_cap - cc->olen < 5 + 8 + 2 + 1 + TAG_LEN) {
		/* No room: the alert matters more than the records queued
		 * after it, but a record already partly sent is finished. */
		cc->olen = cc->ohead_rest;
	}
	wt_rec_queue(cc, WT_CT_ALERT, alert, 2, 2);
	cc->out_closed = 1;
}

static int suite_ok(uint16_t id) { return wt_suite_get(id) != NULL; }
/* a group src/kex.c has (and so a name) */
static int group_ok(uint16_t id) { return wt_group_info_get(id) != NULL; }

/* Appends text to buf[0..cap), NUL-terminated, truncating. */
static void append(char *buf, size_t cap, const char *text)
{
	size_t n = strlen(buf), m = strlen(text);

	if (m > cap - 1 - n) {
		m = cap - 1 - n;
	}
	memcpy(buf + n, text, m);
	buf[n + m] = 0;
}

/* Fails with WT_ERR_BAD_CONFIG and a reason naming the value:
 * "sig_algs: 0x0401 (rsa_pkcs1_sha256) is not supported". */
static int bad_value(wt_engine_ctx *cc, const char *field, uint16_t v,
	const char *(*name)(uint16_t), const char *why)
{
	static const char hex[] = "0123456789abcdef";
	char reason[sizeof cc->reason], num[7];
	const char *known = name(v);
	int i;

	num[0] = '0';
	num[1] = 'x';
	for (i = 0; i < 4; i++) {
		num[2 + i] = hex[(v >> (12 - 4 * i)) & 15];
	}
	num[6] = 0;
	reason[0] = 0;
	append(reason, sizeof reason, field);
	append(reason, sizeof reason, ": ");
	append(reason, sizeof reason, num);
	if (known) {
		append(reason, sizeof reason, " (");
		append(reason, sizeof reason, known);
		append(reason, sizeof reason, ")");
	}
	append(reason, sizeof reason, " ");
	append(reason, sizeof reason, why);
	return wt_fail(cc, WT_ERR_BAD_CONFIG, reason);
}

/* A configured list of identifiers: at most max entries (too_many says
 * so), each accepted by ok(), none repeated. */
static int check_ids(wt_engine_ctx *cc, const char *field, const uint16_t *list,
	size_t n, size_t max, const char *too_many, int (*ok)(uint16_t),
	const char *(*name)(uint16_t))
{
	size_t i;

	if (n > max) {
		return wt_fail(cc, WT_ERR_BAD_CONFIG, too_many);
	}
	if (n && list == NULL) {
		return wt_fail(cc, WT_ERR_BAD_CONFIG, "a configured list has a count but no entries");
	}
	for (i = 0; i < n; i++) {
		if (!ok(list[i])) {
			return bad_value(cc, field, list[i], name, "is not supported");
		}
		if (wt_list_has(list, i, list[i])) {
			return bad_value(cc, field, list[i], name, "is listed twice");
		}
	}
	return 0;
}

/* RFC 8446 4.2.3 / 4.4.3: the schemes we verify and sign with. */
static int check_sig_lists(wt_engine_ctx *cc, const wt_config *cfg)
{
	static const char *const too_many =
		"sig_algs/sign_algs: more than WT_MAX_SIG_ALGS (16) schemes";

	if (check_ids(cc, "sig_algs", cfg->sig_algs, cfg->sig_alg_count,
		WT_MAX_SIG_ALGS, too_many, wt_sig_listable, wt_sigalg_name))
	{
		return cc->err;
	}
	return check_ids(cc, "sign_algs", cfg->sign_algs, cfg->sign_alg_count,
		WT_MAX_SIG_ALGS, too_many, wt_sig_listable, wt_sigalg_name);
}

/* RFC 8446 4.2.8: each key share is for a group we offer in
 * supported_groups, at most one per group. Needs cc->groups. */
static int check_key_shares(wt_engine_ctx *cc, const wt_config *cfg)
{
	size_t i;

	if (check_ids(cc, "key_shares", cfg->key_shares, cfg->key_share_count,
		WT_MAX_KEY_SHARES, "key_shares: more than WT_MAX_KEY_SHARES (3) groups",
		group_ok, wt_group_name))
	{
		return cc->err;
	}
	if (cfg->no_key_shares && cfg->key_share_count) {
		return wt_fail(cc, WT_ERR_BAD_CONFIG, "no_key_shares set with a key_shares list");
	}
	for (i = 0; i < cfg->key_share_count; i++) {
		if (!wt_list_has(cc->groups, cc->group_count, cfg->key_shares[i])) {
			return bad_value(cc, "key_shares", cfg->key_shares[i], wt_group_name,
				"is not in groups");
		}
	}
	return 0;
}

/* wt_external_psk's limits (RFC 8446 4.2.11: identity<1..2^16-1>; RFC
 * 9258 5.1). */
static int check_psks(wt_engine_ctx *cc, const wt_config *cfg)
{
	size_t i;

	if (cfg->psk_count > WT_MAX_EXTERNAL_PSKS || (cfg->psk_count && !cfg->psks)) {
		return wt_fail(cc, WT_ERR_BAD_CONFIG,
			"psks: more than WT_MAX_EXTERNAL_PSKS (4) external PSKs, or a count without entries");
	}
	for (i = 0; i < cfg->psk_count; i++) {
		const wt_external_psk *p = &cfg->psks[i];

		if (p->identity == NULL || p->identity_len == 0
			|| p->identity_len > WT_MAX_PSK_IDENTITY)
		{
			return wt_fail(cc, WT_ERR_BAD_CONFIG, "external PSK identity must be 1..128 bytes");
		}
		if (p->key == NULL || p->key_len < WT_MIN_PSK_KEY || p->key_len > WT_MAX_PSK_KEY) {
			return wt_fail(cc, WT_ERR_BAD_CONFIG, "external PSK key must be 16..64 bytes");
		}
		if (p->hash != WT_PSK_SHA256 && p->hash != WT_PSK_SHA384) {
			return wt_fail(cc, WT_ERR_BAD_CONFIG, "external PSK hash must be WT_PSK_SHA256 or WT_PSK_SHA384");
		}
		if (p->imported != 0 && p->imported != 1) {
			return wt_fail(cc, WT_ERR_BAD_CONFIG, "external PSK imported must be 0 or 1");
		}
		if (p->context_len > WT_MAX_PSK_IDENTITY || (p->context_len && !p->context)
			|| (p->context_len && !p->imported))
		{
			return wt_fail(cc, WT_ERR_BAD_CONFIG,
				"external PSK context must be 0..128 bytes, and only with imported = 1");
		}
	}
	return 0;
}

static int check_config(wt_engine_ctx *cc, const wt_config *cfg)
{
	size_t i;

	if (cfg->server_name) {
		size_t n = strlen(cfg->server_name);

		if (n == 0 || n > WT_MAX_SERVER_NAME) {
			return wt_fail(cc, WT_ERR_BAD_CONFIG, "server name must be 1..255 bytes");
		}
	}
	if (cfg->alpn_count > WT_MAX_ALPN || (cfg->alpn_count && !cfg->alpn)) {
		return wt_fail(cc, WT_ERR_BAD_CONFIG, "too many ALPN protocols");
	}
	for (i = 0; i < cfg->alpn_count; i++) {
		size_t n = cfg->alpn[i] ? strlen(cfg->alpn[i]) : 0;

		if (n == 0 || n > 255) {
			return wt_fail(cc, WT_ERR_BAD_CONFIG, "ALPN protocol must be 1..255 bytes");
		}
	}
	if (cfg->min_version != 0 && cfg->min_version != WT_VERSION_TLS12
		&& cfg->min_version != WT_VERSION_TLS13)
	{
		return wt_fail(cc, WT_ERR_BAD_CONFIG,
			"min_version must be WT_VERSION_TLS12 or WT_VERSION_TLS13");
	}
	if (check_ids(cc, "cipher_suites", cfg->cipher_suites, cfg->cipher_suite_count,
			WT_MAX_SUITES, "cipher_suites: more than WT_MAX_SUITES (9) suites",
			suite_ok, wt_suite_name)
		|| check_ids(cc, "groups", cfg->groups, cfg->group_count, WT_MAX_GROUPS,
			"groups: more than WT_MAX_GROUPS (6) groups", group_ok, wt_group_name)
		|| check_sig_lists(cc, cfg) || check_psks(cc, cfg))
	{
		return cc->err;
	}
	if (cfg->max_fragment && (cfg->max_fragment < 64 || cfg->max_fragment > WT_MAX_PLAINTEXT)) {
		return wt_fail(cc, WT_ERR_BAD_CONFIG, "max_fragment must be in [64, 16384]");
	}
	if (cfg->verify_mode != WT_VERIFY_FULL && cfg->verify_mode != WT_VERIFY_NONE) {
		return wt_fail(cc, WT_ERR_BAD_CONFIG, "unknown verify mode");
	}
	if (cfg->cert_profile != WT_CERT_PROFILE_WEB && cfg->cert_profile != WT_CERT_PROFILE_PRIVATE) {
		return wt_fail(cc, WT_ERR_BAD_CONFIG, "unknown certificate profile (cert_profile)");
	}
	if (cfg->verify_mode == WT_VERIFY_FULL && cfg->trust_anchor_count == 0) {
		return wt_fail(cc, WT_ERR_BAD_CONFIG, "no trust anchors for certificate verification");
	}
	if (cfg->client_cert && cfg->client_cert->chain_len > 0
		&& wt_client_cert_check(cfg->client_cert) != 0)
	{
		return wt_fail(cc, WT_ERR_BAD_CONFIG,
			"client certificate and private key do not match");
	}
	if (cfg->verify_mode == WT_VERIFY_FULL && !cfg->server_name && !cfg->verify_ip) {
		return wt_fail(cc, WT_ERR_BAD_CONFIG,
			"certificate verification needs a server name or IP address");
	}
	return 0;
}

/* A group a TLS 1.2 ServerKeyExchange can name: ECDHE's (RFC 8422 5.1.1),
 * not the post-quantum ones. */
static int has_tls12_group(const wt_engine_ctx *cc)
{
	size_t i;

	for (i = 0; i < cc->group_count; i++) {
		if (wt_group_info_get(cc->groups[i])->mlkem_k == 0) {
			return 1;
		}
	}
	return 0;
}

/* The suites we offer and so the versions: TLS 1.3 if a TLS 1.3 suite
 * is listed, TLS 1.2 if one of its suites is and min_version allows it.
 * External PSKs with nothing to check a certificate (WT_VERIFY_NONE, no
 * verify_cb: wt_external_psk) leave TLS 1.2 out too: only a PSK may
 * authenticate the server then, and a TLS 1.2 server cannot use one
 * (RFC 9258 1: the PSK is for TLS 1.3), so a TLS 1.2 ServerHello gets
 * protocol_version instead of an unauthenticated handshake. */
static int choose_versions(wt_engine_ctx *cc, const wt_config *cfg)
{
	const uint16_t *list = cfg->cipher_suite_count ? cfg->cipher_suites : default_suites;
	size_t n = cfg->cipher_suite_count ? cfg->cipher_suite_count
		: sizeof default_suites / sizeof default_suites[0];
	size_t i;
	int psk_only = cfg->psk_count && cfg->verify_mode == WT_VERIFY_NONE
		&& cfg->verify_cb == NULL;

	for (i = 0; i < n; i++) {
		int v12 = wt_suite_get(list[i])->tls12_auth != 0;

		if (v12 && psk_only) {
			continue;
		}
		if (v12 && cfg->min_version == WT_VERSION_TLS13) {
			if (cfg->cipher_suite_count) {
				return bad_value(cc, "cipher_suites", list[i],
					wt_suite_name, "is a TLS 1.2 suite and min_version is TLS 1.3");
			}
			continue;    /* the defaults: TLS 1.3's only */
		}
		cc->suites[cc->suite_count++] = list[i];
		cc->offer_tls12 |= v12;
		cc->offer_tls13 |= !v12;
	}
	if (!cc->offer_tls12 && !cc->offer_tls13) {
		return wt_fail(cc, WT_ERR_BAD_CONFIG, "cipher_suites: no suite for an enabled version");
	}
	return 0;
}

/* wt_handshake's alignment, in C99 (where the area must start) */
struct hs_align {
	char c;
	wt_handshake h;
};

/* Points msg and chain into an area of len bytes: hs->space halved
 * (a Certificate message, and the copies of its certificates), each
 * half at most its maximum. */
static void set_area(wt_engine_ctx *cc, void *area, size_t len)
{
	size_t space = len > sizeof(wt_handshake) ? sizeof(wt_handshake) : len;

	space -= offsetof(wt_handshake, space);
	cc->hs = area;
	cc->hs_area_len = len;
	cc->chain_cap = space / 2 < WT_HS_MAX_CHAIN ? space / 2 : WT_HS_MAX_CHAIN;
	cc->msg_cap = space - cc->chain_cap;
	if (cc->msg_cap > WT_MAX_HS_MESSAGE + 4) {
		cc->msg_cap = WT_MAX_HS_MESSAGE + 4;
		cc->chain_cap = space - cc->msg_cap;
	}
	cc->msg = cc->hs->space;
	cc->chain = cc->hs->space + cc->msg_cap;
}

/* A pointer p into [from, from + len) moved to the same place at to. */
static const uint8_t *rebase(const uint8_t *p, const uint8_t *from, size_t len, const uint8_t *to)
{
	if (p != NULL && (uintptr_t)p >= (uintptr_t)from && (uintptr_t)p < (uintptr_t)from + len) {
		return to + (p - from);
	}
	return p;
}

/* wt_internal.h */
int wt_hs_try_reserve(wt_engine_ctx *cc, size_t msg_need, size_t chain_need)
{
	wt_handshake *old = cc->hs;
	uint8_t *old_msg = cc->msg, *old_chain = cc->chain, *area;
	size_t old_len = cc->hs_area_len, old_chain_cap = cc->chain_cap, old_msg_cap = cc->msg_cap;
	size_t len, i;
	br_x509_pkey *k;

	if (msg_need > WT_MAX_HS_MESSAGE + 4) {
		msg_need = WT_MAX_HS_MESSAGE + 4;
	}
	if (chain_need > WT_HS_MAX_CHAIN) {
		chain_need = WT_HS_MAX_CHAIN;
	}
	if (old == NULL || (msg_need <= cc->msg_cap && chain_need <= cc->chain_cap)) {
		return 0;
	}
	if (cc->area_alloc == NULL) {
		return -1;   /* the caller fails as before: too large */
	}
	if (msg_need < cc->msg_cap) {
		msg_need = cc->msg_cap;
	}
	if (chain_need < cc->chain_cap) {
		chain_need = cc->chain_cap;
	}
	len = offsetof(wt_handshake, space) + msg_need + chain_need;
	/* Past half the largest area, straight to the largest: the old block
	 * is freed only after the copy, so growing in steps would let a
	 * server make the host hold two near-maximal blocks at once. */
	if (len > sizeof(wt_handshake) / 2) {
		msg_need = WT_MAX_HS_MESSAGE + 4;
		chain_need = WT_HS_MAX_CHAIN;
		len = offsetof(wt_handshake, space) + msg_need + chain_need;
	}
	cc->in_host_callback++;
	area = cc->area_alloc(cc->area_ctx, len);
	cc->in_host_callback--;
	if (area == NULL) {
		return -2;
	}
	if ((uintptr_t)area % offsetof(struct hs_align, h) != 0) {
		/* the engine's own fields live there: a host allocator must
		 * align as malloc does */
		cc->in_host_callback++;
		cc->area_free(cc->area_ctx, area, len);
		cc->in_host_callback--;
		return -2;
	}
	/* The fixed part, the message space whole (a message being
	 * reassembled, or ours being written), the chain's used front (and
	 * a TLS 1.2 ticket after it) and the CA names at its end. */
	memset(area, 0, len);
	memcpy(area, old, offsetof(wt_handshake, space));
	cc->hs = (wt_handshake *)area;
	cc->hs_area_len = len;
	cc->msg_cap = msg_need;
	cc->chain_cap = chain_need;
	cc->msg = cc->hs->space;
	cc->chain = cc->hs->space + msg_need;
	memcpy(cc->msg, old_msg, old_msg_cap);
	memcpy(cc->chain, old_chain, cc->chain_used + cc->t12.ticket_len);
	memcpy(cc->chain + cc->chain_cap - cc->ca_names_len,
		old_chain + old_chain_cap - cc->ca_names_len, cc->ca_names_len);
	/* Every pointer into the old area moves with it: the reassembly
	 * buffer, the peer certificates, the leaf key's fields. */
	if (cc->reasm == old_msg) {
		cc->reasm = cc->msg;
		cc->reasm_cap = cc->msg_cap;
	}
	cc->hs->cookie = rebase(cc->hs->cookie, old_msg, old_msg_cap, cc->msg);
	if (cc->peer_mem == old_chain) {
		cc->peer_mem = cc->chain;
		for (i = 0; i < cc->cert_count; i++) {
			cc->certs[i].der = rebase(cc->certs[i].der, old_chain, old_chain_cap, cc->chain);
		}
	}
	k = &cc->hs->leaf.pkey;
	if (k->key_type == BR_KEYTYPE_RSA) {
		k->key.rsa.n = (unsigned char *)rebase(k->key.rsa.n, old->leaf.buf, sizeof old->leaf.buf, cc->hs->leaf.buf);
		k->key.rsa.e = (unsigned char *)rebase(k->key.rsa.e, old->leaf.buf, sizeof old->leaf.buf, cc->hs->leaf.buf);
	} else if (k->key_type == BR_KEYTYPE_EC) {
		k->key.ec.q = (unsigned char *)rebase(k->key.ec.q, old->leaf.buf, sizeof old->leaf.buf, cc->hs->leaf.buf);
	}
	wt_wipe(old, old_len);
	if (cc->area_free) {
		cc->in_host_callback++;
		cc->area_free(cc->area_ctx, old, old_len);
		cc->in_host_callback--;
	}
	return 0;
}

/* wt_internal.h */
int wt_hs_reserve(wt_engine_ctx *cc, size_t msg_need, size_t chain_need)
{
	int r = wt_hs_try_reserve(cc, msg_need, chain_need);

	if (r == -2) {
		return wt_fail(cc, WT_ALERT_INTERNAL_ERROR, "out of memory for the handshake area");
	}
	return r;
}

int wt_engine_init(wt_engine_ctx *cc, const wt_config *cfg, const wt_host *host,
	const wt_engine_mem *mem)
{
	memset(cc, 0, sizeof *cc);
	cc->cfg = cfg;
	cc->ext_psk = cc->session_ext_psk = -1;   /* also if init fails */
#ifdef WT_FUZZING_UNSAFE
	/* Keeps a fuzzing-mode engine from linking into anything but a
	 * libFuzzer target (wt_internal.h). */
	if (wt_fuzzing_unsafe_needs_libfuzzer == NULL) {
		return wt_fail(cc, WT_ERR_BAD_STATE, "fuzzing build");
	}
#endif
	if (host == NULL || host->random == NULL || host->now_ms == NULL) {
		return wt_fail(cc, WT_ERR_BAD_CONFIG, "host must supply random and now_ms");
	}
	cc->host = *host;
	if (mem == NULL || mem->in == NULL
		|| wt_engine_set_buffers(cc, mem->in, mem->in_len, mem->out, mem->out_len))
	{
		return wt_fail(cc, WT_ERR_BAD_CONFIG,
			"record buffers missing or smaller than WT_MIN_INBUF / WT_MIN_OUTBUF");
	}
	if (mem->hs == NULL || (uintptr_t)mem->hs % offsetof(struct hs_align, h) != 0
		|| mem->hs_len < (mem->area_alloc ? WT_HS_AREA_MIN : sizeof(wt_handshake)))
	{
		return wt_fail(cc, WT_ERR_BAD_CONFIG,
			"handshake area missing, misaligned or smaller than wt_engine_handshake_area_size() (WT_HS_AREA_MIN with area_alloc)");
	}
	cc->area_alloc = mem->area_alloc;
	cc->area_free = mem->area_free;
	cc->area_ctx = mem->area_ctx;
	set_area(cc, mem->hs, mem->hs_len);
	memset(cc->hs, 0, cc->hs_area_len);
	cc->peer_mem = cc->chain;
	if (check_config(cc, cfg)) {
		return cc->err;
	}
	if (choose_versions(cc, cfg)) {
		return cc->err;
	}
	if (cfg->group_count) {
		memcpy(cc->groups, cfg->groups, cfg->group_count * 2);
		cc->group_count = cfg->group_count;
	} else {
		memcpy(cc->groups, default_groups, sizeof default_groups);
		cc->group_count = sizeof default_groups / sizeof default_groups[0];
	}
	if (check_key_shares(cc, cfg)) {
		return cc->err;
	}
	if (!cc->offer_tls13 && !has_tls12_group(cc)) {
		return wt_fail(cc, WT_ERR_BAD_CONFIG,
			"groups: no group for TLS 1.2 (only TLS 1.2 suites, and the post-quantum groups are TLS 1.3's)");
	}
	if (cfg->sig_alg_count) {
		cc->sig_algs = cfg->sig_algs;
		cc->sig_alg_count = cfg->sig_alg_count;
	} else {
		cc->sig_algs = default_sig_algs;
		cc->sig_alg_count = sizeof default_sig_algs / sizeof default_sig_algs[0];
	}
	cc->max_fragment = cfg->max_fragment ? cfg->max_fragment : WT_MAX_PLAINTEXT;
	wt_hs13_start(cc);
	send_pending_alert(cc);
	return cc->err;
}

/* 0-RTT: application data may go out under the early key from the first
 * ClientHello until the server's first flight arrives (cc->suite is set
 * by the ServerHello or HelloRetryRequest), up to the ticket's
 * max_early_data (RFC 8446 4.2.10). */
static int early_open(const wt_engine_ctx *cc)
{
	return cc->early_state == WT_EARLY_PENDING && cc->suite == NULL
		&& cc->early_sent < cc->ticket_max_early;
}

static size_t sendapp_room(const wt_engine_ctx *cc)
{
	size_t avail = cc->obuf_cap - cc->olen;
	/* the record around the staged data: header, TLS 1.2 AES-GCM's
	 * explicit nonce, tag, TLS 1.3's content type (wt_rec_overhead is
	 * the header only before the write key is set) */
	size_t overhead = 5 + 8 + 1 + TAG_LEN + CONTROL_RESERVE;
	size_t room;

	if (avail <= overhead) {
		return 0;
	}
	room = avail - overhead;
	if (room > cc->max_fragment) {
		room = cc->max_fragment;
	}
	room = room > cc->app_staged ? room - cc->app_staged : 0;
	if (!cc->handshake_done && room > cc->ticket_max_early - cc->early_sent) {
		room = cc->ticket_max_early - cc->early_sent;
	}
	return room;
}

/* RFC 8446 5.5: records under one traffic key before we change it. */
static uint64_t key_limit(const wt_engine_ctx *cc)
{
	if (cc->cfg->key_update_after != 0) {
		return cc->cfg->key_update_after;
	}
	/* AES-GCM: 2^24.5 full-size records keep the margin RFC 8446 5.5
	 * asks for; ChaCha20-Poly1305's limit lies beyond the sequence
	 * space, 2^60 only guards against its wrap. */
	return cc->suite->id == WT_TLS_CHACHA20_POLY1305_SHA256
		? (uint64_t)1 << 60 : (uint64_t)1 << 24;
}

/* A KeyUpdate may go out: handshake done, write side open, no error. */
static int may_update_keys(const wt_engine_ctx *cc)
{
	/* TLS 1.2 has no KeyUpdate (a renegotiation would be its only way) */
	return !cc->err && cc->handshake_done && !cc->close_sent
		&& cc->version == WT_VERSION_TLS13;
}

/* Updates our keys on our own before the write key reaches its limit, and
 * asks the peer to update (update_requested, once per read key) when its
 * key reaches it. */
static void update_keys_if_worn(wt_engine_ctx *cc)
{
	uint64_t limit;
	int ask_peer;

	if (!may_update_keys(cc)) {
		return;
	}
	limit = key_limit(cc);
	ask_peer = cc->rd_seq >= limit && !cc->peer_update_requested;
	if (cc->wr_seq >= limit || ask_peer) {
		cc->peer_update_requested |= ask_peer;
		wt_hs13_key_update(cc, ask_peer);
		send_pending_alert(cc);
	}
}

unsigned wt_engine_current_state(const wt_engine_ctx *cc)
{
	unsigned s = 0;
	int finished = cc->err || (cc->close_sent && cc->close_received);

	if (cc->olen > 0) {
		s |= WT_SENDREC;
	}
	if (finished) {
		return s ? s : WT_CLOSED;
	}
	if (cc->app_len > 0) {
		s |= WT_RECVAPP;
	} else if (!cc->close_received && !cc->eof) {
		s |= WT_RECVREC;
	}
	/* Detached buffers (wt_engine_set_buffers) do not change what the
	 * connection can do: any attachable send buffer has room. */
	if (!cc->close_sent && (cc->obuf == NULL || sendapp_room(cc) > 0)) {
		/* Early data gets its own bit so a pump that only knows
		 * WT_SENDAPP never writes replayable 0-RTT data by accident. */
		if (cc->handshake_done) {
			s |= WT_SENDAPP;
		} else if (early_open(cc)) {
			s |= WT_SENDEARLY;
		}
	}
	return s;
}

uint8_t *wt_engine_sendrec_buf(wt_engine_ctx *cc, size_t *len)
{
	*len = cc->olen;
	return cc->olen ? cc->obuf : NULL;
}

void wt_engine_sendrec_ack(wt_engine_ctx *cc, size_t len)
{
	size_t tail;

	if (len == 0 || len > cc->olen) {
		return;
	}
	/* Where the acknowledged bytes end in the record stream: ohead_rest
	 * is what is left of a record the host has sent only part of (such a
	 * record must go out whole, even when an alert later needs room). */
	{
		size_t pos = cc->ohead_rest;

		while (pos < len) {
			pos += 5 + ((size_t)cc->obuf[pos + 3] << 8 | cc->obuf[pos + 4]);
		}
		cc->ohead_rest = pos - len;
	}
	/* Keep any staged application plaintext (after its header slot). */
	tail = cc->olen - len + (cc->app_staged ? wt_rec_head(cc) + cc->app_staged : 0);
	memmove(cc->obuf, cc->obuf + len, tail);
	cc->olen -= len;
}

uint8_t *wt_engine_recvrec_buf(wt_engine_ctx *cc, size_t *len)
{
	size_t want;

	if (cc->ibuf == NULL || !(wt_engine_current_state(cc) & WT_RECVREC)) {
		*len = 0;
		return NULL;
	}
	if (cc->ilen < 5) {
		want = 5 - cc->ilen;
	} else {
		want = 5 + ((size_t)cc->ibuf[3] << 8 | cc->ibuf[4]) - cc->ilen;
	}
	*len = want;
	return cc->ibuf + cc->ilen;
}

/* Feeds handshake bytes from one record into the reassembly buffer and
 * runs every message that completes (several per record, or one message
 * over several records). */
static void process_handshake(wt_engine_ctx *cc, const uint8_t *p, size_t n)
{
	if (n == 0) {
		/* RFC 8446 5.1: no zero-length handshake fragments. */
		wt_fail(cc, WT_ALERT_UNEXPECTED_MESSAGE, "empty handshake record");
		return;
	}
	cc->rd_key_changed = 0;
	while (!cc->err) {
		size_t mlen, take, max;

		if (cc->rd_key_changed && n > 0) {
			/* RFC 8446 5.1: handshake messages must not span a key
			 * change; the record must end where the keys changed. */
			wt_fail(cc, WT_ALERT_UNEXPECTED_MESSAGE,
				"handshake data after a key change in the same record");
			return;
		}
		if (cc->hs_len == 0) {
			/* Where this message is reassembled: the handshake
			 * area until the handshake is done (it may be gone
			 * after), then the receive buffer's tail. */
			cc->reasm = cc->handshake_done ? cc->ibuf + WT_MAX_RECORD : cc->msg;
			cc->reasm_cap = cc->handshake_done ? WT_POST_HS_SCRATCH : cc->msg_cap;
		}
		if (cc->hs_skip > 0) {
			take = cc->hs_skip < n ? cc->hs_skip : n;
			cc->hs_skip -= take;
			p += take;
			n -= take;
			if (cc->hs_skip > 0) {
				return;
			}
			cc->hs_len = 0;
			if (n == 0) {
				return;
			}
			continue;
		}
		if (cc->hs_len < 4) {
			take = 4 - cc->hs_len < n ? 4 - cc->hs_len : n;
			memcpy(cc->reasm + cc->hs_len, p, take);
			cc->hs_len += take;
			p += take;
			n -= take;
			if (cc->hs_len < 4) {
				return;   /* wait for the rest of the header */
			}
		}
		mlen = (size_t)cc->reasm[1] << 16 | (size_t)cc->reasm[2] << 8 | cc->reasm[3];
		max = cc->handshake_done ? WT_MAX_POST_HS_MESSAGE - 4 : WT_MAX_HS_MESSAGE;
		if (mlen > max && mlen <= WT_MAX_HS_MESSAGE && cc->handshake_done
			&& cc->reasm[0] == WT_HS_NEW_SESSION_TICKET && cc->version == WT_VERSION_TLS13)
		{
			/* A ticket over WT_MAX_TICKET would not be stored
			 * anyway: drop the message unread (up to Go's
			 * maxHandshake, as before; longer is internal_error
			 * below, as for every message). */
			cc->hs_skip = mlen - (cc->hs_len - 4);
			continue;
		}
		if (mlen > max) {
			/* Go (conn.go readHandshake): internal_error, as soon as
			 * the header is in. Post-handshake, only a
			 * NewSessionTicket may be that long. */
			int huge = !cc->handshake_done || mlen > WT_MAX_HS_MESSAGE;

			wt_fail(cc, huge ? WT_ALERT_INTERNAL_ERROR : WT_ALERT_UNEXPECTED_MESSAGE,
				huge ? "handshake message exceeds 65536 bytes"
				: "post-handshake message too long");
			return;
		}
		if (!cc->handshake_done && cc->hs_len == 4) {
			/* Room for the message, and for the copies of what it
			 * says about the server's certificate (a Certificate's
			 * chain, a CertificateStatus's OCSP response, a TLS 1.2
			 * ServerHello's SCTs or ticket, a CertificateRequest's CA names):
			 * asked for now, while nothing points into the area. */
			uint8_t t = cc->reasm[0];
			size_t chain = t == WT_HS_CERTIFICATE || t == 22 /* TLS 1.2 CertificateStatus */
				|| t == WT_HS_SERVER_HELLO || t == WT_HS_CERTIFICATE_REQUEST
				|| t == WT_HS_NEW_SESSION_TICKET   /* TLS 1.2: the ticket waits there */
				? cc->chain_used + cc->ca_names_len + mlen : 0;

			/* -1 (an area that cannot grow) leaves the bound
			 * below and the chain's own checks to refuse */
			(void)wt_hs_reserve(cc, 4 + mlen, chain);
			if (cc->err) {
				return;
			}
		}
		if (4 + mlen > cc->reasm_cap) {
			wt_fail(cc, WT_ALERT_INTERNAL_ERROR, "handshake message larger than its buffer");
			return;
		}
		take = 4 + mlen - cc->hs_len < n ? 4 + mlen - cc->hs_len : n;
		memcpy(cc->reasm + cc->hs_len, p, take);
		cc->hs_len += take;
		p += take;
		n -= take;
		if (cc->hs_len < 4 + mlen) {
			return;   /* the message continues in the next record */
		}
		cc->hs_len = 0;
		cc->hs_more_in_record = n > 0;
		if (cc->version == WT_VERSION_TLS12) {
			wt_hs12_message(cc, cc->reasm, 4 + mlen);
		} else {
			wt_hs13_message(cc, cc->reasm, 4 + mlen);
		}
		if (n == 0) {
			return;
		}
	}
}

/* RFC 5246 7.2.2: the alerts it calls always fatal (or "a fatal
 * error"), RFC 5246 7.4.1.4's unsupported_extension included. */
static int always_fatal12(uint8_t d)
{
	switch (d) {
	case 10: case 20: case 22: case 30: case 40: case 47: case 48: case 49:
	case 50: case 51: case 70: case 71: case 80: case 110:
		return 1;
	default:
		return 0;
	}
}

static void process_alert(wt_engine_ctx *cc, const uint8_t *p, size_t n)
{
	if (n != 2) {
		wt_fail(cc, WT_ALERT_UNEXPECTED_MESSAGE, "malformed alert record");
		return;
	}
	if (p[1] == WT_ALERT_CLOSE_NOTIFY) {
		cc->close_received = 1;
		if (!cc->handshake_done) {
			wt_fail(cc, WT_ERR_ALERT_RECEIVED | 0,
				"server sent close_notify during the handshake");
		} else if (!cc->close_sent) {
			/* Answer with our own close_notify (RFC 8446 6.1). */
			wt_engine_close(cc);
		}
		return;
	}
	if (p[1] == WT_ALERT_USER_CANCELED) {
		/* Go, BoringSSL, NSS and rustls ignore user_canceled in TLS 1.3
		 * (RFC 8446 6.1 makes it a warning). It is the one alert a peer
		 * may repeat without consequence, so it gets its own, tighter
		 * limit (BoringSSL's); it also counts as an ignored record. */
		if (++cc->warning_alerts > WT_MAX_WARNING_ALERTS) {
			wt_fail(cc, WT_ALERT_UNEXPECTED_MESSAGE, "too many warning alerts");
		} else if (++cc->useless_records > WT_MAX_USELESS_RECORDS) {
			wt_fail(cc, WT_ALERT_UNEXPECTED_MESSAGE, "too many ignored records");
		}
		return;
	}
	if (p[0] == 1 && (cc->version == WT_VERSION_TLS12
		|| (cc->version == 0 && cc->offer_tls12 && !always_fatal12(p[1]))))
	{
		/* RFC 5246 7.2: a warning in TLS 1.2 (no_renegotiation, ...) is
		 * dropped, as Go does (conn.go readRecordOrCCS: every warning
		 * unless the version is TLS 1.3), within the ignored-records
		 * limit. Before the ServerHello (the server may still pick TLS
		 * 1.3, where it would be fatal, RFC 8446 6) only one RFC 5246
		 * allows as a warning, such as an SNI unrecognized_name (RFC
		 * 6066 3); Go drops any. */
		if (++cc->useless_records > WT_MAX_USELESS_RECORDS) {
			wt_fail(cc, WT_ALERT_UNEXPECTED_MESSAGE, "too many ignored records");
		}
		return;
	}
	/* RFC 8446 6.2: every other alert is fatal whatever its level. */
	wt_fail(cc, WT_ERR_ALERT_RECEIVED | p[1], wt_alert_name(p[1]));
}

static void process_record(wt_engine_ctx *cc)
{
	uint8_t type, *p;
	size_t n;
	int decrypted;

	if (wt_rec_open(cc, &type, &p, &n, &decrypted)) {
		return;
	}
	if (cc->hs_len > 0 && type != WT_CT_HANDSHAKE) {
		/* RFC 8446 5.1: nothing may be interleaved between the
		 * fragments of a handshake message. */
		wt_fail(cc, WT_ALERT_UNEXPECTED_MESSAGE,
			"record interleaved inside a fragmented handshake message");
		cc->ilen = 0;
		return;
	}
	switch (type) {
	case WT_CT_CHANGE_CIPHER_SPEC:
		if (cc->version == WT_VERSION_TLS12) {
			/* RFC 5246 7.1: one byte 0x01, where hs12.c expects it */
			if (n != 1 || p[0] != 1) {
				wt_fail(cc, WT_ALERT_DECODE_ERROR, "malformed change_cipher_spec");
			} else {
				wt_hs12_change_cipher_spec(cc);
			}
			break;
		}
		/* RFC 8446 5 and D.4: a single 0x01 byte, unprotected, only
		 * before the server Finished. */
		if (n != 1 || p[0] != 1 || cc->handshake_done || decrypted) {
			wt_fail(cc, WT_ALERT_UNEXPECTED_MESSAGE, "unexpected change_cipher_spec");
		} else if (++cc->useless_records > WT_MAX_USELESS_RECORDS) {
			wt_fail(cc, WT_ALERT_UNEXPECTED_MESSAGE, "too many ignored records");
		}
		break;
	case WT_CT_ALERT:
		process_alert(cc, p, n);
		break;
	case WT_CT_HANDSHAKE:
		cc->useless_records = 0;
		cc->warning_alerts = 0;
		process_handshake(cc, p, n);
		break;
	case WT_CT_APPLICATION_DATA:
		if (!cc->handshake_done) {
			wt_fail(cc, WT_ALERT_UNEXPECTED_MESSAGE,
				"application data before the handshake completed");
		} else if (n == 0) {
			if (++cc->useless_records > WT_MAX_USELESS_RECORDS) {
				wt_fail(cc, WT_ALERT_UNEXPECTED_MESSAGE, "too many ignored records");
			}
		} else {
			cc->useless_records = 0;
			cc->warning_alerts = 0;
			cc->key_updates = 0;
			cc->app_off = (size_t)(p - cc->ibuf);
			cc->app_len = n;
			update_keys_if_worn(cc);
			return;   /* ibuf stays busy until recvapp is drained */
		}
		break;
	default:
		wt_fail(cc, WT_ALERT_UNEXPECTED_MESSAGE, "record of unknown content type");
		break;
	}
	cc->ilen = 0;
}

void wt_engine_recvrec_ack(wt_engine_ctx *cc, size_t len)
{
	size_t want;

	if (cc->err) {
		return;
	}
	wt_engine_recvrec_buf(cc, &want);
	if (len > want) {
		wt_fail(cc, WT_ERR_BAD_STATE, "recvrec_ack beyond the offered buffer");
		return;
	}
	cc->ilen += len;
	if (cc->ilen == 5 && len > 0) {
		wt_rec_check_header(cc);
	}
	if (!cc->err && cc->ilen >= 5
		&& cc->ilen == 5 + ((size_t)cc->ibuf[3] << 8 | cc->ibuf[4]))
	{
		process_record(cc);
	}
	send_pending_alert(cc);
}

uint8_t *wt_engine_sendapp_buf(wt_engine_ctx *cc, size_t *len)
{
	if (cc->obuf == NULL || !(wt_engine_current_state(cc) & (WT_SENDAPP | WT_SENDEARLY))) {
		*len = 0;
		return NULL;
	}
	*len = sendapp_room(cc);
	return cc->obuf + cc->olen + wt_rec_head(cc) + cc->app_staged;
}

void wt_engine_sendapp_ack(wt_engine_ctx *cc, size_t len)
{
	size_t room;

	if (!(wt_engine_current_state(cc) & (WT_SENDAPP | WT_SENDEARLY))) {
		return;
	}
	room = sendapp_room(cc);
	if (len > room) {
		wt_fail(cc, WT_ERR_BAD_STATE, "sendapp_ack beyond the offered buffer");
		send_pending_alert(cc);
		return;
	}
	cc->app_staged += len;
	if (!cc->handshake_done) {
		cc->early_sent += len;
	}
	if (cc->app_staged >= cc->max_fragment) {
		wt_rec_seal_app(cc);
		update_keys_if_worn(cc);
	}
}

uint8_t *wt_engine_recvapp_buf(wt_engine_ctx *cc, size_t *len)
{
	*len = cc->err ? 0 : cc->app_len;
	return *len ? cc->ibuf + cc->app_off : NULL;
}

void wt_engine_recvapp_ack(wt_engine_ctx *cc, size_t len)
{
	if (len > cc->app_len) {
		len = cc->app_len;
	}
	cc->app_off += len;
	cc->app_len -= len;
	if (cc->app_len == 0) {
		cc->ilen = 0;
	}
}

void wt_engine_flush(wt_engine_ctx *cc)
{
	/* detached buffers hold nothing to seal (wt_engine_buffers_idle) */
	if (!cc->err && cc->obuf != NULL) {
		wt_rec_seal_app(cc);
		update_keys_if_worn(cc);
	}
}

int wt_engine_key_update(wt_engine_ctx *cc, int request_peer)
{
	int err;

	if (!may_update_keys(cc) || cc->obuf == NULL) {
		return WT_ERR_BAD_STATE;
	}
	err = wt_hs13_key_update(cc, request_peer);
	send_pending_alert(cc);   /* a failure goes on the wire like any other */
	return err;
}

void wt_engine_close(wt_engine_ctx *cc)
{
	static const uint8_t close_notify[2] = { 1, WT_ALERT_CLOSE_NOTIFY };

	if (cc->err || cc->close_sent) {
		return;
	}
	if (!cc->handshake_done) {
		/* Abandoning a handshake: user_canceled is the polite way
		 * (RFC 8446 6.1), but it is fatal for us either way. */
		wt_fail(cc, WT_ERR_BAD_STATE, "closed before the handshake completed");
		send_pending_alert(cc);
		return;
	}
	cc->close_sent = 1;
	wt_rec_queue(cc, WT_CT_ALERT, close_notify, 2, 2);
	send_pending_alert(cc);
}

int wt_engine_abort(wt_engine_ctx *cc, int alert)
{
	if (!wt_alert_is_fatal(alert)) {
		return WT_ERR_BAD_CONFIG;
	}
	if (cc->err || cc->close_sent || cc->obuf == NULL) {
		return WT_ERR_BAD_STATE;   /* detached: no room for the alert */
	}
	cc->chosen_alert = (uint8_t)alert;
	wt_fail(cc, WT_ERR_ABORTED, "the host aborted the connection");
	send_pending_alert(cc);
	return 0;
}

int wt_engine_buffers_idle(const wt_engine_ctx *cc)
{
	/* a partial post-handshake message lives in the receive buffer */
	int reasm_in_ibuf = cc->hs_len > 0 && (cc->hs == NULL || cc->reasm != cc->msg);

	return cc->ilen == 0 && cc->app_len == 0 && cc->olen == 0 && cc->app_staged == 0
		&& !reasm_in_ibuf;
}

size_t wt_engine_handshake_area_size(void)
{
	return sizeof(wt_handshake);
}

size_t wt_engine_peer_keep_size(const wt_engine_ctx *cc)
{
	size_t i, n = cc->ocsp_len + cc->sct_len;

	for (i = 0; i < cc->cert_count; i++) {
		n += cc->certs[i].len;
	}
	return n;
}

/* Copies the peer credentials out of the handshake area into keep (NULL:
 * drops them) and points peer_mem, certs and the offsets there. */
static void move_peer_credentials(wt_engine_ctx *cc, uint8_t *keep)
{
	size_t i, off = 0;

	if (keep == NULL) {
		cc->cert_count = cc->ocsp_len = cc->sct_len = 0;
	}
	for (i = 0; i < cc->cert_count; i++) {
		memcpy(keep + off, cc->certs[i].der, cc->certs[i].len);
		cc->certs[i].der = keep + off;
		off += cc->certs[i].len;
	}
	if (cc->ocsp_len) {
		memcpy(keep + off, cc->peer_mem + cc->ocsp_off, cc->ocsp_len);
		cc->ocsp_off = off;
		off += cc->ocsp_len;
	}
	if (cc->sct_len) {
		memcpy(keep + off, cc->peer_mem + cc->sct_off, cc->sct_len);
		cc->sct_off = off;
	}
	cc->peer_mem = keep;
}

int wt_engine_release_handshake(wt_engine_ctx *cc, uint8_t *keep, size_t keep_len)
{
	if (cc->hs == NULL) {
		return 0;
	}
	/* Not from inside a callback: the engine goes on using the area
	 * (the session blob, the chain) once the callback returns. */
	if (cc->in_host_callback) {
		return WT_ERR_BAD_STATE;
	}
	/* Done or failed; and no message of the handshake still being
	 * reassembled in the area (TLS 1.2: a record may go on after the
	 * server Finished). */
	if (!cc->err && (!cc->handshake_done || (cc->hs_len > 0 && cc->reasm == cc->msg))) {
		return WT_ERR_BAD_STATE;
	}
	if (keep != NULL && keep_len < wt_engine_peer_keep_size(cc)) {
		return WT_ERR_BUFFER_TOO_SMALL;
	}
	move_peer_credentials(cc, keep);
	wt_wipe(cc->hs, cc->hs_area_len);
	cc->hs = NULL;
	cc->msg = cc->chain = NULL;
	cc->msg_cap = cc->chain_cap = cc->hs_area_len = 0;
	return 0;
}

int wt_engine_set_buffers(wt_engine_ctx *cc, uint8_t *in, size_t in_len,
	uint8_t *out, size_t out_len)
{
	if ((in == NULL) != (out == NULL)
		|| (in != NULL && (in_len < WT_MIN_INBUF || out_len < WT_MIN_OUTBUF)))
	{
		return WT_ERR_BAD_CONFIG;
	}
	if (!wt_engine_buffers_idle(cc) || cc->in_host_callback) {
		return WT_ERR_BAD_STATE;
	}
	cc->ibuf = in;
	cc->ibuf_cap = in ? in_len : 0;
	cc->obuf = out;
	cc->obuf_cap = out ? out_len : 0;
	return 0;
}

void wt_engine_eof(wt_engine_ctx *cc)
{
	cc->eof = 1;
	if (cc->err || cc->close_received) {
		return;
	}
	if (!cc->handshake_done) {
		wt_fail(cc, WT_ERR_TRUNCATED, "server closed the connection during the handshake");
	} else if (cc->ilen > 0) {
		wt_fail(cc, WT_ERR_TRUNCATED, "connection closed in the middle of a record");
	} else {
		/* RFC 8446 6.1: a close without close_notify may be a truncation
		 * attack; say so instead of reporting a clean end. */
		wt_fail(cc, WT_ERR_TRUNCATED, "connection closed without close_notify");
	}
}

int wt_engine_export(wt_engine_ctx *cc, const char *label,
	const uint8_t *context, size_t context_len, uint8_t *out, size_t out_len)
{
	if (!cc->handshake_done || cc->err) {
		return WT_ERR_BAD_STATE;
	}
	if (cc->version == WT_VERSION_TLS12) {
		return wt_hs12_export(cc, label, context, context_len, context != NULL,
			out, out_len);
	}
	return wt_ks_export(cc->suite, cc->ks.exporter, label, context,
		context_len, out, out_len);
}

int wt_engine_export_early(wt_engine_ctx *cc, const char *label,
	const uint8_t *context, size_t context_len, uint8_t *out, size_t out_len)
{
	if (cc->early_state == WT_EARLY_NOT_SENT || cc->err) {
		return WT_ERR_BAD_STATE;
	}
	return wt_ks_export(cc->psk_suite, cc->early_exporter, label, context,
		context_len, out, out_len);
}

int wt_engine_handshake_done(const wt_engine_ctx *cc)
{
	return cc->handshake_done;
}

void wt_engine_info(const wt_engine_ctx *cc, wt_conn_info *info)
{
	memset(info, 0, sizeof *info);
	info->version = cc->version;
	info->cipher_suite = cc->suite ? cc->suite->id : 0;
	info->group = cc->group;
	info->sigalg = cc->sigalg;
	info->hrr = cc->hrr_seen;
	info->resumed = cc->version == WT_VERSION_TLS12 ? cc->t12.resuming
		: cc->using_psk && cc->offers[cc->selected_psk].ext < 0;
	info->external_psk = cc->ext_psk;
	info->alpn = cc->alpn_set ? cc->alpn : NULL;
	info->server_name = cc->cfg ? cc->cfg->server_name : NULL;
	info->peer_cert_count = cc->cert_count;
	info->peer_certs = cc->certs;
	info->verified = cc->verified;
	info->early_data = cc->early_state;
	info->early_data_len = cc->early_sent;
	info->client_cert_sent = cc->client_cert_sent;
	if (cc->ocsp_len) {
		info->ocsp_response = cc->peer_mem + cc->ocsp_off;
		info->ocsp_response_len = cc->ocsp_len;
	}
	if (cc->sct_len) {
		info->sct_list = cc->peer_mem + cc->sct_off;
		info->sct_list_len = cc->sct_len;
	}
	info->early_data_reason = cc->early_reason;
}

int wt_engine_last_error(const wt_engine_ctx *cc)
{
	return cc->err;
}

const char *wt_engine_error_reason(const wt_engine_ctx *cc)
{
	return cc->reason;
}

void wt_engine_wipe(wt_engine_ctx *cc)
{
	if (cc->ibuf != NULL) {
		wt_wipe(cc->ibuf, cc->ibuf_cap);
		wt_wipe(cc->obuf, cc->obuf_cap);
	}
	if (cc->hs != NULL) {
		wt_wipe(cc->hs, cc->hs_area_len);
	}
	wt_wipe(cc, sizeof *cc);
}
