/* fuzz_certificate_verify: wt_parse_certificate_verify on a body. */
#include "fuzz_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint16_t scheme = 0;
	const uint8_t *sig = NULL;
	size_t sig_len = 0;
	uint8_t *copy = malloc(size ? size : 1);

	if (copy == NULL) {
		return 0;
	}
	memcpy(copy, data, size);
	if (wt_parse_certificate_verify(copy, size, &scheme, &sig, &sig_len) == 0) {
		FZ_ASSERT(sig_len == 0 || (sig >= copy && sig + sig_len <= copy + size));
		fz_touch(sig, sig_len);
	}
	free(copy);
	return 0;
}
