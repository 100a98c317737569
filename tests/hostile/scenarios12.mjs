// Hostile-server scenarios for the TLS 1.2 client (src/hs12.c, the TLS 1.2
// parts of src/hs13.c pick_tls_version, src/record.c and src/engine.c),
// against the server's TLS 1.2 mode (server12.mjs). Appended to
// scenarios.mjs's table (same fields, same runner, every build).
//
// The client offers TLS 1.2 and 1.3 by default: the server answering in
// TLS 1.2 is what selects it, so most scenarios need no client option.
// Alerts: as Go's handshake_client.go sends them (src/hs12.c ports it),
// which RFC 5246 leaves to the implementation in most places; every
// failure here is fatal except the no_renegotiation warning.
import crypto from 'node:crypto';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import {
	CT, HS, EXT, GROUP, u8, u16, u32, cat, vec8, vec16, vec24, hsMsg, encodeExts, echo, parseClientHello, parseSessionBlob,
} from './server.mjs';
import { HS12, SUITES12, helloRequest, sendFlight12 } from './server12.mjs';

const A = {
	close_notify: 0, unexpected_message: 10, bad_record_mac: 20, record_overflow: 22, handshake_failure: 40,
	bad_certificate: 42, illegal_parameter: 47, decode_error: 50, decrypt_error: 51, protocol_version: 70,
	internal_error: 80, no_renegotiation: 100, unsupported_extension: 110,
};
const fail = (name, reason) => ({ errorName: name, reasonIncludes: reason, alert: A[name], exitNonZero: true });
const quiet = (name, reason) => ({ errorName: name, reasonIncludes: reason, alert: null, exitNonZero: true });
const ok = { errorName: null, reasonIncludes: null, alert: 0, exitNonZero: false };

export const scenarios12 = [];
const add = (s) => { scenarios12.push(s); };

/** server: a TLS 1.2 handshake with hooks T. */
const t12 = (T = {}) => ({ tls12: T });
const setExt = (exts, type, data) => {
	const i = exts.findIndex((e) => e[0] === type);
	if (i >= 0) exts[i] = [type, data]; else exts.push([type, data]);
	return exts;
};
const dropExt = (exts, type) => exts.filter((e) => e[0] !== type);
/** Edit the ServerHello. */
const sh12 = (fn, T = {}) => t12({ ...T, serverHello: fn });
/** Replace the first flight: fn(byName, hs) -> [item]. */
const flight12 = (fn, T = {}) => t12({
	...T,
	messages: (list, hs) => fn(Object.fromEntries(list.map((x) => [x.name, x.buf ?? x])), hs),
});
/** Replace our last flight (after the client's Finished). */
const flight2 = (fn, T = {}) => t12({
	...T,
	flight2: (list, hs) => fn(Object.fromEntries(list.map((x) => [x.name, x.buf ?? x])), hs),
});
const CCS = { ccs: true };
const flipLast = (b) => { const c = Buffer.from(b); c[c.length - 1] ^= 1; return c; };
const SIG = { p256: 0x0403, p384: 0x0503, p521: 0x0603, pss256: 0x0804, pss384: 0x0805, pss512: 0x0806,
	pkcs256: 0x0401, pkcs384: 0x0501, pkcs512: 0x0601 };
/** The server's notes say a TLS 1.2 handshake completed. */
const done12 = (extra = {}) => (res, srv) => {
	assert.equal(srv.notes.version, 0x0303, 'the server ran TLS 1.2');
	assert.equal(srv.notes.clientFinishedOk, true);
	assert.equal(srv.notes.echoed, 6, 'application data echoed under the TLS 1.2 keys');
	for (const [k, v] of Object.entries(extra)) assert.deepEqual(srv.notes[k], v, `notes.${k}`);
};

/* ================================================================== */
/* Positive controls                                                   */
/* ================================================================== */

