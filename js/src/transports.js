// Byte transports. A transport is any of:
//   { readable, writable }             a ReadableStream/WritableStream pair of bytes
//   { connect(hostname, port) }        returning (a Promise of) such a pair
//   (hostname, port) => pair           the same as a function
// tcp() (Node), websocket(url) (websockify-style: raw bytes in binary
// frames) and wisp(url) (./wisp.js) are provided.
import { TLSError, engineError, shown } from './errors.js';
import { ERR_BAD_CONFIG } from './codes.js';
import { isNode } from './engine.js';
import { tcp, DIRECT_IO } from './node_io.js';

const noop = () => {};
// isNode lives in engine.js, which needs it too (wisp.js takes it from here).
export { isNode };

// fromNodeSocket's pair makes its streams when they are first asked for:
// asking here would make them for nothing.
const isPair = (x) => !!x && (typeof x[DIRECT_IO] === 'function' || (!!x.readable && !!x.writable));

export async function openTransport(t, hostname, port) {
  if (t === undefined || t === null) {
    if (!isNode()) throw engineError(ERR_BAD_CONFIG, 'no transport: pass options.transport (websocket(url) or wisp(url))');
    t = tcp();
  }
  let pair;
  if (isPair(t)) pair = t;
  else if (typeof t.connect === 'function') pair = await t.connect(hostname, port);
  else if (typeof t === 'function') pair = await t(hostname, port);
  else throw engineError(ERR_BAD_CONFIG, 'transport must be {readable, writable}, {connect()} or a function');
  if (!isPair(pair)) throw engineError(ERR_BAD_CONFIG, 'transport gave no {readable, writable}');
  return pair;
}

// Receive side. A transport's readable holds at most RECV_HWM bytes the
// engine has not taken; past that the WebSocket is paused when it can be
// (Node `ws`: pause() stops reading its TCP socket; WebSocketStream: we
// stop reading it). A browser WebSocket cannot pause: its messages arrive
// whether or not anyone reads them, so a connection that has more than
// maxReceiveBuffer bytes unread fails with `receive_buffer_full` instead of
// growing without bound.
export const RECV_HWM = 64 * 1024;
export const DEFAULT_MAX_RECEIVE_BUFFER = 16 * 1024 * 1024;

// opts.maxReceiveBuffer of websocket() and wisp(): bytes, at least
// RECV_HWM (what a queue holds before it pauses a WebSocket that can: a
// smaller limit would pause and resume it on every message), or Infinity;
// undefined or null: the default. Read once, when the transport is made:
// the number returned is what its connections use (a getter or a later
// change to opts cannot get round the check).
export function receiveLimit(opts, who) {
  const m = opts.maxReceiveBuffer;
  if (m === undefined || m === null) return DEFAULT_MAX_RECEIVE_BUFFER;
  if (!(typeof m === 'number' && m >= RECV_HWM)) {
    throw engineError(ERR_BAD_CONFIG, `${who}: maxReceiveBuffer must be a number of bytes >= ${RECV_HWM}, got ${shown(m)}`);
  }
  return m;
}

export async function getWebSocket() {
  if (isNode()) {
    // `ws` can pause (backpressure); Node's global WebSocket cannot
    try {
      const m = await import(/* webpackIgnore: true */ 'ws');
      return m.default || m.WebSocket;
    } catch (e) {
      if (typeof globalThis.WebSocket === 'function') return globalThis.WebSocket;
      throw e;
    }
  }
  if (typeof globalThis.WebSocket === 'function') return globalThis.WebSocket;
  const m = await import(/* webpackIgnore: true */ 'ws');
  return m.default || m.WebSocket;
}

