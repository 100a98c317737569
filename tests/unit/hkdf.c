/*
 * HKDF (RFC 5869) as the key schedule uses it: wt_hkdf_extract and
 * wt_hkdf_expand on br_hmac, the base of HKDF-Expand-Label. Reads
 * "HASH IKM SALT INFO SIZE" lines (hex, '-' for empty; HASH is 256 or 384)
 * and prints the OKM in hex, or "invalid" when SIZE is over 255 * HashLen.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "wt_internal.h"

static long field(const char *hex, uint8_t *out, size_t cap)
{
	return strcmp(hex, "-") == 0 ? 0 : unit_unhex(hex, out, cap);
}

int main(void)
{
	static char line[1 << 16], ikm_h[1 << 14], salt_h[1 << 14], info_h[1 << 14];
	static uint8_t ikm[8192], salt[8192], info[8192], prk[WT_MAX_HASH], okm[255 * 48 + 64];

	while (fgets(line, sizeof line, stdin)) {
		int hash;
		long size, ni, ns, nf;
		const wt_suite *s;

		if (sscanf(line, "%d %16383s %16383s %16383s %ld", &hash, ikm_h, salt_h, info_h, &size) != 5) {
			continue;
		}
		s = wt_suite_get(hash == 384 ? WT_TLS_AES_256_GCM_SHA384 : WT_TLS_AES_128_GCM_SHA256);
		ni = field(ikm_h, ikm, sizeof ikm);
		ns = field(salt_h, salt, sizeof salt);
		nf = field(info_h, info, sizeof info);
		CHECK(ni >= 0 && ns >= 0 && nf >= 0 && size >= 0);
		/* RFC 5869 2.2: an absent salt is HashLen zeros; an empty HMAC
		 * key is the same thing, so the empty vector string works too. */
		wt_hkdf_extract(s, salt, (size_t)ns, ikm, (size_t)ni, prk);
		if (size > (long)sizeof okm
			|| wt_hkdf_expand(s, prk, info, (size_t)nf, okm, (size_t)size) != 0)
		{
			printf("invalid\n");
			continue;
		}
		unit_print_hex(okm, (size_t)size);
		printf("\n");
	}
	return unit_done();
}
