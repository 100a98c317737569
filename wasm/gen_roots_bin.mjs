#!/usr/bin/env node
// The default root store for the npm package as one compact binary file
// (js/dist/roots.bin), loaded on first use by connections that do not pass
// `ca`. Same input and same selection as tools/gen_roots.mjs (the built-in
// store of the native build): per certificate the subject DN (raw TLV, what
// issuer names are compared with), the public key and the validity period
// (an expired root must not anchor a path).
//
//   node wasm/gen_roots_bin.mjs /etc/ssl/certs/ca-certificates.crt OUT.bin
//
// Format (parsed by wtw_store_blob() in wasm/wasmtls_wasm.c):
//   "WTR2" u16 count, then per anchor (big-endian):
//   u8 type (1 RSA, 2 EC) u16 dn_len dn
//   RSA: u16 n_len n u8 e_len e      EC: u8 curve u8 q_len q
//   i64 not_before i64 not_after (Unix seconds)
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';

const CURVES = { 'P-256': 23, 'P-384': 24, 'P-521': 25 };
const MAX_RSA_BYTES = 512; // BearSSL verifies RSA up to 4096 bits

function tlv(buf, off) {
	const tag = buf[off];
	let len = buf[off + 1];
	let hdr = 2;
	if (len & 0x80) {
		const n = len & 0x7f;
		if (n === 0 || n > 4) throw new Error('bad DER length');
		len = 0;
		for (let i = 0; i < n; i++) len = len * 256 + buf[off + 2 + i];
		hdr += n;
	}
	if (off + hdr + len > buf.length) throw new Error('DER overrun');
	return { tag, start: off, vstart: off + hdr, end: off + hdr + len };
}

// Certificate -> tbsCertificate -> subject (raw TLV)
function subjectDN(der) {
	const cert = tlv(der, 0);
	const tbs = tlv(der, cert.vstart);
	let p = tbs.vstart;
	const fields = [];
	while (p < tbs.end && fields.length < 7) {
		const f = tlv(der, p);
		fields.push(f);
		p = f.end;
	}
	const i = fields[0].tag === 0xa0 ? 5 : 4; // [0] version, serial, sig, issuer, validity
	return der.subarray(fields[i].start, fields[i].end);
}

const b64u = (s) => Buffer.from(s, 'base64url');
const strip = (b) => { let i = 0; while (i < b.length - 1 && b[i] === 0) i++; return b.subarray(i); };
const u16 = (n) => Buffer.from([n >> 8, n & 255]);
const i64 = (t) => { const b = Buffer.alloc(8); b.writeBigInt64BE(BigInt(t)); return b; };
const unix = (s) => Math.floor(Date.parse(s) / 1000);

export function buildRoots(pemText, log = () => {}) {
	const re = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
	const parts = [];
	let count = 0, skipped = 0;
	for (const m of pemText.match(re) || []) {
		let x;
		try { x = new X509Certificate(m); } catch (e) { skipped++; log(`skip: ${e.message}`); continue; }
		const dn = subjectDN(x.raw);
		const jwk = x.publicKey.export({ format: 'jwk' });
		if (jwk.kty === 'RSA') {
			const n = strip(b64u(jwk.n)), e = strip(b64u(jwk.e));
			if (n.length > MAX_RSA_BYTES) { skipped++; log(`skip ${x.subject}: RSA too large`); continue; }
			parts.push(Buffer.from([1]), u16(dn.length), dn, u16(n.length), n, Buffer.from([e.length]), e,
				i64(unix(x.validFrom)), i64(unix(x.validTo)));
		} else if (jwk.kty === 'EC' && CURVES[jwk.crv]) {
			const q = Buffer.concat([Buffer.from([4]), b64u(jwk.x), b64u(jwk.y)]);
			parts.push(Buffer.from([2]), u16(dn.length), dn, Buffer.from([CURVES[jwk.crv], q.length]), q,
				i64(unix(x.validFrom)), i64(unix(x.validTo)));
		} else {
			skipped++;
			log(`skip ${x.subject.split('\n').pop()}: key type ${jwk.kty} ${jwk.crv || ''}`);
			continue;
		}
		count++;
	}
	return { blob: Buffer.concat([Buffer.from('WTR2'), u16(count), ...parts]), count, skipped };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
	const [inPath, outPath] = process.argv.slice(2);
	if (!inPath || !outPath) {
		console.error('usage: node wasm/gen_roots_bin.mjs BUNDLE.pem OUT.bin');
		process.exit(2);
	}
	const { blob, count, skipped } = buildRoots(readFileSync(inPath, 'latin1'));
	const tmp = `${outPath}.tmp${process.pid}`;
	writeFileSync(tmp, blob);
	renameSync(tmp, outPath);
	console.error(`gen_roots_bin: ${count} trust anchors (${skipped} skipped), ${blob.length} bytes`);
}
