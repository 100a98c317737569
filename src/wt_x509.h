/*
 * The certificate parser of the path validator (src/x509_cert.c): strict
 * DER (X.690 10.1) decoding of an X.509 v3 certificate (RFC 5280 4.1) into
 * pointers into the caller's DER. Nothing is copied; nothing is allocated.
 */
#ifndef WT_X509_H
#define WT_X509_H

#include "wt_internal.h"

/* ---- DER reader over wt_reader (src/codec.c) ---- */

/* One element: its tag, its contents as a sub-reader, and the whole TLV. */
typedef struct wt_der_elt {
	uint8_t tag;
	wt_reader val;
	const uint8_t *tlv;
	size_t tlv_len;
} wt_der_elt;

/* Next TLV: definite minimal lengths up to 2^24, low tag numbers. */
int wt_der_next(wt_reader *r, wt_der_elt *e);
/* Next TLV, which must have tag `tag`. */
int wt_der_expect(wt_reader *r, uint8_t tag, wt_der_elt *e);
/* Next tag without consuming it; -1 at the end. */
int wt_der_peek(const wt_reader *r);
/* Bits in a big-endian unsigned integer (leading zeros skipped). */
unsigned wt_der_uint_bits(const uint8_t *p, size_t len);
/* UTCTime or GeneralizedTime (RFC 5280 4.1.2.5) as Unix seconds. */
int wt_der_time(wt_reader *r, int64_t *unix_time);

/* ---- Reasons: bounded text ---- */

/* A reason being written into a caller buffer: characters past cap - 1
 * are dropped and `full` set; wt_text_end writes the NUL, ending a cut
 * text in "...". */
typedef struct wt_text {
	char *p;
	size_t cap, len;
	int full;
} wt_text;
void wt_text_putc(wt_text *o, char c);
void wt_text_puts(wt_text *o, const char *s);
void wt_text_dec(wt_text *o, unsigned v);
void wt_text_end(wt_text *o);

/* ---- Parsed certificate ---- */

/* Certificate signature algorithms (RFC 4055, RFC 5758). */
enum {
	WT_X509_SIG_UNKNOWN = 0,     /* parsed, never verified: unsupported */
	WT_X509_SIG_MD5,             /* refused: weak */
	WT_X509_SIG_SHA1,
	WT_X509_SIG_SHA224,
	WT_X509_SIG_RSA_SHA256,      /* RSA PKCS#1 v1.5 */
	WT_X509_SIG_RSA_SHA384,
	WT_X509_SIG_RSA_SHA512,
	WT_X509_SIG_PSS_SHA256,      /* RSASSA-PSS, MGF1 with the same hash, salt = hash length */
	WT_X509_SIG_PSS_SHA384,
	WT_X509_SIG_PSS_SHA512,
	WT_X509_SIG_ECDSA_SHA256,
	WT_X509_SIG_ECDSA_SHA384,
	WT_X509_SIG_ECDSA_SHA512
};

/* keyUsage bits (RFC 5280 4.2.1.3) as the first two bytes of the BIT STRING */
#define WT_KU_DIGITAL_SIGNATURE 0x8000
#define WT_KU_KEY_CERT_SIGN     0x0400

typedef struct wt_x509_cert {
	const uint8_t *der;            /* the whole certificate */
	size_t der_len;
	const uint8_t *tbs;            /* tbsCertificate TLV: what is signed */
	size_t tbs_len;
	const uint8_t *sig;            /* signatureValue (BIT STRING contents, 0 unused bits skipped) */
	size_t sig_len;
	const uint8_t *issuer, *subject;   /* Name TLVs */
	size_t issuer_len, subject_len;
	int64_t not_before, not_after;
	br_x509_pkey pkey;             /* points into der; key_type 0 if unsupported */
	unsigned rsa_bits;
	const uint8_t *san;            /* subjectAltName extnValue (GeneralNames TLV) or NULL */
	size_t san_len;
	const uint8_t *nc;             /* nameConstraints extnValue (TLV) or NULL */
	size_t nc_len;
	const uint8_t *eku;            /* extendedKeyUsage SEQUENCE contents or NULL */
	size_t eku_len;
	const uint8_t *aki, *ski;      /* key identifiers (contents) or NULL */
	size_t aki_len, ski_len;
	const uint8_t *bad_crit;       /* OID (contents) of an unknown critical extension, or NULL */
	size_t bad_crit_len;
	unsigned ku;                   /* WT_KU_* bits when has_ku */
	int pathlen;                   /* pathLenConstraint, -1 if absent */
	uint8_t version;               /* 0 (v1), 1 (v2), 2 (v3) */
	uint8_t sig_alg;               /* WT_X509_SIG_* */
	uint8_t has_bc, ca, has_ku, eku_crit, san_crit;
	uint8_t has_aki;               /* authorityKeyIdentifier present (aki: its keyIdentifier) */
	uint8_t eku_server, eku_any;   /* EKU lists id-kp-serverAuth / anyExtendedKeyUsage */
	uint8_t self_issued;           /* issuer == subject */
	uint8_t bad_serial;            /* serial not positive or over 20 octets (RFC 5280 4.1.2.2) */
} wt_x509_cert;

/* Parses der[0..len) (exactly one Certificate). 0, or -1 with a static
 * *why. Unknown critical extensions, weak or unknown algorithms and key
 * types are recorded, not refused: the validator refuses them when the
 * certificate is used. */
int wt_x509_parse(const uint8_t *der, size_t len, wt_x509_cert *c,
	const char **why);

#endif
