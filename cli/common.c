/*
 * wasmtls CLI — the transport-independent part, shared by the native CLI
 * (main.c) and the WASI builds (wasi/main.c): options, engine
 * configuration, the HTTP request and response framing, the --json
 * summary, the error line, and the pump between the engine's four
 * buffer/ack pairs and a wt_cli_io (see cli.h).
 *
 * Exit codes: 0 success; 1 connection/handshake/verification failure
 * ("error: <name>: <reason>" on stderr); 2 bad options or unreadable files
 * ("error: bad_config: ...").
 */
#define _GNU_SOURCE 1

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wasmtls.h"
#include "cli.h"

#define EXIT_FAIL   WT_EXIT_FAIL
#define EXIT_CONFIG WT_EXIT_CONFIG

int wt_cli_quiet;

void
wt_cli_diag(const char *fmt, ...)
{
	va_list ap;

	if (wt_cli_quiet) {
		return;
	}
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void
wt_cli_die(int code, const char *name, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "error: %s: ", name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	exit(code);
}

#define die wt_cli_die

const char *
wt_cli_file_error(int err)
{
#ifdef __wasi__
	if (err == ENOTCAPABLE) {
		/* wasi-libc found no preopened directory holding the path. */
		return "not reachable from this sandbox: no preopened directory holds it "
			"(wasmtime: --dir HOSTDIR::GUESTDIR, then use the guest path)";
	}
#endif
	return strerror(err);
}

/* ------------------------------------------------------------------ */
/* Option parsing                                                      */
/* ------------------------------------------------------------------ */

char *
wt_cli_read_file(const char *path, size_t *len)
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

#define ID_LIST_MAX 32   /* names in one --groups/--ciphers/--sigalgs list */

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

/* The options every front end shares (the contract of issue 2 and 3). */
static const char usage_common[] =
	"usage: wasmtls [options] HOST:PORT\n"
	"  --servername NAME    SNI and certificate name (default HOST; none for IP\n"
	"                       literals, which are checked against iPAddress SANs)\n"
	"  --cafile FILE        PEM trust anchors (default: built-in roots)\n"
	"  --insecure           skip certificate verification (testing only)\n"
	"  --min-version V      1.2 (default: TLS 1.2 and 1.3 offered) or 1.3\n"
	WT_CLI_CERT_PROFILE_HELP
	"  --alpn LIST          comma-separated protocols\n"
	"  --groups LIST        X25519MLKEM768,x25519,secp256r1,secp384r1 (the\n"
	"                       default; the hybrid is TLS 1.3's); secp521r1 and\n"
	"                       MLKEM1024 when listed; the first gets a key share,\n"
	"                       and the first of the other kind (post-quantum or\n"
	"                       classical) too\n"
	"  --key-shares LIST    groups (from --groups) that get a key share in the\n"
	"                       first ClientHello, at most 3; none: an empty key_share\n"
	"                       list (the server must send a HelloRetryRequest)\n"
	"  --ciphers LIST       TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,\n"
	"                       TLS_CHACHA20_POLY1305_SHA256 and for TLS 1.2\n"
	"                       TLS_ECDHE_{ECDSA,RSA}_WITH_{AES_128_GCM_SHA256,\n"
	"                       AES_256_GCM_SHA384,CHACHA20_POLY1305_SHA256}\n"
	"  --sigalgs LIST       signature schemes accepted in the server's\n"
	"                       CertificateVerify, in order (default:\n"
	"                       ecdsa_secp256r1_sha256,ecdsa_secp384r1_sha384,\n"
	"                       ecdsa_secp521r1_sha512,rsa_pss_rsae_sha256,\n"
	"                       rsa_pss_rsae_sha384,rsa_pss_rsae_sha512)\n"
	"  --sign-algs LIST     our order of those schemes for signing with --cert\n"
	"  --keylog FILE        append NSS key log lines\n"
	"  --sess-out FILE      write the session (ticket) for later resumption\n"
	"  --sess-in FILE       resume the session in FILE (falls back to a full handshake)\n"
	"  --early-data FILE    send FILE as 0-RTT data (needs --sess-in; resent after the\n"
	"                       handshake, with a notice, if the server rejects it)\n"
	"  --cert FILE --key FILE  client certificate chain and private key (PEM)\n"
	"  --psk-identity ID --psk-file FILE  offer an external PSK (RFC 8446 2.2): its\n"
	"                       identity and a file with its key in hex (16..64 bytes);\n"
	"                       a server that takes it sends no certificate\n"
	"  --psk-hash H         sha256 (default) or sha384: the PSK's hash\n"
	"  --psk-import CONTEXT import the PSK (RFC 9258) with this context (may be \"\")\n"
	"  --http PATH          send GET PATH, print the response\n"
	"  --ocsp, --sct        ask for a stapled OCSP response / Certificate Transparency\n"
	"                       SCTs (reported base64 by --json)\n"
	"  --grease             GREASE values in the ClientHello (RFC 8701), as Chrome\n"
	"  --permute-extensions ClientHello extensions in a random order, as Chrome\n"
	"  --json               one JSON summary line on stderr after the handshake\n"
	"  --max-fragment N     largest plaintext per record we send (64..16384)\n"
	"  --key-update         send a KeyUpdate (update_requested) after the handshake\n"
	"  --key-update-after N update keys after N records under one key (default: the\n"
	"                       RFC 8446 5.5 limit of the suite; lower only for testing)\n"
	"  -q                   no other diagnostics\n";

int
wt_cli_host_random(void *ctx, uint8_t *out, size_t len)
{
	(void)ctx;
	while (len > 0) {
		size_t chunk = len > 256 ? 256 : len;   /* getentropy's limit */
		if (getentropy(out, chunk) != 0) {
			return -1;
		}
		out += chunk;
		len -= chunk;
	}
	return 0;
}

int64_t
wt_cli_host_now_ms(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
		return 0;
	}
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The decimal value of option argv[*i] (advancing *i), in [min, max]. */
static unsigned long long
number_arg(int argc, char **argv, int *i, unsigned long long min, unsigned long long max)
{
	const char *a = argv[*i], *v;
	unsigned long long n;
	char *end;

	if (*i + 1 >= argc) {
		die(EXIT_CONFIG, "bad_config", "%s needs a value", a);
	}
	v = argv[++*i];
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0 || end == v || *end != 0 || v[0] == '-' || n < min || n > max) {
		die(EXIT_CONFIG, "bad_config", "%s must be an integer in [%llu, %llu], not '%s'",
			a, min, max, v);
	}
	return n;
}

