/*
 * ML-KEM-768 timing for the client's part of X25519MLKEM768, done as
 * src/kex.c does it: key generation from a 64-byte seed (ek and dk), then
 * decapsulation with dk (the share keeps its parts). The server's
 * encapsulation is not timed. `make bench`
 * builds it for wasm against the npm package's libraries (bench/bench.mk)
 * and bench/wasm_bench.mjs runs it; prints microseconds per
 * keygen+decaps (median of rounds).
 *
 *   bench_mlkem [ITERATIONS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "wt_mlkem.h"

static double
now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	enum { ROUNDS = 15 };
	static uint8_t ek[WT_MLKEM768_EK_LEN], ct[WT_MLKEM768_CT_LEN], dk[WT_MLKEM768_DK_LEN];
	uint8_t seed[64], m[32], ss_enc[32], ss_dec[32];
	double per[ROUNDS];
	int iters = argc > 1 ? atoi(argv[1]) : 200;
	if (iters < 1)
		iters = 1;
	for (int r = 0; r < ROUNDS; r++) {
		double t = 0;
		for (int i = 0; i < iters; i++) {
			/* Inputs differ per iteration (cheap counter-derived bytes);
			 * the encapsulation (the server's part) is not timed. */
			for (int j = 0; j < 64; j++)
				seed[j] = (uint8_t)(j * 7 + i + r * 31);
			for (int j = 0; j < 32; j++)
				m[j] = (uint8_t)(j * 13 + i);
			double t0 = now_us();
			wt_mlkem_keygen(3, seed, ek, dk);
			t += now_us() - t0;
			if (wt_mlkem_encaps(3, ek, sizeof ek, m, ct, ss_enc) != 0)
				return 1;
			t0 = now_us();
			wt_mlkem_decaps(3, dk, ct, sizeof ct, ss_dec);
			t += now_us() - t0;
			if (memcmp(ss_enc, ss_dec, 32) != 0) {
				fprintf(stderr, "shared secrets differ\n");
				return 1;
			}
		}
		per[r] = t / iters;
	}
	qsort(per, ROUNDS, sizeof per[0], cmp_double);
	printf("ML-KEM-768 keygen+decaps: %.1f us (median of %d rounds of %d)\n",
		per[ROUNDS / 2], ROUNDS, iters);
	return 0;
}
