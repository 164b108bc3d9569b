/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The crash-loop guard (Documentation/install.md, "Boot safety"): a patch
 * that crashes the machine must not be re-applied by the boot unit for
 * ever. Three files in the state directory say what happened:
 *
 *   apply-in-progress  "BOOT_ID LEVEL TIME", written (and synced) before a
 *                      switch, removed after it, whatever its outcome;
 *   boot-restores      the times at which the boot unit re-applied a
 *                      patchset, newest last;
 *   boot-guard         why patches are held back; while it exists neither
 *                      the boot unit nor the timer applies anything. A
 *                      manual --update or --unload removes it.
 *
 * And "kcare=off" on the kernel command line turns every apply off.
 */
#ifndef _KCARE_BOOT_GUARD_H
#define _KCARE_BOOT_GUARD_H

#include <stddef.h>
#include <time.h>

/* Held back after this many boot re-applies within the window. */
#define KC_GUARD_MAX_RESTORES	3
#define KC_GUARD_WINDOW_SEC	(10 * 60)

/**
 * struct kc_guard - where the guard keeps and reads its facts
 * @dir: state directory (/var/lib/kcare)
 * @cmdline: the kernel command line file (/proc/cmdline)
 * @boot_id: this boot's identifier file (/proc/sys/kernel/random/boot_id)
 * @max_restores: re-applies within @window that mean a crash loop
 * @window: seconds
 *
 * Paths are fields so that the unit tests run it in a scratch directory.
 */
struct kc_guard {
	const char *dir;
	const char *cmdline;
	const char *boot_id;
	unsigned int max_restores;
	long window;
};

/* The system's paths and limits. */
extern const struct kc_guard kc_guard_system;

/* 1 when "kcare=off" is on the kernel command line of @g. */
int kc_guard_cmdline_off(const struct kc_guard *g);
/* The marker before a switch to @level; -1 with @err when it cannot be
 * written (then nothing is applied: the guard could not work). */
int kc_guard_begin(const struct kc_guard *g, unsigned int level, char *err,
		   size_t len);
/* The switch is over (applied or refused): no marker. */
void kc_guard_end(const struct kc_guard *g);
/*
 * At boot, before re-applying: 0 to go on (the re-apply at @now is
 * recorded), 1 when patches are held back, with the reason in @why (and
 * in the boot-guard file).
 */
int kc_guard_boot_check(const struct kc_guard *g, time_t now, char *why,
			size_t len);
/* 1 with the reason in @why when patches are held back, else 0. */
int kc_guard_held(const struct kc_guard *g, char *why, size_t len);
/* An administrator's update or unload lifts the hold. */
void kc_guard_release(const struct kc_guard *g);

#endif
