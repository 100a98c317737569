/* fuzz_new_session_ticket: wt_parse_new_session_ticket on a body. */
#include "fuzz_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wt_new_session_ticket t;
	uint8_t *copy = malloc(size ? size : 1);

	if (copy == NULL) {
		return 0;
	}
	memcpy(copy, data, size);
	memset(&t, 0, sizeof t);
	if (wt_parse_new_session_ticket(&t, copy, size) == 0) {
		FZ_ASSERT(t.nonce_len <= 255);
		fz_touch(t.nonce, t.nonce_len);
		FZ_ASSERT(t.ticket_len >= 1);
		fz_touch(t.ticket, t.ticket_len);
	}
	free(copy);
	return 0;
}
