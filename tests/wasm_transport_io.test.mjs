// The readers and writers connect() takes from a transport pair directly
// (DIRECT_IO, js/src/transports.js ioPair): the receive queue (RecvQueue:
// order, backpressure, limits, end, failure, cancel), the single-use rule
// between the direct reader/writer and the pair's Web Streams, and the
// wisp writer's order when writes wait for the proxy's credit. Sources
// (js/src), not the bundle: the symbol and classes are internal.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { RecvQueue, RECV_HWM, CHUNK_COST, ioPair, websocket } from '../js/src/transports.js';
import { DIRECT_IO } from '../js/src/node_io.js';
import { wisp } from '../js/src/wisp.js';
import { SKIP, startWisp, readBytes, pem } from './lib/wasm.mjs';
import { pki } from './lib/pki.mjs';
import { startNode } from './lib/servers.mjs';

const bytes = (n, v = 1) => new Uint8Array(n).fill(v);

function queue(o = {}) {
  const calls = { full: 0, drain: 0, cancel: 0, order: [] };
  const q = new RecvQueue({
    maxReceiveBuffer: o.max,
    onFull: () => { calls.full++; return o.canPause !== false; },
    onDrain: () => { calls.drain++; calls.order.push('drain'); },
    onCancel: () => { calls.cancel++; calls.order.push('cancel'); },
  });
  return { q, calls };
}

