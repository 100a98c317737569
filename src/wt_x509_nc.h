/*
 * Name constraints (RFC 5280 4.2.1.10) for the path validator: one CA's
 * nameConstraints extension against the names of one certificate below
 * it. Sans-I/O, no malloc, no recursion on peer data; the work of one call
 * is bounded by WT_NC_MAX_COMPARISONS (see src/x509_nc.c for the
 * semantics chosen where the RFC leaves room).
 */
#ifndef WT_X509_NC_H
#define WT_X509_NC_H

#include <stddef.h>
#include <stdint.h>

/* Work budget for name constraints in one path validation (the caller
 * passes the same counter to every wt_nc_check of it), in (name, subtree)
 * visits as rustls-webpki counts them (every GeneralSubtree visited for
 * every name of a constrained form), plus one unit per 64 bytes a visit
 * parses and, for directoryName comparisons, one per RDN or attribute
 * compared and per 64 bytes read; once spent, checks refuse. webpki allows
 * 250 000 visits for a whole verification. */
#define WT_NC_MAX_COMPARISONS 250000

/* 0 if nc (the extnValue of a nameConstraints extension: the NameConstraints
 * SEQUENCE TLV) is well formed: RFC 5280 4.2.1.10 (at least one of
 * permittedSubtrees [0] / excludedSubtrees [1], each non-empty; minimum
 * absent or 0 and maximum absent — anything else is malformed here, as
 * webpki does), every GeneralSubtree a well-formed GeneralName; iPAddress
 * constraints 8 or 32 bytes with a contiguous netmask (address bits outside
 * the mask zero is NOT required; a non-contiguous mask is malformed);
 * dNSName / rfc822Name constraints IA5String. -1 otherwise.
 * (Also malformed here, as webpki finds when it compares: a dNSName
 * constraint that is not "" or an optional "." and then a relative DNS
 * name (LDH and '_' labels of 1..63, no '*', no trailing dot); an
 * rfc822Name constraint that is not a mailbox local@host, a host, or a
 * ".domain".) */
int wt_nc_valid(const uint8_t *nc, size_t nc_len);

/* Checks the names of one certificate below the CA whose nameConstraints
 * is nc (already wt_nc_valid). subject: the certificate's subject Name (DER
 * TLV); san: the extnValue of its subjectAltName (GeneralNames SEQUENCE
 * TLV) or NULL if it has none; check_subject: 1 to apply directoryName
 * constraints to the subject DN (and rfc822 constraints to emailAddress
 * attributes in it, RFC 5280 4.2.1.10 last paragraphs), 0 for a self-issued
 * intermediate (RFC 5280 6.1.3 (b): self-issued certificates other than the
 * leaf are exempt). The subject CN is never treated as a DNS name (wasmtls
 * never uses it as one).
 * Returns 0 if every name is permitted and none excluded; otherwise -1 and
 * a NUL-terminated reason in reason[cap] (cap >= 128) naming the name and
 * the constraint, e.g. "DNS name evil.example.com is in the excluded
 * subtree example.com", "IP address 10.0.0.1 is outside the permitted
 * subtrees (192.168.0.0/16)", "the constraint has a name form we do not
 * check (x400Address), so every name of that form is refused", or
 * "malformed subjectAltName".
 * (Note for the path validator: RFC 5280 6.1.3 (b) and (c) skip a
 * self-issued certificate that is not the leaf altogether, its
 * subjectAltName included, and x509-limbo's
 * rfc5280::nc::permitted-self-issued expects that: do not call this for
 * such a certificate; check_subject 0 alone still checks its SAN.)
 * budget: the units left (WT_NC_MAX_COMPARISONS at the start of a path
 * validation), shared by its calls and decreased here; NULL: a fresh
 * budget for this call alone. */
int wt_nc_check(const uint8_t *nc, size_t nc_len,
	const uint8_t *subject, size_t subject_len,
	const uint8_t *san, size_t san_len, int check_subject,
	unsigned long *budget, char *reason, size_t cap);

#endif
