/*
 * fuzz_mlkem: ML-KEM (src/mlkem.c, FIPS 203) on hostile inputs, the way a
 * server's X25519MLKEM768 / MLKEM1024 share reaches it: decapsulation of
 * any ciphertext (any length), from the seed (what the TLS client keeps)
 * and from an expanded decapsulation key, and encapsulation to any
 * encapsulation key (the 7.2 modulus check).
 *
 * Input: [mode byte] [64-byte seed] [rest]. Mode bit 0 picks k (3:
 * ML-KEM-768, 4: ML-KEM-1024); bits 1-2:
 *   0: rest is a ciphertext. decaps from the seed and from the dk that
 *      keygen writes for that seed must agree (both the real and the
 *      implicit-rejection secret); a wrong length must fail with the
 *      secret zeroed.
 *   1: rest is an encapsulation key (the seed's first 32 bytes are m).
 *      encaps must succeed exactly when the length is right and every
 *      12-bit coefficient is below q (FIPS 203 7.2, checked here again
 *      independently).
 *   2: rest is an expanded dk followed by a ciphertext: decaps must fail
 *      cleanly on a dk whose H(ek) does not match, never read past it.
 *   3: keygen(seed) -> encaps(ek, rest's first 32 bytes) -> decaps from
 *      the seed and the dk give the encapsulated secret; one flipped
 *      ciphertext bit (chosen by the input) gives the rejection secret
 *      J(z || c) = SHAKE256(z || c, 32) (FIPS 203 Alg. 18 line 7, computed
 *      here independently), the same on both paths.
 * Inputs, keys and ciphertexts are heap copies of exactly their length,
 * so AddressSanitizer sees any read past them.
 */
#include "fuzz_host.h"
#include "wt_mlkem.h"
#include <stdlib.h>

/* J(z || c) (FIPS 203 4.1): the implicit-rejection secret. */
static void reject_secret(const uint8_t z[32], const uint8_t *ct, size_t ct_len,
	uint8_t out[32])
{
	wt_shake_ctx j;

	wt_shake_init(&j, 256);
	wt_shake_absorb(&j, z, 32);
	wt_shake_absorb(&j, ct, ct_len);
	wt_shake_flip(&j);
	wt_shake_squeeze(&j, out, 32);
}

/* FIPS 203 7.2: ByteEncode12(ByteDecode12(t)) == t, i.e. every 12-bit
 * value in the 384k bytes before rho is below q = 3329. */
static int ek_coefficients_ok(const uint8_t *ek, unsigned k)
{
	size_t i;

	for (i = 0; i < 384u * k; i += 3) {
		unsigned a = ek[i] | (ek[i + 1] & 0x0f) << 8;
		unsigned b = ek[i + 1] >> 4 | ek[i + 2] << 4;

		if (a >= 3329 || b >= 3329) {
			return 0;
		}
	}
	return 1;
}

static int all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		acc |= p[i];
	}
	return acc == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t ss1[WT_MLKEM_SS_LEN], ss2[WT_MLKEM_SS_LEN], ss3[WT_MLKEM_SS_LEN];
	uint8_t *seed, *rest, *ek, *dk, *ct;
	size_t rest_len, ek_len, dk_len, ct_len;
	unsigned k, mode;
	int r1, r2;

	if (size < 1 + WT_MLKEM_SEED_LEN) {
		return 0;
	}
	k = (data[0] & 1) ? 4 : 3;
	mode = (data[0] >> 1) & 3;
	rest_len = size - 1 - WT_MLKEM_SEED_LEN;
	ek_len = wt_mlkem_ek_len(k);
	dk_len = wt_mlkem_dk_len(k);
	ct_len = wt_mlkem_ct_len(k);
	seed = fz_dup_exact(data + 1, WT_MLKEM_SEED_LEN);
	rest = fz_dup_exact(data + 1 + WT_MLKEM_SEED_LEN, rest_len);
	ek = malloc(ek_len);
	dk = malloc(dk_len);
	ct = malloc(ct_len);
	FZ_ASSERT(ek != NULL && dk != NULL && ct != NULL);

	switch (mode) {
	case 0:
		r1 = wt_mlkem_decaps_seed(k, seed, rest, rest_len, ss1);
		FZ_ASSERT(wt_mlkem_keygen(k, seed, ek, dk) == 0);
		r2 = wt_mlkem_decaps(k, dk, rest, rest_len, ss2);
		FZ_ASSERT(r1 == r2);
		FZ_ASSERT((r1 == 0) == (rest_len == ct_len));
		FZ_ASSERT(memcmp(ss1, ss2, sizeof ss1) == 0);
		FZ_ASSERT(r1 == 0 || all_zero(ss1, sizeof ss1));
		break;
	case 1:
		r1 = wt_mlkem_encaps(k, rest, rest_len, seed, ct, ss1);
		FZ_ASSERT((r1 == 0) == (rest_len == ek_len && ek_coefficients_ok(rest, k)));
		break;
	case 2:
		if (rest_len >= dk_len) {
			/* The dk from the input; the 7.3 hash check refuses most. */
			uint8_t *in_dk = fz_dup_exact(rest, dk_len);
			uint8_t *in_ct = fz_dup_exact(rest + dk_len, rest_len - dk_len);

			r1 = wt_mlkem_decaps(k, in_dk, in_ct, rest_len - dk_len, ss1);
			FZ_ASSERT(r1 == 0 || all_zero(ss1, sizeof ss1));
			free(in_dk);
			free(in_ct);
		}
		break;
	default:
		if (rest_len < 32) {
			break;
		}
		FZ_ASSERT(wt_mlkem_keygen(k, seed, ek, dk) == 0);
		FZ_ASSERT(wt_mlkem_encaps(k, ek, ek_len, rest, ct, ss1) == 0);
		FZ_ASSERT(wt_mlkem_decaps_seed(k, seed, ct, ct_len, ss2) == 0);
		FZ_ASSERT(memcmp(ss1, ss2, sizeof ss1) == 0);
		if (rest_len >= 34) {
			size_t bit = ((size_t)rest[32] << 8 | rest[33]) % (ct_len * 8);

			ct[bit >> 3] ^= (uint8_t)(1u << (bit & 7));
			FZ_ASSERT(wt_mlkem_decaps_seed(k, seed, ct, ct_len, ss2) == 0);
			FZ_ASSERT(wt_mlkem_decaps(k, dk, ct, ct_len, ss3) == 0);
			FZ_ASSERT(memcmp(ss2, ss3, sizeof ss2) == 0);
			reject_secret(seed + 32, ct, ct_len, ss3);
			FZ_ASSERT(memcmp(ss2, ss3, sizeof ss2) == 0);
		}
		break;
	}
	free(seed);
	free(rest);
	free(ek);
	free(dk);
	free(ct);
	return 0;
}
