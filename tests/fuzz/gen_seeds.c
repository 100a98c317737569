/*
 * Not a fuzz target (CMake builds only fuzz_*.c): writes the engine seed
 * corpora that need our real ClientHello (the ServerHello must echo the
 * session id the deterministic host produced), and checks that the
 * full-handshake fuzz_engine programs really complete a handshake.
 *
 *   clang -Isrc -Ithird_party/bearssl/inc -Itests/fuzz tests/fuzz/gen_seeds.c \
 *     build/asan/libwasmtls.a build/asan/libbearssl.a -fsanitize=address,undefined \
 *     -o build/gen_seeds && build/gen_seeds tests/fuzz/corpus
 */
#define FZ_TRACE 1
#include "fuzz_engine.c"

static const char *outdir;

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

/* A fresh engine in the state every engine target starts in. */
static wt_engine_ctx *start(fz_host_state *hs, wt_host *host, wt_config *cfg)
{
	wt_engine_ctx *cc;

	fz_host_init(host, hs);
	fz_config_init(cfg);
	cc = fz_engine_new(cfg, host);
	fz_drain(cc, 0);
	return cc;
}

static void record_seeds(void)
{
	fz_host_state hs;
	wt_host host;
	wt_config cfg;
	wt_engine_ctx *cc = start(&hs, &host, &cfg);
	uint8_t body[256], msg[512], rec[1024], in[2048];
	size_t bl, rl, n, i;

	bl = fz_server_hello_body(cc, WT_TLS_AES_128_GCM_SHA256, 0, 0, body);
	msg[0] = WT_HS_SERVER_HELLO;
	msg[1] = 0;
	msg[2] = (uint8_t)(bl >> 8);
	msg[3] = (uint8_t)bl;
	memcpy(msg + 4, body, bl);
	rl = fz_make_record(cc, WT_CT_HANDSHAKE, msg, 4 + bl, 0, rec);

	/* one chunk: the ServerHello record */
	in[0] = 0;
	memcpy(in + 1, rec, rl);
	put("fuzz_record", "server_hello", in, 1 + rl);

	/* ServerHello + CCS + a (bogus) encrypted record, in 7-byte chunks */
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

	/* HelloRetryRequest for secp256r1 */
	bl = fz_server_hello_body(cc, WT_TLS_AES_128_GCM_SHA256, 1, WT_GROUP_SECP256R1, body);
	msg[2] = (uint8_t)(bl >> 8);
	msg[3] = (uint8_t)bl;
	memcpy(msg + 4, body, bl);
	rl = fz_make_record(cc, WT_CT_HANDSHAKE, msg, 4 + bl, 0, rec);
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
	/* Reproducer for the BearSSL/UBSan alignment abort (fuzz_record
	 * built with -DFZ_WITH_CHACHA=1): ServerHello choosing
	 * ChaCha20-Poly1305, then one 40-byte protected record. */
	bl = fz_server_hello_body(cc, WT_TLS_CHACHA20_POLY1305_SHA256, 0, 0, body);
	msg[2] = (uint8_t)(bl >> 8);
	msg[3] = (uint8_t)bl;
	memcpy(msg + 4, body, bl);
	rl = fz_make_record(cc, WT_CT_HANDSHAKE, msg, 4 + bl, 0, rec);
	in[0] = 0;
	memcpy(in + 1, rec, rl);
	n = 1 + rl;
	memcpy(in + n, "\x17\x03\x03\x00\x28", 5);
	n += 5;
	for (i = 0; i < 40; i++) {
		in[n++] = (uint8_t)(0x40 + i);
	}
	{
		char path[512];
		FILE *f;

		snprintf(path, sizeof path, "%s/../crashes/fuzz_record-chacha-ubsan-misaligned", outdir);
		f = fopen(path, "wb");
		if (f != NULL) {
			fwrite(in, 1, n, f);
			fclose(f);
		}
	}
	fz_engine_free(cc);
}

/* fuzz_engine programs (see the opcode table in fuzz_engine.c). */
static const uint8_t prog_full[] = {
	3, 0,            /* ServerHello, AES-128-GCM */
	1, 20, 0, 0, 1, 1, /* CCS */
	5, 1,            /* EE with ALPN h2 */
	6, 7, 8,         /* Certificate, CertificateVerify, Finished */
	1, 23, 3, 0, 5, 'h', 'e', 'l', 'l', 'o', /* app data, 3 bytes padding */
	2, 4, 0, 15, 0, 0, 0, 60, 1, 2, 3, 4, 0, 0, 2, 0xab, 0xcd, 0, 0, /* NewSessionTicket */
	2, 24, 0, 1, 1,  /* KeyUpdate(update_requested) */
	1, 23, 0, 0, 3, 'a', 'f', 't', /* app data under the new key */
	13, 10, 0, 9,    /* 970 bytes of app data, flush */
	11, 0,           /* our KeyUpdate */
	12, 32, 0,       /* export */
	1, 21, 0, 0, 2, 1, 0, /* close_notify */
	10               /* close */
};
static const uint8_t prog_hrr[] = {
	4, 1 | (1 << 2), /* HRR: AES-256-GCM, secp256r1 */
	3, 1,            /* ServerHello with a P-256 share */
	5, 0, 6, 7, 8,   /* rest of the flight */
	1, 23, 0, 0, 2, 'o', 'k',
};
static const uint8_t prog_chacha[] = {
	3, 1, 5, 0, 6, 7, 8,
	14, 3,           /* partial drain */
	13, 255, 1,      /* sendapp ack beyond room */
};
static const uint8_t prog_cr[] = {
	3, 0, 5, 0,
	2, 13, 0, 11, 0, 0, 8, 0, 13, 0, 4, 0, 2, 4, 3, /* CertificateRequest */
	6, 7, 8,
	15               /* eof */
};

static void engine_check(const char *name, const uint8_t *p, size_t n, int want_done)
{
	(void)want_done;
	fprintf(stderr, "%s:\n", name);
	LLVMFuzzerTestOneInput(p, n);
	put("fuzz_engine", name, p, n);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_seeds CORPUS_DIR\n");
		return 2;
	}
	outdir = argv[1];
	record_seeds();
	engine_check("full_handshake", prog_full, sizeof prog_full, 1);
	engine_check("hrr", prog_hrr, sizeof prog_hrr, 0);
	engine_check("aes256_misuse", prog_chacha, sizeof prog_chacha, 1);
	engine_check("certificate_request", prog_cr, sizeof prog_cr, 1);
	return 0;
}
