// The hostile server's TLS 1.2 mode (server.mjs runHandshake with S.tls12).
//
// Written from RFC 5246 (handshake, PRF, key block, Finished), RFC 8422
// (ECDHE named curves, ServerKeyExchange), RFC 5288 / RFC 7905 (AES-GCM
// with an explicit nonce, ChaCha20-Poly1305), RFC 7627 (extended master
// secret), RFC 5077 (session tickets), RFC 5746 (renegotiation_info) and
// RFC 6066 8 (CertificateStatus), with node:crypto only (no code shared
// with src/). Every step is a hook, as in the TLS 1.3 mode:
//
//   full:    ServerHello, Certificate, [CertificateStatus],
//            ServerKeyExchange, [CertificateRequest], ServerHelloDone
//            <- [Certificate], ClientKeyExchange, [CertificateVerify],
//               ChangeCipherSpec, Finished
//            [NewSessionTicket], ChangeCipherSpec, Finished
//   resumed: ServerHello (our session ID echoed), [NewSessionTicket],
//            ChangeCipherSpec, Finished
//            <- ChangeCipherSpec, Finished
//   then echo application data (server.mjs echo()), close_notify answered.
//
// The client's records after its ChangeCipherSpec are opened with its
// key-block keys (conn.rk12, prot 'hs12' during the handshake, 'app12'
// after), so a test reads back the alert the client sent whatever the
// point of failure. Tickets issued here live in TICKETS12 (this process,
// any later connection); T.resume looks the client's session_ticket up.
//
// This module and server.mjs import each other: nothing here touches an
// import at module evaluation (only inside functions).
import crypto from 'node:crypto';
import {
	CT, HS, EXT, u8, u16, u32, cat, vec8, vec16, vec24, hsMsg, encodeExts, keyShare, CERTS, signScheme,
	echo, ClientAlert,
} from './server.mjs';

export const HS12 = {
	HELLO_REQUEST: 0, SERVER_HELLO: 2, NEW_SESSION_TICKET: 4, CERTIFICATE: 11, SERVER_KEY_EXCHANGE: 12,
	CERTIFICATE_REQUEST: 13, SERVER_HELLO_DONE: 14, CERTIFICATE_VERIFY: 15, CLIENT_KEY_EXCHANGE: 16,
	FINISHED: 20, CERTIFICATE_STATUS: 22,
};

