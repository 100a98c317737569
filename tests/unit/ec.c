/*
 * test_ec: drives src/ec_c25519_wasm.c and src/ec_p256_wasm.c (called
 * directly, whatever wt_ec_impl() picks) next to BearSSL's m31 code, one
 * result line per input line; tests/ec.test.mjs feeds Wycheproof, RFC 7748
 * and node:crypto values and decides pass/fail. The same file is built
 * for wasm by that test (emcc, node), against the wasm libraries.
 * Hex fields, '-' for empty.
 *
 *   x25519 <k> <u>          -> "<ours> <m31>": X25519(k, u), or "reject"
 *                              when mul() returns 0 (bad lengths)
 *   x25519_iter <n>         -> RFC 7748 5.2 iteration: k = u = 9, then
 *                              n times (k, u) = (X25519(k, u), k) -> k
 *   p256_mul <k> <point>    -> "<ours> <m31>": "<r>:<x*P hex>" (mul()'s
 *                              return value and the 65 bytes it wrote)
 *   p256_gen <k>            -> "<ours> <m31>": mulgen(k), 65 bytes
 *   ecdsa <Q> <msg> <r||s>  -> "<ours> <m31>": SHA-256 + ECDSA verify of
 *                              the raw signature, br_ecdsa_i31 (0/1)
 *   impl                    -> "<d> <c> <g>": d 1 if br_ec_get_default()
 *                              is br_ec_all_m31 (what src/ec.c assumes),
 *                              c 1 if wt_ec_impl() has its curves, g 1 if
 *                              wt_ec_impl()'s mulgen equals the default's
 *                              for P-256, P-384, P-521 and X25519
 *   random <n> [ours]       -> n rounds against m31 with a fixed-seed
 *                              generator: X25519 mul; P-256 mulgen, mul,
 *                              muladd (generator and a second point,
 *                              equal and opposite points included),
 *                              invalid points; "ok <checks> <digest>" or
 *                              "fail <round> <what>"; digest: SHA-256 of
 *                              every result of ours that was compared.
 *                              With "ours" m31 is not run (the checks
 *                              that need no reference still are): the
 *                              digest then shows that a build computes
 *                              what another build's m31-checked run did
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "wt_ec.h"
#include "wt_internal.h"

static const br_ec_impl *const OURS_X = &wt_ec_c25519_w, *const M31_X = &br_ec_c25519_m31;
static const br_ec_impl *const OURS_P = &wt_ec_p256_w, *const M31_P = &br_ec_p256_m31;

static void
hex_out(const uint8_t *p, size_t n)
{
	if (n == 0) {
		printf("-");
	} else {
		unit_print_hex(p, n);
	}
}

static int
run_x25519(char **f, int nf)
{
	const br_ec_impl *impl[2] = { OURS_X, M31_X };
	uint8_t *k, *u, buf[64];
	size_t klen, ulen;
	int i;

	if (nf != 3 || !(k = unit_field(f[1], &klen)) || !(u = unit_field(f[2], &ulen))
		|| ulen > sizeof buf)
	{
		return -1;
	}
	for (i = 0; i < 2; i ++) {
		memcpy(buf, u, ulen);
		printf(i ? " " : "");
		if (impl[i]->mul(buf, ulen, k, klen, BR_EC_curve25519)) {
			hex_out(buf, ulen);
		} else {
			printf("reject");
		}
	}
	printf("\n");
	free(k);
	free(u);
	return 0;
}

static int
run_x25519_iter(char **f, int nf)
{
	uint8_t k[32] = { 9 }, u[32] = { 9 }, t[32];
	long n, i;

	if (nf != 2 || (n = strtol(f[1], NULL, 10)) < 1) {
		return -1;
	}
	for (i = 0; i < n; i ++) {
		memcpy(t, u, 32);
		OURS_X->mul(t, 32, k, 32, BR_EC_curve25519);
		memcpy(u, k, 32);
		memcpy(k, t, 32);
	}
	hex_out(k, 32);
	printf("\n");
	return 0;
}

static int
run_p256_mul(char **f, int nf)
{
	const br_ec_impl *impl[2] = { OURS_P, M31_P };
	uint8_t *k, *pt, buf[133];
	size_t klen, plen;
	int i;

	if (nf != 3 || !(k = unit_field(f[1], &klen)) || !(pt = unit_field(f[2], &plen))
		|| plen > sizeof buf)
	{
		return -1;
	}
	for (i = 0; i < 2; i ++) {
		uint32_t r;

		/* The output of a rejected point is meaningless (and m31 leaves
		 * its state uninitialised for bad lengths): print the return
		 * value only then. */
		memset(buf, 0, sizeof buf);
		memcpy(buf, pt, plen);
		r = impl[i]->mul(buf, plen, k, klen, BR_EC_secp256r1);
		printf("%s%u", i ? " " : "", (unsigned)r);
		if (r) {
			printf(":");
			hex_out(buf, 65);
		}
	}
	printf("\n");
	free(k);
	free(pt);
	return 0;
}

