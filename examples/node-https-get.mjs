// GET a URL with connect() through a websockify (--ws) or Wisp (--wisp) tunnel.
//   node examples/node-https-get.mjs https://example.com/ --wisp ws://127.0.0.1:6001/
import { connect, websocket, wisp, tcp } from '../js/index.js';
import fs from 'node:fs';

const args = process.argv.slice(2);
const opt = (n) => (args.includes(n) ? args[args.indexOf(n) + 1] : null);
const url = new URL(args.find((a) => a.startsWith('https://')) || 'https://example.com/');
const transport = opt('--ws') ? websocket(opt('--ws')) : opt('--wisp') ? wisp(opt('--wisp')) : tcp();
const ca = opt('--cafile') ? fs.readFileSync(opt('--cafile'), 'utf8') : undefined;

const sock = connect({ hostname: url.hostname, port: Number(url.port || 443) }, { transport, ca, alpn: ['http/1.1'] });
const info = await sock.opened;
console.error(`* ${info.version} ${info.cipher} ${info.group} alpn=${info.alpn}`);
const w = sock.writable.getWriter();
await w.write(new TextEncoder().encode(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`));
for await (const chunk of sock.readable) process.stdout.write(chunk);
