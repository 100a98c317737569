// Where a handshake over a wisp tunnel spends its time (issue 15), beside
// `make bench`'s peers: the same node:tls server (in this process) and the
// same wisp-js server (its own process, bench/peers.mjs startWisp), and per
// round, alternating order, with a pause after each connection so that its
// teardown does not land in the next one's time:
//   wasmtls tcp / wasmtls wisp / epoxy-tls     connect -> one byte back
//   raw tcp / raw wisp(ours) / raw epoxy       no TLS: connect, one byte
//                                              echoed (the tunnel's cost)
// Prints medians and per-round median ratios and differences.
//   node bench/wisp_probe.mjs [ROUNDS]
//   node bench/wisp_probe.mjs --ab DIR_A DIR_B [ROUNDS]
//       two copies of js/ (e.g. a worktree's js/ before and after a
//       change), wasmtls over tcp and wisp from each, alternating.
//   node bench/wisp_probe.mjs --ab DIR_A DIR_B --bulk [MIB]
//       the same two copies: TLS downloads of MIB (default 32) from
//       node:tls, per suite, over TCP and over wisp, 5 timed runs each
//       after a warm-up, alternating; B/A per-run ratio medians.
//   node bench/wisp_probe.mjs --bulk [MIB]
//       the tunnel's own throughput, what bounds any download over it:
//       MIB (default 32) raw bytes from a TCP server in this process
//       through our wisp client, through epoxy-tls's raw TCP stream and
//       over TCP, 5 timed runs each after a warm-up, alternating; medians.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import crypto from 'node:crypto';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { pki } from '../tests/lib/pki.mjs';
import { startNode } from '../tests/lib/servers.mjs';
import * as peers from './peers.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const ab = args[0] === '--ab' ? args.splice(0, 3).slice(1) : null;
const bulk = args[0] === '--bulk' ? (args.shift(), true) : false;
const N = Number(args[0] || 100);
const load = (dir) => import(pathToFileURL(path.resolve(dir, 'index.js')).href);
const P = pki();
const CA = fs.readFileSync(P.ca, 'utf8');
const wisp = await peers.startWisp();
// noDelay: as make bench's handshake server (bench/wasm_bench.mjs: Nagle there stalls some rounds)
const srv = await startNode({ cert: P.p256.chain, key: P.p256.key, tlsOptions: { noDelay: true }, onConnection: (s) => s.once('data', () => s.write('x')) });
const raw = net.createServer((s) => { s.setNoDelay(true); s.on('error', () => {}); s.once('data', () => s.write('x')); });
await new Promise((r) => raw.listen(0, '127.0.0.1', r));
const rawPort = raw.address().port;

// wasmtls (this tree's js/) with its wisp transport, and epoxy-tls with a
// client for raw streams (no TLS) through the same wisp server
async function ourAndEpoxy() {
  const wt = await load(path.join(ROOT, 'js'));
  const ep = await peers.loadEpoxy();
  const epRaw = new ep.ep.EpoxyClient(wisp.url, new ep.ep.EpoxyClientOptions());
  const rawEpoxy = async (port) => {
    const s = await epRaw.connect_tcp(`tcp://localhost:${port}`);
    return { readable: s.read, writable: s.write };
  };
  return { wt, tr: wt.wisp(wisp.url), ep, rawEpoxy };
}

if (bulk && ab) {
  // As make bench's downloads (bench/wasm_bench.mjs): one server per
  // suite, BULK bytes after the client's first byte, the client closes.
  const BULK = (Number(args[0]) || 32) << 20;
  const block = crypto.randomBytes(1 << 16);
  const clients = [];
  for (const [tag, dir] of [['A', ab[0]], ['B', ab[1]]]) {
    const wt = await load(dir);
    clients.push(peers.wasmtlsClient(wt, `${tag} tcp`, CA), peers.wasmtlsClient(wt, `${tag} wisp`, CA, wt.wisp(wisp.url)));
  }
  for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256']) {
    const server = await startNode({ cert: P.p256.chain, key: P.p256.key, tlsOptions: { ciphers: suite },
      onConnection: (s) => s.once('data', () => peers.sendBulk(s, BULK, block)) });
    const mibs = {};
    for (let i = -1; i < 5; i++) {
      for (const c of (i & 1 ? [...clients].reverse() : clients)) {
        const conn = await peers.withTimeout(c.open(server.port, { suite }), 10000, c.name);
        const t0 = performance.now();
        await conn.write(new Uint8Array([1]));
        await peers.withTimeout(conn.readN(BULK), 120000, c.name);
        if (i >= 0) (mibs[c.name] ||= []).push(BULK / 1048576 / ((performance.now() - t0) / 1000));
        conn.close();
      }
    }
    await server.stop();
    const r = (t) => peers.median(mibs[`B ${t}`].map((x, i) => x / mibs[`A ${t}`][i])).toFixed(3);
    console.log(`${suite}, ${BULK >> 20} MiB, medians of 5: ` +
      Object.entries(mibs).map(([k, v]) => `${k} ${peers.median(v).toFixed(1)} MiB/s`).join(', ') +
      `; B/A per run: tcp x${r('tcp')}, wisp x${r('wisp')}`);
  }
  await wisp.stop();
  await srv.stop();
  raw.close();
  process.exit(0);
}

