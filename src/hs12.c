/*
 * The TLS 1.2 client handshake (RFC 5246), a port of Go's crypto/tls
 * handshake_client.go (processServerHello, doFullHandshake,
 * establishKeys, readSessionTicket, readFinished, sendFinished) with
 * key_agreement.go's ECDHE: ECDHE-ECDSA and ECDHE-RSA with AEAD suites
 * only, the extended master secret (RFC 7627), session tickets (RFC
 * 5077), no renegotiation (RFC 5746: renegotiation_info sent empty and
 * checked; a HelloRequest gets a no_renegotiation warning). The
 * ClientHello, the version choice and the downgrade canary are hs13.c's;
 * this file takes over at a TLS 1.2 ServerHello.
 */
#include "wt_internal.h"

#define TRY(x) do { int err_ = (x); if (err_) return err_; } while (0)

#define WT_HS_HELLO_REQUEST         0
#define WT_HS_SERVER_KEY_EXCHANGE  12
#define WT_HS_SERVER_HELLO_DONE    14
#define WT_HS_CLIENT_KEY_EXCHANGE  16
#define WT_HS_CERTIFICATE_STATUS   22

/* States (cc->hs_state; hs13.c's are below 100). */
enum {
	S12_WAIT_CERT = 100,     /* Certificate */
	S12_WAIT_SKE,            /* CertificateStatus or ServerKeyExchange */
	S12_WAIT_SHD,            /* CertificateRequest or ServerHelloDone */
	S12_WAIT_TICKET,         /* NewSessionTicket (the server acked the extension) */
	S12_WAIT_CCS,            /* the server's ChangeCipherSpec */
	S12_WAIT_FINISHED,       /* the server's Finished */
	S12_DONE
};

static void transcript_add(wt_engine_ctx *cc, const uint8_t *msg, size_t len)
{
	br_multihash_update(&cc->t12.transcript, msg, len);
}

/* The transcript hash with the PRF's hash (suite->hash_len bytes). */
static void transcript_hash(const wt_engine_ctx *cc, uint8_t *out)
{
	br_multihash_out(&cc->t12.transcript,
		cc->suite->hash_len == 48 ? br_sha384_ID : br_sha256_ID, out);
}

/* Queues a handshake message and adds it to the transcript. */
static int write_handshake(wt_engine_ctx *cc, const uint8_t *msg, size_t len)
{
	transcript_add(cc, msg, len);
	return wt_rec_queue(cc, WT_CT_HANDSHAKE, msg, len, cc->max_fragment);
}

static int offered_suite12(const wt_engine_ctx *cc, uint16_t id)
{
	const wt_suite *s = wt_suite_get(id);

	return s != NULL && s->tls12_auth != 0
		&& wt_list_has(cc->suites, cc->suite_count, id);
}

/* Appends p[0..len) to the peer chain buffer and sets *off to where it
 * went; -1 if it does not fit. TLS 1.2 keeps what the server sends about
 * its certificate in arrival order: the ServerHello's SCT list, the
 * certificates, the CertificateStatus's OCSP response (TLS 1.3 has them
 * all in one message, wt_hs13_keep_peer_credentials). */
static int keep12(wt_engine_ctx *cc, const uint8_t *p, size_t len, size_t *off)
{
	size_t at = wt_hs13_keep_in_chain(cc, &cc->chain_used, p, len);

	if (at == (size_t)-1) {
		return -1;
	}
	*off = at;
	return 0;
}

/* RFC 5246 7.4.1.4 / RFC 8446 4.2: which extensions a TLS 1.2 ServerHello
 * may carry: those we offered that have a TLS 1.2 ServerHello form. One
 * we did not offer is unsupported_extension; one of ours that only TLS
 * 1.3 defines here (key_share, pre_shared_key, ...) is illegal_parameter. */
static int check_extensions12(wt_engine_ctx *cc, const wt_server_hello *sh)
{
	const wt_config *cfg = cc->cfg;
	size_t i;

	for (i = 0; i < sh->ext_count; i++) {
		int offered, allowed = 1;

		switch (sh->ext_types[i]) {
		case WT_EXT_SERVER_NAME:
			offered = cfg->server_name != NULL;
			break;
		case WT_EXT_ALPN:
			offered = cfg->alpn_count != 0;
			break;
		case WT_EXT_STATUS_REQUEST:
			offered = cfg->request_ocsp;
			break;
		case WT_EXT_SCT:
			offered = cfg->request_sct;
			break;
		case WT_EXT_EC_POINT_FORMATS:
		case WT_EXT_EXTENDED_MS:
		case WT_EXT_RENEGOTIATION_INFO:
		case WT_EXT_SESSION_TICKET:
		case WT_EXT_RECORD_SIZE_LIMIT:
			offered = 1;
			break;
		case WT_EXT_SUPPORTED_GROUPS:
			/* RFC 8422 has no ServerHello form, but servers send it
			 * anyway; RFC 5246 7.4.1.4 only asks that we offered it, and
			 * Go ignores it: tolerated (and ignored) */
			offered = 1;
			break;
		case WT_EXT_SIGNATURE_ALGS:
		case WT_EXT_SIG_ALGS_CERT:
		case WT_EXT_KEY_SHARE:
		case WT_EXT_PSK_MODES:
		case WT_EXT_SUPPORTED_VERSIONS:
			offered = cc->offer_tls13 || sh->ext_types[i] == WT_EXT_SIGNATURE_ALGS
				|| sh->ext_types[i] == WT_EXT_SIG_ALGS_CERT;
			allowed = 0;
			break;
		case WT_EXT_PRE_SHARED_KEY:
			offered = cc->offer_count != 0;
			allowed = 0;
			break;
		case WT_EXT_EARLY_DATA:
			offered = cc->early_state == WT_EARLY_PENDING;
			allowed = 0;
			break;
		case WT_EXT_COOKIE:
			offered = cc->hs->cookie_len != 0;
			allowed = 0;
			break;
		default:
			offered = 0;
			break;
		}
		if (!offered) {
			return wt_fail(cc, WT_ALERT_UNSUPPORTED_EXTENSION,
				"server sent an extension we did not offer in ServerHello");
		}
		if (!allowed) {
			return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
				"server sent a TLS 1.3 extension in a TLS 1.2 ServerHello");
		}
	}
	return 0;
}

