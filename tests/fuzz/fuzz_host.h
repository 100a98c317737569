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

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/asan_interface.h>
#endif
#endif
#ifdef ASAN_POISON_MEMORY_REGION
#define FZ_ASAN 1
#else
#define ASAN_POISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#endif

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
/* TLS 1.3's, then TLS 1.2's (the ChaCha20 ones last, so the count can
 * leave them out) */
static const uint16_t fz_offer_suites[9] = {
	WT_TLS_AES_128_GCM_SHA256, WT_TLS_AES_256_GCM_SHA384,
	WT_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, WT_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	WT_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, WT_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	WT_TLS_CHACHA20_POLY1305_SHA256,
	WT_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, WT_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
};

/* The configuration every engine target uses. */
static void fz_config_init(wt_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->server_name = "example.com";
	cfg->verify_mode = WT_VERIFY_NONE;
	cfg->cipher_suites = fz_offer_suites;
	cfg->cipher_suite_count = FZ_WITH_CHACHA ? 9 : 6;
}

/* A heap copy of p[0..n) (n may be 0), for exact-length buffers that
 * AddressSanitizer bounds. */
static inline uint8_t *fz_dup_exact(const uint8_t *p, size_t n)
{
	uint8_t *q = malloc(n ? n : 1);

	FZ_ASSERT(q != NULL);
	if (n) {
		memcpy(q, p, n);
	}
	return q;
}

/* Makes ASan check every byte of [p, p+n): one shadow-memory query (a
 * byte loop here would be instrumented with a comparison callback per
 * byte and dominate the run time). */
static volatile uint32_t fz_sink;

