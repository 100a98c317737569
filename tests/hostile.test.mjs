// Hostile-server tests on the native CLI (${WT_BUILD:-build/native}/wasmtls;
// build/asan on the ASan pass of `make test`): every scenario in
// tests/hostile/scenarios.mjs through the shared runner
// (tests/hostile/runner.mjs). The wasm builds run the same table in
// tests/hostile_wasi.test.mjs and tests/hostile_wasm.test.mjs.
//
//   node --test tests/hostile.test.mjs
//   HOSTILE_FILTER=ccs node --test tests/hostile.test.mjs   (name substring)
import { native } from './lib/launchers.mjs';
import { hostileSuite } from './hostile/runner.mjs';

hostileSuite(native(), { required: true });
