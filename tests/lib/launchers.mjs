// Client launchers: one way to run "the wasmtls CLI" per build, all with the
// same call and the same result, so a test (tests/hostile/runner.mjs) can run
// one scenario table against every build.
//
//   native(build)   ${build}/wasmtls (build/native, build/asan)
//   wasiP1()        build/wasi/wasmtls.wasm under node:wasi in a child
//                   process (tests/lib/wasi_p1_runner.mjs), --transport
//                   stdio, its fd 0/1 bridged to the TCP connection
//   wasiComponent() build/wasi/wasmtls.component.wasm under jco (its own
//                   TCP connection through wasi:sockets), transpiled once
//                   or with a full `jco run` per client
//   nodeCli()       js/bin/wasmtls.mjs (the Emscripten build in Node)
//
// launcher = {
//   id, name, artifacts: [paths that must exist],
//   missing() -> reason string when an artifact is missing, else null,
//   prepare() (optional) -> Promise: once, before the first run,
//   wasm: true for the wasm builds (a trap must never be an outcome),
//   timeoutScale: multiply scenario timeouts (jco transpiles per run),
//   unsupported: {feature: reason} — CLI options the front end does not
//         have ('--cert', '--sess-in', ...) or behaviours it cannot
//         express ('input+earlyData'); see the launcher definitions,
//   run(args, opts) -> Promise<result>
// }
// run opts: port (the server, also in args as 127.0.0.1:PORT), dirs (host
// directories the client reads or writes: preopened at the same path for the
// WASI builds), tmp (a scratch directory, one of dirs), input, stdin
// ('end' | 'open' | {afterOutput: N}) and timeout as in tests/lib/cli.mjs.
// result: {code, signal, stdout, stdoutBuf, stderr, json, error, trap, ms};
// the promise rejects on a timeout (the process is killed) and on a
// sanitizer report, like runCli.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT, clientEnv, parseStderr } from './cli.mjs';

// A wasm trap or an uncaught JS exception instead of the CLI's own exit
// (same pattern as tests/lib/wasi.mjs).
export const TRAP_RE = /wasm trap|RuntimeError|wasm:\/\/|Maximum call stack|Unhandled|\n\s+at \S+ \(file:/;

const P1_RUNNER = path.join(ROOT, 'tests', 'lib', 'wasi_p1_runner.mjs');
const JCO = path.join(ROOT, 'node_modules', '@bytecodealliance', 'jco', 'dist', 'jco.js');
const JCO_PREOPENS = path.join(ROOT, 'tests', 'lib', 'wasi_jco_preopens.mjs');

const identityPreopens = (dirs = []) => Object.fromEntries([...new Set(dirs)].map((d) => [d, d]));

function missingOf(artifacts) {
	const m = artifacts.filter((a) => !fs.existsSync(a));
	return m.length ? `not built: ${m.map((a) => path.relative(ROOT, a)).join(', ')}` : null;
}

function result(code, signal, out, stderr, started) {
	const stdoutBuf = Buffer.concat(out);
	return {
		code, signal, stdoutBuf, stdout: stdoutBuf.toString('utf8'), stderr,
		...parseStderr(stderr), trap: TRAP_RE.test(stderr), ms: Date.now() - started,
	};
}

// Spawns cmd argv with the stdin modes of runCli; label names it in errors.
function spawnClient(cmd, argv, opts, label, env = {}) {
	const timeout = opts.timeout ?? 20000;
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'], env: clientEnv(env) });
		const out = [];
		let outLen = 0;
		let stderr = '';
		let timedOut = false;
		const stdinMode = opts.stdin ?? 'end';
		let stdinEnded = false;
		const endStdin = () => { if (!stdinEnded) { stdinEnded = true; child.stdin.end(); } };
		child.stdin.on('error', () => {});
		const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeout);
		child.stdout.on('data', (d) => {
			out.push(d);
			outLen += d.length;
			if (typeof stdinMode === 'object' && outLen >= stdinMode.afterOutput) endStdin();
		});
		child.stderr.on('data', (d) => { stderr += d.toString('utf8'); });
		child.on('error', (e) => { clearTimeout(timer); reject(e); });
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			const res = result(code, signal, out, stderr, started);
			if (/Sanitizer|runtime error:/.test(stderr)) {
				const e = new Error(`${label} ${argv.join(' ')}: sanitizer report\n${stderr.slice(-4000)}`);
				e.result = res;
				reject(e);
			} else if (timedOut) {
				const e = new Error(`${label} ${argv.join(' ')} timed out after ${timeout} ms\n` +
					`stderr: ${stderr.slice(-2000)}\nstdout: ${res.stdout.slice(-500)}`);
				e.result = res;
				reject(e);
			} else {
				resolve(res);
			}
		});
		if (opts.input !== undefined && opts.input !== null) child.stdin.write(opts.input);
		if (stdinMode === 'end') endStdin();
		else if (typeof stdinMode === 'object' && outLen >= stdinMode.afterOutput) endStdin();
	});
}

