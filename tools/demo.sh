#!/usr/bin/env bash
# `make demo`: a local TLS 1.3 server (openssl s_server -www, test PKI from
# tests/lib/pki.mjs) and one HTTPS request through the native wasmtls CLI.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
CLI=${WT_BUILD:-build/native}/wasmtls
[ -x "$CLI" ] || { echo "demo: $CLI not built (run 'make build')" >&2; exit 1; }

work=$(mktemp -d)
srv_pid=
cleanup() {
  if [ -n "$srv_pid" ]; then kill "$srv_pid" 2>/dev/null || true; wait "$srv_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Test PKI: CA, ECDSA P-256 leaf for DNS:localhost; the server gets the
# leaf plus the other chain certificates (intermediates) separately.
read -r CA CERT KEY NEXTRA < <(WORK="$work" node --input-type=module -e "
  import fs from 'node:fs';
  import { pki } from './tests/lib/pki.mjs';
  const p = await pki();
  const blocks = (f) => fs.readFileSync(f, 'utf8').match(/-----BEGIN CERTIFICATE-----[\\s\\S]+?-----END CERTIFICATE-----/g) || [];
  const leaf = blocks(p.p256.cert)[0];
  const rest = p.p256.chain ? blocks(p.p256.chain).filter((b) => b !== leaf) : [];
  fs.writeFileSync(process.env.WORK + '/leaf.pem', leaf + '\\n');
  fs.writeFileSync(process.env.WORK + '/extra.pem', rest.join('\\n') + '\\n');
  console.log(p.ca, process.env.WORK + '/leaf.pem', p.p256.key, rest.length);
")

extra=()
[ "${NEXTRA:-0}" -gt 0 ] && extra=(-cert_chain "$work/extra.pem")
openssl s_server -accept 127.0.0.1:0 -tls1_3 -www -naccept 1 \
  -cert "$CERT" -key "$KEY" "${extra[@]}" >"$work/server.log" 2>&1 </dev/null &
srv_pid=$!

port=
for _ in $(seq 100); do
  port=$(sed -n 's/^ACCEPT 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/server.log")
  [ -n "$port" ] && break
  kill -0 "$srv_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$port" ] || { echo "demo: openssl s_server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }

echo "== openssl s_server -tls1_3 -www on 127.0.0.1:$port (test CA: $CA)"
echo "== \$ $CLI --cafile CA --json --http / localhost:$port"
set +e
timeout 20 "$CLI" --cafile "$CA" --json -q --http / "localhost:$port" >"$work/out" 2>"$work/err"
rc=$?
set -e
echo "== handshake summary (--json, stderr):"
grep '^{' "$work/err" || true
echo "== response (stdout): status and headers"
sed -n '1,/^\r\{0,1\}$/p' "$work/out"
echo "== ... the server's own view of the connection, from its status page:"
grep -E 'Cipher is|^Shared groups|^Signature Algorithms|Protocol *:' "$work/out" || true
echo "== ($(wc -c <"$work/out") bytes in all)"
grep -v '^{' "$work/err" >&2 || true
echo "== exit status $rc"
exit "$rc"
