/*
 * wasmtls — native command-line client (POSIX sockets + poll()).
 *
 *   wasmtls [options] HOST:PORT
 *   wasmtls verify --cafile ROOTS.pem [--host NAME] [--time UNIX] CHAIN.pem
 *
 * The engine is sans-I/O; this file is the host: it owns the socket, the
 * clock, the RNG and the files, and pumps bytes through the engine's four
 * buffer/ack pairs (BearSSL style). See usage() for the options; the
 * contract (output, error lines, exit codes) is shared with the Node and
 * WASI front ends, so keep it exact.
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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "wasmtls.h"
#include "cli.h"

#define EXIT_FAIL   1
#define EXIT_CONFIG 2

static const char usage_text[] =
	"usage: wasmtls [options] HOST:PORT\n"
	"  --servername NAME    SNI and certificate name (default HOST; none for IP\n"
	"                       literals, which are checked against iPAddress SANs)\n"
	"  --cafile FILE        PEM trust anchors (default: built-in roots)\n"
	"  --insecure           skip certificate verification (testing only)\n"
	"  --alpn LIST          comma-separated protocols\n"
	"  --groups LIST        x25519,secp256r1,secp384r1 (first gets the key share)\n"
	"  --ciphers LIST       TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,\n"
	"                       TLS_CHACHA20_POLY1305_SHA256\n"
	"  --keylog FILE        append NSS key log lines\n"
	"  --http PATH          send GET PATH, print the response\n"
	"  --json               one JSON summary line on stderr after the handshake\n"
	"  --max-fragment N     largest plaintext per record we send (64..16384)\n"
	"  --key-update         send a KeyUpdate (update_requested) after the handshake\n"
	"  -q                   no other diagnostics\n"
	"       wasmtls verify --cafile ROOTS.pem [--host NAME] [--time UNIX] CHAIN.pem\n";

static int quiet;

static void
diag(const char *fmt, ...)
{
	va_list ap;

	if (quiet) {
		return;
	}
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/* "error: <name>: <reason>" and exit. */
static void
die(int code, const char *name, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "error: %s: ", name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

/* ------------------------------------------------------------------ */
/* Host callbacks                                                      */
/* ------------------------------------------------------------------ */

static int
host_random(void *ctx, uint8_t *out, size_t len)
{
	(void)ctx;
	while (len > 0) {
		size_t chunk = len > 256 ? 256 : len;
		ssize_t n = getrandom(out, chunk, 0);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -1;
		}
		out += n;
		len -= (size_t)n;
	}
	return 0;
}

static int64_t
host_now_ms(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
		return 0;
	}
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
keylog_line(void *ctx, const char *line)
{
	FILE *f = ctx;

	fputs(line, f);
	fputc('\n', f);
	fflush(f);
}

/* ------------------------------------------------------------------ */
/* Option parsing                                                      */
/* ------------------------------------------------------------------ */

typedef struct options {
	const char *target;
	const char *servername;
	const char *cafile;
	int insecure;
	const char *alpn;
	const char *groups;
	const char *ciphers;
	const char *keylog;
	const char *http;
	int json;
	long max_fragment;
	int key_update;
} options;

/* Reads a whole file; NUL-terminated. NULL with errno on failure. */
static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (f == NULL) {
		return NULL;
	}
	for (;;) {
		size_t r;
		if (cap - n < 4096) {
			char *nb;
			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap + 1);
			if (nb == NULL) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0) {
			break;
		}
	}
	if (ferror(f)) {
		int e = errno ? errno : EIO;
		free(buf);
		fclose(f);
		errno = e;
		return NULL;
	}
	fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

/* Splits a comma-separated list in place. Returns the count, or -1 if it
 * has more than max items or an empty item. */
static int
split_list(char *s, char **items, int max)
{
	int n = 0;
	char *p = s;

	for (;;) {
		char *c = strchr(p, ',');
		if (c != NULL) {
			*c = 0;
		}
		if (*p == 0 || n >= max) {
			return -1;
		}
		items[n++] = p;
		if (c == NULL) {
			return n;
		}
		p = c + 1;
	}
}

