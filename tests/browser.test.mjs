// A real browser: Debian's chromium (playwright-core) loads
// examples/browser/index.html, which imports the package without a bundler
// (import map -> js/dist/wasmtls.browser.mjs, the browser entry), fetches the wasm engine, connects through a
// real websockify to a local TLS 1.3 server and shows the response. The
// test reads what the page shows.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import fs from 'node:fs';
import { pki } from './lib/pki.mjs';
import { startOpenssl, startStreamingServer } from './lib/servers.mjs';
import { SKIP as WASM_SKIP, startWebsockify, startWisp, pem } from './lib/wasm.mjs';
import { CHROMIUM, startStatic, launchChromium } from './lib/wasm_browser.mjs';

const SKIP = WASM_SKIP || (!fs.existsSync(CHROMIUM) && `no chromium at ${CHROMIUM} (make setup installs it)`);
const P = SKIP ? null : pki();

// Node https server, TLS 1.3 only, test PKI (P-256 leaf + intermediate).
async function startHttps(opts = {}) {
  const srv = https.createServer({
    cert: fs.readFileSync(P.p256.chain), key: fs.readFileSync(P.p256.key),
    minVersion: 'TLSv1.3', ALPNProtocols: ['http/1.1'], ...opts,
  }, (req, res) => {
    const body = `hello from the wasmtls browser test: ${req.method} ${req.url} ` +
      `via ${req.socket.getProtocol()} ${req.socket.getCipher().standardName}\n`;
    res.writeHead(200, { 'content-type': 'text/plain', 'x-wasmtls-test': 'yes' });
    res.end(body);
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return { port: srv.address().port, stop: () => new Promise((r) => { srv.closeAllConnections(); srv.close(() => r()); }) };
}

describe('browser (chromium + playwright-core) through websockify and wisp', { skip: SKIP, concurrency: false, timeout: 180000 }, () => {
  let web, browser;
  before(async () => {
    web = await startStatic({ '/ca.pem': pem(P.ca), '/other-ca.pem': pem(P.otherCa) });
    browser = await launchChromium();
  });
  after(async () => {
    if (browser) await browser.close();
    if (web) await web.stop();
  });

  // Opens the example page with query parameters, waits for a final status.
  async function runPage(params) {
    const page = await browser.newPage();
    try {
      const q = new URLSearchParams({ run: '1', ...params });
      await page.goto(`${web.origin}/examples/browser/?${q}`, { timeout: 60000 });
      await page.waitForFunction(() => /^(done|error)/.test(document.getElementById('status').textContent),
        null, { timeout: 60000 }).catch(() => {});
      const get = (id) => page.locator(`#${id}`).textContent();
      return { status: await get('status'), info: await get('info'), response: await get('response') };
    } finally {
      await page.close();
    }
  }

  test('GET through websockify -> Node https server: response and handshake info shown in the page', async (t) => {
    const srv = await startHttps();
    t.after(() => srv.stop());
    const wsp = await startWebsockify(srv.port);
    t.after(() => wsp.stop());
    const r = await runPage({ ws: wsp.url, host: 'localhost', port: String(srv.port), path: '/from-chromium', caUrl: '/ca.pem' });
    assert.equal(r.status, 'done', `${JSON.stringify(r)}\n${browser.logs.join('\n')}`);
    assert.match(r.response, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(r.response, /x-wasmtls-test: yes/i);
    // the server's own view of the connection matches the page's handshake info
    const m = r.response.match(/hello from the wasmtls browser test: GET \/from-chromium via (TLSv1\.3) (TLS_\w+)\n/);
    assert.ok(m, r.response);
    const info = JSON.parse(r.info);
    assert.equal(info.version, 'TLSv1.3');
    assert.equal(info.cipher, m[2]);
    assert.match(info.cipher, /^TLS_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)$/);
    assert.equal(info.group, 'x25519');
    assert.equal(info.alpn, 'http/1.1');
    assert.equal(info.verified, true);
    assert.equal(info.servername, 'localhost');
    assert.equal(info.peerCertificates, 1);   // the leaf (no keepChain)
    // the page loaded the package and the engine, and never the default roots (ca given)
    assert.ok(web.requests.includes('/js/dist/wasmtls.browser.mjs'));
    assert.ok(web.requests.includes('/js/dist/wasmtls.wasm'));
    assert.ok(!web.requests.includes('/js/dist/roots.bin'), web.requests.join(' '));
  });

  test('GET through a wisp-js server (the page picks host and port): the response, the CONNECT deferred without setImmediate', async (t) => {
    const srv = await startHttps();
    t.after(() => srv.stop());
    const w = await startWisp();
    t.after(() => w.stop());
    const r = await runPage({ ws: w.url, proto: 'wisp', host: 'localhost', port: String(srv.port), path: '/over-wisp', caUrl: '/ca.pem' });
    assert.equal(r.status, 'done', `${JSON.stringify(r)}\n${browser.logs.join('\n')}`);
    assert.match(r.response, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(r.response, /hello from the wasmtls browser test: GET \/over-wisp via TLSv1\.3/);
    assert.equal(JSON.parse(r.info).verified, true);
    assert.equal(w.upgrades(), 1);
  });

  test('openssl s_server -www (ChaCha20 only, RSA certificate) through websockify: the server status page', async (t) => {
    const srv = await startOpenssl({ cert: P.rsa2048.cert, key: P.rsa2048.key, chain: P.rsa2048.chain, mode: 'www',
      ciphersuites: 'TLS_CHACHA20_POLY1305_SHA256' });
    t.after(() => srv.stop());
    const wsp = await startWebsockify(srv.port);
    t.after(() => wsp.stop());
    const r = await runPage({ ws: wsp.url, host: 'localhost', port: String(srv.port), caUrl: '/ca.pem' });
    assert.equal(r.status, 'done', `${JSON.stringify(r)}\n${browser.logs.join('\n')}`);
    assert.match(r.response, /^HTTP\/1\.0 200 ok/);
    assert.match(r.response, /Cipher is TLS_CHACHA20_POLY1305_SHA256/);
    const info = JSON.parse(r.info);
    assert.equal(info.version, 'TLSv1.3');
    assert.equal(info.cipher, 'TLS_CHACHA20_POLY1305_SHA256');
    assert.match(info.sigalg, /^rsa_pss/);
  });

  test('a server under another root: the page shows unknown_ca, no response', async (t) => {
    const srv = await startHttps();
    t.after(() => srv.stop());
    const wsp = await startWebsockify(srv.port);
    t.after(() => wsp.stop());
    const r = await runPage({ ws: wsp.url, host: 'localhost', port: String(srv.port), caUrl: '/other-ca.pem' });
    assert.match(r.status, /^error: unknown_ca: /, JSON.stringify(r));
    assert.equal(r.response, '');
    assert.equal(r.info, '');
  });

  // Receive backpressure in the browser (issue 10): a server streams 16 MiB
  // while the page reads nothing. With WebSocketStream (Chromium) the
  // transport stops reading the WebSocket: bounded, then everything
  // arrives intact. With a plain WebSocket (no way to pause) it fails with
  // receive_buffer_full past maxReceiveBuffer instead of growing.
  async function streamInPage(t, { plain }) {
    const size = 16 << 20;
    const srv = await startStreamingServer({ cert: P.p256.chain, key: P.p256.key }, size);
    const { state } = srv;
    t.after(() => srv.stop());
    const wsp = await startWebsockify(srv.port);
    t.after(() => wsp.stop());
    const page = await browser.newPage();
    t.after(() => page.close());
    await page.goto(`${web.origin}/examples/browser/`, { timeout: 60000 });
    const r = await page.evaluate(async ({ url, port, ca, size, plain }) => {
      const mod = await import('/js/index.js');
      const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
      const limit = 1 << 20;
      const base = plain ? mod.websocket(url, { WebSocket, maxReceiveBuffer: limit }) : mod.websocket(url);
      let pair = null;
      const transport = { connect: async (h, p) => (pair = await base.connect(h, p)) };
      const s = mod.connect({ hostname: 'localhost', port }, { ca, transport, sessionCache: false });
      await s.opened;
      const st = pair.stats;
      // paused (WebSocketStream), or near the limit, where a plain
      // WebSocket's queue fails (bytes and a cost per message) and takes
      // no more
      while (!(st.paused || st.received > limit - (64 << 10))) await sleep(20);
      await sleep(500);
      const stalled = { ...st };
      const chunks = [];
      let got = 0, error = null, hash = null;
      try {
        const reader = s.readable.getReader();
        while (got < size) {
          const { value, done } = await reader.read();
          if (done) break;
          chunks.push(value);
          got += value.length;
        }
      } catch (e) { error = { code: e.code, reason: e.reason }; }
      if (!error) {
        const all = new Uint8Array(got);
        let o = 0;
        for (const c of chunks) { all.set(c, o); o += c.length; }
        hash = [...new Uint8Array(await crypto.subtle.digest('SHA-256', all))].map((b) => b.toString(16).padStart(2, '0')).join('');
      }
      await s.close();
      return { stalled, maxBuffered: st.maxBuffered, got, error, hash, limit, wss: typeof WebSocketStream === 'function' };
    }, { url: wsp.url, port: srv.port, ca: pem(P.ca), size, plain });
    return { r, size, state };
  }

  test('WebSocketStream: 16 MiB offered, nothing read: the transport pauses, stays bounded, then all of it intact', async (t) => {
    const { r, size, state } = await streamInPage(t, { plain: false });
    assert.ok(r.wss, 'this Chromium has WebSocketStream');
    assert.ok(r.stalled.paused, JSON.stringify(r));
    assert.ok(r.stalled.maxBuffered <= 512 << 10, JSON.stringify(r));
    assert.ok(r.stalled.received < 4 << 20, JSON.stringify(r));
    assert.equal(r.error, null, JSON.stringify(r));
    assert.equal(r.got, size);
    assert.equal(r.hash, state.hash);
    assert.ok(r.maxBuffered <= 512 << 10, JSON.stringify(r));
  });

  test('plain WebSocket (cannot pause): receive_buffer_full past maxReceiveBuffer, bounded', async (t) => {
    const { r } = await streamInPage(t, { plain: true });
    assert.equal(r.stalled.paused, false, JSON.stringify(r));
    assert.ok(r.stalled.maxBuffered <= r.limit + (256 << 10), JSON.stringify(r));
    assert.ok(r.stalled.received < 8 << 20, JSON.stringify(r));
    assert.equal(r.error && r.error.code, 'receive_buffer_full', JSON.stringify(r));
    assert.match(r.error.reason, /more than 1048576 bytes/);
  });

  test('websockify cannot reach its target: the page shows a TLSError', async (t) => {
    const srv = await startHttps();
    const port = srv.port;
    await srv.stop();
    const wsp = await startWebsockify(port);
    t.after(() => wsp.stop());
    const r = await runPage({ ws: wsp.url, host: 'localhost', port: String(port), caUrl: '/ca.pem' });
    assert.match(r.status, /^error: (connect_failed|io_error|truncated): /, JSON.stringify(r));
  });
});
