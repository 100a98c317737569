// End-to-end interop: the native CLI against real TLS 1.3 servers
// (openssl s_server, gnutls-serv, Node's tls) on 127.0.0.1.
// Every test asserts the negotiated parameters (--json) and that data
// round-trips intact. Runs under whatever WT_BUILD points to (release and ASan).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pki, pkiX509 } from './lib/pki.mjs';
import { runCli, describe as show } from './lib/cli.mjs';
import { startOpenssl, startGnutls, startNode, freePort, sleep } from './lib/servers.mjs';

const P = await pki();
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'wt-interop-'));
process.on('exit', () => fs.rmSync(TMP, { recursive: true, force: true }));

// --- certificate plumbing -------------------------------------------------
const pemBlocks = (text) => text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) || [];
let nfile = 0;
// {cert, key, chain} from pki() -> {cert: leaf only, key, extras: file of the
// other chain certificates or undefined, full: leaf + extras, count}
function serverCert(entry) {
  const leaf = pemBlocks(fs.readFileSync(entry.cert, 'utf8'))[0];
  const all = entry.chain ? pemBlocks(fs.readFileSync(entry.chain, 'utf8')) : [leaf];
  const others = all.filter((b) => b.trim() !== leaf.trim());
  const n = ++nfile;
  const leafFile = path.join(TMP, `leaf${n}.pem`);
  fs.writeFileSync(leafFile, leaf + '\n');
  let extras;
  if (others.length) {
    extras = path.join(TMP, `extras${n}.pem`);
    fs.writeFileSync(extras, others.join('\n') + '\n');
  }
  const full = path.join(TMP, `full${n}.pem`);
  fs.writeFileSync(full, [leaf, ...others].join('\n') + '\n');
  return { cert: leafFile, key: entry.key, chain: extras, full, count: 1 + others.length };
}
const RSA = serverCert(P.rsa2048);
const P256 = serverCert(P.p256);
const P384 = serverCert(P.p384);
// gnutls-serv and Node take the whole chain in one file.
const whole = (c) => ({ cert: c.full, key: c.key });

const SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
const GROUPS = ['x25519', 'secp256r1', 'secp384r1'];
const OSSL_GROUP = { x25519: 'X25519', secp256r1: 'P-256', secp384r1: 'P-384' };

// Checks the --json summary against the expected fields.
function checkJson(res, expect) {
  assert.ok(res.json, `no --json line\n${show(res)}`);
  assert.equal(res.json.version, 'TLSv1.3');
  assert.equal(res.json.resumed, false);
  for (const [k, v] of Object.entries(expect)) {
    assert.deepEqual(res.json[k], v, `json.${k}: ${JSON.stringify(res.json)}`);
  }
  for (const k of ['version', 'cipher', 'group', 'alpn', 'hrr', 'resumed', 'sigalg', 'peer_chain', 'servername']) {
    assert.ok(k in res.json, `json lacks ${k}`);
  }
}

const reverse = (s) => [...s].reverse().join('');

// openssl s_server -rev: send lines (+ CLOSE), expect them reversed, and a
// clean close_notify from the server. Returns the CLI result.
async function revRoundTrip(t, srvOpts, cliArgs = [], { lines, host = 'localhost', cafile = P.ca } = {}) {
  const srv = await startOpenssl({ mode: 'rev', ...srvOpts });
  t.after(() => srv.stop());
  lines ??= ['hello from wasmtls', crypto.randomBytes(600).toString('hex'), 'ünïcödé ✓'];
  const res = await runCli(['--cafile', cafile, '--json', ...cliArgs, `${host}:${srv.port}`],
    { input: lines.join('\n') + '\nCLOSE\n', stdin: 'open' });
  assert.equal(res.code, 0, show(res));
  assert.equal(res.error, null);
  const expected = lines.map((l) => Buffer.from(Buffer.from(l).reverse()).toString('latin1')).join('\n') + '\n';
  assert.equal(res.stdoutBuf.toString('latin1'), expected, 'reversed lines round trip');
  return res;
}

