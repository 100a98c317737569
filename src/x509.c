/*
 * Certificate path validation of our own (issue 12), after rustls-webpki
 * (verify_cert.rs) and Go's crypto/x509, with BearSSL used only for hashes
 * and signature primitives:
 *
 *   - src/x509_cert.c parses each certificate strictly (wt_x509_parse);
 *   - this file searches for a path from the leaf through the presented
 *     certificates to a trust anchor (depth-first, anchors first, budget of
 *     WT_X509_MAX_SIG_CHECKS signature checks and WT_X509_MAX_INTERMEDIATES
 *     intermediates), checks every issuer's constraints (basicConstraints,
 *     pathLenConstraint, keyUsage, EKU chaining, validity, key size,
 *     critical extensions) including those of trust anchors loaded from
 *     certificates, and name constraints over each complete path
 *     (src/wt_x509_nc.h);
 *   - the leaf profile for a TLS 1.3 server (not a CA, digitalSignature,
 *     serverAuth) and the host name check (RFC 6125; IP literals against
 *     iPAddress SANs only);
 *   - trust stores parsed from PEM into caller memory, each anchor keeping
 *     its whole certificate.
 *
 * No malloc, no recursion on peer data: every DER walk is a loop over
 * bounds-checked wt_reader cursors, and the search keeps its own stack.
 */
#include "wt_internal.h"
#include "wt_ec.h"
#include "wt_x509.h"
#include "wt_x509_nc.h"

#define WT_STR_(x) #x
#define WT_STR(x) WT_STR_(x)

