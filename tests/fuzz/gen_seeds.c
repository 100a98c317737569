/*
 * Not a fuzz target (CMake builds it as gen_fuzz_seeds under -DWT_FUZZ=ON,
 * linked to wasmtls_fuzz like the targets): writes the seed corpora that
 * need our real ClientHello (the ServerHello must echo the session id the
 * deterministic host produced) or the fuzzing build's null cipher, and
 * checks that every fuzz_engine program gets where it is meant to
 * (handshake states, PSK, 0-RTT, client certificate), printing the trace.
 *
 *   cmake --build build/h4fuzz --target gen_fuzz_seeds &&
 *     build/h4fuzz/gen_fuzz_seeds tests/fuzz/corpus
 */
#define FZ_TRACE 1
#define FZ_TRACE_HOOK(cc) trace_hook(cc)

#include "wasmtls.h"
#include "wt_internal.h"
static void trace_hook(const wt_engine_ctx *cc);

#include "fuzz_engine.c"

static const char *outdir;

/* What a program reached (FZ_TRACE_HOOK after every step). */
static struct {
	unsigned hs_states;     /* bit per hs13.c state (TLS 1.2's, from 100, in tls12_states) */
	unsigned tls12_states;
	unsigned early_states;  /* bit per WT_EARLY_* */
	int psk, cert_sent, hrr, done, early_sent;
	int err;
} seen;

static void trace_hook(const wt_engine_ctx *cc)
{
	if (cc->hs_state < 32) {
		seen.hs_states |= 1u << cc->hs_state;
	} else if (cc->hs_state >= 100 && cc->hs_state < 132) {
		seen.tls12_states |= 1u << (cc->hs_state - 100);
	}
	seen.early_states |= 1u << cc->early_state;
	seen.psk |= cc->using_psk;
	seen.cert_sent |= cc->client_cert_sent;
	seen.hrr |= cc->hrr_seen;
	seen.done |= cc->handshake_done;
	seen.early_sent |= cc->early_sent > 0;
	if (seen.err == 0) {
		seen.err = cc->err;
	}
}

static void put(const char *target, const char *name, const uint8_t *p, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s/%s", outdir, target, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* ------------------------------------------------------------------ */
/* fuzz_record: raw server bytes                                        */
/* ------------------------------------------------------------------ */

static size_t hs_msg(uint8_t type, const uint8_t *body, size_t len, uint8_t *out)
{
	out[0] = type;
	out[1] = (uint8_t)(len >> 16);
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)len;
	memcpy(out + 4, body, len);
	return 4 + len;
}

/* A record under the fuzzing build's null cipher: inner type, zero tag. */
static size_t protected_record(uint8_t type, const uint8_t *data, size_t len,
	uint8_t *out)
{
	size_t n = len + 1 + 16;

	out[0] = WT_CT_APPLICATION_DATA;
	out[1] = 0x03;
	out[2] = 0x03;
	out[3] = (uint8_t)(n >> 8);
	out[4] = (uint8_t)n;
	memcpy(out + 5, data, len);
	out[5 + len] = type;
	memset(out + 5 + len + 1, 0, 16);
	return 5 + n;
}

