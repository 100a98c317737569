/*
 * Engine API contract: configuration checks, host failures, calls made in
 * the wrong state, and the name/alert tables. Run by tests/engine.test.mjs.
 */
#include <string.h>

#include "unit.h"
#include "wt_internal.h"

static int rnd_ok(void *ctx, uint8_t *out, size_t len)
{
	(void)ctx;
	memset(out, 0x42, len);
	return 0;
}

static int rnd_fail(void *ctx, uint8_t *out, size_t len)
{
	(void)ctx;
	(void)out;
	(void)len;
	return -1;
}

static int64_t now(void *ctx)
{
	(void)ctx;
	return 1700000000000;
}

static wt_engine_ctx cc;
static uint8_t inbuf[WT_MIN_INBUF], outbuf[WT_OUTBUF_SIZE];
static wt_handshake hs_area;
static const wt_engine_mem mem = { inbuf, sizeof inbuf, outbuf, sizeof outbuf, &hs_area, sizeof hs_area, NULL, NULL, NULL };

static int verify_accept(void *ctx, const wt_conn_info *info)
{
	(void)ctx;
	(void)info;
	return 0;
}
static const wt_host host = { NULL, rnd_ok, now };

static wt_config base(void)
{
	wt_config c;

	memset(&c, 0, sizeof c);
	c.server_name = "example.com";
	c.verify_mode = WT_VERIFY_NONE;
	return c;
}

/* init must fail with WT_ERR_BAD_CONFIG, send nothing and be closed. */
static void expect_bad_config(const wt_config *cfg, const char *what)
{
	size_t len;
	int err = wt_engine_init(&cc, cfg, &host, &mem);
	int ok = err == WT_ERR_BAD_CONFIG && wt_engine_current_state(&cc) == WT_CLOSED
		&& wt_engine_sendrec_buf(&cc, &len) == NULL && strlen(wt_engine_error_reason(&cc)) > 0;

	printf("%s bad_config %s (%s)\n", ok ? "ok" : "FAIL", what, wt_engine_error_reason(&cc));
	CHECK(ok);
}

/* Same, and the reason names the offending value (text). */
static void expect_bad_value(const wt_config *cfg, const char *what, const char *text)
{
	expect_bad_config(cfg, what);
	if (strstr(wt_engine_error_reason(&cc), text) == NULL) {
		printf("FAIL reason for %s lacks '%s'\n", what, text);
	}
	CHECK(strstr(wt_engine_error_reason(&cc), text) != NULL);
}

/* Signature scheme and key share settings (wt_config.sig_algs,
 * sign_algs, key_shares, no_key_shares): what init refuses, and the
 * reason naming the value. */
static const uint16_t pkcs1[] = { WT_SIG_ECDSA_SECP256R1_SHA256, WT_SIG_RSA_PKCS1_SHA256 };
static const uint16_t sha1[] = { WT_SIG_ECDSA_SHA1 };
static const uint16_t rsa_sha1[] = { WT_SIG_ECDSA_SECP256R1_SHA256, WT_SIG_RSA_PKCS1_SHA1 };
static const uint16_t ed25519[] = { 0x0807 };
static const uint16_t unknown[] = { 0x1234 };
static const uint16_t dup[] = { WT_SIG_RSA_PSS_RSAE_SHA256, WT_SIG_RSA_PSS_RSAE_SHA256 };
static const uint16_t seventeen[17] = { WT_SIG_RSA_PSS_RSAE_SHA256 };
static const uint16_t x25519[] = { WT_GROUP_X25519 };
static const uint16_t p384[] = { WT_GROUP_SECP384R1 };
static const uint16_t x448[] = { 0x001e };
static const uint16_t two_x25519[] = { WT_GROUP_X25519, WT_GROUP_X25519 };
static const uint16_t four_groups[] = { WT_GROUP_X25519, WT_GROUP_SECP256R1,
	WT_GROUP_SECP384R1, WT_GROUP_SECP521R1 };
static const uint16_t seven_groups[] = { WT_GROUP_X25519MLKEM768, WT_GROUP_MLKEM1024,
	WT_GROUP_X25519, WT_GROUP_SECP256R1, WT_GROUP_SECP384R1, WT_GROUP_SECP521R1, 0x001e };
static const uint16_t pq_only[] = { WT_GROUP_X25519MLKEM768, WT_GROUP_MLKEM1024 };

#define LIST(a) a, sizeof a / sizeof a[0]
static const struct bad_list {
	const char *what, *text;
	const uint16_t *sig; size_t nsig;        /* sig_algs */
	const uint16_t *sign; size_t nsign;      /* sign_algs */
	const uint16_t *groups; size_t ngroups;
	const uint16_t *shares; size_t nshares;  /* key_shares */
	int no_shares;
} bad_lists[] = {
	{ "sig_algs rsa_pkcs1_sha1", "sig_algs: 0x0201 (rsa_pkcs1_sha1) is not supported", LIST(rsa_sha1), 0, 0, 0, 0, 0, 0, 0 },
	{ "sig_algs ecdsa_sha1", "0x0203 (ecdsa_sha1)", LIST(sha1), 0, 0, 0, 0, 0, 0, 0 },
	{ "sig_algs ed25519", "sig_algs: 0x0807 is not supported", LIST(ed25519), 0, 0, 0, 0, 0, 0, 0 },
	{ "sig_algs unknown value", "0x1234", LIST(unknown), 0, 0, 0, 0, 0, 0, 0 },
	{ "sig_algs repeated", "0x0804 (rsa_pss_rsae_sha256) is listed twice", LIST(dup), 0, 0, 0, 0, 0, 0, 0 },
	{ "sig_algs over 16", "more than WT_MAX_SIG_ALGS", LIST(seventeen), 0, 0, 0, 0, 0, 0, 0 },
	{ "sign_algs rsa_pkcs1_sha1", "sign_algs: 0x0201 (rsa_pkcs1_sha1)", 0, 0, LIST(rsa_sha1), 0, 0, 0, 0, 0 },
	{ "sign_algs repeated", "sign_algs: 0x0804 (rsa_pss_rsae_sha256) is listed twice", 0, 0, LIST(dup), 0, 0, 0, 0, 0 },
	{ "key share outside groups", "key_shares: 0x0018 (secp384r1) is not in groups", 0, 0, 0, 0, LIST(x25519), LIST(p384), 0 },
	{ "key share for an unknown group", "key_shares: 0x001e is not supported", 0, 0, 0, 0, 0, 0, LIST(x448), 0 },
	{ "key share repeated", "0x001d (x25519) is listed twice", 0, 0, 0, 0, 0, 0, LIST(two_x25519), 0 },
	{ "four key shares", "more than WT_MAX_KEY_SHARES", 0, 0, 0, 0, LIST(four_groups), LIST(four_groups), 0 },
	{ "no_key_shares with a list", "no_key_shares", 0, 0, 0, 0, 0, 0, LIST(x25519), 1 },
	{ "seven groups", "more than WT_MAX_GROUPS (6)", 0, 0, 0, 0, LIST(seven_groups), 0, 0, 0 },
};

