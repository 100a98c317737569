/*
 * Handshake message codecs: our ClientHello, and parsers for what the
 * server sends. Parsers mirror Go's unmarshal functions (handshake_messages.go):
 * any malformation, trailing byte or duplicated extension is decode_error;
 * semantic checks live in hs13.c.
 */
#include "wt_internal.h"

const uint8_t wt_hrr_random[32] = {
	0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11,
	0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
	0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E,
	0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C
};

/* signature_algorithms_cert: what BearSSL's X.509 engine verifies in
 * certificate signatures (PKCS#1 v1.5 is fine there, RFC 8446 4.2.3). */
static const uint16_t sig_algs_cert[] = {
	WT_SIG_ECDSA_SECP256R1_SHA256, WT_SIG_ECDSA_SECP384R1_SHA384,
	WT_SIG_ECDSA_SECP521R1_SHA512,
	WT_SIG_RSA_PKCS1_SHA256, WT_SIG_RSA_PKCS1_SHA384,
	WT_SIG_RSA_PKCS1_SHA512
};

static void write_u16_list(wt_writer *w, const uint16_t *v, size_t n)
{
	size_t mark = wt_wr_open(w, 2), i;

	for (i = 0; i < n; i++) {
		wt_wr_u16(w, v[i]);
	}
	wt_wr_close(w, mark, 2);
}

static size_t ext_open(wt_writer *w, uint16_t type)
{
	wt_wr_u16(w, type);
	return wt_wr_open(w, 2);
}

/* RFC 9258 5.1: struct { opaque external_identity<1...2^16-1>;
 * opaque context<0..2^16-1>; uint16 target_protocol; uint16 target_kdf; }
 * ImportedIdentity, for TLS 1.3 (0x0304) and a target KDF
 * (HKDF_SHA256 = 1, HKDF_SHA384 = 2: the WT_PSK_* values). */
static void write_imported_identity(wt_writer *w, const wt_external_psk *p,
	int target_kdf)
{
	size_t m;

	m = wt_wr_open(w, 2);
	wt_wr_bytes(w, p->identity, p->identity_len);
	wt_wr_close(w, m, 2);
	m = wt_wr_open(w, 2);
	wt_wr_bytes(w, p->context, p->context_len);
	wt_wr_close(w, m, 2);
	wt_wr_u16(w, 0x0304);
	wt_wr_u16(w, (uint16_t)target_kdf);
}

static size_t imported_identity_len(const wt_external_psk *p)
{
	return 2 + p->identity_len + 2 + p->context_len + 4;
}

size_t wt_imported_identity(const wt_external_psk *p, int target_kdf,
	uint8_t *out, size_t cap)
{
	wt_writer w;

	wt_wr_init(&w, out, cap);
	write_imported_identity(&w, p, target_kdf);
	return wt_wr_error(&w) ? 0 : w.len;
}

/* RFC 7685 padding, as BoringSSL, NSS and Chrome send it: some servers
 * (F5 load balancers) hang on a ClientHello whose handshake message is
 * 256..511 bytes long, so one of that size is padded to 512. Written just
 * before pre_shared_key (which must stay last), whose size is known. */
static void pad_client_hello(wt_writer *w, const wt_client_hello *ch)
{
	size_t total = w->len, pad, e;

	if (ch->psk_count) {
		/* type, length, identities<2> { identity<2>, age<4> },
		 * binders<2> { binder<1> } */
		total += 4 + 2 + 2;
		for (e = 0; e < ch->psk_count; e++) {
			const wt_psk_identity *id = &ch->psks[e];

			total += 2 + (id->import ? imported_identity_len(id->import)
				: id->identity_len) + 4 + 1 + id->binder_len;
		}
	}
	if (total < 256 || total >= 512) {
		return;
	}
	pad = 512 - total;
	pad = pad >= 4 + 1 ? pad - 4 : 1;
	e = ext_open(w, WT_EXT_PADDING);
	while (pad-- > 0) {
		wt_wr_u8(w, 0);
	}
	wt_wr_close(w, e, 2);
}

/* One ClientHello extension (RFC 8446 4.2), WT_HX_*; nothing if it does
 * not apply to this ClientHello. */
