// External PSKs (RFC 8446 2.2, 4.2.11) against openssl s_server -psk:
// --psk-identity/--psk-file/--psk-hash on the CLI, the server taking the
// PSK (no certificate), a server that does not (certificate verification
// as usual, or missing_extension when nothing would verify it), a wrong
// key, HelloRetryRequest (binder recomputed), sessions from a PSK
// handshake (resumed only with the same PSK), and the CLI's refusals.
// The RFC 9258 importer is checked by BoGo (PSK-Client-*: no server here
// implements it). Runs under WT_BUILD (release, ASan, and the Node CLI
// through tests/wasm_cli.test.mjs).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pki } from './lib/pki.mjs';
import { runCli, describe as show } from './lib/cli.mjs';
import { startOpenssl } from './lib/servers.mjs';

const P = pki();
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'wt-psk-'));
process.on('exit', () => fs.rmSync(TMP, { recursive: true, force: true }));

const KEY = '00112233445566778899aabbccddeeff0123456789abcdef';
const file = (name, text) => {
  const f = path.join(TMP, name);
  fs.writeFileSync(f, text);
  return f;
};
const KEYFILE = file('key.hex', `${KEY.slice(0, 24)}\n${KEY.slice(24)}\n`);   // line breaks allowed
const OTHERKEY = file('other.hex', 'ffeeddccbbaa99887766554433221100');

// s_server with its certificate and the PSK "client1" (OpenSSL uses it
// with TLS_AES_128_GCM_SHA256 unless told otherwise).
const INT = path.join(TMP, 'int.pem');
fs.writeFileSync(INT, fs.readFileSync(P.p256.chain, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)[1] + '\n');
function server(extra = [], o = {}) {
  return startOpenssl({ cert: P.p256.cert, key: P.p256.key, chain: INT, mode: 'www',
    extra: ['-psk_identity', 'client1', '-psk', KEY, ...extra], ...o });
}
const psk = (keyfile = KEYFILE, id = 'client1') => ['--psk-identity', id, '--psk-file', keyfile];
const get = (port, args) => runCli([...args, '--json', '--http', '/', `localhost:${port}`]);

