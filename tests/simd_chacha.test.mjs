// The wasm SIMD128 ChaCha20 (src/chacha20_simd.c) and Poly1305
// (src/poly1305_simd.c), alone and as the AEAD the wasm build uses,
// against known answers (RFC 8439, all of Wycheproof's
// chacha20_poly1305_test.json), Poly1305's definition on BigInts, and bit
// for bit against BearSSL's portable br_chacha20_ct_run and
// br_poly1305_ctmul_run on random inputs. Driver for the harness
// tests/simd/chacha_poly_simd.c, built by tests/simd/chacha.mk into
// build/wasm/simd-test/ (make build), with a mutant of each file that
// must fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT } from './lib/cli.mjs';
import { SKIP } from './lib/wasm.mjs';

const DIR = path.resolve(ROOT, process.env.WASM_BUILD || 'build/wasm', 'simd-test');
const HARNESS = path.join(DIR, 'chacha_poly_simd.cjs');
const BROKEN = path.join(DIR, 'broken_chacha.cjs');
const VECTORS = '/work/shared/vectors/wycheproof/chacha20_poly1305_test.json';
const skip = SKIP || (!fs.existsSync(HARNESS) && `${HARNESS} missing (make build-wasm)`);

const hex = (s) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const SIMD = 0;
const REF = 1;

let mod;
async function harness() {
  mod ??= await createRequire(import.meta.url)(HARNESS)();
  return mod;
}


// Copies buffers into the wasm heap, runs fn(pointers), returns copies
// of the listed outputs and frees everything.
function withHeap(m, bufs, fn) {
  const ptrs = bufs.map((b) => {
    const p = m._sh_alloc(b.length);
    m.HEAPU8.set(b, p);
    return p;
  });
  try {
    const ret = fn(...ptrs);
    return { ret, out: ptrs.map((p, i) => Buffer.from(m.HEAPU8.subarray(p, p + bufs[i].length))) };
  } finally {
    for (const p of ptrs) m._sh_free(p);
  }
}

function chacha(m, which, key, iv, cc, data) {
  const { ret, out } = withHeap(m, [key, iv, data], (k, n, d) => m._sh_chacha(which, k, n, cc, d, data.length));
  return { cc: ret >>> 0, data: out[2] };
}

function aead(m, which, key, iv, data, aad, encrypt) {
  const { out } = withHeap(m, [key, iv, data, aad, Buffer.alloc(16)],
    (k, n, d, a, t) => m._sh_aead(which, k, n, d, data.length, a, aad.length, t, encrypt ? 1 : 0));
  return { data: out[2], tag: out[4] };
}

const KEY = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
const SUNSCREEN = Buffer.from("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");

test('RFC 8439 2.3.2 / 2.4.2 / 2.6.2: ChaCha20 block, keystream and Poly1305 key generation', { skip }, async () => {
  const m = await harness();
  for (const which of [SIMD, REF]) {
    // 2.3.2: the serialized block for counter 1 is the keystream xored into zeros.
    const block = chacha(m, which, KEY, hex('000000090000004a00000000'), 1, Buffer.alloc(64));
    assert.equal(block.data.toString('hex'), '10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e'
      + 'd2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e');
    assert.equal(block.cc, 2);
    // 2.4.2: encryption from counter 1, 114 bytes (one partial block: counter ends at 3).
    const enc = chacha(m, which, KEY, hex('000000000000004a00000000'), 1, SUNSCREEN);
    assert.equal(enc.data.toString('hex'), '6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b'
      + 'f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8'
      + '07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736'
      + '5af90bbf74a35be6b40b8eedf2785e42874d');
    assert.equal(enc.cc, 3);
    // 2.6.2: the one-time Poly1305 key is block 0 of the AEAD key/nonce.
    const pk = chacha(m, which, hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f'),
      hex('000000000001020304050607'), 0, Buffer.alloc(32));
    assert.equal(pk.data.toString('hex'), '8ad5a08b905f81cc815040274ab29471a833b637e3fd0da508dbb8e2fdd1a646');
  }
});