void
wt_cli_parse_args(int argc, char **argv, wt_cli_options *o, unsigned flags,
	const char *usage_extra)
{
	int i;

	memset(o, 0, sizeof *o);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **val = NULL;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage_common, stdout);
			fputs(usage_extra, stdout);
			fputs("       wasmtls verify --cafile ROOTS.pem [--host NAME] [--time UNIX]\n"
				"                      [--cert-profile web|private] CHAIN.pem\n",
				stdout);
			fflush(stdout);
			exit(0);
		} else if (strcmp(a, "--insecure") == 0) {
			o->insecure = 1;
		} else if (strcmp(a, "--json") == 0) {
			o->json = 1;
		} else if (strcmp(a, "-q") == 0) {
			wt_cli_quiet = 1;
		} else if (strcmp(a, "--key-update") == 0) {
			o->key_update = 1;
		} else if (strcmp(a, "--ocsp") == 0) {
			o->ocsp = 1;
		} else if (strcmp(a, "--sct") == 0) {
			o->sct = 1;
		} else if (strcmp(a, "--grease") == 0) {
			o->grease = 1;
		} else if (strcmp(a, "--permute-extensions") == 0) {
			o->permute = 1;
		} else if (strcmp(a, "--min-version") == 0) {
			if (i + 1 >= argc) {
				die(EXIT_CONFIG, "bad_config", "%s needs a value", a);
			}
			i++;
			if (strcmp(argv[i], "1.2") == 0) {
				o->min_version = WT_VERSION_TLS12;
			} else if (strcmp(argv[i], "1.3") == 0) {
				o->min_version = WT_VERSION_TLS13;
			} else {
				die(EXIT_CONFIG, "bad_config", "--min-version must be 1.2 or 1.3, not '%s'", argv[i]);
			}
		} else if (strcmp(a, "--cert-profile") == 0) {
			if (i + 1 >= argc) {
				die(EXIT_CONFIG, "bad_config", "%s needs a value", a);
			}
			o->cert_profile = wt_cli_cert_profile(argv[++i]);
			if (o->cert_profile < 0) {
				die(EXIT_CONFIG, "bad_config", "--cert-profile must be web or private, not '%s'", argv[i]);
			}
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
		} else if (strcmp(a, "--sigalgs") == 0) {
			val = &o->sigalgs;
		} else if (strcmp(a, "--sign-algs") == 0) {
			val = &o->sign_algs;
		} else if (strcmp(a, "--key-shares") == 0) {
			val = &o->key_shares;
		} else if (strcmp(a, "--keylog") == 0) {
			val = &o->keylog;
		} else if (strcmp(a, "--http") == 0) {
			val = &o->http;
		} else if (strcmp(a, "--sess-in") == 0) {
			val = &o->sess_in;
		} else if (strcmp(a, "--sess-out") == 0) {
			val = &o->sess_out;
		} else if (strcmp(a, "--early-data") == 0) {
			val = &o->early_data;
		} else if (strcmp(a, "--cert") == 0) {
			val = &o->cert;
		} else if (strcmp(a, "--key") == 0) {
			val = &o->key;
		} else if (strcmp(a, "--psk-identity") == 0) {
			val = &o->psk_identity;
		} else if (strcmp(a, "--psk-file") == 0) {
			val = &o->psk_file;
		} else if (strcmp(a, "--psk-hash") == 0) {
			val = &o->psk_hash;
		} else if (strcmp(a, "--psk-import") == 0) {
			val = &o->psk_import;
		} else if ((flags & WT_CLI_OPT_WASI) && strcmp(a, "--transport") == 0) {
			val = &o->transport;
		} else if ((flags & WT_CLI_OPT_WASI) && strcmp(a, "--data") == 0) {
			val = &o->data;
		} else if ((flags & WT_CLI_OPT_WASI) && strcmp(a, "--out") == 0) {
			val = &o->out;
		} else if (strcmp(a, "--max-fragment") == 0) {
			o->max_fragment = (long)number_arg(argc, argv, &i, 64, 16384);
		} else if (strcmp(a, "--key-update-after") == 0) {
			o->key_update_after = number_arg(argc, argv, &i, 1, UINT64_MAX);
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
	if (o->insecure && o->cert_profile != WT_CERT_PROFILE_WEB) {
		die(EXIT_CONFIG, "bad_config", "--insecure and --cert-profile are exclusive");
	}
	if (o->http != NULL && o->http[0] != '/') {
		die(EXIT_CONFIG, "bad_config", "--http PATH must start with '/'");
	}
	if (o->http != NULL && strpbrk(o->http, " \r\n") != NULL) {
		die(EXIT_CONFIG, "bad_config", "--http PATH must not contain spaces or line breaks");
	}
	if (o->http != NULL && o->data != NULL) {
		die(EXIT_CONFIG, "bad_config", "--http and --data are exclusive");
	}
	if ((o->cert != NULL) != (o->key != NULL)) {
		die(EXIT_CONFIG, "bad_config", "--cert and --key go together");
	}
	if ((o->psk_identity != NULL) != (o->psk_file != NULL)) {
		die(EXIT_CONFIG, "bad_config", "--psk-identity and --psk-file go together");
	}
	if ((o->psk_hash != NULL || o->psk_import != NULL) && o->psk_file == NULL) {
		die(EXIT_CONFIG, "bad_config", "--psk-hash and --psk-import need --psk-identity and --psk-file");
	}
	if (o->psk_hash != NULL && strcmp(o->psk_hash, "sha256") != 0
		&& strcmp(o->psk_hash, "sha384") != 0)
	{
		die(EXIT_CONFIG, "bad_config", "--psk-hash must be sha256 or sha384, not '%s'", o->psk_hash);
	}
	if (o->early_data != NULL && (o->http != NULL || o->data != NULL)) {
		die(EXIT_CONFIG, "bad_config", "--early-data is the request: not with --http or --data");
	}
	if (o->early_data != NULL && o->sess_in == NULL) {
		die(EXIT_CONFIG, "bad_config", "--early-data needs a session to resume (--sess-in)");
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

int
wt_cli_is_ip_literal(const char *h)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, h, buf) == 1 || inet_pton(AF_INET6, h, buf) == 1;
}

