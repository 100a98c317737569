// Truncation after our own half-close (issue 10): the client sends its
// request, sends close_notify (stdin EOF / writable.close() / Duplex end())
// and reads to the end; the server sends part of a response, then its TCP
// connection ends with a FIN but no close_notify. That is a truncation
// attack's signature (RFC 8446 6.1) and must be reported: by the native CLI
// and the Node CLI alike (same arguments, exit 1, "error: truncated"), by
// connect()'s readable and closed, and by the wasmtls/node Duplex.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import { pki } from './lib/pki.mjs';
import { startNode } from './lib/servers.mjs';
import { CLI } from './lib/cli.mjs';
import { SKIP, NODE_CLI, pem } from './lib/wasm.mjs';
import * as mod from '../js/index.js';

const P = SKIP ? null : pki();
const CA = SKIP ? null : pem(P.ca);
const MARK = 'PARTIAL-BODY-END';
const REQUEST = 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n';
const noop = () => {};

// A node:tls server (it keeps its side open after our close_notify) behind
// a TCP relay. The server answers a request with the head of a 100000-byte
// response and 1000 bytes of it; cut() then ends the relay's client side
// with a FIN, so the client sees EOF without close_notify.
async function cuttableServer(t) {
  const srv = await startNode({ cert: P.p256.chain, key: P.p256.key, tlsOptions: { allowHalfOpen: true },
    onConnection: (sock) => {
      let req = '';
      let sent = false;
      sock.on('data', (d) => {
        req += d;
        if (!sent && req.includes('\r\n\r\n')) {
          sent = true;
          sock.write(`HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n${'x'.repeat(1000 - MARK.length)}${MARK}`);
        }
      });
      sock.on('end', noop); // our close_notify: the server does not answer it
    } });
  t.after(() => srv.stop());
  const pairs = [];
  const relay = net.createServer((c) => {
    const up = net.connect(srv.port, '127.0.0.1');
    c.on('error', noop);
    up.on('error', noop);
    c.pipe(up);
    up.pipe(c);
    pairs.push({ c, up });
  });
  await new Promise((r) => relay.listen(0, '127.0.0.1', r));
  t.after(() => new Promise((r) => { for (const { c, up } of pairs) { c.destroy(); up.destroy(); } relay.close(() => r()); }));
  return {
    port: relay.address().port,
    cut() {
      for (const { c, up } of pairs) {
        up.unpipe(c);
        up.destroy();
        c.end(); // FIN, no close_notify
      }
    },
  };
}

// Runs a CLI with the request on stdin (then EOF: close_notify), cuts the
// connection once the partial body is on stdout, resolves {code, out, err}.
function runCutCli(cmd, srv) {
  const [file, ...pre] = cmd;
  const child = spawn(file, [...pre, '--cafile', P.ca, '-q', `localhost:${srv.port}`], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '', err = '', cut = false;
  child.stdout.on('data', (d) => {
    out += d;
    if (!cut && out.includes(MARK)) { cut = true; srv.cut(); }
  });
  child.stderr.on('data', (d) => { err += d; });
  child.stdin.on('error', noop);
  child.stdin.end(REQUEST);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err, cut })));
}

describe('truncation after our close_notify', { skip: SKIP }, () => {
  const clis = {
    native: [CLI],
    node: [process.execPath, NODE_CLI],
  };
  for (const [name, cmd] of Object.entries(clis)) {
    test(`${name} CLI: stdin EOF, partial response, FIN without close_notify -> exit 1 truncated`,
      { skip: name === 'native' && !fs.existsSync(CLI) ? `no native CLI at ${CLI}` : false }, async (t) => {
        const srv = await cuttableServer(t);
        const r = await runCutCli(cmd, srv);
        assert.ok(r.cut, `the partial body never arrived: ${r.err}`);
        assert.ok(r.out.startsWith('HTTP/1.1 200 OK'), r.out.slice(0, 200));
        assert.equal(r.code, 1, `exit ${r.code}, stderr:\n${r.err}`);
        assert.match(r.err, /^error: truncated: /m);
      });
  }

  test('connect(): writable.close() then read to the end -> readable and closed reject with truncated', async (t) => {
    const srv = await cuttableServer(t);
    const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA, sessionCache: false });
    await s.opened;
    const w = s.writable.getWriter();
    await w.write(new TextEncoder().encode(REQUEST));
    await w.close(); // close_notify: a half-close, the response is still wanted
    const reader = s.readable.getReader();
    let got = '';
    while (!got.includes(MARK)) {
      const { value, done } = await reader.read();
      assert.ok(!done, 'the stream ended before the partial body');
      got += Buffer.from(value).toString('latin1');
    }
    srv.cut();
    await assert.rejects((async () => { for (;;) { const { done } = await reader.read(); if (done) return; } })(),
      (e) => e instanceof mod.TLSError && e.code === 'truncated');
    await assert.rejects(s.closed, { code: 'truncated' });
  });

  test('connect(): close() of the whole socket still ends quietly', async (t) => {
    const srv = await cuttableServer(t);
    const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA, sessionCache: false });
    await s.opened;
    const w = s.writable.getWriter();
    await w.write(new TextEncoder().encode(REQUEST));
    const reader = s.readable.getReader();
    let got = '';
    while (!got.includes(MARK)) got += Buffer.from((await reader.read()).value).toString('latin1');
    const closing = s.close(); // the application is done with the socket
    srv.cut();
    await closing;
    await s.closed; // resolves: the user closed it, truncation does not matter
  });

  test('wasmtls/node Duplex: end() then read to the end -> error truncated', async (t) => {
    const { connect } = await import('../js/node.js');
    const srv = await cuttableServer(t);
    const s = connect({ host: 'localhost', port: srv.port, ca: CA, sessionCache: false });
    let got = '';
    let ended = false;
    const err = await new Promise((resolve) => {
      s.on('data', (d) => {
        got += d.toString('latin1');
        if (got.includes(MARK) && !s._cut) { s._cut = true; srv.cut(); }
      });
      s.on('end', () => { ended = true; });
      s.on('error', resolve);
      s.on('close', () => resolve(null));
      s.write(REQUEST);
      s.end();
    });
    assert.ok(got.includes(MARK));
    assert.ok(err, `no error (end event: ${ended})`);
    assert.equal(err.code, 'truncated');
    assert.equal(ended, false, 'a truncated stream must not end cleanly');
  });
});
