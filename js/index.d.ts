export type Group = 'X25519MLKEM768' | 'MLKEM1024' | 'x25519' | 'secp256r1' | 'secp384r1' | 'secp521r1';

export interface HandshakeInfo {
  version: 'TLSv1.3' | 'TLSv1.2';
  cipher: string;
  group: string;
  sigalg: string;
  alpn: string | null;
  hrr: boolean;
  resumed: boolean;
  verified: boolean;
  servername: string | null;
  /** DER: the leaf, or with keepChain the chain (leaf first, as sent by the server);
   *  on resumption: what the session kept (the leaf, unless the original connection had keepChain).
   *  The verify hook sees the whole chain on a full handshake. */
  peerCertificates: Uint8Array[];
  /** 0-RTT outcome: 'accepted', 'rejected' (none of it reached the server; not resent),
   *  or 'not_sent' (no earlyData, or the session does not allow 0-RTT) */
  earlyData: 'accepted' | 'rejected' | 'not_sent';
  /** bytes of earlyData sent as 0-RTT */
  earlyDataLength: number;
  /** a client certificate was sent (the server asked, and cert/key were given) */
  clientCertificateSent: boolean;
  /** what the server stapled when asked (requestOCSP / requestSCT), unverified; null when absent */
  ocspResponse: Uint8Array | null;
  sctList: Uint8Array | null;
  /** why 0-RTT was or was not accepted (BoringSSL's names: 'accepted', 'disabled', 'peer_declined', ...) */
  earlyDataReason: string;
  /** index in options.psk (as an array) of the external PSK that authenticated the server
   *  (also on a session resumed from such a handshake), or null */
  externalPsk: number | null;
}

/** An external pre-shared key (RFC 8446 2.2; the C API's wt_external_psk). */
export interface ExternalPsk {
  identity: string | Uint8Array;
  /** 16..64 random bytes (not a password); zero-fill it after `opened` settles */
  key: Uint8Array;
  /** the hash of the suites it goes with (imported: of the key's own KDF); default 'sha256' */
  hash?: 'sha256' | 'sha384';
  /** RFC 9258 importer: offered as an ImportedIdentity for each target KDF, with the "imp binder" */
  imported?: boolean;
  /** importer context (imported only), up to 128 bytes */
  context?: string | Uint8Array;
}

/**
 * Where session tickets live between connections. Each method may return a
 * Promise (IndexedDB, a KV store). Blobs are opaque Uint8Array.
 */
export interface SessionStore {
  get(key: string): Uint8Array | undefined | null | Promise<Uint8Array | undefined | null>;
  set(key: string, blob: Uint8Array): void | Promise<void>;
  delete(key: string): void | Promise<void>;
}

export interface Pair {
  readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array>;
  /** websocket() and wisp() pairs: bytes received, not yet read (and its peak), WebSocket paused for this reader */
  stats?: { received: number; buffered: number; maxBuffered: number; paused: boolean };
}
export type Transport = Pair | { connect(hostname: string, port: number): Pair | Promise<Pair> } |
  ((hostname: string, port: number) => Pair | Promise<Pair>);