/* Go: serverResumedSession. The server resumes by echoing the session ID
 * we sent with the ticket (RFC 5077 3.4). */
static int server_resumed_session(const wt_engine_ctx *cc, const wt_server_hello *sh)
{
	return cc->t12.offer_ticket && cc->session_id_len != 0
		&& sh->session_id_len == cc->session_id_len
		&& memcmp(sh->session_id, cc->session_id, cc->session_id_len) == 0;
}

/* Go: establishKeys. The key block's keys wait for the ChangeCipherSpec
 * of each side (RFC 5246 7.1). */
static void establish_keys(wt_engine_ctx *cc)
{
	wt_ks12_keys(cc->suite, cc->t12.master, cc->client_random,
		cc->t12.server_random, cc->t12.wr_key, cc->t12.wr_iv,
		cc->t12.rd_key, cc->t12.rd_iv);
}

/* Go: sendFinished. Our ChangeCipherSpec, then Finished under the new
 * keys. */
static int send_finished(wt_engine_ctx *cc)
{
	static const uint8_t one = 1;
	uint8_t th[WT_MAX_HASH], msg[4 + 12];

	TRY(wt_rec_queue(cc, WT_CT_CHANGE_CIPHER_SPEC, &one, 1, 1));
	wt_rec_set_keys12(cc, 1, cc->suite, cc->t12.wr_key, cc->t12.wr_iv);
	wt_wipe(cc->t12.wr_key, sizeof cc->t12.wr_key);
	wt_wipe(cc->t12.wr_iv, sizeof cc->t12.wr_iv);
	transcript_hash(cc, th);
	wt_ks12_finished(cc->suite, cc->t12.master, 1, th, cc->t12.client_verify);
	msg[0] = WT_HS_FINISHED;
	msg[1] = 0;
	msg[2] = 0;
	msg[3] = 12;
	memcpy(msg + 4, cc->t12.client_verify, 12);
	return write_handshake(cc, msg, sizeof msg);
}

