/* fuzz_certificate_request: wt_parse_certificate_request on a body. */
#include "fuzz_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wt_certificate_request cr;
	uint8_t *copy = malloc(size ? size : 1);

	if (copy == NULL) {
		return 0;
	}
	memcpy(copy, data, size);
	memset(&cr, 0, sizeof cr);
	if (wt_parse_certificate_request(&cr, copy, size) == 0) {
		FZ_ASSERT(cr.context_len <= 255);
		fz_touch(cr.context, cr.context_len);
	}
	free(copy);
	return 0;
}
