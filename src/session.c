/*
 * The serialized session a NewSessionTicket turns into (RFC 8446 4.6.1):
 * an opaque, versioned blob the host stores and hands back to resume.
 *
 *   "WTS" 0x01 | suite u16 | created_ms u64 | lifetime u32 | age_add u32
 *   | max_early_data u32 | verified u8 | alpn<u8> | server_name<u8>
 *   | psk<u8> | ticket<u16> | certs: count u8, each <u24> DER
 *
 * Parsing goes through the codec like any peer input: a blob may come
 * from disk or IndexedDB and is not trusted.
 */
#include "wt_internal.h"

static const uint8_t magic[4] = { 'W', 'T', 'S', 1 };

int wt_session_parse(wt_session *s, const uint8_t *blob, size_t len)
{
	wt_reader r, alpn, sni, psk, ticket;
	const uint8_t *m;
	uint16_t suite;
	uint32_t hi, lo;
	uint8_t verified, count;
	size_t i;

	memset(s, 0, sizeof *s);
	wt_rd_init(&r, blob, len);
	if (wt_rd_bytes(&r, 4, &m) || memcmp(m, magic, 4) != 0
		|| wt_rd_u16(&r, &suite) || wt_rd_u32(&r, &hi) || wt_rd_u32(&r, &lo)
		|| wt_rd_u32(&r, &s->lifetime) || wt_rd_u32(&r, &s->age_add)
		|| wt_rd_u32(&r, &s->max_early_data) || wt_rd_u8(&r, &verified)
		|| wt_rd_block(&r, 1, &alpn) || wt_rd_block(&r, 1, &sni)
		|| wt_rd_block(&r, 1, &psk) || wt_rd_block_min(&r, 2, 1, &ticket)
		|| wt_rd_u8(&r, &count))
	{
		return -1;
	}
	s->suite = wt_suite_get(suite);
	if (s->suite == NULL || psk.len != s->suite->hash_len
		|| count > WT_MAX_PEER_CERTS || ticket.len > WT_MAX_TICKET)
	{
		return -1;
	}
	s->created_ms = (int64_t)((uint64_t)hi << 32 | lo);
	s->verified = verified;
	s->alpn = alpn.p;
	s->alpn_len = alpn.len;
	s->server_name = sni.p;
	s->server_name_len = sni.len;
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
	return wt_rd_end(&r) ? -1 : 0;
}

size_t wt_session_write(const wt_session *s, uint8_t *out, size_t cap)
{
	wt_writer w;
	size_t m, i;

	wt_wr_init(&w, out, cap);
	wt_wr_bytes(&w, magic, 4);
	wt_wr_u16(&w, s->suite->id);
	wt_wr_u32(&w, (uint32_t)((uint64_t)s->created_ms >> 32));
	wt_wr_u32(&w, (uint32_t)s->created_ms);
	wt_wr_u32(&w, s->lifetime);
	wt_wr_u32(&w, s->age_add);
	wt_wr_u32(&w, s->max_early_data);
	wt_wr_u8(&w, (uint8_t)s->verified);
	m = wt_wr_open(&w, 1);
	wt_wr_bytes(&w, s->alpn, s->alpn_len);
	wt_wr_close(&w, m, 1);
	m = wt_wr_open(&w, 1);
	wt_wr_bytes(&w, s->server_name, s->server_name_len);
	wt_wr_close(&w, m, 1);
	m = wt_wr_open(&w, 1);
	wt_wr_bytes(&w, s->psk, s->suite->hash_len);
	wt_wr_close(&w, m, 1);
	m = wt_wr_open(&w, 2);
	wt_wr_bytes(&w, s->ticket, s->ticket_len);
	wt_wr_close(&w, m, 2);
	wt_wr_u8(&w, (uint8_t)s->cert_count);
	for (i = 0; i < s->cert_count; i++) {
		m = wt_wr_open(&w, 3);
		wt_wr_bytes(&w, s->certs[i].der, s->certs[i].len);
		wt_wr_close(&w, m, 3);
	}
	return wt_wr_error(&w) ? 0 : w.len;
}
