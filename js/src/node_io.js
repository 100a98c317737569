// Node-only I/O, kept out of the browser build: js/src/node_io.browser.js
// stands in for this file in dist/wasmtls.browser.mjs (tools/bundle_js.mjs),
// so a page does not ship it.
//   kernelRandom     the engine's random bytes from /dev/random
//   tcp(), fromNodeSocket()   TCP transports over node:net sockets, which
//                    connect() reads and writes directly (DIRECT_IO)
import { TLSError } from './errors.js';
import { nodeBuiltin } from './engine.js';
import { RECV_HWM, ioPair } from './transports.js';

const u8 = (d) => (d instanceof Uint8Array ? d : new Uint8Array(d.buffer ?? d, d.byteOffset ?? 0, d.byteLength));

// The engine's random bytes in Node: the kernel's CSPRNG read from
// /dev/random through node:fs, which every Node process has loaded.
// (globalThis.crypto in Node is webcrypto: its first use loads a dozen
// internal modules, ~5 ms of a fresh process's first handshake.) Only
// where /dev/random, like getrandom(2), waits for the generator to be
// seeded once and never blocks after: Linux 5.6 and later (/dev/urandom
// there may answer unseeded early in boot), macOS, FreeBSD, OpenBSD. The
// descriptor stays open (one per thread; O_CLOEXEC), and before every read
// it must still be the device that was opened (same device and inode, a
// character device, on Linux 1:8): a number that other code closed and
// reused is never read from. Anywhere else, or on any failure, false from
// then on: the caller uses crypto.getRandomValues.
let kernelRng = null;   // { fs, fd, id } once opened; false: not used here
const deviceId = (st) => st.isCharacterDevice() && `${st.dev}:${st.ino}:${st.rdev}`;
function randomDeviceHere(os) {
  const p = globalThis.process?.platform;
  if (p === 'darwin' || p === 'freebsd' || p === 'openbsd') return true;
  const [major, minor] = (os?.release() ?? '').split('.').map(Number);
  return p === 'linux' && (major > 5 || (major === 5 && minor >= 6));
}
export function kernelRandom(u, p, n) {
  if (kernelRng === false) return false;
  try {
    if (kernelRng === null) {
      const fs = nodeBuiltin('node:fs');
      if (!fs || !randomDeviceHere(nodeBuiltin('node:os'))) { kernelRng = false; return false; }
      const fd = fs.openSync('/dev/random', 'r');
      const id = deviceId(fs.fstatSync(fd));
      if (!id || (process.platform === 'linux' && !id.endsWith(':264'))) {
        fs.closeSync(fd);
        kernelRng = false;
        return false;
      }
      kernelRng = { fs, fd, id };
    }
    if (deviceId(kernelRng.fs.fstatSync(kernelRng.fd)) !== kernelRng.id) throw new Error('descriptor reused');
    for (let o = 0; o < n;) {
      const k = kernelRng.fs.readSync(kernelRng.fd, u, p + o, n - o, null);
      if (k <= 0) throw new Error('short read');
      o += k;
    }
    return true;
  } catch {
    // not closed: after a failed check the number may be someone else's now
    kernelRng = false;
    return false;
  }
}

// n bytes the caller is about to write over (the plaintext copied out of
// wasm memory), alone in their ArrayBuffer: in Node, without the zero-fill
// of new Uint8Array(n) (Buffer.allocUnsafeSlow, never the shared pool),
// which was most of that copy's cost. Anything that gives a view into a
// larger buffer (a Buffer stand-in that pools) is not used. The caller
// zeroes what it leaves unwritten.
const allocUninit = globalThis.Buffer?.allocUnsafeSlow;
export function allocBytes(n) {
  const b = allocUninit?.(n);
  return b?.byteOffset === 0 && b.buffer.byteLength === n ? new Uint8Array(b.buffer) : new Uint8Array(n);
}

/**
 * A Node stream.Duplex (net.Socket) as a {readable, writable} pair with
 * backpressure. One reader (socketIO) takes the socket's events from the
 * start, so nothing it reports is missed (an early reset or error is kept
 * for the first read). connect() uses that reader and writer directly
 * (DIRECT_IO, see ioPair): no Web Streams machinery per chunk and, in a
 * fresh process, not its first use (~3 ms of a first handshake).
 */
