// --jco-import module for `jco run` (tests/lib/wasi.mjs runComponent):
// jco run gives the guest no preopened directory; this sets the ones in
// the WT_JCO_PREOPENS environment variable, a JSON object
// {"/guest/path": "/host/path"} (like wasmtime's --dir HOST::GUEST).
import { _setPreopens } from '@bytecodealliance/preview2-shim/filesystem';

const spec = JSON.parse(process.env.WT_JCO_PREOPENS || '{}');
_setPreopens(spec);
