/*
 * Shared helpers for the libFuzzer targets in tests/fuzz (header-only, so
 * each fuzz_*.c builds into its own binary with no extra sources).
 *
 * Rules every target follows: no state survives between runs except
 * constants (the engine context is heap-allocated per run), nothing
 * leaks, and an invariant violation calls FZ_ASSERT, which aborts so
 * libFuzzer records the input as a crash.
 */
#ifndef FUZZ_HOST_H
#define FUZZ_HOST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasmtls.h"
#include "wt_internal.h"

#define FZ_ASSERT(c) do { \
	if (!(c)) { \
		fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #c); \
		abort(); \
	} \
} while (0)

#define FZ_NOW_MS INT64_C(1700000000000)

/* Deterministic host: random bytes from a counter (reset per run). */
typedef struct fz_host_state {
	uint32_t counter;
} fz_host_state;

static int fz_random(void *ctx, uint8_t *out, size_t len)
{
	fz_host_state *st = ctx;
	size_t i;

	for (i = 0; i < len; i++) {
		uint32_t x = st->counter++ * 2654435761u;

		out[i] = (uint8_t)(x >> 24);
	}
	return 0;
}

static int64_t fz_now_ms(void *ctx)
{
	(void)ctx;
	return FZ_NOW_MS;
}

static void fz_host_init(wt_host *h, fz_host_state *st)
{
	st->counter = 1;
	h->ctx = st;
	h->random = fz_random;
	h->now_ms = fz_now_ms;
}

/* ChaCha20-Poly1305 is offered: BearSSL is built with BR_LE_UNALIGNED=0
 * under sanitizers (CMakeLists.txt), so poly1305's little-endian loads no
 * longer trip UBSan's alignment check. */
#ifndef FZ_WITH_CHACHA
#define FZ_WITH_CHACHA 1
#endif
static const uint16_t fz_offer_suites[3] = {
	WT_TLS_AES_128_GCM_SHA256, WT_TLS_AES_256_GCM_SHA384,
	WT_TLS_CHACHA20_POLY1305_SHA256
};

/* The configuration every engine target uses. */
static void fz_config_init(wt_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->server_name = "example.com";
	cfg->verify_mode = WT_VERIFY_NONE;
	cfg->cipher_suites = fz_offer_suites;
	cfg->cipher_suite_count = FZ_WITH_CHACHA ? 3 : 2;
}

/* Makes ASan check every byte of [p, p+n) and keeps the loop alive. */
static volatile uint32_t fz_sink;

static void fz_touch(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t s = 0;
	size_t i;

	if (n == 0) {
		return;
	}
	FZ_ASSERT(p != NULL);
	for (i = 0; i < n; i++) {
		s += b[i];
	}
	fz_sink = s;
}

/* A cursor over the fuzz input. */
typedef struct fz_input {
	const uint8_t *p;
	size_t len;
} fz_input;

static int fz_u8(fz_input *in, uint8_t *v)
{
	if (in->len == 0) {
		return 0;
	}
	*v = *in->p++;
	in->len--;
	return 1;
}

static const uint8_t *fz_take(fz_input *in, size_t n)
{
	const uint8_t *p = in->p;

	if (n > in->len) {
		n = in->len;
	}
	in->p += n;
	in->len -= n;
	return p;
}

/* ------------------------------------------------------------------ */
/* Engine driving                                                       */
/* ------------------------------------------------------------------ */

