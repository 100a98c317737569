/*
 * GHASH (NIST SP 800-38D 6.4) for the wasm SIMD128 build, constant time.
 *
 * Carry-less products come from ordinary integer multiplies "with holes"
 * (as BearSSL's ghash_ctmul64): split each 64-bit operand into four masked
 * parts that keep every fourth bit; in a 64x64 -> 64 product of two parts
 * at most 16 terms meet at a bit position and their sum (at most 16) can
 * only carry past bit 63, so masking the residue class of the parts' sum
 * out of the XOR of the matching products gives the low 64 bits of the
 * carry-less product (bmul64). The high 64 bits are the low bits of the
 * product of the bit-reversed operands, reversed (a carry-less product of
 * two reversed 64-bit values is the 127-bit reversal of theirs). A
 * 128x128 product is Karatsuba over 64-bit halves: six bmul64, 96 i64.mul.
 *
 * Why scalar i64.mul and not i64x2.extmul (this file's earlier form, nine
 * 32x32 Karatsuba products with holes in SIMD lanes): an extmul is three
 * instructions in V8 on x64 (two unpacks and pmuludq) for two 32x32
 * products, where one i64.mul does a 64x64 one. Measured on 16 KiB calls
 * (best of 30 x 200, one wasm module, alternating): 310-320 MiB/s against
 * 257-263. SIMD128 still does what it is good at here: the byte loads and
 * the bit reversals (a nibble table in i8x16.swizzle, whose index is the
 * data but which reads one register, not memory).
 *
 * i64.mul is a fixed-time multiply on x86-64 and ARM64 (imul, MUL); a
 * 32-bit host's engine splits it into 32-bit multiplies, fixed-time on
 * the usual cores (Cortex-A), and a CPU whose multiplier takes operand-
 * dependent time (some small RISC-V cores) would leak through this as
 * through every multiply-based GHASH and Poly1305. Nothing here branches
 * on or indexes memory by data.
 */

#if defined(__wasm_simd128__)

#include <wasm_simd128.h>

#include "wt_internal.h"
#include "wt_aes_gcm_simd.h"

#define M0 0x1111111111111111u
#define M1 0x2222222222222222u
#define M2 0x4444444444444444u
#define M3 0x8888888888888888u

/* A fixed operand (H, a power of H, or one of their halves) split into
 * its four residue classes. */
typedef struct {
	uint64_t p[4];
} split64;

static inline void
split(split64 *d, uint64_t h)
{
	d->p[0] = h & M0;
	d->p[1] = h & M1;
	d->p[2] = h & M2;
	d->p[3] = h & M3;
}

/* Low 64 bits of the carry-less product of x and y: part k of x meets
 * part (c - k) mod 4 of y in residue class c. Not inlined: V8 then keeps
 * each call's 16 products in registers. Inlined into the block loop (by
 * the compiler, or forced) it spills, and GHASH ran at 175-185 MiB/s
 * against 310-320 out of line (16 KiB calls, same harness as above). */
static __attribute__((noinline)) uint64_t
bmul64(uint64_t x, const split64 *y)
{
	uint64_t x0 = x & M0, x1 = x & M1, x2 = x & M2, x3 = x & M3;
	uint64_t z0, z1, z2, z3;

	z0 = (x0 * y->p[0]) ^ (x1 * y->p[3]) ^ (x2 * y->p[2]) ^ (x3 * y->p[1]);
	z1 = (x0 * y->p[1]) ^ (x1 * y->p[0]) ^ (x2 * y->p[3]) ^ (x3 * y->p[2]);
	z2 = (x0 * y->p[2]) ^ (x1 * y->p[1]) ^ (x2 * y->p[0]) ^ (x3 * y->p[3]);
	z3 = (x0 * y->p[3]) ^ (x1 * y->p[2]) ^ (x2 * y->p[1]) ^ (x3 * y->p[0]);
	return (z0 & M0) | (z1 & M1) | (z2 & M2) | (z3 & M3);
}

/* Both 64-bit lanes bit-reversed: each byte's bits through a nibble
 * table, then the bytes of each lane in reverse order. */
