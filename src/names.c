/*
 * Names for error codes, alerts and identifiers, and the one place where
 * an error code is mapped to the alert that goes on the wire.
 */
#include "wt_internal.h"

const char *wt_alert_name(int alert)
{
	switch (alert) {
	case 0: return "close_notify";
	case 10: return "unexpected_message";
	case 20: return "bad_record_mac";
	case 21: return "decryption_failed";
	case 22: return "record_overflow";
	case 30: return "decompression_failure";
	case 40: return "handshake_failure";
	case 41: return "no_certificate";
	case 42: return "bad_certificate";
	case 43: return "unsupported_certificate";
	case 44: return "certificate_revoked";
	case 45: return "certificate_expired";
	case 46: return "certificate_unknown";
	case 47: return "illegal_parameter";
	case 48: return "unknown_ca";
	case 49: return "access_denied";
	case 50: return "decode_error";
	case 51: return "decrypt_error";
	case 60: return "export_restriction";
	case 70: return "protocol_version";
	case 71: return "insufficient_security";
	case 80: return "internal_error";
	case 86: return "inappropriate_fallback";
	case 90: return "user_canceled";
	case 100: return "no_renegotiation";
	case 109: return "missing_extension";
	case 110: return "unsupported_extension";
	case 111: return "certificate_unobtainable";
	case 112: return "unrecognized_name";
	case 113: return "bad_certificate_status_response";
	case 114: return "bad_certificate_hash_value";
	case 115: return "unknown_psk_identity";
	case 116: return "certificate_required";
	case 120: return "no_application_protocol";
	default: return "unknown_alert";
	}
}

int wt_alert_is_fatal(int alert)
{
	/* close_notify and user_canceled are the two non-error alerts
	 * (RFC 8446 6.1); an unknown value is no alert at all. */
	return alert > 0 && alert < 256 && alert != WT_ALERT_USER_CANCELED
		&& strcmp(wt_alert_name(alert), "unknown_alert") != 0;
}

int wt_error_alert(int err)
{
	if (err > 0 && err < 0x100) {
		return err;
	}
	switch (err) {
	case WT_ERR_CERT_EXPIRED:
	case WT_ERR_CERT_NOT_YET_VALID:
		return WT_ALERT_CERTIFICATE_EXPIRED;
	case WT_ERR_CERT_UNKNOWN_CA:
		return WT_ALERT_UNKNOWN_CA;
	case WT_ERR_CERT_NAME_MISMATCH:
	case WT_ERR_CERT_BAD_SIGNATURE:
	case WT_ERR_CERT_INVALID:
	case WT_ERR_CERT_PATH_BUDGET:
	case WT_ERR_CALLBACK:
		return WT_ALERT_BAD_CERTIFICATE;
	case WT_ERR_CERT_UNSUPPORTED:
		return WT_ALERT_UNSUPPORTED_CERTIFICATE;
	case WT_ERR_RANDOM:
	case WT_ERR_CLIENT_CERT_ABORTED:
	case WT_ERR_BUFFER_TOO_SMALL:
		return WT_ALERT_INTERNAL_ERROR;
	default:
		return 0;   /* peer alerts, truncation, API misuse: nothing to send */
	}
}

const char *wt_error_name(int err)
{
	if (err == 0) {
		return "ok";
	}
	if (err > 0 && err < 0x100) {
		return wt_alert_name(err);
	}
	if ((err & ~0xff) == WT_ERR_ALERT_RECEIVED) {
		return "alert_received";
	}
	switch (err) {
	case WT_ERR_BAD_STATE: return "bad_state";
	case WT_ERR_BAD_CONFIG: return "bad_config";
	case WT_ERR_RANDOM: return "random_failed";
	case WT_ERR_TRUNCATED: return "truncated";
	case WT_ERR_BUFFER_TOO_SMALL: return "buffer_too_small";
	case WT_ERR_CALLBACK: return "verify_rejected";
	case WT_ERR_NOT_TLS: return "not_tls";
	case WT_ERR_CLIENT_CERT_ABORTED: return "client_cert_aborted";
	case WT_ERR_ABORTED: return "aborted";
	case WT_ERR_CERT_EXPIRED: return "certificate_expired";
	case WT_ERR_CERT_NOT_YET_VALID: return "certificate_not_yet_valid";
	case WT_ERR_CERT_UNKNOWN_CA: return "unknown_ca";
	case WT_ERR_CERT_NAME_MISMATCH: return "certificate_name_mismatch";
	case WT_ERR_CERT_BAD_SIGNATURE: return "bad_certificate_signature";
	case WT_ERR_CERT_INVALID: return "bad_certificate";
	case WT_ERR_CERT_UNSUPPORTED: return "unsupported_certificate";
	case WT_ERR_CERT_PATH_BUDGET: return "certificate_path_budget";
	default: return "unknown_error";
	}
}

