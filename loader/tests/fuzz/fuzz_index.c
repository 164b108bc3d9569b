// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the index (loader/index.c): the parser (whatever
 * it accepts formats to text that parses to the same index, and that text
 * is its own canonical form), the signature line (kcl_index_verify with
 * an empty keyring: nothing can verify), the checks and the choice of a
 * level on what parsed; and, for short inputs, PREFIX and STICKY_PATCH.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "sign.h"

static int same_index(const struct kcl_index *a, const struct kcl_index *b)
{
	size_t i;

	if (a->format != b->format || strcmp(a->kernel_sha1, b->kernel_sha1) ||
	    strcmp(a->feed, b->feed) || a->serial != b->serial ||
	    a->generated != b->generated || a->expires != b->expires ||
	    a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		const struct kcl_index_level *x = &a->levels[i], *y = &b->levels[i];

		if (x->level != y->level || strcmp(x->id, y->id) ||
		    x->release_time != y->release_time ||
		    strcmp(x->patch_type, y->patch_type) ||
		    x->withdrawn != y->withdrawn ||
		    (!x->withdrawn && memcmp(x->sha256, y->sha256, 32)))
			return 0;
	}
	return 1;
}

static void exercise(const struct kcl_index *ix)
{
	static const char *const types[] = { "default", "extra", "free" };
	static const unsigned int delays[] = { 0, 12, 24, 48 };
	const struct kcl_index_level *l;
	struct kcl_index_seen seen = { 3, 2 };
	struct kcl_select sel;
	char err[256];
	size_t t, d;

	kcl_index_check(ix, ix->kernel_sha1, ix->feed, ix->generated, &seen,
			err, sizeof(err));
	for (t = 0; t < 3; t++) {
		for (d = 0; d < 4; d++) {
			sel = (struct kcl_select){ types[t], delays[d],
						   d == 3 ? ix->expires : 0 };
			l = kcl_index_select(ix, &sel, ix->expires, err,
					     sizeof(err));
			if (l && (l->withdrawn || l < ix->levels ||
				  l >= ix->levels + ix->n))
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kcl_keyring none = { 0 };
	struct kcl_index ix, again;
	size_t body = 0;
	char err[256];
	char *text, *text2;

	if (kcl_index_parse((const char *)data, size, &ix, err,
			    sizeof(err)) == 0) {
		text = kcl_index_format(&ix);
		if (!text)
			abort();
		if (kcl_index_parse(text, strlen(text), &again, err,
				    sizeof(err))) {
			fprintf(stderr, "formatted index does not parse: %s\n%s",
				err, text);
			abort();
		}
		if (!same_index(&ix, &again))
			abort();
		text2 = kcl_index_format(&again);
		if (!text2 || strcmp(text, text2))
			abort();
		exercise(&ix);
		free(text);
		free(text2);
		kcl_index_free(&ix);
		kcl_index_free(&again);
	} else if (ix.levels || ix.n) {
		abort();	/* partial output */
	}

	err[0] = '\0';
	if (!kcl_index_verify(&none, (const char *)data, size, &body, err,
			      sizeof(err)) || !err[0])
		abort();

	if (size <= 40) {
		char s[41], feed[33];
		unsigned int delay;
		time_t until;

		memcpy(s, data, size);
		s[size] = '\0';
		kcl_prefix_parse(s, feed, sizeof(feed), &delay, err,
				 sizeof(err));
		if (!kcl_sticky_parse(s, 1795000000, &until, err, sizeof(err)) &&
		    (until % 86400 || until > 1795000000 + 86400 ||
		     until <= 1795000000 - 61 * 86400))
			abort();
	}
	return 0;
}
