// Wisp v1 client transport (../shared/specs/wisp/protocol.md): many TCP
// streams multiplexed over one WebSocket, one shared mux per URL.
//   packet = u8 type | u32le stream id | payload
//   CONNECT 1: u8 stream type (1 TCP) u16le port, hostname
//   DATA 2: bytes      CONTINUE 3: u32le buffer remaining      CLOSE 4: u8 reason
// Flow control: after the server's first CONTINUE (stream 0) every stream
// may send that many DATA packets; each later CONTINUE for the stream
// resets the credit. Writes wait for credit, so a slow server pushes back.
// Wisp v1 has no flow control the other way (CONTINUE is the server's
// buffer only), so a stream whose reader falls behind (RECV_HWM unread
// bytes) pauses the whole WebSocket until it drains: head-of-line
// blocking for the other streams of the mux, bounded memory for all.
// Where the WebSocket cannot pause (browsers without WebSocketStream) such
// a stream fails with receive_buffer_full past maxReceiveBuffer bytes
// (CLOSE 0x81 to the server); the others go on.
// When its last stream ends the mux keeps its WebSocket for idleTimeout ms
// (default 30 s) so that the next connect() reuses it, then closes it; in
// Node the idle WebSocket and its timer are unref()'d: they do not keep the
// process alive. transport.close() closes it at once.
import { TLSError, engineError, shown } from './errors.js';
import { ERR_BAD_CONFIG } from './codes.js';
import { openChannel, RecvQueue, ioPair, isNode, receiveLimit } from './transports.js';

const CONNECT = 1, DATA = 2, CONTINUE = 3, CLOSE = 4;
const REASONS = {
  0x01: 'unspecified', 0x02: 'voluntary close', 0x03: 'network error', 0x41: 'invalid destination',
  0x42: 'host unreachable', 0x43: 'connection timed out', 0x44: 'connection refused', 0x47: 'transfer timed out',
  0x48: 'destination blocked by the proxy', 0x49: 'throttled by the proxy', 0x81: 'client error',
};
const MAX_DATA = 64 * 1024; // payload bytes per DATA packet we send
const IDLE_TIMEOUT = 30000;   // ms an idle mux keeps its WebSocket (opts.idleTimeout)
const OPEN_TIMEOUT = 30000;   // ms for the WebSocket and the server's first CONTINUE (opts.openTimeout)
const MAX_TIMER = 0x7fffffff; // setTimeout's limit; longer: idle until close(), no open deadline
// After the current turn's promise jobs and I/O callbacks. Browsers have
// no setImmediate; a MessageChannel task is not throttled as a timer is
// (setTimeout(f, 0) waits up to a second in a background tab).
const endOfTurn = typeof setImmediate === 'function' ? setImmediate
  : typeof MessageChannel !== 'function' ? (f) => setTimeout(f, 0) : (f) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => { ch.port1.close(); f(); };
    ch.port2.postMessage(0);
  };

