#!/usr/bin/env bash
# Idempotent setup for a fresh Debian 12 machine (run as root).
# Installs apt packages, npm packages from the committed lockfile, and
# BearSSL's source from Debian's source package (sha256-verified, then
# patched with tools/patches/bearssl-*.patch).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

APT_PACKAGES=(cmake make gcc clang-16 lld-16 libclang-rt-16-dev llvm-16 dpkg-dev xz-utils
              emscripten binaryen wasi-libc libclang-rt-16-dev-wasm32 websockify chromium
              openssl gnutls-bin ca-certificates nodejs npm patch valgrind)
BEARSSL_ORIG=bearssl_0.6+dfsg.1.orig.tar.xz
BEARSSL_SHA256=102a625bd8f6155260867a50c508df8d8c3f796985dd744df1a68e5cd1a79004
THIRD=third_party

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# nodejs may come from another repository; accept any working node >= 20
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]:-}"

need_src=0
if [ -z "${BEARSSL_SOURCE_DIR:-}" ] && [ ! -f "$THIRD/bearssl/inc/bearssl.h" ]; then need_src=1; fi

if [ "${#missing[@]}" -gt 0 ] || [ "$need_src" = 1 ]; then
  if [ "$need_src" = 1 ] && ! grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "setup: adding a deb-src entry for bookworm"
    cat > /etc/apt/sources.list.d/wasmtls-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

if [ "$need_src" = 1 ]; then
  mkdir -p "$THIRD/dl"
  ( cd "$THIRD/dl" && [ -f "$BEARSSL_ORIG" ] || apt-get source --download-only bearssl >/dev/null )
  echo "$BEARSSL_SHA256  $THIRD/dl/$BEARSSL_ORIG" | sha256sum -c --quiet - \
    || { echo "setup: checksum mismatch for $BEARSSL_ORIG" >&2; exit 1; }
  rm -rf "$THIRD/bearssl.tmp" && mkdir -p "$THIRD/bearssl.tmp"
  tar -xJf "$THIRD/dl/$BEARSSL_ORIG" -C "$THIRD/bearssl.tmp" --strip-components=1
  rm -rf "$THIRD/bearssl" && mv "$THIRD/bearssl.tmp" "$THIRD/bearssl"
  echo "setup: BearSSL source in $THIRD/bearssl"
fi

# Our patches to the checksum-verified BearSSL (tools/patches/bearssl-*.patch,
# in name order; today the constant-time fixes that tests/ct.test.mjs checks).
# Idempotent: a patch that reverses cleanly is already in; one that applies
# cleanly is applied; anything else means the tree was changed by hand.
# A BEARSSL_SOURCE_DIR checkout is the caller's and is left alone.
if [ -z "${BEARSSL_SOURCE_DIR:-}" ]; then
  for p in tools/patches/bearssl-*.patch; do
    [ -f "$p" ] || continue
    if patch -d "$THIRD/bearssl" -p1 -R -s -f --dry-run <"$p" >/dev/null 2>&1; then
      continue
    elif patch -d "$THIRD/bearssl" -p1 -s -f --dry-run <"$p" >/dev/null 2>&1; then
      patch -d "$THIRD/bearssl" -p1 -s -f --no-backup-if-mismatch <"$p"
      echo "setup: applied $p to $THIRD/bearssl"
    else
      echo "setup: $p neither applies to nor is applied in $THIRD/bearssl;" \
        "remove $THIRD/bearssl and run make setup again" >&2
      exit 1
    fi
  done
fi

if [ -f package-lock.json ] && [ ! -f node_modules/.package-lock.json -o package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