/* ------------------------------------------------------------------ */

export function native(build = process.env.WT_BUILD || 'build/native') {
	const cli = path.resolve(ROOT, build, 'wasmtls');
	return {
		id: 'native', name: `native CLI (${build})`, artifacts: [cli], wasm: false, timeoutScale: 1,
		missing() { return missingOf(this.artifacts); },
		unsupported: {},
		run: (args, opts = {}) => spawnClient(cli, args, opts, cli),
	};
}

/* ------------------------------------------------------------------ */

// build/wasi/wasmtls.wasm --transport stdio: TLS records on fd 0/1, so the
// module has no application input channel: whatever the scenario writes to
// stdin goes to --data FILE (sent once the handshake is done), and then the
// module reads "stdin" as at EOF, i.e. it sends close_notify right after its
// request (or right after the handshake when there is none) and reads until
// the server closes. The received data goes to --out FILE, returned as
// stdout. The runner's closesEarly flag describes this.
let p1Files = 0;
export function wasiP1() {
	const wasm = path.join(ROOT, 'build', 'wasi', 'wasmtls.wasm');
	return {
		id: 'wasi-p1', name: 'WASI preview1 (node:wasi, --transport stdio)', artifacts: [wasm, P1_RUNNER], wasm: true,
		timeoutScale: 1,
		closesEarly: true,
		missing() { return missingOf(this.artifacts); },
		unsupported: {
			// --early-data is the request and --data is exclusive with it; the
			// scenario's follow-up stdin has no way in.
			'input+earlyData': 'the stdio front end has no input channel: --early-data and --data are exclusive, so the ' +
				'stdin sent after the 0-RTT data cannot be expressed',
		},
		async run(args, opts = {}) {
			const n = ++p1Files;
			const outFile = path.join(opts.tmp, `p1-out-${process.pid}-${n}`);
			const extra = ['--transport', 'stdio', '--out', outFile];
			if (opts.input !== undefined && opts.input !== null) {
				const dataFile = path.join(opts.tmp, `p1-data-${process.pid}-${n}`);
				fs.writeFileSync(dataFile, opts.input);
				extra.push('--data', `@${dataFile}`);
			}
			// the target stays the last argument
			const argv = [...args.slice(0, -1), ...extra, args[args.length - 1]];
			const res = await runP1Bridged(wasm, argv, identityPreopens(opts.dirs), opts);
			let outBuf = Buffer.alloc(0);
			try { outBuf = fs.readFileSync(outFile); } catch { /* not created: failure before --out was opened */ }
			return { ...res, stdoutBuf: outBuf, stdout: outBuf.toString('utf8') };
		},
	};
}

// Like tests/lib/wasi.mjs runP1 with a port: the module in a child process
// on blocking pipes, this process moving bytes between them and the socket.
async function runP1Bridged(wasm, argv, preopens, opts) {
	const timeout = opts.timeout ?? 20000;
	const started = Date.now();
	const child = spawn(process.execPath, ['--no-warnings', P1_RUNNER, wasm, JSON.stringify(preopens), ...argv], {
		stdio: ['pipe', 'pipe', 'pipe'], env: clientEnv(),
	});
	child.stdin.on('error', () => {});
	const sock = net.connect({ port: opts.port, host: '127.0.0.1' });
	sock.setNoDelay(true);
	sock.on('error', () => { child.stdin.end(); });
	sock.on('data', (d) => child.stdin.write(d));
	sock.on('end', () => child.stdin.end());
	sock.on('close', () => child.stdin.end());
	child.stdout.on('data', (d) => { if (!sock.destroyed) sock.write(d); });
	child.stdout.on('end', () => { if (!sock.destroyed) sock.end(); });
	return new Promise((resolve, reject) => {
		let stderr = '';
		let timedOut = false;
		const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeout);
		child.stderr.on('data', (d) => { stderr += d.toString('utf8'); });
		child.on('error', (e) => { clearTimeout(timer); sock.destroy(); reject(e); });
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			// let the last bytes the module wrote reach the server
			if (!sock.destroyed) sock.end();
			setTimeout(() => sock.destroy(), 2000).unref();
			const res = result(code, signal, [], stderr, started);
			if (timedOut) {
				const e = new Error(`wasmtls.wasm ${argv.join(' ')} timed out after ${timeout} ms\nstderr: ${stderr.slice(-2000)}`);
				e.result = res;
				reject(e);
			} else {
				resolve(res);
			}
		});
	});
}

