// Preloaded (`node --import`) before jco's CLI by wasi/wasi.mk: jco's
// bundled wasm-tools reads the WIT directory through
// @bytecodealliance/preview2-shim, whose 0.26 default is no preopened
// directory at all ("No such file or directory" from `jco embed --wit`).
// Preopen / so that `jco embed` can read wasi/wit.
import { _addPreopen } from '@bytecodealliance/preview2-shim/filesystem';
_addPreopen('/', '/');
