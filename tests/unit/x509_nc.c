/*
 * test_x509_nc: drives src/x509_nc.c (RFC 5280 4.2.1.10 name constraints)
 * with lines read from stdin, one result line per input line;
 * tests/x509_nc.test.mjs builds the DER and judges the answers. Hex
 * fields, '-' for none (NULL), '.' for an empty buffer that is not NULL.
 *
 *   valid <nc>
 *       -> "valid" or "malformed" (wt_nc_valid)
 *   check <nc> <subject> <san> <0|1> [cap]
 *       subject '-' = NULL, san '-' = no subjectAltName (NULL); the last
 *       field is check_subject; cap (decimal, default 512) the size of
 *       the reason buffer.
 *       -> "ok" or "refused <reason>" (wt_nc_check)
 *
 * Every input is copied into a buffer of exactly its size, so that an
 * over-read by one byte trips AddressSanitizer. The exit status is 0
 * unless a line could not be parsed or a reason broke its contract
 * (empty, unterminated, longer than cap - 1, or not printable ASCII).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "wt_x509_nc.h"

/* The field as an exactly-sized heap copy; NULL for '-', a 1-byte
 * allocation with *len 0 for '.'. */
static uint8_t *
exact_field(const char *hex, size_t *len, int *bad)
{
	uint8_t *tmp, *p;

	*len = 0;
	if (strcmp(hex, "-") == 0) {
		return NULL;
	}
	tmp = unit_field(strcmp(hex, ".") == 0 ? "-" : hex, len);
	if (tmp == NULL) {
		*bad = 1;
		return NULL;
	}
	p = malloc(*len ? *len : 1);
	if (p == NULL) {
		abort();
	}
	memcpy(p, tmp, *len);
	free(tmp);
	return p;
}

static int
run(char **f, int nf)
{
	uint8_t *nc, *subject, *san;
	size_t nc_len, subject_len, san_len;
	int bad = 0;

	if (strcmp(f[0], "valid") == 0 && nf == 2) {
		nc = exact_field(f[1], &nc_len, &bad);
		if (bad) {
			return -1;
		}
		printf("%s\n", wt_nc_valid(nc, nc_len) == 0 ? "valid" : "malformed");
		free(nc);
		return 0;
	}
	if (strcmp(f[0], "check") == 0 && (nf == 5 || nf == 6)) {
		size_t cap = nf == 6 ? (size_t)strtoul(f[5], NULL, 10) : 512, i;
		char *reason;
		int r;

		nc = exact_field(f[1], &nc_len, &bad);
		subject = exact_field(f[2], &subject_len, &bad);
		san = exact_field(f[3], &san_len, &bad);
		reason = malloc(cap ? cap : 1);
		if (reason == NULL) {
			abort();
		}
		memset(reason, 'X', cap);
		if (!bad) {
			r = wt_nc_check(nc, nc_len, subject, subject_len, san, san_len,
				atoi(f[4]), NULL, reason, cap);
			if (r == 0) {
				printf("ok\n");
			} else {
				size_t len = strnlen(reason, cap);

				CHECK(r == -1);
				CHECK(len < cap);
				CHECK(len > 0);
				for (i = 0; i < len; i++) {
					CHECK(reason[i] >= 0x20 && reason[i] < 0x7f);
				}
				printf("refused %.*s\n", (int)len, reason);
			}
		}
		free(nc);
		free(subject);
		free(san);
		free(reason);
		return bad ? -1 : 0;
	}
	return -1;
}

int
main(void)
{
	return unit_vector_main(run);
}
