// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of JSON string output (userland/lib/json.c): whatever bytes a
 * task name, a file or a manifest holds, the document stays valid JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "json.h"

/* kc_json_strn(@s, @n) as a string the test frees. */
static char *strn(const char *s, size_t n)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	kc_json_strn(f, s, n);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void check(const char *in, size_t n, const char *want)
{
	char *got = strn(in, n);

	assert_string_equal(got, want);
	free(got);
}

static void escapes_what_json_forbids(void **state)
{
	check("q\" b\\ n\n t\t", 11, "\"q\\\" b\\\\ n\\n t\\t\"");
	check("c\x01 del\x7f", 7, "\"c\\u0001 del\\u007f\"");
	/* an embedded NUL counts when a length is given */
	check("a\0b", 3, "\"a\\u0000b\"");
}

static void utf8_passes_and_garbage_does_not(void **state)
{
	/* é, €, U+1F600: well-formed, written as they are */
	check("\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 11,
	      "\"\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	/* a lone continuation byte, an overlong '/', a surrogate, a cut sequence */
	check("\x80", 1, "\"\\ufffd\"");
	check("\xc0\xaf", 2, "\"\\ufffd\\ufffd\"");
	check("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"");
	check("x\xe2\x82", 3, "\"x\\ufffd\\ufffd\"");
	check("\xf5\x80\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
}

static void null_is_null(void **state)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	kc_json_str(f, NULL);
	kc_json_kv(f, 0, "k", "v");
	assert_int_equal(fclose(f), 0);
	assert_string_equal(buf, "null, \"k\": \"v\"");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escapes_what_json_forbids),
		cmocka_unit_test(utf8_passes_and_garbage_does_not),
		cmocka_unit_test(null_is_null),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
