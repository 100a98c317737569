/*
 * Internal interfaces between the layers of src/ (see
 * ../shared/docs/ARCHITECTURE.md). Nothing here is public API.
 */
#ifndef WT_INTERNAL_H
#define WT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wasmtls.h"

#ifdef WT_FUZZING_UNSAFE
/* Fuzzing mode (tests/fuzz/README.md): null record cipher, any key share,
 * no CertificateVerify signature or server Finished check. INSECURE: only
 * CMake's wasmtls_fuzz library (-DWT_FUZZ=ON) defines WT_FUZZ_BUILD, and
 * wt_engine_init then needs libFuzzer's entry point to link. */
#ifndef WT_FUZZ_BUILD
#error "WT_FUZZING_UNSAFE turns off TLS security: only for the wasmtls_fuzz library"
#endif
extern int (*const wt_fuzzing_unsafe_needs_libfuzzer)(const uint8_t *, size_t);
#endif

/* ------------------------------------------------------------------ */
/* codec: bounds-checked cursors (src/codec.c)                          */
/* ------------------------------------------------------------------ */

/* A reader over peer bytes. Every read checks the remaining length first;
 * on underflow it returns WT_ALERT_DECODE_ERROR and reads nothing. */
typedef struct wt_reader {
	const uint8_t *p;
	size_t len;
} wt_reader;

void wt_rd_init(wt_reader *r, const uint8_t *p, size_t len);
int wt_rd_u8(wt_reader *r, uint8_t *v);
int wt_rd_u16(wt_reader *r, uint16_t *v);
int wt_rd_u24(wt_reader *r, uint32_t *v);
int wt_rd_u32(wt_reader *r, uint32_t *v);
/* n raw bytes: *out points into the input. */
int wt_rd_bytes(wt_reader *r, size_t n, const uint8_t **out);
/* A length-prefixed block (prefix of 1, 2 or 3 bytes) as a sub-reader. */
int wt_rd_block(wt_reader *r, int prefix_len, wt_reader *sub);
/* Same, but the block must hold at least min bytes. */
int wt_rd_block_min(wt_reader *r, int prefix_len, size_t min, wt_reader *sub);
/* WT_ALERT_DECODE_ERROR unless the reader is fully consumed. */
int wt_rd_end(const wt_reader *r);

/* A writer into a fixed buffer; overflow is sticky and checked once at the
 * end (wt_wr_error), so encoders can write straight-line code. */
typedef struct wt_writer {
	uint8_t *p;
	size_t cap, len;
	int overflow;
} wt_writer;

void wt_wr_init(wt_writer *w, uint8_t *p, size_t cap);
void wt_wr_u8(wt_writer *w, uint8_t v);
void wt_wr_u16(wt_writer *w, uint16_t v);
void wt_wr_u24(wt_writer *w, uint32_t v);
void wt_wr_u32(wt_writer *w, uint32_t v);
void wt_wr_bytes(wt_writer *w, const void *p, size_t n);
/* Opens a length-prefixed block: returns a mark for wt_wr_close(). */
size_t wt_wr_open(wt_writer *w, int prefix_len);
void wt_wr_close(wt_writer *w, size_t mark, int prefix_len);
/* WT_ERR_BUFFER_TOO_SMALL if anything did not fit, else 0. */
int wt_wr_error(const wt_writer *w);

/* ------------------------------------------------------------------ */
/* crypto: wrappers over BearSSL primitives (src/crypto.c)              */
/* ------------------------------------------------------------------ */


/* NULL if id is not one of our TLS 1.3 or TLS 1.2 suites. */
const wt_suite *wt_suite_get(uint16_t id);


void wt_aead_init(wt_aead *a, const wt_suite *s, const uint8_t *key,
	const uint8_t iv[12]);
/* Encrypts data in place and writes the 16-byte tag. */
void wt_aead_seal(wt_aead *a, uint64_t seq, const uint8_t *aad,
	size_t aad_len, uint8_t *data, size_t len, uint8_t tag[16]);
/* Decrypts in place; returns 0 if the tag (compared in constant time)
 * matched, else WT_ALERT_BAD_RECORD_MAC (data is then garbage). */
int wt_aead_open(wt_aead *a, uint64_t seq, const uint8_t *aad,
	size_t aad_len, uint8_t *data, size_t len, const uint8_t tag[16]);
void wt_aead_wipe(wt_aead *a);


/* A key-exchange group (src/kex.c): its share lengths, how many random
 * bytes a key pair is made from, its ECDH curve (BR_EC_*, 0: none) and its
 * ML-KEM parameter k (0: none). NULL for a group we do not have. */
typedef struct wt_group_info {
	uint16_t id;
	size_t share_len;    /* our key share */
	size_t peer_len;     /* the server's */
	size_t rnd_len;      /* host random bytes for a key pair */
	int curve;
	unsigned mlkem_k;
} wt_group_info;
#define WT_MAX_KEX_RANDOM (64 + 48)   /* X25519MLKEM768 */
const wt_group_info *wt_group_info_get(uint16_t id);

