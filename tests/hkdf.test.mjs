// Wycheproof HKDF-SHA256/384 through wt_hkdf_extract + wt_hkdf_expand, the
// HMAC-based HKDF that HKDF-Expand-Label (RFC 8446 7.1) is built on.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const build = path.resolve(root, process.env.WT_BUILD || 'build/native');

for (const hash of [256, 384]) {
  test(`HKDF-SHA${hash} (hkdf_sha${hash}_test.json)`, () => {
    const file = path.resolve(root, `../shared/vectors/wycheproof/hkdf_sha${hash}_test.json`);
    const cases = JSON.parse(readFileSync(file, 'utf8')).testGroups.flatMap((g) => g.tests);
    const hex = (h) => (h === '' ? '-' : h);
    const input = cases.map((c) => `${hash} ${hex(c.ikm)} ${hex(c.salt)} ${hex(c.info)} ${c.size}\n`).join('');
    const r = spawnSync(path.join(build, 'test_hkdf'), { input, encoding: 'utf8', timeout: 20000, maxBuffer: 1 << 26 });
    assert.equal(r.status, 0, r.stderr);
    const out = r.stdout.trim().split('\n');
    assert.equal(out.length, cases.length);
    let valid = 0;
    cases.forEach((c, i) => {
      if (c.result === 'invalid') {
        assert.equal(out[i], 'invalid', `tcId ${c.tcId}: ${c.comment}`);
      } else {
        assert.equal(out[i], c.okm, `tcId ${c.tcId}: ${c.comment}`);
        valid++;
      }
    });
    assert.ok(valid > 0);
    console.log(`hkdf_sha${hash}_test.json: ${cases.length} vectors (${valid} valid)`);
  });
}