static void
parse_args(int argc, char **argv, options *o)
{
	int i;

	memset(o, 0, sizeof *o);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **val = NULL;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage_text, stdout);
			exit(0);
		} else if (strcmp(a, "--insecure") == 0) {
			o->insecure = 1;
		} else if (strcmp(a, "--json") == 0) {
			o->json = 1;
		} else if (strcmp(a, "-q") == 0) {
			quiet = 1;
		} else if (strcmp(a, "--key-update") == 0) {
			o->key_update = 1;
		} else if (strcmp(a, "--servername") == 0) {
			val = &o->servername;
		} else if (strcmp(a, "--cafile") == 0) {
			val = &o->cafile;
		} else if (strcmp(a, "--alpn") == 0) {
			val = &o->alpn;
		} else if (strcmp(a, "--groups") == 0) {
			val = &o->groups;
		} else if (strcmp(a, "--ciphers") == 0) {
			val = &o->ciphers;
		} else if (strcmp(a, "--keylog") == 0) {
			val = &o->keylog;
		} else if (strcmp(a, "--http") == 0) {
			val = &o->http;
		} else if (strcmp(a, "--max-fragment") == 0) {
			const char *v;
			char *end;
			if (i + 1 >= argc) {
				die(EXIT_CONFIG, "bad_config", "%s needs a value", a);
			}
			v = argv[++i];
			errno = 0;
			o->max_fragment = strtol(v, &end, 10);
			if (errno != 0 || end == v || *end != 0
				|| o->max_fragment < 64 || o->max_fragment > 16384)
			{
				die(EXIT_CONFIG, "bad_config",
					"--max-fragment must be an integer in [64, 16384], not '%s'", v);
			}
		} else if (a[0] == '-' && a[1] != 0) {
			die(EXIT_CONFIG, "bad_config", "unknown option '%s' (see --help)", a);
		} else if (o->target == NULL) {
			o->target = a;
		} else {
			die(EXIT_CONFIG, "bad_config", "unexpected argument '%s'", a);
		}
		if (val != NULL) {
			if (i + 1 >= argc) {
				die(EXIT_CONFIG, "bad_config", "%s needs a value", a);
			}
			*val = argv[++i];
		}
	}
	if (o->target == NULL) {
		die(EXIT_CONFIG, "bad_config", "missing HOST:PORT (see --help)");
	}
	if (o->insecure && o->cafile != NULL) {
		die(EXIT_CONFIG, "bad_config", "--insecure and --cafile are exclusive");
	}
	if (o->http != NULL && o->http[0] != '/') {
		die(EXIT_CONFIG, "bad_config", "--http PATH must start with '/'");
	}
	if (o->http != NULL && strpbrk(o->http, " \r\n") != NULL) {
		die(EXIT_CONFIG, "bad_config", "--http PATH must not contain spaces or line breaks");
	}
}

/* HOST:PORT or [V6]:PORT -> host (malloc'd) and port string. */
static void
split_target(const char *t, char **host, char **port)
{
	const char *colon;
	size_t hlen;
	const char *hstart = t;
	const char *p;
	long pn;
	char *end;

	if (t[0] == '[') {
		const char *rb = strchr(t, ']');
		if (rb == NULL || rb[1] != ':') {
			die(EXIT_CONFIG, "bad_config", "bad target '%s' (want [V6ADDR]:PORT)", t);
		}
		hstart = t + 1;
		hlen = (size_t)(rb - hstart);
		colon = rb + 1;
	} else {
		colon = strrchr(t, ':');
		if (colon == NULL) {
			die(EXIT_CONFIG, "bad_config", "bad target '%s' (want HOST:PORT)", t);
		}
		hlen = (size_t)(colon - t);
		if (memchr(t, ':', hlen) != NULL) {
			die(EXIT_CONFIG, "bad_config",
				"bad target '%s' (write IPv6 addresses as [V6ADDR]:PORT)", t);
		}
	}
	p = colon + 1;
	errno = 0;
	pn = strtol(p, &end, 10);
	if (hlen == 0 || *p == 0 || *end != 0 || errno != 0 || pn < 1 || pn > 65535) {
		die(EXIT_CONFIG, "bad_config", "bad target '%s' (want HOST:PORT)", t);
	}
	*host = malloc(hlen + 1);
	if (*host == NULL) {
		die(EXIT_FAIL, "internal_error", "out of memory");
	}
	memcpy(*host, hstart, hlen);
	(*host)[hlen] = 0;
	*port = strdup(p);
	if (*port == NULL) {
		die(EXIT_FAIL, "internal_error", "out of memory");
	}
}