/* Makes a key pair from the given random bytes (at least the group's
 * rnd_len; the engine fetches them from the host). Returns 0 or
 * WT_ALERT_INTERNAL_ERROR for an unsupported group. */
int wt_kex_keygen(wt_keyshare *ks, uint16_t group, const uint8_t *rnd,
	size_t rnd_len);
/* The same, but when group and twin->group (a share already made) both
 * have an X25519 part, ks gets twin's X25519 key pair instead of a new one
 * (the rest of the share still comes from rnd). twin may be NULL. */
int wt_kex_keygen_twin(wt_keyshare *ks, uint16_t group, const uint8_t *rnd,
	size_t rnd_len, const wt_keyshare *twin);
/* Computes the shared secret (x-coordinate for NIST curves; ML-KEM
 * secret || X25519 secret for X25519MLKEM768) into out (>= WT_MAX_SHARED
 * bytes). Rejects a share of the wrong length, a point not on the curve,
 * a non-uncompressed point, and an all-zero X25519 result, each with
 * WT_ALERT_ILLEGAL_PARAMETER. */
#define WT_MAX_SHARED 66   /* P-521 x-coordinate (X25519MLKEM768: 64) */
int wt_kex_derive(const wt_keyshare *ks, const uint8_t *peer,
	size_t peer_len, uint8_t *out, size_t *out_len);
void wt_kex_wipe(wt_keyshare *ks);

/* Verifies a TLS 1.3 signature (RFC 8446 4.4.3) over msg with the given
 * scheme. Supported: rsa_pss_rsae_sha256/384/512 (EMSA-PSS, salt = hash
 * length, MGF1 with the same hash; BearSSL 0.6 has no PSS so it is built
 * here on br_rsa_public), ecdsa_secp256r1_sha256, ecdsa_secp384r1_sha384
 * (DER signature; the key's curve must match the scheme). Returns 0, or
 * WT_ALERT_DECRYPT_ERROR for a bad signature, or
 * WT_ALERT_ILLEGAL_PARAMETER if scheme and key type don't match. */
int wt_sig_verify(uint16_t scheme, const br_x509_pkey *pk,
	const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len);
/* The same for a TLS 1.2 signature (ServerKeyExchange): also
 * rsa_pkcs1_sha256/384/512, and an ECDSA scheme names only its hash (any
 * of our curves signs with it, RFC 5246 7.4.1.4.1). */
int wt_sig_verify12(uint16_t scheme, const br_x509_pkey *pk,
	const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len);

/* The signature schemes we implement for a TLS 1.3 CertificateVerify
 * (RFC 8446 4.2.3), in the default preference order. */
const uint16_t *wt_sig_defaults(size_t *n);
/* 1 if scheme is one of wt_sig_defaults(). */
int wt_sig_supported(uint16_t scheme);
/* May scheme appear in sig_algs / sign_algs (also rsa_pkcs1_sha256/384/512)? */
int wt_sig_listable(uint16_t scheme);

/* Our CertificateVerify scheme for key (RFC 8446 4.4.3): the first of
 * prefs (npref 0: wt_sig_defaults()) that the server's list algs has and
 * the key can produce (ECDSA on the key's curve, RSA-PSS for RSA keys);
 * 0 if none fits. */
uint16_t wt_sig_choose(const wt_private_key *key, const uint16_t *prefs,
	size_t npref, const uint16_t *algs, size_t n);
/* The same for a TLS 1.2 CertificateVerify (RFC 5246 7.4.8): an EC key
 * signs with any ECDSA scheme (the scheme names the hash only), an RSA key
 * also with rsa_pkcs1_sha256/384/512; npref 0: ECDSA, RSA-PSS, then
 * PKCS#1 v1.5 schemes, SHA-256 first. */
uint16_t wt_sig_choose12(const wt_private_key *key, const uint16_t *prefs,
	size_t npref, const uint16_t *algs, size_t n);
/* Signs msg with scheme. salt: hash-length random bytes (RSA-PSS only).
 * sig has room for cap bytes (512 is enough for every key we accept).
 * Returns 0 or WT_ALERT_INTERNAL_ERROR. */
int wt_sig_sign(uint16_t scheme, const wt_private_key *key,
	const uint8_t *msg, size_t msg_len, const uint8_t *salt,
	uint8_t *sig, size_t cap, size_t *sig_len);
/* The same over a hash already computed (hlen: the scheme's hash length;
 * TLS 1.2 CertificateVerify signs the transcript hash). */
int wt_sig_sign_hash(uint16_t scheme, const wt_private_key *key,
	const uint8_t *hv, size_t hlen, const uint8_t *salt,
	uint8_t *sig, size_t cap, size_t *sig_len);
