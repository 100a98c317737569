/*
 * Certificate chain validation over BearSSL's br_x509_minimal, plus what
 * br_x509_minimal leaves to us:
 *
 *   - path building: the peer's list is sorted (leaf, then the certificate
 *     whose subject is the previous issuer, ...) before the engine sees it,
 *     because br_x509_minimal insists on a strict issuer order while RFC 8446
 *     4.4.2 lets servers send extra and out-of-order certificates;
 *   - distinct errors for expired vs not yet valid (BearSSL reports both as
 *     BR_ERR_X509_EXPIRED), found by reading the validity dates ourselves;
 *   - the host name check (RFC 6125; BearSSL's own check only looks at the
 *     first dNSName and falls back to the CN), with IP literals matched
 *     against iPAddress SANs only;
 *   - the leaf's keyUsage (digitalSignature, RFC 8446 4.4.2.2 / RFC 5280
 *     4.2.1.3) and extendedKeyUsage (id-kp-serverAuth, RFC 5280 4.2.1.12);
 *   - trust stores parsed from PEM into caller memory.
 *
 * No malloc, no recursion on peer data: every DER walk below is a loop over
 * bounds-checked wt_reader cursors (src/codec.c).
 */
#include "wt_internal.h"

/* ------------------------------------------------------------------ */
/* A small DER reader on top of wt_reader                              */
/* ------------------------------------------------------------------ */

/* One element: its tag, its contents as a sub-reader, and the whole TLV. */
typedef struct der_elt {
	uint8_t tag;
	wt_reader val;
	const uint8_t *tlv;
	size_t tlv_len;
} der_elt;

/* Reads the next TLV. DER only (X.690 10.1): definite, minimal lengths,
 * low tag numbers (nothing in a certificate needs more). Lengths above
 * 2^24 are refused: no certificate we accept is that large. */
static int der_next(wt_reader *r, der_elt *e)
{
	const uint8_t *start = r->p, *v;
	uint8_t t, b;
	size_t len, n, i;

	if (wt_rd_u8(r, &t) || (t & 0x1f) == 0x1f || wt_rd_u8(r, &b)) {
		return -1;
	}
	if (b < 0x80) {
		len = b;
	} else {
		n = b & 0x7f;
		if (n == 0 || n > 3) {
			return -1;
		}
		len = 0;
		for (i = 0; i < n; i++) {
			uint8_t x;
			if (wt_rd_u8(r, &x) || (i == 0 && x == 0)) {
				return -1;
			}
			len = (len << 8) | x;
		}
		if (len < 0x80) {
			return -1;
		}
	}
	if (wt_rd_bytes(r, len, &v)) {
		return -1;
	}
	e->tag = t;
	wt_rd_init(&e->val, v, len);
	e->tlv = start;
	e->tlv_len = (size_t)(v + len - start);
	return 0;
}

static int der_expect(wt_reader *r, uint8_t tag, der_elt *e)
{
	return (der_next(r, e) || e->tag != tag) ? -1 : 0;
}

/* Peeks at the next tag without consuming it; -1 at the end. */
static int der_peek(const wt_reader *r)
{
	return r->len ? r->p[0] : -1;
}

static int eq_bytes(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

/* ------------------------------------------------------------------ */
/* Time: RFC 5280 4.1.2.5                                              */
/* ------------------------------------------------------------------ */

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const uint8_t *p, size_t n, unsigned *out)
{
	unsigned v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9') {
			return -1;
		}
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	*out = v;
	return 0;
}

/* UTCTime "YYMMDDHHMMSSZ" (YY >= 50 is 19YY) or GeneralizedTime
 * "YYYYMMDDHHMMSSZ", the only forms RFC 5280 4.1.2.5.1/.2 allows. */
