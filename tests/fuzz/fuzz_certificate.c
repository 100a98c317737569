/* fuzz_certificate: wt_parse_certificate on a body, with a few capacities. */
#include "fuzz_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wt_peer_cert certs[WT_MAX_PEER_CERTS];
	static const size_t caps[] = { 0, 1, WT_MAX_PEER_CERTS };
	uint8_t *copy = malloc(size ? size : 1);
	size_t c;

	if (copy == NULL) {
		return 0;
	}
	memcpy(copy, data, size);
	for (c = 0; c < sizeof caps / sizeof caps[0]; c++) {
		size_t count = 0, i;

		memset(certs, 0, sizeof certs);
		if (wt_parse_certificate(copy, size, certs, caps[c], &count) == 0) {
			FZ_ASSERT(count <= caps[c]);
			for (i = 0; i < count; i++) {
				FZ_ASSERT(certs[i].der >= copy
					&& certs[i].der + certs[i].len <= copy + size);
				fz_touch(certs[i].der, certs[i].len);
			}
		}
	}
	free(copy);
	return 0;
}
