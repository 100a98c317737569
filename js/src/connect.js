// connect(): a TLS 1.3 socket in the WinterTC / Cloudflare sockets shape
// over any byte transport. One pump moves bytes between the transport, the
// engine and the application streams; each direction is bounded:
//   transport -> engine   one transport chunk at a time, and the engine
//                         takes records only after the app drained the last
//   engine -> transport   at most OUT_HWM bytes in flight to the transport
//   app -> engine         a write resolves once the engine took its bytes
//   engine -> app         a ReadableStream with a 64 KiB byte high-water mark
import { TLSError, engineError, shown } from './errors.js';
import { ERR_BAD_CONFIG, ERR_BAD_STATE, ERR_CALLBACK, ERR_TRUNCATED } from './codes.js';
import { loadEngine, loadDefaultRoots, defaultWarning, Engine, TrustStore, acquireStore, releaseStore, isIP, CLOSED, SENDREC, RECVREC, SENDAPP, RECVAPP, SENDEARLY } from './engine.js';
import { openTransport, isNode } from './transports.js';
import { DIRECT_IO, allocBytes } from './node_io.js';
import { defaultSessionCache, sessionKey, sessionExpired, canonicalIP, certChainText } from './session.js';

const OUT_HWM = 256 * 1024;
const APP_HWM = 64 * 1024;
// close() gives up on the peer once nothing of ours has moved for this
// many ms (options.closeTimeout): see watchClose().
const CLOSE_TIMEOUT = 10000;
// A timer that fires after ms (at most 2^31-1: setTimeout fires at once
// past that) and, in Node, does not by itself keep the process alive.
function timer(fn, ms) {
  const t = setTimeout(fn, Math.min(ms, 0x7fffffff));
  t?.unref?.();
  return t;
}
const noop = () => {};

function toTLSError(e, code = 'io_error') {
  if (e instanceof TLSError) return e;
  return new TLSError(code, e && e.message ? e.message : String(e));
}

// The largest session blob the engine takes: WT_MAX_SESSION in
// src/wasmtls.h (96 + 4 * 256 + WT_MAX_TICKET + 1 + WT_MAX_PEER_CERTS * 3
// + 2 * 3 + WT_MAX_PEER_CHAIN).
const MAX_SESSION_BLOB = 96 + 4 * 256 + 8192 + 1 + 64 * 3 + 2 * 3 + 65536;
const storedBytes = (b) => {
  const u = b instanceof Uint8Array ? b : b instanceof ArrayBuffer ? new Uint8Array(b)
    : ArrayBuffer.isView(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : null;
  return u && u.length <= MAX_SESSION_BLOB ? u : null;
};
const toBytes = (v) => (v instanceof Uint8Array ? v : typeof v === 'string' ? new TextEncoder().encode(v)
  : v instanceof ArrayBuffer ? new Uint8Array(v)
  : ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : new Uint8Array(v));

// A host that resolvers read as an IPv4 address but that is not plain
// dotted decimal ("127.010.0.1" is octal to inet_aton, "0x7f.1", "2130706433"):
// the address connected to would not be the one verified.
const AMBIGUOUS_IPV4 = /^(0x[0-9a-f]*|\d+)(\.(0x[0-9a-f]*|\d+)){0,3}\.?$/i;

function checkHostname(hostname) {
  if (AMBIGUOUS_IPV4.test(hostname) && !canonicalIP(hostname)) {
    throw engineError(ERR_BAD_CONFIG, `'${hostname}' is not a plain dotted-decimal IPv4 address ` +
      '(leading zeros, hex or short forms read differently by resolvers)');
  }
  return hostname;
}

function parseAddress(address) {
  if (typeof address === 'string') {
    const m = address.match(/^\[([^\]]+)\]:(\d+)$/) || address.match(/^([^:]+):(\d+)$/);
    if (!m) throw engineError(ERR_BAD_CONFIG, `bad address '${address}' (want HOST:PORT)`);
    return { hostname: checkHostname(m[1]), port: Number(m[2]) };
  }
  if (!address || !address.hostname) throw engineError(ERR_BAD_CONFIG, 'address needs a hostname');
  return { hostname: checkHostname(String(address.hostname).replace(/^\[(.*)\]$/, '$1')), port: Number(address.port ?? 443) };
}

