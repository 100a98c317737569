// Certificate verification through `wasmtls verify` (tools/cli/verify.c ->
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

const BUILD = resolve(process.env.WT_BUILD || 'build/native');
const BIN = join(BUILD, 'wasmtls');
const LIMBO = resolve('../shared/vectors/x509-limbo/limbo-core.json');
const LIMBO_ALT = '/work/shared/vectors/x509-limbo/limbo-core.json';

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

// x509-limbo cases where our answer knowingly differs from the expected
// one. BearSSL's br_x509_minimal is a deliberately minimal RFC 5280 path
// validator and we add only the checks a TLS 1.3 client needs, so:
const NO_CRL = 'revocation (CRLs) is not checked, as in BearSSL and most TLS clients';
const NO_MAX_DEPTH = 'limbo max_chain_depth is a validator option the CLI does not expose';
const NC = 'name constraints are not evaluated: BearSSL rejects any certificate with a critical nameConstraints extension and ignores non-critical ones and those of trust anchors';
const SELF_ISSUED_PATHLEN = 'BearSSL counts self-issued intermediates against pathLenConstraint (RFC 5280 6.1.4 (l) exempts them)';
const TLS13_KU = 'we require keyUsage digitalSignature on the leaf (RFC 8446 4.4.2.2: the key signs CertificateVerify); limbo asks for no key usage';
const PEDANTIC = 'RFC 5280 / CA/B Forum profile rule on certificate encoding that BearSSL does not enforce (AKI/SKI presence, serial number, extension criticality, empty subjects, CN/SAN consistency, RSA sizes, EKU on CAs)';
const TA_IS_NAME_KEY = 'a trust anchor is only a name and a key (RFC 5280 6.1.1 (d)): the root certificate\'s own extensions and validity are not re-checked';
const PUBLIC_SUFFIX = 'no public suffix list: wildcards are refused only over fewer than two labels';
const EE_CA = 'a CA certificate in the leaf position is accepted (limbo has cases for both answers: rfc5280::ca-as-leaf vs webpki::ee-basicconstraints-ca)';
const EKU_PEDANTIC = 'anyExtendedKeyUsage is accepted in the leaf and a missing leaf EKU is allowed (RFC 5280 4.2.1.12; the CA/B Forum requires serverAuth)';

const KNOWN = {
	'crl::crlnumber-critical': NO_CRL,
	'crl::crlnumber-missing': NO_CRL,
	'crl::issuer-missing-crlsign': NO_CRL,
	'crl::revoked-certificate-with-crl': NO_CRL,
	'pathlen::max-chain-depth-0-exhausted': NO_MAX_DEPTH,
	'pathlen::max-chain-depth-1-exhausted': NO_MAX_DEPTH,
	'pathlen::self-issued-certs-pathlen': SELF_ISSUED_PATHLEN,
	'pathlen::validation-ignores-pathlen-in-leaf': TLS13_KU,
	'rfc5280::ca-as-leaf': TLS13_KU,
	'pathological::nc-dos-1': NC,
	'pathological::nc-dos-2': NC,
	'rfc5280::nc::excluded-dns-match-second': NC,
	'rfc5280::nc::excluded-ipv4-match': NC,
	'rfc5280::nc::excluded-ipv6-match': NC,
	'rfc5280::nc::excluded-match-permitted-and-excluded': NC,
	'rfc5280::nc::excluded-self-issued-leaf': NC,
	'rfc5280::nc::intermediate-with-san-rejected-by-root-nc': NC,
	'rfc5280::nc::invalid-dnsname-leading-period': NC,
	'rfc5280::nc::invalid-dnsname-wildcard': NC,
	'rfc5280::nc::invalid-ipv4-address': NC,
	'rfc5280::nc::invalid-ipv6-address': NC,
	'rfc5280::nc::nc-forbids-alternate-chain-ica': NC,
	'rfc5280::nc::nc-forbids-othername-noop': NC,
	'rfc5280::nc::not-allowed-in-ee-noncritical': NC,
	'rfc5280::nc::permitted-dns-match-noncritical': NC,
	'rfc5280::nc::permitted-ip-mismatch': NC,
	'webpki::nc::nc-permits-dns-san-pattern': NC,
	'rfc5280::aki::critical-aki': PEDANTIC,
	'rfc5280::aki::cross-signed-root-missing-aki': PEDANTIC,
	'rfc5280::aki::intermediate-missing-aki': PEDANTIC,
	'rfc5280::aki::leaf-missing-aki': PEDANTIC,
	'rfc5280::ca-empty-subject': PEDANTIC,
	'rfc5280::ee-critical-aia-invalid': PEDANTIC,
	'rfc5280::leaf-ku-keycertsign': PEDANTIC,
	'rfc5280::pc::ica-noncritical-pc': PEDANTIC,
	'rfc5280::san::noncritical-with-empty-subject': PEDANTIC,
	'rfc5280::serial::too-long': PEDANTIC,
	'rfc5280::serial::zero': PEDANTIC,
	'rfc5280::ski::critical-ski': PEDANTIC,
	'rfc5280::ski::intermediate-missing-ski': PEDANTIC,
	'webpki::cn::case-mismatch': PEDANTIC,
	'webpki::cn::ipv4-hex-mismatch': PEDANTIC,
	'webpki::cn::ipv4-leading-zeros-mismatch': PEDANTIC,
	'webpki::cn::ipv6-non-rfc5952-mismatch': PEDANTIC,
	'webpki::cn::ipv6-uncompressed-mismatch': PEDANTIC,
	'webpki::cn::ipv6-uppercase-mismatch': PEDANTIC,
	'webpki::cn::not-in-san': PEDANTIC,
	'webpki::cn::punycode-not-in-san': PEDANTIC,
	'webpki::cn::utf8-vs-punycode-mismatch': PEDANTIC,
	'webpki::forbidden-rsa-key-not-divisible-by-8-in-leaf': PEDANTIC,
	'webpki::malformed-aia': PEDANTIC,
	'webpki::san::san-critical-with-nonempty-subject': PEDANTIC,
	'rfc5280::root-inconsistent-ca-extensions': TA_IS_NAME_KEY,
	'rfc5280::root-non-critical-basic-constraints': TA_IS_NAME_KEY,
	'rfc5280::ski::root-missing-ski': TA_IS_NAME_KEY,
	'rfc5280::unknown-critical-extension-root': TA_IS_NAME_KEY,
	'rfc5280::validity::expired-root': TA_IS_NAME_KEY,
	'webpki::aki::root-with-aki-all-fields': TA_IS_NAME_KEY,
	'webpki::aki::root-with-aki-authoritycertissuer': TA_IS_NAME_KEY,
	'webpki::aki::root-with-aki-authoritycertserialnumber': TA_IS_NAME_KEY,
	'webpki::aki::root-with-aki-missing-keyidentifier': TA_IS_NAME_KEY,
	'webpki::aki::root-with-aki-ski-mismatch': TA_IS_NAME_KEY,
	'webpki::eku::root-has-eku': TA_IS_NAME_KEY,
	'webpki::forbidden-rsa-not-divisible-by-8-in-root': TA_IS_NAME_KEY,
	'webpki::san::public-suffix-multi-label-wildcard-san': PUBLIC_SUFFIX,
	'webpki::san::public-suffix-private-namespace-wildcard-san': PUBLIC_SUFFIX,
	'webpki::ee-basicconstraints-ca': EE_CA,
	'webpki::eku::ee-anyeku': EKU_PEDANTIC,
	'webpki::eku::ee-without-eku': EKU_PEDANTIC,
};

