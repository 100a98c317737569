// Hostile-server tests on build/wasi/wasmtls.component.wasm under jco (WASI
// 0.2 command component, its own TCP connection through wasi:sockets, stdin
// to the connection as with the native CLI): the same scenario table and
// expectations as every other build (tests/hostile/runner.mjs).
//
//   The component is transpiled once (`jco run --jco-dir`), then each
//   client is `node DIR/_run.js ARGS`, the very process `jco run` spawns
//   after transpiling (~0.5 s of CPU per client instead of ~2.5 s): a
//   sample per category; tests/hostile_wasi.test.mjs runs the rest on the
//   preview1 module, so each scenario runs once on the WASI build
//   (tests/hostile/wasi_split.mjs; HOSTILE_COMPONENT_ALL=1 for all here).
//   A representative subset (JCO_SUBSET, one or more per category) also
//   runs through a full `jco run` per client, so the command itself is
//   covered too.
//
// Skipped entirely on the ASan pass of `make test` (WT_NATIVE_ONLY) and
// when the component (or jco) is missing.
//
//   node --test tests/hostile_wasi_component.test.mjs
//   HOSTILE_FILTER=ccs node --test tests/hostile_wasi_component.test.mjs
import { wasiComponent } from './lib/launchers.mjs';
import { hostileSuite } from './hostile/runner.mjs';
import { scenarios } from './hostile/scenarios.mjs';
import { componentSelect } from './hostile/wasi_split.mjs';

const skip = process.env.WT_NATIVE_ONLY ? 'WT_NATIVE_ONLY: the wasm builds run on the release pass only' : false;

// Its share of the scenarios (tests/hostile/wasi_split.mjs): a sample per
// category, the rest runs on the preview1 module (same core build).
hostileSuite(wasiComponent(), {
	skip, select: componentSelect,
	concurrency: Number(process.env.HOSTILE_CONCURRENCY || 4),
});

// Through a full `jco run` per client (~2.5 s of CPU each): post-handshake
// KeyUpdate, resumption + 0-RTT (two runs), a certificate (clock) failure.
const JCO_SUBSET = [
	'ok: KeyUpdate update_requested -> client answers with its own KeyUpdate',
	'cert: expired',
	'0rtt ok: accepted, early data under the client early key, then EndOfEarlyData',
];
for (const n of JCO_SUBSET) {
	if (!scenarios.some((s) => s.name === n)) throw new Error(`JCO_SUBSET: no scenario named "${n}"`);
}
// `jco run` is CPU-bound (it transpiles): more than 4 at a time on a small
// machine only stretches each run towards its timeout.
hostileSuite(wasiComponent({ transpileOnce: false }), {
	skip, select: (s) => JCO_SUBSET.includes(s.name),
	concurrency: Math.min(4, Number(process.env.HOSTILE_CONCURRENCY || 4)),
});
