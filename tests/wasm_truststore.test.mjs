// trustStore() (issue 15): PEM trust anchors parsed once into the engine
// and shared as `ca` by many connect() / verifyChain() calls, like
// node:tls's SecureContext. One parse for many connections (engineStats()
// counts PEM parses and live stores), the same session keys as the same
// PEM string (and sessions resume across the two), a bad PEM is bad_config,
// close() refuses new connections but lets open ones finish before the
// store is freed, the Node Duplex takes one, and an unreachable TrustStore
// is freed by the garbage collector.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { pki, pkiX509 } from './lib/pki.mjs';
import { startNode } from './lib/servers.mjs';
import { SKIP, JS, readBytes, pem } from './lib/wasm.mjs';
import * as mod from '../js/index.js';

const P = SKIP ? null : pki();
const X = SKIP ? null : pkiX509();
const CA = SKIP ? null : pem(P.ca);
const derOf = (file) => (pem(file).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) || [])
  .map((b) => new Uint8Array(Buffer.from(b.replace(/-----[A-Z ]+-----|\s+/g, ''), 'base64')));

async function echoOnce(port, opts) {
  const s = mod.connect({ hostname: 'localhost', port }, { sessionCache: false, ...opts });
  const info = await s.opened;
  const msg = crypto.randomBytes(100);
  await s.writable.getWriter().write(msg);
  assert.equal(Buffer.compare(await readBytes(s.readable.getReader(), msg.length), msg), 0);
  await s.close();
  return info;
}

