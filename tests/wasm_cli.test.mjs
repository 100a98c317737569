// The Node CLI (js/bin/wasmtls.mjs, the wasm engine) under the native CLI's
// own contract and interop suites: tests/cli.test.mjs and
// tests/interop.test.mjs run again with WT_BUILD pointing at a directory
// whose `wasmtls` is the Node CLI. Same options, --json line, error names
// and exit codes; the whole suite/group/certificate matrix, HRR, KeyUpdate,
// key log, and every negative certificate case against openssl s_server,
// gnutls-serv and Node's tls server; then tests/resumption.test.mjs and
// tests/mtls.test.mjs (session files, 0-RTT, client certificates).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib/cli.mjs';
import { SKIP, NODE_CLI } from './lib/wasm.mjs';

// One node --test run of the given suites with WT_BUILD -> the Node CLI.
async function runSuites(files, minPass) {
  const dir = path.join(ROOT, 'build', 'wasm-cli');
  fs.mkdirSync(dir, { recursive: true });
  const link = path.join(dir, 'wasmtls');
  let ok = false;
  try { ok = fs.realpathSync(link) === fs.realpathSync(NODE_CLI); } catch { /* */ }
  if (!ok) {
    try { fs.unlinkSync(link); } catch { /* */ }
    try { fs.symlinkSync(NODE_CLI, link); } catch (e) { if (e.code !== 'EEXIST') throw e; }
  }
  const env = { ...process.env, WT_BUILD: path.relative(ROOT, dir) };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, ['--test', '--test-reporter=tap', '--test-concurrency=1',
    ...files.map((f) => path.join(ROOT, 'tests', f))], {
    env, cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const code = await new Promise((r) => child.on('close', r));
  const pass = Number((out.match(/^# pass (\d+)/m) || [])[1] || 0);
  const fail = Number((out.match(/^# fail (\d+)/m) || [])[1] || 0);
  // each failing case with its TAP detail (error, expected, actual)
  const lines = out.split('\n');
  const failures = lines.flatMap((l, i) => (/^\s*not ok/.test(l) ? lines.slice(i, i + 30) : [])).join('\n');
  assert.equal(fail, 0, `failing cases:\n${failures}\n${out.slice(-4000)}`);
  assert.equal(code, 0, out.slice(-4000));
  assert.ok(pass >= minPass, `only ${pass} cases passed`);
}

test('native CLI contract + interop suites against the Node CLI (wasm engine)', { skip: SKIP, timeout: 600000 }, () =>
  runSuites(['cli.test.mjs', 'interop.test.mjs'], 50));

// --sess-in/--sess-out/--early-data/--cert/--key/--psk-*, ML-KEM groups: the same files and JSON
// fields as the native CLI, against openssl s_server and gnutls-serv.
test('native resumption/0-RTT + client certificate suites against the Node CLI', { skip: SKIP, timeout: 600000 }, () =>
  runSuites(['resumption.test.mjs', 'mtls.test.mjs', 'psk.test.mjs', 'pq.test.mjs', 'nc_interop.test.mjs', 'cert_profile.test.mjs', 'tls12.test.mjs'], 70));
