// X25519 and P-256 of src/ec_c25519_wasm.c and src/ec_p256_wasm.c
// (driver: tests/unit/ec.c), natively and compiled to wasm.
//
// Every check runs twice: with the native driver (build/native/test_ec),
// and with the same driver built by emcc against the wasm build's
// libraries (WASM_BUILD, default build/wasm: `make build-wasm` first; the
// wasm half is skipped with WT_NATIVE_ONLY or without those libraries)
// and run by node, so the wasm compilation of the code is what is tested.
//
//  - RFC 7748 5.2 (a vector, 1 and 1000 iterations) and 6.1 (the DH).
//  - Wycheproof x25519_test.json (every vector: the raw function computes
//    the shared value for "acceptable" inputs too; refusing an all-zero
//    secret is src/kex.c's job), ecdh_secp256r1_ecpoint_test.json (valid:
//    the shared x; invalid points and the compressed "acceptable" one:
//    mul() returns 0) and ecdsa_secp256r1_sha256_test.json (through
//    br_ecdsa_i31_vrfy_raw over our muladd; signatures that are not
//    strict DER are src/crypto.c's to refuse, counted and skipped here).
//  - node:crypto: X25519 and P-256 ECDH key pairs and secrets, ECDSA
//    signatures from node verified (and rejected when the message
//    changes).
//  - The P-256 field arithmetic (driver: tests/unit/ec_field.c, which
//    includes src/ec_p256_wasm.c; in wasm compiled by emcc with the wasm
//    build's flags rather than taken from its library) against BigInt,
//    with operands built to reach the reduction's rare carry paths.
//  - Bit for bit against BearSSL's m31 code in every line above, and in
//    thousands of fixed-seed random rounds (the driver's `random`): mul,
//    mulgen, muladd (with the doubling and P = -Q cases), invalid points;
//    the wasm driver runs those rounds without m31 (`random N ours`) and
//    must give the same digest of its results as the native, m31-checked
//    run (same inputs: same fixed-seed generator).
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { keyPair } from './lib/keys.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vecDir = path.resolve(repoRoot, '../shared/vectors/wycheproof');
const build = path.resolve(repoRoot, process.env.WT_BUILD || 'build/native');
const wasmBuild = path.resolve(repoRoot, process.env.WASM_BUILD || 'build/wasm');
const bearssl = path.resolve(repoRoot, process.env.BEARSSL_SOURCE_DIR || 'third_party/bearssl');
// Random rounds: 2000 on the release build (native and wasm: the value
// comparison against m31, data-dependent carries and reductions). Under
// ASan+UBSan (a build directory named *asan*, the second pass of `make
// test`, ~40 ms a round) 480: two full periods of the driver's case
// schedule (round % 5 short X25519 scalars, round % 16 short/tiny/n-1
// P-256 scalars, round % 6 invalid points: lcm 240), so every kind of
// call and input reaches the sanitizers twice; the code is constant-time,
// its memory accesses do not depend on the scalar's value, and the
// values themselves are the release pass's 2000 rounds' job.
const SANITIZED = /asan/.test(process.env.WT_BUILD || '');
const RANDOM_ROUNDS = +(process.env.EC_RANDOM_ROUNDS || (SANITIZED ? 480 : 2000));
const FIELD_OPS = 100000;

const load = (name) => JSON.parse(fs.readFileSync(path.join(vecDir, name), 'utf8'));
const h = (s) => (s === '' ? '-' : s);

// The wasm driver: built here (seconds) so it always matches the sources
// and the libraries it links.
function wasmDriver() {
  if (process.env.WT_NATIVE_ONLY) return { skip: 'WT_NATIVE_ONLY' };
  const libs = ['libwasmtls.a', 'libbearssl.a'].map((l) => path.join(wasmBuild, l));
  if (!libs.every((l) => fs.existsSync(l))) return { skip: `no ${libs.join(', ')}: make build-wasm` };
  const build = (name) => {
    const out = path.join(wasmBuild, `test_${name}.cjs`);
    // the wasm build's flags (wasm/wasm.mk: WASM_CFLAGS, WASM_SIMD)
    const r = spawnSync('emcc', ['-O2', '-msimd128', '-DBR_64=1', '-Wall', '-Werror',
      '-I', path.join(repoRoot, 'src'), '-I', path.join(repoRoot, 'tests/unit'),
      '-I', path.join(bearssl, 'inc'),
      path.join(repoRoot, `tests/unit/${name}.c`), path.join(repoRoot, 'tests/unit/unit.c'), ...libs,
      // NODERAWFS: Emscripten 3.1.6's default stdin reads nothing from a pipe
      '-sSINGLE_FILE=1', '-sENVIRONMENT=node', '-sNODERAWFS=1', '-o', out],
    { encoding: 'utf8', env: { ...process.env, NODE_PATH: '/usr/share/nodejs' } });
    assert.equal(r.status, 0, `emcc failed:\n${r.stderr}`);
    return { cmd: process.execPath, args: [out] };
  };
  return { ...build('ec'), field: build('ec_field') };
}

