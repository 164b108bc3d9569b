// SPDX-License-Identifier: GPL-2.0
/*
 * kcbench COMMAND ...: the timed steps of the benchmarks (scripts/bench/),
 * each printing one line of "key=value" figures; times in microseconds of
 * CLOCK_MONOTONIC.
 *
 *   load MODULE [PARAMS]       finit_module() (a kcare payload applies in
 *                              it): "us=T"; exit 1 if it fails
 *   klp-load MODULE NAME MS    finit_module() of a livepatch module, then
 *                              wait until /sys/kernel/livepatch/NAME says
 *                              its transition is over: "us=T"; exit 3 if
 *                              that takes more than MS milliseconds (the
 *                              transition is left running)
 *   klp-disable NAME MS        write 0 to its "enabled", wait the same way
 *   write FILE VALUE           one write(): "us=T"; exit 1 if it fails
 *   getpid N                   N getpid system calls in 20 runs of N / 20:
 *                              "calls_per_s=R best_calls_per_s=B", B the
 *                              rate of the fastest of them
 *   run COMMAND...             execute COMMAND: "us=T maxrss_kb=K status=S"
 *   sleepers N                 N child processes asleep in pause() until
 *                              this one gets SIGTERM, then ended and reaped
 *   sleeper-threads N          the same with N threads of this process,
 *                              lighter than processes: thousands fit in
 *                              the small guest
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static int load(const char *path, const char *params)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "kcbench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (syscall(SYS_finit_module, fd, params, 0)) {
		fprintf(stderr, "kcbench: %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int write_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		fprintf(stderr, "kcbench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = write(fd, value, strlen(value));
	if (n < 0)
		fprintf(stderr, "kcbench: %s: %s\n", path, strerror(errno));
	close(fd);
	return n < 0 ? -1 : 0;
}

/* Whether livepatch NAME is in transition: 1, 0, or -1 if unknown. */
static int klp_in_transition(const char *name)
{
	char path[256], c = '?';
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/livepatch/%s/transition", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (read(fd, &c, 1) != 1)
		c = '?';
	close(fd);
	return c == '1' ? 1 : c == '0' ? 0 : -1;
}

/*
 * Wait, polling every millisecond, until NAME's transition is over. A
 * disabled patch is freed at the end of its transition, taking its sysfs
 * directory along: then (@gone_ok) a missing file means it is over.
 */
static int klp_wait(const char *name, long long t0, long limit_ms,
		    int gone_ok)
{
	struct timespec ms = { 0, 1000000 };
	long long t;
	int r;

	for (;;) {
		r = klp_in_transition(name);
		t = now_us();
		if (r <= 0)
			break;
		if (t - t0 > limit_ms * 1000LL) {
			printf("us=%lld timeout=1\n", t - t0);
			return 3;
		}
		nanosleep(&ms, NULL);
	}
	if (r < 0 && !gone_ok) {
		fprintf(stderr, "kcbench: livepatch %s: no transition file\n", name);
		return 1;
	}
	printf("us=%lld\n", t - t0);
	return 0;
}

static int run(char **argv)
{
	struct rusage ru;
	long long t0;
	int status;
	pid_t pid;

	t0 = now_us();
	pid = fork();
	if (pid < 0) {
		perror("kcbench: fork");
		return 1;
	}
	if (!pid) {
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("kcbench: wait4");
		return 1;
	}
	printf("us=%lld maxrss_kb=%ld status=%d\n", now_us() - t0,
	       ru.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128);
	return 0;
}

static int sleepers(long n)
{
	pid_t *pids = calloc(n, sizeof(*pids));
	sigset_t set;
	long i;
	int sig;

	if (!pids) {
		perror("kcbench: calloc");
		return 1;
	}
	/* SIGTERM waits for sigwait(), in the children as well: blocked. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("kcbench: fork");
			break;
		}
		if (!pids[i]) {
			for (;;)
				pause();
		}
	}
	sigwait(&set, &sig);
	while (i-- > 0)
		kill(pids[i], SIGKILL);
	while (wait(NULL) > 0)
		;
	return 0;
}

static void *sleeper(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

static int sleeper_threads(long n)
{
	pthread_attr_t attr;
	pthread_t t;
	sigset_t set;
	long i;
	int sig;

	/* SIGTERM waits for sigwait(): blocked, in the threads as well. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN);
	for (i = 0; i < n; i++) {
		errno = pthread_create(&t, &attr, sleeper, NULL);
		if (errno) {
			perror("kcbench: pthread_create");
			break;
		}
	}
	sigwait(&set, &sig);
	/* Leaving ends every thread. */
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "kcbench load MODULE [PARAMS] | klp-load MODULE NAME MS |\n"
		"       klp-disable NAME MS | write FILE VALUE | getpid N | run COMMAND... |\n"
		"       sleepers N | sleeper-threads N\n");
	return 2;
}

int main(int argc, char **argv)
{
	long long t0;
	long i, n;
	int ret;

	if (argc < 2)
		return usage();
	t0 = now_us();
	if (!strcmp(argv[1], "load") && (argc == 3 || argc == 4)) {
		ret = load(argv[2], argc == 4 ? argv[3] : "");
		printf("us=%lld\n", now_us() - t0);
		return ret ? 1 : 0;
	}
	if (!strcmp(argv[1], "klp-load") && argc == 5) {
		if (load(argv[2], ""))
			return 1;
		return klp_wait(argv[3], t0, atol(argv[4]), 0);
	}
	if (!strcmp(argv[1], "klp-disable") && argc == 4) {
		char path[256];

		snprintf(path, sizeof(path), "/sys/kernel/livepatch/%s/enabled", argv[2]);
		if (write_file(path, "0"))
			return 1;
		return klp_wait(argv[2], t0, atol(argv[3]), 1);
	}
	if (!strcmp(argv[1], "write") && argc == 4) {
		ret = write_file(argv[2], argv[3]);
		printf("us=%lld\n", now_us() - t0);
		return ret ? 1 : 0;
	}
	if (!strcmp(argv[1], "getpid") && argc == 3) {
		long long c0, best = -1;
		int c;

		n = atol(argv[2]) / 20;
		if (n < 1)
			return usage();
		for (c = 0; c < 20; c++) {
			c0 = now_us();
			for (i = 0; i < n; i++)
				syscall(SYS_getpid);
			c0 = now_us() - c0;
			if (best < 0 || c0 < best)
				best = c0;
		}
		printf("calls_per_s=%.0f best_calls_per_s=%.0f\n",
		       20 * n * 1e6 / (double)(now_us() - t0),
		       n * 1e6 / (double)(best ? best : 1));
		return 0;
	}
	if (!strcmp(argv[1], "sleepers") && argc == 3)
		return sleepers(atol(argv[2]));
	if (!strcmp(argv[1], "sleeper-threads") && argc == 3)
		return sleeper_threads(atol(argv[2]));
	if (!strcmp(argv[1], "run") && argc >= 3)
		return run(argv + 2);
	return usage();
}
