// build/wasi/wasmtls.wasm (WASI preview1 command, --transport stdio) under
// node:wasi, its fd 0/1 bridged to a TCP connection to openssl s_server,
// gnutls-serv or Node's tls server on 127.0.0.1 (tests/lib/wasi.mjs: the
// module runs in a child process on blocking pipes; this process moves the
// bytes between the pipes and the socket). Files reach the module through
// node:wasi preopens: /pki (the test PKI) and /tmp (a scratch directory).
//
// Skipped entirely on the ASan pass of `make test` (WT_NATIVE_ONLY).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SKIP_WASI, runP1, startFaultServer, describeRun as show, splitCerts } from './lib/wasi.mjs';

const skip = SKIP_WASI;
let P, TMP, certs;
if (!skip) {
  const { pki } = await import('./lib/pki.mjs');
  P = pki();
  TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'wt-wasi-stdio-'));
  process.on('exit', () => fs.rmSync(TMP, { recursive: true, force: true }));
  certs = makeCerts();
}
const servers = skip ? {} : await import('./lib/servers.mjs');

// --- certificates: leaf alone + the rest of the chain, as openssl wants ---
function makeCerts() {
  const c = splitCerts(P, TMP, { RSA: 'rsa2048', P256: 'p256', P384: 'p384', wrongHost: 'wrongHost', expired: 'expired',
    notYetValid: 'notYetValid', unknownRoot: 'unknownRoot', badSignature: 'badSignature', selfSigned: 'selfSigned' });
  const { RSA, P256, P384, ...bad } = c;
  return { RSA, P256, P384, bad };
}

const SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
const GROUPS = ['x25519', 'secp256r1', 'secp384r1'];
const OSSL_GROUP = { x25519: 'X25519', secp256r1: 'P-256', secp384r1: 'P-384' };
const PRE = () => ({ '/pki': P.dir, '/tmp': TMP });
const CA = '/pki/ca.pem';

function wasm(args, port, opts = {}) {
  return runP1(['--transport', 'stdio', ...args], { port, preopens: PRE(), ...opts });
}

function checkJson(res, expect) {
  assert.ok(res.json, `no --json line\n${show(res)}`);
  assert.equal(res.json.version, 'TLSv1.3');
  assert.equal(res.json.resumed, false);
  for (const [k, v] of Object.entries(expect)) assert.deepEqual(res.json[k], v, `json.${k}: ${JSON.stringify(res.json)}`);
}

function noTrap(res) {
  assert.equal(res.trap, false, `wasm trap or JS exception\n${show(res)}`);
}

let nfile = 0;
// openssl s_server -rev: --data @/tmp/FILE (lines + CLOSE), response in
// --out /tmp/FILE; expects the lines reversed and a clean close.
async function revRoundTrip(t, srvOpts, args = [], { host = 'localhost', cafile = CA } = {}) {
  const srv = await servers.startOpenssl({ mode: 'rev', ...srvOpts });
  t.after(() => srv.stop());
  const lines = ['hello from wasmtls.wasm', crypto.randomBytes(600).toString('hex')];
  const id = ++nfile;
  fs.writeFileSync(path.join(TMP, `in${id}`), lines.join('\n') + '\nCLOSE\n');
  const res = await wasm(['--cafile', cafile, '--json', '--data', `@/tmp/in${id}`, '--out', `/tmp/out${id}`,
    ...args, `${host}:${srv.port}`], srv.port);
  noTrap(res);
  assert.equal(res.code, 0, show(res));
  assert.equal(res.error, null);
  const expected = lines.map((l) => [...l].reverse().join('')).join('\n') + '\n';
  assert.equal(fs.readFileSync(path.join(TMP, `out${id}`), 'latin1'), expected, 'reversed lines round trip');
  return res;
}

