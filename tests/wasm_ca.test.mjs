// The npm package's `ca` option (wasm engine, js/src/engine.js storeFromPem):
// certificates that cannot be trust anchors (an RSA-8192 root, which used
// to overflow BearSSL's decoder, Ed25519, RSA-PSS) are skipped with one
// onWarning call each, and a `ca` with nothing usable is a bad_config
// TLSError naming what was skipped. connect() against openssl s_server,
// verifyChain(), and the Node CLI's warning and error lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { pki, pkiX509 } from './lib/pki.mjs';
import { startOpenssl } from './lib/servers.mjs';
import { SKIP, NODE_CLI, readAll, pem } from './lib/wasm.mjs';
import { KNOWN, limboCases } from './lib/limbo.mjs';

const P = SKIP ? null : pki();
const X = SKIP ? null : pkiX509();
const mod = SKIP ? null : await import('../js/index.js');
const derOf = (file) => (pem(file).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) || [])
  .map((b) => new Uint8Array(Buffer.from(b.replace(/-----[A-Z ]+-----|\s+/g, ''), 'base64')));

test('connect(): ca with an RSA-8192 and an Ed25519 root warns twice and uses the usable root', { skip: SKIP }, async (t) => {
  const srv = await startOpenssl({ mode: 'rev', cert: P.p256.cert, key: P.p256.key, chain: P.p256.chain });
  t.after(() => srv.stop());
  const warnings = [];
  const s = mod.connect({ hostname: 'localhost', port: srv.port },
    { ca: pem(X.mixedBundle), onWarning: (m) => warnings.push(m), sessionCache: false });
  await s.opened;
  const w = s.writable.getWriter();
  await w.write(new TextEncoder().encode('abc\nCLOSE\n'));
  assert.equal((await readAll(s.readable)).toString(), 'cba\n');
  await s.closed;
  assert.deepEqual(warnings.map((m) => m.replace(/\): .*/, ')')), [
    'ca: skipping certificate 1 (CN=wasmtls test Ed25519 root)',
    'ca: skipping certificate 2 (CN=wasmtls test RSA-8192 root)',
  ]);
  assert.match(warnings[1], /RSA key longer than 4096 bits/);
});

test('connect(): ca with no usable root rejects with bad_config naming each certificate', { skip: SKIP }, async () => {
  const warnings = [];
  const s = mod.connect({ hostname: 'localhost', port: 1 },
    { ca: pem(X.unusableBundle), onWarning: (m) => warnings.push(m), sessionCache: false });
  await assert.rejects(s.opened, (e) => {
    assert.ok(e instanceof mod.TLSError);
    assert.equal(e.code, 'bad_config');
    assert.match(e.reason, /^ca: no usable certificate: every one was skipped \(unsupported_certificate\): /);
    assert.match(e.reason, /certificate 1 \(CN=wasmtls test Ed25519 root\): key type not supported/);
    assert.match(e.reason, /certificate 2 \(CN=wasmtls test RSA-PSS root\): key type not supported/);
    assert.match(e.reason, /certificate 3 \(CN=wasmtls test RSA-8192 root\): RSA key longer than 4096 bits/);
    return true;
  });
  assert.deepEqual(warnings, [], 'the error says it all');
});

test('verifyChain(): skipped roots warn, the chain verifies against the usable one', { skip: SKIP }, async () => {
  const warnings = [];
  await mod.verifyChain(derOf(P.p256.chain), pem(X.mixedBundle), { host: 'localhost', onWarning: (m) => warnings.push(m) });
  assert.equal(warnings.length, 2);
  await assert.rejects(mod.verifyChain(derOf(P.p256.chain), pem(X.r8kRoot), { onWarning: () => {} }),
    (e) => e.code === 'bad_config' && /RSA-8192 root\): RSA key longer than 4096 bits/.test(e.reason));
  // and the weak-certificate rules of the native build hold here too
  await assert.rejects(mod.verifyChain(derOf(X.sha1Leaf.chain), pem(P.ca), { host: 'localhost' }),
    (e) => e.code === 'unsupported_certificate' && e.reason === 'leaf certificate signed with SHA-1');
});