static int der_time(wt_reader *r, int64_t *unix_time)
{
	der_elt e;
	const uint8_t *p;
	unsigned y, mo, d, h, mi, s;
	size_t off;

	if (der_next(r, &e)) {
		return -1;
	}
	p = e.val.p;
	if (e.tag == 0x17 && e.val.len == 13) {
		if (digits(p, 2, &y)) {
			return -1;
		}
		y += y >= 50 ? 1900 : 2000;
		off = 2;
	} else if (e.tag == 0x18 && e.val.len == 15) {
		if (digits(p, 4, &y)) {
			return -1;
		}
		off = 4;
	} else {
		return -1;
	}
	if (digits(p + off, 2, &mo) || digits(p + off + 2, 2, &d)
		|| digits(p + off + 4, 2, &h) || digits(p + off + 6, 2, &mi)
		|| digits(p + off + 8, 2, &s) || p[off + 10] != 'Z'
		|| mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59
		|| s > 60)
	{
		return -1;
	}
	*unix_time = days_from_civil(y, mo, d) * 86400
		+ (int64_t)h * 3600 + mi * 60 + s;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The parts of a certificate we read ourselves                        */
/* ------------------------------------------------------------------ */

typedef struct cert_info {
	const uint8_t *issuer, *subject;   /* DER Name, tag included */
	size_t issuer_len, subject_len;
	int64_t not_before, not_after;
	int has_san;
	wt_reader san;                     /* GeneralNames contents */
	int has_ku;
	uint8_t ku0;                       /* first byte of the KeyUsage bits */
	int has_eku;
	wt_reader eku;                     /* ExtKeyUsageSyntax contents */
	int key_supported;                 /* RSA or EC on a named curve */
	unsigned rsa_bits;                 /* RSA modulus size, 0 if not RSA */
	int weak_sig;                      /* signed with SHA-1 (1) or SHA-224 (224) */
} cert_info;

static const uint8_t OID_SAN[] = { 0x55, 0x1d, 0x11 };
static const uint8_t OID_KU[] = { 0x55, 0x1d, 0x0f };
static const uint8_t OID_EKU[] = { 0x55, 0x1d, 0x25 };
static const uint8_t OID_KP_SERVER_AUTH[] = {
	0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01 };
static const uint8_t OID_ANY_EKU[] = { 0x55, 0x1d, 0x25, 0x00 };
static const uint8_t OID_RSA[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };
static const uint8_t OID_EC[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
static const uint8_t OID_P256[] = {
	0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
static const uint8_t OID_P384[] = { 0x2b, 0x81, 0x04, 0x00, 0x22 };
static const uint8_t OID_P521[] = { 0x2b, 0x81, 0x04, 0x00, 0x23 };
/* Certificate signature algorithms we refuse (RFC 3279 2.2.1/2.2.3,
 * RFC 4055 5, RFC 5758 3.2). */
static const uint8_t OID_SHA1_RSA[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05 };
static const uint8_t OID_SHA224_RSA[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0e };
static const uint8_t OID_ECDSA_SHA1[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01 };
static const uint8_t OID_ECDSA_SHA224[] = {
	0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x01 };

#define OID_IS(e, oid) eq_bytes((e).val.p, (e).val.len, (oid), sizeof (oid))

/* Bits in a big-endian unsigned integer (leading zero bytes skipped). */
static unsigned int_bits(const uint8_t *p, size_t len)
{
	unsigned n;
	uint8_t top;

	while (len > 0 && *p == 0) {
		p++;
		len--;
	}
	if (len == 0) {
		return 0;
	}
	n = (unsigned)(len - 1) * 8;
	for (top = p[0]; top != 0; top >>= 1) {
		n++;
	}
	return n;
}

/* The modulus size of an RSAPublicKey (RFC 8017 A.1.1) in the
 * subjectPublicKey BIT STRING that follows the algorithm in spki; 0 if it
 * does not parse as strict DER. */
static unsigned rsa_modulus_bits(wt_reader spki)
{
	der_elt bits, seq, n;
	wt_reader k;

	if (der_expect(&spki, 0x03, &bits) || bits.val.len < 1
		|| bits.val.p[0] != 0)
	{
		return 0;
	}
	wt_rd_init(&k, bits.val.p + 1, bits.val.len - 1);
	if (der_expect(&k, 0x30, &seq) || der_expect(&seq.val, 0x02, &n)) {
		return 0;
	}
	return int_bits(n.val.p, n.val.len);
}

/* Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature }
 * (RFC 5280 4.1). Only the TBS is read; signatures are BearSSL's job. */
static int parse_cert(const uint8_t *der, size_t len, cert_info *ci)
{
	wt_reader r, tbs, v;
	der_elt cert, e, alg, oid;
	int seen_san = 0, seen_ku = 0, seen_eku = 0;

	memset(ci, 0, sizeof *ci);
	wt_rd_init(&r, der, len);
	if (der_expect(&r, 0x30, &cert) || r.len != 0
		|| der_expect(&cert.val, 0x30, &e))
	{
		return -1;
	}
	tbs = e.val;
	{
		/* signatureAlgorithm (RFC 5280 4.1.1.2): only read to name a
		 * weak hash in the error; BearSSL decodes it for itself. */
		wt_reader rest = cert.val;
		der_elt sa, sa_oid;

		if (der_expect(&rest, 0x30, &sa) == 0
			&& der_expect(&sa.val, 0x06, &sa_oid) == 0)
		{
			if (OID_IS(sa_oid, OID_SHA1_RSA) || OID_IS(sa_oid, OID_ECDSA_SHA1)) {
				ci->weak_sig = 1;
			} else if (OID_IS(sa_oid, OID_SHA224_RSA)
				|| OID_IS(sa_oid, OID_ECDSA_SHA224))
			{
				ci->weak_sig = 224;
			}
		}
	}
	if (der_peek(&tbs) == 0xa0 && der_next(&tbs, &e)) {      /* version */
		return -1;
	}
	if (der_expect(&tbs, 0x02, &e)                            /* serial */
		|| der_expect(&tbs, 0x30, &e)                     /* signature */
		|| der_expect(&tbs, 0x30, &e))                    /* issuer */
	{
		return -1;
	}
	ci->issuer = e.tlv;
	ci->issuer_len = e.tlv_len;
	if (der_expect(&tbs, 0x30, &e)) {                         /* validity */
		return -1;
	}
	v = e.val;
	if (der_time(&v, &ci->not_before) || der_time(&v, &ci->not_after)
		|| wt_rd_end(&v) || der_expect(&tbs, 0x30, &e))   /* subject */
	{
		return -1;
	}
	ci->subject = e.tlv;
	ci->subject_len = e.tlv_len;
	if (der_expect(&tbs, 0x30, &e)                            /* SPKI */
		|| der_expect(&e.val, 0x30, &alg)
		|| der_expect(&alg.val, 0x06, &oid))
	{
		return -1;
	}
	if (OID_IS(oid, OID_RSA)) {
		ci->key_supported = 1;
		ci->rsa_bits = rsa_modulus_bits(e.val);
		if (ci->rsa_bits == 0) {
			/* Not strict DER (BearSSL's reader is laxer): refused,
			 * so the key-size check cannot be skipped. */
			return -1;
		}
	} else if (OID_IS(oid, OID_EC)) {
		ci->key_supported = der_expect(&alg.val, 0x06, &oid) == 0
			&& (OID_IS(oid, OID_P256) || OID_IS(oid, OID_P384)
				|| OID_IS(oid, OID_P521));
	}
	/* issuerUniqueID [1], subjectUniqueID [2], extensions [3] */
	while (tbs.len) {
		if (der_next(&tbs, &e)) {
			return -1;
		}
		if (e.tag == 0xa3) {
			break;
		}
		if (e.tag != 0x81 && e.tag != 0x82 && e.tag != 0xa1
			&& e.tag != 0xa2)
		{
			return -1;
		}
	}
	if (e.tag == 0xa3 && tbs.p == e.val.p + e.val.len) {
		wt_reader exts;
		der_elt seq;

		if (der_expect(&e.val, 0x30, &seq) || wt_rd_end(&e.val)) {
			return -1;
		}
		exts = seq.val;
		while (exts.len) {
			der_elt ext, id, val;

			if (der_expect(&exts, 0x30, &ext)
				|| der_expect(&ext.val, 0x06, &id))
			{
				return -1;
			}
			if (der_peek(&ext.val) == 0x01 && der_next(&ext.val, &val)) {
				return -1;                        /* critical */
			}
			if (der_expect(&ext.val, 0x04, &val) || wt_rd_end(&ext.val)) {
				return -1;
			}
			/* RFC 5280 4.2: each extension at most once. */
			if (OID_IS(id, OID_SAN)) {
				der_elt names;
				if (seen_san++ || der_expect(&val.val, 0x30, &names)
					|| wt_rd_end(&val.val))
				{
					return -1;
				}
				ci->has_san = 1;
				ci->san = names.val;
			} else if (OID_IS(id, OID_KU)) {
				der_elt bits;
				if (seen_ku++ || der_expect(&val.val, 0x03, &bits)
					|| bits.val.len < 1)
				{
					return -1;
				}
				ci->has_ku = 1;
				ci->ku0 = bits.val.len >= 2 ? bits.val.p[1] : 0;
			} else if (OID_IS(id, OID_EKU)) {
				der_elt kps;
				if (seen_eku++ || der_expect(&val.val, 0x30, &kps)) {
					return -1;
				}
				ci->has_eku = 1;
				ci->eku = kps.val;
			}
		}
	} else if (tbs.len) {
		return -1;
	}
	return 0;
}

int wt_x509_validity(const uint8_t *der, size_t len, int64_t *not_before,
	int64_t *not_after)
{
	cert_info ci;

	if (parse_cert(der, len, &ci) != 0) {
		return -1;
	}
	*not_before = ci.not_before;
	*not_after = ci.not_after;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Host names: RFC 6125                                                 */
/* ------------------------------------------------------------------ */

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static int eq_nocase(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (lower(a[i]) != lower(b[i])) {
			return 0;
		}
	}
	return 1;
}

/* Dotted-quad IPv4 (RFC 791 text form as inet_pton takes it): four decimal
 * parts 0..255, no leading zeros (they read as octal elsewhere). */
static int parse_ipv4(const char *s, size_t n, uint8_t out[4])
{
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned v = 0, nd = 0;

		while (i < n && s[i] >= '0' && s[i] <= '9' && nd < 4) {
			v = v * 10 + (unsigned)(s[i] - '0');
			i++;
			nd++;
		}
		if (nd == 0 || nd > 3 || v > 255 || (nd > 1 && s[i - nd] == '0')) {
			return -1;
		}
		out[part] = (uint8_t)v;
		if (part < 3) {
			if (i >= n || s[i] != '.') {
				return -1;
			}
			i++;
		}
	}
	return i == n ? 0 : -1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	c = (char)lower(c);
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	return -1;
}

/* IPv6 text form (RFC 4291 2.2): up to eight groups of 1-4 hex digits, one
 * "::" for a run of zeros, optionally a trailing dotted IPv4. */
static int parse_ipv6(const char *s, size_t n, uint8_t out[16])
{
	size_t i = 0, k = 0, gap = 16;
	uint8_t buf[16];

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
		if (i == n) {
			memset(out, 0, 16);
			return 0;
		}
	}
	while (i < n) {
		unsigned v = 0, nd = 0;
		size_t start = i;

		while (i < n && hexval(s[i]) >= 0 && nd < 5) {
			v = v << 4 | (unsigned)hexval(s[i]);
			i++;
			nd++;
		}
		if (i < n && s[i] == '.') {
			/* embedded IPv4 in the last 32 bits */
			if (k > 12 || parse_ipv4(s + start, n - start, buf + k)) {
				return -1;
			}
			k += 4;
			i = n;
			break;
		}
		if (nd == 0 || nd > 4 || k > 14) {
			return -1;
		}
		buf[k++] = (uint8_t)(v >> 8);
		buf[k++] = (uint8_t)v;
		if (i == n) {
			break;
		}
		if (s[i] != ':') {
			return -1;
		}
		i++;
		if (i < n && s[i] == ':') {
			if (gap != 16) {
				return -1;
			}
			gap = k;
			i++;
			if (i == n) {
				break;
			}
		} else if (i == n) {
			return -1;       /* trailing single ':' */
		}
	}
	if (gap == 16) {
		if (k != 16) {
			return -1;
		}
		memcpy(out, buf, 16);
		return 0;
	}
	if (k > 14) {
		return -1;           /* "::" must stand for at least one group */
	}
	memset(out, 0, 16);
	memcpy(out, buf, gap);
	memcpy(out + 16 - (k - gap), buf + gap, k - gap);
	return 0;
}

/* One dNSName against the (lower-or-mixed case, no trailing dot) host.
 * RFC 6125 6.4.1: case-insensitive ASCII comparison; 6.4.3: we accept a
 * wildcard only as the complete left-most label ("*.example.com"), which
 * matches exactly one label, and only over at least two further labels
 * (so never "*.com" or "*"); partial wildcards ("f*.example.com",
 * "*x.example.com") and wildcards elsewhere never match. */
static int dns_match(const uint8_t *pat, size_t plen, const char *host,
	size_t hlen)
{
	size_t i, first;

	if (plen > 0 && pat[plen - 1] == '.') {
		plen--;              /* absolute form, same name */
	}
	if (plen == 0) {
		return 0;
	}
	for (i = 0; i < plen; i++) {
		/* RFC 5280 4.2.1.6: dNSName in the RFC 1034 3.5 preferred
		 * syntax (letters, digits, hyphen, dots), plus the wildcard
		 * checked below; anything else ('_', NUL, spaces) never
		 * matches. */
		uint8_t c = pat[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
			|| (c >= '0' && c <= '9') || c == '-' || c == '.'
			|| c == '*'))
		{
			return 0;
		}
	}
	if (pat[0] != '*') {
		if (memchr(pat, '*', plen) != NULL) {
			return 0;
		}
		return plen == hlen && eq_nocase(pat, (const uint8_t *)host, hlen);
	}
	/* "*." then at least "x.y", and no other '*' */
	if (plen < 2 || pat[1] != '.' || memchr(pat + 1, '*', plen - 1) != NULL
		|| memchr(pat + 2, '.', plen - 2) == NULL)
	{
		return 0;
	}
	for (first = 0; first < hlen && host[first] != '.'; first++) {
	}
	if (first == 0 || first == hlen) {
		return 0;
	}
	return hlen - first == plen - 1
		&& eq_nocase(pat + 1, (const uint8_t *)host + first, plen - 1);
}