test('RFC 8439 2.8.2 and A.5: AEAD encryption and decryption (Poly1305 tag)', { skip }, async () => {
  const m = await harness();
  const key = hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
  const iv = hex('070000004041424344454647');
  const aad = hex('50515253c0c1c2c3c4c5c6c7');
  const ct = 'd31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b'
    + '1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3f'
    + 'f4def08e4b7a9de576d26586cec64b6116';
  const e = aead(m, SIMD, key, iv, SUNSCREEN, aad, true);
  assert.equal(e.data.toString('hex'), ct);
  assert.equal(e.tag.toString('hex'), '1ae10b594f09e26a7e902ecbd0600691');
  const d = aead(m, SIMD, key, iv, hex(ct), aad, false);
  assert.deepEqual(d.data, SUNSCREEN);
  assert.equal(d.tag.toString('hex'), '1ae10b594f09e26a7e902ecbd0600691');

  // A.5: decryption of a 265-byte ciphertext (more than four blocks: the SIMD lanes).
  const k5 = hex('1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0');
  const n5 = hex('000000000102030405060708');
  const a5 = hex('f33388860000000000004e91');
  const c5 = hex(`64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb24c6cfc18755d43eea09ee94e382d26b0
    bdb7b73c321b0100d4f03b7f355894cf332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c8559797
    a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4b9166c767b804d46a59b5216cde7a4e99040c5a4
    0433225ee282a1b0a06c523eaf4534d7f83fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a0bb2316053fa
    76991955ebd63159434ecebb4e466dae5a1073a6727627097a1049e617d91d361094fa68f0ff77987130305beaba2eda04df
    997b714d6c6f2c29a6ad5cb4022b02709b`);
  const d5 = aead(m, SIMD, k5, n5, c5, a5, false);
  assert.equal(d5.tag.toString('hex'), 'eead9d67890cbb22392336fea1851f38');
  assert.match(d5.data.toString('latin1'), /^Internet-Drafts are draft documents valid for a maximum of six months/);
  assert.deepEqual(d5, aead(m, REF, k5, n5, c5, a5, false));
});

test('Wycheproof chacha20_poly1305_test.json: every 96-bit-nonce case, valid and invalid', { skip }, async () => {
  const m = await harness();
  const data = JSON.parse(fs.readFileSync(VECTORS, 'utf8'));
  let valid = 0;
  let invalid = 0;
  let otherNonce = 0;
  for (const g of data.testGroups) {
    for (const t of g.tests) {
      // The record layer only uses 12-byte nonces (RFC 8446 5.3); the
      // br_poly1305_run interface has no nonce length.
      if (g.ivSize !== 96) { otherNonce++; continue; }
      const [key, iv, aad, msg, ct, tag] = [t.key, t.iv, t.aad, t.msg, t.ct, t.tag].map(hex);
      const what = `tcId ${t.tcId} (${t.comment})`;
      const enc = aead(m, SIMD, key, iv, msg, aad, true);
      const dec = aead(m, SIMD, key, iv, ct, aad, false);
      assert.deepEqual(enc, aead(m, REF, key, iv, msg, aad, true), `${what}: SIMD vs portable encryption`);
      assert.deepEqual(dec, aead(m, REF, key, iv, ct, aad, false), `${what}: SIMD vs portable decryption`);
      if (t.result === 'valid') {
        assert.ok(enc.data.equals(ct) && enc.tag.equals(tag), `${what}: encryption`);
        assert.ok(dec.data.equals(msg) && dec.tag.equals(tag), `${what}: decryption`);
        valid++;
      } else {
        // Modified ciphertext or tag: the recomputed tag must differ.
        assert.ok(!dec.tag.equals(tag), `${what}: invalid case accepted`);
        invalid++;
      }
    }
  }
  assert.equal(valid, 256);
  assert.equal(invalid, 60);
  assert.equal(otherNonce, 9);
});

test('random ChaCha20: SIMD = br_chacha20_ct_run (lengths 0..1000 and large, unaligned, counter wrap)', { skip }, async () => {
  const m = await harness();
  assert.equal(m._sh_random_chacha(1, 1001 + 40), 0);
  assert.equal(m._sh_random_chacha(2, 300), 0);
});

test('random ChaCha20-Poly1305: the SIMD AEAD = the portable one (tags, ciphertexts, decryption, all-ones ciphertexts)', { skip }, async () => {
  const m = await harness();
  assert.equal(m._sh_random_aead(1, 1001 + 40), 0);
  assert.equal(m._sh_random_aead(2, 300), 0);
});

