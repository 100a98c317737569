// Hostile-server scenarios: every check the client handshake (src/hs13.c,
// src/hello.c parsers), record layer (src/record.c) and engine
// (src/engine.c) make that a server can trigger, plus positive controls
// that prove the test server itself is a correct TLS 1.3 server.
//
// A scenario: {
//   name,
//   server: hooks for runHandshake() in server.mjs,
//   args: extra client arguments (array, or (pki) => array); the runner
//         adds --cafile <ca> --servername localhost unless noDefaultArgs,
//   stdin: 'echo' (send "hello\n", end after the echo: default when the
//          scenario must succeed) | 'open' (default when it must fail),
//   expect: {errorName, reasonIncludes, alert, exitNonZero}
//          alert: the alert description the client must send (fatal level,
//          or alertLevel), 0 for close_notify (warning level), null for
//          no alert at all,
//   check(res, srv, ctx): extra assertions (res: CLI result, srv: server
//         result, ctx: {sessIn, sessOut, earlyFile} paths),
//   todo: 'why' when the expectation documents a suspected client bug,
//   session: {server, ticket, args, edit(blob) -> blob}: first run a full
//         handshake that writes --sess-out, then run the scenario with
//         --sess-in (see hostile.test.mjs),
//   earlyData: string sent with --early-data (needs session),
//   sessOut: true to add --sess-out (path in ctx.sessOut),
//   input, afterOutput: stdin text, and end stdin once that many bytes came
//         back (default: the input's length),
//   offers12: true when the expectation needs a client that offers TLS 1.2
//         (as by default), false when it does not although the server
//         speaks TLS 1.2 (default: whether a TLS 1.2 server is involved;
//         runner.mjs skips them on front ends without TLS 1.2),
// }
import crypto from 'node:crypto';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
	CT, HS, EXT, GROUP, HRR_RANDOM, u8, u16, u24, u32, cat, vec8, vec16, vec24, hsMsg,
	encodeExts, keyShare, echo, TICKETS, parseSessionBlob, rewriteSessionBlob, parseClientHello, MLKEM768,
} from './server.mjs';
import { scenarios12 } from './scenarios12.mjs';

const A = {
	unexpected_message: 10, bad_record_mac: 20, record_overflow: 22, bad_certificate: 42,
	certificate_expired: 45, illegal_parameter: 47, unknown_ca: 48, decode_error: 50,
	decrypt_error: 51, protocol_version: 70, internal_error: 80, missing_extension: 109,
	unsupported_extension: 110, no_application_protocol: 120, handshake_failure: 40,
};

/** Expectation: the client fails with alert `name` (sent on the wire). */
const fail = (name, reason) => ({ errorName: name, reasonIncludes: reason, alert: A[name], exitNonZero: true });
/** Expectation: the client fails with a local error and sends no alert. */
const quiet = (name, reason) => ({ errorName: name, reasonIncludes: reason, alert: null, exitNonZero: true });
const ok = { errorName: null, reasonIncludes: null, alert: 0, exitNonZero: false };

const setExt = (exts, type, data) => {
	const i = exts.findIndex((e) => e[0] === type);
	if (i >= 0) exts[i] = [type, data]; else exts.push([type, data]);
	return exts;
};
const dropExt = (exts, type) => exts.filter((e) => e[0] !== type);
const sh = (fn) => ({ serverHello: fn });
const withExt = (type, data) => sh((s) => { s.exts.push([type, data]); });
const ee = (fn) => ({ ee: fn });
/** Reorder/replace the server flight: fn(byName, hs) -> [Buffer|{buf}] */
const flight = (fn) => ({
	messages: (list, hs) => {
		const m = Object.fromEntries(list.map((x) => [x.name, x.buf]));
		return fn(m, hs).map((b) => (Buffer.isBuffer(b) ? { name: 'x', buf: b } : b));
	},
});
/** After the handshake (client Finished verified), run fn; then keep
 * reading until the client leaves. */
const after = (fn, extra = {}) => ({ ...extra, afterHandshake: async (conn, hs) => { await fn(conn, hs); } });
const nst = ({ lifetime = 3600, ageAdd = 1, nonce = Buffer.from([0]), ticket = Buffer.from('ticket'), exts = [] } = {}) =>
	hsMsg(HS.NEW_SESSION_TICKET, cat(u32(lifetime), u32(ageAdd), vec8(nonce), vec16(ticket), encodeExts(exts)));
const emptyEE = hsMsg(HS.ENCRYPTED_EXTENSIONS, u16(0));
/** Script: read the ClientHello, then run fn(conn, hs). */
const afterCH = (fn) => ({
	script: async (conn, hs) => {
		const m = await conn.nextHandshake();
		hs.ch = m;
		await fn(conn, hs);
	},
});
const flipLast = (b) => { const c = Buffer.from(b); c[c.length - 1] ^= 1; return c; };

export const scenarios = [];
const add = (s) => { scenarios.push(s); };

/* ================================================================== */
/* Positive controls                                                   */
/* ================================================================== */

for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
	add({ name: `ok: suite ${suite}`, args: ['--ciphers', suite], server: {}, expect: ok });
}
for (const g of ['x25519', 'secp256r1', 'secp384r1']) {
	add({ name: `ok: group ${g}`, args: ['--groups', g], server: {}, expect: ok });
}
add({ name: 'ok: RSA-PSS certificate (rsa2048)', server: { cert: 'rsa2048' }, expect: ok });
add({ name: 'ok: ECDSA P-384 certificate', server: { cert: 'p384' }, expect: ok });
add({ name: 'ok: rsa_pss_rsae_sha512 signature', server: { cert: 'rsa2048', cvScheme: 0x0806 }, expect: ok });
// RFC 7685 padding (as BoringSSL/NSS/Chrome): a ClientHello of 256..511
// bytes is padded to 512; shorter or longer ones are not.
add({
	// classical groups: a 1216-byte X25519MLKEM768 share (the coming
	// default) alone takes the ClientHello past 511 bytes
	name: 'ok: ClientHello of 256..511 bytes padded to 512', args: ['--groups', 'x25519,secp256r1,secp384r1', '--alpn', 'a'.repeat(150)], server: {}, expect: ok,
	check: (res, srv) => { assert.equal(srv.notes.chLength, 512); assert.ok(srv.notes.chPadding > 0); },
});
add({
	name: 'ok: ClientHello over 511 bytes not padded', args: ['--alpn', 'a'.repeat(250) + ',' + 'b'.repeat(250)], server: {}, expect: ok,
	check: (res, srv) => { assert.ok(srv.notes.chLength > 512); assert.equal(srv.notes.chPadding, null); },
});
add({
	name: 'ok: HRR to secp384r1', args: ['--groups', 'x25519,secp384r1'], server: { group: GROUP.secp384r1 }, expect: ok,
	check: (res, srv) => { assert.ok(srv.notes.hrrSent); assert.deepEqual(srv.notes.ch2Groups, [GROUP.secp384r1]); },
});
add({
	name: 'ok: cookie-only HRR (cookie echoed)', server: { hrr: { group: 0, cookie: Buffer.from('chocolate-chip') } }, expect: ok,
	check: (res, srv) => { assert.equal(srv.notes.ch2Cookie, Buffer.from('chocolate-chip').toString('hex')); },
});
add({
	name: 'ok: HRR with cookie of 2048 bytes (our maximum) and a group', args: ['--groups', 'x25519,secp256r1'],
	server: { group: GROUP.secp256r1, hrr: { group: GROUP.secp256r1, cookie: Buffer.alloc(2048, 7) } }, expect: ok,
	check: (res, srv) => { assert.equal(srv.notes.ch2Cookie.length, 4096); },
});
add({
	name: 'ok: HRR then AES-256 suite', args: ['--groups', 'secp256r1,x25519'],
	server: { suite: 0x1302, group: GROUP.x25519 }, expect: ok,
});
add({
	name: 'ok: every handshake message in 1-byte records',
	server: {
		sendServerHello: (conn, buf) => conn.sendHandshake(buf, { frag: 1, plain: true }),
		sendFlight: (conn, list) => conn.sendHandshake(cat(...list.map((m) => m.buf)), { frag: 1 }),
	},
	expect: ok,
});
add({
	name: 'ok: whole server flight coalesced in one record',
	server: { sendFlight: (conn, list) => conn.send(CT.HANDSHAKE, cat(...list.map((m) => m.buf))) }, expect: ok,
});
add({
	name: 'ok: padded records (200 zero bytes each)',
	server: { sendFlight: (conn, list) => { for (const m of list) conn.send(CT.HANDSHAKE, m.buf, { pad: 200 }); } },
	expect: ok,
});
add({
	name: 'ok: padding up to the 2^14+1 TLSInnerPlaintext limit',
	server: { sendFlight: (conn, list) => { for (const m of list) conn.send(CT.HANDSHAKE, m.buf, { pad: 16384 - m.buf.length }); } },
	expect: ok,
});
add({
	name: 'ok: application record of exactly 2^14 bytes',
	server: after(async (conn) => { conn.send(CT.APP, Buffer.alloc(16384, 0x61)); conn.sendAlert(1, 0); }),
	stdin: 'open', expect: ok,
	check: (res) => { assert.equal(res.stdoutBuf.length, 16384); },
});
add({ name: 'ok: no dummy change_cipher_spec', server: { ccs: false }, expect: ok });
add({
	name: 'ok: 5 change_cipher_spec records during the handshake',
	server: { sendFlight: (conn, list) => { for (const m of list) { conn.sendPlain(CT.CCS, u8(1)); conn.send(CT.HANDSHAKE, m.buf); } } },
	expect: ok,
});
add({
	name: 'ok: ALPN negotiated', args: ['--alpn', 'h2,http/1.1', '--json'], server: { alpn: 'http/1.1' }, expect: ok,
	check: (res) => { assert.equal(res.json?.alpn, 'http/1.1'); },
});
add({
	name: 'ok: CertificateRequest answered with an empty Certificate',
	server: { certRequest: {} }, expect: ok,
	check: (res, srv) => {
		assert.equal(srv.notes.clientCertificate, hsMsg(HS.CERTIFICATE, cat(vec8(Buffer.alloc(0)), u24(0))).toString('hex'));
	},
});
add({
	// RFC 8446 4.3.2: the context is empty except in post-handshake auth.
	name: 'cr: non-empty certificate_request_context during the handshake',
	server: { certRequest: { context: Buffer.from('ctx1') } },
	expect: fail('illegal_parameter', 'non-empty certificate_request_context'),
});
add({
	name: 'ok: CertificateRequest with empty context and extra extensions',
	server: { certRequest: { exts: [[EXT.SIGNATURE_ALGS, vec16(u16(0x0403))], [EXT.CERT_AUTHORITIES, vec16(vec16(Buffer.from('x')))], [0x1234, Buffer.alloc(0)]] } },
	expect: ok,
});
add({ name: 'ok: NewSessionTicket', server: after(async (conn, hs) => { conn.send(CT.HANDSHAKE, nst()); await echo(conn, hs); }), expect: ok });
add({
	name: 'ok: NewSessionTicket with lifetime 0 and exactly 7 days',
	server: after(async (conn, hs) => {
		conn.send(CT.HANDSHAKE, cat(nst({ lifetime: 0 }), nst({ lifetime: 604800, exts: [[EXT.EARLY_DATA, u32(1024)]] })));
		await echo(conn, hs);
	}),
	expect: ok,
});
add({
	name: 'ok: NewSessionTicket split over 3 records',
	server: after(async (conn, hs) => { conn.sendHandshake(nst({ ticket: Buffer.alloc(100, 1) }), { frag: 40 }); await echo(conn, hs); }),
	expect: ok,
});
add({ name: 'ok: KeyUpdate (update_not_requested)', server: after(async (conn, hs) => { hs.keyUpdate(0); await echo(conn, hs); }), expect: ok });
add({
	name: 'ok: KeyUpdate update_requested -> client answers with its own KeyUpdate',
	server: after(async (conn, hs) => { hs.keyUpdate(1); await echo(conn, hs); }), expect: ok,
	check: (res, srv) => {
		assert.deepEqual(srv.clientKeyUpdates, [0]);
		assert.equal(srv.notes.echoed, 6);
		assert.ok(srv.records.some((r) => r.prot === 'app1'), 'client records under the updated key');
	},
});
{
	// RFC 8446 5.5: keys are changed before they wear out. With a limit of
	// 4 records per key, 20 KB in 1 KB records means a KeyUpdate of our
	// own every 4 records, and one update_requested for the server's key.
	const input = 'k'.repeat(20 * 1024 - 1) + '\n';
	add({
		name: 'ok: key usage limit (--key-update-after 4): the client updates its keys on its own',
		args: ['--key-update-after', '4', '--max-fragment', '1024'], input, expect: ok,
		check: (res, srv) => {
			assert.equal(res.stdout, input);
			assert.ok(srv.clientKeyUpdates.length >= 4, `KeyUpdates from the client: ${JSON.stringify(srv.clientKeyUpdates)}`);
			assert.ok(srv.clientKeyUpdates.includes(1), 'the worn server key: update_requested');
			assert.ok(srv.records.some((r) => r.prot === 'app4'), 'client records under the fourth updated key');
		},
	});
}
add({
	// RFC 8446 4.6.3: several requests while we are silent get one answer.
	name: 'ok: three KeyUpdates update_requested in a row -> one KeyUpdate in answer',
	server: after(async (conn, hs) => { for (let i = 0; i < 3; i++) hs.keyUpdate(1); await echo(conn, hs); }), expect: ok,
	check: (res, srv) => {
		assert.deepEqual(srv.clientKeyUpdates, [0]);
		assert.equal(srv.notes.echoed, 6);
	},
});
add({
	name: 'ok: 32 KeyUpdates in a row (the limit)',
	server: after(async (conn, hs) => { for (let i = 0; i < 32; i++) hs.keyUpdate(0); await echo(conn, hs); }), expect: ok,
});
add({
	name: 'ok: 32 empty application records (the limit)',
	server: after(async (conn, hs) => { for (let i = 0; i < 32; i++) conn.send(CT.APP, Buffer.alloc(0)); await echo(conn, hs); }), expect: ok,
});
add({
	name: 'ok: 4 user_canceled alerts (the limit)',
	server: after(async (conn, hs) => { for (let i = 0; i < 4; i++) conn.sendAlert(1, 90); await echo(conn, hs); }), expect: ok,
});
add({
	name: 'ok: server close_notify after the handshake is answered with close_notify',
	server: after(async (conn) => { conn.sendAlert(1, 0); }), stdin: 'open', expect: ok,
});
add({
	name: 'ok: server_name acknowledged (empty) in EncryptedExtensions',
	server: { ee: (e) => [...e, [EXT.SERVER_NAME, Buffer.alloc(0)]] },
	expect: ok,
});
// RFC 8446 4.2: extensions the client did not offer (unknown ones are
// never offered) abort with unsupported_extension; Go ignores them.
add({
	name: 'sh: unknown extension', server: { serverHello: (s) => { s.exts.push([0x7777, Buffer.from('x')]); } },
	expect: fail('unsupported_extension', 'did not offer in ServerHello'),
});
add({
	name: 'ee: unknown extension', server: ee((e) => [...e, [0x7778, Buffer.alloc(3)]]),
	expect: fail('unsupported_extension', 'did not offer in EncryptedExtensions'),
});
add({
	name: 'ee: server_name acknowledged although we sent no SNI', noDefaultArgs: true,
	args: (p) => ['--cafile', p.ca], server: ee((e) => [...e, [EXT.SERVER_NAME, Buffer.alloc(0)]]),
	expect: fail('unsupported_extension', 'did not offer in EncryptedExtensions'),
});
add({
	name: 'sh: early_data (not offered) in ServerHello', server: withExt(EXT.EARLY_DATA, Buffer.alloc(0)),
	expect: fail('unsupported_extension', 'did not offer in ServerHello'),
});
add({
	name: 'sh: signature_algorithms (offered, not allowed in ServerHello)', server: withExt(EXT.SIGNATURE_ALGS, vec16(u16(0x0403))),
	expect: fail('illegal_parameter', 'not allowed in ServerHello'),
});
add({
	name: 'cert: extension in a certificate entry (status_request never offered)',
	server: { certBody: (b) => {
		// the last entry's empty extensions (00 00) become one status_request
		const c = cat(b.subarray(0, b.length - 2), vec16(cat(u16(EXT.STATUS_REQUEST), u16(0))));
		c.writeUIntBE(c.length - 4, 1, 3);
		return c;
	} },
	expect: fail('unsupported_extension', 'certificate entry extension'),
});

/* ================================================================== */
/* ServerHello: version negotiation (pick_tls_version, check_server_hello_or_hrr) */
/* ================================================================== */