/* ------------------------------------------------------------------ */
/* HTTP response framing (to know when a response is complete)         */
/* ------------------------------------------------------------------ */

enum { H_HEAD, H_BODY_LEN, H_BODY_CLOSE, H_CHUNK_SIZE, H_CHUNK_DATA,
	H_CHUNK_DATA_END, H_TRAILER, H_DONE, H_BAD };

struct wt_cli_http {
	int st;
	char head[65536];
	size_t head_len;
	unsigned long long remaining;  /* body bytes (H_BODY_LEN) or chunk bytes */
	char line[256];                /* chunk-size / trailer line */
	size_t line_len;
};
typedef struct wt_cli_http http_state;

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
		case H_BODY_LEN:
		case H_CHUNK_DATA: {
			/* body bytes (Content-Length, or one chunk): skip them */
			size_t n = len < h->remaining ? len : (size_t)h->remaining;
			h->remaining -= n;
			p += n;
			len -= n;
			if (h->remaining == 0) {
				h->st = h->st == H_BODY_LEN ? H_DONE : H_CHUNK_DATA_END;
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

char *
wt_cli_base64(const uint8_t *p, size_t len)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = malloc((len + 2) / 3 * 4 + 1), *o = out;
	size_t i;

	if (out == NULL) {
		return NULL;
	}
	for (i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;

		v |= i + 1 < len ? (uint32_t)p[i + 1] << 8 : 0;
		v |= i + 2 < len ? p[i + 2] : 0;
		*o++ = b64[v >> 18];
		*o++ = b64[(v >> 12) & 63];
		*o++ = i + 1 < len ? b64[(v >> 6) & 63] : '=';
		*o++ = i + 2 < len ? b64[v & 63] : '=';
	}
	*o = 0;
	return out;
}

/* p[0..len) as a JSON string of its base64, or null (absent). */
static void
json_base64(FILE *f, const uint8_t *p, size_t len)
{
	char *text = p ? wt_cli_base64(p, len) : NULL;

	json_str(f, text);
	free(text);
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
		json_str(stderr, wt_version_name(info.version) ? wt_version_name(info.version) : "unknown");
		fputs(",\"cipher\":", stderr);
		json_str(stderr, suite);
		fputs(",\"group\":", stderr);
		json_str(stderr, group);
		fputs(",\"alpn\":", stderr);
		json_str(stderr, info.alpn);
		fprintf(stderr, ",\"hrr\":%s,\"resumed\":%s,\"sigalg\":",
			info.hrr ? "true" : "false", info.resumed ? "true" : "false");
		/* A resumed handshake has no CertificateVerify. */
		json_str(stderr, info.sigalg ? sigalg : NULL);
		fprintf(stderr, ",\"peer_chain\":%zu,\"servername\":", info.peer_cert_count);
		json_str(stderr, info.server_name);
		fprintf(stderr, ",\"early_data\":\"%s\",\"early_data_reason\":\"%s\"",
			info.early_data == WT_EARLY_ACCEPTED ? "accepted"
			: info.early_data == WT_EARLY_REJECTED ? "rejected" : "not_sent",
			wt_early_data_reason_name(info.early_data_reason));
		fputs(",\"ocsp_response\":", stderr);
		json_base64(stderr, info.ocsp_response, info.ocsp_response_len);
		fputs(",\"sct_list\":", stderr);
		json_base64(stderr, info.sct_list, info.sct_list_len);
		fprintf(stderr, ",\"external_psk\":%s}\n", info.external_psk >= 0 ? "true" : "false");
	} else {
		wt_cli_diag("* %s %s %s%s%s sigalg=%s alpn=%s peer_chain=%zu%s%s\n",
			wt_version_name(info.version) ? wt_version_name(info.version) : "?", suite, group, info.hrr ? " (HelloRetryRequest)" : "",
			info.resumed ? " resumed" : "",
			sigalg, info.alpn ? info.alpn : "(none)", info.peer_cert_count,
			info.external_psk >= 0 ? " external PSK"
			: info.verified ? " verified" : " NOT verified",
			info.early_data == WT_EARLY_ACCEPTED ? " 0-RTT accepted"
			: info.early_data == WT_EARLY_REJECTED ? " 0-RTT rejected" : "");
	}
	fflush(stderr);
}


