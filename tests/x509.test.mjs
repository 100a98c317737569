// Certificate verification through `wasmtls verify` (cli/verify.c ->
// wt_verify_chain, src/x509.c): the test PKI's negative cases each give
// their exact error name, host name rules (RFC 6125), malformed input, and
// every SERVER case of x509-limbo compared with its expected result.
//
// WT_BUILD selects the build directory (default build/native).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pki, pkiX509 } from './lib/pki.mjs';
import { KNOWN, limboCases } from './lib/limbo.mjs';

const BUILD = resolve(process.env.WT_BUILD || 'build/native');
const BIN = join(BUILD, 'wasmtls');

function verify(args) {
	const r = spawnSync(BIN, ['verify', ...args], { encoding: 'utf8', timeout: 30000 });
	assert.equal(r.signal, null, `wasmtls verify ${args.join(' ')} died with ${r.signal}\n${r.stderr}`);
	// under build/asan a sanitizer report exits 1 like a rejection: catch it
	assert.doesNotMatch(r.stderr, /Sanitizer|runtime error/, `wasmtls verify ${args.join(' ')}`);
	return r;
}

function ok(args) {
	const r = verify(args);
	assert.equal(r.status, 0, `expected ok for ${args.join(' ')}, got: ${r.stderr}`);
	assert.equal(r.stdout.trim(), 'ok');
}

// exit 1 and "error: NAME: reason" on stderr
function rejects(args, name, status = 1) {
	const r = verify(args);
	assert.equal(r.status, status, `expected ${name} for ${args.join(' ')}, got status ${r.status}: ${r.stdout}${r.stderr}`);
	const m = /^error: ([a-z_]+): (.+)$/m.exec(r.stderr);
	assert.ok(m, `no "error: name: reason" line in: ${r.stderr}`);
	assert.equal(m[1], name, r.stderr);
	assert.ok(m[2].length > 5, 'reason says what was wrong');
	return m[2];
}

test('wasmtls binary exists', () => {
	assert.ok(existsSync(BIN), `${BIN} missing: run make build`);
});

const p = pki();
const NOW = ['--time', String(Math.floor(Date.now() / 1000))];

test('valid chains: RSA 2048, P-256, P-384 leaves by name and IP', () => {
	for (const leaf of [p.rsa2048, p.p256, p.p384]) {
		ok(['--cafile', p.ca, '--host', 'localhost', leaf.chain]);
		ok(['--cafile', p.ca, '--host', 'LocalHost.', ...NOW, leaf.chain]); // case, trailing dot
		ok(['--cafile', p.ca, '--host', '127.0.0.1', leaf.chain]);
		ok(['--cafile', p.ca, '--host', '::1', leaf.chain]);
		ok(['--cafile', p.ca, '--host', '0:0:0:0:0:0:0:1', leaf.chain]);
		ok(['--cafile', p.ca, leaf.chain]); // no name check
	}
});

test('negative cases give their exact error', () => {
	rejects(['--cafile', p.ca, '--host', 'localhost', p.expired.chain], 'certificate_expired');
	rejects(['--cafile', p.ca, '--host', 'localhost', p.notYetValid.chain], 'certificate_not_yet_valid');
	rejects(['--cafile', p.ca, '--host', 'localhost', p.unknownRoot.chain], 'unknown_ca');
	rejects(['--cafile', p.ca, '--host', 'localhost', p.badSignature.chain], 'bad_certificate_signature');
	// CN=localhost but SAN DNS:example.com only: no CN fallback
	rejects(['--cafile', p.ca, '--host', 'localhost', p.wrongHost.chain], 'certificate_name_mismatch');
	ok(['--cafile', p.ca, '--host', 'example.com', p.wrongHost.chain]);
	// leaf without its intermediate
	rejects(['--cafile', p.ca, '--host', 'localhost', p.p256.cert], 'unknown_ca');
	// validity is checked at --time
	rejects(['--cafile', p.ca, '--time', '946684800', p.p256.chain], 'certificate_not_yet_valid'); // 2000
	rejects(['--cafile', p.ca, '--time', '4102444800', p.p256.chain], 'certificate_expired'); // 2100
	// at 2000-12-31 the expired leaf is in its period but its intermediate
	// (valid from 2020) is not: the error names the issuing certificate
	assert.match(rejects(['--cafile', p.ca, '--time', '978307100', p.expired.chain], 'certificate_not_yet_valid'), /issuing/);
	assert.match(rejects(['--cafile', p.ca, '--host', 'localhost', p.expired.chain], 'certificate_expired'), /leaf/);
});

test('out-of-order chain with an unrelated extra certificate validates', () => {
	ok(['--cafile', p.ca, '--host', 'localhost', p.outOfOrder.chain]);
	// and the intermediate may come before the leaf's extras in any order
	const d = mkdtempSync(join(tmpdir(), 'wt-x509-'));
	try {
		const f = join(d, 'c.pem');
		const int = readFileSync(p.p256.chain, 'utf8').slice(readFileSync(p.p256.cert, 'utf8').length);
		writeFileSync(f, readFileSync(p.p256.cert, 'utf8') + readFileSync(p.otherCa, 'utf8') +
			readFileSync(p.ca, 'utf8') + int);
		ok(['--cafile', p.ca, '--host', 'localhost', f]);
	} finally {
		rmSync(d, { recursive: true, force: true });
	}
});