static void sig_and_share_config(void)
{
	wt_config c;
	size_t i;

	for (i = 0; i < sizeof bad_lists / sizeof bad_lists[0]; i++) {
		const struct bad_list *b = &bad_lists[i];

		c = base();
		c.sig_algs = b->sig;
		c.sig_alg_count = b->nsig;
		c.sign_algs = b->sign;
		c.sign_alg_count = b->nsign;
		c.groups = b->groups;
		c.group_count = b->ngroups;
		c.key_shares = b->shares;
		c.key_share_count = b->nshares;
		c.no_key_shares = b->no_shares;
		expect_bad_value(&c, b->what, b->text);
	}

	/* rsa_pkcs1_sha256/384/512 may be listed (RFC 8446 4.2.3: for TLS 1.2
	 * and certificates; never for a TLS 1.3 CertificateVerify). */
	c = base(); c.sig_algs = pkcs1; c.sig_alg_count = 2; c.sign_algs = pkcs1; c.sign_alg_count = 2;
	CHECK(wt_engine_init(&cc, &c, &host, &mem) == 0);

	/* Defaults: X25519MLKEM768 first, with shares for it and x25519. */
	c = base();
	CHECK(wt_engine_init(&cc, &c, &host, &mem) == 0);
	CHECK(cc.group_count == 4 && cc.groups[0] == WT_GROUP_X25519MLKEM768);
	CHECK(cc.hs->share_count == 2 && cc.hs->shares[0].group == WT_GROUP_X25519MLKEM768
		&& cc.hs->shares[0].pub_len == 1216 && cc.hs->shares[1].group == WT_GROUP_X25519
		&& cc.hs->shares[1].pub_len == 32);
	wt_engine_wipe(&cc);

	/* The post-quantum groups are TLS 1.3's: a TLS 1.2-only offer needs
	 * another group; with one, no key share is made at all. */
	{
		static const uint16_t suite12[] = { WT_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 };

		c = base(); c.cipher_suites = suite12; c.cipher_suite_count = 1;
		c.groups = pq_only; c.group_count = 2;
		expect_bad_value(&c, "post-quantum groups only, TLS 1.2 only", "no group for TLS 1.2");
		c = base(); c.cipher_suites = suite12; c.cipher_suite_count = 1;
		CHECK(wt_engine_init(&cc, &c, &host, &mem) == 0);
		CHECK(cc.hs->share_count == 0);
		wt_engine_wipe(&cc);
	}

	/* The largest setting is fine: four groups, three shares (P-521's
	 * among them); and no share at all. */
	c = base(); c.groups = four_groups; c.group_count = 4;
	c.key_shares = four_groups + 1; c.key_share_count = 3;
	CHECK(wt_engine_init(&cc, &c, &host, &mem) == 0);
	CHECK(cc.hs->share_count == 3 && cc.hs->shares[2].group == WT_GROUP_SECP521R1
		&& cc.hs->shares[2].pub_len == 133);
	/* A failed handshake wipes the private keys of every share. */
	{
		static const uint8_t alert[] = { 21, 3, 3, 0, 2, 2, 40 };
		size_t len, j, k;
		uint8_t *p;

		p = wt_engine_sendrec_buf(&cc, &len);
		wt_engine_sendrec_ack(&cc, len);
		for (j = 0; j < sizeof alert; j += k) {
			p = wt_engine_recvrec_buf(&cc, &len);
			k = len < sizeof alert - j ? len : sizeof alert - j;
			memcpy(p, alert + j, k);
			wt_engine_recvrec_ack(&cc, k);
		}
		CHECK(wt_engine_last_error(&cc) == (WT_ERR_ALERT_RECEIVED | 40));
		CHECK(cc.hs->share_count == 0);
		for (i = 0; i < WT_MAX_KEY_SHARES; i++) {
			for (j = 0; j < sizeof cc.hs->shares[i].priv; j++) {
				CHECK(cc.hs->shares[i].priv[j] == 0);
			}
		}
	}
	c = base(); c.no_key_shares = 1;
	CHECK(wt_engine_init(&cc, &c, &host, &mem) == 0 && cc.hs->share_count == 0);
	printf("ok sig_algs and key_shares settings\n");
}

/* Feeds raw server bytes to the engine through recvrec, as a transport
 * would (stops early if the engine stops asking). */
static void feed(const uint8_t *p, size_t n)
{
	size_t len, k;
	uint8_t *buf;

	while (n > 0 && (buf = wt_engine_recvrec_buf(&cc, &len)) != NULL) {
		k = len < n ? len : n;
		memcpy(buf, p, k);
		wt_engine_recvrec_ack(&cc, k);
		p += k;
		n -= k;
	}
}

/* Finds the ClientHello extension `type`: 1 with its body in body, blen. */
static int client_hello_ext(const uint8_t *rec, size_t len, uint16_t type,
	const uint8_t **body, size_t *blen)
{
	size_t p = 5 + 4 + 2 + 32, end;

	p += 1 + rec[p];                                  /* session_id */
	p += 2 + ((size_t)rec[p] << 8 | rec[p + 1]);      /* cipher suites */
	p += 1 + rec[p];                                  /* compression */
	end = p + 2 + ((size_t)rec[p] << 8 | rec[p + 1]);
	for (p += 2; p + 4 <= end && end <= len;) {
		uint16_t t = (uint16_t)(rec[p] << 8 | rec[p + 1]);
		size_t l = (size_t)rec[p + 2] << 8 | rec[p + 3];

		if (t == type) {
			*body = rec + p + 4;
			*blen = l;
			return 1;
		}
		p += 4 + l;
	}
	return 0;
}

static int list_has16(const uint8_t *p, size_t n, uint16_t v)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2) {
		if ((uint16_t)(p[i] << 8 | p[i + 1]) == v) {
			return 1;
		}
	}
	return 0;
}

