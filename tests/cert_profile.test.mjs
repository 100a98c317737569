// Certificate profiles end to end (wt_config.cert_profile, --cert-profile,
// issue 12): openssl s_server sends a chain from a "private CA" whose leaf
// has no extendedKeyUsage and no authorityKeyIdentifier, as older openssl
// recipes make them. The default web profile refuses it, naming the rule;
// --cert-profile private accepts it. A session verified under the private
// profile is never resumed under the web one (resuming would skip the
// verification the web profile refuses). Runs under WT_BUILD (release,
// ASan, and the Node CLI through tests/wasm_cli.test.mjs).
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, describe as show } from './lib/cli.mjs';
import { startOpenssl } from './lib/servers.mjs';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'wt-profile-'));
process.on('exit', () => fs.rmSync(TMP, { recursive: true, force: true }));
const f = (n) => path.join(TMP, n);
const run = (...a) => execFileSync('openssl', a, { cwd: TMP, stdio: ['ignore', 'ignore', 'pipe'] });

const EXT = `[req]
distinguished_name = dn
[dn]
[root]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign
subjectKeyIdentifier = hash
[leaf_plain]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
subjectAltName = DNS:localhost
subjectKeyIdentifier = none
authorityKeyIdentifier = none
`;

before(() => {
  fs.writeFileSync(f('ext.cnf'), EXT);
  for (const n of ['root', 'leaf']) run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${n}.key`);
  run('req', '-x509', '-new', '-key', 'root.key', '-subj', '/CN=wasmtls private root', '-days', '30',
    '-out', 'root.pem', '-config', 'ext.cnf', '-extensions', 'root');
  run('req', '-new', '-key', 'leaf.key', '-subj', '/CN=localhost', '-out', 'leaf.csr', '-config', 'ext.cnf');
  run('x509', '-req', '-in', 'leaf.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-set_serial', '7',
    '-days', '20', '-out', 'leaf.pem', '-extfile', 'ext.cnf', '-extensions', 'leaf_plain');
});

async function server(t) {
  const srv = await startOpenssl({ cert: f('leaf.pem'), key: f('leaf.key'), mode: 'www' });
  t.after(() => srv.stop());
  return srv;
}
const cli = (srv, ...args) => runCli(['--cafile', f('root.pem'), '--json', '--http', '/', ...args, `localhost:${srv.port}`]);

describe('a private CA\'s leaf without extendedKeyUsage or key identifiers', { concurrency: 3 }, () => {
  test('web profile (default): refused, naming the rule', async (t) => {
    const res = await cli(await server(t));
    assert.equal(res.code, 1, show(res));
    assert.equal(res.error?.name, 'bad_certificate', show(res));
    // the first of the web profile's rules it breaks
    assert.match(res.error.reason, /^leaf certificate \(CN=localhost\) has no authorityKeyIdentifier keyIdentifier \(RFC 5280 4\.2\.1\.1\)/);
    const web = await cli(await server(t), '--cert-profile', 'web');
    assert.equal(web.error?.name, 'bad_certificate', show(web));
  });

  test('--cert-profile private: verified', async (t) => {
    const res = await cli(await server(t), '--cert-profile', 'private');
    assert.equal(res.code, 0, show(res));
    assert.match(res.stdout, /HTTP\/1\.0 200 ok/);
  });

  test('a session verified under the private profile resumes only under it', async (t) => {
    const srv = await server(t);
    const sess = f('private.sess');
    const first = await cli(srv, '--cert-profile', 'private', '--sess-out', sess);
    assert.equal(first.code, 0, show(first));
    assert.ok(fs.existsSync(sess), show(first));
    const again = await cli(srv, '--cert-profile', 'private', '--sess-in', sess);
    assert.equal(again.code, 0, show(again));
    assert.equal(again.json.resumed, true, show(again));
    // under the web profile the session is not offered: a full handshake,
    // whose verification refuses the leaf
    const web = await cli(srv, '--sess-in', sess);
    assert.equal(web.code, 1, show(web));
    assert.match(web.error?.reason ?? '', /has no authorityKeyIdentifier/, show(web));
  });

  test('a bad --cert-profile is a configuration error', async (t) => {
    const res = await cli(await server(t), '--cert-profile', 'lenient');
    assert.equal(res.code, 2, show(res));
    assert.equal(res.error?.name, 'bad_config', show(res));
    assert.match(res.error.reason, /--cert-profile must be web or private, not 'lenient'/);
    const both = await runCli(['--insecure', '--cert-profile', 'private', 'localhost:1']);
    assert.equal(both.code, 2, show(both));
    assert.match(both.error?.reason ?? '', /--insecure and --cert-profile are exclusive/);
  });
});
