// Helpers for the WASI tests (tests/wasi_stdio.test.mjs,
// tests/wasi_component.test.mjs).
//
//   SKIP_WASI            a reason string when WT_NATIVE_ONLY is set (the
//                        ASan pass of `make test`), else false
//   runP1(args, opts)    build/wasi/wasmtls.wasm under node:wasi in a child
//                        process (tests/lib/wasi_p1_runner.mjs); with
//                        opts.port its stdin/stdout are bridged to a TCP
//                        connection to 127.0.0.1:port (--transport stdio)
//   runComponent(args, opts)
//                        build/wasi/wasmtls.component.wasm under jco with
//                        the preopens of opts.preopens set by
//                        tests/lib/wasi_jco_preopens.mjs (--jco-import):
//                        `node DIR/_run.js ...`, DIR transpiled once per
//                        test process by `jco run --jco-dir DIR` (the
//                        process `jco run` itself spawns after its
//                        transpile step: ~0.6 s of CPU instead of ~3 s);
//                        with opts.jcoRun a full `jco run ...`
//   startFaultServer(kind)  a raw TCP server on 127.0.0.1 that misbehaves:
//                        'close' (reads the ClientHello, closes),
//                        'garbage' (answers with HTTP), 'oversized' (a
//                        handshake record header announcing 2^14+257 bytes)
//
// Results: {code, signal, stderr, stdout, json, error, trap, ms}; json and
// error as in tests/lib/cli.mjs; trap is true when the output shows a wasm
// trap or a JS exception instead of the CLI's own exit. Every run has a
// timeout and is killed when it trips (the promise rejects).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT, clientEnv, parseStderr } from './cli.mjs';

export const WASI_DIR = path.join(ROOT, 'build', 'wasi');
export const P1_WASM = path.join(WASI_DIR, 'wasmtls.wasm');
export const COMPONENT = path.join(WASI_DIR, 'wasmtls.component.wasm');
export const SKIP_WASI = process.env.WT_NATIVE_ONLY ? 'WT_NATIVE_ONLY: WASI tests run on the release pass only' : false;

const RUNNER = path.join(ROOT, 'tests', 'lib', 'wasi_p1_runner.mjs');
const JCO = path.join(ROOT, 'node_modules', '@bytecodealliance', 'jco', 'dist', 'jco.js');
const JCO_PREOPENS = path.join(ROOT, 'tests', 'lib', 'wasi_jco_preopens.mjs');

const TRAP_RE = /wasm trap|RuntimeError|wasm:\/\/|Maximum call stack|Unhandled|\n\s+at \S+ \(file:/;

function finish(child, { timeout, label, started, onClose }) {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const out = [];
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeout);
    child.stderr.on('data', (d) => { stderr += d.toString('utf8'); });
    if (child.stdout) child.stdout.on('data', (d) => out.push(d));
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (onClose) onClose();
      const stdoutBuf = Buffer.concat(out);
      const res = {
        code, signal, stderr, stdoutBuf, stdout: stdoutBuf.toString('utf8'),
        ...parseStderr(stderr), trap: TRAP_RE.test(stderr), ms: Date.now() - started,
      };
      if (timedOut) {
        const e = new Error(`${label} timed out after ${timeout} ms\nstderr: ${stderr.slice(-2000)}`);
        e.result = res;
        reject(e);
      } else {
        resolve(res);
      }
    });
  });
}

// opts: port (bridge stdio to 127.0.0.1:port), preopens {guest: host},
// timeout (ms, default 20000), direct (with port: hand the connected TCP
// socket itself to the child as fd 0 and 1 — a non-blocking file
// description shared with this process, so reads can return EAGAIN)
export async function runP1(args, opts = {}) {
  if (opts.port && opts.direct) {
    const started = Date.now();
    const sock = net.connect({ port: opts.port, host: '127.0.0.1' });
    await new Promise((resolve, reject) => { sock.once('connect', resolve); sock.once('error', reject); });
    sock.pause();
    const child = spawn(process.execPath, ['--no-warnings', RUNNER, P1_WASM, JSON.stringify(opts.preopens || {}), ...args], {
      stdio: [sock, sock, 'pipe'], env: clientEnv(),
    });
    return finish(child, {
      timeout: opts.timeout ?? 20000, label: `wasmtls.wasm ${args.join(' ')}`, started,
      onClose: () => sock.destroy(),
    });
  }
  const started = Date.now();
  const child = spawn(process.execPath, ['--no-warnings', RUNNER, P1_WASM, JSON.stringify(opts.preopens || {}), ...args], {
    stdio: ['pipe', opts.port ? 'pipe' : 'pipe', 'pipe'], env: clientEnv(),
  });
  child.stdin.on('error', () => {});
  let sock = null;
  if (opts.port) {
    // TCP <-> the child's fd 0/1. The child's pipes block, so node:wasi's
    // synchronous reads wait for data; this process does the async part.
    sock = net.connect({ port: opts.port, host: '127.0.0.1' });
    sock.setNoDelay(true);
    sock.on('error', () => { child.stdin.end(); });
    sock.on('data', (d) => child.stdin.write(d));
    sock.on('end', () => child.stdin.end());
    sock.on('close', () => child.stdin.end());
    child.stdout.on('data', (d) => { if (!sock.destroyed) sock.write(d); });
    child.stdout.on('end', () => { if (!sock.destroyed) sock.end(); });
  } else if (opts.input !== undefined) {
    child.stdin.end(opts.input);
  } else {
    child.stdin.end();
  }
  return finish(child, {
    timeout: opts.timeout ?? 20000,
    label: `wasmtls.wasm ${args.join(' ')}`,
    started,
    onClose: () => { if (sock) sock.destroy(); },
  }).then((res) => (opts.port ? { ...res, stdout: '', stdoutBuf: Buffer.alloc(0) } : res));
}