/* wt_sig_sign_hash for a scheme wt_sig_choose12 picked. */
int wt_sig_sign_hash12(uint16_t scheme, const wt_private_key *key,
	const uint8_t *hv, size_t hlen, const uint8_t *salt,
	uint8_t *sig, size_t cap, size_t *sig_len);

/* Constant-time equality: 1 if equal. */
int wt_ct_equal(const void *a, const void *b, size_t len);
/* 1 if v is among list[0..n). */
int wt_list_has(const uint16_t *list, size_t n, uint16_t v);
/* wt_wipe(): public, in wasmtls.h */

/* ------------------------------------------------------------------ */
/* keysched: HKDF-Expand-Label and the RFC 8446 7.1 schedule            */
/* (src/keysched.c)                                                     */
/* ------------------------------------------------------------------ */

void wt_hkdf_extract(const wt_suite *s, const uint8_t *salt, size_t salt_len,
	const uint8_t *ikm, size_t ikm_len, uint8_t *out);
/* HKDF-Expand (RFC 5869) on br_hmac; WT_ERR_BAD_CONFIG if out_len is over
 * 255 * hash_len, else 0. */
int wt_hkdf_expand(const wt_suite *s, const uint8_t *prk,
	const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len);
/* HKDF-Expand-Label (RFC 8446 7.1), label without the "tls13 " prefix. */
void wt_hkdf_expand_label(const wt_suite *s, const uint8_t *secret,
	const char *label, const uint8_t *context, size_t context_len,
	uint8_t *out, size_t out_len);


/* Early secret from a PSK (NULL: zeros, RFC 8446 7.1). */
int wt_ks_early(wt_keysched *ks, const wt_suite *s, const uint8_t *psk,
	size_t psk_len);
/* Handshake secret from the ECDHE output; derives client/server handshake
 * traffic secrets with the transcript hash through ServerHello. */
int wt_ks_handshake(wt_keysched *ks, const uint8_t *ecdhe, size_t ecdhe_len,
	const uint8_t *th);
/* Master secret; derives client/server application traffic secrets and the
 * exporter master secret with the hash through server Finished. */
int wt_ks_master(wt_keysched *ks, const uint8_t *th);
/* Resumption master secret with the hash through client Finished. */
int wt_ks_resumption(wt_keysched *ks, const uint8_t *th);
/* Finished verify_data = HMAC(finished_key(base), th) (RFC 8446 4.4.4). */
void wt_ks_finished(const wt_suite *s, const uint8_t *base_key,
	const uint8_t *th, uint8_t *out);
/* Traffic key and iv from a traffic secret (RFC 8446 7.3). */
void wt_ks_traffic_keys(const wt_suite *s, const uint8_t *secret,
	uint8_t *key, uint8_t iv[12]);
/* application_traffic_secret_N+1 (RFC 8446 7.2), in place. */
void wt_ks_next_secret(const wt_suite *s, uint8_t *secret);
/* Exporter (RFC 8446 7.5) from an exporter master secret (the regular
 * or the early one). */
int wt_ks_export(const wt_suite *s, const uint8_t *exporter_secret,
	const char *label, const uint8_t *context, size_t context_len,
	uint8_t *out, size_t out_len);
/* binder_key for a resumption PSK (needs the early stage). */
/* The binder key (RFC 8446 7.1) with its label: "res binder" for a
 * resumption PSK, "ext binder" for an external one, "imp binder" for an
 * imported one (RFC 9258 5.2). */
#define WT_BINDER_RES "res binder"
#define WT_BINDER_EXT "ext binder"
#define WT_BINDER_IMP "imp binder"
int wt_ks_binder_key(const wt_keysched *ks, const char *label, uint8_t *out);
/* client_early_traffic_secret and early_exporter_master_secret from the
 * hash of the ClientHello (needs the early stage). */
int wt_ks_early_traffic(const wt_keysched *ks, const uint8_t *th,
	uint8_t *client_early, uint8_t *early_exporter);
/* The PSK a NewSessionTicket stands for (RFC 8446 4.6.1). */
void wt_ks_ticket_psk(const wt_suite *s, const uint8_t *res_master,
	const uint8_t *nonce, size_t nonce_len, uint8_t *out);
void wt_ks_wipe(wt_keysched *ks);


void wt_transcript_init(wt_transcript *t, const wt_suite *s);
void wt_transcript_add(wt_transcript *t, const uint8_t *msg, size_t len);
/* Current hash, without finishing the running context. */
void wt_transcript_hash(const wt_transcript *t, uint8_t *out);

/* ------------------------------------------------------------------ */
/* x509: chain validation for the engine (src/x509.c)                   */
/* ------------------------------------------------------------------ */