/* The host name check (RFC 6125 6, RFC 5280 4.2.1.6). Only the
 * subjectAltName is consulted: no fallback to the subject CN (RFC 6125 6.4.4
 * allows it only without any SAN; CA/B Forum certificates always carry the
 * name in the SAN, and the CN fallback is how mis-issued names get
 * matched). IP literals are compared with iPAddress entries only, never
 * with dNSName (RFC 6125 1.7.2 / RFC 5280 4.2.1.6). */
static int check_host(const cert_info *leaf, const char *host,
	const char **reason)
{
	size_t hlen = strlen(host);
	uint8_t ip[16];
	size_t iplen = 0;
	wt_reader names;

	if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
		if (parse_ipv6(host + 1, hlen - 2, ip)) {
			*reason = "host is not a valid IPv6 literal";
			return WT_ERR_CERT_NAME_MISMATCH;
		}
		iplen = 16;
	} else if (parse_ipv4(host, hlen, ip) == 0) {
		iplen = 4;
	} else if (memchr(host, ':', hlen) != NULL) {
		if (parse_ipv6(host, hlen, ip)) {
			*reason = "host is neither a DNS name nor an IP literal";
			return WT_ERR_CERT_NAME_MISMATCH;
		}
		iplen = 16;
	} else {
		if (hlen > 0 && host[hlen - 1] == '.') {
			hlen--;      /* "example.com." is "example.com" */
		}
		if (hlen == 0 || hlen > 253) {
			*reason = "host name is empty or too long";
			return WT_ERR_CERT_NAME_MISMATCH;
		}
		for (iplen = 0; iplen < hlen; iplen++) {
			/* a reference identifier is never a pattern (RFC 6125
			 * 6.4.3 is about the presented identifier only) */
			char c = host[iplen];
			if (c == '*' || c <= 0x20 || c >= 0x7f) {
				*reason = "host name contains characters not allowed in a DNS name";
				return WT_ERR_CERT_NAME_MISMATCH;
			}
		}
		iplen = 0;
	}
	if (!leaf->has_san) {
		*reason = "certificate has no subjectAltName (the subject CN is not used, RFC 6125 6.4.4)";
		return WT_ERR_CERT_NAME_MISMATCH;
	}
	names = leaf->san;
	while (names.len) {
		der_elt gn;

		if (der_next(&names, &gn)) {
			*reason = "malformed subjectAltName";
			return WT_ERR_CERT_INVALID;
		}
		if (iplen && gn.tag == 0x87) {
			if (eq_bytes(gn.val.p, gn.val.len, ip, iplen)) {
				return 0;
			}
		} else if (!iplen && gn.tag == 0x82) {
			if (dns_match(gn.val.p, gn.val.len, host, hlen)) {
				return 0;
			}
		}
	}
	*reason = iplen
		? "no iPAddress in the certificate's subjectAltName matches the host"
		: "no dNSName in the certificate's subjectAltName matches the host";
	return WT_ERR_CERT_NAME_MISMATCH;
}

/* ------------------------------------------------------------------ */
/* Keys                                                                  */
/* ------------------------------------------------------------------ */

