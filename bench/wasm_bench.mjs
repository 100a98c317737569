// `make bench` (wasm part): handshake latency (full and resumed), bulk
// download throughput per suite, memory per idle connection, cold start
// and sizes, for wasmtls against node:tls and, with BENCH_PEERS (default;
// 0: off), against epoxy-tls (over a local wisp-js server, as is wasmtls a
// second time) and subtls (bench/peers.mjs); then issue 15's targets, each
// PASS or MISS. Prints tables and writes bench/results.json. Loopback only;
// numbers, no assertions.
//
//   node bench/wasm_bench.mjs                      the whole benchmark
//   node bench/wasm_bench.mjs --compare A.wasm B.wasm [PAIRS]
//       two engine builds (e.g. default vs -msimd128) in one process,
//       alternating per handshake / per download; medians per build.
//   BENCH_WASM=file.wasm  use that engine build instead of js/dist/
//   BENCH_CERT=rsa2048|p384  the --compare handshakes' server certificate (default p256)
//   BENCH_HANDSHAKES (100), BENCH_BULK_MIB (32), BENCH_CONNS (idle
//   connections, 1000), BENCH_COLD (cold starts each, 11): smaller for a
//   quick run.
import fs from 'node:fs';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pki } from '../tests/lib/pki.mjs';
import { startNode, startNode26 } from '../tests/lib/servers.mjs';
import * as wt from '../js/index.js';
import * as peers from './peers.mjs';
import { measureMemory } from './memory.mjs';

if (process.env.BENCH_WASM) wt.setWasmSource(new Uint8Array(fs.readFileSync(process.env.BENCH_WASM)));

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const P = pki();
const CA = fs.readFileSync(P.ca, 'utf8');
const N_HS = Number(process.env.BENCH_HANDSHAKES || 100);
const BULK = Number(process.env.BENCH_BULK_MIB || 32) << 20;
const N_MEM = Number(process.env.BENCH_CONNS || 1000);
const BULK_RUNS = Number(process.env.BENCH_BULK_RUNS || 5);
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
    s.once('data', () => peers.sendBulk(s, size, block, () => s.end()));
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

// --- the implementations ---------------------------------------------------
// wasmtls and node:tls over TCP; with BENCH_PEERS (default on; 0: off)
// also subtls over TCP, and wasmtls and epoxy-tls over the same local
// wisp-js server (bench/peers.mjs). A peer that fails is reported as n/a
// with its error and left out of later rounds.
const WITH_PEERS = process.env.BENCH_PEERS !== '0';
const wisp = WITH_PEERS ? await peers.startWisp() : null;
const wasmtls = peers.wasmtlsClient(wt, 'wasmtls', CA);
const nodeTls = peers.nodeClient(CA);
const clients = [wasmtls, nodeTls];
let epoxy = null;
if (WITH_PEERS) {
  clients.push(peers.wasmtlsClient(wt, 'wasmtls (wisp)', CA, wt.wisp(wisp.url)));
  try { epoxy = await peers.withTimeout(peers.loadEpoxy(), 20000, 'epoxy init'); clients.push(peers.epoxyClient(epoxy, CA, wisp.url)); }
  catch (e) { clients.push({ name: 'epoxy-tls', na: `n/a: ${e.message}` }); }
  try { clients.push(await peers.subtlsClient(CA)); } catch (e) { clients.push({ name: 'subtls', na: `n/a: ${e.message}` }); }
}
const byName = (n) => clients.find((c) => c.name === n);
const live = () => clients.filter((c) => !c.na);
const fail = (c, e) => {
  if (c === wasmtls || c === nodeTls) throw e; // the baseline pair has to work
  c.na = `n/a: ${e.message}`;
};

