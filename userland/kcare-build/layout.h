/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Structure layouts of two builds of a source file, from their DWARF: a
 * fix that moves a field or grows a structure cannot be live-patched (the
 * running kernel's objects keep the old layout).
 */
#ifndef KB_LAYOUT_H
#define KB_LAYOUT_H

#include <stdio.h>

struct kb_layout_diff {
	char **lines;		/* one "refused struct NAME: why" per change */
	size_t nlines;
	size_t refused;
	int no_dwarf;		/* one of the two has no debug information */
};

/* Compare the named structures and unions of @old and @new. */
int kb_layout_compare(struct kb_layout_diff *ld, const char *old, const char *new);
void kb_layout_report(FILE *f, const struct kb_layout_diff *ld);
void kb_layout_free(struct kb_layout_diff *ld);

#endif /* KB_LAYOUT_H */
