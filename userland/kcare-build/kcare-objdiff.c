// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-objdiff: which functions of a kernel source file changed between
 * two builds of it, and whether they can be live-patched.
 *
 *   kcare-objdiff OLD.o NEW.o
 *
 * OLD.o and NEW.o are the same file compiled before and after a fix, with
 * -ffunction-sections -fdata-sections and the kernel's flags. The report
 * (Documentation/from-diff.md) has one line per function or variable that
 * differs: what happens to it and why. Exit status: 0 something to patch,
 * 3 something refused, 4 no difference, 1 error, 2 usage.
 */
#include <stdio.h>
#include <string.h>

#include "diff.h"
#include "layout.h"

static const char *kb_kind(const struct kb_sym *s)
{
	return s->type == STT_FUNC ? "function" : "data";
}

static void kb_report(FILE *f, struct kb_diff *d, struct kb_layout_diff *ld)
{
	static const char *const verb[] = { "same", "changed", "new", "refused" };
	size_t i;

	for (i = 0; i < d->new->nsym; i++) {
		const struct kb_sym *s = &d->new->sym[i];

		if (!kb_sym_defined(s) || s->status == KB_SAME)
			continue;
		fprintf(f, "%s %s %s", verb[s->status], kb_kind(s), s->name);
		if (s->twin && strcmp(s->twin->name, s->name))
			fprintf(f, " (was %s)", s->twin->name);
		fprintf(f, ": %s\n", s->why ? s->why : "");
	}
	for (i = 0; i < d->old->nsym; i++) {
		const struct kb_sym *s = &d->old->sym[i];

		if (kb_sym_defined(s) && !s->twin && s->type == STT_FUNC &&
		    !kb_sec_is_init(s->sec))
			fprintf(f, "gone function %s: not in the fixed build (its callers changed)\n",
				s->name);
	}
	kb_layout_report(f, ld);
	fprintf(f, "summary: %zu changed, %zu new, %zu refused, %zu unchanged\n",
		d->changed, d->added, d->refused + ld->refused, d->same);
}

int main(int argc, char **argv)
{
	struct kb_obj old = { .fd = -1 }, new = { .fd = -1 };
	struct kb_layout_diff ld = { 0 };
	struct kb_diff d;
	int rc = 1;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: kcare-objdiff OLD.o NEW.o\n"
		       "Report which functions of NEW.o (a kernel source file compiled after a fix)\n"
		       "differ from OLD.o (compiled before it), and what cannot be live-patched.\n");
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: kcare-objdiff OLD.o NEW.o\n");
		return 2;
	}
	if (kb_obj_open(&old, argv[1]) || kb_obj_open(&new, argv[2]))
		goto out;
	if (kb_diff_run(&d, &old, &new) || kb_layout_compare(&ld, argv[1], argv[2]))
		goto out;
	printf("# kcare-objdiff %s %s\n", argv[1], argv[2]);
	kb_report(stdout, &d, &ld);
	if (d.refused || ld.refused)
		rc = 3;
	else if (!d.changed && !d.added)
		rc = 4;
	else
		rc = 0;
out:
	kb_layout_free(&ld);
	kb_obj_close(&old);
	kb_obj_close(&new);
	return rc;
}