// ---------------------------------------------------------------------------
describe('openssl s_server', { concurrency: 6 }, () => {
  for (const suite of SUITES) {
    for (const group of GROUPS) {
      test(`${suite} x ${group}`, async (t) => {
        const res = await revRoundTrip(t,
          { ...P256, ciphersuites: suite, groups: OSSL_GROUP[group] },
          ['--ciphers', suite, '--groups', group]);
        checkJson(res, { cipher: suite, group, hrr: false, sigalg: 'ecdsa_secp256r1_sha256',
          alpn: null, servername: 'localhost', peer_chain: P256.count });
      });
    }
  }

  for (const [name, cert, sigalg] of [['RSA-2048', RSA, 'rsa_pss_rsae_sha256'],
    ['ECDSA P-256', P256, 'ecdsa_secp256r1_sha256'], ['ECDSA P-384', P384, 'ecdsa_secp384r1_sha384']]) {
    test(`${name} certificate, default client config`, async (t) => {
      const res = await revRoundTrip(t, cert);
      checkJson(res, { sigalg, hrr: false, group: 'x25519', peer_chain: cert.count });
    });
  }

  test('IP literal target: verified against the iPAddress SAN, no SNI', async (t) => {
    const res = await revRoundTrip(t, P256, [], { host: '127.0.0.1' });
    checkJson(res, { servername: null });
  });

  test('IPv6 literal target [::1]:PORT: verified against the iPAddress SAN', async (t) => {
    const res = await revRoundTrip(t, { ...P384, addr: '[::1]' }, [], { host: '[::1]' });
    checkJson(res, { servername: null, sigalg: 'ecdsa_secp384r1_sha384' });
  });

  test('wildcard certificate with --servername', async (t) => {
    const w = serverCert(P.wildcard);
    const res = await revRoundTrip(t, w, ['--servername', P.wildcard.host], { host: '127.0.0.1' });
    checkJson(res, { servername: P.wildcard.host });
  });

  test('self-signed leaf trusted directly via --cafile', async (t) => {
    const s = serverCert(P.selfSigned);
    const res = await revRoundTrip(t, s, [], { cafile: P.selfSigned.cert });
    checkJson(res, { peer_chain: 1 });
  });

  test('HelloRetryRequest: server only accepts secp384r1', async (t) => {
    const res = await revRoundTrip(t, { ...P256, groups: 'P-384' });
    checkJson(res, { hrr: true, group: 'secp384r1' });
  });

  test('HelloRetryRequest: server only accepts secp256r1, client prefers x25519', async (t) => {
    const res = await revRoundTrip(t, { ...RSA, groups: 'P-256' }, ['--groups', 'x25519,secp256r1']);
    checkJson(res, { hrr: true, group: 'secp256r1', sigalg: 'rsa_pss_rsae_sha256' });
  });

  test('ten session tickets are absorbed', async (t) => {
    const res = await revRoundTrip(t, { ...P256, numTickets: 10 });
    checkJson(res, { hrr: false, resumed: false });
  });

  test('tiny fragments: server -max_send_frag 512, client --max-fragment 64', async (t) => {
    const lines = [crypto.randomBytes(3000).toString('base64'), 'short', crypto.randomBytes(1000).toString('hex')];
    const res = await revRoundTrip(t, { ...P384, maxSendFrag: 512 }, ['--max-fragment', '64'], { lines });
    checkJson(res, { sigalg: 'ecdsa_secp384r1_sha384' });
  });

  test('near-maximal records both ways (16000-byte lines)', async (t) => {
    const lines = [crypto.randomBytes(8000).toString('hex'), crypto.randomBytes(8000).toString('hex')];
    const res = await revRoundTrip(t, P256, [], { lines });
    checkJson(res, {});
  });

  test('maximal 16 KiB records from the server (-WWW file over --http)', async (t) => {
    const dir = fs.mkdtempSync(path.join(TMP, 'www-'));
    const body = crypto.randomBytes(100 * 1024).toString('base64');
    fs.writeFileSync(path.join(dir, 'big.txt'), body);
    const srv = await startOpenssl({ ...P256, extra: ['-WWW'], cwd: dir });
    t.after(() => srv.stop());
    const res = await runCli(['--cafile', P.ca, '--json', '--http', '/big.txt', `localhost:${srv.port}`]);
    assert.equal(res.code, 0, show(res));
    checkJson(res, {});
    const i = res.stdout.indexOf('\r\n\r\n');
    assert.match(res.stdout, /^HTTP\/1\.[01] 200/);
    assert.equal(res.stdout.slice(i + 4), body);
  });

  test('ALPN negotiated', async (t) => {
    const res = await revRoundTrip(t, { ...P256, alpn: 'h2,http/1.1' }, ['--alpn', 'x-none,http/1.1']);
    checkJson(res, { alpn: 'http/1.1' });
  });

  test('ALPN offered, server has none: no ALPN', async (t) => {
    const res = await revRoundTrip(t, P256, ['--alpn', 'h2,http/1.1']);
    checkJson(res, { alpn: null });
  });

  test('ALPN mismatch: openssl s_server -> alert_received: no_application_protocol', async (t) => {
    const srv = await startOpenssl({ ...P256, mode: 'www', alpn: 'h2' });
    t.after(() => srv.stop());
    const res = await runCli(['--cafile', P.ca, '--alpn', 'x-other', `localhost:${srv.port}`]);
    assert.equal(res.code, 1, show(res));
    assert.deepEqual(res.error, { name: 'alert_received', reason: 'no_application_protocol' }, show(res));
    assert.equal(res.json, null);
  });

  test('KeyUpdate triggered by the server mid-stream (K = update_requested, then k)', async (t) => {
    // s_server (plain mode) turns a stdin line "K"/"k" into a KeyUpdate and
    // sends other stdin lines as data. Each step waits for the previous
    // line to arrive so that s_server reads every command line separately.
    const srv = await startOpenssl({ ...P256, mode: 'plain' });
    t.after(() => srv.stop());
    let child;
    let out = '';
    const run = runCli(['--cafile', P.ca, '--json', `localhost:${srv.port}`], {
      stdin: 'open',
      onStderrLine: (line, c) => {
        if (line.startsWith('{') && !child) {
          child = c;
          c.stdout.on('data', (d) => { out += d; });
        }
      },
    });
    const clientGot = async (s) => {
      for (let i = 0; i < 250 && !out.includes(s); i++) await sleep(20);
      assert.ok(out.includes(s), `client received ${JSON.stringify(s)}; got ${JSON.stringify(out)}`);
    };
    await srv.waitFor(/CIPHER is/);
    for (let i = 0; i < 250 && !child; i++) await sleep(20);
    assert.ok(child, 'client finished the handshake');
    child.stdin.write('before update\n');
    await srv.waitFor(/before update/);
    srv.write('K\n');
    await sleep(200);
    srv.write('from server after update\n');
    await clientGot('from server after update\n');
    child.stdin.write('from client after update\n');
    await srv.waitFor(/from client after update/);
    srv.write('k\n');
    await sleep(200);
    srv.write('second\n');
    await clientGot('second\n');
    child.stdin.end();
    const res = await run;
    assert.equal(res.stdout, 'from server after update\nsecond\n', show(res));
    assert.equal(res.code, 0, show(res));
    checkJson(res, { hrr: false });
    await srv.waitFor(/DONE/);
    assert.doesNotMatch(srv.output, /error|alert/i);
  });

  test('KeyUpdate from our side (--key-update): s_server answers with its own', async (t) => {
    const res = await revRoundTrip(t, { ...RSA, ciphersuites: 'TLS_AES_256_GCM_SHA384' }, ['--key-update']);
    checkJson(res, { cipher: 'TLS_AES_256_GCM_SHA384', sigalg: 'rsa_pss_rsae_sha256' });
  });

  test('server fatal alert: disjoint cipher suites -> alert_received: handshake_failure', async (t) => {
    const srv = await startOpenssl({ ...P256, mode: 'www', ciphersuites: 'TLS_AES_128_GCM_SHA256' });
    t.after(() => srv.stop());
    const res = await runCli(['--cafile', P.ca, '--ciphers', 'TLS_CHACHA20_POLY1305_SHA256', `localhost:${srv.port}`]);
    assert.equal(res.code, 1, show(res));
    assert.deepEqual(res.error, { name: 'alert_received', reason: 'handshake_failure' }, show(res));
  });

  test('server fatal alert: disjoint groups -> alert_received: handshake_failure', async (t) => {
    const srv = await startOpenssl({ ...P256, mode: 'www', groups: 'P-384' });
    t.after(() => srv.stop());
    const res = await runCli(['--cafile', P.ca, '--groups', 'x25519', `localhost:${srv.port}`]);
    assert.equal(res.code, 1, show(res));
    assert.deepEqual(res.error, { name: 'alert_received', reason: 'handshake_failure' }, show(res));
  });
});

