/*
 * ML-KEM (FIPS 203) for ML-KEM-768 (k = 3) and ML-KEM-1024 (k = 4), and
 * the SHA-3 functions it is built on (FIPS 202). Internal to src/: the
 * engine includes this header for the hybrid key-exchange groups.
 *
 * Nothing here allocates, does I/O or keeps state between calls; all
 * buffers belong to the caller. Secret-dependent work is constant time
 * (no branches or table indexes on secrets, no divisions) and secret
 * intermediates are wiped from the stack before return. The largest call
 * (wt_mlkem_decaps_seed, k = 4) uses about 11 KiB of stack.
 */
#ifndef WT_MLKEM_H
#define WT_MLKEM_H

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ */
/* SHA-3 (FIPS 202), src/sha3.c                                         */
/* ------------------------------------------------------------------ */

/* SHA3-256 and SHA3-512 of one message (FIPS 202 6.1). */
void wt_sha3_256(const void *data, size_t len, uint8_t out[32]);
void wt_sha3_512(const void *data, size_t len, uint8_t out[64]);

/* SHAKE128 / SHAKE256 (FIPS 202 6.2), incremental: init, absorb any
 * number of times, flip once, then squeeze any number of times with any
 * lengths (the output is the same as one squeeze of the total length).
 * Absorbing after the flip, or squeezing before it, is a caller bug. */
typedef struct wt_shake_ctx {
	uint64_t st[25];    /* Keccak-f[1600] state, lane x + 5y */
	unsigned rate;      /* bytes: 168 (SHAKE128) or 136 (SHAKE256) */
	unsigned pos;       /* bytes absorbed into / squeezed from the block */
} wt_shake_ctx;

/* bits: 128 or 256 (anything else is taken as 256). */
void wt_shake_init(wt_shake_ctx *c, unsigned bits);
void wt_shake_absorb(wt_shake_ctx *c, const void *data, size_t len);
void wt_shake_flip(wt_shake_ctx *c);
void wt_shake_squeeze(wt_shake_ctx *c, void *out, size_t len);

/* ------------------------------------------------------------------ */
/* ML-KEM (FIPS 203), src/mlkem.c                                       */
/* ------------------------------------------------------------------ */

/* FIPS 203 Table 3 sizes: ek = 384k + 32, dk = 768k + 96,
 * ct = 32(du k + dv). */
#define WT_MLKEM768_EK_LEN   1184
#define WT_MLKEM768_DK_LEN   2400
#define WT_MLKEM768_CT_LEN   1088
#define WT_MLKEM1024_EK_LEN  1568
#define WT_MLKEM1024_DK_LEN  3168
#define WT_MLKEM1024_CT_LEN  1568
#define WT_MLKEM_MAX_EK_LEN  WT_MLKEM1024_EK_LEN
#define WT_MLKEM_MAX_DK_LEN  WT_MLKEM1024_DK_LEN
#define WT_MLKEM_MAX_CT_LEN  WT_MLKEM1024_CT_LEN
#define WT_MLKEM_SEED_LEN    64   /* d || z (FIPS 203 ML-KEM.KeyGen_internal) */
#define WT_MLKEM_MSG_LEN     32   /* m (FIPS 203 ML-KEM.Encaps_internal) */
#define WT_MLKEM_SS_LEN      32

/* Sizes for k = 3 or 4; 0 for any other k. */
size_t wt_mlkem_ek_len(unsigned k);
size_t wt_mlkem_dk_len(unsigned k);
size_t wt_mlkem_ct_len(unsigned k);

/* ML-KEM.KeyGen_internal(d, z) with seed = d || z: writes the encapsulation
 * key ek (wt_mlkem_ek_len(k) bytes) and, if dk is not NULL, the expanded
 * decapsulation key dk (wt_mlkem_dk_len(k) bytes). The seed is the whole
 * private key: wt_mlkem_decaps_seed() needs nothing else. Returns 0, or
 * -1 (nothing written) if k is not 3 or 4. */
int wt_mlkem_keygen(unsigned k, const uint8_t seed[64], uint8_t *ek,
	uint8_t *dk);

/* ML-KEM.Encaps_internal(ek, m): writes the ciphertext ct
 * (wt_mlkem_ct_len(k) bytes) and the shared secret ss. Returns 0, or -1
 * (nothing written) if k is not 3 or 4 or ek fails the FIPS 203 7.2 input
 * checks: ek_len must be wt_mlkem_ek_len(k) and every encoded coefficient
 * must be below q (the modulus check). */
int wt_mlkem_encaps(unsigned k, const uint8_t *ek, size_t ek_len,
	const uint8_t m[32], uint8_t *ct, uint8_t ss[32]);

/* ML-KEM.Decaps_internal(dk, c) from the expanded dk. A ciphertext of the
 * right length that does not re-encrypt to itself yields the implicit
 * rejection secret J(z || c) (FIPS 203 Alg. 18), in the same constant
 * time, and the call returns 0. Returns -1 (ss zeroed) if k is not 3 or 4
 * or an FIPS 203 7.3 input check fails: ct_len must be
 * wt_mlkem_ct_len(k) (TLS sends a wrong-length share back as
 * illegal_parameter rather than deriving a secret from it) and H of the
 * ek inside dk must match the hash stored beside it. */
int wt_mlkem_decaps(unsigned k, const uint8_t *dk, const uint8_t *ct,
	size_t ct_len, uint8_t ss[32]);

/* The same from the 64-byte seed, for a caller that keeps only the seed
 * (64 bytes instead of a 2,400 or 3,168-byte dk): re-derives s, ek and
 * H(ek) here, at the cost of a key generation. Gives the same ss as wt_mlkem_decaps() with the dk that
 * wt_mlkem_keygen() writes for that seed. Returns 0, or -1 (ss zeroed) if
 * k is not 3 or 4 or ct_len is not wt_mlkem_ct_len(k). */
int wt_mlkem_decaps_seed(unsigned k, const uint8_t seed[64],
	const uint8_t *ct, size_t ct_len, uint8_t ss[32]);

#endif
