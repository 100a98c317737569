/*
 * Name constraints, RFC 5280 4.2.1.10: the nameConstraints extension of
 * one CA against the names of one certificate below it. The path
 * validator calls wt_nc_valid() when it reads a CA's extension and
 * wt_nc_check() for every (constraining CA, subordinate certificate)
 * pair on a path (src/wt_x509_nc.h).
 *
 * Semantics follow rustls-webpki (src/subject_name/) and Go's
 * crypto/x509 where RFC 5280 leaves room:
 *
 *   - a name must match at least one permitted subtree of its own form
 *     if there is any of that form, and no excluded subtree of its form;
 *     a name of a form no subtree mentions is not affected;
 *   - dNSName: "example.com" is example.com and every name made by
 *     adding labels on the left (whole labels: not "fooexample.com"),
 *     ASCII case-insensitive; "" is every name; a leading dot (Go,
 *     webpki and NSS read ".example.com" as "subdomains only", but RFC
 *     5280 4.2.1.10 gives dNSName constraints no such form, and x509-limbo
 *     rfc5280::nc::invalid-dnsname-leading-period expects a refusal), a
 *     trailing dot or a '*' makes the constraint malformed: we fail
 *     closed;
 *   - a wildcard dNSName "*.D" in a certificate stands for every name
 *     x.D with x one label. It is inside a permitted subtree only if all
 *     of those are (D itself in the subtree), and it is in an excluded
 *     subtree if any of them is (D in the subtree, or the constraint is
 *     one label and then D). That is webpki's answer for excluded
 *     subtrees (excluded "bad.example.com" refuses "*.example.com") and
 *     for permitted "example.com" / "*.example.com" (allowed), and
 *     stricter than webpki in one case: webpki lets permitted
 *     "bad.example.com" allow "*.example.com" (its wildcard label is
 *     compared with the constraint's first label as if it matched it),
 *     which would let a CA constrained to one host issue for all of its
 *     siblings; we refuse it;
 *   - iPAddress: address/mask, v4 names against 8-byte constraints only,
 *     v6 against 32-byte ones (a v4-mapped v6 address is a v6 address);
 *   - directoryName: the constraint's RDNs are the first RDNs of the
 *     name (RFC 5280 7.1). Two RDNs match if they have the same number
 *     of attributes and each of one matches a distinct one of the other;
 *     two attributes if the OIDs are equal and the values are, after
 *     webpki's ASCII reading of RFC 4518 when both are PrintableString,
 *     UTF8String or IA5String (ASCII letters folded to lower case,
 *     leading and trailing white space dropped, inner runs of white
 *     space as one space; other bytes compared as they are), and
 *     otherwise as tag and bytes. An empty subject is not checked (RFC
 *     5280 4.2.1.10: "when the certificate includes a non-empty subject
 *     field");
 *   - rfc822Name: "local@host" is that mailbox (the local part compared
 *     as bytes, the host case-insensitively), "host" every mailbox at
 *     that host, ".domain" every mailbox at a host below the domain, ""
 *     every mailbox. Every character of a local part is literal ('*'
 *     included); a local part holding '@' (a quoted string) is refused.
 *     With check_subject, emailAddress attributes of the subject are
 *     checked too, SAN or not (RFC 5280 asks for it when there is no
 *     SAN; doing it always only refuses more);
 *   - URI, otherName, x400Address, ediPartyName, registeredID: not
 *     checked; a certificate name of such a form is refused when any
 *     subtree (permitted or excluded) has that form (RFC 5280 4.2.1.10:
 *     "process the constraint or reject the certificate"; webpki does
 *     the same for the forms it does not know, critical or not);
 *   - a name of a constrained form that is not well formed (a dNSName
 *     outside the preferred syntax, an rfc822Name that is not one
 *     mailbox, an iPAddress that is not 4 or 16 bytes) is refused: it
 *     cannot be shown to be inside the permitted namespace.
 *
 * Work: one call visits every subtree for every name of a constrained
 * form, and stops after WT_NC_MAX_COMPARISONS work units (webpki's
 * budget; RUSTSEC-2023-0053 is what happens without one): one per visit,
 * which compares at most 253 bytes for DNS names and mailboxes, plus for
 * directory names one per RDN or attribute comparison and per 64 bytes
 * it reads (nc_budget). No malloc, no recursion: every DER walk is a
 * loop over wt_reader cursors (src/codec.c).
 */
#include "wt_internal.h"
#include "wt_x509.h"
#include "wt_x509_nc.h"