static void record_seeds(void)
{
	fz_host_state hs;
	wt_engine_ctx *cc = fz_engine_start(fz_config_init, &hs);
	static uint8_t body[4096], msg[4096], rec[4096], in[16384];
	size_t bl, ml, rl, n, i;

	fz_drain(cc, 0);
	bl = fz_server_hello_body(cc, WT_TLS_AES_128_GCM_SHA256, 0, 0, 0, body);
	ml = hs_msg(WT_HS_SERVER_HELLO, body, bl, msg);
	rl = fz_make_record(cc, WT_CT_HANDSHAKE, msg, ml, 0, rec);

	/* one chunk: the ServerHello record */
	in[0] = 0;
	memcpy(in + 1, rec, rl);
	put("fuzz_record", "server_hello", in, 1 + rl);

	/* ServerHello + CCS + a protected record with a bad tag, in 7-byte chunks */
	{
		uint8_t all[1024];
		size_t al = 0;
		static const uint8_t ccs[] = { 0x14, 0x03, 0x03, 0x00, 0x01, 0x01 };
		static const uint8_t enc[] = { 0x17, 0x03, 0x03, 0x00, 0x14,
			8, 0, 0, 2, 0, 0, 22, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 };

		memcpy(all, rec, rl);
		al = rl;
		memcpy(all + al, ccs, sizeof ccs);
		al += sizeof ccs;
		memcpy(all + al, enc, sizeof enc);
		al += sizeof enc;
		for (i = 0, n = 0; i < al; i += 7) {
			size_t k = al - i < 7 ? al - i : 7;

			in[n++] = (uint8_t)k;
			memcpy(in + n, all + i, k);
			n += k;
		}
		put("fuzz_record", "server_hello_ccs_enc_chunked", in, n);
	}

	/* the whole server flight and some application data, as raw bytes
	 * in one chunk: ServerHello, CCS, then null-cipher records */
	{
		static const uint8_t ccs[] = { 0x14, 0x03, 0x03, 0x00, 0x01, 0x01 };
		static const uint8_t ee[] = { 0, 0 };
		static const uint8_t close_notify[] = { 1, 0 };
		uint8_t fin[32];

		n = 0;
		in[n++] = 0;
		memcpy(in + n, rec, rl);
		n += rl;
		memcpy(in + n, ccs, sizeof ccs);
		n += sizeof ccs;
		ml = hs_msg(WT_HS_ENCRYPTED_EXTENSIONS, ee, sizeof ee, msg);
		n += protected_record(WT_CT_HANDSHAKE, msg, ml, in + n);
		bl = fz_certificate_body(body);
		ml = hs_msg(WT_HS_CERTIFICATE, body, bl, msg);
		n += protected_record(WT_CT_HANDSHAKE, msg, ml, in + n);
		bl = fz_certificate_verify_body(body);
		ml = hs_msg(WT_HS_CERTIFICATE_VERIFY, body, bl, msg);
		n += protected_record(WT_CT_HANDSHAKE, msg, ml, in + n);
		memset(fin, 0, sizeof fin);
		ml = hs_msg(WT_HS_FINISHED, fin, sizeof fin, msg);
		n += protected_record(WT_CT_HANDSHAKE, msg, ml, in + n);
		n += protected_record(WT_CT_APPLICATION_DATA, (const uint8_t *)"hello", 5, in + n);
		n += protected_record(WT_CT_ALERT, close_notify, 2, in + n);
		put("fuzz_record", "full_flight", in, n);
	}

	/* HelloRetryRequest for secp256r1 */
	bl = fz_server_hello_body(cc, WT_TLS_AES_128_GCM_SHA256, 1, WT_GROUP_SECP256R1, 0, body);
	ml = hs_msg(WT_HS_SERVER_HELLO, body, bl, msg);
	rl = fz_make_record(cc, WT_CT_HANDSHAKE, msg, ml, 0, rec);
	in[0] = 0;
	memcpy(in + 1, rec, rl);
	put("fuzz_record", "hello_retry_request", in, 1 + rl);

	/* a fatal alert and a TLS 1.2-style garbage start */
	{
		static const uint8_t alert[] = { 0, 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28 };
		static const uint8_t http[] = { 0, 'H', 'T', 'T', 'P', '/', '1', '.', '1', ' ', '4', '0', '0' };

		put("fuzz_record", "alert", alert, sizeof alert);
		put("fuzz_record", "not_tls", http, sizeof http);
	}
	fz_engine_free(cc);
}

/* ------------------------------------------------------------------ */
/* fuzz_session: blobs                                                  */
/* ------------------------------------------------------------------ */

