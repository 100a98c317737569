// Hostile-server tests on the WASI builds: the same scenario table and
// expectations as the native CLI (tests/hostile/runner.mjs).
//
//   build/wasi/wasmtls.wasm (preview1) under node:wasi, --transport stdio,
//     its fd 0/1 bridged to the TCP connection: every scenario the
//     component does not run (~0.3 s of CPU per run; the split is in
//     tests/hostile/wasi_split.mjs), so each runs once on the WASI build. This front end has no application input: it sends
//     close_notify right after its --data request (tests/lib/launchers.mjs
//     wasiP1, runner closesEarly).
//   build/wasi/wasmtls.component.wasm under `jco run`: in
//     tests/hostile_wasi_component.test.mjs (a sample per category, and
//     the scenarios the stdio front end cannot run).
//
// Skipped entirely on the ASan pass of `make test` (WT_NATIVE_ONLY) and
// when the artifacts are not built.
//
//   node --test tests/hostile_wasi.test.mjs
//   HOSTILE_FILTER=ccs node --test tests/hostile_wasi.test.mjs
import { wasiP1 } from './lib/launchers.mjs';
import { hostileSuite } from './hostile/runner.mjs';
import { preview1Select } from './hostile/wasi_split.mjs';

const skip = process.env.WT_NATIVE_ONLY ? 'WT_NATIVE_ONLY: the wasm builds run on the release pass only' : false;

hostileSuite(wasiP1(), {
	skip,
	select: preview1Select,
});
