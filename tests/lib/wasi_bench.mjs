// Handshake timing: native CLI vs wasmtls.component.wasm under `jco run`
// vs wasmtls.wasm under node:wasi (stdio bridged to TCP), in one run
// against one openssl s_server -www (ECDSA P-256, x25519, AES-128-GCM).
//
//   node tests/lib/wasi_bench.mjs [N=10]
//
// For each run: wall time of the whole process, and the handshake time
// seen on stderr: from the "* connected" / "* TLS records" line to the
// --json summary line (arrival times in this process). Not a test file.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pki } from './pki.mjs';
import { startOpenssl } from './servers.mjs';
import { ROOT } from './cli.mjs';
import { runP1, COMPONENT } from './wasi.mjs';

const N = Number(process.argv[2] || 10);
const P = pki();
const JCO = path.join(ROOT, 'node_modules', '@bytecodealliance', 'jco', 'dist', 'jco.js');
const PRE = path.join(ROOT, 'tests', 'lib', 'wasi_jco_preopens.mjs');

function timed(cmd, args, env = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let tConn = null, tJson = null, buf = '';
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    child.stderr.on('data', (d) => {
      const now = performance.now();
      buf += d.toString();
      if (tConn === null && /\* (connected|TLS records)/.test(buf)) tConn = now;
      if (tJson === null && /\{"version"/.test(buf)) tJson = now;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 || tJson === null) reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}\n${buf}`));
      else resolve({ wall: performance.now() - t0, hs: tJson - tConn });
    });
  });
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const med = s[Math.floor(s.length / 2)];
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return `median ${med.toFixed(1)} ms, mean ${mean.toFixed(1)} ms, min ${s[0].toFixed(1)} ms`;
};

const srv = await startOpenssl({ cert: P.p256.cert, key: P.p256.key, chain: P.p256.chain, mode: 'www', naccept: 10000 });
const target = `localhost:${srv.port}`;
const res = { native: [], component: [], p1: [] };
try {
  for (let i = 0; i < N; i++) {
    res.native.push(await timed(path.join(ROOT, 'build/native/wasmtls'), ['--cafile', P.ca, '--json', '--http', '/', target]));
    res.component.push(await timed(process.execPath, [JCO, 'run', '--jco-import', PRE, COMPONENT,
      '--cafile', '/pki/ca.pem', '--json', '--http', '/', target], { WT_JCO_PREOPENS: JSON.stringify({ '/pki': P.dir }) }));
    const t0 = performance.now();
    const r = await runP1(['--transport', 'stdio', '--cafile', '/pki/ca.pem', '--json', '--out', '/dev/null', '--http', '/', target],
      { port: srv.port, preopens: { '/pki': P.dir, '/dev': '/dev' } });
    if (r.code !== 0) throw new Error(r.stderr);
    res.p1.push({ wall: performance.now() - t0, hs: NaN });
  }
} finally {
  await srv.stop();
}
console.log(`N=${N}, openssl s_server -www, ECDSA P-256 chain, x25519, TLS_AES_128_GCM_SHA256, GET / each run`);
console.log(`native CLI (build/native/wasmtls)     wall: ${stats(res.native.map((r) => r.wall))}`);
console.log(`                                 handshake: ${stats(res.native.map((r) => r.hs))}`);
console.log(`component (jco run, incl. transpile)  wall: ${stats(res.component.map((r) => r.wall))}`);
console.log(`                                 handshake: ${stats(res.component.map((r) => r.hs))}`);
console.log(`preview1 (node:wasi, stdio bridge)    wall: ${stats(res.p1.map((r) => r.wall))}`);
