/*
 * wasmtls — a sans-I/O TLS 1.3 client on BearSSL's primitives.
 *
 * The engine never touches a socket, a clock or an RNG. The caller:
 *   1. fills a wt_config (what to offer, whom to trust) and a wt_host
 *      (random bytes, current time), then calls wt_engine_init();
 *   2. loops on wt_engine_current_state() and moves bytes through four
 *      buffer/acknowledge pairs, exactly like BearSSL's br_ssl_engine:
 *        sendrec: ciphertext the engine wants written to the transport,
 *        recvrec: space the engine offers for ciphertext from the transport,
 *        sendapp: space the engine offers for plaintext to encrypt,
 *        recvapp: plaintext the engine decrypted for the application.
 *      A *_buf() call returns a pointer into the context and its length
 *      (NULL and 0 when that direction is not available now). The caller
 *      MUST NOT touch more than the returned length and MUST call the
 *      matching *_ack() with how much it consumed/produced before calling
 *      any other wt_engine_* function.
 *   3. after WT_CLOSED, reads wt_engine_last_error(): 0 is a clean
 *      close_notify, anything else says what went wrong.
 *
 * The first error sticks: once set, every later call is a no-op, the state
 * becomes WT_CLOSED (after any fatal alert record has been drained through
 * sendrec), and wt_engine_last_error()/wt_engine_error_reason() keep the
 * first cause.
 *
 * All memory is owned by the caller: the wt_engine_ctx (sizeof) holds the
 * connection's state, and the caller lends it (wt_engine_mem) two record
 * buffers, which it may take back while no record is in flight
 * (wt_engine_buffers_idle, wt_engine_set_buffers), as OpenSSL's
 * SSL_MODE_RELEASE_BUFFERS does, and a handshake area, which it gets
 * back wiped once the handshake is over (wt_engine_release_handshake).
 * wt_config and everything it points to
 * (strings, arrays, trust anchors) MUST stay valid for the life of the
 * connection.
 */
#ifndef WASMTLS_H
#define WASMTLS_H

#include <stddef.h>
#include <stdint.h>

#include "bearssl.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Error codes: one int space (see docs in wt_error_name()).           */
/* ------------------------------------------------------------------ */

/* 1..255: the TLS alert we sent (RFC 8446 6.2). */
#define WT_ALERT_CLOSE_NOTIFY                0
#define WT_ALERT_UNEXPECTED_MESSAGE         10
#define WT_ALERT_BAD_RECORD_MAC             20
#define WT_ALERT_RECORD_OVERFLOW            22
#define WT_ALERT_HANDSHAKE_FAILURE          40
#define WT_ALERT_BAD_CERTIFICATE            42
#define WT_ALERT_UNSUPPORTED_CERTIFICATE    43
#define WT_ALERT_CERTIFICATE_REVOKED        44
#define WT_ALERT_CERTIFICATE_EXPIRED        45
#define WT_ALERT_CERTIFICATE_UNKNOWN        46
#define WT_ALERT_ILLEGAL_PARAMETER          47
#define WT_ALERT_UNKNOWN_CA                 48
#define WT_ALERT_ACCESS_DENIED              49
#define WT_ALERT_DECODE_ERROR               50
#define WT_ALERT_DECRYPT_ERROR              51
#define WT_ALERT_PROTOCOL_VERSION           70
#define WT_ALERT_INSUFFICIENT_SECURITY      71
#define WT_ALERT_INTERNAL_ERROR             80
#define WT_ALERT_INAPPROPRIATE_FALLBACK     86
#define WT_ALERT_USER_CANCELED              90
#define WT_ALERT_NO_RENEGOTIATION          100   /* TLS 1.2, a warning */
#define WT_ALERT_MISSING_EXTENSION         109
#define WT_ALERT_UNSUPPORTED_EXTENSION     110
#define WT_ALERT_UNRECOGNIZED_NAME         112
#define WT_ALERT_BAD_CERTIFICATE_STATUS    113
#define WT_ALERT_UNKNOWN_PSK_IDENTITY      115
#define WT_ALERT_CERTIFICATE_REQUIRED      116
#define WT_ALERT_NO_APPLICATION_PROTOCOL   120

/* 0x100 | alert: the peer sent us this fatal alert. */
#define WT_ERR_ALERT_RECEIVED           0x100

/* 0x200+: local errors (no alert is sent unless noted). */
#define WT_ERR_BAD_STATE                0x201 /* API call not valid now */
#define WT_ERR_BAD_CONFIG               0x202 /* wt_config rejected */
#define WT_ERR_RANDOM                   0x203 /* host RNG failed */
#define WT_ERR_TRUNCATED                0x204 /* transport EOF without close_notify */
#define WT_ERR_BUFFER_TOO_SMALL         0x205
#define WT_ERR_CALLBACK                 0x206 /* verify callback rejected (sends bad_certificate) */
#define WT_ERR_NOT_TLS                  0x207 /* first bytes from the peer are not a TLS record */
#define WT_ERR_CLIENT_CERT_ABORTED      0x208 /* get_client_cert returned WT_CLIENT_CERT_ABORT (sends internal_error) */
#define WT_ERR_ABORTED                  0x209 /* wt_engine_abort: the host ended the connection (its alert) */

/* 0x300+: certificate verification failures. Each maps to one alert
 * (wt_error_alert()) but keeps a distinct name for the caller. */
#define WT_ERR_CERT_EXPIRED             0x301 /* certificate_expired */
#define WT_ERR_CERT_NOT_YET_VALID       0x302 /* certificate_expired */
#define WT_ERR_CERT_UNKNOWN_CA          0x303 /* unknown_ca */
#define WT_ERR_CERT_NAME_MISMATCH       0x304 /* bad_certificate */
#define WT_ERR_CERT_BAD_SIGNATURE       0x305 /* bad_certificate */
#define WT_ERR_CERT_INVALID             0x306 /* bad_certificate: malformed, bad usage, ... */
#define WT_ERR_CERT_UNSUPPORTED         0x307 /* unsupported_certificate: key type/size */
#define WT_ERR_CERT_PATH_BUDGET         0x308 /* bad_certificate: path search gave up (its signature-check budget is spent) */

/* Zeroes p[0..len) in a way the compiler cannot optimise away (unlike a
 * memset before free). For hosts wiping keys, PEM text and session blobs. */
void wt_wipe(void *p, size_t len);

