// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of a user-space feed's list (loader/feedlist.c):
 * whatever parses formats to text that parses to the same list and is
 * its own canonical form, every object is found by its build-id, and a
 * refusal leaves nothing allocated.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feedlist.h"

static int same_list(const struct kcl_feedlist *a, const struct kcl_feedlist *b)
{
	size_t i;

	if (a->format != b->format || strcmp(a->feed, b->feed) ||
	    a->serial != b->serial || a->generated != b->generated ||
	    a->expires != b->expires || a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i].build_id, b->v[i].build_id) ||
		    a->v[i].level != b->v[i].level ||
		    strcmp(a->v[i].name, b->v[i].name))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kcl_feedlist fl, again;
	char err[256], *text, *text2;
	size_t i;

	if (kcl_feedlist_parse((const char *)data, size, &fl, err, sizeof(err))) {
		if (fl.v || fl.n)
			abort();	/* partial output */
		return 0;
	}
	for (i = 0; i < fl.n; i++)
		if (kcl_feedlist_find(&fl, fl.v[i].build_id) != &fl.v[i])
			abort();
	kcl_feedlist_check(&fl, fl.feed, fl.generated, fl.serial, err,
			   sizeof(err));
	text = kcl_feedlist_format(&fl);
	if (!text)
		abort();
	if (kcl_feedlist_parse(text, strlen(text), &again, err, sizeof(err))) {
		fprintf(stderr, "formatted list does not parse: %s\n%s", err, text);
		abort();
	}
	if (!same_list(&fl, &again))
		abort();
	text2 = kcl_feedlist_format(&again);
	if (!text2 || strcmp(text, text2))
		abort();
	free(text);
	free(text2);
	kcl_feedlist_free(&fl);
	kcl_feedlist_free(&again);
	return 0;
}
