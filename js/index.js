// wasmtls: a TLS 1.3 client in WebAssembly (BearSSL primitives), for
// browsers and Node, over TCP, WebSocket tunnels (websockify) or Wisp.
export { connect, sessionKeyFor } from './src/connect.js';
export { TLSError } from './src/errors.js';
export { tcp, websocket, fromNodeSocket } from './src/transports.js';
export { wisp } from './src/wisp.js';
export { MemorySessionCache, defaultSessionCache, sessionKey, sessionExpiry } from './src/session.js';
export { verifyChain, setWasmSource, loadEngine, engineStats, trustStore, TrustStore } from './src/engine.js';