describe('wasmtls.wasm --transport stdio: openssl s_server', { skip, concurrency: 4 }, () => {
  for (const suite of SUITES) {
    for (const group of GROUPS) {
      test(`${suite} x ${group}`, async (t) => {
        const res = await revRoundTrip(t, { ...certs.P256, ciphersuites: suite, groups: OSSL_GROUP[group] },
          ['--ciphers', suite, '--groups', group]);
        checkJson(res, { cipher: suite, group, hrr: false, sigalg: 'ecdsa_secp256r1_sha256',
          servername: 'localhost', peer_chain: certs.P256.count });
      });
    }
  }
  for (const [name, key, sigalg] of [['RSA-2048', 'RSA', 'rsa_pss_rsae_sha256'],
    ['ECDSA P-384', 'P384', 'ecdsa_secp384r1_sha384']]) {
    test(`${name} certificate`, async (t) => {
      const res = await revRoundTrip(t, certs[key]);
      checkJson(res, { sigalg, group: 'x25519', hrr: false });
    });
  }
  test('HelloRetryRequest: server only accepts secp384r1', async (t) => {
    const res = await revRoundTrip(t, { ...certs.P256, groups: 'P-384' });
    checkJson(res, { hrr: true, group: 'secp384r1' });
  });
  test('HelloRetryRequest: server only accepts secp256r1 (RSA)', async (t) => {
    const res = await revRoundTrip(t, { ...certs.RSA, groups: 'P-256' }, ['--groups', 'x25519,secp256r1']);
    checkJson(res, { hrr: true, group: 'secp256r1', sigalg: 'rsa_pss_rsae_sha256' });
  });
  test('IP literal target: iPAddress SAN, no SNI', async (t) => {
    const res = await revRoundTrip(t, certs.P256, [], { host: '127.0.0.1' });
    checkJson(res, { servername: null });
  });
  test('--http / against -www, response on stderr by default, --keylog in a preopen', async (t) => {
    const srv = await servers.startOpenssl({ ...certs.P256, mode: 'www' });
    t.after(() => srv.stop());
    const res = await wasm(['--cafile', CA, '--json', '--keylog', '/tmp/keys.log', '--http', '/', `localhost:${srv.port}`], srv.port);
    noTrap(res);
    assert.equal(res.code, 0, show(res));
    assert.match(res.stderr, /HTTP\/1\.0 200 ok\r\n/);
    const log = fs.readFileSync(path.join(TMP, 'keys.log'), 'utf8');
    assert.match(log, /^CLIENT_HANDSHAKE_TRAFFIC_SECRET [0-9a-f]{64} [0-9a-f]{64}$/m);
    assert.match(log, /^SERVER_TRAFFIC_SECRET_0 [0-9a-f]{64} [0-9a-f]{64}$/m);
  });
  test('handshake only (no --http/--data): close_notify after the summary', async (t) => {
    const srv = await servers.startOpenssl({ ...certs.P384, mode: 'rev' });
    t.after(() => srv.stop());
    const res = await wasm(['--cafile', CA, '--json', `localhost:${srv.port}`], srv.port);
    noTrap(res);
    assert.equal(res.code, 0, show(res));
    checkJson(res, { sigalg: 'ecdsa_secp384r1_sha384' });
  });
  test('the TCP socket itself as fd 0/1 (non-blocking, shared): --http / completes', async (t) => {
    const srv = await servers.startOpenssl({ ...certs.RSA, mode: 'www' });
    t.after(() => srv.stop());
    const res = await wasm(['--cafile', CA, '--json', '--http', '/', `localhost:${srv.port}`], srv.port, { direct: true });
    noTrap(res);
    assert.equal(res.code, 0, show(res));
    checkJson(res, { sigalg: 'rsa_pss_rsae_sha256' });
    assert.match(res.stderr, /HTTP\/1\.0 200 ok\r\n/);
  });
  test('server alert: disjoint cipher suites -> alert_received: handshake_failure', async (t) => {
    const srv = await servers.startOpenssl({ ...certs.P256, mode: 'rev', ciphersuites: 'TLS_AES_256_GCM_SHA384' });
    t.after(() => srv.stop());
    const res = await wasm(['--cafile', CA, '--ciphers', 'TLS_AES_128_GCM_SHA256', `localhost:${srv.port}`], srv.port);
    noTrap(res);
    assert.equal(res.code, 1, show(res));
    assert.deepEqual(res.error, { name: 'alert_received', reason: 'handshake_failure' }, show(res));
  });
});

