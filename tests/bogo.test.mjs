// The BoGo shim (tests/bogo/, build: ${WT_BUILD}/bogo_shim) against a
// runner played by this file: BoringSSL's ssl/test/runner protocol on a
// handful of cases. The real runner is not run here (see README.md,
// "Testing with BoGo").
//
// Per connection the runner listens, the shim dials, writes its -shim-id
// as a 64-bit little-endian integer, then runs TLS 1.3 as the client; the
// runner (here Node's tls, test PKI from tests/lib/pki.mjs) writes 32 bytes
// of 0x42 and wants them back XORed with 0xff, then closes. The 0-RTT case
// uses openssl s_server behind a proxy that strips the shim id.
//
// Every spawn and every wait has a timeout: no test can hang.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { pki } from './lib/pki.mjs';
import { startOpenssl } from './lib/servers.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHIM = path.resolve(ROOT, process.env.WT_BUILD || 'build/native', 'bogo_shim');
const P = pki();
const TIMEOUT = 20000;
const SHIM_ID = 0x0102030405060708n;   // > 2^32: the 64-bit LE encoding matters

const children = new Set();
process.on('exit', () => {
  for (const c of children) {
    try { c.kill('SIGKILL'); } catch { /* gone */ }
  }
});

// Runs the shim; resolves {code, signal, stdout, stderr}. Rejects if it
// outlives `timeout` (after killing it) or on an ASan/UBSan report.
function runShim(args, { timeout = TIMEOUT } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(SHIM, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bogo_shim ${args.join(' ')} timed out after ${timeout} ms\nstderr: ${stderr}`));
    }, timeout);
    child.on('error', (e) => { clearTimeout(timer); children.delete(child); reject(e); });
    // 'close', not 'exit': only then has all of stdout/stderr been read.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      if (/ERROR: (Address|Leak)Sanitizer|runtime error:/.test(stderr)) {
        reject(new Error(`bogo_shim ${args.join(' ')}: sanitizer report\n${stderr}`));
        return;
      }
      resolve({ code, signal, stdout, stderr });
    });
  });
}

const show = (r) => `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

// Reads exactly n bytes from a stream.
function readExact(stream, n, what = 'read') {
  return withTimeout(new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const onData = (d) => {
      got = Buffer.concat([got, d]);
      if (got.length >= n) {
        cleanup();
        if (got.length > n) stream.unshift(got.subarray(n));
        resolve(got.subarray(0, n));
      }
    };
    const onEnd = () => { cleanup(); reject(new Error(`${what}: EOF after ${got.length} of ${n} bytes`)); };
    const onError = (e) => { cleanup(); reject(e); };
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.pause();
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    stream.resume();
  }), TIMEOUT, what);
}

// Reads the 8-byte shim id from a fresh TCP connection, leaving whatever
// follows (the ClientHello) buffered for the TLS layer.
function readShimId(sock) {
  return withTimeout(new Promise((resolve, reject) => {
    const onReadable = () => {
      const b = sock.read(8);
      if (b !== null) {
        cleanup();
        resolve(b.readBigUInt64LE(0));
      }
    };
    const onEnd = () => { cleanup(); reject(new Error('EOF before the shim id')); };
    const onError = (e) => { cleanup(); reject(e); };
    const cleanup = () => {
      sock.off('readable', onReadable);
      sock.off('end', onEnd);
      sock.off('error', onError);
    };
    sock.on('readable', onReadable);
    sock.once('end', onEnd);
    sock.once('error', onError);
  }), TIMEOUT, 'shim id');
}

