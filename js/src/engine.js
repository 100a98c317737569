// The wasm engine: loading, imports (random, time, callbacks) and a thin
// per-connection wrapper over the exported buffer/ack pairs. JS only moves
// bytes: it copies into the engine's own buffers, calls it, copies out.
import { TLSError, engineError, shown } from './errors.js';
import { ERR_ALERT_RECEIVED, ERR_BAD_CONFIG, ERR_BUFFER_TOO_SMALL } from './codes.js';
import { kernelRandom } from './node_io.js';

export const CLOSED = 0x01, SENDREC = 0x02, RECVREC = 0x04, SENDAPP = 0x08, RECVAPP = 0x10, SENDEARLY = 0x20;
const B_SENDREC = 0, B_RECVREC = 1, B_SENDAPP = 2, B_RECVAPP = 3;

export const GROUPS = { x25519: 0x001d, secp256r1: 0x0017, secp384r1: 0x0018, secp521r1: 0x0019,
  X25519MLKEM768: 0x11ec, MLKEM1024: 0x0202 };

export const isNode = () => typeof process !== 'undefined' && !!(process.versions && process.versions.node);

// A Node built-in module without the ESM loader (process.getBuiltinModule:
// Node 20.16+, 22.3+; else undefined, and the caller imports it): in a fresh
// process import() costs a few ms of loader work, and it is async, so a
// tcp() connect could not start before the caller's next computation.
export const nodeBuiltin = (name) => globalThis.process?.getBuiltinModule?.(name);

let wasmSource = null;
let loading = null;
let rootsSource = null;
let rootsLoading = null;

/** Override where the engine (and roots) come from: URL, string, bytes or a WebAssembly.Module. */
export function setWasmSource(src, roots) {
  if (src) { wasmSource = src; loading = null; }
  if (roots) { rootsSource = roots; rootsLoading = null; }
}

