/*
 * fuzz_engine: the whole client engine with the fuzzer playing the server
 * and the application at once.
 *
 * Input: a program of one-byte opcodes (op % 16) with operands from the
 * following bytes. Server side: raw transport bytes, records sealed under
 * the engine's current read key (fz_make_record), and ready-made flight
 * messages (ServerHello/HRR echoing our session id, EncryptedExtensions,
 * Certificate, a valid CertificateVerify and Finished computed from the
 * engine's own transcript), so a short program completes a handshake and
 * the rest explores the application phase. Application side: flush,
 * close, key_update, export, sendapp writes (including acks past the
 * offered room), partial drains, eof. Invariants: fz_check_state after
 * every step.
 */
#include "fuzz_host.h"

static const uint16_t fz_suites[3] = {
	WT_TLS_AES_128_GCM_SHA256, WT_TLS_AES_256_GCM_SHA384,
	WT_TLS_CHACHA20_POLY1305_SHA256
};
static const uint16_t fz_groups[4] = {
	WT_GROUP_X25519, WT_GROUP_SECP256R1, WT_GROUP_SECP384R1, 0x0019
};
static const char *const fz_alpn[2] = { "h2", "http/1.1" };

static void engine_config(wt_config *cfg)
{
	fz_config_init(cfg);
	cfg->alpn = fz_alpn;
	cfg->alpn_count = 2;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_host_state hs;
	wt_engine_ctx *cc;
	fz_input in = { data, size };
	uint8_t *buf;
	uint8_t op;
	int steps = 0;

	buf = malloc(WT_MAX_HS_MESSAGE + 1024);
	if (buf == NULL) {
		return 0;
	}
	cc = fz_engine_start(engine_config, &hs);
	if (cc == NULL) {
		free(buf);
		return 0;
	}
	FZ_ASSERT(wt_engine_last_error(cc) == 0);
	fz_drain(cc, 0);

	while (fz_u8(&in, &op) && steps++ < 4096) {
		uint8_t a = 0, b = 0, c = 0;
		size_t n, room;
		uint8_t *p;

		switch (op % 16) {
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
		case 3: /* ServerHello: [suite index] */
			fz_u8(&in, &a);
			n = fz_server_hello_body(cc, fz_suites[a % 3], 0, 0, buf);
			fz_send_hs(cc, WT_HS_SERVER_HELLO, buf, n);
			break;
		case 4: /* HelloRetryRequest: [suite index (2 bits) | group index << 2] */
			fz_u8(&in, &a);
			n = fz_server_hello_body(cc, fz_suites[(a & 3) % 3], 1,
				fz_groups[(a >> 2) % 4], buf);
			fz_send_hs(cc, WT_HS_SERVER_HELLO, buf, n);
			break;
		case 5: /* EncryptedExtensions: [bit 0: ALPN h2, bit 1: ALPN "x"] */
			fz_u8(&in, &a);
			n = 0;
			buf[n++] = 0;
			buf[n++] = (a & 3) ? ((a & 1) ? 9 : 8) : 0;
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
			fz_send_hs(cc, WT_HS_ENCRYPTED_EXTENSIONS, buf, n);
			break;
		case 6: /* Certificate with the harness's ECDSA leaf */
			n = fz_certificate_body(buf);
			fz_send_hs(cc, WT_HS_CERTIFICATE, buf, n);
			break;
		case 7: /* CertificateVerify signed over the engine's transcript */
			n = fz_certificate_verify_body(cc, buf);
			if (n) {
				fz_send_hs(cc, WT_HS_CERTIFICATE_VERIFY, buf, n);
			}
			break;
		case 8: /* Finished from the engine's server handshake secret */
			n = fz_finished_body(cc, buf);
			if (n) {
				fz_send_hs(cc, WT_HS_FINISHED, buf, n);
			}
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
		fprintf(stderr, "  op %2u: state %02x done %d err 0x%x %s\n", op % 16,
			wt_engine_current_state(cc), wt_engine_handshake_done(cc),
			wt_engine_last_error(cc), wt_engine_error_reason(cc));
#endif
		if (wt_engine_current_state(cc) == WT_CLOSED) {
			break;
		}
	}
	fz_drain(cc, 0);
	wt_engine_eof(cc);
	fz_drain(cc, 0);
	FZ_ASSERT(!(wt_engine_current_state(cc) & WT_RECVREC));
	wt_engine_wipe(cc);
	fz_engine_free(cc);
	free(buf);
	return 0;
}
