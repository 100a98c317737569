// `make bench` (native part): bulk download throughput of the native CLI
// (build/native/wasmtls) against a node:tls client, per TLS 1.3 suite, from
// the same in-process node:tls server, alternating. Both clients run in a
// child process of their own, so the server's encryption is the same load
// for both. Prints a table; merges a "native" section into
// bench/results.json (written first by bench/wasm_bench.mjs).
//
//   node bench/native_bench.mjs [RUNS]      (default 5 per client and suite)
//   BENCH_NATIVE_MIB=256                    bytes per download, in MiB
//
// The CLI's time is spawn to exit (it includes its start and handshake: a
// few ms against ~0.3 s of data); the node:tls client's is connect to end,
// measured inside its process (so Node's ~40 ms start is not counted
// against it). Numbers, no assertions; the ratio is the one issue 15 sets a
// target for (AES-128-GCM >= 0.8x node:tls on a CPU with AES-NI).
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pki } from '../tests/lib/pki.mjs';
import { startNode } from '../tests/lib/servers.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, process.env.WT_BUILD || 'build/native', 'wasmtls');
const MIB = Number(process.env.BENCH_NATIVE_MIB || 256);
const RUNS = Number(process.argv[2] || 5);
const SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };

const P = pki();
const payload = Buffer.alloc(1 << 20, 0x61);
// On the first byte from the client: MIB MiB, then close_notify and FIN.
// Each download's end is checked here: every byte written and flushed
// before the socket closed (a client that stopped early would fail that).
let downloads = [];
const srv = await startNode({
  cert: P.p256.chain, key: P.p256.key,
  tlsOptions: { ciphers: SUITES.join(':') },
  onConnection: (s) => {
    downloads.push(new Promise((resolve) => s.on('close', () => resolve(left === 0 && s.writableFinished))));
    let left = MIB;
    s.once('data', () => {
      const more = () => {
        while (left > 0) { left--; if (!s.write(payload)) { s.once('drain', more); return; } }
        s.end();
      };
      more();
    });
  },
});
async function checkDownload(who) {
  const done = await Promise.all(downloads);
  downloads = [];
  if (done.length !== 1 || !done[0]) throw new Error(`${who}: the download did not complete`);
}

function child(cmd, args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const c = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '', err = '';
    c.stdout.on('data', (d) => { if (out.length < 4096) out += d; });
    c.stderr.on('data', (d) => { err += d; });
    c.on('error', reject);
    c.on('close', (code) => {
      if (code !== 0) reject(new Error(`${path.basename(cmd)} exit ${code}: ${err.slice(-500)}`));
      else resolve({ ms: performance.now() - t0, out });
    });
    c.stdin.write('x');   // the request; stdin stays open until the client exits
  });
}

// The CLI's stdout is the download: discarded by the shell (a pipe to this
// process would put the copy on the server's CPU).
async function runCli(suite) {
  const r = await child('/bin/sh', ['-c', `exec "$0" "$@" >/dev/null`, CLI, '-q', '--cafile', P.ca,
    '--servername', 'localhost', '--ciphers', suite, `127.0.0.1:${srv.port}`]);
  await checkDownload('CLI');
  return MIB / (r.ms / 1000);
}

const NODE_CLIENT = `
const tls = require('node:tls'), fs = require('node:fs');
const [port, ca, suite] = process.argv.slice(1);
const t0 = performance.now(); let n = 0;
const s = tls.connect({ host: '127.0.0.1', port: +port, servername: 'localhost', ca: fs.readFileSync(ca),
  minVersion: 'TLSv1.3', ciphers: suite }, () => s.write('x'));
s.on('data', (d) => { n += d.length; });
s.on('end', () => { process.stdout.write(JSON.stringify({ n, ms: performance.now() - t0, suite: s.getCipher().standardName })); process.exit(0); });
`;
async function runNode(suite) {
  const r = await child(process.execPath, ['-e', NODE_CLIENT, String(srv.port), P.ca, suite]);
  const j = JSON.parse(r.out);
  if (j.n !== MIB << 20 || j.suite !== suite) throw new Error(`node:tls client: ${r.out}`);
  await checkDownload('node:tls');
  return MIB / (j.ms / 1000);
}

const rows = {};
for (const suite of SUITES) {
  const cli = [], node = [];
  await runCli(suite); await runNode(suite);   // warm-up
  for (let i = 0; i < RUNS; i++) { cli.push(await runCli(suite)); node.push(await runNode(suite)); }
  rows[suite] = { cli_mib_s: Math.round(median(cli)), node_tls_mib_s: Math.round(median(node)),
    ratio: +(median(cli) / median(node)).toFixed(2) };
}
await srv.stop();

const cpu = fs.readFileSync('/proc/cpuinfo', 'utf8');
const aesni = /\baes\b/.test(cpu) && /\bpclmulqdq\b/.test(cpu);
console.log(`\nnative CLI bulk download, ${MIB} MiB, median of ${RUNS} (CPU with AES-NI+PCLMUL: ${aesni ? 'yes' : 'no'})`);
console.log('suite                              CLI MiB/s  node:tls MiB/s  ratio');
for (const [s, r] of Object.entries(rows)) {
  const target = s === 'TLS_AES_128_GCM_SHA256' && aesni ? `  (target >= 0.8x: ${r.ratio >= 0.8 ? 'PASS' : 'MISS'})` : '';
  console.log(`${s.padEnd(34)} ${String(r.cli_mib_s).padStart(9)}  ${String(r.node_tls_mib_s).padStart(14)}  x${r.ratio.toFixed(2)}${target}`);
}

const file = path.join(ROOT, 'bench/results.json');
const results = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
results.native = { mib: MIB, runs: RUNS, aesni, bulk: rows };
fs.writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