/* ------------------------------------------------------------------ */
/* GeneralName (RFC 5280 4.2.1.6)                                       */
/* ------------------------------------------------------------------ */

#define GN_OTHER   0
#define GN_RFC822  1
#define GN_DNS     2
#define GN_X400    3
#define GN_DIR     4
#define GN_EDI     5
#define GN_URI     6
#define GN_IP      7
#define GN_RID     8

static const char *const gn_form_names[9] = {
	"otherName", "rfc822Name", "dNSName", "x400Address", "directoryName",
	"ediPartyName", "uniformResourceIdentifier", "iPAddress", "registeredID"
};

/* Forms we compare; a subtree of any other form refuses every name of
 * that form. */
#define GN_CHECKED ((1u << GN_RFC822) | (1u << GN_DNS) | (1u << GN_DIR) \
	| (1u << GN_IP))

/* One name: its form and value (for directoryName, the Name TLV inside
 * the explicit [4]). */
typedef struct gname {
	int form;
	const uint8_t *p;
	size_t len;
} gname;

/* RFC 4518 and webpki's directory_name.rs: at most 16 attributes per RDN
 * (a bitmap of 16 pairs them up; real names hold one, rarely a few). */
#define NC_MAX_AVAS 16

/* Name ::= SEQUENCE OF RDN; RDN ::= SET SIZE (1..MAX) OF AVA; AVA ::=
 * SEQUENCE { OID, ANY } (RFC 5280 4.1.2.4). r holds exactly the Name
 * TLV. Returns the number of RDNs, or -1. */
static long
name_valid(wt_reader r)
{
	wt_der_elt name;
	long rdns = 0;

	if (wt_der_expect(&r, 0x30, &name) || r.len != 0) {
		return -1;
	}
	while (name.val.len) {
		wt_der_elt rdn;
		int avas = 0;

		if (wt_der_expect(&name.val, 0x31, &rdn) || rdn.val.len == 0) {
			return -1;
		}
		while (rdn.val.len) {
			wt_der_elt ava, type, value;

			if (wt_der_expect(&rdn.val, 0x30, &ava)
				|| wt_der_expect(&ava.val, 0x06, &type) || type.val.len == 0
				|| wt_der_next(&ava.val, &value) || ava.val.len != 0
				|| ++avas > NC_MAX_AVAS)
			{
				return -1;
			}
		}
		rdns++;
	}
	return rdns;
}

static int
ia5(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] >= 0x80) {
			return 0;
		}
	}
	return 1;
}

/* The structure of one GeneralName: context-specific tag 0..8 with the
 * constructed bit its type needs (the tags are IMPLICIT except
 * directoryName, a CHOICE, hence explicit, X.680 31.2.7); IA5String
 * forms are ASCII; directoryName holds one well-formed Name; otherName
 * is an OID and an explicit [0] value; registeredID a non-empty OID. The
 * syntax of the value itself is checked where it matters (constraint_ok,
 * name_ok). */
static int
gn_parse(const wt_der_elt *e, gname *g)
{
	int form = e->tag & 0x1f;
	int cons = (e->tag & 0x20) != 0;
	int want_cons;
	wt_reader r = e->val;
	wt_der_elt a, b;

	if ((e->tag & 0xc0) != 0x80 || form > GN_RID) {
		return -1;
	}
	want_cons = form == GN_OTHER || form == GN_X400 || form == GN_DIR
		|| form == GN_EDI;
	if (cons != want_cons) {
		return -1;
	}
	g->form = form;
	g->p = e->val.p;
	g->len = e->val.len;
	switch (form) {
	case GN_RFC822:
	case GN_DNS:
	case GN_URI:
		return ia5(g->p, g->len) ? 0 : -1;
	case GN_DIR:
		if (wt_der_expect(&r, 0x30, &a) || r.len != 0) {
			return -1;
		}
		wt_rd_init(&r, a.tlv, a.tlv_len);
		if (name_valid(r) < 0) {
			return -1;
		}
		g->p = a.tlv;
		g->len = a.tlv_len;
		return 0;
	case GN_OTHER:
		if (wt_der_expect(&r, 0x06, &a) || a.val.len == 0
			|| wt_der_expect(&r, 0xa0, &b) || r.len != 0)
		{
			return -1;
		}
		return 0;
	case GN_RID:
		return g->len ? 0 : -1;
	default:
		/* x400Address, ediPartyName: never looked into */
		return 0;
	}
}

/* ------------------------------------------------------------------ */
/* Syntax of DNS names and mailboxes                                    */
/* ------------------------------------------------------------------ */