/* Short stable name for an error code: "certificate_expired",
 * "alert_received", "handshake_failure", ... Never NULL. */
const char *wt_error_name(int err);
/* The alert that goes on the wire for a local error code (0 for none). */
int wt_error_alert(int err);
/* 1 if alert is a defined alert description that ends a connection (not
 * close_notify or user_canceled). */
int wt_alert_is_fatal(int alert);
/* RFC name of an alert number ("handshake_failure"), or "unknown_alert". */
const char *wt_alert_name(int alert);

/* ------------------------------------------------------------------ */
/* Identifiers                                                          */
/* ------------------------------------------------------------------ */

#define WT_TLS_AES_128_GCM_SHA256         0x1301
#define WT_TLS_AES_256_GCM_SHA384         0x1302
#define WT_TLS_CHACHA20_POLY1305_SHA256   0x1303
/* TLS 1.2: ECDHE key exchange with AEAD only (RFC 5289, RFC 7905) */
#define WT_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256       0xc02b
#define WT_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256         0xc02f
#define WT_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384       0xc02c
#define WT_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384         0xc030
#define WT_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 0xcca9
#define WT_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256   0xcca8

/* Protocol versions (wt_config.min_version, wt_conn_info.version) */
#define WT_VERSION_TLS12 0x0303
#define WT_VERSION_TLS13 0x0304

#define WT_GROUP_SECP256R1   0x0017
#define WT_GROUP_SECP384R1   0x0018
#define WT_GROUP_X25519      0x001d
#define WT_GROUP_SECP521R1   0x0019   /* opt-in: not in the default list */
/* Post-quantum (opt-in): the hybrid of ML-KEM-768 and X25519
 * (draft-ietf-tls-ecdhe-mlkem) and ML-KEM-1024 alone (draft-ietf-tls-mlkem). */
#define WT_GROUP_X25519MLKEM768 0x11ec
#define WT_GROUP_MLKEM1024   0x0202

#define WT_SIG_RSA_PKCS1_SHA256       0x0401
#define WT_SIG_ECDSA_SECP256R1_SHA256 0x0403
#define WT_SIG_RSA_PKCS1_SHA384       0x0501
#define WT_SIG_ECDSA_SECP384R1_SHA384 0x0503
#define WT_SIG_RSA_PKCS1_SHA512       0x0601
#define WT_SIG_ECDSA_SECP521R1_SHA512 0x0603
#define WT_SIG_RSA_PSS_RSAE_SHA256    0x0804
#define WT_SIG_RSA_PSS_RSAE_SHA384    0x0805
#define WT_SIG_RSA_PSS_RSAE_SHA512    0x0806
#define WT_SIG_RSA_PKCS1_SHA1         0x0201
#define WT_SIG_ECDSA_SHA1             0x0203

/* Names for --json and logs: "TLS_AES_128_GCM_SHA256", "x25519",
 * "ecdsa_secp256r1_sha256". NULL if unknown. Parse: 0 if unknown. */
const char *wt_suite_name(uint16_t id);
const char *wt_group_name(uint16_t id);
const char *wt_sigalg_name(uint16_t id);
uint16_t wt_suite_from_name(const char *name);
uint16_t wt_group_from_name(const char *name);
uint16_t wt_sigalg_from_name(const char *name);
/* "TLSv1.3", "TLSv1.2"; NULL for anything else. */
const char *wt_version_name(uint16_t version);

/* ------------------------------------------------------------------ */
/* Limits                                                               */
/* ------------------------------------------------------------------ */

#define WT_MAX_PLAINTEXT      16384           /* RFC 8446 5.1: 2^14 */
#define WT_MAX_CIPHERTEXT     (16384 + 256)   /* RFC 8446 5.2: 2^14 + 256 */
#define WT_RECORD_HEADER      5
#define WT_MAX_RECORD         (WT_RECORD_HEADER + WT_MAX_CIPHERTEXT)
#define WT_MAX_HS_MESSAGE     65536           /* largest handshake message we accept */
/* Bytes of peer certificate DER we keep: whatever fits in a Certificate
 * message, whose DER is always smaller than the message itself. */
#define WT_MAX_PEER_CHAIN     WT_MAX_HS_MESSAGE
#define WT_MAX_PEER_CERTS     64              /* certificates we keep from the peer (BoGo LargeMessage sends 51) */
#define WT_MAX_ALPN           8               /* protocols in the ALPN list */
#define WT_MAX_GROUPS         6               /* wt_config.groups */
#define WT_MAX_SUITES         9               /* wt_config.cipher_suites */
#define WT_MAX_KEY_SHARES     3               /* wt_config.key_shares */
#define WT_MAX_SIG_ALGS       16              /* wt_config.sig_algs, sign_algs */
#define WT_MAX_SERVER_NAME    255
#define WT_MAX_EXTERNAL_PSKS  4               /* wt_config.psks */
#define WT_MAX_PSK_IDENTITY   128             /* wt_external_psk.identity, .context */
#define WT_MIN_PSK_KEY        16              /* wt_external_psk.key */
#define WT_MAX_PSK_KEY        64
/* Record buffers (wt_engine_mem, wt_engine_set_buffers). The receive
 * buffer holds one whole record. The send buffer holds every record of
 * one flight: WT_MIN_OUTBUF fits our largest ClientHello (8192 bytes)
 * and the dummy change_cipher_spec; WT_OUTBUF_SIZE also fits a full
 * application-data record beside queued control records. A smaller send
 * buffer seals application data in smaller records, and a flight that
 * does not fit (a large client certificate chain) fails with
 * WT_ERR_BUFFER_TOO_SMALL. */
/* After the handshake, its messages (NewSessionTicket, KeyUpdate) are
 * reassembled in the receive buffer after the record, up to
 * WT_MAX_POST_HS_MESSAGE bytes (a longer NewSessionTicket is dropped
 * unread, as a ticket over WT_MAX_TICKET always was; anything else that
 * long fails with unexpected_message), and a NewSessionTicket's session
 * blob is written after it: WT_POST_HS_SCRATCH bytes in all, which hold
 * the blob with a leaf certificate of up to 6 KB whatever the ticket,
 * of up to 22 KB beside a ticket of a few hundred bytes (the
 * intermediates, OCSP response and SCTs when they fit too; with a
 * longer leaf the session is not kept). 24 KiB rather than 32: every
 * byte of it is in each handshake's memory peak (issue 15). */
