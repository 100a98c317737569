#!/usr/bin/env node
// wasmtls — the Node front end of the wasm engine, with the native CLI's
// contract (cli/main.c): same options, --json line, "error: name:
// reason" lines and exit codes (0 ok, 1 connection/TLS failure, 2 bad
// options), plus --ws URL / --wisp URL to go through a tunnel.
import fs from 'node:fs';
import { connect, tcp, websocket, wisp, verifyChain, TLSError } from '../index.js';

const USAGE = `usage: wasmtls [options] HOST:PORT
  --servername NAME    SNI and certificate name (default HOST; none for IP
                       literals, which are checked against iPAddress SANs)
  --cafile FILE        PEM trust anchors (default: built-in roots)
  --insecure           skip certificate verification (testing only)
  --min-version V      1.2 (default: TLS 1.2 and 1.3 offered) or 1.3
  --cert-profile P     web (default: the CA/B Forum web PKI profile: the leaf
                       has an extendedKeyUsage with serverAuth, key identifiers
                       are present) or private (a private CA's certificates as
                       Go accepts them: those rules waived)
  --alpn LIST          comma-separated protocols
  --groups LIST        x25519,secp256r1,secp384r1 (default); secp521r1, X25519MLKEM768,
                       MLKEM1024 when listed (first gets a key share, and the first
                       of the other kind, post-quantum or classical, too)
  --key-shares LIST    groups (from --groups) that get a key share, or none
  --sigalgs LIST       signature schemes accepted from the server, in order
                       (ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256, ...)
  --sign-algs LIST     our order of those schemes for signing with --cert
  --ocsp               ask for a stapled OCSP response (--json: ocsp_response)
  --sct                ask for Certificate Transparency SCTs (--json: sct_list)
  --grease             GREASE values in the ClientHello (RFC 8701), as Chrome sends
  --permute-extensions ClientHello extensions in a random order, as Chrome sends
  --ciphers LIST       TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,
                       TLS_CHACHA20_POLY1305_SHA256 and for TLS 1.2
                       TLS_ECDHE_{ECDSA,RSA}_WITH_{AES_128_GCM_SHA256,
                       AES_256_GCM_SHA384,CHACHA20_POLY1305_SHA256}
  --keylog FILE        append NSS key log lines
  --sess-out FILE      write the session (ticket) for later resumption
  --sess-in FILE       resume the session in FILE (falls back to a full handshake)
  --early-data FILE    send FILE as 0-RTT data (needs --sess-in; resent after the
                       handshake, with a notice, if the server rejects it)
  --cert FILE --key FILE  client certificate chain and private key (PEM)
  --psk-identity ID --psk-file FILE  offer an external PSK (RFC 8446 2.2): its
                       identity and a file with its key in hex (16..64 bytes);
                       a server that takes it sends no certificate
  --psk-hash H         sha256 (default) or sha384: the PSK's hash
  --psk-import CONTEXT import the PSK (RFC 9258) with this context (may be "")
  --http PATH          send GET PATH, print the response
  --json               one JSON summary line on stderr after the handshake
  --max-fragment N     largest plaintext per record we send (64..16384)
  --key-update         send a KeyUpdate (update_requested) after the handshake
  --ws URL             tunnel through a WebSocket (websockify: raw bytes)
  --wisp URL           tunnel through a Wisp server (one stream per connection)
  -q                   no other diagnostics
       wasmtls verify --cafile ROOTS.pem [--host NAME] [--time UNIX] [--cert-profile web|private] CHAIN.pem
`;
// As the native CLI lists them (the names wt_suite_from_name knows).
const SUITE_NAMES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'];
const GROUP_NAMES = ['x25519', 'secp256r1', 'secp384r1', 'secp521r1', 'X25519MLKEM768', 'MLKEM1024'];
// The scheme names the engine knows (wt_sigalg_from_name); which of them
// may be configured is the engine's decision (wt_config.sig_algs).
const SIGALG_NAMES = ['ecdsa_secp256r1_sha256', 'ecdsa_secp384r1_sha384', 'ecdsa_secp521r1_sha512',
  'rsa_pss_rsae_sha256', 'rsa_pss_rsae_sha384', 'rsa_pss_rsae_sha512',
  'rsa_pkcs1_sha256', 'rsa_pkcs1_sha384', 'rsa_pkcs1_sha512', 'rsa_pkcs1_sha1', 'ecdsa_sha1'];

