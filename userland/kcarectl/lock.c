// SPDX-License-Identifier: GPL-2.0
/*
 * One kcarectl at a time (lock.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"
#include "util.h"

/* The pid the holder wrote, or 0. */
static long kc_lock_holder(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	char *end;
	long pid;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	pid = strtol(buf, &end, 10);
	return pid > 0 && (*end == '\n' || !*end) ? pid : 0;
}

/*
 * The holder's pid, for the message of those who wait: a failure to
 * write it loses only that, so it is not an error.
 */
static void kc_lock_note(int fd, const char *s, size_t n)
{
	if (!ftruncate(fd, 0) && n)
		(void)!pwrite(fd, s, n, 0);
}

int kc_lock_take(unsigned int wait_s, int *busy, char *err, size_t errlen)
{
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	unsigned int tries = wait_s * 10;
	char pid[24];
	struct stat st;
	int dfd, fd, n;

	*busy = 0;
	if (mkdir(KC_LOCK_DIR, 0755) && errno != EEXIST)
		return kc_fail(err, errlen, "cannot create %s: %s", KC_LOCK_DIR,
				strerror(errno));
	dfd = open(KC_LOCK_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return kc_fail(err, errlen, "refusing %s: %s", KC_LOCK_DIR,
				errno == ELOOP || errno == ENOTDIR ?
				"it is not a directory (a symbolic link?)" : strerror(errno));
	/* Whoever may write there could hold the lock for ever, or swap it. */
	if (kc_dir_check_fd(dfd, KC_LOCK_DIR, err, errlen)) {
		close(dfd);
		return -1;
	}
	fd = openat(dfd, "kcarectl.lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	close(dfd);
	if (fd < 0)
		return kc_fail(err, errlen, "cannot open %s: %s", KC_LOCK_PATH,
				strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		close(fd);
		return kc_fail(err, errlen, "refusing %s: not a regular file of root's: remove it",
				KC_LOCK_PATH);
	}
	/* Bounded: a run that hangs must not stack up timers behind it. */
	while (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			kc_fail(err, errlen, "cannot lock %s: %s", KC_LOCK_PATH,
				 strerror(errno));
			close(fd);
			return -1;
		}
		if (!tries--) {
			long holder = kc_lock_holder(fd);

			*busy = 1;
			if (holder)
				kc_fail(err, errlen,
					 "another kcarectl (pid %ld) is running; try again when it has finished",
					 holder);
			else
				kc_fail(err, errlen,
					 "another kcarectl is running (it holds %s); try again when it has finished",
					 KC_LOCK_PATH);
			close(fd);
			return -1;
		}
		nanosleep(&pause, NULL);
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	kc_lock_note(fd, pid, n);
	return fd;
}

void kc_lock_release(int fd)
{
	if (fd < 0)
		return;
	/* Emptied so that nobody names a finished run. */
	kc_lock_note(fd, NULL, 0);
	flock(fd, LOCK_UN);
	close(fd);
}
