// Wycheproof vectors through src/crypto.c (driver: tests/unit/crypto.c).
//
// Each file is turned into driver lines, run through one test_crypto
// process, and every result line is compared with what Wycheproof expects.
// Vectors our API cannot express are skipped and counted (printed), never
// silently dropped: each file must run at least one vector.
//
// "acceptable" results, decided per primitive:
//  - X25519: RFC 7748 behaviour is what TLS wants: twist points,
//    non-canonical and small public keys are processed normally (the high
//    bit is masked, the secret must match), EXCEPT an all-zero shared
//    secret, which RFC 8446 7.4.2 / RFC 7748 6.1 tell us to abort on
//    (illegal_parameter).
//  - ECDH P-256/P-384: the acceptable cases are compressed public points;
//    RFC 8446 4.2.8.2 allows only the uncompressed form, so they must be
//    rejected. Invalid cases must be rejected.
//  - AES-GCM, ChaCha20-Poly1305, ECDSA, RSA-PSS: the files have no
//    acceptable cases; if one appears it is treated as must-reject (a TLS
//    peer has no excuse for a borderline encoding) — see expectSig().
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vecDir = path.resolve(repoRoot, '../shared/vectors/wycheproof');
const build = path.resolve(repoRoot, process.env.WT_BUILD || 'build/native');
const driver = path.join(build, 'test_crypto');

const ALERT_ILLEGAL_PARAMETER = 47;
const ALERT_DECRYPT_ERROR = 51;

function load(name) {
  return JSON.parse(fs.readFileSync(path.join(vecDir, name), 'utf8'));
}

const h = (s) => (s === '' ? '-' : s);

// Runs the driver over cases [{ tcId, line, expect(out) -> bool }].
function run(file, cases, skipped) {
  assert.ok(cases.length > 0, `${file}: no vectors to run`);
  const input = cases.map((c) => c.line).join('\n') + '\n';
  const r = spawnSync(driver, [], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.error, undefined, `cannot run ${driver}: ${r.error}`);
  const out = r.stdout.split('\n').filter((l) => l !== '');
  assert.equal(out.length, cases.length,
    `${file}: ${cases.length} vectors in, ${out.length} results out\n${r.stderr}`);
  const bad = [];
  cases.forEach((c, i) => {
    if (!c.expect(out[i])) bad.push(`tcId ${c.tcId}${c.tag ? ` (${c.tag})` : ''}: got "${out[i]}"` +
      ` [${c.why}]`);
  });
  const ids = new Set(cases.map((c) => c.tcId));
  console.log(`${file}: ${ids.size} vectors, ${cases.length} runs, ${skipped} skipped`);
  assert.deepEqual(bad, [], `${file}: ${bad.length} mismatches`);
  assert.equal(r.status, 0, `${file}: driver exited ${r.status}\n${r.stderr}`);
}

// ------------------------------------------------------------------ AEAD

// Our nonce is iv XOR seq (RFC 8446 5.3). Each vector runs twice: seq = 0
// with iv = the vector's nonce, and seq = S with iv = nonce XOR S, which
// must give the same nonce and so the same result.
const SEQ = 0x0123456789abcdefn;
function xorSeq(ivHex, seq) {
  const iv = Buffer.from(ivHex, 'hex');
  for (let i = 0; i < 8; i++) iv[11 - i] ^= Number((seq >> BigInt(8 * i)) & 0xffn);
  return iv.toString('hex');
}

function aeadFile(file, suiteFor) {
  const j = load(file);
  const cases = [];
  let skipped = 0;
  for (const g of j.testGroups) {
    for (const t of g.tests) {
      const suite = suiteFor(g);
      // Only what a TLS 1.3 record can carry: 12-byte nonce, 16-byte tag,
      // the suite's key size.
      if (!suite || g.ivSize !== 96 || g.tagSize !== 128) { skipped++; continue; }
      for (const seq of [0n, SEQ]) {
        const want = t.result === 'valid' ? 'valid' : 'invalid';
        cases.push({
          tcId: t.tcId, tag: `seq=${seq}`, why: `expected ${want} (${t.result})`,
          line: ['aead', suite, seq.toString(), t.key, xorSeq(t.iv, seq), h(t.aad), h(t.msg),
            h(t.ct), t.tag].join(' '),
          expect: (o) => o === want,
        });
      }
    }
  }
  run(file, cases, skipped);
}

test('AES-GCM (aes_gcm_test.json)', () => {
  aeadFile('aes_gcm_test.json', (g) => ({ 128: '1301', 256: '1302' })[g.keySize]);
});

test('ChaCha20-Poly1305 (chacha20_poly1305_test.json)', () => {
  aeadFile('chacha20_poly1305_test.json', (g) => (g.keySize === 256 ? '1303' : undefined));
});

