// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of what a user-space patch target is (lib-kind.c): real
 * processes whose executable is named as QEMU's or MariaDB's (copies of
 * /bin/sleep), their libraries, a deleted executable, and which patch
 * type each accepts.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib-kind.h"

static char dir[] = "/tmp/kc-kind-test.XXXXXX";

/* A copy of sleep named @name, running; its path in @path. */
static pid_t start_as(const char *name, char *path, size_t len)
{
	char cmd[PATH_MAX + 64];
	pid_t pid;

	snprintf(path, len, "%s/%s", dir, name);
	snprintf(cmd, sizeof(cmd), "cp /bin/sleep '%s'", path);
	assert_int_equal(system(cmd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		execl(path, name, "60", (char *)NULL);
		_exit(127);
	}
	/* The exec is done once /proc/PID/exe names the copy. */
	for (int i = 0; i < 200; i++) {
		char link[64], exe[PATH_MAX];
		ssize_t n;

		snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
		n = readlink(link, exe, sizeof(exe) - 1);
		if (n > 0 && !strncmp(exe, path, strlen(path)))
			break;
		usleep(10000);
	}
	return pid;
}

static void stop(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void test_qemu_and_mariadb(void **state)
{
	char q[PATH_MAX], m[PATH_MAX], o[PATH_MAX];
	pid_t pq = start_as("qemu-system-x86_64", q, sizeof(q));
	pid_t pm = start_as("mariadbd", m, sizeof(m));
	pid_t po = start_as("nginx", o, sizeof(o));

	assert_int_equal(kc_lib_kind(pq, q), KC_LIB_KIND_QEMU);
	assert_int_equal(kc_lib_kind(pm, m), KC_LIB_KIND_DB);
	assert_int_equal(kc_lib_kind(po, o), KC_LIB_KIND_LIBS);
	/* Their libraries are libraries, whoever maps them. */
	assert_int_equal(kc_lib_kind(pq, "/usr/lib/x86_64-linux-gnu/libc.so.6"),
			 KC_LIB_KIND_LIBS);
	assert_int_equal(kc_lib_kind(pm, "/usr/lib/x86_64-linux-gnu/libc.so.6"),
			 KC_LIB_KIND_LIBS);
	/* The name is the executable's, not a path that looks like it. */
	assert_int_equal(kc_lib_kind(po, q), KC_LIB_KIND_LIBS);
	assert_true(kc_lib_kind_accepts(KC_LIB_KIND_QEMU, "qemu"));
	assert_false(kc_lib_kind_accepts(KC_LIB_KIND_QEMU, "db"));
	assert_false(kc_lib_kind_accepts(KC_LIB_KIND_QEMU, "libs"));
	assert_true(kc_lib_kind_accepts(KC_LIB_KIND_DB, "db"));
	assert_false(kc_lib_kind_accepts(KC_LIB_KIND_DB, "qemu"));
	assert_true(kc_lib_kind_accepts(KC_LIB_KIND_LIBS, "libs"));
	assert_false(kc_lib_kind_accepts(KC_LIB_KIND_LIBS, "db"));
	stop(pq);
	stop(pm);
	stop(po);
}

/* An upgraded server whose executable was replaced on disk is still one. */
static void test_deleted_executable(void **state)
{
	char m[PATH_MAX];
	pid_t pm = start_as("mysqld", m, sizeof(m));

	assert_int_equal(unlink(m), 0);
	assert_int_equal(kc_lib_kind(pm, m), KC_LIB_KIND_DB);
	stop(pm);
}

static void test_gone(void **state)
{
	char q[PATH_MAX];
	pid_t pq = start_as("qemu-kvm", q, sizeof(q));

	stop(pq);
	assert_int_equal(kc_lib_kind(pq, q), KC_LIB_KIND_LIBS);
	assert_string_equal(kc_lib_kind_type(KC_LIB_KIND_QEMU), "qemu");
	assert_string_equal(kc_lib_kind_type(KC_LIB_KIND_DB), "db");
	assert_string_equal(kc_lib_kind_type(KC_LIB_KIND_LIBS), "libs");
}

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? -1 : 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_and_mariadb),
		cmocka_unit_test(test_deleted_executable),
		cmocka_unit_test(test_gone),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