// Send with backpressure: resolves at once while less than `limit` bytes
// wait in the WebSocket's send buffer, else once they drained: `ws` (Node)
// reports each write's completion through a callback; browsers only expose
// bufferedAmount. Not waiting for every write lets the next message of the
// same tick join it (openChannel corks the socket per tick): a write that
// fails closes the WebSocket, which ends its streams.
export function wsSend(ws, data, limit = 1 << 20) {
  if (ws.readyState !== 1) return Promise.reject(new Error('WebSocket is closed'));
  if (typeof ws.on === 'function' && ws.send.length >= 2) {
    return new Promise((resolve, reject) => {
      ws.send(data, (err) => (err ? reject(err) : resolve()));
      if (ws.bufferedAmount < limit) resolve();
    });
  }
  ws.send(data);
  if (ws.bufferedAmount < limit) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (ws.readyState !== 1) reject(new Error('WebSocket is closed'));
      else if (ws.bufferedAmount < limit) resolve();
      else setTimeout(tick, 5);
    };
    setTimeout(tick, 5);
  });
}

/**
 * One WebSocket as a channel of binary messages, with what the platform has:
 *   opts.WebSocket   this constructor (pauses if it has pause()/resume())
 *   Node             the `ws` package: pause() stops reading its socket
 *   WebSocketStream  (Chromium): read only as fast as we ask
 *   WebSocket        browsers without WebSocketStream: cannot pause
 * h.message(Uint8Array) for every binary message (text is ignored);
 * h.close(code, reason, error) once, when it ends (error: a description
 * when it failed rather than closed); h.kill(f), if given, at once: f()
 * drops the WebSocket, opening or open, without a close handshake.
 * Resolves once open, with
 * { send(bytes): Promise, pause(), resume(), canPause, close(code), isOpen(),
 *   ref(), unref(), canUnref }: unref() lets Node exit while the WebSocket
 * is open (its socket no longer keeps the event loop alive), ref() undoes it;
 * canUnref false (browsers, Node's global WebSocket) makes both no-ops.
 */
