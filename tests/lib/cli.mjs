// Runs the wasmtls CLI (${WT_BUILD:-build/native}/wasmtls) with a timeout.
//
// runCli(args, opts) -> Promise<{code, signal, stdout, stdoutBuf, stderr,
//                                json, error, ms}>
//   opts.input        string|Buffer written to stdin
//   opts.stdin        'end' (default: end stdin after input),
//                     'open' (never end stdin: the server must close),
//                     {afterOutput: N} (end stdin once stdout holds N bytes)
//   opts.timeout      ms (default 20000). If it trips the process is
//                     killed and the promise REJECTS: a test never hangs.
//                     It also rejects on an ASan/UBSan report on stderr.
//   opts.onStderrLine (line, child) callback, e.g. to react to --json
//   opts.env          extra environment
// json:  the parsed --json line (first stderr line starting with '{"version"'), or null
// error: {name, reason} from the first 'error: name: reason' stderr line, or null
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUILD = process.env.WT_BUILD || 'build/native';
export const CLI = path.resolve(ROOT, BUILD, 'wasmtls');

// The environment of a client process: the test's own, without
// NODE_EXTRA_CA_CERTS. A machine that sets it (this one: the system
// bundle) makes every Node process parse those ~140 certificates at
// startup, ~70 ms of CPU per client (node -e 0: 0.20 s -> 0.13 s), and
// the hostile suites start a Node client per scenario (~1,300 in a
// release pass). No client here trusts through Node's store: the CLIs
// use --cafile or their own built-in roots.
export function clientEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  if (!('NODE_EXTRA_CA_CERTS' in extra)) delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

export function parseStderr(stderr) {
  let json = null;
  let error = null;
  for (const line of stderr.split('\n')) {
    if (json === null && line.startsWith('{"version"')) {
      try { json = JSON.parse(line); } catch { /* keep null */ }
    }
    const m = error === null && line.match(/^error: ([a-z0-9_]+): ?(.*)$/);
    if (m) error = { name: m[1], reason: m[2] };
  }
  return { json, error };
}

export function runCli(args, opts = {}) {
  const timeout = opts.timeout ?? 20000;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(CLI, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: clientEnv(opts.env),
    });
    const out = [];
    let outLen = 0;
    let stderr = '';
    let partial = '';
    let timedOut = false;
    const stdinMode = opts.stdin ?? 'end';
    let stdinEnded = false;
    const endStdin = () => {
      if (!stdinEnded) { stdinEnded = true; child.stdin.end(); }
    };
    child.stdin.on('error', () => {});
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeout);
    child.stdout.on('data', (d) => {
      out.push(d);
      outLen += d.length;
      if (typeof stdinMode === 'object' && outLen >= stdinMode.afterOutput) endStdin();
    });
    child.stderr.on('data', (d) => {
      const s = d.toString('utf8');
      stderr += s;
      partial += s;
      let i;
      while ((i = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, i);
        partial = partial.slice(i + 1);
        if (opts.onStderrLine) opts.onStderrLine(line, child);
      }
    });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdoutBuf = Buffer.concat(out);
      const res = {
        code, signal, stdoutBuf, stdout: stdoutBuf.toString('utf8'), stderr,
        ...parseStderr(stderr), ms: Date.now() - started,
      };
      if (/Sanitizer|runtime error:/.test(stderr)) {
        // Under build/asan a sanitizer report exits 1 like a TLS failure:
        // never let it pass as an expected error.
        const e = new Error(`wasmtls ${args.join(' ')}: sanitizer report\n${stderr.slice(-4000)}`);
        e.result = res;
        reject(e);
      } else if (timedOut) {
        const e = new Error(`wasmtls ${args.join(' ')} timed out after ${timeout} ms\n` +
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

// A readable one-line description of a result for assertion messages.
export function describe(res) {
  return `exit ${res.code}${res.signal ? ` (${res.signal})` : ''}\nstderr:\n${res.stderr.slice(-3000)}` +
    `\nstdout (${res.stdoutBuf.length} bytes): ${res.stdout.slice(0, 300)}`;
}
