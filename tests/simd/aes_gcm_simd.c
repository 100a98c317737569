/*
 * SIMD128 AES-CTR / GHASH (src/aes_simd.c, src/ghash_simd.c) against
 * BearSSL's portable br_aes_ct64_ctr + br_ghash_ctmul64, bit for bit.
 * Built to a node .cjs by tests/simd/simd.mk; driven by
 * tests/simd_aes.test.mjs, which passes the Wycheproof vectors as a text
 * file (argv[1]: one case a line, "key iv aad msg ct tag valid", hex, "-"
 * for empty) and a seed (argv[2]).
 *
 * Prints one "ok <name> <count>" line per check group, or "FAIL ..." lines
 * and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>
#include "wt_aes_gcm_simd.h"

static int failures;

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		if (failures ++ < 20) { \
			printf("FAIL "); \
			printf(__VA_ARGS__); \
			printf("\n"); \
		} \
	} \
} while (0)

/* xorshift64*: reproducible from the seed the driver prints. */
static uint64_t rng_state;

static uint32_t
rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1Du) >> 32);
}

static void
rnd_bytes(unsigned char *p, size_t n)
{
	while (n -- > 0) {
		*p ++ = (unsigned char)rnd();
	}
}

static size_t
unhex(unsigned char *out, size_t cap, const char *s)
{
	size_t n = 0;

	if (strcmp(s, "-") == 0) {
		return 0;
	}
	while (s[0] && s[1] && n < cap) {
		unsigned v;

		sscanf(s, "%2x", &v);
		out[n ++] = (unsigned char)v;
		s += 2;
	}
	return n;
}

/* Both implementations, as the record layer pairs them. */
typedef struct {
	const br_block_ctr_class *ctr;
	br_ghash gh;
	const char *name;
} impl;

static const impl simd = { &wt_aes_simd_ctr_vtable, &wt_ghash_simd, "simd" };
static const impl port = { &br_aes_ct64_ctr_vtable, &br_ghash_ctmul64, "ct64" };

/* GCM (SP 800-38D 7.1/7.2) through br_gcm: encrypt or decrypt in place,
 * tag out. aad and data are fed in pieces of `chunk` bytes (0: whole) to
 * exercise the partial-block paths of the ctr and ghash calls. */
static void
gcm(const impl *im, const unsigned char *key, size_t klen,
	const unsigned char *iv, size_t ivlen, const unsigned char *aad,
	size_t alen, unsigned char *data, size_t dlen, int encrypt,
	size_t chunk, unsigned char tag[16])
{
	br_aes_gen_ctr_keys kc;
	br_gcm_context gc;
	size_t off, n;

	im->ctr->init(&kc.vtable, key, klen);
	br_gcm_init(&gc, &kc.vtable, im->gh);
	br_gcm_reset(&gc, iv, ivlen);
	for (off = 0; off < alen; off += n) {
		n = chunk ? chunk : alen;
		if (n > alen - off) {
			n = alen - off;
		}
		br_gcm_aad_inject(&gc, aad + off, n);
	}
	br_gcm_flip(&gc);
	for (off = 0; off < dlen; off += n) {
		n = chunk ? chunk : dlen;
		if (n > dlen - off) {
			n = dlen - off;
		}
		br_gcm_run(&gc, encrypt, data + off, n);
	}
	br_gcm_get_tag(&gc, tag);
}

/* FIPS 197 Appendix C.1-C.3: one block through CTR, with the plaintext
 * as IV || counter and a zero block as data, is the cipher itself. */
