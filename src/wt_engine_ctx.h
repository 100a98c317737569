/*
 * Layout of wt_engine_ctx. Included by wasmtls.h so callers can allocate
 * it (statically, on the stack of a long-lived task, or in a wasm arena);
 * its fields are private: use the wt_engine_* functions.
 */
#ifndef WT_ENGINE_CTX_H
#define WT_ENGINE_CTX_H

/* Internal types the context embeds (documented in wt_internal.h). */

#define WT_MAX_HASH 48  /* SHA-384 */
/* PSKs in one ClientHello: a session's ticket, and each external PSK
 * once, or twice if imported (two target KDFs, RFC 9258 5.1). */
#define WT_MAX_PSK_OFFERS (1 + 2 * WT_MAX_EXTERNAL_PSKS)

typedef struct wt_suite {
	uint16_t id;
	const br_hash_class *hash;   /* &br_sha256_vtable or &br_sha384_vtable
	                                (TLS 1.2: the PRF's hash) */
	size_t hash_len;             /* 32 or 48 */
	size_t key_len;              /* 16 or 32 */
	int chacha;                  /* 1 for ChaCha20-Poly1305, else AES-GCM */
	int tls12_auth;              /* TLS 1.2 suites: the server key type
	                                (BR_KEYTYPE_EC or BR_KEYTYPE_RSA);
	                                0 for a TLS 1.3 suite */
} wt_suite;

/* AEAD for one direction of the record layer (RFC 8446 5.3): the nonce is
 * iv XOR the 64-bit sequence number, left-padded. */
typedef struct wt_aead {
	const wt_suite *suite;
	uint8_t iv[12];
	uint8_t key[32];
	union {
		struct {
			br_aes_gen_ctr_keys aes;
			br_gcm_context gcm;
		} g;
		struct {
			br_chacha20_run chacha;
			br_poly1305_run poly;
		} c;
	} u;
} wt_aead;

/* Our key share for one group (src/kex.c). */
#define WT_MAX_SHARE 1568  /* MLKEM1024's encapsulation key */
typedef struct wt_keyshare {
	uint16_t group;
	uint8_t priv[66];  /* ECDH: x25519 32; P-256 32; P-384 48; P-521 66 */
	size_t priv_len;
	/* ML-KEM: the parts of dk (FIPS 203 Alg. 16) besides ek (in pub):
	 * ByteEncode12(s^), H(ek) and z. Kept rather than the 64-byte seed so
	 * that decapsulation need not redo key generation (measured ~25% less
	 * client ML-KEM time in wasm). */
	uint8_t mlkem_s[384 * 4];
	uint8_t mlkem_h[32];
	uint8_t mlkem_z[32];
	uint8_t pub[WT_MAX_SHARE];  /* x25519 32; P-256 65; P-384 97; P-521 133
	                      (uncompressed points); X25519MLKEM768 1216;
	                      MLKEM1024 1568 */
	size_t pub_len;
} wt_keyshare;

/* Key schedule stages: a secret from the wrong stage cannot be asked for
 * (the functions return WT_ERR_BAD_STATE). */
enum wt_ks_stage {
	WT_KS_NONE = 0,
	WT_KS_EARLY,      /* early secret set */
	WT_KS_HANDSHAKE,  /* handshake secret set; hs traffic secrets derived */
	WT_KS_MASTER,     /* master secret set; app traffic secrets derived */
	WT_KS_DONE        /* resumption secret derived; master secret wiped */
};

typedef struct wt_keysched {
	const wt_suite *suite;
	int stage;
	uint8_t secret[WT_MAX_HASH];     /* current early/handshake/master secret */
	uint8_t client_hs[WT_MAX_HASH];
	uint8_t server_hs[WT_MAX_HASH];
	uint8_t client_ap[WT_MAX_HASH];
	uint8_t server_ap[WT_MAX_HASH];
	uint8_t exporter[WT_MAX_HASH];
	uint8_t resumption[WT_MAX_HASH];
} wt_keysched;

