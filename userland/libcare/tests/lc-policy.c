// SPDX-License-Identifier: GPL-2.0
/*
 * A process that may not get new code, for LibCare's refusal tests:
 *   lc-policy mdwe      prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN)
 *   lc-policy seccomp   a libseccomp filter failing mmap and mprotect
 *                       with PROT_EXEC (what systemd's
 *                       MemoryDenyWriteExecute= installs)
 * set after liblctest.so is loaded; then two threads call
 * lc_test_value() and the counts are printed as lc-busy prints them
 * (with "one" after the policy, the main thread alone calls it).
 * Prints "unsupported" and exits 77 when the kernel lacks the policy.
 */
#include <dlfcn.h>
#include <errno.h>
#include <libgen.h>
#include <pthread.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "lctest.h"

#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#endif

static int (*value)(int x);
static long calls_n, old_n, bad_n;

static int step(int x)
{
	int v = value(x);

	__atomic_fetch_add(v == LCTEST_OLD(x) ? &old_n : &bad_n, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&calls_n, 1, __ATOMIC_RELAXED);
	return (x + 1) % 100000;
}

static void *worker(void *arg)
{
	int x = 0;

	for (;;) {
		x = step(x);
		if (!(x & 1023))
			usleep(100);
	}
	return NULL;
}

static int deny_exec_maps(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!ctx)
		return -ENOMEM;
	r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mmap), 1,
			     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC));
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mprotect), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC));
	if (!r)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	return r;
}

int main(int argc, char **argv)
{
	char exe[4096], path[4200];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int nth = argc > 2 && !strcmp(argv[2], "one") ? 0 : 2, i, x = 0;
	pthread_t t;
	void *h;

	setvbuf(stdout, NULL, _IOLBF, 0);
	exe[n > 0 ? n : 0] = 0;
	snprintf(path, sizeof(path), "%s/liblctest.so", dirname(exe));
	h = dlopen(path, RTLD_NOW);
	value = h ? (int (*)(int))dlsym(h, "lc_test_value") : NULL;
	if (!value || argc < 2) {
		fprintf(stderr, "usage: lc-policy mdwe|seccomp (%s)\n", h ? "" : dlerror());
		return 2;
	}
	if (!strcmp(argv[1], "mdwe") && prctl(PR_SET_MDWE, 1, 0, 0, 0)) {
		printf("unsupported: %s\n", strerror(errno));
		return 77;
	}
	if (!strcmp(argv[1], "seccomp") && deny_exec_maps()) {
		printf("unsupported: seccomp\n");
		return 77;
	}
	for (i = 0; i < nth; i++)
		pthread_create(&t, NULL, worker, NULL);
	for (;;) {
		if (nth)
			usleep(50000);
		for (i = 0; !nth && i < 250; i++) {
			x = step(x);
			usleep(200);
		}
		printf("calls=%ld old=%ld bad=%ld\n", __atomic_load_n(&calls_n, __ATOMIC_RELAXED),
		       old_n, bad_n);
	}
}