static void write_extension(wt_writer *w, const wt_client_hello *ch, int which)
{
	const wt_grease *g = ch->grease;
	size_t e, m, i;

	switch (which) {
	case WT_HX_SERVER_NAME:
		if (ch->server_name) {         /* RFC 6066 3 */
			size_t list, nlen = strlen(ch->server_name);

			e = ext_open(w, WT_EXT_SERVER_NAME);
			list = wt_wr_open(w, 2);
			wt_wr_u8(w, 0);       /* host_name */
			m = wt_wr_open(w, 2);
			wt_wr_bytes(w, ch->server_name, nlen);
			wt_wr_close(w, m, 2);
			wt_wr_close(w, list, 2);
			wt_wr_close(w, e, 2);
		}
		return;
	case WT_HX_GROUPS:
		e = ext_open(w, WT_EXT_SUPPORTED_GROUPS);
		m = wt_wr_open(w, 2);
		if (g) {
			wt_wr_u16(w, g->group);
		}
		for (i = 0; i < ch->group_count; i++) {
			const wt_group_info *gi = wt_group_info_get(ch->groups[i]);

			/* Go: curvePreferences(version). A post-quantum group
			 * has no TLS 1.2 form (RFC 8422 5.1.1 lists ECDHE
			 * curves only): not listed when TLS 1.3 is not offered. */
			if (!ch->tls13 && gi != NULL && gi->mlkem_k != 0) {
				continue;
			}
			wt_wr_u16(w, ch->groups[i]);
		}
		wt_wr_close(w, m, 2);
		wt_wr_close(w, e, 2);
		return;
	case WT_HX_SIGNATURE_ALGS:
		e = ext_open(w, WT_EXT_SIGNATURE_ALGS);
		write_u16_list(w, ch->sig_algs, ch->sig_alg_count);
		wt_wr_close(w, e, 2);
		return;
	case WT_HX_SIG_ALGS_CERT:
		e = ext_open(w, WT_EXT_SIG_ALGS_CERT);
		write_u16_list(w, sig_algs_cert, sizeof sig_algs_cert / sizeof sig_algs_cert[0]);
		wt_wr_close(w, e, 2);
		return;
	case WT_HX_ALPN:
		if (ch->alpn_count) {          /* RFC 7301 3.1 */
			size_t list;

			e = ext_open(w, WT_EXT_ALPN);
			list = wt_wr_open(w, 2);
			for (i = 0; i < ch->alpn_count; i++) {
				m = wt_wr_open(w, 1);
				wt_wr_bytes(w, ch->alpn[i], strlen(ch->alpn[i]));
				wt_wr_close(w, m, 1);
			}
			wt_wr_close(w, list, 2);
			wt_wr_close(w, e, 2);
		}
		return;
	case WT_HX_STATUS_REQUEST:
		if (ch->status_request) {
			/* RFC 6066 8: CertificateStatusRequest, status_type
			 * ocsp(1), empty responder_id_list and request_extensions. */
			e = ext_open(w, WT_EXT_STATUS_REQUEST);
			wt_wr_u8(w, 1);
			wt_wr_u16(w, 0);
			wt_wr_u16(w, 0);
			wt_wr_close(w, e, 2);
		}
		return;
	case WT_HX_SCT:
		if (ch->sct) {                 /* RFC 6962 3.3.1: empty */
			e = ext_open(w, WT_EXT_SCT);
			wt_wr_close(w, e, 2);
		}
		return;
	case WT_HX_SUPPORTED_VERSIONS:
		if (!ch->tls13) {
			return;    /* TLS 1.2 only: legacy_version says it all */
		}
		e = ext_open(w, WT_EXT_SUPPORTED_VERSIONS);
		m = wt_wr_open(w, 1);
		if (g) {
			wt_wr_u16(w, g->version);
		}
		wt_wr_u16(w, 0x0304);
		if (ch->tls12) {
			wt_wr_u16(w, 0x0303);
		}
		wt_wr_close(w, m, 1);
		wt_wr_close(w, e, 2);
		return;
	case WT_HX_EC_POINT_FORMATS:
		if (ch->tls12) {               /* RFC 8422 5.1.2: uncompressed only */
			e = ext_open(w, WT_EXT_EC_POINT_FORMATS);
			wt_wr_u8(w, 1);
			wt_wr_u8(w, 0);
			wt_wr_close(w, e, 2);
		}
		return;
	case WT_HX_EXTENDED_MS:
		if (ch->tls12) {               /* RFC 7627 5.1: empty */
			e = ext_open(w, WT_EXT_EXTENDED_MS);
			wt_wr_close(w, e, 2);
		}
		return;
	case WT_HX_RENEGOTIATION_INFO:
		if (ch->tls12) {               /* RFC 5746 3.4: empty renegotiated_connection */
			e = ext_open(w, WT_EXT_RENEGOTIATION_INFO);
			wt_wr_u8(w, 0);
			wt_wr_close(w, e, 2);
		}
		return;
	case WT_HX_SESSION_TICKET:
		if (ch->tls12) {               /* RFC 5077 3.2: a ticket, or empty */
			e = ext_open(w, WT_EXT_SESSION_TICKET);
			wt_wr_bytes(w, ch->ticket12, ch->ticket12_len);
			wt_wr_close(w, e, 2);
		}
		return;
	case WT_HX_COOKIE:
		if (ch->cookie) {              /* echo the HRR cookie, 4.2.2 */
			e = ext_open(w, WT_EXT_COOKIE);
			m = wt_wr_open(w, 2);
			wt_wr_bytes(w, ch->cookie, ch->cookie_len);
			wt_wr_close(w, m, 2);
			wt_wr_close(w, e, 2);
		}
		return;
	case WT_HX_PSK_MODES:
		if (!ch->tls13) {
			return;
		}
		e = ext_open(w, WT_EXT_PSK_MODES);
		wt_wr_u8(w, 1);
		wt_wr_u8(w, 1);                /* psk_dhe_ke, 4.2.9 */
		wt_wr_close(w, e, 2);
		return;
	case WT_HX_KEY_SHARE:
		/* RFC 8446 4.2.8: client_shares may be empty (the server then
		 * asks for a group with a HelloRetryRequest). */
		if (!ch->tls13) {
			return;
		}
		e = ext_open(w, WT_EXT_KEY_SHARE);
		m = wt_wr_open(w, 2);
		if (g && g->key_share) {
			/* RFC 8701 2: a GREASE share of one zero byte */
			wt_wr_u16(w, g->group);
			wt_wr_u16(w, 1);
			wt_wr_u8(w, 0);
		}
		for (i = 0; i < ch->share_count; i++) {
			size_t k;

			wt_wr_u16(w, ch->shares[i].group);
			k = wt_wr_open(w, 2);
			wt_wr_bytes(w, ch->shares[i].pub, ch->shares[i].pub_len);
			wt_wr_close(w, k, 2);
		}
		wt_wr_close(w, m, 2);
		wt_wr_close(w, e, 2);
		return;
	case WT_HX_RECORD_SIZE_LIMIT:
		/* RFC 8449: we accept full TLS 1.3 records (2^14 + content type);
		 * offering TLS 1.2 only, at most its maximum, 2^14 (RFC 8449 4:
		 * "MUST NOT send a value higher than the protocol-defined
		 * maximum record size"). */
		e = ext_open(w, WT_EXT_RECORD_SIZE_LIMIT);
		wt_wr_u16(w, ch->tls13 ? WT_MAX_PLAINTEXT + 1 : WT_MAX_PLAINTEXT);
		wt_wr_close(w, e, 2);
		return;
	case WT_HX_EARLY_DATA:
		if (ch->early_data) {
			e = ext_open(w, WT_EXT_EARLY_DATA);   /* empty in ClientHello */
			wt_wr_close(w, e, 2);
		}
		return;
	case WT_HX_GREASE1:
		if (g) {                       /* RFC 8701 3: empty */
			e = ext_open(w, g->ext1);
			wt_wr_close(w, e, 2);
		}
		return;
	case WT_HX_GREASE2:
		if (g) {                       /* and one with a zero byte, as BoringSSL */
			e = ext_open(w, g->ext2);
			wt_wr_u8(w, 0);
			wt_wr_close(w, e, 2);
		}
		return;
	}
}