const tls12 = (s) => { s.exts = dropExt(s.exts, EXT.SUPPORTED_VERSIONS); };
add({
	name: 'sh: TLS 1.2 ServerHello with the DOWNGRD\\x01 sentinel',
	server: sh((s) => { tls12(s); Buffer.from('444f574e47524401', 'hex').copy(s.random, 24); }),
	expect: fail('illegal_parameter', 'downgrade attempt detected'),
});
add({
	name: 'sh: TLS 1.1 ServerHello with the DOWNGRD\\x00 sentinel',
	server: sh((s) => { tls12(s); s.vers = 0x0302; Buffer.from('444f574e47524400', 'hex').copy(s.random, 24); }),
	expect: fail('illegal_parameter', 'downgrade attempt detected'),
});
add({
	// RFC 8446 4.2.1: supported_versions naming a version before TLS 1.3
	// is illegal_parameter, checked before the sentinel.
	name: 'sh: supported_versions 0x0303 with the TLS 1.2 sentinel',
	server: sh((s) => { setExt(s.exts, EXT.SUPPORTED_VERSIONS, u16(0x0303)); Buffer.from('444f574e47524401', 'hex').copy(s.random, 24); }),
	expect: fail('illegal_parameter', 'supported_versions with a version prior to TLS 1.3'),
});
// The client offers TLS 1.2 too (issue 13): a TLS 1.2 ServerHello is taken
// as one (src/hs12.c), so these TLS 1.3 ServerHellos without
// supported_versions now fail on what a TLS 1.2 ServerHello may not carry;
// with --min-version 1.3 they are still the wrong version. The TLS 1.2
// scenarios proper are in scenarios12.mjs.
add({
	// still the TLS 1.3 server's key_share: RFC 8446 4.2, a TLS 1.3
	// extension in a TLS 1.2 ServerHello
	name: 'sh: TLS 1.2 ServerHello', server: sh(tls12), offers12: true,
	expect: fail('illegal_parameter', 'TLS 1.3 extension in a TLS 1.2 ServerHello'),
});
add({
	name: 'sh: TLS 1.2 ServerHello (TLS 1.3 suites only)', args: ['--ciphers', 'TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384'],
	server: sh(tls12), expect: fail('protocol_version', 'unsupported protocol version (we offer TLS 1.3 only)'),
});
add({
	name: 'sh: TLS 1.2 ServerHello (--min-version 1.3)', args: ['--min-version', '1.3'], server: sh(tls12),
	expect: fail('protocol_version', 'unsupported protocol version (we offer TLS 1.3 only)'),
});
add({
	// the TLS 1.3 server echoes our (TLS 1.3 compatibility) session ID,
	// which a TLS 1.2 server may only do to resume a session we offered
	// (Go: illegal_parameter)
	name: 'sh: ServerHello without extensions (TLS 1.2 style)', server: sh((s) => { s.exts = null; }), offers12: true,
	expect: fail('illegal_parameter', 'echoed TLS 1.3 compatibility session ID in TLS 1.2'),
});
add({
	name: 'sh: ServerHello without extensions (TLS 1.2 style, --min-version 1.3)', args: ['--min-version', '1.3'],
	server: sh((s) => { s.exts = null; }), expect: fail('protocol_version', 'unsupported protocol version (we offer TLS 1.3 only)'),
});
add({
	name: 'sh: ServerHello without extensions (TLS 1.2 style, TLS 1.3 suites only)', args: ['--ciphers', 'TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384'],
	server: sh((s) => { s.exts = null; }), expect: fail('protocol_version', 'unsupported protocol version (we offer TLS 1.3 only)'),
});
// RFC 8446 4.2.1: "If the "supported_versions" extension in the
// ServerHello contains a version ... prior to TLS 1.3, the client MUST
// abort the handshake with an "illegal_parameter" alert", whichever
// versions it offered (it was protocol_version before TLS 1.2 support).
add({
	name: 'sh: supported_versions selects TLS 1.2', server: sh((s) => setExt(s.exts, EXT.SUPPORTED_VERSIONS, u16(0x0303))),
	expect: fail('illegal_parameter', 'supported_versions with a version prior to TLS 1.3'),
});
add({
	name: 'sh: supported_versions selects TLS 1.2 (--min-version 1.3)', args: ['--min-version', '1.3'],
	server: sh((s) => setExt(s.exts, EXT.SUPPORTED_VERSIONS, u16(0x0303))),
	expect: fail('illegal_parameter', 'supported_versions with a version prior to TLS 1.3'),
});
add({
	name: 'sh: TLS 1.1 ServerHello (--min-version 1.3)', args: ['--min-version', '1.3'],
	server: sh((s) => { tls12(s); s.vers = 0x0302; }), expect: fail('protocol_version', 'unsupported protocol version (we offer TLS 1.3 only)'),
});
add({
	name: 'sh: supported_versions selects draft 28 (0x7f1c)', server: sh((s) => setExt(s.exts, EXT.SUPPORTED_VERSIONS, u16(0x7f1c))),
	expect: fail('protocol_version', 'unsupported protocol version'),
});
add({
	name: 'sh: supported_versions selects 0x0305', server: sh((s) => setExt(s.exts, EXT.SUPPORTED_VERSIONS, u16(0x0305))),
	expect: fail('protocol_version', 'unsupported protocol version'),
});
add({
	name: 'sh: TLS 1.3 in legacy_version without supported_versions',
	server: sh((s) => { tls12(s); s.vers = 0x0304; }),
	expect: fail('missing_extension', 'using the legacy version field'),
});
add({
	name: 'sh: legacy_version 0x0304 with supported_versions', server: sh((s) => { s.vers = 0x0304; }),
	expect: fail('illegal_parameter', 'incorrect legacy version'),
});
add({
	name: 'sh: legacy_version 0x0301 with supported_versions', server: sh((s) => { s.vers = 0x0301; }),
	expect: fail('illegal_parameter', 'incorrect legacy version'),
});

/* Forbidden TLS 1.2 extensions in a TLS 1.3 ServerHello */
for (const [label, type, data] of [
	['status_request', EXT.STATUS_REQUEST, Buffer.alloc(0)],
	['session_ticket', EXT.SESSION_TICKET, Buffer.alloc(0)],
	['extended_master_secret', EXT.EXTENDED_MS, Buffer.alloc(0)],
	['renegotiation_info', EXT.RENEGOTIATION_INFO, u8(0)],
	['renegotiation_info (non-empty)', EXT.RENEGOTIATION_INFO, vec8(Buffer.alloc(12, 1))],
	['ALPN', EXT.ALPN, vec16(vec8(Buffer.from('h2')))],
	['signed_certificate_timestamp', EXT.SCT, Buffer.alloc(0)],
]) {
	add({
		name: `sh: forbidden extension ${label}`, args: label === 'ALPN' ? ['--alpn', 'h2'] : [], server: withExt(type, data),
		expect: fail('unsupported_extension', 'forbidden in TLS 1.3'),
	});
}
add({
	name: 'sh: session id not echoed (one byte changed)',
	server: sh((s) => { s.sessionId = Buffer.from(s.sessionId); s.sessionId[0] ^= 1; }),
	expect: fail('illegal_parameter', 'did not echo the legacy session ID'),
});
add({
	name: 'sh: session id not echoed (empty)', server: sh((s) => { s.sessionId = Buffer.alloc(0); }),
	expect: fail('illegal_parameter', 'did not echo the legacy session ID'),
});
add({ name: 'sh: compression method 1', server: sh((s) => { s.compression = 1; }), expect: fail('illegal_parameter', 'unsupported compression') });
add({ name: 'sh: unknown TLS 1.3 suite 0x1304', server: sh((s) => { s.suite = 0x1304; }), expect: fail('illegal_parameter', 'unconfigured cipher suite') });
add({ name: 'sh: TLS 1.2 suite 0xc02f', server: sh((s) => { s.suite = 0xc02f; }), expect: fail('illegal_parameter', 'unconfigured cipher suite') });
add({
	name: 'sh: suite known but not configured', args: ['--ciphers', 'TLS_AES_128_GCM_SHA256'],
	server: sh((s) => { s.suite = 0x1303; }), expect: fail('illegal_parameter', 'unconfigured cipher suite'),
});

/* ServerHello: key share and PSK (process_server_hello, establish_handshake_keys) */
add({
	name: 'sh: cookie in a normal ServerHello', server: withExt(EXT.COOKIE, vec16(Buffer.from('c'))),
	expect: fail('unsupported_extension', 'cookie in a normal ServerHello'),
});
add({
	name: 'sh: key_share in HelloRetryRequest form', server: sh((s) => setExt(s.exts, EXT.KEY_SHARE, u16(GROUP.x25519))),
	expect: fail('decode_error', 'malformed key_share'),
});
add({
	name: 'sh: no key_share', server: sh((s) => { s.exts = dropExt(s.exts, EXT.KEY_SHARE); }),
	expect: fail('illegal_parameter', 'did not send a key share'),
});
add({
	name: 'sh: key share for a group we offered but did not share', args: ['--groups', 'x25519,secp256r1'],
	server: sh((s) => { const k = keyShare(GROUP.secp256r1); setExt(s.exts, EXT.KEY_SHARE, cat(u16(k.group), vec16(k.pub))); }),
	expect: fail('illegal_parameter', 'server selected unsupported group'),
});
add({
	name: 'sh: key share for a group we never offered', args: ['--groups', 'x25519'],
	server: sh((s) => { const k = keyShare(GROUP.secp384r1); setExt(s.exts, EXT.KEY_SHARE, cat(u16(k.group), vec16(k.pub))); }),
	expect: fail('illegal_parameter', 'server selected unsupported group'),
});
add({
	// RFC 8446 4.2: an extension we did not send is unsolicited
	// (unsupported_extension) before it is an invalid PSK choice (Go's
	// illegal_parameter; BoGo AlwaysSelectPSKIdentity-TLS13).
	name: 'sh: pre_shared_key selected but none offered', server: withExt(EXT.PRE_SHARED_KEY, u16(0)),
	expect: fail('unsupported_extension', 'did not offer in ServerHello'),
});
const badShare = (group, pub) => sh((s) => setExt(s.exts, EXT.KEY_SHARE, cat(u16(group), vec16(pub))));
add({ name: 'sh: X25519 share of 31 bytes', args: ['--groups', 'x25519'], server: badShare(GROUP.x25519, Buffer.alloc(31, 9)), expect: fail('illegal_parameter', 'invalid server key share') });
add({ name: 'sh: X25519 share of 33 bytes', args: ['--groups', 'x25519'], server: badShare(GROUP.x25519, Buffer.alloc(33, 9)), expect: fail('illegal_parameter', 'invalid server key share') });
add({ name: 'sh: X25519 all-zero share (zero shared secret)', args: ['--groups', 'x25519'], server: badShare(GROUP.x25519, Buffer.alloc(32)), expect: fail('illegal_parameter', 'invalid server key share') });
add({
	name: 'sh: X25519 small-order share (order 8 point)', args: ['--groups', 'x25519'],
	server: badShare(GROUP.x25519, Buffer.from('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', 'hex')),
	expect: fail('illegal_parameter', 'invalid server key share'),
});
add({ name: 'sh: empty key share', args: ['--groups', 'x25519'], server: badShare(GROUP.x25519, Buffer.alloc(0)), expect: fail('illegal_parameter', 'invalid server key share') });
add({
	name: 'sh: P-256 point not on the curve', args: ['--groups', 'secp256r1'],
	server: badShare(GROUP.secp256r1, cat(u8(4), Buffer.alloc(64, 1))), expect: fail('illegal_parameter', 'invalid server key share'),
});
add({
	name: 'sh: P-256 compressed point', args: ['--groups', 'secp256r1'],
	server: sh((s) => {
		const pub = s.share.pub;
		const comp = cat(u8(2 + (pub[64] & 1)), pub.subarray(1, 33));
		setExt(s.exts, EXT.KEY_SHARE, cat(u16(GROUP.secp256r1), vec16(comp)));
	}),
	expect: fail('illegal_parameter', 'invalid server key share'),
});
add({
	name: 'sh: P-256 point with a bad prefix byte', args: ['--groups', 'secp256r1'],
	server: sh((s) => { const p = Buffer.from(s.share.pub); p[0] = 6; setExt(s.exts, EXT.KEY_SHARE, cat(u16(GROUP.secp256r1), vec16(p))); }),
	expect: fail('illegal_parameter', 'invalid server key share'),
});
add({
	name: 'sh: P-256 point with x = p (coordinate out of range)', args: ['--groups', 'secp256r1'],
	server: badShare(GROUP.secp256r1, cat(u8(4), Buffer.from('ffffffff00000001000000000000000000000000ffffffffffffffffffffffff', 'hex'), Buffer.alloc(32))),
	expect: fail('illegal_parameter', 'invalid server key share'),
});
add({
	name: 'sh: P-384 share truncated', args: ['--groups', 'secp384r1'],
	server: sh((s) => setExt(s.exts, EXT.KEY_SHARE, cat(u16(GROUP.secp384r1), vec16(s.share.pub.subarray(0, 96))))),
	expect: fail('illegal_parameter', 'invalid server key share'),
});

/* ServerHello: malformed encodings (wt_parse_server_hello) */
add({ name: 'sh: truncated by one byte', server: { shBytes: (b) => { const c = b.subarray(0, b.length - 1); c.writeUIntBE(c.length - 4, 1, 3); return c; } }, expect: fail('decode_error', 'malformed ServerHello') });
add({ name: 'sh: trailing byte after the extensions', server: sh((s) => { s.trailing = u8(0); }), expect: fail('decode_error', 'malformed ServerHello') });
add({ name: 'sh: duplicated extension', server: sh((s) => { s.exts.push([EXT.SUPPORTED_VERSIONS, u16(0x0304)]); }), expect: fail('decode_error', 'malformed ServerHello') });
add({ name: 'sh: session id of 33 bytes', server: sh((s) => { s.sessionId = Buffer.alloc(33, 1); }), expect: fail('decode_error', 'malformed ServerHello') });
add({ name: 'sh: supported_versions of 3 bytes', server: sh((s) => setExt(s.exts, EXT.SUPPORTED_VERSIONS, Buffer.from([3, 4, 0]))), expect: fail('decode_error', 'malformed ServerHello') });
add({ name: 'sh: key_share with trailing byte', server: sh((s) => setExt(s.exts, EXT.KEY_SHARE, cat(u16(s.share.group), vec16(s.share.pub), u8(0)))), expect: fail('decode_error', 'malformed ServerHello') });
add({ name: 'sh: server_name (offered, belongs in EncryptedExtensions)', server: withExt(EXT.SERVER_NAME, Buffer.alloc(0)), expect: fail('illegal_parameter', 'not allowed in ServerHello') });
add({ name: 'sh: empty ec_point_formats', server: withExt(EXT.EC_POINT_FORMATS, u8(0)), expect: fail('decode_error', 'malformed ServerHello') });
add({ name: 'sh: empty cookie', server: withExt(EXT.COOKIE, u16(0)), expect: fail('decode_error', 'malformed ServerHello') });
add({ name: 'sh: extension block length overruns', server: { shBytes: (b) => { const c = Buffer.from(b); c.writeUInt16BE(c.readUInt16BE(4 + 2 + 32 + 1 + 32 + 3) + 1, 4 + 2 + 32 + 1 + 32 + 3); return c; } }, expect: fail('decode_error', 'malformed ServerHello') });
add({ name: 'sh: ServerHello body of 10 bytes', server: { shBytes: () => hsMsg(HS.SERVER_HELLO, Buffer.alloc(10)) }, expect: fail('decode_error', 'malformed ServerHello') });

/* ================================================================== */
/* HelloRetryRequest                                                   */
/* ================================================================== */

const hrrG = (g, more = {}) => ({ group: g, hrr: { group: g, ...more } });
add({
	name: 'hrr: unnecessary (no key_share, no cookie)', server: { hrr: { group: 0 } },
	expect: fail('illegal_parameter', 'unnecessary HelloRetryRequest message'),
});
add({
	name: 'hrr: full key share entry (with a cookie)',
	server: { hrr: { group: 0, cookie: Buffer.from('c'), exts: (e) => [...e, [EXT.KEY_SHARE, cat(u16(GROUP.secp256r1), vec16(keyShare(GROUP.secp256r1).pub))]] } },
	expect: fail('decode_error', 'malformed key_share'),
});
add({
	name: 'hrr: selects a group we did not offer', args: ['--groups', 'x25519,secp256r1'], server: { hrr: { group: GROUP.secp384r1 } },
	expect: fail('illegal_parameter', 'server selected unsupported group'),
});
add({
	name: 'hrr: selects an unknown group (ffdhe2048)', server: { hrr: { group: 0x0100 } },
	expect: fail('illegal_parameter', 'server selected unsupported group'),
});
add({
	name: 'hrr: selects the group we already sent', args: ['--groups', 'x25519,secp256r1'], server: { hrr: { group: GROUP.x25519 } },
	expect: fail('illegal_parameter', 'unnecessary HelloRetryRequest key_share'),
});
// RFC 8446 4.2: in a HelloRetryRequest only key_share, cookie and
// supported_versions; judged against what the first ClientHello offered.
add({
	name: 'hrr: unknown extension', server: { hrr: { group: GROUP.secp384r1, exts: (e) => [...e, [0x7777, Buffer.alloc(0)]] }, group: GROUP.secp384r1 },
	expect: fail('unsupported_extension', 'did not offer in HelloRetryRequest'),
});
add({
	// RFC 8446 4.1.4: the HRR's unknown extension is refused as such, not as
	// an "unnecessary" HRR (BoGo HelloRetryRequest-Unknown-TLS13).
	name: 'hrr: only an unknown extension', server: { hrr: { group: 0, exts: (e) => [...e, [0x7777, Buffer.alloc(0)]] } },
	expect: fail('unsupported_extension', 'did not offer in HelloRetryRequest'),
});
add({
	name: 'hrr: signature_algorithms (offered, not allowed in HelloRetryRequest)',
	server: { hrr: { group: GROUP.secp384r1, exts: (e) => [...e, [EXT.SIGNATURE_ALGS, vec16(u16(0x0403))]] }, group: GROUP.secp384r1 },
	expect: fail('illegal_parameter', 'not allowed in HelloRetryRequest'),
});
add({
	name: 'hrr: pre_shared_key in a HelloRetryRequest to a resumption offer', session: {},
	server: { psk: {}, hrr: { group: GROUP.secp384r1, exts: (e) => [...e, [EXT.PRE_SHARED_KEY, u16(0)]] }, group: GROUP.secp384r1 },
	expect: fail('illegal_parameter', 'not allowed in HelloRetryRequest'),
});
add({
	name: 'hrr: early_data in a HelloRetryRequest to a 0-RTT offer', session: {}, earlyData: 'GET / HTTP/1.0\r\n\r\n',
	server: { psk: {}, hrr: { group: GROUP.secp384r1, exts: (e) => [...e, [EXT.EARLY_DATA, Buffer.alloc(0)]] }, group: GROUP.secp384r1 },
	expect: fail('illegal_parameter', 'not allowed in HelloRetryRequest'),
});
add({
	name: 'hrr: cookie larger than we support (2049 bytes)', server: { hrr: { group: 0, cookie: Buffer.alloc(2049, 1) } },
	expect: fail('internal_error', 'cookie larger than we support'),
});
add({
	// A stored ticket that would leave no room in our 8 KiB ClientHello
	// buffer for what a HelloRetryRequest may add (a 2048-byte cookie and a
	// key share) is not offered: after the HRR the offer could not change
	// and the second ClientHello would not fit. A full handshake instead
	// (it used to end in "ClientHello too large").
	name: 'hrr: a 4000-byte ticket beside 8 ALPN names of 255 bytes is not offered, so the 2048-byte cookie fits',
	args: ['--json', '--alpn', Array.from({ length: 8 }, (_, i) => String(i).repeat(255)).join(',')],
	session: { ticket: { ticket: crypto.randomBytes(4000) } },
	server: { psk: {}, hrr: { group: 0, cookie: Buffer.alloc(2048, 1) } },
	expect: ok,
	check: (res, srv) => { fullOk(res, srv); assert.equal(srv.notes.pskOffered, false); assert.equal(srv.notes.hrrSent, true); },
});
add({
	name: 'hrr: empty cookie', server: { hrr: { group: 0, exts: (e) => [...e, [EXT.COOKIE, u16(0)]] } },
	expect: fail('decode_error', 'malformed ServerHello'),
});
add({
	// RFC 8446 4.2.1 (a HelloRetryRequest is a ServerHello): a version
	// before TLS 1.3 in supported_versions is illegal_parameter, whichever
	// versions we offer (protocol_version before TLS 1.2 support)
	name: 'hrr: supported_versions TLS 1.2', server: { hrr: { group: 0, cookie: Buffer.from('c'), exts: (e) => setExt(e, EXT.SUPPORTED_VERSIONS, u16(0x0303)) } },
	expect: fail('illegal_parameter', 'supported_versions with a version prior to TLS 1.3'),
});
add({
	name: 'hrr: supported_versions TLS 1.2 (--min-version 1.3)', args: ['--min-version', '1.3'],
	server: { hrr: { group: 0, cookie: Buffer.from('c'), exts: (e) => setExt(e, EXT.SUPPORTED_VERSIONS, u16(0x0303)) } },
	expect: fail('illegal_parameter', 'supported_versions with a version prior to TLS 1.3'),
});
add({
	name: 'hrr: unconfigured suite', server: { hrr: { group: 0, cookie: Buffer.from('c'), suite: 0x1304 } },
	expect: fail('illegal_parameter', 'unconfigured cipher suite'),
});
add({
	name: 'hrr: session id not echoed',
	server: { hrr: { group: 0, cookie: Buffer.from('c'), bytes: (b) => { const c = Buffer.from(b); c[4 + 2 + 32 + 1] ^= 1; return c; } } },
	expect: fail('illegal_parameter', 'did not echo the legacy session ID'),
});
add({
	name: 'hrr: suite changed in the ServerHello', args: ['--groups', 'x25519,secp256r1'],
	server: { suite: 0x1302, ...hrrG(GROUP.secp256r1, { suite: 0x1301 }) },
	expect: fail('illegal_parameter', 'changed cipher suite after a HelloRetryRequest'),
});
add({
	name: 'hrr: ServerHello selects supported_versions 0x0303', args: ['--groups', 'x25519,secp256r1'],
	server: { ...hrrG(GROUP.secp256r1), ...sh((s) => setExt(s.exts, EXT.SUPPORTED_VERSIONS, u16(0x0303))) },
	expect: fail('illegal_parameter', 'invalid version after a HelloRetryRequest'),
});
add({
	name: 'hrr: ServerHello without supported_versions', args: ['--groups', 'x25519,secp256r1'],
	server: { ...hrrG(GROUP.secp256r1), ...sh((s) => { s.exts = dropExt(s.exts, EXT.SUPPORTED_VERSIONS); }) },
	expect: fail('missing_extension', 'legacy version field'),
});
add({
	name: 'hrr: second HelloRetryRequest', args: ['--groups', 'x25519,secp256r1'],
	server: { ...hrrG(GROUP.secp256r1), ...sh((s) => { s.random = HRR_RANDOM; }) },
	expect: fail('unexpected_message', 'two HelloRetryRequest'),
});
add({
	name: 'hrr: ServerHello key share for another group than requested', args: ['--groups', 'x25519,secp256r1'],
	server: { ...hrrG(GROUP.secp256r1), ...sh((s) => { const k = keyShare(GROUP.x25519); setExt(s.exts, EXT.KEY_SHARE, cat(u16(k.group), vec16(k.pub))); }) },
	expect: fail('illegal_parameter', 'server selected unsupported group'),
});
add({
	name: 'hrr: ServerHello with a cookie', server: { hrr: { group: 0, cookie: Buffer.from('c') }, ...withExt(EXT.COOKIE, vec16(Buffer.from('c'))) },
	expect: fail('unsupported_extension', 'cookie in a normal ServerHello'),
});
add({
	name: 'hrr: ServerHello with HRR-form key_share', server: { hrr: { group: 0, cookie: Buffer.from('c') }, ...sh((s) => setExt(s.exts, EXT.KEY_SHARE, u16(GROUP.x25519))) },
	expect: fail('decode_error', 'malformed key_share'),
});
add({
	name: 'hrr: EncryptedExtensions instead of the second ServerHello',
	server: { hrr: { group: 0, cookie: Buffer.from('c'), after: async (conn) => { conn.sendPlain(CT.HANDSHAKE, emptyEE); return 'stop'; } } },
	expect: fail('unexpected_message', 'unexpected handshake message'),
});
add({
	name: 'hrr: record version 0x0301 after the HelloRetryRequest', server: { ccs: false, hrr: { group: 0, cookie: Buffer.from('c') }, sendServerHello: (conn, b) => conn.sendPlain(CT.HANDSHAKE, b, { version: 0x0301 }) },
	expect: fail('protocol_version', 'wrong legacy version'),
});

