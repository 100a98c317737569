/* The wasmtls command line, shared by every front end that has a C main:
 * the native CLI (cli/main.c: POSIX sockets + poll) and the WASI
 * builds (wasi/main.c: stdio records, or wasi:sockets in the component).
 *
 *   common.c   options, configuration, the HTTP request and response
 *              framing, the --json summary, the error line, and the pump
 *              that moves bytes between the engine and a wt_cli_io
 *   verify.c   `wasmtls verify`
 *
 * The contract (output, error lines, exit codes) is the same everywhere:
 * exit 0 on success; 1 on a connection/handshake/verification failure with
 * "error: <wt_error_name>: <reason>" on stderr; 2 for bad options or
 * unreadable files ("error: bad_config: ...").
 */
#ifndef WT_CLI_H
#define WT_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "wasmtls.h"

#define WT_EXIT_FAIL   1
#define WT_EXIT_CONFIG 2

/* `wasmtls verify --cafile ROOTS.pem [--host NAME] [--time UNIX] CHAIN.pem`
 * (cli/verify.c). argv[0] is "verify". Verifies CHAIN.pem (leaf
 * first, then intermediates in any order) with wt_verify_chain(). Prints
 * "ok" on stdout and returns 0; or prints "error: <wt_error_name>: <reason>"
 * on stderr and returns 1 (certificate rejected) or 2 (bad options or
 * unreadable files: "error: bad_config: ..."). */
int wt_cli_verify(int argc, char **argv);

/* --cafile: each certificate wt_trust_store_add_pem() skips becomes a
 * "warning: <what>: skipping certificate N (SUBJECT): REASON" line on
 * stderr, and the last one is kept for the error line when no usable
 * certificate is left. Shared by `wasmtls verify` and the client (inline:
 * test_x509 and bogo_shim each link only one of verify.c / common.c). */
typedef struct wt_cli_skips {
	const char *what;          /* "--cafile FILE" or "FILE" */
	size_t count;
	char last[768];            /* "certificate N (SUBJECT): REASON" */
} wt_cli_skips;

static inline void wt_cli_on_skip(void *ctx, const wt_trust_skip *sk)
{
	wt_cli_skips *s = ctx;
	char dn[256];

	if (sk->subject != NULL) {
		wt_dn_format(sk->subject, sk->subject_len, dn, sizeof dn);
	} else {
		snprintf(dn, sizeof dn, "subject unreadable");
	}
	snprintf(s->last, sizeof s->last, "certificate %zu (%s): %s",
		sk->index, dn, sk->reason);
	s->count++;
	fprintf(stderr, "warning: %s: skipping %s\n", s->what, s->last);
}

/* ------------------------------------------------------------------ */
/* Diagnostics                                                          */
/* ------------------------------------------------------------------ */

/* -q: no diagnostics ("* ..." lines on stderr). */
extern int wt_cli_quiet;

void wt_cli_diag(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* "error: <name>: <reason>" on stderr and exit(code). */
void wt_cli_die(int code, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));
/* Text for a failed file access (strerror, plus a hint about preopened
 * directories on WASI). */
const char *wt_cli_file_error(int err);

/* ------------------------------------------------------------------ */
/* Options                                                              */
/* ------------------------------------------------------------------ */

/* Options a front end accepts beyond the common set (parse flags). */
#define WT_CLI_OPT_WASI  0x1  /* --transport stdio|tcp, --data, --out */

typedef struct wt_cli_options {
	const char *target;
	const char *servername;
	const char *cafile;
	int insecure;
	int cert_profile;        /* --cert-profile web|private: WT_CERT_PROFILE_* */
	uint16_t min_version;    /* --min-version 1.2|1.3: WT_VERSION_* (0: default) */
	const char *alpn;
	const char *groups;
	const char *ciphers;
	const char *sigalgs;     /* --sigalgs: schemes accepted from the server */
	const char *sign_algs;   /* --sign-algs: our client signing order */
	const char *key_shares;  /* --key-shares: groups, or "none" */
	const char *keylog;
	const char *http;
	int json;
	long max_fragment;
	unsigned long long key_update_after;
	int key_update;
	const char *sess_in;     /* session blob to resume */
	const char *sess_out;    /* where new session blobs are written */
	const char *early_data;  /* file sent as 0-RTT data */
	const char *cert;        /* client certificate chain (PEM) */
	const char *key;         /* its private key (PEM) */
	int ocsp, sct;           /* request a stapled OCSP response / SCTs */
	int grease, permute;     /* --grease, --permute-extensions */
	const char *psk_identity;   /* --psk-identity: external PSK identity */
	const char *psk_file;       /* --psk-file: its key, hex */
	const char *psk_hash;       /* --psk-hash sha256|sha384 */
	const char *psk_import;     /* --psk-import CONTEXT: RFC 9258 importer */
	/* WT_CLI_OPT_WASI only */
	const char *transport;   /* NULL = the front end's default */
	const char *data;        /* "@FILE" or literal text */
	const char *out;         /* response file */
} wt_cli_options;

/* Parses argv[1..]; prints the usage (common options, then usage_extra
 * for the front end's own) and exits 0 on --help; dies with bad_config
 * (exit 2) on anything wrong. */
