// The npm package's connect() API (wasm engine) end to end on 127.0.0.1:
// direct TCP and through a real websockify process; data integrity of a
// 64 MiB transfer through websockify and 8 MiB per suite (SHA-256 both ways), a slow reader (bounded memory),
// a proxy that cannot reach the target, a server dying mid-handshake,
// certificate failures as TLSError, verify/keyLog hooks, exporter.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import net from 'node:net';
import { execFileSync, spawn } from 'node:child_process';
import os from 'node:os';
import fs from 'node:fs';
import { pki } from './lib/pki.mjs';
import { startOpenssl, startNode, freePort, sleep } from './lib/servers.mjs';
import { SKIP, startWebsockify, readAll, pem } from './lib/wasm.mjs';

const P = SKIP ? null : pki();
import * as mod from "../js/index.js";
const CA = SKIP ? null : pem(P.ca);

// Node tls server that streams `size` pseudo-random bytes then closes with
// close_notify; resolves .sent with the SHA-256 it sent.
// Calls probe() at each random draw of the engine, until the returned
// function is called. In Node the engine reads /dev/urandom through
// node:fs (js/src/engine.js kernelRandom); elsewhere, or if that fails, it
// uses crypto.getRandomValues: both are watched. fs calls made by probe()
// itself are not counted.
function watchRandomDraws(probe) {
  const rng = globalThis.crypto;
  const origRandom = rng.getRandomValues;
  const origRead = fs.readSync;
  let inProbe = false;
  const draw = () => { if (inProbe) return; inProbe = true; try { probe(); } finally { inProbe = false; } };
  rng.getRandomValues = function (a) { draw(); return origRandom.call(this, a); };
  fs.readSync = function (...a) { draw(); return origRead.apply(this, a); };
  return () => { delete rng.getRandomValues; fs.readSync = origRead; };
}

function streamingServer(size, opts = {}) {
  const state = { sockets: [] };
  return startNode({ cert: P.p256.chain, key: P.p256.key, ...opts,
    onConnection: (sock) => {
      state.sockets.push(sock);
      const h = crypto.createHash('sha256');
      let left = size;
      const seed = crypto.randomBytes(1 << 16);
      let n = 0;
      const more = () => {
        while (left > 0) {
          const chunk = Buffer.from(seed.subarray(0, Math.min(left, seed.length)));
          chunk.writeUInt32LE(n++, 0 % Math.max(1, chunk.length - 4));
          h.update(chunk);
          left -= chunk.length;
          if (!sock.write(chunk)) return sock.once('drain', more);
        }
        state.hash = h.digest('hex');
        if (!opts.keepOpen) sock.end();
      };
      more();
    } }).then((srv) => Object.assign(srv, { state }));
}

// Reads until size bytes (or the end) into the running hash h; returns the
// byte count.
async function hashUntil(reader, size, h, got = 0) {
  while (got < size) {
    const { value, done } = await reader.read();
    if (done) break;
    h.update(value);
    got += value.length;
  }
  return got;
}