static void fz_touch(const void *p, size_t n)
{
	const uint8_t *b = p;

	if (n == 0) {
		return;
	}
	FZ_ASSERT(p != NULL);
#ifdef FZ_ASAN
	FZ_ASSERT(__asan_region_is_poisoned((void *)b, n) == NULL);
	fz_sink = b[0] + b[n - 1];
#else
	{
		uint32_t s = 0;
		size_t i;

		for (i = 0; i < n; i++) {
			s += b[i];
		}
		fz_sink = s;
	}
#endif
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

/*
 * Record buffers: two pairs, and the engine holds one at a time. Whenever
 * the engine says they are idle (wt_engine_buffers_idle), fz_check_state
 * detaches them, checks that nothing is offered meanwhile, and attaches
 * the other pair; the pair let go is poisoned for ASan, so an engine that
 * kept a pointer into it (or lost bytes it still needed) is caught.
 */
static uint8_t fz_inbuf[2][WT_MIN_INBUF], fz_outbuf[2][WT_OUTBUF_SIZE];
static unsigned fz_pair;
/* The run's handshake area: poisoned once released (wt_engine_release_handshake
 * as soon as the engine allows it), so any later use is caught. */
static wt_handshake fz_hs_area;
static uint8_t fz_peer_keep[WT_MAX_PEER_CHAIN];   /* where the peer credentials go then */

/*
 * The run starts with a small handshake area (as the wasm glue does) that
 * grows through these hooks, so the engine's move of its state runs under
 * the sanitizers: the bytes past the area's length are poisoned, and the
 * area given back must be wiped. The latest grown block is freed when
 * the next run starts.
 */
static void *fz_grown;

static void *fz_area_alloc(void *ctx, size_t len)
{
	void *p = malloc(len);

	(void)ctx;
	if (p != NULL) {
		fz_grown = p;
	}
	return p;
}

static void fz_area_free(void *ctx, void *area, size_t len)
{
	const uint8_t *b = area;
	size_t i;

	(void)ctx;
	for (i = 0; i < len; i++) {
		FZ_ASSERT(b[i] == 0);   /* wiped before it is given back */
	}
	if (area == (void *)&fz_hs_area) {
		ASAN_POISON_MEMORY_REGION(&fz_hs_area, sizeof fz_hs_area);
	} else {
		free(area);
	}
}

static void fz_grown_reset(void)
{
	free(fz_grown);
	fz_grown = NULL;
}

/* Makes `pair` the usable one (ASan: the other is poisoned). */
static void fz_use_pair(unsigned pair)
{
	fz_pair = pair;
	ASAN_UNPOISON_MEMORY_REGION(fz_inbuf[pair], sizeof fz_inbuf[pair]);
	ASAN_UNPOISON_MEMORY_REGION(fz_outbuf[pair], sizeof fz_outbuf[pair]);
	ASAN_POISON_MEMORY_REGION(fz_inbuf[pair ^ 1u], sizeof fz_inbuf[0]);
	ASAN_POISON_MEMORY_REGION(fz_outbuf[pair ^ 1u], sizeof fz_outbuf[0]);
}

static void fz_attach(wt_engine_ctx *cc, unsigned pair)
{
	fz_use_pair(pair);
	FZ_ASSERT(wt_engine_set_buffers(cc, fz_inbuf[pair], sizeof fz_inbuf[pair],
		fz_outbuf[pair], sizeof fz_outbuf[pair]) == 0);
}

static void fz_swap_idle_buffers(wt_engine_ctx *cc)
{
	unsigned st = wt_engine_current_state(cc);
	size_t n;

	if (!wt_engine_buffers_idle(cc)) {
		/* busy buffers cannot be taken away */
		FZ_ASSERT(wt_engine_set_buffers(cc, NULL, 0, NULL, 0) == WT_ERR_BAD_STATE);
		return;
	}
	FZ_ASSERT(wt_engine_set_buffers(cc, NULL, 0, NULL, 0) == 0);
	FZ_ASSERT(wt_engine_current_state(cc) == st);
	FZ_ASSERT(wt_engine_recvrec_buf(cc, &n) == NULL && n == 0);
	FZ_ASSERT(wt_engine_sendapp_buf(cc, &n) == NULL && n == 0);
	FZ_ASSERT(wt_engine_sendrec_buf(cc, &n) == NULL && n == 0);
	fz_attach(cc, fz_pair ^ 1u);
}

/* Checks what the public API promises about the state word and buffers. */
static void fz_check_state(wt_engine_ctx *cc)
{
	unsigned st = wt_engine_current_state(cc);
	size_t n;
	uint8_t *p;

	fz_swap_idle_buffers(cc);
	if (cc->hs != NULL && wt_engine_release_handshake(cc, fz_peer_keep,
		wt_engine_peer_keep_size(cc)) == 0)
	{
		FZ_ASSERT(cc->hs == NULL);
		ASAN_POISON_MEMORY_REGION(&fz_hs_area, sizeof fz_hs_area);
		fz_grown_reset();   /* a grown area: any later use is a use after free */
	} else if (cc->hs != NULL) {
		/* only a handshake in progress keeps it */
		FZ_ASSERT(!wt_engine_handshake_done(cc) || cc->hs_len > 0);
		FZ_ASSERT(wt_engine_last_error(cc) == 0);
	}

	FZ_ASSERT((st & ~0x3Fu) == 0);
	/* 0-RTT room only before the handshake is done, never with SENDAPP */
	FZ_ASSERT(!((st & WT_SENDEARLY) && (st & WT_SENDAPP)));
	FZ_ASSERT(!((st & WT_SENDEARLY) && wt_engine_handshake_done(cc)));
	FZ_ASSERT(st != 0);   /* the engine always has something to offer or is closed */
	if (st & WT_CLOSED) {
		FZ_ASSERT(st == WT_CLOSED);
	}
	if (wt_engine_last_error(cc) != 0) {
		/* a latched error: only the alert drain or closed remain */
		FZ_ASSERT((st & ~(unsigned)(WT_SENDREC | WT_CLOSED)) == 0);
	}
	p = wt_engine_sendrec_buf(cc, &n);
	FZ_ASSERT(n <= cc->obuf_cap);
	FZ_ASSERT((n > 0) == ((st & WT_SENDREC) != 0));
	FZ_ASSERT((p != NULL) == (n > 0));
	fz_touch(p, n);
	p = wt_engine_recvrec_buf(cc, &n);
	FZ_ASSERT((n > 0) == ((st & WT_RECVREC) != 0));
	FZ_ASSERT(n <= WT_MAX_RECORD);
	FZ_ASSERT(cc->ilen + n <= WT_MAX_RECORD);
	if (n) {
		FZ_ASSERT(p >= cc->ibuf && p + n <= cc->ibuf + cc->ibuf_cap);
	}
	p = wt_engine_recvapp_buf(cc, &n);
	FZ_ASSERT((n > 0) == ((st & WT_RECVAPP) != 0));
	FZ_ASSERT(n <= WT_MAX_PLAINTEXT);
	fz_touch(p, n);
	p = wt_engine_sendapp_buf(cc, &n);
	FZ_ASSERT((n > 0) == ((st & (WT_SENDAPP | WT_SENDEARLY)) != 0));
	if (n) {
		FZ_ASSERT(p >= cc->obuf && p + n <= cc->obuf + cc->obuf_cap);
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
		fz_touch(info.ocsp_response, info.ocsp_response_len);
		fz_touch(info.sct_list, info.sct_list_len);
	}
	fz_touch(wt_engine_error_reason(cc), strlen(wt_engine_error_reason(cc)));
}

/* Drains sendrec (in pieces of 'piece' bytes, 0 = all at once) and recvapp
 * until neither is offered, checking the state after every ack (callers
 * check it before: a drain with nothing to do costs one state read). */
static void fz_drain(wt_engine_ctx *cc, size_t piece)
{
	int guard;

	for (guard = 0; guard < 100000; guard++) {
		unsigned st = wt_engine_current_state(cc);
		size_t n;
		uint8_t *p;

		if (guard > 0) {
			fz_check_state(cc);
		}
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
		fz_check_state(cc);
		done += k;
	}
	fz_drain(cc, 0);
	return done;
}

/*
 * The engine context of the current run. It is big (about 140 KB: record
 * buffers, handshake reassembly, the peer chain), and a fresh heap block
 * per run costs an mmap/munmap pair and its page faults under ASan, so
 * every run reuses one block: fully overwritten at the start of a run
 * (wt_engine_init's memset or a template copy), and poisoned for ASan
 * between runs so nothing can keep using it. One engine at a time.
 */

static wt_engine_ctx *fz_ctx_block;

static wt_engine_ctx *fz_ctx_get(void)
{
	if (fz_ctx_block == NULL) {
		fz_ctx_block = malloc(sizeof *fz_ctx_block);
		if (fz_ctx_block == NULL) {
			return NULL;
		}
	}
	ASAN_UNPOISON_MEMORY_REGION(fz_ctx_block, sizeof *fz_ctx_block);
	return fz_ctx_block;
}

static void fz_engine_free(wt_engine_ctx *cc)
{
	FZ_ASSERT(cc == fz_ctx_block);
	ASAN_POISON_MEMORY_REGION(cc, sizeof *cc);
}

/* Starts an engine; NULL only if malloc fails. */
static wt_engine_ctx *fz_engine_new(const wt_config *cfg, const wt_host *host)
{
	wt_engine_ctx *cc = fz_ctx_get();

	wt_engine_mem mem = { 0 };

	if (cc == NULL) {
		return NULL;
	}
	fz_use_pair(0);
	fz_grown_reset();
	ASAN_UNPOISON_MEMORY_REGION(&fz_hs_area, sizeof fz_hs_area);
	mem.hs = &fz_hs_area;
	mem.hs_len = WT_HS_AREA_MIN;
	mem.area_alloc = fz_area_alloc;
	mem.area_free = fz_area_free;
	mem.in = fz_inbuf[0];
	mem.in_len = sizeof fz_inbuf[0];
	mem.out = fz_outbuf[0];
	mem.out_len = sizeof fz_outbuf[0];
	wt_engine_init(cc, cfg, host, &mem);
	if (cc->hs == &fz_hs_area) {
		ASAN_POISON_MEMORY_REGION((uint8_t *)&fz_hs_area + cc->hs_area_len,
			sizeof fz_hs_area - cc->hs_area_len);
	}
	fz_check_state(cc);
	return cc;
}

/*
 * The same, but fast: with a deterministic host wt_engine_init() builds
 * the same context every time, and that is most of a short run (the
 * ClientHello, the PSK binder, the client certificate's key check). So
 * the first run of each slot (one per configuration) builds a template:
 * configuration, host state and freshly initialised context; every run
 * starts from a copy of it, with the host pointer redirected to the run's
 * own counter. A template is written once and only read afterwards, so
 * runs still cannot influence each other. cfg_init(cfg, slot) fills the
 * configuration of a slot.
 */
#define FZ_SLOTS 64

typedef struct fz_template {
	wt_config cfg;
	wt_engine_ctx cc;
	uint8_t inbuf[WT_MIN_INBUF], outbuf[WT_OUTBUF_SIZE];  /* its record buffers */
	wt_handshake hs_area;
	fz_host_state hs;
	void (*cfg_init)(wt_config *, unsigned);
} fz_template;

static wt_engine_ctx *fz_engine_start_slot(unsigned slot,
	void (*cfg_init)(wt_config *, unsigned), fz_host_state *hs)
{
	static fz_template *t[FZ_SLOTS];
	wt_engine_ctx *cc;
	size_t i;

	FZ_ASSERT(slot < FZ_SLOTS);
	if (t[slot] != NULL && t[slot]->cfg_init != cfg_init) {
		/* another configuration function (only gen_seeds mixes them) */
		free(t[slot]);
		t[slot] = NULL;
	}
	if (t[slot] == NULL) {
		wt_host host;

		t[slot] = calloc(1, sizeof *t[slot]);
		if (t[slot] == NULL) {
			return NULL;
		}
		t[slot]->cfg_init = cfg_init;
		cfg_init(&t[slot]->cfg, slot);
		const wt_engine_mem mem = { t[slot]->inbuf, sizeof t[slot]->inbuf,
			t[slot]->outbuf, sizeof t[slot]->outbuf, &t[slot]->hs_area, sizeof t[slot]->hs_area, NULL, NULL, NULL };

		fz_host_init(&host, &t[slot]->hs);
		wt_engine_init(&t[slot]->cc, &t[slot]->cfg, &host, &mem);
		FZ_ASSERT(wt_engine_last_error(&t[slot]->cc) == 0);
	}
	cc = fz_ctx_get();
	if (cc == NULL) {
		return NULL;
	}
	memcpy(cc, &t[slot]->cc, sizeof *cc);
	/* The template's buffers stay its own: the run gets a copy of them
	 * (the queued ClientHello), re-aimed as a host moving them would. */
	fz_use_pair(0);
	fz_grown_reset();
	memcpy(fz_inbuf[0], t[slot]->inbuf, sizeof fz_inbuf[0]);
	memcpy(fz_outbuf[0], t[slot]->outbuf, sizeof fz_outbuf[0]);
	cc->ibuf = fz_inbuf[0];
	cc->obuf = fz_outbuf[0];
	ASAN_UNPOISON_MEMORY_REGION(&fz_hs_area, sizeof fz_hs_area);
	memcpy(&fz_hs_area, &t[slot]->hs_area, sizeof fz_hs_area);
	cc->hs = &fz_hs_area;
	*hs = t[slot]->hs;
	cc->host.ctx = hs;
	/* The message and chain spaces, and certificates loaded from a
	 * session, point into the template's own area: re-aim them at the
	 * copy's (as wt_hs_reserve does when an area moves). */
	{
		const uint8_t *from = (const uint8_t *)&t[slot]->hs_area;
		uint8_t *to = (uint8_t *)&fz_hs_area;

#define FZ_REAIM(p) ((const uint8_t *)(p) >= from && (const uint8_t *)(p) < from + sizeof fz_hs_area \
	? to + ((const uint8_t *)(p) - from) : (uint8_t *)(p))
		cc->msg = FZ_REAIM(cc->msg);
		cc->chain = FZ_REAIM(cc->chain);
		cc->peer_mem = FZ_REAIM(cc->peer_mem);
		cc->reasm = FZ_REAIM(cc->reasm);
		for (i = 0; i < cc->cert_count; i++) {
			cc->certs[i].der = FZ_REAIM(cc->certs[i].der);
		}
#undef FZ_REAIM
	}
	fz_check_state(cc);
	return cc;
}

