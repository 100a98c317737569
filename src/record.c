/*
 * Record layer (RFC 8446 5): framing, AEAD protection with per-direction
 * sequence numbers, inner content type and padding, size limits; for TLS
 * 1.2 (RFC 5246 6.2.3.3) the outer content type, the additional data of
 * RFC 5246 and the explicit nonce of AES-GCM (RFC 5288 3).
 */
#include "wt_internal.h"

#define TAG_LEN 16

static void put_header(uint8_t *h, uint8_t type, uint16_t vers, size_t len)
{
	h[0] = type;
	h[1] = (uint8_t)(vers >> 8);
	h[2] = (uint8_t)vers;
	h[3] = (uint8_t)(len >> 8);
	h[4] = (uint8_t)len;
}

static int tls12(const wt_engine_ctx *cc)
{
	return cc->version == WT_VERSION_TLS12;
}

size_t wt_rec_head(const wt_engine_ctx *cc)
{
	return 5 + (tls12(cc) && cc->wr_on && !cc->wr.suite->chacha ? 8 : 0);
}

size_t wt_rec_overhead(const wt_engine_ctx *cc)
{
	if (!cc->wr_on) {
		return 5;
	}
	return wt_rec_head(cc) + TAG_LEN + (tls12(cc) ? 0 : 1);
}

/* RFC 5246 6.2.3.3: additional_data = seq_num || type || version ||
 * length (of the plaintext). */
static void aad12(uint8_t aad[13], uint64_t seq, uint8_t type, size_t len)
{
	int i;

	for (i = 0; i < 8; i++) {
		aad[i] = (uint8_t)(seq >> (56 - 8 * i));
	}
	aad[8] = type;
	aad[9] = 3;
	aad[10] = 3;
	aad[11] = (uint8_t)(len >> 8);
	aad[12] = (uint8_t)len;
}

/* Seals the n bytes of content of type `type` already at
 * rec + wt_rec_head(cc) into a protected record; returns its length.
 * TLS 1.3 (RFC 8446 5.2): TLSInnerPlaintext (content || type) inside an
 * application_data record. TLS 1.2: the record keeps its type; with
 * AES-GCM the sequence number goes out as the explicit nonce (RFC 5288
 * 3: a counter is the usual choice; our IV ends in 8 zero bytes, so the
 * AEAD's IV XOR sequence number is salt || nonce). */
static size_t seal(wt_engine_ctx *cc, uint8_t *rec, uint8_t type, size_t n)
{
	size_t head = wt_rec_head(cc);
	uint8_t *p = rec + head;

	if (tls12(cc)) {
		uint8_t aad[13];

		aad12(aad, cc->wr_seq, type, n);
		if (head > 5) {
			memcpy(rec + 5, aad, 8);
		}
		put_header(rec, type, 0x0303, head - 5 + n + TAG_LEN);
		wt_aead_seal(&cc->wr, cc->wr_seq++, aad, 13, p, n, p + n);
		return head + n + TAG_LEN;
	}
	p[n] = type;
	put_header(rec, WT_CT_APPLICATION_DATA, 0x0303, n + 1 + TAG_LEN);
	wt_aead_seal(&cc->wr, cc->wr_seq++, rec, 5, p, n + 1, p + n + 1);
	return 5 + n + 1 + TAG_LEN;
}

void wt_rec_seal_app(wt_engine_ctx *cc)
{
	if (cc->app_staged == 0) {
		return;
	}
	cc->olen += seal(cc, cc->obuf + cc->olen, WT_CT_APPLICATION_DATA, cc->app_staged);
	cc->app_staged = 0;
	cc->updated_while_silent = 0;
}

