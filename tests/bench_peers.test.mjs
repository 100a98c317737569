// bench/peers.mjs, the peers of `make bench` (no timings asserted): each
// client completes a handshake with a local node:tls server and gets its
// byte back (epoxy-tls and wasmtls through the wisp-js server process,
// subtls and node:tls over TCP), resumes when asked (the server says so),
// the bench's bulk server restricts TLS 1.3 suites (what it relies on for
// epoxy, which cannot choose one), and a cold-start child exits 0 (and
// non-zero when its server is gone, so a peer's n/a is not a number).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { pki } from './lib/pki.mjs';
import { startNode, freePort } from './lib/servers.mjs';
import { SKIP, pem } from './lib/wasm.mjs';
import * as wt from '../js/index.js';
import * as peers from '../bench/peers.mjs';

describe('bench peers', { skip: SKIP }, () => {
  let P, CA, srv, wisp, clients, lastReused;
  before(async () => {
    P = pki();
    CA = pem(P.ca);
    srv = await startNode({ cert: P.p256.chain, key: P.p256.key,
      onConnection: (s) => { lastReused = s.isSessionReused(); s.once('data', (d) => s.write(Buffer.from([d[0] ^ 0xff]))); } });
    wisp = await peers.startWisp();
    clients = [peers.wasmtlsClient(wt, 'wasmtls', CA), peers.wasmtlsClient(wt, 'wasmtls (wisp)', CA, wt.wisp(wisp.url, { idleTimeout: 0 })),
      peers.nodeClient(CA), peers.epoxyClient(await peers.loadEpoxy(), CA, wisp.url), await peers.subtlsClient(CA)];
  });
  after(async () => { await srv.stop(); await wisp.stop(); });

  const exchange = async (c, port, opts) => {
    const conn = await peers.withTimeout(c.open(port, opts), 10000, c.name);
    await conn.write(new Uint8Array([0x5a]));
    await peers.withTimeout(conn.readN(1), 10000, c.name);
    conn.close();
  };

  test('every client: handshake and one byte each way; full unless resuming', async () => {
    for (const c of clients) {
      srv.server.setTicketKeys(crypto.randomBytes(48));
      await exchange(c, srv.port);
      assert.equal(lastReused, false, c.name);
    }
  });

  test('wasmtls, node:tls and epoxy-tls resume after a full handshake; subtls refuses to try', async () => {
    for (const c of clients) {
      srv.server.setTicketKeys(crypto.randomBytes(48));
      if (c.name === 'subtls') {
        await assert.rejects(c.open(srv.port, { resume: true }), /no session resumption/);
        continue;
      }
      await exchange(c, srv.port, { resume: true });
      await exchange(c, srv.port, { resume: true });
      assert.equal(lastReused, true, c.name);
    }
  });

  test('readN waits for all the bytes asked for and fails when the stream ends short', async () => {
    const block = crypto.randomBytes(20000);
    // The server closes only when the client asks (a second byte): the
    // wisp-js server drops a stream whose TCP side closes while data is
    // still queued for the WebSocket (the bench's bulk test avoids it too).
    const s2 = await startNode({ cert: P.p256.chain, key: P.p256.key,
      onConnection: (s) => s.once('data', () => { s.write(block); s.once('data', () => s.end()); }) });
    try {
      for (const c of clients) {
        const conn = await c.open(s2.port);
        await conn.write(new Uint8Array([1]));
        await peers.withTimeout(conn.readN(20000), 20000, c.name);
        await conn.write(new Uint8Array([2]));
        await assert.rejects(peers.withTimeout(conn.readN(1), 20000, c.name), c.name);
        conn.close();
      }
    } finally { await s2.stop(); }
  });

  test('a server with ciphers: one TLS 1.3 suite negotiates that suite with every client', async () => {
    for (const suite of ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
      const seen = [];
      const s2 = await startNode({ cert: P.p256.chain, key: P.p256.key, tlsOptions: { ciphers: suite },
        onConnection: (s) => { seen.push(s.getCipher().standardName); s.once('data', () => s.write('x')); } });
      try {
        for (const c of clients.filter((x) => x.name !== 'subtls')) await exchange(c, s2.port, { suite });
      } finally { await s2.stop(); }
      assert.deepEqual(seen, Array(clients.length - 1).fill(suite));
    }
  });

  test('wasmtls over TCP connects to 127.0.0.1 as node:tls does (no name lookup), still verifying localhost', async () => {
    const hosts = [];
    const spy = { ...wt, tcp: (o) => { hosts.push(o && o.host); return wt.tcp(o); } };
    await exchange(peers.wasmtlsClient(spy, 'wasmtls', CA), srv.port);
    assert.deepEqual(hosts, ['127.0.0.1']);
  });

  test('importing bench/peers.mjs (every cold-start child does) loads no node:tls, http, zlib or child_process', () => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e',
      `await import(${JSON.stringify(new URL('../bench/peers.mjs', import.meta.url).href)});
       console.log(JSON.stringify(['tls', '_tls_wrap', 'http', 'zlib', 'child_process'].filter((m) => process.moduleLoadList.includes('NativeModule ' + m))));`]);
    assert.deepEqual(JSON.parse(out.toString()), []);
  });

  test('cold start: a number per implementation, n/a with the reason when the handshake fails', async () => {
    const args = { port: srv.port, ca: P.ca, wisp: wisp.url };
    const ok = await peers.coldStart([{ name: 'wasmtls', kind: 'wasmtls', args }, { name: 'epoxy', kind: 'epoxy', args }], 1);
    assert.equal(typeof ok.wasmtls, 'number');
    assert.equal(typeof ok.epoxy, 'number');
    const bad = await peers.coldStart([{ name: 'subtls', kind: 'subtls', args: { ...args, port: await freePort() } }], 1);
    assert.match(bad.subtls, /^n\/a: .*ECONNREFUSED/);
  });
});
