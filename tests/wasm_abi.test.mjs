// What the npm package and wasmtls.wasm agree on, and where it comes from:
//   - the handshake-info record describes itself (wtw_info_layout): JS reads
//     each field by name and refuses a layout of another format, with a
//     missing or repeated field, or none at all, as TLSError wasm_mismatch,
//     both from the reader and from loadEngine() given such a module, and
//     reads a real TLS 1.3 and TLS 1.2 handshake's info through it;
//   - the engine's error codes and names have one definition, in C: JS's
//     js/src/codes.js is what tools/gen_error_codes.mjs makes of
//     src/wasmtls.h and src/names.c, its names are the wasm's
//     wt_error_name(), and no other JS file restates a code.
// The reader and generator tests need no build; the rest needs the wasm
// build (make build-wasm) and skips without it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib/cli.mjs';
import { SKIP, WASM, pem } from './lib/wasm.mjs';
import { pki } from './lib/pki.mjs';
import { startNode } from './lib/servers.mjs';
import { connect } from '../js/src/index.js';   // the sources, as the internals below
import { infoLayout, loadEngine, setWasmSource, Engine } from '../js/src/engine.js';
import { TLSError, engineError } from '../js/src/errors.js';
import * as codes from '../js/src/codes.js';
import { parseErrorCodes, render } from '../tools/gen_error_codes.mjs';

const NO_WASM = SKIP || (!fs.existsSync(WASM) && `no wasm build (${WASM}): run make build-wasm`);
const FIELDS = ['version', 'cipher_suite', 'group', 'sigalg', 'hrr', 'resumed', 'verified',
  'alpn', 'server_name', 'peer_cert_count', 'peer_certs', 'early_data', 'early_data_len',
  'client_cert_sent', 'ocsp_response', 'ocsp_response_len', 'sct_list', 'sct_list_len',
  'early_data_reason', 'external_psk'];
const GOOD = `wasmtls-info/1 ${FIELDS.join(' ')}`;

const mismatch = (re) => (e) => e instanceof TLSError && e.code === 'wasm_mismatch' && e.errno === 0 && re.test(e.reason);

// A minimal wasm module that exports memory and wtw_info_layout() returning
// the address of `descriptor` (NUL-terminated) in a data segment, or, with
// descriptor null, exports memory only.
function fakeEngine(descriptor) {
  const u32 = (n) => { const b = []; do { let x = n & 0x7f; n >>>= 7; if (n) x |= 0x80; b.push(x); } while (n); return b; };
  const str = (s) => [...u32(s.length), ...Buffer.from(s)];
  const section = (id, body) => [id, ...u32(body.length), ...body];
  const at = 16;
  const text = descriptor === null ? [] : [...Buffer.from(`${descriptor}\0`)];
  const body = [0x00, 0x41, ...u32(at), 0x0b];   // no locals; i32.const at; end (at < 64: one-byte sleb)
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 0, 1, 0x7f]),                       // type: () -> i32
    ...section(3, [1, 0]),                                      // one function of that type
    ...section(5, [1, 0x00, 1]),                                // memory: 1 page
    ...section(7, descriptor === null ? [1, ...str('memory'), 2, 0]
      : [2, ...str('memory'), 2, 0, ...str('wtw_info_layout'), 0, 0]),
    ...section(10, [1, ...u32(body.length), ...body]),
    ...section(11, [1, 0x00, 0x41, ...u32(at), 0x0b, ...u32(text.length), ...text]),
  ]);
}

