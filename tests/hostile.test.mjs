// Hostile-server tests: each scenario in tests/hostile/scenarios.mjs runs the
// wasmtls CLI (${WT_BUILD:-build/native}/wasmtls) against the scriptable
// TLS 1.3 server in tests/hostile/server.mjs and checks the exit code, the
// error name and reason, and the alert the server received back.
//
//   node --test tests/hostile.test.mjs
//   HOSTILE_FILTER=ccs node --test tests/hostile.test.mjs   (name substring)
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pki } from './lib/pki.mjs';
import { runCli, describe as describeRun, CLI } from './lib/cli.mjs';
import { startServer, setPki, echo } from './hostile/server.mjs';
import { scenarios } from './hostile/scenarios.mjs';

const SCENARIO_TIMEOUT = 15000;
const CONCURRENCY = Number(process.env.HOSTILE_CONCURRENCY || 8);
const filter = process.env.HOSTILE_FILTER;
const list = filter ? scenarios.filter((s) => s.name.includes(filter)) : scenarios;

let P;
const TMP = mkdtempSync(join(tmpdir(), 'wt-hostile-'));
process.on('exit', () => rmSync(TMP, { recursive: true, force: true }));
let nfile = 0;

// s.session: a first, full handshake against a ticket-issuing server that
// writes --sess-out; the scenario then runs with --sess-in. Fields:
//   server: hooks for the first connection (default: one ticket, see
//           ticket, then echo), ticket: hs.sendTicket() options,
//   args: extra client arguments for the first run,
//   edit(blob) -> blob: rewrite the session file before it is used.
async function obtainSession(s, file) {
	const first = s.session;
	const S = first.server ?? {
		afterHandshake: async (conn, hs) => { hs.sendTicket(first.ticket ?? { maxEarly: 16384 }); await echo(conn, hs); },
	};
	const srv = await startServer(S, { drainMs: SCENARIO_TIMEOUT - 3000 });
	const extra = typeof first.args === 'function' ? first.args(P) : (first.args || []);
	let res;
	try {
		res = await runCli(['--cafile', P.ca, '--servername', 'localhost', ...extra, '--sess-out', file, `127.0.0.1:${srv.port}`],
			{ input: 'hello\n', stdin: { afterOutput: 6 }, timeout: SCENARIO_TIMEOUT });
	} finally {
		srv.close();
	}
	assert.equal(res.code, 0, `first (ticket) handshake failed\n${describeRun(res)}`);
	assert.ok(existsSync(file), `first handshake wrote no --sess-out file\n${describeRun(res)}`);
	if (first.edit) writeFileSync(file, first.edit(readFileSync(file)));
}

function alertText(alerts) {
	return JSON.stringify(alerts.map((a) => `${a.level}/${a.desc}@${a.prot}`));
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
	const srv = await startServer(s.server || {}, { drainMs: SCENARIO_TIMEOUT - 3000 });
	const extra = typeof s.args === 'function' ? s.args(P) : (s.args || []);
	const args = s.noDefaultArgs ? [...extra] : ['--cafile', P.ca, '--servername', 'localhost', ...extra];
	args.push(...pre, `127.0.0.1:${srv.port}`);
	const stdin = s.stdin || (s.expect.exitNonZero ? 'open' : 'echo');
	const opts = { timeout: SCENARIO_TIMEOUT };
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
		res = await runCli(args, opts);
	} catch (e) {
		srv.close();
		throw e;
	}
	let timer;
	const sres = await Promise.race([
		srv.result,
		new Promise((_, rej) => { timer = setTimeout(() => rej(new Error('server did not finish')), SCENARIO_TIMEOUT); }),
	]).finally(() => { clearTimeout(timer); srv.close(); });
	return { res, sres, ctx };
}

function check(s, res, sres, paths) {
	const e = s.expect;
	const ctx = `${describeRun(res)}\nserver alerts received: ${alertText(sres.alerts)}` +
		`\nserver error: ${sres.error ? sres.error.stack : 'none'}\nserver notes: ${JSON.stringify(sres.notes)}`;
	assert.equal(res.signal, null, `client killed by a signal\n${ctx}`);
	assert.ok(!/AddressSanitizer|UndefinedBehaviorSanitizer|runtime error:/.test(res.stderr), `sanitizer report\n${ctx}`);
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
	if (e.alert === null) {
		assert.deepEqual(sres.alerts, [], `client must send no alert\n${ctx}`);
	} else if (e.alert === 0) {
		assert.equal(sres.alerts.length, 1, `expected exactly one close_notify\n${ctx}`);
		assert.deepEqual([sres.alerts[0].level, sres.alerts[0].desc], [1, 0], `close_notify\n${ctx}`);
	} else if (e.alert !== undefined) {
		assert.equal(sres.alerts.length, 1, `expected exactly one alert (${e.alert})\n${ctx}`);
		assert.deepEqual([sres.alerts[0].level, sres.alerts[0].desc], [2, e.alert], `alert sent by the client\n${ctx}`);
	}
	if (!e.exitNonZero) {
		assert.equal(sres.error, null, `server script failed on a positive control\n${ctx}`);
		assert.equal(sres.notes.clientFinishedOk, true, `client Finished\n${ctx}`);
	}
	if (s.check) s.check(res, sres, paths);
}

describe(`hostile server (${list.length} scenarios)`, { concurrency: CONCURRENCY }, () => {
	before(() => {
		assert.ok(existsSync(CLI), `${CLI} not built`);
		P = pki();
		setPki(P);
		console.log(`hostile: ${list.length} scenarios against ${CLI}`);
	});
	after(() => {
		console.log(`hostile: ${list.length} scenarios, ${list.filter((s) => s.todo).length} marked todo`);
	});
	for (const s of list) {
		it(s.name, { timeout: SCENARIO_TIMEOUT * 2 + 5000, todo: s.todo }, async () => {
			const { res, sres, ctx } = await runScenario(s);
			check(s, res, sres, ctx);
		});
	}
});