const shared = new Map(); // url -> Promise<Mux>, for wisp(url) without options
const noop = () => {};
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
    this.q = new RecvQueue({
      maxReceiveBuffer: mux.opts.maxReceiveBuffer,
      onFull: () => mux.block(this),
      onDrain: () => mux.unblock(this),
      onCancel: () => this.close(0x02),
    });
    // Writes go out in order (each may wait for credit), close after them.
    // With nothing pending a write starts now, in this turn (as a
    // WritableStream's does): a CLOSE that cleanup sends later in the same
    // turn (abort, cancel) then follows the record, a fatal alert or our
    // close_notify, instead of overtaking it.
    let tail = null;   // the last write or close, until it settles
    const chain = (p) => {
      const clear = () => { if (tail === p) tail = null; };
      p.then(clear, clear);
      return (tail = p);
    };
    const closeNow = () => this.close(0x02);
    this.writer = {
      write: (chunk) => chain(tail ? tail.then(() => this.write(chunk)) : this.write(chunk)),
      close: () => chain(tail ? tail.then(closeNow, closeNow) : Promise.resolve(closeNow())),
      abort: () => Promise.resolve(closeNow()),
    };
  }

  // The CONNECT goes out with the first DATA (one WebSocket write: the
  // channel corks per tick), or on its own at the end of this turn of the
  // event loop if nothing is written by then (a protocol where the server
  // speaks first). connect() writes its ClientHello in the same turn.
  sendConnect() {
    const b = this.connectPacket;
    if (!b) return;
    this.connectPacket = null;
    this.mux.chan.send(b).catch(noop);
  }

  throwIfEnded() {
    if (this.ended) throw this.error || new TLSError('io_error', 'wisp stream closed');
  }

  async write(chunk) {
    this.throwIfEnded();
    this.sendConnect();
    for (let off = 0; off < chunk.length; off += MAX_DATA) {
      while (this.credit <= 0) {
        this.throwIfEnded();
        await new Promise((r) => this.waiters.push(r));
      }
      this.throwIfEnded();
      const part = chunk.subarray(off, Math.min(chunk.length, off + MAX_DATA));
      const { b } = packet(DATA, this.id, part.length);
      b.set(part, 5);
      this.credit--;
      await this.mux.chan.send(b);
    }
  }

  wake() { const w = this.waiters; this.waiters = []; for (const r of w) r(); }

  onData(payload) {
    if (this.ended) return;
    if (!this.q.push(payload)) {
      // cannot pause and over maxReceiveBuffer: this stream fails alone
      this.error = this.q.failure;
      this.close(0x81);
    }
  }

  onClose(reason, fromServer) {
    if (this.ended) return;
    this.ended = true;
    // a CONNECT not sent yet never will be: the id is forgotten here, and
    // a server that opened a connection for it would keep it open
    this.connectPacket = null;
    this.mux.streams.delete(this.id);
    this.mux.unblock(this);
    if (reason === 0x02) {
      this.q.close();
    } else {
      this.error = this.error || new TLSError('io_error', `wisp: stream closed by the ${fromServer ? 'proxy' : 'client'}: ` +
        `${REASONS[reason] || 'reason'} (0x${reason.toString(16)})`);
      this.q.error(this.error);
    }
    this.wake();
    this.mux.maybeIdle();
  }

  close(reason) {
    if (this.ended) return;
    const { b, v } = packet(CLOSE, this.id, 1);
    v.setUint8(5, reason);
    // a stream whose CONNECT never went out is not the server's to close
    if (this.connectPacket) this.connectPacket = null;
    else if (this.mux.chan.isOpen()) this.mux.chan.send(b).catch(noop);
    this.onClose(reason === 0x81 ? 0x81 : 0x02, false);
  }
}

class Mux {
  constructor(url, opts, registry) {
    this.url = url;
    this.opts = opts;
    this.registry = registry;  // url -> Promise<Mux> it is listed in
    this.entry = null;
    this.streams = new Map();
    this.blocked = new Set();  // streams whose reader is behind: the WebSocket is paused
    this.nextId = 1;
    this.initialCredit = 0;
    this.idleTimer = null;
    this.closing = false;      // transport.close(): no idle period any more
  }

  // Resolves once the WebSocket is open and the server has sent its first
  // CONTINUE (stream 0: the credit every stream starts with); fails after
  // openTimeout ms without both, so that a server that accepts the
  // connection and then says nothing does not hold connect() (and, for
  // wisp(url) without options, every later one to the same URL) forever.
  async open() {
    let closed, timer;
    const ended = this.ended = new Promise((resolve) => { closed = resolve; });
    const ready = new Promise((resolve) => { this.ready = resolve; });
    const ms = this.opts.openTimeout;
    const late = new Promise((_, reject) => {
      // past setTimeout's limit (Infinity, say): no deadline
      if (ms <= MAX_TIMER) {
        timer = setTimeout(() => reject(new TLSError('connect_failed',
          `wisp server ${this.url}: no WebSocket and first CONTINUE within ${ms} ms`)), ms);
      }
    });
    const opening = (async () => {
      const chan = await openChannel(this.url, this.opts, {
        kill: (k) => { this.kill = k; if (this.dead) k(); },   // made after the deadline: at once
        message: (b) => this.onMessage(b),
        close: (code) => {
          this.dead = true;
          this.cancelIdle();
          if (this.registry.get(this.url) === this.entry) this.registry.delete(this.url);
          closed(code);
          for (const s of [...this.streams.values()]) s.onClose(0x03, true);
        },
      });
      this.chan = chan;
      await Promise.race([ready, ended.then((code) => {
        throw new TLSError('connect_failed', `wisp server ${this.url} closed (${code})`);
      })]);
    })();
    try {
      await Promise.race([opening, late]);
    } catch (e) {
      // opening or open but silent: its socket goes now, not after a
      // close handshake (ws waits 30 s for one, and keeps Node alive)
      this.dead = true;
      this.kill?.();
      opening.catch(noop);
      throw e;
    } finally {
      clearTimeout(timer);
    }
    return this;
  }

