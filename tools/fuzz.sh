#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR for SECONDS each, one after the
# other (fine on 2 cores), starting from the committed seeds in
# tests/fuzz/corpus/<target>/ plus whatever earlier runs found
# (build/fuzz-corpus/<target>/, kept between runs).
#
#   tools/fuzz.sh BUILD_DIR SECONDS
#
# The targets are built with -DWT_FUZZ=ON and link wasmtls_fuzz, the core
# in fuzzing mode (WT_FUZZING_UNSAFE: null record cipher, no signature or
# Finished checks; tests/fuzz/README.md), so the seeds are for that build.
#
# Prints one summary line per target and exits non-zero if any target
# crashed, leaked, timed out or hit a sanitizer; the reproducer is in
# build/fuzz-artifacts/ and the log in build/fuzz-logs/<target>.log.
set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 BUILD_DIR SECONDS" >&2
	exit 2
fi
build_dir=$1
seconds=$2
root=$(cd "$(dirname "$0")/.." && pwd)
seeds_root=$root/tests/fuzz/corpus
corpus_root=$root/build/fuzz-corpus
artifacts=$root/build/fuzz-artifacts
logs=$root/build/fuzz-logs
mkdir -p "$corpus_root" "$artifacts" "$logs"

targets=()
for bin in "$build_dir"/fuzz_*; do
	[ -f "$bin" ] && [ -x "$bin" ] && targets+=("$bin")
done
if [ ${#targets[@]} -eq 0 ]; then
	echo "fuzz.sh: no fuzz_* binaries in $build_dir (make build-fuzz)" >&2
	exit 2
fi

# Largest input per target: whole record/engine conversations need room
# for a 2^14-byte record and more; parsers and certificates less.
max_len_for() {
	case $1 in
	fuzz_record|fuzz_engine) echo 40000 ;;
	fuzz_x509|fuzz_certificate|fuzz_trust_store|fuzz_session) echo 16384 ;;
	fuzz_mlkem) echo 8192 ;;   # [mode][seed] + an ML-KEM-1024 dk and ciphertext
	*) echo 4096 ;;
	esac
}

stat() { # stat NAME LOG
	sed -n "s/^stat::$1: *//p" "$2" | tail -n 1
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=0
printf '%-28s %10s %12s %8s  %s\n' target execs/s total-execs corpus result
for bin in "${targets[@]}"; do
	name=$(basename "$bin")
	corpus=$corpus_root/$name
	mkdir -p "$corpus"
	if [ -d "$seeds_root/$name" ]; then
		cp -n "$seeds_root/$name"/* "$corpus"/ 2>/dev/null || true
	fi
	log=$logs/$name.log
	"$bin" "$corpus" \
		-max_total_time="$seconds" \
		-max_len="$(max_len_for "$name")" \
		-timeout=25 \
		-print_final_stats=1 \
		-artifact_prefix="$artifacts/$name-" \
		>"$log" 2>&1
	rc=$?
	eps=$(stat average_exec_per_sec "$log")
	execs=$(stat number_of_executed_units "$log")
	files=$(find "$corpus" -type f | wc -l)
	if [ $rc -eq 0 ]; then
		result=ok
	else
		result="FAILED (exit $rc, see $log)"
		failed=1
	fi
	printf '%-28s %10s %12s %8s  %s\n' "$name" "${eps:-?}" "${execs:-?}" "$files" "$result"
	if [ $rc -ne 0 ]; then
		grep -m 1 -E 'ERROR: |runtime error|invariant failed|deadly signal' "$log" | sed 's/^/    /'
		ls -t "$artifacts/$name-"* 2>/dev/null | head -n 1 | sed 's/^/    reproducer: /'
	fi
done
exit $failed
