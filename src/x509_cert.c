/*
 * Strict DER certificate parser for the path validator (RFC 5280 4.1, X.690
 * 10.1), after rustls-webpki's cert.rs: every field is read in order, every
 * length is checked, extensions are recognised by OID and each may appear
 * once. The parser records what the policy needs; src/x509.c decides.
 * No recursion, no allocation: loops over wt_reader cursors.
 */
#include "wt_x509.h"
#include "wt_x509_nc.h"

int wt_der_next(wt_reader *r, wt_der_elt *e)
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

int wt_der_expect(wt_reader *r, uint8_t tag, wt_der_elt *e)
{
	return (wt_der_next(r, e) || e->tag != tag) ? -1 : 0;
}

int wt_der_peek(const wt_reader *r)
{
	return r->len ? r->p[0] : -1;
}

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

static unsigned month_days(unsigned y, unsigned m)
{
	static const uint8_t md[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) {
		return 29;
	}
	return md[m - 1];
}

/* UTCTime "YYMMDDHHMMSSZ" (YY >= 50 is 19YY) or GeneralizedTime
 * "YYYYMMDDHHMMSSZ", the only forms RFC 5280 4.1.2.5.1/.2 allows. */
int wt_der_time(wt_reader *r, int64_t *unix_time)
{
	wt_der_elt e;
	const uint8_t *p;
	unsigned y, mo, d, h, mi, s;
	size_t off;

	if (wt_der_next(r, &e)) {
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
		|| mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h > 23
		|| mi > 59 || s > 59)
	{
		return -1;
	}
	*unix_time = days_from_civil(y, mo, d) * 86400
		+ (int64_t)h * 3600 + mi * 60 + s;
	return 0;
}

/* ------------------------------------------------------------------ */
/* OIDs                                                                 */
/* ------------------------------------------------------------------ */

static int oid_is(const wt_der_elt *e, const uint8_t *oid, size_t len)
{
	return e->val.len == len && memcmp(e->val.p, oid, len) == 0;
}
#define OID_IS(e, oid) oid_is(&(e), (oid), sizeof (oid))

