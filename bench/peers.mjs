// Peers for `make bench` (bench/wasm_bench.mjs): the same measurements
// for wasmtls, node:tls, epoxy-tls (npm @mercuryworkshop/epoxy-tls, over a
// local wisp-js server) and subtls (npm subtls, over TCP), behind one
// client shape, so the bench can alternate between them per round.
//
// A client is { name, open(port, opts) } or { name, na: 'reason' } when it
// cannot run here; open() resolves to a connection
// { write(bytes), readN(n) (resolves once n bytes arrived), close() }
// after its handshake. opts: { resume } (offer a ticket from an earlier
// connection to the same server), { suite } (TLS 1.3 suite name; the bench's
// bulk servers also allow only that suite, for peers that cannot choose).
//
// Cold start and memory per idle connection run in fresh processes
// (bench/peer_child.mjs), so that a peer's import, its instance and its
// connections are all that the process holds.
// Fresh processes (bench/peer_child.mjs) import this module whatever the
// peer: node:tls, node:http, node:zlib and node:child_process are imported
// where they are used, so that a cold start pays only for what its peer
// needs (these four were ~30 ms of a fresh process here, charged to every
// peer; node:tls alone ~15).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const CHILD = path.join(HERE, 'peer_child.mjs');
export const EPOXY_DIR = path.join(ROOT, 'node_modules/@mercuryworkshop/epoxy-tls');
export const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };

/** Writes `bytes` bytes to a server's socket in `block`-sized writes, waiting
 * for 'drain' whenever the socket asks; then() once all are written. */
export function sendBulk(sock, bytes, block, then = () => {}) {
  let left = bytes;
  const more = () => {
    while (left > 0) {
      left -= block.length;
      if (!sock.write(block)) return sock.once('drain', more);
    }
    then();
  };
  more();
}

/** Rejects after ms with `what` in the message (every wait in the bench has one). */
export function withTimeout(p, ms, what) {
  let t;
  return Promise.race([p, new Promise((_, reject) => {
    t = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  })]).finally(() => clearTimeout(t));
}

// Byte counting over a stream reader (wasmtls, epoxy, subtls): readN(n)
// resolves once n more bytes arrived; the reader is read by one loop.
function countingReader(read) {
  let got = 0, want = 0, wake = null, err = null, done = false;
  (async () => {
    try {
      for (;;) {
        const v = await read();
        if (!v) break;
        got += v.byteLength;
        if (wake && got >= want) { const w = wake; wake = null; w(); }
      }
    } catch (e) { err = e; }
    done = true;
    if (wake) { const w = wake; wake = null; w(); }
  })();
  return (n) => new Promise((resolve, reject) => {
    want += n;
    const check = () => {
      if (got >= want) resolve();
      else if (done) reject(err || new Error(`stream ended after ${got} of ${want} bytes`));
      else wake = check;
    };
    check();
  });
}

/** A wisp-js server (0.5) on 127.0.0.1 in this process; resolves to its port. */
export async function serveWisp() {
  const { server: wispServer, logging } = await import('@mercuryworkshop/wisp-js/server');
  const http = (await import('node:http')).default;
  logging.set_level(logging.ERROR);
  wispServer.options.allow_loopback_ips = true;
  wispServer.options.allow_private_ips = true;
  const srv = http.createServer((req, res) => { res.writeHead(404); res.end(); });
  srv.on('upgrade', (req, socket, head) => wispServer.routeRequest(req, socket, head));
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return srv.address().port;
}

/**
 * The wisp-js server both tunnelled clients use, in its own process (as a
 * real one is elsewhere: its work is not on the client's event loop):
 * { url, stop() }.
 */
export async function startWisp() {
  const { spawn } = await import('node:child_process');
  const c = spawn(process.execPath, [CHILD, 'wisp'], { stdio: ['ignore', 'pipe', 'pipe'] });
  process.on('exit', () => c.kill('SIGKILL'));
  let out = '';
  const port = await withTimeout(new Promise((resolve, reject) => {
    c.stdout.on('data', (d) => { out += d; const m = /PORT (\d+)/.exec(out); if (m) resolve(Number(m[1])); });
    c.stderr.on('data', (d) => { out += d; });
    c.on('exit', (code) => reject(new Error(`wisp server exited (${code}): ${out}`)));
  }), 10000, 'wisp server start');
  return {
    url: `ws://127.0.0.1:${port}/`,
    stop: () => new Promise((r) => { c.once('exit', () => r()); c.kill('SIGTERM'); }),
  };
}

// --- clients -------------------------------------------------------------