// The runner: a TCP listener on 127.0.0.1 whose connections start with the
// shim id, then go to a Node tls.Server (one per runner, so its ticket keys
// carry over to resumptions). accept() resolves {id, socket} per
// connection, socket being the server-side TLSSocket after its handshake.
async function startRunner(tlsOptions = {}, host = '127.0.0.1') {
  const tlsServer = tls.createServer({
    cert: fs.readFileSync(P.p256.chain),
    key: fs.readFileSync(P.p256.key),
    minVersion: 'TLSv1.3',
    maxVersion: 'TLSv1.3',
    ...tlsOptions,
  });
  const pending = [];   // connections in arrival order: {id, secure}
  const waiters = [];
  const raw = new Set();
  const deliver = (entry) => {
    const w = waiters.shift();
    if (w) w(entry);
    else pending.push(entry);
  };
  const server = net.createServer((sock) => {
    raw.add(sock);
    sock.on('close', () => raw.delete(sock));
    sock.on('error', () => {});
    const entry = {};
    entry.id = readShimId(sock);
    entry.secure = entry.id.then(() => new Promise((resolve, reject) => {
      const onSecure = (s) => { tlsServer.off('tlsClientError', onErr); resolve(s); };
      const onErr = (e) => { tlsServer.off('secureConnection', onSecure); reject(e); };
      tlsServer.once('secureConnection', onSecure);
      tlsServer.once('tlsClientError', onErr);
      tlsServer.emit('connection', sock);
    }));
    entry.id.catch(() => {});
    entry.secure.catch(() => {});
    deliver(entry);
  });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(0, host, resolve); });
  return {
    port: server.address().port,
    async accept() {
      const entry = pending.length ? pending.shift()
        : await withTimeout(new Promise((resolve) => waiters.push(resolve)), TIMEOUT, 'accept');
      const id = await entry.id;
      const socket = await withTimeout(entry.secure, TIMEOUT, 'TLS handshake');
      socket.on('error', () => {});
      return { id, socket };
    },
    close() {
      for (const s of raw) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

// The runner's doExchange: our message, (the shim's "hello" first if it
// writes first), the XORed echo, then close (close_notify + FIN).
async function exchange(socket, { shimWritesFirst = false, len = 32 } = {}) {
  const msg = Buffer.alloc(len, 0x42);
  socket.write(msg);
  if (shimWritesFirst) {
    const hello = await readExact(socket, 5, 'shim initial write');
    assert.equal(hello.toString(), 'hello');
  }
  const reply = await readExact(socket, len, 'echo');
  assert.deepEqual(reply, Buffer.alloc(len, 0x42 ^ 0xff));
  socket.end();
}

const base = (port) => ['-port', String(port), '-shim-id', SHIM_ID.toString(), '-trust-cert', P.ca];

describe('bogo_shim', () => {
  const runners = [];
  after(() => Promise.all(runners.map((r) => r.close())));
  const runner = async (opts, host) => {
    const r = await startRunner(opts, host);
    runners.push(r);
    return r;
  };

  test('shim id, TLS 1.3 handshake, XOR echo; peer verified against -trust-cert', async () => {
    const r = await runner();
    const shim = runShim([...base(r.port), '-verify-peer', '-expect-version', '772',
      '-expect-peer-cert-file', P.p256.chain, '-expect-peer-signature-algorithm', String(0x0403)]);
    const { id, socket } = await r.accept();
    assert.equal(id, SHIM_ID);
    assert.equal(socket.getProtocol(), 'TLSv1.3');
    assert.equal(socket.isSessionReused(), false);
    await exchange(socket);
    const res = await shim;
    assert.equal(res.code, 0, show(res));
    assert.equal(res.stderr, '', 'the runner wants an empty stderr on success');
  });

  test('-resume-count 1: a second connection, same shim id, resumed; -on-resume- flags', async () => {
    const r = await runner();
    // Node's server does not renew a ticket it resumed: no new session on
    // the second connection (the runner's Go server would send one).
    const shim = runShim([...base(r.port), '-resume-count', '1', '-on-resume-shim-writes-first',
      '-on-initial-expect-no-hrr', '-on-resume-expect-no-session']);
    const first = await r.accept();
    assert.equal(first.id, SHIM_ID);
    assert.equal(first.socket.isSessionReused(), false);
    await exchange(first.socket);
    const second = await r.accept();
    assert.equal(second.id, SHIM_ID, 'every connection starts with the shim id');
    assert.equal(second.socket.isSessionReused(), true, 'the second connection resumes');
    await exchange(second.socket, { shimWritesFirst: true });
    const res = await shim;
    assert.equal(res.code, 0, show(res));
    assert.equal(res.stderr, '');
  });

  test('-resume-count 1 -expect-session-miss fails when the session is resumed', async () => {
    const r = await runner();
    const shim = runShim([...base(r.port), '-resume-count', '1', '-on-resume-expect-session-miss']);
    await exchange((await r.accept()).socket);
    const second = await r.accept();
    assert.equal(second.socket.isSessionReused(), true);
    second.socket.write(Buffer.alloc(32, 0x42));
    const res = await shim;
    assert.equal(res.code, 1, show(res));
    assert.match(res.stderr, /^error: expectation_failed: session unexpectedly was reused/m);
  });

  test('-shim-writes-first over a non-blocking socket (-async, -read-size 7)', async () => {
    const r = await runner();
    const shim = runShim([...base(r.port), '-shim-writes-first', '-async', '-read-size', '7']);
    const { socket } = await r.accept();
    await exchange(socket, { shimWritesFirst: true, len: 100 });
    const res = await shim;
    assert.equal(res.code, 0, show(res));
    assert.equal(res.stderr, '');
  });

  test('-advertise-alpn (wire format), -expect-alpn, -cipher, -expect-cipher, -curves, -expect-curve-id', async () => {
    const r = await runner({ ALPNProtocols: ['h2'] });
    const shim = runShim([...base(r.port), '-advertise-alpn', '\x08http/1.1\x02h2', '-expect-alpn', 'h2',
      '-cipher', 'TLS_AES_256_GCM_SHA384', '-expect-cipher', String(0x1302),
      '-curves', '23', '-expect-curve-id', '23', '-expect-no-hrr', '-key-update',
      '-export-keying-material', '16', '-export-label', 'EXPORTER-bogo', '-export-context', 'ctx',
      '-use-export-context']);
    const { socket } = await r.accept();
    assert.equal(socket.alpnProtocol, 'h2');
    assert.equal(socket.getCipher().standardName, 'TLS_AES_256_GCM_SHA384');
    const ekm = await readExact(socket, 16, 'keying material');
    assert.deepEqual(ekm, socket.exportKeyingMaterial(16, 'EXPORTER-bogo', Buffer.from('ctx')));
    await exchange(socket);
    const res = await shim;
    assert.equal(res.code, 0, show(res));
    assert.equal(res.stderr, '');
  });

  test('a failed expectation exits 1 with the reason on stderr', async () => {
    const r = await runner({ ALPNProtocols: ['h2'] });
    const shim = runShim([...base(r.port), '-advertise-alpn', '\x02h2', '-expect-alpn', 'http/1.1']);
    const { socket } = await r.accept();
    socket.write(Buffer.alloc(32, 0x42));
    const res = await shim;
    assert.equal(res.code, 1, show(res));
    assert.match(res.stderr, /^error: expectation_failed: negotiated alpn proto mismatch/m);

    const shim2 = runShim([...base(r.port), '-expect-cipher', String(0x1303),
      '-cipher', 'TLS_AES_128_GCM_SHA256']);
    const c2 = await r.accept();
    c2.socket.write(Buffer.alloc(32, 0x42));
    const res2 = await shim2;
    assert.equal(res2.code, 1, show(res2));
    assert.match(res2.stderr, /^error: expectation_failed: cipher ID was 1301, wanted 1303/m);
  });

  test('an engine failure exits 1 with wt_error_name and the reason', async () => {
    // -verify-peer against the wrong root: our chain check fails.
    const r = await runner();
    const shim = runShim(['-port', String(r.port), '-shim-id', '7', '-trust-cert', P.otherCa, '-verify-peer']);
    r.accept().catch(() => {});
    const res = await shim;
    assert.equal(res.code, 1, show(res));
    assert.match(res.stderr, /^error: unknown_ca: .*verify_rejected/m);
  });

  test('-shim-shuts-down -check-close-notify: close_notify both ways', async () => {
    const r = await runner();
    const shim = runShim([...base(r.port), '-shim-shuts-down', '-check-close-notify']);
    const { socket } = await r.accept();
    // Node answers the shim's close_notify with its own (allowHalfOpen off).
    await withTimeout(new Promise((resolve) => socket.once('end', resolve)), TIMEOUT, 'close_notify');
    const res = await shim;
    assert.equal(res.code, 0, show(res));
    assert.equal(res.stderr, '');
  });

  test('-ipv6 dials ::1', async (t) => {
    const probe = net.createServer();
    try {
      await new Promise((resolve, reject) => { probe.once('error', reject); probe.listen(0, '::1', resolve); });
    } catch {
      t.skip('no IPv6 loopback here');
      return;
    } finally {
      probe.close();
    }
    const r = await runner({}, '::1');
    const shim = runShim([...base(r.port), '-ipv6']);
    await exchange((await r.accept()).socket);
    const res = await shim;
    assert.equal(res.code, 0, show(res));
  });

  test('-cert-file/-key-file answer a CertificateRequest; -fail-cert-callback fails it', async () => {
    const r = await runner({ requestCert: true, rejectUnauthorized: true, ca: fs.readFileSync(P.client.ca) });
    const shim = runShim([...base(r.port), '-cert-file', P.client.p256.chain, '-key-file', P.client.p256.key]);
    const { socket } = await r.accept();
    assert.equal(socket.getPeerCertificate().subject.CN, 'wasmtls test client');
    await exchange(socket);
    const res = await shim;
    assert.equal(res.code, 0, show(res));

    // get_client_cert returns WT_CLIENT_CERT_ABORT: internal_error on the
    // wire (as Go when GetClientCertificate fails).
    const shim2 = runShim([...base(r.port), '-cert-file', P.client.p256.chain, '-key-file', P.client.p256.key,
      '-fail-cert-callback']);
    const acc2 = r.accept();
    acc2.catch(() => {});   // checked below, once the shim is done
    const res2 = await shim2;
    assert.equal(res2.code, 1, show(res2));
    assert.match(res2.stderr, /^error: client_cert_aborted: /m);
    await assert.rejects(acc2, /alert internal error/);

    // A key the engine cannot sign with: unimplemented, not a failure.
    const res3 = await runShim([...base(r.port), '-cert-file', P.client.p256.chain, '-key-file', P.client.bad.ed25519]);
    assert.equal(res3.code, 89, show(res3));
  });

  // wt_cert_request.ca_names: Node's server sends its client CA list as
  // certificate_authorities; -must-match-issuer skips the credential whose
  // chain has no issuer in it (BoringSSL's ssl_credential_matches_requested_issuers).
  test('-must-match-issuer: certificate_authorities reaches the callback and picks the credential', async () => {
    const r = await runner({ requestCert: true, rejectUnauthorized: true, ca: fs.readFileSync(P.client.ca) });
    const shim = runShim([...base(r.port),
      '-new-x509-credential', '-cert-file', P.client.otherClient.chain, '-key-file', P.client.otherClient.key, '-must-match-issuer',
      '-new-x509-credential', '-cert-file', P.client.p256.chain, '-key-file', P.client.p256.key, '-must-match-issuer',
      '-expect-selected-credential', '1']);
    const { socket } = await r.accept();
    assert.equal(socket.getPeerCertificate().subject.CN, 'wasmtls test client');
    await exchange(socket);
    const res = await shim;
    assert.equal(res.code, 0, show(res));
  });

  // verify_cb may name the alert: BoringSSL's certificate_unknown for a
  // failing custom verify callback, handshake_failure for a failing
  // SSL_set_verify callback; the engine's default is bad_certificate.
  for (const [flags, alert] of [[[], 'handshake failure'], [['-use-custom-verify-callback'], 'certificate unknown']]) {
    test(`-verify-peer -verify-fail ${flags.join(' ')}: "${alert}" alert from the verify callback`, async () => {
      const r = await runner();
      const acc = r.accept();
      acc.catch(() => {});   // checked below, once the shim is done
      const res = await runShim([...base(r.port), '-verify-peer', '-verify-fail', ...flags]);
      assert.equal(res.code, 1, show(res));
      await assert.rejects(acc, new RegExp(`alert ${alert}`));
    });
  }

  test('-verify-prefs becomes signature_algorithms; -signing-prefs becomes sign_algs (rsa_pkcs1_* listed, never used)', async () => {
    const r = await runner({ requestCert: true, rejectUnauthorized: true, ca: fs.readFileSync(P.client.ca) });
    const shim = runShim([...base(r.port), '-verify-prefs', String(0x0804), '-verify-prefs', String(0x0403),
      '-expect-peer-signature-algorithm', String(0x0403),
      '-cert-file', P.client.p256.chain, '-key-file', P.client.p256.key,
      '-signing-prefs', String(0x0401), '-signing-prefs', String(0x0403)]);
    const { socket } = await r.accept();
    assert.equal(socket.getPeerCertificate().subject.CN, 'wasmtls test client');
    await exchange(socket);
    const res = await shim;
    assert.equal(res.code, 0, show(res));

    // Only rsa_pss_rsae_sha256 accepted: the P-256 server cannot sign.
    const shim2 = runShim([...base(r.port), '-verify-prefs', String(0x0804)]);
    r.accept().catch(() => {});
    const res2 = await shim2;
    assert.equal(res2.code, 1, show(res2));

    // Nothing the engine can list (rsa_pkcs1_sha1): unimplemented.
    const res3 = await runShim([...base(r.port), '-signing-prefs', String(0x0201)]);
    assert.equal(res3.code, 89, show(res3));
  });

  test('0-RTT: -enable-early-data, "hello" as early data on resumption (openssl s_server behind an id-stripping proxy)', async (t) => {
    const srv = await startOpenssl({ cert: P.p256.cert, key: P.p256.key, chain: P.p256.chain,
      extra: ['-early_data'], naccept: 2 });
    t.after(() => srv.stop());
    // The runner's listener, forwarding everything after the shim id.
    const ids = [];
    const conns = new Set();
    const proxy = net.createServer((c) => {
      conns.add(c);
      let head = Buffer.alloc(0);
      const up = net.connect(srv.port, '127.0.0.1');
      conns.add(up);
      c.on('data', (d) => {
        if (head.length < 8) {
          head = Buffer.concat([head, d]);
          if (head.length < 8) return;
          ids.push(head.readBigUInt64LE(0));
          d = head.subarray(8);
        }
        if (d.length) up.write(d);
      });
      up.on('data', (d) => c.write(d));
      c.on('end', () => up.end());
      up.on('end', () => c.end());
      c.on('error', () => up.destroy());
      up.on('error', () => c.destroy());
    });
    await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    t.after(() => { for (const c of conns) c.destroy(); proxy.close(); });
    // s_server does not echo: the shim closes (close_notify both ways),
    // reading the tickets on the way.
    const res = await runShim(['-port', String(proxy.address().port), '-shim-id', '9', '-trust-cert', P.ca,
      '-resume-count', '1', '-shim-shuts-down', '-check-close-notify', '-enable-early-data',
      '-on-resume-shim-writes-first', '-on-resume-expect-accept-early-data']);
    assert.equal(res.code, 0, show(res));
    assert.equal(res.stderr, '');
    assert.deepEqual(ids, [9n, 9n]);
    await srv.waitFor(/Early data received:[\s\S]*End of early data/);
    await srv.waitFor(/hello/);
  });

  test('config.json: the runner format, a reason per disabled pattern', () => {
    const cfg = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests/bogo/config.json'), 'utf8'));
    assert.deepEqual(Object.keys(cfg).sort(), ['DisabledTests', 'ErrorMap']);
    for (const [pattern, reason] of Object.entries(cfg.DisabledTests)) {
      assert.equal(typeof reason, 'string');
      assert.ok(reason.length > 10, `no reason for ${pattern}`);
    }
    for (const [name, ours] of Object.entries(cfg.ErrorMap)) {
      // BoringSSL error names, or a message bssl_shim itself prints
      // ("Unexpected SSL_shutdown result: ...").
      assert.match(name, /^(:[A-Z0-9_]+:|[A-Z][\x20-\x7e]+)$/);
      assert.ok(Array.isArray(ours) && ours.length > 0, name);
      for (const s of ours) assert.match(s, /^error: [a-z0-9_]+:/, `${name}: ${s}`);
    }
  });

  test('exit 89 for what we do not implement', async () => {
    for (const args of [
      ['-server'],
      ['-dtls'],
      ['-quic'],
      ['-no-such-flag'],
      ['-max-version', String(0x0302)],          // TLS 1.1: never (RFC 8996)
      ['-on-resume-max-version', String(0x0302)],
      ['-curves', '30'],
      ['-curves', String(0x6399)],   // the withdrawn Kyber draft
      ['-srtp-profiles', 'SRTP_AES128_CM_SHA1_80'],
      ['-verify-prefs', String(0x0201)],
    ]) {
      const res = await runShim(['-port', '1', '-shim-id', '1', ...args]);
      assert.equal(res.code, 89, `${args.join(' ')}: ${show(res)}`);
      assert.match(res.stderr, /^unimplemented: /, args.join(' '));
    }
  });

  test('-is-handshaker-supported prints No', async () => {
    const res = await runShim(['-is-handshaker-supported']);
    assert.equal(res.code, 0, show(res));
    assert.equal(res.stdout, 'No\n');
  });
});