int wt_hs12_server_hello(wt_engine_ctx *cc, const wt_server_hello *sh,
	const uint8_t *msg, size_t len)
{
	br_multihash_context *mh = &cc->t12.transcript;

	/* the 1.3 key shares are of no use now */
	wt_hs13_wipe_key_shares(cc);
	br_multihash_zero(mh);
	br_multihash_setimpl(mh, br_sha256_ID, &br_sha256_vtable);
	br_multihash_setimpl(mh, br_sha384_ID, &br_sha384_vtable);
	br_multihash_setimpl(mh, br_sha512_ID, &br_sha512_vtable);
	br_multihash_init(mh);
	transcript_add(cc, cc->hs->ch, cc->hs->ch_len);
	transcript_add(cc, msg, len);
	memcpy(cc->t12.server_random, sh->random, 32);

	TRY(check_extensions12(cc, sh));
	/* Go: hs.handshake(): a ServerHello echoing the random session ID
	 * we sent for TLS 1.3 middlebox compatibility (no session offered)
	 * cannot be a TLS 1.2 resumption */
	if (!cc->t12.offer_ticket && cc->session_id_len != 0
		&& sh->session_id_len == cc->session_id_len
		&& memcmp(sh->session_id, cc->session_id, cc->session_id_len) == 0)
	{
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
			"server echoed TLS 1.3 compatibility session ID in TLS 1.2");
	}
	/* Go: pickCipherSuite */
	if (!offered_suite12(cc, sh->cipher_suite)) {
		return wt_fail(cc, WT_ALERT_HANDSHAKE_FAILURE,
			"server chose an unconfigured cipher suite");
	}
	cc->suite = wt_suite_get(sh->cipher_suite);
	if (sh->compression != 0) {
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
			"server selected unsupported compression format");
	}
	/* RFC 5746 3.4: on an initial handshake the extension is empty
	 * (its absence is allowed: a server without secure renegotiation;
	 * we never renegotiate). */
	if (sh->secure_renegotiation_supported && sh->secure_renegotiation_len != 0) {
		return wt_fail(cc, WT_ALERT_HANDSHAKE_FAILURE,
			"initial handshake had non-empty renegotiation extension");
	}
	/* RFC 8422 5.2: if the server lists point formats, uncompressed
	 * (the only one we use) must be among them. */
	if (sh->point_formats && !sh->uncompressed) {
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
			"server does not support uncompressed EC points");
	}
	if (sh->record_size_limit != 0) {
		/* RFC 8449 4: below 64 is illegal; in TLS 1.2 the limit counts
		 * plaintext bytes only */
		if (sh->record_size_limit < 64) {
			return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
				"server sent a record_size_limit below 64");
		}
		cc->peer_record_limit = sh->record_size_limit < WT_MAX_PLAINTEXT
			? sh->record_size_limit : WT_MAX_PLAINTEXT;
		if (cc->max_fragment > cc->peer_record_limit) {
			cc->max_fragment = cc->peer_record_limit;
		}
	}
	if (sh->alpn) {
		/* Go: checkALPN, whose failures TLS 1.2 answers with
		 * unsupported_extension */
		TRY(wt_hs13_check_alpn(cc, sh->alpn_proto, sh->alpn_len,
			WT_ALERT_UNSUPPORTED_EXTENSION));
	}
	if (sh->scts && (sh->sct_list_len == 0 || wt_sct_list_check(sh->sct_list, sh->sct_list_len))) {
		return wt_fail(cc, WT_ALERT_DECODE_ERROR, "malformed signed_certificate_timestamp");
	}
	cc->t12.ems = sh->extended_master_secret;
	cc->t12.ticket_expected = sh->ticket_supported;
	cc->t12.ocsp_expected = sh->ocsp_stapling;
	if (!server_resumed_session(cc, sh)) {
		/* a full handshake: the offered session is gone, with the
		 * certificates, OCSP response and SCT list it brought */
		cc->t12.offer_ticket = 0;
		wt_wipe(cc->psk, sizeof cc->psk);
		cc->cert_count = cc->ocsp_len = cc->sct_len = 0;
		cc->chain_used = cc->ca_names_len = 0;
		cc->verified_in_session = 0;
		/* RFC 6962 3.3.1: the SCT list (checked above) answers the
		 * certificate that follows; kept for wt_conn_info. (On a
		 * resumption the session's stays, as BoringSSL does: RFC 6962
		 * did not forbid sending it again.) */
		if (sh->scts && keep12(cc, sh->sct_list, sh->sct_list_len, &cc->sct_off) == 0) {
			cc->sct_len = sh->sct_list_len;
		}
		cc->hs_state = S12_WAIT_CERT;
		return 0;
	}
	/* Go: processServerHello, resumption part */
	if (cc->psk_suite != cc->suite) {
		return wt_fail(cc, WT_ALERT_HANDSHAKE_FAILURE,
			"server resumed a session with a different cipher suite");
	}
	/* RFC 7627 5.3: only EMS sessions are offered */
	if (!sh->extended_master_secret) {
		return wt_fail(cc, WT_ALERT_HANDSHAKE_FAILURE,
			"server resumed a session with a different EMS extension");
	}
	memcpy(cc->t12.master, cc->psk, 48);
	wt_wipe(cc->psk, sizeof cc->psk);
	cc->t12.resuming = 1;
	cc->using_psk = 1;
	cc->verified = cc->verified_in_session;
	cc->hs_state = sh->ticket_supported ? S12_WAIT_TICKET : S12_WAIT_CCS;
	return 0;
}

/* Go: the Certificate part of doFullHandshake (TLS 1.2 form, RFC 5246
 * 7.4.2: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>). */
static int read_certificate(wt_engine_ctx *cc, const uint8_t *msg, size_t len)
{
	wt_peer_cert certs[WT_MAX_PEER_CERTS];
	wt_reader r, list, der;
	size_t n = 0, i;

	wt_rd_init(&r, msg + 4, len - 4);
	if (wt_rd_block(&r, 3, &list) || wt_rd_end(&r)) {
		return wt_fail(cc, WT_ALERT_DECODE_ERROR, "malformed Certificate");
	}
	while (list.len) {
		if (wt_rd_block_min(&list, 3, 1, &der)) {
			return wt_fail(cc, WT_ALERT_DECODE_ERROR, "malformed Certificate");
		}
		if (n == WT_MAX_PEER_CERTS) {
			return wt_fail(cc, WT_ALERT_BAD_CERTIFICATE,
				"server sent too many certificates (more than WT_MAX_PEER_CERTS)");
		}
		certs[n].der = der.p;
		certs[n].len = der.len;
		n++;
	}
	transcript_add(cc, msg, len);
	if (n == 0) {
		return wt_fail(cc, WT_ALERT_UNEXPECTED_MESSAGE,
			"server sent an empty Certificate message");
	}
	/* after the ServerHello's SCT list; the certificates (never more
	 * than the buffer: it is as large as a handshake message) win over
	 * it if both do not fit (SCTs are only reported, not checked) */
	if (cc->chain_used + (len - 4) > cc->chain_cap) {
		cc->chain_used = cc->sct_len = 0;
	}
	for (i = 0; i < n; i++) {
		size_t off;

		if (keep12(cc, certs[i].der, certs[i].len, &off)) {
			return wt_fail(cc, WT_ALERT_BAD_CERTIFICATE,
				"server certificate chain larger than WT_MAX_PEER_CHAIN bytes");
		}
		cc->certs[i].der = cc->chain + off;
		cc->certs[i].len = certs[i].len;
	}
	cc->cert_count = n;
	cc->hs_state = S12_WAIT_SKE;
	return 0;
}

