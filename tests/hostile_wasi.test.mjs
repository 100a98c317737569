// Hostile-server tests on the WASI builds: the same scenario table and
// expectations as the native CLI (tests/hostile/runner.mjs).
//
//   build/wasi/wasmtls.wasm (preview1) under node:wasi, --transport stdio,
//     its fd 0/1 bridged to the TCP connection: every scenario (~0.3 s of
//     CPU per run). This front end has no application input: it sends
//     close_notify right after its --data request (tests/lib/launchers.mjs
//     wasiP1, runner closesEarly).
//   build/wasi/wasmtls.component.wasm under `jco run`: in
//     tests/hostile_wasi_component.test.mjs (a subset: a separate file keeps
//     both under two minutes and lets node --test run them side by side).
//
// Skipped entirely on the ASan pass of `make test` (WT_NATIVE_ONLY) and
// when the artifacts are not built.
//
//   node --test tests/hostile_wasi.test.mjs
//   HOSTILE_FILTER=ccs node --test tests/hostile_wasi.test.mjs
import { wasiP1 } from './lib/launchers.mjs';
import { hostileSuite } from './hostile/runner.mjs';

const skip = process.env.WT_NATIVE_ONLY ? 'WT_NATIVE_ONLY: the wasm builds run on the release pass only' : false;

hostileSuite(wasiP1(), {
	skip,
	skipNames: {
		// The module's close_notify (sent right after its request: no input
		// channel) is out before the server's KeyUpdate arrives, and a
		// closed write side answers no KeyUpdate. Covered on the component.
		'ok: KeyUpdate update_requested -> client answers with its own KeyUpdate':
			'stdio front end has closed its write side (close_notify after --data) before the KeyUpdate arrives',
		'ok: three KeyUpdates update_requested in a row -> one KeyUpdate in answer':
			'stdio front end has closed its write side (close_notify after --data) before the KeyUpdates arrive',
		'ok: key usage limit (--key-update-after 4): the client updates its keys on its own':
			'the update_requested for the worn server key would come after the close_notify sent right after --data',
	},
});
