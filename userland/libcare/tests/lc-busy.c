// SPDX-License-Identifier: GPL-2.0
/*
 * The process LibCare's tests patch: N threads call lc_test_value() in a
 * loop and sort each result as the unpatched, level 1 or level 2 value,
 * or wrong. The main thread prints the counts every 50 ms:
 *   calls=C old=A new1=B new2=D bad=E lib=L
 * (lib: the library's own call counter); with N 0, the main thread
 * alone calls it, between reports. With --spin one more thread
 * stays inside lc_test_spin() forever; with --spin-outer, in there
 * called from lc_test_outer(). With --bench N it only prints the
 * time of one call (ns), measured over N calls, and exits; with
 * --bench-loop N it prints that every N calls, forever. With
 * --seccomp it runs under a seccomp filter (one that allows everything).
 * liblctest.so is opened from the program's own directory with dlopen(),
 * so that the test guests need no library path.
 */
#include <dlfcn.h>
#include <libgen.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "lctest.h"

static int (*lc_test_value_p)(int x);
static long (*lc_test_calls_p)(void);
static void (*lc_test_spin_p)(volatile int *stop);
static void (*lc_test_outer_p)(volatile int *stop);
#define lc_test_value lc_test_value_p
#define lc_test_calls lc_test_calls_p
#define lc_test_spin lc_test_spin_p
#define lc_test_outer lc_test_outer_p

static void open_lib(void)
{
	char exe[4096], path[4200];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	void *h;

	exe[n > 0 ? n : 0] = 0;
	snprintf(path, sizeof(path), "%s/liblctest.so", dirname(exe));
	h = dlopen(path, RTLD_NOW);
	if (!h) {
		fprintf(stderr, "lc-busy: %s\n", dlerror());
		exit(1);
	}
	lc_test_value_p = (int (*)(int))dlsym(h, "lc_test_value");
	lc_test_calls_p = (long (*)(void))dlsym(h, "lc_test_calls");
	lc_test_spin_p = (void (*)(volatile int *))dlsym(h, "lc_test_spin");
	lc_test_outer_p = (void (*)(volatile int *))dlsym(h, "lc_test_outer");
}

static long old_n, new1_n, new2_n, bad_n, calls_n;
static volatile int stop_spin;

/* One call, counted by what it returned; the next argument. */
static int step(int x)
{
	int v = lc_test_value(x);

	if (v == LCTEST_OLD(x))
		__atomic_fetch_add(&old_n, 1, __ATOMIC_RELAXED);
	else if (v == LCTEST_NEW1(x))
		__atomic_fetch_add(&new1_n, 1, __ATOMIC_RELAXED);
	else if (v == LCTEST_NEW2(x))
		__atomic_fetch_add(&new2_n, 1, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(&bad_n, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&calls_n, 1, __ATOMIC_RELAXED);
	return (x + 1) % 1000000;
}

static void *worker(void *arg)
{
	int x = (int)(long)arg * 1000;

	for (;;) {
		x = step(x);
		/* Leave some CPU to the patcher on a small machine. */
		if (!(x & 1023))
			usleep(100);
	}
	return NULL;
}

static void *spinner(void *arg)
{
	if (arg)
		lc_test_outer(&stop_spin);
	else
		lc_test_spin(&stop_spin);
	return NULL;
}

static void allow_all_filter(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { 1, &allow };

	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

static double bench(long n)
{
	struct timespec a, b;
	long i, sum = 0;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++)
		sum += lc_test_value((int)i);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (sum == 42)
		puts("");
	return ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 8, i, x = 0;
	pthread_t t;

	setvbuf(stdout, NULL, _IOLBF, 0);
	open_lib();
	if (argc > 2 && !strcmp(argv[1], "--bench")) {
		printf("%.2f\n", bench(atol(argv[2])));
		return 0;
	}
	while (argc > 2 && !strcmp(argv[1], "--bench-loop"))
		printf("ns=%.2f\n", bench(atol(argv[2])));
	if (argc > 2 && !strcmp(argv[2], "--seccomp"))
		allow_all_filter();
	for (i = 0; i < n; i++)
		pthread_create(&t, NULL, worker, (void *)(long)i);
	if (argc > 2 && !strcmp(argv[2], "--spin"))
		pthread_create(&t, NULL, spinner, NULL);
	if (argc > 2 && !strcmp(argv[2], "--spin-outer"))
		pthread_create(&t, NULL, spinner, (void *)1);
	/* No worker ("lc-busy 0"): the one thread calls, between reports. */
	for (;;) {
		if (n)
			usleep(50000);
		for (i = 0; !n && i < 250; i++) {
			x = step(x);
			usleep(200);
		}
		printf("calls=%ld old=%ld new1=%ld new2=%ld bad=%ld lib=%ld\n",
		       __atomic_load_n(&calls_n, __ATOMIC_RELAXED), old_n, new1_n,
		       new2_n, bad_n, lc_test_calls());
	}
}
