/*
 * Full vs resumed handshake latency of the native engine, against a TLS 1.3
 * server on loopback. Each connection: TCP connect, handshake, close.
 *
 *   bench_handshake HOST PORT CAFILE N
 *
 * Prints one JSON line: median and p90 milliseconds for N full handshakes
 * and N resumed ones (each resumed connection uses the ticket of the one
 * before it, single-use as RFC 8446 C.4 recommends).
 */
#define _GNU_SOURCE 1
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "wasmtls.h"
#include "cli.h"

static uint8_t session[WT_MAX_SESSION];
static size_t session_len;
static uint8_t next_session[WT_MAX_SESSION];
static size_t next_len;

static void on_session(void *ctx, const uint8_t *blob, size_t len)
{
	(void)ctx;
	if (len <= sizeof next_session) {
		memcpy(next_session, blob, len);
		next_len = len;
	}
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int dial(const char *host, const char *port)
{
	struct addrinfo hints, *res;
	int fd, one = 1;

	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &res) != 0) {
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM, 0);
	if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd >= 0) {
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	}
	return fd;
}

/* One connection; returns the handshake time in ms, or -1. With a
 * session to offer, *resumed tells whether the server took it. */
static double one(wt_engine_ctx *cc, wt_config *cfg, const wt_host *host,
	const char *h, const char *port, int *resumed)
{
	static uint8_t inbuf[WT_MIN_INBUF], outbuf[WT_OUTBUF_SIZE];
	static wt_handshake hs_area;
	static const wt_engine_mem mem = { inbuf, sizeof inbuf, outbuf, sizeof outbuf,
		&hs_area, sizeof hs_area, NULL, NULL, NULL };
	double t0 = now_ms(), t = -1;
	int fd = dial(h, port);
	wt_conn_info info;

	if (fd < 0 || wt_engine_init(cc, cfg, host, &mem) != 0) {
		if (fd >= 0) close(fd);
		return -1;
	}
	/* Until the handshake is done and a ticket has arrived (servers send
	 * NewSessionTicket right after their Finished). */
	while (!(wt_engine_current_state(cc) & WT_CLOSED)) {
		unsigned st = wt_engine_current_state(cc);
		uint8_t *buf;
		size_t len;
		ssize_t n;

		if (t < 0 && wt_engine_handshake_done(cc)) {
			t = now_ms() - t0;
		}
		if (t >= 0 && next_len > 0) {
			break;
		}
		if (st & WT_SENDREC) {
			buf = wt_engine_sendrec_buf(cc, &len);
			n = write(fd, buf, len);
			if (n <= 0) break;
			wt_engine_sendrec_ack(cc, (size_t)n);
			continue;
		}
		if (st & WT_RECVAPP) {
			wt_engine_recvapp_buf(cc, &len);
			wt_engine_recvapp_ack(cc, len);
			continue;
		}
		if (st & WT_RECVREC) {
			buf = wt_engine_recvrec_buf(cc, &len);
			n = read(fd, buf, len);
			if (n <= 0) {
				wt_engine_eof(cc);
				continue;
			}
			wt_engine_recvrec_ack(cc, (size_t)n);
			continue;
		}
		break;
	}
	wt_engine_info(cc, &info);
	*resumed = info.resumed;
	if (wt_engine_last_error(cc) != 0) {
		fprintf(stderr, "error: %s: %s\n", wt_error_name(wt_engine_last_error(cc)),
			wt_engine_error_reason(cc));
		t = -1;
	}
	wt_engine_wipe(cc);
	close(fd);
	return t;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static wt_engine_ctx cc;
	static wt_trust_anchor anchors[8];
	static uint8_t ta_buf[16384];
	wt_trust_store ts;
	wt_config cfg;
	wt_host host = { NULL, wt_cli_host_random, wt_cli_host_now_ms };
	double *full, *resumed_t;
	char *pem;
	size_t pem_len;
	int n, i, r, resumed_count = 0;

	if (argc != 5 || (n = atoi(argv[4])) <= 0) {
		fprintf(stderr, "usage: bench_handshake HOST PORT CAFILE N\n");
		return 2;
	}
	pem = wt_cli_read_file(argv[3], &pem_len);
	wt_trust_store_init(&ts, anchors, 8, ta_buf, sizeof ta_buf);
	if (pem == NULL || wt_trust_store_add_pem(&ts, pem, pem_len) < 1) {
		fprintf(stderr, "cannot load %s\n", argv[3]);
		return 2;
	}
	memset(&cfg, 0, sizeof cfg);
	cfg.server_name = argv[1];
	cfg.trust_anchors = ts.anchors;
	cfg.trust_anchor_count = ts.count;
	cfg.session_cb = on_session;
	full = calloc((size_t)n, sizeof *full);
	resumed_t = calloc((size_t)n, sizeof *resumed_t);
	for (i = 0; i < n; i++) {
		next_len = 0;
		cfg.session = NULL;
		full[i] = one(&cc, &cfg, &host, argv[1], argv[2], &r);
		if (full[i] < 0) return 1;
	}
	memcpy(session, next_session, next_len);
	session_len = next_len;
	for (i = 0; i < n; i++) {
		next_len = 0;
		cfg.session = session;
		cfg.session_len = session_len;
		resumed_t[i] = one(&cc, &cfg, &host, argv[1], argv[2], &r);
		if (resumed_t[i] < 0) return 1;
		resumed_count += r;
		if (next_len > 0) {   /* single use: the next ticket for the next one */
			memcpy(session, next_session, next_len);
			session_len = next_len;
		}
	}
	qsort(full, (size_t)n, sizeof *full, cmp);
	qsort(resumed_t, (size_t)n, sizeof *resumed_t, cmp);
	printf("{\"n\":%d,\"full_median_ms\":%.3f,\"full_p90_ms\":%.3f,"
		"\"resumed_median_ms\":%.3f,\"resumed_p90_ms\":%.3f,\"resumed\":%d}\n",
		n, full[n / 2], full[n * 9 / 10], resumed_t[n / 2], resumed_t[n * 9 / 10],
		resumed_count);
	free(full);
	free(resumed_t);
	free(pem);
	return 0;
}
