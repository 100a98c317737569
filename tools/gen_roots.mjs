#!/usr/bin/env node
// Generates the built-in root store (wt_default_trust_anchors()) from a PEM
// bundle such as Debian's /etc/ssl/certs/ca-certificates.crt (Mozilla's
// roots).
//
//   node tools/gen_roots.mjs /etc/ssl/certs/ca-certificates.crt OUT.c
//
// The output is one `static const unsigned char` blob holding every subject
// DN and public key byte, and one `static const wt_trust_anchor` table
// pointing into it, in bundle order: each anchor is a name, a key and the
// root's validity period (the validator refuses an expired root). The rest
// of each certificate is dropped (none of Mozilla's roots carries name
// constraints or extendedKeyUsage; the built-in store would need the DER
// kept, wt_trust_anchor.der, if one ever did).
//
// The DER is walked here (no npm dependencies): Certificate -> tbsCertificate
// -> subject (raw TLV, exactly the bytes br_x509_minimal hashes when it
// compares an issuer DN with an anchor) and subjectPublicKeyInfo (RSA n/e with
// leading zero bytes stripped, or an EC named curve + point). Keys BearSSL
// cannot verify with (Ed25519, unnamed curves, ...) are skipped with a note on
// stderr. Every anchor gets BR_X509_TA_CA: a system root bundle lists CAs,
// and v1 roots carry no basicConstraints to say so.
import { readFileSync, writeFileSync, renameSync } from 'node:fs';

const OID_RSA = '1.2.840.113549.1.1.1';
const OID_EC = '1.2.840.10045.2.1';
const CURVES = { // BearSSL curve ids (RFC 4492 / 8422 NamedCurve numbers)
	'1.2.840.10045.3.1.7': 23, // secp256r1
	'1.3.132.0.34': 24,        // secp384r1
	'1.3.132.0.35': 25,        // secp521r1
};
const MAX_RSA_BYTES = 512; // BR_X509_BUFSIZE_KEY: RSA up to 4096 bits

// One DER TLV at buf[off]: {tag, start, hdr, len, end}. Definite lengths only
// (DER, X.690 10.1); throws on anything out of bounds.
function tlv(buf, off, end = buf.length) {
	if (off + 2 > end) throw new Error('truncated TLV');
	const tag = buf[off];
	if ((tag & 0x1f) === 0x1f) throw new Error('high tag number');
	let len = buf[off + 1];
	let hdr = 2;
	if (len & 0x80) {
		const n = len & 0x7f;
		if (n === 0 || n > 4 || off + 2 + n > end) throw new Error('bad length');
		len = 0;
		for (let i = 0; i < n; i++) len = len * 256 + buf[off + 2 + i];
		hdr += n;
	}
	if (off + hdr + len > end) throw new Error('TLV overruns its parent');
	return { tag, start: off, hdr, len, vstart: off + hdr, end: off + hdr + len };
}

function children(buf, node) {
	const out = [];
	for (let p = node.vstart; p < node.end;) {
		const c = tlv(buf, p, node.end);
		out.push(c);
		p = c.end;
	}
	return out;
}

function oidString(buf, node) {
	if (node.tag !== 0x06 || node.len === 0) throw new Error('expected OID');
	const b = buf.subarray(node.vstart, node.end);
	const parts = [];
	let v = 0;
	for (let i = 0; i < b.length; i++) {
		v = v * 128 + (b[i] & 0x7f);
		if (!(b[i] & 0x80)) {
			if (parts.length === 0) {
				const first = v < 80 ? Math.floor(v / 40) : 2;
				parts.push(first, v - first * 40);
			} else {
				parts.push(v);
			}
			v = 0;
		}
	}
	return parts.join('.');
}

function unsignedInt(buf, node) {
	if (node.tag !== 0x02) throw new Error('expected INTEGER');
	let s = node.vstart;
	while (s < node.end - 1 && buf[s] === 0) s++;
	return buf.subarray(s, node.end);
}

// UTCTime / GeneralizedTime (RFC 5280 4.1.2.5) -> Unix seconds (BigInt-safe Number)
function derTime(buf, node) {
	const s = buf.subarray(node.vstart, node.end).toString('latin1');
	let m;
	if (node.tag === 0x17 && (m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s))) {
		const yy = Number(m[1]);
		m = [null, String(yy >= 50 ? 1900 + yy : 2000 + yy), ...m.slice(2)];
	} else if (node.tag !== 0x18 || !(m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s))) {
		throw new Error('bad validity time');
	}
	return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000;
}

