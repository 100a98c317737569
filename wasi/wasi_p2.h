/*
 * Hand-written WASI 0.2.3 imports (the subset wasmtls uses), lowered by the
 * Component Model canonical ABI. Written from the WIT in
 * ../shared/specs/wasi-0.2.3 (copied to wasi/wit/deps); the world that
 * lists them is wasi/wit/world.wit, embedded by `jco embed`.
 *
 * ABI reminders (CanonicalABI.md):
 *   - handles (own/borrow) are i32; strings and lists are (ptr, len);
 *   - parameters are passed flat while there are at most 16 flat values
 *     (tcp-socket.start-connect: self, network, ip-socket-address = 1 + 11
 *     flat i32, is 14);
 *   - a result of more than one flat value is written by the host to a
 *     return area whose address is the last parameter; its layout follows
 *     the type's size/alignment rules (the WT_RET_* offsets below);
 *   - lists returned by the host are allocated through our exported
 *     cabi_realloc (wasi/tcp.c); the caller frees them.
 */
#ifndef WT_WASI_P2_H
#define WT_WASI_P2_H

#include <stddef.h>
#include <stdint.h>

#define WT_IMPORT(mod, name) \
	__attribute__((import_module(mod), import_name(name)))

#define P2_IO_POLL    "wasi:io/poll@0.2.3"
#define P2_IO_STREAMS "wasi:io/streams@0.2.3"
#define P2_IO_ERROR   "wasi:io/error@0.2.3"
#define P2_NETWORK    "wasi:sockets/network@0.2.3"
#define P2_INST_NET   "wasi:sockets/instance-network@0.2.3"
#define P2_LOOKUP     "wasi:sockets/ip-name-lookup@0.2.3"
#define P2_TCP_CREATE "wasi:sockets/tcp-create-socket@0.2.3"
#define P2_TCP        "wasi:sockets/tcp@0.2.3"
#define P2_STDIN      "wasi:cli/stdin@0.2.3"

typedef int32_t p2_handle;

/* A return area big and aligned enough for every result used here. */
typedef union p2_ret {
	uint8_t b[32];
	uint64_t align8;
} p2_ret;

/* wasi:sockets/network error-code (enum, u8) */
enum {
	P2_ERR_UNKNOWN, P2_ERR_ACCESS_DENIED, P2_ERR_NOT_SUPPORTED,
	P2_ERR_INVALID_ARGUMENT, P2_ERR_OUT_OF_MEMORY, P2_ERR_TIMEOUT,
	P2_ERR_CONCURRENCY_CONFLICT, P2_ERR_NOT_IN_PROGRESS, P2_ERR_WOULD_BLOCK,
	P2_ERR_INVALID_STATE, P2_ERR_NEW_SOCKET_LIMIT, P2_ERR_ADDRESS_NOT_BINDABLE,
	P2_ERR_ADDRESS_IN_USE, P2_ERR_REMOTE_UNREACHABLE, P2_ERR_CONNECTION_REFUSED,
	P2_ERR_CONNECTION_RESET, P2_ERR_CONNECTION_ABORTED, P2_ERR_DATAGRAM_TOO_LARGE,
	P2_ERR_NAME_UNRESOLVABLE, P2_ERR_TEMPORARY_RESOLVER_FAILURE,
	P2_ERR_PERMANENT_RESOLVER_FAILURE
};

/* ip-address-family (enum) */
#define P2_IPV4 0
#define P2_IPV6 1

/* ---- wasi:io/poll ---- */
/* poll: func(in: list<borrow<pollable>>) -> list<u32>
 * ret: +0 ptr, +4 len (u32 indexes of the ready pollables) */
WT_IMPORT(P2_IO_POLL, "poll")
void p2_poll(const p2_handle *list, size_t n, p2_ret *ret);
WT_IMPORT(P2_IO_POLL, "[method]pollable.block")
void p2_pollable_block(p2_handle self);
WT_IMPORT(P2_IO_POLL, "[resource-drop]pollable")
void p2_pollable_drop(p2_handle self);

/* ---- wasi:io/error ---- */
/* to-debug-string: func() -> string; ret: +0 ptr, +4 len */
WT_IMPORT(P2_IO_ERROR, "[method]error.to-debug-string")
void p2_error_to_debug_string(p2_handle self, p2_ret *ret);
WT_IMPORT(P2_IO_ERROR, "[resource-drop]error")
void p2_error_drop(p2_handle self);

/* ---- wasi:io/streams ---- */
/* stream-error: variant { last-operation-failed(own<error>), closed } */
#define P2_STREAM_LAST_OPERATION_FAILED 0
#define P2_STREAM_CLOSED                1

/* read: func(len: u64) -> result<list<u8>, stream-error>
 * ret: +0 is_err; ok: +4 ptr, +8 len; err: +4 stream-error tag, +8 error */
