// SPDX-License-Identifier: GPL-2.0
/*
 * modify_ldt: refuse 16-bit LDT segments.
 *
 * A 16-bit stack segment is what sends the return to user space through
 * espfix64, the path behind CVE-2014-8133/8134 and CVE-2015-3290, and an
 * LDT that user space controls is what the CVE-2015-5157 exploit needs.
 * Those bugs are fixed in this kernel; this is the hardening the commercial
 * service ships as kernel.kcare_modify_ldt: with the patch on, modify_ldt(2)
 * refuses to create a segment with seg_32bit == 0 and fails with EINVAL,
 * the error the unpatched kernel already gives where 16-bit segments are
 * not supported (CONFIG_X86_16BIT=n, Xen PV), so programs that use them
 * (DOSEMU, Wine for Win16) already handle it. 32-bit segments and clearing
 * an entry work as before. kernel.kcare_modify_ldt=1 switches the patch
 * off (16-bit segments allowed again), 0 switches it back on.
 *
 * write_ldt() (static) is a function of its own in this build and
 * traceable; unmap_ldt_struct(), install_ldt(), finalize_ldt_struct() and
 * allow_16bit_segments() are inlined into it and are copied with it; the
 * rest of free_ldt_struct() is the clone free_ldt_struct.part.0 (it takes
 * the ldt in %rdi, as the original). The static functions it calls are
 * reached through the pointers declared in demo.h.
 *
 * The code below is copied from arch/x86/kernel/ldt.c of Linux 6.1.192
 * (Debian linux-source-6.1 6.1.192-2):
 *   Copyright (C) 1992 Krishna Balasubramanian and Linus Torvalds
 *   Copyright (C) 1999 Ingo Molnar <mingo@redhat.com>
 *   Copyright (C) 2002 Andi Kleen
 * Changes: static callees called through pointers; the 16-bit check no
 * longer asks allow_16bit_segments() (marked "kcare:").
 */
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>

#include <asm/desc.h>
#include <asm/ldt.h>
#include <asm/mmu_context.h>
#include <asm/pgtable_areas.h>

#include "demo.h"

struct ldt_struct *(*demo_alloc_ldt_struct)(unsigned int num_entries);
int (*demo_map_ldt_struct)(struct mm_struct *mm, struct ldt_struct *ldt,
			   int slot);
void (*demo_free_ldt_pgtables)(struct mm_struct *mm);
void (*demo_free_ldt_struct_part)(struct ldt_struct *ldt);
void (*demo_flush_ldt)(void *mm);
typeof(__get_locked_pte) *demo_get_locked_pte;
/* asm/tlbflush.h hides flush_tlb_mm_range() from modules */
void (*demo_flush_tlb_mm_range)(struct mm_struct *mm, unsigned long start,
				unsigned long end, unsigned int stride_shift,
				bool freed_tables);

/* This is a multiple of PAGE_SIZE. */
#define LDT_SLOT_STRIDE (LDT_ENTRIES * LDT_ENTRY_SIZE)

static inline void *ldt_slot_va(int slot)
{
	return (void *)(LDT_BASE_ADDR + LDT_SLOT_STRIDE * slot);
}

#ifdef CONFIG_PAGE_TABLE_ISOLATION
static void unmap_ldt_struct(struct mm_struct *mm, struct ldt_struct *ldt)
{
	unsigned long va;
	int i, nr_pages;

	if (!ldt)
		return;

	/* LDT map/unmap is only required for PTI */
	if (!boot_cpu_has(X86_FEATURE_PTI))
		return;

	nr_pages = DIV_ROUND_UP(ldt->nr_entries * LDT_ENTRY_SIZE, PAGE_SIZE);

	for (i = 0; i < nr_pages; i++) {
		unsigned long offset = i << PAGE_SHIFT;
		spinlock_t *ptl;
		pte_t *ptep;

		va = (unsigned long)ldt_slot_va(ldt->slot) + offset;
		/* kcare: get_locked_pte() without its sparse annotation */
		ptep = demo_get_locked_pte(mm, va, &ptl);
		pte_clear(mm, va, ptep);
		pte_unmap_unlock(ptep, ptl);
	}

	va = (unsigned long)ldt_slot_va(ldt->slot);
	demo_flush_tlb_mm_range(mm, va, va + nr_pages * PAGE_SIZE, PAGE_SHIFT,
				false);
}
#else /* !CONFIG_PAGE_TABLE_ISOLATION */
static void unmap_ldt_struct(struct mm_struct *mm, struct ldt_struct *ldt)
{
}
#endif /* CONFIG_PAGE_TABLE_ISOLATION */

