/*
 * test_mlkem: drives src/sha3.c and src/mlkem.c with lines read from
 * stdin and prints one result line per input line. tests/mlkem.test.mjs
 * feeds it known answers, Wycheproof files and values from node:crypto,
 * and decides pass/fail. Hex fields, '-' for empty.
 *
 *   hash <alg> <msg> [outlen]
 *       alg: sha3-256, sha3-512, shake128, shake256 (outlen in bytes,
 *       SHAKE only) -> "ok <digest>"
 *   xof <128|256> <msg> <absorb pieces> <outlen> <squeeze pieces>
 *       pieces: comma-separated byte counts, used in turn until the data
 *       is done (absorb) or outlen bytes are out (squeeze) -> "ok <out>"
 *   keygen <k> <seed>            -> "ok <ek> <dk>" or "reject"
 *   encaps <k> <ek> <m>          -> "ok <ct> <ss>" or "reject"
 *   decaps <k> <dk> <ct>         -> "ok <ss>" or "reject"
 *   decaps_seed <k> <seed> <ct>  -> "ok <ss>" or "reject"
 *   kem <k> <seed> <ct>
 *       keygen, then decaps_seed and decaps(dk) of ct:
 *       -> "<ek> <r1> <r2>", r = ss hex or "reject"
 *   bench [iterations]
 *       keygen / encaps / decaps_seed timings for k = 3 and 4 (to stdout,
 *       one "bench ..." line each; no pass/fail)
 *
 * Wrong-length seeds or messages are the driver's to refuse ("error"):
 * the API takes them as fixed-size arrays. The exit status is 0 unless a
 * line could not be parsed.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"
#include "wt_internal.h"
#include "wt_mlkem.h"


static void
hex_out(const uint8_t *p, size_t n)
{
	if (n == 0) {
		printf("-");
	} else {
		unit_print_hex(p, n);
	}
}

/* Parses a comma-separated list of piece lengths; -1 unless at least one
 * is non-zero (zero-length calls are allowed and must be harmless). */
static int
pieces(const char *list, size_t *out, size_t cap)
{
	size_t n = 0, sum = 0;
	char *end;

	while (n < cap) {
		out[n] = strtoul(list, &end, 10);
		sum += out[n ++];
		if (*end != ',') {
			break;
		}
		list = end + 1;
	}
	return sum > 0 ? (int)n : -1;
}

/* ------------------------------------------------------------------ */

static int
run_hash(char **f, int nf)
{
	uint8_t *msg, *out;
	size_t mlen, olen;
	int ok = 1;

	if (nf < 3 || nf > 4) {
		return -1;
	}
	msg = unit_field(f[2], &mlen);
	if (msg == NULL) {
		return -1;
	}
	olen = nf == 4 ? strtoul(f[3], NULL, 10) : 0;
	out = malloc(olen + 64);
	if (strcmp(f[1], "sha3-256") == 0 && nf == 3) {
		wt_sha3_256(msg, mlen, out);
		olen = 32;
	} else if (strcmp(f[1], "sha3-512") == 0 && nf == 3) {
		wt_sha3_512(msg, mlen, out);
		olen = 64;
	} else if ((strcmp(f[1], "shake128") == 0
		|| strcmp(f[1], "shake256") == 0) && nf == 4)
	{
		wt_shake_ctx c;

		wt_shake_init(&c, f[1][5] == '1' ? 128 : 256);
		wt_shake_absorb(&c, msg, mlen);
		wt_shake_flip(&c);
		wt_shake_squeeze(&c, out, olen);
	} else {
		ok = 0;
	}
	if (ok) {
		printf("ok ");
		hex_out(out, olen);
		printf("\n");
	}
	free(msg);
	free(out);
	return ok ? 0 : -1;
}