// --- handshake latency: connect -> first response byte -----------------
// Every round runs each implementation once (order reversed every other
// round). The server's ticket keys change before each implementation's
// turn, and the server reports whether it resumed. Full: a client that
// offers a ticket anyway (epoxy's rustls keeps them) gets a full
// handshake. Resumed: an untimed full handshake first (its tickets are
// fresh), then the timed one offers one of them: Node's server sends no
// new ticket on a resumed connection, so a client that uses each ticket
// once (wasmtls, rustls; RFC 8446 C.4) could not resume twice in a row.
// The server answers with TCP_NODELAY (noDelay): Node's default, Nagle,
// holds its one-byte answer until the client's side has ACKed its session
// tickets, and over the wisp tunnel that ACK comes from the wisp server's
// kernel, on its delayed-ACK timer when the client's byte left before the
// tickets arrived there: a 40-50 ms stall in some rounds (seen on one
// machine in half of them for wasmtls, whose byte leaves sooner), which
// measures the server's Nagle, not the clients.
let lastReused = null;
const srv = await startNode({ cert: P.p256.chain, key: P.p256.key, tlsOptions: { noDelay: true },
  onConnection: (s) => { lastReused = s.isSessionReused(); s.once('data', () => s.write('x')); } });
async function oneHandshake(c, resume) {
  const t0 = performance.now();
  const conn = await peers.withTimeout(c.open(srv.port, { resume }), 10000, `${c.name} handshake`);
  await conn.write(new Uint8Array([1]));
  await peers.withTimeout(conn.readN(1), 10000, `${c.name} first byte`);
  const dt = performance.now() - t0;
  conn.close();
  return dt;
}
async function handshakeRounds(rounds, { resume, skip = () => false }) {
  const ms = {}, reused = {};
  for (let i = 0; i < rounds; i++) {
    for (const c of (i & 1 ? [...live()].reverse() : live())) {
      if (skip(c)) continue;
      srv.server.setTicketKeys(crypto.randomBytes(48));
      try {
        if (resume) await oneHandshake(c, true);
        (ms[c.name] ||= []).push(await oneHandshake(c, resume));
        reused[c.name] = (reused[c.name] || 0) + (lastReused ? 1 : 0);
      } catch (e) { fail(c, e); }
    }
  }
  return { ms, reused };
}
// ratio a/b per round (same round: load drift hits both alike), median
const perRound = (xa, xb) => (xa && xb && xa.length === xb.length ? median(xa.map((x, i) => x / xb[i])) : null);
const noResume = (c) => c.name === 'subtls';
await handshakeRounds(10, {}); // warm-up
const full = await handshakeRounds(N_HS, {});
results.handshake_ms = { wasmtls: median(full.ms.wasmtls), node_tls: median(full.ms['node:tls']),
  ratio: perRound(full.ms.wasmtls, full.ms['node:tls']), runs: N_HS };
const resumed = await handshakeRounds(N_HS, { resume: true, skip: noResume });
for (const n of ['wasmtls', 'node:tls']) {
  if (resumed.reused[n] !== N_HS) throw new Error(`${n}: the server resumed ${resumed.reused[n]} of ${N_HS} handshakes`);
}
results.resumed_ms = { wasmtls: median(resumed.ms.wasmtls), node_tls: median(resumed.ms['node:tls']),
  ratio: perRound(resumed.ms.wasmtls, resumed.ms['node:tls']), runs: N_HS };
await srv.stop();
const peerRow = (m, extra = {}) => Object.fromEntries(clients.map((c) => [c.name,
  m[c.name] && !c.na ? median(m[c.name]) : (c.na || extra[c.name] || null)]));
