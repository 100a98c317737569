// Hostile-server tests on build/wasi/wasmtls.component.wasm under jco (WASI
// 0.2 command component, its own TCP connection through wasi:sockets, stdin
// to the connection as with the native CLI): the same scenario table and
// expectations as every other build (tests/hostile/runner.mjs).
//
//   The component is transpiled once (`jco run --jco-dir`), then each
//   client is `node DIR/_run.js ARGS`, the very process `jco run` spawns
//   after transpiling (~0.5 s of CPU per client instead of ~2.5 s): every
//   2nd positive control and every 8th failure scenario per category
//   (below; HOSTILE_COMPONENT_ALL=1 for the whole table).
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

const skip = process.env.WT_NATIVE_ONLY ? 'WT_NATIVE_ONLY: the wasm builds run on the release pass only' : false;

// ~0.5 s of CPU per client (Node start, preview2-shim and its socket
// worker, two core modules): the whole table costs ~145 s of CPU, too much
// for every `make test` on a 2-core machine. By default, per category (the
// name prefix, positive controls and failures counted apart, the first one
// of each included): every 2nd positive control (suites, groups,
// certificates, HRR, tickets, KeyUpdate, resumption, 0-RTT, client
// certificates, record_size_limit) and every 8th failure scenario, ~75 in
// all. HOSTILE_COMPONENT_ALL=1 runs all 313 (they pass).
const ALL = Boolean(process.env.HOSTILE_COMPONENT_ALL);
const nth = new Map();
const pick = new Set(scenarios.filter((s) => {
	const pos = !s.expect.exitNonZero;
	const key = `${s.name.split(':')[0]}/${pos}`;
	const i = nth.get(key) ?? 0;
	nth.set(key, i + 1);
	return i % (pos ? 2 : 8) === 0;
}).map((s) => s.name));
hostileSuite(wasiComponent(), {
	skip, select: ALL ? undefined : (s) => pick.has(s.name),
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