static int
is_ip_literal(const char *h)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, h, buf) == 1 || inet_pton(AF_INET6, h, buf) == 1;
}

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
/* HTTP response framing (to know when a response is complete)         */
/* ------------------------------------------------------------------ */

enum { H_HEAD, H_BODY_LEN, H_BODY_CLOSE, H_CHUNK_SIZE, H_CHUNK_DATA,
	H_CHUNK_DATA_END, H_TRAILER, H_DONE, H_BAD };

typedef struct http_state {
	int st;
	char head[65536];
	size_t head_len;
	unsigned long long remaining;  /* body bytes (H_BODY_LEN) or chunk bytes */
	char line[256];                /* chunk-size / trailer line */
	size_t line_len;
} http_state;

static int
header_has(const char *head, const char *name, char *val, size_t vcap)
{
	const char *p = strstr(head, "\r\n");
	size_t nlen = strlen(name);

	while (p != NULL && p[2] != '\r') {
		const char *line = p + 2;
		const char *eol = strstr(line, "\r\n");
		if (eol == NULL) {
			break;
		}
		if ((size_t)(eol - line) > nlen && strncasecmp(line, name, nlen) == 0
			&& line[nlen] == ':')
		{
			const char *v = line + nlen + 1;
			size_t l;
			while (*v == ' ' || *v == '\t') {
				v++;
			}
			l = (size_t)(eol - v);
			while (l > 0 && (v[l - 1] == ' ' || v[l - 1] == '\t')) {
				l--;
			}
			if (l >= vcap) {
				l = vcap - 1;
			}
			memcpy(val, v, l);
			val[l] = 0;
			return 1;
		}
		p = eol;
	}
	return 0;
}

static void
http_headers_done(http_state *h)
{
	char val[128];
	int status = 0;

	h->head[h->head_len] = 0;
	if (sscanf(h->head, "HTTP/%*d.%*d %d", &status) != 1) {
		h->st = H_BAD;
		return;
	}
	if (status >= 100 && status < 200) {
		/* Interim response: wait for the final one. */
		h->head_len = 0;
		h->st = H_HEAD;
		return;
	}
	if (status == 204 || status == 304) {
		h->st = H_DONE;
	} else if (header_has(h->head, "Transfer-Encoding", val, sizeof val)
		&& strcasestr(val, "chunked") != NULL)
	{
		h->st = H_CHUNK_SIZE;
		h->line_len = 0;
	} else if (header_has(h->head, "Content-Length", val, sizeof val)) {
		char *end;
		errno = 0;
		h->remaining = strtoull(val, &end, 10);
		if (errno != 0 || end == val || *end != 0) {
			h->st = H_BAD;
		} else {
			h->st = h->remaining == 0 ? H_DONE : H_BODY_LEN;
		}
	} else {
		h->st = H_BODY_CLOSE;
	}
}