async function fetchBytes(src) {
  if (src instanceof Uint8Array || src instanceof ArrayBuffer) return src;
  const url = src instanceof URL ? src : new URL(String(src), import.meta.url);
  // Read at once: this is the engine (or roots.bin) that the first
  // connection waits for, one small local file; fs/promises would cost a
  // fresh process the ESM loader and four thread-pool round trips.
  if (url.protocol === 'file:') return (nodeBuiltin('node:fs') ?? await import(/* webpackIgnore: true */ 'node:fs')).readFileSync(url);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot load ${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

const dec = new TextDecoder();
const enc = new TextEncoder();

class Wasm {
  constructor() {
    this.conns = new Map();
    this.nextId = 1;
    this.x = null;
    this.mem = null;
    this._u8 = null;
    this.caParsed = 0;    // storeFromPem() calls (engineStats(): proves a TrustStore is parsed once)
    this.storesOpen = 0;  // stores allocated and not yet freed
  }

  u8() {
    if (this._u8 === null || this._u8.buffer !== this.mem.buffer) this._u8 = new Uint8Array(this.mem.buffer);
    return this._u8;
  }

  cstr(p) {
    if (!p) return null;
    const u = this.u8();
    let e = p;
    while (u[e] !== 0) e++;
    return dec.decode(u.subarray(p, e));
  }

  // bytes -> malloc'd copy in wasm memory (caller frees)
  put(bytes, nul = false) {
    const p = this.x.wtw_alloc(bytes.length + (nul ? 1 : 0));
    if (!p) throw engineError(ERR_BUFFER_TOO_SMALL, 'wasm heap exhausted');
    const u = this.u8();
    u.set(bytes, p);
    if (nul) u[p + bytes.length] = 0;
    return p;
  }

  imports() {
    return {
      env: {
        wt_js_random: (p, n) => {
          try {
            const u = this.u8();
            if (kernelRandom(u, p, n)) return 0;
            for (let o = 0; o < n; o += 65536) globalThis.crypto.getRandomValues(u.subarray(p + o, p + Math.min(n, o + 65536)));
            return 0;
          } catch {
            return -1;
          }
        },
        wt_js_now: () => Date.now(),
        wt_js_keylog: (id, p, n) => {
          const c = this.conns.get(id);
          if (c && c.onKeylog) {
            inHook(c, () => {
              try { c.onKeylog(dec.decode(this.u8().subarray(p, p + n))); } catch { /* a hook must not break the handshake */ }
            });
          }
        },
        wt_js_verify: (id) => {
          const c = this.conns.get(id);
          if (!c || !c.onVerify) return 1;
          return inHook(c, () => (c.onVerify() ? 0 : 1));
        },
        wt_js_session: (id, p, n) => {
          const c = this.conns.get(id);
          if (c && c.onSession) {
            inHook(c, () => {
              try { c.onSession(this.u8().slice(p, p + n)); } catch { /* a store must not break the connection */ }
            });
          }
        },
        emscripten_notify_memory_growth: () => { this._u8 = null; },
      },
    };
  }

  errorName(code) { return this.cstr(this.x.wtw_error_name(code)); }
  alertName(a) { return this.cstr(this.x.wtw_alert_name(a)); }
  suiteName(id) { return this.cstr(this.x.wtw_suite_name(id)) ?? `0x${id.toString(16).padStart(4, '0')}`; }
  groupName(id) { return this.cstr(this.x.wtw_group_name(id)) ?? `0x${id.toString(16).padStart(4, '0')}`; }
  sigalgName(id) { return this.cstr(this.x.wtw_sigalg_name(id)) ?? `0x${id.toString(16).padStart(4, '0')}`; }
  versionName(v) { return this.cstr(this.x.wtw_version_name(v)) ?? 'unknown'; }
  /** Cipher suite id for its IANA name (TLS_AES_128_GCM_SHA256, ...), 0 if unknown. */
  suiteId(name) { return this.idFromName(this.x.wtw_suite_from_name, name); }
  /** Signature scheme id for a name (rsa_pss_rsae_sha256, ...), 0 if unknown. */
  sigalgId(name) { return this.idFromName(this.x.wtw_sigalg_from_name, name); }
  idFromName(fromName, name) {
    const p = this.put(enc.encode(String(name)), true);
    try { return fromName(p); } finally { this.x.wtw_free(p); }
  }

  // A TLSError for an engine error code (code name, alert, reason).
  error(code, reason) {
    let alert = null;
    if ((code & ~0xff) === ERR_ALERT_RECEIVED) alert = code & 0xff;
    else {
      const a = this.x.wtw_error_alert(code);
      if (a) alert = a;
    }
    if (!reason && (code & ~0xff) === ERR_ALERT_RECEIVED) reason = this.alertName(code & 0xff);
    return new TLSError(this.errorName(code), reason || `error 0x${code.toString(16)}`, code, alert);
  }

  // Trust store from PEM text (one string, or several). Returns a pointer.
  // Certificates that cannot be trust anchors (Ed25519, RSA-PSS, RSA over
  // 4096 or under 2048 bits, malformed) are skipped: onWarning(message) is
  // called for each ("ca: skipping certificate N (SUBJECT): REASON"); only
  // a `ca` left with nothing usable throws, naming what was skipped.
  storeFromPem(pem, onWarning = null) {
    const text = Array.isArray(pem) ? pem.join('\n') : String(pem);
    const bytes = enc.encode(text);
    const p = this.put(bytes);
    try {
      this.caParsed++;
      const s = this.x.wtw_store_pem(p, bytes.length);
      if (s) this.storesOpen++;
      const code = s ? 0 : this.x.wtw_len();
      const skips = [];
      let why = null;
      for (const line of (this.cstr(this.x.wtw_store_log()) || '').split('\n')) {
        const f = line.split('\t');
        if (f[0] === 'skip' && f.length === 4) skips.push(`certificate ${f[1]}${f[2] ? ` (${f[2]})` : ''}: ${f[3]}`);
        else if (f[0] === 'error' && f.length === 2) why = f[1];
      }
      if (!s) {
        const what = skips.length ? `: ${skips.join('; ')}` : '';
        throw engineError(ERR_BAD_CONFIG, `ca: ${why || 'no usable PEM certificate'} (${this.errorName(code)})${what}`);
      }
      if (onWarning) {
        for (const k of skips) {
          try { onWarning(`ca: skipping ${k}`); } catch { /* a hook must not break loading */ }
        }
      }
      return s;
    } finally {
      this.x.wtw_free(p);
    }
  }

  storeFromBlob(bytes) {
    const p = this.put(bytes);
    const s = this.x.wtw_store_blob(p, bytes.length); // takes ownership
    if (!s) throw engineError(ERR_BAD_CONFIG, 'default root store (roots.bin) is malformed');
    this.storesOpen++;
    return s;
  }

  freeStore(s) {
    if (!s) return;
    this.x.wtw_store_free(s);
    this.storesOpen--;
  }

  // SHA-256 (hex) computed in wasm: of the store's trust anchors
  // (wt_trust_anchors_digest; store 0 = none), or of bytes.
  storeDigest(s) { return this.digest32((out) => this.x.wtw_store_digest(s, out)); }
  sha256(bytes) {
    const p = this.put(bytes);
    try { return this.digest32((out) => this.x.wtw_sha256(p, bytes.length, out)); } finally { this.x.wtw_free(p); }
  }
  digest32(fn) {
    const out = this.x.wtw_alloc(32);
    if (!out) throw engineError(ERR_BUFFER_TOO_SMALL, 'wasm heap exhausted');
    try {
      fn(out);
      return Array.from(this.u8().subarray(out, out + 32), (b) => b.toString(16).padStart(2, '0')).join('');
    } finally { this.x.wtw_free(out); }
  }
}

let wasmInstance = null;

// A module whose one function uses memory.fill (bulk memory) and
// i64x2.extmul_low_i32x4_u, among the last opcodes of the final SIMD128
// spec: runtimes that validate it run the -msimd128 -mbulk-memory build
// (wasmtls.wasm), others get wasmtls-nosimd.wasm.
const SIMD_PROBE = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7b, 3, 2, 1, 0,
  5, 3, 1, 0, 0, 0x0a, 0x18, 1, 0x16, 0, 0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 0x0b, 0,
  0x41, 0, 0xfd, 0x11, 0x41, 0, 0xfd, 0x11, 0xfd, 0xde, 1, 0x0b]);
