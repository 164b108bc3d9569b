/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine's shared state: the one mutex that serialises every change,
 * what the engine is doing, and the active patchset.
 *
 * Only patchset.c changes them; sysfs.c and sysctl.c read them, and the
 * lower parts assert the mutex. They live at the bottom of the engine so
 * that reading them never needs a call up into patchset.c.
 */
#ifndef _KCARE_STATE_H
#define _KCARE_STATE_H

#include <linux/mutex.h>

struct kcare_patchset;

enum kcare_state {
	KCARE_IDLE,
	KCARE_APPLYING,
	KCARE_APPLIED,
	KCARE_REVERTING,
	KCARE_FAILED,
};

extern struct mutex kcare_mutex;
extern enum kcare_state kcare_state;
extern struct kcare_patchset *kcare_active;	/* NULL when idle */

const char *kcare_state_name(enum kcare_state state);
/* 0 with kcare_mutex held, or -ERESTARTNOINTR: see state.c. */
int kcare_lock_or_restart(void);

#endif /* _KCARE_STATE_H */
