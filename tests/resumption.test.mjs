// Session resumption and 0-RTT against real servers (openssl s_server,
// gnutls-serv): a full handshake writes the session blob (--sess-out), the
// next connection resumes it (--sess-in), optionally with 0-RTT
// (--early-data). Checks the --json fields, the server's own report, and,
// through a recording TCP proxy and --keylog, that a resumed server flight
// carries no Certificate/CertificateVerify. Runs under WT_BUILD (release and
// ASan).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pki } from './lib/pki.mjs';
import { runCli, describe as show } from './lib/cli.mjs';
import { startOpenssl, startGnutls } from './lib/servers.mjs';
import { SUITES, trafficKeys, parseSessionBlob, rewriteSessionBlob, buildSessionBlob } from './hostile/server.mjs';

const P = pki();
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'wt-resume-'));
process.on('exit', () => fs.rmSync(TMP, { recursive: true, force: true }));
let nfile = 0;
const tmp = (name) => path.join(TMP, `${++nfile}-${name}`);

// Server certificate: P-256 leaf + intermediate.
const P256 = { cert: P.p256.cert, key: P.p256.key, chain: path.join(TMP, 'int.pem') };
fs.writeFileSync(P256.chain, fs.readFileSync(P.p256.chain, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)[1] + '\n');
const P256_FULL = { cert: P.p256.chain, key: P.p256.key };

const EARLY = 'GET /0rtt-request HTTP/1.0\n';

// One connection; input on stdin, then EOF (the CLI sends close_notify).
async function connect(port, args = [], { input = 'hello\n', stdin } = {}) {
  const res = await runCli(['--cafile', P.ca, '--json', ...args, `localhost:${port}`],
    { input, ...(stdin ? { stdin } : {}) });
  assert.ok(res.json, `no --json line\n${show(res)}`);
  return res;
}

// Full handshake that must store a session; returns the blob's path.
async function fullHandshake(port, args = [], opts = {}) {
  const sess = tmp('sess.bin');
  const res = await connect(port, [...args, '--sess-out', sess], opts);
  assert.equal(res.code, 0, show(res));
  assert.equal(res.json.resumed, false);
  assert.ok(fs.existsSync(sess), `no session written\n${show(res)}`);
  return { sess, res };
}