/* After calling this, the LDT is immutable. */
static void finalize_ldt_struct(struct ldt_struct *ldt)
{
	paravirt_alloc_ldt(ldt->entries, ldt->nr_entries);
}

static void install_ldt(struct mm_struct *mm, struct ldt_struct *ldt)
{
	mutex_lock(&mm->context.lock);

	/* Synchronizes with READ_ONCE in load_mm_ldt. */
	smp_store_release(&mm->context.ldt, ldt);

	/* Activate the LDT for all CPUs using currents mm. */
	on_each_cpu_mask(mm_cpumask(mm), demo_flush_ldt, mm, true);

	mutex_unlock(&mm->context.lock);
}

static void free_ldt_struct(struct ldt_struct *ldt)
{
	if (likely(!ldt))
		return;

	/* kcare: the rest is the clone free_ldt_struct.part.0 */
	demo_free_ldt_struct_part(ldt);
}

static int demo_write_ldt(void __user *ptr, unsigned long bytecount,
			  int oldmode)
{
	struct mm_struct *mm = current->mm;
	struct ldt_struct *new_ldt, *old_ldt;
	unsigned int old_nr_entries, new_nr_entries;
	struct user_desc ldt_info;
	struct desc_struct ldt;
	int error;

	error = -EINVAL;
	if (bytecount != sizeof(ldt_info))
		goto out;
	error = -EFAULT;
	if (copy_from_user(&ldt_info, ptr, sizeof(ldt_info)))
		goto out;

	error = -EINVAL;
	if (ldt_info.entry_number >= LDT_ENTRIES)
		goto out;
	if (ldt_info.contents == 3) {
		if (oldmode)
			goto out;
		if (ldt_info.seg_not_present == 0)
			goto out;
	}

	if ((oldmode && !ldt_info.base_addr && !ldt_info.limit) ||
	    LDT_empty(&ldt_info)) {
		/* The user wants to clear the entry. */
		memset(&ldt, 0, sizeof(ldt));
	} else {
		/* kcare: no 16-bit segments, whatever the platform allows */
		if (!ldt_info.seg_32bit) {
			error = -EINVAL;
			goto out;
		}

		fill_ldt(&ldt, &ldt_info);
		if (oldmode)
			ldt.avl = 0;
	}

	if (down_write_killable(&mm->context.ldt_usr_sem))
		return -EINTR;

	old_ldt       = mm->context.ldt;
	old_nr_entries = old_ldt ? old_ldt->nr_entries : 0;
	new_nr_entries = max(ldt_info.entry_number + 1, old_nr_entries);

	error = -ENOMEM;
	new_ldt = demo_alloc_ldt_struct(new_nr_entries);
	if (!new_ldt)
		goto out_unlock;

	if (old_ldt)
		memcpy(new_ldt->entries, old_ldt->entries, old_nr_entries * LDT_ENTRY_SIZE);

	new_ldt->entries[ldt_info.entry_number] = ldt;
	finalize_ldt_struct(new_ldt);

	/*
	 * If we are using PTI, map the new LDT into the userspace pagetables.
	 * If there is already an LDT, use the other slot so that other CPUs
	 * will continue to use the old LDT until install_ldt() switches
	 * them over to the new LDT.
	 */
	error = demo_map_ldt_struct(mm, new_ldt, old_ldt ? !old_ldt->slot : 0);
	if (error) {
		/*
		 * This only can fail for the first LDT setup. If an LDT is
		 * already installed then the PTE page is already
		 * populated. Mop up a half populated page table.
		 */
		if (!WARN_ON_ONCE(old_ldt))
			demo_free_ldt_pgtables(mm);
		free_ldt_struct(new_ldt);
		goto out_unlock;
	}

	install_ldt(mm, new_ldt);
	unmap_ldt_struct(mm, old_ldt);
	free_ldt_struct(old_ldt);
	error = 0;

out_unlock:
	up_write(&mm->context.ldt_usr_sem);
out:
	return error;
}

struct kcare_func demo_modify_ldt_funcs[] = {
	{
		.name = "write_ldt",
		.object = "vmlinux",
		.new_func = demo_write_ldt,
	},
	{ }
};
