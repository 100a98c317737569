#!/usr/bin/env bash
# `make demo`: the main job the way users run it. A local HTTPS server
# (openssl s_server -tls1_3 -www, test PKI from tests/lib/pki.mjs), a local
# websockify in front of it, and the Node CLI of the npm package (wasm
# engine) making an HTTPS request through the WebSocket tunnel: the --json
# handshake summary and the HTTP response. Then the same request with the
# native CLI straight over TCP, for comparison.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
CLI=${WT_BUILD:-build/native}/wasmtls
NODE_CLI=js/bin/wasmtls.mjs
[ -f js/dist/wasmtls.wasm ] || { echo "demo: js/dist/wasmtls.wasm not built (run 'make build')" >&2; exit 1; }
command -v websockify >/dev/null || { echo "demo: websockify not installed (run 'make setup')" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
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
openssl s_server -accept 127.0.0.1:0 -tls1_3 -www -naccept 2 \
  -cert "$CERT" -key "$KEY" "${extra[@]}" >"$work/server.log" 2>&1 </dev/null &
pids+=($!)
srv_pid=$!

port=
for _ in $(seq 100); do
  port=$(sed -n 's/^ACCEPT 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/server.log")
  [ -n "$port" ] && break
  kill -0 "$srv_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$port" ] || { echo "demo: openssl s_server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }

# websockify on a free port (retried if another process takes it first).
up=
for _ in 1 2 3; do
  wsport=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  websockify "127.0.0.1:$wsport" "127.0.0.1:$port" >"$work/websockify.log" 2>&1 </dev/null &
  ws_pid=$!
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$wsport") 2>/dev/null; then up=1; break; fi
    kill -0 "$ws_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -n "$up" ]; then pids+=("$ws_pid"); break; fi
  kill "$ws_pid" 2>/dev/null || true; wait "$ws_pid" 2>/dev/null || true
done
[ -n "$up" ] || { echo "demo: websockify did not start:" >&2; cat "$work/websockify.log" >&2; exit 1; }

# Prints the --json line, the response head and the server's own view.
show() {
  local out=$1 err=$2
  echo "== handshake summary (--json, stderr):"
  grep '^{' "$err" || true
  echo "== response (stdout): status and headers"
  sed -n '1,/^\r\{0,1\}$/p' "$out"
  echo "== ... the server's own view of the connection, from its status page:"
  grep -E 'Cipher is|^Shared groups|^Signature Algorithms|Protocol *:' "$out" || true
  echo "== ($(wc -c <"$out") bytes in all)"
  grep -v '^{' "$err" >&2 || true
}

echo "== openssl s_server -tls1_3 -www on 127.0.0.1:$port (test CA: $CA)"
echo "== websockify 127.0.0.1:$wsport -> 127.0.0.1:$port"
echo
echo "== \$ node $NODE_CLI --ws ws://127.0.0.1:$wsport/ --cafile CA --json --http / localhost:$port"
set +e
timeout 30 node "$NODE_CLI" --ws "ws://127.0.0.1:$wsport/" --cafile "$CA" --json -q --http / "localhost:$port" \
  >"$work/out" 2>"$work/err"
rc_node=$?
set -e
show "$work/out" "$work/err"
echo "== exit status $rc_node"

rc_native=0
if [ -x "$CLI" ]; then
  echo
  echo "== the native CLI, straight over TCP:"
  echo "== \$ $CLI --cafile CA --json --http / localhost:$port"
  set +e
  timeout 20 "$CLI" --cafile "$CA" --json -q --http / "localhost:$port" >"$work/out2" 2>"$work/err2"
  rc_native=$?
  set -e
  show "$work/out2" "$work/err2"
  echo "== exit status $rc_native"
fi
[ "$rc_node" -eq 0 ] && exit "$rc_native"
exit "$rc_node"
