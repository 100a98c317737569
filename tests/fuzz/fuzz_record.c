/*
 * fuzz_record: the record deframer and receive path of the engine.
 *
 * Input: a sequence of chunks, each [len byte][len bytes of server data].
 * A length byte of 0 means "the rest of the input in one go". The engine
 * starts a handshake (deterministic host, WT_VERIFY_NONE, SNI
 * example.com), its ClientHello is drained, then every chunk is pushed
 * through recvrec_buf/recvrec_ack (never more than offered) with sendrec
 * and recvapp drained as the state word asks. wt_engine_eof() ends it.
 * Invariants are checked after every step (fz_check_state).
 */
#include "fuzz_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_host_state hs;
	wt_engine_ctx *cc;
	fz_input in = { data, size };

	cc = fz_engine_start(fz_config_init, &hs);
	if (cc == NULL) {
		return 0;
	}
	FZ_ASSERT(wt_engine_last_error(cc) == 0);
	FZ_ASSERT(wt_engine_current_state(cc) & WT_SENDREC);
	fz_drain(cc, 0);

	while (in.len > 0 && !(wt_engine_current_state(cc) & WT_CLOSED)) {
		uint8_t b;
		size_t n;
		const uint8_t *chunk;

		fz_u8(&in, &b);
		n = b ? b : in.len;
		chunk = fz_take(&in, n);
		n = (size_t)(in.p - chunk);   /* fz_take clamps to what is left */
		fz_feed(cc, chunk, n);
	}
	wt_engine_eof(cc);
	fz_check_state(cc);
	fz_drain(cc, 0);
	/* after EOF the engine never asks for more transport bytes */
	FZ_ASSERT(!(wt_engine_current_state(cc) & WT_RECVREC));
	fz_engine_free(cc);
	return 0;
}
