// Name constraints end to end (RFC 5280 4.2.1.10, issue 12): openssl
// s_server sends a chain through a technically constrained intermediate
// (permitted DNS localhost and IP 127.0.0.1, excluded DNS blocked.localhost)
// and, in another run, under a root that carries the constraints itself.
// The client accepts the leaves inside and refuses the ones outside with a
// reason naming the name and the constraint. Runs under WT_BUILD (release,
// ASan, and the Node CLI through tests/wasm_cli.test.mjs).
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, describe as show } from './lib/cli.mjs';
import { startOpenssl } from './lib/servers.mjs';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'wt-nc-'));
process.on('exit', () => fs.rmSync(TMP, { recursive: true, force: true }));
const f = (n) => path.join(TMP, n);
const run = (...a) => execFileSync('openssl', a, { cwd: TMP, stdio: ['ignore', 'ignore', 'pipe'] });

const EXT = `
[root]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[root_nc]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
nameConstraints = critical, permitted;DNS:localhost, permitted;IP:127.0.0.1/255.255.255.255
[int_nc]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
nameConstraints = critical, permitted;DNS:localhost, permitted;IP:127.0.0.1/255.255.255.255, excluded;DNS:blocked.localhost
[int]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[leaf_ok]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, DNS:www.localhost, IP:127.0.0.1
[leaf_outside]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:evil.test
[leaf_excluded]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:blocked.localhost
[leaf_ip_outside]
basicConstraints = CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:10.0.0.1
`;

function key(n) { run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${n}.key`); }
function selfSigned(n, cn, ext) {
  key(n);
  run('req', '-x509', '-new', '-key', `${n}.key`, '-subj', `/CN=${cn}`, '-days', '30', '-out', `${n}.pem`,
    '-config', 'ext.cnf', '-extensions', ext);
}
function issue(n, cn, issuer, ext) {
  key(n);
  run('req', '-new', '-key', `${n}.key`, '-subj', `/CN=${cn}`, '-out', `${n}.csr`, '-config', 'ext.cnf');
  run('x509', '-req', '-in', `${n}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-CAcreateserial',
    '-days', '20', '-out', `${n}.pem`, '-extfile', 'ext.cnf', '-extensions', ext);
}
const cat = (out, ...ns) => fs.writeFileSync(f(out), ns.map((n) => fs.readFileSync(f(`${n}.pem`), 'utf8')).join(''));

before(() => {
  fs.writeFileSync(f('ext.cnf'), `[req]\ndistinguished_name = dn\n[dn]\n${EXT}`);
  // root -> constrained intermediate -> leaves
  selfSigned('root', 'wasmtls nc root', 'root');
  issue('int', 'wasmtls constrained intermediate', 'root', 'int_nc');
  for (const l of ['leaf_ok', 'leaf_outside', 'leaf_excluded', 'leaf_ip_outside']) {
    issue(l, 'wasmtls nc leaf', 'int', l);
    cat(`${l}-chain.pem`, l, 'int');
  }
  // constrained root -> plain intermediate -> leaves
  selfSigned('ncroot', 'wasmtls constrained root', 'root_nc');
  issue('int2', 'wasmtls plain intermediate', 'ncroot', 'int');
  for (const l of ['leaf_ok', 'leaf_outside']) {
    issue(`${l}2`, 'wasmtls nc leaf 2', 'int2', l);
    cat(`${l}2-chain.pem`, `${l}2`, 'int2');
  }
});

async function connect(t, leaf, host, ca = 'root.pem') {
  const srv = await startOpenssl({ cert: f(`${leaf}.pem`), key: f(`${leaf}.key`), chain: f(`${leaf}-chain.pem`), mode: 'www' });
  t.after(() => srv.stop());
  const args = ['--cafile', f(ca), '--json', '--http', '/'];
  if (host !== null) args.push('--servername', host);
  return runCli([...args, `127.0.0.1:${srv.port}`]);
}

describe('a chain through a name-constrained intermediate (openssl s_server)', { concurrency: 4 }, () => {
  test('leaf inside the permitted subtrees: verified, by name and by IP', async (t) => {
    const byName = await connect(t, 'leaf_ok', 'localhost');
    assert.equal(byName.code, 0, show(byName));
    assert.match(byName.stdout, /^HTTP\/1\.0 200 ok/);
    const sub = await connect(t, 'leaf_ok', 'www.localhost');
    assert.equal(sub.code, 0, show(sub));
    const byIp = await connect(t, 'leaf_ok', null);
    assert.equal(byIp.code, 0, show(byIp));
  });

  test('leaf outside the permitted subtrees: refused, naming the name and the constraint', async (t) => {
    const res = await connect(t, 'leaf_outside', 'evil.test');
    assert.equal(res.code, 1, show(res));
    assert.equal(res.error?.name, 'bad_certificate', show(res));
    assert.match(res.error.reason, /name constraint violated: DNS name evil\.test is outside the permitted subtrees \(localhost\)/);
    assert.match(res.error.reason, /wasmtls constrained intermediate/);
  });

  test('leaf in an excluded subtree: refused', async (t) => {
    const res = await connect(t, 'leaf_excluded', 'blocked.localhost');
    assert.equal(res.code, 1, show(res));
    assert.match(res.error?.reason ?? '', /DNS name blocked\.localhost is in the excluded subtree blocked\.localhost/, show(res));
  });

  test('an IP SAN outside the permitted addresses: refused, even when connecting by name', async (t) => {
    const res = await connect(t, 'leaf_ip_outside', 'localhost');
    assert.equal(res.code, 1, show(res));
    assert.match(res.error?.reason ?? '', /IP address 10\.0\.0\.1 is outside the permitted subtrees/, show(res));
  });
});

describe('constraints carried by the trust anchor itself (--cafile)', { concurrency: 4 }, () => {
  test('inside: verified', async (t) => {
    const res = await connect(t, 'leaf_ok2', 'localhost', 'ncroot.pem');
    assert.equal(res.code, 0, show(res));
  });
  test('outside: refused by the root\'s constraints', async (t) => {
    const res = await connect(t, 'leaf_outside2', 'evil.test', 'ncroot.pem');
    assert.equal(res.code, 1, show(res));
    assert.match(res.error?.reason ?? '', /DNS name evil\.test is outside the permitted subtrees \(localhost\)/, show(res));
    assert.match(res.error.reason, /wasmtls constrained root/);
  });
});
