// SPDX-License-Identifier: GPL-2.0
/*
 * N small processes mapping LibCare's test library, for the whole-machine
 * figure of kcarectl --lib-update (bench-libupdate.sh): each calls the
 * library once and sleeps, so the machine stays idle while they are
 * patched. Killing this process (the parent) kills them all
 * (PR_SET_PDEATHSIG), so a bench that stops half-way leaves none behind.
 *
 * usage: lc-idle N   (prints "ready N" once all are started)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "lctest.h"

#define LC_IDLE_MAX	20000

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0, i;
	pid_t parent = getpid();

	if (n < 1 || n > LC_IDLE_MAX) {
		fprintf(stderr, "usage: lc-idle N (1..%d)\n", LC_IDLE_MAX);
		return 2;
	}
	for (i = 0; i < n; i++) {
		pid_t p = fork();

		if (p < 0) {
			perror("lc-idle: fork");
			return 1;
		}
		if (p)
			continue;
		/* The parent may have died before the call: then go too. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(1);
		lc_test_value(1);
		for (;;)
			pause();
	}
	printf("ready %ld\n", n);
	fflush(stdout);
	for (;;)
		pause();
}