#define WT_MAX_POST_HS_MESSAGE (WT_MAX_TICKET + 528)  /* header, ticket, nonce, 256 B of extensions */
#define WT_POST_HS_SCRATCH    24576
#define WT_MIN_INBUF          (WT_MAX_RECORD + WT_POST_HS_SCRATCH)
#define WT_MIN_OUTBUF         (8192 + 1024)
#define WT_OUTBUF_SIZE        (WT_MAX_RECORD + 2048)
#define WT_MAX_KEY_UPDATES    32              /* KeyUpdates in a row without app data */
#define WT_MAX_USELESS_RECORDS 32             /* empty/ignored records in a row (BoringSSL: kMaxEmptyRecords; Go: 16) */
#define WT_MAX_WARNING_ALERTS 4               /* user_canceled alerts in a row (BoringSSL: kMaxWarningAlerts) */
#define WT_MAX_TICKET         8192            /* larger tickets are not stored */
/* The peer chain buffer also holds the OCSP response and SCT list: all
 * three come from one Certificate message, so they always fit together. */
#define WT_MAX_SESSION        (96 + 4 * 256 + WT_MAX_TICKET + 1 + WT_MAX_PEER_CERTS * 3 + 2 * 3 + WT_MAX_PEER_CHAIN)
#define WT_MAX_TICKET_LIFETIME (7 * 24 * 3600) /* RFC 8446 4.6.1 */

/* ------------------------------------------------------------------ */
/* Host interface: everything non-deterministic.                       */
/* ------------------------------------------------------------------ */

typedef struct wt_host {
	void *ctx;
	/* Fill out[0..len) with cryptographically secure random bytes.
	 * Return 0 on success; anything else fails the handshake. */
	int (*random)(void *ctx, uint8_t *out, size_t len);
	/* Current time in milliseconds since the Unix epoch. */
	int64_t (*now_ms)(void *ctx);
} wt_host;

/* ------------------------------------------------------------------ */
/* Configuration                                                        */
/* ------------------------------------------------------------------ */

#define WT_VERIFY_FULL 0  /* default: chain to a trust anchor + host name */
#define WT_VERIFY_NONE 1  /* no certificate checks (testing only); the
                             CertificateVerify signature is still checked */

/* Certificate profiles: what a certificate must carry beyond RFC 5280's
 * path validation (wt_config.cert_profile, wt_verify_chain). Both refuse
 * SHA-1, RSA under 2048 bits, a CA as the leaf, an extendedKeyUsage
 * without serverAuth and everything else src/x509.c checks. */
#define WT_CERT_PROFILE_WEB     0  /* default: the CA/B Forum web PKI: the
                                      leaf has an extendedKeyUsage with
                                      serverAuth; every CA-issued certificate
                                      an authorityKeyIdentifier, every
                                      intermediate a subjectKeyIdentifier; a
                                      leaf with an empty subject a critical
                                      subjectAltName; a root given as a
                                      certificate (wt_trust_store) no
                                      extendedKeyUsage and no
                                      authorityKeyIdentifier but its own
                                      subjectKeyIdentifier */
#define WT_CERT_PROFILE_PRIVATE 1  /* certificates of a private CA, as Go's
                                      crypto/x509 accepts them: those
                                      rules waived (a leaf without
                                      extendedKeyUsage may serve any
                                      purpose, RFC 5280 4.2.1.12) */

/* What a verify callback sees (also returned by wt_engine_info()). */
typedef struct wt_peer_cert {
	const uint8_t *der;
	size_t len;
} wt_peer_cert;

typedef struct wt_conn_info {
	uint16_t version;        /* WT_VERSION_TLS13 or WT_VERSION_TLS12 (0
	                            before the ServerHello) */
	uint16_t cipher_suite;
	uint16_t group;
	uint16_t sigalg;         /* server CertificateVerify scheme */
	int hrr;                 /* 1 if a HelloRetryRequest was received */
	int resumed;             /* 1 if PSK resumption was used */
	const char *alpn;        /* NUL-terminated, NULL if none */
	const char *server_name; /* as configured, NULL if none */
	size_t peer_cert_count;  /* leaf first, as sent by the server; once
	                            the handshake is done, the leaf only
	                            unless wt_config.keep_peer_chain */
	const wt_peer_cert *peer_certs;
	int verified;            /* 1 if the chain was verified to a trust anchor
	                            (on resumption: in the original handshake) */
	int early_data;          /* WT_EARLY_* */
	size_t early_data_len;   /* 0-RTT bytes we sent (all lost if rejected) */
	int client_cert_sent;    /* 1 if we authenticated with a certificate */
	/* What the server stapled to its leaf certificate when asked with
	 * wt_config.request_ocsp / request_sct (RFC 8446 4.4.2.1); NULL and 0
	 * when absent. Unverified: wasmtls does not parse or check them, so a
	 * response saying "revoked" is accepted unless the host's verify_cb
	 * checks it and rejects (RFC 6066 8 leaves that to the client).
	 * On resumption: those of the original full handshake (kept in the
	 * session). They share the peer chain buffer and live as long as it. */
	const uint8_t *ocsp_response; /* OCSPResponse DER (RFC 6960 4.2.1),
	                                 without CertificateStatus framing */
	size_t ocsp_response_len;
	const uint8_t *sct_list;      /* SignedCertificateTimestampList (RFC 6962
	                                 3.3) with its two leading length bytes,
	                                 as BoringSSL's
	                                 SSL_get0_signed_cert_timestamp_list */
	size_t sct_list_len;
	int early_data_reason;        /* WT_EARLY_REASON_*: why 0-RTT was or
	                                 was not accepted */
	int external_psk;             /* index in wt_config.psks of the
	                                 external PSK the server selected
	                                 (also when this connection resumed a
	                                 session it authenticated), -1 if none */
} wt_conn_info;

/* 0-RTT outcome (wt_conn_info.early_data). On WT_EARLY_REJECTED none of the
 * early bytes reached the application on the server: the engine never
 * resends them; the caller decides (RFC 8446 4.2.10). */
#define WT_EARLY_NOT_SENT 0
#define WT_EARLY_ACCEPTED 1
#define WT_EARLY_REJECTED 2
#define WT_EARLY_PENDING  3   /* sent, server's answer not seen yet */

/* Why 0-RTT was or was not accepted (wt_conn_info.early_data_reason): the
 * values of BoringSSL's ssl_early_data_reason_t that a TLS 1.3-only client
 * can see, with the same numbers. */