/* Running transcript hash: SHA-256 or SHA-384, chosen by the suite. */
typedef struct wt_transcript {
	br_hash_compat_context h;
	const wt_suite *suite;
} wt_transcript;

/* The leaf's public key, copied out of the certificate. */
typedef struct wt_leaf_key {
	br_x509_pkey pkey;
	uint8_t buf[1100];   /* RSA modulus up to 8192 bits + exponent, or EC point */
} wt_leaf_key;

/* The ClientHello extensions before padding and pre_shared_key, in the
 * order we send them unless permuted (wt_config.permute_extensions). */
enum {
	WT_HX_GREASE1, WT_HX_SERVER_NAME, WT_HX_GROUPS, WT_HX_SIGNATURE_ALGS,
	WT_HX_SIG_ALGS_CERT, WT_HX_ALPN, WT_HX_STATUS_REQUEST, WT_HX_SCT,
	WT_HX_SUPPORTED_VERSIONS, WT_HX_COOKIE, WT_HX_PSK_MODES, WT_HX_KEY_SHARE,
	WT_HX_RECORD_SIZE_LIMIT, WT_HX_EARLY_DATA,
	/* TLS 1.2 only */
	WT_HX_EC_POINT_FORMATS, WT_HX_EXTENDED_MS, WT_HX_RENEGOTIATION_INFO,
	WT_HX_SESSION_TICKET,
	WT_HX_GREASE2, WT_HX_COUNT
};

/* GREASE values of one connection (RFC 8701; wt_config.grease): a cipher
 * suite, a group (with a one-byte key share in the first ClientHello), a
 * version and two extensions, each 0x?A?A. */
typedef struct wt_grease {
	uint16_t suite, group, version, ext1, ext2;
	int key_share;
} wt_grease;

/* The most of wt_handshake's chain space: the peer credentials and a
 * TLS 1.2 ticket beside them. */
#define WT_HS_MAX_CHAIN (WT_MAX_PEER_CHAIN + WT_MAX_TICKET)
#define WT_MAX_CLIENT_HELLO 8192  /* our ClientHello, cookie included */
#define WT_MAX_COOKIE       2048  /* largest HRR cookie we echo */

/* The handshake area (wt_engine_mem.hs): state the handshake needs and
 * an established connection does not, as rustls keeps its handshake
 * State apart from the connection. The host lends it for the handshake
 * and takes it back after (wt_engine_release_handshake). */
typedef struct wt_handshake {
	uint8_t ch[WT_MAX_CLIENT_HELLO];   /* the latest ClientHello (binders, transcript) */
	size_t ch_len;
	/* The HelloRetryRequest's cookie, where it lies in that message
	 * (cc->msg): read only while the HRR is processed, by the second
	 * ClientHello that echoes it; cookie_len stays to say we sent one. */
	const uint8_t *cookie;
	size_t cookie_len;
	struct wt_keyshare shares[WT_MAX_KEY_SHARES];  /* in the latest ClientHello */
	size_t share_count;
	struct wt_transcript transcript;
	struct wt_grease grease;         /* when cfg->grease */
	uint8_t ext_order[WT_HX_COUNT];  /* when cfg->permute_extensions */
	struct wt_leaf_key leaf;         /* the server's key, for CertificateVerify / ServerKeyExchange */
	/* The variable part: only its first cc->msg_cap + cc->chain_cap
	 * bytes exist when the host lent a smaller area (wt_engine_mem.hs,
	 * WT_HS_AREA_MIN), which the engine grows on demand through
	 * wt_engine_mem.area_alloc. Never accessed by name: cc->msg is
	 * handshake reassembly (one message, header included; also where
	 * our Certificate message and a TLS 1.2 session blob are written),
	 * cc->chain the peer certificates (DER copies, leaf first), then
	 * the leaf's OCSP response and SCT list (RFC 8446 4.4.2.1), then a
	 * TLS 1.2 NewSessionTicket's ticket until the server's Finished
	 * (t12.ticket_len bytes at chain + chain_used), and the
	 * CertificateRequest's CA names at its end (ca_names_len). A host
	 * that lends sizeof(wt_handshake) bytes has both at their maximum. */
	uint8_t space[WT_MAX_HS_MESSAGE + 4 + WT_HS_MAX_CHAIN];
} wt_handshake;