/* Writes s as seed `name` (it must round-trip); returns its length. */
static size_t put_session(const char *name, const wt_session *s, uint8_t *blob, size_t cap)
{
	size_t n = wt_session_write(s, blob, cap);

	FZ_ASSERT(n && fz_session_roundtrip(blob, n));
	put("fuzz_session", name, blob, n);
	return n;
}

static void session_seeds(void)
{
	uint8_t blob[2048];
	wt_session s;
	size_t n;

	n = fz_session_blob(0, blob, sizeof blob);
	FZ_ASSERT(n && fz_session_roundtrip(blob, n));
	put("fuzz_session", "resumable", blob, n);
	n = fz_session_blob(16384, blob, sizeof blob);
	FZ_ASSERT(n && fz_session_roundtrip(blob, n));
	put("fuzz_session", "early_data", blob, n);

	/* verified (full mode) for an IP literal, SHA-384 suite, no ALPN */
	FZ_ASSERT(wt_session_parse(&s, blob, n) == 0);
	{
		static const uint8_t psk48[48] = { 9 };
		uint8_t copy[2048];

		memcpy(copy, blob, n);
		FZ_ASSERT(wt_session_parse(&s, copy, n) == 0);
		s.suite = wt_suite_get(WT_TLS_AES_256_GCM_SHA384);
		s.psk = psk48;
		s.verify_mode = WT_VERIFY_FULL;
		s.verified = 1;
		memset(s.trust_digest, 0xab, 32);
		s.alpn_len = 0;
		s.server_name_len = 0;
		s.verify_ip = (const uint8_t *)"192.0.2.1";
		s.verify_ip_len = 9;
		n = put_session("verified_ip_sha384", &s, blob, sizeof blob);

		/* no certificates, ChaCha20 */
		n = fz_session_blob(0, copy, sizeof copy);
		FZ_ASSERT(wt_session_parse(&s, copy, n) == 0);
		s.suite = wt_suite_get(WT_TLS_CHACHA20_POLY1305_SHA256);
		s.cert_count = 0;
		n = put_session("no_certs_chacha", &s, blob, sizeof blob);

		/* a stapled OCSP response and an SCT list of two SCTs */
		n = fz_session_blob(0, copy, sizeof copy);
		FZ_ASSERT(wt_session_parse(&s, copy, n) == 0);
		s.ocsp = (const uint8_t *)"\x30\x03\x0a\x01\x00";
		s.ocsp_len = 5;
		s.sct_list = (const uint8_t *)"\x00\x08\x00\x02s1\x00\x02s2";
		s.sct_list_len = 10;
		n = put_session("ocsp_sct", &s, blob, sizeof blob);
	}
	/* a version 1 header does not parse */
	blob[3] = 1;
	FZ_ASSERT(!fz_session_roundtrip(blob, n));
	put("fuzz_session", "version1", blob, n);
}

/* fuzz_x509: the harness's P-256 leaf, which is also the anchor */
static void x509_seeds(void)
{
	uint8_t in[3 + sizeof fz_cert_der];

	in[1] = (uint8_t)(sizeof fz_cert_der >> 8);
	in[2] = (uint8_t)sizeof fz_cert_der;
	memcpy(in + 3, fz_cert_der, sizeof fz_cert_der);
	in[0] = 1;   /* host name example.com */
	put("fuzz_x509", "ecdsa_self_host", in, sizeof in);
	in[0] = 0;
	put("fuzz_x509", "ecdsa_self_nohost", in, sizeof in);
}

/* ------------------------------------------------------------------ */
/* fuzz_engine: programs (configuration byte, then the opcode table in  */
/* fuzz_engine.c)                                                       */
/* ------------------------------------------------------------------ */

#define HANDSHAKE_FLIGHT 5, 1, 6, 7, 8   /* EE with ALPN h2, Cert, CV, Fin */

