/* Shared helpers for the C unit-test programs under tests/unit/.
 * Each program is driven by a tests/NAME.test.mjs file: vectors go in on
 * stdin or argv, results come out on stdout, and the exit status is 0 only
 * if every check passed. */
#ifndef WT_UNIT_H
#define WT_UNIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

extern int unit_failures;

/* Records a failure with its location unless cond holds. */
#define CHECK(cond) unit_check((cond), #cond, __FILE__, __LINE__)
void unit_check(int ok, const char *what, const char *file, int line);

/* Decodes hex (no separators) into out; returns the byte count or -1. */
long unit_unhex(const char *hex, uint8_t *out, size_t cap);
/* Decodes a hex vector field ('-' = empty) into a fresh malloc'd buffer
 * (never NULL when the hex is good; NULL if it is not); *len its length. */
uint8_t *unit_field(const char *hex, size_t *len);
/* main() of a vector driver: reads stdin line by line, splits each into
 * blank-separated fields (# comments and blank lines skipped) and calls
 * run(fields, count); run returns -1 for a line it cannot parse, which
 * prints "error" (one output line per input line) and counts as a failure.
 * Returns unit_done(). */
#define UNIT_MAX_FIELDS 10
int unit_vector_main(int (*run)(char **f, int nf));
/* Prints bytes as lowercase hex followed by nothing. */
void unit_print_hex(const uint8_t *p, size_t len);
/* Reads a whole file into a malloc'd buffer (NUL-terminated); NULL on error. */
char *unit_read_file(const char *path, size_t *len);
/* Exit status for main(): prints a summary on stderr. */
int unit_done(void);

#endif