typedef struct wt_engine_ctx {
	/* configuration and host (borrowed) */
	const struct wt_config *cfg;
	struct wt_host host;
	uint16_t suites[WT_MAX_SUITES];
	size_t suite_count;
	int offer_tls12, offer_tls13;  /* versions in our ClientHello */
	uint16_t version;              /* negotiated (0 before the ServerHello) */
	uint16_t groups[WT_MAX_GROUPS];
	size_t group_count;
	const uint16_t *sig_algs;      /* cfg->sig_algs or the default list */
	size_t sig_alg_count;
	size_t max_fragment;

	/* sticky error */
	int err;
	char reason[WT_REASON_MAX];  /* the first error, as text (formatted certificate reasons fit) */

	/* handshake state (enum in hs13.c) and flags */
	int hs_state;
	int hrr_seen;
	int sent_ccs;
	int close_sent;
	int close_received;
	int eof;

	/* Record buffers (caller memory, wt_engine_set_buffers; both NULL
	 * while detached). ibuf holds at most one record; after decryption
	 * its application data is served through recvapp. */
	uint8_t *ibuf;
	size_t ibuf_cap;
	uint8_t *obuf;
	size_t obuf_cap;
	size_t ilen;
	size_t app_off, app_len;
	int useless_records;   /* ignored records in a row (CCS, empty, user_canceled) */
	int warning_alerts;    /* user_canceled alerts in a row */
	int key_updates;       /* KeyUpdates in a row without app data */
	int peer_update_requested; /* asked the peer to update this read key */
	int updated_while_silent;  /* KeyUpdate sent, no app data since */

	/* outgoing records: obuf[0..olen) is sealed and waiting for sendrec;
	 * sendapp plaintext is staged at obuf[olen + 5 ...] */
	size_t olen;
	size_t ohead_rest;     /* bytes left of a partly acknowledged record at obuf[0] */
	int out_closed;        /* a fatal error's alert is queued: nothing more goes out */
	size_t app_staged;

	/* record protection */
	struct wt_aead rd, wr;
	uint64_t rd_seq, wr_seq;
	int rd_on, wr_on;

	/* Handshake area (caller memory; NULL once released): hs_area_len
	 * bytes, hs->space split into msg and chain (see wt_handshake). */
	struct wt_handshake *hs;
	size_t hs_area_len;
	uint8_t *msg, *chain;
	size_t msg_cap, chain_cap;
	void *(*area_alloc)(void *ctx, size_t len);        /* wt_engine_mem */
	void (*area_free)(void *ctx, void *area, size_t len);
	void *area_ctx;
	/* Reassembly of the message being received: hs_len bytes at reasm
	 * (cc->msg during the handshake, the receive buffer's tail after
	 * it: wt_engine_mem); hs_skip bytes of an oversized post-handshake
	 * message still to drop. */
	uint8_t *reasm;
	size_t reasm_cap;
	size_t hs_len;
	size_t hs_skip;

	/* handshake */
	const struct wt_suite *suite;
	struct wt_keysched ks;
	uint8_t client_random[32];
	uint8_t session_id[32];
	size_t session_id_len;
	uint16_t group;
	uint16_t sigalg;
	char alpn[256];
	int alpn_set;
	int cert_requested;
	uint8_t chosen_alert;  /* the alert verify_cb or wt_engine_abort chose (0: the error's) */
	int hs_more_in_record; /* the record holds more after the message being processed */
	int rd_key_changed;    /* set when read keys change: the reassembly
	                          buffer must be empty then (RFC 8446 5.1) */
	int first_record_seen;
	int first_record_sent;
	int alert_queued;
	int handshake_done;
	int in_host_callback;  /* a cfg callback is running: the host may not take
	                          back the area or the buffers (engine.c) */

	/* Peer certificates (leaf first), OCSP response and SCT list, in
	 * peer_mem: cc->chain during the handshake, then the memory the
	 * host keeps them in (wt_engine_release_handshake). OCSP and SCT
	 * are offsets, so a copied context stays valid. */
	uint8_t *peer_mem;
	struct wt_peer_cert certs[WT_MAX_PEER_CERTS];
	size_t cert_count;
	size_t ocsp_off, ocsp_len, sct_off, sct_len;
	size_t chain_used;     /* bytes of cc->chain in use from the front */
	size_t ca_names_len;   /* CertificateRequest's CA list, at the end of cc->chain */
	int verified;

	int tickets_seen;

	/* The PSKs of the latest ClientHello, in its order (RFC 8446
	 * 4.2.11): the session's ticket first, then the external PSKs. */
	struct wt_psk_offer {
		const struct wt_suite *suite;  /* one we offer with the PSK's hash */
		int ext;                       /* index in cfg->psks; -1: the ticket */
	} offers[WT_MAX_PSK_OFFERS];
	size_t offer_count;
	int using_psk;                 /* the server selected offers[selected_psk] */
	size_t selected_psk;
	int ext_psk;                   /* cfg->psks entry that authenticated the
	                                  server (directly or in the session), -1 */
	int session_ext_psk;           /* the session's, when it has one (else -1) */

	/* resumption: the session we offer (RFC 8446 4.2.11) */
	int psk_offered;
	const struct wt_suite *psk_suite;
	uint8_t psk[WT_MAX_HASH];
	const uint8_t *ticket;         /* points into cfg->session */
	size_t ticket_len;
	uint32_t ticket_age_add;
	int64_t ticket_created_ms;
	uint32_t ticket_max_early;
	char session_alpn[256];
	int verified_in_session;
	int session_verify_mode;
	uint8_t session_trust_digest[32];
	uint8_t trust_digest[32];      /* of cfg->trust_anchors, lazily */
	int trust_digest_done;

	/* 0-RTT (RFC 8446 4.2.10) */
	int early_state;               /* WT_EARLY_* */
	int early_reason;              /* WT_EARLY_REASON_* */
	size_t early_sent;
	int write_hs_pending;          /* handshake write key deferred by 0-RTT */
	uint8_t early_exporter[WT_MAX_HASH];

	/* client authentication */
	uint16_t cr_sig_algs[32];
	size_t cr_sig_alg_count;
	int client_cert_sent;

	/* record_size_limit (RFC 8449): largest plaintext the peer accepts */
	size_t peer_record_limit;

	/* TLS 1.2 (src/hs12.c) */
	struct wt_tls12 {
		br_multihash_context transcript;  /* SHA-256/384/512 of the messages */
		uint8_t server_random[32];
		uint8_t master[48];
		int ems;                  /* extended master secret (RFC 7627) */
		int resuming;             /* the server resumed our session */
		int ticket_expected;      /* the server will send NewSessionTicket */
		int ocsp_expected;        /* ... may send CertificateStatus */
		int offer_ticket;         /* our ClientHello carries a TLS 1.2 session's ticket */
		const struct wt_client_cert *cert;  /* what we answer a CertificateRequest with */
		uint16_t cert_scheme;     /* ... and sign with */
		uint8_t pms[66];          /* pre-master secret until the master (WT_MAX_SHARED) */
		size_t pms_len;
		uint8_t rd_key[32], rd_iv[12];  /* read keys from the server's CCS */
		uint8_t wr_key[32], wr_iv[12];  /* write keys from our CCS */
		uint8_t client_verify[12], server_verify[12];  /* Finished values */
		size_t ticket_len;        /* of the new ticket (at cc->chain + cc->chain_used) */
		uint32_t ticket_lifetime;
	} t12;
} wt_engine_ctx;

#endif
