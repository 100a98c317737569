/* fuzz_encrypted_extensions: wt_parse_encrypted_extensions on a body. */
#include "fuzz_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wt_encrypted_extensions ee;
	uint8_t *copy = malloc(size ? size : 1);

	if (copy == NULL) {
		return 0;
	}
	memcpy(copy, data, size);
	memset(&ee, 0, sizeof ee);
	if (wt_parse_encrypted_extensions(&ee, copy, size) == 0) {
		if (ee.alpn) {
			FZ_ASSERT(ee.alpn_len >= 1 && ee.alpn_len <= 255);
			fz_touch(ee.alpn, ee.alpn_len);
		}
	}
	free(copy);
	return 0;
}