// ------------------------------------------------------------------ key exchange

function expectKex(t, mustReject) {
  if (mustReject) {
    return { why: `expected reject (${t.result})`, expect: (o) => o === `reject ${ALERT_ILLEGAL_PARAMETER}` };
  }
  return { why: `expected ok ${t.shared}`, expect: (o) => o === `ok ${t.shared}` };
}

test('X25519 (x25519_test.json)', () => {
  const file = 'x25519_test.json';
  const j = load(file);
  const cases = [];
  let skipped = 0;
  for (const g of j.testGroups) {
    if (g.curve !== 'curve25519') { skipped += g.tests.length; continue; }
    for (const t of g.tests) {
      const zero = /^0+$/.test(t.shared);
      const mustReject = t.result === 'invalid' || zero;
      cases.push({ tcId: t.tcId, line: `x25519 ${t.private} ${h(t.public)}`, ...expectKex(t, mustReject) });
    }
  }
  run(file, cases, skipped);
});

for (const [file, group] of [['ecdh_secp256r1_ecpoint_test.json', '0017'],
  ['ecdh_secp384r1_ecpoint_test.json', '0018']]) {
  test(`ECDH ${group === '0017' ? 'P-256' : 'P-384'} (${file})`, () => {
    const j = load(file);
    const cases = [];
    for (const g of j.testGroups) {
      for (const t of g.tests) {
        // acceptable = compressed point: TLS 1.3 must refuse it.
        const mustReject = t.result !== 'valid';
        cases.push({ tcId: t.tcId, line: `ecdh ${group} ${t.private} ${h(t.public)}`, ...expectKex(t, mustReject) });
      }
    }
    run(file, cases, 0);
  });
}

// ------------------------------------------------------------------ signatures

function expectSig(t) {
  if (t.result === 'valid') return { why: 'expected valid', expect: (o) => o === 'valid' };
  return { why: `expected invalid (${t.result})`, expect: (o) => o === `invalid ${ALERT_DECRYPT_ERROR}` };
}

for (const [file, scheme, curve] of [['ecdsa_secp256r1_sha256_test.json', '0403', 'secp256r1'],
  ['ecdsa_secp384r1_sha384_test.json', '0503', 'secp384r1']]) {
  test(`ECDSA ${curve} (${file})`, () => {
    const j = load(file);
    const cases = [];
    let skipped = 0;
    for (const g of j.testGroups) {
      const key = g.publicKey || g.key;
      if (key.curve !== curve || (g.sha && g.sha !== (scheme === '0403' ? 'SHA-256' : 'SHA-384'))) {
        skipped += g.tests.length;
        continue;
      }
      for (const t of g.tests) {
        cases.push({ tcId: t.tcId, line: `sig ${scheme} ec ${key.uncompressed} ${h(t.msg)} ${h(t.sig)}`, ...expectSig(t) });
      }
    }
    run(file, cases, skipped);
  });
}

for (const [file, scheme, sha, hlen] of [['rsa_pss_2048_sha256_mgf1_32_test.json', '0804', 'SHA-256', 32],
  ['rsa_pss_2048_sha384_mgf1_48_test.json', '0805', 'SHA-384', 48]]) {
  test(`RSA-PSS ${sha} (${file})`, () => {
    const j = load(file);
    const cases = [];
    let skipped = 0;
    for (const g of j.testGroups) {
      // TLS 1.3 PSS: MGF1 with the message hash, salt length = hash length.
      if (g.sha !== sha || g.mgf !== 'MGF1' || g.mgfSha !== sha || g.sLen !== hlen) {
        skipped += g.tests.length;
        continue;
      }
      const n = g.publicKey ? g.publicKey.modulus : g.n;
      const e = g.publicKey ? g.publicKey.publicExponent : g.e;
      for (const t of g.tests) {
        cases.push({ tcId: t.tcId, line: `sig ${scheme} rsa ${n} ${e} ${h(t.msg)} ${h(t.sig)}`, ...expectSig(t) });
      }
    }
    run(file, cases, skipped);
  });
}

// ------------------------------------------------------------------ known answers

test('selftest: RFC 8448 X25519, RFC 8439 AEAD, TLS 1.2 PRF vectors (P_SHA256, P_SHA384), negative checks', () => {
  const r = spawnSync(driver, [], { input: 'selftest\n', encoding: 'utf8' });
  assert.equal(r.error, undefined, `cannot run ${driver}: ${r.error}`);
  assert.equal(r.stdout.trim(), 'selftest ok', r.stderr);
  assert.equal(r.status, 0, r.stderr);
});
