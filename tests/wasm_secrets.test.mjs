// Secrets do not outlive their use in the wasm heap (issue 10): session
// blobs (they hold the resumption PSK), application data and exporter output are wiped from
// wasm memory once JS has its copy, and the temporary JS copies connect()
// makes of them are zero-filled. The test scans the whole wasm linear
// memory for the secret bytes: free() alone leaves them readable there.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pki } from './lib/pki.mjs';
import { startNode } from './lib/servers.mjs';
import { SKIP, pem } from './lib/wasm.mjs';
import * as mod from '../js/index.js';

const P = SKIP ? null : pki();
const CA = SKIP ? null : pem(P.ca);

// Offsets of `needle` in the wasm memory.
async function findInHeap(needle) {
  const w = await mod.loadEngine();
  const mem = new Uint8Array(w.mem.buffer);
  const hits = [];
  let i = mem.indexOf(needle[0]);
  while (i >= 0 && i <= mem.length - needle.length) {
    let j = 1;
    while (j < needle.length && mem[i + j] === needle[j]) j++;
    if (j === needle.length) hits.push(i);
    i = mem.indexOf(needle[0], i + 1);
  }
  return hits;
}

// The PSK and ticket of a session blob ("WTS" 3, see src/session.c).
function blobSecrets(b) {
  assert.deepEqual([...b.subarray(0, 4)], [0x57, 0x54, 0x53, 0x03]);
  let off = 4 + 2 + 8 + 4 + 4 + 4 + 1 + 1 + 32;
  for (let i = 0; i < 3; i++) off += 1 + b[off];          // alpn, server_name, verify_ip
  const psk = b.slice(off + 1, off + 1 + b[off]);
  off += 1 + b[off];
  const tlen = b[off] << 8 | b[off + 1];
  return { psk, ticket: b.slice(off + 2, off + 2 + tlen) };
}

async function echoSession(port, opts) {
  const s = mod.connect({ hostname: 'localhost', port }, { ca: CA, sessionCache: false, ...opts });
  const info = await s.opened;
  const w = s.writable.getWriter();
  await w.write(new Uint8Array([1, 2, 3]));
  const r = s.readable.getReader();
  await r.read(); // the server has our Finished: it sent its tickets before the echo
  await s.close();
  return { s, info };
}

describe('secrets wiped from the wasm heap', { skip: SKIP }, () => {
  test('exporter output: only the JS copy remains', async (t) => {
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key });
    t.after(() => srv.stop());
    const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA, sessionCache: false });
    let ekm, ekm2, hits, hits2;
    try {
      await s.opened;
      ekm = s.exportKeyingMaterial('EXPORTER-wasmtls-wipe-test', 48);
      hits = await findInHeap(ekm);
      ekm2 = s.exportKeyingMaterial('EXPORTER-wasmtls-wipe-test', 48, 'ctx');
      hits2 = await findInHeap(ekm2);
    } finally {
      await s.close();   // before the server stops, whatever the outcome
    }
    assert.equal(ekm.length, 48);
    assert.notDeepEqual(ekm2, ekm);
    assert.deepEqual(hits, [], 'exporter output left in wasm memory');
    assert.deepEqual(hits2, [], 'exporter output (with context) left in wasm memory');
  });

  test('session blob offered for resumption: PSK and ticket gone from wasm memory after the connection', async (t) => {
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key });
    t.after(() => srv.stop());
    const blobs = [];
    await echoSession(srv.port, { onSession: (b) => blobs.push(b) });
    assert.ok(blobs.length >= 1, 'the server sent a ticket');
    const blob = blobs[0];
    const { psk, ticket } = blobSecrets(blob);
    assert.ok(psk.length === 32 || psk.length === 48, `PSK length ${psk.length}`);
    assert.deepEqual(await findInHeap(psk), [], 'PSK of a new session left in wasm memory');
    const { info } = await echoSession(srv.port, { session: blob });
    assert.equal(info.resumed, true);
    assert.deepEqual(await findInHeap(psk), [], 'PSK of the offered session left in wasm memory');
    assert.deepEqual(await findInHeap(ticket), [], 'ticket of the offered session left in wasm memory');
    assert.deepEqual(blobSecrets(blob).psk, psk, 'options.session (the caller\'s bytes) untouched');
  });

  test('a blob taken from the session store is zero-filled once the engine has its copy', async (t) => {
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key });
    t.after(() => srv.stop());
    const cache = new mod.MemorySessionCache();
    await echoSession(srv.port, { sessionCache: cache });
    const key = await mod.sessionKeyFor({ hostname: 'localhost', port: srv.port }, { ca: CA });
    const stored = cache.get(key);
    assert.ok(stored, 'a session in the store');
    const { psk } = blobSecrets(stored);
    const { info } = await echoSession(srv.port, { sessionCache: cache });
    assert.equal(info.resumed, true);
    assert.ok(stored.every((b) => b === 0), 'the blob get() returned was zero-filled');
    assert.deepEqual(await findInHeap(psk), [], 'PSK left in wasm memory');
  });

  // The record buffers hold the records' plaintext (decrypted in place):
  // they are wiped when given back, after each burst of records (connect.js
  // holds them through one, wtw_hold) and at the end.
  test('application data: gone from wasm memory once read, and after close', async (t) => {
    const crypto = await import('node:crypto');
    const marker = crypto.randomBytes(32);
    const payload = Buffer.concat(Array(1536).fill(marker));   // 48 KiB: several records
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key, onConnection: (sock) => {
      sock.once('data', () => sock.write(payload));
    } });
    t.after(() => srv.stop());
    const s = mod.connect({ hostname: 'localhost', port: srv.port }, { ca: CA, sessionCache: false });
    await s.opened;
    const w = s.writable.getWriter();
    await w.write(new Uint8Array([1]));
    const r = s.readable.getReader();
    let got = 0;
    while (got < payload.length) {
      const { value, done } = await r.read();
      assert.ok(!done, `ended after ${got} bytes`);
      got += value.byteLength;
    }
    await new Promise((res) => setTimeout(res, 20));   // idle
    assert.deepEqual(await findInHeap(marker), [], 'plaintext left in wasm memory while idle');
    await s.close();
    assert.deepEqual(await findInHeap(marker), [], 'plaintext left in wasm memory after close');
  });

  test('client private key: not left in wasm memory', async (t) => {
    const fs = await import('node:fs');
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key,
      tlsOptions: { requestCert: true, rejectUnauthorized: true, ca: fs.readFileSync(P.client.ca) } });
    t.after(() => srv.stop());
    const keyPem = fs.readFileSync(P.client.p256.key, 'utf8');
    const { info } = await echoSession(srv.port, { cert: fs.readFileSync(P.client.p256.chain, 'utf8'), key: keyPem });
    assert.equal(info.clientCertificateSent, true);
    // the PEM text (its base64 body) in wasm memory would be the key
    const body = keyPem.split('\n').filter((l) => l && !l.startsWith('-----'))[1];
    assert.ok(body && body.length >= 40);
    assert.deepEqual(await findInHeap(new TextEncoder().encode(body)), [], 'private key PEM left in wasm memory');
  });
});
