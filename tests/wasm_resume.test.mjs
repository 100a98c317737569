// Resumption, 0-RTT and client certificates through the package's
// connect() (wasm engine) against openssl s_server: the default in-memory
// session cache (single-use, keyed by name or IP + port + ALPN + trust
// anchors' digest or "insecure" + client certificate, expired entries
// dropped), a pluggable async store, explicit session blobs, sessions bound
// to how they were verified (an unverified session never resumes under a
// trust store, another store or IP never gets a session), earlyData
// accepted / rejected / not sent (never resent by the API), mutual TLS with
// ECDSA and RSA client keys, unusable cert/key as bad_config, and the same
// through the wasmtls/node Duplex.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { pki } from './lib/pki.mjs';
import { startOpenssl } from './lib/servers.mjs';
import { SKIP, pem } from './lib/wasm.mjs';

const P = SKIP ? null : pki();
const CA = SKIP ? null : pem(P.ca);
const mod = SKIP ? null : await import('../js/index.js');
const nodeMod = SKIP ? null : await import('../js/node.js');
const SERVER = SKIP ? null : { cert: P.p256.cert, chain: P.p256.chain, key: P.p256.key };
const enc = new TextEncoder();

// openssl's plain mode echoes what it receives on its stdout; count lines.
const count = (text, s) => text.split(s).length - 1;
async function waitCount(srv, s, n, ms = 5000) {
  const end = Date.now() + ms;
  while (count(srv.output, s) < n && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return count(srv.output, s);
}

// One connection: (after the handshake) write `data`, close our side, read to the end.
async function session(port, opts = {}, data = 'hello\n') {
  const s = mod.connect({ hostname: 'localhost', port }, { ca: CA, ...opts });
  const info = await s.opened;
  const w = s.writable.getWriter();
  if (data) await w.write(enc.encode(data));
  await w.close();
  for await (const _ of s.readable) { /* drain */ }
  await s.closed;
  return info;
}

// A store that records its calls; async, like IndexedDB.
function recordingStore() {
  const map = new Map();
  const calls = [];
  return {
    map, calls,
    async get(k) { calls.push(['get', k]); return map.get(k); },
    async set(k, b) { calls.push(['set', k, b]); map.set(k, b); },
    async delete(k) { calls.push(['delete', k]); map.delete(k); },
  };
}

describe('resumption through connect()', { skip: SKIP, concurrency: 4 }, () => {
  test('default in-memory cache: the second and third connect() resume', async (t) => {
    const srv = await startOpenssl({ ...SERVER, numTickets: 2 });
    t.after(() => srv.stop());
    mod.defaultSessionCache.clear();
    const a = await session(srv.port);
    assert.equal(a.resumed, false);
    assert.equal(a.sigalg, 'ecdsa_secp256r1_sha256');
    assert.equal(a.earlyData, 'not_sent');
    const key = await mod.sessionKeyFor({ hostname: 'localhost', port: srv.port }, { ca: CA });
    assert.ok(mod.defaultSessionCache.get(key) instanceof Uint8Array, 'ticket cached under the connection key');
    const b = await session(srv.port);
    assert.equal(b.resumed, true);
    assert.equal(b.sigalg, null, 'no CertificateVerify in a PSK handshake');
    assert.equal(b.verified, true, 'verified in the original handshake');
    assert.equal(b.peerCertificates.length, a.peerCertificates.length, 'chain from the original session');
    assert.deepEqual(b.peerCertificates[0], a.peerCertificates[0]);
    const c = await session(srv.port);
    assert.equal(c.resumed, true, 'the resumed connection stored a fresh ticket');
    assert.equal(await waitCount(srv, 'Reused session-id', 2), 2, srv.output.slice(-2000));
  });

  test('pluggable async store: get, delete (single-use), set of Uint8Array blobs; key has name, port, ALPN', async (t) => {
    const srv = await startOpenssl({ ...SERVER, numTickets: 1, alpn: 'x-a' });
    t.after(() => srv.stop());
    const store = recordingStore();
    const a = await session(srv.port, { sessionCache: store, alpn: ['x-a'] });
    assert.equal(a.resumed, false);
    const key = await mod.sessionKeyFor({ hostname: 'localhost', port: srv.port }, { alpn: ['x-a'], ca: CA });
    assert.match(key, new RegExp(`^name=localhost;port=${srv.port};alpn=x-a;ca=[0-9a-f]{64}$`));
    assert.deepEqual(store.calls.map((c) => c.slice(0, 2)), [['get', key], ['set', key]]);
    assert.ok(store.calls[1][2] instanceof Uint8Array);
    const expiry = mod.sessionExpiry(store.calls[1][2]);
    assert.ok(expiry > Date.now() && expiry <= Date.now() + 7 * 86400e3, `expiry ${expiry}`);
    store.calls.length = 0;
    const b = await session(srv.port, { sessionCache: store, alpn: ['x-a'] });
    assert.equal(b.resumed, true);
    assert.equal(b.alpn, 'x-a');
    assert.deepEqual(store.calls.map((c) => c.slice(0, 2)), [['get', key], ['delete', key], ['set', key]]);
    // another ALPN list is another key: not resumed
    store.calls.length = 0;
    const c = await session(srv.port, { sessionCache: store, alpn: ['x-a', 'x-b'] });
    assert.equal(c.resumed, false);
    assert.equal(store.calls[0][1], await mod.sessionKeyFor({ hostname: 'localhost', port: srv.port }, { alpn: ['x-a', 'x-b'], ca: CA }));
  });

  test('expired entries are dropped, not offered; a failing store means a full handshake', async (t) => {
    const srv = await startOpenssl({ ...SERVER, numTickets: 1 });
    t.after(() => srv.stop());
    const cache = new mod.MemorySessionCache();
    await session(srv.port, { sessionCache: cache });
    const key = await mod.sessionKeyFor({ hostname: 'localhost', port: srv.port }, { ca: CA });
    const blob = cache.get(key);
    assert.ok(blob);
    // created_ms (u64 at offset 6) rewritten to 8 days ago
    const old = blob.slice();
    const dv = new DataView(old.buffer);
    const created = Date.now() - 8 * 86400e3;
    dv.setUint32(6, Math.floor(created / 2 ** 32));
    dv.setUint32(10, created % 2 ** 32);
    assert.ok(mod.sessionExpiry(old) < Date.now());
    cache.set(key, old);
    assert.equal(cache.get(key), undefined, 'the expired blob is dropped on read');
    cache.set(key, old);
    const b = await session(srv.port, { sessionCache: cache });
    assert.equal(b.resumed, false);
    // A store that hands back the expired blob itself: connect() drops it
    // (a full handshake, not a TypeError) and deletes it from the store.
    const store = recordingStore();
    store.map.set(key, old.slice());
    const d = await session(srv.port, { sessionCache: store });
    assert.equal(d.resumed, false);
    assert.deepEqual(store.calls.slice(0, 2).map((x) => x[0]), ['get', 'delete']);
    // A store handing back things that are not session blobs (a number, a
    // string, an oversized array): cache misses, full handshakes.
    for (const junk of [123456789, 'not a blob', new Uint8Array(200000)]) {
      const odd = recordingStore();
      odd.map.set(key, junk);
      const r = await session(srv.port, { sessionCache: odd });
      assert.equal(r.resumed, false);
    }
    // Two connect()s at once racing for one stored session: both connect;
    // the blob is single-use, so at most one resumes.
    const one = recordingStore();
    await session(srv.port, { sessionCache: one });
    assert.ok(one.map.get(key));
    const both = await Promise.all([session(srv.port, { sessionCache: one }), session(srv.port, { sessionCache: one })]);
    assert.ok(both.filter((x) => x.resumed).length <= 1, JSON.stringify(both.map((x) => x.resumed)));
    const failing = { get() { throw new Error('db down'); }, set() { return Promise.reject(new Error('db down')); }, delete() {} };
    const c = await session(srv.port, { sessionCache: failing });
    assert.equal(c.resumed, false);
  });

  test('explicit session blobs (onSession / session), sessionCache: false; insecure connections have keys of their own', async (t) => {
    const srv = await startOpenssl({ ...SERVER, numTickets: 1 });
    t.after(() => srv.stop());
    const blobs = [];
    await session(srv.port, { sessionCache: false, onSession: (b) => blobs.push(b) });
    assert.equal(blobs.length, 1);
    const b = await session(srv.port, { sessionCache: false, session: blobs[0] });
    assert.equal(b.resumed, true);
    const store = recordingStore();
    const c = await session(srv.port, { sessionCache: store, rejectUnauthorized: false, ca: undefined });
    assert.equal(c.resumed, false);
    const insecureKey = await mod.sessionKeyFor({ hostname: 'localhost', port: srv.port }, { rejectUnauthorized: false });
    assert.match(insecureKey, /;insecure$/);
    assert.deepEqual(store.calls.map((x) => x.slice(0, 2)), [['get', insecureKey], ['set', insecureKey]]);
    // a verified connection never looks there
    store.calls.length = 0;
    const d = await session(srv.port, { sessionCache: store });
    assert.equal(d.resumed, false);
    assert.equal(d.verified, true);
    assert.notEqual(store.calls[0][1], insecureKey);
    assert.ok(store.map.has(insecureKey), 'the insecure session is still there, untouched');
  });
});

// What a session is bound to (issue 10): the engine records in each blob how
// its handshake was verified and refuses to offer it where that handshake
// would not have been accepted; the store's keys keep such sessions apart.
describe('sessions bound to their verification', { skip: SKIP, concurrency: 4 }, () => {
  const blobOf = async (port, opts) => {
    const blobs = [];
    await session(port, { sessionCache: false, onSession: (b) => blobs.push(b), ...opts });
    assert.ok(blobs.length >= 1, 'the server sent a ticket');
    return blobs.at(-1);
  };

  test('a session from an unverified connection, passed as session:, never resumes under a trust store', async (t) => {
    const srv = await startOpenssl({ ...SERVER, numTickets: 1 });
    t.after(() => srv.stop());
    const blob = await blobOf(srv.port, { rejectUnauthorized: false, ca: undefined });
    // an unrelated root: only a resumption could get past it
    const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: pem(P.otherCa), session: blob, sessionCache: false });
    await assert.rejects(s.opened, { code: 'unknown_ca' });
    // the right root: a full, verified handshake instead of the unverified session
    const info = await session(srv.port, { session: blob, sessionCache: false });
    assert.equal(info.resumed, false);
    assert.equal(info.verified, true);
    assert.equal(info.sigalg, 'ecdsa_secp256r1_sha256');
    // still fine where verification is off
    const again = await session(srv.port, { session: await blobOf(srv.port, { rejectUnauthorized: false, ca: undefined }),
      rejectUnauthorized: false, ca: undefined, sessionCache: false });
    assert.equal(again.resumed, true);
  });

  test('another trust store: another key, and the engine refuses the session even under a colliding key', async (t) => {
    const srv = await startOpenssl({ ...SERVER, numTickets: 1 });
    t.after(() => srv.stop());
    const cache = new mod.MemorySessionCache();
    await session(srv.port, { sessionCache: cache });
    const addr = { hostname: 'localhost', port: srv.port };
    const key = await mod.sessionKeyFor(addr, { ca: CA });
    const wider = [CA, pem(P.otherCa)];
    const otherKey = await mod.sessionKeyFor(addr, { ca: wider });
    assert.notEqual(otherKey, key);
    assert.equal(otherKey.slice(0, otherKey.indexOf(';ca=')), key.slice(0, key.indexOf(';ca=')), 'only the trust part differs');
    assert.ok(cache.get(key));
    // planted under the other store's key (as a careless store might): not offered
    cache.set(otherKey, cache.get(key).slice());
    const info = await session(srv.port, { sessionCache: cache, ca: wider });
    assert.equal(info.resumed, false);
    assert.equal(info.verified, true);
    // the original store still resumes
    assert.equal((await session(srv.port, { sessionCache: cache })).resumed, true);
  });

  test('IP literals: one key per address (any spelling), none shared with names or other addresses', async (t) => {
    const srv = await startOpenssl({ ...SERVER, numTickets: 1 });
    t.after(() => srv.stop());
    const p = srv.port;
    const k = (host) => mod.sessionKeyFor(`${host}:${p}`, { ca: CA });
    assert.equal(await k('[::1]'), await k('[0:0:0:0:0:0:0:1]'));
    assert.equal(await k('[2001:DB8:0:0:1::1]'), await k('[2001:db8::1:0:0:1]'));
    assert.notEqual(await k('127.0.0.1'), await k('127.0.0.2'));
    assert.notEqual(await k('127.0.0.1'), await k('localhost'));
    assert.match(await k('127.0.0.1'), /^ip=127\.0\.0\.1;/);
    const cache = new mod.MemorySessionCache();
    const ipConn = (hostname, opts = {}) => {
      const s = mod.connect({ hostname, port: p }, { ca: CA, sessionCache: cache, transport: mod.tcp({ host: '127.0.0.1' }), ...opts });
      return s.opened.then(async (info) => { await s.close(); return info; });
    };
    assert.equal((await ipConn('127.0.0.1')).resumed, false);
    assert.ok(cache.get(await k('127.0.0.1')), 'stored under the IP key');
    // the name is another key: full handshake
    assert.equal((await ipConn('localhost')).resumed, false);
    // another address (same server behind it) with the session planted under
    // its key: the engine does not offer it, the full handshake fails the
    // certificate's iPAddress check
    const blob = cache.get(await k('127.0.0.1'));
    cache.set(await k('127.0.0.2'), blob.slice());
    await assert.rejects(ipConn('127.0.0.2'), { code: 'certificate_name_mismatch' });
    assert.equal((await ipConn('127.0.0.1')).resumed, true);
  });
});

