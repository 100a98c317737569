/*
 * ChaCha20 (RFC 8439 section 2.4) with wasm SIMD128, four blocks at a time.
 *
 * Each of the 16 state words is one v128 whose four i32 lanes belong to
 * four consecutive blocks (counters cc..cc+3), so a quarter round is the
 * scalar one done on vectors: no lane shuffles inside the rounds. The
 * 16- and 8-bit rotations are byte permutations (i8x16.shuffle, one
 * instruction); 12 and 7 are two shifts and an or. After the rounds a
 * 4x4 transpose of each group of four words gives the keystream in block
 * order. Everything is data-independent: no table, no secret branch.
 *
 * The signature and semantics are those of br_chacha20_run (BearSSL's
 * bearssl_block.h): the keystream from block counter cc is xored into
 * data, and the counter after the last (possibly partial) block is
 * returned. The counter wraps modulo 2^32 like br_chacha20_ct_run.
 */

#include "wt_internal.h"
#include "wt_chacha_simd.h"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>

/* Rotations left by 16 and 8 move whole bytes within each 32-bit lane. */
static inline v128_t
rotl16(v128_t x)
{
	return wasm_i8x16_shuffle(x, x, 2, 3, 0, 1, 6, 7, 4, 5,
		10, 11, 8, 9, 14, 15, 12, 13);
}

static inline v128_t
rotl8(v128_t x)
{
	return wasm_i8x16_shuffle(x, x, 3, 0, 1, 2, 7, 4, 5, 6,
		11, 8, 9, 10, 15, 12, 13, 14);
}

#define ROTL(x, n)   wasm_v128_or(wasm_i32x4_shl((x), (n)), \
			wasm_u32x4_shr((x), 32 - (n)))

/* RFC 8439 section 2.1, on four blocks at once. */
#define QROUND(a, b, c, d)   do { \
		x[a] = wasm_i32x4_add(x[a], x[b]); \
		x[d] = rotl16(wasm_v128_xor(x[d], x[a])); \
		x[c] = wasm_i32x4_add(x[c], x[d]); \
		x[b] = ROTL(wasm_v128_xor(x[b], x[c]), 12); \
		x[a] = wasm_i32x4_add(x[a], x[b]); \
		x[d] = rotl8(wasm_v128_xor(x[d], x[a])); \
		x[c] = wasm_i32x4_add(x[c], x[d]); \
		x[b] = ROTL(wasm_v128_xor(x[b], x[c]), 7); \
	} while (0)

/*
 * Four keystream blocks for counters cc..cc+3 (mod 2^32), written to
 * out[] as 16 v128 in byte order: out[4 * j + g] is bytes 16g..16g+15 of
 * block j.
 */
static void
chacha20_x4(const v128_t in[16], uint32_t cc, v128_t out[16])
{
	v128_t x[16];
	int i;

	for (i = 0; i < 16; i ++) {
		x[i] = in[i];
	}
	/* Lane j counts block cc + j (RFC 8439 section 2.3: word 12). */
	x[12] = wasm_i32x4_add(wasm_i32x4_splat((int32_t)cc),
		wasm_i32x4_make(0, 1, 2, 3));
	{
		v128_t ctr = x[12];

		for (i = 0; i < 10; i ++) {
			QROUND(0, 4, 8, 12);
			QROUND(1, 5, 9, 13);
			QROUND(2, 6, 10, 14);
			QROUND(3, 7, 11, 15);
			QROUND(0, 5, 10, 15);
			QROUND(1, 6, 11, 12);
			QROUND(2, 7, 8, 13);
			QROUND(3, 4, 9, 14);
		}
		for (i = 0; i < 16; i ++) {
			x[i] = wasm_i32x4_add(x[i], i == 12 ? ctr : in[i]);
		}
	}
	/* Transpose each group of four words: lanes -> blocks. */
	for (i = 0; i < 16; i += 4) {
		v128_t t0, t1, t2, t3;

		t0 = wasm_i32x4_shuffle(x[i], x[i + 1], 0, 4, 1, 5);
		t1 = wasm_i32x4_shuffle(x[i + 2], x[i + 3], 0, 4, 1, 5);
		t2 = wasm_i32x4_shuffle(x[i], x[i + 1], 2, 6, 3, 7);
		t3 = wasm_i32x4_shuffle(x[i + 2], x[i + 3], 2, 6, 3, 7);
		out[0 + (i >> 2)] = wasm_i64x2_shuffle(t0, t1, 0, 2);
		out[4 + (i >> 2)] = wasm_i64x2_shuffle(t0, t1, 1, 3);
		out[8 + (i >> 2)] = wasm_i64x2_shuffle(t2, t3, 0, 2);
		out[12 + (i >> 2)] = wasm_i64x2_shuffle(t2, t3, 1, 3);
	}
}

uint32_t
wt_chacha20_simd_run(const void *key, const void *iv, uint32_t cc,
	void *data, size_t len)
{
	unsigned char *buf = data;
	const unsigned char *k = key, *n = iv;
	v128_t in[16], ks[16];
	int i;

	/* RFC 8439 section 2.3: constants, key, counter (set per call of
	 * chacha20_x4), nonce; each splatted over the four lanes. wasm is
	 * little-endian, so wasm_v128_load32_splat decodes as the RFC does. */
	in[0] = wasm_i32x4_splat(0x61707865);
	in[1] = wasm_i32x4_splat(0x3320646e);
	in[2] = wasm_i32x4_splat(0x79622d32);
	in[3] = wasm_i32x4_splat(0x6b206574);
	for (i = 0; i < 8; i ++) {
		in[4 + i] = wasm_v128_load32_splat(k + 4 * i);
	}
	in[12] = wasm_i32x4_splat(0);
	for (i = 0; i < 3; i ++) {
		in[13 + i] = wasm_v128_load32_splat(n + 4 * i);
	}

	while (len >= 256) {
		chacha20_x4(in, cc, ks);
		for (i = 0; i < 16; i ++) {
			v128_t d = wasm_v128_load(buf + 16 * i);

			wasm_v128_store(buf + 16 * i, wasm_v128_xor(d, ks[i]));
		}
		buf += 256;
		len -= 256;
		cc += 4;
	}
	if (len > 0) {
		/* Tail (public length): one more four-block keystream, of
		 * which only len bytes are used; the counter advances by the
		 * number of blocks touched, as in br_chacha20_ct_run. */
		unsigned char *ksb = (unsigned char *)ks;
		size_t u;

		chacha20_x4(in, cc, ks);
		for (u = 0; u < len; u ++) {
			buf[u] ^= ksb[u];
		}
		cc += (uint32_t)((len + 63) >> 6);
	}
	wt_wipe(ks, sizeof ks);
	wt_wipe(in, sizeof in);
	return cc;
}

#endif