if (bulk) {
  // The server never ends the stream: wisp-js drops a stream whose TCP
  // side closes while its queue is full (bench/peers.mjs); the client
  // closes once it has every byte.
  const BULK = (Number(args[0]) || 32) << 20;
  const block = crypto.randomBytes(1 << 16);
  const src = net.createServer((s) => {
    s.on('error', () => {});
    s.once('data', () => peers.sendBulk(s, BULK, block));
  });
  await new Promise((r) => src.listen(0, '127.0.0.1', r));
  const port = src.address().port;
  const { wt, tr, rawEpoxy } = await ourAndEpoxy();
  const streams = {
    'raw wisp(ours)': async () => tr.connect('localhost', port),
    'raw epoxy': () => rawEpoxy(port),
    'raw tcp': async () => (await wt.tcp({ host: '127.0.0.1' }).connect('localhost', port)),
  };
  const mibs = {};
  for (let i = -1; i < 5; i++) {
    for (const [name, open] of (i & 1 ? Object.entries(streams).reverse() : Object.entries(streams))) {
      const p = await peers.withTimeout(open(), 10000, name);
      const w = p.writable.getWriter();
      const r = p.readable.getReader();
      const t0 = performance.now();
      await w.write(new Uint8Array([1]));
      let got = 0;
      while (got < BULK) {
        const { value, done } = await peers.withTimeout(r.read(), 10000, name);
        if (done) throw new Error(`${name}: the stream ended after ${got} bytes`);
        got += value.byteLength;
      }
      const v = BULK / 1048576 / ((performance.now() - t0) / 1000);
      r.cancel().catch(() => {});
      if (i >= 0) (mibs[name] ||= []).push(v);
    }
  }
  console.log(`raw download, ${BULK >> 20} MiB, median of 5 (runs):`);
  for (const [k, v] of Object.entries(mibs)) console.log(`  ${k.padEnd(16)} ${peers.median(v).toFixed(1)} MiB/s (${v.map((x) => x.toFixed(0)).join(' ')})`);
  await tr.close();
  src.close();
  await wisp.stop();
  process.exit(0);
}

// a {readable, writable} pair as a bench client connection (one byte)
const rawConn = (p) => {
  const w = p.writable.getWriter();
  const r = p.readable.getReader();
  return { write: (b) => w.write(b), readN: async () => { await r.read(); },
    close: () => { w.close().catch(() => {}); r.cancel().catch(() => {}); } };
};
const clients = [];
if (ab) {
  for (const [tag, dir] of [['A', ab[0]], ['B', ab[1]]]) {
    const wt = await load(dir);
    clients.push(peers.wasmtlsClient(wt, `${tag} tcp`, CA), peers.wasmtlsClient(wt, `${tag} wisp`, CA, wt.wisp(wisp.url)));
  }
} else {
  const { wt, tr, ep, rawEpoxy } = await ourAndEpoxy();
  clients.push(peers.wasmtlsClient(wt, 'wasmtls tcp', CA), peers.wasmtlsClient(wt, 'wasmtls wisp', CA, tr),
    peers.epoxyClient(ep, CA, wisp.url),
    { name: 'raw wisp(ours)', open: async () => rawConn(await tr.connect('localhost', rawPort)) },
    { name: 'raw epoxy', open: async () => rawConn(await rawEpoxy(rawPort)) },
    { name: 'raw tcp', async open() {
      const s = net.connect({ host: '127.0.0.1', port: rawPort });
      s.setNoDelay(true);
      await new Promise((r) => s.once('connect', r));
      return { write: (b) => new Promise((r) => s.write(b, r)), readN: () => new Promise((r) => s.once('data', r)), close: () => s.destroy() };
    } });
}

const ms = {};
for (let i = -10; i < N; i++) {
  for (const c of (i & 1 ? [...clients].reverse() : clients)) {
    srv.server.setTicketKeys(crypto.randomBytes(48));
    const t0 = performance.now();
    const conn = await peers.withTimeout(c.open(srv.port), 10000, c.name);
    await conn.write(new Uint8Array([1]));
    await peers.withTimeout(conn.readN(1), 10000, c.name);
    const dt = performance.now() - t0;
    conn.close();
    await new Promise((r) => setTimeout(r, 5));
    if (i >= 0) (ms[c.name] ||= []).push(dt);
  }
}
const f = (x) => x.toFixed(3);
for (const [k, v] of Object.entries(ms)) console.log(`${k.padEnd(16)} ${f(peers.median(v))} ms`);
const ratio = (a, b) => f(peers.median(ms[a].map((x, i) => x / ms[b][i])));
const diff = (a, b) => f(peers.median(ms[a].map((x, i) => x - ms[b][i])));
console.log(`per-round medians over ${N} rounds:`);
if (ab) {
  console.log(`  B/A tcp x${ratio('B tcp', 'A tcp')}, B/A wisp x${ratio('B wisp', 'A wisp')}`);
} else {
  console.log(`  wasmtls wisp / epoxy-tls x${ratio('wasmtls wisp', 'epoxy-tls')}; wasmtls wisp / wasmtls tcp x${ratio('wasmtls wisp', 'wasmtls tcp')}`);
  console.log(`  tunnel (raw wisp - raw tcp): ours ${diff('raw wisp(ours)', 'raw tcp')} ms, epoxy ${diff('raw epoxy', 'raw tcp')} ms`);
  console.log(`  TLS over the tunnel (tls - raw): wasmtls ${diff('wasmtls wisp', 'raw wisp(ours)')} ms, epoxy ${diff('epoxy-tls', 'raw epoxy')} ms`);
}
await wisp.stop();
await srv.stop();
raw.close();
process.exit(0);