/* TLS 1.2 in the ClientHello and before the ServerHello is read. */
static void tls12_hello(void)
{
	static const uint16_t tls12_only[] = { WT_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 };
	static const uint16_t pq_first[] = { WT_GROUP_X25519MLKEM768, WT_GROUP_X25519 };
	static const uint8_t psk_key[32] = { 1 };
	static const uint8_t warning[] = { 21, 3, 3, 0, 2, 1, WT_ALERT_UNRECOGNIZED_NAME };
	static const uint8_t hs_failure_warning[] = { 21, 3, 3, 0, 2, 1, WT_ALERT_HANDSHAKE_FAILURE };
	/* A TLS 1.2 ServerHello (ECDHE-RSA-AES128-GCM, no session ID) with
	 * renegotiation_info, supported_groups (which some servers send,
	 * RFC 8422 defines none for it) and extended_master_secret. */
	static const uint8_t sh[] = {
		22, 3, 3, 0, 61,
		2, 0, 0, 57, 3, 3,
		0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
		0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
		0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
		0, 0xc0, 0x2f, 0,
		0, 17,
		0xff, 0x01, 0, 1, 0,
		0x00, 0x0a, 0, 4, 0, 2, 0x00, 0x1d,
		0x00, 0x17, 0, 0
	};
	wt_external_psk psk;
	const uint8_t *body;
	uint8_t *rec;
	size_t len, blen;
	wt_config c;
	int i;

	/* Only TLS 1.2 offered: the post-quantum group, which has no TLS
	 * 1.2 form, is left out of supported_groups (Go: curvePreferences). */
	c = base();
	c.cipher_suites = tls12_only; c.cipher_suite_count = 1;
	c.groups = pq_first; c.group_count = 2;
	CHECK(wt_engine_init(&cc, &c, &host, &mem) == 0 && cc.offer_tls12 && !cc.offer_tls13);
	rec = wt_engine_sendrec_buf(&cc, &len);
	CHECK(client_hello_ext(rec, len, 0x000a, &body, &blen) && blen >= 2);
	CHECK(list_has16(body + 2, blen - 2, WT_GROUP_X25519)
		&& !list_has16(body + 2, blen - 2, WT_GROUP_X25519MLKEM768));
	/* and a record_size_limit of TLS 1.2's maximum, 2^14 (RFC 8449 4) */
	CHECK(client_hello_ext(rec, len, 0x001c, &body, &blen) && blen == 2
		&& (body[0] << 8 | body[1]) == WT_MAX_PLAINTEXT);
	/* With TLS 1.3 offered too it stays. */
	c.cipher_suites = NULL; c.cipher_suite_count = 0;
	CHECK(wt_engine_init(&cc, &c, &host, &mem) == 0);
	rec = wt_engine_sendrec_buf(&cc, &len);
	CHECK(client_hello_ext(rec, len, 0x000a, &body, &blen)
		&& list_has16(body + 2, blen - 2, WT_GROUP_X25519MLKEM768));
	CHECK(client_hello_ext(rec, len, 0x001c, &body, &blen) && blen == 2
		&& (body[0] << 8 | body[1]) == WT_MAX_PLAINTEXT + 1);
	printf("ok a TLS 1.2-only ClientHello: no post-quantum group, record_size_limit 2^14\n");

	/* External PSKs and nothing else to authenticate the server: no TLS
	 * 1.2 (its server could not use the PSK); a TLS 1.2 ServerHello gets
	 * protocol_version. With a verify callback, TLS 1.2 stays offered. */
	memset(&psk, 0, sizeof psk);
	psk.identity = (const uint8_t *)"id"; psk.identity_len = 2;
	psk.key = psk_key; psk.key_len = sizeof psk_key;
	psk.hash = WT_PSK_SHA256;
	c = base(); c.psks = &psk; c.psk_count = 1;
	CHECK(wt_engine_init(&cc, &c, &host, &mem) == 0 && !cc.offer_tls12 && cc.offer_tls13);
	rec = wt_engine_sendrec_buf(&cc, &len);
	CHECK(client_hello_ext(rec, len, 0x002b, &body, &blen) && !list_has16(body + 1, blen - 1, 0x0303));
	wt_engine_sendrec_ack(&cc, len);
	feed(sh, sizeof sh);
	CHECK(wt_engine_last_error(&cc) == WT_ALERT_PROTOCOL_VERSION);
	c.verify_cb = verify_accept;
	CHECK(wt_engine_init(&cc, &c, &host, &mem) == 0 && cc.offer_tls12);
	printf("ok external PSKs alone leave TLS 1.2 out\n");

	/* Warning alerts before the ServerHello when TLS 1.2 is offered are
	 * dropped (Go: every warning unless the version is TLS 1.3),
	 * WT_MAX_USELESS_RECORDS in a row at most; then a ServerHello with
	 * supported_groups is accepted. */
	c = base();
	CHECK(wt_engine_init(&cc, &c, &host, &mem) == 0);
	rec = wt_engine_sendrec_buf(&cc, &len);
	wt_engine_sendrec_ack(&cc, len);
	for (i = 0; i < WT_MAX_USELESS_RECORDS; i++) {
		feed(warning, sizeof warning);
	}
	CHECK(wt_engine_last_error(&cc) == 0);
	feed(sh, sizeof sh);
	CHECK(wt_engine_last_error(&cc) == 0 && cc.version == WT_VERSION_TLS12);
	printf("ok TLS 1.2: warnings before the ServerHello, supported_groups in it\n");
	CHECK(wt_engine_init(&cc, &c, &host, &mem) == 0);
	rec = wt_engine_sendrec_buf(&cc, &len);
	wt_engine_sendrec_ack(&cc, len);
	for (i = 0; i <= WT_MAX_USELESS_RECORDS; i++) {
		feed(warning, sizeof warning);
	}
	CHECK(wt_engine_last_error(&cc) == WT_ALERT_UNEXPECTED_MESSAGE);
	/* one RFC 5246 7.2.2 calls always fatal is fatal at warning level */
	CHECK(wt_engine_init(&cc, &c, &host, &mem) == 0);
	rec = wt_engine_sendrec_buf(&cc, &len);
	wt_engine_sendrec_ack(&cc, len);
	feed(hs_failure_warning, sizeof hs_failure_warning);
	CHECK(wt_engine_last_error(&cc) == (WT_ERR_ALERT_RECEIVED | WT_ALERT_HANDSHAKE_FAILURE));
	/* TLS 1.3 only: RFC 8446 6, every alert but user_canceled ends it */
	c.min_version = WT_VERSION_TLS13;
	CHECK(wt_engine_init(&cc, &c, &host, &mem) == 0);
	rec = wt_engine_sendrec_buf(&cc, &len);
	wt_engine_sendrec_ack(&cc, len);
	feed(warning, sizeof warning);
	CHECK(wt_engine_last_error(&cc) == (WT_ERR_ALERT_RECEIVED | WT_ALERT_UNRECOGNIZED_NAME));
	printf("ok too many warnings, and none in TLS 1.3\n");
	wt_engine_wipe(&cc);
}