/* Validates chain[0..n) (leaf first; the others are a pool searched for
 * a path, src/x509.c) against the anchors at time_unix, checks the host
 * name (DNS name with RFC 6125 wildcards, or an IP literal against
 * iPAddress SANs; NULL skips the name check) and the leaf's key usage for
 * signing, under profile (WT_CERT_PROFILE_*); fills *key with the leaf
 * public key. With verify_none, only decodes the leaf key (and checks its
 * keyUsage). Returns 0 or a
 * WT_ERR_CERT_* code with a NUL-terminated reason in reason[0..cap). */
int wt_x509_verify(const wt_peer_cert *chain, size_t n,
	const wt_trust_anchor *tas, size_t ta_count, const char *host,
	int64_t time_unix, int profile, int verify_none, wt_leaf_key *key,
	char *reason, size_t cap);

/* pk_verify.c: verification arithmetic on public values (variable time).
 * Same contracts as BearSSL's br_rsa_i31_public, br_rsa_i31_pkcs1_vrfy,
 * br_ecdsa_i31_vrfy_raw and br_ecdsa_i31_vrfy_asn1 (1 = success), except
 * that wt_rsa_public also refuses an exponent wt_rsa_exponent_ok does
 * not take, and wt_ecdsa_vrfy_raw r = 0. wt_rsa_exponent_ok: 1 for an
 * odd public exponent in 3 .. 2^31 - 1 (Go's crypto/rsa bounds; an even
 * one is no RSA key), big-endian, leading zero bytes allowed. */
int wt_rsa_exponent_ok(const unsigned char *e, size_t elen);
uint32_t wt_rsa_public(unsigned char *x, size_t xlen, const br_rsa_public_key *pk);
uint32_t wt_rsa_pkcs1_vrfy(const unsigned char *sig, size_t sig_len,
	const unsigned char *hash_oid, size_t hash_len,
	const br_rsa_public_key *pk, unsigned char *hash_out);
uint32_t wt_ecdsa_vrfy_raw(const br_ec_impl *impl, const void *hash, size_t hash_len,
	const br_ec_public_key *pk, const void *sig, size_t sig_len);
uint32_t wt_ecdsa_vrfy_asn1(const br_ec_impl *impl, const void *hash, size_t hash_len,
	const br_ec_public_key *pk, const void *sig, size_t sig_len);

/* RSASSA-PSS verification (RFC 8017 8.1.2, salt length = hash length) of
 * sig over the hash mhash[0..hlen) computed with hc; 0 if it verifies. */
int wt_rsa_pss_verify(const br_x509_pkey *pk, const br_hash_class *hc,
	const unsigned char *mhash, size_t hlen, const uint8_t *sig, size_t sig_len);

/* The validity period of a certificate (Unix seconds); 0, or -1 if the
 * certificate does not parse. */
int wt_x509_validity(const uint8_t *der, size_t len, int64_t *not_before,
	int64_t *not_after);

/* ------------------------------------------------------------------ */
/* hello: handshake message codecs (src/hello.c). Parsers never act;   */
/* they decode into these structs (pointers into the message) and fail */
/* with decode_error, as Go's unmarshal functions do.                  */
/* ------------------------------------------------------------------ */

/* Handshake message types (RFC 8446 4). */
#define WT_HS_CLIENT_HELLO          1
#define WT_HS_SERVER_HELLO          2
#define WT_HS_NEW_SESSION_TICKET    4
#define WT_HS_END_OF_EARLY_DATA     5
#define WT_HS_ENCRYPTED_EXTENSIONS  8
#define WT_HS_CERTIFICATE          11
#define WT_HS_CERTIFICATE_REQUEST  13
#define WT_HS_CERTIFICATE_VERIFY   15
#define WT_HS_FINISHED             20
#define WT_HS_KEY_UPDATE           24
#define WT_HS_MESSAGE_HASH        254

/* Extension numbers we read or write. */
/* Distinct extensions we accept in one server message (more is
 * decode_error: no legitimate server sends that many). */
#define WT_MAX_EXTENSIONS          32

#define WT_EXT_SERVER_NAME          0
#define WT_EXT_STATUS_REQUEST       5
#define WT_EXT_SUPPORTED_GROUPS    10
#define WT_EXT_EC_POINT_FORMATS    11
#define WT_EXT_SIGNATURE_ALGS      13
#define WT_EXT_ALPN                16
#define WT_EXT_SCT                 18
#define WT_EXT_PADDING             21
#define WT_EXT_EXTENDED_MS         23
#define WT_EXT_SESSION_TICKET      35
#define WT_EXT_EC_POINT_FORMATS    11
#define WT_EXT_PRE_SHARED_KEY      41
#define WT_EXT_EARLY_DATA          42
#define WT_EXT_SUPPORTED_VERSIONS  43
#define WT_EXT_COOKIE              44
#define WT_EXT_PSK_MODES           45
#define WT_EXT_CERT_AUTHORITIES    47
#define WT_EXT_SIG_ALGS_CERT       50
#define WT_EXT_KEY_SHARE           51
#define WT_EXT_RECORD_SIZE_LIMIT   28
#define WT_EXT_QUIC_PARAMS         57
#define WT_EXT_RENEGOTIATION_INFO 0xff01

