/*
 * RFC 8448 replay through the engine with a deterministic host.
 *
 * Input (stdin): the "Name = hex" lines of one transcripts.vec section.
 * The host hands out Client_RNG_Pool: client random, then the X25519
 * private key, which is the order wt_hs13_start draws them in.
 *
 * RFC 8448's ClientHello offers things we deliberately don't (ffdhe and
 * secp521r1 groups, session_ticket, renegotiation_info, record_size_limit,
 * PKCS#1 and SHA-1 signature schemes), so ours cannot be byte-identical:
 * the fields our configuration does control (random, session id, cipher
 * suites, X25519 key share) are compared byte for byte, then the RFC's
 * ClientHello bytes stand in for ours in the transcript and everything
 * after that runs through the public engine API: the server flight is
 * decrypted and verified, and our Finished, application data and
 * close_notify records must equal the RFC's byte for byte.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "wt_internal.h"

#define MAXV 4096

struct vec {
	char name[64];
	uint8_t *v;
	size_t len;
};

static struct vec vecs[64];
static size_t nvecs;

static const struct vec *get(const char *name)
{
	size_t i;

	for (i = 0; i < nvecs; i++) {
		if (strcmp(vecs[i].name, name) == 0) {
			return &vecs[i];
		}
	}
	fprintf(stderr, "missing vector %s\n", name);
	exit(2);
}

static void read_vectors(void)
{
	static char line[1 << 16];

	while (fgets(line, sizeof line, stdin) && nvecs < 64) {
		char *eq = strstr(line, " = "), *val;
		long n;

		if (!eq) {
			continue;
		}
		*eq = 0;
		val = eq + 3;
		val[strcspn(val, "\r\n")] = 0;
		snprintf(vecs[nvecs].name, sizeof vecs[nvecs].name, "%s", line);
		vecs[nvecs].v = malloc(strlen(val) / 2 + 1);
		n = unit_unhex(val, vecs[nvecs].v, strlen(val) / 2 + 1);
		if (n < 0) {
			continue;   /* not hex (e.g. decimal timestamp) */
		}
		vecs[nvecs].len = (size_t)n;
		nvecs++;
	}
}

/* Deterministic host: the RNG pool, then zeros; a fixed clock. */
struct det_host {
	const uint8_t *pool;
	size_t len, off;
};

static int det_random(void *ctx, uint8_t *out, size_t len)
{
	struct det_host *h = ctx;
	size_t i;

	for (i = 0; i < len; i++, h->off++) {
		out[i] = h->off < h->len ? h->pool[h->off] : 0;
	}
	return 0;
}

static int64_t det_now(void *ctx)
{
	(void)ctx;
	return 1651826546000;   /* CurrentTimestamp of the vectors */
}

/* Finds extension `type` in a ClientHello message; returns its body. */
static int ch_field(const uint8_t *msg, size_t len, int what, uint16_t ext,
	wt_reader *out)
{
	wt_reader r, sid, suites, comp, exts;
	const uint8_t *skip;

	wt_rd_init(&r, msg + 4, len - 4);
	if (wt_rd_bytes(&r, 2, &skip) || wt_rd_bytes(&r, 32, &skip)) return -1;
	if (what == 0) { wt_rd_init(out, skip, 32); return 0; }
	if (wt_rd_block(&r, 1, &sid)) return -1;
	if (what == 1) { *out = sid; return 0; }
	if (wt_rd_block(&r, 2, &suites)) return -1;
	if (what == 2) { *out = suites; return 0; }
	if (wt_rd_block(&r, 1, &comp) || wt_rd_block(&r, 2, &exts)) return -1;
	while (exts.len) {
		uint16_t t;
		wt_reader d;

		if (wt_rd_u16(&exts, &t) || wt_rd_block(&exts, 2, &d)) return -1;
		if (t == ext) { *out = d; return 0; }
	}
	return -1;
}

