/*
 * test_x509: the `wasmtls verify` subcommand without the rest of the CLI
 * (tools/cli/verify.c is compiled in), plus checks of the trust store API.
 *
 *   test_x509 verify --cafile ROOTS.pem [--host NAME] [--time UNIX] CHAIN.pem
 *   test_x509 store ROOTS.pem      trust store: counts, atomicity, limits
 *   test_x509 roots                built-in roots are present and sane
 *
 * tests/x509.test.mjs prefers build/.../wasmtls and falls back to this
 * program while the CLI is not linkable.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "wasmtls.h"
#include "wt_internal.h"
#include "../../tools/cli/verify.c"

static void store_checks(const char *path)
{
	size_t len, i;
	char *pem = unit_read_file(path, &len);
	br_x509_trust_anchor anchors[4];
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
		CHECK(anchors[i].dn.data >= buf && anchors[i].dn.data + anchors[i].dn.len <= buf + ts.used);
		CHECK(anchors[i].dn.len > 2 && anchors[i].dn.data[0] == 0x30);
	}

	/* all or nothing: a second add that cannot fit leaves the store as
	 * it was */
	{
		size_t used = ts.used, count = ts.count;
		wt_trust_store small;
		br_x509_trust_anchor a1[1];
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

static void roots_checks(void)
{
	size_t n = 0, i;
	const br_x509_trust_anchor *ta = wt_default_trust_anchors(&n);

	CHECK(ta != NULL);
	CHECK(n > 50);
	for (i = 0; ta && i < n; i++) {
		CHECK(ta[i].flags == BR_X509_TA_CA);
		CHECK(ta[i].dn.len > 2 && ta[i].dn.data[0] == 0x30);
		CHECK(ta[i].pkey.key_type == BR_KEYTYPE_RSA || ta[i].pkey.key_type == BR_KEYTYPE_EC);
	}
	/* chains with nothing in them */
	CHECK(wt_verify_chain(NULL, 0, ta, n, NULL, 0, NULL) == WT_ERR_CERT_INVALID);
	printf("%zu roots\n", n);
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "verify") == 0) {
		return wt_cli_verify(argc - 1, argv + 1);
	}
	if (argc == 3 && strcmp(argv[1], "store") == 0) {
		store_checks(argv[2]);
		return unit_done();
	}
	if (argc == 2 && strcmp(argv[1], "roots") == 0) {
		roots_checks();
		return unit_done();
	}
	fprintf(stderr, "usage: test_x509 verify ... | store ROOTS.pem | roots\n");
	return 2;
}