int wt_hello_write(const wt_client_hello *ch, uint8_t *out, size_t cap,
	size_t *out_len, size_t *binders_off)
{
	wt_writer w;
	size_t msg, exts, e, m, i;

	wt_wr_init(&w, out, cap);
	wt_wr_u8(&w, WT_HS_CLIENT_HELLO);
	msg = wt_wr_open(&w, 3);
	wt_wr_u16(&w, 0x0303);                 /* legacy_version (4.1.2) */
	wt_wr_bytes(&w, ch->random, 32);
	m = wt_wr_open(&w, 1);
	wt_wr_bytes(&w, ch->session_id, ch->session_id_len);
	wt_wr_close(&w, m, 1);
	m = wt_wr_open(&w, 2);                 /* cipher_suites */
	if (ch->grease) {
		wt_wr_u16(&w, ch->grease->suite);
	}
	for (i = 0; i < ch->suite_count; i++) {
		wt_wr_u16(&w, ch->suites[i]);
	}
	wt_wr_close(&w, m, 2);
	wt_wr_u8(&w, 1);                       /* legacy_compression_methods */
	wt_wr_u8(&w, 0);

	exts = wt_wr_open(&w, 2);
	/* In our order, or the permuted one (wt_config.permute_extensions);
	 * padding and pre_shared_key always come last. */
	for (i = 0; i < WT_HX_COUNT; i++) {
		write_extension(&w, ch, ch->ext_order ? ch->ext_order[i] : (int)i);
	}
	pad_client_hello(&w, ch);
	*binders_off = 0;
	if (ch->psk_count) {
		/* pre_shared_key must be the last extension (RFC 8446 4.2.11). */
		size_t ids, id, bl, b, k;

		e = ext_open(&w, WT_EXT_PRE_SHARED_KEY);
		ids = wt_wr_open(&w, 2);
		for (k = 0; k < ch->psk_count; k++) {
			id = wt_wr_open(&w, 2);
			if (ch->psks[k].import) {
				write_imported_identity(&w, ch->psks[k].import,
					ch->psks[k].target_kdf);
			} else {
				wt_wr_bytes(&w, ch->psks[k].identity, ch->psks[k].identity_len);
			}
			wt_wr_close(&w, id, 2);
			wt_wr_u32(&w, ch->psks[k].obfuscated_ticket_age);
		}
		wt_wr_close(&w, ids, 2);
		*binders_off = w.len;
		bl = wt_wr_open(&w, 2);
		for (k = 0; k < ch->psk_count; k++) {
			b = wt_wr_open(&w, 1);
			for (i = 0; i < ch->psks[k].binder_len; i++) {
				wt_wr_u8(&w, 0);   /* filled in by the caller */
			}
			wt_wr_close(&w, b, 1);
		}
		wt_wr_close(&w, bl, 2);
		wt_wr_close(&w, e, 2);
	}
	wt_wr_close(&w, exts, 2);
	wt_wr_close(&w, msg, 3);
	*out_len = w.len;
	return wt_wr_error(&w);
}

