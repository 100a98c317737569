/*
 * wasmtls for WASI — the host side of the sans-I/O engine inside a WASI
 * sandbox. One source, two artifacts (wasi/wasi.mk):
 *
 *   build/wasi/wasmtls.wasm            preview1 command, --transport stdio:
 *                                      TLS records on fd 0 (in) / fd 1 (out)
 *   build/wasi/wasmtls.component.wasm  WASI 0.2 command component; also
 *                                      --transport tcp (the default): its own
 *                                      connection through wasi:sockets
 *                                      (wasi/tcp.c, WT_WASI_SOCKETS)
 *
 * Options, configuration, the --json line, the error line, exit codes and
 * the pump are the native CLI's (cli/common.c); this file adds
 * --transport, --data and --out, the WASI host functions (random_get via
 * getentropy, clock_time_get via clock_gettime) and the stdio transport.
 * Files (--cafile, --keylog, --out, --data @FILE) are opened through
 * wasi-libc, which resolves them against the preopened directories; a path
 * outside every preopen is a bad_config error naming the missing --dir.
 */
#define _GNU_SOURCE 1

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wasmtls.h"
#include "cli.h"
#include "wasi_tcp.h"

#define die wt_cli_die
#define diag wt_cli_diag

static const char usage_text[] =
	"WASI:\n"
#ifdef WT_WASI_SOCKETS
	"  --transport tcp      (default) connect through wasi:sockets; without\n"
	"                       --http/--data, stdin goes to the connection\n"
	"  --transport stdio    TLS records on fd 0/1 (e.g. under socat)\n"
#else
	"  --transport stdio    required: TLS records on fd 0/1 (e.g. under socat);\n"
	"                       wasmtls.component.wasm has --transport tcp\n"
#endif
	"  --data @FILE|TEXT    bytes to send after the handshake (not with --http);\n"
	"                       then read until the server closes\n"
	"  --out FILE           response output (stdio: default stderr; tcp: stdout)\n"
	"  Files are reached through preopened directories (wasmtime --dir).\n"
	;


/* ------------------------------------------------------------------ */
/* Output (--out FILE, or an fd)                                       */
/* ------------------------------------------------------------------ */

static int out_fd = 2;

static int
write_fd_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			if (errno == EAGAIN) {
				struct pollfd pf = { fd, POLLOUT, 0 };
				(void)poll(&pf, 1, 100);
				continue;
			}
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
out_write(void *ctx, const uint8_t *p, size_t len)
{
	(void)ctx;
	return write_fd_all(out_fd, p, len);
}

/* ------------------------------------------------------------------ */
/* --transport stdio: records on fd 0 (in) and fd 1 (out)              */
/* ------------------------------------------------------------------ */

/* Reads block (wasmtime and node:wasi hand us blocking fds). If a runtime
 * gives us a non-blocking fd anyway, EAGAIN sends us through poll()
 * (poll_oneoff), with a short sleep as the fallback when the runtime
 * cannot poll fds. */