// ---------------------------------------------------------------------------
describe('certificate verification end to end (openssl s_server -www)', { concurrency: 6 }, () => {
  const cases = [
    ['wrong host name', P.wrongHost, 'certificate_name_mismatch'],
    ['expired', P.expired, 'certificate_expired'],
    ['not yet valid', P.notYetValid, 'certificate_not_yet_valid'],
    ['unknown root', P.unknownRoot, 'unknown_ca'],
    ['bad signature', P.badSignature, 'bad_certificate_signature'],
    ['self-signed leaf', P.selfSigned, 'unknown_ca'],
  ];
  for (const [name, entry, errName] of cases) {
    test(`${name} -> error: ${errName}`, async (t) => {
      assert.ok(entry, `pki() provides ${name}`);
      const c = serverCert(entry);
      const srv = await startOpenssl({ ...c, mode: 'www' });
      t.after(() => srv.stop());
      const res = await runCli(['--cafile', P.ca, '--json', '--http', '/', `localhost:${srv.port}`]);
      assert.notEqual(res.code, 0, show(res));
      assert.equal(res.code, 1, show(res));
      assert.equal(res.error?.name, errName, show(res));
      assert.equal(res.json, null, 'no handshake summary on failure');
      assert.equal(res.stdout, '');
    });
  }

  test('out-of-order chain is accepted', async (t) => {
    const entry = P.outOfOrder;
    const chain = pemBlocks(fs.readFileSync(entry.chain, 'utf8'));
    const leafFile = path.join(TMP, 'ooo-leaf.pem');
    const extras = path.join(TMP, 'ooo-extras.pem');
    fs.writeFileSync(leafFile, chain[0] + '\n');
    fs.writeFileSync(extras, chain.slice(1).join('\n') + '\n');
    const srv = await startOpenssl({ cert: leafFile, chain: extras, key: entry.key, mode: 'www' });
    t.after(() => srv.stop());
    const res = await runCli(['--cafile', P.ca, '--json', '--http', '/', `localhost:${srv.port}`]);
    assert.equal(res.code, 0, show(res));
    assert.equal(res.json.peer_chain, chain.length);
    assert.match(res.stdout, /^HTTP\/1\.0 200 ok/);
  });

  test('--insecure accepts an unknown root', async (t) => {
    const c = serverCert(P.unknownRoot);
    const srv = await startOpenssl({ ...c, mode: 'www' });
    t.after(() => srv.stop());
    const res = await runCli(['--insecure', '--json', '--http', '/', `localhost:${srv.port}`]);
    assert.equal(res.code, 0, show(res));
    assert.match(res.stdout, /^HTTP\/1\.0 200 ok/);
  });

  // RFC 8446 4.4.2.2: the leaf's key signs CertificateVerify, so a
  // keyUsage without digitalSignature is refused even unverified.
  test('--insecure still refuses a leaf whose keyUsage lacks digitalSignature', async (t) => {
    const key = path.join(TMP, 'ku-key.pem');
    const cert = path.join(TMP, 'ku-cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
      '-nodes', '-keyout', key, '-out', cert, '-days', '30', '-subj', '/CN=localhost',
      '-addext', 'keyUsage=critical,keyEncipherment'], { stdio: 'ignore' });
    const srv = await startOpenssl({ cert, key, mode: 'www' });
    t.after(() => srv.stop());
    const res = await runCli(['--insecure', '--json', '--http', '/', `localhost:${srv.port}`]);
    assert.equal(res.code, 1, show(res));
    assert.equal(res.error?.name, 'bad_certificate', show(res));
    assert.match(res.stderr, /keyUsage does not allow digitalSignature/);
  });

  // The RSA exponent policy (src/pk_verify.c) holds unverified too: the
  // leaf's key would have to check CertificateVerify.
  test('--insecure still refuses a leaf whose RSA exponent is above 2^31 - 1', async (t) => {
    const leaf = pkiX509().bigExpLeaf;
    const srv = await startOpenssl({ cert: leaf.chain, key: leaf.key, mode: 'www' });
    t.after(() => srv.stop());
    const res = await runCli(['--insecure', '--json', '--http', '/', `localhost:${srv.port}`]);
    assert.equal(res.code, 1, show(res));
    assert.equal(res.error?.name, 'unsupported_certificate', show(res));
    assert.match(res.stderr, /RSA public exponent not odd or not in 3\.\.2\^31-1 in the leaf certificate/);
  });

  test('connection refused -> connect_failed', async () => {
    const port = await freePort();
    const res = await runCli(['--cafile', P.ca, `127.0.0.1:${port}`]);
    assert.equal(res.code, 1, show(res));
    assert.equal(res.error?.name, 'connect_failed', show(res));
  });
});

