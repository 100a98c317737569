// Byte transports. A transport is any of:
//   { readable, writable }             a ReadableStream/WritableStream pair of bytes
//   { connect(hostname, port) }        returning (a Promise of) such a pair
//   (hostname, port) => pair           the same as a function
// tcp() (Node), websocket(url) (websockify-style: raw bytes in binary
// frames) and wisp(url) (./wisp.js) are provided.
import { TLSError } from './errors.js';

const noop = () => {};
const isNode = () => typeof process !== 'undefined' && !!(process.versions && process.versions.node);

export async function openTransport(t, hostname, port) {
  if (t === undefined || t === null) {
    if (!isNode()) throw new TLSError('bad_config', 'no transport: pass options.transport (websocket(url) or wisp(url))', 0x202);
    t = tcp();
  }
  let pair;
  if (t.readable && t.writable) pair = t;
  else if (typeof t.connect === 'function') pair = await t.connect(hostname, port);
  else if (typeof t === 'function') pair = await t(hostname, port);
  else throw new TLSError('bad_config', 'transport must be {readable, writable}, {connect()} or a function', 0x202);
  if (!pair || !pair.readable || !pair.writable) throw new TLSError('bad_config', 'transport gave no {readable, writable}', 0x202);
  return pair;
}

const u8 = (d) => (d instanceof Uint8Array ? d : new Uint8Array(d.buffer ?? d, d.byteOffset ?? 0, d.byteLength));

/** A Node stream.Duplex (net.Socket) as a {readable, writable} pair with backpressure. */
export function fromNodeSocket(sock) {
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
  }, { highWaterMark: 64 * 1024, size: (c) => c.byteLength });
  const writable = new WritableStream({
    write(chunk) {
      if (sock.destroyed) throw new Error('socket closed');
      if (sock.write(chunk)) return undefined;
      return new Promise((resolve, reject) => {
        const ok = () => { sock.off('close', bad); resolve(); };
        const bad = () => { sock.off('drain', ok); reject(new Error('socket closed')); };
        sock.once('drain', ok);
        sock.once('close', bad);
      });
    },
    close() { return new Promise((resolve) => { if (sock.destroyed) resolve(); else sock.end(resolve); }); },
    abort() { sock.destroy(); },
  });
  return { readable, writable };
}

/** Plain TCP through node:net (Node, Deno, Bun). */
export function tcp(opts = {}) {
  return {
    async connect(hostname, port) {
      const net = await import(/* webpackIgnore: true */ 'node:net');
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

export async function getWebSocket() {
  if (typeof globalThis.WebSocket === 'function') return globalThis.WebSocket;
  const m = await import(/* webpackIgnore: true */ 'ws');
  return m.default || m.WebSocket;
}

/** Opens a WebSocket (global or `ws`), binary frames; resolves once open. */
// onMessage is attached before the socket opens: `ws` may deliver the
// first frame in the same tick as 'open'.
export async function openWebSocket(url, protocols, onMessage) {
  const WS = await getWebSocket();
  const ws = protocols ? new WS(url, protocols) : new WS(url);
  ws.binaryType = 'arraybuffer';
  if (onMessage) ws.addEventListener('message', onMessage);
  await new Promise((resolve, reject) => {
    const onOpen = () => { cleanup(); resolve(); };
    const onErr = () => { cleanup(); reject(new TLSError('connect_failed', `cannot open WebSocket ${url}`)); };
    const onClose = (ev) => { cleanup(); reject(new TLSError('connect_failed', `WebSocket ${url} closed (${ev && ev.code})`)); };
    const cleanup = () => { ws.removeEventListener('open', onOpen); ws.removeEventListener('error', onErr); ws.removeEventListener('close', onClose); };
    ws.addEventListener('open', onOpen);
    ws.addEventListener('error', onErr);
    ws.addEventListener('close', onClose);
  });
  return ws;
}

// Send with backpressure: `ws` (Node) reports completion through a callback;
// browsers only expose bufferedAmount.
export function wsSend(ws, data, limit = 1 << 20) {
  if (ws.readyState !== 1) return Promise.reject(new Error('WebSocket is closed'));
  if (typeof ws.on === 'function' && ws.send.length >= 2) {
    return new Promise((resolve, reject) => ws.send(data, (err) => (err ? reject(err) : resolve())));
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
 * One WebSocket per connection carrying raw bytes (websockify and
 * compatible proxies). url: string, or (hostname, port) => string for
 * proxies that take the target in the URL.
 */
export function websocket(url, opts = {}) {
  return {
    async connect(hostname, port) {
      const u = typeof url === 'function' ? url(hostname, port) : url;
      let ctrl = null;
      let done = false;
      const early = [];
      const ws = await openWebSocket(u, opts.protocols, (ev) => {
        if (done) return;
        if (!ctrl) { early.push(ev); return; }
        onMessage(ev);
      });
      const onMessage = (ev) => {
            if (done) return;
            const d = ev.data;
            if (typeof d === 'string') return; // text frames carry no TLS
            ctrl.enqueue(new Uint8Array(d));
            if (ctrl.desiredSize <= 0 && typeof ws.pause === 'function') ws.pause();
      };
      const readable = new ReadableStream({
        start(c) {
          ctrl = c;
          for (const ev of early.splice(0)) onMessage(ev);
          ws.addEventListener('close', (ev) => {
            if (done) return;
            done = true;
            if (ev.code === 1000 || ev.code === 1005) ctrl.close();
            else ctrl.error(new TLSError('io_error', `WebSocket closed with ${ev.code}${ev.reason ? ` (${ev.reason})` : ''}`));
          });
          ws.addEventListener('error', () => {
            if (!done) { done = true; ctrl.error(new TLSError('io_error', 'WebSocket error')); }
          });
        },
        pull() { if (typeof ws.resume === 'function') ws.resume(); },
        cancel() { done = true; try { ws.close(1000); } catch { /* */ } },
      }, { highWaterMark: 64 * 1024, size: (c) => c.byteLength });
      const writable = new WritableStream({
        write: (chunk) => wsSend(ws, chunk),
        close() { try { ws.close(1000); } catch { /* */ } },
        abort() { try { ws.close(1000); } catch { /* */ } },
      });
      return { readable, writable };
    },
  };
}