static void
fips197(void)
{
	static const char *const keys[3] = {
		"000102030405060708090a0b0c0d0e0f",
		"000102030405060708090a0b0c0d0e0f1011121314151617",
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	};
	static const char *const cts[3] = {
		"69c4e0d86a7b0430d8cdb78070b4c55a",
		"dda97ca4864cdfe06eaf70a0ec0d7191",
		"8ea2b7ca516745bfeafc49904b496089"
	};
	unsigned char pt[16], key[32], ct[16], blk[16];
	int i, n = 0;

	unhex(pt, 16, "00112233445566778899aabbccddeeff");
	for (i = 0; i < 3; i ++) {
		size_t klen = unhex(key, 32, keys[i]);
		uint32_t cc = ((uint32_t)pt[12] << 24) | ((uint32_t)pt[13] << 16)
			| ((uint32_t)pt[14] << 8) | pt[15];
		wt_aes_simd_ctr_keys kc;

		unhex(ct, 16, cts[i]);
		memset(blk, 0, 16);
		wt_aes_simd_ctr_vtable.init(&kc.vtable, key, klen);
		CHECK(wt_aes_simd_ctr_vtable.run(&kc.vtable, pt, cc, blk, 16)
			== cc + 1, "fips197 AES-%u counter", (unsigned)klen * 8);
		CHECK(memcmp(blk, ct, 16) == 0, "fips197 AES-%u block",
			(unsigned)klen * 8);
		n ++;
	}
	printf("ok fips197 %d\n", n);
}

/* Wycheproof aes_gcm_test.json: expected ciphertext and tag for valid
 * cases, rejection for invalid ones, and both implementations equal. */
static void
wycheproof(const char *path)
{
	static char f[7][8192];
	static unsigned char key[32], iv[1024], aad[4096], msg[4096], ct[4096],
		tag[16], buf[4096], buf2[4096], t1[16], t2[16];
	FILE *fp = fopen(path, "r");
	int valid_n = 0, invalid_n = 0;

	if (fp == NULL) {
		CHECK(0, "cannot open %s", path);
		return;
	}
	while (fscanf(fp, "%8191s %8191s %8191s %8191s %8191s %8191s %8191s",
		f[0], f[1], f[2], f[3], f[4], f[5], f[6]) == 7)
	{
		size_t klen = unhex(key, sizeof key, f[0]);
		size_t ivlen = unhex(iv, sizeof iv, f[1]);
		size_t alen = unhex(aad, sizeof aad, f[2]);
		size_t mlen = unhex(msg, sizeof msg, f[3]);
		size_t clen = unhex(ct, sizeof ct, f[4]);
		int valid = f[6][0] == '1';

		(void)unhex(tag, sizeof tag, f[5]);
		memcpy(buf, msg, mlen);
		gcm(&simd, key, klen, iv, ivlen, aad, alen, buf, mlen, 1, 0, t1);
		memcpy(buf2, msg, mlen);
		gcm(&port, key, klen, iv, ivlen, aad, alen, buf2, mlen, 1, 0, t2);
		CHECK(memcmp(buf, buf2, mlen) == 0 && memcmp(t1, t2, 16) == 0,
			"wycheproof encrypt simd != ct64 (key %s iv %s)", f[0], f[1]);
		if (valid) {
			CHECK(clen == mlen && memcmp(buf, ct, mlen) == 0
				&& memcmp(t1, tag, 16) == 0,
				"wycheproof valid case: ct/tag (key %s iv %s)",
				f[0], f[1]);
		}
		/* Decryption: the tag check passes exactly for valid cases. */
		memcpy(buf, ct, clen);
		gcm(&simd, key, klen, iv, ivlen, aad, alen, buf, clen, 0, 0, t1);
		CHECK((memcmp(t1, tag, 16) == 0) == valid,
			"wycheproof decrypt: tag check %s for a %s case (key %s iv %s)",
			valid ? "failed" : "passed", valid ? "valid" : "invalid",
			f[0], f[1]);
		if (valid) {
			CHECK(memcmp(buf, msg, mlen) == 0,
				"wycheproof decrypt: plaintext (key %s)", f[0]);
			valid_n ++;
		} else {
			invalid_n ++;
		}
	}
	fclose(fp);
	printf("ok wycheproof_valid %d\nok wycheproof_invalid %d\n",
		valid_n, invalid_n);
}

/* Random CTR runs: key sizes, counters next to 2^32 (the 32-bit counter
 * wraps, SP 800-38D 6.2 inc32), lengths 0..1000 and 16 KiB, data at every
 * alignment; output and returned counter both equal. */