int wt_rec_queue(wt_engine_ctx *cc, uint8_t type, const uint8_t *data,
	size_t len, size_t max_frag)
{
	/* After a fatal alert nothing more goes out, even if a callback
	 * aborted the connection and the handshake code has not yet
	 * noticed (RFC 8446 6.2: the connection is closed). */
	if (cc->out_closed) {
		return cc->err ? cc->err : WT_ERR_BAD_STATE;
	}
	if (cc->obuf == NULL) {
		return wt_fail(cc, WT_ERR_BAD_STATE,
			"no record buffers attached (wt_engine_set_buffers)");
	}
	wt_rec_seal_app(cc);
	do {
		size_t n = len < max_frag ? len : max_frag;
		size_t need = wt_rec_overhead(cc) + n;
		uint8_t *rec = cc->obuf + cc->olen;

		if (need > cc->obuf_cap - cc->olen) {
			return wt_fail(cc, WT_ERR_BUFFER_TOO_SMALL,
				"output buffer full");
		}
		if (cc->wr_on) {
			memcpy(rec + wt_rec_head(cc), data, n);
			cc->olen += seal(cc, rec, type, n);
		} else {
			memcpy(rec + 5, data, n);
			/* RFC 8446 5.1: 0x0301 is allowed for the initial
			 * ClientHello (for old middleboxes), 0x0303 otherwise. */
			put_header(rec, type, cc->first_record_sent ? 0x0303 : 0x0301, n);
			cc->olen += 5 + n;
		}
		cc->first_record_sent = 1;
		data += n;
		len -= n;
	} while (len > 0);
	return 0;
}

int wt_rec_check_header(wt_engine_ctx *cc)
{
	const uint8_t *h = cc->ibuf;
	uint16_t vers = (uint16_t)(h[1] << 8 | h[2]);
	size_t len = (size_t)h[3] << 8 | h[4];

	if (!cc->first_record_seen) {
		/* Go (conn.go readRecordOrCCS): be suspicious of the first
		 * record, it may not be TLS at all. */
		if ((h[0] != WT_CT_HANDSHAKE && h[0] != WT_CT_ALERT) || vers >= 0x1000) {
			return wt_fail(cc, WT_ERR_NOT_TLS,
				"first record does not look like a TLS handshake");
		}
		cc->first_record_seen = 1;
	} else if (cc->suite != NULL && vers != 0x0303) {
		/* RFC 8446 5.1: legacy_record_version is 0x0303 once the
		 * version is negotiated. */
		return wt_fail(cc, WT_ALERT_PROTOCOL_VERSION,
			"received record with a wrong legacy version");
	}
	if (len > WT_MAX_CIPHERTEXT) {
		return wt_fail(cc, WT_ALERT_RECORD_OVERFLOW,
			"record longer than 2^14 + 256 bytes");
	}
	return 0;
}

/* A protected TLS 1.2 record (RFC 5246 6.2.3.3, RFC 5288 3, RFC 7905 2). */
static int open12(wt_engine_ctx *cc, uint8_t *type, uint8_t **data,
	size_t *len, int *decrypted)
{
	uint8_t *h = cc->ibuf, *p = cc->ibuf + 5, aad[13];
	size_t n = cc->ilen - 5, explicit = cc->rd.suite->chacha ? 0 : 8;
	uint64_t nonce = cc->rd_seq;
	size_t i;

	if (n < explicit + TAG_LEN) {
		return wt_fail(cc, WT_ALERT_BAD_RECORD_MAC, "record too short to be valid");
	}
	if (explicit) {
		for (nonce = 0, i = 0; i < 8; i++) {
			nonce = nonce << 8 | p[i];
		}
		p += 8;
	}
	n -= explicit + TAG_LEN;
	aad12(aad, cc->rd_seq, h[0], n);
	if (wt_aead_open(&cc->rd, nonce, aad, 13, p, n, p + n) != 0) {
		return wt_fail(cc, WT_ALERT_BAD_RECORD_MAC, "record authentication failed");
	}
	cc->rd_seq++;
	*decrypted = 1;
	if (n > WT_MAX_PLAINTEXT) {
		return wt_fail(cc, WT_ALERT_RECORD_OVERFLOW,
			"decrypted record longer than 2^14 bytes");
	}
	*type = h[0];
	*data = p;
	*len = n;
	return 0;
}

