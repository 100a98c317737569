// Receive backpressure through the tunnels (issue 10): a server sends
// 64 MiB as fast as it can while the application reads nothing. What the
// transport buffers (its `stats`: bytes received, buffered, peak, paused)
// must stay bounded: Wisp and websockify pause the WebSocket (Node `ws`),
// and a WebSocket that cannot pause (as in browsers without
// WebSocketStream) fails the connection with receive_buffer_full past
// maxReceiveBuffer instead of growing. Then the application reads
// everything and the SHA-256 matches. The browser's WebSocketStream path is
// covered in tests/browser.test.mjs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { pki } from './lib/pki.mjs';
import { startNode, startStreamingServer, sleep } from './lib/servers.mjs';
import { SKIP, startWebsockify, startWisp, pem, readBytes } from './lib/wasm.mjs';
import * as mod from '../js/index.js';

const P = SKIP ? null : pki();
const CA = SKIP ? null : pem(P.ca);
const SIZE = 64 << 20;
const BOUND = 512 << 10;   // RECV_HWM (64 KiB) + what `ws` had already read when paused

// The streaming server (tests/lib/servers.mjs), stopped after the test.
async function streamingServer(t, size) {
  const srv = await startStreamingServer({ cert: P.p256.chain, key: P.p256.key }, size);
  t.after(() => srv.stop());
  return srv;
}

// Resolves once cond() holds (checked every 20 ms; the test's own timeout bounds it).
async function until(cond) {
  while (!cond()) await sleep(20);
}

// The transport pair connect() gets, kept so the test can read its stats.
function watched(transport) {
  const w = { pair: null };
  w.transport = { connect: async (h, p) => (w.pair = await transport.connect(h, p)) };
  return w;
}

async function readAllHash(reader, h, got = 0) {
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return got;
    h.update(value);
    got += value.length;
  }
}

// A `ws` WebSocket without pause()/resume(): what a browser WebSocket is.
async function noPauseWebSocket() {
  const { default: WS } = await import('ws');
  class NoPause extends WS {}
  NoPause.prototype.pause = undefined;
  NoPause.prototype.resume = undefined;
  return NoPause;
}

describe('receive backpressure through the tunnels', { skip: SKIP, timeout: 180000 }, () => {
  const tunnels = {
    wisp: async (t) => {
      const w = await startWisp();
      t.after(() => w.stop());
      return mod.wisp(w.url);
    },
    websockify: async (t, port) => {
      const wsf = await startWebsockify(port);
      t.after(() => wsf.stop());
      return mod.websocket(wsf.url);
    },
  };
  for (const [name, make] of Object.entries(tunnels)) {
    test(`${name}: 64 MiB offered, nothing read: the WebSocket pauses, the buffer stays under ${BOUND} bytes; then all of it, SHA-256 intact`, async (t) => {
      const srv = await streamingServer(t, SIZE);
      const w = watched(await make(t, srv.port));
      const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA, transport: w.transport, sessionCache: false });
      await s.opened;
      const st = w.pair.stats;
      const heap0 = mod.engineStats().heapBytes;
      // The application reads nothing. Without backpressure the transport
      // takes in everything the tunnel delivers.
      await until(() => st.paused || st.received > 8 << 20);
      await sleep(500); // and stays paused
      assert.ok(st.paused, `transport did not pause (received ${st.received}, buffered ${st.buffered})`);
      assert.ok(st.maxBuffered <= BOUND, `transport buffered ${st.maxBuffered} bytes (bound ${BOUND})`);
      assert.ok(st.received < 4 << 20, `transport took in ${st.received} bytes while nothing was read`);
      assert.equal(mod.engineStats().heapBytes, heap0, 'wasm heap did not grow');
      const h = crypto.createHash('sha256');
      const reader = s.readable.getReader();
      let got = 0;
      while (got < SIZE) {
        const { value, done } = await reader.read();
        assert.ok(!done, `ended after ${got} bytes`);
        h.update(value);
        got += value.length;
      }
      assert.equal(got, SIZE);
      assert.equal(h.digest('hex'), srv.state.hash);
      assert.ok(st.maxBuffered <= BOUND, `transport buffered ${st.maxBuffered} bytes (bound ${BOUND})`);
      await s.close();
    });
  }

  test('websocket() over a WebSocket that cannot pause: receive_buffer_full past maxReceiveBuffer, memory bounded', async (t) => {
    const srv = await streamingServer(t, SIZE);
    const wsf = await startWebsockify(srv.port);
    t.after(() => wsf.stop());
    const limit = 1 << 20;
    const w = watched(mod.websocket(wsf.url, { WebSocket: await noPauseWebSocket(), maxReceiveBuffer: limit }));
    const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA, transport: w.transport, sessionCache: false });
    await s.opened;
    const st = w.pair.stats;
    // the queue fails near the limit (its bytes and a cost per message);
    // then nothing more is taken
    await until(() => st.received > limit - (64 << 10));
    await sleep(300);
    assert.ok(st.received < 8 << 20, `transport went on receiving: ${st.received} bytes`);
    assert.equal(st.paused, false);
    // over the limit by at most one message, then the queue is dropped
    assert.ok(st.maxBuffered <= limit + (256 << 10), `transport buffered ${st.maxBuffered} bytes (limit ${limit})`);
    assert.equal(st.buffered, 0, 'the queue was dropped');
    const err = await readAllHash(s.readable.getReader(), crypto.createHash('sha256')).then(() => null, (e) => e);
    assert.ok(err instanceof mod.TLSError, `reading ended without an error (${err})`);
    assert.equal(err.code, 'receive_buffer_full');
    assert.match(err.reason, new RegExp(`more than ${limit} bytes`));
    await assert.rejects(s.closed, { code: 'receive_buffer_full' });
  });

  test('wisp over a WebSocket that cannot pause: the stalled stream fails alone, the other streams go on', async (t) => {
    const srv = await streamingServer(t, SIZE);
    const echo = await startNode({ cert: P.p256.chain, key: P.p256.key });
    t.after(() => echo.stop());
    const ws = await startWisp();
    t.after(() => ws.stop());
    const limit = 1 << 20;
    const transport = mod.wisp(ws.url, { WebSocket: await noPauseWebSocket(), maxReceiveBuffer: limit });
    // another connection on the same WebSocket, open before the stall
    const s = mod.connect({ hostname: 'localhost', port: echo.port }, { ca: CA, transport, sessionCache: false });
    await s.opened;
    const w = watched(transport);
    const stalled = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA, transport: w.transport, sessionCache: false });
    await stalled.opened;
    const st = w.pair.stats;
    await until(() => st.received > limit - (64 << 10));
    await sleep(300);
    assert.ok(st.received < 8 << 20, `stream went on receiving: ${st.received} bytes`);
    assert.ok(st.maxBuffered <= limit + (256 << 10), `stream buffered ${st.maxBuffered} bytes (limit ${limit})`);
    assert.equal(st.buffered, 0, 'the queue was dropped');
    const err = await readAllHash(stalled.readable.getReader(), crypto.createHash('sha256')).then(() => null, (e) => e);
    assert.equal(err && err.code, 'receive_buffer_full', String(err));
    // the other connection on the same WebSocket: unaffected
    const msg = crypto.randomBytes(100000);
    const wr = s.writable.getWriter();
    await wr.write(msg);
    assert.equal(Buffer.compare(await readBytes(s.readable.getReader(), msg.length), msg), 0);
    assert.equal(ws.upgrades(), 1, 'both connections on one WebSocket');
    await s.close();
  });
});
