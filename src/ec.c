/*
 * ec: the br_ec_impl behind every ECDH key share and ECDSA signature
 * (src/kex.c, src/keys.c, src/crypto.c, src/x509.c).
 *
 * BearSSL 0.6 (third_party/bearssl, Debian's) has no EC code for a
 * 64x64->128 multiply (no ec_p256_m62/m64, ec_c25519_m62/m64):
 * br_ec_get_default() is br_ec_all_m31 on every target we build (m15
 * only with BR_LOMUL, which none sets), wasm (BR_INT128=0) and native
 * alike; tests/ec.test.mjs checks that. Its P-256 and X25519 are replaced
 * here by src/ec_p256_wasm.c and src/ec_c25519_wasm.c, shaped for a
 * 32x32->64 multiply and faster in wasm (bench/ec) and natively; P-384
 * and P-521 stay on br_ec_prime_i31, as in br_ec_all_m31. The choice is
 * made at link time, not by comparing br_ec_get_default() at run time:
 * referring to br_ec_all_m31 would link the m31 code it replaces into
 * the wasm module. With a BearSSL that has the m62/m64 code, return
 * br_ec_get_default() natively instead (its 64-bit limbs win there).
 */

#include "wt_internal.h"
#include "wt_ec.h"

/* Dispatch by curve; each call goes to the implementation that has it. */
static const br_ec_impl *
pick(int curve)
{
	switch (curve) {
	case BR_EC_secp256r1:
		return &wt_ec_p256_w;
	case BR_EC_curve25519:
		return &wt_ec_c25519_w;
	default:
		return &br_ec_prime_i31;
	}
}

static const unsigned char *
api_generator(int curve, size_t *len)
{
	return pick(curve)->generator(curve, len);
}

static const unsigned char *
api_order(int curve, size_t *len)
{
	return pick(curve)->order(curve, len);
}

static size_t
api_xoff(int curve, size_t *len)
{
	return pick(curve)->xoff(curve, len);
}

static uint32_t
api_mul(unsigned char *G, size_t Glen,
	const unsigned char *kb, size_t kblen, int curve)
{
	return pick(curve)->mul(G, Glen, kb, kblen, curve);
}

static size_t
api_mulgen(unsigned char *R, const unsigned char *x, size_t xlen, int curve)
{
	return pick(curve)->mulgen(R, x, xlen, curve);
}

static uint32_t
api_muladd(unsigned char *A, const unsigned char *B, size_t len,
	const unsigned char *x, size_t xlen,
	const unsigned char *y, size_t ylen, int curve)
{
	return pick(curve)->muladd(A, B, len, x, xlen, y, ylen, curve);
}

/* The curves br_ec_all_m31 has: P-256, P-384, P-521, Curve25519. */
static const br_ec_impl ec_all_w = {
	(uint32_t)0x23800000,
	&api_generator,
	&api_order,
	&api_xoff,
	&api_mul,
	&api_mulgen,
	&api_muladd
};

const br_ec_impl *
wt_ec_impl(void)
{
	return &ec_all_w;
}
