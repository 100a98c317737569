/* fuzz_server_hello: wt_parse_server_hello on a message body (no header). */
#include "fuzz_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wt_server_hello sh;
	uint8_t *copy = malloc(size ? size : 1);   /* exact-size buffer for ASan */

	if (copy == NULL) {
		return 0;
	}
	memcpy(copy, data, size);
	memset(&sh, 0, sizeof sh);
	if (wt_parse_server_hello(&sh, copy, size) == 0) {
		fz_touch(sh.random, 32);
		fz_touch(sh.session_id, sh.session_id_len);
		FZ_ASSERT(sh.session_id_len <= 32);
		fz_touch(sh.share, sh.share_len);
		if (sh.cookie) {
			fz_touch(sh.cookie, sh.cookie_len);
		}
	}
	free(copy);
	return 0;
}
