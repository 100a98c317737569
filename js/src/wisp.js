// Wisp v1 client transport (../shared/specs/wisp/protocol.md): many TCP
// streams multiplexed over one WebSocket, one shared mux per URL.
//   packet = u8 type | u32le stream id | payload
//   CONNECT 1: u8 stream type (1 TCP) u16le port, hostname
//   DATA 2: bytes      CONTINUE 3: u32le buffer remaining      CLOSE 4: u8 reason
// Flow control: after the server's first CONTINUE (stream 0) every stream
// may send that many DATA packets; each later CONTINUE for the stream
// resets the credit. Writes wait for credit, so a slow server pushes back.
// The mux closes its WebSocket when its last stream ends.
import { TLSError } from './errors.js';
import { openWebSocket, wsSend } from './transports.js';

const CONNECT = 1, DATA = 2, CONTINUE = 3, CLOSE = 4;
const REASONS = {
  0x01: 'unspecified', 0x02: 'voluntary close', 0x03: 'network error', 0x41: 'invalid destination',
  0x42: 'host unreachable', 0x43: 'connection timed out', 0x44: 'connection refused', 0x47: 'transfer timed out',
  0x48: 'destination blocked by the proxy', 0x49: 'throttled by the proxy', 0x81: 'client error',
};
const MAX_DATA = 64 * 1024; // payload bytes per DATA packet we send

const muxes = new Map(); // url -> Promise<Mux>
const enc = new TextEncoder();

function packet(type, id, payloadLen) {
  const b = new Uint8Array(5 + payloadLen);
  const v = new DataView(b.buffer);
  v.setUint8(0, type);
  v.setUint32(1, id, true);
  return { b, v };
}

class Stream {
  constructor(mux, id) {
    this.mux = mux;
    this.id = id;
    this.credit = mux.initialCredit;
    this.waiters = [];
    this.ended = false;
    this.ctrl = null;
    this.readable = new ReadableStream({
      start: (c) => { this.ctrl = c; },
      cancel: () => this.close(0x02),
    }, { highWaterMark: 64 * 1024, size: (c) => c.byteLength });
    this.writable = new WritableStream({
      write: (chunk) => this.write(chunk),
      close: () => this.close(0x02),
      abort: () => this.close(0x02),
    });
  }

  async write(chunk) {
    for (let off = 0; off < chunk.length; off += MAX_DATA) {
      while (this.credit <= 0) {
        if (this.ended) throw this.error || new TLSError('io_error', 'wisp stream closed');
        await new Promise((r) => this.waiters.push(r));
      }
      if (this.ended) throw this.error || new TLSError('io_error', 'wisp stream closed');
      const part = chunk.subarray(off, Math.min(chunk.length, off + MAX_DATA));
      const { b } = packet(DATA, this.id, part.length);
      b.set(part, 5);
      this.credit--;
      await wsSend(this.mux.ws, b);
    }
  }

  wake() { const w = this.waiters; this.waiters = []; for (const r of w) r(); }

  onData(payload) {
    if (this.ended) return;
    this.ctrl.enqueue(payload);
  }

  onClose(reason, fromServer) {
    if (this.ended) return;
    this.ended = true;
    this.mux.streams.delete(this.id);
    if (reason === 0x02) {
      try { this.ctrl.close(); } catch { /* */ }
    } else {
      this.error = new TLSError('io_error', `wisp: stream closed by the ${fromServer ? 'proxy' : 'client'}: ` +
        `${REASONS[reason] || 'reason'} (0x${reason.toString(16)})`);
      try { this.ctrl.error(this.error); } catch { /* */ }
    }
    this.wake();
    this.mux.maybeIdle();
  }

  close(reason) {
    if (this.ended) return;
    const { b, v } = packet(CLOSE, this.id, 1);
    v.setUint8(5, reason);
    if (this.mux.ws.readyState === 1) this.mux.ws.send(b);
    this.onClose(0x02, false);
  }
}

class Mux {
  constructor(url) {
    this.url = url;
    this.streams = new Map();
    this.nextId = 1;
    this.initialCredit = 0;
  }

  async open() {
    const ready = new Promise((resolve) => { this.ready = resolve; });
    this.ws = await openWebSocket(this.url, undefined, (ev) => this.onMessage(ev.data));
    await new Promise((resolve, reject) => {
      ready.then(resolve);
      this.ws.addEventListener('close', (ev) => {
        this.dead = true;
        muxes.delete(this.url);
        reject(new TLSError('connect_failed', `wisp server ${this.url} closed (${ev.code})`));
        for (const s of [...this.streams.values()]) s.onClose(0x03, true);
      });
    });
    return this;
  }

  onMessage(data) {
    if (typeof data === 'string') return;
    const b = new Uint8Array(data);
    if (b.length < 5) return;
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const type = b[0];
    const id = v.getUint32(1, true);
    if (type === CONTINUE && b.length >= 9) {
      const n = v.getUint32(5, true);
      if (id === 0) {
        this.initialCredit = n;
        if (this.ready) { const r = this.ready; this.ready = null; r(); }
        return;
      }
      const s = this.streams.get(id);
      if (s) { s.credit = n; s.wake(); }
    } else if (type === DATA) {
      const s = this.streams.get(id);
      if (s) s.onData(b.subarray(5));
    } else if (type === CLOSE && b.length >= 6) {
      const s = this.streams.get(id);
      if (s) s.onClose(b[5], true);
    }
    // anything else (v2 INFO, unknown types) is ignored: we speak v1
  }

  connect(hostname, port) {
    if (this.dead) throw new TLSError('connect_failed', `wisp server ${this.url} is gone`);
    let id = this.nextId++;
    if (this.nextId > 0xfffffff0) this.nextId = 1;
    while (this.streams.has(id)) id = this.nextId++;
    const s = new Stream(this, id);
    this.streams.set(id, s);
    const host = enc.encode(hostname);
    const { b, v } = packet(CONNECT, id, 3 + host.length);
    v.setUint8(5, 1);
    v.setUint16(6, port, true);
    b.set(host, 8);
    this.ws.send(b);
    return s;
  }

  maybeIdle() {
    if (this.streams.size === 0 && !this.dead) {
      this.dead = true;
      muxes.delete(this.url);
      try { this.ws.close(1000); } catch { /* */ }
    }
  }
}

/** Wisp transport: all connections to the same URL share one WebSocket. */
export function wisp(url) {
  return {
    async connect(hostname, port) {
      for (let attempt = 0; ; attempt++) {
        let p = muxes.get(url);
        if (!p) {
          p = new Mux(url).open();
          muxes.set(url, p);
          p.catch(() => { if (muxes.get(url) === p) muxes.delete(url); });
        }
        const mux = await p;
        if (mux.dead && attempt === 0) continue; // closed while idle: open a fresh one
        const s = mux.connect(hostname, port);
        return { readable: s.readable, writable: s.writable };
      }
    },
  };
}
