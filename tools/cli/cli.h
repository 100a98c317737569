/* Subcommands of the native CLI (tools/cli/). main() in main.c dispatches
 * on argv[1]. */
#ifndef WT_CLI_H
#define WT_CLI_H

/* `wasmtls verify --cafile ROOTS.pem [--host NAME] [--time UNIX] CHAIN.pem`
 * (tools/cli/verify.c). argv[0] is "verify". Verifies CHAIN.pem (leaf
 * first, then intermediates in any order) with wt_verify_chain(). Prints
 * "ok" on stdout and returns 0; or prints "error: <wt_error_name>: <reason>"
 * on stderr and returns 1 (certificate rejected) or 2 (bad options or
 * unreadable files: "error: bad_config: ..."). */
int wt_cli_verify(int argc, char **argv);

#endif
