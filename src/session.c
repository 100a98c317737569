/*
 * The serialized session a NewSessionTicket turns into (RFC 8446 4.6.1):
 * an opaque, versioned blob the host stores and hands back to resume.
 *
 *   "WTS" 0x03 | suite u16 | created_ms u64 | lifetime u32 | age_add u32
 *   | max_early_data u32 | verify_mode u8 | verified u8 | trust_digest[32]
 *   | alpn<u8> | server_name<u8> | verify_ip<u8> | psk<u8> | ticket<u16>
 *   | certs: count u8, each <u24> DER | ocsp_response<u24>
 *   | sct_list<u24>
 *
 * A TLS 1.2 session (a TLS 1.2 suite) has no age_add or max_early_data
 * (zero), its master secret (48 bytes) in place of the PSK and its RFC
 * 5077 ticket; it is kept only when the extended master secret was used.
 *
 * The stapled OCSP response and SCT list (empty when none) are kept like
 * the chain, so a resumed connection reports those of its full handshake
 * (as BoringSSL does). Version 2 blobs lacked them and no longer parse.
 *
 * A session is a credential bound to how its handshake was verified: the
 * blob records the verification mode and outcome, the name or IP address
 * the chain was checked for and a digest of the trust anchors it chained
 * to, the certificate profile and the signature schemes then accepted
 * (hs13.c trust_digest), so
 * that hs13.c offers it only where the original full handshake
 * would have been accepted (Go: loadSession). Version 1 blobs lacked that
 * binding and no longer parse: the host just gets a full handshake.
 *
 * Parsing goes through the codec like any peer input: a blob may come
 * from disk or IndexedDB and is not trusted.
 */
#include "wt_internal.h"

/* The secret's length: the resumption PSK's (the suite's hash) in TLS
 * 1.3, the master secret's in TLS 1.2. */
static size_t secret_len(const wt_suite *s)
{
	return s->tls12_auth ? 48 : s->hash_len;
}

static const uint8_t magic[4] = { 'W', 'T', 'S', 3 };

int wt_session_parse(wt_session *s, const uint8_t *blob, size_t len)
{
	wt_reader r, alpn, sni, ip, psk, ticket, ocsp, sct;
	const uint8_t *m, *digest;
	uint16_t suite;
	uint32_t hi, lo;
	uint8_t mode, verified, count;
	size_t i;

	memset(s, 0, sizeof *s);
	wt_rd_init(&r, blob, len);
	if (wt_rd_bytes(&r, 4, &m) || memcmp(m, magic, 4) != 0
		|| wt_rd_u16(&r, &suite) || wt_rd_u32(&r, &hi) || wt_rd_u32(&r, &lo)
		|| wt_rd_u32(&r, &s->lifetime) || wt_rd_u32(&r, &s->age_add)
		|| wt_rd_u32(&r, &s->max_early_data) || wt_rd_u8(&r, &mode)
		|| wt_rd_u8(&r, &verified) || wt_rd_bytes(&r, 32, &digest)
		|| wt_rd_block(&r, 1, &alpn) || wt_rd_block(&r, 1, &sni)
		|| wt_rd_block(&r, 1, &ip) || wt_rd_block(&r, 1, &psk)
		|| wt_rd_block_min(&r, 2, 1, &ticket) || wt_rd_u8(&r, &count))
	{
		return -1;
	}
	s->suite = wt_suite_get(suite);
	if (s->suite == NULL || psk.len != secret_len(s->suite)
		|| (s->suite->tls12_auth && (s->age_add != 0 || s->max_early_data != 0))
		|| count > WT_MAX_PEER_CERTS || ticket.len > WT_MAX_TICKET
		|| (mode != WT_VERIFY_FULL && mode != WT_VERIFY_NONE)
		|| verified > WT_SESSION_EXTERNAL_PSK
		|| (verified == 1 && (mode != WT_VERIFY_FULL || count == 0))
		|| (verified == WT_SESSION_EXTERNAL_PSK && count != 0)
		|| (verified == WT_SESSION_EXTERNAL_PSK && s->suite->tls12_auth)   /* TLS 1.3's only */
		|| (sni.len != 0 && ip.len != 0))
	{
		return -1;
	}
	s->created_ms = (int64_t)((uint64_t)hi << 32 | lo);
	s->verify_mode = mode;
	s->verified = verified;
	memcpy(s->trust_digest, digest, 32);
	s->alpn = alpn.p;
	s->alpn_len = alpn.len;
	s->server_name = sni.p;
	s->server_name_len = sni.len;
	s->verify_ip = ip.p;
	s->verify_ip_len = ip.len;
	s->psk = psk.p;
	s->ticket = ticket.p;
	s->ticket_len = ticket.len;
	for (i = 0; i < count; i++) {
		wt_reader der;

		if (wt_rd_block_min(&r, 3, 1, &der)) {
			return -1;
		}
		s->certs[i].der = der.p;
		s->certs[i].len = der.len;
	}
	s->cert_count = count;
	if (wt_rd_block(&r, 3, &ocsp) || wt_rd_block(&r, 3, &sct)
		|| (sct.len != 0 && wt_sct_list_check(sct.p, sct.len) != 0))
	{
		return -1;
	}
	s->ocsp = ocsp.p;
	s->ocsp_len = ocsp.len;
	s->sct_list = sct.p;
	s->sct_list_len = sct.len;
	return wt_rd_end(&r) ? -1 : 0;
}

