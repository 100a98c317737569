/*
 * fuzz_name_constraints: wt_nc_valid and wt_nc_check (src/x509_nc.c, RFC
 * 5280 4.2.1.10) on any bytes.
 *
 * Input: [flags byte][2-byte big-endian length][nc][2-byte length]
 * [subject][the rest: subjectAltName]; a short length takes what is left.
 *   flags bit 0: check_subject;
 *   flags bit 1: no subjectAltName (san NULL);
 *   flags bit 2: subject NULL;
 *   flags bits 3-4: the reason buffer: 128, 200, 512 or 4096 bytes.
 * Every part is a heap block of its exact size so ASan sees any overrun.
 * Checked: wt_nc_valid answers 0 or -1 and is deterministic; wt_nc_check
 * answers 0 or -1, refuses with "malformed name constraints" exactly when
 * wt_nc_valid does, gives the same answer twice, and on -1 leaves a
 * non-empty printable NUL-terminated reason inside the buffer; a
 * certificate that passes with check_subject 1 also passes with 0 (the
 * subject only adds names).
 */
#include "fuzz_host.h"
#include "wt_x509_nc.h"

/* The next part as an exactly-sized heap copy: [2-byte length][bytes]
 * if sized (a short length takes what is left), else all that is left. */
static uint8_t *
take(const uint8_t **p, size_t *n, int sized, size_t *len)
{
	uint8_t *out;

	*len = *n;
	if (sized) {
		if (*n < 2) {
			*p += *n;
			*n = 0;
			*len = 0;
		} else {
			*len = (size_t)(*p)[0] << 8 | (*p)[1];
			*p += 2;
			*n -= 2;
			if (*len > *n) {
				*len = *n;
			}
		}
	}
	out = malloc(*len ? *len : 1);
	FZ_ASSERT(out != NULL);
	memcpy(out, *p, *len);
	*p += *len;
	*n -= *len;
	return out;
}

static void
check_reason(const char *r, size_t cap)
{
	size_t len = strnlen(r, cap), i;

	FZ_ASSERT(len > 0 && len < cap);
	for (i = 0; i < len; i++) {
		FZ_ASSERT(r[i] >= 0x20 && r[i] < 0x7f);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t caps[4] = { 128, 200, 512, 4096 };
	const uint8_t *p = data;
	size_t n = size, nc_len, subj_len, san_len, cap;
	uint8_t flags = 0, *nc, *subj, *san;
	char *reason, *reason2;
	int valid, r, r2;

	if (n > 0) {
		flags = p[0];
		p++;
		n--;
	}
	nc = take(&p, &n, 1, &nc_len);
	subj = take(&p, &n, 1, &subj_len);
	san = take(&p, &n, 0, &san_len);
	cap = caps[(flags >> 3) & 3];
	reason = malloc(cap);
	reason2 = malloc(cap);
	FZ_ASSERT(reason != NULL && reason2 != NULL);

	valid = wt_nc_valid(nc, nc_len);
	FZ_ASSERT(valid == 0 || valid == -1);
	FZ_ASSERT(wt_nc_valid(nc, nc_len) == valid);

	r = wt_nc_check(nc, nc_len, (flags & 4) ? NULL : subj, subj_len,
		(flags & 2) ? NULL : san, san_len, flags & 1, NULL, reason, cap);
	FZ_ASSERT(r == 0 || r == -1);
	if (r != 0) {
		check_reason(reason, cap);
	}
	FZ_ASSERT((valid != 0) == (r != 0 && strcmp(reason, "malformed name constraints") == 0));
	r2 = wt_nc_check(nc, nc_len, (flags & 4) ? NULL : subj, subj_len,
		(flags & 2) ? NULL : san, san_len, flags & 1, NULL, reason2, cap);
	FZ_ASSERT(r2 == r);
	FZ_ASSERT(r != 0 ? strcmp(reason, reason2) == 0 : 1);
	if (r == 0 && (flags & 1)) {
		r2 = wt_nc_check(nc, nc_len, (flags & 4) ? NULL : subj, subj_len,
			(flags & 2) ? NULL : san, san_len, 0, NULL, reason2, cap);
		FZ_ASSERT(r2 == 0);
	}
	free(nc);
	free(subj);
	free(san);
	free(reason);
	free(reason2);
	return 0;
}