const drivers = [
  ['native', { cmd: path.join(build, 'test_ec'), args: [], field: { cmd: path.join(build, 'test_ec_field'), args: [] } }],
  ['wasm', null],
];

function drive(d, lines) {
  const input = lines.join('\n') + '\n';
  const r = spawnSync(d.cmd, d.args, { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.error, undefined, `cannot run ${d.cmd}: ${r.error}`);
  const out = r.stdout.split('\n').filter((l) => l !== '');
  assert.equal(out.length, lines.length, `${lines.length} lines in, ${out.length} out\n${r.stderr}`);
  assert.equal(r.status, 0, `driver exited ${r.status}\n${r.stderr}`);
  return out;
}

// Runs cases [{ id, line, check(ours, m31) -> string|null }]; every line's
// result must also be m31's unless the case says otherwise.
function runCases(d, name, cases) {
  assert.ok(cases.length > 0, `${name}: no cases`);
  const out = drive(d, cases.map((c) => c.line));
  const bad = [];
  cases.forEach((c, i) => {
    const [ours, m31] = out[i].split(' ');
    const why = c.check(ours) ?? (ours === m31 ? null : `m31 gives ${m31}`);
    if (why) bad.push(`${c.id}: ${ours}: ${why}`);
  });
  console.log(`${name}: ${cases.length} cases`);
  assert.deepEqual(bad, [], `${name}: ${bad.length} failures`);
}

function x25519Cases() {
  const cases = [];
  // RFC 7748 5.2, first vector; 6.1 (Alice's and Bob's public keys, the secret)
  cases.push({ id: 'rfc7748 5.2', line: 'x25519 a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4 ' +
    'e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c',
  check: (o) => (o === 'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552' ? null : 'wrong') });
  const nine = '09' + '00'.repeat(31);
  const alice = '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a';
  const bob = '5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb';
  const alicePub = '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a';
  const bobPub = 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f';
  const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
  const is = (want) => (o) => (o === want ? null : `want ${want}`);
  cases.push({ id: 'rfc7748 6.1 alice pub', line: `x25519 ${alice} ${nine}`, check: is(alicePub) });
  cases.push({ id: 'rfc7748 6.1 bob pub', line: `x25519 ${bob} ${nine}`, check: is(bobPub) });
  cases.push({ id: 'rfc7748 6.1 alice', line: `x25519 ${alice} ${bobPub}`, check: is(shared) });
  cases.push({ id: 'rfc7748 6.1 bob', line: `x25519 ${bob} ${alicePub}`, check: is(shared) });
  // Wycheproof
  for (const g of load('x25519_test.json').testGroups) {
    for (const t of g.tests) {
      cases.push({ id: `wycheproof x25519 ${t.tcId}`, line: `x25519 ${t.private} ${t.public}`, check: is(t.shared) });
    }
  }
  // node:crypto
  for (let i = 0; i < 50; i++) {
    const a = keyPair('x25519');
    const b = keyPair('x25519');
    const raw = (k, part) => Buffer.from(k.export({ format: 'jwk' })[part], 'base64url').toString('hex');
    const s = crypto.diffieHellman({ privateKey: a.privateKey, publicKey: b.publicKey }).toString('hex');
    cases.push({ id: `node x25519 ${i} pub`, line: `x25519 ${raw(a.privateKey, 'd')} ${nine}`, check: is(raw(a.publicKey, 'x')) });
    cases.push({ id: `node x25519 ${i}`, line: `x25519 ${raw(a.privateKey, 'd')} ${raw(b.publicKey, 'x')}`, check: is(s) });
  }
  return cases;
}

// ECDSA-Sig-Value (RFC 3279 2.2.3) in strict DER to r || s (each padded to
// the wider of the two and 32 bytes: values wider than 32 bytes stay, for
// the verifier to refuse); null if the encoding is not DER.
function derToRaw(hex) {
  const b = Buffer.from(hex, 'hex');
  let i = 0;
  const int = () => {
    if (b[i++] !== 0x02) return null;
    const n = b[i++];
    if (n === undefined || n === 0 || n > 0x7f || i + n > b.length) return null;
    const v = b.subarray(i, i + n);
    i += n;
    if (v[0] & 0x80) return null;                       // negative
    if (v[0] === 0 && (n === 1 || !(v[1] & 0x80))) return n === 1 ? v : null;  // not minimal
    return v[0] === 0 ? v.subarray(1) : v;
  };
  if (b[i++] !== 0x30 || b[i++] !== b.length - 2 || b.length - 2 > 0x7f) return null;
  const r = int();
  const s = r && int();
  if (!s || i !== b.length) return null;
  const w = Math.max(32, r.length, s.length);
  const pad = (v) => Buffer.concat([Buffer.alloc(w - v.length), v]).toString('hex');
  return pad(r) + pad(s);
}

function p256Cases() {
  const cases = [];
  for (const g of load('ecdh_secp256r1_ecpoint_test.json').testGroups) {
    for (const t of g.tests) {
      const check = t.result === 'valid'
        ? (o) => (o.startsWith('1:04') && o.slice(4, 68) === t.shared ? null : `want x = ${t.shared}`)
        : (o) => (o === '0' ? null : 'accepted');
      cases.push({ id: `wycheproof ecdh ${t.tcId} (${t.result})`, line: `p256_mul ${t.private} ${h(t.public)}`, check });
    }
  }
  let skipped = 0;
  for (const g of load('ecdsa_secp256r1_sha256_test.json').testGroups) {
    const q = g.publicKey.uncompressed;
    for (const t of g.tests) {
      const want = t.result === 'valid' ? '1' : '0';
      const raw = derToRaw(t.sig);
      if (raw === null) {
        // BER and other encoding cases: src/crypto.c's strict DER check
        // (tests/crypto.test.mjs); the curve code never sees them.
        assert.equal(want, '0', `tcId ${t.tcId}: a valid vector that is not DER`);
        skipped++;
        continue;
      }
      cases.push({ id: `wycheproof ecdsa ${t.tcId} (${t.result})`, line: `ecdsa ${q} ${h(t.msg)} ${raw}`,
        check: (o) => (o === want ? null : `want ${want}`) });
    }
  }
  console.log(`ecdsa_secp256r1_sha256_test.json: ${skipped} signatures not in DER skipped`);
  for (let i = 0; i < 50; i++) {
    const a = crypto.createECDH('prime256v1');
    const b = crypto.createECDH('prime256v1');
    a.generateKeys();
    b.generateKeys();
    const pub = a.getPublicKey('hex', 'uncompressed');
    cases.push({ id: `node p256 ${i} pub`, line: `p256_gen ${a.getPrivateKey('hex')}`,
      check: (o) => (o === pub ? null : `want ${pub}`) });
    const s = b.computeSecret(a.getPublicKey()).toString('hex');
    cases.push({ id: `node p256 ${i} ecdh`, line: `p256_mul ${b.getPrivateKey('hex')} ${pub}`,
      check: (o) => (o.slice(4, 68) === s ? null : `want x = ${s}`) });
    const { privateKey, publicKey } = keyPair('ec', { namedCurve: 'prime256v1' });
    const msg = crypto.randomBytes(1 + i);
    const sig = crypto.sign('sha256', msg, { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('hex');
    const q = publicKey.export({ format: 'der', type: 'spki' }).subarray(-65).toString('hex');
    cases.push({ id: `node ecdsa ${i}`, line: `ecdsa ${q} ${msg.toString('hex')} ${sig}`,
      check: (o) => (o === '1' ? null : 'rejected') });
    msg[0] ^= 1;
    cases.push({ id: `node ecdsa ${i} tampered`, line: `ecdsa ${q} ${msg.toString('hex')} ${sig}`,
      check: (o) => (o === '0' ? null : 'accepted') });
  }
  return cases;
}

// GF(p) operands for test_ec_field: words drawn from patterns that make
// the fast reduction's column sums extreme (so its rare second fold and
// final subtraction run), reduced mod p; plus p - 1, 0, 1.
const P = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n;
const WORDS = [0n, 1n, 2n, 0xffffffffn, 0xfffffffen, 0x80000000n, 0x7fffffffn, 0xffff0000n, 0x0000ffffn];
function fieldOperand(rnd) {
  let v = 0n;
  for (let i = 0; i < 8; i++) {
    const r = rnd() % 12;
    v |= (r < WORDS.length ? WORDS[r] : BigInt(rnd())) << BigInt(32 * i);
  }
  return v % P;
}
const fhex = (v) => v.toString(16).padStart(64, '0');
const modp = (v) => ((v % P) + P) % P;
function powp(b, e) {
  let r = 1n;
  for (b = modp(b); e > 0n; e >>= 1n, b = b * b % P) if (e & 1n) r = r * b % P;
  return r;
}
function fieldCases(n) {
  let seed = 12345;
  const rnd = () => {   // mulberry32: a 32-bit word
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const cases = [];
  const special = [0n, 1n, 2n, P - 1n, P - 2n, 2n ** 255n, 2n ** 224n, 2n ** 256n - P];
  for (let i = 0; i < n; i++) {
    const a = i < 64 ? special[i % 8] : fieldOperand(rnd);
    const b = i < 64 ? special[i >> 3] : fieldOperand(rnd);
    const op = ['mul', 'sq', 'add', 'sub'][i % 4];
    const want = { mul: a * b, sq: a * a, add: a + b, sub: a - b }[op];
    cases.push({ line: op === 'sq' ? `sq ${fhex(a)}` : `${op} ${fhex(a)} ${fhex(b)}`, want: fhex(modp(want)) });
    if (i % 500 === 0) cases.push({ line: `inv ${fhex(a)}`, want: fhex(powp(a, P - 2n)) });
  }
  return cases;
}

// `random N[ ours]` -> {checks, digest}
function randomRun(d, mode) {
  const [out] = drive(d, [`random ${RANDOM_ROUNDS}${mode}`]);
  const m = /^ok (\d+) ([0-9a-f]{64})$/.exec(out);
  assert.ok(m, out);
  return { checks: +m[1], digest: m[2] };
}
let nativeRandom = null;

for (const [kind] of drivers) {
  let d = null;
  const get = () => {
    if (d === null) d = kind === 'native' ? drivers[0][1] : wasmDriver();
    return d;
  };
  const skip = kind === 'wasm' && process.env.WT_NATIVE_ONLY ? 'WT_NATIVE_ONLY' : false;

  test(`${kind}: X25519: RFC 7748, Wycheproof, node:crypto, = m31`, { skip }, (t) => {
    if (get().skip) return t.skip(get().skip);
    runCases(get(), `${kind} x25519`, x25519Cases());
    // RFC 7748 5.2: after 1 and 1,000 iterations
    assert.deepEqual(drive(get(), ['x25519_iter 1', 'x25519_iter 1000']), [
      '422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079',
      '684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51']);
  });

  test(`${kind}: P-256: Wycheproof ECDH and ECDSA, node:crypto, = m31`, { skip }, (t) => {
    if (get().skip) return t.skip(get().skip);
    runCases(get(), `${kind} p256`, p256Cases());
  });

  test(`${kind}: wt_ec_impl() is br_ec_all_m31 with our P-256 and X25519`, { skip }, (t) => {
    if (get().skip) return t.skip(get().skip);
    // 1: BearSSL's default is still m31 (src/ec.c replaces it on that
    // ground: a BearSSL with m62/m64 code needs src/ec.c revisited);
    // 1: same curves; 1: same public keys for all four curves.
    assert.deepEqual(drive(get(), ['impl']), ['1 1 1']);
  });

  test(`${kind}: P-256 field arithmetic against BigInt`, { skip }, (t) => {
    if (get().skip) return t.skip(get().skip);
    const d = get().field;
    const cases = fieldCases(FIELD_OPS);
    const out = drive(d, cases.map((c) => c.line));
    const bad = cases.filter((c, i) => out[i] !== c.want).map((c, i) => `${c.line}: ${out[i]} want ${c.want}`);
    console.log(`${kind} field: ${cases.length} operations`);
    assert.deepEqual(bad.slice(0, 5), [], `${bad.length} wrong`);
  });

  // Native: every result of ours equal to m31's, and a digest of them
  // all. Wasm: ours alone (`random N ours`: m31 in wasm was more than
  // half of the wasm run's time, and it is not what is tested), whose
  // digest must be the native run's: the wasm build computes bit for bit
  // what the native build computed and checked against m31.
  const randomTitle = kind === 'native' ? `${RANDOM_ROUNDS} random rounds against m31`
    : `${RANDOM_ROUNDS} random rounds: the native build's m31-checked results`;
  test(`${kind}: ${randomTitle}`, { skip }, (t) => {
    if (get().skip) return t.skip(get().skip);
    if (kind === 'native') {
      nativeRandom = randomRun(get(), '');
      console.log(`${kind} random: ok ${nativeRandom.checks} ${nativeRandom.digest}`);
      return;
    }
    const ours = randomRun(get(), ' ours');
    const want = nativeRandom ?? randomRun(drivers[0][1], '');
    assert.equal(ours.checks, want.checks, 'checks');
    assert.equal(ours.digest, want.digest, 'wasm results differ from the native build\'s (checked against m31)');
    console.log(`${kind} random: ok ${ours.checks} ${ours.digest}, = native`);
  });
}
