// Child-process runner for build/wasi/wasmtls.wasm under node:wasi
// (spawned by tests/lib/wasi.mjs; not a test file itself).
//
//   node --no-warnings tests/lib/wasi_p1_runner.mjs MODULE.wasm PREOPENS_JSON [args...]
//
// node:wasi reads and writes fds 0/1/2 synchronously, so the module runs
// alone in this process with plain pipes as stdio; the parent bridges
// them to a TCP socket. A trap (RuntimeError) or any other exception is
// reported as "wasm trap: ..." with exit status 134, so that a test can tell
// a trap from the CLI's own exit codes.
import { WASI } from 'node:wasi';
import fs from 'node:fs';

const [wasmPath, preopensJson, ...args] = process.argv.slice(2);
try {
  const wasi = new WASI({
    version: 'preview1',
    args: ['wasmtls', ...args],
    env: {},
    preopens: JSON.parse(preopensJson || '{}'),
    returnOnExit: true,
  });
  const mod = await WebAssembly.compile(fs.readFileSync(wasmPath));
  const inst = await WebAssembly.instantiate(mod, wasi.getImportObject());
  process.exitCode = wasi.start(inst);
} catch (e) {
  fs.writeSync(2, `wasm trap: ${e && e.stack ? e.stack : e}\n`);
  process.exitCode = 134;
}