test('self-signed leaf: unknown unless pinned as a trust anchor', () => {
	rejects(['--cafile', p.ca, '--host', 'localhost', p.selfSigned.chain], 'unknown_ca');
	ok(['--cafile', p.selfSigned.cert, '--host', 'localhost', p.selfSigned.chain]);
	rejects(['--cafile', p.selfSigned.cert, '--host', 'example.com', p.selfSigned.chain], 'certificate_name_mismatch');
});

test('IP literals match iPAddress SANs only', () => {
	rejects(['--cafile', p.ca, '--host', '127.0.0.2', p.p256.chain], 'certificate_name_mismatch');
	rejects(['--cafile', p.ca, '--host', '::2', p.p256.chain], 'certificate_name_mismatch');
	// 127.0.0.1 as an IPv4-mapped IPv6 address is a different 16-byte value
	rejects(['--cafile', p.ca, '--host', '::ffff:127.0.0.1', p.p256.chain], 'certificate_name_mismatch');
	// not an IP literal (leading zeros) and not a SAN dNSName either
	rejects(['--cafile', p.ca, '--host', '127.000.0.1', p.p256.chain], 'certificate_name_mismatch');
	rejects(['--cafile', p.ca, '--host', ':::1', p.p256.chain], 'certificate_name_mismatch');
	// the wildcard cert has no IP SAN
	rejects(['--cafile', p.ca, '--host', '127.0.0.1', p.wildcard.chain], 'certificate_name_mismatch');
});

test('wildcards: whole left-most label only (RFC 6125 6.4.3)', () => {
	ok(['--cafile', p.ca, '--host', p.wildcard.host, p.wildcard.chain]);
	ok(['--cafile', p.ca, '--host', 'X-1.WASMTLS.test', p.wildcard.chain]);
	for (const h of p.wildcard.badHosts) {
		rejects(['--cafile', p.ca, '--host', h, p.wildcard.chain], 'certificate_name_mismatch');
	}
	rejects(['--cafile', p.ca, '--host', '.wasmtls.test', p.wildcard.chain], 'certificate_name_mismatch');
	rejects(['--cafile', p.ca, '--host', '*.wasmtls.test', p.wildcard.chain], 'certificate_name_mismatch');
});

test('malformed input is a clear error, never a crash', () => {
	const d = mkdtempSync(join(tmpdir(), 'wt-x509-'));
	try {
		const chain = readFileSync(p.p256.chain, 'utf8');
		const f = (name, data) => { const path = join(d, name); writeFileSync(path, data); return path; };
		const args = (file) => ['--cafile', p.ca, '--host', 'localhost', file];
		rejects(args(f('trunc.pem', chain.slice(0, chain.length / 3))), 'bad_certificate');
		rejects(args(f('empty.pem', '')), 'bad_certificate');
		rejects(args(f('garbage.pem', 'not a certificate\n\x00\xff')), 'bad_certificate');
		rejects(args(f('garbage.der', Buffer.from([0x30, 0x82, 0xff, 0xff, 1, 2, 3]))), 'bad_certificate');
		rejects(args(f('badb64.pem', '-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n')), 'bad_certificate');
		// a PEM whose DER is cut short
		const b64 = chain.split('-----')[2].replace(/\s+/g, '');
		const cut = Buffer.from(b64, 'base64').subarray(0, 200).toString('base64');
		rejects(args(f('shortder.pem', `-----BEGIN CERTIFICATE-----\n${cut}\n-----END CERTIFICATE-----\n`)), 'bad_certificate');
		// more certificates than WT_MAX_PEER_CERTS
		rejects(args(f('long.pem', chain.repeat(65))), 'bad_certificate');
		// a bad CA file or bad options are configuration errors (exit 2)
		rejects(['--cafile', f('badca.pem', 'junk'), p.p256.chain], 'bad_config', 2);
		rejects(['--cafile', join(d, 'missing.pem'), p.p256.chain], 'bad_config', 2);
		rejects(['--cafile', p.ca, join(d, 'missing.pem')], 'bad_config', 2);
		rejects(['--cafile', p.ca, '--time', 'yesterday', p.p256.chain], 'bad_config', 2);
		rejects(['--cafile', p.ca, '--bogus', p.p256.chain], 'bad_config', 2);
		rejects([p.p256.chain], 'bad_config', 2);
		rejects(['--cafile', p.ca, f('big.pem', Buffer.alloc(1024 * 1024 + 1, 0x41))], 'bad_config', 2);
	} finally {
		rmSync(d, { recursive: true, force: true });
	}
});

// One limbo case through `wasmtls verify` (files in d), extra options first.
function limboVerify(d, t, extra = []) {
	const ca = join(d, 'ca.pem'), chain = join(d, 'chain.pem');
	writeFileSync(ca, t.trusted_certs.join(''));
	writeFileSync(chain, t.peer_certificate + t.untrusted_intermediates.join(''));
	const args = [...extra, '--cafile', ca];
	if (t.validation_time) args.push('--time', String(Math.floor(Date.parse(t.validation_time) / 1000)));
	const name = t.expected_peer_name;
	if (name && (name.kind === 'DNS' || name.kind === 'IP')) args.push('--host', name.value);
	args.push(chain);
	const r = verify(args);
	assert.ok(r.status === 0 || r.status === 1 || r.status === 2, `${t.id}: exit ${r.status} ${r.stderr}`);
	return r;
}

