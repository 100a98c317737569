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
const CLIENT_VERSION = 'wasmtls-test-pki-client v1';
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

function paths(dir) {
	const leaf = (name, extra = {}) => ({
		cert: join(dir, `${name}.pem`),
		key: join(dir, `${name}.key`),
		chain: join(dir, `${name}-chain.pem`),
		...extra,
	});
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
