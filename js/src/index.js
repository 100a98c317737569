// wasmtls: a TLS 1.3 client in WebAssembly (BearSSL primitives), for
// browsers and Node, over TCP, WebSocket tunnels (websockify) or Wisp.
export { connect, sessionKeyFor } from './connect.js';
export { TLSError } from './errors.js';
export { websocket } from './transports.js';
export { tcp, fromNodeSocket } from './node_io.js';
export { wisp } from './wisp.js';
export { MemorySessionCache, defaultSessionCache, sessionKey, sessionExpiry } from './session.js';
export { verifyChain, setWasmSource, loadEngine, engineStats, trustStore, TrustStore } from './engine.js';
