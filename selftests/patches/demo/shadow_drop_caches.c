// SPDX-License-Identifier: GPL-2.0
/*
 * drop_caches_log: writing to /proc/sys/vm/drop_caches logs the first write
 * of each task only.
 *
 * The kernel logs every write ("sh (42): drop_caches: 3"); a daemon or a
 * benchmark that drops caches in a loop floods the log, and the only way
 * out, writing 4, silences the message for everybody for good. With this
 * patch each task is logged once, on its first write: who drops caches is
 * still known, and a loop costs one line. Writing 4 still silences all.
 *
 * Remembering "this task was logged" needs a new field in task_struct,
 * which a live patch cannot add: it is a shadow variable attached to the
 * task. A task_struct can be freed and its memory reused by a new task
 * without the patch knowing, so the shadow also records the task's start
 * time and is taken as new when that differs. Shadows of tasks that exited
 * stay until a task reuses the memory or the patch is reverted (then they
 * are all freed), so there are at most as many as task_structs ever
 * allocated at different addresses by writers of drop_caches.
 *
 drop_caches_sysctl_handler() is a function of its own (the sysctl table
 * holds its address) and traceable, on x86_64 and arm64 alike. It calls the
 * static drop_pagecache_sb() through iterate_supers(), reaches the value
 * written, sysctl_drop_caches, through the table it is given (table->data),
 * and uses its own static "stfu", named stfu.0 in /proc/kallsyms: the copy
 * uses the kernel's, so that writing 4 before the patch still silences it.
 * Debian's arm64 kernel keeps no variables in kallsyms (no
 * CONFIG_KALLSYMS_ALL): there the patchset gives stfu.0's link-time
 * address, which the engine relocates (patchset.c, DEMO_LINK). The
 * functions are reached through the pointers declared in demo.h.
 *
 * Copied from fs/drop_caches.c of Linux 6.1.192 (Debian linux-source-6.1
 * 6.1.192-2). Changes: non-exported symbols through pointers or the table,
 * and the message is logged once per task (marked "kcare:").
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sysctl.h>
#include <linux/vmstat.h>

#include "demo.h"

/* ASCII "kcDC": the id of this patch's shadow variable. */
#define DEMO_DROP_CACHES_SHADOW_ID	0x6b634443UL

int *demo_drop_caches_stfu;
typeof(iterate_supers) *demo_iterate_supers;
typeof(drop_slab) *demo_drop_slab;
void (*demo_drop_pagecache_sb)(struct super_block *sb, void *unused);

/**
 * struct demo_drop_caches_seen - per task, whether its write was logged
 * @start_time:	the task's start_time when the shadow was made for it
 * @logged:	its first write was logged
 */
struct demo_drop_caches_seen {
	u64 start_time;
	bool logged;
};

static int demo_drop_caches_seen_ctor(void *obj, void *data, void *arg)
{
	struct demo_drop_caches_seen *seen = data;
	struct task_struct *task = obj;

	seen->start_time = task->start_time;
	seen->logged = false;
	return 0;
}

/* Whether current must be logged; a failed allocation logs, as before. */
static bool demo_drop_caches_first_write(void)
{
	struct demo_drop_caches_seen *seen;

	seen = kcare_shadow_get_or_alloc(current, DEMO_DROP_CACHES_SHADOW_ID,
					 sizeof(*seen), GFP_KERNEL,
					 demo_drop_caches_seen_ctor, NULL);
	if (!seen)
		return true;
	/* Another task that had the same address: start again. */
	if (seen->start_time != current->start_time)
		demo_drop_caches_seen_ctor(current, seen, NULL);
	if (seen->logged)
		return false;
	seen->logged = true;
	return true;
}

static int demo_drop_caches_sysctl_handler(struct ctl_table *table, int write,
					   void *buffer, size_t *length,
					   loff_t *ppos)
{
	int ret;

	ret = proc_dointvec_minmax(table, write, buffer, length, ppos);
	if (ret)
		return ret;
	if (write) {
		/* kcare: the kernel's "static int stfu" */
		int *stfu = demo_drop_caches_stfu;
		/* kcare: sysctl_drop_caches, which the table points to */
		int *drop_caches = table->data;

		if (*drop_caches & 1) {
			demo_iterate_supers(demo_drop_pagecache_sb, NULL);
			count_vm_event(DROP_PAGECACHE);
		}
		if (*drop_caches & 2) {
			demo_drop_slab();
			count_vm_event(DROP_SLAB);
		}
		/* kcare: and only on the task's first write */
		if (!*stfu && demo_drop_caches_first_write()) {
			pr_info("%s (%d): drop_caches: %d\n",
				current->comm, task_pid_nr(current),
				*drop_caches);
		}
		*stfu |= *drop_caches & 4;
	}
	return 0;
}

/* Once no task runs the new handler, nobody needs the shadows. */
void demo_drop_caches_post_revert(struct kcare_patch *patch)
{
	kcare_shadow_free_all(DEMO_DROP_CACHES_SHADOW_ID, NULL);
}

struct kcare_func demo_drop_caches_funcs[] = {
	{
		.name = "drop_caches_sysctl_handler",
		.object = "vmlinux",
		.new_func = demo_drop_caches_sysctl_handler,
	},
	{ }
};
