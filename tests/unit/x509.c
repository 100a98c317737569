/*
 * test_x509: the `wasmtls verify` subcommand without the rest of the CLI
 * (cli/verify.c is compiled in), plus checks of the trust store API.
 *
 *   test_x509 verify --cafile ROOTS.pem [--host NAME] [--time UNIX] CHAIN.pem
 *   test_x509 store ROOTS.pem      trust store: counts, atomicity, limits
 *   test_x509 roots                built-in roots are present and sane
 *   test_x509 skips MIXED UNUSABLE R8K   unusable certificates are skipped
 *   test_x509 dn                   wt_dn_format (RFC 4514 text)
 *   test_x509 builtin CHAIN.pem HOST   wt_verify_chain against the built-in
 *                                  roots (name + key + validity anchors, no
 *                                  DER): prints "ok" or "error: NAME: reason"
 *
 * tests/x509.test.mjs prefers build/.../wasmtls and falls back to this
 * program while the CLI is not linkable.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wasmtls.h"
#include "wt_internal.h"
#include "../../cli/verify.c"

static void store_checks(const char *path)
{
	size_t len, i;
	char *pem = unit_read_file(path, &len);
	wt_trust_anchor anchors[4];
	static uint8_t buf[16384];
	wt_trust_store ts;
	int n;

	CHECK(pem != NULL);
	if (pem == NULL) {
		return;
	}
	wt_trust_store_init(&ts, anchors, 4, buf, sizeof buf);
	n = wt_trust_store_add_pem(&ts, pem, len);
	CHECK(n >= 1);
	CHECK(ts.count == (size_t)n);
	for (i = 0; i < ts.count; i++) {
		CHECK(anchors[i].ta.dn.data >= buf && anchors[i].ta.dn.data + anchors[i].ta.dn.len <= buf + ts.used);
		CHECK(anchors[i].ta.dn.len > 2 && anchors[i].ta.dn.data[0] == 0x30);
	}

	/* all or nothing: a second add that cannot fit leaves the store as
	 * it was */
	{
		size_t used = ts.used, count = ts.count;
		wt_trust_store small;
		wt_trust_anchor a1[1];
		uint8_t b1[40];

		wt_trust_store_init(&small, a1, 1, b1, sizeof b1);
		CHECK(wt_trust_store_add_pem(&small, pem, len) == -WT_ERR_BUFFER_TOO_SMALL);
		CHECK(small.count == 0 && small.used == 0);
		ts.max = ts.count;   /* no room for another anchor */
		CHECK(wt_trust_store_add_pem(&ts, pem, len) == -WT_ERR_BUFFER_TOO_SMALL);
		CHECK(ts.count == count && ts.used == used);
		ts.max = 4;
	}
	/* no certificate, garbage, truncated PEM */
	CHECK(wt_trust_store_add_pem(&ts, "", 0) == -WT_ERR_CERT_INVALID);
	CHECK(wt_trust_store_add_pem(&ts, "hello", 5) == -WT_ERR_CERT_INVALID);
	CHECK(wt_trust_store_add_pem(&ts, pem, len / 2) == -WT_ERR_CERT_INVALID);
	{
		static const char junk[] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
		CHECK(wt_trust_store_add_pem(&ts, junk, sizeof junk - 1) == -WT_ERR_CERT_INVALID);
	}
	CHECK(ts.count == (size_t)n);
	free(pem);
}

/* on_skip records what it is told */
struct skip_log {
	size_t n;
	size_t index[8];
	int err[8];
	int has_subject[8];
	char subject[8][128];
	char reason[8][256];
};

static void record_skip(void *ctx, const wt_trust_skip *sk)
{
	struct skip_log *l = ctx;

	if (l->n < 8) {
		l->index[l->n] = sk->index;
		l->err[l->n] = sk->err;
		l->has_subject[l->n] = sk->subject != NULL;
		wt_dn_format(sk->subject, sk->subject_len, l->subject[l->n], sizeof l->subject[0]);
		snprintf(l->reason[l->n], sizeof l->reason[0], "%s", sk->reason);
	}
	l->n++;
}

/* Skipped certificates (issue 10): MIXED = Ed25519 root + RSA-8192 root +
 * a usable root, UNUSABLE = three unusable roots, R8K = the RSA-8192 root. */
