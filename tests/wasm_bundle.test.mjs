// The package's entry modules and a first connection in a fresh Node:
//  - js/dist/wasmtls.mjs (what js/index.js re-exports) and
//    js/dist/wasmtls.browser.mjs (the "browser" export) are js/src/*.js as
//    tools/bundle_js.mjs bundles them now: a stale bundle fails here;
//  - each is one module: no relative import left in it; the browser one
//    carries none of js/src/node_io.js (its stand-in says what to use);
//  - a fresh process's handshakes draw randomness without loading Node's
//    webcrypto (node_io.js kernelRandom: /dev/random through node:fs), and
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
const BUNDLES = { node: path.join(JS, 'dist', 'wasmtls.mjs'), browser: path.join(JS, 'dist', 'wasmtls.browser.mjs') };
const skip = SKIP || (!fs.existsSync(WASM) && 'wasm build missing (make build-wasm)');

for (const [kind, file] of Object.entries(BUNDLES)) {
  test(`${path.basename(file)} is the current js/src bundled`, { skip }, async () => {
    const { bundleJs } = await import('../tools/bundle_js.mjs');
    assert.ok(fs.existsSync(file), 'bundle missing: make build-wasm');
    assert.ok(fs.readFileSync(file, 'utf8') === await bundleJs(kind), `${file} is stale: make build-wasm`);
  });

  test(`${path.basename(file)} is one module: it imports nothing relative`, { skip }, () => {
    const bundle = fs.readFileSync(file, 'utf8');
    const specifiers = [...bundle.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*(?:\/\*[^*]*\*\/\s*)?)['"]([^'"]+)['"]/g)].map((m) => m[1]);
    assert.ok(specifiers.length > 0, 'expected the dynamic imports of node:fs and ws');
    for (const s of specifiers) assert.ok(s.startsWith('node:') || s === 'ws', `bundle imports ${s}`);
  });
}

test('js/index.js re-exports the Node bundle; package.json gives browsers the browser bundle', { skip }, () => {
  const index = fs.readFileSync(path.join(JS, 'index.js'), 'utf8');
  const imports = [...index.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]);
  assert.deepEqual(imports, ['./dist/wasmtls.mjs']);
  const pkg = JSON.parse(fs.readFileSync(path.join(JS, 'package.json'), 'utf8'));
  assert.equal(pkg.exports['.'].browser, './dist/wasmtls.browser.mjs');
  for (const f of ['dist/wasmtls.mjs', 'dist/wasmtls.browser.mjs']) assert.ok(pkg.files.includes(f), f);
});

test('the browser bundle has no Node-only code: tcp() and fromNodeSocket() say what to use instead', { skip }, async () => {
  const text = fs.readFileSync(BUNDLES.browser, 'utf8');
  for (const s of ['/dev/random', 'node:net', 'setNoDelay']) assert.ok(!text.includes(s), `browser bundle contains ${s}`);
  assert.ok(fs.readFileSync(BUNDLES.node, 'utf8').includes('/dev/random'));
  const b = await import(BUNDLES.browser);
  for (const f of [() => b.tcp(), () => b.fromNodeSocket({})]) {
    assert.throws(f, (e) => e instanceof b.TLSError && e.code === 'bad_config' && /in a browser use websocket\(url\) or wisp\(url\)/.test(e.message));
  }
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

test('kernelRandom reads only the device it opened: a descriptor number closed and reused by other code is refused', { skip: skip || (!fs.existsSync('/proc/self/fd') && 'no /proc/self/fd') }, async () => {
  const child = `
    import fs from 'node:fs';
    import { kernelRandom } from ${JSON.stringify(path.join(ROOT, 'js/src/node_io.js'))};
    const link = (f) => { try { return fs.readlinkSync('/proc/self/fd/' + f); } catch { return null; } };
    const randomFds = () => fs.readdirSync('/proc/self/fd').filter((f) => link(f) === '/dev/random');
    const before = randomFds();
    const u = new Uint8Array(64);
    const first = kernelRandom(u, 0, 64);
    const fd = randomFds().find((f) => !before.includes(f));
    const random = u.some((b) => b !== 0);
    // other code closes "its" descriptor, which was ours; the number goes to a file of zeros
    fs.closeSync(Number(fd));
    const zeros = '/tmp/wt-zeros-' + process.pid;
    fs.writeFileSync(zeros, Buffer.alloc(4096));
    const again = fs.openSync(zeros, 'r');
    fs.rmSync(zeros);
    u.fill(0);
    const second = kernelRandom(u, 0, 64);
    const third = kernelRandom(u, 0, 64);
    console.log(JSON.stringify({ first, random, reused: String(again) === fd, second, third }));
  `;
  const out = await run(process.execPath, ['--input-type=module', '-e', child], { timeout: 30000 });
  const got = JSON.parse(out.stdout.trim().split('\n').pop());
  assert.deepEqual(got, { first: true, random: true, reused: true, second: false, third: false });
});

test('plaintext chunks are never views into a pool: a Buffer stand-in whose allocUnsafeSlow pools is not used', { skip }, async () => {
  const probe = (setup) => run(process.execPath, ['--input-type=module', '-e', `${setup}
    const { allocBytes } = await import(${JSON.stringify(path.join(JS, 'src', 'node_io.js'))});
    const a = allocBytes(100);
    console.log(JSON.stringify({ alone: a.buffer.byteLength === 100 && a.byteOffset === 0, zero: a.every((b) => b === 0) }));`]);
  // Node's own: its own ArrayBuffer, exactly n bytes
  assert.deepEqual(JSON.parse((await probe('')).stdout).alone, true);
  // pooled (Buffer.allocUnsafe's 8 KiB pool, dirtied first): a zeroed array of its own instead
  const pooled = JSON.parse((await probe("Buffer.allocUnsafe(64).fill(7); Buffer.allocUnsafeSlow = Buffer.allocUnsafe;")).stdout);
  assert.deepEqual(pooled, { alone: true, zero: true });
});