describe('RecvQueue', () => {
  test('chunks are read in order; a waiting read gets the next chunk at once', async () => {
    const { q } = queue();
    const first = q.reader.read();
    q.push(bytes(3, 1));
    q.push(bytes(5, 2));
    assert.deepEqual(await first, { value: bytes(3, 1), done: false });
    assert.equal(q.stats.buffered, 5, 'the unread chunk');
    assert.equal(q.stats.maxBuffered, 5, 'a chunk taken by a waiting read was never buffered');
    assert.deepEqual(await q.reader.read(), { value: bytes(5, 2), done: false });
    assert.equal(q.stats.buffered, 0);
    assert.equal(q.stats.received, 8);
  });

  test('one read at a time', async () => {
    const { q } = queue();
    const first = q.reader.read();
    await assert.rejects(q.reader.read(), TypeError);
    q.push(bytes(1));
    assert.equal((await first).value.length, 1);
  });

  test('RECV_HWM unread (bytes and CHUNK_COST per message) pause the sender; reading below it resumes', async () => {
    const { q, calls } = queue();
    assert.equal(q.push(bytes(RECV_HWM - CHUNK_COST - 1)), true);
    assert.equal(calls.full, 0);
    assert.equal(q.push(bytes(1)), true);
    assert.equal(calls.full, 1);
    assert.equal(q.stats.paused, true);
    assert.equal(q.push(bytes(10)), true, 'paused: more is queued, onFull not asked again');
    assert.equal(calls.full, 1);
    await q.reader.read();   // the first message out: 2 small ones left
    assert.equal(calls.drain, 1);
    assert.equal(q.stats.paused, false);
    assert.equal(q.stats.maxBuffered, RECV_HWM - CHUNK_COST + 10);
  });

  test('cannot pause: past maxReceiveBuffer the queue fails, drops its bytes and ignores more', async () => {
    const max = RECV_HWM * 2;
    const { q } = queue({ max, canPause: false });
    assert.equal(q.push(bytes(RECV_HWM - CHUNK_COST)), true);
    assert.equal(q.push(bytes(RECV_HWM - CHUNK_COST)), true, 'exactly max');
    assert.equal(q.push(bytes(1)), false);
    assert.equal(q.stats.buffered, 0, 'the queued bytes are dropped');
    await assert.rejects(q.reader.read(), { code: 'receive_buffer_full' });
    assert.equal(q.push(bytes(1)), true);
    assert.equal(q.stats.buffered, 0);
  });

  test('a flood of 1-byte messages fails after about maxReceiveBuffer / CHUNK_COST of them', () => {
    const max = 1 << 20;
    const { q } = queue({ max, canPause: false });
    let n = 0;
    while (q.push(bytes(1))) n++;
    assert.equal(n, Math.floor(max / (CHUNK_COST + 1)));
  });

  test('a maxReceiveBuffer below RECV_HWM holds', () => {
    const { q } = queue({ max: 1000, canPause: false });
    assert.equal(q.push(bytes(1000 - CHUNK_COST)), true);
    assert.equal(q.push(bytes(1)), false);
  });

  test('empty messages are not queued', async () => {
    const { q } = queue();
    const first = q.reader.read();
    for (let i = 0; i < 1000; i++) q.push(new Uint8Array(0));
    q.push(bytes(2, 7));
    assert.deepEqual(await first, { value: bytes(2, 7), done: false });
    for (let i = 0; i < 1000; i++) q.push(new Uint8Array(0));
    assert.equal(q.chunks.length - q.head, 0);
    assert.equal(q.stats.received, 2);
  });

  test('thousands of queued chunks come out in order while more arrive', async () => {
    const { q } = queue();   // pauses (onFull: true): nothing is dropped
    const chunk = (i) => Uint8Array.of(i & 0xff, (i >> 8) & 0xff);
    let pushed = 0;
    for (; pushed < 5000; pushed++) q.push(chunk(pushed));
    for (let i = 0; i < 20000; i++) {
      const { value } = await q.reader.read();
      assert.deepEqual(value, chunk(i));
      if (i % 3 === 0 && pushed < 20000) q.push(chunk(pushed++));
      while (pushed < 20000 && pushed - i < 50) q.push(chunk(pushed++));
    }
    assert.equal(q.stats.buffered, 0);
  });
  test('close(): what is queued is still read, then the end', async () => {
    const { q } = queue();
    q.push(bytes(2));
    q.close();
    q.push(bytes(7));   // after the end: ignored
    assert.equal((await q.reader.read()).value.length, 2);
    assert.deepEqual(await q.reader.read(), { value: undefined, done: true });
    assert.deepEqual(await q.reader.read(), { value: undefined, done: true });
  });

  test('error(): what is queued is still read, then the reads fail; a waiting one at once', async () => {
    const { q } = queue();
    const waiting = q.reader.read();
    q.error(new Error('reset'));
    await assert.rejects(waiting, /reset/);
    const { q: q2 } = queue();
    q2.push(bytes(4));
    q2.error(new Error('reset'));
    q2.push(bytes(5));   // after the failure: ignored
    assert.deepEqual(await q2.reader.read(), { value: bytes(4), done: false });
    await assert.rejects(q2.reader.read(), /reset/);
    await assert.rejects(q2.reader.read(), /reset/);
  });

  test('cancel(): onCancel once, the queue dropped, a waiting read ends', async () => {
    const { q, calls } = queue();
    q.push(bytes(4));
    const { q: q2, calls: calls2 } = queue();
    const waiting = q2.reader.read();
    await q.reader.cancel();
    await q.reader.cancel();
    await q2.reader.cancel();
    assert.equal(calls.cancel, 1);
    assert.equal(q.stats.buffered, 0);
    assert.deepEqual(await q.reader.read(), { value: undefined, done: true });
    assert.deepEqual(await waiting, { value: undefined, done: true });
    assert.equal(calls2.cancel, 1);
    const { q: q3, calls: calls3 } = queue();
    q3.close();
    await q3.reader.cancel();
    assert.equal(calls3.cancel, 0, 'nothing to cancel after the end');
  });

  test('cancel() while paused resumes the sender before onCancel (a paused WebSocket cannot close)', async () => {
    const { q, calls } = queue();
    q.push(bytes(RECV_HWM));
    assert.equal(q.stats.paused, true);
    await q.reader.cancel();
    assert.deepEqual(calls.order, ['drain', 'cancel']);
    assert.equal(q.stats.paused, false);
  });
});

