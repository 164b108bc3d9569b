// SPDX-License-Identifier: GPL-2.0
/*
 * One atomic change of hook targets.
 *
 * Hooks are installed beforehand in a pass-through state, because
 * installing one pokes kernel text and stops the machine itself. What
 * happens here is only the flip: every target of the change is written
 * while all CPUs are stopped, so no CPU can observe a patchset half
 * switched. The consistency check (the freezer) belongs in the same
 * stopped window, right before the flip: see kcare_switch_check().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/stop_machine.h>

#include "kcare.h"

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
	unsigned int i;

	for (i = 0; i < sw->nr; i++) {
		if (sw->ent[i].hook == hook) {
			sw->ent[i].target = target;
			return 0;
		}
	}
	if (sw->nr == sw->max) {
		unsigned int max = sw->max ? sw->max * 2 : 16;

		ent = krealloc_array(sw->ent, max, sizeof(*ent), GFP_KERNEL);
		if (!ent)
			return -ENOMEM;
		sw->ent = ent;
		sw->max = max;
	}
	sw->ent[sw->nr].hook = hook;
	sw->ent[sw->nr].target = target;
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
 * Whether switching is safe at this instant. Runs with every CPU stopped.
 * This engine version switches without stack checks (the "none" freezer
 * mode); the smart freezer plugs in here.
 */
static int kcare_switch_check(const struct kcare_switch *sw)
{
	return 0;
}

static int kcare_switch_fn(void *data)
{
	struct kcare_switch *sw = data;
	unsigned int i;
	int ret;

	ret = kcare_switch_check(sw);
	if (ret)
		return ret;
	for (i = 0; i < sw->nr; i++) {
		kcare_arch_hook_set_target(sw->ent[i].hook, sw->ent[i].target);
		sw->ent[i].hook->target = sw->ent[i].target;
	}
	return 0;
}

/**
 * kcare_switch_commit() - apply every change of @sw at once, or none
 * @sw:	the switch; its hooks must be installed
 *
 * Context: process context, kcare_mutex held; not inside stop_machine.
 * Return: 0, or the reason nothing changed.
 */
int kcare_switch_commit(struct kcare_switch *sw)
{
	lockdep_assert_held(&kcare_mutex);
	if (!sw->nr)
		return 0;
	return stop_machine(kcare_switch_fn, sw, NULL);
}