export function wasmSimdSupported() {
  try { return WebAssembly.validate(SIMD_PROBE); } catch { return false; }
}

// A hook (keylog, verify, session) runs inside a wasm call that is still
// using the connection's memory: what it asks to free (Engine.runOutside)
// waits until that call has returned (a microtask runs only then).
function inHook(c, f) {
  c.hookDepth = (c.hookDepth || 0) + 1;
  try {
    return f();
  } finally {
    if (--c.hookDepth === 0 && c.deferred) {
      const d = c.deferred;
      c.deferred = null;
      queueMicrotask(() => { for (const g of d) g(); });
    }
  }
}

/** Loads and instantiates the engine once; later calls share it. */
export function loadEngine() {
  if (loading) return loading;
  loading = (async () => {
    const w = new Wasm();
    w.simd = wasmSource ? null : wasmSimdSupported();
    const src = wasmSource ?? new URL(w.simd ? '../dist/wasmtls.wasm' : '../dist/wasmtls-nosimd.wasm', import.meta.url);
    const m = src instanceof WebAssembly.Module ? src : await fetchBytes(src);
    // Node: compile and instantiate synchronously. This is the first
    // connection's wait either way (V8 compiles lazily: this validates and
    // sets up), and the async form only adds a hop through V8's background
    // compile tasks, which a busy machine schedules late. Browsers keep the
    // async form (some refuse a large synchronous compile on the main thread).
    const r = isNode() ? new WebAssembly.Instance(m instanceof WebAssembly.Module ? m : new WebAssembly.Module(m), w.imports())
      : await WebAssembly.instantiate(m, w.imports());
    const instance = r.instance || r;   // bytes give { module, instance }
    w.x = instance.exports;
    w.mem = instance.exports.memory;
    if (w.x._initialize) w.x._initialize();
    w.info = infoLayout(w.x.wtw_info_layout ? w.cstr(w.x.wtw_info_layout()) : null);
    wasmInstance = w;
    return w;
  })();
  loading.catch(() => { loading = null; });
  return loading;
}

