// RFC 8448 "Simple 1-RTT Handshake" replayed through the engine (see
// tests/unit/rfc8448.c for what is compared and why).
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { keyPair } from './lib/keys.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const build = path.resolve(root, process.env.WT_BUILD || 'build/native');
const vec = readFileSync(path.resolve(root, '../shared/vectors/rfc8448/transcripts.vec'), 'utf8');

function section(name) {
  const start = vec.indexOf(`[${name}]`);
  assert.ok(start >= 0, `section ${name} missing`);
  const rest = vec.slice(start + name.length + 2);
  const end = rest.search(/^\[/m);
  return `[${name}]\n${end < 0 ? rest : rest.slice(0, end)}`;
}

test('RFC 8448 simple 1-RTT handshake: ClientHello fields, server flight, Finished, data, close', () => {
  const r = spawnSync(path.join(build, 'test_rfc8448'), { input: section('Simple_1RTT_Handshake'), encoding: 'utf8', timeout: 20000 });
  assert.equal(r.error, undefined);
  const lines = r.stdout.trim().split('\n');
  for (const l of lines.filter((x) => !/^(keylog|exporter) /.test(x))) assert.match(l, /^ok /, `${l}\n${r.stderr}`);
  // Traffic secrets from the key log, against RFC 8448 section 3.
  const random = 'cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7';
  const rfc = {
    // {client} derive secret "tls13 c hs traffic"
    CLIENT_HANDSHAKE_TRAFFIC_SECRET: 'b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21',
    // {server} derive secret "tls13 s hs traffic"
    SERVER_HANDSHAKE_TRAFFIC_SECRET: 'b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38',
    // {server} derive secret "tls13 c ap traffic"
    CLIENT_TRAFFIC_SECRET_0: '9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5',
    // {server} derive secret "tls13 s ap traffic"
    SERVER_TRAFFIC_SECRET_0: 'a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643',
    // {server} derive secret "tls13 exp master"
    EXPORTER_SECRET: 'fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50',
  };
  const logged = Object.fromEntries(lines.filter((l) => l.startsWith('keylog ')).map((l) => {
    const [, label, cr, secret] = l.split(' ');
    assert.equal(cr, random);
    return [label, secret];
  }));
  assert.deepEqual(logged, rfc);
  // Every step must have been reached, not just the ones before a failure.
  for (const step of ['clienthello.random', 'clienthello.legacy_session_id', 'clienthello.cipher_suites',
    'clienthello.key_share', 'clienthello.server_name', 'server_flight', 'Record_ClientFinished',
    'Server_AppData', 'Record_Client_AppData', 'Record_Client_CloseNotify', 'clean close',
    'secrets wiped after the handshake']) {
    assert.ok(lines.some((l) => l.startsWith(`ok ${step}`)), `step ${step} not reached:\n${r.stdout}${r.stderr}`);
  }
  assert.equal(r.status, 0, r.stderr);
});

test('RFC 8448 replay: a verify callback that refuses aborts with bad_certificate', () => {
  const r = spawnSync(path.join(build, 'test_rfc8448'), ['reject'], { input: section('Simple_1RTT_Handshake'), encoding: 'utf8', timeout: 20000 });
  assert.equal(r.error, undefined);
  assert.match(r.stdout, /^ok verify callback rejection$/m, r.stdout + r.stderr);
  assert.equal(r.status, 0, r.stderr);
});

test('RFC 8448 replay: max_fragment splits application data into records of at most 64 bytes', () => {
  const r = spawnSync(path.join(build, 'test_rfc8448'), ['fragment'], { input: section('Simple_1RTT_Handshake'), encoding: 'utf8', timeout: 20000 });
  assert.equal(r.error, undefined);
  assert.match(r.stdout, /^ok max_fragment 64$/m, r.stdout + r.stderr);
  assert.equal(r.status, 0, r.stderr);
});

// HKDF-Expand-Label (RFC 8446 7.1) with node:crypto, for the checks below.
function expandLabel(secret, label, context, length) {
  const l = Buffer.from(`tls13 ${label}`);
  const info = Buffer.concat([Buffer.from([length >> 8, length & 255, l.length]), l, Buffer.from([context.length]), context]);
  return expand(secret, info, length);
}
function expand(prk, info, length) {
  let t = Buffer.alloc(0); let out = Buffer.alloc(0);
  for (let i = 1; out.length < length; i++) {
    t = crypto.createHmac('sha256', prk).update(Buffer.concat([t, info, Buffer.from([i])])).digest();
    out = Buffer.concat([out, t]);
  }
  return out.subarray(0, length);
}
function openRecord(secret, rec, seq = 0) {
  const key = expandLabel(secret, 'key', Buffer.alloc(0), 16);
  const iv = expandLabel(secret, 'iv', Buffer.alloc(0), 12);
  iv.writeUInt32BE((iv.readUInt32BE(8) ^ seq) >>> 0, 8);   // RFC 8446 5.3 (small seq)
  const d = crypto.createDecipheriv('aes-128-gcm', key, iv);
  d.setAAD(rec.subarray(0, 5));
  d.setAuthTag(rec.subarray(rec.length - 16));
  return Buffer.concat([d.update(rec.subarray(5, rec.length - 16)), d.final()]);
}

test('RFC 8448 resumed 0-RTT handshake: PSK identity, binder, early data, EndOfEarlyData, Finished', () => {
  const input = section('Simple_1RTT_Handshake') + section('Resumed_0RTT_Handshake');
  const r = spawnSync(path.join(build, 'test_rfc8448'), ['resume'], { input, encoding: 'utf8', timeout: 20000 });
  assert.equal(r.error, undefined);
  const lines = r.stdout.trim().split('\n');
  for (const step of ['clienthello.psk_identity', 'clienthello.early_data', 'binder', 'Record_Client_EarlyAppData',
    'state WT_SENDEARLY, not WT_SENDAPP, during 0-RTT', 'resumed with 0-RTT accepted', 'PSK and master secret wiped after use', 'Record_EndOfEarlyData']) {
    assert.ok(lines.includes(`ok ${step}`), `step ${step} missing:\n${r.stdout}${r.stderr}`);
  }
  assert.ok(!lines.some((l) => l.startsWith('FAIL')), r.stdout + r.stderr);
  assert.equal(r.status, 0, r.stderr);
  // RFC 8448 section 4: client_early_traffic_secret
  const log = Object.fromEntries(lines.filter((l) => l.startsWith('keylog ')).map((l) => l.split(' ').slice(1, 4))
    .map(([label, , secret]) => [label, Buffer.from(secret, 'hex')]));
  assert.equal(log.CLIENT_EARLY_TRAFFIC_SECRET.toString('hex'), '3fbbe6a60deb66c30a32795aba0eff7eaa10105586e7be5c09678d63b6caab62');
  assert.equal(log.CLIENT_HANDSHAKE_TRAFFIC_SECRET.toString('hex'), '2faac08f851d35fea3604fcb4de82dc62c9b164a70974d0462e27f1ab278700f');
  // Our Finished, checked independently: decrypt the server flight and our
  // record with the logged secrets and recompute verify_data over
  // ClientHello .. server Finished, EndOfEarlyData (RFC 8446 4.4.4).
  const resumed = section('Resumed_0RTT_Handshake');
  const hex = (n) => Buffer.from(resumed.match(new RegExp(`^${n} = ([0-9a-fA-F]+)`, 'm'))[1], 'hex');
  const flight = openRecord(log.SERVER_HANDSHAKE_TRAFFIC_SECRET, hex('Record_ServerHandshakeMessages'));
  const serverMsgs = flight.subarray(0, flight.length - 1);
  const ours = Buffer.from(lines.find((l) => l.startsWith('clientfinished ')).split(' ')[1], 'hex');
  const fin = openRecord(log.CLIENT_HANDSHAKE_TRAFFIC_SECRET, ours);
  assert.equal(fin[fin.length - 1], 22);
  const th = crypto.createHash('sha256').update(Buffer.concat([hex('Record_ClientHello_1').subarray(5),
    hex('Message_ServerHello'), serverMsgs, Buffer.from([5, 0, 0, 0])])).digest();
  const fk = expandLabel(log.CLIENT_HANDSHAKE_TRAFFIC_SECRET, 'finished', Buffer.alloc(0), 32);
  assert.deepEqual(fin.subarray(0, fin.length - 1),
    Buffer.concat([Buffer.from([20, 0, 0, 32]), crypto.createHmac('sha256', fk).update(th).digest()]));
});

// Splits concatenated TLS records.
function records(buf) {
  const out = [];
  for (let off = 0; off < buf.length;) {
    const len = buf.readUInt16BE(off + 3);
    out.push(buf.subarray(off, off + 5 + len));
    off += 5 + len;
  }
  return out;
}

// Splits handshake messages.
function messages(buf) {
  const out = [];
  for (let off = 0; off < buf.length;) {
    const len = buf.readUIntBE(off + 1, 3);
    out.push(buf.subarray(off, off + 4 + len));
    off += 4 + len;
  }
  return out;
}

// The trace's client key is not published: we present its certificate with
// our own key, which only the get_client_cert callback allows (a static
// client_cert is checked against its key at init, like Go's X509KeyPair).
test('RFC 8448 client authentication (get_client_cert callback): Certificate byte-exact, RSA-PSS CertificateVerify over the trace transcript, Finished', () => {
  const mode = 'callback';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wt-8448-'));
  const { privateKey, publicKey } = keyPair('rsa', { modulusLength: 2048 });
  const keyPath = path.join(dir, 'client.key');
  writeFileSync(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const certPath = path.resolve(root, '../shared/vectors/rfc8448/client_certificate.pem');
  const r = spawnSync(path.join(build, 'test_rfc8448'), ['clientauth', certPath, keyPath, mode],
    { input: section('Client_Authentication_Handshake'), encoding: 'utf8', timeout: 20000 });
  assert.equal(r.error, undefined);
  assert.match(r.stdout, mode === 'callback' ? /^ok client authentication handshake \(callback\)$/m
    : /^ok client authentication handshake$/m, r.stdout + r.stderr);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const auth = section('Client_Authentication_Handshake');
  const hex = (n) => Buffer.from(auth.match(new RegExp(`^${n} = ([0-9a-fA-F]+)`, 'm'))[1], 'hex');
  const lines = r.stdout.trim().split('\n');
  const log = Object.fromEntries(lines.filter((l) => l.startsWith('keylog ')).map((l) => l.split(' ').slice(1, 4))
    .map(([label, , secret]) => [label, Buffer.from(secret, 'hex')]));
  const ours = records(Buffer.from(r.stdout.match(/^clientflight ([0-9a-f]+)$/m)[1], 'hex'))
    .map((rec, seq) => openRecord(log.CLIENT_HANDSHAKE_TRAFFIC_SECRET, rec, seq))
    .map((pt) => { assert.equal(pt[pt.length - 1], 22); return pt.subarray(0, pt.length - 1); });
  const ourMsgs = messages(Buffer.concat(ours));
  const theirMsgs = messages(openRecord(log.CLIENT_HANDSHAKE_TRAFFIC_SECRET, hex('Record_ClientFinished')).subarray(0, -1));
  assert.deepEqual(ourMsgs.map((m) => m[0]), [11, 15, 20]);
  assert.deepEqual(theirMsgs.map((m) => m[0]), [11, 15, 20]);
  // Certificate: byte-exact (same chain, same empty context).
  assert.deepEqual(ourMsgs[0], theirMsgs[0]);
  // CertificateVerify: rsa_pss_rsae_sha256 over exactly the trace's content.
  assert.equal(ourMsgs[1].readUInt16BE(4), 0x0804);
  const sig = ourMsgs[1].subarray(8);
  assert.ok(crypto.verify('sha256', hex('Client_MessageToSign'),
    { key: publicKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig));
  // Finished over ClientHello .. server Finished, our Certificate and CertificateVerify.
  const flight = openRecord(log.SERVER_HANDSHAKE_TRAFFIC_SECRET, hex('Record_ServerHandshakeMessages'));
  const th = crypto.createHash('sha256').update(Buffer.concat([hex('Record_ClientHello_1').subarray(5),
    hex('Message_ServerHello'), flight.subarray(0, -1), ourMsgs[0], ourMsgs[1]])).digest();
  const fk = expandLabel(log.CLIENT_HANDSHAKE_TRAFFIC_SECRET, 'finished', Buffer.alloc(0), 32);
  assert.deepEqual(ourMsgs[2], Buffer.concat([Buffer.from([20, 0, 0, 32]), crypto.createHmac('sha256', fk).update(th).digest()]));
});