/* One identity of the pre_shared_key extension (RFC 8446 4.2.11). */
typedef struct wt_psk_identity {
	const uint8_t *identity;        /* a ticket or an external identity */
	size_t identity_len;
	const wt_external_psk *import;  /* non-NULL: write its ImportedIdentity instead, */
	int target_kdf;                 /* for this target KDF (WT_PSK_*) */
	uint32_t obfuscated_ticket_age; /* 0 for external PSKs */
	size_t binder_len;              /* hash length of the PSK's hash */
} wt_psk_identity;

/* The RFC 9258 ImportedIdentity of p for TLS 1.3 and target_kdf (at most
 * WT_MAX_IMPORTED_IDENTITY bytes): its length, or 0 if cap is too small. */
#define WT_MAX_IMPORTED_IDENTITY (2 + WT_MAX_PSK_IDENTITY + 2 + WT_MAX_PSK_IDENTITY + 4)
size_t wt_imported_identity(const wt_external_psk *p, int target_kdf,
	uint8_t *out, size_t cap);

/* What we put in a ClientHello (everything else is fixed). */
typedef struct wt_client_hello {
	const uint8_t *random;          /* 32 bytes */
	const uint8_t *session_id;
	size_t session_id_len;
	const uint16_t *suites;
	size_t suite_count;
	const uint16_t *groups;
	size_t group_count;
	const uint16_t *sig_algs;       /* signature_algorithms */
	size_t sig_alg_count;
	const wt_keyshare *shares;      /* key_share entries (may be none) */
	size_t share_count;
	const char *server_name;        /* NULL: no SNI */
	const char *const *alpn;
	size_t alpn_count;
	const uint8_t *cookie;          /* NULL: none */
	size_t cookie_len;
	int early_data;                 /* send the early_data extension */
	int status_request, sct;        /* request OCSP stapling / SCTs */
	const wt_psk_identity *psks;    /* pre_shared_key identities (none: no extension) */
	size_t psk_count;
	const wt_grease *grease;        /* NULL: no GREASE */
	const uint8_t *ext_order;       /* NULL, or a permutation of the WT_HX_COUNT slots */
	int tls13, tls12;               /* versions offered (at least one) */
	const uint8_t *ticket12;        /* TLS 1.2 session ticket to resume (RFC 5077), */
	size_t ticket12_len;            /* or NULL / 0: an empty session_ticket */
} wt_client_hello;

/* Writes the ClientHello handshake message (header included). With PSKs
 * the binders are left zero and *binders_off is the offset of the binders
 * list (its 2-byte length): the transcript for the binders is the message
 * up to there (RFC 8446 4.2.11.2); the first binder sits 3 bytes later,
 * each next one 1 + binder_len bytes after the one before. */
int wt_hello_write(const wt_client_hello *ch, uint8_t *out, size_t cap,
	size_t *out_len, size_t *binders_off);

typedef struct wt_server_hello {
	uint16_t vers;
	const uint8_t *random;
	const uint8_t *session_id;
	size_t session_id_len;
	uint16_t cipher_suite;
	uint8_t compression;
	uint16_t supported_version;     /* 0 if absent */
	uint16_t selected_group;        /* HRR form of key_share, else 0 */
	uint16_t share_group;           /* ServerHello form, else 0 */
	const uint8_t *share;
	size_t share_len;
	const uint8_t *cookie;          /* NULL if absent */
	size_t cookie_len;
	int selected_identity_present;
	uint16_t selected_identity;
	/* extensions forbidden in a TLS 1.3 ServerHello (TLS 1.2 ones) */
	int ocsp_stapling, ticket_supported, extended_master_secret,
		secure_renegotiation_supported, alpn, scts;
	size_t secure_renegotiation_len;
	const uint8_t *alpn_proto;      /* the protocol (alpn set) */
	size_t alpn_len;
	const uint8_t *sct_list;        /* SignedCertificateTimestampList, length */
	size_t sct_list_len;            /* bytes included (scts set) */
	int point_formats;              /* ec_point_formats present, */
	int uncompressed;               /* ... listing uncompressed (0) */
	uint16_t record_size_limit;     /* RFC 8449; 0 if absent, 1 if 0 was sent */
	/* every extension type present, in order (RFC 8446 4.2 checks) */
	uint16_t ext_types[WT_MAX_EXTENSIONS];
	size_t ext_count;
} wt_server_hello;

/* body: the message without its 4-byte header. */
int wt_parse_server_hello(wt_server_hello *sh, const uint8_t *body, size_t len);

typedef struct wt_encrypted_extensions {
	const uint8_t *alpn;   /* NULL if absent */
	size_t alpn_len;
	int early_data;
	uint16_t record_size_limit;   /* RFC 8449; 0 if absent */
	uint16_t ext_types[WT_MAX_EXTENSIONS];   /* every type present, in order */
	size_t ext_count;
} wt_encrypted_extensions;

