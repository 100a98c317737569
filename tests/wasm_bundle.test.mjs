// The package's entry module and its first connection in a fresh Node:
//  - js/dist/wasmtls.mjs (what js/index.js re-exports) is js/src/*.js as
//    tools/bundle_js.mjs bundles them now: a stale bundle fails here;
//  - it is one module: no relative import left in it;
//  - a fresh process's handshakes draw randomness without loading Node's
//    webcrypto (engine.js kernelRandom: /dev/urandom through node:fs), and
//    the randomness is fresh per connection (ClientHello.random from the
//    key log).
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { SKIP, JS, WASM } from './lib/wasm.mjs';
import { ROOT } from './lib/cli.mjs';

const run = promisify(execFile);
const BUNDLE = path.join(JS, 'dist', 'wasmtls.mjs');
const skip = SKIP || (!fs.existsSync(WASM) && 'wasm build missing (make build-wasm)');

test('js/dist/wasmtls.mjs is the current js/src bundled', { skip }, async () => {
  const { bundleJs } = await import('../tools/bundle_js.mjs');
  assert.ok(fs.existsSync(BUNDLE), 'bundle missing: make build-wasm');
  assert.ok(fs.readFileSync(BUNDLE, 'utf8') === await bundleJs(), 'js/dist/wasmtls.mjs is stale: make build-wasm');
});

test('the entry is one module: js/index.js re-exports the bundle, which imports nothing relative', { skip }, () => {
  const index = fs.readFileSync(path.join(JS, 'index.js'), 'utf8');
  const imports = [...index.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]);
  assert.deepEqual(imports, ['./dist/wasmtls.mjs']);
  const bundle = fs.readFileSync(BUNDLE, 'utf8');
  const specifiers = [...bundle.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*(?:\/\*[^*]*\*\/\s*)?)['"]([^'"]+)['"]/g)].map((m) => m[1]);
  assert.ok(specifiers.length > 0, 'expected the Node built-in imports');
  for (const s of specifiers) assert.ok(s.startsWith('node:') || s === 'ws', `bundle imports ${s}`);
});

test('first handshakes in a fresh process: no webcrypto loaded, a fresh ClientHello.random each', { skip, timeout: 60000 }, async (t) => {
  const { pki } = await import('./lib/pki.mjs');
  const { startNode } = await import('./lib/servers.mjs');
  const P = pki();
  const srv = await startNode({ cert: P.p256.chain, key: P.p256.key, onConnection: (s) => s.once('data', () => s.end('x')) });
  t.after(() => srv.stop());
  const child = `
    import fs from 'node:fs';
    import { connect } from ${JSON.stringify(path.join(ROOT, 'js/index.js'))};
    const ca = fs.readFileSync(${JSON.stringify(P.ca)}, 'utf8');
    const randoms = [];
    for (let i = 0; i < 2; i++) {
      const s = connect({ hostname: 'localhost', port: ${srv.port} }, { ca, sessionCache: false,
        keyLog: (line) => { const m = /^CLIENT_HANDSHAKE_TRAFFIC_SECRET ([0-9a-f]+) /.exec(line); if (m) randoms.push(m[1]); } });
      await s.opened;
      const w = s.writable.getWriter(); await w.write(new Uint8Array([1]));
      for await (const _ of s.readable) { /* to the server's close */ }
    }
    const webcrypto = process.moduleLoadList.filter((m) => /crypto/.test(m));
    console.log(JSON.stringify({ randoms, webcrypto }));
  `;
  const out = await run(process.execPath, ['--input-type=module', '-e', child], { timeout: 30000, env: { ...process.env, NODE_EXTRA_CA_CERTS: '' } });
  const got = JSON.parse(out.stdout.trim().split('\n').pop());
  assert.deepEqual(got.webcrypto, [], 'the handshakes loaded Node crypto modules');
  assert.equal(got.randoms.length, 2);
  for (const r of got.randoms) assert.match(r, /^[0-9a-f]{64}$/);
  assert.notEqual(got.randoms[0], got.randoms[1]);
  assert.notEqual(got.randoms[0], '0'.repeat(64));
});