/** Default roots (Mozilla, via Debian ca-certificates): fetched on first use only. */
export function loadDefaultRoots(w) {
  if (rootsLoading) return rootsLoading;
  rootsLoading = (async () => {
    const bytes = await fetchBytes(rootsSource ?? new URL('../dist/roots.bin', import.meta.url));
    return w.storeFromBlob(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
  })();
  rootsLoading.catch(() => { rootsLoading = null; });
  return rootsLoading;
}

export function engineStats() {
  const w = wasmInstance;
  return w ? { heapBytes: w.mem.buffer.byteLength, connBytes: w.x.wtw_conn_size(),
    caParsed: w.caParsed, storesOpen: w.storesOpen, simd: w.simd } : null;
}

// A TrustStore's wasm store, apart from the object so that the finalizer
// (which must not reach the TrustStore) can free it.
class StoreCell {
  constructor(w, ptr) { Object.assign(this, { w, ptr, refs: 0, closed: false }); }
  free() {
    if (this.ptr && this.refs === 0) {
      this.w.freeStore(this.ptr);
      this.ptr = 0;
    }
  }
}
// A TrustStore dropped without close() is freed when collected. A
// connection keeps its TrustStore reachable (and counts itself in refs)
// until it ends, so the store outlives every engine that uses it.
const storeFinalizer = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((cell) => { cell.closed = true; cell.free(); }) : null;

// Each TrustStore's cell, and the token that only trustStore() holds:
// neither is reachable from outside this module, so a host cannot release
// a store an engine still points into, nor forge a TrustStore.
const storeCells = new WeakMap();
const MAKE = Symbol('trustStore()');

/**
 * PEM trust anchors parsed once into the engine (like node:tls's
 * SecureContext), for `ca` in any number of connect() / verifyChain() calls.
 * Made by trustStore(); close() frees it once the connections using it end.
 */
export class TrustStore {
  constructor(token, w, ptr) {
    if (token !== MAKE) throw new TypeError('TrustStore: made by trustStore(pem) only');
    const cell = new StoreCell(w, ptr);
    storeCells.set(this, cell);
    /** SHA-256 (hex) of the trust anchors: the ";ca=" of session keys, as for the same PEM string */
    this.digest = w.storeDigest(ptr);
    /** number of trust anchors */
    this.count = w.x.wtw_store_count(ptr);
    if (storeFinalizer) storeFinalizer.register(this, cell, cell);
    Object.freeze(this);
  }

  get closed() { return cellOf(this).closed; }

  /** No new connections; the wasm store is freed once those using it end. Idempotent. */
  close() {
    const c = cellOf(this);
    if (c.closed) return;
    c.closed = true;
    if (storeFinalizer) storeFinalizer.unregister(c);
    c.free();
  }
}

function cellOf(ts) {
  const c = storeCells.get(ts);
  if (!c) throw engineError(ERR_BAD_CONFIG, 'ca: not a TrustStore made by trustStore()');
  return c;
}

// The store of ts for one user in engine w; releaseStore(ts) when done.
export function acquireStore(ts, w) {
  const c = cellOf(ts);
  if (c.closed) throw engineError(ERR_BAD_CONFIG, 'ca: this TrustStore is closed (TrustStore.close() was called)');
  if (c.w !== w) throw engineError(ERR_BAD_CONFIG, 'ca: this TrustStore belongs to another engine instance (made before setWasmSource())');
  c.refs++;
  return c.ptr;
}

export function releaseStore(ts) {
  const c = cellOf(ts);
  if (c.refs > 0) c.refs--;
  if (c.closed) c.free();
}

/**
 * Parses PEM trust anchors once (skipped certificates go to onWarning, as
 * for `ca`; none usable: TLSError bad_config). Resolves to a TrustStore.
 */
export async function trustStore(ca, { onWarning = defaultWarning } = {}) {
  const w = await loadEngine();
  return new TrustStore(MAKE, w, w.storeFromPem(ca, onWarning));
}

const isIPv4 = (h) => /^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}$/.test(h);
export const isIP = (h) => isIPv4(h) || h.includes(':');

// The handshake-info record of wasmtls.wasm (wtw_info) describes itself:
// wtw_info_layout() is "wasmtls-info/1" and the name of each of its u32
// words, in order (wasm/wasmtls_wasm.c). These are the words info() reads.
const INFO_FORMAT = 'wasmtls-info/1';
const INFO_FIELDS = ['version', 'cipher_suite', 'group', 'sigalg', 'hrr', 'resumed', 'verified',
  'alpn', 'server_name', 'peer_cert_count', 'peer_certs', 'early_data', 'early_data_len',
  'client_cert_sent', 'ocsp_response', 'ocsp_response_len', 'sct_list', 'sct_list_len',
  'early_data_reason', 'external_psk'];