export async function openChannel(url, opts, h) {
  const protocols = opts.protocols;
  let ended = false;
  const end = (code, reason, error = null) => {
    if (ended) return;
    ended = true;
    h.close(code, reason, error);
  };
  const WSS = globalThis.WebSocketStream;
  if (!opts.WebSocket && !isNode() && typeof WSS === 'function') {
    const wss = new WSS(url, protocols ? { protocols: [].concat(protocols) } : undefined);
    h.kill?.(() => { try { wss.close(); } catch { /* */ } });
    let conn;
    try {
      conn = await wss.opened;
    } catch {
      throw new TLSError('connect_failed', `cannot open WebSocket ${url}`);
    }
    const reader = conn.readable.getReader();
    const writer = conn.writable.getWriter();
    writer.closed.catch(noop);
    let paused = false;
    let wake = null;
    (async () => {
      try {
        for (;;) {
          while (paused) await new Promise((r) => { wake = r; });
          const { value, done } = await reader.read();
          if (done) break;
          if (typeof value !== 'string') h.message(value instanceof Uint8Array ? value : new Uint8Array(value));
        }
        const c = await wss.closed;
        end(c.closeCode ?? 1005, c.reason || '');
      } catch (e) {
        end((e && e.closeCode) || 1006, (e && e.reason) || '', (e && e.message) || 'WebSocket error');
      }
    })();
    const resume = () => {
      paused = false;
      if (wake) { const w = wake; wake = null; w(); }
    };
    return {
      canPause: true,
      canUnref: false,
      ref: noop,
      unref: noop,
      send: (data) => (ended ? Promise.reject(new Error('WebSocket is closed')) : writer.write(data)),
      pause: () => { paused = true; },
      resume,
      // resumed first: the read loop reports the end only if it reads on
      close: (code = 1000) => { resume(); try { wss.close({ closeCode: code }); } catch { /* */ } },
      isOpen: () => !ended,
    };
  }
  const WS = opts.WebSocket || await getWebSocket();
  // `ws` (Node) offers permessage-deflate unless told not to; a server
  // that accepts it would compress every message, and TLS records and
  // Wisp DATA are ciphertext: CPU on both ends for nothing (RFC 7692).
  // Browsers decide this themselves.
  const isWs = !!(WS.prototype && typeof WS.prototype.on === 'function');
  const ws = isWs ? new WS(url, protocols, { perMessageDeflate: false })
    : protocols ? new WS(url, protocols) : new WS(url);
  ws.binaryType = 'arraybuffer';
  h.kill?.(() => { try { ws.terminate ? ws.terminate() : ws.close(); } catch { /* */ } });
  // Node: the TCP (or TLS) socket under the WebSocket, to unref() it while
  // a wisp() mux is idle. `ws` hands it out through its documented
  // 'upgrade' event (the http.IncomingMessage of the 101 response, whose
  // .socket `ws` then reads frames from); `ws._socket` (internal, same
  // object) only as a fallback. Other WebSockets: none, canUnref false.
  let sock = null;
  if (isNode() && typeof ws.once === 'function') ws.once('upgrade', (res) => { sock = (res && res.socket) || null; });
  // before 'open': `ws` may deliver the first frame in the same tick
  ws.addEventListener('message', (ev) => {
    if (!ended && typeof ev.data !== 'string') h.message(new Uint8Array(ev.data));
  });
  await new Promise((resolve, reject) => {
    const onOpen = () => { cleanup(); resolve(); };
    const onErr = () => { cleanup(); reject(new TLSError('connect_failed', `cannot open WebSocket ${url}`)); };
    const onClose = (ev) => { cleanup(); reject(new TLSError('connect_failed', `WebSocket ${url} closed (${ev && ev.code})`)); };
    const cleanup = () => { ws.removeEventListener('open', onOpen); ws.removeEventListener('error', onErr); ws.removeEventListener('close', onClose); };
    ws.addEventListener('open', onOpen);
    ws.addEventListener('error', onErr);
    ws.addEventListener('close', onClose);
  });
  ws.addEventListener('close', (ev) => end(ev.code, ev.reason || ''));
  ws.addEventListener('error', () => end(1006, '', 'WebSocket error'));
  const canPause = typeof ws.pause === 'function' && typeof ws.resume === 'function';
  if (isNode() && !sock && ws._socket) sock = ws._socket;
  const canUnref = !!(sock && typeof sock.ref === 'function' && typeof sock.unref === 'function');
  // Node: the messages sent in one tick leave in one write (one syscall,
  // one TCP segment when they fit): the socket is corked at the first and
  // uncorked once the tick's work is done (process.nextTick runs after the
  // promise jobs queued before it). A wisp CONNECT and the ClientHello's
  // DATA, or our Finished and the first application data, are written
  // together instead of one syscall and one segment each (the peer then
  // also reads them at once).
  const canCork = !!(sock && typeof sock.cork === 'function' && typeof sock.uncork === 'function' &&
    typeof process.nextTick === 'function');
  let corked = false;
  const uncork = () => { corked = false; sock.uncork(); };
  return {
    canPause,
    canUnref,
    ref: () => { if (canUnref) sock.ref(); },
    unref: () => { if (canUnref) sock.unref(); },
    send: (data) => {
      if (canCork && !corked && !ended && ws.readyState === 1) {
        corked = true;
        sock.cork();
        process.nextTick(uncork);
      }
      return wsSend(ws, data);
    },
    pause: () => { if (canPause) ws.pause(); },
    resume: () => { if (canPause) ws.resume(); },
    // resumed first: paused, `ws` would not read the server's close frame
    // and would end the WebSocket only on its 30 s close timer
    close: (code = 1000) => { try { if (canPause) ws.resume(); ws.close(code); } catch { /* */ } },
    isOpen: () => !ended && ws.readyState === 1,
  };
}

// What a queued message costs beyond its bytes (its Uint8Array and the
// message it came in: ~190 B of heap in V8), counted against RECV_HWM and
// maxReceiveBuffer: a peer that sends 1-byte messages then holds at most a
// small multiple of the limit, not ~190 times it.
export const CHUNK_COST = 256;

