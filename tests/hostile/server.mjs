// A scriptable, deliberately hostile TLS 1.3 server for tests, with a TLS
// 1.2 mode (S.tls12: server12.mjs).
//
// Written from RFC 8446 with node:crypto only (no code shared with src/).
// It accepts ONE connection, runs a normal handshake (ServerHello, dummy CCS,
// EncryptedExtensions, [CertificateRequest], Certificate, CertificateVerify,
// Finished; reads the client's CCS/[Certificate]/Finished; then echoes
// application data and answers close_notify) in which every step is a hook a
// scenario can replace. Every record the client sends is recorded and
// decrypted when possible (handshake keys, application keys and every
// KeyUpdate generation), so a test can read back the alert the client sent.
//
//   const srv = await startServer(script);      // script: see runHandshake()
//   ... connect a client to srv.port ...
//   const r = await srv.result;                 // after the client is gone
//   r.alerts  -> [{level, desc, prot: 'plain'|'hs'|'app0'|'app1'...}]
//   r.error   -> exception thrown by the server script (null if none)
//   r.notes   -> facts the script recorded (clientFinishedOk, echoed, ...)
//   r.undecryptable -> client records no key could open (should be 0)
//
// Resumption (RFC 8446 2.2, 4.2.11, 4.6.1): hs.sendTicket() issues a
// NewSessionTicket whose PSK is remembered in TICKETS (this process, any
// later connection); with S.psk a later handshake looks the offered
// identity up, verifies the binder (also after a HelloRetryRequest),
// selects it and skips the certificate messages; with S.psk.earlyData
// 'accept' it takes 0-RTT data under the client early traffic key and
// expects EndOfEarlyData. See runHandshake() for the hooks.
import crypto from 'node:crypto';
import net from 'node:net';
import { keyPair } from '../lib/keys.mjs';
import { readFileSync } from 'node:fs';
import { runHandshake12 } from './server12.mjs';

/* ------------------------------------------------------------------ */
/* Encoding helpers                                                     */
/* ------------------------------------------------------------------ */

export const u8 = (v) => Buffer.from([v & 0xff]);
export const u16 = (v) => Buffer.from([(v >> 8) & 0xff, v & 0xff]);
export const u24 = (v) => Buffer.from([(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]);
export const u32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return b; };
export const cat = (...a) => Buffer.concat(a.map((x) => (Buffer.isBuffer(x) ? x : Buffer.from(x))));
export const vec8 = (b) => cat(u8(b.length), b);
export const vec16 = (b) => cat(u16(b.length), b);
export const vec24 = (b) => cat(u24(b.length), b);
/** A handshake message: type || uint24 length || body. */
export const hsMsg = (type, body) => cat(u8(type), u24(body.length), body);
/** Extension list [[type, data], ...] -> uint16-prefixed block. */
export const encodeExts = (exts) => vec16(cat(...exts.map(([t, d]) => cat(u16(t), vec16(d)))));

export const CT = { CCS: 20, ALERT: 21, HANDSHAKE: 22, APP: 23 };
export const HS = {
	CLIENT_HELLO: 1, SERVER_HELLO: 2, NEW_SESSION_TICKET: 4, END_OF_EARLY_DATA: 5,
	ENCRYPTED_EXTENSIONS: 8, CERTIFICATE: 11, CERTIFICATE_REQUEST: 13,
	CERTIFICATE_VERIFY: 15, FINISHED: 20, KEY_UPDATE: 24, MESSAGE_HASH: 254,
};
export const EXT = {
	SERVER_NAME: 0, STATUS_REQUEST: 5, SUPPORTED_GROUPS: 10, EC_POINT_FORMATS: 11,
	SIGNATURE_ALGS: 13, ALPN: 16, SCT: 18, EXTENDED_MS: 23, SESSION_TICKET: 35,
	PRE_SHARED_KEY: 41, EARLY_DATA: 42, SUPPORTED_VERSIONS: 43, COOKIE: 44,
	PSK_MODES: 45, CERT_AUTHORITIES: 47, SIG_ALGS_CERT: 50, KEY_SHARE: 51,
	QUIC_PARAMS: 57, RENEGOTIATION_INFO: 0xff01,
};
export const GROUP = {
	secp256r1: 0x17, secp384r1: 0x18, secp521r1: 0x19, x25519: 0x1d,
	// post-quantum (draft-ietf-tls-ecdhe-mlkem, draft-ietf-tls-mlkem)
	X25519MLKEM768: 0x11ec, MLKEM1024: 0x0202,
};
/** The groups whose key exchange this server completes (keyShare()):
 * Node 20's crypto has no ML-KEM, so the post-quantum groups are left out
 * when it picks a group from the client's shares (a hook may still force
 * one: S.group, S.hrr.group, S.serverHello). */
