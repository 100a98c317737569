/* fuzz_certificate: wt_parse_certificate on a body, with a few capacities,
 * with and without OCSP / SCT requested. */
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
	for (c = 0; c < 2 * sizeof caps / sizeof caps[0]; c++) {
		size_t count = 0, cap = caps[c / 2], i;
		wt_cert_status st;

		memset(certs, 0, sizeof certs);
		st.want_ocsp = st.want_sct = (int)(c & 1);
		if (wt_parse_certificate(copy, size, certs, cap, &count, &st) == 0) {
			FZ_ASSERT(count <= cap);
			for (i = 0; i < count; i++) {
				FZ_ASSERT(certs[i].der >= copy
					&& certs[i].der + certs[i].len <= copy + size);
				fz_touch(certs[i].der, certs[i].len);
			}
			FZ_ASSERT(st.ocsp == NULL || (st.want_ocsp && st.ocsp_len > 0
				&& st.ocsp >= copy && st.ocsp + st.ocsp_len <= copy + size));
			FZ_ASSERT(st.sct_list == NULL || (st.want_sct
				&& wt_sct_list_check(st.sct_list, st.sct_list_len) == 0
				&& st.sct_list >= copy && st.sct_list + st.sct_list_len <= copy + size));
		}
	}
	free(copy);
	return 0;
}