for (const [id, s] of Object.entries(SUITES12)) {
	add({
		name: `tls12 ok: suite ${s.name}`, args: ['--json'],
		server: t12({ suite: Number(id), cert: s.auth === 'rsa' ? 'rsa2048' : 'p256' }), expect: ok,
		check: (res, srv) => {
			done12({ suite: Number(id), ems: true })(res, srv);
			assert.equal(res.json?.cipher, s.name);
		},
	});
}
for (const g of ['x25519', 'secp256r1', 'secp384r1']) {
	add({
		name: `tls12 ok: group ${g}`, args: ['--groups', g, '--json'], server: t12(), expect: ok,
		check: (res, srv) => { done12({ group: GROUP[g] })(res, srv); assert.equal(res.json?.group, g); },
	});
}
add({
	name: 'tls12 ok: server picks secp384r1, the last of our default groups', args: ['--json'],
	server: t12({ group: GROUP.secp384r1, cert: 'p384', suite: 0xc02c }), expect: ok,
	check: (res, srv) => { done12({ group: GROUP.secp384r1 })(res, srv); assert.equal(res.json?.group, 'secp384r1'); },
});
add({
	name: 'tls12 ok: RSA certificate, ServerKeyExchange signed rsa_pkcs1_sha256', args: ['--json'],
	server: t12({ cert: 'rsa2048', skeScheme: SIG.pkcs256 }), expect: ok,
	check: (res, srv) => { done12()(res, srv); assert.equal(res.json?.sigalg, 'rsa_pkcs1_sha256'); },
});
add({
	name: 'tls12 ok: RSA certificate, ServerKeyExchange signed rsa_pss_rsae_sha512',
	server: t12({ cert: 'rsa2048', skeScheme: SIG.pss512 }), expect: ok, check: done12(),
});
add({
	name: 'tls12 ok: P-384 certificate, ServerKeyExchange signed ecdsa_secp384r1_sha384', args: ['--json'],
	server: t12({ cert: 'p384' }), expect: ok,
	check: (res, srv) => { done12()(res, srv); assert.equal(res.json?.sigalg, 'ecdsa_secp384r1_sha384'); },
});
add({
	// RFC 7627: the default; without it (below) the handshake works but
	// the session is not kept.
	name: 'tls12 ok: extended_master_secret offered and used, the ticket stored as a session', sessOut: true,
	server: t12({ ticket: true }), expect: ok,
	check: (res, srv, ctx) => {
		done12({ ems: true, ticketsSent: 1 })(res, srv);
		assert.ok(srv.notes.chExts.includes(EXT.EXTENDED_MS), 'extended_master_secret in the ClientHello');
		assert.ok(existsSync(ctx.sessOut), 'session written');
		assert.ok(SUITES12[parseSessionBlob(readFileSync(ctx.sessOut)).suite], 'a TLS 1.2 suite in the session');
	},
});
add({
	// RFC 7627 5.3: a session without the extended master secret is never
	// resumed, so the client does not keep it (Go keeps it and refuses to
	// resume it; same effect).
	name: 'tls12 ok: no extended_master_secret -> full handshake works, no session stored', sessOut: true,
	server: t12({ ems: false, ticket: true }), expect: ok,
	check: (res, srv, ctx) => {
		done12({ ems: false, ticketsSent: 1 })(res, srv);
		assert.ok(!existsSync(ctx.sessOut), 'no session written');
	},
});
add({
	name: 'tls12 ok: NewSessionTicket with an empty ticket -> nothing stored', sessOut: true,
	server: t12({ ticket: { ticket: Buffer.alloc(0) } }), expect: ok,
	check: (res, srv, ctx) => { done12({ ticketsSent: 1 })(res, srv); assert.ok(!existsSync(ctx.sessOut)); },
});
add({
	name: 'tls12 ok: ServerHello with no extensions (no EMS, no renegotiation_info)',
	server: sh12((s) => { s.exts = null; }), expect: ok, check: done12({ ems: false }),
});
add({
	// RFC 5746 4.1: a server without secure renegotiation omits it; the
	// client never renegotiates, so it goes on (as Go).
	name: 'tls12 ok: renegotiation_info missing', server: sh12((s) => { s.exts = dropExt(s.exts, EXT.RENEGOTIATION_INFO); }),
	expect: ok, check: done12(),
});
add({
	name: 'tls12 ok: ec_point_formats missing', server: sh12((s) => { s.exts = dropExt(s.exts, EXT.EC_POINT_FORMATS); }),
	expect: ok, check: done12(),
});
add({
	name: 'tls12 ok: ec_point_formats lists uncompressed after the compressed formats',
	server: sh12((s) => { setExt(s.exts, EXT.EC_POINT_FORMATS, vec8(Buffer.from([1, 2, 0]))); }), expect: ok, check: done12(),
});
add({
	name: 'tls12 ok: ALPN negotiated', args: ['--alpn', 'h2,http/1.1', '--json'], server: t12({ alpn: 'http/1.1' }), expect: ok,
	check: (res, srv) => { done12()(res, srv); assert.equal(res.json?.alpn, 'http/1.1'); },
});
add({
	name: 'tls12 ok: ALPN offered, server answers without it', args: ['--alpn', 'h2', '--json'], server: t12({ alpn: false }), expect: ok,
	check: (res, srv) => { done12()(res, srv); assert.equal(res.json?.alpn ?? null, null); },
});
add({
	name: 'tls12 ok: server_name acknowledged', server: sh12((s) => { s.exts.push([EXT.SERVER_NAME, Buffer.alloc(0)]); }),
	expect: ok, check: done12(),
});
add({
	// RFC 8449 4: in TLS 1.2 the limit counts plaintext bytes.
	name: 'tls12 ok: record_size_limit 256 -> client records of at most 256 plaintext bytes',
	input: 'r'.repeat(999) + '\n', server: sh12((s) => { s.exts.push([28, u16(256)]); }), expect: ok,
	check: (res, srv) => {
		assert.equal(res.stdout, 'r'.repeat(999) + '\n');
		const app = srv.records.filter((r) => r.prot === 'app12' && r.ctype === CT.APP);
		assert.ok(app.length >= 4, `${app.length} application records`);
		for (const r of app) assert.ok(r.content.length <= 256, `a record of ${r.content.length} bytes`);
	},
});
const OCSP_DER = Buffer.from('30030a0100', 'hex');   // OCSPResponse {successful}
add({
	name: 'tls12 ok: CertificateStatus (stapled OCSP) after status_request was acknowledged', args: ['--ocsp', '--json'],
	server: t12({ ocsp: OCSP_DER }), expect: ok,
	check: (res, srv) => { done12()(res, srv); assert.equal(res.json?.ocsp_response, OCSP_DER.toString('base64')); },
});
add({
	// RFC 6066 8: the server MAY send no CertificateStatus after all.
	name: 'tls12 ok: status_request acknowledged, no CertificateStatus', args: ['--ocsp', '--json'],
	server: flight12((m) => [m.sh, m.cert, m.ske, m.shd], { ocsp: OCSP_DER }), expect: ok,
	check: (res, srv) => { done12()(res, srv); assert.equal(res.json?.ocsp_response, null); },
});
const SCT_LIST = vec16(cat(vec16(Buffer.from('sct-one')), vec16(Buffer.from('sct-two'))));
add({
	// RFC 6962 3.3.1: in TLS 1.2 the SCT list comes in the ServerHello.
	name: 'tls12 ok: signed_certificate_timestamp in the ServerHello (--sct)', args: ['--sct', '--json'],
	server: sh12((s) => { s.exts.push([EXT.SCT, SCT_LIST]); }), expect: ok,
	check: (res, srv) => { done12()(res, srv); assert.equal(res.json?.sct_list, SCT_LIST.toString('base64')); },
});
add({
	name: 'tls12 sh: empty signed_certificate_timestamp list (--sct)', args: ['--sct'],
	server: sh12((s) => { s.exts.push([EXT.SCT, u16(0)]); }), expect: fail('decode_error', 'malformed signed_certificate_timestamp'),
});
add({
	name: 'tls12 ok: first flight in 1-byte records',
	server: t12({ sendFlight: (conn, list) => { conn.sendHandshake(cat(...list.map((m) => m.buf)), { frag: 1 }); } }),
	expect: ok, check: done12(),
});
add({
	name: 'tls12 ok: first flight coalesced in one record',
	server: t12({ sendFlight: (conn, list) => { conn.send(CT.HANDSHAKE, cat(...list.map((m) => m.buf))); } }),
	expect: ok, check: done12(),
});
add({
	// RFC 5288 3: the explicit nonce is the sender's choice; the client
	// takes it from each record as sent.
	// (suite pinned: the wasm build prefers ChaCha20-Poly1305)
	name: 'tls12 ok: random AES-GCM explicit nonces', server: t12({ suite: 0xc02b, explicitNonce: () => crypto.randomBytes(8) }),
	expect: ok, check: done12(),
});
add({
	// RFC 5246 7.2: warnings do not end the connection; the client drops
	// them (as Go), up to 32 in a row.
	name: 'tls12 ok: warning alerts between the server\'s handshake messages',
	server: flight12((m) => [m.sh, { alert: [1, 112] }, m.cert, { alert: [1, 112] }, { alert: [1, 41] }, m.ske, m.shd]),
	expect: ok, check: done12(),
});
add({
	name: 'tls12 ok: 32 warning alerts in a row (the limit)',
	server: flight12((m) => [m.sh, m.cert, ...Array.from({ length: 32 }, () => ({ alert: [1, 112] })), m.ske, m.shd]),
	expect: ok, check: done12(),
});
add({
	name: 'tls12 ok: CertificateRequest answered with an empty Certificate',
	server: t12({ certRequest: {} }), expect: ok,
	check: (res, srv) => {
		done12()(res, srv);
		assert.equal(srv.notes.clientCertificate, hsMsg(HS.CERTIFICATE, vec24(Buffer.alloc(0))).toString('hex'));
		assert.equal(srv.notes.clientCvScheme, undefined, 'no CertificateVerify');
	},
});
const clientCert = (name) => (p) => ['--cert', p.client[name].chain, '--key', p.client[name].key];
for (const [key, schemes, want] of [
	['p256', [SIG.p256, SIG.pss256], SIG.p256],
	['p384', [SIG.pss256, SIG.p384], SIG.p384],
	['rsa2048', [SIG.p256, SIG.pss256, SIG.pkcs256], SIG.pss256],
]) {
	add({
		name: `tls12 ok: client certificate (${key}) signs CertificateVerify with 0x${want.toString(16).padStart(4, '0')}`,
		args: clientCert(key), server: t12({ certRequest: { schemes } }), expect: ok,
		check: (res, srv) => {
			done12({ clientCvScheme: want, clientCvOk: true })(res, srv);
			assert.ok(srv.notes.clientCertificate.length > 200, 'a certificate chain sent');
		},
	});
}
add({
	// RFC 5246 7.4.8: TLS 1.2 lets an RSA key sign CertificateVerify with
	// PKCS#1 v1.5; a server that lists only that still gets a client
	// certificate (Go's client signs PKCS#1 v1.5 here:
	// signatureSchemesForCertificate lists it after RSA-PSS in TLS 1.2).
	name: 'tls12 ok: client certificate (rsa2048), server lists only rsa_pkcs1_sha256',
	args: clientCert('rsa2048'), server: t12({ certRequest: { schemes: [SIG.pkcs256] } }), expect: ok,
	check: done12({ clientCvScheme: SIG.pkcs256, clientCvOk: true }),
});
add({
	name: 'tls12 ok: client certificate (rsa2048) with --sign-algs rsa_pkcs1_sha256, server lists only that',
	args: (p) => [...clientCert('rsa2048')(p), '--sign-algs', 'rsa_pss_rsae_sha256,rsa_pkcs1_sha256'],
	server: t12({ certRequest: { schemes: [SIG.pkcs256] } }), expect: ok,
	check: done12({ clientCvScheme: SIG.pkcs256, clientCvOk: true }),
});

