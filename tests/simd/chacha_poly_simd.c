/*
 * Test harness (wasm, -msimd128): the SIMD ChaCha20 (src/chacha20_simd.c)
 * against BearSSL's portable br_chacha20_ct_run, alone and inside the
 * AEAD the wasm build uses (src/poly1305_simd.c's four-lane Poly1305 with
 * the SIMD ChaCha20, as wt_aead_init picks them) against BearSSL's
 * portable AEAD (br_poly1305_ctmul_run over br_chacha20_ct_run), and
 * Poly1305 and its final reduction alone through poly1305_simd.c's own
 * steps, which this file includes. Built by tests/simd/chacha.mk into a
 * single-file Emscripten module that tests/simd_chacha.test.mjs drives:
 * the JS side feeds the Wycheproof and RFC 8439 vectors through the
 * sh_* entry points; sh_random_* run the bit-for-bit comparisons here.
 * Test code: the PRNG is a fixed-seed xorshift, not for secrets.
 */
#include <stdlib.h>
#include <string.h>
#include <bearssl.h>
#include <emscripten.h>
#include "wt_chacha_simd.h"
/* its static steps, for sh_poly1305 (this object then also defines
 * wt_poly1305_simd_run, so the library's copy is not linked) */
#ifndef POLY_SRC
#define POLY_SRC "poly1305_simd.c"
#endif
#include POLY_SRC

EMSCRIPTEN_KEEPALIVE void *sh_alloc(size_t n) { return malloc(n ? n : 1); }
EMSCRIPTEN_KEEPALIVE void sh_free(void *p) { free(p); }

/* which: 0 = SIMD, 1 = portable reference. */
static br_chacha20_run
chacha_of(int which)
{
	return which ? &br_chacha20_ct_run : &wt_chacha20_simd_run;
}

EMSCRIPTEN_KEEPALIVE uint32_t
sh_chacha(int which, const void *key, const void *iv, uint32_t cc,
	void *data, size_t len)
{
	return chacha_of(which)(key, iv, cc, data, len);
}

/* which: 0 = the wasm build's AEAD, 1 = BearSSL's portable one. */
EMSCRIPTEN_KEEPALIVE void
sh_aead(int which, const void *key, const void *iv, void *data, size_t len,
	const void *aad, size_t aad_len, void *tag, int encrypt)
{
	(which ? br_poly1305_ctmul_run : wt_poly1305_simd_run)(key, iv, data,
		len, aad, aad_len, tag, chacha_of(which), encrypt);
}

/* Poly1305 alone (RFC 8439 2.5) with a 32-byte key r | s, for messages of
 * whole 16-byte blocks (those get the 2^128 bit, as the AEAD's padded
 * ones do): the four lanes for every whole group of four blocks when
 * simd, else one block at a time. */
EMSCRIPTEN_KEEPALIVE int
sh_poly1305(int simd, const unsigned char *k, const unsigned char *msg,
	size_t len, unsigned char *tag)
{
	uint32_t r[5], h[5];
	v128_t hv[5], k1[5], s1[5];
	size_t simd_len = simd ? len & ~(size_t)63 : 0;

	if (len % 16 != 0) {
		return -1;
	}
	poly_start(r, hv, k1, s1, k);
	if (simd_len) {
		blocks4(hv, r, msg, simd_len >> 6);
	}
	absorb(hv, k1, s1, msg + simd_len, len - simd_len);
	lane_limbs(h, hv, 0);
	finish(tag, h, k + 16);
	return 0;
}

/* finish() alone on five given limbs (any carries still to make, up to
 * the four lanes' sum): tag = (value mod p) + s mod 2^128. */
EMSCRIPTEN_KEEPALIVE void
sh_finish(const uint32_t *limbs, const unsigned char *s, unsigned char *tag)
{
	uint32_t h[5];

	memcpy(h, limbs, sizeof h);
	finish(tag, h, s);
}

static uint64_t rng_state;

static uint32_t
rnd(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return (uint32_t)(x >> 32);
}

static void
fill(unsigned char *p, size_t n)
{
	while (n -- > 0) {
		*p ++ = (unsigned char)rnd();
	}
}

