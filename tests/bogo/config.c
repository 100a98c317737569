/*
 * bogo_shim flag parsing: the subset of BoringSSL's test_config.cc flags
 * that a TLS 1.2 and 1.3 client without renegotiation, False Start and
 * the other features config.json lists can honour. Every other flag exits 89
 * ("unimplemented"), so the runner counts such a test as unimplemented
 * instead of failing it for the wrong reason.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasmtls.h"
#include "bogo.h"

void
bogo_unimplemented(const char *fmt, ...)
{
	va_list ap;

	fputs("unimplemented: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	exit(BOGO_EXIT_UNIMPLEMENTED);
}

void
bogo_fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "error: %s: ", name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	exit(BOGO_EXIT_FAIL);
}

enum flag_type {
	F_BOOL,     /* no parameter: sets the int to 1 */
	F_INT,      /* decimal int */
	F_U64,      /* decimal uint64 (-shim-id) */
	F_STR,      /* string, kept as a pointer into argv */
	F_U16VEC,   /* repeatable: appends a decimal uint16 */
	F_NOOP,     /* no parameter, accepted and ignored */
	F_NEWCRED,  /* no parameter: starts a new X.509 credential */
	F_NEWPSK,   /* no parameter: starts a new PSK credential */
	F_POLICY    /* no parameter: sets compliance to count_off (a BOGO_POLICY_*) */
};

typedef struct flag {
	const char *name;
	enum flag_type type;
	size_t off;      /* field offset in bogo_config */
	size_t count_off; /* F_U16VEC: offset of the count */
	/* Credential flags (test_config.cc CredentialFlagWithDefault): once a
	 * -new-x509-credential was seen, they fill the newest credential at
	 * these offsets in bogo_cred instead. cred is 0 for other flags. */
	int cred;
	size_t cred_off, cred_count_off;
} flag;

#define B(n, f)   { n, F_BOOL, offsetof(bogo_config, f), 0, 0, 0, 0 }
#define I(n, f)   { n, F_INT, offsetof(bogo_config, f), 0, 0, 0, 0 }
#define S(n, f)   { n, F_STR, offsetof(bogo_config, f), 0, 0, 0, 0 }
#define V(n, f, c) { n, F_U16VEC, offsetof(bogo_config, f), offsetof(bogo_config, c), 0, 0, 0 }
#define N(n)      { n, F_NOOP, 0, 0, 0, 0, 0 }
#define P(n, pol) { n, F_POLICY, offsetof(bogo_config, compliance), pol, 0, 0, 0 }
#define CS(n, f)  { n, F_STR, offsetof(bogo_config, f), 0, 1, offsetof(bogo_cred, f), 0 }
#define CB(n, f)  { n, F_BOOL, offsetof(bogo_config, f), 0, 1, offsetof(bogo_cred, f), 0 }
#define CV(n, f, c) { n, F_U16VEC, offsetof(bogo_config, f), offsetof(bogo_config, c), 1, \
	offsetof(bogo_cred, f), offsetof(bogo_cred, c) }