static void skip_checks(const char *mixed_path, const char *unusable_path, const char *r8k_path)
{
	size_t mlen, ulen, rlen;
	char *mixed = unit_read_file(mixed_path, &mlen);
	char *unusable = unit_read_file(unusable_path, &ulen);
	char *r8k = unit_read_file(r8k_path, &rlen);
	wt_trust_anchor anchors[8];
	static uint8_t buf[32768];
	wt_trust_store ts;
	struct skip_log log;
	size_t used, i;
	int n;

	CHECK(mixed != NULL && unusable != NULL && r8k != NULL);
	if (mixed == NULL || unusable == NULL || r8k == NULL) {
		return;
	}
	wt_trust_store_init(&ts, anchors, 8, buf, sizeof buf);
	CHECK(ts.on_skip == NULL && ts.skipped == 0 && strcmp(ts.reason, "") == 0);
	memset(&log, 0, sizeof log);
	ts.on_skip = record_skip;
	ts.skip_ctx = &log;
	n = wt_trust_store_add_pem(&ts, mixed, mlen);
	CHECK(n == 1);
	CHECK(ts.count == 1 && ts.skipped == 2 && log.n == 2);
	CHECK(log.index[0] == 1 && log.index[1] == 2);
	CHECK(log.err[0] == WT_ERR_CERT_UNSUPPORTED && log.err[1] == WT_ERR_CERT_UNSUPPORTED);
	CHECK(strcmp(log.subject[0], "CN=wasmtls test Ed25519 root") == 0);
	CHECK(strcmp(log.subject[1], "CN=wasmtls test RSA-8192 root") == 0);
	CHECK(strstr(log.reason[0], "key type not supported") != NULL);
	CHECK(strstr(log.reason[1], "RSA key longer than 4096 bits") != NULL);
	/* the skipped certificates left no bytes behind */
	CHECK(anchors[0].der == buf);
	CHECK(anchors[0].ta.pkey.key_type == BR_KEYTYPE_RSA);
	used = ts.used;

	/* nothing usable: an error, the store as it was, the reason set */
	memset(&log, 0, sizeof log);
	CHECK(wt_trust_store_add_pem(&ts, unusable, ulen) == -WT_ERR_CERT_UNSUPPORTED);
	CHECK(ts.count == 1 && ts.used == used && ts.skipped == 3 && log.n == 3);
	CHECK(strstr(ts.reason, "no usable certificate") != NULL);
	CHECK(strstr(log.subject[1], "RSA-PSS") != NULL);

	/* the RSA-8192 root alone, in a heap buffer of exactly the PEM's
	 * size (what the CLI allocates), without a callback */
	{
		uint8_t *exact = malloc(rlen);
		wt_trust_store t2;

		CHECK(exact != NULL);
		wt_trust_store_init(&t2, anchors, 1, exact, rlen);
		CHECK(wt_trust_store_add_pem(&t2, r8k, rlen) == -WT_ERR_CERT_UNSUPPORTED);
		CHECK(t2.count == 0 && t2.used == 0 && t2.skipped == 1);
		free(exact);
	}

	/* a malformed certificate next to a good one: skipped as invalid,
	 * without a subject */
	{
		static const char junk[] = "-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n";
		size_t len = strlen(junk) + mlen;
		char *both = malloc(len + 1);
		wt_trust_store t3;

		CHECK(both != NULL);
		memcpy(both, junk, strlen(junk));
		memcpy(both + strlen(junk), mixed, mlen);
		memset(&log, 0, sizeof log);
		wt_trust_store_init(&t3, anchors, 8, buf, sizeof buf);
		t3.on_skip = record_skip;
		t3.skip_ctx = &log;
		CHECK(wt_trust_store_add_pem(&t3, both, len) == 1);
		CHECK(log.n == 3 && log.err[0] == WT_ERR_CERT_INVALID && !log.has_subject[0]);
		CHECK(strcmp(log.subject[0], "(unreadable name)") == 0);
		/* only malformed ones: CERT_INVALID */
		CHECK(wt_trust_store_add_pem(&t3, junk, strlen(junk)) == -WT_ERR_CERT_INVALID);
		free(both);
	}
	for (i = 0; i < log.n && i < 8; i++) {
		printf("skipped %zu: %s: %s\n", log.index[i], log.subject[i], log.reason[i]);
	}
	free(mixed);
	free(unusable);
	free(r8k);
}