// ---------------------------------------------------------------------------
describe('gnutls-serv', { concurrency: 4 }, () => {
  const echoRoundTrip = async (t, srvOpts, cliArgs, expect) => {
    const srv = await startGnutls({ ...srvOpts, mode: 'echo' });
    t.after(() => srv.stop());
    const input = Buffer.from(['gnutls echo', crypto.randomBytes(2000).toString('hex'), 'end'].join('\n') + '\n');
    const res = await runCli(['--cafile', P.ca, '--json', ...cliArgs, `localhost:${srv.port}`],
      { input, stdin: { afterOutput: input.length } });
    assert.equal(res.stdoutBuf.length, input.length, show(res));
    assert.ok(res.stdoutBuf.equals(input), 'echo intact');
    assert.equal(res.code, 0, show(res));
    checkJson(res, expect);
    return res;
  };

  test('defaults (ECDSA P-256), CertificateRequest answered', async (t) => {
    await echoRoundTrip(t, { ...whole(P256), requestClientCert: true }, [],
      { sigalg: 'ecdsa_secp256r1_sha256', group: 'x25519', hrr: false, peer_chain: P256.count });
  });

  test('AES-256-GCM + secp384r1 with RSA (HRR from x25519)', async (t) => {
    await echoRoundTrip(t, { ...whole(RSA),
      priority: 'NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-256-GCM:-GROUP-ALL:+GROUP-SECP384R1' }, [],
    { cipher: 'TLS_AES_256_GCM_SHA384', group: 'secp384r1', hrr: true, sigalg: 'rsa_pss_rsae_sha256' });
  });

  test('CHACHA20-POLY1305 + secp256r1 with P-384', async (t) => {
    await echoRoundTrip(t, { ...whole(P384),
      priority: 'NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305:-GROUP-ALL:+GROUP-SECP256R1' },
    ['--groups', 'secp256r1,x25519'],
    { cipher: 'TLS_CHACHA20_POLY1305_SHA256', group: 'secp256r1', hrr: false, sigalg: 'ecdsa_secp384r1_sha384' });
  });

  test('ALPN negotiated', async (t) => {
    await echoRoundTrip(t, { ...whole(P256), alpn: 'x-wasmtls' }, ['--alpn', 'h2,x-wasmtls'], { alpn: 'x-wasmtls' });
  });

  test('ALPN mismatch with --alpn-fatal -> alert_received: no_application_protocol', async (t) => {
    const srv = await startGnutls({ ...whole(P256), mode: 'echo', alpn: 'x-wasmtls', alpnFatal: true });
    t.after(() => srv.stop());
    const res = await runCli(['--cafile', P.ca, '--alpn', 'h2', `localhost:${srv.port}`]);
    assert.equal(res.code, 1, show(res));
    assert.deepEqual(res.error, { name: 'alert_received', reason: 'no_application_protocol' }, show(res));
  });
});

