// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of kcarectl's table-driven argument parsing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli.h"

static int run_nothing(const char *arg, const struct kc_opts *opts)
{
	return 0;
}

static const struct kc_verb verbs[] = {
	{ "info", 'i', NULL, "show the applied patches", run_nothing },
	{ "prefix", 0, "P", "use the patch feed P", run_nothing },
	{ "version", 0, NULL, "show the version", run_nothing },
	{ NULL },
};

static char errbuf[512];

static const struct kc_verb *parse(const char **arg, struct kc_opts *opts, ...)
{
	char *argv[16] = { "kcarectl" };
	int argc = 1;
	FILE *err = fmemopen(errbuf, sizeof(errbuf), "w");
	const struct kc_verb *v;
	va_list ap;

	va_start(ap, opts);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	v = kc_cli_parse(verbs, argc, argv, arg, opts, err);
	fclose(err);
	return v;
}

static void long_and_short_names(void **state)
{
	struct kc_opts o;
	const char *arg;

	assert_ptr_equal(parse(&arg, &o, "--info", NULL), &verbs[0]);
	assert_false(o.json);
	assert_ptr_equal(parse(&arg, &o, "-i", "--json", NULL), &verbs[0]);
	assert_true(o.json);
	assert_ptr_equal(parse(&arg, &o, "--version", NULL), &verbs[2]);
}

static void verb_argument(void **state)
{
	struct kc_opts o;
	const char *arg;

	assert_ptr_equal(parse(&arg, &o, "--prefix", "test", NULL), &verbs[1]);
	assert_string_equal(arg, "test");
	assert_null(parse(&arg, &o, "--prefix", NULL));
	assert_string_equal(errbuf, "kcarectl: --prefix needs an argument (P)\n");
}

static void usage_errors_name_the_argument(void **state)
{
	struct kc_opts o;
	const char *arg;

	assert_null(parse(&arg, &o, "--bogus", NULL));
	assert_string_equal(errbuf,
			    "kcarectl: unknown argument '--bogus'; see kcarectl --help\n");
	assert_null(parse(&arg, &o, "-", NULL));
	assert_null(parse(&arg, &o, "info", NULL));
	assert_null(parse(&arg, &o, NULL));
	assert_string_equal(errbuf, "kcarectl: no command given; see kcarectl --help\n");
	assert_null(parse(&arg, &o, "--info", "--version", NULL));
	assert_string_equal(errbuf,
			    "kcarectl: --info and --version cannot be combined\n");
}

static void help_lists_every_verb(void **state)
{
	char buf[2048];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	const struct kc_verb *v;

	kc_cli_usage(verbs, "kcarectl", f);
	fclose(f);
	for (v = verbs; v->name; v++) {
		char want[64];

		snprintf(want, sizeof(want), "--%s", v->name);
		assert_non_null(strstr(buf, want));
		assert_non_null(strstr(buf, v->help));
	}
	assert_non_null(strstr(buf, "-i, --info"));
	assert_non_null(strstr(buf, "--prefix P"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(long_and_short_names),
		cmocka_unit_test(verb_argument),
		cmocka_unit_test(usage_errors_name_the_argument),
		cmocka_unit_test(help_lists_every_verb),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
