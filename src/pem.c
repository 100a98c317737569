/*
 * PEM input for BearSSL's decoder. br_pem_decoder expects every base64
 * line to hold whole 4-character groups; real files are often wrapped at
 * other widths (RFC 7468 allows any), e.g. 70 characters. Lines are fed one
 * by one and the base64 body is re-wrapped to 64 characters, so any
 * wrapping decodes.
 */
#include "wt_internal.h"

struct feeder {
	br_pem_decoder_context *pc;
	wt_pem_event_fn fn;
	void *ctx;
	int err;
};

static void push(struct feeder *f, const char *p, size_t n)
{
	while (n > 0 && f->err == 0) {
		size_t used = br_pem_decoder_push(f->pc, p, n);
		int ev = br_pem_decoder_event(f->pc);

		p += used;
		n -= used;
		if (ev != 0) {
			f->err = f->fn(f->ctx, f->pc, ev);
		}
	}
}

static void flush_body(struct feeder *f, char *body, size_t *blen)
{
	if (*blen > 0) {
		body[(*blen)++] = '\n';
		push(f, body, *blen);
		*blen = 0;
	}
}

int wt_pem_feed(br_pem_decoder_context *pc, const char *pem, size_t len,
	wt_pem_event_fn fn, void *ctx)
{
	struct feeder f = { pc, fn, ctx, 0 };
	char body[64 + 1];
	size_t blen = 0, i = 0;

	br_pem_decoder_init(pc);
	while (i < len && f.err == 0) {
		size_t start = i, end;

		while (i < len && pem[i] != '\n') {
			i++;
		}
		end = i;
		if (i < len) {
			i++;   /* the newline */
		}
		if (end > start && pem[end - 1] == '\r') {
			end--;
		}
		if (end - start >= 5 && memcmp(pem + start, "-----", 5) == 0) {
			flush_body(&f, body, &blen);
			push(&f, pem + start, end - start);
			push(&f, "\n", 1);
			continue;
		}
		for (; start < end && f.err == 0; start++) {
			char c = pem[start];

			if (c == ' ' || c == '\t') {
				continue;
			}
			body[blen++] = c;
			if (blen == 64) {
				flush_body(&f, body, &blen);
			}
		}
	}
	flush_body(&f, body, &blen);
	wt_wipe(body, sizeof body);
	return f.err;
}
