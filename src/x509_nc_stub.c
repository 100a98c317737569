/*
 * Placeholder for the name-constraints module (src/x509_nc.c on branch
 * `nameconstraints`): accepts every constraint and every name. Deleted
 * when the real module is merged; the validator (src/x509.c) already
 * calls it where RFC 5280 6.1.3 (b)/(c) and 6.1.4 (g) need it.
 */
#include "wt_x509_nc.h"

int wt_nc_valid(const uint8_t *nc, size_t nc_len)
{
	(void)nc;
	(void)nc_len;
	return 0;
}

int wt_nc_check(const uint8_t *nc, size_t nc_len, const uint8_t *subject, size_t subject_len,
	const uint8_t *san, size_t san_len, int check_subject, char *reason, size_t cap)
{
	(void)nc;
	(void)nc_len;
	(void)subject;
	(void)subject_len;
	(void)san;
	(void)san_len;
	(void)check_subject;
	if (reason != NULL && cap > 0) {
		reason[0] = 0;
	}
	return 0;
}