describe('0-RTT through connect() (openssl s_server -early_data)', { skip: SKIP, concurrency: 4 }, () => {
  test('accepted: the early bytes arrive once, before the handshake completes; info says so', async (t) => {
    const srv = await startOpenssl({ ...SERVER, numTickets: 1, extra: ['-early_data'] });
    t.after(() => srv.stop());
    const cache = new mod.MemorySessionCache();
    await session(srv.port, { sessionCache: cache });
    const early = 'EARLY-0RTT-REQUEST\n';
    const info = await session(srv.port, { sessionCache: cache, earlyData: enc.encode(early) }, 'AFTER-HANDSHAKE\n');
    assert.equal(info.resumed, true);
    assert.equal(info.earlyData, 'accepted');
    assert.equal(info.earlyDataLength, early.length);
    assert.equal(await waitCount(srv, 'AFTER-HANDSHAKE', 1), 1, srv.output.slice(-2000));
    assert.ok(srv.output.includes('Early data received:'), srv.output.slice(-2000));
    assert.equal(await waitCount(srv, 'End of early data', 1), 1);
    assert.equal(count(srv.output, 'EARLY-0RTT-REQUEST'), 1, 'exactly once');
  });

  test('rejected (anti-replay: the ticket used twice): info says rejected, the data is not resent', async (t) => {
    const srv = await startOpenssl({ ...SERVER, numTickets: 1, extra: ['-early_data'] });
    t.after(() => srv.stop());
    const blobs = [];
    await session(srv.port, { sessionCache: false, onSession: (b) => blobs.push(b) });
    const first = await session(srv.port, { sessionCache: false, session: blobs[0], earlyData: 'EARLY-ONE\n' }, 'AFTER-ONE\n');
    assert.equal(first.earlyData, 'accepted');
    const again = await session(srv.port, { sessionCache: false, session: blobs[0], earlyData: 'EARLY-TWO\n' }, 'AFTER-TWO\n');
    assert.equal(again.earlyData, 'rejected');
    assert.equal(again.earlyDataLength, 'EARLY-TWO\n'.length, 'what was sent (and lost)');
    assert.equal(await waitCount(srv, 'AFTER-TWO', 1), 1, srv.output.slice(-2000));
    assert.equal(count(srv.output, 'EARLY-TWO'), 0, 'rejected 0-RTT data never reached the server, and was not resent');
  });

  test('no session to resume, or a ticket without max_early_data: not_sent, nothing written', async (t) => {
    const srv = await startOpenssl({ ...SERVER, numTickets: 1 });
    t.after(() => srv.stop());
    const cache = new mod.MemorySessionCache();
    const a = await session(srv.port, { sessionCache: cache, earlyData: 'EARLY-NOSESSION\n' }, 'AFTER-A\n');
    assert.equal(a.earlyData, 'not_sent');
    assert.equal(a.earlyDataLength, 0);
    const b = await session(srv.port, { sessionCache: cache, earlyData: 'EARLY-NOTALLOWED\n' }, 'AFTER-B\n');
    assert.equal(b.resumed, true);
    assert.equal(b.earlyData, 'not_sent');
    assert.equal(await waitCount(srv, 'AFTER-B', 1), 1, srv.output.slice(-2000));
    assert.equal(count(srv.output, 'EARLY-'), 0);
  });
});