int wt_parse_encrypted_extensions(wt_encrypted_extensions *ee,
	const uint8_t *body, size_t len);

typedef struct wt_certificate_request {
	const uint8_t *context;
	size_t context_len;
	int has_sig_algs;
	wt_reader sig_algs;    /* the signature_algorithms list (u16 each) */
	wt_reader ca_names;    /* certificate_authorities: DistinguishedName<1..2^16-1> each */
} wt_certificate_request;

int wt_parse_certificate_request(wt_certificate_request *cr,
	const uint8_t *body, size_t len);

/* What the leaf's CertificateEntry may carry (RFC 8446 4.4.2.1). */
typedef struct wt_cert_status {
	int want_ocsp, want_sct;        /* in: what our ClientHello asked for */
	const uint8_t *ocsp;            /* out: OCSPResponse, NULL if absent */
	size_t ocsp_len;
	const uint8_t *sct_list;        /* out: SignedCertificateTimestampList, */
	size_t sct_list_len;            /* length bytes included; NULL if absent */
} wt_cert_status;

/* Certificate (RFC 8446 4.4.2): fills up to max entries (DER pointers into
 * body). *count is the number of entries (WT_ALERT_BAD_CERTIFICATE if over
 * max). Entry extensions: status_request and signed_certificate_timestamp,
 * when st asks for them, are decoded on every entry (malformed:
 * WT_ALERT_DECODE_ERROR) and the leaf's land in st (an intermediate's are
 * dropped); any other is WT_ALERT_UNSUPPORTED_EXTENSION once the whole
 * message has decoded (RFC 8446 4.2: we did not offer it). */
int wt_parse_certificate(const uint8_t *body, size_t len,
	wt_peer_cert *certs, size_t max, size_t *count, wt_cert_status *st);

/* 0 if p[0..len) is a SignedCertificateTimestampList (RFC 6962 3.3: a
 * non-empty list of non-empty SCTs, with its length bytes), else
 * WT_ALERT_DECODE_ERROR. */
int wt_sct_list_check(const uint8_t *p, size_t len);

int wt_parse_certificate_verify(const uint8_t *body, size_t len,
	uint16_t *scheme, const uint8_t **sig, size_t *sig_len);

typedef struct wt_new_session_ticket {
	uint32_t lifetime;
	uint32_t age_add;
	const uint8_t *nonce;
	size_t nonce_len;
	const uint8_t *ticket;
	size_t ticket_len;
	uint32_t max_early_data;
} wt_new_session_ticket;

int wt_parse_new_session_ticket(wt_new_session_ticket *t,
	const uint8_t *body, size_t len);

/* The HelloRetryRequest magic random (RFC 8446 4.1.3). */
extern const uint8_t wt_hrr_random[32];

/* ------------------------------------------------------------------ */
/* pem: PEM text into BearSSL's decoder (src/pem.c)                     */
/* ------------------------------------------------------------------ */

/* Called for each decoder event (BR_PEM_BEGIN_OBJ, BR_PEM_END_OBJ,
 * BR_PEM_ERROR); returning non-zero stops the feed with that value. */
typedef int (*wt_pem_event_fn)(void *ctx, br_pem_decoder_context *pc, int event);

/* Initialises pc and feeds it the whole of pem, line by line, with the
 * base64 re-wrapped so any line width decodes. Returns 0 or the first
 * non-zero value of fn. */
int wt_pem_feed(br_pem_decoder_context *pc, const char *pem, size_t len,
	wt_pem_event_fn fn, void *ctx);

/* ------------------------------------------------------------------ */
/* session: the resumption blob (src/session.c)                         */
/* ------------------------------------------------------------------ */

#define WT_SESSION_EXTERNAL_PSK 2
typedef struct wt_session {
	const wt_suite *suite;
	int64_t created_ms;          /* host clock when the ticket arrived */
	uint32_t lifetime;           /* seconds */
	uint32_t age_add;
	uint32_t max_early_data;
	int verify_mode;             /* WT_VERIFY_* of the full handshake */
	int verified;                /* 1: chain was verified in the full handshake;
	                                WT_SESSION_EXTERNAL_PSK: the server was
	                                authenticated by an external PSK, whose
	                                binding (hs13.c psk_binding) is trust_digest */
	uint8_t trust_digest[32];    /* wt_trust_anchors_digest() it chained to */
	const uint8_t *alpn;         /* negotiated ALPN ("" if none) */
	size_t alpn_len;
	const uint8_t *server_name;  /* SNI / name verified ("" if none) */
	size_t server_name_len;
	const uint8_t *verify_ip;    /* IP literal verified ("" if none) */
	size_t verify_ip_len;
	const uint8_t *psk;          /* suite->hash_len bytes */
	const uint8_t *ticket;
	size_t ticket_len;
	wt_peer_cert certs[WT_MAX_PEER_CERTS];
	size_t cert_count;
	const uint8_t *ocsp;         /* stapled OCSP response ("" if none) */
	size_t ocsp_len;
	const uint8_t *sct_list;     /* SCT list, length bytes included ("" if none) */
	size_t sct_list_len;
} wt_session;