let quiet = false;
const diag = (s) => { if (!quiet) process.stderr.write(s); };

function die(code, name, reason) {
  process.stderr.write(`error: ${name}: ${reason}\n`);
  process.exit(code);
}

// --psk-identity/--psk-file: the key from a file of hex (blanks and line
// breaks allowed), as the native CLI reads it; the text is zeroed after.
function readPsk(o) {
  let raw;
  try { raw = fs.readFileSync(o.pskFile); } catch (e) { die(2, 'bad_config', `cannot read --psk-file ${o.pskFile}: ${fileError(e)}`); }
  const digits = [];
  let bad = null;
  for (const c of raw) {
    if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) continue;
    const v = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (v < 0) { bad = 'not hex'; break; }
    digits.push(v);
  }
  raw.fill(0);
  if (!bad && digits.length > 128) bad = 'key longer than 64 bytes';
  if (!bad && digits.length % 2) bad = 'odd number of hex digits';
  if (!bad && digits.length < 32) bad = 'key shorter than 16 bytes';
  const key = new Uint8Array(bad ? 0 : digits.length / 2);
  for (let i = 0; i < key.length; i++) key[i] = digits[2 * i] << 4 | digits[2 * i + 1];
  digits.fill(0);
  if (bad) die(2, 'bad_config', `--psk-file ${o.pskFile}: ${bad}`);
  return { identity: o.pskIdentity, key, hash: o.pskHash ?? 'sha256',
    imported: o.pskImport !== undefined, context: o.pskImport ?? '' };
}

function splitList(s, max) {
  const items = s.split(',');
  if (items.length > max || items.some((i) => i === '')) return null;
  return items;
}

function parseArgs(argv) {
  const o = { json: false, insecure: false, keyUpdate: false };
  const valued = { '--servername': 'servername', '--cafile': 'cafile', '--alpn': 'alpn', '--groups': 'groups',
    '--ciphers': 'ciphers', '--keylog': 'keylog', '--http': 'http', '--ws': 'ws', '--wisp': 'wisp', '--max-fragment': 'maxFragment',
    '--sess-in': 'sessIn', '--sess-out': 'sessOut', '--early-data': 'earlyData', '--cert': 'cert', '--key': 'key',
    '--sigalgs': 'sigalgs', '--sign-algs': 'signAlgs', '--key-shares': 'keyShares', '--cert-profile': 'certProfile', '--min-version': 'minVersion',
    '--psk-identity': 'pskIdentity', '--psk-file': 'pskFile', '--psk-hash': 'pskHash', '--psk-import': 'pskImport' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') { process.stdout.write(USAGE); process.exit(0); }
    else if (a === '--insecure') o.insecure = true;
    else if (a === '--json') o.json = true;
    else if (a === '-q') quiet = true;
    else if (a === '--key-update') o.keyUpdate = true;
    else if (a === '--ocsp') o.ocsp = true;
    else if (a === '--sct') o.sct = true;
    else if (a === '--grease') o.grease = true;
    else if (a === '--permute-extensions') o.permuteExtensions = true;
    else if (valued[a]) {
      if (i + 1 >= argv.length) die(2, 'bad_config', `${a} needs a value`);
      o[valued[a]] = argv[++i];
    } else if (a[0] === '-' && a.length > 1) die(2, 'bad_config', `unknown option '${a}' (see --help)`);
    else if (!o.target) o.target = a;
    else die(2, 'bad_config', `unexpected argument '${a}'`);
  }
  if (!o.target) die(2, 'bad_config', 'missing HOST:PORT (see --help)');
  if (o.insecure && o.cafile) die(2, 'bad_config', '--insecure and --cafile are exclusive');
  checkCertProfile(o.certProfile);
  if (o.insecure && o.certProfile !== undefined && o.certProfile !== 'web') die(2, 'bad_config', '--insecure and --cert-profile are exclusive');
  if (o.ws && o.wisp) die(2, 'bad_config', '--ws and --wisp are exclusive');
  if ((o.cert !== undefined) !== (o.key !== undefined)) die(2, 'bad_config', '--cert and --key go together');
  if ((o.pskIdentity !== undefined) !== (o.pskFile !== undefined)) die(2, 'bad_config', '--psk-identity and --psk-file go together');
  if ((o.pskHash !== undefined || o.pskImport !== undefined) && o.pskFile === undefined) {
    die(2, 'bad_config', '--psk-hash and --psk-import need --psk-identity and --psk-file');
  }
  if (o.pskHash !== undefined && o.pskHash !== 'sha256' && o.pskHash !== 'sha384') {
    die(2, 'bad_config', `--psk-hash must be sha256 or sha384, not '${o.pskHash}'`);
  }
  if (o.earlyData !== undefined && o.http !== undefined) die(2, 'bad_config', '--early-data is the request: not with --http or --data');
  if (o.earlyData !== undefined && o.sessIn === undefined) die(2, 'bad_config', '--early-data needs a session to resume (--sess-in)');
  if (o.http !== undefined && o.http[0] !== '/') die(2, 'bad_config', "--http PATH must start with '/'");
  if (o.http !== undefined && /[ \r\n]/.test(o.http)) die(2, 'bad_config', '--http PATH must not contain spaces or line breaks');
  if (o.maxFragment !== undefined) {
    const v = o.maxFragment;
    if (!/^[0-9]+$/.test(v) || Number(v) < 64 || Number(v) > 16384) {
      die(2, 'bad_config', `--max-fragment must be an integer in [64, 16384], not '${v}'`);
    }
    o.maxFragment = Number(v);
  }
  return o;
}

