// Constant-time check (ctgrind-style): tests/ct/ct.c marks every secret
// (keys, ivs, PSKs, ECDHE outputs, private scalars, RSA CRT factors,
// plaintext, salts) undefined for valgrind memcheck and runs the AEADs, the
// record layer, the key schedule and Finished, X25519/P-256/P-384 key
// exchange, client-certificate signing (ECDSA P-256/P-384, RSA-PSS with
// the i62 and the wasm builds' i31 code) and ML-KEM-768/1024 (keygen from
// the seed, encaps, decaps from the seed and from dk, implicit rejection). Memcheck then reports every branch
// ("Conditional jump ...") and every memory address ("Use of uninitialised
// value of size N") computed from a secret. Any report fails the test unless
// it is a branch on data that is public by design, listed in ALLOW below
// with the reason. Table lookups (addresses) are never allowed.
//
// The BearSSL leaks this caught (RSA window lookup compiled to a branch,
// ECDSA nonce bit length in bits2int) are fixed by
// tools/patches/bearssl-ct.patch, which tools/setup.sh applies.
//
// Runs on the release build only: valgrind cannot run ASan binaries, so on
// the sanitizer pass of `make test` (build/asan) the test skips itself.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const build = path.resolve(root, process.env.WT_BUILD || 'build/native');
const bin = path.join(build, 'test_ct');

