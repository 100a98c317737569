/*
 * Bounds-checked cursors. Every handler reads peer bytes through these; a
 * short read fails with decode_error (RFC 8446 6.2) and consumes nothing.
 */
#include "wt_internal.h"

void wt_rd_init(wt_reader *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->len = len;
}

static int take(wt_reader *r, size_t n, const uint8_t **out)
{
	if (r->len < n) {
		return WT_ALERT_DECODE_ERROR;
	}
	*out = r->p;
	r->p += n;
	r->len -= n;
	return 0;
}

static int read_be(wt_reader *r, size_t n, uint32_t *v)
{
	const uint8_t *b;
	uint32_t x = 0;
	size_t i;
	int err = take(r, n, &b);

	if (err) {
		return err;
	}
	for (i = 0; i < n; i++) {
		x = (x << 8) | b[i];
	}
	*v = x;
	return 0;
}

int wt_rd_u8(wt_reader *r, uint8_t *v)
{
	uint32_t x;
	int err = read_be(r, 1, &x);

	if (!err) {
		*v = (uint8_t)x;
	}
	return err;
}

int wt_rd_u16(wt_reader *r, uint16_t *v)
{
	uint32_t x;
	int err = read_be(r, 2, &x);

	if (!err) {
		*v = (uint16_t)x;
	}
	return err;
}

int wt_rd_u24(wt_reader *r, uint32_t *v)
{
	return read_be(r, 3, v);
}

int wt_rd_u32(wt_reader *r, uint32_t *v)
{
	return read_be(r, 4, v);
}

int wt_rd_bytes(wt_reader *r, size_t n, const uint8_t **out)
{
	return take(r, n, out);
}

int wt_rd_block(wt_reader *r, int prefix_len, wt_reader *sub)
{
	return wt_rd_block_min(r, prefix_len, 0, sub);
}

int wt_rd_block_min(wt_reader *r, int prefix_len, size_t min, wt_reader *sub)
{
	wt_reader save = *r;
	uint32_t n;
	const uint8_t *b;
	int err = read_be(r, (size_t)prefix_len, &n);

	if (!err && n < min) {
		err = WT_ALERT_DECODE_ERROR;
	}
	if (!err) {
		err = take(r, n, &b);
	}
	if (err) {
		*r = save;
		return err;
	}
	wt_rd_init(sub, b, n);
	return 0;
}

int wt_rd_end(const wt_reader *r)
{
	return r->len == 0 ? 0 : WT_ALERT_DECODE_ERROR;
}

void wt_wr_init(wt_writer *w, uint8_t *p, size_t cap)
{
	w->p = p;
	w->cap = cap;
	w->len = 0;
	w->overflow = 0;
}

static void write_be(wt_writer *w, uint32_t v, size_t n)
{
	size_t i;

	if (w->overflow || w->cap - w->len < n) {
		w->overflow = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		w->p[w->len + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	}
	w->len += n;
}

void wt_wr_u8(wt_writer *w, uint8_t v) { write_be(w, v, 1); }
void wt_wr_u16(wt_writer *w, uint16_t v) { write_be(w, v, 2); }
void wt_wr_u24(wt_writer *w, uint32_t v) { write_be(w, v, 3); }
void wt_wr_u32(wt_writer *w, uint32_t v) { write_be(w, v, 4); }

void wt_wr_bytes(wt_writer *w, const void *p, size_t n)
{
	if (w->overflow || w->cap - w->len < n) {
		w->overflow = 1;
		return;
	}
	if (n) {
		memmove(w->p + w->len, p, n);
	}
	w->len += n;
}

size_t wt_wr_open(wt_writer *w, int prefix_len)
{
	size_t mark = w->len;

	write_be(w, 0, (size_t)prefix_len);
	return mark;
}

void wt_wr_close(wt_writer *w, size_t mark, int prefix_len)
{
	size_t body, i;

	if (w->overflow) {
		return;
	}
	body = w->len - mark - (size_t)prefix_len;
	if (prefix_len < 4 && body >> (8 * prefix_len)) {
		w->overflow = 1;   /* does not fit its length prefix */
		return;
	}
	for (i = 0; i < (size_t)prefix_len; i++) {
		w->p[mark + i] = (uint8_t)(body >> (8 * ((size_t)prefix_len - 1 - i)));
	}
}

int wt_wr_error(const wt_writer *w)
{
	return w->overflow ? WT_ERR_BUFFER_TOO_SMALL : 0;
}