/* Caller-sized record buffers (wt_engine_mem, wt_engine_set_buffers):
 * sizes checked, taken back only while idle, and nothing is offered or
 * accepted while detached. */
static void record_buffers(void)
{
	static uint8_t in2[WT_MIN_INBUF], out2[WT_MIN_OUTBUF];
	wt_engine_mem m = mem;
	wt_config c = base();
	uint8_t *p, rec[5] = { 22, 3, 3, 0, 4 };
	size_t len, ch_len;
	unsigned st;

	CHECK(wt_engine_init(&cc, &c, &host, NULL) == WT_ERR_BAD_CONFIG);
	m.in_len = WT_MIN_INBUF - 1;
	CHECK(wt_engine_init(&cc, &c, &host, &m) == WT_ERR_BAD_CONFIG);
	m = mem;
	m.out_len = WT_MIN_OUTBUF - 1;
	CHECK(wt_engine_init(&cc, &c, &host, &m) == WT_ERR_BAD_CONFIG);
	CHECK(strstr(wt_engine_error_reason(&cc), "WT_MIN_OUTBUF") != NULL);
	CHECK(wt_engine_current_state(&cc) == WT_CLOSED);

	/* the smallest send buffer holds the ClientHello */
	m = mem;
	m.out = out2;
	m.out_len = sizeof out2;
	CHECK(wt_engine_init(&cc, &c, &host, &m) == 0);
	p = wt_engine_sendrec_buf(&cc, &ch_len);
	CHECK(p == out2 && ch_len > 0);
	/* the ClientHello waits in the send buffer: not idle */
	CHECK(!wt_engine_buffers_idle(&cc));
	CHECK(wt_engine_set_buffers(&cc, NULL, 0, NULL, 0) == WT_ERR_BAD_STATE);
	CHECK(wt_engine_set_buffers(&cc, in2, sizeof in2, NULL, 0) == WT_ERR_BAD_CONFIG);
	CHECK(wt_engine_set_buffers(&cc, in2, sizeof in2 - 1, out2, sizeof out2) == WT_ERR_BAD_CONFIG);
	wt_engine_sendrec_ack(&cc, ch_len);
	CHECK(wt_engine_buffers_idle(&cc));
	st = wt_engine_current_state(&cc);
	CHECK(wt_engine_set_buffers(&cc, NULL, 0, NULL, 0) == 0);
	/* detached: the state word is unchanged, nothing is offered */
	CHECK(wt_engine_current_state(&cc) == st && (st & WT_RECVREC));
	CHECK(wt_engine_recvrec_buf(&cc, &len) == NULL && len == 0);
	CHECK(wt_engine_sendrec_buf(&cc, &len) == NULL && len == 0);
	CHECK(wt_engine_abort(&cc, WT_ALERT_INTERNAL_ERROR) == WT_ERR_BAD_STATE);
	CHECK(wt_engine_last_error(&cc) == 0);
	/* attached again (other memory): a record header goes in there */
	CHECK(wt_engine_set_buffers(&cc, in2, sizeof in2, outbuf, sizeof outbuf) == 0);
	p = wt_engine_recvrec_buf(&cc, &len);
	CHECK(p == in2 && len == 5);
	memcpy(p, rec, 2);
	wt_engine_recvrec_ack(&cc, 2);
	/* a partial record is buffered: not idle */
	CHECK(!wt_engine_buffers_idle(&cc));
	CHECK(wt_engine_set_buffers(&cc, NULL, 0, NULL, 0) == WT_ERR_BAD_STATE);
	p = wt_engine_recvrec_buf(&cc, &len);
	CHECK(p == in2 + 2 && len == 3);
	CHECK(wt_engine_last_error(&cc) == 0);
	printf("ok record buffers: sizes, idle detach, reattach\n");

	/* Calls that move bytes while detached fail with WT_ERR_BAD_STATE
	 * instead of touching memory. */
	CHECK(wt_engine_init(&cc, &c, &host, &mem) == 0);
	wt_engine_sendrec_buf(&cc, &len);
	wt_engine_sendrec_ack(&cc, len);
	CHECK(wt_engine_set_buffers(&cc, NULL, 0, NULL, 0) == 0);
	wt_engine_recvrec_ack(&cc, 5);
	CHECK(wt_engine_last_error(&cc) == WT_ERR_BAD_STATE);
	CHECK(wt_engine_current_state(&cc) == WT_CLOSED);
	CHECK(wt_engine_init(&cc, &c, &host, &mem) == 0);
	wt_engine_sendrec_buf(&cc, &len);
	wt_engine_sendrec_ack(&cc, len);
	CHECK(wt_engine_set_buffers(&cc, NULL, 0, NULL, 0) == 0);
	cc.handshake_done = 1;   /* as if established: close needs the send buffer */
	cc.version = WT_VERSION_TLS13;
	CHECK(wt_engine_key_update(&cc, 0) == WT_ERR_BAD_STATE);
	CHECK(wt_engine_sendapp_buf(&cc, &len) == NULL && len == 0);
	CHECK(wt_engine_current_state(&cc) & WT_SENDAPP);
	wt_engine_sendapp_ack(&cc, 1);
	CHECK(wt_engine_last_error(&cc) == WT_ERR_BAD_STATE);
	CHECK(wt_engine_init(&cc, &c, &host, &mem) == 0);
	wt_engine_sendrec_buf(&cc, &len);
	wt_engine_sendrec_ack(&cc, len);
	CHECK(wt_engine_set_buffers(&cc, NULL, 0, NULL, 0) == 0);
	cc.handshake_done = 1;
	wt_engine_close(&cc);
	CHECK(wt_engine_last_error(&cc) == WT_ERR_BAD_STATE);
	CHECK(wt_engine_current_state(&cc) == WT_CLOSED);
	printf("ok detached buffers: WT_ERR_BAD_STATE\n");
}

/* The handshake area (wt_engine_mem.hs): size and alignment checked at
 * init, kept while the handshake needs it, wiped when given back. */
