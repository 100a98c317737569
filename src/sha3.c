/*
 * sha3: Keccak-f[1600] and the SHA-3 functions ML-KEM needs (FIPS 202):
 * SHA3-256, SHA3-512 (one-shot) and SHAKE128, SHAKE256 (incremental).
 *
 * The state is 25 64-bit lanes; FIPS 202 3.1.2 maps the byte string to the
 * state little-endian within each lane, so byte i of a block goes to lane
 * i / 8, bits 8 (i % 8) and up. No table is indexed by data and nothing
 * branches on data: every secret (ML-KEM's seeds, keys, messages) may go
 * through here. No malloc, no I/O, no globals that are written.
 */

#include "wt_internal.h"
#include "wt_mlkem.h"

#define ROL64(x, n)  (((x) << (n)) | ((x) >> ((64 - (n)) & 63)))

/* FIPS 202 3.2.5 (iota): the round constants RC[ir] for ir = 0..23. */
static const uint64_t keccak_rc[24] = {
	0x0000000000000001, 0x0000000000008082, 0x800000000000808A,
	0x8000000080008000, 0x000000000000808B, 0x0000000080000001,
	0x8000000080008081, 0x8000000000008009, 0x000000000000008A,
	0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
	0x000000008000808B, 0x800000000000008B, 0x8000000000008089,
	0x8000000000008003, 0x8000000000008002, 0x8000000000000080,
	0x000000000000800A, 0x800000008000000A, 0x8000000080008081,
	0x8000000000008080, 0x0000000080000001, 0x8000000080008008
};

/*
 * Keccak-p[1600, 24] = Keccak-f[1600] (FIPS 202 3.3, 3.4). Lanes are
 * indexed x + 5y. Each round is theta, rho and pi fused (every lane is
 * rotated by its rho offset, FIPS 202 Table 2, and moved to its pi
 * position), chi, iota. Written out lane by lane so that the compiler
 * keeps lanes in registers; all indexes are constants.
 */
