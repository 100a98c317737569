#ifndef WT_X509_NC_H
#define WT_X509_NC_H
#include <stddef.h>
#include <stdint.h>
/* 0 if nc (nameConstraints extnValue: the NameConstraints SEQUENCE TLV) is well formed (RFC 5280 4.2.1.10), -1 otherwise. */
int wt_nc_valid(const uint8_t *nc, size_t nc_len);
/* Checks one certificate's names (subject DN TLV; san = subjectAltName extnValue, GeneralNames SEQUENCE TLV, or NULL) against a CA's nameConstraints nc (already wt_nc_valid). check_subject: 1 to apply directoryName/email constraints to the subject DN, 0 for a self-issued intermediate (RFC 5280 6.1.3 (b)). 0 if permitted; -1 with a NUL-terminated reason in reason[cap] (cap >= 128) naming the name and the constraint. */
int wt_nc_check(const uint8_t *nc, size_t nc_len, const uint8_t *subject, size_t subject_len,
	const uint8_t *san, size_t san_len, int check_subject, char *reason, size_t cap);
#endif