static int
run_p256_gen(char **f, int nf)
{
	const br_ec_impl *impl[2] = { OURS_P, M31_P };
	uint8_t *k, buf[65];
	size_t klen;
	int i;

	if (nf != 2 || !(k = unit_field(f[1], &klen))) {
		return -1;
	}
	for (i = 0; i < 2; i ++) {
		size_t n = impl[i]->mulgen(buf, k, klen, BR_EC_secp256r1);

		printf(i ? " " : "");
		hex_out(buf, n);
	}
	printf("\n");
	free(k);
	return 0;
}

static int
run_ecdsa(char **f, int nf)
{
	uint8_t *q, *msg, *sig, h[32];
	size_t qlen, mlen, slen;
	br_sha256_context sc;
	br_ec_public_key pk;

	if (nf != 4 || !(q = unit_field(f[1], &qlen)) || !(msg = unit_field(f[2], &mlen))
		|| !(sig = unit_field(f[3], &slen)))
	{
		return -1;
	}
	br_sha256_init(&sc);
	br_sha256_update(&sc, msg, mlen);
	br_sha256_out(&sc, h);
	pk.curve = BR_EC_secp256r1;
	pk.q = q;
	pk.qlen = qlen;
	/* ours: src/pk_verify.c over our muladd; BearSSL's whole
	 * verification over m31 as the reference */
	printf("%u %u\n", (unsigned)wt_ecdsa_vrfy_raw(OURS_P, h, sizeof h, &pk, sig, slen),
		(unsigned)br_ecdsa_i31_vrfy_raw(M31_P, h, sizeof h, &pk, sig, slen));
	free(q);
	free(msg);
	free(sig);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Random comparisons against m31                                     */

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

/* splitmix64: reproducible test data, not for keys. Not inlined: inlined
 * into run_random by emcc 3.1.6 -O2 -msimd128 (vectorized, i64x2.mul),
 * its first call's 32 bytes differ from the native build's (the second
 * call's do not; -O0, noinline or no -msimd128 agree with native; V8's
 * Liftoff and TurboFan agree with each other): a code generation problem
 * not investigated further. The wasm rounds must see the native rounds'
 * inputs (tests/ec.test.mjs compares digests). */
__attribute__((noinline)) static void
rnd(uint8_t *p, size_t n)
{
	while (n -- > 0) {
		uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);

		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
		z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
		*p ++ = (uint8_t)(z ^ (z >> 31));
	}
}

/* A scalar in [1, n-1]: 32 random bytes with the top bit cleared
 * (below 2^255 < n), a few rounds also short or tiny ones. */
static size_t
rnd_scalar(uint8_t *k, long round)
{
	size_t len = 32;

	rnd(k, 32);
	k[0] &= 0x7F;
	switch (round % 16) {
	case 3:
		len = 1 + (size_t)(k[5] % 31);   /* shorter than 32 bytes */
		break;
	case 7:
		memset(k, 0, 31);               /* tiny: 1..255 */
		k[31] |= 1;
		break;
	case 11:
		memcpy(k, "\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF"
			"\xBC\xE6\xFA\xAD\xA7\x17\x9E\x84\xF3\xB9\xCA\xC2\xFC\x63\x25", 31);
		k[31] = (uint8_t)(0x51 - 1 - (k[31] & 0x0F));   /* n-1 .. n-16 */
		break;
	}
	return len;
}

#define SAME(what, a, b, n)   do { \
		checks ++; \
		br_sha256_update(&digest, (a), (n)); \
		if (ref && memcmp((a), (b), (n)) != 0) { \
			printf("fail %ld %s\n", round, what); \
			return 0; \
		} \
	} while (0)
/* m31's call, only when comparing against it (0 otherwise) */
#define M31(call)   (ref ? (call) : 0)

