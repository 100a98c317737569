// TLS 1.2 interop (issue 13): the CLI against TLS 1.2-only servers
// (openssl s_server -tls1_2, gnutls-serv with a TLS 1.2 priority string,
// Node's tls with maxVersion TLSv1.2) on 127.0.0.1: every suite x group x
// certificate type, resumption by session ticket, EMS present and absent,
// client certificates, ALPN, a 1 MiB echo, and the version choice against
// servers allowing both versions. Runs under WT_BUILD (release, ASan, and
// the Node CLI through tests/wasm_cli.test.mjs).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pki } from './lib/pki.mjs';
import { runCli, describe as show } from './lib/cli.mjs';
import { startOpenssl, startGnutls, startNode } from './lib/servers.mjs';

const P = pki();
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'wt-tls12-'));
process.on('exit', () => fs.rmSync(TMP, { recursive: true, force: true }));
let nfile = 0;
const tmp = (name) => path.join(TMP, `${++nfile}-${name}`);

const OSSL = {
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
};
const OSSL_GROUP = { x25519: 'X25519', secp256r1: 'P-256', secp384r1: 'P-384' };

// openssl s_server -rev: lines come back reversed; CLOSE ends with close_notify.
async function rev(t, srvOpts, cliArgs = [], { lines } = {}) {
  const srv = await startOpenssl({ mode: 'rev', tls12: true, ...srvOpts });
  t.after(() => srv.stop());
  lines ??= ['hello over TLS 1.2', crypto.randomBytes(700).toString('hex')];
  const res = await runCli(['--cafile', P.ca, '--json', ...cliArgs, `localhost:${srv.port}`],
    { input: lines.join('\n') + '\nCLOSE\n', stdin: 'open' });
  assert.equal(res.code, 0, show(res));
  const expected = lines.map((l) => [...l].reverse().join('')).join('\n') + '\n';
  assert.equal(res.stdoutBuf.toString('latin1'), expected, 'reversed lines round trip');
  assert.equal(res.json.version, 'TLSv1.2', show(res));
  return { res, srv };
}