/* p[0..len) after a prefix_len-byte length. */
static void write_block(wt_writer *w, int prefix_len, const void *p, size_t len)
{
	size_t m = wt_wr_open(w, prefix_len);

	wt_wr_bytes(w, p, len);
	wt_wr_close(w, m, prefix_len);
}

size_t wt_session_write(const wt_session *s, uint8_t *out, size_t cap)
{
	wt_writer w;
	size_t i;

	wt_wr_init(&w, out, cap);
	wt_wr_bytes(&w, magic, 4);
	wt_wr_u16(&w, s->suite->id);
	wt_wr_u32(&w, (uint32_t)((uint64_t)s->created_ms >> 32));
	wt_wr_u32(&w, (uint32_t)s->created_ms);
	wt_wr_u32(&w, s->lifetime);
	wt_wr_u32(&w, s->age_add);
	wt_wr_u32(&w, s->max_early_data);
	wt_wr_u8(&w, (uint8_t)s->verify_mode);
	wt_wr_u8(&w, (uint8_t)s->verified);
	wt_wr_bytes(&w, s->trust_digest, 32);
	write_block(&w, 1, s->alpn, s->alpn_len);
	write_block(&w, 1, s->server_name, s->server_name_len);
	write_block(&w, 1, s->verify_ip, s->verify_ip_len);
	write_block(&w, 1, s->psk, secret_len(s->suite));
	write_block(&w, 2, s->ticket, s->ticket_len);
	wt_wr_u8(&w, (uint8_t)s->cert_count);
	for (i = 0; i < s->cert_count; i++) {
		write_block(&w, 3, s->certs[i].der, s->certs[i].len);
	}
	write_block(&w, 3, s->ocsp, s->ocsp_len);
	write_block(&w, 3, s->sct_list, s->sct_list_len);
	return wt_wr_error(&w) ? 0 : w.len;
}

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* SHA-256 over the validation policy version, then each anchor's flags,
 * DN, public key, validity and certificate (what the validator enforces
 * of it), length-prefixed so two different stores cannot produce the
 * same byte stream. */
void wt_trust_anchors_digest(const wt_trust_anchor *tas, size_t n,
	uint8_t out[32])
{
	br_sha256_context h;
	uint8_t hdr[8];
	size_t i;

	br_sha256_init(&h);
	/* The validation policy is part of what a session was verified
	 * under: bumped when the rules tighten (2: no SHA-1/SHA-224
	 * signatures, no RSA under 2048 bits), so sessions verified under
	 * laxer rules are not resumed; 3: our own path validator (issue 12:
	 * EKU chaining, name constraints, anchors' own constraints, leaf
	 * profile); 4: certificate profiles (leaf EKU, key identifiers). */
	br_sha256_update(&h, "wasmtls anchors, policy 4", 25);
	for (i = 0; i < n; i++) {
		const br_x509_trust_anchor *ta = &tas[i].ta;
		const br_x509_pkey *pk = &ta->pkey;
		uint8_t tv[16];

		be32(hdr, ta->flags);
		be32(hdr + 4, (uint32_t)ta->dn.len);
		br_sha256_update(&h, hdr, 8);
		br_sha256_update(&h, ta->dn.data, ta->dn.len);
		hdr[0] = pk->key_type;
		br_sha256_update(&h, hdr, 1);
		if (pk->key_type == BR_KEYTYPE_RSA) {
			be32(hdr, (uint32_t)pk->key.rsa.nlen);
			br_sha256_update(&h, hdr, 4);
			br_sha256_update(&h, pk->key.rsa.n, pk->key.rsa.nlen);
			be32(hdr, (uint32_t)pk->key.rsa.elen);
			br_sha256_update(&h, hdr, 4);
			br_sha256_update(&h, pk->key.rsa.e, pk->key.rsa.elen);
		} else if (pk->key_type == BR_KEYTYPE_EC) {
			be32(hdr, (uint32_t)pk->key.ec.curve);
			be32(hdr + 4, (uint32_t)pk->key.ec.qlen);
			br_sha256_update(&h, hdr, 8);
			br_sha256_update(&h, pk->key.ec.q, pk->key.ec.qlen);
		}
		be32(tv, (uint32_t)((uint64_t)tas[i].not_before >> 32));
		be32(tv + 4, (uint32_t)tas[i].not_before);
		be32(tv + 8, (uint32_t)((uint64_t)tas[i].not_after >> 32));
		be32(tv + 12, (uint32_t)tas[i].not_after);
		br_sha256_update(&h, tv, 16);
		be32(hdr, tas[i].der != NULL ? (uint32_t)tas[i].der_len : 0xffffffffu);
		br_sha256_update(&h, hdr, 4);
		if (tas[i].der != NULL) {
			br_sha256_update(&h, tas[i].der, tas[i].der_len);
		}
	}
	br_sha256_out(&h, out);
}