export function fromNodeSocket(sock) {
  return ioPair(socketIO(sock));
}

/** Key of a transport pair's direct reader/writer, when it has them (see ioPair). */
export const DIRECT_IO = Symbol('wasmtls.directIO');

/**
 * A reader (read()/cancel()) and writer (write()/close()/abort()) on a
 * Node socket: the interface connect.js uses of a transport. At most
 * RECV_HWM bytes are queued before the socket is paused. Reads give the
 * queued bytes, then the end (done) or the failure: an error, or a close
 * without an end (a reset). A write resolves once the socket takes more.
 */
function socketIO(sock) {
  const queue = [];
  let queued = 0, ended = false, failure = null, waiting = null, drained = null;
  // a socket handed over late may have ended or failed already
  if (sock.errored) failure = sock.errored;
  else if (sock.readableEnded) ended = true;
  else if (sock.destroyed) failure = new Error('connection reset');
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
  const take = (d) => {
    queue.push(u8(d));
    queued += d.byteLength;
    if (queued >= RECV_HWM) sock.pause();
    settle();
  };
  sock.on('data', (d) => { if (!ended && !failure) take(d); });
  sock.on('end', () => { if (!failure) ended = true; settle(); });
  sock.on('error', stop);
  sock.on('close', () => stop(new Error('connection reset')));
  const reader = {
    read: () => new Promise((resolve, reject) => {
      if (waiting) return reject(new TypeError('one read at a time'));
      waiting = { resolve, reject };
      settle();
    }),
    cancel() {
      ended = true;
      queue.length = 0;
      settle();   // a read waiting now ends here, not at a 'close' a Duplex may never emit
      sock.destroy();
      return Promise.resolve();
    },
  };
  // A write that fails (EPIPE, ECONNRESET: the peer closed or reset) makes
  // Node destroy the socket just after this callback, and with the
  // descriptor goes what the peer sent before it left but Node has not read
  // yet: often its alert (a server that rejects our certificate sends one
  // and resets; over loopback our next write can fail in the same turn of
  // the event loop the alert arrived in). So take those bytes now, as the
  // native CLI does by reading on after a failed send: one non-blocking
  // read of at most what the queue has room for, only when Node holds none
  // of its own (order is kept), and only from a plain TCP or pipe socket of
  // Node's (not, say, a TLSSocket, whose descriptor carries the outer
  // connection's records). Anywhere else nothing changes.
  const salvage = (err) => {
    try {
      const h = sock._handle, room = RECV_HWM - queued;
      if (!err || !h || !(h.fd >= 0) || room <= 0 || ended || failure || sock.readableLength !== 0) return;
      if (globalThis.process?.release?.name !== 'node' || !['TCP', 'Pipe'].includes(h.constructor?.name)) return;
      const fs = nodeBuiltin('node:fs');
      const buf = new Uint8Array(room);
      const n = fs?.readSync(h.fd, buf, 0, room, null);
      if (n > 0) take(buf.subarray(0, n));
    } catch { /* EAGAIN: nothing there; ECONNRESET: the reset itself */ }
  };
  const writer = {
    write(chunk) {
      if (sock.destroyed) return Promise.reject(new Error('socket closed'));
      if (sock.write(chunk, salvage)) return Promise.resolve();
      // one wait (two listeners) per drain, however many writes are behind it
      return (drained ??= new Promise((resolve, reject) => {
        const ok = () => { sock.off('close', bad); drained = null; resolve(); };
        const bad = () => { sock.off('drain', ok); drained = null; reject(new Error('socket closed')); };
        sock.once('drain', ok);
        sock.once('close', bad);
      }));
    },
    close: () => new Promise((resolve) => { if (sock.destroyed) resolve(); else sock.end(resolve); }),
    abort() { sock.destroy(); return Promise.resolve(); },
  };
  // A socket the caller paused (say, after reading a proxy's reply) stays
  // paused when a 'data' listener is added: start it.
  sock.resume();
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
      // The 'error' listener below stays after the connect: it is the one
      // that catches an error before fromNodeSocket() listens.
      await new Promise((resolve, reject) => {
        sock.once('connect', resolve);
        sock.once('error', (e) => reject(new TLSError('connect_failed',
          `cannot connect to ${hostname} port ${port}: ${e.code || e.message}`)));
      });
      return fromNodeSocket(sock);
    },
  };
}

