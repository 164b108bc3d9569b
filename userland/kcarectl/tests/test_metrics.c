// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of kcare.prom (metrics.c): the text is checked line by line
 * against the Prometheus text exposition format by a strict parser here,
 * and by promtool ("promtool check metrics") when it is installed; the
 * last success and error survive a rewrite; label values are escaped.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "metrics.h"

/* metrics.c reads it through ctl.h; kcarectl.c defines it. */
char kc_last_error[512];

static int name_ok(const char **s, int colon)
{
	const char *p = *s;

	if (!isalpha((unsigned char)*p) && *p != '_' && !(colon && *p == ':'))
		return 0;
	while (isalnum((unsigned char)*p) || *p == '_' || (colon && *p == ':'))
		p++;
	*s = p;
	return 1;
}

/*
 * One sample line: NAME[{LABEL="VALUE",...}] NUMBER. Returns the length
 * of the name in @name, 0 when the line is malformed.
 */
static size_t sample_ok(const char *line, char *name, size_t len)
{
	const char *p = line, *start;
	char *end;

	if (!name_ok(&p, 1) || (size_t)(p - line) >= len)
		return 0;
	memcpy(name, line, p - line);
	name[p - line] = '\0';
	if (*p == '{') {
		p++;
		while (*p != '}') {
			if (!name_ok(&p, 0) || *p++ != '=' || *p++ != '"')
				return 0;
			for (; *p != '"'; p++) {
				if (!*p || *p == '\n')
					return 0;
				/* Only \\, \" and \n are escapes. */
				if (*p == '\\' && !strchr("\\\"n", *++p))
					return 0;
			}
			p++;
			if (*p == ',')
				p++;
			else if (*p != '}')
				return 0;
		}
		p++;
	}
	if (*p++ != ' ')
		return 0;
	start = p;
	strtod(start, &end);
	if (end == start || *end)
		return 0;
	return strlen(name);
}

/* The whole text: families typed before their samples, once each. */
static void check_text(const char *text)
{
	char *copy = strdup(text), *line, *save = NULL, name[128], typed[64][128];
	int ntyped = 0, i, found, samples = 0;

	assert_true(*text && text[strlen(text) - 1] == '\n');
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "# HELP ", 7))
			continue;
		if (!strncmp(line, "# TYPE ", 7)) {
			const char *p = line + 7;

			assert_true(name_ok(&p, 1));
			assert_true(!strcmp(p, " gauge") || !strcmp(p, " counter"));
			for (i = 0; i < ntyped; i++)
				assert_true(strncmp(typed[i], line + 7, p - line - 7));
			assert_true(ntyped < 64);
			snprintf(typed[ntyped++], 128, "%.*s", (int)(p - line - 7), line + 7);
			continue;
		}
		assert_true(line[0] != '#');
		if (!sample_ok(line, name, sizeof(name)))
			fail_msg("malformed sample: %s", line);
		for (i = 0, found = 0; i < ntyped; i++)
			found |= !strcmp(typed[i], name);
		assert_true(found);
		samples++;
	}
	assert_true(samples >= 9);
	free(copy);
}

/* promtool, when Debian's prometheus package is installed. */
static void promtool_check(const char *text)
{
	char path[] = "/tmp/kc-metrics-test.XXXXXX", cmd[256];
	int fd;

	if (system("command -v promtool >/dev/null 2>&1")) {
		print_message("# promtool not installed: the strict parser only\n");
		return;
	}
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	snprintf(cmd, sizeof(cmd), "promtool check metrics <%s", path);
	assert_int_equal(system(cmd), 0);
	unlink(path);
}

static void test_format(void **state)
{
	struct kc_metrics m = {
		.level = 3, .available = 5, .success = 1, .last_run = 1764900000,
		.last_success = 1764900000, .kernel = "6.1.0-56-amd64",
		.effective = "6.1.192-2+kc3",
	};
	char buf[8192];

	assert_true(kc_metrics_format(&m, buf, sizeof(buf)) > 0);
	check_text(buf);
	promtool_check(buf);
	assert_non_null(strstr(buf, "\nkcare_patch_level 3\n"));
	assert_non_null(strstr(buf, "\nkcare_patch_level_available 5\n"));
	assert_non_null(strstr(buf, "\nkcare_patches_outdated 1\n"));
	assert_non_null(strstr(buf, "\nkcare_last_error_info{message=\"\"} 0\n"));
}

/* A message with quotes, backslashes and a newline stays one label. */
static void test_escape_and_carry(void **state)
{
	struct kc_metrics m = {
		.success = 0, .last_run = 1764900500, .last_error_time = 1764900500,
		.kernel = "6.1.0-56-amd64",
	}, next = { .success = 1, .last_run = 1764901000, .last_success = 1764901000 };
	char buf[8192], buf2[8192];

	snprintf(m.last_error, sizeof(m.last_error),
		 "cannot fetch \"K1\": C:\\path\nsecond line");
	assert_true(kc_metrics_format(&m, buf, sizeof(buf)) > 0);
	check_text(buf);
	promtool_check(buf);
	assert_non_null(strstr(buf, "message=\"cannot fetch \\\"K1\\\": C:\\\\path\\nsecond line\"} 1\n"));
	/* The next, successful run keeps the error and its time. */
	kc_metrics_carry(&next, buf);
	assert_string_equal(next.last_error, m.last_error);
	assert_int_equal(next.last_error_time, 1764900500);
	assert_int_equal(next.last_success, 1764901000);
	assert_true(kc_metrics_format(&next, buf2, sizeof(buf2)) > 0);
	check_text(buf2);
	assert_non_null(strstr(buf2, "\nkcare_last_update_success 1\n"));
}

static void test_too_short(void **state)
{
	struct kc_metrics m = { 0 };
	char buf[64];

	assert_int_equal(kc_metrics_format(&m, buf, sizeof(buf)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_escape_and_carry),
		cmocka_unit_test(test_too_short),
	};

	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