static void handshake_area(void)
{
	static uint64_t raw[sizeof(wt_handshake) / 8 + 2];
	const uint8_t *a = (const uint8_t *)&hs_area;
	wt_engine_mem m = mem;
	wt_config c = base();
	size_t i, nonzero = 0, len;

	CHECK(wt_engine_handshake_area_size() == sizeof(wt_handshake));
	m.hs = NULL;
	CHECK(wt_engine_init(&cc, &c, &host, &m) == WT_ERR_BAD_CONFIG);
	m.hs = raw;
	m.hs_len = sizeof(wt_handshake) - 1;
	CHECK(wt_engine_init(&cc, &c, &host, &m) == WT_ERR_BAD_CONFIG);
	CHECK(strstr(wt_engine_error_reason(&cc), "handshake area") != NULL);
	m.hs = (uint8_t *)raw + 1;   /* misaligned */
	m.hs_len = sizeof(wt_handshake);
	CHECK(wt_engine_init(&cc, &c, &host, &m) == WT_ERR_BAD_CONFIG);
	m.hs = raw;
	CHECK(wt_engine_init(&cc, &c, &host, &m) == 0);
	CHECK(cc.hs == (wt_handshake *)(void *)raw);

	CHECK(wt_engine_init(&cc, &c, &host, &mem) == 0);
	/* mid-handshake: the ClientHello and key shares are in the area */
	CHECK(wt_engine_release_handshake(&cc, NULL, 0) == WT_ERR_BAD_STATE);
	CHECK(cc.hs == &hs_area && hs_area.ch_len > 0 && hs_area.share_count > 0);
	cc.handshake_done = 1;   /* as if it had completed */
	CHECK(wt_engine_release_handshake(&cc, NULL, 0) == 0);
	CHECK(cc.hs == NULL);
	for (i = 0; i < sizeof hs_area; i++) {
		nonzero += a[i] != 0;
	}
	CHECK(nonzero == 0);
	CHECK(wt_engine_release_handshake(&cc, NULL, 0) == 0);   /* again: nothing to do */
	wt_engine_sendrec_buf(&cc, &len);
	CHECK(len > 0);   /* the ClientHello was copied out: still there to send */
	/* A failed handshake gives it back too. */
	CHECK(wt_engine_init(&cc, &c, &host, &mem) == 0);
	CHECK(wt_engine_abort(&cc, WT_ALERT_INTERNAL_ERROR) == 0);
	CHECK(wt_engine_release_handshake(&cc, NULL, 0) == 0 && cc.hs == NULL);
	printf("ok handshake area: checked, kept, wiped when released\n");
}

/* A growing handshake area (wt_engine_mem.area_alloc/area_free): the
 * host's allocator, which hands out its two blocks in turn and records
 * what the engine gives back. */
static struct {
	uint64_t blocks[2][sizeof(wt_handshake) / 8 + 1];
	size_t next, allocs, frees, freed_len;
	void *freed;
	int fail, misalign;
} grow;

static void *grow_alloc(void *ctx, size_t len)
{
	CHECK(ctx == &grow && len <= sizeof grow.blocks[0]);
	grow.allocs++;
	if (grow.fail) {
		return NULL;
	}
	return (uint8_t *)grow.blocks[grow.next++ % 2] + grow.misalign;
}

static void grow_free(void *ctx, void *area, size_t len)
{
	const uint8_t *a = area;
	size_t i;

	CHECK(ctx == &grow);
	for (i = 0; i < len; i++) {
		CHECK(a[i] == 0);   /* wiped before it is given back */
	}
	grow.frees++;
	grow.freed = area;
	grow.freed_len = len;
}

/* wt_hs_reserve moves the state to a bigger area: the message being
 * reassembled, the peer chain, the CA names at the chain's end and the
 * leaf key come along, every pointer to them follows, the old area is
 * wiped and given back; an area that may not grow says so, and a host
 * without memory fails the handshake. */
