// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-objdiff: which functions of a kernel source file changed between
 * two builds of it, whether they can be live-patched, and the payload.
 *
 *   kcare-objdiff OLD.o NEW.o
 *   kcare-objdiff --emit DIR --symvers Module.symvers --patch NAME
 *                 [--hooks pre_apply,post_apply,pre_revert,post_revert]
 *                 OBJECT OLD.o NEW.o [OBJECT OLD.o NEW.o]...
 *
 * OLD.o and NEW.o are the same file compiled before and after a fix, with
 * -ffunction-sections -fdata-sections and the kernel's flags; OBJECT is
 * "vmlinux" or the module the file is part of. The report
 * (Documentation/from-diff.md) has one line per function or variable that
 * differs: what happens to it and why. --emit also writes the payload's
 * sources into DIR: kcdiff_N.o_shipped per file and kcdiff.c; --hooks names
 * the kcdiff_hook_NAME() functions the author's hook file defines, which
 * the patch then runs. Exit status:
 * 0 something to patch, 3 something refused, 4 no difference, 1 error,
 * 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "emit.h"
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

static int kb_usage(void)
{
	fprintf(stderr, "usage: kcare-objdiff OLD.o NEW.o\n"
		"       kcare-objdiff --emit DIR --symvers FILE --patch NAME [--hooks LIST] OBJECT OLD.o NEW.o...\n");
	return 2;
}

/* Compare one pair and print its report: the exit status it earns. */
static int kb_one(const char *oldp, const char *newp, struct kb_emit *e, const char *object)
{
	struct kb_obj old = { .fd = -1 }, new = { .fd = -1 };
	struct kb_layout_diff ld = { 0 };
	struct kb_diff d;
	int rc = 1;

	if (kb_obj_open(&old, oldp) || kb_obj_open(&new, newp))
		goto out;
	if (kb_diff_run(&d, &old, &new) || kb_layout_compare(&ld, oldp, newp))
		goto out;
	printf("# kcare-objdiff %s %s\n", oldp, newp);
	kb_report(stdout, &d, &ld);
	if (d.refused || ld.refused)
		rc = 3;
	else if (!d.changed && !d.added)
		rc = 4;
	else
		rc = 0;
	if (e && rc == 0 && kb_emit_file(e, &d, object))
		rc = e->refused ? 3 : 1;
out:
	fflush(stdout);
	kb_layout_free(&ld);
	kb_obj_close(&old);
	kb_obj_close(&new);
	return rc;
}

int main(int argc, char **argv)
{
	struct kb_emit e = { 0 };
	const char *symvers = NULL;
	int i = 1, rc = 4, r;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: kcare-objdiff OLD.o NEW.o\n"
		       "       kcare-objdiff --emit DIR --symvers FILE --patch NAME [--hooks LIST] OBJECT OLD.o NEW.o...\n"
		       "Report which functions of NEW.o (a kernel source file compiled after a fix)\n"
		       "differ from OLD.o (compiled before it), and what cannot be live-patched;\n"
		       "with --emit, write the payload's sources into DIR.\n");
		return 0;
	}
	if (argc == 3 && argv[1][0] != '-')
		return kb_one(argv[1], argv[2], NULL, NULL);
	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "--emit"))
			e.dir = argv[i + 1];
		else if (!strcmp(argv[i], "--symvers"))
			symvers = argv[i + 1];
		else if (!strcmp(argv[i], "--patch"))
			e.patch = argv[i + 1];
		else if (!strcmp(argv[i], "--hooks"))
			e.hooks = argv[i + 1];
		else
			return kb_usage();
	}
	if (!e.dir || !symvers || !e.patch || i >= argc || (argc - i) % 3)
		return kb_usage();
	if (strspn(e.patch, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(e.patch)) {
		fprintf(stderr, "kcare-objdiff: --patch %s: expected [a-z0-9_]\n", e.patch);
		return 2;
	}
	if (kb_emit_symvers(&e, symvers))
		return 1;
	for (; i < argc; i += 3) {
		r = kb_one(argv[i + 1], argv[i + 2], &e, argv[i]);
		if (r == 1 || (r == 3 && rc != 1) || (r == 0 && rc == 4))
			rc = r;
	}
	if (rc == 0 && !e.nfuncs) {
		fprintf(stderr, "kcare-objdiff: the fix changes no function of the running kernel: nothing to redirect\n");
		rc = 4;
	}
	if (rc == 0 && kb_emit_glue(&e))
		rc = 1;
	kb_emit_free(&e);
	return rc;
}
