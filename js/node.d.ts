import { Duplex } from 'node:stream';
import type { Transport, HandshakeInfo } from './index.js';

export interface NodeConnectOptions {
  host?: string; hostname?: string; port?: number | string; servername?: string;
  ca?: string | Buffer | Array<string | Buffer>; rejectUnauthorized?: boolean;
  ALPNProtocols?: string[]; keyLog?(line: string): void; verify?(info: HandshakeInfo): boolean | void;
  transport?: Transport; allowHalfOpen?: boolean;
}
export class TLSSocket extends Duplex {
  encrypted: true; authorized: boolean; alpnProtocol: string | false; info: HandshakeInfo | null; connecting: boolean;
  getPeerCertificate(): { raw?: Buffer }; getProtocol(): string | null;
  getCipher(): { name: string; standardName: string; version: string } | null;
  exportKeyingMaterial(length: number, label: string, context?: Buffer): Buffer;
}
export function connect(options: NodeConnectOptions, secureConnectListener?: () => void): TLSSocket;
