// The wasm build's SIMD128 AES-GCM pieces (src/aes_simd.c bitsliced
// AES-CTR, src/ghash_simd.c GHASH) against BearSSL's portable
// br_aes_ct64_ctr + br_ghash_ctmul64, run by the C harness
// tests/simd/aes_gcm_simd.c compiled to node .cjs (tests/simd/aes_gcm.mk):
//  - FIPS 197 Appendix C AES-128/192/256 block vectors;
//  - every Wycheproof aes_gcm_test.json case with a 96-bit IV (valid:
//    ciphertext and tag; invalid: the tag check fails) plus the valid
//    cases with other IV lengths (GHASH over the IV), both
//    implementations bit-for-bit equal on all of them;
//  - random CTR runs (AES-128/192/256, counters wrapping past 2^32,
//    lengths 0..1000 and 16 KiB, every alignment, returned counter),
//    random GHASH calls (all-ones and zero H, partial blocks) and random
//    whole GCM records fed whole or in pieces, encrypt and decrypt;
//  - three deliberately broken builds (an S-box gate, a GHASH reduction
//    term, a GHASH carry-less product pairing the wrong parts) must fail
//    the same checks.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SKIP = process.env.WT_NATIVE_ONLY ? 'WT_NATIVE_ONLY: wasm tests skipped' : false;
const dir = path.resolve(repoRoot, process.env.WASM_BUILD || 'build/wasm', 'simd-test');
const vecFile = path.resolve(repoRoot, '../shared/vectors/wycheproof/aes_gcm_test.json');

const hex = (s) => (s.length ? s : '-');

// The Wycheproof cases as the harness reads them.
function writeVectors() {
  const groups = JSON.parse(fs.readFileSync(vecFile, 'utf8')).testGroups;
  const lines = [];
  const counts = { valid: 0, invalid: 0 };
  for (const g of groups) {
    for (const t of g.tests) {
      // Invalid cases only with 96-bit IVs: BearSSL's GCM takes any IV
      // length, including the empty IV that makes the other ones invalid.
      if (g.ivSize !== 96 && t.result !== 'valid') continue;
      const valid = t.result === 'valid' ? 1 : 0;
      counts[valid ? 'valid' : 'invalid']++;
      lines.push([t.key, t.iv, t.aad, t.msg, t.ct, t.tag].map(hex).join(' ') + ` ${valid}`);
    }
  }
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'simd-aes-')), 'vectors.txt');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return { file, counts };
}

function run(name, vectors, seed) {
  const cjs = path.join(dir, name);
  assert.ok(fs.existsSync(cjs), `${cjs} missing: run make build (tests/simd/aes_gcm.mk)`);
  return spawnSync(process.execPath, [cjs, vectors, String(seed)], { encoding: 'utf8', timeout: 300_000 });
}

const seed = BigInt('0x' + crypto.randomBytes(8).toString('hex'));

test('SIMD128 AES-GCM equals the portable implementation and the vectors', { skip: SKIP }, () => {
  const { file, counts } = writeVectors();
  const r = run('aes_gcm_simd.cjs', file, seed);
  const out = r.stdout + r.stderr;
  assert.equal(r.status, 0, `seed ${seed}:\n${out}`);
  const ok = Object.fromEntries([...out.matchAll(/^ok (\w+) (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
  assert.deepEqual(ok, {
    fips197: 3,
    wycheproof_valid: counts.valid,
    wycheproof_invalid: counts.invalid,
    random_ctr: 2000,
    random_ghash: 2000,
    random_gcm: 1000,
  });
  assert.ok(counts.valid >= 200 && counts.invalid >= 80, JSON.stringify(counts));
  assert.match(out, /^failures 0$/m);
});

for (const [name, what] of [['broken_aes.cjs', /wycheproof|fips197|ctr|gcm/], ['broken_ghash.cjs', /wycheproof|ghash|gcm/],
  ['broken_bmul.cjs', /wycheproof|ghash|gcm/]]) {
  test(`a deliberately broken build fails: ${name}`, { skip: SKIP }, () => {
    const { file } = writeVectors();
    const r = run(name, file, seed);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^FAIL /m);
    assert.match(r.stdout, what);
    assert.doesNotMatch(r.stdout, /^failures 0$/m);
  });
}