static const uint8_t prog_full_handshake[] = {
	0,               /* no session, no client certificate */
	3, 0,            /* ServerHello, AES-128-GCM */
	1, 20, 0, 0, 1, 1, /* CCS */
	HANDSHAKE_FLIGHT,
	1, 23, 3, 0, 5, 'h', 'e', 'l', 'l', 'o', /* app data, 3 bytes padding */
	17, 1,           /* NewSessionTicket allowing 0-RTT */
	17, 4,           /* NewSessionTicket with a 4097-byte ticket */
	2, 24, 0, 1, 1,  /* KeyUpdate(update_requested) */
	1, 23, 0, 0, 3, 'a', 'f', 't', /* app data under the new key */
	13, 10, 0, 9,    /* 970 bytes of app data, flush */
	11, 0,           /* our KeyUpdate */
	12, 32, 0,       /* export */
	1, 21, 0, 0, 2, 1, 0, /* close_notify */
	10               /* close */
};
static const uint8_t prog_hrr[] = {
	0,
	4, 1 | (1 << 2), /* HRR: AES-256-GCM, secp256r1 */
	3, 1,            /* ServerHello with a P-256 share */
	HANDSHAKE_FLIGHT,
	1, 23, 0, 0, 2, 'o', 'k',
};
static const uint8_t prog_hrr_p384_cookie[] = {
	0,
	4, 2 | (2 << 2) | 16, /* HRR: ChaCha20, secp384r1, cookie */
	3, 2,
	HANDSHAKE_FLIGHT,
	17, 0,
};
static const uint8_t prog_aes256_misuse[] = {
	0,
	3, 1, 5, 0, 6, 7, 8,
	14, 3,           /* partial drain */
	13, 255, 1,      /* sendapp ack beyond room */
};
static const uint8_t prog_resumption[] = {
	1,               /* a resumable session */
	3, 4,            /* ServerHello accepting the PSK */
	5, 1,            /* EE, ALPN h2 */
	8,               /* Finished: no certificate messages */
	17, 0,           /* a new ticket */
	1, 23, 0, 0, 2, 'o', 'k',
	10
};
static const uint8_t prog_resumption_declined[] = {
	1,
	3, 0,            /* ServerHello without pre_shared_key: full handshake */
	HANDSHAKE_FLIGHT,
	17, 0,
};
/* TLS 1.2 (hs12.c): ServerHello ops 18 [suite | flags << 3], Certificate
 * 19, ServerKeyExchange 20 [P-256?], ServerHelloDone 21, CCS + Finished
 * 22, NewSessionTicket 23 [ticket length] */
