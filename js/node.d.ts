import { Duplex } from 'node:stream';
import type { Transport, HandshakeInfo, SessionStore, TrustStore } from './index.js';

export interface NodeConnectOptions {
  host?: string; hostname?: string; port?: number | string; servername?: string;
  ca?: string | Buffer | Array<string | Buffer> | TrustStore; rejectUnauthorized?: boolean;
  ALPNProtocols?: string[]; keyLog?(line: string): void; verify?(info: HandshakeInfo): boolean | void;
  transport?: Transport; allowHalfOpen?: boolean;
  /** destroy(): ms without any of our bytes moving before the peer is given up (ConnectOptions.closeTimeout) */
  closeTimeout?: number;
  /** client certificate chain and key (PEM) */
  cert?: string | Buffer | Array<string | Buffer>; key?: string | Buffer;
  /** a session blob from an earlier 'session' event / getSession() */
  session?: Uint8Array; sessionCache?: SessionStore | false; earlyData?: Uint8Array | string;
}
export class TLSSocket extends Duplex {
  encrypted: true; authorized: boolean; alpnProtocol: string | false; info: HandshakeInfo | null; connecting: boolean;
  getPeerCertificate(): { raw?: Buffer }; getProtocol(): string | null;
  getCipher(): { name: string; standardName: string; version: string } | null;
  exportKeyingMaterial(length: number, label: string, context?: Buffer): Buffer;
  /** latest session blob (also emitted as 'session') */
  getSession(): Buffer | undefined;
  isSessionReused(): boolean;
}
export function connect(options: NodeConnectOptions, secureConnectListener?: () => void): TLSSocket;