/* Checks what the public API promises about the state word and buffers. */
static void fz_check_state(wt_engine_ctx *cc)
{
	unsigned st = wt_engine_current_state(cc);
	size_t n;
	uint8_t *p;

	FZ_ASSERT((st & ~0x1Fu) == 0);
	FZ_ASSERT(st != 0);   /* the engine always has something to offer or is closed */
	if (st & WT_CLOSED) {
		FZ_ASSERT(st == WT_CLOSED);
	}
	if (wt_engine_last_error(cc) != 0) {
		/* a latched error: only the alert drain or closed remain */
		FZ_ASSERT((st & ~(unsigned)(WT_SENDREC | WT_CLOSED)) == 0);
	}
	p = wt_engine_sendrec_buf(cc, &n);
	FZ_ASSERT(n <= sizeof cc->obuf);
	FZ_ASSERT((n > 0) == ((st & WT_SENDREC) != 0));
	FZ_ASSERT((p != NULL) == (n > 0));
	fz_touch(p, n);
	p = wt_engine_recvrec_buf(cc, &n);
	FZ_ASSERT((n > 0) == ((st & WT_RECVREC) != 0));
	FZ_ASSERT(n <= WT_MAX_RECORD);
	FZ_ASSERT(cc->ilen + n <= WT_MAX_RECORD);
	if (n) {
		FZ_ASSERT(p >= cc->ibuf && p + n <= cc->ibuf + sizeof cc->ibuf);
	}
	p = wt_engine_recvapp_buf(cc, &n);
	FZ_ASSERT((n > 0) == ((st & WT_RECVAPP) != 0));
	FZ_ASSERT(n <= WT_MAX_PLAINTEXT);
	fz_touch(p, n);
	p = wt_engine_sendapp_buf(cc, &n);
	FZ_ASSERT((n > 0) == ((st & (WT_SENDAPP | WT_SENDEARLY)) != 0));
	if (n) {
		FZ_ASSERT(p >= cc->obuf && p + n <= cc->obuf + sizeof cc->obuf);
		FZ_ASSERT(n <= WT_MAX_PLAINTEXT);
	}
	if (wt_engine_handshake_done(cc)) {
		wt_conn_info info;
		size_t i;

		wt_engine_info(cc, &info);
		FZ_ASSERT(info.peer_cert_count <= WT_MAX_PEER_CERTS);
		for (i = 0; i < info.peer_cert_count; i++) {
			fz_touch(info.peer_certs[i].der, info.peer_certs[i].len);
		}
		if (info.alpn) {
			fz_touch(info.alpn, strlen(info.alpn));
		}
	}
	fz_touch(wt_engine_error_reason(cc), strlen(wt_engine_error_reason(cc)));
}

/* Drains sendrec (in pieces of 'piece' bytes, 0 = all at once) and recvapp
 * until neither is offered. */
static void fz_drain(wt_engine_ctx *cc, size_t piece)
{
	int guard;

	for (guard = 0; guard < 100000; guard++) {
		unsigned st = wt_engine_current_state(cc);
		size_t n;
		uint8_t *p;

		fz_check_state(cc);
		if (st & WT_SENDREC) {
			p = wt_engine_sendrec_buf(cc, &n);
			fz_touch(p, n);
			wt_engine_sendrec_ack(cc, piece && piece < n ? piece : n);
			continue;
		}
		if (st & WT_RECVAPP) {
			p = wt_engine_recvapp_buf(cc, &n);
			fz_touch(p, n);
			wt_engine_recvapp_ack(cc, piece && piece < n ? piece : n);
			continue;
		}
		return;
	}
	FZ_ASSERT(!"fz_drain made no progress");
}

/* Feeds up to n bytes of data through recvrec, draining as the state word
 * asks; returns how many bytes the engine took. */
static size_t fz_feed(wt_engine_ctx *cc, const uint8_t *data, size_t n)
{
	size_t done = 0;

	while (done < n) {
		size_t room, k;
		uint8_t *p;

		fz_drain(cc, 0);
		if (!(wt_engine_current_state(cc) & WT_RECVREC)) {
			break;
		}
		p = wt_engine_recvrec_buf(cc, &room);
		FZ_ASSERT(p != NULL && room > 0);
		k = n - done < room ? n - done : room;
		memcpy(p, data + done, k);
		wt_engine_recvrec_ack(cc, k);
		done += k;
	}
	fz_drain(cc, 0);
	return done;
}