static int
run_xof(char **f, int nf)
{
	uint8_t *msg, *out;
	size_t mlen, olen, done, idx, n, ab[32], sq[32];
	int nab, nsq;
	wt_shake_ctx c;

	if (nf != 6) {
		return -1;
	}
	nab = pieces(f[3], ab, 32);
	nsq = pieces(f[5], sq, 32);
	msg = unit_field(f[2], &mlen);
	if (msg == NULL || nab < 0 || nsq < 0) {
		free(msg);
		return -1;
	}
	olen = strtoul(f[4], NULL, 10);
	out = malloc(olen + 1);
	wt_shake_init(&c, strcmp(f[1], "128") == 0 ? 128 : 256);
	for (done = 0, idx = 0; done < mlen; done += n) {
		n = ab[idx ++ % (size_t)nab];
		if (n > mlen - done) {
			n = mlen - done;
		}
		wt_shake_absorb(&c, msg + done, n);
	}
	wt_shake_flip(&c);
	for (done = 0, idx = 0; done < olen; done += n) {
		n = sq[idx ++ % (size_t)nsq];
		if (n > olen - done) {
			n = olen - done;
		}
		wt_shake_squeeze(&c, out + done, n);
	}
	printf("ok ");
	hex_out(out, olen);
	printf("\n");
	free(msg);
	free(out);
	return 0;
}

static int
run_keygen(char **f, int nf)
{
	uint8_t *seed, ek[WT_MLKEM_MAX_EK_LEN], dk[WT_MLKEM_MAX_DK_LEN];
	size_t slen;
	unsigned k;

	if (nf != 3) {
		return -1;
	}
	k = (unsigned)strtoul(f[1], NULL, 10);
	seed = unit_field(f[2], &slen);
	if (seed == NULL || slen != WT_MLKEM_SEED_LEN) {
		free(seed);
		return -1;
	}
	if (wt_mlkem_keygen(k, seed, ek, dk) != 0) {
		printf("reject\n");
	} else {
		printf("ok ");
		hex_out(ek, wt_mlkem_ek_len(k));
		printf(" ");
		hex_out(dk, wt_mlkem_dk_len(k));
		printf("\n");
	}
	free(seed);
	return 0;
}

static int
run_encaps(char **f, int nf)
{
	uint8_t *ek, *m, ct[WT_MLKEM_MAX_CT_LEN], ss[32];
	size_t eklen, mlen;
	unsigned k;
	int r = -1;

	if (nf != 4) {
		return -1;
	}
	k = (unsigned)strtoul(f[1], NULL, 10);
	ek = unit_field(f[2], &eklen);
	m = unit_field(f[3], &mlen);
	if (ek && m && mlen == WT_MLKEM_MSG_LEN) {
		r = 0;
		if (wt_mlkem_encaps(k, ek, eklen, m, ct, ss) != 0) {
			printf("reject\n");
		} else {
			printf("ok ");
			hex_out(ct, wt_mlkem_ct_len(k));
			printf(" ");
			hex_out(ss, 32);
			printf("\n");
		}
	}
	free(ek);
	free(m);
	return r;
}

static int
run_decaps(char **f, int nf, int from_seed)
{
	uint8_t *key, *ct, ss[32];
	size_t klen, ctlen;
	unsigned k;
	int r = -1, v;

	if (nf != 4) {
		return -1;
	}
	k = (unsigned)strtoul(f[1], NULL, 10);
	key = unit_field(f[2], &klen);
	ct = unit_field(f[3], &ctlen);
	if (key && ct && klen == (from_seed ? WT_MLKEM_SEED_LEN
		: wt_mlkem_dk_len(k)) && klen > 0)
	{
		r = 0;
		v = from_seed ? wt_mlkem_decaps_seed(k, key, ct, ctlen, ss)
			: wt_mlkem_decaps(k, key, ct, ctlen, ss);
		if (v != 0) {
			CHECK(v == -1);
			printf("reject\n");
		} else {
			printf("ok ");
			hex_out(ss, 32);
			printf("\n");
		}
	}
	free(key);
	free(ct);
	return r;
}