test('x509-limbo SERVER cases', () => {
	const path = existsSync(LIMBO) ? LIMBO : LIMBO_ALT;
	const cases = JSON.parse(readFileSync(path, 'utf8')).testcases.filter((t) => t.validation_kind === 'SERVER');
	const d = mkdtempSync(join(tmpdir(), 'wt-limbo-'));
	const counts = { pass: 0, known: 0, fail: 0 };
	const failures = [];
	const stale = [];
	try {
		const ca = join(d, 'ca.pem'), chain = join(d, 'chain.pem');
		for (const t of cases) {
			writeFileSync(ca, t.trusted_certs.join(''));
			writeFileSync(chain, t.peer_certificate + t.untrusted_intermediates.join(''));
			const args = ['--cafile', ca];
			if (t.validation_time) args.push('--time', String(Math.floor(Date.parse(t.validation_time) / 1000)));
			const name = t.expected_peer_name;
			if (name && (name.kind === 'DNS' || name.kind === 'IP')) args.push('--host', name.value);
			args.push(chain);
			const r = verify(args);
			assert.ok(r.status === 0 || r.status === 1 || r.status === 2, `${t.id}: exit ${r.status}`);
			const got = r.status === 0 ? 'SUCCESS' : 'FAILURE';
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
		`${counts.known} known disagreements, ${counts.fail} unexpected`);
	assert.deepEqual(failures, [], 'unexpected x509-limbo results');
	// keep the allowlist honest: an entry that now agrees must go
	assert.deepEqual(stale, [], 'allowlisted x509-limbo cases that now agree: remove them from KNOWN');
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

// Path search work is bounded (src/x509.c WT_MAX_PATH_DEPTH): a path of
// up to 10 presented certificates verifies, a longer one is never built,
// so a hostile pool of 64 cannot buy hundreds of signature checks.
test('paths longer than 10 certificates are not built', () => {
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
		leafUnder('ca9', 'leaf9.pem');
		leafUnder('ca10', 'leaf10.pem');
		const args = (f) => ['--cafile', join(d, 'root.pem'), '--host', 'localhost', f];
		ok(args(chain('leaf9.pem', cas(9))));       // 10 certificates: verifies
		rejects(args(chain('leaf10.pem', cas(10))), 'unknown_ca');   // 11: never reaches the root
	} finally {
		rmSync(d, { recursive: true, force: true });
	}
});