int wt_rec_open(wt_engine_ctx *cc, uint8_t *type, uint8_t **data, size_t *len,
	int *decrypted)
{
	uint8_t *h = cc->ibuf, *p = cc->ibuf + 5;
	size_t n = cc->ilen - 5;

	*decrypted = 0;
	*type = h[0];
	/* RFC 8446 5: an unprotected change_cipher_spec may arrive at any
	 * time during the handshake; the engine decides if it is allowed.
	 * Not in TLS 1.2: once the server's ChangeCipherSpec switched the
	 * read keys, every record is protected, a second one too (RFC 5246
	 * 6.1; Go's readRecordOrCCS decrypts it): a plaintext one fails its
	 * MAC, a protected one is the engine's to refuse. */
	if (!cc->rd_on || (h[0] == WT_CT_CHANGE_CIPHER_SPEC && !tls12(cc))) {
		if (n > WT_MAX_PLAINTEXT) {
			return wt_fail(cc, WT_ALERT_RECORD_OVERFLOW,
				"plaintext record longer than 2^14 bytes");
		}
		*data = p;
		*len = n;
		return 0;
	}
	if (tls12(cc)) {
		return open12(cc, type, data, len, decrypted);
	}
	if (h[0] != WT_CT_APPLICATION_DATA) {
		/* RFC 8446 5.2: protected records are always application_data
		 * on the outside; a plaintext alert or handshake is invalid. */
		return wt_fail(cc, WT_ALERT_UNEXPECTED_MESSAGE,
			"unprotected record received after keys were set");
	}
	if (n < TAG_LEN) {
		return wt_fail(cc, WT_ALERT_BAD_RECORD_MAC, "record too short to be valid");
	}
	n -= TAG_LEN;
	if (wt_aead_open(&cc->rd, cc->rd_seq, h, 5, p, n, p + n) != 0) {
		return wt_fail(cc, WT_ALERT_BAD_RECORD_MAC, "record authentication failed");
	}
	cc->rd_seq++;
	*decrypted = 1;
	/* RFC 8446 5.4: TLSInnerPlaintext (content, type, padding) is at most
	 * 2^14 + 1 bytes; Go answers a longer one with record_overflow. */
	if (n > WT_MAX_PLAINTEXT + 1) {
		return wt_fail(cc, WT_ALERT_RECORD_OVERFLOW,
			"decrypted record longer than 2^14 + 1 bytes");
	}
	/* Strip the zero padding; the content type is the last non-zero
	 * byte (RFC 8446 5.4). Scanning padding is fine: it is public length
	 * information once the record is authenticated. */
	while (n > 0 && p[n - 1] == 0) {
		n--;
	}
	if (n == 0) {
		return wt_fail(cc, WT_ALERT_UNEXPECTED_MESSAGE,
			"protected record with no content type (all padding)");
	}
	n--;
	*type = p[n];
	*data = p;
	*len = n;
	return 0;
}

static void set_secret(const wt_suite *s, wt_aead *a, uint64_t *seq,
	const uint8_t *secret)
{
	uint8_t key[32], iv[12];

	wt_ks_traffic_keys(s, secret, key, iv);
	wt_aead_wipe(a);
	wt_aead_init(a, s, key, iv);
	*seq = 0;
	wt_wipe(key, sizeof key);
	wt_wipe(iv, sizeof iv);
}

void wt_rec_set_read_secret(wt_engine_ctx *cc, const wt_suite *s,
	const uint8_t *secret)
{
	set_secret(s, &cc->rd, &cc->rd_seq, secret);
	cc->rd_on = 1;
	cc->rd_key_changed = 1;
	cc->peer_update_requested = 0;
}

void wt_rec_set_write_secret(wt_engine_ctx *cc, const wt_suite *s,
	const uint8_t *secret)
{
	wt_rec_seal_app(cc);
	set_secret(s, &cc->wr, &cc->wr_seq, secret);
	cc->wr_on = 1;
}

void wt_rec_set_keys12(wt_engine_ctx *cc, int write, const wt_suite *s,
	const uint8_t *key, const uint8_t iv[12])
{
	if (write) {
		wt_rec_seal_app(cc);
		wt_aead_wipe(&cc->wr);
		wt_aead_init(&cc->wr, s, key, iv);
		cc->wr_seq = 0;
		cc->wr_on = 1;
	} else {
		wt_aead_wipe(&cc->rd);
		wt_aead_init(&cc->rd, s, key, iv);
		cc->rd_seq = 0;
		cc->rd_on = 1;
		cc->rd_key_changed = 1;
	}
}
