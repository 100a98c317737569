#!/usr/bin/env node
// Writes tests/bogo/client_tls13.txt: the BoGo client tests in which the
// runner's server offers TLS 1.3, the set tests/bogo_runner.test.mjs
// reports on. Run it again when ../shared/bogo/runner changes:
//
//   node tools/bogo/classify.mjs            (about 5-10 minutes)
//
// How: the runner drives tools/bogo/probe.mjs instead of our shim, with
// disabled tests included. The probe learns each test's name, protocol and
// role from -write-settings, and for TLS client tests offers TLS 1.3 and
// 1.2 (Node's client) and records the version the runner's server picks.
// A TLS client test is "client TLS 1.3" if that version is TLS 1.3, or, when
// the runner answered with no ServerHello at all (it refused Node's
// ClientHello: a cipher, group or extension the test requires), if its
// name says TLS13.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUNNER = path.resolve(ROOT, '..', 'shared', 'bogo', 'runner');
const OUT = path.join(ROOT, 'tests', 'bogo', 'client_tls13.txt');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wt-bogo-classify-'));
const jsonl = path.join(dir, 'probe.jsonl');
const r = spawnSync(RUNNER, ['-shim-path', path.join(ROOT, 'tools', 'bogo', 'probe.sh'),
  '-allow-unimplemented', '-include-disabled', '-pipe', '-num-workers', String(os.cpus().length * 2),
  '-transcript-dir', path.join(dir, 'transcripts')], {
  cwd: ROOT, env: { ...process.env, BOGO_PROBE_OUT: jsonl }, stdio: ['ignore', 'ignore', 'inherit'],
});
if (r.error) throw r.error;
const rows = fs.readFileSync(jsonl, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
fs.rmSync(dir, { recursive: true, force: true });

const tls13 = rows.filter((t) => t.proto === 'tls' && t.role === 'client'
  && (t.version === 0x0304 || (t.version === null && /TLS13/.test(t.name))))
  .map((t) => t.name).sort();
fs.writeFileSync(OUT, [
  '# BoGo client tests where the runner offers TLS 1.3 (tools/bogo/classify.mjs).',
  `# runner tests: ${rows.length}`,
  ...tls13, '',
].join('\n'));
console.log(`${rows.length} tests, ${tls13.length} client TLS 1.3 -> ${path.relative(ROOT, OUT)}`);