// -> {dn, notBefore, notAfter, key: {type:'rsa', n, e} | {type:'ec', curve, q}} or {skip: why}
function parseCert(der) {
	const cert = tlv(der, 0);
	if (cert.tag !== 0x30 || cert.end !== der.length) throw new Error('not a Certificate SEQUENCE');
	const [tbs] = children(der, cert);
	if (!tbs || tbs.tag !== 0x30) throw new Error('no tbsCertificate');
	const f = children(der, tbs);
	let i = 0;
	if (f[i] && f[i].tag === 0xa0) i++;        // [0] EXPLICIT version
	i += 3;                                    // serial, signature, issuer
	const validity = f[i++];
	if (!validity || validity.tag !== 0x30) throw new Error('bad validity');
	const [nb, na] = children(der, validity);
	const notBefore = derTime(der, nb), notAfter = derTime(der, na);
	const subject = f[i++];
	const spki = f[i++];
	if (!subject || subject.tag !== 0x30 || !spki || spki.tag !== 0x30) throw new Error('bad tbsCertificate');
	const dn = der.subarray(subject.start, subject.end);
	const [alg, bits] = children(der, spki);
	if (!alg || alg.tag !== 0x30 || !bits || bits.tag !== 0x03 || bits.len < 1 || der[bits.vstart] !== 0) {
		throw new Error('bad subjectPublicKeyInfo');
	}
	const algf = children(der, alg);
	const oid = oidString(der, algf[0]);
	const keyBytes = der.subarray(bits.vstart + 1, bits.end);
	if (oid === OID_RSA) {
		const seq = tlv(keyBytes, 0);
		const [n, e] = children(keyBytes, seq);
		const nm = unsignedInt(keyBytes, n), eb = unsignedInt(keyBytes, e);
		if (nm.length > MAX_RSA_BYTES) return { skip: `RSA modulus of ${nm.length * 8} bits exceeds BearSSL's 4096` };
		return { dn, notBefore, notAfter, key: { type: 'rsa', n: nm, e: eb } };
	}
	if (oid === OID_EC) {
		if (!algf[1] || algf[1].tag !== 0x06) return { skip: 'EC key without a named curve' };
		const curve = CURVES[oidString(der, algf[1])];
		if (!curve) return { skip: `unsupported EC curve ${oidString(der, algf[1])}` };
		return { dn, notBefore, notAfter, key: { type: 'ec', curve, q: keyBytes } };
	}
	return { skip: `unsupported key algorithm ${oid}` };
}

function pemCerts(text) {
	const re = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
	const out = [];
	for (let m; (m = re.exec(text));) out.push(Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
	return out;
}

function commentFor(dn) {
	// A readable hint in the generated file: the last printable run of the DN
	// (usually the CN). Only [ -~] minus comment terminators.
	const s = Buffer.from(dn).toString('latin1').match(/[ -~]{3,}/g);
	return s ? s[s.length - 1].replace(/\*\/|\/\*/g, '').replace(/\\/g, '') : '';
}

function main() {
	const [inPath, outPath] = process.argv.slice(2);
	if (!inPath || !outPath) {
		console.error('usage: node tools/gen_roots.mjs BUNDLE.pem OUT.c');
		process.exit(2);
	}
	const ders = pemCerts(readFileSync(inPath, 'latin1'));
	const blob = [];
	let blobLen = 0;
	const put = (bytes) => { const off = blobLen; blob.push(Buffer.from(bytes)); blobLen += bytes.length; return off; };
	const rows = [];
	let skipped = 0;
	ders.forEach((der, idx) => {
		let r;
		try {
			r = parseCert(der);
		} catch (e) {
			r = { skip: `unparsable certificate (${e.message})` };
		}
		if (r.skip) {
			skipped++;
			console.error(`gen_roots: skipping certificate #${idx + 1}: ${r.skip}`);
			return;
		}
		const name = commentFor(r.dn);
		const dnOff = put(r.dn);
		const ref = (off, len) => `(unsigned char *)wt_roots_blob + ${off}, ${len}`;
		let pk;
		if (r.key.type === 'rsa') {
			const nOff = put(r.key.n), eOff = put(r.key.e);
			pk = `{ BR_KEYTYPE_RSA, { .rsa = { ${ref(nOff, r.key.n.length)}, ${ref(eOff, r.key.e.length)} } } }`;
		} else {
			const qOff = put(r.key.q);
			pk = `{ BR_KEYTYPE_EC, { .ec = { ${r.key.curve}, ${ref(qOff, r.key.q.length)} } } }`;
		}
		rows.push(`\t/* ${name} */\n\t{ { { ${ref(dnOff, r.dn.length)} }, BR_X509_TA_CA, ${pk} }, ${r.notBefore}, ${r.notAfter}, NULL, 0 },`);
	});

	const all = Buffer.concat(blob);
	const hex = [];
	for (let i = 0; i < all.length; i += 16) {
		hex.push('\t' + Array.from(all.subarray(i, i + 16), (b) => `0x${b.toString(16).padStart(2, '0')},`).join(''));
	}
	const src = `/* Generated by tools/gen_roots.mjs from ${inPath.replace(/\*\//g, '')}: do not edit.
 * ${rows.length} trust anchors (${skipped} skipped), ${all.length} bytes of DN and key data. */
#include <stddef.h>
#include "wasmtls.h"


static const unsigned char wt_roots_blob[${Math.max(all.length, 1)}] = {
${all.length ? hex.join('\n') : '\t0'}
};

static const wt_trust_anchor wt_roots[${Math.max(rows.length, 1)}] = {
${rows.length ? rows.join('\n') : '\t{ { { NULL, 0 }, 0, { 0, { .rsa = { NULL, 0, NULL, 0 } } } }, 0, 0, NULL, 0 }'}
};

const wt_trust_anchor *wt_default_trust_anchors(size_t *count)
{
	if (count != NULL) {
		*count = ${rows.length};
	}
	return ${rows.length ? 'wt_roots' : 'NULL'};
}
`;
	// Write then rename so a concurrent build never compiles a half file.
	const tmp = `${outPath}.tmp${process.pid}`;
	writeFileSync(tmp, src);
	renameSync(tmp, outPath);
	const anchorBytes = rows.length * 80; // approx sizeof(wt_trust_anchor) on 64-bit
	console.error(`gen_roots: ${rows.length} trust anchors from ${ders.length} certificates (${skipped} skipped); ` +
		`${all.length} bytes of DN/key data + ~${anchorBytes} bytes of table; ${src.length} bytes of C`);
}

main();