static int copy_key(wt_leaf_key *key, const br_x509_pkey *pk,
	const char **reason)
{
	memset(key, 0, sizeof *key);
	key->pkey.key_type = pk->key_type;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		const br_rsa_public_key *rk = &pk->key.rsa;
		if (rk->nlen + rk->elen > sizeof key->buf) {
			*reason = "leaf RSA key too large";
			return WT_ERR_CERT_UNSUPPORTED;
		}
		memcpy(key->buf, rk->n, rk->nlen);
		memcpy(key->buf + rk->nlen, rk->e, rk->elen);
		key->pkey.key.rsa.n = key->buf;
		key->pkey.key.rsa.nlen = rk->nlen;
		key->pkey.key.rsa.e = key->buf + rk->nlen;
		key->pkey.key.rsa.elen = rk->elen;
		return 0;
	}
	if (pk->key_type == BR_KEYTYPE_EC) {
		const br_ec_public_key *ek = &pk->key.ec;
		if (ek->qlen > sizeof key->buf) {
			*reason = "leaf EC key too large";
			return WT_ERR_CERT_UNSUPPORTED;
		}
		memcpy(key->buf, ek->q, ek->qlen);
		key->pkey.key.ec.curve = ek->curve;
		key->pkey.key.ec.q = key->buf;
		key->pkey.key.ec.qlen = ek->qlen;
		return 0;
	}
	*reason = "leaf key type is not RSA or EC";
	return WT_ERR_CERT_UNSUPPORTED;
}

/* WT_VERIFY_NONE: the key still has to be read for CertificateVerify. */
static int decode_leaf_key(const wt_peer_cert *leaf, wt_leaf_key *key,
	const char **reason)
{
	br_x509_decoder_context dc;
	const br_x509_pkey *pk;
	int err;

	br_x509_decoder_init(&dc, NULL, NULL);
	br_x509_decoder_push(&dc, leaf->der, leaf->len);
	err = br_x509_decoder_last_error(&dc);
	pk = br_x509_decoder_get_pkey(&dc);
	if (err == BR_ERR_X509_UNSUPPORTED || err == BR_ERR_X509_LIMIT_EXCEEDED) {
		*reason = "leaf key type or size not supported (RSA up to 4096 bits, EC P-256/384/521)";
		return WT_ERR_CERT_UNSUPPORTED;
	}
	if (err != 0 || pk == NULL) {
		*reason = "malformed leaf certificate";
		return WT_ERR_CERT_INVALID;
	}
	return copy_key(key, pk, reason);
}

/* ------------------------------------------------------------------ */
/* Chain validation                                                      */
/* ------------------------------------------------------------------ */

/* br_x509_minimal's error -> our code and reason. */
static int map_br_error(int err, const char **reason)
{
	switch (err) {
	case BR_ERR_X509_NOT_TRUSTED:
		*reason = "chain does not lead to a trusted root (unknown issuer)";
		return WT_ERR_CERT_UNKNOWN_CA;
	case BR_ERR_X509_BAD_SIGNATURE:
		*reason = "certificate signature does not verify with the issuer's key";
		return WT_ERR_CERT_BAD_SIGNATURE;
	case BR_ERR_X509_UNSUPPORTED:
		*reason = "unsupported certificate version, key or signature algorithm (BearSSL: RSA PKCS#1 v1.5, ECDSA P-256/384/521; no RSA-PSS, Ed25519)";
		return WT_ERR_CERT_UNSUPPORTED;
	case BR_ERR_X509_WEAK_PUBLIC_KEY:
		*reason = "RSA key shorter than 2048 bits";
		return WT_ERR_CERT_UNSUPPORTED;
	case BR_ERR_X509_LIMIT_EXCEEDED:
		*reason = "key or signature larger than the validator supports (RSA up to 4096 bits)";
		return WT_ERR_CERT_UNSUPPORTED;
	case BR_ERR_X509_WRONG_KEY_TYPE:
		*reason = "issuer key type does not match the signature algorithm";
		return WT_ERR_CERT_BAD_SIGNATURE;
	case BR_ERR_X509_CRITICAL_EXTENSION:
		*reason = "unsupported critical extension (RFC 5280 4.2), e.g. name constraints or policy constraints";
		return WT_ERR_CERT_INVALID;
	case BR_ERR_X509_NOT_CA:
		*reason = "issuing certificate is not a CA or its path length is exceeded (basicConstraints, RFC 5280 4.2.1.9)";
		return WT_ERR_CERT_INVALID;
	case BR_ERR_X509_FORBIDDEN_KEY_USAGE:
		*reason = "key usage forbids this use (issuer without keyCertSign, RFC 5280 4.2.1.3)";
		return WT_ERR_CERT_INVALID;
	case BR_ERR_X509_DN_MISMATCH:
		*reason = "issuer and subject names do not chain";
		return WT_ERR_CERT_INVALID;
	case BR_ERR_X509_EMPTY_CHAIN:
		*reason = "empty certificate chain";
		return WT_ERR_CERT_INVALID;
	case BR_ERR_X509_BAD_TIME:
		*reason = "malformed validity time";
		return WT_ERR_CERT_INVALID;
	default:
		*reason = "malformed certificate (DER decoding failed)";
		return WT_ERR_CERT_INVALID;
	}
}

/* Path building (RFC 5280 6.1 assumes a path is given; RFC 8446 4.4.2 lets
 * the server send extra certificates in any order after the leaf, and RFC
 * 4158 describes how to search them): the next certificate is an unused one
 * whose subject is the previous one's issuer. Candidates for a parent are
 * scanned from index `from`; returns n if there is none. */
static size_t next_issuer(const cert_info *ci, const int *ok, const int *used,
	size_t n, size_t child, size_t from)
{
	const cert_info *c = &ci[child];
	size_t j;

	for (j = from; j < n; j++) {
		if (!used[j] && ok[j] && eq_bytes(ci[j].subject,
			ci[j].subject_len, c->issuer, c->issuer_len))
		{
			return j;
		}
	}
	return n;
}

/* Certificate signatures over SHA-1 are forgeable (chosen-prefix
 * collisions, "SHA-1 is a Shambles" 2020; RFC 9155 deprecates it in TLS)
 * and Go, Chrome and Firefox refuse them, SHA-224 too: neither hash is
 * registered, so BearSSL cannot verify such a signature. A trust anchor's
 * own signature is never checked (it is a name and a key, RFC 5280
 * 6.1.1 (d)), so a root self-signed with SHA-1 stays usable. */
static void set_hashes(br_x509_minimal_context *xc)
{
	br_x509_minimal_set_hash(xc, br_sha256_ID, &br_sha256_vtable);
	br_x509_minimal_set_hash(xc, br_sha384_ID, &br_sha384_vtable);
	br_x509_minimal_set_hash(xc, br_sha512_ID, &br_sha512_vtable);
}

/* One reason per position in the path, since reasons are static strings
 * (the engine keeps them by pointer). Positions past the table get the
 * last entry; paths are at most WT_MAX_PEER_CERTS long. */
#define PATH_REASONS(pre, post) { \
	pre "leaf certificate" post, \
	pre "intermediate certificate 1 (the leaf's issuer)" post, \
	pre "intermediate certificate 2" post, \
	pre "intermediate certificate 3" post, \
	pre "intermediate certificate 4" post, \
	pre "intermediate certificate 5" post, \
	pre "intermediate certificate 6" post, \
	pre "intermediate certificate 7" post, \
	pre "intermediate certificate 8" post, \
	pre "intermediate certificate 9 or above" post }

static const char *const sha1_reasons[] = PATH_REASONS("", " signed with SHA-1");
static const char *const sha224_reasons[] = PATH_REASONS("", " signed with SHA-224");
static const char *const weak_rsa_reasons[] = PATH_REASONS("RSA key shorter than 2048 bits in the ", "");

