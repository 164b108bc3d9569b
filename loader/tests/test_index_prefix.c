// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the client's settings that pick a feed and a date
 * (loader/index.c): PREFIX (a named or a delayed feed) and STICKY_PATCH
 * (DDMMYY and DDMMYYYY, yesterday at the latest, 60 days back at most),
 * at their exact boundaries.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "util.h"
#include "index.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static char err[512];

static time_t T(const char *s)
{
	time_t t;

	if (kc_time_parse(s, &t))
		fail_msg("bad time in the test: %s", s);
	return t;
}

static void prefix(void **state)
{
	static const struct {
		const char *prefix, *feed;
		unsigned int delay;
	} good[] = {
		{ "", "", 0 }, { "test", "test", 0 }, { "12h", "", 12 },
		{ "24h", "", 24 }, { "48h", "", 48 }, { "beta-2", "beta-2", 0 },
	};
	static const char *const bad[] = {
		"36h", "0h", "1h", "024h", "Test", "test/x", "a b",
		"123456789012345678901234567890123",
	};
	unsigned int delay;
	char feed[33];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		delay = 99;
		strcpy(feed, "junk");
		assert_int_equal(kcl_prefix_parse(good[i].prefix, feed,
						  sizeof(feed), &delay, err,
						  sizeof(err)), 0);
		assert_string_equal(feed, good[i].feed);
		assert_int_equal(delay, good[i].delay);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (kcl_prefix_parse(bad[i], feed, sizeof(feed), &delay, err,
				     sizeof(err)) != -1)
			fail_msg("PREFIX=%s accepted", bad[i]);
	}
	assert_int_equal(kcl_prefix_parse("36h", feed, sizeof(feed), &delay,
					  err, sizeof(err)), -1);
	assert_string_equal(err,
			    "PREFIX=36h: the delayed feeds are 12h, 24h and 48h");
}

static void sticky_parse(void **state)
{
	/* now: 2026-11-25 15:30 UTC */
	time_t now = T("2026-11-25T15:30:00Z"), until;

	assert_int_equal(kcl_sticky_parse("011126", now, &until, err,
					  sizeof(err)), 0);
	assert_int_equal(until, T("2026-11-02T00:00:00Z"));
	/* Today: refused, at any second of the day (the seed: yesterday at the latest). */
	assert_int_equal(kcl_sticky_parse("251126", now, &until, err,
					  sizeof(err)), -1);
	assert_string_equal(err,
			    "STICKY_PATCH=251126 is today (expected yesterday or an earlier day)");
	assert_int_equal(kcl_sticky_parse("251126", T("2026-11-25T23:59:59Z"),
					  &until, err, sizeof(err)), -1);
	assert_int_equal(kcl_sticky_parse("251126", T("2026-11-25T00:00:00Z"),
					  &until, err, sizeof(err)), -1);
	/* Yesterday, and its eight-digit spelling. */
	assert_int_equal(kcl_sticky_parse("241126", now, &until, err,
					  sizeof(err)), 0);
	assert_int_equal(until, T("2026-11-25T00:00:00Z"));
	assert_int_equal(kcl_sticky_parse("24112026", now, &until, err,
					  sizeof(err)), 0);
	assert_int_equal(until, T("2026-11-25T00:00:00Z"));
	assert_int_equal(kcl_sticky_parse("24111926", now, &until, err,
					  sizeof(err)), -1);
	/* Tomorrow: the future. */
	assert_int_equal(kcl_sticky_parse("261126", now, &until, err,
					  sizeof(err)), -1);
	assert_string_equal(err, "STICKY_PATCH=261126 is in the future");
	assert_int_equal(kcl_sticky_parse("261126", T("2026-11-25T23:59:59Z"),
					  &until, err, sizeof(err)), -1);
	assert_int_equal(kcl_sticky_parse("261126", T("2026-11-27T00:00:00Z"),
					  &until, err, sizeof(err)), 0);
	/* 60 days back: 2026-09-26; 61: 2026-09-25. */
	assert_int_equal(kcl_sticky_parse("260926", now, &until, err,
					  sizeof(err)), 0);
	assert_int_equal(until, T("2026-09-27T00:00:00Z"));
	assert_int_equal(kcl_sticky_parse("260926", T("2026-11-25T23:59:59Z"),
					  &until, err, sizeof(err)), 0);
	assert_int_equal(kcl_sticky_parse("250926", now, &until, err,
					  sizeof(err)), -1);
	assert_string_equal(err, "STICKY_PATCH=250926 is more than 60 days ago");
	assert_int_equal(kcl_sticky_parse("250926", T("2026-11-25T00:00:00Z"),
					  &until, err, sizeof(err)), -1);
	assert_int_equal(kcl_sticky_parse("260926", T("2026-11-26T00:00:00Z"),
					  &until, err, sizeof(err)), -1);
	/* Leap years. */
	assert_int_equal(kcl_sticky_parse("290228", T("2028-03-01T00:00:00Z"),
					  &until, err, sizeof(err)), 0);
	assert_int_equal(until, T("2028-03-01T00:00:00Z"));
	assert_int_equal(kcl_sticky_parse("290227", T("2027-03-01T00:00:00Z"),
					  &until, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no day 29"));
}

static void sticky_malformed(void **state)
{
	static const char *const bad[] = {
		"300226", "310426", "000126", "011326", "010026", "1234567",
		"12345", "", "ab0126", "01-126", "01 126", "+10126",
	};
	time_t now = T("2026-03-15T00:00:00Z"), until = 42;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (kcl_sticky_parse(bad[i], now, &until, err, sizeof(err)) != -1)
			fail_msg("STICKY_PATCH=%s accepted", bad[i]);
		assert_non_null(strstr(err, "STICKY_PATCH="));
		assert_int_equal(until, 42);
	}
	assert_int_equal(kcl_sticky_parse("300226", now, &until, err,
					  sizeof(err)), -1);
	assert_string_equal(err, "STICKY_PATCH=300226: no day 30 in 2026-02");
	/* The day before is a real date, within reach. */
	assert_int_equal(kcl_sticky_parse("280226", now, &until, err,
					  sizeof(err)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prefix),
		cmocka_unit_test(sticky_parse),
		cmocka_unit_test(sticky_malformed),
	};

	return cmocka_run_group_tests_name("index-prefix-sticky", tests, NULL,
					   NULL);
}