static void
stdio_wait_fd(int fd, short ev)
{
	struct pollfd pf = { fd, ev, 0 };

	if (poll(&pf, 1, 1000) < 0) {
		struct timespec ts = { 0, 2 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

static long
stdio_send(void *ctx, const uint8_t *p, size_t len)
{
	ssize_t n;

	(void)ctx;
	n = write(1, p, len);
	if (n > 0) {
		return (long)n;
	}
	if (n < 0 && errno == EINTR) {
		return WT_IO_AGAIN;
	}
	if (n < 0 && errno == EAGAIN) {
		return 0;
	}
	diag("* send: %s\n", n == 0 ? "short write" : strerror(errno));
	return WT_IO_ERR;
}

static long
stdio_recv(void *ctx, uint8_t *p, size_t len)
{
	ssize_t n;

	(void)ctx;
	n = read(0, p, len);
	if (n >= 0) {
		return (long)n;
	}
	if (errno == EINTR) {
		return WT_IO_AGAIN;
	}
	if (errno == EAGAIN) {
		stdio_wait_fd(0, POLLIN);
		return WT_IO_AGAIN;
	}
	diag("* recv: %s\n", strerror(errno));
	return WT_IO_ERR;
}

/* No application input in stdio mode (stdin carries the records): EOF
 * right away, i.e. close_notify after the handshake unless --http/--data
 * gave a request. */
static long
stdio_read_in(void *ctx, uint8_t *p, size_t len)
{
	(void)ctx;
	(void)p;
	(void)len;
	return 0;
}

static unsigned
stdio_wait(void *ctx, unsigned want)
{
	(void)ctx;
	if (want & WT_IO_IN) {
		return WT_IO_IN;                /* immediate EOF */
	}
	if (want & WT_IO_SEND) {
		stdio_wait_fd(1, POLLOUT);
		return WT_IO_SEND;
	}
	return want & WT_IO_RECV;           /* the read itself blocks */
}

/* ------------------------------------------------------------------ */
/* main                                                                */
/* ------------------------------------------------------------------ */

int
main(int argc, char **argv)
{
	wt_cli_options o;
	wt_cli_client c;
	wt_cli_io io;
	int stdio, exit_code;

	if (argc >= 2 && strcmp(argv[1], "verify") == 0) {
		return wt_cli_verify(argc - 1, argv + 1);
	}
	wt_cli_parse_args(argc, argv, &o, WT_CLI_OPT_WASI, usage_text);
	if (o.transport == NULL) {
#ifdef WT_WASI_SOCKETS
		o.transport = "tcp";
#else
		die(WT_EXIT_CONFIG, "bad_config", "this module (WASI preview1) has no sockets: "
			"give --transport stdio and connect fd 0/1 to the server (socat), "
			"or run wasmtls.component.wasm");
#endif
	}
	if (strcmp(o.transport, "stdio") == 0) {
		stdio = 1;
	} else if (strcmp(o.transport, "tcp") == 0) {
#ifdef WT_WASI_SOCKETS
		stdio = 0;
#else
		die(WT_EXIT_CONFIG, "bad_config", "--transport tcp needs wasi:sockets: "
			"run wasmtls.component.wasm, or use --transport stdio");
#endif
	} else {
		die(WT_EXIT_CONFIG, "bad_config", "--transport must be stdio or tcp, not '%s'",
			o.transport);
	}

	wt_cli_client_init(&c, &o);
	if (o.data != NULL) {
		char *bytes;
		size_t len;
		if (o.data[0] == '@') {
			bytes = wt_cli_read_file(o.data + 1, &len);
			if (bytes == NULL) {
				die(WT_EXIT_CONFIG, "bad_config", "cannot read --data %s: %s",
					o.data + 1, wt_cli_file_error(errno));
			}
		} else {
			bytes = strdup(o.data);
			len = strlen(o.data);
			if (bytes == NULL) {
				die(WT_EXIT_FAIL, "internal_error", "out of memory");
			}
		}
		wt_cli_client_set_request(&c, bytes, len);
	}
	out_fd = stdio ? 2 : 1;
	if (o.out != NULL) {
		out_fd = open(o.out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (out_fd < 0) {
			die(WT_EXIT_CONFIG, "bad_config", "cannot open --out %s: %s", o.out,
				wt_cli_file_error(errno));
		}
	}

	memset(&io, 0, sizeof io);
	io.write_out = out_write;
	io.out_name = o.out != NULL ? o.out : (out_fd == 1 ? "stdout" : "stderr");
	if (stdio) {
		io.send = stdio_send;
		io.recv = stdio_recv;
		io.read_in = stdio_read_in;
		io.wait = stdio_wait;
		diag("* TLS records on fd 0/1 for %s port %s\n", c.host, c.port);
	} else {
#ifdef WT_WASI_SOCKETS
		wt_wasi_tcp_connect(c.host, c.port, &io);
		diag("* connected to %s port %s\n", c.host, c.port);
#endif
	}

	exit_code = wt_cli_run(&c, &o, &io);
	if (o.out != NULL) {
		close(out_fd);
	}
	wt_cli_client_free(&c);
	return exit_code;
}