function splitTarget(t) {
  let host, port;
  if (t[0] === '[') {
    const m = t.match(/^\[([^\]]*)\]:(.*)$/);
    if (!m) die(2, 'bad_config', `bad target '${t}' (want [V6ADDR]:PORT)`);
    [, host, port] = m;
  } else {
    const i = t.lastIndexOf(':');
    if (i < 0) die(2, 'bad_config', `bad target '${t}' (want HOST:PORT)`);
    host = t.slice(0, i);
    port = t.slice(i + 1);
    if (host.includes(':')) die(2, 'bad_config', `bad target '${t}' (write IPv6 addresses as [V6ADDR]:PORT)`);
  }
  if (!host || !/^[0-9]+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    die(2, 'bad_config', `bad target '${t}' (want HOST:PORT)`);
  }
  return { host, port: Number(port) };
}

const fileError = (e) => (e.code === 'ENOENT' ? 'No such file or directory' : e.code === 'EACCES' ? 'Permission denied'
  : e.code === 'EISDIR' ? 'Is a directory' : e.message);

const isIP = (h) => /^\d{1,3}(\.\d{1,3}){3}$/.test(h) || h.includes(':');

// HTTP/1.1 response framing, to know when the response is complete.
class HttpFraming {
  constructor() { this.st = 'head'; this.head = ''; this.remaining = 0; this.line = ''; }
  feed(buf) {
    let i = 0;
    while (i < buf.length) {
      switch (this.st) {
        case 'head': {
          this.head += String.fromCharCode(buf[i++]);
          if (this.head.length > 65536) { this.st = 'bad'; break; }
          if (this.head.endsWith('\r\n\r\n')) this.headersDone();
          break;
        }
        case 'len': {
          const n = Math.min(buf.length - i, this.remaining);
          this.remaining -= n; i += n;
          if (this.remaining === 0) this.st = 'done';
          break;
        }
        case 'chunk': {
          const n = Math.min(buf.length - i, this.remaining);
          this.remaining -= n; i += n;
          if (this.remaining === 0) this.st = 'chunkend';
          break;
        }
        case 'size': case 'chunkend': case 'trailer': {
          const c = String.fromCharCode(buf[i++]);
          this.line += c;
          if (this.line.length > 255) { this.st = 'bad'; break; }
          if (c !== '\n') break;
          const line = this.line;
          this.line = '';
          if (this.st === 'chunkend') this.st = line === '\r\n' ? 'size' : 'bad';
          else if (this.st === 'trailer') { if (line === '\r\n') this.st = 'done'; }
          else {
            const n = parseInt(line, 16);
            if (Number.isNaN(n)) this.st = 'bad';
            else { this.remaining = n; this.st = n === 0 ? 'trailer' : 'chunk'; }
          }
          break;
        }
        default: return;
      }
    }
  }
  header(name) {
    const re = new RegExp(`\r\n${name}:[ \t]*([^\r\n]*?)[ \t]*\r\n`, 'i');
    const m = this.head.match(re);
    return m ? m[1] : null;
  }
  headersDone() {
    const m = this.head.match(/^HTTP\/\d\.\d (\d+)/);
    if (!m) { this.st = 'bad'; return; }
    const status = Number(m[1]);
    if (status >= 100 && status < 200) { this.head = ''; return; }
    const te = this.header('Transfer-Encoding');
    const cl = this.header('Content-Length');
    if (status === 204 || status === 304) this.st = 'done';
    else if (te && /chunked/i.test(te)) this.st = 'size';
    else if (cl !== null) {
      if (!/^[0-9]+$/.test(cl)) this.st = 'bad';
      else { this.remaining = Number(cl); this.st = this.remaining === 0 ? 'done' : 'len'; }
    } else this.st = 'close';
  }
}