// `jco run --jco-dir DIR --jco-import ... COMPONENT --help`, once per test
// process: resolves to DIR/_run.js (as tests/lib/launchers.mjs
// wasiComponent does for the hostile suite).
let transpiled = null;
function transpileOnce() {
  if (transpiled) return transpiled;
  transpiled = (async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wt-jco-'));
    process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
    const dir = path.join(tmp, 'jco');
    const child = spawn(process.execPath, [JCO, 'run', '--jco-dir', dir, '--jco-import', JCO_PREOPENS, COMPONENT, '--help'], {
      stdio: ['ignore', 'ignore', 'pipe'], env: clientEnv({ NODE_NO_WARNINGS: '1' }),
    });
    const res = await finish(child, { timeout: 120000, label: 'jco run --jco-dir', started: Date.now() });
    const run = path.join(dir, '_run.js');
    if (res.code !== 0 || !fs.existsSync(run)) throw new Error(`jco run --jco-dir failed (exit ${res.code})\n${res.stderr.slice(-2000)}`);
    return run;
  })();
  return transpiled;
}

// opts: preopens {guest: host}, input (stdin), timeout (default 40000),
// jcoRun (a full `jco run`, transpile included, instead of the
// transpiled-once _run.js)
export async function runComponent(args, opts = {}) {
  const started = Date.now();
  const argv = opts.jcoRun ? [JCO, 'run', '--jco-import', JCO_PREOPENS, COMPONENT, ...args] : [await transpileOnce(), ...args];
  const child = spawn(process.execPath, argv, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: clientEnv({ WT_JCO_PREOPENS: JSON.stringify(opts.preopens || {}), NODE_NO_WARNINGS: '1' }),
  });
  child.stdin.on('error', () => {});
  if (opts.input !== undefined) child.stdin.write(opts.input);
  if (!opts.keepStdinOpen) child.stdin.end();
  return finish(child, { timeout: opts.timeout ?? 40000, label: `${opts.jcoRun ? 'jco run' : 'jco _run.js'} wasmtls.component.wasm ${args.join(' ')}`, started });
}

export function describeRun(res) {
  return `exit ${res.code}${res.signal ? ` (${res.signal})` : ''} in ${res.ms} ms\nstderr:\n${res.stderr.slice(-3000)}` +
    (res.stdout ? `\nstdout: ${res.stdout.slice(0, 300)}` : '');
}

// Raw TCP servers that break the protocol.
export function startFaultServer(kind) {
  const sockets = new Set();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    let got = Buffer.alloc(0);
    s.on('data', (d) => {
      got = Buffer.concat([got, d]);
      // wait for the whole ClientHello record
      if (got.length < 5 || got.length < 5 + got.readUInt16BE(3)) return;
      if (kind === 'close') {
        s.destroy();
      } else if (kind === 'garbage') {
        s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
      } else if (kind === 'oversized') {
        // handshake record, legacy version 0x0303, length 2^14 + 257
        // (RFC 8446 5.1: a plaintext record is at most 2^14 bytes)
        const len = 16384 + 257;
        const rec = Buffer.alloc(5 + len, 0x41);
        rec[0] = 22; rec[1] = 3; rec[2] = 3; rec.writeUInt16BE(len, 3);
        s.write(rec);
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: server.address().port,
        stop: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
      });
    });
  });
}

// A port on 127.0.0.1 with nothing listening (bound, then closed).
export function closedPort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

export function artifactsPresent() {
  return fs.existsSync(P1_WASM) && fs.existsSync(COMPONENT);
}

// Splits each test-PKI entry's chain into files under dir: the leaf alone,
// the extra certificates, and the full chain (s_server's -cert / -cert_chain
// and gnutls-serv's chain file), for the named entries of P.
export function splitCerts(P, dir, names) {
  const blocks = (f) => fs.readFileSync(f, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  let n = 0;
  const split = (entry) => {
    const all = blocks(entry.chain);
    const id = ++n;
    const cert = path.join(dir, `leaf${id}.pem`);
    fs.writeFileSync(cert, all[0] + '\n');
    let chain;
    if (all.length > 1) {
      chain = path.join(dir, `extras${id}.pem`);
      fs.writeFileSync(chain, all.slice(1).join('\n') + '\n');
    }
    const full = path.join(dir, `full${id}.pem`);
    fs.writeFileSync(full, all.join('\n') + '\n');
    return { cert, chain, key: entry.key, full, count: all.length };
  };
  return Object.fromEntries(Object.entries(names).map(([k, v]) => [k, split(P[v])]));
}