describe('trustStore()', { skip: SKIP }, () => {
  test('many connect() calls share one parse', async (t) => {
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key });
    t.after(() => srv.stop());
    await echoOnce(srv.port, { ca: CA });   // engine loaded, stats settled
    const s0 = mod.engineStats();
    const ts = await mod.trustStore(CA);
    assert.ok(ts instanceof mod.TrustStore);
    assert.equal(ts.count, 1);
    assert.equal(ts.closed, false);
    const s1 = mod.engineStats();
    assert.equal(s1.caParsed, s0.caParsed + 1, 'parsed once');
    assert.equal(s1.storesOpen, s0.storesOpen + 1);
    // 12 connections, 4 at a time
    for (let i = 0; i < 3; i++) {
      const infos = await Promise.all(Array.from({ length: 4 }, () => echoOnce(srv.port, { ca: ts })));
      for (const info of infos) assert.equal(info.verified, true);
    }
    const s2 = mod.engineStats();
    assert.equal(s2.caParsed, s1.caParsed, 'no parse per connect()');
    assert.equal(s2.storesOpen, s1.storesOpen, 'no store per connect()');
    // the same with the PEM string: one parse each
    for (let i = 0; i < 3; i++) await echoOnce(srv.port, { ca: CA });
    assert.equal(mod.engineStats().caParsed, s2.caParsed + 3);
    ts.close();
    assert.equal(ts.closed, true);
    assert.equal(mod.engineStats().storesOpen, s0.storesOpen, 'close() freed it');
    ts.close();   // idempotent
    assert.equal(mod.engineStats().storesOpen, s0.storesOpen);
  });

  test('the wrong server is still refused through a TrustStore', async (t) => {
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key });
    t.after(() => srv.stop());
    const other = await mod.trustStore(pem(P.otherCa));
    t.after(() => other.close());
    await assert.rejects(echoOnce(srv.port, { ca: other }), (e) => e instanceof mod.TLSError && e.code === 'unknown_ca');
    const ts = await mod.trustStore(CA);
    t.after(() => ts.close());
    await assert.rejects(echoOnce(srv.port, { ca: ts, servername: 'other.example' }),
      (e) => e instanceof mod.TLSError && e.code === 'certificate_name_mismatch');
  });

  test('only trustStore() makes one: the constructor refuses, a forged object is bad_config, nothing to release from outside', async () => {
    const ts = await mod.trustStore(CA);
    assert.throws(() => new mod.TrustStore(), TypeError);
    assert.equal(typeof ts.release, 'undefined');
    assert.equal(typeof ts.acquire, 'undefined');
    const forged = Object.create(mod.TrustStore.prototype);
    const s = mod.connect({ hostname: 'localhost', port: 9 }, { ca: forged });
    await assert.rejects(s.opened, (e) => e.code === 'bad_config' && /not a TrustStore made by trustStore/.test(e.reason));
    await assert.rejects(mod.verifyChain([], forged), (e) => e.code === 'bad_config');
    ts.close();
  });

  test('a bad PEM is bad_config; skipped roots warn once, at trustStore()', async () => {
    await assert.rejects(mod.trustStore('not a certificate'),
      (e) => e instanceof mod.TLSError && e.code === 'bad_config' && /^ca: /.test(e.reason));
    await assert.rejects(mod.trustStore(pem(X.unusableBundle)), (e) => e.code === 'bad_config' &&
      /certificate 1 \(CN=wasmtls test Ed25519 root\): key type not supported/.test(e.reason));
    const warnings = [];
    const ts = await mod.trustStore(pem(X.mixedBundle), { onWarning: (m) => warnings.push(m) });
    assert.equal(warnings.length, 2);
    assert.match(warnings[0], /^ca: skipping certificate 1 \(CN=wasmtls test Ed25519 root\)/);
    assert.equal(ts.count, 1);
    ts.close();
  });

  test('close(): later connect() and verifyChain() fail clearly; open connections finish first', async (t) => {
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key });
    t.after(() => srv.stop());
    await echoOnce(srv.port, { ca: CA });
    const base = mod.engineStats().storesOpen;
    const ts = await mod.trustStore(CA);
    const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: ts, sessionCache: false });
    await s.opened;
    ts.close();
    assert.equal(mod.engineStats().storesOpen, base + 1, 'kept while a connection uses it');
    const w = s.writable.getWriter();
    const r = s.readable.getReader();
    await w.write(new TextEncoder().encode('still here'));
    assert.equal((await readBytes(r, 10)).toString(), 'still here');
    s.keyUpdate(true);   // the connection is alive after close()
    await w.write(new TextEncoder().encode('again'));
    assert.equal((await readBytes(r, 5)).toString(), 'again');
    await s.close();
    assert.equal(mod.engineStats().storesOpen, base, 'freed when the last connection ended');
    const s2 = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: ts, sessionCache: false });
    await assert.rejects(s2.opened, (e) => e instanceof mod.TLSError && e.code === 'bad_config' &&
      /TrustStore is closed/.test(e.reason));
    await assert.rejects(s2.closed, (e) => e.code === 'bad_config');
    await assert.rejects(mod.verifyChain(derOf(P.p256.chain), ts, { host: 'localhost' }),
      (e) => e.code === 'bad_config' && /TrustStore is closed/.test(e.reason));
    assert.equal(mod.engineStats().storesOpen, base);
  });

  test('a connection that fails before its handshake releases the store', async () => {
    const base = mod.engineStats().storesOpen;
    const ts = await mod.trustStore(CA);
    const s = mod.connect({ hostname: 'localhost', port: 1 }, { ca: ts, sessionCache: false });
    await assert.rejects(s.opened, (e) => e.code === 'connect_failed');
    const s2 = mod.connect({ hostname: 'localhost', port: 1 }, { ca: ts, sessionCache: false, ciphers: ['NOPE'] });
    await assert.rejects(s2.opened, (e) => e.code === 'bad_config');
    const s3 = mod.connect({ hostname: 'localhost', port: 1 }, { ca: ts, sessionCache: false });
    await s3.close();   // closed before it started
    await new Promise((r) => setTimeout(r, 50));
    ts.close();
    assert.equal(mod.engineStats().storesOpen, base, 'no connection still holds it');
  });

  test('session keys equal those from the same PEM string; sessions resume across them', async (t) => {
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key });
    t.after(() => srv.stop());
    const ts = await mod.trustStore(CA);
    t.after(() => ts.close());
    const addr = { hostname: 'localhost', port: srv.port };
    for (const o of [{}, { alpn: ['x-a'] }, { certProfile: 'private' }, { servername: 'localhost' }]) {
      assert.equal(await mod.sessionKeyFor(addr, { ...o, ca: ts }), await mod.sessionKeyFor(addr, { ...o, ca: CA }));
    }
    assert.equal(await mod.sessionKeyFor(addr, { ca: [CA] }), await mod.sessionKeyFor(addr, { ca: ts }));
    assert.match(await mod.sessionKeyFor(addr, { ca: ts }), new RegExp(`;ca=${ts.digest}$`));
    // the digest is of the usable anchors: a bundle whose other roots are skipped keys alike
    assert.equal(await mod.sessionKeyFor(addr, { ca: ts }), await mod.sessionKeyFor(addr, { ca: pem(X.mixedBundle), onWarning: () => {} }));
    const other = await mod.trustStore(pem(P.otherCa));
    assert.notEqual(other.digest, ts.digest);
    assert.equal(await mod.sessionKeyFor(addr, { ca: other }), await mod.sessionKeyFor(addr, { ca: pem(P.otherCa) }));
    other.close();
    // a session from a PEM-string connection resumes under the TrustStore, and back
    const cache = new mod.MemorySessionCache();
    const run = async (ca) => {
      const s = mod.connect(addr, { ca, sessionCache: cache });
      const info = await s.opened;
      const w = s.writable.getWriter();
      await w.write(new TextEncoder().encode('x'));
      await readBytes(s.readable.getReader(), 1);   // the ticket has arrived with the echo
      await s.close();
      return info;
    };
    // (Node's server sends no new ticket on a resumed connection: a fresh
    // handshake before each resumption)
    assert.equal((await run(CA)).resumed, false);
    assert.equal((await run(ts)).resumed, true);
    assert.equal((await run(ts)).resumed, false);
    assert.equal((await run(CA)).resumed, true);
  });

  test('verifyChain() with a TrustStore', async () => {
    const ts = await mod.trustStore(CA);
    const before = mod.engineStats().caParsed;
    await mod.verifyChain(derOf(P.p256.chain), ts, { host: 'localhost' });
    await mod.verifyChain(derOf(P.p256.chain), ts, { host: 'localhost' });
    await assert.rejects(mod.verifyChain(derOf(P.p256.chain), ts, { host: 'other.example' }), (e) => e.code === 'certificate_name_mismatch');
    assert.equal(mod.engineStats().caParsed, before);
    ts.close();
  });

  test('wasmtls/node takes a TrustStore as ca', async (t) => {
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key });
    t.after(() => srv.stop());
    const { connect } = await import('../js/node.js');
    const ts = await mod.trustStore(CA);
    t.after(() => ts.close());
    const before = mod.engineStats().caParsed;
    const sock = connect({ host: 'localhost', port: srv.port, ca: ts, sessionCache: false });
    await new Promise((resolve, reject) => { sock.once('secureConnect', resolve); sock.once('error', reject); });
    assert.equal(sock.authorized, true);
    sock.write('hi');
    const got = await new Promise((resolve) => sock.once('data', resolve));
    assert.equal(got.toString(), 'hi');
    sock.destroy();
    assert.equal(mod.engineStats().caParsed, before);
  });

  test('an unreachable TrustStore is freed by the garbage collector; another engine instance refuses it', async () => {
    const index = pathToFileURL(path.join(JS, 'index.js')).href;
    const script = `
      import * as wt from ${JSON.stringify(index)};
      import fs from 'node:fs';
      const ca = fs.readFileSync(${JSON.stringify(P.ca)}, 'utf8');
      await wt.loadEngine();
      const base = wt.engineStats().storesOpen;
      await (async () => { for (let i = 0; i < 5; i++) await wt.trustStore(ca); })();
      const made = wt.engineStats().storesOpen - base;
      for (let i = 0; i < 50 && wt.engineStats().storesOpen > base; i++) {
        globalThis.gc();
        await new Promise((r) => setTimeout(r, 20));
      }
      const left = wt.engineStats().storesOpen - base;
      const ts = await wt.trustStore(ca);
      wt.setWasmSource(new URL('./dist/wasmtls.wasm', ${JSON.stringify(index)}));
      let err = null;
      try { await wt.verifyChain([], ts); } catch (e) { err = e.code + ': ' + e.reason; }
      console.log(JSON.stringify({ made, left, err }));
    `;
    const child = spawn(process.execPath, ['--expose-gc', '--input-type=module', '-e', script]);
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const code = await new Promise((r) => child.on('close', r));
    assert.equal(code, 0, err);
    const r = JSON.parse(out);
    assert.equal(r.made, 5);
    assert.equal(r.left, 0, 'all five freed once unreachable');
    assert.match(r.err, /^bad_config: ca: this TrustStore belongs to another engine instance/);
  });
});
