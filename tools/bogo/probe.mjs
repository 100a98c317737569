#!/usr/bin/env node
// A stand-in shim for BoringSSL's test runner that only looks: for each
// test it records which role the runner wants from the shim, over which
// protocol, and (for TLS client tests) which version the runner's server
// picks when offered TLS 1.3 and 1.2 with the runner's usual defaults.
// Driven by tools/bogo/classify.mjs; every test then exits 89.
//
// The runner's -transcript-dir makes it pass -write-settings
// <dir>/<proto>/<role>/<test name>-<n>, which is how the probe learns the
// test's name.
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { Duplex } from 'node:stream';

const args = process.argv.slice(2);
if (args[0] === '-is-handshaker-supported') {
  process.stdout.write('No\n');
  process.exit(0);
}
const out = process.env.BOGO_PROBE_OUT;
const value = (flag) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const settings = value('-write-settings');
if (!out || !settings) process.exit(89);
const m = /\/(tls|dtls|quic)\/(client|server)\/(.+)-\d*$/.exec(settings);
if (!m) process.exit(89);
const [, proto, role, name] = m;
// Keep the flags (without ports, ids and temporary paths) for analysis.
const flags = [];
for (let i = 0; i < args.length; i++) {
  if (['-port', '-shim-id', '-write-settings'].includes(args[i])) { i++; continue; }
  flags.push(args[i].startsWith('/tmp/') ? '<file>' : args[i]);
}
const record = (version) => {
  fs.appendFileSync(out, JSON.stringify({ name, proto, role, version, flags }) + '\n');
  process.exit(89);
};
if (proto !== 'tls' || role !== 'client') record(null);

// The server's version from its first handshake message: ServerHello
// (type 2) legacy_version, replaced by supported_versions (43) if present.
// Handshake bytes are gathered across records (the runner splits and packs).
let hs = Buffer.alloc(0);
function serverVersion(records) {
  while (records.length >= 5) {
    const len = records.readUInt16BE(3);
    if (records.length < 5 + len) break;
    if (records[0] === 22) hs = Buffer.concat([hs, records.subarray(5, 5 + len)]);
    else if (hs.length === 0) return null;      // alert or other before any handshake
    records = records.subarray(5 + len);
  }
  if (hs.length < 4) return undefined;
  if (hs[0] !== 2) return null;
  const body = hs.subarray(4, 4 + hs.readUIntBE(1, 3));
  if (body.length < hs.readUIntBE(1, 3)) return undefined;
  let version = body.readUInt16BE(0);
  let p = 2 + 32;
  p += 1 + body[p] + 2 + 1;   // session id, suite, compression
  if (p + 2 > body.length) return version;
  const end = Math.min(body.length, p + 2 + body.readUInt16BE(p)); p += 2;
  while (p + 4 <= end) {
    const type = body.readUInt16BE(p), len = body.readUInt16BE(p + 2);
    if (type === 43 && len === 2) version = body.readUInt16BE(p + 4);
    p += 4 + len;
  }
  return version;
}

const host = args.includes('-ipv6') ? '::1' : '127.0.0.1';
const sock = net.connect(Number(value('-port')), host);
const id = Buffer.alloc(8);
id.writeBigUInt64LE(BigInt(value('-shim-id') || 0));
sock.write(id);
let seen = Buffer.alloc(0);
const pipe = new Duplex({
  read() {},
  write(chunk, _enc, cb) { sock.write(chunk, cb); },
});
sock.on('data', (d) => {
  seen = Buffer.concat([seen, d]);
  hs = Buffer.alloc(0);
  const v = serverVersion(seen);
  if (v !== undefined) record(v);
  pipe.push(d);
});
sock.on('error', () => record(null));
sock.on('close', () => record(null));
const conn = tls.connect({ socket: pipe, rejectUnauthorized: false, servername: 'test',
  minVersion: 'TLSv1', ciphers: 'ALL:@SECLEVEL=0' });
conn.on('error', () => {});
setTimeout(() => record(null), 5000).unref();
