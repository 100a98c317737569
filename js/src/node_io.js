// Node-only I/O, kept out of the browser build: js/src/node_io.browser.js
// stands in for this file in dist/wasmtls.browser.mjs (tools/bundle_js.mjs),
// so a page does not ship it.
//   kernelRandom     the engine's random bytes from /dev/urandom
//   tcp(), fromNodeSocket()   TCP transports over node:net sockets, which
//                    connect() reads and writes directly (DIRECT_IO)
import { TLSError } from './errors.js';
import { nodeBuiltin } from './engine.js';
import { RECV_HWM } from './transports.js';

const noop = () => {};
const u8 = (d) => (d instanceof Uint8Array ? d : new Uint8Array(d.buffer ?? d, d.byteOffset ?? 0, d.byteLength));

// Node: the kernel's CSPRNG read from /dev/urandom (the source getrandom(2)
// and Node's own crypto draw from), through node:fs, which every Node
// process has loaded. globalThis.crypto in Node is webcrypto: its first use
// loads a dozen internal modules, ~5 ms of a fresh process's first
// handshake. The descriptor stays open (one per thread that uses it); it is
// used only if it is a character device. Anywhere else, or on any failure,
// the caller falls back to crypto.getRandomValues.
let urandom = null;   // { fs, fd } once opened; false: not available here
export function kernelRandom(u, p, n) {
  if (urandom === false) return false;
  try {
    if (urandom === null) {
      const fs = nodeBuiltin('node:fs');
      if (!fs) { urandom = false; return false; }
      const fd = fs.openSync('/dev/urandom', 'r');
      if (!fs.fstatSync(fd).isCharacterDevice()) { fs.closeSync(fd); urandom = false; return false; }
      urandom = { fs, fd };
    }
    for (let o = 0; o < n;) {
      const k = urandom.fs.readSync(urandom.fd, u, p + o, n - o, null);
      if (k <= 0) throw new Error('short read');
      o += k;
    }
    return true;
  } catch {
    try { if (urandom) urandom.fs.closeSync(urandom.fd); } catch { /* already gone */ }
    urandom = false;   // never retried: crypto.getRandomValues from now on
    return false;
  }
}

/**
 * A Node stream.Duplex (net.Socket) as a {readable, writable} pair with
 * backpressure. The streams are made when first asked for: connect()
 * instead takes the socket's bytes directly (DIRECT_IO), without the Web
 * Streams machinery per chunk and, in a fresh process, without its first
 * use (~3 ms of a first handshake).
 */
export function fromNodeSocket(sock) {
  let streams = null, direct = null;
  return {
    get readable() { return (streams ??= socketStreams(sock)).readable; },
    get writable() { return (streams ??= socketStreams(sock)).writable; },
    // null once the streams exist: the socket has one consumer
    [DIRECT_IO]: () => (streams ? null : (direct ??= socketIO(sock))),
  };
}

/** Key of a transport pair's direct reader/writer, when it has them (see fromNodeSocket). */
export const DIRECT_IO = Symbol('wasmtls.directIO');

function socketStreams(sock) {
  let done = false;
  const readable = new ReadableStream({
    start(ctrl) {
      sock.on('data', (d) => {
        if (done) return;
        ctrl.enqueue(u8(d));
        if (ctrl.desiredSize <= 0) sock.pause();
      });
      sock.on('end', () => { if (!done) { done = true; ctrl.close(); } });
      sock.on('error', (e) => { if (!done) { done = true; ctrl.error(e); } });
      sock.on('close', () => { if (!done) { done = true; ctrl.error(new Error('connection reset')); } });
    },
    pull() { sock.resume(); },
    cancel() { done = true; sock.destroy(); },
  }, { highWaterMark: RECV_HWM, size: (c) => c.byteLength });
  const writable = new WritableStream({ write: (chunk) => socketWrite(sock, chunk), close: () => socketEnd(sock), abort() { sock.destroy(); } });
  return { readable, writable };
}

function socketWrite(sock, chunk) {
  if (sock.destroyed) return Promise.reject(new Error('socket closed'));
  if (sock.write(chunk)) return undefined;
  return new Promise((resolve, reject) => {
    const ok = () => { sock.off('close', bad); resolve(); };
    const bad = () => { sock.off('drain', ok); reject(new Error('socket closed')); };
    sock.once('drain', ok);
    sock.once('close', bad);
  });
}

const socketEnd = (sock) => new Promise((resolve) => { if (sock.destroyed) resolve(); else sock.end(resolve); });

/**
 * The reader and writer connect.js uses of a transport (read()/cancel(),
 * write()/close()/abort()), straight on a Node socket, with the behaviour
 * of socketStreams(): at most RECV_HWM bytes queued before the socket is
 * paused; 'end' ends the reads after the queued bytes, an error or a close
 * without 'end' fails them; a write resolves once the socket takes more.
 */
function socketIO(sock) {
  const queue = [];
  let queued = 0, ended = false, failure = null, waiting = null, drained = null;
  const settle = () => {
    if (!waiting) return;
    const w = waiting;
    if (queue.length) {
      waiting = null;
      const value = queue.shift();
      queued -= value.byteLength;
      if (queued < RECV_HWM) sock.resume();
      w.resolve({ value, done: false });
    } else if (failure) {
      waiting = null;
      w.reject(failure);
    } else if (ended) {
      waiting = null;
      w.resolve({ value: undefined, done: true });
    }
  };
  const stop = (e) => { if (!ended && !failure) failure = e; settle(); };
  sock.on('data', (d) => {
    if (ended || failure) return;
    queue.push(u8(d));
    queued += d.byteLength;
    if (queued >= RECV_HWM) sock.pause();
    settle();
  });
  sock.on('end', () => { if (!failure) ended = true; settle(); });
  sock.on('error', stop);
  sock.on('close', () => stop(new Error('connection reset')));
  const reader = {
    read: () => new Promise((resolve, reject) => { waiting = { resolve, reject }; settle(); }),
    cancel() { ended = true; queue.length = 0; sock.destroy(); return Promise.resolve(); },
  };
  const writer = {
    write(chunk) {
      if (sock.destroyed) return Promise.reject(new Error('socket closed'));
      if (sock.write(chunk)) return Promise.resolve();
      // one wait (two listeners) per drain, however many writes are behind it
      return (drained ??= new Promise((resolve, reject) => {
        const ok = () => { sock.off('close', bad); drained = null; resolve(); };
        const bad = () => { sock.off('drain', ok); drained = null; reject(new Error('socket closed')); };
        sock.once('drain', ok);
        sock.once('close', bad);
      }));
    },
    close: () => socketEnd(sock),
    abort() { sock.destroy(); return Promise.resolve(); },
  };
  return { reader, writer };
}

/** Plain TCP through node:net (Node, Deno, Bun). */
export function tcp(opts = {}) {
  return {
    async connect(hostname, port) {
      // synchronously where possible: the connect is under way when
      // connect() returns (connect.js builds the ClientHello meanwhile)
      const net = nodeBuiltin('node:net') ?? await import(/* webpackIgnore: true */ 'node:net');
      const sock = net.connect({ host: opts.host ?? hostname, port: opts.port ?? port });
      sock.setNoDelay(true);
      await new Promise((resolve, reject) => {
        sock.once('connect', resolve);
        sock.once('error', (e) => reject(new TLSError('connect_failed',
          `cannot connect to ${hostname} port ${port}: ${e.code || e.message}`)));
      });
      sock.on('error', noop); // reported through the streams
      return fromNodeSocket(sock);
    },
  };
}

