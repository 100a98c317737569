/* --transport tcp for the WASI 0.2 component: a TCP connection opened
 * through wasi:sockets (ip-name-lookup, tcp-create-socket, tcp) and driven
 * with wasi:io streams and pollables (wasi/tcp.c, bindings in
 * wasi/wasi_p2.h). Only built with -DWT_WASI_SOCKETS. */
#ifndef WT_WASI_TCP_H
#define WT_WASI_TCP_H

#include "cli.h"

/* Resolves host (name or IP literal) with ip-name-lookup, connects to the
 * first address that accepts, and fills io (send/recv/wait on the socket
 * streams, read_in on wasi:cli/stdin, write_out untouched). Dies with
 * "error: connect_failed: ..." (exit 1) when nothing connects. */
void wt_wasi_tcp_connect(const char *host, const char *port, wt_cli_io *io);

#endif
