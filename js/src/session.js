// Session resumption: where tickets live between connections.
//
// A session store is any object with get(key), set(key, blob), delete(key)
// (each may return a Promise, so IndexedDB or a server-side KV works);
// blobs are Uint8Array (the engine's opaque, versioned session format).
// connect() keys sessions by server name + port + offered ALPN (+ the
// trust anchors and client certificate in use, so a session is never
// resumed under other trust settings), takes a blob out with get() and
// delete()s it right away (single-use, RFC 8446 C.4), and set()s every
// new ticket the server sends (the latest one wins). Expired blobs are
// dropped when read.

const MAGIC = [0x57, 0x54, 0x53, 0x01]; // "WTS\x01"

/** Unix ms after which a session blob is useless, or null if the blob is not one we know. */
export function sessionExpiry(blob) {
  if (!(blob instanceof Uint8Array) || blob.length < 27 || MAGIC.some((b, i) => blob[i] !== b)) return null;
  const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const created = dv.getUint32(6) * 2 ** 32 + dv.getUint32(10);
  return created + dv.getUint32(14) * 1000;
}

export function sessionExpired(blob, now = Date.now()) {
  const e = sessionExpiry(blob);
  return e === null || e <= now;
}

/** The default store: a Map in memory (per JS realm), at most `max` entries. */
export class MemorySessionCache {
  constructor({ max = 256 } = {}) {
    this.max = max;
    this.map = new Map();
  }

  get(key) {
    const b = this.map.get(key);
    if (b && sessionExpired(b)) {
      this.map.delete(key);
      return undefined;
    }
    return b;
  }

  set(key, blob) {
    const now = Date.now();
    for (const [k, b] of this.map) if (sessionExpired(b, now)) this.map.delete(k);
    this.map.delete(key);
    this.map.set(key, blob);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value);
  }

  delete(key) { this.map.delete(key); }

  get size() { return this.map.size; }
  clear() { this.map.clear(); }
}

export const defaultSessionCache = new MemorySessionCache();

// FNV-1a (32 bit) over a string: tells trust settings apart in keys.
function fnv(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}
const text = (v) => (v === undefined || v === null ? '' : v instanceof Uint8Array ? new TextDecoder().decode(v)
  : Array.isArray(v) ? v.join('\n') : String(v));

/** The cache key connect() uses: "name:port:alpn1,alpn2" (+ ";ca=…", ";cert=…" when set). */
export function sessionKey({ servername, port, alpn, ca, cert }) {
  let k = `${servername}:${port}:${(alpn || []).join(',')}`;
  if (ca) k += `;ca=${fnv(text(ca))}`;
  if (cert) k += `;cert=${fnv(text(cert))}`;
  return k;
}