/* ------------------------------------------------------------------ */

// build/wasi/wasmtls.component.wasm under jco: --transport tcp (its
// default), stdin goes to the connection as with the native CLI.
//
// wasiComponent({ transpileOnce: true }) (the default): prepare() runs
// `jco run --jco-dir DIR` once (transpiling the component into DIR and
// writing DIR/_run.js), then every run is `node DIR/_run.js ARGS`, which is
// exactly the process `jco run` spawns after its transpile step (~0.3 s
// instead of ~2.5 s of CPU per run).
// wasiComponent({ transpileOnce: false }): a full `jco run` per run.
export function wasiComponent({ transpileOnce = true } = {}) {
	const comp = path.join(ROOT, 'build', 'wasi', 'wasmtls.component.wasm');
	let dir = null;
	const env = (opts) => ({ WT_JCO_PREOPENS: JSON.stringify(identityPreopens(opts.dirs)), NODE_NO_WARNINGS: '1' });
	return {
		id: transpileOnce ? 'wasi-component' : 'wasi-component-jco-run',
		name: transpileOnce ? 'WASI component (jco, transpiled once)' : 'WASI component (jco run per client)',
		artifacts: [comp, JCO], wasm: true, timeoutScale: transpileOnce ? 2 : 3,
		missing() { return missingOf(this.artifacts); },
		unsupported: {},
		async prepare() {
			if (!transpileOnce || dir) return;
			const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wt-jco-'));
			process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
			const res = await spawnClient(process.execPath,
				[JCO, 'run', '--jco-dir', path.join(tmp, 'jco'), '--jco-import', JCO_PREOPENS, comp, '--help'],
				{ timeout: 120000 }, 'jco run --jco-dir', env({}));
			if (res.code !== 0 || !fs.existsSync(path.join(tmp, 'jco', '_run.js'))) {
				throw new Error(`jco run --jco-dir failed (exit ${res.code})\n${res.stderr.slice(-2000)}`);
			}
			dir = path.join(tmp, 'jco');
		},
		run(args, opts = {}) {
			if (transpileOnce) {
				if (!dir) throw new Error('wasiComponent: prepare() first');
				return spawnClient(process.execPath, [path.join(dir, '_run.js'), ...args], opts, 'jco _run.js wasmtls.component', env(opts));
			}
			return spawnClient(process.execPath, [JCO, 'run', '--jco-import', JCO_PREOPENS, comp, ...args], opts,
				'jco run wasmtls.component.wasm', env(opts));
		},
	};
}

/* ------------------------------------------------------------------ */

// js/bin/wasmtls.mjs: the npm package's CLI, with the native CLI's options
// (--sess-in/--sess-out/--early-data/--cert/--key since 5d880eb).
export function nodeCli() {
	const bin = path.join(ROOT, 'js', 'bin', 'wasmtls.mjs');
	const wasm = path.join(ROOT, 'js', 'dist', 'wasmtls.wasm');
	return {
		id: 'emscripten', name: 'Emscripten build (node js/bin/wasmtls.mjs)', artifacts: [bin, wasm], wasm: true, timeoutScale: 1.5,
		missing() { return missingOf(this.artifacts); },
		unsupported: {
			'--key-update-after': 'a testing knob of the C CLIs; the npm package keeps the RFC 8446 5.5 limits',
		},
		run: (args, opts = {}) => spawnClient(process.execPath, ['--no-warnings', bin, ...args], opts, 'node js/bin/wasmtls.mjs'),
	};
}
