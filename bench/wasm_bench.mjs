// `make bench` (wasm part): handshake latency (full and resumed) vs
// node:tls, bulk download throughput per suite, sizes, memory per
// connection. Prints a table and writes bench/results.json. Loopback only;
// numbers, no assertions.
//
//   node bench/wasm_bench.mjs                      the whole benchmark
//   node bench/wasm_bench.mjs --compare A.wasm B.wasm [PAIRS]
//       two engine builds (e.g. default vs -msimd128) in one process,
//       alternating per handshake / per download; medians per build.
//   BENCH_WASM=file.wasm  use that engine build instead of js/dist/
//   BENCH_CERT=rsa2048|p384  the --compare handshakes' server certificate (default p256)
import tls from 'node:tls';
import fs from 'node:fs';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pki } from '../tests/lib/pki.mjs';
import { startNode, startNode26 } from '../tests/lib/servers.mjs';
import * as wt from '../js/index.js';

if (process.env.BENCH_WASM) wt.setWasmSource(new Uint8Array(fs.readFileSync(process.env.BENCH_WASM)));

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const P = pki();
const CA = fs.readFileSync(P.ca, 'utf8');
const N_HS = Number(process.env.BENCH_HANDSHAKES || 100);
const BULK = Number(process.env.BENCH_BULK_MIB || 64) << 20;
const N_MEM = Number(process.env.BENCH_CONNS || 1000);
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
const results = { date: new Date().toISOString(), node: process.version };

// One wasmtls handshake, connect -> first response byte (the server echoes
// or answers one byte): its time in ms and the handshake info.
async function timedHandshake(port, opts = {}) {
  const t0 = performance.now();
  const s = wt.connect({ hostname: 'localhost', port }, { ca: CA, sessionCache: false, ...opts });
  const w = s.writable.getWriter();
  const info = await s.opened;
  await w.write(new Uint8Array([1]));
  await s.readable.getReader().read();
  const dt = performance.now() - t0;
  s.close();
  return { dt, info };
}
if (process.argv[2] === '--compare') await compare(process.argv.slice(3));

