// Test PKI for wasmtls, made with the `openssl` command line into
// build/test-pki/ (created on first use; later calls only check a stamp
// file, so it is cheap to call from every test file).
//
//   import { pki } from './lib/pki.mjs';
//   const p = pki();
//
// pki() is synchronous and returns absolute paths (all PEM):
//
//   { dir,                      // build/test-pki
//     ca, caKey,                // root CA (RSA 2048, self-signed) and its key:
//                               // the trust anchor for everything below
//     otherCa,                  // an unrelated root: NOT to be trusted in tests
//     rsa2048:  {cert, key, chain},   // leaf, RSA 2048
//     p256:     {cert, key, chain},   // leaf, ECDSA P-256
//     p384:     {cert, key, chain},   // leaf, ECDSA P-384
//     expired:  {cert, key, chain},   // valid 2000-01-01 .. 2001-01-01
//     notYetValid: {cert, key, chain},// valid 2099-01-01 .. 2099-12-31
//     wrongHost: {cert, key, chain},  // SAN DNS:example.com only (CN=localhost,
//                                     // which must NOT count: no CN fallback)
//     unknownRoot: {cert, key, chain},// same names, under otherCa -> other intermediate
//     badSignature: {cert, key, chain}, // the rsa2048 leaf with one signature byte flipped
//     selfSigned: {cert, key, chain}, // self-signed leaf for localhost (CA:FALSE);
//                                     // trust it by passing cert as the CA file
//     outOfOrder: {cert, key, chain}, // chain = p256 leaf, an unrelated extra
//                                     // cert (otherCa), then the intermediate:
//                                     // must still validate
//     wildcard: {cert, key, chain, host, badHosts}, // SAN DNS:*.wasmtls.test;
//                                     // host 'www.wasmtls.test' matches, badHosts don't
//     client: {                       // client authentication (build/test-pki-client/)
//       dir,
//       ca,                           // client root (ECDSA P-256), separate from `ca`:
//                                     // what a server's -CAfile/--x509cafile trusts
//       p256:    {cert, key, chain},  // client leaf, ECDSA P-256
//       p384:    {cert, key, chain},  // client leaf, ECDSA P-384
//       p521:    {cert, key, chain},  // client leaf, ECDSA P-521
//       rsa2048: {cert, key, chain},  // client leaf, RSA 2048
//       otherClient: {cert, key, chain}, // P-256 client leaf under an unrelated root
//       bad: {                        // keys the CLI must refuse (bad_config)
//         ed25519, p521, rsa1024,     //   unsupported key types/sizes (PEM)
//         garbage,                    //   not PEM at all
//         truncatedKey,               //   the p256 client key cut in half
//       },
//     },
//   }
//
// Client leaves: CN=wasmtls test client, keyUsage digitalSignature, EKU
// clientAuth, issued by a client intermediate (ECDSA P-256) under client.ca;
// `chain` is leaf + client intermediate (what the client sends). The client
// PKI lives in its own directory with its own stamp, so adding it never
// regenerates the server PKI above.
//
// Unless noted, leaves carry SAN DNS:localhost, IP:127.0.0.1, IP:::1,
// keyUsage digitalSignature+keyEncipherment, EKU serverAuth, and are issued
// by one intermediate (ECDSA P-256, pathlen 0) under `ca`. `cert` is the leaf
// alone; `chain` is leaf + intermediate (what a server sends); `key` is the
// leaf's private key (PKCS#8 PEM). Normal certificates are valid from
// 2020-01-01 to 2049-12-31.
//
// Concurrency: generation happens in a private temporary directory that is
// renamed into place, so two test processes racing on a fresh checkout both
// end up with one complete directory.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIR = join(ROOT, 'build', 'test-pki');
const VERSION = 'wasmtls-test-pki v1';

const NAMES = 'DNS:localhost,IP:127.0.0.1,IP:::1';
const START = '20200101000000Z';
const END = '20491231235959Z';