/* RFC 6066 8: CertificateStatus { status_type ocsp(1), OCSPResponse
 * <1..2^24-1> }, only after our status_request was acknowledged. */
static int read_certificate_status(wt_engine_ctx *cc, const uint8_t *msg, size_t len)
{
	wt_reader r, resp;
	uint8_t type;

	if (!cc->t12.ocsp_expected) {
		return wt_fail(cc, WT_ALERT_UNEXPECTED_MESSAGE,
			"received unexpected CertificateStatus message");
	}
	wt_rd_init(&r, msg + 4, len - 4);
	if (wt_rd_u8(&r, &type) || type != 1 || wt_rd_block_min(&r, 3, 1, &resp)
		|| wt_rd_end(&r))
	{
		return wt_fail(cc, WT_ALERT_DECODE_ERROR, "malformed CertificateStatus");
	}
	transcript_add(cc, msg, len);
	cc->t12.ocsp_expected = 0;
	/* after the certificates (keep12) */
	if (keep12(cc, resp.p, resp.len, &cc->ocsp_off)) {
		return wt_fail(cc, WT_ALERT_BAD_CERTIFICATE,
			"server certificate chain and OCSP response larger than WT_MAX_PEER_CHAIN bytes");
	}
	cc->ocsp_len = resp.len;
	return 0;
}

/* Go: ecdheKeyAgreement.processServerKeyExchange. Every failure is
 * illegal_parameter, as Go's doFullHandshake sends for any error of it. */
static int read_server_key_exchange(wt_engine_ctx *cc, const uint8_t *msg, size_t len)
{
	const uint8_t *body = msg + 4, *params, *point, *sig;
	size_t n = len - 4, point_len, sig_len, params_len;
	const wt_group_info *g;
	uint16_t group, scheme;
	uint8_t shared[WT_MAX_SHARED], rnd[WT_MAX_KEX_RANDOM];
	uint8_t signed_data[64 + 4 + 255];
	size_t shared_len;
	int err;

	if (n < 4) {
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER, "invalid ServerKeyExchange message");
	}
	if (body[0] != 3) {   /* ECCurveType named_curve (RFC 8422 5.4) */
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER, "server selected unsupported curve");
	}
	group = (uint16_t)(body[1] << 8 | body[2]);
	point_len = body[3];
	if (4 + point_len > n) {
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER, "invalid ServerKeyExchange message");
	}
	params = body;
	params_len = 4 + point_len;
	point = body + 4;
	sig = body + params_len;
	sig_len = n - params_len;
	if (sig_len < 2) {
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER, "invalid ServerKeyExchange message");
	}
	if (!wt_list_has(cc->groups, cc->group_count, group)) {
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER, "server selected unoffered curve");
	}
	/* ECDHE only: a post-quantum group has no TLS 1.2 form */
	g = wt_group_info_get(group);
	if (g == NULL || g->mlkem_k != 0 || g->curve == 0) {
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER, "server selected unsupported curve");
	}
	scheme = (uint16_t)(sig[0] << 8 | sig[1]);
	sig += 2;
	sig_len -= 2;
	if (sig_len < 2) {
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER, "invalid ServerKeyExchange message");
	}
	/* the scheme must be one we offered in signature_algorithms, and of
	 * the suite's key type (ECDSA for ECDHE_ECDSA, RSA for ECDHE_RSA) */
	if (!wt_list_has(cc->sig_algs, cc->sig_alg_count, scheme)) {
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
			"certificate used with invalid signature algorithm");
	}
	if (((scheme & 0xff) == 0x03) != (cc->suite->tls12_auth == BR_KEYTYPE_EC)
		|| cc->hs->leaf.pkey.key_type != cc->suite->tls12_auth)
	{
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
			"server's signature type does not match the cipher suite");
	}
	if ((size_t)(sig[0] << 8 | sig[1]) + 2 != sig_len) {
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER, "invalid ServerKeyExchange message");
	}
	sig += 2;
	sig_len -= 2;
	/* RFC 5246 7.4.3 / RFC 8422 5.4: client_random || server_random ||
	 * ServerECDHParams */
	memcpy(signed_data, cc->client_random, 32);
	memcpy(signed_data + 32, cc->t12.server_random, 32);
	memcpy(signed_data + 64, params, params_len);
	if (wt_sig_verify12(scheme, &cc->hs->leaf.pkey, signed_data, 64 + params_len,
		sig, sig_len) != 0)
	{
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER,
			"invalid signature by the server certificate");
	}
	/* our ephemeral key (Go: generateECDHEKey), then the shared secret:
	 * the pre-master secret (RFC 8422 5.10: the x-coordinate for the
	 * NIST curves, X25519's output as is) */
	wt_hs13_wipe_key_shares(cc);
	TRY(wt_hs13_random(cc, rnd, g->rnd_len));
	err = wt_kex_keygen(&cc->hs->shares[0], group, rnd, g->rnd_len);
	wt_wipe(rnd, sizeof rnd);
	if (err) {
		return wt_fail(cc, WT_ALERT_INTERNAL_ERROR, "cannot generate an ECDHE key");
	}
	cc->hs->share_count = 1;
	err = wt_kex_derive(&cc->hs->shares[0], point, point_len, shared, &shared_len);
	if (err) {
		wt_wipe(shared, sizeof shared);
		return wt_fail(cc, WT_ALERT_ILLEGAL_PARAMETER, "invalid ServerKeyExchange message (bad ECDHE point)");
	}
	/* kept until the ClientKeyExchange is in the transcript (EMS) */
	memcpy(cc->t12.pms, shared, shared_len);
	cc->t12.pms_len = shared_len;
	wt_wipe(shared, sizeof shared);
	cc->group = group;
	cc->sigalg = scheme;
	transcript_add(cc, msg, len);
	cc->hs_state = S12_WAIT_SHD;
	return 0;
}

