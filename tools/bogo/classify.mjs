#!/usr/bin/env node
// Writes tests/bogo/client_tls13.txt: the BoGo client tests in which the
// runner's server offers TLS 1.3, the set tests/bogo_runner.test.mjs
// reports on. Run it again when ../shared/bogo/runner changes:
//
//   node tools/bogo/classify.mjs            (about 30 minutes on 2 busy cores)
//   node tools/bogo/classify.mjs --from probe.jsonl   (BOGO_PROBE_OUT of a run)
//
// How: the runner drives tools/bogo/probe.mjs instead of our shim, with
// disabled tests included. The probe learns each test's name, protocol and
// role from -write-settings, and for TLS client tests offers TLS 1.3 and
// 1.2 (Node's client) and records the version the runner's server picks.
// A TLS client test is "client TLS 1.3" if that version is TLS 1.3 (see
// offersTls13 for tests where the runner answered no ServerHello).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUNNER = path.resolve(ROOT, '..', 'shared', 'bogo', 'runner');
const OUT = path.join(ROOT, 'tests', 'bogo', 'client_tls13.txt');

// --from FILE: reuse a probe.jsonl from an earlier run.
const from = process.argv[2] === '--from' ? process.argv[3] : null;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wt-bogo-classify-'));
const jsonl = from || path.join(dir, 'probe.jsonl');
const r = from ? {} : spawnSync(RUNNER, ['-shim-path', path.join(ROOT, 'tools', 'bogo', 'probe.sh'),
  '-allow-unimplemented', '-include-disabled', '-pipe', '-num-workers', String(os.cpus().length * 2),
  '-transcript-dir', path.join(dir, 'transcripts')], {
  cwd: ROOT, env: { ...process.env, BOGO_PROBE_OUT: jsonl }, stdio: ['ignore', 'ignore', 'inherit'],
});
if (r.error) throw r.error;
const rows = fs.readFileSync(jsonl, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
fs.rmSync(dir, { recursive: true, force: true });

// No ServerHello (the runner refused Node's ClientHello: ML-KEM only,
// ECH, PAKE, external PSK, a forced version Node does not offer, ...):
// TLS 1.3 unless the name says TLS 1.2 or older, or a suite or message
// that only exists there (CBC, 3DES, *_WITH_*, PSK hints, HelloRequest,
// the fallback SCSV).
const OLDER = /(^|-)(TLS1|TLS11|TLS12|SSL3)(-|$)|TLS12|MaxTLS12|_WITH_|CBC|3DES|SCSV|HelloRequest|PSKHint|^ClientAuth-(ECDHE_)?PSK$|SSL3/;
const offersTls13 = (t) => t.version === 0x0304
  || (t.version === null && (/TLS13/.test(t.name) || !OLDER.test(t.name)));
const tls13 = rows.filter((t) => t.proto === 'tls' && t.role === 'client' && offersTls13(t))
  .map((t) => t.name).sort();
fs.writeFileSync(OUT, [
  '# BoGo client tests where the runner offers TLS 1.3 (tools/bogo/classify.mjs).',
  `# runner tests: ${rows.length}`,
  ...tls13, '',
].join('\n'));
console.log(`${rows.length} tests, ${tls13.length} client TLS 1.3 -> ${path.relative(ROOT, OUT)}`);
