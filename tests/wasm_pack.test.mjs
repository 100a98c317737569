// The npm package as users get it: `npm pack` of js/, installed into an
// empty project (dependencies from the npm cache), imported by name, and
// used for a real handshake + HTTP GET against openssl s_server -www; the
// packed CLI (`npx wasmtls`) too.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SKIP, JS, WASM } from './lib/wasm.mjs';

const run = promisify(execFile);
const skip = SKIP || (!fs.existsSync(WASM) && 'wasm build missing (make build-wasm)');

test('npm pack installs and runs in Node 20', { skip, timeout: 180000 }, async (t) => {
  const { pki } = await import('./lib/pki.mjs');
  const { startOpenssl } = await import('./lib/servers.mjs');
  const P = pki();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wt-pack-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const packed = await run('npm', ['pack', JS, '--pack-destination', dir, '--json'], { cwd: dir });
  const [info] = JSON.parse(packed.stdout);
  const files = info.files.map((f) => f.path);
  for (const f of ['package.json', 'index.js', 'index.d.ts', 'node.js', 'dist/wasmtls.mjs', 'dist/wasmtls.wasm', 'dist/wasmtls-nosimd.wasm', 'dist/roots.bin', 'bin/wasmtls.mjs']) {
    assert.ok(files.includes(f), `${f} missing from the tarball: ${files.join(', ')}`);
  }
  const app = path.join(dir, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(dir, info.filename)], { cwd: app });

  const server = await startOpenssl({ cert: P.p256.cert, key: P.p256.key, chain: P.p256.chain, mode: 'www' });
  t.after(() => server.stop());
  fs.writeFileSync(path.join(app, 'get.mjs'), `
    import fs from 'node:fs';
    import { connect } from 'wasmtls';
    const s = connect({ hostname: 'localhost', port: ${server.port} }, { ca: fs.readFileSync(${JSON.stringify(P.ca)}, 'utf8') });
    const info = await s.opened;
    const w = s.writable.getWriter();
    await w.write(new TextEncoder().encode('GET / HTTP/1.0\\r\\n\\r\\n'));
    let body = '';
    for await (const chunk of s.readable) body += new TextDecoder().decode(chunk);
    console.log(JSON.stringify({ version: info.version, cipher: info.cipher, status: body.split('\\r\\n')[0] }));
  `);
  const out = await run(process.execPath, ['get.mjs'], { cwd: app, timeout: 30000 });
  const got = JSON.parse(out.stdout.trim().split('\n').pop());
  assert.equal(got.version, 'TLSv1.3');
  assert.match(got.cipher, /^TLS_/);
  assert.match(got.status, /^HTTP\/1\.0 200/);

  // The installed CLI, same contract as the native one.
  const cli = await run('npx', ['--no-install', 'wasmtls', '--cafile', P.ca, '--json', '--http', '/', `localhost:${server.port}`],
    { cwd: app, timeout: 30000 });
  const json = JSON.parse(cli.stderr.split('\n').find((l) => l.startsWith('{')));
  assert.equal(json.version, 'TLSv1.3');
  assert.match(cli.stdout, /^HTTP\/1\.0 200/);
});