// Two builds in one process, alternating per measurement (so load drift
// on a shared machine hits both alike): full handshakes, then downloads per
// suite. Prints medians per build; exits.
async function compare([a, b, pairs = '100']) {
  if (!a || !b) { console.error('usage: wasm_bench.mjs --compare A.wasm B.wasm [PAIRS]'); process.exit(2); }
  const mods = [a, b].map((f) => new WebAssembly.Module(fs.readFileSync(f)));
  const use = async (i) => { wt.setWasmSource(mods[i]); await wt.loadEngine(); };
  const N = Number(pairs);
  const leaf = P[process.env.BENCH_CERT || 'p256'];
  const hsSrv = await startNode({ cert: leaf.chain, key: leaf.key, onConnection: (s) => s.once('data', () => s.write('x')) });
  const hs = async () => (await timedHandshake(hsSrv.port)).dt;
  const out = [{ hs: [], tp: {} }, { hs: [], tp: {} }];
  for (let i = 0; i < 10; i++) for (const k of [0, 1]) { await use(k); await hs(); }
  for (let i = 0; i < N; i++) for (const k of (i & 1 ? [1, 0] : [0, 1])) { await use(k); out[k].hs.push(await hs()); }
  await hsSrv.stop();
  const size = Number(process.env.BENCH_BULK_MIB || 16) << 20;
  const block = crypto.randomBytes(1 << 16);
  const bulkSrv = await startNode({ cert: P.p256.chain, key: P.p256.key, onConnection: (s) => {
    let left = size;
    const more = () => { while (left > 0) { left -= block.length; if (!s.write(block)) return s.once('drain', more); } s.end(); };
    s.once('data', more);
  } });
  for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
    for (let i = 0; i < Number(process.env.BENCH_BULK_PAIRS || 12); i++) {
      for (const k of (i & 1 ? [1, 0] : [0, 1])) {
        await use(k);
        const s = wt.connect({ hostname: 'localhost', port: bulkSrv.port }, { ca: CA, ciphers: [suite], sessionCache: false });
        await s.opened;
        await s.writable.getWriter().write(new Uint8Array([1]));
        const t0 = performance.now();
        let n = 0;
        for await (const c of s.readable) n += c.length;
        (out[k].tp[suite] ||= []).push(n / (1 << 20) / ((performance.now() - t0) / 1000));
      }
    }
  }
  await bulkSrv.stop();
  const f = (x) => x.toFixed(2);
  // per-pair ratios B/A: robust to load that drifts between pairs
  const ratio = (xa, xb) => median(xa.map((x, i) => xb[i] / x));
  const ratios = { handshake_time: ratio(out[0].hs, out[1].hs),
    ...Object.fromEntries(Object.keys(out[0].tp).map((s2) => [s2, ratio(out[0].tp[s2], out[1].tp[s2])])) };
  const res = { ratios_b_over_a: ratios };
  [a, b].forEach((file, k) => {
    const z = fs.readFileSync(file);
    res[file] = { handshake_ms: median(out[k].hs), pairs: N,
      throughput_mib_s: Object.fromEntries(Object.entries(out[k].tp).map(([s2, v]) => [s2, median(v)])),
      wasm: z.length, wasm_gzip: zlib.gzipSync(z, { level: 9 }).length };
    const r = res[file];
    console.log(`${file}: handshake ${f(r.handshake_ms)} ms; ` +
      Object.entries(r.throughput_mib_s).map(([s2, v]) => `${s2.replace(/^TLS_|_SHA\d+$/g, '')} ${f(v)} MiB/s`).join(', ') +
      `; ${r.wasm} B (${r.wasm_gzip} gzip)`);
  });
  console.log(`B/A, median of per-pair ratios: handshake time x${f(ratios.handshake_time)}; throughput ` +
    Object.entries(ratios).filter(([k]) => k !== 'handshake_time').map(([s2, v]) => `${s2.replace(/^TLS_|_SHA\d+$/g, '')} x${f(v)}`).join(', '));
  console.log(JSON.stringify(res));
  process.exit(0);
}

// --- handshake latency: connect -> first response byte -----------------
const srv = await startNode({ cert: P.p256.chain, key: P.p256.key, onConnection: (s) => s.once('data', () => s.write('x')) });
const hsWasm = async (cache = false) => (await timedHandshake(srv.port, { sessionCache: cache })).dt;
let nodeSession = null;
function hsNode(resume = false) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const s = tls.connect({ host: '127.0.0.1', port: srv.port, servername: 'localhost', ca: CA, minVersion: 'TLSv1.3',
      session: resume ? nodeSession : undefined }, () => s.write('y'));
    s.on('session', (b) => { nodeSession = b; });
    s.once('data', () => {
      const dt = performance.now() - t0;
      if (resume && !s.isSessionReused()) reject(new Error('node:tls did not resume'));
      s.destroy();
      resolve(dt);
    });
    s.on('error', reject);
  });
}
for (let i = 0; i < 10; i++) { await hsWasm(); await hsNode(); } // warm-up
const a = [], b = [];
for (let i = 0; i < N_HS; i++) { a.push(await hsWasm()); b.push(await hsNode()); }
results.handshake_ms = { wasmtls: median(a), node_tls: median(b), ratio: median(a) / median(b), runs: N_HS };
// resumed: each connection resumes the ticket the previous one received
const cache = new wt.MemorySessionCache();
await hsWasm(cache); await hsNode();
const ra = [], rb = [];
for (let i = 0; i < N_HS; i++) { ra.push(await hsWasm(cache)); rb.push(await hsNode(true)); }
results.resumed_ms = { wasmtls: median(ra), node_tls: median(rb), ratio: median(ra) / median(rb), runs: N_HS };
await srv.stop();