test('Node CLI: one warning line per skipped root, errors name the --cafile', { skip: SKIP }, () => {
  const run = (args) => spawnSync(process.execPath, [NODE_CLI, ...args], { encoding: 'utf8', timeout: 30000 });
  let r = run(['verify', '--cafile', X.mixedBundle, '--host', 'localhost', P.p256.chain]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stderr.split('\n').filter((l) => l.startsWith('warning: ')).map((l) => l.replace(/\): .*/, ')')), [
    `warning: ${X.mixedBundle}: skipping certificate 1 (CN=wasmtls test Ed25519 root)`,
    `warning: ${X.mixedBundle}: skipping certificate 2 (CN=wasmtls test RSA-8192 root)`,
  ]);
  r = run(['--cafile', X.ed25519Root, 'localhost:1']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`^error: bad_config: --cafile ${X.ed25519Root}: no usable certificate: .*Ed25519 root\\): key type not supported`, 'm'));
  assert.ok(fs.existsSync(X.ed25519Root));
});

// certProfile (issue 12): the web profile (default) refuses a leaf without
// extendedKeyUsage, 'private' accepts it; anything else is bad_config; the
// session key names the private profile.
test('verifyChain()/connect(): certProfile web, private, or a bad_config', { skip: SKIP }, async () => {
  const t = limboCases().find((c) => c.id === 'webpki::eku::ee-without-eku');
  const der = (p) => new Uint8Array(Buffer.from(p.replace(/-----[A-Z ]+-----|\s+/g, ''), 'base64'));
  const chain = [der(t.peer_certificate), ...t.untrusted_intermediates.map(der)];
  const opts = { host: t.expected_peer_name.value, ...(t.validation_time ? { time: Date.parse(t.validation_time) / 1000 } : {}) };
  await assert.rejects(mod.verifyChain(chain, t.trusted_certs.join(''), opts),
    (e) => e.code === 'bad_certificate' && /^leaf certificate has no extendedKeyUsage/.test(e.reason));
  await assert.rejects(mod.verifyChain(chain, t.trusted_certs.join(''), { ...opts, certProfile: 'web' }),
    (e) => e.code === 'bad_certificate');
  await mod.verifyChain(chain, t.trusted_certs.join(''), { ...opts, certProfile: 'private' });
  await assert.rejects(mod.verifyChain(chain, t.trusted_certs.join(''), { ...opts, certProfile: 'lax' }),
    (e) => e.code === 'bad_config' && /certProfile must be 'web' or 'private', got "lax"/.test(e.reason));
  const s = mod.connect({ hostname: 'localhost', port: 1 }, { ca: pem(P.ca), certProfile: 1, sessionCache: false });
  await assert.rejects(s.opened, (e) => e.code === 'bad_config' && /certProfile must be/.test(e.reason));
  const key = mod.sessionKey({ servername: 'a.example', port: 443, trust: 'ab', profile: 'private' });
  assert.equal(key, 'name=a.example;port=443;alpn=;ca=ab;profile=private');
  assert.equal(mod.sessionKey({ servername: 'a.example', port: 443, trust: 'ab' }), 'name=a.example;port=443;alpn=;ca=ab');
});

// "wasmtls verify is the contract" in every build: the wasm engine gives
// the same x509-limbo answers as the native one (tests/x509.test.mjs), with
// the same allowlist.
test('verifyChain(): x509-limbo SERVER cases agree as in the native build', { skip: SKIP }, async () => {
  const der = (p) => new Uint8Array(Buffer.from(p.replace(/-----[A-Z ]+-----|\s+/g, ''), 'base64'));
  const unexpected = [];
  let agree = 0;
  for (const t of limboCases()) {
    const chain = [der(t.peer_certificate), ...t.untrusted_intermediates.map(der)];
    const n = t.expected_peer_name;
    const opts = { onWarning: () => {} };
    if (n && (n.kind === 'DNS' || n.kind === 'IP')) opts.host = n.value;
    if (t.validation_time) opts.time = Math.floor(Date.parse(t.validation_time) / 1000);
    let got = 'SUCCESS';
    try {
      await mod.verifyChain(chain, t.trusted_certs.join(''), opts);
    } catch (e) {
      assert.ok(e instanceof mod.TLSError, `${t.id}: ${e}`);
      got = 'FAILURE';
    }
    if (got === t.expected_result) {
      agree++;
      if (KNOWN[t.id]) unexpected.push(`${t.id}: allowlisted but agrees`);
    } else if (!KNOWN[t.id]) unexpected.push(`${t.id}: expected ${t.expected_result}, got ${got}`);
  }
  assert.deepEqual(unexpected, []);
  assert.equal(agree, limboCases().length - Object.keys(KNOWN).length);
});
