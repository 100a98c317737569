/*
 * bogo_shim: BoringSSL's test-runner protocol (ssl/test/bssl_shim.cc)
 * around the wasmtls engine. One process runs 1 + -resume-count
 * connections; see bogo.h for the exit codes.
 */
#define _GNU_SOURCE 1

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "wasmtls.h"
#include "wt_internal.h"   /* wt_sig_choose: the engine's signing choice */
#include "bogo.h"
#include "cli.h"   /* host callbacks and file reading, shared with the CLI */

/* How long one socket wait may take. The runner's own idle timeout is
 * 15 s; this only keeps a lost peer from hanging the shim forever. */
#define IO_TIMEOUT_MS 30000

static const char initial_write[] = "hello";   /* runner.go shimInitialWrite */

/* ------------------------------------------------------------------ */
/* Per-process state: trust anchors, client certificate, the session   */
/* ------------------------------------------------------------------ */

typedef struct loaded_cert {
	wt_peer_cert chain[WT_MAX_PEER_CERTS];
	uint8_t *chain_buf;
	uint8_t *key_buf;
	size_t key_buf_len;
	wt_client_cert cert;
	int loaded;
} loaded_cert;

typedef struct shim {
	/* -trust-cert, loaded once (the runner passes the same file). */
	wt_trust_anchor anchors[16];
	uint8_t *anchor_buf;
	size_t anchor_count;
	const char *anchors_from;

	/* The newest session of the previous connection (test_state->
	 * new_session in bssl_shim.cc), offered by the next one. */
	uint8_t *session;
	size_t session_len;

	/* Peer signature algorithm (and, for TLS 1.2, group) of the last
	 * full handshake: BoringSSL reports the session's values on
	 * resumption (a TLS 1.2 resumption has no key exchange). */
	uint16_t session_sigalg, session_group;
	/* SSL_get_verify_result of the connection that made the session
	 * (kept in the session: reported again on resumption). */
	int session_verify_result;
} shim;

/* SSL_get_verify_result values the shim can produce. */
#define VERIFY_OK              0    /* X509_V_OK */
#define VERIFY_APPLICATION    50    /* X509_V_ERR_APPLICATION_VERIFICATION */
#define VERIFY_NOT_RUN       (-1)

/* The shim's clock (the engine's host clock and the chain validation
 * time), like bssl_shim's g_clock: frozen at the process start, moved
 * forward only by -resumption-delay, so the ticket age the runner checks
 * (ExpectTicketAge) is exact. Socket timeouts use the real clock. */
static int64_t clock_base_ms;
static int64_t clock_offset_ms;

static int64_t
shim_now_ms(void *ctx)
{
	if (clock_base_ms == 0) {
		clock_base_ms = wt_cli_host_now_ms(ctx);
	}
	return clock_base_ms + clock_offset_ms;
}

/* One connection. */
typedef struct conn {
	shim *sh;
	const bogo_config *cfg;     /* the current one (retry after 0-RTT reject) */
	const bogo_config *retry_cfg;
	int is_resume;
	int fd;
	int async;
	wt_engine_ctx *cc;
	uint8_t inbuf[WT_MIN_INBUF], outbuf[WT_OUTBUF_SIZE];   /* its record buffers */
	/* The handshake area: the smallest the engine takes (WT_HS_AREA_MIN),
	 * grown on demand (shim_area_alloc), so every BoGo test that sends
	 * more than a tiny message runs the engine's growth path. */
	void *hs_area;
	wt_config wcfg;
	loaded_cert client;                    /* the legacy -cert-file/-key-file */
	loaded_cert creds[BOGO_MAX_CREDS];     /* -new-x509-credential ones */
	int selected_cred;                     /* index, -1 legacy or none */
	/* -new-psk-credential ones, as wt_config.psks, with their keys,
	 * identities and contexts decoded, and each one's credential index */
	wt_external_psk psks[WT_MAX_EXTERNAL_PSKS];
	uint8_t psk_bytes[WT_MAX_EXTERNAL_PSKS][3][WT_MAX_PSK_IDENTITY];
	int psk_cred[WT_MAX_EXTERNAL_PSKS];

	/* SSL_get_verify_result for this connection, and how many times the
	 * verify callback ran (BoringSSL's "Certificate verified twice"). */
	int verify_result;
	int verify_calls;

	/* -export-traffic-secrets: the application traffic secrets, from
	 * the key log (hex as logged). */
	char client_secret[2 * 64 + 1];
	char server_secret[2 * 64 + 1];

	int sock_eof;
	int write_dead;

	/* Set by callbacks inside an engine call; acted upon right after it,
	 * before anything more goes to the peer. */
	int abort_code;
	char abort_msg[256];

	/* -verify-peer: our chain check's result (verify_cb). */
	int verify_err;
	char verify_reason[WT_REASON_MAX];   /* copied: reasons may be on the stack */

	/* NewSessionTicket blobs received on this connection. */
	int sessions;
	uint8_t *new_session;
	size_t new_session_len;

	/* -signing-prefs without the schemes the engine never signs with. */
	uint16_t sign_algs[BOGO_MAX_LIST];
	/* The first bytes the runner sent (unencrypted records up to its
	 * ServerHello), kept to tell "the server picked TLS <= 1.1" apart
	 * from other version errors (see check_old_version_server), and to
	 * read a TLS 1.2 ServerHello's renegotiation_info. */
	uint8_t rx_log[8192];
	size_t rx_log_len;

	/* ALPN list built from -advertise-alpn. */
	char alpn_store[WT_MAX_ALPN][256];
	const char *alpn[WT_MAX_ALPN];
	/* Cipher suites: -cipher's choice for each version, then the list
	 * given to the engine (set_suites). */
	int cipher_set;
	uint16_t suites13[3], suites12[6];
	size_t suite13_count, suite12_count;
	uint16_t suites[9];
	size_t suite_count;
} conn;

/* ------------------------------------------------------------------ */
/* Failure paths                                                        */
/* ------------------------------------------------------------------ */

/* Closes the socket the way bssl_shim's OwnedSocket does: half-close,
 * then read until the peer closes, so the runner reads all we wrote
 * (an alert, say) instead of a reset. */
static void
close_socket(int fd)
{
	char buf[4096];
	int flags = fcntl(fd, F_GETFL);
	int64_t deadline = wt_cli_host_now_ms(NULL) + IO_TIMEOUT_MS;

	if (flags >= 0) {
		(void)fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	}
	shutdown(fd, SHUT_WR);
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		int64_t left = deadline - wt_cli_host_now_ms(NULL);
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
			break;
		}
		n = recv(fd, buf, sizeof buf, 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
			break;
		}
	}
	close(fd);
}

static void conn_flush(conn *c);

/* The runner's first handshake message, reassembled from rx_log
 * (plaintext: nothing before the ServerHello is encrypted) into hs: its
 * length with the header; 0 if it cannot be told, 1 if the first record
 * is a fatal protocol_version alert (a refused ClientHello). */
static size_t
first_message(const conn *c, uint8_t hs[1024])
{
	size_t off = 0, hl = 0, need = 0;

	while (off + 5 <= c->rx_log_len) {
		uint8_t type = c->rx_log[off];
		size_t len = (size_t)c->rx_log[off + 3] << 8 | c->rx_log[off + 4];

		if (off + 5 + len > c->rx_log_len) {
			break;
		}
		if (type == 21 && hl == 0 && len == 2) {
			if (c->rx_log[off + 5] == 2) {   /* fatal */
				return c->rx_log[off + 6] == WT_ALERT_PROTOCOL_VERSION ? 1 : 0;
			}
			off += 5 + len;   /* a warning (SendSNIWarningAlert): skip it */
			continue;
		}
		if (type != 22) {
			return 0;
		}
		if (hl + len > 1024) {
			len = 1024 - hl;
		}
		memcpy(hs + hl, c->rx_log + off + 5, len);
		hl += len;
		off += 5 + (size_t)(c->rx_log[off + 3] << 8 | c->rx_log[off + 4]);
		if (hl >= 4) {
			need = 4 + ((size_t)hs[1] << 16 | (size_t)hs[2] << 8 | hs[3]);
			if (hl >= need || hl == 1024) {
				break;
			}
		}
	}
	return hl < 4 || need > hl ? 0 : need;
}

/* The runner's ServerHello (or HelloRetryRequest): its version (the
 * supported_versions value, else legacy_version), and whether it carries
 * extension ext (-1: not looked for) with *ext_len its length. 1 if its
 * first record is a protocol_version alert (it refused our ClientHello
 * before any ServerHello); 0 if neither can be told. */
static int
server_hello_info(const conn *c, int ext, int *has_ext, size_t *ext_len)
{
	uint8_t hs[1024];
	size_t need = first_message(c, hs), p, end;
	int version;

	*has_ext = 0;
	if (need <= 1 || hs[0] != 2) {
		return need == 1 ? 1 : 0;
	}
	/* ServerHello: version 2, random 32, session_id, suite 2,
	 * compression 1, extensions. */
	version = (int)(hs[4] << 8 | hs[5]);
	p = 4 + 2 + 32;
	if (p >= need) {
		return 0;
	}
	p += 1 + hs[p];
	p += 3;
	if (p + 2 > need) {
		return version;   /* no extensions */
	}
	end = p + 2 + (size_t)(hs[p] << 8 | hs[p + 1]);
	end = end < need ? end : need;
	for (p += 2; p + 4 <= end;) {
		size_t et = (size_t)(hs[p] << 8 | hs[p + 1]), el = (size_t)(hs[p + 2] << 8 | hs[p + 3]);

		if (et == 43 && el == 2 && p + 6 <= end) {
			version = (int)(hs[p + 4] << 8 | hs[p + 5]);
		}
		if ((int)et == ext) {
			*has_ext = 1;
			*ext_len = el;
		}
		p += 4 + el;
	}
	return version;
}

static int
runner_version(const conn *c)
{
	int has;
	size_t len;

	return server_hello_info(c, -1, &has, &len);
}

/* A client test whose runner server is capped at TLS 1.1 or below, when
 * the test's own version range includes that version, is a test of TLS
 * 1.0/1.1 or SSL 3, which wasmtls never implements (RFC 8996): exit 89.
 * Exactly when the handshake failed on the version: we sent
 * protocol_version because the ServerHello picked a version below 1.2, or
 * the runner refused our ClientHello with protocol_version before any
 * ServerHello. Not when the test's range (-min-version, -no-tls1...)
 * excludes what the runner does: then refusing the older version is the
 * behaviour under test. The downgrade-sentinel check (illegal_parameter)
 * is never hidden. */