static const uint8_t prog_tls12_full[] = {
	0,
	18, 0 | (1 | 2) << 3, /* ECDHE-ECDSA AES-128-GCM, EMS, ticket */
	19, 20, 0,       /* Certificate, ServerKeyExchange (x25519) */
	21,              /* ServerHelloDone: our flight */
	23, 12,          /* NewSessionTicket */
	22,              /* CCS, Finished */
	1, 23, 0, 0, 2, 'o', 'k',
	13, 3, 0, 9,     /* application data, flush */
	12, 32, 0,       /* export (EMS) */
	11, 0,           /* KeyUpdate: refused in TLS 1.2 */
	1, 21, 0, 0, 2, 1, 0,
	10
};
static const uint8_t prog_tls12_p256_chacha_no_ems[] = {
	8,               /* no_middlebox_compat, request_ocsp + request_sct */
	18, 2 | 4 << 3,  /* ECDHE-ECDSA ChaCha20, status_request acked, no EMS */
	19, 20, 1, 21, 22,
	1, 23, 0, 0, 2, 'o', 'k',
	12, 16, 0,       /* export refused without EMS */
	2, 0, 0, 0,      /* HelloRequest: no_renegotiation */
};
static const uint8_t prog_0rtt[] = {
	2,               /* a session allowing 0-RTT, cfg.early_data */
	13, 5, 0, 9,     /* 485 bytes of early data, flush */
	3, 4,            /* ServerHello accepting the PSK */
	5, 1 | 4,        /* EE: ALPN h2, early_data */
	8,               /* Finished: EndOfEarlyData goes out */
	13, 1, 2, 9,     /* application data */
	1, 23, 0, 0, 2, 'o', 'k',
};
static const uint8_t prog_0rtt_rejected[] = {
	2,
	13, 5, 0, 9,
	3, 4,
	5, 1,            /* EE without early_data: rejected */
	8,
	13, 1, 2, 9,
};
static const uint8_t prog_0rtt_hrr[] = {
	2,
	13, 2, 0, 9,
	4, 0 | (1 << 2), /* HRR (P-256): 0-RTT rejected, PSK kept */
	3, 4,
	5, 1,
	8,
};
static const uint8_t prog_client_cert[] = {
	4,               /* a client certificate */
	3, 0,
	5, 1,
	16, 1,           /* CertificateRequest offering ecdsa_secp256r1_sha256 */
	6, 7, 8,         /* our Certificate + CertificateVerify + Finished go out */
	1, 23, 0, 0, 2, 'o', 'k',
};
static const uint8_t prog_client_cert_incompatible[] = {
	4,
	3, 0, 5, 1,
	16, 4,           /* only rsa_pss_rsae_sha256, certificate_authorities */
	6, 7, 8,         /* handshake_failure */
};
static const uint8_t prog_certificate_request_no_cert[] = {
	0,
	3, 0, 5, 0,
	2, 13, 0, 11, 0, 0, 8, 0, 13, 0, 4, 0, 2, 4, 3, /* raw CertificateRequest */
	6, 7, 8,         /* an empty Certificate goes out */
	15               /* eof */
};
static const uint8_t prog_resumption_client_cert[] = {
	1 | 4 | 8,       /* session, client certificate, no middlebox compat */
	3, 4, 5, 1, 8,
	13, 1, 2, 9,
};

static const uint8_t prog_pq_hrr_mlkem1024[] = {
	16,              /* post-quantum groups, GREASE, permuted extensions */
	4, 0 | (1 << 2) | 32, /* HRR: MLKEM1024 (fz_groups[5]) */
	3, 0,            /* ServerHello with an MLKEM1024 ciphertext */
	HANDSHAKE_FLIGHT,
	1, 23, 0, 0, 2, 'o', 'k',
};
static const uint8_t prog_external_psk[] = {
	32,              /* two external PSKs */
	3, 4,            /* ServerHello taking identity 0 (the plain PSK) */
	5, 1,
	8,               /* Finished: no certificate messages */
	17, 0,           /* a ticket bound to the PSK */
	1, 23, 0, 0, 2, 'o', 'k',
};
static const uint8_t prog_external_psk_cert[] = {
	32,
	3, 4, 5, 1,
	6,               /* a Certificate after the PSK: unexpected_message */
};

static void engine_check(const char *name, const uint8_t *p, size_t n)
{
	fprintf(stderr, "%s:\n", name);
	memset(&seen, 0, sizeof seen);
	LLVMFuzzerTestOneInput(p, n);
	fprintf(stderr, "  => hs states %#x, early states %#x, psk %d, hrr %d, "
		"cert sent %d, done %d, early data %d, first error 0x%x\n",
		seen.hs_states, seen.early_states, seen.psk, seen.hrr,
		seen.cert_sent, seen.done, seen.early_sent, seen.err);
	put("fuzz_engine", name, p, n);
}

int main(int argc, char **argv)
{
	static uint8_t carved[2048];
	size_t n;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_fuzz_seeds CORPUS_DIR\n");
		return 2;
	}
	outdir = argv[1];
	record_seeds();
	session_seeds();
	x509_seeds();

