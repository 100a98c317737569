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
import { keyPair } from './lib/keys.mjs';

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

// RSASSA-PKCS1-v1_5 (the signatures on RSA-issued certificates, and TLS
// 1.2's ServerKeyExchange): e = 65537 and e = 3. The one "acceptable"
// vector is a DigestInfo without the NULL parameters, which BearSSL's
// br_rsa_pkcs1_sig_unpad (kept by src/pk_verify.c) accepts as RFC 4055 2.1
// asks of SHA-2 verifiers: it must verify.
test('RSA PKCS#1 v1.5 SHA-256 (rsa_signature_2048_sha256_test.json)', () => {
  const file = 'rsa_signature_2048_sha256_test.json';
  const cases = [];
  for (const g of load(file).testGroups) {
    assert.equal(g.sha, 'SHA-256');
    const n = g.publicKey ? g.publicKey.modulus : g.n;
    const e = g.publicKey ? g.publicKey.publicExponent : g.e;
    for (const t of g.tests) {
      const want = t.result === 'invalid' ? `invalid ${ALERT_DECRYPT_ERROR}` : 'valid';
      cases.push({ tcId: t.tcId, line: `sig12 0401 rsa ${n} ${e} ${h(t.msg)} ${h(t.sig)}`,
        why: `expected ${want} (${t.result} ${t.flags.join(',')})`, expect: (o) => o === want });
    }
  }
  run(file, cases, 0);
});