// ---------------------------------------------------------------------------
describe('Node tls server', { concurrency: 4 }, () => {
  const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');

  test('1 MiB of random bytes round-trip intact', async (t) => {
    const srv = await startNode(whole(P256));
    t.after(() => srv.stop());
    const input = crypto.randomBytes(1 << 20);
    const res = await runCli(['--cafile', P.ca, '--json', `localhost:${srv.port}`],
      { input, stdin: { afterOutput: input.length }, timeout: 30000 });
    assert.equal(res.stdoutBuf.length, input.length, show(res));
    assert.equal(sha(res.stdoutBuf), sha(input));
    assert.equal(res.code, 0, show(res));
    checkJson(res, { sigalg: 'ecdsa_secp256r1_sha256', group: 'x25519' });
  });

  test('ALPN negotiated', async (t) => {
    const srv = await startNode({ ...whole(RSA), alpn: ['x-wasmtls'] });
    t.after(() => srv.stop());
    const res = await runCli(['--cafile', P.ca, '--json', '--alpn', 'h2,x-wasmtls', `localhost:${srv.port}`],
      { input: 'ping\n', stdin: { afterOutput: 5 } });
    assert.equal(res.stdout, 'ping\n', show(res));
    assert.equal(res.code, 0, show(res));
    checkJson(res, { alpn: 'x-wasmtls', sigalg: 'rsa_pss_rsae_sha256' });
  });

  test('KeyUpdate from our side (--key-update) then 256 KiB both ways', async (t) => {
    const srv = await startNode(whole(P384));
    t.after(() => srv.stop());
    const input = crypto.randomBytes(256 * 1024);
    const res = await runCli(['--cafile', P.ca, '--json', '--key-update', '--ciphers', 'TLS_AES_256_GCM_SHA384',
      `localhost:${srv.port}`], { input, stdin: { afterOutput: input.length } });
    assert.equal(sha(res.stdoutBuf), sha(input), show(res));
    assert.equal(res.code, 0, show(res));
    checkJson(res, { cipher: 'TLS_AES_256_GCM_SHA384', sigalg: 'ecdsa_secp384r1_sha384' });
  });

  test('stdin EOF sends close_notify but keeps reading until the server closes', async (t) => {
    // The server answers only after it saw our close_notify (half-close).
    const srv = await startNode({ ...whole(P256),
      onConnection: (sock) => {
        const got = [];
        sock.on('data', (d) => got.push(d));
        sock.on('end', () => sock.end(Buffer.concat(got).toString().toUpperCase()));
      },
      tlsOptions: { allowHalfOpen: true } });
    t.after(() => srv.stop());
    const res = await runCli(['--cafile', P.ca, '--json', `localhost:${srv.port}`], { input: 'half close\n' });
    assert.equal(res.stdout, 'HALF CLOSE\n', show(res));
    assert.equal(res.code, 0, show(res));
  });
});