export function wasmtlsClient(wt, name, ca, transport) {
  const cache = new wt.MemorySessionCache();
  // Over TCP, the same endpoint as nodeClient: 127.0.0.1, with localhost
  // as the name to verify. By name, every connection would also pay a DNS
  // lookup and Node's happy eyeballs over ::1 and 127.0.0.1 and, in a
  // fresh process, net.isIP('localhost') run twice more (Node's IPv6
  // regex compiled to native code: tens of ms of the cold start here),
  // none of which node:tls connecting by address pays.
  transport ??= wt.tcp({ host: '127.0.0.1' });
  // The root parsed once per client (a TrustStore), as epoxy-tls parses its
  // roots once per client and nodeClient makes one SecureContext per suite:
  // what an application making many connections does.
  let trust = null;
  return {
    name,
    async open(port, o = {}) {
      trust ??= await wt.trustStore(ca);
      const s = wt.connect({ hostname: 'localhost', port }, { ca: trust, transport, sessionCache: o.resume ? cache : false,
        ...(o.suite ? { ciphers: [o.suite] } : {}) });
      const w = s.writable.getWriter();
      await s.opened;
      const r = s.readable.getReader();
      const readN = countingReader(async () => (await r.read()).value);
      return { write: (b) => w.write(b), readN, close: () => { s.close().catch(() => {}); } };
    },
  };
}

let tls = null;   // node:tls, once a nodeClient opens its first connection
export function nodeClient(ca) {
  const sessions = new Map();
  // one SecureContext (the root parsed once) per cipher suite asked for
  const contexts = new Map();
  const contextFor = (suite) => {
    if (!contexts.has(suite)) contexts.set(suite, tls.createSecureContext({ ca, minVersion: 'TLSv1.3', ...(suite ? { ciphers: suite } : {}) }));
    return contexts.get(suite);
  };
  return {
    name: 'node:tls',
    async open(port, o = {}) {
      tls ??= (await import('node:tls')).default;
      return new Promise((resolve, reject) => {
        const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', secureContext: contextFor(o.suite || ''),
          session: o.resume ? sessions.get(port) : undefined });
        s.on('session', (b) => sessions.set(port, b));
        let got = 0, want = 0, wake = null;
        s.on('data', (d) => { got += d.length; if (wake && got >= want) { const w = wake; wake = null; w(); } });
        s.once('error', reject);
        s.once('secureConnect', () => {
          s.on('error', () => {});
          resolve({
            write: (b) => new Promise((ok) => s.write(b, ok)),
            readN: (n) => new Promise((ok, bad) => {
              want += n;
              if (got >= want) return ok();
              wake = ok;
              s.once('close', () => bad(new Error('node:tls closed early')));
            }),
            close: () => s.destroy(),
          });
        });
      });
    },
  };
}

// epoxy in Node: a global WebSocket (Node 20 has none; `ws` stands in), and
// undici's global origin set, else epoxy's URL handling throws. The
// URL-form transport (its own WebSocket per client): the stream-pair form
// stalls when connections overlap. pem_files (our test root) exists in the
// full build only, not in minimal (which can only turn verification off).
export async function loadEpoxy() {
  if (!globalThis.WebSocket) globalThis.WebSocket = (await import('ws')).WebSocket;
  const origin = Symbol.for('undici.globalOrigin.1');
  if (!globalThis[origin]) globalThis[origin] = new URL('http://127.0.0.1/');
  const ep = await import('@mercuryworkshop/epoxy-tls/epoxy');
  let instance = null;
  const inst = WebAssembly.instantiate;
  WebAssembly.instantiate = async (...a) => { const r = await inst(...a); instance = r.instance || r; return r; };
  try { await ep.default({ module_or_path: fs.readFileSync(path.join(EPOXY_DIR, 'full/epoxy.wasm')) }); }
  finally { WebAssembly.instantiate = inst; }
  return { ep, memory: instance && instance.exports.memory, version: ep.info && ep.info.version };
}

export function epoxyClient({ ep }, ca, wispUrl) {
  const o = new ep.EpoxyClientOptions();
  o.pem_files = [ca];
  const client = new ep.EpoxyClient(wispUrl, o);
  return {
    name: 'epoxy-tls',
    // rustls keeps tickets and resumes by itself (o.resume is its default;
    // the bench's full-handshake server rotates its ticket keys instead)
    async open(port) {
      const s = await client.connect_tls(`tls://localhost:${port}`);
      const w = s.write.getWriter();
      const r = s.read.getReader();
      const readN = countingReader(async () => (await r.read()).value);
      // close() on epoxy's writer never settles: not awaited
      return { write: (b) => w.write(b), readN, close: () => { w.close().catch(() => {}); r.cancel().catch(() => {}); } };
    },
  };
}