describe('client certificates through connect() (openssl s_server -Verify 1)', { skip: SKIP, concurrency: 4 }, () => {
  const C = P ? P.client : null;
  const REQUIRE = C ? ['-Verify', '1', '-verify_return_error', '-CAfile', C.ca] : [];
  for (const [name, which] of [['ECDSA P-256', 'p256'], ['ECDSA P-384', 'p384'], ['RSA-2048', 'rsa2048']]) {
    test(`${name}: the server verifies the chain; info.clientCertificateSent`, async (t) => {
      const srv = await startOpenssl({ ...SERVER, extra: REQUIRE });
      t.after(() => srv.stop());
      const info = await session(srv.port, { cert: pem(C[which].chain), key: pem(C[which].key), sessionCache: false });
      assert.equal(info.clientCertificateSent, true);
      assert.equal(await waitCount(srv, 'subject=CN = wasmtls test client', 1), 1, srv.output.slice(-2000));
      assert.match(srv.output, /depth=2 CN = wasmtls test client root\nverify return:1/);
      assert.doesNotMatch(srv.output, /verify error/);
    });
  }

  test('no certificate: the server requires one (certificate_required), a TLSError', async (t) => {
    const srv = await startOpenssl({ ...SERVER, extra: REQUIRE });
    t.after(() => srv.stop());
    const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA, sessionCache: false });
    // TLS 1.3: the client finishes first; the server's alert follows
    const r = await s.opened.then(async () => {
      for await (const _ of s.readable) { /* */ }
      return null;
    }, (e) => e).catch((e) => e);
    const err = r || await s.closed.then(() => null, (e) => e);
    assert.ok(err, 'the connection must fail');
    assert.equal(err.name, 'TLSError');
    assert.equal(err.code, 'alert_received');
    assert.equal(err.alert, 116);
  });

  test('unusable cert/key: bad_config before connecting', async () => {
    const cases = [
      [pem(C.p256.chain), pem(C.p384.key), /does not match/],
      [pem(C.p256.chain), pem(C.bad.ed25519), /key: not a PEM/],
      ['not pem', pem(C.p256.key), /cert: no usable/],
      [pem(C.p256.chain), undefined, /go together/],
    ];
    for (const [cert, key, re] of cases) {
      // port 1: nothing listens; bad_config must come first
      const s = mod.connect({ hostname: 'localhost', port: 1 }, { ca: CA, cert, key });
      await assert.rejects(s.opened, (e) => e.code === 'bad_config' && re.test(e.reason));
    }
  });

  test('mutual TLS then resumption through the wasmtls/node Duplex (session event, isSessionReused)', async (t) => {
    const srv = await startOpenssl({ ...SERVER, numTickets: 1, extra: REQUIRE });
    t.after(() => srv.stop());
    const one = (extra) => new Promise((resolve, reject) => {
      const sock = nodeMod.connect({ host: 'localhost', port: srv.port, ca: CA, cert: pem(C.p256.chain), key: pem(C.p256.key),
        sessionCache: false, ...extra });
      let session = null;
      sock.on('session', (s) => { session = s; });
      sock.on('secureConnect', () => sock.end('node-duplex\n'));
      sock.on('data', () => {});
      sock.on('error', reject);
      sock.on('close', () => resolve({ session, reused: sock.isSessionReused(), info: sock.info }));
    });
    const a = await one({});
    assert.equal(a.reused, false);
    assert.equal(a.info.clientCertificateSent, true);
    assert.ok(Buffer.isBuffer(a.session));
    const b = await one({ session: a.session });
    assert.equal(b.reused, true);
    assert.equal(await waitCount(srv, 'node-duplex', 2), 2, srv.output.slice(-2000));
  });
});
