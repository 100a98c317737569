/*
 * test_ec_field: the GF(p) arithmetic of src/ec_p256_wasm.c, whose source
 * is included here to reach its static functions (this program defines
 * wt_ec_p256_w itself, so the library's copy is not linked in). Driven
 * by tests/ec.test.mjs, which checks every result against BigInt and
 * picks operands from word patterns (0, 1, 2^32-1, 2^31, p's words...)
 * that push the fast reduction into its rare carry paths. One result
 * line per input line, 32-byte big-endian hex:
 *
 *   mul <a> <b> | sq <a> | add <a> <b> | sub <a> <b> | inv <a>
 *
 * Operands must be below p (the functions' contract); the driver prints
 * "error" otherwise.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "../../src/ec_p256_wasm.c"

static int
operand(const char *hex, fe a)
{
	uint8_t b[32];

	return unit_unhex(hex, b, sizeof b) == 32 && fe_decode(a, b);
}

static int
run(char **f, int nf)
{
	fe a, b, d;
	uint8_t out[32];

	if (nf < 2 || !operand(f[1], a) || (nf == 3 && !operand(f[2], b)) || nf > 3) {
		return -1;
	}
	if (strcmp(f[0], "mul") == 0 && nf == 3) {
		fe_mul(d, a, b);
	} else if (strcmp(f[0], "sq") == 0 && nf == 2) {
		fe_sq(d, a);
	} else if (strcmp(f[0], "add") == 0 && nf == 3) {
		fe_add(d, a, b);
	} else if (strcmp(f[0], "sub") == 0 && nf == 3) {
		fe_sub(d, a, b);
	} else if (strcmp(f[0], "inv") == 0 && nf == 2) {
		fe_invert(d, a);
	} else {
		return -1;
	}
	fe_encode(out, d);
	unit_print_hex(out, 32);
	printf("\n");
	return 0;
}

int
main(void)
{
	return unit_vector_main(run);
}