static void
random_ctr(int iters)
{
	static unsigned char mem[16384 + 32], a[16384 + 32];
	int it;

	for (it = 0; it < iters; it ++) {
		unsigned char key[32], iv[12];
		size_t klen = 16 + 8 * (rnd() % 3);
		size_t len = (it % 50 == 0) ? 16384 : rnd() % 1001;
		size_t off = rnd() % 16;
		uint32_t cc = (it % 4 == 0) ? 0xFFFFFFFFu - rnd() % 20 : rnd();
		br_aes_ct64_ctr_keys k1;
		wt_aes_simd_ctr_keys k2;
		uint32_t r1, r2;

		rnd_bytes(key, klen);
		rnd_bytes(iv, 12);
		rnd_bytes(mem + off, len);
		memcpy(a, mem + off, len);
		br_aes_ct64_ctr_vtable.init(&k1.vtable, key, klen);
		wt_aes_simd_ctr_vtable.init(&k2.vtable, key, klen);
		r1 = br_aes_ct64_ctr_vtable.run(&k1.vtable, iv, cc, a, len);
		r2 = wt_aes_simd_ctr_vtable.run(&k2.vtable, iv, cc, mem + off, len);
		CHECK(r1 == r2, "ctr counter: %08x vs %08x (len %zu, cc %08x)",
			r2, r1, len, cc);
		CHECK(memcmp(a, mem + off, len) == 0,
			"ctr output (AES-%u, len %zu, off %zu, cc %08x, it %d)",
			(unsigned)klen * 8, len, off, cc, it);
	}
	printf("ok random_ctr %d\n", iters);
}

/* Random GHASH calls: any y and H (including all-ones and zero H), data
 * of any length and alignment, partial last block. */
static void
random_ghash(int iters)
{
	static unsigned char mem[16384 + 32];
	int it;

	for (it = 0; it < iters; it ++) {
		unsigned char y1[16], y2[16], h[16];
		size_t len = (it % 50 == 0) ? 16384 : rnd() % 1001;
		size_t off = rnd() % 16;

		rnd_bytes(y1, 16);
		memcpy(y2, y1, 16);
		rnd_bytes(h, 16);
		if (it % 97 == 1) {
			memset(h, 0xFF, 16);
		} else if (it % 97 == 2) {
			memset(h, 0, 16);
		}
		rnd_bytes(mem + off, len);
		br_ghash_ctmul64(y1, h, mem + off, len);
		wt_ghash_simd(y2, h, mem + off, len);
		CHECK(memcmp(y1, y2, 16) == 0, "ghash (len %zu, it %d)", len, it);
	}
	printf("ok random_ghash %d\n", iters);
}

/* Whole GCM records: random key/iv/aad/lengths, fed whole or in random
 * pieces, encrypt and decrypt, against the portable pair. */
static void
random_gcm(int iters)
{
	static unsigned char a[16384 + 32], b[16384 + 32], aad[600];
	int it;

	for (it = 0; it < iters; it ++) {
		unsigned char key[32], iv[12], t1[16], t2[16];
		size_t klen = 16 + 16 * (rnd() % 2);
		size_t len = (it % 40 == 0) ? 16384 : rnd() % 1001;
		size_t alen = rnd() % 600;
		size_t off = rnd() % 16;
		size_t chunk = (it & 1) ? 1 + rnd() % 100 : 0;
		int enc = (int)(rnd() & 1);

		rnd_bytes(key, klen);
		rnd_bytes(iv, 12);
		rnd_bytes(aad, alen);
		rnd_bytes(a + off, len);
		memcpy(b, a + off, len);
		gcm(&simd, key, klen, iv, 12, aad, alen, a + off, len, enc,
			chunk, t1);
		gcm(&port, key, klen, iv, 12, aad, alen, b, len, enc, chunk, t2);
		CHECK(memcmp(a + off, b, len) == 0 && memcmp(t1, t2, 16) == 0,
			"gcm (AES-%u, len %zu, aad %zu, chunk %zu, it %d)",
			(unsigned)klen * 8, len, alen, chunk, it);
	}
	printf("ok random_gcm %d\n", iters);
}

int
main(int argc, char **argv)
{
	if (argc < 3) {
		printf("usage: aes_gcm_simd vectors.txt seed\n");
		return 2;
	}
	rng_state = strtoull(argv[2], NULL, 0) | 1;
	fips197();
	wycheproof(argv[1]);
	random_ctr(2000);
	random_ghash(2000);
	random_gcm(1000);
	printf("failures %d\n", failures);
	return failures != 0;
}
