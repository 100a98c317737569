// How the hostile scenarios are shared between the two WASI front ends.
// Both run the same core (build/wasi/cmake: one clang-16 wasm32-wasi build
// of src/ and BearSSL), so every scenario runs once on that build: the
// component (through wasi:sockets, ~0.5 s of CPU per client) takes a
// sample, the preview1 module (--transport stdio, ~0.2 s) takes the rest.
//
// The component's sample, per category (the name prefix; positive
// controls and failures counted apart; the first of each included): every
// 4th positive control and every 16th failure, plus the scenarios the
// stdio front end cannot run (STDIO_CANNOT, and its launcher's
// `unsupported` features).
// HOSTILE_COMPONENT_ALL=1 puts every scenario on the component (and the
// preview1 module then runs every one it can, as before the split).
import { scenarios } from './scenarios.mjs';
import { wasiP1 } from '../lib/launchers.mjs';

// The module's close_notify (sent right after its request: it has no input
// channel) is out before a server's KeyUpdate arrives, and a closed write
// side answers no KeyUpdate.
export const STDIO_CANNOT = {
	'ok: KeyUpdate update_requested -> client answers with its own KeyUpdate':
		'stdio front end has closed its write side (close_notify after --data) before the KeyUpdate arrives',
	'ok: three KeyUpdates update_requested in a row -> one KeyUpdate in answer':
		'stdio front end has closed its write side (close_notify after --data) before the KeyUpdates arrive',
	'ok: key usage limit (--key-update-after 4): the client updates its keys on its own':
		'the update_requested for the worn server key would come after the close_notify sent right after --data',
};

export const componentAll = Boolean(process.env.HOSTILE_COMPONENT_ALL);

// The preview1 launcher's `unsupported` features (tests/lib/launchers.mjs)
// are checked here by hand: scenarioFeatures() needs the PKI's file paths,
// which do not exist yet when the tests are registered.
const stdioUnsupported = Object.keys(wasiP1().unsupported);
if (stdioUnsupported.join() !== 'input+earlyData') {
	throw new Error(`wasi_split.mjs: teach stdioCannot() the preview1 launcher's unsupported features: ${stdioUnsupported}`);
}
const stdioCannot = (s) => Boolean(STDIO_CANNOT[s.name]) ||
	(s.earlyData !== undefined && s.input !== undefined);

const nth = new Map();
const onComponent = new Set(scenarios.filter((s) => {
	if (stdioCannot(s)) return true;
	const pos = !s.expect.exitNonZero;
	const key = `${s.name.split(':')[0]}/${pos}`;
	const i = nth.get(key) ?? 0;
	nth.set(key, i + 1);
	return i % (pos ? 4 : 16) === 0;
}).map((s) => s.name));

/** The component's share (all of them with HOSTILE_COMPONENT_ALL). */
export const componentSelect = (s) => componentAll || onComponent.has(s.name);
/** The preview1 module's share: the rest (all but STDIO_CANNOT with HOSTILE_COMPONENT_ALL). */
export const preview1Select = (s) => componentAll ? !stdioCannot(s) : !onComponent.has(s.name);