/**
 * The word index of each field and the record's length in words, from a
 * layout descriptor (wtw_info_layout()). Throws TLSError 'wasm_mismatch'
 * for another format, a repeated name or a missing field: a wasmtls.wasm
 * that is not the one this JS was built with.
 */
export function infoLayout(descriptor) {
  const mismatch = (what) => new TLSError('wasm_mismatch', `wasmtls.wasm ${what}, but this JS reads ${INFO_FORMAT} ` +
    'handshake info: load the wasmtls.wasm of the same wasmtls version');
  if (typeof descriptor !== 'string') throw mismatch('does not describe its handshake info (no wtw_info_layout)');
  const [format, ...names] = descriptor.split(' ');
  if (format !== INFO_FORMAT) throw mismatch(`describes its handshake info as '${format}'`);
  const at = {};
  for (const [i, name] of names.entries()) {
    if (Object.hasOwn(at, name)) throw mismatch(`names the handshake-info word '${name}' twice`);
    at[name] = i;
  }
  const missing = INFO_FIELDS.filter((name) => !Object.hasOwn(at, name));
  if (missing.length) throw mismatch(`has no handshake-info word ${missing.join(', ')}`);
  return { at, words: names.length };
}

const EARLY = ['not_sent', 'accepted', 'rejected', 'pending'];
const CERT_ERRORS = [null, 'cert: no usable PEM certificate chain',
  'key: not a PEM P-256/P-384 EC or 2048..4096-bit RSA private key',
  'key does not match the certificate in cert', 'wasm heap exhausted'];

/**
 * One engine connection. cfg: {servername, verifyIp, alpn[], ciphers[], groups[],
 * store (pointer or 0), insecure, maxFragment, keyLog(line), verify(),
 * session (blob to offer), earlyData (bool), onSession(blob), cert, key (PEM)}.
 */
