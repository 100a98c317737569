// The CLI contract: option errors, --keylog, --http, the verify dispatch.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pki } from './lib/pki.mjs';
import { runCli, describe as show } from './lib/cli.mjs';
import { startOpenssl, startNode } from './lib/servers.mjs';

const P = await pki();
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'wt-cli-'));
process.on('exit', () => fs.rmSync(TMP, { recursive: true, force: true }));

describe('option errors -> error: bad_config, exit 2', { concurrency: 8 }, () => {
  const cases = [
    ['unknown option', ['--frobnicate', 'localhost:443']],
    ['unknown short option', ['-x', 'localhost:443']],
    ['missing HOST:PORT', ['--insecure']],
    ['no port', ['localhost']],
    ['bad port', ['localhost:99999']],
    ['non-numeric port', ['localhost:https']],
    ['unbracketed IPv6', ['::1:443']],
    ['two targets', ['localhost:1', 'localhost:2']],
    ['option without value', ['localhost:443', '--groups']],
    ['bad group name', ['--groups', 'x25519,ffdhe2048', 'localhost:443']],
    ['empty group list item', ['--groups', 'x25519,,secp256r1', 'localhost:443']],
    ['bad cipher name', ['--ciphers', 'TLS_AES_128_CCM_SHA256', 'localhost:443']],
    ['bad --sigalgs name', ['--sigalgs', 'ecdsa_secp256r1_sha256,ed25519', 'localhost:443']],
    ['repeated --sigalgs name', ['--sigalgs', 'rsa_pss_rsae_sha256,rsa_pss_rsae_sha256', 'localhost:443']],
    ['bad --sign-algs name', ['--sign-algs', 'rsa_pss_sha256', 'localhost:443']],
    ['bad --key-shares name', ['--key-shares', 'x448', 'localhost:443']],
    ['repeated --key-shares group', ['--key-shares', 'x25519,x25519', 'localhost:443']],
    ['empty --key-shares item', ['--key-shares', 'x25519,', 'localhost:443']],
    ['empty ALPN name', ['--alpn', 'h2,', 'localhost:443']],
    ['missing --cafile', ['--cafile', '/nonexistent/ca.pem', 'localhost:443']],
    ['--cafile without certificates', ['--cafile', '/dev/null', 'localhost:443']],
    ['--max-fragment too small', ['--max-fragment', '10', 'localhost:443']],
    ['--max-fragment not a number', ['--max-fragment', 'big', 'localhost:443']],
    ['--keylog in a missing directory', ['--keylog', '/nonexistent/dir/keys.log', 'localhost:443']],
    ['--http without leading slash', ['--http', 'index.html', 'localhost:443']],
  ];
  for (const [name, args] of cases) {
    test(name, async () => {
      const res = await runCli(args, { timeout: 10000 });
      assert.equal(res.code, 2, show(res));
      assert.equal(res.error?.name, 'bad_config', show(res));
      assert.ok(res.error.reason.length > 0);
      assert.equal(res.stdout, '');
    });
  }

  test('--help prints usage and exits 0', async () => {
    const res = await runCli(['--help']);
    assert.equal(res.code, 0);
    assert.match(res.stdout, /usage: wasmtls \[options\] HOST:PORT/);
  });

  test('unresolvable host -> connect_failed, exit 1', async () => {
    const res = await runCli(['--insecure', 'no-such-host.invalid:443'], { timeout: 15000 });
    assert.equal(res.code, 1, show(res));
    assert.equal(res.error?.name, 'connect_failed', show(res));
  });
});

