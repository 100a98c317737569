/*
 * fuzz_trust_store: wt_trust_store_add_pem (PEM -> BearSSL's PEM and X.509
 * decoders -> anchors) and wt_dn_format on what it skips.
 *
 * Input: [mode byte] then the payload.
 *   mode bit 0 clear: the payload is PEM text as it is;
 *   mode bit 0 set:   the payload is cut into DER certificates, each
 *                     [2-byte big-endian length][DER] (a short final length
 *                     takes what is left), and every one is wrapped into
 *                     its own CERTIFICATE block at 64 columns, so the
 *                     fuzzer reaches the X.509 decoder without having to
 *                     find valid base64 (this is how an RSA-8192 key overran
 *                     the decoder's key buffer);
 *   mode bits 1-2:    the anchor byte buffer: exactly the PEM's length
 *                     (what the CLI and wasm allocate), a quarter of it,
 *                     64 bytes, or 0;
 *   mode bit 3:       the anchor array holds 1 entry instead of 16.
 * Every buffer is a heap block of its exact size so ASan sees any overrun.
 * Checked: the return value, count, used, skipped and reason agree; every
 * anchor points inside the buffer; a failed add leaves the store as it was;
 * each skip is reported once with an index in range and a reason.
 */
#include "fuzz_host.h"

#define FZ_MAX_ANCHORS 16
#define FZ_MAX_DER 8

struct fz_skips {
	size_t n, last_index;
	int bad_subject;
};

static void on_skip(void *ctx, const wt_trust_skip *sk)
{
	struct fz_skips *s = ctx;
	char text[96];
	const char *t;

	FZ_ASSERT(sk->index > s->last_index);   /* once each, in order */
	s->last_index = sk->index;
	FZ_ASSERT(sk->reason != NULL && sk->reason[0] != 0);
	FZ_ASSERT(sk->err == WT_ERR_CERT_UNSUPPORTED || sk->err == WT_ERR_CERT_INVALID);
	FZ_ASSERT((sk->subject == NULL) == (sk->subject_len == 0));
	t = wt_dn_format(sk->subject, sk->subject_len, text, sizeof text);
	FZ_ASSERT(t == text && strlen(text) < sizeof text);
	/* printable ASCII only: the text goes to terminals */
	for (t = text; *t; t++) {
		if ((unsigned char)*t < 0x20 || (unsigned char)*t > 0x7e) {
			s->bad_subject = 1;
		}
	}
	s->n++;
}

/* DER certificates from the payload, each wrapped in PEM. */
static char *wrap(fz_input *in, size_t *out_len)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----\n";
	static const char end[] = "-----END CERTIFICATE-----\n";
	char *pem = malloc(in->len * 2 + FZ_MAX_DER * 64 + 1);
	size_t o = 0, n = 0;

	if (pem == NULL) {
		return NULL;
	}
	while (in->len > 0 && n < FZ_MAX_DER) {
		uint8_t hi = 0, lo = 0;
		const uint8_t *p;
		size_t len;

		fz_u8(in, &hi);
		fz_u8(in, &lo);
		len = (size_t)hi << 8 | lo;
		p = fz_take(in, len);
		len = (size_t)(in->p - p);
		memcpy(pem + o, begin, sizeof begin - 1);
		o += sizeof begin - 1;
		o += fz_base64_lines(p, len, pem + o);
		memcpy(pem + o, end, sizeof end - 1);
		o += sizeof end - 1;
		n++;
	}
	*out_len = o;
	return pem;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_input in = { data, size };
	uint8_t mode = 0;
	char *pem;
	size_t len, cap, max, i, count0, used0;
	uint8_t *buf;
	wt_trust_anchor *anchors;
	wt_trust_store ts;
	struct fz_skips skips;
	int rc;

	fz_u8(&in, &mode);
	if (mode & 1) {
		pem = wrap(&in, &len);
	} else {
		len = in.len;
		pem = malloc(len ? len : 1);
		if (pem != NULL) {
			memcpy(pem, in.p, len);
		}
	}
	if (pem == NULL) {
		return 0;
	}
	switch ((mode >> 1) & 3) {
	case 0: cap = len; break;
	case 1: cap = len / 4; break;
	case 2: cap = 64; break;
	default: cap = 0; break;
	}
	max = (mode & 8) ? 1 : FZ_MAX_ANCHORS;
	buf = malloc(cap ? cap : 1);
	anchors = malloc(max * sizeof *anchors);
	if (buf == NULL || anchors == NULL) {
		free(buf);
		free(anchors);
		free(pem);
		return 0;
	}

	/* twice into the same store: the second add starts from a non-empty
	 * store (and must not disturb it when it fails) */
	wt_trust_store_init(&ts, anchors, max, buf, cap);
	memset(&skips, 0, sizeof skips);
	ts.on_skip = on_skip;
	ts.skip_ctx = &skips;
	for (i = 0; i < 2; i++) {
		count0 = ts.count;
		used0 = ts.used;
		skips.n = 0;
		skips.last_index = 0;
		rc = wt_trust_store_add_pem(&ts, pem, len);
		FZ_ASSERT(ts.reason != NULL);
		FZ_ASSERT(skips.n == ts.skipped);
		FZ_ASSERT(!skips.bad_subject);
		if (rc > 0) {
			FZ_ASSERT(ts.count == count0 + (size_t)rc);
			FZ_ASSERT(ts.reason[0] == 0);
		} else {
			FZ_ASSERT(rc == -WT_ERR_CERT_INVALID || rc == -WT_ERR_CERT_UNSUPPORTED
				|| rc == -WT_ERR_BUFFER_TOO_SMALL);
			FZ_ASSERT(ts.count == count0 && ts.used == used0);
			FZ_ASSERT(ts.reason[0] != 0);
		}
		FZ_ASSERT(ts.count <= max && ts.used <= cap);
	}
	for (i = 0; i < ts.count; i++) {
		const br_x509_trust_anchor *ta = &anchors[i].ta;

		/* the anchor's certificate, name and key all lie in buf */
		FZ_ASSERT(anchors[i].der >= buf && anchors[i].der + anchors[i].der_len <= buf + ts.used);
		fz_touch(anchors[i].der, anchors[i].der_len);

		FZ_ASSERT(ta->dn.data >= buf && ta->dn.data + ta->dn.len <= buf + ts.used);
		fz_touch(ta->dn.data, ta->dn.len);
		if (ta->pkey.key_type == BR_KEYTYPE_RSA) {
			FZ_ASSERT(ta->pkey.key.rsa.nlen >= 256 && ta->pkey.key.rsa.nlen <= 512);
			fz_touch(ta->pkey.key.rsa.n, ta->pkey.key.rsa.nlen);
			fz_touch(ta->pkey.key.rsa.e, ta->pkey.key.rsa.elen);
		} else {
			FZ_ASSERT(ta->pkey.key_type == BR_KEYTYPE_EC);
			fz_touch(ta->pkey.key.ec.q, ta->pkey.key.ec.qlen);
		}
	}
	free(buf);
	free(anchors);
	free(pem);
	return 0;
}
