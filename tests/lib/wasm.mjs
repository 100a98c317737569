// Helpers for the wasm / npm package tests: websockify processes, the
// package entry points, and reading a socket to the end.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './cli.mjs';
import { freePort, waitForPort } from './servers.mjs';

export const SKIP = process.env.WT_NATIVE_ONLY ? 'WT_NATIVE_ONLY: wasm tests skipped' : false;
export const JS = path.join(ROOT, 'js');
export const WASM = path.join(JS, 'dist', 'wasmtls.wasm');
export const NODE_CLI = path.join(JS, 'bin', 'wasmtls.mjs');

const children = new Set();
process.on('exit', () => { for (const c of children) { try { c.kill('SIGKILL'); } catch { /* */ } } });

// websockify LISTEN -> 127.0.0.1:targetPort. Returns {port, url, stop()}.
export async function startWebsockify(targetPort) {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn('websockify', [`127.0.0.1:${port}`, `127.0.0.1:${targetPort}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    let exited = false;
    child.on('exit', () => { exited = true; children.delete(child); });
    const stop = () => new Promise((resolve) => {
      if (exited) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => { try { child.kill('SIGKILL'); } catch { /* */ } }, 2000).unref();
    });
    try {
      await waitForPort(port, 10000);
      return { port, url: `ws://127.0.0.1:${port}/`, stop, output: () => output };
    } catch (e) {
      await stop();
      if (attempt >= 2) throw new Error(`websockify did not start: ${output}`);
    }
  }
}

export async function readAll(readable) {
  const chunks = [];
  for await (const c of readable) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Reads from a stream reader until n bytes (or the end) arrived. */
export async function readBytes(reader, n) {
  const got = [];
  let have = 0;
  while (have < n) {
    const { value, done } = await reader.read();
    if (done) break;
    got.push(value);
    have += value.length;
  }
  return Buffer.concat(got);
}

export const pem = (f) => fs.readFileSync(f, 'utf8');

// A Wisp server (@mercuryworkshop/wisp-js) on 127.0.0.1 in this process,
// allowed to reach loopback targets. Returns {url, stop(), upgrades()
// (WebSockets accepted so far), openSockets() (those still open)}.
export async function startWisp() {
  const { server: wispServer, logging } = await import('@mercuryworkshop/wisp-js/server');
  logging.set_level(logging.ERROR);
  wispServer.options.allow_loopback_ips = true;
  wispServer.options.allow_private_ips = true;
  const http = await import('node:http');
  const srv = http.createServer((req, res) => { res.writeHead(404); res.end(); });
  let upgrades = 0;
  const sockets = new Set();
  srv.on('upgrade', (req, socket, head) => {
    upgrades++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    wispServer.routeRequest(req, socket, head);
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return {
    url: `ws://127.0.0.1:${srv.address().port}/`,
    upgrades: () => upgrades,
    openSockets: () => sockets.size,
    stop: () => new Promise((r) => { for (const s of sockets) s.destroy(); srv.close(() => r()); }),
  };
}