// --- bulk download per suite -------------------------------------------
const block = crypto.randomBytes(1 << 16);
const bulk = await startNode({ cert: P.p256.chain, key: P.p256.key, onConnection: (s) => {
  let left = BULK;
  const more = () => { while (left > 0) { left -= block.length; if (!s.write(block)) return s.once('drain', more); } s.end(); };
  s.once('data', more);
} });
results.throughput_mib_s = {};
for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const s = wt.connect({ hostname: 'localhost', port: bulk.port }, { ca: CA, ciphers: [suite] });
    await s.opened;
    await s.writable.getWriter().write(new Uint8Array([1]));
    const t0 = performance.now();
    let n = 0;
    for await (const c of s.readable) n += c.length;
    runs.push(n / (1 << 20) / ((performance.now() - t0) / 1000));
  }
  const nodeRuns = [];
  for (let i = 0; i < 3; i++) {
    nodeRuns.push(await new Promise((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port: bulk.port, servername: 'localhost', ca: CA, ciphers: suite, minVersion: 'TLSv1.3' }, () => s.write('y'));
      let n = 0; let t0 = 0;
      s.on('data', (d) => { if (!t0) t0 = performance.now(); n += d.length; });
      s.on('end', () => resolve(n / (1 << 20) / ((performance.now() - t0) / 1000)));
      s.on('error', reject);
    }));
  }
  results.throughput_mib_s[suite] = { wasmtls: median(runs), node_tls: median(nodeRuns), mib: BULK >> 20 };
}
await bulk.stop();


// --- post-quantum key exchange: X25519MLKEM768 vs x25519 ---------------------
// One server that has both (Node 26's tls: OpenSSL 3.5, default groups,
// echo), full handshakes alternating between the default groups (the
// hybrid negotiated) and x25519 only; the server's work is in both.
{
  const pq = await startNode26({ cert: P.p256.chain, key: P.p256.key });
  const hs26 = async (groups) => {
    const { dt, info } = await timedHandshake(pq.port, { groups });
    return { dt, group: info.group };
  };
  const hy = [], cl = [], ratios = [];
  for (let i = 0; i < 10; i++) { await hs26(undefined); await hs26(['x25519']); }
  for (let i = 0; i < N_HS; i++) {
    const pair = [];
    for (const k of (i & 1 ? [1, 0] : [0, 1])) {
      const r = await hs26(k ? ['x25519'] : undefined);
      const want = k ? 'x25519' : 'X25519MLKEM768';
      if (r.group !== want) throw new Error(`post-quantum bench: negotiated ${r.group}, wanted ${want}`);
      (k ? cl : hy).push(r.dt);
      pair[k] = r.dt;
    }
    ratios.push(pair[0] / pair[1]);
  }
  await pq.stop();
  // The ratio is the median of per-pair ratios (as --compare): load drift
  // on a shared machine hits both handshakes of a pair alike.
  results.pq_handshake_ms = { x25519mlkem768: median(hy), x25519: median(cl), ratio: median(ratios), runs: N_HS,
    server: 'node 26 tls (OpenSSL 3.5)' };
}

// --- ML-KEM-768 in wasm ----------------------------------------------------
// The client's part of X25519MLKEM768 (keygen + decaps), from
// bench/mlkem/bench_mlkem.c built by `make bench` (BENCH_MLKEM_JS).
if (process.env.BENCH_MLKEM_JS) {
  const { execFileSync } = await import('node:child_process');
  const out = execFileSync(process.execPath, [process.env.BENCH_MLKEM_JS, '200'], { encoding: 'utf8' });
  const m = /keygen\+decaps: ([0-9.]+) us/.exec(out);
  if (!m) throw new Error(`bench_mlkem printed no timing: ${out}`);
  results.mlkem768_keygen_decaps_ms = Number(m[1]) / 1000;
}

// --- sizes ----------------------------------------------------------------
// What a web page ships: the wasm, and the browser entry (js/index.js)
// bundled and minified as an app's bundler does it (esbuild; Node-only
// imports and `ws` left out, the page has neither). The package's source
// files, comments included, are printed too.
const gz = (buf) => zlib.gzipSync(buf, { level: 9 }).length;
const wasm = fs.readFileSync(path.join(ROOT, 'js/dist/wasmtls.wasm'));
const jsFiles = ['js/index.js', 'js/src/connect.js', 'js/src/engine.js', 'js/src/errors.js', 'js/src/codes.js', 'js/src/transports.js', 'js/src/wisp.js', 'js/src/session.js'];
const js = Buffer.concat(jsFiles.map((f) => fs.readFileSync(path.join(ROOT, f))));
const { build } = await import('esbuild');
const bundle = await build({ entryPoints: [path.join(ROOT, 'js/index.js')], bundle: true, minify: true, format: 'esm',
  platform: 'browser', external: ['ws', 'node:*'], write: false, logLevel: 'silent' });
