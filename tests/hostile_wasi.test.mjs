// Hostile-server tests on the WASI builds: the same scenario table and
// expectations as the native CLI (tests/hostile/runner.mjs).
//
//   build/wasi/wasmtls.wasm (preview1) under node:wasi, --transport stdio,
//     its fd 0/1 bridged to the TCP connection: every scenario (~0.3 s of
//     CPU per run). This front end has no application input: it sends
//     close_notify right after its --data request (tests/lib/launchers.mjs
//     wasiP1, runner closesEarly).
//   build/wasi/wasmtls.component.wasm under `jco run`: each run transpiles
//     the component (~2.5 s of CPU), so a representative subset only
//     (JCO_SUBSET: at least one scenario of every category).
//
// Skipped entirely on the ASan pass of `make test` (WT_NATIVE_ONLY) and
// when the artifacts are not built.
//
//   node --test tests/hostile_wasi.test.mjs
//   HOSTILE_FILTER=ccs node --test tests/hostile_wasi.test.mjs
import { wasiP1, wasiComponent } from './lib/launchers.mjs';
import { hostileSuite } from './hostile/runner.mjs';
import { scenarios } from './hostile/scenarios.mjs';

const skip = process.env.WT_NATIVE_ONLY ? 'WT_NATIVE_ONLY: the wasm builds run on the release pass only' : false;

hostileSuite(wasiP1(), {
	skip,
	skipNames: {
		// The module's close_notify (sent right after its request: no input
		// channel) is out before the server's KeyUpdate arrives, and a
		// closed write side answers no KeyUpdate. Covered on the component.
		'ok: KeyUpdate update_requested -> client answers with its own KeyUpdate':
			'stdio front end has closed its write side (close_notify after --data) before the KeyUpdate arrives',
	},
});

// One or more per category (the name prefix), positive controls included;
// session scenarios cost two runs.
export const JCO_SUBSET = [
	'ok: suite TLS_CHACHA20_POLY1305_SHA256',
	'ok: HRR to secp384r1',
	'ok: application record of exactly 2^14 bytes',
	'ok: KeyUpdate update_requested -> client answers with its own KeyUpdate',
	'sh: TLS 1.2 ServerHello',
	'sh: X25519 all-zero share (zero shared secret)',
	'sh: P-256 point not on the curve',
	'hrr: second HelloRetryRequest',
	'ee: ALPN protocol we did not offer',
	'cr: no signature_algorithms',
	'cert: empty certificate list',
	'cert: expired',
	'cv: rsa_pkcs1_sha256',
	'cv: signature over the wrong transcript',
	'fin: flipped byte',
	'order: Finished before Certificate',
	'post: CertificateRequest (no post_handshake_auth offered)',
	'nst: lifetime over 7 days',
	'ku: 40 KeyUpdates without data',
	'rec: record length 0xffff',
	'rec: tampered tag',
	'rec: protected record that is all padding',
	'eng: handshake length 2^24-1 with body bytes',
	'alert: protected close_notify mid-handshake',
	'ccs: after the handshake',
	'app: protected application data before Finished',
	'eof: TCP close in the middle of a record after the handshake',
	'psk ok: resumption after HelloRetryRequest (binder over message_hash + HRR)',
	'0rtt ok: accepted, early data under the client early key, then EndOfEarlyData',
	'cr ok: RSA client key signs with RSA-PSS (rsa_pkcs1_sha256 listed first)',
	'rsl ok: limit 256 -> every client record after it carries <= 255 bytes + type (data)',
	'nst ok: two tickets -> the file holds the latest',
];
for (const n of JCO_SUBSET) {
	if (!scenarios.some((s) => s.name === n)) throw new Error(`JCO_SUBSET: no scenario named "${n}"`);
}
hostileSuite(wasiComponent(), { skip, select: (s) => JCO_SUBSET.includes(s.name) });
