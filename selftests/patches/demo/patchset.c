// SPDX-License-Identifier: GPL-2.0
/*
 * kcpatch_demo: the demo patchset for Debian 12's kernels 6.1.0-56-amd64
 * and 6.1.0-56-arm64 (6.1.192-2; ../demo-arm64/ links this file). It
 * brings the kernel to "6.1.0-56.1kc": the
 * kernel's release with ".<level>kc" after the ABI number, the form
 * kcare-uname reports. See demo.h for the patches.
 *
 * The id, patch type and effective version come from patchset.meta
 * (through patchset-meta.h); the level and the build time from the build:
 * scripts/build-patchset passes -DKCARE_LEVEL and -DKCARE_BUILD_TIME, the
 * selftests' build (make patches) neither, which gives level 1.
 *
 * ../extra/ and ../extra-arm64/ link it too, with -DKCPATCH_EXTRA: the
 * extra patchset is this one plus the symlink owner match protection
 * (../extra/symlinkown.h).
 */
#include "demo.h"
#ifdef KCPATCH_EXTRA
#include "symlinkown.h"
#endif

#ifndef KCARE_LEVEL
#define KCARE_LEVEL 1
#endif
#ifndef KCARE_BUILD_TIME
#define KCARE_BUILD_TIME "2026-11-25T00:00:00Z"
#endif

static struct kcare_patch demo_patches[] = {
#ifdef CONFIG_X86_64
	DEMO_PROC_CMDLINE_PATCH,
	DEMO_MODIFY_LDT_PATCH,
	DEMO_BINFMT_MISC_PATCH,
#else
	DEMO_PROC_EXECDOMAINS_PATCH,
	DEMO_PERSONALITY_PATCH,
	DEMO_BINFMT_MISC_ENTRY_PATCH,
#endif
	DEMO_DROP_CACHES_PATCH,
#ifdef KCPATCH_EXTRA
	SYMLINKOWN_PATCH,
#endif
	{ }
};

/*
 * DEMO_LINK(name, addr): on arm64, @name with its link-time address in
 * the System.map of the kernel this patchset is for (Debian's
 * linux-image-6.1.0-56-arm64-dbg; scripts/setup extracts it into
 * .cache/arm64/): kallsyms there has no variables, and the engine
 * relocates them by the KASLR offset the other addresses imply (the
 * functions kallsyms knows vouch for it; Documentation/writing-patches.md).
 */
#ifdef CONFIG_X86_64
#define DEMO_LINK(name, addr)	name
#else
#define DEMO_LINK(name, addr)	name "@" addr
#endif

/*
 * What the new functions use and the kernel does not export, each name as
 * /proc/kallsyms shows it in this kernel (all unique in their object).
 */
static struct kcare_symbol demo_symbols[] = {
#ifdef CONFIG_X86_64
	/* proc_cmdline.c */
	{ "saved_command_line", "vmlinux", 0, &demo_saved_command_line },
	/* modify_ldt.c */
	{ "alloc_ldt_struct", "vmlinux", 0, &demo_alloc_ldt_struct },
	{ "map_ldt_struct", "vmlinux", 0, &demo_map_ldt_struct },
	{ "free_ldt_pgtables", "vmlinux", 0, &demo_free_ldt_pgtables },
	{ "free_ldt_struct.part.0", "vmlinux", 0, &demo_free_ldt_struct_part },
	{ "flush_ldt", "vmlinux", 0, &demo_flush_ldt },
	{ "__get_locked_pte", "vmlinux", 0, &demo_get_locked_pte },
	{ "flush_tlb_mm_range", "vmlinux", 0, &demo_flush_tlb_mm_range },
	/* binfmt_misc.c: resolved when binfmt_misc loads */
	{ "enabled", "binfmt_misc", 0, &demo_bm_enabled },
	{ "entries", "binfmt_misc", 0, &demo_bm_entries },
	{ "entries_lock", "binfmt_misc", 0, &demo_bm_entries_lock },
#else
	/* personality.c */
	{ DEMO_LINK("system_32bit_el0_cpumask", "ffff8000080253e0"), "vmlinux",
	  0, &demo_system_32bit_el0_cpumask },
#endif
	/* shadow_drop_caches.c; stfu.0 is a variable */
	{ DEMO_LINK("stfu.0", "ffff800009fc6344"), "vmlinux", 0,
	  &demo_drop_caches_stfu },
	{ DEMO_LINK("iterate_supers", "ffff8000083b1174"), "vmlinux", 0,
	  &demo_iterate_supers },
	{ DEMO_LINK("drop_slab", "ffff8000082d7884"), "vmlinux", 0,
	  &demo_drop_slab },
	{ DEMO_LINK("drop_pagecache_sb", "ffff800008443aa0"), "vmlinux", 0,
	  &demo_drop_pagecache_sb },
#ifdef KCPATCH_EXTRA
	/* ../extra/symlinkown_namei.c */
	{ "__d_lookup_rcu", "vmlinux", 0, &symlinkown___d_lookup_rcu },
	{ "__d_lookup", "vmlinux", 0, &symlinkown___d_lookup },
	{ "try_to_unlazy_next", "vmlinux", 0, &symlinkown_try_to_unlazy_next },
	{ "__lookup_slow", "vmlinux", 0, &symlinkown___lookup_slow },
	{ "handle_dots", "vmlinux", 0, &symlinkown_handle_dots },
	{ "step_into", "vmlinux", 0, &symlinkown_step_into },
	{ "try_to_unlazy", "vmlinux", 0, &symlinkown_try_to_unlazy },
#endif
	{ }
};

static struct kcare_patchset demo_set = {
	.id = KCARE_META_ID,
	.level = KCARE_LEVEL,
	.type = KCARE_META_PATCH_TYPE,
	.build_time = KCARE_BUILD_TIME,
	.effective_version = KCARE_META_EFFECTIVE_VERSION,
	.kernel_build_id = KCARE_TARGET_BUILD_ID,
	.patches = demo_patches,
	.symbols = demo_symbols,
};
#ifdef KCPATCH_EXTRA
KCARE_PATCHSET_EXIT(demo_set, symlinkown_exit);
MODULE_DESCRIPTION("kcare extra patchset (demo and symlink owner match) for Debian 12 6.1.0-56");
#else
KCARE_PATCHSET(demo_set);
#ifdef CONFIG_X86_64
MODULE_DESCRIPTION("kcare demo patchset for Debian 12 6.1.0-56-amd64");
#else
MODULE_DESCRIPTION("kcare demo patchset for Debian 12 6.1.0-56-arm64");
#endif
#endif