/* Allocates and starts an engine; NULL only if malloc fails. */
static wt_engine_ctx *fz_engine_new(const wt_config *cfg, const wt_host *host)
{
	wt_engine_ctx *cc = malloc(sizeof *cc);

	if (cc == NULL) {
		return NULL;
	}
	wt_engine_init(cc, cfg, host);
	fz_check_state(cc);
	return cc;
}

/*
 * The same, but fast: wt_engine_init() spends most of a run in the X25519
 * key generation, and with a deterministic host it computes the same
 * context every time. So the first run builds a template (config, host
 * state and freshly initialised context) and every run starts from a
 * copy of it, with the host pointer redirected to the run's own counter.
 * The template is written once and only read afterwards, so runs still
 * cannot influence each other. cfg_init fills the configuration.
 */
typedef struct fz_template {
	wt_config cfg;
	wt_engine_ctx cc;
	fz_host_state hs;
	int ready;
} fz_template;

static wt_engine_ctx *fz_engine_start(void (*cfg_init)(wt_config *),
	fz_host_state *hs)
{
	static fz_template *t;
	wt_engine_ctx *cc;

	if (t == NULL) {
		wt_host host;

		t = calloc(1, sizeof *t);
		if (t == NULL) {
			return NULL;
		}
		cfg_init(&t->cfg);
		fz_host_init(&host, &t->hs);
		wt_engine_init(&t->cc, &t->cfg, &host);
		FZ_ASSERT(wt_engine_last_error(&t->cc) == 0);
		t->ready = 1;
	}
	cc = malloc(sizeof *cc);
	if (cc == NULL) {
		return NULL;
	}
	memcpy(cc, &t->cc, sizeof *cc);
	*hs = t->hs;
	cc->host.ctx = hs;
	fz_check_state(cc);
	return cc;
}

static void fz_engine_free(wt_engine_ctx *cc)
{
	free(cc);
}

/* ------------------------------------------------------------------ */
/* Playing the server                                                   */
/*                                                                      */
/* The harness acts as a TLS 1.3 server without a key schedule of its  */
/* own: wt_engine_ctx's layout is visible (wt_engine_ctx.h), so once    */
/* the engine has derived its read keys the harness seals records with */
/* them, and it builds CertificateVerify and Finished from the engine's */
/* own transcript and handshake secret. That lets the fuzzer reach the  */
/* encrypted handshake, the application phase and KeyUpdate.           */
/* ------------------------------------------------------------------ */