describe('openssl s_server -psk', { concurrency: 4 }, () => {
  test('the server takes the PSK: no certificate, nothing to verify, HTTP works', async (t) => {
    const srv = await server();
    t.after(() => srv.stop());
    // No --cafile: the built-in roots would refuse this server's
    // certificate, so success shows no certificate was involved.
    const res = await get(srv.port, psk());
    assert.equal(res.code, 0, show(res));
    assert.equal(res.json.external_psk, true);
    assert.equal(res.json.peer_chain, 0);
    assert.equal(res.json.sigalg, null);
    assert.equal(res.json.resumed, false);
    assert.match(res.json.cipher, /_SHA256$/);   // OpenSSL's -psk: a SHA-256 suite
    assert.match(res.stdout, /^HTTP\/1\.0 200 ok/);
  });

  test('HelloRetryRequest: the binder is recomputed over the new transcript', async (t) => {
    const srv = await server(['-groups', 'secp384r1']);
    t.after(() => srv.stop());
    const res = await get(srv.port, psk());
    assert.equal(res.code, 0, show(res));
    assert.equal(res.json.hrr, true);
    assert.equal(res.json.group, 'secp384r1');
    assert.equal(res.json.external_psk, true);
  });

  test('wrong key: the server rejects the binder', async (t) => {
    const srv = await server();
    t.after(() => srv.stop());
    const res = await get(srv.port, psk(OTHERKEY));
    assert.equal(res.code, 1, show(res));
    // OpenSSL answers "binder does not verify" with illegal_parameter.
    assert.deepEqual([res.error?.name, res.error?.reason], ['alert_received', 'illegal_parameter'], show(res));
    await srv.waitFor(/binder does not verify/);
  });

  test('identity longer than 128 bytes: bad_config, exit 2', async (t) => {
    const srv = await server();
    t.after(() => srv.stop());
    const res = await get(srv.port, psk(KEYFILE, 'i'.repeat(129)));
    assert.equal(res.code, 2, show(res));
    assert.equal(res.error?.name, 'bad_config', show(res));
    assert.match(res.error.reason, /identity must be 1\.\.128 bytes/);
  });

  test('unknown identity: the server authenticates with its certificate, verified as usual', async (t) => {
    const srv = await server();
    t.after(() => srv.stop());
    const ok = await get(srv.port, ['--cafile', P.ca, ...psk(KEYFILE, 'nobody')]);
    assert.equal(ok.code, 0, show(ok));
    assert.equal(ok.json.external_psk, false);
    assert.equal(ok.json.peer_chain > 0, true);
    // ... and refused by the built-in roots, as any other certificate.
    const bad = await get(srv.port, psk(KEYFILE, 'nobody'));
    assert.equal(bad.code, 1, show(bad));
    assert.equal(bad.error?.name, 'unknown_ca', show(bad));
  });

  test('unknown identity with --insecure: missing_extension (nothing would authenticate the server)', async (t) => {
    const srv = await server();
    t.after(() => srv.stop());
    const res = await get(srv.port, ['--insecure', ...psk(KEYFILE, 'nobody')]);
    assert.equal(res.code, 1, show(res));
    assert.equal(res.error?.name, 'missing_extension', show(res));
    assert.match(res.error.reason, /did not select an external PSK/);
  });

  test('a session from a PSK handshake resumes only with the same PSK configured', async (t) => {
    const srv = await server();
    t.after(() => srv.stop());
    const sess = path.join(TMP, 'psk.sess');
    const first = await get(srv.port, [...psk(), '--sess-out', sess]);
    assert.equal(first.code, 0, show(first));
    assert.ok(fs.statSync(sess).size > 0, 'no session written');
    const again = await get(srv.port, [...psk(), '--sess-in', sess]);
    assert.equal(again.code, 0, show(again));
    assert.equal(again.json.resumed, true);
    assert.equal(again.json.external_psk, true, 'a resumed PSK session reports its PSK');
    // Without the PSK the session is not offered (it is bound to it):
    // a full handshake with the certificate instead.
    const without = await get(srv.port, ['--insecure', '--sess-in', sess]);
    assert.equal(without.code, 0, show(without));
    assert.equal(without.json.resumed, false);
    assert.equal(without.json.external_psk, false);
    // Nor with another key under the same identity.
    const other = await get(srv.port, ['--cafile', P.ca, ...psk(OTHERKEY), '--sess-in', sess]);
    assert.equal(other.json?.resumed ?? false, false, show(other));
  });
});

describe('CLI refusals', { concurrency: 4 }, () => {
  const cases = [
    ['--psk-identity without --psk-file', ['--psk-identity', 'x'], /go together/],
    ['--psk-hash without a PSK', ['--psk-hash', 'sha384'], /need --psk-identity/],
    ['unknown --psk-hash', [...psk(), '--psk-hash', 'md5'], /sha256 or sha384/],
    ['key file not hex', psk(file('nothex', 'zz00112233445566778899aabbccddeeff')), /not hex/],
    ['key file with an odd number of digits', psk(file('odd', '0011223344556677889900aabbccddeef')), /odd number/],
    ['key shorter than 16 bytes', psk(file('short', '00112233445566778899aabbccddee')), /shorter than 16/],
    ['key longer than 64 bytes', psk(file('long', 'ab'.repeat(65))), /longer than 64/],
    ['missing key file', psk(path.join(TMP, 'absent')), /cannot read --psk-file/],
  ];
  for (const [name, args, re] of cases) {
    test(`${name}: bad_config, exit 2`, async () => {
      const res = await runCli([...args, '127.0.0.1:9']);
      assert.equal(res.code, 2, show(res));
      assert.equal(res.error?.name, 'bad_config', show(res));
      assert.match(res.error.reason, re);
    });
  }
});