  // A stream's reader is behind: pause the WebSocket (false if it cannot).
  block(s) {
    if (!this.chan.canPause) return false;
    this.blocked.add(s);
    this.chan.pause();
    return true;
  }

  unblock(s) {
    if (this.blocked.delete(s) && this.blocked.size === 0 && !this.dead) this.chan.resume();
  }

  onMessage(b) {
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
    this.cancelIdle();
    this.chan.ref();
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
    s.connectPacket = b;
    endOfTurn(() => s.sendConnect());
    return s;
  }

  // The last stream ended: close now, or keep the WebSocket for
  // idleTimeout ms. In Node an idle WebSocket must not keep the process
  // alive: its socket and the timer are unref()'d (ref()'d again by the
  // next connect()); a WebSocket that cannot be unref()'d (Node's global
  // WebSocket) is closed at once there.
  maybeIdle() {
    if (this.streams.size !== 0 || this.dead || this.idleTimer) return;
    const ms = this.opts.idleTimeout;
    if (this.closing || !(ms > 0) || (isNode() && !this.chan.canUnref)) {
      this.shut();
      return;
    }
    this.chan.unref();
    if (ms > MAX_TIMER) {
      this.idleTimer = true;   // until close() or the server closes it
      return;
    }
    this.idleTimer = setTimeout(() => { this.idleTimer = null; this.shut(); }, ms);
    if (typeof this.idleTimer.unref === 'function') this.idleTimer.unref();
  }

  cancelIdle() {
    if (this.idleTimer && this.idleTimer !== true) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  // Closes the WebSocket (no stream is left on it).
  shut() {
    this.cancelIdle();
    if (this.dead) return;
    this.dead = true;
    if (this.registry.get(this.url) === this.entry) this.registry.delete(this.url);
    this.chan.close(1000);
  }
}

/**
 * Wisp transport: all connections to the same URL share one WebSocket.
 * opts (optional): WebSocket (a constructor to use), maxReceiveBuffer
 * (bytes per stream, only where the WebSocket cannot pause), idleTimeout
 * (ms the WebSocket stays open after its last connection ends, default
 * 30000; 0: close at once), openTimeout (ms for the WebSocket to open
 * and the server's first CONTINUE to arrive, default 30000: past it the
 * connect() fails with connect_failed); a wisp() with options shares
 * WebSockets only among its own connections.
 * close(): closes the WebSocket now if it is idle, else as soon as its
 * last connection ends (open connections go on); resolves once it is
 * closed. A later connect() opens a new one.
 */
export function wisp(url, opts) {
  const given = Object.keys(opts ?? {}).length > 0;
  opts = { ...opts };
  for (const [name, min] of [['idleTimeout', 0], ['openTimeout', 1]]) {
    const t = opts[name];
    if (t !== undefined && t !== null && !(typeof t === 'number' && t >= min)) {
      throw engineError(ERR_BAD_CONFIG, `wisp: ${name} must be a number of ms >= ${min}, got ${shown(t)}`);
    }
  }
  opts.idleTimeout ??= IDLE_TIMEOUT;
  opts.openTimeout ??= OPEN_TIMEOUT;
  opts.maxReceiveBuffer = receiveLimit(opts, 'wisp');
  const muxes = given ? new Map() : shared;
  return {
    async close() {
      const p = muxes.get(url);
      if (!p) return;
      muxes.delete(url);
      let mux;
      try { mux = await p; } catch { return; }
      mux.closing = true;
      mux.chan.ref();   // awaited: the close handshake keeps Node alive until done
      if (mux.streams.size === 0) mux.shut();
      await mux.ended;
    },
    async connect(hostname, port) {
      for (let attempt = 0; ; attempt++) {
        let p = muxes.get(url);
        if (!p) {
          const mux = new Mux(url, opts, muxes);
          p = mux.entry = mux.open();
          muxes.set(url, p);
          p.catch(() => { if (muxes.get(url) === p) muxes.delete(url); });
        }
        const mux = await p;
        if (mux.dead && attempt === 0) continue; // closed while idle: open a fresh one
        const s = mux.connect(hostname, port);
        return ioPair({ reader: s.q.reader, writer: s.writer }, { stats: s.q.stats });
      }
    },
  };
}