#define CHECK(prog, cond) do { \
	engine_check(&#prog[5], prog, sizeof prog); \
	if (!(cond)) { \
		fprintf(stderr, "%s: expected %s\n", #prog, #cond); \
		return 1; \
	} \
} while (0)
	/* hs13.c states: 1 WAIT_SH, 2 WAIT_SH_AFTER_HRR, 3 WAIT_EE,
	 * 4 WAIT_CERT_OR_CR, 5 WAIT_CERT, 6 WAIT_CV, 7 WAIT_FINISHED, 8 DONE */
	CHECK(prog_full_handshake, seen.done && (seen.hs_states & 0x1d8) == 0x1d8 && !seen.err);
	CHECK(prog_hrr, seen.done && seen.hrr && (seen.hs_states & 4) && !seen.err);
	CHECK(prog_hrr_p384_cookie, seen.done && seen.hrr && !seen.err);
	CHECK(prog_aes256_misuse, seen.done && seen.err == WT_ERR_BAD_STATE);
	CHECK(prog_resumption, seen.done && seen.psk && !(seen.hs_states & 0x70) && !seen.err);
	CHECK(prog_resumption_declined, seen.done && !seen.psk && !seen.err);
	CHECK(prog_0rtt, seen.done && seen.psk && seen.early_sent
		&& (seen.early_states & (1u << WT_EARLY_ACCEPTED)) && !seen.err);
	CHECK(prog_0rtt_rejected, seen.done && seen.early_sent
		&& (seen.early_states & (1u << WT_EARLY_REJECTED)) && !seen.err);
	CHECK(prog_0rtt_hrr, seen.done && seen.hrr && seen.psk
		&& (seen.early_states & (1u << WT_EARLY_REJECTED)) && !seen.err);
	CHECK(prog_client_cert, seen.done && seen.cert_sent
		&& (seen.hs_states & (1u << 5)) && !seen.err);
	CHECK(prog_client_cert_incompatible, seen.err == WT_ALERT_HANDSHAKE_FAILURE);
	CHECK(prog_pq_hrr_mlkem1024, seen.done && seen.hrr && !seen.err);
	CHECK(prog_external_psk, seen.done && seen.psk && !(seen.hs_states & 0x70) && !seen.err);
	CHECK(prog_external_psk_cert, seen.err == WT_ALERT_UNEXPECTED_MESSAGE);
	CHECK(prog_certificate_request_no_cert, seen.done && !seen.cert_sent
		&& seen.err == WT_ERR_TRUNCATED);
	CHECK(prog_resumption_client_cert, seen.done && seen.psk && !seen.err);
	/* hs12.c states (from 100): 0 WAIT_CERT, 1 WAIT_SKE, 2 WAIT_SHD,
	 * 3 WAIT_TICKET, 4 WAIT_CCS, 5 WAIT_FINISHED (passed within op 22), 6 DONE */
	CHECK(prog_tls12_full, seen.done && (seen.tls12_states & 0x5f) == 0x5f && !seen.err);
	CHECK(prog_tls12_p256_chacha_no_ems, seen.done && seen.err == WT_ALERT_NO_RENEGOTIATION);

	/* configuration 3: the session blob comes from the input */
	carved[0] = 3;
	n = fz_session_blob(16384, carved + 3, sizeof carved - 3);
	carved[1] = (uint8_t)(n >> 8);
	carved[2] = (uint8_t)n;
	memcpy(carved + 3 + n, prog_0rtt + 1, sizeof prog_0rtt - 1);
	n += 3 + sizeof prog_0rtt - 1;
	engine_check("carved_session_0rtt", carved, n);
	if (!(seen.done && seen.psk && (seen.early_states & (1u << WT_EARLY_ACCEPTED)))) {
		fprintf(stderr, "carved_session_0rtt: expected an accepted 0-RTT resumption\n");
		return 1;
	}
	return 0;
}
