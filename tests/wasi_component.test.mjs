// build/wasi/wasmtls.component.wasm (WASI 0.2 command component) under
// `jco run`: it opens its own TCP connection through wasi:sockets
// (ip-name-lookup for "localhost", tcp-create-socket, tcp, wasi:io streams
// and pollables) to openssl s_server, gnutls-serv and Node's tls server on
// 127.0.0.1. Files come through preopens set by
// tests/lib/wasi_jco_preopens.mjs (--jco-import): /pki (the test PKI) and
// /tmp (scratch).
//
// Every `jco run` transpiles the component first (~3 s of CPU each): the
// component is transpiled once (`jco run --jco-dir`, tests/lib/wasi.mjs
// runComponent) and each client is the `node DIR/_run.js` that `jco run`
// itself spawns after that step; two tests (the first handshake and
// connection refused) go through a full `jco run`, so the command itself
// stays covered here too (and in tests/hostile_wasi_component.test.mjs).
// This is a subset of the stdio matrix. Skipped on the ASan pass
// (WT_NATIVE_ONLY).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SKIP_WASI, runComponent, startFaultServer, closedPort, describeRun as show, splitCerts } from './lib/wasi.mjs';

const skip = SKIP_WASI;
let P, TMP, certs;
if (!skip) {
  const { pki } = await import('./lib/pki.mjs');
  P = pki();
  TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'wt-wasi-comp-'));
  process.on('exit', () => fs.rmSync(TMP, { recursive: true, force: true }));
  certs = makeCerts();
}
const servers = skip ? {} : await import('./lib/servers.mjs');

function makeCerts() {
  return splitCerts(P, TMP, { RSA: 'rsa2048', P256: 'p256', P384: 'p384', expired: 'expired',
    unknownRoot: 'unknownRoot', wrongHost: 'wrongHost' });
}

const PRE = () => ({ '/pki': P.dir, '/tmp': TMP });
const CA = '/pki/ca.pem';
const comp = (args, opts = {}) => runComponent(args, { preopens: PRE(), ...opts });

function checkJson(res, expect) {
  assert.ok(res.json, `no --json line\n${show(res)}`);
  assert.equal(res.json.version, 'TLSv1.3');
  for (const [k, v] of Object.entries(expect)) assert.deepEqual(res.json[k], v, `json.${k}: ${JSON.stringify(res.json)}`);
}
function noTrap(res) {
  assert.equal(res.trap, false, `wasm trap or JS exception\n${show(res)}`);
}

// Each file keeps its jco runs at 2 at a time: a run is CPU-bound.
describe('wasmtls.component.wasm (jco): openssl s_server', { skip, concurrency: 2 }, () => {
  test('localhost via ip-name-lookup, AES-128-GCM x x25519, P-256, --http / to stdout, --keylog', async (t) => {
    const srv = await servers.startOpenssl({ ...certs.P256, mode: 'www' });
    t.after(() => srv.stop());
    const res = await comp(['--cafile', CA, '--json', '--keylog', '/tmp/keys.log', '--http', '/', `localhost:${srv.port}`], { jcoRun: true });
    noTrap(res);
    assert.equal(res.code, 0, show(res));
    checkJson(res, { cipher: 'TLS_AES_128_GCM_SHA256', group: 'x25519', hrr: false, servername: 'localhost',
      sigalg: 'ecdsa_secp256r1_sha256', peer_chain: certs.P256.count });
    assert.match(res.stdout, /^HTTP\/1\.0 200 ok\r\n/);
    assert.match(fs.readFileSync(path.join(TMP, 'keys.log'), 'utf8'), /^CLIENT_TRAFFIC_SECRET_0 [0-9a-f]{64} [0-9a-f]{64}$/m);
  });
  test('CHACHA20-POLY1305 x secp384r1, RSA-2048, --data round trip (s_server -rev)', async (t) => {
    const srv = await servers.startOpenssl({ ...certs.RSA, mode: 'rev', ciphersuites: 'TLS_CHACHA20_POLY1305_SHA256', groups: 'P-384' });
    t.after(() => srv.stop());
    const res = await comp(['--cafile', CA, '--json', '--ciphers', 'TLS_CHACHA20_POLY1305_SHA256', '--groups', 'secp384r1',
      '--data', 'hello wasi:sockets\nCLOSE\n', `localhost:${srv.port}`]);
    noTrap(res);
    assert.equal(res.code, 0, show(res));
    checkJson(res, { cipher: 'TLS_CHACHA20_POLY1305_SHA256', group: 'secp384r1', hrr: false, sigalg: 'rsa_pss_rsae_sha256' });
    assert.equal(res.stdout, 'stekcos:isaw olleh\n');
  });
  test('AES-256-GCM x secp256r1, P-384 certificate, IP literal 127.0.0.1', async (t) => {
    const srv = await servers.startOpenssl({ ...certs.P384, mode: 'www', ciphersuites: 'TLS_AES_256_GCM_SHA384' });
    t.after(() => srv.stop());
    const res = await comp(['--cafile', CA, '--json', '--groups', 'secp256r1', '--http', '/', `127.0.0.1:${srv.port}`]);
    noTrap(res);
    assert.equal(res.code, 0, show(res));
    checkJson(res, { cipher: 'TLS_AES_256_GCM_SHA384', group: 'secp256r1', servername: null, sigalg: 'ecdsa_secp384r1_sha384' });
  });
  test('HelloRetryRequest: server only accepts secp384r1', async (t) => {
    const srv = await servers.startOpenssl({ ...certs.P256, mode: 'www', groups: 'P-384' });
    t.after(() => srv.stop());
    const res = await comp(['--cafile', CA, '--json', '--http', '/', `localhost:${srv.port}`]);
    noTrap(res);
    assert.equal(res.code, 0, show(res));
    checkJson(res, { hrr: true, group: 'secp384r1' });
  });
  for (const [name, key, errName] of [['expired', 'expired', 'certificate_expired'],
    ['unknown root', 'unknownRoot', 'unknown_ca'], ['wrong host name', 'wrongHost', 'certificate_name_mismatch']]) {
    test(`${name} -> error: ${errName}`, async (t) => {
      const srv = await servers.startOpenssl({ ...certs[key], mode: 'www' });
      t.after(() => srv.stop());
      const res = await comp(['--cafile', CA, '--json', '--http', '/', `localhost:${srv.port}`]);
      noTrap(res);
      assert.equal(res.code, 1, show(res));
      assert.equal(res.error?.name, errName, show(res));
      assert.equal(res.json, null);
    });
  }
});