/* Tracks framing of response bytes; the bytes themselves go to stdout. */
static void
http_feed(http_state *h, const uint8_t *p, size_t len)
{
	while (len > 0) {
		switch (h->st) {
		case H_HEAD:
			if (h->head_len + 1 >= sizeof h->head) {
				h->st = H_BAD;
				break;
			}
			h->head[h->head_len++] = (char)*p++;
			len--;
			if (h->head_len >= 4
				&& memcmp(h->head + h->head_len - 4, "\r\n\r\n", 4) == 0)
			{
				http_headers_done(h);
			}
			break;
		case H_BODY_LEN: {
			size_t n = len < h->remaining ? len : (size_t)h->remaining;
			h->remaining -= n;
			p += n;
			len -= n;
			if (h->remaining == 0) {
				h->st = H_DONE;
			}
			break;
		}
		case H_CHUNK_SIZE:
		case H_CHUNK_DATA_END:
		case H_TRAILER: {
			char c = (char)*p++;
			len--;
			if (h->line_len + 1 >= sizeof h->line) {
				h->st = H_BAD;
				break;
			}
			h->line[h->line_len++] = c;
			if (c != '\n') {
				break;
			}
			h->line[h->line_len] = 0;
			if (h->st == H_CHUNK_DATA_END) {
				h->st = strcmp(h->line, "\r\n") == 0 ? H_CHUNK_SIZE : H_BAD;
			} else if (h->st == H_TRAILER) {
				if (strcmp(h->line, "\r\n") == 0) {
					h->st = H_DONE;
				}
			} else {
				char *end;
				errno = 0;
				h->remaining = strtoull(h->line, &end, 16);
				if (end == h->line || errno != 0) {
					h->st = H_BAD;
				} else {
					h->st = h->remaining == 0 ? H_TRAILER : H_CHUNK_DATA;
				}
			}
			h->line_len = 0;
			break;
		}
		case H_CHUNK_DATA: {
			size_t n = len < h->remaining ? len : (size_t)h->remaining;
			h->remaining -= n;
			p += n;
			len -= n;
			if (h->remaining == 0) {
				h->st = H_CHUNK_DATA_END;
			}
			break;
		}
		default:
			/* H_BODY_CLOSE, H_DONE, H_BAD: nothing to track. */
			return;
		}
	}
}

/* ------------------------------------------------------------------ */
/* JSON summary                                                        */
/* ------------------------------------------------------------------ */

static void
json_str(FILE *f, const char *s)
{
	if (s == NULL) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			fprintf(f, "\\%c", c);
		} else if (c < 0x20 || c >= 0x7f) {
			/* ALPN ids are arbitrary bytes: keep the line valid ASCII. */
			fprintf(f, "\\u%04x", c);
		} else {
			fputc(c, f);
		}
	}
	fputc('"', f);
}

static const char *
name_or_hex(const char *name, uint16_t id, char *buf, size_t cap)
{
	if (name != NULL) {
		return name;
	}
	snprintf(buf, cap, "0x%04x", id);
	return buf;
}

static void
print_summary(const wt_engine_ctx *cc, int json)
{
	wt_conn_info info;
	char b1[8], b2[8], b3[8];
	const char *suite, *group, *sigalg;

	memset(&info, 0, sizeof info);
	wt_engine_info(cc, &info);
	suite = name_or_hex(wt_suite_name(info.cipher_suite), info.cipher_suite, b1, sizeof b1);
	group = name_or_hex(wt_group_name(info.group), info.group, b2, sizeof b2);
	sigalg = name_or_hex(wt_sigalg_name(info.sigalg), info.sigalg, b3, sizeof b3);
	if (json) {
		fputs("{\"version\":", stderr);
		json_str(stderr, info.version == 0x0304 ? "TLSv1.3" : "unknown");
		fputs(",\"cipher\":", stderr);
		json_str(stderr, suite);
		fputs(",\"group\":", stderr);
		json_str(stderr, group);
		fputs(",\"alpn\":", stderr);
		json_str(stderr, info.alpn);
		fprintf(stderr, ",\"hrr\":%s,\"resumed\":%s,\"sigalg\":",
			info.hrr ? "true" : "false", info.resumed ? "true" : "false");
		json_str(stderr, sigalg);
		fprintf(stderr, ",\"peer_chain\":%zu,\"servername\":", info.peer_cert_count);
		json_str(stderr, info.server_name);
		fputs("}\n", stderr);
	} else {
		diag("* TLSv1.3 %s %s%s sigalg=%s alpn=%s peer_chain=%zu%s\n",
			suite, group, info.hrr ? " (HelloRetryRequest)" : "",
			sigalg, info.alpn ? info.alpn : "(none)", info.peer_cert_count,
			info.verified ? " verified" : " NOT verified");
	}
	fflush(stderr);
}