/* Iterates over an extension block, rejecting duplicates of the types we
 * track (RFC 8446 4.2: at most one extension of each type). */
typedef struct ext_iter {
	wt_reader r;
	uint16_t seen[WT_MAX_EXTENSIONS];
	size_t nseen;
} ext_iter;

static int ext_next(ext_iter *it, uint16_t *type, wt_reader *data)
{
	size_t i;
	int err;

	if ((err = wt_rd_u16(&it->r, type)) != 0
		|| (err = wt_rd_block(&it->r, 2, data)) != 0)
	{
		return err;
	}
	for (i = 0; i < it->nseen; i++) {
		if (it->seen[i] == *type) {
			return WT_ALERT_DECODE_ERROR;
		}
	}
	if (it->nseen == sizeof it->seen / sizeof it->seen[0]) {
		return WT_ALERT_DECODE_ERROR;   /* absurd number of extensions */
	}
	it->seen[it->nseen++] = *type;
	return 0;
}

#define TRY(x) do { int err_ = (x); if (err_) return err_; } while (0)

/* ALPN in a server message: exactly one non-empty protocol (RFC 7301 3.1). */
static int read_alpn(wt_reader *d, const uint8_t **p, size_t *len)
{
	wt_reader list, proto;

	TRY(wt_rd_block_min(d, 2, 1, &list));
	TRY(wt_rd_block_min(&list, 1, 1, &proto));
	TRY(wt_rd_end(&list));
	*p = proto.p;
	*len = proto.len;
	return 0;
}

