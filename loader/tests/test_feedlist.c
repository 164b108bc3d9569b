// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of a user-space feed's list (loader/feedlist.c): what parses,
 * that formatting gives the same text back, every malformed line refused
 * with the line named, and the client's checks (feed, expiry, replay).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "feedlist.h"
#include "util.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define HEAD	"format: 1\nfeed: userspace\nserial: 7\n" \
		"generated: 2026-12-01T00:00:00Z\nexpires: 2026-12-15T00:00:00Z\n"
#define A	"0123456789abcdef0123456789abcdef01234567"
#define B	"89abcdef0123456789abcdef0123456789abcdef"

static char err[512];

static void good(void **state)
{
	static const char text[] = HEAD "object: " A " 2 libz.so.1\n"
				   "object: " B " 1 libssl.so.3\n";
	const struct kcl_feedlist_object *o;
	struct kcl_feedlist fl;
	char *again;

	assert_int_equal(kcl_feedlist_parse(text, strlen(text), &fl, err,
					    sizeof(err)), 0);
	assert_string_equal(fl.feed, "userspace");
	assert_int_equal(fl.serial, 7);
	assert_int_equal(fl.n, 2);
	o = kcl_feedlist_find(&fl, B);
	assert_non_null(o);
	assert_int_equal(o->level, 1);
	assert_string_equal(o->name, "libssl.so.3");
	assert_null(kcl_feedlist_find(&fl, "0123456789abcdef0123456789abcdef01234568"));
	assert_null(kcl_feedlist_find(&fl, "0123"));
	again = kcl_feedlist_format(&fl);
	assert_string_equal(again, text);
	free(again);
	kcl_feedlist_free(&fl);

	/* A feed with nothing in it is a list too. */
	assert_int_equal(kcl_feedlist_parse(HEAD, strlen(HEAD), &fl, err,
					    sizeof(err)), 0);
	assert_int_equal(fl.n, 0);
	assert_null(kcl_feedlist_find(&fl, A));
	kcl_feedlist_free(&fl);
}

static void bad(void **state)
{
	static const struct {
		const char *text, *why;
	} cases[] = {
		{ "format: 2\n", "format is not 1" },
		{ "format: 1\nfeed: User\n", "line 2: bad feed name" },
		{ "format: 1\nfeed: userspace\nserial: 0\n", "line 3: bad serial" },
		{ "format: 1\nfeed: userspace\nserial: 07\n", "line 3: bad serial" },
		{ "format: 1\nfeed: userspace\nserial: 1\ngenerated: 2026-12-01\n", "line 4: bad time" },
		{ "format: 1\nfeed: userspace\nserial: 1\ngenerated: 2026-12-01T00:00:00Z\n"
		  "expires: 2026-12-01T00:00:00Z\n", "expires is not after generated" },
		{ "format: 1\nfeed: userspace\nserial: 1\n", "truncated (3 lines)" },
		{ "feed: userspace\n", "line 1: expected \"format: \"" },
		{ HEAD "object: " A " 1 libz.so.1", "line 6: no end of line" },
		{ HEAD "objects: " A " 1 libz.so.1\n", "line 6: expected \"object: " },
		{ HEAD "object: " A " 0 libz.so.1\n", "line 6: bad object" },
		{ HEAD "object: " A " 1\n", "line 6: bad object" },
		{ HEAD "object: " A " 1 lib z\n", "line 6: bad object" },
		{ HEAD "object: 0123456789ABCDEF0123456789abcdef01234567 1 x\n", "line 6: bad object" },
		{ HEAD "object: " A "0 1 x\n", "line 6: bad object" },
		{ HEAD "object: " B " 1 x\nobject: " A " 1 y\n", "line 7: build-ids not in increasing order" },
		{ HEAD "object: " A " 1 x\nobject: " A " 2 y\n", "line 7: build-ids not in increasing order" },
	};
	struct kcl_feedlist fl;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		err[0] = '\0';
		if (kcl_feedlist_parse(cases[i].text, strlen(cases[i].text), &fl,
				       err, sizeof(err)) != -1)
			fail_msg("accepted: %s", cases[i].text);
		if (!strstr(err, cases[i].why))
			fail_msg("case %zu: \"%s\", expected \"%s\"", i, err,
				 cases[i].why);
		assert_null(fl.v);
		assert_int_equal(fl.n, 0);
	}
}

static void check(void **state)
{
	struct kcl_feedlist fl;
	time_t now;

	assert_int_equal(kcl_feedlist_parse(HEAD, strlen(HEAD), &fl, err,
					    sizeof(err)), 0);
	assert_int_equal(kc_time_parse("2026-12-10T00:00:00Z", &now), 0);
	assert_int_equal(kcl_feedlist_check(&fl, "userspace", now, 0, err,
					    sizeof(err)), 0);
	assert_int_equal(kcl_feedlist_check(&fl, "userspace", now, 7, err,
					    sizeof(err)), 0);
	assert_int_equal(kcl_feedlist_check(&fl, "userspace", now, 8, err,
					    sizeof(err)), -1);
	assert_non_null(strstr(err, "serial 7 is older than 8"));
	assert_int_equal(kcl_feedlist_check(&fl, "test-userspace", now, 0, err,
					    sizeof(err)), -1);
	assert_non_null(strstr(err, "of feed userspace, not test-userspace"));
	assert_int_equal(kcl_feedlist_check(&fl, "userspace", fl.expires, 0,
					    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "expired"));
	kcl_feedlist_free(&fl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good),
		cmocka_unit_test(bad),
		cmocka_unit_test(check),
	};

	return cmocka_run_group_tests_name("feedlist", tests, NULL, NULL);
}
