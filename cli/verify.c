/*
 * `wasmtls verify`: offline chain validation with the same code the engine
 * runs during a handshake (wt_verify_chain, src/x509.c).
 *
 *   wasmtls verify --cafile ROOTS.pem [--host NAME] [--time UNIX] [--cert-profile web|private] CHAIN.pem
 *
 * CHAIN.pem holds the leaf first, then any intermediates (order and extras
 * are tolerated, as in a TLS Certificate message); a single DER
 * certificate is accepted too. Exit 0 and "ok" on stdout; exit 1 with
 * "error: <name>: <reason>" on stderr when the chain is rejected (a chain
 * file without any certificate is "bad_certificate"); exit 2 with
 * "error: bad_config: ..." for bad options or unreadable/oversized files,
 * including a CA file without any usable certificate. Certificates of the
 * CA file that cannot be anchors (Ed25519, RSA-PSS, RSA-8192 keys...) are
 * skipped with a "warning: ROOTS.pem: skipping certificate N (SUBJECT):
 * REASON" line each.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wasmtls.h"
#include "cli.h"

#define MAX_FILE (1024 * 1024)    /* PEM bundles are far smaller */
/* One more than wt_verify_chain accepts: a longer file is refused there
 * (certificates past this count are not even decoded). */
#define MAX_CHAIN_CERTS (WT_MAX_PEER_CERTS + 1)

static int fail(int code, int status, const char *fmt, const char *arg)
{
	fprintf(stderr, "error: %s: ", wt_error_name(code));
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return status;
}

/* Whole file, NUL-terminated, at most MAX_FILE bytes. */
static char *read_file(const char *path, size_t *len, const char **why)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (f == NULL) {
		*why = strerror(errno);
		return NULL;
	}
	buf = malloc(MAX_FILE + 2);
	if (buf == NULL) {
		fclose(f);
		*why = "out of memory";
		return NULL;
	}
	n = fread(buf, 1, MAX_FILE + 1, f);
	if (ferror(f)) {
		*why = "read error";
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	if (n > MAX_FILE) {
		*why = "file larger than 1 MiB";
		free(buf);
		return NULL;
	}
	buf[n] = 0;
	*len = n;
	return buf;
}

/* PEM decoding of the chain: DER copies in a growing buffer. */
typedef struct chain_buf {
	unsigned char *der;
	size_t len, cap;
	int overflow;
} chain_buf;

static void chain_append(void *ctx, const void *p, size_t n)
{
	chain_buf *cb = ctx;

	if (cb->overflow || n > cb->cap - cb->len) {
		cb->overflow = 1;
		return;
	}
	memcpy(cb->der + cb->len, p, n);
	cb->len += n;
}

/* Splits the PEM text into certificates: certs[i] point into cb->der.
 * Returns the count, or -1 on a PEM syntax error / truncated object. */
static int decode_chain(const char *pem, size_t len, chain_buf *cb,
	wt_peer_cert *certs, size_t max)
{
	br_pem_decoder_context pc;
	size_t starts[MAX_CHAIN_CERTS];
	size_t n = 0, i;
	int in_obj = 0, in_cert = 0, final_nl = 0;

	br_pem_decoder_init(&pc);
	while (len > 0 || !final_nl) {
		size_t used;

		if (len == 0) {
			final_nl = 1;
			br_pem_decoder_push(&pc, "\n", 1);
		} else {
			used = br_pem_decoder_push(&pc, pem, len);
			pem += used;
			len -= used;
		}
		switch (br_pem_decoder_event(&pc)) {
		case BR_PEM_BEGIN_OBJ:
			in_obj = 1;
			in_cert = (strcmp(br_pem_decoder_name(&pc), "CERTIFICATE") == 0
				|| strcmp(br_pem_decoder_name(&pc), "X509 CERTIFICATE") == 0)
				&& n < max;
			if (in_cert) {
				starts[n] = cb->len;
				br_pem_decoder_setdest(&pc, chain_append, cb);
			} else {
				br_pem_decoder_setdest(&pc, NULL, NULL);
			}
			break;
		case BR_PEM_END_OBJ:
			if (in_cert) {
				n++;
			}
			in_obj = in_cert = 0;
			break;
		case BR_PEM_ERROR:
			return -1;
		default:
			break;
		}
	}
	if (in_obj || cb->overflow) {
		return -1;
	}
	for (i = 0; i < n; i++) {
		certs[i].der = cb->der + starts[i];
		certs[i].len = (i + 1 < n ? starts[i + 1] : cb->len) - starts[i];
	}
	return (int)n;
}

static size_t count_pem_objects(const char *s)
{
	size_t n = 0;

	while ((s = strstr(s, "-----BEGIN")) != NULL) {
		n++;
		s += 10;
	}
	return n;
}

