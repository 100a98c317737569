// connect()'s close() against peers that do not end the connection
// (issue 15's transport review): it settles once nothing of ours has moved
// for options.closeTimeout ms, without dropping what a slow peer is still
// taking, and it reads past application data the caller left unread to
// the server's close_notify.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { pki } from './lib/pki.mjs';
import { startNode, sleep } from './lib/servers.mjs';
import { SKIP, pem } from './lib/wasm.mjs';
import * as mod from '../js/index.js';

const P = SKIP ? null : pki();
const CA = SKIP ? null : pem(P.ca);
const noop = () => {};

// Fails instead of hanging the suite when p does not settle.
function within(p, ms, what) {
  let t;
  return Promise.race([p, new Promise((_, reject) => {
    t = setTimeout(() => reject(new Error(`${what}: not settled within ${ms} ms`)), ms);
  })]).finally(() => clearTimeout(t));
}

async function until(cond, ms, what) {
  for (const end = Date.now() + ms; !cond();) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(10);
  }
}

// Reads s until it ends or fails, counting bytes, and calls close() once
// `atLeast` bytes arrived; resolves to how the reads ended after closed.
async function closeWhileReading(s, atLeast) {
  const reader = s.readable.getReader();
  let bytes = 0;
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return 'done';
      bytes += value.byteLength;
    }
  })();
  await until(() => bytes >= atLeast, 5000, 'the first lines');
  await within(s.close(), 10000, 'close()');
  await s.closed;
  return within(reading, 5000, 'the reader');
}

const open = (port, o = {}) => mod.connect({ hostname: 'localhost', port }, { ca: CA, sessionCache: false, ...o });

