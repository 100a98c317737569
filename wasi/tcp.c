/*
 * --transport tcp for the WASI 0.2 component (see wasi_tcp.h): name
 * lookup, connect, and a wt_cli_io over the socket's wasi:io streams, with
 * wasi:io/poll for waiting (socket in, socket out, stdin).
 *
 * Resource order: pollables are children of their stream or socket, the
 * streams are children of the socket. Everything we drop, we drop child
 * first; at exit the runtime reclaims the rest.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wasi_p2.h"
#include "wasi_tcp.h"

#define die wt_cli_die
#define diag wt_cli_diag

/* Allocator for lists/strings the host returns (canonical ABI). */
__attribute__((export_name("cabi_realloc")))
void *
cabi_realloc(void *ptr, size_t old_size, size_t align, size_t new_size)
{
	void *p;

	(void)old_size;
	if (new_size == 0) {
		return (void *)align;
	}
	p = realloc(ptr, new_size);
	if (p == NULL) {
		abort();
	}
	return p;
}

static const char *const error_code_text[] = {
	"unknown error", "access denied", "not supported", "invalid argument",
	"out of memory", "timeout", "concurrency conflict", "not in progress",
	"would block", "invalid state", "new socket limit", "address not bindable",
	"address in use", "remote unreachable", "connection refused",
	"connection reset", "connection aborted", "datagram too large",
	"name unresolvable", "temporary resolver failure", "permanent resolver failure",
};

static const char *
p2_error_text(unsigned code)
{
	return code < sizeof error_code_text / sizeof error_code_text[0]
		? error_code_text[code] : "unknown error";
}

static void
block_on(p2_handle pollable)
{
	p2_pollable_block(pollable);
	p2_pollable_drop(pollable);
}

/* Reports a stream's last-operation-failed error and drops it. */
static void
report_stream_error(const char *what, const p2_ret *r, int off)
{
	if (r->b[off] == P2_STREAM_LAST_OPERATION_FAILED) {
		p2_handle e;
		p2_ret s;
		uint32_t ptr, len;
		memcpy(&e, r->b + off + 4, 4);
		p2_error_to_debug_string(e, &s);
		memcpy(&ptr, s.b, 4);
		memcpy(&len, s.b + 4, 4);
		diag("* %s: %.*s\n", what, (int)len, (const char *)(uintptr_t)ptr);
		free((void *)(uintptr_t)ptr);
		p2_error_drop(e);
	}
}

/* ------------------------------------------------------------------ */
/* The connection                                                      */
/* ------------------------------------------------------------------ */

typedef struct tcp_conn {
	p2_handle sock, in, out;
	p2_handle in_poll, out_poll;
	p2_handle stdin_stream, stdin_poll;
	int stdin_open;
} tcp_conn;

static tcp_conn conn;

static long
tcp_send(void *ctx, const uint8_t *p, size_t len)
{
	tcp_conn *t = ctx;
	p2_ret r;
	uint64_t permit;

	p2_output_check_write(t->out, &r);
	if (r.b[0] != 0) {
		report_stream_error("send", &r, 8);
		return WT_IO_ERR;
	}
	memcpy(&permit, r.b + 8, 8);
	if (permit == 0) {
		return 0;
	}
	if (len > permit) {
		len = (size_t)permit;
	}
	p2_output_write(t->out, p, len, &r);
	if (r.b[0] != 0) {
		report_stream_error("send", &r, 4);
		return WT_IO_ERR;
	}
	/* Start a flush: check-write then waits for it to finish. */
	p2_output_flush(t->out, &r);
	if (r.b[0] != 0) {
		report_stream_error("send", &r, 4);
		return WT_IO_ERR;
	}
	return (long)len;
}

static long
stream_read(p2_handle s, uint8_t *p, size_t len, const char *what)
{
	p2_ret r;
	uint32_t ptr, n;

	p2_input_read(s, len, &r);
	if (r.b[0] != 0) {
		if (r.b[4] == P2_STREAM_CLOSED) {
			return 0;
		}
		report_stream_error(what, &r, 4);
		return WT_IO_ERR;
	}
	memcpy(&ptr, r.b + 4, 4);
	memcpy(&n, r.b + 8, 4);
	if (n > len) {
		/* never more than asked for; be safe */
		n = (uint32_t)len;
	}
	if (n > 0) {
		memcpy(p, (const void *)(uintptr_t)ptr, n);
	}
	if (ptr != 0 && n > 0) {
		free((void *)(uintptr_t)ptr);
	}
	return n > 0 ? (long)n : WT_IO_AGAIN;
}

static long
tcp_recv(void *ctx, uint8_t *p, size_t len)
{
	tcp_conn *t = ctx;

	return stream_read(t->in, p, len, "recv");
}

static long
tcp_read_in(void *ctx, uint8_t *p, size_t len)
{
	tcp_conn *t = ctx;

	if (!t->stdin_open) {
		t->stdin_stream = p2_get_stdin();
		t->stdin_poll = p2_input_subscribe(t->stdin_stream);
		t->stdin_open = 1;
	}
	return stream_read(t->stdin_stream, p, len, "stdin");
}

