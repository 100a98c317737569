// Round trips and writes of a connection over a wisp tunnel (issue 15):
// the CONNECT packet and the first DATA of the same tick leave in one
// socket write, a TLS handshake up to its first echoed byte writes twice
// (CONNECT + ClientHello, Finished + request), connect() opens its
// transport before it consults the session store, and a transport that
// start() opened but did not take (a bad option, close() while opening) is
// closed; and the WebSocket does not offer permessage-deflate (Wisp
// carries ciphertext). Writes are counted on the client's socket under its WebSocket
// (the `ws` package's 'upgrade' event hands it out), so the counts do not
// depend on how the server happens to read.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import crypto from 'node:crypto';
import WS, { WebSocketServer } from 'ws';
import { pki } from './lib/pki.mjs';
import { startNode } from './lib/servers.mjs';
import { SKIP, startWisp, readBytes, pem } from './lib/wasm.mjs';
import * as mod from '../js/index.js';

const P = SKIP ? null : pki();
const CA = SKIP ? null : pem(P.ca);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A `ws` WebSocket that counts the writes of its socket after the upgrade
// (each _write or _writev call is one write to the kernel).
function countingWebSocket(writes) {
  return class extends WS {
    constructor(...a) {
      super(...a);
      this.once('upgrade', (res) => {
        const s = res.socket;
        for (const m of ['_write', '_writev']) {
          const f = s[m];
          s[m] = function (...x) { writes.n++; return f.apply(this, x); };
        }
      });
    }
  };
}

async function echoServer(t) {
  const socks = new Set();
  const srv = net.createServer((s) => { socks.add(s); s.on('error', () => {}); s.pipe(s); });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => new Promise((r) => { for (const s of socks) s.destroy(); srv.close(r); }));
  return srv.address().port;
}

describe('wisp writes and round trips', { skip: SKIP, timeout: 60000 }, () => {
  test('CONNECT and the first DATA of a tick leave in one write', async (t) => {
    const port = await echoServer(t);
    const w = await startWisp();
    t.after(() => w.stop());
    const writes = { n: 0 };
    const transport = mod.wisp(w.url, { WebSocket: countingWebSocket(writes), idleTimeout: 0 });
    const pair = await transport.connect('127.0.0.1', port);
    const wr = pair.writable.getWriter();
    const rd = pair.readable.getReader();
    // the stream first: transport.close() waits for its last stream
    t.after(async () => { await rd.cancel().catch(() => {}); await transport.close(); });
    const msg = crypto.randomBytes(100);
    const wrote = wr.write(msg);
    const got = await readBytes(rd, msg.length);
    await wrote;
    assert.equal(Buffer.compare(got, msg), 0);
    assert.equal(writes.n, 1, 'CONNECT and DATA in one socket write');
  });

  test('a TLS handshake writes twice before its first echoed byte', async (t) => {
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key });
    t.after(() => srv.stop());
    const w = await startWisp();
    t.after(() => w.stop());
    await mod.loadEngine();   // compiled before: the ClientHello is ready in the CONNECT's tick
    const writes = { n: 0 };
    const transport = mod.wisp(w.url, { WebSocket: countingWebSocket(writes), idleTimeout: 0 });
    const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA, transport, sessionCache: false });
    t.after(async () => { await s.close(); await transport.close(); });
    const wr = s.writable.getWriter();
    await s.opened;
    const msg = crypto.randomBytes(50);
    const wrote = wr.write(msg);
    const got = await readBytes(s.readable.getReader(), msg.length);
    await wrote;
    assert.equal(Buffer.compare(got, msg), 0);
    // CONNECT + ClientHello, then Finished + the request: not one each
    assert.equal(writes.n, 2, 'socket writes up to the echo');
  });

  test('the transport opens before the session store is consulted', async (t) => {
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key });
    t.after(() => srv.stop());
    const order = [];
    const map = new Map();
    const sessionCache = {
      async get(k) { order.push('cache.get'); return map.get(k); },
      async set(k, v) { map.set(k, v); },
      async delete(k) { map.delete(k); },
    };
    const transport = (hostname, port) => { order.push('transport'); return mod.tcp().connect(hostname, port); };
    const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA, transport, sessionCache });
    await s.opened;
    assert.deepEqual(order.slice(0, 2), ['transport', 'cache.get']);
    await s.close();
  });

  test('the WebSocket does not offer permessage-deflate', async (t) => {
    // a server that would take it (the `ws` default for servers is off)
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: true });
    await new Promise((r) => wss.once('listening', r));
    t.after(() => new Promise((r) => { for (const c of wss.clients) c.terminate(); wss.close(r); }));
    let offered = null, negotiated = null;
    wss.on('connection', (sock, req) => {
      offered = req.headers['sec-websocket-extensions'] ?? '';
      negotiated = sock.extensions;
      sock.send(Buffer.from([3, 0, 0, 0, 0, 128, 0, 0, 0]));   // CONTINUE, stream 0: 128 packets
    });
    const transport = mod.wisp(`ws://127.0.0.1:${wss.address().port}/`, { idleTimeout: 0 });
    const pair = await transport.connect('127.0.0.1', 9);
    t.after(async () => { await pair.readable.cancel().catch(() => {}); await transport.close(); });
    assert.doesNotMatch(offered, /permessage-deflate/);
    assert.equal(negotiated, '');
  });

  // A transport pair that records whether it was closed.
  function recordingTransport(delay = 0) {
    const r = { opened: 0, cancelled: false, aborted: false };
    r.transport = async () => {
      r.opened++;
      if (delay) await sleep(delay);
      return {
        readable: new ReadableStream({ cancel() { r.cancelled = true; } }),
        writable: new WritableStream({ abort() { r.aborted = true; } }),
      };
    };
    return r;
  }
  async function closedBoth(r) {
    for (let i = 0; i < 100 && !(r.cancelled && r.aborted); i++) await sleep(10);
    assert.deepEqual({ opened: r.opened, cancelled: r.cancelled, aborted: r.aborted },
      { opened: 1, cancelled: true, aborted: true });
  }

  test('a bad option after the transport began opening closes the transport', async () => {
    const r = recordingTransport();
    const s = mod.connect({ hostname: 'localhost', port: 1 }, { ca: 'not a PEM', transport: r.transport });
    await assert.rejects(s.opened, (e) => e instanceof mod.TLSError && e.code === 'bad_config');
    await closedBoth(r);
  });

  test('close() while the transport is opening closes it once it is there', async () => {
    const r = recordingTransport(50);
    const s = mod.connect({ hostname: 'localhost', port: 1 }, { ca: CA, transport: r.transport });
    await s.close();
    await assert.rejects(s.opened, (e) => e instanceof mod.TLSError && e.code === 'closed');
    await closedBoth(r);
  });
});