describe('maxReceiveBuffer', () => {
  for (const bad of [-1, 0, 1000, RECV_HWM - 1, 'x', NaN, {}]) {
    test(`${typeof bad === 'number' ? String(bad) : JSON.stringify(bad)} is refused by websocket() and wisp() (bad_config)`, () => {
      for (const make of [websocket, wisp]) {
        assert.throws(() => make('ws://x.invalid/', { maxReceiveBuffer: bad }),
          (e) => e.code === 'bad_config' && /maxReceiveBuffer/.test(e.reason), make.name);
      }
    });
  }
  test('RECV_HWM, more, and Infinity are taken', () => {
    for (const ok of [RECV_HWM, 1 << 24, Infinity]) {
      websocket('ws://x.invalid/', { maxReceiveBuffer: ok });
      wisp('ws://x.invalid/', { maxReceiveBuffer: ok });
    }
  });
  test('values JSON cannot show (a BigInt, a cycle) are refused as bad_config too, not a TypeError', () => {
    const cycle = {};
    cycle.self = cycle;
    for (const bad of [10n ** 6n, cycle]) {
      for (const make of [websocket, wisp]) {
        assert.throws(() => make('ws://x.invalid/', { maxReceiveBuffer: bad }),
          (e) => e.code === 'bad_config' && /maxReceiveBuffer/.test(e.reason), make.name);
      }
    }
    assert.throws(() => wisp('ws://x.invalid/', { idleTimeout: 5n }), (e) => e.code === 'bad_config' && /idleTimeout/.test(e.reason));
  });
  test('no options (null) are the defaults', () => {
    websocket('ws://x.invalid/', null);
    wisp('ws://x.invalid/', null);
  });
});

describe('ioPair', () => {
  function io() {
    const { q } = queue();
    const written = [];
    const writer = { write: async (c) => { written.push(c); }, close: async () => { written.push('close'); }, abort: async () => {} };
    return { q, written, pair: ioPair({ reader: q.reader, writer }, { stats: q.stats }) };
  }

  test('direct: the reader and writer themselves, once; then no Web Streams', () => {
    const { q, pair } = io();
    assert.equal(pair.stats, q.stats);
    const d = pair[DIRECT_IO]();
    assert.equal(d.reader, q.reader);
    assert.equal(pair[DIRECT_IO](), null, 'a second user gets nothing');
    assert.throws(() => pair.readable, /single-use/);
    assert.throws(() => pair.writable, /single-use/);
  });

  test('Web Streams over the same reader and writer; then no direct use', async () => {
    const { q, written, pair } = io();
    const r = pair.readable.getReader();
    q.push(bytes(3, 9));
    q.close();
    assert.deepEqual((await r.read()).value, bytes(3, 9));
    assert.equal((await r.read()).done, true);
    const w = pair.writable.getWriter();
    await w.write(bytes(2));
    await w.close();
    assert.deepEqual(written, [bytes(2), 'close']);
    assert.equal(pair[DIRECT_IO](), null);
  });
});

// A browser-style WebSocket (no `ws` methods) whose server side is the
// test: sent keeps what the client sent, deliver() hands it a message.
class FakeWebSocket {
  constructor() {
    this.readyState = 0;
    this.bufferedAmount = 0;
    this.sent = [];
    this.listeners = {};
    FakeWebSocket.last = this;
    setTimeout(() => { this.readyState = 1; this.emit('open', {}); }, 0);
  }
  addEventListener(type, f) { (this.listeners[type] ||= []).push(f); }
  removeEventListener(type, f) { this.listeners[type] = (this.listeners[type] || []).filter((g) => g !== f); }
  emit(type, ev) { for (const f of [...(this.listeners[type] || [])]) f(ev); }
  send(data) { this.sent.push(new Uint8Array(data)); }
  close() { this.readyState = 3; this.emit('close', { code: 1000, reason: '' }); }
  deliver(bytes) { this.emit('message', { data: new Uint8Array(bytes).buffer }); }
}
const continuePacket = (id, n) => [3, id & 0xff, (id >> 8) & 0xff, 0, 0, n & 0xff, (n >> 8) & 0xff, 0, 0];