/* --- resumption (RFC 5077) ------------------------------------------ */
// The first connection gets a ticket from a TLS 1.2 server; the scenario
// then runs with --sess-in: session_ticket carries it, with a session ID
// the server echoes to resume (RFC 5077 3.4).
const session12 = (T = {}) => ({ server: t12({ ticket: true, ...T }) });
add({
	name: 'tls12 ok: resumption by session ticket (abbreviated handshake)', session: session12(), args: ['--json'],
	server: t12({ resume: true, ticket: true }), expect: ok,
	check: (res, srv) => {
		done12({ resumed: true, ticketKnown: true, ticketsSent: 1 })(res, srv);
		assert.equal(srv.notes.chSessionIdLen, 32, 'a session ID with the ticket');
		assert.equal(res.json?.resumed, true);
	},
});
add({
	name: 'tls12 ok: resumption without a new ticket', session: session12(), args: ['--json'],
	server: t12({ resume: true }), expect: ok,
	check: (res, srv) => { done12({ resumed: true })(res, srv); assert.equal(res.json?.resumed, true); },
});
add({
	name: 'tls12 ok: resumption, ServerHello in 1-byte records', session: session12(),
	server: t12({ resume: true, sendFlight: (conn, list, hs) => {
		conn.sendHandshake(list[0].buf, { frag: 1 });
		sendFlight12(conn, list.slice(1), hs);
	} }),
	expect: ok, check: done12({ resumed: true }),
});
add({
	name: 'tls12 ok: ticket offered, server declines (full handshake, new ticket)', session: session12(), args: ['--json'],
	server: t12({ ticket: true }), expect: ok, sessOut: true,
	check: (res, srv, ctx) => {
		done12({ resumed: false })(res, srv);
		assert.ok(srv.notes.chTicketLen > 0, 'the ticket was offered');
		assert.equal(res.json?.resumed, false);
		assert.ok(existsSync(ctx.sessOut), 'the new session is written');
	},
});
add({
	name: 'tls12 ok: a TLS 1.2 session offered to a TLS 1.3 server -> full TLS 1.3 handshake',
	session: session12(), args: ['--json'], server: {}, expect: ok,
	check: (res, srv) => { assert.equal(res.json?.resumed, false); assert.equal(srv.notes.version, undefined); },
});
add({
	name: 'tls12 ok: a TLS 1.3 session offered to a TLS 1.2 server -> full TLS 1.2 handshake',
	session: {}, args: ['--json'], server: t12({ resume: true }), expect: ok,
	check: (res, srv) => {
		done12({ resumed: false })(res, srv);
		assert.equal(srv.notes.chTicketLen, 0, 'session_ticket empty: no TLS 1.2 ticket to offer');
		assert.equal(res.json?.resumed, false);
	},
});
add({
	// RFC 8446 4.1.3: only a client that offered TLS 1.3 checks the
	// sentinel; with TLS 1.2 suites only, it is just random bytes.
	name: 'tls12 ok: DOWNGRD\\x01 in the random when only TLS 1.2 is offered',
	args: ['--ciphers', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
	server: sh12((s) => { Buffer.from('444f574e47524401', 'hex').copy(s.random, 24); }), expect: ok,
	check: (res, srv) => {
		done12()(res, srv);
		assert.ok(!srv.notes.chExts.includes(EXT.SUPPORTED_VERSIONS), 'no supported_versions in a TLS 1.2-only ClientHello');
		assert.ok(!srv.notes.chExts.includes(EXT.KEY_SHARE), 'no key_share in a TLS 1.2-only ClientHello');
	},
});
add({
	name: 'tls12 ok: --min-version 1.2 (the default) against a TLS 1.2 server', args: ['--min-version', '1.2'],
	server: t12(), expect: ok, check: done12(),
});

/* ================================================================== */
/* ServerHello: version and downgrade (hs13.c pick_tls_version)        */
/* ================================================================== */

const DOWNGRD = (last) => Buffer.from(`444f574e475244${last}`, 'hex');
add({
	// RFC 8446 4.1.3: a TLS 1.3 client that gets a TLS 1.2 ServerHello
	// with this random has been downgraded by an attacker.
	name: 'tls12 sh: DOWNGRD\\x01 sentinel in the random', server: sh12((s) => { DOWNGRD('01').copy(s.random, 24); }),
	expect: fail('illegal_parameter', 'downgrade attempt detected'),
});
add({
	name: 'tls12 sh: DOWNGRD\\x00 (the TLS 1.1 sentinel) in a TLS 1.2 ServerHello',
	server: sh12((s) => { DOWNGRD('00').copy(s.random, 24); }), expect: fail('illegal_parameter', 'downgrade attempt detected'),
});
add({
	name: 'tls12 sh: TLS 1.1 ServerHello', server: sh12((s) => { s.vers = 0x0302; }),
	expect: fail('protocol_version', 'unsupported protocol version (we offer TLS 1.2 and 1.3)'),
});
add({
	name: 'tls12 sh: TLS 1.1 ServerHello with the DOWNGRD\\x00 sentinel',
	server: sh12((s) => { s.vers = 0x0302; DOWNGRD('00').copy(s.random, 24); }), expect: fail('illegal_parameter', 'downgrade attempt detected'),
});
add({ name: 'tls12 sh: TLS 1.0 ServerHello', server: sh12((s) => { s.vers = 0x0301; }), expect: fail('protocol_version', 'unsupported protocol version') });
add({ name: 'tls12 sh: SSL 3.0 ServerHello', server: sh12((s) => { s.vers = 0x0300; }), expect: fail('protocol_version', 'unsupported protocol version') });
add({
	name: 'tls12 sh: TLS 1.2 ServerHello to a TLS 1.3-only client (--min-version 1.3)', args: ['--min-version', '1.3'],
	server: t12(), offers12: false, expect: fail('protocol_version', 'unsupported protocol version (we offer TLS 1.3 only)'),
	check: (res, srv) => { assert.ok(!srv.notes.chExts.includes(EXT.EXTENDED_MS), 'no TLS 1.2 extensions offered'); },
});
add({
	name: 'tls12 sh: TLS 1.2 ServerHello to a TLS 1.3-only client (TLS 1.3 suites only)', args: ['--ciphers', 'TLS_AES_128_GCM_SHA256'],
	server: t12(), offers12: false, expect: fail('protocol_version', 'unsupported protocol version (we offer TLS 1.3 only)'),
});
add({
	// RFC 8446 4.2.1: supported_versions in a ServerHello names TLS 1.3.
	name: 'tls12 sh: supported_versions 0x0303 in a TLS 1.2 ServerHello',
	server: sh12((s) => { s.exts.push([EXT.SUPPORTED_VERSIONS, u16(0x0303)]); }),
	expect: fail('illegal_parameter', 'supported_versions with a version prior to TLS 1.3'),
});

/* ================================================================== */
/* ServerHello: the rest (hs12.c wt_hs12_server_hello)                 */
/* ================================================================== */

add({
	// RFC 5746 3.4: on an initial handshake renegotiated_connection is
	// empty (Go: handshake_failure).
	name: 'tls12 sh: non-empty renegotiation_info',
	server: sh12((s) => { setExt(s.exts, EXT.RENEGOTIATION_INFO, vec8(Buffer.alloc(12, 1))); }),
	expect: fail('handshake_failure', 'non-empty renegotiation extension'),
});
add({
	name: 'tls12 sh: malformed renegotiation_info (length overruns)',
	server: sh12((s) => { setExt(s.exts, EXT.RENEGOTIATION_INFO, Buffer.from([5, 0])); }), expect: fail('decode_error', 'malformed ServerHello'),
});
// RFC 5246 7.4.1.4: an extension we did not request is unsupported_extension;
// RFC 8446 4.2: a TLS 1.3 one we did send, in a TLS 1.2 ServerHello, is
// not allowed there (illegal_parameter).
add({
	name: 'tls12 sh: unsolicited key_share', server: sh12((s) => { s.exts.push([EXT.KEY_SHARE, cat(u16(GROUP.x25519), vec16(Buffer.alloc(32, 9)))]); }),
	expect: fail('illegal_parameter', 'TLS 1.3 extension in a TLS 1.2 ServerHello'),
});
add({
	name: 'tls12 sh: pre_shared_key (none offered)', server: sh12((s) => { s.exts.push([EXT.PRE_SHARED_KEY, u16(0)]); }),
	expect: fail('unsupported_extension', 'did not offer in ServerHello'),
});
add({
	name: 'tls12 sh: unknown extension 0x7777', server: sh12((s) => { s.exts.push([0x7777, Buffer.from('x')]); }),
	expect: fail('unsupported_extension', 'did not offer in ServerHello'),
});
add({
	name: 'tls12 sh: status_request acknowledged, not requested', server: sh12((s) => { s.exts.push([EXT.STATUS_REQUEST, Buffer.alloc(0)]); }),
	expect: fail('unsupported_extension', 'did not offer in ServerHello'),
});
add({
	name: 'tls12 sh: signed_certificate_timestamp, not requested', server: sh12((s) => { s.exts.push([EXT.SCT, vec16(vec16(Buffer.from('sct')))]); }),
	expect: fail('unsupported_extension', 'did not offer in ServerHello'),
});
add({
	name: 'tls12 sh: server_name acknowledged although we sent no SNI', noDefaultArgs: true, args: (p) => ['--cafile', p.ca],
	server: sh12((s) => { s.exts.push([EXT.SERVER_NAME, Buffer.alloc(0)]); }),
	expect: fail('unsupported_extension', 'did not offer in ServerHello'),
});
add({
	name: 'tls12 sh: ALPN answer although we offered none', server: sh12((s) => { s.exts.push([EXT.ALPN, vec16(vec8(Buffer.from('h2')))]); }),
	expect: fail('unsupported_extension', 'did not offer in ServerHello'),
});
add({
	// Go checkALPN: in TLS 1.2 its failures are unsupported_extension
	// (TLS 1.3: no_application_protocol).
	name: 'tls12 sh: ALPN protocol we did not offer', args: ['--alpn', 'h2'], server: t12({ alpn: 'http/1.1' }),
	expect: fail('unsupported_extension', 'unadvertised ALPN protocol'),
});
add({
	// RFC 8422 5.2: uncompressed must be among the formats listed.
	name: 'tls12 sh: ec_point_formats without uncompressed',
	server: sh12((s) => { setExt(s.exts, EXT.EC_POINT_FORMATS, vec8(Buffer.from([1, 2]))); }),
	expect: fail('illegal_parameter', 'does not support uncompressed EC points'),
});
add({
	name: 'tls12 sh: empty ec_point_formats list', server: sh12((s) => { setExt(s.exts, EXT.EC_POINT_FORMATS, vec8(Buffer.alloc(0))); }),
	expect: fail('decode_error', 'malformed ServerHello'),
});
add({
	name: 'tls12 sh: extended_master_secret twice',
	server: sh12((s) => { s.exts.push([EXT.EXTENDED_MS, Buffer.alloc(0)]); }), expect: fail('decode_error', 'malformed ServerHello'),
});
add({
	name: 'tls12 sh: extended_master_secret with a body', server: sh12((s) => { setExt(s.exts, EXT.EXTENDED_MS, u8(0)); }),
	expect: fail('decode_error', 'malformed ServerHello'),
});
add({
	name: 'tls12 sh: record_size_limit 63', server: sh12((s) => { s.exts.push([28, u16(63)]); }),
	expect: fail('illegal_parameter', 'record_size_limit below 64'),
});
add({ name: 'tls12 sh: compression method 1', server: sh12((s) => { s.compression = 1; }), expect: fail('illegal_parameter', 'unsupported compression format') });
for (const [label, id] of [['TLS 1.3 suite 0x1301', 0x1301], ['CBC suite 0xc013 (ECDHE-RSA-AES128-SHA)', 0xc013],
	['RSA key exchange 0x009c', 0x009c], ['TLS_EMPTY_RENEGOTIATION_INFO_SCSV 0x00ff', 0x00ff]]) {
	add({
		name: `tls12 sh: unconfigured suite: ${label}`, server: sh12((s) => { s.suite = id; }),
		expect: fail('handshake_failure', 'server chose an unconfigured cipher suite'),
	});
}
add({
	name: 'tls12 sh: suite offered by neither list: ECDHE-RSA AES-256 while we offer AES-128 only',
	args: ['--ciphers', 'TLS_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
	server: t12({ cert: 'rsa2048', suite: 0xc030 }), expect: fail('handshake_failure', 'server chose an unconfigured cipher suite'),
});
add({
	// Go: a TLS 1.2 ServerHello echoing the random session ID we sent for
	// TLS 1.3 middlebox compatibility (no ticket offered) claims to resume
	// a session that cannot exist.
	name: 'tls12 sh: echoes our TLS 1.3 compatibility session ID (no ticket offered)',
	server: sh12((s, hs) => { s.sessionId = hs.ch.sessionId; }),
	expect: fail('illegal_parameter', 'echoed TLS 1.3 compatibility session ID'),
});
add({
	name: 'tls12 sh: trailing byte after the extensions', server: sh12((s) => { s.trailing = u8(0); }),
	expect: fail('decode_error', 'malformed ServerHello'),
});
add({
	name: 'tls12 sh: session ID of 33 bytes', server: sh12((s) => { s.sessionId = Buffer.alloc(33, 1); }),
	expect: fail('decode_error', 'malformed ServerHello'),
});

/* ================================================================== */
/* Certificate, CertificateStatus                                      */
/* ================================================================== */

add({
	name: 'tls12 cert: empty Certificate', server: t12({ certEntries: () => [] }),
	expect: fail('unexpected_message', 'empty Certificate message'),
});
add({
	name: 'tls12 cert: zero-length certificate entry', server: t12({ certEntries: () => [Buffer.alloc(0)] }),
	expect: fail('decode_error', 'malformed Certificate'),
});
add({
	name: 'tls12 cert: TLS 1.3 form (context byte, entry extensions)',
	server: t12({ certBody: (b, hs) => cat(u8(0), vec24(cat(vec24(Buffer.from(b.subarray(6, 6 + b.readUIntBE(3, 3)))), u16(0)))) }),
	expect: fail('decode_error', 'malformed Certificate'),
});
add({
	name: 'tls12 cert: wrong host name', server: t12({ cert: 'wrongHost' }),
	expect: { errorName: 'certificate_name_mismatch', reasonIncludes: null, alert: A.bad_certificate, exitNonZero: true },
});
add({
	name: 'tls12 cert: CertificateStatus without status_request acknowledged', args: ['--ocsp'],
	server: flight12((m) => [m.sh, m.cert, hsMsg(HS12.CERTIFICATE_STATUS, cat(u8(1), vec24(OCSP_DER))), m.ske, m.shd]),
	expect: fail('unexpected_message', 'unexpected CertificateStatus'),
});
add({
	name: 'tls12 cert: CertificateStatus of status_type 2', args: ['--ocsp'],
	server: flight12((m) => [m.sh, m.cert, hsMsg(HS12.CERTIFICATE_STATUS, cat(u8(2), vec24(OCSP_DER))), m.ske, m.shd], { ocsp: OCSP_DER }),
	expect: fail('decode_error', 'malformed CertificateStatus'),
});
add({
	name: 'tls12 cert: two CertificateStatus messages', args: ['--ocsp'],
	server: flight12((m) => [m.sh, m.cert, m.status, m.status, m.ske, m.shd], { ocsp: OCSP_DER }),
	expect: fail('unexpected_message', 'unexpected CertificateStatus'),
});

/* ================================================================== */
/* ServerKeyExchange (Go: ecdheKeyAgreement.processServerKeyExchange;  */
/* every failure is illegal_parameter, as Go's doFullHandshake sends)  */
/* ================================================================== */

add({
	name: 'tls12 ske: signature does not verify (last byte flipped)', server: t12({ skeSig: (sig) => flipLast(sig) }),
	expect: fail('illegal_parameter', 'invalid signature by the server certificate'),
});
add({
	name: 'tls12 ske: RSA-PSS signature does not verify', server: t12({ cert: 'rsa2048', skeSig: (sig) => flipLast(sig) }),
	expect: fail('illegal_parameter', 'invalid signature by the server certificate'),
});
add({
	name: 'tls12 ske: signed with the randoms swapped',
	server: t12({ skeSigned: (d) => cat(d.subarray(32, 64), d.subarray(0, 32), d.subarray(64)) }),
	expect: fail('illegal_parameter', 'invalid signature by the server certificate'),
});
add({
	name: 'tls12 ske: point changed after signing',
	server: t12({ skeBody: (b) => { const c = Buffer.from(b); c[4 + c[3] - 2] ^= 1; return c; } }),
	expect: fail('illegal_parameter', 'invalid signature by the server certificate'),
});
add({
	name: 'tls12 ske: ecdsa_sha1, a scheme we did not offer', server: t12({ skeScheme: 0x0203 }),
	expect: fail('illegal_parameter', 'certificate used with invalid signature algorithm'),
});
add({
	name: 'tls12 ske: rsa_pss_pss_sha256, a scheme we did not offer', server: t12({ cert: 'rsa2048', skeScheme: 0x0809 }),
	expect: fail('illegal_parameter', 'certificate used with invalid signature algorithm'),
});
add({
	name: 'tls12 ske: rsa_pkcs1_sha256 when --sigalgs leaves it out', args: ['--sigalgs', 'ecdsa_secp256r1_sha256,rsa_pss_rsae_sha256'],
	server: t12({ cert: 'rsa2048', skeScheme: SIG.pkcs256 }),
	expect: fail('illegal_parameter', 'certificate used with invalid signature algorithm'),
});
add({
	// Go: the signature type must be the suite's (ECDHE_ECDSA: ECDSA).
	name: 'tls12 ske: ECDHE_ECDSA suite with an RSA certificate', server: t12({ cert: 'rsa2048', suite: 0xc02b }),
	expect: fail('illegal_parameter', 'signature type does not match the cipher suite'),
});
add({
	name: 'tls12 ske: ECDHE_RSA suite with an ECDSA certificate', server: t12({ suite: 0xc02f }),
	expect: fail('illegal_parameter', 'signature type does not match the cipher suite'),
});
add({
	name: 'tls12 ske: ECDHE_ECDSA suite, ECDSA key, an RSA-PSS scheme', server: t12({ skeScheme: SIG.pss256 }),
	expect: fail('illegal_parameter', 'signature type does not match the cipher suite'),
});
add({
	name: 'tls12 ske: curve we did not offer (secp384r1, only x25519 offered)', args: ['--groups', 'x25519'],
	server: t12({ group: GROUP.secp384r1 }), expect: fail('illegal_parameter', 'server selected unoffered curve'),
});
add({
	name: 'tls12 ske: secp521r1 (opt-in, not offered by default)', server: t12({ group: GROUP.secp521r1 }),
	expect: fail('illegal_parameter', 'server selected unoffered curve'),
});
add({
	// draft-ietf-tls-ecdhe-mlkem: the hybrid groups are TLS 1.3 only.
	name: 'tls12 ske: X25519MLKEM768 (offered, but TLS 1.3 only)', args: ['--groups', 'X25519MLKEM768,x25519'],
	server: t12({ group: 0x11ec, skePoint: () => crypto.randomBytes(65) }),
	expect: fail('illegal_parameter', 'server selected unsupported curve'),
});
add({
	name: 'tls12 ske: X25519MLKEM768 (not offered)', args: ['--groups', 'x25519,secp256r1,secp384r1'], server: t12({ group: 0x11ec, skePoint: () => crypto.randomBytes(65) }),
	expect: fail('illegal_parameter', 'server selected unoffered curve'),
});
add({
	name: 'tls12 ske: explicit_prime curve type (1)', server: t12({ skeParams: (p) => { const c = Buffer.from(p); c[0] = 1; return c; } }),
	expect: fail('illegal_parameter', 'server selected unsupported curve'),
});
for (const [label, group, point] of [
	['P-256 point not on the curve', GROUP.secp256r1, () => cat(u8(4), Buffer.alloc(64, 1))],
	['P-256 point without the 0x04 prefix (64 bytes)', GROUP.secp256r1, (pub) => pub.subarray(1)],
	['P-256 compressed point', GROUP.secp256r1, (pub) => cat(u8(2 + (pub[64] & 1)), pub.subarray(1, 33))],
	['P-384 point of P-256 length', GROUP.secp384r1, () => cat(u8(4), Buffer.alloc(64, 1))],
	['x25519 point of 31 bytes', GROUP.x25519, (pub) => pub.subarray(0, 31)],
	['x25519 all-zero point (all-zero shared secret)', GROUP.x25519, () => Buffer.alloc(32)],
	['x25519 small-order point (order 8)', GROUP.x25519,
		() => Buffer.from('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', 'hex')],
	['empty point', GROUP.x25519, () => Buffer.alloc(0)],
]) {
	add({
		name: `tls12 ske: ${label}`, args: ['--groups', group === GROUP.x25519 ? 'x25519' : 'x25519,secp256r1,secp384r1'],
		server: t12({ group, skePoint: point }), expect: fail('illegal_parameter', 'bad ECDHE point'),
	});
}
add({
	name: 'tls12 ske: truncated (3 bytes)', server: t12({ skeBody: (b) => b.subarray(0, 3) }),
	expect: fail('illegal_parameter', 'invalid ServerKeyExchange message'),
});
add({
	name: 'tls12 ske: point length overruns the message', server: t12({ skeBody: (b) => { const c = Buffer.from(b.subarray(0, 20)); c[3] = 200; return c; } }),
	expect: fail('illegal_parameter', 'invalid ServerKeyExchange message'),
});
add({
	name: 'tls12 ske: signature length one byte short', server: t12({ skeBody: (b) => b.subarray(0, b.length - 1) }),
	expect: fail('illegal_parameter', 'invalid ServerKeyExchange message'),
});
add({
	name: 'tls12 ske: no signature', server: t12({ skeBody: (b) => b.subarray(0, 4 + b[3]) }),
	expect: fail('illegal_parameter', 'invalid ServerKeyExchange message'),
});

/* ================================================================== */
/* Message order (hs12.c wt_hs12_message, wt_hs12_change_cipher_spec)  */
/* ================================================================== */

add({
	// Go: generateClientKeyExchange without the server's parameters.
	name: 'tls12 order: no ServerKeyExchange', server: flight12((m) => [m.sh, m.cert, m.shd]),
	expect: fail('internal_error', 'missing ServerKeyExchange message'),
});
add({
	name: 'tls12 order: no ServerKeyExchange, CertificateRequest next', server: flight12((m) => [m.sh, m.cert, m.cr, m.shd], { certRequest: {} }),
	expect: fail('internal_error', 'missing ServerKeyExchange message'),
});
add({ name: 'tls12 order: two ServerKeyExchange', server: flight12((m) => [m.sh, m.cert, m.ske, m.ske, m.shd]), expect: fail('unexpected_message', 'unexpected handshake message') });
add({ name: 'tls12 order: two Certificates', server: flight12((m) => [m.sh, m.cert, m.cert, m.ske, m.shd]), expect: fail('unexpected_message', 'unexpected handshake message') });
add({ name: 'tls12 order: ServerKeyExchange before Certificate', server: flight12((m) => [m.sh, m.ske, m.cert, m.shd]), expect: fail('unexpected_message', 'unexpected handshake message') });
add({ name: 'tls12 order: ServerHelloDone right after ServerHello', server: flight12((m) => [m.sh, m.shd]), expect: fail('unexpected_message', 'unexpected handshake message') });
add({
	name: 'tls12 order: two CertificateRequests', server: flight12((m) => [m.sh, m.cert, m.ske, m.cr, m.cr, m.shd], { certRequest: {} }),
	expect: fail('unexpected_message', 'unexpected handshake message'),
});
add({
	// The client has answered ServerHelloDone (its CCS included): the
	// alert goes out under its new keys.
	name: 'tls12 order: CertificateRequest after ServerHelloDone', server: flight12((m) => [m.sh, m.cert, m.ske, m.shd, m.cr], { certRequest: {} }),
	expect: fail('unexpected_message', 'unexpected handshake message'),
	check: (res, srv) => { assert.notEqual(srv.alerts[0].prot, 'plain', 'alert protected'); },
});
add({
	name: 'tls12 order: a TLS 1.3 EncryptedExtensions after ServerHello', server: flight12((m) => [m.sh, hsMsg(HS.ENCRYPTED_EXTENSIONS, u16(0)), m.cert, m.ske, m.shd]),
	expect: fail('unexpected_message', 'unexpected handshake message'),
});
add({
	name: 'tls12 order: NewSessionTicket in the first flight', server: flight12((m) => [m.sh, m.cert, m.ske, hsMsg(HS12.NEW_SESSION_TICKET, cat(u32(60), vec16(Buffer.from('t')))), m.shd], { ticket: true }),
	expect: fail('unexpected_message', 'unexpected handshake message'),
});
add({ name: 'tls12 order: ServerHelloDone with a body', server: flight12((m) => [m.sh, m.cert, m.ske, hsMsg(HS12.SERVER_HELLO_DONE, u8(0))]), expect: fail('decode_error', 'malformed ServerHelloDone') });
add({
	name: 'tls12 order: malformed CertificateRequest (no certificate types)',
	server: t12({ certRequest: { body: cat(vec8(Buffer.alloc(0)), vec16(u16(SIG.p256)), u16(0)) } }), expect: fail('decode_error', 'malformed CertificateRequest'),
});
add({
	name: 'tls12 order: CertificateRequest with an odd-length signature list',
	server: t12({ certRequest: { body: cat(vec8(u8(64)), vec16(Buffer.from([4, 3, 8])), u16(0)) } }), expect: fail('decode_error', 'malformed CertificateRequest'),
});
add({
	name: 'tls12 order: CertificateRequest in TLS 1.3 form', server: t12({ certRequest: { body: cat(u8(0), vec16(cat(u16(EXT.SIGNATURE_ALGS), vec16(vec16(u16(SIG.p256)))))) } }),
	expect: fail('decode_error', 'malformed CertificateRequest'),
});
// Go readChangeCipherSpec: a CCS anywhere but right before the server's
// Finished is unexpected.
add({ name: 'tls12 ccs: ChangeCipherSpec right after ServerHello', server: flight12((m) => [m.sh, CCS, m.cert, m.ske, m.shd]), expect: fail('unexpected_message', 'unexpected change_cipher_spec') });
add({ name: 'tls12 ccs: ChangeCipherSpec before ServerHelloDone', server: flight12((m) => [m.sh, m.cert, m.ske, CCS, m.shd]), expect: fail('unexpected_message', 'unexpected change_cipher_spec') });
add({
	name: 'tls12 ccs: malformed ChangeCipherSpec (two bytes)',
	server: flight2((m) => [{ raw: cat(u8(CT.CCS), u16(0x0303), u16(2), Buffer.from([1, 1])) }, m.fin]),
	expect: fail('decode_error', 'malformed change_cipher_spec'),
});
add({
	name: 'tls12 ccs: Finished before ChangeCipherSpec', server: flight2((m) => [m.fin, m.ccs]),
	expect: fail('unexpected_message', 'unexpected handshake message'),
});
// RFC 5246 6.2.3 / 7.1: once the server's CCS is in, every record it
// sends is protected, a CCS included (only TLS 1.3 exempts CCS, RFC 8446
// 5). Go decrypts it: a protected second CCS is then out of place
// (unexpected_message), a plaintext one fails to open (bad_record_mac).
add({
	name: 'tls12 ccs: two ChangeCipherSpecs (the second protected)',
	server: flight2((m) => [m.ccs, { record: [CT.CCS, u8(1)] }, m.fin]),
	expect: fail('unexpected_message', 'unexpected change_cipher_spec'),
});
add({
	name: 'tls12 ccs: two ChangeCipherSpecs (the second in plaintext)',
	server: flight2((m) => [m.ccs, { raw: cat(u8(CT.CCS), u16(0x0303), u16(1), u8(1)) }, m.fin]),
	expect: fail('bad_record_mac', 'too short'),
});
add({
	name: 'tls12 ccs: application data between ChangeCipherSpec and Finished',
	server: t12({ sendFlight2: (conn, list, hs) => { sendFlight12(conn, [list.find((x) => x.ccs)], hs); conn.send(CT.APP, Buffer.from('early')); } }),
	expect: fail('unexpected_message', 'application data before the handshake completed'),
});
add({
	name: 'tls12 fin: Finished verify_data wrong', server: t12({ finished: (vd) => flipLast(vd) }),
	expect: fail('handshake_failure', 'Finished message was incorrect'),
});
add({
	name: 'tls12 fin: Finished of 13 bytes', server: t12({ finished: (vd) => cat(vd, u8(0)) }),
	expect: fail('decode_error', 'malformed Finished'),
});
add({
	name: 'tls12 fin: TLS 1.3-style Finished (32 bytes of HMAC)', server: t12({ finished: () => crypto.randomBytes(32) }),
	expect: fail('decode_error', 'malformed Finished'),
});
add({
	name: 'tls12 fin: no Finished, the server waits (close after the CCS)',
	server: t12({ sendFlight2: (conn, list, hs) => { sendFlight12(conn, [list.find((x) => x.ccs)], hs); conn.end(); } }),
	expect: quiet('truncated', 'during the handshake'),
});

/* --- NewSessionTicket (Go: readSessionTicket) ------------------------ */
add({
	name: 'tls12 nst: NewSessionTicket although session_ticket was not acknowledged',
	server: flight2((m) => [hsMsg(HS12.NEW_SESSION_TICKET, cat(u32(60), vec16(Buffer.from('ticket')))), m.ccs, m.fin]),
	expect: fail('unexpected_message', 'unexpected handshake message'),
});
add({
	name: 'tls12 nst: session_ticket acknowledged, no NewSessionTicket', server: t12({ ticket: true, sendTicket: false }),
	expect: fail('unexpected_message', 'unexpected change_cipher_spec'),
});
add({
	name: 'tls12 nst: truncated NewSessionTicket (lifetime only)',
	server: flight2((m) => [hsMsg(HS12.NEW_SESSION_TICKET, u32(60)), m.ccs, m.fin], { ticket: true, sendTicket: false }),
	expect: fail('decode_error', 'malformed NewSessionTicket'),
});
add({
	name: 'tls12 nst: TLS 1.3 form NewSessionTicket',
	server: flight2((m) => [hsMsg(HS12.NEW_SESSION_TICKET, cat(u32(60), u32(1), vec8(u8(0)), vec16(Buffer.from('t')), u16(0))), m.ccs, m.fin],
		{ ticket: true, sendTicket: false }),
	expect: fail('decode_error', 'malformed NewSessionTicket'),
});
add({
	name: 'tls12 nst: two NewSessionTickets', server: flight2((m) => [m.nst, m.nst, m.ccs, m.fin], { ticket: true }),
	expect: fail('unexpected_message', 'unexpected handshake message'),
});

/* --- after the handshake: renegotiation (RFC 5746) -------------------- */
add({
	// Go (handleRenegotiation, RenegotiateNever): a no_renegotiation
	// warning, and the connection is over.
	name: 'tls12 reneg: HelloRequest after the handshake -> no_renegotiation warning',
	server: t12({ afterHandshake: async (conn, hs) => { conn.send(CT.HANDSHAKE, helloRequest()); await echo(conn, hs); } }),
	expect: { errorName: 'no_renegotiation', reasonIncludes: 'renegotiate', alert: A.no_renegotiation, alertLevel: 1, exitNonZero: true },
});
add({
	name: 'tls12 reneg: HelloRequest in the same record as the server Finished',
	server: t12({ sendFlight2: (conn, list, hs) => {
		sendFlight12(conn, [list.find((x) => x.ccs)], hs);
		conn.send(CT.HANDSHAKE, cat(list.find((x) => x.name === 'fin').buf, helloRequest()));
	} }),
	expect: { errorName: 'no_renegotiation', reasonIncludes: 'renegotiate', alert: A.no_renegotiation, alertLevel: 1, exitNonZero: true },
});
add({
	name: 'tls12 reneg: HelloRequest with a body after the handshake',
	server: t12({ afterHandshake: async (conn) => { conn.send(CT.HANDSHAKE, hsMsg(HS12.HELLO_REQUEST, u8(0))); } }),
	expect: fail('decode_error', 'malformed HelloRequest'),
});
add({
	name: 'tls12 reneg: ServerHello after the handshake',
	server: t12({ afterHandshake: async (conn, hs) => { conn.send(CT.HANDSHAKE, hsMsg(HS.SERVER_HELLO, Buffer.alloc(38))); } }),
	expect: fail('unexpected_message', 'after the handshake'),
});
add({
	// RFC 5246 7.4.1.1 lets the client ignore a HelloRequest while it is
	// negotiating (OpenSSL and BoringSSL skip it); Go's handshake reads it
	// as an unexpected message, and we follow Go where it is the stricter:
	// no server sends one mid-handshake but a broken or hostile one.
	name: 'tls12 reneg: HelloRequest during the handshake is unexpected_message (as Go)',
	server: flight12((m) => [m.sh, m.cert, helloRequest(), m.ske, m.shd]),
	expect: fail('unexpected_message', 'unexpected handshake message'),
});

/* --- alerts ---------------------------------------------------------- */
add({
	name: 'tls12 alert: 33 warning alerts in a row',
	server: flight12((m) => [m.sh, m.cert, ...Array.from({ length: 33 }, () => ({ alert: [1, 112] })), m.ske, m.shd]),
	expect: fail('unexpected_message', 'too many ignored records'),
});
add({
	name: 'tls12 alert: 5 user_canceled warnings', server: flight12((m) => [m.sh, m.cert, ...Array.from({ length: 5 }, () => ({ alert: [1, 90] })), m.ske, m.shd]),
	expect: fail('unexpected_message', 'too many warning alerts'),
});
add({ name: 'tls12 alert: fatal handshake_failure after the Certificate', server: flight12((m) => [m.sh, m.cert, { alert: [2, 40] }]), expect: quiet('alert_received', 'handshake_failure') });
add({ name: 'tls12 alert: close_notify during the handshake', server: flight12((m) => [m.sh, m.cert, { alert: [1, 0] }]), expect: quiet('alert_received', 'close_notify during the handshake') });
add({
	name: 'tls12 alert: protected fatal bad_record_mac after the handshake',
	server: t12({ afterHandshake: async (conn) => { conn.sendAlert(2, 20); } }), expect: quiet('alert_received', 'bad_record_mac'),
});
add({
	name: 'tls12 eof: TCP close after ServerHelloDone', server: t12({ afterFlight: async (conn) => { conn.end(); return 'stop'; } }),
	expect: quiet('truncated', 'during the handshake'),
});
add({
	name: 'tls12 eof: TCP close after the handshake without close_notify', server: t12({ afterHandshake: async (conn) => { conn.end(); } }),
	expect: quiet('truncated', 'without close_notify'),
});

/* ================================================================== */
/* Resumption (Go: processServerHello's resumption part)               */
/* ================================================================== */

add({
	// RFC 7627 5.3: a session with the extended master secret is resumed
	// only with it.
	name: 'tls12 resume: extended_master_secret missing on resumption', session: session12(),
	server: t12({ resume: true, ems: false }), expect: fail('handshake_failure', 'different EMS extension'),
});
add({
	name: 'tls12 resume: another cipher suite than the session\'s', session: session12({ suite: 0xc02b }),
	server: t12({ resume: true, suite: 0xcca9 }), expect: fail('handshake_failure', 'different cipher suite'),
});
add({
	// The key block comes from the master secret: the Finished record
	// does not open.
	name: 'tls12 resume: another master secret', session: session12(),
	server: t12({ resume: true, resumeMaster: () => crypto.randomBytes(48) }), expect: fail('bad_record_mac', 'record authentication failed'),
});
add({
	name: 'tls12 resume: server Finished verify_data wrong', session: session12(),
	server: t12({ resume: true, finished: (vd) => flipLast(vd) }), expect: fail('handshake_failure', 'Finished message was incorrect'),
});
add({
	name: 'tls12 resume: session ID echoed, then a full handshake\'s Certificate', session: session12(),
	server: flight12((m, hs) => [m.sh, hsMsg(HS.CERTIFICATE, vec24(vec24(Buffer.alloc(10, 1))))], { resume: true }),
	expect: fail('unexpected_message', 'unexpected handshake message'),
});
add({
	// A new session ID: a full handshake, whatever comes next.
	name: 'tls12 resume: abbreviated handshake under a new session ID', session: session12(),
	server: t12({ resume: true, serverHello: (s) => { s.sessionId = crypto.randomBytes(32); } }),
	expect: fail('unexpected_message', 'unexpected change_cipher_spec'),
});
add({
	name: 'tls12 resume: abbreviated handshake, empty session ID', session: session12(),
	server: t12({ resume: true, serverHello: (s) => { s.sessionId = Buffer.alloc(0); } }),
	expect: fail('unexpected_message', 'unexpected change_cipher_spec'),
});
add({
	// No ticket offered: there is no session to resume.
	name: 'tls12 resume: abbreviated handshake without any session offered', offers12: true,
	server: { script: async (conn, hs) => {
		const m = await conn.nextHandshake();
		const ch = parseClientHello(m);
		conn.sendPlain(CT.HANDSHAKE, hsMsg(HS.SERVER_HELLO, cat(u16(0x0303), crypto.randomBytes(32), vec8(crypto.randomBytes(32)),
			u16(0xc02b), u8(0), encodeExts([[EXT.EXTENDED_MS, Buffer.alloc(0)]]))));
		conn.sendPlain(CT.CCS, u8(1));
		hs.notes.chTicketLen = ch.exts.get(EXT.SESSION_TICKET)?.length;
		await conn.nextRecord();
	} },
	expect: fail('unexpected_message', 'unexpected change_cipher_spec'),
	check: (res, srv) => { assert.equal(srv.notes.chTicketLen, 0); },
});
add({
	name: 'tls12 resume: our session ID echoed with a ticket we did not send (TLS 1.3 session offered)',
	session: {}, server: sh12((s, hs) => { s.sessionId = hs.ch.sessionId; }),
	expect: fail('illegal_parameter', 'echoed TLS 1.3 compatibility session ID'),
});
add({
	name: 'tls12 resume: NewSessionTicket acknowledged on resumption, not sent', session: session12(),
	server: t12({ resume: true, ticket: true, sendTicket: false }), expect: fail('unexpected_message', 'unexpected change_cipher_spec'),
});
add({
	name: 'tls12 resume: Certificate in place of NewSessionTicket', session: session12(),
	server: flight12((m) => [m.sh, hsMsg(HS.CERTIFICATE, vec24(Buffer.alloc(0))), m.ccs, m.fin], { resume: true, ticket: true }),
	expect: fail('unexpected_message', 'unexpected handshake message'),
});

/* ================================================================== */
/* Record layer (record.c open12; engine.c)                            */
/* ================================================================== */

add({
	name: 'tls12 rec: bad record MAC (the Finished record\'s tag)',
	server: t12({ sendFlight2: (conn, list, hs) => {
		sendFlight12(conn, [list.find((x) => x.ccs)], hs);
		conn.send(CT.HANDSHAKE, list.find((x) => x.name === 'fin').buf, { tamper: flipLast });
	} }),
	expect: fail('bad_record_mac', 'record authentication failed'),
});
add({
	name: 'tls12 rec: explicit nonce changed after sealing',
	server: t12({ suite: 0xc02b, sendFlight2: (conn, list, hs) => {
		sendFlight12(conn, [list.find((x) => x.ccs)], hs);
		conn.send(CT.HANDSHAKE, list.find((x) => x.name === 'fin').buf, { tamper: (r) => { const c = Buffer.from(r); c[5] ^= 1; return c; } });
	} }),
	expect: fail('bad_record_mac', 'record authentication failed'),
});
add({
	name: 'tls12 rec: ChaCha20-Poly1305 record sealed with the wrong sequence number', server: t12({ suite: 0xcca9,
		sendFlight2: (conn, list, hs) => { sendFlight12(conn, [list.find((x) => x.ccs)], hs); hs.wk.seq = 1n; conn.send(CT.HANDSHAKE, list.find((x) => x.name === 'fin').buf); } }),
	expect: fail('bad_record_mac', 'record authentication failed'),
});
add({
	name: 'tls12 rec: AES-GCM record shorter than explicit nonce + tag (23 bytes)',
	server: t12({ suite: 0xc02b, sendFlight2: (conn, list, hs) => { sendFlight12(conn, [list.find((x) => x.ccs)], hs); conn.write(cat(u8(CT.HANDSHAKE), u16(0x0303), u16(23), Buffer.alloc(23, 1))); } }),
	expect: fail('bad_record_mac', 'too short'),
});
add({
	name: 'tls12 rec: ChaCha20-Poly1305 record of 15 bytes', server: t12({ suite: 0xcca9,
		sendFlight2: (conn, list, hs) => { sendFlight12(conn, [list.find((x) => x.ccs)], hs); conn.write(cat(u8(CT.HANDSHAKE), u16(0x0303), u16(15), Buffer.alloc(15, 1))); } }),
	expect: fail('bad_record_mac', 'too short'),
});
add({
	name: 'tls12 rec: record type changed after sealing (AAD)',
	server: t12({ afterHandshake: async (conn) => { conn.send(CT.APP, Buffer.from('x'), { outerType: CT.HANDSHAKE }); } }),
	expect: fail('bad_record_mac', 'record authentication failed'),
});
add({
	// RFC 5246 6.2.3: TLSCiphertext.length at most 2^14 + 2048; with AEAD
	// at most 2^14 + 24 can be valid, and the client stops at 2^14 + 256.
	name: 'tls12 rec: protected record longer than 2^14 + 256',
	server: t12({ afterHandshake: async (conn) => { conn.write(cat(u8(CT.APP), u16(0x0303), u16(16641))); } }),
	expect: fail('record_overflow', '2^14 + 256'),
});
add({
	name: 'tls12 rec: plaintext of 2^14 + 1 bytes in a protected record',
	server: t12({ afterHandshake: async (conn) => { conn.send(CT.APP, Buffer.alloc(16385, 0x61)); } }),
	expect: fail('record_overflow', 'decrypted record longer than 2^14 bytes'),
});
add({
	name: 'tls12 ok: application record of exactly 2^14 bytes',
	server: t12({ afterHandshake: async (conn) => { conn.send(CT.APP, Buffer.alloc(16384, 0x61)); conn.sendAlert(1, 0); } }),
	stdin: 'open', expect: ok, check: (res) => { assert.equal(res.stdoutBuf.length, 16384); },
});
add({
	name: 'tls12 rec: record version 0x0301 after the ServerHello',
	server: t12({ sendFlight: (conn, list, hs) => {
		sendFlight12(conn, list.slice(0, 1), hs);
		for (const m of list.slice(1)) conn.send(CT.HANDSHAKE, m.buf, { version: 0x0301 });
	} }),
	expect: fail('protocol_version', 'wrong legacy version'),
});
add({
	name: 'tls12 rec: protected record of unknown content type 99',
	server: t12({ afterHandshake: async (conn) => { conn.send(99, Buffer.from('x')); } }),
	expect: fail('unexpected_message', 'unknown content type'),
});
add({
	name: 'tls12 rec: plaintext application data before the handshake completes',
	server: flight12((m) => [m.sh, { raw: cat(u8(CT.APP), u16(0x0303), u16(5), Buffer.from('hello')) }, m.cert, m.ske, m.shd]),
	expect: fail('unexpected_message', 'application data before the handshake completed'),
});
add({
	name: 'tls12 rec: handshake message interleaved with an alert record',
	server: t12({ sendFlight: (conn, list) => {
		conn.send(CT.HANDSHAKE, list[0].buf);
		const c = list[1].buf;
		conn.send(CT.HANDSHAKE, c.subarray(0, 10));
		conn.sendAlert(1, 112);
		conn.send(CT.HANDSHAKE, c.subarray(10));
	} }),
	expect: fail('unexpected_message', 'interleaved'),
});

/* ================================================================== */
/* 0-RTT and TLS 1.2 (RFC 8446 D.3)                                    */
/* ================================================================== */
add({
	// "A client that attempts to send 0-RTT data MUST fail a connection if
	// it receives a ServerHello with TLS 1.2 or older." Its early data and
	// CCS went out in front of the server's ServerHello; the TLS 1.2
	// server here reads on only to record the client's alert (psk: the
	// early key opens one sent under it, as BoringSSL's would be).
	name: 'tls12 0rtt: TLS 1.2 ServerHello to a ClientHello with 0-RTT data',
	session: {}, earlyData: 'GET / HTTP/1.1\r\n\r\n', server: { psk: {}, ...t12({ afterFlight: async (conn) => {
		// a client that goes on waits for our last flight: hang up then
		const t = setTimeout(() => conn.end(), 2000);
		for (let r; (r = await conn.nextRecord());) if (r.ctype === CT.ALERT) break;
		clearTimeout(t);
		return 'stop';
	} }) },
	expect: fail('protocol_version', '0-RTT'),
});

/* ================================================================== */
/* TLS 1.3 features that TLS 1.2 does not have                          */
/* ================================================================== */
add({
	name: 'tls12 ok: --key-update after a TLS 1.2 handshake (no KeyUpdate in TLS 1.2)', args: ['--key-update'],
	server: t12(), expect: ok,
	check: (res, srv) => {
		done12()(res, srv);
		assert.ok(!srv.records.some((r) => r.ctype === CT.HANDSHAKE && r.prot === 'app12'), 'no handshake message after the handshake');
	},
});
add({
	name: 'tls12 ok: --key-update-after 4 in TLS 1.2 (no KeyUpdate to send)', args: ['--key-update-after', '4', '--max-fragment', '1024'],
	input: 'k'.repeat(8 * 1024 - 1) + '\n', server: t12(), expect: ok,
	check: (res, srv) => {
		assert.equal(res.stdout, 'k'.repeat(8 * 1024 - 1) + '\n');
		assert.ok(!srv.records.some((r) => r.ctype === CT.HANDSHAKE && r.prot === 'app12'), 'no handshake message after the handshake');
	},
});
add({
	name: 'tls12 ok: --early-data with a TLS 1.2 session: sent after the handshake', session: session12(),
	earlyData: 'GET /early HTTP/1.1\r\n\r\n', input: 'hello\n', afterOutput: 'GET /early HTTP/1.1\r\n\r\n'.length + 6, args: ['--json'],
	server: t12({ resume: true }), expect: ok,
	check: (res, srv) => {
		assert.equal(srv.notes.resumed, true);
		assert.ok(!srv.notes.chExts.includes(EXT.EARLY_DATA), 'no early_data offered with a TLS 1.2 session');
		assert.equal(res.stdout, 'GET /early HTTP/1.1\r\n\r\nhello\n');
	},
});
add({
	name: 'tls12 reneg: KeyUpdate after the handshake', server: t12({ afterHandshake: async (conn) => { conn.send(CT.HANDSHAKE, hsMsg(HS.KEY_UPDATE, u8(0))); } }),
	expect: fail('unexpected_message', 'after the handshake'),
});
const TLS12_ONLY = ['--ciphers', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'];
add({
	name: 'tls12 ok: a TLS 1.2-only ClientHello has no TLS 1.3 extensions', args: TLS12_ONLY, server: t12(), expect: ok,
	check: (res, srv) => {
		done12()(res, srv);
		// (signature_algorithms_cert may stay: RFC 8446 4.2.3 applies it
		// to TLS 1.2 too)
		for (const t of [EXT.SUPPORTED_VERSIONS, EXT.KEY_SHARE, EXT.PSK_MODES]) {
			assert.ok(!srv.notes.chExts.includes(t), `no extension ${t}`);
		}
	},
});
add({
	// RFC 8449 4: "an endpoint MUST NOT send a value higher than the
	// protocol-defined maximum record size": 2^14 in TLS 1.2 (2^14 + 1
	// counts TLS 1.3's content type byte, fine when TLS 1.3 is offered).
	name: 'tls12 ok: a TLS 1.2-only ClientHello: record_size_limit at most 2^14', args: TLS12_ONLY, server: t12(), expect: ok,
	check: (res, srv) => { done12()(res, srv); assert.ok(srv.notes.chRecordSizeLimit <= 16384, `record_size_limit ${srv.notes.chRecordSizeLimit}`); },
});
add({
	name: 'tls12 ok: a 15 KB OCSP response, then an 8000-byte ticket: the area grows for both, the session is stored', sessOut: true, args: ['--ocsp', '--json'],
	server: t12({ ocsp: Buffer.alloc(15000, 0x30), ticket: { ticket: Buffer.alloc(8000, 7) } }), expect: ok,
	check: (res, srv, ctx) => {
		done12({ ticketsSent: 1 })(res, srv);
		assert.ok(existsSync(ctx.sessOut), 'session written');
		assert.equal(Buffer.from(res.json?.ocsp_response, 'base64').length, 15000);
	},
});