/* RFC 5246 7.4.4: CertificateRequest { ClientCertificateType
 * certificate_types<1..2^8-1>; SignatureAndHashAlgorithm
 * supported_signature_algorithms<2..2^16-2>; DistinguishedName
 * certificate_authorities<0..2^16-1> }. */
static int read_certificate_request(wt_engine_ctx *cc, const uint8_t *msg, size_t len)
{
	wt_reader r, types, algs, cas;
	int rsa_ok = 0, ec_ok = 0;
	uint8_t t;

	wt_rd_init(&r, msg + 4, len - 4);
	if (wt_rd_block_min(&r, 1, 1, &types) || wt_rd_block_min(&r, 2, 2, &algs)
		|| (algs.len & 1) || wt_rd_block(&r, 2, &cas) || wt_rd_end(&r))
	{
		return wt_fail(cc, WT_ALERT_DECODE_ERROR, "malformed CertificateRequest");
	}
	/* each DistinguishedName<1..2^16-1> (as hello.c checks TLS 1.3's
	 * certificate_authorities; Go also takes an empty one) */
	{
		wt_reader list = cas, dn;

		while (list.len) {
			if (wt_rd_block_min(&list, 2, 1, &dn)) {
				return wt_fail(cc, WT_ALERT_DECODE_ERROR, "malformed CertificateRequest");
			}
		}
	}
	while (wt_rd_u8(&types, &t) == 0) {
		rsa_ok |= t == 1;    /* rsa_sign */
		ec_ok |= t == 64;    /* ecdsa_sign (RFC 8422 5.5) */
	}
	/* Go: certificateRequestInfoFromMsg. The schemes the request allows
	 * are its signature_algorithms filtered by its certificate_types
	 * (RFC 5246 7.4.4: the certificate must also match a type): ECDSA
	 * and EdDSA schemes need ecdsa_sign (RFC 8422 5.5), RSA ones
	 * rsa_sign; others are dropped. */
	cc->cr_sig_alg_count = 0;
	while (algs.len) {
		uint16_t a;
		int ecdsa, rsa;

		wt_rd_u16(&algs, &a);
		ecdsa = (a & 0xff) == 0x03 || a == 0x0807 || a == 0x0808;
		rsa = (a & 0xff) == 0x01 || (a >= 0x0804 && a <= 0x0806) || (a >= 0x0809 && a <= 0x080b);
		if (((ecdsa && ec_ok) || (rsa && rsa_ok))
			&& cc->cr_sig_alg_count < sizeof cc->cr_sig_algs / sizeof cc->cr_sig_algs[0])
		{
			cc->cr_sig_algs[cc->cr_sig_alg_count++] = a;
		}
	}
	/* The CA list waits for get_client_cert at the end of the peer chain
	 * buffer, behind the server's certificates (as in TLS 1.3,
	 * hs13.c read_certificate_request); dropped if it does not fit. */
	cc->ca_names_len = 0;
	if (cas.len > 0 && cas.len <= cc->chain_cap - cc->chain_used) {
		memcpy(cc->chain + cc->chain_cap - cas.len, cas.p, cas.len);
		cc->ca_names_len = cas.len;
	}
	cc->cert_requested = 1;
	transcript_add(cc, msg, len);
	return 0;
}

/* Go: the client certificate part of doFullHandshake (getClientCertificate)
 * and the Certificate message (RFC 5246 7.4.6): ours from the config or
 * the get_client_cert callback, or an empty one. The message is built in
 * the reassembly buffer, whose ServerHelloDone is done with. */
