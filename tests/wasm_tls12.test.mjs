// TLS 1.2 through the package's connect() (wasm engine, issue 13): a TLS
// 1.2-only openssl s_server, the negotiated version and suite in `opened`,
// data both ways, resumption by session ticket through the default session
// cache, minVersion ('TLSv1.3' refuses the TLS 1.2 server; anything else
// is bad_config), and the exporter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pki } from './lib/pki.mjs';
import { startOpenssl } from './lib/servers.mjs';
import { SKIP, pem } from './lib/wasm.mjs';

const P = SKIP ? null : pki();
const CA = SKIP ? null : pem(P.ca);
const mod = SKIP ? null : await import('../js/index.js');
const enc = new TextEncoder();

async function rev(port, opts = {}) {
  const s = mod.connect({ hostname: 'localhost', port }, { ca: CA, ...opts });
  const info = await s.opened;
  const w = s.writable.getWriter();
  await w.write(enc.encode('abc\nCLOSE\n'));
  const chunks = [];
  for await (const c of s.readable) chunks.push(Buffer.from(c));
  await s.closed;
  return { info, text: Buffer.concat(chunks).toString() };
}

test('connect(): a TLS 1.2 server, the version and suite, data both ways, resumption', { skip: SKIP }, async (t) => {
  const srv = await startOpenssl({ mode: 'rev', tls12: true, cert: P.p256.cert, key: P.p256.key, chain: P.p256.chain });
  t.after(() => srv.stop());
  const cache = new mod.MemorySessionCache();
  const first = await rev(srv.port, { sessionCache: cache });
  assert.equal(first.info.version, 'TLSv1.2');
  // the wasm build offers ChaCha20 first (no AES instructions in wasm)
  assert.equal(first.info.cipher, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256');
  assert.equal(first.info.resumed, false);
  assert.equal(first.text, 'cba\n');
  const again = await rev(srv.port, { sessionCache: cache });
  assert.equal(again.info.version, 'TLSv1.2');
  assert.equal(again.info.resumed, true, 'resumed by session ticket');
  assert.equal(again.text, 'cba\n');
});

test('connect(): minVersion TLSv1.3 against a TLS 1.2-only server; bad minVersion', { skip: SKIP }, async (t) => {
  const srv = await startOpenssl({ mode: 'rev', tls12: true, cert: P.p256.cert, key: P.p256.key, chain: P.p256.chain });
  t.after(() => srv.stop());
  const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA, minVersion: 'TLSv1.3', sessionCache: false });
  await assert.rejects(s.opened, (e) => e.code === 'alert_received' && /protocol_version/.test(e.message + e.reason));
  const bad = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA, minVersion: 'TLSv1.1', sessionCache: false });
  await assert.rejects(bad.opened, (e) => e.code === 'bad_config' && /minVersion must be 'TLSv1.2' or 'TLSv1.3'/.test(e.reason));
});
