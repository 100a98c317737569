// Client certificates (RFC 8446 4.3.2, 4.4.2, 4.4.3) against real servers:
// openssl s_server -Verify 1 -verify_return_error -CAfile <client root>
// (with -trace to read the client's CertificateVerify scheme) and
// gnutls-serv --require-client-cert --verify-client-cert. Plus the CLI's
// refusal of unusable --cert/--key files (bad_config, exit 2). Runs under
// WT_BUILD (release and ASan).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pki } from './lib/pki.mjs';
import { runCli, describe as show } from './lib/cli.mjs';
import { startOpenssl, startGnutls } from './lib/servers.mjs';

const P = pki();
const C = P.client;
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'wt-mtls-'));
process.on('exit', () => fs.rmSync(TMP, { recursive: true, force: true }));

// Server: P-256 leaf (+ intermediate) under P.ca.
const INT = path.join(TMP, 'int.pem');
fs.writeFileSync(INT, fs.readFileSync(P.p256.chain, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)[1] + '\n');
const SERVER = { cert: P.p256.cert, key: P.p256.key, chain: INT };
const REQUIRE = ['-Verify', '1', '-verify_return_error', '-CAfile', C.ca];

const clientArgs = (c) => ['--cert', c.chain, '--key', c.key];

async function connect(port, args, input = 'hello\n') {
  const res = await runCli(['--cafile', P.ca, '--json', ...args, `localhost:${port}`], { input });
  return res;
}

