/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One kcarectl at a time (Documentation/kcarectl.md, "One run at a
 * time"): the timer, the boot unit and an administrator may start it
 * together, and two runs would race on the seen state, the applied
 * record, the cache and the staging files. Every verb that changes the
 * system holds an flock(2) on KC_LOCK_PATH for its whole run; the lock
 * file holds the holder's pid, for the message of those who wait.
 */
#ifndef _KCARE_CTL_LOCK_H
#define _KCARE_CTL_LOCK_H

#include <stddef.h>

#define KC_LOCK_DIR		"/run/kcare"
#define KC_LOCK_PATH		KC_LOCK_DIR "/kcarectl.lock"
/* How long a verb that changes the system waits for another run. */
#define KC_LOCK_WAIT_S		60
/* How long a read verb waits before it goes on without writing. */
#define KC_LOCK_READ_WAIT_S	2

/*
 * Take the lock, waiting at most @wait_s seconds. Returns the lock's fd
 * (kept open for the run; closing it, or exiting, releases it), or -1:
 * "another kcarectl (pid N) is running; try again when it has finished"
 * when it stays taken (*busy set), or why the lock file cannot be used.
 */
int kc_lock_take(unsigned int wait_s, int *busy, char *err, size_t errlen);
void kc_lock_release(int fd);

#endif /* _KCARE_CTL_LOCK_H */
