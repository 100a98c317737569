/*
 * Elliptic-curve implementations for builds without a fast 64x64->128
 * multiply (wasm): X25519 (src/ec_c25519_wasm.c) and P-256
 * (src/ec_p256_wasm.c), both as BearSSL br_ec_impl tables with the
 * semantics of br_ec_c25519_m31 and br_ec_p256_m31, and the dispatcher
 * every ECDH/ECDSA call in src/ goes through (src/ec.c).
 */
#ifndef WT_EC_H
#define WT_EC_H

#include <bearssl.h>

/* X25519 (curve 29) only: mul, mulgen; muladd returns 0 as BearSSL's. */
extern const br_ec_impl wt_ec_c25519_w;
/* secp256r1 (curve 23) only. */
extern const br_ec_impl wt_ec_p256_w;

/* The EC implementation for ECDH, ECDSA signing and verification: P-256
 * and X25519 from the two above, P-384/P-521 from br_ec_prime_i31 (the
 * BearSSL default, br_ec_all_m31, with its m31 P-256 and X25519 replaced;
 * see src/ec.c). */
const br_ec_impl *wt_ec_impl(void);

#endif
