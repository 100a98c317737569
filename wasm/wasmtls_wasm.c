/*
 * wasmtls — exported entry points for the Emscripten (browser / Node) build.
 *
 * The engine (src/) is sans-I/O; this file is the wasm host: it owns one
 * heap object per connection (wtw_conn: the engine context, the config it
 * borrows, copies of every string) and forwards the four buffer/ack pairs
 * to JS unchanged, so JS copies transport bytes straight into the engine's
 * buffers. Everything non-deterministic comes from JS imports:
 *
 *   env.wt_js_random(ptr, len) -> int   crypto.getRandomValues (0 = ok)
 *   env.wt_js_now() -> double           Date.now()
 *   env.wt_js_keylog(id, ptr, len)      one NSS key log line (no newline)
 *   env.wt_js_verify(id) -> int         user verify hook (0 = accept); it may
 *                                       call wtw_info(conn) while running
 *   env.wt_js_session(id, ptr, len)     a new session blob (NewSessionTicket),
 *                                       valid during the call only: JS copies it
 *
 * No stdio, no filesystem: the module is linked with -sFILESYSTEM=0 and has
 * no other imports. Pointers and lengths cross the boundary as i32 (wasm32).
 *
 * Lengths from the *_buf calls come back through wtw_len(): JS reads it
 * right after the call that set it.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "wasmtls.h"

#define WTW_EXPORT(name) __attribute__((export_name(#name), used))
#define WTW_IMPORT(name) __attribute__((import_module("env"), import_name(#name)))

WTW_IMPORT(wt_js_random) extern int wt_js_random(uint8_t *out, size_t len);
WTW_IMPORT(wt_js_now) extern double wt_js_now(void);
WTW_IMPORT(wt_js_keylog) extern void wt_js_keylog(int id, const char *line, size_t len);
WTW_IMPORT(wt_js_verify) extern int wt_js_verify(int id);
WTW_IMPORT(wt_js_session) extern void wt_js_session(int id, const uint8_t *blob, size_t len);

/* ------------------------------------------------------------------ */
/* Trust stores: shared by any number of connections (JS owns them).   */
/* ------------------------------------------------------------------ */

typedef struct wtw_store {
	wt_trust_anchor *anchors;
	size_t count;
	uint8_t *buf;     /* the bytes the anchors point into (DER, or the roots blob) */
} wtw_store;

/* Parses PEM certificates (ptr/len in wasm memory) into a new store,
 * skipping certificates that cannot be anchors (wtw_store_log() lists
 * them). Returns the store, or NULL; the error code is in wtw_len(). */
static size_t last_len;

WTW_EXPORT(wtw_len) size_t wtw_len(void) { return last_len; }
WTW_EXPORT(wtw_alloc) void *wtw_alloc(size_t n) { return malloc(n ? n : 1); }
WTW_EXPORT(wtw_free) void wtw_free(void *p) { free(p); }

WTW_EXPORT(wtw_store_free) void
wtw_store_free(wtw_store *s)
{
	if (s != NULL) {
		free(s->anchors);
		free(s->buf);
		free(s);
	}
}

/* What the last wtw_store_pem() left out, and why it failed if it did, as
 * lines for JS (wtw_store_log()): "skip\tINDEX\tSUBJECT\tREASON\n" per
 * skipped certificate (SUBJECT in RFC 4514 text, "" if unreadable), then
 * "error\tREASON\n" on failure. */
static char *store_log;
static size_t store_log_len, store_log_cap;

static void store_log_put(const char *p, size_t n)
{
	if (n > store_log_cap - store_log_len) {
		size_t cap = (store_log_len + n) * 2 + 256;
		char *q = realloc(store_log, cap + 1);

		if (q == NULL) {
			return;   /* the log is best effort */
		}
		store_log = q;
		store_log_cap = cap;
	}
	memcpy(store_log + store_log_len, p, n);
	store_log_len += n;
	store_log[store_log_len] = 0;
}

static void store_log_str(const char *p)
{
	store_log_put(p, strlen(p));
}

