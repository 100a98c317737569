// The hostile-server runner, shared by every build: each scenario in
// tests/hostile/scenarios.mjs runs a client launcher (tests/lib/launchers.mjs:
// native CLI, WASI preview1 under node:wasi, WASI component under jco,
// Emscripten Node CLI) against the scriptable TLS 1.3 server in
// tests/hostile/server.mjs and checks the exit code, the error name and
// reason, and the alert the server received back. One scenario table, one
// set of expectations: the builds cannot drift.
//
//   hostileSuite(launcher, {
//     skip,        false, or a reason to skip the whole suite
//     select,      (scenario) => boolean: run only these (a subset, e.g.
//                  for jco); the others are not registered at all
//     skipNames,   {scenario name: reason} for behaviours the front end
//                  cannot express (beyond launcher.unsupported)
//     todoNames,   {scenario name: reason} for client differences found on
//                  this build (bugs to fix, reported in the issue)
//     concurrency, scenarios at a time (default HOSTILE_CONCURRENCY or 8)
//     required,    true: a missing artifact fails the suite instead of
//                  skipping it (the native CLI, which `make test` builds)
//   })
//
// A launcher with closesEarly (WASI preview1 stdio: no application input,
// so close_notify goes out right after the handshake or the --data
// request) may have that one close_notify ahead of the alert a scenario
// expects; everything after it is checked as for every other build.
//
// Environment: HOSTILE_FILTER (name substring), HOSTILE_CONCURRENCY
// (default 8), HOSTILE_TIMEOUT (ms per client run, default 15000, times the
// launcher's timeoutScale).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pki } from '../lib/pki.mjs';
import { startServer, setPki, echo } from './server.mjs';
import { scenarios } from './scenarios.mjs';

const CONCURRENCY = Number(process.env.HOSTILE_CONCURRENCY || 8);

// What a front end cannot express yet, beyond its launcher's own
// `unsupported` list (tests/lib/launchers.mjs): features from
// scenarioFeatures() ('tls12': the client must offer TLS 1.2;
// 'tls12-suite-names': TLS 1.2 suites in --ciphers; option names), per
// launcher id, each with the reason the skip reports. Every front end has
// them all today (the npm package since a090b6f).
const FRONT_END_GAPS = {};

function describeRun(res) {
	return `exit ${res.code}${res.signal ? ` (${res.signal})` : ''} in ${res.ms} ms\nstderr:\n${res.stderr.slice(-3000)}` +
		`\nstdout (${res.stdoutBuf.length} bytes): ${res.stdout.slice(0, 300)}`;
}

function alertText(alerts) {
	return JSON.stringify(alerts.map((a) => `${a.level}/${a.desc}@${a.prot}`));
}

/** The CLI options and behaviours a scenario needs, for launcher.unsupported. */
export function scenarioFeatures(s, P) {
	const f = new Set();
	const opts = (a) => (typeof a === 'function' ? a(P) : (a || [])).filter((x) => x.startsWith('-'));
	for (const o of opts(s.args)) f.add(o);
	const all = [...(typeof s.args === 'function' ? s.args(P) : (s.args || [])),
		...(s.session ? (typeof s.session.args === 'function' ? s.session.args(P) : (s.session.args || [])) : [])];
	if (all.some((a) => /(^|,)TLS_ECDHE_/.test(a))) f.add('tls12-suite-names');
	// the client must offer TLS 1.2 (by default it does): s.offers12, or
	// a TLS 1.2 server (server12.mjs) in the scenario or its first run
	if (s.offers12 ?? Boolean(s.server?.tls12 || s.session?.server?.tls12)) f.add('tls12');
	if (s.session) {
		f.add('--sess-in').add('--sess-out');
		for (const o of opts(s.session.args)) f.add(o);
	}
	if (s.earlyData !== undefined) f.add('--early-data');
	if (s.sessOut) f.add('--sess-out');
	if (s.earlyData !== undefined && s.input !== undefined) f.add('input+earlyData');
	return f;
}