static void handshake_area_growth(void)
{
	wt_engine_mem m = mem;
	wt_config c = base();
	uint8_t *old;
	size_t small = WT_HS_AREA_MIN + 1000;

	m.hs = grow.blocks[0];
	m.hs_len = WT_HS_AREA_MIN - 1;
	m.area_alloc = grow_alloc;
	m.area_free = grow_free;
	m.area_ctx = &grow;
	CHECK(wt_engine_init(&cc, &c, &host, &m) == WT_ERR_BAD_CONFIG);   /* below the least */
	m.hs_len = small;
	grow.next = 1;
	CHECK(wt_engine_init(&cc, &c, &host, &m) == 0);
	CHECK(cc.msg_cap + cc.chain_cap == small - WT_HS_AREA_FIXED);
	old = (uint8_t *)cc.hs;
	/* a Certificate half reassembled, two certificates kept, CA names,
	 * an EC leaf key */
	cc.reasm = cc.msg;
	cc.reasm_cap = cc.msg_cap;
	cc.hs_len = 300;
	memset(cc.msg, 0xaa, 300);
	memset(cc.chain, 0xbb, 120);
	cc.certs[0].der = cc.chain;
	cc.certs[0].len = 100;
	cc.certs[1].der = cc.chain + 100;
	cc.certs[1].len = 20;
	cc.cert_count = 2;
	cc.chain_used = 120;
	memset(cc.chain + cc.chain_cap - 50, 0xcc, 50);
	cc.ca_names_len = 50;
	cc.hs->leaf.pkey.key_type = BR_KEYTYPE_EC;
	cc.hs->leaf.pkey.key.ec.q = cc.hs->leaf.buf + 1;
	cc.hs->leaf.pkey.key.ec.qlen = 65;
	CHECK(wt_hs_reserve(&cc, 100, 100) == 0 && grow.allocs == 0);   /* fits: nothing moves */
	CHECK(wt_hs_reserve(&cc, 20000, 15000) == 0);
	CHECK(grow.allocs == 1 && grow.frees == 1 && grow.freed == old && grow.freed_len == small);
	CHECK((void *)cc.hs == (void *)grow.blocks[1] && cc.hs_area_len == WT_HS_AREA_FIXED + 35000);
	CHECK(cc.msg_cap == 20000 && cc.chain_cap == 15000);
	CHECK(cc.reasm == cc.msg && cc.reasm_cap == 20000 && cc.msg[0] == 0xaa && cc.msg[299] == 0xaa);
	CHECK(cc.peer_mem == cc.chain && cc.certs[0].der == cc.chain && cc.certs[1].der == cc.chain + 100);
	CHECK(cc.chain[0] == 0xbb && cc.chain[119] == 0xbb);
	CHECK(cc.chain[cc.chain_cap - 50] == 0xcc && cc.chain[cc.chain_cap - 1] == 0xcc);
	CHECK(cc.hs->leaf.pkey.key.ec.q == cc.hs->leaf.buf + 1);
	CHECK(cc.hs->ch_len > 0 && cc.hs->share_count > 0);   /* the fixed part came along */
	/* capped at the largest message (a bigger header is refused before);
	 * past half the largest area it grows to the largest at once, so a
	 * server cannot make the host hold two near-maximal blocks */
	grow.next = 0;
	CHECK(wt_hs_reserve(&cc, WT_MAX_HS_MESSAGE + 100, 0) == 0 && cc.msg_cap == WT_MAX_HS_MESSAGE + 4);
	CHECK(grow.frees == 2 && cc.chain_cap == WT_HS_MAX_CHAIN && cc.certs[1].der == cc.chain + 100);
	CHECK(cc.hs_area_len == WT_HS_AREA_FIXED + WT_MAX_HS_MESSAGE + 4 + WT_HS_MAX_CHAIN);
	CHECK(cc.chain[cc.chain_cap - 50] == 0xcc && cc.chain[119] == 0xbb);
	/* a host that gives no area_alloc: -1, nothing latched, nothing moved
	 * (the checks below pretend the chain space is small again: none of
	 * them moves anything) */
	cc.chain_cap = 1000;
	cc.ca_names_len = 0;
	cc.area_alloc = NULL;
	CHECK(wt_hs_reserve(&cc, 0, 30000) == -1 && wt_engine_last_error(&cc) == 0 && grow.allocs == 2);
	cc.area_alloc = grow_alloc;
	/* no memory, or a misaligned block (given back): the session blob's
	 * try does not latch; the area stays */
	old = (uint8_t *)cc.hs;
	cc.area_alloc = grow_alloc;
	grow.fail = 1;
	CHECK(wt_hs_try_reserve(&cc, 0, 30000) == -2 && wt_engine_last_error(&cc) == 0);
	grow.fail = 0;
	grow.misalign = 1;
	CHECK(wt_hs_try_reserve(&cc, 0, 30000) == -2 && wt_engine_last_error(&cc) == 0);
	CHECK(grow.frees == 3 && grow.freed == (uint8_t *)grow.blocks[(grow.next - 1) % 2] + 1);
	CHECK((uint8_t *)cc.hs == old);
	grow.misalign = 0;
	/* no memory: internal_error, the area stays */
	grow.fail = 1;
	CHECK(wt_hs_reserve(&cc, 0, 30000) != 0 && wt_engine_last_error(&cc) == WT_ALERT_INTERNAL_ERROR);
	CHECK((uint8_t *)cc.hs == old && grow.frees == 3);
	grow.fail = 0;
	/* without area_alloc an area does not grow: -1, nothing latched */
	m.area_alloc = NULL;
	m.hs = &hs_area;
	m.hs_len = sizeof hs_area;
	CHECK(wt_engine_init(&cc, &c, &host, &m) == 0);
	CHECK(wt_hs_reserve(&cc, WT_MAX_HS_MESSAGE + 4, WT_MAX_PEER_CHAIN) == 0);   /* the largest holds all */
	m.hs = grow.blocks[0];
	m.hs_len = WT_HS_AREA_MIN;
	CHECK(wt_engine_init(&cc, &c, &host, &m) == WT_ERR_BAD_CONFIG);   /* a small one needs area_alloc */
	printf("ok handshake area growth: state moved, pointers follow, old area wiped and given back\n");
}

