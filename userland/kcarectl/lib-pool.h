/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A bounded pool of forked workers for the user-space verbs: one job per
 * process to patch or unpatch (lib-pool.c).
 */
#ifndef _KCARE_CTL_LIB_POOL_H
#define _KCARE_CTL_LIB_POOL_H

#include <limits.h>
#include <stddef.h>

/* A bound on the processes worked on at once. */
#define KC_POOL_WORKERS_MAX	16
/* A job whose worker died before it gave a result. */
#define KC_POOL_NO_RESULT	INT_MIN

/*
 * Run @work(@i, @arg) for every @i below @n, a few at a time, and put each
 * result in @res[@i] (KC_POOL_NO_RESULT when none came back). Output of
 * the workers is flushed before they exit; @res is complete on return.
 */
void kc_pool_run(size_t n, int (*work)(size_t i, void *arg), void *arg,
		 int *res);

#endif /* _KCARE_CTL_LIB_POOL_H */
