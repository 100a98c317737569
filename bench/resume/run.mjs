// Full vs resumed TLS 1.3 handshakes on loopback: the native engine
// (bench_handshake) and node:tls as the baseline, against the same
// openssl s_server in the same run. Prints a table and one JSON line.
//
//   node bench/resume/run.mjs [N]      (default 200 handshakes per row)
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pki } from '../../tests/lib/pki.mjs';
import { startOpenssl } from '../../tests/lib/servers.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const N = Number(process.argv[2] || 200);
const P = pki();

function stats(times) {
  const s = [...times].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p90: s[Math.floor(s.length * 0.9)] };
}

// node:tls: connect -> secureConnect, with the previous connection's
// session for the resumed row.
async function nodeRow(port, ca, resume) {
  const times = [];
  let session;
  let resumed = 0;
  for (let i = 0; i < N; i++) {
    const t0 = process.hrtime.bigint();
    await new Promise((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca, minVersion: 'TLSv1.3',
        session: resume ? session : undefined });
      s.once('session', (sess) => { session = sess; s.destroy(); });
      s.once('secureConnect', () => {
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (s.isSessionReused()) resumed++;
      });
      s.once('close', resolve);
      s.once('error', reject);
    });
  }
  return { ...stats(times), resumed };
}

const server = await startOpenssl({ cert: P.p256.cert, key: P.p256.key, chain: P.p256.chain, mode: 'rev',
  numTickets: 1, naccept: 100000 });
try {
  const ca = readFileSync(P.ca);
  // Asynchronous: the server's output must keep draining meanwhile.
  const r = await promisify(execFile)(path.join(root, 'build/native/bench_handshake'),
    ['localhost', String(server.port), P.ca, String(N)], { timeout: 600000 });
  const ours = JSON.parse(r.stdout);
  const nodeFull = await nodeRow(server.port, ca, false);
  const nodeResumed = await nodeRow(server.port, ca, true);
  const rows = [
    ['wasmtls native, full', ours.full_median_ms, ours.full_p90_ms, nodeFull.median],
    ['wasmtls native, resumed', ours.resumed_median_ms, ours.resumed_p90_ms, nodeResumed.median],
    ['node:tls, full (baseline)', nodeFull.median, nodeFull.p90, nodeFull.median],
    ['node:tls, resumed (baseline)', nodeResumed.median, nodeResumed.p90, nodeResumed.median],
  ];
  console.log(`TLS 1.3 handshake on loopback, P-256 certificate, x25519, AES-128-GCM; ${N} connections per row`);
  console.log('row                              median ms   p90 ms   vs node:tls');
  for (const [name, med, p90, base] of rows) {
    console.log(`${name.padEnd(32)} ${med.toFixed(3).padStart(9)} ${p90.toFixed(3).padStart(8)}   ${(med / base).toFixed(2)}x`);
  }
  console.log(`resumption saves ${((1 - ours.resumed_median_ms / ours.full_median_ms) * 100).toFixed(0)}% of the native handshake `
    + `(${ours.resumed} of ${N} resumed); node:tls saves ${((1 - nodeResumed.median / nodeFull.median) * 100).toFixed(0)}%`);
  console.log(JSON.stringify({ n: N, wasmtls: ours, node: { full: nodeFull, resumed: nodeResumed } }));
} finally {
  await server.stop();
}
