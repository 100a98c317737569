export interface HandshakeInfo {
  version: 'TLSv1.3';
  cipher: string;
  group: string;
  sigalg: string;
  alpn: string | null;
  hrr: boolean;
  resumed: boolean;
  verified: boolean;
  servername: string | null;
  /** DER, leaf first, as sent by the server */
  peerCertificates: Uint8Array[];
}

export interface Pair { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array>; }
export type Transport = Pair | { connect(hostname: string, port: number): Pair | Promise<Pair> } |
  ((hostname: string, port: number) => Pair | Promise<Pair>);

export interface ConnectOptions {
  /** SNI and certificate name; default: hostname (none for IP literals, checked against iPAddress SANs) */
  servername?: string;
  alpn?: string[];
  /** PEM trust anchors; replaces the default roots (which are then never downloaded) */
  ca?: string | string[];
  /** default true; false skips certificate checks (testing only) */
  rejectUnauthorized?: boolean;
  /** synchronous hook after chain verification; return false or throw to reject (bad_certificate) */
  verify?(info: HandshakeInfo): boolean | void;
  /** NSS key log line, without newline */
  keyLog?(line: string): void;
  ciphers?: Array<'TLS_AES_128_GCM_SHA256' | 'TLS_AES_256_GCM_SHA384' | 'TLS_CHACHA20_POLY1305_SHA256'>;
  groups?: Array<'x25519' | 'secp256r1' | 'secp384r1'>;
  maxFragment?: number;
  /** default: tcp() in Node; required in browsers */
  transport?: Transport;
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
export function websocket(url: string | ((hostname: string, port: number) => string), opts?: { protocols?: string | string[] }): Transport;
export function wisp(url: string): Transport;
export function fromNodeSocket(sock: unknown): Pair;
export function verifyChain(chainDer: Uint8Array[], caPem: string | string[], opts?: { host?: string | null; time?: number }): Promise<void>;
export function setWasmSource(wasm?: string | URL | Uint8Array | WebAssembly.Module, roots?: string | URL | Uint8Array): void;
export function loadEngine(): Promise<unknown>;
export function engineStats(): { heapBytes: number; connBytes: number } | null;
