# `make bench`: wasm/npm package benchmark (prints a table, writes bench/results.json).
.PHONY: bench
bench: build
	node bench/wasm_bench.mjs