#define WT_EARLY_REASON_UNKNOWN                 0 /* not decided (yet) */
#define WT_EARLY_REASON_DISABLED                1 /* wt_config.early_data is 0 */
#define WT_EARLY_REASON_ACCEPTED                2
#define WT_EARLY_REASON_PEER_DECLINED           4 /* resumed, 0-RTT refused */
#define WT_EARLY_REASON_NO_SESSION_OFFERED      5 /* no usable session */
#define WT_EARLY_REASON_SESSION_NOT_RESUMED     6 /* full handshake instead */
#define WT_EARLY_REASON_UNSUPPORTED_FOR_SESSION 7 /* ticket max_early_data 0 */
#define WT_EARLY_REASON_HELLO_RETRY_REQUEST     8
#define WT_EARLY_REASON_ALPN_MISMATCH           9 /* session ALPN is not our first */

/* BoringSSL's SSL_early_data_reason_string() names: "accepted",
 * "disabled", "peer_declined", ...; "unknown" for anything else. */
const char *wt_early_data_reason_name(int reason);

/* A private key for client authentication: BearSSL key structures whose
 * component bytes belong to the caller. type says which one is set. */
typedef struct wt_private_key {
	int type;                 /* BR_KEYTYPE_EC or BR_KEYTYPE_RSA */
	br_ec_private_key ec;     /* P-256, P-384 or P-521 */
	br_rsa_private_key rsa;   /* 2048..4096 bits; signs with RSA-PSS */
} wt_private_key;

/* A client certificate chain (leaf first, DER) and its key. */
typedef struct wt_client_cert {
	const wt_peer_cert *chain;
	size_t chain_len;
	wt_private_key key;
} wt_client_cert;

/* What the server asked for in CertificateRequest (RFC 8446 4.3.2; in
 * TLS 1.2, RFC 5246 7.4.4: its supported_signature_algorithms, kept only
 * for the certificate types it lists, as Go does, and its
 * certificate_authorities). */
typedef struct wt_cert_request {
	const uint16_t *sig_algs;   /* signature_algorithms, server order */
	size_t sig_alg_count;
	/* certificate_authorities (RFC 8446 4.2.4), as on the wire: a run of
	 * DistinguishedNames (DER), each with a 2-byte length in front, the
	 * CAs the server accepts (Go: AcceptableCAs). NULL/0 if the server
	 * sent none, or if its Certificate message needed the room (the list
	 * shares the 64 KiB peer chain buffer; a list that does not fit next
	 * to the chain is dropped). Valid during the callback. */
	const uint8_t *ca_names;
	size_t ca_names_len;
} wt_cert_request;

/* An external PSK: a key shared with the server out of band (RFC 8446
 * 2.2). When the server selects it, the handshake is authenticated by the
 * key alone: the server sends no certificate (one that does fails with
 * unexpected_message), verify_mode and trust anchors do not apply, and
 * verify_cb runs with info->external_psk set and no certificates. Keys go through (EC)DHE (psk_dhe_ke only, RFC
 * 8446 4.2.9: forward secrecy), never 0-RTT. A PSK offered with TLS 1.3
 * must be used with no other protocol version (RFC 9258 1).
 *
 * imported = 0: the identity and key are used as they are, with the
 *   "ext binder" (RFC 8446 7.1); as OpenSSL's s_server -psk does.
 *   `hash` is the hash of the cipher suites it may be used with.
 * imported = 1: the PSK importer (RFC 9258): `hash` is the hash of the
 *   key's own KDF (SHA-256 if it has none, RFC 9258 5.1). The key is
 *   imported for each hash our cipher suites have (target KDFs SHA-256 and
 *   SHA-384): the ClientHello carries an ImportedIdentity (identity,
 *   context, TLS 1.3, target KDF) for each, with the PSK
 *   HKDF-Expand-Label(HKDF-Extract(0, key), "derived psk",
 *   Hash(ImportedIdentity), target hash length) under the "imp binder"
 *   (RFC 9258 5.1, 5.2).
 *
 * A server may also select none and authenticate with a certificate as
 * usual; with WT_VERIFY_NONE and no verify_cb (nothing would check that
 * certificate) the handshake then fails with missing_extension instead,
 * and only sessions from a handshake one of these PSKs authenticated are
 * offered.
 *
 * The server must pick a cipher suite with the PSK's hash (RFC 8446
 * 4.2.11); a PSK whose hash no configured suite has is not offered. A
 * session resumed from a ticket the server sent in an external-PSK
 * handshake is offered only while the same PSK is configured. */
#define WT_PSK_SHA256 1  /* RFC 9258 target_kdf HKDF_SHA256 */
#define WT_PSK_SHA384 2  /* HKDF_SHA384 */
typedef struct wt_external_psk {
	const uint8_t *identity;     /* 1..WT_MAX_PSK_IDENTITY bytes */
	size_t identity_len;
	const uint8_t *key;          /* WT_MIN_PSK_KEY..WT_MAX_PSK_KEY bytes
	                                (16..64): a random secret, not a
	                                password (an observer of one handshake
	                                can test guesses offline) */
	size_t key_len;
	int hash;                    /* WT_PSK_SHA256 or WT_PSK_SHA384 (above) */
	int imported;                /* 1: RFC 9258 importer */
	const uint8_t *context;      /* importer context (0..WT_MAX_PSK_IDENTITY bytes) */
	size_t context_len;
} wt_external_psk;

/* A trust anchor: a subject name and a key (BearSSL's type; flags
 * BR_X509_TA_CA for a CA), plus what the root certificate itself says,
 * which the validator keeps enforcing (RFC 5280 6.1.1 (d) lets a path
 * validator use a trust anchor's constraints; webpki and browsers do):
 *   - der: the whole certificate, or NULL. When present the validator
 *     reads the anchor's validity, name constraints, extendedKeyUsage,
 *     basicConstraints / keyUsage and critical extensions from it;
 *   - not_before / not_after: validity in Unix seconds (both 0: none
 *     known), used when der is NULL (the built-in roots carry only these).
 * A leaf certificate added as an anchor (flags 0) is trusted only as
 * itself ("direct trust": a pinned self-signed server certificate). */
typedef struct wt_trust_anchor {
	br_x509_trust_anchor ta;
	int64_t not_before, not_after;
	const uint8_t *der;
	size_t der_len;
} wt_trust_anchor;

