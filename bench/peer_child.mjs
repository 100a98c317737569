// A fresh process for bench/peers.mjs (not run by hand):
//   node bench/peer_child.mjs cold KIND '{"port":P,"ca":"ca.pem","wisp":"ws://..."}'
//     imports KIND, instantiates it, one handshake (one byte there and
//     back with the server), exits 0: the parent times spawn -> exit.
//   node --expose-gc bench/peer_child.mjs idle KIND '{"port":P,"ca":...,"n":1000}'
//     opens n connections (each has exchanged one byte) and prints one JSON
//     line: RSS, JS heap and (wasm peers) wasm memory growth over them.
//   node bench/peer_child.mjs wisp
//     a wisp-js server on 127.0.0.1 (prints "PORT n"; runs until killed).
// KIND: wasmtls | wasmtls_wisp | node | epoxy | subtls. Only what KIND needs
// is imported, after the clock started.
import fs from 'node:fs';

const [mode, kind, json] = process.argv.slice(2);
if (mode === 'wisp') {
  const { serveWisp } = await import('./peers.mjs');
  console.log(`PORT ${await serveWisp()}`);
  await new Promise(() => {});
}
const a = JSON.parse(json);
const ca = fs.readFileSync(a.ca, 'utf8');

async function client() {
  const peers = await import('./peers.mjs');
  if (kind === 'wasmtls' || kind === 'wasmtls_wisp') {
    const wt = await import('../js/index.js');
    await wt.loadEngine();
    const c = peers.wasmtlsClient(wt, kind, ca, kind === 'wasmtls_wisp' ? wt.wisp(a.wisp) : undefined);
    return { c, wasmBytes: () => wt.engineStats().heapBytes };
  }
  if (kind === 'node') return { c: peers.nodeClient(ca) };
  if (kind === 'epoxy') {
    const e = await peers.loadEpoxy();
    return { c: peers.epoxyClient(e, ca, a.wisp), wasmBytes: () => e.memory.buffer.byteLength };
  }
  if (kind === 'subtls') return { c: await peers.subtlsClient(ca) };
  throw new Error(`unknown kind ${kind}`);
}

const kill = setTimeout(() => { console.error(`${kind} ${mode}: timed out`); process.exit(3); }, mode === 'cold' ? 25000 : 230000);
try {
  const { c, wasmBytes } = await client();
  if (mode === 'cold') {
    const conn = await c.open(a.port);
    await conn.write(new Uint8Array([1]));
    await conn.readN(1);
    process.exit(0);
  }
  const { openIdle } = await import('./peers.mjs');
  (await openIdle(c, a.port, 1)).forEach((x) => x.close()); // first-use costs (engine, store) out of the delta
  await new Promise((r) => setTimeout(r, 200));
  const snap = () => { global.gc(); const m = process.memoryUsage(); return { rss: m.rss, heap: m.heapUsed + m.external, wasm: wasmBytes ? wasmBytes() : null }; };
  const before = snap();
  const conns = await openIdle(c, a.port, a.n);
  await new Promise((r) => setTimeout(r, 200));
  const after = snap();
  const per = (k) => (before[k] === null ? null : Math.round((after[k] - before[k]) / a.n));
  console.log(JSON.stringify({ connections: conns.length, rss_per_connection: per('rss'),
    js_heap_per_connection: per('heap'), wasm_per_connection: per('wasm') }));
  process.exit(0);
} catch (e) {
  clearTimeout(kill);
  console.error(`${kind} ${mode}: ${e && e.message ? e.message : e}`);
  process.exit(2);
}