// --- issue 11: configured groups, key shares and signature schemes ----------
describe('openssl s_server: --groups, --key-shares, --sigalgs (issue 11)', { concurrency: 4 }, () => {
  test('secp521r1 key exchange (-groups P-521, --groups secp521r1)', async (t) => {
    const res = await revRoundTrip(t, { ...P256, groups: 'P-521' }, ['--groups', 'secp521r1']);
    checkJson(res, { group: 'secp521r1', hrr: false });
  });

  test('HelloRetryRequest to secp521r1 (-groups P-521, --groups x25519,secp521r1)', async (t) => {
    const res = await revRoundTrip(t, { ...P256, groups: 'P-521' }, ['--groups', 'x25519,secp521r1']);
    checkJson(res, { group: 'secp521r1', hrr: true });
  });

  test('two key shares: server only takes P-256, picks our second share without HRR', async (t) => {
    const res = await revRoundTrip(t, { ...P256, groups: 'P-256' },
      ['--groups', 'x25519,secp256r1', '--key-shares', 'x25519,secp256r1']);
    checkJson(res, { group: 'secp256r1', hrr: false });
  });

  test('--key-shares none: empty key_share, the server asks with a HelloRetryRequest', async (t) => {
    const res = await revRoundTrip(t, P256, ['--key-shares', 'none']);
    checkJson(res, { group: 'x25519', hrr: true });
  });

  test('--sigalgs rsa_pss_rsae_sha512: the RSA server signs with it', async (t) => {
    const res = await revRoundTrip(t, RSA, ['--sigalgs', 'rsa_pss_rsae_sha512,ecdsa_secp256r1_sha256']);
    checkJson(res, { sigalg: 'rsa_pss_rsae_sha512' });
  });

  test('--sigalgs without any scheme the RSA server can use: its handshake_failure', async (t) => {
    const srv = await startOpenssl({ ...RSA, mode: 'www' });
    t.after(() => srv.stop());
    const res = await runCli(['--cafile', P.ca, '--sigalgs', 'ecdsa_secp256r1_sha256', `localhost:${srv.port}`]);
    assert.equal(res.code, 1, show(res));
    assert.equal(res.error?.name, 'alert_received', show(res));
    assert.match(res.error.reason, /handshake_failure/, show(res));
  });
});