typedef struct wt_config {
	/* SNI and the name the certificate must match. NULL: no SNI, and with
	 * WT_VERIFY_FULL the host name check is skipped only if
	 * verify_ip is set (IP literal) — see wt_config.verify_ip. */
	const char *server_name;
	/* IP literal to check against the certificate's iPAddress SANs when
	 * server_name is NULL (text form, "127.0.0.1" or "::1"). */
	const char *verify_ip;

	/* ALPN protocols in preference order (RFC 7301); count 0 = no ALPN. */
	const char *const *alpn;
	size_t alpn_count;

	/* Lowest protocol version we accept: 0 or WT_VERSION_TLS12 (the
	 * default: TLS 1.2 and 1.3 offered, the server chooses), or
	 * WT_VERSION_TLS13. */
	uint16_t min_version;

	/* Cipher suites and groups in preference order; count 0 = defaults:
	 * suites TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384,
	 * TLS_CHACHA20_POLY1305_SHA256, then (TLS 1.2) ECDHE-ECDSA and
	 * ECDHE-RSA with AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305 (at most
	 * WT_MAX_SUITES). A version is offered only if the list has a suite
	 * for it. groups X25519MLKEM768, x25519, secp256r1, secp384r1 (at most
	 * WT_MAX_GROUPS; WT_GROUP_SECP521R1 and WT_GROUP_MLKEM1024 are
	 * supported but only when listed here). The post-quantum groups are
	 * TLS 1.3's: a ClientHello offering only TLS 1.2 leaves them out. Which
	 * groups get a key share in the first ClientHello (by default
	 * X25519MLKEM768 and x25519): see key_shares. */
	const uint16_t *cipher_suites;
	size_t cipher_suite_count;
	const uint16_t *groups;
	size_t group_count;

	/* Trust anchors for WT_VERIFY_FULL (see wt_trust_store and
	 * wt_default_trust_anchors()). */
	const wt_trust_anchor *trust_anchors;
	size_t trust_anchor_count;
	int verify_mode;
	int cert_profile;        /* WT_CERT_PROFILE_*; sessions are bound to it */

	/* Called after the chain is verified (or, with WT_VERIFY_NONE, after
	 * the certificates arrive) and before the handshake completes, like
	 * Go's VerifyConnection. Return 0 to accept; anything else aborts
	 * with WT_ERR_CALLBACK: a fatal alert description (WT_ALERT_*, e.g.
	 * WT_ALERT_CERTIFICATE_UNKNOWN) is the alert sent, any other value
	 * sends bad_certificate (Go's choice). */
	int (*verify_cb)(void *ctx, const wt_conn_info *info);
	void *verify_ctx;

	/* NSS key log lines ("CLIENT_HANDSHAKE_TRAFFIC_SECRET <random> <secret>"),
	 * NUL-terminated without newline. The line buffer is wiped after. */
	void (*keylog)(void *ctx, const char *line);
	void *keylog_ctx;

	/* Largest plaintext fragment we put in one record; 0 = 16384.
	 * Must be in [64, 16384]. */
	size_t max_fragment;

	/* Records sent (or received) under one traffic key after which the
	 * engine sends a KeyUpdate on its own (RFC 8446 5.5; update_requested
	 * when the peer's key is the worn one). 0 = the suite's limit: 2^24
	 * for AES-GCM (RFC 8446 5.5 allows 2^24.5), 2^60 for
	 * ChaCha20-Poly1305. Lower it only for testing. */
	uint64_t key_update_after;

	/* 1 to disable middlebox compatibility mode (RFC 8446 D.4): no legacy
	 * session id and no dummy ChangeCipherSpec. Default 0 (enabled). */
	int no_middlebox_compat;

	/* Session resumption (RFC 8446 2.2, 4.6.1). Each NewSessionTicket is
	 * handed to session_cb as an opaque, versioned blob (at most
	 * WT_MAX_SESSION bytes, valid only during the call: copy it). The
	 * host stores it keyed by server name + port + ALPN, and passes it
	 * back in `session` to offer it; a session is single-use by default
	 * (RFC 8446 C.4: forget it once offered). The blob holds the
	 * resumption secret: store it like a password, and protect the store
	 * from writes like the trust store (the binding below is recorded in
	 * the blob, not signed: a writable store lets an attacker plant a
	 * session for its own server). The engine skips a
	 * session that is malformed, expired (or dated in the future), for a
	 * suite we don't offer, or that this connection would not have
	 * accepted in a full handshake: another server name or IP literal,
	 * or, with WT_VERIFY_FULL, a session whose chain was not verified,
	 * was verified to other trust anchors (wt_trust_anchors_digest) or
	 * under another sig_algs list, or
	 * whose leaf certificate is no longer valid now. `session` must stay
	 * valid during the handshake. */
	void (*session_cb)(void *ctx, const uint8_t *blob, size_t len);
	void *session_ctx;
	const uint8_t *session;
	size_t session_len;

	/* 1: when the offered session allows 0-RTT (and its ALPN is our first
	 * ALPN protocol), accept up to its max_early_data bytes through
	 * sendapp before the handshake completes (RFC 8446 4.2.10). Early
	 * data is replayable: send only idempotent requests. */
	int early_data;

	/* Client authentication (RFC 8446 4.4.2): a fixed certificate, or a
	 * callback consulted when the server sends CertificateRequest (like
	 * Go's GetClientCertificate; return NULL to send no certificate, or
	 * WT_CLIENT_CERT_ABORT to abort the handshake with
	 * WT_ERR_CLIENT_CERT_ABORTED and an internal_error alert, as Go does
	 * when GetClientCertificate returns an error). Without either, a
	 * CertificateRequest is answered with an empty Certificate and the
	 * server decides. */
	const wt_client_cert *client_cert;
	const wt_client_cert *(*get_client_cert)(void *ctx, const wt_cert_request *req);
	void *client_cert_ctx;

	/* Signature schemes (WT_SIG_*) for the server's CertificateVerify, in
	 * preference order: sent as signature_algorithms (RFC 8446 4.2.3) and
	 * the only ones accepted; a server signing with another one fails
	 * with illegal_parameter. count 0 = ecdsa_secp256r1_sha256,
	 * ecdsa_secp384r1_sha384, ecdsa_secp521r1_sha512,
	 * rsa_pss_rsae_sha256, rsa_pss_rsae_sha384, rsa_pss_rsae_sha512 —
	 * the schemes a TLS 1.3 CertificateVerify may use that the engine
	 * verifies. rsa_pkcs1_sha256/384/512 may also be listed (RFC 8446
	 * 4.2.3: for TLS 1.2 and certificates) but are never accepted in a TLS
	 * 1.3 CertificateVerify; SHA-1, MD5 and EdDSA are not allowed. At most
	 * WT_MAX_SIG_ALGS, no repeats; anything else is WT_ERR_BAD_CONFIG.
	 * signature_algorithms_cert (what certificates may be signed with) is
	 * not affected. */
	const uint16_t *sig_algs;
	size_t sig_alg_count;

	/* Our preference order for signing CertificateVerify with a client
	 * certificate (RFC 8446 4.4.3): the engine signs with the first
	 * scheme here that the server's CertificateRequest lists and the key
	 * can produce (ECDSA: the scheme of the key's curve; RSA: RSA-PSS).
	 * count 0 = the key's own order: its ECDSA scheme, or
	 * rsa_pss_rsae_sha256, _sha384, _sha512. Same allowed values and
	 * limits as sig_algs (rsa_pkcs1_* entries are skipped in TLS 1.3). No
	 * usable scheme: handshake_failure. */
	const uint16_t *sign_algs;
	size_t sign_alg_count;

	/* Groups (from `groups`, distinct, at most WT_MAX_KEY_SHARES) that
	 * get a key share in the first ClientHello (RFC 8446 4.2.8), in this
	 * order. key_share_count 0 = the first group, and when `groups` mixes
	 * post-quantum (X25519MLKEM768, MLKEM1024) and classical groups, the
	 * first of the other kind too (as Chrome and BoringSSL). no_key_shares = 1
	 * sends an empty key_share list instead (key_share_count must be 0):
	 * the server has to answer with a HelloRetryRequest naming a group.
	 * The ServerHello must pick a group we sent a share for; a
	 * HelloRetryRequest must ask for a listed group we sent no share for
	 * (RFC 8446 4.1.4); both otherwise fail with illegal_parameter. */
	const uint16_t *key_shares;
	size_t key_share_count;
	int no_key_shares;

	/* 1: ask for a stapled OCSP response (status_request, RFC 6066 8) /
	 * for Certificate Transparency SCTs (signed_certificate_timestamp,
	 * RFC 6962 3.3.1); see wt_conn_info.ocsp_response / sct_list. Only
	 * then may a CertificateEntry carry them (RFC 8446 4.2); those on
	 * intermediates are checked and dropped, as BoringSSL does. */
	int request_ocsp;
	int request_sct;

	/* 1: keep the server's whole certificate chain after the handshake
	 * (wt_conn_info.peer_certs, session blobs). 0 (default): only the
	 * leaf, which a session needs to be resumed (its validity), so an
	 * established connection does not hold the intermediates; a verify
	 * callback sees the whole chain the server sent, or on a resumed
	 * connection what the session kept (the leaf, unless the original
	 * connection had keep_peer_chain). */
	int keep_peer_chain;

	/* 1: GREASE (RFC 8701), as Chrome sends it: a reserved 0x?A?A value
	 * in cipher_suites, supported_groups (with a one-byte key share),
	 * supported_versions and as two extensions, so that servers keep
	 * tolerating values they do not know. A server that selects one
	 * fails like any other unoffered value. */
	int grease;
	/* 1: send the ClientHello extensions in a random order (one per
	 * connection, kept after a HelloRetryRequest; pre_shared_key stays
	 * last), as Chrome does, so no server can depend on the order. */
	int permute_extensions;

	/* External pre-shared keys to offer (RFC 8446 2.2, 4.2.11), at most
	 * WT_MAX_EXTERNAL_PSKS, after the resumption session if there is one.
	 * See wt_external_psk. They are TLS 1.3's: when only a PSK can
	 * authenticate the server (WT_VERIFY_NONE, no verify_cb), TLS 1.2
	 * is not offered at all. */
	const wt_external_psk *psks;
	size_t psk_count;
} wt_config;

