// SPDX-License-Identifier: GPL-2.0
/*
 * binfmt_misc_status: the status file of binfmt_misc also says how many
 * formats are registered.
 *
 *   before:  enabled
 *   after:   enabled
 *            entries 0
 *
 * The first line is unchanged, so whatever reads it still works. This is
 * the demo's patch to a loadable module: binfmt_misc.ko ships with the
 * Debian image, loads with no hardware and no dependencies, and until it
 * is loaded the function is pending; the engine patches it when the module
 * loads and resolves its static variables (enabled, entries, entries_lock)
 * in that module. bm_status_read() is static, a function of its own (the
 * file operations hold its address; GCC moved a cold part of it to
 * bm_status_read.cold, which is no entry point) and traceable.
 *
 * Copied from fs/binfmt_misc.c of Linux 6.1.192 (Debian linux-source-6.1
 * 6.1.192-2), Copyright (C) 1997 Richard Günther. Changes: the module's
 * static variables are reached through pointers, and the count of entries
 * is added (marked "kcare:").
 */
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/spinlock.h>

#include "demo.h"

int *demo_bm_enabled;
struct list_head *demo_bm_entries;
rwlock_t *demo_bm_entries_lock;

static ssize_t
demo_bm_status_read(struct file *file, char __user *buf, size_t nbytes,
		    loff_t *ppos)
{
	char *s = *demo_bm_enabled ? "enabled" : "disabled";
	/* kcare: count the entries, under the lock load_misc_binary() takes */
	struct list_head *pos;
	unsigned int n = 0;
	char page[32];
	int len;

	read_lock(demo_bm_entries_lock);
	list_for_each(pos, demo_bm_entries)
		n++;
	read_unlock(demo_bm_entries_lock);
	len = scnprintf(page, sizeof(page), "%s\nentries %u\n", s, n);

	return simple_read_from_buffer(buf, nbytes, ppos, page, len);
}

struct kcare_func demo_binfmt_misc_funcs[] = {
	{
		.name = "bm_status_read",
		.object = "binfmt_misc",
		.new_func = demo_bm_status_read,
	},
	{ }
};