/* A single-configuration target's start (slot 0). */
static void (*fz_plain_cfg_init)(wt_config *);

static void fz_plain_cfg(wt_config *cfg, unsigned slot)
{
	(void)slot;
	fz_plain_cfg_init(cfg);
}

static wt_engine_ctx *fz_engine_start(void (*cfg_init)(wt_config *),
	fz_host_state *hs)
{
	fz_plain_cfg_init = cfg_init;
	return fz_engine_start_slot(0, fz_plain_cfg, hs);
}

/* ------------------------------------------------------------------ */
/* Playing the server                                                   */
/*                                                                      */
/* The fuzz targets link wasmtls_fuzz, built with WT_FUZZING_UNSAFE     */
/* (src/crypto.c, tests/fuzz/README.md): records are plaintext with a   */
/* zero tag, any well-formed key share is accepted, CertificateVerify   */
/* signatures and the server Finished are not checked. So the harness   */
/* plays the server without any cryptography: it writes records,        */
/* ServerHello, certificates, a DER-valid dummy signature and a          */
/* Finished of the right length, and reaches the encrypted handshake,   */
/* resumption, 0-RTT, client authentication, the application phase and  */
/* KeyUpdate in a few bytes of input.                                   */
/* ------------------------------------------------------------------ */

#ifndef WT_FUZZING_UNSAFE
#error "fuzz targets link wasmtls_fuzz (WT_FUZZING_UNSAFE); see CMakeLists.txt"
#endif

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
/* The harness's client certificate: the same leaf and key. */
static const wt_peer_cert fz_client_chain[1] = {
	{ fz_cert_der, sizeof fz_cert_der }
};