/* ================================================================== */
/* EncryptedExtensions                                                 */
/* ================================================================== */

const alpnExt = (...protos) => [EXT.ALPN, vec16(cat(...protos.map((p) => vec8(Buffer.from(p)))))];
add({ name: 'ee: ALPN we did not request', server: ee((e) => [...e, alpnExt('h2')]), expect: fail('unsupported_extension', 'did not offer in EncryptedExtensions') });
add({ name: 'ee: ALPN protocol we did not offer', args: ['--alpn', 'h2'], server: { alpn: 'spdy/3' }, expect: fail('no_application_protocol', 'unadvertised ALPN') });
add({ name: 'ee: ALPN with two protocols', args: ['--alpn', 'h2,http/1.1'], server: ee(() => [alpnExt('h2', 'http/1.1')]), expect: fail('decode_error', 'malformed EncryptedExtensions') });
add({ name: 'ee: ALPN with an empty protocol', args: ['--alpn', 'h2'], server: ee(() => [[EXT.ALPN, vec16(u8(0))]]), expect: fail('decode_error', 'malformed EncryptedExtensions') });
add({ name: 'ee: quic_transport_parameters', server: ee((e) => [...e, [EXT.QUIC_PARAMS, Buffer.alloc(4)]]), expect: fail('unsupported_extension', 'did not offer in EncryptedExtensions') });
add({ name: 'ee: early_data', server: ee((e) => [...e, [EXT.EARLY_DATA, Buffer.alloc(0)]]), expect: fail('unsupported_extension', 'early_data') });
add({ name: 'ee: early_data with a body', server: ee((e) => [...e, [EXT.EARLY_DATA, u32(0)]]), expect: fail('decode_error', 'malformed EncryptedExtensions') });
for (const [label, type, data] of [
	['key_share', EXT.KEY_SHARE, cat(u16(GROUP.x25519), vec16(Buffer.alloc(32, 1)))],
	['supported_versions', EXT.SUPPORTED_VERSIONS, u16(0x0304)],
	['signature_algorithms', EXT.SIGNATURE_ALGS, vec16(u16(0x0403))],
]) {
	// Offered in our ClientHello, but not allowed in EE (RFC 8446 4.2).
	add({ name: `ee: forbidden extension ${label}`, server: ee((e) => [...e, [type, data]]), expect: fail('illegal_parameter', 'not allowed in EncryptedExtensions') });
}
for (const [label, type, data] of [
	['pre_shared_key', EXT.PRE_SHARED_KEY, u16(0)],
	['cookie', EXT.COOKIE, vec16(Buffer.from('c'))],
	['status_request', EXT.STATUS_REQUEST, Buffer.alloc(0)],
	['signed_certificate_timestamp', EXT.SCT, Buffer.alloc(0)],
]) {
	// Never offered in this handshake: unsupported_extension (RFC 8446 4.2).
	add({ name: `ee: unsolicited extension ${label}`, server: ee((e) => [...e, [type, data]]), expect: fail('unsupported_extension', 'did not offer in EncryptedExtensions') });
}
add({ name: 'ee: duplicated extension', server: ee((e) => [...e, [0x7777, Buffer.alloc(0)], [0x7777, Buffer.alloc(0)]]), expect: fail('decode_error', 'malformed EncryptedExtensions') });
add({ name: 'ee: trailing byte', server: { eeBody: (b) => cat(b, u8(0)) }, expect: fail('decode_error', 'malformed EncryptedExtensions') });
add({ name: 'ee: empty body', server: { eeBody: () => Buffer.alloc(0) }, expect: fail('decode_error', 'malformed EncryptedExtensions') });
add({ name: 'ee: extension length overruns', server: { eeBody: () => cat(u16(4), u16(0x7777), u16(9)) }, expect: fail('decode_error', 'malformed EncryptedExtensions') });

/* ================================================================== */
/* CertificateRequest, Certificate, CertificateVerify, Finished         */
/* ================================================================== */

add({ name: 'cr: no signature_algorithms', server: { certRequest: { exts: [] } }, expect: fail('decode_error', 'malformed CertificateRequest') });
add({ name: 'cr: empty signature_algorithms list', server: { certRequest: { exts: [[EXT.SIGNATURE_ALGS, u16(0)]] } }, expect: fail('decode_error', 'malformed CertificateRequest') });
add({ name: 'cr: odd-length signature_algorithms list', server: { certRequest: { exts: [[EXT.SIGNATURE_ALGS, vec16(Buffer.from([4, 3, 8]))]] } }, expect: fail('decode_error', 'malformed CertificateRequest') });
// RFC 8446 4.2.4: DistinguishedName authorities<3..2^16-1>, each <1..2^16-1>.
const sigOnly = [EXT.SIGNATURE_ALGS, vec16(u16(0x0403))];
add({ name: 'cr: certificate_authorities with an empty name', server: { certRequest: { exts: [sigOnly, [EXT.CERT_AUTHORITIES, vec16(cat(u16(0), vec16(Buffer.from('x'))))]] } }, expect: fail('decode_error', 'malformed CertificateRequest') });
add({ name: 'cr: certificate_authorities name overrunning the list', server: { certRequest: { exts: [sigOnly, [EXT.CERT_AUTHORITIES, vec16(cat(u16(9), Buffer.from('abc')))]] } }, expect: fail('decode_error', 'malformed CertificateRequest') });
add({ name: 'cr: certificate_authorities list under 3 bytes', server: { certRequest: { exts: [sigOnly, [EXT.CERT_AUTHORITIES, vec16(Buffer.from('ab'))]] } }, expect: fail('decode_error', 'malformed CertificateRequest') });
add({ name: 'cr: trailing byte', server: { certRequest: { body: cat(u8(0), encodeExts([[EXT.SIGNATURE_ALGS, vec16(u16(0x0403))]]), u8(0)) } }, expect: fail('decode_error', 'malformed CertificateRequest') });
add({ name: 'cr: duplicated signature_algorithms', server: { certRequest: { exts: [[EXT.SIGNATURE_ALGS, vec16(u16(0x0403))], [EXT.SIGNATURE_ALGS, vec16(u16(0x0403))]] } }, expect: fail('decode_error', 'malformed CertificateRequest') });
add({
	name: 'cr: two CertificateRequests', server: { certRequest: {}, ...flight((m) => [m.ee, m.cr, m.cr, m.cert, m.cv, m.fin]) },
	expect: fail('unexpected_message', 'unexpected handshake message'),
});

// The handshake area grows with the messages (wt_hs_reserve): ~64 KB of CA
// names, then a Certificate announcing 65536 bytes, moves it twice (the
// second time to its largest; clients that lend a small area: the CLI,
// the wasm glue). The Certificate is all zeros: malformed.
{
	const names = [];
	for (let n = 0; n < 64000; n += 1002) names.push(vec16(Buffer.alloc(1000, 0x41)));
	add({
		name: 'cr: 64 KB of certificate_authorities, then a 64 KiB Certificate: the area grows, the Certificate is refused',
		server: { certRequest: { exts: [sigOnly, [EXT.CERT_AUTHORITIES, vec16(cat(...names))]] },
			...flight((m) => [m.ee, m.cr, hsMsg(HS.CERTIFICATE, Buffer.alloc(65536))]) },
		expect: fail('decode_error', 'malformed Certificate'),
	});
}


// --- OCSP stapling and SCTs in CertificateEntry extensions (RFC 8446 4.4.2.1)
const OCSP_DER = Buffer.from('3003' + '0a0100', 'hex');   // OCSPResponse {successful}, no bytes
const SCT_LIST = vec16(cat(vec16(Buffer.from('sct-one')), vec16(Buffer.from('sct-two'))));
const statusExt = (resp) => [EXT.STATUS_REQUEST, cat(u8(1), vec24(resp))];
/** Entry extensions: leaf gets `leaf`, the others `rest`. */
const certExts = (leaf, rest = []) => ({ certExts: (i) => (i === 0 ? leaf : rest) });
const ENTRY_EXT = 'certificate entry extension';
const staplesOk = (res) => {
	assert.equal(res.json?.ocsp_response, OCSP_DER.toString('base64'), 'json.ocsp_response');
	assert.equal(res.json?.sct_list, SCT_LIST.toString('base64'), 'json.sct_list (length bytes included)');
};
add({
	name: 'cert ok: stapled OCSP response and SCT list reach the caller (--ocsp --sct)',
	args: ['--ocsp', '--sct', '--json'], expect: ok, check: staplesOk,
	server: { certExts: (i, hs) => {
		// RFC 6066 8: status_type ocsp, empty responder_id_list and
		// request_extensions; RFC 6962 3.3.1: an empty SCT extension.
		assert.deepEqual(hs.ch.exts.get(EXT.STATUS_REQUEST), Buffer.from([1, 0, 0, 0, 0]));
		assert.deepEqual(hs.ch.exts.get(EXT.SCT), Buffer.alloc(0));
		return i === 0 ? [statusExt(OCSP_DER), [EXT.SCT, SCT_LIST]] : [];
	} },
});
add({
	name: 'cert ok: nothing stapled although requested',
	args: ['--ocsp', '--sct', '--json'], server: {}, expect: ok,
	check: (res) => { assert.equal(res.json?.ocsp_response, null); assert.equal(res.json?.sct_list, null); },
});
add({
	name: 'cert ok: not requested -> neither extension in the ClientHello',
	args: ['--json'], expect: ok,
	server: { certExts: (i, hs) => { assert.ok(!hs.ch.exts.has(EXT.STATUS_REQUEST) && !hs.ch.exts.has(EXT.SCT)); return []; } },
	check: (res) => { assert.equal(res.json?.ocsp_response, null); },
});
add({
	name: 'psk ok: a resumed session reports the OCSP response and SCTs of its full handshake',
	session: { args: ['--ocsp', '--sct'], server: { ...certExts([statusExt(OCSP_DER), [EXT.SCT, SCT_LIST]]),
		afterHandshake: async (conn, hs) => { hs.sendTicket({ maxEarly: 0 }); await echo(conn, hs); } } },
	args: ['--json'], server: { psk: {} }, expect: ok,
	check: (res, srv) => { resumedOk()(res, srv); staplesOk(res); },
});
add({ name: 'cert: status_request in the leaf entry, not requested', args: ['--sct'], server: certExts([statusExt(OCSP_DER)]), expect: fail('unsupported_extension', ENTRY_EXT) });
add({ name: 'cert: signed_certificate_timestamp in the leaf entry, not requested', args: ['--ocsp'], server: certExts([[EXT.SCT, SCT_LIST]]), expect: fail('unsupported_extension', ENTRY_EXT) });
// On an intermediate (requested): checked, then ignored; the leaf's are
// reported (BoringSSL: BoGo IgnoreExtensionsOnIntermediates-TLS13).
add({
	name: 'cert ok: OCSP response and SCTs on the intermediate too: only the leaf\'s are reported',
	args: ['--ocsp', '--sct', '--json'], expect: ok, check: staplesOk,
	server: certExts([statusExt(OCSP_DER), [EXT.SCT, SCT_LIST]], [statusExt(Buffer.from('other')), [EXT.SCT, vec16(vec16(Buffer.from('x')))]]),
});
add({
	name: 'cert ok: OCSP response and SCTs on the intermediate only: none reported',
	args: ['--ocsp', '--sct', '--json'], expect: ok,
	server: certExts([], [statusExt(OCSP_DER), [EXT.SCT, SCT_LIST]]),
	check: (res) => { assert.equal(res.json?.ocsp_response, null); assert.equal(res.json?.sct_list, null); },
});
add({ name: 'cert: status_request on the intermediate, not requested', args: ['--sct'], server: certExts([], [statusExt(OCSP_DER)]), expect: fail('unsupported_extension', ENTRY_EXT) });
add({ name: 'cert: malformed CertificateStatus on the intermediate (--ocsp)', args: ['--ocsp'], server: certExts([], [statusExt(Buffer.alloc(0))]), expect: fail('decode_error', 'malformed Certificate') });
add({ name: 'cert: empty SCT list on the intermediate (--sct)', args: ['--sct'], server: certExts([], [[EXT.SCT, u16(0)]]), expect: fail('decode_error', 'malformed Certificate') });
add({ name: 'cert: unknown extension on the intermediate (--ocsp --sct)', args: ['--ocsp', '--sct'], server: certExts([], [[0x7777, Buffer.alloc(0)]]), expect: fail('unsupported_extension', ENTRY_EXT) });
add({ name: 'cert: unknown CertificateEntry extension (--ocsp --sct)', args: ['--ocsp', '--sct'], server: certExts([[0x7777, Buffer.alloc(0)]]), expect: fail('unsupported_extension', ENTRY_EXT) });
for (const [label, data] of [
	['status_type 2 (ocsp_multi)', cat(u8(2), vec24(OCSP_DER))],
	['empty OCSPResponse', cat(u8(1), u24(0))],
	['truncated OCSPResponse', cat(u8(1), u24(OCSP_DER.length + 1), OCSP_DER)],
	['trailing byte after the OCSPResponse', cat(u8(1), vec24(OCSP_DER), u8(0))],
	['empty extension body', Buffer.alloc(0)],
]) {
	add({ name: `cert: malformed CertificateStatus: ${label}`, args: ['--ocsp'], server: certExts([[EXT.STATUS_REQUEST, data]]), expect: fail('decode_error', 'malformed Certificate') });
}
for (const [label, data] of [
	['empty SCT list', u16(0)],
	['empty SCT in the list', vec16(cat(vec16(Buffer.from('x')), u16(0)))],
	['list length overruns', cat(u16(SCT_LIST.length), SCT_LIST.subarray(2))],
	['empty extension body', Buffer.alloc(0)],
]) {
	add({ name: `cert: malformed SCT list: ${label}`, args: ['--sct'], server: certExts([[EXT.SCT, data]]), expect: fail('decode_error', 'malformed Certificate') });
}
add({ name: 'cert: duplicated status_request in the leaf entry', args: ['--ocsp'], server: certExts([statusExt(OCSP_DER), statusExt(OCSP_DER)]), expect: fail('decode_error', 'malformed Certificate') });
// Requested, but TLS 1.3 carries them in the Certificate (RFC 8446 4.2, 4.4.2.1).
add({ name: 'ee: status_request (requested) in EncryptedExtensions', args: ['--ocsp'], server: ee((e) => [...e, [EXT.STATUS_REQUEST, Buffer.alloc(0)]]), expect: fail('illegal_parameter', 'not allowed in EncryptedExtensions') });
add({ name: 'ee: signed_certificate_timestamp (requested) in EncryptedExtensions', args: ['--sct'], server: ee((e) => [...e, [EXT.SCT, Buffer.alloc(0)]]), expect: fail('illegal_parameter', 'not allowed in EncryptedExtensions') });