describe('wasmtls.component.wasm (jco): gnutls-serv, Node tls, connect errors', { skip, concurrency: 2 }, () => {
  test('gnutls-serv --http: AES-256-GCM + secp384r1 with RSA (HRR), --out in a preopen', async (t) => {
    const srv = await servers.startGnutls({ cert: certs.RSA.full, key: certs.RSA.key, mode: 'http',
      priority: 'NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-256-GCM:-GROUP-ALL:+GROUP-SECP384R1' });
    t.after(() => srv.stop());
    const res = await comp(['--cafile', CA, '--json', '--http', '/', '--out', '/tmp/gnutls.html', `localhost:${srv.port}`]);
    noTrap(res);
    assert.equal(res.code, 0, show(res));
    checkJson(res, { cipher: 'TLS_AES_256_GCM_SHA384', group: 'secp384r1', hrr: true, sigalg: 'rsa_pss_rsae_sha256' });
    assert.match(fs.readFileSync(path.join(TMP, 'gnutls.html'), 'latin1'), /^HTTP\/1\.[01] 200/);
  });
  test('Node tls: ALPN, stdin to the connection (wasi:cli/stdin), echo intact', async (t) => {
    const input = crypto.randomBytes(64 * 1024).toString('hex') + '\n';
    const srv = await servers.startNode({ cert: certs.P256.full, key: certs.P256.key, alpn: ['x-wasmtls'],
      onConnection: (sock) => {
        let n = 0;
        sock.on('data', (d) => { n += d.length; sock.write(d); if (n >= input.length) sock.end(); });
      } });
    t.after(() => srv.stop());
    const res = await comp(['--cafile', CA, '--json', '--alpn', 'h2,x-wasmtls', `localhost:${srv.port}`], { input, keepStdinOpen: true });
    noTrap(res);
    assert.equal(res.code, 0, show(res));
    checkJson(res, { alpn: 'x-wasmtls', sigalg: 'ecdsa_secp256r1_sha256' });
    assert.equal(res.stdout.length, input.length);
    assert.ok(res.stdout === input, 'echo intact');
  });
  test('connection refused -> connect_failed, exit 1', async () => {
    const port = await closedPort();
    const res = await comp(['--cafile', CA, `127.0.0.1:${port}`], { jcoRun: true });
    noTrap(res);
    assert.equal(res.code, 1, show(res));
    assert.equal(res.error?.name, 'connect_failed', show(res));
    assert.match(res.error.reason, /refused/);
  });
  // WASI 0.2 wasi:cli/exit carries only ok/err (exit-with-code is
  // @unstable in 0.2.3): the adapter turns proc_exit(2) into err, which
  // runtimes report as status 1. The error line keeps the contract.
  test('--cafile without a preopen -> bad_config naming --dir, non-zero exit', async () => {
    const res = await runComponent(['--cafile', '/pki/ca.pem', 'localhost:443'], { preopens: {} });
    noTrap(res);
    assert.equal(res.code, 1, show(res));
    assert.equal(res.error?.name, 'bad_config', show(res));
    assert.match(res.error.reason, /preopen/);
  });
});

describe('wasmtls.component.wasm (jco): faults end with an error line, never a trap', { skip, concurrency: 2 }, () => {
  for (const [name, kind, errName] of [['server closes mid-handshake', 'close', 'truncated'],
    ['garbage instead of TLS', 'garbage', 'not_tls'], ['record larger than 2^14 + 256', 'oversized', 'record_overflow']]) {
    test(`${name} -> error: ${errName}`, async (t) => {
      const srv = await startFaultServer(kind);
      t.after(() => srv.stop());
      const res = await comp(['--cafile', CA, `localhost:${srv.port}`]);
      noTrap(res);
      assert.equal(res.code, 1, show(res));
      assert.equal(res.error?.name, errName, show(res));
    });
  }
});
