/*
 * Client authentication material: PEM chains and private keys parsed into
 * caller memory, and TLS 1.3 signatures (RFC 8446 4.4.3) with them.
 * BearSSL 0.6 has no RSA-PSS, so EMSA-PSS-ENCODE (RFC 8017 9.1.1) is
 * written here on br_rsa_private.
 */
#include "wt_internal.h"
#include "wt_ec.h"
#include "wt_x509.h"

/* Decodes each PEM object's DER to buf (kept, or reused when keep is 0)
 * and hands it to on_object. Returns 0, or WT_ERR_BAD_CONFIG /
 * WT_ERR_BUFFER_TOO_SMALL / on_object's error. */
typedef int (*pem_object_fn)(void *ctx, const char *name, const uint8_t *der, size_t len);

struct pem_walk {
	uint8_t *buf;
	size_t cap, start, used;
	int overflow, keep, in_object;
	char name[128];
	pem_object_fn fn;
	void *ctx;
};

static void pem_write(void *ctx, const void *data, size_t len)
{
	struct pem_walk *w = ctx;

	if (w->overflow || len > w->cap - w->used) {
		w->overflow = 1;
		return;
	}
	memcpy(w->buf + w->used, data, len);
	w->used += len;
}

static int pem_event(void *ctx, br_pem_decoder_context *pc, int event)
{
	struct pem_walk *w = ctx;

	switch (event) {
	case BR_PEM_BEGIN_OBJ: {
		const char *nm = br_pem_decoder_name(pc);
		size_t nl = strlen(nm) < sizeof w->name - 1 ? strlen(nm) : sizeof w->name - 1;

		memcpy(w->name, nm, nl);
		w->name[nl] = 0;
		w->start = w->used;
		w->in_object = 1;
		br_pem_decoder_setdest(pc, pem_write, w);
		return 0;
	}
	case BR_PEM_END_OBJ: {
		int err;

		w->in_object = 0;
		if (w->overflow) {
			return WT_ERR_BUFFER_TOO_SMALL;
		}
		err = w->fn(w->ctx, w->name, w->buf + w->start, w->used - w->start);
		if (!w->keep) {
			w->used = w->start;
		}
		return err;
	}
	default:
		return WT_ERR_BAD_CONFIG;
	}
}

static int pem_walk(const char *pem, size_t len, uint8_t *buf, size_t cap,
	int keep, pem_object_fn fn, void *ctx)
{
	br_pem_decoder_context pc;
	struct pem_walk w;
	int err;

	memset(&w, 0, sizeof w);
	w.buf = buf;
	w.cap = cap;
	w.keep = keep;
	w.fn = fn;
	w.ctx = ctx;
	err = wt_pem_feed(&pc, pem, len, pem_event, &w);
	/* The decoder's own buffer held decoded bytes of the object: for a
	 * private key, secret ones. */
	wt_wipe(&pc, sizeof pc);
	if (err == 0 && w.in_object) {
		err = WT_ERR_BAD_CONFIG;   /* truncated: BEGIN without END */
	}
	return err;
}

struct chain_ctx {
	wt_peer_cert *chain;
	size_t max, count;
};

static int on_cert(void *ctx, const char *name, const uint8_t *der, size_t len)
{
	struct chain_ctx *c = ctx;

	if (strcmp(name, "CERTIFICATE") != 0 && strcmp(name, "X509 CERTIFICATE") != 0) {
		return 0;
	}
	if (c->count == c->max) {
		return WT_ERR_BUFFER_TOO_SMALL;
	}
	c->chain[c->count].der = der;
	c->chain[c->count].len = len;
	c->count++;
	return 0;
}

int wt_cert_chain_parse_pem(wt_peer_cert *chain, size_t max, const char *pem,
	size_t len, uint8_t *buf, size_t cap)
{
	struct chain_ctx c = { chain, max, 0 };
	int err = pem_walk(pem, len, buf, cap, 1, on_cert, &c);

	if (err) {
		return -err;
	}
	return c.count ? (int)c.count : -WT_ERR_BAD_CONFIG;
}

struct key_ctx {
	wt_private_key *key;
	uint8_t *out;        /* where key components are copied */
	size_t cap, used;
	int found;
	int err;
};

static uint8_t *key_put(struct key_ctx *k, const uint8_t *p, size_t len)
{
	uint8_t *dst;

	if (len > k->cap - k->used) {
		k->err = WT_ERR_BUFFER_TOO_SMALL;
		return NULL;
	}
	dst = k->out + k->used;
	memcpy(dst, p, len);
	k->used += len;
	return dst;
}

