// What the npm package and wasmtls.wasm agree on, and where it comes from:
//   - the engine's error codes and names have one definition, in C: JS's
//     js/src/codes.js is what tools/gen_error_codes.mjs makes of
//     src/wasmtls.h and src/names.c, its names are the wasm's
//     wt_error_name(), and no other JS file restates a code.
// The generator tests need no build; the rest needs the wasm
// build (make build-wasm) and skips without it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib/cli.mjs';
import { SKIP, WASM } from './lib/wasm.mjs';
import { loadEngine } from '../js/src/engine.js';
import { TLSError, engineError } from '../js/src/errors.js';
import * as codes from '../js/src/codes.js';
import { parseErrorCodes, render } from '../tools/gen_error_codes.mjs';

const NO_WASM = SKIP || (!fs.existsSync(WASM) && `no wasm build (${WASM}): run make build-wasm`);

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