describe('openssl s_server -tls1_2: every suite x group', { concurrency: 6 }, () => {
  for (const [suite, ossl] of Object.entries(OSSL)) {
    const ecdsa = suite.includes('ECDSA');
    for (const group of ['x25519', 'secp256r1', 'secp384r1']) {
      test(`${suite} x ${group}`, async (t) => {
        const cert = ecdsa ? P.p256 : P.rsa2048;
        const { res } = await rev(t, { cert: cert.cert, key: cert.key, chain: cert.chain, cipher: ossl,
          groups: OSSL_GROUP[group] });
        assert.equal(res.json.cipher, suite);
        assert.equal(res.json.group, group);
        // OpenSSL signs with RSA-PSS when offered (RFC 8446 4.2.3 for 1.2 too)
        assert.equal(res.json.sigalg, ecdsa ? 'ecdsa_secp256r1_sha256' : 'rsa_pss_rsae_sha256');
        assert.equal(res.json.resumed, false);
      });
    }
  }
  test('ECDSA P-384 certificate', async (t) => {
    const { res } = await rev(t, { cert: P.p384.cert, key: P.p384.key, chain: P.p384.chain });
    // in TLS 1.2 an ECDSA scheme names only the hash (RFC 5246 7.4.1.4.1):
    // OpenSSL takes our first, SHA-256, with the P-384 key
    assert.match(res.json.sigalg, /^ecdsa_secp(256|384)r1_sha(256|384)$/);
  });
  test('RSA PKCS#1 v1.5 ServerKeyExchange (the server limited to it)', async (t) => {
    const { res } = await rev(t, { cert: P.rsa2048.cert, key: P.rsa2048.key, chain: P.rsa2048.chain,
      extra: ['-sigalgs', 'RSA+SHA384'] });
    assert.equal(res.json.sigalg, 'rsa_pkcs1_sha384');
  });
  test('--ciphers with only TLS 1.2 suites, ALPN', async (t) => {
    const { res } = await rev(t, { cert: P.p256.cert, key: P.p256.key, chain: P.p256.chain, alpn: 'h2,http/1.1' },
      ['--ciphers', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', '--alpn', 'http/1.1']);
    assert.equal(res.json.cipher, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256');
    assert.equal(res.json.alpn, 'http/1.1');
  });
});

describe('resumption by session ticket (RFC 5077), EMS', { concurrency: 2 }, () => {
  for (const [name, cert, cipher] of [['ECDSA AES-128-GCM', P.p256, 'ECDHE-ECDSA-AES128-GCM-SHA256'],
    ['RSA AES-256-GCM (SHA-384 PRF)', P.rsa2048, 'ECDHE-RSA-AES256-GCM-SHA384'],
    ['ECDSA ChaCha20-Poly1305', P.p256, 'ECDHE-ECDSA-CHACHA20-POLY1305']]) {
    test(`openssl: ${name}: full handshake, then resumed (no certificate on the wire)`, async (t) => {
      const srv = await startOpenssl({ mode: 'www', tls12: true, cert: cert.cert, key: cert.key, chain: cert.chain, cipher });
      t.after(() => srv.stop());
      const sess = tmp('sess.bin');
      const first = await runCli(['--cafile', P.ca, '--json', '--http', '/', '--sess-out', sess, `localhost:${srv.port}`]);
      assert.equal(first.code, 0, show(first));
      assert.equal(first.json.resumed, false);
      assert.ok(fs.existsSync(sess), `no session stored\n${show(first)}`);
      const again = await runCli(['--cafile', P.ca, '--json', '--http', '/', '--sess-in', sess, `localhost:${srv.port}`]);
      assert.equal(again.code, 0, show(again));
      assert.equal(again.json.resumed, true, show(again));
      assert.equal(again.json.version, 'TLSv1.2');
      assert.equal(again.json.cipher, first.json.cipher);
      assert.match(again.stdout, /Reused, TLSv1\.2/, 'the server says it resumed');
      // the session is bound to the name it was verified for
      const other = await runCli(['--cafile', P.ca, '--json', '--http', '/', '--sess-in', sess,
        '--servername', 'localhost.', `127.0.0.1:${srv.port}`]);
      assert.equal(other.json?.resumed, false, show(other));
    });
  }

  test('gnutls-serv without EMS (%NO_SESSION_HASH): the handshake works, no session is stored', async (t) => {
    const srv = await startGnutls({ cert: P.p256.chain, key: P.p256.key, mode: 'http',
      priority: 'NORMAL:-VERS-ALL:+VERS-TLS1.2:%NO_SESSION_HASH' });
    t.after(() => srv.stop());
    const sess = tmp('noems.bin');
    const res = await runCli(['--cafile', P.ca, '--json', '--http', '/', '--sess-out', sess, `localhost:${srv.port}`]);
    assert.equal(res.code, 0, show(res));
    assert.equal(res.json.version, 'TLSv1.2');
    assert.equal(fs.existsSync(sess), false, 'RFC 7627 5.3: no session without EMS');
  });

  test('gnutls-serv with EMS: resumed', async (t) => {
    const srv = await startGnutls({ cert: P.p256.chain, key: P.p256.key, mode: 'http',
      priority: 'NORMAL:-VERS-ALL:+VERS-TLS1.2' });
    t.after(() => srv.stop());
    const sess = tmp('ems.bin');
    const first = await runCli(['--cafile', P.ca, '--json', '--http', '/', '--sess-out', sess, `localhost:${srv.port}`]);
    assert.equal(first.code, 0, show(first));
    assert.ok(fs.existsSync(sess), show(first));
    const again = await runCli(['--cafile', P.ca, '--json', '--http', '/', '--sess-in', sess, `localhost:${srv.port}`]);
    assert.equal(again.code, 0, show(again));
    assert.equal(again.json.resumed, true, show(again));
  });
});

describe('gnutls-serv and Node tls, TLS 1.2 only', { concurrency: 4 }, () => {
  for (const [suite, prio] of [['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', '+ECDHE-ECDSA:+AES-256-GCM'],
    ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', '+ECDHE-ECDSA:+CHACHA20-POLY1305']]) {
    test(`gnutls-serv ${suite}`, async (t) => {
      const srv = await startGnutls({ cert: P.p256.chain, key: P.p256.key, mode: 'echo',
        priority: `NONE:+VERS-TLS1.2:+SIGN-ALL:+GROUP-ALL:+AEAD:+COMP-NULL:+CTYPE-X509:${prio}` });
      t.after(() => srv.stop());
      const res = await runCli(['--cafile', P.ca, '--json', `localhost:${srv.port}`], { input: 'ping over gnutls\n' });
      assert.equal(res.code, 0, show(res));
      assert.equal(res.json.cipher, suite);
      assert.equal(res.stdout, 'ping over gnutls\n');
    });
  }

  test('Node tls (maxVersion TLSv1.2): 1 MiB echo, SHA-256 checked', async (t) => {
    const srv = await startNode({ cert: P.rsa2048.chain, key: P.rsa2048.key,
      tlsOptions: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' } });
    t.after(() => srv.stop());
    const data = crypto.randomBytes(1 << 20);
    const res = await runCli(['--cafile', P.ca, '--json', `localhost:${srv.port}`], { input: data });
    assert.equal(res.code, 0, show(res));
    assert.equal(res.json.version, 'TLSv1.2');
    assert.equal(crypto.createHash('sha256').update(res.stdoutBuf).digest('hex'),
      crypto.createHash('sha256').update(data).digest('hex'));
  });

  test('client certificate requested by a TLS 1.2 server (openssl -Verify)', async (t) => {
    const srv = await startOpenssl({ mode: 'www', tls12: true, cert: P.p256.cert, key: P.p256.key, chain: P.p256.chain,
      extra: ['-Verify', '2', '-verifyCAfile', P.client.ca, '-verify_return_error'] });
    t.after(() => srv.stop());
    const c = P.client.p256;
    const res = await runCli(['--cafile', P.ca, '--json', '--http', '/', '--cert', c.chain, '--key', c.key,
      `localhost:${srv.port}`]);
    assert.equal(res.code, 0, show(res));
    assert.match(res.stdout, /Client certificate/, 'the server saw our certificate');
    const none = await runCli(['--cafile', P.ca, '--json', '--http', '/', `localhost:${srv.port}`]);
    assert.equal(none.code, 1, show(none));
    assert.equal(none.error?.name, 'alert_received', show(none));
  });
});

describe('the version choice', { concurrency: 3 }, () => {
  test('a server allowing TLS 1.2 and 1.3 gets TLS 1.3', async (t) => {
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key,
      tlsOptions: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' } });
    t.after(() => srv.stop());
    const res = await runCli(['--cafile', P.ca, '--json', `localhost:${srv.port}`], { input: 'x\n' });
    assert.equal(res.json?.version, 'TLSv1.3', show(res));
  });
  test('--min-version 1.3 against a TLS 1.2-only server: the server refuses (protocol_version)', async (t) => {
    const srv = await startOpenssl({ mode: 'www', tls12: true, cert: P.p256.cert, key: P.p256.key, chain: P.p256.chain });
    t.after(() => srv.stop());
    const res = await runCli(['--cafile', P.ca, '--json', '--http', '/', '--min-version', '1.3', `localhost:${srv.port}`]);
    assert.equal(res.code, 1, show(res));
    assert.equal(res.error?.name, 'alert_received', show(res));
    assert.match(res.error.reason, /protocol_version/);
  });
  test('--min-version: bad values and TLS 1.2 suites with 1.3 are bad_config', async (t) => {
    let res = await runCli(['--min-version', '1.1', 'localhost:1']);
    assert.equal(res.code, 2, show(res));
    assert.match(res.error?.reason ?? '', /--min-version must be 1\.2 or 1\.3/);
    const srv = await startOpenssl({ mode: 'www', tls12: true, cert: P.p256.cert, key: P.p256.key, chain: P.p256.chain });
    t.after(() => srv.stop());
    res = await runCli(['--cafile', P.ca, '--min-version', '1.3', '--ciphers', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      `localhost:${srv.port}`]);
    assert.equal(res.code, 2, show(res));
    assert.match(res.error?.reason ?? '', /TLS 1\.2 suite and min_version is TLS 1\.3/);
  });
});