/* ECDSA P-256 leaf (CN=example.com, self-signed, 100 years) and its key. */
static const uint8_t fz_cert_der[] = {
  0x30, 0x82, 0x01, 0x88, 0x30, 0x82, 0x01, 0x2e, 0xa0, 0x03, 0x02, 0x01,
  0x02, 0x02, 0x01, 0x01, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
  0x3d, 0x04, 0x03, 0x02, 0x30, 0x16, 0x31, 0x14, 0x30, 0x12, 0x06, 0x03,
  0x55, 0x04, 0x03, 0x0c, 0x0b, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,
  0x2e, 0x63, 0x6f, 0x6d, 0x30, 0x20, 0x17, 0x0d, 0x32, 0x36, 0x31, 0x31,
  0x32, 0x36, 0x32, 0x31, 0x31, 0x33, 0x35, 0x37, 0x5a, 0x18, 0x0f, 0x32,
  0x31, 0x32, 0x36, 0x31, 0x31, 0x30, 0x32, 0x32, 0x31, 0x31, 0x33, 0x35,
  0x37, 0x5a, 0x30, 0x16, 0x31, 0x14, 0x30, 0x12, 0x06, 0x03, 0x55, 0x04,
  0x03, 0x0c, 0x0b, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2e, 0x63,
  0x6f, 0x6d, 0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce,
  0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01,
  0x07, 0x03, 0x42, 0x00, 0x04, 0xe3, 0x88, 0x36, 0x32, 0xc4, 0x44, 0xd1,
  0xe4, 0x70, 0x4f, 0xfc, 0x01, 0x1b, 0xa5, 0x4a, 0x1f, 0x81, 0x73, 0xba,
  0x4e, 0x84, 0x14, 0xea, 0xe8, 0x77, 0x79, 0x25, 0xb1, 0x0a, 0x24, 0xbb,
  0x5b, 0x57, 0xbe, 0xd6, 0x33, 0x9a, 0x95, 0x55, 0x7e, 0x63, 0x7c, 0xb1,
  0x45, 0x3f, 0x75, 0x1e, 0x32, 0x93, 0x29, 0x2a, 0xad, 0xe4, 0xcc, 0x60,
  0x0b, 0xa7, 0x95, 0xc9, 0x25, 0x54, 0x5b, 0xad, 0xc0, 0xa3, 0x6b, 0x30,
  0x69, 0x30, 0x1d, 0x06, 0x03, 0x55, 0x1d, 0x0e, 0x04, 0x16, 0x04, 0x14,
  0x87, 0x37, 0x00, 0x6e, 0x47, 0x4b, 0xf5, 0x61, 0x3d, 0x56, 0xea, 0xcf,
  0x49, 0x7f, 0xe2, 0xc2, 0x9f, 0x67, 0x0e, 0x77, 0x30, 0x1f, 0x06, 0x03,
  0x55, 0x1d, 0x23, 0x04, 0x18, 0x30, 0x16, 0x80, 0x14, 0x87, 0x37, 0x00,
  0x6e, 0x47, 0x4b, 0xf5, 0x61, 0x3d, 0x56, 0xea, 0xcf, 0x49, 0x7f, 0xe2,
  0xc2, 0x9f, 0x67, 0x0e, 0x77, 0x30, 0x0f, 0x06, 0x03, 0x55, 0x1d, 0x13,
  0x01, 0x01, 0xff, 0x04, 0x05, 0x30, 0x03, 0x01, 0x01, 0xff, 0x30, 0x16,
  0x06, 0x03, 0x55, 0x1d, 0x11, 0x04, 0x0f, 0x30, 0x0d, 0x82, 0x0b, 0x65,
  0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2e, 0x63, 0x6f, 0x6d, 0x30, 0x0a,
  0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x03, 0x48,
  0x00, 0x30, 0x45, 0x02, 0x21, 0x00, 0x8e, 0xb9, 0x48, 0x0b, 0xd1, 0x2c,
  0x89, 0x9d, 0x6d, 0x71, 0x75, 0x15, 0x53, 0x03, 0xdc, 0x1f, 0x36, 0x47,
  0x2e, 0x60, 0x8c, 0x83, 0xe7, 0x75, 0x99, 0x19, 0xce, 0x19, 0x80, 0x18,
  0x59, 0xec, 0x02, 0x20, 0x2b, 0x1b, 0x74, 0x97, 0x58, 0x4d, 0x43, 0x7c,
  0x3a, 0x24, 0x3e, 0x92, 0xc9, 0x8f, 0xd1, 0xcf, 0xae, 0xe0, 0xfb, 0xbe,
  0xa7, 0xa7, 0xe9, 0x37, 0xfe, 0x69, 0x97, 0xe4, 0x08, 0xcd, 0xa0, 0xb2
};
static const uint8_t fz_cert_key[32] = {
	0x53, 0x8b, 0x9e, 0x2a, 0x54, 0xb5, 0xb9, 0xef, 0xd6, 0x7d, 0xd4, 0xb7,
	0xf9, 0xf4, 0x8f, 0x09, 0x72, 0xb5, 0x02, 0x4f, 0x55, 0x5a, 0x08, 0x8e,
	0xf7, 0xee, 0xb1, 0xa6, 0x9b, 0x69, 0x9a, 0x88
};
/* RFC 8448 server x25519 share: any valid point works, the engine does
 * the ECDH and the harness reads the resulting keys from the context. */