if (WITH_PEERS) {
  results.peers = {
    note: 'wasmtls, node:tls and subtls over TCP; "wasmtls (wisp)" and epoxy-tls over the same local wisp-js server',
    versions: { 'epoxy-tls': epoxy ? `${epoxy.version} (full build: the minimal one cannot take a trust root)` : null,
      subtls: JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/subtls/package.json'), 'utf8')).version,
      'wisp-js': JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/@mercuryworkshop/wisp-js/package.json'), 'utf8')).version },
    handshake_ms: peerRow(full.ms),
    resumed_ms: peerRow(resumed.ms, { subtls: 'n/a: subtls has no session resumption (ignores tickets)' }),
    resumed_by_server: Object.fromEntries(Object.entries(resumed.reused).map(([k, v]) => [k, `${v}/${resumed.ms[k].length}`])),
    full_resumed_by_server: Object.fromEntries(Object.entries(full.reused).map(([k, v]) => [k, `${v}/${full.ms[k].length}`])),
    handshake_ratio: { wasmtls_over_node_tls: results.handshake_ms.ratio,
      wasmtls_wisp_over_epoxy: perRound(full.ms['wasmtls (wisp)'], byName('epoxy-tls')?.na ? null : full.ms['epoxy-tls']),
      wasmtls_over_subtls: perRound(full.ms.wasmtls, byName('subtls')?.na ? null : full.ms.subtls) },
  };
}

// --- bulk download per suite -------------------------------------------
// One server per suite that allows only that suite (epoxy cannot choose
// one); after the client's first byte it sends BULK bytes and keeps the
// connection open: the client closes once it has them all (wisp-js 0.5
// drops a stream whose TCP side closes while its queue is full). Timed
// from the request to the last byte; BENCH_BULK_RUNS (5) runs after a warm-up one,
// implementations alternating.
const block = crypto.randomBytes(1 << 16);
results.throughput_mib_s = {};
const tput = {};
for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
  let wrongSuite = null;
  const bulk = await startNode({ cert: P.p256.chain, key: P.p256.key, tlsOptions: { ciphers: suite }, onConnection: (s) => {
    if (s.getCipher().standardName !== suite) wrongSuite = s.getCipher().standardName;
    s.once('data', () => peers.sendBulk(s, BULK, block));
  } });
  const runs = {};
  // Run -1 is an untimed warm-up per client: steady-state throughput, not
  // the wasm engines' baseline-compiler (Liftoff) phase before V8 tiers
  // the record code up (cold start is measured on its own, below).
  for (let i = -1; i < BULK_RUNS; i++) {
    for (const c of (i & 1 ? [...live()].reverse() : live())) {
      if (c.name === 'subtls' && suite !== peers.SUBTLS_SUITE) continue;
      try {
        const conn = await peers.withTimeout(c.open(bulk.port, { suite }), 10000, `${c.name} handshake`);
        const t0 = performance.now();
        await conn.write(new Uint8Array([1]));
        await peers.withTimeout(conn.readN(BULK), 120000, `${c.name} ${BULK >> 20} MiB`);
        if (i >= 0) (runs[c.name] ||= []).push(BULK / (1 << 20) / ((performance.now() - t0) / 1000));
        conn.close();
      } catch (e) { fail(c, e); }
    }
  }
  await bulk.stop();
  if (wrongSuite) throw new Error(`bulk ${suite}: a client negotiated ${wrongSuite}`);
  // Ratios per round (the two clients ran back to back), then their
  // median: load that drifts between rounds on a shared machine moves a
  // ratio of medians far more (seen: node:tls alone 255..551 MiB/s).
  results.throughput_mib_s[suite] = { wasmtls: median(runs.wasmtls), node_tls: median(runs['node:tls']), mib: BULK >> 20,
    runs: BULK_RUNS, ratio: perRound(runs.wasmtls, runs['node:tls']) };
  tput[suite] = peerRow(runs, { subtls: `n/a: subtls has only ${peers.SUBTLS_SUITE}` });
  if (WITH_PEERS) (results.peers.throughput_ratio_wisp_over_epoxy ||= {})[suite] = perRound(runs['wasmtls (wisp)'], runs['epoxy-tls']);
}
if (WITH_PEERS) results.peers.throughput_mib_s = tput;


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
// What a web page ships: the wasm, and the package's browser entry
// (js/dist/wasmtls.browser.mjs: its "browser" export) bundled and minified
// as an app's bundler does it (esbuild; Node-only imports and `ws` left
// out, the page has neither). The package's source
// files, comments included, are printed too.
const gz = (buf) => zlib.gzipSync(buf, { level: 9 }).length;
const wasm = fs.readFileSync(path.join(ROOT, 'js/dist/wasmtls.wasm'));
const jsFiles = ['js/src/index.js', 'js/src/connect.js', 'js/src/engine.js', 'js/src/errors.js', 'js/src/codes.js', 'js/src/transports.js', 'js/src/wisp.js', 'js/src/session.js', 'js/src/node_io.js'];
const js = Buffer.concat(jsFiles.map((f) => fs.readFileSync(path.join(ROOT, f))));
const { build } = await import('esbuild');
const bundle = await build({ entryPoints: [path.join(ROOT, 'js/dist/wasmtls.browser.mjs')], bundle: true, minify: true, format: 'esm',
  platform: 'browser', external: ['ws', 'node:*'], write: false, logLevel: 'silent' });
