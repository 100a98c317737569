// RFC 8448 "Simple 1-RTT Handshake" replayed through the engine (see
// tests/unit/rfc8448.c for what is compared and why).
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const build = path.resolve(root, process.env.WT_BUILD || 'build/native');
const vec = readFileSync(path.resolve(root, '../shared/vectors/rfc8448/transcripts.vec'), 'utf8');

function section(name) {
  const start = vec.indexOf(`[${name}]`);
  assert.ok(start >= 0, `section ${name} missing`);
  const rest = vec.slice(start + name.length + 2);
  const end = rest.search(/^\[/m);
  return end < 0 ? rest : rest.slice(0, end);
}

test('RFC 8448 simple 1-RTT handshake: ClientHello fields, server flight, Finished, data, close', () => {
  const r = spawnSync(path.join(build, 'test_rfc8448'), { input: section('Simple_1RTT_Handshake'), encoding: 'utf8', timeout: 20000 });
  assert.equal(r.error, undefined);
  const lines = r.stdout.trim().split('\n');
  for (const l of lines) assert.match(l, /^ok /, `${l}\n${r.stderr}`);
  // Every step must have been reached, not just the ones before a failure.
  for (const step of ['clienthello.random', 'clienthello.legacy_session_id', 'clienthello.cipher_suites',
    'clienthello.key_share', 'clienthello.server_name', 'server_flight', 'Record_ClientFinished',
    'Server_AppData', 'Record_Client_AppData', 'Record_Client_CloseNotify', 'clean close']) {
    assert.ok(lines.some((l) => l.startsWith(`ok ${step}`)), `step ${step} not reached:\n${r.stdout}${r.stderr}`);
  }
  assert.equal(r.status, 0, r.stderr);
});