describe('wasmtls.wasm --transport stdio: certificate failures', { skip, concurrency: 4 }, () => {
  const cases = [
    ['wrong host name', 'wrongHost', 'certificate_name_mismatch'],
    ['expired', 'expired', 'certificate_expired'],
    ['not yet valid', 'notYetValid', 'certificate_not_yet_valid'],
    ['unknown root', 'unknownRoot', 'unknown_ca'],
    ['bad signature', 'badSignature', 'bad_certificate_signature'],
    ['self-signed leaf', 'selfSigned', 'unknown_ca'],
  ];
  for (const [name, key, errName] of cases) {
    test(`${name} -> error: ${errName}`, async (t) => {
      const srv = await servers.startOpenssl({ ...certs.bad[key], mode: 'www' });
      t.after(() => srv.stop());
      const res = await wasm(['--cafile', CA, '--json', '--http', '/', `localhost:${srv.port}`], srv.port);
      noTrap(res);
      assert.equal(res.code, 1, show(res));
      assert.equal(res.error?.name, errName, show(res));
      assert.equal(res.json, null, 'no summary on failure');
    });
  }
  test('default roots are the built-in store: the test CA is not in it', async (t) => {
    const srv = await servers.startOpenssl({ ...certs.P256, mode: 'www' });
    t.after(() => srv.stop());
    const res = await wasm(['--http', '/', `localhost:${srv.port}`], srv.port);
    noTrap(res);
    assert.equal(res.code, 1, show(res));
    assert.equal(res.error?.name, 'unknown_ca', show(res));
  });
});

describe('wasmtls.wasm --transport stdio: gnutls-serv and Node tls', { skip, concurrency: 4 }, () => {
  test('gnutls-serv --http: AES-256-GCM + secp384r1 with RSA (HRR)', async (t) => {
    const srv = await servers.startGnutls({ cert: certs.RSA.full, key: certs.RSA.key, mode: 'http',
      priority: 'NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-256-GCM:-GROUP-ALL:+GROUP-SECP384R1' });
    t.after(() => srv.stop());
    const res = await wasm(['--cafile', CA, '--json', '--http', '/', '--out', '/tmp/gnutls1.html', `localhost:${srv.port}`], srv.port);
    noTrap(res);
    assert.equal(res.code, 0, show(res));
    checkJson(res, { cipher: 'TLS_AES_256_GCM_SHA384', group: 'secp384r1', hrr: true, sigalg: 'rsa_pss_rsae_sha256' });
    assert.match(fs.readFileSync(path.join(TMP, 'gnutls1.html'), 'latin1'), /^HTTP\/1\.[01] 200/);
  });
  test('gnutls-serv --http: CHACHA20-POLY1305 + secp256r1 with P-384, CertificateRequest', async (t) => {
    const srv = await servers.startGnutls({ cert: certs.P384.full, key: certs.P384.key, mode: 'http', requestClientCert: true,
      priority: 'NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305:-GROUP-ALL:+GROUP-SECP256R1' });
    t.after(() => srv.stop());
    const res = await wasm(['--cafile', CA, '--json', '--groups', 'secp256r1,x25519', '--http', '/', `localhost:${srv.port}`], srv.port);
    noTrap(res);
    assert.equal(res.code, 0, show(res));
    checkJson(res, { cipher: 'TLS_CHACHA20_POLY1305_SHA256', group: 'secp256r1', hrr: false, sigalg: 'ecdsa_secp384r1_sha384' });
  });
  test('Node tls: ALPN, 200 KiB of --data echoed back intact', async (t) => {
    const input = crypto.randomBytes(200 * 1024);
    const srv = await servers.startNode({ cert: certs.P256.full, key: certs.P256.key, alpn: ['x-wasmtls'],
      onConnection: (sock) => {
        let n = 0;
        sock.on('data', (d) => { n += d.length; sock.write(d); if (n >= input.length) sock.end(); });
      } });
    t.after(() => srv.stop());
    fs.writeFileSync(path.join(TMP, 'big.bin'), input);
    const res = await wasm(['--cafile', CA, '--json', '--alpn', 'h2,x-wasmtls', '--data', '@/tmp/big.bin',
      '--out', '/tmp/big.out', `localhost:${srv.port}`], srv.port, { timeout: 40000 });
    noTrap(res);
    assert.equal(res.code, 0, show(res));
    checkJson(res, { alpn: 'x-wasmtls' });
    const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');
    assert.equal(sha(fs.readFileSync(path.join(TMP, 'big.out'))), sha(input));
  });
});