/** The six suites the client implements (ECDHE, AEAD only). */
export const SUITES12 = {
	0xc02b: { id: 0xc02b, name: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', auth: 'ec', hash: 'sha256', hashLen: 32, cipher: 'aes-128-gcm', keyLen: 16, ivLen: 4 },
	0xc02f: { id: 0xc02f, name: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', auth: 'rsa', hash: 'sha256', hashLen: 32, cipher: 'aes-128-gcm', keyLen: 16, ivLen: 4 },
	0xc02c: { id: 0xc02c, name: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', auth: 'ec', hash: 'sha384', hashLen: 48, cipher: 'aes-256-gcm', keyLen: 32, ivLen: 4 },
	0xc030: { id: 0xc030, name: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', auth: 'rsa', hash: 'sha384', hashLen: 48, cipher: 'aes-256-gcm', keyLen: 32, ivLen: 4 },
	0xcca9: { id: 0xcca9, name: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', auth: 'ec', hash: 'sha256', hashLen: 32, cipher: 'chacha20-poly1305', keyLen: 32, ivLen: 12 },
	0xcca8: { id: 0xcca8, name: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', auth: 'rsa', hash: 'sha256', hashLen: 32, cipher: 'chacha20-poly1305', keyLen: 32, ivLen: 12 },
};

/* ------------------------------------------------------------------ */
/* PRF, key block, Finished (RFC 5246 5, 6.3, 7.4.9; RFC 7627 4)        */
/* ------------------------------------------------------------------ */

const hmac = (hash, key, data) => crypto.createHmac(hash, key).update(data).digest();
const digest = (hash, data) => crypto.createHash(hash).update(data).digest();
const u64 = (v) => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(v)); return b; };

/** PRF(secret, label, seed) = P_<hash>(secret, label + seed), len bytes. */
export function prf12(hash, secret, label, seed, len) {
	const s = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
	const out = [];
	let a = s;
	for (let n = 0; n < len;) {
		a = hmac(hash, secret, a);
		const b = hmac(hash, secret, Buffer.concat([a, s]));
		out.push(b);
		n += b.length;
	}
	return Buffer.concat(out).subarray(0, len);
}

/** master_secret: RFC 5246 8.1, or RFC 7627 4 with the session hash. */
export function masterSecret12(suite, pms, { ems, sessionHash, clientRandom, serverRandom }) {
	return ems
		? prf12(suite.hash, pms, 'extended master secret', sessionHash, 48)
		: prf12(suite.hash, pms, 'master secret', Buffer.concat([clientRandom, serverRandom]), 48);
}

/** RFC 5246 6.3 for AEAD suites (no MAC keys): {cKey, sKey, cIv, sIv}. */
export function keyBlock12(suite, master, clientRandom, serverRandom) {
	const n = 2 * suite.keyLen + 2 * suite.ivLen;
	const kb = prf12(suite.hash, master, 'key expansion', Buffer.concat([serverRandom, clientRandom]), n);
	let o = 0;
	const take = (l) => { const x = kb.subarray(o, o + l); o += l; return Buffer.from(x); };
	return { cKey: take(suite.keyLen), sKey: take(suite.keyLen), cIv: take(suite.ivLen), sIv: take(suite.ivLen) };
}

export const finished12 = (suite, master, label, th) => prf12(suite.hash, master, label, th, 12);

/* ------------------------------------------------------------------ */
/* Record protection (RFC 5246 6.2.3.3, RFC 5288 3, RFC 7905 2)         */
/* ------------------------------------------------------------------ */

/**
 * One direction's keys. seal(type, plaintext, o) -> the record body
 * (GCM: explicit nonce || ciphertext || tag; ChaCha20: ciphertext || tag);
 * o.explicitNonce (8 bytes) or keys.nonceFn() replaces the default (the
 * sequence number).
 * open(type, body) -> plaintext or null.
 */
export function recordKeys12(suite, key, iv) {
	const gcm = suite.ivLen === 4;
	const opts = gcm ? undefined : { authTagLength: 16 };
	const aad = (seq, type, len) => cat(u64(seq), u8(type), u16(0x0303), u16(len));
	const xorNonce = (seq) => {
		const n = Buffer.from(iv);
		const s = u64(seq);
		for (let i = 0; i < 8; i++) n[4 + i] ^= s[i];
		return n;
	};
	return {
		suite, seq: 0n,
		seal(type, pt, o = {}) {
			const explicit = gcm ? (o.explicitNonce ?? (this.nonceFn ? this.nonceFn() : u64(this.seq))) : Buffer.alloc(0);
			const nonce = gcm ? cat(iv, explicit) : xorNonce(this.seq);
			const c = crypto.createCipheriv(suite.cipher, key, nonce, opts);
			c.setAAD(aad(this.seq, type, pt.length), { plaintextLength: pt.length });
			const body = cat(explicit, c.update(pt), c.final(), c.getAuthTag());
			this.seq++;
			return body;
		},
		open(type, body) {
			const head = gcm ? 8 : 0;
			if (body.length < head + 16) return null;
			const nonce = gcm ? cat(iv, body.subarray(0, 8)) : xorNonce(this.seq);
			const ct = body.subarray(head, body.length - 16);
			try {
				const d = crypto.createDecipheriv(suite.cipher, key, nonce, opts);
				d.setAAD(aad(this.seq, type, ct.length), { plaintextLength: ct.length });
				d.setAuthTag(body.subarray(body.length - 16));
				const pt = cat(d.update(ct), d.final());
				this.seq++;
				return pt;
			} catch {
				return null;
			}
		},
	};
}

/* ------------------------------------------------------------------ */
/* Tickets and signatures                                               */
/* ------------------------------------------------------------------ */

/** Tickets issued in TLS 1.2: hex(ticket) -> {master, suiteId, ems, alpn}. */
export const TICKETS12 = new Map();

/** The scheme we sign ServerKeyExchange with by default, per key. */
function defaultScheme12(cert) {
	if (cert.key.asymmetricKeyType === 'rsa') return 0x0804;
	return cert.key.asymmetricKeyDetails?.namedCurve === 'secp384r1' ? 0x0503 : 0x0403;
}

const SCHEME_HASH = {
	0x0401: 'sha256', 0x0501: 'sha384', 0x0601: 'sha512', 0x0403: 'sha256', 0x0503: 'sha384', 0x0603: 'sha512',
	0x0804: 'sha256', 0x0805: 'sha384', 0x0806: 'sha512',
};

/** Verifies a TLS 1.2 CertificateVerify (RFC 5246 7.4.8: over every
 * handshake message so far) with the client's leaf. */
function verifyClientCv12(leafDer, m, transcript) {
	const key = new crypto.X509Certificate(leafDer).publicKey;
	const scheme = m.readUInt16BE(4);
	const sig = m.subarray(8, 8 + m.readUInt16BE(6));
	const hash = SCHEME_HASH[scheme];
	if (!hash) return false;
	if (scheme >= 0x0804) {
		return crypto.verify(hash, transcript, { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
			saltLength: { sha256: 32, sha384: 48, sha512: 64 }[hash] }, sig);
	}
	if ((scheme & 0xff) === 0x01) return crypto.verify(hash, transcript, { key, padding: crypto.constants.RSA_PKCS1_PADDING }, sig);
	return crypto.verify(hash, transcript, key, sig);
}

/* ------------------------------------------------------------------ */
/* The handshake                                                        */
/* ------------------------------------------------------------------ */

/** The next client handshake message (CCS records noted and skipped);
 * throws ClientAlert on an alert, null on EOF. hs.lastProt: the
 * protection of the record that completed the message. */
async function nextClientHandshake12(conn, hs) {
	for (;;) {
		if (conn.hsq.length) return conn.hsq.shift();
		const r = await conn.nextRecord();
		if (!r) return null;
		if (r.ctype === CT.ALERT) {
			hs.notes.alertProt = r.prot;
			throw new ClientAlert(r.content[0], r.content[1]);
		}
		if (r.ctype === CT.HANDSHAKE) { hs.lastProt = r.prot; continue; }
		if (r.ctype === CT.CCS) { hs.notes.clientCcs = (hs.notes.clientCcs || 0) + 1; continue; }
		throw new Error(`unexpected client record type ${r.ctype} (${r.prot}) during the TLS 1.2 handshake`);
	}
}

/**
 * Sends a flight: each item is a handshake message ({name, buf} or a
 * Buffer) in its own record, {ccs: true} (ChangeCipherSpec, then our
 * writes are protected with hs.wk), {alert: [level, desc]}, {record:
 * [type, content], opts} (protected once our CCS is out) or {raw: bytes}.
 */
export function sendFlight12(conn, list, hs, o = {}) {
	for (const m of list) {
		if (Buffer.isBuffer(m)) conn.send(CT.HANDSHAKE, m, o);
		else if (m.ccs) { conn.sendPlain(CT.CCS, u8(1)); conn.wk12 = hs.wk; }
		else if (m.alert) conn.sendAlert(m.alert[0], m.alert[1]);
		else if (m.record) conn.send(m.record[0], m.record[1], m.opts);
		else if (m.raw) conn.write(m.raw);
		else conn.send(CT.HANDSHAKE, m.buf, o);
	}
}

const isHs = (m) => Buffer.isBuffer(m) || Boolean(m.buf);
const bufOf = (m) => (Buffer.isBuffer(m) ? m : m.buf);

/**
 * Runs a TLS 1.2 handshake after the ClientHello (server.mjs runHandshake
 * with S.tls12 = T, true for the defaults). Hooks, all optional:
 *   T.suite            suite to select (default: the client's first TLS
 *                      1.2 suite for the certificate's key type; on a
 *                      resumption, the ticket's)
 *   T.cert             'p256' (default), 'p384', 'rsa2048', ...
 *   T.group            named curve for ServerKeyExchange (default: the
 *                      client's first of x25519, P-256, P-384, P-521)
 *   T.ems              false: no extended_master_secret in ServerHello
 *   T.ticket           true or {lifetime, ticket}: acknowledge
 *                      session_ticket (if offered) and send a
 *                      NewSessionTicket; T.sendTicket false: acknowledge only
 *   T.resume           resume the session of a known session_ticket
 *                      (echo the session ID); T.resumeMaster(master) -> master
 *   T.alpn             protocol to select (default: the client's first),
 *                      false: no ALPN
 *   T.ocsp             a DER OCSPResponse: acknowledge status_request and
 *                      send it in CertificateStatus
 *   T.serverHello(sh, hs)   edit {vers, random, sessionId, suite,
 *                      compression, exts: [[type, data]] | null, trailing}
 *   T.shBytes(buf, hs) -> buf
 *   T.certEntries(ders, hs) -> ders;  T.certBody(body, hs) -> body
 *   T.skeScheme        signature scheme of ServerKeyExchange
 *   T.skePoint(pub, hs) -> point;  T.skeParams(params, hs) -> params
 *   T.skeSigned(data, hs) -> the bytes signed
 *   T.skeSig(sig, hs) -> sig;  T.skeBody(body, hs) -> body
 *   T.certRequest      {types, schemes, cas} or {body}: send a
 *                      CertificateRequest (1.2 form)
 *   T.messages(list, hs) -> list   the first flight ({name, buf}: sh,
 *                      cert, status, ske, cr, shd; or on a resumption sh,
 *                      nst, ccs, fin); items as for sendFlight12. The
 *                      transcript is what is sent (HelloRequest excluded)
 *   T.sendFlight(conn, list, hs)   sends the first flight (default:
 *                      sendFlight12, one record per message)
 *   T.afterFlight(conn, hs)  return 'stop' to end before reading the client
 *   T.finished(verifyData, hs) -> verifyData (our Finished)
 *   T.flight2(list, hs) -> list   our last flight: nst, ccs, fin
 *   T.sendFlight2(conn, list, hs)
 *   T.explicitNonce()  -> the 8-byte explicit nonce of each AES-GCM record
 *   T.afterHandshake(conn, hs)    default: echo()
 * Notes: version (0x0303), resumed, ems, suite, group, ticketKnown,
 * clientFinishedOk, clientCertificate, clientCvScheme, clientCvOk,
 * clientCcs, finishedProt, ticketsSent, chSessionIdLen, chTicketLen,
 * chRecordSizeLimit, chExts (the ClientHello's extension types).
 */
export async function runHandshake12(conn, hs, chMsg, ch, T = {}) {
	const notes = hs.notes;
	notes.version = 0x0303;
	notes.chExts = [...ch.exts.keys()];
	notes.chSessionIdLen = ch.sessionId.length;
	const ticketExt = ch.exts.get(EXT.SESSION_TICKET);
	notes.chTicketLen = ticketExt ? ticketExt.length : null;
	notes.chRecordSizeLimit = ch.exts.get(28)?.readUInt16BE(0) ?? null;
	hs.transcript = [chMsg];
	hs.clientRandom = ch.random;

	let resumed = null;
	if (T.resume && ticketExt?.length) {
		resumed = TICKETS12.get(ticketExt.toString('hex')) || null;
		notes.ticketKnown = !!resumed;
	}
	const cert = CERTS[T.cert || 'p256'];
	const auth = cert.key.asymmetricKeyType === 'rsa' ? 'rsa' : 'ec';
	const suiteId = T.suite ?? resumed?.suiteId ?? ch.suites.find((x) => SUITES12[x]?.auth === auth) ?? 0xc02b;
	hs.suiteId = suiteId;
	hs.suite = SUITES12[suiteId] || SUITES12[0xc02b];
	notes.suite = suiteId;

	const exts = [];
	if (ch.exts.has(EXT.RENEGOTIATION_INFO) || ch.suites.includes(0x00ff)) exts.push([EXT.RENEGOTIATION_INFO, u8(0)]);
	if (ch.exts.has(EXT.EXTENDED_MS) && T.ems !== false) exts.push([EXT.EXTENDED_MS, Buffer.alloc(0)]);
	if (ch.exts.has(EXT.EC_POINT_FORMATS)) exts.push([EXT.EC_POINT_FORMATS, vec8(u8(0))]);
	if (T.ticket && ticketExt) exts.push([EXT.SESSION_TICKET, Buffer.alloc(0)]);
	if (ch.alpn.length && T.alpn !== false) {
		hs.alpn = T.alpn || ch.alpn[0];
		exts.push([EXT.ALPN, vec16(vec8(Buffer.from(hs.alpn)))]);
	}
	if (T.ocsp && ch.exts.has(EXT.STATUS_REQUEST)) exts.push([EXT.STATUS_REQUEST, Buffer.alloc(0)]);
	const sh = {
		vers: 0x0303, random: crypto.randomBytes(32),
		sessionId: resumed ? ch.sessionId : crypto.randomBytes(32),
		suite: suiteId, compression: 0, exts, trailing: Buffer.alloc(0),
	};
	if (T.serverHello) T.serverHello(sh, hs);
	let shBuf = hsMsg(HS.SERVER_HELLO, cat(u16(sh.vers), sh.random, vec8(sh.sessionId), u16(sh.suite),
		u8(sh.compression), sh.exts === null ? Buffer.alloc(0) : encodeExts(sh.exts), sh.trailing));
	if (T.shBytes) shBuf = T.shBytes(shBuf, hs);
	hs.serverRandom = sh.random;
	const has = (t) => (sh.exts || []).some((e) => e[0] === t);
	hs.ems = has(EXT.EXTENDED_MS);
	hs.ticketAcked = has(EXT.SESSION_TICKET);
	notes.ems = hs.ems;
	notes.resumed = !!resumed;

	const newTicket = () => {
		const o = T.ticket === true ? {} : T.ticket;
		const ticket = o.ticket ?? crypto.randomBytes(48);
		TICKETS12.set(ticket.toString('hex'), { master: hs.master, suiteId: hs.suiteId, ems: hs.ems, alpn: hs.alpn ?? null });
		notes.ticketsSent = (notes.ticketsSent || 0) + 1;
		return hsMsg(HS12.NEW_SESSION_TICKET, cat(u32(o.lifetime ?? 7200), vec16(ticket)));
	};
	const setKeys = () => {
		const kb = keyBlock12(hs.suite, hs.master, hs.clientRandom, hs.serverRandom);
		hs.wk = recordKeys12(hs.suite, kb.sKey, kb.sIv);
		if (T.explicitNonce) hs.wk.nonceFn = T.explicitNonce;
		conn.pendingRk12 = recordKeys12(hs.suite, kb.cKey, kb.cIv);
	};
	const ourFinished = () => {
		let vd = finished12(hs.suite, hs.master, 'server finished', hs.th());
		if (T.finished) vd = T.finished(vd, hs);
		return hsMsg(HS12.FINISHED, vd);
	};
	const send = async (list, custom) => {
		if (custom) await custom(conn, list, hs);
		else sendFlight12(conn, list, hs);
	};
	const readClientFinished = async () => {
		const m = await nextClientHandshake12(conn, hs);
		if (!m) return false;
		if (m[0] !== HS12.FINISHED) throw new Error(`expected client Finished, got ${m[0]}`);
		notes.finishedProt = hs.lastProt;
		const want = hsMsg(HS12.FINISHED, finished12(hs.suite, hs.master, 'client finished', hs.th()));
		notes.clientFinishedOk = want.equals(m) && hs.lastProt === 'hs12';
		if (!notes.clientFinishedOk) throw new Error(`client Finished does not verify (${hs.lastProt})`);
		hs.add(m);
		return true;
	};

	if (resumed) {
		// RFC 5077 3.1 / RFC 5246 7.3: the abbreviated handshake.
		hs.master = T.resumeMaster ? T.resumeMaster(resumed.master, hs) : resumed.master;
		setKeys();
		let list = [{ name: 'sh', buf: shBuf }];
		if (hs.ticketAcked && T.sendTicket !== false) list.push({ name: 'nst', buf: newTicket() });
		hs.transcript.push(...list.map(bufOf));
		list.push({ name: 'ccs', ccs: true }, { name: 'fin', buf: ourFinished() });
		if (T.messages) list = T.messages(list, hs);
		hs.transcript = [chMsg, ...list.filter(isHs).map(bufOf).filter((b) => b[0] !== HS12.HELLO_REQUEST)];
		await send(list, T.sendFlight);
		if (T.afterFlight && (await T.afterFlight(conn, hs)) === 'stop') return;
		if (!(await readClientFinished())) return;
	} else {
		const list0 = [{ name: 'sh', buf: shBuf }];
		let ders = cert.chain;
		if (T.certEntries) ders = T.certEntries(ders, hs);
		let certBody = vec24(cat(...ders.map((d) => vec24(d))));
		if (T.certBody) certBody = T.certBody(certBody, hs);
		list0.push({ name: 'cert', buf: hsMsg(HS.CERTIFICATE, certBody) });
		if (T.ocsp && has(EXT.STATUS_REQUEST)) {
			list0.push({ name: 'status', buf: hsMsg(HS12.CERTIFICATE_STATUS, cat(u8(1), vec24(T.ocsp))) });
		}
		// ServerKeyExchange (RFC 8422 5.4): ECParameters (named_curve),
		// the point, then the signature over client_random ||
		// server_random || params.
		const known = [0x1d, 0x17, 0x18, 0x19];
		const group = T.group ?? ch.groups.find((g) => known.includes(g)) ?? 0x1d;
		notes.group = group;
		let share = null;
		try { share = keyShare(group); } catch { /* a group we cannot do: the point comes from T.skePoint */ }
		hs.share = share;
		const point = T.skePoint ? T.skePoint(share?.pub ?? Buffer.alloc(0), hs) : share.pub;
		let params = cat(u8(3), u16(group), vec8(point));
		if (T.skeParams) params = T.skeParams(params, hs);
		const scheme = T.skeScheme ?? defaultScheme12(cert);
		let signed = cat(hs.clientRandom, hs.serverRandom, params);
		if (T.skeSigned) signed = T.skeSigned(signed, hs);
		let sig = signScheme(scheme, cert.key, signed);
		if (T.skeSig) sig = T.skeSig(sig, hs);
		let skeBody = cat(params, u16(scheme), vec16(sig));
		if (T.skeBody) skeBody = T.skeBody(skeBody, hs);
		list0.push({ name: 'ske', buf: hsMsg(HS12.SERVER_KEY_EXCHANGE, skeBody) });
		if (T.certRequest) {
			const R = T.certRequest;
			const body = R.body ?? cat(vec8(Buffer.from(R.types ?? [1, 64])),
				vec16(cat(...(R.schemes ?? [0x0403, 0x0503, 0x0804, 0x0401]).map(u16))), vec16(R.cas ?? Buffer.alloc(0)));
			list0.push({ name: 'cr', buf: hsMsg(HS.CERTIFICATE_REQUEST, body) });
		}
		list0.push({ name: 'shd', buf: hsMsg(HS12.SERVER_HELLO_DONE, Buffer.alloc(0)) });
		const list = T.messages ? T.messages(list0, hs) : list0;
		// The client answers what came up to ServerHelloDone: that is
		// the transcript of its flight (a CertificateRequest after it
		// gets no Certificate).
		let sent = list.filter(isHs).map(bufOf);
		const shd = sent.findIndex((b) => b[0] === HS12.SERVER_HELLO_DONE);
		if (shd >= 0) sent = sent.slice(0, shd + 1);
		hs.certRequested = sent.some((b) => b[0] === HS.CERTIFICATE_REQUEST);
		hs.transcript.push(...sent.filter((b) => b[0] !== HS12.HELLO_REQUEST));
		await send(list, T.sendFlight);
		if (T.afterFlight && (await T.afterFlight(conn, hs)) === 'stop') return;

		// The client's flight.
		let m = await nextClientHandshake12(conn, hs);
		if (!m) return;
		let clientLeaf = null;
		if (hs.certRequested) {
			if (m[0] !== HS.CERTIFICATE) throw new Error(`expected client Certificate, got ${m[0]}`);
			notes.clientCertificate = m.toString('hex');
			if (m.readUIntBE(4, 3) > 0) clientLeaf = m.subarray(10, 10 + m.readUIntBE(7, 3));
			hs.add(m);
			m = await nextClientHandshake12(conn, hs);
			if (!m) return;
		}
		if (m[0] !== HS12.CLIENT_KEY_EXCHANGE) throw new Error(`expected ClientKeyExchange, got ${m[0]}`);
		const peer = m.subarray(5, 5 + m[4]);
		notes.ckeLength = peer.length;
		hs.add(m);
		if (!share) throw new Error(`ClientKeyExchange for group ${group}, which this server cannot do`);
		const pms = share.derive(peer);
		hs.master = masterSecret12(hs.suite, pms, { ems: hs.ems, sessionHash: hs.th(), clientRandom: hs.clientRandom, serverRandom: hs.serverRandom });
		setKeys();
		if (clientLeaf) {
			m = await nextClientHandshake12(conn, hs);
			if (!m) return;
			if (m[0] !== HS12.CERTIFICATE_VERIFY) throw new Error(`expected client CertificateVerify, got ${m[0]}`);
			notes.clientCvScheme = m.readUInt16BE(4);
			notes.clientCvOk = verifyClientCv12(clientLeaf, m, cat(...hs.transcript));
			if (!notes.clientCvOk) throw new Error('client CertificateVerify does not verify');
			hs.add(m);
		}
		if (!(await readClientFinished())) return;

		// Our last flight: [NewSessionTicket], ChangeCipherSpec, Finished.
		let list2 = [];
		if (hs.ticketAcked && T.sendTicket !== false) list2.push({ name: 'nst', buf: newTicket() });
		hs.transcript.push(...list2.map(bufOf));
		list2.push({ name: 'ccs', ccs: true }, { name: 'fin', buf: ourFinished() });
		if (T.flight2) list2 = T.flight2(list2, hs);
		await send(list2, T.sendFlight2);
	}
	conn.prot12 = 'app12';
	if (T.afterHandshake) await T.afterHandshake(conn, hs);
	else await echo(conn, hs);
}

/** A handshake message the client does not expect, for T.messages. */
export const helloRequest = () => hsMsg(HS12.HELLO_REQUEST, Buffer.alloc(0));