int wt_parse_server_hello(wt_server_hello *sh, const uint8_t *body, size_t len)
{
	wt_reader r, sid;
	ext_iter it;

	memset(sh, 0, sizeof *sh);
	wt_rd_init(&r, body, len);
	TRY(wt_rd_u16(&r, &sh->vers));
	TRY(wt_rd_bytes(&r, 32, &sh->random));
	TRY(wt_rd_block(&r, 1, &sid));
	if (sid.len > 32) {
		return WT_ALERT_DECODE_ERROR;
	}
	sh->session_id = sid.p;
	sh->session_id_len = sid.len;
	TRY(wt_rd_u16(&r, &sh->cipher_suite));
	TRY(wt_rd_u8(&r, &sh->compression));
	if (r.len == 0) {
		return 0;   /* extensions are optional in the encoding */
	}
	memset(&it, 0, sizeof it);
	TRY(wt_rd_block(&r, 2, &it.r));
	TRY(wt_rd_end(&r));
	while (it.r.len) {
		uint16_t type;
		wt_reader d, sub;

		TRY(ext_next(&it, &type, &d));
		switch (type) {
		case WT_EXT_STATUS_REQUEST:    /* RFC 6066 8: empty */
			sh->ocsp_stapling = 1;
			break;
		case WT_EXT_SESSION_TICKET:    /* RFC 5077 3.2: empty */
			sh->ticket_supported = 1;
			break;
		case WT_EXT_EXTENDED_MS:       /* RFC 7627 5.2: empty */
			sh->extended_master_secret = 1;
			break;
		case WT_EXT_RENEGOTIATION_INFO:
			TRY(wt_rd_block(&d, 1, &sub));
			sh->secure_renegotiation_supported = 1;
			sh->secure_renegotiation_len = sub.len;
			break;
		case WT_EXT_ALPN:
			TRY(read_alpn(&d, &sh->alpn_proto, &sh->alpn_len));
			sh->alpn = 1;
			break;
		case WT_EXT_SCT:
			/* RFC 6962 3.3.1 (TLS 1.2): the SCT list; checked with
			 * wt_sct_list_check where it is used */
			sh->scts = 1;
			sh->sct_list = d.p;
			sh->sct_list_len = d.len;
			d.len = 0;
			break;
		case WT_EXT_RECORD_SIZE_LIMIT:
			TRY(wt_rd_u16(&d, &sh->record_size_limit));
			if (sh->record_size_limit == 0) {
				sh->record_size_limit = 1;   /* present but invalid */
			}
			break;
		case WT_EXT_SUPPORTED_VERSIONS:
			TRY(wt_rd_u16(&d, &sh->supported_version));
			break;
		case WT_EXT_COOKIE:
			TRY(wt_rd_block_min(&d, 2, 1, &sub));
			sh->cookie = sub.p;
			sh->cookie_len = sub.len;
			break;
		case WT_EXT_KEY_SHARE:
			/* HRR carries only the group, ServerHello a KeyShareEntry
			 * (4.2.8); accept either and let hs13.c decide. */
			if (d.len == 2) {
				TRY(wt_rd_u16(&d, &sh->selected_group));
			} else {
				TRY(wt_rd_u16(&d, &sh->share_group));
				TRY(wt_rd_block(&d, 2, &sub));
				sh->share = sub.p;
				sh->share_len = sub.len;
			}
			break;
		case WT_EXT_PRE_SHARED_KEY:
			sh->selected_identity_present = 1;
			TRY(wt_rd_u16(&d, &sh->selected_identity));
			break;
		case WT_EXT_EC_POINT_FORMATS:
			/* RFC 8422 5.2: ECPointFormatList <1..2^8-1> */
			TRY(wt_rd_block_min(&d, 1, 1, &sub));
			sh->point_formats = 1;
			while (sub.len) {
				uint8_t f;

				TRY(wt_rd_u8(&sub, &f));
				sh->uncompressed |= f == 0;
			}
			break;
		default:
			/* Anything else, known or not, is refused by hs13.c
			 * from ext_types (RFC 8446 4.2). */
			continue;
		}
		TRY(wt_rd_end(&d));
	}
	memcpy(sh->ext_types, it.seen, it.nseen * sizeof it.seen[0]);
	sh->ext_count = it.nseen;
	return 0;
}

