/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The function-level difference of two builds of one kernel source file:
 * which functions changed in machine code, which are new, which data must
 * come along, and what cannot be live-patched and why.
 */
#ifndef KB_DIFF_H
#define KB_DIFF_H

#include "objfile.h"

struct kb_diff {
	struct kb_obj *old, *new;
	size_t changed, added, refused, same;
};

/*
 * Compare @old and @new (correlated already) and set the status of every
 * function and object of @new (and of @old's that are gone). Returns 0, or
 * -1 on an error already reported.
 */
int kb_diff_run(struct kb_diff *d, struct kb_obj *old, struct kb_obj *new);

/*
 * What a relocation points at, independent of where things were laid out:
 * a symbol (@sym, @off from its start), a string literal or a merged
 * constant (@bytes, @len), or data without a symbol in section @sec.
 */
struct kb_target {
	enum { KB_T_SYM, KB_T_STR, KB_T_CONST, KB_T_ANON } kind;
	struct kb_sym *sym;
	const struct kb_sec *sec;
	const char *bytes;
	size_t len;
	GElf_Sxword off;
};

void kb_target(struct kb_obj *o, const struct kb_rel *r, struct kb_target *t);

/* Whether the new build's @sym goes into the payload. */
bool kb_included(const struct kb_sym *sym);

#endif /* KB_DIFF_H */
