// wasmtls/node: a tls.connect()-style adapter returning a Node Duplex, so
// Node libraries that take a socket or a createConnection hook (the https
// module, database drivers) can run over any wasmtls transport.
//
//   import https from 'node:https';
//   import { connect } from 'wasmtls/node';
//   import { websocket } from 'wasmtls';
//   https.get('https://example.com/', { createConnection: (o) =>
//     connect({ ...o, transport: websocket('ws://127.0.0.1:8080/') }) }, ...)
import { Duplex } from 'node:stream';
import { connect as wtConnect, TrustStore } from './index.js';

const pemText = (v) => (Array.isArray(v) ? v.map(String).join('\n') : String(v));

export class TLSSocket extends Duplex {
  constructor(options = {}) {
    super({ allowHalfOpen: options.allowHalfOpen ?? false });
    const host = options.host || options.hostname || 'localhost';
    const port = Number(options.port || 443);
    this.encrypted = true;
    this.authorized = false;
    this.alpnProtocol = false;
    this.info = null;
    this.connecting = true;
    this._sock = wtConnect({ hostname: host, port }, {
      servername: options.servername,
      alpn: options.ALPNProtocols || options.alpn,
      ca: options.ca ? (options.ca instanceof TrustStore ? options.ca
        : Array.isArray(options.ca) ? options.ca.map(String) : String(options.ca)) : undefined,
      rejectUnauthorized: options.rejectUnauthorized,
      keyLog: options.keyLog,
      verify: options.verify,
      ciphers: options.wasmtlsCiphers,
      transport: options.transport,
      closeTimeout: options.closeTimeout,
      cert: options.cert !== undefined ? pemText(options.cert) : undefined,
      // a Buffer key goes as bytes (no string copy that cannot be wiped)
      key: options.key !== undefined ? (options.key instanceof Uint8Array ? options.key : pemText(options.key)) : undefined,
      // tls.connect's `session` (a blob from a 'session' event) / the package's cache
      session: options.session ? new Uint8Array(options.session) : undefined,
      sessionCache: options.sessionCache,
      earlyData: options.earlyData,
      onSession: (blob) => { this._session = Buffer.from(blob); this.emit('session', this._session); },
    });
    this._writer = this._sock.writable.getWriter();
    this._reader = this._sock.readable.getReader();
    this._reading = false;
    this._sock.opened.then((info) => {
      this.info = info;
      this.connecting = false;
      this.authorized = info.verified;
      this.alpnProtocol = info.alpn || false;
      this.emit('connect');
      this.emit('secureConnect');
    }, (e) => this.destroy(e));
  }

  /** The latest session blob (like tls.TLSSocket#getSession), or undefined. */
  getSession() { return this._session; }
  isSessionReused() { return !!(this.info && this.info.resumed); }

  getPeerCertificate() {
    return this.info && this.info.peerCertificates.length ? { raw: Buffer.from(this.info.peerCertificates[0]) } : {};
  }

  getProtocol() { return this.info ? this.info.version : null; }
  getCipher() { return this.info ? { name: this.info.cipher, standardName: this.info.cipher, version: this.info.version } : null; }
  exportKeyingMaterial(length, label, context) { return Buffer.from(this._sock.exportKeyingMaterial(label, length, context)); }
  setNoDelay() { return this; }
  setKeepAlive() { return this; }
  setTimeout(ms, cb) { if (cb) this.once('timeout', cb); return this; }
  ref() { return this; }
  unref() { return this; }

  _read() {
    if (this._reading) return;
    this._reading = true;
    this._reader.read().then(({ value, done }) => {
      this._reading = false;
      if (done) this.push(null);
      else if (this.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength))) this._read();
    }, (e) => { this._reading = false; this.destroy(e); });
  }

  _write(chunk, enc, cb) {
    this._writer.write(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)).then(() => cb(), cb);
  }

  _final(cb) {
    this._writer.close().then(() => cb(), cb);
  }

  _destroy(err, cb) {
    this._sock.close().then(() => cb(err), () => cb(err));
  }
}

/** tls.connect()-style: connect(options[, secureConnectListener]) -> TLSSocket (a Duplex). */
export function connect(options, cb) {
  const s = new TLSSocket(options);
  if (cb) s.once('secureConnect', cb);
  return s;
}