#define PATH_REASON(table, i) \
	((table)[(i) < sizeof (table) / sizeof (table)[0] ? (i) \
		: sizeof (table) / sizeof (table)[0] - 1])

/* RSA keys shorter than this are refused in certificates (NIST SP
 * 800-131A; CA/B Forum Baseline Requirements 6.1.5), as Go, Chrome and
 * Firefox do. */
#define WT_MIN_RSA_BITS 2048

/* Runs br_x509_minimal over one candidate path. */
static int run_path(br_x509_minimal_context *xc, const wt_peer_cert *chain,
	const cert_info *ci, const size_t *path, size_t plen,
	const br_x509_trust_anchor *tas, size_t ta_count, int64_t time_unix,
	const char **reason)
{
	int64_t days;
	uint32_t secs;
	size_t i;
	int err;

	br_x509_minimal_init(xc, &br_sha256_vtable, tas, ta_count);
	set_hashes(xc);
	br_x509_minimal_set_rsa(xc, br_rsa_pkcs1_vrfy_get_default());
	br_x509_minimal_set_ecdsa(xc, br_ec_get_default(),
		br_ecdsa_vrfy_asn1_get_default());
	/* BearSSL only counts bytes; our exact bit check is below. */
	br_x509_minimal_set_minrsa(xc, WT_MIN_RSA_BITS / 8);
	/* BearSSL counts days from 0000-01-01 (proleptic Gregorian); the Unix
	 * epoch is day 719528. Floor division for times before 1970. */
	days = time_unix / 86400;
	if (time_unix % 86400 < 0) {
		days--;
	}
	secs = (uint32_t)(time_unix - days * 86400);
	if (days + 719528 < 0 || days + 719528 > 0xffffffffLL) {
		*reason = "validation time out of range";
		return WT_ERR_CERT_INVALID;
	}
	br_x509_minimal_set_time(xc, (uint32_t)(days + 719528), secs);

	/* The name is checked afterwards, on every SAN entry, so BearSSL gets
	 * none (it would only look at the first dNSName, then the CN). */
	xc->vtable->start_chain(&xc->vtable, NULL);
	/* BearSSL stops at the first certificate an anchor vouches for (or at
	 * an error), so only the certificates fed here had their keys and
	 * signatures used: the weak key and hash checks apply to them alone. */
	for (i = 0; i < plen && xc->err == 0; i++) {
		const wt_peer_cert *c = &chain[path[i]];

		if (ci[path[i]].rsa_bits != 0 && ci[path[i]].rsa_bits < WT_MIN_RSA_BITS) {
			*reason = PATH_REASON(weak_rsa_reasons, i);
			return WT_ERR_CERT_UNSUPPORTED;
		}
		xc->vtable->start_cert(&xc->vtable, (uint32_t)c->len);
		xc->vtable->append(&xc->vtable, c->der, c->len);
		xc->vtable->end_cert(&xc->vtable);
	}
	err = (int)xc->vtable->end_chain(&xc->vtable);
	if (err == BR_ERR_X509_UNSUPPORTED && i > 0 && ci[path[i - 1]].key_supported
		&& ci[path[i - 1]].weak_sig != 0)
	{
		/* the hash of certificate i - 1's own signature is not
		 * registered (set_hashes) */
		*reason = ci[path[i - 1]].weak_sig == 1
			? PATH_REASON(sha1_reasons, i - 1)
			: PATH_REASON(sha224_reasons, i - 1);
		return WT_ERR_CERT_UNSUPPORTED;
	}
	if (err == BR_ERR_X509_EXPIRED) {
		/* BearSSL stops at the first certificate outside its validity
		 * period (RFC 5280 6.1.3 (a)(2)); find it and say which side. */
		for (i = 0; i < plen; i++) {
			const cert_info *c = &ci[path[i]];
			if (time_unix < c->not_before) {
				*reason = i == 0 ? "leaf certificate is not yet valid (notBefore is in the future)"
					: "an issuing certificate is not yet valid (notBefore is in the future)";
				return WT_ERR_CERT_NOT_YET_VALID;
			}
			if (time_unix > c->not_after) {
				break;
			}
		}
		*reason = i == 0 ? "leaf certificate has expired (notAfter is in the past)"
			: "an issuing certificate has expired (notAfter is in the past)";
		return WT_ERR_CERT_EXPIRED;
	}
	return err ? map_br_error(err, reason) : 0;
}

#define WT_STR_(x) #x
#define WT_STR(x) WT_STR_(x)

/* Candidate paths tried before giving up (each costs one chain
 * verification); bounds the work a hostile certificate list can cause. */
#define WT_MAX_PATH_TRIES 8
/* Longest path tried (leaf included): a server may send up to
 * WT_MAX_PEER_CERTS certificates, but each try costs one signature check
 * per link, so without a depth cap a hostile 64-certificate pool would buy
 * ~500 checks per handshake. 10 links x 8 tries bounds the work at 80
 * (webpki's budget is 100); real chains are 2-4 deep. */
#define WT_MAX_PATH_DEPTH 10