/* 0 if blob is a well-formed session (pointers into blob), else -1. */
int wt_session_parse(wt_session *s, const uint8_t *blob, size_t len);
/* Serializes s into out; returns the length, 0 if it does not fit. */
size_t wt_session_write(const wt_session *s, uint8_t *out, size_t cap);

/* ---- TLS 1.2 key schedule (src/keysched.c) ---- */

/* PRF(secret, label, seed1 || seed2) with the suite's hash (RFC 5246 5). */
void wt_prf12(const wt_suite *s, uint8_t *out, size_t len,
	const uint8_t *secret, size_t secret_len, const char *label,
	const uint8_t *seed1, size_t len1, const uint8_t *seed2, size_t len2);
/* The master secret (RFC 5246 8.1), or with ems the extended master secret
 * over session_hash (RFC 7627 4; hash_len bytes). */
void wt_ks12_master(const wt_suite *s, const uint8_t *pms, size_t pms_len,
	int ems, const uint8_t *session_hash, const uint8_t client_random[32],
	const uint8_t server_random[32], uint8_t master[48]);
/* Record keys from the key block (RFC 5246 6.3): keys of key_len bytes,
 * IVs of wt_ks12_iv_len bytes, zero-padded to 12 (so that an AES-GCM IV
 * XORed with the explicit nonce is salt || nonce, RFC 5288 3). */
size_t wt_ks12_iv_len(const wt_suite *s);
void wt_ks12_keys(const wt_suite *s, const uint8_t master[48],
	const uint8_t client_random[32], const uint8_t server_random[32],
	uint8_t client_key[32], uint8_t client_iv[12],
	uint8_t server_key[32], uint8_t server_iv[12]);
/* Finished verify_data (RFC 5246 7.4.9) over the transcript hash th. */
void wt_ks12_finished(const wt_suite *s, const uint8_t master[48],
	int client, const uint8_t *th, uint8_t out[12]);

/* ------------------------------------------------------------------ */
/* engine internals shared by engine.c, record.c and hs13.c             */
/* ------------------------------------------------------------------ */

#define WT_CT_CHANGE_CIPHER_SPEC 20
#define WT_CT_ALERT              21
#define WT_CT_HANDSHAKE          22
#define WT_CT_APPLICATION_DATA   23

/* Records err (first one wins) with a reason, and returns err, so
 * handlers can write `return wt_fail(cc, WT_ALERT_..., "why")`. The engine
 * sends the alert (wt_error_alert) when control returns to it. */
int wt_fail(wt_engine_ctx *cc, int err, const char *reason);
/* Makes the handshake area's message space hold at least msg_need bytes
 * and its chain space chain_need (each capped at its maximum), moving
 * the area to a bigger one from the host (wt_engine_mem.area_alloc) if
 * needed. Pointers into the area the caller holds are stale afterwards:
 * call it before taking any (cc->msg, cc->chain, cc->certs move along).
 * 0; -1 if it does not fit and the area cannot grow (nothing latched);
 * or an error latched (the host had no memory). */
int wt_hs_reserve(wt_engine_ctx *cc, size_t msg_need, size_t chain_need);
/* The same, latching nothing: -2 when the host had no memory (or gave
 * a misaligned block); nothing changed then. */
int wt_hs_try_reserve(wt_engine_ctx *cc, size_t msg_need, size_t chain_need);

/* record.c */
/* Appends records of the given type carrying data (fragmented at
 * max_frag), sealed under the write key if one is set. */
int wt_rec_queue(wt_engine_ctx *cc, uint8_t type, const uint8_t *data,
	size_t len, size_t max_frag);
/* Seals the staged application plaintext (if any) into a record. */
void wt_rec_seal_app(wt_engine_ctx *cc);
/* Opens the complete record in cc->ibuf: checks the header, decrypts if a
 * read key is set, strips padding. On success *type is the (inner) content
 * type and [*data, *data + *len) the plaintext inside cc->ibuf;
 * *decrypted says whether the record was protected. */
int wt_rec_open(wt_engine_ctx *cc, uint8_t *type, uint8_t **data,
	size_t *len, int *decrypted);
/* Validates the record header once cc->ilen >= 5 (before the body is read). */
int wt_rec_check_header(wt_engine_ctx *cc);
/* Installs traffic keys derived from secret (RFC 8446 7.3). */
void wt_rec_set_read_secret(wt_engine_ctx *cc, const wt_suite *s,
	const uint8_t *secret);
void wt_rec_set_write_secret(wt_engine_ctx *cc, const wt_suite *s,
	const uint8_t *secret);