/* ------------------------------------------------------------------ */
/* main                                                                */
/* ------------------------------------------------------------------ */

static uint16_t suites_buf[8];
static uint16_t groups_buf[8];
static char *alpn_buf[WT_MAX_ALPN + 1];

int
main(int argc, char **argv)
{
	options o;
	wt_config cfg;
	wt_host host;
	wt_engine_ctx *cc;
	char *hname = NULL, *port = NULL;
	FILE *keylog = NULL;
	char *request = NULL;
	size_t req_len = 0, req_off = 0;
	http_state *http = NULL;
	br_x509_trust_anchor *anchors = NULL;
	uint8_t *anchor_buf = NULL;
	int fd, err, rc;
	int hs_reported = 0, stdin_eof = 0, sock_eof = 0, write_dead = 0;
	int http_closed = 0;
	int exit_code;

	if (argc >= 2 && strcmp(argv[1], "verify") == 0) {
		return wt_cli_verify(argc - 1, argv + 1);
	}
	signal(SIGPIPE, SIG_IGN);
	parse_args(argc, argv, &o);
	split_target(o.target, &hname, &port);

	memset(&cfg, 0, sizeof cfg);
	if (o.servername != NULL) {
		if (o.servername[0] == 0 || strlen(o.servername) > WT_MAX_SERVER_NAME) {
			die(EXIT_CONFIG, "bad_config", "bad --servername");
		}
		cfg.server_name = o.servername;
	} else if (is_ip_literal(hname)) {
		cfg.server_name = NULL;
		cfg.verify_ip = hname;
	} else {
		cfg.server_name = hname;
	}

	if (o.alpn != NULL) {
		char *copy = strdup(o.alpn);
		int n, i;
		if (copy == NULL) {
			die(EXIT_FAIL, "internal_error", "out of memory");
		}
		n = split_list(copy, alpn_buf, WT_MAX_ALPN);
		if (n < 0) {
			die(EXIT_CONFIG, "bad_config", "bad --alpn list '%s' (at most %d non-empty names)",
				o.alpn, WT_MAX_ALPN);
		}
		for (i = 0; i < n; i++) {
			if (strlen(alpn_buf[i]) > 255) {
				die(EXIT_CONFIG, "bad_config", "ALPN protocol name too long");
			}
		}
		cfg.alpn = (const char *const *)alpn_buf;
		cfg.alpn_count = (size_t)n;
	}
	if (o.groups != NULL) {
		char *copy = strdup(o.groups), *items[8];
		int n, i, j;
		if (copy == NULL) {
			die(EXIT_FAIL, "internal_error", "out of memory");
		}
		n = split_list(copy, items, 8);
		if (n < 0) {
			die(EXIT_CONFIG, "bad_config", "bad --groups list '%s'", o.groups);
		}
		for (i = 0; i < n; i++) {
			groups_buf[i] = wt_group_from_name(items[i]);
			if (groups_buf[i] == 0) {
				die(EXIT_CONFIG, "bad_config",
					"unknown group '%s' (x25519, secp256r1, secp384r1)", items[i]);
			}
			for (j = 0; j < i; j++) {
				if (groups_buf[j] == groups_buf[i]) {
					die(EXIT_CONFIG, "bad_config", "group '%s' listed twice", items[i]);
				}
			}
		}
		cfg.groups = groups_buf;
		cfg.group_count = (size_t)n;
		free(copy);
	}
	if (o.ciphers != NULL) {
		char *copy = strdup(o.ciphers), *items[8];
		int n, i, j;
		if (copy == NULL) {
			die(EXIT_FAIL, "internal_error", "out of memory");
		}
		n = split_list(copy, items, 8);
		if (n < 0) {
			die(EXIT_CONFIG, "bad_config", "bad --ciphers list '%s'", o.ciphers);
		}
		for (i = 0; i < n; i++) {
			suites_buf[i] = wt_suite_from_name(items[i]);
			if (suites_buf[i] == 0) {
				die(EXIT_CONFIG, "bad_config", "unknown cipher suite '%s' (TLS_AES_128_GCM_SHA256, "
					"TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256)", items[i]);
			}
			for (j = 0; j < i; j++) {
				if (suites_buf[j] == suites_buf[i]) {
					die(EXIT_CONFIG, "bad_config", "cipher suite '%s' listed twice", items[i]);
				}
			}
		}
		cfg.cipher_suites = suites_buf;
		cfg.cipher_suite_count = (size_t)n;
		free(copy);
	}

	if (o.insecure) {
		cfg.verify_mode = WT_VERIFY_NONE;
	} else if (o.cafile != NULL) {
		size_t len, ncerts = 0, cap;
		char *pem = read_file(o.cafile, &len);
		const char *p;
		wt_trust_store ts;
		if (pem == NULL) {
			die(EXIT_CONFIG, "bad_config", "cannot read --cafile %s: %s", o.cafile, strerror(errno));
		}
		for (p = pem; (p = strstr(p, "-----BEGIN ")) != NULL; p++) {
			ncerts++;
		}
		if (ncerts == 0) {
			die(EXIT_CONFIG, "bad_config", "--cafile %s: no PEM certificates", o.cafile);
		}
		/* DNs and keys are smaller than the base64 they come from. */
		cap = len + 1024;
		anchors = calloc(ncerts, sizeof *anchors);
		anchor_buf = malloc(cap);
		if (anchors == NULL || anchor_buf == NULL) {
			die(EXIT_FAIL, "internal_error", "out of memory");
		}
		wt_trust_store_init(&ts, anchors, ncerts, anchor_buf, cap);
		rc = wt_trust_store_add_pem(&ts, pem, len);
		if (rc < 0) {
			die(EXIT_CONFIG, "bad_config", "--cafile %s: %s", o.cafile, wt_error_name(-rc));
		}
		free(pem);
		cfg.trust_anchors = ts.anchors;
		cfg.trust_anchor_count = ts.count;
		cfg.verify_mode = WT_VERIFY_FULL;
	} else {
		size_t n = 0;
		cfg.trust_anchors = wt_default_trust_anchors(&n);
		cfg.trust_anchor_count = n;
		cfg.verify_mode = WT_VERIFY_FULL;
	}

	if (o.keylog != NULL) {
		keylog = fopen(o.keylog, "a");
		if (keylog == NULL) {
			die(EXIT_CONFIG, "bad_config", "cannot open --keylog %s: %s", o.keylog, strerror(errno));
		}
		cfg.keylog = keylog_line;
		cfg.keylog_ctx = keylog;
	}
	cfg.max_fragment = (size_t)o.max_fragment;

	if (o.http != NULL) {
		const char *hosthdr = cfg.server_name != NULL ? cfg.server_name : hname;
		int v6 = strchr(hosthdr, ':') != NULL;
		size_t cap = strlen(o.http) + strlen(hosthdr) + strlen(port) + 128;
		request = malloc(cap);
		http = calloc(1, sizeof *http);
		if (request == NULL || http == NULL) {
			die(EXIT_FAIL, "internal_error", "out of memory");
		}
		rc = snprintf(request, cap,
			"GET %s HTTP/1.1\r\nHost: %s%s%s%s%s\r\nUser-Agent: wasmtls\r\n"
			"Accept: */*\r\nConnection: close\r\n\r\n",
			o.http, v6 ? "[" : "", hosthdr, v6 ? "]" : "",
			strcmp(port, "443") == 0 ? "" : ":", strcmp(port, "443") == 0 ? "" : port);
		req_len = (size_t)rc;
		http->st = H_HEAD;
	}

	host.ctx = NULL;
	host.random = host_random;
	host.now_ms = host_now_ms;

	cc = malloc(sizeof *cc);
	if (cc == NULL) {
		die(EXIT_FAIL, "internal_error", "out of memory");
	}
	memset(cc, 0, sizeof *cc);

	fd = connect_to(hname, port);
	diag("* connected to %s port %s\n", hname, port);

	rc = wt_engine_init(cc, &cfg, &host);
	if (rc != 0) {
		const char *reason = wt_engine_error_reason(cc);
		die(rc == WT_ERR_BAD_CONFIG ? EXIT_CONFIG : EXIT_FAIL, wt_error_name(rc), "%s",
			reason && *reason ? reason : "engine initialisation failed");
	}

	for (;;) {
		unsigned st = wt_engine_current_state(cc);
		struct pollfd pfd[2];
		int nfds = 0, sock_idx = -1, in_idx = -1;
		int want_out = 0;
		uint8_t *buf;
		size_t len;

		if (st & WT_CLOSED) {
			break;
		}

		if (!hs_reported && wt_engine_handshake_done(cc)) {
			hs_reported = 1;
			print_summary(cc, o.json);
			if (o.key_update) {
				rc = wt_engine_key_update(cc, 1);
				if (rc != 0) {
					diag("* key update failed: %s\n", wt_error_name(rc));
				}
			}
			continue;
		}

		/* Decrypted data: to stdout. */
		if (st & WT_RECVAPP) {
			buf = wt_engine_recvapp_buf(cc, &len);
			if (buf != NULL && len > 0) {
				if (write_all(1, buf, len) != 0) {
					int e = errno;
					wt_engine_recvapp_ack(cc, len);
					die(EXIT_FAIL, "io_error", "writing to stdout: %s", strerror(e));
				}
				if (http != NULL) {
					http_feed(http, buf, len);
				}
				wt_engine_recvapp_ack(cc, len);
				if (http != NULL && http->st == H_DONE && !http_closed) {
					/* Complete response: we are done; say goodbye. */
					http_closed = 1;
					wt_engine_close(cc);
				}
				continue;
			}
		}

		/* The HTTP request, once the handshake is done. */
		if (request != NULL && req_off < req_len && (st & WT_SENDAPP)) {
			buf = wt_engine_sendapp_buf(cc, &len);
			if (buf != NULL && len > 0) {
				size_t n = req_len - req_off < len ? req_len - req_off : len;
				memcpy(buf, request + req_off, n);
				wt_engine_sendapp_ack(cc, n);
				req_off += n;
				if (req_off == req_len) {
					wt_engine_flush(cc);
				}
				continue;
			}
		}

		/* Records to the socket. */
		if (st & WT_SENDREC) {
			buf = wt_engine_sendrec_buf(cc, &len);
			if (buf != NULL && len > 0) {
				if (write_dead) {
					/* Peer is gone: drop our output, keep reading
					 * what it sent before (an alert, say). */
					wt_engine_sendrec_ack(cc, len);
					continue;
				}
				ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
				if (n > 0) {
					wt_engine_sendrec_ack(cc, (size_t)n);
					continue;
				}
				if (n < 0 && errno == EINTR) {
					continue;
				}
				if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
					want_out = 1;
				} else {
					diag("* send: %s\n", strerror(errno));
					write_dead = 1;
					continue;
				}
			}
		}

		if (http_closed && !(st & WT_SENDREC)) {
			/* Complete response and our close_notify is out: no need
			 * to wait for a server that keeps the connection open. */
			break;
		}
		if (sock_eof && !(st & WT_SENDREC) && !(st & WT_RECVAPP)) {
			/* EOF already reported and the engine did not close. */
			die(EXIT_FAIL, "internal_error", "engine still open after transport EOF (state 0x%x)", st);
		}

		if (!sock_eof && ((st & WT_RECVREC) || want_out)) {
			pfd[nfds].fd = fd;
			pfd[nfds].events = (short)(((st & WT_RECVREC) ? POLLIN : 0)
				| (want_out ? POLLOUT : 0));
			pfd[nfds].revents = 0;
			sock_idx = nfds++;
		}
		if (request == NULL && hs_reported && !stdin_eof && (st & WT_SENDAPP)) {
			pfd[nfds].fd = 0;
			pfd[nfds].events = POLLIN;
			pfd[nfds].revents = 0;
			in_idx = nfds++;
		}
		if (nfds == 0) {
			/* Nothing we can do and nothing to wait for. */
			die(EXIT_FAIL, "internal_error", "engine stalled (state 0x%x)", st);
		}
		rc = poll(pfd, (nfds_t)nfds, -1);
		if (rc < 0) {
			if (errno == EINTR) {
				continue;
			}
			die(EXIT_FAIL, "io_error", "poll: %s", strerror(errno));
		}

		if (sock_idx >= 0 && pfd[sock_idx].revents != 0 && (st & WT_RECVREC)
			&& (pfd[sock_idx].revents & (POLLIN | POLLHUP | POLLERR)))
		{
			buf = wt_engine_recvrec_buf(cc, &len);
			if (buf != NULL && len > 0) {
				ssize_t n = recv(fd, buf, len, 0);
				if (n > 0) {
					wt_engine_recvrec_ack(cc, (size_t)n);
				} else if (n == 0 || (errno != EINTR && errno != EAGAIN
					&& errno != EWOULDBLOCK))
				{
					if (n < 0) {
						diag("* recv: %s\n", strerror(errno));
					}
					wt_engine_recvrec_ack(cc, 0);
					sock_eof = 1;
					wt_engine_eof(cc);
				} else {
					wt_engine_recvrec_ack(cc, 0);
				}
			}
			continue;
		}
		if (in_idx >= 0 && pfd[in_idx].revents != 0) {
			buf = wt_engine_sendapp_buf(cc, &len);
			if (buf != NULL && len > 0) {
				ssize_t n = read(0, buf, len);
				if (n > 0) {
					wt_engine_sendapp_ack(cc, (size_t)n);
					wt_engine_flush(cc);
				} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
					wt_engine_sendapp_ack(cc, 0);
					stdin_eof = 1;
					wt_engine_close(cc);
				} else {
					wt_engine_sendapp_ack(cc, 0);
				}
			}
		}
	}

	err = wt_engine_last_error(cc);
	exit_code = 0;
	if (http != NULL && http->st == H_DONE && (err == 0 || err == WT_ERR_TRUNCATED)) {
		/* A complete response, then the server closed (with or without
		 * close_notify: the response framing proved completeness). */
		err = 0;
	}
	if (err != 0) {
		const char *reason = wt_engine_error_reason(cc);
		char rbuf[64];
		if ((reason == NULL || *reason == 0) && (err & 0xF00) == WT_ERR_ALERT_RECEIVED) {
			reason = wt_alert_name(err & 0xFF);
		}
		if (reason == NULL || *reason == 0) {
			snprintf(rbuf, sizeof rbuf, "error 0x%x", (unsigned)err);
			reason = rbuf;
		}
		fprintf(stderr, "error: %s: %s\n", wt_error_name(err), reason);
		exit_code = EXIT_FAIL;
	} else if (http != NULL && http->st != H_DONE && http->st != H_BODY_CLOSE
		&& http->st != H_BAD)
	{
		/* close_notify before the announced end of the response. */
		fprintf(stderr, "error: http_incomplete: connection closed before the response was complete\n");
		exit_code = EXIT_FAIL;
	} else {
		diag("* closed\n");
	}
	wt_engine_wipe(cc);
	close(fd);
	if (keylog != NULL) {
		fclose(keylog);
	}
	free(cc);
	free(anchors);
	free(anchor_buf);
	free(request);
	free(http);
	free(hname);
	free(port);
	return exit_code;
}