static void fz_client_cert_init(wt_client_cert *c)
{
	memset(c, 0, sizeof *c);
	c->chain = fz_client_chain;
	c->chain_len = 1;
	c->key.type = BR_KEYTYPE_EC;
	c->key.ec.curve = BR_EC_secp256r1;
	c->key.ec.x = (unsigned char *)fz_cert_key;
	c->key.ec.xlen = sizeof fz_cert_key;
}

/* A session blob (src/session.c, version 3) that fz_config_init's
 * configuration resumes: example.com, verify mode NONE, AES-128-GCM,
 * ALPN h2, issued a minute before FZ_NOW_MS for a day, with the leaf;
 * max_early > 0 allows 0-RTT. Returns the length (0 if cap is short). */
static size_t fz_session_blob(uint32_t max_early, uint8_t *out, size_t cap)
{
	static const uint8_t psk[32] = {
		0x50, 0x53, 0x4b, 0x2d, 0x66, 0x75, 0x7a, 0x7a, 1, 2, 3, 4, 5, 6,
		7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24
	};
	static const char ticket[] = "fuzz-ticket";
	wt_session s;

	memset(&s, 0, sizeof s);
	s.suite = wt_suite_get(WT_TLS_AES_128_GCM_SHA256);
	s.created_ms = FZ_NOW_MS - 60000;
	s.lifetime = 86400;
	s.age_add = 0x01020304;
	s.max_early_data = max_early;
	s.verify_mode = WT_VERIFY_NONE;
	s.alpn = (const uint8_t *)"h2";
	s.alpn_len = 2;
	s.server_name = (const uint8_t *)"example.com";
	s.server_name_len = 11;
	s.verify_ip = (const uint8_t *)"";
	s.psk = psk;
	s.ticket = (const uint8_t *)ticket;
	s.ticket_len = sizeof ticket - 1;
	s.certs[0] = fz_client_chain[0];
	s.cert_count = 1;
	return wt_session_write(&s, out, cap);
}