static int send_client_certificate(wt_engine_ctx *cc)
{
	const wt_config *cfg = cc->cfg;
	const wt_client_cert *cert;
	wt_writer w;
	size_t m, l, i;

	TRY(wt_hs13_client_cert(cc, &cert));
	if (cert) {
		cc->t12.cert_scheme = wt_sig_choose12(&cert->key, cfg->sign_algs,
			cfg->sign_alg_count, cc->cr_sig_algs, cc->cr_sig_alg_count);
		if (cc->t12.cert_scheme == 0) {
			return wt_fail(cc, WT_ALERT_HANDSHAKE_FAILURE,
				"client certificate key not usable with the server's signature_algorithms");
		}
	}
	cc->t12.cert = cert;
	if (wt_hs_reserve(cc, wt_hs13_client_cert_msg_len(cert, 0), 0) && cc->err) {
		return cc->err;   /* out of memory; too large fails below */
	}
	wt_wr_init(&w, cc->msg, cc->msg_cap);
	wt_wr_u8(&w, WT_HS_CERTIFICATE);
	m = wt_wr_open(&w, 3);
	l = wt_wr_open(&w, 3);
	for (i = 0; cert && i < cert->chain_len; i++) {
		size_t e = wt_wr_open(&w, 3);

		wt_wr_bytes(&w, cert->chain[i].der, cert->chain[i].len);
		wt_wr_close(&w, e, 3);
	}
	wt_wr_close(&w, l, 3);
	wt_wr_close(&w, m, 3);
	if (wt_wr_error(&w)) {
		return wt_fail(cc, WT_ALERT_INTERNAL_ERROR, "client certificate chain too large");
	}
	return write_handshake(cc, cc->msg, w.len);
}

/* RFC 5246 7.4.8: CertificateVerify over the handshake messages so far,
 * hashed with the scheme's hash (all three are kept in the transcript). */
static int send_certificate_verify(wt_engine_ctx *cc)
{
	uint16_t scheme = cc->t12.cert_scheme;
	uint8_t h[64], salt[64], sig[512], msg[4 + 4 + 512];
	size_t hlen, sig_len;
	int id, err;

	switch (scheme & 0xff00) {
	case 0x0400: id = br_sha256_ID; hlen = 32; break;
	case 0x0500: id = br_sha384_ID; hlen = 48; break;
	case 0x0600: id = br_sha512_ID; hlen = 64; break;
	default:     /* rsa_pss_rsae_*: 0x0804..0x0806 */
		id = scheme == WT_SIG_RSA_PSS_RSAE_SHA256 ? br_sha256_ID
			: scheme == WT_SIG_RSA_PSS_RSAE_SHA384 ? br_sha384_ID : br_sha512_ID;
		hlen = id == br_sha256_ID ? 32 : id == br_sha384_ID ? 48 : 64;
		break;
	}
	br_multihash_out(&cc->t12.transcript, id, h);
	TRY(wt_hs13_random(cc, salt, sizeof salt));
	err = wt_sig_sign_hash12(scheme, &cc->t12.cert->key, h, hlen, salt, sig,
		sizeof sig, &sig_len);
	wt_wipe(salt, sizeof salt);
	if (err) {
		return wt_fail(cc, WT_ALERT_INTERNAL_ERROR, "failed to sign the handshake");
	}
	msg[0] = WT_HS_CERTIFICATE_VERIFY;
	msg[1] = (uint8_t)((4 + sig_len) >> 16);
	msg[2] = (uint8_t)((4 + sig_len) >> 8);
	msg[3] = (uint8_t)(4 + sig_len);
	msg[4] = (uint8_t)(scheme >> 8);
	msg[5] = (uint8_t)scheme;
	msg[6] = (uint8_t)(sig_len >> 8);
	msg[7] = (uint8_t)sig_len;
	memcpy(msg + 8, sig, sig_len);
	cc->client_cert_sent = 1;
	return write_handshake(cc, msg, 8 + sig_len);
}

/* Go: the end of doFullHandshake: our flight after ServerHelloDone. */
static int read_server_hello_done(wt_engine_ctx *cc, const uint8_t *msg, size_t len)
{
	uint8_t ckx[4 + 1 + WT_MAX_SHARE], th[WT_MAX_HASH];
	const wt_keyshare *ks;

	if (len != 4) {
		return wt_fail(cc, WT_ALERT_DECODE_ERROR, "malformed ServerHelloDone");
	}
	transcript_add(cc, msg, len);
	if (cc->cert_requested) {
		TRY(send_client_certificate(cc));
	}
	ks = &cc->hs->shares[0];   /* after: the area may have moved (wt_hs_reserve) */
	/* RFC 8422 5.7: ClientECDiffieHellmanPublic, ECPoint<1..2^8-1> */
	ckx[0] = WT_HS_CLIENT_KEY_EXCHANGE;
	ckx[1] = 0;
	ckx[2] = (uint8_t)((1 + ks->pub_len) >> 8);
	ckx[3] = (uint8_t)(1 + ks->pub_len);
	ckx[4] = (uint8_t)ks->pub_len;
	memcpy(ckx + 5, ks->pub, ks->pub_len);
	TRY(write_handshake(cc, ckx, 5 + ks->pub_len));
	wt_hs13_wipe_key_shares(cc);
	transcript_hash(cc, th);
	wt_ks12_master(cc->suite, cc->t12.pms, cc->t12.pms_len, cc->t12.ems, th,
		cc->client_random, cc->t12.server_random, cc->t12.master);
	wt_wipe(cc->t12.pms, sizeof cc->t12.pms);
	wt_hs13_keylog(cc, "CLIENT_RANDOM", cc->t12.master, 48);
	if (cc->t12.cert != NULL) {
		TRY(send_certificate_verify(cc));
	}
	establish_keys(cc);
	TRY(send_finished(cc));
	cc->hs_state = cc->t12.ticket_expected ? S12_WAIT_TICKET : S12_WAIT_CCS;
	return 0;
}

/* Go: readSessionTicket. RFC 5077 3.3: NewSessionTicket {
 * uint32 ticket_lifetime_hint; opaque ticket<0..2^16-1> }. */