int main(void)
{
	static const uint16_t bad_suite[] = { 0x009c };   /* TLS_RSA_WITH_AES_128_GCM_SHA256: RSA key exchange */
	static const uint16_t dup_suite[] = { 0x1301, 0x1301 };
	static const uint16_t bad_group[] = { 0x001e };   /* x448 */
	static const char *const empty_alpn[] = { "" };
	static const char *const nine_alpn[] = { "a", "b", "c", "d", "e", "f", "g", "h", "i" };
	char long_name[300];
	wt_config c;
	wt_host h;
	size_t len;
	uint8_t *p;

	c = base(); c.cipher_suites = bad_suite; c.cipher_suite_count = 1;
	expect_bad_config(&c, "unknown suite");
	c = base(); c.cipher_suites = dup_suite; c.cipher_suite_count = 2;
	expect_bad_config(&c, "repeated suite");
	c = base(); c.groups = bad_group; c.group_count = 1;
	expect_bad_config(&c, "unknown group");
	c = base(); c.alpn = empty_alpn; c.alpn_count = 1;
	expect_bad_config(&c, "empty ALPN protocol");
	c = base(); c.alpn = nine_alpn; c.alpn_count = 9;
	expect_bad_config(&c, "too many ALPN protocols");
	c = base(); c.max_fragment = 10;
	expect_bad_config(&c, "max_fragment too small");
	c = base(); c.max_fragment = 16385;
	expect_bad_config(&c, "max_fragment too large");
	c = base(); c.verify_mode = 7;
	expect_bad_config(&c, "unknown verify mode");
	c = base(); c.verify_mode = WT_VERIFY_FULL;
	expect_bad_config(&c, "full verification without trust anchors");
	memset(long_name, 'a', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = 0;
	c = base(); c.server_name = long_name;
	expect_bad_config(&c, "server name over 255 bytes");
	c = base(); c.server_name = "";
	expect_bad_config(&c, "empty server name");
	sig_and_share_config();
	tls12_hello();

	/* A host without an RNG is a configuration error; a failing RNG is
	 * WT_ERR_RANDOM, and nothing goes on the wire. */
	c = base();
	h = host; h.random = NULL;
	CHECK(wt_engine_init(&cc, &c, &h, &mem) == WT_ERR_BAD_CONFIG);
	h = host; h.random = rnd_fail;
	CHECK(wt_engine_init(&cc, &c, &h, &mem) == WT_ERR_RANDOM);
	CHECK(wt_engine_current_state(&cc) == WT_CLOSED);
	CHECK(wt_engine_sendrec_buf(&cc, &len) == NULL);
	printf("ok host failures\n");

	record_buffers();
	handshake_area();
	handshake_area_growth();

	/* Fresh connection: ClientHello to send, records to receive, no
	 * application data either way yet. */
	CHECK(wt_engine_init(&cc, &c, &host, &mem) == 0);
	CHECK(wt_engine_current_state(&cc) == (WT_SENDREC | WT_RECVREC));
	p = wt_engine_sendrec_buf(&cc, &len);
	CHECK(p != NULL && p[0] == 22 && p[1] == 3 && p[2] == 1);
	CHECK(wt_engine_sendapp_buf(&cc, &len) == NULL && len == 0);
	CHECK(wt_engine_recvapp_buf(&cc, &len) == NULL && len == 0);
	{
		uint8_t out[16];
		CHECK(wt_engine_export(&cc, "label", NULL, 0, out, sizeof out) == WT_ERR_BAD_STATE);
	}
	CHECK(wt_engine_key_update(&cc, 1) == WT_ERR_BAD_STATE);
	CHECK(!wt_engine_handshake_done(&cc));
	/* Partial sendrec acknowledgements keep the rest queued. */
	{
		size_t total;

		wt_engine_sendrec_buf(&cc, &total);
		wt_engine_sendrec_ack(&cc, 10);
		p = wt_engine_sendrec_buf(&cc, &len);
		CHECK(len == total - 10);
		wt_engine_sendrec_ack(&cc, len);
		CHECK(wt_engine_current_state(&cc) == WT_RECVREC);
	}
	/* recvrec offers exactly the 5-byte header first. */
	p = wt_engine_recvrec_buf(&cc, &len);
	CHECK(p != NULL && len == 5);
	/* Acknowledging more than was offered is a caller bug. */
	wt_engine_recvrec_ack(&cc, 6);
	CHECK(wt_engine_last_error(&cc) == WT_ERR_BAD_STATE);
	CHECK(wt_engine_current_state(&cc) == WT_CLOSED);
	printf("ok state word and buffer contract\n");

	/* EOF during the handshake is a truncation, not a clean close. */
	CHECK(wt_engine_init(&cc, &c, &host, &mem) == 0);
	wt_engine_sendrec_buf(&cc, &len);
	wt_engine_sendrec_ack(&cc, len);
	wt_engine_eof(&cc);
	CHECK(wt_engine_last_error(&cc) == WT_ERR_TRUNCATED);
	CHECK(strcmp(wt_error_name(WT_ERR_TRUNCATED), "truncated") == 0);
	CHECK(wt_engine_current_state(&cc) == WT_CLOSED);
	/* The first error sticks. */
	wt_engine_close(&cc);
	CHECK(wt_engine_last_error(&cc) == WT_ERR_TRUNCATED);
	printf("ok eof during handshake\n");

	/* close() before the handshake completes is refused, not silent. */
	CHECK(wt_engine_init(&cc, &c, &host, &mem) == 0);
	wt_engine_close(&cc);
	CHECK(wt_engine_last_error(&cc) == WT_ERR_BAD_STATE);
	printf("ok close during handshake\n");

	/* wt_engine_abort: only fatal alerts; the alert goes out after the
	 * ClientHello, the state closes, and a second abort is refused. */
	CHECK(wt_engine_init(&cc, &c, &host, &mem) == 0);
	CHECK(wt_engine_abort(&cc, WT_ALERT_CLOSE_NOTIFY) == WT_ERR_BAD_CONFIG);
	CHECK(wt_engine_abort(&cc, WT_ALERT_USER_CANCELED) == WT_ERR_BAD_CONFIG);
	CHECK(wt_engine_abort(&cc, 255) == WT_ERR_BAD_CONFIG);
	CHECK(wt_engine_abort(&cc, -1) == WT_ERR_BAD_CONFIG);
	CHECK(wt_engine_last_error(&cc) == 0);
	{
		size_t total;

		wt_engine_sendrec_buf(&cc, &total);
		CHECK(wt_engine_abort(&cc, WT_ALERT_INTERNAL_ERROR) == 0);
		p = wt_engine_sendrec_buf(&cc, &len);
		/* The ClientHello, then a plaintext fatal internal_error alert. */
		CHECK(p != NULL && len == total + 7);
		CHECK(p[total] == 21 && p[total + 5] == 2 && p[total + 6] == WT_ALERT_INTERNAL_ERROR);
	}
	CHECK(wt_engine_last_error(&cc) == WT_ERR_ABORTED);
	CHECK(strcmp(wt_error_name(WT_ERR_ABORTED), "aborted") == 0);
	CHECK(wt_engine_abort(&cc, WT_ALERT_HANDSHAKE_FAILURE) == WT_ERR_BAD_STATE);
	/* Nothing more is queued after the fatal alert (a callback may have
	 * aborted while the handshake code goes on). */
	{
		static const uint8_t msg[4] = { 20, 0, 0, 0 };
		size_t before;

		wt_engine_sendrec_buf(&cc, &before);
		CHECK(wt_rec_queue(&cc, WT_CT_HANDSHAKE, msg, sizeof msg, sizeof msg) != 0);
		wt_engine_sendrec_buf(&cc, &len);
		CHECK(len == before);
	}
	/* Out of room for the alert: records queued after a partly sent one
	 * are dropped, the partly sent record is finished first. */
	CHECK(wt_engine_init(&cc, &c, &host, &mem) == 0);
	{
		size_t total;

		wt_engine_sendrec_buf(&cc, &total);
		wt_engine_sendrec_ack(&cc, 10);              /* 10 bytes of the ClientHello out */
		cc.olen = cc.obuf_cap - 8;                /* pretend more records follow */
		CHECK(wt_engine_abort(&cc, WT_ALERT_INTERNAL_ERROR) == 0);
		p = wt_engine_sendrec_buf(&cc, &len);
		CHECK(p != NULL && len == total - 10 + 7);
		CHECK(p[total - 10] == 21 && p[total - 10 + 6] == WT_ALERT_INTERNAL_ERROR);
	}
	printf("ok abort with a chosen alert\n");

	/* Name tables: parse(name(x)) == x, and every error has a name. */
	{
		static const uint16_t suites[] = { 0x1301, 0x1302, 0x1303 };
		static const uint16_t groups[] = { 0x1d, 0x17, 0x18 };
		static const int errs[] = { WT_ERR_BAD_STATE, WT_ERR_BAD_CONFIG, WT_ERR_RANDOM,
			WT_ERR_TRUNCATED, WT_ERR_BUFFER_TOO_SMALL, WT_ERR_CALLBACK, WT_ERR_NOT_TLS,
			WT_ERR_CERT_EXPIRED, WT_ERR_CERT_NOT_YET_VALID, WT_ERR_CERT_UNKNOWN_CA,
			WT_ERR_CERT_NAME_MISMATCH, WT_ERR_CERT_BAD_SIGNATURE, WT_ERR_CERT_INVALID,
			WT_ERR_CERT_UNSUPPORTED };
		size_t i, j;

		for (i = 0; i < 3; i++) {
			CHECK(wt_suite_from_name(wt_suite_name(suites[i])) == suites[i]);
			CHECK(wt_group_from_name(wt_group_name(groups[i])) == groups[i]);
		}
		CHECK(wt_group_from_name("secp521r1") == WT_GROUP_SECP521R1);
		CHECK(wt_sigalg_from_name(wt_sigalg_name(WT_SIG_RSA_PSS_RSAE_SHA384)) == WT_SIG_RSA_PSS_RSAE_SHA384);
		CHECK(wt_sigalg_from_name("ed25519") == 0);
		CHECK(wt_suite_from_name("TLS_RSA_WITH_RC4_128_MD5") == 0);
		CHECK(wt_group_from_name(NULL) == 0);
		for (i = 0; i < sizeof errs / sizeof errs[0]; i++) {
			CHECK(strcmp(wt_error_name(errs[i]), "unknown_error") != 0);
			for (j = 0; j < i; j++) {
				CHECK(strcmp(wt_error_name(errs[i]), wt_error_name(errs[j])) != 0);
			}
		}
		CHECK(strcmp(wt_error_name(WT_ERR_ALERT_RECEIVED | 40), "alert_received") == 0);
		CHECK(strcmp(wt_error_name(WT_ALERT_DECODE_ERROR), "decode_error") == 0);
		CHECK(wt_error_alert(WT_ERR_CERT_EXPIRED) == WT_ALERT_CERTIFICATE_EXPIRED);
		CHECK(wt_error_alert(WT_ERR_CERT_UNKNOWN_CA) == WT_ALERT_UNKNOWN_CA);
		CHECK(wt_error_alert(WT_ERR_ALERT_RECEIVED | 40) == 0);
		CHECK(wt_error_alert(WT_ERR_TRUNCATED) == 0);
		printf("ok names\n");
	}
	/* A KeyUpdate that cannot be queued (output buffer full) fails like
	 * any other error: latched, and its alert queued for the peer. The
	 * handshake is faked: a write key and handshake_done. */
	{
		wt_config c = base();
		static const uint8_t secret[32];
		uint8_t *rec;
		int err;

		CHECK(wt_engine_init(&cc, &c, &host, &mem) == 0);
		cc.suite = wt_suite_get(WT_TLS_AES_128_GCM_SHA256);
		cc.version = WT_VERSION_TLS13;
		wt_rec_set_write_secret(&cc, cc.suite, secret);
		cc.handshake_done = 1;
		cc.olen = cc.obuf_cap - 8;   /* no room for a KeyUpdate record */
		err = wt_engine_key_update(&cc, 0);
		rec = wt_engine_sendrec_buf(&cc, &len);
		CHECK(err != 0 && wt_engine_last_error(&cc) == err);
		/* the queued alert record: 5-byte header + sealed (2 + 1 + 16) */
		CHECK(cc.alert_queued && rec != NULL && len == 5 + 2 + 1 + 16 && rec[0] == 23);
		printf("%s key update failure queues its alert\n",
			err != 0 && cc.alert_queued && len == 24 ? "ok" : "FAIL");
		wt_engine_wipe(&cc);
	}
	/* A stored TLS 1.2 session whose ticket no longer fits our ClientHello
	 * (a server may hand out tickets up to WT_MAX_TICKET) is a stale
	 * cache entry: a full handshake without it, not "ClientHello too
	 * large" on every later connection (review finding). So is one that
	 * leaves no room for a HelloRetryRequest's cookie and key share (5000
	 * bytes beside the default X25519MLKEM768 share; review finding). One
	 * that fits goes out in session_ticket. */
	{
		static uint8_t ticket[8000], master[48], blob[WT_MAX_SESSION];
		wt_config c = base();
		wt_session s;
		size_t n, t;

		static const size_t sizes[3] = { 8000, 5000, 2000 };

		for (t = 0; t < 3; t++) {
			memset(&s, 0, sizeof s);
			s.suite = wt_suite_get(WT_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
			s.created_ms = 1700000000000 - 1000;
			s.lifetime = 3600;
			s.verify_mode = WT_VERIFY_NONE;
			s.server_name = (const uint8_t *)"example.com";
			s.server_name_len = 11;
			s.psk = master;
			memset(ticket, 'T', sizeof ticket);
			s.ticket = ticket;
			s.ticket_len = sizes[t];
			n = wt_session_write(&s, blob, sizeof blob);
			CHECK(n > 0);
			c.session = blob;
			c.session_len = n;
			CHECK(wt_engine_init(&cc, &c, &host, &mem) == 0);
			CHECK(cc.t12.offer_ticket == (t == 2));
			CHECK(t < 2 ? cc.hs->ch_len < 2000 : cc.hs->ch_len > 2000);
			printf("%s TLS 1.2 session with a %zu-byte ticket: %s\n", wt_engine_last_error(&cc) == 0
				&& cc.t12.offer_ticket == (t == 2) ? "ok" : "FAIL", s.ticket_len,
				t < 2 ? "dropped, full handshake" : "offered");
			wt_engine_wipe(&cc);
		}
		/* Offering only TLS 1.2 (no HelloRetryRequest possible), the
		 * 5000-byte ticket fits and goes out. */
		{
			static const uint16_t only12[] = { WT_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 };

			s.ticket_len = 5000;
			n = wt_session_write(&s, blob, sizeof blob);
			c.session = blob;
			c.session_len = n;
			c.cipher_suites = only12;
			c.cipher_suite_count = 1;
			CHECK(wt_engine_init(&cc, &c, &host, &mem) == 0);
			CHECK(cc.t12.offer_ticket == 1 && cc.hs->ch_len > 5000);
			printf("%s TLS 1.2-only offer: a 5000-byte ticket is offered\n",
				cc.t12.offer_ticket == 1 ? "ok" : "FAIL");
			wt_engine_wipe(&cc);
		}
		/* a TLS 1.2 blob claiming an external PSK's authentication never parses */
		s.verified = WT_SESSION_EXTERNAL_PSK;
		n = wt_session_write(&s, blob, sizeof blob);
		CHECK(n > 0 && wt_session_parse(&s, blob, n) != 0);
	}
	return unit_done();
}
