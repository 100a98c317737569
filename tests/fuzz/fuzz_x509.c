/*
 * fuzz_x509: wt_x509_verify on up to 4 certificates cut from the input.
 *
 * Input: [flags byte] then certificates, each [2-byte big-endian length]
 * [DER]; a short final length takes what is left. flags bit 0 picks the
 * host name ("rsa" or NULL), bit 1 whether the trust anchor is offered.
 * Every input is checked twice: full verification (against the RFC 8448
 * "rsa" self-signed certificate as the only anchor) and verify_none.
 */
#include "fuzz_host.h"

/* RFC 8448 server certificate (CN=rsa, self-signed, 2016-2026), re-wrapped
 * at 64 columns: BearSSL's PEM decoder rejects the 70-column lines of
 * the vectors file (base64 lines must be a multiple of 4 characters). */
static const char ta_pem[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBrDCCARWgAwIBAgIBAjANBgkqhkiG9w0BAQsFADAOMQwwCgYDVQQDEwNyc2Ew\n"
	"HhcNMTYwNzMwMDEyMzU5WhcNMjYwNzMwMDEyMzU5WjAOMQwwCgYDVQQDEwNyc2Ew\n"
	"gZ8wDQYJKoZIhvcNAQEBBQADgY0AMIGJAoGBALS7SY+CeTA9mAg2OZs2xpiMDGje\n"
	"VeG9uCbTkBokYer9LeSakdAVq7yalRN6zmwa8Z6qavmMfO1DEgmY4YeoDuDMsFJL\n"
	"GwGMPgtjJk1Emm044ipf2kMIRnSAMFMO8EYcjKnZ77+ujqbR0D4r0ZPv8KuagALE\n"
	"dCim01qNiNeffx4/AgMBAAGjGjAYMAkGA1UdEwQCMAAwCwYDVR0PBAQDAgWgMA0G\n"
	"CSqGSIb3DQEBCwUAA4GBAIWq0qDluSdrkIxl9zpyZxcGGKVMX4p7M30t96WUNlQX\n"
	"8uro+KWMj4Fy+TGc82t/1sVbgPIaAwFRVnJglv0zXl5n8tvxAnAuYIzK5r7B/GOk\n"
	"Kpm+XD63EHw8VOm56yvVIDscO4TgqLL3WUCbo+rJ2R1ALcwMyPiWEimskYe0K03h\n"
	"-----END CERTIFICATE-----\n";

#define FZ_MAX_CERTS 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_input in = { data, size };
	wt_peer_cert chain[FZ_MAX_CERTS];
	uint8_t *copies[FZ_MAX_CERTS];
	size_t n = 0, i;
	uint8_t flags = 0;
	br_x509_trust_anchor anchors[2];
	uint8_t tabuf[1024];
	wt_trust_store ts;
	wt_leaf_key key;
	const char *reason = NULL;
	const char *host;
	int err;

	wt_trust_store_init(&ts, anchors, 2, tabuf, sizeof tabuf);
	FZ_ASSERT(wt_trust_store_add_pem(&ts, ta_pem, sizeof ta_pem - 1) == 1);

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
	host = (flags & 1) ? "rsa" : NULL;

	err = wt_x509_verify(chain, n, (flags & 2) ? NULL : ts.anchors,
		(flags & 2) ? 0 : ts.count, host, FZ_NOW_MS / 1000, 0, &key, &reason);
	FZ_ASSERT(reason != NULL);
	fz_touch(reason, strlen(reason));
	if (err == 0) {
		FZ_ASSERT(!(flags & 2));   /* nothing verifies without an anchor */
	} else {
		FZ_ASSERT(err >= WT_ERR_CERT_EXPIRED && err <= WT_ERR_CERT_UNSUPPORTED);
	}

	reason = NULL;
	err = wt_x509_verify(chain, n, NULL, 0, host, FZ_NOW_MS / 1000, 1, &key, &reason);
	FZ_ASSERT(reason != NULL);
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
		FZ_ASSERT(err >= WT_ERR_CERT_EXPIRED && err <= WT_ERR_CERT_UNSUPPORTED);
	}

	for (i = 0; i < n; i++) {
		free(copies[i]);
	}
	return 0;
}
