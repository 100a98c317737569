/*
 * fuzz_x509: wt_x509_verify on up to 4 certificates cut from the input.
 *
 * Input: [flags byte] then certificates, each [2-byte big-endian length]
 * [DER]; a short final length takes what is left. flags bit 0 picks the
 * host name ("example.com" or NULL), bit 1 whether the trust anchor is
 * offered. Every input is checked twice: full verification (against the
 * harness's self-signed P-256 example.com certificate, fz_cert_der, as
 * the only anchor, at FZ_X509_NOW, inside its validity) and verify_none.
 * (The anchor used to be RFC 8448's "rsa" certificate: a 1024-bit RSA key
 * is no longer accepted as a trust anchor.)
 */
#include "fuzz_host.h"

#define FZ_X509_NOW INT64_C(1800000000)   /* 2027-01-15 */

/* fz_cert_der as PEM, 64 columns. */
static size_t anchor_pem(char *out)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----\n";
	static const char end[] = "-----END CERTIFICATE-----\n";
	size_t o = sizeof begin - 1;

	memcpy(out, begin, o);
	o += fz_base64_lines(fz_cert_der, sizeof fz_cert_der, out + o);
	memcpy(out + o, end, sizeof end - 1);
	return o + sizeof end - 1;
}

#define FZ_MAX_CERTS 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_input in = { data, size };
	wt_peer_cert chain[FZ_MAX_CERTS];
	uint8_t *copies[FZ_MAX_CERTS];
	size_t n = 0, i;
	uint8_t flags = 0;
	wt_trust_anchor anchors[2];
	uint8_t tabuf[4096];
	wt_trust_store ts;
	wt_leaf_key key;
	char reason[WT_REASON_MAX];
	const char *host;
	int err;

	static char ta_pem[1024];
	static size_t ta_pem_len;

	if (ta_pem_len == 0) {
		ta_pem_len = anchor_pem(ta_pem);
	}
	wt_trust_store_init(&ts, anchors, 2, tabuf, sizeof tabuf);
	FZ_ASSERT(wt_trust_store_add_pem(&ts, ta_pem, ta_pem_len) == 1);

	fz_u8(&in, &flags);
	while (in.len > 0 && n < FZ_MAX_CERTS) {
		uint8_t hi = 0, lo = 0;
		size_t len;
		const uint8_t *p;

		fz_u8(&in, &hi);
		fz_u8(&in, &lo);
		len = (size_t)hi << 8 | lo;
		p = fz_take(&in, len);
		len = (size_t)(in.p - p);
		/* exact-size heap copies so ASan sees any overread */
		copies[n] = malloc(len ? len : 1);
		if (copies[n] == NULL) {
			break;
		}
		memcpy(copies[n], p, len);
		chain[n].der = copies[n];
		chain[n].len = len;
		n++;
	}
	host = (flags & 1) ? "example.com" : NULL;

	err = wt_x509_verify(chain, n, (flags & 2) ? NULL : ts.anchors,
		(flags & 2) ? 0 : ts.count, host, FZ_X509_NOW, 0, &key, reason, sizeof reason);
	FZ_ASSERT(memchr(reason, 0, sizeof reason) != NULL);
	fz_touch(reason, strlen(reason));
	if (err == 0) {
		FZ_ASSERT(!(flags & 2));   /* nothing verifies without an anchor */
	} else {
		FZ_ASSERT(err >= WT_ERR_CERT_EXPIRED && err <= WT_ERR_CERT_PATH_BUDGET);
	}

	reason[0] = 'x';
	err = wt_x509_verify(chain, n, NULL, 0, host, FZ_X509_NOW, 1, &key, reason, sizeof reason);
	FZ_ASSERT(memchr(reason, 0, sizeof reason) != NULL);
	fz_touch(reason, strlen(reason));
	if (err == 0) {
		/* the decoded key must point into key.buf */
		if (key.pkey.key_type == BR_KEYTYPE_RSA) {
			fz_touch(key.pkey.key.rsa.n, key.pkey.key.rsa.nlen);
			fz_touch(key.pkey.key.rsa.e, key.pkey.key.rsa.elen);
		} else if (key.pkey.key_type == BR_KEYTYPE_EC) {
			fz_touch(key.pkey.key.ec.q, key.pkey.key.ec.qlen);
		} else {
			FZ_ASSERT(!"unknown key type");
		}
	} else {
		FZ_ASSERT(err >= WT_ERR_CERT_EXPIRED && err <= WT_ERR_CERT_PATH_BUDGET);
	}

	for (i = 0; i < n; i++) {
		free(copies[i]);
	}
	return 0;
}
