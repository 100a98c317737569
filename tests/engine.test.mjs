// Engine API contract (tests/unit/engine_api.c): configuration checks,
// host failures, wrong-state calls, name tables.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const build = path.resolve(root, process.env.WT_BUILD || 'build/native');

test('engine API contract', () => {
  const r = spawnSync(path.join(build, 'test_engine_api'), { encoding: 'utf8', timeout: 20000 });
  assert.equal(r.error, undefined);
  const lines = r.stdout.trim().split('\n');
  for (const l of lines) assert.match(l, /^ok /, `${l}\n${r.stderr}`);
  assert.equal(lines.filter((l) => l.startsWith('ok bad_config')).length, 26, r.stdout);
  for (const step of ['host failures', 'state word and buffer contract', 'eof during handshake', 'close during handshake', 'names', 'key update failure queues its alert', 'sig_algs and key_shares settings']) {
    assert.ok(lines.includes(`ok ${step}`), `step ${step} missing:\n${r.stdout}${r.stderr}`);
  }
  assert.equal(r.status, 0, r.stderr);
});