// What memcheck may report, each a branch on data that is public by design.
// at: the innermost frame's function. file + code: for our own code (built
// with line info) the reported line must be in that file and match code,
// so a new branch elsewhere in the same function is still caught. via: a
// function that must appear further up the stack. BearSSL is built without
// line info, so its entries name functions only.
const ALLOW = [
  {
    // RFC 8446 5.2: whether a record's tag verifies is public: a forged
    // record ends the connection with bad_record_mac.
    at: 'wt_rec_open', file: 'src/record.c', code: /\bwt_aead_open\(/,
  },
  {
    // RFC 8446 5.4: the content type is found by scanning the zero
    // padding from the end, so the time depends on the padding length.
    // TLS does not hide that (RFC 8446 E.3: "even a constant-time padding
    // removal function will likely feed the content into data-dependent
    // functions"), and the content length is public anyway.
    at: 'wt_rec_open', file: 'src/record.c', code: /while \(n > 0 && p\[n - 1\] == 0\)/,
  },
  {
    // RFC 7748 6.1 / RFC 8446 7.4.2: an all-zero X25519 output aborts the
    // handshake (illegal_parameter), so the outcome of the check is public.
    at: 'ecdh_derive', file: 'src/kex.c', code: /if \(acc == 0\)/,
  },
  {
    // The RSA private operation's success flag (input below p*q, factors
    // well formed) is 1 for every valid key and request; a failure is a
    // public error.
    at: ['sign_rsa_pss', 'wt_sig_sign'], file: 'src/crypto.c', code: /br_rsa_private_get_default\(\)\(sig, sk\)/,
  },
  {
    // EC key generation by rejection sampling: a candidate that is zero or
    // not below the curve order is thrown away; only the number of
    // discarded random strings shows, never the key that is kept.
    at: 'br_ec_keygen', via: 'wt_kex_keygen_twin',
  },
  {
    // ECDSA signing: the private key range check (a valid key always
    // passes; an invalid one is a public error) and the RFC 6979 loop that
    // discards nonce candidates that are zero or not below n (as above).
    // The nonce itself goes through br_ecdsa_i31_bits2int / br_i31_rshift,
    // which are separate functions and stay checked.
    at: 'br_ecdsa_i31_sign_raw', via: 'wt_sig_sign',
  },
  {
    // ML-KEM SampleNTT (FIPS 203 Alg. 7): rejection sampling of the
    // matrix A from XOF(rho || j || i). rho is public (the last 32 bytes
    // of the encapsulation key, sent in the key share); it counts as
    // secret here only because keygen and decaps_seed derive it from the
    // secret seed (G(d || k) = rho || sigma). Only these two comparisons
    // on XOF output may branch; everything on sigma, s, e, m is checked.
    at: 'sample_ntt', file: 'src/mlkem.c', code: /^\s*if \((d1 < Q|d2 < Q && j < 256)\) \{$/,
  },
  {
    // DER encoding of (r, s): the signature is public output (the
    // CertificateVerify), so its integer lengths are too.
    at: ['br_ecdsa_raw_to_asn1', 'asn1_int_length'], via: 'br_ecdsa_i31_sign_asn1',
  },
];

const EXIT_REPORTS = 97;   // valgrind --error-exitcode

function sanitizerBuild() {
  try {
    const cache = fs.readFileSync(path.join(build, 'CMakeCache.txt'), 'utf8');
    return /^WT_(SANITIZE|FUZZ):BOOL=(ON|1|TRUE|YES)$/mi.test(cache);
  } catch {
    return !!process.env.WT_NATIVE_ONLY;
  }
}

function runValgrind(args) {
  const r = spawnSync('valgrind', [
    '--tool=memcheck', '-q', `--error-exitcode=${EXIT_REPORTS}`,
    '--track-origins=yes', '--expensive-definedness-checks=yes',
    '--num-callers=16', '--error-limit=no', bin, ...args,
  ], { encoding: 'utf8', timeout: 120000, maxBuffer: 1 << 26 });
  assert.equal(r.error, undefined, `cannot run valgrind: ${r.error} (make setup installs it)`);
  return r;
}

// Parses memcheck's text output into reports:
// { what, section, frames: [{ fn, file, line }], origin, text }.
function parse(stderr) {
  const reports = [];
  let section = '-';
  let cur = null;
  let inOrigin = false;
  for (const raw of stderr.split('\n')) {
    const sec = /^ct: section (\S+)/.exec(raw);
    if (sec) { section = sec[1]; continue; }
    const m = /^==\d+== ?(.*)$/.exec(raw);
    if (!m) continue;
    const body = m[1];
    if (body.trim() === '') { cur = null; continue; }
    const fr = /^\s+(at|by) 0x[0-9A-Fa-f]+: (.+?) \((?:in (.+)|(.+):(\d+))\)$/.exec(body);
    if (fr && cur) {
      const frame = { fn: fr[2], file: fr[4] || null, line: fr[5] ? Number(fr[5]) : null };
      if (inOrigin) cur.origin.push(frame); else cur.frames.push(frame);
      cur.text.push(body);
      continue;
    }
    if (cur && /^\s+Uninitialised value was created/.test(body)) {
      inOrigin = true;
      cur.text.push(body);
      continue;
    }
    if (/^More than \d+ errors detected|^will still be recorded/.test(body)) continue;
    if (!/^\s/.test(body)) {
      cur = { what: body, section, frames: [], origin: [], text: [body] };
      inOrigin = false;
      reports.push(cur);
    } else if (cur) {
      cur.text.push(body);
    }
  }
  return reports;
}

const sourceCache = new Map();
function sourceLine(file, line) {
  const abs = path.isAbsolute(file) ? file : path.resolve(root, file);
  if (!sourceCache.has(abs)) {
    try { sourceCache.set(abs, fs.readFileSync(abs, 'utf8').split('\n')); } catch { sourceCache.set(abs, null); }
  }
  const lines = sourceCache.get(abs);
  return lines && line >= 1 ? (lines[line - 1] ?? null) : null;
}

function allowedBy(rep) {
  if (!/^Conditional jump or move depends on uninitialised value/.test(rep.what)) return -1;
  const top = rep.frames[0];
  if (!top) return -1;
  return ALLOW.findIndex((a) => {
    const names = [].concat(a.at);
    if (!names.includes(top.fn)) return false;
    if (a.file) {
      if (!top.file || top.line == null) return false;
      const rel = path.relative(root, path.resolve(root, top.file)).split(path.sep).join('/');
      if (rel !== a.file && !top.file.endsWith('/' + a.file)) return false;
      const src = sourceLine(path.resolve(root, a.file), top.line);
      if (src == null || !a.code.test(src)) return false;
    }
    if (a.via && !rep.frames.slice(1).some((f) => f.fn === a.via)) return false;
    return true;
  });
}

const where = (f) => `${f.fn} (${f.file ? `${path.relative(root, path.resolve(root, f.file))}:${f.line}` : 'no line info'})`;
// (No "at " at line starts: node would take the message for a stack.)
const describe = (rep) => `[${rep.section}] ${rep.what}\n    in ${rep.frames.slice(0, 6).map(where).join('\n    <- ')}` +
  (rep.origin.length ? `\n    secret from ${where(rep.origin[0])}` : '');

const skip = sanitizerBuild()
  ? 'sanitizer build: valgrind cannot run ASan binaries (the release pass runs this check)'
  : false;

test('constant time under valgrind memcheck: only public-data branches', { skip, timeout: 180000 }, () => {
  assert.ok(fs.existsSync(bin), `${bin} missing (built by CMake from tests/ct/ct.c)`);
  const t0 = Date.now();
  const r = runValgrind([]);
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  assert.match(r.stderr, /^ct: ok$/m, `functional checks failed or the run did not finish:\n${r.stderr.slice(-4000)}`);
  const reports = parse(r.stderr);
  const hits = ALLOW.map(() => 0);
  const bad = [];
  for (const rep of reports) {
    const i = allowedBy(rep);
    if (i >= 0) hits[i]++; else bad.push(rep);
  }
  console.log(`valgrind: ${secs} s, ${reports.length} distinct report(s), ${reports.length - bad.length} allowlisted` +
    ` (${ALLOW.map((a, i) => `${[].concat(a.at)[0]}${a.code ? ' ' + a.code.source.slice(0, 24) : ''}: ${hits[i]}`).join('; ')})`);
  if (bad.length) {
    // One line per (section, kind, function), then one stack per group.
    const groups = new Map();
    for (const rep of bad) {
      const kind = /^Conditional/.test(rep.what) ? 'branch' : /^Use of uninit/.test(rep.what) ? 'address' : rep.what;
      const key = `[${rep.section}] ${kind} in ${rep.frames[0] ? rep.frames[0].fn : '?'}` +
        (rep.frames[1] ? ` <- ${rep.frames[1].fn}` : '');
      if (!groups.has(key)) groups.set(key, { n: 0, rep });
      groups.get(key).n++;
    }
    const list = [...groups];
    assert.fail(`${bad.length} secret-dependent branch(es) or address(es) not on the allowlist:\n` +
      list.map(([k, g]) => `  ${g.n} x ${k}`).join('\n') +
      `\nfirst of each:\n${list.slice(0, 12).map(([, g]) => describe(g.rep)).join('\n')}`);
  }
  // valgrind's own verdict must agree with the parse (nothing unparsed).
  assert.equal(r.status, reports.length ? EXIT_REPORTS : 0,
    `valgrind exit ${r.status} with ${reports.length} parsed report(s):\n${r.stderr.slice(-4000)}`);
});

test('constant-time check sees a planted leak (negative control)', { skip, timeout: 60000 }, () => {
  assert.ok(fs.existsSync(bin), `${bin} missing`);
  const r = runValgrind(['canary']);
  assert.match(r.stderr, /^ct: ok$/m, r.stderr.slice(-4000));
  const reports = parse(r.stderr).filter((rep) => rep.section === 'canary');
  const inCanary = (rep) => rep.frames.some((f) => f.fn === 'test_canary');
  assert.ok(reports.some((rep) => /^Conditional jump/.test(rep.what) && inCanary(rep)),
    `the branch on a secret was not reported:\n${r.stderr}`);
  assert.ok(reports.some((rep) => /^Use of uninitialised value of size/.test(rep.what) && inCanary(rep)),
    `the secret table index was not reported:\n${r.stderr}`);
  assert.ok(reports.every((rep) => allowedBy(rep) < 0), 'a planted leak matched the allowlist');
  assert.equal(r.status, EXIT_REPORTS);
});
