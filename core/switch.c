// SPDX-License-Identifier: GPL-2.0
/*
 * One atomic change of hook targets.
 *
 * Hooks are installed beforehand in a pass-through state, because
 * installing one pokes kernel text and stops the machine itself. What
 * happens here is only the flip: every target of the change is written
 * while all CPUs are stopped, so no CPU can observe a patchset half
 * switched. The consistency check (the freezer) belongs in the same
 * stopped window, right before the flip: freezer.c decides when to try
 * and hands kcare_switch_stop() the check, which stack.c does.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/stop_machine.h>

#include "compat_slab.h"
#include "hook.h"
#include "state.h"
#include "switch.h"
#include "symbols.h"

/**
 * kcare_switch_add() - add a target change to a switch
 * @sw:		the switch
 * @hook:	the hook whose target changes
 * @target:	the new target, NULL for the original code
 *
 * A hook added twice keeps the last target, so a cumulative replace can
 * first send every old function back to its original and then override
 * the ones the new patchset keeps.
 *
 * Return: 0, or -ENOMEM.
 */
int kcare_switch_add(struct kcare_switch *sw, struct kcare_hook *hook,
		     void *target)
{
	struct kcare_switch_entry *ent;
	unsigned long end = 0;
	unsigned int i;

	/* A replacement's own calls of its original run the original. */
	if (target) {
		end = kcare_symbol_end((unsigned long)target);
		if (!end)
			end = (unsigned long)target + 1;
	}
	for (i = 0; i < sw->nr; i++) {
		if (sw->ent[i].hook == hook) {
			sw->ent[i].target = target;
			sw->ent[i].end = end;
			return 0;
		}
	}
	if (sw->nr == sw->max) {
		unsigned int max = sw->max ? sw->max * 2 : 16;

		ent = kcare_krealloc_array(sw->ent, max, sizeof(*ent), GFP_KERNEL);
		if (!ent)
			return -ENOMEM;
		sw->ent = ent;
		sw->max = max;
	}
	sw->ent[sw->nr].hook = hook;
	sw->ent[sw->nr].target = target;
	sw->ent[sw->nr].end = end;
	sw->nr++;
	return 0;
}

void kcare_switch_free(struct kcare_switch *sw)
{
	kfree(sw->ent);
	sw->ent = NULL;
	sw->nr = sw->max = 0;
}

/*
 * The last pauses, in nanoseconds, for the figures in the log and in
 * /sys/kernel/kcare/pause/. Protected by kcare_mutex (written) and
 * kcare_pause_lock (read by sysfs without the mutex).
 */
#define KCARE_PAUSE_RING	1024
static DEFINE_SPINLOCK(kcare_pause_lock);
static u64 kcare_pause_ns[KCARE_PAUSE_RING];
static unsigned long kcare_pause_count;
static u64 kcare_pause_max_ns;

struct kcare_switch_ctx {
	struct kcare_switch *sw;
	int (*check)(void *arg);
	void *arg;
};

static int kcare_switch_fn(void *data)
{
	struct kcare_switch_ctx *ctx = data;
	struct kcare_switch *sw = ctx->sw;
	unsigned int i;
	int ret;

	if (ctx->check) {
		ret = ctx->check(ctx->arg);
		if (ret)
			return ret;
	}
	for (i = 0; i < sw->nr; i++)
		kcare_hook_set_target(sw->ent[i].hook, sw->ent[i].target,
				      sw->ent[i].end);
	return 0;
}

int kcare_switch_stop(struct kcare_switch *sw, int (*check)(void *arg),
		      void *arg)
{
	struct kcare_switch_ctx ctx = { .sw = sw, .check = check, .arg = arg };
	u64 t0, ns;
	int ret;

	lockdep_assert_held(&kcare_mutex);
	/*
	 * From the call to the return: an upper bound of how long the other
	 * CPUs were held, since the first one stops before the last.
	 */
	t0 = ktime_get_ns();
	ret = stop_machine(kcare_switch_fn, &ctx, NULL);
	ns = ktime_get_ns() - t0;

	spin_lock(&kcare_pause_lock);
	kcare_pause_ns[kcare_pause_count % KCARE_PAUSE_RING] = ns;
	kcare_pause_count++;
	kcare_pause_max_ns = max(kcare_pause_max_ns, ns);
	spin_unlock(&kcare_pause_lock);
	return ret;
}

static int kcare_u64_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Median of the last KCARE_PAUSE_RING pauses; max and count of all. */
void kcare_pause_stats(struct kcare_pause_stats *st)
{
	u64 *copy;
	unsigned int n;

	memset(st, 0, sizeof(*st));
	copy = kmalloc_array(KCARE_PAUSE_RING, sizeof(*copy), GFP_KERNEL);
	spin_lock(&kcare_pause_lock);
	st->count = kcare_pause_count;
	n = min_t(unsigned long, kcare_pause_count, KCARE_PAUSE_RING);
	if (n) {
		st->last_us = div_u64(kcare_pause_ns[(kcare_pause_count - 1) %
						     KCARE_PAUSE_RING], 1000);
		st->max_us = div_u64(kcare_pause_max_ns, 1000);
	}
	if (copy)
		memcpy(copy, kcare_pause_ns, n * sizeof(*copy));
	spin_unlock(&kcare_pause_lock);
	if (copy && n) {
		sort(copy, n, sizeof(*copy), kcare_u64_cmp, NULL);
		st->median_us = div_u64(copy[n / 2], 1000);
	}
	kfree(copy);
}
