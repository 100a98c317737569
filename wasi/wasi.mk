# WASI builds (included by the top-level Makefile; see wasi/main.c).
#
#   build/wasi/wasmtls.wasm            preview1 command (--transport stdio)
#   build/wasi/wasmtls.component.wasm  WASI 0.2 command component
#                                      (--transport tcp via wasi:sockets)
#
# Toolchain: Debian's clang-16 --target=wasm32-wasi against wasi-libc, in a
# clean sysroot of symlinks (build/wasi/sysroot: include -> /usr/include/
# wasm32-wasi, lib/wasm32-wasi -> /usr/lib/wasm32-wasi) so no glibc header
# leaks in. The core and BearSSL are built by CMake with
# wasi/toolchain.cmake (WT_BR_64: BearSSL with BR_64=1 BR_INT128=0); the CLI
# (wasi/*.c + cli/common.c + verify.c) is linked here, WITHOUT -O
# (clang would run whatever wasm-opt it finds), then wasm-opt -Oz. The
# component: `jco embed` puts our WIT world (wasi/wit) into the core module,
# `jco new --wasi-command` wraps it with jco's bundled preview1 adapter
# (wasi/fs-root.mjs: lets jco's wasm-tools read wasi/wit at all).

WASI_DIR      := build/wasi
WASI_SYSROOT  := $(abspath $(WASI_DIR)/sysroot)
WASI_CC       := clang-16
WASI_OPT      := wasm-opt
JCO           := node_modules/.bin/jco
WASI_BEARSSL  := $(or $(BEARSSL_SOURCE_DIR),third_party/bearssl)
WASI_CFLAGS   := --target=wasm32-wasi --sysroot=$(WASI_SYSROOT) -Os -g0 \
                 -DBR_64=1 -Wall -Wextra -Werror -Wno-unused-parameter \
                 -Isrc -Icli -Iwasi -I$(WASI_BEARSSL)/inc
WASI_LDFLAGS  := --target=wasm32-wasi --sysroot=$(WASI_SYSROOT) \
                 -Wl,-z,stack-size=1048576 -Wl,--strip-debug
WASI_LIBS     := $(WASI_DIR)/cmake/libwasmtls.a $(WASI_DIR)/cmake/libbearssl.a
WASI_CLI_SRCS := wasi/main.c cli/common.c cli/verify.c
WASI_HDRS     := cli/cli.h wasi/wasi_tcp.h wasi/wasi_p2.h src/wasmtls.h src/wt_engine_ctx.h
WASI_WIT      := $(wildcard wasi/wit/*.wit wasi/wit/deps/*/*.wit)

.PHONY: build-wasi wasi-force
BUILD_TARGETS += build-wasi

build-wasi: $(WASI_DIR)/wasmtls.wasm $(WASI_DIR)/wasmtls.component.wasm

$(WASI_SYSROOT)/.stamp: | setup
	@test -f /usr/lib/wasm32-wasi/libc.a || { echo "wasi-libc missing: run make setup" >&2; exit 1; }
	mkdir -p $(WASI_SYSROOT)/lib
	ln -sfn /usr/include/wasm32-wasi $(WASI_SYSROOT)/include
	ln -sfn /usr/lib/wasm32-wasi $(WASI_SYSROOT)/lib/wasm32-wasi
	touch $@

# CMake decides what is out of date; make re-reads the libraries' mtimes.
$(WASI_LIBS) &: $(WASI_SYSROOT)/.stamp wasi-force
	cmake -S . -B $(WASI_DIR)/cmake -DCMAKE_TOOLCHAIN_FILE=$(abspath wasi/toolchain.cmake) \
	  -DWASI_SYSROOT=$(WASI_SYSROOT) -DWT_NATIVE_TOOLS=OFF -DWT_BR_64=ON \
	  -DCMAKE_BUILD_TYPE=MinSizeRel $(if $(BEARSSL_SOURCE_DIR),-DBEARSSL_SOURCE_DIR=$(BEARSSL_SOURCE_DIR)) >/dev/null
	cmake --build $(WASI_DIR)/cmake -j $(JOBS) --target wasmtls bearssl

# preview1 command: stdio transport only (no wasi:sockets imports, so it
# instantiates under node:wasi and any preview1 runtime).
$(WASI_DIR)/wasmtls.raw.wasm: $(WASI_CLI_SRCS) $(WASI_HDRS) $(WASI_LIBS)
	$(WASI_CC) $(WASI_CFLAGS) $(WASI_LDFLAGS) -o $@ $(WASI_CLI_SRCS) $(WASI_LIBS)

# core module of the component: + wasi/tcp.c (wasi:sockets imports).
$(WASI_DIR)/wasmtls.core.raw.wasm: $(WASI_CLI_SRCS) wasi/tcp.c $(WASI_HDRS) $(WASI_LIBS)
	$(WASI_CC) $(WASI_CFLAGS) -DWT_WASI_SOCKETS=1 $(WASI_LDFLAGS) -o $@ \
	  $(WASI_CLI_SRCS) wasi/tcp.c $(WASI_LIBS)

$(WASI_DIR)/%.wasm: $(WASI_DIR)/%.raw.wasm
	$(WASI_OPT) -Oz --enable-sign-ext --strip-debug --strip-producers -o $@ $<

$(WASI_DIR)/wasmtls.embedded.wasm: $(WASI_DIR)/wasmtls.core.wasm $(WASI_WIT)
	@test -x $(JCO) || { echo "$(JCO) missing: run make setup (npm ci)" >&2; exit 1; }
	node --import ./wasi/fs-root.mjs $(JCO) embed --wit wasi/wit --world-name wasmtls -o $@ $<

$(WASI_DIR)/wasmtls.component.wasm: $(WASI_DIR)/wasmtls.embedded.wasm
	$(JCO) new --wasi-command -o $@ $<

.SECONDARY: $(WASI_DIR)/wasmtls.raw.wasm $(WASI_DIR)/wasmtls.core.raw.wasm $(WASI_DIR)/wasmtls.core.wasm