export class Engine {
  constructor(w, cfg) {
    this.w = w;
    const x = w.x;
    this.id = w.nextId++;
    this.ptr = x.wtw_new(this.id);
    if (!this.ptr) throw engineError(ERR_BUFFER_TOO_SMALL, 'wasm heap exhausted');
    w.conns.set(this.id, this);
    this.onKeylog = cfg.keyLog || null;
    this.onVerify = cfg.verify || null;
    this.onSession = cfg.onSession || null;
    try {
      const setStr = (fn, s, what) => {
        const b = enc.encode(s);
        const p = w.put(b);
        const rc = fn(this.ptr, p, b.length);
        x.wtw_free(p);
        if (rc) throw engineError(ERR_BAD_CONFIG, `bad ${what} '${s}'`);
      };
      if (cfg.servername) setStr(x.wtw_set_server_name, cfg.servername, 'servername');
      if (cfg.verifyIp) setStr(x.wtw_set_verify_ip, cfg.verifyIp, 'IP address');
      for (const a of cfg.alpn || []) setStr(x.wtw_add_alpn, a, 'ALPN protocol');
      for (const s of cfg.ciphers || []) {
        const id = typeof s === 'number' ? s : w.suiteId(s);
        if (!id || x.wtw_add_id(this.ptr, 0, id)) throw engineError(ERR_BAD_CONFIG, `unknown cipher suite '${s}'`);
      }
      for (const g of cfg.groups || []) {
        const id = typeof g === 'number' ? g : GROUPS[g];
        if (!id || x.wtw_add_id(this.ptr, 1, id)) throw engineError(ERR_BAD_CONFIG, `unknown group '${g}'`);
      }
      // Signature schemes offered/accepted (sigalgs) and our signing order
      // (signAlgs); groups given a key share (keyShares, [] = none). The
      // engine checks the values (wt_config.sig_algs, sign_algs, key_shares).
      for (const [list, which, what] of [[cfg.sigalgs, 2, 'signature scheme'], [cfg.signAlgs, 3, 'signature scheme']]) {
        for (const s of list || []) {
          const id = typeof s === 'number' ? s : w.sigalgId(s);
          if (!id || x.wtw_add_id(this.ptr, which, id)) throw engineError(ERR_BAD_CONFIG, `unknown or too many ${what} '${s}'`);
        }
      }
      for (const g of cfg.keyShares || []) {
        const id = typeof g === 'number' ? g : GROUPS[g];
        if (!id || x.wtw_add_id(this.ptr, 4, id)) throw engineError(ERR_BAD_CONFIG, `unknown or too many key share groups '${g}'`);
      }
      x.wtw_set_flags(this.ptr, (Array.isArray(cfg.keyShares) && cfg.keyShares.length === 0 ? 1 : 0)
        | (cfg.requestOCSP ? 2 : 0) | (cfg.requestSCT ? 4 : 0)
        | (cfg.grease ? 8 : 0) | (cfg.permuteExtensions ? 16 : 0) | (cfg.keepChain ? 32 : 0));
      if (cfg.session && cfg.session.length) {
        const p = w.put(cfg.session);
        const rc = x.wtw_set_session(this.ptr, p, cfg.session.length, cfg.earlyData ? 1 : 0);
        x.wtw_wipe_free(p, cfg.session.length);   // the blob holds the resumption PSK
        if (rc) throw engineError(ERR_BAD_CONFIG, 'session blob too large');
      }
      // External PSKs (wt_external_psk): { identity: string | Uint8Array,
      // key: Uint8Array (16..64 bytes), hash: 'sha256' | 'sha384',
      // imported: bool (RFC 9258), context: string | Uint8Array }.
      for (const psk of cfg.psks || []) {
        if (!psk || !(psk.key instanceof Uint8Array)) throw engineError(ERR_BAD_CONFIG, 'psk.key must be a Uint8Array');
        const hash = { sha256: 1, sha384: 2 }[psk.hash ?? 'sha256'];
        if (!hash) throw engineError(ERR_BAD_CONFIG, `psk.hash must be 'sha256' or 'sha384', not '${psk.hash}'`);
        const bytes = (v) => (v instanceof Uint8Array ? v : enc.encode(String(v ?? '')));
        const ib = bytes(psk.identity), cb = bytes(psk.context);
        // lengths are the engine's to check (wt_engine_init names the value)
        const ip = w.put(ib), kp = w.put(psk.key), cp = w.put(cb);
        const rc = x.wtw_add_psk(this.ptr, ip, ib.length, kp, psk.key.length, cp, cb.length, hash, psk.imported ? 1 : 0);
        x.wtw_free(ip); x.wtw_wipe_free(kp, psk.key.length); x.wtw_free(cp);
        if (rc) throw w.error(rc, 'psks: more than WT_MAX_EXTERNAL_PSKS (4) external PSKs');
      }
      if (cfg.cert || cfg.key) {
        if (!cfg.cert || !cfg.key) throw engineError(ERR_BAD_CONFIG, 'cert and key go together');
        const pemBytes = (v) => (v instanceof Uint8Array ? v : enc.encode(Array.isArray(v) ? v.join('\n') : String(v)));
        const cb = pemBytes(cfg.cert), kb = pemBytes(cfg.key);
        const cp = w.put(cb), kp = w.put(kb);
        if (kb !== cfg.key) kb.fill(0);   // our own encoding of the key text (the caller's bytes stay theirs)
        const rc = x.wtw_set_client_cert(this.ptr, cp, cb.length, kp, kb.length);
        x.wtw_free(cp); x.wtw_wipe_free(kp, kb.length);
        if (rc) throw engineError(ERR_BAD_CONFIG, CERT_ERRORS[rc] || 'unusable client certificate');
      }
      x.wtw_configure(this.ptr, cfg.store || 0, cfg.insecure ? 1 : 0,
        (this.onKeylog ? 1 : 0) | (this.onVerify ? 2 : 0) | (this.onSession ? 4 : 0), cfg.maxFragment || 0,
        certProfile(cfg.certProfile), minVersion(cfg.minVersion));
    } catch (e) {
      this.destroy();
      throw e;
    }
  }

  /** Queues the ClientHello; throws TLSError on a bad configuration. */
  start() {
    const rc = this.w.x.wtw_start(this.ptr);
    if (rc) throw this.lastError();
  }

  state() { return this.ptr ? this.w.x.wtw_state(this.ptr) : CLOSED; }

  // hold(true) before a burst of calls that move records, hold(false)
  // after: the record buffers are wiped and freed once, at the end, not
  // after every record (a download paid a 33 KB wipe, two frees and two
  // mallocs per 16 KiB record).
  // A wasmtls.wasm older than wtw_hold releases per call, as it did.
  hold(on) { if (this.ptr && this.w.x.wtw_hold) this.w.x.wtw_hold(this.ptr, on ? 1 : 0); }