describe('handshake-info layout', () => {
  test('the layout this JS reads is accepted, in any order and with extra words', () => {
    assert.equal(infoLayout(GOOD).words, FIELDS.length);
    const l = infoLayout(`wasmtls-info/1 future_word ${[...FIELDS].reverse().join(' ')}`);
    assert.equal(l.words, FIELDS.length + 1);
    assert.equal(l.at.future_word, 0);
    assert.equal(l.at.version, FIELDS.length);
    assert.equal(l.at.external_psk, 1);
  });

  test('another format version is refused', () => {
    assert.throws(() => infoLayout(`wasmtls-info/2 ${FIELDS.join(' ')}`), mismatch(/describes its handshake info as 'wasmtls-info\/2'.*reads wasmtls-info\/1/));
    assert.throws(() => infoLayout(FIELDS.join(' ')), mismatch(/as 'version'/));
    assert.throws(() => infoLayout(''), mismatch(/as ''/));
  });

  test('a layout missing a field (a shorter record) or naming one twice is refused', () => {
    assert.throws(() => infoLayout(`wasmtls-info/1 ${FIELDS.slice(0, 14).join(' ')}`),
      mismatch(/no handshake-info word ocsp_response, ocsp_response_len, sct_list, sct_list_len, early_data_reason, external_psk/));
    assert.throws(() => infoLayout(GOOD.replace(' group ', ' ')), mismatch(/no handshake-info word group\b/));
    assert.throws(() => infoLayout(`${GOOD} hrr`), mismatch(/names the handshake-info word 'hrr' twice/));
  });

  test('no descriptor at all is refused', () => {
    assert.throws(() => infoLayout(null), mismatch(/does not describe its handshake info/));
  });

  test('loadEngine() refuses a wasm module whose layout does not match', async () => {
    try {
      setWasmSource(fakeEngine(`wasmtls-info/2 ${FIELDS.join(' ')}`));
      await assert.rejects(loadEngine(), mismatch(/'wasmtls-info\/2'/));
      setWasmSource(fakeEngine(`wasmtls-info/1 ${FIELDS.slice(1).join(' ')}`));
      await assert.rejects(loadEngine(), mismatch(/no handshake-info word version/));
      setWasmSource(fakeEngine(null));
      await assert.rejects(loadEngine(), mismatch(/no wtw_info_layout/));
    } finally {
      setWasmSource(new URL('../js/dist/wasmtls.wasm', import.meta.url));
    }
  });

  test('the wasm build describes the layout the JS reads', { skip: NO_WASM }, async () => {
    const w = await loadEngine();
    const text = w.cstr(w.x.wtw_info_layout());
    assert.match(text, /^wasmtls-info\/1 /);
    assert.deepEqual(w.info, infoLayout(text));
    for (const f of FIELDS) assert.ok(f in w.info.at, f);
    // a connection that has sent its ClientHello and heard nothing yet
    const e = new Engine(w, { servername: 'example.com', insecure: true });
    try {
      e.start();
      assert.deepEqual(e.info(), {
        version: 'unknown', cipher: null, group: null, sigalg: null, hrr: false, resumed: false, verified: false,
        alpn: null, servername: 'example.com', peerCertificates: [], earlyData: 'not_sent', earlyDataLength: 0,
        clientCertificateSent: false, ocspResponse: null, sctList: null, earlyDataReason: 'disabled', externalPsk: null,
      });
    } finally { e.destroy(); }
  });

  test('fields are read by name: a reordered record with TLS 1.2 values', { skip: NO_WASM }, async () => {
    const w = await loadEngine();
    const order = [...FIELDS].reverse();
    const values = { version: 0x0303, cipher_suite: 0xc02f, group: 0x001d, sigalg: 0x0804, hrr: 0, resumed: 1,
      verified: 1, early_data_reason: 5, external_psk: 0xffffffff };
    const p = w.x.wtw_alloc(4 * order.length);
    try {
      new Uint32Array(w.mem.buffer, p, order.length).set(order.map((f) => values[f] ?? 0));
      const fake = Object.assign(Object.create(w), {
        info: infoLayout(`wasmtls-info/1 ${order.join(' ')}`),
        x: { ...w.x, wtw_info: () => p },
      });
      const info = Engine.prototype.info.call({ w: fake, ptr: 1 });
      assert.equal(info.version, 'TLSv1.2');
      assert.equal(info.cipher, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
      assert.equal(info.group, 'x25519');
      assert.equal(info.sigalg, 'rsa_pss_rsae_sha256');
      assert.equal(info.resumed, true);
      assert.equal(info.hrr, false);
      assert.equal(info.earlyDataReason, 'no_session_offered');
      assert.equal(info.externalPsk, null);
    } finally { w.x.wtw_free(p); }
  });

  for (const [version, cipher, server] of [
    ['TLSv1.3', 'TLS_AES_256_GCM_SHA384', {}],
    ['TLSv1.2', 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' }],
  ]) {
    test(`a ${version} handshake read through the layout (node:tls, ${cipher})`, { skip: NO_WASM }, async (t) => {
      const P = pki();
      const srv = await startNode({ cert: P.p256.chain, key: P.p256.key, alpn: ['x-abi'], tlsOptions: server });
      t.after(() => srv.stop());
      const s = connect({ hostname: 'localhost', port: srv.port },
        { ca: pem(P.ca), sessionCache: false, ciphers: [cipher], alpn: ['x-abi'] });
      const info = await s.opened;
      await s.close();
      assert.equal(info.version, version);
      assert.equal(info.cipher, cipher);
      assert.equal(info.group, 'x25519');
      assert.equal(info.sigalg, 'ecdsa_secp256r1_sha256');
      assert.equal(info.alpn, 'x-abi');
      assert.equal(info.servername, 'localhost');
      assert.equal(info.verified, true);
      assert.equal(info.peerCertificates.length, 1);   // the leaf (no keepChain)
      assert.equal(info.externalPsk, null);
    });
  }

  test('suite names: TLS 1.3 and the TLS 1.2 ECDHE AEAD suites', { skip: NO_WASM }, async () => {
    const w = await loadEngine();
    const names = {
      0x1301: 'TLS_AES_128_GCM_SHA256', 0x1302: 'TLS_AES_256_GCM_SHA384', 0x1303: 'TLS_CHACHA20_POLY1305_SHA256',
      0xc02b: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 0xc02f: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      0xc02c: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 0xc030: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
      0xcca9: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 0xcca8: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
    };
    for (const [id, name] of Object.entries(names)) {
      assert.equal(w.suiteName(Number(id)), name);
      assert.equal(w.suiteId(name), Number(id));
    }
    assert.equal(w.suiteName(0x00ff), '0x00ff');
    assert.equal(w.suiteId('TLS_RSA_WITH_AES_128_GCM_SHA256'), 0);
    assert.equal(w.versionName(0x0304), 'TLSv1.3');
    assert.equal(w.versionName(0x0303), 'TLSv1.2');
    assert.equal(w.versionName(0x0302), 'unknown');
  });
});

describe('error codes: one definition, in C', () => {
  const header = fs.readFileSync(path.join(ROOT, 'src/wasmtls.h'), 'utf8');
  const namesC = fs.readFileSync(path.join(ROOT, 'src/names.c'), 'utf8');

  test('js/src/codes.js is what tools/gen_error_codes.mjs makes of src/wasmtls.h and src/names.c', () => {
    execFileSync(process.execPath, [path.join(ROOT, 'tools/gen_error_codes.mjs'), '--check'], { stdio: 'pipe' });
    assert.equal(fs.readFileSync(path.join(ROOT, 'js/src/codes.js'), 'utf8'), render(parseErrorCodes(header, namesC)));
    const defines = [...header.matchAll(/^#define\s+WT_ERR_(\w+)\s+(0x[0-9a-f]+)/gm)];
    assert.ok(defines.length >= 18);
    for (const [, sym, v] of defines) assert.equal(codes[`ERR_${sym}`], Number(v), sym);
  });

  test('the generator refuses a code wt_error_name does not name', () => {
    assert.throws(() => parseErrorCodes(`${header}\n#define WT_ERR_NEW_THING 0x20f\n`, namesC), /WT_ERR_NEW_THING/);
    assert.throws(() => parseErrorCodes(header, 'int main(void) { return 0; }'), /no wt_error_name/);
  });

  test('JS-raised errors carry C\'s code and name (ERR_BAD_CONFIG = 0x202 is bad_config)', () => {
    assert.equal(codes.ERR_BAD_CONFIG, 0x202);
    const e = engineError(codes.ERR_BAD_CONFIG, 'why');
    assert.ok(e instanceof TLSError);
    assert.deepEqual([e.code, e.errno, e.reason, e.alert, e.message], ['bad_config', 0x202, 'why', null, 'bad_config: why']);
    assert.equal(engineError(codes.ERR_BAD_STATE, 'x').code, 'bad_state');
    assert.equal(engineError(codes.ERR_BUFFER_TOO_SMALL, 'x').code, 'buffer_too_small');
  });

  test('no other JS file restates an engine error code', () => {
    const dirs = [path.join(ROOT, 'js/src'), path.join(ROOT, 'js')];
    for (const dir of dirs) {
      for (const f of fs.readdirSync(dir).filter((n) => /\.m?js$/.test(n) && n !== 'codes.js')) {
        const text = fs.readFileSync(path.join(dir, f), 'utf8');
        assert.doesNotMatch(text, /\b0x[123][0-9a-f]{2}\b/i, `${f} names an error code by number: import it from codes.js`);
      }
    }
  });

  test('every name in codes.js is the wasm\'s wt_error_name()', { skip: NO_WASM }, async () => {
    const w = await loadEngine();
    const entries = Object.entries(codes.ERROR_NAMES);
    assert.ok(entries.length >= 17);
    for (const [code, name] of entries) assert.equal(w.errorName(Number(code)), name, code);
    assert.equal(w.errorName(codes.ERR_ALERT_RECEIVED | 40), 'alert_received');
  });
});
