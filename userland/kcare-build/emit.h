/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The payload of a patch built from a diff: for each compared file, an ELF
 * object with the included functions and data, and one C file describing
 * the patch to kcare.ko (the functions it replaces, the kernel symbols its
 * code refers to, the relocations the engine applies).
 */
#ifndef KB_EMIT_H
#define KB_EMIT_H

#include "diff.h"

struct kb_emit {
	const char *dir;	/* where the files go */
	const char *patch;	/* the patch's name, [a-z0-9_] */
	const char *hooks;	/* the author's hooks, "pre_apply,post_revert" */
	char **exported;	/* the kernel's exported symbols, sorted */
	size_t nexported;
	char *decls, *syms, *relocs, *funcs;	/* parts of it */
	size_t ldecls, lsyms, lrelocs, lfuncs;
	char **symnames;	/* the kernel symbols, "object:name" */
	size_t nsyms;
	size_t nrelocs, nfuncs, nfiles;
	size_t refused;
};

/* Read the exported symbols from a Module.symvers. */
int kb_emit_symvers(struct kb_emit *e, const char *path);
/* Write DIR/kcdiff_N.o for the compared file @d, part of @object. */
int kb_emit_file(struct kb_emit *e, struct kb_diff *d, const char *object);
/* Write DIR/kcdiff.c once every file was emitted. */
int kb_emit_glue(struct kb_emit *e);
void kb_emit_free(struct kb_emit *e);

#endif /* KB_EMIT_H */
