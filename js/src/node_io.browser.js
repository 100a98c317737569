// What js/src/node_io.js gives, in the browser build (dist/wasmtls.browser.mjs,
// tools/bundle_js.mjs): a page has no node:fs or node:net. Randomness comes
// from crypto.getRandomValues; tcp() and fromNodeSocket() say what to use.
import { engineError } from './errors.js';
import { ERR_BAD_CONFIG } from './codes.js';

export const kernelRandom = () => false;
export const allocBytes = (n) => new Uint8Array(n);
export const DIRECT_IO = Symbol('wasmtls.directIO');

const nodeOnly = (what) => () => {
  throw engineError(ERR_BAD_CONFIG, `${what} needs Node sockets; in a browser use websocket(url) or wisp(url)`);
};
export const tcp = nodeOnly('tcp()');
export const fromNodeSocket = nodeOnly('fromNodeSocket()');
