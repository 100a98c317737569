/*
 * Chain verification time: N calls of wt_verify_chain() on one chain.
 * Builds against either side of issue 12's API change (the validator of
 * our own, WT_REASON_MAX defined, or br_x509_minimal before it), so the
 * old and the new library can be timed in one run:
 *
 *   bench/x509/run.sh [N]     (builds both, prints a table)
 *   bench_verify CA.pem CHAIN.pem HOST N
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "wasmtls.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		return NULL;
	}
	rewind(f);
	p = malloc((size_t)n + 1);
	if (p == NULL || fread(p, 1, (size_t)n, f) != (size_t)n) {
		return NULL;
	}
	fclose(f);
	p[n] = 0;
	*len = (size_t)n;
	return p;
}

int main(int argc, char **argv)
{
#ifdef WT_REASON_MAX
	static wt_trust_anchor anchors[16];
	char reason[WT_REASON_MAX];
#else
	static br_x509_trust_anchor anchors[16];
	const char *reason = "";
#endif
	static uint8_t ta_buf[65536], chain_buf[65536];
	wt_peer_cert chain[16];
	wt_trust_store ts;
	struct timespec t0, t1;
	size_t ca_len, ch_len;
	char *ca, *ch;
	long i, n;
	int nc, err = 0;
	double us;

	if (argc != 5) {
		fprintf(stderr, "usage: bench_verify CA.pem CHAIN.pem HOST N\n");
		return 2;
	}
	ca = slurp(argv[1], &ca_len);
	ch = slurp(argv[2], &ch_len);
	n = atol(argv[4]);
	if (ca == NULL || ch == NULL || n <= 0) {
		fprintf(stderr, "bench_verify: bad input\n");
		return 2;
	}
	wt_trust_store_init(&ts, anchors, 16, ta_buf, sizeof ta_buf);
	if (wt_trust_store_add_pem(&ts, ca, ca_len) < 1) {
		fprintf(stderr, "bench_verify: %s\n", ts.reason);
		return 2;
	}
	nc = wt_cert_chain_parse_pem(chain, 16, ch, ch_len, chain_buf, sizeof chain_buf);
	if (nc < 1) {
		fprintf(stderr, "bench_verify: chain does not parse\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n && err == 0; i++) {
#if defined(WT_CERT_PROFILE_WEB)
		err = wt_verify_chain(chain, (size_t)nc, ts.anchors, ts.count, argv[3],
			(int64_t)time(NULL), WT_CERT_PROFILE_WEB, reason, sizeof reason);
#elif defined(WT_REASON_MAX)
		err = wt_verify_chain(chain, (size_t)nc, ts.anchors, ts.count, argv[3],
			(int64_t)time(NULL), reason, sizeof reason);
#else
		err = wt_verify_chain(chain, (size_t)nc, ts.anchors, ts.count, argv[3],
			(int64_t)time(NULL), &reason);
#endif
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (err != 0) {
		fprintf(stderr, "bench_verify: %s: %d %s\n", argv[2], err, reason);
		return 1;
	}
	us = ((double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3) / (double)n;
	printf("%.1f\n", us);
	return 0;
}