static const uint8_t fz_server_share[32] = {
	0xc9, 0x82, 0x88, 0x76, 0x11, 0x20, 0x95, 0xfe, 0x66, 0x76, 0x2b, 0xdb,
	0xf7, 0xc6, 0x72, 0xe1, 0x56, 0xd6, 0xcc, 0x25, 0x3b, 0x83, 0x3d, 0xf1,
	0xdd, 0x69, 0xb1, 0xb0, 0x4e, 0x75, 0x1f, 0x0f
};

/* Builds one record around data: sealed under the engine's current read
 * key (inner type + pad zero bytes) when it has one, else plaintext of
 * the given type. Returns the record length written to out (which must
 * hold 5 + len + 1 + pad + 16 bytes). */
static size_t fz_make_record(const wt_engine_ctx *cc, uint8_t type,
	const uint8_t *data, size_t len, size_t pad, uint8_t *out)
{
	size_t n;

	out[0] = type;
	out[1] = 0x03;
	out[2] = 0x03;
	if (!cc->rd_on || cc->rd.suite == NULL) {
		memmove(out + 5, data, len);
		n = len;
	} else {
		wt_aead a;

		out[0] = WT_CT_APPLICATION_DATA;
		memmove(out + 5, data, len);
		out[5 + len] = type;
		memset(out + 5 + len + 1, 0, pad);
		n = len + 1 + pad;
		out[3] = (uint8_t)((n + 16) >> 8);
		out[4] = (uint8_t)(n + 16);
		wt_aead_init(&a, cc->rd.suite, cc->rd.key, cc->rd.iv);
		wt_aead_seal(&a, cc->rd_seq, out, 5, out + 5, n, out + 5 + n);
		wt_aead_wipe(&a);
		n += 16;
	}
	out[3] = (uint8_t)(n >> 8);
	out[4] = (uint8_t)n;
	return 5 + n;
}

/* Sends data as one record (see fz_make_record). */
static void fz_send_record(wt_engine_ctx *cc, uint8_t type,
	const uint8_t *data, size_t len, size_t pad)
{
	uint8_t *rec = malloc(5 + len + 1 + pad + 16);
	size_t n;

	if (rec == NULL) {
		return;
	}
	n = fz_make_record(cc, type, data, len, pad, rec);
	fz_feed(cc, rec, n);
	free(rec);
}

/* Sends a handshake message (type, body) in one record. */
static void fz_send_hs(wt_engine_ctx *cc, uint8_t type, const uint8_t *body,
	size_t len)
{
	uint8_t *msg = malloc(4 + len);

	if (msg == NULL) {
		return;
	}
	msg[0] = type;
	msg[1] = (uint8_t)(len >> 16);
	msg[2] = (uint8_t)(len >> 8);
	msg[3] = (uint8_t)len;
	memcpy(msg + 4, body, len);
	fz_send_record(cc, WT_CT_HANDSHAKE, msg, 4 + len, 0);
	free(msg);
}

/* ServerHello body echoing our session id, with a key share for the
 * group the engine's current share uses (x25519 or P-256); hrr = 1
 * builds a HelloRetryRequest asking for group instead. Returns the body
 * length (out must hold 256 bytes). */