// Poly1305 by its definition (RFC 8439 2.5.1) on BigInts, for messages of
// whole 16-byte blocks: the oracle for poly1305_simd.c's steps alone.
const le = (b) => BigInt(`0x${Buffer.from(b).reverse().toString('hex') || '0'}`);
const P1305 = (1n << 130n) - 5n;
function poly1305Ref(key, msg) {
  const r = le(key.subarray(0, 16)) & 0x0ffffffc0ffffffc0ffffffc0fffffffn;
  let h = 0n;
  for (let i = 0; i < msg.length; i += 16) h = ((h + le(msg.subarray(i, i + 16)) + (1n << 128n)) * r) % P1305;
  const t = (h + le(key.subarray(16))) & ((1n << 128n) - 1n);
  return Buffer.from(t.toString(16).padStart(32, '0'), 'hex').reverse();
}

function poly1305(m, simd, key, msg) {
  const { ret, out } = withHeap(m, [key, msg, Buffer.alloc(16)], (k, d, t) => m._sh_poly1305(simd, k, d, msg.length, t));
  assert.equal(ret, 0);
  return out[2];
}

// Messages that end the sum exactly at p - 1, p, ..., p + 4 before the
// final reduction (r = 1: h is the plain sum of the blocks and their 2^128
// bits; one block at a time), the same after a group of four zero blocks
// through the lanes, all-ones blocks under the largest clamped r (the
// largest limbs), and random ones; the four-lane path for every whole
// group of four blocks.
function poly1305Cases() {
  const cases = [];
  const ones = Buffer.alloc(16, 0xff);
  const rOne = Buffer.concat([Buffer.from([1]), Buffer.alloc(15), crypto.randomBytes(16)]);
  for (let k = -1; k <= 4; k++) {
    // (2^128 - 1) + 2^128 + (2^128 - 4 + k) + 2^128 = p + k
    const last = Buffer.from((((1n << 128n) - 4n + BigInt(k)) & ((1n << 128n) - 1n)).toString(16).padStart(32, '0'), 'hex').reverse();
    cases.push([`r = 1, h = p + ${k}`, rOne, Buffer.concat([ones, last])]);
    cases.push([`r = 1, h = p + ${k}, after a group of zero blocks`, rOne, Buffer.concat([Buffer.alloc(64), ones, last])]);
  }
  for (const n of [4, 8, 12]) cases.push([`r = 1, ${n} all-ones blocks`, rOne, Buffer.alloc(16 * n, 0xff)]);
  const rMax = Buffer.concat([Buffer.alloc(16, 0xff), Buffer.alloc(16, 0xff)]);
  for (const n of [1, 4, 5, 8, 63, 64]) cases.push([`largest r, ${n} all-ones blocks`, rMax, Buffer.alloc(16 * n, 0xff)]);
  for (let n = 0; n <= 40; n++) cases.push([`random, ${n} blocks`, crypto.randomBytes(32), crypto.randomBytes(16 * n)]);
  return cases;
}

test('Poly1305 alone: one block at a time and four lanes = the definition (edges of the final reduction, largest limbs, random)', { skip }, async () => {
  const m = await harness();
  let lanes = 0;
  for (const [what, key, msg] of poly1305Cases()) {
    const want = poly1305Ref(key, msg).toString('hex');
    assert.equal(poly1305(m, 0, key, msg).toString('hex'), want, `${what}: one block at a time`);
    assert.equal(poly1305(m, 1, key, msg).toString('hex'), want, `${what}: four lanes`);
    if (msg.length >= 64) lanes++;
  }
  assert.ok(lanes >= 30);
});

