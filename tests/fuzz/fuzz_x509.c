/*
 * fuzz_x509: the certificate parser (src/x509_cert.c) and the path search
 * (src/x509.c) through wt_x509_verify, on up to 12 certificates cut from
 * the input (a pool: the leaf, then candidates in any order).
 *
 * Input: [flags byte] then certificates, each [2-byte big-endian length]
 * [DER]; a short final length takes what is left. flags bit 0 picks the
 * host name ("example.com" or NULL), bit 1 whether the trust anchors are
 * offered, bit 2 adds the last input certificate as a second trust anchor
 * (from PEM, so its own constraints are parsed and enforced), bit 3 adds
 * the harness anchor once more as a name, key and validity only (as the
 * built-in roots are), bit 4 validates under WT_CERT_PROFILE_PRIVATE
 * instead of the web profile. In the fuzzing build signatures always verify, so
 * the search and the policy checks are what gets explored. Every input is checked twice: full verification (against the
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

#define FZ_MAX_CERTS 12

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_input in = { data, size };
	wt_peer_cert chain[FZ_MAX_CERTS];
	uint8_t *copies[FZ_MAX_CERTS];
	size_t n = 0, i;
	uint8_t flags = 0;
	wt_trust_anchor anchors[4];
	static uint8_t tabuf[65536 + 4096];
	static char extra_pem[2 * 65536 + 256];
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
	wt_trust_store_init(&ts, anchors, 3, tabuf, sizeof tabuf);
	FZ_ASSERT(wt_trust_store_add_pem(&ts, ta_pem, ta_pem_len) == 1);
	FZ_ASSERT(ts.anchors[0].der != NULL);

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
	if ((flags & 4) && n >= 2) {
		static const char begin[] = "-----BEGIN CERTIFICATE-----\n";
		static const char end[] = "-----END CERTIFICATE-----\n";
		size_t o = sizeof begin - 1;

		memcpy(extra_pem, begin, o);
		o += fz_base64_lines(chain[n - 1].der, chain[n - 1].len, extra_pem + o);
		memcpy(extra_pem + o, end, sizeof end - 1);
		o += sizeof end - 1;
		/* usable or skipped: both fine */
		(void)wt_trust_store_add_pem(&ts, extra_pem, o);
	}
	if (flags & 8) {
		anchors[ts.count] = anchors[0];
		anchors[ts.count].der = NULL;
		anchors[ts.count].der_len = 0;
		ts.count++;
	}

	err = wt_x509_verify(chain, n, (flags & 2) ? NULL : ts.anchors,
		(flags & 2) ? 0 : ts.count, host, FZ_X509_NOW,
		(flags & 16) ? WT_CERT_PROFILE_PRIVATE : WT_CERT_PROFILE_WEB, 0, &key,
		reason, sizeof reason);
	FZ_ASSERT(memchr(reason, 0, sizeof reason) != NULL);
	fz_touch(reason, strlen(reason));
	if (err == 0) {
		FZ_ASSERT(!(flags & 2));   /* nothing verifies without an anchor */
	} else {
		FZ_ASSERT(err >= WT_ERR_CERT_EXPIRED && err <= WT_ERR_CERT_PATH_BUDGET);
	}

	reason[0] = 'x';
	err = wt_x509_verify(chain, n, NULL, 0, host, FZ_X509_NOW, WT_CERT_PROFILE_WEB,
		1, &key, reason, sizeof reason);
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
