#define _POSIX_C_SOURCE 200809L  /* strtok_r */

#include "unit.h"

#include <stdlib.h>
#include <string.h>

int unit_failures;

void unit_check(int ok, const char *what, const char *file, int line)
{
	if (!ok) {
		unit_failures++;
		fprintf(stderr, "FAIL %s:%d: %s\n", file, line, what);
	}
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

long unit_unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = strlen(hex), i;

	if (n % 2 || n / 2 > cap) {
		return -1;
	}
	for (i = 0; i < n / 2; i++) {
		int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			return -1;
		}
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(n / 2);
}

void unit_print_hex(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		printf("%02x", p[i]);
	}
}

char *unit_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f) return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[n] = 0;
		if (len) *len = (size_t)n;
	}
	return buf;
}

int unit_done(void)
{
	if (unit_failures) {
		fprintf(stderr, "%d check(s) failed\n", unit_failures);
		return 1;
	}
	return 0;
}

uint8_t *
unit_field(const char *hex, size_t *len)
{
	size_t n = strcmp(hex, "-") == 0 ? 0 : strlen(hex) / 2;
	uint8_t *p = malloc(n + 1);
	long r;

	if (p == NULL) {
		abort();
	}
	*len = 0;
	if (n == 0) {
		return p;
	}
	r = unit_unhex(hex, p, n);
	if (r < 0) {
		free(p);
		return NULL;
	}
	*len = (size_t)r;
	return p;
}

int
unit_vector_main(int (*run)(char **f, int nf))
{
	char *line = NULL, *f[UNIT_MAX_FIELDS], *save, *tok;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, stdin)) >= 0) {
		int nf = 0;

		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
			line[--n] = 0;
		}
		save = NULL;
		for (tok = strtok_r(line, " \t", &save); tok && nf < UNIT_MAX_FIELDS;
			tok = strtok_r(NULL, " \t", &save))
		{
			f[nf++] = tok;
		}
		if (nf == 0 || f[0][0] == '#') {
			continue;
		}
		if (run(f, nf) < 0) {
			printf("error\n");
			CHECK(!"unparsable input line");
		}
		fflush(stdout);
	}
	free(line);
	return unit_done();
}