export interface ConnectOptions {
  /** SNI and certificate name; default: hostname (none for IP literals, checked against iPAddress SANs) */
  servername?: string;
  alpn?: string[];
  /** PEM trust anchors; replaces the default roots (which are then never downloaded).
   * Certificates that cannot be anchors (Ed25519, RSA-PSS, RSA under 2048 or over 4096
   * bits, malformed) are skipped with a warning; none usable left is a bad_config error.
   * A string is parsed by every connect(); a TrustStore (trustStore()) is parsed once and shared. */
  ca?: string | string[] | TrustStore;
  /** warnings such as "ca: skipping certificate 2 (CN=...): REASON"; default console.warn */
  onWarning?(message: string): void;
  /** default true; false skips certificate checks (testing only) */
  rejectUnauthorized?: boolean;
  /** what certificates must carry: 'web' (default: the CA/B Forum web PKI profile: the leaf has an
   *  extendedKeyUsage with serverAuth, key identifiers present, ...) or 'private' (a private CA's
   *  certificates as Go's crypto/x509 accepts them: a leaf without extendedKeyUsage, no key identifiers) */
  certProfile?: 'web' | 'private';
  /** lowest TLS version: 'TLSv1.2' (default: TLS 1.2 and 1.3 offered, the server chooses) or 'TLSv1.3' */
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** synchronous hook after chain verification; return false or throw to reject (bad_certificate) */
  verify?(info: HandshakeInfo): boolean | void;
  /** NSS key log line, without newline */
  keyLog?(line: string): void;
  /** cipher suites by IANA name (the engine's wt_suite_from_name), at most 3; the TLS 1.2 ones offer TLS 1.2 */
  ciphers?: Array<'TLS_AES_128_GCM_SHA256' | 'TLS_AES_256_GCM_SHA384' | 'TLS_CHACHA20_POLY1305_SHA256'
    | 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256' | 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'
    | 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384' | 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'
    | 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256' | 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'>;
  /** supported groups in preference order (at most 6); default X25519MLKEM768, x25519, secp256r1, secp384r1 (the post-quantum groups are TLS 1.3 only) */
  groups?: Array<Group>;
  /** groups that get a key share in the first ClientHello ([] = none: the server must ask with a HelloRetryRequest); default: the first group, and the first of the other kind (post-quantum or classical) too: X25519MLKEM768 and x25519 */
  keyShares?: Array<Group>;
  /** signature schemes accepted in the server's CertificateVerify, in order */
  sigalgs?: string[];
  /** our order of signature schemes for signing with cert/key */
  signAlgs?: string[];
  /** ask for a stapled OCSP response / SCT list (info.ocspResponse, info.sctList) */
  requestOCSP?: boolean;
  requestSCT?: boolean;
  /** keep the server's whole chain in info.peerCertificates (default: the leaf only,
   *  so an established connection does not hold the intermediates) */
  keepChain?: boolean;
  /** GREASE values in the ClientHello (RFC 8701) / its extensions in a random order, as Chrome sends them */
  grease?: boolean;
  permuteExtensions?: boolean;
  /** external PSKs to offer (at most 4); a server that takes one sends no certificate.
   *  With rejectUnauthorized false and no verify hook, the server must take one (missing_extension otherwise). */
  psk?: ExternalPsk | ExternalPsk[];
  maxFragment?: number;
  /** default: tcp() in Node; required in browsers */
  transport?: Transport;
  /** close(): ms it waits while none of our bytes move (the peer neither answers our close_notify nor
   *  ends, or stops taking data) before giving the peer up (default 10000; 0: at once; Infinity: never).
   *  With all our bytes taken by the transport (handed to the OS, or to the WebSocket's buffer: not
   *  proof that the peer got them), closed resolves; with some still waiting, it rejects with 'timeout'.
   *  A graceful end also waits at most this long for the transport's close before it is torn down. */
  closeTimeout?: number;
  /** session store (default: an in-memory cache shared by the realm); false: none */
  sessionCache?: SessionStore | false;
  /** offer this session blob (from onSession or a store) instead of the store's */
  session?: Uint8Array;
  /** every new session blob (NewSessionTicket), also when a store is used */
  onSession?(blob: Uint8Array): void;
  /** sent as 0-RTT when the offered session allows it; never resent: check info.earlyData */
  earlyData?: Uint8Array | string;
  /** client certificate chain (PEM, leaf first) and its private key (PEM: P-256/P-384 EC or RSA 2048..4096;
   *  as a Uint8Array it can be zero-filled after `opened` settles, a string cannot) */
  cert?: string | string[];
  key?: string | Uint8Array;
}

export interface Socket {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  readonly opened: Promise<HandshakeInfo>;
  readonly closed: Promise<void>;
  readonly info: HandshakeInfo | null;
  close(): Promise<void>;
  exportKeyingMaterial(label: string, length: number, context?: Uint8Array | string): Uint8Array;
  keyUpdate(requestPeer?: boolean): void;
}

export function connect(address: { hostname: string; port: number } | string, options?: ConnectOptions): Socket;

export class TLSError extends Error {
  /** stable name, as the CLI prints after "error:" */
  code: string;
  /** TLS alert sent or received, or null */
  alert: number | null;
  reason: string;
  errno: number;
}

