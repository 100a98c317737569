// The non-SIMD fallback engine (js/dist/wasmtls-nosimd.wasm, wasm/wasm.mk)
// and the load-time choice between it and the -msimd128 build
// (js/src/engine.js: WebAssembly.validate of a probe with a v128 and a
// bulk-memory instruction, both of which the SIMD build uses). Node 20 has
// SIMD, so the default must be wasmtls.wasm; the fallback is then forced
// with setWasmSource (as a runtime without SIMD would get it) and runs
// handshakes and bulk transfers with every suite.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { pki } from './lib/pki.mjs';
import { startNode, startStreamingServer } from './lib/servers.mjs';
import { SKIP, JS, WASM, pem } from './lib/wasm.mjs';
import * as mod from '../js/src/index.js';   // the sources: setWasmSource below is theirs
import { wasmSimdSupported, setWasmSource, loadEngine } from '../js/src/engine.js';

const NOSIMD = `${JS}/dist/wasmtls-nosimd.wasm`;
const skip = SKIP || (!fs.existsSync(WASM) && 'wasm build missing (make build-wasm)')
  || (!fs.existsSync(NOSIMD) && `${NOSIMD} missing (make build-wasm)`);
const P = skip ? null : pki();
const CA = skip ? null : pem(P.ca);
const SUITES = ['TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384'];

// Whether a wasm binary uses any SIMD128 instruction or type (binaryen's
// wasm-dis, which the build uses too); null without wasm-dis.
function usesSimd(file) {
  try {
    return /\bv128\b|[if](8x16|16x8|32x4|64x2)\./.test(execFileSync('wasm-dis', ['--enable-simd', file],
      { encoding: 'utf8', maxBuffer: 256 << 20 }));
  } catch (e) {
    if (e.code === 'ENOENT') return null;
    throw e;
  }
}

// Whether it uses bulk memory (memory.fill / memory.copy).
function usesBulkMemory(file) {
  return /\bmemory\.(fill|copy)\b/.test(execFileSync('wasm-dis', ['--enable-simd', '--enable-bulk-memory', file],
    { encoding: 'utf8', maxBuffer: 256 << 20 }));
}

describe('wasm engine without SIMD', { skip }, () => {
  test('SIMD detection is true on Node 20 and the default engine is the SIMD build', async (t) => {
    assert.ok(Number(process.versions.node.split('.')[0]) >= 20);
    assert.equal(wasmSimdSupported(), true);
    await loadEngine();
    assert.equal(mod.engineStats().simd, true);
    const a = usesSimd(WASM);
    if (a === null) return t.skip('no wasm-dis');
    assert.equal(a, true, 'wasmtls.wasm has SIMD instructions');
    assert.equal(usesSimd(NOSIMD), false, 'wasmtls-nosimd.wasm has none');
    assert.equal(usesBulkMemory(WASM), true, 'wasmtls.wasm uses bulk memory');
    assert.equal(usesBulkMemory(NOSIMD), false, 'wasmtls-nosimd.wasm does not');
  });

  test('a runtime with SIMD but without bulk memory gets the fallback', (t) => {
    // as such a runtime would: a module with memory.fill (0xfc 0x0b) does not validate
    const validate = WebAssembly.validate;
    t.after(() => { WebAssembly.validate = validate; });
    WebAssembly.validate = (b) => !Buffer.from(b).includes(Buffer.from([0xfc, 0x0b])) && validate(b);
    assert.equal(wasmSimdSupported(), false);
  });

  test('forced fallback: handshakes, 4 MiB download and 1 MiB echo per suite', async (t) => {
    setWasmSource(new URL(`file://${NOSIMD}`));
    t.after(() => setWasmSource(new URL(`file://${WASM}`)));
    for (const suite of SUITES) {
      const size = 4 << 20;
      const srv = await startStreamingServer({ cert: P.p256.chain, key: P.p256.key }, size);
      try {
        const s = mod.connect({ hostname: '127.0.0.1', port: srv.port }, { ca: CA, ciphers: [suite] });
        assert.equal((await s.opened).cipher, suite);
        assert.equal(mod.engineStats().simd, null, 'explicit wasm source: no automatic choice');
        const h = crypto.createHash('sha256');
        let n = 0;
        const r = s.readable.getReader();
        while (n < size) {
          const { value, done } = await r.read();
          if (done) break;
          h.update(value);
          n += value.length;
        }
        assert.equal(n, size, suite);
        assert.equal(h.digest('hex'), srv.state.hash, suite);
        r.releaseLock();
        await s.close();
      } finally {
        await srv.stop();
      }

      const echo = await startNode({ cert: P.p256.chain, key: P.p256.key });
      try {
        const s = mod.connect({ hostname: 'localhost', port: echo.port }, { ca: CA, ciphers: [suite] });
        assert.equal((await s.opened).cipher, suite);
        const msg = crypto.randomBytes(1 << 20);
        const w = s.writable.getWriter();
        const r = s.readable.getReader();
        const reading = (async () => {
          const parts = [];
          let n = 0;
          while (n < msg.length) {
            const { value, done } = await r.read();
            if (done) break;
            parts.push(value);
            n += value.length;
          }
          return Buffer.concat(parts);
        })();
        await w.write(msg);
        assert.equal(Buffer.compare(await reading, msg), 0, `${suite} echo`);
        await w.close();
      } finally {
        await echo.stop();
      }
    }
  });
});