static int on_key(void *ctx, const char *name, const uint8_t *der, size_t len)
{
	struct key_ctx *k = ctx;
	wt_private_key *key = k->key;
	br_skey_decoder_context dc;

	if (strcmp(name, "EC PRIVATE KEY") != 0 && strcmp(name, "RSA PRIVATE KEY") != 0
		&& strcmp(name, "PRIVATE KEY") != 0)
	{
		return 0;
	}
	if (k->found) {
		return WT_ERR_BAD_CONFIG;   /* more than one key */
	}
	br_skey_decoder_init(&dc);
	br_skey_decoder_push(&dc, der, len);
	if (br_skey_decoder_last_error(&dc) != 0) {
		wt_wipe(&dc, sizeof dc);
		return WT_ERR_BAD_CONFIG;
	}
	k->found = 1;
	if (br_skey_decoder_key_type(&dc) == BR_KEYTYPE_EC) {
		const br_ec_private_key *ek = br_skey_decoder_get_ec(&dc);

		if (ek->curve != BR_EC_secp256r1 && ek->curve != BR_EC_secp384r1
			&& ek->curve != BR_EC_secp521r1)
		{
			k->err = WT_ERR_BAD_CONFIG;
		} else {
			key->type = BR_KEYTYPE_EC;
			key->ec.curve = ek->curve;
			key->ec.xlen = ek->xlen;
			key->ec.x = key_put(k, ek->x, ek->xlen);
		}
	} else {
		const br_rsa_private_key *rk = br_skey_decoder_get_rsa(&dc);

		if (rk->n_bitlen < 2048 || rk->n_bitlen > 4096) {
			k->err = WT_ERR_BAD_CONFIG;
		} else {
			key->type = BR_KEYTYPE_RSA;
			key->rsa.n_bitlen = rk->n_bitlen;
			key->rsa.plen = rk->plen;
			key->rsa.p = key_put(k, rk->p, rk->plen);
			key->rsa.qlen = rk->qlen;
			key->rsa.q = key_put(k, rk->q, rk->qlen);
			key->rsa.dplen = rk->dplen;
			key->rsa.dp = key_put(k, rk->dp, rk->dplen);
			key->rsa.dqlen = rk->dqlen;
			key->rsa.dq = key_put(k, rk->dq, rk->dqlen);
			key->rsa.iqlen = rk->iqlen;
			key->rsa.iq = key_put(k, rk->iq, rk->iqlen);
		}
	}
	wt_wipe(&dc, sizeof dc);
	return k->err;
}

int wt_private_key_parse_pem(wt_private_key *key, const char *pem, size_t len,
	uint8_t *buf, size_t cap)
{
	/* PEM bodies are decoded into the second half of buf (then wiped);
	 * the key components are copied to the first half. */
	struct key_ctx k;
	size_t half = cap / 2;
	int err;

	memset(&k, 0, sizeof k);
	memset(key, 0, sizeof *key);
	k.key = key;
	k.out = buf;
	k.cap = half;
	err = pem_walk(pem, len, buf + half, cap - half, 0, on_key, &k);
	wt_wipe(buf + half, cap - half);
	if (err || !k.found || k.err) {
		wt_wipe(buf, cap);
		memset(key, 0, sizeof *key);
		return WT_ERR_BAD_CONFIG;
	}
	return 0;
}

/* The leaf certificate must carry the public half of the key: otherwise
 * every CertificateVerify fails at the server with a confusing alert
 * (Go's tls.X509KeyPair refuses such a pair up front too). */
int wt_client_cert_check(const wt_client_cert *cert)
{
	wt_x509_cert leaf;
	const br_x509_pkey *pk = &leaf.pkey;
	const char *why;
	uint8_t buf[512];
	int ok = 0;

	if (cert->chain_len == 0 || cert->chain == NULL
		|| wt_x509_parse(cert->chain[0].der, cert->chain[0].len, &leaf, &why) != 0) {
		return WT_ERR_BAD_CONFIG;
	}
	if (cert->key.type == BR_KEYTYPE_EC && pk->key_type == BR_KEYTYPE_EC) {
		br_ec_public_key pub;
		size_t n = br_ec_compute_pub(wt_ec_impl(), &pub, buf, &cert->key.ec);

		ok = n > 0 && pk->key.ec.curve == cert->key.ec.curve
			&& pk->key.ec.qlen == n && memcmp(pk->key.ec.q, buf, n) == 0;
	} else if (cert->key.type == BR_KEYTYPE_RSA && pk->key_type == BR_KEYTYPE_RSA) {
		br_rsa_compute_modulus modulus = br_rsa_compute_modulus_get_default();
		const uint8_t *n = pk->key.rsa.n;
		size_t nlen = pk->key.rsa.nlen, len;

		while (nlen > 0 && *n == 0) {   /* DER integers may carry a 0 */
			n++;
			nlen--;
		}
		len = modulus(NULL, &cert->key.rsa);
		ok = len == nlen && len <= sizeof buf && modulus(buf, &cert->key.rsa) == len
			&& memcmp(buf, n, len) == 0;
	}
	return ok ? 0 : WT_ERR_BAD_CONFIG;
}