export const COMPUTABLE_GROUPS = [GROUP.x25519, GROUP.secp256r1, GROUP.secp384r1, GROUP.secp521r1];
/** draft-ietf-tls-ecdhe-mlkem: X25519MLKEM768 share lengths. */
export const MLKEM768 = { ekLen: 1184, ctLen: 1088, clientShareLen: 1216, serverShareLen: 1120 };
export const HRR_RANDOM = Buffer.from(
	'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

/* ------------------------------------------------------------------ */
/* Crypto: suites, HKDF, AEAD, key exchange, signatures                 */
/* ------------------------------------------------------------------ */

export const SUITES = {
	0x1301: { id: 0x1301, hash: 'sha256', hashLen: 32, cipher: 'aes-128-gcm', keyLen: 16 },
	0x1302: { id: 0x1302, hash: 'sha384', hashLen: 48, cipher: 'aes-256-gcm', keyLen: 32 },
	0x1303: { id: 0x1303, hash: 'sha256', hashLen: 32, cipher: 'chacha20-poly1305', keyLen: 32 },
};

const hmac = (hash, key, data) => crypto.createHmac(hash, key).update(data).digest();
export const hkdfExtract = (hash, salt, ikm) => hmac(hash, salt, ikm);
export function hkdfExpand(hash, prk, info, len) {
	const out = [];
	let t = Buffer.alloc(0);
	for (let i = 1, n = 0; n < len; i++) {
		t = hmac(hash, prk, cat(t, info, u8(i)));
		out.push(t);
		n += t.length;
	}
	return Buffer.concat(out).subarray(0, len);
}
export function expandLabel(hash, secret, label, context, len) {
	const full = Buffer.from('tls13 ' + label);
	return hkdfExpand(hash, secret, cat(u16(len), vec8(full), vec8(context)), len);
}
const digest = (hash, data) => crypto.createHash(hash).update(data).digest();
const deriveSecret = (s, secret, label, th) => expandLabel(s.hash, secret, label, th, s.hashLen);

/** Traffic key state for one direction. */
export function trafficKeys(suite, secret) {
	return {
		suite, secret,
		key: expandLabel(suite.hash, secret, 'key', Buffer.alloc(0), suite.keyLen),
		iv: expandLabel(suite.hash, secret, 'iv', Buffer.alloc(0), 12),
		seq: 0n,
	};
}
export const nextSecret = (suite, secret) =>
	expandLabel(suite.hash, secret, 'traffic upd', Buffer.alloc(0), suite.hashLen);

function nonce(k, seq) {
	const n = Buffer.from(k.iv);
	const s = Buffer.alloc(8);
	s.writeBigUInt64BE(seq);
	for (let i = 0; i < 8; i++) n[4 + i] ^= s[i];
	return n;
}
function aeadSeal(k, aad, pt) {
	const opts = k.suite.cipher === 'chacha20-poly1305' ? { authTagLength: 16 } : undefined;
	const c = crypto.createCipheriv(k.suite.cipher, k.key, nonce(k, k.seq), opts);
	c.setAAD(aad, { plaintextLength: pt.length });
	const ct = cat(c.update(pt), c.final(), c.getAuthTag());
	k.seq++;
	return ct;
}
function aeadOpen(k, aad, ct) {
	if (ct.length < 16) return null;
	const opts = k.suite.cipher === 'chacha20-poly1305' ? { authTagLength: 16 } : undefined;
	try {
		const d = crypto.createDecipheriv(k.suite.cipher, k.key, nonce(k, k.seq), opts);
		d.setAAD(aad, { plaintextLength: ct.length - 16 });
		d.setAuthTag(ct.subarray(ct.length - 16));
		const pt = cat(d.update(ct.subarray(0, ct.length - 16)), d.final());
		k.seq++;
		return pt;
	} catch {
		return null;
	}
}

const X25519_SPKI = Buffer.from('302a300506032b656e032100', 'hex');
/**
 * Server key share for a group: {group, pub, derive(peerPub) -> shared}.
 *
 * X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem): pub = ML-KEM-768 ciphertext
 * (1088 bytes) || X25519 public key, the secret the ML-KEM secret || the
 * X25519 secret. Without ML-KEM (Node 20) the ciphertext is o.ciphertext or
 * random bytes, which the client's decapsulation turns into its
 * implicit-rejection secret (FIPS 203 7.3): one we do not have, so our
 * derive() pairs the X25519 secret with a random stand-in (mlkemUnknown:
 * true) and the two sides' handshake keys differ.
 */
export function keyShare(group, o = {}) {
	if (group === GROUP.X25519MLKEM768) {
		const x = keyShare(GROUP.x25519);
		const ct = o.ciphertext ?? crypto.randomBytes(MLKEM768.ctLen);
		const standIn = crypto.randomBytes(32);
		return {
			group, pub: cat(ct, x.pub), mlkemUnknown: true,
			derive(peer) {
				if (peer.length !== MLKEM768.clientShareLen) throw new Error(`X25519MLKEM768 client share of ${peer.length} bytes`);
				return cat(standIn, x.derive(peer.subarray(MLKEM768.ekLen)));
			},
		};
	}
	if (group === GROUP.x25519) {
		const { publicKey, privateKey } = keyPair('x25519');
		const pub = publicKey.export({ format: 'der', type: 'spki' }).subarray(12);
		return {
			group, pub,
			derive(peer) {
				const pk = crypto.createPublicKey({ key: cat(X25519_SPKI, peer), format: 'der', type: 'spki' });
				return crypto.diffieHellman({ privateKey, publicKey: pk });
			},
		};
	}
	const curve = { [GROUP.secp256r1]: 'prime256v1', [GROUP.secp384r1]: 'secp384r1', [GROUP.secp521r1]: 'secp521r1' }[group];
	if (!curve) throw new Error(`keyShare: unsupported group ${group}`);
	const ecdh = crypto.createECDH(curve);
	ecdh.generateKeys();
	return { group, pub: ecdh.getPublicKey(), derive: (peer) => ecdh.computeSecret(peer) };
}

/** PEM file -> [DER, ...] */
export function pemCerts(file) {
	const pem = readFileSync(file, 'utf8');
	return [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)]
		.map((m) => Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
}

/** Signs a CertificateVerify content with a scheme. */
export function signScheme(scheme, key, data) {
	switch (scheme) {
	case 0x0403: return crypto.sign('sha256', data, key);
	case 0x0503: return crypto.sign('sha384', data, key);
	case 0x0603: return crypto.sign('sha512', data, key);
	case 0x0203: return crypto.sign('sha1', data, key);
	case 0x0804: case 0x0805: case 0x0806: {
		const h = { 0x0804: 'sha256', 0x0805: 'sha384', 0x0806: 'sha512' }[scheme];
		return crypto.sign(h, data, { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
			saltLength: { sha256: 32, sha384: 48, sha512: 64 }[h] });
	}
	case 0x0401: case 0x0501: case 0x0601: case 0x0201: {
		const h = { 0x0401: 'sha256', 0x0501: 'sha384', 0x0601: 'sha512', 0x0201: 'sha1' }[scheme];
		return crypto.sign(h, data, { key, padding: crypto.constants.RSA_PKCS1_PADDING });
	}
	default: return crypto.randomBytes(64);   // e.g. ed25519 with a non-Ed25519 key
	}
}

/* ------------------------------------------------------------------ */
/* ClientHello parser                                                   */
/* ------------------------------------------------------------------ */

export function parseClientHello(msg) {
	if (msg[0] !== HS.CLIENT_HELLO) throw new Error(`expected ClientHello, got type ${msg[0]}`);
	const b = msg.subarray(4);
	let o = 0;
	const ch = { raw: msg, exts: new Map(), suites: [], groups: [], shares: [], alpn: [], sigAlgs: [] };
	ch.legacyVersion = b.readUInt16BE(o); o += 2;
	ch.random = b.subarray(o, o + 32); o += 32;
	ch.sessionId = b.subarray(o + 1, o + 1 + b[o]); o += 1 + b[o];
	const sl = b.readUInt16BE(o); o += 2;
	for (let i = 0; i < sl; i += 2) ch.suites.push(b.readUInt16BE(o + i));
	o += sl;
	ch.compression = b.subarray(o + 1, o + 1 + b[o]); o += 1 + b[o];
	const el = b.readUInt16BE(o); o += 2;
	const end = o + el;
	if (end !== b.length) throw new Error('ClientHello: trailing bytes');
	while (o < end) {
		const t = b.readUInt16BE(o), l = b.readUInt16BE(o + 2);
		const d = b.subarray(o + 4, o + 4 + l);
		if (ch.exts.has(t)) throw new Error(`ClientHello: duplicate extension ${t}`);
		ch.exts.set(t, d);
		o += 4 + l;
	}
	const g = ch.exts.get(EXT.SUPPORTED_GROUPS);
	if (g) for (let i = 2; i < g.length; i += 2) ch.groups.push(g.readUInt16BE(i));
	const s = ch.exts.get(EXT.SIGNATURE_ALGS);
	if (s) for (let i = 2; i < s.length; i += 2) ch.sigAlgs.push(s.readUInt16BE(i));
	const ks = ch.exts.get(EXT.KEY_SHARE);
	if (ks) {
		for (let i = 2; i < ks.length;) {
			const grp = ks.readUInt16BE(i), kl = ks.readUInt16BE(i + 2);
			ch.shares.push({ group: grp, pub: ks.subarray(i + 4, i + 4 + kl) });
			i += 4 + kl;
		}
	}
	const a = ch.exts.get(EXT.ALPN);
	if (a) for (let i = 2; i < a.length;) { ch.alpn.push(a.subarray(i + 1, i + 1 + a[i]).toString()); i += 1 + a[i]; }
	const v = ch.exts.get(EXT.SUPPORTED_VERSIONS);
	ch.versions = [];
	if (v) for (let i = 1; i < v.length; i += 2) ch.versions.push(v.readUInt16BE(i));
	const c = ch.exts.get(EXT.COOKIE);
	ch.cookie = c ? c.subarray(2) : null;
	const sni = ch.exts.get(EXT.SERVER_NAME);
	ch.serverName = sni ? sni.subarray(5).toString() : null;
	return ch;
}

/* ------------------------------------------------------------------ */
/* The connection: records in and out                                  */
/* ------------------------------------------------------------------ */

export class ClientAlert extends Error {
	constructor(level, desc) { super(`client sent alert ${level}/${desc}`); this.level = level; this.desc = desc; }
}

export class Conn {
	constructor(sock) {
		this.sock = sock;
		this.inbuf = Buffer.alloc(0);
		this.eof = false;
		this.closed = false;
		this.wake = null;
		this.records = [];       // every client record, decoded
		this.alerts = [];        // alerts the client sent
		this.undecryptable = 0;
		this.queue = [];         // processed records not yet consumed by the script
		this.hsbuf = Buffer.alloc(0);
		this.hsq = [];           // complete client handshake messages
		this.readKeys = [];      // candidate client write keys [{name, k}]
		this.keylog = null;      // {file, random, suite, seen}: see _keylogKeys
		this.wk = null;          // our write keys (null: plaintext)
		// TLS 1.2 mode (server12.mjs): our write keys after our CCS, the
		// client's once its CCS arrives (pendingRk12 until then), and the
		// name its protected records are logged under.
		this.wk12 = null;
		this.rk12 = null;
		this.pendingRk12 = null;
		this.prot12 = 'hs12';
		this.notes = {};
		this.clientKeyUpdates = [];
		this.out = [];           // writes are coalesced until we read (see flush)
		// A client that fails closes its socket with our unread records in
		// its buffer, which resets the connection; a write error must not
		// destroy the socket before we have read the alert it sent.
		if (sock._writableState) sock._writableState.autoDestroy = false;
		if (sock._readableState) sock._readableState.autoDestroy = false;
		sock.on('data', (d) => { this.inbuf = Buffer.concat([this.inbuf, d]); this._wake(); });
		sock.on('end', () => { this.eof = true; this._wake(); });
		sock.on('error', () => { this.eof = true; this._wake(); });
		sock.on('close', () => { this.eof = true; this.closed = true; this._wake(); });
	}

	_wake() { const w = this.wake; this.wake = null; if (w) w(); }

	/* -- reading ----------------------------------------------------- */

	/** Next raw client record {type, version, body}, or null on EOF. */
	async _rawRecord() {
		this.flush();
		for (;;) {
			if (this.inbuf.length >= 5) {
				const len = this.inbuf.readUInt16BE(3);
				if (this.inbuf.length >= 5 + len) {
					const rec = {
						type: this.inbuf[0], version: this.inbuf.readUInt16BE(1),
						header: Buffer.from(this.inbuf.subarray(0, 5)),
						body: Buffer.from(this.inbuf.subarray(5, 5 + len)),
					};
					this.inbuf = this.inbuf.subarray(5 + len);
					return rec;
				}
			}
			if (this.eof) return null;
			await new Promise((r) => { this.wake = r; });
		}
	}

	/** Decrypts and logs one client record; returns {ctype, content, prot}. */
	_process(rec) {
		let ctype = rec.type, content = rec.body, prot = 'plain';
		if (this.rk12 && rec.type !== CT.CCS) {
			// TLS 1.2: every record after the client's CCS is protected,
			// under its outer content type.
			const pt = this.rk12.open(rec.type, rec.body);
			if (!pt) {
				this.undecryptable++;
				const r = { ctype: -1, content: rec.body, prot: 'undecryptable', raw: rec };
				this.records.push(r);
				return r;
			}
			content = pt;
			prot = this.prot12;
		} else if (rec.type === CT.APP && this.readKeys.length) {
			let opened = null;
			for (let i = this.readKeys.length - 1; i >= 0 && !opened; i--) {
				const pt = aeadOpen(this.readKeys[i].k, rec.header, rec.body);
				if (pt) opened = { pt, cand: this.readKeys[i] };
			}
			for (const cand of opened ? [] : this._keylogKeys()) {
				const pt = aeadOpen(cand.k, rec.header, rec.body);
				if (pt) { opened = { pt, cand }; break; }
			}
			if (!opened) {
				this.undecryptable++;
				const r = { ctype: -1, content: rec.body, prot: 'undecryptable', raw: rec };
				this.records.push(r);
				return r;
			}
			let n = opened.pt.length;
			while (n > 0 && opened.pt[n - 1] === 0) n--;
			ctype = n ? opened.pt[n - 1] : 0;
			content = opened.pt.subarray(0, Math.max(0, n - 1));
			prot = opened.cand.name;
			if (ctype === CT.HANDSHAKE && content[0] === HS.KEY_UPDATE && content.length === 5) {
				// The client moved to the next generation.
				const c = opened.cand;
				const secret = nextSecret(c.k.suite, c.k.secret);
				const m = /^app(\d+)$/.exec(c.name);
				this.readKeys.push({ name: `app${m ? Number(m[1]) + 1 : 'X'}`, k: trafficKeys(c.k.suite, secret) });
				this.clientKeyUpdates.push(content[4]);
			}
		}
		const r = { ctype, content, prot, raw: rec };
		this.records.push(r);
		if (ctype === CT.CCS && !this.rk12 && this.pendingRk12) this.rk12 = this.pendingRk12;
		if (ctype === CT.ALERT && content.length === 2) {
			this.alerts.push({ level: content[0], desc: content[1], prot });
		} else if (ctype === CT.ALERT) {
			this.alerts.push({ level: -1, desc: -1, prot, raw: content });
		}
		if (ctype === CT.HANDSHAKE) {
			this.hsbuf = cat(this.hsbuf, content);
			while (this.hsbuf.length >= 4) {
				const l = this.hsbuf.readUIntBE(1, 3);
				if (this.hsbuf.length < 4 + l) break;
				this.hsq.push(Buffer.from(this.hsbuf.subarray(0, 4 + l)));
				this.hsbuf = this.hsbuf.subarray(4 + l);
			}
		}
		return r;
	}

	/** With S.keylog (the client's --keylog file): the client traffic keys
	 * logged there for this connection's client random that we have not
	 * added yet, added to readKeys as 'hs-keylog' / 'app0-keylog'. For a
	 * client whose keys are not ours (e.g. an ML-KEM ciphertext it
	 * decapsulated to its implicit-rejection secret), so the alert it
	 * sends is still read. */
	_keylogKeys() {
		const kl = this.keylog;
		if (!kl) return [];
		let text;
		try { text = readFileSync(typeof kl.file === 'function' ? kl.file() : kl.file, 'latin1'); } catch { return []; }
		const added = [];
		for (const line of text.split('\n')) {
			const [label, random, secret] = line.trim().split(' ');
			const name = { CLIENT_HANDSHAKE_TRAFFIC_SECRET: 'hs-keylog', CLIENT_TRAFFIC_SECRET_0: 'app0-keylog' }[label];
			if (!name || random !== kl.random.toString('hex') || kl.seen.has(line.trim())) continue;
			kl.seen.add(line.trim());
			const cand = { name, k: trafficKeys(kl.suite, Buffer.from(secret, 'hex')) };
			this.readKeys.push(cand);
			added.push(cand);
			this.notes.keylogKeys = [...(this.notes.keylogKeys || []), name];
		}
		return added;
	}

	/** Next processed client record (any type), or null on EOF. */
	async nextRecord() {
		if (this.queue.length) return this.queue.shift();
		const raw = await this._rawRecord();
		if (!raw) return null;
		return this._process(raw);
	}

	/** Next complete client handshake message, skipping CCS. Throws
	 * ClientAlert if the client sends an alert, returns null on EOF. */
	async nextHandshake() {
		for (;;) {
			if (this.hsq.length) return this.hsq.shift();
			const r = await this.nextRecord();
			if (!r) return null;
			if (r.ctype === CT.ALERT) throw new ClientAlert(r.content[0], r.content[1]);
			if (r.ctype === CT.CCS || r.ctype === CT.HANDSHAKE) continue;
			throw new Error(`unexpected client record type ${r.ctype} during the handshake`);
		}
	}

	/** Reads (and records) everything until the client closes. */
	async drain(ms = 10000) {
		const t = setTimeout(() => { this.sock.destroy(); }, ms);
		try {
			while (await this.nextRecord()) { /* recorded */ }
		} finally {
			clearTimeout(t);
		}
	}

	addReadKeys(name, suite, secret) {
		this.readKeys.push({ name, k: trafficKeys(suite, secret) });
	}

	/* -- writing ----------------------------------------------------- */

	/** Queues bytes; they go out in one write when the script next reads
	 * (or ends), so a client that fails cannot reset the connection
	 * between two of our writes. */
	write(buf) { this.out.push(Buffer.from(buf)); }

	flush() {
		if (!this.out.length) return;
		const b = Buffer.concat(this.out);
		this.out = [];
		if (!this.sock.destroyed && this.sock.writable) this.sock.write(b, () => {});
	}

	setWriteKeys(suite, secret) { this.wk = secret ? trafficKeys(suite, secret) : null; }

	/**
	 * Builds one record. With write keys (and !o.plain) the content is
	 * protected: TLSInnerPlaintext = content || ctype || o.pad zeros.
	 * o.version (default 0x0303), o.outerType (protected: 23),
	 * o.len (override the header length field), o.innerType (override the
	 * inner type byte; null to omit it), o.tamper(buf) (edit the final bytes).
	 * In TLS 1.2 mode (wk12 set) the record keeps its type and is sealed
	 * with the TLS 1.2 AEAD; o.explicitNonce sets AES-GCM's explicit nonce.
	 */
	record(ctype, content, o = {}) {
		content = Buffer.isBuffer(content) ? content : Buffer.from(content);
		const version = o.version ?? 0x0303;
		let rec;
		if (this.wk12 && !o.plain) {
			const body = this.wk12.seal(ctype, content, o);
			rec = cat(u8(o.outerType ?? ctype), u16(version), u16(body.length), body);
		} else if (this.wk && !o.plain) {
			const inner = cat(content, o.innerType === null ? Buffer.alloc(0) : u8(o.innerType ?? ctype),
				Buffer.alloc(o.pad || 0));
			const header = cat(u8(o.outerType ?? CT.APP), u16(version), u16(inner.length + 16));
			rec = cat(header, aeadSeal(this.wk, header, inner));
		} else {
			rec = cat(u8(o.outerType ?? ctype), u16(version), u16(content.length), content);
		}
		if (o.len !== undefined) rec.writeUInt16BE(o.len, 3);
		if (o.tamper) rec = o.tamper(rec) || rec;
		return rec;
	}

	send(ctype, content, o = {}) { const r = this.record(ctype, content, o); this.write(r); return r; }
	sendPlain(ctype, content, o = {}) { return this.send(ctype, content, { ...o, plain: true }); }

	/** Sends handshake bytes, fragmented into records of at most `frag` bytes. */
	sendHandshake(bytes, o = {}) {
		const frag = o.frag || 16384;
		for (let i = 0; i < bytes.length; i += frag) this.send(CT.HANDSHAKE, bytes.subarray(i, i + frag), o);
	}

	sendAlert(level, desc, o = {}) { return this.send(CT.ALERT, Buffer.from([level, desc]), o); }
	end() { this.flush(); if (!this.sock.destroyed) this.sock.end(); }
	destroy() { this.sock.destroy(); }
}

/* ------------------------------------------------------------------ */
/* The handshake, hook by hook                                          */
/* ------------------------------------------------------------------ */

export const CERTS = {};   // filled by setPki(): name -> {chain:[DER], key, scheme}

export function setPki(p) {
	const load = (leaf, scheme) => ({ chain: pemCerts(leaf.chain), key: crypto.createPrivateKey(readFileSync(leaf.key)), scheme });
	CERTS.p256 = load(p.p256, 0x0403);
	CERTS.p384 = load(p.p384, 0x0503);
	CERTS.rsa2048 = load(p.rsa2048, 0x0804);
	for (const n of ['expired', 'wrongHost', 'unknownRoot', 'badSignature', 'notYetValid']) {
		if (p[n]) CERTS[n] = load(p[n], n === 'badSignature' ? 0x0804 : null);
	}
}

function pickScheme(cert) {
	if (cert.scheme) return cert.scheme;
	const t = cert.key.asymmetricKeyType;
	if (t === 'rsa') return 0x0804;
	const c = cert.key.asymmetricKeyDetails?.namedCurve;
	return c === 'secp384r1' ? 0x0503 : 0x0403;
}

/* ------------------------------------------------------------------ */
/* Pre-shared keys                                                      */
/* ------------------------------------------------------------------ */

/** Tickets issued by hs.sendTicket(): hex(ticket) -> {psk, suiteId, alpn,
 * maxEarly, ageAdd, lifetime, issuedMs}. */
export const TICKETS = new Map();

/** The ClientHello's pre_shared_key (RFC 8446 4.2.11): {ids: [{identity,
 * age}], binders: [Buffer], truncated (the ClientHello up to the binders
 * list), last (was it the last extension)}, or null. */
export function parsePreSharedKey(ch) {
	const d = ch.exts.get(EXT.PRE_SHARED_KEY);
	if (!d) return null;
	const idsLen = d.readUInt16BE(0);
	const ids = [];
	let o = 2;
	while (o < 2 + idsLen) {
		const l = d.readUInt16BE(o);
		ids.push({ identity: Buffer.from(d.subarray(o + 2, o + 2 + l)), age: d.readUInt32BE(o + 2 + l) });
		o += 2 + l + 4;
	}
	const bl = d.readUInt16BE(o);
	const binders = [];
	for (let i = o + 2; i < o + 2 + bl;) {
		binders.push(Buffer.from(d.subarray(i + 1, i + 1 + d[i])));
		i += 1 + d[i];
	}
	if (o + 2 + bl !== d.length) throw new Error('pre_shared_key: trailing bytes');
	return {
		ids, binders, truncated: ch.raw.subarray(0, ch.raw.length - (2 + bl)),
		last: [...ch.exts.keys()].pop() === EXT.PRE_SHARED_KEY,
	};
}

const earlySecret = (s, psk) => hkdfExtract(s.hash, Buffer.alloc(s.hashLen), psk);

/** The binder for a PSK over transcript bytes ending with a truncated
 * ClientHello (RFC 8446 4.2.11.2, resumption binder key). */
export function binderFor(s, psk, transcript) {
	const bk = deriveSecret(s, earlySecret(s, psk), 'res binder', digest(s.hash, Buffer.alloc(0)));
	const fk = expandLabel(s.hash, bk, 'finished', Buffer.alloc(0), s.hashLen);
	return hmac(s.hash, fk, digest(s.hash, transcript));
}

/** client_early_traffic_secret for a PSK and ClientHello (RFC 8446 7.1). */
export function clientEarlySecret(s, psk, chMsg) {
	return deriveSecret(s, earlySecret(s, psk), 'c e traffic', digest(s.hash, chMsg));
}

/** The server's handshake state, shared with hooks. */
export class Handshake {
	constructor(conn, S) {
		this.conn = conn;
		this.S = S;
		this.transcript = [];
		this.notes = conn.notes;
	}
	add(msg) { this.transcript.push(msg); }
	th() { return digest(this.suite.hash, cat(...this.transcript)); }

	/** message_hash(CH1) per RFC 8446 4.4.1 */
	replaceWithMessageHash() {
		const h = this.th();
		this.transcript = [cat(u8(HS.MESSAGE_HASH), u24(h.length), h)];
	}

	deriveHandshake(shared) {
		const s = this.suite, z = Buffer.alloc(s.hashLen);
		const early = hkdfExtract(s.hash, Buffer.alloc(1, 0), this.psk || z);
		const derived = deriveSecret(s, early, 'derived', digest(s.hash, Buffer.alloc(0)));
		this.hsSecret = hkdfExtract(s.hash, derived, shared);
		const th = this.th();
		this.cHs = deriveSecret(s, this.hsSecret, 'c hs traffic', th);
		this.sHs = deriveSecret(s, this.hsSecret, 's hs traffic', th);
	}

	deriveApp() {
		const s = this.suite;
		const derived = deriveSecret(s, this.hsSecret, 'derived', digest(s.hash, Buffer.alloc(0)));
		const master = hkdfExtract(s.hash, derived, Buffer.alloc(s.hashLen));
		this.master = master;
		const th = this.th();
		this.cAp = deriveSecret(s, master, 'c ap traffic', th);
		this.sAp = deriveSecret(s, master, 's ap traffic', th);
	}

	finishedFor(base, th = this.th()) {
		const s = this.suite;
		const fk = expandLabel(s.hash, base, 'finished', Buffer.alloc(0), s.hashLen);
		return hmac(s.hash, fk, th);
	}

	/** Switches our writes to the application traffic keys (once). */
	toApp() {
		if (this.sentApp) return;
		this.sentApp = true;
		this.sApCur = this.sAp;
		this.conn.setWriteKeys(this.suite, this.sAp);
	}

	/**
	 * Issues a NewSessionTicket (after the client Finished: the resumption
	 * secret covers it) and remembers its PSK in TICKETS. o: lifetime,
	 * ageAdd, nonce, ticket (Buffers/numbers), maxEarly (adds the early_data
	 * extension), exts (replaces the extensions), frag (record size).
	 * Returns the TICKETS entry.
	 */
	sendTicket(o = {}) {
		const s = this.suite;
		const nonce = o.nonce ?? crypto.randomBytes(8);
		const ticket = o.ticket ?? crypto.randomBytes(32);
		const lifetime = o.lifetime ?? 3600;
		const ageAdd = o.ageAdd ?? crypto.randomBytes(4).readUInt32BE(0);
		const maxEarly = o.maxEarly ?? 0;
		const rms = deriveSecret(s, this.master, 'res master', this.th());
		const psk = expandLabel(s.hash, rms, 'resumption', nonce, s.hashLen);
		const entry = { psk, suiteId: this.suiteId, alpn: this.alpn ?? null, maxEarly, ageAdd, lifetime, issuedMs: Date.now() };
		TICKETS.set(ticket.toString('hex'), entry);
		const exts = o.exts ?? (maxEarly ? [[EXT.EARLY_DATA, u32(maxEarly)]] : []);
		const msg = hsMsg(HS.NEW_SESSION_TICKET, cat(u32(lifetime), u32(ageAdd), vec8(nonce), vec16(ticket), encodeExts(exts)));
		this.conn.sendHandshake(msg, { frag: o.frag });
		this.notes.ticketsSent = (this.notes.ticketsSent || 0) + 1;
		return entry;
	}

	/** Sends a KeyUpdate and moves our write keys forward. */
	keyUpdate(requestUpdate = 0, o = {}) {
		this.conn.send(CT.HANDSHAKE, hsMsg(HS.KEY_UPDATE, u8(requestUpdate)), o);
		this.sApCur = nextSecret(this.suite, this.sApCur);
		this.conn.setWriteKeys(this.suite, this.sApCur);
	}
}

/** Default post-handshake behaviour: echo application data, answer
 * close_notify with close_notify, then end. */
export async function echo(conn, hs) {
	for (;;) {
		const r = await conn.nextRecord();
		if (!r) return;
		if (r.ctype === CT.APP && r.content.length) {
			conn.notes.echoed = (conn.notes.echoed || 0) + r.content.length;
			conn.send(CT.APP, r.content);
		} else if (r.ctype === CT.ALERT) {
			if (r.content[1] === 0) {
				conn.notes.clientClosed = true;
				conn.sendAlert(1, 0);
				conn.end();
			}
			return;
		}
	}
}

/**
 * Runs the handshake with the scenario's hooks S (all optional):
 *   S.suite            cipher suite to select (default: the client's first)
 *   S.group            group we want; if the client's share is another
 *                      group, we send a HelloRetryRequest for it
 *   S.hrr              force a HelloRetryRequest: {group, cookie, suite,
 *                      exts(list, hs) -> list, random, bytes(buf) -> buf,
 *                      send(conn, buf, hs), after(conn, hs) (return 'stop' to end)}
 *   S.serverHello(sh, hs)   edit {vers, random, sessionId, suite, compression,
 *                      exts: [[type, data]], trailing}; sh.share is our key share
 *                      (replace it to derive the keys from another one)
 *   S.keylog           the client's --keylog file (or () => path): client
 *                      records our keys cannot open are tried under the
 *                      client traffic secrets logged there (Conn._keylogKeys)
 *   S.shBytes(buf, hs) -> buf    edit the encoded ServerHello
 *   S.sendServerHello(conn, buf, hs)   default: one plaintext record
 *   S.ccs              false: no dummy change_cipher_spec after ServerHello
 *   S.ee(exts, hs) -> exts;  S.eeBody(body) -> body
 *   S.certRequest      {context, exts} to send a CertificateRequest
 *   S.cert             'p256' (default), 'p384', 'rsa2048', ...
 *   S.certEntries(list) -> list of DER;  S.certBody(body) -> body
 *   S.certExts(i, hs) -> [[type, data]]   extensions of CertificateEntry i
 *   S.cvScheme, S.cvContext, S.cvTranscript(th) -> th, S.cvSig(sig) -> sig, S.cvBody(body) -> body
 *   S.finished(verifyData) -> verifyData
 *   S.messages(list, hs) -> list   list of {name, buf}; reorder/drop/duplicate
 *   S.sendFlight(conn, list, hs)   default: one record per message, then hs.toApp()
 *   S.afterFlight(conn, hs)   after the flight, before reading the client's
 *                      Finished; return 'stop' to end there
 *   S.afterHandshake(conn, hs)  default: echo()
 *   S.script(conn, hs)  replaces everything
 *   S.tls12            true, or the hooks of server12.mjs runHandshake12:
 *                      answer the ClientHello with a TLS 1.2 handshake
 *   S.psk              resumption: look up the offered ticket in TICKETS and,
 *                      when found, verify the binder of the ClientHello we
 *                      answer (a bad one: decrypt_error alert and the script
 *                      fails) and select it: {
 *                        accept: false (decline: full handshake),
 *                        selected: n (selected_identity to send, default 0),
 *                        force: true (send pre_shared_key even without a
 *                               known ticket; PSK = zeros),
 *                        checkBinder: false (skip the binder check),
 *                        external: key (select an external PSK with this
 *                               raw key instead, at `selected`; its
 *                               binder is not checked),
 *                        sendCert: true (Certificate + CertificateVerify
 *                               anyway), earlyData: 'accept' (0-RTT
 *                               accepted if offered) | 'force' (early_data
 *                               in EE even if not offered),
 *                        echoEarly: false (don't send the early data back
 *                               first after the handshake) }
 *                      notes: pskOffered, ticketKnown, binderOk (the
 *                      answered ClientHello), binder1Ok, binder2Ok,
 *                      pskAccepted, earlyOffered, earlyAccepted, earlyData
 *                      (latin1), earlyRecords, endOfEarlyData (its prot),
 *                      ticketAgeMs, pskLast
 *   Always noted: chSigAlgs (signature_algorithms of the first
 *   ClientHello), chShareGroups, chShareLens (its key_share groups and
 *   their lengths); after an HRR, ch2Groups, ch2ShareLens,
 *   ch2SupportedGroups, ch2Cookie. Without S.group, the group is the first
 *   of the client's shares in COMPUTABLE_GROUPS, else a HelloRetryRequest
 *   for the first such group in its supported_groups.
 */
export async function runHandshake(conn, S = {}) {
	const hs = new Handshake(conn, S);
	if (S.script) return S.script(conn, hs);

	let chMsg = await conn.nextHandshake();
	if (!chMsg) throw new Error('no ClientHello');
	let ch = parseClientHello(chMsg);
	hs.ch = ch;
	hs.notes.chSigAlgs = ch.sigAlgs;
	hs.notes.chLength = chMsg.length;
	hs.notes.chPadding = ch.exts.get(21)?.length ?? null;
	hs.notes.chShareGroups = ch.shares.map((x) => x.group);
	hs.notes.chShareLens = ch.shares.map((x) => x.pub.length);
	if (S.psk) {
		const offer = parsePreSharedKey(ch);
		hs.pskOffer = offer;
		hs.notes.pskOffered = !!offer;
		const t = offer && TICKETS.get(offer.ids[0].identity.toString('hex'));
		hs.ticket = t || null;
		hs.notes.ticketKnown = !!t;
		if (t) {
			const ts = SUITES[t.suiteId];
			hs.notes.pskLast = offer.last;
			hs.notes.ticketAgeMs = ((offer.ids[0].age - t.ageAdd) >>> 0);
			hs.notes.binder1Ok = binderFor(ts, t.psk, offer.truncated).equals(offer.binders[0]);
			if (ch.exts.has(EXT.EARLY_DATA)) {
				hs.notes.earlyOffered = true;
				conn.addReadKeys('early', ts, clientEarlySecret(ts, t.psk, chMsg));
			}
		}
	}
	// TLS 1.2 (after the PSK lookup: with S.psk a TLS 1.3 ticket's 0-RTT
	// records can still be read under the client early key)
	if (S.tls12) return runHandshake12(conn, hs, chMsg, ch, S.tls12 === true ? {} : S.tls12);
	const pskSuite = hs.ticket && S.psk.accept !== false && ch.suites.includes(hs.ticket.suiteId) ? hs.ticket.suiteId : undefined;
	const suiteId = S.suite ?? pskSuite ?? ch.suites.find((x) => SUITES[x]);
	hs.suite = SUITES[suiteId] || SUITES[0x1301];
	hs.suiteId = suiteId;
	hs.add(chMsg);

	// the first share for a group we can compute (as a real server skips
	// GREASE; and the post-quantum groups, which Node 20 cannot do); with
	// none, a HelloRetryRequest for the first such group the client
	// supports
	const canDo = (g) => COMPUTABLE_GROUPS.includes(g);
	let wantGroup = S.group ?? ch.shares.find((x) => canDo(x.group))?.group ?? ch.groups.find(canDo) ?? ch.shares[0]?.group;
	const needHrr = S.hrr || !ch.shares.some((x) => x.group === wantGroup);
	if (needHrr) {
		const H = S.hrr || {};
		const hrrGroup = H.group !== undefined ? H.group : wantGroup;
		const hrrSuite = H.suite ?? suiteId;
		if (SUITES[hrrSuite]) hs.suite = SUITES[hrrSuite];
		let exts = [[EXT.SUPPORTED_VERSIONS, u16(0x0304)]];
		if (hrrGroup) exts.push([EXT.KEY_SHARE, u16(hrrGroup)]);
		if (H.cookie) exts.push([EXT.COOKIE, vec16(H.cookie)]);
		if (H.exts) exts = H.exts(exts, hs);
		let buf = hsMsg(HS.SERVER_HELLO, cat(u16(0x0303), H.random || HRR_RANDOM, vec8(ch.sessionId),
			u16(hrrSuite), u8(0), encodeExts(exts)));
		if (H.bytes) buf = H.bytes(buf, hs);
		hs.replaceWithMessageHash();
		hs.add(buf);
		if (H.send) await H.send(conn, buf, hs); else conn.sendPlain(CT.HANDSHAKE, buf);
		if (S.ccs !== false && ch.sessionId.length) conn.sendPlain(CT.CCS, u8(1));
		hs.notes.hrrSent = true;
		if (H.after && (await H.after(conn, hs)) === 'stop') return;
		chMsg = await nextClientHandshake(conn, hs);   // skips rejected 0-RTT records
		if (!chMsg) throw new Error('no second ClientHello');
		ch = parseClientHello(chMsg);
		hs.ch2 = ch;
		if (S.psk) {
			const offer2 = parsePreSharedKey(ch);
			hs.pskOffer2 = offer2;
			hs.notes.psk2Offered = !!offer2;
			if (offer2 && hs.ticket) {
				hs.notes.binder2Ok = binderFor(hs.suite, hs.ticket.psk, cat(...hs.transcript, offer2.truncated)).equals(offer2.binders[0]);
				hs.notes.ch2EarlyData = ch.exts.has(EXT.EARLY_DATA);
			}
		}
		hs.add(chMsg);
		hs.notes.ch2Cookie = ch.cookie ? ch.cookie.toString('hex') : null;
		hs.notes.ch2Groups = ch.shares.map((x) => x.group);
		hs.notes.ch2ShareLens = ch.shares.map((x) => x.pub.length);
		hs.notes.ch2SupportedGroups = ch.groups;
		if (hrrGroup) wantGroup = hrrGroup;
	}
	const peer = ch.shares.find((x) => x.group === wantGroup) || ch.shares[0];
	const share = keyShare(peer.group);
	hs.share = share;
	const sh = {
		vers: 0x0303, random: crypto.randomBytes(32), sessionId: ch.sessionId,
		suite: suiteId, compression: 0, share,
		exts: [[EXT.SUPPORTED_VERSIONS, u16(0x0304)], [EXT.KEY_SHARE, cat(u16(share.group), vec16(share.pub))]],
		trailing: Buffer.alloc(0),
	};
	if (S.psk) {
		const offer = hs.ch2 ? hs.pskOffer2 : hs.pskOffer;
		if (S.psk.external) {
			hs.psk = S.psk.external;
		} else if (offer && hs.ticket && S.psk.accept !== false) {
			const ok = hs.ch2 ? hs.notes.binder2Ok : hs.notes.binder1Ok;
			hs.notes.binderOk = ok;
			if (!ok && S.psk.checkBinder !== false) {
				conn.sendAlert(2, 51);   // decrypt_error (RFC 8446 4.2.11)
				throw new Error('client PSK binder does not verify');
			}
			hs.psk = hs.ticket.psk;
		} else if (S.psk.force) {
			hs.psk = Buffer.alloc(hs.suite.hashLen);
		}
		if (hs.psk) {
			hs.notes.pskAccepted = true;
			sh.exts.push([EXT.PRE_SHARED_KEY, u16(S.psk.selected ?? 0)]);
		}
	}
	if (S.serverHello) S.serverHello(sh, hs);
	let shBuf = hsMsg(HS.SERVER_HELLO, cat(u16(sh.vers), sh.random, vec8(sh.sessionId), u16(sh.suite),
		u8(sh.compression), sh.exts === null ? Buffer.alloc(0) : encodeExts(sh.exts), sh.trailing));
	if (S.shBytes) shBuf = S.shBytes(shBuf, hs);
	hs.shBuf = shBuf;
	hs.add(shBuf);
	if (SUITES[sh.suite]) { hs.suite = SUITES[sh.suite]; hs.suiteId = sh.suite; }
	if (S.sendServerHello) await S.sendServerHello(conn, shBuf, hs);
	else conn.sendPlain(CT.HANDSHAKE, shBuf);
	if (S.ccs !== false && ch.sessionId.length && !hs.notes.hrrSent) conn.sendPlain(CT.CCS, u8(1));

	// sh.share: our share, which S.serverHello may replace (with the
	// client's share for its group)
	hs.share = sh.share;
	hs.deriveHandshake(sh.share.derive((ch.shares.find((x) => x.group === sh.share.group) ?? peer).pub));
	conn.setWriteKeys(hs.suite, hs.sHs);
	conn.addReadKeys('hs', hs.suite, hs.cHs);
	if (S.keylog) conn.keylog = { file: S.keylog, random: ch.random, suite: hs.suite, seen: new Set() };

	// The server flight, message by message, each over the transcript so far.
	const list = [];
	let ee = [];
	if (ch.alpn.length && S.alpn !== false) {
		hs.alpn = S.alpn || ch.alpn[0];
		ee.push([EXT.ALPN, vec16(vec8(Buffer.from(hs.alpn)))]);
	}
	if (S.psk && ((S.psk.earlyData === 'accept' && hs.notes.earlyOffered && !hs.ch2 && hs.notes.pskAccepted) || S.psk.earlyData === 'force')) {
		hs.earlyAccepted = true;
		hs.notes.earlyAccepted = true;
		ee.push([EXT.EARLY_DATA, Buffer.alloc(0)]);
	}
	if (S.ee) ee = S.ee(ee, hs);
	let eeBody = encodeExts(ee);
	if (S.eeBody) eeBody = S.eeBody(eeBody, hs);
	const eeMsg = S.eeMsg ? S.eeMsg(hsMsg(HS.ENCRYPTED_EXTENSIONS, eeBody), hs) : hsMsg(HS.ENCRYPTED_EXTENSIONS, eeBody);
	list.push({ name: 'ee', buf: eeMsg });
	hs.add(eeMsg);
	if (S.certRequest) {
		const R = S.certRequest;
		const exts = R.exts ?? [[EXT.SIGNATURE_ALGS, vec16(cat(u16(0x0403), u16(0x0804)))]];
		const crMsg = hsMsg(HS.CERTIFICATE_REQUEST, R.body ?? cat(vec8(R.context || Buffer.alloc(0)), encodeExts(exts)));
		list.push({ name: 'cr', buf: crMsg });
		hs.add(crMsg);
	}
	if (!hs.psk || S.psk.sendCert) {
		const cert = CERTS[S.cert || 'p256'];
		let ders = cert.chain;
		if (S.certEntries) ders = S.certEntries(ders, hs);
		const entryExts = (i) => (S.certExts ? encodeExts(S.certExts(i, hs) || []) : u16(0));
		let certBody = cat(vec8(Buffer.alloc(0)), vec24(cat(...ders.map((d, i) => cat(vec24(d), entryExts(i))))));
		if (S.certBody) certBody = S.certBody(certBody, hs);
		const certMsg = hsMsg(HS.CERTIFICATE, certBody);
		list.push({ name: 'cert', buf: certMsg });
		hs.add(certMsg);
		const scheme = S.cvScheme ?? pickScheme(cert);
		let th = hs.th();
		if (S.cvTranscript) th = S.cvTranscript(th, hs);
		const content = cat(Buffer.alloc(64, 0x20), Buffer.from(S.cvContext ?? 'TLS 1.3, server CertificateVerify'), u8(0), th);
		let sig = signScheme(scheme, cert.key, content);
		if (S.cvSig) sig = S.cvSig(sig, hs);
		let cvBody = cat(u16(scheme), vec16(sig));
		if (S.cvBody) cvBody = S.cvBody(cvBody, hs);
		const cvMsg = hsMsg(HS.CERTIFICATE_VERIFY, cvBody);
		list.push({ name: 'cv', buf: cvMsg });
		hs.add(cvMsg);
	}
	let vd = hs.finishedFor(hs.sHs);
	if (S.finished) vd = S.finished(vd, hs);
	const finMsg = hsMsg(HS.FINISHED, vd);
	list.push({ name: 'fin', buf: finMsg });
	hs.add(finMsg);
	hs.deriveApp();
	conn.addReadKeys('app0', hs.suite, hs.cAp);   // tried before 'hs'
	const msgs = S.messages ? S.messages(list, hs) : list;
	if (S.sendFlight) await S.sendFlight(conn, msgs, hs);
	else for (const m of msgs) conn.sendHandshake(m.buf);
	hs.toApp();
	if (S.afterFlight && (await S.afterFlight(conn, hs)) === 'stop') return;

	// The client's flight: [EndOfEarlyData under the early key],
	// [Certificate, [CertificateVerify]], Finished under its handshake keys.
	let m = await nextClientHandshake(conn, hs);
	if (!m) return;
	if (m[0] === HS.END_OF_EARLY_DATA) {
		hs.notes.endOfEarlyData = hs.lastProt;
		if (!hs.earlyAccepted) throw new Error('EndOfEarlyData but 0-RTT was not accepted');
		if (hs.lastProt !== 'early') throw new Error(`EndOfEarlyData under ${hs.lastProt}, not the early key`);
		if (m.length !== 4) throw new Error('EndOfEarlyData with a body');
		hs.add(m);
		m = await nextClientHandshake(conn, hs);
		if (!m) return;
	} else if (hs.earlyAccepted) {
		throw new Error(`accepted 0-RTT but the client sent ${m[0]} instead of EndOfEarlyData`);
	}
	if (S.certRequest) {
		if (m[0] !== HS.CERTIFICATE) throw new Error(`expected client Certificate, got ${m[0]}`);
		hs.notes.clientCertificate = m.toString('hex');
		hs.add(m);
		m = await nextClientHandshake(conn, hs);
		if (!m) return;
		if (m[0] === HS.CERTIFICATE_VERIFY) {
			hs.notes.clientCertificateVerify = m.toString('hex');
			hs.notes.clientCvScheme = m.readUInt16BE(4);
			hs.notes.clientCvOk = verifyClientCv(hs, m);
			if (!hs.notes.clientCvOk) throw new Error('client CertificateVerify does not verify');
			hs.add(m);
			m = await nextClientHandshake(conn, hs);
			if (!m) return;
		}
	}
	if (m[0] !== HS.FINISHED) throw new Error(`expected client Finished, got ${m[0]}`);
	const want = hsMsg(HS.FINISHED, hs.finishedFor(hs.cHs));
	hs.notes.clientFinishedOk = want.equals(m);
	if (!hs.notes.clientFinishedOk) throw new Error('client Finished does not verify');
	hs.add(m);
	if (hs.earlyAccepted && hs.earlyBytes?.length && S.psk.echoEarly !== false) {
		conn.send(CT.APP, hs.earlyBytes);
		conn.notes.echoed = (conn.notes.echoed || 0) + hs.earlyBytes.length;
	}
	if (S.afterHandshake) await S.afterHandshake(conn, hs);
	else await echo(conn, hs);
}

/** Checks the client's CertificateVerify (RFC 8446 4.4.3) against the leaf
 * of the Certificate it sent (hs.transcript ends with that Certificate). */
function verifyClientCv(hs, m) {
	const cm = Buffer.from(hs.notes.clientCertificate, 'hex');
	const ctxLen = cm[4];
	const leafLen = cm.readUIntBE(4 + 1 + ctxLen + 3, 3);
	const leaf = cm.subarray(4 + 1 + ctxLen + 6, 4 + 1 + ctxLen + 6 + leafLen);
	const key = new crypto.X509Certificate(leaf).publicKey;
	const scheme = m.readUInt16BE(4);
	const sig = m.subarray(8, 8 + m.readUInt16BE(6));
	const content = cat(Buffer.alloc(64, 0x20), Buffer.from('TLS 1.3, client CertificateVerify'), u8(0), hs.th());
	const hash = { 0x0403: 'sha256', 0x0503: 'sha384', 0x0804: 'sha256', 0x0805: 'sha384', 0x0806: 'sha512' }[scheme];
	if (!hash) return false;
	if (scheme >= 0x0804) {
		return crypto.verify(hash, content, { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
			saltLength: { sha256: 32, sha384: 48, sha512: 64 }[hash] }, sig);
	}
	return crypto.verify(hash, content, key, sig);
}

/** Next client handshake message during the handshake: like
 * conn.nextHandshake(), but 0-RTT application data (under the 'early' key,
 * before EndOfEarlyData) is collected in hs.earlyBytes / notes.earlyData. */
async function nextClientHandshake(conn, hs) {
	for (;;) {
		if (conn.hsq.length) return conn.hsq.shift();
		const r = await conn.nextRecord();
		if (!r) return null;
		if (r.ctype === CT.ALERT) {
			hs.notes.alertProt = r.prot;   // which key the client's alert came under
			throw new ClientAlert(r.content[0], r.content[1]);
		}
		if (r.ctype === CT.HANDSHAKE) { hs.lastProt = r.prot; continue; }
		if (r.ctype === CT.CCS) continue;
		if (r.ctype === CT.APP && r.prot === 'early' && !hs.notes.endOfEarlyData) {
			hs.earlyBytes = cat(hs.earlyBytes || Buffer.alloc(0), r.content);
			hs.notes.earlyData = hs.earlyBytes.toString('latin1');
			hs.notes.earlyRecords = (hs.notes.earlyRecords || 0) + 1;
			continue;
		}
		throw new Error(`unexpected client record type ${r.ctype} (${r.prot}) during the handshake`);
	}
}

/**
 * Listens on 127.0.0.1:0 for one connection and runs S on it.
 * Returns {port, result: Promise<{alerts, records, undecryptable, error,
 * notes, clientKeyUpdates}>, close()}.
 */
export async function startServer(S = {}, o = {}) {
	const server = net.createServer();
	let conn = null;
	const result = new Promise((resolve) => {
		server.once('connection', async (sock) => {
			server.close();
			sock.setNoDelay(true);
			conn = new Conn(sock);
			// Hard deadline: whatever the script waits for, the connection
			// goes away (the client then reports truncated, not a hang).
			const deadline = setTimeout(() => conn.destroy(), o.drainMs ?? 12000);
			let error = null;
			try {
				await runHandshake(conn, S);
			} catch (e) {
				error = e;
			}
			try { await conn.drain(o.drainMs ?? 12000); } catch { /* ignore */ }
			clearTimeout(deadline);
			conn.end();
			resolve({
				alerts: conn.alerts, records: conn.records, undecryptable: conn.undecryptable,
				error, notes: conn.notes, clientKeyUpdates: conn.clientKeyUpdates,
			});
		});
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	return {
		port: server.address().port,
		result,
		close() { server.close(); if (conn) conn.destroy(); },
	};
}

/* ------------------------------------------------------------------ */
/* The client's session blob (src/session.c, opaque to callers; the tests
 * read and rewrite it to age or corrupt a ticket):
 *   "WTS" 0x03 | suite u16 | created_ms u64 | lifetime u32 | age_add u32
 *   | max_early_data u32 | verify_mode u8 | verified u8 | trust_digest[32]
 *   | alpn<u8> | server_name<u8> | verify_ip<u8> | psk<u8> | ticket<u16>
 *   | certs: count u8, each <u24> DER | ocsp<u24> | sct_list<u24>       */
/* ------------------------------------------------------------------ */

export function parseSessionBlob(buf) {
	// Layout: src/session.c (version 3).
	if (buf.length < 60 || buf.subarray(0, 4).toString('latin1') !== 'WTS\x03') throw new Error('not a session blob');
	const b = { suite: buf.readUInt16BE(4), createdMs: Number(buf.readBigInt64BE(6)), lifetime: buf.readUInt32BE(14),
		ageAdd: buf.readUInt32BE(18), maxEarly: buf.readUInt32BE(22), verifyMode: buf[26], verified: buf[27],
		trustDigest: Buffer.from(buf.subarray(28, 60)) };
	let o = 60;
	const v8 = () => { const x = buf.subarray(o + 1, o + 1 + buf[o]); o += 1 + buf[o]; return Buffer.from(x); };
	b.alpn = v8().toString('latin1');
	b.serverName = v8().toString('latin1');
	b.verifyIp = v8().toString('latin1');
	b.pskOffset = o + 1;
	b.psk = v8();
	const tl = buf.readUInt16BE(o);
	b.ticket = Buffer.from(buf.subarray(o + 2, o + 2 + tl));
	o += 2 + tl;
	const n = buf[o++];
	b.certs = [];
	for (let i = 0; i < n; i++) {
		const l = buf.readUIntBE(o, 3);
		b.certs.push(Buffer.from(buf.subarray(o + 3, o + 3 + l)));
		o += 3 + l;
	}
	const v24 = () => { const l = buf.readUIntBE(o, 3); const x = buf.subarray(o + 3, o + 3 + l); o += 3 + l; return Buffer.from(x); };
	b.ocsp = v24();
	b.sctList = v24();
	if (o !== buf.length) throw new Error('session blob: trailing bytes');
	return b;
}

/** Serializes what parseSessionBlob() returns (src/session.c, version 3),
 * so tests can change variable-length fields (names, certificates). */
export function buildSessionBlob(b) {
	const v8 = (x) => cat(u8(x.length), Buffer.from(x));
	const head = Buffer.alloc(60);
	head.write('WTS\x03', 0, 'latin1');
	head.writeUInt16BE(b.suite, 4);
	head.writeBigInt64BE(BigInt(b.createdMs), 6);
	head.writeUInt32BE(b.lifetime, 14);
	head.writeUInt32BE(b.ageAdd, 18);
	head.writeUInt32BE(b.maxEarly, 22);
	head[26] = b.verifyMode;
	head[27] = b.verified;
	b.trustDigest.copy(head, 28);
	return cat(head, v8(Buffer.from(b.alpn, 'latin1')), v8(Buffer.from(b.serverName, 'latin1')),
		v8(Buffer.from(b.verifyIp, 'latin1')), v8(b.psk), vec16(b.ticket), u8(b.certs.length), ...b.certs.map((c) => vec24(c)),
		vec24(b.ocsp ?? Buffer.alloc(0)), vec24(b.sctList ?? Buffer.alloc(0)));
}

/** A copy of the blob with created_ms, lifetime, verify mode, verified flag
 * or trust digest replaced (fields at fixed offsets, src/session.c). */
export function rewriteSessionBlob(buf, { createdMs, lifetime, verifyMode, verified, trustDigest } = {}) {
	const c = Buffer.from(buf);
	if (createdMs !== undefined) c.writeBigInt64BE(BigInt(createdMs), 6);
	if (lifetime !== undefined) c.writeUInt32BE(lifetime, 14);
	if (verifyMode !== undefined) c[26] = verifyMode;
	if (verified !== undefined) c[27] = verified;
	if (trustDigest !== undefined) Buffer.from(trustDigest).copy(c, 28);
	return c;
}