int wt_x509_verify(const wt_peer_cert *chain, size_t n,
	const br_x509_trust_anchor *tas, size_t ta_count, const char *host,
	int64_t time_unix, int verify_none, wt_leaf_key *key,
	const char **reason)
{
	const char *dummy, *first_reason = NULL;
	cert_info ci[WT_MAX_PEER_CERTS];
	int ok[WT_MAX_PEER_CERTS], used[WT_MAX_PEER_CERTS];
	size_t path[WT_MAX_PEER_CERTS];
	size_t plen, i, tries;
	br_x509_minimal_context xc;
	const br_x509_pkey *pk;
	unsigned usages = 0;
	int err, first_err = 0;

	if (reason == NULL) {
		reason = &dummy;
	}
	*reason = "ok";
	if (chain == NULL || n == 0) {
		*reason = "no certificate";
		return WT_ERR_CERT_INVALID;
	}
	if (n > WT_MAX_PEER_CERTS) {
		*reason = "too many certificates in the chain (more than WT_MAX_PEER_CERTS = " WT_STR(WT_MAX_PEER_CERTS) ")";
		return WT_ERR_CERT_INVALID;
	}
	if (verify_none) {
		/* Even unverified, the key signs our CertificateVerify: a
		 * keyUsage without digitalSignature forbids that (RFC 8446
		 * 4.4.2.2, RFC 5280 4.2.1.3), as BoringSSL also enforces. A leaf
		 * our parser cannot read is left to BearSSL's decoder below. */
		if (chain[0].der != NULL && parse_cert(chain[0].der, chain[0].len, &ci[0]) == 0
			&& ci[0].has_ku && !(ci[0].ku0 & 0x80))
		{
			*reason = "leaf keyUsage does not allow digitalSignature";
			return WT_ERR_CERT_INVALID;
		}
		return decode_leaf_key(&chain[0], key, reason);
	}

	for (i = 0; i < n; i++) {
		ok[i] = chain[i].der != NULL
			&& parse_cert(chain[i].der, chain[i].len, &ci[i]) == 0;
		used[i] = 0;
	}
	if (!ok[0]) {
		*reason = "malformed leaf certificate";
		return WT_ERR_CERT_INVALID;
	}

	/* Depth-first over candidate paths, no recursion: extend the path
	 * greedily, verify it, and on failure replace the deepest choice that
	 * has an untried alternative. Reports the first (greedy) path's error:
	 * it is the one the server most likely meant. */
	path[0] = 0;
	used[0] = 1;
	plen = 1;
	for (tries = 0;; tries++) {
		size_t j;

		while (plen < n && plen < WT_MAX_PATH_DEPTH && (j = next_issuer(ci, ok, used, n,
			path[plen - 1], 1)) < n)
		{
			used[j] = 1;
			path[plen++] = j;
		}
		err = run_path(&xc, chain, ci, path, plen, tas, ta_count,
			time_unix, reason);
		if (err == 0) {
			break;
		}
		if (tries == 0) {
			first_err = err;
			first_reason = *reason;
		}
		j = n;
		while (tries + 1 < WT_MAX_PATH_TRIES && plen > 1) {
			size_t last = path[--plen];
			used[last] = 0;
			j = next_issuer(ci, ok, used, n, path[plen - 1], last + 1);
			if (j < n) {
				used[j] = 1;
				path[plen++] = j;
				break;
			}
		}
		if (j == n) {
			*reason = first_reason;
			return first_err;
		}
	}

	if (host != NULL && *host != 0) {
		err = check_host(&ci[0], host, reason);
		if (err) {
			return err;
		}
	}

	pk = xc.vtable->get_pkey(&xc.vtable, &usages);
	if (pk == NULL) {
		*reason = "no leaf key";
		return WT_ERR_CERT_INVALID;
	}
	/* TLS 1.3 servers sign CertificateVerify (RFC 8446 4.4.2.2): a
	 * keyUsage, if present, must include digitalSignature (RFC 5280
	 * 4.2.1.3). BearSSL also counts nonRepudiation as "sign", so the bit
	 * is checked on our own parse as well. */
	if (!(usages & BR_KEYTYPE_SIGN) || (ci[0].has_ku && !(ci[0].ku0 & 0x80))) {
		*reason = "leaf keyUsage does not allow digitalSignature";
		return WT_ERR_CERT_INVALID;
	}
	/* RFC 5280 4.2.1.12: with an extendedKeyUsage the key may only be used
	 * for the listed purposes; we need id-kp-serverAuth (or anyEKU). */
	if (ci[0].has_eku) {
		wt_reader kps = ci[0].eku;
		int found = 0;

		while (kps.len) {
			der_elt kp;
			if (der_expect(&kps, 0x06, &kp)) {
				*reason = "malformed extendedKeyUsage";
				return WT_ERR_CERT_INVALID;
			}
			if (OID_IS(kp, OID_KP_SERVER_AUTH) || OID_IS(kp, OID_ANY_EKU)) {
				found = 1;
			}
		}
		if (!found) {
			*reason = "leaf extendedKeyUsage does not include serverAuth";
			return WT_ERR_CERT_INVALID;
		}
	}
	return copy_key(key, pk, reason);
}

int wt_verify_chain(const wt_peer_cert *chain, size_t n,
	const br_x509_trust_anchor *tas, size_t ta_count,
	const char *host, int64_t time_unix, const char **reason)
{
	wt_leaf_key key;
	int err;

	err = wt_x509_verify(chain, n, tas, ta_count, host, time_unix, 0,
		&key, reason);
	wt_wipe(&key, sizeof key);
	return err;
}

/* ------------------------------------------------------------------ */
/* Trust stores from PEM (as BearSSL's brssl "ta" command builds them)  */
/* ------------------------------------------------------------------ */

typedef struct ts_add {
	wt_trust_store *ts;
	br_x509_decoder_context dc;
	int overflow;
} ts_add;

/* Appends to ts->buf; sticky overflow. */
static uint8_t *ts_put(ts_add *a, const void *p, size_t len)
{
	wt_trust_store *ts = a->ts;
	uint8_t *dst;

	if (a->overflow || len > ts->cap - ts->used) {
		a->overflow = 1;
		return NULL;
	}
	dst = ts->buf + ts->used;
	memcpy(dst, p, len);
	ts->used += len;
	return dst;
}

static void ts_dn(void *ctx, const void *buf, size_t len)
{
	ts_put((ts_add *)ctx, buf, len);
}

/* Feeds the next piece of a certificate's DER to the decoder. BearSSL's
 * decoders do not stop when they record an error: the T0 "fail" word
 * sets err and yields, and the next push resumes right after it. In the
 * x509 decoder that is inside read-integer, past the check that the key
 * fits pkey_data[], so an RSA key over 4096 bits (an RSA-8192 root) made
 * it write past the buffer on the following push. Nothing is pushed once
 * err is set; the error is read at the end of the PEM object. */
static void ts_der(void *ctx, const void *buf, size_t len)
{
	ts_add *a = ctx;

	if (a->dc.err == 0) {
		br_x509_decoder_push(&a->dc, buf, len);
	}
}

void wt_trust_store_init(wt_trust_store *ts, br_x509_trust_anchor *anchors,
	size_t max, uint8_t *buf, size_t cap)
{
	ts->anchors = anchors;
	ts->count = 0;
	ts->max = max;
	ts->buf = buf;
	ts->used = 0;
	ts->cap = cap;
	ts->on_skip = NULL;
	ts->skip_ctx = NULL;
	ts->skipped = 0;
	ts->reason = "";
}

struct ts_feed {
	ts_add a;
	size_t dn_off;
	size_t index;            /* certificates seen in this PEM input */
	size_t invalid;          /* ... skipped as malformed */
	int in_cert, in_obj, added;
	const char *why;         /* reason for a failing add */
};

/* 1 if buf[off..used) is one whole DER SEQUENCE, i.e. the decoder got
 * through the subject Name it streams to ts_dn. */
static int ts_dn_complete(const wt_trust_store *ts, size_t off)
{
	wt_reader r;
	der_elt e;

	wt_rd_init(&r, ts->buf + off, ts->used - off);
	return der_expect(&r, 0x30, &e) == 0 && r.len == 0;
}

/* Why a decoded certificate cannot serve as an anchor (NULL if it can),
 * with *code WT_ERR_CERT_UNSUPPORTED or WT_ERR_CERT_INVALID. The anchor
 * is only a name and a key (RFC 5280 6.1.1 (d)), so only the key matters:
 * one br_x509_minimal can verify with, and not a weak one. */
static const char *ts_unusable(const struct ts_feed *f, int *code)
{
	const br_x509_pkey *pk;
	int err = br_x509_decoder_last_error((br_x509_decoder_context *)&f->a.dc);

	*code = WT_ERR_CERT_UNSUPPORTED;
	if (err == BR_ERR_X509_UNSUPPORTED) {
		/* the version, before the subject, or the key, after it */
		return ts_dn_complete(f->a.ts, f->dn_off)
			? "key type not supported (anchors need an RSA key of 2048 to 4096 bits or an ECDSA P-256/P-384/P-521 key; Ed25519, Ed448, RSA-PSS and other curves are not verified)"
			: "unsupported certificate version";
	}
	if (err == BR_ERR_X509_LIMIT_EXCEEDED) {
		return "RSA key longer than 4096 bits (the largest BearSSL verifies with)";
	}
	pk = err == 0 ? br_x509_decoder_get_pkey((br_x509_decoder_context *)&f->a.dc) : NULL;
	if (pk == NULL) {
		*code = WT_ERR_CERT_INVALID;
		return "malformed certificate (DER does not decode)";
	}
	if (pk->key_type == BR_KEYTYPE_RSA) {
		unsigned bits = int_bits(pk->key.rsa.n, pk->key.rsa.nlen);

		if (bits < WT_MIN_RSA_BITS) {
			return "RSA key shorter than 2048 bits";
		}
		if (bits > 4096) {
			return "RSA key longer than 4096 bits (the largest BearSSL verifies with)";
		}
		return NULL;
	}
	if (pk->key_type != BR_KEYTYPE_EC) {
		return "key type not supported";
	}
	return NULL;
}

