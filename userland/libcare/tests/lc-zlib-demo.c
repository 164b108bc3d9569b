// SPDX-License-Identifier: GPL-2.0
/*
 * The process of the real-CVE test: it runs against Debian's zlib and
 * shows CVE-2026-27171 (crc32_combine() with a negative length loops
 * forever). Its main loop checks crc32_combine() on good input all the
 * time (a patched function must keep giving correct results); on SIGUSR1
 * it probes the bug in a forked child given 1 s, which inherits whatever
 * code the parent runs now, and prints one line:
 *   probe: hang            (vulnerable)
 *   probe: returned V      (fixed: the upstream fix returns 0)
 * and every 100 ms: "checks=N wrong=W".
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

static volatile sig_atomic_t probe;

static void on_usr1(int sig)
{
	probe = 1;
}

static void run_probe(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		alarm(1);
		printf("probe: returned %lu\n", crc32_combine(1, 2, -1));
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		printf("probe: failed\n");
	else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
		printf("probe: hang\n");
}

int main(void)
{
	static const char a[] = "live patching ", b[] = "without restarting";
	unsigned long checks = 0, wrong = 0, i = 0;
	uLong ca, cb, cab, want;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGUSR1, on_usr1);
	ca = crc32(0, (const Bytef *)a, strlen(a));
	cb = crc32(0, (const Bytef *)b, strlen(b));
	want = crc32(ca, (const Bytef *)b, strlen(b));
	printf("ready\n");
	for (;;) {
		cab = crc32_combine(ca, cb, strlen(b));
		checks++;
		wrong += cab != want;
		if (probe) {
			probe = 0;
			run_probe();
		}
		if (++i % 2000 == 0) {
			printf("checks=%lu wrong=%lu\n", checks, wrong);
			usleep(100000);
		}
	}
}