const CA_CNF = `
[ ca ]
default_ca = CA_default
[ CA_default ]
database = ./index.txt
new_certs_dir = ./newcerts
serial = ./serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
preserve = yes
[ policy_any ]
commonName = supplied
organizationName = optional
[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = unused
[ v3_root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ v3_int ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = ${NAMES}
[ v3_wronghost ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:example.com
[ v3_wildcard ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:*.wasmtls.test
[ v3_self ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
subjectAltName = ${NAMES}
`;

const CLIENT_DIR = join(ROOT, 'build', 'test-pki-client');
const CLIENT_VERSION = 'wasmtls-test-pki-client v1-p521';
const CLIENT_EXT = `
[ v3_client ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

function clientPaths(dir) {
	const leaf = (name) => ({
		cert: join(dir, `${name}.pem`),
		key: join(dir, `${name}.key`),
		chain: join(dir, `${name}-chain.pem`),
	});
	return {
		dir,
		ca: join(dir, 'client-ca.pem'),
		p256: leaf('client-p256'),
		p384: leaf('client-p384'),
		p521: leaf('client-p521'),
		rsa2048: leaf('client-rsa2048'),
		otherClient: leaf('other-client'),
		bad: {
			ed25519: join(dir, 'bad-ed25519.key'),
			p521: join(dir, 'bad-p521.key'),
			rsa1024: join(dir, 'bad-rsa1024.key'),
			garbage: join(dir, 'bad-garbage.key'),
			truncatedKey: join(dir, 'bad-truncated.key'),
		},
	};
}

function generateClient(dir) {
	const run = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
	const w = (name, text) => writeFileSync(join(dir, name), text);
	const r = (name) => readFileSync(join(dir, name), 'latin1');

	mkdirSync(join(dir, 'newcerts'), { recursive: true });
	w('ca.cnf', CA_CNF + CLIENT_EXT);
	w('index.txt', '');
	w('serial', '2000\n');
	const key = (name, alg) => {
		if (alg === 'rsa') run('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', name);
		else if (alg === 'rsa1024') run('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024', '-out', name);
		else if (alg === 'ed25519') run('genpkey', '-algorithm', 'ED25519', '-out', name);
		else run('genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${alg}`, '-out', name);
	};
	const csr = (keyFile, cn, out) => run('req', '-new', '-config', 'ca.cnf', '-key', keyFile, '-subj', `/CN=${cn}`, '-out', out);
	const sign = (csrFile, issuerCert, issuerKey, ext, out) =>
		run('ca', '-batch', '-config', 'ca.cnf', '-notext', '-cert', issuerCert, '-keyfile', issuerKey,
			'-in', csrFile, '-out', out, '-extensions', ext, '-startdate', START, '-enddate', END);
	const root = (keyFile, cn, out) => {
		key(keyFile, 'P-256');
		csr(keyFile, cn, `${out}.csr`);
		run('ca', '-batch', '-config', 'ca.cnf', '-notext', '-selfsign', '-keyfile', keyFile,
			'-in', `${out}.csr`, '-out', out, '-extensions', 'v3_root', '-startdate', START, '-enddate', END);
	};
	root('client-ca.key', 'wasmtls test client root', 'client-ca.pem');
	key('client-int.key', 'P-256');
	csr('client-int.key', 'wasmtls test client intermediate', 'client-int.csr');
	sign('client-int.csr', 'client-ca.pem', 'client-ca.key', 'v3_int', 'client-int.pem');
	root('other-client-ca.key', 'wasmtls untrusted client root', 'other-client-ca.pem');

	const leaf = (name, alg, issuer = ['client-int.pem', 'client-int.key']) => {
		key(`${name}.key`, alg);
		csr(`${name}.key`, 'wasmtls test client', `${name}.csr`);
		sign(`${name}.csr`, issuer[0], issuer[1], 'v3_client', `${name}.pem`);
		w(`${name}-chain.pem`, r(`${name}.pem`) + (issuer[0] === 'client-int.pem' ? r('client-int.pem') : ''));
	};
	leaf('client-p256', 'P-256');
	leaf('client-p384', 'P-384');
	leaf('client-p521', 'P-521');
	leaf('client-rsa2048', 'rsa');
	leaf('other-client', 'P-256', ['other-client-ca.pem', 'other-client-ca.key']);

	key('bad-ed25519.key', 'ed25519');
	key('bad-p521.key', 'P-521');
	key('bad-rsa1024.key', 'rsa1024');
	w('bad-garbage.key', 'this is not a PEM private key\n');
	const k = r('client-p256.key');
	w('bad-truncated.key', k.slice(0, Math.floor(k.length / 2)));
	w('STAMP', `${CLIENT_VERSION}\n`);
}

