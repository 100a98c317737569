/*
 * fuzz_engine: the whole client engine with the fuzzer playing the server
 * and the application at once, in the fuzzing build (WT_FUZZING_UNSAFE:
 * null record cipher, no signature or Finished check; fuzz_host.h).
 *
 * Input: one configuration byte, then a program of one-byte opcodes
 * (op % 24) with operands from the following bytes.
 *
 * Configuration byte (a template context per value, fz_engine_start_slot):
 *   bits 0-1  session: 0 none; 1 a resumable session (fz_session_blob);
 *             2 one allowing 0-RTT, with cfg.early_data; 3 a session blob
 *             carved from the input ([len hi][len lo][blob]), with
 *             cfg.early_data (no template: the blob changes every run)
 *   bit 2     a client certificate (P-256, the harness's leaf and key);
 *             ignored with a carved session blob
 *   bit 3     no_middlebox_compat, and request_ocsp + request_sct
 *   bit 4     post-quantum groups first (X25519MLKEM768, MLKEM1024, then
 *             x25519: two key shares), GREASE and permuted extensions
 *   bit 5     two external PSKs (a plain SHA-256 one and an imported
 *             SHA-384 one: three identities after the session's)
 *
 * Server side: raw transport bytes, records (null-cipher protected once
 * the engine has read keys: fz_make_record), raw handshake messages and
 * ready-made ones (ServerHello/HRR echoing our session id, optionally
 * accepting the PSK; EncryptedExtensions with ALPN, early_data,
 * record_size_limit; Certificate, CertificateRequest, CertificateVerify,
 * Finished, NewSessionTicket), so a short program completes a full,
 * HRR, resumed, 0-RTT or client-authenticated handshake and the rest
 * explores the application phase. Application side: flush, close,
 * key_update, export, sendapp writes (0-RTT before the ServerHello;
 * including acks past the offered room), partial drains, eof.
 * Invariants: fz_check_state after every step; every session blob the
 * engine hands out parses and round-trips (fz_session_cb).
 */
#include "fuzz_host.h"

#ifndef FZ_TRACE_HOOK
#define FZ_TRACE_HOOK(cc) ((void)0)
#endif

static const uint16_t fz_suites[3] = {
	WT_TLS_AES_128_GCM_SHA256, WT_TLS_AES_256_GCM_SHA384,
	WT_TLS_CHACHA20_POLY1305_SHA256
};
/* TLS 1.2's (the harness's leaf is ECDSA: the RSA ones fail at the
 * key type check) */
