/*
 * Key exchange (RFC 8446 4.2.8, 7.4): one table of groups, each an ECDH
 * part (BearSSL's curves), an ML-KEM part (src/mlkem.c) or both.
 *
 *   x25519, secp256r1, secp384r1, secp521r1   ECDHE (RFC 8446 4.2.8.2)
 *   X25519MLKEM768   draft-ietf-tls-ecdhe-mlkem: our share is the
 *                    ML-KEM-768 encapsulation key || X25519 public key,
 *                    the server's the ciphertext || its X25519 key, the
 *                    secret the ML-KEM secret || the X25519 secret
 *   MLKEM1024        draft-ietf-tls-mlkem: ML-KEM-1024 alone
 *
 * Of our ML-KEM decapsulation key a share keeps what its public half
 * (ek, the share itself) does not give: ByteEncode12(s^), H(ek) and z
 * (1,216 or 1,600 bytes instead of 2,400 or 3,168); dk is put together
 * again for decapsulation (whose 7.3 check hashes ek once more). Keeping
 * only the 64-byte seed would save memory but redo key generation in
 * every handshake (~25% more ML-KEM time in wasm).
 */
#include "wt_internal.h"
#include "wt_ec.h"
#include "wt_mlkem.h"

#define ECDH_RANDOM 48   /* host bytes an ECDH key is made from */

static const wt_group_info groups[] = {
	/* id, our share, the server's share, host random, curve, ML-KEM k */
	{ WT_GROUP_X25519, 32, 32, ECDH_RANDOM, BR_EC_curve25519, 0 },
	{ WT_GROUP_SECP256R1, 65, 65, ECDH_RANDOM, BR_EC_secp256r1, 0 },
	{ WT_GROUP_SECP384R1, 97, 97, ECDH_RANDOM, BR_EC_secp384r1, 0 },
	/* BearSSL's default EC code (ec_all_m31/m15 -> ec_prime_i31/i15)
	 * handles P-521. */
	{ WT_GROUP_SECP521R1, 133, 133, ECDH_RANDOM, BR_EC_secp521r1, 0 },
	{ WT_GROUP_X25519MLKEM768, WT_MLKEM768_EK_LEN + 32, WT_MLKEM768_CT_LEN + 32,
		WT_MLKEM_SEED_LEN + ECDH_RANDOM, BR_EC_curve25519, 3 },
	{ WT_GROUP_MLKEM1024, WT_MLKEM1024_EK_LEN, WT_MLKEM1024_CT_LEN,
		WT_MLKEM_SEED_LEN, 0, 4 },
};

/* The buffers every entry must fit (wt_engine_ctx.h, wt_internal.h). */
typedef char kex_share_fits[WT_MLKEM1024_EK_LEN <= WT_MAX_SHARE
	&& WT_MLKEM768_EK_LEN + 32 <= WT_MAX_SHARE ? 1 : -1];
typedef char kex_random_fits[WT_MLKEM_SEED_LEN + ECDH_RANDOM <= WT_MAX_KEX_RANDOM ? 1 : -1];
typedef char kex_secret_fits[WT_MLKEM_SS_LEN + 32 <= WT_MAX_SHARED && 66 <= WT_MAX_SHARED ? 1 : -1];

const wt_group_info *
wt_group_info_get(uint16_t id)
{
	size_t i;

	for (i = 0; i < sizeof groups / sizeof groups[0]; i++) {
		if (groups[i].id == id) {
			return &groups[i];
		}
	}
	return NULL;
}

/* The ECDH key pair of ks from rnd (ECDH_RANDOM bytes) into priv and
 * pub; the public key's length, or 0. */
static size_t
ecdh_keygen(wt_keyshare *ks, int curve, const uint8_t *rnd, uint8_t *pub)
{
	const br_ec_impl *ec = wt_ec_impl();

	if (curve == BR_EC_curve25519) {
		/* RFC 7748 5: any 32 bytes are a private key (clamping is done
		 * by the multiplication). Taking them verbatim lets RFC 8448
		 * traces replay with their published key shares. */
		memcpy(ks->priv, rnd, 32);
		ks->priv_len = 32;
		return ec->mulgen(pub, ks->priv, 32, curve);
	} else {
		/* A scalar uniform in [1, n-1]: br_ec_keygen does rejection
		 * sampling, so it needs a stream, not a fixed-size string.
		 * HMAC_DRBG seeded with all the host bytes is deterministic
		 * (replayable) and keeps their full entropy. */
		br_hmac_drbg_context drbg;
		br_ec_private_key sk;

		br_hmac_drbg_init(&drbg, &br_sha256_vtable, rnd, ECDH_RANDOM);
		ks->priv_len = br_ec_keygen(&drbg.vtable, ec, &sk, ks->priv, curve);
		wt_wipe(&drbg, sizeof drbg);
		if (ks->priv_len == 0 || ks->priv_len > sizeof ks->priv) {
			return 0;
		}
		return br_ec_compute_pub(ec, NULL, pub, &sk);
	}
}