#define MAXLEN   (70000 + 64)
static unsigned char key[32], iv[12];
static unsigned char buf_a[MAXLEN + 16], buf_b[MAXLEN + 16], orig[MAXLEN];

/* Lengths: every value 0..1000 in turn, then random large ones. */
static size_t
pick_len(uint32_t i)
{
	if (i <= 1000) {
		return i;
	}
	return 1001 + rnd() % (MAXLEN - 1001 - 64);
}

/*
 * ChaCha20 alone: random key, nonce, counter (some near 2^32 to check
 * the wrap), offset 0..15 in the buffer (unaligned), in place. Returns
 * the number of mismatches in output or returned counter.
 */
EMSCRIPTEN_KEEPALIVE int
sh_random_chacha(uint32_t seed, uint32_t n)
{
	uint32_t i;
	int bad = 0;

	rng_state = 0x9E3779B97F4A7C15ull ^ seed;
	for (i = 0; i < n; i ++) {
		size_t len = pick_len(i), off = rnd() & 15;
		uint32_t cc = (i & 3) == 3 ? 0xFFFFFFFFu - (rnd() & 7) : rnd();
		uint32_t ra, rb;

		fill(key, sizeof key);
		fill(iv, sizeof iv);
		fill(orig, len);
		memcpy(buf_a + off, orig, len);
		memcpy(buf_b + (off ^ 5), orig, len);
		ra = wt_chacha20_simd_run(key, iv, cc, buf_a + off, len);
		rb = br_chacha20_ct_run(key, iv, cc, buf_b + (off ^ 5), len);
		if (ra != rb || memcmp(buf_a + off, buf_b + (off ^ 5), len) != 0) {
			bad ++;
		}
	}
	return bad;
}

/*
 * The AEAD: random key, nonce, AAD length 0..299, data lengths as above
 * (every fifth case decrypts all 0xFF bytes), unaligned data and AAD, in
 * place, both directions; the wasm build's AEAD (SIMD ChaCha20 and Poly1305)
 * must agree bit for bit with the portable one on the ciphertext, tag
 * and decrypted plaintext. Returns the number of mismatches.
 */
EMSCRIPTEN_KEEPALIVE int
sh_random_aead(uint32_t seed, uint32_t n)
{
	uint32_t i;
	int bad = 0;

	rng_state = 0xD1B54A32D192ED03ull ^ seed;
	for (i = 0; i < n; i ++) {
		size_t len = pick_len(i), off = rnd() & 15, off_b = off ^ 9;
		size_t alen = rnd() % 300, aoff = rnd() & 7;
		unsigned char ta[16], tb[16], aad_buf[320];
		/* every fifth case decrypts all-ones bytes: Poly1305 (which
		 * reads the ciphertext) takes the largest limbs there are */
		int ones = i % 5 == 4, encrypt = !ones;

		fill(key, sizeof key);
		fill(iv, sizeof iv);
		fill(aad_buf, sizeof aad_buf);
		fill(orig, len);
		if (ones) {
			memset(orig, 0xFF, len);
			memset(aad_buf, 0xFF, sizeof aad_buf);
		}
		memcpy(buf_a + off, orig, len);
		memcpy(buf_b + off_b, orig, len);
		wt_poly1305_simd_run(key, iv, buf_a + off, len, aad_buf + aoff,
			alen, ta, &wt_chacha20_simd_run, encrypt);
		br_poly1305_ctmul_run(key, iv, buf_b + off_b, len,
			aad_buf + aoff, alen, tb, &br_chacha20_ct_run, encrypt);
		if (memcmp(ta, tb, 16) != 0
			|| memcmp(buf_a + off, buf_b + off_b, len) != 0)
		{
			bad ++;
			continue;
		}
		if (!encrypt) {
			continue;
		}
		/* Decrypt the SIMD ciphertext with the SIMD code. */
		wt_poly1305_simd_run(key, iv, buf_a + off, len, aad_buf + aoff,
			alen, ta, &wt_chacha20_simd_run, 0);
		if (memcmp(ta, tb, 16) != 0 || memcmp(buf_a + off, orig, len) != 0) {
			bad ++;
		}
	}
	return bad;
}