// subtls: TLS 1.3 only, P-256 key share, TLS_AES_128_GCM_SHA256 only, no
// session resumption; its own read queue over a net.Socket.
export const SUBTLS_SUITE = 'TLS_AES_128_GCM_SHA256';
export async function subtlsClient(ca) {
  const st = await import('subtls/index.js');
  const db = await st.TrustedCert.databaseFromPEM(ca);
  return {
    name: 'subtls',
    async open(port, o = {}) {
      if (o.resume) throw new Error('subtls has no session resumption');
      if (o.suite && o.suite !== SUBTLS_SUITE) throw new Error(`subtls has only ${SUBTLS_SUITE}`);
      const sock = net.connect({ host: '127.0.0.1', port });
      await new Promise((ok, bad) => { sock.once('connect', ok); sock.once('error', bad); });
      sock.setNoDelay(true);
      const q = new st.SocketReadQueue(sock);
      const { read, write } = await st.startTls('localhost', db, q.read.bind(q), (d) => sock.write(d));
      return { write, readN: countingReader(read), close: () => sock.destroy() };
    },
  };
}

// --- fresh processes: cold start and idle memory -----------------------------

async function runChild(args, timeoutMs, nodeArgs = []) {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve) => {
    const t0 = performance.now();
    const c = spawn(process.execPath, [...nodeArgs, CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    c.stdout.on('data', (d) => { out += d; });
    c.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => c.kill('SIGKILL'), timeoutMs);
    c.on('exit', (code, sig) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - t0, ok: code === 0, out, err: err || `exit ${code ?? sig}` });
    });
  });
}

/**
 * Cold start: for each implementation a fresh `node` that imports it,
 * instantiates it, does one handshake (one byte there and back) and exits;
 * spawn -> exit, N each, implementations alternating per round. Returns
 * { name: ms (median) | 'n/a: reason' }.
 */
export async function coldStart(impls, n) {
  const times = Object.fromEntries(impls.map((i) => [i.name, []]));
  const failed = {};
  for (let k = 0; k < n + 1; k++) { // round 0 warms the file cache
    const order = k & 1 ? [...impls].reverse() : impls;
    for (const i of order) {
      if (failed[i.name]) continue;
      const r = await runChild(['cold', i.kind, JSON.stringify(i.args)], 30000);
      if (!r.ok) { failed[i.name] = `n/a: ${r.err.trim().split('\n').filter(Boolean).pop()}`; continue; }
      if (k) times[i.name].push(r.ms);
    }
  }
  return Object.fromEntries(impls.map((i) => [i.name, failed[i.name] || median(times[i.name])]));
}

/** Memory of n idle connections in a fresh process (peer_child.mjs idle): its JSON, or { na }. */
export async function idleInChild(kind, args, n) {
  const r = await runChild(['idle', kind, JSON.stringify({ ...args, n })], 240000, ['--expose-gc']);
  if (!r.ok) return { na: `n/a: ${r.err.trim().split('\n').filter(Boolean).pop()}` };
  return JSON.parse(r.out.trim().split('\n').pop());
}

/**
 * Opens n connections (batches of 50), each exchanging one byte with the
 * server so that its handshake is complete, and keeps them open; returns
 * them (call close() on each).
 */
export async function openIdle(client, port, n) {
  const conns = [];
  for (let i = 0; i < n; i += 50) {
    const batch = await withTimeout(Promise.all(Array.from({ length: Math.min(50, n - i) }, async () => {
      const c = await client.open(port);
      await c.write(new Uint8Array([1]));
      await c.readN(1);
      return c;
    })), 60000, `${client.name}: 50 idle connections`);
    conns.push(...batch);
  }
  return conns;
}

// --- shipped size ---------------------------------------------------------------

async function minified(entry) {
  const { build } = await import('esbuild');
  const b = await build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', platform: 'browser',
    external: ['ws', 'node:*', 'crypto', 'fs/promises'], write: false, logLevel: 'silent' });
  return Buffer.from(b.outputFiles[0].contents);
}

/** What a page ships for each peer: wasm and its JS bundled+minified (esbuild), gzip -9. */
export async function peerSizes() {
  const zlib = (await import('node:zlib')).default;
  const gz = (b) => zlib.gzipSync(b, { level: 9 }).length;
  const out = {};
  for (const flavour of ['full', 'minimal']) {
    try {
      const wasm = fs.readFileSync(path.join(EPOXY_DIR, flavour, 'epoxy.wasm'));
      const js = await minified(path.join(EPOXY_DIR, flavour, 'epoxy.js'));
      out[`epoxy_${flavour}`] = { wasm: wasm.length, wasm_gzip: gz(wasm), js_min: js.length, js_min_gzip: gz(js),
        total_gzip: gz(wasm) + gz(js) };
    } catch (e) { out[`epoxy_${flavour}`] = { na: `n/a: ${e.message}` }; }
  }
  try {
    const js = await minified(path.join(ROOT, 'node_modules/subtls/index.js'));
    out.subtls = { js_min: js.length, js_min_gzip: gz(js), total_gzip: gz(js) };
  } catch (e) { out.subtls = { na: `n/a: ${e.message}` }; }
  return out;
}