test('x509-limbo SERVER cases', () => {
	const cases = limboCases();
	const d = mkdtempSync(join(tmpdir(), 'wt-limbo-'));
	const counts = { pass: 0, known: 0, fail: 0 };
	const valid = { n: 0, accepted: 0 }, invalid = { n: 0, rejected: 0 };
	const failures = [];
	const stale = [];
	try {
		for (const t of cases) {
			const r = limboVerify(d, t);
			const got = r.status === 0 ? 'SUCCESS' : 'FAILURE';
			if (t.expected_result === 'SUCCESS') {
				valid.n++;
				valid.accepted += got === 'SUCCESS';
			} else {
				invalid.n++;
				invalid.rejected += got === 'FAILURE';
			}
			if (got === t.expected_result) {
				counts.pass++;
				if (KNOWN[t.id]) stale.push(t.id);
			} else if (KNOWN[t.id]) {
				counts.known++;
			} else {
				counts.fail++;
				failures.push(`${t.id}: expected ${t.expected_result}, got ${got} ${r.stderr.trim()}`);
			}
		}
	} finally {
		rmSync(d, { recursive: true, force: true });
	}
	console.log(`x509-limbo: ${cases.length} SERVER cases: ${counts.pass} agree, ` +
		`${counts.known} known disagreements, ${counts.fail} unexpected; valid accepted ` +
		`${valid.accepted}/${valid.n}, invalid rejected ${invalid.rejected}/${invalid.n}`);
	assert.deepEqual(failures, [], 'unexpected x509-limbo results');
	// keep the allowlist honest: an entry that now agrees must go
	assert.deepEqual(stale, [], 'allowlisted x509-limbo cases that now agree: remove them from KNOWN');
});

// --cert-profile private waives exactly the web profile's extra rules: a
// leaf without extendedKeyUsage, missing key identifiers, an empty subject
// with a non-critical SAN, a root with an extendedKeyUsage or a stray
// authorityKeyIdentifier. Everything else is refused as before.
test('x509-limbo under --cert-profile private', () => {
	const byId = new Map(limboCases().map((t) => [t.id, t]));
	const d = mkdtempSync(join(tmpdir(), 'wt-limbo-private-'));
	try {
		const webOnly = ['rfc5280::eku::ee-without-eku', 'webpki::eku::ee-without-eku', 'rfc5280::aki::leaf-missing-aki',
			'rfc5280::aki::intermediate-missing-aki', 'rfc5280::ski::intermediate-missing-ski',
			'rfc5280::san::noncritical-with-empty-subject', 'webpki::eku::root-has-eku', 'webpki::aki::root-with-aki-ski-mismatch'];
		for (const id of webOnly) {
			const t = byId.get(id);
			assert.ok(t, id);
			assert.equal(limboVerify(d, t).status, 1, `${id}: refused under the web profile`);
			const r = limboVerify(d, t, ['--cert-profile', 'private']);
			assert.equal(r.status, 0, `${id}: accepted under the private profile: ${r.stderr}`);
		}
		// the rest of the rules still hold
		for (const id of ['webpki::eku::ee-anyeku', 'rfc5280::ca-empty-subject', 'webpki::ee-basicconstraints-ca',
			'rfc5280::nc::permitted-dns-mismatch', 'pathlen::intermediate-violates-pathlen-0']) {
			const t = byId.get(id);
			assert.ok(t, id);
			assert.equal(t.expected_result, 'FAILURE', id);
			assert.equal(limboVerify(d, t, ['--cert-profile', 'private']).status, 1, `${id}: refused under both profiles`);
		}
		assert.match(rejects(['--cert-profile', 'lax', '--cafile', p.ca, p.p256.chain], 'bad_config', 2),
			/--cert-profile must be web or private, not 'lax'/);
	} finally {
		rmSync(d, { recursive: true, force: true });
	}
});

// A built-in root is a name, a key and a validity (no DER): a certificate
// that merely carries a CA root's name and key, signed by anyone, must not
// count as that root (review finding: "direct trust" took it for a pinned
// certificate).
test('a certificate carrying a built-in CA root\'s name and key is not trusted', () => {
	const root = '/etc/ssl/certs/ISRG_Root_X1.pem';
	if (!existsSync(root)) return;
	const d = mkdtempSync(join(tmpdir(), 'wt-forge-'));
	try {
		const run = (...a) => {
			const r = spawnSync('openssl', a, { cwd: d, encoding: 'utf8' });
			assert.equal(r.status, 0, r.stderr);
		};
		writeFileSync(join(d, 'f.cnf'), '[req]\ndistinguished_name=dn\nstring_mask=default\nprompt=no\n'
			+ '[dn]\nC=US\nO=Internet Security Research Group\nCN=ISRG Root X1\n'
			+ '[ext]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n'
			+ 'extendedKeyUsage=serverAuth\nsubjectAltName=DNS:www.example.org\n');
		run('x509', '-in', root, '-pubkey', '-noout', '-out', 'root_pub.pem');
		run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'atk.key');
		run('req', '-new', '-key', 'atk.key', '-config', 'f.cnf', '-out', 'atk.csr');
		run('x509', '-req', '-in', 'atk.csr', '-signkey', 'atk.key', '-force_pubkey', 'root_pub.pem',
			'-days', '30', '-extfile', 'f.cnf', '-extensions', 'ext', '-out', 'forged.pem');
		const r = spawnSync(join(BUILD, 'test_x509'), ['builtin', join(d, 'forged.pem'), 'www.example.org'], { encoding: 'utf8' });
		assert.equal(r.status, 1, `forged root accepted: ${r.stdout}${r.stderr}`);
		assert.match(r.stdout, /^error: /);
		// control: the real root itself, sent as the chain, is trusted
		const ok2 = spawnSync(join(BUILD, 'test_x509'), ['builtin', root, 'example.invalid'], { encoding: 'utf8' });
		assert.match(ok2.stdout, /^error: certificate_name_mismatch|^error: bad_certificate/, 'the root verifies up to the name check');
	} finally {
		rmSync(d, { recursive: true, force: true });
	}
});