static int eq_bytes(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

#define int_bits wt_der_uint_bits

int wt_x509_validity(const uint8_t *der, size_t len, int64_t *not_before,
	int64_t *not_after)
{
	wt_x509_cert c;
	const char *why;

	if (wt_x509_parse(der, len, &c, &why) != 0) {
		return -1;
	}
	*not_before = c.not_before;
	*not_after = c.not_after;
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
static int check_host(const wt_x509_cert *leaf, const char *host,
	const char **reason)
{
	size_t hlen = strlen(host);
	uint8_t ip[16];
	size_t iplen = 0;
	wt_reader names;
	wt_der_elt gn;

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
	if (leaf->san == NULL) {
		*reason = "certificate has no subjectAltName (the subject CN is not used, RFC 6125 6.4.4)";
		return WT_ERR_CERT_NAME_MISMATCH;
	}
	wt_rd_init(&names, leaf->san, leaf->san_len);
	if (wt_der_expect(&names, 0x30, &gn) || names.len) {
		*reason = "malformed subjectAltName";
		return WT_ERR_CERT_INVALID;
	}
	names = gn.val;
	while (names.len) {
		if (wt_der_next(&names, &gn)) {
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

/* Why an RSA key's exponent is refused (wt_rsa_exponent_ok), followed by
 * which certificate has it. */
#define RSA_EXPONENT_REFUSED "RSA public exponent not odd or not in 3..2^31-1 in the "

/* The leaf's key into key, for CertificateVerify: also under
 * WT_VERIFY_NONE, where it still has to be read. */
static int copy_key(wt_leaf_key *key, const br_x509_pkey *pk,
	const char **reason)
{
	memset(key, 0, sizeof *key);
	key->pkey.key_type = pk->key_type;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		const br_rsa_public_key *rk = &pk->key.rsa;
		if (rk->nlen + rk->elen > sizeof key->buf) {
			*reason = "leaf key type or size not supported (RSA up to 4096 bits, EC P-256/384/521)";
			return WT_ERR_CERT_UNSUPPORTED;
		}
		/* check_key's rule, also when nothing else is verified: such a
		 * key could not check the CertificateVerify signature anyway */
		if (!wt_rsa_exponent_ok(rk->e, rk->elen)) {
			*reason = RSA_EXPONENT_REFUSED "leaf certificate";
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
	*reason = "leaf key type or size not supported (RSA up to 4096 bits, EC P-256/384/521)";
	return WT_ERR_CERT_UNSUPPORTED;
}

/* ------------------------------------------------------------------ */
/* Names as text (RFC 4514), for messages about certificates            */
/* ------------------------------------------------------------------ */

void wt_text_putc(wt_text *o, char c)
{
	if (o->len + 1 < o->cap) {
		o->p[o->len++] = c;
	} else {
		o->full = 1;
	}
}

void wt_text_puts(wt_text *o, const char *s)
{
	while (*s) {
		wt_text_putc(o, *s++);
	}
}

static void dn_hex(wt_text *o, uint8_t b)
{
	static const char hx[] = "0123456789ABCDEF";

	wt_text_putc(o, hx[b >> 4]);
	wt_text_putc(o, hx[b & 15]);
}

void wt_text_dec(wt_text *o, unsigned v)
{
	char tmp[10];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0) {
		wt_text_putc(o, tmp[--n]);
	}
}

/* OBJECT IDENTIFIER contents in dotted decimal (X.690 8.19). */
static void dn_oid(wt_text *o, const uint8_t *p, size_t n)
{
	uint32_t v = 0;
	size_t i;
	int first = 1;

	if (n == 0 || (p[n - 1] & 0x80)) {
		wt_text_putc(o, '?');
		return;
	}
	for (i = 0; i < n; i++) {
		if (v > (UINT32_C(0xffffffff) >> 7)) {
			wt_text_putc(o, '?');
			return;
		}
		v = v << 7 | (p[i] & 0x7f);
		if (p[i] & 0x80) {
			continue;
		}
		if (first) {
			uint32_t arc = v < 40 ? 0 : v < 80 ? 1 : 2;

			wt_text_dec(o, arc);
			wt_text_putc(o, '.');
			wt_text_dec(o, v - 40 * arc);
			first = 0;
		} else {
			wt_text_putc(o, '.');
			wt_text_dec(o, v);
		}
		v = 0;
	}
}

/* One character of a value, RFC 4514 2.4: specials are backslashed,
 * and anything outside printable ASCII (controls, which could drive a
 * terminal, and the UTF-8 bytes of other characters) as \XX pairs. */
static void dn_char(wt_text *o, uint32_t c, int first, int last)
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
			wt_text_putc(o, '\\');
			dn_hex(o, u[i]);
		}
		return;
	}
	if (c < 0x20 || c == 0x7f) {
		wt_text_putc(o, '\\');
		dn_hex(o, (uint8_t)c);
		return;
	}
	if (c == '"' || c == '+' || c == ',' || c == ';' || c == '<' || c == '>'
		|| c == '\\' || c == '=' || (first && (c == ' ' || c == '#'))
		|| (last && c == ' '))
	{
		wt_text_putc(o, '\\');
	}
	wt_text_putc(o, (char)c);
}

/* An attribute value: character strings as text; anything else as '#'
 * and the hex of its whole encoding (RFC 4514 2.4). */
static void dn_value(wt_text *o, const wt_der_elt *v)
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
		wt_text_putc(o, '#');
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
			wt_text_putc(o, '\\');
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
	wt_text o;
	wt_reader r;
	wt_der_elt name;
	wt_der_elt rdns[DN_MAX_RDNS];
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
	if (dn == NULL || wt_der_expect(&r, 0x30, &name) || r.len != 0) {
		wt_text_puts(&o, "(unreadable name)");
		out[o.len] = 0;
		return out;
	}
	while (name.val.len) {
		wt_der_elt rdn;

		if (wt_der_expect(&name.val, 0x31, &rdn)) {
			wt_text_puts(&o, "(unreadable name)");
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
			wt_text_putc(&o, ',');
		}
		while (avas.len) {
			wt_der_elt ava, type, value;
			size_t k;

			if (wt_der_expect(&avas, 0x30, &ava)
				|| wt_der_expect(&ava.val, 0x06, &type)
				|| wt_der_next(&ava.val, &value) || ava.val.len != 0)
			{
				wt_text_puts(&o, "(unreadable attribute)");
				break;
			}
			if (!first_ava) {
				wt_text_putc(&o, '+');   /* RFC 4514 2.2 */
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
				wt_text_puts(&o, dn_attrs[k].name);
			} else {
				dn_oid(&o, type.val.p, type.val.len);
			}
			wt_text_putc(&o, '=');
			dn_value(&o, &value);
		}
	}
	if (skipped) {
		wt_text_puts(&o, ",...");
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
/* ------------------------------------------------------------------ */
/* Path validation (RFC 5280 6.1), path building as a search (RFC 4158) */
/* ------------------------------------------------------------------ */

/* The search budget, as rustls-webpki's (verify_cert.rs): signature
 * checks per verification, and intermediates in one path (the leaf and
 * the trust anchor not counted). A hostile pool of WT_MAX_PEER_CERTS
 * certificates cannot buy more than WT_X509_MAX_SIG_CHECKS signature
 * checks, and check_key bounds what one costs: RSA moduli of at most 4096
 * bits and exponents below 2^31 (at worst 60 modular products of 4096
 * bits; e = 65537 takes 17). */
#define WT_X509_MAX_SIG_CHECKS    100
#define WT_X509_MAX_INTERMEDIATES 8

/* RSA keys: at least 2048 bits and a whole number of bytes (NIST SP
 * 800-131A; CA/B Forum BR 6.1.5), as Go, Chrome and webpki require; at
 * most 4096, the largest br_rsa_public verifies with. */
#define WT_MIN_RSA_BITS 2048
#define WT_MAX_RSA_BITS 4096

/* One search. Errors met on abandoned paths are remembered (the first
 * one, the most likely to be the one the server meant) and reported if
 * no path verifies; "no issuer found at all" is reported only when
 * nothing more specific happened. */
typedef struct vsearch {
	const wt_peer_cert *chain;
	size_t n;
	const wt_trust_anchor *tas;
	size_t ta_count;
	const wt_x509_cert *pc;          /* parsed chain[] (ok[i]) */
	const uint8_t *ok;
	int64_t now;
	int web;                         /* WT_CERT_PROFILE_WEB rules apply */
	unsigned sig_checks, candidates;
	unsigned long nc_budget;         /* name-constraint work left (wt_x509_nc.h) */
	int err;                         /* first error recorded, 0 if none */
	wt_text out, sink;
} vsearch;

/* The text sink for an error: the reason buffer for the first one,
 * a sink that keeps nothing for the later ones. */
static wt_text *note(vsearch *v, int code)
{
	if (v->err != 0) {
		v->sink.len = 0;
		return &v->sink;
	}
	v->err = code;
	v->out.len = 0;
	v->out.full = 0;
	return &v->out;
}

static void put_dn(wt_text *o, const uint8_t *dn, size_t len)
{
	char tmp[96];

	wt_text_puts(o, wt_dn_format(dn, len, tmp, sizeof tmp));
}

/* "leaf certificate", "intermediate certificate 1 (the leaf's issuer)",
 * "intermediate certificate k": a certificate by its place in the path. */
static void put_pos(wt_text *o, size_t level)
{
	if (level == 0) {
		wt_text_puts(o, "leaf certificate");
	} else {
		wt_text_puts(o, "intermediate certificate ");
		wt_text_dec(o, (uint32_t)level);
		if (level == 1) {
			wt_text_puts(o, " (the leaf's issuer)");
		}
	}
}

/* The place and the name: "intermediate certificate 2 (CN=X)" or
 * "trust anchor (CN=X)". */
static void put_who(wt_text *o, size_t level, int anchor, const uint8_t *dn,
	size_t dn_len)
{
	if (anchor) {
		wt_text_puts(o, "trust anchor");
	} else if (level == 0) {
		wt_text_puts(o, "leaf certificate");
	} else {
		wt_text_puts(o, "intermediate certificate ");
		wt_text_dec(o, (uint32_t)level);
	}
	wt_text_puts(o, " (");
	put_dn(o, dn, dn_len);
	wt_text_putc(o, ')');
}

/* RFC 5280 6.1.3 (a)(2): valid at `now`. 0, or the WT_ERR_CERT_* code
 * with the reason written (leaf: "leaf certificate has expired ...";
 * issuers: "issuing certificate ... has expired ..."). */
static int check_time(vsearch *v, int64_t nb, int64_t na, size_t level,
	int anchor, const uint8_t *dn, size_t dn_len)
{
	wt_text *o;
	int code;

	if (v->now >= nb && v->now <= na) {
		return 0;
	}
	code = v->now < nb ? WT_ERR_CERT_NOT_YET_VALID : WT_ERR_CERT_EXPIRED;
	o = note(v, code);
	if (level == 0 && !anchor) {
		wt_text_puts(o, "leaf certificate");
	} else {
		wt_text_puts(o, "issuing certificate: ");
		put_who(o, level, anchor, dn, dn_len);
	}
	wt_text_puts(o, code == WT_ERR_CERT_EXPIRED
		? " has expired (notAfter is in the past)"
		: " is not yet valid (notBefore is in the future)");
	return code;
}

/* Key policy for a certificate's (or anchor's) key: 0 or an error. */
static int check_key(vsearch *v, const br_x509_pkey *pk, size_t level,
	int anchor, const uint8_t *dn, size_t dn_len)
{
	wt_text *o;
	unsigned bits;
	int size_ok;

	if (pk->key_type == BR_KEYTYPE_EC) {
		return 0;
	}
	if (pk->key_type != BR_KEYTYPE_RSA) {
		o = note(v, WT_ERR_CERT_UNSUPPORTED);
		wt_text_puts(o, "key type not supported (RSA or ECDSA P-256/P-384/P-521) in the ");
		put_who(o, level, anchor, dn, dn_len);
		return WT_ERR_CERT_UNSUPPORTED;
	}
	bits = int_bits(pk->key.rsa.n, pk->key.rsa.nlen);
	size_ok = bits >= WT_MIN_RSA_BITS && bits <= WT_MAX_RSA_BITS && bits % 8 == 0;
	if (size_ok && wt_rsa_exponent_ok(pk->key.rsa.e, pk->key.rsa.elen)) {
		return 0;
	}
	o = note(v, WT_ERR_CERT_UNSUPPORTED);
	if (size_ok) {
		/* a signature check costs time in proportion to e's length */
		wt_text_puts(o, RSA_EXPONENT_REFUSED);
	} else if (bits < WT_MIN_RSA_BITS) {
		wt_text_puts(o, "RSA key shorter than 2048 bits in the ");
	} else if (bits > WT_MAX_RSA_BITS) {
		wt_text_puts(o, "RSA key longer than 4096 bits (the largest BearSSL verifies with) in the ");
	} else {
		wt_text_puts(o, "RSA key size not a multiple of 8 bits (CA/B Forum BR 6.1.5) in the ");
	}
	if (anchor) {
		put_who(o, level, anchor, dn, dn_len);
	} else {
		put_pos(o, level);
	}
	return WT_ERR_CERT_UNSUPPORTED;
}

/* Checks that hold for a certificate wherever it sits in a path. */
static int check_common(vsearch *v, const wt_x509_cert *c, size_t level,
	int anchor)
{
	wt_text *o;

	if (c->version != 2 && !anchor) {
		/* CA/B Forum BR 7.1.1, webpki: v3 only (v1 roots are fine) */
		o = note(v, WT_ERR_CERT_INVALID);
		put_who(o, level, anchor, c->subject, c->subject_len);
		wt_text_puts(o, " is not an X.509 v3 certificate");
		return WT_ERR_CERT_INVALID;
	}
	if (c->bad_serial && !anchor) {
		/* trust anchors are exempt: some long-lived roots predate
		 * the rule (Go and webpki are lenient there too) */
		o = note(v, WT_ERR_CERT_INVALID);
		put_who(o, level, anchor, c->subject, c->subject_len);
		wt_text_puts(o, " has a serial number that is not a positive integer of at most 20 octets (RFC 5280 4.1.2.2)");
		return WT_ERR_CERT_INVALID;
	}
	if (c->bad_crit != NULL) {
		o = note(v, WT_ERR_CERT_INVALID);
		wt_text_puts(o, "unsupported critical extension ");
		dn_oid(o, c->bad_crit, c->bad_crit_len);
		wt_text_puts(o, " in the ");
		put_who(o, level, anchor, c->subject, c->subject_len);
		wt_text_puts(o, " (RFC 5280 4.2)");
		return WT_ERR_CERT_INVALID;
	}
	if (c->has_ku && (c->ku & WT_KU_KEY_CERT_SIGN) && !c->ca) {
		o = note(v, WT_ERR_CERT_INVALID);
		put_who(o, level, anchor, c->subject, c->subject_len);
		wt_text_puts(o, " asserts keyCertSign without basicConstraints cA (RFC 5280 4.2.1.9)");
		return WT_ERR_CERT_INVALID;
	}
	if (c->nc != NULL && !c->ca) {
		o = note(v, WT_ERR_CERT_INVALID);
		put_who(o, level, anchor, c->subject, c->subject_len);
		wt_text_puts(o, " has nameConstraints but is not a CA (RFC 5280 4.2.1.10)");
		return WT_ERR_CERT_INVALID;
	}
	if (v->web && !anchor && (level > 0 || !c->self_issued) && c->aki == NULL) {
		/* RFC 5280 4.2.1.1 (MUST, except in self-signed certificates),
		 * CA/B Forum BR 7.1.2.3/7.1.2.7: every CA-issued certificate
		 * names its issuer's key. OpenSSL 3 and Go add it unasked.
		 * Exempt: a self-issued leaf (a self-signed server certificate,
		 * pinned as an anchor; an intermediate in a path is CA-issued
		 * even when self-issued, as a key rollover) and trust anchors:
		 * what is trusted is the key, not how it was issued (a
		 * cross-signed root trusted directly, as in limbo
		 * cve::cve-2024-0567, needs no identifier). */
		o = note(v, WT_ERR_CERT_INVALID);
		put_who(o, level, anchor, c->subject, c->subject_len);
		wt_text_puts(o, " has no authorityKeyIdentifier keyIdentifier (RFC 5280 4.2.1.1)");
		return WT_ERR_CERT_INVALID;
	}
	return 0;
}

/* What a self-issued trust anchor certificate (a root given with its DER:
 * --cafile, a PEM trust store; the built-in roots are a name, a key and a
 * validity only) may carry under WT_CERT_PROFILE_WEB, beyond
 * check_issuer: CA/B Forum BR 7.1.2.1. Only the rules every root in
 * Debian's (Mozilla's) store meets are enforced: no extendedKeyUsage
 * (7.1.2.1.2), and an authorityKeyIdentifier, if any, that has a
 * keyIdentifier equal to the subjectKeyIdentifier (7.1.2.1.3). The other
 * root rules are not: Go Daddy Class 2, Starfield Class 2 and Chunghwa
 * ePKI have a non-critical basicConstraints, TWCA Global and Hongkong Post
 * Root CA 1 no subjectKeyIdentifier, and those two, Certigna and QuoVadis
 * Root CA 2/3 an authorityCertIssuer/SerialNumber; refusing them would
 * break chains the built-in roots accept. */
static int check_root_profile(vsearch *v, const wt_x509_cert *c, size_t level)
{
	wt_text *o;

	if (!v->web || !c->self_issued || c->version != 2) {
		return 0;
	}
	if (c->eku != NULL) {
		o = note(v, WT_ERR_CERT_INVALID);
		put_who(o, level, 1, c->subject, c->subject_len);
		wt_text_puts(o, " is a root with an extendedKeyUsage (CA/B Forum BR 7.1.2.1.2: MUST NOT be present)");
		return WT_ERR_CERT_INVALID;
	}
	if (c->has_aki && (c->aki == NULL || c->ski == NULL
		|| !eq_bytes(c->aki, c->aki_len, c->ski, c->ski_len)))
	{
		o = note(v, WT_ERR_CERT_INVALID);
		put_who(o, level, 1, c->subject, c->subject_len);
		wt_text_puts(o, c->aki == NULL
			? " is a root whose authorityKeyIdentifier has no keyIdentifier (CA/B Forum BR 7.1.2.1.3)"
			: " is a root whose authorityKeyIdentifier is not its subjectKeyIdentifier (CA/B Forum BR 7.1.2.1.3)");
		return WT_ERR_CERT_INVALID;
	}
	return 0;
}

/* An issuer's constraints (RFC 5280 6.1.4 (k)-(n); EKU chaining as
 * browsers and webpki do). below = non-self-issued intermediates under
 * it (RFC 5280 6.1.4 (l): self-issued ones are not counted). */
static int check_issuer(vsearch *v, const wt_x509_cert *c, size_t level,
	int anchor, unsigned below)
{
	wt_text *o;
	int err;

	err = check_common(v, c, level, anchor);
	if (!err && anchor) {
		err = check_root_profile(v, c, level);
	}
	if (err) {
		return err;
	}
	if (v->web && !anchor && c->ski == NULL) {
		/* RFC 5280 4.2.1.2: MUST appear in all conforming CA
		 * certificates (anchors: see check_root_profile) */
		o = note(v, WT_ERR_CERT_INVALID);
		put_who(o, level, anchor, c->subject, c->subject_len);
		wt_text_puts(o, " is a CA without a subjectKeyIdentifier (RFC 5280 4.2.1.2)");
		return WT_ERR_CERT_INVALID;
	}
	if ((c->version == 2 || c->has_bc) && !c->ca) {
		o = note(v, WT_ERR_CERT_INVALID);
		put_who(o, level, anchor, c->subject, c->subject_len);
		wt_text_puts(o, " issues certificates but is not a CA (basicConstraints cA, RFC 5280 4.2.1.9)");
		return WT_ERR_CERT_INVALID;
	}
	if (c->has_ku && !(c->ku & WT_KU_KEY_CERT_SIGN)) {
		o = note(v, WT_ERR_CERT_INVALID);
		put_who(o, level, anchor, c->subject, c->subject_len);
		wt_text_puts(o, " issues certificates but its keyUsage lacks keyCertSign (RFC 5280 4.2.1.3)");
		return WT_ERR_CERT_INVALID;
	}
	if (c->pathlen >= 0 && below > (unsigned)c->pathlen) {
		o = note(v, WT_ERR_CERT_INVALID);
		wt_text_puts(o, "path length exceeded: ");
		put_who(o, level, anchor, c->subject, c->subject_len);
		wt_text_puts(o, " has pathLenConstraint ");
		wt_text_dec(o, (uint32_t)c->pathlen);
		wt_text_puts(o, " but ");
		wt_text_dec(o, below);
		wt_text_puts(o, " intermediate certificate(s) below it (RFC 5280 4.2.1.9)");
		return WT_ERR_CERT_INVALID;
	}
	if (c->eku != NULL && !c->eku_server && !c->eku_any) {
		o = note(v, WT_ERR_CERT_INVALID);
		wt_text_puts(o, "extendedKeyUsage of the ");
		put_who(o, level, anchor, c->subject, c->subject_len);
		wt_text_puts(o, " does not include serverAuth or anyExtendedKeyUsage");
		return WT_ERR_CERT_INVALID;
	}
	return check_time(v, c->not_before, c->not_after, level, anchor,
		c->subject, c->subject_len);
}

/* The hash of a certificate signature algorithm. */
static const br_hash_class *sig_hash_class(int alg, const unsigned char **oid)
{
	switch (alg) {
	case WT_X509_SIG_RSA_SHA256:
	case WT_X509_SIG_PSS_SHA256:
	case WT_X509_SIG_ECDSA_SHA256:
		*oid = BR_HASH_OID_SHA256;
		return &br_sha256_vtable;
	case WT_X509_SIG_RSA_SHA384:
	case WT_X509_SIG_PSS_SHA384:
	case WT_X509_SIG_ECDSA_SHA384:
		*oid = BR_HASH_OID_SHA384;
		return &br_sha384_vtable;
	case WT_X509_SIG_RSA_SHA512:
	case WT_X509_SIG_PSS_SHA512:
	case WT_X509_SIG_ECDSA_SHA512:
		*oid = BR_HASH_OID_SHA512;
		return &br_sha512_vtable;
	default:
		return NULL;
	}
}

/* Verifies c's signature with pk (one unit of the budget, counted by
 * the caller). 0 if it verifies. */
static int verify_sig(const wt_x509_cert *c, const br_x509_pkey *pk)
{
	const unsigned char *oid = NULL;
	const br_hash_class *hc = sig_hash_class(c->sig_alg, &oid);
	br_hash_compat_context hx;
	unsigned char h[64], out[64];
	size_t hlen;

	if (hc == NULL || c->sig_len == 0) {
		return -1;
	}
	hlen = (hc->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK;
	hc->init(&hx.vtable);
	hc->update(&hx.vtable, c->tbs, c->tbs_len);
	hc->out(&hx.vtable, h);
#ifdef WT_FUZZING_UNSAFE
	(void)out;
	(void)pk;
	(void)hlen;
	return 0;   /* fuzzing: the search is explored, signatures are not */
#else
	switch (c->sig_alg) {
	case WT_X509_SIG_RSA_SHA256:
	case WT_X509_SIG_RSA_SHA384:
	case WT_X509_SIG_RSA_SHA512:
		if (!wt_rsa_pkcs1_vrfy(c->sig, c->sig_len, oid, hlen,
			&pk->key.rsa, out))
		{
			return -1;
		}
		return wt_ct_equal(out, h, hlen) ? 0 : -1;
	case WT_X509_SIG_PSS_SHA256:
	case WT_X509_SIG_PSS_SHA384:
	case WT_X509_SIG_PSS_SHA512:
		return wt_rsa_pss_verify(pk, hc, h, hlen, c->sig, c->sig_len) == 0 ? 0 : -1;
	default:
		return wt_ecdsa_vrfy_asn1(wt_ec_impl(), h, hlen,
			&pk->key.ec, c->sig, c->sig_len) == 1 ? 0 : -1;
	}
#endif
}

/* Can pk check c's signature at all? 0, or an error with its reason. */
static int check_sig_alg(vsearch *v, const wt_x509_cert *c, size_t level,
	const br_x509_pkey *pk)
{
	wt_text *o;
	int want;

	switch (c->sig_alg) {
	case WT_X509_SIG_MD5:
	case WT_X509_SIG_SHA1:
	case WT_X509_SIG_SHA224:
		/* forgeable (SHA-1: "SHA-1 is a Shambles", 2020) or
		 * unregistered; Go, Chrome, Firefox and webpki refuse them */
		o = note(v, WT_ERR_CERT_UNSUPPORTED);
		put_pos(o, level);
		wt_text_puts(o, c->sig_alg == WT_X509_SIG_MD5 ? " signed with MD5"
			: c->sig_alg == WT_X509_SIG_SHA1 ? " signed with SHA-1"
			: " signed with SHA-224");
		return WT_ERR_CERT_UNSUPPORTED;
	case WT_X509_SIG_UNKNOWN:
		o = note(v, WT_ERR_CERT_UNSUPPORTED);
		put_pos(o, level);
		wt_text_puts(o, " has a signature algorithm we do not verify (RSA PKCS#1 v1.5 or RSA-PSS with SHA-256/384/512, ECDSA with SHA-256/384/512)");
		return WT_ERR_CERT_UNSUPPORTED;
	case WT_X509_SIG_ECDSA_SHA256:
	case WT_X509_SIG_ECDSA_SHA384:
	case WT_X509_SIG_ECDSA_SHA512:
		want = BR_KEYTYPE_EC;
		break;
	default:
		want = BR_KEYTYPE_RSA;
		break;
	}
	if (pk->key_type != want) {
		o = note(v, WT_ERR_CERT_BAD_SIGNATURE);
		wt_text_puts(o, "the issuer's key type does not match the signature algorithm of the ");
		put_pos(o, level);
		return WT_ERR_CERT_BAD_SIGNATURE;
	}
	return 0;
}

static int key_id_match(const wt_x509_cert *child, const wt_x509_cert *issuer)
{
	return child->aki != NULL && issuer->ski != NULL
		&& eq_bytes(child->aki, child->aki_len, issuer->ski, issuer->ski_len);
}

/* Name constraints (RFC 5280 6.1.3 (b)-(c), 6.1.4 (g)) over a complete
 * path: every CA with nameConstraints (intermediates path[1..k] and the
 * anchor) against every certificate below it. 0, or an error. */
static int check_path_nc(vsearch *v, const size_t *path, size_t k,
	const wt_x509_cert *anchor)
{
	size_t j, i;
	char why[160];

	for (j = 1; j <= k + 1; j++) {
		const wt_x509_cert *ca = j <= k ? &v->pc[path[j]] : anchor;

		if (ca == NULL || ca->nc == NULL) {
			continue;
		}
		for (i = 0; i < j; i++) {
			const wt_x509_cert *c = &v->pc[path[i]];

			/* RFC 5280 6.1.3 (b)-(c): a self-issued intermediate is
			 * exempt (its names and its SAN); the leaf never is. */
			if (i != 0 && c->self_issued) {
				continue;
			}
			why[0] = 0;
			if (wt_nc_check(ca->nc, ca->nc_len, c->subject, c->subject_len,
				c->san, c->san_len, 1, &v->nc_budget, why, sizeof why) != 0)
			{
				wt_text *o = note(v, WT_ERR_CERT_INVALID);

				wt_text_puts(o, "name constraint violated: ");
				wt_text_puts(o, why[0] ? why : "(no reason given)");
				wt_text_puts(o, " (constraint of the ");
				put_who(o, j, j > k, ca->subject, ca->subject_len);
				wt_text_putc(o, ')');
				return WT_ERR_CERT_INVALID;
			}
		}
	}
	return 0;
}

/* Is the leaf itself an anchor (direct trust: a pinned certificate)? */
static int leaf_is_anchor(const wt_x509_cert *leaf, const wt_trust_anchor *a)
{
	const br_x509_pkey *k1 = &leaf->pkey, *k2 = &a->ta.pkey;

	if (a->der != NULL) {
		return eq_bytes(a->der, a->der_len, leaf->der, leaf->der_len);
	}
	/* A name+key anchor stands for a pinned end-entity certificate only
	 * when it is not a CA (as BearSSL's check_direct_trust): a CA anchor's
	 * name and key are public, so a certificate merely carrying them
	 * proves nothing (its signature is not checked here). */
	if ((a->ta.flags & BR_X509_TA_CA) != 0
		|| !eq_bytes(a->ta.dn.data, a->ta.dn.len, leaf->subject, leaf->subject_len)
		|| k1->key_type != k2->key_type)
	{
		return 0;
	}
	if (k1->key_type == BR_KEYTYPE_RSA) {
		return eq_bytes(k1->key.rsa.n, k1->key.rsa.nlen, k2->key.rsa.n, k2->key.rsa.nlen)
			&& eq_bytes(k1->key.rsa.e, k1->key.rsa.elen, k2->key.rsa.e, k2->key.rsa.elen);
	}
	return k1->key.ec.curve == k2->key.ec.curve
		&& eq_bytes(k1->key.ec.q, k1->key.ec.qlen, k2->key.ec.q, k2->key.ec.qlen);
}

/* Tries one candidate issuer for the certificate at path[k]: the
 * trust anchor `a` (ta != NULL) or the presented certificate `ic`.
 * Returns 1 if the edge holds (signature verified, issuer acceptable),
 * 0 if not (reason recorded), -1 if the budget is spent. */
static int try_edge(vsearch *v, const size_t *path, size_t k,
	const wt_trust_anchor *ta, const wt_x509_cert *ic,
	const wt_x509_cert *acert)
{
	const wt_x509_cert *child = &v->pc[path[k]];
	const br_x509_pkey *pk = ta != NULL ? &ta->ta.pkey : &ic->pkey;
	const uint8_t *dn = ta != NULL ? ta->ta.dn.data : ic->subject;
	size_t dn_len = ta != NULL ? ta->ta.dn.len : ic->subject_len;
	unsigned below = 0;
	size_t i;
	wt_text *o;

	v->candidates++;
	for (i = 1; i <= k; i++) {
		below += !v->pc[path[i]].self_issued;
	}
	if (ta != NULL) {
		if (acert != NULL) {
			if (check_issuer(v, acert, k + 1, 1, below)) {
				return 0;
			}
		} else if ((ta->not_before != 0 || ta->not_after != 0)
			&& check_time(v, ta->not_before, ta->not_after, k + 1, 1, dn, dn_len))
		{
			return 0;
		}
	} else if (check_issuer(v, ic, k + 1, 0, below)) {
		return 0;
	}
	if (check_key(v, pk, k + 1, ta != NULL, dn, dn_len)
		|| check_sig_alg(v, child, k, pk))
	{
		return 0;
	}
	if (v->sig_checks >= WT_X509_MAX_SIG_CHECKS) {
		return -1;
	}
	v->sig_checks++;
	if (verify_sig(child, pk) != 0) {
		o = note(v, WT_ERR_CERT_BAD_SIGNATURE);
		wt_text_puts(o, "signature of the ");
		put_pos(o, k);
		wt_text_puts(o, " does not verify with the key of the ");
		put_who(o, k + 1, ta != NULL, dn, dn_len);
		return 0;
	}
	return 1;
}

/* Depth-first search for a path from the leaf (pc[0]) to an anchor,
 * without recursion: path[0..k] is the current partial path and pos[k]
 * the next candidate position for path[k]'s issuer. Positions: the
 * anchors first (a path ending there is the shortest from here), then the
 * presented certificates whose subjectKeyIdentifier matches the child's
 * authorityKeyIdentifier, then the other presented ones (key identifiers
 * only order the search, RFC 5280 4.2.1.1). 0 when a path verifies. */
static int search(vsearch *v)
{
	size_t path[WT_X509_MAX_INTERMEDIATES + 1];
	size_t pos[WT_X509_MAX_INTERMEDIATES + 1];
	uint8_t used[WT_MAX_PEER_CERTS];
	size_t k = 0, total = v->ta_count + 2 * v->n;

	memset(used, 0, sizeof used);
	path[0] = 0;
	pos[0] = 0;
	used[0] = 1;
	for (;;) {
		const wt_x509_cert *child = &v->pc[path[k]];
		size_t p = pos[k]++;
		int r;

		if (p >= total) {
			/* every candidate tried: backtrack */
			if (k == 0) {
				return -1;
			}
			used[path[k]] = 0;
			k--;
			continue;
		}
		if (p < v->ta_count) {
			const wt_trust_anchor *ta = &v->tas[p];
			wt_x509_cert ac;
			const char *why;

			if (!eq_bytes(ta->ta.dn.data, ta->ta.dn.len, child->issuer,
				child->issuer_len) || !(ta->ta.flags & BR_X509_TA_CA))
			{
				continue;
			}
			if (ta->der != NULL && wt_x509_parse(ta->der, ta->der_len, &ac, &why) != 0) {
				wt_text *o = note(v, WT_ERR_CERT_INVALID);
				wt_text_puts(o, "trust anchor certificate does not parse: ");
				wt_text_puts(o, why);
				continue;
			}
			r = try_edge(v, path, k, ta, NULL, ta->der != NULL ? &ac : NULL);
			if (r < 0) {
				return -2;
			}
			if (r > 0 && check_path_nc(v, path, k, ta->der != NULL ? &ac : NULL) == 0) {
				return 0;
			}
			continue;
		} else {
			size_t q = p - v->ta_count, i = q % v->n;
			int pass = q >= v->n;
			const wt_x509_cert *ic = &v->pc[i];

			if (used[i] || !v->ok[i]
				|| !eq_bytes(ic->subject, ic->subject_len, child->issuer,
					child->issuer_len)
				|| key_id_match(child, ic) == pass)
			{
				continue;
			}
			if (k == WT_X509_MAX_INTERMEDIATES) {
				wt_text *o = note(v, WT_ERR_CERT_INVALID);
				wt_text_puts(o, "path length exceeded: more than "
					WT_STR(WT_X509_MAX_INTERMEDIATES)
					" intermediate certificates");
				continue;
			}
			r = try_edge(v, path, k, NULL, ic, NULL);
			if (r < 0) {
				return -2;
			}
			if (r > 0) {
				k++;
				path[k] = i;
				pos[k] = 0;
				used[i] = 1;
			}
		}
	}
}

/* The leaf's own profile (RFC 5280, RFC 8446 4.4.2.2, CA/B Forum BR
 * 7.1.2.7): independent of the path, so checked once, first. */
static int check_leaf(vsearch *v, const wt_x509_cert *c)
{
	wt_text *o;
	int err;

	err = check_common(v, c, 0, 0);
	if (err) {
		return err;
	}
	err = check_key(v, &c->pkey, 0, 0, c->subject, c->subject_len);
	if (err) {
		return err;
	}
	if (c->ca) {
		/* webpki ee-basicconstraints-ca, CA/B Forum BR 7.1.2.7.8 */
		o = note(v, WT_ERR_CERT_INVALID);
		wt_text_puts(o, "the leaf certificate is a CA (basicConstraints cA is TRUE)");
		return WT_ERR_CERT_INVALID;
	}
	/* TLS 1.3 servers sign CertificateVerify (RFC 8446 4.4.2.2): a
	 * keyUsage, if present, must include digitalSignature */
	if (c->has_ku && !(c->ku & WT_KU_DIGITAL_SIGNATURE)) {
		note(v, WT_ERR_CERT_INVALID);
		wt_text_puts(&v->out, "leaf keyUsage does not allow digitalSignature");
		return WT_ERR_CERT_INVALID;
	}
	/* CA/B Forum BR 7.1.2.7.10: a server certificate carries an
	 * extendedKeyUsage with serverAuth. Without one (any purpose, in
	 * RFC 5280) a certificate issued for mail or code signing would do
	 * for TLS as well; Go and webpki still accept it, Chrome's verifier
	 * does not for public roots. */
	if (v->web && c->eku == NULL) {
		note(v, WT_ERR_CERT_INVALID);
		wt_text_puts(&v->out, "leaf certificate has no extendedKeyUsage (serverAuth is required, CA/B Forum BR 7.1.2.7.10)");
		return WT_ERR_CERT_INVALID;
	}
	if (c->eku != NULL && !c->eku_server) {
		note(v, WT_ERR_CERT_INVALID);
		wt_text_puts(&v->out, "leaf extendedKeyUsage does not include serverAuth");
		return WT_ERR_CERT_INVALID;
	}
	if (c->eku_any) {
		note(v, WT_ERR_CERT_INVALID);
		wt_text_puts(&v->out, "leaf extendedKeyUsage includes anyExtendedKeyUsage (CA/B Forum BR 7.1.2.7.10)");
		return WT_ERR_CERT_INVALID;
	}
	if (c->eku_crit) {
		note(v, WT_ERR_CERT_INVALID);
		wt_text_puts(&v->out, "leaf extendedKeyUsage is critical (CA/B Forum BR 7.1.2.7.6)");
		return WT_ERR_CERT_INVALID;
	}
	if (c->san_crit && c->subject_len > 2) {
		note(v, WT_ERR_CERT_INVALID);
		wt_text_puts(&v->out, "leaf subjectAltName is critical with a non-empty subject (RFC 5280 4.2.1.6, CA/B Forum BR 7.1.2.7.12)");
		return WT_ERR_CERT_INVALID;
	}
	if (v->web && c->subject_len <= 2 && (c->san == NULL || !c->san_crit)) {
		/* RFC 5280 4.1.2.6 / 4.2.1.6: with an empty subject the names
		 * are only in the subjectAltName, which MUST then be critical */
		note(v, WT_ERR_CERT_INVALID);
		wt_text_puts(&v->out, c->san == NULL
			? "leaf certificate has an empty subject and no subjectAltName (RFC 5280 4.2.1.6)"
			: "leaf certificate has an empty subject and a non-critical subjectAltName (RFC 5280 4.2.1.6: MUST be critical)");
		return WT_ERR_CERT_INVALID;
	}
	return check_time(v, c->not_before, c->not_after, 0, 0, c->subject,
		c->subject_len);
}

void wt_text_end(wt_text *o)
{
	if (o->cap == 0) {
		return;
	}
	if (o->full && o->cap > 4) {
		o->len = o->cap - 4;
		wt_text_puts(o, "...");
	}
	o->p[o->len < o->cap ? o->len : o->cap - 1] = 0;
}

int wt_x509_verify(const wt_peer_cert *chain, size_t n,
	const wt_trust_anchor *tas, size_t ta_count, const char *host,
	int64_t time_unix, int profile, int verify_none, wt_leaf_key *key,
	char *reason, size_t cap)
{
	wt_x509_cert pc[WT_MAX_PEER_CERTS];
	uint8_t ok[WT_MAX_PEER_CERTS];
	const char *why = NULL, *first_bad = NULL;
	size_t i, bad = 0, first_bad_at = 0;
	char dummy[1];
	vsearch v;
	int err;

	if (reason == NULL || cap == 0) {
		reason = dummy;
		cap = sizeof dummy;
	}
	memset(&v, 0, sizeof v);
	v.out.p = reason;
	v.out.cap = cap;
	v.sink.p = dummy;
	v.sink.cap = 0;
	reason[0] = 0;
	if (profile != WT_CERT_PROFILE_WEB && profile != WT_CERT_PROFILE_PRIVATE) {
		wt_text_puts(&v.out, "unknown certificate profile");
		wt_text_end(&v.out);
		return WT_ERR_BAD_CONFIG;
	}
	v.web = profile == WT_CERT_PROFILE_WEB;
	if (chain == NULL || n == 0) {
		wt_text_puts(&v.out, "no certificate");
		wt_text_end(&v.out);
		return WT_ERR_CERT_INVALID;
	}
	if (n > WT_MAX_PEER_CERTS) {
		wt_text_puts(&v.out, "too many certificates in the chain (more than WT_MAX_PEER_CERTS = " WT_STR(WT_MAX_PEER_CERTS) ")");
		wt_text_end(&v.out);
		return WT_ERR_CERT_INVALID;
	}
	if (chain[0].der == NULL || wt_x509_parse(chain[0].der, chain[0].len, &pc[0], &why) != 0) {
		wt_text_puts(&v.out, "malformed leaf certificate: ");
		wt_text_puts(&v.out, why != NULL ? why : "no data");
		wt_text_end(&v.out);
		return WT_ERR_CERT_INVALID;
	}
	if (verify_none) {
		/* Even unverified, the key signs our CertificateVerify: a
		 * keyUsage without digitalSignature forbids that (RFC 8446
		 * 4.4.2.2, RFC 5280 4.2.1.3), as BoringSSL also enforces. */
		if (pc[0].has_ku && !(pc[0].ku & WT_KU_DIGITAL_SIGNATURE)) {
			wt_text_puts(&v.out, "leaf keyUsage does not allow digitalSignature");
			wt_text_end(&v.out);
			return WT_ERR_CERT_INVALID;
		}
		err = copy_key(key, &pc[0].pkey, &why);
		if (err) {
			wt_text_puts(&v.out, why);
		}
		wt_text_end(&v.out);
		return err;
	}
	ok[0] = 1;
	for (i = 1; i < n; i++) {
		ok[i] = chain[i].der != NULL
			&& wt_x509_parse(chain[i].der, chain[i].len, &pc[i], &why) == 0;
		if (!ok[i] && bad++ == 0) {
			first_bad = why;
			first_bad_at = i;
		}
	}
	v.chain = chain;
	v.n = n;
	v.tas = tas;
	v.ta_count = tas != NULL ? ta_count : 0;
	v.pc = pc;
	v.ok = ok;
	v.now = time_unix;
	v.nc_budget = WT_NC_MAX_COMPARISONS;   /* one budget for the whole search */

	err = check_leaf(&v, &pc[0]);
	if (err) {
		wt_text_end(&v.out);
		return err;
	}
	for (i = 0; i < v.ta_count; i++) {
		if (leaf_is_anchor(&pc[0], &tas[i])) {
			break;
		}
	}
	if (i == v.ta_count) {
		int r = search(&v);

		if (r == -2) {
			v.out.len = 0;
			v.out.full = 0;
			wt_text_puts(&v.out, "path search budget exhausted: "
				WT_STR(WT_X509_MAX_SIG_CHECKS)
				" signature checks without reaching a trust anchor");
			wt_text_end(&v.out);
			return WT_ERR_CERT_PATH_BUDGET;
		}
		if (r != 0) {
			if (v.err == 0 && bad > 0) {
				v.err = WT_ERR_CERT_INVALID;
				wt_text_puts(&v.out, "no path to a trust anchor, and presented certificate ");
				wt_text_dec(&v.out, (uint32_t)first_bad_at + 1);
				wt_text_puts(&v.out, " is malformed: ");
				wt_text_puts(&v.out, first_bad != NULL ? first_bad : "no data");
			} else if (v.err == 0) {
				v.err = WT_ERR_CERT_UNKNOWN_CA;
				wt_text_puts(&v.out, "no path to a trust anchor: no trusted or presented issuer for ");
				put_dn(&v.out, pc[0].issuer, pc[0].issuer_len);
				wt_text_puts(&v.out, " verifies (");
				wt_text_dec(&v.out, v.candidates);
				wt_text_puts(&v.out, " candidate issuer(s) tried)");
			}
			wt_text_end(&v.out);
			return v.err;
		}
		v.err = 0;
		v.out.len = 0;
		v.out.full = 0;
	}

	if (host != NULL && *host != 0) {
		err = check_host(&pc[0], host, &why);
		if (err) {
			wt_text_puts(&v.out, why);
			wt_text_end(&v.out);
			return err;
		}
	}
	err = copy_key(key, &pc[0].pkey, &why);
	if (err) {
		wt_text_puts(&v.out, why);
	} else {
		wt_text_puts(&v.out, "ok");
	}
	wt_text_end(&v.out);
	return err;
}

int wt_verify_chain(const wt_peer_cert *chain, size_t n,
	const wt_trust_anchor *tas, size_t ta_count,
	const char *host, int64_t time_unix, int profile, char *reason,
	size_t reason_cap)
{
	wt_leaf_key key;
	int err;

	err = wt_x509_verify(chain, n, tas, ta_count, host, time_unix, profile,
		0, &key, reason, reason_cap);
	wt_wipe(&key, sizeof key);
	return err;
}
/* ------------------------------------------------------------------ */
/* Trust stores from PEM                                                */
/* ------------------------------------------------------------------ */

/* Each certificate's DER is kept whole in ts->buf: the anchor's name and
 * key point into it, and the validator reads its constraints from it. */

void wt_trust_store_init(wt_trust_store *ts, wt_trust_anchor *anchors,
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
	wt_trust_store *ts;
	size_t der_off;          /* where this certificate's DER starts in buf */
	size_t index;            /* certificates seen in this PEM input */
	size_t invalid;          /* ... skipped as malformed */
	int in_cert, in_obj, added, overflow;
	const char *why;         /* reason for a failing add */
};

/* Appends DER bytes to ts->buf; sticky overflow. */
static void ts_der(void *ctx, const void *buf, size_t len)
{
	struct ts_feed *f = ctx;
	wt_trust_store *ts = f->ts;

	if (f->overflow || len > ts->cap - ts->used) {
		f->overflow = 1;
		return;
	}
	memcpy(ts->buf + ts->used, buf, len);
	ts->used += len;
}

/* Why a parsed certificate cannot serve as an anchor (NULL if it can),
 * with *code WT_ERR_CERT_UNSUPPORTED: only the key is judged here; its
 * other properties (validity, constraints, extensions) are checked when a
 * path uses it. */
static const char *ts_unusable(const wt_x509_cert *c, int *code)
{
	unsigned bits;

	*code = WT_ERR_CERT_UNSUPPORTED;
	if (c->pkey.key_type == BR_KEYTYPE_EC) {
		return NULL;
	}
	if (c->pkey.key_type != BR_KEYTYPE_RSA) {
		return "key type not supported (anchors need an RSA key of 2048 to 4096 bits or an ECDSA P-256/P-384/P-521 key; Ed25519, Ed448, RSA-PSS and other curves are not verified)";
	}
	bits = c->rsa_bits;
	if (bits < WT_MIN_RSA_BITS) {
		return "RSA key shorter than 2048 bits";
	}
	if (bits > WT_MAX_RSA_BITS) {
		return "RSA key longer than 4096 bits (the largest BearSSL verifies with)";
	}
	if (bits % 8 != 0) {
		return "RSA key size not a multiple of 8 bits (CA/B Forum BR 6.1.5)";
	}
	return NULL;
}

/* Closes one certificate: an anchor over its DER at buf[der_off..used),
 * or a skip reported to on_skip. Returns 0 (added), 1 (skipped) or a
 * negative error. */
static int ts_finish(struct ts_feed *f)
{
	wt_trust_store *ts = f->ts;
	wt_trust_anchor *ta;
	wt_x509_cert c;
	const char *why;
	int code = WT_ERR_CERT_INVALID, parsed;

	if (f->overflow) {
		f->why = "buffer for anchor certificates is full";
		return -WT_ERR_BUFFER_TOO_SMALL;
	}
	parsed = wt_x509_parse(ts->buf + f->der_off, ts->used - f->der_off, &c, &why) == 0;
	if (parsed) {
		why = ts_unusable(&c, &code);
	}
	if (why != NULL) {
		wt_trust_skip sk;

		sk.index = f->index;
		sk.subject = parsed ? c.subject : NULL;
		sk.subject_len = parsed ? c.subject_len : 0;
		sk.err = code;
		sk.reason = why;
		ts->skipped++;
		if (code == WT_ERR_CERT_INVALID) {
			f->invalid++;
		}
		if (ts->on_skip != NULL) {
			ts->on_skip(ts->skip_ctx, &sk);
		}
		wt_wipe(ts->buf + f->der_off, ts->used - f->der_off);
		ts->used = f->der_off;
		return 1;
	}
	if (ts->count >= ts->max) {
		f->why = "anchor array is full";
		return -WT_ERR_BUFFER_TOO_SMALL;
	}
	ta = &ts->anchors[ts->count];
	memset(ta, 0, sizeof *ta);
	ta->ta.dn.data = (unsigned char *)c.subject;
	ta->ta.dn.len = c.subject_len;
	/* A CA (basicConstraints cA, or a v1 root, which has no extensions
	 * to say so) issues; any other certificate is trusted only as
	 * itself (direct trust, e.g. a pinned self-signed server). */
	ta->ta.flags = (c.ca || c.version == 0) ? BR_X509_TA_CA : 0;
	ta->ta.pkey = c.pkey;
	ta->not_before = c.not_before;
	ta->not_after = c.not_after;
	ta->der = ts->buf + f->der_off;
	ta->der_len = ts->used - f->der_off;
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
			f->der_off = f->ts->used;
			br_pem_decoder_setdest(pc, ts_der, f);
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
	f.ts = ts;
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