WT_IMPORT(P2_IO_STREAMS, "[method]input-stream.read")
void p2_input_read(p2_handle self, uint64_t len, p2_ret *ret);
WT_IMPORT(P2_IO_STREAMS, "[method]input-stream.subscribe")
p2_handle p2_input_subscribe(p2_handle self);
WT_IMPORT(P2_IO_STREAMS, "[resource-drop]input-stream")
void p2_input_drop(p2_handle self);

/* check-write: func() -> result<u64, stream-error>
 * ret: +0 is_err; ok: +8 u64; err: +8 tag, +12 error */
WT_IMPORT(P2_IO_STREAMS, "[method]output-stream.check-write")
void p2_output_check_write(p2_handle self, p2_ret *ret);
/* write: func(contents: list<u8>) -> result<_, stream-error>
 * ret: +0 is_err; err: +4 tag, +8 error (flush: the same) */
WT_IMPORT(P2_IO_STREAMS, "[method]output-stream.write")
void p2_output_write(p2_handle self, const uint8_t *p, size_t len, p2_ret *ret);
WT_IMPORT(P2_IO_STREAMS, "[method]output-stream.flush")
void p2_output_flush(p2_handle self, p2_ret *ret);
WT_IMPORT(P2_IO_STREAMS, "[method]output-stream.subscribe")
p2_handle p2_output_subscribe(p2_handle self);
WT_IMPORT(P2_IO_STREAMS, "[resource-drop]output-stream")
void p2_output_drop(p2_handle self);

/* ---- wasi:cli/stdin ---- */
WT_IMPORT(P2_STDIN, "get-stdin")
p2_handle p2_get_stdin(void);

/* ---- wasi:sockets/instance-network, network ---- */
WT_IMPORT(P2_INST_NET, "instance-network")
p2_handle p2_instance_network(void);
WT_IMPORT(P2_NETWORK, "[resource-drop]network")
void p2_network_drop(p2_handle self);

/* ---- wasi:sockets/ip-name-lookup ---- */
/* resolve-addresses: func(network: borrow<network>, name: string)
 *     -> result<resolve-address-stream, error-code>
 * ret: +0 is_err; ok: +4 handle; err: +4 error-code */
WT_IMPORT(P2_LOOKUP, "resolve-addresses")
void p2_resolve_addresses(p2_handle network, const char *name, size_t len, p2_ret *ret);
/* resolve-next-address: func() -> result<option<ip-address>, error-code>
 * ret: +0 is_err; err: +2 error-code; ok: +2 is_some, +4 ip-address tag,
 *      +6 ipv4 4 x u8 | ipv6 8 x u16 */
WT_IMPORT(P2_LOOKUP, "[method]resolve-address-stream.resolve-next-address")
void p2_resolve_next_address(p2_handle self, p2_ret *ret);
WT_IMPORT(P2_LOOKUP, "[method]resolve-address-stream.subscribe")
p2_handle p2_resolve_subscribe(p2_handle self);
WT_IMPORT(P2_LOOKUP, "[resource-drop]resolve-address-stream")
void p2_resolve_drop(p2_handle self);

/* ---- wasi:sockets/tcp-create-socket ---- */
/* create-tcp-socket: func(address-family) -> result<tcp-socket, error-code>
 * ret: +0 is_err; ok: +4 handle; err: +4 error-code */
WT_IMPORT(P2_TCP_CREATE, "create-tcp-socket")
void p2_create_tcp_socket(int32_t family, p2_ret *ret);

/* ---- wasi:sockets/tcp ---- */
/* start-connect: func(network: borrow<network>, remote-address:
 *     ip-socket-address) -> result<_, error-code>
 * ip-socket-address flattens to a tag and 11 i32:
 *   ipv4: port, a, b, c, d (rest 0)
 *   ipv6: port, flow-info, 8 x u16 segments, scope-id
 * ret: +0 is_err; err: +1 error-code */
WT_IMPORT(P2_TCP, "[method]tcp-socket.start-connect")
void p2_tcp_start_connect(p2_handle self, p2_handle network, int32_t tag,
	int32_t a0, int32_t a1, int32_t a2, int32_t a3, int32_t a4, int32_t a5,
	int32_t a6, int32_t a7, int32_t a8, int32_t a9, int32_t a10, p2_ret *ret);
/* finish-connect: func() -> result<tuple<input-stream, output-stream>, error-code>
 * ret: +0 is_err; ok: +4 input, +8 output; err: +4 error-code */
WT_IMPORT(P2_TCP, "[method]tcp-socket.finish-connect")
void p2_tcp_finish_connect(p2_handle self, p2_ret *ret);
WT_IMPORT(P2_TCP, "[method]tcp-socket.subscribe")
p2_handle p2_tcp_subscribe(p2_handle self);
/* shutdown: func(shutdown-type) -> result<_, error-code>; ret as start-connect */
WT_IMPORT(P2_TCP, "[method]tcp-socket.shutdown")
void p2_tcp_shutdown(p2_handle self, int32_t how, p2_ret *ret);
WT_IMPORT(P2_TCP, "[resource-drop]tcp-socket")
void p2_tcp_drop(p2_handle self);

#endif