add({ name: 'cert: empty certificate list', server: { certEntries: () => [] }, expect: fail('decode_error', 'empty certificates message') });
add({ name: 'cert: non-empty certificate_request_context', server: { certBody: (b) => cat(vec8(Buffer.from('x')), b.subarray(1)) }, expect: fail('decode_error', 'malformed Certificate') });
add({ name: 'cert: zero-length certificate entry', server: { certEntries: (l) => [l[0], Buffer.alloc(0)] }, expect: fail('decode_error', 'malformed Certificate') });
add({ name: 'cert: truncated list', server: { certBody: (b) => { const c = b.subarray(0, b.length - 1); c.writeUIntBE(c.length - 4, 1, 3); return c; } }, expect: fail('decode_error', 'malformed Certificate') });
add({ name: 'cert: trailing byte', server: { certBody: (b) => cat(b, u8(0)) }, expect: fail('decode_error', 'malformed Certificate') });
add({ name: 'cert: 65 certificates', server: { certEntries: (l) => [...l, ...Array(63).fill(l[1])] }, expect: fail('bad_certificate', 'too many certificates') });
add({ name: 'cert: 64 certificates are fine', server: { certEntries: (l) => [...l, ...Array(62).fill(l[1])] }, expect: ok });
// Certificate messages up to the 64 KiB handshake limit are kept whole
// (WT_MAX_PEER_CHAIN = WT_MAX_HS_MESSAGE); extras that do not parse are
// left out of path building. Larger messages: 'eng: ... exceeds 65536'.
add({ name: 'cert: 34 KB chain (over the old 32 KiB limit), junk extras', server: { certEntries: (l) => [...l, Buffer.alloc(17000, 0x30), Buffer.alloc(17000, 0x30)] }, expect: ok });
add({ name: 'cert: 61 KB chain, junk extras', server: { certEntries: (l) => [...l, ...Array(3).fill(Buffer.alloc(20000, 0x30))] }, expect: ok });
add({
	// The session blob (ticket + chain) is built in the 64 KiB handshake
	// buffer: a chain this large leaves room only for the leaf.
	name: 'nst: an 8000-byte ticket after a 61 KB chain is stored with the leaf only', sessOut: true,
	server: { certEntries: (l) => [...l, ...Array(3).fill(Buffer.alloc(20000, 0x30))],
		afterHandshake: async (conn, hs) => { hs.sendTicket({ ticket: Buffer.alloc(8000, 7) }); await echo(conn, hs); } },
	expect: ok,
	check: (res, srv, ctx) => {
		const b = parseSessionBlob(readFileSync(ctx.sessOut));
		assert.equal(b.certs.length, 1);
		assert.equal(b.verified, 1);
	},
});
add({ name: 'cert: garbage DER leaf', server: { certEntries: () => [Buffer.from('not a certificate')] }, expect: { errorName: 'bad_certificate', reasonIncludes: null, alert: A.bad_certificate, exitNonZero: true } });
add({ name: 'cert: unknown root', server: { cert: 'unknownRoot' }, expect: { errorName: 'unknown_ca', reasonIncludes: null, alert: A.unknown_ca, exitNonZero: true } });
add({ name: 'cert: expired', server: { cert: 'expired' }, expect: { errorName: 'certificate_expired', reasonIncludes: null, alert: A.certificate_expired, exitNonZero: true } });
add({ name: 'cert: not yet valid', server: { cert: 'notYetValid' }, expect: { errorName: 'certificate_not_yet_valid', reasonIncludes: null, alert: A.certificate_expired, exitNonZero: true } });
add({ name: 'cert: wrong host name', server: { cert: 'wrongHost' }, expect: { errorName: 'certificate_name_mismatch', reasonIncludes: null, alert: A.bad_certificate, exitNonZero: true } });
add({ name: 'cert: bad certificate signature', server: { cert: 'badSignature' }, expect: { errorName: 'bad_certificate_signature', reasonIncludes: null, alert: A.bad_certificate, exitNonZero: true } });

add({ name: 'cv: rsa_pkcs1_sha256', server: { cert: 'rsa2048', cvScheme: 0x0401 }, expect: fail('illegal_parameter', 'PKCS#1 v1.5 or SHA-1') });
add({ name: 'cv: rsa_pkcs1_sha1', server: { cert: 'rsa2048', cvScheme: 0x0201 }, expect: fail('illegal_parameter', 'PKCS#1 v1.5 or SHA-1') });
add({ name: 'cv: ecdsa_sha1', server: { cvScheme: 0x0203 }, expect: fail('illegal_parameter', 'PKCS#1 v1.5 or SHA-1') });
add({ name: 'cv: ed25519 (not offered)', server: { cvScheme: 0x0807 }, expect: fail('illegal_parameter', 'invalid signature algorithm') });
add({ name: 'cv: P-521 scheme with a P-256 key', server: { cvScheme: 0x0603 }, expect: fail('decrypt_error', 'invalid signature') });
add({ name: 'cv: rsa_pss_pss_sha256 (not offered)', server: { cert: 'rsa2048', cvScheme: 0x0809 }, expect: fail('illegal_parameter', 'invalid signature algorithm') });
add({ name: 'cv: signature over the wrong transcript', server: { cvTranscript: (th) => flipLast(th) }, expect: fail('decrypt_error', 'invalid signature') });
add({ name: 'cv: client context string', server: { cvContext: 'TLS 1.3, client CertificateVerify' }, expect: fail('decrypt_error', 'invalid signature') });
add({ name: 'cv: RSA-PSS signature with the wrong context', server: { cert: 'rsa2048', cvContext: 'TLS 1.3, client CertificateVerify' }, expect: fail('decrypt_error', 'invalid signature') });
add({ name: 'cv: flipped signature byte', server: { cvSig: (s) => { const c = Buffer.from(s); c[c.length - 3] ^= 0x10; return c; } }, expect: fail('decrypt_error', 'invalid signature') });
add({ name: 'cv: RSA-PSS scheme with an ECDSA key', server: { cvScheme: 0x0804 }, expect: fail('decrypt_error', 'invalid signature') });
add({ name: 'cv: P-384 scheme with a P-256 key', server: { cvScheme: 0x0503 }, expect: fail('decrypt_error', 'invalid signature') });
add({ name: 'cv: empty signature', server: { cvBody: () => cat(u16(0x0403), u16(0)) }, expect: fail('decode_error', 'malformed CertificateVerify') });
add({ name: 'cv: trailing byte', server: { cvBody: (b) => cat(b, u8(0)) }, expect: fail('decode_error', 'malformed CertificateVerify') });

add({ name: 'fin: flipped byte', server: { finished: flipLast }, expect: fail('decrypt_error', 'invalid server finished') });
add({ name: 'fin: one byte short', server: { finished: (v) => v.subarray(1) }, expect: fail('decrypt_error', 'invalid server finished') });
add({ name: 'fin: one byte long', server: { finished: (v) => cat(v, u8(0)) }, expect: fail('decrypt_error', 'invalid server finished') });
add({ name: 'fin: empty', server: { finished: () => Buffer.alloc(0) }, expect: fail('decrypt_error', 'invalid server finished') });
add({ name: 'fin: keyed with the client secret', server: { finished: (v, hs) => hs.finishedFor(hs.cHs) }, expect: fail('decrypt_error', 'invalid server finished') });

/* ================================================================== */
/* Unexpected handshake messages, state by state                       */
/* ================================================================== */

const unexpected = fail('unexpected_message', 'unexpected handshake message');
add({ name: 'order: EncryptedExtensions as the first message', server: afterCH((conn) => conn.sendPlain(CT.HANDSHAKE, emptyEE)), expect: unexpected });
add({ name: 'order: ClientHello from the server', server: afterCH((conn, hs) => conn.sendPlain(CT.HANDSHAKE, hs.ch)), expect: unexpected });
add({ name: 'order: unknown handshake type 99 first', server: afterCH((conn) => conn.sendPlain(CT.HANDSHAKE, hsMsg(99, Buffer.alloc(3)))), expect: unexpected });
add({ name: 'order: Certificate instead of EncryptedExtensions', server: flight((m) => [m.cert, m.cv, m.fin]), expect: unexpected });
add({ name: 'order: second ServerHello instead of EncryptedExtensions', server: flight((m, hs) => [hs.shBuf]), expect: unexpected });
add({ name: 'order: EncryptedExtensions twice', server: flight((m) => [m.ee, m.ee, m.cert]), expect: unexpected });
add({ name: 'order: Finished before Certificate', server: flight((m) => [m.ee, m.fin, m.cert, m.cv]), expect: unexpected });
add({ name: 'order: CertificateVerify without Certificate', server: flight((m) => [m.ee, m.cv, m.fin]), expect: unexpected });
add({ name: 'order: Finished without CertificateVerify', server: flight((m) => [m.ee, m.cert, m.fin]), expect: unexpected });
add({ name: 'order: CertificateRequest after Certificate', server: flight((m) => [m.ee, m.cert, hsMsg(HS.CERTIFICATE_REQUEST, cat(u8(0), encodeExts([[EXT.SIGNATURE_ALGS, vec16(u16(0x0403))]]))), m.cv]), expect: unexpected });
add({ name: 'order: NewSessionTicket before Finished', server: flight((m) => [m.ee, m.cert, m.cv, nst(), m.fin]), expect: unexpected });
add({ name: 'order: KeyUpdate before Finished', server: flight((m) => [m.ee, m.cert, m.cv, hsMsg(HS.KEY_UPDATE, u8(0)), m.fin]), expect: unexpected });
add({ name: 'order: EndOfEarlyData from the server', server: flight((m) => [m.ee, hsMsg(HS.END_OF_EARLY_DATA, Buffer.alloc(0))]), expect: unexpected });
add({ name: 'post: ServerHello after the handshake', server: after(async (conn, hs) => { conn.send(CT.HANDSHAKE, hs.shBuf); }), expect: unexpected });
add({ name: 'post: CertificateRequest (no post_handshake_auth offered)', server: after(async (conn) => { conn.send(CT.HANDSHAKE, hsMsg(HS.CERTIFICATE_REQUEST, cat(vec8(u8(1)), encodeExts([[EXT.SIGNATURE_ALGS, vec16(u16(0x0403))]])))); }), expect: unexpected });
add({ name: 'post: second Finished', server: after(async (conn, hs) => { conn.send(CT.HANDSHAKE, hsMsg(HS.FINISHED, Buffer.alloc(hs.suite.hashLen))); }), expect: unexpected });
add({ name: 'post: unknown handshake type 99', server: after(async (conn) => { conn.send(CT.HANDSHAKE, hsMsg(99, Buffer.alloc(1))); }), expect: unexpected });

/* ================================================================== */
/* Post-handshake messages                                             */
/* ================================================================== */

add({ name: 'nst: lifetime over 7 days', server: after(async (conn) => { conn.send(CT.HANDSHAKE, nst({ lifetime: 604801 })); }), expect: fail('illegal_parameter', 'invalid lifetime') });
add({ name: 'nst: truncated', server: after(async (conn) => { conn.send(CT.HANDSHAKE, hsMsg(HS.NEW_SESSION_TICKET, Buffer.alloc(6))); }), expect: fail('decode_error', 'malformed NewSessionTicket') });
// A NewSessionTicket too long to keep (over WT_MAX_POST_HS_MESSAGE) is
// skipped unread, up to Go's maxHandshake (65536); a longer one is
// internal_error like any handshake message (Go: readHandshake).
add({ name: 'nst: a 32 KB NewSessionTicket over three records is skipped; the connection goes on',
	server: after(async (conn, hs) => {
		conn.send(CT.HANDSHAKE, cat(Buffer.from([4, 0x00, 0x80, 0x00]), Buffer.alloc(16000, 1)));
		conn.send(CT.HANDSHAKE, Buffer.alloc(16000, 2));
		conn.send(CT.HANDSHAKE, Buffer.alloc(32768 - 32000, 3));
		await echo(conn, hs);
	}), expect: ok });
add({ name: 'nst: a NewSessionTicket header claiming 2^24-1 bytes after the handshake -> internal_error',
	server: after(async (conn) => { conn.send(CT.HANDSHAKE, cat(Buffer.from([4, 0xff, 0xff, 0xff]), Buffer.alloc(1000))); }),
	expect: fail('internal_error', 'exceeds 65536') });
add({ name: 'nst: empty ticket', server: after(async (conn) => { conn.send(CT.HANDSHAKE, nst({ ticket: Buffer.alloc(0) })); }), expect: fail('decode_error', 'malformed NewSessionTicket') });
add({ name: 'nst: trailing byte', server: after(async (conn) => { const m = nst(); conn.send(CT.HANDSHAKE, hsMsg(HS.NEW_SESSION_TICKET, cat(m.subarray(4), u8(0)))); }), expect: fail('decode_error', 'malformed NewSessionTicket') });
add({ name: 'nst: malformed early_data extension', server: after(async (conn) => { conn.send(CT.HANDSHAKE, nst({ exts: [[EXT.EARLY_DATA, u16(1)]] })); }), expect: fail('decode_error', 'malformed NewSessionTicket') });
add({ name: 'nst: duplicated extension', server: after(async (conn) => { conn.send(CT.HANDSHAKE, nst({ exts: [[0x7777, Buffer.alloc(0)], [0x7777, Buffer.alloc(0)]] })); }), expect: fail('decode_error', 'malformed NewSessionTicket') });

add({ name: 'ku: request_update = 2', server: after(async (conn) => { conn.send(CT.HANDSHAKE, hsMsg(HS.KEY_UPDATE, u8(2))); }), expect: fail('illegal_parameter', 'invalid request_update') });
add({ name: 'ku: empty body', server: after(async (conn) => { conn.send(CT.HANDSHAKE, hsMsg(HS.KEY_UPDATE, Buffer.alloc(0))); }), expect: fail('decode_error', 'malformed KeyUpdate') });
add({ name: 'ku: two-byte body', server: after(async (conn) => { conn.send(CT.HANDSHAKE, hsMsg(HS.KEY_UPDATE, Buffer.alloc(2))); }), expect: fail('decode_error', 'malformed KeyUpdate') });
add({ name: 'ku: 40 KeyUpdates without data', server: after(async (conn, hs) => { for (let i = 0; i < 40; i++) hs.keyUpdate(0); }), expect: fail('unexpected_message', 'too many KeyUpdate') });
add({ name: 'ku: data under the old key after a KeyUpdate', server: after(async (conn, hs) => { const w = conn.wk; hs.keyUpdate(0); conn.wk = w; conn.send(CT.APP, Buffer.from('old key')); }), expect: fail('bad_record_mac', 'authentication failed') });
add({
	name: 'ku: KeyUpdate and the record after it in one record',
	server: after(async (conn) => { conn.send(CT.HANDSHAKE, cat(hsMsg(HS.KEY_UPDATE, u8(0)), nst())); }),
	expect: fail('unexpected_message', 'after a key change'),
});

/* ================================================================== */
/* Record layer                                                        */
/* ================================================================== */