struct id_name {
	uint16_t id;
	const char *name;
};

static const struct id_name suites[] = {
	{ WT_TLS_AES_128_GCM_SHA256, "TLS_AES_128_GCM_SHA256" },
	{ WT_TLS_AES_256_GCM_SHA384, "TLS_AES_256_GCM_SHA384" },
	{ WT_TLS_CHACHA20_POLY1305_SHA256, "TLS_CHACHA20_POLY1305_SHA256" },
	{ WT_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" },
	{ WT_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" },
	{ WT_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" },
	{ WT_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" },
	{ WT_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" },
	{ WT_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0, NULL }
};

static const struct id_name groups[] = {
	{ WT_GROUP_X25519, "x25519" },
	{ WT_GROUP_X25519MLKEM768, "X25519MLKEM768" },
	{ WT_GROUP_MLKEM1024, "MLKEM1024" },
	{ WT_GROUP_SECP256R1, "secp256r1" },
	{ WT_GROUP_SECP384R1, "secp384r1" },
	{ WT_GROUP_SECP521R1, "secp521r1" },
	{ 0, NULL }
};

static const struct id_name sigalgs[] = {
	{ WT_SIG_ECDSA_SECP256R1_SHA256, "ecdsa_secp256r1_sha256" },
	{ WT_SIG_ECDSA_SECP384R1_SHA384, "ecdsa_secp384r1_sha384" },
	{ WT_SIG_ECDSA_SECP521R1_SHA512, "ecdsa_secp521r1_sha512" },
	{ WT_SIG_RSA_PSS_RSAE_SHA256, "rsa_pss_rsae_sha256" },
	{ WT_SIG_RSA_PSS_RSAE_SHA384, "rsa_pss_rsae_sha384" },
	{ WT_SIG_RSA_PSS_RSAE_SHA512, "rsa_pss_rsae_sha512" },
	{ WT_SIG_RSA_PKCS1_SHA256, "rsa_pkcs1_sha256" },
	{ WT_SIG_RSA_PKCS1_SHA384, "rsa_pkcs1_sha384" },
	{ WT_SIG_RSA_PKCS1_SHA512, "rsa_pkcs1_sha512" },
	{ WT_SIG_RSA_PKCS1_SHA1, "rsa_pkcs1_sha1" },
	{ WT_SIG_ECDSA_SHA1, "ecdsa_sha1" },
	{ 0, NULL }
};

/* BoringSSL's SSL_early_data_reason_string() names. */
static const struct id_name early_reasons[] = {
	{ WT_EARLY_REASON_DISABLED, "disabled" },
	{ WT_EARLY_REASON_ACCEPTED, "accept" },
	{ WT_EARLY_REASON_PEER_DECLINED, "peer_declined" },
	{ WT_EARLY_REASON_NO_SESSION_OFFERED, "no_session_offered" },
	{ WT_EARLY_REASON_SESSION_NOT_RESUMED, "session_not_resumed" },
	{ WT_EARLY_REASON_UNSUPPORTED_FOR_SESSION, "unsupported_for_session" },
	{ WT_EARLY_REASON_HELLO_RETRY_REQUEST, "hello_retry_request" },
	{ WT_EARLY_REASON_ALPN_MISMATCH, "alpn_mismatch" },
	{ 0, NULL }
};

static const char *lookup_name(const struct id_name *t, uint16_t id)
{
	for (; t->name; t++) {
		if (t->id == id) {
			return t->name;
		}
	}
	return NULL;
}

static uint16_t lookup_id(const struct id_name *t, const char *name)
{
	for (; name && t->name; t++) {
		if (strcmp(t->name, name) == 0) {
			return t->id;
		}
	}
	return 0;
}

const char *wt_suite_name(uint16_t id) { return lookup_name(suites, id); }
const char *wt_group_name(uint16_t id) { return lookup_name(groups, id); }
const char *wt_sigalg_name(uint16_t id) { return lookup_name(sigalgs, id); }
uint16_t wt_suite_from_name(const char *name) { return lookup_id(suites, name); }

const char *wt_early_data_reason_name(int reason)
{
	const char *name = reason > 0 && reason < 0x10000
		? lookup_name(early_reasons, (uint16_t)reason) : NULL;

	return name ? name : "unknown";
}
uint16_t wt_group_from_name(const char *name) { return lookup_id(groups, name); }
uint16_t wt_sigalg_from_name(const char *name) { return lookup_id(sigalgs, name); }

const char *wt_version_name(uint16_t version)
{
	return version == WT_VERSION_TLS13 ? "TLSv1.3"
		: version == WT_VERSION_TLS12 ? "TLSv1.2" : NULL;
}