/* Closes one certificate: either an anchor from its DN (already at
 * buf[dn_off..used)) and key, or a skip reported to on_skip. Returns 0
 * (added), 1 (skipped) or a negative error. */
static int ts_finish(struct ts_feed *f)
{
	ts_add *a = &f->a;
	wt_trust_store *ts = a->ts;
	br_x509_trust_anchor *ta;
	const br_x509_pkey *pk;
	const char *why;
	int code;

	if (a->overflow) {
		f->why = "buffer for anchor names and keys is full";
		return -WT_ERR_BUFFER_TOO_SMALL;
	}
	why = ts_unusable(f, &code);
	if (why != NULL) {
		wt_trust_skip sk;
		int have_dn = ts_dn_complete(ts, f->dn_off);

		sk.index = f->index;
		sk.subject = have_dn ? ts->buf + f->dn_off : NULL;
		sk.subject_len = have_dn ? ts->used - f->dn_off : 0;
		sk.err = code;
		sk.reason = why;
		ts->skipped++;
		if (code == WT_ERR_CERT_INVALID) {
			f->invalid++;
		}
		if (ts->on_skip != NULL) {
			ts->on_skip(ts->skip_ctx, &sk);
		}
		wt_wipe(ts->buf + f->dn_off, ts->used - f->dn_off);
		ts->used = f->dn_off;
		return 1;
	}
	if (ts->count >= ts->max) {
		f->why = "anchor array is full";
		return -WT_ERR_BUFFER_TOO_SMALL;
	}
	pk = br_x509_decoder_get_pkey(&a->dc);
	ta = &ts->anchors[ts->count];
	memset(ta, 0, sizeof *ta);
	ta->dn.len = ts->used - f->dn_off;
	/* Leaf certificates are added too (flags 0): br_x509_minimal then
	 * trusts exactly that certificate's name and key ("direct trust"),
	 * which is how a self-signed server certificate is pinned. */
	ta->flags = br_x509_decoder_isCA(&a->dc) ? BR_X509_TA_CA : 0;
	ta->pkey.key_type = pk->key_type;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		ta->pkey.key.rsa.n = ts_put(a, pk->key.rsa.n, pk->key.rsa.nlen);
		ta->pkey.key.rsa.nlen = pk->key.rsa.nlen;
		ta->pkey.key.rsa.e = ts_put(a, pk->key.rsa.e, pk->key.rsa.elen);
		ta->pkey.key.rsa.elen = pk->key.rsa.elen;
	} else {
		ta->pkey.key.ec.curve = pk->key.ec.curve;
		ta->pkey.key.ec.q = ts_put(a, pk->key.ec.q, pk->key.ec.qlen);
		ta->pkey.key.ec.qlen = pk->key.ec.qlen;
	}
	if (a->overflow) {
		f->why = "buffer for anchor names and keys is full";
		return -WT_ERR_BUFFER_TOO_SMALL;
	}
	ta->dn.data = ts->buf + f->dn_off;
	ts->count++;
	return 0;
}

static int ts_event(void *ctx, br_pem_decoder_context *pc, int event)
{
	struct ts_feed *f = ctx;
	int err;

	switch (event) {
	case BR_PEM_BEGIN_OBJ: {
		const char *name = br_pem_decoder_name(pc);

		f->in_obj = 1;
		f->in_cert = strcmp(name, "CERTIFICATE") == 0
			|| strcmp(name, "X509 CERTIFICATE") == 0;
		if (f->in_cert) {
			f->index++;
			f->dn_off = f->a.ts->used;
			br_x509_decoder_init(&f->a.dc, ts_dn, &f->a);
			br_pem_decoder_setdest(pc, ts_der, &f->a);
		} else {
			/* keys, CRLs...: skipped */
			br_pem_decoder_setdest(pc, NULL, NULL);
		}
		return 0;
	}
	case BR_PEM_END_OBJ:
		err = 0;
		if (f->in_cert) {
			err = ts_finish(f);
			if (err == 0) {
				f->added++;
			} else if (err == 1) {
				err = 0;
			}
		}
		f->in_obj = f->in_cert = 0;
		return err;
	default:
		f->why = "malformed PEM (bad base64 or BEGIN/END lines)";
		return -WT_ERR_CERT_INVALID;
	}
}

int wt_trust_store_add_pem(wt_trust_store *ts, const char *pem, size_t len)
{
	br_pem_decoder_context pc;
	struct ts_feed f;
	size_t saved_count = ts->count, saved_used = ts->used;
	int err;

	memset(&f, 0, sizeof f);
	f.a.ts = ts;
	ts->skipped = 0;
	ts->reason = "";
	err = wt_pem_feed(&pc, pem, len, ts_event, &f);
	if (err == 0 && f.in_obj) {
		err = -WT_ERR_CERT_INVALID;
		f.why = "truncated PEM (BEGIN without END)";
	} else if (err == 0 && f.added == 0) {
		/* Unusable certificates are skipped; only a bundle left
		 * with none at all is an error. */
		if (f.index == 0) {
			err = -WT_ERR_CERT_INVALID;
			f.why = "no PEM certificate";
		} else {
			err = f.invalid ? -WT_ERR_CERT_INVALID : -WT_ERR_CERT_UNSUPPORTED;
			f.why = f.index == 1 ? "no usable certificate: the only one was skipped"
				: "no usable certificate: every one was skipped";
		}
	}
	wt_wipe(&f.a.dc, sizeof f.a.dc);
	if (err != 0) {
		/* all or nothing: forget this call's anchors and bytes */
		if (ts->used > saved_used) {
			wt_wipe(ts->buf + saved_used, ts->used - saved_used);
		}
		ts->count = saved_count;
		ts->used = saved_used;
		ts->reason = f.why != NULL ? f.why : "PEM input rejected";
		return err;
	}
	return f.added;
}

/* ------------------------------------------------------------------ */
/* Names as text (RFC 4514), for messages about certificates            */
/* ------------------------------------------------------------------ */

typedef struct dn_out {
	char *p;
	size_t cap, len;
	int full;
} dn_out;

static void dn_putc(dn_out *o, char c)
{
	if (o->len + 1 < o->cap) {
		o->p[o->len++] = c;
	} else {
		o->full = 1;
	}
}

static void dn_puts(dn_out *o, const char *s)
{
	while (*s) {
		dn_putc(o, *s++);
	}
}

static void dn_hex(dn_out *o, uint8_t b)
{
	static const char hx[] = "0123456789ABCDEF";

	dn_putc(o, hx[b >> 4]);
	dn_putc(o, hx[b & 15]);
}

static void dn_dec(dn_out *o, uint32_t v)
{
	char tmp[10];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0) {
		dn_putc(o, tmp[--n]);
	}
}

