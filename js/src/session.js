// Session resumption: where tickets live between connections.
//
// A session store is any object with get(key), set(key, blob), delete(key)
// (each may return a Promise, so IndexedDB or a server-side KV works);
// blobs are Uint8Array (the engine's opaque, versioned session format).
// connect() keys sessions by everything a session is bound to (sessionKey):
// server name or IP address, port, offered ALPN, how the server was
// verified (a SHA-256 of the trust anchors, or "insecure") and the client
// certificate; it takes a blob out with get() and delete()s it right away
// (single-use, RFC 8446 C.4; the blob get() returned is then zero-filled),
// and set()s every new ticket the server sends (the latest one wins).
// Expired blobs are dropped when read. The key is a cache index, not the
// security check: the engine records in each blob what its handshake
// proved and refuses to offer it where that would not have been accepted.

const MAGIC = [0x57, 0x54, 0x53, 0x03]; // "WTS\x03" (the header up to byte 18 is stable)

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

const text = (v) => (v === undefined || v === null ? '' : v instanceof Uint8Array ? new TextDecoder().decode(v)
  : Array.isArray(v) ? v.map(text).join('\n') : String(v));

// Dotted decimal without leading zeros (as src/x509.c parses it): "010" is
// octal to inet_aton, so such spellings are not taken as literals at all.
function parseIPv4(s) {
  const m = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/.exec(s);
  if (!m) return null;
  const b = m.slice(1).map(Number);
  return b.every((x) => x <= 255) ? b : null;
}

// 8 groups of 16 bits, or null (no zone ids: "fe80::1%eth0" is not a literal we take).
function parseIPv6(s) {
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (h, last) => {
    const out = [];
    const parts = h === '' ? [] : h.split(':');
    for (let i = 0; i < parts.length; i++) {
      const g = parts[i];
      if (last && i === parts.length - 1 && g.includes('.')) {
        const v4 = parseIPv4(g);
        if (!v4) return null;
        out.push(v4[0] << 8 | v4[1], v4[2] << 8 | v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) out.push(parseInt(g, 16));
      else return null;
    }
    return out;
  };
  if (halves.length === 1) {
    const g = groups(halves[0], true);
    return g && g.length === 8 ? g : null;
  }
  const head = groups(halves[0], false), tail = groups(halves[1], true);
  if (!head || !tail || head.length + tail.length > 7) return null;
  return [...head, ...Array(8 - head.length - tail.length).fill(0), ...tail];
}

/**
 * An IPv4 or IPv6 literal in one canonical spelling (dotted decimal;
 * RFC 5952: lowercase, no leading zeros, the longest run of zero groups
 * as "::"), or null if s is not one.
 */
export function canonicalIP(s) {
  s = String(s).replace(/^\[(.*)\]$/, '$1');
  const v4 = parseIPv4(s);
  if (v4) return v4.join('.');
  const g = s.includes(':') ? parseIPv6(s) : null;
  if (!g) return null;
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** The certificates of a PEM chain as one string of their base64 bodies (formatting-independent). */
export function certChainText(pem) {
  const t = text(pem);
  const blocks = t.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  return blocks ? blocks.map((b) => b.slice(27, -25).replace(/\s+/g, '')).join('|') : t;
}

/**
 * The cache key connect() uses:
 *   "name=<servername>" or "ip=<canonical IP literal>", ";port=<port>",
 *   ";alpn=<protocols, URI-encoded, in order>", ";ca=<SHA-256 hex of the
 *   trust anchors>" (then ";profile=private" under that certificate
 *   profile) or ";insecure", and ";cert=<SHA-256 hex of the client
 *   certificate chain>" when one is used, ";psk=<SHA-256 hex of the
 *   external PSKs' identities>" when they are offered.
 * trust: the anchors' digest (wt_trust_anchors_digest), null = not verified.
 */
export function sessionKey({ servername, ip, port, alpn, trust, profile, cert, psk }) {
  let k = ip ? `ip=${canonicalIP(ip) || String(ip).toLowerCase()}` : `name=${String(servername).toLowerCase()}`;
  k += `;port=${Number(port)};alpn=${(alpn || []).map((a) => encodeURIComponent(a)).join(',')}`;
  k += trust ? `;ca=${trust}` : ';insecure';
  if (trust && profile === 'private') k += ';profile=private';
  if (cert) k += `;cert=${cert}`;
  if (psk) k += `;psk=${psk}`;
  return k;
}