static int
run_random(char **f, int nf)
{
	long n, round, checks = 0;
	int ref = 1;
	br_sha256_context digest;
	uint8_t d[32];

	if (nf < 2 || nf > 3 || (n = strtol(f[1], NULL, 10)) < 1) {
		return -1;
	}
	if (nf == 3) {
		if (strcmp(f[2], "ours") != 0) {
			return -1;
		}
		ref = 0;
	}
	br_sha256_init(&digest);
	for (round = 0; round < n; round ++) {
		uint8_t k[32], k2[32], u1[32], u2[32];
		uint8_t A[65], B[65], a1[65], a2[65], b1[65], b2[65];
		size_t kl, kl2;
		uint32_t r1, r2;

		/* X25519: any u (top bit set or not, non-canonical or not),
		 * any scalar, shorter scalars too */
		rnd(u1, 32);
		rnd(k, 32);
		kl = (round % 5 == 1) ? (size_t)(k[0] % 33) : 32;
		memcpy(u2, u1, 32);
		r1 = OURS_X->mul(u1, 32, k, kl, BR_EC_curve25519);
		r2 = M31(M31_X->mul(u2, 32, k, kl, BR_EC_curve25519));
		SAME("x25519 mul return", &r1, &r2, sizeof r1);
		SAME("x25519 mul", u1, u2, 32);
		OURS_X->mulgen(u1, k, kl, BR_EC_curve25519);
		(void)M31((M31_X->mulgen(u2, k, kl, BR_EC_curve25519), 0));
		SAME("x25519 mulgen", u1, u2, 32);

		/* P-256 mulgen, then mul of that point */
		kl = rnd_scalar(k, round);
		kl2 = rnd_scalar(k2, round + 5);
		OURS_P->mulgen(A, k, kl, BR_EC_secp256r1);
		(void)M31((M31_P->mulgen(a2, k, kl, BR_EC_secp256r1), 0));
		SAME("p256 mulgen", A, a2, 65);
		memcpy(a1, A, 65);
		memcpy(a2, A, 65);
		r1 = OURS_P->mul(a1, 65, k2, kl2, BR_EC_secp256r1);
		r2 = M31(M31_P->mul(a2, 65, k2, kl2, BR_EC_secp256r1));
		SAME("p256 mul return", &r1, &r2, sizeof r1);
		SAME("p256 mul", a1, a2, 65);

		/* muladd: k2*A + k*G, and k2*A + k*B for another point B */
		memcpy(a1, A, 65);
		memcpy(a2, A, 65);
		r1 = OURS_P->muladd(a1, NULL, 65, k2, kl2, k, kl, BR_EC_secp256r1);
		r2 = M31(M31_P->muladd(a2, NULL, 65, k2, kl2, k, kl, BR_EC_secp256r1));
		SAME("p256 muladd(G) return", &r1, &r2, sizeof r1);
		SAME("p256 muladd(G)", a1, a2, 65);
		rnd(u1, 32);
		OURS_P->mulgen(B, u1, 31, BR_EC_secp256r1);
		memcpy(a1, A, 65);
		memcpy(a2, A, 65);
		r1 = OURS_P->muladd(a1, B, 65, k2, kl2, k, kl, BR_EC_secp256r1);
		r2 = M31(M31_P->muladd(a2, B, 65, k2, kl2, k, kl, BR_EC_secp256r1));
		SAME("p256 muladd(B) return", &r1, &r2, sizeof r1);
		SAME("p256 muladd(B)", a1, a2, 65);

		/* Exceptional sums: A = kG, so 1*A + k*G = 2kG (the doubling
		 * case) and 1*A + (n-k)*G = 0 (error, return 0). */
		{
			static const uint8_t one = 1;
			uint8_t nk[32];
			int i, c = 0;
			static const uint8_t N[32] = {
				0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00,
				0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
				0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84,
				0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51
			};
			uint8_t kk[32];

			memset(kk, 0, 32);
			memcpy(kk + 32 - kl, k, kl);
			for (i = 31; i >= 0; i --) {
				int d = N[i] - kk[i] - c;
				nk[i] = (uint8_t)d;
				c = d < 0;
			}
			memcpy(a1, A, 65);
			memcpy(a2, A, 65);
			r1 = OURS_P->muladd(a1, NULL, 65, &one, 1, k, kl, BR_EC_secp256r1);
			r2 = M31(M31_P->muladd(a2, NULL, 65, &one, 1, k, kl, BR_EC_secp256r1));
			SAME("p256 muladd(P = Q) return", &r1, &r2, sizeof r1);
			SAME("p256 muladd(P = Q)", a1, a2, 65);
			memcpy(a1, A, 65);
			memcpy(a2, A, 65);
			r1 = OURS_P->muladd(a1, NULL, 65, &one, 1, nk, 32, BR_EC_secp256r1);
			r2 = M31(M31_P->muladd(a2, NULL, 65, &one, 1, nk, 32, BR_EC_secp256r1));
			checks ++;
			if (r1 != 0 || r2 != 0) {
				printf("fail %ld p256 muladd(P = -Q) not rejected\n", round);
				return 0;
			}
		}

		/* Invalid points: same verdict (0), whatever is wrong */
		memcpy(b1, A, 65);
		switch (round % 6) {
		case 0:
			b1[1 + (k[3] & 63)] ^= (uint8_t)(1 << (k[4] & 7));   /* off the curve */
			break;
		case 1:
			b1[0] = (uint8_t)(k[6] | 1) == 4 ? 5 : (uint8_t)(k[6] | 1);   /* bad prefix */
			break;
		case 2:
			memset(b1 + 1, 0xFF, 32);                            /* x >= p */
			break;
		case 3:
			/* x = p exactly */
			memcpy(b1 + 1, "\xFF\xFF\xFF\xFF\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00"
				"\x00\x00\x00\x00\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF", 32);
			break;
		case 4:
			rnd(b1 + 1, 64);                                     /* random bytes */
			break;
		case 5:
			memset(b1 + 1, 0, 64);                               /* (0, 0) */
			break;
		}
		memcpy(b2, b1, 65);
		r1 = OURS_P->mul(b1, 65, k2, kl2, BR_EC_secp256r1);
		r2 = M31(M31_P->mul(b2, 65, k2, kl2, BR_EC_secp256r1));
		SAME("p256 invalid point return", &r1, &r2, sizeof r1);
		checks ++;
		if (r1 != 0) {
			printf("fail %ld p256 invalid point accepted\n", round);
			return 0;
		}
		memcpy(b1, A, 65);
		memcpy(b2, A, 65);
		r1 = OURS_P->muladd(b1, a1 /* the point at infinity's encoding */, 65,
			k2, kl2, k, kl, BR_EC_secp256r1);
		r2 = M31(M31_P->muladd(b2, a2, 65, k2, kl2, k, kl, BR_EC_secp256r1));
		SAME("p256 muladd(invalid B) return", &r1, &r2, sizeof r1);
		/* lengths other than 65 */
		memcpy(b1, A, 65);
		r1 = OURS_P->mul(b1, 64, k2, kl2, BR_EC_secp256r1);
		checks ++;
		if (r1 != 0) {
			printf("fail %ld p256 64-byte point accepted\n", round);
			return 0;
		}
	}
	br_sha256_out(&digest, d);
	printf("ok %ld ", checks);
	unit_print_hex(d, sizeof d);
	printf("\n");
	return 0;
}

