/*
 * bogo_shim: the adapter that lets BoringSSL's TLS test runner ("BoGo",
 * ssl/test/runner) drive the wasmtls client. See README.md, "Testing with
 * BoGo", and issue 7.
 *
 * The runner starts the shim with -port P -shim-id N [-ipv6] and test
 * flags. Every connection dials the runner, writes the shim id as a 64-bit
 * little-endian integer, runs TLS as the client, then echoes application
 * data XORed with 0xff until the peer closes.
 *
 * Exit codes: 0 the test's expectations held; 1 failure (the error is on
 * stderr); 89 a flag, value or feature we do not implement.
 */
#ifndef BOGO_H
#define BOGO_H

#include <stddef.h>
#include <stdint.h>

#define BOGO_EXIT_OK            0
#define BOGO_EXIT_FAIL          1
#define BOGO_EXIT_UNIMPLEMENTED 89

#define BOGO_MAX_LIST 32

/* Compliance policies (SSL_set_compliance_policy): presets of suites,
 * groups and signature algorithms. */
#define BOGO_POLICY_NONE        0
#define BOGO_POLICY_FIPS_202205 1
#define BOGO_POLICY_WPA_202304  2
#define BOGO_POLICY_CNSA1_202603 3
#define BOGO_POLICY_CNSA2_202603 4
#define BOGO_MAX_CREDS 8

/* One credential of BoringSSL's list (-new-x509-credential, then the
 * -cert-file/-key-file/-signing-prefs that follow it). */
typedef struct bogo_cred {
	const char *cert_file, *key_file;
	uint16_t signing_prefs[BOGO_MAX_LIST];
	size_t signing_pref_count;
	int must_match_issuer;   /* usable only if an issuer is in the CA list */
	/* -new-psk-credential: an imported external PSK (RFC 9258), base64 */
	int is_psk;
	const char *psk_importer_key, *psk_importer_identity, *psk_importer_context;
	int psk_importer_sha256, psk_importer_sha384;
} bogo_cred;

/* One connection's flags. The runner's -on-initial-, -on-resume- and
 * -on-retry- prefixes set a flag in one of the three configurations;
 * unprefixed flags set all three (test_config.cc, ParseConfig). */
typedef struct bogo_config {
	/* Process-wide: read from the initial configuration. */
	int port;
	int ipv6;
	uint64_t shim_id;
	int resume_count;
	int is_handshaker_supported;

	/* Transport and the echo exchange. */
	int async;
	int shim_writes_first;
	int shim_shuts_down;
	int check_close_notify;
	int read_size;

	/* Authentication of the server. */
	const char *trust_cert;
	int verify_peer;
	int verify_fail;
	const char *host_name;
	const char *expect_peer_cert_file;
	int expect_peer_sigalg;
	uint16_t verify_prefs[BOGO_MAX_LIST];
	size_t verify_pref_count;
	int enable_ocsp_stapling, enable_signed_cert_timestamps;
	int use_ocsp_callback, fail_ocsp_callback;   /* SSL_CTX_set_tlsext_status_cb */
	const char *expect_ocsp_response;   /* base64, NULL = no check */
	const char *expect_sct_list;        /* base64, NULL = no check */
	uint16_t expect_peer_verify_prefs[BOGO_MAX_LIST];   /* the CertificateRequest's */
	size_t expect_peer_verify_pref_count;
	int use_custom_verify_callback;
	int reverify_on_resume;
	int expect_verify_result;

	/* Negotiation. */
	int compliance;                  /* BOGO_POLICY_* (-fips-202205, ...) */
	uint16_t key_shares[BOGO_MAX_LIST];
	size_t key_share_count;
	int no_key_shares;
	int min_version, max_version, expect_version;
	int no_tls1, no_tls11, no_tls12, no_tls13;   /* SSL_OP_NO_TLSv1... */
	uint16_t curves[BOGO_MAX_LIST];
	size_t curve_count;
	int expect_curve_id;
	const char *cipher;
	int expect_cipher;
	const char *advertise_alpn;     /* wire format: length-prefixed names */
	const char *expect_alpn;        /* "" = no ALPN negotiated */
	int expect_hrr, expect_no_hrr;

	/* Client authentication. */
	const char *cert_file, *key_file;
	uint16_t signing_prefs[BOGO_MAX_LIST];
	size_t signing_pref_count;
	int must_match_issuer;
	int fail_cert_callback;
	int use_old_client_cert_callback;
	/* Credentials added with -new-x509-credential, in order; the
	 * "legacy" one above (cert_file, key_file) comes after them. */
	bogo_cred creds[BOGO_MAX_CREDS];
	size_t cred_count;
	/* Only meaningful inside a credential (bogo_cred); here so that the
	 * credential flag table can name them. */
	const char *psk_importer_key, *psk_importer_identity, *psk_importer_context;
	int psk_importer_sha256, psk_importer_sha384;
	int expect_no_peer_cert;
	int enable_grease, permute_extensions;
	const char *expect_client_ca_list;   /* DER hex, comma-separated */
	int expect_cipher_aes, expect_cipher_no_aes;
	int ignore_rsa_key_usage, renegotiate_freely;
	const char *own_ocsp_response, *own_sct_list;
	int expect_selected_credential;   /* set if has_expect_selected_credential */
	int has_expect_selected_credential;

	/* Sessions and 0-RTT. */
	int expect_session_miss;
	int expect_no_session;
	int expect_ticket_renewal;       /* TLS 1.2: a resumption renews the ticket */
	int expect_no_session_id;
	int enable_early_data;
	int expect_accept_early_data;
	int expect_reject_early_data;
	int expect_ticket_supports_early_data;
	const char *expect_early_data_reason;   /* NULL = no check */
	int expect_no_offer_early_data;
	int resumption_delay;            /* seconds the clock moves before this connection */

	/* After the handshake. */
	int send_alert;                  /* end with a fatal decompression_failure */
	int export_keying_material;
	const char *export_label;
	const char *export_context;
	int use_export_context;
	int key_update;
	int max_send_fragment;
	int export_traffic_secrets;
	int implicit_handshake;
	int no_op_extra_handshake;
	int expect_extended_master_secret;
	int expect_secure_renegotiation;
	int expect_no_secure_renegotiation;
	int expect_not_resumable_across_names;
	int peek_then_read;
	int read_with_unfinished_write;
} bogo_config;

/* Parses argv (without argv[0]) into the three configurations. Exits 89
 * on a flag we do not implement, 1 on a malformed one. */
void bogo_parse_flags(int argc, char **argv, bogo_config *initial,
	bogo_config *resume, bogo_config *retry);

/* The versions cfg enables, as BoringSSL computes them (the lowest and
 * highest, 0x0300..0x0304); -1 if that leaves neither TLS 1.2 nor 1.3. */
int bogo_version_range(const bogo_config *cfg, int *lo, int *hi);

/* Exits 89 if cfg asks for something we cannot honour (TLS <= 1.1, an
 * unsupported group, signature preferences we cannot express, ...). */
void bogo_check_supported(const bogo_config *cfg, const char *which);
/* 1 if wt_config.sig_algs / sign_algs accept this scheme. */
int bogo_engine_sigalg(unsigned alg);

/* Prints "unimplemented: ..." on stderr and exits 89. */
void bogo_unimplemented(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
/* Prints "error: name: ..." on stderr and exits 1. */
void bogo_fail(const char *name, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));

#endif