static void
keccak_f1600(uint64_t a[25])
{
	uint64_t c0, c1, c2, c3, c4, d0, d1, d2, d3, d4;
	uint64_t b[25];
	int r;

	for (r = 0; r < 24; r ++) {
		/* theta (3.2.1): xor every lane with the parities of two
		 * neighbouring columns. */
		c0 = a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20];
		c1 = a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21];
		c2 = a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22];
		c3 = a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23];
		c4 = a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24];
		d0 = c4 ^ ROL64(c1, 1);
		d1 = c0 ^ ROL64(c2, 1);
		d2 = c1 ^ ROL64(c3, 1);
		d3 = c2 ^ ROL64(c4, 1);
		d4 = c3 ^ ROL64(c0, 1);

		/* rho (3.2.2) and pi (3.2.3): B[y, 2x + 3y] = ROT(A[x, y],
		 * r[x, y]), i.e. b[y + 5((2x + 3y) mod 5)]. */
		b[0]  = a[0] ^ d0;
		b[10] = ROL64(a[1] ^ d1, 1);
		b[20] = ROL64(a[2] ^ d2, 62);
		b[5]  = ROL64(a[3] ^ d3, 28);
		b[15] = ROL64(a[4] ^ d4, 27);
		b[16] = ROL64(a[5] ^ d0, 36);
		b[1]  = ROL64(a[6] ^ d1, 44);
		b[11] = ROL64(a[7] ^ d2, 6);
		b[21] = ROL64(a[8] ^ d3, 55);
		b[6]  = ROL64(a[9] ^ d4, 20);
		b[7]  = ROL64(a[10] ^ d0, 3);
		b[17] = ROL64(a[11] ^ d1, 10);
		b[2]  = ROL64(a[12] ^ d2, 43);
		b[12] = ROL64(a[13] ^ d3, 25);
		b[22] = ROL64(a[14] ^ d4, 39);
		b[23] = ROL64(a[15] ^ d0, 41);
		b[8]  = ROL64(a[16] ^ d1, 45);
		b[18] = ROL64(a[17] ^ d2, 15);
		b[3]  = ROL64(a[18] ^ d3, 21);
		b[13] = ROL64(a[19] ^ d4, 8);
		b[14] = ROL64(a[20] ^ d0, 18);
		b[24] = ROL64(a[21] ^ d1, 2);
		b[9]  = ROL64(a[22] ^ d2, 61);
		b[19] = ROL64(a[23] ^ d3, 56);
		b[4]  = ROL64(a[24] ^ d4, 14);

		/* chi (3.2.4): A[x, y] = B[x, y] ^ (~B[x+1, y] & B[x+2, y]). */
		a[0]  = b[0]  ^ (~b[1]  & b[2]);
		a[1]  = b[1]  ^ (~b[2]  & b[3]);
		a[2]  = b[2]  ^ (~b[3]  & b[4]);
		a[3]  = b[3]  ^ (~b[4]  & b[0]);
		a[4]  = b[4]  ^ (~b[0]  & b[1]);
		a[5]  = b[5]  ^ (~b[6]  & b[7]);
		a[6]  = b[6]  ^ (~b[7]  & b[8]);
		a[7]  = b[7]  ^ (~b[8]  & b[9]);
		a[8]  = b[8]  ^ (~b[9]  & b[5]);
		a[9]  = b[9]  ^ (~b[5]  & b[6]);
		a[10] = b[10] ^ (~b[11] & b[12]);
		a[11] = b[11] ^ (~b[12] & b[13]);
		a[12] = b[12] ^ (~b[13] & b[14]);
		a[13] = b[13] ^ (~b[14] & b[10]);
		a[14] = b[14] ^ (~b[10] & b[11]);
		a[15] = b[15] ^ (~b[16] & b[17]);
		a[16] = b[16] ^ (~b[17] & b[18]);
		a[17] = b[17] ^ (~b[18] & b[19]);
		a[18] = b[18] ^ (~b[19] & b[15]);
		a[19] = b[19] ^ (~b[15] & b[16]);
		a[20] = b[20] ^ (~b[21] & b[22]);
		a[21] = b[21] ^ (~b[22] & b[23]);
		a[22] = b[22] ^ (~b[23] & b[24]);
		a[23] = b[23] ^ (~b[24] & b[20]);
		a[24] = b[24] ^ (~b[20] & b[21]);

		/* iota (3.2.5) */
		a[0] ^= keccak_rc[r];
	}
	/* b holds a permuted copy of the state (message or key bytes):
	 * clear it with 25 volatile lane stores (cheaper than a byte-wise
	 * wt_wipe on every permutation). */
	{
		volatile uint64_t *v = b;

		for (r = 0; r < 25; r ++) {
			v[r] = 0;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Sponge (FIPS 202 4) with the pad10*1 rule (5.1)                      */
/* ------------------------------------------------------------------ */

static void
sponge_init(wt_shake_ctx *c, unsigned rate)
{
	memset(c->st, 0, sizeof c->st);
	c->rate = rate;
	c->pos = 0;
}

static void
sponge_absorb(wt_shake_ctx *c, const uint8_t *p, size_t len)
{
	unsigned pos = c->pos;

	while (len > 0) {
		/* Whole lanes when aligned, else byte by byte. */
		if ((pos & 7) == 0 && len >= 8 && pos + 8 <= c->rate) {
			c->st[pos >> 3] ^= (uint64_t)p[0]
				| ((uint64_t)p[1] << 8) | ((uint64_t)p[2] << 16)
				| ((uint64_t)p[3] << 24) | ((uint64_t)p[4] << 32)
				| ((uint64_t)p[5] << 40) | ((uint64_t)p[6] << 48)
				| ((uint64_t)p[7] << 56);
			p += 8;
			len -= 8;
			pos += 8;
		} else {
			c->st[pos >> 3] ^= (uint64_t)*p << (8 * (pos & 7));
			p ++;
			len --;
			pos ++;
		}
		if (pos == c->rate) {
			keccak_f1600(c->st);
			pos = 0;
		}
	}
	c->pos = pos;
}

/* Appends the domain bits and pad10*1 (FIPS 202 B.2: SHA-3 appends 01,
 * SHAKE 1111, then the 1 ... 1 padding; with the bit order of B.1 that is
 * the byte 0x06 or 0x1F at the current position and 0x80 xored into the
 * last byte of the block), permutes, and starts squeezing at byte 0. */
static void
sponge_flip(wt_shake_ctx *c, unsigned dsbyte)
{
	unsigned last = c->rate - 1;

	c->st[c->pos >> 3] ^= (uint64_t)dsbyte << (8 * (c->pos & 7));
	c->st[last >> 3] ^= (uint64_t)0x80 << (8 * (last & 7));
	keccak_f1600(c->st);
	c->pos = 0;
}

static void
sponge_squeeze(wt_shake_ctx *c, uint8_t *out, size_t len)
{
	unsigned pos = c->pos;

	while (len > 0) {
		if (pos == c->rate) {
			keccak_f1600(c->st);
			pos = 0;
		}
		*out ++ = (uint8_t)(c->st[pos >> 3] >> (8 * (pos & 7)));
		pos ++;
		len --;
	}
	c->pos = pos;
}

/* ------------------------------------------------------------------ */
/* SHA3-256, SHA3-512 (FIPS 202 6.1): rate = 200 - 2 * digest bytes     */
/* ------------------------------------------------------------------ */

static void
sha3(const void *data, size_t len, uint8_t *out, unsigned outlen)
{
	wt_shake_ctx c;

	sponge_init(&c, 200 - 2 * outlen);
	sponge_absorb(&c, data, len);
	sponge_flip(&c, 0x06);
	sponge_squeeze(&c, out, outlen);
	wt_wipe(&c, sizeof c);
}

void
wt_sha3_256(const void *data, size_t len, uint8_t out[32])
{
	sha3(data, len, out, 32);
}

void
wt_sha3_512(const void *data, size_t len, uint8_t out[64])
{
	sha3(data, len, out, 64);
}

/* ------------------------------------------------------------------ */
/* SHAKE128, SHAKE256 (FIPS 202 6.2): rate = 200 - 2 * (bits / 8)       */
/* ------------------------------------------------------------------ */

void
wt_shake_init(wt_shake_ctx *c, unsigned bits)
{
	sponge_init(c, bits == 128 ? 168 : 136);
}

void
wt_shake_absorb(wt_shake_ctx *c, const void *data, size_t len)
{
	sponge_absorb(c, data, len);
}

void
wt_shake_flip(wt_shake_ctx *c)
{
	sponge_flip(c, 0x1F);
}

void
wt_shake_squeeze(wt_shake_ctx *c, void *out, size_t len)
{
	sponge_squeeze(c, out, len);
}