static void
check_old_version_server(conn *c, int err)
{
	int v, floor, hi;
	wt_conn_info info;

	bogo_version_range(c->cfg, &floor, &hi);
	/* With 0-RTT offered, a ServerHello with any version but the
	 * session's (1.3) is an error even for a TLS 1.2 client (BoringSSL's
	 * WRONG_VERSION_ON_EARLY_DATA, also a protocol_version alert): our
	 * own rejection then stays. (A runner that refused our ClientHello
	 * tested nothing of ours: that is still hidden.) */
	memset(&info, 0, sizeof info);
	wt_engine_info(c->cc, &info);
	if (info.early_data != WT_EARLY_NOT_SENT && err == WT_ALERT_PROTOCOL_VERSION) {
		return;
	}
	if (err != WT_ALERT_PROTOCOL_VERSION
		&& err != (WT_ERR_ALERT_RECEIVED | WT_ALERT_PROTOCOL_VERSION))
	{
		return;
	}
	v = runner_version(c);
	if (err == WT_ALERT_PROTOCOL_VERSION && v < floor) {
		return;   /* below the test's floor: refusing it is the behaviour under test */
	}
	if (err == (WT_ERR_ALERT_RECEIVED | WT_ALERT_PROTOCOL_VERSION) && floor > 0x0301) {
		/* A test about version floors (MinimumVersion-*): the runner's
		 * version is not known here; its refusal is most likely the
		 * expected outcome (runner below the floor). Left visible: a
		 * wrong guess shows as a FAIL, not a hidden SKIP. */
		return;
	}
	if (err == WT_ALERT_PROTOCOL_VERSION && v >= 0x0300 && v < 0x0303) {
		close_socket(c->fd);
		bogo_unimplemented("the runner's server negotiated %s%d.%d (never implemented: "
			"RFC 8996)", v == 0x0300 ? "SSL " : "TLS ", v == 0x0300 ? 3 : 1,
			v == 0x0300 ? 0 : v - 0x0301);
	}
	if (err == (WT_ERR_ALERT_RECEIVED | WT_ALERT_PROTOCOL_VERSION) && v == 1) {
		close_socket(c->fd);
		bogo_unimplemented("the runner's server refused our ClientHello with "
			"protocol_version: it wants TLS 1.0/1.1 or SSL 3 (never implemented: RFC 8996)");
	}
}

/* A received alert's name: wt_alert_name knows TLS 1.3's alerts; the
 * ones RFC 8446 dropped, which an older peer may still send, are named
 * here (RFC 5246 7.2). */
static const char *
received_alert_name(int alert)
{
	switch (alert) {
	case 21: return "decryption_failed";
	case 30: return "decompression_failure";
	case 41: return "no_certificate";
	case 60: return "export_restriction";
	case 100: return "no_renegotiation";
	default: return wt_alert_name(alert);
	}
}

/* Engine error: the alert (if any) goes out first, then the error line
 * "error: <wt_error_name>: <reason>" and exit 1. */
static void __attribute__((noreturn))
conn_fail_engine(conn *c, const char *what)
{
	int err = wt_engine_last_error(c->cc);
	const char *reason = wt_engine_error_reason(c->cc);
	char rbuf[64];

	conn_flush(c);
	check_old_version_server(c, err);
	if ((reason == NULL || *reason == 0) && (err & 0xF00) == WT_ERR_ALERT_RECEIVED) {
		reason = received_alert_name(err & 0xFF);
	}
	if (reason == NULL || *reason == 0) {
		snprintf(rbuf, sizeof rbuf, "error 0x%x", (unsigned)err);
		reason = rbuf;
	}
	if (err == WT_ERR_CALLBACK && c->verify_err != 0) {
		/* Our -verify-peer chain check failed: name the real cause. */
		fprintf(stderr, "error: %s: %s (%s, %s)\n", wt_error_name(c->verify_err),
			c->verify_reason[0] ? c->verify_reason : "certificate verification failed",
			wt_error_name(err), what);
	} else if ((err & 0xF00) == WT_ERR_ALERT_RECEIVED) {
		fprintf(stderr, "error: %s: %s (%s)\n", wt_error_name(err),
			received_alert_name(err & 0xFF), reason);
	} else {
		fprintf(stderr, "error: %s: %s (%s)\n", wt_error_name(err), reason, what);
	}
	fflush(stderr);
	close_socket(c->fd);
	exit(BOGO_EXIT_FAIL);
}

/* A test expectation or a local check failed. */
static void __attribute__((noreturn, format(printf, 3, 4)))
conn_fail(conn *c, const char *name, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "error: %s: ", name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	close_socket(c->fd);
	exit(BOGO_EXIT_FAIL);
}

/* A callback asked to stop (unimplemented, or -fail-cert-callback). */
static void
check_abort(conn *c)
{
	if (c->abort_code == 0) {
		return;
	}
	if (c->abort_code == BOGO_EXIT_UNIMPLEMENTED) {
		close(c->fd);
		bogo_unimplemented("%s", c->abort_msg);
	}
	conn_fail(c, "cert_cb_error", "%s", c->abort_msg);
}

/* ------------------------------------------------------------------ */
/* Transport: blocking, or (-async) non-blocking one byte at a time    */
/* ------------------------------------------------------------------ */

static int
connect_runner(const bogo_config *cfg)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1;

	memset(&ss, 0, sizeof ss);
	if (cfg->ipv6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)cfg->port);
		inet_pton(AF_INET6, "::1", &s6->sin6_addr);
		sl = sizeof *s6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)cfg->port);
		inet_pton(AF_INET, "127.0.0.1", &s4->sin_addr);
		sl = sizeof *s4;
	}
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0) {
		bogo_fail("io_error", "socket: %s", strerror(errno));
	}
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) {
		bogo_fail("io_error", "setsockopt(TCP_NODELAY): %s", strerror(errno));
	}
	if (connect(fd, (struct sockaddr *)&ss, sl) != 0) {
		bogo_fail("io_error", "connect to %s port %d: %s", cfg->ipv6 ? "::1" : "127.0.0.1",
			cfg->port, strerror(errno));
	}
	return fd;
}

static void
wait_fd(conn *c, short events)
{
	struct pollfd p = { c->fd, events, 0 };
	int r;

	do {
		r = poll(&p, 1, IO_TIMEOUT_MS);
	} while (r < 0 && errno == EINTR);
	if (r == 0) {
		conn_fail(c, "timeout", "no progress on the socket for %d ms", IO_TIMEOUT_MS);
	}
}

/* Writes some of sendrec. Peer gone: the output is dropped (reading goes
 * on: the peer may have sent an alert first). */
static void
send_some(conn *c)
{
	size_t len;
	uint8_t *buf = wt_engine_sendrec_buf(c->cc, &len);
	ssize_t n;

	if (buf == NULL || len == 0) {
		wt_engine_sendrec_ack(c->cc, 0);
		return;
	}
	if (c->write_dead) {
		wt_engine_sendrec_ack(c->cc, len);
		return;
	}
	if (!c->async) {
		wait_fd(c, POLLOUT);
	}
	n = send(c->fd, buf, c->async ? 1 : len, MSG_NOSIGNAL);
	if (n > 0) {
		wt_engine_sendrec_ack(c->cc, (size_t)n);
	} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
		wt_engine_sendrec_ack(c->cc, 0);
		wait_fd(c, POLLOUT);
	} else {
		c->write_dead = 1;
		wt_engine_sendrec_ack(c->cc, len);
	}
}

/* Reads some of the next record into recvrec. */
static void
recv_some(conn *c)
{
	size_t len;
	uint8_t *buf = wt_engine_recvrec_buf(c->cc, &len);
	ssize_t n;

	if (buf == NULL || len == 0) {
		wt_engine_recvrec_ack(c->cc, 0);
		return;
	}
	if (!c->async) {
		wait_fd(c, POLLIN);
	}
	n = recv(c->fd, buf, c->async ? 1 : len, 0);
	if (n > 0) {
		size_t keep = sizeof c->rx_log - c->rx_log_len;

		keep = keep < (size_t)n ? keep : (size_t)n;
		memcpy(c->rx_log + c->rx_log_len, buf, keep);
		c->rx_log_len += keep;
		wt_engine_recvrec_ack(c->cc, (size_t)n);
		check_abort(c);
	} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
		wt_engine_recvrec_ack(c->cc, 0);
		wait_fd(c, POLLIN);
	} else {
		/* EOF, or a reset: the transport is done either way. */
		wt_engine_recvrec_ack(c->cc, 0);
		c->sock_eof = 1;
		wt_engine_eof(c->cc);
	}
}

/* Everything in sendrec out to the socket. */
static void
conn_flush(conn *c)
{
	while (wt_engine_current_state(c->cc) & WT_SENDREC) {
		send_some(c);
	}
}

/* One step of I/O: output first, then input. 0 if the engine is stuck. */
static int
step(conn *c)
{
	unsigned st = wt_engine_current_state(c->cc);

	if (st & WT_SENDREC) {
		send_some(c);
		return 1;
	}
	if ((st & WT_RECVREC) && !c->sock_eof) {
		recv_some(c);
		return 1;
	}
	return 0;
}

/* Puts data through sendapp, seals it and flushes it. 0 or -1 (closed). */
static int
write_all(conn *c, const uint8_t *p, size_t len)
{
	while (len > 0) {
		unsigned st = wt_engine_current_state(c->cc);

		if (st & WT_CLOSED) {
			return -1;
		}
		if (st & WT_SENDAPP) {
			size_t room;
			uint8_t *buf = wt_engine_sendapp_buf(c->cc, &room);
			size_t n = len < room ? len : room;

			if (buf == NULL || n == 0) {
				wt_engine_sendapp_ack(c->cc, 0);
			} else {
				memcpy(buf, p, n);
				wt_engine_sendapp_ack(c->cc, n);
				p += n;
				len -= n;
				continue;
			}
		}
		if (!(st & WT_SENDREC)) {
			/* No room and nothing to write: seal what is staged. */
			wt_engine_flush(c->cc);
			if (!(wt_engine_current_state(c->cc) & (WT_SENDREC | WT_SENDAPP))) {
				if (!step(c)) {
					return -1;
				}
			}
			continue;
		}
		send_some(c);
	}
	wt_engine_flush(c->cc);
	conn_flush(c);
	return (wt_engine_current_state(c->cc) & WT_CLOSED) && wt_engine_last_error(c->cc) ? -1 : 0;
}

