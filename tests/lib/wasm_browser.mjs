// Helpers for the real-browser tests: a static HTTP server for the example
// page and the package (repository layout: /examples/..., /js/...), and
// Debian's chromium driven by playwright-core.
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './cli.mjs';

export const CHROMIUM = process.env.WT_CHROMIUM || '/usr/bin/chromium';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.bin': 'application/octet-stream', '.pem': 'text/plain',
  '.json': 'application/json', '.css': 'text/css',
};

// Serves ROOT/examples and ROOT/js read-only, plus `extra` {urlPath: text}.
// Returns {port, origin, requests (paths asked for), stop()}.
export async function startStatic(extra = {}) {
  const requests = [];
  const srv = http.createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    requests.push(p);
    if (Object.hasOwn(extra, p)) {
      res.writeHead(200, { 'content-type': TYPES[path.extname(p)] || 'text/plain' });
      return res.end(extra[p]);
    }
    let file = path.join(ROOT, path.normalize(p));
    const okRoot = [path.join(ROOT, 'examples') + path.sep, path.join(ROOT, 'js') + path.sep];
    if (!okRoot.some((r) => file.startsWith(r))) { res.writeHead(403); return res.end(); }
    if (p.endsWith('/')) file = path.join(file, 'index.html');
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404); return res.end(); }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
      res.end(data);
    });
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const port = srv.address().port;
  return {
    port, origin: `http://127.0.0.1:${port}`, requests,
    stop: () => new Promise((r) => { srv.closeAllConnections(); srv.close(() => r()); }),
  };
}

// chromium (headless, fresh profile) -> {context, newPage(), close()}; every
// page's console errors and uncaught exceptions are collected in `logs`.
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'wt-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 60000,
  });
  const logs = [];
  const watch = (page) => {
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') logs.push(`console.${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  };
  context.on('page', watch);
  return {
    context, logs,
    newPage: async () => { const p = await context.newPage(); return p; },
    close: async () => {
      try { await context.close(); } finally { fs.rmSync(profile, { recursive: true, force: true }); }
    },
  };
}