static size_t fz_server_hello_body(const wt_engine_ctx *cc, uint16_t suite,
	int hrr, uint16_t group, uint8_t *out)
{
	size_t n = 0, i;

	out[n++] = 0x03;
	out[n++] = 0x03;
	if (hrr) {
		memcpy(out + n, wt_hrr_random, 32);
	} else {
		for (i = 0; i < 32; i++) {
			out[n + i] = (uint8_t)(0xa0 + i);
		}
	}
	n += 32;
	out[n++] = (uint8_t)cc->session_id_len;
	memcpy(out + n, cc->session_id, cc->session_id_len);
	n += cc->session_id_len;
	out[n++] = (uint8_t)(suite >> 8);
	out[n++] = (uint8_t)suite;
	out[n++] = 0;                       /* compression */
	if (hrr) {
		static const uint8_t ext[] = { 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,
			0x00, 0x33, 0x00, 0x02 };
		out[n++] = 0;
		out[n++] = sizeof ext + 2;
		memcpy(out + n, ext, sizeof ext);
		n += sizeof ext;
		out[n++] = (uint8_t)(group >> 8);
		out[n++] = (uint8_t)group;
	} else if (cc->share.group == WT_GROUP_SECP256R1) {
		/* after an HRR for P-256: the harness key's public point */
		static const uint8_t ext[] = { 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,
			0x00, 0x33, 0x00, 0x45, 0x00, 0x17, 0x00, 0x41 };
		br_ec_private_key sk;
		br_ec_public_key pk;
		uint8_t q[BR_EC_KBUF_PUB_MAX_SIZE];

		sk.curve = BR_EC_secp256r1;
		sk.x = (unsigned char *)fz_cert_key;
		sk.xlen = sizeof fz_cert_key;
		br_ec_compute_pub(br_ec_get_default(), &pk, q, &sk);
		out[n++] = 0;
		out[n++] = sizeof ext + 65;
		memcpy(out + n, ext, sizeof ext);
		n += sizeof ext;
		memcpy(out + n, pk.q, 65);
		n += 65;
	} else {
		static const uint8_t ext[] = { 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,
			0x00, 0x33, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20 };
		out[n++] = 0;
		out[n++] = sizeof ext + 32;
		memcpy(out + n, ext, sizeof ext);
		n += sizeof ext;
		memcpy(out + n, fz_server_share, 32);
		n += 32;
	}
	return n;
}

/* Certificate body carrying fz_cert_der (empty request context). */
static size_t fz_certificate_body(uint8_t *out)
{
	size_t n = 0, l = sizeof fz_cert_der;

	out[n++] = 0;                               /* context */
	out[n++] = 0;                               /* list length (u24) */
	out[n++] = (uint8_t)((l + 5) >> 8);
	out[n++] = (uint8_t)(l + 5);
	out[n++] = 0;
	out[n++] = (uint8_t)(l >> 8);
	out[n++] = (uint8_t)l;
	memcpy(out + n, fz_cert_der, l);
	n += l;
	out[n++] = 0;                               /* no extensions */
	out[n++] = 0;
	return n;
}

/* CertificateVerify body: ecdsa_secp256r1_sha256 over the engine's
 * current transcript (valid right after it took our Certificate). */
static size_t fz_certificate_verify_body(const wt_engine_ctx *cc, uint8_t *out)
{
	static const char ctx[] = "TLS 1.3, server CertificateVerify";
	uint8_t content[64 + sizeof ctx + WT_MAX_HASH];
	uint8_t h[32];
	br_sha256_context sha;
	br_ec_private_key sk;
	size_t n, sig_len;

	if (cc->suite == NULL) {
		return 0;
	}
	memset(content, 0x20, 64);
	memcpy(content + 64, ctx, sizeof ctx);
	wt_transcript_hash(&cc->transcript, content + 64 + sizeof ctx);
	n = 64 + sizeof ctx + cc->suite->hash_len;
	br_sha256_init(&sha);
	br_sha256_update(&sha, content, n);
	br_sha256_out(&sha, h);
	sk.curve = BR_EC_secp256r1;
	sk.x = (unsigned char *)fz_cert_key;
	sk.xlen = sizeof fz_cert_key;
	sig_len = br_ecdsa_i31_sign_asn1(br_ec_get_default(), &br_sha256_vtable,
		h, &sk, out + 4);
	out[0] = 0x04;
	out[1] = 0x03;
	out[2] = (uint8_t)(sig_len >> 8);
	out[3] = (uint8_t)sig_len;
	return 4 + sig_len;
}

/* Finished body from the engine's server handshake secret. */
static size_t fz_finished_body(const wt_engine_ctx *cc, uint8_t *out)
{
	uint8_t th[WT_MAX_HASH];

	if (cc->suite == NULL) {
		return 0;
	}
	wt_transcript_hash(&cc->transcript, th);
	wt_ks_finished(cc->suite, cc->ks.server_hs, th, out);
	return cc->suite->hash_len;
}

#endif