static const flag flags[] = {
	I("-port", port),
	B("-ipv6", ipv6),
	{ "-shim-id", F_U64, offsetof(bogo_config, shim_id), 0, 0, 0, 0 },
	I("-resume-count", resume_count),
	B("-is-handshaker-supported", is_handshaker_supported),

	B("-async", async),
	B("-shim-writes-first", shim_writes_first),
	B("-shim-shuts-down", shim_shuts_down),
	B("-check-close-notify", check_close_notify),
	I("-read-size", read_size),

	S("-trust-cert", trust_cert),
	B("-verify-peer", verify_peer),
	B("-verify-fail", verify_fail),
	S("-host-name", host_name),
	S("-expect-peer-cert-file", expect_peer_cert_file),
	I("-expect-peer-signature-algorithm", expect_peer_sigalg),
	V("-verify-prefs", verify_prefs, verify_pref_count),
	B("-enable-ocsp-stapling", enable_ocsp_stapling),
	B("-use-ocsp-callback", use_ocsp_callback),
	B("-fail-ocsp-callback", fail_ocsp_callback),
	V("-key-shares", key_shares, key_share_count),
	B("-no-key-shares", no_key_shares),
	P("-fips-202205", BOGO_POLICY_FIPS_202205),
	P("-wpa-202304", BOGO_POLICY_WPA_202304),
	P("-cnsa1-202603", BOGO_POLICY_CNSA1_202603),
	P("-cnsa2-202603", BOGO_POLICY_CNSA2_202603),
	S("-expect-ocsp-response", expect_ocsp_response),
	B("-enable-signed-cert-timestamps", enable_signed_cert_timestamps),
	S("-expect-signed-cert-timestamps", expect_sct_list),

	I("-min-version", min_version),
	I("-max-version", max_version),
	I("-expect-version", expect_version),
	V("-curves", curves, curve_count),
	I("-expect-curve-id", expect_curve_id),
	S("-cipher", cipher),
	I("-expect-cipher", expect_cipher),
	S("-advertise-alpn", advertise_alpn),
	S("-expect-alpn", expect_alpn),
	B("-expect-hrr", expect_hrr),
	B("-expect-no-hrr", expect_no_hrr),

	CS("-cert-file", cert_file),
	CS("-key-file", key_file),
	CV("-signing-prefs", signing_prefs, signing_pref_count),
	CB("-must-match-issuer", must_match_issuer),
	B("-fail-cert-callback", fail_cert_callback),
	/* SSL_CTX_set_client_cert_cb instead of a preinstalled certificate
	 * and SSL_set_cert_cb: the engine only has the callback form
	 * (get_client_cert), so this is how the shim always works. */
	B("-use-old-client-cert-callback", use_old_client_cert_callback),
	{ "-new-x509-credential", F_NEWCRED, 0, 0, 0, 0, 0 },
	{ "-new-psk-credential", F_NEWPSK, 0, 0, 0, 0, 0 },
	CS("-psk-importer-key", psk_importer_key),
	CS("-psk-importer-identity", psk_importer_identity),
	CS("-psk-importer-context", psk_importer_context),
	CB("-psk-importer-sha256", psk_importer_sha256),
	CB("-psk-importer-sha384", psk_importer_sha384),
	B("-expect-no-peer-cert", expect_no_peer_cert),
	B("-enable-grease", enable_grease),
	B("-permute-extensions", permute_extensions),
	S("-expect-client-ca-list", expect_client_ca_list),
	/* BoringSSL prefers AES-GCM on CPUs with AES instructions and
	 * ChaCha20 without; the test gives the suite for each case. The
	 * native engine's default order is AES first (the wasm build's is
	 * ChaCha20 first), so the shim expects expect_cipher_aes. */
	I("-expect-cipher-aes", expect_cipher_aes),
	I("-expect-cipher-no-aes", expect_cipher_no_aes),
	/* Both only relax TLS 1.2 behaviour (BoringSSL: RSA keyUsage is
	 * always enforced in TLS 1.3; TLS 1.3 has no renegotiation): the
	 * engine does neither in any case (the TLS 1.2 tests that need
	 * them are disabled in config.json, *RSAKeyUsage* and
	 * Renegotiat*). */
	B("-ignore-rsa-key-usage", ignore_rsa_key_usage),
	B("-renegotiate-freely", renegotiate_freely),
	/* A stapled OCSP response / SCT list for our own certificate: the
	 * engine never staples to the client certificate (a TLS 1.3 server
	 * may ask, RFC 8446 4.4.2.1; none of the client tests does). */
	S("-ocsp-response", own_ocsp_response),
	S("-signed-cert-timestamps", own_sct_list),
	I("-expect-selected-credential", expect_selected_credential),

	V("-expect-peer-verify-pref", expect_peer_verify_prefs, expect_peer_verify_pref_count),
	B("-use-custom-verify-callback", use_custom_verify_callback),
	B("-reverify-on-resume", reverify_on_resume),
	B("-expect-verify-result", expect_verify_result),

	B("-expect-session-miss", expect_session_miss),
	B("-expect-no-session", expect_no_session),
	B("-expect-ticket-renewal", expect_ticket_renewal),
	B("-expect-no-session-id", expect_no_session_id),
	B("-enable-early-data", enable_early_data),
	B("-expect-accept-early-data", expect_accept_early_data),
	B("-expect-reject-early-data", expect_reject_early_data),
	B("-expect-ticket-supports-early-data", expect_ticket_supports_early_data),
	S("-expect-early-data-reason", expect_early_data_reason),
	B("-expect-no-offer-early-data", expect_no_offer_early_data),
	I("-resumption-delay", resumption_delay),

	I("-export-keying-material", export_keying_material),
	S("-export-label", export_label),
	S("-export-context", export_context),
	B("-use-export-context", use_export_context),
	B("-key-update", key_update),
	B("-send-alert", send_alert),
	I("-max-send-fragment", max_send_fragment),
	B("-export-traffic-secrets", export_traffic_secrets),
	/* The handshake is driven by the first SSL_write/SSL_read instead of
	 * SSL_do_handshake. The engine is always driven that way (by the
	 * I/O the shim feeds it): the bytes on the wire are the same. With
	 * 0-RTT and -shim-writes-first the "hello" is the first write, in
	 * early data, as in the explicit flow; otherwise the first read
	 * completes the handshake. bssl_shim then skips
	 * CheckHandshakeProperties; the shim still checks them. */
	B("-implicit-handshake", implicit_handshake),
	/* SSL_do_handshake once more after the handshake must be a no-op.
	 * The engine has no handshake call to repeat (it is driven by I/O
	 * alone): the shim checks the engine still reports a finished
	 * handshake and nothing to send. */
	B("-no-op-extra-handshake", no_op_extra_handshake),
	/* SSL_get_extms_support and SSL_get_secure_renegotiation_support
	 * are 1 for every TLS 1.3 connection (TLS 1.3 has no renegotiation
	 * and binds the whole transcript); in TLS 1.2 they say whether the
	 * ServerHello had extended_master_secret / renegotiation_info
	 * (shim.c, check_handshake). */
	B("-expect-extended-master-secret", expect_extended_master_secret),
	B("-expect-secure-renegotiation", expect_secure_renegotiation),
	B("-expect-no-secure-renegotiation", expect_no_secure_renegotiation),
	/* The engine does not parse ticket_flags (draft resumption across
	 * names): its sessions are never offered to another server name. */
	B("-expect-not-resumable-across-names", expect_not_resumable_across_names),
	B("-peek-then-read", peek_then_read),
	B("-read-with-unfinished-write", read_with_unfinished_write),

	/* SSL_OP_NO_TLSv1...: with -min-version / -max-version they make the
	 * version range (bogo_version_range). TLS 1.0 and 1.1 are never
	 * offered, so only what they do to TLS 1.2 and 1.3 matters. */
	B("-no-tls1", no_tls1),
	B("-no-tls11", no_tls11),
	B("-no-tls12", no_tls12),
	B("-no-tls13", no_tls13),
};

