// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's lock and state, shared by every part of it (state.h).
 */
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>

#include "state.h"

/* Serialises every change of the engine's state. */
DEFINE_MUTEX(kcare_mutex);
enum kcare_state kcare_state = KCARE_IDLE;
struct kcare_patchset *kcare_active;

static const char * const kcare_state_names[] = {
	[KCARE_IDLE]		= "idle",
	[KCARE_APPLYING]	= "applying",
	[KCARE_APPLIED]		= "applied",
	[KCARE_REVERTING]	= "reverting",
	[KCARE_FAILED]		= "failed",
};

const char *kcare_state_name(enum kcare_state state)
{
	return kcare_state_names[state];
}

/*
 * For writers of files that are removed with kcare_mutex held (removal
 * waits for them): take the mutex without waiting for it, or have the
 * write restarted, a little later rather than in a busy loop, since a
 * switch may hold the mutex for seconds while tasks block it.
 */
int kcare_lock_or_restart(void)
{
	if (mutex_trylock(&kcare_mutex))
		return 0;
	schedule_timeout_interruptible(msecs_to_jiffies(10));
	return restart_syscall();
}
