/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One atomic change of hook targets (switch.c). Entries are collected
 * beforehand (may sleep); kcare_switch_stop() flips all of them at once
 * with every CPU stopped, after an optional check, or none of them. When
 * to try is the freezer's business (freezer.h).
 */
#ifndef _KCARE_SWITCH_H
#define _KCARE_SWITCH_H

#include <linux/types.h>

struct kcare_hook;

struct kcare_switch_entry {
	struct kcare_hook *hook;
	void *target;
	unsigned long end;	/* of @target's code */
};

/* How a switch makes sure no task is inside what changes (freezer.c). */
enum kcare_freezer_mode {
	KCARE_FREEZER_DEFAULT,	/* the mode set in /sys/kernel/kcare/freezer */
	KCARE_FREEZER_NONE,	/* no check: the caller accepts the risk */
	KCARE_FREEZER_FULL,	/* freeze every freezable task, then check */
	KCARE_FREEZER_SMART,	/* check; help only the tasks that block */
};

/**
 * struct kcare_switch - one atomic change of hook targets
 * @nr, @max, @ent:	the changes
 * @mode:		the freezer mode; zero-initialised means the default
 * @force:		switch even if tasks still block when time is up
 * @unchecked:		no task can be inside what changes (a module that is
 *			coming or going): no stack check at all
 * @forced:		out: the switch happened although tasks blocked it
 * @checked:		out: it happened after a stack check in the pause
 *			found no task inside what changed
 */
struct kcare_switch {
	unsigned int nr, max;
	struct kcare_switch_entry *ent;
	enum kcare_freezer_mode mode;
	bool force;
	bool unchecked;
	bool forced;
	bool checked;
};

int kcare_switch_add(struct kcare_switch *sw, struct kcare_hook *hook,
		     void *target);
void kcare_switch_free(struct kcare_switch *sw);

/*
 * Stop every CPU; run @check(@arg) (NULL: no check), and if it returns 0,
 * flip every target. Times the pause. Returns what @check returned when it
 * refused (nothing changed).
 */
int kcare_switch_stop(struct kcare_switch *sw, int (*check)(void *arg),
		      void *arg);

/* The pause figures, for sysfs: microseconds. */
struct kcare_pause_stats {
	unsigned long count;
	u64 last_us, max_us, median_us;
};
void kcare_pause_stats(struct kcare_pause_stats *st);

#endif /* _KCARE_SWITCH_H */