/**
 * The receive queue of one byte stream over a channel, read through
 * reader.read() / reader.cancel() (the interface connect.js reads a
 * transport with, DIRECT_IO). Past RECV_HWM unread (bytes, plus
 * CHUNK_COST per message) onFull() pauses the sender; where it cannot,
 * past maxReceiveBuffer the queue drops what it holds and fails with
 * `receive_buffer_full`; onDrain() once it is below RECV_HWM again.
 * Empty messages are not queued. close() ends the reads after what is
 * queued; error(e) fails them after what is queued (as a socket's reader
 * does: a peer's last records, say its alert, still reach the engine);
 * cancel() (the reader's) drops the queue and calls onCancel(). stats (for
 * tests and diagnostics): received (bytes in), buffered (bytes not yet
 * read), maxBuffered (peak), paused.
 */
export class RecvQueue {
  constructor({ maxReceiveBuffer, onFull, onDrain, onCancel }) {
    this.max = maxReceiveBuffer ?? DEFAULT_MAX_RECEIVE_BUFFER;
    this.onFull = onFull;
    this.onDrain = onDrain;
    this.onCancel = onCancel;
    this.done = false;       // nothing more comes in: closed, failed or cancelled
    this.ended = false;      // the reads end (done) once the queue is empty
    this.failure = null;     // the reads fail with this once the queue is empty
    this.chunks = [];        // chunks[head..] are unread
    this.head = 0;
    this.cost = 0;           // their bytes, plus CHUNK_COST each
    this.waiting = null;     // the read() waiting for bytes
    this.stats = { received: 0, buffered: 0, maxBuffered: 0, paused: false };
    this.reader = {
      read: () => new Promise((resolve, reject) => {
        if (this.waiting) return reject(new TypeError('one read at a time'));
        this.waiting = { resolve, reject };
        this.settle();
      }),
      cancel: () => {
        const first = !this.done;
        this.done = this.ended = true;
        this.drop();
        if (first && this.onCancel) this.onCancel();
        return Promise.resolve();
      },
    };
  }

  // A waiting read gets the next chunk, else the failure or the end.
  settle() {
    const w = this.waiting;
    if (!w) return;
    if (this.head < this.chunks.length) {
      this.waiting = null;
      const value = this.chunks[this.head];
      this.chunks[this.head++] = undefined;
      // compacted when empty and now and then: Array.shift() per read is
      // quadratic on a long queue of small chunks
      if (this.head === this.chunks.length) {
        this.chunks.length = 0;
        this.head = 0;
      } else if (this.head >= 1024 && this.head * 2 >= this.chunks.length) {
        this.chunks = this.chunks.slice(this.head);
        this.head = 0;
      }
      this.stats.buffered -= value.byteLength;
      this.cost -= value.byteLength + CHUNK_COST;
      this.resumeBelowHWM();
      w.resolve({ value, done: false });
    } else if (this.failure) {
      this.waiting = null;
      w.reject(this.failure);
    } else if (this.ended) {
      this.waiting = null;
      w.resolve({ value: undefined, done: true });
    }
  }

  resumeBelowHWM() {
    if (this.stats.paused && this.cost < RECV_HWM) {
      this.stats.paused = false;
      this.onDrain();
    }
  }

  // Forgets what is queued (and resumes a paused sender).
  drop() {
    this.chunks = [];
    this.head = 0;
    this.cost = 0;
    this.stats.buffered = 0;
    this.resumeBelowHWM();
    this.settle();
  }

  // false when the queue failed (over maxReceiveBuffer and cannot pause)
  push(bytes) {
    if (this.done || !bytes.byteLength) return true;
    const st = this.stats;
    this.chunks.push(bytes);
    this.cost += bytes.byteLength + CHUNK_COST;
    st.received += bytes.byteLength;
    st.buffered += bytes.byteLength;
    this.settle();
    if (st.buffered > st.maxBuffered) st.maxBuffered = st.buffered;
    if (this.cost < RECV_HWM && this.cost <= this.max) return true;
    if (!st.paused && this.onFull()) st.paused = true;
    if (st.paused || this.cost <= this.max) return true;
    this.error(new TLSError('receive_buffer_full', `more than ${this.max} bytes received and not read ` +
      '(this WebSocket cannot pause; see the maxReceiveBuffer option)'), true);
    return false;
  }