int wt_parse_encrypted_extensions(wt_encrypted_extensions *ee,
	const uint8_t *body, size_t len)
{
	wt_reader r;
	ext_iter it;

	memset(ee, 0, sizeof *ee);
	memset(&it, 0, sizeof it);
	wt_rd_init(&r, body, len);
	TRY(wt_rd_block(&r, 2, &it.r));
	TRY(wt_rd_end(&r));
	while (it.r.len) {
		uint16_t type;
		wt_reader d;

		TRY(ext_next(&it, &type, &d));
		switch (type) {
		case WT_EXT_ALPN:
			TRY(read_alpn(&d, &ee->alpn, &ee->alpn_len));
			break;
		case WT_EXT_EARLY_DATA:
			ee->early_data = 1;
			break;
		case WT_EXT_RECORD_SIZE_LIMIT:
			TRY(wt_rd_u16(&d, &ee->record_size_limit));
			if (ee->record_size_limit == 0) {
				ee->record_size_limit = 1;   /* present but invalid */
			}
			break;
		default:
			/* Contents ignored; whether the extension may be here
			 * at all is decided by hs13.c from ext_types. */
			d.len = 0;
			break;
		}
		TRY(wt_rd_end(&d));
	}
	memcpy(ee->ext_types, it.seen, it.nseen * sizeof it.seen[0]);
	ee->ext_count = it.nseen;
	return 0;
}

int wt_parse_certificate_request(wt_certificate_request *cr,
	const uint8_t *body, size_t len)
{
	wt_reader r, ctx;
	ext_iter it;

	memset(cr, 0, sizeof *cr);
	memset(&it, 0, sizeof it);
	wt_rd_init(&r, body, len);
	TRY(wt_rd_block(&r, 1, &ctx));
	cr->context = ctx.p;
	cr->context_len = ctx.len;
	TRY(wt_rd_block(&r, 2, &it.r));
	TRY(wt_rd_end(&r));
	while (it.r.len) {
		uint16_t type;
		wt_reader d, list;

		TRY(ext_next(&it, &type, &d));
		if (type == WT_EXT_SIGNATURE_ALGS) {
			TRY(wt_rd_block_min(&d, 2, 2, &list));
			if (list.len % 2) {
				return WT_ALERT_DECODE_ERROR;
			}
			cr->has_sig_algs = 1;
			cr->sig_algs = list;
			TRY(wt_rd_end(&d));
		} else if (type == WT_EXT_CERT_AUTHORITIES) {
			/* RFC 8446 4.2.4: DistinguishedName authorities<3..2^16-1>,
			 * each DistinguishedName<1..2^16-1>. */
			wt_reader dn, all;

			TRY(wt_rd_block_min(&d, 2, 3, &list));
			TRY(wt_rd_end(&d));
			all = list;
			while (all.len) {
				TRY(wt_rd_block_min(&all, 2, 1, &dn));
			}
			cr->ca_names = list;
		}
	}
	/* RFC 8446 4.3.2: signature_algorithms MUST be specified. */
	return cr->has_sig_algs ? 0 : WT_ALERT_DECODE_ERROR;
}

int wt_sct_list_check(const uint8_t *p, size_t len)
{
	wt_reader r, list, sct;

	wt_rd_init(&r, p, len);
	TRY(wt_rd_block_min(&r, 2, 1, &list));
	TRY(wt_rd_end(&r));
	while (list.len) {
		TRY(wt_rd_block_min(&list, 2, 1, &sct));
	}
	return 0;
}

/* The leaf's status_request (RFC 8446 4.4.2.1): a CertificateStatus
 * (RFC 6066 8) of type ocsp(1) with a non-empty OCSPResponse. */
