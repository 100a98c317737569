// Hostile-server tests on the Emscripten build: js/bin/wasmtls.mjs (the npm
// package's CLI, same options, "error: name: reason" lines and exit codes as
// the native CLI) with the same scenario table and expectations
// (tests/hostile/runner.mjs): every scenario, resumption, 0-RTT and client
// certificates included (--sess-in/--sess-out/--early-data/--cert/--key).
//
// Skipped entirely on the ASan pass of `make test` (WT_NATIVE_ONLY) and when
// js/dist/wasmtls.wasm is not built.
//
//   node --test tests/hostile_wasm.test.mjs
//   HOSTILE_FILTER=ccs node --test tests/hostile_wasm.test.mjs
import { nodeCli } from './lib/launchers.mjs';
import { hostileSuite } from './hostile/runner.mjs';

const skip = process.env.WT_NATIVE_ONLY ? 'WT_NATIVE_ONLY: the wasm builds run on the release pass only' : false;

hostileSuite(nodeCli(), { skip });