static const flag *
find_flag(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		if (strcmp(flags[i].name, name) == 0) {
			return &flags[i];
		}
	}
	return NULL;
}

/* Like test_config.cc's StringToInt: digits only (a leading '-' for the
 * signed types), the whole string, in range. */
static int
parse_i64(const char *s, long long lo, long long hi, long long *out)
{
	char *end;
	long long v;

	if (!((*s >= '0' && *s <= '9') || (*s == '-' && s[1] >= '0' && s[1] <= '9'))) {
		return -1;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != 0 || v < lo || v > hi) {
		return -1;
	}
	*out = v;
	return 0;
}

static int
set_flag(bogo_config *cfg, const flag *f, const char *param)
{
	char *base = (char *)cfg;
	size_t off = f->off, count_off = f->count_off;
	long long v;

	if (f->type == F_NEWCRED || f->type == F_NEWPSK) {
		if (cfg->cred_count >= BOGO_MAX_CREDS) {
			bogo_unimplemented("more than %d credentials", BOGO_MAX_CREDS);
		}
		memset(&cfg->creds[cfg->cred_count], 0, sizeof cfg->creds[0]);
		cfg->creds[cfg->cred_count].is_psk = f->type == F_NEWPSK;
		cfg->cred_count++;
		return 0;
	}
	if (f->cred && cfg->cred_count > 0) {
		base = (char *)&cfg->creds[cfg->cred_count - 1];
		off = f->cred_off;
		count_off = f->cred_count_off;
	}
	if (strcmp(f->name, "-expect-selected-credential") == 0) {
		cfg->has_expect_selected_credential = 1;
	}

	switch (f->type) {
	case F_BOOL:
		*(int *)(base + off) = 1;
		return 0;
	case F_NOOP:
	case F_NEWCRED:
	case F_NEWPSK:
		return 0;
	case F_POLICY:
		*(int *)(base + f->off) = (int)f->count_off;
		return 0;
	case F_INT:
		if (parse_i64(param, -2147483647LL - 1, 2147483647LL, &v) != 0) {
			return -1;
		}
		*(int *)(base + off) = (int)v;
		return 0;
	case F_U64: {
		char *end;
		unsigned long long u;

		if (!(*param >= '0' && *param <= '9')) {
			return -1;
		}
		errno = 0;
		u = strtoull(param, &end, 10);
		if (errno != 0 || *end != 0) {
			return -1;
		}
		*(uint64_t *)(base + f->off) = (uint64_t)u;
		return 0;
	}
	case F_STR:
		*(const char **)(base + off) = param;
		return 0;
	case F_U16VEC: {
		uint16_t *list = (uint16_t *)(base + off);
		size_t *count = (size_t *)(base + count_off);

		if (parse_i64(param, 0, 65535, &v) != 0) {
			return -1;
		}
		if (*count >= BOGO_MAX_LIST) {
			bogo_unimplemented("more than %d values for %s", BOGO_MAX_LIST, f->name);
		}
		list[(*count)++] = (uint16_t)v;
		return 0;
	}
	}
	return -1;
}