static inline v128_t
rev64x2(v128_t v)
{
	const v128_t rev4 = wasm_i8x16_make(0x0, 0x8, 0x4, 0xC, 0x2, 0xA,
		0x6, 0xE, 0x1, 0x9, 0x5, 0xD, 0x3, 0xB, 0x7, 0xF);
	v128_t lo = wasm_v128_and(v, wasm_i8x16_splat(0x0F));
	v128_t hi = wasm_u8x16_shr(v, 4);

	v = wasm_v128_or(wasm_i8x16_shl(wasm_i8x16_swizzle(rev4, lo), 4),
		wasm_i8x16_swizzle(rev4, hi));
	return wasm_i8x16_shuffle(v, v, 7, 6, 5, 4, 3, 2, 1, 0,
		15, 14, 13, 12, 11, 10, 9, 8);
}

#define LANE(v, i) ((uint64_t)wasm_i64x2_extract_lane(v, i))

/* A fixed 128-bit factor prepared for Karatsuba: its low and high halves,
 * their XOR, and the same three of its bit-reversed halves, split. (v:
 * the same bytes as v128, for wt_wipe_v128.) */
typedef union {
	split64 k[6];
	v128_t v[12];
} hprep;

_Static_assert(sizeof(hprep) == sizeof(((hprep *)0)->v), "hprep is k[] exactly");

/* h: i64 lane 0 is the low half (see load_be128). */
static void
prep(hprep *hp, v128_t h)
{
	v128_t r = rev64x2(h);

	split(&hp->k[0], LANE(h, 0));
	split(&hp->k[1], LANE(h, 1));
	split(&hp->k[2], LANE(h, 0) ^ LANE(h, 1));
	split(&hp->k[3], LANE(r, 0));
	split(&hp->k[4], LANE(r, 1));
	split(&hp->k[5], LANE(r, 0) ^ LANE(r, 1));
}

/* acc ^= the six half products of x and the prepared factor: acc[0..2]
 * the low words of lo*lo, hi*hi and (lo^hi)(lo^hi), acc[3..5] the same
 * for the reversed halves. Linear in x, so the products of several
 * blocks can be summed before finish(). Always inlined, as mul() and
 * finish(): acc then lives in wasm locals, never in linear memory
 * (out of line, as -Os would leave it, it would sit unwiped in the
 * shadow stack: products with H's powers). */
static inline __attribute__((always_inline)) void
mul_acc(uint64_t acc[6], v128_t x, const hprep *hp)
{
	v128_t r = rev64x2(x);
	uint64_t lo = LANE(x, 0), hi = LANE(x, 1);
	uint64_t lor = LANE(r, 0), hir = LANE(r, 1);

	acc[0] ^= bmul64(lo, &hp->k[0]);
	acc[1] ^= bmul64(hi, &hp->k[1]);
	acc[2] ^= bmul64(lo ^ hi, &hp->k[2]);
	acc[3] ^= bmul64(lor, &hp->k[3]);
	acc[4] ^= bmul64(hir, &hp->k[4]);
	acc[5] ^= bmul64(lor ^ hir, &hp->k[5]);
}

/*
 * The GCM field element from mul_acc's sums. Each high word is the
 * reversed low word of the reversed product, shifted right by one (the
 * product has 127 bits). Reading blocks as big-endian integers reverses
 * the bit order of the polynomials (SP 800-38D 6.3: the first bit is the
 * coefficient of x^0), and the integer carry-less product of two reversed
 * 128-bit values is the reversed 255-bit product, one bit short of a
 * 256-bit reversal: hence the shift by one before reduction.
 */