describe('connect() over TCP', { skip: SKIP }, () => {
  test('handshake info, ALPN, exporter, keyLog, verify hook, echo', async (t) => {
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key, alpn: ['x-echo'] });
    t.after(() => srv.stop());
    const lines = [];
    let seen = null;
    const s = mod.connect({ hostname: 'localhost', port: srv.port }, {
      ca: CA, alpn: ['x-echo', 'h2'], keyLog: (l) => lines.push(l),
      verify: (info) => { seen = info; return true; },
    });
    const info = await s.opened;
    assert.equal(info.version, 'TLSv1.3');
    assert.equal(info.alpn, 'x-echo');
    assert.equal(info.verified, true);
    assert.equal(info.servername, 'localhost');
    // the leaf only once established (keepChain: false); the verify
    // hook, during the handshake, saw the chain
    assert.equal(info.peerCertificates.length, 1);
    assert.ok(info.peerCertificates[0] instanceof Uint8Array);
    const leaf = new crypto.X509Certificate(Buffer.from(info.peerCertificates[0]));
    assert.match(leaf.subjectAltName, /localhost/);
    assert.equal(seen.peerCertificates.length, 2);
    assert.deepEqual(seen.peerCertificates[0], info.peerCertificates[0]);
    assert.ok(lines.some((l) => l.startsWith('CLIENT_HANDSHAKE_TRAFFIC_SECRET ')));
    assert.ok(lines.some((l) => l.startsWith('SERVER_TRAFFIC_SECRET_0 ')));
    t.after(() => s.close());
    const ekm = s.exportKeyingMaterial('EXPORTER-test', 32);
    const w = s.writable.getWriter();
    const msg = crypto.randomBytes(100000);
    await w.write(msg);
    const reader = s.readable.getReader();
    const first = await reader.read(); // the server has seen our Finished by now
    const [srvSock] = srv.sockets;
    assert.equal(Buffer.from(ekm).toString('hex'), srvSock.exportKeyingMaterial(32, 'EXPORTER-test').toString('hex'));
    await w.close(); // close_notify; Node echoes the rest, then ends
    const rest = [Buffer.from(first.value)];
    for (;;) { const { value, done } = await reader.read(); if (done) break; rest.push(value); }
    assert.equal(Buffer.compare(Buffer.concat(rest), msg), 0);
    await s.closed;
  });

  test('the records of one transport read reach the reader as one chunk', async (t) => {
    // node:tls sends the 64 KiB answer as four 16 KiB records; this
    // transport hands them over in one read (it holds bytes until 64 KiB
    // are in, or 30 ms pass without any). The reader should then get
    // chunks of several records, not one chunk per record.
    const size = 64 << 10;
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key,
      onConnection: (c) => c.once('data', () => c.end(crypto.randomBytes(size))) });
    t.after(() => srv.stop());
    const holding = async (h, p) => {
      const inner = await mod.tcp().connect(h, p);
      const reader = inner.readable.getReader();
      let held = [], n = 0, timer = null;
      const readable = new ReadableStream({
        start(ctrl) {
          const flush = () => { if (n) { ctrl.enqueue(Buffer.concat(held)); held = []; n = 0; } };
          (async () => {
            for (;;) {
              const { value, done } = await reader.read();
              if (done) { clearTimeout(timer); flush(); ctrl.close(); return; }
              held.push(value); n += value.length;
              clearTimeout(timer);
              if (n >= size) flush();
              else timer = setTimeout(flush, 30);
            }
          })().catch((e) => ctrl.error(e));
        },
      });
      return { readable, writable: inner.writable };
    };
    const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA, transport: holding });
    t.after(() => s.close());
    await s.opened;
    await s.writable.getWriter().write(new Uint8Array([1]));
    const sizes = [];
    for await (const c of s.readable) {
      sizes.push(c.length);
      // a plain Uint8Array, alone in its ArrayBuffer (in Node allocated
      // without the zero-fill): nothing but zeros past the plaintext
      assert.equal(c.constructor, Uint8Array);
      const all = new Uint8Array(c.buffer);
      assert.ok(all.subarray(0, c.byteOffset).every((b) => b === 0) && all.subarray(c.byteOffset + c.length).every((b) => b === 0),
        'bytes past the plaintext are not zero');
    }
    assert.equal(sizes.reduce((a, b) => a + b, 0), size);
    assert.ok(Math.max(...sizes) > 16384, `chunks of one record each: ${sizes}`);
    assert.ok(sizes.length > 1);
  });

  for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
    test(`8 MiB download with matching SHA-256 (${suite})`, async (t) => {
      const size = 8 << 20;
      const srv = await streamingServer(size);
      t.after(() => srv.stop());
      const s = mod.connect({ hostname: '127.0.0.1', port: srv.port }, { ca: CA, ciphers: [suite] });
      assert.equal((await s.opened).cipher, suite);
      const h = crypto.createHash('sha256');
      let n = 0;
      for await (const c of s.readable) { h.update(c); n += c.length; }
      await s.closed;
      assert.equal(n, size);
      assert.equal(h.digest('hex'), srv.state.hash);
    });
  }

  test('4 MiB upload with matching SHA-256 (backpressure on writes)', async (t) => {
    let resolveHash;
    const got = new Promise((r) => { resolveHash = r; });
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key, tlsOptions: { allowHalfOpen: true },
      onConnection: (sock) => {
        const h = crypto.createHash('sha256');
        let n = 0;
        sock.on('data', (d) => { h.update(d); n += d.length; });
        sock.on('end', () => { resolveHash({ n, hash: h.digest('hex') }); sock.end(); });
      } });
    t.after(() => srv.stop());
    const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA });
    await s.opened;
    const w = s.writable.getWriter();
    const h = crypto.createHash('sha256');
    for (let i = 0; i < 64; i++) {
      const c = crypto.randomBytes(65536);
      h.update(c);
      await w.write(c);
    }
    await w.close();
    const r = await got;
    assert.equal(r.n, 64 * 65536);
    assert.equal(r.hash, h.digest('hex'));
    await s.closed;
  });

  test('slow reader: the sender stalls, memory stays bounded', async (t) => {
    const size = 64 << 20;
    const srv = await streamingServer(size);
    t.after(() => srv.stop());
    const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA });
    await s.opened;
    const reader = s.readable.getReader();
    let got = 0;
    const first = await reader.read();
    got += first.value.length;
    const heap0 = mod.engineStats().heapBytes;
    await sleep(1500); // the reader is stalled: nothing must pile up in JS
    const [sock] = srv.state.sockets;
    const pushed = sock.bytesWritten - sock.writableLength;
    // kernel socket buffers on loopback + our bounded queues (64 KiB app,
    // 64 KiB transport, one 16 KiB record): far below the 64 MiB offered
    assert.ok(pushed - got < 16 << 20, `server pushed ${pushed} bytes while the app read ${got}`);
    assert.equal(mod.engineStats().heapBytes, heap0, 'wasm heap did not grow');
    const h = crypto.createHash('sha256');
    h.update(first.value);
    got = await hashUntil(reader, size, h, got);
    assert.equal(got, size);
    assert.equal(h.digest('hex'), srv.state.hash);
    await s.closed;
  });

  const certCases = [
    ['expired', P && P.expired, 'certificate_expired', 45],
    ['notYetValid', P && P.notYetValid, 'certificate_not_yet_valid', 45],
    ['unknownRoot', P && P.unknownRoot, 'unknown_ca', 48],
    ['wrongHost', P && P.wrongHost, 'certificate_name_mismatch', 42],
    ['badSignature', P && P.badSignature, 'bad_certificate_signature', 42],
  ];
  for (const [name, entry, code, alert] of certCases) {
    test(`certificate failure ${name} -> TLSError ${code}`, async (t) => {
      const srv = await startOpenssl({ mode: 'www', cert: entry.cert, key: entry.key, chain: entry.chain });
      t.after(() => srv.stop());
      const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA });
      await assert.rejects(s.opened, (e) => {
        assert.ok(e instanceof mod.TLSError, String(e));
        assert.equal(e.code, code);
        assert.equal(e.alert, alert);
        assert.ok(e.reason.length > 0);
        return true;
      });
      await assert.rejects(s.closed, { code });
      await assert.rejects(readAll(s.readable), { code });
    });
  }

  test('rejectUnauthorized: false accepts the expired certificate', async (t) => {
    const srv = await startOpenssl({ mode: 'www', cert: P.expired.cert, key: P.expired.key, chain: P.expired.chain });
    t.after(() => srv.stop());
    const s = mod.connect({ hostname: 'localhost', port: srv.port }, { rejectUnauthorized: false });
    assert.equal((await s.opened).verified, false);
    await s.close();
  });

  test('verify hook returning false -> verify_rejected with bad_certificate', async (t) => {
    const srv = await startOpenssl({ mode: 'www', cert: P.p256.cert, key: P.p256.key, chain: P.p256.chain });
    t.after(() => srv.stop());
    const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA, verify: () => false });
    await assert.rejects(s.opened, { code: 'verify_rejected', alert: 42 });
  });

  test('HelloRetryRequest (server only has secp384r1)', async (t) => {
    const srv = await startOpenssl({ mode: 'www', cert: P.p256.cert, key: P.p256.key, chain: P.p256.chain, groups: 'P-384' });
    t.after(() => srv.stop());
    const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA });
    const info = await s.opened;
    assert.equal(info.hrr, true);
    assert.equal(info.group, 'secp384r1');
    await s.close();
  });

  test('the ClientHello is made while the transport is still connecting, not after', async (t) => {
    // A fresh process spends most of its first handshake's CPU here (key
    // shares, before the wasm code has warmed up): it is to overlap the
    // connection's setup. Seen through the engine's random draws (the
    // ClientHello's random and key shares) between the transport's
    // connect() call and its completion, which this test holds back.
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key, onConnection: (s) => s.once('data', () => s.write('x')) });
    t.after(() => srv.stop());
    let draws = 0;
    t.after(watchRandomDraws(() => { draws++; }));
    let atConnect = -1, release;
    const held = new Promise((r) => { release = r; });
    const transport = { connect: async (h, p) => { atConnect = draws; await held; return mod.tcp().connect(h, p); } };
    const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA, sessionCache: false, transport });
    while (atConnect < 0) await sleep(5);
    await sleep(20);
    const whileConnecting = draws - atConnect;
    release();
    const info = await s.opened;
    assert.equal(info.verified, true);
    const w = s.writable.getWriter();
    await w.write(new Uint8Array([1]));
    const { value } = await s.readable.getReader().read();
    assert.deepEqual([...value], [0x78]);
    await s.close();
    assert.ok(whileConnecting > 0, 'no ClientHello randomness drawn while the transport was connecting');
  });

  test('over tcp(), connect() takes the socket directly: the Web Streams of the pair are never made', async (t) => {
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key, onConnection: (s) => s.on('data', (d) => s.write(d)) });
    t.after(() => srv.stop());
    const touched = [];
    const transport = { connect: async (h, p) => {
      const pair = await mod.tcp().connect(h, p);
      return new Proxy(pair, { get: (o, k) => { if (k === 'readable' || k === 'writable') touched.push(k); return o[k]; } });
    } };
    const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA, sessionCache: false, transport });
    await s.opened;
    const msg = crypto.randomBytes(300000);   // past the 64 KiB receive queue: the socket pauses and resumes
    const w = s.writable.getWriter();
    const r = s.readable.getReader();
    const h = crypto.createHash('sha256');
    const [, got] = await Promise.all([w.write(msg), hashUntil(r, msg.length, h)]);
    assert.equal(got, msg.length);
    assert.equal(h.digest('hex'), crypto.createHash('sha256').update(msg).digest('hex'));
    await s.close();
    assert.deepEqual(touched, []);
  });

  test('fromNodeSocket(): its streams work when asked for, and then connect() uses them (one consumer)', async (t) => {
    const server = net.createServer((sock) => sock.pipe(sock));
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    t.after(() => { server.close(); });
    const sock = net.connect(server.address().port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    const pair = mod.fromNodeSocket(sock);
    const w = pair.writable.getWriter();
    await w.write(new TextEncoder().encode('ping'));
    const { value } = await pair.readable.getReader().read();
    assert.equal(new TextDecoder().decode(value), 'ping');
    const direct = Object.getOwnPropertySymbols(pair).map((k) => pair[k]());
    assert.deepEqual(direct, [null], 'no direct reader/writer once the streams exist');
    await w.close();
  });

  test('fromNodeSocket(): once connect() has the socket, its streams are refused, not a second reader', async (t) => {
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key, onConnection: (s) => s.once('data', () => s.write('x')) });
    t.after(() => srv.stop());
    const sock = net.connect(srv.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    const pair = mod.fromNodeSocket(sock);
    const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA, sessionCache: false, transport: pair });
    await s.opened;
    assert.throws(() => pair.readable, TypeError);
    assert.throws(() => pair.writable, TypeError);
    assert.deepEqual(Object.getOwnPropertySymbols(pair).map((k) => pair[k]()), [null], 'no second direct user');
    const w = s.writable.getWriter();
    await w.write(new Uint8Array([1]));
    const { value } = await s.readable.getReader().read();
    assert.deepEqual([...value], [0x78]);
    await s.close();
  });

  test('fromNodeSocket(): a socket its caller paused (after reading a proxy reply) is started again', { timeout: 15000 }, async (t) => {
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key, onConnection: (s) => s.once('data', () => s.write('x')) });
    t.after(() => srv.stop());
    const sock = net.connect(srv.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.pause();
    const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA, sessionCache: false, transport: mod.fromNodeSocket(sock) });
    assert.equal((await s.opened).verified, true);
    const w = s.writable.getWriter();
    await w.write(new Uint8Array([1]));
    const { value } = await s.readable.getReader().read();
    assert.deepEqual([...value], [0x78]);
    await s.close();
  });

  test('fromNodeSocket(): cancel() ends a read already waiting, on a Duplex that never emits close', { timeout: 15000 }, async () => {
    const { Duplex } = await import('node:stream');
    const d = new Duplex({ emitClose: false, read() {}, write(c, e, cb) { cb(); } });
    const r = mod.fromNodeSocket(d).readable.getReader();
    const pending = r.read();
    await r.cancel();
    assert.deepEqual(await pending, { value: undefined, done: true });
  });

  for (const how of ['reset', 'end']) {
    test(`fromNodeSocket(): a ${how} before connect() takes the socket (a slow session store) fails the connection, no crash or hang`, { timeout: 15000 }, async (t) => {
      // The socket's events come while start() still awaits the store:
      // they must be kept for the first read (an unheard 'error' would
      // crash the process; an unheard 'end' would leave the handshake
      // waiting forever).
      const server = net.createServer((c) => (how === 'reset' ? c.resetAndDestroy() : c.end()));
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      t.after(() => { server.close(); });
      const sock = net.connect(server.address().port, '127.0.0.1');
      const pair = mod.fromNodeSocket(sock);   // still connecting: it listens from here on
      const slowStore = { get: () => sleep(200).then(() => null), set: () => {}, delete: () => {} };
      const s = mod.connect({ hostname: 'localhost', port: 443 }, { ca: CA, transport: pair, sessionCache: slowStore });
      const t0 = Date.now();
      await assert.rejects(s.opened, (e) => e.name === 'TLSError' && /io_error|truncated|connect/.test(e.code));
      assert.ok(Date.now() - t0 < 5000);
    });
  }

  // A server in another process that answers our first bytes with a fatal
  // handshake_failure alert and resets the connection, plainly or inside
  // an outer TLS connection. Resolves to the client socket, once the reset
  // is in the kernel: this thread was blocked meanwhile, so the alert and
  // the reset are there unread when connect() writes its ClientHello in
  // the same turn of the event loop, and that write fails.
  async function resetAfterAlert(t, { outerTLS = false } = {}) {
    const dir = fs.mkdtempSync(`${os.tmpdir()}/wt-rst-`);
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const marker = `${dir}/reset`;
    const tlsOpts = outerTLS ? `{ cert: fs.readFileSync(${JSON.stringify(P.p256.chain)}), key: fs.readFileSync(${JSON.stringify(P.p256.key)}) }, ` : '';
    const child = spawn(process.execPath, ['-e', `
      const net = require('node:net'), tls = require('node:tls'), fs = require('node:fs');
      const srv = ${outerTLS ? 'tls' : 'net'}.createServer(${tlsOpts}(c) => c.once('data', () => c.write(Buffer.from([21, 3, 3, 0, 2, 2, 40]), () => {
        (c._parent || c).resetAndDestroy();
        setTimeout(() => fs.writeFileSync(${JSON.stringify(marker)}, ''), 20);
      })));
      srv.listen(0, '127.0.0.1', () => console.log(srv.address().port));`], { stdio: ['ignore', 'pipe', 'inherit'] });
    t.after(() => child.kill());
    const port = Number(await new Promise((r) => child.stdout.once('data', r)));
    const sock = outerTLS ? (await import('node:tls')).connect({ port, host: '127.0.0.1', rejectUnauthorized: false })
      : net.connect(port, '127.0.0.1');
    await new Promise((r, j) => { sock.once(outerTLS ? 'secureConnect' : 'connect', r); sock.once('error', j); });
    sock.write('go');   // the server answers this (then it has nothing unread)
    const wait = new Int32Array(new SharedArrayBuffer(4));
    for (const t0 = Date.now(); !fs.existsSync(marker) && Date.now() - t0 < 10000;) Atomics.wait(wait, 0, 0, 5);
    return { sock, port };
  }

  test('a server that sends an alert and resets before our write: the alert is reported, not the failed write', { timeout: 15000 }, async (t) => {
    // Node destroys a socket whose write fails; the alert must not go with it.
    const { sock, port } = await resetAfterAlert(t);
    const s = mod.connect({ hostname: 'localhost', port }, { ca: CA, sessionCache: false, transport: mod.fromNodeSocket(sock) });
    await assert.rejects(s.opened, (e) => e.code === 'alert_received' && /handshake_failure/.test(e.message));
  });

  test('the same inside an outer TLS connection (a TLSSocket): the outer records are never read as ours', { timeout: 15000 }, async (t) => {
    // A TLSSocket's descriptor is the outer connection's TCP socket: what
    // the kernel holds there is the outer TLS's records (encrypted). Read
    // as ours they would make a record-layer error; the failed write is
    // what is reported.
    const { sock, port } = await resetAfterAlert(t, { outerTLS: true });
    const s = mod.connect({ hostname: 'localhost', port }, { ca: CA, sessionCache: false, transport: mod.fromNodeSocket(sock) });
    await assert.rejects(s.opened, (e) => e instanceof mod.TLSError && ['io_error', 'truncated'].includes(e.code));
  });

  test('tcp(): the socket is connecting when connect() returns (so the ClientHello overlaps it)', { skip: typeof process.getBuiltinModule !== 'function' }, async (t) => {
    const server = net.createServer((sock) => sock.destroy());
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    t.after(() => { server.close(); });
    const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const before = sockets();
    const opening = mod.tcp().connect('127.0.0.1', server.address().port);
    const right = sockets();
    const pair = await opening;
    await pair.writable.abort();
    assert.equal(right, before + 1);
  });

  test('over tcp(), the kernel is connecting before the ClientHello is made, which overlaps the handshake (Linux)', { skip: !fs.existsSync('/proc/net/tcp') }, async (t) => {
    // Node's net.connect() issues connect(2) from process.nextTick: the
    // ClientHello must wait for that, and for nothing more. On loopback the
    // kernel completes the TCP handshake at once, so /proc/net/tcp shows
    // the connection at the first ClientHello random draw.
    const server = net.createServer((sock) => sock.destroy());
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    t.after(() => { server.close(); });
    const port = server.address().port;
    const remote = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
    const inKernel = () => fs.readFileSync('/proc/net/tcp', 'utf8').split('\n').some((l) => l.trim().split(/\s+/)[2] === remote);
    let opening = false;
    const seen = [];
    t.after(watchRandomDraws(() => { if (opening) seen.push(inKernel()); }));
    const transport = { connect: (h, p) => {
      opening = true;
      const pair = mod.tcp({ host: '127.0.0.1' }).connect(h, p);
      pair.then(() => { opening = false; }, () => { opening = false; });
      return pair;
    } };
    const s = mod.connect({ hostname: 'localhost', port }, { ca: CA, sessionCache: false, transport });
    await assert.rejects(s.opened, { name: 'TLSError' });
    assert.ok(seen.length > 0, 'no ClientHello random drawn while the transport was opening');
    assert.equal(seen[0], true, 'the ClientHello was made before connect(2)');
  });

  test('a bad configuration found when the ClientHello is made closes the transport that was opening', async (t) => {
    // engine.start() fails (no TLS 1.3 suite with minVersion TLSv1.3)
    // once the transport's connect() was called: its pair is abandoned
    // (start() now runs before the transport has opened).
    let aborted = false, cancelled = false;
    const transport = { connect: async () => ({
      readable: new ReadableStream({ cancel() { cancelled = true; } }),
      writable: new WritableStream({ abort() { aborted = true; } }),
    }) };
    const s = mod.connect({ hostname: 'localhost', port: 1 }, { ca: CA, sessionCache: false, transport,
      minVersion: 'TLSv1.3', ciphers: ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'] });
    await assert.rejects(s.opened, { name: 'TLSError' });
    for (let i = 0; i < 100 && !(aborted && cancelled); i++) await sleep(5);
    assert.equal(aborted, true);
    assert.equal(cancelled, true);
  });

  test('connection refused -> TLSError connect_failed', async () => {
    const port = await freePort();
    const s = mod.connect({ hostname: '127.0.0.1', port }, { ca: CA });
    await assert.rejects(s.opened, { name: 'TLSError', code: 'connect_failed' });
    await assert.rejects(s.closed, { code: 'connect_failed' });
  });

  test('server dies mid-handshake -> TLSError truncated', async (t) => {
    const server = net.createServer((sock) => sock.once('data', () => sock.destroy()));
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    t.after(() => { server.close(); });
    const s = mod.connect({ hostname: 'localhost', port: server.address().port }, { ca: CA });
    await assert.rejects(s.opened, (e) => e instanceof mod.TLSError && ['truncated', 'io_error'].includes(e.code));
  });

  test('not TLS at all -> TLSError', async (t) => {
    const server = net.createServer((sock) => sock.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    t.after(() => { server.close(); });
    const s = mod.connect({ hostname: 'localhost', port: server.address().port }, { ca: CA });
    await assert.rejects(s.opened, (e) => e instanceof mod.TLSError && e.code.length > 0);
  });

  test('bad options -> TLSError bad_config', async () => {
    const s = mod.connect({ hostname: 'localhost', port: 1 }, { ca: CA, ciphers: ['TLS_NOPE'] });
    await assert.rejects(s.opened, { code: 'bad_config' });
    const s2 = mod.connect({ hostname: 'localhost', port: 1 }, { ca: 'not a pem' });
    await assert.rejects(s2.opened, { code: 'bad_config' });
  });

  test('an IPv4 spelling resolvers read otherwise (octal, hex, short) is bad_config, not verified as another address', async () => {
    // inet_aton reads "127.010.0.1" as 127.8.0.1: the engine would check
    // the certificate for one address while the socket goes to another.
    for (const host of ['127.010.0.1', '0x7f.0.0.1', '127.1', '2130706433', '1.2.3.4.']) {
      const s = mod.connect({ hostname: host, port: 1 }, { ca: CA });
      await assert.rejects(s.opened, { code: 'bad_config', message: /dotted-decimal/ }, host);
      const s2 = mod.connect(`${host}:1`, { ca: CA });
      await assert.rejects(s2.opened, { code: 'bad_config' }, host);
    }
  });

  test('default roots (roots.bin) load when ca is absent: test PKI is not trusted', async (t) => {
    const srv = await startOpenssl({ mode: 'www', cert: P.p256.cert, key: P.p256.key, chain: P.p256.chain });
    t.after(() => srv.stop());
    const s = mod.connect({ hostname: 'localhost', port: srv.port });
    await assert.rejects(s.opened, { code: 'unknown_ca' });
  });
});

describe('through websockify', { skip: SKIP }, () => {
  test('HTTP GET through websockify to openssl s_server -www', async (t) => {
    const srv = await startOpenssl({ mode: 'www', cert: P.rsa2048.cert, key: P.rsa2048.key, chain: P.rsa2048.chain });
    t.after(() => srv.stop());
    const wsf = await startWebsockify(srv.port);
    t.after(() => wsf.stop());
    const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA, transport: mod.websocket(wsf.url) });
    const info = await s.opened;
    assert.equal(info.sigalg, 'rsa_pss_rsae_sha256');
    const w = s.writable.getWriter();
    await w.write(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'));
    const body = (await readAll(s.readable)).toString();
    assert.match(body, /^HTTP\/1\.0 200 ok/);
    assert.match(body, /TLSv1\.3/);
    await s.closed;
  });

  test('64 MiB through websockify with matching SHA-256', async (t) => {
    // websockify drops data it still queues for the client when the target
    // closes, so the server keeps the connection open and we close.
    const size = 64 << 20;
    const srv = await streamingServer(size, { keepOpen: true });
    t.after(() => srv.stop());
    const wsf = await startWebsockify(srv.port);
    t.after(() => wsf.stop());
    const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA, transport: mod.websocket(wsf.url) });
    await s.opened;
    const h = crypto.createHash('sha256');
    const n = await hashUntil(s.readable.getReader(), size, h);
    assert.equal(n, size);
    assert.equal(h.digest('hex'), srv.state.hash);
    await s.close();
  });

  test('websockify cannot reach the target -> TLSError io_error', async (t) => {
    const dead = await freePort();
    const wsf = await startWebsockify(dead);
    t.after(() => wsf.stop());
    const s = mod.connect({ hostname: 'localhost', port: dead }, { ca: CA, transport: mod.websocket(wsf.url) });
    await assert.rejects(s.opened, (e) => e instanceof mod.TLSError && e.code === 'io_error' && /1011|closed/.test(e.reason));
    await assert.rejects(s.closed, mod.TLSError);
  });

  test('no proxy listening -> TLSError connect_failed', async () => {
    const port = await freePort();
    const s = mod.connect({ hostname: 'localhost', port: 443 }, { ca: CA, transport: mod.websocket(`ws://127.0.0.1:${port}/`) });
    await assert.rejects(s.opened, { code: 'connect_failed' });
  });
});