const jsMin = Buffer.from(bundle.outputFiles[0].contents);
const roots = fs.readFileSync(path.join(ROOT, 'js/dist/roots.bin'));
results.size_bytes = { wasm: wasm.length, wasm_gzip: gz(wasm), js_source: js.length, js_source_gzip: gz(js),
  js_min: jsMin.length, js_min_gzip: gz(jsMin), total_gzip: gz(wasm) + gz(jsMin), roots: roots.length, roots_gzip: gz(roots) };

// --- memory per open connection ---------------------------------------------
const idle = await startNode({ cert: P.p256.chain, key: P.p256.key, onConnection: () => {} });
await (async () => { const s = wt.connect({ hostname: 'localhost', port: idle.port }, { ca: CA }); await s.opened; await s.close(); })();
const before = wt.engineStats().heapBytes;
const socks = [];
for (let i = 0; i < N_MEM; i += 50) {
  const batch = Array.from({ length: Math.min(50, N_MEM - i) }, () => wt.connect({ hostname: 'localhost', port: idle.port }, { ca: CA }));
  await Promise.all(batch.map((s) => s.opened));
  socks.push(...batch);
}
const after = wt.engineStats().heapBytes;
results.memory = { connections: N_MEM, heap_growth_bytes: after - before, per_connection_bytes: Math.round((after - before) / N_MEM),
  engine_struct_bytes: wt.engineStats().connBytes };
await Promise.all(socks.map((s) => s.close()));
await idle.stop();

fs.writeFileSync(path.join(ROOT, 'bench/results.json'), JSON.stringify(results, null, 2) + '\n');
const f = (x) => x.toFixed(2);
console.log(`handshake (connect -> first byte, median of ${N_HS}): wasmtls ${f(results.handshake_ms.wasmtls)} ms, node:tls ${f(results.handshake_ms.node_tls)} ms (x${f(results.handshake_ms.ratio)})`);
console.log(`resumed handshake (median of ${N_HS}): wasmtls ${f(results.resumed_ms.wasmtls)} ms, node:tls ${f(results.resumed_ms.node_tls)} ms (x${f(results.resumed_ms.ratio)})`);
for (const [s, r] of Object.entries(results.throughput_mib_s)) console.log(`download ${r.mib} MiB ${s}: wasmtls ${f(r.wasmtls)} MiB/s, node:tls ${f(r.node_tls)} MiB/s`);
const z = results.size_bytes;
console.log(`size: wasm ${z.wasm} B (${z.wasm_gzip} gzip), JS bundled+minified ${z.js_min} B (${z.js_min_gzip} gzip), total ${z.total_gzip} B gzip` +
  ` (${(z.total_gzip / 1024).toFixed(1)} KiB); JS source ${z.js_source} B (${z.js_source_gzip} gzip); roots ${z.roots} B (${z.roots_gzip} gzip)`);
{ const q = results.pq_handshake_ms;
  console.log(`post-quantum handshake (Node 26 server, median of ${q.runs}): X25519MLKEM768 ${f(q.x25519mlkem768)} ms, x25519 ${f(q.x25519)} ms (median per-pair ratio x${f(q.ratio)})`); }
if (results.mlkem768_keygen_decaps_ms) console.log(`ML-KEM-768 keygen+decaps (wasm): ${results.mlkem768_keygen_decaps_ms.toFixed(3)} ms`);
console.log(`memory: ${results.memory.per_connection_bytes} B of wasm heap per open connection (${N_MEM} connections; struct ${results.memory.engine_struct_bytes} B)`);
process.exit(0);