const jsMin = Buffer.from(bundle.outputFiles[0].contents);
const roots = fs.readFileSync(path.join(ROOT, 'js/dist/roots.bin'));
results.size_bytes = { wasm: wasm.length, wasm_gzip: gz(wasm), js_source: js.length, js_source_gzip: gz(js),
  js_min: jsMin.length, js_min_gzip: gz(jsMin), total_gzip: gz(wasm) + gz(jsMin), roots: roots.length, roots_gzip: gz(roots) };

if (WITH_PEERS) results.peers.size_gzip = { wasmtls: results.size_bytes.total_gzip, ...(await peers.peerSizes()) };

// --- memory per idle connection (N_MEM open, each past its handshake) ---------
// wasmtls: its wasm heap in use in this process (bench/memory.mjs: also the
// peak of one handshake and whether a burst's memory is reused).
// Peers in a fresh process each (bench/peer_child.mjs): node:tls its RSS
// growth, epoxy-tls its wasm memory's growth, subtls its JS heap's (+
// external) growth; all / N_MEM.
const idle = await startNode({ cert: P.p256.chain, key: P.p256.key, onConnection: (s) => s.once('data', () => s.write('x')) });
{
  const m = await measureMemory({ wt, port: idle.port, ca: CA, conns: N_MEM });
  results.memory = { connections: m.connections, per_connection_bytes: m.idle_bytes_per_connection,
    what: 'wasm heap in use', handshake_peak_bytes: m.handshake_peak_bytes, burst: m.burst,
    engine_struct_bytes: m.conn_struct_bytes, memory_buffer_bytes: m.memory_buffer_bytes };
}
if (WITH_PEERS) {
  const args = { port: idle.port, ca: P.ca, wisp: wisp.url };
  const m = {};
  const nodeM = await peers.idleInChild('node', args, N_MEM);
  m['node:tls'] = nodeM.na || { bytes: nodeM.rss_per_connection, what: 'process RSS growth' };
  if (!byName('epoxy-tls').na) {
    const e = await peers.idleInChild('epoxy', args, N_MEM);
    m['epoxy-tls'] = e.na || { bytes: e.wasm_per_connection, what: 'wasm memory growth', rss: e.rss_per_connection };
  } else m['epoxy-tls'] = byName('epoxy-tls').na;
  if (!byName('subtls').na) {
    const s = await peers.idleInChild('subtls', args, N_MEM);
    m.subtls = s.na || { bytes: s.js_heap_per_connection, what: 'JS heap + external growth', rss: s.rss_per_connection };
  } else m.subtls = byName('subtls').na;
  results.peers.idle_memory_per_connection = { wasmtls: { bytes: results.memory.per_connection_bytes, what: 'wasm heap in use' },
    ...m, connections: N_MEM };
}
await idle.stop();

// --- cold start: a fresh process imports, instantiates, one handshake --------
const N_COLD = Number(process.env.BENCH_COLD || 11);
{
  const cold = await startNode({ cert: P.p256.chain, key: P.p256.key, tlsOptions: { noDelay: true }, onConnection: (s) => s.once('data', () => s.write('x')) });
  const args = { port: cold.port, ca: P.ca, wisp: wisp && wisp.url };
  const impls = [{ name: 'wasmtls', kind: 'wasmtls' }, { name: 'node:tls', kind: 'node' }];
  if (WITH_PEERS) {
    impls.push({ name: 'wasmtls (wisp)', kind: 'wasmtls_wisp' });
    if (!byName('epoxy-tls').na) impls.push({ name: 'epoxy-tls', kind: 'epoxy' });
    if (!byName('subtls').na) impls.push({ name: 'subtls', kind: 'subtls' });
  }
  const c = await peers.coldStart(impls.map((i) => ({ ...i, args })), N_COLD);
  await cold.stop();
  if (typeof c.wasmtls !== 'number' || typeof c['node:tls'] !== 'number') throw new Error(`cold start: ${JSON.stringify(c)}`);
  results.cold_start_ms = { wasmtls: c.wasmtls, node_tls: c['node:tls'], ratio: c.wasmtls / c['node:tls'], runs: N_COLD };
  if (WITH_PEERS) results.peers.cold_start_ms = Object.fromEntries(clients.map((k) => [k.name, c[k.name] ?? k.na]));
}
if (wisp) await wisp.stop();