test('trust store API (atomic adds, limits) and built-in roots (test_x509)', () => {
	const bin = join(BUILD, 'test_x509');
	const x = pkiX509();
	for (const args of [['store', p.ca], ['store', p.selfSigned.cert], ['roots'],
		['skips', x.mixedBundle, x.unusableBundle, x.r8kRoot], ['dn']]) {
		const r = spawnSync(bin, args, { encoding: 'utf8' });
		assert.equal(r.status, 0, `test_x509 ${args.join(' ')}: ${r.stdout}${r.stderr}`);
	}
});

// --- issue 10: trust store robustness, weak certificates, P-521 ------------

const x = pkiX509();
const warnings = (r) => r.stderr.split('\n').filter((l) => l.startsWith('warning: '));

test('an RSA-8192 root in --cafile is skipped with a warning, never a crash', () => {
	// BearSSL's decoder used to be fed past its "key too large" error and
	// wrote beyond its key buffer (a stack-buffer-overflow under ASan)
	const reason = rejects(['--cafile', x.r8kRoot, x.r8kRoot], 'bad_config', 2);
	assert.match(reason, /no usable certificate/);
	assert.match(reason, /certificate 1 \(CN=wasmtls test RSA-8192 root\): RSA key longer than 4096 bits/);
	const r = verify(['--cafile', x.mixedBundle, '--host', 'localhost', p.p256.chain]);
	assert.equal(r.status, 0, r.stderr);
	assert.equal(r.stdout.trim(), 'ok');
	const w = warnings(r);
	assert.equal(w.length, 2, r.stderr);
	assert.equal(w[0], `warning: ${x.mixedBundle}: skipping certificate 1 (CN=wasmtls test Ed25519 root): ` +
		'key type not supported (anchors need an RSA key of 2048 to 4096 bits or an ECDSA P-256/P-384/P-521 key; ' +
		'Ed25519, Ed448, RSA-PSS and other curves are not verified)');
	assert.match(w[1], /: skipping certificate 2 \(CN=wasmtls test RSA-8192 root\): RSA key longer than 4096 bits/);
});

test('a --cafile with only unusable roots fails, saying what was wrong', () => {
	const r = verify(['--cafile', x.unusableBundle, p.p256.chain]);
	assert.equal(r.status, 2, r.stderr);
	assert.equal(warnings(r).length, 3, r.stderr);
	assert.match(warnings(r)[1], /certificate 2 \(CN=wasmtls test RSA-PSS root\): key type not supported/);
	const m = /^error: bad_config: (.+)$/m.exec(r.stderr);
	assert.ok(m, r.stderr);
	assert.match(m[1], /no usable certificate: every one was skipped \(unsupported_certificate\), the last: certificate 3 \(CN=wasmtls test RSA-8192 root\)/);
	for (const [root, why] of [[x.ed25519Root, /Ed25519 root\): key type not supported/],
		[x.rsaPssRoot, /RSA-PSS root\): key type not supported/],
		[x.rsa1024Root, /RSA-1024 root\): RSA key shorter than 2048 bits/]]) {
		assert.match(rejects(['--cafile', root, p.p256.chain], 'bad_config', 2), why);
	}
});