describe('wisp direct writer', { skip: SKIP, timeout: 60000 }, () => {
  test('a write made while an earlier one waits for credit goes out after it', async () => {
    const transport = wisp('ws://wisp.invalid/', { WebSocket: FakeWebSocket, idleTimeout: 0 });
    const connecting = transport.connect('127.0.0.1', 7);
    while (!FakeWebSocket.last || FakeWebSocket.last.readyState !== 1) await new Promise((r) => setTimeout(r, 1));
    const ws = FakeWebSocket.last;
    ws.deliver(continuePacket(0, 1));   // one packet of credit per stream
    const pair = await connecting;
    const { writer } = pair[DIRECT_IO]();
    const a = writer.write(bytes(1, 0xa));
    const id = ws.sent[0][1];           // the CONNECT's stream id (the first stream: 1)
    const b = writer.write(bytes(1, 0xb));   // no credit left: waits
    await a;
    ws.deliver(continuePacket(id, 5));  // credit again, and in the same turn
    const c = writer.write(bytes(1, 0xc));
    await Promise.all([b, c]);
    const data = ws.sent.filter((m) => m[0] === 2).map((m) => m[5]);
    assert.deepEqual(data, [0xa, 0xb, 0xc]);
    await writer.close();
    assert.equal(ws.sent.at(-1)[0], 4, 'then CLOSE');
    await transport.close();
  });

  test('the CONNECT leaves with the first DATA, in the same turn (one socket write)', async () => {
    const transport = wisp('ws://wisp.invalid/', { WebSocket: FakeWebSocket, idleTimeout: 0 });
    const connecting = transport.connect('127.0.0.1', 7);
    while (!FakeWebSocket.last || FakeWebSocket.last.readyState !== 1) await new Promise((r) => setTimeout(r, 1));
    const ws = FakeWebSocket.last;
    ws.deliver(continuePacket(0, 8));
    const { writer } = (await connecting)[DIRECT_IO]();
    assert.equal(ws.sent.length, 0, 'no CONNECT before the first write (in this turn)');
    const wrote = writer.write(bytes(2, 0x16));
    assert.deepEqual(ws.sent.map((m) => m[0]), [1, 2], 'CONNECT, then DATA, synchronously');
    assert.deepEqual([...ws.sent[0].subarray(5, 8)], [1, 7, 0], 'TCP, port 7');
    await wrote;
    await writer.close();
    await transport.close();
  });

  test('nothing written: the CONNECT leaves on its own at the end of the turn (a server that speaks first)', async () => {
    const transport = wisp('ws://wisp.invalid/', { WebSocket: FakeWebSocket, idleTimeout: 0 });
    const connecting = transport.connect('127.0.0.1', 25);
    while (!FakeWebSocket.last || FakeWebSocket.last.readyState !== 1) await new Promise((r) => setTimeout(r, 1));
    const ws = FakeWebSocket.last;
    ws.deliver(continuePacket(0, 8));
    const { reader } = (await connecting)[DIRECT_IO]();
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(ws.sent.map((m) => m[0]), [1], 'the CONNECT alone');
    const id = ws.sent[0][1];
    ws.deliver([2, id, 0, 0, 0, ...bytes(4, 0x32)]);   // the server's banner
    assert.deepEqual([...(await reader.read()).value], [...bytes(4, 0x32)]);
    await reader.cancel();
    await transport.close();
  });

  test('a stream closed before its CONNECT left sends nothing', async () => {
    const transport = wisp('ws://wisp.invalid/', { WebSocket: FakeWebSocket, idleTimeout: 0 });
    const connecting = transport.connect('127.0.0.1', 7);
    while (!FakeWebSocket.last || FakeWebSocket.last.readyState !== 1) await new Promise((r) => setTimeout(r, 1));
    const ws = FakeWebSocket.last;
    ws.deliver(continuePacket(0, 8));
    const { writer } = (await connecting)[DIRECT_IO]();
    await writer.close();
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(ws.sent, [], 'neither CONNECT nor CLOSE');
    await transport.close();
  });

  test('a write then abort() (or close()) in the same turn: the DATA leaves before the CLOSE', async () => {
    for (const end of ['abort', 'close']) {
      const transport = wisp('ws://wisp.invalid/', { WebSocket: FakeWebSocket, idleTimeout: 0 });
      const connecting = transport.connect('127.0.0.1', 7);
      while (!FakeWebSocket.last || FakeWebSocket.last.readyState !== 1) await new Promise((r) => setTimeout(r, 1));
      const ws = FakeWebSocket.last;
      ws.deliver(continuePacket(0, 8));
      const pair = await connecting;
      const { writer } = pair[DIRECT_IO]();
      const wrote = writer.write(bytes(3, 0xee));
      const ended = writer[end]();
      await Promise.allSettled([wrote, ended]);
      assert.deepEqual(ws.sent.slice(1).map((m) => m[0]), [2, 4], `${end}: DATA, then CLOSE`);
      await transport.close();
    }
  });

  test('our fatal alert reaches the server before the stream closes', async (t) => {
    const P = pki();
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key, onConnection: (s) => s.on('error', () => {}) });
    t.after(() => srv.stop());
    const w = await startWisp();
    t.after(() => w.stop());
    const transport = wisp(w.url, { idleTimeout: 0 });
    t.after(() => transport.close());
    const { connect } = await import('../js/src/connect.js');
    const s = connect({ hostname: '127.0.0.1', port: srv.port }, { ca: pem(P.ca), servername: 'wrong.example', transport, sessionCache: false });
    await assert.rejects(s.opened, { code: 'certificate_name_mismatch' });
    for (let i = 0; i < 100 && !srv.errors.length; i++) await new Promise((r) => setTimeout(r, 10));
    assert.match(String(srv.errors[0]?.code), /ALERT_BAD_CERTIFICATE/);
  });

  test('writes beyond the proxy\'s credit go out in order; close settles after them', async (t) => {
    const socks = new Set();
    const srv = net.createServer((s) => { socks.add(s); s.on('error', () => {}); s.pipe(s); });
    await new Promise((r) => srv.listen(0, '127.0.0.1', r));
    t.after(() => new Promise((r) => { for (const s of socks) s.destroy(); srv.close(r); }));
    const w = await startWisp();
    t.after(() => w.stop());
    const transport = wisp(w.url, { idleTimeout: 0 });
    const pair = await transport.connect('127.0.0.1', srv.address().port);
    const { reader, writer } = pair[DIRECT_IO]();
    t.after(async () => { await reader.cancel(); await transport.close(); });
    // wisp-js gives 128 packets of credit: 400 one-packet writes wait for more
    const N = 400, SIZE = 50;
    const want = new Uint8Array(N * SIZE);
    const settled = [];
    const writes = [];
    for (let i = 0; i < N; i++) {
      const c = new Uint8Array(SIZE);
      for (let j = 0; j < SIZE; j++) c[j] = (i * 7 + j) & 0xff;
      want.set(c, i * SIZE);
      writes.push(writer.write(c).then(() => settled.push(i)));
    }
    const got = await readBytes(reader, want.length);
    await Promise.all(writes);
    assert.deepEqual(settled, [...Array(N).keys()], 'writes settle in order');
    assert.equal(Buffer.compare(Buffer.from(got), Buffer.from(want)), 0, 'the bytes arrive in order');
    let closedAfter = -1;
    const last = writer.write(bytes(1)).then(() => { closedAfter = 0; });
    await writer.close().then(() => { if (closedAfter === 0) closedAfter = 1; });
    await last;
    assert.equal(closedAfter, 1, 'close() settles after the write before it');
    await assert.rejects(writer.write(bytes(1)), /closed/);
  });
});