// Creates dir with gen() through a private temporary directory renamed into
// place (see "Concurrency" above); returns once a complete one exists.
function ensure(dir, version, gen) {
	const stamp = join(dir, 'STAMP');
	const ok = () => existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === version;
	if (ok()) return;
	mkdirSync(dirname(dir), { recursive: true });
	const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
	rmSync(tmp, { recursive: true, force: true });
	mkdirSync(tmp, { recursive: true });
	try {
		gen(tmp);
	} catch (e) {
		rmSync(tmp, { recursive: true, force: true });
		throw new Error(`test PKI generation failed: ${e.stderr ? e.stderr.toString() : e.message}`);
	}
	if (existsSync(dir) && !ok()) {
		// an older layout or an interrupted run: move it aside first
		const stale = `${dir}.stale-${process.pid}-${Date.now()}`;
		try { renameSync(dir, stale); rmSync(stale, { recursive: true, force: true }); } catch { /* raced */ }
	}
	try {
		renameSync(tmp, dir);
	} catch {
		// another process won the race with a complete directory
		rmSync(tmp, { recursive: true, force: true });
	}
	if (!ok()) throw new Error(`test PKI in ${dir} is incomplete`);
}

/** Paths of a leaf NAME in dir: NAME.pem, NAME.key, NAME-chain.pem. */
const leafIn = (dir) => (name, extra = {}) => ({
	cert: join(dir, `${name}.pem`),
	key: join(dir, `${name}.key`),
	chain: join(dir, `${name}-chain.pem`),
	...extra,
});

function paths(dir) {
	const leaf = leafIn(dir);
	return {
		dir,
		ca: join(dir, 'ca.pem'),
		caKey: join(dir, 'ca.key'),
		otherCa: join(dir, 'other-ca.pem'),
		rsa2048: leaf('rsa2048'),
		p256: leaf('p256'),
		p384: leaf('p384'),
		expired: leaf('expired'),
		notYetValid: leaf('not-yet-valid'),
		wrongHost: leaf('wrong-host'),
		unknownRoot: leaf('unknown-root'),
		badSignature: leaf('bad-signature'),
		selfSigned: leaf('self-signed'),
		outOfOrder: leaf('out-of-order'),
		wildcard: leaf('wildcard', {
			host: 'www.wasmtls.test',
			badHosts: ['wasmtls.test', 'a.b.wasmtls.test', 'www.wasmtls.test.evil', 'localhost'],
		}),
	};
}

