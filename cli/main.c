/*
 * wasmtls — native command-line client (POSIX sockets + poll()).
 *
 *   wasmtls [options] HOST:PORT
 *   wasmtls verify --cafile ROOTS.pem [--host NAME] [--time UNIX]
 *                  [--cert-profile web|private] CHAIN.pem
 *
 * The engine is sans-I/O; this file is the host: it owns the socket, the
 * clock, the RNG and stdin/stdout. Options, configuration, the summary,
 * the error line and the pump through the engine's buffer/ack pairs are
 * in common.c (shared with the WASI builds in wasi/); the contract
 * (output, error lines, exit codes) is in cli.h, so keep it exact.
 *
 * Exit codes: 0 success; 1 connection/handshake/verification failure
 * ("error: <name>: <reason>" on stderr); 2 bad options or unreadable files
 * ("error: bad_config: ...").
 */
#define _GNU_SOURCE 1

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "wasmtls.h"
#include "cli.h"

#define EXIT_FAIL   WT_EXIT_FAIL
#define EXIT_CONFIG WT_EXIT_CONFIG
#define die wt_cli_die
#define diag wt_cli_diag

/* ------------------------------------------------------------------ */
/* Networking                                                          */
/* ------------------------------------------------------------------ */

static int
connect_to(const char *host, const char *port)
{
	struct addrinfo hints, *res = NULL, *ai;
	int rc, fd = -1, err = 0;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc == EAI_NONAME || rc == EAI_FAIL || rc == EAI_AGAIN || rc == EAI_ADDRFAMILY
		|| rc == EAI_NODATA)
	{
		/* AI_ADDRCONFIG hides loopback-only families: retry without it. */
		hints.ai_flags = 0;
		rc = getaddrinfo(host, port, &hints, &res);
	}
	if (rc != 0) {
		die(EXIT_FAIL, "connect_failed", "cannot resolve %s: %s", host, gai_strerror(rc));
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		while ((rc = connect(fd, ai->ai_addr, ai->ai_addrlen)) != 0 && errno == EINTR) {
		}
		if (rc == 0) {
			break;
		}
		err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		die(EXIT_FAIL, "connect_failed", "cannot connect to %s port %s: %s",
			host, port, strerror(err));
	}
	{
		int one = 1;
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
		die(EXIT_FAIL, "connect_failed", "fcntl: %s", strerror(errno));
	}
	return fd;
}

/* Blocking write of everything to fd (stdout). */
static int
write_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				struct pollfd pf = { fd, POLLOUT, 0 };
				(void)poll(&pf, 1, -1);
				continue;
			}
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The transport for the pump (common.c)                               */
/* ------------------------------------------------------------------ */

typedef struct native_io {
	int fd;
} native_io;

static long
io_send(void *ctx, const uint8_t *p, size_t len)
{
	native_io *n = ctx;
	ssize_t r = send(n->fd, p, len, MSG_NOSIGNAL);

	if (r > 0) {
		return (long)r;
	}
	if (r < 0 && errno == EINTR) {
		return WT_IO_AGAIN;
	}
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		return 0;
	}
	diag("* send: %s\n", strerror(errno));
	return WT_IO_ERR;
}

static long
io_recv(void *ctx, uint8_t *p, size_t len)
{
	native_io *n = ctx;
	ssize_t r = recv(n->fd, p, len, 0);

	if (r >= 0) {
		return (long)r;
	}
	if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) {
		return WT_IO_AGAIN;
	}
	diag("* recv: %s\n", strerror(errno));
	return WT_IO_ERR;
}

static long
io_read_in(void *ctx, uint8_t *p, size_t len)
{
	ssize_t r = read(0, p, len);

	(void)ctx;
	if (r >= 0) {
		return (long)r;
	}
	if (errno == EINTR || errno == EAGAIN) {
		return WT_IO_AGAIN;
	}
	return WT_IO_ERR;
}

static int
io_write_out(void *ctx, const uint8_t *p, size_t len)
{
	(void)ctx;
	return write_all(1, p, len);
}

static unsigned
io_wait(void *ctx, unsigned want)
{
	native_io *n = ctx;
	struct pollfd pfd[2];
	int nfds = 0, sock_idx = -1, in_idx = -1, rc;
	unsigned ready = 0;

	if (want & (WT_IO_RECV | WT_IO_SEND)) {
		pfd[nfds].fd = n->fd;
		pfd[nfds].events = (short)(((want & WT_IO_RECV) ? POLLIN : 0)
			| ((want & WT_IO_SEND) ? POLLOUT : 0));
		pfd[nfds].revents = 0;
		sock_idx = nfds++;
	}
	if (want & WT_IO_IN) {
		pfd[nfds].fd = 0;
		pfd[nfds].events = POLLIN;
		pfd[nfds].revents = 0;
		in_idx = nfds++;
	}
	rc = poll(pfd, (nfds_t)nfds, -1);
	if (rc < 0) {
		if (errno == EINTR) {
			return 0;
		}
		die(EXIT_FAIL, "io_error", "poll: %s", strerror(errno));
	}
	if (sock_idx >= 0 && (pfd[sock_idx].revents & (POLLIN | POLLHUP | POLLERR))) {
		ready |= WT_IO_RECV;
	}
	if (sock_idx >= 0 && (pfd[sock_idx].revents & POLLOUT)) {
		ready |= WT_IO_SEND;
	}
	if (in_idx >= 0 && pfd[in_idx].revents != 0) {
		ready |= WT_IO_IN;
	}
	return ready;
}

/* ------------------------------------------------------------------ */
/* main                                                                */
/* ------------------------------------------------------------------ */

int
main(int argc, char **argv)
{
	wt_cli_options o;
	wt_cli_client c;
	native_io nio;
	wt_cli_io io;
	int exit_code;

	if (argc >= 2 && strcmp(argv[1], "verify") == 0) {
		return wt_cli_verify(argc - 1, argv + 1);
	}
	signal(SIGPIPE, SIG_IGN);
	wt_cli_parse_args(argc, argv, &o, 0, "");
	wt_cli_client_init(&c, &o);

	nio.fd = connect_to(c.host, c.port);
	diag("* connected to %s port %s\n", c.host, c.port);

	memset(&io, 0, sizeof io);
	io.ctx = &nio;
	io.send = io_send;
	io.recv = io_recv;
	io.read_in = io_read_in;
	io.write_out = io_write_out;
	io.wait = io_wait;
	io.out_name = "stdout";

	exit_code = wt_cli_run(&c, &o, &io);
	close(nio.fd);
	wt_cli_client_free(&c);
	return exit_code;
}