// The blocks of `openssl s_server -trace` output the server received.
function receivedCvSchemes(output) {
  return output.split(/\n(?=Received Record|Sent Record)/)
    .filter((b) => b.startsWith('Received Record') && b.includes('CertificateVerify, Length='))
    .map((b) => b.match(/Signature Algorithm: (\S+) \(0x[0-9a-f]+\)/)?.[1]);
}
// Waits until the server logged what we need (s_server prints after the fact).
async function waitFor(srv, re, ms = 5000) {
  const end = Date.now() + ms;
  while (!re.test(srv.output) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return re.test(srv.output);
}
// The CertificateVerify schemes the server logged, once its trace of the
// message is complete: s_server's output arrives in pieces, and a block
// read before its "Signature Algorithm" line came in gave [undefined]
// (a flaky failure on loaded machines): poll until every received block
// has its scheme (or 5 s pass).
async function cvSchemes(srv, ms = 5000) {
  const end = Date.now() + ms;
  let got = receivedCvSchemes(srv.output);
  while ((got.length === 0 || got.includes(undefined)) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    got = receivedCvSchemes(srv.output);
  }
  return got;
}

// ---------------------------------------------------------------------------
describe('openssl s_server -Verify 1 (client certificate required)', { concurrency: 4 }, () => {
  for (const [name, cert, scheme] of [
    ['ECDSA P-256', C.p256, 'ecdsa_secp256r1_sha256'],
    ['ECDSA P-384', C.p384, 'ecdsa_secp384r1_sha384'],
    ['ECDSA P-521', C.p521, 'ecdsa_secp521r1_sha512'],
    ['RSA-2048', C.rsa2048, 'rsa_pss_rsae_sha256'],
  ]) {
    test(`${name} client certificate: verified by the server, CertificateVerify ${scheme}`, async (t) => {
      const srv = await startOpenssl({ ...SERVER, extra: [...REQUIRE, '-trace'] });
      t.after(() => srv.stop());
      const res = await connect(srv.port, clientArgs(cert));
      assert.equal(res.code, 0, show(res));
      assert.equal(res.error, null);
      assert.ok(await waitFor(srv, /Client certificate[\s\S]*subject=CN = wasmtls test client/), srv.output.slice(-3000));
      // the chain we sent (leaf + client intermediate) verified up to the
      // client root; waited for too, and stdout may come between the two
      // lines: s_server prints them on stderr (two writes) and the rest on
      // stdout, two pipes whose data arrives in either order
      assert.ok(await waitFor(srv, /depth=2 CN = wasmtls test client root\n[\s\S]*?verify return:1/), srv.output.slice(-3000));
      assert.ok(await waitFor(srv, /depth=0 CN = wasmtls test client\n[\s\S]*?verify return:1/), srv.output.slice(-3000));
      assert.doesNotMatch(srv.output, /verify error/);
      assert.deepEqual((await cvSchemes(srv)), [scheme], 'client CertificateVerify scheme');
    });
  }

  test('RSA key, server allows only rsa_pss_rsae_sha384 for clients: CertificateVerify uses it', async (t) => {
    const srv = await startOpenssl({ ...SERVER, extra: [...REQUIRE, '-trace', '-client_sigalgs', 'rsa_pss_rsae_sha384'] });
    t.after(() => srv.stop());
    const res = await connect(srv.port, clientArgs(C.rsa2048));
    assert.equal(res.code, 0, show(res));
    await waitFor(srv, /CertificateVerify/);
    assert.deepEqual((await cvSchemes(srv)), ['rsa_pss_rsae_sha384']);
  });

  // wt_config.sign_algs (--sign-algs): our order, among what the server lists.
  for (const [order, want] of [
    ['rsa_pss_rsae_sha384,rsa_pss_rsae_sha256', 'rsa_pss_rsae_sha384'],
    ['rsa_pss_rsae_sha256,rsa_pss_rsae_sha384', 'rsa_pss_rsae_sha256'],
    ['rsa_pss_rsae_sha512,rsa_pss_rsae_sha384,rsa_pss_rsae_sha256', 'rsa_pss_rsae_sha384'],
  ]) {
    test(`RSA key, --sign-algs ${order}, server lists sha256 then sha384: CertificateVerify ${want}`, async (t) => {
      const srv = await startOpenssl({ ...SERVER,
        extra: [...REQUIRE, '-trace', '-client_sigalgs', 'rsa_pss_rsae_sha256:rsa_pss_rsae_sha384'] });
      t.after(() => srv.stop());
      const res = await connect(srv.port, [...clientArgs(C.rsa2048), '--sign-algs', order]);
      assert.equal(res.code, 0, show(res));
      await waitFor(srv, /CertificateVerify/);
      assert.deepEqual((await cvSchemes(srv)), [want]);
    });
  }

  test('RSA key, --sign-algs rsa_pss_rsae_sha512 but the server lists only sha256: our handshake_failure', async (t) => {
    const srv = await startOpenssl({ ...SERVER, extra: [...REQUIRE, '-client_sigalgs', 'rsa_pss_rsae_sha256'] });
    t.after(() => srv.stop());
    const res = await connect(srv.port, [...clientArgs(C.rsa2048), '--sign-algs', 'rsa_pss_rsae_sha512']);
    assert.equal(res.code, 1, show(res));
    assert.equal(res.error?.name, 'handshake_failure', show(res));
  });

  test('RSA key, server offers rsa_pkcs1_sha256 before PSS: CertificateVerify is still RSA-PSS', async (t) => {
    const srv = await startOpenssl({ ...SERVER, extra: [...REQUIRE, '-trace', '-client_sigalgs', 'rsa_pkcs1_sha256:rsa_pss_rsae_sha512'] });
    t.after(() => srv.stop());
    const res = await connect(srv.port, clientArgs(C.rsa2048));
    assert.equal(res.code, 0, show(res));
    await waitFor(srv, /CertificateVerify/);
    assert.deepEqual((await cvSchemes(srv)), ['rsa_pss_rsae_sha512']);
  });

  // RFC 8446 4.4.2.4: a client without a certificate sends an empty
  // Certificate; a server that requires one aborts. OpenSSL 3.0 sends the
  // TLS 1.3 alert certificate_required (116), which reaches us after our
  // Finished (the client considers its handshake complete: the --json line
  // is printed), so the CLI reports alert_received: certificate_required.
  test('certificate required, client has none: alert_received certificate_required', async (t) => {
    const srv = await startOpenssl({ ...SERVER, extra: REQUIRE });
    t.after(() => srv.stop());
    const res = await runCli(['--cafile', P.ca, '--json', `localhost:${srv.port}`], { input: 'hello\n', stdin: 'open' });
    assert.equal(res.code, 1, show(res));
    assert.deepEqual(res.error, { name: 'alert_received', reason: res.error?.reason });
    assert.match(res.error.reason, /certificate_required/);
    assert.ok(await waitFor(srv, /peer did not return a certificate/), srv.output.slice(-2000));
  });

  test('certificate requested but optional (-verify 1), client has none: empty Certificate, handshake completes', async (t) => {
    const srv = await startOpenssl({ ...SERVER, mode: 'rev', extra: ['-verify', '1', '-CAfile', C.ca] });
    t.after(() => srv.stop());
    const res = await runCli(['--cafile', P.ca, '--json', `localhost:${srv.port}`], { input: 'abc\nCLOSE\n', stdin: 'open' });
    assert.equal(res.code, 0, show(res));
    assert.equal(res.stdout, 'cba\n');
  });

  test('client certificate from an untrusted root: the server answers unknown_ca', async (t) => {
    const srv = await startOpenssl({ ...SERVER, extra: REQUIRE });
    t.after(() => srv.stop());
    const res = await runCli(['--cafile', P.ca, ...clientArgs(C.otherClient), `localhost:${srv.port}`], { input: 'hello\n', stdin: 'open' });
    assert.equal(res.code, 1, show(res));
    assert.equal(res.error?.name, 'alert_received');
    assert.match(res.error.reason, /unknown_ca/);
  });

  // Go (getClientCertificate) would send an empty Certificate when the only
  // configured certificate does not fit the CertificateRequest; wasmtls
  // fails the handshake itself, like Go does for a GetClientCertificate
  // result that has no usable scheme: handshake_failure, sent to the server.
  for (const [name, cert, sigalgs] of [
    ['ECDSA P-256 key, server allows only rsa_pss_rsae_sha256', C.p256, 'rsa_pss_rsae_sha256'],
    ['ECDSA P-384 key, server allows only ecdsa_secp256r1_sha256', C.p384, 'ecdsa_secp256r1_sha256'],
    ['RSA key, server allows only ECDSA and rsa_pkcs1_sha256', C.rsa2048, 'ecdsa_secp256r1_sha256:rsa_pkcs1_sha256'],
  ]) {
    test(`${name}: our handshake_failure`, async (t) => {
      const srv = await startOpenssl({ ...SERVER, extra: [...REQUIRE, '-client_sigalgs', sigalgs] });
      t.after(() => srv.stop());
      const res = await runCli(['--cafile', P.ca, ...clientArgs(cert), `localhost:${srv.port}`], { input: 'hello\n', stdin: 'open' });
      assert.equal(res.code, 1, show(res));
      assert.equal(res.error?.name, 'handshake_failure', show(res));
      assert.match(res.error.reason, /not usable with the server's signature_algorithms/);
      assert.ok(await waitFor(srv, /alert handshake failure/), `server saw our alert\n${srv.output.slice(-2000)}`);
    });
  }

  test('mutual TLS with HelloRetryRequest (server only P-384)', async (t) => {
    const srv = await startOpenssl({ ...SERVER, groups: 'P-384', extra: [...REQUIRE, '-trace'] });
    t.after(() => srv.stop());
    const res = await connect(srv.port, clientArgs(C.p256));
    assert.equal(res.code, 0, show(res));
    assert.equal(res.json.hrr, true);
    await waitFor(srv, /CertificateVerify/);
    assert.deepEqual((await cvSchemes(srv)), ['ecdsa_secp256r1_sha256']);
  });

  test('mutual TLS, then resumption: no CertificateRequest in the PSK handshake', async (t) => {
    const srv = await startOpenssl({ ...SERVER, numTickets: 1, extra: [...REQUIRE, '-trace'] });
    t.after(() => srv.stop());
    const sess = path.join(TMP, 'mtls-sess.bin');
    const first = await connect(srv.port, [...clientArgs(C.p256), '--sess-out', sess]);
    assert.equal(first.code, 0, show(first));
    assert.ok(fs.existsSync(sess));
    const res = await connect(srv.port, [...clientArgs(C.p256), '--sess-in', sess]);
    assert.equal(res.code, 0, show(res));
    assert.equal(res.json.resumed, true);
    await waitFor(srv, /Reused session-id/);
    assert.equal((await cvSchemes(srv)).length, 1, 'one client CertificateVerify: the full handshake only');
  });

  test('SEC1 ("EC PRIVATE KEY") and PKCS#1 ("RSA PRIVATE KEY") key files work too', async (t) => {
    const sec1 = path.join(TMP, 'sec1.key');
    const pkcs1 = path.join(TMP, 'pkcs1.key');
    execFileSync('openssl', ['ec', '-in', C.p256.key, '-out', sec1], { stdio: 'ignore' });
    execFileSync('openssl', ['rsa', '-traditional', '-in', C.rsa2048.key, '-out', pkcs1], { stdio: 'ignore' });
    assert.match(fs.readFileSync(sec1, 'utf8'), /BEGIN EC PRIVATE KEY/);
    assert.match(fs.readFileSync(pkcs1, 'utf8'), /BEGIN RSA PRIVATE KEY/);
    const srv = await startOpenssl({ ...SERVER, extra: REQUIRE });
    t.after(() => srv.stop());
    for (const [chain, key] of [[C.p256.chain, sec1], [C.rsa2048.chain, pkcs1]]) {
      const res = await connect(srv.port, ['--cert', chain, '--key', key]);
      assert.equal(res.code, 0, show(res));
    }
  });
});

// ---------------------------------------------------------------------------
describe('gnutls-serv --require-client-cert', { concurrency: 4 }, () => {
  const gnutls = (extra = []) => startGnutls({ cert: P.p256.chain, key: P.p256.key, requestClientCert: true,
    extra: ['--require-client-cert', '--verify-client-cert', '--x509cafile', C.ca, ...extra] });

  for (const [name, cert, sig] of [
    ['ECDSA P-256', C.p256, 'ECDSA-SECP256R1-SHA256'],
    ['ECDSA P-384', C.p384, 'ECDSA-SECP384R1-SHA384'],
    ['ECDSA P-521', C.p521, 'ECDSA-SECP521R1-SHA512'],
    ['RSA-2048', C.rsa2048, 'RSA-PSS-RSAE-SHA256'],
  ]) {
    test(`${name} client certificate: trusted, client signature ${sig}`, async (t) => {
      const srv = await gnutls();
      t.after(() => srv.stop());
      const res = await connect(srv.port, clientArgs(cert));
      assert.equal(res.code, 0, show(res));
      assert.equal(res.stdout, 'hello\n');
      assert.ok(await waitFor(srv, /- Client Signature: \S+/), srv.output.slice(-2000));
      assert.match(srv.output, /- Status: The certificate is trusted\./);
      assert.match(srv.output, /Got a certificate list of 2 certificates/);
      assert.equal(srv.output.match(/- Client Signature: (\S+)/)[1], sig);
    });
  }

  test('no client certificate: alert_received certificate_required', async (t) => {
    const srv = await gnutls();
    t.after(() => srv.stop());
    const res = await runCli(['--cafile', P.ca, `localhost:${srv.port}`], { input: 'hello\n', stdin: 'open' });
    assert.equal(res.code, 1, show(res));
    assert.equal(res.error?.name, 'alert_received');
    assert.match(res.error.reason, /certificate_required/);
  });

  // gnutls answers a certificate it cannot verify with access_denied (49).
  test('client certificate from an untrusted root: alert_received access_denied', async (t) => {
    const srv = await gnutls();
    t.after(() => srv.stop());
    const res = await runCli(['--cafile', P.ca, ...clientArgs(C.otherClient), `localhost:${srv.port}`], { input: 'hello\n', stdin: 'open' });
    assert.equal(res.code, 1, show(res));
    assert.equal(res.error?.name, 'alert_received');
    assert.match(res.error.reason, /access_denied/);
  });

  test('mutual TLS, then resumption with gnutls', async (t) => {
    const srv = await gnutls();
    t.after(() => srv.stop());
    const sess = path.join(TMP, 'gnutls-mtls-sess.bin');
    const first = await connect(srv.port, [...clientArgs(C.rsa2048), '--sess-out', sess]);
    assert.equal(first.code, 0, show(first));
    const res = await connect(srv.port, [...clientArgs(C.rsa2048), '--sess-in', sess]);
    assert.equal(res.code, 0, show(res));
    assert.equal(res.json.resumed, true);
    assert.equal(res.stdout, 'hello\n');
  });
});

// ---------------------------------------------------------------------------
describe('unusable --cert/--key: bad_config, exit 2 (before any connection)', { concurrency: 4 }, () => {
  const cases = [
    ['Ed25519 key', C.p256.cert, C.bad.ed25519],
    ['P-521 key for a P-256 certificate', C.p256.cert, C.bad.p521],
    ['RSA-1024 key', C.rsa2048.cert, C.bad.rsa1024],
    ['key file that is not PEM', C.p256.cert, C.bad.garbage],
    ['truncated key file', C.p256.cert, C.bad.truncatedKey],
    ['certificate given as the key', C.p256.cert, C.p256.cert],
    ['key given as the certificate', C.p256.key, C.p256.key],
    ['garbage certificate file', C.bad.garbage, C.p256.key],
    ['missing certificate file', path.join(TMP, 'nope.pem'), C.p256.key],
    ['missing key file', C.p256.cert, path.join(TMP, 'nope.key')],
  ];
  for (const [name, cert, key] of cases) {
    test(name, async () => {
      // port 1: nothing listens; a bad_config must come before connecting
      const res = await runCli(['--cafile', P.ca, '--cert', cert, '--key', key, 'localhost:1']);
      assert.equal(res.code, 2, show(res));
      assert.equal(res.error?.name, 'bad_config', show(res));
    });
  }
  test('--cert without --key', async () => {
    const res = await runCli(['--cafile', P.ca, '--cert', C.p256.cert, 'localhost:1']);
    assert.equal(res.code, 2, show(res));
    assert.equal(res.error?.name, 'bad_config');
  });
  test('--key without --cert', async () => {
    const res = await runCli(['--cafile', P.ca, '--key', C.p256.key, 'localhost:1']);
    assert.equal(res.code, 2, show(res));
    assert.equal(res.error?.name, 'bad_config');
  });
  // Like Go's tls.X509KeyPair: a key that is not the leaf's is refused up
  // front (bad_config), not discovered by the server's CertificateVerify check.
  test('certificate and key that do not match', async () => {
    const res = await runCli(['--cafile', P.ca, '--cert', C.p256.chain, '--key', C.p384.key, 'localhost:1']);
    assert.equal(res.code, 2, show(res));
    assert.equal(res.error?.name, 'bad_config');
  });
});
