// The wasm build's default cipher-suite order (issue 10): ChaCha20-Poly1305
// first (wasm has no AES instructions: AES-GCM is constant-time bitsliced
// code there, ChaCha20 is much faster), AES-128-GCM and AES-256-GCM after;
// an explicit `ciphers` list is offered as given. The native build keeps
// AES-128-GCM first. Servers here honour the client's order: node:tls with
// honorCipherOrder: false and openssl s_server without -serverpref.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { pki } from './lib/pki.mjs';
import { startNode, startOpenssl } from './lib/servers.mjs';
import { runCli, CLI } from './lib/cli.mjs';
import { SKIP, pem } from './lib/wasm.mjs';
import * as mod from '../js/index.js';

const P = SKIP ? null : pki();
const CA = SKIP ? null : pem(P.ca);
const CHACHA = 'TLS_CHACHA20_POLY1305_SHA256';

async function negotiated(port, opts = {}) {
  const s = mod.connect({ hostname: 'localhost', port }, { ca: CA, sessionCache: false, ...opts });
  const info = await s.opened;
  await s.close();
  return info.cipher;
}

describe('wasm default cipher-suite order', { skip: SKIP }, () => {
  test('node:tls (honorCipherOrder: false): default connect() gets ChaCha20; explicit lists are offered as given', async (t) => {
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key, tlsOptions: { honorCipherOrder: false } });
    t.after(() => srv.stop());
    assert.equal(await negotiated(srv.port), CHACHA);
    assert.equal(await negotiated(srv.port, { ciphers: ['TLS_AES_128_GCM_SHA256', CHACHA] }), 'TLS_AES_128_GCM_SHA256');
    assert.equal(await negotiated(srv.port, { ciphers: ['TLS_AES_256_GCM_SHA384', CHACHA] }), 'TLS_AES_256_GCM_SHA384');
  });

  test('openssl s_server (client order): default connect() gets ChaCha20; the native CLI keeps AES-128-GCM first', async (t) => {
    const srv = await startOpenssl({ mode: 'www', cert: P.p256.cert, key: P.p256.key, chain: P.p256.chain });
    t.after(() => srv.stop());
    assert.equal(await negotiated(srv.port), CHACHA);
    if (!fs.existsSync(CLI)) return t.skip(`no native CLI at ${CLI}`);
    const res = await runCli(['--cafile', P.ca, '--json', '-q', '--http', '/', `localhost:${srv.port}`]);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.json.cipher, 'TLS_AES_128_GCM_SHA256');
  });
});