describe('close() and peers that do not end', { skip: SKIP }, () => {
  test('a server that never answers close_notify nor ends: closed resolves after closeTimeout, the TCP connection ends', async (t) => {
    const seen = { bytes: 0, end: false, closed: false, sock: null };
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key, tlsOptions: { allowHalfOpen: true },
      onConnection: (sock) => {
        seen.sock = sock;
        sock.on('data', (d) => { seen.bytes += d.length; });
        sock.on('end', () => { seen.end = true; });   // our close_notify: not answered
        sock.on('close', () => { seen.closed = true; });
      } });
    t.after(() => srv.stop());
    const s = open(srv.port, { closeTimeout: 300 });
    await s.opened;
    const w = s.writable.getWriter();
    await w.write(new Uint8Array(1000).fill(7));
    const t0 = Date.now();
    await within(s.close(), 10000, 'close()');
    await s.closed;
    const ms = Date.now() - t0;
    assert.ok(ms >= 250, `close() gave up after ${ms} ms, before closeTimeout`);
    await until(() => seen.end, 5000, 'the server seeing our close_notify');
    assert.equal(seen.bytes, 1000);
    // Our socket is gone, not half-open: what the server sends now is
    // refused (a reset), and its socket closes.
    const poke = setInterval(() => { if (!seen.sock.destroyed) seen.sock.write('x'); }, 20);
    try {
      await until(() => seen.closed, 5000, 'the server\'s socket closing (our end gone)');
    } finally {
      clearInterval(poke);
    }
  });

  test('a server that stops reading: closed rejects with timeout and a waiting write with it', async (t) => {
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key,
      onConnection: (sock) => { sock.once('secure', noop); setImmediate(() => sock.pause()); } });
    t.after(() => srv.stop());
    const s = open(srv.port, { closeTimeout: 300 });
    await s.opened;
    const w = s.writable.getWriter();
    const chunk = new Uint8Array(64 * 1024);
    let stuck = null;
    for (let sent = 0; !stuck; sent += chunk.length) {
      assert.ok(sent < 256 * 1024 * 1024, 'the transport took 256 MiB from a server that reads nothing');
      const p = w.write(chunk);
      p.catch(noop);
      if (await Promise.race([p.then(() => false), sleep(300).then(() => true)])) stuck = p;
    }
    const t0 = Date.now();
    await within(s.close(), 10000, 'close()');
    assert.ok(Date.now() - t0 >= 250, 'close() gave up before closeTimeout');
    await assert.rejects(s.closed, (e) => e instanceof mod.TLSError && e.code === 'timeout' && /not|none/.test(e.reason));
    await assert.rejects(stuck, (e) => e instanceof mod.TLSError && e.code === 'timeout');
  });

  test('a slow transport that keeps taking our bytes: close() waits for them past closeTimeout', async (t) => {
    const TOTAL = 192 * 1024;
    const seen = { bytes: 0, end: false };
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key,
      onConnection: (sock) => {
        sock.on('data', (d) => { seen.bytes += d.length; });
        sock.on('end', () => { seen.end = true; sock.end(); });
      } });
    t.after(() => srv.stop());
    // TCP, but each write is taken 100 ms after the one before: the
    // ~13 records in flight at close() go out over ~1.3 s, several
    // closeTimeouts, with progress every 100 ms.
    const slow = {
      async connect(hostname, port) {
        const pair = await mod.tcp().connect(hostname, port);
        const w = pair.writable.getWriter();
        return {
          readable: pair.readable,
          writable: new WritableStream({
            async write(chunk) { await sleep(100); await w.write(chunk); },
            close: () => w.close(),
            abort: (e) => w.abort(e),
          }),
        };
      },
    };
    const s = open(srv.port, { closeTimeout: 300, transport: slow });
    await s.opened;
    const w = s.writable.getWriter();
    const chunk = new Uint8Array(16 * 1024).fill(1);
    for (let n = 0; n < TOTAL; n += chunk.length) await w.write(chunk);
    const t0 = Date.now();
    await within(s.close(), 20000, 'close()');
    await s.closed;
    assert.ok(Date.now() - t0 >= 600, `close() settled ${Date.now() - t0} ms after the call, before the records could have gone out`);
    await until(() => seen.end, 5000, 'the server reading everything up to our close_notify');
    assert.equal(seen.bytes, TOTAL);
  });

  test('application data left unread does not hold close(): it reads on to the server\'s close_notify', async (t) => {
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key,
      onConnection: (sock) => {
        sock.write(Buffer.alloc(2 * 1024 * 1024, 3));
        sock.on('end', () => sock.end());   // answers our close_notify after its data
      } });
    t.after(() => srv.stop());
    const s = open(srv.port, { closeTimeout: 60000 });
    await s.opened;
    await sleep(100);   // the server's data arrives; nobody reads it
    await within(s.close(), 10000, 'close() with unread data (closeTimeout is 60 s)');
    await s.closed;
  });

  test('a read racing close() errors (closed) instead of ending cleanly when data was dropped', async (t) => {
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key,
      onConnection: (sock) => {
        sock.write(Buffer.alloc(2 * 1024 * 1024, 5));
        sock.on('end', () => sock.end());
      } });
    t.after(() => srv.stop());
    const s = open(srv.port, { closeTimeout: 60000 });
    await s.opened;
    const reader = s.readable.getReader();
    let got = 0;
    got += (await reader.read()).value.byteLength;
    const closing = s.close();
    await assert.rejects((async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        got += value.byteLength;
        await sleep(20);   // a slow reader: close() drops what it is not waiting for
      }
    })(), (e) => e instanceof mod.TLSError && e.code === 'closed' && /dropped/.test(e.reason));
    assert.ok(got < 2 * 1024 * 1024, `all ${got} bytes arrived: the test did not race`);
    await within(closing, 10000, 'close()');
    await s.closed;
  });

  test('a reader still reading when close() gives the peer up gets truncated, not a clean end; closed resolves', async (t) => {
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key, tlsOptions: { allowHalfOpen: true },
      onConnection: (sock) => {
        // a line every 30 ms, no close_notify ever, our close_notify ignored
        const tick = setInterval(() => { if (!sock.destroyed) sock.write('line\n'); }, 30);
        sock.on('close', () => clearInterval(tick));
        sock.on('error', noop);
      } });
    t.after(() => srv.stop());
    const s = open(srv.port, { closeTimeout: 300 });
    await s.opened;
    await assert.rejects(closeWhileReading(s, 10), (e) => e instanceof mod.TLSError && e.code === 'truncated');
  });

  test('after close(), a reader still reading gets the transport\'s own error when the peer resets', async (t) => {
    // TLS over a TCP socket of our own: a TLSSocket cannot reset, its TCP socket can
    const secure = tls.createSecureContext({ cert: fs.readFileSync(P.p256.chain), key: fs.readFileSync(P.p256.key) });
    const raws = new Set();
    const srv = net.createServer({ allowHalfOpen: true }, (raw) => {
      raws.add(raw);
      raw.on('error', noop);
      const sock = new tls.TLSSocket(raw, { isServer: true, secureContext: secure });
      sock.on('error', noop);
      const tick = setInterval(() => { if (!sock.destroyed) sock.write('line\n'); }, 30);
      raw.on('close', () => clearInterval(tick));
      sock.on('end', () => raw.resetAndDestroy());   // our close_notify: answered with a reset
    });
    await new Promise((r) => srv.listen(0, '127.0.0.1', r));
    t.after(() => new Promise((r) => { for (const raw of raws) raw.destroy(); srv.close(r); }));
    const s = open(srv.address().port, { closeTimeout: 5000 });
    await s.opened;
    await assert.rejects(closeWhileReading(s, 10),
      (e) => e instanceof mod.TLSError && e.code !== 'truncated' && /reset/i.test(e.reason));
  });

  for (const bad of [-1, 'x', NaN, null, {}, 10n]) {
    test(`closeTimeout ${typeof bad === "number" || typeof bad === "bigint" ? String(bad) : JSON.stringify(bad)} is refused (bad_config)`, async () => {
      const s = mod.connect({ hostname: 'localhost', port: 1 }, { ca: CA, closeTimeout: bad });
      await assert.rejects(s.opened, (e) => e instanceof mod.TLSError && e.code === 'bad_config' && /closeTimeout/.test(e.reason));
    });
  }
});