static uint8_t fz_session_out[WT_MAX_SESSION];

/* Parses a session blob; if it parses, writing it back must give the
 * same bytes (and not fit in one byte less). Returns 1 if it parsed. */
static int fz_session_roundtrip(const uint8_t *blob, size_t len)
{
	wt_session s;
	uint8_t *out;
	size_t i, n;

	if (wt_session_parse(&s, blob, len) != 0) {
		return 0;
	}
	FZ_ASSERT(s.suite != NULL && s.cert_count <= WT_MAX_PEER_CERTS);
	FZ_ASSERT(s.ticket_len >= 1 && s.ticket_len <= WT_MAX_TICKET);
	fz_touch(s.alpn, s.alpn_len);
	fz_touch(s.server_name, s.server_name_len);
	fz_touch(s.verify_ip, s.verify_ip_len);
	fz_touch(s.psk, s.suite->hash_len);
	fz_touch(s.ticket, s.ticket_len);
	fz_touch(s.ocsp, s.ocsp_len);
	fz_touch(s.sct_list, s.sct_list_len);
	FZ_ASSERT(s.sct_list_len == 0 || wt_sct_list_check(s.sct_list, s.sct_list_len) == 0);
	for (i = 0; i < s.cert_count; i++) {
		FZ_ASSERT(s.certs[i].len >= 1);
		fz_touch(s.certs[i].der, s.certs[i].len);
	}
	/* Written into exactly len addressable bytes, so ASan catches a write
	 * past them: a static block with the rest poisoned (a fresh heap
	 * block per ticket costs ASan's malloc fill and page faults). */
	if (len <= sizeof fz_session_out) {
		out = fz_session_out;
		ASAN_POISON_MEMORY_REGION(out + len, sizeof fz_session_out - len);
	} else {
		out = malloc(len);
		if (out == NULL) {
			return 1;
		}
	}
	n = wt_session_write(&s, out, len);
	FZ_ASSERT(n == len);
	FZ_ASSERT(memcmp(out, blob, len) == 0);
	FZ_ASSERT(wt_session_write(&s, out, len - 1) == 0);
	if (out == fz_session_out) {
		ASAN_UNPOISON_MEMORY_REGION(out, sizeof fz_session_out);
	} else {
		free(out);
	}
	return 1;
}

