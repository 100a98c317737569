// Fails the build if the wasm imports anything but the host functions we
// provide from JS (a missing core symbol would otherwise surface only at
// instantiation time as "function import requires a callable").
import { readFileSync } from 'node:fs';
const ALLOWED = new Set(['env.wt_js_random', 'env.wt_js_now', 'env.wt_js_keylog', 'env.wt_js_verify', 'env.wt_js_session',
  'env.emscripten_notify_memory_growth']);
const m = new WebAssembly.Module(readFileSync(process.argv[2]));
const bad = WebAssembly.Module.imports(m).map((i) => `${i.module}.${i.name}`).filter((n) => !ALLOWED.has(n));
if (bad.length) {
  console.error(`check_imports: unexpected imports in ${process.argv[2]}: ${bad.join(', ')}`);
  process.exit(1);
}