/* ------------------------------------------------------------------ */
/* Configuration                                                       */
/* ------------------------------------------------------------------ */

static void
keylog_line(void *ctx, const char *line)
{
	FILE *f = ctx;

	fputs(line, f);
	fputc('\n', f);
	fflush(f);
}

/* Each new session replaces the file's content (the latest ticket). The
 * blob holds the resumption secret, a credential: the file is created
 * (or tightened to) mode 0600, and a symlink in its place is refused.
 * (WASI runtimes have no file modes: there the host decides.) */
static void
session_out(void *ctx, const uint8_t *blob, size_t len)
{
	const char *path = ctx;
#ifdef O_NOFOLLOW
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
#else
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
#endif
	FILE *f = NULL;

	if (fd >= 0) {
#ifndef __wasi__
		(void)fchmod(fd, 0600);
#endif
		f = fdopen(fd, "wb");
		if (f == NULL) {
			close(fd);
		}
	}

	if (f == NULL || fwrite(blob, 1, len, f) != len) {
		wt_cli_diag("* cannot write --sess-out %s: %s\n", path, strerror(errno));
	}
	if (f != NULL) {
		fclose(f);
	}
}

/* --psk-identity/--psk-file: the key is read from a file (hex, blanks
 * and line breaks allowed), never from the command line where other users
 * of the machine could see it. */