/* What get_client_cert returns to abort the handshake (never read). */
extern const wt_client_cert wt_client_cert_abort;
#define WT_CLIENT_CERT_ABORT (&wt_client_cert_abort)

/* Parses a PEM private key (EC "EC PRIVATE KEY"/PKCS#8 or RSA) into *key,
 * with the key material stored in buf (caller memory, keep it alive and
 * wipe it when done). Returns 0 or WT_ERR_BAD_CONFIG. */
int wt_private_key_parse_pem(wt_private_key *key, const char *pem, size_t len,
	uint8_t *buf, size_t cap);

/* 0 if the chain's leaf carries the public half of cert->key, else
 * WT_ERR_BAD_CONFIG. wt_engine_init checks cfg->client_cert with it. */
int wt_client_cert_check(const wt_client_cert *cert);

/* Parses a PEM chain (leaf first) into chain[] entries pointing into buf.
 * Returns the number of certificates, or a negative WT_ERR_* code. */
int wt_cert_chain_parse_pem(wt_peer_cert *chain, size_t max, const char *pem,
	size_t len, uint8_t *buf, size_t cap);

/* ------------------------------------------------------------------ */
/* Trust anchors                                                        */
/* ------------------------------------------------------------------ */


/* Mozilla's roots (Debian ca-certificates), compiled in at build time,
 * each with its validity period. */
const wt_trust_anchor *wt_default_trust_anchors(size_t *count);

/* A certificate wt_trust_store_add_pem() left out, as on_skip sees it
 * (valid only during the call). */
typedef struct wt_trust_skip {
	size_t index;             /* its position among the certificates of
	                             this PEM input, from 1 */
	const uint8_t *subject;   /* its subject Name (DER, tag included), NULL
	                             if the certificate is too malformed to
	                             tell; wt_dn_format() makes it text */
	size_t subject_len;
	int err;                  /* WT_ERR_CERT_UNSUPPORTED: key type or size
	                             (Ed25519, RSA-PSS, RSA under 2048 or over
	                             4096 bits, other curves...);
	                             WT_ERR_CERT_INVALID: malformed DER */
	const char *reason;       /* static text */
} wt_trust_skip;

/* Parses PEM certificates into trust anchors held in caller memory.
 * anchors/buf are caller-provided arrays; parsing fails (without partial
 * effect on earlier anchors) if either fills up. A buf of the PEM's length
 * always suffices (an anchor's DER is 3/4 of its base64).
 * Set on_skip/skip_ctx after wt_trust_store_init() to hear about skipped
 * certificates. */
