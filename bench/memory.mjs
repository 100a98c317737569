// Memory of the npm package's connections (issue 15): wasm heap in use per
// established idle connection, the peak of one handshake, and whether a
// burst's memory is reused by the next one. Numbers, no assertions.
//
//   node bench/memory.mjs [CONNS]        prints one line per measure and a
//                                        JSON object (CONNS default 1000)
//   BENCH_WASM=file.wasm                 that engine build instead of js/dist/
//
// import { measureMemory } from './memory.mjs' for the same measures from
// another benchmark (see measureMemory below).
//
// "In use" is emmalloc's count of allocated bytes (wtw_heap_used: block
// headers not included) read through the module's exports; the peak is
// the glue's high-water mark of that count (wtw_heap_peak), noted after
// each allocation a connection makes. The shadow stack (128 KiB, fixed)
// and memory.buffer's size (which never shrinks) are reported apart.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };

/**
 * Opens `conns` TLS connections (in batches of `batch`) to a server that
 * never answers after the handshake, measures, closes them, and opens as
 * many again.
 *
 * @param {object} o
 * @param {object} o.wt         the package's index.js module (import * as wt)
 * @param {number} o.port       a local TLS server on 127.0.0.1 ('localhost' in
 *                              its certificate) that stays silent once connected
 * @param {string} o.ca         PEM of the CA that issued its certificate
 * @param {number} [o.conns=1000]
 * @param {number} [o.batch=50] handshakes in flight at once
 * @param {number} [o.peakRuns=9] single handshakes for the peak (median)
 * @param {object} [o.connectOptions] extra connect() options
 * @returns {Promise<{connections: number, idle_bytes_per_connection: number,
 *   idle_heap_growth_bytes: number, handshake_peak_bytes: number,
 *   burst: {first_bytes: number, after_close_bytes: number, second_bytes: number,
 *           growth_bytes: number, memory_buffer_growth_bytes: number},
 *   conn_struct_bytes: number, memory_buffer_bytes: number}>}
 *   Bytes are wasm heap in use. idle_bytes_per_connection: growth of the heap in
 *   use with `conns` connections open and idle, divided by `conns`.
 *   handshake_peak_bytes: the most heap in use during one handshake (connect
 *   to opened) above what was in use before it, median of peakRuns.
 *   burst: heap in use with the first burst open, after closing it, with the
 *   second burst open (growth = second - first; memory.buffer growth across
 *   the second burst, 0 when the first burst's memory was reused).
 */
export async function measureMemory(o) {
  const { wt, port, ca } = o;
  const conns = o.conns ?? 1000, batch = o.batch ?? 50, peakRuns = o.peakRuns ?? 9;
  const opts = { ca, sessionCache: false, ...(o.connectOptions || {}) };
  const w = await wt.loadEngine();
  const used = () => w.x.wtw_heap_used();
  const open = async () => {
    const socks = [];
    for (let i = 0; i < conns; i += batch) {
      const b = Array.from({ length: Math.min(batch, conns - i) }, () => wt.connect({ hostname: 'localhost', port }, opts));
      await Promise.all(b.map((s) => s.opened));
      socks.push(...b);
    }
    return socks;
  };
  const closeAll = async (socks) => { await Promise.all(socks.map((s) => s.close())); };

  // Warm up: the engine, its lazily allocated tables, one connection.
  { const s = wt.connect({ hostname: 'localhost', port }, opts); await s.opened; await s.close(); }

  const peaks = [];
  for (let i = 0; i < peakRuns; i++) {
    const base = used();
    w.x.wtw_heap_peak_reset();
    const s = wt.connect({ hostname: 'localhost', port }, opts);
    await s.opened;
    peaks.push(w.x.wtw_heap_peak() - base);
    await s.close();
  }

  const before = used();
  const socks = await open();
  const first = used();
  await closeAll(socks);
  const afterClose = used();
  const bufBefore = w.mem.buffer.byteLength;
  const socks2 = await open();
  const second = used();
  const bufAfter = w.mem.buffer.byteLength;
  await closeAll(socks2);
  return {
    connections: conns,
    idle_bytes_per_connection: Math.round((first - before) / conns),
    idle_heap_growth_bytes: first - before,
    handshake_peak_bytes: median(peaks),
    burst: { first_bytes: first, after_close_bytes: afterClose, second_bytes: second,
      growth_bytes: second - first, memory_buffer_growth_bytes: bufAfter - bufBefore },
    conn_struct_bytes: w.x.wtw_conn_size(),
    memory_buffer_bytes: w.mem.buffer.byteLength,
  };
}

// Standalone: a silent Node TLS server with the test PKI's P-256 chain.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { pki } = await import('../tests/lib/pki.mjs');
  const { startNode } = await import('../tests/lib/servers.mjs');
  const wt = await import('../js/index.js');
  if (process.env.BENCH_WASM) wt.setWasmSource(new Uint8Array(fs.readFileSync(process.env.BENCH_WASM)));
  const P = pki();
  const srv = await startNode({ cert: P.p256.chain, key: P.p256.key, onConnection: () => {} });
  const r = await measureMemory({ wt, port: srv.port, ca: fs.readFileSync(P.ca, 'utf8'), conns: Number(process.argv[2] || 1000) });
  await srv.stop();
  console.log(`idle: ${r.idle_bytes_per_connection} B of wasm heap per established idle connection (${r.connections} open; struct ${r.conn_struct_bytes} B)`);
  console.log(`handshake peak: ${r.handshake_peak_bytes} B above the heap in use before it (median)`);
  console.log(`burst: ${r.burst.first_bytes} B in use with ${r.connections} open, ${r.burst.after_close_bytes} B after closing them, ` +
    `${r.burst.second_bytes} B with ${r.connections} open again (growth ${r.burst.growth_bytes} B; memory.buffer +${r.burst.memory_buffer_growth_bytes} B)`);
  console.log(JSON.stringify(r));
  process.exit(0);
}