/* twin's X25519 key pair as ks's (pub: where ks's share has it); the
 * public key's length. */
static size_t
ecdh_reuse(wt_keyshare *ks, const wt_keyshare *twin, uint8_t *pub)
{
	const wt_group_info *t = wt_group_info_get(twin->group);
	size_t off = t->mlkem_k ? wt_mlkem_ek_len(t->mlkem_k) : 0;

	memcpy(ks->priv, twin->priv, twin->priv_len);
	ks->priv_len = twin->priv_len;
	memcpy(pub, twin->pub + off, 32);
	return 32;
}

int
wt_kex_keygen(wt_keyshare *ks, uint16_t group, const uint8_t *rnd,
	size_t rnd_len)
{
	return wt_kex_keygen_twin(ks, group, rnd, rnd_len, NULL);
}

int
wt_kex_keygen_twin(wt_keyshare *ks, uint16_t group, const uint8_t *rnd,
	size_t rnd_len, const wt_keyshare *twin)
{
	const wt_group_info *g = wt_group_info_get(group);
	size_t ek_len = g && g->mlkem_k ? wt_mlkem_ek_len(g->mlkem_k) : 0;

	memset(ks, 0, sizeof *ks);
	if (g == NULL || rnd_len < g->rnd_len) {
		return WT_ALERT_INTERNAL_ERROR;
	}
	ks->group = group;
	ks->pub_len = g->share_len;
#ifdef WT_FUZZING_UNSAFE
	/* fuzzing: no key generation; the share is the host's bytes (an
	 * uncompressed-point prefix for the NIST curves) */
	{
		size_t i;

		for (i = 0; i < g->share_len; i++) {
			ks->pub[i] = rnd[i % rnd_len];
		}
		if (g->curve != 0 && g->curve != BR_EC_curve25519) {
			ks->pub[0] = 0x04;
		}
		memcpy(ks->priv, rnd, 32);
		ks->priv_len = 32;
		return 0;
	}
#endif
	/* The ML-KEM part first, in the share as in the host's bytes. */
	if (g->mlkem_k) {
		uint8_t dk[WT_MLKEM_MAX_DK_LEN];

		if (wt_mlkem_keygen(g->mlkem_k, rnd, ks->pub, dk) != 0) {
			wt_kex_wipe(ks);
			return WT_ALERT_INTERNAL_ERROR;
		}
		memcpy(ks->mlkem_s, dk, 384 * g->mlkem_k);
		memcpy(ks->mlkem_h, dk + 384 * g->mlkem_k + ek_len, 32);
		memcpy(ks->mlkem_z, rnd + 32, 32);
		wt_wipe(dk, sizeof dk);
		rnd += WT_MLKEM_SEED_LEN;
	}
	if (twin != NULL && (g->curve != BR_EC_curve25519
		|| wt_group_info_get(twin->group)->curve != BR_EC_curve25519))
	{
		twin = NULL;
	}
	if (g->curve && (twin != NULL ? ecdh_reuse(ks, twin, ks->pub + ek_len)
		: ecdh_keygen(ks, g->curve, rnd, ks->pub + ek_len))
		!= g->share_len - ek_len)
	{
		wt_kex_wipe(ks);
		return WT_ALERT_INTERNAL_ERROR;
	}
	return 0;
}

/* The ECDH secret of ks with the peer's public key (exactly the group's
 * length) into out: the x-coordinate (RFC 8446 7.4.2). */