int wt_cli_verify(int argc, char **argv)
{
	const char *cafile = NULL, *host = NULL, *chainfile = NULL, *why;
	char reason[WT_REASON_MAX];
	int64_t now = (int64_t)time(NULL);
	char *ca_pem = NULL, *chain_pem = NULL;
	size_t ca_len = 0, chain_len = 0, max_ta;
	wt_trust_anchor *anchors = NULL;
	uint8_t *ta_buf = NULL;
	wt_trust_store ts;
	wt_cli_skips skips = { NULL, 0, "" };
	chain_buf cb = { NULL, 0, 0, 0 };
	wt_peer_cert certs[MAX_CHAIN_CERTS];
	int i, n, rc, status = 2, profile = WT_CERT_PROFILE_WEB;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if ((strcmp(a, "--cafile") == 0 || strcmp(a, "--host") == 0
			|| strcmp(a, "--time") == 0 || strcmp(a, "--cert-profile") == 0)
			&& i + 1 >= argc)
		{
			return fail(WT_ERR_BAD_CONFIG, 2, "%s needs a value", a);
		}
		if (strcmp(a, "--cafile") == 0) {
			cafile = argv[++i];
		} else if (strcmp(a, "--host") == 0) {
			host = argv[++i];
		} else if (strcmp(a, "--cert-profile") == 0) {
			profile = wt_cli_cert_profile(argv[++i]);
			if (profile < 0) {
				return fail(WT_ERR_BAD_CONFIG, 2, "--cert-profile must be web or private, not '%s'", argv[i]);
			}
		} else if (strcmp(a, "--time") == 0) {
			char *end;
			long long t;

			errno = 0;
			t = strtoll(argv[++i], &end, 10);
			if (errno || end == argv[i] || *end != 0) {
				return fail(WT_ERR_BAD_CONFIG, 2, "--time wants Unix seconds, got '%s'", argv[i]);
			}
			now = (int64_t)t;
		} else if (a[0] == '-' && a[1] != 0) {
			return fail(WT_ERR_BAD_CONFIG, 2, "unknown option %s (usage: wasmtls verify --cafile ROOTS.pem [--host NAME] [--time UNIX] [--cert-profile web|private] CHAIN.pem)", a);
		} else if (chainfile == NULL) {
			chainfile = a;
		} else {
			return fail(WT_ERR_BAD_CONFIG, 2, "unexpected argument %s", a);
		}
	}
	if (cafile == NULL || chainfile == NULL) {
		return fail(WT_ERR_BAD_CONFIG, 2, "%s", "usage: wasmtls verify --cafile ROOTS.pem [--host NAME] [--time UNIX] [--cert-profile web|private] CHAIN.pem");
	}

	ca_pem = read_file(cafile, &ca_len, &why);
	if (ca_pem == NULL) {
		fprintf(stderr, "error: %s: %s: %s\n", wt_error_name(WT_ERR_BAD_CONFIG), cafile, why);
		goto out;
	}
	chain_pem = read_file(chainfile, &chain_len, &why);
	if (chain_pem == NULL) {
		fprintf(stderr, "error: %s: %s: %s\n", wt_error_name(WT_ERR_BAD_CONFIG), chainfile, why);
		goto out;
	}

	/* At most one anchor per PEM object, each keeping its DER, which is
	 * smaller than the PEM text it came from. */
	max_ta = count_pem_objects(ca_pem);
	anchors = calloc(max_ta ? max_ta : 1, sizeof *anchors);
	ta_buf = malloc(ca_len ? ca_len : 1);
	if (anchors == NULL || ta_buf == NULL) {
		fprintf(stderr, "error: %s: out of memory\n", wt_error_name(WT_ERR_BAD_CONFIG));
		goto out;
	}
	wt_trust_store_init(&ts, anchors, max_ta, ta_buf, ca_len);
	/* unusable certificates are skipped with a warning each */
	skips.what = cafile;
	ts.on_skip = wt_cli_on_skip;
	ts.skip_ctx = &skips;
	rc = wt_trust_store_add_pem(&ts, ca_pem, ca_len);
	if (rc < 0) {
		fprintf(stderr, "error: %s: %s: %s (%s)%s%s\n",
			wt_error_name(WT_ERR_BAD_CONFIG), cafile, ts.reason, wt_error_name(-rc),
			skips.count == 0 ? "" : skips.count == 1 ? ": " : ", the last: ",
			skips.count == 0 ? "" : skips.last);
		goto out;
	}

	cb.cap = chain_len;
	cb.der = malloc(chain_len ? chain_len : 1);
	if (cb.der == NULL) {
		fprintf(stderr, "error: %s: out of memory\n", wt_error_name(WT_ERR_BAD_CONFIG));
		goto out;
	}
	if (chain_len > 0 && (unsigned char)chain_pem[0] == 0x30) {
		/* a lone DER certificate */
		memcpy(cb.der, chain_pem, chain_len);
		certs[0].der = cb.der;
		certs[0].len = chain_len;
		n = 1;
	} else {
		n = decode_chain(chain_pem, chain_len, &cb, certs, MAX_CHAIN_CERTS);
	}
	status = 1;
	if (n < 0) {
		fprintf(stderr, "error: %s: %s: malformed or truncated PEM\n",
			wt_error_name(WT_ERR_CERT_INVALID), chainfile);
		goto out;
	}
	if (n == 0) {
		fprintf(stderr, "error: %s: %s: no PEM certificate found\n",
			wt_error_name(WT_ERR_CERT_INVALID), chainfile);
		goto out;
	}

	rc = wt_verify_chain(certs, (size_t)n, ts.anchors, ts.count, host, now,
		profile, reason, sizeof reason);
	if (rc != 0) {
		fprintf(stderr, "error: %s: %s\n", wt_error_name(rc), reason);
		goto out;
	}
	printf("ok\n");
	status = 0;
out:
	free(ca_pem);
	free(chain_pem);
	free(anchors);
	free(ta_buf);
	free(cb.der);
	return status;
}