static void store_on_skip(void *ctx, const wt_trust_skip *sk)
{
	char dn[256], num[24];
	size_t i = sizeof num - 1, v = sk->index;

	(void)ctx;
	num[i] = 0;
	do {
		num[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && i > 0);
	store_log_str("skip\t");
	store_log_str(num + i);
	store_log_str("\t");
	store_log_str(sk->subject != NULL
		? wt_dn_format(sk->subject, sk->subject_len, dn, sizeof dn) : "");
	store_log_str("\t");
	store_log_str(sk->reason);
	store_log_str("\n");
}

WTW_EXPORT(wtw_store_log) const char *
wtw_store_log(void)
{
	return store_log != NULL ? store_log : "";
}

WTW_EXPORT(wtw_store_pem) wtw_store *
wtw_store_pem(const char *pem, size_t len)
{
	wtw_store *s = calloc(1, sizeof *s);
	wt_trust_store ts;
	size_t n = 0, i;
	int rc;

	last_len = WT_ERR_BUFFER_TOO_SMALL;
	store_log_len = 0;
	if (store_log != NULL) {
		store_log[0] = 0;
	}
	if (s == NULL) {
		return NULL;
	}
	for (i = 0; i + 11 <= len; i++) {
		if (pem[i] == '-' && memcmp(pem + i, "-----BEGIN ", 11) == 0) {
			n++;
		}
	}
	if (n == 0) {
		last_len = WT_ERR_CERT_INVALID;
		store_log_str("error\tno PEM certificate\n");
		free(s);
		return NULL;
	}
	s->anchors = calloc(n, sizeof *s->anchors);
	s->buf = malloc(len + 1024);   /* DN + key < the base64 they come from */
	if (s->anchors == NULL || s->buf == NULL) {
		wtw_store_free(s);
		return NULL;
	}
	wt_trust_store_init(&ts, s->anchors, n, s->buf, len + 1024);
	/* unusable certificates are skipped: JS turns the log into warnings */
	ts.on_skip = store_on_skip;
	rc = wt_trust_store_add_pem(&ts, pem, len);
	if (rc < 0) {
		last_len = (size_t)-rc;
		store_log_str("error\t");
		store_log_str(ts.reason);
		store_log_str("\n");
		wtw_store_free(s);
		return NULL;
	}
	s->count = ts.count;
	last_len = 0;
	return s;
}

/*
 * The compact root store (js/roots.bin, made by wasm/gen_roots_bin.mjs):
 *   "WTR2" u16 count, then per anchor (big-endian lengths):
 *   u8 type (1 RSA, 2 EC) u16 dn_len dn
 *   RSA: u16 n_len n u8 e_len e      EC: u8 curve u8 q_len q
 *   i64 not_before i64 not_after (the root's validity, Unix seconds)
 * Takes ownership of blob (allocated with wtw_alloc) on success and on
 * failure. Every anchor is a CA (BR_X509_TA_CA).
 */
WTW_EXPORT(wtw_store_blob) wtw_store *
wtw_store_blob(uint8_t *blob, size_t len)
{
	wtw_store *s = calloc(1, sizeof *s);
	size_t count, i, off = 6;

	last_len = WT_ERR_CERT_INVALID;
	if (s == NULL || len < 6 || memcmp(blob, "WTR2", 4) != 0) {
		goto fail;
	}
	count = (size_t)blob[4] << 8 | blob[5];
	s->anchors = calloc(count ? count : 1, sizeof *s->anchors);
	if (s->anchors == NULL) {
		goto fail;
	}
#define NEED(n) do { if (len - off < (size_t)(n)) goto fail; } while (0)
	for (i = 0; i < count; i++) {
		br_x509_trust_anchor *ta = &s->anchors[i].ta;
		size_t n;
		int type, k;

		NEED(3);
		type = blob[off];
		n = (size_t)blob[off + 1] << 8 | blob[off + 2];
		off += 3;
		NEED(n);
		ta->dn.data = blob + off;
		ta->dn.len = n;
		off += n;
		ta->flags = BR_X509_TA_CA;
		if (type == 1) {
			NEED(2);
			n = (size_t)blob[off] << 8 | blob[off + 1];
			off += 2;
			NEED(n + 1);
			ta->pkey.key_type = BR_KEYTYPE_RSA;
			ta->pkey.key.rsa.n = blob + off;
			ta->pkey.key.rsa.nlen = n;
			off += n;
			n = blob[off++];
			NEED(n);
			ta->pkey.key.rsa.e = blob + off;
			ta->pkey.key.rsa.elen = n;
			off += n;
		} else if (type == 2) {
			NEED(2);
			ta->pkey.key_type = BR_KEYTYPE_EC;
			ta->pkey.key.ec.curve = blob[off];
			n = blob[off + 1];
			off += 2;
			NEED(n);
			ta->pkey.key.ec.q = blob + off;
			ta->pkey.key.ec.qlen = n;
			off += n;
		} else {
			goto fail;
		}
		NEED(16);
		for (k = 0; k < 8; k++) {
			s->anchors[i].not_before = (int64_t)((uint64_t)s->anchors[i].not_before << 8 | blob[off + k]);
			s->anchors[i].not_after = (int64_t)((uint64_t)s->anchors[i].not_after << 8 | blob[off + 8 + k]);
		}
		off += 16;
	}
#undef NEED
	if (off != len) {
		goto fail;
	}
	s->count = count;
	s->buf = blob;
	last_len = 0;
	return s;
fail:
	if (s != NULL) {
		free(s->anchors);
		free(s);
	}
	free(blob);
	return NULL;
}

WTW_EXPORT(wtw_store_count) size_t wtw_store_count(const wtw_store *s) { return s->count; }

/* SHA-256 identifying the store's anchors (wt_trust_anchors_digest: the
 * digest session blobs record); JS keys its session cache with it. A
 * NULL store (no verification) digests the empty set, as the engine does
 * for trust_anchor_count 0. */
WTW_EXPORT(wtw_store_digest) void
wtw_store_digest(const wtw_store *s, uint8_t *out32)
{
	wt_trust_anchors_digest(s ? s->anchors : NULL, s ? s->count : 0, out32);
}

/* SHA-256 of len bytes (JS: session-cache key of a client certificate). */
WTW_EXPORT(wtw_sha256) void
wtw_sha256(const uint8_t *p, size_t len, uint8_t *out32)
{
	br_sha256_context h;

	br_sha256_init(&h);
	br_sha256_update(&h, p, len);
	br_sha256_out(&h, out32);
}

/*
 * The wasm shadow stack lives in linear memory, which JS can read. The
 * core wipes its own secrets, but BearSSL's primitives leave copies in
 * their frames (br_hmac_out's last block, hash buffers holding a PSK or a
 * secret they hashed), still there after the call returns. Entry points
 * that handled secrets zero the stack below them on the way out: they are
 * called from JS with the stack (nearly) empty, and TOTAL_STACK is 128 KiB.
 */
#define WTW_BURN (64 * 1024)

static void __attribute__((noinline))
burn_stack(void)
{
	uint8_t buf[WTW_BURN];

	wt_wipe(buf, sizeof buf);
}

/* Frees a wtw_alloc'd buffer that held a secret (a session blob, exporter
 * output, a private key), wiping it first: free() leaves it readable. */
WTW_EXPORT(wtw_wipe_free) void
wtw_wipe_free(void *p, size_t len)
{
	if (p != NULL) {
		wt_wipe(p, len);
		free(p);
	}
}

/* ------------------------------------------------------------------ */
/* Connections                                                          */
/* ------------------------------------------------------------------ */

/*
 * The handshake info JS reads (wtw_info) is a record of u32 words that
 * describes itself: wtw_info_layout() returns WTW_INFO_FORMAT, then the
 * name of each word in order, space-separated:
 *
 *   "wasmtls-info/1 version cipher_suite group ... external_psk"
 *
 * Each word holds the wt_conn_info field of that name; pointers are wasm
 * addresses (0 for NULL), and:
 *   peer_certs     address of peer_cert_count (der, len) u32 pairs
 *   external_psk   an i32 (-1: none)
 * JS looks every field up by name and refuses another format version or
 * a layout without a field it reports, so a wasmtls.wasm and a JS package
 * that do not match fail with a clear error instead of reading the wrong
 * words. Adding a field is backward compatible; changing what an existing
 * name means needs a new WTW_INFO_FORMAT.
 */
#define WTW_INFO_FORMAT "wasmtls-info/1"
#define WTW_INFO_FIELDS(X) \
	X(version) X(cipher_suite) X(group) X(sigalg) X(hrr) X(resumed) \
	X(verified) X(alpn) X(server_name) X(peer_cert_count) X(peer_certs) \
	X(early_data) X(early_data_len) X(client_cert_sent) X(ocsp_response) \
	X(ocsp_response_len) X(sct_list) X(sct_list_len) X(early_data_reason) \
	X(external_psk)

#define WTW_INFO_INDEX(name) WTW_INFO_##name,
#define WTW_INFO_NAME(name) " " #name
enum { WTW_INFO_FIELDS(WTW_INFO_INDEX) WTW_INFO_WORDS };

WTW_EXPORT(wtw_info_layout) const char *
wtw_info_layout(void)
{
	return WTW_INFO_FORMAT WTW_INFO_FIELDS(WTW_INFO_NAME);
}

typedef struct wtw_conn {
	wt_engine_ctx cc;      /* first: the engine owns most of the bytes */
	/* Record buffers, allocated while a record is in flight and freed
	 * (wiped) as soon as the engine says they are idle (attach/release),
	 * or, while the host holds the connection (wtw_hold), at the end of
	 * its burst of calls: an idle connection holds none. */
	uint8_t *in, *out;
	/* Set by the host around a burst of calls (wtw_hold): the record
	 * buffers stay until it ends, instead of being wiped, freed and
	 * allocated again after every record of a download. */
	int hold;
	/* The handshake area, from wtw_start until the engine gives it back
	 * (wiped) when the handshake ends or fails. */
	void *hs_area;
	uint8_t *peer_keep;    /* the peer credentials kept after it (leaf, OCSP, SCT) */
	wt_config cfg;
	wt_host host;
	int id;
	char *server_name;
	char *verify_ip;
	char *alpn[WT_MAX_ALPN];
	uint16_t suites[WT_MAX_SUITES];
	uint16_t groups[WT_MAX_GROUPS];
	uint16_t sig_algs[WT_MAX_SIG_ALGS];
	uint16_t sign_algs[WT_MAX_SIG_ALGS];
	uint16_t key_shares[WT_MAX_KEY_SHARES];
	uint8_t *session;          /* copy of the blob we offer */
	size_t session_len;
	wt_client_cert client_cert;
	wt_peer_cert *cert_chain;  /* entries point into cert_buf */
	uint8_t *cert_buf;
	uint8_t *key_buf;          /* private key bytes: wiped on destroy */
	size_t key_buf_len;
	/* external PSKs (wtw_add_psk): key, identity and context copied
	 * into one allocation each, wiped and freed on destroy */
	wt_external_psk psks[WT_MAX_EXTERNAL_PSKS];
	uint8_t *psk_bytes[WT_MAX_EXTERNAL_PSKS];
	/* handshake info for JS (wtw_info): WTW_INFO_WORDS u32s */
	uint32_t info[WTW_INFO_WORDS];
	uint32_t certs[2 * WT_MAX_PEER_CERTS];
} wtw_conn;

static int
host_random(void *ctx, uint8_t *out, size_t len)
{
	(void)ctx;
	return wt_js_random(out, len);
}

static int64_t
host_now(void *ctx)
{
	(void)ctx;
	return (int64_t)wt_js_now();
}

static void
keylog_cb(void *ctx, const char *line)
{
	wtw_conn *c = ctx;
	wt_js_keylog(c->id, line, strlen(line));
}

static int
verify_cb(void *ctx, const wt_conn_info *info)
{
	wtw_conn *c = ctx;
	(void)info;
	return wt_js_verify(c->id);
}

static void
session_cb(void *ctx, const uint8_t *blob, size_t len)
{
	wtw_conn *c = ctx;
	wt_js_session(c->id, blob, len);
}

static char *
dup_str(const char *p, size_t len)
{
	char *s = malloc(len + 1);
	if (s != NULL) {
		memcpy(s, p, len);
		s[len] = 0;
	}
	return s;
}

/* A new connection; nothing is sent until wtw_start(). id is passed back
 * to the keylog/verify imports. */
WTW_EXPORT(wtw_new) wtw_conn *
wtw_new(int id)
{
	wtw_conn *c = calloc(1, sizeof *c);
	if (c != NULL) {
		c->id = id;
		c->host.ctx = c;
		c->host.random = host_random;
		c->host.now_ms = host_now;
	}
	return c;
}

WTW_EXPORT(wtw_conn_size) size_t wtw_conn_size(void) { return sizeof(wtw_conn); }

/* Each setter returns 0, or WT_ERR_BAD_CONFIG / WT_ERR_BUFFER_TOO_SMALL. */
WTW_EXPORT(wtw_set_server_name) int
wtw_set_server_name(wtw_conn *c, const char *p, size_t len)
{
	if (len == 0 || len > WT_MAX_SERVER_NAME || memchr(p, 0, len) != NULL) {
		return WT_ERR_BAD_CONFIG;
	}
	free(c->server_name);
	c->server_name = dup_str(p, len);
	c->cfg.server_name = c->server_name;
	return c->server_name ? 0 : WT_ERR_BUFFER_TOO_SMALL;
}

WTW_EXPORT(wtw_set_verify_ip) int
wtw_set_verify_ip(wtw_conn *c, const char *p, size_t len)
{
	if (len == 0 || len > 64 || memchr(p, 0, len) != NULL) {
		return WT_ERR_BAD_CONFIG;
	}
	free(c->verify_ip);
	c->verify_ip = dup_str(p, len);
	c->cfg.verify_ip = c->verify_ip;
	return c->verify_ip ? 0 : WT_ERR_BUFFER_TOO_SMALL;
}

WTW_EXPORT(wtw_add_alpn) int
wtw_add_alpn(wtw_conn *c, const char *p, size_t len)
{
	if (c->cfg.alpn_count >= WT_MAX_ALPN || len == 0 || len > 255 || memchr(p, 0, len) != NULL) {
		return WT_ERR_BAD_CONFIG;
	}
	c->alpn[c->cfg.alpn_count] = dup_str(p, len);
	if (c->alpn[c->cfg.alpn_count] == NULL) {
		return WT_ERR_BUFFER_TOO_SMALL;
	}
	c->cfg.alpn_count++;
	c->cfg.alpn = (const char *const *)c->alpn;
	return 0;
}

/* Appends id to one of the config's u16 lists (the engine validates the
 * values at wtw_start). */
static int
add_to_list(uint16_t *list, size_t cap, const uint16_t **field, size_t *count, int id)
{
	if (*count >= cap) {
		return WT_ERR_BAD_CONFIG;
	}
	list[(*count)++] = (uint16_t)id;
	*field = list;
	return 0;
}

/* which: 0 = cipher suites, 1 = groups, 2 = sig_algs, 3 = sign_algs,
 * 4 = key_shares; ids are u16 values. */
WTW_EXPORT(wtw_add_id) int
wtw_add_id(wtw_conn *c, int which, int id)
{
	wt_config *f = &c->cfg;

	switch (which) {
	case 0: return add_to_list(c->suites, WT_MAX_SUITES, &f->cipher_suites, &f->cipher_suite_count, id);
	case 1: return add_to_list(c->groups, WT_MAX_GROUPS, &f->groups, &f->group_count, id);
	case 2: return add_to_list(c->sig_algs, WT_MAX_SIG_ALGS, &f->sig_algs, &f->sig_alg_count, id);
	case 3: return add_to_list(c->sign_algs, WT_MAX_SIG_ALGS, &f->sign_algs, &f->sign_alg_count, id);
	case 4: return add_to_list(c->key_shares, WT_MAX_KEY_SHARES, &f->key_shares, &f->key_share_count, id);
	default: return WT_ERR_BAD_CONFIG;
	}
}

/* Flags: 1 = no key share in the first ClientHello, 2 = ask for a stapled
 * OCSP response, 4 = ask for SCTs, 8 = GREASE, 16 = permuted extensions,
 * 32 = keep the peer's whole chain (wt_config.keep_peer_chain). */
WTW_EXPORT(wtw_set_flags) void
wtw_set_flags(wtw_conn *c, int flags)
{
	c->cfg.no_key_shares = (flags & 1) != 0;
	c->cfg.request_ocsp = (flags & 2) != 0;
	c->cfg.request_sct = (flags & 4) != 0;
	c->cfg.grease = (flags & 8) != 0;
	c->cfg.permute_extensions = (flags & 16) != 0;
	c->cfg.keep_peer_chain = (flags & 32) != 0;
}

/* Offers a session (a blob from an earlier wt_js_session). The blob is
 * copied. early: 1 = 0-RTT when the session allows it. */
WTW_EXPORT(wtw_set_session) int
wtw_set_session(wtw_conn *c, const uint8_t *blob, size_t len, int early)
{
	wtw_wipe_free(c->session, c->session_len);
	c->session = NULL;
	c->session_len = 0;
	c->cfg.session = NULL;
	c->cfg.session_len = 0;
	c->cfg.early_data = early ? 1 : 0;
	if (len == 0) {
		return 0;
	}
	if (len > WT_MAX_SESSION) {
		return WT_ERR_BAD_CONFIG;
	}
	c->session = malloc(len);
	if (c->session == NULL) {
		return WT_ERR_BUFFER_TOO_SMALL;
	}
	memcpy(c->session, blob, len);
	c->session_len = len;
	c->cfg.session = c->session;
	c->cfg.session_len = len;
	return 0;
}

/*
 * Client certificate: PEM chain (leaf first) and PEM private key. Returns
 * 0, or 1 = no usable certificate chain, 2 = unusable key (not P-256/P-384
 * EC or 2048..4096-bit RSA), 3 = key does not match the leaf,
 * 4 = out of memory.
 */
static void
free_client_cert(wtw_conn *c)
{
	free(c->cert_chain);
	free(c->cert_buf);
	if (c->key_buf != NULL) {
		wt_wipe(c->key_buf, c->key_buf_len);
		free(c->key_buf);
	}
	c->cert_chain = NULL;
	c->cert_buf = c->key_buf = NULL;
	c->key_buf_len = 0;
	memset(&c->client_cert, 0, sizeof c->client_cert);
	c->cfg.client_cert = NULL;
}

WTW_EXPORT(wtw_set_client_cert) int
wtw_set_client_cert(wtw_conn *c, const char *cert, size_t clen, const char *key, size_t klen)
{
	int n;

	free_client_cert(c);
	c->cert_chain = calloc(WT_MAX_PEER_CERTS, sizeof *c->cert_chain);
	c->cert_buf = malloc(clen + 1);
	c->key_buf_len = klen * 2 + 64;
	c->key_buf = malloc(c->key_buf_len);
	if (c->cert_chain == NULL || c->cert_buf == NULL || c->key_buf == NULL) {
		free_client_cert(c);
		return 4;
	}
	n = wt_cert_chain_parse_pem(c->cert_chain, WT_MAX_PEER_CERTS, cert, clen, c->cert_buf, clen + 1);
	if (n <= 0) {
		free_client_cert(c);
		return 1;
	}
	if (wt_private_key_parse_pem(&c->client_cert.key, key, klen, c->key_buf, c->key_buf_len) != 0) {
		free_client_cert(c);
		return 2;
	}
	c->client_cert.chain = c->cert_chain;
	c->client_cert.chain_len = (size_t)n;
	if (wt_client_cert_check(&c->client_cert) != 0) {
		free_client_cert(c);
		return 3;
	}
	c->cfg.client_cert = &c->client_cert;
	return 0;
}

/* Adds an external PSK (wt_external_psk; hash WT_PSK_*, imported 0/1),
 * copied as it is: wtw_start's wt_engine_init checks every value and
 * names what is wrong. 0, WT_ERR_BAD_CONFIG past WT_MAX_EXTERNAL_PSKS, or
 * WT_ERR_BUFFER_TOO_SMALL when out of memory. */
WTW_EXPORT(wtw_add_psk) int
wtw_add_psk(wtw_conn *c, const uint8_t *identity, size_t identity_len,
	const uint8_t *key, size_t key_len, const uint8_t *context, size_t context_len,
	int hash, int imported)
{
	size_t k = c->cfg.psk_count;
	wt_external_psk *p = &c->psks[k];
	uint8_t *b;

	if (c->cc.cfg != NULL) {
		return WT_ERR_BAD_STATE;   /* after wtw_start: the engine checked the config */
	}
	if (k >= WT_MAX_EXTERNAL_PSKS) {
		return WT_ERR_BAD_CONFIG;
	}
	b = malloc(key_len + identity_len + context_len + 1);
	if (b == NULL) {
		return WT_ERR_BUFFER_TOO_SMALL;
	}
	c->psk_bytes[k] = b;
	memcpy(b, key, key_len);
	memcpy(b + key_len, identity, identity_len);
	memcpy(b + key_len + identity_len, context, context_len);
	p->key = b;
	p->key_len = key_len;
	p->identity = b + key_len;
	p->identity_len = identity_len;
	p->context = context_len ? b + key_len + identity_len : NULL;
	p->context_len = context_len;
	p->hash = hash;
	p->imported = imported;
	c->cfg.psks = c->psks;
	c->cfg.psk_count = k + 1;
	return 0;
}

/* The wasm build's suite order when the caller gave none: ChaCha20 first.
 * wasm has no AES or carry-less multiply instructions, so AES-GCM is
 * BearSSL's constant-time bitsliced code and ChaCha20-Poly1305 is over
 * twice as fast (bench/wasm_bench.mjs: 154 vs 68 MiB/s against AES-128-GCM);
 * BoringSSL and Go order them so on CPUs without AES-NI. The native build
 * keeps the core's default (AES-128-GCM first). TLS 1.3's, then TLS
 * 1.2's (ECDSA before RSA). */
static const uint16_t wasm_default_suites[WT_MAX_SUITES] = {
	WT_TLS_CHACHA20_POLY1305_SHA256, WT_TLS_AES_128_GCM_SHA256, WT_TLS_AES_256_GCM_SHA384,
	WT_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, WT_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	WT_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, WT_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	WT_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, WT_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
};

/* store NULL with verify_mode WT_VERIFY_NONE for --insecure. The store
 * must outlive the connection. flags: 1 = keylog, 2 = verify hook,
 * 4 = session callback (wt_js_session). cert_profile: WT_CERT_PROFILE_*,
 * min_version: 0 or WT_VERSION_* (wt_engine_init refuses others). Without
 * a suite list: wasm_default_suites, the TLS 1.2 ones left out when
 * min_version is TLS 1.3. */
WTW_EXPORT(wtw_configure) void
wtw_configure(wtw_conn *c, const wtw_store *store, int verify_mode, int flags, int max_fragment,
	int cert_profile, int min_version)
{
	c->cfg.min_version = (uint16_t)min_version;
	if (c->cfg.cipher_suite_count == 0) {
		memcpy(c->suites, wasm_default_suites, sizeof c->suites);
		c->cfg.cipher_suites = c->suites;
		c->cfg.cipher_suite_count = min_version == WT_VERSION_TLS13 ? 3 : WT_MAX_SUITES;
	}
	c->cfg.trust_anchors = store ? store->anchors : NULL;
	c->cfg.trust_anchor_count = store ? store->count : 0;
	c->cfg.verify_mode = verify_mode;
	c->cfg.cert_profile = cert_profile;
	c->cfg.max_fragment = (size_t)max_fragment;
	c->cfg.keylog = (flags & 1) ? keylog_cb : NULL;
	c->cfg.keylog_ctx = c;
	c->cfg.verify_cb = (flags & 2) ? verify_cb : NULL;
	c->cfg.verify_ctx = c;
	c->cfg.session_cb = (flags & 4) ? session_cb : NULL;
	c->cfg.session_ctx = c;
}

/* The most heap in use so far (wtw_heap_peak): noted after each of a
 * connection's allocations, the only points where it grows. */
static size_t heap_peak;

static void
note_heap_peak(void)
{
	size_t used = (size_t)mallinfo().uordblks;

	if (used > heap_peak) {
		heap_peak = used;
	}
}

#define WTW_IN_LEN  WT_MIN_INBUF
#define WTW_OUT_LEN WT_OUTBUF_SIZE

/* Gives the engine record buffers if it has none. 0, or
 * WT_ERR_BUFFER_TOO_SMALL when out of memory. */
static int
attach(wtw_conn *c)
{
	if (c->in != NULL) {
		return 0;
	}
	c->in = malloc(WTW_IN_LEN);
	c->out = malloc(WTW_OUT_LEN);
	if (c->in == NULL || c->out == NULL) {
		free(c->in);
		free(c->out);
		c->in = c->out = NULL;
		return WT_ERR_BUFFER_TOO_SMALL;
	}
	note_heap_peak();
	return wt_engine_set_buffers(&c->cc, c->in, WTW_IN_LEN, c->out, WTW_OUT_LEN);
}

/* Takes back what the engine no longer needs, after every call that
 * may have changed that: the handshake area once the handshake is over
 * (the engine wiped it), the record buffers once nothing is in flight
 * and the host does not hold them (wtw_hold), wiping them (they held
 * plaintext and the handshake's messages). */
static void
release(wtw_conn *c)
{
	if (c->hs_area != NULL && (wt_engine_handshake_done(&c->cc) || wt_engine_last_error(&c->cc))) {
		size_t n = wt_engine_peer_keep_size(&c->cc);
		uint8_t *keep = n ? malloc(n) : NULL;

		/* out of memory for keep: the area stays until a later call */
		if ((n == 0 || keep != NULL) && wt_engine_release_handshake(&c->cc, keep, n) == 0) {
			free(c->hs_area);
			c->hs_area = NULL;
			c->peer_keep = keep;
		} else {
			free(keep);
		}
	}
	if (c->hold || c->in == NULL || wt_engine_set_buffers(&c->cc, NULL, 0, NULL, 0) != 0) {
		return;
	}
	wtw_wipe_free(c->in, WTW_IN_LEN);
	wtw_wipe_free(c->out, WTW_OUT_LEN);
	c->in = c->out = NULL;
}

/* The handshake area starts with this much space for messages and the
 * peer chain's copy (half each): enough for a ServerHello with an
 * ML-KEM ciphertext (1.2 KB) and a chain of up to 3 KB, as ECDSA ones
 * are; a larger message or chain grows the area (area_alloc), up to
 * wt_engine_handshake_area_size(). Every byte here is in the peak of
 * each handshake (issue 15: at most 96 KiB). */
#define WTW_HS_SPACE 6144

/* The engine's area_alloc/area_free (wt_engine_mem): c->hs_area is the
 * area the engine uses, so the one release() frees. */
static void *
area_alloc(void *ctx, size_t len)
{
	wtw_conn *c = ctx;
	void *p = malloc(len);

	if (p != NULL) {
		note_heap_peak();   /* the old area is still allocated here */
		c->hs_area = p;
	}
	return p;
}

static void
area_free(void *ctx, void *area, size_t len)
{
	(void)ctx;
	(void)len;
	free(area);   /* wiped by the engine */
}

/* Queues the ClientHello. Returns 0 or an error code (also latched). */
WTW_EXPORT(wtw_start) int
wtw_start(wtw_conn *c)
{
	wt_engine_mem mem;
	size_t hs_len = WT_HS_AREA_FIXED + WTW_HS_SPACE;
	int rc = attach(c);

	if (rc != 0) {
		return rc;
	}
	c->hs_area = malloc(hs_len);
	if (c->hs_area == NULL) {
		return WT_ERR_BUFFER_TOO_SMALL;
	}
	note_heap_peak();
	memset(&mem, 0, sizeof mem);
	mem.hs = c->hs_area;
	mem.hs_len = hs_len;
	mem.area_alloc = area_alloc;
	mem.area_free = area_free;
	mem.area_ctx = c;
	mem.in = c->in;
	mem.in_len = WTW_IN_LEN;
	mem.out = c->out;
	mem.out_len = WTW_OUT_LEN;
	rc = wt_engine_init(&c->cc, &c->cfg, &c->host, &mem);
	release(c);
	return rc;
}

WTW_EXPORT(wtw_destroy) void
wtw_destroy(wtw_conn *c)
{
	size_t i;

	if (c == NULL) {
		return;
	}
	wt_engine_wipe(&c->cc);   /* and the record buffers and handshake area, if attached */
	free(c->in);
	free(c->out);
	free(c->hs_area);
	free(c->peer_keep);
	free(c->server_name);
	free(c->verify_ip);
	for (i = 0; i < WT_MAX_ALPN; i++) {
		free(c->alpn[i]);
	}
	wtw_wipe_free(c->session, c->session_len);   /* holds the resumption PSK */
	free_client_cert(c);
	for (i = 0; i < c->cfg.psk_count; i++) {
		wtw_wipe_free(c->psk_bytes[i], c->psks[i].key_len + c->psks[i].identity_len
			+ c->psks[i].context_len + 1);
	}
	free(c);
	burn_stack();
}

WTW_EXPORT(wtw_state) unsigned wtw_state(wtw_conn *c) { return wt_engine_current_state(&c->cc); }

/* which: 0 sendrec, 1 recvrec, 2 sendapp, 3 recvapp. Returns the pointer;
 * the length is in wtw_len(). */
WTW_EXPORT(wtw_buf) uint8_t *
wtw_buf(wtw_conn *c, int which)
{
	size_t len = 0;
	uint8_t *p = NULL;

	if (which == 1 || which == 2) {
		attach(c);   /* space for bytes in: out of memory offers none */
	}
	switch (which) {
	case 0: p = wt_engine_sendrec_buf(&c->cc, &len); break;
	case 1: p = wt_engine_recvrec_buf(&c->cc, &len); break;
	case 2: p = wt_engine_sendapp_buf(&c->cc, &len); break;
	case 3: p = wt_engine_recvapp_buf(&c->cc, &len); break;
	}
	last_len = p ? len : 0;
	if (last_len == 0) {
		release(c);
	}
	return p;
}

/* on = 1 before a burst of calls that move records, 0 after it: the
 * record buffers are released (if idle) once, at the end. */
WTW_EXPORT(wtw_hold) void
wtw_hold(wtw_conn *c, int on)
{
	c->hold = on;
	if (!on) {
		release(c);
	}
}

/* Returns the new state word. */
WTW_EXPORT(wtw_ack) unsigned
wtw_ack(wtw_conn *c, int which, size_t len)
{
	switch (which) {
	case 0: wt_engine_sendrec_ack(&c->cc, len); break;
	case 1: wt_engine_recvrec_ack(&c->cc, len); break;
	case 2: wt_engine_sendapp_ack(&c->cc, len); break;
	case 3: wt_engine_recvapp_ack(&c->cc, len); break;
	}
	release(c);
	return wt_engine_current_state(&c->cc);
}

/* Calls that may queue a record (close_notify, KeyUpdate) get buffers
 * for it; an out-of-memory attach leaves them to fail with
 * WT_ERR_BAD_STATE. */
WTW_EXPORT(wtw_flush) void wtw_flush(wtw_conn *c) { attach(c); wt_engine_flush(&c->cc); release(c); }
WTW_EXPORT(wtw_close) void wtw_close(wtw_conn *c) { attach(c); wt_engine_close(&c->cc); release(c); }
WTW_EXPORT(wtw_eof) void wtw_eof(wtw_conn *c) { wt_engine_eof(&c->cc); }

WTW_EXPORT(wtw_key_update) int
wtw_key_update(wtw_conn *c, int req)
{
	int rc;

	attach(c);
	rc = wt_engine_key_update(&c->cc, req);
	release(c);
	return rc;
}

/* Bytes of the heap in use (emmalloc's count of allocated blocks), and
 * the most in use since wtw_heap_peak_reset(0): what connections cost,
 * for bench/memory.mjs. */
WTW_EXPORT(wtw_heap_used) size_t
wtw_heap_used(void)
{
	return (size_t)mallinfo().uordblks;
}

WTW_EXPORT(wtw_heap_peak) size_t wtw_heap_peak(void) { return heap_peak; }
WTW_EXPORT(wtw_heap_peak_reset) void wtw_heap_peak_reset(void) { heap_peak = wtw_heap_used(); }
WTW_EXPORT(wtw_done) int wtw_done(wtw_conn *c) { return wt_engine_handshake_done(&c->cc); }
WTW_EXPORT(wtw_error) int wtw_error(wtw_conn *c) { return wt_engine_last_error(&c->cc); }
WTW_EXPORT(wtw_reason) const char *wtw_reason(wtw_conn *c) { return wt_engine_error_reason(&c->cc); }
WTW_EXPORT(wtw_error_name) const char *wtw_error_name(int err) { return wt_error_name(err); }
WTW_EXPORT(wtw_error_alert) int wtw_error_alert(int err) { return wt_error_alert(err); }
WTW_EXPORT(wtw_alert_name) const char *wtw_alert_name(int a) { return wt_alert_name(a); }
WTW_EXPORT(wtw_suite_name) const char *wtw_suite_name(int id) { return wt_suite_name((uint16_t)id); }
WTW_EXPORT(wtw_suite_from_name) int wtw_suite_from_name(const char *name) { return wt_suite_from_name(name); }
WTW_EXPORT(wtw_version_name) const char *wtw_version_name(int v) { return wt_version_name((uint16_t)v); }
WTW_EXPORT(wtw_group_name) const char *wtw_group_name(int id) { return wt_group_name((uint16_t)id); }
WTW_EXPORT(wtw_sigalg_name) const char *wtw_sigalg_name(int id) { return wt_sigalg_name((uint16_t)id); }
WTW_EXPORT(wtw_sigalg_from_name) int wtw_sigalg_from_name(const char *name) { return wt_sigalg_from_name(name); }
WTW_EXPORT(wtw_early_reason_name) const char *wtw_early_reason_name(int r) { return wt_early_data_reason_name(r); }

/* label is NUL-terminated; has_ctx 0 = no context. Returns 0 or an error. */
WTW_EXPORT(wtw_export) int
wtw_export(wtw_conn *c, const char *label, const uint8_t *ctx, size_t ctx_len, int has_ctx,
	uint8_t *out, size_t out_len)
{
	int rc = wt_engine_export(&c->cc, label, has_ctx ? ctx : NULL, ctx_len, out, out_len);

	burn_stack();
	return rc;
}

/* Fills the connection's handshake-info record (see wtw_info_layout)
 * and returns its address; valid until the next call or wtw_destroy. */
WTW_EXPORT(wtw_info) const uint32_t *
wtw_info(wtw_conn *c)
{
	wt_conn_info in;
	uint32_t *v = c->info;
	size_t i, n;

	wt_engine_info(&c->cc, &in);
	n = in.peer_cert_count > WT_MAX_PEER_CERTS ? WT_MAX_PEER_CERTS : in.peer_cert_count;
	for (i = 0; i < n; i++) {
		c->certs[2 * i] = (uint32_t)(uintptr_t)in.peer_certs[i].der;
		c->certs[2 * i + 1] = (uint32_t)in.peer_certs[i].len;
	}
	v[WTW_INFO_version] = in.version;
	v[WTW_INFO_cipher_suite] = in.cipher_suite;
	v[WTW_INFO_group] = in.group;
	v[WTW_INFO_sigalg] = in.sigalg;
	v[WTW_INFO_hrr] = (uint32_t)in.hrr;
	v[WTW_INFO_resumed] = (uint32_t)in.resumed;
	v[WTW_INFO_verified] = (uint32_t)in.verified;
	v[WTW_INFO_alpn] = (uint32_t)(uintptr_t)in.alpn;
	v[WTW_INFO_server_name] = (uint32_t)(uintptr_t)in.server_name;
	v[WTW_INFO_peer_cert_count] = (uint32_t)n;
	v[WTW_INFO_peer_certs] = (uint32_t)(uintptr_t)c->certs;
	v[WTW_INFO_early_data] = (uint32_t)in.early_data;
	v[WTW_INFO_early_data_len] = (uint32_t)in.early_data_len;
	v[WTW_INFO_client_cert_sent] = (uint32_t)in.client_cert_sent;
	v[WTW_INFO_ocsp_response] = (uint32_t)(uintptr_t)in.ocsp_response;
	v[WTW_INFO_ocsp_response_len] = (uint32_t)in.ocsp_response_len;
	v[WTW_INFO_sct_list] = (uint32_t)(uintptr_t)in.sct_list;
	v[WTW_INFO_sct_list_len] = (uint32_t)in.sct_list_len;
	v[WTW_INFO_early_data_reason] = (uint32_t)in.early_data_reason;
	v[WTW_INFO_external_psk] = (uint32_t)in.external_psk;   /* -1: 0xffffffff */
	return v;
}

/* RFC 8446 7.5 early exporter (valid once 0-RTT keys exist). */
WTW_EXPORT(wtw_export_early) int
wtw_export_early(wtw_conn *c, const char *label, const uint8_t *ctx, size_t ctx_len, int has_ctx,
	uint8_t *out, size_t out_len)
{
	int rc = wt_engine_export_early(&c->cc, label, has_ctx ? ctx : NULL, ctx_len, out, out_len);

	burn_stack();
	return rc;
}

/* wasmtls verify: chain = n (der, len) u32 pairs. host may be NULL.
 * Returns 0 or a WT_ERR_CERT_* code; the reason is at wtw_verify_reason(). */
static char verify_reason[WT_REASON_MAX];

WTW_EXPORT(wtw_verify_chain) int
wtw_verify_chain(const uint32_t *chain, size_t n, const wtw_store *store,
	const char *host, double time_unix, int profile)
{
	wt_peer_cert certs[16];
	size_t i;

	if (n == 0 || n > 16) {
		memcpy(verify_reason, "chain must hold 1..16 certificates", sizeof "chain must hold 1..16 certificates");
		return WT_ERR_CERT_INVALID;
	}
	for (i = 0; i < n; i++) {
		certs[i].der = (const uint8_t *)(uintptr_t)chain[2 * i];
		certs[i].len = chain[2 * i + 1];
	}
	verify_reason[0] = 0;
	return wt_verify_chain(certs, n, store->anchors, store->count, host,
		(int64_t)time_unix, profile, verify_reason, sizeof verify_reason);
}

WTW_EXPORT(wtw_verify_reason) const char *wtw_verify_reason(void) { return verify_reason; }

/* BearSSL's X.509 engine falls back to time() when no time was set; the
 * engine always sets it, but keep libc's clock (a WASI import) out. */
#include <time.h>
time_t
time(time_t *t)
{
	time_t now = (time_t)(wt_js_now() / 1000);
	if (t != NULL) {
		*t = now;
	}
	return now;
}