static int read_session_ticket(wt_engine_ctx *cc, const uint8_t *msg, size_t len)
{
	wt_reader r, ticket;
	uint32_t lifetime;

	wt_rd_init(&r, msg + 4, len - 4);
	if (wt_rd_u32(&r, &lifetime) || wt_rd_block(&r, 2, &ticket) || wt_rd_end(&r)) {
		return wt_fail(cc, WT_ALERT_DECODE_ERROR, "malformed NewSessionTicket");
	}
	transcript_add(cc, msg, len);
	/* kept until the server's Finished proves the handshake, behind the
	 * peer credentials (room asked for at the header: wt_hs_reserve);
	 * an empty or oversized ticket is simply not stored */
	cc->t12.ticket_len = 0;
	if (ticket.len <= WT_MAX_TICKET
		&& ticket.len <= cc->chain_cap - cc->ca_names_len - cc->chain_used)
	{
		memcpy(cc->chain + cc->chain_used, ticket.p, ticket.len);
		cc->t12.ticket_len = ticket.len;
		cc->t12.ticket_lifetime = lifetime;
	}
	cc->hs_state = S12_WAIT_CCS;
	return 0;
}

int wt_hs12_change_cipher_spec(wt_engine_ctx *cc)
{
	/* Go: readChangeCipherSpec, only right before the server's
	 * Finished (readFinished); any other CCS is unexpected. */
	if (cc->hs_state != S12_WAIT_CCS) {
		return wt_fail(cc, WT_ALERT_UNEXPECTED_MESSAGE, "unexpected change_cipher_spec");
	}
	if (cc->t12.resuming) {
		establish_keys(cc);
	}
	wt_rec_set_keys12(cc, 0, cc->suite, cc->t12.rd_key, cc->t12.rd_iv);
	wt_wipe(cc->t12.rd_key, sizeof cc->t12.rd_key);
	wt_wipe(cc->t12.rd_iv, sizeof cc->t12.rd_iv);
	cc->hs_state = S12_WAIT_FINISHED;
	return 0;
}

/* Go: saveSession for TLS 1.2: a session is kept only with a ticket and
 * the extended master secret (RFC 7627 5.3: a session without it is never
 * resumed), bound like a TLS 1.3 one (wt_hs13_store_session). used: bytes
 * of the reassembly buffer (cc->reasm) the current message occupies. */
static void save_session(wt_engine_ctx *cc, size_t used)
{
	wt_session s;
	uint32_t lifetime = cc->t12.ticket_lifetime;

	if (cc->cfg->session_cb == NULL || cc->t12.ticket_len == 0 || !cc->t12.ems) {
		return;
	}
	/* RFC 5077 3.3: a hint of 0 means unspecified; at most 7 days, as
	 * TLS 1.3 tickets (Go keeps TLS 1.2 sessions as long) */
	if (lifetime == 0 || lifetime > WT_MAX_TICKET_LIFETIME) {
		lifetime = WT_MAX_TICKET_LIFETIME;
	}
	/* Room for the blob after the Finished (wt_session_write's most,
	 * as WT_MAX_SESSION counts it), asked for before s points into the
	 * area; without it the leaf alone may still fit. The connection is
	 * complete: a host out of memory costs the session, not the
	 * connection. */
	(void)wt_hs_try_reserve(cc, used + 96 + 4 * 256 + cc->t12.ticket_len + 1
		+ WT_MAX_PEER_CERTS * 3 + 2 * 3 + wt_engine_peer_keep_size(cc), 0);
	memset(&s, 0, sizeof s);
	s.suite = cc->suite;
	s.created_ms = cc->host.now_ms(cc->host.ctx);
	s.lifetime = lifetime;
	s.psk = cc->t12.master;
	s.ticket = cc->chain + cc->chain_used;
	s.ticket_len = cc->t12.ticket_len;
	wt_hs13_store_session(cc, &s, used);
}

/* Go: readFinished */
static int read_finished(wt_engine_ctx *cc, const uint8_t *msg, size_t len)
{
	uint8_t th[WT_MAX_HASH];

	if (len != 4 + 12) {
		return wt_fail(cc, WT_ALERT_DECODE_ERROR, "malformed Finished");
	}
	transcript_hash(cc, th);
	wt_ks12_finished(cc->suite, cc->t12.master, 0, th, cc->t12.server_verify);
	if (!wt_ct_equal(cc->t12.server_verify, msg + 4, 12)) {
		return wt_fail(cc, WT_ALERT_HANDSHAKE_FAILURE,
			"server's Finished message was incorrect");
	}
	transcript_add(cc, msg, len);
	if (cc->t12.resuming) {
		/* Go: handshake(), resumption: VerifyConnection runs on a
		 * resumed connection too (Go issue 31641), so a host's checks
		 * are never skipped silently (as hs13.c does on resumption);
		 * then our CCS and Finished come last */
		TRY(wt_hs13_run_verify_callback(cc));
		TRY(send_finished(cc));
	}
	cc->hs_state = S12_DONE;
	wt_hs13_trim_peer_chain(cc);
	cc->handshake_done = 1;
	save_session(cc, len);
	return 0;
}