static const uint8_t OID_RSA[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };
static const uint8_t OID_EC[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
static const uint8_t OID_P256[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
static const uint8_t OID_P384[] = { 0x2b, 0x81, 0x04, 0x00, 0x22 };
static const uint8_t OID_P521[] = { 0x2b, 0x81, 0x04, 0x00, 0x23 };
/* pkcs-1 arcs: 1.2.840.113549.1.1.x */
static const uint8_t OID_PKCS1[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01 };
/* ecdsa-with-SHA1 1.2.840.10045.4.1, ecdsa-with-SHA2 arcs 1.2.840.10045.4.3.x */
static const uint8_t OID_ECDSA_SHA1[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01 };
static const uint8_t OID_ECDSA_SHA2[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03 };
/* id-sha256/384/512 2.16.840.1.101.3.4.2.{1,2,3}; id-mgf1 1.2.840.113549.1.1.8 */
static const uint8_t OID_SHA2[] = { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02 };
static const uint8_t OID_MGF1[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08 };
/* id-ce 2.5.29.x */
static const uint8_t OID_CE[] = { 0x55, 0x1d };
static const uint8_t OID_KP_SERVER_AUTH[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01 };
static const uint8_t OID_ANY_EKU[] = { 0x55, 0x1d, 0x25, 0x00 };
/* id-pe-authorityInfoAccess 1.3.6.1.5.5.7.1.1, subjectInfoAccess .1.11 */
static const uint8_t OID_AIA[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01 };
static const uint8_t OID_SIA[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x0b };

/* A hash AlgorithmIdentifier (RFC 4055 2.1): SHA-256/384/512 with absent
 * or NULL parameters. Returns 1, 2, 3 (SHA-256/384/512) or 0. */
static int hash_alg(wt_reader r)
{
	wt_der_elt seq, oid, p;

	if (wt_der_expect(&r, 0x30, &seq) || wt_rd_end(&r)
		|| wt_der_expect(&seq.val, 0x06, &oid)
		|| oid.val.len != sizeof OID_SHA2 + 1
		|| memcmp(oid.val.p, OID_SHA2, sizeof OID_SHA2) != 0)
	{
		return 0;
	}
	if (seq.val.len && (wt_der_expect(&seq.val, 0x05, &p) || p.val.len
		|| seq.val.len))
	{
		return 0;
	}
	switch (oid.val.p[sizeof OID_SHA2]) {
	case 1: return 1;
	case 2: return 2;
	case 3: return 3;
	default: return 0;
	}
}

/* RSASSA-PSS-params (RFC 4055 3.1), as webpki accepts them: explicit
 * hash SHA-256/384/512, MGF1 with the same hash, salt length = hash
 * length, trailer field absent (or 1). Returns 1..3 or 0. */
static int pss_params(wt_reader r)
{
	wt_der_elt seq, e, mgf, oid;
	int h, h2;
	static const uint8_t salt[4] = { 0, 32, 48, 64 };

	if (wt_der_expect(&r, 0x30, &seq) || wt_rd_end(&r)) {
		return 0;
	}
	if (wt_der_expect(&seq.val, 0xa0, &e) || (h = hash_alg(e.val)) == 0) {
		return 0;
	}
	if (wt_der_expect(&seq.val, 0xa1, &e) || wt_der_expect(&e.val, 0x30, &mgf)
		|| wt_rd_end(&e.val) || wt_der_expect(&mgf.val, 0x06, &oid)
		|| !OID_IS(oid, OID_MGF1) || (h2 = hash_alg(mgf.val)) != h)
	{
		return 0;
	}
	if (wt_der_expect(&seq.val, 0xa2, &e) || wt_der_expect(&e.val, 0x02, &oid)
		|| wt_rd_end(&e.val) || oid.val.len != 1 || oid.val.p[0] != salt[h])
	{
		return 0;
	}
	if (seq.val.len) {
		if (wt_der_expect(&seq.val, 0xa3, &e) || wt_der_expect(&e.val, 0x02, &oid)
			|| wt_rd_end(&e.val) || oid.val.len != 1 || oid.val.p[0] != 1
			|| seq.val.len)
		{
			return 0;
		}
	}
	return h;
}

/* A signature AlgorithmIdentifier -> WT_X509_SIG_*; -1 if malformed. */
static int sig_alg(wt_reader alg)
{
	wt_der_elt oid;
	int null_params;

	if (wt_der_expect(&alg, 0x06, &oid)) {
		return -1;
	}
	null_params = alg.len == 2 && alg.p[0] == 0x05 && alg.p[1] == 0;
	if (oid.val.len == sizeof OID_PKCS1 + 1
		&& memcmp(oid.val.p, OID_PKCS1, sizeof OID_PKCS1) == 0)
	{
		uint8_t arc = oid.val.p[sizeof OID_PKCS1];

		if (arc == 10) {                 /* id-RSASSA-PSS */
			/* parameters other than webpki's three profiles
			 * (SHA-1 defaults, other salts): not verified */
			int h = pss_params(alg);
			return h == 0 ? WT_X509_SIG_UNKNOWN : WT_X509_SIG_PSS_SHA256 + h - 1;
		}
		/* RFC 4055 5: NULL parameters (absence tolerated, as Go does) */
		if (alg.len && !null_params) {
			return WT_X509_SIG_UNKNOWN;
		}
		switch (arc) {
		case 4: return WT_X509_SIG_MD5;
		case 5: return WT_X509_SIG_SHA1;
		case 14: return WT_X509_SIG_SHA224;
		case 11: return WT_X509_SIG_RSA_SHA256;
		case 12: return WT_X509_SIG_RSA_SHA384;
		case 13: return WT_X509_SIG_RSA_SHA512;
		default: return WT_X509_SIG_UNKNOWN;
		}
	}
	if (OID_IS(oid, OID_ECDSA_SHA1)) {
		return WT_X509_SIG_SHA1;
	}
	if (oid.val.len == sizeof OID_ECDSA_SHA2 + 1
		&& memcmp(oid.val.p, OID_ECDSA_SHA2, sizeof OID_ECDSA_SHA2) == 0)
	{
		/* RFC 5758 3.2: parameters absent */
		if (alg.len) {
			return WT_X509_SIG_UNKNOWN;
		}
		switch (oid.val.p[sizeof OID_ECDSA_SHA2]) {
		case 1: return WT_X509_SIG_SHA224;
		case 2: return WT_X509_SIG_ECDSA_SHA256;
		case 3: return WT_X509_SIG_ECDSA_SHA384;
		case 4: return WT_X509_SIG_ECDSA_SHA512;
		default: return WT_X509_SIG_UNKNOWN;
		}
	}
	return WT_X509_SIG_UNKNOWN;
}

/* Bits in a big-endian unsigned integer (leading zero bytes skipped). */
unsigned wt_der_uint_bits(const uint8_t *p, size_t len)
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

/* A positive DER INTEGER (minimal encoding), leading 0x00 stripped. */
static int pos_int(wt_reader *r, const uint8_t **p, size_t *len)
{
	wt_der_elt e;

	if (wt_der_expect(r, 0x02, &e) || e.val.len == 0 || (e.val.p[0] & 0x80)) {
		return -1;
	}
	*p = e.val.p;
	*len = e.val.len;
	if (e.val.p[0] == 0) {
		if (e.val.len == 1 || !(e.val.p[1] & 0x80)) {
			return -1;              /* zero, or not minimal */
		}
		(*p)++;
		(*len)--;
	}
	return 0;
}

/* SubjectPublicKeyInfo (RFC 5280 4.1.2.7; RSA RFC 3279 2.3.1, EC RFC 5480). */
static int parse_spki(wt_reader spki, wt_x509_cert *c, const char **why)
{
	wt_der_elt alg, oid, bits, p;
	wt_reader a;

	*why = "malformed subjectPublicKeyInfo";
	if (wt_der_expect(&spki, 0x30, &alg) || wt_der_expect(&spki, 0x03, &bits)
		|| wt_rd_end(&spki) || bits.val.len < 1 || bits.val.p[0] != 0)
	{
		return -1;
	}
	a = alg.val;
	if (wt_der_expect(&a, 0x06, &oid)) {
		return -1;
	}
	if (OID_IS(oid, OID_RSA)) {
		wt_reader k, ks;
		wt_der_elt seq;

		if (a.len && (wt_der_expect(&a, 0x05, &p) || p.val.len || a.len)) {
			return -1;
		}
		wt_rd_init(&k, bits.val.p + 1, bits.val.len - 1);
		if (wt_der_expect(&k, 0x30, &seq) || wt_rd_end(&k)) {
			return -1;
		}
		ks = seq.val;
		if (pos_int(&ks, (const uint8_t **)&c->pkey.key.rsa.n, &c->pkey.key.rsa.nlen)
			|| pos_int(&ks, (const uint8_t **)&c->pkey.key.rsa.e, &c->pkey.key.rsa.elen)
			|| wt_rd_end(&ks))
		{
			*why = "malformed RSA public key";
			return -1;
		}
		c->pkey.key_type = BR_KEYTYPE_RSA;
		c->rsa_bits = wt_der_uint_bits(c->pkey.key.rsa.n, c->pkey.key.rsa.nlen);
		return 0;
	}
	if (OID_IS(oid, OID_EC)) {
		size_t qlen;
		int curve;

		if (wt_der_expect(&a, 0x06, &oid) || a.len) {
			/* RFC 5480 2.1.1: namedCurve only */
			c->pkey.key_type = 0;
			return 0;
		}
		if (OID_IS(oid, OID_P256)) {
			curve = BR_EC_secp256r1;
			qlen = 65;
		} else if (OID_IS(oid, OID_P384)) {
			curve = BR_EC_secp384r1;
			qlen = 97;
		} else if (OID_IS(oid, OID_P521)) {
			curve = BR_EC_secp521r1;
			qlen = 133;
		} else {
			c->pkey.key_type = 0;    /* another curve: unsupported */
			return 0;
		}
		/* uncompressed point only (RFC 5480 2.2) */
		if (bits.val.len - 1 != qlen || bits.val.p[1] != 0x04) {
			*why = "malformed EC public key (uncompressed point of the curve's size expected)";
			return -1;
		}
		c->pkey.key_type = BR_KEYTYPE_EC;
		c->pkey.key.ec.curve = curve;
		c->pkey.key.ec.q = (unsigned char *)bits.val.p + 1;
		c->pkey.key.ec.qlen = qlen;
		return 0;
	}
	c->pkey.key_type = 0;               /* Ed25519, RSA-PSS keys, ...: unsupported */
	return 0;
}

/* A BIT STRING's first two bytes of named bits, DER (X.690 11.2.2). */
static int named_bits(wt_reader v, unsigned *out)
{
	wt_der_elt b;
	unsigned unused;

	if (wt_der_expect(&v, 0x03, &b) || wt_rd_end(&v) || b.val.len < 1) {
		return -1;
	}
	unused = b.val.p[0];
	if (unused > 7 || (b.val.len == 1 && unused != 0)) {
		return -1;
	}
	if (b.val.len > 1 && (b.val.p[b.val.len - 1] & ((1u << unused) - 1)) != 0) {
		return -1;
	}
	*out = (b.val.len > 1 ? (unsigned)b.val.p[1] << 8 : 0)
		| (b.val.len > 2 ? b.val.p[2] : 0);
	return 0;
}

/* Extensions we know (bits for "seen" and the duplicate check). */
enum {
	X_SKI, X_KU, X_SAN, X_IAN, X_BC, X_NC, X_CRLDP, X_POL, X_PMAP, X_AKI,
	X_PCONS, X_EKU, X_FRESHEST, X_INHIBIT, X_AIA, X_SIA, X_SDA, X_COUNT
};

static int ext_id(const wt_der_elt *oid)
{
	if (oid->val.len == 3 && memcmp(oid->val.p, OID_CE, 2) == 0) {
		switch (oid->val.p[2]) {
		case 9: return X_SDA;
		case 14: return X_SKI;
		case 15: return X_KU;
		case 17: return X_SAN;
		case 18: return X_IAN;
		case 19: return X_BC;
		case 30: return X_NC;
		case 31: return X_CRLDP;
		case 32: return X_POL;
		case 33: return X_PMAP;
		case 35: return X_AKI;
		case 36: return X_PCONS;
		case 37: return X_EKU;
		case 46: return X_FRESHEST;
		case 54: return X_INHIBIT;
		default: return -1;
		}
	}
	if (oid_is(oid, OID_AIA, sizeof OID_AIA)) {
		return X_AIA;
	}
	if (oid_is(oid, OID_SIA, sizeof OID_SIA)) {
		return X_SIA;
	}
	return -1;
}

/* A SEQUENCE SIZE (1..MAX) whose items are all TLVs (tags unchecked). */
static int nonempty_seq(wt_reader v, wt_der_elt *seq)
{
	wt_reader items;

	if (wt_der_expect(&v, 0x30, seq) || wt_rd_end(&v) || seq->val.len == 0) {
		return -1;
	}
	items = seq->val;
	while (items.len) {
		wt_der_elt e;
		if (wt_der_next(&items, &e)) {
			return -1;
		}
	}
	return 0;
}

/* One extension's extnValue (RFC 5280 4.2.1.x). */
static int parse_ext(wt_x509_cert *c, int id, int critical, wt_reader v,
	const char **why)
{
	wt_der_elt seq, e;

	switch (id) {
	case X_SKI:
		/* 4.2.1.2: MUST be non-critical */
		if (critical || wt_der_expect(&v, 0x04, &e) || wt_rd_end(&v)) {
			*why = critical ? "critical subjectKeyIdentifier (RFC 5280 4.2.1.2: MUST be non-critical)"
				: "malformed subjectKeyIdentifier";
			return -1;
		}
		c->ski = e.val.p;
		c->ski_len = e.val.len;
		return 0;
	case X_AKI: {
		wt_reader f;

		if (critical) {
			*why = "critical authorityKeyIdentifier (RFC 5280 4.2.1.1: MUST be non-critical)";
			return -1;
		}
		*why = "malformed authorityKeyIdentifier";
		if (wt_der_expect(&v, 0x30, &seq) || wt_rd_end(&v)) {
			return -1;
		}
		f = seq.val;
		c->has_aki = 1;
		if (wt_der_peek(&f) == 0x80) {
			if (wt_der_next(&f, &e)) {
				return -1;
			}
			if (e.val.len > 0) {     /* an empty identifier names nothing */
				c->aki = e.val.p;
				c->aki_len = e.val.len;
			}
		}
		if (wt_der_peek(&f) == 0xa1 && wt_der_next(&f, &e)) {
			return -1;
		}
		if (wt_der_peek(&f) == 0x82 && wt_der_next(&f, &e)) {
			return -1;
		}
		return f.len ? -1 : 0;
	}
	case X_KU:
		if (named_bits(v, &c->ku)) {
			*why = "malformed keyUsage";
			return -1;
		}
		c->has_ku = 1;
		return 0;
	case X_SAN:
		if (nonempty_seq(v, &seq)) {
			*why = "malformed subjectAltName";
			return -1;
		}
		c->san = seq.tlv;
		c->san_len = seq.tlv_len;
		c->san_crit = (uint8_t)critical;
		return 0;
	case X_BC: {
		wt_reader f;

		*why = "malformed basicConstraints";
		if (wt_der_expect(&v, 0x30, &seq) || wt_rd_end(&v)) {
			return -1;
		}
		f = seq.val;
		c->has_bc = 1;
		if (wt_der_peek(&f) == 0x01) {
			/* DER omits the default FALSE; an explicit FALSE is
			 * tolerated (old CAs wrote it, Go reads it) */
			if (wt_der_next(&f, &e) || e.val.len != 1
				|| (e.val.p[0] != 0 && e.val.p[0] != 0xff))
			{
				return -1;
			}
			c->ca = e.val.p[0] != 0;
		}
		if (f.len) {
			const uint8_t *p;
			size_t n;

			if (wt_der_peek(&f) != 0x02) {
				return -1;
			}
			if (f.len >= 3 && f.p[1] == 1 && f.p[2] == 0) {
				c->pathlen = 0;
				if (wt_der_next(&f, &e)) {
					return -1;
				}
			} else {
				if (pos_int(&f, &p, &n)) {
					return -1;
				}
				c->pathlen = n > 1 ? 255 : p[0];
			}
		}
		return f.len ? -1 : 0;
	}
	case X_NC:
		/* 4.2.1.10; criticality not insisted on, as webpki and Go: CA/B
		 * Forum BR 7.1.2.5.2 allows it non-critical */
		if (wt_der_expect(&v, 0x30, &seq) || wt_rd_end(&v)
			|| wt_nc_valid(seq.tlv, seq.tlv_len) != 0)
		{
			*why = "malformed nameConstraints";
			return -1;
		}
		c->nc = seq.tlv;
		c->nc_len = seq.tlv_len;
		return 0;
	case X_EKU: {
		wt_reader kps;

		if (nonempty_seq(v, &seq)) {
			*why = "malformed or empty extendedKeyUsage (RFC 5280 4.2.1.12: one or more purposes)";
			return -1;
		}
		kps = seq.val;
		while (kps.len) {
			if (wt_der_expect(&kps, 0x06, &e) || e.val.len == 0) {
				*why = "malformed extendedKeyUsage";
				return -1;
			}
			if (OID_IS(e, OID_KP_SERVER_AUTH)) {
				c->eku_server = 1;
			} else if (OID_IS(e, OID_ANY_EKU)) {
				c->eku_any = 1;
			}
		}
		c->eku = seq.val.p;
		c->eku_len = seq.val.len;
		c->eku_crit = (uint8_t)critical;
		return 0;
	}
	case X_PCONS:
		/* 4.2.1.11: MUST be critical */
		if (!critical) {
			*why = "non-critical policyConstraints (RFC 5280 4.2.1.11: MUST be critical)";
			return -1;
		}
		return 0;
	case X_AIA:
	case X_SIA:
		/* RFC 5280 4.2.2.1/4.2.2.2: non-critical, one or more AccessDescriptions */
		if (critical) {
			*why = "critical authority/subject information access (RFC 5280 4.2.2: MUST be non-critical)";
			return -1;
		}
		if (nonempty_seq(v, &seq)) {
			*why = "malformed information access extension";
			return -1;
		}
		{
			wt_reader ads = seq.val;

			while (ads.len) {
				wt_der_elt ad, m, loc;

				if (wt_der_expect(&ads, 0x30, &ad)
					|| wt_der_expect(&ad.val, 0x06, &m)
					|| wt_der_next(&ad.val, &loc) || (loc.tag & 0x80) == 0
					|| ad.val.len)
				{
					*why = "malformed information access extension";
					return -1;
				}
			}
		}
		return 0;
	case X_POL:
	case X_PMAP:
	case X_CRLDP:
	case X_FRESHEST:
		if (nonempty_seq(v, &seq)) {
			*why = "malformed extension (SEQUENCE of one or more items expected)";
			return -1;
		}
		return 0;
	case X_INHIBIT:
		if (wt_der_expect(&v, 0x02, &e) || wt_rd_end(&v)) {
			*why = "malformed inhibitAnyPolicy";
			return -1;
		}
		return 0;
	case X_IAN:
	case X_SDA:
	default:
		/* recognised but not processed: refused when critical */
		if (critical && c->bad_crit == NULL) {
			return 1;
		}
		return 0;
	}
}

int wt_x509_parse(const uint8_t *der, size_t len, wt_x509_cert *c,
	const char **why)
{
	wt_reader r, tbs, rest, v;
	wt_der_elt cert, e, tbs_e, alg1, alg2, sig;
	uint32_t seen = 0;
	int a;

	memset(c, 0, sizeof *c);
	c->pathlen = -1;
	c->der = der;
	c->der_len = len;
	*why = "malformed certificate (DER does not decode)";
	wt_rd_init(&r, der, len);
	if (wt_der_expect(&r, 0x30, &cert) || r.len != 0
		|| wt_der_expect(&cert.val, 0x30, &tbs_e))
	{
		return -1;
	}
	rest = cert.val;
	if (wt_der_expect(&rest, 0x30, &alg2) || wt_der_expect(&rest, 0x03, &sig)
		|| wt_rd_end(&rest) || sig.val.len < 1 || sig.val.p[0] != 0)
	{
		return -1;
	}
	c->tbs = tbs_e.tlv;
	c->tbs_len = tbs_e.tlv_len;
	c->sig = sig.val.p + 1;
	c->sig_len = sig.val.len - 1;
	tbs = tbs_e.val;

	/* version [0] EXPLICIT INTEGER DEFAULT v1 (DER: absent for v1) */
	c->version = 0;
	if (wt_der_peek(&tbs) == 0xa0) {
		wt_der_elt ver;

		if (wt_der_next(&tbs, &e) || wt_der_expect(&e.val, 0x02, &ver)
			|| wt_rd_end(&e.val) || ver.val.len != 1
			|| ver.val.p[0] < 1 || ver.val.p[0] > 2)
		{
			*why = "malformed or unknown certificate version";
			return -1;
		}
		c->version = ver.val.p[0];
	}
	/* serialNumber: positive, at most 20 octets (RFC 5280 4.1.2.2) */
	if (wt_der_expect(&tbs, 0x02, &e) || e.val.len == 0) {
		return -1;
	}
	if ((e.val.p[0] & 0x80) || e.val.len > 21 || (e.val.len == 21 && e.val.p[0] != 0)
		|| (e.val.len > 1 && e.val.p[0] == 0 && !(e.val.p[1] & 0x80))
		|| (e.val.len == 1 && e.val.p[0] == 0))
	{
		c->bad_serial = 1;    /* refused in presented certificates only */
	}
	/* signature: the same AlgorithmIdentifier as signatureAlgorithm
	 * (RFC 5280 4.1.1.2), compared byte for byte as webpki does */
	if (wt_der_expect(&tbs, 0x30, &alg1)) {
		return -1;
	}
	if (alg1.tlv_len != alg2.tlv_len || memcmp(alg1.tlv, alg2.tlv, alg1.tlv_len) != 0) {
		*why = "signatureAlgorithm differs from the tbsCertificate signature field (RFC 5280 4.1.1.2)";
		return -1;
	}
	a = sig_alg(alg1.val);
	if (a < 0) {
		*why = "malformed signature algorithm parameters";
		return -1;
	}
	c->sig_alg = (uint8_t)a;
	/* issuer: a non-empty Name (RFC 5280 4.1.2.4) */
	if (wt_der_expect(&tbs, 0x30, &e)) {
		return -1;
	}
	if (e.val.len == 0) {
		*why = "empty issuer name (RFC 5280 4.1.2.4)";
		return -1;
	}
	c->issuer = e.tlv;
	c->issuer_len = e.tlv_len;
	if (wt_der_expect(&tbs, 0x30, &e)) {                      /* validity */
		return -1;
	}
	v = e.val;
	if (wt_der_time(&v, &c->not_before) || wt_der_time(&v, &c->not_after)
		|| wt_rd_end(&v))
	{
		*why = "malformed validity (RFC 5280 4.1.2.5)";
		return -1;
	}
	if (wt_der_expect(&tbs, 0x30, &e)) {                      /* subject */
		return -1;
	}
	c->subject = e.tlv;
	c->subject_len = e.tlv_len;
	c->self_issued = c->issuer_len == c->subject_len
		&& memcmp(c->issuer, c->subject, c->subject_len) == 0;
	if (wt_der_expect(&tbs, 0x30, &e) || parse_spki(e.val, c, why)) {
		if (*why == NULL) {
			*why = "malformed subjectPublicKeyInfo";
		}
		return -1;
	}
	*why = "malformed certificate (DER does not decode)";
	/* issuerUniqueID [1], subjectUniqueID [2] (v2, v3 only) */
	if (wt_der_peek(&tbs) == 0x81 || wt_der_peek(&tbs) == 0xa1) {
		if (c->version < 1 || wt_der_next(&tbs, &e)) {
			return -1;
		}
	}
	if (wt_der_peek(&tbs) == 0x82 || wt_der_peek(&tbs) == 0xa2) {
		if (c->version < 1 || wt_der_next(&tbs, &e)) {
			return -1;
		}
	}
	if (wt_der_peek(&tbs) == 0xa3) {
		wt_der_elt seq;
		wt_reader exts;

		if (c->version != 2) {
			*why = "extensions in a certificate that is not v3";
			return -1;
		}
		if (wt_der_next(&tbs, &e) || wt_der_expect(&e.val, 0x30, &seq)
			|| wt_rd_end(&e.val) || seq.val.len == 0)
		{
			return -1;
		}
		exts = seq.val;
		while (exts.len) {
			wt_der_elt ext, id, val;
			int critical = 0, k, rc;

			if (wt_der_expect(&exts, 0x30, &ext)
				|| wt_der_expect(&ext.val, 0x06, &id) || id.val.len == 0)
			{
				return -1;
			}
			if (wt_der_peek(&ext.val) == 0x01) {
				/* DER: DEFAULT FALSE is never encoded */
				if (wt_der_next(&ext.val, &val) || val.val.len != 1
					|| val.val.p[0] != 0xff)
				{
					*why = "malformed extension criticality (DER: TRUE or absent)";
					return -1;
				}
				critical = 1;
			}
			if (wt_der_expect(&ext.val, 0x04, &val) || wt_rd_end(&ext.val)) {
				return -1;
			}
			k = ext_id(&id);
			if (k < 0) {
				if (critical && c->bad_crit == NULL) {
					c->bad_crit = id.val.p;
					c->bad_crit_len = id.val.len;
				}
				continue;
			}
			/* RFC 5280 4.2: each extension at most once */
			if (seen & (1u << k)) {
				*why = "duplicate extension (RFC 5280 4.2)";
				return -1;
			}
			seen |= 1u << k;
			rc = parse_ext(c, k, critical, val.val, why);
			if (rc < 0) {
				return -1;
			}
			if (rc > 0) {
				c->bad_crit = id.val.p;
				c->bad_crit_len = id.val.len;
			}
		}
	}
	if (tbs.len) {
		return -1;
	}
	*why = NULL;
	return 0;
}