export function hostileSuite(launcher, o = {}) {
	const timeout = Math.round(Number(process.env.HOSTILE_TIMEOUT || 15000) * (launcher.timeoutScale || 1));
	const filter = process.env.HOSTILE_FILTER;
	let list = filter ? scenarios.filter((s) => s.name.includes(filter)) : scenarios;
	if (o.select) list = list.filter(o.select);
	const skipNames = o.skipNames || {};
	const todoNames = o.todoNames || {};
	for (const n of [...Object.keys(skipNames), ...Object.keys(todoNames)]) {
		if (!scenarios.some((s) => s.name === n)) throw new Error(`hostile runner: no scenario named "${n}"`);
	}
	const missing = o.skip ? null : launcher.missing();
	if (missing && o.required) {
		describe(`hostile server on ${launcher.name}`, () => {
			it('client artifact', () => assert.fail(`${launcher.name}: ${missing}`));
		});
		return { list, runnable: [] };
	}
	const suiteSkip = o.skip || missing;

	let P = null;
	let TMP = null;
	let nfile = 0;
	let earlyCloses = 0;
	if (!suiteSkip) {
		P = pki();
		TMP = mkdtempSync(join(tmpdir(), `wt-hostile-${launcher.id}-`));
		process.on('exit', () => rmSync(TMP, { recursive: true, force: true }));
	}
	const dirs = () => [P.dir, P.client.dir, TMP];

	const whySkipped = (s) => {
		if (skipNames[s.name]) return skipNames[s.name];
		for (const f of scenarioFeatures(s, P)) {
			const why = launcher.unsupported[f] ?? FRONT_END_GAPS[launcher.id]?.[f];
			if (why) return why;
		}
		return null;
	};

	// s.session: a first, full handshake against a ticket-issuing server
	// that writes --sess-out; the scenario then runs with --sess-in. Fields:
	//   server: hooks for the first connection (default: one ticket, see
	//           ticket, then echo), ticket: hs.sendTicket() options,
	//   args: extra client arguments for the first run,
	//   edit(blob) -> blob: rewrite the session file before it is used.
	async function obtainSession(s, file) {
		const first = s.session;
		const S = first.server ?? {
			afterHandshake: async (conn, hs) => { hs.sendTicket(first.ticket ?? { maxEarly: 16384 }); await echo(conn, hs); },
		};
		const srv = await startServer(S, { drainMs: timeout - 3000 });
		const extra = typeof first.args === 'function' ? first.args(P) : (first.args || []);
		let res;
		try {
			res = await launcher.run(['--cafile', P.ca, '--servername', 'localhost', ...extra, '--sess-out', file, `127.0.0.1:${srv.port}`],
				{ input: 'hello\n', stdin: { afterOutput: 6 }, timeout, port: srv.port, dirs: dirs(), tmp: TMP });
		} finally {
			srv.close();
		}
		assert.equal(res.code, 0, `first (ticket) handshake failed\n${describeRun(res)}`);
		assert.ok(existsSync(file), `first handshake wrote no --sess-out file\n${describeRun(res)}`);
		if (first.edit) writeFileSync(file, first.edit(readFileSync(file)));
	}

	async function runScenario(s) {
		const n = ++nfile;
		const ctx = {};
		const pre = [];
		if (s.session) {
			ctx.sessIn = join(TMP, `sess-in-${n}.bin`);
			await obtainSession(s, ctx.sessIn);
			pre.push('--sess-in', ctx.sessIn);
		}
		if (s.earlyData !== undefined) {
			ctx.earlyFile = join(TMP, `early-${n}.txt`);
			writeFileSync(ctx.earlyFile, s.earlyData);
			pre.push('--early-data', ctx.earlyFile);
		}
		if (s.sessOut) {
			ctx.sessOut = join(TMP, `sess-out-${n}.bin`);
			pre.push('--sess-out', ctx.sessOut);
		}
		const srv = await startServer(s.server || {}, { drainMs: timeout - 3000 });
		const extra = typeof s.args === 'function' ? s.args(P) : (s.args || []);
		const args = s.noDefaultArgs ? [...extra] : ['--cafile', P.ca, '--servername', 'localhost', ...extra];
		args.push(...pre, `127.0.0.1:${srv.port}`);
		const stdin = s.stdin || (s.expect.exitNonZero ? 'open' : 'echo');
		const opts = { timeout, port: srv.port, dirs: dirs(), tmp: TMP };
		if (s.input !== undefined) {
			// custom input: end stdin once afterOutput bytes came back
			opts.input = s.input;
			opts.stdin = { afterOutput: s.afterOutput ?? Buffer.byteLength(s.input) };
		} else if (stdin === 'echo') {
			opts.input = 'hello\n';
			opts.stdin = { afterOutput: 6 };
		} else {
			opts.stdin = 'open';
		}
		let res;
		try {
			res = await launcher.run(args, opts);
		} catch (e) {
			srv.close();
			throw e;
		}
		let timer;
		const sres = await Promise.race([
			srv.result,
			new Promise((_, rej) => { timer = setTimeout(() => rej(new Error('server did not finish')), timeout); }),
		]).finally(() => { clearTimeout(timer); srv.close(); });
		return { res, sres, ctx };
	}

	function check(s, res, sres, paths) {
		const e = s.expect;
		const ctx = `${launcher.name}\n${describeRun(res)}\nserver alerts received: ${alertText(sres.alerts)}` +
			`\nserver error: ${sres.error ? sres.error.stack : 'none'}\nserver notes: ${JSON.stringify(sres.notes)}`;
		assert.equal(res.signal, null, `client killed by a signal\n${ctx}`);
		assert.ok(!/AddressSanitizer|UndefinedBehaviorSanitizer|runtime error:/.test(res.stderr), `sanitizer report\n${ctx}`);
		if (launcher.wasm) assert.equal(res.trap, false, `wasm trap or JS exception\n${ctx}`);
		if (e.exitNonZero) assert.notEqual(res.code, 0, `expected a non-zero exit\n${ctx}`);
		else assert.equal(res.code, 0, `expected exit 0\n${ctx}`);
		if (e.errorName) {
			assert.ok(res.error, `expected "error: ${e.errorName}: ..."\n${ctx}`);
			assert.equal(res.error.name, e.errorName, `error name\n${ctx}`);
			if (e.reasonIncludes) assert.ok(res.error.reason.includes(e.reasonIncludes), `reason should include "${e.reasonIncludes}"\n${ctx}`);
		} else {
			assert.equal(res.error, null, `expected no error line\n${ctx}`);
		}
		assert.equal(sres.undecryptable, 0, `server could not decrypt ${sres.undecryptable} client record(s)\n${ctx}`);
		let alerts = sres.alerts;
		if (launcher.closesEarly && e.alert !== 0 && alerts.length && alerts[0].level === 1 && alerts[0].desc === 0
			&& /^app/.test(alerts[0].prot)) {
			// The front end has no application input (WASI preview1 stdio: fd 0
			// carries the records), so it sends close_notify right after the
			// handshake or its request. A failure after that point follows it:
			// the expectation applies to what comes after this close_notify
			// (under the application keys: never one inside the handshake).
			alerts = alerts.slice(1);
			earlyCloses++;
		}
		if (e.alert === null) {
			assert.deepEqual(alerts, [], `client must send no alert\n${ctx}`);
		} else if (e.alert === 0) {
			assert.equal(alerts.length, 1, `expected exactly one close_notify\n${ctx}`);
			assert.deepEqual([alerts[0].level, alerts[0].desc], [1, 0], `close_notify\n${ctx}`);
		} else if (e.alert !== undefined) {
			assert.equal(alerts.length, 1, `expected exactly one alert (${e.alert})\n${ctx}`);
			assert.deepEqual([alerts[0].level, alerts[0].desc], [e.alertLevel ?? 2, e.alert], `alert sent by the client\n${ctx}`);
		}
		if (!e.exitNonZero) {
			assert.equal(sres.error, null, `server script failed on a positive control\n${ctx}`);
			assert.equal(sres.notes.clientFinishedOk, true, `client Finished\n${ctx}`);
		}
		if (s.check) s.check(res, sres, paths);
	}

	const runnable = suiteSkip ? [] : list.filter((s) => !whySkipped(s));
	const title = `hostile server on ${launcher.name} (${list.length} scenarios)`;
	describe(title, { concurrency: o.concurrency || CONCURRENCY, skip: suiteSkip || false }, () => {
		const started = Date.now();
		before(async () => {
			setPki(P);
			if (launcher.prepare) await launcher.prepare();
			console.log(`hostile [${launcher.id}]: ${list.length} scenarios, ${runnable.length} run, ` +
				`${list.length - runnable.length} skipped (unsupported by this front end)`);
		});
		after(() => {
			const todo = runnable.filter((s) => s.todo || todoNames[s.name]).length;
			console.log(`hostile [${launcher.id}]: ${runnable.length} run (${todo} todo), ` +
				`${list.length - runnable.length} skipped, ${((Date.now() - started) / 1000).toFixed(1)} s` +
				(launcher.closesEarly ? `; ${earlyCloses} with the front end's own close_notify ahead of the expected alert` : ''));
		});
		for (const s of list) {
			const skip = suiteSkip ? false : whySkipped(s);
			const todo = s.todo || todoNames[s.name];
			it(s.name, { timeout: timeout * 3 + 5000, todo, skip: skip || false }, async () => {
				const { res, sres, ctx } = await runScenario(s);
				check(s, res, sres, ctx);
			});
		}
	});
	return { list, runnable };
}
