// wasmtls: a TLS 1.3 client in WebAssembly (BearSSL primitives), for
// browsers and Node, over TCP, WebSocket tunnels (websockify) or Wisp.
//
// The package's entry is one module, dist/wasmtls.mjs: js/src/*.js bundled
// by esbuild (`make build-wasm`), not minified. Node's ESM loader pays
// about 1 ms per module in a fresh process; the sources as eight modules
// cost a first connection ~7 ms more (bench/cold_compare.mjs).
// tests/wasm_bundle.test.mjs checks that the bundle is the current sources.
export * from './dist/wasmtls.mjs';