/* session_cb: what the engine hands out must parse and round-trip. */
static void fz_session_cb(void *ctx, const uint8_t *blob, size_t len)
{
	(void)ctx;
	FZ_ASSERT(len <= WT_MAX_SESSION);
	FZ_ASSERT(fz_session_roundtrip(blob, len));
}

/* Builds one record around data: protected (null cipher: inner type,
 * pad zero bytes, zero tag) when the engine has a read key, else
 * plaintext of the given type; change_cipher_spec always goes in the
 * clear, as servers send it (RFC 8446 D.4). Returns the record length written to out
 * (which must hold 5 + len + 1 + pad + 16 bytes). */
static size_t fz_make_record(const wt_engine_ctx *cc, uint8_t type,
	const uint8_t *data, size_t len, size_t pad, uint8_t *out)
{
	size_t n;

	out[0] = type;
	out[1] = 0x03;
	out[2] = 0x03;
	if (cc->version == WT_VERSION_TLS12 && cc->rd_on && cc->rd.suite != NULL
		&& type != WT_CT_CHANGE_CIPHER_SPEC)
	{
		/* TLS 1.2 (RFC 5246 6.2.3.3): the type stays outside; AES-GCM
		 * carries an 8-byte explicit nonce (any value); zero tag */
		size_t explicit = cc->rd.suite->chacha ? 0 : 8;

		memmove(out + 5 + explicit, data, len);
		memset(out + 5, 0x5a, explicit);
		memset(out + 5 + explicit + len, 0, 16);
		n = explicit + len + 16;
		out[3] = (uint8_t)(n >> 8);
		out[4] = (uint8_t)n;
		return 5 + n;
	}
	memmove(out + 5, data, len);
	n = len;
	if (cc->rd_on && cc->rd.suite != NULL && type != WT_CT_CHANGE_CIPHER_SPEC) {
		out[0] = WT_CT_APPLICATION_DATA;
		out[5 + len] = type;
		memset(out + 5 + len + 1, 0, pad + 16);
		n = len + 1 + pad + 16;
	}
	out[3] = (uint8_t)(n >> 8);
	out[4] = (uint8_t)n;
	return 5 + n;
}

/* Scratch for fz_send_record/fz_send_hs (the engine copies what it is
 * fed, so these need no exact-size heap blocks): the largest record the
 * harness builds, a handshake message up to WT_MAX_PLAINTEXT + 1 with
 * 255 bytes of padding. */
#define FZ_SCRATCH (5 + 4 + WT_MAX_PLAINTEXT + 1 + 255 + 16)
static uint8_t fz_rec_scratch[FZ_SCRATCH], fz_msg_scratch[FZ_SCRATCH];

/* Sends data as one record (see fz_make_record). */
static void fz_send_record(wt_engine_ctx *cc, uint8_t type,
	const uint8_t *data, size_t len, size_t pad)
{
	size_t n;

	FZ_ASSERT(5 + len + 1 + pad + 16 <= sizeof fz_rec_scratch);
	n = fz_make_record(cc, type, data, len, pad, fz_rec_scratch);
	fz_feed(cc, fz_rec_scratch, n);
}

/* Sends a handshake message (type, body) in one record. */
static void fz_send_hs(wt_engine_ctx *cc, uint8_t type, const uint8_t *body,
	size_t len)
{
	uint8_t *msg = fz_msg_scratch;

	FZ_ASSERT(4 + len <= sizeof fz_msg_scratch);
	msg[0] = type;
	msg[1] = (uint8_t)(len >> 16);
	msg[2] = (uint8_t)(len >> 8);
	msg[3] = (uint8_t)len;
	memcpy(msg + 4, body, len);
	fz_send_record(cc, WT_CT_HANDSHAKE, msg, 4 + len, 0);
}

#define FZ_SH_PSK     1   /* ServerHello: pre_shared_key, identity 0 */
#define FZ_HRR_COOKIE 2   /* HelloRetryRequest: a cookie */