/* TLS 1.2: installs a write (write != 0) or read key and IV (12 bytes,
 * wt_ks12_keys) with sequence number 0. */
void wt_rec_set_keys12(wt_engine_ctx *cc, int write, const wt_suite *s,
	const uint8_t *key, const uint8_t iv[12]);
/* Bytes of a protected record we write before its content (header, and
 * TLS 1.2 AES-GCM's explicit nonce), and all the bytes it adds (with the
 * tag and TLS 1.3's content type); 5 before the write key is set. */
size_t wt_rec_head(const wt_engine_ctx *cc);
size_t wt_rec_overhead(const wt_engine_ctx *cc);

/* hs13.c */
int wt_hs13_start(wt_engine_ctx *cc);
/* Wipes the private keys of our key shares. */
void wt_hs13_wipe_key_shares(wt_engine_ctx *cc);
/* One complete handshake message (header included). */
int wt_hs13_message(wt_engine_ctx *cc, const uint8_t *msg, size_t len);
/* Fills the PSK binder of the ClientHello in cc->ch (binders list at
 * binders_off). */
void wt_hs13_write_binders(wt_engine_ctx *cc, size_t binders_off);
/* Derives the 0-RTT keys from cc->ch and installs the early write key. */
int wt_hs13_start_early_data(wt_engine_ctx *cc);
/* Queues a KeyUpdate (update_requested if request_peer) and switches our
 * write key; the caller checks the handshake is done and we may write. */
int wt_hs13_key_update(wt_engine_ctx *cc, int request_peer);
/* Emits an NSS key log line for secret (hash_len bytes) under label. */
void wt_hs13_keylog(wt_engine_ctx *cc, const char *label,
	const uint8_t *secret, size_t hash_len);

/* Shared with hs12.c: host random bytes (WT_ERR_RANDOM on failure); the
 * peer chain, OCSP response and SCT list copied into cc->chain (-1 if they
 * do not fit); Go's verifyServerCertificate (chain, host name, then
 * verify_cb); the verify callback alone; Go's checkALPN for the server's
 * protocol (NULL: none), failing with `alert` (the versions differ). */
int wt_hs13_random(wt_engine_ctx *cc, uint8_t *out, size_t len);
size_t wt_hs13_client_cert_msg_len(const wt_client_cert *cert, int tls13);
/* Appends p[0..len) to cc->chain at *used (before the CA names at its
 * end); returns its offset, or (size_t)-1 if it does not fit. */
size_t wt_hs13_keep_in_chain(wt_engine_ctx *cc, size_t *used, const uint8_t *p, size_t len);
int wt_hs13_keep_peer_credentials(wt_engine_ctx *cc, const wt_peer_cert *certs,
	size_t n, const uint8_t *ocsp, size_t ocsp_len, const uint8_t *sct, size_t sct_len);
int wt_hs13_verify_server_certificate(wt_engine_ctx *cc);
void wt_hs13_trim_peer_chain(wt_engine_ctx *cc);
int wt_hs13_run_verify_callback(wt_engine_ctx *cc);
int wt_hs13_check_alpn(wt_engine_ctx *cc, const uint8_t *proto, size_t len, int alert);
/* Go: getClientCertificate: the config's certificate or the
 * get_client_cert callback's (shown the CertificateRequest's schemes and
 * CA names); *out NULL for none (an empty Certificate). Fails with
 * WT_ERR_CLIENT_CERT_ABORTED when the callback aborts. */
int wt_hs13_client_cert(wt_engine_ctx *cc, const wt_client_cert **out);
/* Completes s (suite, times, psk and ticket set by the caller) with what
 * this connection proved and is bound to, writes the blob into cc->hs
 * after its first `used` bytes and hands it to session_cb (if any). */
void wt_hs13_store_session(wt_engine_ctx *cc, wt_session *s, size_t used);

/* hs12.c: the TLS 1.2 client (Go's handshake_client.go) */
/* The ServerHello chose TLS 1.2 (sh parsed from msg, the whole message):
 * processServerHello, then on to the server's first flight. */
int wt_hs12_server_hello(wt_engine_ctx *cc, const wt_server_hello *sh,
	const uint8_t *msg, size_t len);
/* One complete handshake message after the ServerHello. */
int wt_hs12_message(wt_engine_ctx *cc, const uint8_t *msg, size_t len);
/* Wipes the master and pre-master secrets and the pending record keys
 * (every error is fatal: nothing needs them again). */
void wt_hs12_wipe_secrets(wt_engine_ctx *cc);
/* A ChangeCipherSpec record (its payload checked by the caller). */
int wt_hs12_change_cipher_spec(wt_engine_ctx *cc);
/* RFC 5705 exporter. */
int wt_hs12_export(wt_engine_ctx *cc, const char *label,
	const uint8_t *context, size_t context_len, int use_context,
	uint8_t *out, size_t out_len);

#endif