/* wt_dn_format: RFC 4514 order and escaping, truncation, bad input */
static void dn_checks(void)
{
	/* C=US, O="A,B", CN=x + 1.2.3.4=INTEGER 5 */
	static const uint8_t n1[] = {
		0x30, 0x31,
		0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02, 'U', 'S',
		0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x03, 'A', ',', 'B',
		0x31, 0x14,
		0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x01, 'x',
		0x30, 0x08, 0x06, 0x03, 0x2a, 0x03, 0x04, 0x02, 0x01, 0x05,
	};
	/* CN = UTF8String "e-acute, newline" */
	static const uint8_t n2[] = {
		0x30, 0x0e, 0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x03,
		0x0c, 0x03, 0xc3, 0xa9, 0x0a,
	};
	/* CN = BMPString "hi", OU = IA5String "# a " */
	static const uint8_t n3[] = {
		0x30, 0x1e,
		0x31, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55, 0x04, 0x03, 0x1e, 0x04, 0x00, 'h', 0x00, 'i',
		0x31, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55, 0x04, 0x0b, 0x16, 0x04, '#', ' ', 'a', ' ',
	};
	static const uint8_t bad[] = { 0x30, 0x05, 0x31 };
	char out[128], small[10];

	CHECK(strcmp(wt_dn_format(n1, sizeof n1, out, sizeof out), "CN=x+1.2.3.4=#020105,O=A\\,B,C=US") == 0);
	printf("%s\n", out);
	CHECK(strcmp(wt_dn_format(n2, sizeof n2, out, sizeof out), "CN=\\C3\\A9\\0A") == 0);
	printf("%s\n", out);
	CHECK(strcmp(wt_dn_format(n3, sizeof n3, out, sizeof out), "OU=\\# a\\ ,CN=hi") == 0);
	printf("%s\n", out);
	CHECK(strcmp(wt_dn_format(n1, sizeof n1, small, sizeof small), "CN=x+1...") == 0);
	CHECK(strcmp(wt_dn_format(bad, sizeof bad, out, sizeof out), "(unreadable name)") == 0);
	CHECK(strcmp(wt_dn_format(NULL, 0, out, sizeof out), "(unreadable name)") == 0);
	CHECK(strcmp(wt_dn_format(n1, sizeof n1 - 1, out, sizeof out), "(unreadable name)") == 0);
}

static void roots_checks(void)
{
	size_t n = 0, i;
	const wt_trust_anchor *ta = wt_default_trust_anchors(&n);

	CHECK(ta != NULL);
	CHECK(n > 50);
	for (i = 0; ta && i < n; i++) {
		CHECK(ta[i].ta.flags == BR_X509_TA_CA);
		CHECK(ta[i].ta.dn.len > 2 && ta[i].ta.dn.data[0] == 0x30);
		CHECK(ta[i].ta.pkey.key_type == BR_KEYTYPE_RSA || ta[i].ta.pkey.key_type == BR_KEYTYPE_EC);
		/* each built-in root carries its validity (an expired one must
		 * not anchor a path) */
		CHECK(ta[i].not_after > ta[i].not_before && ta[i].not_after > 0);
		CHECK(ta[i].der == NULL);
	}
	/* chains with nothing in them */
	CHECK(wt_verify_chain(NULL, 0, ta, n, NULL, 0, WT_CERT_PROFILE_WEB, NULL, 0) == WT_ERR_CERT_INVALID);
	CHECK(wt_verify_chain(NULL, 0, ta, n, NULL, 0, 2, NULL, 0) == WT_ERR_BAD_CONFIG);
	printf("%zu roots\n", n);
}

/* The C API with wt_default_trust_anchors(), as an embedder calls it. */
static int builtin_verify(const char *path, const char *host)
{
	wt_peer_cert chain[8];
	static uint8_t buf[65536];
	size_t len, n = 0;
	char *pem = unit_read_file(path, &len), why[WT_REASON_MAX];
	const wt_trust_anchor *ta = wt_default_trust_anchors(&n);
	int count, rc;

	if (pem == NULL) {
		return 2;
	}
	count = wt_cert_chain_parse_pem(chain, 8, pem, len, buf, sizeof buf);
	free(pem);
	if (count <= 0) {
		return 2;
	}
	rc = wt_verify_chain(chain, (size_t)count, ta, n, host, (int64_t)time(NULL),
		WT_CERT_PROFILE_WEB, why, sizeof why);
	if (rc == 0) {
		printf("ok\n");
		return 0;
	}
	printf("error: %s: %s\n", wt_error_name(rc), why);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "builtin") == 0) {
		return builtin_verify(argv[2], argv[3]);
	}
	if (argc >= 2 && strcmp(argv[1], "verify") == 0) {
		return wt_cli_verify(argc - 1, argv + 1);
	}
	if (argc == 3 && strcmp(argv[1], "store") == 0) {
		store_checks(argv[2]);
		return unit_done();
	}
	if (argc == 5 && strcmp(argv[1], "skips") == 0) {
		skip_checks(argv[2], argv[3], argv[4]);
		return unit_done();
	}
	if (argc == 2 && strcmp(argv[1], "dn") == 0) {
		dn_checks();
		return unit_done();
	}
	if (argc == 2 && strcmp(argv[1], "roots") == 0) {
		roots_checks();
		return unit_done();
	}
	fprintf(stderr, "usage: test_x509 verify ... | store ROOTS.pem | roots | skips MIXED UNUSABLE R8K | dn\n");
	return 2;
}