static const uint16_t fz_suites12[6] = {
	WT_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, WT_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	WT_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, WT_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	WT_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, WT_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
};
static const uint16_t fz_groups[8] = {
	WT_GROUP_X25519, WT_GROUP_SECP256R1, WT_GROUP_SECP384R1, 0x0019,
	WT_GROUP_X25519MLKEM768, WT_GROUP_MLKEM1024, 0x0a0a /* GREASE */, 0x11eb
};
static const uint16_t fz_pq_groups[3] = {
	WT_GROUP_X25519MLKEM768, WT_GROUP_MLKEM1024, WT_GROUP_X25519
};
static const uint8_t fz_psk_key[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const wt_external_psk fz_psks[2] = {
	{ (const uint8_t *)"fuzz", 4, fz_psk_key, 32, WT_PSK_SHA256, 0, NULL, 0 },
	{ (const uint8_t *)"fuzz-imported", 13, fz_psk_key, 16, WT_PSK_SHA384, 1,
		(const uint8_t *)"context", 7 },
};
static const char *const fz_alpn[2] = { "h2", "http/1.1" };

#define FZ_CFG_SESSION      3u   /* mask */
#define FZ_CFG_SESSION_EARLY 2u
#define FZ_CFG_SESSION_BLOB 3u
#define FZ_CFG_CLIENT_CERT  4u
#define FZ_CFG_NO_COMPAT    8u
#define FZ_CFG_PQ_GREASE    16u
#define FZ_CFG_PSKS         32u

static uint8_t fz_blob[2][1024];
static wt_client_cert fz_client_cert;

/* The configuration for a configuration byte (see above); a carved
 * session blob is set by the caller. */
static void engine_config(wt_config *cfg, unsigned sel)
{
	fz_config_init(cfg);
	cfg->alpn = fz_alpn;
	cfg->alpn_count = 2;
	cfg->session_cb = fz_session_cb;
	switch (sel & FZ_CFG_SESSION) {
	case 1:
	case FZ_CFG_SESSION_EARLY:
		cfg->session = fz_blob[(sel & FZ_CFG_SESSION) - 1];
		cfg->session_len = fz_session_blob(
			(sel & FZ_CFG_SESSION) == FZ_CFG_SESSION_EARLY ? 16384 : 0,
			fz_blob[(sel & FZ_CFG_SESSION) - 1], sizeof fz_blob[0]);
		FZ_ASSERT(cfg->session_len != 0);
		cfg->early_data = (sel & FZ_CFG_SESSION) == FZ_CFG_SESSION_EARLY;
		break;
	case FZ_CFG_SESSION_BLOB:
		cfg->early_data = 1;
		break;
	}
	if (sel & FZ_CFG_CLIENT_CERT) {
		fz_client_cert_init(&fz_client_cert);
		cfg->client_cert = &fz_client_cert;
	}
	cfg->no_middlebox_compat = (sel & FZ_CFG_NO_COMPAT) != 0;
	/* and the leaf's OCSP / SCT entry extensions become acceptable */
	cfg->request_ocsp = cfg->request_sct = (sel & FZ_CFG_NO_COMPAT) != 0;
	if (sel & FZ_CFG_PQ_GREASE) {
		cfg->groups = fz_pq_groups;
		cfg->group_count = 3;
		cfg->grease = cfg->permute_extensions = 1;
	}
	if (sel & FZ_CFG_PSKS) {
		cfg->psks = fz_psks;
		cfg->psk_count = 2;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_host_state hs;
	wt_engine_ctx *cc;
	fz_input in = { data, size };
	static uint8_t *buf;
	uint8_t *blob = NULL;
	uint8_t op, sel = 0;
	wt_config cfg;
	int steps = 0;

	fz_u8(&in, &sel);
	sel &= FZ_SLOTS - 1;
	if ((sel & FZ_CFG_SESSION) == FZ_CFG_SESSION_BLOB) {
		/* no client certificate here: without a template its key check
		 * (a scalar multiplication) would run every time */
		sel &= ~FZ_CFG_CLIENT_CERT;
	}
	if ((sel & FZ_CFG_SESSION) == FZ_CFG_SESSION_BLOB) {
		/* a session blob from the input, in its own exact-size copy */
		wt_host host;
		uint8_t hi = 0, lo = 0;
		size_t n;
		const uint8_t *p;

		fz_u8(&in, &hi);
		fz_u8(&in, &lo);
		p = fz_take(&in, (size_t)hi << 8 | lo);
		n = (size_t)(in.p - p);
		blob = malloc(n ? n : 1);
		if (blob == NULL) {
			return 0;
		}
		memcpy(blob, p, n);
		engine_config(&cfg, sel);
		cfg.session = blob;
		cfg.session_len = n;
		fz_host_init(&host, &hs);
		cc = fz_engine_new(&cfg, &host);
	} else {
		cc = fz_engine_start_slot(sel, engine_config, &hs);
	}
	if (buf == NULL) {
		/* scratch for the ready-made messages, kept between runs */
		buf = malloc(WT_MAX_HS_MESSAGE + 1024);
	}
	if (cc == NULL || buf == NULL) {
		if (cc != NULL) {
			fz_engine_free(cc);
		}
		free(blob);
		return 0;
	}
	FZ_ASSERT(wt_engine_last_error(cc) == 0);
	fz_drain(cc, 0);

	while (fz_u8(&in, &op) && steps++ < 4096) {
		uint8_t a = 0, b = 0, c = 0;
		size_t n, room;
		uint8_t *p;

		switch (op % 24) {
		case 0: /* raw transport bytes: [len][bytes], len 0 = rest */
			fz_u8(&in, &a);
			p = (uint8_t *)fz_take(&in, a ? a : in.len);
			fz_feed(cc, p, (size_t)(in.p - p));
			break;
		case 1: /* one record: [type][pad][len hi][len lo][bytes] */
			fz_u8(&in, &a);
			fz_u8(&in, &b);
			fz_u8(&in, &c);
			n = (size_t)c << 8;
			fz_u8(&in, &c);
			n |= c;
			if (n > WT_MAX_PLAINTEXT + 1) {
				n = WT_MAX_PLAINTEXT + 1;
			}
			p = (uint8_t *)fz_take(&in, n);
			n = (size_t)(in.p - p);
			fz_send_record(cc, a, p, n, b);
			break;
		case 2: /* one handshake message: [type][len hi][len lo][body] */
			fz_u8(&in, &a);
			fz_u8(&in, &b);
			fz_u8(&in, &c);
			n = (size_t)b << 8 | c;
			p = (uint8_t *)fz_take(&in, n);
			n = (size_t)(in.p - p);
			if (n <= WT_MAX_PLAINTEXT - 4) {
				fz_send_hs(cc, a, p, n);
			}
			break;
		case 3: /* ServerHello: [bits 0-1 suite index, bit 2 accept the PSK] */
			fz_u8(&in, &a);
			n = fz_server_hello_body(cc, fz_suites[(a & 3) % 3], 0, 0,
				(a & 4) ? FZ_SH_PSK : 0, buf);
			fz_send_hs(cc, WT_HS_SERVER_HELLO, buf, n);
			break;
		case 4: /* HelloRetryRequest: [bits 0-1 suite index, bits 2-3
		         * group index, bit 4 cookie, bit 5 the second half of
		         * fz_groups] */
			fz_u8(&in, &a);
			n = fz_server_hello_body(cc, fz_suites[(a & 3) % 3], 1,
				fz_groups[((a >> 2) & 3) + ((a & 32) ? 4 : 0)],
				(a & 16) ? FZ_HRR_COOKIE : 0, buf);
			fz_send_hs(cc, WT_HS_SERVER_HELLO, buf, n);
			break;
		case 5: /* EncryptedExtensions: [bit 0: ALPN h2, bit 1: ALPN "x",
		         * bit 2: early_data, bit 3: record_size_limit 256] */
			fz_u8(&in, &a);
			n = 2;
			if (a & 3) {
				const char *proto = (a & 1) ? "h2" : "x";
				size_t pl = strlen(proto);

				buf[n++] = 0x00;
				buf[n++] = 0x10;
				buf[n++] = 0;
				buf[n++] = (uint8_t)(pl + 3);
				buf[n++] = 0;
				buf[n++] = (uint8_t)(pl + 1);
				buf[n++] = (uint8_t)pl;
				memcpy(buf + n, proto, pl);
				n += pl;
			}
			if (a & 4) {
				static const uint8_t ed[] = { 0x00, 0x2a, 0x00, 0x00 };

				memcpy(buf + n, ed, sizeof ed);
				n += sizeof ed;
			}
			if (a & 8) {
				static const uint8_t rsl[] = { 0x00, 0x1c, 0x00, 0x02, 0x01, 0x00 };

				memcpy(buf + n, rsl, sizeof rsl);
				n += sizeof rsl;
			}
			buf[0] = (uint8_t)((n - 2) >> 8);
			buf[1] = (uint8_t)(n - 2);
			fz_send_hs(cc, WT_HS_ENCRYPTED_EXTENSIONS, buf, n);
			break;
		case 6: /* Certificate with the harness's ECDSA leaf */
			n = fz_certificate_body(buf);
			fz_send_hs(cc, WT_HS_CERTIFICATE, buf, n);
			break;
		case 7: /* CertificateVerify (a dummy ECDSA signature) */
			n = fz_certificate_verify_body(buf);
			fz_send_hs(cc, WT_HS_CERTIFICATE_VERIFY, buf, n);
			break;
		case 8: /* Finished (any hash-length value passes) */
			n = fz_finished_body(cc, buf);
			if (n) {
				fz_send_hs(cc, WT_HS_FINISHED, buf, n);
			}
			break;
		case 16: { /* CertificateRequest: [bit 0: offer ecdsa_secp256r1_sha256
		            * (else only rsa_pss_rsae_sha256), bit 1: a non-empty
		            * context, bit 2: certificate_authorities] */
			static const uint8_t ca[] = { 0x00, 0x2f, 0x00, 0x06, 0x00, 0x04,
				0x00, 0x02, 0x30, 0x00 };

			fz_u8(&in, &a);
			n = 0;
			buf[n++] = (a & 2) ? 1 : 0;
			if (a & 2) {
				buf[n++] = 0x42;
			}
			buf[n++] = 0;
			buf[n++] = (a & 4) ? 10 + sizeof ca : 10;
			buf[n++] = 0x00;                /* signature_algorithms */
			buf[n++] = 0x0d;
			buf[n++] = 0;
			buf[n++] = 6;
			buf[n++] = 0;
			buf[n++] = 4;
			buf[n++] = 0x08;
			buf[n++] = 0x04;
			buf[n++] = (a & 1) ? 0x04 : 0x08;
			buf[n++] = (a & 1) ? 0x03 : 0x04;
			if (a & 4) {
				memcpy(buf + n, ca, sizeof ca);
				n += sizeof ca;
			}
			fz_send_hs(cc, WT_HS_CERTIFICATE_REQUEST, buf, n);
			break;
		}
		case 17: /* NewSessionTicket: [bit 0: early_data 16384, bit 1:
		          * lifetime 0, bit 2: a 4097-byte ticket] */
			fz_u8(&in, &a);
			n = 0;
			buf[n++] = 0;                   /* lifetime */
			buf[n++] = 0;
			buf[n++] = (a & 2) ? 0 : 0x1c;
			buf[n++] = (a & 2) ? 0 : 0x20;
			memcpy(buf + n, "\x0a\x0b\x0c\x0d", 4);   /* age_add */
			n += 4;
			buf[n++] = 2;                   /* nonce */
			buf[n++] = 0;
			buf[n++] = (uint8_t)steps;
			c = (a & 4) ? 0x10 : 0;         /* ticket length hi */
			buf[n++] = c;
			buf[n++] = (a & 4) ? 1 : 6;
			memset(buf + n, 't', (a & 4) ? 0x1001 : 6);
			n += (a & 4) ? 0x1001 : 6;
			if (a & 1) {
				static const uint8_t ed[] = { 0x00, 0x08, 0x00, 0x2a, 0x00, 0x04,
					0x00, 0x00, 0x40, 0x00 };

				memcpy(buf + n, ed, sizeof ed);
				n += sizeof ed;
			} else {
				buf[n++] = 0;
				buf[n++] = 0;
			}
			fz_send_hs(cc, WT_HS_NEW_SESSION_TICKET, buf, n);
			break;
		case 18: /* TLS 1.2 ServerHello: [bits 0-2 suite index, bits 3-6
		          * FZ12_* flags] */
			fz_u8(&in, &a);
			n = fz_server_hello12_body(cc, fz_suites12[(a & 7) % 6], (a >> 3) & 15, buf);
			fz_send_hs(cc, WT_HS_SERVER_HELLO, buf, n);
			break;
		case 19: /* TLS 1.2 Certificate */
			n = fz_certificate12_body(buf);
			fz_send_hs(cc, WT_HS_CERTIFICATE, buf, n);
			break;
		case 20: /* ServerKeyExchange: [bit 0: P-256, else x25519] */
			fz_u8(&in, &a);
			n = fz_server_key_exchange_body((a & 1) ? WT_GROUP_SECP256R1 : WT_GROUP_X25519, buf);
			fz_send_hs(cc, 12, buf, n);
			break;
		case 21: /* ServerHelloDone */
			fz_send_hs(cc, 14, buf, 0);
			break;
		case 22: /* change_cipher_spec, then the TLS 1.2 Finished */
			buf[0] = 1;
			fz_send_record(cc, WT_CT_CHANGE_CIPHER_SPEC, buf, 1, 0);
			n = fz_finished12_body(cc, buf);
			if (n) {
				fz_send_hs(cc, WT_HS_FINISHED, buf, n);
			}
			break;
		case 23: /* TLS 1.2 NewSessionTicket: [ticket length] */
			fz_u8(&in, &a);
			buf[0] = 0;
			buf[1] = 0;
			buf[2] = 0x1c;
			buf[3] = 0x20;
			buf[4] = 0;
			buf[5] = a;
			memset(buf + 6, 'T', a);
			fz_send_hs(cc, WT_HS_NEW_SESSION_TICKET, buf, 6 + (size_t)a);
			break;
		case 9:
			wt_engine_flush(cc);
			break;
		case 10:
			wt_engine_close(cc);
			break;
		case 11: /* [bit 0: request_peer] */
			fz_u8(&in, &a);
			wt_engine_key_update(cc, a & 1);
			break;
		case 12: { /* export: [out len][flags] */
			uint8_t out[256 + 1];

			fz_u8(&in, &a);
			fz_u8(&in, &b);
			if (wt_engine_export(cc, (b & 1) ? "" : "EXPORTER-fuzz",
				(b & 2) ? NULL : (const uint8_t *)"ctx", (b & 2) ? 0 : 3,
				out, a) == 0)
			{
				fz_touch(out, a);
			}
			break;
		}
		case 13: /* sendapp: [len][mode]; mode 1 acks one byte too many */
			fz_u8(&in, &a);
			fz_u8(&in, &b);
			p = wt_engine_sendapp_buf(cc, &room);
			n = (size_t)a * 97;
			if (n > room) {
				n = room;
			}
			if (p) {
				memset(p, 'A' + (b & 15), n);
			}
			wt_engine_sendapp_ack(cc, (b % 8 == 1) ? room + 1 : n);
			break;
		case 14: /* partial drain: [piece]; odd piece also misacks */
			fz_u8(&in, &a);
			if (a == 0xff) {
				wt_engine_sendrec_ack(cc, SIZE_MAX);
				wt_engine_recvapp_ack(cc, SIZE_MAX);
			} else if (a == 0xfe) {
				/* an ack beyond the offer latches BAD_STATE */
				wt_engine_recvrec_buf(cc, &room);
				wt_engine_recvrec_ack(cc, room + 1);
			} else {
				p = wt_engine_sendrec_buf(cc, &room);
				fz_touch(p, room);
				wt_engine_sendrec_ack(cc, room < a ? room : a);
				p = wt_engine_recvapp_buf(cc, &room);
				fz_touch(p, room);
				wt_engine_recvapp_ack(cc, room < a ? room : a);
			}
			break;
		case 15:
			wt_engine_eof(cc);
			break;
		}
		fz_check_state(cc);
#ifdef FZ_TRACE
		fprintf(stderr, "  op %2u: state %02x hs %d early %d psk %d cert %d done %d err 0x%x %s\n",
			op % 24, wt_engine_current_state(cc), cc->hs_state,
			cc->early_state, cc->using_psk, cc->client_cert_sent,
			wt_engine_handshake_done(cc), wt_engine_last_error(cc),
			wt_engine_error_reason(cc));
		FZ_TRACE_HOOK(cc);
#endif
		if (wt_engine_current_state(cc) == WT_CLOSED) {
			break;
		}
	}
	fz_drain(cc, 0);
	wt_engine_eof(cc);
	fz_check_state(cc);
	fz_drain(cc, 0);
	FZ_ASSERT(!(wt_engine_current_state(cc) & WT_RECVREC));
	wt_engine_wipe(cc);
	fz_engine_free(cc);
	free(blob);
	return 0;
}