static unsigned
tcp_wait(void *ctx, unsigned want)
{
	tcp_conn *t = ctx;
	p2_handle list[3];
	unsigned what[3];
	size_t n = 0, i;
	unsigned ready = 0;
	p2_ret r;
	uint32_t ptr, len;

	if (want & WT_IO_RECV) {
		list[n] = t->in_poll;
		what[n++] = WT_IO_RECV;
	}
	if (want & WT_IO_SEND) {
		list[n] = t->out_poll;
		what[n++] = WT_IO_SEND;
	}
	if (want & WT_IO_IN) {
		if (!t->stdin_open) {
			t->stdin_stream = p2_get_stdin();
			t->stdin_poll = p2_input_subscribe(t->stdin_stream);
			t->stdin_open = 1;
		}
		list[n] = t->stdin_poll;
		what[n++] = WT_IO_IN;
	}
	p2_poll(list, n, &r);
	memcpy(&ptr, r.b, 4);
	memcpy(&len, r.b + 4, 4);
	for (i = 0; i < len; i++) {
		uint32_t idx;
		memcpy(&idx, (const uint8_t *)(uintptr_t)ptr + 4 * i, 4);
		if (idx < n) {
			ready |= what[idx];
		}
	}
	if (ptr != 0 && len > 0) {
		free((void *)(uintptr_t)ptr);
	}
	return ready;
}

/* ------------------------------------------------------------------ */
/* Lookup and connect                                                  */
/* ------------------------------------------------------------------ */

typedef struct p2_addr {
	int family;               /* P2_IPV4 / P2_IPV6 */
	uint16_t a[8];            /* 4 bytes or 8 segments */
} p2_addr;

#define MAX_ADDRS 16

static size_t
resolve(p2_handle net, const char *host, p2_addr *out, size_t max)
{
	p2_ret r;
	p2_handle stream;
	size_t n = 0;

	p2_resolve_addresses(net, host, strlen(host), &r);
	if (r.b[0] != 0) {
		die(WT_EXIT_FAIL, "connect_failed", "cannot resolve %s: %s", host,
			p2_error_text(r.b[4]));
	}
	memcpy(&stream, r.b + 4, 4);
	for (;;) {
		p2_resolve_next_address(stream, &r);
		if (r.b[0] != 0) {
			if (r.b[2] == P2_ERR_WOULD_BLOCK) {
				block_on(p2_resolve_subscribe(stream));
				continue;
			}
			p2_resolve_drop(stream);
			die(WT_EXIT_FAIL, "connect_failed", "cannot resolve %s: %s", host,
				p2_error_text(r.b[2]));
		}
		if (r.b[2] == 0) {
			break;                  /* none: end of the list */
		}
		if (n < max) {
			p2_addr *a = &out[n++];
			memset(a, 0, sizeof *a);
			a->family = r.b[4] == 0 ? P2_IPV4 : P2_IPV6;
			if (a->family == P2_IPV4) {
				int k;
				for (k = 0; k < 4; k++) {
					a->a[k] = r.b[6 + k];
				}
			} else {
				memcpy(a->a, r.b + 6, 16);
			}
		}
	}
	p2_resolve_drop(stream);
	if (n == 0) {
		die(WT_EXIT_FAIL, "connect_failed", "cannot resolve %s: no addresses", host);
	}
	return n;
}

/* One attempt: 0 and the streams in t, or the error-code. */
static int
try_connect(p2_handle net, const p2_addr *a, uint16_t port, tcp_conn *t)
{
	p2_ret r;
	p2_handle sock, poll;
	int code;

	p2_create_tcp_socket(a->family, &r);
	if (r.b[0] != 0) {
		return r.b[4];
	}
	memcpy(&sock, r.b + 4, 4);
	if (a->family == P2_IPV4) {
		p2_tcp_start_connect(sock, net, 0, port, a->a[0], a->a[1], a->a[2], a->a[3],
			0, 0, 0, 0, 0, 0, &r);
	} else {
		p2_tcp_start_connect(sock, net, 1, port, 0, a->a[0], a->a[1], a->a[2], a->a[3],
			a->a[4], a->a[5], a->a[6], a->a[7], 0, &r);
	}
	if (r.b[0] != 0) {
		code = r.b[1];
		p2_tcp_drop(sock);
		return code;
	}
	poll = p2_tcp_subscribe(sock);
	for (;;) {
		p2_tcp_finish_connect(sock, &r);
		if (r.b[0] == 0) {
			break;
		}
		if (r.b[4] != P2_ERR_WOULD_BLOCK) {
			code = r.b[4];
			p2_pollable_drop(poll);
			p2_tcp_drop(sock);
			return code;
		}
		p2_pollable_block(poll);
	}
	p2_pollable_drop(poll);
	t->sock = sock;
	memcpy(&t->in, r.b + 4, 4);
	memcpy(&t->out, r.b + 8, 4);
	t->in_poll = p2_input_subscribe(t->in);
	t->out_poll = p2_output_subscribe(t->out);
	return 0;
}

void
wt_wasi_tcp_connect(const char *host, const char *port, wt_cli_io *io)
{
	p2_addr addrs[MAX_ADDRS];
	p2_handle net = p2_instance_network();
	size_t n, i;
	int code = P2_ERR_UNKNOWN;
	uint16_t pn = (uint16_t)atoi(port);   /* checked by split_target */

	n = resolve(net, host, addrs, MAX_ADDRS);
	for (i = 0; i < n; i++) {
		code = try_connect(net, &addrs[i], pn, &conn);
		if (code == 0) {
			break;
		}
	}
	if (code != 0) {
		die(WT_EXIT_FAIL, "connect_failed", "cannot connect to %s port %s: %s",
			host, port, p2_error_text((unsigned)code));
	}
	/* The network handle is only needed to connect. */
	p2_network_drop(net);

	io->ctx = &conn;
	io->send = tcp_send;
	io->recv = tcp_recv;
	io->read_in = tcp_read_in;
	io->wait = tcp_wait;
}