/* If *name starts with prefix + "-", strips the prefix (keeping the '-'). */
static int
remove_prefix(const char **name, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(*name, prefix, n) == 0 && (*name)[n] == '-') {
		*name += n;
		return 1;
	}
	return 0;
}

void
bogo_parse_flags(int argc, char **argv, bogo_config *initial,
	bogo_config *resume, bogo_config *retry)
{
	int i;

	memset(initial, 0, sizeof *initial);
	initial->expect_alpn = "";
	*resume = *initial;
	*retry = *initial;
	for (i = 0; i < argc; i++) {
		const char *arg = argv[i], *name = arg, *param = NULL;
		bogo_config *only = NULL;
		const flag *f;
		int skip = 0;

		/* We are the shim: -on-shim- applies, -on-handshaker- never does
		 * (no split handshakes: -is-handshaker-supported says No). */
		if (remove_prefix(&name, "-on-shim")) {
			/* applies */
		} else if (remove_prefix(&name, "-on-handshaker")) {
			skip = 1;
		}
		if (remove_prefix(&name, "-on-initial")) {
			only = initial;
		} else if (remove_prefix(&name, "-on-resume")) {
			only = resume;
		} else if (remove_prefix(&name, "-on-retry")) {
			only = retry;
		}
		f = find_flag(name);
		if (f == NULL) {
			bogo_unimplemented("flag %s", arg);
		}
		if (f->type != F_BOOL && f->type != F_NOOP && f->type != F_NEWCRED && f->type != F_NEWPSK
			&& f->type != F_POLICY)
		{
			if (i + 1 >= argc) {
				bogo_fail("bad_flags", "missing parameter for %s", arg);
			}
			param = argv[++i];
		}
		if (skip) {
			continue;
		}
		if (only != NULL) {
			if (set_flag(only, f, param) != 0) {
				bogo_fail("bad_flags", "invalid parameter for %s: %s", arg, param);
			}
		} else if (set_flag(initial, f, param) != 0 || set_flag(resume, f, param) != 0
			|| set_flag(retry, f, param) != 0)
		{
			bogo_fail("bad_flags", "invalid parameter for %s: %s", arg, param);
		}
	}
}

/* The schemes wt_config.sig_algs / sign_algs accept: what a TLS 1.3
 * CertificateVerify may use that the engine implements, and the PKCS#1
 * ones TLS 1.2 adds. */
static const uint16_t engine_sigalgs[] = {
	WT_SIG_ECDSA_SECP256R1_SHA256, WT_SIG_ECDSA_SECP384R1_SHA384,
	WT_SIG_ECDSA_SECP521R1_SHA512,
	WT_SIG_RSA_PSS_RSAE_SHA256, WT_SIG_RSA_PSS_RSAE_SHA384,
	WT_SIG_RSA_PSS_RSAE_SHA512,
	/* TLS 1.2 only, never in a TLS 1.3 CertificateVerify (RFC 8446 4.2.3) */
	WT_SIG_RSA_PKCS1_SHA256, WT_SIG_RSA_PKCS1_SHA384, WT_SIG_RSA_PKCS1_SHA512
};

int
bogo_engine_sigalg(unsigned alg)
{
	size_t i;

	for (i = 0; i < sizeof engine_sigalgs / sizeof engine_sigalgs[0]; i++) {
		if (engine_sigalgs[i] == alg) {
			return 1;
		}
	}
	return 0;
}

/* A group the engine has (it names every one it has). */
static int
group_supported(unsigned g)
{
	return g <= 0xffff && wt_group_name((uint16_t)g) != NULL;
}

/* BoringSSL's ssl_get_version_range: -min-version..-max-version (default
 * TLS 1.0..1.3, or a compliance policy's), less the -no-tls* versions; a
 * disabled version in the middle ends the range (the versions above it
 * are off too). */