// --- issue 10: P-521, large chains, weak certificates, unusable anchors ------
describe('openssl s_server: certificate coverage (issue 10)', { concurrency: 4 }, () => {
  const X = pkiX509();

  test('ECDSA P-521 leaf: CertificateVerify with ecdsa_secp521r1_sha512', async (t) => {
    const c = serverCert(X.p521Leaf);
    const res = await revRoundTrip(t, c);
    checkJson(res, { sigalg: 'ecdsa_secp521r1_sha512', peer_chain: 2 });
  });

  test('P-521 intermediate signing the leaf with ecdsa-with-SHA512', async (t) => {
    const c = serverCert(X.p521Int);
    const res = await revRoundTrip(t, c);
    checkJson(res, { sigalg: 'ecdsa_secp256r1_sha256', peer_chain: 2 });
  });

  test(`Certificate message of ${X.bigChain.derBytes} bytes of DER (over the old 32 KiB limit)`, async (t) => {
    assert.ok(X.bigChain.derBytes > 40000);
    const c = serverCert(X.bigChain);
    const res = await revRoundTrip(t, c);
    checkJson(res, { sigalg: 'ecdsa_secp256r1_sha256', peer_chain: 2 });
  });

  // Weak certificates from a real server. OpenSSL 3 loads them only at
  // security level 0, and even then will not serve a leaf signed with SHA-1
  // to us (handshake_failure): TLS 1.3 servers pick a leaf whose signature
  // is in the client's signature_algorithms_cert, and ours has no SHA-1.
  // The SHA-1 leaf is covered by tests/x509.test.mjs (wasmtls verify).
  const WEAK_OK = ['-cipher', 'DEFAULT:@SECLEVEL=0'];
  for (const [name, entry, reason] of [
    ['SHA-1-signed intermediate', 'sha1Int', "intermediate certificate 1 (the leaf's issuer) signed with SHA-1"],
    ['RSA-1024 leaf', 'rsa1024Leaf', 'RSA key shorter than 2048 bits in the leaf certificate'],
    ['RSA-1024 intermediate', 'rsa1024Int', "RSA key shorter than 2048 bits in the intermediate certificate 1 (the leaf's issuer)"],
  ]) {
    test(`${name} from a real server: refused with its reason`, async (t) => {
      const srv = await startOpenssl({ ...serverCert(X[entry]), extra: WEAK_OK });
      t.after(() => srv.stop());
      const res = await runCli(['--cafile', P.ca, `localhost:${srv.port}`]);
      assert.equal(res.code, 1, show(res));
      assert.deepEqual(res.error, { name: 'unsupported_certificate', reason }, show(res));
    });
  }

  test('SHA-1 self-signed root sent by the server: accepted (only the chain below it is checked)', async (t) => {
    const c = serverCert({ ...X.sha1Root, chain: X.sha1Root.chainWithRoot });
    const res = await revRoundTrip(t, { ...c, extra: WEAK_OK }, [], { cafile: X.sha1Root.ca });
    checkJson(res, { peer_chain: 3 });
  });

  test('--cafile bundle with an RSA-8192 and an Ed25519 root: both skipped with a warning, the usable root works', async (t) => {
    const srv = await startOpenssl({ mode: 'rev', ...P256 });
    t.after(() => srv.stop());
    const res = await runCli(['--cafile', X.mixedBundle, '--json', `localhost:${srv.port}`],
      { input: 'abc\nCLOSE\n', stdin: 'open' });
    assert.equal(res.code, 0, show(res));
    assert.equal(res.stdout, 'cba\n');
    const warnings = res.stderr.split('\n').filter((l) => l.startsWith('warning: '));
    assert.deepEqual(warnings.map((l) => l.replace(/\): .*/, ')')), [
      `warning: --cafile ${X.mixedBundle}: skipping certificate 1 (CN=wasmtls test Ed25519 root)`,
      `warning: --cafile ${X.mixedBundle}: skipping certificate 2 (CN=wasmtls test RSA-8192 root)`,
    ], show(res));
  });

  test('--cafile with no usable root: bad_config naming the file and the certificate', async (t) => {
    const res = await runCli(['--cafile', X.ed25519Root, 'localhost:1']);
    assert.equal(res.code, 2, show(res));
    assert.equal(res.error.name, 'bad_config');
    assert.match(res.error.reason, new RegExp(`^--cafile ${X.ed25519Root}: no usable certificate: .*certificate 1 \\(CN=wasmtls test Ed25519 root\\): key type not supported`));
  });
});