// Counts non-overlapping occurrences of s in text.
const count = (text, s) => text.split(s).length - 1;
// Waits until the server output has grown to hold `s` n times.
async function waitCount(srv, s, n, ms = 5000) {
  const end = Date.now() + ms;
  while (count(srv.output, s) < n && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return count(srv.output, s);
}

// --- a recording proxy: what did the server send? -------------------------
// Forwards 127.0.0.1:proxy.port -> target and keeps the server-to-client
// bytes of each connection.
async function recordingProxy(t, target) {
  const conns = [];
  const server = net.createServer((c) => {
    const rec = { fromServer: [] };
    conns.push(rec);
    const up = net.connect(target, '127.0.0.1');
    up.on('data', (d) => { rec.fromServer.push(d); c.write(d); });
    c.on('data', (d) => up.write(d));
    c.on('end', () => up.end());
    up.on('end', () => c.end());
    c.on('error', () => up.destroy());
    up.on('error', () => c.destroy());
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise((r) => server.close(r)));
  return { port: server.address().port, conns };
}

// Decrypts the server's handshake flight with the key log and returns the
// handshake message types in it (ServerHello first).
function serverFlightTypes(bytes, keylogFile, cipherName) {
  const suite = { TLS_AES_128_GCM_SHA256: SUITES[0x1301], TLS_AES_256_GCM_SHA384: SUITES[0x1302],
    TLS_CHACHA20_POLY1305_SHA256: SUITES[0x1303] }[cipherName];
  const lines = fs.readFileSync(keylogFile, 'utf8').trim().split('\n');
  const secretLine = lines.filter((l) => l.startsWith('SERVER_HANDSHAKE_TRAFFIC_SECRET ')).pop();
  assert.ok(secretLine, 'no SERVER_HANDSHAKE_TRAFFIC_SECRET in the key log');
  const k = trafficKeys(suite, Buffer.from(secretLine.split(' ')[2], 'hex'));
  const types = [];
  let hs = Buffer.alloc(0);
  for (let o = 0; o + 5 <= bytes.length;) {
    const type = bytes[o], len = bytes.readUInt16BE(o + 3);
    const body = bytes.subarray(o + 5, o + 5 + len);
    const header = bytes.subarray(o, o + 5);
    o += 5 + len;
    if (type === 22) { types.push(body[0]); continue; }   // ServerHello (plaintext)
    if (type !== 23) continue;                             // CCS
    const n = Buffer.from(k.iv);
    const sq = Buffer.alloc(8); sq.writeBigUInt64BE(k.seq);
    for (let i = 0; i < 8; i++) n[4 + i] ^= sq[i];
    let pt;
    try {
      const d = crypto.createDecipheriv(suite.cipher, k.key, n, suite.cipher.startsWith('chacha') ? { authTagLength: 16 } : undefined);
      d.setAAD(header);
      d.setAuthTag(body.subarray(body.length - 16));
      pt = Buffer.concat([d.update(body.subarray(0, body.length - 16)), d.final()]);
    } catch {
      break;   // application keys from here on
    }
    k.seq++;
    let e = pt.length;
    while (e > 0 && pt[e - 1] === 0) e--;
    if (pt[e - 1] !== 22) continue;
    hs = Buffer.concat([hs, pt.subarray(0, e - 1)]);
    while (hs.length >= 4 && hs.length >= 4 + hs.readUIntBE(1, 3)) {
      types.push(hs[0]);
      hs = hs.subarray(4 + hs.readUIntBE(1, 3));
    }
    if (types.includes(20)) break;
  }
  return types;
}

const settle = (ms = 700) => new Promise((r) => setTimeout(r, ms));

const HS_CERT = 11, HS_CV = 15, HS_EE = 8, HS_FIN = 20, HS_CR = 13;

// ---------------------------------------------------------------------------
describe('openssl s_server resumption', { concurrency: 4 }, () => {
  test('full handshake, then resumption: resumed, sigalg null, original chain, no certificate messages', async (t) => {
    const srv = await startOpenssl({ ...P256, numTickets: 1 });
    t.after(() => srv.stop());
    const { sess, res: first } = await fullHandshake(srv.port);
    assert.equal(first.json.sigalg, 'ecdsa_secp256r1_sha256');
    const blob = parseSessionBlob(fs.readFileSync(sess));
    assert.equal(blob.serverName, 'localhost');
    assert.equal(blob.certs.length, 2);
    assert.equal(blob.verified, 1);
    assert.ok(blob.lifetime > 0 && blob.lifetime <= 604800);

    const proxy = await recordingProxy(t, srv.port);
    const keylog = tmp('keylog.txt');
    const res = await connect(proxy.port, ['--sess-in', sess, '--keylog', keylog, '--servername', 'localhost']);
    assert.equal(res.code, 0, show(res));
    assert.equal(res.json.resumed, true);
    assert.equal(res.json.sigalg, null);
    assert.equal(res.json.peer_chain, 2, 'chain from the original session');
    assert.equal(res.json.early_data, 'not_sent');
    assert.equal(res.json.early_data_reason, 'disabled', 'no --early-data');
    assert.equal(await waitCount(srv, 'Reused session-id', 1), 1, srv.output.slice(-2000));
    const types = serverFlightTypes(Buffer.concat(proxy.conns[0].fromServer), keylog, res.json.cipher);
    assert.deepEqual(types, [2, HS_EE, HS_FIN], `server handshake messages ${types}`);
    // control: the same decoder sees the certificate messages of a full handshake
    const proxy2 = await recordingProxy(t, srv.port);
    const keylog2 = tmp('keylog.txt');
    const full = await connect(proxy2.port, ['--keylog', keylog2, '--servername', 'localhost']);
    assert.equal(full.code, 0, show(full));
    assert.deepEqual(serverFlightTypes(Buffer.concat(proxy2.conns[0].fromServer), keylog2, full.json.cipher),
      [2, HS_EE, HS_CERT, HS_CV, HS_FIN]);
  });

  test('resumption chain: the ticket from a resumed connection resumes again', async (t) => {
    const srv = await startOpenssl({ ...P256, numTickets: 2 });
    t.after(() => srv.stop());
    const { sess } = await fullHandshake(srv.port);
    const sess2 = tmp('sess2.bin');
    const r1 = await connect(srv.port, ['--sess-in', sess, '--sess-out', sess2]);
    assert.equal(r1.json.resumed, true, show(r1));
    const r2 = await connect(srv.port, ['--sess-in', sess2]);
    assert.equal(r2.code, 0, show(r2));
    assert.equal(r2.json.resumed, true);
    assert.equal(r2.json.peer_chain, 2, 'chain carried through two resumptions');
  });

  test('0-RTT accepted: openssl receives the early bytes, EndOfEarlyData, JSON accepted', async (t) => {
    const srv = await startOpenssl({ ...P256, numTickets: 1, extra: ['-early_data'] });
    t.after(() => srv.stop());
    const { sess } = await fullHandshake(srv.port);
    const early = tmp('early.txt');
    fs.writeFileSync(early, EARLY);
    const keylog = tmp('keylog.txt');
    const res = await connect(srv.port, ['--sess-in', sess, '--early-data', early, '--keylog', keylog], { input: '' });
    assert.equal(res.code, 0, show(res));
    assert.equal(res.json.resumed, true);
    assert.equal(res.json.early_data, 'accepted');
    assert.equal(res.json.early_data_reason, 'accept');
    const labels = fs.readFileSync(keylog, 'utf8').trim().split('\n').map((l) => l.split(' ')[0]);
    for (const l of ['CLIENT_EARLY_TRAFFIC_SECRET', 'EARLY_EXPORTER_SECRET', 'CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0']) {
      assert.ok(labels.includes(l), `key log has ${l}: ${labels}`);
    }
    assert.ok(!res.stderr.includes('early data rejected'));
    assert.equal(await waitCount(srv, 'End of early data', 1), 1, srv.output.slice(-2000));
    assert.ok(srv.output.includes('Early data received:'), srv.output.slice(-2000));
    assert.equal(count(srv.output, EARLY.trim()), 1, 'the request arrived exactly once');
  });

  test('0-RTT rejected by anti-replay (second use of the ticket): full handshake, data sent after it with the notice', async (t) => {
    const srv = await startOpenssl({ ...P256, numTickets: 1, extra: ['-early_data'] });
    t.after(() => srv.stop());
    const { sess } = await fullHandshake(srv.port);
    const early = tmp('early.txt');
    fs.writeFileSync(early, EARLY);
    const r1 = await connect(srv.port, ['--sess-in', sess, '--early-data', early], { input: '' });
    assert.equal(r1.json.early_data, 'accepted', show(r1));
    const early2 = tmp('early2.txt');
    fs.writeFileSync(early2, 'REPLAYED-REQUEST\n');
    const r2 = await connect(srv.port, ['--sess-in', sess, '--early-data', early2], { input: '' });
    assert.equal(r2.code, 0, show(r2));
    assert.equal(r2.json.early_data, 'rejected');
    assert.equal(r2.json.resumed, false, 'openssl also refuses the single-use ticket');
    assert.equal(r2.json.early_data_reason, 'session_not_resumed');
    assert.ok(r2.stderr.includes('* early data rejected: sending it after the handshake'), r2.stderr);
    assert.equal(await waitCount(srv, 'REPLAYED-REQUEST', 1), 1);
    await settle();
    assert.equal(count(srv.output, 'REPLAYED-REQUEST'), 1, 'sent once, after the handshake');
    assert.ok(srv.output.includes('Early data was rejected'), srv.output.slice(-2000));
  });

  // -no_anti_replay: with anti-replay on, openssl consumes the single-use
  // ticket when it sees the first ClientHello (early data offered), so the
  // PSK is unknown by the second one and the handshake is a full one.
  test('0-RTT rejected through a HelloRetryRequest: resumed, early data resent after the handshake', async (t) => {
    const srv = await startOpenssl({ ...P256, numTickets: 1, groups: 'X25519:P-384', extra: ['-early_data', '-no_anti_replay'] });
    t.after(() => srv.stop());
    const { sess } = await fullHandshake(srv.port);
    const early = tmp('early.txt');
    fs.writeFileSync(early, 'AFTER-HRR-REQUEST\n');
    // our first key share is P-256, which this server refuses: HRR to P-384
    const res = await connect(srv.port, ['--sess-in', sess, '--early-data', early, '--groups', 'secp256r1,secp384r1'], { input: '' });
    assert.equal(res.code, 0, show(res));
    assert.equal(res.json.hrr, true);
    assert.equal(res.json.group, 'secp384r1');
    assert.equal(res.json.resumed, true, 'the PSK survives the HRR (rebound binder)');
    assert.equal(res.json.early_data, 'rejected');
    assert.equal(res.json.early_data_reason, 'hello_retry_request');
    assert.ok(res.stderr.includes('* early data rejected: sending it after the handshake'));
    assert.equal(await waitCount(srv, 'AFTER-HRR-REQUEST', 1), 1, srv.output.slice(-2000));
    await settle();
    assert.equal(count(srv.output, 'AFTER-HRR-REQUEST'), 1, 'sent once');
  });

  test('ticket without max_early_data (server without -early_data): 0-RTT not sent, request after the handshake', async (t) => {
    const srv = await startOpenssl({ ...P256, numTickets: 1 });
    t.after(() => srv.stop());
    const { sess } = await fullHandshake(srv.port);
    assert.equal(parseSessionBlob(fs.readFileSync(sess)).maxEarly, 0);
    const early = tmp('early.txt');
    fs.writeFileSync(early, 'NOT-EARLY-REQUEST\n');
    const res = await connect(srv.port, ['--sess-in', sess, '--early-data', early], { input: '' });
    assert.equal(res.code, 0, show(res));
    assert.equal(res.json.resumed, true);
    assert.equal(res.json.early_data, 'not_sent');
    assert.equal(res.json.early_data_reason, 'unsupported_for_session');
    assert.ok(res.stderr.includes('* early data not sent: sending it after the handshake'), res.stderr);
    await waitCount(srv, 'NOT-EARLY-REQUEST', 1);
    await settle();
    assert.equal(count(srv.output, 'NOT-EARLY-REQUEST'), 1, 'the request must arrive exactly once');
  });

  test('0-RTT with an expired session: not offered, early_data_reason no_session_offered', async (t) => {
    const srv = await startOpenssl({ ...P256, numTickets: 1, extra: ['-early_data'] });
    t.after(() => srv.stop());
    const { sess } = await fullHandshake(srv.port);
    fs.writeFileSync(sess, rewriteSessionBlob(fs.readFileSync(sess), { createdMs: Date.now() - 8 * 86400 * 1000 }));
    const early = tmp('early.txt');
    fs.writeFileSync(early, 'NO-SESSION-REQUEST\n');
    const res = await connect(srv.port, ['--sess-in', sess, '--early-data', early], { input: '' });
    assert.equal(res.code, 0, show(res));
    assert.deepEqual([res.json.resumed, res.json.early_data, res.json.early_data_reason],
      [false, 'not_sent', 'no_session_offered']);
  });

  test('OCSP response stapled in the full handshake is reported again on resumption (kept in the session)', async (t) => {
    const dir = path.dirname(P.ca);
    const index = tmp('index.txt');
    const der = tmp('ocsp.der');
    fs.writeFileSync(index, '');
    execFileSync('openssl', ['ocsp', '-index', index, '-rsigner', path.join(dir, 'int.pem'), '-rkey', path.join(dir, 'int.key'),
      '-CA', path.join(dir, 'int.pem'), '-issuer', path.join(dir, 'int.pem'), '-cert', P.p256.cert, '-respout', der, '-ndays', '1'],
    { stdio: 'pipe' });
    const b64 = fs.readFileSync(der).toString('base64');
    const srv = await startOpenssl({ ...P256, numTickets: 1, extra: ['-status_file', der] });
    t.after(() => srv.stop());
    const { sess, res: first } = await fullHandshake(srv.port, ['--ocsp']);
    assert.equal(first.json.ocsp_response, b64);
    assert.equal(parseSessionBlob(fs.readFileSync(sess)).ocsp.toString('base64'), b64);
    const res = await connect(srv.port, ['--sess-in', sess]);
    assert.equal(res.code, 0, show(res));
    assert.deepEqual([res.json.resumed, res.json.ocsp_response, res.json.sct_list], [true, b64, null]);
  });

  test('resumption with HelloRetryRequest (server restricted to P-384)', async (t) => {
    const srv = await startOpenssl({ ...P256, numTickets: 1, groups: 'P-384' });
    t.after(() => srv.stop());
    const { sess, res: first } = await fullHandshake(srv.port);
    assert.equal(first.json.hrr, true);
    const res = await connect(srv.port, ['--sess-in', sess]);
    assert.equal(res.code, 0, show(res));
    assert.deepEqual([res.json.resumed, res.json.hrr, res.json.group], [true, true, 'secp384r1']);
  });

  test('SHA-384 ticket, HRR picks TLS_AES_128_GCM_SHA256: PSK dropped, full handshake', async (t) => {
    const srv = await startOpenssl({ ...P256, numTickets: 1, groups: 'P-384' });
    t.after(() => srv.stop());
    const { sess } = await fullHandshake(srv.port, ['--ciphers', 'TLS_AES_256_GCM_SHA384']);
    assert.equal(parseSessionBlob(fs.readFileSync(sess)).suite, 0x1302);
    const res = await connect(srv.port, ['--sess-in', sess, '--ciphers', 'TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384']);
    assert.equal(res.code, 0, show(res));
    assert.equal(res.json.hrr, true);
    assert.equal(res.json.cipher, 'TLS_AES_128_GCM_SHA256');
    assert.equal(res.json.resumed, false);
    assert.equal(res.json.sigalg, 'ecdsa_secp256r1_sha256');
  });

  test('SHA-384 ticket, server picks a SHA-256 suite without HRR: not resumed, full handshake', async (t) => {
    const srv = await startOpenssl({ ...P256, numTickets: 1 });
    t.after(() => srv.stop());
    const { sess } = await fullHandshake(srv.port, ['--ciphers', 'TLS_AES_256_GCM_SHA384']);
    const res = await connect(srv.port, ['--sess-in', sess, '--ciphers', 'TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384']);
    assert.equal(res.code, 0, show(res));
    assert.equal(res.json.cipher, 'TLS_AES_128_GCM_SHA256');
    assert.equal(res.json.resumed, false);
  });

  test('ticket under a suite we no longer offer is not offered', async (t) => {
    const srv = await startOpenssl({ ...P256, numTickets: 1 });
    t.after(() => srv.stop());
    const { sess } = await fullHandshake(srv.port, ['--ciphers', 'TLS_AES_256_GCM_SHA384']);
    const res = await connect(srv.port, ['--sess-in', sess, '--ciphers', 'TLS_CHACHA20_POLY1305_SHA256']);
    assert.equal(res.code, 0, show(res));
    assert.deepEqual([res.json.resumed, res.json.cipher], [false, 'TLS_CHACHA20_POLY1305_SHA256']);
  });

  test('a ticket past its lifetime is not offered (created_ms rewritten)', async (t) => {
    const srv = await startOpenssl({ ...P256, numTickets: 1 });
    t.after(() => srv.stop());
    const { sess } = await fullHandshake(srv.port);
    const blob = fs.readFileSync(sess);
    const b = parseSessionBlob(blob);
    const old = tmp('old.bin');
    fs.writeFileSync(old, rewriteSessionBlob(blob, { createdMs: Date.now() - (b.lifetime + 5) * 1000 }));
    const res = await connect(srv.port, ['--sess-in', old]);
    assert.equal(res.code, 0, show(res));
    assert.equal(res.json.resumed, false);
    assert.equal(res.json.sigalg, 'ecdsa_secp256r1_sha256');
    // control: the same blob, merely a little older but within the lifetime, resumes
    const young = tmp('young.bin');
    fs.writeFileSync(young, rewriteSessionBlob(blob, { createdMs: Date.now() - (b.lifetime - 60) * 1000 }));
    const ok = await connect(srv.port, ['--sess-in', young]);
    assert.equal(ok.json.resumed, true, show(ok));
  });

  test('a session for another server name is not offered', async (t) => {
    const srv = await startOpenssl({ ...P256, numTickets: 1 });
    t.after(() => srv.stop());
    const { sess } = await fullHandshake(srv.port);
    const res = await runCli(['--cafile', P.ca, '--json', '--sess-in', sess, `127.0.0.1:${srv.port}`], { input: 'x\n' });
    assert.equal(res.code, 0, show(res));
    assert.equal(res.json.resumed, false, 'issued for "localhost", not for no SNI');
  });

  test('ALPN: resumption keeps the negotiated protocol; 0-RTT with the ticket\'s ALPN', async (t) => {
    const srv = await startOpenssl({ ...P256, numTickets: 1, alpn: 'h2,http/1.1', extra: ['-early_data'] });
    t.after(() => srv.stop());
    const { sess } = await fullHandshake(srv.port, ['--alpn', 'h2']);
    assert.equal(parseSessionBlob(fs.readFileSync(sess)).alpn, 'h2');
    const early = tmp('early.txt');
    fs.writeFileSync(early, 'ALPN-EARLY\n');
    const res = await connect(srv.port, ['--sess-in', sess, '--alpn', 'h2', '--early-data', early], { input: '' });
    assert.equal(res.code, 0, show(res));
    assert.deepEqual([res.json.resumed, res.json.alpn, res.json.early_data], [true, 'h2', 'accepted']);
  });

  for (const [name, make] of [
    ['truncated', (b) => b.subarray(0, Math.floor(b.length / 2))],
    ['one byte short', (b) => b.subarray(0, b.length - 1)],
    ['one byte too many', (b) => Buffer.concat([b, Buffer.from([0])])],
    ['bad magic', (b) => { const c = Buffer.from(b); c[0] ^= 0xff; return c; }],
    ['unknown version', (b) => { const c = Buffer.from(b); c[3] = 4; return c; }],
    ['version 1 (before the verification binding)', (b) => { const c = Buffer.from(b); c[3] = 1; return c; }],
    ['version 2 (before OCSP response and SCT list)', (b) => { const c = Buffer.from(b.subarray(0, b.length - 6)); c[3] = 2; return c; }],
    ['SCT list of an empty SCT', (b) => Buffer.concat([b.subarray(0, b.length - 3), Buffer.from([0, 0, 4, 0, 2, 0, 0])])],
    ['OCSP length overruns', (b) => { const c = Buffer.from(b); c[c.length - 4] = 9; return c; }],
    ['PSK length field too large', (b) => { const c = Buffer.from(b); c[parseSessionBlob(b).pskOffset - 1] = 0xff; return c; }],
    ['certificate count 255', (b) => { const x = parseSessionBlob(b); const c = Buffer.from(b); const o = x.pskOffset + x.psk.length + 2 + x.ticket.length; c[o] = 255; return c; }],
    ['random garbage', () => crypto.randomBytes(900)],
    ['empty file', () => Buffer.alloc(0)],
    ['a PEM certificate', () => fs.readFileSync(P.p256.cert)],
  ]) {
    test(`corrupt session file (${name}) -> full handshake, no crash`, async (t) => {
      const srv = await startOpenssl({ ...P256, numTickets: 1 });
      t.after(() => srv.stop());
      const { sess } = await fullHandshake(srv.port);
      const bad = tmp('bad.bin');
      fs.writeFileSync(bad, make(fs.readFileSync(sess)));
      const res = await connect(srv.port, ['--sess-in', bad]);
      assert.equal(res.code, 0, show(res));
      assert.equal(res.json.resumed, false);
    });
  }

  test('--sess-in of a missing file is bad_config (exit 2)', async () => {
    const res = await runCli(['--cafile', P.ca, '--sess-in', path.join(TMP, 'does-not-exist.bin'), 'localhost:1']);
    assert.equal(res.code, 2, show(res));
    assert.equal(res.error?.name, 'bad_config');
  });

  test('--early-data without --sess-in is bad_config (exit 2)', async () => {
    const early = tmp('early.txt');
    fs.writeFileSync(early, EARLY);
    const res = await runCli(['--cafile', P.ca, '--early-data', early, 'localhost:1']);
    assert.equal(res.code, 2, show(res));
    assert.equal(res.error?.name, 'bad_config');
  });
});

// ---------------------------------------------------------------------------
describe('gnutls-serv resumption', { concurrency: 4 }, () => {
  test('full handshake, then resumption ("This is a resumed session")', async (t) => {
    const srv = await startGnutls({ ...P256_FULL });
    t.after(() => srv.stop());
    const { sess } = await fullHandshake(srv.port);
    const res = await connect(srv.port, ['--sess-in', sess]);
    assert.equal(res.code, 0, show(res));
    assert.deepEqual([res.json.resumed, res.json.sigalg, res.json.peer_chain], [true, null, 2]);
    assert.equal(res.stdout, 'hello\n', 'echo over the resumed connection');
    assert.equal(await waitCount(srv, '*** This is a resumed session', 1), 1, srv.output.slice(-2000));
  });

  test('0-RTT accepted (--earlydata); the connection goes on after it', async (t) => {
    const srv = await startGnutls({ ...P256_FULL, extra: ['--earlydata'] });
    t.after(() => srv.stop());
    const { sess } = await fullHandshake(srv.port);
    assert.ok(parseSessionBlob(fs.readFileSync(sess)).maxEarly > 0, 'gnutls ticket allows early data');
    const early = tmp('early.txt');
    fs.writeFileSync(early, EARLY);
    // gnutls-serv --echo never reads early data (no gnutls_record_recv_early_data):
    // the bytes are accepted but not echoed; ordinary data after the handshake is.
    const res = await connect(srv.port, ['--sess-in', sess, '--early-data', early],
      { input: 'after-0rtt\n', stdin: { afterOutput: 'after-0rtt\n'.length } });
    assert.equal(res.code, 0, show(res));
    assert.deepEqual([res.json.resumed, res.json.early_data], [true, 'accepted']);
    assert.ok(!res.stderr.includes('early data rejected'));
    assert.equal(res.stdout, 'after-0rtt\n');
  });

  test('without --earlydata: ticket without early data, request sent after the handshake', async (t) => {
    const srv = await startGnutls({ ...P256_FULL });
    t.after(() => srv.stop());
    const { sess } = await fullHandshake(srv.port);
    const early = tmp('early.txt');
    fs.writeFileSync(early, 'LATE-REQUEST\n');
    const res = await connect(srv.port, ['--sess-in', sess, '--early-data', early],
      { input: '', stdin: { afterOutput: 'LATE-REQUEST\n'.length } });
    assert.equal(res.code, 0, show(res));
    assert.equal(res.json.resumed, true);
    assert.notEqual(res.json.early_data, 'accepted');
    assert.match(res.stderr, /\* early data (not sent|rejected): sending it after the handshake/);
    assert.equal(res.stdout, 'LATE-REQUEST\n', 'echoed once: it arrived as ordinary data, once');
  });

  test('resumption with HelloRetryRequest (server restricted to secp384r1)', async (t) => {
    const srv = await startGnutls({ ...P256_FULL, priority: 'NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-SECP384R1' });
    t.after(() => srv.stop());
    const { sess } = await fullHandshake(srv.port);
    const res = await connect(srv.port, ['--sess-in', sess]);
    assert.equal(res.code, 0, show(res));
    assert.deepEqual([res.json.resumed, res.json.hrr, res.json.group], [true, true, 'secp384r1']);
    assert.equal(res.stdout, 'hello\n');
  });

  test('ticket from AES-256 resumed while offering all suites (gnutls follows the PSK hash)', async (t) => {
    const srv = await startGnutls({ ...P256_FULL });
    t.after(() => srv.stop());
    const { sess } = await fullHandshake(srv.port, ['--ciphers', 'TLS_AES_256_GCM_SHA384']);
    const res = await connect(srv.port, ['--sess-in', sess]);
    assert.equal(res.code, 0, show(res));
    // either resumption under a SHA-384 suite, or a full handshake: never a failure
    if (res.json.resumed) assert.equal(res.json.cipher, 'TLS_AES_256_GCM_SHA384');
    t.diagnostic(`gnutls: resumed=${res.json.resumed} cipher=${res.json.cipher}`);
  });
});

// A session is a credential bound to how its full handshake was verified
// (Go: loadSession): it is offered only where that handshake would have
// been accepted. Each case resumes against a server that would accept the
// ticket, so "resumed: false" means our client did not offer it.
describe('session binding: a session is offered only where its handshake would be accepted', { concurrency: 4 }, () => {
  const insecure = (port, args = [], input = 'x\n') => runCli(['--insecure', '--json', ...args, `localhost:${port}`], { input });
  const withCa = (ca, port, args = [], input = 'x\n') => runCli(['--cafile', ca, '--json', ...args, `localhost:${port}`], { input });
  async function insecureSession(port) {
    const sess = tmp('insecure.bin');
    const res = await insecure(port, ['--sess-out', sess]);
    assert.equal(res.code, 0, show(res));
    assert.equal(parseSessionBlob(fs.readFileSync(sess)).verified, 0);
    return sess;
  }
  const write = (name, buf) => { const f = tmp(name); fs.writeFileSync(f, buf); return f; };

  test('a session from an unverified connection does not resume one that verifies (other CA: the full handshake fails)', async (t) => {
    const srv = await startOpenssl({ ...P256, numTickets: 1 });
    t.after(() => srv.stop());
    const sess = await insecureSession(srv.port);
    const res = await withCa(P.otherCa, srv.port, ['--sess-in', sess]);
    assert.equal(res.code, 1, show(res));
    assert.match(res.stderr, /unknown_ca/, show(res));
    // with the right CA: a verified full handshake, not a resumption
    const ok = await withCa(P.ca, srv.port, ['--sess-in', sess]);
    assert.equal(ok.code, 0, show(ok));
    assert.equal(ok.json.resumed, false, show(ok));
    assert.equal(ok.json.sigalg, 'ecdsa_secp256r1_sha256');
  });

  // Not a defence against a deliberate forger who also writes the digest
  // (README: protect the session store); it shows the flags alone decide
  // nothing: the digest of the anchors the chain was verified to must match.
  test('an unverified session with only its flags changed to "verified" is not offered (no trust-anchor digest)', async (t) => {
    const srv = await startOpenssl({ ...P256, numTickets: 1 });
    t.after(() => srv.stop());
    const blob = fs.readFileSync(await insecureSession(srv.port));
    const forged = write('forged.bin', rewriteSessionBlob(blob, { verifyMode: 0, verified: 1 }));
    const res = await withCa(P.otherCa, srv.port, ['--sess-in', forged]);
    assert.equal(res.code, 1, show(res));
    assert.match(res.stderr, /unknown_ca/);
  });

  test('a verified session resumes with --insecure (verification at least as strict)', async (t) => {
    const srv = await startOpenssl({ ...P256, numTickets: 1 });
    t.after(() => srv.stop());
    const { sess } = await fullHandshake(srv.port);
    const res = await insecure(srv.port, ['--sess-in', sess]);
    assert.equal(res.code, 0, show(res));
    assert.equal(res.json.resumed, true, show(res));
  });

  test('a verified session is not offered under other trust anchors (even ones that would verify)', async (t) => {
    const srv = await startOpenssl({ ...P256, numTickets: 1 });
    t.after(() => srv.stop());
    const { sess } = await fullHandshake(srv.port);
    const bundle = write('bundle.pem', fs.readFileSync(P.ca, 'utf8') + fs.readFileSync(P.otherCa, 'utf8'));
    const res = await withCa(bundle, srv.port, ['--sess-in', sess]);
    assert.equal(res.code, 0, show(res));
    assert.equal(res.json.resumed, false, 'another trust store: full handshake');
    // control: the same trust store resumes
    const { sess: s2 } = await fullHandshake(srv.port);
    const same = await withCa(P.ca, srv.port, ['--sess-in', s2]);
    assert.equal(same.json.resumed, true, show(same));
  });

  test('a verified session is not offered under another --sigalgs policy', async (t) => {
    const srv = await startOpenssl({ ...P256, numTickets: 1 });
    t.after(() => srv.stop());
    const { sess } = await fullHandshake(srv.port);
    const res = await withCa(P.ca, srv.port, ['--sigalgs', 'ecdsa_secp256r1_sha256,rsa_pss_rsae_sha256', '--sess-in', sess]);
    assert.equal(res.code, 0, show(res));
    assert.equal(res.json.resumed, false, 'another signature policy: full handshake');
    assert.equal(res.json.sigalg, 'ecdsa_secp256r1_sha256');
  });

  test('a verified session whose leaf has expired since is not offered (Go re-checks NotAfter)', async (t) => {
    const srv = await startOpenssl({ ...P256, numTickets: 2 });
    t.after(() => srv.stop());
    const { sess } = await fullHandshake(srv.port);
    const b = parseSessionBlob(fs.readFileSync(sess));
    const pem = fs.readFileSync(P.expired.cert, 'utf8').replace(/-----[^-]+-----|\s/g, '');
    const expired = write('expired-leaf.bin', buildSessionBlob({ ...b, certs: [Buffer.from(pem, 'base64'), ...b.certs.slice(1)] }));
    const res = await withCa(P.ca, srv.port, ['--sess-in', expired]);
    assert.equal(res.code, 0, show(res));
    assert.equal(res.json.resumed, false, 'expired leaf: full handshake');
    // control: the blob rebuilt unchanged resumes (the builder is faithful)
    const same = write('rebuilt.bin', buildSessionBlob(b));
    assert.deepEqual(fs.readFileSync(same), fs.readFileSync(sess));
    const ok = await withCa(P.ca, srv.port, ['--sess-in', same]);
    assert.equal(ok.json.resumed, true, show(ok));
  });

  test('an IP-literal session resumes only for the same IP, never for a name or another IP', async (t) => {
    const srv = await startOpenssl({ ...P256, numTickets: 4 });
    t.after(() => srv.stop());
    const sess = tmp('ip.bin');
    const first = await runCli(['--cafile', P.ca, '--json', '--sess-out', sess, `127.0.0.1:${srv.port}`], { input: 'x\n' });
    assert.equal(first.code, 0, show(first));
    const b = parseSessionBlob(fs.readFileSync(sess));
    assert.deepEqual([b.serverName, b.verifyIp, b.verified], ['', '127.0.0.1', 1]);
    const otherIp = write('other-ip.bin', buildSessionBlob({ ...b, verifyIp: '127.0.0.2' }));
    const r1 = await runCli(['--cafile', P.ca, '--json', '--sess-in', otherIp, `127.0.0.1:${srv.port}`], { input: 'x\n' });
    assert.equal(r1.code, 0, show(r1));
    assert.equal(r1.json.resumed, false, 'session for 127.0.0.2 offered to 127.0.0.1');
    const r2 = await withCa(P.ca, srv.port, ['--sess-in', sess]);
    assert.equal(r2.json.resumed, false, 'IP session offered to the name localhost');
    const r3 = await runCli(['--cafile', P.ca, '--json', '--sess-in', sess, `127.0.0.1:${srv.port}`], { input: 'x\n' });
    assert.equal(r3.json.resumed, true, show(r3));
  });

  test('created_ms in the future or near INT64_MIN: not offered, no crash (UBSan on the ASan build)', async (t) => {
    const srv = await startOpenssl({ ...P256, numTickets: 1 });
    t.after(() => srv.stop());
    const { sess } = await fullHandshake(srv.port);
    const blob = fs.readFileSync(sess);
    for (const createdMs of [Date.now() + 3600e3, -(2n ** 63n) + 5n]) {
      const f = write('clock.bin', rewriteSessionBlob(blob, { createdMs }));
      const res = await withCa(P.ca, srv.port, ['--sess-in', f]);
      assert.equal(res.code, 0, show(res));
      assert.equal(res.json.resumed, false, `created_ms ${createdMs}`);
    }
  });

  test('--sess-out creates the session file with mode 0600, and tightens an existing one', async (t) => {
    const srv = await startOpenssl({ ...P256, numTickets: 1 });
    t.after(() => srv.stop());
    const { sess } = await fullHandshake(srv.port);
    assert.equal(fs.statSync(sess).mode & 0o777, 0o600);
    const loose = tmp('loose.bin');
    fs.writeFileSync(loose, 'old');
    fs.chmodSync(loose, 0o644);
    const res = await connect(srv.port, ['--sess-out', loose]);
    assert.equal(res.code, 0, show(res));
    assert.equal(fs.statSync(loose).mode & 0o777, 0o600);
    assert.equal(parseSessionBlob(fs.readFileSync(loose)).verified, 1);
  });
});