#define DNS_CONSTRAINT 1     /* "" allowed */
#define DNS_WILDCARD   2     /* a "*." first label allowed */

/* RFC 5280 4.2.1.6: the RFC 1034 3.5 preferred syntax as RFC 1123 2.1
 * relaxes it, plus '_' (webpki, Mozilla bug 1136616): labels of 1..63
 * letters, digits, '-' and '_', not starting or ending with '-'; at most
 * 253 bytes; no trailing dot (absolute names are for reference
 * identifiers only); the last label not all digits. A wildcard is a
 * whole first label "*" with at least two labels after it (webpki, as
 * NSS). */
static int
dns_ok(const uint8_t *p, size_t n, int flags)
{
	size_t i = 0, label = 0, labels = 0;
	int digits = 1, wild = 0;

	if (n > 253) {
		return 0;
	}
	if (n == 0) {
		return (flags & DNS_CONSTRAINT) != 0;
	}
	if ((flags & DNS_WILDCARD) && p[0] == '*') {
		if (n < 2 || p[1] != '.') {
			return 0;
		}
		wild = 1;
		i = 2;
	}
	if (i == n) {
		return 0;
	}
	for (; i < n; i++) {
		uint8_t c = p[i];

		if (c == '.') {
			if (label == 0 || p[i - 1] == '-') {
				return 0;
			}
			labels++;
			label = 0;
			digits = 1;
			continue;
		}
		if (c == '-') {
			if (label == 0) {
				return 0;
			}
		} else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
			|| (c >= '0' && c <= '9') || c == '_'))
		{
			return 0;
		}
		if (c < '0' || c > '9') {
			digits = 0;
		}
		if (++label > 63) {
			return 0;
		}
	}
	if (label == 0 || p[n - 1] == '-' || digits) {
		return 0;
	}
	labels++;
	return !wild || labels >= 2;
}

/* A mailbox local@host (RFC 5280 4.2.1.6 refers to RFC 5321 4.1.2):
 * exactly one '@', a non-empty local part of printable ASCII, the host a
 * DNS name. Quoted local parts that hold '@' or spaces are refused (fail
 * closed: we would have to parse them to compare them). Returns the
 * position of '@', or 0 if not a mailbox. */
static size_t
mailbox_ok(const uint8_t *p, size_t n)
{
	size_t i, at = 0;

	for (i = 0; i < n; i++) {
		if (p[i] <= 0x20 || p[i] >= 0x7f) {
			return 0;
		}
		if (p[i] == '@') {
			if (at != 0 || i == 0) {
				return 0;
			}
			at = i;
		}
	}
	if (at == 0 || !dns_ok(p + at + 1, n - at - 1, 0)) {
		return 0;
	}
	return at;
}

/* A netmask is some 1 bits then only 0 bits (RFC 4632 CIDR form, which
 * RFC 5280 4.2.1.10 requires). */
static int
mask_ok(const uint8_t *m, size_t n)
{
	size_t i;
	int zeros = 0;

	for (i = 0; i < n; i++) {
		uint8_t b = m[i];

		if (zeros) {
			if (b != 0) {
				return 0;
			}
		} else if (b != 0xff) {
			/* the first byte that is not all ones: ones then zeros,
			 * so its complement is 2^k - 1 */
			uint8_t nb = (uint8_t)~b;

			if ((nb & (uint8_t)(nb + 1)) != 0) {
				return 0;
			}
			zeros = 1;
		}
	}
	return 1;
}

/* The value of one constraint (wt_nc_valid). */
static int
constraint_ok(const gname *g)
{
	switch (g->form) {
	case GN_DNS:
		return dns_ok(g->p, g->len, DNS_CONSTRAINT);
	case GN_RFC822:
		if (g->len == 0) {
			return 1;
		}
		if (memchr(g->p, '@', g->len) != NULL) {
			return mailbox_ok(g->p, g->len) != 0;
		}
		if (g->p[0] == '.') {
			return dns_ok(g->p + 1, g->len - 1, 0);
		}
		return dns_ok(g->p, g->len, 0);
	case GN_IP:
		if (g->len != 8 && g->len != 32) {
			return 0;
		}
		return mask_ok(g->p + g->len / 2, g->len / 2);
	default:
		return 1;
	}
}

/* One GeneralSubtree: { base, minimum [0] 0 at most, no maximum [1] }
 * (RFC 5280 4.2.1.10: "the minimum MUST be zero, and maximum MUST be
 * absent"; DER forbids encoding the DEFAULT 0, but we let it by). */