int wt_hs12_message(wt_engine_ctx *cc, const uint8_t *msg, size_t len)
{
	uint8_t type = msg[0];

	if (cc->handshake_done) {
		/* Go: handleRenegotiation. We never renegotiate (RFC 5746): a
		 * HelloRequest gets the no_renegotiation warning (engine.c
		 * sends that one alert at warning level) and, as in Go, ends
		 * the connection; any other handshake message after the
		 * handshake is unexpected. */
		if (type != WT_HS_HELLO_REQUEST) {
			return wt_fail(cc, WT_ALERT_UNEXPECTED_MESSAGE,
				"unexpected handshake message after the handshake");
		}
		if (len != 4) {
			return wt_fail(cc, WT_ALERT_DECODE_ERROR, "malformed HelloRequest");
		}
		return wt_fail(cc, WT_ALERT_NO_RENEGOTIATION,
			"server asked to renegotiate (not supported)");
	}
	switch (cc->hs_state) {
	case S12_WAIT_CERT:
		if (type == WT_HS_CERTIFICATE) {
			return read_certificate(cc, msg, len);
		}
		break;
	case S12_WAIT_SKE:
		if (type == WT_HS_CERTIFICATE_STATUS && cc->t12.ocsp_expected) {
			return read_certificate_status(cc, msg, len);
		}
		if (type == WT_HS_CERTIFICATE_STATUS) {
			return wt_fail(cc, WT_ALERT_UNEXPECTED_MESSAGE,
				"received unexpected CertificateStatus message");
		}
		/* Go: verifyServerCertificate, once what may follow the
		 * Certificate is in, before the key exchange */
		TRY(wt_hs13_verify_server_certificate(cc));
		if (type == WT_HS_SERVER_KEY_EXCHANGE) {
			return read_server_key_exchange(cc, msg, len);
		}
		if (type == WT_HS_SERVER_HELLO_DONE || type == WT_HS_CERTIFICATE_REQUEST) {
			/* Go: generateClientKeyExchange without the server's
			 * parameters */
			return wt_fail(cc, WT_ALERT_INTERNAL_ERROR,
				"missing ServerKeyExchange message");
		}
		break;
	case S12_WAIT_SHD:
		if (type == WT_HS_CERTIFICATE_REQUEST && !cc->cert_requested) {
			return read_certificate_request(cc, msg, len);
		}
		if (type == WT_HS_SERVER_HELLO_DONE) {
			return read_server_hello_done(cc, msg, len);
		}
		break;
	case S12_WAIT_TICKET:
		if (type == WT_HS_NEW_SESSION_TICKET) {
			return read_session_ticket(cc, msg, len);
		}
		break;
	case S12_WAIT_FINISHED:
		if (type == WT_HS_FINISHED) {
			return read_finished(cc, msg, len);
		}
		break;
	default:
		break;
	}
	return wt_fail(cc, WT_ALERT_UNEXPECTED_MESSAGE, "unexpected handshake message");
}

void wt_hs12_wipe_secrets(wt_engine_ctx *cc)
{
	wt_wipe(cc->t12.master, sizeof cc->t12.master);
	wt_wipe(cc->t12.pms, sizeof cc->t12.pms);
	wt_wipe(cc->t12.rd_key, sizeof cc->t12.rd_key);
	wt_wipe(cc->t12.rd_iv, sizeof cc->t12.rd_iv);
	wt_wipe(cc->t12.wr_key, sizeof cc->t12.wr_key);
	wt_wipe(cc->t12.wr_iv, sizeof cc->t12.wr_iv);
}

int wt_hs12_export(wt_engine_ctx *cc, const char *label,
	const uint8_t *context, size_t context_len, int use_context,
	uint8_t *out, size_t out_len)
{
	static const char *const reserved[] = {
		"client finished", "server finished", "master secret", "key expansion"
	};
	uint8_t seed[64 + 2];
	size_t i;

	if (label == NULL || (out == NULL && out_len != 0) || (context == NULL && context_len != 0)) {
		return WT_ERR_BAD_CONFIG;   /* as wt_ks_export for TLS 1.3 */
	}
	/* Go: ExportKeyingMaterial is unavailable without EMS (RFC 7627 6:
	 * a master secret without it may be shared with another
	 * connection), and refuses the PRF's own labels (RFC 5705 4) */
	if (!cc->t12.ems) {
		return WT_ERR_BAD_STATE;
	}
	for (i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
		if (strcmp(label, reserved[i]) == 0) {
			return WT_ERR_BAD_CONFIG;
		}
	}
	if (use_context && context_len > 0xffff) {
		return WT_ERR_BAD_CONFIG;
	}
	/* RFC 5705 4: PRF(master, label, client_random || server_random
	 * [|| context_value_length || context_value]) */
	memcpy(seed, cc->client_random, 32);
	memcpy(seed + 32, cc->t12.server_random, 32);
	if (use_context) {
		seed[64] = (uint8_t)(context_len >> 8);
		seed[65] = (uint8_t)context_len;
		wt_prf12(cc->suite, out, out_len, cc->t12.master, 48, label,
			seed, 66, context, context_len);
	} else {
		wt_prf12(cc->suite, out, out_len, cc->t12.master, 48, label,
			seed, 64, NULL, 0);
	}
	return 0;
}