// The same faults through the tunnels: a slow reader must not make memory
// grow, and a server dying mid-handshake must surface as a TLSError.
describe('slow reader and dying server through the tunnels', { skip: SKIP }, () => {
  const tunnels = {
    websockify: async (t, port) => {
      const wsf = await startWebsockify(port);
      t.after(() => wsf.stop());
      return mod.websocket(wsf.url);
    },
    wisp: async (t) => {
      const { startWisp } = await import('./lib/wasm.mjs');
      const w = await startWisp();
      t.after(() => w.stop());
      return mod.wisp(w.url);
    },
  };
  for (const [name, make] of Object.entries(tunnels)) {
    test(`${name}: slow reader, heap bounded, 16 MiB intact`, async (t) => {
      const size = 16 << 20;
      const srv = await streamingServer(size, { keepOpen: true });
      t.after(() => srv.stop());
      const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA, transport: await make(t, srv.port) });
      await s.opened;
      const reader = s.readable.getReader();
      const first = await reader.read();
      const heap0 = mod.engineStats().heapBytes;
      await sleep(1500); // stalled reader: the engine must not buffer more
      assert.equal(mod.engineStats().heapBytes, heap0, 'wasm heap did not grow');
      const h = crypto.createHash('sha256');
      h.update(first.value);
      const got = await hashUntil(reader, size, h, first.value.length);
      assert.equal(got, size);
      assert.equal(h.digest('hex'), srv.state.hash);
      await s.close();
    });
    test(`${name}: server dies mid-handshake -> TLSError`, async (t) => {
      const server = net.createServer((sock) => sock.once('data', () => sock.destroy()));
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      t.after(() => { server.close(); });
      const port = server.address().port;
      const s = mod.connect({ hostname: 'localhost', port }, { ca: CA, transport: await make(t, port) });
      await assert.rejects(s.opened, (e) => e instanceof mod.TLSError && ['truncated', 'io_error'].includes(e.code)
        && typeof e.reason === 'string' && e.reason.length > 0);
      await assert.rejects(s.closed, mod.TLSError);
    });
  }
});

test('Node: the engine is compiled and instantiated synchronously (no WebAssembly.instantiate), file and Module sources', { skip: SKIP }, () => {
  // A fresh process waits on this before its first handshake; the async
  // form only adds a hop through V8's background tasks there.
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', `
    WebAssembly.instantiate = () => Promise.reject(new Error('async instantiate used'));
    const fs = await import('node:fs');
    const wt = await import(${JSON.stringify(new URL('../js/index.js', import.meta.url).href)});
    await wt.loadEngine();
    const a = wt.engineStats().connBytes;
    wt.setWasmSource(new WebAssembly.Module(fs.readFileSync(new URL('../js/dist/wasmtls.wasm', ${JSON.stringify(import.meta.url)}))));
    await wt.loadEngine();
    console.log(JSON.stringify([a, wt.engineStats().connBytes]));`]);
  const [a, b] = JSON.parse(out.toString());
  assert.ok(a > 0 && a === b);
});
