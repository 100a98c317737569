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
  for (const l of lines.filter((x) => !/^(keylog|exporter) /.test(x))) assert.match(l, /^ok /, `${l}\n${r.stderr}`);
  // Traffic secrets from the key log, against RFC 8448 section 3.
  const random = 'cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7';
  const rfc = {
    // {client} derive secret "tls13 c hs traffic"
    CLIENT_HANDSHAKE_TRAFFIC_SECRET: 'b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21',
    // {server} derive secret "tls13 s hs traffic"
    SERVER_HANDSHAKE_TRAFFIC_SECRET: 'b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38',
    // {server} derive secret "tls13 c ap traffic"
    CLIENT_TRAFFIC_SECRET_0: '9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5',
    // {server} derive secret "tls13 s ap traffic"
    SERVER_TRAFFIC_SECRET_0: 'a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643',
    // {server} derive secret "tls13 exp master"
    EXPORTER_SECRET: 'fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50',
  };
  const logged = Object.fromEntries(lines.filter((l) => l.startsWith('keylog ')).map((l) => {
    const [, label, cr, secret] = l.split(' ');
    assert.equal(cr, random);
    return [label, secret];
  }));
  assert.deepEqual(logged, rfc);
  // Every step must have been reached, not just the ones before a failure.
  for (const step of ['clienthello.random', 'clienthello.legacy_session_id', 'clienthello.cipher_suites',
    'clienthello.key_share', 'clienthello.server_name', 'server_flight', 'Record_ClientFinished',
    'Server_AppData', 'Record_Client_AppData', 'Record_Client_CloseNotify', 'clean close']) {
    assert.ok(lines.some((l) => l.startsWith(`ok ${step}`)), `step ${step} not reached:\n${r.stdout}${r.stderr}`);
  }
  assert.equal(r.status, 0, r.stderr);
});

test('RFC 8448 replay: a verify callback that refuses aborts with bad_certificate', () => {
  const r = spawnSync(path.join(build, 'test_rfc8448'), ['reject'], { input: section('Simple_1RTT_Handshake'), encoding: 'utf8', timeout: 20000 });
  assert.equal(r.error, undefined);
  assert.match(r.stdout, /^ok verify callback rejection$/m, r.stdout + r.stderr);
  assert.equal(r.status, 0, r.stderr);
});

test('RFC 8448 replay: max_fragment splits application data into records of at most 64 bytes', () => {
  const r = spawnSync(path.join(build, 'test_rfc8448'), ['fragment'], { input: section('Simple_1RTT_Handshake'), encoding: 'utf8', timeout: 20000 });
  assert.equal(r.error, undefined);
  assert.match(r.stdout, /^ok max_fragment 64$/m, r.stdout + r.stderr);
  assert.equal(r.status, 0, r.stderr);
});