  close() {
    if (this.done) return;
    this.done = this.ended = true;
    this.settle();
  }

  // drop: forget what is queued (an overflow), else it is read first
  error(e, drop = false) {
    if (this.done) return;
    this.done = true;
    this.failure = e;
    if (drop) this.drop();
    else this.settle();
  }
}

/**
 * A transport pair over a reader (read()/cancel(), e.g. RecvQueue's) and a
 * writer (write()/close()/abort(), each returning a Promise; writes in
 * order): connect() takes them directly (DIRECT_IO), without Web Streams
 * machinery per chunk (handshakes over wisp measured x0.94-0.96);
 * readable and writable are Web Streams over them, made when first asked
 * for. One user: once connect() took the reader and writer, readable and
 * writable throw; once a caller has asked for either, connect() reads
 * and writes through them. extra: more properties of the pair (stats).
 */
export function ioPair(io, extra = {}) {
  let streams = null, direct = false;
  const view = () => {
    if (direct) throw new TypeError('this transport pair is already used by a connection (transport pairs are single-use)');
    return (streams ??= ioStreams(io));
  };
  return {
    ...extra,
    get readable() { return view().readable; },
    get writable() { return view().writable; },
    [DIRECT_IO]: () => {
      if (streams || direct) return null;
      direct = true;
      return io;
    },
  };
}

// A ReadableStream/WritableStream pair over a reader and writer (the
// reader's queue is the only buffer: the stream pulls one chunk per read).
function ioStreams({ reader, writer }) {
  const readable = new ReadableStream({
    async pull(ctrl) {
      const { value, done } = await reader.read();
      if (done) ctrl.close();
      else ctrl.enqueue(value);
    },
    cancel: () => reader.cancel(),
  }, { highWaterMark: 0 });
  const writable = new WritableStream({ write: (chunk) => writer.write(chunk), close: () => writer.close(), abort: () => writer.abort() });
  return { readable, writable };
}

/**
 * One WebSocket per connection carrying raw bytes (websockify and
 * compatible proxies). url: string, or (hostname, port) => string for
 * proxies that take the target in the URL. opts: protocols, WebSocket
 * (a constructor to use), maxReceiveBuffer (bytes; only where the
 * WebSocket cannot pause, see RecvQueue).
 */
export function websocket(url, opts) {
  opts = { ...opts };
  const maxReceiveBuffer = receiveLimit(opts, 'websocket');
  return {
    async connect(hostname, port) {
      const u = typeof url === 'function' ? url(hostname, port) : url;
      let chan = null;
      const q = new RecvQueue({
        maxReceiveBuffer,
        onFull: () => {
          if (!chan?.canPause) return false;
          chan.pause();
          return true;
        },
        onDrain: () => chan?.resume(),
        onCancel: () => chan?.close(1000),
      });
      chan = await openChannel(u, opts, {
        // (a WebSocketStream may deliver the first message before chan is set)
        message: (b) => { if (!q.push(b)) chan?.close(1000); },
        close: (code, reason, error) => {
          if (!error && (code === 1000 || code === 1005)) q.close();
          else q.error(new TLSError('io_error', error && code === 1006 ? error : `WebSocket closed with ${code}${reason ? ` (${reason})` : ''}`));
        },
      });
      // chan.send queues each message at once: writes stay in order
      const end = () => { chan.close(1000); return Promise.resolve(); };
      const writer = { write: (chunk) => chan.send(chunk), close: end, abort: end };
      return ioPair({ reader: q.reader, writer }, { stats: q.stats });
    },
  };
}
