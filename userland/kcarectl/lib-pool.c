// SPDX-License-Identifier: GPL-2.0
/*
 * The worker pool of --lib-update and --lib-unload (lib-pool.h). Each
 * worker attaches to one process at a time, so a process is stopped only
 * while its own patch is written, and the slow parts (attach, remote
 * calls, the stack check) of several processes overlap. Workers are
 * forked, not threads: ptrace binds a tracee to one tracer thread, and
 * libcare keeps no state to share. Jobs are taken from a shared counter
 * (the quick ones do not wait behind a slow one) and each result goes to
 * a shared slot that the parent reads once every worker is reaped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib-pool.h"

void kc_pool_run(size_t n, int (*work)(size_t i, void *arg), void *arg,
		 int *res)
{
	struct { size_t next; int res[]; } *sh;
	size_t i, size = sizeof(*sh) + n * sizeof(int);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	pid_t kids[KC_POOL_WORKERS_MAX];
	unsigned int w, nw;

	if (!n)
		return;
	sh = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		  -1, 0);
	if (sh == MAP_FAILED) {
		/* No shared memory: one at a time, in this process. */
		for (i = 0; i < n; i++)
			res[i] = work(i, arg);
		return;
	}
	sh->next = 0;
	for (i = 0; i < n; i++)
		sh->res[i] = KC_POOL_NO_RESULT;
	/* A few per CPU: most of a patch is waiting on the kernel. */
	nw = cpus > 0 ? (unsigned int)cpus * 2 : 2;
	if (nw > KC_POOL_WORKERS_MAX)
		nw = KC_POOL_WORKERS_MAX;
	if (nw > n)
		nw = n;
	fflush(NULL);
	for (w = 0; w < nw; w++) {
		kids[w] = fork();
		if (kids[w] < 0)
			break;
		if (kids[w])
			continue;
		while ((i = __atomic_fetch_add(&sh->next, 1,
					       __ATOMIC_RELAXED)) < n)
			sh->res[i] = work(i, arg);
		fflush(NULL);
		_exit(0);
	}
	/* Not one worker could be forked: do it here. */
	if (!w)
		while ((i = sh->next++) < n)
			sh->res[i] = work(i, arg);
	while (w--)
		while (waitpid(kids[w], NULL, 0) < 0 && errno == EINTR)
			;
	memcpy(res, sh->res, n * sizeof(int));
	munmap(sh, size);
}