static int
subtree_next(wt_reader *list, gname *g)
{
	wt_der_elt st, base, min;

	if (wt_der_expect(list, 0x30, &st) || wt_der_next(&st.val, &base)
		|| gn_parse(&base, g))
	{
		return -1;
	}
	if (st.val.len != 0) {
		if (wt_der_expect(&st.val, 0x80, &min) || min.val.len != 1
			|| min.val.p[0] != 0)
		{
			return -1;
		}
	}
	return st.val.len == 0 ? 0 : -1;
}

/* Splits NameConstraints into the contents of its two lists (len 0 when
 * absent); *forms gets a bit per GeneralName form used. */
static int
nc_open(const uint8_t *nc, size_t nc_len, wt_reader *perm, wt_reader *excl,
	unsigned *forms)
{
	wt_reader r, lists[2];
	wt_der_elt seq, e;
	int i;

	if (nc == NULL) {
		return -1;
	}
	wt_rd_init(&r, nc, nc_len);
	if (wt_der_expect(&r, 0x30, &seq) || r.len != 0) {
		return -1;
	}
	wt_rd_init(&lists[0], NULL, 0);
	wt_rd_init(&lists[1], NULL, 0);
	for (i = 0; i < 2; i++) {
		if (seq.val.len && seq.val.p[0] == (uint8_t)(0xa0 + i)) {
			if (wt_der_next(&seq.val, &e) || e.val.len == 0) {
				return -1;   /* GeneralSubtrees is SIZE (1..MAX) */
			}
			lists[i] = e.val;
		}
	}
	if (seq.val.len != 0 || (lists[0].len == 0 && lists[1].len == 0)) {
		/* RFC 5280 4.2.1.10: "Conforming CAs MUST NOT issue certificates
		 * where name constraints is an empty sequence" */
		return -1;
	}
	*forms = 0;
	for (i = 0; i < 2; i++) {
		wt_reader l = lists[i];

		while (l.len) {
			gname g;

			if (subtree_next(&l, &g) || !constraint_ok(&g)) {
				return -1;
			}
			*forms |= 1u << g.form;
		}
	}
	*perm = lists[0];
	*excl = lists[1];
	return 0;
}

int
wt_nc_valid(const uint8_t *nc, size_t nc_len)
{
	wt_reader perm, excl;
	unsigned forms;

	return nc_open(nc, nc_len, &perm, &excl, &forms);
}

/* ------------------------------------------------------------------ */
/* Matching                                                              */
/* ------------------------------------------------------------------ */

static int
lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static int
eq_nocase(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (lower(a[i]) != lower(b[i])) {
			return 0;
		}
	}
	return 1;
}

/* A (non-wildcard) DNS name inside the subtree of constraint c: RFC 5280
 * 4.2.1.10, "any DNS name that can be constructed by simply adding zero
 * or more labels to the left-hand side". */
static int
dns_in(const uint8_t *n, size_t nl, const uint8_t *c, size_t cl)
{
	if (cl == 0) {
		return 1;
	}
	if (nl == cl) {
		return eq_nocase(n, c, cl);
	}
	return nl > cl && n[nl - cl - 1] == '.' && eq_nocase(n + nl - cl, c, cl);
}

/* A certificate dNSName (maybe "*.D") against constraint c. For a
 * wildcard: permitted asks that every x.D be in the subtree, excluded
 * that none be (see the top of this file). */
static int
dns_match(const uint8_t *n, size_t nl, const uint8_t *c, size_t cl,
	int excluded)
{
	const uint8_t *d;
	size_t dl;

	if (nl < 2 || n[0] != '*') {
		return dns_in(n, nl, c, cl);
	}
	d = n + 2;
	dl = nl - 2;
	if (cl == 0) {
		return 1;
	}
	if (dns_in(d, dl, c, cl)) {
		return 1;
	}
	/* c = "label.D" is one of the x.D: only the excluded side cares */
	return excluded && cl > dl + 1 && c[cl - dl - 1] == '.'
		&& eq_nocase(c + cl - dl, d, dl)
		&& memchr(c, '.', cl - dl - 1) == NULL;
}

/* A mailbox (at = position of its '@') against an rfc822Name constraint
 * (RFC 5280 4.2.1.10). The local part is compared as bytes: RFC 5321
 * 2.4 lets hosts treat it as case-sensitive. */
