/*
 * X25519 and P-256 speed, BearSSL's m31 code against src/ec_c25519_wasm.c
 * and src/ec_p256_wasm.c, in one process: rounds alternate between the
 * two, ops/s are medians over the rounds and the speed ratio is the
 * median of the per-round ratios (the machine is shared: short
 * alternating rounds keep both sides under the same load). Built for
 * wasm like bench_mlkem (bench/bench.mk, `make bench-ec`); also builds
 * natively. Prints operations per second and the new/old ratio:
 *   - X25519: key generation + shared secret (mulgen + mul), as a TLS
 *     key share does;
 *   - P-256 ECDH: the same (mulgen + mul of the peer's point);
 *   - P-256 ECDSA verification (SHA-256 hash given), muladd underneath.
 *
 *   bench_ec [ITERATIONS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "wt_ec.h"

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

enum { ROUNDS = 61 };

static unsigned char peer_x[32], peer_p[65], sig[64], hv[32];
static br_ec_public_key pk;
static volatile unsigned sink;

static void
op_x25519(const br_ec_impl *ec, int i)
{
	unsigned char k[32], pub[32], s[32];

	memset(k, i + 1, sizeof k);
	ec->mulgen(pub, k, 32, BR_EC_curve25519);
	memcpy(s, peer_x, 32);
	ec->mul(s, 32, k, 32, BR_EC_curve25519);
	sink += pub[0] ^ s[0];
}

static void
op_ecdh(const br_ec_impl *ec, int i)
{
	unsigned char k[32], pub[65], s[65];

	memset(k, i + 1, sizeof k);
	k[0] = 0x7F;
	ec->mulgen(pub, k, 32, BR_EC_secp256r1);
	memcpy(s, peer_p, 65);
	sink += ec->mul(s, 65, k, 32, BR_EC_secp256r1) + pub[1] + s[1];
}

static void
op_verify(const br_ec_impl *ec, int i)
{
	(void)i;
	if (!br_ecdsa_i31_vrfy_raw(ec, hv, sizeof hv, &pk, sig, sizeof sig)) {
		fprintf(stderr, "verification failed\n");
		exit(1);
	}
}

static void
bench(const char *name, void (*op)(const br_ec_impl *, int),
	const br_ec_impl *old_ec, const br_ec_impl *new_ec, int iters)
{
	double t[2][ROUNDS], ratio[ROUNDS], ops[2];
	int r, s, i;

	/* warm-up: wasm engines compile hot functions again with their
	 * optimising tier (V8: Liftoff, then TurboFan), and a call that is
	 * running keeps its old code */
	for (r = 0; r < 3; r ++) {
		for (i = 0; i < iters; i ++) {
			op(old_ec, i);
			op(new_ec, i);
		}
	}
	for (r = 0; r < ROUNDS; r ++) {
		for (s = 0; s < 2; s ++) {
			/* alternate which side goes first */
			const br_ec_impl *ec = ((r + s) & 1) ? new_ec : old_ec;
			int side = ec == new_ec;
			double t0 = now_us();

			for (i = 0; i < iters; i ++) {
				op(ec, i);
			}
			t[side][r] = (now_us() - t0) / iters;
		}
		ratio[r] = t[0][r] / t[1][r];
	}
	qsort(ratio, ROUNDS, sizeof ratio[0], cmp_double);
	for (s = 0; s < 2; s ++) {
		qsort(t[s], ROUNDS, sizeof t[s][0], cmp_double);
		ops[s] = 1e6 / t[s][ROUNDS / 2];
	}
	/* the ratio is the median of the per-round ratios: robust to load
	 * that changes between rounds */
	printf("%-28s m31 %8.0f ops/s   new %8.0f ops/s   new/m31 speed x%.2f\n",
		name, ops[0], ops[1], ratio[ROUNDS / 2]);
}

int
main(int argc, char **argv)
{
	static const unsigned char priv[32] = {
		0x3a, 0x11, 0x5c, 0x27, 0x90, 0x41, 0xe2, 0x0d, 0x7b, 0x66, 0x19, 0x8c,
		0x05, 0xf4, 0x21, 0x38, 0x6e, 0x02, 0x9d, 0x57, 0xc8, 0x14, 0x4b, 0x7a,
		0x33, 0x6f, 0x10, 0xe9, 0x45, 0x21, 0x0c, 0x5d
	};
	static unsigned char q[65], tmp[128];
	br_ec_private_key sk;
	int iters = argc > 1 ? atoi(argv[1]) : 5;

	if (iters < 1)
		iters = 1;
	/* fixed peer keys and a signature to verify (made with m31) */
	br_ec_c25519_m31.mulgen(peer_x, priv, 32, BR_EC_curve25519);
	br_ec_p256_m31.mulgen(peer_p, priv, 32, BR_EC_secp256r1);
	memcpy(q, peer_p, 65);
	sk.curve = BR_EC_secp256r1;
	sk.x = (unsigned char *)priv;
	sk.xlen = 32;
	pk.curve = BR_EC_secp256r1;
	pk.q = q;
	pk.qlen = 65;
	memset(hv, 0x5A, sizeof hv);
	if (br_ecdsa_i31_sign_raw(&br_ec_p256_m31, &br_sha256_vtable, hv, &sk, tmp) != 64) {
		fprintf(stderr, "signing failed\n");
		return 1;
	}
	memcpy(sig, tmp, 64);

	bench("X25519 keygen+shared", op_x25519, &br_ec_c25519_m31, &wt_ec_c25519_w, iters);
	bench("P-256 ECDH keygen+shared", op_ecdh, &br_ec_p256_m31, &wt_ec_p256_w, iters);
	bench("P-256 ECDSA verify", op_verify, &br_ec_p256_m31, &wt_ec_p256_w, iters);
	return sink == 0xFFFFFFFF;
}