static inline __attribute__((always_inline)) v128_t
finish(const uint64_t acc[6])
{
	v128_t r01 = rev64x2(wasm_i64x2_make((int64_t)acc[3], (int64_t)acc[4]));
	v128_t r2 = rev64x2(wasm_i64x2_make((int64_t)acc[5], 0));
	uint64_t l0 = acc[0], l1 = acc[1], lm = acc[2];
	uint64_t h0 = LANE(r01, 0) >> 1, h1 = LANE(r01, 1) >> 1;
	uint64_t hm = LANE(r2, 0) >> 1;
	uint64_t z0, z1, z2, z3, t, y0, y1;

	/* Karatsuba: the middle product minus the outer two */
	lm ^= l0 ^ l1;
	hm ^= h0 ^ h1;
	z0 = l0;
	z1 = h0 ^ lm;
	z2 = l1 ^ hm;
	z3 = h1;

	/* Shift left by one: z3:z2 now holds the coefficients of x^0..x^127
	 * and z1:z0 those of x^128..x^255, in GCM order. */
	z3 = (z3 << 1) | (z2 >> 63);
	z2 = (z2 << 1) | (z1 >> 63);
	z1 = (z1 << 1) | (z0 >> 63);
	z0 <<= 1;

	/*
	 * Reduce modulo P = x^128 + x^7 + x^2 + x + 1: L(x) x^128 ==
	 * L(x) (1 + x + x^2 + x^7) where L = z1:z0. Multiplying by x^k is a
	 * right shift by k here; the bits shifted out (degrees 128..134, from
	 * z0's low bits) fold once more, and folding them into z1 first lets
	 * one pass of shifts do both.
	 */
	t = z1 ^ (z0 << 63) ^ (z0 << 62) ^ (z0 << 57);
	y1 = z3 ^ t ^ (t >> 1) ^ (t >> 2) ^ (t >> 7);
	y0 = z2 ^ z0 ^ ((z0 >> 1) | (t << 63)) ^ ((z0 >> 2) | (t << 62))
		^ ((z0 >> 7) | (t << 57));
	return wasm_i64x2_make((int64_t)y0, (int64_t)y1);
}

/* The 16 bytes in reverse order: a block in memory <-> the block as a
 * 128-bit big-endian integer (i64 lane 0 the low half). */
static inline v128_t
reverse_bytes(v128_t v)
{
	return wasm_i8x16_shuffle(v, v, 15, 14, 13, 12, 11, 10, 9, 8,
		7, 6, 5, 4, 3, 2, 1, 0);
}

static inline v128_t
load_be128(const void *p)
{
	return reverse_bytes(wasm_v128_load(p));
}

static inline __attribute__((always_inline)) v128_t
mul(v128_t x, const hprep *hp)
{
	uint64_t acc[6] = { 0, 0, 0, 0, 0, 0 };

	mul_acc(acc, x, hp);
	return finish(acc);
}

/*
 * y <- (y ^ block) * H for each block (SP 800-38D 6.4). Four blocks at a
 * time use y' = (y ^ b0) H^4 ^ b1 H^3 ^ b2 H^2 ^ b3 H (Horner's rule
 * unrolled): the products are summed before one finish(). The powers of
 * H cost three products per call, so only calls of 4 blocks or more
 * compute them.
 */
void
wt_ghash_simd(void *y, const void *h, const void *data, size_t len)
{
	const unsigned char *buf = data;
	unsigned char tmp[16];
	v128_t yv, hv[4];
	hprep hp[4];
	int i, npow = 1;

	hv[0] = load_be128(h);
	prep(&hp[0], hv[0]);
	yv = load_be128(y);

	if (len >= 64) {
		npow = 4;
		for (i = 1; i < 4; i ++) {
			hv[i] = mul(hv[i - 1], &hp[0]);
			prep(&hp[i], hv[i]);
		}
		while (len >= 64) {
			uint64_t acc[6] = { 0, 0, 0, 0, 0, 0 };

			mul_acc(acc, wasm_v128_xor(yv, load_be128(buf)), &hp[3]);
			mul_acc(acc, load_be128(buf + 16), &hp[2]);
			mul_acc(acc, load_be128(buf + 32), &hp[1]);
			mul_acc(acc, load_be128(buf + 48), &hp[0]);
			yv = finish(acc);
			buf += 64;
			len -= 64;
		}
	}
	while (len > 0) {
		if (len >= 16) {
			yv = wasm_v128_xor(yv, load_be128(buf));
			buf += 16;
			len -= 16;
		} else {
			/* The last partial block is zero-padded (6.4). */
			memset(tmp, 0, sizeof tmp);
			memcpy(tmp, buf, len);
			yv = wasm_v128_xor(yv, load_be128(tmp));
			len = 0;
		}
		yv = mul(yv, &hp[0]);
	}
	wasm_v128_store(y, reverse_bytes(yv));
	/* H's powers and their parts (wt_wipe_v128: 16 bytes a store) */
	for (i = 0; i < npow; i ++) {
		wt_wipe_v128(hp[i].v, sizeof hp[i].v / sizeof hp[i].v[0]);
	}
	wt_wipe_v128(hv, 4);
	wt_wipe(tmp, sizeof tmp);
}

#endif
