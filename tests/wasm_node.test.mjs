// wasmtls/node: the https module over the Duplex adapter, directly and
// through websockify; examples/node-duplex.mjs end to end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pki } from './lib/pki.mjs';
import { ROOT } from './lib/cli.mjs';
import { SKIP, startWebsockify } from './lib/wasm.mjs';

const P = SKIP ? null : pki();

async function httpsServer(t) {
  const srv = https.createServer({ cert: fs.readFileSync(P.p256.chain), key: fs.readFileSync(P.p256.key), minVersion: 'TLSv1.3' },
    (req, res) => { res.setHeader('content-type', 'text/plain'); res.end(`hello ${req.url} over ${req.socket.getProtocol()}`); });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => new Promise((r) => { srv.closeAllConnections(); srv.close(() => r()); }));
  return srv.address().port;
}

test('https.get over wasmtls/node (TCP and websockify)', { skip: SKIP }, async (t) => {
  const { connect } = await import('../js/node.js');
  const { websocket } = await import('../js/index.js');
  const port = await httpsServer(t);
  const wsf = await startWebsockify(port);
  t.after(() => wsf.stop());
  for (const transport of [undefined, websocket(wsf.url)]) {
    const body = await new Promise((resolve, reject) => {
      https.get({ host: 'localhost', port, path: '/x',
        createConnection: (o) => connect({ host: 'localhost', port, ca: fs.readFileSync(P.ca, 'utf8'), transport }) }, (res) => {
        let b = '';
        res.on('data', (d) => { b += d; });
        res.on('end', () => resolve(b));
      }).on('error', reject);
    });
    assert.equal(body, 'hello /x over TLSv1.3');
  }
});

test('wasmtls/node errors reach the https request as TLSError', { skip: SKIP }, async (t) => {
  const { connect } = await import('../js/node.js');
  const port = await httpsServer(t);
  const err = await new Promise((resolve) => {
    https.get({ host: 'localhost', port, createConnection: () => connect({ host: 'localhost', port }) },
      () => resolve(null)).on('error', resolve);
  });
  assert.equal(err && err.name, 'TLSError');
  assert.equal(err.code, 'unknown_ca');
});

test('examples/node-duplex.mjs through websockify', { skip: SKIP }, async (t) => {
  const port = await httpsServer(t);
  const wsf = await startWebsockify(port);
  t.after(() => wsf.stop());
  const child = spawn(process.execPath, [path.join(ROOT, 'examples', 'node-duplex.mjs'), `https://localhost:${port}/demo`,
    '--ws', wsf.url, '--cafile', P.ca]);
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const code = await new Promise((r) => child.on('close', r));
  assert.equal(code, 0, out);
  assert.match(out, /HTTP 200/);
  assert.match(out, /hello \/demo over TLSv1\.3/);
});