// Waits for the FakeWebSocket made after `before` to open.
async function opened(before) {
  while (FakeWebSocket.last === before || FakeWebSocket.last.readyState !== 1) await new Promise((r) => setTimeout(r, 1));
  return FakeWebSocket.last;
}

describe('wisp against a hostile or silent server', { skip: SKIP, timeout: 60000 }, () => {
  test('a server CLOSE for a stream whose CONNECT has not left: the CONNECT never leaves, the stream fails', async () => {
    // Another stream keeps the WebSocket open (with none left it would be
    // closed, and a late CONNECT would fail unseen): a CONNECT sent later
    // would open a connection for an id we forgot, that nothing closes.
    const transport = wisp('ws://wisp.invalid/', { WebSocket: FakeWebSocket, idleTimeout: 5000 });
    const before = FakeWebSocket.last;
    const connecting = transport.connect('127.0.0.1', 7);
    const ws = await opened(before);
    ws.deliver(continuePacket(0, 8));
    const first = (await connecting)[DIRECT_IO]();
    await first.writer.write(bytes(1));
    const { reader, writer } = (await transport.connect('127.0.0.1', 8))[DIRECT_IO]();
    ws.deliver([4, 2, 0, 0, 0, 0x41]);   // CLOSE for id 2, guessed: invalid destination
    await assert.rejects(reader.read(), (e) => e.code === 'io_error' && /0x41/.test(e.reason));
    await assert.rejects(writer.write(bytes(3)), (e) => e.code === 'io_error');
    await new Promise((r) => setTimeout(r, 20));   // past the end of the turn
    assert.equal(ws.readyState, 1, 'the WebSocket is still open');
    assert.deepEqual(ws.sent.filter((m) => m[1] === 2), [], 'no CONNECT, DATA or CLOSE for the forgotten id');
    await first.reader.cancel();
    await transport.close();
  });

  test('maxReceiveBuffer null is the default limit, not zero', async () => {
    const transport = wisp('ws://wisp.invalid/', { WebSocket: FakeWebSocket, idleTimeout: 0, maxReceiveBuffer: null });
    const before = FakeWebSocket.last;
    const connecting = transport.connect('127.0.0.1', 7);
    const ws = await opened(before);
    ws.deliver(continuePacket(0, 8));
    const { reader } = (await connecting)[DIRECT_IO]();
    ws.deliver([2, 1, 0, 0, 0, ...bytes(100, 0x33)]);   // this WebSocket cannot pause
    assert.deepEqual([...(await reader.read()).value], [...bytes(100, 0x33)]);
    await reader.cancel();
    await transport.close();
  });

  test('the options are read once: a later change does not bypass the maxReceiveBuffer check', async () => {
    const opts = { WebSocket: FakeWebSocket, idleTimeout: 0, maxReceiveBuffer: RECV_HWM };
    const transport = wisp('ws://wisp.invalid/', opts);
    opts.maxReceiveBuffer = 10;
    const before = FakeWebSocket.last;
    const connecting = transport.connect('127.0.0.1', 7);
    const ws = await opened(before);
    ws.deliver(continuePacket(0, 8));
    const { reader } = (await connecting)[DIRECT_IO]();
    ws.deliver([2, 1, 0, 0, 0, ...bytes(1000, 0x44)]);
    assert.equal((await reader.read()).value.byteLength, 1000);
    await reader.cancel();
    await transport.close();
  });

  test('a server that never sends its first CONTINUE: connect() fails after openTimeout, the WebSocket is closed, the next connect() opens another', async () => {
    const transport = wisp('ws://wisp.invalid/', { WebSocket: FakeWebSocket, idleTimeout: 0, openTimeout: 100 });
    const before = FakeWebSocket.last;
    const t0 = Date.now();
    await assert.rejects(transport.connect('127.0.0.1', 7),
      (e) => e.code === 'connect_failed' && /CONTINUE within 100 ms/.test(e.reason));
    assert.ok(Date.now() - t0 >= 90, 'not before openTimeout');
    const silent = FakeWebSocket.last;
    assert.notEqual(silent, before);
    assert.equal(silent.readyState, 3, 'the silent WebSocket is closed');
    const connecting = transport.connect('127.0.0.1', 7);
    const ws = await opened(silent);
    ws.deliver(continuePacket(0, 8));
    const { reader } = (await connecting)[DIRECT_IO]();
    await reader.cancel();
    await transport.close();
  });

  test('a WebSocket that does not open within openTimeout: connect_failed, and it is dropped, not left opening', async () => {
    // opens only when the test says so (the base class's timer is ignored)
    class SlowWebSocket extends FakeWebSocket {
      get readyState() { return this.state; }
      set readyState(v) { if (v !== 1 || this.mayOpen) this.state = v; }
      emit(type, ev) { if (type !== 'open' || this.mayOpen) super.emit(type, ev); }
      open() { this.mayOpen = true; this.readyState = 1; this.emit('open', {}); }
    }
    const transport = wisp('ws://wisp.invalid/', { WebSocket: SlowWebSocket, idleTimeout: 0, openTimeout: 50 });
    await assert.rejects(transport.connect('127.0.0.1', 7), (e) => e.code === 'connect_failed');
    assert.equal(FakeWebSocket.last.readyState, 3, 'closed while still opening');
    await transport.close();
  });

  test('a silent server: its WebSocket is terminated (no close handshake to wait for), where the WebSocket can', async () => {
    class TerminableWebSocket extends FakeWebSocket {
      close() { this.closedCleanly = true; super.close(); }
      terminate() { this.terminated = true; super.close(); }
    }
    const transport = wisp('ws://wisp.invalid/', { WebSocket: TerminableWebSocket, idleTimeout: 0, openTimeout: 50 });
    await assert.rejects(transport.connect('127.0.0.1', 7), (e) => e.code === 'connect_failed');
    const ws = FakeWebSocket.last;
    assert.equal(ws.terminated, true);
    assert.equal(ws.closedCleanly, undefined);
    await transport.close();
  });

  test('with ws: a server that never answers the upgrade, or upgrades and stays silent, loses its TCP connection at openTimeout', async (t) => {
    const { WebSocketServer } = await import('ws');
    const mute = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => mute.once('listening', r));
    const upgraded = [];
    mute.on('connection', (c) => upgraded.push(c));
    const deaf = net.createServer((sock) => { sock.on('error', () => {}); sock.resume(); deaf.socks.push(sock); });
    deaf.socks = [];
    await new Promise((r) => deaf.listen(0, '127.0.0.1', r));
    t.after(() => { for (const s of deaf.socks) s.destroy(); deaf.close(); mute.close(); });
    for (const [name, url, peer] of [['no upgrade', `ws://127.0.0.1:${deaf.address().port}/`, () => deaf.socks[0]],
      ['silent after upgrade', `ws://127.0.0.1:${mute.address().port}/`, () => upgraded[0]?._socket]]) {
      const transport = wisp(url, { idleTimeout: 0, openTimeout: 200 });
      await assert.rejects(transport.connect('127.0.0.1', 7), (e) => e.code === 'connect_failed', name);
      const sock = peer();
      assert.ok(sock, `${name}: the server saw the connection`);
      // no close handshake to wait for (ws would wait 30 s): the socket ends now
      for (let i = 0; i < 100 && !sock.destroyed && !sock.readableEnded; i++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(sock.destroyed || sock.readableEnded, `${name}: our end of the TCP connection is gone`);
      await transport.close();
    }
  });

  test('openTimeout Infinity is no deadline: no timer is set for it (setTimeout would clamp it to 24.8 days)', async (t) => {
    const delays = [];
    const real = globalThis.setTimeout;
    globalThis.setTimeout = (f, ms, ...a) => { delays.push(ms); return real(f, ms, ...a); };
    t.after(() => { globalThis.setTimeout = real; });
    const transport = wisp('ws://wisp.invalid/', { WebSocket: FakeWebSocket, idleTimeout: 0, openTimeout: Infinity });
    const before = FakeWebSocket.last;
    const connecting = transport.connect('127.0.0.1', 7);
    const ws = await opened(before);
    ws.deliver(continuePacket(0, 8));
    const { reader } = (await connecting)[DIRECT_IO]();
    globalThis.setTimeout = real;
    assert.deepEqual(delays.filter((ms) => !(ms < 0x7fffffff)), [], 'no timer at or past the limit');
    await reader.cancel();
    await transport.close();
  });

  for (const bad of [0, -1, 'x', NaN, {}]) {
    test(`openTimeout ${typeof bad === 'number' ? String(bad) : JSON.stringify(bad)} is refused (bad_config)`, () => {
      assert.throws(() => wisp('ws://x.invalid/', { openTimeout: bad }), (e) => e.code === 'bad_config' && /openTimeout/.test(e.reason));
    });
  }
});