test('SHA-1: a signed leaf or intermediate is refused; a root self-signed with SHA-1 is fine', () => {
	assert.match(rejects(['--cafile', p.ca, '--host', 'localhost', x.sha1Leaf.chain], 'unsupported_certificate'),
		/^leaf certificate signed with SHA-1$/);
	assert.match(rejects(['--cafile', p.ca, '--host', 'localhost', x.sha1Int.chain], 'unsupported_certificate'),
		/^intermediate certificate 1 \(the leaf's issuer\) signed with SHA-1$/);
	// a trust anchor is a name and a key: its own signature is not checked,
	// whether or not the server sends it
	ok(['--cafile', x.sha1Root.ca, '--host', 'localhost', x.sha1Root.chain]);
	ok(['--cafile', x.sha1Root.ca, '--host', 'localhost', x.sha1Root.chainWithRoot]);
});

test('RSA public exponents above 2^31 - 1 are refused in the leaf and in intermediates', () => {
	// a signature check costs time in proportion to e's length, and a
	// hostile server chooses the intermediates it sends (src/x509.c)
	assert.match(rejects(['--cafile', p.ca, '--host', 'localhost', x.bigExpLeaf.chain], 'unsupported_certificate'),
		/^RSA public exponent not odd or not in 3\.\.2\^31-1 in the leaf certificate$/);
	assert.match(rejects(['--cafile', p.ca, '--host', 'localhost', x.bigExpInt.chain], 'unsupported_certificate'),
		/^RSA public exponent not odd or not in 3\.\.2\^31-1 in the intermediate certificate 1 \(the leaf's issuer\)$/);
});

test('RSA keys shorter than 2048 bits are refused in the leaf and in intermediates', () => {
	assert.match(rejects(['--cafile', p.ca, '--host', 'localhost', x.rsa1024Leaf.chain], 'unsupported_certificate'),
		/^RSA key shorter than 2048 bits in the leaf certificate$/);
	assert.match(rejects(['--cafile', p.ca, '--host', 'localhost', x.rsa1024Int.chain], 'unsupported_certificate'),
		/^RSA key shorter than 2048 bits in the intermediate certificate 1 \(the leaf's issuer\)$/);
});

test('P-521: leaf key and ecdsa-with-SHA512 signatures by a P-521 intermediate verify', () => {
	ok(['--cafile', p.ca, '--host', 'localhost', x.p521Leaf.chain]);
	ok(['--cafile', p.ca, '--host', 'localhost', x.p521Int.chain]);
});

test('a chain of over 40 KB of DER (720 SAN names) verifies', () => {
	assert.ok(x.bigChain.derBytes > 40000, `bigChain is ${x.bigChain.derBytes} bytes`);
	ok(['--cafile', p.ca, '--host', 'localhost', x.bigChain.chain]);
	ok(['--cafile', p.ca, '--host', 'host-0719.padding-for-a-large-certificate.wasmtls.test', x.bigChain.chain]);
	rejects(['--cafile', p.ca, '--host', 'host-0720.padding-for-a-large-certificate.wasmtls.test', x.bigChain.chain],
		'certificate_name_mismatch');
});

// Path depth is bounded (src/x509.c WT_X509_MAX_INTERMEDIATES, as webpki
// bounds it): a path with up to 8 intermediates verifies, a longer one is
// never built, and the refusal says so.
test('paths with more than 8 intermediates are not built', () => {
	const d = mkdtempSync(join(tmpdir(), 'wt-x509-depth-'));
	try {
		const run = (...a) => {
			const r = spawnSync('openssl', a, { cwd: d, encoding: 'utf8' });
			assert.equal(r.status, 0, r.stderr);
		};
		const ext = join(d, 'ext.cnf');
		writeFileSync(ext, '[ca]\nbasicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign\n'
			+ '[leaf]\nbasicConstraints=CA:false\nkeyUsage=critical,digitalSignature\n'
			+ 'extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost\n');
		const key = (n) => run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${n}.key`);
		key('root');
		run('req', '-x509', '-new', '-key', 'root.key', '-subj', '/CN=depth root', '-days', '30',
			'-out', 'root.pem', '-config', ext, '-extensions', 'ca');
		// root <- ca1 <- ... <- ca10 <- leaf
		let issuer = 'root';
		for (let i = 1; i <= 10; i++) {
			key(`ca${i}`);
			run('req', '-new', '-key', `ca${i}.key`, '-subj', `/CN=depth ca${i}`, '-out', `ca${i}.csr`);
			run('x509', '-req', '-in', `ca${i}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`,
				'-CAcreateserial', '-days', '30', '-out', `ca${i}.pem`, '-extfile', ext, '-extensions', 'ca');
			issuer = `ca${i}`;
		}
		key('leaf');
		run('req', '-new', '-key', 'leaf.key', '-subj', '/CN=localhost', '-out', 'leaf.csr');
		const leafUnder = (ca, out) => run('x509', '-req', '-in', 'leaf.csr', '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`,
			'-CAcreateserial', '-days', '30', '-out', out, '-extfile', ext, '-extensions', 'leaf');
		const chain = (leaf, cas) => {
			const f = join(d, `chain-${cas.length}.pem`);
			writeFileSync(f, [leaf, ...cas].map((n) => readFileSync(join(d, n), 'utf8')).join(''));
			return f;
		};
		const cas = (k) => Array.from({ length: k }, (_, i) => `ca${k - i}.pem`);
		leafUnder('ca8', 'leaf8.pem');
		leafUnder('ca9', 'leaf9.pem');
		const args = (f) => ['--cafile', join(d, 'root.pem'), '--host', 'localhost', f];
		ok(args(chain('leaf8.pem', cas(8))));       // 8 intermediates: verifies
		assert.match(rejects(args(chain('leaf9.pem', cas(9))), 'bad_certificate'),
			/^path length exceeded: more than 8 intermediate certificates$/);   // 9: never reaches the root
	} finally {
		rmSync(d, { recursive: true, force: true });
	}
});

// --- issue 12: path building as a search, issuer and anchor constraints ---
//
// Chains made here with openssl (P-256 keys: quick), one directory for all.
const gen = (() => {
	let d = null;
	const run = (...a) => {
		const r = spawnSync('openssl', a, { cwd: d, encoding: 'utf8' });
		assert.equal(r.status, 0, `openssl ${a.join(' ')}: ${r.stderr}`);
	};
	const CRIT = '1.3.6.1.4.1.55738.666.1 = critical,ASN1:NULL\n';
	const CA = 'basicConstraints = critical,CA:true\nkeyUsage = critical,keyCertSign,cRLSign\n';
	const LEAF = 'basicConstraints = critical,CA:false\nkeyUsage = critical,digitalSignature\n'
		+ 'extendedKeyUsage = serverAuth\nsubjectAltName = DNS:localhost\n';
	const NOKID = 'subjectKeyIdentifier = none\nauthorityKeyIdentifier = none\n';
	// one subjectKeyIdentifier shared by a certificate and its decoys: a
	// hostile pool can make every decoy look like the issuer the leaf's
	// authorityKeyIdentifier names
	const FIXKID = 'subjectKeyIdentifier = 57:54:4b:49:44\nauthorityKeyIdentifier = keyid:always\n';
	const EXT = `[ca]\n${CA}[ca_pl0]\nbasicConstraints = critical,CA:true,pathlen:0\nkeyUsage = critical,keyCertSign\n`
		+ `[ca_client]\n${CA}extendedKeyUsage = clientAuth\n[ca_server]\n${CA}extendedKeyUsage = serverAuth\n`
		+ `[ca_any]\n${CA}extendedKeyUsage = anyExtendedKeyUsage\n[ca_crit]\n${CA}${CRIT}`
		+ `[ca_noaki]\n${CA}authorityKeyIdentifier = none\n[leaf_emptyaki]\n${LEAF}authorityKeyIdentifier = none\n2.5.29.35 = DER:30:02:80:00\n[ca_fixkid]\n${CA}${FIXKID}[leaf]\n${LEAF}[leaf_nokid]\n${LEAF}${NOKID}[leaf_crit]\n${LEAF}${CRIT}`
		+ '[leaf_ca]\nbasicConstraints = critical,CA:true\nkeyUsage = critical,digitalSignature,keyCertSign\n'
		+ 'extendedKeyUsage = serverAuth\nsubjectAltName = DNS:localhost\n';
	const key = (n) => run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${n}.key`);
	// self-signed root NAME.pem (key NAME.key, made unless given)
	const root = (n, { days = 30, ext = 'ca', cn = n, keyName = n } = {}) => {
		if (keyName === n) key(n);
		run('req', '-x509', '-new', '-key', `${keyName}.key`, '-subj', `/CN=${cn}`, '-days', String(days),
			'-out', `${n}.pem`, '-config', 'ext.cnf', '-extensions', ext);
	};
	// certificate NAME.pem for key KEYNAME.key, issued by ISSUER
	const cert = (n, issuer, { ext = 'ca', cn = n, keyName = n, days = 30, issuerKey = issuer } = {}) => {
		if (keyName === n) key(n);
		run('req', '-new', '-key', `${keyName}.key`, '-subj', `/CN=${cn}`, '-out', `${n}.csr`);
		run('x509', '-req', '-in', `${n}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuerKey}.key`,
			'-set_serial', String(Math.floor(Math.random() * 1e9) + 1), '-days', String(days),
			'-out', `${n}.pem`, '-extfile', 'ext.cnf', '-extensions', ext);
	};
	const file = (name, ...parts) => {
		const f = join(d, name);
		writeFileSync(f, parts.map((p) => readFileSync(join(d, `${p}.pem`), 'utf8')).join(''));
		return f;
	};
	return {
		setup() {
			d = mkdtempSync(join(tmpdir(), 'wt-x509-search-'));
			writeFileSync(join(d, 'ext.cnf'), EXT);
			return { d, run, key, root, cert, file };
		},
		cleanup() { rmSync(d, { recursive: true, force: true }); },
	};
})();

const DAY = 86400;
const now = Math.floor(Date.now() / 1000);

test('path search: cross-signed intermediate, the expired path is skipped for the valid one', () => {
	const g = gen.setup();
	try {
		g.root('old-root', { days: 1 });            // expired at now + 3 days
		g.root('new-root');
		g.key('ica');
		g.cert('ica-by-old', 'old-root', { cn: 'ica', keyName: 'ica' });
		g.cert('ica-by-new', 'new-root', { cn: 'ica', keyName: 'ica' });
		g.cert('leaf', 'ica-by-new', { ext: 'leaf', issuerKey: 'ica', cn: 'localhost' });
		const later = ['--time', String(now + 3 * DAY)];
		const both = g.file('both-roots.pem', 'old-root', 'new-root');
		// the expired cross-certificate's path comes first in the pool
		const chain = g.file('chain.pem', 'leaf', 'ica-by-old', 'ica-by-new');
		ok(['--cafile', both, '--host', 'localhost', ...later, chain]);
		ok(['--cafile', both, '--host', 'localhost', chain]);
		// with only the old root: its path is the only one, and the root has expired
		const oldOnly = g.file('old-root-only.pem', 'old-root');
		ok(['--cafile', oldOnly, '--host', 'localhost', chain]);
		assert.match(rejects(['--cafile', oldOnly, '--host', 'localhost', ...later, chain], 'certificate_expired'),
			/trust anchor \(CN=old-root\) has expired/);
		// the expired root sent by the server as well changes nothing
		const withRoot = g.file('chain-root.pem', 'leaf', 'ica-by-old', 'old-root');
		rejects(['--cafile', oldOnly, '--host', 'localhost', ...later, withRoot], 'certificate_expired');
	} finally {
		gen.cleanup();
	}
});

test('path search: a pool of 40 unrelated certificates and 40 same-name decoys around one valid path', () => {
	const g = gen.setup();
	try {
		g.root('root');
		g.cert('ica', 'root', { ext: 'ca_fixkid' });
		g.cert('leaf', 'ica', { ext: 'leaf', cn: 'localhost' });
		const noise = [], decoys = [];
		for (let i = 0; i < 40; i++) {
			g.root(`other${i}`);
			noise.push(`other${i}`);
		}
		// same subject and key id as the real intermediate, other keys:
		// each one costs a signature check that fails
		for (let i = 0; i < 40; i++) {
			g.cert(`decoy${i}`, 'root', { cn: 'ica', ext: 'ca_fixkid' });
			decoys.push(`decoy${i}`);
		}
		const ca = g.file('ca.pem', 'root');
		ok(['--cafile', ca, '--host', 'localhost', g.file('noise.pem', 'leaf', ...noise, 'ica')]);
		ok(['--cafile', ca, '--host', 'localhost', g.file('decoys.pem', 'leaf', ...decoys.slice(0, 20), 'ica', ...decoys.slice(20))]);
		// without the real one: every decoy fails its signature check
		assert.match(rejects(['--cafile', ca, '--host', 'localhost', g.file('only-decoys.pem', 'leaf', ...decoys)],
			'bad_certificate_signature'), /does not verify with the key of the intermediate certificate 1 \(CN=ica\)/);
		// no issuer at all: how many candidates were tried
		assert.match(rejects(['--cafile', g.file('other.pem', 'other0'), '--host', 'localhost', g.file('c2.pem', 'leaf', ...noise)],
			'unknown_ca'), /no path to a trust anchor: .*CN=ica.* \(0 candidate issuer\(s\) tried\)/);
	} finally {
		gen.cleanup();
	}
});

test('path search: a pathological pool trips the signature budget quickly', () => {
	const g = gen.setup();
	try {
		g.root('root');
		// 60 self-issued CAs all named "loop", each signed by its own key:
		// every one is a candidate issuer of the leaf and of each other
		for (let i = 0; i < 60; i++) g.root(`loop${i}`, { cn: 'loop', ext: 'ca_fixkid' });
		g.cert('leaf', 'loop59', { ext: 'leaf', cn: 'localhost' });
		const pool = g.file('pool.pem', 'leaf', ...Array.from({ length: 60 }, (_, i) => `loop${i}`));
		const t0 = Date.now();
		const why = rejects(['--cafile', g.file('ca.pem', 'root'), '--host', 'localhost', pool], 'certificate_path_budget');
		const ms = Date.now() - t0;
		assert.match(why, /budget exhausted: 100 signature checks/);
		assert.ok(ms < 5000, `budget error took ${ms} ms`);
	} finally {
		gen.cleanup();
	}
});

test('EKU chaining: an intermediate restricted to clientAuth cannot issue a server certificate', () => {
	const g = gen.setup();
	try {
		g.root('root');
		const ca = g.file('ca.pem', 'root');
		for (const [ext, good] of [['ca_client', false], ['ca_server', true], ['ca_any', true]]) {
			g.cert(`ica-${ext}`, 'root', { ext, cn: `ica ${ext}` });
			g.cert(`leaf-${ext}`, `ica-${ext}`, { ext: 'leaf', cn: 'localhost' });
			const chain = g.file(`chain-${ext}.pem`, `leaf-${ext}`, `ica-${ext}`);
			if (good) {
				ok(['--cafile', ca, '--host', 'localhost', chain]);
			} else {
				assert.match(rejects(['--cafile', ca, '--host', 'localhost', chain], 'bad_certificate'),
					/^extendedKeyUsage of the intermediate certificate 1 \(CN=ica ca_client\) does not include serverAuth/);
			}
		}
		// an intermediate trusted directly (a trust anchor from --cafile)
		// restricted to clientAuth
		assert.match(rejects(['--cafile', g.file('ica-client.pem', 'ica-ca_client'), '--host', 'localhost',
			g.file('c.pem', 'leaf-ca_client')], 'bad_certificate'),
			/extendedKeyUsage of the trust anchor \(CN=ica ca_client\) does not include serverAuth/);
		ok(['--cafile', g.file('ica-server.pem', 'ica-ca_server'), '--host', 'localhost', g.file('s.pem', 'leaf-ca_server')]);
		// a root carries no extendedKeyUsage at all (CA/B Forum BR 7.1.2.1.2)
		g.root('server-root', { ext: 'ca_server' });
		g.cert('leaf-sr', 'server-root', { ext: 'leaf', cn: 'localhost' });
		assert.match(rejects(['--cafile', g.file('sr.pem', 'server-root'), '--host', 'localhost', g.file('c2.pem', 'leaf-sr')],
			'bad_certificate'), /trust anchor \(CN=server-root\) is a root with an extendedKeyUsage/);
	} finally {
		gen.cleanup();
	}
});

test('leaf profile and issuer constraints: CA as leaf, pathLen, unknown critical extensions', () => {
	const g = gen.setup();
	try {
		g.root('root');
		const ca = g.file('ca.pem', 'root');
		const host = ['--host', 'localhost'];
		// a CA certificate as the leaf
		g.cert('leaf-ca', 'root', { ext: 'leaf_ca', cn: 'localhost' });
		assert.match(rejects(['--cafile', ca, ...host, g.file('c1.pem', 'leaf-ca')], 'bad_certificate'),
			/leaf certificate is a CA/);
		// root -> ica1 (pathlen:0) -> ica2 -> leaf
		g.cert('ica1', 'root', { ext: 'ca_pl0' });
		g.cert('ica2', 'ica1');
		g.cert('leaf2', 'ica2', { ext: 'leaf', cn: 'localhost' });
		assert.match(rejects(['--cafile', ca, ...host, g.file('c2.pem', 'leaf2', 'ica2', 'ica1')], 'bad_certificate'),
			/^path length exceeded: intermediate certificate 2 \(CN=ica1\) has pathLenConstraint 0 but 1 intermediate/);
		g.cert('leaf1', 'ica1', { ext: 'leaf', cn: 'localhost' });
		ok(['--cafile', ca, ...host, g.file('c3.pem', 'leaf1', 'ica1')]);
		// unknown critical extension in the leaf, an intermediate, the root
		const oid = /unsupported critical extension 1\.3\.6\.1\.4\.1\.55738\.666\.1 in the /;
		g.cert('leaf-crit', 'root', { ext: 'leaf_crit', cn: 'localhost' });
		assert.match(rejects(['--cafile', ca, ...host, g.file('c4.pem', 'leaf-crit')], 'bad_certificate'),
			new RegExp(oid.source + 'leaf certificate'));
		g.cert('ica-crit', 'root', { ext: 'ca_crit' });
		g.cert('leaf5', 'ica-crit', { ext: 'leaf', cn: 'localhost' });
		assert.match(rejects(['--cafile', ca, ...host, g.file('c5.pem', 'leaf5', 'ica-crit')], 'bad_certificate'),
			new RegExp(oid.source + 'intermediate certificate 1 \\(CN=ica-crit\\)'));
		g.root('root-crit', { ext: 'ca_crit' });
		g.cert('leaf6', 'root-crit', { ext: 'leaf', cn: 'localhost' });
		assert.match(rejects(['--cafile', g.file('rc.pem', 'root-crit'), ...host, g.file('c6.pem', 'leaf6')], 'bad_certificate'),
			new RegExp(oid.source + 'trust anchor \\(CN=root-crit\\)'));
		// an unrelated root with the extension in the same --cafile is harmless
		ok(['--cafile', g.file('mixed.pem', 'root-crit', 'root'), ...host, g.file('c7.pem', 'leaf1', 'ica1')]);
		// key identifiers (RFC 5280 4.2.1.1/4.2.1.2): a CA-issued leaf names
		// its issuer's key; an intermediate CA has its own identifier
		g.cert('leaf-nokid', 'root', { ext: 'leaf_nokid', cn: 'localhost' });
		assert.match(rejects(['--cafile', ca, ...host, g.file('c8.pem', 'leaf-nokid')], 'bad_certificate'),
			/^leaf certificate \(CN=localhost\) has no authorityKeyIdentifier keyIdentifier \(RFC 5280 4\.2\.1\.1\)$/);
		g.cert('ica-noaki', 'root', { ext: 'ca_noaki' });
		g.cert('leaf9', 'ica-noaki', { ext: 'leaf', cn: 'localhost' });
		assert.match(rejects(['--cafile', ca, ...host, g.file('c9.pem', 'leaf9', 'ica-noaki')], 'bad_certificate'),
			/^intermediate certificate 1 \(CN=ica-noaki\) has no authorityKeyIdentifier keyIdentifier/);
		// an empty keyIdentifier names no key
		g.cert('leaf-emptyaki', 'root', { ext: 'leaf_emptyaki', cn: 'localhost' });
		assert.match(rejects(['--cafile', ca, ...host, g.file('c11.pem', 'leaf-emptyaki')], 'bad_certificate'),
			/^leaf certificate \(CN=localhost\) has no authorityKeyIdentifier keyIdentifier/);
		// a self-issued intermediate (a key rollover: same name as the
		// root, another key) is CA-issued all the same
		g.cert('rollover', 'root', { ext: 'ca_noaki', cn: 'root' });
		g.cert('leaf12', 'rollover', { ext: 'leaf', cn: 'localhost' });
		// (refused; the reason given is the first dead end of the search,
		// the anchor of the same name whose key did not sign the leaf)
		rejects(['--cafile', ca, ...host, g.file('c12.pem', 'leaf12', 'rollover')], 'bad_certificate_signature');
		ok(['--cert-profile', 'private', '--cafile', ca, ...host, g.file('c12.pem', 'leaf12', 'rollover')]);
		// a self-signed certificate needs none (a pinned server certificate)
		g.root('pinned-nokid', { ext: 'leaf_nokid', cn: 'localhost' });
		ok(['--cafile', g.file('pn.pem', 'pinned-nokid'), ...host, g.file('c10.pem', 'pinned-nokid')]);
	} finally {
		gen.cleanup();
	}
});
