#!/bin/sh
# Front for probe.mjs (see there): tests that are not TLS client tests are
# recorded here, without starting Node, which keeps a classify run short.
case "$*" in
-is-handshaker-supported*) echo No; exit 0 ;;
*/tls/client/*) exec node "$(dirname "$0")/probe.mjs" "$@" ;;
esac
settings=$(printf '%s\n' "$@" | grep -A1 -x -- -write-settings | tail -n 1)
case "$settings" in
*/dtls/*/*|*/quic/*/*|*/tls/*/*) ;;
*) exit 89 ;;
esac
rest=${settings%/*}
role=${rest##*/}
proto=${rest%/*}
proto=${proto##*/}
name=${settings##*/}
name=${name%-*}
printf '{"name":"%s","proto":"%s","role":"%s","version":null,"flags":[]}\n' "$name" "$proto" "$role" >> "$BOGO_PROBE_OUT"
exit 89