static int
mail_match(const uint8_t *m, size_t ml, size_t at, const uint8_t *c,
	size_t cl)
{
	const uint8_t *host = m + at + 1, *cat;
	size_t hl = ml - at - 1;

	if (cl == 0) {
		return 1;
	}
	cat = memchr(c, '@', cl);
	if (cat != NULL) {
		size_t cal = (size_t)(cat - c);

		return cal == at && memcmp(m, c, at) == 0 && cl - cal - 1 == hl
			&& eq_nocase(host, cat + 1, hl);
	}
	if (c[0] == '.') {
		return hl > cl && eq_nocase(host + hl - cl, c, cl);
	}
	return hl == cl && eq_nocase(host, c, cl);
}

/* An address (4 or 16 bytes) against address/mask (8 or 32). Bits of the
 * constraint's address outside the mask are ignored. */
static int
ip_match(const uint8_t *a, size_t al, const uint8_t *c, size_t cl)
{
	size_t i;

	if (cl != 2 * al) {
		return 0;   /* v4 against v6 or the reverse */
	}
	for (i = 0; i < al; i++) {
		if (((a[i] ^ c[i]) & c[al + i]) != 0) {
			return 0;
		}
	}
	return 1;
}

/* Work units left in one wt_nc_check call: one per (name, subtree)
 * visit, as webpki counts, and for directory names one more per RDN and
 * attribute comparison and per 64 bytes these read, so that no single
 * visit is expensive (16 x 16 attribute pairs of a few KiB each would
 * be, unbudgeted). Once spent, every comparison answers "no match" and
 * the caller refuses. */
typedef struct nc_budget {
	unsigned long left;
	int over;
} nc_budget;

static int
spend(nc_budget *b, size_t units)
{
	if (b->over || units > b->left) {
		b->over = 1;
		b->left = 0;
		return -1;
	}
	b->left -= units;
	return 0;
}

/* A string value of a directory attribute, read as webpki reads RFC 4518
 * for ASCII: lower case, no leading or trailing white space, inner runs
 * of it as one space. */
typedef struct nstr {
	const uint8_t *p;
	size_t n, i;
	int started;
} nstr;

static int
is_ws(uint8_t c)
{
	return c == ' ' || (c >= 0x09 && c <= 0x0d);
}

static int
nstr_next(nstr *s)
{
	int ws = 0;

	while (s->i < s->n && is_ws(s->p[s->i])) {
		s->i++;
		ws = 1;
	}
	if (s->i == s->n) {
		return -1;
	}
	if (ws && s->started) {
		return ' ';   /* the next call returns the character after */
	}
	s->started = 1;
	return lower(s->p[s->i++]);
}

static int
is_str_tag(uint8_t t)
{
	return t == 0x0c || t == 0x13 || t == 0x16;   /* UTF8, Printable, IA5 */
}

/* Two AVA SEQUENCE contents (already well formed). */
static int
ava_match(nc_budget *bu, wt_reader a, wt_reader b)
{
	wt_der_elt at, av, bt, bv;
	nstr x, y;

	if (spend(bu, 1 + (a.len + b.len) / 64) || wt_der_next(&a, &at) || wt_der_next(&a, &av) || wt_der_next(&b, &bt)
		|| wt_der_next(&b, &bv))
	{
		return 0;
	}
	if (at.val.len != bt.val.len
		|| memcmp(at.val.p, bt.val.p, at.val.len) != 0)
	{
		return 0;
	}
	if (!is_str_tag(av.tag) || !is_str_tag(bv.tag)) {
		return av.tag == bv.tag && av.val.len == bv.val.len
			&& memcmp(av.val.p, bv.val.p, av.val.len) == 0;
	}
	x.p = av.val.p;
	x.n = av.val.len;
	y.p = bv.val.p;
	y.n = bv.val.len;
	x.i = y.i = 0;
	x.started = y.started = 0;
	for (;;) {
		int cx = nstr_next(&x), cy = nstr_next(&y);

		if (cx != cy) {
			return 0;
		}
		if (cx < 0) {
			return 1;
		}
	}
}

/* RFC 5280 7.1: same number of attributes, and each attribute of a
 * matches a distinct attribute of b. */
static int
rdn_match(nc_budget *bu, wt_reader a, wt_reader b)
{
	wt_der_elt av[NC_MAX_AVAS], bv[NC_MAX_AVAS];
	size_t an = 0, bn = 0, i, j;
	unsigned used = 0;

	if (spend(bu, 1 + (a.len + b.len) / 64)) {
		return 0;
	}

	while (a.len) {
		if (an == NC_MAX_AVAS || wt_der_next(&a, &av[an])) {
			return 0;
		}
		an++;
	}
	while (b.len) {
		if (bn == NC_MAX_AVAS || wt_der_next(&b, &bv[bn])) {
			return 0;
		}
		bn++;
	}
	if (an != bn) {
		return 0;
	}
	for (i = 0; i < an; i++) {
		for (j = 0; j < bn; j++) {
			if (!(used & (1u << j)) && ava_match(bu, av[i].val, bv[j].val)) {
				used |= 1u << j;
				break;
			}
		}
		if (j == bn) {
			return 0;
		}
	}
	return 1;
}

