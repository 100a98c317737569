// The Wisp transport against @mercuryworkshop/wisp-js's server (in this
// process) to local TLS servers: 32 concurrent connections over one
// WebSocket, a multi-MiB transfer with matching SHA-256 (CONTINUE flow
// control), a refused target, and the Node CLI's --wisp.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { spawn } from 'node:child_process';
import { pki } from './lib/pki.mjs';
import { startNode, freePort } from './lib/servers.mjs';
import { SKIP, startWisp, readAll, readBytes, pem, NODE_CLI } from './lib/wasm.mjs';
import * as mod from '../js/index.js';

const P = SKIP ? null : pki();
const CA = SKIP ? null : pem(P.ca);

describe('wisp transport', { skip: SKIP }, () => {
  test('32 concurrent echo connections share one Wisp WebSocket', async (t) => {
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key });
    t.after(() => srv.stop());
    const w = await startWisp();
    t.after(() => w.stop());
    const transport = mod.wisp(w.url);
    const results = await Promise.all(Array.from({ length: 32 }, async (_, i) => {
      const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA, transport });
      await s.opened;
      const msg = crypto.randomBytes(20000 + i * 997);
      const wr = s.writable.getWriter();
      const reader = s.readable.getReader();
      await wr.write(msg);
      const got = await readBytes(reader, msg.length);
      await s.close();
      return Buffer.compare(got, msg) === 0;
    }));
    assert.deepEqual(results, Array(32).fill(true));
    assert.equal(w.upgrades(), 1, 'one WebSocket for all 32 connections');
  });

  test('8 MiB upload echoed back over Wisp with matching SHA-256', async (t) => {
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key });
    t.after(() => srv.stop());
    const w = await startWisp();
    t.after(() => w.stop());
    const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA, transport: mod.wisp(w.url) });
    await s.opened;
    const size = 8 << 20;
    const hw = crypto.createHash('sha256');
    const writer = s.writable.getWriter();
    const writing = (async () => {
      for (let i = 0; i < size / 65536; i++) {
        const c = crypto.randomBytes(65536);
        hw.update(c);
        await writer.write(c);
      }
    })();
    const hr = crypto.createHash('sha256');
    const reader = s.readable.getReader();
    let n = 0;
    while (n < size) {
      const { value, done } = await reader.read();
      if (done) break;
      hr.update(value);
      n += value.length;
    }
    await writing;
    assert.equal(n, size);
    assert.equal(hr.digest('hex'), hw.digest('hex'));
    await s.close();
  });

  test('refused target -> TLSError io_error from the proxy', async (t) => {
    const w = await startWisp();
    t.after(() => w.stop());
    const port = await freePort();
    const s = mod.connect({ hostname: 'localhost', port }, { ca: CA, transport: mod.wisp(w.url) });
    await assert.rejects(s.opened, (e) => e instanceof mod.TLSError && e.code === 'io_error' && /wisp/.test(e.reason));
  });

  test('Node CLI --wisp --json --http', async (t) => {
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key,
      onConnection: (sock) => sock.once('data', () => sock.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello')) });
    t.after(() => srv.stop());
    const w = await startWisp();
    t.after(() => w.stop());
    const child = spawn(process.execPath, [NODE_CLI, '--cafile', P.ca, '--json', '-q', '--wisp', w.url, '--http', '/', `localhost:${srv.port}`]);
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const code = await new Promise((r) => child.on('close', r));
    assert.equal(code, 0, err);
    assert.match(out, /\r\n\r\nhello$/);
    const json = JSON.parse(err.split('\n').find((l) => l.startsWith('{')));
    assert.equal(json.version, 'TLSv1.3');
    assert.equal(json.servername, 'localhost');
  });
});