static int
run_impl(char **f, int nf)
{
	static const int curves[] = {
		BR_EC_secp256r1, BR_EC_secp384r1, BR_EC_secp521r1, BR_EC_curve25519
	};
	const br_ec_impl *def = br_ec_get_default(), *ours = wt_ec_impl();
	uint8_t k[48], a[133], b[133];
	unsigned i, same = 1;

	if (nf != 1) {
		return -1;
	}
	rnd(k, sizeof k);
	k[0] &= 0x7F;
	for (i = 0; i < sizeof curves / sizeof curves[0]; i ++) {
		size_t la = ours->mulgen(a, k, curves[i] == BR_EC_secp256r1
			|| curves[i] == BR_EC_curve25519 ? 32 : 48, curves[i]);
		size_t lb = def->mulgen(b, k, curves[i] == BR_EC_secp256r1
			|| curves[i] == BR_EC_curve25519 ? 32 : 48, curves[i]);

		same &= la == lb && la > 0 && memcmp(a, b, la) == 0;
	}
	printf("%d %d %u\n", def == &br_ec_all_m31,
		ours->supported_curves == def->supported_curves, same);
	return 0;
}

static int
run(char **f, int nf)
{
	if (strcmp(f[0], "impl") == 0) {
		return run_impl(f, nf);
	}
	if (strcmp(f[0], "x25519") == 0) {
		return run_x25519(f, nf);
	} else if (strcmp(f[0], "x25519_iter") == 0) {
		return run_x25519_iter(f, nf);
	} else if (strcmp(f[0], "p256_mul") == 0) {
		return run_p256_mul(f, nf);
	} else if (strcmp(f[0], "p256_gen") == 0) {
		return run_p256_gen(f, nf);
	} else if (strcmp(f[0], "ecdsa") == 0) {
		return run_ecdsa(f, nf);
	} else if (strcmp(f[0], "random") == 0) {
		return run_random(f, nf);
	}
	return -1;
}

int
main(void)
{
	return unit_vector_main(run);
}