add({ name: 'rec: first record is HTTP', server: afterCH((conn) => conn.write(Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'))), expect: quiet('not_tls', 'does not look like a TLS handshake') });
add({ name: 'rec: first record is change_cipher_spec', server: afterCH((conn) => conn.sendPlain(CT.CCS, u8(1))), expect: quiet('not_tls', 'does not look like a TLS handshake') });
add({ name: 'rec: first record is application_data', server: afterCH((conn) => conn.sendPlain(CT.APP, Buffer.from('hi'))), expect: quiet('not_tls', 'does not look like a TLS handshake') });
add({ name: 'rec: first record with version 0x1000', server: { sendServerHello: (conn, b) => conn.sendPlain(CT.HANDSHAKE, b, { version: 0x1000 }) }, expect: quiet('not_tls', 'does not look like a TLS handshake') });
add({ name: 'rec: record version 0x0301 after ServerHello', server: { sendFlight: (conn, l) => { for (const m of l) conn.send(CT.HANDSHAKE, m.buf, { version: 0x0301 }); } }, expect: fail('protocol_version', 'wrong legacy version') });
add({ name: 'rec: record version 0x0304 after ServerHello', server: { sendFlight: (conn, l) => { for (const m of l) conn.send(CT.HANDSHAKE, m.buf, { version: 0x0304 }); } }, expect: fail('protocol_version', 'wrong legacy version') });
add({ name: 'rec: dummy CCS with version 0x0301', server: { ccs: false, sendServerHello: (conn, b) => { conn.sendPlain(CT.HANDSHAKE, b); conn.sendPlain(CT.CCS, u8(1), { version: 0x0301 }); } }, expect: fail('protocol_version', 'wrong legacy version') });
add({ name: 'rec: first record longer than 2^14+256', server: afterCH((conn) => conn.write(cat(u8(CT.HANDSHAKE), u16(0x0303), u16(16641)))), expect: fail('record_overflow', '2^14 + 256') });
add({ name: 'rec: protected record longer than 2^14+256', server: { sendFlight: (conn) => conn.write(cat(u8(CT.APP), u16(0x0303), u16(16641))) }, expect: fail('record_overflow', '2^14 + 256') });
add({ name: 'rec: record length 0xffff', server: { sendFlight: (conn) => conn.write(cat(u8(CT.APP), u16(0x0303), u16(0xffff))) }, expect: fail('record_overflow', '2^14 + 256') });
add({ name: 'rec: plaintext record of 2^14+1 bytes', server: { sendServerHello: (conn, b) => conn.sendPlain(CT.HANDSHAKE, cat(b, Buffer.alloc(16385 - b.length))) }, expect: fail('record_overflow', 'plaintext record longer than 2^14') });
add({ name: 'rec: decrypted record of 2^14+1 bytes', server: after(async (conn) => { conn.send(CT.APP, Buffer.alloc(16385, 0x61)); }), expect: fail('record_overflow', 'decrypted record longer than 2^14') });
add({ name: 'rec: decrypted handshake record of 2^14+1 bytes', server: { sendFlight: (conn, l) => { const f = cat(...l.map((m) => m.buf)); conn.send(CT.HANDSHAKE, cat(f, Buffer.alloc(16385 - f.length))); } }, expect: fail('record_overflow', 'decrypted record longer than 2^14') });
add({
	name: 'rec: padding beyond the 2^14+1 TLSInnerPlaintext limit',
	server: after(async (conn) => { conn.send(CT.APP, Buffer.from('x'), { pad: 16400 }); }),
	expect: fail('record_overflow', 'longer than 2^14 + 1'),
});
add({ name: 'rec: plaintext handshake after keys were set', server: { sendFlight: (conn, l) => conn.sendPlain(CT.HANDSHAKE, l[0].buf) }, expect: fail('unexpected_message', 'unprotected record') });
add({ name: 'rec: plaintext alert after keys were set', server: { sendFlight: (conn) => conn.sendPlain(CT.ALERT, Buffer.from([2, 40])) }, expect: fail('unexpected_message', 'unprotected record') });
add({ name: 'rec: plaintext alert after the handshake', server: after(async (conn) => { conn.sendPlain(CT.ALERT, Buffer.from([1, 0])); }), expect: fail('unexpected_message', 'unprotected record') });
add({ name: 'rec: protected record with a handshake outer type', server: { sendFlight: (conn, l) => conn.send(CT.HANDSHAKE, l[0].buf, { outerType: CT.HANDSHAKE }) }, expect: fail('unexpected_message', 'unprotected record') });
add({ name: 'rec: protected record of 15 bytes', server: { sendFlight: (conn) => conn.write(cat(u8(CT.APP), u16(0x0303), u16(15), Buffer.alloc(15, 1))) }, expect: fail('bad_record_mac', 'too short') });
add({ name: 'rec: protected record of 16 garbage bytes', server: { sendFlight: (conn) => conn.write(cat(u8(CT.APP), u16(0x0303), u16(16), Buffer.alloc(16, 1))) }, expect: fail('bad_record_mac', 'authentication failed') });
add({ name: 'rec: protected record of 0 bytes', server: { sendFlight: (conn) => conn.write(cat(u8(CT.APP), u16(0x0303), u16(0))) }, expect: fail('bad_record_mac', 'too short') });
add({ name: 'rec: tampered ciphertext', server: { sendFlight: (conn, l) => conn.send(CT.HANDSHAKE, l[0].buf, { tamper: (r) => { r[7] ^= 1; } }) }, expect: fail('bad_record_mac', 'authentication failed') });
add({ name: 'rec: tampered tag', server: { sendFlight: (conn, l) => conn.send(CT.HANDSHAKE, l[0].buf, { tamper: flipLast }) }, expect: fail('bad_record_mac', 'authentication failed') });
add({ name: 'rec: tampered header (AAD)', server: { sendFlight: (conn, l) => conn.send(CT.HANDSHAKE, l[0].buf, { version: 0x0303, tamper: (r) => { /* AAD covers length: add one byte to both header and body */ const c = cat(r, u8(0)); c.writeUInt16BE(c.length - 5, 3); return c; } }) }, expect: fail('bad_record_mac', 'authentication failed') });
add({ name: 'rec: skipped sequence number', server: { sendFlight: (conn, l) => { conn.record(CT.HANDSHAKE, l[0].buf); conn.send(CT.HANDSHAKE, l[1].buf); } }, expect: fail('bad_record_mac', 'authentication failed') });
add({ name: 'rec: flight under the application key', server: { sendFlight: (conn, l, hs) => { conn.setWriteKeys(hs.suite, hs.sAp); conn.send(CT.HANDSHAKE, l[0].buf); } }, expect: fail('bad_record_mac', 'authentication failed') });
add({ name: 'rec: application data under the handshake key', server: { sendFlight: (conn, l) => { for (const m of l) conn.send(CT.HANDSHAKE, m.buf); }, afterFlight: async (conn, hs) => { conn.setWriteKeys(hs.suite, hs.sHs); conn.wk.seq = BigInt(4); conn.send(CT.APP, Buffer.from('x')); return 'stop'; } }, expect: fail('bad_record_mac', 'authentication failed') });
add({ name: 'rec: protected record that is all padding', server: { sendFlight: (conn) => conn.send(CT.HANDSHAKE, Buffer.alloc(0), { innerType: null, pad: 5 }) }, expect: fail('unexpected_message', 'all padding') });
add({
	name: 'rec: authentic protected record with an empty TLSInnerPlaintext',
	server: { sendFlight: (conn) => conn.send(CT.HANDSHAKE, Buffer.alloc(0), { innerType: null }) },
	expect: fail('unexpected_message', 'all padding'),
});
add({ name: 'rec: unknown protected content type 24', server: { sendFlight: (conn) => conn.send(24, Buffer.from('x')) }, expect: fail('unexpected_message', 'unknown content type') });
add({ name: 'rec: unknown plaintext content type 24', server: afterCH((conn) => { conn.sendPlain(CT.ALERT, Buffer.from([1, 90])); conn.sendPlain(24, Buffer.from('x')); }), expect: fail('unexpected_message', 'unknown content type') });
add({ name: 'rec: unknown content type after the handshake', server: after(async (conn) => { conn.send(99, Buffer.from('x')); }), expect: fail('unexpected_message', 'unknown content type') });

/* ================================================================== */
/* Engine: handshake reassembly, alerts, CCS, app data, limits, EOF     */
/* ================================================================== */

add({ name: 'eng: empty plaintext handshake record', server: afterCH((conn) => conn.sendPlain(CT.HANDSHAKE, Buffer.alloc(0))), expect: fail('unexpected_message', 'empty handshake record') });
add({ name: 'eng: empty protected handshake record', server: { sendFlight: (conn) => conn.send(CT.HANDSHAKE, Buffer.alloc(0)) }, expect: fail('unexpected_message', 'empty handshake record') });
add({ name: 'eng: ServerHello and EncryptedExtensions in one record', server: { sendServerHello: (conn, b) => conn.sendPlain(CT.HANDSHAKE, cat(b, emptyEE)) }, expect: fail('unexpected_message', 'after a key change') });
add({
	// RFC 8446 5.1: the HelloRetryRequest (a ServerHello) ends its record;
	// refused before the second ClientHello goes out (BoGo
	// PartialServerHelloWithHelloRetryRequest).
	name: 'eng: HelloRetryRequest and the first bytes of a ServerHello in one record',
	server: { hrr: { group: 0, cookie: Buffer.from('c'), send: (conn, b) => conn.sendPlain(CT.HANDSHAKE, cat(b, u8(2), u8(0))), after: () => 'stop' } },
	expect: fail('unexpected_message', 'after a HelloRetryRequest'),
});
add({ name: 'eng: ServerHello and the first byte of the next message in one record', server: { sendServerHello: (conn, b) => conn.sendPlain(CT.HANDSHAKE, cat(b, u8(8))) }, expect: fail('unexpected_message', 'after a key change') });
add({
	name: 'eng: Finished and NewSessionTicket in one record',
	server: { sendFlight: (conn, l) => { for (const m of l.slice(0, -1)) conn.send(CT.HANDSHAKE, m.buf); conn.send(CT.HANDSHAKE, cat(l[l.length - 1].buf, nst())); } },
	expect: fail('unexpected_message', 'after a key change'),
});
add({ name: 'eng: handshake length 2^24-1 with body bytes', server: { sendFlight: (conn) => conn.send(CT.HANDSHAKE, cat(Buffer.from([8, 0xff, 0xff, 0xff]), Buffer.alloc(100))) }, expect: fail('internal_error', 'exceeds 65536') });
add({ name: 'eng: plaintext handshake length 65537 with body bytes', server: afterCH((conn) => conn.sendPlain(CT.HANDSHAKE, Buffer.from([2, 1, 0, 1, 3, 3]))), expect: fail('internal_error', 'exceeds 65536') });
add({ name: 'eng: handshake length 2^24-1, header then the next record', server: { sendFlight: (conn) => { conn.send(CT.HANDSHAKE, Buffer.from([8, 0xff, 0xff, 0xff])); conn.send(CT.HANDSHAKE, Buffer.alloc(10)); } }, expect: fail('internal_error', 'exceeds 65536') });
add({
	name: 'eng: handshake length 2^24-1, header alone',
	server: { sendFlight: (conn) => conn.send(CT.HANDSHAKE, Buffer.from([8, 0xff, 0xff, 0xff])) },
	expect: fail('internal_error', 'exceeds 65536'),
});
add({ name: 'eng: alert record of 3 bytes', server: afterCH((conn) => conn.sendPlain(CT.ALERT, Buffer.from([2, 40, 0]))), expect: fail('unexpected_message', 'malformed alert') });
add({ name: 'eng: alert record of 1 byte', server: { sendFlight: (conn) => conn.send(CT.ALERT, Buffer.from([2])) }, expect: fail('unexpected_message', 'malformed alert') });
add({ name: 'eng: empty alert record after the handshake', server: after(async (conn) => { conn.send(CT.ALERT, Buffer.alloc(0)); }), expect: fail('unexpected_message', 'malformed alert') });

add({ name: 'alert: fatal handshake_failure instead of ServerHello', server: afterCH((conn) => conn.sendAlert(2, 40)), expect: quiet('alert_received', 'handshake_failure') });
add({ name: 'alert: warning-level handshake_failure is fatal too', server: afterCH((conn) => conn.sendAlert(1, 40)), expect: quiet('alert_received', 'handshake_failure') });
add({ name: 'alert: protected bad_certificate mid-handshake', server: { sendFlight: (conn, l) => { conn.send(CT.HANDSHAKE, l[0].buf); conn.sendAlert(2, 42); } }, expect: quiet('alert_received', 'bad_certificate') });
add({ name: 'alert: unknown alert 200', server: { sendFlight: (conn) => { conn.sendAlert(2, 200); } }, expect: quiet('alert_received', 'unknown_alert') });
add({ name: 'alert: internal_error after the handshake', server: after(async (conn) => { conn.sendAlert(2, 80); }), expect: quiet('alert_received', 'internal_error') });
add({ name: 'alert: close_notify instead of ServerHello', server: afterCH((conn) => conn.sendAlert(1, 0)), expect: quiet('alert_received', 'close_notify during the handshake') });
add({ name: 'alert: protected close_notify mid-handshake', server: { sendFlight: (conn, l) => { conn.send(CT.HANDSHAKE, l[0].buf); conn.sendAlert(1, 0); } }, expect: quiet('alert_received', 'close_notify during the handshake') });
add({ name: 'alert: 5 user_canceled before ServerHello', server: afterCH((conn) => { for (let i = 0; i < 5; i++) conn.sendAlert(1, 90); }), expect: fail('unexpected_message', 'too many warning alerts') });
add({ name: 'alert: 5 user_canceled after the handshake', server: after(async (conn) => { for (let i = 0; i < 5; i++) conn.sendAlert(1, 90); }), expect: fail('unexpected_message', 'too many warning alerts') });
add({
	name: 'ok: user_canceled limit is per run (4, data, 4)',
	server: after(async (conn, hs) => { for (let i = 0; i < 4; i++) conn.sendAlert(1, 90); conn.send(CT.APP, Buffer.from('x')); for (let i = 0; i < 4; i++) conn.sendAlert(1, 90); await echo(conn, hs); }), expect: ok,
});

add({ name: 'ccs: after the handshake', server: after(async (conn) => { conn.sendPlain(CT.CCS, u8(1)); }), expect: fail('unexpected_message', 'unexpected change_cipher_spec') });
add({ name: 'ccs: value 2', server: { ccs: false, sendServerHello: (conn, b) => { conn.sendPlain(CT.HANDSHAKE, b); conn.sendPlain(CT.CCS, u8(2)); } }, expect: fail('unexpected_message', 'unexpected change_cipher_spec') });
add({ name: 'ccs: two bytes', server: { ccs: false, sendServerHello: (conn, b) => { conn.sendPlain(CT.HANDSHAKE, b); conn.sendPlain(CT.CCS, Buffer.from([1, 1])); } }, expect: fail('unexpected_message', 'unexpected change_cipher_spec') });
add({ name: 'ccs: empty', server: { ccs: false, sendServerHello: (conn, b) => { conn.sendPlain(CT.HANDSHAKE, b); conn.sendPlain(CT.CCS, Buffer.alloc(0)); } }, expect: fail('unexpected_message', 'unexpected change_cipher_spec') });
add({ name: 'ccs: inside a fragmented ServerHello', server: { ccs: false, sendServerHello: (conn, b) => { conn.sendPlain(CT.HANDSHAKE, b.subarray(0, 10)); conn.sendPlain(CT.CCS, u8(1)); conn.sendPlain(CT.HANDSHAKE, b.subarray(10)); } }, expect: fail('unexpected_message', 'interleaved inside a fragmented handshake message') });
add({ name: 'ccs: inside a fragmented EncryptedExtensions', server: { sendFlight: (conn, l) => { conn.send(CT.HANDSHAKE, l[0].buf.subarray(0, 2)); conn.sendPlain(CT.CCS, u8(1)); conn.send(CT.HANDSHAKE, l[0].buf.subarray(2)); } }, expect: fail('unexpected_message', 'interleaved inside a fragmented handshake message') });
add({ name: 'ccs: 40 in a row', server: { sendFlight: (conn) => { for (let i = 0; i < 40; i++) conn.sendPlain(CT.CCS, u8(1)); } }, expect: fail('unexpected_message', 'too many ignored records') });
add({
	name: 'ccs: protected change_cipher_spec',
	server: { sendFlight: (conn, l) => { conn.send(CT.CCS, u8(1)); for (const m of l) conn.send(CT.HANDSHAKE, m.buf); }, afterHandshake: async (conn) => conn.end() },
	expect: fail('unexpected_message', 'unexpected change_cipher_spec'),
});

add({ name: 'app: protected application data before Finished', server: { sendFlight: (conn, l) => { conn.send(CT.HANDSHAKE, l[0].buf); conn.send(CT.APP, Buffer.from('early')); } }, expect: fail('unexpected_message', 'application data before the handshake completed') });
add({ name: 'app: plaintext application data before ServerHello', server: afterCH((conn) => { conn.sendAlert(1, 90); conn.sendPlain(CT.APP, Buffer.from('x')); }), expect: fail('unexpected_message', 'application data before the handshake completed') });
add({ name: 'app: empty application data before Finished', server: { sendFlight: (conn) => { conn.send(CT.APP, Buffer.alloc(0)); } }, expect: fail('unexpected_message', 'application data before the handshake completed') });
add({ name: 'app: 40 empty application records', server: after(async (conn) => { for (let i = 0; i < 40; i++) conn.send(CT.APP, Buffer.alloc(0)); }), expect: fail('unexpected_message', 'too many ignored records') });
add({
	name: 'app: application data inside a fragmented NewSessionTicket',
	server: after(async (conn) => { const m = nst(); conn.send(CT.HANDSHAKE, m.subarray(0, 6)); conn.send(CT.APP, Buffer.from('interleaved')); conn.send(CT.HANDSHAKE, m.subarray(6)); }),
	expect: fail('unexpected_message', 'interleaved inside a fragmented handshake message'),
});
add({
	name: 'alert: user_canceled inside a fragmented EncryptedExtensions',
	server: { sendFlight: (conn, l) => { conn.send(CT.HANDSHAKE, l[0].buf.subarray(0, 2)); conn.sendAlert(1, 90); conn.send(CT.HANDSHAKE, l[0].buf.subarray(2)); for (const m of l.slice(1)) conn.send(CT.HANDSHAKE, m.buf); }, afterHandshake: async (conn) => conn.end() },
	expect: fail('unexpected_message', 'interleaved inside a fragmented handshake message'),
});
add({
	name: 'alert: fatal alert inside a fragmented EncryptedExtensions',
	server: { sendFlight: (conn, l) => { conn.send(CT.HANDSHAKE, l[0].buf.subarray(0, 3)); conn.sendAlert(2, 40); } },
	expect: fail('unexpected_message', 'interleaved inside a fragmented handshake message'),
});
add({
	name: 'app: empty application record inside a fragmented KeyUpdate',
	server: after(async (conn) => { conn.send(CT.HANDSHAKE, Buffer.from([HS.KEY_UPDATE, 0])); conn.send(CT.APP, Buffer.alloc(0)); conn.send(CT.HANDSHAKE, Buffer.from([0, 1, 0])); }),
	expect: fail('unexpected_message', 'interleaved inside a fragmented handshake message'),
});
add({
	name: 'ok: handshake record, then CCS, between two whole messages',
	server: { sendFlight: (conn, l) => { conn.send(CT.HANDSHAKE, l[0].buf); conn.sendPlain(CT.CCS, u8(1)); for (const m of l.slice(1)) conn.send(CT.HANDSHAKE, m.buf); } },
	expect: ok,
});

add({ name: 'eof: TCP close before ServerHello', server: afterCH((conn) => conn.end()), expect: quiet('truncated', 'during the handshake') });
add({ name: 'eof: TCP close inside the ServerHello record', server: { sendServerHello: (conn, b) => { conn.write(conn.record(CT.HANDSHAKE, b, { plain: true }).subarray(0, 20)); conn.end(); } }, expect: quiet('truncated', 'during the handshake') });
add({ name: 'eof: TCP close inside a record header', server: afterCH((conn) => { conn.write(Buffer.from([22, 3, 3])); conn.end(); }), expect: quiet('truncated', 'during the handshake') });
add({ name: 'eof: TCP close after EncryptedExtensions', server: { sendFlight: (conn, l) => { conn.send(CT.HANDSHAKE, l[0].buf); conn.end(); } }, expect: quiet('truncated', 'during the handshake') });
add({ name: 'eof: TCP close after the handshake without close_notify', server: after(async (conn) => { conn.end(); }), expect: quiet('truncated', 'without close_notify') });
add({ name: 'eof: TCP close in the middle of a record after the handshake', server: after(async (conn) => { conn.write(conn.record(CT.APP, Buffer.from('partial data')).subarray(0, 12)); conn.end(); }), expect: quiet('truncated', 'in the middle of a record') });
add({ name: 'eof: TCP close after a record header after the handshake', server: after(async (conn) => { conn.write(Buffer.from([23, 3, 3, 0, 40])); conn.end(); }), expect: quiet('truncated', 'in the middle of a record') });

/* ================================================================== */
/* Resumption (PSK), 0-RTT, client certificates, record_size_limit      */
/* ================================================================== */

const RSL = 28;   // record_size_limit (RFC 8449)
const resumedOk = (extra = {}) => (res, srv) => {
	assert.equal(res.json?.resumed, true, 'json.resumed');
	assert.equal(res.json?.sigalg, null, 'no CertificateVerify on resumption');
	assert.equal(res.json?.peer_chain, 2, 'peer chain kept from the original session');
	assert.equal(srv.notes.pskAccepted, true);
	assert.equal(srv.notes.binderOk, true, 'binder verified by the server');
	assert.equal(srv.notes.pskLast, true, 'pre_shared_key is the last extension');
	assert.ok(srv.notes.ticketAgeMs < 30000, `obfuscated_ticket_age decodes to ${srv.notes.ticketAgeMs} ms`);
	for (const [k, v] of Object.entries(extra)) assert.deepEqual(res.json?.[k], v, `json.${k}`);
};
const fullOk = (res, srv) => {
	assert.equal(res.json?.resumed, false, 'json.resumed');
	assert.notEqual(srv.notes.pskAccepted, true);
};
const flipPsk = (blob) => { const b = parseSessionBlob(blob); const c = Buffer.from(blob); c[b.pskOffset] ^= 1; return c; };
const clientCert = (name) => (p) => ['--cert', p.client[name].chain, '--key', p.client[name].key];
const crWith = (...schemes) => ({ certRequest: { exts: [[EXT.SIGNATURE_ALGS, vec16(cat(...schemes.map(u16)))]] } });
const EARLY = 'GET /early HTTP/1.1\r\nHost: localhost\r\n\r\n';

// --- resumption: positive controls (the server checks our binder) -----
add({
	// suite pinned: the default order differs per build (wasm: ChaCha20 first)
	name: 'psk ok: resumption, binder verified, no certificate messages',
	session: { args: ['--ciphers', 'TLS_AES_128_GCM_SHA256'] }, args: ['--json', '--ciphers', 'TLS_AES_128_GCM_SHA256'],
	server: { psk: {} }, expect: ok, check: resumedOk({ early_data: 'not_sent', cipher: 'TLS_AES_128_GCM_SHA256', hrr: false }),
});
add({
	name: 'psk ok: resumption of a TLS_AES_256_GCM_SHA384 ticket (SHA-384 binder)',
	session: { args: ['--ciphers', 'TLS_AES_256_GCM_SHA384'] }, args: ['--json'],
	server: { psk: {} }, expect: ok, check: resumedOk({ cipher: 'TLS_AES_256_GCM_SHA384' }),
});
add({
	name: 'psk ok: resumption after HelloRetryRequest (binder over message_hash + HRR)', session: {}, args: ['--json'],
	server: { psk: {}, group: GROUP.secp384r1 }, expect: ok,
	check: (res, srv) => {
		resumedOk({ hrr: true, group: 'secp384r1' })(res, srv);
		assert.equal(srv.notes.binder1Ok, true, 'first ClientHello binder');
		assert.equal(srv.notes.binder2Ok, true, 'second ClientHello binder');
	},
});
add({
	name: 'psk ok: resumption after a cookie HelloRetryRequest', session: {}, args: ['--json'],
	server: { psk: {}, hrr: { group: 0, cookie: Buffer.from('cookie!') } }, expect: ok,
	check: (res, srv) => { resumedOk({ hrr: true })(res, srv); assert.equal(srv.notes.binder2Ok, true); },
});
add({
	name: 'psk: HelloRetryRequest picks a suite with another hash -> PSK dropped, full handshake',
	session: { args: ['--ciphers', 'TLS_AES_128_GCM_SHA256'] }, args: ['--json'],
	server: { psk: {}, suite: 0x1302, hrr: { group: GROUP.secp384r1 } }, expect: ok,
	check: (res, srv) => {
		fullOk(res, srv);
		assert.equal(srv.notes.binder1Ok, true, 'the PSK was offered in the first ClientHello');
		assert.equal(srv.notes.psk2Offered, false, 'and dropped from the second');
		assert.equal(res.json.cipher, 'TLS_AES_256_GCM_SHA384');
	},
});
add({
	name: 'psk: server declines the PSK -> full handshake', session: {}, args: ['--json'],
	server: { psk: { accept: false } }, expect: ok,
	check: (res, srv) => { fullOk(res, srv); assert.equal(srv.notes.pskOffered, true); assert.equal(res.json.sigalg, 'ecdsa_secp256r1_sha256'); },
});
add({
	name: 'psk: ticket the server does not know -> full handshake (unknown identity ignored)', session: {}, args: ['--json'],
	server: { psk: {}, ...{} },
	// same as a server restart: forget every ticket before the second run
	expect: ok,
	check: (res, srv) => { fullOk(res, srv); assert.equal(srv.notes.ticketKnown, false); },
});
// (the scenario above clears TICKETS through its session hook:)
scenarios[scenarios.length - 1].session = {
	server: { afterHandshake: async (conn, hs) => { const t = hs.sendTicket(); for (const [k, v] of TICKETS) if (v === t) TICKETS.delete(k); await echo(conn, hs); } },
};
add({
	name: 'psk: binder check negative control (blob PSK altered -> server: decrypt_error)',
	session: { edit: flipPsk }, server: { psk: {} },
	expect: quiet('alert_received', 'decrypt_error'),
	check: (res, srv) => { assert.equal(srv.notes.binderOk, false); },
});
add({
	name: 'psk: expired ticket (created_ms older than its lifetime) is not offered', args: ['--json'],
	session: { ticket: { lifetime: 3600 }, edit: (b) => rewriteSessionBlob(b, { createdMs: Date.now() - 3601 * 1000 }) },
	server: { psk: {} }, expect: ok,
	check: (res, srv) => { fullOk(res, srv); assert.equal(srv.notes.pskOffered, false); },
});
add({
	name: 'psk: blob claiming a lifetime over 7 days is not offered', args: ['--json'],
	session: { edit: (b) => rewriteSessionBlob(b, { lifetime: 604801 }) },
	server: { psk: {} }, expect: ok,
	check: (res, srv) => { fullOk(res, srv); assert.equal(srv.notes.pskOffered, false); },
});
add({
	name: 'psk: truncated session file -> full handshake', args: ['--json'],
	session: { edit: (b) => b.subarray(0, Math.floor(b.length / 2)) },
	server: { psk: {} }, expect: ok,
	check: (res, srv) => { fullOk(res, srv); assert.equal(srv.notes.pskOffered, false); },
});
add({
	name: 'psk: ticket only for a suite we no longer offer is not offered', args: ['--json', '--ciphers', 'TLS_AES_128_GCM_SHA256'],
	session: { args: ['--ciphers', 'TLS_AES_256_GCM_SHA384'] },
	server: { psk: {} }, expect: ok,
	check: (res, srv) => { fullOk(res, srv); assert.equal(srv.notes.pskOffered, false); },
});

// --- resumption: server misbehaviour ---------------------------------
add({
	name: 'psk: server selects identity 1 when we offered one', session: {},
	server: { psk: { selected: 1 } }, expect: fail('illegal_parameter', 'server selected an invalid PSK'),
});
add({
	name: 'psk: server selects identity 0xffff', session: {},
	server: { psk: { selected: 0xffff } }, expect: fail('illegal_parameter', 'server selected an invalid PSK'),
});
add({
	name: 'psk: server selects our SHA-256 PSK with TLS_AES_256_GCM_SHA384', session: {},
	server: { psk: {}, suite: 0x1302 }, expect: fail('illegal_parameter', 'invalid PSK and cipher suite pair'),
});
add({
	// Unsolicited first (RFC 8446 4.2), see 'sh: pre_shared_key selected but none offered'.
	name: 'psk: pre_shared_key selected after a full-handshake offer without PSK (no --sess-in)',
	server: { psk: { force: true } }, expect: fail('unsupported_extension', 'did not offer in ServerHello'),
});
add({
	name: 'psk: Certificate + CertificateVerify in a PSK handshake', session: {},
	server: { psk: { sendCert: true } }, expect: fail('unexpected_message', 'unexpected handshake message'),
});
add({
	name: 'psk: CertificateRequest in a PSK handshake', session: {},
	server: { psk: {}, certRequest: {} }, expect: fail('unexpected_message', 'unexpected handshake message'),
});
add({
	name: 'psk: early_data in EncryptedExtensions of a resumption without 0-RTT', session: {},
	server: { psk: { earlyData: 'force' } }, expect: fail('unsupported_extension', 'early_data'),
});
add({
	// RFC 8446 4.2.10: early data is accepted only with the first PSK.
	name: '0rtt: early_data in EncryptedExtensions of a full handshake (PSK not selected)',
	session: {}, earlyData: EARLY,
	server: { psk: { accept: false, earlyData: 'force' } },
	expect: fail('illegal_parameter', 'without accepting the PSK'),
});

add({
	// The server may issue tickets up to WT_MAX_TICKET (8 KB) that are then
	// stored; one that does not fit our ClientHello is not offered.
	name: 'psk ok: a stored 8150-byte ticket too large for our ClientHello (8 KiB) -> full handshake, no error',
	session: { ticket: { ticket: crypto.randomBytes(8150), maxEarly: 16384 } }, earlyData: EARLY, args: ['--json'],
	input: 'hello\n', afterOutput: EARLY.length + 6,
	server: { psk: { earlyData: 'accept' } }, expect: ok,
	check: (res, srv) => {
		assert.equal(res.json?.resumed, false);
		assert.equal(res.json?.early_data_reason, 'no_session_offered');
		assert.equal(srv.notes.pskAccepted, undefined);
		assert.equal(res.stdout, EARLY + 'hello\n', 'the early request is sent after the handshake');
	},
});

// --- External PSKs (RFC 8446 2.2) -------------------------------------
const PSK_KEY = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
// --psk-file in the client PKI directory (preopened for the WASI builds).
const pskArgs = (p) => {
	const f = join(p.client.dir, 'hostile-psk.hex');
	if (!existsSync(f)) {
		writeFileSync(`${f}.${process.pid}`, PSK_KEY.toString('hex'));
		renameSync(`${f}.${process.pid}`, f);
	}
	return ['--json', '--psk-identity', 'hostile', '--psk-file', f];
};
add({
	name: 'external psk ok: the server takes it and sends no certificate messages',
	args: pskArgs, server: { psk: { external: PSK_KEY } }, expect: ok,
	check: (res) => {
		assert.equal(res.json?.external_psk, true);
		assert.equal(res.json?.peer_chain, 0);
	},
});
add({
	// RFC 8446 4.3.2 / 4.4.2: a server authenticating with a PSK sends no
	// Certificate (Go: unexpected message in the PSK path).
	name: 'external psk: the server takes it and still sends its certificate',
	args: pskArgs, server: { psk: { external: PSK_KEY, sendCert: true } },
	expect: fail('unexpected_message', ''),
});
add({
	// RFC 8446 4.3.2: no CertificateRequest in a PSK handshake.
	name: 'external psk: the server takes it and sends a CertificateRequest',
	args: pskArgs, server: { psk: { external: PSK_KEY }, certRequest: {} },
	expect: fail('unexpected_message', ''),
});
add({
	// One PSK offered: identity 1 does not exist (RFC 8446 4.2.11).
	name: 'external psk: selected_identity 1 of one offered',
	args: pskArgs, server: { psk: { external: PSK_KEY, selected: 1 } },
	expect: fail('illegal_parameter', 'invalid PSK'),
});
add({
	// wt_external_psk: with --insecure nothing would check a certificate.
	name: 'external psk: not taken, and certificates are not verified (--insecure)',
	noDefaultArgs: true, args: (p) => ['--insecure', ...pskArgs(p)], server: {},
	expect: fail('missing_extension', 'did not select an external PSK'),
});
add({
	// A certificate-verified session is offered too, but the server takes
	// the external PSK: nothing the session's handshake proved (verified,
	// its chain) may be reported, and the new ticket is bound to the PSK
	// alone (no certificates in it).
	name: 'external psk ok: taken instead of the offered certificate session: no stale verification or chain',
	session: {}, sessOut: true, args: pskArgs,
	server: { psk: { external: PSK_KEY, selected: 1 }, afterHandshake: async (conn, hs) => { hs.sendTicket({}); await echo(conn, hs); } },
	expect: ok,
	check: (res, srv, ctx) => {
		assert.equal(res.json?.external_psk, true);
		assert.equal(res.json?.resumed, false);
		assert.equal(res.json?.peer_chain, 0, 'the session\'s chain is not this connection\'s');
		assert.match(res.stderr, /external PSK|"external_psk":true/);
		const b = parseSessionBlob(readFileSync(ctx.sessOut));
		assert.equal(b.verified, 2, 'the new session is bound to the external PSK');
		assert.equal(b.certs.length, 0);
	},
});
add({
	// wt_external_psk: with --insecure only a PSK authenticates the server;
	// a session no PSK authenticated (here: an --insecure one) is not
	// offered, so the server cannot skip that by taking a ticket.
	name: 'external psk: with --insecure an unauthenticated session is not offered',
	noDefaultArgs: true,
	session: { edit: (b) => rewriteSessionBlob(b, { verified: 0, verifyMode: 1 }) },
	args: (p) => ['--insecure', '--servername', 'localhost', ...pskArgs(p)],
	server: { psk: {} },
	expect: fail('missing_extension', 'did not select an external PSK'),
	check: (res, srv) => assert.equal(srv.notes.ticketKnown, false, 'the ticket was offered'),
});
add({
	// RFC 8446 4.2.10: 0-RTT goes only with the first PSK, the session's;
	// the server took the second (the external one) and claims the early data.
	name: '0rtt: early_data in EncryptedExtensions with the second PSK (external) selected',
	session: {}, earlyData: EARLY, args: pskArgs,
	server: { psk: { external: PSK_KEY, selected: 1, earlyData: 'force' } },
	expect: fail('illegal_parameter', 'without accepting the PSK'),
});

// --- GREASE (RFC 8701) and extension permutation ------------------------
const isGrease = (v) => (v & 0x0f0f) === 0x0a0a && (v >> 8) === (v & 0xff);
// Records what the ClientHellos carried (the first, and the second after
// a HelloRetryRequest).
const noteHellos = (sh, hs) => {
	const g = (ch) => ({
		suites: ch.suites.filter(isGrease).length, groups: ch.groups.filter(isGrease).length,
		shares: ch.shares.filter((x) => isGrease(x.group) && x.pub.length === 1 && x.pub[0] === 0).length,
		versions: ch.versions.filter(isGrease).length, exts: [...ch.exts.keys()].filter(isGrease).length,
		order: [...ch.exts.keys()].filter((t) => t !== 21), greaseValues: [ch.suites[0], ch.groups[0], ch.versions[0]],
	});
	hs.notes.ch1 = g(hs.ch);
	if (hs.ch2) hs.notes.ch2 = g(hs.ch2);
};
add({
	name: 'grease ok: GREASE suite, group + one-byte share, version and two extensions; the same after HRR but no GREASE share',
	args: ['--grease'], server: { group: GROUP.secp384r1, serverHello: noteHellos }, expect: ok,
	check: (res, srv) => {
		const { ch1, ch2 } = srv.notes;
		assert.deepEqual([ch1.suites, ch1.groups, ch1.shares, ch1.versions, ch1.exts], [1, 1, 1, 1, 2], JSON.stringify(ch1));
		assert.deepEqual([ch2.suites, ch2.groups, ch2.shares, ch2.versions, ch2.exts], [1, 1, 0, 1, 2], JSON.stringify(ch2));
		assert.deepEqual(ch2.greaseValues, ch1.greaseValues, 'the GREASE values stay for the second ClientHello');
	},
});
add({
	// RFC 8446 4.1.2: an HRR that names no group (a cookie only) leaves
	// the key_share as it was, GREASE share included.
	name: 'grease ok: an HRR with only a cookie keeps the GREASE key share',
	args: ['--grease'], server: { hrr: { group: 0, cookie: Buffer.from('cookie') }, serverHello: noteHellos }, expect: ok,
	check: (res, srv) => {
		const { ch1, ch2 } = srv.notes;
		assert.deepEqual([ch1.shares, ch2.shares], [1, 1], JSON.stringify({ ch1, ch2 }));
	},
});
add({
	name: 'grease ok: not sent without --grease',
	server: { serverHello: noteHellos }, expect: ok,
	check: (res, srv) => {
		const n = srv.notes.ch1;
		assert.deepEqual([n.suites, n.groups, n.shares, n.versions, n.exts], [0, 0, 0, 0, 0]);
	},
});
add({
	// RFC 8701 3.1: a client MUST reject a GREASE value as the selected
	// suite, like any suite it did not offer.
	name: 'grease: the server selects the GREASE cipher suite',
	args: ['--grease'], server: { serverHello: (sh, hs) => { sh.suite = hs.ch.suites.find(isGrease); } },
	expect: fail('illegal_parameter', 'cipher suite'),
});
add({
	name: 'grease: the HelloRetryRequest asks for the GREASE group',
	args: ['--grease'],
	server: { hrr: { exts: (e, hs) => [[EXT.SUPPORTED_VERSIONS, u16(0x0304)], [EXT.KEY_SHARE, u16(hs.ch.groups.find(isGrease))]] } },
	expect: fail('illegal_parameter', 'unsupported group'),
});
add({
	name: 'grease: the server selects the GREASE version',
	args: ['--grease'],
	server: { serverHello: (sh, hs) => { sh.exts[0] = [EXT.SUPPORTED_VERSIONS, u16(hs.ch.versions.find(isGrease))]; } },
	expect: fail('protocol_version', 'unsupported protocol version'),
});
add({
	name: 'grease: the server answers with a GREASE extension',
	args: ['--grease'],
	server: { ee: (e, hs) => [...e, [[...hs.ch.exts.keys()].find(isGrease), Buffer.alloc(0)]] },
	expect: fail('unsupported_extension', ''),
});
add({
	// Chrome's order is random per connection; ours follows the same
	// scheme. The second ClientHello keeps the first's order (RFC 8446
	// 4.1.2 allows only the listed changes). Padding (RFC 7685, 21) is
	// always just before pre_shared_key and depends on the length.
	name: 'permute ok: extensions in a random order, the same after HRR',
	args: ['--permute-extensions'], server: { group: GROUP.secp384r1, serverHello: noteHellos }, expect: ok, offers12: true,
	check: (res, srv) => {
		const { ch1, ch2 } = srv.notes;
		// our fixed order; with TLS 1.2 offered too it ends with
		// ec_point_formats, extended_master_secret, renegotiation_info and
		// session_ticket
		const ours = [EXT.SERVER_NAME, EXT.SUPPORTED_GROUPS, EXT.SIGNATURE_ALGS, 50, EXT.SUPPORTED_VERSIONS, 45, EXT.KEY_SHARE, 28,
			EXT.EC_POINT_FORMATS, EXT.EXTENDED_MS, EXT.RENEGOTIATION_INFO, EXT.SESSION_TICKET];
		assert.deepEqual([...ch1.order].sort((a, b) => a - b), [...ours].sort((a, b) => a - b), JSON.stringify(ch1.order));
		assert.notDeepEqual(ch1.order, ours, 'not our fixed order (chance 1 in 12!)');
		assert.deepEqual(ch2.order, ch1.order);
	},
});

// --- 0-RTT ------------------------------------------------------------
add({
	name: '0rtt ok: accepted, early data under the client early key, then EndOfEarlyData',
	session: {}, earlyData: EARLY, args: ['--json'], input: 'hello\n', afterOutput: EARLY.length + 6,
	server: { psk: { earlyData: 'accept' } }, expect: ok,
	check: (res, srv) => {
		resumedOk({ early_data: 'accepted', early_data_reason: 'accept' })(res, srv);
		assert.equal(srv.notes.earlyData, EARLY, 'server decrypted the 0-RTT bytes');
		assert.equal(srv.notes.endOfEarlyData, 'early', 'EndOfEarlyData under the early key');
		assert.equal(res.stdout, EARLY + 'hello\n');
		assert.ok(!res.stderr.includes('early data rejected'));
	},
});
add({
	name: '0rtt: rejected (no early_data in EE): no EndOfEarlyData, data resent after the handshake with a notice',
	session: {}, earlyData: EARLY, args: ['--json'], input: 'hello\n', afterOutput: EARLY.length + 6,
	server: { psk: {} }, expect: ok,
	check: (res, srv) => {
		resumedOk({ early_data: 'rejected', early_data_reason: 'peer_declined' })(res, srv);
		assert.equal(srv.notes.earlyData, EARLY, 'the 0-RTT bytes were sent (and skipped by the server)');
		assert.equal(srv.notes.endOfEarlyData, undefined);
		assert.ok(res.stderr.includes('* early data rejected: sending it after the handshake'), res.stderr);
		assert.equal(res.stdout, EARLY + 'hello\n', 'resent as ordinary data, then stdin');
	},
});
add({
	// The rejection is decided before EncryptedExtensions' own checks, so
	// their alert goes under the handshake key the server reads.
	name: '0rtt: rejected, EncryptedExtensions with an unknown extension: the alert reaches the server',
	session: {}, earlyData: EARLY, args: ['--json'],
	server: { psk: {}, ee: (e) => [...e, [0x7777, Buffer.alloc(0)]] },
	expect: fail('unsupported_extension', 'did not offer in EncryptedExtensions'),
	check: (res, srv) => { assert.equal(srv.notes.alertProt, 'hs', 'under the client handshake key'); },
});
add({
	name: '0rtt: server declines the PSK: full handshake, early_data_reason session_not_resumed',
	session: {}, earlyData: EARLY, args: ['--json'], input: 'hello\n', afterOutput: EARLY.length + 6,
	server: { psk: { accept: false } }, expect: ok,
	check: (res, srv) => {
		fullOk(res, srv);
		assert.equal(res.json?.early_data, 'rejected');
		assert.equal(res.json?.early_data_reason, 'session_not_resumed');
		assert.equal(res.stdout, EARLY + 'hello\n');
	},
});
add({
	name: '0rtt: no --early-data -> early_data_reason disabled', session: {}, args: ['--json'],
	server: { psk: {} }, expect: ok,
	check: (res, srv) => resumedOk({ early_data: 'not_sent', early_data_reason: 'disabled' })(res, srv),
});
add({
	name: '0rtt: HelloRetryRequest rejects 0-RTT (no early_data in the second ClientHello)',
	session: {}, earlyData: EARLY, args: ['--json'], input: 'hello\n', afterOutput: EARLY.length + 6,
	server: { psk: { earlyData: 'accept' }, group: GROUP.secp384r1 }, expect: ok,
	check: (res, srv) => {
		resumedOk({ early_data: 'rejected', hrr: true, early_data_reason: 'hello_retry_request' })(res, srv);
		assert.equal(srv.notes.ch2EarlyData, false);
		assert.ok(res.stderr.includes('* early data rejected'));
		assert.equal(res.stdout, EARLY + 'hello\n');
	},
});
add({
	name: '0rtt: server "accepts" 0-RTT after a HelloRetryRequest (early_data in EE, not in ClientHello2)',
	session: {}, earlyData: EARLY, server: { psk: { earlyData: 'force' }, group: GROUP.secp384r1 },
	expect: fail('unsupported_extension', 'unexpected early_data'),
});
add({
	name: '0rtt: ticket without early_data extension -> 0-RTT not sent, request sent after the handshake',
	session: { ticket: { maxEarly: 0 } }, earlyData: EARLY, args: ['--json'], input: 'hello\n', afterOutput: EARLY.length + 6,
	server: { psk: { earlyData: 'accept' } }, expect: ok,
	check: (res, srv) => {
		resumedOk({ early_data: 'not_sent', early_data_reason: 'unsupported_for_session' })(res, srv);
		assert.equal(srv.notes.earlyOffered, undefined);
		assert.ok(res.stderr.includes('* early data not sent: sending it after the handshake'), res.stderr);
		assert.equal(res.stdout, EARLY + 'hello\n', 'the request is sent (and echoed) once');
	},
});
add({
	name: '0rtt: max_early_data smaller than the request: the rest follows after the handshake',
	session: { ticket: { maxEarly: 10 } }, earlyData: EARLY, args: ['--json'], input: 'hello\n', afterOutput: EARLY.length + 6,
	server: { psk: { earlyData: 'accept' } }, expect: ok,
	check: (res, srv) => {
		resumedOk({ early_data: 'accepted' })(res, srv);
		assert.ok(srv.notes.earlyData.length <= 10, `${srv.notes.earlyData.length} early bytes over max_early_data 10`);
		assert.equal(res.stdout, EARLY + 'hello\n');
	},
});
add({
	name: '0rtt: server accepts 0-RTT under another suite of the same hash',
	session: { args: ['--ciphers', 'TLS_AES_128_GCM_SHA256'] }, earlyData: EARLY,
	server: { psk: { earlyData: 'accept' }, suite: 0x1303 },
	expect: fail('handshake_failure', 'server accepted 0-RTT with the wrong cipher suite'),
});
add({
	name: '0rtt: server accepts 0-RTT with another ALPN than the ticket\'s',
	session: { args: ['--alpn', 'h2'] }, earlyData: EARLY, args: ['--alpn', 'h2,http/1.1'],
	server: { psk: { earlyData: 'accept' }, alpn: 'http/1.1' },
	expect: fail('handshake_failure', 'server accepted 0-RTT with the wrong ALPN'),
});
add({
	name: '0rtt ok: ALPN matches the ticket', session: { args: ['--alpn', 'h2'] }, earlyData: EARLY,
	args: ['--alpn', 'h2,http/1.1', '--json'], input: 'hello\n', afterOutput: EARLY.length + 6,
	server: { psk: { earlyData: 'accept' } }, expect: ok,
	check: (res, srv) => { resumedOk({ early_data: 'accepted', alpn: 'h2' })(res, srv); assert.equal(srv.notes.earlyData, EARLY); },
});
add({
	name: '0rtt: ticket ALPN differs from our first protocol -> 0-RTT not offered',
	session: { args: ['--alpn', 'h2'] }, earlyData: EARLY, args: ['--alpn', 'http/1.1,h2', '--json'],
	input: 'hello\n', afterOutput: EARLY.length + 6, server: { psk: { earlyData: 'accept' } }, expect: ok,
	check: (res, srv) => {
		assert.equal(srv.notes.earlyOffered, undefined);
		assert.equal(res.json.early_data, 'not_sent');
		assert.equal(res.json.early_data_reason, 'alpn_mismatch');
		assert.equal(res.stdout, EARLY + 'hello\n', 'the request is sent (and echoed) once');
	},
});

// --- client certificates -----------------------------------------------
add({
	name: 'cr ok: ECDSA P-256 client certificate, CertificateVerify checked', args: clientCert('p256'),
	server: { certRequest: {} }, expect: ok,
	check: (res, srv) => {
		assert.equal(srv.notes.clientCvScheme, 0x0403);
		assert.equal(srv.notes.clientCvOk, true);
		const cm = Buffer.from(srv.notes.clientCertificate, 'hex');
		assert.equal(cm[4], 0, 'empty certificate_request_context echoed');
	},
});
add({
	name: 'cr ok: RSA client key signs with RSA-PSS (rsa_pkcs1_sha256 listed first)', args: clientCert('rsa2048'),
	server: crWith(0x0401, 0x0804), expect: ok,
	check: (res, srv) => { assert.equal(srv.notes.clientCvScheme, 0x0804); assert.equal(srv.notes.clientCvOk, true); },
});
add({
	name: 'cr ok: ECDSA P-384 client certificate (ecdsa_secp384r1_sha384)', args: clientCert('p384'),
	server: crWith(0x0403, 0x0503), expect: ok,
	check: (res, srv) => { assert.equal(srv.notes.clientCvScheme, 0x0503); assert.equal(srv.notes.clientCvOk, true); },
});
add({
	name: 'cr: P-256 client key, server accepts only rsa_pss_rsae_sha256', args: clientCert('p256'),
	server: crWith(0x0804), expect: fail('handshake_failure', 'not usable with the server\'s signature_algorithms'),
});
add({
	name: 'cr: P-384 client key, server accepts only ecdsa_secp256r1_sha256', args: clientCert('p384'),
	server: crWith(0x0403), expect: fail('handshake_failure', 'not usable with the server\'s signature_algorithms'),
});
add({
	name: 'cr: RSA client key, server accepts only rsa_pkcs1_sha256 (not for CertificateVerify)', args: clientCert('rsa2048'),
	server: crWith(0x0401), expect: fail('handshake_failure', 'not usable with the server\'s signature_algorithms'),
});

// --- record_size_limit (RFC 8449) -------------------------------------
const rsl = (v) => ee((e, hs) => { hs.notes.clientRsl = hs.ch.exts.get(RSL)?.toString('hex'); return [...e, [RSL, v]]; });
add({ name: 'rsl: record_size_limit 63', server: rsl(u16(63)), expect: fail('illegal_parameter', 'record_size_limit below 64') });
add({ name: 'rsl: record_size_limit 0', server: rsl(u16(0)), expect: fail('illegal_parameter', 'record_size_limit') });
add({ name: 'rsl: record_size_limit of one byte', server: rsl(u8(1)), expect: fail('decode_error', 'malformed EncryptedExtensions') });
const rslCheck = (limit, n) => (res, srv) => {
	assert.equal(srv.notes.clientRsl, '4001', 'we advertise 16385');
	const prot = srv.records.filter((r) => r.prot !== 'plain');
	for (const r of prot) {
		assert.ok(r.raw.body.length - 16 <= limit,
			`client record (${r.prot}, type ${r.ctype}, first byte ${r.content[0]}) with ${r.raw.body.length - 16} bytes of inner plaintext`);
	}
	assert.equal(res.stdout, 'x'.repeat(n) + '\n');
};
add({
	name: 'rsl ok: limit 256 -> every client record after it carries <= 255 bytes + type (data)',
	input: 'x'.repeat(3000) + '\n', server: rsl(u16(256)), expect: ok, check: rslCheck(256, 3000),
});
add({
	name: 'rsl ok: limit 256 applies to the client Certificate too (RFC 8449 4: every protected record)',
	args: (p) => clientCert('rsa2048')(p), input: 'x'.repeat(3000) + '\n',
	server: { ...rsl(u16(256)), certRequest: {} }, expect: ok,
	check: (res, srv) => {
		assert.equal(srv.notes.clientRsl, '4001', 'we advertise 16385');
		assert.equal(srv.notes.clientCvOk, true);
		const prot = srv.records.filter((r) => r.prot !== 'plain');
		assert.ok(prot.length > 10, 'the certificate and the data were split');
		for (const r of prot) assert.ok(r.raw.body.length - 16 <= 256, `client record (${r.prot}, type ${r.ctype}, first byte ${r.content[0]}) with ${r.raw.body.length - 16} bytes of inner plaintext`);
		assert.equal(res.stdout, 'x'.repeat(3000) + '\n');
	},
});
add({
	name: 'rsl ok: limit 64 (the minimum)', input: 'y'.repeat(500) + '\n', server: rsl(u16(64)), expect: ok,
	check: (res, srv) => {
		for (const r of srv.records.filter((x) => x.prot !== 'plain')) assert.ok(r.raw.body.length - 16 <= 64);
		assert.equal(res.stdout, 'y'.repeat(500) + '\n');
	},
});
add({
	name: 'rsl ok: limit above 2^14+1 (larger limits are allowed, we still send at most 2^14)', input: 'z'.repeat(20000) + '\n',
	server: rsl(u16(0xffff)), expect: ok,
	check: (res, srv) => { for (const r of srv.records.filter((x) => x.prot !== 'plain')) assert.ok(r.raw.body.length - 16 <= 16385); },
});

// --- NewSessionTicket -> session blob ------------------------------------
add({
	name: 'nst: lifetime 0 is not stored (no --sess-out file)', sessOut: true,
	server: after(async (conn, hs) => { hs.sendTicket({ lifetime: 0 }); await echo(conn, hs); }), expect: ok,
	check: (res, srv, ctx) => { assert.equal(existsSync(ctx.sessOut), false, 'session file written for a lifetime-0 ticket'); },
});
add({
	name: 'nst ok: blob carries the ticket, PSK (HKDF-Expand-Label resumption), lifetime, max_early_data, chain',
	sessOut: true, args: ['--alpn', 'h2', '--ciphers', 'TLS_AES_128_GCM_SHA256'],   // suite pinned (wasm default: ChaCha20)
	server: after(async (conn, hs) => { srvTicket.t = hs.sendTicket({ lifetime: 604800, maxEarly: 777, ticket: Buffer.from('the-ticket-1') }); await echo(conn, hs); }),
	expect: ok,
	check: (res, srv, ctx) => {
		const b = parseSessionBlob(readFileSync(ctx.sessOut));
		assert.equal(b.ticket.toString(), 'the-ticket-1');
		assert.equal(b.lifetime, 604800);
		assert.equal(b.maxEarly, 777);
		assert.equal(b.suite, 0x1301);
		assert.equal(b.alpn, 'h2');
		assert.equal(b.serverName, 'localhost');
		assert.equal(b.verified, 1);
		assert.equal(b.certs.length, 2);
		assert.ok(Math.abs(b.createdMs - Date.now()) < 60000);
		assert.ok(b.psk.equals(TICKETS.get(Buffer.from('the-ticket-1').toString('hex')).psk), 'resumption PSK');
	},
});
const srvTicket = {};
add({
	name: 'nst ok: two tickets -> the file holds the latest', sessOut: true,
	server: after(async (conn, hs) => { hs.sendTicket({ ticket: Buffer.from('first') }); hs.sendTicket({ ticket: Buffer.from('second') }); await echo(conn, hs); }),
	expect: ok,
	check: (res, srv, ctx) => { assert.equal(parseSessionBlob(readFileSync(ctx.sessOut)).ticket.toString(), 'second'); },
});
add({
	name: 'nst ok: ticket after a resumption is stored and resumes again', session: {}, sessOut: true, args: ['--json'],
	server: { psk: {}, afterHandshake: async (conn, hs) => { hs.sendTicket({ ticket: Buffer.from('after-resume') }); await echo(conn, hs); } },
	expect: ok,
	check: (res, srv, ctx) => {
		resumedOk()(res, srv);
		const b = parseSessionBlob(readFileSync(ctx.sessOut));
		assert.equal(b.ticket.toString(), 'after-resume');
		assert.equal(b.certs.length, 2, 'the original chain is carried into the new session');
		assert.ok(b.psk.equals(TICKETS.get(Buffer.from('after-resume').toString('hex')).psk));
	},
});

/* ================================================================== */
/* Configured signature schemes and key shares (wt_config.sig_algs,    */
/* sign_algs, key_shares, no_key_shares; RFC 8446 4.2.3, 4.2.8, 4.4.3) */
/* ================================================================== */

const SIG = { p256: 0x0403, p384: 0x0503, p521: 0x0603, pss256: 0x0804, pss384: 0x0805, pss512: 0x0806 };
const keyShareExt = (group) => { const k = keyShare(group); return cat(u16(k.group), vec16(k.pub)); };

add({
	name: 'sigalgs ok: --sigalgs order is the signature_algorithms order',
	args: ['--sigalgs', 'rsa_pss_rsae_sha384,ecdsa_secp256r1_sha256,rsa_pss_rsae_sha256'], server: {}, expect: ok,
	check: (res, srv) => { assert.deepEqual(srv.notes.chSigAlgs, [SIG.pss384, SIG.p256, SIG.pss256]); },
});
add({
	// One list whatever the versions offered (46eeea7): the TLS 1.3
	// schemes, then RSA PKCS#1 v1.5 for TLS 1.2 ServerKeyExchange (never
	// accepted in a TLS 1.3 CertificateVerify: the sigalgs scenarios below).
	name: 'sigalgs ok: default signature_algorithms', server: {}, expect: ok,
	check: (res, srv) => {
		assert.deepEqual(srv.notes.chSigAlgs, [SIG.p256, SIG.p384, SIG.p521, SIG.pss256, SIG.pss384, SIG.pss512, 0x0401, 0x0501, 0x0601]);
	},
});
add({
	name: 'sigalgs ok: default signature_algorithms, the same with --min-version 1.3', args: ['--min-version', '1.3'], server: {}, expect: ok,
	check: (res, srv) => {
		assert.deepEqual(srv.notes.chSigAlgs, [SIG.p256, SIG.p384, SIG.p521, SIG.pss256, SIG.pss384, SIG.pss512, 0x0401, 0x0501, 0x0601]);
	},
});
add({
	name: 'sigalgs: server signs with a scheme we did not list (RSA-PSS, only ECDSA configured)',
	args: ['--sigalgs', 'ecdsa_secp256r1_sha256'], server: { cert: 'rsa2048' },
	expect: fail('illegal_parameter', 'certificate used with invalid signature algorithm'),
});
add({
	name: 'sigalgs: server signs rsa_pss_rsae_sha256, only rsa_pss_rsae_sha384 listed',
	args: ['--sigalgs', 'rsa_pss_rsae_sha384'], server: { cert: 'rsa2048', cvScheme: SIG.pss256 },
	expect: fail('illegal_parameter', 'certificate used with invalid signature algorithm'),
});
add({
	name: 'sigalgs ok: server signs with the one listed scheme', args: ['--sigalgs', 'rsa_pss_rsae_sha384', '--json'],
	server: { cert: 'rsa2048', cvScheme: SIG.pss384 }, expect: ok,
	check: (res) => { assert.equal(res.json?.sigalg, 'rsa_pss_rsae_sha384'); },
});
add({
	name: 'sigalgs: listed ECDSA scheme whose curve is not the leaf\'s (P-384 scheme, P-256 key)',
	args: ['--sigalgs', 'ecdsa_secp384r1_sha384,ecdsa_secp256r1_sha256'], server: { cvScheme: SIG.p384 },
	expect: fail('decrypt_error', 'invalid signature by the server certificate'),
});
// RFC 8446 4.2.3: rsa_pkcs1_* may be listed (TLS 1.2, certificates) but
// never sign a TLS 1.3 CertificateVerify, even when we listed it.
add({
	name: 'sigalgs ok: rsa_pkcs1_sha256 listed (sent in signature_algorithms)', args: ['--sigalgs', 'ecdsa_secp256r1_sha256,rsa_pkcs1_sha256'],
	server: {}, expect: ok,
	check: (res, srv) => { assert.deepEqual(srv.notes.chSigAlgs, [SIG.p256, 0x0401]); },
});
add({
	name: 'sigalgs: rsa_pkcs1_sha256 listed, CertificateVerify signed with it', args: ['--sigalgs', 'rsa_pkcs1_sha256,rsa_pss_rsae_sha256'],
	server: { cert: 'rsa2048', cvScheme: 0x0401 }, expect: fail('illegal_parameter', 'PKCS#1 v1.5 or SHA-1'),
});
add({
	name: 'sigalgs: rsa_pkcs1_sha1 configured -> bad_config naming it', args: ['--sigalgs', 'ecdsa_secp256r1_sha256,rsa_pkcs1_sha1'],
	server: {}, expect: quiet('bad_config', 'sig_algs: 0x0201 (rsa_pkcs1_sha1) is not supported'),
});
add({
	name: 'sigalgs: --sign-algs ecdsa_sha1 -> bad_config naming it', args: ['--sign-algs', 'ecdsa_sha1'],
	server: {}, expect: quiet('bad_config', 'sign_algs: 0x0203 (ecdsa_sha1) is not supported'),
});
// [name, --sign-algs (null: default), the CertificateRequest's schemes, the scheme we must sign with]
for (const [name, order, listed, want] of [
	['RSA key signs rsa_pss_rsae_sha384 first when preferred', 'rsa_pss_rsae_sha384,rsa_pss_rsae_sha256', [SIG.pss256, SIG.pss384], SIG.pss384],
	['default order signs rsa_pss_rsae_sha256 with the same request', null, [SIG.pss384, SIG.pss256], SIG.pss256],
	['a preferred scheme the server does not list is skipped', 'rsa_pss_rsae_sha512,rsa_pss_rsae_sha384', [SIG.pss256, SIG.pss384], SIG.pss384],
]) {
	add({
		name: `sign-algs ok: ${name}`,
		args: (p) => [...clientCert('rsa2048')(p), ...(order ? ['--sign-algs', order] : [])],
		server: crWith(...listed), expect: ok,
		check: (res, srv) => { assert.equal(srv.notes.clientCvScheme, want); assert.equal(srv.notes.clientCvOk, true); },
	});
}
add({
	name: 'sign-algs: no preferred scheme the server lists -> handshake_failure',
	args: (p) => [...clientCert('rsa2048')(p), '--sign-algs', 'rsa_pss_rsae_sha512'],
	server: crWith(SIG.pss256, SIG.pss384), expect: fail('handshake_failure', 'not usable with the server\'s signature_algorithms'),
});
add({
	name: 'sign-algs: P-256 key, only RSA-PSS preferred -> handshake_failure',
	args: (p) => [...clientCert('p256')(p), '--sign-algs', 'rsa_pss_rsae_sha256'],
	server: crWith(SIG.p256, SIG.pss256), expect: fail('handshake_failure', 'not usable with the server\'s signature_algorithms'),
});

add({
	name: 'key-shares ok: two shares sent, server picks the second without HRR',
	args: ['--groups', 'x25519,secp256r1,secp384r1', '--key-shares', 'x25519,secp256r1', '--json'],
	server: { group: GROUP.secp256r1 }, expect: ok,
	check: (res, srv) => {
		assert.deepEqual(srv.notes.chShareGroups, [GROUP.x25519, GROUP.secp256r1]);
		assert.equal(srv.notes.hrrSent, undefined);
		assert.equal(res.json?.group, 'secp256r1');
		assert.equal(res.json?.hrr, false);
	},
});
add({
	name: 'key-shares ok: three shares (P-521 first), server picks secp384r1',
	args: ['--groups', 'x25519,secp256r1,secp384r1,secp521r1', '--key-shares', 'secp521r1,secp384r1,x25519', '--json'],
	server: { group: GROUP.secp384r1 }, expect: ok,
	check: (res, srv) => {
		assert.deepEqual(srv.notes.chShareGroups, [GROUP.secp521r1, GROUP.secp384r1, GROUP.x25519]);
		assert.equal(res.json?.group, 'secp384r1');
	},
});
add({
	name: 'key-shares ok: none -> empty key_share, HRR, then success', args: ['--key-shares', 'none', '--json'],
	server: { group: GROUP.secp256r1 }, expect: ok,
	check: (res, srv) => {
		assert.deepEqual(srv.notes.chShareGroups, []);
		assert.ok(srv.notes.hrrSent);
		assert.deepEqual(srv.notes.ch2Groups, [GROUP.secp256r1]);
		assert.equal(res.json?.hrr, true);
	},
});
add({
	name: 'key-shares ok: secp521r1 key exchange', args: ['--groups', 'secp521r1', '--json'], server: {}, expect: ok,
	check: (res, srv) => { assert.deepEqual(srv.notes.chShareGroups, [GROUP.secp521r1]); assert.equal(res.json?.group, 'secp521r1'); },
});
add({
	name: 'key-shares ok: HRR to secp521r1', args: ['--groups', 'x25519,secp521r1'], server: { group: GROUP.secp521r1 }, expect: ok,
	check: (res, srv) => { assert.ok(srv.notes.hrrSent); assert.deepEqual(srv.notes.ch2Groups, [GROUP.secp521r1]); },
});
add({
	name: 'key-shares: HRR for the second group we already sent a share for',
	args: ['--groups', 'x25519,secp256r1', '--key-shares', 'x25519,secp256r1'], server: { hrr: { group: GROUP.secp256r1 } },
	expect: fail('illegal_parameter', 'unnecessary HelloRetryRequest key_share'),
});
add({
	name: 'key-shares: HRR for secp521r1 when it is not configured (opt-in group)', server: { hrr: { group: GROUP.secp521r1 } },
	expect: fail('illegal_parameter', 'server selected unsupported group'),
});
add({
	name: 'key-shares: ServerHello share for an offered group we sent no share for',
	args: ['--groups', 'x25519,secp256r1,secp384r1', '--key-shares', 'x25519,secp256r1'],
	server: sh((s) => { setExt(s.exts, EXT.KEY_SHARE, keyShareExt(GROUP.secp384r1)); }),
	expect: fail('illegal_parameter', 'server selected unsupported group'),
});
add({
	name: 'key-shares: none, ServerHello with a share anyway (no HRR)', args: ['--key-shares', 'none'],
	server: { script: async (conn, hs) => {
		const m = await conn.nextHandshake();
		const ch = parseClientHello(m);
		hs.notes.chShareGroups = ch.shares.map((x) => x.group);
		const shBuf = hsMsg(HS.SERVER_HELLO, cat(u16(0x0303), crypto.randomBytes(32), vec8(ch.sessionId), u16(0x1301), u8(0),
			encodeExts([[EXT.SUPPORTED_VERSIONS, u16(0x0304)], [EXT.KEY_SHARE, keyShareExt(GROUP.x25519)]])));
		conn.sendPlain(CT.HANDSHAKE, shBuf);
		await conn.nextRecord();
	} },
	expect: fail('illegal_parameter', 'server selected unsupported group'),
	check: (res, srv) => { assert.deepEqual(srv.notes.chShareGroups, []); },
});
add({
	name: 'key-shares: a share for a group outside --groups -> bad_config', args: ['--groups', 'x25519', '--key-shares', 'secp384r1'],
	server: {}, expect: quiet('bad_config', 'key_shares: 0x0018 (secp384r1) is not in groups'),
});

/* ================================================================== */
/* Post-quantum: X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem; RFC 8446  */
/* 4.1.4, 4.2.8; wt_kex_derive). Our share: ML-KEM-768 encapsulation   */
/* key (1184) || X25519 key (32); the server's: ciphertext (1088) ||   */
/* X25519 key; the secret: ML-KEM secret || X25519 secret. This server */
/* has no ML-KEM (Node 20): by default it answers with x25519/NIST     */
/* shares (COMPUTABLE_GROUPS in server.mjs), and a hybrid share it     */
/* sends carries a ciphertext whose secret it does not know.           */
/* ================================================================== */

const PQ = GROUP.X25519MLKEM768;
/** Client args: X25519MLKEM768 first, then x25519 (a share for each). */
const pqArgs = (...more) => ['--groups', 'X25519MLKEM768,x25519', ...more];
const bothShares = (res, srv) => {
	assert.deepEqual(srv.notes.chShareGroups, [PQ, GROUP.x25519]);
	assert.deepEqual(srv.notes.chShareLens, [MLKEM768.clientShareLen, 32]);
};
/** A hybrid ServerHello share: ciphertext || X25519 key. */
const hybridShare = (ct, x = keyShare(GROUP.x25519).pub) => cat(ct, x);
/** The client's --keylog file for a scenario (in the PKI directory, which
 * every front end can write), read by the server (S.keylog) when the
 * client's handshake keys are not its own, removed by check(). */
const keylogFile = (tag) => {
	let path = null;
	return {
		args: (p) => { path = join(p.dir, `hostile-keylog-${tag}-${process.pid}.txt`); return ['--keylog', path]; },
		file: () => path,
		remove: () => { if (path) rmSync(path, { force: true }); },
	};
};

add({
	name: 'pq ok: X25519MLKEM768 and x25519 shares, server picks x25519', args: pqArgs('--json'), server: {}, expect: ok,
	check: (res, srv) => {
		bothShares(res, srv);
		assert.equal(srv.notes.hrrSent, undefined);
		assert.equal(res.json?.group, 'x25519');
		assert.equal(res.json?.hrr, false);
	},
});
add({
	name: 'pq ok: only an X25519MLKEM768 share, server asks for x25519 (HRR)',
	args: pqArgs('--key-shares', 'X25519MLKEM768', '--json'), server: {}, expect: ok,
	check: (res, srv) => {
		assert.deepEqual(srv.notes.chShareGroups, [PQ]);
		assert.ok(srv.notes.hrrSent);
		assert.deepEqual(srv.notes.ch2Groups, [GROUP.x25519]);
		assert.equal(res.json?.group, 'x25519');
		assert.equal(res.json?.hrr, true);
	},
});

// 1. The server's share of the wrong length (wt_kex_derive: one length
// per group, before any ML-KEM or X25519 work).
for (const [n, what] of [[1119, '1119 bytes'], [1121, '1121 bytes'], [32, '32 bytes (an X25519 key alone)'],
	[1088, '1088 bytes (a ciphertext alone)'], [1216, '1216 bytes (a client-sized share)'], [0, '0 bytes']]) {
	add({
		name: `pq sh: X25519MLKEM768 share of ${what}`, args: pqArgs(),
		server: badShare(PQ, Buffer.alloc(n, 0x5a)), expect: fail('illegal_parameter', 'invalid server key share'),
		check: bothShares,
	});
}
// 2. A low-order X25519 half (RFC 8446 7.4.2, RFC 7748 6.1: an all-zero
// X25519 output is refused, here after an ML-KEM decapsulation that
// cannot fail).
add({
	name: 'pq sh: X25519MLKEM768 share whose X25519 half is all zeros', args: pqArgs(),
	server: badShare(PQ, hybridShare(crypto.randomBytes(MLKEM768.ctLen), Buffer.alloc(32))),
	expect: fail('illegal_parameter', 'invalid server key share'), check: bothShares,
});
add({
	name: 'pq sh: X25519MLKEM768 share whose X25519 half is a small-order point (order 8)', args: pqArgs(),
	server: badShare(PQ, hybridShare(crypto.randomBytes(MLKEM768.ctLen),
		Buffer.from('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', 'hex'))),
	expect: fail('illegal_parameter', 'invalid server key share'), check: bothShares,
});
add({
	name: 'pq sh: X25519MLKEM768 share of 1120 zero bytes', args: pqArgs(),
	server: badShare(PQ, Buffer.alloc(MLKEM768.serverShareLen)),
	expect: fail('illegal_parameter', 'invalid server key share'), check: bothShares,
});

// 3. A random ciphertext with a valid X25519 key: the client decapsulates
// it to its implicit-rejection secret (FIPS 203 7.3), which the server
// cannot have; the server's flight, under keys from its own stand-in
// secret, fails the client's AEAD on the first encrypted record. The
// client's alert goes out under its handshake key, read back through its
// key log.
for (const [tag, label, more] of [
	['pqrand', 'random ciphertext', {}],
	['pqzero', 'all-zero ciphertext', { ct: Buffer.alloc(MLKEM768.ctLen) }],
	['pqff', 'all-0xff ciphertext (coefficients out of range)', { ct: Buffer.alloc(MLKEM768.ctLen, 0xff) }],
]) {
	const kl = keylogFile(tag);
	add({
		name: `pq sh: X25519MLKEM768 ${label} + valid X25519 key -> implicit rejection, bad_record_mac`,
		args: (p) => [...pqArgs(), ...kl.args(p)],
		server: {
			group: PQ, keylog: kl.file,
			...(more.ct ? sh((s) => { s.share = keyShare(PQ, { ciphertext: more.ct }); setExt(s.exts, EXT.KEY_SHARE, cat(u16(PQ), vec16(s.share.pub))); }) : {}),
		},
		expect: fail('bad_record_mac'),
		check: (res, srv) => {
			kl.remove();
			bothShares(res, srv);
			assert.equal(srv.notes.hrrSent, undefined);
			assert.deepEqual(srv.alerts.map((a) => a.prot), ['hs-keylog'], 'the alert came under the client\'s own handshake key');
		},
	});
}

// 4. HelloRetryRequest for X25519MLKEM768 (offered, no share sent): the
// second ClientHello carries exactly that one 1216-byte share; the
// ServerHello then ends the scenario deterministically.
const hrrToPq = (res, srv) => {
	assert.deepEqual(srv.notes.chShareGroups, [GROUP.x25519]);
	assert.ok(srv.notes.hrrSent);
	assert.deepEqual(srv.notes.ch2Groups, [PQ]);
	assert.deepEqual(srv.notes.ch2ShareLens, [MLKEM768.clientShareLen]);
	assert.deepEqual(srv.notes.ch2SupportedGroups, [PQ, GROUP.x25519]);
};
add({
	name: 'pq hrr: HRR to X25519MLKEM768 (x25519 share only) -> one 1216-byte share; then a share of 1119 bytes',
	args: pqArgs('--key-shares', 'x25519'),
	server: { group: PQ, ...badShare(PQ, Buffer.alloc(1119, 0x5a)) },
	expect: fail('illegal_parameter', 'invalid server key share'), check: hrrToPq,
});
add({
	name: 'pq hrr: HRR to X25519MLKEM768 (x25519 share only) -> one 1216-byte share; then X25519 half all zeros',
	args: pqArgs('--key-shares', 'x25519'),
	server: { group: PQ, ...badShare(PQ, hybridShare(crypto.randomBytes(MLKEM768.ctLen), Buffer.alloc(32))) },
	expect: fail('illegal_parameter', 'invalid server key share'), check: hrrToPq,
});
{
	const kl = keylogFile('pqhrr');
	add({
		name: 'pq hrr: HRR to X25519MLKEM768 (x25519 share only), then a random ciphertext -> bad_record_mac',
		args: (p) => [...pqArgs('--key-shares', 'x25519'), ...kl.args(p)],
		server: { group: PQ, keylog: kl.file },
		expect: fail('bad_record_mac'),
		check: (res, srv) => {
			kl.remove();
			hrrToPq(res, srv);
			assert.deepEqual(srv.alerts.map((a) => a.prot), ['hs-keylog']);
		},
	});
}
add({
	name: 'pq hrr: HRR to X25519MLKEM768 after an empty key_share -> one 1216-byte share; then a share of 1121 bytes',
	args: pqArgs('--key-shares', 'none'),
	server: { group: PQ, ...badShare(PQ, Buffer.alloc(1121, 0x5a)) },
	expect: fail('illegal_parameter', 'invalid server key share'),
	check: (res, srv) => {
		assert.deepEqual(srv.notes.chShareGroups, []);
		assert.deepEqual(srv.notes.ch2Groups, [PQ]);
		assert.deepEqual(srv.notes.ch2ShareLens, [MLKEM768.clientShareLen]);
	},
});
add({
	name: 'pq hrr: HRR to X25519MLKEM768, ServerHello answers with x25519 instead',
	args: pqArgs('--key-shares', 'x25519'),
	server: { group: PQ, ...sh((s) => { setExt(s.exts, EXT.KEY_SHARE, keyShareExt(GROUP.x25519)); }) },
	expect: fail('illegal_parameter', 'server selected unsupported group'), check: hrrToPq,
});

// 5. HRR for X25519MLKEM768 when we already sent its share (RFC 8446 4.1.4).
add({
	name: 'pq hrr: HRR to X25519MLKEM768, whose share we sent (with x25519)', args: pqArgs(),
	server: { hrr: { group: PQ } }, expect: fail('illegal_parameter', 'unnecessary HelloRetryRequest key_share'),
	check: bothShares,
});
add({
	name: 'pq hrr: HRR to X25519MLKEM768, whose share was our only one', args: pqArgs('--key-shares', 'X25519MLKEM768'),
	server: { hrr: { group: PQ } }, expect: fail('illegal_parameter', 'unnecessary HelloRetryRequest key_share'),
	check: (res, srv) => { assert.deepEqual(srv.notes.chShareGroups, [PQ]); },
});

// 6. HRR for a post-quantum group we did not offer.
// (explicit classical --groups: X25519MLKEM768 is becoming the default)
const classical = ['--groups', 'x25519,secp256r1,secp384r1'];
add({
	name: 'pq hrr: HRR to X25519MLKEM768, not offered (--groups x25519,secp256r1,secp384r1)', args: classical,
	server: { hrr: { group: PQ } }, expect: fail('illegal_parameter', 'server selected unsupported group'),
	check: (res, srv) => { assert.deepEqual(srv.notes.chShareGroups, [GROUP.x25519]); },
});
add({
	name: 'pq hrr: HRR to X25519MLKEM768, not offered (--groups x25519,secp256r1)', args: ['--groups', 'x25519,secp256r1'],
	server: { hrr: { group: PQ } }, expect: fail('illegal_parameter', 'server selected unsupported group'),
});
add({
	name: 'pq hrr: HRR to MLKEM1024, only X25519MLKEM768 offered', args: pqArgs('--key-shares', 'x25519'),
	server: { hrr: { group: GROUP.MLKEM1024 } }, expect: fail('illegal_parameter', 'server selected unsupported group'),
});

// 7. A ServerHello with a (well-formed, 1120-byte) hybrid share we sent no
// share for.
const pqShareExt = () => cat(u16(PQ), vec16(keyShare(PQ).pub));
add({
	name: 'pq sh: X25519MLKEM768 share, offered in supported_groups but no share sent', args: pqArgs('--key-shares', 'x25519'),
	server: sh((s) => { setExt(s.exts, EXT.KEY_SHARE, pqShareExt()); }),
	expect: fail('illegal_parameter', 'server selected unsupported group'),
	check: (res, srv) => { assert.deepEqual(srv.notes.chShareGroups, [GROUP.x25519]); },
});
add({
	name: 'pq sh: X25519MLKEM768 share, not offered (--groups x25519,secp256r1,secp384r1)', args: classical,
	server: sh((s) => { setExt(s.exts, EXT.KEY_SHARE, pqShareExt()); }),
	expect: fail('illegal_parameter', 'server selected unsupported group'),
});
add({
	// the first ClientHello's hybrid share is gone after an HRR to
	// secp256r1: the second carries only the P-256 share (RFC 8446 4.1.2)
	name: 'pq sh: X25519MLKEM768 share after an HRR to secp256r1 (its share was only in the first ClientHello)',
	args: ['--groups', 'X25519MLKEM768,x25519,secp256r1'],
	server: { ...hrrG(GROUP.secp256r1), ...sh((s) => { setExt(s.exts, EXT.KEY_SHARE, pqShareExt()); }) },
	expect: fail('illegal_parameter', 'server selected unsupported group'),
	check: (res, srv) => { bothShares(res, srv); assert.deepEqual(srv.notes.ch2Groups, [GROUP.secp256r1]); },
});

/* ================================================================== */
/* TLS 1.2 (scenarios12.mjs, the server's TLS 1.2 mode)                */
/* ================================================================== */
scenarios.push(...scenarios12);
