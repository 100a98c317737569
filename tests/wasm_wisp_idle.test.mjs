// wisp(url) keeps its WebSocket open for idleTimeout ms after its last
// stream ends (issue 15): back-to-back connections reuse one WebSocket
// (upgrades counted at a local wisp-js server), the idle socket closes
// after idleTimeout, idleTimeout 0 closes at once, a connect() during the
// idle period cancels the timer, transport.close() closes it (at once when
// idle, after the last stream otherwise), and a Node process whose last
// connection ended exits at once although its WebSocket is idle-open.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { pki } from './lib/pki.mjs';
import { startNode } from './lib/servers.mjs';
import { SKIP, JS, startWisp, readBytes, pem } from './lib/wasm.mjs';
import * as mod from '../js/index.js';

const P = SKIP ? null : pki();
const CA = SKIP ? null : pem(P.ca);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A new connection after one echo round trip: the socket, with more()
// for another round trip.
async function echo(port, transport, opts = {}) {
  const s = mod.connect({ hostname: 'localhost', port }, { ca: CA, transport, sessionCache: false, ...opts });
  await s.opened;
  const w = s.writable.getWriter();
  const r = s.readable.getReader();
  s.more = async () => {
    const msg = crypto.randomBytes(1000);
    await w.write(msg);
    assert.equal(Buffer.compare(await readBytes(r, msg.length), msg), 0);
  };
  await s.more();
  return s;
}

// Waits until cond() holds (polling), at most ms; returns the time waited.
async function until(cond, ms, what) {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) assert.fail(`${what}: not within ${ms} ms`);
    await sleep(10);
  }
  return Date.now() - t0;
}

async function setup(t) {
  const srv = await startNode({ cert: P.p256.chain, key: P.p256.key });
  t.after(() => srv.stop());
  const w = await startWisp();
  t.after(() => w.stop());
  return { srv, w };
}

describe('wisp idle WebSocket', { skip: SKIP }, () => {
  test('back-to-back connections reuse one WebSocket (default idleTimeout)', async (t) => {
    const { srv, w } = await setup(t);
    const transport = mod.wisp(w.url);
    t.after(() => transport.close());
    for (let i = 0; i < 5; i++) await (await echo(srv.port, transport)).close();
    await sleep(50);
    assert.equal(w.upgrades(), 1, 'one WebSocket for 5 sequential connections');
    assert.equal(w.openSockets(), 1, 'still open while idle');
    // another wisp(url) without options shares it too
    await (await echo(srv.port, mod.wisp(w.url))).close();
    assert.equal(w.upgrades(), 1);
    await transport.close();
    await until(() => w.openSockets() === 0, 2000, 'close() closes the idle WebSocket');
    // and the transport goes on with a new one
    await (await echo(srv.port, transport)).close();
    assert.equal(w.upgrades(), 2);
  });

  test('the idle WebSocket closes after idleTimeout', async (t) => {
    const { srv, w } = await setup(t);
    const transport = mod.wisp(w.url, { idleTimeout: 1000 });
    t.after(() => transport.close());
    await (await echo(srv.port, transport)).close();
    const t0 = Date.now();
    await sleep(200);
    assert.equal(w.openSockets(), 1, 'open during the idle period');
    await until(() => w.openSockets() === 0, 5000, 'closed after idleTimeout');
    assert.ok(Date.now() - t0 >= 950, `closed after ${Date.now() - t0} ms, not before idleTimeout`);
    await (await echo(srv.port, transport)).close();
    assert.equal(w.upgrades(), 2, 'a new WebSocket after the idle one closed');
  });

  test('idleTimeout 0 closes the WebSocket with its last stream', async (t) => {
    const { srv, w } = await setup(t);
    const transport = mod.wisp(w.url, { idleTimeout: 0 });
    await (await echo(srv.port, transport)).close();
    await until(() => w.openSockets() === 0, 1000, 'closed at once');
    await (await echo(srv.port, transport)).close();
    assert.equal(w.upgrades(), 2, 'each connection its own WebSocket');
    await until(() => w.openSockets() === 0, 1000, 'closed at once');
  });

  test('a connect() during the idle period cancels the timer', async (t) => {
    const { srv, w } = await setup(t);
    const transport = mod.wisp(w.url, { idleTimeout: 1000 });
    t.after(() => transport.close());
    await (await echo(srv.port, transport)).close();
    await sleep(300);
    const s = await echo(srv.port, transport);  // reuses the idle WebSocket
    await sleep(1000);                           // past the first idle timer
    assert.equal(w.openSockets(), 1, 'the first idle timer did not close it');
    await s.more();                              // and the stream still works
    await s.close();
    assert.equal(w.upgrades(), 1);
    await until(() => w.openSockets() === 0, 5000, 'closed after the second idle period');
  });

  test('close() with an open connection: it goes on, then the WebSocket closes', async (t) => {
    const { srv, w } = await setup(t);
    const transport = mod.wisp(w.url, { idleTimeout: 60000 });
    const s = await echo(srv.port, transport);
    let closed = false;
    const closing = transport.close().then(() => { closed = true; });
    await sleep(100);
    assert.equal(closed, false);
    assert.equal(w.openSockets(), 1);
    await s.more();
    await s.close();
    await closing;
    await until(() => w.openSockets() === 0, 2000, 'closed after the last stream');
    assert.equal(w.upgrades(), 1);
  });

  test('bad idleTimeout is bad_config', () => {
    for (const v of [-1, '10', NaN]) {
      assert.throws(() => mod.wisp('ws://127.0.0.1:1/', { idleTimeout: v }), (e) => e.code === 'bad_config' && /idleTimeout/.test(e.reason));
    }
  });

  test('a Node process exits promptly with its WebSocket idle-open (no close())', async (t) => {
    const { srv, w } = await setup(t);
    const index = pathToFileURL(path.join(JS, 'index.js')).href;
    const script = `
      import * as wt from ${JSON.stringify(index)};
      import fs from 'node:fs';
      const ca = fs.readFileSync(${JSON.stringify(P.ca)}, 'utf8');
      const transport = wt.wisp(process.argv[1]);
      for (let i = 0; i < 2; i++) {
        const s = wt.connect({ hostname: 'localhost', port: Number(process.argv[2]) }, { ca, transport });
        await s.opened;
        const wr = s.writable.getWriter();
        await wr.write(new TextEncoder().encode('ping'));
        const { value } = await s.readable.getReader().read();
        if (new TextDecoder().decode(value) !== 'ping') process.exit(3);
        await s.close();
      }
      console.log('done');
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, w.url, String(srv.port)]);
    let out = '', err = '', doneAt = 0;
    child.stdout.on('data', (d) => { out += d; if (!doneAt && out.includes('done')) doneAt = Date.now(); });
    child.stderr.on('data', (d) => { err += d; });
    const killer = setTimeout(() => child.kill('SIGKILL'), 25000);
    const code = await new Promise((r) => child.on('close', r));
    clearTimeout(killer);
    const exitAt = Date.now();
    assert.equal(code, 0, err);
    assert.ok(doneAt, out);
    assert.ok(exitAt - doneAt < 3000, `exited ${exitAt - doneAt} ms after its last connection`);
    assert.equal(w.upgrades(), 1, 'its two connections shared one WebSocket');
  });
});
