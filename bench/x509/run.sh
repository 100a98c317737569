#!/bin/sh
# Times wt_verify_chain on the test PKI's chains (leaf + intermediate, RSA
# root) with this tree's library and with a reference build (default
# /work/main/build/native, the validator before issue 12), alternating
# runs so both see the same machine load. Prints microseconds per call.
#   bench/x509/run.sh [N] [REF_BUILD]
set -eu
N=${1:-2000}
REF=${2:-/work/main/build/native}
HERE=$(cd "$(dirname "$0")/../.." && pwd)
NEW=$HERE/build/native
PKI=$HERE/build/test-pki
BR=${BEARSSL_SOURCE_DIR:-/work/main/third_party/bearssl}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
CC=${CC:-clang-16}
$CC -O2 -I"$HERE/src" -I"$BR/inc" "$HERE/bench/x509/bench_verify.c" "$NEW/libwasmtls.a" "$NEW/libbearssl.a" -o "$OUT/new"
REFSRC=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$REF/CMakeCache.txt")
$CC -O2 -I"$REFSRC/src" -I"$BR/inc" "$HERE/bench/x509/bench_verify.c" "$REF/libwasmtls.a" "$REF/libbearssl.a" -o "$OUT/old"
printf '%-10s %10s %10s %8s\n' chain 'old us' 'new us' 'new/old'
for c in p256 p384 rsa2048; do
	o=0; n=0
	for r in 1 2 3 4 5; do
		o=$(echo "$o + $("$OUT/old" "$PKI/ca.pem" "$PKI/$c-chain.pem" localhost "$N")" | bc -l)
		n=$(echo "$n + $("$OUT/new" "$PKI/ca.pem" "$PKI/$c-chain.pem" localhost "$N")" | bc -l)
	done
	printf '%-10s %10.1f %10.1f %8.3f\n' "$c" "$(echo "$o/5" | bc -l)" "$(echo "$n/5" | bc -l)" "$(echo "$n/$o" | bc -l)"
done