typedef struct wt_trust_store {
	wt_trust_anchor *anchors;
	size_t count, max;
	uint8_t *buf;           /* each anchor's certificate (DER): its name,
	                           key and der point into it */
	size_t used, cap;
	void (*on_skip)(void *ctx, const wt_trust_skip *skip);  /* or NULL */
	void *skip_ctx;
	size_t skipped;         /* certificates the last add left out */
	const char *reason;     /* why the last add failed ("" if it did not) */
} wt_trust_store;
void wt_trust_store_init(wt_trust_store *ts, wt_trust_anchor *anchors,
	size_t max, uint8_t *buf, size_t cap);
/* Adds every usable certificate of the PEM text (objects other than
 * CERTIFICATE / X509 CERTIFICATE are ignored). A certificate that cannot
 * be an anchor — a key BearSSL does not verify with (Ed25519, RSA-PSS,
 * RSA over 4096 bits, curves other than P-256/384/521), an RSA key under
 * 2048 bits, or DER that does not decode — is skipped: on_skip is called
 * with its subject and reason, ts->skipped counts it, and the others are
 * still added. Returns the number of anchors added (>= 1), or a negative
 * value with ts->reason set and the store as it was before the call
 * (on_skip may already have been called):
 *   -WT_ERR_CERT_UNSUPPORTED  every certificate was skipped, all for their key;
 *   -WT_ERR_CERT_INVALID      no certificate, bad PEM (base64, BEGIN without
 *                             END), or every certificate skipped, some malformed;
 *   -WT_ERR_BUFFER_TOO_SMALL  anchors or buf full. */
int wt_trust_store_add_pem(wt_trust_store *ts, const char *pem, size_t len);

/* Writes a DER Name (tag included) as RFC 4514 text into out[0..cap),
 * NUL-terminated: "CN=Example Root,O=Example,C=US" (last RDN first).
 * Non-ASCII and control bytes are escaped as \XX, so the text is safe to
 * print; too long a name ends in "...". Returns out. */
const char *wt_dn_format(const uint8_t *dn, size_t len, char *out, size_t cap);

/* SHA-256 digest identifying a set of trust anchors (their order, flags,
 * names, keys, validity and certificates). Session blobs record it, and a session verified under
 * one set of anchors is never resumed under another. Hosts may use it in
 * their session-cache keys. */
void wt_trust_anchors_digest(const wt_trust_anchor *tas, size_t n,
	uint8_t out[32]);

/* Verifies a chain (leaf first, then any other certificates in any order,
 * at most WT_MAX_PEER_CERTS) as the engine does, outside a handshake.
 * host may be a DNS name, an IP literal or NULL (no name check). time_unix
 * is the validation time, profile a WT_CERT_PROFILE_* (an unknown one is
 * WT_ERR_BAD_CONFIG). Returns 0 or a WT_ERR_CERT_* code; reason (if
 * non-NULL) receives a NUL-terminated description in reason[0..reason_cap)
 * (WT_REASON_MAX bytes always suffice; longer text is cut with "..."). */
#define WT_REASON_MAX 256
int wt_verify_chain(const wt_peer_cert *chain, size_t n,
	const wt_trust_anchor *tas, size_t ta_count,
	const char *host, int64_t time_unix, int profile, char *reason,
	size_t reason_cap);

/* ------------------------------------------------------------------ */
/* The engine                                                           */
/* ------------------------------------------------------------------ */

/* State bits from wt_engine_current_state(). */
#define WT_CLOSED   0x0001  /* finished (cleanly or not): see last_error */
#define WT_SENDREC  0x0002  /* sendrec_buf has bytes to write */
#define WT_RECVREC  0x0004  /* recvrec_buf accepts bytes */
#define WT_SENDAPP  0x0008  /* sendapp_buf accepts plaintext */
#define WT_RECVAPP  0x0010  /* recvapp_buf has plaintext */
/* Before the handshake completes, with cfg->early_data and a session that
 * allows it: sendapp_buf accepts plaintext that goes out as 0-RTT early
 * data. It is replayable (RFC 8446 8, E.5) and is lost if the server
 * rejects it (wt_conn_info.early_data); WT_SENDAPP is not set meanwhile. */
#define WT_SENDEARLY 0x0020

#include "wt_engine_ctx.h"   /* struct layout: opaque to callers */

/* Memory the caller lends the engine (see the top of this file). */
typedef struct wt_engine_mem {
	uint8_t *in;       /* receive buffer, at least WT_MIN_INBUF bytes */
	size_t in_len;
	uint8_t *out;      /* send buffer, at least WT_MIN_OUTBUF bytes */
	size_t out_len;
	/* handshake area, aligned as malloc() aligns, until
	 * wt_engine_release_handshake(): wt_engine_handshake_area_size()
	 * bytes (a wt_handshake) hold any handshake we accept; a smaller
	 * one, at least WT_HS_AREA_MIN bytes, needs area_alloc */
	void *hs;
	size_t hs_len;
	/* Optional (NULL: the area never grows, and a handshake message,
	 * peer chain or session blob that does not fit fails as too large).
	 * When a message header announces more than the area holds (up to
	 * WT_MAX_HS_MESSAGE), or our Certificate or a TLS 1.2 session blob
	 * needs more room, the engine asks area_alloc for a bigger area
	 * (len bytes, aligned as malloc() aligns; NULL fails the handshake with
	 * internal_error), moves its state there, wipes the old area and
	 * gives it back through area_free, which may then free it. Called
	 * from inside wt_engine_* calls; they may not call the engine. The
	 * new area is the one wt_engine_release_handshake() ends. */
	void *(*area_alloc)(void *ctx, size_t len);
	void (*area_free)(void *ctx, void *area, size_t len);
	void *area_ctx;
} wt_engine_mem;

/* Bytes of the largest handshake area (sizeof(wt_handshake)), and of
 * the smallest (wt_engine_mem.hs_len; with area_alloc). Between the two
 * the engine gives its message space and the peer chain copy half
 * each. */
size_t wt_engine_handshake_area_size(void);
#define WT_HS_AREA_FIXED offsetof(wt_handshake, space)
#define WT_HS_AREA_MIN (WT_HS_AREA_FIXED + 2048)