int
bogo_version_range(const bogo_config *cfg, int *lo, int *hi)
{
	int min = cfg->min_version ? cfg->min_version : 0x0301;
	int max = cfg->max_version ? cfg->max_version : 0x0304;

	/* cnsa2-202603 allows ML-KEM-1024 only, which needs TLS 1.3 */
	if (cfg->compliance == BOGO_POLICY_CNSA2_202603 && min < 0x0304) {
		min = 0x0304;
	}
	int v, off[5] = { 0, cfg->no_tls1, cfg->no_tls11, cfg->no_tls12, cfg->no_tls13 };

	*lo = *hi = 0;
	for (v = min < 0x0301 ? 0x0301 : min; v <= max; v++) {
		if (off[v - 0x0300]) {
			if (*lo != 0) {
				break;   /* a hole: nothing above it */
			}
			continue;
		}
		if (*lo == 0) {
			*lo = v;
		}
		*hi = v;
	}
	if (min == 0x0300 && *lo == 0x0301) {
		*lo = 0x0300;   /* SSL 3 (never offered) */
	}
	return *hi >= 0x0303 ? 0 : -1;
}

void
bogo_check_supported(const bogo_config *cfg, const char *which)
{
	size_t i, j;
	int lo, hi;

	/* TLS 1.2 (0x0303 = 771) and 1.3 (772): a range without either
	 * needs TLS 1.0/1.1 or SSL 3, never implemented (RFC 8996). DTLS
	 * version numbers come with -dtls (89). */
	if ((cfg->min_version != 0 && (cfg->min_version < 0x0300 || cfg->min_version > 0x0304))
		|| (cfg->max_version != 0 && (cfg->max_version < 0x0300 || cfg->max_version > 0x0304)))
	{
		bogo_unimplemented("%s -min-version %d / -max-version %d", which, cfg->min_version,
			cfg->max_version);
	}
	if (bogo_version_range(cfg, &lo, &hi) != 0) {
		bogo_unimplemented("%s versions %04x..%04x: no TLS 1.2 or 1.3 (TLS 1.0/1.1 and SSL 3: "
			"never, RFC 8996)", which, (unsigned)lo, (unsigned)hi);
	}
	if (cfg->expect_version != 0 && cfg->expect_version != 0x0303
		&& cfg->expect_version != 0x0304)
	{
		bogo_unimplemented("%s -expect-version %d (TLS 1.2 and 1.3 only)", which,
			cfg->expect_version);
	}
	for (i = 0; i < cfg->curve_count; i++) {
		if (!group_supported(cfg->curves[i])) {
			bogo_unimplemented("%s -curves %u (not a group the engine has)", which,
				(unsigned)cfg->curves[i]);
		}
		for (j = 0; j < i; j++) {
			if (cfg->curves[j] == cfg->curves[i]) {
				bogo_unimplemented("%s -curves %u listed twice", which, (unsigned)cfg->curves[i]);
			}
		}
	}
	if (cfg->expect_curve_id != 0 && !group_supported((unsigned)cfg->expect_curve_id)) {
		bogo_unimplemented("%s -expect-curve-id %d", which, cfg->expect_curve_id);
	}
	if (cfg->expect_cipher != 0 && (cfg->expect_cipher < 0 || cfg->expect_cipher > 0xffff
		|| wt_suite_name((uint16_t)cfg->expect_cipher) == NULL))
	{
		bogo_unimplemented("%s -expect-cipher %d (not a suite we have)", which,
			cfg->expect_cipher);
	}
	/* -expect-peer-signature-algorithm is checked after the handshake
	 * (shim.c, check_handshake), whatever the algorithm: one the engine
	 * never offers makes the handshake fail first, which is what the
	 * tests that name such an algorithm (PKCS#1 or SHA-1 in TLS 1.3,
	 * Ed25519 outside the defaults) expect; a test expecting success
	 * with it fails visibly. */
	/* -verify-prefs becomes wt_config.sig_algs, sent as is: every value
	 * must be one the engine verifies (BoringSSL also lists TLS 1.2 ones). */
	for (i = 0; i < cfg->verify_pref_count; i++) {
		if (!bogo_engine_sigalg(cfg->verify_prefs[i])) {
			bogo_unimplemented("%s -verify-prefs %u (not a scheme the engine verifies)",
				which, (unsigned)cfg->verify_prefs[i]);
		}
	}
	if (cfg->max_send_fragment != 0
		&& (cfg->max_send_fragment < 64 || cfg->max_send_fragment > WT_MAX_PLAINTEXT))
	{
		bogo_unimplemented("%s -max-send-fragment %d (64..16384)", which, cfg->max_send_fragment);
	}
	if (cfg->read_size < 0 || cfg->export_keying_material < 0 || cfg->resume_count < 0
		|| cfg->resumption_delay < 0)
	{
		bogo_fail("bad_flags", "%s: negative -read-size, -export-keying-material, "
			"-resume-count or -resumption-delay", which);
	}
	if (cfg->export_keying_material > 65536) {
		bogo_unimplemented("%s -export-keying-material %d", which, cfg->export_keying_material);
	}
}
