// The https module over wasmtls/node: a GET through a websockify tunnel
// (or directly over TCP without --ws).
//   node examples/node-duplex.mjs https://localhost:8443/ [--ws ws://127.0.0.1:8080/] [--cafile ca.pem]
import https from 'node:https';
import fs from 'node:fs';
import { connect } from '../js/node.js';
import { websocket, tcp } from '../js/index.js';

const args = process.argv.slice(2);
const url = new URL(args.find((a) => a.startsWith('https://')) || 'https://example.com/');
const ws = args.includes('--ws') ? args[args.indexOf('--ws') + 1] : null;
const cafile = args.includes('--cafile') ? args[args.indexOf('--cafile') + 1] : null;
const transport = ws ? websocket(ws) : tcp();

https.get(url, {
  createConnection: (o) => connect({ host: url.hostname, port: url.port || 443, servername: url.hostname,
    ca: cafile ? fs.readFileSync(cafile, 'utf8') : undefined, transport }),
}, (res) => {
  console.log(`HTTP ${res.statusCode}`, JSON.stringify(res.headers));
  res.pipe(process.stdout);
}).on('error', (e) => { console.error(`error: ${e.code || 'error'}: ${e.reason || e.message}`); process.exitCode = 1; });
