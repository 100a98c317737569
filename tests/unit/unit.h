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
/* Prints bytes as lowercase hex followed by nothing. */
void unit_print_hex(const uint8_t *p, size_t len);
/* Reads a whole file into a malloc'd buffer (NUL-terminated); NULL on error. */
char *unit_read_file(const char *path, size_t *len);
/* Exit status for main(): prints a summary on stderr. */
int unit_done(void);

#endif