// --- targets (issue 15), each with its value from this run ----------------------
const num = (x) => (typeof x === 'number' ? x : null);
const targets = [];
const target = (what, value, op, limit, unit = 'x') => targets.push({ what, value, target: `${op} ${limit}${unit === 'x' ? 'x' : ` ${unit}`}`,
  pass: value === null ? null : (op === '≤' ? value <= limit : value >= limit) });
const AES = 'TLS_AES_128_GCM_SHA256', CHACHA = 'TLS_CHACHA20_POLY1305_SHA256';
const T = results.throughput_mib_s;
target('ChaCha20-Poly1305 download, wasmtls / node:tls (median per-round ratio)', T[CHACHA].ratio, '≥', 0.5);
target('AES-128-GCM download, wasmtls / node:tls (median per-round ratio)', T[AES].ratio, '≥', 0.25);
for (const s of [CHACHA, AES]) {
  target(`${s === AES ? 'AES-128-GCM' : 'ChaCha20-Poly1305'} download over wisp, wasmtls / epoxy-tls (median per-round ratio)`,
    WITH_PEERS ? num(results.peers.throughput_ratio_wisp_over_epoxy?.[s]) : null, '≥', 3);
}
target('full handshake, wasmtls / node:tls (median per-round ratio)', results.handshake_ms.ratio, '≤', 1.2);
target('full handshake over wisp, wasmtls / epoxy-tls (median per-round ratio)', WITH_PEERS ? num(results.peers.handshake_ratio.wasmtls_wisp_over_epoxy) : null, '≤', 0.6);
target(`memory per idle connection, wasmtls (${N_MEM} open)`, results.memory.per_connection_bytes, '≤', 8192, 'B');
target('memory peak of one handshake, wasmtls', results.memory.handshake_peak_bytes, '≤', 96 * 1024, 'B');
target('wasm + JS shipped, gzip', results.size_bytes.total_gzip, '≤', 100000, 'B');
target('cold start, wasmtls / node:tls', results.cold_start_ms.ratio, '≤', 1.2);
results.targets = targets;

fs.writeFileSync(path.join(ROOT, 'bench/results.json'), JSON.stringify(results, null, 2) + '\n');
const f = (x) => x.toFixed(2);
console.log(`handshake (connect -> first byte, median of ${N_HS}): wasmtls ${f(results.handshake_ms.wasmtls)} ms, node:tls ${f(results.handshake_ms.node_tls)} ms (per-round ratio x${f(results.handshake_ms.ratio)})`);
console.log(`resumed handshake (median of ${N_HS}): wasmtls ${f(results.resumed_ms.wasmtls)} ms, node:tls ${f(results.resumed_ms.node_tls)} ms (per-round ratio x${f(results.resumed_ms.ratio)})`);
for (const [s, r] of Object.entries(results.throughput_mib_s)) console.log(`download ${r.mib} MiB ${s} (median of ${r.runs}): wasmtls ${f(r.wasmtls)} MiB/s, node:tls ${f(r.node_tls)} MiB/s (per-round ratio x${f(r.ratio)})`);
const z = results.size_bytes;
console.log(`size: wasm ${z.wasm} B (${z.wasm_gzip} gzip), JS bundled+minified ${z.js_min} B (${z.js_min_gzip} gzip), total ${z.total_gzip} B gzip` +
  ` (${(z.total_gzip / 1024).toFixed(1)} KiB); JS source ${z.js_source} B (${z.js_source_gzip} gzip); roots ${z.roots} B (${z.roots_gzip} gzip)`);
{ const q = results.pq_handshake_ms;
  console.log(`post-quantum handshake (Node 26 server, median of ${q.runs}): X25519MLKEM768 ${f(q.x25519mlkem768)} ms, x25519 ${f(q.x25519)} ms (median per-pair ratio x${f(q.ratio)})`); }