  /** Ciphertext to send (a copy), or null. */
  takeRecords() {
    const x = this.w.x;
    const p = x.wtw_buf(this.ptr, B_SENDREC);
    const n = x.wtw_len();
    if (!n) return null;
    const out = this.w.u8().slice(p, p + n);
    x.wtw_ack(this.ptr, B_SENDREC, n);
    return out;
  }

  /** Feeds ciphertext from src[off..]; returns how many bytes were taken. */
  pushRecords(src, off = 0) {
    const x = this.w.x;
    let done = 0;
    while (off + done < src.length) {
      const p = x.wtw_buf(this.ptr, B_RECVREC);
      const room = x.wtw_len();
      if (!room) break;
      const n = Math.min(room, src.length - off - done);
      this.w.u8().set(src.subarray(off + done, off + done + n), p);
      x.wtw_ack(this.ptr, B_RECVREC, n);
      done += n;
    }
    return done;
  }

  /** Plaintext the engine holds for the application, in bytes. */
  appLength() {
    this.w.x.wtw_buf(this.ptr, B_RECVAPP);
    return this.w.x.wtw_len();
  }

  /** Copies decrypted plaintext into dst[off..]; returns how many bytes (0: none). */
  takeApp(dst, off = 0) {
    const x = this.w.x;
    const p = x.wtw_buf(this.ptr, B_RECVAPP);
    const n = Math.min(x.wtw_len(), dst.length - off);
    if (n <= 0) return 0;
    dst.set(this.w.u8().subarray(p, p + n), off);
    x.wtw_ack(this.ptr, B_RECVAPP, n);
    return n;
  }

  /** Copies plaintext from src[off..] into the engine; returns how many bytes were taken. */
  putApp(src, off = 0) {
    const x = this.w.x;
    let done = 0;
    while (off + done < src.length) {
      const p = x.wtw_buf(this.ptr, B_SENDAPP);
      const room = x.wtw_len();
      if (!room) break;
      const n = Math.min(room, src.length - off - done);
      this.w.u8().set(src.subarray(off + done, off + done + n), p);
      x.wtw_ack(this.ptr, B_SENDAPP, n);
      done += n;
    }
    return done;
  }

  flush() { this.w.x.wtw_flush(this.ptr); }
  close() { this.w.x.wtw_close(this.ptr); }
  eof() { this.w.x.wtw_eof(this.ptr); }
  keyUpdate(requestPeer = true) {
    const rc = this.w.x.wtw_key_update(this.ptr, requestPeer ? 1 : 0);
    if (rc) throw this.w.error(rc, 'key update failed');
  }
  handshakeDone() { return this.ptr !== 0 && this.w.x.wtw_done(this.ptr) !== 0; }
  errorCode() { return this.ptr ? this.w.x.wtw_error(this.ptr) : 0; }
  lastError() {
    const code = this.w.x.wtw_error(this.ptr);
    return code ? this.w.error(code, this.w.cstr(this.w.x.wtw_reason(this.ptr))) : null;
  }

  /** Negotiated parameters (also valid inside the verify hook). */
  info() {
    const w = this.w;
    const v = new Uint32Array(w.mem.buffer, w.x.wtw_info(this.ptr), w.info.words);
    const f = (name) => v[w.info.at[name]];
    const bytes = (p, n) => (p ? w.u8().slice(p, p + n) : null);
    const certs = [];
    const n = f('peer_cert_count');
    const c = new Uint32Array(w.mem.buffer, f('peer_certs'), 2 * n);
    for (let i = 0; i < n; i++) certs.push(bytes(c[2 * i], c[2 * i + 1]));
    const psk = f('external_psk') | 0;   // an i32, -1: none
    return {
      version: w.versionName(f('version')),
      cipher: f('cipher_suite') ? w.suiteName(f('cipher_suite')) : null,
      group: f('group') ? w.groupName(f('group')) : null,
      sigalg: f('sigalg') ? w.sigalgName(f('sigalg')) : null,
      hrr: f('hrr') !== 0,
      resumed: f('resumed') !== 0,
      verified: f('verified') !== 0,
      alpn: w.cstr(f('alpn')),
      servername: w.cstr(f('server_name')),
      peerCertificates: certs,
      earlyData: EARLY[f('early_data')] ?? 'not_sent',
      earlyDataLength: f('early_data_len'),
      clientCertificateSent: f('client_cert_sent') !== 0,
      // What the server stapled when asked (requestOCSP / requestSCT),
      // unverified; null when absent.
      ocspResponse: bytes(f('ocsp_response'), f('ocsp_response_len')),
      sctList: bytes(f('sct_list'), f('sct_list_len')),
      earlyDataReason: w.cstr(w.x.wtw_early_reason_name(f('early_data_reason'))),
      // Index in options.psk of the external PSK that authenticated the
      // server (also on a resumed session), or null.
      externalPsk: psk < 0 ? null : psk,
    };
  }

