// Cold start of two (or more) checkouts of the package side by side with
// node:tls, in one run: the same fresh-process measurement as `make bench`
// (bench/peer_child.mjs cold: spawn -> import, instantiate, one handshake
// -> exit), the implementations alternating per round (the order reversed
// on odd rounds), so that load on a shared machine hits all of them alike.
//
//   node bench/cold_compare.mjs [ROUNDS] DIR...
//     DIR: a checkout (its bench/peer_child.mjs and js/ are used), e.g.
//     a copy of the old tree and this one; node:DIR: node:tls through that
//     checkout's peer_child.mjs (the first line is always this one's).
//     Prints medians, min and max;
//     COLD_CPU=1: also CPU time per process (/usr/bin/time), steadier than
//     wall time on a loaded machine.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pki } from '../tests/lib/pki.mjs';
import { startNode } from '../tests/lib/servers.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
let argv = process.argv.slice(2);
const CPU = process.env.COLD_CPU === '1';
const rounds = /^\d+$/.test(argv[0] || '') ? Number(argv.shift()) : 11;
const dirs = argv.length ? argv : [path.resolve(HERE, '..')];
const P = pki();
const srv = await startNode({ cert: P.p256.chain, key: P.p256.key, onConnection: (s) => s.once('data', () => s.write('x')) });
const args = JSON.stringify({ port: srv.port, ca: P.ca });

const impls = [{ name: 'node:tls', child: path.join(HERE, 'peer_child.mjs'), kind: 'node' },
  ...dirs.map((d) => {
    const node = d.startsWith('node:');   // node:DIR: node:tls through DIR's bench/peer_child.mjs
    const dir = path.resolve(node ? d.slice(5) : d);
    return { name: `${node ? 'node:tls' : 'wasmtls'} ${dir}`, child: path.join(dir, 'bench/peer_child.mjs'), kind: node ? 'node' : 'wasmtls' };
  })];
for (const i of impls) if (!fs.existsSync(i.child)) throw new Error(`no ${i.child}`);

function run(i) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const cmd = [process.execPath, i.child, 'cold', i.kind, args];
    const c = CPU ? spawn('/usr/bin/time', ['-f', 'CPU %U %S', ...cmd], { stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr.on('data', (d) => { err += d; });
    c.on('exit', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0) return reject(new Error(`${i.name}: exit ${code} ${err}`));
      const m = /CPU ([\d.]+) ([\d.]+)/.exec(err);
      resolve({ ms, cpu: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN });
    });
  });
}

const times = impls.map(() => []);
const cpus = impls.map(() => []);
for (let k = 0; k <= rounds; k++) { // round 0 warms the file cache
  const order = impls.map((_, j) => j);
  if (k & 1) order.reverse();
  for (const j of order) {
    const r = await run(impls[j]);
    if (k) { times[j].push(r.ms); cpus[j].push(r.cpu); }
  }
}
await srv.stop();
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
const base = median(times[0]);
for (const [j, i] of impls.entries()) {
  const m = median(times[j]);
  const cpu = CPU ? `; CPU (user+sys, all threads) median ${median(cpus[j]).toFixed(0)} ms (x${(median(cpus[j]) / median(cpus[0])).toFixed(3)})` : '';
  console.log(`${i.name}: median ${m.toFixed(1)} ms (x${(m / base).toFixed(3)} node:tls), min ${Math.min(...times[j]).toFixed(1)}, max ${Math.max(...times[j]).toFixed(1)}, n=${times[j].length}${cpu}`);
}