function checkCertProfile(v) {
  if (v !== undefined && v !== 'web' && v !== 'private') die(2, 'bad_config', `--cert-profile must be web or private, not '${v}'`);
}

async function runVerify(argv) {
  let cafile, host = null, chainfile, certProfile, time = Math.floor(Date.now() / 1000);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (['--cafile', '--host', '--time', '--cert-profile'].includes(a) && i + 1 >= argv.length) die(2, 'bad_config', `${a} needs a value`);
    if (a === '--cafile') cafile = argv[++i];
    else if (a === '--host') host = argv[++i];
    else if (a === '--cert-profile') checkCertProfile(certProfile = argv[++i]);
    else if (a === '--time') {
      const v = argv[++i];
      if (!/^-?[0-9]+$/.test(v)) die(2, 'bad_config', `--time wants Unix seconds, got '${v}'`);
      time = Number(v);
    } else if (a[0] === '-' && a.length > 1) die(2, 'bad_config', `unknown option ${a} (usage: wasmtls verify --cafile ROOTS.pem [--host NAME] [--time UNIX] [--cert-profile web|private] CHAIN.pem)`);
    else if (!chainfile) chainfile = a;
    else die(2, 'bad_config', `unexpected argument ${a}`);
  }
  if (!cafile || !chainfile) die(2, 'bad_config', 'usage: wasmtls verify --cafile ROOTS.pem [--host NAME] [--time UNIX] [--cert-profile web|private] CHAIN.pem');
  let ca, chain;
  try { ca = fs.readFileSync(cafile, 'latin1'); } catch (e) { die(2, 'bad_config', `${cafile}: ${e.message}`); }
  try { chain = fs.readFileSync(chainfile); } catch (e) { die(2, 'bad_config', `${chainfile}: ${e.message}`); }
  let ders;
  if (chain.length && chain[0] === 0x30) ders = [new Uint8Array(chain)];
  else {
    const text = chain.toString('latin1');
    const blocks = text.match(/-----BEGIN (X509 )?CERTIFICATE-----[\s\S]*?-----END (X509 )?CERTIFICATE-----/g) || [];
    if (!blocks.length) die(1, 'certificate_invalid', `${chainfile}: no PEM certificate found`);
    ders = blocks.map((b) => new Uint8Array(Buffer.from(b.replace(/-----[A-Z0-9 ]+-----|\s+/g, ''), 'base64')));
  }
  try {
    // as the native CLI: one stderr line per skipped CA certificate
    await verifyChain(ders, ca, { host, time, certProfile, onWarning: (m) => process.stderr.write(`warning: ${cafile}: ${m.replace(/^ca: /, '')}\n`) });
  } catch (e) {
    if (e instanceof TLSError) {
      if (e.code === 'bad_config') die(2, 'bad_config', `${cafile}: ${e.reason.replace(/^ca: /, '')}`);
      die(1, e.code, e.reason);
    }
    throw e;
  }
  process.stdout.write('ok\n');
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === 'verify') return runVerify(argv.slice(1));
  const o = parseArgs(argv);
  const { host, port } = splitTarget(o.target);
  const opts = {};
  if (o.servername !== undefined) {
    if (o.servername === '' || o.servername.length > 255) die(2, 'bad_config', 'bad --servername');
    opts.servername = o.servername;
  }
  if (o.alpn !== undefined) {
    const l = splitList(o.alpn, 8);
    if (!l) die(2, 'bad_config', `bad --alpn list '${o.alpn}' (at most 8 non-empty names)`);
    if (l.some((p) => Buffer.byteLength(p) > 255)) die(2, 'bad_config', 'ALPN protocol name too long');
    opts.alpn = l;
  }
  if (o.groups !== undefined) {
    const l = splitList(o.groups, 8);
    if (!l) die(2, 'bad_config', `bad --groups list '${o.groups}'`);
    l.forEach((g, i) => {
      if (!GROUP_NAMES.includes(g)) die(2, 'bad_config', `unknown group '${g}' (${GROUP_NAMES.join(', ')})`);
      if (l.indexOf(g) !== i) die(2, 'bad_config', `group '${g}' listed twice`);
    });
    opts.groups = l;
  }
  if (o.ciphers !== undefined) {
    const l = splitList(o.ciphers, 8);
    if (!l) die(2, 'bad_config', `bad --ciphers list '${o.ciphers}'`);
    l.forEach((s, i) => {
      if (!SUITE_NAMES.includes(s)) die(2, 'bad_config', `unknown cipher suite '${s}' (${SUITE_NAMES.join(', ')})`);
      if (l.indexOf(s) !== i) die(2, 'bad_config', `cipher suite '${s}' listed twice`);
    });
    opts.ciphers = l;
  }
  if (o.certProfile !== undefined) opts.certProfile = o.certProfile;
  if (o.minVersion !== undefined) {
    if (o.minVersion !== '1.2' && o.minVersion !== '1.3') die(2, 'bad_config', `--min-version must be 1.2 or 1.3, not '${o.minVersion}'`);
    opts.minVersion = `TLSv${o.minVersion}`;
  }
  if (o.insecure) opts.rejectUnauthorized = false;
  else if (o.cafile !== undefined) {
    let pem;
    try { pem = fs.readFileSync(o.cafile, 'latin1'); } catch (e) { die(2, 'bad_config', `cannot read --cafile ${o.cafile}: ${e.message}`); }
    if (!pem.includes('-----BEGIN ')) die(2, 'bad_config', `--cafile ${o.cafile}: no PEM certificates`);
    opts.ca = pem;
    opts.onWarning = (m) => process.stderr.write(`warning: --cafile ${o.cafile}: ${m.replace(/^ca: /, '')}\n`);
  }
  if (o.keylog !== undefined) {
    let fd;
    try { fd = fs.openSync(o.keylog, 'a'); } catch (e) { die(2, 'bad_config', `cannot open --keylog ${o.keylog}: ${e.message}`); }
    opts.keyLog = (line) => fs.writeSync(fd, `${line}\n`);
  }
  if (o.maxFragment) opts.maxFragment = o.maxFragment;
  // Name lists as the native CLI checks them (cli/common.c id_list):
  // known names, no repeats; the engine then decides what it accepts.
  const names = (opt, value, known, kind) => {
    const l = splitList(value, 32);
    if (!l) die(2, 'bad_config', `bad ${opt} list '${value}' (at most 32 non-empty names)`);
    l.forEach((n, i) => {
      if (!known.includes(n)) die(2, 'bad_config', `unknown ${kind} '${n}' (${known.join(', ')})`);
      if (l.indexOf(n) !== i) die(2, 'bad_config', `${kind} '${n}' listed twice`);
    });
    return l;
  };
  if (o.sigalgs !== undefined) opts.sigalgs = names('--sigalgs', o.sigalgs, SIGALG_NAMES, 'signature scheme');
  if (o.signAlgs !== undefined) opts.signAlgs = names('--sign-algs', o.signAlgs, SIGALG_NAMES, 'signature scheme');
  if (o.keyShares !== undefined) {
    opts.keyShares = o.keyShares === 'none' ? [] : names('--key-shares', o.keyShares, GROUP_NAMES, 'group');
  }
  if (o.ocsp) opts.requestOCSP = true;
  if (o.sct) opts.requestSCT = true;
  // the summary reports the chain the server sent (peer_chain), as the native CLI
  opts.keepChain = true;
  if (o.grease) opts.grease = true;
  if (o.permuteExtensions) opts.permuteExtensions = true;
  // Resumption through files, like the native CLI: no in-memory cache.
  opts.sessionCache = false;
  if (o.sessIn !== undefined) {
    try { opts.session = new Uint8Array(fs.readFileSync(o.sessIn)); } catch (e) { die(2, 'bad_config', `cannot read --sess-in ${o.sessIn}: ${fileError(e)}`); }
  }
  if (o.sessOut !== undefined) {
    // each new session replaces the file's content (the latest ticket)
    // The blob holds the resumption secret: like the native CLI, the file
    // is created (or tightened to) mode 0600 and a symlink there is refused.
    opts.onSession = (blob) => {
      let fd = null;
      try {
        const C = fs.constants;
        fd = fs.openSync(o.sessOut, C.O_WRONLY | C.O_CREAT | C.O_TRUNC | (C.O_NOFOLLOW || 0), 0o600);
        fs.fchmodSync(fd, 0o600);
        fs.writeSync(fd, blob);
      } catch (e) {
        diag(`* cannot write --sess-out ${o.sessOut}: ${e.message}\n`);
      } finally {
        if (fd !== null) fs.closeSync(fd);
      }
    };
  }
  let early = null;
  if (o.earlyData !== undefined) {
    try { early = new Uint8Array(fs.readFileSync(o.earlyData)); } catch (e) { die(2, 'bad_config', `cannot read --early-data ${o.earlyData}: ${fileError(e)}`); }
    opts.earlyData = early;
  }
  if (o.cert !== undefined) {
    try { opts.cert = fs.readFileSync(o.cert, 'latin1'); } catch (e) { die(2, 'bad_config', `cannot read --cert ${o.cert}: ${fileError(e)}`); }
    // bytes, not a string: zero-filled once the engine has its copy
    try { opts.key = new Uint8Array(fs.readFileSync(o.key)); } catch (e) { die(2, 'bad_config', `cannot read --key ${o.key}: ${fileError(e)}`); }
    if (!opts.cert.includes('-----BEGIN ')) die(2, 'bad_config', `--cert ${o.cert}: no usable PEM certificate chain`);
  }
  if (o.pskFile !== undefined) opts.psk = readPsk(o);
  if (o.ws) opts.transport = websocket(o.ws);
  else if (o.wisp) opts.transport = wisp(o.wisp, { idleTimeout: 0 });   // one connection: no keep-alive
  else opts.transport = tcp();

  const sock = connect({ hostname: host, port }, opts);
  if (opts.key) sock.opened.then(() => opts.key.fill(0), () => opts.key.fill(0));
  if (opts.psk) sock.opened.then(() => opts.psk.key.fill(0), () => opts.psk.key.fill(0));
  const writer = sock.writable.getWriter();
  writer.closed.catch(() => {});
  let http = null;
  let httpClosed = false;
  let failure = null;

  sock.opened.then((info) => {
    diag(`* connected to ${host} port ${port}${o.ws ? ` via ${o.ws}` : o.wisp ? ` via wisp ${o.wisp}` : ''}\n`);
    if (o.json) {
      process.stderr.write(JSON.stringify({
        version: info.version, cipher: info.cipher, group: info.group, alpn: info.alpn, hrr: info.hrr,
        resumed: info.resumed, sigalg: info.sigalg, peer_chain: info.peerCertificates.length, servername: info.servername,
        early_data: info.earlyData === 'accepted' ? 'accepted' : info.earlyData === 'rejected' ? 'rejected' : 'not_sent',
        early_data_reason: info.earlyDataReason,
        ocsp_response: info.ocspResponse ? Buffer.from(info.ocspResponse).toString('base64') : null,
        sct_list: info.sctList ? Buffer.from(info.sctList).toString('base64') : null,
        external_psk: info.externalPsk !== null,
      }) + '\n');
    } else {
      diag(`* ${info.version} ${info.cipher} ${info.group}${info.hrr ? ' (HelloRetryRequest)' : ''}${info.resumed ? ' resumed' : ''} ` +
        `sigalg=${info.sigalg} alpn=${info.alpn ?? '(none)'} peer_chain=${info.peerCertificates.length}` +
        `${info.externalPsk !== null ? ' external PSK' : info.verified ? ' verified' : ' NOT verified'}` +
        `${info.earlyData === 'accepted' ? ' 0-RTT accepted' : info.earlyData === 'rejected' ? ' 0-RTT rejected' : ''}\n`);
    }
    // The API never resends 0-RTT data; the CLI does, like the native one, and says so.
    let resend = null;
    if (early && info.earlyData !== 'accepted') {
      diag(`* early data ${info.earlyData === 'rejected' ? 'rejected' : 'not sent'}: sending it after the handshake\n`);
      resend = early;
    }
    if (o.keyUpdate) {
      try { sock.keyUpdate(true); } catch (e) { diag(`* key update failed: ${e.code}\n`); }
    }
    if (o.http !== undefined) {
      const hosthdr = opts.servername ?? host;
      const v6 = hosthdr.includes(':');
      const req = `GET ${o.http} HTTP/1.1\r\nHost: ${v6 ? '[' : ''}${hosthdr}${v6 ? ']' : ''}${port === 443 ? '' : `:${port}`}\r\n` +
        'User-Agent: wasmtls\r\nAccept: */*\r\nConnection: close\r\n\r\n';
      http = new HttpFraming();
      writer.write(new TextEncoder().encode(req)).catch(() => {});
    } else {
      // stdin -> connection; EOF -> close_notify
      (async () => {
        try {
          if (resend) await writer.write(resend);
          for await (const chunk of process.stdin) {
            await writer.write(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
          }
          await writer.close();
        } catch { /* reported through closed */ }
      })();
    }
  }, () => {});

  // connection -> stdout
  try {
    const reader = sock.readable.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (!process.stdout.write(value)) await new Promise((r) => process.stdout.once('drain', r));
      if (http) {
        http.feed(value);
        if (http.st === 'done' && !httpClosed) {
          httpClosed = true;
          sock.close();
        }
      }
    }
  } catch (e) {
    failure = e;
  }
  try { await sock.closed; } catch (e) { failure = failure || e; }
  if (failure && http && http.st === 'done' && failure.code === 'truncated') failure = null;
  if (failure) {
    const e = failure instanceof TLSError ? failure : new TLSError('internal_error', String(failure && failure.message));
    // a `ca` the engine could not use: name the file, as the native CLI does
    const reason = e.code === 'bad_config' && o.cafile !== undefined && e.reason.startsWith('ca: ')
      ? `--cafile ${o.cafile}: ${e.reason.slice(4)}` : e.reason;
    process.stderr.write(`error: ${e.code}: ${reason}\n`);
    process.exitCode = e.code === 'bad_config' ? 2 : 1;
  } else if (http && !['done', 'close', 'bad'].includes(http.st)) {
    process.stderr.write('error: http_incomplete: connection closed before the response was complete\n');
    process.exitCode = 1;
  } else {
    diag('* closed\n');
  }
  await new Promise((r) => process.stdout.write('', r));
  process.exit(process.exitCode || 0);
}

main().catch((e) => die(1, 'internal_error', e && e.stack ? e.stack : String(e)));