function generate(dir) {
	const run = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
	const w = (name, text) => writeFileSync(join(dir, name), text);
	const r = (name) => readFileSync(join(dir, name), 'latin1');

	mkdirSync(join(dir, 'newcerts'), { recursive: true });
	w('ca.cnf', CA_CNF);
	w('index.txt', '');
	w('serial', '1000\n');

	const key = (name, alg) => {
		if (alg === 'rsa') run('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', name);
		else run('genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${alg}`, '-out', name);
	};
	const csr = (keyFile, cn, out) => run('req', '-new', '-config', 'ca.cnf', '-key', keyFile, '-subj', `/CN=${cn}`, '-out', out);
	// openssl ca: the only 3.0 command that takes explicit start/end dates
	const sign = (csrFile, issuerCert, issuerKey, ext, out, start = START, end = END) =>
		run('ca', '-batch', '-config', 'ca.cnf', '-notext', '-cert', issuerCert, '-keyfile', issuerKey,
			'-in', csrFile, '-out', out, '-extensions', ext, '-startdate', start, '-enddate', end);
	const selfsign = (keyFile, cn, ext, out) => {
		csr(keyFile, cn, `${out}.csr`);
		run('ca', '-batch', '-config', 'ca.cnf', '-notext', '-selfsign', '-keyfile', keyFile,
			'-in', `${out}.csr`, '-out', out, '-extensions', ext, '-startdate', START, '-enddate', END);
	};

	// our hierarchy: RSA root -> P-256 intermediate
	key('ca.key', 'rsa');
	selfsign('ca.key', 'wasmtls test root', 'v3_root', 'ca.pem');
	key('int.key', 'P-256');
	csr('int.key', 'wasmtls test intermediate', 'int.csr');
	sign('int.csr', 'ca.pem', 'ca.key', 'v3_int', 'int.pem');
	// the other hierarchy
	key('other-ca.key', 'P-256');
	selfsign('other-ca.key', 'wasmtls untrusted root', 'v3_root', 'other-ca.pem');
	key('other-int.key', 'P-256');
	csr('other-int.key', 'wasmtls untrusted intermediate', 'other-int.csr');
	sign('other-int.csr', 'other-ca.pem', 'other-ca.key', 'v3_int', 'other-int.pem');

	const int = r('int.pem');
	const leaf = (name, keyAlg, ext, opts = {}) => {
		if (keyAlg) key(`${name}.key`, keyAlg);
		else w(`${name}.key`, r(opts.keyFrom));
		csr(`${name}.key`, opts.cn || 'localhost', `${name}.csr`);
		const [ic, ik] = opts.other ? ['other-int.pem', 'other-int.key'] : ['int.pem', 'int.key'];
		sign(`${name}.csr`, ic, ik, ext, `${name}.pem`, opts.start, opts.end);
		w(`${name}-chain.pem`, r(`${name}.pem`) + r(opts.other ? 'other-int.pem' : 'int.pem'));
	};
	leaf('rsa2048', 'rsa', 'v3_leaf');
	leaf('p256', 'P-256', 'v3_leaf');
	leaf('p384', 'P-384', 'v3_leaf');
	key('misc.key', 'P-256');
	const misc = { keyFrom: 'misc.key' };
	leaf('expired', null, 'v3_leaf', { ...misc, start: '20000101000000Z', end: '20010101000000Z' });
	leaf('not-yet-valid', null, 'v3_leaf', { ...misc, start: '20990101000000Z', end: '20991231235959Z' });
	leaf('wrong-host', null, 'v3_wronghost', misc);
	leaf('unknown-root', null, 'v3_leaf', { ...misc, other: true });
	leaf('wildcard', null, 'v3_wildcard', { ...misc, cn: 'www.wasmtls.test' });

	// bad signature: flip one bit in the last byte of the rsa2048 leaf's
	// signature (RSA: any byte of the value is signature; DER stays valid)
	const der = Buffer.from(r('rsa2048.pem').replace(/-----[A-Z ]+-----|\s+/g, ''), 'base64');
	der[der.length - 1] ^= 0x01;
	const pem = (d) => `-----BEGIN CERTIFICATE-----\n${d.toString('base64').match(/.{1,64}/g).join('\n')}\n-----END CERTIFICATE-----\n`;
	w('bad-signature.pem', pem(der));
	w('bad-signature.key', r('rsa2048.key'));
	w('bad-signature-chain.pem', pem(der) + int);

	// self-signed leaf (CA:FALSE): trusted only through direct trust
	key('self-signed.key', 'P-256');
	selfsign('self-signed.key', 'localhost', 'v3_self', 'self-signed.pem');
	w('self-signed-chain.pem', r('self-signed.pem'));

	// out of order: leaf, an unrelated extra certificate, then the intermediate
	w('out-of-order.pem', r('p256.pem'));
	w('out-of-order.key', r('p256.key'));
	w('out-of-order-chain.pem', r('p256.pem') + r('other-ca.pem') + int);

	w('STAMP', `${VERSION}\n`);
}

// --- certificate security checks (issue 10) ---------------------------------
//
//   import { pkiX509 } from './lib/pki.mjs';
//   const x = pkiX509();   // build/test-pki-x509/, its own stamp; calls pki()
//
// Everything below chains to pki().ca unless noted; `chain` = leaf +
// intermediate (what a server sends), `cert` = leaf, `key` = leaf key.
//
//   { dir,
//     r8kRoot,              // RSA-8192 self-signed root (slow keygen: made once)
//     ed25519Root,          // Ed25519 self-signed root
//     rsaPssRoot,           // self-signed root with an RSA-PSS (id-RSASSA-PSS) key
//     rsa1024Root,          // RSA-1024 self-signed root
//     mixedBundle,          // ed25519Root + r8kRoot + pki().ca: usable, two skipped
//     unusableBundle,       // ed25519Root + rsaPssRoot + r8kRoot: nothing usable
//     sha1Root: {ca, cert, key, chain, chainWithRoot},
//                           // RSA-2048 root self-signed with SHA-1, issuing a
//                           // SHA-256 P-256 intermediate and leaf: must verify
//     sha1Leaf: {cert, key, chain},   // leaf signed ecdsa-with-SHA1 by the usual intermediate
//     sha1Int: {cert, key, chain},    // SHA-256 leaf under an intermediate the
//                                     // root signed with sha1WithRSAEncryption
//     rsa1024Leaf: {cert, key, chain},  // RSA-1024 leaf key
//     rsa1024Int: {cert, key, chain},   // P-256 leaf under an RSA-1024 intermediate
//     bigExpLeaf, bigExpInt: {cert, key, chain}, // the same with RSA-2048, e = 2^32 + 65537
//     p521Leaf: {cert, key, chain},     // ECDSA P-521 leaf (CertificateVerify
//                                       // ecdsa_secp521r1_sha512)
//     p521Int: {cert, key, chain},      // P-256 leaf signed ecdsa-with-SHA512 by
//                                       // a P-521 intermediate
//     bigChain: {cert, key, chain, derBytes}, // P-256 leaf with 720 SAN names:
//                                       // leaf + intermediate > 40 KB of DER
//   }
const X509_DIR = join(ROOT, 'build', 'test-pki-x509');
const X509_VERSION = 'wasmtls-test-pki-x509 v4';
const BIG_SAN_NAMES = 720;

const X509_EXT = `
[ v3_bigsan ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = @bigsan
[ bigsan ]
DNS.1 = localhost
IP.1 = 127.0.0.1
IP.2 = ::1
${Array.from({ length: BIG_SAN_NAMES }, (_, i) => `DNS.${i + 2} = host-${String(i).padStart(4, '0')}.padding-for-a-large-certificate.wasmtls.test`).join('\n')}
`;

function x509Paths(dir) {
	const leaf = leafIn(dir);
	return {
		dir,
		r8kRoot: join(dir, 'r8k-root.pem'),
		ed25519Root: join(dir, 'ed25519-root.pem'),
		rsaPssRoot: join(dir, 'rsapss-root.pem'),
		rsa1024Root: join(dir, 'rsa1024-root.pem'),
		mixedBundle: join(dir, 'mixed-bundle.pem'),
		unusableBundle: join(dir, 'unusable-bundle.pem'),
		sha1Root: leaf('sha1-root-leaf', { ca: join(dir, 'sha1-root.pem'), chainWithRoot: join(dir, 'sha1-root-leaf-full.pem') }),
		sha1Leaf: leaf('sha1-leaf'),
		sha1Int: leaf('sha1-int-leaf'),
		rsa1024Leaf: leaf('rsa1024-leaf'),
		rsa1024Int: leaf('rsa1024-int-leaf'),
		bigExpLeaf: leaf('bigexp-leaf'),
		bigExpInt: leaf('bigexp-int-leaf'),
		p521Leaf: leaf('p521-leaf'),
		p521Int: leaf('p521-int-leaf'),
		bigChain: leaf('big-chain', { derBytes: Number(readFileSyncOr(join(dir, 'big-chain.size'), '0')) }),
	};
}

function readFileSyncOr(path, fallback) {
	try { return readFileSync(path, 'utf8').trim(); } catch { return fallback; }
}

function generateX509(dir, base) {
	const run = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
	const w = (name, text) => writeFileSync(join(dir, name), text);
	const r = (name) => readFileSync(join(dir, name), 'latin1');

	mkdirSync(join(dir, 'newcerts'), { recursive: true });
	w('ca.cnf', CA_CNF + X509_EXT);
	w('index.txt', '');
	w('serial', '3000\n');
	// the usual root and intermediate, so that leaves chain to pki().ca
	for (const f of ['ca.pem', 'ca.key', 'int.pem', 'int.key']) w(f, readFileSync(join(base, f), 'latin1'));

	const key = (name, alg) => {
		if (alg === 'ed25519') run('genpkey', '-algorithm', 'ED25519', '-out', name);
		else if (alg === 'rsa-pss') run('genpkey', '-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', name);
		else if (alg.startsWith('rsa')) {
			// rsaBITS, or rsaBITSeEXPONENT
			const [bits, e] = alg.slice(3).split('e');
			run('genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${bits}`,
				...(e ? ['-pkeyopt', `rsa_keygen_pubexp:${e}`] : []), '-out', name);
		} else run('genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${alg}`, '-out', name);
	};
	const csr = (keyFile, cn, out) => run('req', '-new', '-config', 'ca.cnf', '-key', keyFile, '-subj', `/CN=${cn}`, '-out', out);
	const sign = (csrFile, issuerCert, issuerKey, ext, out, md = 'sha256') =>
		run('ca', '-batch', '-config', 'ca.cnf', '-notext', '-md', md, '-cert', issuerCert, '-keyfile', issuerKey,
			'-in', csrFile, '-out', out, '-extensions', ext, '-startdate', START, '-enddate', END);
	// roots: openssl req -x509 (openssl ca cannot self-sign with every key type)
	const root = (keyFile, alg, cn, out, md) => {
		key(keyFile, alg);
		run('req', '-x509', '-new', '-config', 'ca.cnf', '-key', keyFile, '-subj', `/CN=${cn}`,
			'-extensions', 'v3_root', '-days', '9000', ...(md ? [`-${md}`] : []), '-out', out);
	};
	// a leaf (or intermediate + leaf) under an issuer; chain = leaf + issuer
	// unless the issuer is pki().ca's usual intermediate's parent
	const leaf = (name, alg, issuer, md = 'sha256', ext = 'v3_leaf') => {
		key(`${name}.key`, alg);
		csr(`${name}.key`, 'localhost', `${name}.csr`);
		sign(`${name}.csr`, issuer[0], issuer[1], ext, `${name}.pem`, md);
		w(`${name}-chain.pem`, r(`${name}.pem`) + r(issuer[0]));
	};
	const intermediate = (name, alg, cn, issuer, md = 'sha256') => {
		key(`${name}.key`, alg);
		csr(`${name}.key`, cn, `${name}.csr`);
		sign(`${name}.csr`, issuer[0], issuer[1], 'v3_int', `${name}.pem`, md);
	};
	const INT = ['int.pem', 'int.key'];
	const CA = ['ca.pem', 'ca.key'];

	// trust store material
	root('r8k-root.key', 'rsa8192', 'wasmtls test RSA-8192 root', 'r8k-root.pem');
	root('ed25519-root.key', 'ed25519', 'wasmtls test Ed25519 root', 'ed25519-root.pem');
	root('rsapss-root.key', 'rsa-pss', 'wasmtls test RSA-PSS root', 'rsapss-root.pem');
	root('rsa1024-root.key', 'rsa1024', 'wasmtls test RSA-1024 root', 'rsa1024-root.pem');
	w('mixed-bundle.pem', r('ed25519-root.pem') + r('r8k-root.pem') + r('ca.pem'));
	w('unusable-bundle.pem', r('ed25519-root.pem') + r('rsapss-root.pem') + r('r8k-root.pem'));

	// SHA-1: a root self-signed with it (fine), a leaf and an intermediate
	// signed with it (refused)
	root('sha1-root.key', 'rsa2048', 'wasmtls test SHA-1 self-signed root', 'sha1-root.pem', 'sha1');
	intermediate('sha1-root-int', 'P-256', 'wasmtls test intermediate under the SHA-1 root', ['sha1-root.pem', 'sha1-root.key']);
	leaf('sha1-root-leaf', 'P-256', ['sha1-root-int.pem', 'sha1-root-int.key']);
	w('sha1-root-leaf-full.pem', r('sha1-root-leaf-chain.pem') + r('sha1-root.pem'));
	leaf('sha1-leaf', 'P-256', INT, 'sha1');
	intermediate('sha1-int', 'P-256', 'wasmtls test SHA-1-signed intermediate', CA, 'sha1');
	leaf('sha1-int-leaf', 'P-256', ['sha1-int.pem', 'sha1-int.key']);

	// RSA-1024 keys in the leaf and in an intermediate
	leaf('rsa1024-leaf', 'rsa1024', INT);
	intermediate('rsa1024-int', 'rsa1024', 'wasmtls test RSA-1024 intermediate', CA);
	leaf('rsa1024-int-leaf', 'P-256', ['rsa1024-int.pem', 'rsa1024-int.key']);

	// RSA-2048 with the public exponent 2^32 + 65537 (above 2^31 - 1; its
	// low 32 bits alone would be a fine exponent) in the leaf and in an
	// intermediate
	leaf('bigexp-leaf', 'rsa2048e4295032833', INT);
	intermediate('bigexp-int', 'rsa2048e4295032833', 'wasmtls test big-exponent intermediate', CA);
	leaf('bigexp-int-leaf', 'P-256', ['bigexp-int.pem', 'bigexp-int.key']);

	// P-521: a leaf, and an intermediate signing with ecdsa-with-SHA512
	leaf('p521-leaf', 'P-521', INT);
	intermediate('p521-int', 'P-521', 'wasmtls test P-521 intermediate', CA);
	leaf('p521-int-leaf', 'P-256', ['p521-int.pem', 'p521-int.key'], 'sha512');

	// a chain over 32 KiB of DER: the leaf carries a long subjectAltName
	leaf('big-chain', 'P-256', INT, 'sha256', 'v3_bigsan');
	const der = (pem) => pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)
		.reduce((n, b) => n + Buffer.from(b.replace(/-----[A-Z ]+-----|\s+/g, ''), 'base64').length, 0);
	w('big-chain.size', `${der(r('big-chain-chain.pem'))}\n`);

	w('STAMP', `${X509_VERSION}\n`);
}

let cachedX509;

export function pkiX509() {
	if (cachedX509) return cachedX509;
	const base = pki();
	ensure(X509_DIR, X509_VERSION, (dir) => generateX509(dir, base.dir));
	cachedX509 = x509Paths(X509_DIR);
	return cachedX509;
}

let cached;

export function pki() {
	if (cached) return cached;
	ensure(DIR, VERSION, generate);
	ensure(CLIENT_DIR, CLIENT_VERSION, generateClient);
	cached = { ...paths(DIR), client: clientPaths(CLIENT_DIR) };
	return cached;
}

// `node tests/lib/pki.mjs` prints the paths (and creates the PKI).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	console.log(JSON.stringify(pki(), null, 2));
}