// The final reduction alone on five limbs, carried or not (up to the sum
// of the four lanes, 4 (2^26 + 2^10) each): values just under, at and
// past p and 2^130, limbs of exactly 2^26, and random ones. Reaching some
// of these through whole messages would take ~2^80 tries.
function finishCases() {
  const M = (1n << 26n) - 1n;
  const limbsOf = (v) => [0, 1, 2, 3, 4].map((i) => Number((v >> BigInt(26 * i)) & M));
  const cases = [];
  for (const v of [0n, 1n, P1305 - 1n, P1305, P1305 + 1n, P1305 + 4n, P1305 + 5n, (1n << 130n) - 1n, (1n << 128n) - 1n, 1n << 128n]) {
    cases.push(limbsOf(v));
  }
  cases.push([1 << 26, 1 << 26, 1 << 26, 1 << 26, 1 << 26]);
  cases.push([M, M, M, M, M].map(Number));
  cases.push([(1 << 26) - 1, (1 << 26) + 98, M, M, M].map(Number));
  cases.push([(1 << 26) - 5, M, M, M, M].map(Number));   // p - ... : the second fold
  cases.push([(1 << 28) + 4096, (1 << 28) + 4096, (1 << 28) + 4096, (1 << 28) + 4096, (1 << 28) + 4096]);
  for (let i = 0; i < 200; i++) cases.push([...crypto.randomBytes(20)].reduce((a, b, j) => (a[j >> 2] = a[j >> 2] * 256 + b, a), [0, 0, 0, 0, 0]).map((x) => x % ((1 << 28) + 4097)));
  return cases;
}
function finishTag(m, limbs, s) {
  const l = Buffer.alloc(20);
  limbs.forEach((x, i) => l.writeUInt32LE(x, 4 * i));
  return withHeap(m, [l, s, Buffer.alloc(16)], (a, b, t) => m._sh_finish(a, b, t)).out[2];
}
function finishRef(limbs, s) {
  const v = limbs.reduce((acc, x, i) => acc + (BigInt(x) << BigInt(26 * i)), 0n) % P1305;
  const t = (v + le(s)) & ((1n << 128n) - 1n);
  return Buffer.from(t.toString(16).padStart(32, '0'), 'hex').reverse();
}

test('Poly1305 final reduction alone = (limbs mod p) + s (near p and 2^130, uncarried limbs, random)', { skip }, async () => {
  const m = await harness();
  const s = crypto.randomBytes(16);
  for (const limbs of finishCases()) {
    assert.equal(finishTag(m, limbs, s).toString('hex'), finishRef(limbs, s).toString('hex'), `limbs ${limbs}`);
  }
});

for (const name of ['broken_poly', 'broken_poly_lanes', 'broken_poly_finish']) {
  test(`a deliberately broken SIMD Poly1305 (tests/simd/chacha.mk mutant ${name}) fails the checks`, { skip }, async () => {
    const file = path.join(DIR, `${name}.cjs`);
    assert.ok(fs.existsSync(file), `${file} missing (make build)`);
    const m = await createRequire(import.meta.url)(file)();
    const s = crypto.randomBytes(16);
    const failures = {
      aead: m._sh_random_aead(1, 1001 + 40) > 0,
      alone: poly1305Cases().some(([, key, msg]) => !poly1305(m, 1, key, msg).equals(poly1305Ref(key, msg))),
      finish: finishCases().some((limbs) => !finishTag(m, limbs, s).equals(finishRef(limbs, s))),
    };
    assert.ok(Object.values(failures).some(Boolean), `no check failed: ${JSON.stringify(failures)}`);
  });
}

test('a deliberately broken SIMD ChaCha20 (tests/simd/chacha.mk mutant) fails the checks', { skip }, async () => {
  assert.ok(fs.existsSync(BROKEN), `${BROKEN} missing (make build)`);
  const m = await createRequire(import.meta.url)(BROKEN)();
  assert.ok(m._sh_random_chacha(1, 1001 + 40) > 0, 'random ChaCha20 comparison');
  assert.ok(m._sh_random_aead(1, 1001 + 40) > 0, 'random AEAD comparison');
  const data = JSON.parse(fs.readFileSync(VECTORS, 'utf8'));
  let wrong = 0;
  for (const g of data.testGroups) {
    for (const t of g.tests) {
      if (g.ivSize !== 96 || t.result !== 'valid') continue;
      const [key, iv, aad, msg, ct, tag] = [t.key, t.iv, t.aad, t.msg, t.ct, t.tag].map(hex);
      const e = aead(m, SIMD, key, iv, msg, aad, true);
      if (!e.data.equals(ct) || !e.tag.equals(tag)) wrong++;
    }
  }
  assert.ok(wrong > 0, 'Wycheproof');
});
