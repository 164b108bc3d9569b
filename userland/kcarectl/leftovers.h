/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What killed runs leave behind, removed at the start of the next run
 * that holds the lock (lock.h): ".tmp.*" files anywhere in the cache
 * (cache.c's atomic writes), downloads in the staging directory not
 * resumed for KC_CACHE_STAGING_MAX_AGE and anything there that is not a
 * regular file, and ".NAME.tmp.PID" files in the state directory
 * (kc_write_atomic()). Only directories that are root's and writable by
 * root only are cleaned; nothing is followed through a link. A best
 * effort: errors are ignored.
 */
#ifndef _KCARE_CTL_LEFTOVERS_H
#define _KCARE_CTL_LEFTOVERS_H

#include <time.h>

void kc_leftovers_clean(const char *cache_dir, const char *state_dir,
			time_t now);

#endif /* _KCARE_CTL_LEFTOVERS_H */