export function tcp(opts?: { host?: string; port?: number }): Transport;
export interface TunnelOptions {
  /** WebSocket constructor to use (default: `ws` in Node, else WebSocketStream or WebSocket) */
  WebSocket?: unknown;
  /** bytes a connection may leave unread where the WebSocket cannot pause (default 16 MiB, at least 65536:
   *  bad_config otherwise); then receive_buffer_full */
  maxReceiveBuffer?: number;
}
export function websocket(url: string | ((hostname: string, port: number) => string), opts?: TunnelOptions & { protocols?: string | string[] }): Transport;
export interface WispOptions extends TunnelOptions {
  /** ms the WebSocket stays open after its last connection ends, for the next connect() to reuse
   *  (default 30000; 0: close it at once; Infinity: until close()). In Node the idle WebSocket does not
   *  keep the process alive (its socket and the timer are unref()'d; a WebSocket whose socket cannot be
   *  unref()'d, such as Node's global WebSocket, is closed at once there). */
  idleTimeout?: number;
  /** ms for the WebSocket to open and the wisp server's first CONTINUE to arrive (default 30000; at least 1;
   *  Infinity: no limit); past it connect() fails with connect_failed and the WebSocket is closed */
  openTimeout?: number;
}
export interface WispTransport {
  connect(hostname: string, port: number): Promise<Pair>;
  /** closes the WebSocket: at once if idle, else when its last open connection ends (they are not
   *  interrupted); resolves once it is closed. A later connect() opens a new one. For wisp(url) without
   *  options this is the WebSocket shared by every such wisp(url). */
  close(): Promise<void>;
}
/** a wisp() with options shares its WebSockets only among its own connections */
export function wisp(url: string, opts?: WispOptions): WispTransport;
export function fromNodeSocket(sock: unknown): Pair;
export function verifyChain(chainDer: Uint8Array[], caPem: string | string[] | TrustStore, opts?: { host?: string | null; time?: number; certProfile?: 'web' | 'private'; onWarning?(message: string): void }): Promise<void>;
/**
 * PEM trust anchors parsed once into the engine (as node:tls's SecureContext), shared by any number of
 * connect() / verifyChain() calls as `ca`. Session keys are the same as with the same PEM as a string.
 */
export class TrustStore {
  private constructor();
  /** SHA-256 (hex) of the trust anchors (the ";ca=" of session keys) */
  readonly digest: string;
  /** number of trust anchors */
  readonly count: number;
  readonly closed: boolean;
  /** no new connections with it (they fail with bad_config); the wasm store is freed once the
   *  connections using it end. A TrustStore dropped without close() is freed when garbage-collected. */
  close(): void;
}
/** parses `ca` once (skipped certificates go to onWarning, default console.warn; none usable: TLSError bad_config) */
export function trustStore(ca: string | string[], opts?: { onWarning?(message: string): void }): Promise<TrustStore>;
export function setWasmSource(wasm?: string | URL | Uint8Array | WebAssembly.Module, roots?: string | URL | Uint8Array): void;
export function loadEngine(): Promise<unknown>;
export class MemorySessionCache implements SessionStore {
  constructor(opts?: { max?: number });
  get(key: string): Uint8Array | undefined;
  set(key: string, blob: Uint8Array): void;
  delete(key: string): void;
  clear(): void;
  readonly size: number;
}
/** the store connect() uses unless options.sessionCache is given */
export const defaultSessionCache: MemorySessionCache;
/**
 * a session-store key: "name=NAME" or "ip=ADDRESS" (canonical), ";port=", ";alpn=" (URI-encoded, in order),
 * ";ca=" + trust (SHA-256 hex of the trust anchors; then ";profile=private" with profile "private") or ";insecure" (trust null), ";cert=" + cert (SHA-256 hex),
 * ";psk=" + psk (SHA-256 hex of the external PSKs' identities)
 */
export function sessionKey(o: { servername?: string | null; ip?: string | null; port: number; alpn?: string[]; trust: string | null; profile?: 'web' | 'private'; cert?: string | null; psk?: string | null }): string;
/** the key connect(address, options) uses for its sessions (loads the engine, and the default roots without options.ca) */
export function sessionKeyFor(address: { hostname: string; port: number } | string, options?: ConnectOptions): Promise<string>;
/** Unix ms after which a session blob is useless, or null if it is not a session blob */
export function sessionExpiry(blob: Uint8Array): number | null;
/** wasm heap size, engine context size, PEM `ca` parses since the engine loaded, trust stores allocated (default roots included), simd: whether the default engine picked was the SIMD128 build (wasmtls.wasm) or wasmtls-nosimd.wasm (null after setWasmSource) */
export function engineStats(): { heapBytes: number; connBytes: number; caParsed: number; storesOpen: number; simd: boolean | null } | null;