static int same(const wt_reader *a, const wt_reader *b)
{
	return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

/* Pushes bytes through recvrec exactly as a transport would. */
static void feed(wt_engine_ctx *cc, const uint8_t *p, size_t n)
{
	while (n > 0 && (wt_engine_current_state(cc) & WT_RECVREC)) {
		size_t room;
		uint8_t *buf = wt_engine_recvrec_buf(cc, &room);
		size_t k = n < room ? n : room;

		memcpy(buf, p, k);
		wt_engine_recvrec_ack(cc, k);
		p += k;
		n -= k;
	}
	CHECK(n == 0);
}

/* Takes everything queued in sendrec. */
static size_t drain(wt_engine_ctx *cc, uint8_t *out, size_t cap)
{
	size_t len;
	uint8_t *p = wt_engine_sendrec_buf(cc, &len);

	if (!p || len > cap) {
		return 0;
	}
	memcpy(out, p, len);
	wt_engine_sendrec_ack(cc, len);
	return len;
}

static int equal_vec(const uint8_t *p, size_t len, const char *name)
{
	const struct vec *v = get(name);
	int ok = len == v->len && memcmp(p, v->v, len) == 0;

	printf("%s %s\n", ok ? "ok" : "FAIL", name);
	return ok;
}

static wt_engine_ctx cc;

/* Go's VerifyConnection equivalent: sees the negotiated parameters and
 * the peer chain before the handshake completes; argv[1] == "reject"
 * makes it refuse. */
static int verify_calls;
static int verify_reject;

static int verify_cb(void *ctx, const wt_conn_info *info)
{
	(void)ctx;
	verify_calls++;
	CHECK(info->cipher_suite == 0x1301);
	CHECK(info->peer_cert_count == 1 && info->peer_certs[0].len > 100);
	CHECK(info->peer_certs[0].der[0] == 0x30);
	CHECK(!info->verified);   /* WT_VERIFY_NONE */
	return verify_reject ? -1 : 0;
}

/* Key log lines carry every traffic secret: printed for the Node test,
 * which compares them with the values RFC 8448 section 3 lists. */
static void keylog(void *ctx, const char *line)
{
	(void)ctx;
	printf("keylog %s\n", line);
}

int main(int argc, char **argv)
{
	static const uint16_t suites[] = { 0x1301, 0x1303, 0x1302 };
	static const uint16_t groups[] = { WT_GROUP_X25519, WT_GROUP_SECP256R1, WT_GROUP_SECP384R1 };
	static uint8_t out[WT_OUTBUF_SIZE];
	const struct vec *pool, *rfc_ch_rec, *app;
	struct det_host dh;
	wt_config cfg;
	wt_host host;
	wt_reader ours, theirs;
	size_t n, len;
	uint8_t *p;

	verify_reject = argc > 1 && strcmp(argv[1], "reject") == 0;
	int fragment = argc > 1 && strcmp(argv[1], "fragment") == 0;
	read_vectors();
	pool = get("Client_RNG_Pool");
	rfc_ch_rec = get("Record_ClientHello_1");

	memset(&cfg, 0, sizeof cfg);
	cfg.server_name = "server";
	cfg.cipher_suites = suites;
	cfg.cipher_suite_count = 3;
	cfg.groups = groups;
	cfg.group_count = 3;
	cfg.verify_mode = WT_VERIFY_NONE;   /* the RFC's certificate names "rsa" */
	cfg.no_middlebox_compat = 1;        /* RFC 8448 sends no session id */
	cfg.keylog = keylog;
	cfg.verify_cb = verify_cb;
	if (fragment) {
		cfg.max_fragment = 64;
	}
	dh.pool = pool->v;
	dh.len = pool->len;
	dh.off = 0;
	host.ctx = &dh;
	host.random = det_random;
	host.now_ms = det_now;

	CHECK(wt_engine_init(&cc, &cfg, &host) == 0);
	n = drain(&cc, out, sizeof out);
	CHECK(n > 5 && out[0] == 22);

	/* Fields our configuration controls, byte for byte. */
	{
		static const char *names[] = { "random", "legacy_session_id", "cipher_suites" };
		int i;

		for (i = 0; i < 3; i++) {
			int ok = ch_field(out + 5, n - 5, i, 0, &ours) == 0
				&& ch_field(rfc_ch_rec->v + 5, rfc_ch_rec->len - 5, i, 0, &theirs) == 0
				&& same(&ours, &theirs);
			printf("%s clienthello.%s\n", ok ? "ok" : "FAIL", names[i]);
			CHECK(ok);
		}
		{
			int ok = ch_field(out + 5, n - 5, 3, WT_EXT_KEY_SHARE, &ours) == 0
				&& ch_field(rfc_ch_rec->v + 5, rfc_ch_rec->len - 5, 3, WT_EXT_KEY_SHARE, &theirs) == 0
				&& same(&ours, &theirs);
			printf("%s clienthello.key_share\n", ok ? "ok" : "FAIL");
			CHECK(ok);
		}
		{
			int ok = ch_field(out + 5, n - 5, 3, WT_EXT_SERVER_NAME, &ours) == 0
				&& ch_field(rfc_ch_rec->v + 5, rfc_ch_rec->len - 5, 3, WT_EXT_SERVER_NAME, &theirs) == 0
				&& same(&ours, &theirs);
			printf("%s clienthello.server_name\n", ok ? "ok" : "FAIL");
			CHECK(ok);
		}
	}

	/* The RFC's ClientHello stands in for ours in the transcript. */
	CHECK(rfc_ch_rec->len - 5 <= sizeof cc.ch);
	memcpy(cc.ch, rfc_ch_rec->v + 5, rfc_ch_rec->len - 5);
	cc.ch_len = rfc_ch_rec->len - 5;

	feed(&cc, get("Record_ServerHello")->v, get("Record_ServerHello")->len);
	CHECK(wt_engine_last_error(&cc) == 0);
	feed(&cc, get("Record_ServerHandshakeMessages")->v, get("Record_ServerHandshakeMessages")->len);
	CHECK(verify_calls == 1);
	if (verify_reject) {
		/* The callback's refusal aborts with bad_certificate (Go sends
		 * alertBadCertificate when VerifyConnection fails). */
		int ok = wt_engine_last_error(&cc) == WT_ERR_CALLBACK
			&& wt_error_alert(WT_ERR_CALLBACK) == WT_ALERT_BAD_CERTIFICATE
			&& !wt_engine_handshake_done(&cc);
		n = drain(&cc, out, sizeof out);
		/* One encrypted alert record: 5 + 2 + 1 + 16 bytes. */
		ok = ok && n == 24 && out[0] == 23;
		ok = ok && wt_engine_current_state(&cc) == WT_CLOSED;
		printf("%s verify callback rejection\n", ok ? "ok" : "FAIL");
		CHECK(ok);
		return unit_done();
	}
	if (wt_engine_last_error(&cc)) {
		fprintf(stderr, "engine error %s: %s\n", wt_error_name(wt_engine_last_error(&cc)),
			wt_engine_error_reason(&cc));
	}
	CHECK(wt_engine_last_error(&cc) == 0);
	CHECK(wt_engine_handshake_done(&cc));
	{
		wt_conn_info info;

		wt_engine_info(&cc, &info);
		CHECK(info.cipher_suite == 0x1301);
		CHECK(info.group == WT_GROUP_X25519);
		CHECK(info.sigalg == WT_SIG_RSA_PSS_RSAE_SHA256);
		CHECK(info.peer_cert_count == 1);
		printf("%s server_flight (EncryptedExtensions, Certificate, RSA-PSS CertificateVerify, Finished)\n",
			wt_engine_handshake_done(&cc) ? "ok" : "FAIL");
	}
	n = drain(&cc, out, sizeof out);
	CHECK(equal_vec(out, n, "Record_ClientFinished"));

	/* Post-handshake: the ticket, then application data both ways. */
	feed(&cc, get("Record_NewSessionTicket")->v, get("Record_NewSessionTicket")->len);
	CHECK(wt_engine_last_error(&cc) == 0 && cc.tickets_seen == 1);
	feed(&cc, get("Record_Server_AppData")->v, get("Record_Server_AppData")->len);
	p = wt_engine_recvapp_buf(&cc, &len);
	CHECK(p != NULL && equal_vec(p, len, "Server_AppData"));
	wt_engine_recvapp_ack(&cc, len);

	if (fragment) {
		/* 200 bytes with max_fragment 64: records of 64, 64, 64 and 8
		 * plaintext bytes, each + content type + 16-byte tag. */
		static const size_t want[] = { 64, 64, 64, 8 };
		size_t off = 0, i, total = 0;
		int ok = 1;

		while (total < 200) {
			p = wt_engine_sendapp_buf(&cc, &len);
			if (!p || len == 0) {
				ok = 0;
				break;
			}
			if (len > 200 - total) {
				len = 200 - total;
			}
			memset(p, 'x', len);
			wt_engine_sendapp_ack(&cc, len);
			total += len;
		}
		wt_engine_flush(&cc);
		n = drain(&cc, out, sizeof out);
		for (i = 0; i < 4 && ok; i++) {
			ok = off + 5 <= n && out[off] == 23
				&& ((size_t)out[off + 3] << 8 | out[off + 4]) == want[i] + 17;
			off += 5 + want[i] + 17;
		}
		ok = ok && off == n;
		printf("%s max_fragment 64\n", ok ? "ok" : "FAIL");
		CHECK(ok);
		return unit_done();
	}
	app = get("Client_AppData");
	p = wt_engine_sendapp_buf(&cc, &len);
	CHECK(p != NULL && len >= app->len);
	if (p && len >= app->len) {
		memcpy(p, app->v, app->len);
		wt_engine_sendapp_ack(&cc, app->len);
		wt_engine_flush(&cc);
	}
	n = drain(&cc, out, sizeof out);
	CHECK(equal_vec(out, n, "Record_Client_AppData"));

	wt_engine_close(&cc);
	n = drain(&cc, out, sizeof out);
	CHECK(equal_vec(out, n, "Record_Client_CloseNotify"));
	feed(&cc, get("Record_Server_CloseNotify")->v, get("Record_Server_CloseNotify")->len);
	CHECK(wt_engine_current_state(&cc) == WT_CLOSED);
	CHECK(wt_engine_last_error(&cc) == 0);
	printf("%s clean close\n", wt_engine_last_error(&cc) == 0 ? "ok" : "FAIL");
	{
		/* RFC 8446 7.5 exporter on the replayed connection. */
		uint8_t ekm[32];

		CHECK(wt_engine_export(&cc, "EXPERIMENTAL-test", (const uint8_t *)"ctx", 3, ekm, sizeof ekm) == 0);
		printf("exporter ");
		unit_print_hex(ekm, sizeof ekm);
		printf("\n");
	}
	wt_engine_wipe(&cc);
	return unit_done();
}