// Who the server must be: servername (SNI and certificate name), or for
// an IP literal without one, the address (checked against iPAddress SANs)
// in one spelling, since the engine binds sessions to the literal.
function peerIdentity(hostname, o) {
  if (o.servername !== undefined && o.servername !== null) return { servername: o.servername, verifyIp: null };
  if (isIP(hostname)) return { servername: null, verifyIp: canonicalIP(hostname) || hostname };
  return { servername: hostname, verifyIp: null };
}

function keyFor(w, store, hostname, port, o) {
  const { servername, verifyIp } = peerIdentity(hostname, o);
  return sessionKey({
    servername, ip: verifyIp, port, alpn: o.alpn,
    trust: o.rejectUnauthorized === false ? null : o.ca instanceof TrustStore ? o.ca.digest : w.storeDigest(store),
    profile: o.certProfile,
    cert: o.cert ? w.sha256(new TextEncoder().encode(certChainText(o.cert))) : null,
    psk: o.psk ? w.sha256(new TextEncoder().encode(pskList(o.psk).map((p) => pskIdentityText(p)).join('|'))) : null,
  });
}

// options.psk: one external PSK or an array of them.
function pskList(psk) {
  if (psk === undefined || psk === null) return [];
  return Array.isArray(psk) ? psk : [psk];
}
// A PSK's identity, hash and import context as text, for the session key
// (the key itself stays out: the engine binds sessions to it).
function pskIdentityText(p) {
  const hex = (v) => Array.from(v instanceof Uint8Array ? v : new TextEncoder().encode(String(v ?? '')),
    (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex(p.identity)}/${p.hash ?? 'sha256'}/${p.imported ? `imp:${hex(p.context)}` : 'ext'}`;
}

// A transport pair nobody will use: close both ways.
function dropPair(pair) {
  const direct = pair[DIRECT_IO]?.();
  if (direct) return void direct.writer.abort();
  try { pair.writable.abort().catch(noop); pair.readable.cancel().catch(noop); } catch { /* */ }
}

class Conn {
  constructor(address, options) {
    this.options = options;
    this.engine = null;
    this.store = 0;           // our own trust store (from options.ca), freed at the end
    this.trust = null;        // options.ca as a TrustStore, released at the end
    this.writer = null;
    this.reader = null;
    this.transport = null;
    this.opening = null;      // the transport's Promise until start() takes it
    this.inChunk = null;      // transport bytes the engine has not taken yet
    this.inOff = 0;
    this.inDrained = null;
    this.transportEOF = false;
    this.transportError = null;
    this.writeDead = false;
    this.outBytes = 0;
    this.pendingWrite = null; // {chunk, off, resolve, reject}
    this.early = null;        // options.earlyData while it can go as 0-RTT
    this.earlyOff = 0;
    this.earlyRest = null;    // accepted 0-RTT data past max_early_data
    this.pullResolve = null;
    this.readCtrl = null;
    this.readClosed = false;
    this.finished = false;
    this.userClosed = false;
    this.info = null;
    this.pumping = false;
    this.again = false;
    this.closeTimeout = CLOSE_TIMEOUT;
    this.closeTimer = null;
    this.lastSent = 0;        // Date.now() when the transport last took bytes of ours

    let resolveOpened, rejectOpened, resolveClosed, rejectClosed;
    this.opened = new Promise((res, rej) => { resolveOpened = res; rejectOpened = rej; });
    this.closed = new Promise((res, rej) => { resolveClosed = res; rejectClosed = rej; });
    this.opened.catch(noop);   // observed by the user or not: never unhandled
    this.closed.catch(noop);
    Object.assign(this, { resolveOpened, rejectOpened, resolveClosed, rejectClosed });

    this.readable = new ReadableStream({
      start: (ctrl) => { this.readCtrl = ctrl; },
      pull: () => new Promise((resolve) => { this.pullResolve = resolve; this.pump(); }),
      cancel: () => { this.readClosed = true; this.close(); },
    }, { highWaterMark: APP_HWM, size: (c) => c.byteLength });

    this.writable = new WritableStream({
      write: (chunk) => new Promise((resolve, reject) => {
        if (!(chunk instanceof Uint8Array)) {
          if (typeof chunk === 'string') chunk = new TextEncoder().encode(chunk);
          else if (chunk instanceof ArrayBuffer) chunk = new Uint8Array(chunk);
          else if (ArrayBuffer.isView(chunk)) chunk = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
          else return reject(new TypeError('write() takes a Uint8Array'));
        }
        if (this.finished) return reject(this.failure || engineError(ERR_BAD_STATE, 'connection is closed'));
        this.pendingWrite = { chunk, off: 0, resolve, reject };
        this.pump();
      }),
      close: () => this.opened.then(() => {
        // end of our data: close_notify; the readable goes on until the peer closes
        if (this.engine && !this.finished) {
          this.engine.close();
          this.pump();
        }
      }),
      abort: () => { this.close(); },
    });

    try {
      this.address = parseAddress(address);
      const t = options.closeTimeout;
      if (t !== undefined && !(typeof t === 'number' && t >= 0)) {
        throw engineError(ERR_BAD_CONFIG, `closeTimeout must be a number of ms >= 0, got ${shown(t)}`);
      }
      if (t !== undefined) this.closeTimeout = t;
    } catch (e) {
      this.fail(e);
      return;
    }
    this.start().catch((e) => {
      this.fail(toTLSError(e, 'connect_failed'));
      this.cleanup(true);   // finished before start() failed: what it took since
    });
  }

  async start() {
    const o = this.options;
    const { hostname, port } = this.address;
    const insecure = o.rejectUnauthorized === false;
    if (insecure && o.certProfile !== undefined && o.certProfile !== null && o.certProfile !== 'web') {
      throw engineError(ERR_BAD_CONFIG, 'rejectUnauthorized: false and certProfile are exclusive');
    }
    // The transport opens first, so that its setup (TCP's handshake; a
    // WebSocket's, for the first wisp stream) runs while we load the
    // engine, parse the trust anchors, consult the session store and build
    // the ClientHello, not after all of that (the ClientHello goes out as
    // soon as both are ready; a wisp stream's CONNECT leaves with it, in
    // one WebSocket write: DATA may follow a CONNECT at once, Wisp v1
    // section CONNECT). If start() ends before it takes the transport,
    // cleanup() closes it.
    // An IP literal goes to the transport in the spelling the engine verifies.
    const opening = this.opening = openTransport(o.transport, canonicalIP(hostname) || hostname, port);
    opening.catch(noop);   // awaited below; a failure before then is not unhandled
    const w = this.w = await loadEngine();
    let store = 0;
    if (!insecure) {
      if (o.ca instanceof TrustStore) {
        store = acquireStore(o.ca, w);
        this.trust = o.ca;
      } else if (o.ca) store = this.store = w.storeFromPem(o.ca, o.onWarning ?? defaultWarning);
      else store = await loadDefaultRoots(w);
    }
    const { servername, verifyIp } = peerIdentity(hostname, o);
    const verify = o.verify ? () => {
      try {
        const r = o.verify(this.engine.info());
        if (r && typeof r.then === 'function') {
          r.then(noop, noop);
          this.verifyReason = 'verify hook must be synchronous (it returned a Promise)';
          return false;
        }
        return r !== false;
      } catch (e) {
        this.verifyReason = e && e.message;
        return false;
      }
    } : null;
    // Resumption: an explicit blob (options.session), else the store's,
    // under a key naming everything the session is bound to: the server's
    // name or IP address, port, offered ALPN, the trust anchors it was
    // verified with (their digest; unverified sessions have their own
    // "insecure" keys) and the client certificate. The engine itself
    // refuses a session this connection would not have accepted.
    const cache = o.sessionCache === false ? null : (o.sessionCache || defaultSessionCache);
    const key = cache ? keyFor(w, store, hostname, port, o) : null;
    let session = o.session ? toBytes(o.session) : null;
    let fromStore = false;
    if (!session && cache) {
      try {
        const b = await cache.get(key);
        if (b) {
          await cache.delete(key);   // single-use
          // What the store hands back is untrusted: only bytes of a size a
          // session can have are taken; anything else is a cache miss.
          const bytes = storedBytes(b);
          if (bytes) {
            session = bytes;
            fromStore = true;
            // Expired, or zeroed by a concurrent connect() that took the
            // same blob first (single-use): a full handshake.
            if (sessionExpired(session)) { session.fill(0); session = null; fromStore = false; }
          }
        }
      } catch { /* a failing store means a full handshake */ }
      if (this.finished) return this.cleanup();
    }
    const onSession = (cache || o.onSession) ? (blob) => {
      if (cache) {
        try { Promise.resolve(cache.set(key, blob)).catch(noop); } catch { /* */ }
      }
      if (o.onSession) {
        try { o.onSession(blob.slice()); } catch { /* */ }
      }
    } : null;
    if (o.earlyData !== undefined && o.earlyData !== null && session) {
      this.early = toBytes(o.earlyData);
      this.earlyOff = 0;
    }
    try {
      this.engine = new Engine(w, {
        servername: servername || null, verifyIp, alpn: o.alpn, ciphers: o.ciphers, groups: o.groups,
        sigalgs: o.sigalgs, signAlgs: o.signAlgs, keyShares: o.keyShares,
        requestOCSP: !!o.requestOCSP, requestSCT: !!o.requestSCT, keepChain: !!o.keepChain,
        grease: !!o.grease, permuteExtensions: !!o.permuteExtensions,
        store, insecure, certProfile: o.certProfile, minVersion: o.minVersion, maxFragment: o.maxFragment, keyLog: o.keyLog, verify,
        session, earlyData: !!this.early, onSession, cert: o.cert, key: o.key,
        psks: pskList(o.psk),
      });
    } finally {
      // The engine has its own copy; the store's (deleted, single-use)
      // holds the resumption PSK: zero it. options.session stays the caller's.
      if (fromStore) session.fill(0);
    }
    if (this.finished) return this.cleanup();
    // Node's net.connect() to an address issues connect(2) from
    // process.nextTick (a name's DNS lookup starts at once): let that run
    // before the ClientHello's key shares. A browser's WebSocket is
    // connecting already. (A resumption's ticket age is now taken before
    // the connect instead of after it.)
    if (isNode()) await new Promise((r) => process.nextTick(r));
    if (this.finished) return this.cleanup();
    this.engine.start();   // the ClientHello (key shares), before we wait for the transport
    this.transport = await opening;
    this.opening = null;
    if (this.finished) {
      dropPair(this.transport);
      return this.cleanup();
    }
    const direct = this.transport[DIRECT_IO]?.();
    if (direct) {
      ({ reader: this.reader, writer: this.writer } = direct);
    } else {
      this.writer = this.transport.writable.getWriter();
      this.writer.closed.catch(noop);
      this.reader = this.transport.readable.getReader();
    }
    this.readLoop();
    this.pump();
  }

  async readLoop() {
    try {
      for (;;) {
        const { value, done } = await this.reader.read();
        if (this.finished) return;
        if (done) break;
        if (!value || !value.byteLength) continue;
        this.inChunk = value instanceof Uint8Array ? value : new Uint8Array(value);
        this.inOff = 0;
        await new Promise((resolve) => { this.inDrained = resolve; this.pump(); });
        if (this.finished) return;
      }
    } catch (e) {
      if (this.finished) return;
      this.transportError = toTLSError(e);
    }
    this.transportEOF = true;
    this.pump();
  }

  // Moves every byte that can move now; re-entrant calls are folded.
  pump() {
    if (this.pumping) { this.again = true; return; }
    if (this.finished || !this.engine || !this.writer) return;
    this.pumping = true;
    // The engine keeps its record buffers through the burst (hold) and
    // wipes and frees them once, at the end, if nothing is in flight.
    const e = this.engine;
    try {
      e.hold(true);
      do {
        this.again = false;
        this.step();
      } while (this.again && !this.finished);
    } catch (err) {
      this.fail(toTLSError(err, 'internal_error'));
    } finally {
      this.pumping = false;
      try {
        e.hold(false);
      } catch (err) {
        this.fail(toTLSError(err, 'internal_error'));
      }
    }
  }

  step() {
    const e = this.engine;
    for (;;) {
      const st = e.state();
      if (st & SENDREC) {
        if (this.writeDead) {
          e.takeRecords();
          continue;
        }
        if (this.outBytes < OUT_HWM) {
          const rec = e.takeRecords();
          this.outBytes += rec.length;
          this.writer.write(rec).then(() => {
            this.outBytes -= rec.length;
            this.lastSent = Date.now();
            this.pump();
          }, (err) => {
            this.outBytes -= rec.length;
            if (!this.writeDead) {
              this.writeDead = true;
              if (!this.transportError) this.transportError = toTLSError(err);
            }
            this.pump();
          });
          continue;
        }
      }
      // 0-RTT: options.earlyData goes in while the engine takes early data.
      if (this.early && this.earlyOff < this.early.length && (st & SENDEARLY) && !e.handshakeDone()) {
        const n = e.putApp(this.early, this.earlyOff);
        if (n) {
          this.earlyOff += n;
          e.flush();
          continue;
        }
      }
      if (!this.info && e.handshakeDone()) {
        this.info = e.info();
        if (this.early) {
          // Accepted: bytes past the server's max_early_data follow as
          // ordinary data (nothing is sent twice). Rejected or not sent:
          // nothing is resent; info.earlyData tells the caller.
          if (this.info.earlyData === 'accepted' && this.earlyOff < this.early.length) {
            this.earlyRest = { chunk: this.early, off: this.earlyOff, resolve: noop, reject: noop };
          }
          this.early = null;
        }
        this.resolveOpened(this.info);
      }
      // After close(), what no read is waiting for is dropped, not held:
      // the engine reads on to the peer's close_notify. A readable that
      // lost data that way errors rather than ending as if complete.
      if ((st & RECVAPP) && (this.pullResolve || this.readClosed || this.userClosed)) {
        const data = this.takeApp();
        if (!this.readClosed && this.userClosed && !this.pullResolve) {
          this.readClosed = true;
          try { this.readCtrl.error(new TLSError('closed', 'close() dropped data that was not read', ERR_BAD_STATE)); } catch { /* */ }
        } else if (!this.readClosed) {
          this.readCtrl.enqueue(data);
          if (this.readCtrl.desiredSize <= 0) {
            const r = this.pullResolve;
            this.pullResolve = null;
            r();
          }
        }
        continue;
      }
      if ((st & RECVREC) && this.inChunk) {
        this.pushIn();
        continue;
      }
      if ((st & RECVREC) && !this.inChunk && this.transportEOF) {
        e.eof();
        continue;
      }
      if (!(st & RECVREC) && !(st & RECVAPP) && !(st & CLOSED) && this.writeDead && !this.transportEOF) {
        // nothing can move any more: the transport is gone both ways
        e.eof();
        continue;
      }
      // Application writes only after the handshake: they are never 0-RTT.
      if ((st & SENDAPP) && (this.earlyRest || this.pendingWrite) && e.handshakeDone()) {
        const w = this.earlyRest || this.pendingWrite;
        w.off += e.putApp(w.chunk, w.off);
        if (w.off >= w.chunk.length) {
          if (w === this.earlyRest) this.earlyRest = null;
          else this.pendingWrite = null;
          e.flush();
          w.resolve();
        }
        continue;
      }
      if (st & CLOSED) {
        this.finish();
      }
      return;
    }
  }

  // Feeds the engine from the current transport chunk; the transport's
  // next read may start once the chunk is all in.
  pushIn() {
    this.inOff += this.engine.pushRecords(this.inChunk, this.inOff);
    if (this.inOff >= this.inChunk.length) {
      this.inChunk = null;
      const r = this.inDrained;
      this.inDrained = null;
      if (r) r();
    }
  }

  // The plaintext of the records the engine holds and of those the
  // current transport chunk completes, as one chunk: the copy out of wasm
  // memory, enqueue() and the reader's promise are paid per transport read
  // rather than per record (a 64 KiB read is four 16 KiB records). Sized
  // by the ciphertext left, which bounds its plaintext; a record begun in
  // an earlier chunk may not fit, and then waits for the next call.
  takeApp() {
    const e = this.engine;
    const left = this.inChunk ? this.inChunk.length - this.inOff : 0;
    const out = allocBytes(e.appLength() + left);
    let n = 0;
    for (;;) {
      n += e.takeApp(out, n);
      if (n === out.length || (e.state() & RECVAPP) || !this.inChunk) break;
      this.pushIn();
      if (!(e.state() & RECVAPP)) break;
    }
    if (n === out.length) return out;
    out.fill(0, n);   // allocBytes() may not have zeroed it: .buffer reaches it
    return out.subarray(0, n);
  }

  // The engine reached WT_CLOSED: settle everything.
  finish() {
    const e = this.engine;
    let err = e.lastError();
    // Truncation (EOF without close_notify) is reported even after our own
    // close_notify (writable.close(), a half-close: the reader still wants
    // the whole response). Only close() / cancel() of the whole socket means
    // the application no longer cares how the peer ends.
    // After close() the end of the transport without close_notify (or
    // close() giving the peer up) still settles closed; only a reader still
    // reading learns, as truncated, that the data did not end with it.
    let cut = null;
    if (err && err.errno === ERR_TRUNCATED && this.userClosed && e.handshakeDone()) { cut = this.transportError || err; err = null; }
    if (err && err.errno === ERR_TRUNCATED && this.transportError) err = this.transportError;
    if (err && err.errno === ERR_CALLBACK && this.verifyReason) err.reason = `verify hook rejected the connection: ${this.verifyReason}`;
    if (err && this.userClosed && !e.handshakeDone()) {
      err = new TLSError('closed', 'closed before the handshake completed', ERR_BAD_STATE);
    }
    if (err) return this.fail(err);
    this.finished = true;
    if (!this.info) this.rejectOpened(new TLSError('closed', 'closed before the handshake completed', ERR_BAD_STATE));
    if (!this.readClosed) {
      this.readClosed = true;
      try {
        if (cut) this.readCtrl.error(cut);
        else this.readCtrl.close();
      } catch { /* cancelled */ }
    }
    if (this.pullResolve) { this.pullResolve(); this.pullResolve = null; }
    if (this.pendingWrite) {
      this.pendingWrite.reject(new TLSError('closed', 'connection closed by the peer', ERR_BAD_STATE));
      this.pendingWrite = null;
    }
    this.cleanup();
    this.resolveClosed();
  }

  fail(err) {
    if (this.finished) return;
    this.finished = true;
    this.failure = err;
    this.rejectOpened(err);
    if (!this.readClosed) {
      this.readClosed = true;
      try { this.readCtrl.error(err); } catch { /* */ }
    }
    if (this.pullResolve) { this.pullResolve(); this.pullResolve = null; }
    if (this.pendingWrite) { this.pendingWrite.reject(err); this.pendingWrite = null; }
    if (this.inDrained) { this.inDrained(); this.inDrained = null; }
    this.cleanup(true);
    if (this.userClosed && !(err instanceof TLSError && err.code !== 'closed')) this.resolveClosed();
    else this.rejectClosed(err);
  }

  cleanup(abort = false) {
    clearTimeout(this.closeTimer);
    this.closeTimer = null;
    if (this.opening) {
      // start() ended (failed, or the socket was closed) before it took
      // the transport it had begun to open: close that when it is there.
      const p = this.opening;
      this.opening = null;
      p.then(dropPair, noop);
    }
    let ending = null;
    if (this.writer) {
      const w = this.writer;
      this.writer = null;
      ending = (abort ? w.abort() : w.close()).catch(noop);
    }
    if (this.reader) {
      const r = this.reader;
      this.reader = null;
      // Cancelling a TCP transport's reader destroys the socket, and with
      // it whatever of ours Node has not yet handed to the kernel: after a
      // graceful end, only once the writer's close is through (our last
      // bytes, then the FIN), or closeTimeout ms on if it never is.
      if (abort || !ending) r.cancel().catch(noop);
      else {
        let t;
        Promise.race([ending, new Promise((res) => { t = timer(res, this.closeTimeout); })])
          .then(() => { clearTimeout(t); return r.cancel(); }).catch(noop);
      }
    }
    // The engine and the stores it reads go together, after any wasm call
    // a hook of ours runs in has returned (a hook may end the connection).
    const engine = this.engine, store = this.store, trust = this.trust;
    this.store = 0;
    this.trust = null;
    const release = () => {
      if (engine) engine.destroy();
      if (store) this.w.freeStore(store);
      // after engine.destroy(): the engine no longer uses the store
      if (trust) releaseStore(trust);
    };
    if (engine) engine.runOutside(release);
    else release();
  }

  // Socket.close(): close_notify (or abandon the handshake), then wait for the end.
  close() {
    if (this.finished) return this.closed.then(noop, noop);
    this.userClosed = true;
    if (this.engine && this.writer) {
      this.engine.close();
      this.pump();
      this.watchClose();
    } else {
      this.fail(new TLSError('closed', 'closed before the handshake completed', ERR_BAD_STATE));
    }
    return this.closed.then(noop, noop);
  }

  // close() settles even when the peer never answers our close_notify and
  // never ends, or stops taking our bytes. Once nothing of ours has moved
  // for closeTimeout ms (an upload that is slow but moving goes on), the
  // peer is given up: with all our bytes taken by the transport, as if it
  // had ended (closed resolves: RFC 8446 6.1 lets us close without its
  // close_notify, and close() means the application no longer cares how
  // the peer ends); with some of ours still waiting, as a failure (closed
  // rejects with 'timeout': those bytes were not sent).
  watchClose() {
    if (this.closeTimer || this.finished) return;
    const ms = this.closeTimeout;
    const since = Date.now();
    const check = () => {
      this.closeTimer = null;
      if (this.finished) return;
      const idle = Date.now() - Math.max(since, this.lastSent);
      if (idle < ms) {
        this.closeTimer = timer(check, ms - idle);
        return;
      }
      if (this.outBytes > 0 || (this.engine.state() & SENDREC)) {
        this.fail(new TLSError('timeout', `close(): the transport took none of our last ${this.outBytes} bytes in ${ms} ms`));
        return;
      }
      this.transportEOF = true;   // the end the peer did not send
      this.pump();
    };
    this.closeTimer = timer(check, ms);
  }
}

/**
 * The session-store key connect(address, options) uses (see sessionKey()).
 * Loads the engine, and the default roots when options.ca is absent.
 */
export async function sessionKeyFor(address, options = {}) {
  const { hostname, port } = parseAddress(address);
  const w = await loadEngine();
  if (options.rejectUnauthorized === false) return keyFor(w, 0, hostname, port, options);
  if (!options.ca) return keyFor(w, await loadDefaultRoots(w), hostname, port, options);
  if (options.ca instanceof TrustStore) return keyFor(w, 0, hostname, port, options);
  const store = w.storeFromPem(options.ca);
  try {
    return keyFor(w, store, hostname, port, options);
  } finally {
    w.freeStore(store);
  }
}

/**
 * Opens a TLS 1.3 connection. See index.d.ts for the options.
 * @returns {{readable: ReadableStream<Uint8Array>, writable: WritableStream<Uint8Array>,
 *   opened: Promise<object>, closed: Promise<void>, close(): Promise<void>}}
 */
export function connect(address, options = {}) {
  const c = new Conn(address, options);
  return {
    readable: c.readable,
    writable: c.writable,
    opened: c.opened,
    closed: c.closed,
    close: () => c.close(),
    get info() { return c.info; },
    exportKeyingMaterial: (label, length, context) => {
      if (!c.engine || !c.engine.ptr) throw engineError(ERR_BAD_STATE, 'not connected');
      return c.engine.exportKeyingMaterial(label, length, context);
    },
    keyUpdate: (requestPeer = true) => {
      if (!c.engine || !c.engine.ptr) throw engineError(ERR_BAD_STATE, 'not connected');
      c.engine.keyUpdate(requestPeer);
      c.pump();
    },
  };
}
