// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the download child (userland/lib/netchild.c): a job runs
 * as an unprivileged user (when the test runs as root) under the filter;
 * asking it to read /etc/shadow, open a file for writing, exec a program
 * or start a process fails or kills it, and the parent says which; the
 * report decoder refuses what the child could not have sent.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "netchild.h"
#include "util.h"

static char err[1024];

static int job_ok(void *arg, const int *fds, char *e, size_t elen)
{
	/* The job's own descriptor works; it runs without root. */
	if (write(fds[0], "hello", 5) != 5)
		return kc_fail(e, elen, "write: %s", strerror(errno));
	return kc_fail(e, elen, "uid %d", (int)geteuid()) ? 7 : 7;
}

static void test_job_runs_unprivileged(void **state)
{
	char buf[8] = "";
	int fd = memfd_create("t", 0), rc;

	rc = kc_netchild_run(job_ok, NULL, &fd, 1, 10000, err, sizeof(err));
	assert_int_equal(rc, 7);
	if (geteuid() == 0)
		assert_string_not_equal(err, "uid 0");
	assert_int_equal(pread(fd, buf, 5, 0), 5);
	assert_string_equal(buf, "hello");
	close(fd);
}

static int job_shadow(void *arg, const int *fds, char *e, size_t elen)
{
	int fd = open("/etc/shadow", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return kc_fail(e, elen, "cannot open /etc/shadow: %s", strerror(errno));
	close(fd);
	return 0;
}

static void test_shadow_unreadable(void **state)
{
	int rc;

	if (geteuid()) {
		skip();
		return;
	}
	rc = kc_netchild_run(job_shadow, NULL, NULL, 0, 10000, err, sizeof(err));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "cannot open /etc/shadow: Permission denied"));
}

/*
 * /etc/passwd is readable by every uid: only Landlock keeps the child out
 * of it. /etc/hosts is on the child's list: readable.
 */
static int job_read(void *arg, const int *fds, char *e, size_t elen)
{
	const char *path = arg;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return kc_fail(e, elen, "cannot open %s: %s", path, strerror(errno));
	close(fd);
	return 0;
}

static void test_only_listed_files_readable(void **state)
{
	int rc;

	rc = kc_netchild_run(job_read, "/etc/passwd", NULL, 0, 10000, err,
			     sizeof(err));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "cannot open /etc/passwd: Permission denied"));
	rc = kc_netchild_run(job_read, "/etc/hosts", NULL, 0, 10000, err,
			     sizeof(err));
	assert_int_equal(rc, 0);
}

static int job_write_open(void *arg, const int *fds, char *e, size_t elen)
{
	int fd = open("/tmp/kc-netchild-must-not-exist", O_WRONLY | O_CREAT, 0600);

	if (fd >= 0)
		close(fd);
	return kc_fail(e, elen, "open for writing returned %d", fd);
}

static void test_write_open_kills(void **state)
{
	int rc = kc_netchild_run(job_write_open, NULL, NULL, 0, 10000, err,
				 sizeof(err));

	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "killed by signal 31 (SIGSYS"));
	assert_int_not_equal(access("/tmp/kc-netchild-must-not-exist", F_OK), 0);
}

static int job_exec(void *arg, const int *fds, char *e, size_t elen)
{
	char *argv[] = { "/bin/true", NULL };

	execv(argv[0], argv);
	return kc_fail(e, elen, "execv returned: %s", strerror(errno));
}

static void test_exec_kills(void **state)
{
	int rc = kc_netchild_run(job_exec, NULL, NULL, 0, 10000, err,
				 sizeof(err));

	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "killed by signal 31 (SIGSYS"));
}

static int job_fork(void *arg, const int *fds, char *e, size_t elen)
{
	pid_t p = fork();

	if (p == 0)
		_exit(0);
	return kc_fail(e, elen, "fork returned %d", (int)p);
}

static void test_fork_kills(void **state)
{
	int rc = kc_netchild_run(job_fork, NULL, NULL, 0, 10000, err,
				 sizeof(err));

	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "killed by signal 31"));
}

static int job_unix(void *arg, const int *fds, char *e, size_t elen)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	return kc_fail(e, elen, "socket: %s", s < 0 ? strerror(errno) : "made");
}

static void test_unix_socket_refused(void **state)
{
	int rc = kc_netchild_run(job_unix, NULL, NULL, 0, 10000, err,
				 sizeof(err));

	assert_int_equal(rc, -1);
	assert_string_equal(err, "socket: Permission denied");
}

static int job_sleep(void *arg, const int *fds, char *e, size_t elen)
{
	sleep(30);
	return 0;
}

static void test_timeout_kills(void **state)
{
	int rc = kc_netchild_run(job_sleep, NULL, NULL, 0, 300, err,
				 sizeof(err));

	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "did not finish"));
}

static void test_decode(void **state)
{
	unsigned char b[32] = "KCNR";
	int rc = 5;

	memset(b + 4, 0, 4);
	b[8] = 2;
	memcpy(b + 10, "ok", 2);
	assert_int_equal(kc_netchild_decode(b, 12, &rc, err, sizeof(err)), 0);
	assert_int_equal(rc, 0);
	assert_string_equal(err, "ok");
	/* Lengths that do not add up, another magic, control bytes, rc 128. */
	assert_int_equal(kc_netchild_decode(b, 11, &rc, err, sizeof(err)), -1);
	assert_int_equal(kc_netchild_decode(b, 13, &rc, err, sizeof(err)), -1);
	b[10] = '\n';
	assert_int_equal(kc_netchild_decode(b, 12, &rc, err, sizeof(err)), -1);
	b[10] = 'o';
	b[4] = 128;
	assert_int_equal(kc_netchild_decode(b, 12, &rc, err, sizeof(err)), -1);
	b[4] = 0;
	b[0] = 'X';
	assert_int_equal(kc_netchild_decode(b, 12, &rc, err, sizeof(err)), -1);
	assert_int_equal(kc_netchild_decode(b, 3, &rc, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_job_runs_unprivileged),
		cmocka_unit_test(test_shadow_unreadable),
		cmocka_unit_test(test_only_listed_files_readable),
		cmocka_unit_test(test_write_open_kills),
		cmocka_unit_test(test_exec_kills),
		cmocka_unit_test(test_fork_kills),
		cmocka_unit_test(test_unix_socket_refused),
		cmocka_unit_test(test_timeout_kills),
		cmocka_unit_test(test_decode),
	};

	return cmocka_run_group_tests_name("netchild", tests, NULL, NULL);
}
