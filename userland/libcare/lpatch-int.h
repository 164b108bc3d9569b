/* SPDX-License-Identifier: GPL-2.0 */
/* The patch object as lpatch.c and apply.c share it. */
#ifndef LC_LPATCH_INT_H
#define LC_LPATCH_INT_H

#include "lc.h"

struct lc_psec {
	GElf_Shdr sh;
	Elf_Data *data;
	const char *name;
	int state;
	bool done;
	unsigned long addr, off;
};

struct lc_patch {
	char *path;
	int fd;
	Elf *elf;
	struct lc_patch_info info;
	struct lc_psec *secs;
	size_t nsecs;
	Elf_Data *symdata;
	size_t nsyms, symstr;
	int repl[LC_MAX_FUNCS];
	unsigned long slots_off, nslots, rx_size;
};

int lc_patch_prepare(struct lc_patch *pt, struct lc_proc *p, struct lc_syms *syms,
		     unsigned long *size);
int lc_patch_relocate(struct lc_patch *pt, struct lc_proc *p, struct lc_obj *obj,
		      struct lc_syms *syms, struct lc_image *img);
unsigned long lc_patch_repl_addr(struct lc_patch *pt, int i);

#endif