/* Up to max bytes of application data. 0 once the connection is closed
 * (cleanly or not: see wt_engine_last_error). */
static size_t
read_app(conn *c, uint8_t *out, size_t max)
{
	for (;;) {
		unsigned st = wt_engine_current_state(c->cc);

		if (st & WT_RECVAPP) {
			size_t len;
			uint8_t *buf = wt_engine_recvapp_buf(c->cc, &len);
			size_t n = len < max ? len : max;

			memcpy(out, buf, n);
			if (c->cfg->peek_then_read) {
				/* SSL_peek, then SSL_peek and SSL_read again: the
				 * unacknowledged buffer is the peek; both repeats must
				 * return the same bytes. */
				size_t len2;
				uint8_t *buf2 = wt_engine_recvapp_buf(c->cc, &len2);

				if (buf2 == NULL || len2 < n || memcmp(buf2, out, n) != 0) {
					conn_fail(c, "internal_error", "SSL_peek and SSL_read did not match");
				}
			}
			wt_engine_recvapp_ack(c->cc, n);
			return n;
		}
		if (st & WT_CLOSED) {
			return 0;
		}
		if (!step(c)) {
			conn_fail(c, "internal_error", "engine stalled (state 0x%x)", st);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Engine callbacks                                                     */
/* ------------------------------------------------------------------ */

static void
on_session(void *ctx, const uint8_t *blob, size_t len)
{
	conn *c = ctx;

	if (len > WT_MAX_SESSION) {
		return;
	}
	memcpy(c->new_session, blob, len);
	c->new_session_len = len;
	c->sessions++;
}

/* The session blob's max_early_data (src/session.c documents the layout:
 * "WTS" 3 | suite u16 | created_ms u64 | lifetime u32 | age_add u32 |
 * max_early_data u32 | ...). No public accessor exists. */
static int
session_allows_early_data(const uint8_t *blob, size_t len)
{
	if (len < 26 || memcmp(blob, "WTS\x03", 4) != 0) {
		return 0;
	}
	return (blob[22] | blob[23] | blob[24] | blob[25]) != 0;
}

/* Records why verification failed; returns the alert verify_cb asks the
 * engine to send (1: the engine's default, bad_certificate). */
static int
verify_failed(conn *c, int err, const char *reason, int alert)
{
	c->verify_err = err;
	snprintf(c->verify_reason, sizeof c->verify_reason, "%s", reason != NULL ? reason : "");
	return alert;
}

/* -use-ocsp-callback: BoringSSL's legacy status callback
 * (SSL_CTX_set_tlsext_status_cb) runs after certificate verification in
 * a full handshake; with -fail-ocsp-callback it returns 0, which fails
 * the handshake with bad_certificate_status_response (OCSP_CB_ERROR). */
static int
ocsp_callback(conn *c, const bogo_config *cfg, const wt_conn_info *info)
{
	if (!cfg->use_ocsp_callback || info->resumed || !cfg->fail_ocsp_callback) {
		return 0;
	}
	return verify_failed(c, WT_ERR_CERT_INVALID, "-fail-ocsp-callback: the OCSP callback fails",
		WT_ALERT_BAD_CERTIFICATE_STATUS);
}

/* The certificate check, the way bssl_shim sets it up (TestConfig::
 * NewSSL): -use-custom-verify-callback installs SSL_set_custom_verify's
 * CustomVerifyCallback, which replaces chain verification and fails
 * only with -verify-fail; otherwise CertVerifyCallback, which fails with
 * -verify-fail, and (our addition, as before) -verify-peer checks the
 * chain against -trust-cert. A failure aborts only with -verify-peer
 * (SSL_VERIFY_PEER); under SSL_VERIFY_NONE it is recorded in the verify
 * result and the handshake goes on. On resumption the check does not
 * run (the session's result stands) unless -reverify-on-resume with the
 * custom callback (SSL_CTX_set_reverify_on_resume). */
static int
on_verify(void *ctx, const wt_conn_info *info)
{
	conn *c = ctx;
	/* After a 0-RTT rejection (known from EncryptedExtensions, before
	 * the Certificate) BoringSSL has reset to the -on-retry- config. */
	const bogo_config *cfg = info->early_data == WT_EARLY_REJECTED ? c->retry_cfg : c->cfg;
	char reason[WT_REASON_MAX];
	int err;

	if (info->resumed && !(cfg->use_custom_verify_callback && cfg->reverify_on_resume)) {
		return 0;
	}
	if (info->external_psk >= 0) {
		return 0;   /* BoringSSL verifies no certificate in a PSK handshake */
	}
	if (++c->verify_calls > 1) {
		return verify_failed(c, WT_ERR_CERT_INVALID, "certificate verified twice", 1);
	}
	if (cfg->verify_fail) {
		c->verify_result = VERIFY_APPLICATION;
		if (!cfg->verify_peer) {
			return 0;
		}
		/* BoringSSL's alerts: a failing custom verify callback sends
		 * certificate_unknown (ssl_verify_invalid), a failing
		 * SSL_set_verify callback handshake_failure (X509_V_ERR_
		 * APPLICATION_VERIFICATION). */
		return verify_failed(c, WT_ERR_CERT_INVALID, "-verify-fail: the verify callback fails",
			cfg->use_custom_verify_callback ? WT_ALERT_CERTIFICATE_UNKNOWN
			: WT_ALERT_HANDSHAKE_FAILURE);
	}
	c->verify_result = VERIFY_OK;
	if (cfg->use_custom_verify_callback || !cfg->verify_peer || info->resumed) {
		return ocsp_callback(c, cfg, info);
	}
	/* SSL_VERIFY_PEER: the chain must lead to -trust-cert; like BoringSSL
	 * without SSL_set1_host, no host name check. The runner's leaf
	 * certificates are a private CA's (no extendedKeyUsage, an empty
	 * subject with a non-critical subjectAltName): the private profile. */
	err = wt_verify_chain(info->peer_certs, info->peer_cert_count, c->sh->anchors,
		c->sh->anchor_count, NULL, shim_now_ms(NULL) / 1000,
		WT_CERT_PROFILE_PRIVATE, reason, sizeof reason);
	if (err != 0) {
		c->verify_result = VERIFY_APPLICATION;
		return verify_failed(c, err, reason, 1);
	}
	return ocsp_callback(c, cfg, info);
}

/* One DER TLV at *p (end: e): sets v, vlen to the value, tlv, tlvlen to
 * the whole element, advances *p. -1 if malformed (short-form or 1..3-byte
 * long-form lengths only: enough for certificates). */
static int
der_next(const uint8_t **p, const uint8_t *e, uint8_t *tag, const uint8_t **v, size_t *vlen,
	const uint8_t **tlv, size_t *tlvlen)
{
	const uint8_t *q = *p;
	size_t len, n;

	if (e - q < 2) {
		return -1;
	}
	*tlv = q;
	*tag = *q++;
	len = *q++;
	if (len & 0x80) {
		n = len & 0x7f;
		if (n < 1 || n > 3 || (size_t)(e - q) < n) {
			return -1;
		}
		for (len = 0; n > 0; n--) {
			len = len << 8 | *q++;
		}
	}
	if ((size_t)(e - q) < len) {
		return -1;
	}
	*v = q;
	*vlen = len;
	*p = q + len;
	*tlvlen = (size_t)(*p - *tlv);
	return 0;
}

/* The issuer Name (DER, tag included) of a certificate: Certificate ->
 * tbsCertificate -> [0] version? , serialNumber, signature, issuer. */
static int
cert_issuer(const wt_peer_cert *cert, const uint8_t **name, size_t *len)
{
	const uint8_t *p = cert->der, *e = cert->der + cert->len, *v, *tlv;
	size_t vlen, tlvlen;
	uint8_t tag;
	int i;

	if (der_next(&p, e, &tag, &v, &vlen, &tlv, &tlvlen) != 0 || tag != 0x30) {
		return -1;
	}
	p = v;
	e = v + vlen;
	if (der_next(&p, e, &tag, &v, &vlen, &tlv, &tlvlen) != 0 || tag != 0x30) {
		return -1;
	}
	p = v;
	e = v + vlen;
	for (i = 0; i < 4; i++) {
		if (der_next(&p, e, &tag, &v, &vlen, &tlv, &tlvlen) != 0) {
			return -1;
		}
		if (i == 0 && tag != 0xa0) {
			i++;   /* no explicit version: this was the serial number */
		}
		if (i == 3) {
			*name = tlv;
			*len = tlvlen;
			return tag == 0x30 ? 0 : -1;
		}
	}
	return -1;
}

/* -expect-client-ca-list: the names as DER hex, comma-separated, in
 * order ("" for an empty or absent list). */
static int
same_ca_list(const char *want, const wt_cert_request *req)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *p = req->ca_names, *end = p + req->ca_names_len;
	const char *w = want;

	while (p != NULL && end - p >= 2) {
		size_t n = (size_t)p[0] << 8 | p[1], i;

		p += 2;
		if ((size_t)(end - p) < n) {
			return 0;
		}
		if (w != want && *w++ != ',') {
			return 0;
		}
		for (i = 0; i < n; i++, p++) {
			if (w[0] != hex[*p >> 4] || w[1] != hex[*p & 15]) {
				return 0;
			}
			w += 2;
		}
	}
	return *w == 0;
}

/* BoringSSL's ssl_credential_matches_requested_issuers: a credential
 * with -must-match-issuer is usable only if some certificate of its chain
 * was issued by a CA the server's certificate_authorities names. */
static int
chain_matches_ca_names(const loaded_cert *lc, const wt_cert_request *req)
{
	size_t i, off;

	for (i = 0; i < lc->cert.chain_len; i++) {
		const uint8_t *issuer;
		size_t ilen;

		if (cert_issuer(&lc->cert.chain[i], &issuer, &ilen) != 0) {
			continue;
		}
		for (off = 0; off + 2 <= req->ca_names_len;) {
			size_t n = (size_t)req->ca_names[off] << 8 | req->ca_names[off + 1];

			if (off + 2 + n > req->ca_names_len) {
				break;
			}
			if (n == ilen && memcmp(req->ca_names + off + 2, issuer, n) == 0) {
				return 1;
			}
			off += 2 + n;
		}
	}
	return 0;
}

static void set_signing_prefs(conn *c, const uint16_t *prefs, size_t npref);

/* CertificateRequest: BoringSSL's cert callback (CertCallback), then its
 * credential selection (ssl_get_full_credential_list): the
 * -new-x509-credential credentials in order, the legacy -cert-file one
 * last; the first that can sign with one of the server's
 * signature_algorithms is used. None: no certificate. */
static const wt_client_cert *
on_cert_request(void *ctx, const wt_cert_request *req)
{
	conn *c = ctx;
	const bogo_config *cfg = c->cfg;
	const wt_client_cert *first = NULL;
	const uint16_t *first_prefs = NULL;
	size_t i, first_npref = 0;
	wt_conn_info info;
	int tls12;

	memset(&info, 0, sizeof info);
	wt_engine_info(c->cc, &info);
	tls12 = info.version == WT_VERSION_TLS12;

	if (cfg->fail_cert_callback) {
		/* BoringSSL's failing cert callback: the handshake ends with
		 * internal_error (as Go's failing GetClientCertificate). */
		return WT_CLIENT_CERT_ABORT;
	}
	if (cfg->expect_client_ca_list != NULL && !same_ca_list(cfg->expect_client_ca_list, req)) {
		c->abort_code = BOGO_EXIT_FAIL;
		snprintf(c->abort_msg, sizeof c->abort_msg,
			"the CertificateRequest's CA list differs from -expect-client-ca-list");
		return NULL;
	}
	if (cfg->expect_peer_verify_pref_count != 0) {
		/* CheckPeerVerifyPrefs: the CertificateRequest's
		 * signature_algorithms, exactly. */
		int same = cfg->expect_peer_verify_pref_count == req->sig_alg_count;

		for (i = 0; same && i < req->sig_alg_count; i++) {
			same = req->sig_algs[i] == cfg->expect_peer_verify_prefs[i];
		}
		if (!same) {
			c->abort_code = BOGO_EXIT_FAIL;
			snprintf(c->abort_msg, sizeof c->abort_msg,
				"peer verify preferences did not match (%zu algorithms)",
				req->sig_alg_count);
			return NULL;
		}
	}
	for (i = 0; i <= cfg->cred_count; i++) {
		int legacy = i == cfg->cred_count;
		loaded_cert *lc = legacy ? &c->client : &c->creds[i];
		const uint16_t *prefs = legacy ? cfg->signing_prefs : cfg->creds[i].signing_prefs;
		size_t npref = legacy ? cfg->signing_pref_count : cfg->creds[i].signing_pref_count;
		int must_match = legacy ? cfg->must_match_issuer : cfg->creds[i].must_match_issuer;
		size_t j;

		if (!lc->loaded || (must_match && !chain_matches_ca_names(lc, req))) {
			continue;
		}
		for (j = 0; j < npref; j++) {
			if (prefs[j] == 0x0420 && lc->cert.key.type != BR_KEYTYPE_EC) {
				/* rsa_pkcs1_sha256_legacy: BoringSSL signs a TLS 1.3
				 * CertificateVerify with it when asked; the engine
				 * never does. */
				c->abort_code = BOGO_EXIT_UNIMPLEMENTED;
				snprintf(c->abort_msg, sizeof c->abort_msg,
					"-signing-prefs 0x0420 (rsa_pkcs1_sha256_legacy): the engine does "
					"not sign with it");
				return NULL;
			}
		}
		/* The engine signs with this credential's -signing-prefs
		 * (wt_config.sign_algs, read when it signs, after this call). */
		set_signing_prefs(c, prefs, npref);
		if (first == NULL) {
			first = &lc->cert;
			first_prefs = prefs;
			first_npref = npref;
			c->selected_cred = legacy ? -1 : (int)i;
		}
		/* BoringSSL's choice for this credential is the engine's: the
		 * first of its -signing-prefs (or the default order) that the
		 * server accepts and the key can sign with (in TLS 1.2 also
		 * PKCS#1 v1.5, and ECDSA with any of the ECDSA hashes). */
		if ((tls12 ? wt_sig_choose12 : wt_sig_choose)(&lc->cert.key, prefs, npref,
			req->sig_algs, req->sig_alg_count) != 0)
		{
			c->selected_cred = legacy ? -1 : (int)i;
			return &lc->cert;
		}
	}
	/* Credentials, none usable: BoringSSL fails the handshake
	 * (NO_COMMON_SIGNATURE_ALGORITHMS, handshake_failure); handed the
	 * first one, the engine finds no scheme and does the same. */
	if (first != NULL) {
		set_signing_prefs(c, first_prefs, first_npref);
	}
	return first;
}

/* ------------------------------------------------------------------ */
/* Configuration                                                        */
/* ------------------------------------------------------------------ */

/* -signing-prefs -> wt_config.sign_algs. Schemes the engine cannot list
 * (SHA-1, MD5, Ed25519, rsa_pkcs1_sha256_legacy) are dropped; rsa_pkcs1_*
 * stay listed and, as in BoringSSL, are never used in TLS 1.3. With none
 * left it could not express "no scheme at all" (count 0 is the engine's
 * default order). */
static void
set_signing_prefs(conn *c, const uint16_t *prefs, size_t npref)
{
	size_t i, n = 0;

	for (i = 0; i < npref; i++) {
		if (bogo_engine_sigalg(prefs[i])) {
			c->sign_algs[n++] = prefs[i];
		}
	}
	if (npref > 0 && n == 0) {
		bogo_unimplemented("-signing-prefs without a scheme the engine signs with (SHA-1, "
			"Ed25519, rsa_pkcs1_sha256_legacy: not implemented)");
	}
	c->wcfg.sign_algs = c->sign_algs;
	c->wcfg.sign_alg_count = n;
}

static void
load_trust(shim *sh, const char *path)
{
	wt_trust_store ts;
	size_t len;
	char *pem;
	int rc;

	if (sh->anchors_from != NULL && strcmp(sh->anchors_from, path) == 0) {
		return;
	}
	pem = wt_cli_read_file(path, &len);
	if (pem == NULL) {
		bogo_fail("bad_config", "cannot read -trust-cert %s: %s", path, strerror(errno));
	}
	free(sh->anchor_buf);
	sh->anchor_buf = malloc(len + 1024);
	if (sh->anchor_buf == NULL) {
		bogo_fail("internal_error", "out of memory");
	}
	wt_trust_store_init(&ts, sh->anchors, sizeof sh->anchors / sizeof sh->anchors[0],
		sh->anchor_buf, len + 1024);
	rc = wt_trust_store_add_pem(&ts, pem, len);
	free(pem);
	if (rc < 0) {
		bogo_unimplemented("-trust-cert %s: %s (not a certificate we can use as an anchor)",
			path, wt_error_name(-rc));
	}
	sh->anchor_count = ts.count;
	sh->anchors_from = path;
}

static void
load_client_cert(loaded_cert *lc, const char *cert_path, const char *key_path)
{
	size_t clen, klen;
	char *cpem, *kpem;
	int n;

	cpem = wt_cli_read_file(cert_path, &clen);
	if (cpem == NULL) {
		bogo_fail("bad_config", "cannot read -cert-file %s: %s", cert_path, strerror(errno));
	}
	kpem = wt_cli_read_file(key_path, &klen);
	if (kpem == NULL) {
		bogo_fail("bad_config", "cannot read -key-file %s: %s", key_path, strerror(errno));
	}
	lc->chain_buf = malloc(clen + 1);
	lc->key_buf_len = klen * 2 + 64;
	lc->key_buf = malloc(lc->key_buf_len);
	if (lc->chain_buf == NULL || lc->key_buf == NULL) {
		bogo_fail("internal_error", "out of memory");
	}
	n = wt_cert_chain_parse_pem(lc->chain, WT_MAX_PEER_CERTS, cpem, clen, lc->chain_buf, clen + 1);
	if (n <= 0) {
		bogo_unimplemented("-cert-file %s: no certificate chain we can parse", cert_path);
	}
	if (wt_private_key_parse_pem(&lc->cert.key, kpem, klen, lc->key_buf, lc->key_buf_len) != 0) {
		/* Ed25519, P-521, RSA-1024, ...: keys the engine cannot sign with. */
		bogo_unimplemented("-key-file %s: not a P-256/P-384/P-521 or 2048..4096-bit RSA key", key_path);
	}
	memset(kpem, 0, klen);
	free(kpem);
	free(cpem);
	lc->cert.chain = lc->chain;
	lc->cert.chain_len = (size_t)n;
	if (wt_client_cert_check(&lc->cert) != 0) {
		bogo_fail("bad_config", "-key-file %s does not match -cert-file %s", key_path, cert_path);
	}
	lc->loaded = 1;
}

static void
free_client_cert(loaded_cert *lc)
{
	if (lc->key_buf != NULL) {
		memset(lc->key_buf, 0, lc->key_buf_len);
	}
	free(lc->key_buf);
	free(lc->chain_buf);
	memset(lc, 0, sizeof *lc);
}

/* -advertise-alpn: BoringSSL's wire format, length-prefixed names. */
static void
parse_alpn(conn *c, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), off = 0, n = 0;

	while (off < len) {
		size_t l = p[off];

		if (l == 0 || off + 1 + l > len) {
			bogo_fail("bad_flags", "-advertise-alpn: malformed length-prefixed list");
		}
		if (n >= WT_MAX_ALPN) {
			bogo_unimplemented("-advertise-alpn: more than %d protocols", WT_MAX_ALPN);
		}
		memcpy(c->alpn_store[n], p + off + 1, l);
		c->alpn_store[n][l] = 0;
		c->alpn[n] = c->alpn_store[n];
		n++;
		off += 1 + l;
	}
	c->wcfg.alpn = c->alpn;
	c->wcfg.alpn_count = n;
}

/* The engine's TLS 1.2 suites (ECDHE with AEAD, in its default order),
 * with their OpenSSL names, for -cipher. */
static const struct {
	uint16_t id;
	const char *openssl;
} suites12[] = {
	{ 0xc02b, "ECDHE-ECDSA-AES128-GCM-SHA256" },
	{ 0xc02f, "ECDHE-RSA-AES128-GCM-SHA256" },
	{ 0xc02c, "ECDHE-ECDSA-AES256-GCM-SHA384" },
	{ 0xc030, "ECDHE-RSA-AES256-GCM-SHA384" },
	{ 0xcca9, "ECDHE-ECDSA-CHACHA20-POLY1305" },
	{ 0xcca8, "ECDHE-RSA-CHACHA20-POLY1305" },
};
#define N_SUITES12 (sizeof suites12 / sizeof suites12[0])

/* Does a BoringSSL cipher rule name (an alias, or one suite by its OpenSSL
 * or IETF name) select TLS 1.2 suite k? -1 if the name is not one we know
 * (a CBC, 3DES, RSA key exchange or PSK suite, or an alias for them). */
static int
cipher_rule_matches(const char *name, size_t k)
{
	uint16_t id = suites12[k].id;
	int ecdsa = id == 0xc02b || id == 0xc02c || id == 0xcca9;
	int aes128 = id == 0xc02b || id == 0xc02f, aes256 = id == 0xc02c || id == 0xc030;

	if (strcmp(name, "ALL") == 0 || strcmp(name, "DEFAULT") == 0
		|| strcmp(name, "HIGH") == 0 || strcmp(name, "ECDHE") == 0
		|| strcmp(name, "kECDHE") == 0 || strcmp(name, "AEAD") == 0)
	{
		return 1;
	}
	if (strcmp(name, "AES") == 0 || strcmp(name, "AESGCM") == 0) {
		return aes128 || aes256;
	}
	if (strcmp(name, "AES128") == 0) {
		return aes128;
	}
	if (strcmp(name, "AES256") == 0) {
		return aes256;
	}
	if (strcmp(name, "CHACHA20") == 0) {
		return !(aes128 || aes256);
	}
	if (strcmp(name, "aECDSA") == 0 || strcmp(name, "ECDSA") == 0) {
		return ecdsa;
	}
	if (strcmp(name, "aRSA") == 0) {
		return !ecdsa;
	}
	if (strcmp(name, suites12[k].openssl) == 0 || wt_suite_from_name(name) == id) {
		return 1;
	}
	for (k = 0; k < N_SUITES12; k++) {
		if (strcmp(name, suites12[k].openssl) == 0 || wt_suite_from_name(name) == suites12[k].id) {
			return 0;   /* another of our suites */
		}
	}
	return -1;
}

/* -cipher: BoringSSL's cipher rule string (ssl_create_cipher_list),
 * which governs TLS <= 1.2 only: the subset of its rules that can name our
 * TLS 1.2 suites: names, the aliases above, "!"/"-" to remove, ":" or ","
 * between rules. A rule for suites the engine lacks (CBC, 3DES, RSA key
 * exchange, PSK) exits 89. TLS 1.3 suites are not configurable in
 * BoringSSL; as before, TLS 1.3 suite names in the list restrict the TLS
 * 1.3 suites we offer (our extension, for tests of one suite). */
static void
parse_cipher(conn *c, const char *list)
{
	char *copy = strdup(list), *save = NULL, *tok;
	size_t i, k;

	if (copy == NULL) {
		bogo_fail("internal_error", "out of memory");
	}
	c->cipher_set = 1;
	c->suite12_count = 0;
	for (tok = strtok_r(copy, ":, ", &save); tok != NULL; tok = strtok_r(NULL, ":, ", &save)) {
		uint16_t id = wt_suite_from_name(tok);
		int remove = *tok == '!' || *tok == '-';
		const char *name = remove || *tok == '+' ? tok + 1 : tok;
		int dup = 0;

		if (id != 0 && wt_suite_get(id) != NULL && wt_suite_get(id)->tls12_auth == 0) {
			for (i = 0; i < c->suite13_count; i++) {
				dup |= c->suites13[i] == id;
			}
			if (!dup) {
				c->suites13[c->suite13_count++] = id;
			}
			continue;
		}
		/* In rule order: a suite goes to the end of the list when a rule
		 * first selects it, and out of it when one removes it. */
		for (k = 0; k < N_SUITES12; k++) {
			int m = cipher_rule_matches(name, k);
			size_t at;

			if (m < 0) {
				bogo_unimplemented("-cipher rule %s: a suite or alias wasmtls lacks (CBC, "
					"3DES, RSA key exchange, PSK)", tok);
			}
			for (at = 0; at < c->suite12_count && c->suites12[at] != suites12[k].id; at++) {
			}
			if (m && !remove && at == c->suite12_count) {
				c->suites12[c->suite12_count++] = suites12[k].id;
			} else if (m && remove && at < c->suite12_count) {
				memmove(c->suites12 + at, c->suites12 + at + 1,
					(c->suite12_count - at - 1) * sizeof c->suites12[0]);
				c->suite12_count--;
			}
		}
	}
	free(copy);
}

/* The suites we offer, so the versions (the engine offers a version when
 * a suite of it is listed): TLS 1.3's (all, or those -cipher named), then
 * TLS 1.2's (all, or -cipher's), each only if the version range has it
 * (BoringSSL's -min-version / -max-version / -no-tls*). */
static void
set_suites(conn *c)
{
	int lo, hi;
	size_t i;

	bogo_version_range(c->cfg, &lo, &hi);
	c->suite_count = 0;
	if (hi >= 0x0304) {
		static const uint16_t all13[] = { 0x1301, 0x1302, 0x1303 };
		const uint16_t *l = c->suite13_count ? c->suites13 : all13;
		size_t n = c->suite13_count ? c->suite13_count : 3;

		for (i = 0; i < n; i++) {
			c->suites[c->suite_count++] = l[i];
		}
	}
	if (lo <= 0x0303) {
		if (!c->cipher_set) {
			for (i = 0; i < N_SUITES12; i++) {
				c->suites12[i] = suites12[i].id;
			}
			c->suite12_count = N_SUITES12;
		}
		for (i = 0; i < c->suite12_count; i++) {
			c->suites[c->suite_count++] = c->suites12[i];
		}
	}
	if (c->suite_count == 0) {
		bogo_unimplemented("no cipher suite left for TLS %s",
			hi >= 0x0304 ? "1.3" : "1.2");
	}
	c->wcfg.cipher_suites = c->suites;
	c->wcfg.cipher_suite_count = c->suite_count;
	/* TLS 1.3 only: also refuse a TLS 1.2 ServerHello (the engine's
	 * own floor), whatever the suites say */
	c->wcfg.min_version = lo >= 0x0304 ? WT_VERSION_TLS13 : 0;
}

/* Key log: keeps the first application traffic secrets
 * (-export-traffic-secrets). */
static void
on_keylog(void *ctx, const char *line)
{
	conn *c = ctx;
	const char *sp;
	char *dst = NULL;

	if (strncmp(line, "CLIENT_TRAFFIC_SECRET_0 ", 24) == 0) {
		dst = c->client_secret;
	} else if (strncmp(line, "SERVER_TRAFFIC_SECRET_0 ", 24) == 0) {
		dst = c->server_secret;
	}
	if (dst == NULL || (sp = strrchr(line, ' ')) == NULL || strlen(sp + 1) > 2 * 64) {
		return;
	}
	strcpy(dst, sp + 1);
}

/* Standard padded base64 (RFC 4648 4) into out[0..cap): the length, or
 * -1 if the text is not that or does not fit. */
static long
unbase64(const char *text, uint8_t *out, size_t cap)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t len = strlen(text), i, n = 0;
	uint32_t acc = 0;
	int bits = 0;

	if (len % 4 != 0) {
		return -1;
	}
	for (i = 0; i < len; i++) {
		const char *pos;

		if (text[i] == '=') {
			/* only at the end: one or two */
			if (i + 2 < len || (i + 1 < len && text[i + 1] != '=')) {
				return -1;
			}
			break;
		}
		pos = strchr(alphabet, text[i]);
		if (pos == NULL || text[i] == 0) {
			return -1;
		}
		acc = acc << 6 | (uint32_t)(pos - alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n >= cap) {
				return -1;
			}
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	return (long)n;
}

/* -new-psk-credential: the engine's external PSK form of the credential
 * (always imported: that is all BoringSSL's PSK credentials do). */
static void
add_psk_credential(conn *c, size_t cred)
{
	const bogo_cred *bc = &c->cfg->creds[cred];
	size_t k = c->wcfg.psk_count;
	wt_external_psk *p = &c->psks[k];
	long n;

	if (k >= WT_MAX_EXTERNAL_PSKS) {
		bogo_unimplemented("more than %d PSK credentials", WT_MAX_EXTERNAL_PSKS);
	}
	if (bc->psk_importer_key == NULL || bc->psk_importer_identity == NULL
		|| bc->psk_importer_sha256 == bc->psk_importer_sha384)
	{
		bogo_unimplemented("PSK credential without a key, identity or one hash");
	}
	memset(p, 0, sizeof *p);
	p->imported = 1;
	p->hash = bc->psk_importer_sha384 ? WT_PSK_SHA384 : WT_PSK_SHA256;
	if ((n = unbase64(bc->psk_importer_key, c->psk_bytes[k][0], WT_MAX_PSK_IDENTITY)) < 0) {
		bogo_fail("bad_flags", "-psk-importer-key is not base64");
	}
	p->key = c->psk_bytes[k][0];
	p->key_len = (size_t)n;
	if ((n = unbase64(bc->psk_importer_identity, c->psk_bytes[k][1], WT_MAX_PSK_IDENTITY)) < 0) {
		bogo_fail("bad_flags", "-psk-importer-identity is not base64");
	}
	p->identity = c->psk_bytes[k][1];
	p->identity_len = (size_t)n;
	if (bc->psk_importer_context != NULL) {
		if ((n = unbase64(bc->psk_importer_context, c->psk_bytes[k][2], WT_MAX_PSK_IDENTITY)) < 0) {
			bogo_fail("bad_flags", "-psk-importer-context is not base64");
		}
		p->context = c->psk_bytes[k][2];
		p->context_len = (size_t)n;
	}
	c->psk_cred[k] = (int)cred;
	c->wcfg.psks = c->psks;
	c->wcfg.psk_count = k + 1;
}

static size_t
unhex(const char *h, uint8_t *out)
{
	size_t n = 0;

	for (; h[0] != 0 && h[1] != 0; h += 2) {
		unsigned v;

		if (sscanf(h, "%2x", &v) != 1) {
			break;
		}
		out[n++] = (uint8_t)v;
	}
	return n;
}

/* SSL_set_compliance_policy (ssl_lib.cc, namespaces fips202205 and
 * wpa202304): fixed suites, groups and signature algorithms for both
 * directions, replacing what other flags set. TLS 1.3 suites: AES-GCM
 * only; TLS 1.2 suites: ECDHE with AES-GCM (fips202205: both key sizes;
 * wpa202304: AES-256). The rsa_pkcs1_* schemes of BoringSSL's lists
 * serve TLS 1.2 only (never a TLS 1.3 CertificateVerify).
 * cnsa1-202603 (CNSA 1.0: AES-256, P-384 or ML-KEM-1024, SHA-384
 * signatures) and cnsa2-202603 (CNSA 2.0: AES-256, ML-KEM-1024 only,
 * which needs TLS 1.3) are not in the BoringSSL sources we have; these
 * are the suites as NSA publishes them, and the runner's compliance
 * tests agree. */
static void
apply_compliance_policy(conn *c, int policy)
{
	static const uint16_t fips_suites[] = { 0x1301, 0x1302 };
	static const uint16_t aes256[] = { 0x1302 };
	static const uint16_t fips_suites12[] = { 0xc02b, 0xc02f, 0xc02c, 0xc030 };
	static const uint16_t aes256_12[] = { 0xc02c, 0xc030 };
	static const uint16_t fips_groups[] = { WT_GROUP_SECP256R1, WT_GROUP_SECP384R1 };
	static const uint16_t wpa_groups[] = { WT_GROUP_SECP384R1 };
	static const uint16_t cnsa1_groups[] = { WT_GROUP_MLKEM1024, WT_GROUP_SECP384R1 };
	static const uint16_t cnsa2_groups[] = { WT_GROUP_MLKEM1024 };
	static const uint16_t fips_sigalgs[] = { WT_SIG_ECDSA_SECP256R1_SHA256,
		WT_SIG_ECDSA_SECP384R1_SHA384, WT_SIG_RSA_PSS_RSAE_SHA256,
		WT_SIG_RSA_PSS_RSAE_SHA384, WT_SIG_RSA_PSS_RSAE_SHA512,
		WT_SIG_RSA_PKCS1_SHA256, WT_SIG_RSA_PKCS1_SHA384, WT_SIG_RSA_PKCS1_SHA512 };
	static const uint16_t wpa_sigalgs[] = { WT_SIG_ECDSA_SECP384R1_SHA384,
		WT_SIG_RSA_PSS_RSAE_SHA384, WT_SIG_RSA_PSS_RSAE_SHA512,
		WT_SIG_RSA_PKCS1_SHA384, WT_SIG_RSA_PKCS1_SHA512 };
	static const uint16_t cnsa_sigalgs[] = { WT_SIG_ECDSA_SECP384R1_SHA384,
		WT_SIG_RSA_PSS_RSAE_SHA384, WT_SIG_RSA_PKCS1_SHA384 };
#define LIST(a) a, sizeof a / sizeof a[0]
	static const struct {
		int policy;
		const uint16_t *suites; size_t suite_count;
		const uint16_t *suites12; size_t suite12_count;
		const uint16_t *groups; size_t group_count;
		const uint16_t *sigalgs; size_t sigalg_count;
	} presets[] = {
		{ BOGO_POLICY_FIPS_202205, LIST(fips_suites), LIST(fips_suites12), LIST(fips_groups),
			LIST(fips_sigalgs) },
		{ BOGO_POLICY_WPA_202304, LIST(aes256), LIST(aes256_12), LIST(wpa_groups),
			LIST(wpa_sigalgs) },
		{ BOGO_POLICY_CNSA1_202603, LIST(aes256), LIST(aes256_12), LIST(cnsa1_groups),
			LIST(cnsa_sigalgs) },
		{ BOGO_POLICY_CNSA2_202603, LIST(aes256), NULL, 0, LIST(cnsa2_groups),
			LIST(cnsa_sigalgs) },
	};
#undef LIST
	wt_config *w = &c->wcfg;
	size_t i;

	for (i = 0; i < sizeof presets / sizeof presets[0]; i++) {
		if (presets[i].policy == policy) {
			memcpy(c->suites13, presets[i].suites, presets[i].suite_count * 2);
			c->suite13_count = presets[i].suite_count;
			if (presets[i].suite12_count) {
				memcpy(c->suites12, presets[i].suites12, presets[i].suite12_count * 2);
			}
			c->suite12_count = presets[i].suite12_count;
			c->cipher_set = 1;
			set_suites(c);
			w->groups = presets[i].groups;
			w->group_count = presets[i].group_count;
			w->key_shares = NULL;
			w->key_share_count = 0;
			w->sig_algs = presets[i].sigalgs;
			w->sig_alg_count = presets[i].sigalg_count;
			set_signing_prefs(c, w->sig_algs, w->sig_alg_count);
		}
	}
}

static void
build_config(conn *c)
{
	const bogo_config *cfg = c->cfg;
	wt_config *w = &c->wcfg;

	memset(w, 0, sizeof *w);
	w->verify_mode = WT_VERIFY_NONE;   /* checks happen in on_verify */
	w->verify_cb = on_verify;
	w->verify_ctx = c;
	if (cfg->verify_peer) {
		if (cfg->trust_cert == NULL) {
			bogo_fail("bad_flags", "-verify-peer without -trust-cert");
		}
		if (cfg->trust_cert[0] != 0) {   /* "": no anchors (PSK tests) */
			load_trust(c->sh, cfg->trust_cert);
		}
	}
	if (cfg->host_name != NULL && cfg->host_name[0] != 0) {
		if (strlen(cfg->host_name) > WT_MAX_SERVER_NAME) {
			bogo_unimplemented("-host-name longer than %d bytes", WT_MAX_SERVER_NAME);
		}
		w->server_name = cfg->host_name;
	}
	if (cfg->advertise_alpn != NULL) {
		parse_alpn(c, cfg->advertise_alpn);
	}
	if (cfg->cipher != NULL) {
		parse_cipher(c, cfg->cipher);
	}
	set_suites(c);
	if (cfg->curve_count > 0) {
		w->groups = cfg->curves;
		w->group_count = cfg->curve_count;
	}
	w->sig_algs = cfg->verify_prefs;
	w->sig_alg_count = cfg->verify_pref_count;
	set_signing_prefs(c, cfg->signing_prefs, cfg->signing_pref_count);
	w->key_shares = cfg->key_shares;
	w->key_share_count = cfg->key_share_count;
	w->no_key_shares = cfg->no_key_shares;
	if (cfg->compliance != BOGO_POLICY_NONE) {
		apply_compliance_policy(c, cfg->compliance);
	}
	w->max_fragment = (size_t)cfg->max_send_fragment;
	w->session_cb = on_session;
	w->session_ctx = c;
	if (c->is_resume) {
		w->session = c->sh->session;
		w->session_len = c->sh->session_len;
	}
	w->early_data = cfg->enable_early_data;
	w->request_ocsp = cfg->enable_ocsp_stapling;
	w->request_sct = cfg->enable_signed_cert_timestamps;
	/* BoringSSL keeps the peer's chain (SSL_get_peer_cert_chain): the
	 * runner checks its length after the handshake */
	w->keep_peer_chain = 1;
	w->grease = cfg->enable_grease;
	w->permute_extensions = cfg->permute_extensions;
	if (cfg->cert_file != NULL || cfg->key_file != NULL) {
		if (cfg->cert_file == NULL || cfg->key_file == NULL) {
			bogo_unimplemented("-cert-file without -key-file (or the reverse)");
		}
		load_client_cert(&c->client, cfg->cert_file, cfg->key_file);
	}
	for (size_t i = 0; i < cfg->cred_count; i++) {
		if (cfg->creds[i].is_psk) {
			add_psk_credential(c, i);
			continue;
		}
		if (cfg->creds[i].cert_file == NULL || cfg->creds[i].key_file == NULL) {
			bogo_unimplemented("credential %zu without -cert-file or -key-file", i);
		}
		load_client_cert(&c->creds[i], cfg->creds[i].cert_file, cfg->creds[i].key_file);
	}
	if (w->psk_count && !cfg->verify_peer) {
		/* BoringSSL: PSK credentials and no certificate verification
		 * mean the server must take a PSK; for the engine that is no
		 * verify_cb with WT_VERIFY_NONE. */
		w->verify_cb = NULL;
	}
	c->selected_cred = -1;
	c->verify_result = VERIFY_NOT_RUN;
	w->get_client_cert = on_cert_request;
	w->client_cert_ctx = c;
	w->keylog = on_keylog;
	w->keylog_ctx = c;
}

/* ------------------------------------------------------------------ */
/* The connection                                                       */
/* ------------------------------------------------------------------ */

/* Whether p[0..len) is the bytes the base64 text want stands for (the
 * runner passes -expect-ocsp-response etc. in standard, padded base64). */
static int
same_base64(const char *want, const uint8_t *p, size_t len)
{
	char *got = wt_cli_base64(p, len);
	int same = got != NULL && strcmp(got, want) == 0;

	free(got);
	return same;
}

/* CheckHandshakeProperties (bssl_shim.cc), for what TLS 1.2 and 1.3 have. */
static void
check_handshake(conn *c)
{
	const bogo_config *cfg = c->cfg;
	wt_conn_info info;
	const char *alpn;
	int expect_resume = c->is_resume && !cfg->expect_session_miss;
	int ems, reneg;
	const char *early_reason;
	uint16_t sigalg;

	memset(&info, 0, sizeof info);
	wt_engine_info(c->cc, &info);
	/* SSL_get_extms_support and SSL_get_secure_renegotiation_support:
	 * 1 in TLS 1.3; in TLS 1.2 whether the ServerHello carried
	 * extended_master_secret (the engine's t12.ems, read through the
	 * context's public layout: wt_conn_info has no field for it) and
	 * renegotiation_info (from the ServerHello bytes). */
	ems = reneg = 1;
	if (info.version == 0x0303) {
		size_t len;

		ems = c->cc->t12.ems;
		server_hello_info(c, 0xff01, &reneg, &len);
	}
	if (cfg->expect_extended_master_secret && !ems) {
		conn_fail(c, "expectation_failed", "no extended master secret when expected");
	}
	if (cfg->expect_secure_renegotiation && !reneg) {
		conn_fail(c, "expectation_failed", "no secure renegotiation when expected");
	}
	if (cfg->expect_no_secure_renegotiation && reneg) {
		conn_fail(c, "expectation_failed", "secure renegotiation unexpectedly negotiated");
	}
	if (cfg->expect_version != 0 && info.version != cfg->expect_version) {
		conn_fail(c, "expectation_failed", "want version %04x, got %04x",
			(unsigned)cfg->expect_version, info.version);
	}
	if (!!info.resumed != expect_resume) {
		conn_fail(c, "expectation_failed", "session unexpectedly was%s reused",
			info.resumed ? "" : " not");
	}
	if (info.version == WT_VERSION_TLS12) {
		/* CheckHandshakeProperties: a TLS 1.2 handshake yields a new
		 * session (its ticket came during the handshake) unless it
		 * resumed one without renewing the ticket. */
		int want = !cfg->expect_no_session && (!info.resumed || cfg->expect_ticket_renewal);

		if (want != (c->sessions > 0)) {
			conn_fail(c, "expectation_failed",
				"new session was%s cached, but we expected the opposite",
				c->sessions > 0 ? "" : " not");
		}
	}
	alpn = info.alpn ? info.alpn : "";
	if (strcmp(alpn, cfg->expect_alpn) != 0) {
		conn_fail(c, "expectation_failed", "negotiated alpn proto mismatch (got '%s', want '%s')",
			alpn, cfg->expect_alpn);
	}
	sigalg = info.sigalg;
	if (sigalg != 0) {
		c->sh->session_sigalg = sigalg;
	} else if (info.resumed) {
		sigalg = c->sh->session_sigalg;
	}
	if (cfg->expect_peer_sigalg != 0 && sigalg != cfg->expect_peer_sigalg) {
		conn_fail(c, "expectation_failed", "peer signature algorithm was %04x, wanted %04x",
			sigalg, (unsigned)cfg->expect_peer_sigalg);
	}
	if (info.group != 0) {
		c->sh->session_group = info.group;
	} else if (info.resumed) {
		info.group = c->sh->session_group;
	}
	if (cfg->expect_curve_id != 0 && info.group != cfg->expect_curve_id) {
		conn_fail(c, "expectation_failed", "curve_id was %04x, wanted %04x", info.group,
			(unsigned)cfg->expect_curve_id);
	}
	if (cfg->expect_cipher_aes != 0 && info.cipher_suite != cfg->expect_cipher_aes) {
		conn_fail(c, "expectation_failed", "cipher ID was %04x, wanted %04x (AES first)",
			info.cipher_suite, (unsigned)cfg->expect_cipher_aes);
	}
	if (cfg->expect_cipher != 0 && info.cipher_suite != cfg->expect_cipher) {
		conn_fail(c, "expectation_failed", "cipher ID was %04x, wanted %04x",
			info.cipher_suite, (unsigned)cfg->expect_cipher);
	}
	if ((cfg->expect_accept_early_data && info.early_data != WT_EARLY_ACCEPTED)
		|| (cfg->expect_reject_early_data && info.early_data == WT_EARLY_ACCEPTED))
	{
		conn_fail(c, "expectation_failed",
			"early data was%s accepted, but we expected the opposite",
			info.early_data == WT_EARLY_ACCEPTED ? "" : " not");
	}
	if (cfg->expect_no_peer_cert && info.peer_cert_count != 0) {
		conn_fail(c, "expectation_failed", "received peer certificate but expected none");
	}
	if (!cfg->expect_no_peer_cert && info.peer_cert_count == 0 && info.external_psk < 0) {
		conn_fail(c, "expectation_failed", "received no peer certificate but expected one");
	}
	if (info.external_psk >= 0) {
		c->selected_cred = c->psk_cred[info.external_psk];
	}
	if (info.resumed && c->verify_calls == 0) {
		/* Not re-verified: SSL_get_verify_result is the session's. */
		c->verify_result = c->sh->session_verify_result;
	}
	if (cfg->expect_verify_result
		&& c->verify_result != (cfg->verify_fail ? VERIFY_APPLICATION : VERIFY_OK))
	{
		conn_fail(c, "expectation_failed", "wrong certificate verification result (%d)",
			c->verify_result);
	}
	if (cfg->has_expect_selected_credential && c->selected_cred != cfg->expect_selected_credential) {
		conn_fail(c, "expectation_failed", "credential %d was used, wanted %d",
			c->selected_cred, cfg->expect_selected_credential);
	}
	if ((cfg->expect_hrr && !info.hrr) || (cfg->expect_no_hrr && info.hrr)) {
		conn_fail(c, "expectation_failed", "got %sHRR, but wanted opposite",
			info.hrr ? "" : "no ");
	}
	if (cfg->expect_ocsp_response != NULL && !same_base64(cfg->expect_ocsp_response,
		info.ocsp_response, info.ocsp_response_len))
	{
		conn_fail(c, "expectation_failed", "OCSP response mismatch");
	}
	if (cfg->expect_sct_list != NULL && !same_base64(cfg->expect_sct_list,
		info.sct_list, info.sct_list_len))
	{
		conn_fail(c, "expectation_failed", "SCT list mismatch");
	}
	/* BoringSSL's ssl_early_data_protocol_version: a TLS 1.2 connection
	 * (TLS 1.2 has no 0-RTT); the engine's reasons are a TLS 1.3
	 * client's (wt_conn_info.early_data_reason). */
	early_reason = info.version == WT_VERSION_TLS12 && cfg->enable_early_data
		? "protocol_version" : wt_early_data_reason_name(info.early_data_reason);
	if (cfg->expect_early_data_reason != NULL
		&& strcmp(cfg->expect_early_data_reason, early_reason) != 0)
	{
		conn_fail(c, "expectation_failed", "early data reason was %s, wanted %s",
			early_reason, cfg->expect_early_data_reason);
	}
	/* -expect-no-session-id: "no session cached at the end of the
	 * handshake". TLS 1.3 tickets only come after it: nothing to check. */
	if (cfg->expect_peer_cert_file != NULL) {
		wt_peer_cert want[WT_MAX_PEER_CERTS];
		size_t len, i;
		char *pem = wt_cli_read_file(cfg->expect_peer_cert_file, &len);
		uint8_t *buf;
		int n;

		if (pem == NULL) {
			conn_fail(c, "bad_config", "cannot read -expect-peer-cert-file %s",
				cfg->expect_peer_cert_file);
		}
		buf = malloc(len + 1);
		if (buf == NULL) {
			conn_fail(c, "internal_error", "out of memory");
		}
		n = wt_cert_chain_parse_pem(want, WT_MAX_PEER_CERTS, pem, len, buf, len + 1);
		if (n <= 0) {
			conn_fail(c, "bad_config", "-expect-peer-cert-file %s: no certificates",
				cfg->expect_peer_cert_file);
		}
		if ((size_t)n != info.peer_cert_count) {
			conn_fail(c, "expectation_failed", "received a chain of length %zu instead of %d",
				info.peer_cert_count, n);
		}
		for (i = 0; i < (size_t)n; i++) {
			if (want[i].len != info.peer_certs[i].len
				|| memcmp(want[i].der, info.peer_certs[i].der, want[i].len) != 0)
			{
				conn_fail(c, "expectation_failed", "%s certificate %zu did not match",
					i == 0 ? "leaf" : "chain", i + 1);
			}
		}
		free(buf);
		free(pem);
	}
}

/* wt_engine_mem.area_alloc / area_free: the engine moves to the new
 * area and wipes the old one before giving it back. */
static void *
shim_area_alloc(void *ctx, size_t len)
{
	conn *c = ctx;
	void *p = malloc(len);

	if (p != NULL) {
		c->hs_area = p;
	}
	return p;
}

static void
shim_area_free(void *ctx, void *area, size_t len)
{
	(void)ctx;
	(void)len;
	free(area);
}

static void
run_connection(shim *sh, const bogo_config *cfg, const bogo_config *retry_cfg, int is_resume)
{
	conn *c = calloc(1, sizeof *c);
	wt_host host = { NULL, wt_cli_host_random, shim_now_ms };
	uint8_t id[8], *buf;
	size_t early_sent = 0, i;
	int hello_done = 0, rc, err;
	wt_conn_info info;

	if (c == NULL || (c->cc = calloc(1, sizeof *c->cc)) == NULL
		|| (c->new_session = malloc(WT_MAX_SESSION)) == NULL
		|| (c->hs_area = malloc(WT_HS_AREA_MIN)) == NULL)
	{
		bogo_fail("internal_error", "out of memory");
	}
	c->sh = sh;
	c->cfg = cfg;
	c->retry_cfg = retry_cfg;
	c->is_resume = is_resume;
	if (is_resume && sh->session == NULL) {
		bogo_fail("no_session", "no session to offer");
	}
	build_config(c);

	c->fd = connect_runner(cfg);
	for (i = 0; i < 8; i++) {
		id[i] = (uint8_t)(cfg->shim_id >> (8 * i));
	}
	if (send(c->fd, id, sizeof id, MSG_NOSIGNAL) != (ssize_t)sizeof id) {
		conn_fail(c, "io_error", "writing the shim id: %s", strerror(errno));
	}
	c->async = cfg->async;
	if (c->async && fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK) != 0) {
		conn_fail(c, "io_error", "O_NONBLOCK: %s", strerror(errno));
	}

	{
		const wt_engine_mem mem = { c->inbuf, sizeof c->inbuf, c->outbuf, sizeof c->outbuf,
			c->hs_area, WT_HS_AREA_MIN, shim_area_alloc, shim_area_free, c };

		rc = wt_engine_init(c->cc, &c->wcfg, &host, &mem);
	}
	if (rc != 0) {
		if (rc == WT_ERR_BAD_CONFIG) {
			bogo_unimplemented("configuration the engine refuses: %s",
				wt_engine_error_reason(c->cc));
		}
		conn_fail_engine(c, "engine initialisation");
	}

	/* The handshake; with 0-RTT, -shim-writes-first's "hello" goes out as
	 * early data (bssl_shim: SSL_do_handshake returns in early data). */
	while (!wt_engine_handshake_done(c->cc)) {
		unsigned st = wt_engine_current_state(c->cc);

		if (st & WT_CLOSED) {
			conn_fail_engine(c, "handshake");
		}
		if (is_resume && (st & WT_SENDEARLY) && cfg->export_keying_material > 0) {
			/* bssl_shim: SSL_do_handshake returns as soon as 0-RTT is
			 * offered, and the exporter runs then, before the
			 * handshake is complete: so does ours. */
			uint8_t tmp[1];

			rc = wt_engine_export(c->cc, cfg->export_label ? cfg->export_label : "",
				NULL, 0, tmp, sizeof tmp);
			if (rc != 0) {
				conn_fail(c, wt_error_name(rc),
					"failed to export keying material in early data: %s",
					wt_engine_error_reason(c->cc) ? wt_engine_error_reason(c->cc) : "");
			}
			conn_fail(c, "internal_error", "keying material exported before the handshake "
				"completed");
		}
		if (is_resume && cfg->enable_early_data && cfg->shim_writes_first
			&& early_sent < sizeof initial_write - 1 && (st & WT_SENDEARLY))
		{
			size_t room;
			uint8_t *p = wt_engine_sendapp_buf(c->cc, &room);
			size_t n = sizeof initial_write - 1 - early_sent;

			if (p != NULL && room > 0) {
				n = n < room ? n : room;
				memcpy(p, initial_write + early_sent, n);
				wt_engine_sendapp_ack(c->cc, n);
				wt_engine_flush(c->cc);
				early_sent += n;
				continue;
			}
			wt_engine_sendapp_ack(c->cc, 0);
		}
		if (!step(c)) {
			conn_fail(c, "internal_error", "engine stalled in the handshake (state 0x%x)", st);
		}
	}
	conn_flush(c);
	if (wt_engine_current_state(c->cc) & WT_CLOSED) {
		conn_fail_engine(c, "after the handshake");
	}

	memset(&info, 0, sizeof info);
	wt_engine_info(c->cc, &info);
	if (is_resume && cfg->expect_no_offer_early_data && info.early_data != WT_EARLY_NOT_SENT) {
		conn_fail(c, "expectation_failed", "client unexpectedly offered early data");
	}
	if (info.early_data == WT_EARLY_REJECTED) {
		/* SSL_ERROR_EARLY_DATA_REJECTED: expected, the rest of the
		 * connection runs under the -on-retry- configuration (the
		 * engine has already finished the 1-RTT handshake). */
		if (!cfg->expect_reject_early_data) {
			conn_fail(c, "early_data_rejected", "the server rejected 0-RTT data");
		}
		if (cfg->expect_accept_early_data) {
			conn_fail(c, "expectation_failed", "early data was not accepted");
		}
		c->cfg = cfg = retry_cfg;
		early_sent = 0;
	} else if (early_sent > 0) {
		hello_done = early_sent == sizeof initial_write - 1;
	}
	check_handshake(c);
	if (cfg->no_op_extra_handshake && (!wt_engine_handshake_done(c->cc)
		|| (wt_engine_current_state(c->cc) & (WT_SENDREC | WT_CLOSED))))
	{
		conn_fail(c, "internal_error", "extra SSL_do_handshake was not a no-op");
	}

	if (cfg->export_keying_material > 0) {
		size_t n = (size_t)cfg->export_keying_material;
		uint8_t *out = malloc(n);
		const char *ctx = cfg->export_context ? cfg->export_context : "";

		if (out == NULL) {
			conn_fail(c, "internal_error", "out of memory");
		}
		rc = wt_engine_export(c->cc, cfg->export_label ? cfg->export_label : "",
			cfg->use_export_context ? (const uint8_t *)ctx : NULL,
			cfg->use_export_context ? strlen(ctx) : 0, out, n);
		if (rc != 0) {
			conn_fail(c, wt_error_name(rc), "failed to export keying material");
		}
		if (write_all(c, out, n) != 0) {
			conn_fail_engine(c, "writing keying material");
		}
		free(out);
	}

	if (cfg->export_traffic_secrets) {
		/* SSL_get_traffic_secrets: u16 length (host order, as bssl_shim
		 * writes it), the read (server) secret, the write (client) one. */
		uint8_t rs[64], ws[64], len[2];
		size_t rn = unhex(c->server_secret, rs), wn = unhex(c->client_secret, ws);

		if (rn == 0 || rn != wn) {
			conn_fail(c, "internal_error", "failed to export traffic secrets");
		}
		len[0] = (uint8_t)rn;   /* little-endian u16 */
		len[1] = 0;
		if (write_all(c, len, 2) != 0 || write_all(c, rs, rn) != 0 || write_all(c, ws, wn) != 0) {
			conn_fail_engine(c, "writing traffic secrets");
		}
	}

	if (cfg->send_alert) {
		/* DoExchange: a fatal decompression_failure alert, then the
		 * connection is over (a success for the shim). */
		if (wt_engine_abort(c->cc, 30 /* decompression_failure */) != 0) {
			conn_fail(c, "internal_error", "wt_engine_abort refused the alert");
		}
		conn_flush(c);
		close_socket(c->fd);
		wt_engine_wipe(c->cc);
		exit(BOGO_EXIT_OK);
	}

	if (cfg->read_with_unfinished_write && early_sent > 0) {
		/* The "hello" went out as 0-RTT data (-async: one byte at a
		 * time, interleaved with reading the server's flight). */
	} else if (cfg->read_with_unfinished_write) {
		/* bssl_shim lets one byte of the "hello" record through, reads,
		 * and only then finishes the write. Here: the record is sealed
		 * and one byte sent; the rest goes out before the next read
		 * (step() sends before it receives). */
		size_t room;
		uint8_t *p;

		if (!cfg->async) {
			conn_fail(c, "bad_flags", "-read-with-unfinished-write requires -async");
		}
		if (hello_done || early_sent > 0 || !(wt_engine_current_state(c->cc) & WT_SENDAPP)
			|| (p = wt_engine_sendapp_buf(c->cc, &room)) == NULL
			|| room < sizeof initial_write - 1)
		{
			conn_fail(c, "internal_error", "failed to leave unfinished write");
		}
		memcpy(p, initial_write, sizeof initial_write - 1);
		wt_engine_sendapp_ack(c->cc, sizeof initial_write - 1);
		wt_engine_flush(c->cc);
		if (!(wt_engine_current_state(c->cc) & WT_SENDREC)) {
			conn_fail(c, "internal_error", "failed to leave unfinished write");
		}
		send_some(c);   /* -async: one byte */
		if (!(wt_engine_current_state(c->cc) & WT_SENDREC)) {
			conn_fail(c, "internal_error", "failed to leave unfinished write");
		}
		hello_done = 1;
	}

	if (cfg->shim_writes_first && !hello_done) {
		if (write_all(c, (const uint8_t *)initial_write + early_sent,
			sizeof initial_write - 1 - early_sent) != 0)
		{
			conn_fail_engine(c, "initial write");
		}
	}

	if (!cfg->shim_shuts_down) {
		size_t read_size = cfg->read_size > 0 ? (size_t)cfg->read_size : 512;

		buf = malloc(read_size);
		if (buf == NULL) {
			conn_fail(c, "internal_error", "out of memory");
		}
		for (;;) {
			size_t n = read_app(c, buf, read_size);

			if (n == 0) {
				break;   /* clean or unclean shutdown: checked below */
			}
			if (cfg->key_update) {
				rc = wt_engine_key_update(c->cc, 0);
				if (rc != 0) {
					conn_fail(c, wt_error_name(rc), "key update failed");
				}
			}
			for (i = 0; i < n; i++) {
				buf[i] ^= 0xff;
			}
			if (write_all(c, buf, n) != 0) {
				conn_fail_engine(c, "echo");
			}
		}
		free(buf);
		err = wt_engine_last_error(c->cc);
		if (err != 0 && !(err == WT_ERR_TRUNCATED && !cfg->check_close_notify)) {
			/* Without -check-close-notify BoringSSL's quiet shutdown
			 * takes an EOF without close_notify; with it, it fails. */
			conn_fail_engine(c, "reading");
		}
	}

	/* TLS 1.3: tickets arrive after the handshake (bssl_shim.cc,
	 * DoExchange). With -shim-shuts-down we never read, so we only
	 * check that no ticket came when none was expected. (TLS 1.2:
	 * check_handshake.) */
	if (info.version == WT_VERSION_TLS13 && !cfg->expect_no_session && !cfg->shim_shuts_down) {
		if (c->sessions == 0) {
			conn_fail(c, "expectation_failed",
				"new session was not cached, but we expected the opposite");
		}
	}
	if (cfg->expect_no_session && c->sessions > 0) {
		conn_fail(c, "expectation_failed", "new session was cached, but we expected the opposite");
	}
	if (c->sessions > 0 && !cfg->shim_shuts_down && !cfg->expect_no_session) {
		int got = session_allows_early_data(c->new_session, c->new_session_len);

		if (got != !!cfg->expect_ticket_supports_early_data) {
			conn_fail(c, "expectation_failed",
				"new session did%s support early data, but we expected the opposite",
				got ? "" : " not");
		}
	}

	/* Shutdown (DoShutdown). Without -check-close-notify BoringSSL is in
	 * quiet-shutdown mode: nothing more is sent. The engine has already
	 * answered a peer's close_notify with its own. */
	if (cfg->shim_shuts_down && cfg->check_close_notify) {
		uint8_t sink[512];

		wt_engine_close(c->cc);
		conn_flush(c);
		while (read_app(c, sink, sizeof sink) > 0) {
			/* Data after our close_notify: discarded. */
		}
		if (wt_engine_last_error(c->cc) != 0) {
			conn_fail_engine(c, "waiting for close_notify");
		}
	} else if (!cfg->shim_shuts_down && cfg->check_close_notify
		&& wt_engine_last_error(c->cc) != 0)
	{
		conn_fail_engine(c, "shutdown");
	}
	conn_flush(c);

	/* The next connection offers this one's newest session (a TLS 1.2
	 * resumption without a new ticket: the session it resumed). */
	if (c->sessions == 0 && info.version == WT_VERSION_TLS12 && info.resumed) {
		goto keep_session;
	}
	free(sh->session);
	sh->session = NULL;
	sh->session_len = 0;
	if (c->sessions > 0) {
		if (!c->is_resume || c->verify_calls > 0) {
			sh->session_verify_result = c->verify_result;
		}
		sh->session = c->new_session;
		sh->session_len = c->new_session_len;
		c->new_session = NULL;
	}
keep_session:

	close_socket(c->fd);
	wt_engine_wipe(c->cc);
	free(c->cc);
	free(c->hs_area);
	free(c->new_session);
	free_client_cert(&c->client);
	for (i = 0; i < BOGO_MAX_CREDS; i++) {
		free_client_cert(&c->creds[i]);
	}
	free(c);
}

int
main(int argc, char **argv)
{
	bogo_config initial, resume, retry;
	shim sh;
	int i;

	signal(SIGPIPE, SIG_IGN);
	/* -is-handshaker-supported answers even next to flags we lack
	 * (-shim-extra-flags go to that call too). */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-is-handshaker-supported") == 0) {
			printf("No\n");
			fflush(stdout);
			return BOGO_EXIT_OK;
		}
	}
	bogo_parse_flags(argc - 1, argv + 1, &initial, &resume, &retry);
	bogo_check_supported(&initial, "initial:");
	bogo_check_supported(&resume, "resume:");
	bogo_check_supported(&retry, "retry:");
	if (initial.port <= 0 || initial.port > 65535) {
		bogo_fail("bad_flags", "missing or bad -port");
	}

	memset(&sh, 0, sizeof sh);
	for (i = 0; i <= initial.resume_count; i++) {
		if (i > 0) {
			clock_offset_ms += (int64_t)resume.resumption_delay * 1000;
		}
		run_connection(&sh, i == 0 ? &initial : &resume, &retry, i > 0);
	}
	free(sh.session);
	free(sh.anchor_buf);
	return BOGO_EXIT_OK;
}