// Keys and signatures from node:crypto for what the Wycheproof files here
// do not cover: RSA moduli of 1024 to 4096 bits with small and large
// public exponents (src/pk_verify.c walks e bit by bit), and P-521. Each
// signature verifies, and fails with the message changed; ECDSA also
// fails with r or s out of (0, n) and with s replaced by n - s... which is
// valid (ECDSA signatures are malleable), so that one must verify.
const bigHex = (v, len) => v.toString(16).padStart(2 * len, '0');
function derInt(v) {
  let x = v.toString(16);
  if (x.length & 1) x = '0' + x;
  if (parseInt(x.slice(0, 2), 16) & 0x80) x = '00' + x;
  return '02' + (x.length / 2).toString(16).padStart(2, '0') + x;
}
function derSig(r, s) {
  const body = derInt(r) + derInt(s);
  const n = body.length / 2;
  return '30' + (n < 128 ? '' : '81') + n.toString(16).padStart(2, '0') + body;
}
test('RSA PKCS#1 v1.5 and ECDSA P-256/P-384/P-521 signatures from node:crypto', async () => {
  const crypto = await import('node:crypto');
  const cases = [];
  // (the last: above 2^31 - 1, refused whatever the signature, as Go's
  // crypto/rsa does: src/pk_verify.c wt_rsa_exponent_ok)
  const rsaKeys = [[1024, 3], [2048, 65537], [2048, 0x10001 * 2 + 1], [3072, 65537], [4096, 65537], [2048, 2 ** 31 - 1],
    [2048, 2 ** 32 - 1]];
  for (const [bits, e] of rsaKeys) {
    const { privateKey, publicKey } = keyPair('rsa', { modulusLength: bits, publicExponent: e });
    const jwk = publicKey.export({ format: 'jwk' });
    const n = Buffer.from(jwk.n, 'base64url').toString('hex');
    const eh = Buffer.from(jwk.e, 'base64url').toString('hex');
    const msg = crypto.randomBytes(40);
    const sig = crypto.sign('sha256', msg, privateKey);
    const tag = `rsa ${bits} e=${e}`;
    const fine = e < 2 ** 31;
    cases.push({ tcId: tag, line: `sig12 0401 rsa ${n} ${eh} ${msg.toString('hex')} ${sig.toString('hex')}`,
      why: fine ? 'valid' : 'exponent refused', expect: (o) => o === (fine ? 'valid' : `invalid ${ALERT_DECRYPT_ERROR}`) });
    if (e === 65537) {
      // e = 1 makes the signature the encoded message itself: refused
      const digestInfo = '3031300d060960864801650304020105000420' + crypto.createHash('sha256').update(msg).digest('hex');
      const em = '0001' + 'ff'.repeat(sig.length - 3 - digestInfo.length / 2) + '00' + digestInfo;
      cases.push({ tcId: `${tag} e=1`, line: `sig12 0401 rsa ${n} 01 ${msg.toString('hex')} ${em}`,
        why: 'e = 1 refused', expect: (o) => o === `invalid ${ALERT_DECRYPT_ERROR}` });
    }
    const bad = Buffer.from(msg); bad[0] ^= 1;
    cases.push({ tcId: `${tag} tampered`, line: `sig12 0401 rsa ${n} ${eh} ${bad.toString('hex')} ${sig.toString('hex')}`,
      why: 'message changed', expect: (o) => o === `invalid ${ALERT_DECRYPT_ERROR}` });
    // s + n: the same residue, but not a representative (RFC 8017 5.2.2 step 1)
    const sn = BigInt('0x' + sig.toString('hex')) + BigInt('0x' + n);
    if (sn < (1n << BigInt(8 * sig.length))) {
      cases.push({ tcId: `${tag} s+n`, line: `sig12 0401 rsa ${n} ${eh} ${msg.toString('hex')} ${bigHex(sn, sig.length)}`,
        why: 's >= n', expect: (o) => o === `invalid ${ALERT_DECRYPT_ERROR}` });
    }
  }
  const curves = [['prime256v1', '0403', 'sha256', 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n],
    ['secp384r1', '0503', 'sha384', 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n],
    ['secp521r1', '0603', 'sha512', 0x1fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n]];
  for (const [curve, scheme, hash, order] of curves) {
    for (let i = 0; i < 8; i++) {
      const { privateKey, publicKey } = keyPair('ec', { namedCurve: curve });
      const q = publicKey.export({ format: 'jwk' });
      const qh = '04' + Buffer.from(q.x, 'base64url').toString('hex') + Buffer.from(q.y, 'base64url').toString('hex');
      const msg = crypto.randomBytes(1 + i * 7);
      const raw = crypto.sign(hash, msg, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      const half = raw.length / 2;
      const r = BigInt('0x' + raw.subarray(0, half).toString('hex'));
      const s = BigInt('0x' + raw.subarray(half).toString('hex'));
      const line = (m, rr, ss) => `sig ${scheme} ec ${qh} ${m.toString('hex')} ${derSig(rr, ss)}`;
      const tag = `${curve} ${i}`;
      const ok = (o) => o === 'valid', no = (o) => o === `invalid ${ALERT_DECRYPT_ERROR}`;
      cases.push({ tcId: tag, line: line(msg, r, s), why: 'valid', expect: ok });
      cases.push({ tcId: `${tag} n-s`, line: line(msg, r, order - s), why: 'valid (malleable)', expect: ok });
      const bad = Buffer.from(msg); bad[0] ^= 0x80;
      cases.push({ tcId: `${tag} tampered`, line: line(bad, r, s), why: 'message changed', expect: no });
      cases.push({ tcId: `${tag} r+n`, line: line(msg, r + order, s), why: 'r >= n', expect: no });
      cases.push({ tcId: `${tag} s+n`, line: line(msg, r, s + order), why: 's >= n', expect: no });
      cases.push({ tcId: `${tag} s=n`, line: line(msg, r, order), why: 's = n', expect: no });
      cases.push({ tcId: `${tag} r=n`, line: line(msg, order, s), why: 'r = n', expect: no });
      cases.push({ tcId: `${tag} s=1`, line: line(msg, r, 1n), why: 's = 1', expect: no });
      cases.push({ tcId: `${tag} s=n-1`, line: line(msg, r, order - 1n), why: 's = n - 1', expect: no });
    }
  }
  run('node:crypto signatures', cases, 0);
});

// The RSA public exponent policy (src/pk_verify.c wt_rsa_exponent_ok):
// odd, 3 .. 2^31 - 1, any leading zero bytes.
test('RSA public exponents: odd and in 3..2^31-1', () => {
  const table = [['-', 0], ['00', 0], ['00000000', 0], ['01', 0], ['02', 0], ['03', 1], ['11', 1], ['010000', 0],
    ['010001', 1], ['0000000003', 1], ['000000010001', 1], ['7ffffffe', 0], ['7fffffff', 1], ['80000000', 0],
    ['80000001', 0], ['ffffffff', 0], ['0100000001', 0], ['0100000003', 0], ['0100010001', 0], ['000000007fffffff', 1]];
  run('rsa_e', table.map(([e, want]) => ({ tcId: e, line: `rsa_e ${e}`, why: String(want), expect: (o) => o === String(want) })), 0);
});

// Certificate signatures go to src/pk_verify.c without the strict DER
// check TLS signatures get (src/x509.c): BearSSL's parser, which takes
// leading zero bytes in the integers, and the same overall bound as
// BearSSL's br_ecdsa_i31_vrfy_asn1 (half its 288-byte buffer): a padded
// signature of 144 bytes verifies with both, one of 145 with neither.
test('ECDSA certificate-signature path: padded DER accepted up to BearSSL\'s bound, same answers', async () => {
  const crypto = await import('node:crypto');
  const { privateKey, publicKey } = keyPair('ec', { namedCurve: 'prime256v1' });
  const q = publicKey.export({ format: 'jwk' });
  const qh = '04' + Buffer.from(q.x, 'base64url').toString('hex') + Buffer.from(q.y, 'base64url').toString('hex');
  const msg = Buffer.from('certificate');
  const hash = crypto.createHash('sha256').update(msg).digest('hex');
  const raw = crypto.sign('sha256', msg, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  // r padded with leading zero bytes to make the whole DER `total` bytes
  const padded = (total) => {
    const s = '02' + '21' + '00' + raw.subarray(32).toString('hex');
    const rPad = total - 3 - 2 - s.length / 2 - 32;   // 30 81 LL | 02 LL <zeros> r | s
    const r = '00'.repeat(rPad) + raw.subarray(0, 32).toString('hex');
    const body = '02' + (r.length / 2).toString(16).padStart(2, '0') + r + s;
    return '3081' + (body.length / 2).toString(16).padStart(2, '0') + body;
  };
  const cases = [];
  for (const [total, want] of [[72, '1 1'], [144, '1 1'], [145, '0 0'], [200, '0 0']]) {
    const der = padded(total);
    assert.equal(der.length / 2, total);
    cases.push({ tcId: `padded to ${total}`, line: `ecdsa_asn1 ${qh} ${hash} ${der}`, why: want, expect: (o) => o === want });
  }
  run('ecdsa_asn1', cases, 0);
});

// ------------------------------------------------------------------ known answers

test('selftest: RFC 8448 X25519, RFC 8439 AEAD, TLS 1.2 PRF vectors (P_SHA256, P_SHA384), negative checks', () => {
  const r = spawnSync(driver, [], { input: 'selftest\n', encoding: 'utf8' });
  assert.equal(r.error, undefined, `cannot run ${driver}: ${r.error}`);
  assert.equal(r.stdout.trim(), 'selftest ok', r.stderr);
  assert.equal(r.status, 0, r.stderr);
});