void wt_cli_parse_args(int argc, char **argv, wt_cli_options *o,
	unsigned flags, const char *usage_extra);

/* p[0..len) in standard, padded base64 (RFC 4648 4), NUL-terminated, in a
 * malloc'd string (free it); NULL if out of memory. */
char *wt_cli_base64(const uint8_t *p, size_t len);

/* Host callbacks for the engine: getentropy() and the realtime clock
 * (both exist in glibc and in wasi-libc). */
int wt_cli_host_random(void *ctx, uint8_t *out, size_t len);
int64_t wt_cli_host_now_ms(void *ctx);

/* Reads a whole file (NUL-terminated, *len without the NUL); NULL with
 * errno on failure. */
char *wt_cli_read_file(const char *path, size_t *len);

/* ------------------------------------------------------------------ */
/* A client: configuration built from the options                       */
/* ------------------------------------------------------------------ */

typedef struct wt_cli_http wt_cli_http;

typedef struct wt_cli_client {
	wt_config cfg;
	char *host;              /* from HOST:PORT, brackets removed */
	char *port;
	FILE *keylog;
	/* bytes sent once the handshake is done: the HTTP request, or --data */
	char *request;
	size_t req_len, req_off;
	wt_cli_http *http;       /* response framing (--http), or NULL */
	wt_trust_anchor *anchors;
	uint8_t *anchor_buf;
	char *alpn_copy;
	uint8_t *session;        /* --sess-in blob */
	const char *sess_out;
	char *early;             /* --early-data bytes */
	size_t early_len, early_off;
	wt_client_cert client_cert;   /* --cert/--key */
	wt_peer_cert *cert_chain;
	uint8_t *cert_buf, *key_buf;
	size_t key_buf_len;
	wt_external_psk psk;          /* --psk-identity/--psk-file */
	uint8_t psk_key[WT_MAX_PSK_KEY];
} wt_cli_client;

/* Builds the engine configuration from the options: names, lists, trust
 * anchors (--cafile, else the built-in store), --keylog, --http. Dies with
 * bad_config on anything wrong. */
void wt_cli_client_init(wt_cli_client *c, const wt_cli_options *o);
/* Replaces the request with caller-owned malloc'd bytes (--data). */
void wt_cli_client_set_request(wt_cli_client *c, char *bytes, size_t len);
void wt_cli_client_free(wt_cli_client *c);

/* ------------------------------------------------------------------ */
/* The pump: engine <-> transport                                       */
/* ------------------------------------------------------------------ */

#define WT_IO_RECV 0x1   /* records can be read from the transport */
#define WT_IO_SEND 0x2   /* records can be written to the transport */
#define WT_IO_IN   0x4   /* application input (stdin) can be read */

#define WT_IO_AGAIN (-2) /* would block / interrupted: try again later */
#define WT_IO_ERR   (-1) /* error (already reported with wt_cli_diag) */

typedef struct wt_cli_io {
	void *ctx;
	/* Writes records: > 0 bytes taken; 0 if it would block (the pump
	 * then waits for WT_IO_SEND); WT_IO_ERR if the peer is gone. */
	long (*send)(void *ctx, const uint8_t *p, size_t len);
	/* Reads records: > 0 bytes; 0 at EOF; WT_IO_AGAIN; WT_IO_ERR (the
	 * pump treats it as EOF). */
	long (*recv)(void *ctx, uint8_t *p, size_t len);
	/* Reads application input (stdin), same returns as recv; 0 (EOF)
	 * makes the pump send close_notify. NULL: no input at all. */
	long (*read_in)(void *ctx, uint8_t *p, size_t len);
	/* Writes decrypted data (stdout, --out). 0, or -1 with errno. */
	int (*write_out)(void *ctx, const uint8_t *p, size_t len);
	/* Blocks until one of the WT_IO_* events in want may be ready and
	 * returns those (0 after an interruption). Dies on fatal errors. */
	unsigned (*wait)(void *ctx, unsigned want);
	/* Name of the output for error messages ("stdout"). */
	const char *out_name;
} wt_cli_io;

/* Runs a connection: allocates and initialises the engine (host: the
 * callbacks above), pumps until WT_CLOSED, prints the summary (--json or
 * "* ..."), the error line if any, wipes and frees the engine. Returns the
 * exit code. */
int wt_cli_run(wt_cli_client *c, const wt_cli_options *o, const wt_cli_io *io);

/* IP literal (v4 or v6 text form)? */
int wt_cli_is_ip_literal(const char *h);

/* --cert-profile's value: WT_CERT_PROFILE_WEB for "web",
 * WT_CERT_PROFILE_PRIVATE for "private", -1 for anything else. */
static inline int wt_cli_cert_profile(const char *name)
{
	return strcmp(name, "web") == 0 ? WT_CERT_PROFILE_WEB
		: strcmp(name, "private") == 0 ? WT_CERT_PROFILE_PRIVATE : -1;
}
#define WT_CLI_CERT_PROFILE_HELP \
	"  --cert-profile P     web (default: the CA/B Forum web PKI profile: the leaf\n" \
	"                       has an extendedKeyUsage with serverAuth, key identifiers\n" \
	"                       are present) or private (a private CA's certificates as\n" \
	"                       Go accepts them: those rules waived)\n"

#endif