// --- issue 11: OCSP stapling and SCTs (RFC 8446 4.4.2.1) ----------------------
// A real OCSP response for the p256 leaf, signed by its issuer (the test
// intermediate; "unknown" status: an empty index), from `openssl ocsp`.
function ocspResponseFor(entry) {
  const dir = path.dirname(P.ca);
  const index = path.join(TMP, 'ocsp-index.txt');
  const out = path.join(TMP, `ocsp-${++nfile}.der`);
  fs.writeFileSync(index, '');
  execFileSync('openssl', ['ocsp', '-index', index, '-rsigner', path.join(dir, 'int.pem'),
    '-rkey', path.join(dir, 'int.key'), '-CA', path.join(dir, 'int.pem'), '-issuer', path.join(dir, 'int.pem'),
    '-cert', entry.cert, '-respout', out, '-ndays', '1'], { stdio: 'pipe' });
  return out;
}

describe('OCSP stapling and SCTs (issue 11)', { concurrency: 4 }, () => {
  const OCSP_FILE = ocspResponseFor(P256);
  const OCSP = fs.readFileSync(OCSP_FILE);

  test('openssl s_server -status_file: the stapled response reaches the caller (--ocsp)', async (t) => {
    const res = await revRoundTrip(t, { ...P256, extra: ['-status_file', OCSP_FILE] }, ['--ocsp'], { lines: ['ocsp'] });
    checkJson(res, { ocsp_response: OCSP.toString('base64'), sct_list: null, peer_chain: P256.count });
  });

  test('openssl s_server -status_file: nothing stapled when not requested', async (t) => {
    const res = await revRoundTrip(t, { ...P256, extra: ['-status_file', OCSP_FILE] }, [], { lines: ['no ocsp'] });
    checkJson(res, { ocsp_response: null, sct_list: null });
  });

  test('openssl s_server -serverinfo: an SCT list in the leaf CertificateEntry (--sct)', async (t) => {
    // SERVERINFOV2: context u32 (ClientHello 0x80 | TLS 1.3 Certificate
    // 0x1000), then the extension; OpenSSL answers it only if offered.
    const vec16 = (b) => { const h = Buffer.alloc(2); h.writeUInt16BE(b.length); return Buffer.concat([h, b]); };
    const list = vec16(Buffer.concat([vec16(Buffer.from('sct one')), vec16(Buffer.from('sct two'))]));
    const ext = Buffer.concat([Buffer.from([0, 0, 0x10, 0x80, 0, 18, 0, list.length]), list]);
    const file = path.join(TMP, 'serverinfo.pem');
    fs.writeFileSync(file, `-----BEGIN SERVERINFOV2 FOR SCT-----\n${ext.toString('base64')}\n-----END SERVERINFOV2 FOR SCT-----\n`);
    const res = await revRoundTrip(t, { ...P256, extra: ['-serverinfo', file] }, ['--sct'], { lines: ['sct'] });
    checkJson(res, { sct_list: list.toString('base64'), ocsp_response: null });
  });

  test('Node tls server (OCSPRequest event): the response reaches the caller', async (t) => {
    const srv = await startNode(whole(P256));
    let asked = 0;
    srv.server.on('OCSPRequest', (cert, issuer, cb) => { asked++; cb(null, OCSP); });
    t.after(() => srv.stop());
    const res = await runCli(['--cafile', P.ca, '--json', '--ocsp', `localhost:${srv.port}`],
      { input: 'ping\n', stdin: { afterOutput: 5 } });
    assert.equal(res.stdout, 'ping\n', show(res));
    assert.equal(res.code, 0, show(res));
    assert.equal(asked, 1, 'the server saw our status_request');
    checkJson(res, { ocsp_response: OCSP.toString('base64') });
  });
});
