// x509-limbo (../shared/vectors/x509-limbo/limbo-core.json): its SERVER
// cases and the ones where wasmtls knowingly answers otherwise, shared by
// the native (tests/x509.test.mjs, `wasmtls verify`) and wasm
// (tests/wasm_ca.test.mjs, verifyChain) runs, which must agree.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const LIMBO = fileURLToPath(new URL('../../../shared/vectors/x509-limbo/limbo-core.json', import.meta.url));

/** The SERVER validation cases. */
export function limboCases() {
  if (!existsSync(LIMBO)) throw new Error(`x509-limbo vectors not found at ${LIMBO}`);
  return JSON.parse(readFileSync(LIMBO, 'utf8')).testcases.filter((t) => t.validation_kind === 'SERVER');
}

// x509-limbo cases where our answer knowingly differs from the expected
// one, each for a reason outside what our validator (src/x509.c, issue 12)
// sets out to do, or where limbo itself asks for both answers. The cases
// run under the default profile (WT_CERT_PROFILE_WEB).
const NO_CRL = 'revocation (CRLs) is not checked, as in most TLS clients';
const NO_MAX_DEPTH = 'limbo max_chain_depth is a validator option the CLI does not expose (our bound is 8 intermediates, as webpki\'s)';
const EE_CA = 'a CA certificate as the leaf is refused (issue 12: "leaf must not be a CA"; CA/B Forum BR 7.1.2.7.8, limbo webpki::ee-basicconstraints-ca); limbo\'s RFC 5280 cases accept it';
const EKU_ABSENT = 'contradicted by limbo webpki::eku::ee-without-eku (FAILURE): the web profile requires serverAuth in the leaf (issue 12, CA/B Forum BR 7.1.2.7.10); --cert-profile private accepts it (tested below)';
const NC_CRITICAL = 'contradicted by limbo webpki::nc::permitted-dns-match-noncritical (SUCCESS): a non-critical nameConstraints is enforced, not refused, as webpki and Go do and CA/B Forum BR 7.1.2.5.2 allows';
const DEBIAN_ROOTS = 'a CA/B Forum root rule that roots in Debian\'s store break (non-critical basicConstraints: Go Daddy Class 2, Starfield Class 2, Chunghwa ePKI; no subjectKeyIdentifier: TWCA Global, Hongkong Post Root CA 1; authorityCertIssuer/SerialNumber: Go Daddy, Starfield, Certigna, QuoVadis Root CA 2/3): enforcing it on --cafile anchors would refuse chains the built-in roots accept';
const CN_PROFILE = 'the subject CN is never used as a name (only the SAN is, RFC 6125 6.4.4); CA/B Forum BR 7.1.4.3 (CN a copy of a SAN entry) is not enforced because limbo contradicts it: 5 of its valid cases (e.g. webpki::san::leftmost-wildcard-san, rfc5280::nc::permitted-dns-match-more) have CN=example.com outside the SAN';
const ANCHOR_AKI = 'contradicted by limbo cve::cve-2024-0567 (SUCCESS), whose cross-signed trust anchor also has no authorityKeyIdentifier: a trust anchor is trusted for its key, whatever its issuance (limbo marks this case pedantic-rfc5280)';
const PUBLIC_SUFFIX = 'no public suffix list (about 200 KB of data, more than the whole npm package): wildcards are refused only over fewer than two labels';
export const KNOWN = {
	'crl::crlnumber-critical': NO_CRL,
	'crl::crlnumber-missing': NO_CRL,
	'crl::issuer-missing-crlsign': NO_CRL,
	'crl::revoked-certificate-with-crl': NO_CRL,
	'pathlen::max-chain-depth-0-exhausted': NO_MAX_DEPTH,
	'pathlen::max-chain-depth-1-exhausted': NO_MAX_DEPTH,
	'pathlen::validation-ignores-pathlen-in-leaf': EE_CA,
	'rfc5280::ca-as-leaf': EE_CA,
	'rfc5280::eku::ee-without-eku': EKU_ABSENT,
	'rfc5280::nc::permitted-dns-match-noncritical': NC_CRITICAL,
	'rfc5280::aki::cross-signed-root-missing-aki': ANCHOR_AKI,
	'rfc5280::ski::root-missing-ski': DEBIAN_ROOTS,
	'rfc5280::root-non-critical-basic-constraints': DEBIAN_ROOTS,
	'webpki::aki::root-with-aki-all-fields': DEBIAN_ROOTS,
	'webpki::aki::root-with-aki-authoritycertissuer': DEBIAN_ROOTS,
	'webpki::aki::root-with-aki-authoritycertserialnumber': DEBIAN_ROOTS,
	'webpki::cn::case-mismatch': CN_PROFILE,
	'webpki::cn::ipv4-hex-mismatch': CN_PROFILE,
	'webpki::cn::ipv4-leading-zeros-mismatch': CN_PROFILE,
	'webpki::cn::ipv6-non-rfc5952-mismatch': CN_PROFILE,
	'webpki::cn::ipv6-uncompressed-mismatch': CN_PROFILE,
	'webpki::cn::ipv6-uppercase-mismatch': CN_PROFILE,
	'webpki::cn::not-in-san': CN_PROFILE,
	'webpki::cn::punycode-not-in-san': CN_PROFILE,
	'webpki::cn::utf8-vs-punycode-mismatch': CN_PROFILE,
	'webpki::san::public-suffix-multi-label-wildcard-san': PUBLIC_SUFFIX,
	'webpki::san::public-suffix-private-namespace-wildcard-san': PUBLIC_SUFFIX,
};