static int
ecdh_derive(const wt_keyshare *ks, int curve, const uint8_t *peer, size_t peer_len,
	uint8_t *out, size_t *out_len)
{
	const br_ec_impl *ec = wt_ec_impl();
	unsigned char pt[133];
	size_t xoff, xlen, u;
	unsigned acc;

	/* RFC 8446 4.2.8.2: NIST shares are UncompressedPointRepresentation
	 * (0x04 || X || Y) only. */
	if (curve != BR_EC_curve25519 && peer[0] != 0x04) {
		return WT_ALERT_ILLEGAL_PARAMETER;
	}
#ifdef WT_FUZZING_UNSAFE
	/* fuzzing: any well-formed share; the "secret" is its x coordinate */
	xoff = curve == BR_EC_curve25519 ? 0 : 1;
	xlen = curve == BR_EC_secp521r1 ? 66 : curve == BR_EC_secp384r1 ? 48 : 32;
	memcpy(out, peer + xoff, xlen);
	*out_len = xlen;
	return 0;
#endif
	if (peer_len > sizeof pt) {
		return WT_ALERT_INTERNAL_ERROR;   /* the table says otherwise */
	}
	memcpy(pt, peer, peer_len);
	/* For NIST curves mul() decodes the point and returns 0 unless it
	 * is on the curve with coordinates below p (RFC 8446 4.2.8.2 requires
	 * this validation; it stops invalid-curve attacks). */
	if (!ec->mul(pt, peer_len, ks->priv, ks->priv_len, curve)) {
		wt_wipe(pt, sizeof pt);
		return WT_ALERT_ILLEGAL_PARAMETER;
	}
	xoff = ec->xoff(curve, &xlen);
	if (curve == BR_EC_curve25519) {
		/* RFC 8446 7.4.2 / RFC 7748 6.1: an all-zero X25519 output means
		 * a small-order peer share; abort. OR over all bytes so the check
		 * takes the same time whatever the value. */
		acc = 0;
		for (u = 0; u < xlen; u ++) {
			acc |= pt[xoff + u];
		}
		if (acc == 0) {
			wt_wipe(pt, sizeof pt);
			return WT_ALERT_ILLEGAL_PARAMETER;
		}
	}
	/* RFC 8446 7.4.2: the shared secret is the x-coordinate only. */
	memcpy(out, pt + xoff, xlen);
	*out_len = xlen;
	wt_wipe(pt, sizeof pt);
	return 0;
}

#ifndef WT_FUZZING_UNSAFE
/* FIPS 203 Alg. 18 with dk put back together from its parts: s^, H(ek)
 * and z kept in the share, and ek, its public half. */
static int mlkem_decaps(const wt_keyshare *ks, unsigned k, const uint8_t *ct,
	size_t ct_len, uint8_t ss[WT_MLKEM_SS_LEN])
{
	uint8_t dk[WT_MLKEM_MAX_DK_LEN];
	size_t ek_len = wt_mlkem_ek_len(k);
	int r;

	memcpy(dk, ks->mlkem_s, 384 * k);
	memcpy(dk + 384 * k, ks->pub, ek_len);
	memcpy(dk + 384 * k + ek_len, ks->mlkem_h, 32);
	memcpy(dk + 384 * k + ek_len + 32, ks->mlkem_z, 32);
	r = wt_mlkem_decaps(k, dk, ct, ct_len, ss);
	wt_wipe(dk, sizeof dk);
	return r;
}
#endif

int
wt_kex_derive(const wt_keyshare *ks, const uint8_t *peer,
	size_t peer_len, uint8_t *out, size_t *out_len)
{
	const wt_group_info *g = wt_group_info_get(ks->group);
	size_t ct_len = 0, ss_len = 0, x_len;
	int err;

	*out_len = 0;
	if (g == NULL || (g->curve && (ks->priv_len == 0 || ks->priv_len > sizeof ks->priv))) {
		return WT_ALERT_INTERNAL_ERROR;
	}
	/* RFC 8446 4.2.8.2, draft-ietf-tls-ecdhe-mlkem 3: each group's
	 * server share has one length (a ciphertext of another length is
	 * not ML-KEM's to judge: illegal_parameter). */
	if (peer == NULL || peer_len != g->peer_len) {
		return WT_ALERT_ILLEGAL_PARAMETER;
	}
	if (g->mlkem_k) {
		ct_len = wt_mlkem_ct_len(g->mlkem_k);
#ifdef WT_FUZZING_UNSAFE
		memcpy(out, peer, WT_MLKEM_SS_LEN);
#else
		/* FIPS 203 7.3: any ciphertext of the right length decapsulates
		 * (implicit rejection); a wrong one just gives a secret the
		 * server does not have, and its Finished fails. */
		if (mlkem_decaps(ks, g->mlkem_k, peer, ct_len, out) != 0) {
			wt_wipe(out, WT_MLKEM_SS_LEN);
			return WT_ALERT_INTERNAL_ERROR;
		}
#endif
		ss_len = WT_MLKEM_SS_LEN;
	}
	if (g->curve) {
		err = ecdh_derive(ks, g->curve, peer + ct_len, peer_len - ct_len,
			out + ss_len, &x_len);
		if (err) {
			wt_wipe(out, ss_len);
			return err;
		}
		ss_len += x_len;
	}
	*out_len = ss_len;
	return 0;
}

void
wt_kex_wipe(wt_keyshare *ks)
{
	wt_wipe(ks, sizeof *ks);
}
