/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The demo patchsets for Debian 12's kernels 6.1.0-56-amd64 and
 * 6.1.0-56-arm64 (6.1.192-2): four real patches each, one file each,
 * gathered into one payload module (kcpatch_demo) by patchset.c. One
 * patch is the same on both (shadow_drop_caches.c); the others are each
 * architecture's own (x86_64: proc_cmdline.c, modify_ldt.c, binfmt_misc.c;
 * arm64, in ../demo-arm64/: proc_execdomains.c, personality.c,
 * binfmt_misc_entry.c), and so is the metadata (patchset.meta in each
 * directory). ../demo-arm64/ links this header, patchset.c and the shared
 * patch.
 *
 * A patchset holds its patches and its symbols as arrays of structures, so
 * a patch file cannot hand patchset.c a finished struct kcare_patch: it
 * exports its functions and the pointers its code calls through, and this
 * header describes the patch as an initialiser (DEMO_*_PATCH). patchset.c
 * lists the pointers in the patchset's symbols, and the engine fills them
 * before any new function runs.
 *
 * The metadata (id, patch type, effective version, and each patch's name,
 * description, CVEs, CVSS, links and sysctl toggle) is written once, in
 * patchset.meta: the build turns it into patchset-meta.h
 * (kcare-patchset header), whose KCARE_META_PATCH_<name> macros give the
 * first fields of each patch below, and puts the same text in the
 * patchset file's manifest. Where the kernel's headers declare the
 * original, the file defines its pointer with typeof() of it, so that the
 * compiler checks the prototype given here.
 *
 * Every new function is a copy of the original from the source of that
 * exact kernel (Debian's linux-source-6.1 6.1.192-2, GPL-2.0), changed as
 * its file explains. Symbol names and clones (".part.0", ".0") were checked
 * in /proc/kallsyms of that kernel; another build needs them checked again.
 */
#ifndef _KCPATCH_DEMO_H
#define _KCPATCH_DEMO_H

#include <kcare/patch.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/spinlock_types.h>

#include "patchset-meta.h"

struct ldt_struct;

#ifdef CONFIG_X86_64
/* proc_cmdline.c: /proc/cmdline tells that the kernel is live patched. */
extern struct kcare_func demo_proc_cmdline_funcs[];
extern char **demo_saved_command_line;

#define DEMO_PROC_CMDLINE_PATCH {					\
	KCARE_META_PATCH_proc_cmdline,					\
	.funcs = demo_proc_cmdline_funcs,				\
}

/* modify_ldt.c: no 16-bit LDT segments, switched by kernel.kcare_modify_ldt. */
extern struct kcare_func demo_modify_ldt_funcs[];
extern struct ldt_struct *(*demo_alloc_ldt_struct)(unsigned int num_entries);
extern int (*demo_map_ldt_struct)(struct mm_struct *mm,
				  struct ldt_struct *ldt, int slot);
extern void (*demo_free_ldt_pgtables)(struct mm_struct *mm);
extern void (*demo_free_ldt_struct_part)(struct ldt_struct *ldt);
extern void (*demo_flush_ldt)(void *mm);
extern pte_t *(*demo_get_locked_pte)(struct mm_struct *mm, unsigned long addr,
				     spinlock_t **ptl);
extern void (*demo_flush_tlb_mm_range)(struct mm_struct *mm,
				       unsigned long start, unsigned long end,
				       unsigned int stride_shift,
				       bool freed_tables);

#define DEMO_MODIFY_LDT_PATCH {						\
	KCARE_META_PATCH_modify_ldt,					\
	.funcs = demo_modify_ldt_funcs,					\
}

#else /* arm64 */

/* proc_execdomains.c: /proc/execdomains tells that the kernel is live patched. */
extern struct kcare_func demo_proc_execdomains_funcs[];

#define DEMO_PROC_EXECDOMAINS_PATCH {					\
	KCARE_META_PATCH_proc_execdomains,				\
	.funcs = demo_proc_execdomains_funcs,				\
}

/* personality.c: ADDR_NO_RANDOMIZE for CAP_SYS_ADMIN only, switched by kernel.kcare_personality. */
extern struct kcare_func demo_personality_funcs[];
extern const struct cpumask *(*demo_system_32bit_el0_cpumask)(void);

#define DEMO_PERSONALITY_PATCH {					\
	KCARE_META_PATCH_personality,					\
	.funcs = demo_personality_funcs,				\
}
#endif

#ifdef CONFIG_X86_64
/* binfmt_misc.c: the status file also counts the registered formats. */
extern struct kcare_func demo_binfmt_misc_funcs[];
extern int *demo_bm_enabled;
extern struct list_head *demo_bm_entries;
extern rwlock_t *demo_bm_entries_lock;

#define DEMO_BINFMT_MISC_PATCH {					\
	KCARE_META_PATCH_binfmt_misc_status,				\
	.funcs = demo_binfmt_misc_funcs,				\
}

#else
/* binfmt_misc_entry.c: a format's file also shows its name. */
extern struct kcare_func demo_binfmt_misc_entry_funcs[];

#define DEMO_BINFMT_MISC_ENTRY_PATCH {					\
	KCARE_META_PATCH_binfmt_misc_entry,				\
	.funcs = demo_binfmt_misc_entry_funcs,				\
}
#endif

/* shadow_drop_caches.c: drop_caches logs once per task (a shadow variable). */
extern struct kcare_func demo_drop_caches_funcs[];
extern void demo_drop_caches_post_revert(struct kcare_patch *patch);
extern int *demo_drop_caches_stfu;
extern void (*demo_iterate_supers)(void (*f)(struct super_block *sb,
					      void *arg), void *arg);
extern void (*demo_drop_slab)(void);
extern void (*demo_drop_pagecache_sb)(struct super_block *sb, void *unused);

#define DEMO_DROP_CACHES_PATCH {					\
	KCARE_META_PATCH_drop_caches_log,				\
	.funcs = demo_drop_caches_funcs,				\
	.hooks.post_revert = demo_drop_caches_post_revert,		\
}

#endif