/* Prepares a connection and queues the ClientHello in mem's send buffer
 * (mem itself is not kept; its buffers are, until wt_engine_set_buffers
 * replaces them). Returns 0, or an error code (also latched) for a bad
 * configuration (buffers missing or too small included) or a failing
 * host RNG. */
int wt_engine_init(wt_engine_ctx *cc, const wt_config *cfg, const wt_host *host,
	const wt_engine_mem *mem);

/* Gives the handshake area back once the handshake is over (done, or
 * the connection failed): the engine wipes it (it held key shares and
 * the transcript) and never touches it again; the caller may free it.
 * The peer's credentials that wt_engine_info reports and session blobs
 * carry (the leaf, or the chain with keep_peer_chain; the OCSP response
 * and SCT list) move to keep[0..keep_len), which MUST stay valid for the
 * rest of the connection; keep_len must be at least
 * wt_engine_peer_keep_size() (0 when there is nothing to keep). keep =
 * NULL drops them (no peer_certs afterwards, and sessions are stored
 * without a certificate, so they are not resumed with WT_VERIFY_FULL).
 * Returns 0 (also when already released), WT_ERR_BAD_STATE while the
 * handshake still needs the area, or WT_ERR_BUFFER_TOO_SMALL. */
int wt_engine_release_handshake(wt_engine_ctx *cc, uint8_t *keep, size_t keep_len);
size_t wt_engine_peer_keep_size(const wt_engine_ctx *cc);

/* 1 when the record buffers hold nothing the engine still needs: no
 * partial record or post-handshake message received, no undelivered plaintext (recvapp), nothing
 * sealed or staged to send. Only then may they be detached. */
int wt_engine_buffers_idle(const wt_engine_ctx *cc);

/* Attaches record buffers (sizes as in wt_engine_mem), or detaches them
 * with in = out = NULL (lengths 0): the engine then holds only the
 * connection's keys and state, and the caller may free or reuse the
 * memory. Buffers may be swapped or detached only while
 * wt_engine_buffers_idle(); a caller that frees them should wipe them
 * first (they held plaintext). While detached, the *_buf calls return
 * NULL with length 0, an ack of a non-zero length, wt_engine_close()
 * fail with WT_ERR_BAD_STATE (latched), and wt_engine_key_update() and
 * wt_engine_abort() return WT_ERR_BAD_STATE: attach the buffers before
 * any call that moves bytes. Returns 0, WT_ERR_BAD_STATE (not idle), or
 * WT_ERR_BAD_CONFIG (only one buffer, or one too small); neither
 * failure is latched. */
int wt_engine_set_buffers(wt_engine_ctx *cc, uint8_t *in, size_t in_len,
	uint8_t *out, size_t out_len);

unsigned wt_engine_current_state(const wt_engine_ctx *cc);

uint8_t *wt_engine_sendrec_buf(wt_engine_ctx *cc, size_t *len);
void wt_engine_sendrec_ack(wt_engine_ctx *cc, size_t len);
uint8_t *wt_engine_recvrec_buf(wt_engine_ctx *cc, size_t *len);
void wt_engine_recvrec_ack(wt_engine_ctx *cc, size_t len);
uint8_t *wt_engine_sendapp_buf(wt_engine_ctx *cc, size_t *len);
void wt_engine_sendapp_ack(wt_engine_ctx *cc, size_t len);
uint8_t *wt_engine_recvapp_buf(wt_engine_ctx *cc, size_t *len);
void wt_engine_recvapp_ack(wt_engine_ctx *cc, size_t len);

/* Seals buffered application plaintext into a record now (otherwise a
 * record is sealed when the sendapp buffer fills). */
void wt_engine_flush(wt_engine_ctx *cc);

/* Sends close_notify (our write side is closed; the handshake must be
 * done, else this fails with WT_ERR_BAD_STATE). Data the peer sends after
 * it is still delivered through recvapp (RFC 8446 6.1 half-close); after
 * the peer's close_notify the state is WT_CLOSED with last_error 0. When
 * the peer closes first, the engine answers with its own close_notify. */
void wt_engine_close(wt_engine_ctx *cc);

/* Ends the connection at once with a fatal alert of the host's choice
 * (a WT_ALERT_* other than close_notify and user_canceled, which are not
 * errors: RFC 8446 6.1), at any point, handshake or not: the alert is
 * queued in sendrec, staged plaintext is dropped, and the state becomes
 * WT_CLOSED with last_error WT_ERR_ABORTED. Returns 0, WT_ERR_BAD_CONFIG
 * for a value that is not a fatal alert, or WT_ERR_BAD_STATE if the
 * connection has already failed or closed. */
int wt_engine_abort(wt_engine_ctx *cc, int alert);

/* The transport hit EOF. Without a prior close_notify this latches
 * WT_ERR_TRUNCATED (RFC 8446 6.1: truncation must be detectable). */
void wt_engine_eof(wt_engine_ctx *cc);

/* Queues a KeyUpdate (RFC 8446 4.6.3) and switches our sending keys.
 * request_peer = 1 asks the server to update its keys too. */
int wt_engine_key_update(wt_engine_ctx *cc, int request_peer);

/* RFC 8446 7.5 exporter; valid after the handshake. context may be NULL
 * (absent) — an empty context is distinct from no context only in TLS 1.2,
 * in TLS 1.3 both hash the empty string. Returns 0 or an error code. */
int wt_engine_export(wt_engine_ctx *cc, const char *label,
	const uint8_t *context, size_t context_len, uint8_t *out, size_t out_len);

/* RFC 8446 7.5 early exporter (early_exporter_master_secret); valid once
 * 0-RTT keys exist (a session with early data was offered). */
int wt_engine_export_early(wt_engine_ctx *cc, const char *label,
	const uint8_t *context, size_t context_len, uint8_t *out, size_t out_len);

/* 1 once the handshake has completed. */
int wt_engine_handshake_done(const wt_engine_ctx *cc);
/* Negotiated parameters; valid once the handshake is done (and inside the
 * verify callback). */
void wt_engine_info(const wt_engine_ctx *cc, wt_conn_info *info);

int wt_engine_last_error(const wt_engine_ctx *cc);
/* Human-readable cause of the first error ("" if none). */
const char *wt_engine_error_reason(const wt_engine_ctx *cc);

/* Wipes every secret in the context, and the record buffers and
 * handshake area attached to it (they held plaintext and keys). Call when
 * done with it. */
void wt_engine_wipe(wt_engine_ctx *cc);

#ifdef __cplusplus
}
#endif
#endif