/* ServerHello body echoing our session id, with a key share for the
 * group of the engine's current share (any bytes of the right form: the
 * fuzzing build accepts them); hrr = 1 builds a HelloRetryRequest asking
 * for group instead. flags: FZ_SH_*. Returns the body length (out must
 * hold 2048 bytes). */
static size_t fz_server_hello_body(const wt_engine_ctx *cc, uint16_t suite,
	int hrr, uint16_t group, unsigned flags, uint8_t *out)
{
	static const uint8_t versions[] = { 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04 };
	size_t n = 0, i, share_len, ext;

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
	ext = n;
	n += 2;
	memcpy(out + n, versions, sizeof versions);
	n += sizeof versions;
	out[n++] = 0x00;                    /* key_share */
	out[n++] = 0x33;
	if (hrr) {
		out[n++] = 0;
		out[n++] = 2;
		out[n++] = (uint8_t)(group >> 8);
		out[n++] = (uint8_t)group;
		if (flags & FZ_HRR_COOKIE) {
			static const uint8_t cookie[] = { 0x00, 0x2c, 0x00, 0x06,
				0x00, 0x04, 'c', 'o', 'o', 'k' };

			memcpy(out + n, cookie, sizeof cookie);
			n += sizeof cookie;
		}
	} else {
		/* Answer the last key share we sent (or our first group). */
		const wt_group_info *g;

		/* the area is gone once the engine failed or finished */
		group = cc->hs && cc->hs->share_count > 0 ? cc->hs->shares[cc->hs->share_count - 1].group : cc->groups[0];
		g = wt_group_info_get(group);
		share_len = g ? g->peer_len : 32;
		out[n++] = (uint8_t)((4 + share_len) >> 8);
		out[n++] = (uint8_t)(4 + share_len);
		out[n++] = (uint8_t)(group >> 8);
		out[n++] = (uint8_t)group;
		out[n++] = (uint8_t)(share_len >> 8);
		out[n++] = (uint8_t)share_len;
		for (i = 0; i < share_len; i++) {
			out[n + i] = (uint8_t)(0x11 * (i + 1));
		}
		if (g && g->curve != 0 && g->curve != BR_EC_curve25519 && g->mlkem_k == 0) {
			out[n] = 0x04;              /* uncompressed point */
		}
		n += share_len;
		if (flags & FZ_SH_PSK) {
			static const uint8_t psk[] = { 0x00, 0x29, 0x00, 0x02, 0x00, 0x00 };

			memcpy(out + n, psk, sizeof psk);
			n += sizeof psk;
		}
	}
	out[ext] = (uint8_t)((n - ext - 2) >> 8);
	out[ext + 1] = (uint8_t)(n - ext - 2);
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

/* CertificateVerify body: ecdsa_secp256r1_sha256 with a strict-DER
 * signature (r = s = 1) that the fuzzing build does not check. */
static size_t fz_certificate_verify_body(uint8_t *out)
{
	static const uint8_t cv[] = { 0x04, 0x03, 0x00, 0x08,
		0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01 };

	memcpy(out, cv, sizeof cv);
	return sizeof cv;
}

/* TLS 1.2 (hs12.c) ready-made server messages. The ServerHello: suite
 * (one of ours), and its flags: FZ12_EMS, FZ12_TICKET (session_ticket
 * acknowledged), FZ12_OCSP (status_request acknowledged), FZ12_RESUME
 * (echoes our session ID: a resumption when we offered a ticket). */
#define FZ12_EMS    1
#define FZ12_TICKET 2
#define FZ12_OCSP   4
#define FZ12_RESUME 8
static size_t fz_server_hello12_body(const wt_engine_ctx *cc, uint16_t suite,
	unsigned flags, uint8_t *out)
{
	static const uint8_t reneg[] = { 0xff, 0x01, 0x00, 0x01, 0x00 };
	static const uint8_t points[] = { 0x00, 0x0b, 0x00, 0x02, 0x01, 0x00 };
	size_t n = 0, i, ext;

	out[n++] = 0x03;
	out[n++] = 0x03;
	for (i = 0; i < 32; i++) {
		out[n + i] = (uint8_t)(0x50 + i);
	}
	n += 32;
	if (flags & FZ12_RESUME) {
		out[n++] = (uint8_t)cc->session_id_len;
		memcpy(out + n, cc->session_id, cc->session_id_len);
		n += cc->session_id_len;
	} else {
		out[n++] = 4;
		memcpy(out + n, "sid!", 4);
		n += 4;
	}
	out[n++] = (uint8_t)(suite >> 8);
	out[n++] = (uint8_t)suite;
	out[n++] = 0;
	ext = n;
	n += 2;
	memcpy(out + n, reneg, sizeof reneg);
	n += sizeof reneg;
	memcpy(out + n, points, sizeof points);
	n += sizeof points;
	if (flags & FZ12_EMS) {
		memcpy(out + n, "\x00\x17\x00\x00", 4);
		n += 4;
	}
	if (flags & FZ12_TICKET) {
		memcpy(out + n, "\x00\x23\x00\x00", 4);
		n += 4;
	}
	if (flags & FZ12_OCSP) {
		memcpy(out + n, "\x00\x05\x00\x00", 4);
		n += 4;
	}
	out[ext] = (uint8_t)((n - ext - 2) >> 8);
	out[ext + 1] = (uint8_t)(n - ext - 2);
	return n;
}

/* TLS 1.2 Certificate (RFC 5246 7.4.2) with the harness's leaf. */
static size_t fz_certificate12_body(uint8_t *out)
{
	size_t l = sizeof fz_cert_der;

	out[0] = 0;
	out[1] = (uint8_t)((l + 3) >> 8);
	out[2] = (uint8_t)(l + 3);
	out[3] = 0;
	out[4] = (uint8_t)(l >> 8);
	out[5] = (uint8_t)l;
	memcpy(out + 6, fz_cert_der, l);
	return 6 + l;
}

/* ServerKeyExchange (RFC 8422 5.4): a named curve, a point (x25519 or an
 * uncompressed P-256 point of the fuzzer's bytes) and an
 * ecdsa_secp256r1_sha256 signature (strict DER, not checked when
 * fuzzing). */
static size_t fz_server_key_exchange_body(uint16_t group, uint8_t *out)
{
	static const uint8_t sig[] = { 0x04, 0x03, 0x00, 0x08,
		0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01 };
	size_t n = 0, i, plen = group == WT_GROUP_X25519 ? 32 : 65;

	out[n++] = 3;
	out[n++] = (uint8_t)(group >> 8);
	out[n++] = (uint8_t)group;
	out[n++] = (uint8_t)plen;
	for (i = 0; i < plen; i++) {
		out[n + i] = (uint8_t)(0x21 * (i + 1));
	}
	if (plen == 65) {
		out[n] = 0x04;
	}
	n += plen;
	memcpy(out + n, sig, sizeof sig);
	return n + sizeof sig;
}

/* The server's TLS 1.2 Finished as the engine will check it (computed
 * from its own state: the PRF runs for real in the fuzzing build); 0
 * before a TLS 1.2 suite is chosen. */
static size_t fz_finished12_body(const wt_engine_ctx *cc, uint8_t *out)
{
	uint8_t th[64];

	if (cc->version != WT_VERSION_TLS12 || cc->suite == NULL) {
		return 0;
	}
	br_multihash_out(&cc->t12.transcript,
		cc->suite->hash_len == 48 ? br_sha384_ID : br_sha256_ID, th);
	wt_ks12_finished(cc->suite, cc->t12.master, 0, th, out);
	return 12;
}

/* Finished body: hash-length zeros (the fuzzing build checks only the
 * length); 0 before a cipher suite is chosen. */
static size_t fz_finished_body(const wt_engine_ctx *cc, uint8_t *out)
{
	if (cc->suite == NULL) {
		return 0;
	}
	memset(out, 0, cc->suite->hash_len);
	return cc->suite->hash_len;
}

/* Base64 of in[0..len) in 64-column lines, each ending in '\n' (a PEM
 * body); out needs 4 * ((len + 2) / 3) + len / 48 + 1 bytes. */
static size_t fz_base64_lines(const uint8_t *in, size_t len, char *out)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0, col = 0;

	for (i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		size_t k;

		if (i + 1 < len) v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < len) v |= in[i + 2];
		for (k = 0; k < 4; k++) {
			out[o++] = k <= len - i ? tab[(v >> (18 - 6 * k)) & 63] : '=';
		}
		col += 4;
		if (col == 64) {
			out[o++] = '\n';
			col = 0;
		}
	}
	if (col != 0) {
		out[o++] = '\n';
	}
	return o;
}

#endif