/* The Name TLV n is within the subtree of the Name TLV c: c's RDNs are
 * n's first RDNs (RFC 5280 7.1). An empty c matches every name. */
static int
dn_match(nc_budget *bu, const uint8_t *n, size_t nl, const uint8_t *c,
	size_t cl)
{
	wt_reader rn, rc;
	wt_der_elt sn, sc;

	wt_rd_init(&rn, n, nl);
	wt_rd_init(&rc, c, cl);
	if (wt_der_next(&rn, &sn) || wt_der_next(&rc, &sc)) {
		return 0;
	}
	while (sc.val.len) {
		wt_der_elt a, b;

		if (sn.val.len == 0 || wt_der_next(&sn.val, &a)
			|| wt_der_next(&sc.val, &b) || !rdn_match(bu, a.val, b.val))
		{
			return 0;
		}
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* Reasons                                                               */
/* ------------------------------------------------------------------ */





static void
rs_hex(wt_text *o, unsigned v, int pad)
{
	static const char hx[] = "0123456789abcdef";
	int shift;
	int seen = pad;

	for (shift = 12; shift >= 0; shift -= 4) {
		unsigned d = (v >> shift) & 15;

		if (d || seen || shift == 0) {
			wt_text_putc(o, hx[d]);
			seen = 1;
		}
	}
}

/* Peer text: printable ASCII as it is, anything else as \xNN, at most 64
 * bytes shown. */
static void
rs_text(wt_text *o, const uint8_t *p, size_t n)
{
	size_t i;

	if (n == 0) {
		wt_text_puts(o, "\"\"");
		return;
	}
	for (i = 0; i < n && i < 64; i++) {
		if (p[i] > 0x20 && p[i] < 0x7f && p[i] != '\\') {
			wt_text_putc(o, (char)p[i]);
		} else {
			wt_text_puts(o, "\\x");
			wt_text_putc(o, "0123456789abcdef"[p[i] >> 4]);
			wt_text_putc(o, "0123456789abcdef"[p[i] & 15]);
		}
	}
	if (i < n) {
		wt_text_puts(o, "...");
	}
}

/* RFC 5952 text for an IPv6 address: the longest run of two or more zero
 * groups as "::". */
static void
rs_ipv6(wt_text *o, const uint8_t *a)
{
	unsigned g[8];
	int i, best = -1, bestn = 1, run = 0;

	for (i = 0; i < 8; i++) {
		g[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	}
	for (i = 0; i < 8; i++) {
		run = g[i] == 0 ? run + 1 : 0;
		if (run > bestn) {
			bestn = run;
			best = i - run + 1;
		}
	}
	for (i = 0; i < 8; i++) {
		if (i == best) {
			wt_text_puts(o, "::");
			i += bestn - 1;
			continue;
		}
		if (i > 0 && i != best + bestn) {
			wt_text_putc(o, ':');
		}
		rs_hex(o, g[i], 0);
	}
}

static void
rs_ip(wt_text *o, const uint8_t *a, size_t n)
{
	size_t i;

	if (n == 4) {
		for (i = 0; i < 4; i++) {
			if (i) {
				wt_text_putc(o, '.');
			}
			wt_text_dec(o, a[i]);
		}
	} else if (n == 16) {
		rs_ipv6(o, a);
	} else {
		wt_text_puts(o, "(");
		wt_text_dec(o, (unsigned)n);
		wt_text_puts(o, " bytes)");
	}
}

/* A name of form g->form, as a constraint (cons) or a certificate name. */
static void
rs_name(wt_text *o, const gname *g, int cons)
{
	char dn[96];
	size_t i;
	unsigned bits = 0;

	switch (g->form) {
	case GN_IP:
		if (cons && (g->len == 8 || g->len == 32)) {
			rs_ip(o, g->p, g->len / 2);
			for (i = g->len / 2; i < g->len; i++) {
				uint8_t b = g->p[i];

				while (b & 0x80) {
					bits++;
					b = (uint8_t)(b << 1);
				}
			}
			wt_text_putc(o, '/');
			wt_text_dec(o, bits);
		} else {
			rs_ip(o, g->p, g->len);
		}
		break;
	case GN_DIR:
		if (g->len == 2) {
			wt_text_puts(o, "(empty name)");
		} else {
			wt_text_puts(o, wt_dn_format(g->p, g->len, dn, sizeof dn));
		}
		break;
	default:
		rs_text(o, g->p, g->len);
		break;
	}
}

static int
rs_done(wt_text *o)
{
	wt_text_end(o);
	return -1;
}

static int
refuse(wt_text *o, const char *msg)
{
	wt_text_puts(o, msg);
	return rs_done(o);
}

/* ------------------------------------------------------------------ */
/* The check                                                             */
/* ------------------------------------------------------------------ */

typedef struct nc_ctx {
	wt_reader perm, excl;
	unsigned forms;
	nc_budget budget;
	wt_text out;
} nc_ctx;

static const char *
label_of(int form, int from_subject)
{
	switch (form) {
	case GN_DNS:
		return "DNS name ";
	case GN_RFC822:
		return from_subject ? "emailAddress in the subject " : "email address ";
	case GN_IP:
		return "IP address ";
	case GN_DIR:
		return from_subject ? "subject " : "directory name ";
	default:
		return "name ";
	}
}

/* Whether certificate name n (well formed, at = '@' of a mailbox) is in
 * the subtree of constraint c (same form). */
static int
name_match(nc_budget *bu, const gname *n, size_t at, const gname *c,
	int excluded)
{
	switch (n->form) {
	case GN_DNS:
		return dns_match(n->p, n->len, c->p, c->len, excluded);
	case GN_RFC822:
		return mail_match(n->p, n->len, at, c->p, c->len);
	case GN_IP:
		return ip_match(n->p, n->len, c->p, c->len);
	case GN_DIR:
		return dn_match(bu, n->p, n->len, c->p, c->len);
	default:
		return 0;
	}
}

static int
over_budget(wt_text *o)
{
	wt_text_puts(o, "too many name constraint comparisons (over ");
	wt_text_dec(o, WT_NC_MAX_COMPARISONS);
	wt_text_puts(o, " for one certificate)");
	return rs_done(o);
}

/* One certificate name against every subtree of its form. */
static int
check_name(nc_ctx *x, const gname *n, int from_subject)
{
	wt_text *o = &x->out;
	size_t at = 0;
	int list;

	if (!(x->forms & (1u << n->form))) {
		return 0;    /* no constraint on this form */
	}
	if (!(GN_CHECKED & (1u << n->form))) {
		wt_text_puts(o, "the constraint has a name form we do not check (");
		wt_text_puts(o, gn_form_names[n->form]);
		wt_text_puts(o, "), so every name of that form is refused");
		return rs_done(o);
	}
	switch (n->form) {
	case GN_DNS:
		if (!dns_ok(n->p, n->len, DNS_WILDCARD)) {
			wt_text_puts(o, "malformed DNS name ");
			rs_text(o, n->p, n->len);
			wt_text_puts(o, " under a name constraint on DNS names");
			return rs_done(o);
		}
		break;
	case GN_RFC822:
		at = mailbox_ok(n->p, n->len);
		if (at == 0) {
			wt_text_puts(o, "malformed email address ");
			rs_text(o, n->p, n->len);
			wt_text_puts(o, " under a name constraint on email addresses");
			return rs_done(o);
		}
		break;
	case GN_IP:
		if (n->len != 4 && n->len != 16) {
			wt_text_puts(o, "malformed IP address (");
			wt_text_dec(o, (unsigned)n->len);
			wt_text_puts(o, " bytes) under a name constraint on IP addresses");
			return rs_done(o);
		}
		break;
	default:
		break;
	}
	for (list = 0; list < 2; list++) {
		wt_reader l = list ? x->excl : x->perm;
		int seen = 0, matched = 0;

		while (l.len && !matched) {
			gname c;
			size_t before = l.len;

			if (subtree_next(&l, &c)) {
				return refuse(o, "malformed name constraints");
			}
			/* one unit per visit, and one per 64 bytes the visit
			 * parsed (a subtree is re-read on every visit) */
			if (spend(&x->budget, 1 + (before - l.len) / 64)) {
				return over_budget(o);
			}
			if (c.form != n->form) {
				continue;
			}
			seen = 1;
			matched = name_match(&x->budget, n, at, &c, list);
			if (x->budget.over) {
				return over_budget(o);
			}
			if (matched && list == 1) {
				wt_text_puts(o, label_of(n->form, from_subject));
				rs_name(o, n, 0);
				wt_text_puts(o, " is in the excluded subtree ");
				rs_name(o, &c, 1);
				return rs_done(o);
			}
		}
		if (list == 0 && seen && !matched) {
			/* name the permitted subtrees of this form */
			int first = 1;

			wt_text_puts(o, label_of(n->form, from_subject));
			rs_name(o, n, 0);
			wt_text_puts(o, " is outside the permitted subtrees (");
			l = x->perm;
			while (l.len && !o->full) {
				gname c;

				if (subtree_next(&l, &c)) {
					break;
				}
				if (c.form == n->form) {
					if (!first) {
						wt_text_puts(o, ", ");
					}
					rs_name(o, &c, 1);
					first = 0;
				}
			}
			wt_text_putc(o, ')');
			return rs_done(o);
		}
	}
	return 0;
}

/* PKCS #9 emailAddress, 1.2.840.113549.1.9.1 */
static const uint8_t oid_email[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01
};

/* The subject as a directoryName and its emailAddress attributes as
 * rfc822Names (RFC 5280 4.2.1.10). */
static int
check_subject_dn(nc_ctx *x, const uint8_t *subject, size_t len)
{
	wt_reader r;
	wt_der_elt name;
	gname g;
	long rdns;

	wt_rd_init(&r, subject, len);
	rdns = subject != NULL ? name_valid(r) : -1;
	if (rdns < 0) {
		return refuse(&x->out, "malformed subject name");
	}
	if (rdns == 0) {
		return 0;    /* "when the certificate includes a non-empty subject" */
	}
	g.form = GN_DIR;
	g.p = subject;
	g.len = len;
	if (check_name(x, &g, 1)) {
		return -1;
	}
	if (!(x->forms & (1u << GN_RFC822))) {
		return 0;
	}
	(void)wt_der_next(&r, &name);
	while (name.val.len) {
		wt_der_elt rdn;

		(void)wt_der_next(&name.val, &rdn);
		while (rdn.val.len) {
			wt_der_elt ava, type, value;

			(void)wt_der_next(&rdn.val, &ava);
			(void)wt_der_next(&ava.val, &type);
			(void)wt_der_next(&ava.val, &value);
			if (type.val.len != sizeof oid_email
				|| memcmp(type.val.p, oid_email, sizeof oid_email) != 0)
			{
				continue;
			}
			if (value.tag != 0x16) {
				return refuse(&x->out, "emailAddress in the subject is not an IA5String");
			}
			g.form = GN_RFC822;
			g.p = value.val.p;
			g.len = value.val.len;
			if (check_name(x, &g, 1)) {
				return -1;
			}
		}
	}
	return 0;
}

/* wt_nc_check's work once x (reason buffer, budget) is set up. */
static int
nc_check(nc_ctx *x, const uint8_t *nc, size_t nc_len,
	const uint8_t *subject, size_t subject_len,
	const uint8_t *san, size_t san_len, int check_subject)
{
	if (nc_open(nc, nc_len, &x->perm, &x->excl, &x->forms)) {
		return refuse(&x->out, "malformed name constraints");
	}
	if (san != NULL) {
		wt_reader r;
		wt_der_elt seq;

		/* GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName */
		wt_rd_init(&r, san, san_len);
		if (wt_der_expect(&r, 0x30, &seq) || r.len != 0 || seq.val.len == 0) {
			return refuse(&x->out, "malformed subjectAltName");
		}
		while (seq.val.len) {
			wt_der_elt e;
			gname g;

			if (wt_der_next(&seq.val, &e) || gn_parse(&e, &g)) {
				return refuse(&x->out, "malformed subjectAltName");
			}
			if (check_name(x, &g, 0)) {
				return -1;
			}
		}
	}
	if (check_subject && check_subject_dn(x, subject, subject_len)) {
		return -1;
	}
	return 0;
}

int
wt_nc_check(const uint8_t *nc, size_t nc_len,
	const uint8_t *subject, size_t subject_len,
	const uint8_t *san, size_t san_len, int check_subject,
	unsigned long *budget, char *reason, size_t cap)
{
	nc_ctx x;
	int r;

	x.out.p = reason;
	x.out.cap = reason != NULL ? cap : 0;
	x.out.len = 0;
	x.out.full = 0;
	x.budget.left = budget != NULL ? *budget : WT_NC_MAX_COMPARISONS;
	x.budget.over = 0;
	if (x.out.cap) {
		reason[0] = 0;
	}
	r = nc_check(&x, nc, nc_len, subject, subject_len, san, san_len, check_subject);
	if (budget != NULL) {
		*budget = x.budget.left;
	}
	return r;
}