  /** RFC 8446 7.5 exporter; early = the early exporter (0-RTT). */
  exportKeyingMaterial(label, length, context, early = false) {
    const w = this.w, x = w.x;
    const lb = w.put(enc.encode(label), true);
    const ctx = context ? (typeof context === 'string' ? enc.encode(context) : context) : new Uint8Array(0);
    const cp = w.put(ctx);
    const out = x.wtw_alloc(length);
    try {
      const rc = (early ? x.wtw_export_early : x.wtw_export)(this.ptr, lb, cp, ctx.length, context ? 1 : 0, out, length);
      if (rc) throw w.error(rc, 'exporter not available');
      return w.u8().slice(out, out + length);
    } finally {
      x.wtw_free(lb); x.wtw_free(cp); x.wtw_wipe_free(out, length);
    }
  }

  /** Runs f now, or after the wasm call a hook of this engine runs in. */
  runOutside(f) {
    if (this.hookDepth) (this.deferred ||= []).push(f);
    else f();
  }

  destroy() {
    if (this.hookDepth) { this.runOutside(() => this.destroy()); return; }
    if (!this.ptr) return;
    this.w.x.wtw_destroy(this.ptr);
    this.w.conns.delete(this.id);
    this.ptr = 0;
  }
}

/** Where warnings go unless options.onWarning says otherwise (skipped `ca` certificates). */
export function defaultWarning(message) {
  console.warn(`wasmtls: ${message}`);
}

/** WT_VERSION_* for options.minVersion: 'TLSv1.2' (default) or 'TLSv1.3' (Node's names). */
export function minVersion(name) {
  if (name === undefined || name === null || name === 'TLSv1.2') return 0;
  if (name === 'TLSv1.3') return 0x0304;
  throw engineError(ERR_BAD_CONFIG, `minVersion must be 'TLSv1.2' or 'TLSv1.3', got ${shown(name)}`);
}

/** WT_CERT_PROFILE_* for options.certProfile: 'web' (default) or 'private'. */
export function certProfile(name) {
  if (name === undefined || name === null || name === 'web') return 0;
  if (name === 'private') return 1;
  throw engineError(ERR_BAD_CONFIG, `certProfile must be 'web' or 'private', got ${shown(name)}`);
}

/** Verifies a chain (leaf first, DER) against PEM roots, like `wasmtls verify`. */
export async function verifyChain(chainDer, caPem, { host = null, time = Date.now() / 1000, certProfile: profile, onWarning = defaultWarning } = {}) {
  const p = certProfile(profile);
  const w = await loadEngine();
  const x = w.x;
  const ts = caPem instanceof TrustStore ? caPem : null;
  const store = ts ? acquireStore(ts, w) : w.storeFromPem(caPem, onWarning);
  const ptrs = [];
  let tbl = 0, hp = 0;
  try {
    for (const d of chainDer) ptrs.push(w.put(d));
    tbl = x.wtw_alloc(8 * ptrs.length);
    hp = host ? w.put(enc.encode(host), true) : 0;
    const v = new Uint32Array(w.mem.buffer, tbl, 2 * ptrs.length);
    ptrs.forEach((p, i) => { v[2 * i] = p; v[2 * i + 1] = chainDer[i].length; });
    const rc = x.wtw_verify_chain(tbl, ptrs.length, store, hp, time, p);
    if (rc) throw w.error(rc, w.cstr(x.wtw_verify_reason()));
  } finally {
    for (const p of ptrs) x.wtw_free(p);
    if (tbl) x.wtw_free(tbl);
    if (hp) x.wtw_free(hp);
    if (ts) releaseStore(ts);
    else w.freeStore(store);
  }
}