static int
run_kem(char **f, int nf)
{
	uint8_t *seed, *ct, ek[WT_MLKEM_MAX_EK_LEN], dk[WT_MLKEM_MAX_DK_LEN];
	uint8_t ss1[32], ss2[32];
	size_t slen, ctlen;
	unsigned k;
	int r1, r2;

	if (nf != 4) {
		return -1;
	}
	k = (unsigned)strtoul(f[1], NULL, 10);
	seed = unit_field(f[2], &slen);
	ct = unit_field(f[3], &ctlen);
	if (seed == NULL || ct == NULL || slen != WT_MLKEM_SEED_LEN
		|| wt_mlkem_keygen(k, seed, ek, dk) != 0)
	{
		free(seed);
		free(ct);
		return -1;
	}
	r1 = wt_mlkem_decaps_seed(k, seed, ct, ctlen, ss1);
	r2 = wt_mlkem_decaps(k, dk, ct, ctlen, ss2);
	hex_out(ek, wt_mlkem_ek_len(k));
	printf(" ");
	if (r1 == 0) {
		hex_out(ss1, 32);
	} else {
		printf("reject");
	}
	printf(" ");
	if (r2 == 0) {
		hex_out(ss2, 32);
	} else {
		printf("reject");
	}
	printf("\n");
	free(seed);
	free(ct);
	return 0;
}

/* ------------------------------------------------------------------ */

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int
run_bench(char **f, int nf)
{
	uint8_t seed[64], m[32], ek[WT_MLKEM_MAX_EK_LEN], ct[WT_MLKEM_MAX_CT_LEN];
	uint8_t ss[32], ss2[32];
	unsigned k, i, iters = nf > 1 ? (unsigned)strtoul(f[1], NULL, 10) : 1000;
	double t0, t_kg, t_enc, t_dec;

	if (iters == 0) {
		iters = 1;
	}
	for (i = 0; i < 64; i ++) {
		seed[i] = (uint8_t)(i * 7 + 1);
	}
	memset(m, 0x42, sizeof m);
	for (k = 3; k <= 4; k ++) {
		t0 = now_us();
		for (i = 0; i < iters; i ++) {
			seed[0] = (uint8_t)i;
			wt_mlkem_keygen(k, seed, ek, NULL);
		}
		t_kg = (now_us() - t0) / iters;
		t0 = now_us();
		for (i = 0; i < iters; i ++) {
			m[0] = (uint8_t)i;
			wt_mlkem_encaps(k, ek, wt_mlkem_ek_len(k), m, ct, ss);
		}
		t_enc = (now_us() - t0) / iters;
		t0 = now_us();
		for (i = 0; i < iters; i ++) {
			wt_mlkem_decaps_seed(k, seed, ct, wt_mlkem_ct_len(k), ss2);
		}
		t_dec = (now_us() - t0) / iters;
		CHECK(memcmp(ss, ss2, 32) == 0);
		printf("bench ML-KEM-%u: keygen %.1f us, encaps %.1f us, "
			"decaps_seed %.1f us (%u iterations)\n",
			k == 3 ? 768 : 1024, t_kg, t_enc, t_dec, iters);
	}
	return 0;
}

/* ------------------------------------------------------------------ */

static int
run_line(char **f, int nf)
{
	if (strcmp(f[0], "hash") == 0) {
		return run_hash(f, nf);
	} else if (strcmp(f[0], "xof") == 0) {
		return run_xof(f, nf);
	} else if (strcmp(f[0], "keygen") == 0) {
		return run_keygen(f, nf);
	} else if (strcmp(f[0], "encaps") == 0) {
		return run_encaps(f, nf);
	} else if (strcmp(f[0], "decaps") == 0) {
		return run_decaps(f, nf, 0);
	} else if (strcmp(f[0], "decaps_seed") == 0) {
		return run_decaps(f, nf, 1);
	} else if (strcmp(f[0], "kem") == 0) {
		return run_kem(f, nf);
	} else if (strcmp(f[0], "bench") == 0) {
		return run_bench(f, nf);
	} else {
		return -1;
	}
}

int
main(void)
{
	return unit_vector_main(run_line);
}