describe('wasmtls.wasm --transport stdio: faults end with an error line, never a trap', { skip, concurrency: 3 }, () => {
  const cases = [
    ['server closes mid-handshake', 'close', 'truncated'],
    ['garbage instead of TLS', 'garbage', 'not_tls'],
    ['record larger than 2^14 + 256', 'oversized', 'record_overflow'],
  ];
  for (const [name, kind, errName] of cases) {
    test(`${name} -> error: ${errName}`, async (t) => {
      const srv = await startFaultServer(kind);
      t.after(() => srv.stop());
      const res = await wasm(['--cafile', CA, '--json', `localhost:${srv.port}`], srv.port);
      noTrap(res);
      assert.equal(res.code, 1, show(res));
      assert.equal(res.error?.name, errName, show(res));
    });
  }
});

describe('wasmtls.wasm: options, preopens, verify', { skip, concurrency: 4 }, () => {
  const bad = [
    ['no --transport (preview1 has no sockets)', ['--insecure', 'localhost:443']],
    ['--transport tcp in the preview1 module', ['--transport', 'tcp', '--insecure', 'localhost:443']],
    ['unknown transport', ['--transport', 'udp', 'localhost:443']],
    ['--cafile outside every preopen', ['--transport', 'stdio', '--cafile', '/etc/ssl/certs/ca-certificates.crt', 'localhost:443']],
    ['--keylog outside every preopen', ['--transport', 'stdio', '--insecure', '--keylog', '/var/keys.log', 'localhost:443']],
    ['--data @FILE missing', ['--transport', 'stdio', '--insecure', '--data', '@/tmp/does-not-exist', 'localhost:443']],
    ['--http with --data', ['--transport', 'stdio', '--insecure', '--http', '/', '--data', 'x', 'localhost:443']],
    ['unknown option', ['--frobnicate', 'localhost:443']],
    ['bad group', ['--transport', 'stdio', '--groups', 'ffdhe2048', 'localhost:443']],
  ];
  for (const [name, args] of bad) {
    test(`${name} -> bad_config, exit 2`, async () => {
      const res = await runP1(args, { preopens: PRE() });
      noTrap(res);
      assert.equal(res.code, 2, show(res));
      assert.equal(res.error?.name, 'bad_config', show(res));
    });
  }
  test('missing preopen names --dir in the reason', async () => {
    const res = await runP1(['--transport', 'stdio', '--cafile', '/nowhere/ca.pem', 'localhost:443'], {});
    assert.equal(res.code, 2, show(res));
    assert.match(res.error.reason, /preopen.*--dir/, show(res));
  });
  test('--help', async () => {
    const res = await runP1(['--help'], {});
    assert.equal(res.code, 0, show(res));
    assert.match(res.stdout, /usage: wasmtls \[options\] HOST:PORT/);
    assert.match(res.stdout, /--transport stdio/);
  });
  test('verify subcommand: ok and certificate_expired', async () => {
    let res = await runP1(['verify', '--cafile', CA, '--host', 'localhost', '/pki/p256-chain.pem'], { preopens: PRE() });
    assert.equal(res.code, 0, show(res));
    assert.equal(res.stdout, 'ok\n');
    res = await runP1(['verify', '--cafile', CA, '--host', 'localhost', '/pki/expired-chain.pem'], { preopens: PRE() });
    assert.equal(res.code, 1, show(res));
    assert.equal(res.error?.name, 'certificate_expired', show(res));
    res = await runP1(['verify', '--cafile', CA, '--host', 'example.com', '/pki/p256-chain.pem'], { preopens: PRE() });
    assert.equal(res.code, 1, show(res));
    assert.equal(res.error?.name, 'certificate_name_mismatch', show(res));
  });
});
