#!/bin/sh
# Times wt_verify_chain on the test PKI's chains (leaf + intermediate, RSA
# root) with this tree's library (build/native: `make build-native`) and
# with the library of a reference revision (default dbad0f3, the
# validator over br_x509_minimal before issue 12), built here from git in
# a temporary worktree, alternating runs so both see the same machine
# load. Prints microseconds per call.
#   bench/x509/run.sh [N] [REF_REVISION]
set -eu
N=${1:-2000}
REV=${2:-dbad0f3}
HERE=$(cd "$(dirname "$0")/../.." && pwd)
NEW=$HERE/build/native
PKI=$HERE/build/test-pki
BR=${BEARSSL_SOURCE_DIR:-$HERE/third_party/bearssl}
CC=${CC:-clang-16}
OUT=$(mktemp -d)
trap 'git -C "$HERE" worktree remove --force "$OUT/ref" >/dev/null 2>&1 || true; rm -rf "$OUT"' EXIT
git -C "$HERE" worktree add --detach "$OUT/ref" "$REV" >/dev/null 2>&1
cmake -S "$OUT/ref" -B "$OUT/ref/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER="$CC" \
	-DBEARSSL_SOURCE_DIR="$BR" -DWT_NATIVE_TOOLS=OFF >/dev/null
cmake --build "$OUT/ref/build" -j2 --target wasmtls >/dev/null
$CC -O2 -I"$HERE/src" -I"$BR/inc" "$HERE/bench/x509/bench_verify.c" "$NEW/libwasmtls.a" "$NEW/libbearssl.a" -o "$OUT/new"
$CC -O2 -I"$OUT/ref/src" -I"$BR/inc" "$HERE/bench/x509/bench_verify.c" "$OUT/ref/build/libwasmtls.a" \
	"$OUT/ref/build/libbearssl.a" -o "$OUT/old"
printf '%-10s %10s %10s %8s\n' chain 'old us' 'new us' 'new/old'
for c in p256 p384 rsa2048; do
	o=0; n=0
	for r in 1 2 3 4 5; do
		o=$(echo "$o + $("$OUT/old" "$PKI/ca.pem" "$PKI/$c-chain.pem" localhost "$N")" | bc -l)
		n=$(echo "$n + $("$OUT/new" "$PKI/ca.pem" "$PKI/$c-chain.pem" localhost "$N")" | bc -l)
	done
	printf '%-10s %10.1f %10.1f %8.3f\n' "$c" "$(echo "$o/5" | bc -l)" "$(echo "$n/5" | bc -l)" "$(echo "$n/$o" | bc -l)"
done