/* OBJECT IDENTIFIER contents in dotted decimal (X.690 8.19). */
static void dn_oid(dn_out *o, const uint8_t *p, size_t n)
{
	uint32_t v = 0;
	size_t i;
	int first = 1;

	if (n == 0 || (p[n - 1] & 0x80)) {
		dn_putc(o, '?');
		return;
	}
	for (i = 0; i < n; i++) {
		if (v > (UINT32_C(0xffffffff) >> 7)) {
			dn_putc(o, '?');
			return;
		}
		v = v << 7 | (p[i] & 0x7f);
		if (p[i] & 0x80) {
			continue;
		}
		if (first) {
			uint32_t arc = v < 40 ? 0 : v < 80 ? 1 : 2;

			dn_dec(o, arc);
			dn_putc(o, '.');
			dn_dec(o, v - 40 * arc);
			first = 0;
		} else {
			dn_putc(o, '.');
			dn_dec(o, v);
		}
		v = 0;
	}
}

/* One character of a value, RFC 4514 2.4: specials are backslashed,
 * and anything outside printable ASCII (controls, which could drive a
 * terminal, and the UTF-8 bytes of other characters) as \XX pairs. */
static void dn_char(dn_out *o, uint32_t c, int first, int last)
{
	if (c >= 0x80) {
		/* UTF-8 (RFC 3629), each byte escaped */
		uint8_t u[4];
		size_t n, i;

		n = c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
		for (i = n; i-- > 1;) {
			u[i] = (uint8_t)(0x80 | (c & 0x3f));
			c >>= 6;
		}
		u[0] = (uint8_t)((0xf00u >> n) | c);   /* 110x, 1110, 11110 */
		for (i = 0; i < n; i++) {
			dn_putc(o, '\\');
			dn_hex(o, u[i]);
		}
		return;
	}
	if (c < 0x20 || c == 0x7f) {
		dn_putc(o, '\\');
		dn_hex(o, (uint8_t)c);
		return;
	}
	if (c == '"' || c == '+' || c == ',' || c == ';' || c == '<' || c == '>'
		|| c == '\\' || c == '=' || (first && (c == ' ' || c == '#'))
		|| (last && c == ' '))
	{
		dn_putc(o, '\\');
	}
	dn_putc(o, (char)c);
}

/* An attribute value: character strings as text; anything else as '#'
 * and the hex of its whole encoding (RFC 4514 2.4). */
static void dn_value(dn_out *o, const der_elt *v)
{
	const uint8_t *p = v->val.p;
	size_t n = v->val.len, i, step;

	switch (v->tag) {
	case 0x0c:   /* UTF8String: as bytes, each >= 0x80 escaped */
	case 0x13:   /* PrintableString */
	case 0x14:   /* TeletexString */
	case 0x16:   /* IA5String */
	case 0x1a:   /* VisibleString */
		step = 1;
		break;
	case 0x1e:   /* BMPString: UCS-2 big-endian */
		step = 2;
		break;
	case 0x1c:   /* UniversalString: UCS-4 big-endian */
		step = 4;
		break;
	default:
		step = 0;
		break;
	}
	if (step == 0 || n % step != 0) {
		dn_putc(o, '#');
		for (i = 0; i < v->tlv_len; i++) {
			dn_hex(o, v->tlv[i]);
		}
		return;
	}
	for (i = 0; i < n; i += step) {
		uint32_t c = 0;
		size_t k;

		for (k = 0; k < step; k++) {
			c = c << 8 | p[i + k];
		}
		if (step == 1 && c >= 0x80) {
			/* a byte of a UTF-8 sequence: escaped as it is */
			dn_putc(o, '\\');
			dn_hex(o, (uint8_t)c);
			continue;
		}
		if (c > 0x10ffff) {
			c = 0xfffd;
		}
		dn_char(o, c, i == 0, i + step == n);
	}
}

static const struct {
	const char *name;
	uint8_t len;
	uint8_t oid[10];
} dn_attrs[] = {
	{ "CN", 3, { 0x55, 0x04, 0x03 } },
	{ "SERIALNUMBER", 3, { 0x55, 0x04, 0x05 } },
	{ "C", 3, { 0x55, 0x04, 0x06 } },
	{ "L", 3, { 0x55, 0x04, 0x07 } },
	{ "ST", 3, { 0x55, 0x04, 0x08 } },
	{ "STREET", 3, { 0x55, 0x04, 0x09 } },
	{ "O", 3, { 0x55, 0x04, 0x0a } },
	{ "OU", 3, { 0x55, 0x04, 0x0b } },
	{ "DC", 10, { 0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19 } },
	{ "UID", 10, { 0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x01 } },
};

/* Positions of the RDNs we print (names with more print "..." first). */
#define DN_MAX_RDNS 32

const char *wt_dn_format(const uint8_t *dn, size_t len, char *out, size_t cap)
{
	dn_out o;
	wt_reader r;
	der_elt name;
	der_elt rdns[DN_MAX_RDNS];
	size_t n = 0, i, skipped = 0;

	if (out == NULL || cap == 0) {
		return out;
	}
	o.p = out;
	o.cap = cap;
	o.len = 0;
	o.full = 0;
	out[0] = 0;
	wt_rd_init(&r, dn, dn != NULL ? len : 0);
	if (dn == NULL || der_expect(&r, 0x30, &name) || r.len != 0) {
		dn_puts(&o, "(unreadable name)");
		out[o.len] = 0;
		return out;
	}
	while (name.val.len) {
		der_elt rdn;

		if (der_expect(&name.val, 0x31, &rdn)) {
			dn_puts(&o, "(unreadable name)");
			out[o.len] = 0;
			return out;
		}
		if (n == DN_MAX_RDNS) {
			/* keep the last ones: they are printed first */
			memmove(rdns, rdns + 1, (DN_MAX_RDNS - 1) * sizeof rdns[0]);
			n--;
			skipped++;
		}
		rdns[n++] = rdn;
	}
	/* RFC 4514 2.1: the last RDN of the sequence comes first. */
	for (i = n; i-- > 0;) {
		wt_reader avas = rdns[i].val;
		int first_ava = 1;

		if (i + 1 < n) {
			dn_putc(&o, ',');
		}
		while (avas.len) {
			der_elt ava, type, value;
			size_t k;

			if (der_expect(&avas, 0x30, &ava)
				|| der_expect(&ava.val, 0x06, &type)
				|| der_next(&ava.val, &value) || ava.val.len != 0)
			{
				dn_puts(&o, "(unreadable attribute)");
				break;
			}
			if (!first_ava) {
				dn_putc(&o, '+');   /* RFC 4514 2.2 */
			}
			first_ava = 0;
			for (k = 0; k < sizeof dn_attrs / sizeof dn_attrs[0]; k++) {
				if (eq_bytes(type.val.p, type.val.len, dn_attrs[k].oid,
					dn_attrs[k].len))
				{
					break;
				}
			}
			if (k < sizeof dn_attrs / sizeof dn_attrs[0]) {
				dn_puts(&o, dn_attrs[k].name);
			} else {
				dn_oid(&o, type.val.p, type.val.len);
			}
			dn_putc(&o, '=');
			dn_value(&o, &value);
		}
	}
	if (skipped) {
		dn_puts(&o, ",...");
	}
	if (o.full) {
		/* cut: end in "..." where it fits */
		size_t keep = cap - 1 >= 3 ? cap - 1 - 3 : 0;

		o.len = keep;
		while (o.len < cap - 1) {
			out[o.len++] = '.';
		}
	}
	out[o.len] = 0;
	return out;
}