static void
load_psk(wt_cli_client *c, const wt_cli_options *o)
{
	size_t len, i, n = 0;
	char *text = wt_cli_read_file(o->psk_file, &len);
	int hi = -1;

	if (text == NULL) {
		die(EXIT_CONFIG, "bad_config", "cannot read --psk-file %s: %s", o->psk_file,
			wt_cli_file_error(errno));
	}
	for (i = 0; i < len; i++) {
		int ch = (unsigned char)text[i], v;

		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
			continue;
		}
		v = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
			: ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
		if (v < 0 || (hi < 0 && n == sizeof c->psk_key)) {
			wt_wipe(text, len);
			free(text);
			wt_wipe(c->psk_key, sizeof c->psk_key);
			die(EXIT_CONFIG, "bad_config", "--psk-file %s: %s", o->psk_file, v < 0
				? "not hex" : "key longer than 64 bytes");
		}
		if (hi < 0) {
			hi = v;
		} else {
			c->psk_key[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	wt_wipe(text, len);
	free(text);
	if (hi >= 0 || n < WT_MIN_PSK_KEY) {
		wt_wipe(c->psk_key, sizeof c->psk_key);
		die(EXIT_CONFIG, "bad_config", "--psk-file %s: %s", o->psk_file, hi >= 0
			? "odd number of hex digits" : "key shorter than 16 bytes");
	}
	c->psk.identity = (const uint8_t *)o->psk_identity;
	c->psk.identity_len = strlen(o->psk_identity);
	c->psk.key = c->psk_key;
	c->psk.key_len = n;
	c->psk.hash = o->psk_hash != NULL && strcmp(o->psk_hash, "sha384") == 0
		? WT_PSK_SHA384 : WT_PSK_SHA256;
	if (o->psk_import != NULL) {
		c->psk.imported = 1;
		c->psk.context = (const uint8_t *)o->psk_import;
		c->psk.context_len = strlen(o->psk_import);
	}
	c->cfg.psks = &c->psk;
	c->cfg.psk_count = 1;
}

static void
load_client_cert(wt_cli_client *c, const wt_cli_options *o)
{
	size_t clen, klen;
	char *cpem, *kpem;
	int n;

	cpem = wt_cli_read_file(o->cert, &clen);
	if (cpem == NULL) {
		die(EXIT_CONFIG, "bad_config", "cannot read --cert %s: %s", o->cert, wt_cli_file_error(errno));
	}
	kpem = wt_cli_read_file(o->key, &klen);
	if (kpem == NULL) {
		int e = errno;

		free(cpem);
		die(EXIT_CONFIG, "bad_config", "cannot read --key %s: %s", o->key, wt_cli_file_error(e));
	}
	c->cert_chain = calloc(WT_MAX_PEER_CERTS, sizeof *c->cert_chain);
	c->cert_buf = malloc(clen + 1);
	c->key_buf_len = klen * 2 + 64;
	c->key_buf = malloc(c->key_buf_len);
	if (c->cert_chain == NULL || c->cert_buf == NULL || c->key_buf == NULL) {
		die(EXIT_FAIL, "internal_error", "out of memory");
	}
	n = wt_cert_chain_parse_pem(c->cert_chain, WT_MAX_PEER_CERTS, cpem, clen, c->cert_buf, clen + 1);
	if (n < 0) {
		die(EXIT_CONFIG, "bad_config", "--cert %s: no usable PEM certificate chain", o->cert);
	}
	if (wt_private_key_parse_pem(&c->client_cert.key, kpem, klen, c->key_buf, c->key_buf_len) != 0) {
		die(EXIT_CONFIG, "bad_config",
			"--key %s: not a PEM P-256/P-384 EC or 2048..4096-bit RSA private key", o->key);
	}
	wt_wipe(kpem, klen);
	free(kpem);
	free(cpem);
	c->client_cert.chain = c->cert_chain;
	c->client_cert.chain_len = (size_t)n;
	if (wt_client_cert_check(&c->client_cert) != 0) {
		die(EXIT_CONFIG, "bad_config", "--key %s does not match the certificate in --cert %s",
			o->key, o->cert);
	}
	c->cfg.client_cert = &c->client_cert;
}

static uint16_t suites_buf[ID_LIST_MAX];
static uint16_t groups_buf[ID_LIST_MAX];
static uint16_t sigalgs_buf[ID_LIST_MAX];
static uint16_t sign_algs_buf[ID_LIST_MAX];
static uint16_t key_shares_buf[ID_LIST_MAX];

#define SIGALG_NAMES "ecdsa_secp256r1_sha256, ecdsa_secp384r1_sha384, " \
	"ecdsa_secp521r1_sha512, rsa_pss_rsae_sha256, rsa_pss_rsae_sha384, rsa_pss_rsae_sha512, " \
	"rsa_pkcs1_sha256, rsa_pkcs1_sha384, rsa_pkcs1_sha512"

/* A comma-separated list of names (option opt) as identifiers in buf:
 * dies on an empty item, an unknown name (known: the valid ones) or a
 * repeat. NULL: 0 entries (the engine's default). Values the engine
 * refuses (more than it takes, one not usable there) are left to
 * wt_engine_init, whose reason names them. */
static size_t
id_list(const char *list, const char *opt, const char *kind,
	uint16_t (*from_name)(const char *), const char *known, uint16_t *buf)
{
	char *copy, *items[ID_LIST_MAX];
	int n, i, j;

	if (list == NULL) {
		return 0;
	}
	copy = strdup(list);
	if (copy == NULL) {
		die(EXIT_FAIL, "internal_error", "out of memory");
	}
	n = split_list(copy, items, ID_LIST_MAX);
	if (n < 0) {
		die(EXIT_CONFIG, "bad_config", "bad %s list '%s' (at most %d non-empty names)",
			opt, list, ID_LIST_MAX);
	}
	for (i = 0; i < n; i++) {
		buf[i] = from_name(items[i]);
		if (buf[i] == 0) {
			die(EXIT_CONFIG, "bad_config", "unknown %s '%s' (%s)", kind, items[i], known);
		}
		for (j = 0; j < i; j++) {
			if (buf[j] == buf[i]) {
				die(EXIT_CONFIG, "bad_config", "%s '%s' listed twice", kind, items[i]);
			}
		}
	}
	free(copy);
	return (size_t)n;
}
static char *alpn_buf[WT_MAX_ALPN + 1];

void
wt_cli_client_init(wt_cli_client *c, const wt_cli_options *o)
{
	wt_config *cfg = &c->cfg;
	int rc;

	memset(c, 0, sizeof *c);
	split_target(o->target, &c->host, &c->port);

	if (o->servername != NULL) {
		if (o->servername[0] == 0 || strlen(o->servername) > WT_MAX_SERVER_NAME) {
			die(EXIT_CONFIG, "bad_config", "bad --servername");
		}
		cfg->server_name = o->servername;
	} else if (wt_cli_is_ip_literal(c->host)) {
		cfg->server_name = NULL;
		cfg->verify_ip = c->host;
	} else {
		cfg->server_name = c->host;
	}

	if (o->alpn != NULL) {
		char *copy = strdup(o->alpn);
		int n, i;
		if (copy == NULL) {
			die(EXIT_FAIL, "internal_error", "out of memory");
		}
		n = split_list(copy, alpn_buf, WT_MAX_ALPN);
		if (n < 0) {
			die(EXIT_CONFIG, "bad_config", "bad --alpn list '%s' (at most %d non-empty names)",
				o->alpn, WT_MAX_ALPN);
		}
		for (i = 0; i < n; i++) {
			if (strlen(alpn_buf[i]) > 255) {
				die(EXIT_CONFIG, "bad_config", "ALPN protocol name too long");
			}
		}
		cfg->alpn = (const char *const *)alpn_buf;
		cfg->alpn_count = (size_t)n;
		c->alpn_copy = copy;
	}
	cfg->groups = groups_buf;
	cfg->group_count = id_list(o->groups, "--groups", "group", wt_group_from_name,
		"x25519, secp256r1, secp384r1, secp521r1, X25519MLKEM768, MLKEM1024", groups_buf);
	cfg->cipher_suites = suites_buf;
	cfg->cipher_suite_count = id_list(o->ciphers, "--ciphers", "cipher suite",
		wt_suite_from_name, "TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, "
		"TLS_CHACHA20_POLY1305_SHA256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "
		"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "
		"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "
		"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", suites_buf);
	cfg->min_version = o->min_version;
	cfg->sig_algs = sigalgs_buf;
	cfg->sig_alg_count = id_list(o->sigalgs, "--sigalgs", "signature scheme",
		wt_sigalg_from_name, SIGALG_NAMES, sigalgs_buf);
	cfg->sign_algs = sign_algs_buf;
	cfg->sign_alg_count = id_list(o->sign_algs, "--sign-algs", "signature scheme",
		wt_sigalg_from_name, SIGALG_NAMES, sign_algs_buf);
	if (o->key_shares != NULL && strcmp(o->key_shares, "none") == 0) {
		cfg->no_key_shares = 1;
	} else {
		cfg->key_shares = key_shares_buf;
		cfg->key_share_count = id_list(o->key_shares, "--key-shares", "group",
			wt_group_from_name, "x25519, secp256r1, secp384r1, secp521r1, X25519MLKEM768, MLKEM1024, or none",
			key_shares_buf);
	}

	if (o->insecure) {
		cfg->verify_mode = WT_VERIFY_NONE;
	} else if (o->cafile != NULL) {
		size_t len, ncerts = 0, cap;
		char *pem = wt_cli_read_file(o->cafile, &len);
		const char *p;
		wt_trust_store ts;
		wt_cli_skips skips;
		char what[512];
		if (pem == NULL) {
			die(EXIT_CONFIG, "bad_config", "cannot read --cafile %s: %s", o->cafile,
				wt_cli_file_error(errno));
		}
		for (p = pem; (p = strstr(p, "-----BEGIN ")) != NULL; p++) {
			ncerts++;
		}
		if (ncerts == 0) {
			die(EXIT_CONFIG, "bad_config", "--cafile %s: no PEM certificates", o->cafile);
		}
		/* Each anchor keeps its DER, smaller than the base64 it comes from. */
		cap = len + 1024;
		c->anchors = calloc(ncerts, sizeof *c->anchors);
		c->anchor_buf = malloc(cap);
		if (c->anchors == NULL || c->anchor_buf == NULL) {
			die(EXIT_FAIL, "internal_error", "out of memory");
		}
		wt_trust_store_init(&ts, c->anchors, ncerts, c->anchor_buf, cap);
		/* Unusable certificates (Ed25519, RSA-PSS or RSA-8192 roots...)
		 * are skipped with a warning each; only a bundle with nothing
		 * usable left is an error. */
		snprintf(what, sizeof what, "--cafile %s", o->cafile);
		memset(&skips, 0, sizeof skips);
		skips.what = what;
		ts.on_skip = wt_cli_on_skip;
		ts.skip_ctx = &skips;
		rc = wt_trust_store_add_pem(&ts, pem, len);
		if (rc < 0 && skips.count > 0) {
			die(EXIT_CONFIG, "bad_config", "--cafile %s: %s (%s)%s %s", o->cafile,
				ts.reason, wt_error_name(-rc), skips.count == 1 ? ":" : ", the last:",
				skips.last);
		}
		if (rc < 0) {
			die(EXIT_CONFIG, "bad_config", "--cafile %s: %s (%s)", o->cafile,
				ts.reason, wt_error_name(-rc));
		}
		free(pem);
		cfg->trust_anchors = ts.anchors;
		cfg->trust_anchor_count = ts.count;
		cfg->verify_mode = WT_VERIFY_FULL;
	} else {
		size_t n = 0;
		cfg->trust_anchors = wt_default_trust_anchors(&n);
		cfg->trust_anchor_count = n;
		cfg->verify_mode = WT_VERIFY_FULL;
	}
	cfg->cert_profile = o->cert_profile;

	if (o->keylog != NULL) {
		c->keylog = fopen(o->keylog, "a");
		if (c->keylog == NULL) {
			die(EXIT_CONFIG, "bad_config", "cannot open --keylog %s: %s", o->keylog,
				wt_cli_file_error(errno));
		}
		cfg->keylog = keylog_line;
		cfg->keylog_ctx = c->keylog;
	}
	cfg->max_fragment = (size_t)o->max_fragment;
	cfg->key_update_after = o->key_update_after;

	if (o->sess_in != NULL) {
		size_t len;

		c->session = (uint8_t *)wt_cli_read_file(o->sess_in, &len);
		if (c->session == NULL) {
			die(EXIT_CONFIG, "bad_config", "cannot read --sess-in %s: %s", o->sess_in,
				wt_cli_file_error(errno));
		}
		cfg->session = c->session;
		cfg->session_len = len;
	}
	if (o->sess_out != NULL) {
		c->sess_out = o->sess_out;
		cfg->session_cb = session_out;
		cfg->session_ctx = (void *)o->sess_out;
	}
	if (o->early_data != NULL) {
		c->early = wt_cli_read_file(o->early_data, &c->early_len);
		if (c->early == NULL) {
			die(EXIT_CONFIG, "bad_config", "cannot read --early-data %s: %s", o->early_data,
				wt_cli_file_error(errno));
		}
		cfg->early_data = 1;
	}
	cfg->request_ocsp = o->ocsp;
	cfg->request_sct = o->sct;
	/* the summary reports the chain the server sent (peer_chain), and one
	 * connection per process has nothing to save by dropping it */
	cfg->keep_peer_chain = 1;
	cfg->grease = o->grease;
	cfg->permute_extensions = o->permute;
	if (o->psk_file != NULL) {
		load_psk(c, o);
	}
	if (o->cert != NULL) {
		load_client_cert(c, o);
	}

	if (o->http != NULL) {
		const char *hosthdr = cfg->server_name != NULL ? cfg->server_name : c->host;
		int v6 = strchr(hosthdr, ':') != NULL;
		size_t cap = strlen(o->http) + strlen(hosthdr) + strlen(c->port) + 128;
		c->request = malloc(cap);
		c->http = calloc(1, sizeof *c->http);
		if (c->request == NULL || c->http == NULL) {
			die(EXIT_FAIL, "internal_error", "out of memory");
		}
		rc = snprintf(c->request, cap,
			"GET %s HTTP/1.1\r\nHost: %s%s%s%s%s\r\nUser-Agent: wasmtls\r\n"
			"Accept: */*\r\nConnection: close\r\n\r\n",
			o->http, v6 ? "[" : "", hosthdr, v6 ? "]" : "",
			strcmp(c->port, "443") == 0 ? "" : ":", strcmp(c->port, "443") == 0 ? "" : c->port);
		c->req_len = (size_t)rc;
		c->http->st = H_HEAD;
	}
}

void
wt_cli_client_set_request(wt_cli_client *c, char *bytes, size_t len)
{
	free(c->request);
	c->request = bytes;
	c->req_len = len;
	c->req_off = 0;
}

void
wt_cli_client_free(wt_cli_client *c)
{
	if (c->keylog != NULL) {
		fclose(c->keylog);
	}
	free(c->anchors);
	free(c->anchor_buf);
	free(c->request);
	free(c->http);
	free(c->host);
	free(c->port);
	free(c->alpn_copy);
	free(c->session);
	free(c->early);
	free(c->cert_chain);
	free(c->cert_buf);
	if (c->key_buf != NULL) {
		wt_wipe(c->key_buf, c->key_buf_len);
		free(c->key_buf);
	}
	wt_wipe(c->psk_key, sizeof c->psk_key);
	memset(c, 0, sizeof *c);
}

/* ------------------------------------------------------------------ */
/* The pump                                                            */
/* ------------------------------------------------------------------ */

/* The handshake area starts at its least and grows as the server's
 * messages need (wt_engine_mem.area_alloc): a small handshake stays
 * small, and every handshake the CLI runs, native or WASI, the test
 * suites' hostile servers included, goes through the engine's move of
 * its state to a bigger area. */
/* The area in use, kept where LeakSanitizer sees it: the CLI exits
 * through die()/exit() without freeing it (one connection per process). */
static void *cli_area;

static void *
area_alloc(void *ctx, size_t len)
{
	void *area = malloc(len);

	(void)ctx;
	if (area != NULL) {
		cli_area = area;
	}
	return area;
}

static void
area_free(void *ctx, void *area, size_t len)
{
	(void)ctx;
	(void)len;
	free(area);   /* the engine wiped it */
}

int
wt_cli_run(wt_cli_client *c, const wt_cli_options *o, const wt_cli_io *io)
{
	static const wt_host host = { NULL, wt_cli_host_random, wt_cli_host_now_ms };
	/* one connection per process: its record buffers stay attached */
	static uint8_t inbuf[WT_MIN_INBUF], outbuf[WT_OUTBUF_SIZE];
	wt_engine_mem mem = { inbuf, sizeof inbuf, outbuf, sizeof outbuf,
		NULL, WT_HS_AREA_MIN, area_alloc, area_free, NULL };
	http_state *http = c->http;
	wt_engine_ctx *cc;
	int err, rc;
	int hs_reported = 0, stdin_eof = 0, sock_eof = 0, write_dead = 0;
	int http_closed = 0;
	int exit_code;

	cc = calloc(1, sizeof *cc);
	mem.hs = area_alloc(NULL, mem.hs_len);
	if (cc == NULL || mem.hs == NULL) {
		die(EXIT_FAIL, "internal_error", "out of memory");
	}
	rc = wt_engine_init(cc, &c->cfg, &host, &mem);
	if (rc != 0) {
		const char *reason = wt_engine_error_reason(cc);
		die(rc == WT_ERR_BAD_CONFIG ? EXIT_CONFIG : EXIT_FAIL, wt_error_name(rc), "%s",
			reason && *reason ? reason : "engine initialisation failed");
	}

	for (;;) {
		unsigned st = wt_engine_current_state(cc);
		unsigned want = 0, ready;
		int want_out = 0;
		uint8_t *buf;
		size_t len;

		if (st & WT_CLOSED) {
			break;
		}

		/* 0-RTT: the --early-data bytes, while the engine takes them. */
		if (c->early != NULL && !hs_reported && !wt_engine_handshake_done(cc)
			&& c->early_off < c->early_len && (st & WT_SENDEARLY))
		{
			buf = wt_engine_sendapp_buf(cc, &len);
			if (buf != NULL && len > 0) {
				size_t n = c->early_len - c->early_off < len ? c->early_len - c->early_off : len;
				memcpy(buf, c->early + c->early_off, n);
				wt_engine_sendapp_ack(cc, n);
				c->early_off += n;
				wt_engine_flush(cc);
				continue;
			}
		}

		if (!hs_reported && wt_engine_handshake_done(cc)) {
			wt_conn_info info;

			hs_reported = 1;
			print_summary(cc, o->json);
			wt_engine_info(cc, &info);
			if (c->early != NULL && info.early_data != WT_EARLY_ACCEPTED) {
				/* The server did not take the 0-RTT bytes (or they did
				 * not all fit): send the whole file again as ordinary
				 * data, and say so: never a silent resend. */
				wt_cli_diag("* early data %s: sending it after the handshake\n",
					info.early_data == WT_EARLY_REJECTED ? "rejected" : "not sent");
				wt_cli_client_set_request(c, c->early, c->early_len);
				c->early = NULL;
			} else if (c->early != NULL && c->early_off < c->early_len) {
				/* Accepted, but larger than max_early_data: the rest
				 * follows as ordinary data. */
				size_t rest = c->early_len - c->early_off;
				char *tail = malloc(rest);

				if (tail == NULL) {
					die(EXIT_FAIL, "internal_error", "out of memory");
				}
				memcpy(tail, c->early + c->early_off, rest);
				wt_cli_client_set_request(c, tail, rest);
			}
			if (o->key_update) {
				rc = wt_engine_key_update(cc, 1);
				if (rc != 0) {
					wt_cli_diag("* key update failed: %s\n", wt_error_name(rc));
				}
			}
			continue;
		}

		/* Decrypted data: to the output. */
		if (st & WT_RECVAPP) {
			buf = wt_engine_recvapp_buf(cc, &len);
			if (buf != NULL && len > 0) {
				if (io->write_out(io->ctx, buf, len) != 0) {
					int e = errno;
					wt_engine_recvapp_ack(cc, len);
					die(EXIT_FAIL, "io_error", "writing to %s: %s", io->out_name, strerror(e));
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

		/* The request (--http, --data), once the handshake is done. */
		if (c->request != NULL && c->req_off < c->req_len && (st & WT_SENDAPP)) {
			buf = wt_engine_sendapp_buf(cc, &len);
			if (buf != NULL && len > 0) {
				size_t n = c->req_len - c->req_off < len ? c->req_len - c->req_off : len;
				memcpy(buf, c->request + c->req_off, n);
				wt_engine_sendapp_ack(cc, n);
				c->req_off += n;
				if (c->req_off == c->req_len) {
					wt_engine_flush(cc);
				}
				continue;
			}
		}

		/* Records to the transport. */
		if (st & WT_SENDREC) {
			buf = wt_engine_sendrec_buf(cc, &len);
			if (buf != NULL && len > 0) {
				long n;
				if (write_dead) {
					/* Peer is gone: drop our output, keep reading
					 * what it sent before (an alert, say). */
					wt_engine_sendrec_ack(cc, len);
					continue;
				}
				n = io->send(io->ctx, buf, len);
				if (n > 0) {
					wt_engine_sendrec_ack(cc, (size_t)n);
					continue;
				}
				if (n == WT_IO_AGAIN) {
					continue;
				}
				if (n == 0) {
					want_out = 1;
				} else {
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
			want |= ((st & WT_RECVREC) ? WT_IO_RECV : 0) | (want_out ? WT_IO_SEND : 0);
		}
		if ((c->request == NULL || c->req_off == c->req_len) && http == NULL
			&& io->read_in != NULL && hs_reported && !stdin_eof && (st & WT_SENDAPP))
		{
			want |= WT_IO_IN;
		}
		if (want == 0) {
			/* Nothing we can do and nothing to wait for. */
			die(EXIT_FAIL, "internal_error", "engine stalled (state 0x%x)", st);
		}
		ready = io->wait(io->ctx, want);

		if ((ready & WT_IO_RECV) && (st & WT_RECVREC)) {
			buf = wt_engine_recvrec_buf(cc, &len);
			if (buf != NULL && len > 0) {
				long n = io->recv(io->ctx, buf, len);
				if (n > 0) {
					wt_engine_recvrec_ack(cc, (size_t)n);
				} else if (n == 0 || n == WT_IO_ERR) {
					wt_engine_recvrec_ack(cc, 0);
					sock_eof = 1;
					wt_engine_eof(cc);
				} else {
					wt_engine_recvrec_ack(cc, 0);
				}
			}
			continue;
		}
		if (ready & WT_IO_IN) {
			buf = wt_engine_sendapp_buf(cc, &len);
			if (buf != NULL && len > 0) {
				long n = io->read_in(io->ctx, buf, len);
				if (n > 0) {
					wt_engine_sendapp_ack(cc, (size_t)n);
					wt_engine_flush(cc);
				} else if (n == 0 || n == WT_IO_ERR) {
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
		wt_cli_diag("* closed\n");
	}
	fflush(stderr);
	wt_engine_wipe(cc);
	free(cc);
	return exit_code;
}