describe('with openssl s_server -www', { concurrency: 4 }, () => {
  test('--keylog appends the four NSS labels, matching the server\'s secrets', async (t) => {
    const serverLog = path.join(TMP, 'server-keys.log');
    const srv = await startOpenssl({ cert: P.p256.cert, key: P.p256.key, chain: P.p256.chain, mode: 'www',
      extra: ['-keylogfile', serverLog] });
    t.after(() => srv.stop());
    const log = path.join(TMP, 'keys.log');
    fs.writeFileSync(log, '# existing line\n');
    const res = await runCli(['--cafile', P.ca, '--keylog', log, '-q', '--http', '/', `localhost:${srv.port}`]);
    assert.equal(res.code, 0, show(res));
    const lines = fs.readFileSync(log, 'utf8').split('\n');
    assert.equal(lines[0], '# existing line', 'appends, does not truncate');
    assert.equal(lines.at(-1), '', 'each line ends with a newline');
    const ours = lines.slice(1, -1);
    const labels = ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET',
      'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0'];
    for (const label of labels) {
      const l = ours.find((x) => x.startsWith(label + ' '));
      assert.ok(l, `${label} logged: ${ours.join('\n')}`);
      assert.match(l, new RegExp(`^${label} [0-9a-f]{64} [0-9a-f]{64}$`));
    }
    const randoms = new Set(ours.map((l) => l.split(' ')[1]));
    assert.equal(randoms.size, 1, 'one client random for all lines');
    // The server derived the same secrets.
    const theirs = new Set(fs.readFileSync(serverLog, 'utf8').split('\n').map((l) => l.trim()));
    for (const l of ours) assert.ok(theirs.has(l), `server agrees on ${l.split(' ')[0]}`);
  });

  test('--http GET / prints the HTTP response and exits 0', async (t) => {
    const srv = await startOpenssl({ cert: P.rsa2048.cert, key: P.rsa2048.key, chain: P.rsa2048.chain, mode: 'www' });
    t.after(() => srv.stop());
    const res = await runCli(['--cafile', P.ca, '--json', '--http', '/', `localhost:${srv.port}`]);
    assert.equal(res.code, 0, show(res));
    assert.match(res.stdout, /^HTTP\/1\.0 200 ok\r\n/);
    assert.match(res.stdout, /<\/HTML>|<\/BODY>/i);
    assert.equal(res.json.sigalg, 'rsa_pss_rsae_sha256');
    assert.equal(res.json.servername, 'localhost');
  });

  test('--servername overrides the name sent and checked', async (t) => {
    const srv = await startOpenssl({ cert: P.p256.cert, key: P.p256.key, chain: P.p256.chain, mode: 'www' });
    t.after(() => srv.stop());
    const ok = await runCli(['--cafile', P.ca, '--json', '--servername', 'localhost', '--http', '/', `127.0.0.1:${srv.port}`]);
    assert.equal(ok.code, 0, show(ok));
    assert.equal(ok.json.servername, 'localhost');
    const bad = await runCli(['--cafile', P.ca, '--servername', 'example.com', '--http', '/', `127.0.0.1:${srv.port}`]);
    assert.equal(bad.code, 1, show(bad));
    assert.equal(bad.error?.name, 'certificate_name_mismatch', show(bad));
  });

  test('-q: nothing on stderr but the --json line', async (t) => {
    const srv = await startOpenssl({ cert: P.p256.cert, key: P.p256.key, chain: P.p256.chain, mode: 'www' });
    t.after(() => srv.stop());
    const res = await runCli(['-q', '--json', '--cafile', P.ca, '--http', '/', `localhost:${srv.port}`]);
    assert.equal(res.code, 0, show(res));
    assert.equal(res.stderr.trim().split('\n').length, 1, show(res));
    assert.ok(res.json);
  });
});

describe('--http response framing (Node tls server)', { concurrency: 4 }, () => {
  // The server answers the request with `reply` and then does `then`.
  const serve = async (t, reply, then) => {
    let request = '';
    const srv = await startNode({ cert: P.p256.chain, key: P.p256.key,
      onConnection: (sock) => {
        sock.on('data', (d) => {
          request += d;
          if (request.includes('\r\n\r\n')) {
            sock.write(reply);
            if (then === 'end') sock.end();
          }
        });
      } });
    t.after(() => srv.stop());
    const res = await runCli(['--cafile', P.ca, '-q', '--http', '/some/path?q=1', `localhost:${srv.port}`], { timeout: 10000 });
    return { res, request: () => request };
  };

  test('request line and headers', async (t) => {
    const { res, request } = await serve(t, 'HTTP/1.1 204 No Content\r\n\r\n', 'open');
    assert.equal(res.code, 0, show(res));
    assert.match(request(), /^GET \/some\/path\?q=1 HTTP\/1\.1\r\n/);
    assert.match(request(), /\r\nHost: localhost:\d+\r\n/);
    assert.match(request(), /\r\nConnection: close\r\n\r\n$/);
  });

  test('Content-Length response, server keeps the connection open -> exit 0', async (t) => {
    const reply = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello';
    const { res } = await serve(t, reply, 'open');
    assert.equal(res.code, 0, show(res));
    assert.equal(res.stdout, reply);
  });

  test('chunked response, server keeps the connection open -> exit 0', async (t) => {
    const reply = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n';
    const { res } = await serve(t, reply, 'open');
    assert.equal(res.code, 0, show(res));
    assert.equal(res.stdout, reply);
  });

  test('close_notify before the announced length -> http_incomplete, exit 1', async (t) => {
    const { res } = await serve(t, 'HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort', 'end');
    assert.equal(res.code, 1, show(res));
    assert.equal(res.error?.name, 'http_incomplete', show(res));
  });
});

describe('verify subcommand dispatch', () => {
  test('wasmtls verify without arguments -> bad_config, exit 2', async () => {
    const res = await runCli(['verify']);
    assert.equal(res.code, 2, show(res));
    assert.equal(res.error?.name, 'bad_config');
  });

  test('wasmtls verify accepts a good chain', async () => {
    const res = await runCli(['verify', '--cafile', P.ca, '--host', 'localhost', P.p256.chain || P.p256.cert]);
    assert.equal(res.code, 0, show(res));
  });
});