static int read_certificate_status(wt_reader *d, wt_cert_status *st)
{
	wt_reader resp;
	uint8_t type;

	TRY(wt_rd_u8(d, &type));
	if (type != 1) {
		return WT_ALERT_DECODE_ERROR;
	}
	TRY(wt_rd_block_min(d, 3, 1, &resp));
	st->ocsp = resp.p;
	st->ocsp_len = resp.len;
	return 0;
}

int wt_parse_certificate(const uint8_t *body, size_t len,
	wt_peer_cert *certs, size_t max, size_t *count, wt_cert_status *st)
{
	wt_reader r, ctx, list;
	int unsolicited = 0;
	size_t n;

	*count = 0;
	st->ocsp = st->sct_list = NULL;
	st->ocsp_len = st->sct_list_len = 0;
	wt_rd_init(&r, body, len);
	TRY(wt_rd_block(&r, 1, &ctx));
	/* A server's certificate_request_context is empty (4.4.2). */
	if (ctx.len != 0) {
		return WT_ALERT_DECODE_ERROR;
	}
	TRY(wt_rd_block(&r, 3, &list));
	TRY(wt_rd_end(&r));
	for (n = 0; list.len; n++) {
		/* An intermediate may carry them too (RFC 8446 4.4.2.1 ties
		 * each to its entry): checked like the leaf's, then dropped,
		 * as BoringSSL does (BoGo IgnoreExtensionsOnIntermediates). */
		wt_cert_status scratch, *into = n == 0 ? st : &scratch;
		wt_reader der;
		ext_iter it;

		TRY(wt_rd_block_min(&list, 3, 1, &der));
		memset(&it, 0, sizeof it);
		TRY(wt_rd_block(&list, 2, &it.r));
		while (it.r.len) {
			uint16_t type;
			wt_reader d;

			TRY(ext_next(&it, &type, &d));
			if (type == WT_EXT_STATUS_REQUEST && st->want_ocsp) {
				TRY(read_certificate_status(&d, into));
			} else if (type == WT_EXT_SCT && st->want_sct) {
				TRY(wt_sct_list_check(d.p, d.len));
				into->sct_list = d.p;
				into->sct_list_len = d.len;
				d.len = 0;
			} else {
				unsolicited = 1;
				d.len = 0;
			}
			TRY(wt_rd_end(&d));
		}
		if (n == max) {
			return WT_ALERT_BAD_CERTIFICATE;
		}
		certs[n].der = der.p;
		certs[n].len = der.len;
	}
	*count = n;
	/* Well-formed but answering something we did not ask for. */
	return unsolicited ? WT_ALERT_UNSUPPORTED_EXTENSION : 0;
}

int wt_parse_certificate_verify(const uint8_t *body, size_t len,
	uint16_t *scheme, const uint8_t **sig, size_t *sig_len)
{
	wt_reader r, s;

	wt_rd_init(&r, body, len);
	TRY(wt_rd_u16(&r, scheme));
	TRY(wt_rd_block_min(&r, 2, 1, &s));
	TRY(wt_rd_end(&r));
	*sig = s.p;
	*sig_len = s.len;
	return 0;
}

int wt_parse_new_session_ticket(wt_new_session_ticket *t,
	const uint8_t *body, size_t len)
{
	wt_reader r, nonce, ticket;
	ext_iter it;

	memset(t, 0, sizeof *t);
	memset(&it, 0, sizeof it);
	wt_rd_init(&r, body, len);
	TRY(wt_rd_u32(&r, &t->lifetime));
	TRY(wt_rd_u32(&r, &t->age_add));
	TRY(wt_rd_block(&r, 1, &nonce));
	TRY(wt_rd_block_min(&r, 2, 1, &ticket));
	TRY(wt_rd_block(&r, 2, &it.r));
	TRY(wt_rd_end(&r));
	t->nonce = nonce.p;
	t->nonce_len = nonce.len;
	t->ticket = ticket.p;
	t->ticket_len = ticket.len;
	while (it.r.len) {
		uint16_t type;
		wt_reader d;

		TRY(ext_next(&it, &type, &d));
		if (type == WT_EXT_EARLY_DATA) {
			TRY(wt_rd_u32(&d, &t->max_early_data));
			TRY(wt_rd_end(&d));
		}
	}
	return 0;
}