if (results.mlkem768_keygen_decaps_ms) console.log(`ML-KEM-768 keygen+decaps (wasm): ${results.mlkem768_keygen_decaps_ms.toFixed(3)} ms`);
console.log(`memory: ${results.memory.per_connection_bytes} B of wasm heap in use per idle connection (${N_MEM} open; ` +
  `connection struct ${results.memory.engine_struct_bytes} B); one handshake's peak ${results.memory.handshake_peak_bytes} B; ` +
  `a second burst of ${N_MEM} grows the heap in use by ${results.memory.burst.growth_bytes} B and memory.buffer by ${results.memory.burst.memory_buffer_growth_bytes} B`);
console.log(`cold start (fresh node: import, instantiate, one handshake; median of ${N_COLD}): wasmtls ${f(results.cold_start_ms.wasmtls)} ms, node:tls ${f(results.cold_start_ms.node_tls)} ms (x${f(results.cold_start_ms.ratio)})`);
if (WITH_PEERS) printPeers(results.peers);
console.log('\ntargets (issue 15), this run:');
for (const t of targets) {
  const v = t.value === null ? 'n/a' : (t.target.endsWith('B') ? `${Math.round(t.value)} B` : `x${f(t.value)}`);
  console.log(`  ${t.pass === null ? 'N/A ' : t.pass ? 'PASS' : 'MISS'}  ${t.what}: ${v} (target ${t.target})`);
}
process.exit(0);

// One table: a row per measurement, a column per implementation.
function printPeers(p) {
  const names = clients.map((c) => c.name);
  const cell = (v, fmt) => (typeof v === 'number' ? fmt(v) : v && typeof v === 'object' && 'bytes' in v ? fmt(v.bytes)
    : typeof v === 'string' ? v.replace(/^n\/a: .*/, 'n/a') : '-');
  const ms = (v) => `${f(v)} ms`, mibs = (v) => `${v.toFixed(1)} MiB/s`, bytes = (v) => `${Math.round(v)} B`;
  const rows = [['', ...names],
    ['full handshake', ...names.map((n) => cell(p.handshake_ms[n], ms))],
    ['resumed handshake', ...names.map((n) => cell(p.resumed_ms[n], ms))],
    ...Object.entries(p.throughput_mib_s).map(([s, r]) => [s.replace(/^TLS_|_SHA\d+$/g, ''), ...names.map((n) => cell(r[n], mibs))]),
    [`memory / idle conn (${N_MEM})`, ...names.map((n) => cell(p.idle_memory_per_connection[n], bytes))],
    ['cold start', ...names.map((n) => cell(p.cold_start_ms[n], ms))],
    ['shipped, gzip', ...names.map((n) => cell(n === 'wasmtls' ? p.size_gzip.wasmtls : n === 'epoxy-tls' ? p.size_gzip.epoxy_full?.total_gzip
      : n === 'subtls' ? p.size_gzip.subtls?.total_gzip : null, bytes))]];
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  console.log(`\npeers (${p.note}; medians; versions ${JSON.stringify(p.versions)}):`);
  for (const r of rows) console.log('  ' + r.map((c, i) => String(c).padEnd(w[i])).join('  '));
  console.log(`  memory: wasmtls: wasm heap in use (bench/memory.mjs); epoxy-tls: wasm memory growth; node:tls: process RSS growth; subtls: JS heap + external growth`);
  const strings = (v) => (v && typeof v === 'object' ? Object.values(v).flatMap(strings) : [v]);
  const na = [...new Set(strings(p).filter((v) => typeof v === 'string' && v.startsWith('n/a')))];
  for (const s of na) console.log(`  ${s}`);
  console.log(`  server saw resumed: full ${JSON.stringify(p.full_resumed_by_server)}, resumed ${JSON.stringify(p.resumed_by_server)}`);
}
