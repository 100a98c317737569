/*
 * fuzz_session: wt_session_parse on arbitrary bytes (a session blob comes
 * back from the host's storage and is not trusted). Whatever parses must
 * stay inside the input and serialize back to the identical bytes with
 * wt_session_write (fz_session_roundtrip), which must not fit one byte
 * less.
 */
#include "fuzz_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);   /* exact-size buffer for ASan */

	if (copy == NULL) {
		return 0;
	}
	memcpy(copy, data, size);
	fz_session_roundtrip(copy, size);
	free(copy);
	return 0;
}
